/* dataset.h, region.h, indicator.h, plan.h, target.h: building a dataset through the API. */
#include <math.h>
#include <string.h>

#include "support.h"

static hp_dataset *small(void)
{
    hp_dataset *ds;
    HP_ASSERT_OK(hp_dataset_new(&ds));
    hp_region_info hunan = {"430000", "湖南省", "Hunan", NULL, HP_LEVEL_PROVINCE};
    hp_region_info yiyang = {"430900", "益阳市", "Yiyang", "430000", HP_LEVEL_PREFECTURE};
    HP_ASSERT_OK(hp_dataset_add_region(ds, &hunan));
    HP_ASSERT_OK(hp_dataset_add_region(ds, &yiyang));
    const char *aliases[] = {"婴儿死亡率（‰）"};
    hp_indicator_info im = {0};
    im.id = "infant_mortality";
    im.name_zh = "婴儿死亡率";
    im.name_en = "Infant mortality rate";
    im.aliases = aliases;
    im.naliases = 1;
    im.unit = "permille";
    im.direction = HP_DIRECTION_LOWER;
    HP_ASSERT_OK(hp_dataset_add_indicator(ds, &im));
    hp_plan_info plan = {"yiyang-13fyp", "益阳市“十三五”卫生与健康规划", "430900", 2016, 2020, 2015, NULL};
    HP_ASSERT_OK(hp_dataset_add_plan(ds, &plan));
    return ds;
}

static hp_target_info target3(hp_rule *rule)
{
    hp_rule_init(rule);
    rule->kind = HP_RULE_LE;
    rule->value = 6.5;
    hp_target_info t = {0};
    t.plan = "yiyang-13fyp";
    t.id = "3";
    t.indicator = "infant_mortality";
    t.year = 2020;
    t.rule = rule;
    t.nature = HP_NATURE_EXPECTED;
    t.as_printed = "≤6.5";
    t.source = "000_a51199b982b88bfe.txt, “十三五”主要指标完成情况, row 3";
    return t;
}

Test(dataset, records_are_found_and_counted)
{
    hp_dataset *ds = small();
    hp_rule rule;
    hp_target_info t = target3(&rule);
    HP_ASSERT_OK(hp_dataset_add_target(ds, &t));
    cr_assert(eq(sz, hp_dataset_region_count(ds), 2));
    cr_assert(eq(sz, hp_dataset_indicator_count(ds), 1));
    cr_assert(eq(sz, hp_dataset_plan_count(ds), 1));
    cr_assert(eq(sz, hp_dataset_target_count(ds), 1));

    const hp_region *r;
    HP_ASSERT_OK(hp_dataset_find_region(ds, "430900", &r));
    cr_assert(eq(str, (char *)hp_region_name_zh(r), "益阳市"));
    cr_assert(eq(str, (char *)hp_region_code(hp_region_parent(r)), "430000"));
    cr_assert(eq(int, hp_region_level(r), HP_LEVEL_PREFECTURE));
    cr_assert(eq(ptr, (void *)hp_region_ancestor(r, HP_LEVEL_PROVINCE), (void *)hp_region_parent(r)));

    const hp_target *tg;
    HP_ASSERT_OK(hp_dataset_find_target(ds, "yiyang-13fyp", "3", &tg));
    cr_assert(eq(int, hp_target_year(tg), 2020));
    cr_assert(eq(int, hp_target_rule(tg)->kind, HP_RULE_LE));
    cr_assert(ieee_ulp_eq(dbl, hp_target_rule(tg)->value, 6.5, 1));
    cr_assert(eq(str, (char *)hp_region_code(hp_target_region(tg)), "430900"));
    cr_assert(eq(str, (char *)hp_target_as_printed(tg), "≤6.5"));
    cr_assert(eq(sz, hp_plan_target_count(hp_target_plan(tg)), 1));
    hp_dataset_free(ds);
}

