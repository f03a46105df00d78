/* Targets CSV (io.h, hp_dataset_load_csv_buffer): a plan's table as printed, pasted in. */
#include <string.h>

#include "support.h"

/* The built-in regions and indicators, without the plans. */
static hp_dataset *catalogue(void)
{
    hp_dataset *ds;
    HP_ASSERT_OK(hp_dataset_new(&ds));
    for (size_t i = 0; i < hp_builtin_count(); i++) {
        const char *data;
        size_t len;
        const char *name = hp_builtin_file(i, &data, &len);
        if (!strcmp(name, "regions.json") || !strcmp(name, "indicators.json"))
            HP_ASSERT_OK(hp_dataset_load_json_buffer(ds, data, len, name));
    }
    hp_plan_info p = {"yiyang-14fyp", "益阳市“十四五”卫生健康规划", "430900", 2021, 2025, 2020, NULL};
    HP_ASSERT_OK(hp_dataset_add_plan(ds, &p));
    return ds;
}

static char *rule_json(const hp_target *t)
{
    char *s;
    HP_ASSERT_OK(hp_rule_to_json(hp_target_rule(t), &s));
    return s;
}

Test(targets_csv, yiyang_table_loads_to_the_builtin_targets)
{
    hp_dataset *ds = catalogue(), *builtin;
    HP_ASSERT_OK(hp_dataset_load(ds, hpt_data("yiyang-14fyp-table.csv")));
    HP_ASSERT_OK(hp_dataset_builtin(&builtin));
    cr_assert(eq(sz, hp_dataset_target_count(ds), 20));
    for (size_t i = 0; i < hp_dataset_target_count(ds); i++) {
        const hp_target *t = hp_dataset_target_at(ds, i), *b;
        HP_ASSERT_OK(hp_dataset_find_target(builtin, "yiyang-14fyp", hp_target_id(t), &b));
        cr_assert(eq(str, (char *)hp_indicator_id(hp_target_indicator(t)),
                     (char *)hp_indicator_id(hp_target_indicator(b))),
                  "row %s", hp_target_id(t));
        cr_assert(eq(int, hp_target_year(t), hp_target_year(b)));
        cr_assert(eq(int, hp_target_nature(t), hp_target_nature(b)), "row %s", hp_target_id(t));
        char *rt = rule_json(t), *rb = rule_json(b);
        cr_assert(eq(str, rt, rb), "row %s", hp_target_id(t));
        hp_free(rt);
        hp_free(rb);
    }
    /* the baselines became observations: myopia 46.1 in 2020 (the plan's baseline year) */
    hp_observation o;
    HP_ASSERT_OK(hp_dataset_observation(ds, "430900", "child_myopia_rate", 2020, &o));
    cr_assert(ieee_ulp_eq(dbl, o.value, 46.1, 1));
    cr_assert(eq(str, (char *)o.as_printed, "46. 1"));
    HP_ASSERT_OK(hp_dataset_observation(ds, "430900", "maternal_mortality", 2020, &o));
    cr_assert(ieee_ulp_eq(dbl, o.value, 15.5, 1));
    /* and the myopia target resolves to 46.1 − 5 × 0.5 = 43.6 */
    hp_eval_options eo = HP_EVAL_OPTIONS_INIT;
    eo.indicator = "child_myopia_rate";
    hp_results *res;
    HP_ASSERT_OK(hp_evaluate(ds, &eo, &res));
    cr_assert(eq(sz, hp_results_count(res), 1));
    cr_assert(epsilon_eq(dbl, hp_results_at(res, 0)->target_value, 43.6, 1e-9));
    hp_results_free(res);
    hp_dataset_free(builtin);
    hp_dataset_free(ds);
}

static void expect(const char *csv, int code, int line, int column, const char *frag)
{
    hp_dataset *ds = catalogue();
    size_t before = hp_dataset_target_count(ds);
    int rc = hp_dataset_load_csv_buffer(ds, csv, strlen(csv), "table.csv");
    const hp_error *e = hp_error_last();
    cr_assert(eq(int, rc, code), "%d: %s", rc, e->message);
    cr_assert(eq(str, (char *)e->file, "table.csv"));
    cr_assert(eq(int, e->line, line), "line %d: %s", e->line, e->message);
    cr_assert(eq(int, e->column, column), "column %d: %s", e->column, e->message);
    cr_assert(strstr(e->message, frag) != NULL, "\"%s\" lacks \"%s\"", e->message, frag);
    cr_assert(eq(sz, hp_dataset_target_count(ds), before));
    cr_assert(eq(sz, hp_dataset_observation_count(ds), 0));
    hp_dataset_free(ds);
}

Test(targets_csv, unreadable_cells_are_located)
{
    /* the phrase's own column is added to the cell's: "≤1８x" fails at its 4th character */
    expect("plan,indicator,year,target\nyiyang-14fyp,婴儿死亡率,2025,≤1８x\n", HP_EPARSE, 2, 28,
           "target: cannot read \"≤1８x\"");
    expect("plan,indicator,year,target\nyiyang-14fyp,婴儿死忙率,2025,≤6\n", HP_ENOTFOUND, 2, 14,
           "did you mean infant_mortality");
    expect("plan,indicator,year,target,nature\nyiyang-14fyp,婴儿死亡率,2025,≤6,必须\n", HP_EVALIDATE,
           2, 28, "expected 约束性, 预期性, binding or expected, found \"必须\"");
    expect("plan,indicator,year,target,baseline\nyiyang-14fyp,婴儿死亡率,2025,≤6,about 3\n", HP_EPARSE,
           2, 28, "expected a number, optionally with its year in brackets");
    expect("plan,indicator,year,target\nyiyang-14fyp,婴儿死亡率,20x5,≤6\n", HP_EPARSE, 2, 20,
           "year");
    expect("plan,indicator,year\nyiyang-14fyp,婴儿死亡率,2025\n", HP_EVALIDATE, 1, 20,
           "no \"target\" column");
    expect("plan,indicator,year,target\nnew-plan,婴儿死亡率,2025,≤6\n", HP_EVALIDATE, 2, 23,
           "plan \"new-plan\" is not in the dataset");
}

Test(targets_csv, baseline_with_its_year_and_a_new_plan)
{
    hp_dataset *ds = catalogue();
    const char *csv = "plan,region,indicator,year,target,baseline\n"
                      "ziyang-2027,430902,人均预期寿命,2027,≥80,78.2(2021年)\n";
    HP_ASSERT_OK(hp_dataset_load_csv_buffer(ds, csv, strlen(csv), "ziyang.csv"));
    const hp_plan *p;
    HP_ASSERT_OK(hp_dataset_find_plan(ds, "ziyang-2027", &p));
    cr_assert(eq(str, (char *)hp_region_code(hp_plan_region(p)), "430902"));
    const hp_target *t;
    HP_ASSERT_OK(hp_dataset_find_target(ds, "ziyang-2027", "1", &t));
    cr_assert(eq(str, (char *)hp_target_source(t), "ziyang.csv, row 1"));
    hp_observation o;
    HP_ASSERT_OK(hp_dataset_observation(ds, "430902", "life_expectancy", 2021, &o));
    cr_assert(ieee_ulp_eq(dbl, o.value, 78.2, 1));
    hp_dataset_free(ds);
}
