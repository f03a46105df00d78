/* Evaluation of targets against observations (docs/rules.md, docs/methods.md).
 *
 * Every target is judged by eval_target(). The hot path formats no text: a result's reason is
 * produced on request by judging that one target again with a buffer to write into, so a
 * national evaluation stores numbers only. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

#include "dataset_internal.h"
#include "healthplan/evaluate.h"
#include "healthplan/expr.h"
#include "numfmt_internal.h"
#include "progress_internal.h"
#include "rule_internal.h"
#include "write_internal.h"

#define MAX_REF_DEPTH 4

struct hp_results {
    const hp_dataset *ds;
    hp_eval_options opts;
    char *plan, *region, *indicator;   /* copies of the filters */
    hp_result *items;
    size_t n;
    /* targets by (region, indicator), for reference_target rules */
    uint32_t *by_key;                  /* target indices sorted by region, indicator, year */
    size_t nby_key;                    /* … of the regions that reference_target rules name */
    /* series of (region, indicator) as region × indicators + indicator -> series + 1 (0: none),
     * when that table is small: one cached load instead of a hash probe per lookup */
    uint32_t *dense;
    size_t dense_ni;
    int th_ok;                         /* the thresholds passed hp__progress_thresholds_ok() */
    hp__u64map key_index;              /* (region << 32 | indicator) -> first position in by_key */
};

typedef struct ctx {
    const hp_dataset *ds;
    const hp_results *res;
    const hp_eval_options *o;
    hp_buf *why;                       /* NULL on the hot path */
} ctx;

const char *hp_status_name(hp_status s)
{
    static const char *const names[] = {"achieved", "not_achieved", "on_track", "off_track",
                                        "no_data", "not_assessable"};
    return (unsigned)s < HP_STATUS_COUNT ? names[s] : "";
}

/* ------------------------------------------------------------- text */

/* A number for people: up to 6 significant digits, no exponent for ordinary magnitudes. */
static void fmt(char out[40], double v)
{
    if (isnan(v)) {
        snprintf(out, 40, "?");
        return;
    }
    double a = fabs(v);
    if (a >= 1e6 || (a > 0 && a < 1e-4)) {
        snprintf(out, 40, "%.6g", v);
    } else {
        int before = a >= 1 ? (int)floor(log10(a)) + 1 : 1;
        int dec = 6 - before;
        if (dec < 0)
            dec = 0;
        if (!hp__fmt_fixed(out, v, dec)) /* snprintf's digits, cheaper (numfmt.c) */
            snprintf(out, 40, "%.*f", dec, v);
        char *dot = strpbrk(out, ".,");
        if (dot) {
            *dot = '.';
            char *end = out + strlen(out) - 1;
            while (end > dot && *end == '0')
                *end-- = '\0';
            if (end == dot)
                *end = '\0';
        }
        if (!strcmp(out, "-0"))
            snprintf(out, 40, "0");
    }
    for (char *p = out; *p; p++)
        if (*p == ',')
            *p = '.';
}

/* fmt() where a reason is being written; nothing on the hot path (docs/performance.md). */
#define FMT(c, out, v) ((c)->why ? fmt((out), (v)) : (void)((out)[0] = '\0'))

/* A rate for people: +0.46%/yr (compound) or +0.5/yr (linear). */
/* a, b and c joined into out (cap bytes, truncated as snprintf truncates): snprintf("%s%s%s")
 * without its cost, for the reasons' small phrases. */
static void cat3(char *out, size_t cap, const char *a, const char *b, const char *c)
{
    const char *parts[3] = {a, b, c};
    size_t k = 0;
    for (int i = 0; i < 3; i++)
        for (const char *p = parts[i]; *p && k + 1 < cap; p++)
            out[k++] = *p;
    out[k] = '\0';
}

static void fmt_rate(char out[48], double r, int linear)
{
    char n[40];
    if (linear) {
        fmt(n, r);
        cat3(out, 48, r > 0 ? "+" : "", n, "/yr");
    } else {
        fmt(n, r * 100);
        cat3(out, 48, r > 0 ? "+" : "", n, "%/yr");
    }
}

static void say(const ctx *c, const char *f, ...) HP_PRINTF(2, 3);
static void say(const ctx *c, const char *f, ...)
{
    if (!c->why)
        return;
    /* As vsnprintf into 1024 bytes and an append ("; " between parts), but the reasons use
     * only %s, %d and %%: those are appended directly, which costs a fraction of vsnprintf
     * (a national results table says millions of these); anything else goes to vsnprintf. */
    hp_buf *b = c->why;
    size_t before = b->len;
    if (before)
        hp__buf_append(b, "; ", 2);
    size_t start = b->len;
    va_list ap, again;
    va_start(ap, f);
    va_copy(again, ap);
    int plain = 1;
    for (const char *p = f; *p && plain;) {
        const char *q = strchr(p, '%');
        if (!q) {
            hp__buf_puts(b, p);
            break;
        }
        hp__buf_append(b, p, (size_t)(q - p));
        if (q[1] == 's') {
            const char *s = va_arg(ap, const char *);
            hp__buf_puts(b, s ? s : "(null)");
        } else if (q[1] == 'd') {
            char t[24];
            hp__buf_append(b, t, hp__fmt_int(t, va_arg(ap, int)));
        } else if (q[1] == '%') {
            hp__buf_append(b, "%", 1);
        } else {
            plain = 0;
            break;
        }
        p = q + 2;
    }
    va_end(ap);
    if (!plain && !b->failed) {
        char tmp[1024];
        vsnprintf(tmp, sizeof tmp, f, again);
        b->len = start;
        hp__buf_puts(b, tmp);
    }
    va_end(again);
    if (b->failed)
        return;
    if (b->len - start > 1023)
        b->len = start + 1023; /* where vsnprintf into 1024 bytes stopped */
    if (b->len == start)
        b->len = before; /* nothing said: no separator either */
    if (b->data)
        b->data[b->len] = '\0';
}

/* ------------------------------------------------------------- observations */

typedef struct obs {
    int year;
    double value;
    hp_verdict verdict;
    int found;
} obs;

static const hp__series *series(const ctx *c, const hp_region *r, const hp_indicator *ind)
{
    if (c->res && c->res->dense) {
        uint32_t k = c->res->dense[(size_t)r->index * c->res->dense_ni + ind->index];
        return k ? &c->ds->obs.series[k - 1] : NULL;
    }
    return hp__series_find(c->ds, r->index, ind->index);
}

/* The observation of exactly `year` (numeric or verdict; gaps count as none). */
static obs obs_exact(const ctx *c, const hp__series *s, int year)
{
    obs o = {0, NAN, HP_VERDICT_NONE, 0};
    if (!s)
        return o;
    long i = hp__series_year(c->ds, s, year);
    if (i < 0)
        return o;
    uint8_t f = c->ds->obs.flags[i];
    if (HP_FLAG_STATUS(f) == HP_OBS_MISSING)
        return o;
    o.year = year;
    o.value = c->ds->obs.value[i];
    o.verdict = HP_FLAG_VERDICT(f);
    o.found = 1;
    return o;
}

/* The latest numeric observation at or before `year` (verdicts and gaps skipped: a verdict
 * speaks only of the target of its own year). */
static obs obs_latest(const ctx *c, const hp__series *s, int year)
{
    obs o = {0, NAN, HP_VERDICT_NONE, 0};
    /* gaps and verdicts carry no number (NaN), so the store's lookup skips them already */
    long i = s ? hp__series_latest(c->ds, s, year) : -1;
    if (i < 0)
        return o;
    o.year = c->ds->obs.year[i];
    o.value = c->ds->obs.value[i];
    o.found = 1;
    return o;
}

