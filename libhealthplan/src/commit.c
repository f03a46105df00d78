/* The all-or-nothing commit of a staging dataset into its base, and the public adds. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dataset_internal.h"
#include "healthplan/expr.h"
#include "text_internal.h"


/* Check that every identifier of an expression is an indicator. */
static int check_expr(hp_dataset *st, const hp_target *t, const char *text, const char *field)
{
    hp_expr *e = NULL;
    int rc = hp_expr_compile(text, &e);
    if (rc != HP_OK) {
        const hp_error *err = hp_error_last();
        return hp__src_error(&t->src, rc, field, "target \"%s\": %s (column %d of the expression)",
                             t->id, err->message, err->column);
    }
    for (size_t i = 0; i < hp_expr_variable_count(e); i++) {
        const char *name = hp_expr_variable(e, i);
        if (!hp__find_indicator(st, name)) {
            rc = hp__unknown(st, "indicator", name, &t->src, field);
            hp__error_prefix("target \"%s\": expression: ", t->id);
            break;
        }
    }
    hp_expr_free(e);
    return rc;
}

static int resolve_rule(hp_dataset *st, const hp_target *t, const hp_rule *r, const char *path)
{
    char field[128];
    int rc;
    switch (r->kind) {
    case HP_RULE_SAME_RATIO:
        snprintf(field, sizeof field, "%s.indicator", path);
        if (!r->indicator[0])
            return hp__src_error(&t->src, HP_EVALIDATE, field,
                                 "target \"%s\": a same_ratio rule needs the \"indicator\" it grows with",
                                 t->id);
        if (!hp__find_indicator(st, r->indicator))
            return hp__unknown(st, "indicator", r->indicator, &t->src, field);
        return HP_OK;
    case HP_RULE_REFERENCE_TARGET:
    case HP_RULE_REFERENCE_VALUE:
        snprintf(field, sizeof field, "%s.scope", path);
        if (!r->scope[0])
            return hp__src_error(&t->src, HP_EVALIDATE, field,
                                 "target \"%s\": a %s rule needs a \"scope\" (province, prefecture, country or a region code)",
                                 t->id, hp_rule_kind_name(r->kind));
        if (strcmp(r->scope, "province") && strcmp(r->scope, "country") &&
            strcmp(r->scope, "prefecture") && !hp__find_region(st, r->scope))
            return hp__unknown(st, "region", r->scope, &t->src, field);
        return HP_OK;
    case HP_RULE_EXPR:
        snprintf(field, sizeof field, "%s.expr", path);
        if (!r->expr)
            return hp__src_error(&t->src, HP_EVALIDATE, field,
                                 "target \"%s\": an expr rule needs an \"expr\"", t->id);
        if ((rc = check_expr(st, t, r->expr, field)) != HP_OK)
            return rc;
        if (r->when) {
            snprintf(field, sizeof field, "%s.when", path);
            return check_expr(st, t, r->when, field);
        }
        return HP_OK;
    case HP_RULE_ANY:
    case HP_RULE_ALL:
        for (size_t i = 0; i < r->nrules; i++) {
            snprintf(field, sizeof field, "%s.rules[%zu]", path, i);
            if ((rc = resolve_rule(st, t, &r->rules[i], field)) != HP_OK)
                return rc;
        }
        return HP_OK;
    default:
        return HP_OK;
    }
}

static int resolve_records(hp_dataset *st)
{
    for (size_t i = 0; i < st->regions.n; i++) {
        hp_region *r = st->regions.items[i];
        if (!r->parent_code || r->parent)
            continue;
        r->parent = hp__find_region(st, r->parent_code);
        if (!r->parent)
            return hp__unknown(st, "region", r->parent_code, &r->src, "parent");
    }
    for (size_t i = 0; i < st->regions.n; i++) {
        hp_region *r = st->regions.items[i];
        const hp_region *p = r->parent;
        for (int depth = 0; p; depth++, p = p->parent)
            if (p == r || depth > 64)
                return hp__src_error(&r->src, HP_EVALIDATE, "parent",
                                     "region \"%s\" is its own ancestor", r->code);
    }
    for (size_t i = 0; i < st->indicators.n; i++) {
        hp_indicator *ind = st->indicators.items[i];
        if (!ind->num_id)
            continue;
        ind->num = hp__find_indicator(st, ind->num_id);
        if (!ind->num)
            return hp__unknown(st, "indicator", ind->num_id, &ind->src, "ratio.numerator");
        ind->den = hp__find_indicator(st, ind->den_id);
        if (!ind->den)
            return hp__unknown(st, "indicator", ind->den_id, &ind->src, "ratio.denominator");
    }
    for (size_t i = 0; i < st->plans.n; i++) {
        hp_plan *p = st->plans.items[i];
        p->region = hp__find_region(st, p->region_code);
        if (!p->region)
            return hp__unknown(st, "region", p->region_code, &p->src, "region");
    }
    const hp_target *prev = NULL; /* targets come plan by plan: reuse the last lookups */
    for (size_t i = 0; i < st->targets.n; i++) {
        hp_target *t = st->targets.items[i];
        int rc;
        t->plan = prev && !strcmp(prev->plan_id, t->plan_id) ? prev->plan
                                                              : hp__find_plan(st, t->plan_id);
        if (!t->plan)
            return hp__unknown(st, "plan", t->plan_id, &t->src, "plan");
        t->indicator = prev && !strcmp(prev->indicator_id, t->indicator_id)
                           ? prev->indicator
                           : hp__find_indicator(st, t->indicator_id);
        if (!t->indicator)
            return hp__unknown(st, "indicator", t->indicator_id, &t->src, "indicator");
        if (t->region_code) {
            t->region = hp__find_region(st, t->region_code);
            if (!t->region)
                return hp__unknown(st, "region", t->region_code, &t->src, "region");
        } else {
            t->region = t->plan->region;
        }
        if ((rc = resolve_rule(st, t, &t->rule, "rule")) != HP_OK)
            return rc;
        prev = t;
    }
    return HP_OK;
}

