/* Allocation failure (common.h: hp_set_allocator): for every n, an allocator that fails the
 * n-th allocation, along every path that allocates — loading (JSON buffer, CSV buffer, two
 * files, the built-in data), evaluating, comparing, auditing, saving, reading rules and
 * compiling expressions. Each failure must give HP_ENOMEM (never a crash), leak nothing
 * (allocations outstanding after freeing everything: 0) and leave a dataset it was changing
 * exactly as it was (its saved JSON compared before and after). A call may also get round a
 * failed allocation (an optional cache) and return HP_OK, but then its result — the text it
 * wrote, the dataset it loaded — must be exactly that of a run without failures: a result
 * quietly cut short is a failure.
 *
 * The long paths (the built-in data: tens of thousands of allocations) are sampled with a
 * stride so that ctest stays quick; HP_ALLOC_EXHAUSTIVE=1 in the environment tries every n
 * (docs/reliability.md gives the command and the figures). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <execinfo.h>
#include <unistd.h>

#include "support.h"

/* ------------------------------------------------------------------ the allocator */

typedef struct counter {
    long calls;        /* allocations attempted since arm() */
    long fail_at;      /* which one fails (-1: none) */
    int failed;        /* it did */
    int sticky;        /* every allocation from fail_at on fails, not only that one */
    long outstanding;  /* blocks handed out and not freed */
    long total;        /* allocations attempted, ever */
} counter;

static counter C = {0, -1, 0, 0, 0, 0};

static int should_fail(void)
{
    C.total++;
    long k = C.calls++;
    if (C.fail_at >= 0 && (k == C.fail_at || (C.sticky && k > C.fail_at))) {
        C.failed = 1;
        if (getenv("HP_ALLOC_TRACE")) { /* where the failing allocation was made */
            void *frames[32];
            fprintf(stderr, "-- allocation %ld fails:\n", k);
            backtrace_symbols_fd(frames, backtrace(frames, 32), 2);
        }
        return 1;
    }
    return 0;
}

static void *t_malloc(size_t n, void *ctx)
{
    (void)ctx;
    if (should_fail())
        return NULL;
    void *p = malloc(n);
    if (p)
        C.outstanding++;
    return p;
}

static void *t_realloc(void *p, size_t n, void *ctx)
{
    (void)ctx;
    if (should_fail())
        return NULL;
    void *q = realloc(p, n);
    if (q && !p)
        C.outstanding++;
    return q;
}

static void t_free(void *p, void *ctx)
{
    (void)ctx;
    if (p) {
        C.outstanding--;
        free(p);
    }
}

static void install(void)
{
    hp_allocator a = {t_malloc, t_realloc, t_free, NULL};
    cr_assert(eq(int, hp_set_allocator(&a), HP_OK));
    C.outstanding = 0;
}

static void arm(long n)
{
    C.calls = 0;
    C.fail_at = n;
    C.failed = 0;
}

static void disarm(void) { C.fail_at = -1; }

/* ------------------------------------------------------------------ the sweep */

/* What a run produced besides its return code: the texts it wrote (keep()), then the saved
 * JSON of its dataset. Plain malloc: not counted. */
static char *g_result;

static void keep(const char *text)
{
    if (!text)
        return;
    size_t a = g_result ? strlen(g_result) : 0, b = strlen(text);
    char *p = realloc(g_result, a + b + 2);
    cr_assert(not(eq(ptr, p, NULL)));
    memcpy(p + a, text, b);
    p[a + b] = '\n';
    p[a + b + 1] = '\0';
    g_result = p;
}

/* One path: setup() builds what the path works on (no failures then), run() is the path
 * (it frees what it creates, except changes to the state), snapshot() describes the state
 * for the "unchanged" check (NULL: none), teardown() frees the state. */
typedef struct alloc_case {
    const char *name;
    void *(*setup)(void);
    int (*run)(void *state);
    char *(*snapshot)(void *state);
    void (*teardown)(void *state);
} alloc_case;

