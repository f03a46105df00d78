/* Bad input: every broken file of tests/data/bad/ is refused with the code, line, column and
 * message that tests/data/bad/manifest.tsv expects, and leaves the dataset as it was; hostile
 * input (a 100 MB file of one line) is refused or read in linear time and bounded memory. */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define HP_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define HP_SANITIZED 1
#endif
#endif
#ifndef HP_SANITIZED
#define HP_SANITIZED 0
#endif

typedef struct entry {
    char file[128];
    char code[32];
    int line, column;
    char frag[512];
} entry;

/* The manifest's rows (comment lines start with '#'). */
static size_t read_manifest(entry *out, size_t cap)
{
    size_t len;
    char *text = hpt_read_file(hpt_data("bad/manifest.tsv"), &len);
    cr_assert(not(eq(ptr, text, NULL)), "cannot read tests/data/bad/manifest.tsv");
    size_t n = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#' || !line[0])
            continue;
        cr_assert(lt(sz, n, cap));
        entry *e = &out[n++];
        char *f[5];
        int k = 0;
        for (char *p = line; k < 5; k++) {
            f[k] = p;
            char *tab = strchr(p, '\t');
            if (!tab) {
                k++;
                break;
            }
            *tab = '\0';
            p = tab + 1;
        }
        cr_assert(eq(int, k, 5), "manifest row %zu has %d fields, not 5", n, k);
        snprintf(e->file, sizeof e->file, "%s", f[0]);
        snprintf(e->code, sizeof e->code, "%s", f[1]);
        e->line = atoi(f[2]);
        e->column = atoi(f[3]);
        snprintf(e->frag, sizeof e->frag, "%s", f[4]);
    }
    free(text);
    return n;
}

static int is_json(const char *name)
{
    size_t n = strlen(name);
    return n > 5 && !strcmp(name + n - 5, ".json");
}

Test(bad_input, every_file_fails_as_the_manifest_says_and_changes_nothing)
{
    static entry rows[256];
    size_t n = read_manifest(rows, 256);
    cr_assert(ge(sz, n, 50), "only %zu rows in the manifest", n);
    hp_dataset *ds;
    HP_ASSERT_OK(hp_dataset_builtin(&ds));
    char *before = hpt_dump(ds);
    for (size_t i = 0; i < n; i++) {
        const entry *e = &rows[i];
        char rel[sizeof e->file + 8];
        snprintf(rel, sizeof rel, "bad/%.120s", e->file);
        char path[1024];
        snprintf(path, sizeof path, "%.1000s", hpt_data(rel));
        size_t len;
        char *text = hpt_read_file(path, &len);
        cr_assert(not(eq(ptr, text, NULL)), "%s is listed but missing", e->file);
        int rc = is_json(e->file) ? hp_dataset_load_json_buffer(ds, text, len, e->file)
                                  : hp_dataset_load_csv_buffer(ds, text, len, e->file);
        const hp_error *err = hp_error_last();
        cr_assert(strcmp(hp_strerror(rc), e->code) == 0, "%s: %s (%s), expected %s",
                  e->file, hp_strerror(rc), err->message, e->code);
        cr_assert(strcmp(err->file, e->file) == 0, "%s: error in file \"%s\"", e->file, err->file);
        cr_assert(eq(int, err->line, e->line), "%s: line %d, expected %d (%s)", e->file, err->line,
                  e->line, err->message);
        cr_assert(eq(int, err->column, e->column), "%s: column %d, expected %d (%s)", e->file,
                  err->column, e->column, err->message);
        cr_assert(strstr(err->message, e->frag) != NULL, "%s: message \"%s\" lacks \"%s\"",
                  e->file, err->message, e->frag);
        char *after = hpt_dump(ds);
        cr_assert(eq(str, after, before), "%s: the failed load changed the dataset", e->file);
        hp_free(after);

        /* the same file through its path: the same refusal, located in that path */
        rc = hp_dataset_load(ds, path);
        cr_assert(strcmp(hp_strerror(rc), e->code) == 0, "%s by path: %s (%s)", e->file,
                  hp_strerror(rc), hp_error_last()->message);
        if (len > 0) {
            cr_assert(eq(str, (char *)hp_error_last()->file, path), "%s by path", e->file);
            if (strcmp(e->file, "utf16_bom.json") != 0) /* by content, that one reads as CSV */
                cr_assert(eq(int, hp_error_last()->line, e->line), "%s by path: line", e->file);
        }
        after = hpt_dump(ds);
        cr_assert(eq(str, after, before), "%s: the failed load by path changed the dataset",
                  e->file);
        hp_free(after);
        free(text);
    }
    hp_free(before);
    hp_dataset_free(ds);
}

