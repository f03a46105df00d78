/* Datasets: records, lookups, staging and the all-or-nothing commit. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset_internal.h"
#include "healthplan/expr.h"
#include "text_internal.h"

/* ------------------------------------------------------------------ tables */

static void table_init(hp__table *t) { memset(t, 0, sizeof *t); hp__strmap_init(&t->map); }

static void table_free(hp__table *t)
{
    hp__free(t->items);
    hp__strmap_free(&t->map);
    memset(t, 0, sizeof *t);
}

static int table_reserve(hp__table *t, size_t extra)
{
    if (hp__grow((void **)&t->items, &t->cap, t->n + extra, sizeof *t->items) != HP_OK ||
        hp__strmap_reserve(&t->map, extra) != HP_OK)
        return HP_ENOMEM;
    return HP_OK;
}

/* Append after table_reserve(): cannot fail. */
static void table_append(hp__table *t, void *item, const char *key)
{
    hp__strmap_put(&t->map, key, (uint32_t)t->n);
    t->items[t->n++] = item;
}

static void *table_get(const hp__table *t, const char *key)
{
    uint32_t i;
    return hp__strmap_get(&t->map, key, &i) ? t->items[i] : NULL;
}

/* ------------------------------------------------------------- lifecycle */

int hp_dataset_new(hp_dataset **out)
{
    if (!out)
        return hp__fail(HP_EINVAL, "hp_dataset_new: out is NULL");
    *out = NULL;
    hp_dataset *ds = hp__calloc(1, sizeof *ds);
    if (!ds)
        return hp__oom();
    hp__arena_init(&ds->arena);
    table_init(&ds->regions);
    table_init(&ds->indicators);
    table_init(&ds->plans);
    table_init(&ds->targets);
    hp__strmap_init(&ds->names);
    hp__u64map_init(&ds->obs.index);
    hp__u64map_init(&ds->obs_notes);
    hp__strmap_init(&ds->ref_map);
    if (hp__strpool_init(&ds->pool) != HP_OK) {
        hp_dataset_free(ds);
        return hp__oom();
    }
    *out = ds;
    return HP_OK;
}

static void obs_store_free(hp__obs_store *s)
{
    hp__free(s->year);
    hp__free(s->value);
    hp__free(s->flags);
    hp__free(s->source);
    hp__free(s->note);
    hp__free(s->series);
    hp__u64map_free(&s->index);
    memset(s, 0, sizeof *s);
    hp__u64map_init(&s->index);
}

static void obs_stage_free(hp__obs_stage *s)
{
    hp__free(s->region);
    hp__free(s->indicator);
    if (!s->lent) { /* else the committed store has them (hp__obs_merge) */
        hp__free(s->year);
        hp__free(s->value);
        hp__free(s->flags);
        hp__free(s->source);
        hp__free(s->note);
    }
    hp__free(s->pos);
    hp__free(s->file);
    hp__free(s->csv);
    memset(s, 0, sizeof *s);
}


void hp_dataset_free(hp_dataset *ds)
{
    if (!ds)
        return;
    for (size_t i = 0; i < ds->targets.n; i++)
        hp_rule_dispose(&((hp_target *)ds->targets.items[i])->rule);
    table_free(&ds->regions);
    table_free(&ds->indicators);
    table_free(&ds->plans);
    table_free(&ds->targets);
    hp__strmap_free(&ds->names);
    obs_store_free(&ds->obs);
    hp__u64map_free(&ds->obs_notes);
    hp__free(ds->notes);
    hp__strpool_free(&ds->pool);
    obs_stage_free(&ds->stage);
    for (size_t i = 0; i < ds->nfiles; i++)
        hp__file_release(&ds->files[i]);
    hp__free(ds->files);
    hp__free(ds->refs);
    hp__strmap_free(&ds->ref_map);
    hp__arena_free(&ds->arena);
    hp__free(ds);
}

int hp__stage_new(const hp_dataset *base, hp_dataset **out)
{
    int rc = hp_dataset_new(out);
    if (rc == HP_OK)
        (*out)->base = base;
    return rc;
}

size_t hp_dataset_region_count(const hp_dataset *ds) { return ds ? ds->regions.n : 0; }
size_t hp_dataset_indicator_count(const hp_dataset *ds) { return ds ? ds->indicators.n : 0; }
size_t hp_dataset_plan_count(const hp_dataset *ds) { return ds ? ds->plans.n : 0; }
size_t hp_dataset_target_count(const hp_dataset *ds) { return ds ? ds->targets.n : 0; }
size_t hp_dataset_observation_count(const hp_dataset *ds) { return ds ? ds->obs.n : 0; }

/* ------------------------------------------------------------- lookups */