/* The run's outcome (see g_result); resets g_result. */
static char *outcome(const alloc_case *c, void *st)
{
    if (c->snapshot) {
        char *snap = c->snapshot(st);
        keep(snap);
        free(snap);
    }
    char *r = g_result;
    g_result = NULL;
    return r;
}

static char *g_reference; /* the outcome of a run without failures */

static long exhaustive(void)
{
    const char *e = getenv("HP_ALLOC_EXHAUSTIVE");
    return e && *e && strcmp(e, "0") != 0;
}

/* Run the case once without failures and return its number of allocations. */
static long count_allocations(const alloc_case *c)
{
    void *st = c->setup();
    arm(-1);
    C.calls = 0;
    C.fail_at = -1;
    long before = C.total;
    free(g_result);
    g_result = NULL;
    int rc = c->run(st);
    cr_assert(eq(int, rc, HP_OK), "%s: without failures it returns %s: %s", c->name,
              hp_strerror(rc), hp_error_last()->message);
    long n = C.total - before;
    free(g_reference);
    g_reference = outcome(c, st);
    c->teardown(st);
    cr_assert(eq(long, C.outstanding, 0), "%s: %ld blocks leaked without any failure", c->name,
              C.outstanding);
    return n;
}

/* Fail allocation n for n = 0, stride, 2*stride … until the path runs through; return how
 * many failures were tried. Sticky: allocations n, n+1, … all fail (memory stays short), which
 * also tries the paths that handle a failure. */
static long sweep_mode(const alloc_case *c, long total, long max_points, int sticky)
{
    long stride = exhaustive() || total <= max_points ? 1 : total / max_points + 1;
    long tried = 0;
    for (long n = 0;; n += stride) {
        void *st = c->setup();
        char *before = c->snapshot ? c->snapshot(st) : NULL;
        free(g_result);
        g_result = NULL;
        arm(n);
        C.sticky = sticky;
        int rc = c->run(st);
        disarm();
        C.sticky = 0;
        if (!C.failed) {
            cr_assert(eq(int, rc, HP_OK), "%s: runs through but returns %s", c->name,
                      hp_strerror(rc));
            cr_assert(ge(long, n, total), "%s: allocation %ld of %ld was never made", c->name, n,
                      total);
            free(before);
            free(outcome(c, st));
            c->teardown(st);
            break;
        }
        tried++;
        if (rc == HP_OK) {
            /* the call got round the failure: its result must be whole */
            char *got = outcome(c, st);
            cr_assert(got && g_reference && strcmp(got, g_reference) == 0,
                      "%s: allocation %ld of %ld failed%s, the call returned HP_OK, and its "
                      "result differs from a run without failures",
                      c->name, n, total, sticky ? " (and every later one)" : "");
            free(got);
            free(before);
            c->teardown(st);
            cr_assert(eq(long, C.outstanding, 0), "%s: allocation %ld failed and %ld blocks leaked",
                      c->name, n, C.outstanding);
            continue;
        }
        free(g_result);
        g_result = NULL;
        cr_assert(eq(int, rc, HP_ENOMEM),
                  "%s: allocation %ld of %ld failed%s and the call returned %s (%s)", c->name, n,
                  total, sticky ? " (and every later one)" : "", hp_strerror(rc),
                  hp_error_last()->message);
        cr_assert(eq(int, hp_error_last()->code, HP_ENOMEM), "%s: error record code %d", c->name,
                  hp_error_last()->code);
        cr_assert(strstr(hp_error_last()->message, "memory") != NULL,
                  "%s: allocation %ld: message \"%s\" does not say memory", c->name, n,
                  hp_error_last()->message);
        if (before) {
            char *after = c->snapshot(st);
            cr_assert(after && strcmp(before, after) == 0,
                      "%s: allocation %ld of %ld failed and the dataset changed", c->name, n,
                      total);
            free(after);
            free(before);
        }
        c->teardown(st);
        cr_assert(eq(long, C.outstanding, 0),
                  "%s: allocation %ld of %ld failed and %ld blocks leaked", c->name, n, total,
                  C.outstanding);
    }
    return tried;
}

