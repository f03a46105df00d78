/* Threads: one dataset evaluated, compared and audited from many threads at once gives the
 * same results as one thread; loads on different threads into different datasets, rule and
 * expression parsing and the error records do not interfere.
 *
 * It runs in every build; under -DHP_SANITIZE=thread it is the ThreadSanitizer check of
 * docs/reliability.md (tests/tsan.supp names the one known race, inside cJSON, and why it is
 * harmless). Worker threads never call Criterion: they record what went wrong and the main
 * thread asserts. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

/* Criterion's runner cannot start under ThreadSanitizer (its worker arena is mapped where TSan
 * keeps its shadow memory: "Could not initialize inheritable arena"), so a ThreadSanitizer
 * build runs these tests from the main() at the end of this file, with CHECK() printing and
 * exiting instead of cr_assert(). */
#if defined(__SANITIZE_THREAD__) || defined(HP_THREADS_MAIN) /* the latter for Helgrind */
#define HP_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define HP_TSAN 1
#endif
#endif

static inline int hp_check(int cond) { return cond; }
#ifdef HP_TSAN
#define CHECK(cond, ...)                                                                      \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond);          \
            fprintf(stderr, "" __VA_ARGS__);                                                  \
            fprintf(stderr, "\n");                                                            \
            exit(1);                                                                          \
        }                                                                                     \
    } while (0)
#define THREADS_TEST(name) static void name(void)
#else
#define CHECK(cond, ...) cr_assert(hp_check(cond), "" __VA_ARGS__)
#define THREADS_TEST(name) Test(threads, name, .timeout = 300)
#endif
#define CHECK_OK(call)                                                                        \
    do {                                                                                      \
        int rc_ = (call);                                                                     \
        CHECK(rc_ == HP_OK, "%s: %s", #call, hp_error_last()->message);                      \
    } while (0)

#define NTHREADS 8
#define ROUNDS 3

/* ------------------------------------------------------------------ reference outputs */

/* Everything a dataset gives when read: evaluations with several options, their reasons,
 * a comparison and the audit, as text. */
typedef struct outputs {
    char *eval[4];
    char *reasons;
    char *compare;
    char *audit;
} outputs;

static void free_outputs(outputs *o)
{
    for (int i = 0; i < 4; i++)
        hp_free(o->eval[i]);
    free(o->reasons);
    hp_free(o->compare);
    hp_free(o->audit);
    memset(o, 0, sizeof *o);
}

/* Fill `o`; on failure, a message in `err` and nonzero. `inner` threads for hp_evaluate. */
static int compute(const hp_dataset *ds, const char *const *regions, size_t nregions, int inner,
                   outputs *o, char *err, size_t errcap)
{
    memset(o, 0, sizeof *o);
    for (int v = 0; v < 4; v++) {
        hp_eval_options opts = HP_EVAL_OPTIONS_INIT;
        opts.threads = inner;
        if (v == 1)
            opts.as_of = 2022;
        if (v == 2)
            opts.method = HP_METHOD_UNSD;
        if (v == 3) {
            opts.method = HP_METHOD_EUROSTAT;
            opts.baseline = HP_BASELINE_NEAREST;
        }
        hp_results *res = NULL;
        int rc = hp_evaluate(ds, &opts, &res);
        if (rc == HP_OK)
            rc = hp_results_write(res, v % 2 ? HP_RESULTS_CSV : HP_RESULTS_JSON, &o->eval[v], NULL);
        if (rc == HP_OK && v == 0) {
            size_t n = hp_results_count(res), cap = n * 256 + 1, len = 0;
            o->reasons = malloc(cap);
            o->reasons[0] = '\0';
            for (size_t i = 0; i < n; i++) {
                char r[200];
                int k = hp_results_reason(res, i, r, sizeof r);
                if (k < 0) {
                    rc = HP_ERROR;
                    break;
                }
                len += (size_t)snprintf(o->reasons + len, cap - len, "%s\n", r);
            }
        }
        hp_results_free(res);
        if (rc != HP_OK) {
            snprintf(err, errcap, "evaluation %d: %s: %s", v, hp_strerror(rc),
                     hp_error_last()->message);
            return 1;
        }
    }
    hp_compare_options co = HP_COMPARE_OPTIONS_INIT;
    co.regions = regions;
    co.nregions = nregions;
    co.year = 2022;
    hp_comparison *cmp = NULL;
    int rc = hp_compare(ds, &co, &cmp);
    if (rc == HP_OK)
        rc = hp_comparison_write(cmp, HP_RESULTS_JSON, &o->compare, NULL);
    hp_comparison_free(cmp);
    if (rc != HP_OK) {
        snprintf(err, errcap, "compare: %s: %s", hp_strerror(rc), hp_error_last()->message);
        return 1;
    }
    hp_audit_report *rep = NULL;
    rc = hp_audit(ds, NULL, &rep);
    if (rc == HP_OK)
        rc = hp_audit_write(rep, HP_RESULTS_CSV, &o->audit, NULL);
    hp_audit_free(rep);
    if (rc != HP_OK) {
        snprintf(err, errcap, "audit: %s: %s", hp_strerror(rc), hp_error_last()->message);
        return 1;
    }
    return 0;
}

static const char *differs(const outputs *a, const outputs *b)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(a->eval[i], b->eval[i]))
            return "an evaluation";
    if (strcmp(a->reasons, b->reasons))
        return "the reasons";
    if (strcmp(a->compare, b->compare))
        return "the comparison";
    if (strcmp(a->audit, b->audit))
        return "the audit";
    return NULL;
}

