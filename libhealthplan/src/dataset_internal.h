/* Dataset internals: records, the observation store and staged (all-or-nothing) changes.
 *
 * Every change goes through a staging dataset (a "delta") whose `base` is the dataset being
 * changed. Records are parsed into the delta, references are resolved against base + delta,
 * and hp__commit() moves everything into the base in two phases: first every step that can
 * fail (conflict checks, reserving capacity, merging observations into new arrays), then
 * steps that cannot. A failed change frees the delta and leaves the base untouched. */
#ifndef HP_DATASET_INTERNAL_H
#define HP_DATASET_INTERNAL_H

#include <math.h>
#include <stdint.h>

#include "healthplan.h"
#include "common_internal.h"
#include "table_internal.h"

#define HP_YEAR_MIN 1949
#define HP_YEAR_MAX 2100
#define HP_NONE UINT32_MAX

/* Where a record came from. `text` (the whole file) is only valid while staging. */
typedef struct hp__src {
    const char *file;      /* file name for messages; NULL for records added through the API */
    const char *text;      /* staging only: the file's text */
    size_t text_len;
    size_t offset;         /* the record's JSON element (or CSV record) in text */
    size_t len;
    uint32_t index;        /* index of the element in its array ("targets[3]") */
    const char *kind;      /* "regions", "targets", … (static) */
    int line, column;      /* where the record starts */
} hp__src;

struct hp_region {
    const char *code, *name_zh, *name_en, *parent_code;
    const hp_region *parent;
    hp_level level;
    uint32_t index;
    hp__src src;
};

struct hp_indicator {
    const char *id, *name_zh, *name_en, *unit, *category, *description;
    const char **aliases;
    size_t naliases;
    hp_direction direction;
    const char *num_id, *den_id;
    const hp_indicator *num, *den;
    double scale;
    int additive;
    uint32_t index;
    hp__src src;
};

struct hp_plan {
    const char *id, *title, *source, *region_code;
    const hp_region *region;
    int start, end, baseline_year;
    size_t ntargets;
    uint32_t index;
    hp__src src;
};

struct hp_target {
    const char *key;        /* "plan\x1fid", the index key */
    const char *id, *plan_id, *indicator_id, *region_code;
    const char *as_printed, *source, *unit_as_printed, *note, *lead;
    const char **partners;
    size_t npartners;
    const hp_plan *plan;
    const hp_indicator *indicator;
    const hp_region *region;
    int year;
    hp_rule rule;           /* owns its heap parts; disposed when the dataset is freed */
    hp_nature nature;
    uint32_t index;
    hp__src src;
};

/* A list of records with an index by key. */
typedef struct hp__table {
    void **items;
    size_t n, cap;
    hp__strmap map;
} hp__table;

/* The key of an observation: region, indicator and year packed in 64 bits (regions and
 * indicators below 2^24). Sorting by it sorts by region, indicator, year. */
#define HP_OBS_KEY(r, i, y) \
    (((uint64_t)(r) << 40) | ((uint64_t)(i) << 16) | (uint64_t)((y) - HP_YEAR_MIN))

/* Observation flags: bits 0-2 status, bits 3-4 verdict. */
#define HP_FLAG_STATUS(f) ((hp_obs_status)((f) & 7))
#define HP_FLAG_VERDICT(f) ((hp_verdict)(((f) >> 3) & 3))
#define HP_FLAGS(status, verdict) ((uint8_t)(((unsigned)(status) & 7) | (((unsigned)(verdict) & 3) << 3)))

/* One (region, indicator) run of the sorted observation columns. */
typedef struct hp__series {
    uint32_t region, indicator;
    uint32_t start, count;
} hp__series;

/* Committed observations: columns sorted by (region, indicator, year). */
typedef struct hp__obs_store {
    size_t n;
    int16_t *year;
    double *value;
    uint8_t *flags;
    uint32_t *source;   /* string pool ids */
    uint32_t *note;     /* as_printed, string pool ids */
    hp__series *series;
    size_t nseries;
    hp__u64map index;   /* (region << 32 | indicator) -> series */
} hp__obs_store;

/* Staged observations (unsorted, with where each came from). */
/* Rows [first, end) of the stage are data records ordinal0, ordinal0 + 1, … of CSV file
 * `file`: their byte offsets are found again by reading the file when a message needs them. */
typedef struct hp__csv_rows {
    size_t first, end, ordinal0;
    uint16_t file;
} hp__csv_rows;

