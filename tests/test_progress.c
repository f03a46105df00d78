/* Tests of progress.h: Open SDG, Eurostat and UNSD progress classes (docs/methods.md).
 *
 * Every expected number is worked out in the comment beside it. Compound rates are
 * CAGR = (x1/x0)^(1/years) - 1; "req" is the rate required from the baseline to the target,
 * "act" the rate observed from the baseline to the latest value. Real numbers come from the
 * seeds (Yiyang 14th FYP table, seed 000) and the reference values (China, NHC bulletins). */
#include <math.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include "healthplan/progress.h"

/* ---- helpers ---- */

static hp_progress_input input(hp_method method, hp_direction dir, int base_year, double base,
                               int latest_year, double latest, int target_year, double target)
{
    hp_progress_input in;
    memset(&in, 0, sizeof in);
    in.method = method;
    in.direction = dir;
    in.base_year = base_year;
    in.base = base;
    in.latest_year = latest_year;
    in.latest = latest;
    in.target_year = target_year;
    in.target = target;
    in.linear = 0;
    in.met = 0;
    return in;
}

static hp_progress_result compute(const hp_progress_input *in)
{
    hp_progress_result r;
    cr_assert(eq(int, hp_progress_compute(in, NULL, &r), HP_OK));
    return r;
}

static void assert_note_has(const hp_progress_result *r, const char *part)
{
    cr_assert(not(eq(ptr, strstr(r->note, part), NULL)), "note \"%s\" lacks \"%s\"", r->note,
              part);
}

static void assert_error_has(const char *part)
{
    const char *msg = hp_error_last()->message;
    cr_assert(not(eq(ptr, strstr(msg, part), NULL)), "message \"%s\" lacks \"%s\"", msg, part);
}

/* ---- names ---- */

Test(progress_names, class_names)
{
    cr_assert(eq(str, (char *)hp_progress_class_name(HP_CLASS_ACHIEVED), "achieved"));
    cr_assert(eq(str, (char *)hp_progress_class_name(HP_CLASS_SIGNIFICANT), "significant"));
    cr_assert(eq(str, (char *)hp_progress_class_name(HP_CLASS_MODERATE), "moderate"));
    cr_assert(eq(str, (char *)hp_progress_class_name(HP_CLASS_INSUFFICIENT), "insufficient"));
    cr_assert(eq(str, (char *)hp_progress_class_name(HP_CLASS_AWAY), "away"));
    cr_assert(eq(str, (char *)hp_progress_class_name(HP_CLASS_NOT_COMPUTABLE), "not_computable"));
    cr_assert(eq(str, (char *)hp_progress_class_name(HP_CLASS_NONE), ""));
    cr_assert(eq(str, (char *)hp_progress_class_name((hp_progress_class)99), ""));
}

Test(progress_names, method_names)
{
    cr_assert(eq(str, (char *)hp_method_name(HP_METHOD_OPENSDG), "opensdg"));
    cr_assert(eq(str, (char *)hp_method_name(HP_METHOD_EUROSTAT), "eurostat"));
    cr_assert(eq(str, (char *)hp_method_name(HP_METHOD_UNSD), "unsd"));
    cr_assert(eq(str, (char *)hp_method_name((hp_method)7), ""));
}

Test(progress_names, method_from_name_ignores_case)
{
    hp_method m = HP_METHOD_UNSD;
    cr_assert(eq(int, hp_method_from_name("OpenSDG", &m), HP_OK));
    cr_assert(eq(int, m, HP_METHOD_OPENSDG));
    cr_assert(eq(int, hp_method_from_name("EUROSTAT", &m), HP_OK));
    cr_assert(eq(int, m, HP_METHOD_EUROSTAT));
    cr_assert(eq(int, hp_method_from_name("unsd", &m), HP_OK));
    cr_assert(eq(int, m, HP_METHOD_UNSD));
    /* round trip through the printed name */
    for (int i = HP_METHOD_OPENSDG; i <= HP_METHOD_UNSD; i++) {
        cr_assert(eq(int, hp_method_from_name(hp_method_name((hp_method)i), &m), HP_OK));
        cr_assert(eq(int, m, i));
    }
}

Test(progress_names, method_from_name_unknown_lists_names)
{
    hp_method m = HP_METHOD_EUROSTAT;
    cr_assert(eq(int, hp_method_from_name("open-sdg", &m), HP_ENOTFOUND));
    cr_assert(eq(int, hp_error_last()->code, HP_ENOTFOUND));
    assert_error_has("\"open-sdg\"");
    assert_error_has("opensdg, eurostat or unsd");
    cr_assert(eq(int, m, HP_METHOD_EUROSTAT)); /* untouched on failure */
    cr_assert(eq(int, hp_method_from_name("", &m), HP_ENOTFOUND));
    cr_assert(eq(int, hp_method_from_name("unsdx", &m), HP_ENOTFOUND));
}

Test(progress_names, method_from_name_null)
{
    hp_method m;
    cr_assert(eq(int, hp_method_from_name(NULL, &m), HP_EINVAL));
    assert_error_has("name is NULL");
    cr_assert(eq(int, hp_method_from_name("unsd", NULL), HP_EINVAL));
    assert_error_has("out is NULL");
}

/* ---- invalid arguments ---- */

Test(progress_args, null_pointers)
{
    hp_progress_input in =
        input(HP_METHOD_OPENSDG, HP_DIRECTION_HIGHER, 2020, 7.82, 2023, 7.95, 2025, 8.00);
    hp_progress_result r;
    cr_assert(eq(int, hp_progress_compute(NULL, NULL, &r), HP_EINVAL));
    assert_error_has("in is NULL");
    cr_assert(eq(int, r.cls, HP_CLASS_NONE)); /* the result is reset even on error */
    cr_assert(isnan(r.ratio));
    cr_assert(eq(int, hp_progress_compute(&in, NULL, NULL), HP_EINVAL));
    assert_error_has("out is NULL");
}

Test(progress_args, unknown_method_and_direction)
{
    hp_progress_input in =
        input(HP_METHOD_OPENSDG, HP_DIRECTION_HIGHER, 2020, 7.82, 2023, 7.95, 2025, 8.00);
    hp_progress_result r;
    in.method = (hp_method)3;
    cr_assert(eq(int, hp_progress_compute(&in, NULL, &r), HP_EINVAL));
    assert_error_has("unknown progress method 3");
    cr_assert(eq(int, r.cls, HP_CLASS_NONE));
    in.method = HP_METHOD_OPENSDG;
    in.direction = (hp_direction)5;
    cr_assert(eq(int, hp_progress_compute(&in, NULL, &r), HP_EINVAL));
    assert_error_has("unknown direction 5");
}

