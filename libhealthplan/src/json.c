/* Dataset JSON ("healthplan/1"): loading and saving.
 *
 * Loading scans the top-level object itself and hands each record of the arrays to cJSON
 * separately: memory stays proportional to one record, and the byte offset of every record is
 * known, so errors inside a record are located by re-scanning only that record's text. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dataset_internal.h"
#include "rule_internal.h"
#include "text_internal.h"

#define MAX_DEPTH 256
#define MAX_KEYS 64   /* keys in one record (or its ratio / departments object) */
#define FORMAT_NAME "healthplan/1"

/* ------------------------------------------------------------- scanning */

typedef struct scanner {
    hp_dataset *st;
    const hp__file *f;
    const char *t;
    size_t len, pos;
    /* incremental line tracking */
    size_t lpos;       /* offset up to which newlines were counted */
    int line;
    size_t line_start;
    size_t cpos;       /* offset up to which the code points of the current line were counted */
    int ccol;          /* code points from line_start to cpos */
} scanner;

static void advance_lines(scanner *s, size_t upto)
{
    const char *p = s->t + s->lpos, *end = s->t + upto;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            break;
        s->line++;
        s->line_start = (size_t)(nl - s->t) + 1;
        p = nl + 1;
    }
    s->lpos = upto;
}

static void position(scanner *s, size_t off, int *line, int *col)
{
    if (off < s->lpos) {
        hp__text_position(s->t, s->len, off, line, col);
        return;
    }
    advance_lines(s, off);
    /* columns are counted on from the last position asked for, so that many records on one
     * long line (a minified file) cost linear time, not quadratic */
    if (s->cpos < s->line_start) {
        s->cpos = s->line_start;
        s->ccol = 0;
    }
    s->ccol += hp__utf8_count(s->t + s->cpos, off - s->cpos);
    s->cpos = off;
    *line = s->line;
    *col = s->ccol + 1;
}

static int scan_error(scanner *s, size_t off, int code, const char *field, const char *fmt, ...)
    HP_PRINTF(5, 6);
static int scan_error(scanner *s, size_t off, int code, const char *field, const char *fmt, ...)
{
    int line, col;
    hp__text_position(s->t, s->len, off, &line, &col);
    va_list ap;
    va_start(ap, fmt);
    hp__verror(code, s->f->name, line, col, field, fmt, ap);
    va_end(ap);
    return code;
}

static void skip_ws(scanner *s)
{
    while (s->pos < s->len) {
        char c = s->t[s->pos];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            s->pos++;
        else
            break;
    }
}

static void describe_at(const char *t, size_t len, size_t pos, char *out, size_t cap)
{
    if (pos >= len) {
        snprintf(out, cap, "end of file");
        return;
    }
    size_t n = 1;
    unsigned char c = (unsigned char)t[pos];
    if (c >= 0xF0) n = 4; else if (c >= 0xE0) n = 3; else if (c >= 0xC0) n = 2;
    if (pos + n > len)
        n = len - pos;
    if (c < 0x20)
        snprintf(out, cap, "control character 0x%02X", c);
    else
        snprintf(out, cap, "\"%.*s\"", (int)n, t + pos);
}

/* End of the JSON string starting at s->t[pos] == '"' (offset after the closing quote). */
static int skip_string(scanner *s, size_t pos, size_t *end)
{
    size_t i = pos + 1;
    while (i < s->len) {
        const char *q = memchr(s->t + i, '"', s->len - i);
        if (!q)
            break;
        size_t k = (size_t)(q - s->t);
        size_t bs = 0;
        while (k - bs > pos + 1 - 1 && s->t[k - bs - 1] == '\\')
            bs++;
        if (bs % 2 == 0) {
            *end = k + 1;
            return HP_OK;
        }
        i = k + 1;
    }
    return scan_error(s, pos, HP_EPARSE, NULL, "unterminated string");
}

/* Offset just after the JSON value starting at pos (brackets and strings matched only; the
 * value's content is checked by cJSON). */