/* A numeric observation for a baseline year, by the policy. */
static obs obs_baseline(const ctx *c, const hp__series *s, int year)
{
    obs o = {0, NAN, HP_VERDICT_NONE, 0};
    if (!s || !s->count)
        return o;
    const int16_t *y = c->ds->obs.year + s->start;
    const double *v = c->ds->obs.value + s->start;
    /* years are sorted and unique: the year itself, else the nearest numbers on each side */
    size_t lo = 0, hi = s->count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (y[mid] < year)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < s->count && y[lo] == year && !isnan(v[lo])) {
        o.year = year;
        o.value = v[lo];
        o.found = 1;
        return o;
    }
    long before = -1, after = -1;
    for (size_t i = lo; i-- > 0;)
        if (!isnan(v[i])) {
            before = (long)i;
            break;
        }
    for (size_t i = lo < s->count && y[lo] == year ? lo + 1 : lo; i < s->count; i++)
        if (!isnan(v[i])) {
            after = (long)i;
            break;
        }
    long pick = -1;
    if (c->o->baseline == HP_BASELINE_NEXT)
        pick = after;
    else if (c->o->baseline == HP_BASELINE_NEAREST) {
        if (before >= 0 && after >= 0)
            pick = (year - y[before] <= y[after] - year) ? before : after;
        else
            pick = before >= 0 ? before : after;
    }
    if (pick >= 0) {
        o.year = y[pick];
        o.value = v[pick];
        o.found = 1;
    }
    return o;
}

/* ------------------------------------------------------------- conditions */

enum { C_NONE, C_LE, C_LT, C_GE, C_GT, C_BAND, C_RANGE, C_IMPROVE, C_TRUE, C_FALSE };

/* What a rule asks of the judged value, once resolved. */
typedef struct cond {
    int op;
    double v, lo, hi;     /* threshold; band/range bounds */
    int dir;              /* +1 higher is better, -1 lower, 0 none */
    int linear;           /* per_year in units: linear rates */
    double target;        /* the target as a number, NaN when none */
    int best_bound;       /* improve: staying at the best bound (0 deaths) counts as better */
} cond;

static int le_tol(double a, double b, double tol) { return a - b <= tol * fmax(fabs(a), fabs(b)); }
static int lt_tol(double a, double b, double tol) { return b - a > tol * fmax(fabs(a), fabs(b)); }

static int cond_met(const cond *k, double x, double tol)
{
    switch (k->op) {
    case C_LE: return le_tol(x, k->v, tol);
    case C_LT: return lt_tol(x, k->v, tol);
    case C_GE: return le_tol(k->v, x, tol);
    case C_GT: return lt_tol(k->v, x, tol);
    case C_BAND: return le_tol(k->lo, x, tol) && le_tol(x, k->hi, tol);
    case C_RANGE: return le_tol(k->lo, x, tol) && le_tol(x, k->hi, tol);
    case C_IMPROVE:
        if (k->best_bound && le_tol(fabs(x - k->v), 0, tol))
            return 1;
        return k->dir > 0 ? lt_tol(k->v, x, tol) : lt_tol(x, k->v, tol);
    case C_TRUE: return 1;
    default: return 0;
    }
}

static const char *op_text(int op)
{
    switch (op) {
    case C_LE: return "≤";
    case C_LT: return "<";
    case C_GE: return "≥";
    case C_GT: return ">";
    default: return "";
    }
}

/* "≤ 6.5", "within 75.46–78.54", "better than 15.5" */
static void cond_text(const cond *k, char *out, size_t cap)
{
    char a[40], b[40];
    switch (k->op) {
    case C_LE: case C_LT: case C_GE: case C_GT:
        fmt(a, k->v);
        cat3(out, cap, op_text(k->op), " ", a);
        break;
    case C_BAND:
    case C_RANGE:
        fmt(a, k->lo);
        fmt(b, k->hi);
        if (isinf(k->lo)) {
            cat3(out, cap, "≤ ", b, "");
        } else if (isinf(k->hi)) {
            cat3(out, cap, "≥ ", a, "");
        } else {
            char w[48];
            cat3(w, sizeof w, "within ", a, "–");
            cat3(out, cap, w, b, "");
        }
        break;
    case C_IMPROVE:
        fmt(a, k->v);
        cat3(out, cap, k->dir > 0 ? "higher" : "lower", " than ", a);
        break;
    default:
        snprintf(out, cap, "the rule");
    }
}

static int ind_dir(const hp_indicator *ind)
{
    return ind->direction == HP_DIRECTION_HIGHER ? 1 : ind->direction == HP_DIRECTION_LOWER ? -1 : 0;
}

/* Outcome of resolving a rule. */
enum { R_OK, R_NO_DATA, R_NOT_ASSESSABLE };

typedef struct judged {
    const hp_region *region;
    const hp_indicator *ind;
    const hp__series *s;
    int target_year;
    int eval_year;        /* the year data is taken at (target year, or as-of) */
    obs base;             /* baseline */
    int base_year_wanted;
    obs latest;           /* the observation judged */
} judged;

static int resolve(const ctx *c, const hp_target *t, const hp_rule *r, const judged *j, cond *k,
                   int depth);

static const hp_region *scope_region(const ctx *c, const hp_region *from, const char *scope)
{
    if (!strcmp(scope, "province")) {
        const hp_region *p = from->level == HP_LEVEL_PROVINCE ? from->parent
                                                              : hp_region_ancestor(from, HP_LEVEL_PROVINCE);
        return p;
    }
    if (!strcmp(scope, "prefecture")) {
        /* the city above a county (全市): a prefecture has none above it */
        return from->level == HP_LEVEL_PREFECTURE ? NULL
                                                  : hp_region_ancestor(from, HP_LEVEL_PREFECTURE);
    }
    if (!strcmp(scope, "country"))
        return hp_region_ancestor(from, HP_LEVEL_COUNTRY);
    return hp__find_region(c->ds, scope);
}

static const char *region_label(const hp_region *r)
{
    return r->name_en && *r->name_en ? r->name_en : r->code;
}

/* A condition from a comparison kind and value. */
static void simple(cond *k, int op, double v)
{
    k->op = op;
    k->v = v;
    k->target = v;
    k->dir = (op == C_LE || op == C_LT) ? -1 : 1;
}

/* Resolve a change from a reference observation: relative (change_from) or in the indicator's
 * unit (change_by). */
static int resolve_change(const ctx *c, const hp_rule *r, const judged *j, cond *k)
{
    int ref_year = r->ref_year ? r->ref_year : j->base_year_wanted;
    obs ref = r->ref_year ? obs_exact(c, j->s, ref_year) : j->base;
    if (!ref.found || isnan(ref.value)) {
        if (r->ref_year)
            ref = obs_baseline(c, j->s, ref_year);
        if (!ref.found || isnan(ref.value)) {
            say(c, "no %d observation of %s in %s to measure the change from", ref_year,
                j->ind->id, j->region->code);
            return R_NO_DATA;
        }
    }
    int by = r->kind == HP_RULE_CHANGE_BY;
    double tv = by ? ref.value + r->value : ref.value * (1 + r->value);
    char a[40], b[40], p[40];
    FMT(c, a, ref.value);
    FMT(c, b, tv);
    FMT(c, p, by ? r->value : r->value * 100);
    if (!r->ref_year)
        say(c, "no reference year printed: measured from the plan's baseline %d", ref.year);
    else if (ref.year != ref_year)
        say(c, "reference %d (no %d observation)", ref.year, ref_year);
    if (by)
        say(c, "target %s (%d) %s %s = %s", a, ref.year, r->value < 0 ? "−" : "+",
            p + (p[0] == '-'), b);
    else
        say(c, "target %s%s%% of %s (%d) = %s", r->value > 0 ? "+" : "", p, a, ref.year, b);
    int dir = r->value < 0 ? -1 : r->value > 0 ? 1 : ind_dir(j->ind);
    simple(k, dir < 0 ? C_LE : C_GE, tv);
    return R_OK;
}

