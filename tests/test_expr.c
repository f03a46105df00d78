/* Tests for healthplan/expr.h: the expression language of `expr` rules. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "healthplan/common.h"
#include "healthplan/expr.h"

#define HP_ASSERT_OK(call)                                                                     \
    do {                                                                                       \
        int rc_ = (call);                                                                      \
        cr_assert(eq(int, rc_, HP_OK), "%s failed: %s", #call, hp_error_last()->message);      \
    } while (0)

/* ---- a region's indicators, as a lookup callback that counts its calls ---- */

typedef struct var {
    const char *name;
    double value;
} var;

typedef struct region {
    const var *vars;
    size_t n;
    int lookups;
    char last[64];
} region;

static int lookup(void *ctx, const char *name, double *value)
{
    region *r = ctx;
    r->lookups++;
    snprintf(r->last, sizeof r->last, "%s", name);
    for (size_t i = 0; i < r->n; i++) {
        if (!strcmp(r->vars[i].name, name)) {
            *value = r->vars[i].value;
            return HP_OK;
        }
    }
    return HP_ENOTFOUND;
}

#define REGION(arr) {(arr), sizeof(arr) / sizeof((arr)[0]), 0, ""}

/* Compile and evaluate with no variables. */
static double ev(const char *text)
{
    hp_expr *e = NULL;
    double v = NAN;
    HP_ASSERT_OK(hp_expr_compile(text, &e));
    HP_ASSERT_OK(hp_expr_eval(e, NULL, NULL, &v));
    hp_expr_free(e);
    return v;
}

/* Compile and evaluate against a region. */
static double evr(const char *text, region *r)
{
    hp_expr *e = NULL;
    double v = NAN;
    HP_ASSERT_OK(hp_expr_compile(text, &e));
    HP_ASSERT_OK(hp_expr_eval(e, lookup, r, &v));
    hp_expr_free(e);
    return v;
}

/* Compile must fail with HP_EPARSE at `column` with `fragment` in the message. */
static void parse_fails(const char *text, int column, const char *fragment)
{
    hp_expr *e = (hp_expr *)1;
    int rc = hp_expr_compile(text, &e);
    cr_assert(eq(int, rc, HP_EPARSE), "\"%s\" compiled", text);
    cr_assert(eq(ptr, e, NULL));
    const hp_error *err = hp_error_last();
    cr_assert(eq(int, err->code, HP_EPARSE));
    cr_assert(eq(str, (char *)err->file, "<expr>"));
    cr_assert(eq(int, err->line, 1));
    cr_assert(eq(int, err->column, column), "\"%s\": column %d, expected %d (%s)", text,
              err->column, column, err->message);
    cr_assert(not(eq(ptr, strstr(err->message, fragment), NULL)),
              "\"%s\": message \"%s\" lacks \"%s\"", text, err->message, fragment);
}

/* Evaluation must fail with `code` at `column` with `fragment` in the message. */
static void eval_fails(const char *text, region *r, int code, int column, const char *fragment)
{
    hp_expr *e = NULL;
    double v = 12345;
    HP_ASSERT_OK(hp_expr_compile(text, &e));
    int rc = hp_expr_eval(e, r ? lookup : NULL, r, &v);
    hp_expr_free(e);
    cr_assert(eq(int, rc, code), "\"%s\": %s", text, hp_strerror(rc));
    cr_assert(ieee_ulp_eq(dbl, v, 12345, 0), "out written on failure");
    const hp_error *err = hp_error_last();
    cr_assert(eq(str, (char *)err->file, "<expr>"));
    cr_assert(eq(int, err->column, column), "\"%s\": column %d (%s)", text, err->column,
              err->message);
    cr_assert(not(eq(ptr, strstr(err->message, fragment), NULL)),
              "\"%s\": message \"%s\" lacks \"%s\"", text, err->message, fragment);
}

static char *canon(const char *text)
{
    hp_expr *e = NULL;
    char *s = NULL;
    HP_ASSERT_OK(hp_expr_compile(text, &e));
    HP_ASSERT_OK(hp_expr_to_string(e, &s));
    hp_expr_free(e);
    return s;
}

static void canon_is(const char *text, const char *expected)
{
    char *s = canon(text);
    cr_assert(eq(str, s, (char *)expected), "\"%s\" printed as \"%s\"", text, s);
    hp_free(s);
}

/* ---------------------------------------------------------------------------------------- */
/* Numbers and arithmetic                                                                    */

Test(expr_eval, number_forms)
{
    cr_assert(ieee_ulp_eq(dbl, ev("7.82"), 7.82, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("1e3"), 1000, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("2.5E-2"), 0.025, 0));
    cr_assert(ieee_ulp_eq(dbl, ev(".5"), 0.5, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("5."), 5, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("0012.50"), 12.5, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("300000"), 300000, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("0.001"), 0.001, 0));
}

Test(expr_eval, each_arithmetic_operator)
{
    cr_assert(ieee_ulp_eq(dbl, ev("3 + 4"), 7, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("3 - 4"), -1, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("3 * 4"), 12, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("3 / 4"), 0.75, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("3 ^ 4"), 81, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("30117 / 3851564 * 1000"), 30117.0 / 3851564.0 * 1000, 4));
}

Test(expr_eval, unicode_operators_are_ascii_equivalents)
{
    cr_assert(ieee_ulp_eq(dbl, ev("3 × 4"), 12, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("3 ÷ 4"), 0.75, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("3 ≤ 3"), 1, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("3 ≥ 4"), 0, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("3 ≠ 4"), 1, 0));
    canon_is("a×b÷c≤d", "a * b / c <= d");
}