static long sweep(const alloc_case *c, long max_points)
{
    long total = count_allocations(c);
    cr_assert(gt(long, total, 0), "%s allocates nothing", c->name);
    long single = sweep_mode(c, total, max_points, 0);
    long sticky = sweep_mode(c, total, max_points, 1);
    if (getenv("HP_ALLOC_REPORT"))
        fprintf(stderr, "alloc: %-52s %7ld allocations, %6ld single + %6ld sticky failures\n",
                c->name, total, single, sticky);
    return single;
}

/* ------------------------------------------------------------------ fixtures */

/* Records that go on top of the built-in data: a county, an indicator with aliases and a
 * ratio, a plan and targets of many kinds, observations (some shared with the built-in). */
static const char *EXTRA_JSON =
    "{\"format\": \"healthplan/1\",\n"
    " \"regions\": [{\"code\": \"430999\", \"name_zh\": \"测试县\", \"name_en\": \"Test County\",\n"
    "              \"parent\": \"430900\", \"level\": \"county\"}],\n"
    " \"indicators\": [{\"id\": \"beds_per_doctor\", \"name_zh\": \"每医生床位数\",\n"
    "                 \"aliases\": [\"床医比\", \"床位/医生\"], \"unit\": \"ratio\", \"direction\": \"none\",\n"
    "                 \"ratio\": {\"numerator\": \"beds\", \"denominator\": \"health_technicians\", \"scale\": 1}}],\n"
    " \"plans\": [{\"id\": \"alloc-plan\", \"title\": \"测试规划\", \"region\": \"430999\", \"start\": 2021,\n"
    "            \"end\": 2025, \"baseline_year\": 2020, \"source\": \"test_alloc.c\"}],\n"
    " \"targets\": [\n"
    "  {\"plan\": \"alloc-plan\", \"id\": \"1\", \"indicator\": \"infant_mortality\", \"year\": 2025,\n"
    "   \"rule\": {\"kind\": \"le\", \"value\": 5}, \"nature\": \"binding\", \"as_printed\": \"≤5\",\n"
    "   \"departments\": {\"lead\": \"卫健委\", \"partners\": [\"妇联\", \"民政局\"]}},\n"
    "  {\"plan\": \"alloc-plan\", \"id\": \"2\", \"indicator\": \"life_expectancy\", \"year\": 2025,\n"
    "   \"rule\": {\"kind\": \"about\", \"value\": 79, \"tolerance\": 0.02}, \"as_printed\": \"79左右\"},\n"
    "  {\"plan\": \"alloc-plan\", \"id\": \"3\", \"indicator\": \"maternal_mortality\", \"year\": 2025,\n"
    "   \"rule\": {\"kind\": \"change_from\", \"value\": -0.3, \"ref_year\": 2020}},\n"
    "  {\"plan\": \"alloc-plan\", \"id\": \"4\", \"indicator\": \"child_myopia_rate\", \"year\": 2025,\n"
    "   \"rule\": {\"kind\": \"per_year\", \"value\": -0.5}},\n"
    "  {\"plan\": \"alloc-plan\", \"id\": \"5\", \"indicator\": \"beds\", \"year\": 2025,\n"
    "   \"rule\": {\"kind\": \"any\", \"rules\": [{\"kind\": \"ge\", \"value\": 7},\n"
    "                                     {\"kind\": \"range\", \"low\": 6, \"high\": 9}]}},\n"
    "  {\"plan\": \"alloc-plan\", \"id\": \"6\", \"indicator\": \"beds\", \"year\": 2025,\n"
    "   \"rule\": {\"kind\": \"expr\", \"expr\": \"beds >= population / 1000\", \"when\": \"population > 1000\"}},\n"
    "  {\"plan\": \"alloc-plan\", \"id\": \"7\", \"indicator\": \"infant_mortality\", \"year\": 2025,\n"
    "   \"rule\": {\"kind\": \"reference_target\", \"scope\": \"province\"}},\n"
    "  {\"plan\": \"alloc-plan\", \"id\": \"8\", \"indicator\": \"health_literacy\", \"year\": 2025,\n"
    "   \"rule\": {\"kind\": \"qualitative\", \"text\": \"显著提高\"}},\n"
    "  {\"plan\": \"alloc-plan\", \"id\": \"9\", \"indicator\": \"beds_per_doctor\", \"year\": 2025,\n"
    "   \"rule\": {\"kind\": \"improve\"}}],\n"
    " \"observations\": [\n"
    "  {\"region\": \"430999\", \"indicator\": \"infant_mortality\", \"year\": 2020, \"value\": 4.1, \"source\": \"a\"},\n"
    "  {\"region\": \"430999\", \"indicator\": \"infant_mortality\", \"year\": 2023, \"value\": 3.2, \"source\": \"b\"},\n"
    "  {\"region\": \"430999\", \"indicator\": \"life_expectancy\", \"year\": 2023, \"value\": 78.6},\n"
    "  {\"region\": \"430999\", \"indicator\": \"beds\", \"year\": 2023, \"value\": 7.5, \"status\": \"provisional\"},\n"
    "  {\"region\": \"430999\", \"indicator\": \"population\", \"year\": 2023, \"value\": 512000},\n"
    "  {\"region\": \"430999\", \"indicator\": \"health_literacy\", \"year\": 2023, \"verdict\": \"met\", \"as_printed\": \"显著提高\"},\n"
    "  {\"region\": \"430999\", \"indicator\": \"child_myopia_rate\", \"year\": 2021, \"status\": \"missing\"}]}\n";

