/* evaluate.h: every rule kind and status, on numbers computed by hand (tests/data/eval.json). */
#include <math.h>
#include <string.h>

#include "support.h"

static hp_dataset *fixture(void)
{
    hp_dataset *ds;
    HP_ASSERT_OK(hp_dataset_new(&ds));
    HP_ASSERT_OK(hp_dataset_load(ds, hpt_data("eval.json")));
    return ds;
}

typedef struct run {
    hp_dataset *ds;
    hp_results *res;
} run;

static run evaluate(hp_eval_options *o)
{
    run r;
    r.ds = fixture();
    HP_ASSERT_OK(hp_evaluate(r.ds, o, &r.res));
    return r;
}

static void done(run *r)
{
    hp_results_free(r->res);
    hp_dataset_free(r->ds);
}

/* The result of target `id` and its reason. */
static const hp_result *get(const run *r, const char *id, char *reason, size_t cap)
{
    for (size_t i = 0; i < hp_results_count(r->res); i++) {
        const hp_result *x = hp_results_at(r->res, i);
        if (!strcmp(hp_target_id(x->target), id)) {
            if (reason)
                hp_results_reason(r->res, i, reason, cap);
            return x;
        }
    }
    cr_fatal("no result for target %s", id);
    return NULL;
}

#define CLOSE(a, b) cr_assert(epsilon_eq(dbl, (a), (b), 1e-9), "%s = %.17g, expected %.17g", #a, (double)(a), (double)(b))
#define HAS(reason, frag) cr_assert(strstr((reason), (frag)) != NULL, "reason \"%s\" lacks \"%s\"", (reason), (frag))

Test(evaluate, le_met_ahead_is_on_track)
{
    run r = evaluate(NULL);
    char why[512];
    const hp_result *x = get(&r, "A", why, sizeof why);
    cr_assert(eq(int, x->status, HP_STATUS_ON_TRACK));
    cr_assert(eq(int, x->cls, HP_CLASS_ACHIEVED));
    cr_assert(eq(int, x->latest_year, 2022));
    CLOSE(x->latest, 2.5);
    CLOSE(x->target_value, 6.5);
    CLOSE(x->gap, -4.0); /* lower is better: 2.5 is 4 below the bound */
    HAS(why, "already meets ≤ 6.5 in 2022 (target year 2025)");
    done(&r);
}

Test(evaluate, value_by_direction_with_compound_rates)
{
    run r = evaluate(NULL);
    char why[512];
    const hp_result *x = get(&r, "B", why, sizeof why);
    /* required (8/7.82)^(1/5) − 1, actual (7.9/7.82)^(1/2) − 1 */
    CLOSE(x->required_rate, 0.004561770765542983);
    CLOSE(x->actual_rate, 0.005102073934848184);
    CLOSE(x->ratio, 1.1184415432240356);
    CLOSE(x->progress, 0.08 / 0.18);
    CLOSE(x->gap, 0.1);
    cr_assert(eq(int, x->status, HP_STATUS_ON_TRACK));
    cr_assert(eq(int, x->cls, HP_CLASS_SIGNIFICANT));
    HAS(why, "7.82 (2020) → 7.9 (2022), target ≥ 8 by 2025");
    HAS(why, "significant: actual +0.51021%/yr vs required +0.45618%/yr, ratio 1.11844 (opensdg)");
    done(&r);
}

Test(evaluate, unsd_projects_to_the_target_year)
{
    hp_eval_options o = HP_EVAL_OPTIONS_INIT;
    o.method = HP_METHOD_UNSD;
    run r = evaluate(&o);
    const hp_result *x = get(&r, "B", NULL, 0);
    /* 7.9 × (1 + actual)^3 projected to 2025, share of 7.82 → 8 */
    CLOSE(x->ratio, 1.119650777404);
    cr_assert(eq(int, x->cls, HP_CLASS_SIGNIFICANT));
    done(&r);
}

Test(evaluate, per_year_percentage_points_are_linear)
{
    run r = evaluate(NULL);
    char why[512];
    const hp_result *x = get(&r, "C", why, sizeof why);
    CLOSE(x->target_value, 43.6); /* 46.1 − 5 × 0.5 */
    CLOSE(x->required_rate, -0.5);
    CLOSE(x->actual_rate, -0.45);
    CLOSE(x->ratio, 0.9);
    CLOSE(x->gap, 1.6);
    cr_assert(eq(int, x->cls, HP_CLASS_MODERATE));
    cr_assert(eq(int, x->status, HP_STATUS_OFF_TRACK));
    HAS(why, "target 46.1 − 5 × 0.5 = 43.6");
    HAS(why, "moderate: actual -0.45/yr vs required -0.5/yr, ratio 0.9");
    done(&r);
}