Test(expr_eval, multiplication_binds_tighter_than_addition)
{
    cr_assert(ieee_ulp_eq(dbl, ev("1 + 2 * 3"), 7, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("(1 + 2) * 3"), 9, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("1 + 6 / 3 - 1"), 2, 0));
}

Test(expr_eval, subtraction_and_division_are_left_associative)
{
    cr_assert(ieee_ulp_eq(dbl, ev("10 - 4 - 3"), 3, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("64 / 4 / 2"), 8, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("2 * 3 / 4"), 1.5, 0));
}

Test(expr_eval, power_is_right_associative)
{
    cr_assert(ieee_ulp_eq(dbl, ev("2^3^2"), 512, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("(2^3)^2"), 64, 0));
}

Test(expr_eval, power_binds_tighter_than_unary_minus)
{
    cr_assert(ieee_ulp_eq(dbl, ev("-2^2"), -4, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("(-2)^2"), 4, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("2^-1"), 0.5, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("2^-2^2"), 0.0625, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("-3 * 2"), -6, 0));
}

Test(expr_eval, unary_minus_and_plus)
{
    cr_assert(ieee_ulp_eq(dbl, ev("- -3"), 3, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("+3"), 3, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("-(-(3))"), 3, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("4 - -3"), 7, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("4 * -3"), -12, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("-0"), 0, 0));
    cr_assert(not(signbit(ev("-0"))));
}

/* ---------------------------------------------------------------------------------------- */
/* Comparisons and logic                                                                     */

Test(expr_eval, each_comparison_gives_one_or_zero)
{
    cr_assert(ieee_ulp_eq(dbl, ev("1 < 2"), 1, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("2 < 2"), 0, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("2 <= 2"), 1, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("3 <= 2"), 0, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("3 > 2"), 1, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("2 > 2"), 0, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("2 >= 2"), 1, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("1 >= 2"), 0, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("2 == 2"), 1, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("2 == 3"), 0, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("2 != 3"), 1, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("2 != 2"), 0, 0));
}

Test(expr_eval, comparisons_at_the_tolerance_edge)
{
    /* 0.1 + 0.2 is 0.30000000000000004 */
    cr_assert(ieee_ulp_eq(dbl, ev("0.1 + 0.2 == 0.3"), 1, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("0.1 + 0.2 <= 0.3"), 1, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("0.1 + 0.2 > 0.3"), 0, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("0.3 < 0.1 + 0.2"), 0, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("0.3 >= 0.1 + 0.2"), 1, 0));
    /* DESIGN.md §5: 46.1 - 5 x 0.5 meets 43.6 */
    cr_assert(ieee_ulp_eq(dbl, ev("46.1 - 5 * 0.5 <= 43.6"), 1, 0));
    /* relative: 1e-9 of a million is 0.001 */
    cr_assert(ieee_ulp_eq(dbl, ev("1000000 == 1000000.0009"), 1, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("1000000 == 1000000.0011"), 0, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("1000000.0011 > 1000000"), 1, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("1000000.0009 > 1000000"), 0, 0));
    /* absolute below 1 */
    cr_assert(ieee_ulp_eq(dbl, ev("0.0000000005 == 0"), 1, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("0.000000002 == 0"), 0, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("0.000000002 > 0"), 1, 0));
}

Test(expr_eval, logical_operators_and_symbols)
{
    cr_assert(ieee_ulp_eq(dbl, ev("1 and 1"), 1, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("1 and 0"), 0, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("0 or 0"), 0, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("0 or 1"), 1, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("not 0"), 1, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("not 7"), 0, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("1 && 0 || !0"), 1, 0));
    /* any nonzero value is true; results are 1 or 0 */
    cr_assert(ieee_ulp_eq(dbl, ev("2 and 3"), 1, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("0 or 5"), 1, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("-0.5 and 1"), 1, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("true"), 1, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("false or true"), 1, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("true + true"), 2, 0));
}

Test(expr_eval, logical_precedence_not_and_or)
{
    cr_assert(ieee_ulp_eq(dbl, ev("1 or 0 and 0"), 1, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("(1 or 0) and 0"), 0, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("not 1 < 0"), 1, 0));   /* not (1 < 0) */
    cr_assert(ieee_ulp_eq(dbl, ev("not 0 and 0"), 0, 0)); /* (not 0) and 0 */
    cr_assert(ieee_ulp_eq(dbl, ev("not not 3"), 1, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("1 + 1 == 2 and 2 * 2 == 4"), 1, 0));
    var vs[] = {{"x", 4}, {"y", 2}};
    region r = REGION(vs);
    cr_assert(ieee_ulp_eq(dbl, evr("not (x < 3) and y != 0", &r), 1, 0));
    vs[0].value = 2;
    cr_assert(ieee_ulp_eq(dbl, evr("not (x < 3) and y != 0", &r), 0, 0));
}

Test(expr_eval, and_short_circuit_skips_division_and_lookup)
{
    var vs[] = {{"population", 0}, {"beds", 100}};
    region r = REGION(vs);
    cr_assert(ieee_ulp_eq(dbl, evr("population > 0 and beds / population > 0.001", &r), 0, 0));
    cr_assert(eq(int, r.lookups, 1));
    cr_assert(eq(str, r.last, "population"));
    vs[0].value = 50000;
    r.lookups = 0;
    cr_assert(ieee_ulp_eq(dbl, evr("population > 0 and beds / population > 0.001", &r), 1, 0));
    cr_assert(eq(int, r.lookups, 3));
}