/* pos of hp__stage_obs() for a row of an observations CSV: not stored (see hp__csv_rows). */
#define HP_POS_CSV UINT64_MAX

typedef struct hp__obs_stage {
    size_t n, cap;
    uint32_t *region, *indicator;   /* final indices once resolved (ref ids before, for JSON) */
    int16_t *year;
    double *value;
    uint8_t *flags;
    uint32_t *source, *note;        /* the staging dataset's pool ids */
    /* where each row came from, for messages: allocated at the first row that is not from an
     * observations CSV (JSON, a targets CSV's baselines, the API); CSV rows are in `csv`
     * instead, so a national CSV stages 27 bytes a row, not 37 (docs/performance.md) */
    uint64_t *pos;                  /* byte offset of the row in its file */
    uint16_t *file;                 /* index into the staging file list */
    hp__csv_rows *csv;
    size_t ncsv, csv_cap;
    int lent;                       /* year, value, flags, source, note now belong to the
                                     * committed store (hp__obs_merge() took them as they were) */
} hp__obs_stage;

/* Room for `extra` more staged rows, allocated at once (a loader that knows how many rows
 * come avoids the copies of growing by doubling). HP_OK or HP_ENOMEM. */
int hp__stage_reserve(hp_dataset *st, size_t extra);
/* Where staged row `row` came from: its file (index) and byte offset. */
void hp__stage_row_origin(const hp_dataset *st, size_t row, uint16_t *file, uint64_t *pos);

/* A file being loaded. */
typedef struct hp__file {
    const char *name;      /* arena */
    const char *text;
    size_t len;
    void *mapping;         /* owned buffer (malloc or mmap) */
    size_t mapping_len;
    int mapped;
} hp__file;

/* A reference (region code or indicator id) used by staged JSON observations. */
typedef struct hp__pending_ref {
    const char *text;      /* arena */
    uint32_t resolved;
    uint32_t first_row;    /* first staged observation that uses it */
    int is_region;
} hp__pending_ref;

struct hp_dataset {
    const hp_dataset *base;      /* non-NULL for a staging dataset */
    hp__arena arena;
    hp__table regions, indicators, plans, targets;
    hp__strmap names;            /* normalised indicator names and aliases -> indicator index */
    hp__obs_store obs;
    hp__u64map obs_notes;        /* HP_OBS_KEY -> pool id of the observation's note (sparse) */
    hp__strpool pool;
    /* staging only */
    hp__obs_stage stage;
    hp__file *files;
    size_t nfiles, files_cap;
    hp__pending_ref *refs;
    size_t nrefs, refs_cap;
    hp__strmap ref_map;          /* "r:code" / "i:id" -> pending ref index */
    size_t ref_rows;             /* staged observations [0, ref_rows) hold pending refs */
    struct hp__staged_note { uint32_t row, note; } *notes; /* notes of staged rows (pool ids) */
    size_t nnotes, notes_cap;
    const hp_load_options *opts;
};

/* ---- staging ---- */
/* A new staging dataset on top of base. */
int hp__stage_new(const hp_dataset *base, hp_dataset **out);
/* Resolve JSON references, check, and move everything into ds->base. Frees nothing: the
 * caller frees the staging dataset (now empty or, on failure, still full). */
int hp__commit(hp_dataset *stage);

/* Lookups that see base + staging. */
const hp_region *hp__find_region(const hp_dataset *ds, const char *code);
const hp_indicator *hp__find_indicator(const hp_dataset *ds, const char *id);
const hp_plan *hp__find_plan(const hp_dataset *ds, const char *id);
const hp_target *hp__find_target(const hp_dataset *ds, const char *plan, const char *id);
size_t hp__region_total(const hp_dataset *ds);
size_t hp__indicator_total(const hp_dataset *ds);
const hp_region *hp__region_by_index(const hp_dataset *ds, uint32_t idx);
const hp_indicator *hp__indicator_by_index(const hp_dataset *ds, uint32_t idx);

/* Error for an unknown key with a "did you mean" suggestion from base + staging.
 * what: "region", "indicator", "plan". */
int hp__unknown(const hp_dataset *ds, const char *what, const char *key, const hp__src *src,
                const char *field);
/* Set an error located at `field` (path inside the record, e.g. "rule.value") of a record. */
int hp__src_error(const hp__src *src, int code, const char *field, const char *fmt, ...)
    HP_PRINTF(4, 5);
/* Describe where a record is ("file.json:12:5" or "added through the API"). */
void hp__src_where(const hp__src *src, char *out, size_t cap);

