/* Rules: the value type, its JSON form, descriptions for people, and the reader of the
 * phrases plans print (hp_rule_parse). docs/rules.md specifies what each kind means. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rule_internal.h"
#include "text_internal.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ======================================================================================
 * Names
 * ====================================================================================== */

static const char *const KIND_NAMES[] = {
    "none",     "le",      "lt",         "ge",          "gt",
    "value",    "about",   "range",      "change_from", "per_year",
    "improve",  "reference_target",      "reference_value",
    "same_ratio", "expr",  "qualitative", "any",        "all",
    "change_by",
};

static const char *const OP_NAMES[] = {"better", "lt", "gt", "le", "ge"};

const char *hp_rule_kind_name(hp_rule_kind kind)
{
    if ((int)kind < 0 || (size_t)kind >= COUNT(KIND_NAMES))
        return "none";
    return KIND_NAMES[kind];
}

const char *hp_rule_op_name(hp_rule_op op)
{
    if ((int)op < 0 || (size_t)op >= COUNT(OP_NAMES))
        return "better";
    return OP_NAMES[op];
}

/* The name in names[0..count) nearest to s (edit distance at most 2, or 3 for long names),
 * or NULL. */
static const char *nearest(const char *s, const char *const *names, size_t count, size_t from)
{
    const char *best = NULL;
    size_t bestd = 4;
    for (size_t i = from; i < count; i++) {
        size_t cap = strlen(names[i]) > 6 ? 3 : 2;
        size_t d = hp__edit_distance(s, names[i], cap);
        if (d <= cap && d < bestd) {
            bestd = d;
            best = names[i];
        }
    }
    return best;
}

int hp_rule_kind_from_name(const char *name, hp_rule_kind *out)
{
    if (!name || !out)
        return hp__fail(HP_EINVAL, "hp_rule_kind_from_name: name and out must not be NULL");
    for (size_t i = 1; i < COUNT(KIND_NAMES); i++) {
        if (strcmp(name, KIND_NAMES[i]) == 0) {
            *out = (hp_rule_kind)i;
            return HP_OK;
        }
    }
    const char *near = nearest(name, KIND_NAMES, COUNT(KIND_NAMES), 1);
    if (near)
        return hp__fail(HP_ENOTFOUND, "unknown rule kind \"%s\" (did you mean \"%s\"?)", name, near);
    return hp__fail(HP_ENOTFOUND,
                    "unknown rule kind \"%s\" (expected le, lt, ge, gt, value, about, range, "
                    "change_from, per_year, improve, reference_target, reference_value, "
                    "same_ratio, expr, qualitative, any or all)",
                    name);
}

/* ======================================================================================
 * The value type
 * ====================================================================================== */

void hp_rule_init(hp_rule *rule)
{
    if (!rule)
        return;
    memset(rule, 0, sizeof *rule);
    rule->kind = HP_RULE_NONE;
    rule->value = NAN;
    rule->tolerance = NAN;
    rule->low = NAN;
    rule->high = NAN;
    rule->op = HP_OP_BETTER;
}

void hp_rule_dispose(hp_rule *rule)
{
    if (!rule)
        return;
    hp__free(rule->expr);
    hp__free(rule->when);
    hp__free(rule->text);
    for (size_t i = 0; rule->rules && i < rule->nrules; i++)
        hp_rule_dispose(&rule->rules[i]);
    hp__free(rule->rules);
    hp_rule_init(rule);
}

int hp_rule_has(double x) { return !isnan(x); }

int hp_rule_copy(hp_rule *dst, const hp_rule *src)
{
    if (!dst || !src)
        return hp__fail(HP_EINVAL, "hp_rule_copy: dst and src must not be NULL");
    if (dst == src)
        return HP_OK;
    *dst = *src;
    dst->expr = dst->when = dst->text = NULL;
    dst->rules = NULL;
    dst->nrules = 0;
    if ((src->expr && !(dst->expr = hp__strdup(src->expr))) ||
        (src->when && !(dst->when = hp__strdup(src->when))) ||
        (src->text && !(dst->text = hp__strdup(src->text))))
        goto oom;
    if (src->rules && src->nrules) {
        dst->rules = hp__calloc(src->nrules, sizeof *dst->rules);
        if (!dst->rules)
            goto oom;
        for (size_t i = 0; i < src->nrules; i++) {
            if (hp_rule_copy(&dst->rules[i], &src->rules[i]) != HP_OK) {
                dst->nrules = i;
                goto oom;
            }
        }
        dst->nrules = src->nrules;
    }
    return HP_OK;
oom:
    hp_rule_dispose(dst);
    return hp__oom();
}

static int same_double(double a, double b) { return (isnan(a) && isnan(b)) || a == b; }

static int same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int hp__rule_equal(const hp_rule *a, const hp_rule *b)
{
    if (!a || !b)
        return a == b;
    if (a->kind != b->kind || !same_double(a->value, b->value) ||
        !same_double(a->tolerance, b->tolerance) || !same_double(a->low, b->low) ||
        !same_double(a->high, b->high) || a->ref_year != b->ref_year ||
        (a->compound != 0) != (b->compound != 0) || a->op != b->op ||
        strcmp(a->scope, b->scope) != 0 || strcmp(a->indicator, b->indicator) != 0 ||
        !same_str(a->expr, b->expr) || !same_str(a->when, b->when) ||
        !same_str(a->text, b->text) || a->nrules != b->nrules)
        return 0;
    for (size_t i = 0; i < a->nrules; i++)
        if (!hp__rule_equal(&a->rules[i], &b->rules[i]))
            return 0;
    return 1;
}

/* ======================================================================================
 * JSON: which fields each kind uses
 * ====================================================================================== */

enum {
    F_VALUE = 1 << 0,
    F_TOLERANCE = 1 << 1,
    F_LOW = 1 << 2,
    F_HIGH = 1 << 3,
    F_REF_YEAR = 1 << 4,
    F_COMPOUND = 1 << 5,
    F_OP = 1 << 6,
    F_SCOPE = 1 << 7,
    F_INDICATOR = 1 << 8,
    F_EXPR = 1 << 9,
    F_WHEN = 1 << 10,
    F_TEXT = 1 << 11,
    F_RULES = 1 << 12
};

/* JSON keys in output order; index i has flag 1 << (i - 1), "kind" is index 0. */
static const char *const KEYS[] = {"kind",  "value",     "tolerance", "low",  "high",
                                   "ref_year", "compound", "op",     "scope", "indicator",
                                   "expr",  "when",      "text",      "rules"};

/* Fields a kind may carry and fields it must carry, indexed by hp_rule_kind. */
static const unsigned ALLOWED[] = {
    0,                                  /* none */
    F_VALUE, F_VALUE, F_VALUE, F_VALUE, /* le lt ge gt */
    F_VALUE,                            /* value */
    F_VALUE | F_TOLERANCE,              /* about */
    F_LOW | F_HIGH,                     /* range */
    F_VALUE | F_REF_YEAR,               /* change_from */
    F_VALUE | F_COMPOUND,               /* per_year */
    0,                                  /* improve */
    F_SCOPE,                            /* reference_target */
    F_SCOPE | F_OP,                     /* reference_value */
    F_INDICATOR,                        /* same_ratio */
    F_EXPR | F_WHEN,                    /* expr */
    F_TEXT,                             /* qualitative */
    F_RULES, F_RULES,                   /* any all */
    F_VALUE | F_REF_YEAR                /* change_by */
};

static const unsigned REQUIRED[] = {
    0,
    F_VALUE, F_VALUE, F_VALUE, F_VALUE,
    F_VALUE,
    F_VALUE,
    F_LOW | F_HIGH,
    F_VALUE,
    F_VALUE,
    0,
    F_SCOPE,
    F_SCOPE,
    0,
    F_EXPR,
    0,
    F_RULES, F_RULES,
    F_VALUE
};

static unsigned kind_fields(hp_rule_kind k)
{
    return (int)k >= 0 && (size_t)k < COUNT(ALLOWED) ? ALLOWED[k] : 0;
}

/* ======================================================================================
 * JSON writing
 * ====================================================================================== */

void hp__json_escape(hp_buf *b, const char *s)
{
    if (!s) {
        hp__buf_puts(b, "null");
        return;
    }
    size_t len = strlen(s), i = 0, run = 0;
    hp__buf_append(b, "\"", 1);
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        size_t bad;
        if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7F) {
            if (c < 0x80) {
                i++;
                run++;
                continue;
            }
            /* a multi-byte sequence: pass it through when valid */
            size_t n = (c >= 0xF0) ? 4 : (c >= 0xE0) ? 3 : 2;
            if (i + n <= len && hp__utf8_valid(s + i, n, &bad)) {
                i += n;
                run += n;
                continue;
            }
        }
        hp__buf_append(b, s + i - run, run);
        run = 0;
        if (c == '"')
            hp__buf_puts(b, "\\\"");
        else if (c == '\\')
            hp__buf_puts(b, "\\\\");
        else if (c < 0x20 || c == 0x7F)
            hp__buf_printf(b, "\\u%04x", (unsigned)c);
        else
            hp__buf_puts(b, "\xEF\xBF\xBD"); /* invalid byte: U+FFFD */
        i++;
    }
    hp__buf_append(b, s + i - run, run);
    hp__buf_append(b, "\"", 1);
}

static void write_num(hp_buf *b, double v)
{
    if (isfinite(v))
        hp__buf_double(b, v);
    else
        hp__buf_puts(b, "null");
}

