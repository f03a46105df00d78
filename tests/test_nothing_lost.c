/* Nothing lost: a failed load, a failed merge (a record that conflicts with one already
 * there) and a failed save leave the dataset in memory and the file on disk as they were.
 *
 * The dataset is compared through its saved JSON (every record and field) and its record
 * counts; the file through its bytes. Properties are checked over many inputs: every prefix of
 * a valid file, a conflicting copy of each record of the built-in data, a conflict in the
 * second of two files. */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"

/* ------------------------------------------------------------------ helpers */

typedef struct snapshot {
    char *json;
    size_t counts[5];
} snapshot;

static snapshot take(const hp_dataset *ds)
{
    snapshot s;
    s.json = hpt_dump(ds);
    cr_assert(not(eq(ptr, s.json, NULL)));
    s.counts[0] = hp_dataset_region_count(ds);
    s.counts[1] = hp_dataset_indicator_count(ds);
    s.counts[2] = hp_dataset_plan_count(ds);
    s.counts[3] = hp_dataset_target_count(ds);
    s.counts[4] = hp_dataset_observation_count(ds);
    return s;
}

static void release(snapshot *s)
{
    hp_free(s->json);
    s->json = NULL;
}

/* The dataset is exactly as in `s`. */
static void assert_same(const hp_dataset *ds, const snapshot *s, const char *what)
{
    snapshot now = take(ds);
    for (int i = 0; i < 5; i++)
        cr_assert(eq(sz, now.counts[i], s->counts[i]), "%s: count %d changed", what, i);
    cr_assert(strcmp(now.json, s->json) == 0, "%s: the dataset changed", what);
    release(&now);
}

static hp_dataset *builtin(void)
{
    hp_dataset *ds = NULL;
    HP_ASSERT_OK(hp_dataset_builtin(&ds));
    return ds;
}

static char g_dir[256];

static void make_dir(void)
{
    snprintf(g_dir, sizeof g_dir, "/tmp/hp_nothing_lost_%d", (int)getpid());
    mkdir(g_dir, 0755);
}

static void remove_dir(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
    cr_assert(eq(int, system(cmd), 0));
}

static const char *path_in(const char *name)
{
    static char p[512];
    snprintf(p, sizeof p, "%s/%s", g_dir, name);
    return p;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    cr_assert(not(eq(ptr, f, NULL)), "cannot write %s: %s", path, strerror(errno));
    fputs(text, f);
    fclose(f);
}

/* Names in g_dir that start with `prefix` (temporary files left behind). */
static int count_files(const char *prefix)
{
    DIR *d = opendir(g_dir);
    cr_assert(not(eq(ptr, d, NULL)));
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (!strncmp(e->d_name, prefix, strlen(prefix)))
            n++;
    closedir(d);
    return n;
}

/* New records for the built-in data: a county, an indicator, a plan, targets and
 * observations. `tail` is spliced in as the last target (or "" for none). */
static char *extra_json(const char *tail_target, const char *tail_obs)
{
    const char *fmt =
        "{\"format\": \"healthplan/1\",\n"
        " \"regions\": [{\"code\": \"430999\", \"name_zh\": \"测试县\", \"parent\": \"430900\", \"level\": \"county\"}],\n"
        " \"indicators\": [{\"id\": \"test_rate\", \"name_zh\": \"测试率\", \"aliases\": [\"测试率（%%）\"],\n"
        "                 \"unit\": \"percent\", \"direction\": \"higher\"}],\n"
        " \"plans\": [{\"id\": \"test-plan\", \"region\": \"430999\", \"start\": 2021, \"end\": 2025,\n"
        "            \"baseline_year\": 2020}],\n"
        " \"targets\": [{\"plan\": \"test-plan\", \"id\": \"1\", \"indicator\": \"test_rate\", \"year\": 2025,\n"
        "               \"rule\": {\"kind\": \"ge\", \"value\": 90}, \"as_printed\": \"≥90%%\"},\n"
        "              {\"plan\": \"test-plan\", \"id\": \"2\", \"indicator\": \"infant_mortality\", \"year\": 2025,\n"
        "               \"rule\": {\"kind\": \"change_from\", \"value\": -0.1, \"ref_year\": 2020}}%s],\n"
        " \"observations\": [{\"region\": \"430999\", \"indicator\": \"test_rate\", \"year\": 2020, \"value\": 80},\n"
        "                  {\"region\": \"430999\", \"indicator\": \"infant_mortality\", \"year\": 2020, \"value\": 4.2}%s]}\n";
    size_t n = strlen(fmt) + strlen(tail_target) + strlen(tail_obs) + 16;
    char *out = malloc(n);
    snprintf(out, n, fmt, tail_target, tail_obs);
    return out;
}