/* Observations CSV for the built-in regions and indicators, with every optional column. */
static const char *EXTRA_CSV =
    "\xEF\xBB\xBFREF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,OBS_STATUS,VERDICT,SOURCE,AS_PRINTED\r\n"
    "430921,infant_mortality,2021,3.4,‰,A,,\"统计公报, 2021\",3.4‰\r\n"
    "430921,infant_mortality,2022,3.1,,P,,\"统计公报 \"\"2022\"\"\",\r\n"
    "430922,life_expectancy,2022,78.1,岁,E,,公报,\r\n"
    "430922,health_literacy,2022,,,,met,公报,明显提高\r\n"
    "430923,beds,2019,,,M,,,\r\n"
    "430400,infant_mortality,2022,2.9,permille,A,,衡阳公报,\r\n";

static char *g_builtin_json;  /* the built-in data saved once, to compare against */

static char *dump_copy(const hp_dataset *ds)
{
    char *text = NULL;
    long saved = C.fail_at, calls = C.calls, total = C.total;
    disarm();
    cr_assert(eq(int, hp_dataset_save_json_buffer(ds, &text, NULL), HP_OK));
    /* the check's own allocations are not the path's: neither counted nor numbered, or a
     * sweep point could land among them and never fail */
    C.fail_at = saved;
    C.calls = calls;
    C.total = total;
    char *copy = strdup(text);
    hp_free(text);
    return copy;
}

static void *setup_empty(void)
{
    hp_dataset *ds = NULL;
    HP_ASSERT_OK(hp_dataset_new(&ds));
    return ds;
}

static void *setup_builtin(void)
{
    hp_dataset *ds = NULL;
    HP_ASSERT_OK(hp_dataset_builtin(&ds));
    return ds;
}

static void *setup_eval(void)
{
    size_t len;
    char *text = hpt_read_file(hpt_data("eval.json"), &len);
    cr_assert(not(eq(ptr, text, NULL)));
    hp_dataset *ds = NULL;
    HP_ASSERT_OK(hp_dataset_new(&ds));
    HP_ASSERT_OK(hp_dataset_load_json_buffer(ds, text, len, "eval.json"));
    free(text);
    return ds;
}