Test(expr_eval, or_short_circuit_skips_missing_variable)
{
    var vs[] = {{"a", 1}};
    region r = REGION(vs);
    /* not_in_region has no value, but it is never needed */
    cr_assert(ieee_ulp_eq(dbl, evr("a > 0 or not_in_region > 0", &r), 1, 0));
    cr_assert(eq(int, r.lookups, 1));
    r.lookups = 0;
    cr_assert(ieee_ulp_eq(dbl, evr("a < 0 and not_in_region > 0", &r), 0, 0));
    cr_assert(eq(int, r.lookups, 1));
    /* chained: a and (skipped) and (skipped) */
    r.lookups = 0;
    cr_assert(ieee_ulp_eq(dbl, evr("a == 0 and b and c or a", &r), 1, 0));
    cr_assert(eq(int, r.lookups, 2));
}

Test(expr_eval, each_variable_reference_is_looked_up)
{
    var vs[] = {{"a", 3}};
    region r = REGION(vs);
    cr_assert(ieee_ulp_eq(dbl, evr("a * a + a", &r), 12, 0));
    cr_assert(eq(int, r.lookups, 3));
}

/* ---------------------------------------------------------------------------------------- */
/* Functions                                                                                 */

Test(expr_eval, min_max_abs)
{
    cr_assert(ieee_ulp_eq(dbl, ev("min(3, 1, 2)"), 1, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("max(3, 1, 2)"), 3, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("min(4)"), 4, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("max(-1, -5)"), -1, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("abs(-2.5)"), 2.5, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("abs(2.5)"), 2.5, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("max (1, min(2, 3) + 5)"), 7, 0));
}

Test(expr_eval, floor_and_ceil_snap_within_tolerance)
{
    cr_assert(ieee_ulp_eq(dbl, ev("floor(2.7)"), 2, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("floor(-2.2)"), -3, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("ceil(2.2)"), 3, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("ceil(-2.7)"), -2, 0));
    /* 2.3 * 100 is 229.99999999999997 and 0.1 * 3 * 10 is 3.0000000000000004 */
    cr_assert(ieee_ulp_eq(dbl, ev("floor(2.3 * 100)"), 230, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("ceil(0.1 * 3 * 10)"), 3, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("ceil(3851564 / 30000)"), 129, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("floor(-0.3)"), -1, 0));
}

Test(expr_eval, round_half_away_from_zero_with_digits)
{
    cr_assert(ieee_ulp_eq(dbl, ev("round(2.5)"), 3, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("round(-2.5)"), -3, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("round(2.4)"), 2, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("round(7.8196, 2)"), 7.82, 0));
    /* 1.005 * 100 is 100.49999999999999: a half within the tolerance */
    cr_assert(ieee_ulp_eq(dbl, ev("round(1.005, 2)"), 1.01, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("round(12345, -2)"), 12300, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("round(1e300, 10)"), 1e300, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("round(2.5, 2 - 2)"), 3, 0));
}

Test(expr_eval, round_rejects_bad_digits)
{
    eval_fails("1 + round(2.5, 0.5)", NULL, HP_ERANGE, 5, "digits must be a whole number");
    eval_fails("round(2.5, 16)", NULL, HP_ERANGE, 1, "not 16");
}

/* ---------------------------------------------------------------------------------------- */
/* Evaluation errors                                                                         */

Test(expr_eval, division_by_zero_names_the_variable_and_column)
{
    var vs[] = {{"beds", 100}, {"population", 0}};
    region r = REGION(vs);
    eval_fails("beds / population > 0.001", &r, HP_ERANGE, 6, "division by zero at column 6");
    cr_assert(not(eq(ptr, strstr(hp_error_last()->message, "\"population\" is 0"), NULL)));
    eval_fails("1 / (2 - 2)", NULL, HP_ERANGE, 3, "division by zero at column 3");
    eval_fails("1 ÷ 0", NULL, HP_ERANGE, 3, "division by zero");
}

Test(expr_eval, non_finite_results_are_range_errors)
{
    eval_fails("1e300 * 1e300", NULL, HP_ERANGE, 7, "not a finite number (1e+300 * 1e+300)");
    eval_fails("2 + 10 ^ 400", NULL, HP_ERANGE, 8, "column 8");
    eval_fails("(-8) ^ 0.5", NULL, HP_ERANGE, 6, "negative number to a fractional power");
    eval_fails("0 ^ -1", NULL, HP_ERANGE, 3, "zero to a negative power");
    cr_assert(ieee_ulp_eq(dbl, ev("(-8) ^ 2"), 64, 0));
}

Test(expr_eval, missing_variable_is_not_found)
{
    var vs[] = {{"ambulances", 120}};
    region r = REGION(vs);
    eval_fails("ambulances >= population / 30000", &r, HP_ENOTFOUND, 15,
               "no value for \"population\"");
    eval_fails("x + 1", NULL, HP_ENOTFOUND, 1, "no value for \"x\"");
}

static int lookup_nan(void *ctx, const char *name, double *value)
{
    (void)ctx;
    *value = strcmp(name, "inf") ? NAN : INFINITY;
    return HP_OK;
}