Test(dataset, identical_record_is_accepted_twice)
{
    hp_dataset *ds = small();
    hp_region_info yiyang = {"430900", "益阳市", "Yiyang", "430000", HP_LEVEL_PREFECTURE};
    HP_ASSERT_OK(hp_dataset_add_region(ds, &yiyang));
    cr_assert(eq(sz, hp_dataset_region_count(ds), 2));
    hp_dataset_free(ds);
}

Test(dataset, conflicting_record_is_refused_and_named)
{
    hp_dataset *ds = small();
    hp_region_info other = {"430900", "益阳", "Yiyang", "430000", HP_LEVEL_PREFECTURE};
    cr_assert(eq(int, hp_dataset_add_region(ds, &other), HP_EEXISTS));
    HP_ASSERT_MSG("region \"430900\" is already defined differently");
    HP_ASSERT_MSG("name_zh differs");
    cr_assert(eq(sz, hp_dataset_region_count(ds), 2));
    const hp_region *r;
    HP_ASSERT_OK(hp_dataset_find_region(ds, "430900", &r));
    cr_assert(eq(str, (char *)hp_region_name_zh(r), "益阳市"));
    hp_dataset_free(ds);
}

Test(dataset, unknown_ids_suggest_the_nearest)
{
    hp_dataset *ds = small();
    const hp_indicator *ind;
    cr_assert(eq(int, hp_dataset_find_indicator(ds, "infant_mortalty", &ind), HP_ENOTFOUND));
    HP_ASSERT_MSG("unknown indicator \"infant_mortalty\" (did you mean \"infant_mortality\"?)");
    const hp_region *r;
    cr_assert(eq(int, hp_dataset_find_region(ds, "430901", &r), HP_ENOTFOUND));
    HP_ASSERT_MSG("did you mean \"430900\"");
    hp_rule rule;
    hp_target_info t = target3(&rule);
    t.indicator = "infant_mortalty";
    cr_assert(eq(int, hp_dataset_add_target(ds, &t), HP_ENOTFOUND));
    HP_ASSERT_MSG("did you mean \"infant_mortality\"");
    cr_assert(eq(sz, hp_dataset_target_count(ds), 0));
    hp_dataset_free(ds);
}

Test(dataset, region_with_unknown_parent_is_refused)
{
    hp_dataset *ds = small();
    hp_region_info r = {"430400", "衡阳市", "Hengyang", "43000", HP_LEVEL_PREFECTURE};
    cr_assert(eq(int, hp_dataset_add_region(ds, &r), HP_ENOTFOUND));
    HP_ASSERT_MSG("unknown region \"43000\"");
    cr_assert(eq(str, (char *)hp_error_last()->field, "parent"));
    cr_assert(eq(sz, hp_dataset_region_count(ds), 2));
    hp_dataset_free(ds);
}

Test(dataset, target_year_outside_range_is_refused)
{
    hp_dataset *ds = small();
    hp_rule rule;
    hp_target_info t = target3(&rule);
    t.year = 2101;
    cr_assert(eq(int, hp_dataset_add_target(ds, &t), HP_ERANGE));
    HP_ASSERT_MSG("year 2101 is outside 1949–2100");
    hp_dataset_free(ds);
}

Test(dataset, indicator_names_match_as_printed)
{
    hp_dataset *ds;
    HP_ASSERT_OK(hp_dataset_builtin(&ds));
    const hp_indicator *ind;
    HP_ASSERT_OK(hp_dataset_match_indicator(ds, "每千人口拥有执业(助理)医师数(人)", &ind));
    cr_assert(eq(str, (char *)hp_indicator_id(ind), "physicians_per_1000"));
    HP_ASSERT_OK(hp_dataset_match_indicator(ds, "每千常住人口执业（助理）医师数", &ind));
    cr_assert(eq(str, (char *)hp_indicator_id(ind), "physicians_per_1000"));
    HP_ASSERT_OK(hp_dataset_match_indicator(ds, "婴儿死亡率（‰）", &ind));
    cr_assert(eq(str, (char *)hp_indicator_id(ind), "infant_mortality"));
    cr_assert(eq(int, hp_dataset_match_indicator(ds, "婴儿死忙率", &ind), HP_ENOTFOUND));
    HP_ASSERT_MSG("did you mean infant_mortality");
    hp_dataset_free(ds);
}