/* Resolve a change per year from the baseline (per_year). */
static int resolve_per_year(const ctx *c, const hp_rule *r, const judged *j, cond *k)
{
    if (!j->base.found) {
        say(c, "no baseline observation of %s in %s (plan baseline %d) to count the yearly change from",
            j->ind->id, j->region->code, j->base_year_wanted);
        return R_NO_DATA;
    }
    int years = j->target_year - j->base.year;
    double tv = r->compound ? j->base.value * pow(1 + r->value, years)
                            : j->base.value + r->value * years;
    char a[40], b[40], p[40];
    FMT(c, a, j->base.value);
    FMT(c, b, tv);
    if (r->compound) {
        FMT(c, p, r->value * 100);
        say(c, "target %s × (1 %s %s%%)^%d = %s", a, r->value < 0 ? "−" : "+", p + (p[0] == '-'),
            years, b);
    } else {
        FMT(c, p, fabs(r->value));
        say(c, "target %s %s %d × %s = %s", a, r->value < 0 ? "−" : "+", years, p, b);
    }
    int dir = r->value < 0 ? -1 : r->value > 0 ? 1 : ind_dir(j->ind);
    simple(k, dir < 0 ? C_LE : C_GE, tv);
    k->linear = !r->compound;
    return R_OK;
}

/* The targets of region/indicator/year (any plan), through the results' index. */
static const hp_target *find_target_of(const ctx *c, const hp_region *reg, const hp_indicator *ind,
                                       int year, const hp_target *self)
{
    uint32_t pos;
    const hp_results *res = c->res;
    if (!hp__u64map_get(&res->key_index, ((uint64_t)reg->index << 32) | ind->index, &pos))
        return NULL;
    for (size_t i = pos; i < res->nby_key; i++) {
        const hp_target *t = hp_dataset_target_at(c->ds, res->by_key[i]);
        if (t->region != reg || t->indicator != ind)
            break;
        if (t->year == year && t != self)
            return t;
    }
    return NULL;
}

static int resolve_reference_target(const ctx *c, const hp_target *t, const hp_rule *r,
                                    const judged *j, cond *k, int depth)
{
    const hp_region *ref = scope_region(c, j->region, r->scope);
    if (!ref) {
        say(c, "%s has no %s in the dataset to take the target from", j->region->code, r->scope);
        return R_NOT_ASSESSABLE;
    }
    const hp_target *rt = find_target_of(c, ref, j->ind, j->target_year, t);
    if (!rt) {
        say(c, "no %s target for %s in %d in the dataset", region_label(ref), j->ind->id,
            j->target_year);
        return R_NOT_ASSESSABLE;
    }
    if (depth >= MAX_REF_DEPTH) {
        say(c, "references nest deeper than %d targets", MAX_REF_DEPTH);
        return R_NOT_ASSESSABLE;
    }
    /* the referenced target's rule, resolved with the referenced region's own data */
    judged rj = *j;
    rj.region = ref;
    rj.s = series(c, ref, j->ind);
    rj.base_year_wanted = rt->plan->baseline_year ? rt->plan->baseline_year : j->base_year_wanted;
    rj.base = obs_baseline(c, rj.s, rj.base_year_wanted);
    say(c, "%s target %s/%s (%s)", region_label(ref), rt->plan->id, rt->id,
        rt->as_printed ? rt->as_printed : hp_rule_kind_name(rt->rule.kind));
    return resolve(c, rt, &rt->rule, &rj, k, depth + 1);
}

static int resolve_reference_value(const ctx *c, const hp_rule *r, const judged *j, cond *k)
{
    const hp_region *ref = scope_region(c, j->region, r->scope);
    if (!ref) {
        say(c, "%s has no %s in the dataset to compare with", j->region->code, r->scope);
        return R_NOT_ASSESSABLE;
    }
    int year = j->latest.found ? j->latest.year : j->eval_year;
    obs o = obs_exact(c, series(c, ref, j->ind), year);
    if (!o.found || isnan(o.value)) {
        say(c, "no %s value of %s for %d in the dataset to compare with", region_label(ref),
            j->ind->id, year);
        return R_NOT_ASSESSABLE;
    }
    int op;
    switch (r->op) {
    case HP_OP_LT: op = C_LT; break;
    case HP_OP_GT: op = C_GT; break;
    case HP_OP_LE: op = C_LE; break;
    case HP_OP_GE: op = C_GE; break;
    default:
        if (!ind_dir(j->ind)) {
            say(c, "\"better\" needs a direction, and %s has none", j->ind->id);
            return R_NOT_ASSESSABLE;
        }
        op = ind_dir(j->ind) > 0 ? C_GT : C_LT;
    }
    char a[40];
    FMT(c, a, o.value);
    say(c, "%s value %s in %d", region_label(ref), a, year);
    simple(k, op, o.value);
    return R_OK;
}

static int resolve_same_ratio(const ctx *c, const hp_rule *r, const judged *j, cond *k)
{
    const hp_indicator *with = hp__find_indicator(c->ds, r->indicator);
    if (!with)
        return R_NOT_ASSESSABLE;
    if (!j->base.found || !j->latest.found || isnan(j->latest.value)) {
        say(c, "needs %s at the baseline and later", j->ind->id);
        return R_NO_DATA;
    }
    const hp__series *ws = series(c, j->region, with);
    obs wb = obs_exact(c, ws, j->base.year), wl = obs_exact(c, ws, j->latest.year);
    if (!wb.found || !wl.found || isnan(wb.value) || isnan(wl.value) || wb.value == 0) {
        say(c, "no %s values for %d and %d to compare the growth with", with->id, j->base.year,
            j->latest.year);
        return R_NOT_ASSESSABLE;
    }
    double grow = wl.value / wb.value;
    double tv = j->base.value * grow;
    char g[40], b[40];
    FMT(c, g, (grow - 1) * 100);
    FMT(c, b, tv);
    say(c, "%s grew %s%% from %d to %d: target %s", with->id, g, wb.year, wl.year, b);
    simple(k, C_GE, tv);
    return R_OK;
}

typedef struct expr_ctx {
    const ctx *c;
    const judged *j;
    const char *missing;
} expr_ctx;

static int expr_lookup(void *p, const char *name, double *value)
{
    expr_ctx *e = p;
    const hp_indicator *ind = hp__find_indicator(e->c->ds, name);
    if (!ind)
        return HP_ENOTFOUND;
    obs o = obs_latest(e->c, series(e->c, e->j->region, ind), e->j->eval_year);
    if (!o.found || isnan(o.value)) {
        e->missing = ind->id;
        return HP_ENOTFOUND;
    }
    *value = o.value;
    return HP_OK;
}

/* Set when memory ran out while judging a target on this thread: the judgement is then
 * incomplete, and hp_evaluate() / hp_results_reason() fail with HP_ENOMEM. */
static _Thread_local int tls_oom;

static int compile(const char *text, hp_expr **ex)
{
    int rc = hp_expr_compile(text, ex);
    if (rc == HP_ENOMEM)
        tls_oom = 1;
    return rc;
}