void hp__rule_write_json(hp_buf *b, const hp_rule *r)
{
    unsigned f = kind_fields(r->kind);
    hp__buf_puts(b, "{\"kind\":");
    hp__json_escape(b, hp_rule_kind_name(r->kind));
    if (f & F_VALUE) {
        hp__buf_puts(b, ",\"value\":");
        write_num(b, r->value);
    }
    if (f & F_TOLERANCE) {
        hp__buf_puts(b, ",\"tolerance\":");
        write_num(b, hp_rule_has(r->tolerance) ? r->tolerance : HP_ABOUT_TOLERANCE);
    }
    if (f & F_LOW) {
        hp__buf_puts(b, ",\"low\":");
        write_num(b, r->low);
    }
    if (f & F_HIGH) {
        hp__buf_puts(b, ",\"high\":");
        write_num(b, r->high);
    }
    if ((f & F_REF_YEAR) && r->ref_year)
        hp__buf_printf(b, ",\"ref_year\":%d", r->ref_year);
    if ((f & F_COMPOUND) && r->compound)
        hp__buf_puts(b, ",\"compound\":true");
    if (f & F_OP) {
        hp__buf_puts(b, ",\"op\":");
        hp__json_escape(b, hp_rule_op_name(r->op));
    }
    if (f & F_SCOPE) {
        hp__buf_puts(b, ",\"scope\":");
        hp__json_escape(b, r->scope);
    }
    if ((f & F_INDICATOR) && r->indicator[0]) {
        hp__buf_puts(b, ",\"indicator\":");
        hp__json_escape(b, r->indicator);
    }
    if (f & F_EXPR) {
        hp__buf_puts(b, ",\"expr\":");
        hp__json_escape(b, r->expr);
    }
    if ((f & F_WHEN) && r->when) {
        hp__buf_puts(b, ",\"when\":");
        hp__json_escape(b, r->when);
    }
    if ((f & F_TEXT) && r->text) {
        hp__buf_puts(b, ",\"text\":");
        hp__json_escape(b, r->text);
    }
    if (f & F_RULES) {
        hp__buf_puts(b, ",\"rules\":[");
        for (size_t i = 0; r->rules && i < r->nrules; i++) {
            if (i)
                hp__buf_append(b, ",", 1);
            hp__rule_write_json(b, &r->rules[i]);
        }
        hp__buf_append(b, "]", 1);
    }
    hp__buf_append(b, "}", 1);
}

/* Check that a rule can be written as valid JSON; HP_EINVAL naming the field otherwise. */
static int check_writable(const hp_rule *r, int depth)
{
    if ((int)r->kind <= 0 || (size_t)r->kind >= COUNT(KIND_NAMES))
        return hp__fail(HP_EINVAL, "rule has no kind (kind %d)", (int)r->kind);
    if (depth > HP_RULE_MAX_DEPTH)
        return hp__fail(HP_EINVAL, "rules nested deeper than %d levels", HP_RULE_MAX_DEPTH);
    unsigned req = REQUIRED[r->kind];
    const char *kn = hp_rule_kind_name(r->kind);
    if ((req & F_VALUE) && !isfinite(r->value))
        return hp__fail(HP_EINVAL, "rule of kind \"%s\" has no finite value", kn);
    if ((req & F_LOW) && (!isfinite(r->low) || !isfinite(r->high) || r->low > r->high))
        return hp__fail(HP_EINVAL, "range rule needs finite low <= high");
    if ((req & F_EXPR) && (!r->expr || !r->expr[0]))
        return hp__fail(HP_EINVAL, "expr rule has no expression");
    if ((req & F_SCOPE) && !r->scope[0])
        return hp__fail(HP_EINVAL, "rule of kind \"%s\" has no scope", kn);
    if (r->kind == HP_RULE_ABOUT && hp_rule_has(r->tolerance) &&
        (!isfinite(r->tolerance) || r->tolerance < 0))
        return hp__fail(HP_EINVAL, "about rule has a tolerance below 0 or not finite");
    if ((r->kind == HP_RULE_CHANGE_FROM || r->kind == HP_RULE_CHANGE_BY) && r->ref_year &&
        (r->ref_year < 1949 || r->ref_year > 2100))
        return hp__fail(HP_EINVAL, "%s rule has ref_year %d outside 1949–2100", kn, r->ref_year);
    if ((r->kind == HP_RULE_EXPR && r->when && !r->when[0]) ||
        (r->kind == HP_RULE_QUALITATIVE && r->text && !r->text[0]))
        return hp__fail(HP_EINVAL, "rule of kind \"%s\" has an empty string", kn);
    if (req & F_RULES) {
        if (!r->rules || !r->nrules)
            return hp__fail(HP_EINVAL, "rule of kind \"%s\" has no parts", kn);
        for (size_t i = 0; i < r->nrules; i++) {
            int rc = check_writable(&r->rules[i], depth + 1);
            if (rc != HP_OK)
                return rc;
        }
    }
    return HP_OK;
}

int hp_rule_to_json(const hp_rule *rule, char **out)
{
    if (out)
        *out = NULL;
    if (!rule || !out)
        return hp__fail(HP_EINVAL, "hp_rule_to_json: rule and out must not be NULL");
    int rc = check_writable(rule, 1);
    if (rc != HP_OK)
        return rc;
    hp_buf b;
    hp__buf_init(&b);
    hp__rule_write_json(&b, rule);
    *out = hp__buf_take(&b);
    return *out ? HP_OK : hp__oom();
}

/* ======================================================================================
 * JSON reading
 * ====================================================================================== */

typedef struct jctx {
    char *field;
    size_t cap;
} jctx;

/* Path of key under prefix ("value", "rules[1].kind"); key NULL gives the prefix itself. */
static void join_path(char *dst, size_t cap, const char *prefix, const char *key)
{
    if (!key)
        snprintf(dst, cap, "%s", prefix);
    else if (!prefix[0])
        snprintf(dst, cap, "%s", key);
    else
        snprintf(dst, cap, "%s.%s", prefix, key);
}

static int jfail(jctx *c, int code, const char *prefix, const char *key, const char *fmt, ...)
    HP_PRINTF(5, 6);

static int jfail(jctx *c, int code, const char *prefix, const char *key, const char *fmt, ...)
{
    char path[256], msg[768];
    va_list ap;
    join_path(path, sizeof path, prefix, key);
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (c->field && c->cap)
        snprintf(c->field, c->cap, "%s", path);
    if (code == HP_ENOMEM)
        return hp__error(HP_ENOMEM, NULL, 0, 0, path, "out of memory");
    return hp__error(code, NULL, 0, 0, path, "rule%s%s: %s", path[0] ? "." : "", path, msg);
}

static const char *json_type(const cJSON *v)
{
    if (cJSON_IsString(v))
        return "a string";
    if (cJSON_IsNumber(v))
        return "a number";
    if (cJSON_IsBool(v))
        return cJSON_IsTrue(v) ? "true" : "false";
    if (cJSON_IsNull(v))
        return "null";
    if (cJSON_IsArray(v))
        return "an array";
    if (cJSON_IsObject(v))
        return "an object";
    return "an invalid value";
}

static int key_index(const char *k)
{
    for (size_t i = 0; i < COUNT(KEYS); i++)
        if (strcmp(k, KEYS[i]) == 0)
            return (int)i;
    return -1;
}

static int get_number(jctx *c, const char *prefix, const cJSON *v, double *out)
{
    if (!cJSON_IsNumber(v))
        return jfail(c, HP_EVALIDATE, prefix, v->string, "must be a number, found %s",
                     json_type(v));
    if (!isfinite(v->valuedouble))
        return jfail(c, HP_EVALIDATE, prefix, v->string, "must be a finite number, found %g",
                     v->valuedouble);
    *out = v->valuedouble;
    return HP_OK;
}

static int get_string(jctx *c, const char *prefix, const cJSON *v, size_t maxlen, int nonempty)
{
    if (!cJSON_IsString(v) || !v->valuestring)
        return jfail(c, HP_EVALIDATE, prefix, v->string, "must be a string, found %s",
                     json_type(v));
    size_t n = strlen(v->valuestring);
    if (nonempty && n == 0)
        return jfail(c, HP_EVALIDATE, prefix, v->string, "must not be empty");
    if (maxlen && n > maxlen)
        return jfail(c, HP_EVALIDATE, prefix, v->string,
                     "must be at most %zu bytes, found \"%s\" (%zu bytes)", maxlen,
                     v->valuestring, n);
    size_t bad;
    if (!hp__utf8_valid(v->valuestring, n, &bad))
        return jfail(c, HP_EVALIDATE, prefix, v->string, "is not valid UTF-8 (byte %zu)", bad);
    return HP_OK;
}

static int from_obj(const cJSON *obj, hp_rule *out, const char *prefix, int depth, jctx *c);

