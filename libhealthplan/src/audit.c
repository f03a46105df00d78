/* Audit of a plan's own numbers (docs/methods.md, "Audit"). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset_internal.h"
#include "write_internal.h"

struct hp_audit_report {
    hp_finding *items;
    size_t n, cap;
};

const char *hp_severity_name(hp_severity s)
{
    return s == HP_SEVERITY_ERROR ? "error" : s == HP_SEVERITY_WARNING ? "warning" : "info";
}

const char *hp_finding_kind_name(hp_finding_kind k)
{
    switch (k) {
    case HP_FINDING_RATIO: return "ratio";
    case HP_FINDING_UNIT: return "unit";
    case HP_FINDING_CONFLICT: return "conflict";
    default: return "implausible";
    }
}

void hp_audit_free(hp_audit_report *rep)
{
    if (!rep)
        return;
    for (size_t i = 0; i < rep->n; i++) {
        hp__free((char *)rep->items[i].message);
        hp__free((char *)rep->items[i].where);
    }
    hp__free(rep->items);
    hp__free(rep);
}

size_t hp_audit_count(const hp_audit_report *rep) { return rep ? rep->n : 0; }

const hp_finding *hp_audit_at(const hp_audit_report *rep, size_t i)
{
    return rep && i < rep->n ? &rep->items[i] : NULL;
}

/* Append a finding; the message and place are copied. */
static int add(hp_audit_report *rep, const hp_finding *f, const char *message, const char *where)
{
    if (hp__grow((void **)&rep->items, &rep->cap, rep->n + 1, sizeof *rep->items) != HP_OK)
        return hp__oom();
    hp_finding *d = &rep->items[rep->n];
    *d = *f;
    d->message = hp__strdup(message);
    d->where = hp__strdup(where ? where : "");
    if (!d->message || !d->where) {
        hp__free((char *)d->message);
        hp__free((char *)d->where);
        return hp__oom();
    }
    rep->n++;
    return HP_OK;
}

static hp_finding blank(hp_finding_kind kind, hp_severity sev)
{
    hp_finding f;
    memset(&f, 0, sizeof f);
    f.kind = kind;
    f.severity = sev;
    f.reported = f.computed = NAN;
    return f;
}

/* Decimals of a number as it reads (7.82 → 2), at most 6. */
static int decimals(double v)
{
    char t[32];
    hp__format_double(t, v);
    const char *dot = strchr(t, '.');
    if (!dot || strchr(t, 'e'))
        return 0;
    int d = (int)strlen(dot + 1);
    return d > 6 ? 6 : d;
}

static void fmtn(char out[40], double v)
{
    char t[32];
    hp__format_double(t, v);
    snprintf(out, 40, "%s", t);
}

/* ------------------------------------------------------------- ratios */