Test(progress_args, non_finite_values)
{
    hp_progress_input in =
        input(HP_METHOD_OPENSDG, HP_DIRECTION_HIGHER, 2020, NAN, 2023, 7.95, 2025, 8.00);
    hp_progress_result r;
    cr_assert(eq(int, hp_progress_compute(&in, NULL, &r), HP_EINVAL));
    assert_error_has("base value is not a finite number");
    in.base = 7.82;
    in.latest = INFINITY;
    cr_assert(eq(int, hp_progress_compute(&in, NULL, &r), HP_EINVAL));
    assert_error_has("latest value is not a finite number");
    in.latest = 7.95;
    in.target = -INFINITY;
    cr_assert(eq(int, hp_progress_compute(&in, NULL, &r), HP_EINVAL));
    assert_error_has("target is infinite");
}

Test(progress_args, bad_thresholds)
{
    hp_progress_input in =
        input(HP_METHOD_OPENSDG, HP_DIRECTION_HIGHER, 2020, 7.82, 2023, 7.95, 2025, 8.00);
    hp_progress_result r;
    hp_thresholds th = HP_THRESHOLDS_INIT;
    th.moderate = 0.97; /* above significant 0.95 */
    cr_assert(eq(int, hp_progress_compute(&in, &th, &r), HP_EINVAL));
    assert_error_has("threshold significant (0.95) is below moderate (0.97)");
    th.moderate = 0.6;
    th.trend_moderate = NAN;
    cr_assert(eq(int, hp_progress_compute(&in, &th, &r), HP_EINVAL));
    assert_error_has("threshold trend_moderate is not a finite number");
    th.trend_moderate = 0.005;
    th.zero_substitute = 0;
    cr_assert(eq(int, hp_progress_compute(&in, &th, &r), HP_EINVAL));
    assert_error_has("zero_substitute must be positive, found 0");
}

/* ---- opensdg, compound rates ---- */

Test(progress_opensdg, beds_significant_with_rates)
{
    /* Yiyang beds per 1000: 7.82 (2020) -> target 8.00 (2025); latest 7.95 (2023).
     * req = (8.00/7.82)^(1/5) - 1 = 0.004561770765542983
     * act = (7.95/7.82)^(1/3) - 1 = 0.005510920934675756
     * ratio = act/|req| = 1.2080661694581658 >= 0.95 -> significant
     * progress = (7.95-7.82)/(8.00-7.82) = 0.13/0.18 = 0.7222222222222228 */
    hp_progress_input in =
        input(HP_METHOD_OPENSDG, HP_DIRECTION_HIGHER, 2020, 7.82, 2023, 7.95, 2025, 8.00);
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_SIGNIFICANT));
    cr_assert(epsilon_eq(dbl, r.required_rate, 0.004561770765542983, 1e-15));
    cr_assert(epsilon_eq(dbl, r.actual_rate, 0.005510920934675756, 1e-15));
    cr_assert(epsilon_eq(dbl, r.ratio, 1.2080661694581658, 1e-12));
    cr_assert(ieee_ulp_eq(dbl, r.progress, 0.7222222222222228, 4));
    cr_assert(eq(str, r.note, ""));
}

Test(progress_opensdg, premature_mortality_moderate)
{
    /* Premature mortality from major chronic diseases 17.24% (2020) -> <=15 (2025), lower is
     * better; latest 16.5 (2022).
     * req = (15/17.24)^(1/5) - 1 = -0.027452549922809655
     * act = (16.5/17.24)^(1/2) - 1 = -0.02169709898963801
     * ratio = -1 * act / |req| = 0.7903491315249523 in [0.6, 0.95) -> moderate */
    hp_progress_input in =
        input(HP_METHOD_OPENSDG, HP_DIRECTION_LOWER, 2020, 17.24, 2022, 16.5, 2025, 15);
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_MODERATE));
    cr_assert(epsilon_eq(dbl, r.required_rate, -0.027452549922809655, 1e-15));
    cr_assert(epsilon_eq(dbl, r.actual_rate, -0.02169709898963801, 1e-15));
    cr_assert(epsilon_eq(dbl, r.ratio, 0.7903491315249523, 1e-12));
    /* progress = (16.5-17.24)/(15-17.24) = -0.74/-2.24 = 0.330357... */
    cr_assert(epsilon_eq(dbl, r.progress, 0.74 / 2.24, 1e-12));
}

Test(progress_opensdg, premature_mortality_insufficient)
{
    /* latest 17.0 (2022): act = (17/17.24)^(1/2) - 1 = -0.006984951619108171
     * ratio = 0.006984951619108171 / 0.027452549922809655 = 0.25443726133813693 -> insufficient */
    hp_progress_input in =
        input(HP_METHOD_OPENSDG, HP_DIRECTION_LOWER, 2020, 17.24, 2022, 17.0, 2025, 15);
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_INSUFFICIENT));
    cr_assert(epsilon_eq(dbl, r.ratio, 0.25443726133813693, 1e-12));
}

Test(progress_opensdg, premature_mortality_away)
{
    /* latest 17.5 (2022): act = (17.5/17.24)^(1/2) - 1 = +0.007512385281947642 (worse)
     * ratio = -1 * 0.0075123... / 0.0274525... = -0.2736498177062155 < 0 -> away */
    hp_progress_input in =
        input(HP_METHOD_OPENSDG, HP_DIRECTION_LOWER, 2020, 17.24, 2022, 17.5, 2025, 15);
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_AWAY));
    cr_assert(epsilon_eq(dbl, r.ratio, -0.2736498177062155, 1e-12));
    cr_assert(lt(dbl, r.progress, 0.0)); /* (17.5-17.24)/(15-17.24) < 0 */
}

Test(progress_opensdg, no_change_is_insufficient)
{
    /* 17.24 -> 17.24: act = 1^(1/2) - 1 = 0, ratio = -1 * 0 / |req| = -0.0, which is >= 0 */
    hp_progress_input in =
        input(HP_METHOD_OPENSDG, HP_DIRECTION_LOWER, 2020, 17.24, 2022, 17.24, 2025, 15);
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_INSUFFICIENT));
    cr_assert(eq(dbl, r.ratio, 0.0));
}