Test(bad_input, the_manifest_lists_every_file)
{
    static entry rows[256];
    size_t n = read_manifest(rows, 256);
    char dirpath[1024];
    snprintf(dirpath, sizeof dirpath, "%.1000s", hpt_data("bad"));
    DIR *d = opendir(dirpath);
    cr_assert(not(eq(ptr, d, NULL)));
    size_t files = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        const char *name = de->d_name;
        if (name[0] == '.' || !strcmp(name, "manifest.tsv") || !strcmp(name, "make_bad.py"))
            continue;
        int found = 0;
        for (size_t i = 0; i < n; i++)
            found |= !strcmp(rows[i].file, name);
        cr_assert(found, "%s is not in manifest.tsv", name);
        files++;
    }
    closedir(d);
    cr_assert(eq(sz, files, n), "%zu files, %zu manifest rows", files, n);
}

/* ------------------------------------------------------------------ hostile sizes */

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static long peak_rss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024;
}

typedef void (*writer_fn)(FILE *f, size_t size);

/* A dataset JSON of one line: `size` bytes of observations, the last of which names an
 * unknown indicator. */
static void write_long_json(FILE *f, size_t size)
{
    fputs("{\"format\":\"healthplan/1\",\"observations\":[", f);
    size_t written = 40;
    for (long i = 0; written < size; i++) {
        written += (size_t)fprintf(f,
                                   "{\"region\":\"430900\",\"indicator\":\"infant_mortality\","
                                   "\"year\":%ld,\"value\":%ld.5,\"source\":\"row %ld\"},",
                                   1949 + i % 152, i % 1000, i);
    }
    fputs("{\"region\":\"430900\",\"indicator\":\"no_such_indicator\",\"year\":2020,\"value\":1}]}",
          f);
}

/* A dataset JSON whose one record holds a string of `size` bytes, then a bad level. */
static void write_long_string_json(FILE *f, size_t size)
{
    fputs("{\"format\":\"healthplan/1\",\"regions\":[{\"code\":\"X1\",\"name_en\":\"", f);
    static char chunk[65536];
    memset(chunk, 'a', sizeof chunk);
    for (size_t w = 0; w < size; w += sizeof chunk)
        fwrite(chunk, 1, sizeof chunk, f);
    fputs("\",\"level\":\"town\"}]}", f);
}

/* A CSV of one line: the header, then one field of `size` bytes. */
static void write_long_csv(FILE *f, size_t size)
{
    fputs("REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,", f);
    static char chunk[65536];
    memset(chunk, 'x', sizeof chunk);
    for (size_t w = 0; w < size; w += sizeof chunk)
        fwrite(chunk, 1, sizeof chunk, f);
}

/* A CSV whose quoted field opens and never closes, over `size` bytes of one line. */
static void write_open_quote_csv(FILE *f, size_t size)
{
    fputs("REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\n430900,\"", f);
    static char chunk[65536];
    memset(chunk, 'y', sizeof chunk);
    for (size_t w = 0; w < size; w += sizeof chunk)
        fwrite(chunk, 1, sizeof chunk, f);
}