static int resolve_expr(const ctx *c, const hp_rule *r, const judged *j, cond *k)
{
    expr_ctx e = {c, j, NULL};
    hp_expr *ex = NULL;
    double v;
    if (r->when) {
        if (compile(r->when, &ex) != HP_OK)
            return R_NOT_ASSESSABLE;
        int rc = hp_expr_eval(ex, expr_lookup, &e, &v);
        hp_expr_free(ex);
        if (rc != HP_OK && rc != HP_ENOTFOUND) { /* division by zero, overflow */
            say(c, "the condition %s cannot be evaluated in %s: %s", r->when, j->region->code,
                hp_error_last()->message);
            return R_NOT_ASSESSABLE;
        }
        if (rc != HP_OK) {
            say(c, "no value of %s in %s up to %d for the condition %s", e.missing ? e.missing : "?",
                j->region->code, j->eval_year, r->when);
            return R_NO_DATA;
        }
        if (v == 0) {
            say(c, "the condition %s does not hold in %s, so the rule does not apply", r->when,
                j->region->code);
            return R_NOT_ASSESSABLE;
        }
    }
    if (compile(r->expr, &ex) != HP_OK)
        return R_NOT_ASSESSABLE;
    int rc = hp_expr_eval(ex, expr_lookup, &e, &v);
    hp_expr_free(ex);
    if (rc != HP_OK && rc != HP_ENOTFOUND) { /* division by zero, overflow */
        say(c, "%s cannot be evaluated in %s: %s", r->expr, j->region->code,
            hp_error_last()->message);
        return R_NOT_ASSESSABLE;
    }
    if (rc != HP_OK) {
        say(c, "no value of %s in %s up to %d for %s", e.missing ? e.missing : "?", j->region->code,
            j->eval_year, r->expr);
        return R_NO_DATA;
    }
    say(c, "%s is %s in %s", r->expr, v != 0 ? "true" : "false", j->region->code);
    k->op = v != 0 ? C_TRUE : C_FALSE;
    k->target = NAN;
    return R_OK;
}

static int resolve(const ctx *c, const hp_target *t, const hp_rule *r, const judged *j, cond *k,
                   int depth)
{
    memset(k, 0, sizeof *k);
    k->target = NAN;
    k->dir = ind_dir(j->ind);
    switch (r->kind) {
    case HP_RULE_LE: simple(k, C_LE, r->value); return R_OK;
    case HP_RULE_LT: simple(k, C_LT, r->value); return R_OK;
    case HP_RULE_GE: simple(k, C_GE, r->value); return R_OK;
    case HP_RULE_GT: simple(k, C_GT, r->value); return R_OK;
    case HP_RULE_VALUE:
    case HP_RULE_ABOUT: {
        int dir = ind_dir(j->ind);
        if (r->kind == HP_RULE_VALUE && dir) {
            simple(k, dir > 0 ? C_GE : C_LE, r->value);
            return R_OK;
        }
        double tol = r->kind == HP_RULE_ABOUT && hp_rule_has(r->tolerance) ? r->tolerance
                                                                            : HP_ABOUT_TOLERANCE;
        k->op = C_BAND;
        k->v = k->target = r->value;
        k->lo = dir > 0 ? r->value * (1 - tol) : dir < 0 ? -INFINITY : r->value * (1 - tol);
        k->hi = dir < 0 ? r->value * (1 + tol) : dir > 0 ? INFINITY : r->value * (1 + tol);
        if (r->value < 0) {
            double lo = k->lo, hi = k->hi;
            k->lo = fmin(lo, hi);
            k->hi = fmax(lo, hi);
        }
        k->dir = dir;
        return R_OK;
    }
    case HP_RULE_RANGE:
        k->op = C_RANGE;
        k->lo = r->low;
        k->hi = r->high;
        /* progress is measured to the nearer bound */
        k->target = j->base.found && j->base.value > r->high ? r->high : r->low;
        k->dir = j->base.found && j->base.value > r->high ? -1 : 1;
        return R_OK;
    case HP_RULE_CHANGE_FROM:
    case HP_RULE_CHANGE_BY: return resolve_change(c, r, j, k);
    case HP_RULE_PER_YEAR: return resolve_per_year(c, r, j, k);
    case HP_RULE_IMPROVE:
        if (!ind_dir(j->ind)) {
            say(c, "\"improve\" needs a direction, and %s has none", j->ind->id);
            return R_NOT_ASSESSABLE;
        }
        if (!j->base.found) {
            say(c, "no baseline observation of %s in %s (plan baseline %d) to improve on",
                j->ind->id, j->region->code, j->base_year_wanted);
            return R_NO_DATA;
        }
        k->op = C_IMPROVE;
        k->v = j->base.value;
        k->dir = ind_dir(j->ind);
        k->target = NAN;
        /* at the best bound already: 0 deaths, or 100% coverage */
        k->best_bound = (k->dir < 0 && j->base.value == 0) ||
                        (k->dir > 0 && j->ind->unit && !strcmp(j->ind->unit, "percent") &&
                         j->base.value >= 100);
        return R_OK;
    case HP_RULE_REFERENCE_TARGET: return resolve_reference_target(c, t, r, j, k, depth);
    case HP_RULE_REFERENCE_VALUE: return resolve_reference_value(c, r, j, k);
    case HP_RULE_SAME_RATIO: return resolve_same_ratio(c, r, j, k);
    case HP_RULE_EXPR: return resolve_expr(c, r, j, k);
    case HP_RULE_QUALITATIVE:
        say(c, "qualitative target (%s): only an observation saying \"met\" can judge it",
            r->text ? r->text : "no number");
        return R_NOT_ASSESSABLE;
    default:
        return R_NOT_ASSESSABLE;
    }
}

/* ------------------------------------------------------------- one target */

static void set_nan(hp_result *r)
{
    r->baseline = r->target_value = r->latest = r->gap = r->progress = NAN;
    r->required_rate = r->actual_rate = r->ratio = NAN;
    r->baseline_year = r->latest_year = 0;
    r->cls = HP_CLASS_NONE;
    r->met = 0;
}

/* Judge a composite: met when any/all parts are met at the value x; the first part with a
 * number gives the condition used for progress. */
static int resolve_composite(const ctx *c, const hp_target *t, const hp_rule *r, const judged *j,
                             cond *first, int *met, int *any_ok)
{
    int count_met = 0, count_ok = 0, have_first = 0, status = R_NOT_ASSESSABLE;
    double x = j->latest.value;
    for (size_t i = 0; i < r->nrules; i++) {
        cond k;
        int rc = resolve(c, t, &r->rules[i], j, &k, 0);
        if (rc != R_OK) {
            if (status != R_OK)
                status = rc;
            continue;
        }
        count_ok++;
        status = R_OK;
        int m = j->latest.found && !isnan(x) ? cond_met(&k, x, c->o->tolerance) : (k.op == C_TRUE);
        count_met += m;
        if (!have_first && !isnan(k.target)) {
            *first = k;
            have_first = 1;
        }
        if (!have_first && i == 0)
            *first = k;
    }
    if (r->kind == HP_RULE_ANY)
        *met = count_met > 0;
    else
        *met = count_ok == (int)r->nrules && count_met == (int)r->nrules;
    *any_ok = count_ok;
    if (r->kind == HP_RULE_ALL && count_ok < (int)r->nrules && !*met)
        return status == R_OK ? R_NOT_ASSESSABLE : status;
    return count_ok ? R_OK : status;
}