static int check_ratios(const hp_dataset *ds, hp_audit_report *rep)
{
    const hp__obs_store *o = &ds->obs;
    for (size_t si = 0; si < o->nseries; si++) {
        const hp__series *s = &o->series[si];
        const hp_indicator *ind = hp__indicator_by_index(ds, s->indicator);
        if (!ind->num)
            continue;
        const hp__series *sn = hp__series_find(ds, s->region, ind->num->index);
        const hp__series *sd = hp__series_find(ds, s->region, ind->den->index);
        if (!sn || !sd)
            continue;
        for (size_t j = 0; j < s->count; j++) {
            size_t i = s->start + j;
            double reported = o->value[i];
            if (isnan(reported))
                continue;
            long kn = hp__series_year(ds, sn, o->year[i]), kd = hp__series_year(ds, sd, o->year[i]);
            if (kn < 0 || kd < 0 || isnan(o->value[kn]) || isnan(o->value[kd]) || o->value[kd] == 0)
                continue;
            double computed = o->value[kn] / o->value[kd] * ind->scale;
            int d = decimals(reported);
            double tol = 0.5 * pow(10, -d) + 1e-9 * fabs(reported);
            int ok = fabs(computed - reported) <= tol;
            const hp_region *r = hp__region_by_index(ds, s->region);
            char a[40], b[40], c[40], sc[40], rep_s[40], msg[700], where[1200];
            fmtn(rep_s, reported);
            fmtn(a, o->value[kn]);
            fmtn(b, o->value[kd]);
            fmtn(sc, ind->scale);
            snprintf(c, sizeof c, "%.*f", d + 2, computed);
            int estimated = HP_FLAG_STATUS(o->flags[kd]) == HP_OBS_ESTIMATED ||
                            HP_FLAG_STATUS(o->flags[kn]) == HP_OBS_ESTIMATED;
            snprintf(msg, sizeof msg, "%s in %s %d: %s / %s × %s = %s, %s %s as reported%s",
                     ind->id, r->code, o->year[i], a, b, sc, c, ok ? "which rounds to" : "not",
                     rep_s,
                     estimated ? " (a part is an estimate)" : "");
            snprintf(where, sizeof where, "%s: %s; %s: %s; %s: %s", ind->id,
                     hp__strpool_get(&ds->pool, o->source[i]), ind->num->id,
                     hp__strpool_get(&ds->pool, o->source[kn]), ind->den->id,
                     hp__strpool_get(&ds->pool, o->source[kd]));
            hp_finding f = blank(HP_FINDING_RATIO, ok ? HP_SEVERITY_INFO : HP_SEVERITY_WARNING);
            f.region = r;
            f.indicator = ind;
            f.year = o->year[i];
            f.reported = reported;
            f.computed = computed;
            int rc = add(rep, &f, msg, where);
            if (rc != HP_OK)
                return rc;
        }
    }
    return HP_OK;
}

/* ------------------------------------------------------------- units */

typedef struct unit_forms {
    const char *slug;
    const char *forms[8];
} unit_forms;

/* Printed forms that measure the same thing as a unit slug. */
static const unit_forms UNIT_FORMS[] = {
    {"percent", {"%", "％", "百分比"}},
    {"permille", {"‰"}},
    {"per_1000", {"‰", "/千人", "/千"}},
    {"per_10k", {"‱", "/万", "1/万", "/万人"}},
    {"per_100k", {"/10万", "1/10万", "/10 万", "1/10 万", "/十万"}},
    {"years", {"岁", "年"}},
    {"days", {"天", "日"}},
    {"grams", {"克", "g"}},
    {"m2_per_capita", {"平方米", "㎡", "m2"}},
    {"yuan_100m", {"亿元"}},
    {NULL, {NULL}}};

/* Words that count things: compatible with counts and rates "per N people". */
static const char *const COUNT_NOUNS[] = {"张", "人", "个", "所", "家", "辆", "名", "项",
                                          "次", "间", "处", "例", "床", NULL};

/* 1 when the printed unit fits the slug, 0 when it contradicts it, -1 when unknown. */
static int unit_fits(const char *slug, const char *printed)
{
    int known = 0;
    for (const unit_forms *u = UNIT_FORMS; u->slug; u++)
        for (size_t k = 0; u->forms[k]; k++)
            if (!strcmp(u->forms[k], printed)) {
                known = 1;
                if (slug && !strcmp(u->slug, slug))
                    return 1;
            }
    for (const char *const *n = COUNT_NOUNS; *n; n++)
        if (!strcmp(*n, printed))
            return !slug || strncmp(slug, "per", 3) == 0 || !strcmp(slug, "count") ||
                   !strcmp(slug, "persons");
    return known ? 0 : -1;
}

static const char *unit_symbol(const char *slug)
{
    for (const unit_forms *u = UNIT_FORMS; u->slug; u++)
        if (!strcmp(u->slug, slug))
            return u->forms[0];
    return slug;
}