Test(expr_eval, nan_from_lookup_is_missing_and_infinity_a_range_error)
{
    hp_expr *e;
    double v;
    HP_ASSERT_OK(hp_expr_compile("2 * gap", &e));
    cr_assert(eq(int, hp_expr_eval(e, lookup_nan, NULL, &v), HP_ENOTFOUND));
    cr_assert(not(eq(ptr, strstr(hp_error_last()->message, "no value for \"gap\""), NULL)));
    hp_expr_free(e);
    HP_ASSERT_OK(hp_expr_compile("1 + inf", &e));
    cr_assert(eq(int, hp_expr_eval(e, lookup_nan, NULL, &v), HP_ERANGE));
    cr_assert(eq(int, hp_error_last()->column, 5));
    hp_expr_free(e);
}

static int lookup_eio(void *ctx, const char *name, double *value)
{
    (void)ctx;
    (void)name;
    (void)value;
    return HP_EIO;
}

Test(expr_eval, other_lookup_errors_are_propagated)
{
    hp_expr *e;
    double v;
    HP_ASSERT_OK(hp_expr_compile("1 + beds", &e));
    hp_error_clear();
    cr_assert(eq(int, hp_expr_eval(e, lookup_eio, NULL, &v), HP_EIO));
    cr_assert(eq(int, hp_error_last()->code, HP_EIO));
    cr_assert(not(eq(ptr, strstr(hp_error_last()->message, "\"beds\""), NULL)));
    hp_expr_free(e);
}

Test(expr_eval, null_arguments)
{
    hp_expr *e;
    double v;
    cr_assert(eq(int, hp_expr_compile(NULL, &e), HP_EINVAL));
    cr_assert(eq(int, hp_expr_compile("1", NULL), HP_EINVAL));
    cr_assert(eq(int, hp_expr_eval(NULL, NULL, NULL, &v), HP_EINVAL));
    HP_ASSERT_OK(hp_expr_compile("1", &e));
    cr_assert(eq(int, hp_expr_eval(e, NULL, NULL, NULL), HP_EINVAL));
    char *s;
    cr_assert(eq(int, hp_expr_to_string(NULL, &s), HP_EINVAL));
    cr_assert(eq(int, hp_expr_to_string(e, NULL), HP_EINVAL));
    hp_expr_free(e);
    hp_expr_free(NULL);
    cr_assert(eq(sz, hp_expr_variable_count(NULL), 0));
    cr_assert(eq(ptr, (void *)hp_expr_variable(NULL, 0), NULL));
    cr_assert(eq(int, hp_expr_is_boolean(NULL), 0));
}

/* ---------------------------------------------------------------------------------------- */
/* The plans' norms                                                                          */

Test(expr_plans, psychiatric_services_for_counties_over_300k)
{
    /* 000: 常住人口超过30万的县（市）至少设1所精神病专科医院或在1家县级公立医院设置有病房的精神科 */
    hp_expr *when, *rule;
    HP_ASSERT_OK(hp_expr_compile("population > 300000", &when));
    HP_ASSERT_OK(
        hp_expr_compile("psychiatric_hospitals + county_hospitals_with_psychiatric_ward >= 1", &rule));
    cr_assert(hp_expr_is_boolean(when));
    cr_assert(hp_expr_is_boolean(rule));
    var anhua[] = {{"population", 850000}, {"psychiatric_hospitals", 0},
                   {"county_hospitals_with_psychiatric_ward", 1}};
    region r = REGION(anhua);
    double applies, met;
    HP_ASSERT_OK(hp_expr_eval(when, lookup, &r, &applies));
    HP_ASSERT_OK(hp_expr_eval(rule, lookup, &r, &met));
    cr_assert(ieee_ulp_eq(dbl, applies, 1, 0));
    cr_assert(ieee_ulp_eq(dbl, met, 1, 0));
    anhua[2].value = 0;
    HP_ASSERT_OK(hp_expr_eval(rule, lookup, &r, &met));
    cr_assert(ieee_ulp_eq(dbl, met, 0, 0));
    var small[] = {{"population", 300000}};
    region s = REGION(small);
    HP_ASSERT_OK(hp_expr_eval(when, lookup, &s, &applies));
    cr_assert(ieee_ulp_eq(dbl, applies, 0, 0)); /* exactly 30万 is not 超过30万 */
    hp_expr_free(when);
    hp_expr_free(rule);
}

Test(expr_plans, ambulances_one_per_30000_people)
{
    /* 000: 按3万常住人口1辆的标准配备救护车 */
    var yiyang[] = {{"population", 3851564}, {"ambulances", 129}};
    region r = REGION(yiyang);
    cr_assert(ieee_ulp_eq(dbl, evr("ambulances >= population / 30000", &r), 1, 0));
    yiyang[1].value = 128;
    cr_assert(ieee_ulp_eq(dbl, evr("ambulances >= population / 30000", &r), 0, 0));
    /* 县域按常住人口的300%测算人口基数 */
    var county[] = {{"population", 300000}, {"ambulances", 30}};
    region c = REGION(county);
    cr_assert(ieee_ulp_eq(dbl, evr("ambulances >= population * 3 / 30000", &c), 1, 0));
    cr_assert(ieee_ulp_eq(dbl, evr("ceil(population × 3 ÷ 30000)", &c), 30, 0));
}

