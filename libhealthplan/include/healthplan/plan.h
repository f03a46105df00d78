/**
 * @file plan.h
 * @brief Plans: a region's published plan (a five-year plan, a Healthy China opinion).
 */
#ifndef HEALTHPLAN_PLAN_H
#define HEALTHPLAN_PLAN_H

#include "healthplan/region.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A plan. Owned by its dataset; valid until the dataset is freed. */
typedef struct hp_plan hp_plan;

/** What hp_dataset_add_plan() copies into the dataset. Strings are copied. */
typedef struct hp_plan_info {
    const char *id;       /**< Required: ASCII slug, e.g. "yiyang-14fyp". */
    const char *title;    /**< Title as published; may be NULL. */
    const char *region;   /**< Required: code of the plan's region (already in the dataset). */
    int start;            /**< First year the plan covers (0 when not stated). */
    int end;              /**< Last year (0 when not stated). */
    int baseline_year;    /**< Year progress is measured from (0 when not stated). */
    const char *source;   /**< Where the plan comes from; may be NULL. */
} hp_plan_info;

/**
 * Add a plan.
 * @return #HP_OK (also when identical); #HP_EEXISTS; #HP_ENOTFOUND for an unknown region;
 *         #HP_EINVAL for a malformed id; #HP_ERANGE for a year outside 1949–2100 or start > end;
 *         #HP_ENOMEM. On failure @p ds is unchanged.
 */
HP_EXTERN int hp_dataset_add_plan(hp_dataset *ds, const hp_plan_info *info);

/**
 * Find a plan by id.
 * @return #HP_OK, #HP_ENOTFOUND (the message names the nearest id) or #HP_EINVAL
 */
HP_EXTERN int hp_dataset_find_plan(const hp_dataset *ds, const char *id, const hp_plan **out);

/** The @p i-th plan in order of addition, or NULL when out of range. */
HP_EXTERN const hp_plan *hp_dataset_plan_at(const hp_dataset *ds, size_t i);

/** The id. */
HP_EXTERN const char *hp_plan_id(const hp_plan *p);
/** The title, "" when not given. */
HP_EXTERN const char *hp_plan_title(const hp_plan *p);
/** The plan's region. */
HP_EXTERN const hp_region *hp_plan_region(const hp_plan *p);
/** First year covered, 0 when not stated. */
HP_EXTERN int hp_plan_start(const hp_plan *p);
/** Last year covered, 0 when not stated. */
HP_EXTERN int hp_plan_end(const hp_plan *p);
/** Baseline year, 0 when not stated. */
HP_EXTERN int hp_plan_baseline_year(const hp_plan *p);
/** The source, "" when not given. */
HP_EXTERN const char *hp_plan_source(const hp_plan *p);
/** Number of targets of the plan. */
HP_EXTERN size_t hp_plan_target_count(const hp_plan *p);

#ifdef __cplusplus
}
#endif

#endif
