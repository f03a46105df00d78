/* observation.h: adding observations through the API and looking them up. */
#include <math.h>
#include <string.h>

#include "support.h"

static hp_dataset *yiyang(void)
{
    hp_dataset *ds;
    HP_ASSERT_OK(hp_dataset_new(&ds));
    hp_region_info r = {"430900", "益阳市", "Yiyang", NULL, HP_LEVEL_PREFECTURE};
    HP_ASSERT_OK(hp_dataset_add_region(ds, &r));
    hp_indicator_info i = {0};
    i.id = "child_myopia_rate";
    i.unit = "percent";
    i.direction = HP_DIRECTION_LOWER;
    HP_ASSERT_OK(hp_dataset_add_indicator(ds, &i));
    return ds;
}

Test(observation, series_in_bulk_and_lookups)
{
    hp_dataset *ds = yiyang();
    /* myopia 46.1 in 2020 (seed 000, 具体指标目标表 row 17) and made-up later years */
    int years[] = {2022, 2020, 2021};
    double values[] = {45.0, 46.1, 45.6};
    HP_ASSERT_OK(hp_dataset_add_series(ds, "430900", "child_myopia_rate", years, values, 3, "test"));
    cr_assert(eq(sz, hp_dataset_observation_count(ds), 3));
    hp_observation o;
    HP_ASSERT_OK(hp_dataset_observation(ds, "430900", "child_myopia_rate", 2020, &o));
    cr_assert(ieee_ulp_eq(dbl, o.value, 46.1, 1));
    HP_ASSERT_OK(hp_dataset_latest_observation(ds, "430900", "child_myopia_rate", 2030, &o));
    cr_assert(eq(int, o.year, 2022));
    cr_assert(eq(int, hp_dataset_latest_observation(ds, "430900", "child_myopia_rate", 2019, &o),
                 HP_ENOTFOUND));
    HP_ASSERT_MSG("no observation of child_myopia_rate in 430900 at or before 2019");
    /* storage order is by year */
    HP_ASSERT_OK(hp_dataset_observation_at(ds, 0, &o));
    cr_assert(eq(int, o.year, 2020));
    HP_ASSERT_OK(hp_dataset_observation_at(ds, 2, &o));
    cr_assert(eq(int, o.year, 2022));
    cr_assert(eq(int, hp_dataset_observation_at(ds, 3, &o), HP_ENOTFOUND));
    hp_dataset_free(ds);
}

Test(observation, qualitative_verdicts)
{
    hp_dataset *ds = yiyang();
    hp_observation o = {"430900", "child_myopia_rate", 2020, NAN, HP_VERDICT_MET, HP_OBS_FINAL,
                        "test", "优于目标值", "the background text gives the number"};
    HP_ASSERT_OK(hp_dataset_add_observations(ds, &o, 1));
    hp_observation back;
    HP_ASSERT_OK(hp_dataset_observation(ds, "430900", "child_myopia_rate", 2020, &back));
    cr_assert(eq(int, back.verdict, HP_VERDICT_MET));
    cr_assert(eq(str, (char *)back.as_printed, "优于目标值"));
    cr_assert(eq(str, (char *)back.note, "the background text gives the number"));
    /* the note survives a save and a load */
    char *json = hpt_dump(ds);
    hp_dataset *again;
    HP_ASSERT_OK(hp_dataset_new(&again));
    HP_ASSERT_OK(hp_dataset_load_json_buffer(again, json, strlen(json), "saved.json"));
    HP_ASSERT_OK(hp_dataset_observation(again, "430900", "child_myopia_rate", 2020, &back));
    cr_assert(eq(str, (char *)back.note, "the background text gives the number"));
    hp_free(json);
    hp_dataset_free(again);
    /* a verdict is not a number: the latest numeric value skips it */
    cr_assert(eq(int, hp_dataset_latest_observation(ds, "430900", "child_myopia_rate", 2020, &back),
                 HP_ENOTFOUND));
    hp_dataset_free(ds);
}