Test(expr_plans, negative_pressure_and_general_practitioners)
{
    var vs[] = {{"negative_pressure_ambulances", 52},
                {"ambulances", 129},
                {"gps_per_township_hc", 2}};
    region r = REGION(vs);
    cr_assert(ieee_ulp_eq(dbl, evr("negative_pressure_ambulances >= 1", &r), 1, 0));
    /* 逐步实现负压救护车占比40%以上 */
    cr_assert(ieee_ulp_eq(dbl, evr("negative_pressure_ambulances / ambulances >= 0.4", &r), 1, 0));
    cr_assert(ieee_ulp_eq(dbl, evr("gps_per_township_hc >= 2", &r), 1, 0));
    var m[] = {{"a", 0.7}, {"b", 0.6}, {"c", 1}};
    region rm = REGION(m);
    cr_assert(ieee_ulp_eq(dbl, evr("min(a, b) >= 0.6 * c", &rm), 1, 0));
    m[2].value = 1.01;
    cr_assert(ieee_ulp_eq(dbl, evr("min(a, b) >= 0.6 * c", &rm), 0, 0));
}

/* ---------------------------------------------------------------------------------------- */
/* Variables, printing, classification                                                       */

Test(expr_api, variables_in_order_of_first_appearance)
{
    hp_expr *e;
    HP_ASSERT_OK(hp_expr_compile("b + a * b - max(c, a) > 0 and true", &e));
    cr_assert(eq(sz, hp_expr_variable_count(e), 3));
    cr_assert(eq(str, (char *)hp_expr_variable(e, 0), "b"));
    cr_assert(eq(str, (char *)hp_expr_variable(e, 1), "a"));
    cr_assert(eq(str, (char *)hp_expr_variable(e, 2), "c"));
    cr_assert(eq(ptr, (void *)hp_expr_variable(e, 3), NULL));
    hp_expr_free(e);
    HP_ASSERT_OK(hp_expr_compile("min(1, 2)", &e));
    cr_assert(eq(sz, hp_expr_variable_count(e), 0));
    hp_expr_free(e);
    /* a function name not followed by "(" is an ordinary name */
    HP_ASSERT_OK(hp_expr_compile("min + 1", &e));
    cr_assert(eq(sz, hp_expr_variable_count(e), 1));
    cr_assert(eq(str, (char *)hp_expr_variable(e, 0), "min"));
    hp_expr_free(e);
}

Test(expr_api, many_distinct_variables)
{
    char text[8000];
    size_t n = 0;
    for (int i = 0; i < 1000; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%sv%d", i ? "+" : "", i % 700);
    hp_expr *e;
    HP_ASSERT_OK(hp_expr_compile(text, &e));
    cr_assert(eq(sz, hp_expr_variable_count(e), 700));
    cr_assert(eq(str, (char *)hp_expr_variable(e, 699), "v699"));
    hp_expr_free(e);
}

Test(expr_api, is_boolean_looks_at_the_outermost_operator)
{
    static const char *const yes[] = {"a < b", "a == 1 or b", "not a", "true", "false",
                                      "(a + 1 >= 2)", "a and b", "x != 0"};
    static const char *const no[] = {"a + b", "population / 30000", "(a < b) + 1", "min(a < b, 1)",
                                     "-a", "3"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
        hp_expr *e;
        HP_ASSERT_OK(hp_expr_compile(yes[i], &e));
        cr_assert(hp_expr_is_boolean(e), "%s", yes[i]);
        hp_expr_free(e);
    }
    for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
        hp_expr *e;
        HP_ASSERT_OK(hp_expr_compile(no[i], &e));
        cr_assert(not(hp_expr_is_boolean(e)), "%s", no[i]);
        hp_expr_free(e);
    }
}

Test(expr_api, to_string_is_canonical_with_minimal_parentheses)
{
    canon_is("(1+2)*3", "(1 + 2) * 3");
    canon_is("1+(2*3)", "1 + 2 * 3");
    canon_is("a-(b-c)", "a - (b - c)");
    canon_is("(a-b)-c", "a - b - c");
    canon_is("(-2)^2", "(-2) ^ 2");
    canon_is("-2^2", "-2 ^ 2");
    canon_is("2^(3^2)", "2 ^ 3 ^ 2");
    canon_is("(2^3)^2", "(2 ^ 3) ^ 2");
    canon_is("2^-1", "2 ^ -1");
    canon_is("- -a", "- -a");
    canon_is("+a", "a");
    canon_is("not(x<3)&&y≠0", "not x < 3 and y != 0");
    canon_is("(not a) + 1", "(not a) + 1");
    canon_is("a and (b or c)", "a and (b or c)");
    canon_is("(a and b) or c", "a and b or c");
    canon_is("(a < b) == c", "(a < b) == c");
    canon_is("min( a ,b)>=0.6*c", "min(a, b) >= 0.6 * c");
    canon_is("3e5 + 1e-3 + .5 + 7.820", "300000 + 0.001 + 0.5 + 7.82");
    canon_is("TRUE_ratio == true", "TRUE_ratio == true");
}

