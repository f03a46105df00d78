/* Progress measures: Open SDG, Eurostat and UNSD progress-chart classes (docs/methods.md).
 *
 * Pure functions over one series: no allocation, no global state, nothing printed. Every
 * number the caller passes is read once; every double of the result that does not apply is
 * NaN; the class is always one of the enum's values. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "healthplan/progress.h"
#include "common_internal.h"
#include "numfmt_internal.h"
#include "progress_internal.h"

/* Tolerance of every threshold comparison and of "target equals baseline" (DESIGN §5):
 * a ratio computed as 0.5999999999999991 is 0.6. */
#define PROGRESS_TOL 1e-9

static const char *const method_names[] = {"opensdg", "eurostat", "unsd"};
#define METHOD_COUNT ((int)(sizeof method_names / sizeof method_names[0]))

/* ---- small helpers ---- */

/* x ≥ thr, allowing for rounding: 0.5999999999999991 counts as 0.6. */
static int at_least(double x, double thr)
{
    return x >= thr - PROGRESS_TOL;
}

/* a and b equal within the relative tolerance (both zero: equal). */
static int near_equal(double a, double b)
{
    return fabs(a - b) <= PROGRESS_TOL * fmax(fabs(a), fabs(b));
}

static void set_note(hp_progress_result *out, const char *fmt, ...) HP_PRINTF(2, 3);

static void set_note(hp_progress_result *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->note, sizeof out->note, fmt, ap);
    va_end(ap);
}

static hp_progress_class not_computable(hp_progress_result *out, const char *fmt, ...)
    HP_PRINTF(2, 3);

static hp_progress_class not_computable(hp_progress_result *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->note, sizeof out->note, fmt, ap);
    va_end(ap);
    return HP_CLASS_NOT_COMPUTABLE;
}

/* A number for a note: the shortest form that reads back exactly, with '.' whatever the
 * locale, and without an exponent for ordinary magnitudes (80, not 8e+01). */
static void format_number(char out[32], double v)
{
    double mag = fabs(v);
    if (!isfinite(v) || v == 0 || mag >= 1e15 || mag < 1e-4) {
        hp__format_double(out, v);
        return;
    }
    if (hp__fmt_shortest(out, v, 17))
        return; /* what the loop below finds, without snprintf (numfmt.c) */
    for (int prec = 1; prec <= 17; prec++) {
        double back;
        size_t used;
        snprintf(out, 32, "%.*g", prec, v);
        for (char *p = out; *p; p++)
            if (*p == ',')
                *p = '.'; /* a locale's decimal comma */
        if (strchr(out, 'e'))
            continue;
        if (hp__parse_double(out, strlen(out), &back, &used) == HP_OK && back == v)
            return;
    }
    hp__format_double(out, v);
}

/* Significant / moderate / insufficient / away by two thresholds and zero. */
static hp_progress_class classify(double value, double significant, double moderate)
{
    if (at_least(value, significant))
        return HP_CLASS_SIGNIFICANT;
    if (at_least(value, moderate))
        return HP_CLASS_MODERATE;
    if (at_least(value, 0.0))
        return HP_CLASS_INSUFFICIENT;
    return HP_CLASS_AWAY;
}

/* +1 when higher is better, -1 when lower is better; for HP_DIRECTION_NONE the sign of
 * (target - base), 0 when that is not defined (no target number, or target = base). */
static int desired_sign(const hp_progress_input *in)
{
    if (in->direction == HP_DIRECTION_HIGHER)
        return 1;
    if (in->direction == HP_DIRECTION_LOWER)
        return -1;
    if (isnan(in->target) || near_equal(in->target, in->base))
        return 0;
    return in->target > in->base ? 1 : -1;
}

/* Compound growth per year from v0 to v1 over `years` (> 0). */
static double cagr(double v1, double v0, double years)
{
    return pow(v1 / v0, 1.0 / years) - 1.0;
}