static int skip_value(scanner *s, size_t pos, size_t *end)
{
    int depth = 0;
    char stack[MAX_DEPTH];
    size_t i = pos;
    while (i < s->len) {
        char c = s->t[i];
        if (c == '"') {
            int rc = skip_string(s, i, &i);
            if (rc != HP_OK)
                return rc;
            if (depth == 0)
                break;
            continue;
        }
        if (depth == 0 && i > pos &&
            (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\r' || c == '\t'))
            break;
        if (c == '{' || c == '[') {
            if (depth >= MAX_DEPTH)
                return scan_error(s, i, HP_EPARSE, NULL, "nesting deeper than %d levels",
                                  MAX_DEPTH);
            stack[depth++] = c;
        } else if (c == '}' || c == ']') {
            if (depth == 0 || stack[depth - 1] != (c == '}' ? '{' : '['))
                return scan_error(s, i, HP_EPARSE, NULL, "unexpected \"%c\"", c);
            depth--;
            if (depth == 0) {
                i++;
                break;
            }
        }
        i++;
    }
    if (depth > 0)
        return scan_error(s, pos, HP_EPARSE, NULL,
                          "\"%c\" is never closed (the file ends first)", stack[depth - 1]);
    *end = i;
    return HP_OK;
}

/* Read a JSON string key at s->pos into buf (escapes other than \" and \\ are kept as is:
 * keys are ASCII). */
static int read_key(scanner *s, char *buf, size_t cap)
{
    size_t end;
    if (s->pos >= s->len || s->t[s->pos] != '"') {
        char what[40];
        describe_at(s->t, s->len, s->pos, what, sizeof what);
        return scan_error(s, s->pos, HP_EPARSE, NULL, "expected a key in quotes, found %s", what);
    }
    int rc = skip_string(s, s->pos, &end);
    if (rc != HP_OK)
        return rc;
    size_t n = end - s->pos - 2;
    if (n >= cap)
        n = cap - 1;
    memcpy(buf, s->t + s->pos + 1, n);
    buf[n] = '\0';
    s->pos = end;
    return HP_OK;
}

/* ------------------------------------------------------------- locating fields */

/* Offset of the value at `path` ("rule.value", "aliases[2]") within the JSON text of one
 * element, or of its key when want_key; 0 (the element) when it cannot be found. */
size_t hp__json_locate(const char *elem, size_t len, const char *path, int want_key)
{
    scanner s = {0};
    hp__file f = {"", elem, len, NULL, 0, 0};
    s.f = &f;
    s.t = elem;
    s.len = len;
    s.line = 1;
    size_t result = 0;
    const char *p = path;
    while (*p) {
        skip_ws(&s);
        if (s.pos >= len)
            return result;
        if (*p == '[') {
            long idx = strtol(p + 1, (char **)&p, 10);
            if (*p == ']')
                p++;
            if (*p == '.')
                p++;
            if (s.t[s.pos] != '[')
                return result;
            s.pos++;
            for (long k = 0;; k++) {
                skip_ws(&s);
                if (s.pos >= len || s.t[s.pos] == ']')
                    return result;
                if (k == idx) {
                    result = s.pos;
                    break;
                }
                size_t end;
                if (skip_value(&s, s.pos, &end) != HP_OK)
                    return result;
                s.pos = end;
                skip_ws(&s);
                if (s.pos < len && s.t[s.pos] == ',')
                    s.pos++;
            }
            continue;
        }
        /* a key */
        const char *dot = p;
        while (*dot && *dot != '.' && *dot != '[')
            dot++;
        size_t klen = (size_t)(dot - p);
        if (s.t[s.pos] != '{')
            return result;
        s.pos++;
        int found = 0;
        while (!found) {
            skip_ws(&s);
            if (s.pos >= len || s.t[s.pos] != '"')
                return result;
            size_t kstart = s.pos, kend;
            if (skip_string(&s, kstart, &kend) != HP_OK)
                return result;
            int match = kend - kstart - 2 == klen && !memcmp(s.t + kstart + 1, p, klen);
            s.pos = kend;
            skip_ws(&s);
            if (s.pos < len && s.t[s.pos] == ':')
                s.pos++;
            skip_ws(&s);
            if (match) {
                result = (want_key && !*dot) ? kstart : s.pos;
                found = 1;
                break;
            }
            size_t end;
            if (skip_value(&s, s.pos, &end) != HP_OK)
                return result;
            s.pos = end;
            skip_ws(&s);
            if (s.pos < len && s.t[s.pos] == ',')
                s.pos++;
        }
        p = *dot == '.' ? dot + 1 : dot;
    }
    return result;
}

/* ------------------------------------------------------------- records */

typedef struct rec {
    scanner *s;
    hp__src src;
    const cJSON *obj;
} rec;

/* "region" for the "regions" array, and so on. */
static const char *singular(const char *kind)
{
    if (!strcmp(kind, "regions")) return "region";
    if (!strcmp(kind, "indicators")) return "indicator";
    if (!strcmp(kind, "plans")) return "plan";
    if (!strcmp(kind, "targets")) return "target";
    if (!strcmp(kind, "observations")) return "observation";
    return kind;
}

static const char *type_name(const cJSON *v)
{
    if (cJSON_IsString(v)) return "a string";
    if (cJSON_IsNumber(v)) return "a number";
    if (cJSON_IsBool(v)) return "true or false";
    if (cJSON_IsNull(v)) return "null";
    if (cJSON_IsArray(v)) return "an array";
    if (cJSON_IsObject(v)) return "an object";
    return "something else";
}

static int wrong_type(rec *r, const char *key, const char *expected, const cJSON *v)
{
    return hp__src_error(&r->src, HP_EVALIDATE, key, "\"%s\" must be %s, found %s", key,
                         expected, type_name(v));
}

static int get_str(rec *r, const cJSON *obj, const char *key, const char *path, int required,
                   const char **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    *out = NULL;
    if (!v || cJSON_IsNull(v)) {
        if (required)
            return hp__src_error(&r->src, HP_EVALIDATE, NULL, "a%s %s needs \"%s\"",
                                 strchr("aeiou", singular(r->src.kind)[0]) ? "n" : "",
                                 singular(r->src.kind), path);
        return HP_OK;
    }
    if (!cJSON_IsString(v))
        return wrong_type(r, path, "a string", v);
    *out = v->valuestring;
    return HP_OK;
}

static int get_num(rec *r, const cJSON *obj, const char *key, const char *path, int required,
                   double *out, int *present)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (present)
        *present = 0;
    if (!v || cJSON_IsNull(v)) {
        if (required)
            return hp__src_error(&r->src, HP_EVALIDATE, NULL, "a%s %s needs \"%s\"",
                                 strchr("aeiou", singular(r->src.kind)[0]) ? "n" : "",
                                 singular(r->src.kind), path);
        return HP_OK;
    }
    if (!cJSON_IsNumber(v))
        return wrong_type(r, path, "a number", v);
    if (!isfinite(v->valuedouble))
        return hp__src_error(&r->src, HP_ERANGE, path, "\"%s\" is not a finite number", path);
    *out = v->valuedouble;
    if (present)
        *present = 1;
    return HP_OK;
}

static int get_year(rec *r, const cJSON *obj, const char *key, int required, int *out)
{
    double d = 0;
    int present;
    int rc = get_num(r, obj, key, key, required, &d, &present);
    *out = 0;
    if (rc != HP_OK || !present)
        return rc;
    if (d != floor(d))
        return hp__src_error(&r->src, HP_EVALIDATE, key, "\"%s\" must be a whole year, found %g",
                             key, d);
    if (d < HP_YEAR_MIN || d > HP_YEAR_MAX)
        return hp__src_error(&r->src, HP_ERANGE, key, "year %.0f is outside %d–%d", d,
                             HP_YEAR_MIN, HP_YEAR_MAX);
    *out = (int)d;
    return HP_OK;
}

/* Line and column of byte `off` of a record's text, counted from the record's start (so the
 * cost is bounded by the record, not the file). */
static void rec_position(const rec *r, size_t off, int *line, int *col)
{
    const char *t = r->s->t;
    size_t from = r->src.offset, line_start = from;
    int ln = r->src.line;
    for (size_t i = from; i < off; i++)
        if (t[i] == '\n') {
            ln++;
            line_start = i + 1;
        }
    *line = ln;
    *col = hp__utf8_count(t + line_start, off - line_start) + 1;
    if (line_start == from)
        *col += r->src.column - 1;
}

/* Warn about keys this kind of record does not have; fail on a key given twice. A record has
 * at most MAX_KEYS keys, which bounds the time these checks take on hostile input. */
static int check_keys(rec *r, const cJSON *obj, const char *const *known, const char *prefix)
{
    const hp_load_options *o = r->s->st->opts;
    int nkeys = 0;
    for (const cJSON *c = obj->child; c; c = c->next)
        if (++nkeys > MAX_KEYS)
            return hp__src_error(&r->src, HP_EVALIDATE, NULL,
                                 "%s%.*s%s %s record has more than %d keys", *prefix ? "\"" : "",
                                 (int)(*prefix ? strlen(prefix) - 1 : 0), prefix,
                                 *prefix ? "\" in the" : "a", singular(r->src.kind), MAX_KEYS);
    for (const cJSON *c = obj->child; c; c = c->next) {
        for (const cJSON *d = obj->child; d != c; d = d->next)
            if (!strcmp(d->string, c->string))
                return hp__src_error(&r->src, HP_EVALIDATE, NULL,
                                     "key \"%s%s\" appears twice in one %s record", prefix,
                                     c->string, singular(r->src.kind));
        int ok = 0;
        const char *best = NULL;
        size_t bestd = 3;
        for (const char *const *k = known; *k && !ok; k++)
            ok = !strcmp(*k, c->string);
        /* the nearest known key, for an unknown one only (edit distances are costly) */
        for (const char *const *k = known; *k && !ok; k++) {
            size_t dist = hp__edit_distance(c->string, *k, bestd);
            if (dist < bestd) {
                bestd = dist;
                best = *k;
            }
        }
        if (ok || !o || (!o->strict && !o->warn))
            continue; /* known, or nobody listens to warnings: no need to locate the key */
        char path[160], where_field[200];
        snprintf(path, sizeof path, "%s%s", prefix, c->string);
        snprintf(where_field, sizeof where_field, "%s[%u].%s", r->src.kind, r->src.index, path);
        size_t off = r->src.offset + hp__json_locate(r->s->t + r->src.offset, r->src.len, path, 1);
        int line, col;
        rec_position(r, off, &line, &col);
        int rc;
        if (best)
            rc = hp__warn(r->s->st, r->s->f->name, line, col, where_field,
                          "unknown key \"%s\" in %s %s record (did you mean \"%s\"?)", path,
                          strchr("aeiou", singular(r->src.kind)[0]) ? "an" : "a",
                          singular(r->src.kind), best);
        else
            rc = hp__warn(r->s->st, r->s->f->name, line, col, where_field,
                          "unknown key \"%s\" in %s %s record", path,
                          strchr("aeiou", singular(r->src.kind)[0]) ? "an" : "a",
                          singular(r->src.kind));
        if (rc != HP_OK)
            return rc;
    }
    return HP_OK;
}

/* Strings of an array; *out is allocated (free with hp__free). */
static int get_str_array(rec *r, const cJSON *obj, const char *key, const char ***out, size_t *n)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    *out = NULL;
    *n = 0;
    if (!v || cJSON_IsNull(v))
        return HP_OK;
    if (!cJSON_IsArray(v))
        return wrong_type(r, key, "an array of strings", v);
    size_t count = (size_t)cJSON_GetArraySize(v);
    if (!count)
        return HP_OK;
    const char **arr = hp__malloc(count * sizeof *arr);
    if (!arr)
        return hp__oom();
    size_t i = 0;
    for (const cJSON *c = v->child; c; c = c->next, i++) {
        if (!cJSON_IsString(c)) {
            char path[64];
            snprintf(path, sizeof path, "%s[%zu]", key, i);
            hp__free(arr);
            return wrong_type(r, path, "a string", c);
        }
        arr[i] = c->valuestring;
    }
    *out = arr;
    *n = count;
    return HP_OK;
}

