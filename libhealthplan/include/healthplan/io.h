/**
 * @file io.h
 * @brief Loading and saving datasets: JSON ("healthplan/1"), observations CSV, targets CSV.
 *
 * Formats are specified in docs/format.md. Loading is all-or-nothing: a load that fails
 * leaves the dataset exactly as it was. References (a target's plan, indicator and region, a
 * region's parent) resolve across every file of one call and the records already in the
 * dataset. Errors name the file, line and column (code points from 1) and the field.
 */
#ifndef HEALTHPLAN_IO_H
#define HEALTHPLAN_IO_H

#include "healthplan/dataset.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Called for each warning during a load (an unknown key, an unusual unit …). */
typedef void (*hp_warning_fn)(void *ctx, const hp_error *warning);

/** Options of hp_dataset_load_files(). Initialise with #HP_LOAD_OPTIONS_INIT. */
typedef struct hp_load_options {
    unsigned int version;   /**< Set by #HP_LOAD_OPTIONS_INIT to #HP_LOAD_OPTIONS_VERSION. */
    int strict;             /**< Nonzero: warnings are errors (the load fails at the first). */
    hp_warning_fn warn;     /**< Receives warnings; NULL to ignore them. */
    void *warn_ctx;         /**< Passed to @p warn. */
} hp_load_options;

/** Current version of #hp_load_options. */
#define HP_LOAD_OPTIONS_VERSION 1
/** Default load options. */
#define HP_LOAD_OPTIONS_INIT {HP_LOAD_OPTIONS_VERSION, 0, NULL, NULL}

/**
 * Load several files in one all-or-nothing step. The kind of each file follows from its
 * content: a JSON dataset starts with "{"; otherwise it is a CSV whose header row tells an
 * observations CSV (REF_AREA, INDICATOR, TIME_PERIOD, OBS_VALUE …) from a targets CSV (plan,
 * region, indicator, year, target, nature …).
 *
 * @param ds    the dataset to add to
 * @param paths @p n file paths
 * @param n     number of files
 * @param opts  options, or NULL for #HP_LOAD_OPTIONS_INIT
 * @return #HP_OK; #HP_EIO (cannot read); #HP_EPARSE (malformed); #HP_EVALIDATE (wrong type,
 *         missing field, bad value); #HP_ENOTFOUND (unknown reference, nearest named);
 *         #HP_EEXISTS (same key, other content: both places named); #HP_ERANGE; #HP_EUNIT;
 *         #HP_ENOMEM. hp_error_last() gives file, line, column and field.
 */
HP_EXTERN int hp_dataset_load_files(hp_dataset *ds, const char *const *paths, size_t n,
                                    const hp_load_options *opts);

/** Load one file (JSON or CSV, by content); as hp_dataset_load_files() with one path. */
HP_EXTERN int hp_dataset_load(hp_dataset *ds, const char *path);

/**
 * Load a dataset JSON document from memory.
 * @param ds the dataset to add to
 * @param data the JSON text (need not be NUL-terminated)
 * @param len its length in bytes
 * @param name the name used in error messages (e.g. the file name); NULL for "<buffer>"
 * @return as hp_dataset_load_files()
 */
HP_EXTERN int hp_dataset_load_json_buffer(hp_dataset *ds, const char *data, size_t len,
                                          const char *name);

/**
 * Load an observations or targets CSV from memory (the header decides which).
 * @param ds the dataset to add to
 * @param data the CSV text (need not be NUL-terminated)
 * @param len its length in bytes
 * @param name the name used in error messages; NULL for "<buffer>"
 * @return as hp_dataset_load_files()
 */
HP_EXTERN int hp_dataset_load_csv_buffer(hp_dataset *ds, const char *data, size_t len,
                                         const char *name);

/**
 * Write the whole dataset as one JSON document ("healthplan/1").
 * Loading the result into an empty dataset gives an equal dataset.
 * @param ds the dataset
 * @param[out] out NUL-terminated text, free with hp_free()
 * @param[out] len its length; may be NULL
 * @return #HP_OK, #HP_EINVAL or #HP_ENOMEM
 */
HP_EXTERN int hp_dataset_save_json_buffer(const hp_dataset *ds, char **out, size_t *len);

/**
 * Write the whole dataset to @p path as JSON. The file is written to a temporary file beside
 * it and renamed into place, so a failure leaves any existing file as it was.
 * @return #HP_OK, #HP_EIO (message names the path and the system error), #HP_ENOMEM
 */
HP_EXTERN int hp_dataset_save_json(const hp_dataset *ds, const char *path);

/**
 * Write the observations as SDMX-style CSV (REF_AREA, INDICATOR, TIME_PERIOD, OBS_VALUE,
 * UNIT_MEASURE, OBS_STATUS, VERDICT, SOURCE).
 * @param ds the dataset
 * @param[out] out NUL-terminated text, free with hp_free()
 * @param[out] len its length; may be NULL
 * @return #HP_OK, #HP_EINVAL or #HP_ENOMEM
 */
HP_EXTERN int hp_dataset_save_observations_csv_buffer(const hp_dataset *ds, char **out,
                                                      size_t *len);

#ifdef __cplusplus
}
#endif

#endif