/* The values a compound rate divides and takes roots of, after the method's rule for zeros
 * and negatives. On success returns 1 with the (possibly substituted) values and, in `subst`,
 * a note naming the substitutions ("" when none). On failure returns 0 with the reason in
 * `why`. `use_target`: the target enters a compound rate (opensdg and eurostat). */
typedef struct compound_values {
    double base, latest, target;
    char subst[64];
} compound_values;

static int check_compound(const hp_progress_input *in, const hp_thresholds *th, int use_target,
                          compound_values *cv, char *why, size_t why_len)
{
    const char *names[3] = {"base", "latest", "target"};
    double vals[3] = {in->base, in->latest, in->target};
    int n = use_target ? 3 : 2;
    char num[32];

    cv->base = in->base;
    cv->latest = in->latest;
    cv->target = in->target;
    cv->subst[0] = '\0';

    for (int i = 0; i < n; i++) {
        if (vals[i] < 0) {
            format_number(num, vals[i]);
            snprintf(why, why_len,
                     "%s value %s is negative: compound rates need positive values", names[i],
                     num);
            return 0;
        }
    }
    if (in->method == HP_METHOD_EUROSTAT) {
        for (int i = 0; i < n; i++) {
            if (vals[i] == 0) {
                snprintf(why, why_len,
                         "%s value is 0: Eurostat's compound rates are undefined for zero "
                         "(no substitution under this method)",
                         names[i]);
                return 0;
            }
        }
        return 1;
    }
    if (in->method == HP_METHOD_UNSD) {
        if (in->base == 0) {
            snprintf(why, why_len,
                     "base value is 0: a compound trend cannot be projected from zero "
                     "(use a linear rate)");
            return 0;
        }
        return 1;
    }
    /* Open SDG: a zero base or target is taken as zero_substitute (0.001). We also take a
     * zero latest value so that 0 -> 0 reads as no change rather than as a 100% annual
     * fall (docs/methods.md). */
    {
        double *slots[3] = {&cv->base, &cv->latest, &cv->target};
        size_t used = 0;
        for (int i = 0; i < n; i++) {
            if (vals[i] == 0) {
                *slots[i] = th->zero_substitute;
                int w = snprintf(cv->subst + used, sizeof cv->subst - used, "%s%s",
                                 used ? ", " : "", names[i]);
                if (w > 0 && (size_t)w < sizeof cv->subst - used)
                    used += (size_t)w;
            }
        }
    }
    return 1;
}

/* ---- argument checks ---- */

static int check_thresholds(const hp_thresholds *th);

static int check_arguments(const hp_progress_input *in, const hp_thresholds *th)
{
    if ((int)in->method < 0 || (int)in->method >= METHOD_COUNT)
        return hp__fail(HP_EINVAL,
                        "unknown progress method %d (expected HP_METHOD_OPENSDG, "
                        "HP_METHOD_EUROSTAT or HP_METHOD_UNSD)",
                        (int)in->method);
    if ((int)in->direction < HP_DIRECTION_NONE || (int)in->direction > HP_DIRECTION_LOWER)
        return hp__fail(HP_EINVAL,
                        "unknown direction %d (expected HP_DIRECTION_NONE, HIGHER or LOWER)",
                        (int)in->direction);
    if (!isfinite(in->base))
        return hp__fail(HP_EINVAL, "base value is not a finite number");
    if (!isfinite(in->latest))
        return hp__fail(HP_EINVAL, "latest value is not a finite number");
    if (isinf(in->target))
        return hp__fail(HP_EINVAL,
                        "target is infinite (use NaN for a target with no number)");
    return check_thresholds(th);
}

