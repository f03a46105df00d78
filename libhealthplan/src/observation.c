/* Observations: staging, the sorted column store, merging and lookups. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_internal.h"
#include "dataset_internal.h"

#define KEY(r, i, y) (((uint64_t)(r) << 40) | ((uint64_t)(i) << 16) | (uint64_t)((y) - HP_YEAR_MIN))
#define KEY_REGION(k) ((uint32_t)((k) >> 40))
#define KEY_INDICATOR(k) ((uint32_t)(((k) >> 16) & 0xFFFFFF))
#define MAX_INDEX 0xFFFFFFu

const char *hp_obs_status_name(hp_obs_status s)
{
    switch (s) {
    case HP_OBS_FINAL: return "final";
    case HP_OBS_PROVISIONAL: return "provisional";
    case HP_OBS_ESTIMATED: return "estimated";
    case HP_OBS_MISSING: return "missing";
    case HP_OBS_DERIVED: return "derived";
    default: return "final";
    }
}

const char *hp_verdict_name(hp_verdict v)
{
    return v == HP_VERDICT_MET ? "met" : v == HP_VERDICT_NOT_MET ? "not_met" : "";
}

/* ------------------------------------------------------------- staging */

static int stage_resize(hp__obs_stage *s, size_t cap);

static int stage_grow(hp__obs_stage *s)
{
    if (s->n < s->cap)
        return HP_OK;
    return stage_resize(s, s->cap ? s->cap * 2 : 256);
}

int hp__stage_reserve(hp_dataset *st, size_t extra)
{
    hp__obs_stage *s = &st->stage;
    if (extra <= s->cap - s->n)
        return HP_OK;
    return stage_resize(s, s->n + extra) == HP_OK ? HP_OK : hp__oom();
}

/* Room for cap rows in every column (cap > s->n). */
static int stage_resize(hp__obs_stage *s, size_t cap)
{
#define G(f)                                                                               \
    do {                                                                                   \
        void *p = hp__realloc(s->f, cap * sizeof *s->f);                                   \
        if (!p)                                                                            \
            return HP_ENOMEM;                                                              \
        s->f = p;                                                                          \
    } while (0)
    G(region); G(indicator); G(year); G(value); G(flags); G(source); G(note);
    if (s->pos) { /* the origin columns exist once a row not from an observations CSV came */
        G(pos); G(file);
    }
#undef G
    s->cap = cap;
    return HP_OK;
}

/* Note that the row about to be staged is the next record of CSV file `file`. */
static int stage_csv_row(hp__obs_stage *s, uint16_t file)
{
    hp__csv_rows *last = s->ncsv ? &s->csv[s->ncsv - 1] : NULL;
    if (last && last->file == file && last->end == s->n) {
        last->end++;
        return HP_OK;
    }
    if (hp__grow((void **)&s->csv, &s->csv_cap, s->ncsv + 1, sizeof *s->csv) != HP_OK)
        return HP_ENOMEM;
    size_t ordinal = 0;
    for (size_t k = 0; k < s->ncsv; k++)
        if (s->csv[k].file == file)
            ordinal += s->csv[k].end - s->csv[k].first;
    hp__csv_rows *r = &s->csv[s->ncsv++];
    r->first = s->n;
    r->end = s->n + 1;
    r->ordinal0 = ordinal;
    r->file = file;
    return HP_OK;
}

/* Create the origin columns (pos, file) at the first row that needs them. */
static int stage_origin_columns(hp__obs_stage *s)
{
    if (s->pos)
        return HP_OK;
    s->pos = hp__calloc(s->cap ? s->cap : 1, sizeof *s->pos);
    s->file = hp__calloc(s->cap ? s->cap : 1, sizeof *s->file);
    if (!s->pos || !s->file) {
        hp__free(s->pos);
        hp__free(s->file);
        s->pos = NULL;
        s->file = NULL;
        return HP_ENOMEM;
    }
    return HP_OK;
}

void hp__stage_row_origin(const hp_dataset *st, size_t row, uint16_t *file, uint64_t *pos)
{
    const hp__obs_stage *s = &st->stage;
    *file = 0;
    *pos = row;
    for (size_t k = 0; k < s->ncsv; k++) {
        const hp__csv_rows *r = &s->csv[k];
        if (row < r->first || row >= r->end)
            continue;
        /* read the file again up to that record: a message is worth it */
        *file = r->file;
        *pos = 0;
        if (r->file >= st->nfiles)
            return;
        const hp__file *f = &st->files[r->file];
        size_t want = r->ordinal0 + (row - r->first) + 1; /* records after the header */
        hp__csv c;
        if (hp__csv_open(&c, f->text, f->len, f->name) != HP_OK)
            return;
        size_t seen = 0;
        while (hp__csv_next(&c) == 1) {
            if (seen++ == want) {
                *pos = hp__csv_field_at(&c, 0)->offset;
                break;
            }
        }
        hp__csv_close(&c);
        hp_error_clear();
        return;
    }
    if (s->pos) {
        *file = s->file[row];
        *pos = s->pos[row];
    }
}

