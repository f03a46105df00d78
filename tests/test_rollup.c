/* rollup.h: county figures summed to cities, cities to provinces; ratios from rolled-up parts. */
#include <math.h>
#include <string.h>

#include "support.h"

static const char *TREE =
    "{\"format\": \"healthplan/1\","
    " \"regions\": [{\"code\": \"CN\", \"level\": \"country\"},"
    "   {\"code\": \"P\", \"parent\": \"CN\", \"level\": \"province\"},"
    "   {\"code\": \"C1\", \"parent\": \"P\", \"level\": \"prefecture\"},"
    "   {\"code\": \"C2\", \"parent\": \"P\", \"level\": \"prefecture\"},"
    "   {\"code\": \"K1\", \"parent\": \"C1\", \"level\": \"county\"},"
    "   {\"code\": \"K2\", \"parent\": \"C1\", \"level\": \"county\"},"
    "   {\"code\": \"K3\", \"parent\": \"C2\", \"level\": \"county\"}],"
    " \"indicators\": [{\"id\": \"beds\", \"unit\": \"count\", \"additive\": true},"
    "   {\"id\": \"population\", \"unit\": \"persons\", \"additive\": true},"
    "   {\"id\": \"beds_per_1000\", \"unit\": \"per_1000\", \"direction\": \"higher\","
    "    \"ratio\": {\"numerator\": \"beds\", \"denominator\": \"population\", \"scale\": 1000}}],"
    " \"observations\": ["
    "   {\"region\": \"K1\", \"indicator\": \"beds\", \"year\": 2020, \"value\": 100},"
    "   {\"region\": \"K1\", \"indicator\": \"population\", \"year\": 2020, \"value\": 10000},"
    "   {\"region\": \"K2\", \"indicator\": \"beds\", \"year\": 2020, \"value\": 50},"
    "   {\"region\": \"K2\", \"indicator\": \"population\", \"year\": 2020, \"value\": 40000},"
    "   {\"region\": \"K3\", \"indicator\": \"beds\", \"year\": 2020, \"value\": 30},"
    "   {\"region\": \"K1\", \"indicator\": \"beds\", \"year\": 2021, \"value\": 110},"
    "   {\"region\": \"C2\", \"indicator\": \"beds\", \"year\": 2021, \"value\": 33}]}";

static double value(const hp_dataset *ds, const char *region, const char *ind, int year,
                    hp_observation *o)
{
    HP_ASSERT_OK(hp_dataset_observation(ds, region, ind, year, o));
    return o->value;
}

Test(rollup, counties_to_cities_to_province_and_ratios)
{
    hp_dataset *ds;
    HP_ASSERT_OK(hp_dataset_new(&ds));
    HP_ASSERT_OK(hp_dataset_load_json_buffer(ds, TREE, strlen(TREE), "tree.json"));
    size_t added;
    hp_observation o_k;
    HP_ASSERT_OK(hp_dataset_rollup(ds, &added));
    /* C1 beds 150, C1 population 50000, C1 beds per 1000 = 150 / 50000 × 1000 = 3,
     * C2 beds 30, P beds 180, CN beds 180, and the counties' own ratios from their observed
     * parts: K1 100 / 10000 × 1000 = 10, K2 50 / 40000 × 1000 = 1.25 */
    cr_assert(eq(sz, added, 8));
    cr_assert(ieee_ulp_eq(dbl, value(ds, "K1", "beds_per_1000", 2020, &o_k), 10, 1));
    cr_assert(ieee_ulp_eq(dbl, value(ds, "K2", "beds_per_1000", 2020, &o_k), 1.25, 1));
    hp_observation o;
    cr_assert(ieee_ulp_eq(dbl, value(ds, "C1", "beds", 2020, &o), 150, 1));
    cr_assert(eq(int, o.status, HP_OBS_DERIVED));
    cr_assert(eq(str, (char *)o.source, "rollup: sum of 2 counties"));
    cr_assert(ieee_ulp_eq(dbl, value(ds, "C1", "population", 2020, &o), 50000, 1));
    cr_assert(ieee_ulp_eq(dbl, value(ds, "C1", "beds_per_1000", 2020, &o), 3.0, 1));
    cr_assert(eq(str, (char *)o.source, "rollup: beds / population × 1000"));
    cr_assert(ieee_ulp_eq(dbl, value(ds, "P", "beds", 2020, &o), 180, 1));
    cr_assert(eq(str, (char *)o.source, "rollup: sum of 2 cities"));
    cr_assert(ieee_ulp_eq(dbl, value(ds, "CN", "beds", 2020, &o), 180, 1));
    cr_assert(eq(str, (char *)o.source, "rollup: sum of 1 province"));
    /* not every child known: no sum (K2 has no 2021 beds; C2 has no population) */
    cr_assert(eq(int, hp_dataset_observation(ds, "C1", "beds", 2021, &o), HP_ENOTFOUND));
    cr_assert(eq(int, hp_dataset_observation(ds, "P", "population", 2020, &o), HP_ENOTFOUND));
    /* an observed figure is never replaced */
    cr_assert(ieee_ulp_eq(dbl, value(ds, "C2", "beds", 2021, &o), 33, 1));
    cr_assert(not(eq(int, o.status, HP_OBS_DERIVED)));
    /* a second rollup finds nothing more to add */
    HP_ASSERT_OK(hp_dataset_rollup(ds, &added));
    cr_assert(eq(sz, added, 0));
    hp_dataset_free(ds);
}

Test(rollup, builtin_data_has_no_complete_county_set)
{
    /* Yiyang's six counties: census populations for five of them only (reference.json), so
     * no city total is derived and nothing is invented */
    hp_dataset *ds;
    HP_ASSERT_OK(hp_dataset_builtin(&ds));
    size_t before = hp_dataset_observation_count(ds), added = 99;
    HP_ASSERT_OK(hp_dataset_rollup(ds, &added));
    cr_assert(eq(sz, hp_dataset_observation_count(ds), before + added));
    hp_observation o;
    HP_ASSERT_OK(hp_dataset_observation(ds, "430900", "population", 2020, &o));
    cr_assert(ieee_ulp_eq(dbl, o.value, 3851564, 1));
    cr_assert(not(eq(int, o.status, HP_OBS_DERIVED)));
    cr_assert(eq(int, hp_dataset_rollup(NULL, &added), HP_EINVAL));
    HP_ASSERT_MSG("ds is NULL");
    hp_dataset_free(ds);
}
