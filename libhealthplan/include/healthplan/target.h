/**
 * @file target.h
 * @brief Targets: what a plan asks of one indicator in one region and year.
 */
#ifndef HEALTHPLAN_TARGET_H
#define HEALTHPLAN_TARGET_H

#include "healthplan/indicator.h"
#include "healthplan/plan.h"
#include "healthplan/rule.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A plan's target. Owned by its dataset; valid until the dataset is freed. */
typedef struct hp_target hp_target;

/** Nature of a target as the plan prints it. */
typedef enum hp_nature {
    HP_NATURE_UNSPECIFIED = 0, /**< Not stated. */
    HP_NATURE_BINDING,         /**< 约束性 (binding). */
    HP_NATURE_EXPECTED         /**< 预期性 (expected, indicative). */
} hp_nature;

/** What hp_dataset_add_target() copies into the dataset. Strings and the rule are copied. */
typedef struct hp_target_info {
    const char *plan;            /**< Required: id of the plan (already in the dataset). */
    const char *id;              /**< Required: id within the plan ("3", "11a", "1-2030", "t01"). */
    const char *indicator;       /**< Required: indicator id. */
    const char *region;          /**< Region code; NULL for the plan's region. */
    int year;                    /**< Required: year the target is due (1949–2100). */
    const hp_rule *rule;         /**< Required: what the target asks. */
    hp_nature nature;            /**< Binding, expected or unspecified. */
    const char *as_printed;      /**< The plan's own words ("≤6.5"); may be NULL. */
    const char *source;          /**< Seed file + section + row or sentence; may be NULL. */
    const char *unit_as_printed; /**< The unit as the plan prints it, when it differs from the indicator's; may be NULL. */
    const char *note;            /**< Free text; may be NULL. */
    const char *lead;            /**< Lead department (责任部门, first named); may be NULL. */
    const char *const *partners; /**< Partner departments; may be NULL. */
    size_t npartners;            /**< Number of partner departments. */
} hp_target_info;

/**
 * Add a target. A same_ratio rule without an indicator is an error; expr rules are checked
 * (their identifiers must be indicator ids of the dataset).
 * @return #HP_OK (also when identical); #HP_EEXISTS for the same plan and id with other
 *         content; #HP_ENOTFOUND for an unknown plan, indicator or region (the message names
 *         the nearest); #HP_EVALIDATE for missing fields or a malformed id; #HP_EINVAL for
 *         NULL arguments; #HP_ERANGE for a year outside 1949–2100;
 *         #HP_EPARSE for an unreadable expression; #HP_ENOMEM. On failure @p ds is unchanged.
 */
HP_EXTERN int hp_dataset_add_target(hp_dataset *ds, const hp_target_info *info);

/**
 * Find a target by plan and target id.
 *
 * @param ds       dataset to search (not NULL)
 * @param plan_id  plan id, e.g. "yiyang-14fyp"
 * @param id       target id within the plan
 * @param[out] out the target; borrowed from @p ds
 * @return HP_OK, HP_ENOTFOUND (hp_error_last() names the nearest id), or HP_EINVAL
 */
HP_EXTERN int hp_dataset_find_target(const hp_dataset *ds, const char *plan_id, const char *id,
                                     const hp_target **out);

/** The @p i-th target in order of addition, or NULL when out of range. */
HP_EXTERN const hp_target *hp_dataset_target_at(const hp_dataset *ds, size_t i);

/** The target's id within its plan. */
HP_EXTERN const char *hp_target_id(const hp_target *t);
/** The plan. */
HP_EXTERN const hp_plan *hp_target_plan(const hp_target *t);
/** The indicator. */
HP_EXTERN const hp_indicator *hp_target_indicator(const hp_target *t);
/** The region (the plan's region unless the target names another). */
HP_EXTERN const hp_region *hp_target_region(const hp_target *t);
/** The year the target is due. */
HP_EXTERN int hp_target_year(const hp_target *t);
/** The rule, borrowed from the dataset (never dispose it). */
HP_EXTERN const hp_rule *hp_target_rule(const hp_target *t);
/** The nature. */
HP_EXTERN hp_nature hp_target_nature(const hp_target *t);
/** The plan's own words, "" when not given. */
HP_EXTERN const char *hp_target_as_printed(const hp_target *t);
/** The source, "" when not given. */
HP_EXTERN const char *hp_target_source(const hp_target *t);
/** The unit as printed, "" when not given. */
HP_EXTERN const char *hp_target_unit_as_printed(const hp_target *t);
/** The note, "" when not given. */
HP_EXTERN const char *hp_target_note(const hp_target *t);
/** The lead department, "" when not given. */
HP_EXTERN const char *hp_target_lead(const hp_target *t);
/** Number of partner departments. */
HP_EXTERN size_t hp_target_partner_count(const hp_target *t);
/** The @p i-th partner department, or NULL when out of range. */
HP_EXTERN const char *hp_target_partner(const hp_target *t, size_t i);
/** The name of @p n ("binding", "expected", "unspecified"). */
HP_EXTERN const char *hp_nature_name(hp_nature n);

#ifdef __cplusplus
}
#endif

#endif