const hp_region *hp__find_region(const hp_dataset *ds, const char *code)
{
    const hp_region *r = ds->base ? table_get(&ds->base->regions, code) : NULL;
    return r ? r : table_get(&ds->regions, code);
}

const hp_indicator *hp__find_indicator(const hp_dataset *ds, const char *id)
{
    const hp_indicator *r = ds->base ? table_get(&ds->base->indicators, id) : NULL;
    return r ? r : table_get(&ds->indicators, id);
}

const hp_plan *hp__find_plan(const hp_dataset *ds, const char *id)
{
    const hp_plan *r = ds->base ? table_get(&ds->base->plans, id) : NULL;
    return r ? r : table_get(&ds->plans, id);
}

static char *target_key(char *buf, size_t cap, const char *plan, const char *id)
{
    /* snprintf(buf, cap, "%s\x1f%s", plan, id), truncated the same way, without its cost
     * (twice per target loaded) */
    size_t k = 0;
    for (const char *p = plan; *p && k + 1 < cap; p++)
        buf[k++] = *p;
    if (k + 1 < cap)
        buf[k++] = '\x1f';
    for (const char *p = id; *p && k + 1 < cap; p++)
        buf[k++] = *p;
    if (cap)
        buf[k] = '\0';
    return buf;
}

const hp_target *hp__find_target(const hp_dataset *ds, const char *plan, const char *id)
{
    char key[512];
    target_key(key, sizeof key, plan, id);
    const hp_target *r = ds->base ? table_get(&ds->base->targets, key) : NULL;
    return r ? r : table_get(&ds->targets, key);
}

size_t hp__region_total(const hp_dataset *ds)
{
    return (ds->base ? ds->base->regions.n : 0) + ds->regions.n;
}

size_t hp__indicator_total(const hp_dataset *ds)
{
    return (ds->base ? ds->base->indicators.n : 0) + ds->indicators.n;
}

const hp_region *hp__region_by_index(const hp_dataset *ds, uint32_t idx)
{
    size_t nb = ds->base ? ds->base->regions.n : 0;
    if (idx < nb)
        return ds->base->regions.items[idx];
    idx -= (uint32_t)nb;
    return idx < ds->regions.n ? ds->regions.items[idx] : NULL;
}

const hp_indicator *hp__indicator_by_index(const hp_dataset *ds, uint32_t idx)
{
    size_t nb = ds->base ? ds->base->indicators.n : 0;
    if (idx < nb)
        return ds->base->indicators.items[idx];
    idx -= (uint32_t)nb;
    return idx < ds->indicators.n ? ds->indicators.items[idx] : NULL;
}

/* The key of a record of table `t` for suggestions. */
static const char *record_key(const hp__table *t, const hp_dataset *owner, size_t i)
{
    if (t == &owner->regions)
        return ((hp_region *)t->items[i])->code;
    if (t == &owner->indicators)
        return ((hp_indicator *)t->items[i])->id;
    if (t == &owner->plans)
        return ((hp_plan *)t->items[i])->id;
    return ((hp_target *)t->items[i])->id;
}

static void suggest_in(const hp_dataset *ds, const hp__table *t, const char *key,
                       const char **best, size_t *bestd)
{
    for (size_t i = 0; i < t->n; i++) {
        const char *k = record_key(t, ds, i);
        size_t d = hp__edit_distance(key, k, *bestd);
        if (d < *bestd) {
            *bestd = d;
            *best = k;
        }
    }
}

/* Nearest key of the same kind in base + staging, or NULL. */
static const char *suggest(const hp_dataset *ds, const char *what, const char *key)
{
    const char *best = NULL;
    size_t len = strlen(key);
    size_t bestd = len < 4 ? 2 : len / 2 + 1;
    for (int pass = 0; pass < 2; pass++) {
        const hp_dataset *d = pass == 0 ? ds->base : ds;
        if (!d)
            continue;
        const hp__table *t = !strcmp(what, "region")      ? &d->regions
                             : !strcmp(what, "indicator") ? &d->indicators
                                                          : &d->plans;
        suggest_in(d, t, key, &best, &bestd);
    }
    return best;
}

void hp__src_where(const hp__src *src, char *out, size_t cap)
{
    if (!src || !src->file)
        snprintf(out, cap, "a record added through the API");
    else
        snprintf(out, cap, "%s:%d:%d", src->file, src->line, src->column);
}