static void eval_target(const ctx *c, const hp_target *t, hp_result *res)
{
    const hp_eval_options *o = c->o;
    memset(res, 0, sizeof *res);
    res->target = t;
    set_nan(res);

    judged j;
    memset(&j, 0, sizeof j);
    j.region = t->region;
    j.ind = t->indicator;
    j.s = series(c, t->region, t->indicator);
    j.target_year = t->year;
    j.base_year_wanted = t->plan->baseline_year;

    /* the as-of year: given, or the latest year observed for this target's own series */
    int as_of = o->as_of;
    if (!as_of) {
        /* the last year with a value or a verdict (gaps do not count) */
        as_of = 0;
        if (j.s)
            for (size_t i = j.s->count; i-- > 0;)
                if (HP_FLAG_STATUS(c->ds->obs.flags[j.s->start + i]) != HP_OBS_MISSING) {
                    as_of = c->ds->obs.year[j.s->start + i];
                    break;
                }
        if (!as_of)
            as_of = t->year - 1; /* no data at all: the target counts as ahead */
    }
    int judged_now = t->year <= as_of;
    j.eval_year = judged_now ? t->year : as_of;

    /* the baseline */
    if (j.base_year_wanted) {
        j.base = obs_baseline(c, j.s, j.base_year_wanted);
    } else {
        obs first = {0, NAN, HP_VERDICT_NONE, 0};
        if (j.s)
            for (size_t i = 0; i < j.s->count; i++)
                if (!isnan(c->ds->obs.value[j.s->start + i])) {
                    first.year = c->ds->obs.year[j.s->start + i];
                    first.value = c->ds->obs.value[j.s->start + i];
                    first.found = 1;
                    break;
                }
        j.base = first;
        j.base_year_wanted = first.year;
    }
    if (j.base.found && j.base.year > j.eval_year)
        j.base.found = 0; /* a baseline after the judged year is no baseline */
    if (j.base.found) {
        res->baseline_year = j.base.year;
        res->baseline = j.base.value;
    }

    /* the observation judged: the target year's own (a number or a reported verdict), else
     * the latest number before it */
    j.latest = obs_exact(c, j.s, j.eval_year);
    if (j.latest.found && j.latest.verdict != HP_VERDICT_NONE && j.eval_year != t->year)
        j.latest.found = 0;
    if (!j.latest.found)
        j.latest = obs_latest(c, j.s, j.eval_year);
    if (j.latest.found) {
        res->latest_year = j.latest.year;
        res->latest = j.latest.value;
    }

    /* a reported verdict decides, whatever the rule */
    if (j.latest.found && j.latest.verdict != HP_VERDICT_NONE) {
        int met = j.latest.verdict == HP_VERDICT_MET;
        const char *words = NULL;
        if (c->why) {
            long i = hp__series_year(c->ds, j.s, j.latest.year);
            words = i >= 0 ? hp__strpool_get(&c->ds->pool, c->ds->obs.note[i]) : "";
        }
        res->met = met;
        if (judged_now && j.latest.year == t->year) {
            res->status = met ? HP_STATUS_ACHIEVED : HP_STATUS_NOT_ACHIEVED;
            res->cls = met ? HP_CLASS_ACHIEVED : HP_CLASS_NOT_COMPUTABLE;
        } else {
            res->status = met ? (judged_now ? HP_STATUS_ACHIEVED : HP_STATUS_ON_TRACK)
                              : (judged_now ? HP_STATUS_NOT_ACHIEVED : HP_STATUS_NOT_ASSESSABLE);
            res->cls = met ? HP_CLASS_ACHIEVED : HP_CLASS_NOT_COMPUTABLE;
        }
        say(c, "reported %s in %d%s%s%s", met ? "met" : "not met", j.latest.year,
            words && *words ? " (" : "", words && *words ? words : "", words && *words ? ")" : "");
        if (judged_now && j.latest.year != t->year)
            say(c, "no %d observation: the latest before it is used", t->year);
        return;
    }

    /* what the rule asks */
    cond k;
    int met = 0, rc;
    if (t->rule.kind == HP_RULE_ANY || t->rule.kind == HP_RULE_ALL) {
        int any_ok;
        memset(&k, 0, sizeof k);
        k.target = NAN;
        rc = resolve_composite(c, t, &t->rule, &j, &k, &met, &any_ok);
    } else {
        rc = resolve(c, t, &t->rule, &j, &k, 0);
    }
    if (rc == R_OK && !isnan(k.target) && !isfinite(k.target)) {
        /* a target that overflows (1e308 more per year …) meets or misses nothing */
        say(c, "the target overflows (%s): it cannot be judged", k.target > 0 ? "+inf" : "-inf");
        rc = R_NOT_ASSESSABLE;
    }
    if (!isnan(k.target) && rc == R_OK)
        res->target_value = k.target;
    if (rc == R_NOT_ASSESSABLE) {
        res->status = HP_STATUS_NOT_ASSESSABLE;
        res->cls = HP_CLASS_NOT_COMPUTABLE;
        return;
    }
    if (!j.latest.found || (isnan(j.latest.value) && k.op != C_TRUE && k.op != C_FALSE)) {
        res->status = HP_STATUS_NO_DATA;
        if (o->as_of)
            say(c, "no observation of %s in %s up to %d", t->indicator->id, t->region->code,
                j.eval_year);
        else
            say(c, "no observation of %s in %s", t->indicator->id, t->region->code);
        return;
    }
    if (rc == R_NO_DATA) {
        res->status = HP_STATUS_NO_DATA;
        return;
    }
    if (t->rule.kind != HP_RULE_ANY && t->rule.kind != HP_RULE_ALL)
        met = cond_met(&k, j.latest.value, o->tolerance);
    res->met = met;

    char xv[40], ktxt[96]; /* the reason's words: formatted below, only when asked for */

    /* gap: positive while the target is not met */
    if (!isnan(k.target)) {
        int d = k.dir ? k.dir : (j.base.found && k.target < j.base.value ? -1 : 1);
        res->gap = d * (k.target - j.latest.value);
        if (met && res->gap > 0)
            res->gap = 0;
        if (j.base.found && k.target != j.base.value)
            res->progress = (j.latest.value - j.base.value) / (k.target - j.base.value);
    }

    /* the progress measure */
    hp_progress_result pr;
    memset(&pr, 0, sizeof pr);
    pr.cls = HP_CLASS_NOT_COMPUTABLE;
    if (k.op == C_TRUE || k.op == C_FALSE) {
        pr.cls = met ? HP_CLASS_ACHIEVED : HP_CLASS_NOT_COMPUTABLE;
        pr.required_rate = pr.actual_rate = pr.ratio = pr.progress = NAN;
        snprintf(pr.note, sizeof pr.note, "an expression has no progress measure");
    } else if (j.base.found) {
        hp_progress_input in;
        in.method = o->method;
        in.direction = k.dir > 0 ? HP_DIRECTION_HIGHER : k.dir < 0 ? HP_DIRECTION_LOWER
                                                                   : HP_DIRECTION_NONE;
        in.base_year = j.base.year;
        in.base = j.base.value;
        in.latest_year = j.latest.year;
        in.latest = j.latest.value;
        in.target_year = t->year;
        in.target = k.op == C_IMPROVE ? NAN : k.target;
        in.linear = k.linear;
        in.met = met;
        if (c->res && c->res->th_ok)
            hp__progress_compute_trusted(&in, &o->thresholds, &pr);
        else
            hp_progress_compute(&in, &o->thresholds, &pr);
        res->required_rate = pr.required_rate;
        res->actual_rate = pr.actual_rate;
        res->ratio = pr.ratio;
        if (k.op == C_IMPROVE && met)
            pr.cls = HP_CLASS_ACHIEVED; /* staying better than the baseline meets "improve" */
    } else {
        pr.required_rate = pr.actual_rate = pr.ratio = NAN;
        snprintf(pr.note, sizeof pr.note, "no baseline observation (plan baseline %d)",
                 j.base_year_wanted);
    }

    /* status and class, never contradicting each other */
    if (judged_now) {
        if (met) {
            res->status = HP_STATUS_ACHIEVED;
            res->cls = HP_CLASS_ACHIEVED;
        } else {
            res->status = HP_STATUS_NOT_ACHIEVED;
            res->cls = pr.cls;
            if (res->cls == HP_CLASS_ACHIEVED || res->cls == HP_CLASS_SIGNIFICANT)
                res->cls = HP_CLASS_MODERATE; /* a target missed cannot have been on track */
        }
    } else if (met) {
        /* met ahead of time: on track under every method; Eurostat keeps its own class when
         * that is "significant" (it has no target-met shortcut), otherwise "achieved" */
        res->status = HP_STATUS_ON_TRACK;
        res->cls = o->method == HP_METHOD_EUROSTAT && pr.cls == HP_CLASS_SIGNIFICANT
                       ? HP_CLASS_SIGNIFICANT : HP_CLASS_ACHIEVED;
    } else {
        res->cls = pr.cls;
        switch (pr.cls) {
        case HP_CLASS_ACHIEVED:
        case HP_CLASS_SIGNIFICANT: res->status = HP_STATUS_ON_TRACK; break;
        case HP_CLASS_MODERATE:
        case HP_CLASS_INSUFFICIENT:
        case HP_CLASS_AWAY: res->status = HP_STATUS_OFF_TRACK; break;
        default: res->status = HP_STATUS_NOT_ASSESSABLE; break;
        }
        if (res->cls == HP_CLASS_ACHIEVED)
            res->cls = HP_CLASS_SIGNIFICANT;
    }

    if (!c->why)
        return;
    /* the reason */
    fmt(xv, j.latest.value);
    cond_text(&k, ktxt, sizeof ktxt);
    if (judged_now) {
        say(c, "%s %s %s in %d", xv, met ? "meets" : "misses", ktxt, j.latest.year);
        if (j.latest.year != t->year)
            say(c, "no %d observation: the latest before it is used", t->year);
        if (!met && !isnan(res->gap)) {
            char g[40];
            fmt(g, res->gap);
            say(c, "%s still to go", g);
        }
    } else if (met) {
        say(c, "already %s %s in %d (target year %d)", met ? "meets" : "misses", ktxt,
            j.latest.year, t->year);
    } else {
        char bv[40];
        fmt(bv, j.base.value);
        if (j.base.found)
            say(c, "%s (%d) → %s (%d), target %s by %d", bv, j.base.year, xv, j.latest.year, ktxt,
                t->year);
        else
            say(c, "%s in %d, target %s by %d", xv, j.latest.year, ktxt, t->year);
        if (!isnan(pr.ratio)) {
            char ra[48], rr[48], rt[40];
            fmt_rate(ra, pr.actual_rate, k.linear);
            fmt_rate(rr, pr.required_rate, k.linear);
            fmt(rt, pr.ratio);
            say(c, "%s: actual %s vs required %s, ratio %s (%s)", hp_progress_class_name(res->cls),
                ra, rr, rt, hp_method_name(o->method));
        } else if (!isnan(pr.actual_rate)) {
            char ra[48];
            fmt_rate(ra, pr.actual_rate, k.linear);
            say(c, "%s: trend %s (%s)", hp_progress_class_name(res->cls), ra,
                hp_method_name(o->method));
        }
    }
    if (j.base.found && j.base.year != j.base_year_wanted)
        say(c, "baseline %d: no %d observation", j.base.year, j.base_year_wanted);
    if (pr.note[0] && (res->cls == HP_CLASS_NOT_COMPUTABLE || !judged_now))
        say(c, "%s", pr.note);
}

