/**
 * @file progress.h
 * @brief Progress measures: how fast a series moves towards its target (docs/methods.md).
 *
 * These are the pure formulas behind evaluation, exposed so that researchers can apply the
 * same rules to their own series: given a baseline, the latest observation and a target, they
 * compute the required and actual annual rates, their ratio and a progress class under one of
 * three published methods (Open SDG, Eurostat, UNSD progress chart).
 */
#ifndef HEALTHPLAN_PROGRESS_H
#define HEALTHPLAN_PROGRESS_H

#include "healthplan/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The progress methodology (docs/methods.md cites each source). */
typedef enum hp_method {
    HP_METHOD_OPENSDG = 0, /**< Open SDG's progress measure (after Eurostat), with the target-met shortcut; the default. */
    HP_METHOD_EUROSTAT,    /**< Eurostat's ratio of actual to required growth, without the shortcut. */
    HP_METHOD_UNSD         /**< UN SDG progress chart: projected share of the required distance at the target year. */
} hp_method;

/** Progress class of one target. */
typedef enum hp_progress_class {
    HP_CLASS_NONE = 0,         /**< Not computed (no observation). */
    HP_CLASS_ACHIEVED,         /**< The latest value already meets the target. */
    HP_CLASS_SIGNIFICANT,      /**< On track: ratio ≥ significant threshold. */
    HP_CLASS_MODERATE,         /**< Moderate progress: moderate ≤ ratio < significant. */
    HP_CLASS_INSUFFICIENT,     /**< Insufficient progress: 0 ≤ ratio < moderate. */
    HP_CLASS_AWAY,             /**< Moving away from the target: ratio < 0; also a target equal to its baseline that is not met, and a baseline that met the target when the latest value no longer does (the note says which). */
    HP_CLASS_NOT_COMPUTABLE    /**< The method cannot give a class (one observation, no elapsed years, a non-positive value…); the reason says why. */
} hp_progress_class;

/** Thresholds of the methods. Initialise with #HP_THRESHOLDS_INIT. */
typedef struct hp_thresholds {
    double significant;    /**< opensdg/eurostat: ratio at or above which progress is significant (0.95). */
    double moderate;       /**< opensdg/eurostat: ratio at or above which progress is moderate (0.6). */
    double unsd_on_track;  /**< unsd: projected share at or above which the target is on track (0.95). */
    double unsd_moderate;  /**< unsd: projected share at or above which progress is moderate ("fair progress, acceleration needed", 0.10); below it insufficient (share ≥ 0, UN "stagnation") or away (share < 0, UN "regression"). */
    double trend_significant;   /**< no-target trend: growth per year at or above which it is significant (0.015). */
    double trend_moderate;      /**< no-target trend: growth per year at or above which it is moderate (0.005). */
    double zero_substitute;     /**< value used for a zero base or target in compound rates (0.001). */
} hp_thresholds;

/** The default thresholds (Open SDG / Eurostat / UNSD published values). */
#define HP_THRESHOLDS_INIT {0.95, 0.6, 0.95, 0.10, 0.015, 0.005, 0.001}

/** Direction of an indicator: which way is better. */
typedef enum hp_direction {
    HP_DIRECTION_NONE = 0,  /**< Neither way is better (a count of institutions, a population). */
    HP_DIRECTION_HIGHER,    /**< Higher is better (life expectancy). */
    HP_DIRECTION_LOWER      /**< Lower is better (infant mortality). */
} hp_direction;

/** Input of hp_progress_compute(). */
typedef struct hp_progress_input {
    hp_method method;        /**< Methodology. */
    hp_direction direction;  /**< Direction of the indicator; #HP_DIRECTION_NONE is read as "towards the target". */
    int base_year;           /**< Year of the baseline observation. */
    double base;             /**< Baseline value. */
    int latest_year;         /**< Year of the latest observation (may equal base_year: one observation). */
    double latest;           /**< Latest value. */
    int target_year;         /**< Year the target is due. */
    double target;           /**< Target value; NaN for a target with no number (the no-target trend class is used); never infinite. */
    int linear;              /**< Nonzero: rates are linear (units per year), as for per_year and percentage-point targets. */
    int met;                 /**< Nonzero when the latest value already meets the target (decided by the caller's rule). opensdg and unsd return achieved first when set; eurostat uses it only where no ratio exists (target equal to, or already met by, the baseline); ignored when the target has no number (Open SDG has no "target achieved" without one). */
} hp_progress_input;

/** Output of hp_progress_compute(). Doubles that do not apply are NaN; never in the class. */
typedef struct hp_progress_result {
    hp_progress_class cls;   /**< The class. */
    double required_rate;    /**< Annual rate needed from the baseline to reach the target by its year (compound growth, or units per year when linear; after opensdg's zero substitution). */
    double actual_rate;      /**< Annual rate observed from the baseline to the latest value (same units). */
    double ratio;            /**< The number the class is read from. opensdg/eurostat: direction-signed actual / |required|; unsd: projected share of the distance at the target year; no target number: direction-signed annual growth (compound, or linear change / |base|). NaN when no ratio exists. */
    double progress;         /**< (latest − base) / (target − base): share of the distance covered; NaN without a target number or when target = base. */
    char note[160];          /**< Why a class could not be computed, or how the method was adapted (zero substitution, baseline already meeting the target); "" otherwise. ASCII. */
} hp_progress_result;

/**
 * Compute the progress class of one series towards its target.
 *
 * The rules, formulas and thresholds of each method, and where they depart from their
 * sources, are in docs/methods.md. Thresholds are compared with a tolerance of 1e-9, so a
 * ratio computed as 0.5999999999999991 counts as 0.6. Pure and thread-safe: no allocation,
 * no global state.
 *
 * @param in the series and target (not NULL)
 * @param th thresholds, or NULL for #HP_THRESHOLDS_INIT
 * @param[out] out the result, always reset first (class #HP_CLASS_NONE and NaNs on error);
 *             on success `cls` is one of achieved … not_computable and `note` explains
 *             not_computable
 * @return #HP_OK, or #HP_EINVAL for a NULL pointer, an unknown method or direction, a
 *         non-finite base or latest value, an infinite target, or thresholds that are not
 *         finite, out of order (significant < moderate …) or a zero_substitute ≤ 0;
 *         hp_error_last() says which
 */
HP_EXTERN int hp_progress_compute(const hp_progress_input *in, const hp_thresholds *th,
                                  hp_progress_result *out);

/** The name of @p cls as printed ("achieved", "significant", "moderate", "insufficient", "away", "not_computable"; "" for #HP_CLASS_NONE or a value outside the enum). A static string. */
HP_EXTERN const char *hp_progress_class_name(hp_progress_class cls);

/** The name of @p method ("opensdg", "eurostat", "unsd"); "" for a value outside the enum. A static string. */
HP_EXTERN const char *hp_method_name(hp_method method);

/**
 * The method named @p name, compared case-insensitively ("opensdg", "eurostat", "unsd").
 * @param name the name (not NULL)
 * @param[out] out the method; untouched on failure
 * @return #HP_OK, #HP_ENOTFOUND (the message lists the names) or #HP_EINVAL for NULL
 */
HP_EXTERN int hp_method_from_name(const char *name, hp_method *out);

#ifdef __cplusplus
}
#endif

#endif