int hp__stage_obs(hp_dataset *st, uint32_t region, uint32_t indicator, int year, double value,
                  uint8_t flags, const char *source, size_t source_len, const char *note,
                  size_t note_len, uint64_t pos, uint16_t file)
{
    hp__obs_stage *s = &st->stage;
    uint32_t sid = 0, nid = 0;
    if (stage_grow(s) != HP_OK ||
        (source_len && hp__strpool_intern(&st->pool, source, source_len, &sid) != HP_OK) ||
        (note_len && hp__strpool_intern(&st->pool, note, note_len, &nid) != HP_OK))
        return hp__oom();
    if (pos == HP_POS_CSV ? stage_csv_row(s, file) != HP_OK : stage_origin_columns(s) != HP_OK)
        return hp__oom();
    size_t i = s->n++;
    s->region[i] = region;
    s->indicator[i] = indicator;
    s->year[i] = (int16_t)year;
    s->value[i] = value;
    s->flags[i] = flags;
    s->source[i] = sid;
    s->note[i] = nid;
    if (pos != HP_POS_CSV) {
        s->pos[i] = pos;
        s->file[i] = file;
    }
    return HP_OK;
}

static int pending_ref(hp_dataset *st, const char *text, int is_region, uint32_t row,
                       uint32_t *out)
{
    char key[256];
    if (strlen(text) > 240)
        return HP_EINVAL;
    snprintf(key, sizeof key, "%c:%s", is_region ? 'r' : 'i', text);
    if (hp__strmap_get(&st->ref_map, key, out))
        return HP_OK;
    if (hp__grow((void **)&st->refs, &st->refs_cap, st->nrefs + 1, sizeof *st->refs) != HP_OK)
        return HP_ENOMEM;
    char *k = hp__arena_strdup(&st->arena, key);
    if (!k || hp__strmap_put(&st->ref_map, k, (uint32_t)st->nrefs) != HP_OK)
        return HP_ENOMEM;
    hp__pending_ref *r = &st->refs[st->nrefs];
    r->text = k + 2;
    r->resolved = HP_NONE;
    r->first_row = row;
    r->is_region = is_region;
    *out = (uint32_t)st->nrefs++;
    return HP_OK;
}

int hp__stage_obs_ref(hp_dataset *st, const char *region, const char *indicator, int year,
                      double value, uint8_t flags, const char *source, const char *note,
                      const hp__src *src)
{
    uint32_t r, i;
    uint32_t row = (uint32_t)st->stage.n;
    if (st->ref_rows != st->stage.n)
        return hp__fail(HP_ERROR, "internal: JSON observations must be staged before CSV rows");
    int rc = pending_ref(st, region, 1, row, &r);
    if (rc == HP_OK)
        rc = pending_ref(st, indicator, 0, row, &i);
    if (rc == HP_EINVAL)
        return hp__src_error(src, HP_EVALIDATE, NULL, "region code or indicator id too long");
    if (rc != HP_OK)
        return hp__oom();
    uint16_t file = 0;
    for (size_t f = 0; f < st->nfiles; f++)
        if (st->files[f].text == src->text)
            file = (uint16_t)f;
    rc = hp__stage_obs(st, r, i, year, value, flags, source, source ? strlen(source) : 0, note,
                       note ? strlen(note) : 0, src->offset, file);
    if (rc == HP_OK)
        st->ref_rows++;
    return rc;
}

int hp__stage_obs_note(hp_dataset *st, const char *note, size_t len)
{
    if (!len || !st->stage.n)
        return HP_OK;
    uint32_t id;
    if (hp__grow((void **)&st->notes, &st->notes_cap, st->nnotes + 1, sizeof *st->notes) != HP_OK ||
        hp__strpool_intern(&st->pool, note, len, &id) != HP_OK)
        return hp__oom();
    st->notes[st->nnotes].row = (uint32_t)(st->stage.n - 1);
    st->notes[st->nnotes].note = id;
    st->nnotes++;
    return HP_OK;
}