/* Load a generated file of `size` bytes into the built-in data; return the seconds taken. */
static double timed_load(writer_fn w, size_t size, const char *tag, int code, const char *frag)
{
    char path[256];
    snprintf(path, sizeof path, "/tmp/hp_bad_input_%d_%s", (int)getpid(), tag);
    FILE *f = fopen(path, "wb");
    cr_assert(not(eq(ptr, f, NULL)));
    w(f, size);
    fclose(f);
    hp_dataset *ds;
    HP_ASSERT_OK(hp_dataset_builtin(&ds));
    size_t nobs = hp_dataset_observation_count(ds);
    double t0 = now();
    int rc = hp_dataset_load(ds, path);
    double t = now() - t0;
    cr_assert(eq(int, rc, code), "%s (%zu MB): %s (%s)", tag, size >> 20, hp_strerror(rc),
              hp_error_last()->message);
    HP_ASSERT_MSG(frag);
    cr_assert(eq(int, hp_error_last()->line, 1 + (strstr(tag, "quote") != NULL)),
              "%s: on its one line", tag);
    cr_assert(eq(sz, hp_dataset_observation_count(ds), nobs));
    hp_dataset_free(ds);
    unlink(path);
    fprintf(stderr, "bad_input: %-18s %4zu MB in %6.2f s (peak RSS %ld MB)\n", tag, size >> 20, t,
            peak_rss_mb());
    return t;
}

/* Ten times the input must not take much more than ten times as long (quadratic would be a
 * hundred). Sizes are 10 and 100 MB, or 2 and 20 MB in a sanitizer build. */
static void linear(writer_fn w, const char *tag, int code, const char *frag)
{
    size_t big = HP_SANITIZED ? (size_t)20 << 20 : (size_t)100 << 20;
    char t1[64], t2[64];
    snprintf(t1, sizeof t1, "%s-small", tag);
    snprintf(t2, sizeof t2, "%s-big", tag);
    double small_t = timed_load(w, big / 10, t1, code, frag);
    double big_t = timed_load(w, big, t2, code, frag);
    double ratio = big_t / (small_t > 0.01 ? small_t : 0.01);
    cr_assert(lt(dbl, ratio, 30.0), "%s: 10x the input took %.1fx the time (%.2f s vs %.2f s)",
              tag, ratio, big_t, small_t);
    cr_assert(lt(long, peak_rss_mb(), 1536L), "%s: peak RSS %ld MB", tag, peak_rss_mb());
}

Test(bad_input, one_line_of_100_mb_of_records_is_read_in_linear_time, .timeout = 600)
{
    linear(write_long_json, "json-records", HP_ENOTFOUND, "unknown indicator \"no_such_indicator\"");
}

Test(bad_input, one_string_of_100_mb_is_read_in_linear_time, .timeout = 600)
{
    linear(write_long_string_json, "json-string", HP_EVALIDATE, "\"level\" must be one of");
}

Test(bad_input, one_csv_line_of_100_mb_is_refused_in_linear_time, .timeout = 600)
{
    linear(write_long_csv, "csv-field", HP_EPARSE, "field longer than the limit of 1 MiB");
}

Test(bad_input, an_unclosed_quote_over_100_mb_is_refused_in_linear_time, .timeout = 600)
{
    linear(write_open_quote_csv, "csv-quote", HP_EPARSE, "unterminated quoted field");
}

/* ------------------------------------------------------------------ absurd numbers */

/* Values at the edge of double: a target that overflows, or an expression that cannot be
 * computed, is "not assessable" with the reason, never a verdict read off an infinity. */