static void *setup_builtin_extra(void)
{
    hp_dataset *ds = setup_builtin();
    HP_ASSERT_OK(hp_dataset_load_json_buffer(ds, EXTRA_JSON, strlen(EXTRA_JSON), "extra.json"));
    HP_ASSERT_OK(hp_dataset_load_csv_buffer(ds, EXTRA_CSV, strlen(EXTRA_CSV), "extra.csv"));
    return ds;
}

static char *snap_dataset(void *st) { return dump_copy(st); }
static void free_dataset(void *st) { hp_dataset_free(st); }
static void *setup_none(void) { return NULL; }
static void free_none(void *st) { (void)st; }

/* ------------------------------------------------------------------ the paths */

static int run_json_on_builtin(void *st)
{
    return hp_dataset_load_json_buffer(st, EXTRA_JSON, strlen(EXTRA_JSON), "extra.json");
}

static int run_json_eval(void *st)
{
    size_t len;
    char *text = hpt_read_file(hpt_data("eval.json"), &len);
    int rc = hp_dataset_load_json_buffer(st, text, len, "eval.json");
    free(text);
    return rc;
}

static int run_csv_observations(void *st)
{
    return hp_dataset_load_csv_buffer(st, EXTRA_CSV, strlen(EXTRA_CSV), "extra.csv");
}

static int run_csv_targets(void *st)
{
    size_t len;
    char *text = hpt_read_file(hpt_data("yiyang-14fyp-table.csv"), &len);
    cr_assert(not(eq(ptr, text, NULL)));
    /* as a new plan, so that the rows are new targets rather than merges */
    char *copy = malloc(len * 2 + 64);
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        if (!strncmp(text + i, "yiyang-14fyp,", 13)) {
            memcpy(copy + o, "alloc-csv-plan,", 15);
            o += 15;
            i += 12;
        } else {
            copy[o++] = text[i];
        }
    }
    free(text);
    int rc = hp_dataset_load_csv_buffer(st, copy, o, "table.csv");
    free(copy);
    return rc;
}

/* The built-in data and an empty plan for the table's rows. */
static void *setup_builtin_plan(void)
{
    hp_dataset *ds = setup_builtin();
    hp_plan_info plan = {0};
    plan.id = "alloc-csv-plan";
    plan.region = "430900";
    plan.start = 2021;
    plan.end = 2025;
    plan.baseline_year = 2020;
    HP_ASSERT_OK(hp_dataset_add_plan(ds, &plan));
    return ds;
}

static char g_json_path[256], g_csv_path[256];

static void write_file(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    cr_assert(not(eq(ptr, f, NULL)), "cannot write %s", path);
    cr_assert(eq(sz, fwrite(text, 1, len, f), len));
    fclose(f);
}

static int run_load_files(void *st)
{
    const char *paths[2] = {g_json_path, g_csv_path};
    return hp_dataset_load_files(st, paths, 2, NULL);
}

static int run_builtin(void *st)
{
    (void)st;
    hp_dataset *ds = NULL;
    int rc = hp_dataset_builtin(&ds);
    if (rc == HP_OK) {
        char *text = dump_copy(ds);
        cr_assert(eq(str, text, g_builtin_json), "the built-in data loaded differently");
        free(text);
    } else {
        cr_assert(eq(ptr, ds, NULL), "a failed hp_dataset_builtin() handed out a dataset");
    }
    hp_dataset_free(ds);
    return rc;
}

static int run_evaluate(void *st)
{
    hp_eval_options o = HP_EVAL_OPTIONS_INIT;
    o.as_of = 2023;
    hp_results *res = NULL;
    int rc = hp_evaluate(st, &o, &res);
    char *text = NULL;
    if (rc == HP_OK)
        rc = hp_results_write(res, HP_RESULTS_CSV, &text, NULL);
    keep(text);
    hp_free(text);
    text = NULL;
    if (rc == HP_OK)
        rc = hp_results_write(res, HP_RESULTS_JSON, &text, NULL);
    keep(text);
    hp_free(text);
    hp_results_free(res);
    return rc;
}

