/* Fuzz target: the expression language, hp_expr_compile() + hp_expr_eval() +
 * hp_expr_to_string().
 *
 * Properties checked:
 *   - text that does not compile gives HP_EPARSE with file "<expr>" and a line and column
 *     inside the text;
 *   - a compiled expression evaluates (with variables looked up from a fixed table derived
 *     from their names, some of them missing, zero or negative) to HP_OK, HP_ENOTFOUND or
 *     HP_ERANGE, and to a finite value on success;
 *   - its canonical text compiles, evaluates identically (same code, same value bit for bit),
 *     has the same variables and booleanness, and is a fixed point of hp_expr_to_string(). */
#include "fuzz_common.h"

static uint32_t name_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static int lookup(void *ctx, const char *name, double *value)
{
    (void)ctx;
    uint32_t h = name_hash(name);
    switch (h % 8) {
    case 0: return HP_ENOTFOUND;
    case 1: *value = 0; return HP_OK;
    case 2: *value = NAN; return HP_OK;
    case 3: *value = -(double)(h % 1000) / 7.0; return HP_OK;
    case 4: *value = 1e300; return HP_OK;
    default: *value = (double)(h % 100000) / 100.0; return HP_OK;
    }
}

static int same_value(double a, double b)
{
    return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 70000)
        return 0;
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';

    hp_expr *e = NULL;
    int rc = hp_expr_compile(s, &e);
    if (rc != HP_OK) {
        fuzz_check_error(rc, "hp_expr_compile");
        FUZZ_CHECK(rc == HP_EPARSE, "hp_expr_compile returned %s", hp_strerror(rc));
        FUZZ_CHECK(e == NULL, "a failed compile left an expression");
        const hp_error *err = hp_error_last();
        FUZZ_CHECK(strcmp(err->file, "<expr>") == 0, "file \"%s\"", err->file);
        FUZZ_CHECK(err->line >= 1 && err->column >= 1, "position %d:%d", err->line, err->column);
        free(s);
        return 0;
    }

    double v1 = NAN;
    int rc1 = hp_expr_eval(e, lookup, NULL, &v1);
    FUZZ_CHECK(rc1 == HP_OK || rc1 == HP_ENOTFOUND || rc1 == HP_ERANGE, "hp_expr_eval returned %s",
               hp_strerror(rc1));
    if (rc1 == HP_OK)
        FUZZ_CHECK(isfinite(v1), "hp_expr_eval gave %g", v1);
    else
        fuzz_check_error(rc1, "hp_expr_eval");

    char *canon = NULL;
    FUZZ_CHECK(hp_expr_to_string(e, &canon) == HP_OK, "hp_expr_to_string");
    hp_expr *e2 = NULL;
    rc = hp_expr_compile(canon, &e2);
    FUZZ_CHECK(rc == HP_OK, "the canonical text \"%s\" of \"%s\" does not compile", canon, s);
    double v2 = NAN;
    int rc2 = hp_expr_eval(e2, lookup, NULL, &v2);
    FUZZ_CHECK(rc1 == rc2, "\"%s\" gives %s but its canonical text \"%s\" gives %s", s,
               hp_strerror(rc1), canon, hp_strerror(rc2));
    if (rc1 == HP_OK)
        FUZZ_CHECK(same_value(v1, v2), "\"%s\" gives %.17g but its canonical text \"%s\" gives %.17g",
                   s, v1, canon, v2);
    FUZZ_CHECK(hp_expr_variable_count(e) == hp_expr_variable_count(e2), "variables of \"%s\"", canon);
    for (size_t i = 0; i < hp_expr_variable_count(e); i++)
        FUZZ_CHECK(strcmp(hp_expr_variable(e, i), hp_expr_variable(e2, i)) == 0, "variable %zu", i);
    FUZZ_CHECK(!hp_expr_is_boolean(e) == !hp_expr_is_boolean(e2), "booleanness of \"%s\"", canon);
    char *canon2 = NULL;
    FUZZ_CHECK(hp_expr_to_string(e2, &canon2) == HP_OK, "hp_expr_to_string (2)");
    FUZZ_CHECK(strcmp(canon, canon2) == 0, "canonical text is not a fixed point: \"%s\" -> \"%s\"",
               canon, canon2);
    hp_free(canon);
    hp_free(canon2);
    hp_expr_free(e);
    hp_expr_free(e2);
    free(s);
    return 0;
}
