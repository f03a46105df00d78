/* Shared by the fuzz targets (tests/fuzz/fuzz_*.c): checks that abort with a message, so a
 * broken property is a crash libFuzzer keeps, and helpers that exercise a loaded dataset.
 *
 * Each target defines LLVMFuzzerTestOneInput(). Built with -DHP_FUZZ=ON (clang), it is linked
 * with libFuzzer; in the normal build the same file is linked with replay.c, which feeds it
 * every file named on the command line (the seed corpus and the regressions). */
#ifndef HP_FUZZ_COMMON_H
#define HP_FUZZ_COMMON_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "healthplan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond, ...)                                                                 \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            fprintf(stderr, "\nfuzz property broken at %s:%d: %s\n  ", __FILE__, __LINE__,    \
                    #cond);                                                                   \
            fprintf(stderr, __VA_ARGS__);                                                     \
            fprintf(stderr, "\n  last error: %s (%s:%d:%d)\n", hp_error_last()->message,      \
                    hp_error_last()->file, hp_error_last()->line, hp_error_last()->column);   \
            abort();                                                                          \
        }                                                                                     \
    } while (0)

/* A failing call returns one of the documented codes and leaves a message. */
static inline void fuzz_check_error(int rc, const char *what)
{
    FUZZ_CHECK(rc >= HP_ERANGE && rc <= HP_ERROR, "%s returned %d", what, rc);
    FUZZ_CHECK(rc != HP_ENOMEM && rc != HP_EINVAL, "%s returned %s", what, hp_strerror(rc));
    const hp_error *e = hp_error_last();
    FUZZ_CHECK(e->code == rc, "%s returned %d but the error record says %d", what, rc, e->code);
    FUZZ_CHECK(e->message && e->message[0], "%s failed without a message", what);
    FUZZ_CHECK(e->line >= 0 && e->column >= 0, "%s: negative position %d:%d", what, e->line,
               e->column);
}

/* The text is one well-formed JSON document. */
static inline void fuzz_check_json_text(const char *text, const char *what)
{
    cJSON *j = cJSON_Parse(text);
    FUZZ_CHECK(j != NULL, "%s wrote text that is not JSON: %.200s", what, text);
    cJSON_Delete(j);
}

typedef struct fuzz_counts {
    size_t regions, indicators, plans, targets, observations, plan_targets;
} fuzz_counts;

static inline fuzz_counts fuzz_counts_of(const hp_dataset *ds)
{
    fuzz_counts c = {hp_dataset_region_count(ds), hp_dataset_indicator_count(ds),
                     hp_dataset_plan_count(ds), hp_dataset_target_count(ds),
                     hp_dataset_observation_count(ds), 0};
    for (size_t i = 0; i < c.plans; i++)
        c.plan_targets += hp_plan_target_count(hp_dataset_plan_at(ds, i));
    return c;
}

static inline int fuzz_counts_equal(fuzz_counts a, fuzz_counts b)
{
    return a.regions == b.regions && a.indicators == b.indicators && a.plans == b.plans &&
           a.targets == b.targets && a.observations == b.observations &&
           a.plan_targets == b.plan_targets;
}

static inline char *fuzz_dump(const hp_dataset *ds)
{
    char *out = NULL;
    int rc = hp_dataset_save_json_buffer(ds, &out, NULL);
    FUZZ_CHECK(rc == HP_OK, "hp_dataset_save_json_buffer returned %d", rc);
    return out;
}

/* Evaluate, compare and audit a dataset that loaded, and check every writer gives valid text. */
static inline void fuzz_exercise(const hp_dataset *ds)
{
    hp_results *res = NULL;
    int rc = hp_evaluate(ds, NULL, &res);
    FUZZ_CHECK(rc == HP_OK, "hp_evaluate returned %d", rc);
    FUZZ_CHECK(hp_results_count(res) == hp_dataset_target_count(ds), "%zu results for %zu targets",
               hp_results_count(res), hp_dataset_target_count(ds));
    char *text = NULL;
    for (size_t i = 0; i < hp_results_count(res); i++) {
        const hp_result *r = hp_results_at(res, i);
        FUZZ_CHECK((unsigned)r->status < HP_STATUS_COUNT, "status %d", (int)r->status);
        /* evaluate.h: a double that does not apply is NaN; one that applies is a number */
        const double d[] = {r->baseline, r->target_value, r->latest, r->gap, r->progress,
                            r->required_rate, r->actual_rate, r->ratio};
        for (size_t k = 0; k < sizeof d / sizeof d[0]; k++)
            FUZZ_CHECK(isnan(d[k]) || isfinite(d[k]), "result %zu (target %s): field %zu is %g",
                       i, hp_target_id(r->target), k, d[k]);
        FUZZ_CHECK(r->status != HP_STATUS_ACHIEVED || r->met, "result %zu achieved but not met", i);
        FUZZ_CHECK(r->status != HP_STATUS_NOT_ACHIEVED || !r->met, "result %zu met but not achieved",
                   i);
        char reason[512];
        FUZZ_CHECK(hp_results_reason(res, i, reason, sizeof reason) >= 0, "no reason for %zu", i);
    }
    FUZZ_CHECK(hp_results_write(res, HP_RESULTS_JSON, &text, NULL) == HP_OK, "results JSON");
    fuzz_check_json_text(text, "hp_results_write");
    hp_free(text);
    FUZZ_CHECK(hp_results_write(res, HP_RESULTS_CSV, &text, NULL) == HP_OK, "results CSV");
    hp_free(text);
    hp_results_free(res);

    hp_audit_report *rep = NULL;
    FUZZ_CHECK(hp_audit(ds, NULL, &rep) == HP_OK, "hp_audit");
    FUZZ_CHECK(hp_audit_write(rep, HP_RESULTS_JSON, &text, NULL) == HP_OK, "audit JSON");
    fuzz_check_json_text(text, "hp_audit_write");
    hp_free(text);
    hp_audit_free(rep);

    /* the first (up to) four regions side by side */
    size_t nr = hp_dataset_region_count(ds);
    if (nr) {
        const char *codes[4];
        size_t n = nr < 4 ? nr : 4;
        for (size_t i = 0; i < n; i++)
            codes[i] = hp_region_code(hp_dataset_region_at(ds, nr - 1 - i));
        hp_compare_options co = HP_COMPARE_OPTIONS_INIT;
        co.regions = codes;
        co.nregions = n;
        hp_comparison *cmp = NULL;
        rc = hp_compare(ds, &co, &cmp);
        FUZZ_CHECK(rc == HP_OK, "hp_compare returned %d", rc);
        FUZZ_CHECK(hp_comparison_write(cmp, HP_RESULTS_JSON, &text, NULL) == HP_OK, "compare JSON");
        fuzz_check_json_text(text, "hp_comparison_write");
        hp_free(text);
        hp_comparison_free(cmp);
    }
}

#endif