Test(evaluate, per_year_target_met_exactly_despite_rounding)
{
    run r = evaluate(NULL);
    const hp_result *x = get(&r, "R", NULL, 0);
    /* 46.1 − 5 × 0.5 is 43.599999999999994 in binary: it still meets 43.6 */
    cr_assert(eq(int, x->status, HP_STATUS_ACHIEVED));
    cr_assert(eq(int, x->met, 1));
    done(&r);
}

Test(evaluate, change_from_reference_year)
{
    run r = evaluate(NULL);
    char why[512];
    const hp_result *x = get(&r, "D", why, sizeof why);
    CLOSE(x->target_value, 14.0); /* 20 × (1 − 0.30) */
    CLOSE(x->required_rate, -0.023497852606283898);
    CLOSE(x->actual_rate, -0.029263290732014724);
    CLOSE(x->ratio, 1.2453602132217396);
    cr_assert(eq(int, x->status, HP_STATUS_ON_TRACK));
    HAS(why, "target -30% of 20 (2015) = 14");
    done(&r);
}

Test(evaluate, same_ratio_follows_the_other_indicator)
{
    run r = evaluate(NULL);
    char why[512];
    const hp_result *x = get(&r, "E", why, sizeof why);
    CLOSE(x->target_value, 68 * 77.5 / 76);
    cr_assert(eq(int, x->met, 1));
    cr_assert(eq(int, x->status, HP_STATUS_ON_TRACK));
    HAS(why, "le grew 1.97368% from 2015 to 2020");
    done(&r);
}

Test(evaluate, improve_from_the_best_bound_is_met_by_staying)
{
    run r = evaluate(NULL);
    const hp_result *x = get(&r, "F", NULL, 0);
    cr_assert(eq(int, x->met, 1));
    cr_assert(eq(int, x->status, HP_STATUS_ON_TRACK));
    cr_assert(eq(int, x->cls, HP_CLASS_ACHIEVED));
    x = get(&r, "G", NULL, 0);
    cr_assert(eq(int, x->met, 1)); /* 24 > 20 */
    cr_assert(eq(int, x->cls, HP_CLASS_ACHIEVED));
    done(&r);
}

Test(evaluate, reference_target_of_the_province)
{
    run r = evaluate(NULL);
    char why[512];
    const hp_result *x = get(&r, "H", why, sizeof why);
    CLOSE(x->target_value, 3.0);
    cr_assert(eq(int, x->status, HP_STATUS_ON_TRACK));
    HAS(why, "Hunan target hunan/H0");
    x = get(&r, "H2", why, sizeof why);
    cr_assert(eq(int, x->status, HP_STATUS_NOT_ASSESSABLE));
    HAS(why, "no Hunan target for beds in 2025 in the dataset");
    done(&r);
}

Test(evaluate, reference_value_of_the_province)
{
    run r = evaluate(NULL);
    char why[512];
    const hp_result *x = get(&r, "I", why, sizeof why);
    cr_assert(eq(int, x->met, 1)); /* 2.5 better (lower) than Hunan's 3 in 2022 */
    cr_assert(eq(int, x->status, HP_STATUS_ON_TRACK));
    HAS(why, "Hunan value 3 in 2022");
    x = get(&r, "I2", why, sizeof why);
    cr_assert(eq(int, x->status, HP_STATUS_NOT_ASSESSABLE));
    HAS(why, "no Hunan value of mm for 2022 in the dataset");
    done(&r);
}

Test(evaluate, expressions_with_conditions)
{
    hp_eval_options o = HP_EVAL_OPTIONS_INIT;
    o.as_of = 2025;
    run r = evaluate(&o);
    char why[512];
    const hp_result *x = get(&r, "J", why, sizeof why);
    cr_assert(eq(int, x->status, HP_STATUS_NOT_ACHIEVED)); /* 489267 people, no psychiatric hospital */
    HAS(why, "psych >= 1 is false in 430921");
    x = get(&r, "J2", why, sizeof why);
    cr_assert(eq(int, x->status, HP_STATUS_NOT_ASSESSABLE));
    HAS(why, "the condition pop > 300000 does not hold in 430922");
    x = get(&r, "J3", why, sizeof why);
    cr_assert(eq(int, x->status, HP_STATUS_ACHIEVED)); /* 20 ≥ 489267 / 30000 = 16.3 */
    done(&r);
}