Test(progress_opensdg, met_first_with_one_observation)
{
    /* Open SDG's shortcut: the latest value meets the target -> achieved, even with a single
     * observation (2020 only). The required rate is still reported; the actual rate cannot be. */
    hp_progress_input in =
        input(HP_METHOD_OPENSDG, HP_DIRECTION_LOWER, 2020, 2.82, 2020, 2.82, 2020, 6.5);
    in.met = 1; /* infant mortality 2.82 <= 6.5 */
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_ACHIEVED));
    cr_assert(isnan(r.actual_rate));
    cr_assert(isnan(r.ratio));
}

Test(progress_opensdg, met_shortcut_reports_the_ratio_too)
{
    /* CN infant mortality 5.4 (2020) -> <=5.2 (2025); 5.0 in 2021 meets it.
     * act = 5.0/5.4 - 1 = -0.07407407..., req = (5.2/5.4)^(1/5) - 1 = -0.0075188...
     * ratio = 0.0740740.../0.0075188... = 9.85... ; the class is achieved, not significant */
    hp_progress_input in =
        input(HP_METHOD_OPENSDG, HP_DIRECTION_LOWER, 2020, 5.4, 2021, 5.0, 2025, 5.2);
    in.met = 1;
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_ACHIEVED));
    cr_assert(epsilon_eq(dbl, r.actual_rate, 5.0 / 5.4 - 1.0, 1e-15));
    cr_assert(epsilon_eq(dbl, r.required_rate, pow(5.2 / 5.4, 0.2) - 1.0, 1e-15));
    cr_assert(gt(dbl, r.ratio, 9.0));
    cr_assert(ieee_ulp_eq(dbl, r.progress, (5.0 - 5.4) / (5.2 - 5.4), 4)); /* 2.0 */
}

Test(progress_opensdg, one_observation_not_computable)
{
    /* Beds 7.82 in 2020 only, target 8.00 not met: a rate needs two observations. */
    hp_progress_input in =
        input(HP_METHOD_OPENSDG, HP_DIRECTION_HIGHER, 2020, 7.82, 2020, 7.82, 2025, 8.00);
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_NOT_COMPUTABLE));
    cr_assert(eq(str, r.note, "one observation (2020): a rate needs two"));
    cr_assert(epsilon_eq(dbl, r.required_rate, 0.004561770765542983, 1e-15));
    cr_assert(isnan(r.actual_rate));
    cr_assert(isnan(r.ratio));
    cr_assert(eq(dbl, r.progress, 0.0)); /* (7.82-7.82)/0.18 */
}

Test(progress_opensdg, zero_target_substituted)
{
    /* Maternal deaths 4 (2020) -> target 0 (2025), lower is better; latest 2 (2023).
     * Target 0 taken as 0.001: req = (0.001/4)^(1/5) - 1 = -0.8096346061284122
     * act = (2/4)^(1/3) - 1 = -0.2062994740159002
     * ratio = 0.2062994740159002 / 0.8096346061284122 = 0.25480565239472985 -> insufficient
     * progress uses the real target: (2-4)/(0-4) = 0.5 */
    hp_progress_input in =
        input(HP_METHOD_OPENSDG, HP_DIRECTION_LOWER, 2020, 4, 2023, 2, 2025, 0);
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_INSUFFICIENT));
    cr_assert(epsilon_eq(dbl, r.required_rate, -0.8096346061284122, 1e-15));
    cr_assert(epsilon_eq(dbl, r.ratio, 0.25480565239472985, 1e-12));
    cr_assert(ieee_ulp_eq(dbl, r.progress, 0.5, 4));
    cr_assert(eq(str, r.note, "zero target taken as 0.001 (Open SDG)"));
}

Test(progress_opensdg, zero_base_substituted)
{
    /* Base 0 (2020) taken as 0.001 -> target 10 (2025), latest 5 (2023), higher is better.
     * req = (10/0.001)^(1/5) - 1 = 5.309573444801933
     * act = (5/0.001)^(1/3) - 1 = 16.09975946676697
     * ratio = 3.032213347105805 -> significant */
    hp_progress_input in =
        input(HP_METHOD_OPENSDG, HP_DIRECTION_HIGHER, 2020, 0, 2023, 5, 2025, 10);
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_SIGNIFICANT));
    cr_assert(epsilon_eq(dbl, r.required_rate, 5.309573444801933, 1e-12));
    cr_assert(epsilon_eq(dbl, r.actual_rate, 16.09975946676697, 1e-12));
    cr_assert(epsilon_eq(dbl, r.ratio, 3.032213347105805, 1e-12));
    cr_assert(eq(str, r.note, "zero base taken as 0.001 (Open SDG)"));
}

Test(progress_opensdg, zero_to_zero_is_no_change)
{
    /* 0 (2020) -> 0 (2023), target 5 (2025), higher is better. Both zeros become 0.001, so
     * act = (0.001/0.001)^(1/3) - 1 = 0 and the class is insufficient (Open SDG itself would
     * read 0 -> 0 as act = -1, a 100% fall, and say away). */
    hp_progress_input in =
        input(HP_METHOD_OPENSDG, HP_DIRECTION_HIGHER, 2020, 0, 2023, 0, 2025, 5);
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_INSUFFICIENT));
    cr_assert(eq(dbl, r.actual_rate, 0.0));
    cr_assert(eq(str, r.note, "zero base, latest taken as 0.001 (Open SDG)"));
}

Test(progress_opensdg, custom_zero_substitute)
{
    /* zero_substitute 1: req = (1/4)^(1/5) - 1 = -0.2421417..., act = -0.2062994740159002
     * ratio = 0.2062994740159002 / 0.24214171674480103 = 0.85197... -> moderate */
    hp_progress_input in =
        input(HP_METHOD_OPENSDG, HP_DIRECTION_LOWER, 2020, 4, 2023, 2, 2025, 0);
    hp_thresholds th = HP_THRESHOLDS_INIT;
    hp_progress_result r;
    th.zero_substitute = 1;
    cr_assert(eq(int, hp_progress_compute(&in, &th, &r), HP_OK));
    cr_assert(eq(int, r.cls, HP_CLASS_MODERATE));
    cr_assert(epsilon_eq(dbl, r.required_rate, pow(0.25, 0.2) - 1.0, 1e-15));
    cr_assert(eq(str, r.note, "zero target taken as 1 (Open SDG)"));
}

