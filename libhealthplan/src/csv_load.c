/* Loading CSV files: observations (SDMX-CSV style) and targets (a plan's table as printed).
 * Which kind a file is follows from its header row. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "csv_internal.h"
#include "dataset_internal.h"


static void trim(const char **p, size_t *n)
{
    while (*n && (**p == ' ' || **p == '\t')) {
        (*p)++;
        (*n)--;
    }
    while (*n && ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\t'))
        (*n)--;
}

/* A region or indicator found through base + staging by a key that is not NUL-terminated. */
static void *lookup_n(const hp_dataset *st, size_t table_off, const char *key, size_t len)
{
    uint32_t i;
    const hp__table *bt = st->base ? (const hp__table *)((const char *)st->base + table_off) : NULL;
    const hp__table *t = (const hp__table *)((const char *)st + table_off);
    if (bt && hp__strmap_getn(&bt->map, key, len, &i))
        return bt->items[i];
    if (hp__strmap_getn(&t->map, key, len, &i))
        return t->items[i];
    return NULL;
}

/* The last key of a column looked up and the record it found: the rows of one region and
 * indicator come together, so most rows need no lookup. */
typedef struct cached_ref {
    size_t table_off;   /* offsetof(hp_dataset, regions) or (…, indicators) */
    const char *what;   /* "region" or "indicator" */
    int col;
    const char *key;
    size_t len;
    const void *rec;
} cached_ref;

static int lookup_cached(hp_dataset *st, const hp__csv *r, cached_ref *c, const hp__csv_field *fl)
{
    const char *p = fl->ptr;
    size_t n = fl->len;
    trim(&p, &n);
    if (c->rec && n == c->len && !memcmp(p, c->key, n))
        return HP_OK;
    c->rec = lookup_n(st, c->table_off, p, n);
    if (!c->rec) {
        char key[256], msg[600];
        snprintf(key, sizeof key, "%.*s", (int)(n < 200 ? n : 200), p);
        hp__unknown(st, c->what, key, NULL, NULL);
        snprintf(msg, sizeof msg, "%s", hp_error_last()->message);
        return hp__csv_error(r, HP_ENOTFOUND, (size_t)c->col, NULL, "%s", msg);
    }
    c->key = p;
    c->len = n;
    return HP_OK;
}

/* Units a CSV may print for a unit slug, besides the slug itself. */
static int unit_matches(const char *slug, const char *u, size_t n)
{
    static const struct { const char *slug, *alt; } alts[] = {
        {"percent", "%"}, {"percent", "PC"}, {"percent", "PT"}, {"permille", "‰"},
        {"per_100k", "/10万"}, {"per_100k", "1/10万"}, {"per_10k", "/万"}, {"years", "岁"},
        {"years", "YR"}, {"per_1000", "/千人"}, {NULL, NULL}};
    if (!slug || !*slug)
        return 1;
    if (strlen(slug) == n && !strncasecmp(slug, u, n))
        return 1;
    for (size_t i = 0; alts[i].slug; i++)
        if (!strcmp(alts[i].slug, slug) && strlen(alts[i].alt) == n && !memcmp(alts[i].alt, u, n))
            return 1;
    return 0;
}

static int read_status(const char *p, size_t n, hp_obs_status *out)
{
    static const struct { const char *name; hp_obs_status s; } names[] = {
        {"A", HP_OBS_FINAL}, {"P", HP_OBS_PROVISIONAL}, {"E", HP_OBS_ESTIMATED},
        {"M", HP_OBS_MISSING}, {"final", HP_OBS_FINAL}, {"provisional", HP_OBS_PROVISIONAL},
        {"estimated", HP_OBS_ESTIMATED}, {"missing", HP_OBS_MISSING}, {"derived", HP_OBS_DERIVED},
        {NULL, 0}};
    if (n == 0) {
        *out = HP_OBS_FINAL;
        return 1;
    }
    for (size_t i = 0; names[i].name; i++)
        if (strlen(names[i].name) == n && !strncasecmp(names[i].name, p, n)) {
            *out = names[i].s;
            return 1;
        }
    return 0;
}

enum { C_AREA, C_IND, C_TIME, C_VALUE, C_UNIT, C_STATUS, C_SOURCE, C_VERDICT, C_PRINTED, NCOL };
static const char *const COLS[NCOL] = {"REF_AREA", "INDICATOR", "TIME_PERIOD", "OBS_VALUE",
                                       "UNIT_MEASURE", "OBS_STATUS", "SOURCE", "VERDICT",
                                       "AS_PRINTED"};