static int read_fields(const cJSON *obj, hp_rule *out, const char *prefix, int depth, jctx *c)
{
    const cJSON *m, *kind = NULL;
    int rc;
    /* every key known, none twice */
    for (m = obj->child; m; m = m->next) {
        const char *k = m->string ? m->string : "";
        if (key_index(k) < 0) {
            const char *near = nearest(k, KEYS, COUNT(KEYS), 0);
            if (near)
                return jfail(c, HP_EVALIDATE, prefix, k, "unknown field (did you mean \"%s\"?)",
                             near);
            return jfail(c, HP_EVALIDATE, prefix, k,
                         "unknown field (a rule has kind, value, tolerance, low, high, ref_year, "
                         "compound, op, scope, indicator, expr, when, text and rules)");
        }
        for (const cJSON *e = obj->child; e != m; e = e->next)
            if (e->string && strcmp(e->string, k) == 0)
                return jfail(c, HP_EVALIDATE, prefix, k, "appears twice");
        if (strcmp(k, "kind") == 0)
            kind = m;
    }
    if (!kind)
        return jfail(c, HP_EVALIDATE, prefix, "kind",
                     "missing (every rule needs a kind such as \"le\" or \"change_from\")");
    if (!cJSON_IsString(kind) || !kind->valuestring)
        return jfail(c, HP_EVALIDATE, prefix, "kind", "must be a string, found %s",
                     json_type(kind));
    hp_rule_kind k = HP_RULE_NONE;
    for (size_t i = 1; i < COUNT(KIND_NAMES); i++)
        if (strcmp(kind->valuestring, KIND_NAMES[i]) == 0)
            k = (hp_rule_kind)i;
    if (k == HP_RULE_NONE) {
        const char *near = nearest(kind->valuestring, KIND_NAMES, COUNT(KIND_NAMES), 1);
        if (near)
            return jfail(c, HP_EVALIDATE, prefix, "kind", "unknown kind \"%s\" (did you mean \"%s\"?)",
                         kind->valuestring, near);
        return jfail(c, HP_EVALIDATE, prefix, "kind",
                     "unknown kind \"%s\" (expected le, lt, ge, gt, value, about, range, "
                     "change_from, per_year, improve, reference_target, reference_value, "
                     "same_ratio, expr, qualitative, any or all)",
                     kind->valuestring);
    }
    out->kind = k;
    const char *kn = KIND_NAMES[k];
    unsigned allowed = ALLOWED[k], seen = 0;
    for (m = obj->child; m; m = m->next) {
        int idx = key_index(m->string);
        if (idx == 0)
            continue;
        unsigned flag = 1u << (idx - 1);
        if (!(allowed & flag))
            return jfail(c, HP_EVALIDATE, prefix, m->string, "is not used by kind \"%s\"", kn);
        seen |= flag;
        switch (flag) {
        case F_VALUE:
            rc = get_number(c, prefix, m, &out->value);
            break;
        case F_TOLERANCE:
            rc = get_number(c, prefix, m, &out->tolerance);
            if (rc == HP_OK && out->tolerance < 0)
                rc = jfail(c, HP_EVALIDATE, prefix, m->string,
                           "must be at least 0 (a fraction of the value), found %g",
                           out->tolerance);
            break;
        case F_LOW:
            rc = get_number(c, prefix, m, &out->low);
            break;
        case F_HIGH:
            rc = get_number(c, prefix, m, &out->high);
            break;
        case F_REF_YEAR: {
            double y = 0;
            rc = get_number(c, prefix, m, &y);
            if (rc == HP_OK && (y != floor(y) || y < 1949 || y > 2100))
                rc = jfail(c, HP_EVALIDATE, prefix, m->string,
                           "must be a whole year from 1949 to 2100, found %g", y);
            if (rc == HP_OK)
                out->ref_year = (int)y;
            break;
        }
        case F_COMPOUND:
            if (!cJSON_IsBool(m))
                rc = jfail(c, HP_EVALIDATE, prefix, m->string, "must be true or false, found %s",
                           json_type(m));
            else {
                out->compound = cJSON_IsTrue(m) ? 1 : 0;
                rc = HP_OK;
            }
            break;
        case F_OP:
            rc = get_string(c, prefix, m, 0, 1);
            if (rc == HP_OK) {
                size_t i;
                for (i = 0; i < COUNT(OP_NAMES); i++)
                    if (strcmp(m->valuestring, OP_NAMES[i]) == 0)
                        break;
                if (i < COUNT(OP_NAMES)) {
                    out->op = (hp_rule_op)i;
                } else {
                    const char *near = nearest(m->valuestring, OP_NAMES, COUNT(OP_NAMES), 0);
                    rc = near ? jfail(c, HP_EVALIDATE, prefix, m->string,
                                      "unknown op \"%s\" (did you mean \"%s\"?)",
                                      m->valuestring, near)
                              : jfail(c, HP_EVALIDATE, prefix, m->string,
                                      "unknown op \"%s\" (expected better, lt, gt, le or ge)",
                                      m->valuestring);
                }
            }
            break;
        case F_SCOPE:
            rc = get_string(c, prefix, m, sizeof out->scope - 1, 1);
            if (rc == HP_OK)
                memcpy(out->scope, m->valuestring, strlen(m->valuestring) + 1);
            break;
        case F_INDICATOR:
            rc = get_string(c, prefix, m, sizeof out->indicator - 1, 0);
            if (rc == HP_OK)
                memcpy(out->indicator, m->valuestring, strlen(m->valuestring) + 1);
            break;
        case F_EXPR:
        case F_WHEN:
        case F_TEXT: {
            rc = get_string(c, prefix, m, 0, 1);
            if (rc != HP_OK)
                break;
            char *d = hp__strdup(m->valuestring);
            if (!d) {
                rc = jfail(c, HP_ENOMEM, prefix, m->string, "out of memory");
                break;
            }
            char **slot = flag == F_EXPR ? &out->expr : flag == F_WHEN ? &out->when : &out->text;
            *slot = d;
            break;
        }
        case F_RULES: {
            int n = cJSON_GetArraySize(m);
            if (!cJSON_IsArray(m)) {
                rc = jfail(c, HP_EVALIDATE, prefix, m->string,
                           "must be an array of rules, found %s", json_type(m));
                break;
            }
            if (n <= 0) {
                rc = jfail(c, HP_EVALIDATE, prefix, m->string,
                           "must hold at least one rule, found an empty array");
                break;
            }
            if (depth + 1 > HP_RULE_MAX_DEPTH) {
                rc = jfail(c, HP_EVALIDATE, prefix, m->string,
                           "rules nested deeper than %d levels", HP_RULE_MAX_DEPTH);
                break;
            }
            out->rules = hp__calloc((size_t)n, sizeof *out->rules);
            if (!out->rules) {
                rc = jfail(c, HP_ENOMEM, prefix, m->string, "out of memory");
                break;
            }
            for (int i = 0; i < n; i++)
                hp_rule_init(&out->rules[i]);
            out->nrules = (size_t)n;
            rc = HP_OK;
            int i = 0;
            for (const cJSON *e = m->child; e && rc == HP_OK; e = e->next, i++) {
                char sub[256];
                char key[32];
                snprintf(key, sizeof key, "rules[%d]", i);
                join_path(sub, sizeof sub, prefix, key);
                rc = from_obj(e, &out->rules[i], sub, depth + 1, c);
            }
            break;
        }
        default:
            rc = HP_OK;
        }
        if (rc != HP_OK)
            return rc;
    }
    unsigned missing = REQUIRED[k] & ~seen;
    for (size_t i = 1; missing && i < COUNT(KEYS); i++)
        if (missing & (1u << (i - 1)))
            return jfail(c, HP_EVALIDATE, prefix, KEYS[i], "required for kind \"%s\" but missing",
                         kn);
    if (k == HP_RULE_RANGE && out->low > out->high)
        return jfail(c, HP_EVALIDATE, prefix, "low",
                     "must not be above \"high\" (%g), found %g", out->high, out->low);
    if (k == HP_RULE_ABOUT && !hp_rule_has(out->tolerance))
        out->tolerance = HP_ABOUT_TOLERANCE;
    return HP_OK;
}

static int from_obj(const cJSON *obj, hp_rule *out, const char *prefix, int depth, jctx *c)
{
    hp_rule_init(out);
    if (!cJSON_IsObject(obj))
        return jfail(c, HP_EVALIDATE, prefix, NULL, "must be an object, found %s", json_type(obj));
    int rc = read_fields(obj, out, prefix, depth, c);
    if (rc != HP_OK)
        hp_rule_dispose(out);
    return rc;
}

int hp__rule_from_cjson(const cJSON *obj, hp_rule *out, char *field, size_t fieldcap)
{
    jctx c = {field, fieldcap};
    if (field && fieldcap)
        field[0] = '\0';
    if (!out)
        return hp__fail(HP_EINVAL, "hp__rule_from_cjson: out is NULL");
    if (!obj) {
        hp_rule_init(out);
        return jfail(&c, HP_EVALIDATE, "", NULL, "must be an object, found nothing");
    }
    return from_obj(obj, out, "", 1, &c);
}

int hp_rule_from_json(const char *json, hp_rule *out)
{
    if (out)
        hp_rule_init(out);
    if (!json || !out)
        return hp__fail(HP_EINVAL, "hp_rule_from_json: json and out must not be NULL");
    const char *end = NULL;
    size_t len = strlen(json);
    hp__cjson_oom(1);
    cJSON *root = cJSON_ParseWithLengthOpts(json, len + 1, &end, 1);
    if (!root && hp__cjson_oom(1))
        return hp__oom();
    if (!root) {
        size_t off = end && end >= json ? (size_t)(end - json) : 0;
        int line, col;
        if (off > len)
            off = len;
        hp__text_position(json, len, off, &line, &col);
        if (off >= len)
            return hp__error(HP_EPARSE, "<json>", line, col, NULL,
                             "malformed JSON: the text ends too early (expected a complete object)");
        char found[16];
        size_t n = 0;
        while (n < sizeof found - 1 && off + n < len && json[off + n] != '\n' && n < 10)
            n++;
        while (n > 0 && off + n < len && ((unsigned char)json[off + n] & 0xC0) == 0x80)
            n--;
        memcpy(found, json + off, n);
        found[n] = '\0';
        return hp__error(HP_EPARSE, "<json>", line, col, NULL,
                         "malformed JSON at line %d, column %d: unexpected \"%s\"", line, col,
                         found);
    }
    char field[256];
    int rc = hp__rule_from_cjson(root, out, field, sizeof field);
    cJSON_Delete(root);
    return rc;
}

/* ======================================================================================
 * Descriptions for people
 * ====================================================================================== */

/* A number for people: 12 significant digits (so 0.3 × 100 prints 30), '.' as decimal point,
 * U+2212 for the minus sign. */
static void put_num(hp_buf *b, double v)
{
    char tmp[40], out[32];
    double r;
    size_t used;
    if (!isfinite(v)) {
        hp__buf_puts(b, "?");
        return;
    }
    snprintf(tmp, sizeof tmp, "%.12g", v);
    for (char *q = tmp; *q; q++)
        if (*q == ',')
            *q = '.';
    if (hp__parse_double(tmp, strlen(tmp), &r, &used) != HP_OK)
        r = v;
    hp__format_double(out, r);
    if (out[0] == '-') {
        hp__buf_puts(b, "\xE2\x88\x92");
        hp__buf_puts(b, out + 1);
    } else {
        hp__buf_puts(b, out);
    }
}

static void put_signed(hp_buf *b, double v)
{
    if (v > 0)
        hp__buf_append(b, "+", 1);
    put_num(b, v);
}