Test(progress_opensdg, negative_value_not_computable)
{
    /* Natural growth rate -1.2 permille (2020) -> 0.5 (2025): compound rates need positive
     * values (Open SDG itself flips the sign when all values are negative; we do not). */
    hp_progress_input in =
        input(HP_METHOD_OPENSDG, HP_DIRECTION_HIGHER, 2020, -1.2, 2023, -0.4, 2025, 0.5);
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_NOT_COMPUTABLE));
    cr_assert(eq(str, r.note, "base value -1.2 is negative: compound rates need positive values"));
    cr_assert(isnan(r.ratio));
    cr_assert(isnan(r.required_rate));
    /* progress does not need a rate: (-0.4 - -1.2)/(0.5 - -1.2) = 0.8/1.7 */
    cr_assert(epsilon_eq(dbl, r.progress, 0.8 / 1.7, 1e-12));
}

Test(progress_opensdg, custom_thresholds)
{
    /* The beds ratio 1.2080661694581658 is below a user threshold of 1.5 and above 1.0. */
    hp_progress_input in =
        input(HP_METHOD_OPENSDG, HP_DIRECTION_HIGHER, 2020, 7.82, 2023, 7.95, 2025, 8.00);
    hp_thresholds th = HP_THRESHOLDS_INIT;
    hp_progress_result r;
    th.significant = 1.5;
    th.moderate = 1.0;
    cr_assert(eq(int, hp_progress_compute(&in, &th, &r), HP_OK));
    cr_assert(eq(int, r.cls, HP_CLASS_MODERATE));
}

/* ---- linear rates (per_year, percentage points) and class boundaries ---- */

Test(progress_linear, myopia_significant)
{
    /* Yiyang myopia 46.1% (2020), 力争每年降低0.5个百分点 -> 46.1 - 5*0.5 = 43.6 (2025),
     * linear.
     * latest 45.0 (2022): req = (43.6-46.1)/5 = -0.5, act = (45.0-46.1)/2 = -0.5500000000000007
     * ratio = -1 * act / 0.5 = 1.1000000000000014 -> significant */
    hp_progress_input in =
        input(HP_METHOD_OPENSDG, HP_DIRECTION_LOWER, 2020, 46.1, 2022, 45.0, 2025, 43.6);
    in.linear = 1;
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_SIGNIFICANT));
    cr_assert(ieee_ulp_eq(dbl, r.required_rate, -0.5, 4));
    cr_assert(ieee_ulp_eq(dbl, r.actual_rate, -0.5500000000000007, 4));
    cr_assert(ieee_ulp_eq(dbl, r.ratio, 1.1000000000000014, 4));
}

Test(progress_linear, ratio_0_6_from_floating_point_is_moderate)
{
    /* latest 45.2 (2023): act = (45.2-46.1)/3 = -0.2999999999999995...
     * ratio = 0.5999999999999991 (not 0.6) -> moderate thanks to the 1e-9 tolerance */
    hp_progress_input in =
        input(HP_METHOD_OPENSDG, HP_DIRECTION_LOWER, 2020, 46.1, 2023, 45.2, 2025, 43.6);
    in.linear = 1;
    hp_progress_result r = compute(&in);
    cr_assert(lt(dbl, r.ratio, 0.6));
    cr_assert(ieee_ulp_eq(dbl, r.ratio, 0.5999999999999991, 4));
    cr_assert(eq(int, r.cls, HP_CLASS_MODERATE));
}

Test(progress_linear, ratio_0_95_from_floating_point_is_significant)
{
    /* latest 44.2 (2024): act = (44.2-46.1)/4 = -0.47499999999999964
     * ratio = 0.9499999999999993 -> significant (tolerance 1e-9) */
    hp_progress_input in =
        input(HP_METHOD_OPENSDG, HP_DIRECTION_LOWER, 2020, 46.1, 2024, 44.2, 2025, 43.6);
    in.linear = 1;
    hp_progress_result r = compute(&in);
    cr_assert(lt(dbl, r.ratio, 0.95));
    cr_assert(ieee_ulp_eq(dbl, r.ratio, 0.9499999999999993, 4));
    cr_assert(eq(int, r.cls, HP_CLASS_SIGNIFICANT));
}

Test(progress_linear, exactly_0_95_is_significant)
{
    /* base 0 -> target 20 in 10 years (req 2/year); latest 1.9 after 1 year: ratio 1.9/2 = 0.95
     * exactly -> significant */
    hp_progress_input in =
        input(HP_METHOD_OPENSDG, HP_DIRECTION_HIGHER, 2015, 0, 2016, 1.9, 2025, 20);
    in.linear = 1;
    hp_progress_result r = compute(&in);
    cr_assert(eq(dbl, r.ratio, 0.95));
    cr_assert(eq(int, r.cls, HP_CLASS_SIGNIFICANT));
}

Test(progress_linear, clearly_below_0_6_is_insufficient)
{
    /* base 0 -> 10 in 10 years (req 1/year); latest 0.599999 after 1 year: ratio 0.599999,
     * 1e-6 below 0.6 (beyond the 1e-9 tolerance) -> insufficient */
    hp_progress_input in =
        input(HP_METHOD_OPENSDG, HP_DIRECTION_HIGHER, 2015, 0, 2016, 0.599999, 2025, 10);
    in.linear = 1;
    hp_progress_result r = compute(&in);
    cr_assert(ieee_ulp_eq(dbl, r.ratio, 0.599999, 4));
    cr_assert(eq(int, r.cls, HP_CLASS_INSUFFICIENT));
}

Test(progress_linear, linear_and_compound_differ)
{
    /* Same myopia series with latest 45.5 (2022).
     * linear:   act = (45.5-46.1)/2 = -0.3000000000000007, ratio = 0.6000000000000014 -> moderate
     * compound: req = (43.6/46.1)^(1/5) - 1 = -0.011089216207554653
     *           act = (45.5/46.1)^(1/2) - 1 = -0.006528905494366577
     *           ratio = 0.5887616736986954 -> insufficient */
    hp_progress_input in =
        input(HP_METHOD_OPENSDG, HP_DIRECTION_LOWER, 2020, 46.1, 2022, 45.5, 2025, 43.6);
    in.linear = 1;
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_MODERATE));
    cr_assert(ieee_ulp_eq(dbl, r.ratio, 0.6000000000000014, 4));
    in.linear = 0;
    r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_INSUFFICIENT));
    cr_assert(epsilon_eq(dbl, r.required_rate, -0.011089216207554653, 1e-15));
    cr_assert(epsilon_eq(dbl, r.actual_rate, -0.006528905494366577, 1e-15));
    cr_assert(epsilon_eq(dbl, r.ratio, 0.5887616736986954, 1e-12));
}