int hp__resolve_obs_refs(hp_dataset *st)
{
    for (size_t k = 0; k < st->nrefs; k++) {
        hp__pending_ref *r = &st->refs[k];
        if (r->resolved != HP_NONE)
            continue;
        uint32_t idx = HP_NONE;
        if (r->is_region) {
            const hp_region *reg = hp__find_region(st, r->text);
            if (reg)
                idx = reg->index;
        } else {
            const hp_indicator *ind = hp__find_indicator(st, r->text);
            if (ind)
                idx = ind->index;
        }
        if (idx == HP_NONE) {
            size_t row = r->first_row;
            uint16_t fi;
            uint64_t at;
            hp__stage_row_origin(st, row, &fi, &at);
            const hp__file *f = &st->files[fi];
            hp__src src = {f->name, f->text, f->len, (size_t)at, f->len - (size_t)at, 0,
                           "observations", 0, 0};
            hp__text_position(f->text, f->len, src.offset, &src.line, &src.column);
            /* the element index is not kept per row: count it from the file is costly, so the
             * path names the field only */
            src.kind = "csv";
            int line, col;
            const char *field = r->is_region ? "region" : "indicator";
            size_t off = src.offset + hp__json_locate(f->text + src.offset, src.len, field, 0);
            hp__text_position(f->text, f->len, off, &line, &col);
            src.line = line;
            src.column = col;
            return hp__unknown(st, r->is_region ? "region" : "indicator", r->text, &src, field);
        }
        if (idx > MAX_INDEX)
            return hp__fail(HP_ERANGE, "too many regions or indicators (at most %u)", MAX_INDEX);
        r->resolved = idx;
    }
    hp__obs_stage *s = &st->stage;
    for (size_t i = 0; i < st->ref_rows; i++) {
        s->region[i] = st->refs[s->region[i]].resolved;
        s->indicator[i] = st->refs[s->indicator[i]].resolved;
    }
    st->ref_rows = 0;
    st->nrefs = 0;
    hp__strmap_free(&st->ref_map);
    return HP_OK;
}

/* ------------------------------------------------------------- store lookups */

const hp__series *hp__series_find(const hp_dataset *ds, uint32_t region, uint32_t indicator)
{
    uint32_t k;
    if (!hp__u64map_get(&ds->obs.index, ((uint64_t)region << 32) | indicator, &k))
        return NULL;
    return &ds->obs.series[k];
}

long hp__series_year(const hp_dataset *ds, const hp__series *s, int year)
{
    const int16_t *y = ds->obs.year + s->start;
    size_t lo = 0, hi = s->count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (y[mid] < year)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->count && y[lo] == year ? (long)(s->start + lo) : -1;
}


void hp__obs_fill(const hp_dataset *ds, const hp__series *s, size_t i, hp_observation *out)
{
    const hp_region *r = hp__region_by_index(ds, s->region);
    const hp_indicator *ind = hp__indicator_by_index(ds, s->indicator);
    out->region = r ? r->code : "";
    out->indicator = ind ? ind->id : "";
    out->year = ds->obs.year[i];
    out->value = ds->obs.value[i];
    out->verdict = HP_FLAG_VERDICT(ds->obs.flags[i]);
    out->status = HP_FLAG_STATUS(ds->obs.flags[i]);
    out->source = hp__strpool_get(&ds->pool, ds->obs.source[i]);
    out->as_printed = hp__strpool_get(&ds->pool, ds->obs.note[i]);
    uint32_t note = 0;
    if (ds->obs_notes.n)
        hp__u64map_get(&ds->obs_notes, HP_OBS_KEY(s->region, s->indicator, out->year), &note);
    out->note = hp__strpool_get(&ds->pool, note);
}

static int lookup_series(const hp_dataset *ds, const char *region, const char *indicator,
                         const hp__series **s)
{
    if (!ds || !region || !indicator)
        return hp__fail(HP_EINVAL, "NULL argument");
    const hp_region *r = hp__find_region(ds, region);
    if (!r)
        return hp__unknown(ds, "region", region, NULL, NULL);
    const hp_indicator *ind = hp__find_indicator(ds, indicator);
    if (!ind)
        return hp__unknown(ds, "indicator", indicator, NULL, NULL);
    *s = hp__series_find(ds, r->index, ind->index);
    return HP_OK;
}

int hp_dataset_observation(const hp_dataset *ds, const char *region, const char *indicator,
                           int year, hp_observation *out)
{
    const hp__series *s = NULL;
    int rc = lookup_series(ds, region, indicator, &s);
    if (rc != HP_OK)
        return rc;
    if (!out)
        return hp__fail(HP_EINVAL, "hp_dataset_observation: out is NULL");
    long i = s ? hp__series_year(ds, s, year) : -1;
    if (i < 0)
        return hp__fail(HP_ENOTFOUND, "no observation of %s in %s for %d", indicator, region,
                        year);
    hp__obs_fill(ds, s, (size_t)i, out);
    return HP_OK;
}