static int check_units(const hp_dataset *ds, const hp_plan *plan, hp_audit_report *rep)
{
    for (size_t i = 0; i < ds->targets.n; i++) {
        const hp_target *t = ds->targets.items[i];
        if ((plan && t->plan != plan) || !t->unit_as_printed || !*t->unit_as_printed ||
            !t->indicator->unit)
            continue;
        if (unit_fits(t->indicator->unit, t->unit_as_printed) != 0)
            continue;
        /* another target of the indicator printing a fitting unit backs the catalogue */
        const hp_target *other = NULL;
        for (size_t k = 0; k < ds->targets.n && !other; k++) {
            const hp_target *o = ds->targets.items[k];
            if (o != t && o->indicator == t->indicator && o->unit_as_printed &&
                unit_fits(t->indicator->unit, o->unit_as_printed) == 1)
                other = o;
        }
        char msg[700], where[1200];
        snprintf(msg, sizeof msg,
                 "%s/%s prints the unit of %s as \"%s\", but it is measured in %s (%s)%s%s%s",
                 t->plan->id, t->id, t->indicator->id, t->unit_as_printed, t->indicator->unit,
                 unit_symbol(t->indicator->unit), other ? "; " : "",
                 other ? other->plan->id : "", other ? " prints it so" : "");
        snprintf(where, sizeof where, "%s%s%s", t->source ? t->source : "", other ? "; " : "",
                 other && other->source ? other->source : "");
        hp_finding f = blank(HP_FINDING_UNIT, HP_SEVERITY_WARNING);
        f.region = t->region;
        f.indicator = t->indicator;
        f.year = t->year;
        f.target = t;
        f.other = other;
        int rc = add(rep, &f, msg, where);
        if (rc != HP_OK)
            return rc;
    }
    return HP_OK;
}

/* ------------------------------------------------------------- conflicting targets */

/* The values a simple rule accepts, as an interval; 0 when the rule is not a simple bound. */
typedef struct interval {
    double lo, hi;
    int lo_open, hi_open;
} interval;

static int accepted(const hp_target *t, interval *iv)
{
    const hp_rule *r = &t->rule;
    int dir = t->indicator->direction == HP_DIRECTION_HIGHER ? 1
              : t->indicator->direction == HP_DIRECTION_LOWER ? -1 : 0;
    iv->lo = -INFINITY;
    iv->hi = INFINITY;
    iv->lo_open = iv->hi_open = 0;
    double v = r->value;
    switch (r->kind) {
    case HP_RULE_LE: iv->hi = v; return 1;
    case HP_RULE_LT: iv->hi = v; iv->hi_open = 1; return 1;
    case HP_RULE_GE: iv->lo = v; return 1;
    case HP_RULE_GT: iv->lo = v; iv->lo_open = 1; return 1;
    case HP_RULE_RANGE: iv->lo = r->low; iv->hi = r->high; return 1;
    case HP_RULE_VALUE:
    case HP_RULE_ABOUT: {
        double tol = r->kind == HP_RULE_ABOUT && hp_rule_has(r->tolerance) ? r->tolerance
                     : r->kind == HP_RULE_ABOUT ? HP_ABOUT_TOLERANCE : 0;
        if (r->kind == HP_RULE_VALUE && !dir)
            tol = HP_ABOUT_TOLERANCE;
        if (dir >= 0)
            iv->lo = v - fabs(v) * tol;
        if (dir <= 0)
            iv->hi = v + fabs(v) * tol;
        return 1;
    }
    default: return 0;
    }
}

static int same_bound(double a, double b)
{
    return (isinf(a) && isinf(b) && (a > 0) == (b > 0)) || fabs(a - b) <= 1e-9 * fmax(fabs(a), fabs(b));
}