Test(progress_linear, negative_values_are_fine_when_linear)
{
    /* Natural growth rate -1.2 (2020) -> 0.5 (2025), linear; latest -0.4 (2023).
     * req = (0.5+1.2)/5 = 0.34/year, act = (-0.4+1.2)/3 = 0.26666.../year
     * ratio = 0.2666.../0.34 = 0.78431... -> moderate */
    hp_progress_input in =
        input(HP_METHOD_EUROSTAT, HP_DIRECTION_HIGHER, 2020, -1.2, 2023, -0.4, 2025, 0.5);
    in.linear = 1;
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_MODERATE));
    cr_assert(epsilon_eq(dbl, r.required_rate, 0.34, 1e-12));
    cr_assert(epsilon_eq(dbl, r.actual_rate, 0.8 / 3, 1e-12));
    cr_assert(epsilon_eq(dbl, r.ratio, (0.8 / 3) / 0.34, 1e-12));
}

/* ---- eurostat ---- */

Test(progress_eurostat, no_target_met_shortcut)
{
    /* Beds 7.82 (2020) -> 8.00 (2025), latest 7.99 in 2025, which the caller's "about" rule
     * counts as met (within 2%). Open SDG: achieved. Eurostat rates the trend:
     * act = (7.99/7.82)^(1/5) - 1 = 0.004310504658370018
     * ratio = 0.004310504658370018 / 0.004561770765542983 = 0.9449191728197116 -> moderate */
    hp_progress_input in =
        input(HP_METHOD_EUROSTAT, HP_DIRECTION_HIGHER, 2020, 7.82, 2025, 7.99, 2025, 8.00);
    in.met = 1;
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_MODERATE));
    cr_assert(epsilon_eq(dbl, r.ratio, 0.9449191728197116, 1e-12));
    in.method = HP_METHOD_OPENSDG;
    r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_ACHIEVED));
}

Test(progress_eurostat, overshoot_is_significant)
{
    /* latest 8.1 (2023): act = (8.1/7.82)^(1/3) - 1 = 0.01179552734598821
     * ratio = 2.5857343457687314 -> significant */
    hp_progress_input in =
        input(HP_METHOD_EUROSTAT, HP_DIRECTION_HIGHER, 2020, 7.82, 2023, 8.1, 2025, 8.00);
    in.met = 1;
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_SIGNIFICANT));
    cr_assert(epsilon_eq(dbl, r.ratio, 2.5857343457687314, 1e-12));
}

Test(progress_eurostat, zero_value_not_computable)
{
    /* Eurostat: no substitution; a zero target gives no compound rate. */
    hp_progress_input in =
        input(HP_METHOD_EUROSTAT, HP_DIRECTION_LOWER, 2020, 4, 2023, 2, 2025, 0);
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_NOT_COMPUTABLE));
    assert_note_has(&r, "target value is 0");
    assert_note_has(&r, "no substitution");
    cr_assert(isnan(r.ratio));
    cr_assert(isnan(r.required_rate));
    cr_assert(ieee_ulp_eq(dbl, r.progress, 0.5, 4));
}

Test(progress_eurostat, zero_latest_not_computable)
{
    hp_progress_input in =
        input(HP_METHOD_EUROSTAT, HP_DIRECTION_LOWER, 2020, 4, 2023, 0, 2025, 1);
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_NOT_COMPUTABLE));
    assert_note_has(&r, "latest value is 0");
}

Test(progress_eurostat, negative_value_not_computable)
{
    hp_progress_input in =
        input(HP_METHOD_EUROSTAT, HP_DIRECTION_HIGHER, 2020, 2, 2023, -1, 2025, 3);
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_NOT_COMPUTABLE));
    cr_assert(eq(str, r.note, "latest value -1 is negative: compound rates need positive values"));
}

Test(progress_eurostat, one_observation_even_when_met)
{
    /* Without the shortcut, one observation gives no class even if the target is met. */
    hp_progress_input in =
        input(HP_METHOD_EUROSTAT, HP_DIRECTION_HIGHER, 2020, 8.1, 2020, 8.1, 2025, 8.00);
    in.met = 1;
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_NOT_COMPUTABLE));
    cr_assert(eq(str, r.note, "one observation (2020): a rate needs two"));
}

/* ---- target equal to the baseline, baseline already meeting the target ---- */

Test(progress_special, target_equals_base)
{
    /* Keep at 80 (base 80 in 2020, target 80 in 2025). No rate, no division by zero. */
    hp_progress_input in =
        input(HP_METHOD_OPENSDG, HP_DIRECTION_HIGHER, 2020, 80, 2023, 79, 2025, 80);
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_AWAY));
    cr_assert(eq(str, r.note,
                 "target 80 equals the baseline; the latest value 79 (2023) does not meet it"));
    cr_assert(isnan(r.progress));
    cr_assert(isnan(r.ratio));
    cr_assert(eq(dbl, r.required_rate, 0.0)); /* (80/80)^(1/5) - 1 */
    in.latest = 81;
    in.met = 1;
    r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_ACHIEVED));
    /* eurostat has no shortcut but no ratio can be formed either: the met flag decides */
    in.method = HP_METHOD_EUROSTAT;
    r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_ACHIEVED));
    cr_assert(eq(str, r.note, "target 80 equals the baseline: no rate is required"));
}

Test(progress_special, target_equals_base_within_tolerance)
{
    /* 43.6 computed as 46.1 - 5*0.5 against a printed 43.6: equal within 1e-9 */
    hp_progress_input in = input(HP_METHOD_UNSD, HP_DIRECTION_LOWER, 2020, 43.6 * (1 + 1e-12),
                                 2023, 44, 2025, 43.6);
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_AWAY));
    cr_assert(isnan(r.progress));
}