int hp_dataset_latest_observation(const hp_dataset *ds, const char *region,
                                  const char *indicator, int year, hp_observation *out)
{
    const hp__series *s = NULL;
    int rc = lookup_series(ds, region, indicator, &s);
    if (rc != HP_OK)
        return rc;
    if (!out)
        return hp__fail(HP_EINVAL, "hp_dataset_latest_observation: out is NULL");
    long i = s ? hp__series_latest(ds, s, year) : -1;
    if (i < 0)
        return hp__fail(HP_ENOTFOUND, "no observation of %s in %s at or before %d", indicator,
                        region, year);
    hp__obs_fill(ds, s, (size_t)i, out);
    return HP_OK;
}

int hp_dataset_observation_at(const hp_dataset *ds, size_t i, hp_observation *out)
{
    if (!ds || !out)
        return hp__fail(HP_EINVAL, "hp_dataset_observation_at: NULL argument");
    if (i >= ds->obs.n)
        return hp__fail(HP_ENOTFOUND, "observation %zu is out of range (%zu observations)", i,
                        ds->obs.n);
    /* binary search the series that holds i */
    size_t lo = 0, hi = ds->obs.nseries;
    while (lo + 1 < hi) {
        size_t mid = (lo + hi) / 2;
        if (ds->obs.series[mid].start <= i)
            lo = mid;
        else
            hi = mid;
    }
    hp__obs_fill(ds, &ds->obs.series[lo], i, out);
    return HP_OK;
}

/* ------------------------------------------------------------- merge */


/* The same figure: value (or verdict) and status. Where it was read (source, printed words)
 * may differ: the figure loaded first keeps its own. */
static int same_obs(uint8_t f1, double v1, uint32_t s1, uint32_t n1, uint8_t f2, double v2,
                    uint32_t s2, uint32_t n2)
{
    (void)s1, (void)s2, (void)n1, (void)n2;
    return f1 == f2 && ((isnan(v1) && isnan(v2)) || v1 == v2);
}

static void describe_value(char *out, size_t cap, double v, uint8_t flags)
{
    if (HP_FLAG_VERDICT(flags) != HP_VERDICT_NONE)
        snprintf(out, cap, "\"%s\"", hp_verdict_name(HP_FLAG_VERDICT(flags)));
    else if (isnan(v))
        snprintf(out, cap, "missing");
    else
        hp__format_double(out, v);
}

static void stage_where(const hp_dataset *st, size_t row, char *out, size_t cap)
{
    uint16_t fi;
    uint64_t at;
    hp__stage_row_origin(st, row, &fi, &at);
    const hp__file *f = st->nfiles ? &st->files[fi] : NULL;
    if (!f) {
        snprintf(out, cap, "observation %zu of the call", row + 1);
        return;
    }
    int line, col;
    hp__text_position(f->text, f->len, (size_t)at, &line, &col);
    snprintf(out, cap, "%s:%d:%d", f->name, line, col);
}

static int stage_error(const hp_dataset *st, size_t row, int code, const char *fmt, ...)
    HP_PRINTF(4, 5);
static int stage_error(const hp_dataset *st, size_t row, int code, const char *fmt, ...)
{
    uint16_t fi;
    uint64_t at;
    hp__stage_row_origin(st, row, &fi, &at);
    const hp__file *f = st->nfiles ? &st->files[fi] : NULL;
    int line = 0, col = 0;
    if (f)
        hp__text_position(f->text, f->len, (size_t)at, &line, &col);
    va_list ap;
    va_start(ap, fmt);
    hp__verror(code, f ? f->name : NULL, line, col, NULL, fmt, ap);
    va_end(ap);
    return code;
}

/* Stable order of rows [lo, hi) of perm by year (a series' rows: up to a few dozen). */
static int sort_by_year(const int16_t *year, uint32_t *perm, size_t lo, size_t hi)
{
    if (hi - lo <= 64) {
        for (size_t i = lo + 1; i < hi; i++) {
            uint32_t r = perm[i];
            size_t j = i;
            while (j > lo && year[perm[j - 1]] > year[r]) {
                perm[j] = perm[j - 1];
                j--;
            }
            perm[j] = r;
        }
        return HP_OK;
    }
    hp__keyed *k = hp__malloc((hi - lo) * sizeof *k); /* a long run (repeats): sort it */
    if (!k)
        return HP_ENOMEM;
    for (size_t i = lo; i < hi; i++) {
        k[i - lo].key = (uint64_t)(year[perm[i]] - HP_YEAR_MIN);
        k[i - lo].index = perm[i];
    }
    hp__keyed_sort(k, hi - lo);
    for (size_t i = lo; i < hi; i++)
        perm[i] = k[i - lo].index;
    hp__free(k);
    return HP_OK;
}

/* The staged rows in store order (region, indicator, year, then staging order): a counting
 * sort by series (regions × indicators counters) and each series by year, in 4 bytes a row;
 * a comparison sort where the counters would outnumber the rows. */
