/* Comparison of regions: indicators × regions, with each region's own target and a rank. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dataset_internal.h"
#include "write_internal.h"

#define MAX_REGIONS 64

struct hp_comparison {
    const hp_dataset *ds;
    const hp_region **regions;
    size_t nregions;
    const hp_indicator **indicators;
    size_t nindicators;
    hp_compare_cell *cells; /* row-major: indicator × region */
};

void hp_comparison_free(hp_comparison *cmp)
{
    if (!cmp)
        return;
    hp__free(cmp->regions);
    hp__free(cmp->indicators);
    hp__free(cmp->cells);
    hp__free(cmp);
}

size_t hp_comparison_region_count(const hp_comparison *c) { return c ? c->nregions : 0; }
size_t hp_comparison_indicator_count(const hp_comparison *c) { return c ? c->nindicators : 0; }

const hp_region *hp_comparison_region(const hp_comparison *c, size_t i)
{
    return c && i < c->nregions ? c->regions[i] : NULL;
}

const hp_indicator *hp_comparison_indicator(const hp_comparison *c, size_t i)
{
    return c && i < c->nindicators ? c->indicators[i] : NULL;
}

const hp_compare_cell *hp_comparison_cell(const hp_comparison *c, size_t row, size_t col)
{
    if (!c || row >= c->nindicators || col >= c->nregions)
        return NULL;
    return &c->cells[row * c->nregions + col];
}

int hp_compare(const hp_dataset *ds, const hp_compare_options *o, hp_comparison **out)
{
    if (!ds || !o || !out)
        return hp__fail(HP_EINVAL, "hp_compare: NULL argument");
    *out = NULL;
    if (o->version != HP_COMPARE_OPTIONS_VERSION)
        return hp__fail(HP_EINVAL, "hp_compare_options: version %u is not %u (use HP_COMPARE_OPTIONS_INIT)",
                        o->version, HP_COMPARE_OPTIONS_VERSION);
    if (!o->regions || !o->nregions)
        return hp__fail(HP_EINVAL, "hp_compare: name at least one region");
    if (o->nregions > MAX_REGIONS)
        return hp__fail(HP_EINVAL, "hp_compare: at most %d regions side by side, not %zu",
                        MAX_REGIONS, o->nregions);
    if (o->year && (o->year < HP_YEAR_MIN || o->year > HP_YEAR_MAX))
        return hp__fail(HP_EINVAL, "year %d is outside %d–%d (0 for the latest)", o->year,
                        HP_YEAR_MIN, HP_YEAR_MAX);
    hp_comparison *c = hp__calloc(1, sizeof *c);
    if (!c)
        return hp__oom();
    c->ds = ds;
    int rc = HP_OK;
    c->regions = hp__calloc(o->nregions, sizeof *c->regions);
    c->indicators = hp__calloc(o->indicators ? (o->nindicators ? o->nindicators : 1)
                                             : (ds->indicators.n ? ds->indicators.n : 1),
                               sizeof *c->indicators);
    if (!c->regions || !c->indicators) {
        hp_comparison_free(c);
        return hp__oom();
    }
    for (size_t i = 0; i < o->nregions; i++) {
        if ((rc = hp_dataset_find_region(ds, o->regions[i], &c->regions[i])) != HP_OK) {
            hp_comparison_free(c);
            return rc;
        }
    }
    c->nregions = o->nregions;
    if (o->indicators) {
        for (size_t i = 0; i < o->nindicators; i++)
            if ((rc = hp_dataset_find_indicator(ds, o->indicators[i], &c->indicators[i])) != HP_OK) {
                hp_comparison_free(c);
                return rc;
            }
        c->nindicators = o->nindicators;
    } else {
        /* every indicator that one of the regions observes or targets, in catalogue order */
        unsigned char *used = hp__calloc(ds->indicators.n ? ds->indicators.n : 1, 1);
        if (!used) {
            hp_comparison_free(c);
            return hp__oom();
        }
        for (size_t i = 0; i < ds->targets.n; i++) {
            const hp_target *t = ds->targets.items[i];
            for (size_t r = 0; r < c->nregions; r++)
                if (t->region == c->regions[r])
                    used[t->indicator->index] = 1;
        }
        for (size_t i = 0; i < ds->obs.nseries; i++)
            for (size_t r = 0; r < c->nregions; r++)
                if (ds->obs.series[i].region == c->regions[r]->index && ds->obs.series[i].count)
                    used[ds->obs.series[i].indicator] = 1;
        for (size_t i = 0; i < ds->indicators.n; i++)
            if (used[i])
                c->indicators[c->nindicators++] = ds->indicators.items[i];
        hp__free(used);
    }
    c->cells = hp__calloc((c->nindicators ? c->nindicators : 1) * c->nregions, sizeof *c->cells);
    if (!c->cells) {
        hp_comparison_free(c);
        return hp__oom();
    }
    /* each region's targets, evaluated */
    hp_results *res[MAX_REGIONS] = {NULL};
    hp_eval_options eo = o->eval;
    if (o->year)
        eo.as_of = o->year;
    for (size_t r = 0; r < c->nregions && rc == HP_OK; r++) {
        eo.region = c->regions[r]->code;
        eo.plan = NULL;
        eo.indicator = NULL;
        rc = hp_evaluate(ds, &eo, &res[r]);
    }
    int limit = o->year ? o->year : HP_YEAR_MAX;
    for (size_t row = 0; row < c->nindicators && rc == HP_OK; row++) {
        const hp_indicator *ind = c->indicators[row];
        for (size_t col = 0; col < c->nregions; col++) {
            hp_compare_cell *cell = &c->cells[row * c->nregions + col];
            cell->region = c->regions[col];
            cell->indicator = ind;
            cell->value = cell->target_value = cell->gap = NAN;
            const hp__series *s = hp__series_find(ds, cell->region->index, ind->index);
            long k = s ? hp__series_latest(ds, s, limit) : -1;
            if (k >= 0) {
                cell->year = ds->obs.year[k];
                cell->value = ds->obs.value[k];
            }
            /* the region's own target: the first due at or after the year, else the latest */
            int ref = o->year ? o->year : (cell->year ? cell->year : HP_YEAR_MIN);
            const hp_result *best = NULL;
            for (size_t i = 0; i < hp_results_count(res[col]); i++) {
                const hp_result *x = hp_results_at(res[col], i);
                if (x->target->indicator != ind)
                    continue;
                int y = x->target->year;
                int by = best ? best->target->year : 0;
                if (!best || (y >= ref && (by < ref || y < by)) || (y < ref && by < ref && y > by))
                    best = x;
            }
            if (best) {
                cell->target = best->target;
                cell->status = best->status;
                cell->target_value = best->target_value;
                cell->gap = best->gap;
            }
        }
        /* rank by direction */
        int dir = ind->direction == HP_DIRECTION_HIGHER ? 1 : ind->direction == HP_DIRECTION_LOWER ? -1 : 0;
        if (!dir)
            continue;
        for (size_t col = 0; col < c->nregions; col++) {
            hp_compare_cell *cell = &c->cells[row * c->nregions + col];
            if (isnan(cell->value))
                continue;
            int rank = 1;
            for (size_t other = 0; other < c->nregions; other++) {
                const hp_compare_cell *oc = &c->cells[row * c->nregions + other];
                if (!isnan(oc->value) && dir * (oc->value - cell->value) > 0)
                    rank++;
            }
            cell->rank = rank;
        }
    }
    for (size_t r = 0; r < c->nregions; r++)
        hp_results_free(res[r]);
    if (rc != HP_OK) {
        hp_comparison_free(c);
        return rc;
    }
    *out = c;
    return HP_OK;
}

