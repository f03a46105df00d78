/* compare.h: Yiyang and Hengyang side by side, against Hunan and China. */
#include <math.h>
#include <string.h>

#include "support.h"

#define CLOSE(a, b) cr_assert(epsilon_eq(dbl, (a), (b), 1e-9), "%s = %.17g, expected %.17g", #a, (double)(a), (double)(b))

static size_t row_of(const hp_comparison *c, const char *id)
{
    for (size_t i = 0; i < hp_comparison_indicator_count(c); i++)
        if (!strcmp(hp_indicator_id(hp_comparison_indicator(c, i)), id))
            return i;
    cr_fatal("indicator %s is not compared", id);
    return 0;
}

Test(compare, cities_against_province_and_country)
{
    hp_dataset *ds;
    HP_ASSERT_OK(hp_dataset_builtin(&ds));
    const char *regions[] = {"430900", "430400", "430000", "CN"};
    hp_compare_options o = HP_COMPARE_OPTIONS_INIT;
    o.regions = regions;
    o.nregions = 4;
    o.year = 2020;
    hp_comparison *c;
    HP_ASSERT_OK(hp_compare(ds, &o, &c));
    cr_assert(eq(sz, hp_comparison_region_count(c), 4));
    cr_assert(eq(str, (char *)hp_region_code(hp_comparison_region(c, 1)), "430400"));
    /* infant mortality in 2020: Yiyang 2.82‰ (seed 000), China 5.4‰ (reference): Yiyang ranks first */
    size_t im = row_of(c, "infant_mortality");
    const hp_compare_cell *y = hp_comparison_cell(c, im, 0), *cn = hp_comparison_cell(c, im, 3);
    CLOSE(y->value, 2.82);
    cr_assert(eq(int, y->year, 2020));
    cr_assert(eq(int, y->rank, 1));
    CLOSE(cn->value, 5.4);
    cr_assert(eq(int, cn->rank, 2));
    /* Yiyang's own 2020 target: the 13th-FYP ≤6.5, achieved */
    cr_assert(not(eq(ptr, (void *)y->target, NULL)));
    cr_assert(eq(str, (char *)hp_plan_id(hp_target_plan(y->target)), "yiyang-13fyp"));
    cr_assert(eq(int, y->status, HP_STATUS_ACHIEVED));
    CLOSE(y->target_value, 6.5);
    /* Hengyang has no infant mortality figure in the seeds */
    const hp_compare_cell *h = hp_comparison_cell(c, im, 1);
    cr_assert(eq(int, h->year, 0));
    cr_assert(isnan(h->value));
    cr_assert(eq(int, h->rank, 0));
    cr_assert(eq(ptr, (void *)hp_comparison_cell(c, im, 4), NULL));

    char *csv;
    HP_ASSERT_OK(hp_comparison_write(c, HP_RESULTS_CSV, &csv, NULL));
    cr_assert(strstr(csv, "indicator,region,year,value,rank,plan,target,target_year,target_value,status,gap\n") == csv);
    cr_assert(strstr(csv, "infant_mortality,430900,2020,2.82,1,yiyang-13fyp,3,2020,6.5,achieved,") != NULL, "%s", csv);
    hp_free(csv);
    hp_comparison_free(c);
    hp_dataset_free(ds);
}

Test(compare, chosen_indicators_and_errors)
{
    hp_dataset *ds;
    HP_ASSERT_OK(hp_dataset_builtin(&ds));
    const char *regions[] = {"430900", "430400"};
    const char *inds[] = {"beds_per_1000"};
    hp_compare_options o = HP_COMPARE_OPTIONS_INIT;
    o.regions = regions;
    o.nregions = 2;
    o.indicators = inds;
    o.nindicators = 1;
    hp_comparison *c;
    HP_ASSERT_OK(hp_compare(ds, &o, &c));
    cr_assert(eq(sz, hp_comparison_indicator_count(c), 1));
    CLOSE(hp_comparison_cell(c, 0, 0)->value, 7.82);
    hp_comparison_free(c);

    const char *bad[] = {"430900", "43040"};
    o.regions = bad;
    cr_assert(eq(int, hp_compare(ds, &o, &c), HP_ENOTFOUND));
    HP_ASSERT_MSG("did you mean \"430400\"");
    o.regions = regions;
    o.nregions = 0;
    cr_assert(eq(int, hp_compare(ds, &o, &c), HP_EINVAL));
    HP_ASSERT_MSG("at least one region");
    o.nregions = 2;
    const char *badind[] = {"beds_per_100"};
    o.indicators = badind;
    cr_assert(eq(int, hp_compare(ds, &o, &c), HP_ENOTFOUND));
    HP_ASSERT_MSG("did you mean \"beds_per_1000\"");
    hp_dataset_free(ds);
}
