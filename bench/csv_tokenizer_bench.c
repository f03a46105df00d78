/* Tokenizer throughput: libhealthplan's CSV reader against Debian's libcsv (docs/csv.md).
 *
 *   csv_tokenizer_bench gen FILE MB     write an SDMX-style observations CSV of about MB MB
 *   csv_tokenizer_bench run FILE [RUNS] time each reader RUNS times (default 5), print medians
 *   csv_tokenizer_bench probe           feed malformed inputs to both readers, print what each
 *                                       makes of them (the strictness table of docs/csv.md)
 *
 * The file is read once into memory (from the page cache once it is warm); each reader then
 * walks every field of every record of that buffer and the reported MB/s is file size / time.
 * "mmap+ours" maps the file afresh on each run instead, page faults included, as a loader
 * that mmaps would. Build (from the repository root):
 *
 *   gcc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Ilibhealthplan/include -Ilibhealthplan/src \
 *       -I<dir with healthplan/version.h> bench/csv_tokenizer_bench.c libhealthplan/src/csv.c \
 *       libhealthplan/src/alloc.c libhealthplan/src/error.c -lcsv -lcjson -lm \
 *       -o /tmp/csv_tokenizer_bench
 */
#include <csv.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "csv_internal.h"

typedef struct counts {
    size_t records, fields, bytes;
} counts;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static unsigned long rng = 88172645463325252UL;
static unsigned long next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static int gen(const char *path, double mb)
{
    static const char *areas[] = {"430000", "430900", "430902", "430903", "430921", "430922",
                                  "430923", "430981", "430400", "430405", "430406", "430407",
                                  "430408", "430412", "430421", "430422", "CN"};
    static const char *inds[] = {"infant_mortality", "maternal_mortality", "life_expectancy",
                                 "beds_per_1000", "physicians_per_1000", "population",
                                 "premature_mortality_ncd", "myopia_rate", "u5_mortality"};
    static const char *status[] = {"A", "A", "A", "P", "E", ""};
    static const char *sources[] = {
        "Hunan Statistical Yearbook",
        "\"Yiyang Statistical Yearbook, 2021\"",
        "益阳市卫生健康统计年鉴",
        "\"衡阳市“十四五”卫生健康规划, table 1\"",
        "\"Hunan \"\"Healthy China\"\" bulletin\"",
        "",
    };
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        return 1;
    }
    fputs("REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,OBS_STATUS,SOURCE\n", f);
    double limit = mb * 1e6;
    long written = 0;
    while ((double)written < limit) {
        unsigned long r = next_rand();
        int year = 2000 + (int)(r % 26);
        double v = (double)(next_rand() % 1000000) / 100.0;
        int n = fprintf(f, "%s,%s,%d,%.2f,%s,%s\n", areas[r % 17],
                        inds[(r >> 8) % 9], year, v, status[(r >> 16) % 6],
                        sources[(r >> 24) % 6]);
        if (n < 0) {
            perror(path);
            fclose(f);
            return 1;
        }
        written += n;
    }
    if (fclose(f) != 0) {
        perror(path);
        return 1;
    }
    printf("wrote %s: %.1f MB\n", path, (double)written / 1e6);
    return 0;
}

static int run_ours(const char *data, size_t len, counts *c)
{
    hp__csv r;
    int rc = hp__csv_open(&r, data, len, "bench.csv");
    if (rc != HP_OK)
        return rc;
    memset(c, 0, sizeof *c);
    while ((rc = hp__csv_next(&r)) == 1) {
        size_t n = hp__csv_nfields(&r);
        c->records++;
        c->fields += n;
        for (size_t i = 0; i < n; i++)
            c->bytes += hp__csv_field_at(&r, i)->len;
    }
    hp__csv_close(&r);
    return rc;
}

static void cb_field(void *s, size_t len, void *data)
{
    counts *c = data;
    (void)s;
    c->fields++;
    c->bytes += len;
}

static void cb_record(int term, void *data)
{
    counts *c = data;
    (void)term;
    c->records++;
}