Test(progress_special, base_already_met_then_worsened_is_away)
{
    /* Lower is better, target <= 6, base 5 (already meets), latest 6.5 (no longer meets).
     * The original Open SDG ratio act/req = (+)/(+) is positive and reads "on track"; the
     * required direction here is not the direction of improvement, so the class is away. */
    hp_progress_input in =
        input(HP_METHOD_OPENSDG, HP_DIRECTION_LOWER, 2020, 5, 2023, 6.5, 2025, 6);
    for (int m = HP_METHOD_OPENSDG; m <= HP_METHOD_UNSD; m++) {
        in.method = (hp_method)m;
        hp_progress_result r = compute(&in);
        cr_assert(eq(int, r.cls, HP_CLASS_AWAY), "method %s", hp_method_name(in.method));
        cr_assert(eq(str, r.note,
                     "the baseline 5 (2020) already met the target 6; the latest value 6.5 "
                     "(2023) no longer does"));
        cr_assert(isnan(r.ratio));
        cr_assert(gt(dbl, r.required_rate, 0.0)); /* (6/5)^(1/5) - 1 > 0 */
    }
}

Test(progress_special, base_already_met_still_met_is_achieved)
{
    /* Lower is better, base 5 <= 6, latest 5.5 still <= 6 (met). act = (5.5/5)^(1/3)-1 > 0,
     * req = (6/5)^(1/5)-1 > 0: the ratio would be positive and meaningless. Open SDG: achieved
     * by the shortcut; Eurostat (no shortcut): achieved as well, with a note. */
    hp_progress_input in =
        input(HP_METHOD_OPENSDG, HP_DIRECTION_LOWER, 2020, 5, 2023, 5.5, 2025, 6);
    in.met = 1;
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_ACHIEVED));
    cr_assert(isnan(r.ratio));
    in.method = HP_METHOD_EUROSTAT;
    r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_ACHIEVED));
    cr_assert(eq(str, r.note,
                 "the baseline 5 (2020) already met the target 6; the latest value still does"));
}

Test(progress_special, health_literacy_base_already_above_target)
{
    /* CN health literacy 23.15% (2020) against the 2022 target >= 22, latest 27.78 (2022).
     * Eurostat's ratio would be act/|req| with req = (22/23.15)^(1/2)-1 < 0: meaningless. */
    hp_progress_input in =
        input(HP_METHOD_EUROSTAT, HP_DIRECTION_HIGHER, 2020, 23.15, 2022, 27.78, 2022, 22);
    in.met = 1;
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_ACHIEVED));
    cr_assert(lt(dbl, r.required_rate, 0.0));
    cr_assert(isnan(r.ratio));
}

Test(progress_special, direction_none_follows_target)
{
    /* Institutions (no better way): 3718 (2020) -> 4000 (2025), latest 3800 (2022).
     * Desired sign = sign(4000-3718) = +1. req = (4000/3718)^(1/5)-1 = 0.014729..., act =
     * (3800/3718)^(1/2)-1 = 0.010968..., ratio = 0.7446... -> moderate */
    hp_progress_input in =
        input(HP_METHOD_OPENSDG, HP_DIRECTION_NONE, 2020, 3718, 2022, 3800, 2025, 4000);
    hp_progress_result r = compute(&in);
    double req = pow(4000.0 / 3718.0, 0.2) - 1.0, act = pow(3800.0 / 3718.0, 0.5) - 1.0;
    cr_assert(eq(int, r.cls, HP_CLASS_MODERATE));
    cr_assert(epsilon_eq(dbl, r.ratio, act / req, 1e-12));
    /* a lower target makes lower the desired way: 3800 moves away from 3500 */
    in.target = 3500;
    r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_AWAY));
}

Test(progress_special, direction_none_without_target_number)
{
    hp_progress_input in =
        input(HP_METHOD_OPENSDG, HP_DIRECTION_NONE, 2020, 3718, 2022, 3800, 2025, NAN);
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_NOT_COMPUTABLE));
    cr_assert(eq(str, r.note, "no target number and no direction: the trend cannot be rated"));
}

Test(progress_special, target_year_not_after_base_year)
{
    hp_progress_input in =
        input(HP_METHOD_OPENSDG, HP_DIRECTION_HIGHER, 2020, 7.82, 2023, 7.95, 2020, 8.00);
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_NOT_COMPUTABLE));
    cr_assert(eq(str, r.note, "target year 2020 is not after the base year 2020"));
    cr_assert(isnan(r.required_rate));
    cr_assert(isnan(r.ratio));
}

Test(progress_special, latest_before_base_year)
{
    hp_progress_input in =
        input(HP_METHOD_EUROSTAT, HP_DIRECTION_HIGHER, 2020, 7.82, 2019, 7.5, 2025, 8.00);
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_NOT_COMPUTABLE));
    cr_assert(eq(str, r.note, "latest year 2019 is before the base year 2020"));
    cr_assert(isnan(r.actual_rate));
}

/* ---- targets with no number: Open SDG's no-target trend ---- */

Test(progress_trend, significant)
{
    /* CN GPs per 10 000: 2.9 (2020) -> 3.99 (2023), higher is better, 持续提升.
     * growth = (3.99/2.9)^(1/3) - 1 = 0.1122223875491053 >= 0.015 -> significant */
    hp_progress_input in =
        input(HP_METHOD_OPENSDG, HP_DIRECTION_HIGHER, 2020, 2.9, 2023, 3.99, 2025, NAN);
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_SIGNIFICANT));
    cr_assert(epsilon_eq(dbl, r.actual_rate, 0.1122223875491053, 1e-15));
    cr_assert(epsilon_eq(dbl, r.ratio, 0.1122223875491053, 1e-15));
    cr_assert(isnan(r.required_rate));
    cr_assert(isnan(r.progress));
}

Test(progress_trend, moderate_lower_is_better)
{
    /* CN myopia 52.7 (2020) -> 51.2 (2025), lower is better.
     * growth = (51.2/52.7)^(1/5) - 1 = -0.005758540377968968; signed: +0.0057585... in
     * [0.005, 0.015) -> moderate */
    hp_progress_input in =
        input(HP_METHOD_OPENSDG, HP_DIRECTION_LOWER, 2020, 52.7, 2025, 51.2, 2030, NAN);
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_MODERATE));
    cr_assert(epsilon_eq(dbl, r.actual_rate, -0.005758540377968968, 1e-15));
    cr_assert(epsilon_eq(dbl, r.ratio, 0.005758540377968968, 1e-15));
}