static int load_observations(hp_dataset *st, uint16_t file, hp__csv *r)
{
    const hp__file *f = &st->files[file];
    int col[NCOL];
    int rc;
    for (int c = 0; c < NCOL; c++)
        col[c] = hp__csv_header_index(r, COLS[c]);
    for (int c = 0; c <= C_VALUE; c++)
        if (col[c] < 0)
            return hp__csv_error(r, HP_EVALIDATE, hp__csv_nfields(r), COLS[c],
                                 "the header has no %s column (an observations CSV needs REF_AREA, INDICATOR, TIME_PERIOD and OBS_VALUE)",
                                 COLS[c]);
    /* other columns are allowed (SDMX-CSV has DATAFLOW, FREQ …) but said */
    for (size_t i = 0; i < hp__csv_nfields(r); i++) {
        int known = 0;
        for (int c = 0; c < NCOL; c++)
            if (col[c] == (int)i)
                known = 1;
        if (known)
            continue;
        const char *name = hp__csv_header_name(r, i);
        if (!strcasecmp(name, "DATAFLOW") || !strcasecmp(name, "FREQ") ||
            !strcasecmp(name, "UNIT_MULT") || !strcasecmp(name, "COMMENT"))
            continue;
        const hp__csv_field *fl = hp__csv_field_at(r, i);
        if ((rc = hp__warn(st, f->name, hp__csv_line(r), hp__csv_column(r, fl->offset), name,
                           "unknown column \"%s\" is ignored", name)) != HP_OK)
            return rc;
    }
    cached_ref area = {offsetof(hp_dataset, regions), "region", col[C_AREA], NULL, 0, NULL};
    cached_ref ind = {offsetof(hp_dataset, indicators), "indicator", col[C_IND], NULL, 0, NULL};
    size_t done = 0; /* the text before this offset is read (hp__file_done_before) */
    {
        /* at most one row a line: room for them at once, not by doubling (which copies, and
         * leaves the old blocks to the heap at the peak); untouched room costs no memory */
        size_t lines = 0, chunk = (size_t)4 << 20;
        for (size_t at = 0; at < f->len; at += chunk) {
            const char *p = f->text + at, *end = f->text + (f->len - at > chunk ? at + chunk : f->len);
            while (p < end && (p = memchr(p, '\n', (size_t)(end - p))))
                lines++, p++;
            hp__file_done_before(f, at); /* counted: not kept mapped till the rows get there */
        }
        hp__file_done_before(f, f->len);
        if ((rc = hp__stage_reserve(st, lines + 1)) != HP_OK)
            return rc;
    }
    while ((rc = hp__csv_next(r)) == 1) {
        size_t nf = hp__csv_nfields(r);
        const hp__csv_field *fa = (size_t)col[C_AREA] < nf ? hp__csv_field_at(r, (size_t)col[C_AREA]) : NULL;
        const hp__csv_field *fi = (size_t)col[C_IND] < nf ? hp__csv_field_at(r, (size_t)col[C_IND]) : NULL;
        if (!fa || !fi)
            return hp__csv_error(r, HP_EPARSE, nf, NULL,
                                 "expected %zu fields as in the header, found %zu",
                                 hp__csv_nfields(r) > nf ? hp__csv_nfields(r) : (size_t)r->hdr_n, nf);
        if ((rc = lookup_cached(st, r, &area, fa)) != HP_OK ||
            (rc = lookup_cached(st, r, &ind, fi)) != HP_OK)
            return rc;
        const hp_region *last_r = area.rec;
        const hp_indicator *last_i = ind.rec;
        const char *p;
        size_t n;
        long year;
        if ((rc = hp__csv_field_long(r, (size_t)col[C_TIME], HP_YEAR_MIN, HP_YEAR_MAX, &year)) !=
            HP_OK)
            return rc;
        hp_obs_status status = HP_OBS_FINAL;
        if (col[C_STATUS] >= 0 && (size_t)col[C_STATUS] < nf) {
            const hp__csv_field *fs = hp__csv_field_at(r, (size_t)col[C_STATUS]);
            p = fs->ptr;
            n = fs->len;
            trim(&p, &n);
            if (!read_status(p, n, &status))
                return hp__csv_error(r, HP_EVALIDATE, (size_t)col[C_STATUS], NULL,
                                     "expected an SDMX status A, P, E or M (or final, provisional, estimated, missing, derived), found \"%.*s\"",
                                     (int)(n < 40 ? n : 40), p);
        }
        hp_verdict verdict = HP_VERDICT_NONE;
        if (col[C_VERDICT] >= 0 && !hp__csv_field_blank(r, (size_t)col[C_VERDICT])) {
            const hp__csv_field *fv = hp__csv_field_at(r, (size_t)col[C_VERDICT]);
            p = fv->ptr;
            n = fv->len;
            trim(&p, &n);
            if (n == 3 && !memcmp(p, "met", 3))
                verdict = HP_VERDICT_MET;
            else if (n == 7 && !memcmp(p, "not_met", 7))
                verdict = HP_VERDICT_NOT_MET;
            else
                return hp__csv_error(r, HP_EVALIDATE, (size_t)col[C_VERDICT], NULL,
                                     "expected \"met\" or \"not_met\", found \"%.*s\"",
                                     (int)(n < 40 ? n : 40), p);
        }
        double value = NAN;
        int blank = hp__csv_field_blank(r, (size_t)col[C_VALUE]);
        if (!blank) {
            if (verdict != HP_VERDICT_NONE)
                return hp__csv_error(r, HP_EVALIDATE, (size_t)col[C_VALUE], NULL,
                                     "a row has either an OBS_VALUE or a VERDICT, not both");
            if (status == HP_OBS_MISSING)
                return hp__csv_error(r, HP_EVALIDATE, (size_t)col[C_VALUE], NULL,
                                     "OBS_STATUS M (missing) goes with an empty OBS_VALUE");
            if ((rc = hp__csv_field_double(r, (size_t)col[C_VALUE], &value)) != HP_OK)
                return rc;
        } else if (verdict == HP_VERDICT_NONE && status != HP_OBS_MISSING) {
            return hp__csv_error(r, HP_EVALIDATE, (size_t)col[C_VALUE], NULL,
                                 "expected a number (an empty OBS_VALUE needs OBS_STATUS M)");
        }
        if (col[C_UNIT] >= 0 && !hp__csv_field_blank(r, (size_t)col[C_UNIT])) {
            const hp__csv_field *fu = hp__csv_field_at(r, (size_t)col[C_UNIT]);
            p = fu->ptr;
            n = fu->len;
            trim(&p, &n);
            if (!unit_matches(last_i->unit, p, n))
                return hp__csv_error(r, HP_EUNIT, (size_t)col[C_UNIT], NULL,
                                     "indicator %s is measured in \"%s\", found unit \"%.*s\"",
                                     last_i->id, last_i->unit, (int)(n < 40 ? n : 40), p);
        }
        const char *src = NULL, *printed = NULL;
        size_t srcn = 0, printedn = 0;
        if (col[C_SOURCE] >= 0 && (size_t)col[C_SOURCE] < nf) {
            const hp__csv_field *fs = hp__csv_field_at(r, (size_t)col[C_SOURCE]);
            src = fs->ptr;
            srcn = fs->len;
            trim(&src, &srcn);
        }
        if (col[C_PRINTED] >= 0 && (size_t)col[C_PRINTED] < nf) {
            const hp__csv_field *fs = hp__csv_field_at(r, (size_t)col[C_PRINTED]);
            printed = fs->ptr;
            printedn = fs->len;
            trim(&printed, &printedn);
        }
        /* HP_POS_CSV: the record's offset is found again if a message needs it */
        rc = hp__stage_obs(st, last_r->index, last_i->index, (int)year, value,
                           HP_FLAGS(status, verdict), src, srcn, printed, printedn, HP_POS_CSV,
                           file);
        if (rc != HP_OK)
            return rc;
        if (r->rec_start - done > ((size_t)4 << 20)) { /* pages behind us: back to the cache */
            hp__file_done_before(f, r->rec_start);
            done = r->rec_start;
        }
    }
    return rc < 0 ? rc : HP_OK;
}