/* Match a name against a list; on failure an error naming the choices. */
static int get_enum(rec *r, const cJSON *obj, const char *key, const char *const *names,
                    const int *values, int dflt, int *out)
{
    const char *s;
    int rc = get_str(r, obj, key, key, 0, &s);
    *out = dflt;
    if (rc != HP_OK || !s)
        return rc;
    char choices[256] = "";
    for (size_t i = 0; names[i]; i++) {
        if (!strcmp(names[i], s)) {
            *out = values[i];
            return HP_OK;
        }
        if (strlen(choices) + strlen(names[i]) + 4 < sizeof choices) {
            if (i)
                strcat(choices, ", ");
            strcat(choices, names[i]);
        }
    }
    return hp__src_error(&r->src, HP_EVALIDATE, key, "\"%s\" must be one of %s, found \"%s\"",
                         key, choices, s);
}

static const char *const LEVEL_NAMES[] = {"country", "province", "prefecture", "county",
                                          "unknown", NULL};
static const int LEVEL_VALUES[] = {HP_LEVEL_COUNTRY, HP_LEVEL_PROVINCE, HP_LEVEL_PREFECTURE,
                                   HP_LEVEL_COUNTY, HP_LEVEL_UNKNOWN};
static const char *const DIR_NAMES[] = {"higher", "lower", "none", NULL};
static const int DIR_VALUES[] = {HP_DIRECTION_HIGHER, HP_DIRECTION_LOWER, HP_DIRECTION_NONE};
static const char *const NATURE_NAMES[] = {"binding", "expected", "unspecified", "约束性",
                                           "预期性", NULL};
static const int NATURE_VALUES[] = {HP_NATURE_BINDING, HP_NATURE_EXPECTED,
                                    HP_NATURE_UNSPECIFIED, HP_NATURE_BINDING,
                                    HP_NATURE_EXPECTED};
static const char *const STATUS_NAMES[] = {"final", "provisional", "estimated", "missing",
                                           "derived", NULL};
static const int STATUS_VALUES[] = {HP_OBS_FINAL, HP_OBS_PROVISIONAL, HP_OBS_ESTIMATED,
                                    HP_OBS_MISSING, HP_OBS_DERIVED};
static const char *const VERDICT_NAMES[] = {"met", "not_met", NULL};
static const int VERDICT_VALUES[] = {HP_VERDICT_MET, HP_VERDICT_NOT_MET};

static int read_region(rec *r)
{
    static const char *const keys[] = {"code", "name_zh", "name_en", "parent", "level", NULL};
    hp_region_info info = {0};
    int level, rc;
    if ((rc = check_keys(r, r->obj, keys, "")) ||
        (rc = get_str(r, r->obj, "code", "code", 1, &info.code)) ||
        (rc = get_str(r, r->obj, "name_zh", "name_zh", 0, &info.name_zh)) ||
        (rc = get_str(r, r->obj, "name_en", "name_en", 0, &info.name_en)) ||
        (rc = get_str(r, r->obj, "parent", "parent", 0, &info.parent)) ||
        (rc = get_enum(r, r->obj, "level", LEVEL_NAMES, LEVEL_VALUES, HP_LEVEL_UNKNOWN, &level)))
        return rc;
    info.level = (hp_level)level;
    return hp__stage_region(r->s->st, &info, &r->src);
}

static int read_indicator(rec *r)
{
    static const char *const keys[] = {"id", "name_zh", "name_en", "aliases", "unit",
                                       "direction", "category", "ratio", "additive",
                                       "description", NULL};
    static const char *const ratio_keys[] = {"numerator", "denominator", "scale", NULL};
    hp_indicator_info info = {0};
    const char **aliases = NULL;
    int dir, rc;
    if ((rc = check_keys(r, r->obj, keys, "")) ||
        (rc = get_str(r, r->obj, "id", "id", 1, &info.id)) ||
        (rc = get_str(r, r->obj, "name_zh", "name_zh", 0, &info.name_zh)) ||
        (rc = get_str(r, r->obj, "name_en", "name_en", 0, &info.name_en)) ||
        (rc = get_str(r, r->obj, "unit", "unit", 0, &info.unit)) ||
        (rc = get_str(r, r->obj, "category", "category", 0, &info.category)) ||
        (rc = get_str(r, r->obj, "description", "description", 0, &info.description)) ||
        (rc = get_enum(r, r->obj, "direction", DIR_NAMES, DIR_VALUES, HP_DIRECTION_NONE, &dir)))
        return rc;
    info.direction = (hp_direction)dir;
    const cJSON *add = cJSON_GetObjectItemCaseSensitive(r->obj, "additive");
    if (add && !cJSON_IsNull(add)) {
        if (!cJSON_IsBool(add))
            return wrong_type(r, "additive", "true or false", add);
        info.additive = cJSON_IsTrue(add);
    }
    const cJSON *ratio = cJSON_GetObjectItemCaseSensitive(r->obj, "ratio");
    if (ratio && !cJSON_IsNull(ratio)) {
        if (!cJSON_IsObject(ratio))
            return wrong_type(r, "ratio", "an object", ratio);
        int present;
        info.ratio_scale = 1;
        if ((rc = check_keys(r, ratio, ratio_keys, "ratio.")) ||
            (rc = get_str(r, ratio, "numerator", "ratio.numerator", 1, &info.ratio_numerator)) ||
            (rc = get_str(r, ratio, "denominator", "ratio.denominator", 1,
                          &info.ratio_denominator)) ||
            (rc = get_num(r, ratio, "scale", "ratio.scale", 0, &info.ratio_scale, &present)))
            return rc;
    }
    if ((rc = get_str_array(r, r->obj, "aliases", &aliases, &info.naliases)))
        return rc;
    info.aliases = aliases;
    rc = hp__stage_indicator(r->s->st, &info, &r->src);
    hp__free(aliases);
    return rc;
}

static int read_plan(rec *r)
{
    static const char *const keys[] = {"id", "title", "region", "start", "end",
                                       "baseline_year", "source", NULL};
    hp_plan_info info = {0};
    int rc;
    if ((rc = check_keys(r, r->obj, keys, "")) ||
        (rc = get_str(r, r->obj, "id", "id", 1, &info.id)) ||
        (rc = get_str(r, r->obj, "title", "title", 0, &info.title)) ||
        (rc = get_str(r, r->obj, "region", "region", 1, &info.region)) ||
        (rc = get_str(r, r->obj, "source", "source", 0, &info.source)) ||
        (rc = get_year(r, r->obj, "start", 0, &info.start)) ||
        (rc = get_year(r, r->obj, "end", 0, &info.end)) ||
        (rc = get_year(r, r->obj, "baseline_year", 0, &info.baseline_year)))
        return rc;
    return hp__stage_plan(r->s->st, &info, &r->src);
}