static int sort_rows(const hp_dataset *st, uint32_t **out)
{
    const hp__obs_stage *s = &st->stage;
    size_t n = s->n, nr = hp__region_total(st), ni = hp__indicator_total(st);
    uint32_t *perm = hp__malloc((n ? n : 1) * sizeof *perm);
    if (!perm)
        return hp__oom();
    if (ni && nr <= ((n > ((size_t)1 << 20) ? n : ((size_t)1 << 20)) * 4) / ni) {
        uint32_t *at = hp__calloc(nr * ni + 1, sizeof *at);
        if (!at) {
            hp__free(perm);
            return hp__oom();
        }
        for (size_t i = 0; i < n; i++)
            at[(size_t)s->region[i] * ni + s->indicator[i] + 1]++;
        for (size_t k = 1; k <= nr * ni; k++)
            at[k] += at[k - 1];
        for (size_t i = 0; i < n; i++)
            perm[at[(size_t)s->region[i] * ni + s->indicator[i]]++] = (uint32_t)i;
        /* at[k] is now the end of series k's rows */
        int rc = HP_OK;
        for (size_t k = 0, lo = 0; k < nr * ni && rc == HP_OK; lo = at[k++])
            if (at[k] - lo > 1)
                rc = sort_by_year(s->year, perm, lo, at[k]);
        hp__free(at);
        if (rc != HP_OK) {
            hp__free(perm);
            return hp__oom();
        }
    } else {
        hp__keyed *k = hp__malloc((n ? n : 1) * sizeof *k);
        if (!k) {
            hp__free(perm);
            return hp__oom();
        }
        for (size_t i = 0; i < n; i++) {
            k[i].key = KEY(s->region[i], s->indicator[i], s->year[i]);
            k[i].index = (uint32_t)i;
        }
        hp__keyed_sort(k, n);
        for (size_t i = 0; i < n; i++)
            perm[i] = k[i].index;
        hp__free(k);
    }
    *out = perm;
    return HP_OK;
}

/* Put the staged rows in the order perm gives (row k becomes row perm[k]): each column is
 * gathered into a new array and the old one freed, so the peak is the staging plus one column
 * (following the permutation's cycles in place would save that column but is several times
 * slower: one dependent cache miss a row). Row origins (CSV record numbers) no longer match
 * afterwards: only for rows without repeats, which cannot raise a message that names them.
 * Notes follow their rows. On failure the staging is inconsistent: it is only freed then. */
static int permute_rows(hp_dataset *st, const uint32_t *perm)
{
    hp__obs_stage *s = &st->stage;
    size_t n = s->n;
    if (st->nnotes) {
        uint32_t *inv = hp__malloc((n ? n : 1) * sizeof *inv);
        if (!inv)
            return hp__oom();
        for (size_t k = 0; k < n; k++)
            inv[perm[k]] = (uint32_t)k;
        for (size_t i = 0; i < st->nnotes; i++)
            st->notes[i].row = inv[st->notes[i].row];
        hp__free(inv);
    }
#define GATHER(f, T)                                                                       \
    do {                                                                                   \
        if (!s->f)                                                                         \
            break;                                                                         \
        T *g_ = hp__malloc((n ? n : 1) * sizeof *s->f);                                    \
        if (!g_)                                                                           \
            return hp__oom();                                                              \
        for (size_t k = 0; k < n; k++)                                                     \
            g_[k] = s->f[perm[k]];                                                         \
        hp__free(s->f);                                                                    \
        s->f = g_;                                                                         \
    } while (0)
    GATHER(region, uint32_t); GATHER(indicator, uint32_t); GATHER(year, int16_t);
    GATHER(value, double); GATHER(flags, uint8_t); GATHER(source, uint32_t);
    GATHER(note, uint32_t); GATHER(pos, uint64_t); GATHER(file, uint16_t);
#undef GATHER
    s->cap = n;
    return HP_OK;
}

/* Merge the staged observations with the base store into `out` (new arrays). The base is
 * not changed except for strings interned into its pool. */
