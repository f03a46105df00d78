/**
 * @file dataset.h
 * @brief Datasets: the container of regions, indicators, plans, targets and observations.
 *
 * A dataset is an opaque handle. Records are added one by one (hp_dataset_add_region() …) or
 * loaded from files (io.h); every record handed out (`const hp_region *` …) is owned by the
 * dataset and stays valid until the dataset is freed: later additions never move records.
 *
 * Every change is all-or-nothing: a call that fails leaves the dataset exactly as it was.
 * A dataset may be read (looked up, evaluated) from many threads at once, but must not be
 * changed while other threads read it.
 */
#ifndef HEALTHPLAN_DATASET_H
#define HEALTHPLAN_DATASET_H

#include "healthplan/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A dataset. Create with hp_dataset_new() or hp_dataset_builtin(); free with hp_dataset_free(). */
typedef struct hp_dataset hp_dataset;

/**
 * Create an empty dataset.
 * @param[out] out the new dataset, owned by the caller (hp_dataset_free())
 * @return #HP_OK, #HP_EINVAL (out is NULL) or #HP_ENOMEM
 */
HP_EXTERN int hp_dataset_new(hp_dataset **out);

/** Free a dataset and every record it owns. NULL is a no-op. */
HP_EXTERN void hp_dataset_free(hp_dataset *ds);

/**
 * Create a dataset holding every built-in dataset (the Yiyang and Hengyang plans and the
 * reference regions), compiled into the library: no data path is needed.
 * @param[out] out the new dataset, owned by the caller (hp_dataset_free())
 * @return #HP_OK, #HP_EINVAL or #HP_ENOMEM
 */
HP_EXTERN int hp_dataset_builtin(hp_dataset **out);

/** Number of built-in dataset files (such as "yiyang-14fyp.json"). */
HP_EXTERN size_t hp_builtin_count(void);

/**
 * Name and content of the @p i-th built-in dataset file.
 * @param i index below hp_builtin_count()
 * @param[out] data the JSON text (static, not NUL-terminated beyond @p len); may be NULL
 * @param[out] len its length in bytes; may be NULL
 * @return the file name (static), or NULL when @p i is out of range
 */
HP_EXTERN const char *hp_builtin_file(size_t i, const char **data, size_t *len);

/**
 * Add the built-in datasets to @p ds (as hp_dataset_builtin() does for a new one).
 * @return #HP_OK; #HP_EEXISTS when a record in @p ds conflicts with a built-in one (then
 *         @p ds is unchanged); #HP_ENOMEM
 */
HP_EXTERN int hp_dataset_add_builtin(hp_dataset *ds);

/** Number of regions in @p ds. */
HP_EXTERN size_t hp_dataset_region_count(const hp_dataset *ds);
/** Number of indicators in @p ds. */
HP_EXTERN size_t hp_dataset_indicator_count(const hp_dataset *ds);
/** Number of plans in @p ds. */
HP_EXTERN size_t hp_dataset_plan_count(const hp_dataset *ds);
/** Number of targets in @p ds. */
HP_EXTERN size_t hp_dataset_target_count(const hp_dataset *ds);
/** Number of observations in @p ds (including qualitative ones and recorded gaps). */
HP_EXTERN size_t hp_dataset_observation_count(const hp_dataset *ds);

#ifdef __cplusplus
}
#endif

#endif