/* ------------------------------------------------------------------ failed loads */

Test(nothing_lost, every_prefix_of_a_file_loads_whole_or_not_at_all)
{
    hp_dataset *ds = builtin();
    snapshot s = take(ds);
    char *text = extra_json("", "");
    size_t len = strlen(text);
    size_t failures = 0;
    for (size_t k = 0; k < len; k++) {
        int rc = hp_dataset_load_json_buffer(ds, text, k, "prefix.json");
        if (rc == HP_OK) {
            /* only the whole document, without its final line break */
            cr_assert(eq(sz, k + strspn(text + k, " \n"), len), "a prefix of %zu bytes of %zu loaded",
                      k, len);
            continue;
        }
        cr_assert(eq(str, (char *)hp_error_last()->file, "prefix.json"));
        failures++;
        char what[64];
        snprintf(what, sizeof what, "prefix of %zu bytes", k);
        if (k % 16 == 0 || k + 1 == len)
            assert_same(ds, &s, what);
        else
            cr_assert(eq(sz, hp_dataset_target_count(ds), s.counts[3]), "%s", what);
    }
    cr_assert(eq(sz, failures, len - 1));
    hp_dataset_free(ds);
    ds = builtin();
    /* and the whole file loads, adding exactly its records */
    HP_ASSERT_OK(hp_dataset_load_json_buffer(ds, text, len, "whole.json"));
    cr_assert(eq(sz, hp_dataset_region_count(ds), s.counts[0] + 1));
    cr_assert(eq(sz, hp_dataset_target_count(ds), s.counts[3] + 2));
    cr_assert(eq(sz, hp_dataset_observation_count(ds), s.counts[4] + 2));
    free(text);
    release(&s);
    hp_dataset_free(ds);
}

Test(nothing_lost, every_prefix_of_a_csv_loads_its_whole_rows_or_nothing)
{
    static const char *csv =
        "REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,OBS_STATUS,SOURCE\n"
        "430921,infant_mortality,2021,3.4,A,\"公报, 2021\"\n"
        "430921,infant_mortality,2022,3.1,P,公报\n"
        "430922,life_expectancy,2022,78.1,E,\"a \"\"quoted\"\" source\"\n"
        "430923,beds,2019,,M,\n";
    hp_dataset *ds = builtin();
    snapshot s = take(ds);
    size_t len = strlen(csv), loaded = 0;
    for (size_t k = 0; k <= len; k++) {
        int rc = hp_dataset_load_csv_buffer(ds, csv, k, "prefix.csv");
        if (rc == HP_OK) {
            /* a prefix that ends on a whole row: exactly the rows it holds were added */
            size_t rows = 0;
            for (size_t i = 0; i < k; i++)
                rows += csv[i] == '\n';
            int partial_last = k > 0 && csv[k - 1] != '\n';
            size_t expect = rows - 1 + (size_t)partial_last;
            cr_assert(eq(sz, hp_dataset_observation_count(ds), s.counts[4] + expect),
                      "prefix of %zu bytes", k);
            loaded++;
            hp_dataset_free(ds);
            ds = builtin();
        } else {
            char what[64];
            snprintf(what, sizeof what, "CSV prefix of %zu bytes (%s)", k, hp_strerror(rc));
            assert_same(ds, &s, what);
        }
    }
    cr_assert(ge(sz, loaded, 4), "only %zu prefixes loaded", loaded);
    release(&s);
    hp_dataset_free(ds);
}