static int check_conflicts(const hp_dataset *ds, const hp_plan *plan, hp_audit_report *rep)
{
    size_t n = ds->targets.n;
    if (!n)
        return HP_OK;
    uint32_t *order = hp__malloc(n * sizeof *order);
    if (!order)
        return hp__oom();
    int rc = hp__targets_by_key(ds, order);
    if (rc != HP_OK) {
        hp__free(order);
        return rc;
    }
    for (size_t i = 0; i < n && rc == HP_OK;) {
        size_t j = i + 1;
        const hp_target *a = ds->targets.items[order[i]];
        while (j < n) {
            const hp_target *b = ds->targets.items[order[j]];
            if (b->region != a->region || b->indicator != a->indicator || b->year != a->year)
                break;
            j++;
        }
        for (size_t p = i; p < j && rc == HP_OK; p++)
            for (size_t q = p + 1; q < j && rc == HP_OK; q++) {
                const hp_target *x = ds->targets.items[order[p]], *y = ds->targets.items[order[q]];
                if (plan && x->plan != plan && y->plan != plan)
                    continue;
                interval ix, iy;
                if (!accepted(x, &ix) || !accepted(y, &iy))
                    continue;
                if (same_bound(ix.lo, iy.lo) && same_bound(ix.hi, iy.hi) &&
                    ix.lo_open == iy.lo_open && ix.hi_open == iy.hi_open)
                    continue;
                char msg[900], where[1400];
                snprintf(msg, sizeof msg,
                         "two targets for %s in %s for %d disagree: %s/%s asks \"%s\" but %s/%s asks \"%s\"",
                         x->indicator->id, x->region->code, x->year, x->plan->id, x->id,
                         x->as_printed ? x->as_printed : "", y->plan->id, y->id,
                         y->as_printed ? y->as_printed : "");
                snprintf(where, sizeof where, "%s; %s", x->source ? x->source : "",
                         y->source ? y->source : "");
                hp_finding f = blank(HP_FINDING_CONFLICT, HP_SEVERITY_WARNING);
                f.region = x->region;
                f.indicator = x->indicator;
                f.year = x->year;
                f.target = x;
                f.other = y;
                f.reported = x->rule.value;
                f.computed = y->rule.value;
                rc = add(rep, &f, msg, where);
            }
        i = j;
    }
    hp__free(order);
    return rc;
}

/* ------------------------------------------------------------- implausible values */

/* The possible range of a unit: [lo, hi]. */
static void unit_range(const char *unit, double *lo, double *hi)
{
    *lo = -INFINITY;
    *hi = INFINITY;
    if (!unit)
        return;
    if (!strcmp(unit, "percent")) {
        *lo = 0;
        *hi = 100;
    } else if (!strcmp(unit, "permille")) {
        *lo = 0;
        *hi = 1000;
    } else if (!strcmp(unit, "years")) {
        *lo = 0;
        *hi = 125;
    } else if (!strncmp(unit, "per_", 4) || !strcmp(unit, "count") || !strcmp(unit, "persons") ||
               !strcmp(unit, "days") || !strcmp(unit, "grams") || !strcmp(unit, "m2_per_capita") ||
               !strcmp(unit, "hours") || !strcmp(unit, "mu")) {
        *lo = 0;
    }
}

static int check_values(const hp_dataset *ds, const hp_plan *plan, hp_audit_report *rep)
{
    const hp__obs_store *o = &ds->obs;
    int rc = HP_OK;
    for (size_t si = 0; si < o->nseries && rc == HP_OK; si++) {
        const hp__series *s = &o->series[si];
        const hp_indicator *ind = hp__indicator_by_index(ds, s->indicator);
        double lo, hi;
        unit_range(ind->unit, &lo, &hi);
        for (size_t j = 0; j < s->count && rc == HP_OK; j++) {
            size_t i = s->start + j;
            double v = o->value[i];
            if (isnan(v) || (v >= lo && v <= hi))
                continue;
            const hp_region *r = hp__region_by_index(ds, s->region);
            char a[40], msg[600];
            fmtn(a, v);
            snprintf(msg, sizeof msg, "%s in %s %d is %s, outside what %s can be (%s)", ind->id,
                     r->code, o->year[i], a, ind->unit,
                     v < lo ? "negative" : "too large");
            hp_finding f = blank(HP_FINDING_IMPLAUSIBLE, HP_SEVERITY_ERROR);
            f.region = r;
            f.indicator = ind;
            f.year = o->year[i];
            f.reported = v;
            rc = add(rep, &f, msg, hp__strpool_get(&ds->pool, o->source[i]));
        }
    }
    for (size_t i = 0; i < ds->targets.n && rc == HP_OK; i++) {
        const hp_target *t = ds->targets.items[i];
        if (plan && t->plan != plan)
            continue;
        const hp_rule *r = &t->rule;
        double v = r->kind == HP_RULE_RANGE ? r->high : r->value;
        if (r->kind > HP_RULE_RANGE || isnan(v))
            continue;
        double lo, hi;
        unit_range(t->indicator->unit, &lo, &hi);
        if (v >= lo && v <= hi)
            continue;
        char a[40], msg[600];
        fmtn(a, v);
        snprintf(msg, sizeof msg, "%s/%s asks %s of %s, outside what %s can be", t->plan->id,
                 t->id, a, t->indicator->id, t->indicator->unit);
        hp_finding f = blank(HP_FINDING_IMPLAUSIBLE, HP_SEVERITY_ERROR);
        f.region = t->region;
        f.indicator = t->indicator;
        f.year = t->year;
        f.target = t;
        f.reported = v;
        rc = add(rep, &f, msg, t->source);
    }
    return rc;
}