/* A normalised name that a staged indicator brings. */
typedef struct name_entry {
    const char *key;
    uint32_t indicator;
    const hp_indicator *ind;
    const char *as_given;
} name_entry;

static int collect_names(hp_dataset *st, name_entry **out, size_t *nout)
{
    hp_dataset *base = (hp_dataset *)st->base;
    name_entry *list = NULL;
    size_t n = 0, cap = 0;
    hp__strmap seen;
    hp__strmap_init(&seen);
    int rc = HP_OK;
    for (size_t i = 0; i < st->indicators.n && rc == HP_OK; i++) {
        hp_indicator *ind = st->indicators.items[i];
        for (size_t k = 0; k < ind->naliases + 2 && rc == HP_OK; k++) {
            const char *name = k == 0 ? ind->name_zh : k == 1 ? ind->name_en : ind->aliases[k - 2];
            if (!name || !*name)
                continue;
            char *norm = NULL;
            if ((rc = hp__normalize_name(name, &norm)) != HP_OK) {
                char field[64];
                snprintf(field, sizeof field, k < 2 ? (k ? "name_en" : "name_zh") : "aliases[%zu]",
                         k - 2);
                rc = hp__src_error(&ind->src, rc, field, "indicator \"%s\": %s", ind->id,
                                   hp_error_last()->message);
                break;
            }
            if (!*norm) {
                hp__free(norm);
                continue;
            }
            uint32_t other;
            int clash = 0;
            if (hp__strmap_get(&base->names, norm, &other) && other != ind->index)
                clash = 1;
            else if (hp__strmap_get(&seen, norm, &other) && list[other].indicator != ind->index)
                clash = 2;
            if (clash) {
                const hp_indicator *o = clash == 1 ? hp__indicator_by_index(st, other)
                                                   : list[other].ind;
                char field[64];
                snprintf(field, sizeof field, k < 2 ? (k ? "name_en" : "name_zh") : "aliases[%zu]",
                         k - 2);
                rc = hp__src_error(&ind->src, HP_EEXISTS, field,
                                   "indicator \"%s\": the name \"%s\" is already a name of indicator \"%s\"",
                                   ind->id, name, o ? o->id : "?");
                hp__free(norm);
                break;
            }
            if (hp__strmap_get(&seen, norm, &other)) {
                hp__free(norm);
                continue;
            }
            char *key = hp__arena_strdup(&st->arena, norm);
            hp__free(norm);
            if (!key || hp__grow((void **)&list, &cap, n + 1, sizeof *list) != HP_OK ||
                hp__strmap_put(&seen, key, (uint32_t)n) != HP_OK) {
                rc = hp__oom();
                break;
            }
            list[n].key = key;
            list[n].indicator = ind->index;
            list[n].ind = ind;
            list[n].as_given = name;
            n++;
        }
    }
    hp__strmap_free(&seen);
    if (rc != HP_OK) {
        hp__free(list);
        return rc;
    }
    *out = list;
    *nout = n;
    return HP_OK;
}

static void clear_text(hp__table *t, size_t off)
{
    for (size_t i = 0; i < t->n; i++)
        ((hp__src *)((char *)t->items[i] + off))->text = NULL;
}