static int src_verror(const hp__src *src, int code, const char *field, const char *fmt,
                      va_list ap)
{
    char path[256] = "";
    int line = 0, column = 0;
    const char *file = NULL;
    if (src && src->file) {
        file = src->file;
        line = src->line;
        column = src->column;
        if (src->kind && strcmp(src->kind, "csv") != 0) {
            if (field && *field)
                snprintf(path, sizeof path, "%s[%u].%s", src->kind, src->index, field);
            else
                snprintf(path, sizeof path, "%s[%u]", src->kind, src->index);
        } else if (field) {
            snprintf(path, sizeof path, "%s", field);
        }
        if (src->text && field && *field && src->kind && strcmp(src->kind, "csv") != 0) {
            size_t off = src->offset +
                         hp__json_locate(src->text + src->offset, src->len, field, 0);
            hp__text_position(src->text, src->text_len, off, &line, &column);
        }
    } else if (field) {
        snprintf(path, sizeof path, "%s", field);
    }
    return hp__verror(code, file, line, column, path, fmt, ap);
}

int hp__src_error(const hp__src *src, int code, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    src_verror(src, code, field, fmt, ap);
    va_end(ap);
    return code;
}

int hp__unknown(const hp_dataset *ds, const char *what, const char *key, const hp__src *src,
                const char *field)
{
    const char *near = suggest(ds, what, key);
    if (near)
        return hp__src_error(src, HP_ENOTFOUND, field, "unknown %s \"%s\" (did you mean \"%s\"?)",
                             what, key, near);
    return hp__src_error(src, HP_ENOTFOUND, field, "unknown %s \"%s\"", what, key);
}

int hp__valid_id(const char *s, int allow_dash)
{
    if (!s || !*s || strlen(s) > 200)
        return 0;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || (allow_dash && c == '-')))
            return 0;
    }
    return 1;
}

int hp__warn(hp_dataset *st, const char *file, int line, int column, const char *field,
             const char *fmt, ...)
{
    const hp_load_options *o = st->opts;
    if (!o || (!o->strict && !o->warn))
        return HP_OK;
    /* build the record in the thread's error slot, hand it over, then restore "no error" */
    va_list ap;
    va_start(ap, fmt);
    hp__verror(HP_EVALIDATE, file, line, column, field, fmt, ap);
    va_end(ap);
    if (o->strict)
        return HP_EVALIDATE;
    o->warn(o->warn_ctx, hp_error_last());
    hp_error_clear();
    return HP_OK;
}

/* ------------------------------------------------------------- accessors */

static const char *nz(const char *s) { return s ? s : ""; }

const char *hp_region_code(const hp_region *r) { return r ? r->code : ""; }
const char *hp_region_name_zh(const hp_region *r) { return r ? nz(r->name_zh) : ""; }
const char *hp_region_name_en(const hp_region *r) { return r ? nz(r->name_en) : ""; }
const hp_region *hp_region_parent(const hp_region *r) { return r ? r->parent : NULL; }
hp_level hp_region_level(const hp_region *r) { return r ? r->level : HP_LEVEL_UNKNOWN; }
size_t hp_region_index(const hp_region *r) { return r ? r->index : 0; }

const hp_region *hp_region_ancestor(const hp_region *r, hp_level level)
{
    for (int depth = 0; r && depth < 64; depth++, r = r->parent)
        if (r->level == level)
            return r;
    return NULL;
}

const char *hp_level_name(hp_level level)
{
    switch (level) {
    case HP_LEVEL_COUNTRY: return "country";
    case HP_LEVEL_PROVINCE: return "province";
    case HP_LEVEL_PREFECTURE: return "prefecture";
    case HP_LEVEL_COUNTY: return "county";
    default: return "unknown";
    }
}

const char *hp_indicator_id(const hp_indicator *i) { return i ? i->id : ""; }
const char *hp_indicator_name_zh(const hp_indicator *i) { return i ? nz(i->name_zh) : ""; }
const char *hp_indicator_name_en(const hp_indicator *i) { return i ? nz(i->name_en) : ""; }
const char *hp_indicator_unit(const hp_indicator *i) { return i ? nz(i->unit) : ""; }
const char *hp_indicator_category(const hp_indicator *i) { return i ? nz(i->category) : ""; }
const char *hp_indicator_description(const hp_indicator *i) { return i ? nz(i->description) : ""; }
hp_direction hp_indicator_direction(const hp_indicator *i) { return i ? i->direction : HP_DIRECTION_NONE; }
size_t hp_indicator_alias_count(const hp_indicator *i) { return i ? i->naliases : 0; }
const char *hp_indicator_alias(const hp_indicator *i, size_t k)
{
    return i && k < i->naliases ? i->aliases[k] : NULL;
}
int hp_indicator_ratio(const hp_indicator *i, const hp_indicator **num, const hp_indicator **den,
                       double *scale)
{
    if (!i || !i->num)
        return 0;
    if (num)
        *num = i->num;
    if (den)
        *den = i->den;
    if (scale)
        *scale = i->scale;
    return 1;
}
int hp_indicator_additive(const hp_indicator *i) { return i ? i->additive : 0; }
size_t hp_indicator_index(const hp_indicator *i) { return i ? i->index : 0; }