/* Staging adds: the record's strings are copied into the staging arena. References are kept
 * as text and resolved by hp__commit(). `src` may be NULL (API). Return HP_OK or an error. */
int hp__stage_region(hp_dataset *st, const hp_region_info *info, const hp__src *src);
int hp__stage_indicator(hp_dataset *st, const hp_indicator_info *info, const hp__src *src);
int hp__stage_plan(hp_dataset *st, const hp_plan_info *info, const hp__src *src);
int hp__stage_target(hp_dataset *st, const hp_target_info *info, const hp__src *src);
/* Stage an observation whose region and indicator are already resolved indices. pos is the
 * byte offset of its record in file `file`, or HP_POS_CSV for the rows of an observations CSV,
 * staged in the order of the file's records (one row each). */
int hp__stage_obs(hp_dataset *st, uint32_t region, uint32_t indicator, int year, double value,
                  uint8_t flags, const char *source, size_t source_len, const char *note,
                  size_t note_len, uint64_t pos, uint16_t file);
/* Stage an observation whose region and indicator are resolved at commit (JSON). */
int hp__stage_obs_ref(hp_dataset *st, const char *region, const char *indicator, int year,
                      double value, uint8_t flags, const char *source, const char *note,
                      const hp__src *src);
/* Attach a note to the last staged observation. */
int hp__stage_obs_note(hp_dataset *st, const char *note, size_t len);
/* Resolve the pending references of staged JSON observations (before CSV rows are staged). */
int hp__resolve_obs_refs(hp_dataset *st);
/* Register a file being loaded (the staging dataset owns `mapping`). */
int hp__stage_file(hp_dataset *st, const char *name, const char *text, size_t len,
                   void *mapping, size_t mapping_len, int mapped, uint16_t *index);
/* Emit a warning (or fail in strict mode). Returns HP_OK or the error code. */
int hp__warn(hp_dataset *st, const char *file, int line, int column, const char *field,
             const char *fmt, ...) HP_PRINTF(6, 7);

/* ---- observation lookups (committed store) ---- */
const hp__series *hp__series_find(const hp_dataset *ds, uint32_t region, uint32_t indicator);
/* Index (into the store) of the observation of `year`, or -1. */
long hp__series_year(const hp_dataset *ds, const hp__series *s, int year);
/* Index of the latest numeric observation at or before `year`, or -1 (gaps and verdicts,
 * which carry no number, are skipped). Inline: evaluation calls it for every target. */
static inline long hp__series_latest(const hp_dataset *ds, const hp__series *s, int year)
{
    const int16_t *y = ds->obs.year + s->start;
    size_t lo = 0, hi = s->count;
    while (lo < hi) { /* first index with y > year */
        size_t mid = (lo + hi) / 2;
        if (y[mid] <= year)
            lo = mid + 1;
        else
            hi = mid;
    }
    while (lo > 0) {
        size_t i = s->start + --lo;
        if (!isnan(ds->obs.value[i]))
            return (long)i;
    }
    return -1;
}

void hp__obs_fill(const hp_dataset *ds, const hp__series *s, size_t i, hp_observation *out);

/* Merge the staged observations with the base's into new arrays (observation.c). */
int hp__obs_merge(hp_dataset *st, hp__obs_store *out);
/* Release a staged file's buffer (io.c). */
void hp__file_release(hp__file *f);
/* Give the pages of f's text before byte `upto` back to the page cache when f is mapped: a
 * loader that is done with them keeps its peak memory down; reading them again maps them
 * again (io.c). */
void hp__file_done_before(const hp__file *f, size_t upto);

/* ---- JSON (json.c) ---- */
int hp__load_json(hp_dataset *st, uint16_t file);
/* Locate a field path ("rule.value", "aliases[2]") inside the JSON element text; returns the
 * byte offset of the value (or of its key when want_key), or the element start when absent. */
size_t hp__json_locate(const char *elem, size_t len, const char *path, int want_key);

/* ---- CSV (csv_load.c, targets_csv.c) ---- */
int hp__load_csv(hp_dataset *st, uint16_t file);
struct hp__csv;
int hp__load_targets_csv(hp_dataset *st, uint16_t file, struct hp__csv *r);

/* Fill order[0..n) (n = the dataset's target count) with target indices sorted by region,
 * indicator, year and then dataset order. HP_OK or HP_ENOMEM. */
int hp__targets_by_key(const hp_dataset *ds, uint32_t *order);

/* ---- names ---- */
int hp__valid_id(const char *s, int allow_dash);

#endif