static int read_target(rec *r)
{
    static const char *const keys[] = {"plan", "id", "indicator", "region", "year", "rule",
                                       "nature", "as_printed", "source", "departments",
                                       "unit_as_printed", "note", NULL};
    static const char *const dept_keys[] = {"lead", "partners", NULL};
    hp_target_info info = {0};
    const char **partners = NULL;
    hp_rule rule;
    int nature, rc;
    hp_rule_init(&rule);
    if ((rc = check_keys(r, r->obj, keys, "")) ||
        (rc = get_str(r, r->obj, "plan", "plan", 1, &info.plan)) ||
        (rc = get_str(r, r->obj, "id", "id", 1, &info.id)) ||
        (rc = get_str(r, r->obj, "indicator", "indicator", 1, &info.indicator)) ||
        (rc = get_str(r, r->obj, "region", "region", 0, &info.region)) ||
        (rc = get_year(r, r->obj, "year", 1, &info.year)) ||
        (rc = get_str(r, r->obj, "as_printed", "as_printed", 0, &info.as_printed)) ||
        (rc = get_str(r, r->obj, "source", "source", 0, &info.source)) ||
        (rc = get_str(r, r->obj, "unit_as_printed", "unit_as_printed", 0,
                      &info.unit_as_printed)) ||
        (rc = get_str(r, r->obj, "note", "note", 0, &info.note)) ||
        (rc = get_enum(r, r->obj, "nature", NATURE_NAMES, NATURE_VALUES, HP_NATURE_UNSPECIFIED,
                       &nature)))
        return rc;
    info.nature = (hp_nature)nature;
    const cJSON *dept = cJSON_GetObjectItemCaseSensitive(r->obj, "departments");
    if (dept && !cJSON_IsNull(dept)) {
        if (!cJSON_IsObject(dept))
            return wrong_type(r, "departments", "an object", dept);
        if ((rc = check_keys(r, dept, dept_keys, "departments.")) ||
            (rc = get_str(r, dept, "lead", "departments.lead", 0, &info.lead)) ||
            (rc = get_str_array(r, dept, "partners", &partners, &info.npartners)))
            return rc;
        info.partners = partners;
    }
    const cJSON *jr = cJSON_GetObjectItemCaseSensitive(r->obj, "rule");
    if (!jr || cJSON_IsNull(jr)) {
        rc = hp__src_error(&r->src, HP_EVALIDATE, NULL, "a target needs \"rule\"");
    } else if (!cJSON_IsObject(jr)) {
        rc = wrong_type(r, "rule", "an object", jr);
    } else {
        char field[256] = ""; /* as long as the rule reader's paths (16 levels of rules[i]) */
        rc = hp__rule_from_cjson(jr, &rule, field, sizeof field);
        if (rc != HP_OK) {
            char msg[768], path[sizeof field + 8];
            snprintf(msg, sizeof msg, "%s", hp_error_last()->message);
            snprintf(path, sizeof path, "rule%s%s", *field ? "." : "", field);
            /* a path such as rules[1].kind is already dotted by the rule reader */
            if (field[0] == '[')
                snprintf(path, sizeof path, "rule%s", field);
            rc = hp__src_error(&r->src, rc, path, "%s", msg);
        }
    }
    if (rc == HP_OK) {
        info.rule = &rule;
        rc = hp__stage_target(r->s->st, &info, &r->src);
    }
    hp_rule_dispose(&rule);
    hp__free(partners);
    return rc;
}

static int read_observation(rec *r)
{
    static const char *const keys[] = {"region", "indicator", "year", "value", "verdict",
                                       "status", "source", "as_printed", "note", NULL};
    const char *region, *indicator, *source, *as_printed, *note;
    double value = NAN;
    int year, status, verdict, present, rc;
    if ((rc = check_keys(r, r->obj, keys, "")) ||
        (rc = get_str(r, r->obj, "region", "region", 1, &region)) ||
        (rc = get_str(r, r->obj, "indicator", "indicator", 1, &indicator)) ||
        (rc = get_year(r, r->obj, "year", 1, &year)) ||
        (rc = get_num(r, r->obj, "value", "value", 0, &value, &present)) ||
        (rc = get_str(r, r->obj, "source", "source", 0, &source)) ||
        (rc = get_str(r, r->obj, "as_printed", "as_printed", 0, &as_printed)) ||
        (rc = get_str(r, r->obj, "note", "note", 0, &note)) ||
        (rc = get_enum(r, r->obj, "status", STATUS_NAMES, STATUS_VALUES, HP_OBS_FINAL, &status)) ||
        (rc = get_enum(r, r->obj, "verdict", VERDICT_NAMES, VERDICT_VALUES, HP_VERDICT_NONE,
                       &verdict)))
        return rc;
    if (present && verdict != HP_VERDICT_NONE)
        return hp__src_error(&r->src, HP_EVALIDATE, "verdict",
                             "an observation has either a \"value\" or a \"verdict\", not both");
    if (!present && verdict == HP_VERDICT_NONE && status != HP_OBS_MISSING)
        return hp__src_error(&r->src, HP_EVALIDATE, NULL,
                             "an observation needs a \"value\" or a \"verdict\" (or \"status\": \"missing\" for a known gap)");
    if (present && status == HP_OBS_MISSING)
        return hp__src_error(&r->src, HP_EVALIDATE, "status",
                             "an observation with status \"missing\" has no \"value\"");
    rc = hp__stage_obs_ref(r->s->st, region, indicator, year, value, HP_FLAGS(status, verdict),
                           source, as_printed, &r->src);
    if (rc == HP_OK && note)
        rc = hp__stage_obs_note(r->s->st, note, strlen(note));
    return rc;
}

/* ------------------------------------------------------------- fast path for targets
 *
 * A national dataset holds about 800,000 targets, and building a cJSON tree for each (a node,
 * a key and a value allocated per field, then freed) was most of the load. Target records as
 * programs write them are flat: plain strings, a year, a small rule object. fast_target()
 * reads such a record straight from the text and stages it exactly as read_target() would;
 * at anything else (an escape, a control byte, an unknown or repeated key, a null, a value
 * of another type, departments, a rule the rule reader refuses, a missing field) it gives up
 * without side effects and the record takes the cJSON path, which gives the same result or
 * the same error (docs/performance.md). Only the rule object goes through cJSON here. */
#define FAST_FALLBACK 1000 /* not an HP_ code */

typedef struct fstr {
    const char *p;
    size_t n;
    int set;
} fstr;

static void fast_ws(const char *t, size_t *i, size_t end)
{
    while (*i < end && (t[*i] == ' ' || t[*i] == '\t' || t[*i] == '\n' || t[*i] == '\r'))
        (*i)++;
}

/* A string without escapes or control bytes at t[*i] == '"'. */
static int fast_string(const char *t, size_t *i, size_t end, fstr *out)
{
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    size_t k = *i + 1, j = k;
    /* eight bytes at a time while none is a quote, a backslash or a control byte */
    while (j + 8 <= end) {
        uint64_t w, q, b;
        memcpy(&w, t + j, sizeof w);
        q = w ^ (ones * '"');
        b = w ^ (ones * '\\');
        if (((q - ones) & ~q & highs) | ((b - ones) & ~b & highs) | ((w - ones * 0x20) & ~w & highs))
            break;
        j += 8;
    }
    for (; j < end; j++) {
        unsigned char c = (unsigned char)t[j];
        if (c == '"') {
            out->p = t + k;
            out->n = j - k;
            out->set = 1;
            *i = j + 1;
            return 1;
        }
        if (c == '\\' || c < 0x20)
            return 0;
    }
    return 0;
}

enum { FK_PLAN, FK_ID, FK_INDICATOR, FK_REGION, FK_YEAR, FK_RULE, FK_NATURE, FK_AS_PRINTED,
       FK_SOURCE, FK_UNIT_AS_PRINTED, FK_NOTE, FK_COUNT };

static int fast_key(const char *k, size_t n)
{
    static const char *const names[FK_COUNT] = {"plan", "id", "indicator", "region", "year",
                                                "rule", "nature", "as_printed", "source",
                                                "unit_as_printed", "note"};
    static const unsigned char lens[FK_COUNT] = {4, 2, 9, 6, 4, 4, 6, 10, 6, 15, 4};
    for (int i = 0; i < FK_COUNT; i++)
        if (lens[i] == n && k[0] == names[i][0] && !memcmp(names[i], k, n))
            return i;
    return -1;
}