static int run_evaluate_plan(void *st)
{
    hp_eval_options o = HP_EVAL_OPTIONS_INIT;
    o.plan = "alloc-plan";
    o.method = HP_METHOD_UNSD;
    hp_results *res = NULL;
    int rc = hp_evaluate(st, &o, &res);
    char *text = NULL;
    if (rc == HP_OK)
        rc = hp_results_write(res, HP_RESULTS_JSON, &text, NULL);
    keep(text);
    hp_free(text);
    hp_results_free(res);
    return rc;
}

static int run_compare(void *st)
{
    const char *regions[] = {"430999", "430900", "430000", "CN"};
    hp_compare_options o = HP_COMPARE_OPTIONS_INIT;
    o.regions = regions;
    o.nregions = 4;
    o.year = 2023;
    hp_comparison *cmp = NULL;
    int rc = hp_compare(st, &o, &cmp);
    char *text = NULL;
    if (rc == HP_OK)
        rc = hp_comparison_write(cmp, HP_RESULTS_CSV, &text, NULL);
    keep(text);
    hp_free(text);
    text = NULL;
    if (rc == HP_OK)
        rc = hp_comparison_write(cmp, HP_RESULTS_JSON, &text, NULL);
    keep(text);
    hp_free(text);
    hp_comparison_free(cmp);
    return rc;
}

static int run_audit(void *st)
{
    hp_audit_report *rep = NULL;
    int rc = hp_audit(st, NULL, &rep);
    char *text = NULL;
    if (rc == HP_OK)
        rc = hp_audit_write(rep, HP_RESULTS_CSV, &text, NULL);
    keep(text);
    hp_free(text);
    text = NULL;
    if (rc == HP_OK)
        rc = hp_audit_write(rep, HP_RESULTS_JSON, &text, NULL);
    keep(text);
    hp_free(text);
    hp_audit_free(rep);
    return rc;
}

static char g_save_path[256];

static int run_save(void *st)
{
    char *text = NULL;
    int rc = hp_dataset_save_json_buffer(st, &text, NULL);
    keep(text);
    hp_free(text);
    text = NULL;
    if (rc == HP_OK)
        rc = hp_dataset_save_observations_csv_buffer(st, &text, NULL);
    keep(text);
    hp_free(text);
    if (rc == HP_OK)
        rc = hp_dataset_save_json(st, g_save_path);
    if (rc == HP_OK) {
        char *file = hpt_read_file(g_save_path, NULL);
        keep(file);
        free(file);
    }
    return rc;
}

static const char *PHRASES[] = {
    "≤18", "77左右", "比2015年降低30%", "力争每年降低0.5个百分点", "全省控制目标内",
    "优于全省平均水平", "同比例提高", "持续改善", "10—15", "≥95%或提高10个百分点", "显著下降",
    "<= 18", "about 27", "-30% vs 2015", "８５％以上",
};

static int run_rules(void *st)
{
    (void)st;
    for (size_t i = 0; i < sizeof PHRASES / sizeof *PHRASES; i++) {
        hp_rule r, back;
        char *json = NULL, *desc = NULL;
        int rc = hp_rule_parse(PHRASES[i], &r);
        if (rc != HP_OK) {
            cr_assert(eq(int, r.kind, HP_RULE_NONE), "a failed parse left a rule");
            return rc;
        }
        rc = hp_rule_to_json(&r, &json);
        if (rc == HP_OK) {
            rc = hp_rule_from_json(json, &back);
            hp_rule_dispose(&back);
        }
        if (rc == HP_OK)
            rc = hp_rule_describe(&r, &desc);
        hp_rule copy;
        if (rc == HP_OK && (rc = hp_rule_copy(&copy, &r)) == HP_OK)
            hp_rule_dispose(&copy);
        keep(json);
        keep(desc);
        hp_free(json);
        hp_free(desc);
        hp_rule_dispose(&r);
        if (rc != HP_OK)
            return rc;
    }
    return HP_OK;
}