/* The thresholds' part of check_arguments(). */
static int check_thresholds(const hp_thresholds *th)
{
    struct {
        const char *name;
        double v;
    } t[] = {{"significant", th->significant},
             {"moderate", th->moderate},
             {"unsd_on_track", th->unsd_on_track},
             {"unsd_moderate", th->unsd_moderate},
             {"trend_significant", th->trend_significant},
             {"trend_moderate", th->trend_moderate},
             {"zero_substitute", th->zero_substitute}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (!isfinite(t[i].v))
            return hp__fail(HP_EINVAL, "threshold %s is not a finite number", t[i].name);
    {
        struct {
            const char *hi_name, *lo_name;
            double hi, lo;
        } pairs[] = {{"significant", "moderate", th->significant, th->moderate},
                     {"unsd_on_track", "unsd_moderate", th->unsd_on_track, th->unsd_moderate},
                     {"trend_significant", "trend_moderate", th->trend_significant,
                      th->trend_moderate}};
        for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
            if (pairs[i].hi < pairs[i].lo) {
                char hi[32], lo[32];
                format_number(hi, pairs[i].hi);
                format_number(lo, pairs[i].lo);
                return hp__fail(HP_EINVAL, "threshold %s (%s) is below %s (%s)",
                                pairs[i].hi_name, hi, pairs[i].lo_name, lo);
            }
        }
    }
    if (!(th->zero_substitute > 0)) {
        char num[32];
        format_number(num, th->zero_substitute);
        return hp__fail(HP_EINVAL, "threshold zero_substitute must be positive, found %s", num);
    }
    return HP_OK;
}

/* ---- targets with no number: Open SDG's no-target trend ---- */

static hp_progress_class trend_class(const hp_progress_input *in, const hp_thresholds *th,
                                     hp_progress_result *out)
{
    int d = desired_sign(in);
    double elapsed = (double)in->latest_year - (double)in->base_year;
    double growth;

    if (d == 0)
        return not_computable(out, "no target number and no direction: the trend cannot be "
                                   "rated");
    if (elapsed < 0)
        return not_computable(out, "latest year %d is before the base year %d",
                              in->latest_year, in->base_year);
    if (elapsed == 0)
        return not_computable(out, "one observation (%d): a rate needs two", in->latest_year);

    if (in->linear) {
        out->actual_rate = (in->latest - in->base) / elapsed;
        if (in->base == 0)
            return not_computable(out, "base value is 0: a linear growth relative to the "
                                       "baseline is undefined");
        growth = out->actual_rate / fabs(in->base);
    } else {
        compound_values cv;
        char why[sizeof out->note];
        if (!check_compound(in, th, 0, &cv, why, sizeof why))
            return not_computable(out, "%s", why);
        out->actual_rate = cagr(cv.latest, cv.base, elapsed);
        growth = out->actual_rate;
        if (cv.subst[0]) {
            char num[32];
            format_number(num, th->zero_substitute);
            set_note(out, "zero %s taken as %s (Open SDG)", cv.subst, num);
        }
    }
    out->ratio = d * growth;
    if (!isfinite(out->ratio)) {
        out->ratio = (double)NAN;
        return not_computable(out, "the growth rate could not be computed");
    }
    return classify(out->ratio, th->trend_significant, th->trend_moderate);
}

/* ---- targets with a number ---- */