Test(evaluate, qualitative_and_missing_data)
{
    run r = evaluate(NULL);
    char why[512];
    const hp_result *x = get(&r, "K", why, sizeof why);
    cr_assert(eq(int, x->status, HP_STATUS_NOT_ASSESSABLE));
    HAS(why, "qualitative target (显著提高)");
    x = get(&r, "L", why, sizeof why);
    cr_assert(eq(int, x->status, HP_STATUS_NO_DATA));
    cr_assert(eq(int, x->cls, HP_CLASS_NONE));
    cr_assert(isnan(x->gap));
    HAS(why, "no observation of smoke in 430900");
    done(&r);
}

Test(evaluate, about_within_tolerance_or_better)
{
    run r = evaluate(NULL);
    char why[512];
    const hp_result *x = get(&r, "M", why, sizeof why);
    cr_assert(eq(int, x->status, HP_STATUS_ACHIEVED)); /* 77.5 ≥ 77 × 0.98 */
    HAS(why, "77.5 meets ≥ 75.46 in 2020");
    done(&r);
}

Test(evaluate, not_achieved_once_the_year_is_past)
{
    run r = evaluate(NULL);
    char why[512];
    const hp_result *x = get(&r, "O", why, sizeof why);
    cr_assert(eq(int, x->status, HP_STATUS_NOT_ACHIEVED));
    CLOSE(x->gap, 0.5);
    cr_assert(not(eq(int, x->cls, HP_CLASS_SIGNIFICANT)));
    HAS(why, "2.5 misses ≤ 2 in 2022; 0.5 still to go");
    done(&r);
}

Test(evaluate, composite_any_and_range)
{
    run r = evaluate(NULL);
    const hp_result *x = get(&r, "P", NULL, 0);
    cr_assert(eq(int, x->met, 1)); /* 24 ≥ 24 */
    x = get(&r, "Q", NULL, 0);
    cr_assert(eq(int, x->met, 1)); /* 7 ≤ 7.9 ≤ 8 */
    done(&r);
}

Test(evaluate, as_of_judges_on_the_latest_before)
{
    hp_eval_options o = HP_EVAL_OPTIONS_INIT;
    o.as_of = 2025;
    run r = evaluate(&o);
    char why[512];
    const hp_result *x = get(&r, "B", why, sizeof why);
    cr_assert(eq(int, x->status, HP_STATUS_NOT_ACHIEVED));
    HAS(why, "no 2025 observation: the latest before it is used");
    x = get(&r, "A", NULL, 0);
    cr_assert(eq(int, x->status, HP_STATUS_ACHIEVED));
    done(&r);
}

Test(evaluate, filters_and_summaries)
{
    hp_eval_options o = HP_EVAL_OPTIONS_INIT;
    o.plan = "p15";
    run r = evaluate(&o);
    cr_assert(eq(sz, hp_results_count(r.res), 4));
    size_t counts[HP_STATUS_COUNT];
    cr_assert(eq(sz, hp_results_count_status(r.res, "p15", -1, NULL, counts), 4));
    cr_assert(eq(sz, counts[HP_STATUS_ON_TRACK], 3));
    cr_assert(eq(sz, counts[HP_STATUS_ACHIEVED], 1));
    done(&r);
}

Test(evaluate, bad_options_are_refused)
{
    hp_dataset *ds = fixture();
    hp_results *res;
    hp_eval_options o = HP_EVAL_OPTIONS_INIT;
    o.plan = "p21";
    cr_assert(eq(int, hp_evaluate(ds, &o, &res), HP_ENOTFOUND));
    HP_ASSERT_MSG("did you mean \"p20\"");
    o.plan = NULL;
    o.as_of = 1900;
    cr_assert(eq(int, hp_evaluate(ds, &o, &res), HP_EINVAL));
    HP_ASSERT_MSG("as_of 1900 is outside");
    o.as_of = 0;
    o.version = 99;
    cr_assert(eq(int, hp_evaluate(ds, &o, &res), HP_EINVAL));
    HP_ASSERT_MSG("HP_EVAL_OPTIONS_INIT");
    o.version = HP_EVAL_OPTIONS_VERSION;
    o.thresholds.moderate = 2;
    cr_assert(eq(int, hp_evaluate(ds, &o, &res), HP_EINVAL));
    HP_ASSERT_MSG("thresholds must be ordered");
    hp_dataset_free(ds);
}