/* ------------------------------------------------------------------ fixtures */

static hp_dataset *builtin(void)
{
    hp_dataset *ds = NULL;
    CHECK_OK(hp_dataset_builtin(&ds));
    return ds;
}

static char *g_eval_json;
static size_t g_eval_len;

static hp_dataset *eval_dataset(void)
{
    g_eval_json = hpt_read_file(hpt_data("eval.json"), &g_eval_len);
    CHECK(g_eval_json != NULL, "cannot read eval.json");
    hp_dataset *ds = NULL;
    CHECK_OK(hp_dataset_new(&ds));
    CHECK_OK(hp_dataset_load_json_buffer(ds, g_eval_json, g_eval_len, "eval.json"));
    return ds;
}

static const char *const BUILTIN_REGIONS[] = {"430900", "430400", "430000", "CN"};
static const char *const EVAL_REGIONS[] = {"430900", "430921", "430922", "430000"};

/* ------------------------------------------------------------------ shared reads */

typedef struct reader {
    const hp_dataset *ds;
    const char *const *regions;
    size_t nregions;
    const outputs *expected;
    int inner;
    char err[512];
} reader;

static void *read_worker(void *arg)
{
    reader *r = arg;
    for (int round = 0; round < ROUNDS && !r->err[0]; round++) {
        outputs got;
        if (compute(r->ds, r->regions, r->nregions, r->inner, &got, r->err, sizeof r->err))
            break;
        const char *d = differs(&got, r->expected);
        if (d)
            snprintf(r->err, sizeof r->err, "round %d: %s differs from one thread's", round, d);
        free_outputs(&got);
    }
    return NULL;
}

static void read_from_threads(const hp_dataset *ds, const char *const *regions, size_t nregions)
{
    outputs expected;
    char err[512] = "";
    CHECK(compute(ds, regions, nregions, 0, &expected, err, sizeof err) == 0, "%s", err);
    CHECK(strlen(expected.eval[0]) > 100, "a short evaluation");
    pthread_t t[NTHREADS];
    reader r[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) {
        r[i] = (reader){ds, regions, nregions, &expected, i % 3 == 2 ? 4 : 0, ""};
        CHECK(pthread_create(&t[i], NULL, read_worker, &r[i]) == 0, "pthread_create");
    }
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < NTHREADS; i++)
        CHECK(r[i].err[0] == 0, "thread %d: %s", i, r[i].err);
    free_outputs(&expected);
}

THREADS_TEST(the_builtin_data_evaluated_from_many_threads_gives_one_answer)
{
    hp_dataset *ds = builtin();
    read_from_threads(ds, BUILTIN_REGIONS, 4);
    hp_dataset_free(ds);
}

THREADS_TEST(eval_json_evaluated_from_many_threads_gives_one_answer)
{
    hp_dataset *ds = eval_dataset();
    read_from_threads(ds, EVAL_REGIONS, 4);
    hp_dataset_free(ds);
    free(g_eval_json);
}