Test(progress_trend, insufficient)
{
    /* CN life expectancy 77.93 (2020) -> 79.25 (2025): growth = (79.25/77.93)^(1/5) - 1 =
     * 0.003364933701624162 < 0.005 -> insufficient */
    hp_progress_input in =
        input(HP_METHOD_OPENSDG, HP_DIRECTION_HIGHER, 2020, 77.93, 2025, 79.25, 2030, NAN);
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_INSUFFICIENT));
    cr_assert(epsilon_eq(dbl, r.ratio, 0.003364933701624162, 1e-15));
}

Test(progress_trend, away)
{
    /* CN myopia 50.2 (2019) -> 52.7 (2020), lower is better: growth = 52.7/50.2 - 1 =
     * 0.04980079681274896, signed -0.0498... < 0 -> away */
    hp_progress_input in =
        input(HP_METHOD_EUROSTAT, HP_DIRECTION_LOWER, 2019, 50.2, 2020, 52.7, 2030, NAN);
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_AWAY));
    cr_assert(epsilon_eq(dbl, r.ratio, -0.04980079681274896, 1e-15));
}

Test(progress_trend, boundaries_through_floating_point)
{
    /* 100 -> 101.5 in one year: growth = 1.015 - 1 = 0.014999999999999902 (< 0.015 by 1e-16)
     * -> significant; 100 -> 100.5: 0.004999999999999893 -> moderate */
    hp_progress_input in =
        input(HP_METHOD_OPENSDG, HP_DIRECTION_HIGHER, 2020, 100, 2021, 101.5, 2025, NAN);
    hp_progress_result r = compute(&in);
    cr_assert(lt(dbl, r.ratio, 0.015));
    cr_assert(eq(int, r.cls, HP_CLASS_SIGNIFICANT));
    in.latest = 100.5;
    r = compute(&in);
    cr_assert(lt(dbl, r.ratio, 0.005));
    cr_assert(eq(int, r.cls, HP_CLASS_MODERATE));
    /* 100 -> 100.4999: growth 0.000999... below 0.005 by far -> insufficient */
    in.latest = 100.4999;
    r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_INSUFFICIENT));
}

Test(progress_trend, linear_relative_to_baseline)
{
    /* Linear: myopia 46.1 (2020) -> 45.0 (2022): act = -0.5500000000000007 points/year,
     * growth = act/|46.1| = -0.011930585683297195, signed +0.0119... -> moderate */
    hp_progress_input in =
        input(HP_METHOD_OPENSDG, HP_DIRECTION_LOWER, 2020, 46.1, 2022, 45.0, 2025, NAN);
    in.linear = 1;
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_MODERATE));
    cr_assert(ieee_ulp_eq(dbl, r.actual_rate, -0.5500000000000007, 4));
    cr_assert(epsilon_eq(dbl, r.ratio, 0.011930585683297195, 1e-15));
    in.base = 0;
    r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_NOT_COMPUTABLE));
    assert_note_has(&r, "base value is 0");
}

Test(progress_trend, zero_base_by_method)
{
    /* 0 (2020) -> 3 (2023), higher is better. Open SDG: base 0.001, growth =
     * (3/0.001)^(1/3) - 1 = 13.422... -> significant; Eurostat and UNSD: not computable. */
    hp_progress_input in =
        input(HP_METHOD_OPENSDG, HP_DIRECTION_HIGHER, 2020, 0, 2023, 3, 2025, NAN);
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_SIGNIFICANT));
    cr_assert(epsilon_eq(dbl, r.ratio, cbrt(3000.0) - 1.0, 1e-12));
    cr_assert(eq(str, r.note, "zero base taken as 0.001 (Open SDG)"));
    in.method = HP_METHOD_EUROSTAT;
    r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_NOT_COMPUTABLE));
    assert_note_has(&r, "base value is 0");
    in.method = HP_METHOD_UNSD;
    r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_NOT_COMPUTABLE));
}

Test(progress_trend, met_is_ignored_and_one_observation)
{
    /* Without a number there is no target_achieved (Open SDG): met does not give achieved,
     * and a single observation gives no trend. */
    hp_progress_input in =
        input(HP_METHOD_OPENSDG, HP_DIRECTION_HIGHER, 2020, 2.9, 2020, 2.9, 2025, NAN);
    in.met = 1;
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_NOT_COMPUTABLE));
    cr_assert(eq(str, r.note, "one observation (2020): a rate needs two"));
    in.latest_year = 2023;
    in.latest = 3.99;
    r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_SIGNIFICANT));
}

Test(progress_trend, negative_value_not_computable)
{
    hp_progress_input in =
        input(HP_METHOD_OPENSDG, HP_DIRECTION_HIGHER, 2020, -1.2, 2023, -0.4, 2025, NAN);
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_NOT_COMPUTABLE));
    assert_note_has(&r, "negative");
}

/* ---- unsd: projected share of the distance at the target year ---- */

Test(progress_unsd, beds_compound_projection)
{
    /* act = (7.95/7.82)^(1/3) - 1 = 0.005510920934675756
     * projected 2025 = 7.95 * (1 + act)^2 = 8.037865086345255
     * share = (8.0378... - 7.82)/(8.00 - 7.82) = 1.21036159080697 -> significant */
    hp_progress_input in =
        input(HP_METHOD_UNSD, HP_DIRECTION_HIGHER, 2020, 7.82, 2023, 7.95, 2025, 8.00);
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_SIGNIFICANT));
    cr_assert(epsilon_eq(dbl, r.ratio, 1.21036159080697, 1e-12));
    cr_assert(epsilon_eq(dbl, r.required_rate, 0.004561770765542983, 1e-15));
}

Test(progress_unsd, premature_mortality_classes)
{
    /* 17.24 (2020) -> 15 (2025), lower is better; project from 2022 over 3 years.
     * 16.5: act -0.02169709898963801, projected 15.449127888635214,
     *       share 0.7994964782878506 -> moderate
     * 17.2: act -0.0011607664968547038, projected 17.140173946610815, share 0.04456520240588532
     *       -> insufficient (UN: stagnation)
     * 17.5: act +0.007512385281947642, projected 17.89737053321325, share -0.2934689880416312
     *       -> away (UN: regression) */
    hp_progress_input in =
        input(HP_METHOD_UNSD, HP_DIRECTION_LOWER, 2020, 17.24, 2022, 16.5, 2025, 15);
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_MODERATE));
    cr_assert(epsilon_eq(dbl, r.ratio, 0.7994964782878506, 1e-12));
    in.latest = 17.2;
    r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_INSUFFICIENT));
    cr_assert(epsilon_eq(dbl, r.ratio, 0.04456520240588532, 1e-12));
    in.latest = 17.5;
    r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_AWAY));
    cr_assert(epsilon_eq(dbl, r.ratio, -0.2934689880416312, 1e-12));
}