Test(nothing_lost, a_bad_record_at_the_end_takes_nothing_with_it)
{
    static const struct {
        const char *target, *obs;
        int code;
        const char *frag;
    } cases[] = {
        {", {\"plan\": \"test-plan\", \"id\": \"3\", \"indicator\": \"no_such\", \"year\": 2025, \"rule\": {\"kind\": \"improve\"}}",
         "", HP_ENOTFOUND, "unknown indicator \"no_such\""},
        {", {\"plan\": \"test-plan\", \"id\": \"3\", \"indicator\": \"test_rate\", \"year\": 2101, \"rule\": {\"kind\": \"improve\"}}",
         "", HP_ERANGE, "outside 1949–2100"},
        {"", ", {\"region\": \"430999\", \"indicator\": \"test_rate\", \"year\": 2021, \"value\": \"80\"}",
         HP_EVALIDATE, "\"value\" must be a number"},
        {"", ", {\"region\": \"430999\", \"indicator\": \"test_rate\", \"year\": 2020, \"value\": 81}",
         HP_EEXISTS, "is 81 here but 80"},
        {"", ", {\"region\": \"nowhere\", \"indicator\": \"test_rate\", \"year\": 2020, \"value\": 81}",
         HP_ENOTFOUND, "unknown region \"nowhere\""},
        {", {\"plan\": \"test-plan\", \"id\": \"1\", \"indicator\": \"test_rate\", \"year\": 2025, \"rule\": {\"kind\": \"ge\", \"value\": 95}}",
         "", HP_EEXISTS, "already defined differently"},
        {", {\"plan\": \"test-plan\", \"id\": \"4\", \"indicator\": \"test_rate\", \"year\": 2025, \"rule\": {\"kind\": \"expr\", \"expr\": \"test_rate >= nope\"}}",
         "", HP_ENOTFOUND, "unknown indicator \"nope\""},
    };
    hp_dataset *ds = builtin();
    snapshot s = take(ds);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *text = extra_json(cases[i].target, cases[i].obs);
        int rc = hp_dataset_load_json_buffer(ds, text, strlen(text), "bad.json");
        cr_assert(eq(int, rc, cases[i].code), "case %zu: %s (%s)", i, hp_strerror(rc),
                  hp_error_last()->message);
        HP_ASSERT_MSG(cases[i].frag);
        cr_assert(eq(str, (char *)hp_error_last()->file, "bad.json"));
        cr_assert(gt(int, hp_error_last()->line, 1), "case %zu: the error is not located", i);
        char what[32];
        snprintf(what, sizeof what, "case %zu", i);
        assert_same(ds, &s, what);
        free(text);
    }
    /* the records of the failed loads are really not there */
    const hp_region *r;
    cr_assert(eq(int, hp_dataset_find_region(ds, "430999", &r), HP_ENOTFOUND));
    const hp_plan *p;
    cr_assert(eq(int, hp_dataset_find_plan(ds, "test-plan", &p), HP_ENOTFOUND));
    release(&s);
    hp_dataset_free(ds);
}

/* ------------------------------------------------------------------ failed merges */

/* A conflicting copy of each record of the built-in data: the dataset's own JSON with one
 * field of one record changed, loaded on top of it, must fail as HP_EEXISTS naming both places
 * and leave the dataset as it was. */