/* A dataset big enough for hp_evaluate() to use its own threads (it starts one per 1024
 * targets): 120 counties x 3 indicators x 10 years of targets of many kinds. */
static hp_dataset *big_dataset(void)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    CHECK(f != NULL, "open_memstream");
    fprintf(f, "{\"format\": \"healthplan/1\", \"regions\": [{\"code\": \"P\", \"level\": \"province\"}");
    for (int c = 0; c < 120; c++)
        fprintf(f, ", {\"code\": \"C%d\", \"parent\": \"P\", \"level\": \"county\"}", c);
    fprintf(f, "],\n \"indicators\": [{\"id\": \"a\", \"unit\": \"percent\", \"direction\": \"lower\"},"
               " {\"id\": \"b\", \"unit\": \"years\", \"direction\": \"higher\"},"
               " {\"id\": \"c\", \"unit\": \"count\", \"direction\": \"none\"}],\n"
               " \"plans\": [{\"id\": \"big\", \"region\": \"P\", \"start\": 2021, \"end\": 2030, \"baseline_year\": 2020},"
               " {\"id\": \"prov\", \"region\": \"P\", \"start\": 2021, \"end\": 2030, \"baseline_year\": 2020}],\n"
               " \"targets\": [");
    static const char *const rules[] = {
        "{\"kind\": \"le\", \"value\": 5}", "{\"kind\": \"ge\", \"value\": 77}",
        "{\"kind\": \"about\", \"value\": 20}", "{\"kind\": \"change_from\", \"value\": -0.1, \"ref_year\": 2020}",
        "{\"kind\": \"per_year\", \"value\": 0.3}", "{\"kind\": \"improve\"}",
        "{\"kind\": \"range\", \"low\": 10, \"high\": 30}", "{\"kind\": \"reference_target\", \"scope\": \"province\"}",
        "{\"kind\": \"expr\", \"expr\": \"c >= a / 2\", \"when\": \"b > 70\"}",
        "{\"kind\": \"any\", \"rules\": [{\"kind\": \"le\", \"value\": 3}, {\"kind\": \"change_from\", \"value\": -0.2, \"ref_year\": 2020}]}"};
    static const char *const inds[] = {"a", "b", "c"};
    int n = 0;
    for (int y = 2021; y <= 2030; y++)
        fprintf(f, "%s{\"plan\": \"prov\", \"id\": \"p%d\", \"indicator\": \"a\", \"year\": %d, \"rule\": {\"kind\": \"le\", \"value\": %d}}",
                y > 2021 ? ", " : "", y, y, 4 + y % 3);
    for (int c = 0; c < 120; c++)
        for (int i = 0; i < 3; i++)
            for (int y = 2021; y <= 2030; y++, n++)
                fprintf(f, ",\n  {\"plan\": \"big\", \"id\": \"t%d\", \"indicator\": \"%s\", \"region\": \"C%d\", \"year\": %d, \"rule\": %s}",
                        n, inds[i], c, y, rules[(n * 7 + c) % 10]);
    fprintf(f, "],\n \"observations\": [");
    int first = 1;
    for (int c = 0; c < 120; c++)
        for (int i = 0; i < 3; i++)
            for (int y = 2020; y <= 2024; y++) {
                if ((c + i + y) % 11 == 0)
                    continue; /* gaps */
                double v = i == 0 ? 8 - 0.4 * (y - 2020) + c % 5 : i == 1 ? 75 + 0.5 * (y - 2020) : 10 + c % 7;
                fprintf(f, "%s{\"region\": \"C%d\", \"indicator\": \"%s\", \"year\": %d, \"value\": %.2f}",
                        first ? "" : ",\n  ", c, inds[i], y, v);
                first = 0;
            }
    fprintf(f, "]}\n");
    fclose(f);
    hp_dataset *ds = NULL;
    CHECK_OK(hp_dataset_new(&ds));
    CHECK_OK(hp_dataset_load_json_buffer(ds, text, len, "big.json"));
    free(text);
    CHECK(hp_dataset_target_count(ds) == 3610, "%zu targets", hp_dataset_target_count(ds));
    return ds;
}