int hp_comparison_write(const hp_comparison *c, hp_results_format format, char **out, size_t *len)
{
    if (!c || !out || (format != HP_RESULTS_CSV && format != HP_RESULTS_JSON))
        return hp__fail(HP_EINVAL, "hp_comparison_write: bad argument");
    static const char *const cols[] = {"indicator", "region", "year", "value", "rank", "plan",
                                       "target", "target_year", "target_value", "status", "gap"};
    enum { NCOLS = sizeof cols / sizeof cols[0] };
    int json = format == HP_RESULTS_JSON;
    hp_buf b;
    hp__buf_init(&b);
    hp__w_begin(&b, cols, NCOLS, json);
    size_t n = 0;
    for (size_t row = 0; row < c->nindicators; row++)
        for (size_t col = 0; col < c->nregions; col++, n++) {
            const hp_compare_cell *cell = &c->cells[row * c->nregions + col];
            const hp_target *t = cell->target;
            hp__w_row_start(&b, n, json);
            for (int k = 0; k < NCOLS; k++) {
                hp__w_key(&b, k, cols[k], json);
                switch (k) {
                case 0: hp__w_text(&b, cell->indicator->id, json); break;
                case 1: hp__w_text(&b, cell->region->code, json); break;
                case 2: hp__w_year(&b, cell->year, json); break;
                case 3: hp__w_num(&b, cell->value, json); break;
                case 4: hp__w_year(&b, cell->rank, json); break;
                case 5:
                    if (t || !json)
                        hp__w_text(&b, t ? t->plan->id : "", json);
                    else
                        hp__buf_puts(&b, "null");
                    break;
                case 6:
                    if (t || !json)
                        hp__w_text(&b, t ? t->id : "", json);
                    else
                        hp__buf_puts(&b, "null");
                    break;
                case 7: hp__w_year(&b, t ? t->year : 0, json); break;
                case 8: hp__w_num(&b, cell->target_value, json); break;
                case 9:
                    if (t || !json)
                        hp__w_text(&b, t ? hp_status_name(cell->status) : "", json);
                    else
                        hp__buf_puts(&b, "null");
                    break;
                case 10: hp__w_num(&b, cell->gap, json); break;
                }
            }
            hp__w_row_end(&b, json);
        }
    hp__w_end(&b, n, json);
    return hp__w_finish(&b, out, len);
}
