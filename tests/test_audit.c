/* audit.h: the checks seed 000 and 004 call for, on the built-in data. */
#include <math.h>
#include <string.h>

#include "support.h"

#define CLOSE(a, b) cr_assert(epsilon_eq(dbl, (a), (b), 1e-9), "%s = %.17g, expected %.17g", #a, (double)(a), (double)(b))

static const hp_finding *find(const hp_audit_report *rep, hp_finding_kind kind, const char *region,
                              const char *indicator, int year)
{
    for (size_t i = 0; i < hp_audit_count(rep); i++) {
        const hp_finding *f = hp_audit_at(rep, i);
        if (f->kind == kind && f->region && !strcmp(hp_region_code(f->region), region) &&
            f->indicator && !strcmp(hp_indicator_id(f->indicator), indicator) && f->year == year)
            return f;
    }
    return NULL;
}

Test(audit, reported_ratios_add_up_from_their_parts)
{
    hp_dataset *ds;
    HP_ASSERT_OK(hp_dataset_builtin(&ds));
    hp_audit_report *rep;
    HP_ASSERT_OK(hp_audit(ds, NULL, &rep));
    /* beds 30117 (seed 000, 一、(一)2) over the 2020 census population 3,851,564 */
    const hp_finding *f = find(rep, HP_FINDING_RATIO, "430900", "beds_per_1000", 2020);
    cr_assert(not(eq(ptr, (void *)f, NULL)));
    CLOSE(f->computed, 30117.0 / 3851564.0 * 1000.0);
    CLOSE(f->reported, 7.82);
    cr_assert(eq(int, f->severity, HP_SEVERITY_INFO));
    cr_assert(strstr(f->message, "30117 / 3851564 × 1000 = 7.8194, which rounds to 7.82") != NULL, "%s",
              f->message);
    f = find(rep, HP_FINDING_RATIO, "430900", "physicians_per_1000", 2020);
    cr_assert(not(eq(ptr, (void *)f, NULL)));
    CLOSE(f->computed, 11100.0 / 3851564.0 * 1000.0); /* 2.8819 → 2.88 */
    cr_assert(eq(int, f->severity, HP_SEVERITY_INFO));
    f = find(rep, HP_FINDING_RATIO, "430900", "nurses_per_1000", 2020);
    cr_assert(not(eq(ptr, (void *)f, NULL)));
    CLOSE(f->computed, 13626.0 / 3851564.0 * 1000.0); /* 3.5378 → 3.54 */
    hp_audit_free(rep);
    hp_dataset_free(ds);
}

Test(audit, percent_printed_for_infant_mortality_is_flagged)
{
    hp_dataset *ds;
    HP_ASSERT_OK(hp_dataset_builtin(&ds));
    hp_audit_report *rep;
    HP_ASSERT_OK(hp_audit(ds, "yiyang-13fyp", &rep));
    const hp_finding *f = find(rep, HP_FINDING_UNIT, "430900", "infant_mortality", 2020);
    cr_assert(not(eq(ptr, (void *)f, NULL)));
    cr_assert(eq(int, f->severity, HP_SEVERITY_WARNING));
    cr_assert(strstr(f->message, "prints the unit of infant_mortality as \"%\", but it is measured in permille (‰)") != NULL,
              "%s", f->message);
    cr_assert(strstr(f->where, "000_a51199b982b88bfe.txt") != NULL);
    hp_audit_free(rep);
    hp_dataset_free(ds);
}

Test(audit, hengyang_physicians_text_and_table_disagree)
{
    hp_dataset *ds;
    HP_ASSERT_OK(hp_dataset_builtin(&ds));
    hp_audit_report *rep;
    HP_ASSERT_OK(hp_audit(ds, "hengyang-2030", &rep));
    const hp_finding *f = find(rep, HP_FINDING_CONFLICT, "430400", "physicians_per_1000", 2030);
    cr_assert(not(eq(ptr, (void *)f, NULL)));
    cr_assert(strstr(f->message, "\"≥3.2\"") != NULL, "%s", f->message);
    cr_assert(strstr(f->message, "3.1") != NULL, "%s", f->message);
    /* equal asks are no conflict: Yiyang's health literacy ≥25 in the table and in the text */
    hp_audit_report *rep14;
    HP_ASSERT_OK(hp_audit(ds, "yiyang-14fyp", &rep14));
    cr_assert(eq(ptr, (void *)find(rep14, HP_FINDING_CONFLICT, "430900", "health_literacy", 2025), NULL));
    hp_audit_free(rep14);
    hp_audit_free(rep);
    hp_dataset_free(ds);
}

Test(audit, implausible_values)
{
    hp_dataset *ds;
    HP_ASSERT_OK(hp_dataset_new(&ds));
    const char *j = "{\"format\": \"healthplan/1\", \"regions\": [{\"code\": \"CN\"}],"
                    "\"indicators\": [{\"id\": \"lit\", \"unit\": \"percent\", \"direction\": \"higher\"},"
                    "                 {\"id\": \"beds\", \"unit\": \"count\"}],"
                    "\"plans\": [{\"id\": \"p\", \"region\": \"CN\"}],"
                    "\"targets\": [{\"plan\": \"p\", \"id\": \"1\", \"indicator\": \"lit\", \"year\": 2025, \"rule\": {\"kind\": \"ge\", \"value\": 120}}],"
                    "\"observations\": [{\"region\": \"CN\", \"indicator\": \"lit\", \"year\": 2020, \"value\": 101.5},"
                    "                   {\"region\": \"CN\", \"indicator\": \"beds\", \"year\": 2020, \"value\": -3}]}";
    HP_ASSERT_OK(hp_dataset_load_json_buffer(ds, j, strlen(j), "x.json"));
    hp_audit_report *rep;
    HP_ASSERT_OK(hp_audit(ds, NULL, &rep));
    cr_assert(eq(sz, hp_audit_count(rep), 3));
    const hp_finding *f = find(rep, HP_FINDING_IMPLAUSIBLE, "CN", "lit", 2020);
    cr_assert(not(eq(ptr, (void *)f, NULL)));
    cr_assert(eq(int, f->severity, HP_SEVERITY_ERROR));
    cr_assert(strstr(f->message, "lit in CN 2020 is 101.5, outside what percent can be (too large)") != NULL, "%s", f->message);
    f = find(rep, HP_FINDING_IMPLAUSIBLE, "CN", "beds", 2020);
    cr_assert(strstr(f->message, "(negative)") != NULL);
    f = find(rep, HP_FINDING_IMPLAUSIBLE, "CN", "lit", 2025);
    cr_assert(strstr(f->message, "p/1 asks 120 of lit") != NULL, "%s", f->message);
    char *csv;
    HP_ASSERT_OK(hp_audit_write(rep, HP_RESULTS_CSV, &csv, NULL));
    cr_assert(strstr(csv, "severity,kind,region,indicator,year,reported,computed,message,where\nerror,implausible,") == csv, "%s", csv);
    hp_free(csv);
    hp_audit_free(rep);
    cr_assert(eq(int, hp_audit(ds, "q", &rep), HP_ENOTFOUND));
    HP_ASSERT_MSG("unknown plan \"q\"");
    hp_dataset_free(ds);
}