Test(expr_api, to_string_round_trips)
{
    static const char *const texts[] = {
        "psychiatric_hospitals + county_hospitals_with_psychiatric_ward >= 1",
        "ambulances >= population / 30000",
        "not (x < 3) and y != 0",
        "-(b - a) ^ -(c) * 2 / (a + 1)",
        "a or b and not c or (d and e)",
        "round(a / 3, 2) + floor(b) - ceil(-c) * abs(a - b)",
        "max(a, b, c, 1e-7, 123456789012) - min(a, 0.1 + 0.2)",
        "(a <= b) + (b >= c) + (a == c) - (a != b)",
        "2 ^ 3 ^ 2 + (2 ^ 3) ^ 2 + -2 ^ 2 + (-2) ^ 2",
        "a - -b - (-c) --a",
        "0.1 * 3 == 0.3 or false",
    };
    var vs[] = {{"psychiatric_hospitals", 1}, {"county_hospitals_with_psychiatric_ward", 0},
                {"ambulances", 12}, {"population", 360000}, {"x", 2}, {"y", 3},
                {"a", 1.25}, {"b", 3}, {"c", 0.5}, {"d", 1}, {"e", 0}};
    region r = REGION(vs);
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        hp_expr *e1, *e2;
        char *s1, *s2;
        double v1, v2;
        HP_ASSERT_OK(hp_expr_compile(texts[i], &e1));
        HP_ASSERT_OK(hp_expr_to_string(e1, &s1));
        HP_ASSERT_OK(hp_expr_compile(s1, &e2));
        HP_ASSERT_OK(hp_expr_to_string(e2, &s2));
        cr_assert(eq(str, s1, s2), "not idempotent: %s -> %s -> %s", texts[i], s1, s2);
        HP_ASSERT_OK(hp_expr_eval(e1, lookup, &r, &v1));
        HP_ASSERT_OK(hp_expr_eval(e2, lookup, &r, &v2));
        cr_assert(ieee_ulp_eq(dbl, v1, v2, 0), "%s = %g but %s = %g", texts[i], v1, s1, v2);
        cr_assert(eq(int, hp_expr_is_boolean(e1), hp_expr_is_boolean(e2)));
        hp_free(s1);
        hp_free(s2);
        hp_expr_free(e1);
        hp_expr_free(e2);
    }
}

Test(expr_api, to_string_of_long_left_chain)
{
    /* 30,000 terms: printing must be linear, not quadratic, and not recurse */
    size_t n = 30000;
    char *text = malloc(2 * n + 1);
    for (size_t i = 0; i < n; i++) {
        text[2 * i] = '1';
        text[2 * i + 1] = '+';
    }
    text[2 * n - 1] = '\0';
    hp_expr *e;
    char *s;
    double v;
    HP_ASSERT_OK(hp_expr_compile(text, &e));
    HP_ASSERT_OK(hp_expr_eval(e, NULL, NULL, &v));
    cr_assert(ieee_ulp_eq(dbl, v, (double)n, 0));
    HP_ASSERT_OK(hp_expr_to_string(e, &s));
    cr_assert(eq(sz, strlen(s), 4 * n - 3));
    cr_assert(eq(int, strncmp(s, "1 + 1 + 1", 9), 0));
    hp_free(s);
    hp_expr_free(e);
    free(text);
}

/* ---------------------------------------------------------------------------------------- */
/* Parse errors: exact column, message                                                       */

Test(expr_parse, unbalanced_parentheses)
{
    parse_fails("(a + b", 7, "expected \")\" but found end of expression");
    cr_assert(not(eq(ptr, strstr(hp_error_last()->message, "column 1 is not closed"), NULL)));
    parse_fails("max(a, (b + 1)", 15, "expected \",\" or \")\" but found end of expression");
    parse_fails("a + b)", 6, "expected an operator or end of expression but found \")\"");
    parse_fails("(a b)", 4, "expected \")\" but found \"b\"");
    parse_fails("()", 2, "after \"(\" but found \")\"");
}

Test(expr_parse, trailing_and_missing_operands)
{
    parse_fails("a +", 4, "expected a number, name, function or \"(\" after \"+\" but found end "
                          "of expression");
    parse_fails("population >=   ", 17, "after \">=\" but found end of expression");
    parse_fails("* 3", 1, "expected a number, name, function or \"(\" but found \"*\"");
    parse_fails("a b", 3, "expected an operator or end of expression but found \"b\"");
    parse_fails("min(a, )", 8, "after \",\" but found \")\"");
    parse_fails("2 (3)", 3, "found \"(\"");
}

Test(expr_parse, unknown_function_with_suggestion)
{
    parse_fails("mx(1, 2)", 1, "unknown function \"mx\" (did you mean \"max\"?)");
    parse_fails("1 + floorr(x)", 5, "(did you mean \"floor\"?)");
    parse_fails("a * MIN(a, b)", 5, "unknown function \"MIN\" (did you mean \"min\"?)");
    parse_fails("sqrt(4)", 1, "unknown function \"sqrt\" (the functions are min, max");
    parse_fails("population (2)", 1, "unknown function \"population\"");
}

Test(expr_parse, function_arity)
{
    parse_fails("1 + abs(1, 2)", 5, "\"abs\" takes 1 argument but was given 2");
    parse_fails("min()", 1, "\"min\" takes at least 1 argument but was given 0");
    parse_fails("round(1, 2, 3)", 1, "\"round\" takes 1 or 2 arguments but was given 3");
}

Test(expr_parse, chained_comparison)
{
    parse_fails("a < b < c", 7, "comparisons cannot be chained");
    parse_fails("0 <= x == 1", 8, "after the comparison at column 3");
    parse_fails("not a < b >= c", 11, "cannot be chained");
    /* parenthesised, it is allowed */
    cr_assert(ieee_ulp_eq(dbl, ev("(1 < 2) < 3"), 1, 0));
}