Test(observation, bad_input_changes_nothing)
{
    hp_dataset *ds = yiyang();
    int y1[] = {2020};
    double v1[] = {46.1};
    HP_ASSERT_OK(hp_dataset_add_series(ds, "430900", "child_myopia_rate", y1, v1, 1, NULL));
    hp_observation obs[2] = {
        {"430900", "child_myopia_rate", 2021, 45.5, HP_VERDICT_NONE, HP_OBS_FINAL, NULL, NULL, NULL},
        {"430900", "child_myopia_rate", 2020, 47.0, HP_VERDICT_NONE, HP_OBS_FINAL, NULL, NULL, NULL}};
    cr_assert(eq(int, hp_dataset_add_observations(ds, obs, 2), HP_EEXISTS));
    HP_ASSERT_MSG("is 47 here but 46.1 was already loaded");
    cr_assert(eq(sz, hp_dataset_observation_count(ds), 1));
    obs[1].year = 2022;
    obs[1].value = INFINITY;
    cr_assert(eq(int, hp_dataset_add_observations(ds, obs, 2), HP_ERANGE));
    HP_ASSERT_MSG("not finite");
    obs[1].value = NAN;
    cr_assert(eq(int, hp_dataset_add_observations(ds, obs, 2), HP_EINVAL));
    HP_ASSERT_MSG("has no value");
    obs[1].region = "430901";
    obs[1].value = 1;
    cr_assert(eq(int, hp_dataset_add_observations(ds, obs, 2), HP_ENOTFOUND));
    HP_ASSERT_MSG("did you mean \"430900\"");
    obs[1].region = "430900";
    obs[1].year = 1948;
    cr_assert(eq(int, hp_dataset_add_observations(ds, obs, 2), HP_ERANGE));
    HP_ASSERT_MSG("year 1948 is outside 1949–2100");
    cr_assert(eq(sz, hp_dataset_observation_count(ds), 1));
    hp_dataset_free(ds);
}

Test(observation, merging_keeps_series_sorted)
{
    hp_dataset *ds = yiyang();
    hp_region_info r2 = {"430400", "衡阳市", "Hengyang", NULL, HP_LEVEL_PREFECTURE};
    HP_ASSERT_OK(hp_dataset_add_region(ds, &r2));
    int ya[] = {2019, 2023};
    double va[] = {50, 48};
    int yb[] = {2021, 2015};
    double vb[] = {49, 52};
    HP_ASSERT_OK(hp_dataset_add_series(ds, "430400", "child_myopia_rate", ya, va, 2, NULL));
    HP_ASSERT_OK(hp_dataset_add_series(ds, "430900", "child_myopia_rate", ya, va, 2, NULL));
    HP_ASSERT_OK(hp_dataset_add_series(ds, "430400", "child_myopia_rate", yb, vb, 2, NULL));
    int expect[] = {2015, 2019, 2021, 2023};
    hp_observation o;
    for (int i = 0; i < 4; i++) {
        HP_ASSERT_OK(hp_dataset_latest_observation(ds, "430400", "child_myopia_rate", expect[i], &o));
        cr_assert(eq(int, o.year, expect[i]));
    }
    HP_ASSERT_OK(hp_dataset_latest_observation(ds, "430400", "child_myopia_rate", 2020, &o));
    cr_assert(ieee_ulp_eq(dbl, o.value, 50, 1));
    cr_assert(eq(sz, hp_dataset_observation_count(ds), 6));
    hp_dataset_free(ds);
}

Test(observation, names_of_statuses)
{
    cr_assert(eq(str, (char *)hp_obs_status_name(HP_OBS_ESTIMATED), "estimated"));
    cr_assert(eq(str, (char *)hp_verdict_name(HP_VERDICT_NOT_MET), "not_met"));
    cr_assert(eq(str, (char *)hp_level_name(HP_LEVEL_COUNTY), "county"));
    cr_assert(eq(str, (char *)hp_direction_name(HP_DIRECTION_LOWER), "lower"));
    cr_assert(eq(str, (char *)hp_nature_name(HP_NATURE_BINDING), "binding"));
}