THREADS_TEST(evaluation_on_its_own_threads_gives_the_one_thread_answer)
{
    hp_dataset *ds = big_dataset();
    static const char *const regions[] = {"C0", "C1", "C2", "P"};
    /* inner = 4: hp_evaluate splits the 3610 targets over 4 threads of its own, while 8
     * threads call it at once */
    read_from_threads(ds, regions, 4);
    hp_eval_options o = HP_EVAL_OPTIONS_INIT;
    hp_results *one = NULL, *four = NULL;
    CHECK_OK(hp_evaluate(ds, &o, &one));
    o.threads = 4;
    CHECK_OK(hp_evaluate(ds, &o, &four));
    char *a = NULL, *b = NULL;
    CHECK_OK(hp_results_write(one, HP_RESULTS_JSON, &a, NULL));
    CHECK_OK(hp_results_write(four, HP_RESULTS_JSON, &b, NULL));
    CHECK(strcmp(a, b) == 0, "4 threads and 1 thread disagree");
    size_t counts[HP_STATUS_COUNT];
    CHECK(hp_results_count_status(four, "big", -1, NULL, counts) == 3600, "counted");
    CHECK(counts[HP_STATUS_ACHIEVED] + counts[HP_STATUS_ON_TRACK] > 100 &&
              counts[HP_STATUS_NO_DATA] + counts[HP_STATUS_NOT_ASSESSABLE] < 3600,
          "a spread of statuses");
    hp_free(a);
    hp_free(b);
    hp_results_free(one);
    hp_results_free(four);
    hp_dataset_free(ds);
}

/* ------------------------------------------------------------------ separate loads */

static const char *OBS_CSV = "REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,SOURCE\n"
                             "430921,beds,2022,5.5,threads\n"
                             "430922,beds,2022,6.5,threads\n";

/* Broken inputs: each thread fails on them (cJSON's error path included) and must get its own
 * error, with its own file name. */
static const char *BAD_JSON = "{\"format\": \"healthplan/1\", \"regions\": [{\"code\": \"X\",}]}";

typedef struct loader {
    int id;
    const char *builtin_json;  /* expected dump of the built-in data */
    const char *eval_json;     /* expected dump of eval.json + OBS_CSV */
    char err[512];
} loader;

static void *load_worker(void *arg)
{
    loader *l = arg;
    char name[32];
    snprintf(name, sizeof name, "bad-%d.json", l->id);
    for (int round = 0; round < ROUNDS && !l->err[0]; round++) {
        hp_dataset *a = NULL, *b = NULL;
        char *text = NULL;
        if (hp_dataset_builtin(&a) != HP_OK) {
            snprintf(l->err, sizeof l->err, "builtin: %s", hp_error_last()->message);
            break;
        }
        int rc = hp_dataset_load_json_buffer(a, BAD_JSON, strlen(BAD_JSON), name);
        const hp_error *e = hp_error_last();
        if (rc != HP_EPARSE || strcmp(e->file, name) || e->line != 1 || e->column != 53)
            snprintf(l->err, sizeof l->err, "bad JSON: %s at %s:%d:%d (%s)", hp_strerror(rc),
                     e->file, e->line, e->column, e->message);
        if (!l->err[0] && hp_dataset_save_json_buffer(a, &text, NULL) == HP_OK &&
            strcmp(text, l->builtin_json))
            snprintf(l->err, sizeof l->err, "the built-in data loaded differently");
        hp_free(text);
        text = NULL;
        if (!l->err[0] && (hp_dataset_new(&b) != HP_OK ||
                           hp_dataset_load_json_buffer(b, g_eval_json, g_eval_len, "eval.json") ||
                           hp_dataset_load_csv_buffer(b, OBS_CSV, strlen(OBS_CSV), "obs.csv")))
            snprintf(l->err, sizeof l->err, "eval.json: %s", hp_error_last()->message);
        if (!l->err[0] && hp_dataset_save_json_buffer(b, &text, NULL) == HP_OK &&
            strcmp(text, l->eval_json))
            snprintf(l->err, sizeof l->err, "eval.json loaded differently");
        hp_free(text);
        /* rules and expressions, with their errors */
        hp_rule r;
        if (!l->err[0] && (hp_rule_parse("比2015年降低30%", &r) != HP_OK ||
                           r.kind != HP_RULE_CHANGE_FROM || r.ref_year != 2015 ||
                           fabs(r.value + 0.30) > 1e-12))
            snprintf(l->err, sizeof l->err, "rule: %s", hp_error_last()->message);
        hp_rule_dispose(&r);
        if (!l->err[0] && (hp_rule_from_json("{\"kind\": \"le\", \"value\": }", &r) != HP_EPARSE ||
                           hp_error_last()->column != 25))
            snprintf(l->err, sizeof l->err, "rule JSON error: %s (column %d)",
                     hp_error_last()->message, hp_error_last()->column);
        hp_expr *x = NULL;
        double v = 0;
        if (!l->err[0] && (hp_expr_compile("max(2, 3) ^ 2 - 1", &x) != HP_OK ||
                           hp_expr_eval(x, NULL, NULL, &v) != HP_OK || v != 8))
            snprintf(l->err, sizeof l->err, "expression: %s", hp_error_last()->message);
        hp_expr_free(x);
        if (!l->err[0] && (hp_expr_compile("1 +", &x) != HP_EPARSE ||
                           strcmp(hp_error_last()->file, "<expr>")))
            snprintf(l->err, sizeof l->err, "expression error: %s", hp_error_last()->message);
        hp_dataset_free(a);
        hp_dataset_free(b);
    }
    return NULL;
}