/* A JSON number of at most 15 digits without an exponent at t[*i] ("-12.5"), read exactly as
 * cJSON reads it (strtod, correctly rounded; so is hp__parse_double for such numbers). */
static int fast_number(const char *t, size_t *i, size_t end, double *out)
{
    size_t k = *i, digits = 0;
    if (k < end && t[k] == '-')
        k++;
    if (k >= end || t[k] < '0' || t[k] > '9' || (t[k] == '0' && k + 1 < end && t[k + 1] >= '0' && t[k + 1] <= '9'))
        return 0;
    while (k < end && t[k] >= '0' && t[k] <= '9')
        k++, digits++;
    if (k < end && t[k] == '.') {
        k++;
        if (k >= end || t[k] < '0' || t[k] > '9')
            return 0;
        while (k < end && t[k] >= '0' && t[k] <= '9')
            k++, digits++;
    }
    if (digits > 15 || (k < end && (t[k] == 'e' || t[k] == 'E')))
        return 0;
    size_t used;
    if (hp__parse_double(t + *i, k - *i, out, &used) != HP_OK || used != k - *i || !isfinite(*out))
        return 0;
    *i = k;
    return 1;
}

/* The common rules (every kind but same_ratio, expr, qualitative and composites) read straight
 * from the text with the rule reader's checks: keys known and not repeated, allowed and
 * required for the kind, numbers finite, tolerance ≥ 0, ref_year a year, low ≤ high, op
 * known, scope 1–15 bytes. 0 (and *out unchanged) for anything else: cJSON then reads it. */
static int fast_rule(scanner *s, size_t i, size_t end, hp_rule *out)
{
    static const char *const kinds[] = {"le", "lt", "ge", "gt", "value", "about", "range",
                                        "change_from", "per_year", "improve",
                                        "reference_target", "reference_value", NULL};
    static const hp_rule_kind kval[] = {HP_RULE_LE, HP_RULE_LT, HP_RULE_GE, HP_RULE_GT,
                                        HP_RULE_VALUE, HP_RULE_ABOUT, HP_RULE_RANGE,
                                        HP_RULE_CHANGE_FROM, HP_RULE_PER_YEAR, HP_RULE_IMPROVE,
                                        HP_RULE_REFERENCE_TARGET, HP_RULE_REFERENCE_VALUE};
    static const char *const ops[] = {"better", "lt", "gt", "le", "ge", NULL};
    enum { RK_KIND = 1, RK_VALUE = 2, RK_TOL = 4, RK_LOW = 8, RK_HIGH = 16, RK_REF = 32,
           RK_COMPOUND = 64, RK_OP = 128, RK_SCOPE = 256 };
    const char *t = s->t;
    hp_rule r;
    hp_rule_init(&r);
    unsigned seen = 0;
    fstr kind = {0}, scope = {0}, op = {0};
    double ref_year = 0;
    if (t[i] != '{')
        return 0;
    i++;
    fast_ws(t, &i, end);
    for (;;) {
        fstr key;
        if (i >= end || t[i] != '"' || !fast_string(t, &i, end, &key))
            return 0;
        unsigned flag = 0;
        switch (key.n) {
        case 2: flag = !memcmp(key.p, "op", 2) ? RK_OP : 0; break;
        case 3: flag = !memcmp(key.p, "low", 3) ? RK_LOW : 0; break;
        case 4: flag = !memcmp(key.p, "kind", 4) ? RK_KIND : !memcmp(key.p, "high", 4) ? RK_HIGH : 0; break;
        case 5: flag = !memcmp(key.p, "value", 5) ? RK_VALUE : !memcmp(key.p, "scope", 5) ? RK_SCOPE : 0; break;
        case 8: flag = !memcmp(key.p, "ref_year", 8) ? RK_REF : !memcmp(key.p, "compound", 8) ? RK_COMPOUND : 0; break;
        case 9: flag = !memcmp(key.p, "tolerance", 9) ? RK_TOL : 0; break;
        default: break;
        }
        if (!flag || (seen & flag))
            return 0;
        seen |= flag;
        fast_ws(t, &i, end);
        if (i >= end || t[i] != ':')
            return 0;
        i++;
        fast_ws(t, &i, end);
        if (i >= end)
            return 0;
        int ok;
        switch (flag) {
        case RK_KIND: ok = t[i] == '"' && fast_string(t, &i, end, &kind); break;
        case RK_SCOPE: ok = t[i] == '"' && fast_string(t, &i, end, &scope); break;
        case RK_OP: ok = t[i] == '"' && fast_string(t, &i, end, &op); break;
        case RK_VALUE: ok = fast_number(t, &i, end, &r.value); break;
        case RK_TOL: ok = fast_number(t, &i, end, &r.tolerance); break;
        case RK_LOW: ok = fast_number(t, &i, end, &r.low); break;
        case RK_HIGH: ok = fast_number(t, &i, end, &r.high); break;
        case RK_REF: ok = fast_number(t, &i, end, &ref_year); break;
        default: /* compound */
            if (end - i >= 4 && !memcmp(t + i, "true", 4))
                ok = 1, r.compound = 1, i += 4;
            else if (end - i >= 5 && !memcmp(t + i, "false", 5))
                ok = 1, r.compound = 0, i += 5;
            else
                ok = 0;
        }
        if (!ok)
            return 0;
        fast_ws(t, &i, end);
        if (i < end && t[i] == ',') {
            i++;
            fast_ws(t, &i, end);
            continue;
        }
        if (i < end && t[i] == '}' && i + 1 == end)
            break;
        return 0;
    }
    if (!(seen & RK_KIND))
        return 0;
    int k = -1;
    for (int n = 0; kinds[n]; n++)
        if (strlen(kinds[n]) == kind.n && !memcmp(kinds[n], kind.p, kind.n))
            k = n;
    if (k < 0)
        return 0;
    r.kind = kval[k];
    unsigned allowed, required;
    switch (r.kind) {
    case HP_RULE_ABOUT: allowed = RK_VALUE | RK_TOL; required = RK_VALUE; break;
    case HP_RULE_RANGE: allowed = required = RK_LOW | RK_HIGH; break;
    case HP_RULE_CHANGE_FROM: allowed = RK_VALUE | RK_REF; required = RK_VALUE; break;
    case HP_RULE_PER_YEAR: allowed = RK_VALUE | RK_COMPOUND; required = RK_VALUE; break;
    case HP_RULE_IMPROVE: allowed = required = 0; break;
    case HP_RULE_REFERENCE_TARGET: allowed = required = RK_SCOPE; break;
    case HP_RULE_REFERENCE_VALUE: allowed = RK_SCOPE | RK_OP; required = RK_SCOPE; break;
    default: allowed = required = RK_VALUE; break; /* le lt ge gt value */
    }
    seen &= ~(unsigned)RK_KIND;
    if ((seen & ~allowed) || (required & ~seen))
        return 0;
    if ((seen & RK_TOL) && !(r.tolerance >= 0))
        return 0;
    if (seen & RK_REF) {
        if (ref_year != floor(ref_year) || ref_year < HP_YEAR_MIN || ref_year > HP_YEAR_MAX)
            return 0;
        r.ref_year = (int)ref_year;
    }
    if (r.kind == HP_RULE_RANGE && r.low > r.high)
        return 0;
    if (seen & RK_SCOPE) {
        if (scope.n == 0 || scope.n >= sizeof r.scope)
            return 0;
        memcpy(r.scope, scope.p, scope.n);
        r.scope[scope.n] = '\0';
    }
    if (seen & RK_OP) {
        int o = -1;
        for (int n = 0; ops[n]; n++)
            if (strlen(ops[n]) == op.n && !memcmp(ops[n], op.p, op.n))
                o = n;
        if (o < 0)
            return 0;
        r.op = (hp_rule_op)o;
    }
    if (r.kind == HP_RULE_ABOUT && !hp_rule_has(r.tolerance))
        r.tolerance = HP_ABOUT_TOLERANCE;
    *out = r;
    return 1;
}

