/* Rollup of additive and ratio indicators from child regions to their parents. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dataset_internal.h"
#include "healthplan/rollup.h"

/* Values known so far, observed or derived: (region, indicator, year) -> value. */
typedef struct known {
    hp__u64map index;   /* key -> position in vals */
    double *vals;
    size_t n, cap;
} known;

static int known_put(known *k, uint64_t key, double v)
{
    if (hp__grow((void **)&k->vals, &k->cap, k->n + 1, sizeof *k->vals) != HP_OK ||
        hp__u64map_put(&k->index, key, (uint32_t)k->n) != HP_OK)
        return HP_ENOMEM;
    k->vals[k->n++] = v;
    return HP_OK;
}

static int known_get(const known *k, uint64_t key, double *v)
{
    uint32_t i;
    if (!hp__u64map_get(&k->index, key, &i))
        return 0;
    *v = k->vals[i];
    return 1;
}

/* Depth of a region below the top of its tree. */
static int depth(const hp_region *r)
{
    int d = 0;
    for (; r->parent && d < 64; r = r->parent)
        d++;
    return d;
}

/* "2 counties", "1 county" */
static const char *level_word(hp_level level, size_t n)
{
    switch (level) {
    case HP_LEVEL_COUNTY: return n == 1 ? "county" : "counties";
    case HP_LEVEL_PREFECTURE: return n == 1 ? "city" : "cities";
    case HP_LEVEL_PROVINCE: return n == 1 ? "province" : "provinces";
    default: return n == 1 ? "region" : "regions";
    }
}

typedef struct derived {
    hp_observation *obs;
    char **sources;
    size_t n, cap, scap;
} derived;

static int add_derived(derived *d, const hp_region *r, const hp_indicator *ind, int year,
                       double v, const char *source)
{
    if (hp__grow((void **)&d->obs, &d->cap, d->n + 1, sizeof *d->obs) != HP_OK)
        return HP_ENOMEM;
    if (hp__grow((void **)&d->sources, &d->scap, d->n + 1, sizeof *d->sources) != HP_OK)
        return HP_ENOMEM;
    char *s = hp__strdup(source);
    if (!s)
        return HP_ENOMEM;
    hp_observation *o = &d->obs[d->n];
    memset(o, 0, sizeof *o);
    o->region = r->code;
    o->indicator = ind->id;
    o->year = year;
    o->value = v;
    o->status = HP_OBS_DERIVED;
    o->source = s;
    d->sources[d->n++] = s;
    return HP_OK;
}

#define NYEARS (HP_YEAR_MAX - HP_YEAR_MIN + 1)
#define MASK_WORDS ((NYEARS + 63) / 64)

/* The years with a known value of each (region, indicator): a bitmask per pair. */
static uint64_t *mask_of(uint64_t *masks, size_t ni, size_t region, size_t indicator)
{
    return masks + (region * ni + indicator) * MASK_WORDS;
}

static int mark(known *k, uint64_t *masks, size_t ni, uint32_t r, uint32_t i, int y, double v)
{
    int rc = known_put(k, HP_OBS_KEY(r, i, y), v);
    if (rc == HP_OK)
        mask_of(masks, ni, r, i)[(y - HP_YEAR_MIN) / 64] |= (uint64_t)1 << ((y - HP_YEAR_MIN) % 64);
    return rc;
}