THREADS_TEST(loads_into_separate_datasets_on_many_threads)
{
    hp_dataset *a = builtin();
    hp_dataset *b = eval_dataset();
    CHECK_OK(hp_dataset_load_csv_buffer(b, OBS_CSV, strlen(OBS_CSV), "obs.csv"));
    char *ja = hpt_dump(a), *jb = hpt_dump(b);
    pthread_t t[NTHREADS];
    loader l[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) {
        l[i] = (loader){i, ja, jb, ""};
        CHECK(pthread_create(&t[i], NULL, load_worker, &l[i]) == 0, "pthread_create");
    }
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < NTHREADS; i++)
        CHECK(l[i].err[0] == 0, "thread %d: %s", i, l[i].err);
    hp_free(ja);
    hp_free(jb);
    hp_dataset_free(a);
    hp_dataset_free(b);
    free(g_eval_json);
}

/* ------------------------------------------------------------------ error records */

typedef struct errjob {
    int id;
    const hp_dataset *ds;
    char err[256];
} errjob;

static void *error_worker(void *arg)
{
    errjob *j = arg;
    char id[32];
    snprintf(id, sizeof id, "no_such_plan_%d", j->id);
    for (int k = 0; k < 2000 && !j->err[0]; k++) {
        const hp_plan *p;
        if (hp_dataset_find_plan(j->ds, id, &p) != HP_ENOTFOUND ||
            !strstr(hp_error_last()->message, id))
            snprintf(j->err, sizeof j->err, "iteration %d: \"%s\"", k, hp_error_last()->message);
    }
    return NULL;
}

THREADS_TEST(each_thread_has_its_own_error_record)
{
    hp_dataset *ds = builtin();
    pthread_t t[NTHREADS];
    errjob j[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) {
        j[i] = (errjob){i, ds, ""};
        CHECK(pthread_create(&t[i], NULL, error_worker, &j[i]) == 0, "pthread_create");
    }
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < NTHREADS; i++)
        CHECK(j[i].err[0] == 0, "thread %d saw another thread's error: %s", i, j[i].err);
    hp_dataset_free(ds);
}

#ifdef HP_TSAN
int main(void)
{
    the_builtin_data_evaluated_from_many_threads_gives_one_answer();
    eval_json_evaluated_from_many_threads_gives_one_answer();
    loads_into_separate_datasets_on_many_threads();
    each_thread_has_its_own_error_record();
    evaluation_on_its_own_threads_gives_the_one_thread_answer();
    /* a failed CHECK exits before this line; the summary is in the plain form runners read */
    printf("test_threads (standalone main, for ThreadSanitizer or Helgrind)\n");
    printf("tsan: 5 passed, 0 failed\n");
    return 0;
}
#endif