const char *hp_direction_name(hp_direction d)
{
    return d == HP_DIRECTION_HIGHER ? "higher" : d == HP_DIRECTION_LOWER ? "lower" : "none";
}

const char *hp_plan_id(const hp_plan *p) { return p ? p->id : ""; }
const char *hp_plan_title(const hp_plan *p) { return p ? nz(p->title) : ""; }
const hp_region *hp_plan_region(const hp_plan *p) { return p ? p->region : NULL; }
int hp_plan_start(const hp_plan *p) { return p ? p->start : 0; }
int hp_plan_end(const hp_plan *p) { return p ? p->end : 0; }
int hp_plan_baseline_year(const hp_plan *p) { return p ? p->baseline_year : 0; }
const char *hp_plan_source(const hp_plan *p) { return p ? nz(p->source) : ""; }
size_t hp_plan_target_count(const hp_plan *p) { return p ? p->ntargets : 0; }

const char *hp_target_id(const hp_target *t) { return t ? t->id : ""; }
const hp_plan *hp_target_plan(const hp_target *t) { return t ? t->plan : NULL; }
const hp_indicator *hp_target_indicator(const hp_target *t) { return t ? t->indicator : NULL; }
const hp_region *hp_target_region(const hp_target *t) { return t ? t->region : NULL; }
int hp_target_year(const hp_target *t) { return t ? t->year : 0; }
const hp_rule *hp_target_rule(const hp_target *t) { return t ? &t->rule : NULL; }
hp_nature hp_target_nature(const hp_target *t) { return t ? t->nature : HP_NATURE_UNSPECIFIED; }
const char *hp_target_as_printed(const hp_target *t) { return t ? nz(t->as_printed) : ""; }
const char *hp_target_source(const hp_target *t) { return t ? nz(t->source) : ""; }
const char *hp_target_unit_as_printed(const hp_target *t) { return t ? nz(t->unit_as_printed) : ""; }
const char *hp_target_note(const hp_target *t) { return t ? nz(t->note) : ""; }
const char *hp_target_lead(const hp_target *t) { return t ? nz(t->lead) : ""; }
size_t hp_target_partner_count(const hp_target *t) { return t ? t->npartners : 0; }
const char *hp_target_partner(const hp_target *t, size_t i)
{
    return t && i < t->npartners ? t->partners[i] : NULL;
}

const char *hp_nature_name(hp_nature n)
{
    return n == HP_NATURE_BINDING ? "binding" : n == HP_NATURE_EXPECTED ? "expected" : "unspecified";
}

/* ------------------------------------------------------------- finds */