int hp__obs_merge(hp_dataset *st, hp__obs_store *out)
{
    hp_dataset *base = (hp_dataset *)st->base;
    const hp__obs_stage *s = &st->stage;
    const hp__obs_store *b = &base->obs;
    size_t n = s->n;
    int rc = HP_OK;
    memset(out, 0, sizeof *out);
    hp__u64map_init(&out->index);

    /* staged pool ids -> base pool ids */
    uint32_t *poolmap = hp__malloc(st->pool.n * sizeof *poolmap);
    uint32_t *order = NULL; /* staged rows in store order, when they are not already */
    if (!poolmap)
        return hp__oom();
    for (size_t i = 0; i < st->pool.n; i++) {
        const char *str = st->pool.strs[i];
        if (hp__strpool_intern(&base->pool, str, strlen(str), &poolmap[i]) != HP_OK) {
            hp__free(poolmap);
            return hp__oom();
        }
    }

    /* order of the staged rows */
    int sorted = 1, strict = 1;
    for (size_t i = 1; i < n && sorted; i++) {
        uint64_t k1 = KEY(s->region[i], s->indicator[i], s->year[i]);
        uint64_t k0 = KEY(s->region[i - 1], s->indicator[i - 1], s->year[i - 1]);
        if (k1 < k0)
            sorted = strict = 0;
        else if (k1 == k0)
            strict = 0;
    }
    if (!sorted && b->n == 0 && b->nseries == 0) {
        /* Nothing committed before, rows out of order (a CSV written year by year): sort
         * them, and when no two share a key put the staged columns themselves in order, so
         * that they can become the store as below rather than be copied. */
        if ((rc = sort_rows(st, &order)) != HP_OK) {
            hp__free(poolmap);
            return rc;
        }
        int repeats = 0;
        for (size_t k = 1; k < n && !repeats; k++)
            repeats = KEY(s->region[order[k]], s->indicator[order[k]], s->year[order[k]]) ==
                      KEY(s->region[order[k - 1]], s->indicator[order[k - 1]], s->year[order[k - 1]]);
        if (!repeats) {
            if ((rc = permute_rows(st, order)) != HP_OK) {
                hp__free(order);
                hp__free(poolmap);
                return rc;
            }
            hp__free(order);
            order = NULL;
            sorted = strict = 1;
        }
    }
    if (strict && b->n == 0 && b->nseries == 0) {
        /* Nothing committed before and the rows in store order, without repeats (a CSV
         * written series by series): the staged columns are the store already. They are
         * taken as they are instead of copied, which halves the peak memory of a national
         * load (docs/performance.md). */
        hp__obs_stage *ws = &st->stage;
        if (ws->cap > n) { /* the room reserved and not used, back */
#define SHRINK(f)                                                                          \
    do {                                                                                   \
        void *p_ = hp__realloc(ws->f, n * sizeof *ws->f);                                  \
        if (!p_) {                                                                         \
            hp__free(poolmap);                                                             \
            return hp__oom();                                                              \
        }                                                                                  \
        ws->f = p_;                                                                        \
    } while (0)
            SHRINK(year); SHRINK(value); SHRINK(flags); SHRINK(source); SHRINK(note);
#undef SHRINK
            ws->cap = n; /* every column holds at least n rows */
        }
        size_t nseries = 0;
        for (size_t i = 0; i < n; i++)
            nseries += i == 0 || s->region[i] != s->region[i - 1] ||
                       s->indicator[i] != s->indicator[i - 1];
        out->series = hp__malloc(nseries * sizeof *out->series);
        if (!out->series || hp__u64map_reserve(&out->index, nseries) != HP_OK) {
            hp__free(out->series);
            hp__u64map_free(&out->index);
            memset(out, 0, sizeof *out);
            hp__free(poolmap);
            return hp__oom();
        }
        /* nothing below can fail */
        for (size_t i = 0; i < n; i++) {
            ws->source[i] = poolmap[ws->source[i]];
            ws->note[i] = poolmap[ws->note[i]];
            if (i == 0 || s->region[i] != s->region[i - 1] || s->indicator[i] != s->indicator[i - 1]) {
                hp__series *se = &out->series[out->nseries++];
                se->region = s->region[i];
                se->indicator = s->indicator[i];
                se->start = (uint32_t)i;
                se->count = 0;
            }
            out->series[out->nseries - 1].count++;
        }
        for (size_t i = 0; i < out->nseries; i++)
            hp__u64map_put(&out->index,
                           ((uint64_t)out->series[i].region << 32) | out->series[i].indicator,
                           (uint32_t)i);
        out->year = ws->year;
        out->value = ws->value;
        out->flags = ws->flags;
        out->source = ws->source;
        out->note = ws->note;
        out->n = n;
        ws->lent = 1; /* the staging dataset no longer frees them */
        hp__free(poolmap);
        return HP_OK;
    }
    if (!sorted && !order && (rc = sort_rows(st, &order)) != HP_OK) {
        hp__free(poolmap);
        return rc;
    }
#define SROW(k) (order ? order[k] : (uint32_t)(k))

    size_t cap = b->n + n;
    out->year = hp__malloc(cap * sizeof *out->year);
    out->value = hp__malloc(cap * sizeof *out->value);
    out->flags = hp__malloc(cap * sizeof *out->flags);
    out->source = hp__malloc(cap * sizeof *out->source);
    out->note = hp__malloc(cap * sizeof *out->note);
    out->series = hp__malloc((b->nseries + n + 1) * sizeof *out->series);
    if (!out->year || !out->value || !out->flags || !out->source || !out->note || !out->series) {
        rc = hp__oom();
        goto fail;
    }

    size_t bs = 0, bj = 0; /* base series, index within it */
    size_t k = 0;          /* staged position */
    size_t m = 0;          /* output count */
    uint64_t last_series = UINT64_MAX;
    while (1) {
        int have_b = bs < b->nseries;
        int have_s = k < n;
        if (!have_b && !have_s)
            break;
        uint64_t kb = 0, ks = 0;
        size_t bi = 0, row = 0;
        if (have_b) {
            const hp__series *se = &b->series[bs];
            bi = se->start + bj;
            kb = KEY(se->region, se->indicator, b->year[bi]);
        }
        if (have_s) {
            row = SROW(k);
            ks = KEY(s->region[row], s->indicator[row], s->year[row]);
        }
        /* duplicates inside the staged rows */
        if (have_s && k + 1 < n) {
            size_t row2 = SROW(k + 1);
            if (KEY(s->region[row2], s->indicator[row2], s->year[row2]) == ks) {
                if (same_obs(s->flags[row], s->value[row], poolmap[s->source[row]],
                             poolmap[s->note[row]], s->flags[row2], s->value[row2],
                             poolmap[s->source[row2]], poolmap[s->note[row2]])) {
                    k++;
                    continue;
                }
                char w1[600], v1[40], v2[40];
                size_t first = row < row2 ? row : row2, second = row < row2 ? row2 : row;
                stage_where(st, first, w1, sizeof w1);
                describe_value(v1, sizeof v1, s->value[second], s->flags[second]);
                describe_value(v2, sizeof v2, s->value[first], s->flags[first]);
                const hp_region *r = hp__region_by_index(st, s->region[row]);
                const hp_indicator *ind = hp__indicator_by_index(st, s->indicator[row]);
                rc = stage_error(st, second, HP_EEXISTS,
                                 "observation of %s in %s for %d is %s here but %s at %s",
                                 ind ? ind->id : "?", r ? r->code : "?", s->year[row], v1, v2, w1);
                goto fail;
            }
        }
        size_t src_is_base;
        if (have_b && (!have_s || kb < ks)) {
            src_is_base = 1;
        } else if (have_s && (!have_b || ks < kb)) {
            src_is_base = 0;
        } else {
            /* same key in base and staging */
            uint8_t fb = b->flags[bi];
            double vb = b->value[bi];
            if (same_obs(fb, vb, b->source[bi], b->note[bi], s->flags[row], s->value[row],
                         poolmap[s->source[row]], poolmap[s->note[row]])) {
                k++; /* identical: keep the base's */
                continue;
            }
            char v1[40], v2[40];
            describe_value(v1, sizeof v1, s->value[row], s->flags[row]);
            describe_value(v2, sizeof v2, vb, fb);
            const hp_region *r = hp__region_by_index(st, s->region[row]);
            const hp_indicator *ind = hp__indicator_by_index(st, s->indicator[row]);
            const char *bsrc = hp__strpool_get(&base->pool, b->source[bi]);
            rc = stage_error(st, row, HP_EEXISTS,
                             "observation of %s in %s for %d is %s here but %s was already loaded%s%s%s",
                             ind ? ind->id : "?", r ? r->code : "?", s->year[row], v1, v2,
                             *bsrc ? " (source: " : "", bsrc, *bsrc ? ")" : "");
            goto fail;
        }
        uint64_t key;
        if (src_is_base) {
            key = kb;
            out->year[m] = b->year[bi];
            out->value[m] = b->value[bi];
            out->flags[m] = b->flags[bi];
            out->source[m] = b->source[bi];
            out->note[m] = b->note[bi];
            if (++bj >= b->series[bs].count) {
                bs++;
                bj = 0;
            }
        } else {
            key = ks;
            out->year[m] = s->year[row];
            out->value[m] = s->value[row];
            out->flags[m] = s->flags[row];
            out->source[m] = poolmap[s->source[row]];
            out->note[m] = poolmap[s->note[row]];
            k++;
        }
        uint64_t skey = key >> 16;
        if (skey != last_series) {
            hp__series *se = &out->series[out->nseries++];
            se->region = KEY_REGION(key);
            se->indicator = KEY_INDICATOR(key);
            se->start = (uint32_t)m;
            se->count = 0;
            last_series = skey;
        }
        out->series[out->nseries - 1].count++;
        m++;
    }
    out->n = m;
    if (out->nseries < b->nseries + n + 1) { /* the room for one series a row, back */
        void *p = hp__realloc(out->series, (out->nseries ? out->nseries : 1) * sizeof *out->series);
        if (!p) {
            rc = hp__oom();
            goto fail;
        }
        out->series = p;
    }
    if (hp__u64map_reserve(&out->index, out->nseries) != HP_OK) {
        rc = hp__oom();
        goto fail;
    }
    for (size_t i = 0; i < out->nseries; i++)
        hp__u64map_put(&out->index,
                       ((uint64_t)out->series[i].region << 32) | out->series[i].indicator,
                       (uint32_t)i);
    hp__free(order);
    hp__free(poolmap);
    return HP_OK;
fail:
    hp__free(order);
    hp__free(poolmap);
    hp__free(out->year);
    hp__free(out->value);
    hp__free(out->flags);
    hp__free(out->source);
    hp__free(out->note);
    hp__free(out->series);
    hp__u64map_free(&out->index);
    memset(out, 0, sizeof *out);
    return rc;
#undef SROW
}

