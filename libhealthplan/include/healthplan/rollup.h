/**
 * @file rollup.h
 * @brief Rollup: a city's figures from its counties (and a province's from its cities).
 */
#ifndef HEALTHPLAN_ROLLUP_H
#define HEALTHPLAN_ROLLUP_H

#include "healthplan/dataset.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Add the observations that follow from the regions below each region, in one
 * all-or-nothing step.
 *
 * For an indicator marked additive (beds, physicians, population), a region's value of a year
 * is the sum of its child regions' values, when every child region has one that year. For a
 * ratio indicator (beds per 1000 people = beds / population × 1000), a region's value is its
 * numerator over its denominator times the scale, each observed or rolled up. Rollups chain
 * from the lowest level up (counties → cities → provinces → country).
 *
 * An observation already in the dataset is never replaced: a rolled-up figure is added only
 * where the dataset has none for that region, indicator and year. Added observations have
 * status #HP_OBS_DERIVED and a source naming how they were made ("sum of 6 counties").
 *
 * @param ds the dataset
 * @param[out] added the number of observations added; may be NULL
 * @return #HP_OK, #HP_EINVAL (ds is NULL) or #HP_ENOMEM; on failure @p ds is unchanged
 */
HP_EXTERN int hp_dataset_rollup(hp_dataset *ds, size_t *added);

#ifdef __cplusplus
}
#endif

#endif