static int run_libcsv(const char *data, size_t len, unsigned char opts, counts *c)
{
    struct csv_parser p;
    if (csv_init(&p, opts) != 0)
        return -1;
    memset(c, 0, sizeof *c);
    size_t done = csv_parse(&p, data, len, cb_field, cb_record, c);
    int rc = 0;
    if (done != len) {
        fprintf(stderr, "libcsv: %s after %zu bytes\n", csv_strerror(csv_error(&p)), done);
        rc = -1;
    }
    if (csv_fini(&p, cb_field, cb_record, c) != 0)
        rc = -1;
    csv_free(&p);
    return rc;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *t, int n)
{
    qsort(t, (size_t)n, sizeof *t, cmp_double);
    return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

static int run(const char *path, int runs)
{
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        perror(path);
        return 1;
    }
    size_t len = (size_t)st.st_size;
    char *buf = malloc(len ? len : 1);
    double t_read[64], t_ours[64], t_mmap[64], t_lib[64], t_strict[64];
    counts c_ours = {0, 0, 0}, c_lib = {0, 0, 0}, c_strict = {0, 0, 0}, c_mmap = {0, 0, 0};
    if (runs > 64)
        runs = 64;
    for (int k = 0; k < runs; k++) {
        double t0 = now();
        size_t got = 0;
        while (got < len) {
            ssize_t n = pread(fd, buf + got, len - got, (off_t)got);
            if (n <= 0) {
                perror(path);
                return 1;
            }
            got += (size_t)n;
        }
        t_read[k] = now() - t0;

        t0 = now();
        if (run_ours(buf, len, &c_ours) != 0) {
            fprintf(stderr, "ours: %s\n", hp_error_last()->message);
            return 1;
        }
        t_ours[k] = now() - t0;

        t0 = now();
        void *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m == MAP_FAILED) {
            perror("mmap");
            return 1;
        }
        if (run_ours(m, len, &c_mmap) != 0)
            return 1;
        munmap(m, len);
        t_mmap[k] = now() - t0;

        t0 = now();
        if (run_libcsv(buf, len, 0, &c_lib) != 0)
            return 1;
        t_lib[k] = now() - t0;

        t0 = now();
        if (run_libcsv(buf, len, CSV_STRICT | CSV_STRICT_FINI, &c_strict) != 0)
            return 1;
        t_strict[k] = now() - t0;
    }
    close(fd);
    free(buf);
    double mb = (double)len / 1e6;
    printf("%s: %.1f MB, %zu records, %zu fields, %zu field bytes (ours)\n", path, mb,
           c_ours.records, c_ours.fields, c_ours.bytes);
    printf("libcsv counted %zu records, %zu fields, %zu field bytes\n", c_lib.records,
           c_lib.fields, c_lib.bytes);
    if (c_ours.records != c_lib.records || c_ours.fields != c_lib.fields ||
        c_ours.bytes != c_lib.bytes || c_strict.bytes != c_lib.bytes ||
        c_mmap.bytes != c_ours.bytes)
        printf("WARNING: the readers disagree\n");
    printf("median of %d runs (MB/s = file MB / seconds):\n", runs);
    double m;
    m = median(t_read, runs);
    printf("  %-28s %8.3f s %8.0f MB/s\n", "read() from page cache", m, mb / m);
    m = median(t_ours, runs);
    printf("  %-28s %8.3f s %8.0f MB/s\n", "ours (buffer)", m, mb / m);
    m = median(t_mmap, runs);
    printf("  %-28s %8.3f s %8.0f MB/s\n", "ours (mmap + tokenize)", m, mb / m);
    m = median(t_lib, runs);
    printf("  %-28s %8.3f s %8.0f MB/s\n", "libcsv (default)", m, mb / m);
    m = median(t_strict, runs);
    printf("  %-28s %8.3f s %8.0f MB/s\n", "libcsv (CSV_STRICT)", m, mb / m);
    return 0;
}

/* ---- probe: how each reader treats doubtful input ---- */

typedef struct probe_out {
    char text[256];
    size_t o;
} probe_out;

static void probe_put(probe_out *po, const char *s, size_t n)
{
    for (size_t i = 0; i < n && po->o + 5 < sizeof po->text; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c >= 0x80)
            po->o += (size_t)snprintf(po->text + po->o, sizeof po->text - po->o, "\\x%02X", c);
        else
            po->text[po->o++] = (char)c;
    }
    po->text[po->o] = '\0';
}