static int fast_target(scanner *s, size_t start, size_t *end_out, uint32_t index)
{
    size_t end = s->len; /* the record's end is found here (read_array skips no value first) */
    const char *t = s->t;
    fstr v[FK_COUNT];
    memset(v, 0, sizeof v);
    int year = 0;
    size_t rule_at = 0, rule_end = 0;
    size_t i = start;
    if (t[i] != '{')
        return FAST_FALLBACK;
    i++;
    fast_ws(t, &i, end);
    if (i < end && t[i] == '}')
        return FAST_FALLBACK;
    for (;;) {
        fstr key;
        if (i >= end || t[i] != '"' || !fast_string(t, &i, end, &key))
            return FAST_FALLBACK;
        int k = fast_key(key.p, key.n);
        if (k < 0 || v[k].set)
            return FAST_FALLBACK; /* unknown (a warning), departments, or twice (an error) */
        fast_ws(t, &i, end);
        if (i >= end || t[i] != ':')
            return FAST_FALLBACK;
        i++;
        fast_ws(t, &i, end);
        if (i >= end)
            return FAST_FALLBACK;
        if (k == FK_YEAR) {
            int y = 0, nd = 0;
            while (i < end && t[i] >= '0' && t[i] <= '9' && nd < 5)
                y = y * 10 + (t[i++] - '0'), nd++;
            if (nd == 0 || nd > 4 || y < HP_YEAR_MIN || y > HP_YEAR_MAX ||
                (i < end && (t[i] == '.' || t[i] == 'e' || t[i] == 'E' || (t[i] >= '0' && t[i] <= '9'))))
                return FAST_FALLBACK;
            year = y;
            v[k].set = 1;
        } else if (k == FK_RULE) {
            if (t[i] != '{')
                return FAST_FALLBACK;
            rule_at = i;
            if (skip_value(s, i, &rule_end) != HP_OK) {
                hp_error_clear();
                return FAST_FALLBACK;
            }
            if (rule_end > end)
                return FAST_FALLBACK;
            i = rule_end;
            v[k].set = 1;
        } else {
            if (t[i] != '"' || !fast_string(t, &i, end, &v[k]))
                return FAST_FALLBACK;
        }
        fast_ws(t, &i, end);
        if (i < end && t[i] == ',') {
            i++;
            fast_ws(t, &i, end);
            continue;
        }
        if (i < end && t[i] == '}') {
            end = i + 1;
            break;
        }
        return FAST_FALLBACK;
    }
    *end_out = end;
    if (!v[FK_PLAN].set || !v[FK_ID].set || !v[FK_INDICATOR].set || !v[FK_YEAR].set ||
        !v[FK_RULE].set)
        return FAST_FALLBACK;
    int nature = HP_NATURE_UNSPECIFIED;
    if (v[FK_NATURE].set) {
        int found = 0;
        for (size_t n = 0; NATURE_NAMES[n]; n++)
            if (strlen(NATURE_NAMES[n]) == v[FK_NATURE].n &&
                !memcmp(NATURE_NAMES[n], v[FK_NATURE].p, v[FK_NATURE].n)) {
                nature = NATURE_VALUES[n];
                found = 1;
                break;
            }
        if (!found)
            return FAST_FALLBACK;
    }
    /* the rule: straight from the text when it is a common one, else the rule reader */
    hp_rule rule;
    hp_rule_init(&rule);
    int rc = HP_OK;
    if (!fast_rule(s, rule_at, rule_end, &rule)) {
        hp__cjson_oom(1);
        cJSON *jr = cJSON_ParseWithLengthOpts(t + rule_at, rule_end - rule_at, NULL, 0);
        if (!jr)
            return hp__cjson_oom(1) ? hp__oom() : FAST_FALLBACK;
        char field[256];
        rc = hp__rule_from_cjson(jr, &rule, field, sizeof field);
        cJSON_Delete(jr);
        if (rc != HP_OK) {
            hp_rule_dispose(&rule);
            if (rc == HP_ENOMEM)
                return rc;
            hp_error_clear();
            return FAST_FALLBACK;
        }
    }
    /* NUL-terminated copies of the strings */
    char small[2048], *buf = small;
    size_t need = 0;
    for (int k = 0; k < FK_COUNT; k++)
        need += v[k].n + 1;
    if (need > sizeof small && !(buf = hp__malloc(need))) {
        hp_rule_dispose(&rule);
        return hp__oom();
    }
    const char *str[FK_COUNT];
    size_t used = 0;
    for (int k = 0; k < FK_COUNT; k++) {
        str[k] = NULL;
        if (!v[k].set || k == FK_YEAR || k == FK_RULE)
            continue;
        memcpy(buf + used, v[k].p, v[k].n);
        buf[used + v[k].n] = '\0';
        str[k] = buf + used;
        used += v[k].n + 1;
    }
    hp_target_info info = {0};
    info.plan = str[FK_PLAN];
    info.id = str[FK_ID];
    info.indicator = str[FK_INDICATOR];
    info.region = str[FK_REGION];
    info.year = year;
    info.as_printed = str[FK_AS_PRINTED];
    info.source = str[FK_SOURCE];
    info.unit_as_printed = str[FK_UNIT_AS_PRINTED];
    info.note = str[FK_NOTE];
    info.nature = (hp_nature)nature;
    info.rule = &rule;
    hp__src src = {0};
    src.file = s->f->name;
    src.text = s->t;
    src.text_len = s->len;
    src.offset = start;
    src.len = end - start;
    src.index = index;
    src.kind = "targets";
    position(s, start, &src.line, &src.column);
    rc = hp__stage_target(s->st, &info, &src);
    hp_rule_dispose(&rule);
    if (buf != small)
        hp__free(buf);
    return rc;
}

typedef int (*reader_fn)(rec *r);