Test(expr_parse, not_needs_parentheses_inside_comparisons_and_arithmetic)
{
    parse_fails("1 < not 2", 5, "(put \"not ...\" in parentheses)");
    parse_fails("-not 1", 2, "found \"not\"");
    cr_assert(ieee_ulp_eq(dbl, ev("1 < (not 0) + 1"), 1, 0));
}

Test(expr_parse, bad_numbers)
{
    parse_fails("1.2.3", 1, "malformed number \"1.2.3\"");
    parse_fails("x + 1.2.3 > 0", 5, "malformed number \"1.2.3\"");
    parse_fails("1e", 1, "malformed number \"1e\"");
    parse_fails("2x", 1, "malformed number \"2x\"");
    parse_fails("1e400", 1, "number \"1e400\" is too large");
    parse_fails("30,000", 3, "no thousands separators");
    parse_fails("a . 5", 3, "unexpected character \".\"");
}

Test(expr_parse, nesting_limit)
{
    char text[1200];
    size_t n = 0;
    for (int i = 0; i < 300; i++)
        text[n++] = '(';
    text[n++] = '1';
    for (int i = 0; i < 300; i++)
        text[n++] = ')';
    text[n] = '\0';
    parse_fails(text, 257, "nested too deeply");
    /* 256 levels are fine */
    memmove(text, text + 44, strlen(text + 44) + 1);
    text[strlen(text) - 44] = '\0';
    cr_assert(ieee_ulp_eq(dbl, ev(text), 1, 0));
    /* prefix operators and powers nest too */
    n = 0;
    for (int i = 0; i < 300; i++)
        text[n++] = '-';
    text[n++] = '1';
    text[n] = '\0';
    parse_fails(text, 257, "nested too deeply");
    n = 0;
    for (int i = 0; i < 300; i++) {
        text[n++] = '1';
        text[n++] = '^';
    }
    text[n++] = '1';
    text[n] = '\0';
    parse_fails(text, 514, "nested too deeply");
    /* alternating unary minus and parentheses, as a fuzzer would */
    n = 0;
    for (int i = 0; i < 200; i++) {
        text[n++] = '-';
        text[n++] = '(';
    }
    text[n] = '\0';
    parse_fails(text, 257, "nested too deeply");
}

Test(expr_parse, empty_expression)
{
    parse_fails("", 1, "empty expression");
    parse_fails("   \t", 1, "empty expression");
    parse_fails("\xE3\x80\x80", 1, "empty expression");
}

Test(expr_parse, invalid_utf8)
{
    parse_fails("a + \xFF", 5, "invalid UTF-8 (byte 0xFF)");
    parse_fails("人口\xE4\xBA", 3, "invalid UTF-8 (byte 0xE4)"); /* truncated */
    parse_fails("\xC0\xAF", 1, "invalid UTF-8");                  /* overlong "/" */
    parse_fails("1 + \xED\xA0\x80", 5, "invalid UTF-8");          /* surrogate */
    parse_fails("1 \x80", 3, "byte 0x80");                        /* stray continuation */
}

Test(expr_parse, stray_characters)
{
    parse_fails("a @ b", 3, "unexpected character \"@\"");
    parse_fails("a ≥ 1；", 6, "unexpected character \"；\"");
    parse_fails("（a + b) * 2", 1, "(full-width; write \"(\")");
    parse_fails("a ＋ b", 3, "write \"+\"");
    parse_fails("a − b", 3, "write \"-\"");
    parse_fails("人口 > 300000", 1, "names are indicator ids");
    parse_fails("a = b", 3, "unexpected \"=\" (did you mean \"==\"?)");
    parse_fails("a & b", 3, "did you mean \"&&\"");
    parse_fails("a AND b", 3, "(did you mean \"and\"?)");
    parse_fails("a\t\x01", 3, "control character U+0001");
}

Test(expr_parse, columns_count_code_points_and_ideographic_space)
{
    parse_fails("a ≥ b @", 7, "\"@\"");
    parse_fails("a\xE3\x80\x80+\xE3\x80\x80@", 5, "\"@\"");
    parse_fails("min(人", 5, "\"人\"");
    var vs[] = {{"a", 2}};
    region r = REGION(vs);
    cr_assert(ieee_ulp_eq(dbl, evr("a\xE3\x80\x80>=\xE3\x80\x80" "1", &r), 1, 0));
    cr_assert(ieee_ulp_eq(dbl, evr("a\xC2\xA0*\n2", &r), 4, 0));
}

Test(expr_parse, multi_line_text_reports_line_and_column)
{
    hp_expr *e;
    cr_assert(eq(int, hp_expr_compile("a +\n  b @", &e), HP_EPARSE));
    cr_assert(eq(int, hp_error_last()->line, 2));
    cr_assert(eq(int, hp_error_last()->column, 5));
}

Test(expr_parse, names)
{
    char name[80];
    memset(name, 'n', 63);
    name[63] = '\0';
    var vs[] = {{name, 5}};
    region r = REGION(vs);
    cr_assert(ieee_ulp_eq(dbl, evr(name, &r), 5, 0));
    name[63] = 'n';
    name[64] = '\0';
    parse_fails(name, 1, "is too long (at most 63 bytes)");
    parse_fails("and", 1, "found \"and\"");
    var u[] = {{"_x2", 3}};
    region ru = REGION(u);
    cr_assert(ieee_ulp_eq(dbl, evr("_x2 * 2", &ru), 6, 0));
}