static hp_progress_class target_class(const hp_progress_input *in, const hp_thresholds *th,
                                      hp_progress_result *out)
{
    const double b = in->base, l = in->latest, t = in->target;
    const int d = desired_sign(in);
    const int equal = near_equal(t, b);
    /* The baseline already meets the target, direction-aware: no rate towards the target is
     * "required", and the sign of (target - base) points the wrong way. */
    const int base_meets = !equal && ((d > 0 && b > t) || (d < 0 && b < t));
    const double span = (double)in->target_year - (double)in->base_year;
    const double elapsed = (double)in->latest_year - (double)in->base_year;
    compound_values cv;
    char why[sizeof out->note] = "";
    char nb[32], nl[32], nt[32];
    int values_ok;

    memset(&cv, 0, sizeof cv);
    /* nb, nl, nt are formatted only where a note prints them: formatting is most of the cost
     * of this function otherwise (docs/performance.md) */

    if (!equal)
        out->progress = (l - b) / (t - b);

    /* Rates, as far as the data allow (also reported for classes that do not use them). */
    if (in->linear) {
        values_ok = 1;
        if (span > 0)
            out->required_rate = (t - b) / span;
        if (elapsed > 0)
            out->actual_rate = (l - b) / elapsed;
    } else {
        values_ok = check_compound(in, th, in->method != HP_METHOD_UNSD, &cv, why, sizeof why);
        if (values_ok) {
            if (span > 0 && cv.target >= 0)
                out->required_rate = cagr(cv.target, cv.base, span);
            if (elapsed > 0)
                out->actual_rate = cagr(cv.latest, cv.base, elapsed);
        }
    }
    if (values_ok && !equal && !base_meets && isfinite(out->actual_rate)) {
        if (in->method == HP_METHOD_UNSD) {
            if (span > 0) {
                /* Project the observed trend from the latest year to the target year. */
                double ahead = (double)in->target_year - (double)in->latest_year;
                double projected = in->linear ? l + out->actual_rate * ahead
                                              : l * pow(1.0 + out->actual_rate, ahead);
                out->ratio = (projected - b) / (t - b);
            }
        } else if (isfinite(out->required_rate) && out->required_rate != 0) {
            out->ratio = (d * out->actual_rate) / fabs(out->required_rate);
        }
        if (!isfinite(out->ratio))
            out->ratio = (double)NAN;
    }

    /* Classes, in order. */
    if (in->method != HP_METHOD_EUROSTAT && in->met)
        return HP_CLASS_ACHIEVED; /* Open SDG / UN chart: target achieved first */
    if (span <= 0)
        return not_computable(out, "target year %d is not after the base year %d",
                              in->target_year, in->base_year);
    if (elapsed < 0)
        return not_computable(out, "latest year %d is before the base year %d",
                              in->latest_year, in->base_year);
    if (elapsed == 0)
        return not_computable(out, "one observation (%d): a rate needs two", in->latest_year);
    if (equal) {
        format_number(nt, t);
        format_number(nl, l);
        if (in->met) {
            set_note(out, "target %s equals the baseline: no rate is required", nt);
            return HP_CLASS_ACHIEVED;
        }
        set_note(out, "target %s equals the baseline; the latest value %s (%d) does not meet it",
                 nt, nl, in->latest_year);
        return HP_CLASS_AWAY;
    }
    if (base_meets) {
        format_number(nb, b);
        format_number(nl, l);
        format_number(nt, t);
        out->ratio = (double)NAN;
        if (in->met) {
            set_note(out, "the baseline %s (%d) already met the target %s; the latest value "
                          "still does",
                     nb, in->base_year, nt);
            return HP_CLASS_ACHIEVED;
        }
        set_note(out, "the baseline %s (%d) already met the target %s; the latest value %s "
                      "(%d) no longer does",
                 nb, in->base_year, nt, nl, in->latest_year);
        return HP_CLASS_AWAY;
    }
    if (!values_ok)
        return not_computable(out, "%s", why);
    if (isnan(out->ratio)) {
        format_number(nb, b);
        format_number(nl, l);
        return not_computable(out, "the rates could not be computed from %s (%d) to %s (%d)",
                              nb, in->base_year, nl, in->latest_year);
    }
    if (!in->linear && cv.subst[0]) {
        char num[32];
        format_number(num, th->zero_substitute);
        set_note(out, "zero %s taken as %s (Open SDG)", cv.subst, num);
    }
    if (in->method == HP_METHOD_UNSD)
        return classify(out->ratio, th->unsd_on_track, th->unsd_moderate);
    return classify(out->ratio, th->significant, th->moderate);
}