static int read_array(scanner *s, const char *kind, reader_fn fn)
{
    skip_ws(s);
    if (s->pos >= s->len || s->t[s->pos] != '[') {
        char what[40];
        describe_at(s->t, s->len, s->pos, what, sizeof what);
        return scan_error(s, s->pos, HP_EVALIDATE, kind, "\"%s\" must be an array, found %s",
                          kind, what);
    }
    s->pos++;
    uint32_t index = 0;
    for (;;) {
        skip_ws(s);
        if (s->pos < s->len && s->t[s->pos] == ']') {
            if (index > 0 && s->t[s->pos - 1] == ',')
                return scan_error(s, s->pos, HP_EPARSE, NULL, "expected a value after \",\"");
            s->pos++;
            return HP_OK;
        }
        if (index > 0) {
            if (s->pos >= s->len || s->t[s->pos] != ',') {
                char what[40];
                describe_at(s->t, s->len, s->pos, what, sizeof what);
                return scan_error(s, s->pos, HP_EPARSE, NULL,
                                  "expected \",\" or \"]\" after %s[%u], found %s", kind,
                                  index - 1, what);
            }
            s->pos++;
            skip_ws(s);
            if (s->pos < s->len && s->t[s->pos] == ']')
                return scan_error(s, s->pos, HP_EPARSE, NULL,
                                  "expected a value after \",\" (JSON has no trailing commas)");
        }
        size_t start = s->pos, end;
        int rc;
        if (fn == read_target && s->pos < s->len && s->t[s->pos] == '{') {
            rc = fast_target(s, start, &end, index);
            if (rc != FAST_FALLBACK) {
                if (rc != HP_OK)
                    return rc;
                s->pos = end;
                index++;
                continue;
            }
        }
        rc = skip_value(s, start, &end);
        if (rc != HP_OK)
            return rc;
        if (end == start) {
            char what[40];
            describe_at(s->t, s->len, s->pos, what, sizeof what);
            return scan_error(s, s->pos, HP_EPARSE, NULL, "expected a value, found %s", what);
        }
        const char *perr = NULL;
        hp__cjson_oom(1);
        cJSON *obj = cJSON_ParseWithLengthOpts(s->t + start, end - start, &perr, 0);
        if (!obj && hp__cjson_oom(1))
            return hp__oom();
        if (!obj) {
            size_t off = perr ? (size_t)(perr - s->t) : start;
            char what[40];
            describe_at(s->t, s->len, off, what, sizeof what);
            return scan_error(s, off, HP_EPARSE, NULL, "malformed JSON in %s[%u]: unexpected %s",
                              kind, index, what);
        }
        rec r = {s, {0}, obj};
        r.src.file = s->f->name;
        r.src.text = s->t;
        r.src.text_len = s->len;
        r.src.offset = start;
        r.src.len = end - start;
        r.src.index = index;
        r.src.kind = kind;
        position(s, start, &r.src.line, &r.src.column);
        if (!cJSON_IsObject(obj))
            rc = scan_error(s, start, HP_EVALIDATE, NULL, "%s[%u] must be an object, found %s",
                            kind, index, type_name(obj));
        else
            rc = fn(&r);
        cJSON_Delete(obj);
        if (rc != HP_OK)
            return rc;
        s->pos = end;
        index++;
    }
}

int hp__load_json(hp_dataset *st, uint16_t file)
{
    const hp__file *f = &st->files[file];
    scanner s = {0};
    s.st = st;
    s.f = f;
    s.t = f->text;
    s.len = f->len;
    s.line = 1;
    int rc;
    size_t bad;
    const unsigned char *u = (const unsigned char *)f->text;
    const char *enc = f->len >= 4 && !memcmp(u, "\0\0\xFE\xFF", 4)   ? "UTF-32 (big-endian)"
                      : f->len >= 4 && !memcmp(u, "\xFF\xFE\0\0", 4) ? "UTF-32 (little-endian)"
                      : f->len >= 2 && u[0] == 0xFE && u[1] == 0xFF    ? "UTF-16 (big-endian)"
                      : f->len >= 2 && u[0] == 0xFF && u[1] == 0xFE    ? "UTF-16 (little-endian)"
                                                                       : NULL;
    if (enc)
        return scan_error(&s, 0, HP_EPARSE, NULL,
                          "the file is %s, judging by its byte order mark; save it as UTF-8", enc);
    if (!hp__utf8_valid(f->text, f->len, &bad))
        return scan_error(&s, bad, HP_EPARSE, NULL,
                          "invalid UTF-8 (byte 0x%02X); the file must be UTF-8 (if it was saved as "
                          "GBK/GB18030, convert it, e.g. iconv -f GB18030 -t UTF-8)",
                          (unsigned char)f->text[bad]);
    const char *nul = memchr(f->text, '\0', f->len);
    if (nul)
        return scan_error(&s, (size_t)(nul - f->text), HP_EPARSE, NULL,
                          "NUL byte in a JSON file (is the file UTF-16 or binary?)");
    if (s.len >= 3 && !memcmp(s.t, "\xEF\xBB\xBF", 3))
        s.pos = 3;
    skip_ws(&s);
    if (s.pos >= s.len || s.t[s.pos] != '{') {
        char what[40];
        describe_at(s.t, s.len, s.pos, what, sizeof what);
        return scan_error(&s, s.pos, HP_EPARSE, NULL,
                          "expected a JSON object (\"{\") at the start of a dataset, found %s",
                          what);
    }
    s.pos++;
    int seen_format = 0, nkeys = 0;
    unsigned seen = 0;
    static const char *const parts[] = {"regions", "indicators", "plans", "targets",
                                        "observations", NULL};
    static const reader_fn readers[] = {read_region, read_indicator, read_plan, read_target,
                                        read_observation};
    for (;;) {
        skip_ws(&s);
        if (s.pos < s.len && s.t[s.pos] == '}') {
            s.pos++;
            break;
        }
        if (nkeys > 0) {
            if (s.pos >= s.len || s.t[s.pos] != ',') {
                char what[40];
                describe_at(s.t, s.len, s.pos, what, sizeof what);
                return scan_error(&s, s.pos, HP_EPARSE, NULL, "expected \",\" or \"}\", found %s",
                                  what);
            }
            s.pos++;
            skip_ws(&s);
        }
        size_t kpos = s.pos;
        char key[64];
        if ((rc = read_key(&s, key, sizeof key)) != HP_OK)
            return rc;
        skip_ws(&s);
        if (s.pos >= s.len || s.t[s.pos] != ':') {
            char what[40];
            describe_at(s.t, s.len, s.pos, what, sizeof what);
            return scan_error(&s, s.pos, HP_EPARSE, NULL, "expected \":\" after \"%s\", found %s",
                              key, what);
        }
        s.pos++;
        skip_ws(&s);
        nkeys++;
        int part = -1;
        for (int i = 0; parts[i]; i++)
            if (!strcmp(parts[i], key))
                part = i;
        if (part >= 0) {
            if (seen & (1u << part))
                return scan_error(&s, kpos, HP_EVALIDATE, key, "\"%s\" appears twice", key);
            seen |= 1u << part;
            if ((rc = read_array(&s, parts[part], readers[part])) != HP_OK)
                return rc;
            continue;
        }
        size_t vstart = s.pos, vend;
        if ((rc = skip_value(&s, vstart, &vend)) != HP_OK)
            return rc;
        const char *perr = NULL;
        hp__cjson_oom(1);
        cJSON *v = cJSON_ParseWithLengthOpts(s.t + vstart, vend - vstart, &perr, 0);
        if (!v && hp__cjson_oom(1))
            return hp__oom();
        if (!v) {
            size_t off = perr ? (size_t)(perr - s.t) : vstart;
            char what[40];
            describe_at(s.t, s.len, off, what, sizeof what);
            return scan_error(&s, off, HP_EPARSE, NULL, "malformed JSON: unexpected %s", what);
        }
        if (!strcmp(key, "format")) {
            seen_format = 1;
            if (!cJSON_IsString(v) || strcmp(v->valuestring, FORMAT_NAME)) {
                rc = scan_error(&s, vstart, HP_EVALIDATE, "format",
                                "\"format\" must be \"%s\", found %s%s%s", FORMAT_NAME,
                                cJSON_IsString(v) ? "\"" : "",
                                cJSON_IsString(v) ? v->valuestring : type_name(v),
                                cJSON_IsString(v) ? "\"" : "");
                cJSON_Delete(v);
                return rc;
            }
        } else if (st->opts && (st->opts->strict || st->opts->warn)) {
            int line, col;
            position(&s, kpos, &line, &col);
            const char *best = NULL;
            size_t bestd = 3;
            for (int i = 0; parts[i]; i++) {
                size_t d = hp__edit_distance(key, parts[i], bestd);
                if (d < bestd) {
                    bestd = d;
                    best = parts[i];
                }
            }
            rc = best ? hp__warn(st, f->name, line, col, key,
                                 "unknown top-level key \"%s\" (did you mean \"%s\"?)", key, best)
                      : hp__warn(st, f->name, line, col, key, "unknown top-level key \"%s\"", key);
            if (rc != HP_OK) {
                cJSON_Delete(v);
                return rc;
            }
        }
        cJSON_Delete(v);
        s.pos = vend;
    }
    skip_ws(&s);
    if (s.pos < s.len) {
        char what[40];
        describe_at(s.t, s.len, s.pos, what, sizeof what);
        return scan_error(&s, s.pos, HP_EPARSE, NULL, "unexpected %s after the dataset object",
                          what);
    }
    if (!seen_format)
        return hp__warn(st, f->name, 1, 1, "format", "no \"format\": \"%s\" key", FORMAT_NAME);
    return HP_OK;
}