static void describe(hp_buf *b, const hp_rule *r, int nested)
{
    switch (r->kind) {
    case HP_RULE_LE:
        hp__buf_puts(b, "\xE2\x89\xA4 ");
        put_num(b, r->value);
        break;
    case HP_RULE_LT:
        hp__buf_puts(b, "< ");
        put_num(b, r->value);
        break;
    case HP_RULE_GE:
        hp__buf_puts(b, "\xE2\x89\xA5 ");
        put_num(b, r->value);
        break;
    case HP_RULE_GT:
        hp__buf_puts(b, "> ");
        put_num(b, r->value);
        break;
    case HP_RULE_VALUE:
        hp__buf_puts(b, "reach ");
        put_num(b, r->value);
        break;
    case HP_RULE_ABOUT:
        hp__buf_puts(b, "\xE2\x89\x88 ");
        put_num(b, r->value);
        hp__buf_puts(b, " (\xC2\xB1");
        put_num(b, 100 * (hp_rule_has(r->tolerance) ? r->tolerance : HP_ABOUT_TOLERANCE));
        hp__buf_puts(b, "%)");
        break;
    case HP_RULE_RANGE:
        put_num(b, r->low);
        hp__buf_puts(b, "\xE2\x80\x93");
        put_num(b, r->high);
        break;
    case HP_RULE_CHANGE_FROM:
        put_signed(b, 100 * r->value);
        hp__buf_puts(b, "% vs ");
        if (r->ref_year)
            hp__buf_printf(b, "%d", r->ref_year);
        else
            hp__buf_puts(b, "baseline");
        break;
    case HP_RULE_CHANGE_BY:
        put_signed(b, r->value);
        hp__buf_puts(b, " vs ");
        if (r->ref_year)
            hp__buf_printf(b, "%d", r->ref_year);
        else
            hp__buf_puts(b, "baseline");
        break;
    case HP_RULE_PER_YEAR:
        if (r->compound) {
            put_signed(b, 100 * r->value);
            hp__buf_puts(b, "% per year (compound)");
        } else {
            put_signed(b, r->value);
            hp__buf_puts(b, " per year");
        }
        break;
    case HP_RULE_IMPROVE:
        hp__buf_puts(b, "improve on baseline");
        break;
    case HP_RULE_REFERENCE_TARGET:
        hp__buf_printf(b, "within %s target", r->scope[0] ? r->scope : "?");
        break;
    case HP_RULE_REFERENCE_VALUE: {
        static const char *const words[] = {"better than", "below", "above", "at most",
                                            "at least"};
        const char *w = (size_t)r->op < COUNT(words) ? words[r->op] : "better than";
        hp__buf_printf(b, "%s %s", w, r->scope[0] ? r->scope : "?");
        break;
    }
    case HP_RULE_SAME_RATIO:
        if (r->indicator[0])
            hp__buf_printf(b, "same ratio as %s", r->indicator);
        else
            hp__buf_puts(b, "same ratio as the related indicator");
        break;
    case HP_RULE_EXPR:
        hp__buf_printf(b, "%s", r->expr ? r->expr : "?");
        if (r->when)
            hp__buf_printf(b, " when %s", r->when);
        break;
    case HP_RULE_QUALITATIVE:
        hp__buf_printf(b, "qualitative: %s", r->text ? r->text : "(no text)");
        break;
    case HP_RULE_ANY:
    case HP_RULE_ALL:
        if (nested)
            hp__buf_append(b, "(", 1);
        for (size_t i = 0; r->rules && i < r->nrules; i++) {
            if (i)
                hp__buf_puts(b, r->kind == HP_RULE_ANY ? " or " : " and ");
            describe(b, &r->rules[i], 1);
        }
        if (nested)
            hp__buf_append(b, ")", 1);
        break;
    default:
        hp__buf_puts(b, "(no rule)");
    }
}

int hp_rule_describe(const hp_rule *rule, char **out)
{
    if (out)
        *out = NULL;
    if (!rule || !out)
        return hp__fail(HP_EINVAL, "hp_rule_describe: rule and out must not be NULL");
    hp_buf b;
    hp__buf_init(&b);
    describe(&b, rule, 0);
    *out = hp__buf_take(&b);
    return *out ? HP_OK : hp__oom();
}

/* ======================================================================================
 * The phrase reader
 *
 * A backtracking reader over the NFKC form of the phrase. Each alternative (a comparison, a
 * change from a year, a yearly change, a reference, a word) returns M_OK, M_NO or M_FATAL;
 * the longest match wins. On failure the error points at the furthest position any
 * alternative reached, with what would have been accepted there, mapped back to the column
 * of the original phrase.
 * ====================================================================================== */

enum { M_FATAL = -1, M_NO = 0, M_OK = 1 };

#define MAX_EXPECT 8

typedef struct parser {
    const char *orig; /* the phrase as given */
    size_t olen;
    const char *s; /* its NFKC form */
    size_t n;
    const size_t *map; /* byte of s -> byte of orig */
    size_t pos;
    size_t far; /* furthest position where something was expected */
    const char *expect[MAX_EXPECT];
    int nexpect;
    int rc; /* error code once M_FATAL */
} parser;

typedef struct word {
    const char *w;
    int v;
} word;

/* ---- positions and errors ---- */

static int column_of(const parser *p, size_t pos)
{
    size_t o = p->map[pos > p->n ? p->n : pos];
    return hp__utf8_count(p->orig, o) + 1;
}

/* Copy the original text of s[from..to) into out, at most maxcp code points ("…" when cut). */
static void orig_text(const parser *p, size_t from, size_t to, char *out, size_t cap, int maxcp)
{
    size_t i = p->map[from > p->n ? p->n : from], z = p->map[to > p->n ? p->n : to];
    size_t k = 0;
    int cps = 0;
    while (i < z && (p->orig[i] == ' ' || p->orig[i] == '\t'))
        i++;
    while (z > i && (p->orig[z - 1] == ' ' || p->orig[z - 1] == '\t'))
        z--;
    while (i < z) {
        size_t n = 1;
        while (i + n < z && ((unsigned char)p->orig[i + n] & 0xC0) == 0x80)
            n++;
        if (cps == maxcp || k + n + 4 >= cap) {
            memcpy(out + k, "\xE2\x80\xA6", 3);
            k += 3;
            break;
        }
        memcpy(out + k, p->orig + i, n);
        k += n;
        i += n;
        cps++;
    }
    out[k] = '\0';
}

static int fatal_at(parser *p, size_t pos, const char *fmt, ...) HP_PRINTF(3, 4);

static int fatal_at(parser *p, size_t pos, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    p->rc = hp__error(HP_EPARSE, "<phrase>", 1, column_of(p, pos), NULL, "%s", msg);
    return M_FATAL;
}

static int oom(parser *p)
{
    p->rc = hp__oom();
    return M_FATAL;
}

/* ---- scanning ---- */

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static void ws(parser *p)
{
    for (;;) {
        const char *q = p->s + p->pos;
        if (p->pos < p->n && (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r' ||
                              *q == '\v' || *q == '\f'))
            p->pos++;
        else if (p->pos + 3 <= p->n &&
                 (memcmp(q, "\xE2\x80\x8B", 3) == 0 || memcmp(q, "\xEF\xBB\xBF", 3) == 0))
            p->pos += 3; /* zero-width space, BOM */
        else
            break;
    }
}

/* Record that `what` would have been accepted at the current position (after white space). */
static void expect(parser *p, const char *what)
{
    size_t save = p->pos;
    ws(p);
    size_t at = p->pos;
    p->pos = save;
    if (at < p->far)
        return;
    if (at > p->far) {
        p->far = at;
        p->nexpect = 0;
    }
    for (int i = 0; i < p->nexpect; i++)
        if (strcmp(p->expect[i], what) == 0)
            return;
    if (p->nexpect < MAX_EXPECT)
        p->expect[p->nexpect++] = what;
}

static int lit(parser *p, const char *w)
{
    ws(p);
    size_t n = hp__match_word(p->s + p->pos, p->n - p->pos, w);
    if (!n)
        return 0;
    p->pos += n;
    return 1;
}

/* Longest word of tab at the current position: 1 with *v set, else 0. */
static int lit_tab(parser *p, const word *tab, size_t count, int *v)
{
    size_t best = 0;
    ws(p);
    for (size_t i = 0; i < count; i++) {
        size_t n = hp__match_word(p->s + p->pos, p->n - p->pos, tab[i].w);
        if (n > best) {
            best = n;
            *v = tab[i].v;
        }
    }
    p->pos += best;
    return best > 0;
}

static int lit_list(parser *p, const char *const *list, size_t count)
{
    size_t best = 0;
    ws(p);
    for (size_t i = 0; i < count; i++) {
        size_t n = hp__match_word(p->s + p->pos, p->n - p->pos, list[i]);
        if (n > best)
            best = n;
    }
    p->pos += best;
    return best > 0;
}

#define LIT_TAB(p, tab, v) lit_tab((p), (tab), COUNT(tab), (v))
#define LIT_LIST(p, list) lit_list((p), (list), COUNT(list))

static int at_end(parser *p)
{
    size_t save = p->pos;
    ws(p);
    int end = p->pos >= p->n;
    p->pos = save;
    return end;
}

/* ---- numbers, years, units ---- */

typedef struct num {
    double v;
    char txt[72]; /* the digits as read, e.g. "-15.50" */
    size_t start, end;
} num;

/* A number: [sign] digits [thousands groups] [. digits], spaces allowed around the decimal
 * point ("15. 50"). M_OK, M_NO (nothing there) or M_FATAL (too long). */
static int number(parser *p, num *o, int allow_sign)
{
    const char *s = p->s;
    size_t n = p->n, i, k = 0;
    memset(o, 0, sizeof *o);
    ws(p);
    i = p->pos;
    o->start = i;
    if (allow_sign && i < n && (s[i] == '+' || s[i] == '-')) {
        o->txt[k++] = s[i++];
    } else if (allow_sign && i + 3 <= n && memcmp(s + i, "\xE2\x88\x92", 3) == 0) {
        o->txt[k++] = '-'; /* U+2212 MINUS SIGN */
        i += 3;
    }
    if (i >= n || !is_digit(s[i]))
        return M_NO;
    size_t j = i;
    while (j < n && is_digit(s[j]))
        j++;
    size_t intlen = j - i;
    if (intlen + k >= sizeof o->txt - 8)
        return fatal_at(p, o->start, "number too long");
    memcpy(o->txt + k, s + i, intlen);
    k += intlen;
    /* thousands separators: 3,851,564 (an ASCII comma as printed; a full-width ， separates
     * clauses in Chinese text and is never read as one) */
    while (intlen <= 3 && j + 3 < n && s[j] == ',' && p->orig[p->map[j]] == ',' &&
           is_digit(s[j + 1]) &&
           is_digit(s[j + 2]) && is_digit(s[j + 3]) && !(j + 4 < n && is_digit(s[j + 4]))) {
        if (k + 3 >= sizeof o->txt - 8)
            return fatal_at(p, o->start, "number too long");
        memcpy(o->txt + k, s + j + 1, 3);
        k += 3;
        j += 4;
    }
    /* fraction, with stray spaces around the point */
    size_t q = j;
    while (q < n && s[q] == ' ')
        q++;
    if (q < n && s[q] == '.') {
        size_t r = q + 1;
        while (r < n && s[r] == ' ')
            r++;
        if (r < n && is_digit(s[r])) {
            o->txt[k++] = '.';
            while (r < n && is_digit(s[r])) {
                if (k >= sizeof o->txt - 8)
                    return fatal_at(p, o->start, "number too long");
                o->txt[k++] = s[r++];
            }
            j = r;
        }
    }
    o->txt[k] = '\0';
    size_t used = 0;
    if (hp__parse_double(o->txt, k, &o->v, &used) != HP_OK || used != k || !isfinite(o->v))
        return fatal_at(p, o->start, "cannot read the number \"%s\"", o->txt);
    o->end = j;
    p->pos = j;
    return M_OK;
}

/* The number scaled by 10^exp10, read from its digits (so 2.46% is exactly 0.0246). */
static double scaled(const num *a, int exp10)
{
    char tmp[96];
    double v = a->v;
    size_t used;
    int len = snprintf(tmp, sizeof tmp, "%se%d", a->txt, exp10);
    if (len > 0 && hp__parse_double(tmp, (size_t)len, &v, &used) == HP_OK)
        return v;
    return a->v * pow(10, exp10);
}