Test(expr_parse, length_limit)
{
    size_t n = HP_EXPR_MAX_LENGTH;
    char *text = malloc(n + 2);
    memset(text, ' ', n + 1);
    text[0] = '1';
    text[n] = '\0';
    cr_assert(ieee_ulp_eq(dbl, ev(text), 1, 0)); /* exactly the limit */
    text[n] = ' ';
    text[n + 1] = '\0';
    parse_fails(text, 1, "expression too long");
    free(text);
}

Test(expr_parse, too_many_pending_values)
{
    /* min with 600 arguments needs 600 values at once */
    char text[4000];
    size_t n = (size_t)snprintf(text, sizeof text, "min(");
    for (int i = 0; i < 600; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%s1", i ? "," : "");
    snprintf(text + n, sizeof text - n, ")");
    parse_fails(text, 5 + 2 * 512, "too complex"); /* the 513th "1" */
}

/* ---------------------------------------------------------------------------------------- */
/* Locale, threads, allocation                                                               */

Test(expr_env, german_numeric_locale_still_reads_a_decimal_point)
{
    static const char *const names[] = {"de_DE.UTF-8", "de_DE.utf8", "de_DE", "German"};
    const char *got = NULL;
    for (size_t i = 0; i < 4 && !got; i++)
        got = setlocale(LC_NUMERIC, names[i]);
    if (!got)
        cr_skip("no German locale installed");
    cr_assert(eq(str, localeconv()->decimal_point, ","));
    cr_assert(ieee_ulp_eq(dbl, ev("7.82"), 7.82, 0));
    cr_assert(ieee_ulp_eq(dbl, ev("7.82 * 1000"), 7820, 4));
    parse_fails("7,82", 2, "no thousands separators");
    canon_is("7.82 + 0.001", "7.82 + 0.001");
    setlocale(LC_NUMERIC, "C");
}

typedef struct thread_job {
    const hp_expr *e;
    int failures;
} thread_job;

static int lookup_const(void *ctx, const char *name, double *value)
{
    (void)ctx;
    *value = name[0] == 'p' ? 360000 : 12;
    return HP_OK;
}

static void *worker(void *arg)
{
    thread_job *job = arg;
    for (int i = 0; i < 20000; i++) {
        double v;
        if (hp_expr_eval(job->e, lookup_const, NULL, &v) != HP_OK || v != 1)
            job->failures++;
    }
    return NULL;
}

Test(expr_env, one_expression_evaluated_from_many_threads)
{
    hp_expr *e;
    HP_ASSERT_OK(hp_expr_compile("population > 300000 and ambulances >= population / 30000", &e));
    pthread_t t[4];
    thread_job jobs[4];
    for (int i = 0; i < 4; i++) {
        jobs[i].e = e;
        jobs[i].failures = 0;
        cr_assert(eq(int, pthread_create(&t[i], NULL, worker, &jobs[i]), 0));
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        cr_assert(eq(int, jobs[i].failures, 0));
    }
    hp_expr_free(e);
}

static int alloc_budget;
static int alloc_calls;
static void *fail_malloc(size_t n, void *ctx)
{
    (void)ctx;
    alloc_calls++;
    return alloc_budget-- > 0 ? malloc(n) : NULL;
}
static void *fail_realloc(void *p, size_t n, void *ctx)
{
    (void)ctx;
    alloc_calls++;
    return alloc_budget-- > 0 ? realloc(p, n) : NULL;
}
static void plain_free(void *p, void *ctx)
{
    (void)ctx;
    free(p);
}

Test(expr_env, out_of_memory_at_every_allocation)
{
    hp_allocator a = {fail_malloc, fail_realloc, plain_free, NULL};
    HP_ASSERT_OK(hp_set_allocator(&a));
    const char *text = "min(a, b) >= 0.6 * c and not (x < 3) or y != 0";
    int ok = 0;
    for (int budget = 0; budget < 100 && !ok; budget++) {
        hp_expr *e = NULL;
        alloc_budget = budget;
        int rc = hp_expr_compile(text, &e);
        if (rc == HP_OK) {
            char *s = NULL;
            rc = hp_expr_to_string(e, &s);
            if (rc == HP_OK) {
                cr_assert(eq(str, s, "min(a, b) >= 0.6 * c and not x < 3 or y != 0"));
                ok = 1;
            } else {
                cr_assert(eq(int, rc, HP_ENOMEM));
                cr_assert(eq(ptr, s, NULL));
            }
            hp_free(s);
            hp_expr_free(e);
        } else {
            cr_assert(eq(int, rc, HP_ENOMEM), "budget %d: %s", budget, hp_strerror(rc));
            cr_assert(eq(ptr, e, NULL));
        }
    }
    hp_set_allocator(NULL);
    cr_assert(ok);
}

Test(expr_env, evaluation_does_not_allocate)
{
    hp_expr *e;
    HP_ASSERT_OK(hp_expr_compile("population > 300000 and ambulances >= population / 30000", &e));
    hp_allocator a = {fail_malloc, fail_realloc, plain_free, NULL};
    HP_ASSERT_OK(hp_set_allocator(&a));
    alloc_budget = 0;
    alloc_calls = 0;
    double v;
    int rc = hp_expr_eval(e, lookup_const, NULL, &v);
    int rc2 = hp_expr_eval(e, NULL, NULL, &v); /* error path too */
    hp_set_allocator(NULL);
    cr_assert(eq(int, rc, HP_OK));
    cr_assert(eq(int, rc2, HP_ENOTFOUND));
    cr_assert(eq(int, alloc_calls, 0));
    hp_expr_free(e);
}