/* ------------------------------------------------------------- saving */

static void kv_str(hp_buf *b, const char *key, const char *v, int *first)
{
    if (!v)
        return;
    hp__buf_puts(b, *first ? "\"" : ", \"");
    *first = 0;
    hp__buf_puts(b, key);
    hp__buf_puts(b, "\": ");
    hp__json_escape(b, v);
}

static void kv_int(hp_buf *b, const char *key, int v, int *first)
{
    hp__buf_printf(b, "%s\"%s\": %d", *first ? "" : ", ", key, v);
    *first = 0;
}

static void kv_num(hp_buf *b, const char *key, double v, int *first)
{
    hp__buf_printf(b, "%s\"%s\": ", *first ? "" : ", ", key);
    hp__buf_double(b, v);
    *first = 0;
}

/* The opening of one array of records. */
static void write_records(hp_buf *b, const char *name)
{
    hp__buf_printf(b, ",\n \"%s\": [", name);
}

int hp_dataset_save_json_buffer(const hp_dataset *ds, char **out, size_t *len)
{
    if (!ds || !out)
        return hp__fail(HP_EINVAL, "hp_dataset_save_json_buffer: NULL argument");
    hp_buf b;
    int first;
    hp__buf_init(&b);
    hp__buf_puts(&b, "{\"format\": \"" FORMAT_NAME "\"");

    write_records(&b, "regions");
    for (size_t i = 0; i < ds->regions.n; i++) {
        const hp_region *r = ds->regions.items[i];
        hp__buf_puts(&b, i ? ",\n  {" : "\n  {");
        first = 1;
        kv_str(&b, "code", r->code, &first);
        kv_str(&b, "name_zh", r->name_zh, &first);
        kv_str(&b, "name_en", r->name_en, &first);
        kv_str(&b, "parent", r->parent_code, &first);
        if (r->level != HP_LEVEL_UNKNOWN)
            kv_str(&b, "level", hp_level_name(r->level), &first);
        hp__buf_puts(&b, "}");
    }
    hp__buf_puts(&b, "]");

    write_records(&b, "indicators");
    for (size_t i = 0; i < ds->indicators.n; i++) {
        const hp_indicator *r = ds->indicators.items[i];
        hp__buf_puts(&b, i ? ",\n  {" : "\n  {");
        first = 1;
        kv_str(&b, "id", r->id, &first);
        kv_str(&b, "name_zh", r->name_zh, &first);
        kv_str(&b, "name_en", r->name_en, &first);
        if (r->naliases) {
            hp__buf_puts(&b, ", \"aliases\": [");
            for (size_t k = 0; k < r->naliases; k++) {
                if (k)
                    hp__buf_puts(&b, ", ");
                hp__json_escape(&b, r->aliases[k]);
            }
            hp__buf_puts(&b, "]");
        }
        kv_str(&b, "unit", r->unit, &first);
        kv_str(&b, "direction", hp_direction_name(r->direction), &first);
        kv_str(&b, "category", r->category, &first);
        if (r->num_id) {
            hp__buf_puts(&b, ", \"ratio\": {");
            int f2 = 1;
            kv_str(&b, "numerator", r->num_id, &f2);
            kv_str(&b, "denominator", r->den_id, &f2);
            kv_num(&b, "scale", r->scale, &f2);
            hp__buf_puts(&b, "}");
        }
        if (r->additive)
            hp__buf_puts(&b, ", \"additive\": true");
        kv_str(&b, "description", r->description, &first);
        hp__buf_puts(&b, "}");
    }
    hp__buf_puts(&b, "]");

    write_records(&b, "plans");
    for (size_t i = 0; i < ds->plans.n; i++) {
        const hp_plan *r = ds->plans.items[i];
        hp__buf_puts(&b, i ? ",\n  {" : "\n  {");
        first = 1;
        kv_str(&b, "id", r->id, &first);
        kv_str(&b, "title", r->title, &first);
        kv_str(&b, "region", r->region_code, &first);
        if (r->start)
            kv_int(&b, "start", r->start, &first);
        if (r->end)
            kv_int(&b, "end", r->end, &first);
        if (r->baseline_year)
            kv_int(&b, "baseline_year", r->baseline_year, &first);
        kv_str(&b, "source", r->source, &first);
        hp__buf_puts(&b, "}");
    }
    hp__buf_puts(&b, "]");

    write_records(&b, "targets");
    for (size_t i = 0; i < ds->targets.n; i++) {
        const hp_target *r = ds->targets.items[i];
        hp__buf_puts(&b, i ? ",\n  {" : "\n  {");
        first = 1;
        kv_str(&b, "plan", r->plan_id, &first);
        kv_str(&b, "id", r->id, &first);
        kv_str(&b, "indicator", r->indicator_id, &first);
        kv_str(&b, "region", r->region_code, &first);
        kv_int(&b, "year", r->year, &first);
        hp__buf_puts(&b, ", \"rule\": ");
        hp__rule_write_json(&b, &r->rule);
        if (r->nature != HP_NATURE_UNSPECIFIED)
            kv_str(&b, "nature", hp_nature_name(r->nature), &first);
        kv_str(&b, "as_printed", r->as_printed, &first);
        kv_str(&b, "source", r->source, &first);
        kv_str(&b, "unit_as_printed", r->unit_as_printed, &first);
        kv_str(&b, "note", r->note, &first);
        if (r->lead || r->npartners) {
            hp__buf_puts(&b, ", \"departments\": {");
            int f2 = 1;
            kv_str(&b, "lead", r->lead, &f2);
            if (r->npartners) {
                hp__buf_puts(&b, f2 ? "\"partners\": [" : ", \"partners\": [");
                for (size_t k = 0; k < r->npartners; k++) {
                    if (k)
                        hp__buf_puts(&b, ", ");
                    hp__json_escape(&b, r->partners[k]);
                }
                hp__buf_puts(&b, "]");
            }
            hp__buf_puts(&b, "}");
        }
        hp__buf_puts(&b, "}");
    }
    hp__buf_puts(&b, "]");

    write_records(&b, "observations");
    size_t count = 0;
    for (size_t si = 0; si < ds->obs.nseries; si++) {
        const hp__series *se = &ds->obs.series[si];
        for (size_t j = 0; j < se->count; j++) {
            hp_observation o;
            hp__obs_fill(ds, se, se->start + j, &o);
            hp__buf_puts(&b, count++ ? ",\n  {" : "\n  {");
            first = 1;
            kv_str(&b, "region", o.region, &first);
            kv_str(&b, "indicator", o.indicator, &first);
            kv_int(&b, "year", o.year, &first);
            if (o.verdict != HP_VERDICT_NONE)
                kv_str(&b, "verdict", hp_verdict_name(o.verdict), &first);
            else if (!isnan(o.value))
                kv_num(&b, "value", o.value, &first);
            if (o.status != HP_OBS_FINAL)
                kv_str(&b, "status", hp_obs_status_name(o.status), &first);
            if (*o.source)
                kv_str(&b, "source", o.source, &first);
            if (*o.as_printed)
                kv_str(&b, "as_printed", o.as_printed, &first);
            if (*o.note)
                kv_str(&b, "note", o.note, &first);
            hp__buf_puts(&b, "}");
        }
    }
    hp__buf_puts(&b, "]\n}\n");
    size_t n = b.len;
    char *text = hp__buf_take(&b);
    if (!text)
        return hp__oom();
    *out = text;
    if (len)
        *len = n;
    return HP_OK;
}
