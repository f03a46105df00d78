/**
 * @file expr.h
 * @brief Expressions: the small language of `expr` rules (resource norms) and their `when` conditions.
 *
 * An `expr` rule states a norm over a region's indicators, such as
 * `ambulances >= population / 30000` (按3万常住人口1辆的标准配备救护车), optionally guarded by a
 * condition such as `population > 300000` (常住人口超过30万的县). This header compiles such a
 * text once into an immutable #hp_expr and evaluates it against values supplied by a callback.
 *
 * The language, with its grammar, precedence table, functions, truth values, tolerances and
 * error messages, is specified in docs/expressions.md. In short: numbers (`7.82`, `1e3`, `.5`;
 * no thousands separators, whatever the locale), names (indicator ids, `[A-Za-z_][A-Za-z0-9_]*`,
 * at most 63 bytes), `+ - * / ^` (`^` right-associative and binding tighter than unary minus:
 * `-2^2` is −4, `2^3^2` is 512), comparisons `< <= > >= == !=` (with a relative tolerance of
 * 1e-9; not chainable), `and or not` (also `&& || !`, short-circuit), `true`, `false` and the
 * functions `min`, `max`, `abs`, `round`, `floor`, `ceil`. `×` `÷` `≤` `≥` `≠` are read as
 * `*` `/` `<=` `>=` `!=`.
 *
 * @code
 * hp_expr *e;
 * if (hp_expr_compile("ambulances >= population / 30000", &e) != HP_OK) {
 *     const hp_error *err = hp_error_last();
 *     fprintf(stderr, "%s:%d:%d: %s\n", err->file, err->line, err->column, err->message);
 *     return 1;
 * }
 * double met;
 * int rc = hp_expr_eval(e, my_lookup, my_region, &met);   // met is 1 or 0
 * hp_expr_free(e);
 * @endcode
 */
#ifndef HEALTHPLAN_EXPR_H
#define HEALTHPLAN_EXPR_H

#include <stddef.h>

#include "healthplan/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Longest expression text accepted by hp_expr_compile(), in bytes (64 KiB). */
#define HP_EXPR_MAX_LENGTH 65536

/** Deepest nesting accepted by hp_expr_compile(): parentheses, function calls, prefix operators and `^` chains. */
#define HP_EXPR_MAX_DEPTH 256

/** Longest name (indicator id) in an expression, in bytes. */
#define HP_EXPR_MAX_NAME 63

/**
 * A compiled expression. Created by hp_expr_compile(), released with hp_expr_free().
 *
 * Immutable once compiled: one expression may be evaluated from many threads at once.
 */
typedef struct hp_expr hp_expr;

/**
 * Compile an expression.
 *
 * @param text     the expression, UTF-8, at most #HP_EXPR_MAX_LENGTH bytes (not NULL)
 * @param[out] out the compiled expression, owned by the caller (hp_expr_free()); set to NULL
 *                 on failure
 * @return #HP_OK;
 *         #HP_EPARSE when the text is not a valid expression: hp_error_last() has file
 *         "<expr>", the line (1 unless the text spans lines) and the column, in code points
 *         from 1, of the offending token or character, and a message saying what was expected
 *         and what was found, e.g. `expected ")" but found end of expression` or
 *         `unknown function "mx" (did you mean "max"?)`. Empty text, invalid UTF-8, text too
 *         long, nesting deeper than #HP_EXPR_MAX_DEPTH and chained comparisons (`a < b < c`)
 *         are parse errors too;
 *         #HP_EINVAL when @p text or @p out is NULL; #HP_ENOMEM
 */
HP_EXTERN int hp_expr_compile(const char *text, hp_expr **out);

/** Release a compiled expression. NULL is a no-op. */
HP_EXTERN void hp_expr_free(hp_expr *e);

/**
 * Supplies the value of a variable (an indicator of the region being evaluated).
 *
 * Called by hp_expr_eval() each time a variable reference is evaluated, in the order of the
 * text; references that short-circuit evaluation skips (the right side of `and` when the left
 * is false, of `or` when the left is true) are not looked up. May be called from several
 * threads at once if the caller evaluates from several threads.
 *
 * @param ctx        the @p ctx given to hp_expr_eval()
 * @param name       the variable's name, NUL-terminated; borrowed from the expression
 * @param[out] value the value; a NaN value is read as "no value"
 * @return #HP_OK after setting @p value; #HP_ENOTFOUND when the variable has no value (missing
 *         data); any other code aborts the evaluation and is returned by hp_expr_eval()
 */
typedef int (*hp_expr_lookup_fn)(void *ctx, const char *name, double *value);

/**
 * Evaluate an expression.
 *
 * Comparisons and logical operators give 1 (true) or 0 (false); any nonzero value is true.
 * Evaluation does not allocate memory and uses no global state: it is safe to evaluate one
 * expression from many threads at once.
 *
 * @param e        the expression (not NULL)
 * @param lookup   supplies variable values; may be NULL when the expression has no variables
 *                 (a variable then has no value)
 * @param ctx      passed to @p lookup
 * @param[out] out the value; written only on success
 * @return #HP_OK;
 *         #HP_ENOTFOUND when a variable needed has no value (hp_error_last() says
 *         `no value for "population"`, with the column of the reference);
 *         #HP_ERANGE on division by zero, a result that is not a finite number (overflow,
 *         a negative number to a fractional power), a lookup returning an infinite value or
 *         `round` digits that are not a whole number from −15 to 15 (the message names the
 *         operator and its column, which hp_error_last() also carries);
 *         any other code returned by @p lookup (the error record is kept if @p lookup left
 *         one with that code, prefixed with the variable's name);
 *         #HP_EINVAL when @p e or @p out is NULL. Errors have file "<expr>".
 */
HP_EXTERN int hp_expr_eval(const hp_expr *e, hp_expr_lookup_fn lookup, void *ctx, double *out);

/**
 * Number of distinct variables (names) the expression references.
 * @return the count; 0 for NULL
 */
HP_EXTERN size_t hp_expr_variable_count(const hp_expr *e);

/**
 * The @p i-th distinct variable, in order of first appearance in the text (for checking the
 * names against an indicator catalogue).
 * @return the name, borrowed from @p e (valid until it is freed); NULL when @p e is NULL or
 *         @p i is out of range
 */
HP_EXTERN const char *hp_expr_variable(const hp_expr *e, size_t i);

/**
 * The canonical text of @p e: single spaces around binary operators, the ASCII operators and
 * `and`/`or`/`not`, numbers in their shortest exact form, and only the parentheses the
 * precedence rules need (`(a + b) * c`, `a - (b - c)`, `(-2) ^ 2`). Compiling the canonical
 * text gives an expression that evaluates identically.
 *
 * @param e        the expression (not NULL)
 * @param[out] out NUL-terminated UTF-8 text; free with hp_free()
 * @return #HP_OK, #HP_EINVAL or #HP_ENOMEM
 */
HP_EXTERN int hp_expr_to_string(const hp_expr *e, char **out);

/**
 * Whether @p e is a condition: nonzero when its outermost operator is a comparison, `and`,
 * `or` or `not`, or the whole expression is `true` or `false`. A `when` condition or an `expr`
 * norm should be one; `population / 30000` is not.
 * @return nonzero or 0 (also 0 for NULL)
 */
HP_EXTERN int hp_expr_is_boolean(const hp_expr *e);

#ifdef __cplusplus
}
#endif

#endif