/* ------------------------------------------------------------- driver */

typedef struct work {
    const ctx *c;
    const uint32_t *sel;
    hp_result *out;
    size_t from, to;
    int oom;            /* memory ran out on the way */
} work;

static void *run_range(void *p)
{
    work *w = p;
    tls_oom = 0;
    for (size_t i = w->from; i < w->to && !tls_oom; i++) {
#if defined(__GNUC__)
        /* the target records are far apart (each with its strings): ask for the one needed
         * a few targets on, so that its cache misses overlap this target's work */
        if (i + 6 < w->to) {
            const char *ahead = (const char *)hp_dataset_target_at(w->c->ds, w->sel[i + 6]);
            __builtin_prefetch(ahead + offsetof(hp_target, region));
            __builtin_prefetch(ahead + offsetof(hp_target, rule));
        }
#endif
        eval_target(w->c, hp_dataset_target_at(w->c->ds, w->sel[i]), &w->out[i]);
    }
    w->oom = tls_oom;
    return NULL;
}

/* Index the targets by (region, indicator) for reference_target rules: only the targets of
 * regions that some reference_target rule of the dataset points to (a national dataset's
 * provinces and prefectures, a ninth of its targets), which also covers references followed
 * from a referenced target. Sorting every target made this the costliest step of a
 * region-filtered evaluation (hp_compare() runs one per region). */

static void mark_scope(const hp_dataset *ds, const hp_target *t, const hp_rule *r,
                       unsigned char *marked, size_t nregions, int *any)
{
    if (r->kind != HP_RULE_REFERENCE_TARGET)
        return;
    ctx c = {ds, NULL, NULL, NULL};
    const hp_region *ref = scope_region(&c, t->region, r->scope);
    if (ref && ref->index < nregions) {
        marked[ref->index] = 1;
        *any = 1;
    }
}

static int build_index(hp_results *res)
{
    const hp_dataset *ds = res->ds;
    size_t n = hp_dataset_target_count(ds), nregions = hp_dataset_region_count(ds);
    int any = 0;
    unsigned char *marked = hp__calloc(nregions ? nregions : 1, 1);
    if (!marked)
        return hp__oom();
    for (size_t i = 0; i < n; i++) {
        const hp_target *t = hp_dataset_target_at(ds, i);
        mark_scope(ds, t, &t->rule, marked, nregions, &any);
        for (size_t k = 0; k < t->rule.nrules; k++)
            mark_scope(ds, t, &t->rule.rules[k], marked, nregions, &any);
    }
    if (!any) {
        hp__free(marked);
        return HP_OK;
    }
    /* one more pass over the targets (each a cache miss): room for all, m used */
    hp__keyed *k = hp__malloc(n * sizeof *k);
    if (!k) {
        hp__free(marked);
        return hp__oom();
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const hp_target *t = hp_dataset_target_at(ds, i);
        if (!marked[t->region->index])
            continue;
        k[m].key = ((uint64_t)t->region->index << 40) | ((uint64_t)t->indicator->index << 16) |
                   (uint64_t)(t->year - HP_YEAR_MIN);
        k[m].index = (uint32_t)i;
        m++;
    }
    res->by_key = hp__malloc((m ? m : 1) * sizeof *res->by_key);
    if (!res->by_key || hp__u64map_reserve(&res->key_index, m) != HP_OK) {
        hp__free(k);
        hp__free(marked);
        return hp__oom();
    }
    hp__keyed_sort(k, m);
    uint64_t last = UINT64_MAX;
    for (size_t i = 0; i < m; i++) {
        res->by_key[i] = k[i].index;
        const hp_target *t = hp_dataset_target_at(ds, k[i].index);
        uint64_t key = ((uint64_t)t->region->index << 32) | t->indicator->index;
        if (key != last) {
            hp__u64map_put(&res->key_index, key, (uint32_t)i);
            last = key;
        }
    }
    res->nby_key = m;
    hp__free(k);
    hp__free(marked);
    return HP_OK;
}