/* A four-digit year. Taken only when `strict` (a 比/较/vs came before) or when 年 follows;
 * a year outside 1949–2100 is then fatal. Consumes the 年. */
static int year(parser *p, int *y, int strict)
{
    const char *s = p->s;
    ws(p);
    size_t i = p->pos;
    if (i + 4 > p->n || !is_digit(s[i]) || !is_digit(s[i + 1]) || !is_digit(s[i + 2]) ||
        !is_digit(s[i + 3]) || (i + 4 < p->n && (is_digit(s[i + 4]) || s[i + 4] == '.')))
        return M_NO;
    int v = (s[i] - '0') * 1000 + (s[i + 1] - '0') * 100 + (s[i + 2] - '0') * 10 + (s[i + 3] - '0');
    p->pos = i + 4;
    int nian = lit(p, "年");
    if (!nian && !strict) {
        p->pos = i;
        return M_NO;
    }
    if (v < 1949 || v > 2100)
        return fatal_at(p, i, "year %d is outside 1949–2100", v);
    *y = v;
    return M_OK;
}

/* A unit after a number: its HP__UNIT_* kind (HP__UNIT_NONE when there is none); *at is where
 * it starts. */
static int unit(parser *p, size_t *at)
{
    int kind = HP__UNIT_NONE;
    ws(p);
    *at = p->pos;
    size_t n = hp__match_unit(p->s + p->pos, p->n - p->pos, &kind);
    p->pos += n;
    return n ? kind : HP__UNIT_NONE;
}

/* ---- word lists (NFKC forms) ---- */

static const char *const FILLERS[] = {"力争", "争取", "确保", "努力", "均", "应", "要", "需"};

static void fillers(parser *p)
{
    while (LIT_LIST(p, FILLERS))
        ;
}

enum { PRE_NONE, PRE_VALUE, PRE_GEV, PRE_LEV, PRE_CTRL, PRE_ABOUT, PRE_LE, PRE_LT, PRE_GE, PRE_GT };

static const word PREFIXES[] = {
    {"<=", PRE_LE}, {">=", PRE_GE}, {"≤", PRE_LE}, {"≦", PRE_LE}, {"⩽", PRE_LE},
    {"≥", PRE_GE}, {"≧", PRE_GE}, {"⩾", PRE_GE}, {"<", PRE_LT}, {">", PRE_GT},
    {"=", PRE_VALUE}, {"≈", PRE_ABOUT}, {"~", PRE_ABOUT}, {"约", PRE_ABOUT},
    {"大约", PRE_ABOUT}, {"约为", PRE_ABOUT},
    {"不低于", PRE_GE}, {"不少于", PRE_GE}, {"不小于", PRE_GE}, {"至少", PRE_GE},
    {"至少达到", PRE_GE}, {"达到或超过", PRE_GE}, {"达到或高于", PRE_GE},
    {"达到或低于", PRE_LE}, {"不高于", PRE_LE}, {"不超过", PRE_LE}, {"不大于", PRE_LE},
    {"不多于", PRE_LE}, {"至多", PRE_LE}, {"最多", PRE_LE},
    {"低于", PRE_LT}, {"小于", PRE_LT}, {"少于", PRE_LT}, {"不足", PRE_LT},
    {"高于", PRE_GT}, {"大于", PRE_GT}, {"超过", PRE_GT}, {"多于", PRE_GT},
    {"达到", PRE_VALUE}, {"达", PRE_VALUE}, {"为", PRE_VALUE}, {"稳定在", PRE_VALUE},
    {"保持在", PRE_VALUE}, {"保持", PRE_VALUE}, {"维持在", PRE_VALUE}, {"维持", PRE_VALUE},
    {"提高到", PRE_GEV}, {"提高至", PRE_GEV}, {"提升到", PRE_GEV}, {"提升至", PRE_GEV},
    {"增加到", PRE_GEV}, {"增加至", PRE_GEV}, {"增长到", PRE_GEV}, {"增长至", PRE_GEV},
    {"增至", PRE_GEV}, {"升至", PRE_GEV}, {"上升到", PRE_GEV}, {"上升至", PRE_GEV},
    {"降低到", PRE_LEV}, {"降低至", PRE_LEV}, {"下降到", PRE_LEV}, {"下降至", PRE_LEV},
    {"降到", PRE_LEV}, {"降至", PRE_LEV}, {"减少到", PRE_LEV}, {"减少至", PRE_LEV},
    {"减至", PRE_LEV}, {"控制在", PRE_CTRL}, {"控制到", PRE_CTRL}, {"控制于", PRE_CTRL},
    /* English */
    {"at most", PRE_LE}, {"no more than", PRE_LE}, {"not more than", PRE_LE},
    {"not above", PRE_LE}, {"at least", PRE_GE}, {"no less than", PRE_GE},
    {"not less than", PRE_GE}, {"not below", PRE_GE}, {"below", PRE_LT}, {"under", PRE_LT},
    {"less than", PRE_LT}, {"lower than", PRE_LT}, {"above", PRE_GT}, {"over", PRE_GT},
    {"more than", PRE_GT}, {"greater than", PRE_GT}, {"higher than", PRE_GT},
    {"about", PRE_ABOUT}, {"around", PRE_ABOUT}, {"approximately", PRE_ABOUT},
    {"approx.", PRE_ABOUT}, {"approx", PRE_ABOUT}, {"reach", PRE_VALUE}, {"reaches", PRE_VALUE},
};

enum { SUF_NONE, SUF_GE, SUF_LE, SUF_ABOUT };

static const word SUFFIXES[] = {
    {"及以上", SUF_GE}, {"以上", SUF_GE}, {"或以上", SUF_GE}, {"及以下", SUF_LE},
    {"以下", SUF_LE}, {"以内", SUF_LE}, {"之内", SUF_LE}, {"左右", SUF_ABOUT},
    {"上下", SUF_ABOUT},
    {"or more", SUF_GE}, {"or above", SUF_GE}, {"and above", SUF_GE}, {"or higher", SUF_GE},
    {"or over", SUF_GE}, {"or less", SUF_LE}, {"or below", SUF_LE}, {"and below", SUF_LE},
    {"or lower", SUF_LE}, {"or fewer", SUF_LE}, {"or under", SUF_LE},
};

static const char *const RANGE_SEPS[] = {"\xE2\x80\x93", "\xE2\x80\x94", "\xE2\x80\x95",
                                         "\xE2\x80\x92", "-", "~", "\xE3\x80\x9C", "至", "到",
                                         "to"};

static const word CHANGE_VERBS[] = {
    {"降低", -1}, {"下降", -1}, {"减少", -1}, {"减低", -1}, {"提高", 1}, {"增长", 1},
    {"上升", 1},  {"提升", 1},  {"增加", 1},
};

static const word DOUBLING[] = {{"翻一番", 1}, {"翻番", 1}, {"翻两番", 3}, {"翻二番", 3},
                                {"翻三番", 7}};

static const char *const REF_WORDS[] = {"比", "较", "与", "同", "相比", "相较于", "相较",
                                        "对比", "相对于", "比较"};

static const char *const POST_YEAR[] = {"同期", "相比", "比较", "相较", "的基础上", "基础上",
                                        "水平", "末", "底", "的水平"};

static const word FYP[] = {{"十一五", 2010}, {"十二五", 2015}, {"十三五", 2020},
                           {"十四五", 2025}, {"十五五", 2030}};

static const char *const QUOTES[] = {"\xE2\x80\x9C", "\xE2\x80\x9D", "\"", "\xE3\x80\x8C",
                                     "\xE3\x80\x8D"};

static const char *const PER_YEAR_LEAD[] = {"平均每年", "每年平均", "每年", "年均", "年平均",
                                            "逐年", "每一年"};

static const char *const PER_YEAR_EN[] = {"per year", "a year", "/year", "/ year", "/yr",
                                          "per annum", "p.a.", "each year", "every year",
                                          "yearly", "annually"};

static const char *const CHANGE_EN[] = {"vs.", "vs", "versus", "from", "compared with",
                                        "compared to", "relative to", "since", "on"};

static const char *const IMPROVE_MODS[] = {"持续", "稳步", "逐步", "不断", "逐年", "继续"};

static const char *const IMPROVE_VERBS[] = {"改善", "改进", "提升", "提高", "下降", "降低",
                                            "减少", "增加", "增长", "优化", "好转"};

static const char *const IMPROVE_EN[] = {"improve", "improves", "improving", "improvement",
                                         "keep improving", "continue to improve",
                                         "continuous improvement", "improve on baseline",
                                         "better than baseline"};

enum { SC_NONE, SC_PROVINCE, SC_COUNTRY, SC_PREFECTURE };

static const char *const SCOPE_NAMES[] = {"", "province", "country", "prefecture"};

static const word SCOPES_ZH[] = {{"全省", SC_PROVINCE}, {"省", SC_PROVINCE},
                                 {"省级", SC_PROVINCE}, {"本省", SC_PROVINCE},
                                 {"全国", SC_COUNTRY},  {"国家", SC_COUNTRY},
                                 {"全市", SC_PREFECTURE}, {"市", SC_PREFECTURE}};

static const word SCOPES_EN[] = {{"province", SC_PROVINCE}, {"provincial", SC_PROVINCE},
                                 {"the province", SC_PROVINCE},
                                 {"country", SC_COUNTRY},   {"national", SC_COUNTRY},
                                 {"the country", SC_COUNTRY}, {"nation", SC_COUNTRY},
                                 {"the nation", SC_COUNTRY},
                                 {"prefecture", SC_PREFECTURE}, {"city", SC_PREFECTURE},
                                 {"the prefecture", SC_PREFECTURE}, {"the city", SC_PREFECTURE}};

static const char *const RT_VERBS[] = {"控制在", "达到", "完成", "实现", "在", "不超过", "符合"};
static const char *const RT_MID[] = {"下达的", "下达", "定的", "定", "规定的", "规定",
                                     "确定的", "确定", "的"};
static const char *const RT_NOUN[] = {"目标", "指标", "任务"};
static const char *const RT_WITHIN[] = {"内", "以内", "之内", "范围内", "范围之内", "以下"};

static const word RV_OPS_ZH[] = {
    {"优于", HP_OP_BETTER}, {"好于", HP_OP_BETTER}, {"高于", HP_OP_GT}, {"低于", HP_OP_LT},
    {"超过", HP_OP_GT}, {"不低于", HP_OP_GE}, {"不少于", HP_OP_GE}, {"不高于", HP_OP_LE},
    {"不超过", HP_OP_LE}, {"达到或超过", HP_OP_GE}, {"达到或高于", HP_OP_GE},
    {"达到", HP_OP_GE}, {"达到或低于", HP_OP_LE},
};