Test(bad_input, targets_that_overflow_are_not_judged)
{
    static const char *json =
        "{\"format\":\"healthplan/1\",\"regions\":[{\"code\":\"R\"}],"
        "\"indicators\":[{\"id\":\"x\",\"direction\":\"higher\"},{\"id\":\"y\",\"direction\":\"lower\"}],"
        "\"plans\":[{\"id\":\"p\",\"region\":\"R\",\"start\":2000,\"end\":2100,\"baseline_year\":1950}],"
        "\"targets\":["
        "{\"plan\":\"p\",\"id\":\"1\",\"indicator\":\"x\",\"year\":2100,\"rule\":{\"kind\":\"per_year\",\"value\":1e308}},"
        "{\"plan\":\"p\",\"id\":\"2\",\"indicator\":\"x\",\"year\":2100,\"rule\":{\"kind\":\"per_year\",\"value\":5,\"compound\":true}},"
        "{\"plan\":\"p\",\"id\":\"3\",\"indicator\":\"y\",\"year\":2100,\"rule\":{\"kind\":\"change_from\",\"value\":1e308,\"ref_year\":1950}},"
        "{\"plan\":\"p\",\"id\":\"4\",\"indicator\":\"x\",\"year\":2100,\"rule\":{\"kind\":\"expr\",\"expr\":\"x * x > 1\"}},"
        "{\"plan\":\"p\",\"id\":\"5\",\"indicator\":\"x\",\"year\":2100,\"rule\":{\"kind\":\"expr\",\"expr\":\"x >= 1\",\"when\":\"y / (y - y) > 0\"}},"
        "{\"plan\":\"p\",\"id\":\"6\",\"indicator\":\"y\",\"year\":2000,\"rule\":{\"kind\":\"le\",\"value\":-1e308}}],"
        "\"observations\":["
        "{\"region\":\"R\",\"indicator\":\"x\",\"year\":1950,\"value\":1e308},"
        "{\"region\":\"R\",\"indicator\":\"x\",\"year\":2099,\"value\":-1e308},"
        "{\"region\":\"R\",\"indicator\":\"y\",\"year\":1950,\"value\":-1e308},"
        "{\"region\":\"R\",\"indicator\":\"y\",\"year\":1951,\"value\":1e308}]}";
    static const struct {
        hp_status status;
        const char *reason;
    } want[] = {
        {HP_STATUS_NOT_ASSESSABLE, "the target overflows (+inf): it cannot be judged"},
        {HP_STATUS_NOT_ASSESSABLE, "the target overflows (+inf): it cannot be judged"},
        {HP_STATUS_NOT_ASSESSABLE, "the target overflows (-inf): it cannot be judged"},
        {HP_STATUS_NOT_ASSESSABLE, "x * x > 1 cannot be evaluated in R: "},
        {HP_STATUS_NOT_ASSESSABLE, "the condition y / (y - y) > 0 cannot be evaluated in R: "},
        {HP_STATUS_OFF_TRACK, "the latest value 1e+308 (1951) does not meet it"},
    };
    hp_dataset *ds;
    HP_ASSERT_OK(hp_dataset_new(&ds));
    HP_ASSERT_OK(hp_dataset_load_json_buffer(ds, json, strlen(json), "edge.json"));
    hp_results *res;
    HP_ASSERT_OK(hp_evaluate(ds, NULL, &res));
    cr_assert(eq(sz, hp_results_count(res), 6));
    for (size_t i = 0; i < 6; i++) {
        const hp_result *r = hp_results_at(res, i);
        char reason[512];
        cr_assert(ge(int, hp_results_reason(res, i, reason, sizeof reason), 0));
        cr_assert(eq(int, (int)r->status, (int)want[i].status), "target %zu: %s (%s)", i + 1,
                  hp_status_name(r->status), reason);
        cr_assert(strstr(reason, want[i].reason) != NULL, "target %zu: reason \"%s\" lacks \"%s\"",
                  i + 1, reason, want[i].reason);
        cr_assert(r->met == 0, "target %zu is met", i + 1);
    }
    char *text;
    HP_ASSERT_OK(hp_results_write(res, HP_RESULTS_JSON, &text, NULL));
    cr_assert(strstr(text, "inf,") == NULL && strstr(text, "nan") == NULL, "a bare inf or nan in JSON");
    hp_free(text);
    hp_results_free(res);
    hp_dataset_free(ds);
}
