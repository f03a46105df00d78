/**
 * @file evaluate.h
 * @brief Evaluation: is every target achieved, on track, by how much, and why.
 *
 * hp_evaluate() judges every target of a dataset (or those the options select) against the
 * observations and returns an #hp_results collection: per target a status, the baseline, the
 * target resolved to a number where the rule allows, the latest observation, the gap, the
 * progress, the required and actual annual rates, their ratio, a progress class and a
 * one-line reason naming the values, years and thresholds used. docs/methods.md gives the
 * formulas and their sources; docs/rules.md how each rule kind is judged.
 *
 * The dataset is only read: several evaluations may run on one dataset from many threads.
 */
#ifndef HEALTHPLAN_EVALUATE_H
#define HEALTHPLAN_EVALUATE_H

#include "healthplan/progress.h"
#include "healthplan/target.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The verdict on one target. */
typedef enum hp_status {
    HP_STATUS_ACHIEVED = 0,      /**< The target year is reached and the target met. */
    HP_STATUS_NOT_ACHIEVED,      /**< The target year is reached and the target not met. */
    HP_STATUS_ON_TRACK,          /**< The target year is ahead; met already, or significant progress. */
    HP_STATUS_OFF_TRACK,         /**< The target year is ahead; moderate, insufficient progress, or moving away. */
    HP_STATUS_NO_DATA,           /**< No observation to judge by. */
    HP_STATUS_NOT_ASSESSABLE     /**< Qualitative, or a referenced value or target is missing, or progress cannot be computed. */
} hp_status;

/** Number of #hp_status values. */
#define HP_STATUS_COUNT 6

/** Which year serves as baseline when the plan's baseline year has no observation. */
typedef enum hp_baseline_policy {
    HP_BASELINE_NEXT = 0,  /**< The first observed year after it (as Open SDG does); the default. */
    HP_BASELINE_EXACT,     /**< Only the baseline year itself. */
    HP_BASELINE_NEAREST    /**< The nearest observed year on either side (the earlier on a tie). */
} hp_baseline_policy;

/** Options of hp_evaluate(). Initialise with #HP_EVAL_OPTIONS_INIT, then change fields. */
typedef struct hp_eval_options {
    unsigned int version;       /**< #HP_EVAL_OPTIONS_VERSION (set by the initialiser). */
    int as_of;                  /**< Judge with data up to this year; 0 for all data. */
    const char *plan;           /**< Only this plan's targets; NULL for all. */
    const char *region;         /**< Only targets of this region; NULL for all. */
    const char *indicator;      /**< Only targets of this indicator; NULL for all. */
    int nature;                 /**< Only targets of this #hp_nature; -1 for all. */
    hp_method method;           /**< Progress methodology (default #HP_METHOD_OPENSDG). */
    hp_thresholds thresholds;   /**< The method's thresholds (default #HP_THRESHOLDS_INIT). */
    double tolerance;           /**< Relative tolerance of every comparison of a value with its target (1e-9). */
    hp_baseline_policy baseline;/**< Baseline year policy (default #HP_BASELINE_NEXT). */
    int threads;                /**< Threads to evaluate with; 0 or 1 for the calling thread only. */
} hp_eval_options;

/** Current version of #hp_eval_options. */
#define HP_EVAL_OPTIONS_VERSION 1
/** Default evaluation options. */
#define HP_EVAL_OPTIONS_INIT                                                                  \
    {HP_EVAL_OPTIONS_VERSION, 0, NULL, NULL, NULL, -1, HP_METHOD_OPENSDG, HP_THRESHOLDS_INIT, \
     1e-9, HP_BASELINE_NEXT, 0}

/**
 * The evaluation of one target. Doubles that do not apply are NaN and years 0: writers print
 * an empty cell; no field is ever NaN where a value applies.
 */