/* ------------------------------------------------------------- public adds */

static int add_observations(hp_dataset *ds, const hp_observation *obs, size_t n,
                            const char *region, const char *indicator, const int *years,
                            const double *values, const char *source)
{
    hp_dataset *st = NULL;
    int rc = hp__stage_new(ds, &st);
    if (rc != HP_OK)
        return rc;
    const hp_region *r = NULL;
    const hp_indicator *ind = NULL;
    if (region) {
        r = hp__find_region(ds, region);
        if (!r) {
            rc = hp__unknown(ds, "region", region, NULL, "region");
            goto done;
        }
        ind = hp__find_indicator(ds, indicator);
        if (!ind) {
            rc = hp__unknown(ds, "indicator", indicator, NULL, "indicator");
            goto done;
        }
    }
    for (size_t i = 0; i < n; i++) {
        hp_observation o;
        if (obs) {
            o = obs[i];
        } else {
            memset(&o, 0, sizeof o);
            o.region = region;
            o.indicator = indicator;
            o.year = years[i];
            o.value = values[i];
            o.source = source;
        }
        char field[64];
        snprintf(field, sizeof field, "[%zu]", i);
        if (obs) {
            if (!o.region || !o.indicator) {
                rc = hp__fail(HP_EINVAL, "observation %zu: region and indicator are required", i);
                goto done;
            }
            r = hp__find_region(ds, o.region);
            if (!r) {
                rc = hp__unknown(ds, "region", o.region, NULL, field);
                goto done;
            }
            ind = hp__find_indicator(ds, o.indicator);
            if (!ind) {
                rc = hp__unknown(ds, "indicator", o.indicator, NULL, field);
                goto done;
            }
        }
        if (o.year < HP_YEAR_MIN || o.year > HP_YEAR_MAX) {
            rc = hp__error(HP_ERANGE, NULL, 0, 0, field,
                           "observation %zu: year %d is outside %d–%d", i, o.year, HP_YEAR_MIN,
                           HP_YEAR_MAX);
            goto done;
        }
        if (o.verdict != HP_VERDICT_NONE) {
            if (!isnan(o.value)) {
                rc = hp__error(HP_EINVAL, NULL, 0, 0, field,
                               "observation %zu has both a value and a verdict", i);
                goto done;
            }
        } else if (isnan(o.value)) {
            if (o.status != HP_OBS_MISSING) {
                rc = hp__error(HP_EINVAL, NULL, 0, 0, field,
                               "observation %zu has no value (only status \"missing\" may)", i);
                goto done;
            }
        } else if (!isfinite(o.value)) {
            rc = hp__error(HP_ERANGE, NULL, 0, 0, field, "observation %zu: value is not finite", i);
            goto done;
        }
        rc = hp__stage_obs(st, r->index, ind->index, o.year, o.value,
                           HP_FLAGS(o.status, o.verdict), o.source, o.source ? strlen(o.source) : 0,
                           o.as_printed, o.as_printed ? strlen(o.as_printed) : 0, i, 0);
        if (rc == HP_OK && o.note)
            rc = hp__stage_obs_note(st, o.note, strlen(o.note));
        if (rc != HP_OK)
            goto done;
    }
    rc = hp__commit(st);
done:
    hp_dataset_free(st);
    return rc;
}

int hp_dataset_add_observations(hp_dataset *ds, const hp_observation *obs, size_t n)
{
    if (!ds || (!obs && n))
        return hp__fail(HP_EINVAL, "hp_dataset_add_observations: NULL argument");
    return add_observations(ds, obs, n, NULL, NULL, NULL, NULL, NULL);
}

int hp_dataset_add_series(hp_dataset *ds, const char *region, const char *indicator,
                          const int *years, const double *values, size_t n, const char *source)
{
    if (!ds || !region || !indicator || (n && (!years || !values)))
        return hp__fail(HP_EINVAL, "hp_dataset_add_series: NULL argument");
    return add_observations(ds, NULL, n, region, indicator, years, values, source);
}