Test(nothing_lost, each_conflicting_record_is_refused_and_changes_nothing)
{
    hp_dataset *ds = builtin();
    snapshot s = take(ds);
    char buf[4096];
    size_t tried = 0;
    /* regions: another English name */
    for (size_t i = 0; i < hp_dataset_region_count(ds); i++) {
        const hp_region *r = hp_dataset_region_at(ds, i);
        snprintf(buf, sizeof buf,
                 "{\"format\": \"healthplan/1\", \"regions\": [{\"code\": \"%s\", \"name_zh\": \"%s\", "
                 "\"name_en\": \"Elsewhere %zu\"%s%s%s, \"level\": \"%s\"}]}",
                 hp_region_code(r), hp_region_name_zh(r), i,
                 hp_region_parent(r) ? ", \"parent\": \"" : "",
                 hp_region_parent(r) ? hp_region_code(hp_region_parent(r)) : "",
                 hp_region_parent(r) ? "\"" : "", hp_level_name(hp_region_level(r)));
        int rc = hp_dataset_load_json_buffer(ds, buf, strlen(buf), "conflict.json");
        cr_assert(eq(int, rc, HP_EEXISTS), "region %s: %s", hp_region_code(r), hp_error_last()->message);
        HP_ASSERT_MSG("already defined differently at builtin:");
        HP_ASSERT_MSG("name_en differs");
        tried++;
    }
    assert_same(ds, &s, "after the region conflicts");
    /* plans: another end year */
    for (size_t i = 0; i < hp_dataset_plan_count(ds); i++) {
        const hp_plan *p = hp_dataset_plan_at(ds, i);
        snprintf(buf, sizeof buf,
                 "{\"format\": \"healthplan/1\", \"plans\": [{\"id\": \"%s\", \"region\": \"%s\", \"end\": 2100}]}",
                 hp_plan_id(p), hp_region_code(hp_plan_region(p)));
        int rc = hp_dataset_load_json_buffer(ds, buf, strlen(buf), "conflict.json");
        cr_assert(eq(int, rc, HP_EEXISTS), "plan %s: %s", hp_plan_id(p), hp_error_last()->message);
        tried++;
    }
    assert_same(ds, &s, "after the plan conflicts");
    /* targets: a different year, after a new valid target in the same file */
    for (size_t i = 0; i < hp_dataset_target_count(ds); i += 3) {
        const hp_target *t = hp_dataset_target_at(ds, i);
        char *rule = NULL;
        HP_ASSERT_OK(hp_rule_to_json(hp_target_rule(t), &rule));
        snprintf(buf, sizeof buf,
                 "{\"format\": \"healthplan/1\", \"targets\": ["
                 "{\"plan\": \"%s\", \"id\": \"new-%zu\", \"indicator\": \"%s\", \"year\": 2030, \"rule\": %s},\n"
                 "{\"plan\": \"%s\", \"id\": \"%s\", \"indicator\": \"%s\", \"year\": %d, \"rule\": %s}]}",
                 hp_plan_id(hp_target_plan(t)), i, hp_indicator_id(hp_target_indicator(t)), rule,
                 hp_plan_id(hp_target_plan(t)), hp_target_id(t),
                 hp_indicator_id(hp_target_indicator(t)), hp_target_year(t) == 2030 ? 2029 : 2030,
                 rule);
        hp_free(rule);
        int rc = hp_dataset_load_json_buffer(ds, buf, strlen(buf), "conflict.json");
        cr_assert(eq(int, rc, HP_EEXISTS), "target %s/%s: %s (%s)", hp_plan_id(hp_target_plan(t)),
                  hp_target_id(t), hp_strerror(rc), hp_error_last()->message);
        cr_assert(eq(int, hp_error_last()->line, 2), "the conflict is the second line");
        tried++;
    }
    assert_same(ds, &s, "after the target conflicts");
    /* observations: another value, as CSV and as JSON */
    for (size_t i = 0; i < hp_dataset_observation_count(ds); i += 2) {
        hp_observation o;
        HP_ASSERT_OK(hp_dataset_observation_at(ds, i, &o));
        if (isnan(o.value))
            continue;
        snprintf(buf, sizeof buf,
                 "REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\n"
                 "430999,infant_mortality,2020,1\n%s,%s,%d,%.17g\n",
                 o.region, o.indicator, o.year, o.value * 1.5 + 1);
        int rc = hp_dataset_load_csv_buffer(ds, buf, strlen(buf), "conflict.csv");
        /* 430999 is not a built-in region: the first row fails unless the region exists */
        cr_assert(eq(int, rc, HP_ENOTFOUND), "%s", hp_error_last()->message);
        snprintf(buf, sizeof buf,
                 "REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\n"
                 "430921,life_expectancy,1990,70\n%s,%s,%d,%.17g\n",
                 o.region, o.indicator, o.year, o.value * 1.5 + 1);
        rc = hp_dataset_load_csv_buffer(ds, buf, strlen(buf), "conflict.csv");
        cr_assert(eq(int, rc, HP_EEXISTS), "observation %zu: %s (%s)", i, hp_strerror(rc),
                  hp_error_last()->message);
        HP_ASSERT_MSG("was already loaded");
        cr_assert(eq(int, hp_error_last()->line, 3));
        snprintf(buf, sizeof buf,
                 "{\"observations\": [{\"region\": \"%s\", \"indicator\": \"%s\", \"year\": %d, \"value\": %.17g}]}",
                 o.region, o.indicator, o.year, o.value + 0.5);
        rc = hp_dataset_load_json_buffer(ds, buf, strlen(buf), "conflict.json");
        cr_assert(eq(int, rc, HP_EEXISTS), "observation %zu (JSON): %s", i, hp_error_last()->message);
        tried += 2;
    }
    assert_same(ds, &s, "after the observation conflicts");
    cr_assert(gt(sz, tried, 100), "only %zu conflicts tried", tried);
    release(&s);
    hp_dataset_free(ds);
}