/* The dense series table of hp_results (see there), when it is small and m targets are many
 * enough to repay it (a region's evaluation probes the hash instead). */
static int build_dense(hp_results *res, size_t m)
{
    const hp_dataset *ds = res->ds;
    size_t nr = hp_dataset_region_count(ds), ni = hp_dataset_indicator_count(ds);
    size_t ns = ds->obs.nseries, limit = ns * 4 > 65536 ? ns * 4 : 65536;
    if (!nr || !ni || nr > limit / ni || m < nr * ni / 64)
        return HP_OK;
    res->dense = hp__calloc(nr * ni, sizeof *res->dense);
    if (!res->dense)
        return hp__oom();
    res->dense_ni = ni;
    for (size_t k = 0; k < ns; k++) {
        const hp__series *se = &ds->obs.series[k];
        if (se->region < nr && se->indicator < ni)
            res->dense[(size_t)se->region * ni + se->indicator] = (uint32_t)(k + 1);
    }
    return HP_OK;
}

void hp_results_free(hp_results *res)
{
    if (!res)
        return;
    hp__free(res->items);
    hp__free(res->by_key);
    hp__free(res->dense);
    hp__u64map_free(&res->key_index);
    hp__free(res->plan);
    hp__free(res->region);
    hp__free(res->indicator);
    hp__free(res);
}

static int check_options(const hp_dataset *ds, const hp_eval_options *o)
{
    if (o->version != HP_EVAL_OPTIONS_VERSION)
        return hp__fail(HP_EINVAL, "hp_eval_options: version %u is not %u (use HP_EVAL_OPTIONS_INIT)",
                        o->version, HP_EVAL_OPTIONS_VERSION);
    if (o->as_of && (o->as_of < HP_YEAR_MIN || o->as_of > HP_YEAR_MAX))
        return hp__fail(HP_EINVAL, "as_of %d is outside %d–%d (0 for all data)", o->as_of,
                        HP_YEAR_MIN, HP_YEAR_MAX);
    if ((unsigned)o->method > HP_METHOD_UNSD)
        return hp__fail(HP_EINVAL, "unknown method %d", (int)o->method);
    if ((unsigned)o->baseline > HP_BASELINE_NEAREST)
        return hp__fail(HP_EINVAL, "unknown baseline policy %d", (int)o->baseline);
    if (!(o->tolerance >= 0) || o->tolerance > 0.5)
        return hp__fail(HP_EINVAL, "tolerance must be between 0 and 0.5, not %g", o->tolerance);
    const hp_thresholds *t = &o->thresholds;
    if (!(t->significant >= t->moderate && t->moderate >= 0) ||
        !(t->unsd_on_track >= t->unsd_moderate && t->unsd_moderate >= 0) ||
        !(t->trend_significant >= t->trend_moderate && t->trend_moderate >= 0) ||
        !(t->zero_substitute > 0))
        return hp__fail(HP_EINVAL,
                        "thresholds must be ordered (significant ≥ moderate ≥ 0) and the zero substitute positive");
    const void *found;
    if (o->plan && hp_dataset_find_plan(ds, o->plan, (const hp_plan **)&found) != HP_OK)
        return HP_ENOTFOUND;
    if (o->region && hp_dataset_find_region(ds, o->region, (const hp_region **)&found) != HP_OK)
        return HP_ENOTFOUND;
    if (o->indicator &&
        hp_dataset_find_indicator(ds, o->indicator, (const hp_indicator **)&found) != HP_OK)
        return HP_ENOTFOUND;
    return HP_OK;
}

static int selected(const hp_results *res, const hp_target *t)
{
    const hp_eval_options *o = &res->opts;
    if (o->plan && strcmp(t->plan->id, o->plan))
        return 0;
    if (o->region && strcmp(t->region->code, o->region))
        return 0;
    if (o->indicator && strcmp(t->indicator->id, o->indicator))
        return 0;
    if (o->nature >= 0 && (int)t->nature != o->nature)
        return 0;
    return 1;
}