int hp_dataset_rollup(hp_dataset *ds, size_t *added)
{
    if (!ds)
        return hp__fail(HP_EINVAL, "hp_dataset_rollup: ds is NULL");
    if (added)
        *added = 0;
    size_t nr = ds->regions.n, ni = ds->indicators.n;
    known k;
    derived d;
    memset(&k, 0, sizeof k);
    memset(&d, 0, sizeof d);
    hp__u64map_init(&k.index);
    int rc = HP_OK;
    uint64_t *masks = hp__calloc(nr && ni ? nr * ni * MASK_WORDS : 1, sizeof *masks);
    uint32_t *order = hp__malloc((nr ? nr : 1) * sizeof *order);
    uint32_t *first = hp__calloc(nr + 1, sizeof *first); /* children of r: kids[first[r]..first[r+1]) */
    uint32_t *kids = hp__malloc((nr ? nr : 1) * sizeof *kids);
    int *dep = hp__malloc((nr ? nr : 1) * sizeof *dep);
    if (!masks || !order || !first || !kids || !dep)
        rc = HP_ENOMEM;
    /* every numeric observation */
    for (size_t si = 0; si < ds->obs.nseries && rc == HP_OK; si++) {
        const hp__series *s = &ds->obs.series[si];
        for (size_t j = 0; j < s->count && rc == HP_OK; j++) {
            size_t i = s->start + j;
            if (!isnan(ds->obs.value[i]))
                rc = mark(&k, masks, ni, s->region, s->indicator, ds->obs.year[i], ds->obs.value[i]);
        }
    }
    /* children lists and depths */
    int maxd = 0;
    for (size_t i = 0; i < nr && rc == HP_OK; i++) {
        const hp_region *r = ds->regions.items[i];
        dep[i] = depth(r);
        if (dep[i] > maxd)
            maxd = dep[i];
        if (r->parent)
            first[r->parent->index + 1]++;
    }
    for (size_t i = 0; i < nr && rc == HP_OK; i++)
        first[i + 1] += first[i];
    if (rc == HP_OK) {
        /* place each child (order[] doubles as the fill count here, reset below) */
        memset(order, 0, (nr ? nr : 1) * sizeof *order);
        for (size_t i = 0; i < nr; i++) {
            const hp_region *r = ds->regions.items[i];
            if (r->parent) {
                uint32_t p = r->parent->index;
                kids[first[p] + order[p]++] = (uint32_t)i;
            }
        }
    }
    /* parents in order of decreasing depth, so that a rolled-up city feeds its province */
    size_t no = 0;
    for (int level = maxd; level >= 0 && rc == HP_OK; level--)
        for (size_t i = 0; i < nr; i++)
            if (dep[i] == level)
                order[no++] = (uint32_t)i;
    uint64_t years[MASK_WORDS];
    for (size_t oi = 0; oi < no && rc == HP_OK; oi++) {
        uint32_t p = order[oi];
        const hp_region *parent = ds->regions.items[p];
        size_t nchild = first[p + 1] - first[p];
        hp_level child_level = nchild ? ((const hp_region *)ds->regions.items[kids[first[p]]])->level
                                      : HP_LEVEL_UNKNOWN;
        for (size_t ii = 0; ii < ni && rc == HP_OK; ii++) {
            const hp_indicator *ind = ds->indicators.items[ii];
            const uint64_t *own = mask_of(masks, ni, p, ii);
            if (ind->additive && nchild) {
                /* years every child has, and the parent has not */
                for (int w = 0; w < MASK_WORDS; w++)
                    years[w] = ~own[w];
                for (size_t c = first[p]; c < first[p + 1]; c++)
                    for (int w = 0; w < MASK_WORDS; w++)
                        years[w] &= mask_of(masks, ni, kids[c], ii)[w];
            } else if (ind->num) {
                const uint64_t *mn = mask_of(masks, ni, p, ind->num->index);
                const uint64_t *md = mask_of(masks, ni, p, ind->den->index);
                for (int w = 0; w < MASK_WORDS; w++)
                    years[w] = mn[w] & md[w] & ~own[w];
            } else {
                continue;
            }
            for (int y = HP_YEAR_MIN; y <= HP_YEAR_MAX && rc == HP_OK; y++) {
                if (!(years[(y - HP_YEAR_MIN) / 64] >> ((y - HP_YEAR_MIN) % 64) & 1))
                    continue;
                char source[160];
                double v = 0;
                if (ind->additive) {
                    for (size_t c = first[p]; c < first[p + 1]; c++) {
                        double cv = 0;
                        known_get(&k, HP_OBS_KEY(kids[c], ii, y), &cv);
                        v += cv;
                    }
                    snprintf(source, sizeof source, "rollup: sum of %zu %s", nchild,
                             level_word(child_level, nchild));
                } else {
                    double num = 0, den = 0;
                    known_get(&k, HP_OBS_KEY(p, ind->num->index, y), &num);
                    known_get(&k, HP_OBS_KEY(p, ind->den->index, y), &den);
                    if (den == 0)
                        continue;
                    v = num / den * ind->scale;
                    snprintf(source, sizeof source, "rollup: %s / %s × %g", ind->num->id,
                             ind->den->id, ind->scale);
                }
                if ((rc = mark(&k, masks, ni, p, (uint32_t)ii, y, v)) == HP_OK)
                    rc = add_derived(&d, parent, ind, y, v, source);
            }
        }
    }
    if (rc == HP_ENOMEM)
        rc = hp__oom();
    if (rc == HP_OK && d.n)
        rc = hp_dataset_add_observations(ds, d.obs, d.n);
    if (rc == HP_OK && added)
        *added = d.n;
    for (size_t i = 0; i < d.n; i++)
        hp__free(d.sources[i]);
    hp__free(d.sources);
    hp__free(d.obs);
    hp__free(masks);
    hp__free(order);
    hp__free(first);
    hp__free(kids);
    hp__free(dep);
    hp__free(k.vals);
    hp__u64map_free(&k.index);
    return rc;
}