Test(nothing_lost, a_conflict_in_the_second_file_keeps_the_first_out_too)
{
    make_dir();
    char *first = extra_json("", "");
    write_file(path_in("first.json"), first);
    free(first);
    write_file(path_in("second.csv"),
               "REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\n"
               "430999,test_rate,2021,85\n"
               "430999,test_rate,2020,79\n"); /* first.json says 80 */
    hp_dataset *ds = builtin();
    snapshot s = take(ds);
    char p1[512], p2[512];
    snprintf(p1, sizeof p1, "%s", path_in("first.json"));
    snprintf(p2, sizeof p2, "%s", path_in("second.csv"));
    const char *paths[2] = {p1, p2};
    int rc = hp_dataset_load_files(ds, paths, 2, NULL);
    cr_assert(eq(int, rc, HP_EEXISTS), "%s", hp_error_last()->message);
    HP_ASSERT_MSG("observation of test_rate in 430999 for 2020");
    cr_assert(eq(str, (char *)hp_error_last()->file, p2));
    cr_assert(eq(int, hp_error_last()->line, 3));
    assert_same(ds, &s, "two files, conflict in the second");
    /* a missing second file: the first is not loaded either */
    const char *missing[2] = {p1, path_in("missing.csv")};
    cr_assert(eq(int, hp_dataset_load_files(ds, missing, 2, NULL), HP_EIO));
    HP_ASSERT_MSG("No such file or directory");
    assert_same(ds, &s, "two files, the second missing");
    /* with the conflict fixed, both load */
    write_file(path_in("second.csv"),
               "REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\n"
               "430999,test_rate,2021,85\n"
               "430999,test_rate,2020,80\n");
    HP_ASSERT_OK(hp_dataset_load_files(ds, paths, 2, NULL));
    cr_assert(eq(sz, hp_dataset_observation_count(ds), s.counts[4] + 3));
    release(&s);
    hp_dataset_free(ds);
    remove_dir();
}

/* ------------------------------------------------------------------ failed saves */

static char *read_text(const char *path)
{
    return hpt_read_file(path, NULL);
}

Test(nothing_lost, save_into_a_missing_directory_fails_with_eio)
{
    make_dir();
    hp_dataset *ds = builtin();
    snapshot s = take(ds);
    const char *p = path_in("no/such/dir/data.json");
    cr_assert(eq(int, hp_dataset_save_json(ds, p), HP_EIO));
    HP_ASSERT_MSG("cannot write");
    HP_ASSERT_MSG("No such file or directory");
    HP_ASSERT_MSG(p);
    assert_same(ds, &s, "failed save");
    release(&s);
    hp_dataset_free(ds);
    remove_dir();
}

