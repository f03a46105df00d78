/**
 * @file observation.h
 * @brief Observations: the measured value of an indicator in a region and year.
 *
 * Observations are stored column by column, sorted by region, indicator and year, with an
 * index by (region, indicator): looking up a year or the latest year at or before a year is a
 * hash probe and a binary search.
 */
#ifndef HEALTHPLAN_OBSERVATION_H
#define HEALTHPLAN_OBSERVATION_H

#include "healthplan/indicator.h"
#include "healthplan/region.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Status of an observation (SDMX OBS_STATUS). */
typedef enum hp_obs_status {
    HP_OBS_FINAL = 0,     /**< Normal value (SDMX "A"). */
    HP_OBS_PROVISIONAL,   /**< Provisional (SDMX "P"). */
    HP_OBS_ESTIMATED,     /**< Estimated, or weakly sourced (SDMX "E"). */
    HP_OBS_MISSING,       /**< A known gap: no value (SDMX "M"). */
    HP_OBS_DERIVED        /**< Computed from other observations (rollup, ratio). */
} hp_obs_status;

/** Qualitative verdict of an observation that carries no number. */
typedef enum hp_verdict {
    HP_VERDICT_NONE = 0,  /**< The observation is a number. */
    HP_VERDICT_MET,       /**< "met": the plan reports the target met (优于目标值, 控制在目标以内). */
    HP_VERDICT_NOT_MET    /**< "not_met". */
} hp_verdict;

/**
 * One observation, as a value. On input (hp_dataset_add_observations()) strings are copied;
 * on output they are borrowed from the dataset.
 */
typedef struct hp_observation {
    const char *region;      /**< Region code. */
    const char *indicator;   /**< Indicator id. */
    int year;                /**< Year (1949–2100). */
    double value;            /**< The value; NaN for a qualitative observation or a gap. */
    hp_verdict verdict;      /**< #HP_VERDICT_NONE for a number. */
    hp_obs_status status;    /**< Status. */
    const char *source;      /**< Where the figure comes from; NULL or "" for none. */
    const char *as_printed;  /**< The words as printed ("优于目标值"); NULL or "" for none. */
    const char *note;        /**< A remark on the figure (a conflicting source, how it was read); NULL or "" for none. */
} hp_observation;

/**
 * Add observations in one all-or-nothing step. An observation for a (region, indicator, year)
 * already present with the same content is skipped; with other content it is an error.
 * Each call merges into the sorted store in O(existing + n log n): add in bulk.
 *
 * @param ds the dataset
 * @param obs array of @p n observations
 * @param n number of observations
 * @return #HP_OK; #HP_ENOTFOUND for an unknown region or indicator; #HP_EEXISTS for a
 *         conflicting value (the message gives both); #HP_EINVAL for a number with a verdict
 *         or no number without one (except status missing); #HP_ERANGE for a year outside
 *         1949–2100 or a non-finite value; #HP_ENOMEM. On failure @p ds is unchanged.
 */
HP_EXTERN int hp_dataset_add_observations(hp_dataset *ds, const hp_observation *obs, size_t n);

/**
 * Add one series (many years of one region and indicator) from plain arrays, as bulk
 * callers (numpy) hold them.
 * @param ds the dataset
 * @param region region code
 * @param indicator indicator id
 * @param years  @p n years
 * @param values @p n values (finite)
 * @param n number of values
 * @param source source of every value; may be NULL
 * @return as hp_dataset_add_observations()
 */
HP_EXTERN int hp_dataset_add_series(hp_dataset *ds, const char *region, const char *indicator,
                                    const int *years, const double *values, size_t n,
                                    const char *source);

/**
 * The observation of @p region / @p indicator in exactly @p year.
 * @param ds the dataset
 * @param region region code
 * @param indicator indicator id
 * @param year the year
 * @param[out] out the observation (strings borrowed from @p ds)
 * @return #HP_OK; #HP_ENOTFOUND when there is none (or the region or indicator is unknown);
 *         #HP_EINVAL
 */
HP_EXTERN int hp_dataset_observation(const hp_dataset *ds, const char *region,
                                     const char *indicator, int year, hp_observation *out);

/**
 * The latest observation with a number (gaps and verdicts skipped) at or before @p year.
 * @return #HP_OK, #HP_ENOTFOUND or #HP_EINVAL
 */
HP_EXTERN int hp_dataset_latest_observation(const hp_dataset *ds, const char *region,
                                            const char *indicator, int year,
                                            hp_observation *out);

/**
 * The @p i-th observation in storage order (by region, indicator, year).
 * @return #HP_OK or #HP_ENOTFOUND when @p i is out of range
 */
HP_EXTERN int hp_dataset_observation_at(const hp_dataset *ds, size_t i, hp_observation *out);

/** The name of @p s ("final", "provisional", "estimated", "missing", "derived"). */
HP_EXTERN const char *hp_obs_status_name(hp_obs_status s);
/** The name of @p v ("", "met", "not_met"). */
HP_EXTERN const char *hp_verdict_name(hp_verdict v);

#ifdef __cplusplus
}
#endif

#endif