typedef struct hp_result {
    const hp_target *target;   /**< The target (borrowed from the dataset). */
    hp_status status;          /**< The verdict. */
    hp_progress_class cls;     /**< Progress class (never contradicts the status). */
    int baseline_year;         /**< Year of the baseline observation; 0 when none. */
    double baseline;           /**< Baseline value. */
    double target_value;       /**< The target as a number (resolved: 2015 value × 0.7, 46.1 − 5 × 0.5 …). */
    int latest_year;           /**< Year of the observation the target is judged on; 0 when none. */
    double latest;             /**< That observation's value (NaN for a qualitative verdict). */
    double gap;                /**< Distance still to go, positive when the target is not yet met. */
    double progress;           /**< (latest − baseline) / (target − baseline). */
    double required_rate;      /**< Annual rate needed from the baseline (compound, or units per year when linear). */
    double actual_rate;        /**< Annual rate observed from the baseline. */
    double ratio;              /**< Method ratio (opensdg/eurostat: actual / required; unsd: projected share). */
    int met;                   /**< Nonzero when the judged value meets the target. */
} hp_result;

/** The results of one evaluation. Free with hp_results_free(). */
typedef struct hp_results hp_results;

/**
 * Evaluate the targets the options select.
 *
 * @param ds   the dataset (only read)
 * @param opts options, or NULL for #HP_EVAL_OPTIONS_INIT
 * @param[out] out the results, owned by the caller (hp_results_free()); they borrow from
 *             @p ds, which must outlive them
 * @return #HP_OK; #HP_ENOTFOUND for an unknown plan, region or indicator filter (the message
 *         names the nearest); #HP_EINVAL for a bad option (version, method, as_of outside
 *         1949–2100, negative tolerance or threshold); #HP_ENOMEM
 */
HP_EXTERN int hp_evaluate(const hp_dataset *ds, const hp_eval_options *opts, hp_results **out);

/** Free results. NULL is a no-op. */
HP_EXTERN void hp_results_free(hp_results *res);

/** Number of results (one per selected target, in dataset order). */
HP_EXTERN size_t hp_results_count(const hp_results *res);

/** The @p i-th result, or NULL when out of range. Borrowed from @p res. */
HP_EXTERN const hp_result *hp_results_at(const hp_results *res, size_t i);

/**
 * The one-line reason of the @p i-th result ("2.82 ≤ 6.5 in 2020", "no province target for
 * maternal_mortality in 2025 in the dataset"), written to @p buf.
 * @return the length of the reason (as snprintf: may exceed @p cap − 1 when truncated), or
 *         -1 when @p i is out of range or memory ran out (then hp_error_last() says
 *         #HP_ENOMEM and @p buf holds "")
 */
HP_EXTERN int hp_results_reason(const hp_results *res, size_t i, char *buf, size_t cap);

/** The name of @p s ("achieved", "not_achieved", "on_track", "off_track", "no_data", "not_assessable"). */
HP_EXTERN const char *hp_status_name(hp_status s);

/**
 * Counts of results by status: @p counts receives #HP_STATUS_COUNT numbers for the results
 * whose target matches @p plan (NULL for all), @p nature (-1 for all) and @p category (NULL
 * for all; the indicator's category).
 * @return the number of results counted
 */
HP_EXTERN size_t hp_results_count_status(const hp_results *res, const char *plan, int nature,
                                         const char *category, size_t counts[HP_STATUS_COUNT]);

/** Output formats of hp_results_write(). */
typedef enum hp_results_format {
    HP_RESULTS_CSV = 0, /**< CSV with the columns of docs/cli.md (`plan,target,region,…,reason`). */
    HP_RESULTS_JSON     /**< A JSON array of objects with the same keys; numbers as numbers, null where empty. */
} hp_results_format;

/**
 * Write every result as CSV or JSON, with stable column names: plan, target, region,
 * indicator, year, rule, nature, as_printed, baseline_year, baseline_value, target_value,
 * latest_year, latest_value, status, gap, progress, required_rate, actual_rate, ratio, class,
 * reason.
 * @param res the results
 * @param format #HP_RESULTS_CSV or #HP_RESULTS_JSON
 * @param[out] out NUL-terminated text, free with hp_free()
 * @param[out] len its length; may be NULL
 * @return #HP_OK, #HP_EINVAL or #HP_ENOMEM
 */
HP_EXTERN int hp_results_write(const hp_results *res, hp_results_format format, char **out,
                               size_t *len);

#ifdef __cplusplus
}
#endif

#endif
