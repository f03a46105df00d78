/**
 * @file compare.h
 * @brief Comparison: indicators × regions for one year, side by side, with each region's own
 *        target and status, and a rank by the indicator's direction.
 */
#ifndef HEALTHPLAN_COMPARE_H
#define HEALTHPLAN_COMPARE_H

#include "healthplan/evaluate.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Options of hp_compare(). Initialise with #HP_COMPARE_OPTIONS_INIT. */
typedef struct hp_compare_options {
    unsigned int version;              /**< #HP_COMPARE_OPTIONS_VERSION. */
    const char *const *regions;        /**< Region codes, in the order of the columns (required). */
    size_t nregions;                   /**< Number of regions (1–64). */
    const char *const *indicators;     /**< Indicator ids; NULL for every indicator that any of the regions observes or targets. */
    size_t nindicators;                /**< Number of indicators. */
    int year;                          /**< Values at or before this year; 0 for each region's latest. */
    hp_eval_options eval;              /**< How the regions' own targets are evaluated (as_of is set to @p year when that is nonzero). */
} hp_compare_options;

/** Current version of #hp_compare_options. */
#define HP_COMPARE_OPTIONS_VERSION 1
/** Default comparison options (regions still to be set). */
#define HP_COMPARE_OPTIONS_INIT {HP_COMPARE_OPTIONS_VERSION, NULL, 0, NULL, 0, 0, HP_EVAL_OPTIONS_INIT}

/** One indicator in one region. Doubles that do not apply are NaN. */
typedef struct hp_compare_cell {
    const hp_region *region;        /**< The region. */
    const hp_indicator *indicator;  /**< The indicator. */
    int year;                       /**< Year of the value; 0 when there is none. */
    double value;                   /**< The latest value at or before the year. */
    int rank;                       /**< 1 = best among the regions with a value (ties share a rank); 0 when there is no value or the indicator has no direction. */
    const hp_target *target;        /**< The region's own target: the first due at or after the year, else the latest due; NULL when none. */
    hp_status status;               /**< That target's status (meaningful when target is not NULL). */
    double target_value;            /**< That target as a number. */
    double gap;                     /**< Distance to it, positive while not met. */
} hp_compare_cell;

/** A comparison. Free with hp_comparison_free(). */
typedef struct hp_comparison hp_comparison;

/**
 * Compare regions.
 * @param ds the dataset (only read)
 * @param opts options; regions are required
 * @param[out] out the comparison, owned by the caller; it borrows from @p ds
 * @return #HP_OK; #HP_ENOTFOUND for an unknown region or indicator (nearest named);
 *         #HP_EINVAL (no regions, more than 64, bad version or year); #HP_ENOMEM
 */
HP_EXTERN int hp_compare(const hp_dataset *ds, const hp_compare_options *opts,
                         hp_comparison **out);

/** Free a comparison. NULL is a no-op. */
HP_EXTERN void hp_comparison_free(hp_comparison *cmp);
/** Number of regions (columns). */
HP_EXTERN size_t hp_comparison_region_count(const hp_comparison *cmp);
/** Number of indicators (rows). */
HP_EXTERN size_t hp_comparison_indicator_count(const hp_comparison *cmp);
/** The @p i-th region, or NULL. */
HP_EXTERN const hp_region *hp_comparison_region(const hp_comparison *cmp, size_t i);
/** The @p i-th indicator, or NULL. */
HP_EXTERN const hp_indicator *hp_comparison_indicator(const hp_comparison *cmp, size_t i);
/** The cell of indicator @p row and region @p col, or NULL when out of range. */
HP_EXTERN const hp_compare_cell *hp_comparison_cell(const hp_comparison *cmp, size_t row,
                                                   size_t col);

/**
 * Write the comparison as CSV (one line per indicator and region: indicator, region, year,
 * value, rank, target, target_value, status, gap) or as a JSON array of the same objects.
 * @param cmp the comparison
 * @param format #HP_RESULTS_CSV or #HP_RESULTS_JSON
 * @param[out] out NUL-terminated text, free with hp_free()
 * @param[out] len its length; may be NULL
 * @return #HP_OK, #HP_EINVAL or #HP_ENOMEM
 */
HP_EXTERN int hp_comparison_write(const hp_comparison *cmp, hp_results_format format, char **out,
                                  size_t *len);

#ifdef __cplusplus
}
#endif

#endif