Test(nothing_lost, save_under_a_file_that_replaced_the_directory_fails_with_eio)
{
    make_dir();
    hp_dataset *ds = builtin();
    char dirpath[512], p[600];
    snprintf(dirpath, sizeof dirpath, "%s", path_in("out"));
    mkdir(dirpath, 0755);
    snprintf(p, sizeof p, "%s/data.json", dirpath);
    HP_ASSERT_OK(hp_dataset_save_json(ds, p));
    /* the directory is replaced by a regular file */
    remove(p);
    cr_assert(eq(int, rmdir(dirpath), 0));
    write_file(dirpath, "not a directory\n");
    cr_assert(eq(int, hp_dataset_save_json(ds, p), HP_EIO));
    HP_ASSERT_MSG("Not a directory");
    char *still = read_text(dirpath);
    cr_assert(eq(str, still, "not a directory\n"));
    free(still);
    hp_dataset_free(ds);
    remove_dir();
}

Test(nothing_lost, save_onto_a_directory_fails_and_leaves_no_temporary_file)
{
    make_dir();
    hp_dataset *ds = builtin();
    const char *p = path_in("data.json");
    cr_assert(eq(int, mkdir(p, 0755), 0));
    cr_assert(eq(int, hp_dataset_save_json(ds, p), HP_EIO));
    HP_ASSERT_MSG("cannot replace");
    struct stat sb;
    cr_assert(eq(int, stat(p, &sb), 0));
    int isdir = S_ISDIR(sb.st_mode);
    cr_assert(isdir, "the directory is still there");
    cr_assert(eq(int, count_files("data.json.tmp"), 0), "a temporary file was left behind");
    hp_dataset_free(ds);
    remove_dir();
}

/* A write that fails half-way (the file size limit: it stops root too) leaves the file that
 * was there untouched, and no temporary file. */
Test(nothing_lost, a_save_that_fails_while_writing_keeps_the_old_file)
{
    make_dir();
    const char *p = path_in("data.json");
    write_file(p, "{\"format\": \"healthplan/1\"}\n");
    hp_dataset *ds = builtin();
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit old, lim;
    cr_assert(eq(int, getrlimit(RLIMIT_FSIZE, &old), 0));
    lim = old;
    lim.rlim_cur = 4096;
    cr_assert(eq(int, setrlimit(RLIMIT_FSIZE, &lim), 0));
    int rc = hp_dataset_save_json(ds, p);
    setrlimit(RLIMIT_FSIZE, &old);
    cr_assert(eq(int, rc, HP_EIO), "%s", hp_error_last()->message);
    HP_ASSERT_MSG("cannot write");
    HP_ASSERT_MSG("File too large");
    char *still = read_text(p);
    cr_assert(eq(str, still, "{\"format\": \"healthplan/1\"}\n"));
    free(still);
    cr_assert(eq(int, count_files("data.json.tmp"), 0), "a temporary file was left behind");
    /* the same save without the limit replaces the file whole */
    HP_ASSERT_OK(hp_dataset_save_json(ds, p));
    size_t len;
    char *saved = hpt_read_file(p, &len);
    char *dump = hpt_dump(ds);
    cr_assert(eq(str, saved, dump));
    struct stat sb;
    cr_assert(eq(int, stat(p, &sb), 0));
    int mode = (int)(sb.st_mode & 0777);
    cr_assert(eq(int, mode, 0644));
    cr_assert(eq(int, count_files("data.json.tmp"), 0));
    free(saved);
    hp_free(dump);
    hp_dataset_free(ds);
    remove_dir();
}

Test(nothing_lost, a_read_only_directory_refuses_the_save_when_not_root)
{
    if (geteuid() == 0)
        cr_skip_test("running as root: permissions do not stop root (the tests above cover it)");
    make_dir();
    const char *p = path_in("data.json");
    write_file(p, "old\n");
    cr_assert(eq(int, chmod(g_dir, 0555), 0));
    hp_dataset *ds = builtin();
    int rc = hp_dataset_save_json(ds, p);
    chmod(g_dir, 0755);
    cr_assert(eq(int, rc, HP_EIO));
    HP_ASSERT_MSG("Permission denied");
    char *still = read_text(p);
    cr_assert(eq(str, still, "old\n"));
    free(still);
    hp_dataset_free(ds);
    remove_dir();
}