int hp__load_csv(hp_dataset *st, uint16_t file)
{
    const hp__file *f = &st->files[file];
    hp__csv r;
    int rc = hp__csv_open(&r, f->text, f->len, f->name);
    if (rc != HP_OK)
        return rc;
    rc = hp__csv_next(&r);
    if (rc == 0)
        rc = hp__error(HP_EPARSE, f->name, 1, 1, NULL, "the file has no header row");
    if (rc < 0) {
        hp__csv_close(&r);
        return rc;
    }
    size_t a, b;
    if (hp__csv_header_duplicate(&r, &a, &b)) {
        rc = hp__csv_error(&r, HP_EVALIDATE, b, NULL, "column \"%s\" appears twice (columns %zu and %zu)",
                           hp__csv_header_name(&r, b), a + 1, b + 1);
    } else if (hp__csv_header_index(&r, "REF_AREA") >= 0 || hp__csv_header_index(&r, "OBS_VALUE") >= 0) {
        rc = load_observations(st, file, &r);
    } else if (hp__csv_header_index(&r, "indicator") >= 0 &&
               (hp__csv_header_index(&r, "target") >= 0 || hp__csv_header_index(&r, "plan") >= 0)) {
        rc = hp__load_targets_csv(st, file, &r);
    } else {
        rc = hp__csv_error(&r, HP_EVALIDATE, 0, NULL,
                           "not a known CSV: an observations CSV has the columns REF_AREA, INDICATOR, TIME_PERIOD, OBS_VALUE; a targets CSV has plan, region, indicator, year, target, nature");
    }
    hp__csv_close(&r);
    return rc;
}