static const char *EXPRS[] = {
    "ambulances >= population / 30000",
    "psychiatric_hospitals + county_hospitals_with_psychiatric_ward >= 1",
    "max(a, b, 3) * -2 ^ 2 <= round(c / 7, 2) and not (d == 0 or e != 1)",
    "a × b ÷ c ≥ 1",
};

static int run_exprs(void *st)
{
    (void)st;
    for (size_t i = 0; i < sizeof EXPRS / sizeof *EXPRS; i++) {
        hp_expr *e = NULL;
        int rc = hp_expr_compile(EXPRS[i], &e);
        if (rc != HP_OK) {
            cr_assert(eq(ptr, e, NULL), "a failed compile handed out an expression");
            return rc;
        }
        char *text = NULL;
        rc = hp_expr_to_string(e, &text);
        keep(text);
    hp_free(text);
        hp_expr_free(e);
        if (rc != HP_OK)
            return rc;
    }
    return HP_OK;
}

static int run_adds(void *st)
{
    hp_region_info r = {0};
    r.code = "430998";
    r.name_zh = "新县";
    r.parent = "430900";
    r.level = HP_LEVEL_COUNTY;
    int rc = hp_dataset_add_region(st, &r);
    const char *aliases[] = {"新指标（%）"};
    hp_indicator_info ind = {0};
    ind.id = "new_rate";
    ind.name_zh = "新指标";
    ind.aliases = aliases;
    ind.naliases = 1;
    ind.unit = "percent";
    ind.direction = HP_DIRECTION_HIGHER;
    if (rc == HP_OK)
        rc = hp_dataset_add_indicator(st, &ind);
    hp_rule rule;
    hp_rule_init(&rule);
    if (rc == HP_OK)
        rc = hp_rule_parse("比2020年提高10%", &rule);
    hp_target_info t = {0};
    t.plan = "yiyang-14fyp";
    t.id = "alloc-1";
    t.indicator = "new_rate";
    t.region = "430998";
    t.year = 2025;
    t.rule = &rule;
    t.as_printed = "比2020年提高10%";
    if (rc == HP_OK)
        rc = hp_dataset_add_target(st, &t);
    hp_rule_dispose(&rule);
    int years[] = {2020, 2021, 2022};
    double values[] = {50, 52.5, 55};
    if (rc == HP_OK)
        rc = hp_dataset_add_series(st, "430998", "new_rate", years, values, 3, "series");
    hp_observation o = {0};
    o.region = "430998";
    o.indicator = "new_rate";
    o.year = 2023;
    o.value = 57;
    o.source = "one";
    if (rc == HP_OK)
        rc = hp_dataset_add_observations(st, &o, 1);
    return rc;
}

/* ------------------------------------------------------------------ tests */

static void init(void)
{
    install();
    hp_dataset *ds = NULL;
    HP_ASSERT_OK(hp_dataset_builtin(&ds));
    g_builtin_json = dump_copy(ds);
    hp_dataset_free(ds);
    cr_assert(eq(long, C.outstanding, 0));
}

static void fini(void)
{
    free(g_builtin_json);
    g_builtin_json = NULL;
    hp_set_allocator(NULL);
}

TestSuite(alloc, .init = init, .fini = fini, .timeout = 600);

Test(alloc, json_buffer_on_builtin_data)
{
    alloc_case c = {"JSON buffer on the built-in data", setup_builtin, run_json_on_builtin,
                    snap_dataset, free_dataset};
    cr_assert(gt(long, sweep(&c, 400), 50));
}

Test(alloc, json_buffer_into_empty_dataset)
{
    alloc_case c = {"JSON buffer (eval.json)", setup_empty, run_json_eval, snap_dataset,
                    free_dataset};
    cr_assert(gt(long, sweep(&c, 100000), 100));
}

Test(alloc, observations_csv_buffer)
{
    alloc_case c = {"observations CSV on the built-in data + extra", setup_builtin,
                    run_csv_observations, snap_dataset, free_dataset};
    cr_assert(gt(long, sweep(&c, 400), 10));
}