int hp__commit(hp_dataset *st)
{
    hp_dataset *base = (hp_dataset *)st->base;
    name_entry *names = NULL;
    size_t nnames = 0;
    hp__obs_store merged;
    int have_merged = 0;
    int rc;

    /* phase 1: everything that can fail */
    if ((rc = hp__resolve_obs_refs(st)) != HP_OK || (rc = resolve_records(st)) != HP_OK ||
        (rc = collect_names(st, &names, &nnames)) != HP_OK)
        goto fail;
    if (hp__grow((void **)&base->regions.items, &base->regions.cap,
                 base->regions.n + st->regions.n, sizeof(void *)) != HP_OK ||
        hp__strmap_reserve(&base->regions.map, st->regions.n) != HP_OK ||
        hp__grow((void **)&base->indicators.items, &base->indicators.cap,
                 base->indicators.n + st->indicators.n, sizeof(void *)) != HP_OK ||
        hp__strmap_reserve(&base->indicators.map, st->indicators.n) != HP_OK ||
        hp__grow((void **)&base->plans.items, &base->plans.cap, base->plans.n + st->plans.n,
                 sizeof(void *)) != HP_OK ||
        hp__strmap_reserve(&base->plans.map, st->plans.n) != HP_OK ||
        hp__grow((void **)&base->targets.items, &base->targets.cap,
                 base->targets.n + st->targets.n, sizeof(void *)) != HP_OK ||
        hp__strmap_reserve(&base->targets.map, st->targets.n) != HP_OK ||
        hp__strmap_reserve(&base->names, nnames) != HP_OK) {
        rc = hp__oom();
        goto fail;
    }
    /* notes of the staged observations: interned into the base's pool, room reserved; a
     * figure that already had a note keeps it */
    if (st->nnotes && hp__u64map_reserve(&base->obs_notes, st->nnotes) != HP_OK) {
        rc = hp__oom();
        goto fail;
    }
    for (size_t i = 0; i < st->nnotes; i++) {
        const char *text = hp__strpool_get(&st->pool, st->notes[i].note);
        if (hp__strpool_intern(&base->pool, text, strlen(text), &st->notes[i].note) != HP_OK) {
            rc = hp__oom();
            goto fail;
        }
    }
    /* the merge last: once it succeeds nothing can fail, so its new store (which may have
     * taken the staged columns) is never left to free */
    if (st->stage.n) {
        if ((rc = hp__obs_merge(st, &merged)) != HP_OK)
            goto fail;
        have_merged = 1;
    }

    /* phase 2: nothing below can fail */
    clear_text(&st->regions, offsetof(hp_region, src));
    clear_text(&st->indicators, offsetof(hp_indicator, src));
    clear_text(&st->plans, offsetof(hp_plan, src));
    clear_text(&st->targets, offsetof(hp_target, src));
    for (size_t i = 0; i < st->regions.n; i++)
        hp__strmap_put(&base->regions.map, ((hp_region *)st->regions.items[i])->code,
                       (uint32_t)base->regions.n),
            base->regions.items[base->regions.n++] = st->regions.items[i];
    for (size_t i = 0; i < st->indicators.n; i++)
        hp__strmap_put(&base->indicators.map, ((hp_indicator *)st->indicators.items[i])->id,
                       (uint32_t)base->indicators.n),
            base->indicators.items[base->indicators.n++] = st->indicators.items[i];
    for (size_t i = 0; i < st->plans.n; i++)
        hp__strmap_put(&base->plans.map, ((hp_plan *)st->plans.items[i])->id,
                       (uint32_t)base->plans.n),
            base->plans.items[base->plans.n++] = st->plans.items[i];
    for (size_t i = 0; i < st->targets.n; i++) {
        hp_target *t = st->targets.items[i];
        hp__strmap_put(&base->targets.map, t->key, (uint32_t)base->targets.n);
        base->targets.items[base->targets.n++] = t;
        ((hp_plan *)t->plan)->ntargets++;
    }
    for (size_t i = 0; i < nnames; i++)
        hp__strmap_put(&base->names, names[i].key, names[i].indicator);
    if (have_merged) {
        hp__obs_store old = base->obs;
        base->obs = merged;
        hp__free(old.year);
        hp__free(old.value);
        hp__free(old.flags);
        hp__free(old.source);
        hp__free(old.note);
        hp__free(old.series);
        hp__u64map_free(&old.index);
    }
    for (size_t i = 0; i < st->nnotes; i++) {
        uint32_t row = st->notes[i].row, old;
        uint64_t key = HP_OBS_KEY(st->stage.region[row], st->stage.indicator[row], st->stage.year[row]);
        if (!hp__u64map_get(&base->obs_notes, key, &old))
            hp__u64map_put(&base->obs_notes, key, st->notes[i].note); /* reserved: cannot fail */
    }
    hp__arena_splice(&base->arena, &st->arena);
    /* the records now belong to the base */
    st->regions.n = st->indicators.n = st->plans.n = st->targets.n = 0;
    hp__free(names);
    return HP_OK;
fail:
    hp__free(names);
    return rc;
}

/* ------------------------------------------------------------- public adds */

#define ADD_FN(fn, info_t, stage_fn)                                                       \
    int fn(hp_dataset *ds, const info_t *info)                                             \
    {                                                                                      \
        if (!ds || !info)                                                                  \
            return hp__fail(HP_EINVAL, #fn ": NULL argument");                             \
        hp_dataset *st = NULL;                                                             \
        int rc = hp__stage_new(ds, &st);                                                   \
        if (rc == HP_OK)                                                                   \
            rc = stage_fn(st, info, NULL);                                                 \
        if (rc == HP_OK)                                                                   \
            rc = hp__commit(st);                                                           \
        hp_dataset_free(st);                                                               \
        return rc;                                                                         \
    }

ADD_FN(hp_dataset_add_region, hp_region_info, hp__stage_region)
ADD_FN(hp_dataset_add_indicator, hp_indicator_info, hp__stage_indicator)
ADD_FN(hp_dataset_add_plan, hp_plan_info, hp__stage_plan)
ADD_FN(hp_dataset_add_target, hp_target_info, hp__stage_target)