int hp_evaluate(const hp_dataset *ds, const hp_eval_options *opts, hp_results **out)
{
    if (!ds || !out)
        return hp__fail(HP_EINVAL, "hp_evaluate: NULL argument");
    *out = NULL;
    hp_eval_options defaults = HP_EVAL_OPTIONS_INIT;
    const hp_eval_options *o = opts ? opts : &defaults;
    int rc = check_options(ds, o);
    if (rc != HP_OK)
        return rc;
    hp_results *res = hp__calloc(1, sizeof *res);
    if (!res)
        return hp__oom();
    hp__u64map_init(&res->key_index);
    res->ds = ds;
    res->opts = *o;
    res->plan = hp__strdup(o->plan);
    res->region = hp__strdup(o->region);
    res->indicator = hp__strdup(o->indicator);
    res->opts.plan = res->plan;
    res->opts.region = res->region;
    res->opts.indicator = res->indicator;
    size_t n = hp_dataset_target_count(ds);
    uint32_t *sel = hp__malloc((n ? n : 1) * sizeof *sel);
    if ((o->plan && !res->plan) || (o->region && !res->region) ||
        (o->indicator && !res->indicator) || !sel) {
        hp__free(sel);
        hp_results_free(res);
        return hp__oom();
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (selected(res, hp_dataset_target_at(ds, i)))
            sel[m++] = (uint32_t)i;
    res->items = hp__malloc((m ? m : 1) * sizeof *res->items);
    if (!res->items || (rc = build_index(res)) != HP_OK || (rc = build_dense(res, m)) != HP_OK) {
        hp__free(sel);
        hp_results_free(res);
        return rc != HP_OK ? rc : hp__oom();
    }
    res->th_ok = hp__progress_thresholds_ok(&res->opts.thresholds);
    res->n = m;
    ctx c = {ds, res, &res->opts, NULL};
    int threads = o->threads > 1 ? o->threads : 1;
    if (threads > 64)
        threads = 64;
    if ((size_t)threads > m / 1024 + 1)
        threads = (int)(m / 1024 + 1);
    work w[64];
    pthread_t tid[64];
    int started[64] = {0};
    for (int k = 0; k < threads; k++) {
        w[k].c = &c;
        w[k].sel = sel;
        w[k].out = res->items;
        w[k].from = m * (size_t)k / (size_t)threads;
        w[k].to = m * (size_t)(k + 1) / (size_t)threads;
    }
    for (int k = 1; k < threads; k++)
        started[k] = pthread_create(&tid[k], NULL, run_range, &w[k]) == 0;
    run_range(&w[0]);
    for (int k = 1; k < threads; k++) {
        if (started[k])
            pthread_join(tid[k], NULL);
        else
            run_range(&w[k]); /* the thread could not start: do its share here */
    }
    hp__free(sel);
    for (int k = 0; k < threads; k++) {
        if (w[k].oom) {
            hp_results_free(res);
            return hp__oom();
        }
    }
    *out = res;
    return HP_OK;
}

size_t hp_results_count(const hp_results *res) { return res ? res->n : 0; }

const hp_result *hp_results_at(const hp_results *res, size_t i)
{
    return res && i < res->n ? &res->items[i] : NULL;
}

/* The reason of result i, judged again with words, into b (emptied first; its memory is
 * reused from call to call). 0, or -1 when out of memory. */
static int reason_into(const hp_results *res, size_t i, hp_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
    ctx c = {res->ds, res, &res->opts, b};
    hp_result again;
    tls_oom = 0;
    eval_target(&c, res->items[i].target, &again);
    return tls_oom || b->failed ? -1 : 0;
}

int hp_results_reason(const hp_results *res, size_t i, char *buf, size_t cap)
{
    if (!res || i >= res->n)
        return -1;
    hp_buf b;
    hp__buf_init(&b);
    if (reason_into(res, i, &b) != 0) {
        hp__buf_free(&b);
        if (buf && cap)
            buf[0] = '\0';
        hp__oom();
        return -1;
    }
    int len = (int)b.len;
    if (buf && cap) {
        size_t k = b.len < cap - 1 ? b.len : cap - 1;
        /* do not cut a UTF-8 character */
        while (k > 0 && k < b.len && ((unsigned char)b.data[k] & 0xC0) == 0x80)
            k--;
        if (k)
            memcpy(buf, b.data, k);
        buf[k] = '\0';
    }
    hp__buf_free(&b);
    return len;
}

size_t hp_results_count_status(const hp_results *res, const char *plan, int nature,
                               const char *category, size_t counts[HP_STATUS_COUNT])
{
    size_t total = 0;
    for (int s = 0; s < HP_STATUS_COUNT; s++)
        counts[s] = 0;
    if (!res)
        return 0;
    for (size_t i = 0; i < res->n; i++) {
        const hp_target *t = res->items[i].target;
        if (plan && strcmp(t->plan->id, plan))
            continue;
        if (nature >= 0 && (int)t->nature != nature)
            continue;
        if (category && strcmp(t->indicator->category ? t->indicator->category : "", category))
            continue;
        counts[res->items[i].status]++;
        total++;
    }
    return total;
}

/* ------------------------------------------------------------- writing */

static const char *const RESULT_COLS[] = {
    "plan", "target", "region", "indicator", "year", "rule", "nature", "as_printed",
    "baseline_year", "baseline_value", "target_value", "latest_year", "latest_value",
    "status", "gap", "progress", "required_rate", "actual_rate", "ratio", "class", "reason"};
enum { NCOLS = sizeof RESULT_COLS / sizeof RESULT_COLS[0] };

/* Rows [from, to) of a results table, written by one thread into its own buffer. */
typedef struct write_job {
    const hp_results *res;
    size_t from, to;
    int json;
    hp_buf out;
} write_job;

static void *write_rows(void *p)
{
    write_job *w = p;
    const hp_results *res = w->res;
    const int json = w->json;
    hp_buf *b = &w->out, rule, reason;
    hp__buf_init(&rule);   /* both reused from row to row */
    hp__buf_init(&reason);
    for (size_t i = w->from; i < w->to && !b->failed; i++) {
        const hp_result *r = &res->items[i];
        const hp_target *t = r->target;
        rule.len = 0;
        if (rule.data)
            rule.data[0] = '\0';
        hp__rule_write_json(&rule, &t->rule);
        if (rule.failed || reason_into(res, i, &reason) != 0) {
            b->failed = 1; /* out of memory: hp__w_finish() says so */
            break;
        }
        if (reason.len > 1023) { /* as hp_results_reason() into 1024 bytes */
            size_t k = 1023;
            while (k > 0 && ((unsigned char)reason.data[k] & 0xC0) == 0x80)
                k--;
            reason.data[k] = '\0';
        }
        hp__w_row_start(b, i, json);
        for (int k = 0; k < NCOLS; k++) {
            hp__w_key(b, k, RESULT_COLS[k], json);
            switch (k) {
            case 0: hp__w_text(b, t->plan->id, json); break;
            case 1: hp__w_text(b, t->id, json); break;
            case 2: hp__w_text(b, t->region->code, json); break;
            case 3: hp__w_text(b, t->indicator->id, json); break;
            case 4: hp__w_year(b, t->year, json); break;
            case 5:
                if (json)
                    hp__buf_puts(b, rule.data ? rule.data : "null");
                else
                    hp__w_text(b, rule.data, 0);
                break;
            case 6: hp__w_text(b, hp_nature_name(t->nature), json); break;
            case 7: hp__w_text(b, t->as_printed, json); break;
            case 8: hp__w_year(b, r->baseline_year, json); break;
            case 9: hp__w_num(b, r->baseline, json); break;
            case 10: hp__w_num(b, r->target_value, json); break;
            case 11: hp__w_year(b, r->latest_year, json); break;
            case 12: hp__w_num(b, r->latest, json); break;
            case 13: hp__w_text(b, hp_status_name(r->status), json); break;
            case 14: hp__w_num(b, r->gap, json); break;
            case 15: hp__w_num(b, r->progress, json); break;
            case 16: hp__w_num(b, r->required_rate, json); break;
            case 17: hp__w_num(b, r->actual_rate, json); break;
            case 18: hp__w_num(b, r->ratio, json); break;
            case 19:
                if (r->cls == HP_CLASS_NONE && json)
                    hp__buf_puts(b, "null");
                else
                    hp__w_text(b, r->cls == HP_CLASS_NONE ? "" : hp_progress_class_name(r->cls), json);
                break;
            case 20: hp__w_text(b, reason.data ? reason.data : "", json); break;
            }
        }
        hp__w_row_end(b, json);
    }
    hp__buf_free(&rule);
    hp__buf_free(&reason);
    return NULL;
}

int hp_results_write(const hp_results *res, hp_results_format format, char **out, size_t *len)
{
    if (!res || !out || (format != HP_RESULTS_CSV && format != HP_RESULTS_JSON))
        return hp__fail(HP_EINVAL, "hp_results_write: bad argument");
    int json = format == HP_RESULTS_JSON;
    /* rows in slices, one per thread of the evaluation's options (as many as evaluated),
     * joined in order: the text is the same whatever the number of threads */
    int threads = res->opts.threads > 1 ? res->opts.threads : 1;
    if (threads > 64)
        threads = 64;
    if ((size_t)threads > res->n / 1024 + 1)
        threads = (int)(res->n / 1024 + 1);
    write_job w[64];
    pthread_t tid[64];
    int started[64] = {0};
    for (int k = 0; k < threads; k++) {
        w[k].res = res;
        w[k].json = json;
        w[k].from = res->n * (size_t)k / (size_t)threads;
        w[k].to = res->n * (size_t)(k + 1) / (size_t)threads;
        hp__buf_init(&w[k].out);
    }
    hp__w_begin(&w[0].out, RESULT_COLS, NCOLS, json);
    for (int k = 1; k < threads; k++)
        started[k] = pthread_create(&tid[k], NULL, write_rows, &w[k]) == 0;
    write_rows(&w[0]);
    int failed = w[0].out.failed;
    for (int k = 1; k < threads; k++) {
        if (started[k])
            pthread_join(tid[k], NULL);
        else
            write_rows(&w[k]); /* the thread could not start: write its share here */
        if (!failed && !w[k].out.failed)
            hp__buf_append(&w[0].out, w[k].out.data ? w[k].out.data : "", w[k].out.len);
        failed |= w[k].out.failed | w[0].out.failed;
        hp__buf_free(&w[k].out);
    }
    if (failed)
        w[0].out.failed = 1;
    hp__w_end(&w[0].out, res->n, json);
    return hp__w_finish(&w[0].out, out, len);
}