Test(evaluate, threads_give_the_same_results)
{
    hp_dataset *ds;
    HP_ASSERT_OK(hp_dataset_builtin(&ds));
    hp_results *one, *four;
    hp_eval_options o = HP_EVAL_OPTIONS_INIT;
    HP_ASSERT_OK(hp_evaluate(ds, &o, &one));
    o.threads = 4;
    HP_ASSERT_OK(hp_evaluate(ds, &o, &four));
    char *a, *b;
    HP_ASSERT_OK(hp_results_write(one, HP_RESULTS_CSV, &a, NULL));
    HP_ASSERT_OK(hp_results_write(four, HP_RESULTS_CSV, &b, NULL));
    cr_assert(eq(str, a, b));
    hp_free(a);
    hp_free(b);
    hp_results_free(one);
    hp_results_free(four);
    hp_dataset_free(ds);
}

Test(evaluate, csv_columns_and_empty_cells)
{
    hp_eval_options o = HP_EVAL_OPTIONS_INIT;
    o.plan = "p15";
    run r = evaluate(&o);
    char *csv;
    HP_ASSERT_OK(hp_results_write(r.res, HP_RESULTS_CSV, &csv, NULL));
    static const char header[] = "plan,target,region,indicator,year,rule,nature,as_printed,baseline_year,"
                                 "baseline_value,target_value,latest_year,latest_value,status,gap,"
                                 "progress,required_rate,actual_rate,ratio,class,reason\n";
    cr_assert(eq(int, strncmp(csv, header, strlen(header)), 0), "%s", csv);
    cr_assert(strstr(csv, "p15,D,430900,pm,2030,\"{\"\"kind\"\":\"\"change_from\"\",\"\"value\"\":-0.3,\"\"ref_year\"\":2015}\",unspecified,,2015,20,14,2020,17.24,on_track,") != NULL, "%s", csv);
    cr_assert(strstr(csv, "nan") == NULL);
    hp_free(csv);
    char *json;
    HP_ASSERT_OK(hp_results_write(r.res, HP_RESULTS_JSON, &json, NULL));
    cr_assert(strstr(json, "\"status\": \"on_track\"") != NULL);
    cr_assert(strstr(json, "NaN") == NULL && strstr(json, "nan") == NULL);
    hp_free(json);
    done(&r);
}

Test(evaluate, yiyang_13fyp_reproduces_the_plan_table)
{
    hp_dataset *ds;
    HP_ASSERT_OK(hp_dataset_builtin(&ds));
    hp_eval_options o = HP_EVAL_OPTIONS_INIT;
    o.plan = "yiyang-13fyp";
    hp_results *res;
    HP_ASSERT_OK(hp_evaluate(ds, &o, &res));
    cr_assert(eq(sz, hp_results_count(res), 10));
    /* the printed completion values, seed 000 “十三五”主要指标完成情况 */
    static const struct { const char *id; double value; } printed[] = {
        {"2", 15.5}, {"3", 2.82}, {"4", 4.53}, {"6", 7.82}, {"7", 2.88}, {"8", 3.54}, {"9", 2.62}};
    for (size_t i = 0; i < hp_results_count(res); i++) {
        const hp_result *x = hp_results_at(res, i);
        cr_assert(eq(int, x->status, HP_STATUS_ACHIEVED), "target %s is %s",
                  hp_target_id(x->target), hp_status_name(x->status));
        cr_assert(eq(int, x->latest_year, 2020));
        for (size_t k = 0; k < sizeof printed / sizeof *printed; k++)
            if (!strcmp(printed[k].id, hp_target_id(x->target)))
                CLOSE(x->latest, printed[k].value);
    }
    hp_results_free(res);
    hp_dataset_free(ds);
}

Test(evaluate, names)
{
    cr_assert(eq(str, (char *)hp_status_name(HP_STATUS_OFF_TRACK), "off_track"));
    cr_assert(eq(str, (char *)hp_status_name(HP_STATUS_NOT_ASSESSABLE), "not_assessable"));
}

Test(evaluate, change_by_adds_to_the_reference)
{
    run r = evaluate(NULL);
    char why[512];
    const hp_result *x = get(&r, "S", why, sizeof why);
    CLOSE(x->target_value, 77.5); /* 76 (2015) + 1.5 years */
    cr_assert(eq(int, x->met, 1));  /* 77.5 in 2020 */
    cr_assert(eq(int, x->status, HP_STATUS_ON_TRACK));
    HAS(why, "target 76 (2015) + 1.5 = 77.5");
    done(&r);
}