static const word RV_OPS_EN[] = {
    {"better than", HP_OP_BETTER}, {"below", HP_OP_LT}, {"lower than", HP_OP_LT},
    {"less than", HP_OP_LT}, {"above", HP_OP_GT}, {"higher than", HP_OP_GT},
    {"more than", HP_OP_GT}, {"at least", HP_OP_GE}, {"not below", HP_OP_GE},
    {"no lower than", HP_OP_GE}, {"no less than", HP_OP_GE}, {"at most", HP_OP_LE},
    {"not above", HP_OP_LE}, {"no higher than", HP_OP_LE}, {"no more than", HP_OP_LE},
};

static const char *const RV_LEVEL[] = {"平均水平", "平均值", "均值", "平均", "水平",
                                       "同期平均水平", "同期水平"};

enum { Q_MOD, Q_VERB, Q_MILESTONE, Q_CONN };

/* The qualitative vocabulary (docs/rules.md lists it): modifiers, verbs, milestones and the
 * connectors allowed between them. */
static const word QUAL_WORDS[] = {
    /* modifiers */
    {"显著", Q_MOD}, {"明显", Q_MOD}, {"基本", Q_MOD}, {"逐步", Q_MOD}, {"进一步", Q_MOD},
    {"全面", Q_MOD}, {"有效", Q_MOD}, {"大幅", Q_MOD}, {"大幅度", Q_MOD},
    {"较大幅度", Q_MOD}, {"稳步", Q_MOD}, {"持续", Q_MOD}, {"不断", Q_MOD}, {"切实", Q_MOD},
    {"加快", Q_MOD}, {"积极", Q_MOD}, {"初步", Q_MOD}, {"普遍", Q_MOD}, {"根本", Q_MOD},
    {"彻底", Q_MOD}, {"得到", Q_MOD}, {"逐年", Q_MOD}, {"更加", Q_MOD}, {"总体", Q_MOD},
    {"整体", Q_MOD}, {"继续", Q_MOD}, {"努力", Q_MOD}, {"力争", Q_MOD}, {"尽快", Q_MOD},
    {"率先", Q_MOD}, {"全部", Q_MOD}, {"稳定", Q_MOD}, {"快速", Q_MOD}, {"较快", Q_MOD},
    /* verbs */
    {"下降", Q_VERB}, {"降低", Q_VERB}, {"减少", Q_VERB}, {"减轻", Q_VERB}, {"提高", Q_VERB},
    {"提升", Q_VERB}, {"增加", Q_VERB}, {"增长", Q_VERB}, {"增强", Q_VERB}, {"改善", Q_VERB},
    {"改进", Q_VERB}, {"优化", Q_VERB}, {"好转", Q_VERB}, {"建立", Q_VERB}, {"健全", Q_VERB},
    {"完善", Q_VERB}, {"建成", Q_VERB}, {"形成", Q_VERB}, {"实现", Q_VERB}, {"消除", Q_VERB},
    {"遏制", Q_VERB}, {"控制", Q_VERB}, {"缓解", Q_VERB}, {"放缓", Q_VERB}, {"扩大", Q_VERB},
    {"普及", Q_VERB}, {"巩固", Q_VERB}, {"保持", Q_VERB}, {"达标", Q_VERB}, {"覆盖", Q_VERB},
    {"壮大", Q_VERB}, {"加强", Q_VERB}, {"推进", Q_VERB}, {"落实", Q_VERB},
    /* milestones */
    {"全覆盖", Q_MILESTONE}, {"现代化", Q_MILESTONE}, {"标准化", Q_MILESTONE},
    {"规范化", Q_MILESTONE}, {"均等化", Q_MILESTONE}, {"一体化", Q_MILESTONE},
    /* connectors */
    {"并", Q_CONN}, {"和", Q_CONN}, {"与", Q_CONN}, {"及", Q_CONN}, {"、", Q_CONN},
};

static const char *const ADV_VERBS[] = {"达到", "接近", "接近或达到", "达到或接近", "保持",
                                        "保持在", "位居", "进入"};
static const char *const ADV_SCOPES[] = {"全省", "全国", "国内", "国际", "省内", "全市",
                                         "同类城市", "省"};
static const char *const ADV_LEVELS[] = {"先进水平", "一流水平", "领先水平", "前列"};

static const char *const OR_WORDS[] = {"或者", "或", "or"};
static const char *const AND_WORDS[] = {"并且", "而且", "且", "同时", "and", "&"};

static const char *const VERDICTS[] = {"优于目标值", "控制在目标以内", "控制在目标范围内",
                                       "控制在目标范围之内", "达到目标值", "达到目标",
                                       "完成目标", "已完成", "已达到", "已实现"};

static const char *const E_NUMBER = "a number";
static const char *const E_UNIT = "a unit (%, ‰, 岁, /10万 …)";
static const char *const E_SUFFIX = "以上, 以下, 以内 or 左右";
static const char *const E_JOIN = "或 or 且 and another rule";
static const char *const E_END = "the end of the phrase";
static const char *const E_SUMMARY =
    "a target such as ≤18, 30以下, 77左右, 10–15, 比2015年降低30%, 每年降低0.5个百分点, "
    "持续改善, 全省控制目标内, 优于全省平均水平 or 同比例提高";

/* ---- alternatives ---- */

static void set_scope(hp_rule *r, int sc)
{
    snprintf(r->scope, sizeof r->scope, "%s", SCOPE_NAMES[sc]);
}

/* A scope in English: province, country, prefecture or a six-digit region code. */
static int scope_en(parser *p, hp_rule *r)
{
    int sc;
    if (LIT_TAB(p, SCOPES_EN, &sc)) {
        set_scope(r, sc);
        return 1;
    }
    ws(p);
    size_t i = p->pos, k = 0;
    while (i + k < p->n && is_digit(p->s[i + k]))
        k++;
    if (k == 6 && !(i + k < p->n && is_digit(p->s[i + k]))) {
        memcpy(r->scope, p->s + i, 6);
        r->scope[6] = '\0';
        p->pos += 6;
        return 1;
    }
    expect(p, "province or country");
    return 0;
}

/* What a prefix and a suffix together ask; M_FATAL when they contradict each other. */
static int combine(parser *p, int pre, size_t pre_at, size_t pre_end, int suf, size_t suf_at,
                   size_t suf_end, hp_rule_kind *kind)
{
    static const hp_rule_kind base[] = {HP_RULE_VALUE, HP_RULE_VALUE, HP_RULE_GE, HP_RULE_LE,
                                        HP_RULE_LE,    HP_RULE_ABOUT, HP_RULE_LE, HP_RULE_LT,
                                        HP_RULE_GE,    HP_RULE_GT};
    int bad = 0;
    switch (suf) {
    case SUF_NONE:
        *kind = base[pre];
        return M_OK;
    case SUF_GE:
        if (pre == PRE_LE || pre == PRE_LT || pre == PRE_LEV || pre == PRE_ABOUT)
            bad = 1;
        *kind = (pre == PRE_GE || pre == PRE_GT) ? base[pre] : HP_RULE_GE;
        break;
    case SUF_LE:
        if (pre == PRE_GE || pre == PRE_GT || pre == PRE_GEV || pre == PRE_ABOUT)
            bad = 1;
        *kind = (pre == PRE_LE || pre == PRE_LT) ? base[pre] : HP_RULE_LE;
        break;
    default:
        if (pre == PRE_LE || pre == PRE_LT || pre == PRE_GE || pre == PRE_GT)
            bad = 1;
        *kind = HP_RULE_ABOUT;
    }
    if (bad) {
        char a[64], b[64];
        orig_text(p, pre_at, pre_end, a, sizeof a, 12);
        orig_text(p, suf_at, suf_end, b, sizeof b, 12);
        return fatal_at(p, suf_at, "\"%s\" contradicts \"%s\" before the number", b, a);
    }
    return M_OK;
}

/* between 10 and 15 */
static int english_range(parser *p, hp_rule *r)
{
    num a, b;
    size_t at;
    int rc = number(p, &a, 1);
    if (rc <= 0) {
        if (!rc)
            expect(p, E_NUMBER);
        return rc;
    }
    unit(p, &at);
    if (!lit(p, "and")) {
        expect(p, "and");
        return M_NO;
    }
    rc = number(p, &b, 1);
    if (rc <= 0) {
        if (!rc)
            expect(p, E_NUMBER);
        return rc;
    }
    unit(p, &at);
    if (a.v > b.v)
        return fatal_at(p, b.start, "range %s to %s: the low end is above the high end", a.txt,
                        b.txt);
    r->kind = HP_RULE_RANGE;
    r->low = a.v;
    r->high = b.v;
    return M_OK;
}

/* ≤18, 30以下, 达到79岁, 77左右, 10–15, 8.00, <= 18, about 27 */
static int alt_numeric(parser *p, hp_rule *r)
{
    int pre = PRE_NONE, rc;
    size_t at;
    fillers(p);
    ws(p);
    size_t pre_at = p->pos;
    if (!LIT_TAB(p, PREFIXES, &pre))
        pre = PRE_NONE;
    size_t pre_end = p->pos;
    if ((pre == PRE_NONE || pre == PRE_VALUE) && lit(p, "between"))
        return english_range(p, r);
    num a;
    rc = number(p, &a, 1);
    if (rc <= 0) {
        if (!rc)
            expect(p, E_NUMBER);
        return rc;
    }
    size_t after_num = p->pos;
    int u = unit(p, &at);
    if (u == HP__UNIT_PP) {
        /* 个百分点 is a change, never a level */
        p->pos = after_num;
        expect(p, "a unit other than 个百分点 (a change in points needs 每年)");
        return M_NO;
    }
    if (u == HP__UNIT_NONE)
        expect(p, E_UNIT);
    if (pre == PRE_NONE || pre == PRE_VALUE || pre == PRE_CTRL) {
        size_t save = p->pos;
        if (LIT_LIST(p, RANGE_SEPS)) {
            num b;
            rc = number(p, &b, 1);
            if (rc < 0)
                return rc;
            if (rc) {
                size_t after_b = p->pos;
                if (unit(p, &at) == HP__UNIT_PP)
                    p->pos = after_b;
                lit(p, "之间");
                if (a.v > b.v)
                    return fatal_at(p, b.start,
                                    "range %s–%s: the low end is above the high end", a.txt,
                                    b.txt);
                r->kind = HP_RULE_RANGE;
                r->low = a.v;
                r->high = b.v;
                return M_OK;
            }
            expect(p, "a number ending the range");
        }
        p->pos = save;
    }
    ws(p);
    size_t suf_at = p->pos;
    int suf = SUF_NONE;
    if (!LIT_TAB(p, SUFFIXES, &suf)) {
        suf = SUF_NONE;
        expect(p, E_SUFFIX);
    }
    hp_rule_kind k;
    rc = combine(p, pre, pre_at, pre_end, suf, suf_at, p->pos, &k);
    if (rc < 0)
        return rc;
    r->kind = k;
    r->value = a.v;
    if (k == HP_RULE_ABOUT)
        r->tolerance = HP_ABOUT_TOLERANCE;
    return M_OK;
}