#define FIND_FN(fn, type, table, what)                                                     \
    int fn(const hp_dataset *ds, const char *key, const type **out)                        \
    {                                                                                      \
        if (!ds || !key || !out)                                                           \
            return hp__fail(HP_EINVAL, #fn ": NULL argument");                             \
        *out = table_get(&ds->table, key);                                                 \
        if (*out)                                                                          \
            return HP_OK;                                                                  \
        return hp__unknown(ds, what, key, NULL, NULL);                                     \
    }

FIND_FN(hp_dataset_find_region, hp_region, regions, "region")
FIND_FN(hp_dataset_find_indicator, hp_indicator, indicators, "indicator")
FIND_FN(hp_dataset_find_plan, hp_plan, plans, "plan")

int hp_dataset_find_target(const hp_dataset *ds, const char *plan_id, const char *id,
                           const hp_target **out)
{
    if (!ds || !plan_id || !id || !out)
        return hp__fail(HP_EINVAL, "hp_dataset_find_target: NULL argument");
    *out = hp__find_target(ds, plan_id, id);
    if (*out)
        return HP_OK;
    const hp_plan *p = table_get(&ds->plans, plan_id);
    if (!p)
        return hp__unknown(ds, "plan", plan_id, NULL, NULL);
    const char *best = NULL;
    size_t bestd = 3;
    for (size_t i = 0; i < ds->targets.n; i++) {
        const hp_target *t = ds->targets.items[i];
        if (t->plan != p)
            continue;
        size_t d = hp__edit_distance(id, t->id, bestd);
        if (d < bestd) {
            bestd = d;
            best = t->id;
        }
    }
    if (best)
        return hp__fail(HP_ENOTFOUND, "plan \"%s\" has no target \"%s\" (did you mean \"%s\"?)",
                        plan_id, id, best);
    return hp__fail(HP_ENOTFOUND, "plan \"%s\" has no target \"%s\"", plan_id, id);
}

#define AT_FN(fn, type, table)                                                             \
    const type *fn(const hp_dataset *ds, size_t i)                                         \
    {                                                                                      \
        return ds && i < ds->table.n ? ds->table.items[i] : NULL;                          \
    }

AT_FN(hp_dataset_region_at, hp_region, regions)
AT_FN(hp_dataset_indicator_at, hp_indicator, indicators)
AT_FN(hp_dataset_plan_at, hp_plan, plans)
AT_FN(hp_dataset_target_at, hp_target, targets)

int hp_dataset_match_indicator(const hp_dataset *ds, const char *name, const hp_indicator **out)
{
    if (!ds || !name || !out)
        return hp__fail(HP_EINVAL, "hp_dataset_match_indicator: NULL argument");
    *out = NULL;
    const hp_indicator *byid = hp__find_indicator(ds, name);
    if (byid) {
        *out = byid;
        return HP_OK;
    }
    char *norm = NULL;
    int rc = hp__normalize_name(name, &norm);
    if (rc != HP_OK)
        return rc;
    uint32_t idx;
    const hp_dataset *committed = ds->base ? ds->base : ds;
    if (hp__strmap_get(&committed->names, norm, &idx)) {
        *out = hp__indicator_by_index(ds, idx);
        hp__free(norm);
        return HP_OK;
    }
    /* indicators staged in the same load have no name index yet: compare them one by one */
    for (size_t i = 0; ds->base && i < ds->indicators.n; i++) {
        const hp_indicator *ind = ds->indicators.items[i];
        for (size_t k = 0; k < ind->naliases + 2; k++) {
            const char *cand = k == 0 ? ind->name_zh : k == 1 ? ind->name_en : ind->aliases[k - 2];
            char *cn = NULL;
            int same = cand && hp__normalize_name(cand, &cn) == HP_OK && !strcmp(cn, norm);
            hp__free(cn);
            if (same) {
                *out = ind;
                hp__free(norm);
                return HP_OK;
            }
        }
    }
    /* suggest the closest names */
    const char *best[3] = {NULL, NULL, NULL};
    size_t bestd[3] = {SIZE_MAX, SIZE_MAX, SIZE_MAX};
    size_t cap = strlen(norm) / 2 + 3;
    size_t total = hp__indicator_total(ds);
    for (size_t i = 0; i < total; i++) {
        const hp_indicator *ind = hp__indicator_by_index(ds, (uint32_t)i);
        for (size_t k = 0; k <= ind->naliases + 1; k++) {
            const char *cand = k == 0 ? ind->name_zh : k == 1 ? ind->name_en : ind->aliases[k - 2];
            if (!cand)
                continue;
            char *cn = NULL;
            if (hp__normalize_name(cand, &cn) != HP_OK)
                continue;
            size_t d = hp__edit_distance(norm, cn, cap);
            hp__free(cn);
            if (d > cap)
                continue;
            for (int s = 0; s < 3; s++) {
                if (best[s] && !strcmp(best[s], ind->id))
                    break;
                if (d < bestd[s]) {
                    for (int m = 2; m > s; m--) {
                        best[m] = best[m - 1];
                        bestd[m] = bestd[m - 1];
                    }
                    best[s] = ind->id;
                    bestd[s] = d;
                    break;
                }
            }
        }
    }
    hp__free(norm);
    if (best[0])
        return hp__fail(HP_ENOTFOUND, "unknown indicator \"%s\" (did you mean %s%s%s%s%s?)", name,
                        best[0], best[1] ? ", " : "", best[1] ? best[1] : "",
                        best[2] ? ", " : "", best[2] ? best[2] : "");
    return hp__fail(HP_ENOTFOUND, "unknown indicator \"%s\" (no id, name or alias matches)", name);
}

/* ------------------------------------------------------------- staging adds */

static const char *adup(hp_dataset *st, const char *s, int *oom)
{
    if (!s)
        return NULL;
    char *d = hp__arena_strdup(&st->arena, s);
    if (!d)
        *oom = 1;
    return d;
}

static int streq0(const char *a, const char *b) { return !strcmp(a ? a : "", b ? b : ""); }

static void set_src(hp__src *dst, const hp__src *src)
{
    if (src)
        *dst = *src;
    else
        memset(dst, 0, sizeof *dst);
}

static int conflict(const char *what, const char *key, const hp__src *here, const hp__src *there,
                    const char *diff)
{
    char where[600];
    hp__src_where(there, where, sizeof where);
    return hp__src_error(here, HP_EEXISTS, NULL,
                         "%s \"%s\" is already defined differently at %s (%s differs)", what, key,
                         where, diff);
}

static const char *region_diff(const hp_region *r, const hp_region_info *i)
{
    if (!streq0(r->name_zh, i->name_zh)) return "name_zh";
    if (!streq0(r->name_en, i->name_en)) return "name_en";
    if (!streq0(r->parent_code, i->parent)) return "parent";
    if (r->level != i->level) return "level";
    return NULL;
}

int hp__stage_region(hp_dataset *st, const hp_region_info *info, const hp__src *src)
{
    if (!info->code || !*info->code)
        return hp__src_error(src, HP_EVALIDATE, "code", "a region needs a \"code\"");
    if (!hp__valid_id(info->code, 1))
        return hp__src_error(src, HP_EVALIDATE, "code",
                             "region code \"%s\" must be ASCII letters, digits, '_', '-' or '.'",
                             info->code);
    const hp_region *old = hp__find_region(st, info->code);
    if (old) {
        const char *d = region_diff(old, info);
        return d ? conflict("region", info->code, src, &old->src, d) : HP_OK;
    }
    int oom = 0;
    hp_region *r = hp__arena_alloc(&st->arena, sizeof *r);
    if (!r || table_reserve(&st->regions, 1) != HP_OK)
        return hp__oom();
    r->code = adup(st, info->code, &oom);
    r->name_zh = adup(st, info->name_zh, &oom);
    r->name_en = adup(st, info->name_en, &oom);
    r->parent_code = adup(st, info->parent, &oom);
    r->level = info->level;
    r->index = (uint32_t)hp__region_total(st);
    set_src(&r->src, src);
    if (oom)
        return hp__oom();
    table_append(&st->regions, r, r->code);
    return HP_OK;
}

static const char *indicator_diff(const hp_indicator *r, const hp_indicator_info *i)
{
    if (!streq0(r->name_zh, i->name_zh)) return "name_zh";
    if (!streq0(r->name_en, i->name_en)) return "name_en";
    if (!streq0(r->unit, i->unit)) return "unit";
    if (r->direction != i->direction) return "direction";
    if (!streq0(r->category, i->category)) return "category";
    if (!streq0(r->num_id, i->ratio_numerator) || !streq0(r->den_id, i->ratio_denominator) ||
        (i->ratio_numerator && r->scale != i->ratio_scale))
        return "ratio";
    if (!r->additive != !i->additive) return "additive";
    if (!streq0(r->description, i->description)) return "description";
    if (r->naliases != i->naliases) return "aliases";
    for (size_t k = 0; k < r->naliases; k++)
        if (!streq0(r->aliases[k], i->aliases[k]))
            return "aliases";
    return NULL;
}

int hp__stage_indicator(hp_dataset *st, const hp_indicator_info *info, const hp__src *src)
{
    if (!info->id || !*info->id)
        return hp__src_error(src, HP_EVALIDATE, "id", "an indicator needs an \"id\"");
    if (!hp__valid_id(info->id, 0))
        return hp__src_error(src, HP_EVALIDATE, "id",
                             "indicator id \"%s\" must be ASCII letters, digits and '_'", info->id);
    if (!info->ratio_numerator != !info->ratio_denominator)
        return hp__src_error(src, HP_EVALIDATE, "ratio",
                             "a ratio needs both \"numerator\" and \"denominator\"");
    if (info->ratio_numerator && !(isfinite(info->ratio_scale) && info->ratio_scale > 0))
        return hp__src_error(src, HP_EVALIDATE, "ratio.scale",
                             "a ratio's \"scale\" must be a positive number");
    const hp_indicator *old = hp__find_indicator(st, info->id);
    if (old) {
        const char *d = indicator_diff(old, info);
        return d ? conflict("indicator", info->id, src, &old->src, d) : HP_OK;
    }
    int oom = 0;
    hp_indicator *r = hp__arena_alloc(&st->arena, sizeof *r);
    if (!r || table_reserve(&st->indicators, 1) != HP_OK)
        return hp__oom();
    r->id = adup(st, info->id, &oom);
    r->name_zh = adup(st, info->name_zh, &oom);
    r->name_en = adup(st, info->name_en, &oom);
    r->unit = adup(st, info->unit, &oom);
    r->category = adup(st, info->category, &oom);
    r->description = adup(st, info->description, &oom);
    r->direction = info->direction;
    r->num_id = adup(st, info->ratio_numerator, &oom);
    r->den_id = adup(st, info->ratio_denominator, &oom);
    r->scale = info->ratio_numerator ? info->ratio_scale : 0;
    r->additive = info->additive != 0;
    r->naliases = info->naliases;
    if (info->naliases) {
        r->aliases = hp__arena_alloc(&st->arena, info->naliases * sizeof *r->aliases);
        if (!r->aliases)
            return hp__oom();
        for (size_t k = 0; k < info->naliases; k++)
            r->aliases[k] = adup(st, info->aliases[k], &oom);
    }
    r->index = (uint32_t)hp__indicator_total(st);
    set_src(&r->src, src);
    if (oom)
        return hp__oom();
    table_append(&st->indicators, r, r->id);
    return HP_OK;
}

static const char *plan_diff(const hp_plan *r, const hp_plan_info *i)
{
    if (!streq0(r->title, i->title)) return "title";
    if (!streq0(r->region_code, i->region)) return "region";
    if (r->start != i->start) return "start";
    if (r->end != i->end) return "end";
    if (r->baseline_year != i->baseline_year) return "baseline_year";
    if (!streq0(r->source, i->source)) return "source";
    return NULL;
}

static int check_year(const hp__src *src, const char *field, int y, int optional)
{
    if (optional && y == 0)
        return HP_OK;
    if (y < HP_YEAR_MIN || y > HP_YEAR_MAX)
        return hp__src_error(src, HP_ERANGE, field, "year %d is outside %d–%d", y, HP_YEAR_MIN,
                             HP_YEAR_MAX);
    return HP_OK;
}

int hp__stage_plan(hp_dataset *st, const hp_plan_info *info, const hp__src *src)
{
    int rc;
    if (!info->id || !*info->id)
        return hp__src_error(src, HP_EVALIDATE, "id", "a plan needs an \"id\"");
    if (!hp__valid_id(info->id, 1))
        return hp__src_error(src, HP_EVALIDATE, "id",
                             "plan id \"%s\" must be ASCII letters, digits, '_', '-' or '.'",
                             info->id);
    if (!info->region || !*info->region)
        return hp__src_error(src, HP_EVALIDATE, "region", "plan \"%s\" needs a \"region\"",
                             info->id);
    if ((rc = check_year(src, "start", info->start, 1)) || (rc = check_year(src, "end", info->end, 1)) ||
        (rc = check_year(src, "baseline_year", info->baseline_year, 1)))
        return rc;
    if (info->start && info->end && info->start > info->end)
        return hp__src_error(src, HP_ERANGE, "end", "plan \"%s\" ends (%d) before it starts (%d)",
                             info->id, info->end, info->start);
    const hp_plan *old = hp__find_plan(st, info->id);
    if (old) {
        const char *d = plan_diff(old, info);
        return d ? conflict("plan", info->id, src, &old->src, d) : HP_OK;
    }
    int oom = 0;
    hp_plan *r = hp__arena_alloc(&st->arena, sizeof *r);
    if (!r || table_reserve(&st->plans, 1) != HP_OK)
        return hp__oom();
    r->id = adup(st, info->id, &oom);
    r->title = adup(st, info->title, &oom);
    r->source = adup(st, info->source, &oom);
    r->region_code = adup(st, info->region, &oom);
    r->start = info->start;
    r->end = info->end;
    r->baseline_year = info->baseline_year;
    r->index = (uint32_t)((st->base ? st->base->plans.n : 0) + st->plans.n);
    set_src(&r->src, src);
    if (oom)
        return hp__oom();
    table_append(&st->plans, r, r->id);
    return HP_OK;
}

static int rule_equal(const hp_rule *a, const hp_rule *b);

static int dbl_same(double a, double b) { return (isnan(a) && isnan(b)) || a == b; }

static int rule_equal(const hp_rule *a, const hp_rule *b)
{
    if (a->kind != b->kind || !dbl_same(a->value, b->value) ||
        !dbl_same(a->tolerance, b->tolerance) || !dbl_same(a->low, b->low) ||
        !dbl_same(a->high, b->high) || a->ref_year != b->ref_year ||
        !a->compound != !b->compound || a->op != b->op || strcmp(a->scope, b->scope) ||
        strcmp(a->indicator, b->indicator) || !streq0(a->expr, b->expr) ||
        !streq0(a->when, b->when) || !streq0(a->text, b->text) || a->nrules != b->nrules)
        return 0;
    for (size_t i = 0; i < a->nrules; i++)
        if (!rule_equal(&a->rules[i], &b->rules[i]))
            return 0;
    return 1;
}

static const char *target_diff(const hp_target *r, const hp_target_info *i)
{
    if (!streq0(r->indicator_id, i->indicator)) return "indicator";
    if (!streq0(r->region_code, i->region)) return "region";
    if (r->year != i->year) return "year";
    if (!rule_equal(&r->rule, i->rule)) return "rule";
    if (r->nature != i->nature) return "nature";
    if (!streq0(r->as_printed, i->as_printed)) return "as_printed";
    if (!streq0(r->source, i->source)) return "source";
    if (!streq0(r->unit_as_printed, i->unit_as_printed)) return "unit_as_printed";
    if (!streq0(r->note, i->note)) return "note";
    if (!streq0(r->lead, i->lead)) return "departments";
    if (r->npartners != i->npartners) return "departments";
    for (size_t k = 0; k < r->npartners; k++)
        if (!streq0(r->partners[k], i->partners[k]))
            return "departments";
    return NULL;
}

int hp__stage_target(hp_dataset *st, const hp_target_info *info, const hp__src *src)
{
    int rc;
    if (!info->plan || !*info->plan)
        return hp__src_error(src, HP_EVALIDATE, "plan", "a target needs a \"plan\"");
    if (!info->id || !*info->id)
        return hp__src_error(src, HP_EVALIDATE, "id", "a target needs an \"id\"");
    if (strlen(info->id) > 200 || strlen(info->plan) > 200)
        return hp__src_error(src, HP_EVALIDATE, "id", "a target id is at most 200 bytes");
    if (!info->indicator || !*info->indicator)
        return hp__src_error(src, HP_EVALIDATE, "indicator",
                             "target \"%s\" needs an \"indicator\"", info->id);
    if (!info->rule || info->rule->kind == HP_RULE_NONE)
        return hp__src_error(src, HP_EVALIDATE, "rule", "target \"%s\" needs a \"rule\"",
                             info->id);
    if ((rc = check_year(src, "year", info->year, 0)))
        return rc;
    const hp_target *old = hp__find_target(st, info->plan, info->id);
    if (old) {
        const char *d = target_diff(old, info);
        if (!d)
            return HP_OK;
        char key[420];
        snprintf(key, sizeof key, "%s/%s", info->plan, info->id);
        return conflict("target", key, src, &old->src, d);
    }
    int oom = 0;
    hp_target *r = hp__arena_alloc(&st->arena, sizeof *r);
    if (!r || table_reserve(&st->targets, 1) != HP_OK)
        return hp__oom();
    r->id = adup(st, info->id, &oom);
    r->plan_id = adup(st, info->plan, &oom);
    r->indicator_id = adup(st, info->indicator, &oom);
    r->region_code = adup(st, info->region, &oom);
    r->as_printed = adup(st, info->as_printed, &oom);
    r->source = adup(st, info->source, &oom);
    r->unit_as_printed = adup(st, info->unit_as_printed, &oom);
    r->note = adup(st, info->note, &oom);
    r->lead = adup(st, info->lead, &oom);
    r->year = info->year;
    r->nature = info->nature;
    r->npartners = info->npartners;
    if (info->npartners) {
        r->partners = hp__arena_alloc(&st->arena, info->npartners * sizeof *r->partners);
        if (!r->partners)
            return hp__oom();
        for (size_t k = 0; k < info->npartners; k++)
            r->partners[k] = adup(st, info->partners[k], &oom);
    }
    char keybuf[420];
    target_key(keybuf, sizeof keybuf, info->plan, info->id);
    const char *key = adup(st, keybuf, &oom);
    r->index = (uint32_t)((st->base ? st->base->targets.n : 0) + st->targets.n);
    set_src(&r->src, src);
    if (oom)
        return hp__oom();
    if (hp_rule_copy(&r->rule, info->rule) != HP_OK)
        return hp__oom();
    r->key = key;
    table_append(&st->targets, r, key);
    return HP_OK;
}

/* ------------------------------------------------------------- files & warnings */

int hp__stage_file(hp_dataset *st, const char *name, const char *text, size_t len,
                   void *mapping, size_t mapping_len, int mapped, uint16_t *index)
{
    if (st->nfiles >= UINT16_MAX)
        return hp__fail(HP_EINVAL, "too many files in one load (at most %d)", UINT16_MAX);
    if (hp__grow((void **)&st->files, &st->files_cap, st->nfiles + 1, sizeof *st->files) != HP_OK)
        return hp__oom();
    const char *nm = hp__arena_strdup(&st->arena, name ? name : "<buffer>");
    if (!nm)
        return hp__oom();
    hp__file *f = &st->files[st->nfiles];
    f->name = nm;
    f->text = text;
    f->len = len;
    f->mapping = mapping;
    f->mapping_len = mapping_len;
    f->mapped = mapped;
    *index = (uint16_t)st->nfiles++;
    return HP_OK;
}

/* ------------------------------------------------------------- targets by key */

int hp__targets_by_key(const hp_dataset *ds, uint32_t *order)
{
    size_t n = ds->targets.n;
    if (!n)
        return HP_OK;
    hp__keyed *k = hp__malloc(n * sizeof *k);
    if (!k)
        return hp__oom();
    for (size_t i = 0; i < n; i++) {
        const hp_target *t = ds->targets.items[i];
        k[i].key = ((uint64_t)t->region->index << 40) | ((uint64_t)t->indicator->index << 16) |
                   (uint64_t)(t->year - HP_YEAR_MIN);
        k[i].index = (uint32_t)i;
    }
    hp__keyed_sort(k, n);
    for (size_t i = 0; i < n; i++)
        order[i] = k[i].index;
    hp__free(k);
    return HP_OK;
}