Test(dataset, builtin_holds_the_seed_plans)
{
    hp_dataset *ds;
    HP_ASSERT_OK(hp_dataset_builtin(&ds));
    const hp_plan *p;
    HP_ASSERT_OK(hp_dataset_find_plan(ds, "yiyang-13fyp", &p));
    cr_assert(eq(sz, hp_plan_target_count(p), 10));
    cr_assert(eq(int, hp_plan_baseline_year(p), 2015));
    HP_ASSERT_OK(hp_dataset_find_plan(ds, "yiyang-14fyp", &p));
    cr_assert(eq(int, hp_plan_baseline_year(p), 2020));
    HP_ASSERT_OK(hp_dataset_find_plan(ds, "hengyang-2030", &p));
    cr_assert(eq(str, (char *)hp_region_code(hp_plan_region(p)), "430400"));
    /* the 13th-FYP table: row 9 is binding, ≥2.1 general practitioners per 10,000 */
    const hp_target *t;
    HP_ASSERT_OK(hp_dataset_find_target(ds, "yiyang-13fyp", "9", &t));
    cr_assert(eq(int, hp_target_nature(t), HP_NATURE_BINDING));
    cr_assert(eq(int, hp_target_rule(t)->kind, HP_RULE_GE));
    cr_assert(ieee_ulp_eq(dbl, hp_target_rule(t)->value, 2.1, 1));
    /* every target and observation carries its source */
    for (size_t i = 0; i < hp_dataset_target_count(ds); i++)
        cr_assert(strlen(hp_target_source(hp_dataset_target_at(ds, i))) > 0, "target %s/%s has no source",
                  hp_plan_id(hp_target_plan(hp_dataset_target_at(ds, i))),
                  hp_target_id(hp_dataset_target_at(ds, i)));
    for (size_t i = 0; i < hp_dataset_observation_count(ds); i++) {
        hp_observation o;
        HP_ASSERT_OK(hp_dataset_observation_at(ds, i, &o));
        cr_assert(strlen(o.source) > 0, "observation %s/%s/%d has no source", o.region,
                  o.indicator, o.year);
    }
    cr_assert(gt(sz, hp_dataset_observation_count(ds), 100));
    hp_dataset_free(ds);
}

Test(dataset, builtin_files_are_listed)
{
    cr_assert(eq(sz, hp_builtin_count(), 6));
    int found = 0;
    for (size_t i = 0; i < hp_builtin_count(); i++) {
        const char *data;
        size_t len;
        const char *name = hp_builtin_file(i, &data, &len);
        cr_assert(not(eq(ptr, (void *)name, NULL)));
        cr_assert(gt(sz, len, 100));
        cr_assert(eq(chr, data[0], '{'));
        if (!strcmp(name, "yiyang-13fyp.json"))
            found = 1;
    }
    cr_assert(found);
    cr_assert(eq(ptr, (void *)hp_builtin_file(hp_builtin_count(), NULL, NULL), NULL));
}

Test(dataset, free_accepts_null)
{
    hp_dataset_free(NULL);
    hp_rule_dispose(NULL);
    hp_free(NULL);
    cr_assert(eq(int, hp_dataset_new(NULL), HP_EINVAL));
}

Test(common, version_and_error_names)
{
    cr_assert(eq(int, hp_version_number(),
                 HP_VERSION_MAJOR * 10000 + HP_VERSION_MINOR * 100 + HP_VERSION_PATCH));
    cr_assert(eq(str, (char *)hp_version(), HP_VERSION_STRING));
    cr_assert(eq(str, (char *)hp_strerror(HP_ENOTFOUND), "HP_ENOTFOUND"));
    cr_assert(eq(str, (char *)hp_strerror(12345), "HP_UNKNOWN"));
    hp_error_clear();
    cr_assert(eq(int, hp_error_last()->code, HP_OK));
    cr_assert(eq(str, (char *)hp_error_last()->message, ""));
}