Test(progress_unsd, linear_projection_and_thresholds_differ_from_opensdg)
{
    /* Myopia 46.1 (2020) -> 43.6 (2025), linear; latest 45.9 (2022):
     * act = (45.9-46.1)/2 = -0.10000000000000142; projected = 45.9 + act*3 = 45.599999999999994
     * share = (45.6-46.1)/(43.6-46.1) = 0.20000000000000284 >= 0.10 -> moderate under unsd,
     * while Open SDG's ratio 0.2 < 0.6 is insufficient */
    hp_progress_input in =
        input(HP_METHOD_UNSD, HP_DIRECTION_LOWER, 2020, 46.1, 2022, 45.9, 2025, 43.6);
    in.linear = 1;
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_MODERATE));
    cr_assert(ieee_ulp_eq(dbl, r.ratio, 0.20000000000000284, 4));
    in.method = HP_METHOD_OPENSDG;
    r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_INSUFFICIENT));
}

Test(progress_unsd, boundaries_through_floating_point)
{
    /* Linear, 5.0 (2020) -> 2.5 (2025), lower is better (0.5 a year).
     * latest 4.525 (2021): act = -0.4749999999999996, projected = 4.525 + 4*act,
     * share = 0.9499999999999993 -> significant
     * latest 4.95 (2021): share = 0.09999999999999964 -> moderate (UN: fair progress) */
    hp_progress_input in =
        input(HP_METHOD_UNSD, HP_DIRECTION_LOWER, 2020, 5.0, 2021, 4.525, 2025, 2.5);
    in.linear = 1;
    hp_progress_result r = compute(&in);
    cr_assert(lt(dbl, r.ratio, 0.95));
    cr_assert(ieee_ulp_eq(dbl, r.ratio, 0.9499999999999993, 4));
    cr_assert(eq(int, r.cls, HP_CLASS_SIGNIFICANT));
    in.latest = 4.95;
    r = compute(&in);
    cr_assert(lt(dbl, r.ratio, 0.1));
    cr_assert(ieee_ulp_eq(dbl, r.ratio, 0.09999999999999964, 4));
    cr_assert(eq(int, r.cls, HP_CLASS_MODERATE));
    /* latest 4.99: share = (4.99 - 0.01*4 - 5)/(-2.5) = 0.02 -> insufficient */
    in.latest = 4.99;
    r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_INSUFFICIENT));
}

Test(progress_unsd, achieved_when_met)
{
    hp_progress_input in =
        input(HP_METHOD_UNSD, HP_DIRECTION_LOWER, 2020, 5.4, 2021, 5.0, 2025, 5.2);
    in.met = 1;
    hp_progress_result r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_ACHIEVED));
}

Test(progress_unsd, zero_target_needs_no_substitution)
{
    /* Maternal deaths 4 (2020) -> 0 (2025); latest 2 (2023). act = (2/4)^(1/3) - 1;
     * projected = 2 * (1+act)^2 = 2 * 0.5^(2/3) = 1.2599...; share = (1.2599-4)/(0-4) = 0.685
     * -> moderate; no substitution note */
    hp_progress_input in = input(HP_METHOD_UNSD, HP_DIRECTION_LOWER, 2020, 4, 2023, 2, 2025, 0);
    hp_progress_result r = compute(&in);
    double projected = 2.0 * pow(1.0 + (cbrt(0.5) - 1.0), 2.0);
    cr_assert(eq(int, r.cls, HP_CLASS_MODERATE));
    cr_assert(epsilon_eq(dbl, r.ratio, (projected - 4.0) / (0.0 - 4.0), 1e-12));
    cr_assert(eq(dbl, r.required_rate, -1.0)); /* (0/4)^(1/5) - 1 */
    cr_assert(eq(str, r.note, ""));
    in.base = 0;
    in.target = 5;
    in.direction = HP_DIRECTION_HIGHER;
    r = compute(&in);
    cr_assert(eq(int, r.cls, HP_CLASS_NOT_COMPUTABLE));
    assert_note_has(&r, "cannot be projected from zero");
}

/* ---- properties ---- */

Test(progress_properties, class_always_defined_and_explained)
{
    /* A grid of awkward inputs: every call succeeds, the class is one of the defined ones
     * (never NONE once computed) and not_computable always comes with a note. */
    const double values[] = {-2, 0, 0.5, 5, 6, 17.24};
    const double targets[] = {NAN, -1, 0, 5, 6};
    const int years[] = {2019, 2020, 2023, 2025};
    int calls = 0;
    for (int m = 0; m < 3; m++)
        for (int dir = 0; dir < 3; dir++)
            for (size_t bi = 0; bi < 6; bi++)
                for (size_t li = 0; li < 6; li++)
                    for (size_t ti = 0; ti < 5; ti++)
                        for (size_t yi = 0; yi < 4; yi++)
                            for (int lin = 0; lin < 2; lin++)
                                for (int met = 0; met < 2; met++) {
                                    hp_progress_input in =
                                        input((hp_method)m, (hp_direction)dir, 2020, values[bi],
                                              years[yi], values[li], 2025, targets[ti]);
                                    hp_progress_result r;
                                    in.linear = lin;
                                    in.met = met;
                                    cr_assert(eq(int, hp_progress_compute(&in, NULL, &r), HP_OK));
                                    cr_assert(r.cls >= HP_CLASS_ACHIEVED &&
                                              r.cls <= HP_CLASS_NOT_COMPUTABLE);
                                    if (r.cls == HP_CLASS_NOT_COMPUTABLE)
                                        cr_assert(r.note[0] != '\0');
                                    /* ratio-based classes carry their ratio; away without
                                     * one (target = base, baseline already met) says why */
                                    if (r.cls >= HP_CLASS_SIGNIFICANT &&
                                        r.cls <= HP_CLASS_INSUFFICIENT)
                                        cr_assert(isnan(r.ratio) == 0);
                                    if (r.cls == HP_CLASS_AWAY && isnan(r.ratio))
                                        cr_assert(r.note[0] != '\0');
                                    cr_assert(isinf(r.ratio) == 0 && isinf(r.progress) == 0);
                                    calls++;
                                }
    cr_assert(eq(int, calls, 3 * 3 * 6 * 6 * 5 * 4 * 2 * 2));
}