/* ---- public API ---- */

int hp_progress_compute(const hp_progress_input *in, const hp_thresholds *th,
                        hp_progress_result *out)
{
    static const hp_thresholds defaults = HP_THRESHOLDS_INIT;
    int rc;

    if (out) {
        out->cls = HP_CLASS_NONE;
        out->required_rate = (double)NAN;
        out->actual_rate = (double)NAN;
        out->ratio = (double)NAN;
        out->progress = (double)NAN;
        out->note[0] = '\0';
    }
    if (!in || !out)
        return hp__fail(HP_EINVAL, "hp_progress_compute: %s is NULL", !in ? "in" : "out");
    if (!th)
        th = &defaults;
    rc = check_arguments(in, th);
    if (rc != HP_OK)
        return rc;

    out->cls = isnan(in->target) ? trend_class(in, th, out) : target_class(in, th, out);
    return HP_OK;
}

int hp__progress_thresholds_ok(const hp_thresholds *th)
{
    int ok = check_thresholds(th) == HP_OK;
    hp_error_clear();
    return ok;
}

int hp__progress_compute_trusted(const hp_progress_input *in, const hp_thresholds *th,
                                 hp_progress_result *out)
{
    /* hp_progress_compute() for a caller that checked th once with
     * hp__progress_thresholds_ok(): a national evaluation spends a tenth of its time on
     * checking the same thresholds again otherwise */
    out->cls = HP_CLASS_NONE;
    out->required_rate = (double)NAN;
    out->actual_rate = (double)NAN;
    out->ratio = (double)NAN;
    out->progress = (double)NAN;
    out->note[0] = '\0';
    int rc = HP_OK;
    if ((int)in->method < 0 || (int)in->method >= METHOD_COUNT ||
        (int)in->direction < HP_DIRECTION_NONE || (int)in->direction > HP_DIRECTION_LOWER ||
        !isfinite(in->base) || !isfinite(in->latest) || isinf(in->target))
        return check_arguments(in, th); /* the same error, said the same way */
    out->cls = isnan(in->target) ? trend_class(in, th, out) : target_class(in, th, out);
    return rc;
}

const char *hp_progress_class_name(hp_progress_class cls)
{
    switch (cls) {
    case HP_CLASS_ACHIEVED: return "achieved";
    case HP_CLASS_SIGNIFICANT: return "significant";
    case HP_CLASS_MODERATE: return "moderate";
    case HP_CLASS_INSUFFICIENT: return "insufficient";
    case HP_CLASS_AWAY: return "away";
    case HP_CLASS_NOT_COMPUTABLE: return "not_computable";
    case HP_CLASS_NONE: break;
    }
    return "";
}

const char *hp_method_name(hp_method method)
{
    if ((int)method < 0 || (int)method >= METHOD_COUNT)
        return "";
    return method_names[method];
}

/* ASCII case-insensitive equality, independent of the locale. */
static int ascii_iequal(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        unsigned char ca = (unsigned char)*a, cb = (unsigned char)*b;
        if (ca >= 'A' && ca <= 'Z')
            ca = (unsigned char)(ca - 'A' + 'a');
        if (cb >= 'A' && cb <= 'Z')
            cb = (unsigned char)(cb - 'A' + 'a');
        if (ca != cb)
            return 0;
    }
    return *a == *b;
}

int hp_method_from_name(const char *name, hp_method *out)
{
    if (!name || !out)
        return hp__fail(HP_EINVAL, "hp_method_from_name: %s is NULL", !name ? "name" : "out");
    for (int i = 0; i < METHOD_COUNT; i++) {
        if (ascii_iequal(name, method_names[i])) {
            *out = (hp_method)i;
            return HP_OK;
        }
    }
    return hp__fail(HP_ENOTFOUND,
                    "unknown progress method \"%s\" (expected opensdg, eurostat or unsd)", name);
}
