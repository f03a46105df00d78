/**
 * @file audit.h
 * @brief Audit: checking a plan's own numbers — reported ratios against their parts, units that
 *        contradict the text, targets that disagree, implausible values.
 */
#ifndef HEALTHPLAN_AUDIT_H
#define HEALTHPLAN_AUDIT_H

#include "healthplan/evaluate.h"

#ifdef __cplusplus
extern "C" {
#endif

/** How serious a finding is. */
typedef enum hp_severity {
    HP_SEVERITY_INFO = 0,  /**< A check that passed, worth showing (a ratio that adds up). */
    HP_SEVERITY_WARNING,   /**< Probably a printing slip or a disagreement to look at. */
    HP_SEVERITY_ERROR      /**< The numbers cannot all be right. */
} hp_severity;

/** What a finding is about. */
typedef enum hp_finding_kind {
    HP_FINDING_RATIO = 0,    /**< A reported ratio compared with its numerator and denominator. */
    HP_FINDING_UNIT,         /**< A unit printed in a plan that contradicts the indicator's unit. */
    HP_FINDING_CONFLICT,     /**< Two targets for one indicator, region and year that disagree. */
    HP_FINDING_IMPLAUSIBLE   /**< A value out of its possible range (a percent over 100, a negative count). */
} hp_finding_kind;

/** One finding. Strings are owned by the report. Doubles that do not apply are NaN. */
typedef struct hp_finding {
    hp_finding_kind kind;           /**< What it is about. */
    hp_severity severity;           /**< How serious. */
    const char *message;            /**< What was found, with the numbers. */
    const char *where;              /**< The sources of the figures involved. */
    const hp_region *region;        /**< The region concerned (may be NULL). */
    const hp_indicator *indicator;  /**< The indicator concerned (may be NULL). */
    int year;                       /**< The year concerned (0 when none). */
    double reported;                /**< The figure as reported. */
    double computed;                /**< The figure as computed or as the other source gives it. */
    const hp_target *target;        /**< A target concerned (may be NULL). */
    const hp_target *other;         /**< The other target of a conflict (may be NULL). */
} hp_finding;

/** An audit report. Free with hp_audit_free(). */
typedef struct hp_audit_report hp_audit_report;

/**
 * Audit a dataset, or one plan of it.
 * @param ds the dataset (only read)
 * @param plan a plan id to limit the targets checked, or NULL for all (observations are
 *             always all checked)
 * @param[out] out the report, owned by the caller; it borrows from @p ds
 * @return #HP_OK, #HP_ENOTFOUND (unknown plan), #HP_EINVAL or #HP_ENOMEM
 */
HP_EXTERN int hp_audit(const hp_dataset *ds, const char *plan, hp_audit_report **out);
/** Free a report. NULL is a no-op. */
HP_EXTERN void hp_audit_free(hp_audit_report *rep);
/** Number of findings. */
HP_EXTERN size_t hp_audit_count(const hp_audit_report *rep);
/** The @p i-th finding (errors first, then warnings, then information), or NULL. */
HP_EXTERN const hp_finding *hp_audit_at(const hp_audit_report *rep, size_t i);
/** The name of @p s ("info", "warning", "error"). */
HP_EXTERN const char *hp_severity_name(hp_severity s);
/** The name of @p k ("ratio", "unit", "conflict", "implausible"). */
HP_EXTERN const char *hp_finding_kind_name(hp_finding_kind k);
/**
 * Write the findings as CSV (severity, kind, region, indicator, year, reported, computed,
 * message, where) or as a JSON array of the same objects.
 * @param rep the report
 * @param format #HP_RESULTS_CSV or #HP_RESULTS_JSON
 * @param[out] out NUL-terminated text, free with hp_free()
 * @param[out] len its length; may be NULL
 * @return #HP_OK, #HP_EINVAL or #HP_ENOMEM
 */
HP_EXTERN int hp_audit_write(const hp_audit_report *rep, hp_results_format format, char **out,
                             size_t *len);

#ifdef __cplusplus
}
#endif

#endif