static int cmp_severity(const void *a, const void *b)
{
    const hp_finding *x = a, *y = b;
    if (x->severity != y->severity)
        return x->severity > y->severity ? -1 : 1;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    return strcmp(x->message, y->message);
}

int hp_audit(const hp_dataset *ds, const char *plan_id, hp_audit_report **out)
{
    if (!ds || !out)
        return hp__fail(HP_EINVAL, "hp_audit: NULL argument");
    *out = NULL;
    const hp_plan *plan = NULL;
    int rc;
    if (plan_id && (rc = hp_dataset_find_plan(ds, plan_id, &plan)) != HP_OK)
        return rc;
    hp_audit_report *rep = hp__calloc(1, sizeof *rep);
    if (!rep)
        return hp__oom();
    if ((rc = check_ratios(ds, rep)) != HP_OK || (rc = check_units(ds, plan, rep)) != HP_OK ||
        (rc = check_conflicts(ds, plan, rep)) != HP_OK || (rc = check_values(ds, plan, rep)) != HP_OK) {
        hp_audit_free(rep);
        return rc;
    }
    if (rep->n)
        qsort(rep->items, rep->n, sizeof *rep->items, cmp_severity);
    *out = rep;
    return HP_OK;
}

int hp_audit_write(const hp_audit_report *rep, hp_results_format format, char **out, size_t *len)
{
    if (!rep || !out || (format != HP_RESULTS_CSV && format != HP_RESULTS_JSON))
        return hp__fail(HP_EINVAL, "hp_audit_write: bad argument");
    static const char *const cols[] = {"severity", "kind", "region", "indicator", "year",
                                       "reported", "computed", "message", "where"};
    enum { NCOLS = sizeof cols / sizeof cols[0] };
    int json = format == HP_RESULTS_JSON;
    hp_buf b;
    hp__buf_init(&b);
    hp__w_begin(&b, cols, NCOLS, json);
    for (size_t i = 0; i < rep->n; i++) {
        const hp_finding *f = &rep->items[i];
        hp__w_row_start(&b, i, json);
        for (int k = 0; k < NCOLS; k++) {
            hp__w_key(&b, k, cols[k], json);
            switch (k) {
            case 0: hp__w_text(&b, hp_severity_name(f->severity), json); break;
            case 1: hp__w_text(&b, hp_finding_kind_name(f->kind), json); break;
            case 2: hp__w_text(&b, f->region ? f->region->code : "", json); break;
            case 3: hp__w_text(&b, f->indicator ? f->indicator->id : "", json); break;
            case 4: hp__w_year(&b, f->year, json); break;
            case 5: hp__w_num(&b, f->reported, json); break;
            case 6: hp__w_num(&b, f->computed, json); break;
            case 7: hp__w_text(&b, f->message, json); break;
            case 8: hp__w_text(&b, f->where, json); break;
            }
        }
        hp__w_row_end(&b, json);
    }
    hp__w_end(&b, rep->n, json);
    return hp__w_finish(&b, out, len);
}