Test(alloc, targets_csv_buffer)
{
    alloc_case c = {"targets CSV (a plan's table)", setup_builtin_plan, run_csv_targets, snap_dataset,
                    free_dataset};
    cr_assert(gt(long, sweep(&c, 400), 10));
}

Test(alloc, load_files_two_files)
{
    snprintf(g_json_path, sizeof g_json_path, "/tmp/hp_alloc_%d.json", (int)getpid());
    snprintf(g_csv_path, sizeof g_csv_path, "/tmp/hp_alloc_%d.csv", (int)getpid());
    size_t len;
    char *text = hpt_read_file(hpt_data("eval.json"), &len);
    write_file(g_json_path, text, len);
    free(text);
    const char *csv = "REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,SOURCE\n"
                      "430921,beds,2022,5.5,csv\n"
                      "430922,beds,2022,6.5,csv\n"
                      "430900,im,2023,2.4,csv\n";
    write_file(g_csv_path, csv, strlen(csv));
    alloc_case c = {"load_files (JSON + CSV)", setup_empty, run_load_files, snap_dataset,
                    free_dataset};
    long tried = sweep(&c, 100000);
    unlink(g_json_path);
    unlink(g_csv_path);
    cr_assert(gt(long, tried, 100));
}

Test(alloc, builtin_data)
{
    alloc_case c = {"hp_dataset_builtin", setup_none, run_builtin, NULL, free_none};
    cr_assert(gt(long, sweep(&c, 300), 100));
}

Test(alloc, public_adds)
{
    alloc_case c = {"add region, indicator, target, series, observations", setup_builtin,
                    run_adds, NULL, free_dataset};
    cr_assert(gt(long, sweep(&c, 400), 10));
}

Test(alloc, evaluate)
{
    alloc_case c = {"hp_evaluate + hp_results_write", setup_builtin_extra, run_evaluate,
                    snap_dataset, free_dataset};
    cr_assert(gt(long, sweep(&c, 250), 10));
    alloc_case c2 = {"hp_evaluate (one plan, unsd)", setup_builtin_extra, run_evaluate_plan,
                     NULL, free_dataset};
    cr_assert(gt(long, sweep(&c2, 100000), 3));
    alloc_case c3 = {"hp_evaluate (eval.json)", setup_eval, run_evaluate, NULL, free_dataset};
    cr_assert(gt(long, sweep(&c3, 100000), 3));
}

Test(alloc, compare)
{
    alloc_case c = {"hp_compare + hp_comparison_write", setup_builtin_extra, run_compare,
                    snap_dataset, free_dataset};
    cr_assert(gt(long, sweep(&c, 100000), 3));
}

Test(alloc, audit)
{
    alloc_case c = {"hp_audit + hp_audit_write", setup_builtin_extra, run_audit, snap_dataset,
                    free_dataset};
    cr_assert(gt(long, sweep(&c, 100000), 3));
}

Test(alloc, save)
{
    snprintf(g_save_path, sizeof g_save_path, "/tmp/hp_alloc_save_%d.json", (int)getpid());
    alloc_case c = {"save JSON and CSV", setup_builtin_extra, run_save, snap_dataset,
                    free_dataset};
    long tried = sweep(&c, 100000);
    unlink(g_save_path);
    cr_assert(gt(long, tried, 3));
}

Test(alloc, rule_parse_and_json)
{
    alloc_case c = {"rules: parse, to/from JSON, describe, copy", setup_none, run_rules, NULL,
                    free_none};
    cr_assert(gt(long, sweep(&c, 100000), 20));
}

Test(alloc, expression_compile)
{
    alloc_case c = {"expressions: compile, to_string", setup_none, run_exprs, NULL, free_none};
    cr_assert(gt(long, sweep(&c, 100000), 5));
}

Test(alloc, allocator_is_checked)
{
    hp_allocator bad = {t_malloc, NULL, t_free, NULL};
    cr_assert(eq(int, hp_set_allocator(&bad), HP_EINVAL));
    HP_ASSERT_MSG("malloc, realloc and free");
}