/* 比2015年降低30%, 与2015年相比下降50%, 较“十二五”末翻两番, 下降25% */
static int alt_change_zh(parser *p, hp_rule *r)
{
    int rc, y = 0, have_year = 0, sign = 0;
    fillers(p);
    int had_ref = LIT_LIST(p, REF_WORDS);
    int had_zai = !had_ref && lit(p, "在");
    rc = year(p, &y, had_ref || had_zai);
    if (rc < 0)
        return rc;
    if (rc) {
        have_year = 1;
    } else {
        size_t save = p->pos;
        LIT_LIST(p, QUOTES);
        if (LIT_TAB(p, FYP, &y)) {
            LIT_LIST(p, QUOTES);
            lit(p, "时期");
            have_year = 1;
        } else {
            p->pos = save;
            if (lit(p, "基线") || lit(p, "基期") || lit(p, "基准年") || lit(p, "现有")) {
                y = 0;
                have_year = 1;
            }
        }
    }
    if ((had_ref || had_zai) && !have_year) {
        expect(p, "a year such as 2015");
        return M_NO;
    }
    if (had_zai) {
        lit(p, "的");
        if (!lit(p, "基础上")) {
            expect(p, "基础上");
            return M_NO;
        }
    } else if (have_year) {
        while (LIT_LIST(p, POST_YEAR))
            ;
    }
    lit(p, ",");
    while (lit(p, "继续") || lit(p, "再") || lit(p, "累计"))
        ;
    if (LIT_TAB(p, DOUBLING, &sign)) {
        r->kind = HP_RULE_CHANGE_FROM;
        r->value = sign;
        r->ref_year = y;
        return M_OK;
    }
    if (!LIT_TAB(p, CHANGE_VERBS, &sign)) {
        if (have_year)
            expect(p, "降低, 下降, 提高 or 增长 and a percentage");
        return M_NO;
    }
    lit(p, "了");
    num a;
    rc = number(p, &a, 0);
    if (rc <= 0) {
        if (!rc)
            expect(p, "a percentage such as 30%");
        return rc;
    }
    size_t at;
    int u = unit(p, &at);
    if (u == HP__UNIT_PP || (u != HP__UNIT_PERCENT && u != HP__UNIT_NONE)) {
        /* an absolute change in the indicator's unit: 提高3.1岁, 下降2个百分点 */
        if (!lit(p, "以上"))
            lit(p, "左右");
        r->kind = HP_RULE_CHANGE_BY;
        r->value = sign * a.v;
        r->ref_year = y;
        return M_OK;
    }
    if (u == HP__UNIT_NONE) {
        expect(p, "% after the number");
        return M_NO;
    }
    if (!lit(p, "以上") && !lit(p, "左右"))
        expect(p, "以上 or 左右");
    r->kind = HP_RULE_CHANGE_FROM;
    r->value = sign * scaled(&a, -2);
    r->ref_year = y;
    return M_OK;
}

/* -30% vs 2015, +10% vs 2015, down 30% from 2015 */
static int alt_change_en(parser *p, hp_rule *r)
{
    int sign = 0, rc, y = 0;
    size_t at;
    if (lit(p, "down"))
        sign = -1;
    else if (lit(p, "up"))
        sign = 1;
    num a;
    rc = number(p, &a, sign == 0);
    if (rc <= 0)
        return rc;
    if (sign == 0 && a.txt[0] != '-' && a.txt[0] != '+') {
        return M_NO; /* a bare number is a level, not a change */
    }
    int u = unit(p, &at);
    int absolute = u != HP__UNIT_PERCENT; /* -2 pp vs 2020, +3.1 years vs 2015, +3.1 vs 2015 */
    (void)at;
    if (!LIT_LIST(p, CHANGE_EN)) {
        expect(p, "vs and a year");
        return M_NO;
    }
    rc = year(p, &y, 1);
    if (rc < 0)
        return rc;
    if (!rc) {
        if (lit(p, "baseline") || lit(p, "the baseline") || lit(p, "base year")) {
            y = 0;
        } else {
            expect(p, "a year such as 2015");
            return M_NO;
        }
    }
    r->kind = absolute ? HP_RULE_CHANGE_BY : HP_RULE_CHANGE_FROM;
    r->value = (absolute ? a.v : scaled(&a, -2)) * (sign ? sign : 1);
    r->ref_year = y;
    return M_OK;
}

/* 每年降低0.5个百分点 (linear), 每年降低5% (compound), 平均每年下降0.5个百分点以上 */
static int alt_per_year_zh(parser *p, hp_rule *r)
{
    int sign, rc;
    size_t at;
    fillers(p);
    lit(p, "在现有基础上");
    if (!LIT_LIST(p, PER_YEAR_LEAD))
        return M_NO;
    lit(p, "平均");
    fillers(p);
    if (!LIT_TAB(p, CHANGE_VERBS, &sign)) {
        expect(p, "降低, 下降, 提高 or 提升");
        return M_NO;
    }
    num a;
    rc = number(p, &a, 0);
    if (rc <= 0) {
        if (!rc)
            expect(p, E_NUMBER);
        return rc;
    }
    int u = unit(p, &at);
    r->kind = HP_RULE_PER_YEAR;
    if (u == HP__UNIT_PERCENT) {
        r->value = sign * scaled(&a, -2);
        r->compound = 1;
    } else {
        if (u == HP__UNIT_NONE)
            expect(p, "个百分点, % or a unit");
        r->value = sign * a.v;
    }
    /* 以上 and 左右 add nothing to a yearly change: it is judged "at least this fast" */
    if (!lit(p, "以上") && !lit(p, "左右"))
        expect(p, "以上 or 左右");
    return M_OK;
}

/* -0.5 pp per year, -5% per year, down 0.5 pp a year */
static int alt_per_year_en(parser *p, hp_rule *r)
{
    int sign = 0, rc;
    size_t at;
    if (lit(p, "down"))
        sign = -1;
    else if (lit(p, "up"))
        sign = 1;
    num a;
    rc = number(p, &a, sign == 0);
    if (rc <= 0)
        return rc;
    int u = unit(p, &at);
    if (!LIT_LIST(p, PER_YEAR_EN)) {
        /* worth mentioning only when the number already looks like a change */
        if (sign || a.txt[0] == '-' || a.txt[0] == '+' || u == HP__UNIT_PP)
            expect(p, "per year");
        return M_NO;
    }
    r->kind = HP_RULE_PER_YEAR;
    if (u == HP__UNIT_PERCENT) {
        r->value = scaled(&a, -2);
        r->compound = 1;
    } else {
        r->value = a.v;
    }
    if (sign)
        r->value *= sign;
    return M_OK;
}

/* 持续改善, 稳步提高, 逐步提高, 不断提高, 在现有基础上持续改善, improve */
static int alt_improve(parser *p, hp_rule *r)
{
    size_t start = p->pos;
    if (LIT_LIST(p, IMPROVE_EN)) {
        r->kind = HP_RULE_IMPROVE;
        return M_OK;
    }
    p->pos = start;
    fillers(p);
    lit(p, "在现有基础上");
    if (!LIT_LIST(p, IMPROVE_MODS))
        return M_NO;
    while (LIT_LIST(p, IMPROVE_MODS))
        ;
    if (!LIT_LIST(p, IMPROVE_VERBS)) {
        expect(p, "改善, 提升, 提高 or 下降");
        return M_NO;
    }
    r->kind = HP_RULE_IMPROVE;
    return M_OK;
}

/* 全省控制目标内, 省控制目标以内, 省下达目标值, 国家下达目标值, within province target */
static int alt_reference_target(parser *p, hp_rule *r)
{
    size_t start = p->pos;
    int sc;
    fillers(p);
    LIT_LIST(p, RT_VERBS);
    if (LIT_TAB(p, SCOPES_ZH, &sc)) {
        while (LIT_LIST(p, RT_MID))
            ;
        lit(p, "控制");
        if (!LIT_LIST(p, RT_NOUN)) {
            expect(p, "目标");
            return M_NO;
        }
        lit(p, "值");
        LIT_LIST(p, RT_WITHIN);
        r->kind = HP_RULE_REFERENCE_TARGET;
        set_scope(r, sc);
        return M_OK;
    }
    p->pos = start;
    lit(p, "within");
    lit(p, "the");
    if (!scope_en(p, r))
        return M_NO;
    lit(p, "'s");
    lit(p, "control");
    if (!lit(p, "target")) {
        expect(p, "target");
        return M_NO;
    }
    r->kind = HP_RULE_REFERENCE_TARGET;
    return M_OK;
}

/* 优于全省平均水平, 低于全省平均水平, 高于全国平均水平, better than province */
static int alt_reference_value(parser *p, hp_rule *r)
{
    size_t start = p->pos;
    int op, sc;
    fillers(p);
    if (LIT_TAB(p, RV_OPS_ZH, &op)) {
        if (!LIT_TAB(p, SCOPES_ZH, &sc)) {
            expect(p, "全省 or 全国");
            return M_NO;
        }
        lit(p, "的");
        LIT_LIST(p, RV_LEVEL);
        r->kind = HP_RULE_REFERENCE_VALUE;
        r->op = (hp_rule_op)op;
        set_scope(r, sc);
        return M_OK;
    }
    p->pos = start;
    if (!LIT_TAB(p, RV_OPS_EN, &op))
        return M_NO;
    lit(p, "the");
    if (!scope_en(p, r))
        return M_NO;
    lit(p, "'s");
    if (!lit(p, "average"))
        lit(p, "mean");
    if (!lit(p, "level"))
        lit(p, "value");
    r->kind = HP_RULE_REFERENCE_VALUE;
    r->op = (hp_rule_op)op;
    return M_OK;
}