static void probe_field(void *s, size_t len, void *data)
{
    probe_out *po = data;
    if (po->o + 2 < sizeof po->text)
        po->text[po->o++] = '[';
    probe_put(po, s ? s : "", s ? len : 0);
    if (po->o + 2 < sizeof po->text)
        po->text[po->o++] = ']';
    po->text[po->o] = '\0';
}

static void probe_record(int term, void *data)
{
    (void)term;
    probe_put(data, "/", 1);
}

static void probe_libcsv(const char *in, size_t n, unsigned char opts, char *out, size_t cap)
{
    struct csv_parser p;
    probe_out po;
    po.o = 0;
    po.text[0] = '\0';
    csv_init(&p, opts);
    size_t done = csv_parse(&p, in, n, probe_field, probe_record, &po);
    if (done != n) {
        snprintf(out, cap, "error after %zu bytes: %s", done, csv_strerror(csv_error(&p)));
    } else if (csv_fini(&p, probe_field, probe_record, &po) != 0) {
        snprintf(out, cap, "error at the end: %s", csv_strerror(csv_error(&p)));
    } else {
        snprintf(out, cap, "%s", po.text);
    }
    csv_free(&p);
}

static void probe_ours(const char *in, size_t n, char *out, size_t cap)
{
    hp__csv r;
    probe_out po;
    po.o = 0;
    po.text[0] = '\0';
    int rc = hp__csv_open(&r, in, n, "probe.csv");
    while (rc == HP_OK && (rc = hp__csv_next(&r)) == 1) {
        for (size_t i = 0; i < hp__csv_nfields(&r); i++) {
            const hp__csv_field *f = hp__csv_field_at(&r, i);
            probe_field((void *)(uintptr_t)f->ptr, f->len, &po);
        }
        probe_record(0, &po);
        rc = HP_OK;
    }
    if (rc < 0) {
        const hp_error *e = hp_error_last();
        snprintf(out, cap, "%s:%d:%d: %s", e->file, e->line, e->column, e->message);
    } else {
        snprintf(out, cap, "%s", po.text);
    }
    hp__csv_close(&r);
}

static int probe(void)
{
    static const struct {
        const char *what, *in;
        size_t n;
    } cases[] = {
#define CASE(w, s) {w, s, sizeof(s) - 1}
        CASE("escaped quote", "a,\"x\"\"y\"\n"),
        CASE("quote in unquoted field", "h\nab\"c\n"),
        CASE("text after closing quote", "h\n\"ab\"x\n"),
        CASE("unterminated quote", "h\n\"abc\n"),
        CASE("spaces around a field", "h\n a ,\tb\n"),
        CASE("invalid UTF-8 (GBK)", "h\n\xD2\xE6\xD1\xF4\n"),
        CASE("NUL byte", "h\na\0b\n"),
        CASE("UTF-8 BOM", "\xEF\xBB\xBFh\nv\n"),
        CASE("UTF-16LE BOM", "\xFF\xFEh\0\n\0"),
        CASE("blank line", "h\n\nv\n"),
        CASE("lone CR", "h\rv\r"),
#undef CASE
    };
    char a[512], b[512], c[512];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        probe_ours(cases[i].in, cases[i].n, a, sizeof a);
        probe_libcsv(cases[i].in, cases[i].n, 0, b, sizeof b);
        probe_libcsv(cases[i].in, cases[i].n, CSV_STRICT | CSV_STRICT_FINI, c, sizeof c);
        printf("%s\n  ours:          %s\n  libcsv:        %s\n  libcsv strict: %s\n",
               cases[i].what, a, b, c);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "probe") == 0)
        return probe();
    if (argc == 4 && strcmp(argv[1], "gen") == 0)
        return gen(argv[2], atof(argv[3]));
    if ((argc == 3 || argc == 4) && strcmp(argv[1], "run") == 0)
        return run(argv[2], argc == 4 ? atoi(argv[3]) : 5);
    fprintf(stderr, "usage: %s gen FILE MB | run FILE [RUNS] | probe\n", argv[0]);
    return 2;
}