/* 同比例提高, same ratio */
static int alt_same_ratio(parser *p, hp_rule *r)
{
    static const char *const verbs[] = {"提高", "增长", "提升", "增加"};
    static const char *const en[] = {"same ratio", "same proportion", "in proportion",
                                     "proportionally", "grow in proportion"};
    size_t start = p->pos;
    fillers(p);
    if (lit(p, "与") || lit(p, "和") || lit(p, "随")) {
        /* 与人均预期寿命同比例提高: the indicator belongs in the dataset record */
        ws(p);
        const char *q = strstr(p->s + p->pos, "同比例");
        if (q)
            return fatal_at(p, start,
                            "same_ratio takes its indicator from the dataset: write just "
                            "同比例提高 and set \"indicator\" in the target's rule");
        return M_NO;
    }
    if (lit(p, "同比例")) {
        if (!LIT_LIST(p, verbs)) {
            expect(p, "提高 or 增长");
            return M_NO;
        }
        r->kind = HP_RULE_SAME_RATIO;
        return M_OK;
    }
    p->pos = start;
    if (LIT_LIST(p, en)) {
        r->kind = HP_RULE_SAME_RATIO;
        return M_OK;
    }
    return M_NO;
}

/* Set r to a qualitative rule holding the original text of s[from..p->pos). */
static int qualitative_text(parser *p, hp_rule *r, size_t from)
{
    size_t a = p->map[from], z = p->map[p->pos];
    while (z > a && (p->orig[z - 1] == ' ' || p->orig[z - 1] == '\t'))
        z--;
    r->kind = HP_RULE_QUALITATIVE;
    r->text = hp__strndup(p->orig + a, z - a);
    return r->text ? M_OK : oom(p);
}

/* 显著下降, 基本建立, 建成, 全覆盖, 达到全省先进水平 */
static int alt_qualitative(parser *p, hp_rule *r)
{
    ws(p);
    size_t start = p->pos;
    /* a standing among others */
    LIT_LIST(p, FILLERS);
    LIT_LIST(p, ADV_VERBS);
    LIT_LIST(p, ADV_SCOPES);
    lit(p, "的");
    if (LIT_LIST(p, ADV_LEVELS))
        return qualitative_text(p, r, start);
    /* modifiers, verbs and milestones */
    p->pos = start;
    int words = 0, verbs = 0, v;
    size_t end = start;
    for (;;) {
        size_t before = p->pos;
        if (!LIT_TAB(p, QUAL_WORDS, &v)) {
            p->pos = before;
            break;
        }
        if (v == Q_CONN && words == 0) {
            p->pos = before;
            break;
        }
        words++;
        if (v == Q_VERB || v == Q_MILESTONE) {
            verbs++;
            end = p->pos;
        }
    }
    if (!words)
        return M_NO;
    if (!verbs) {
        expect(p, "a verb such as 下降, 提高, 建立 or 完善");
        return M_NO;
    }
    expect(p, "another word of the qualitative list (显著, 基本, 下降, 建立 …)");
    /* end after the last verb or milestone: a trailing connector belongs to what follows */
    p->pos = end;
    return qualitative_text(p, r, start);
}

typedef int (*alt_fn)(parser *p, hp_rule *r);

static const alt_fn ALTERNATIVES[] = {
    alt_reference_target, alt_reference_value, alt_same_ratio, alt_improve,
    alt_per_year_zh,      alt_per_year_en,     alt_change_zh,  alt_change_en,
    alt_numeric,          alt_qualitative,
};

/* Phrases that are not targets but say something recognisable: fatal with a useful message. */
static int special_cases(parser *p)
{
    size_t start = p->pos;
    int y;
    /* an observation verdict from a results table */
    if (LIT_LIST(p, VERDICTS)) {
        size_t end = p->pos;
        if (at_end(p)) {
            char t[96];
            orig_text(p, start, end, t, sizeof t, 20);
            return fatal_at(p, start,
                            "\"%s\" reads as an observation verdict, not a target: record it as "
                            "an observation with \"verdict\": \"met\"",
                            t);
        }
    }
    p->pos = start;
    /* a target year in front: 到2025年 */
    if (lit(p, "到") || lit(p, "by") || lit(p, "in")) {
        size_t save = p->pos;
        int rc = year(p, &y, 1);
        if (rc < 0)
            return rc;
        if (rc) {
            char t[64];
            orig_text(p, start, p->pos, t, sizeof t, 12);
            return fatal_at(p, start,
                            "the target year (\"%s\") is not part of the rule: give it in the "
                            "target's \"year\" and the rule alone (e.g. 达到79岁)",
                            t);
        }
        p->pos = save;
    }
    p->pos = start;
    /* a dash printed where there is no target */
    static const char *const dashes[] = {"\xE2\x80\x94", "\xE2\x80\x94\xE2\x80\x94", "-", "--",
                                         "\xE2\x80\x93", "\xE2\x80\x95"};
    if (LIT_LIST(p, dashes) && at_end(p))
        return fatal_at(p, start, "a dash means that no target was printed; leave the target out");
    p->pos = start;
    return M_NO;
}

/* One rule: the alternative that reads the most text. */
static int parse_simple(parser *p, hp_rule *out)
{
    ws(p);
    size_t start = p->pos, best_end = 0;
    hp_rule best;
    int have = 0;
    hp_rule_init(&best);
    int rc = special_cases(p);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < COUNT(ALTERNATIVES); i++) {
        hp_rule r;
        hp_rule_init(&r);
        p->pos = start;
        rc = ALTERNATIVES[i](p, &r);
        if (rc < 0) {
            hp_rule_dispose(&r);
            hp_rule_dispose(&best);
            return rc;
        }
        if (rc == M_OK && (!have || p->pos > best_end)) {
            hp_rule_dispose(&best);
            best = r;
            best_end = p->pos;
            have = 1;
        } else {
            hp_rule_dispose(&r);
        }
    }
    p->pos = start;
    if (!have) {
        /* nothing read past the start: say what a rule looks like */
        if (p->far <= start) {
            p->far = start;
            p->nexpect = 0;
            expect(p, E_SUMMARY);
        }
        return M_NO;
    }
    p->pos = best_end;
    *out = best;
    return M_OK;
}

/* Rules joined by the words of `joins` (或 at level 0, 且 at level 1). */
static int parse_joined(parser *p, hp_rule *out, int level)
{
    const char *const *joins = level == 0 ? OR_WORDS : AND_WORDS;
    size_t njoins = level == 0 ? COUNT(OR_WORDS) : COUNT(AND_WORDS);
    hp_rule *parts = NULL;
    size_t nparts = 0, cap = 0;
    hp_rule r;
    int rc;
    hp_rule_init(&r);
    for (;;) {
        rc = level == 0 ? parse_joined(p, &r, 1) : parse_simple(p, &r);
        if (rc != M_OK)
            goto fail;
        if (hp__grow((void **)&parts, &cap, nparts + 1, sizeof *parts) != HP_OK) {
            hp_rule_dispose(&r);
            rc = oom(p);
            goto fail;
        }
        parts[nparts++] = r;
        hp_rule_init(&r);
        size_t save = p->pos;
        lit(p, ",");
        if (lit_list(p, joins, njoins))
            continue;
        p->pos = save;
        expect(p, E_JOIN);
        break;
    }
    if (nparts == 1) {
        *out = parts[0];
        hp__free(parts);
        return M_OK;
    }
    hp_rule_init(out);
    out->kind = level == 0 ? HP_RULE_ANY : HP_RULE_ALL;
    out->rules = parts;
    out->nrules = nparts;
    return M_OK;
fail:
    for (size_t i = 0; i < nparts; i++)
        hp_rule_dispose(&parts[i]);
    hp__free(parts);
    return rc;
}

/* The HP_EPARSE error for the furthest failure. */
static int syntax_error(parser *p)
{
    char found[96], what[640];
    size_t k = 0;
    what[0] = '\0';
    if (p->nexpect == 0)
        p->expect[p->nexpect++] = E_SUMMARY;
    if (p->nexpect == 1) {
        snprintf(what, sizeof what, "expected %s", p->expect[0]);
    } else {
        k = (size_t)snprintf(what, sizeof what, "expected one of: ");
        for (int i = 0; i < p->nexpect && k < sizeof what; i++)
            k += (size_t)snprintf(what + k, sizeof what - k, "%s%s", i ? "; " : "",
                                  p->expect[i]);
    }
    int col = column_of(p, p->far);
    if (p->far >= p->n) {
        char all[96];
        orig_text(p, 0, p->n, all, sizeof all, 24);
        p->rc = hp__error(HP_EPARSE, "<phrase>", 1, col, NULL,
                          "the phrase \"%s\" ends too early at column %d: %s", all, col, what);
    } else {
        orig_text(p, p->far, p->n, found, sizeof found, 12);
        p->rc = hp__error(HP_EPARSE, "<phrase>", 1, col, NULL,
                          "cannot read \"%s\" at column %d: %s", found, col, what);
    }
    return p->rc;
}

int hp_rule_parse(const char *phrase, hp_rule *out)
{
    if (out)
        hp_rule_init(out);
    if (!phrase || !out)
        return hp__fail(HP_EINVAL, "hp_rule_parse: phrase and out must not be NULL");
    size_t olen = strlen(phrase), nlen = 0, bad = 0, *map = NULL;
    char *norm = NULL;
    int rc = hp__nfkc_map(phrase, olen, &norm, &nlen, &map, &bad);
    if (rc == HP_EPARSE) {
        int col = hp__utf8_count(phrase, bad) + 1;
        return hp__error(HP_EPARSE, "<phrase>", 1, col, NULL,
                         "invalid UTF-8 at column %d (byte 0x%02X)", col,
                         (unsigned)(unsigned char)phrase[bad]);
    }
    if (rc != HP_OK)
        return rc;
    parser p;
    memset(&p, 0, sizeof p);
    p.orig = phrase;
    p.olen = olen;
    p.s = norm;
    p.n = nlen;
    p.map = map;
    ws(&p);
    if (p.pos >= p.n) {
        rc = hp__error(HP_EPARSE, "<phrase>", 1, 1, NULL,
                       "empty phrase: expected a target such as ≤18, 30以下 or 持续改善");
        goto done;
    }
    hp_rule r;
    hp_rule_init(&r);
    int m = parse_joined(&p, &r, 0);
    if (m == M_OK) {
        lit(&p, "。");
        ws(&p);
        if (p.pos < p.n) {
            expect(&p, E_END);
            hp_rule_dispose(&r);
            m = M_NO;
        }
    }
    if (m == M_OK) {
        *out = r;
        rc = HP_OK;
    } else if (m == M_NO) {
        rc = syntax_error(&p);
    } else {
        rc = p.rc;
    }
done:
    hp__free(norm);
    hp__free(map);
    return rc;
}
