/* Reading files, the all-or-nothing multi-file load, and saving to files. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <math.h>

#include "dataset_internal.h"
#include "write_internal.h"

void hp__file_release(hp__file *f)
{
    if (!f->mapping)
        return;
    if (f->mapped)
        munmap(f->mapping, f->mapping_len);
    else
        hp__free(f->mapping);
    f->mapping = NULL;
}

void hp__file_done_before(const hp__file *f, size_t upto)
{
    if (!f->mapped || !f->mapping || (const char *)f->mapping != f->text)
        return;
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0)
        return;
    size_t len = upto - upto % (size_t)page;
    if (len > f->mapping_len)
        len = f->mapping_len - f->mapping_len % (size_t)page;
    /* a private, read-only file mapping: the pages are dropped from this process (they stay
     * in the page cache) and read again from the file if touched */
    if (len)
        madvise(f->mapping, len, MADV_DONTNEED);
}

/* Read a whole file: mapped when it is a regular non-empty file, read otherwise. */
static int read_file(hp_dataset *st, const char *path, uint16_t *index)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return hp__error(HP_EIO, path, 0, 0, NULL, "cannot open \"%s\": %s", path,
                         strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        int e = errno;
        close(fd);
        return hp__error(HP_EIO, path, 0, 0, NULL, "cannot read \"%s\": %s", path, strerror(e));
    }
    if (S_ISDIR(sb.st_mode)) {
        close(fd);
        return hp__error(HP_EIO, path, 0, 0, NULL, "\"%s\" is a directory, not a data file",
                         path);
    }
    if (S_ISREG(sb.st_mode) && sb.st_size > 0) {
        size_t len = (size_t)sb.st_size;
        void *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
        close(fd);
        if (m == MAP_FAILED)
            return hp__error(HP_EIO, path, 0, 0, NULL, "cannot map \"%s\": %s", path,
                             strerror(errno));
        madvise(m, len, MADV_SEQUENTIAL);
        int rc = hp__stage_file(st, path, m, len, m, len, 1, index);
        if (rc != HP_OK)
            munmap(m, len);
        return rc;
    }
    /* pipes, empty files: read in chunks */
    size_t cap = 0, len = 0;
    char *buf = NULL;
    for (;;) {
        if (hp__grow((void **)&buf, &cap, len + 65536, 1) != HP_OK) {
            hp__free(buf);
            close(fd);
            return hp__oom();
        }
        ssize_t got = read(fd, buf + len, cap - len);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            hp__free(buf);
            close(fd);
            return hp__error(HP_EIO, path, 0, 0, NULL, "cannot read \"%s\": %s", path,
                             strerror(e));
        }
        if (got == 0)
            break;
        len += (size_t)got;
    }
    close(fd);
    int rc = hp__stage_file(st, path, buf, len, buf, cap, 0, index);
    if (rc != HP_OK)
        hp__free(buf);
    return rc;
}

static int is_json(const hp__file *f)
{
    size_t i = 0;
    if (f->len >= 3 && !memcmp(f->text, "\xEF\xBB\xBF", 3))
        i = 3;
    while (i < f->len && (f->text[i] == ' ' || f->text[i] == '\t' || f->text[i] == '\n' ||
                          f->text[i] == '\r'))
        i++;
    return i < f->len && (f->text[i] == '{' || f->text[i] == '[');
}

/* Load the staged files: JSON first (their references resolve across all of them), then
 * CSV files, whose references are resolved as they are read. */
static int load_staged(hp_dataset *st)
{
    int rc;
    for (size_t i = 0; i < st->nfiles; i++) {
        const hp__file *f = &st->files[i];
        if (f->len == 0)
            return hp__error(HP_EPARSE, f->name, 1, 1, NULL, "the file is empty");
        if (is_json(f) && (rc = hp__load_json(st, (uint16_t)i)) != HP_OK)
            return rc;
    }
    if ((rc = hp__resolve_obs_refs(st)) != HP_OK)
        return rc;
    for (size_t i = 0; i < st->nfiles; i++)
        if (!is_json(&st->files[i]) && (rc = hp__load_csv(st, (uint16_t)i)) != HP_OK)
            return rc;
    return hp__commit(st);
}

int hp_dataset_load_files(hp_dataset *ds, const char *const *paths, size_t n,
                          const hp_load_options *opts)
{
    if (!ds || (!paths && n))
        return hp__fail(HP_EINVAL, "hp_dataset_load_files: NULL argument");
    if (opts && opts->version != HP_LOAD_OPTIONS_VERSION)
        return hp__fail(HP_EINVAL, "hp_load_options: version %u is not %u (use HP_LOAD_OPTIONS_INIT)",
                        opts->version, HP_LOAD_OPTIONS_VERSION);
    hp_dataset *st = NULL;
    int rc = hp__stage_new(ds, &st);
    if (rc != HP_OK)
        return rc;
    st->opts = opts;
    for (size_t i = 0; i < n && rc == HP_OK; i++) {
        uint16_t idx;
        if (!paths[i])
            rc = hp__fail(HP_EINVAL, "hp_dataset_load_files: path %zu is NULL", i);
        else
            rc = read_file(st, paths[i], &idx);
    }
    if (rc == HP_OK)
        rc = load_staged(st);
    hp_dataset_free(st);
    return rc;
}

int hp_dataset_load(hp_dataset *ds, const char *path)
{
    if (!path)
        return hp__fail(HP_EINVAL, "hp_dataset_load: path is NULL");
    return hp_dataset_load_files(ds, &path, 1, NULL);
}

static int load_buffer(hp_dataset *ds, const char *data, size_t len, const char *name, int json)
{
    if (!ds || (!data && len))
        return hp__fail(HP_EINVAL, "NULL argument");
    hp_dataset *st = NULL;
    int rc = hp__stage_new(ds, &st);
    if (rc != HP_OK)
        return rc;
    uint16_t idx;
    rc = hp__stage_file(st, name ? name : "<buffer>", data ? data : "", len, NULL, 0, 0, &idx);
    if (rc == HP_OK && len == 0)
        rc = hp__error(HP_EPARSE, st->files[0].name, 1, 1, NULL, "the input is empty");
    if (rc == HP_OK)
        rc = json ? hp__load_json(st, idx) : HP_OK;
    if (rc == HP_OK)
        rc = hp__resolve_obs_refs(st);
    if (rc == HP_OK && !json)
        rc = hp__load_csv(st, idx);
    if (rc == HP_OK)
        rc = hp__commit(st);
    hp_dataset_free(st);
    return rc;
}

int hp_dataset_load_json_buffer(hp_dataset *ds, const char *data, size_t len, const char *name)
{
    return load_buffer(ds, data, len, name, 1);
}

int hp_dataset_load_csv_buffer(hp_dataset *ds, const char *data, size_t len, const char *name)
{
    return load_buffer(ds, data, len, name, 0);
}

/* Write text to path through a temporary file in the same directory and a rename. */
static int write_atomic(const char *path, const char *text, size_t len)
{
    size_t plen = strlen(path);
    char *tmp = hp__malloc(plen + 16);
    if (!tmp)
        return hp__oom();
    snprintf(tmp, plen + 16, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        hp__free(tmp);
        return hp__error(HP_EIO, path, 0, 0, NULL, "cannot write \"%s\": %s", path, strerror(e));
    }
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, text + off, len - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            close(fd);
            unlink(tmp);
            hp__free(tmp);
            return hp__error(HP_EIO, path, 0, 0, NULL, "cannot write \"%s\": %s", path,
                             strerror(e));
        }
        off += (size_t)w;
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        int e = errno;
        unlink(tmp);
        hp__free(tmp);
        return hp__error(HP_EIO, path, 0, 0, NULL, "cannot write \"%s\": %s", path, strerror(e));
    }
    chmod(tmp, 0644);
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        hp__free(tmp);
        return hp__error(HP_EIO, path, 0, 0, NULL, "cannot replace \"%s\": %s", path,
                         strerror(e));
    }
    hp__free(tmp);
    return HP_OK;
}

int hp_dataset_save_json(const hp_dataset *ds, const char *path)
{
    if (!ds || !path)
        return hp__fail(HP_EINVAL, "hp_dataset_save_json: NULL argument");
    char *text;
    size_t len;
    int rc = hp_dataset_save_json_buffer(ds, &text, &len);
    if (rc != HP_OK)
        return rc;
    rc = write_atomic(path, text, len);
    hp__free(text);
    return rc;
}

/* ------------------------------------------------------------- built-in datasets */

typedef struct hp__builtin_file {
    const char *name;
    const char *data;
    size_t len;
} hp__builtin_file;
extern const hp__builtin_file hp__builtin_files[];
extern const size_t hp__builtin_nfiles;

size_t hp_builtin_count(void) { return hp__builtin_nfiles; }

const char *hp_builtin_file(size_t i, const char **data, size_t *len)
{
    if (i >= hp__builtin_nfiles)
        return NULL;
    if (data)
        *data = hp__builtin_files[i].data;
    if (len)
        *len = hp__builtin_files[i].len;
    return hp__builtin_files[i].name;
}

int hp_dataset_add_builtin(hp_dataset *ds)
{
    if (!ds)
        return hp__fail(HP_EINVAL, "hp_dataset_add_builtin: ds is NULL");
    hp_dataset *st = NULL;
    int rc = hp__stage_new(ds, &st);
    for (size_t i = 0; rc == HP_OK && i < hp__builtin_nfiles; i++) {
        uint16_t idx;
        char name[300];
        snprintf(name, sizeof name, "builtin:%s", hp__builtin_files[i].name);
        rc = hp__stage_file(st, name, hp__builtin_files[i].data, hp__builtin_files[i].len, NULL,
                            0, 0, &idx);
    }
    if (rc == HP_OK)
        rc = load_staged(st);
    hp_dataset_free(st);
    return rc;
}

int hp_dataset_builtin(hp_dataset **out)
{
    if (!out)
        return hp__fail(HP_EINVAL, "hp_dataset_builtin: out is NULL");
    *out = NULL;
    hp_dataset *ds;
    int rc = hp_dataset_new(&ds);
    if (rc != HP_OK)
        return rc;
    rc = hp_dataset_add_builtin(ds);
    if (rc != HP_OK) {
        hp_dataset_free(ds);
        return rc;
    }
    *out = ds;
    return HP_OK;
}

/* ------------------------------------------------------------- observations CSV */

static const char *status_code(hp_obs_status s)
{
    switch (s) {
    case HP_OBS_PROVISIONAL: return "P";
    case HP_OBS_ESTIMATED: return "E";
    case HP_OBS_MISSING: return "M";
    case HP_OBS_DERIVED: return "derived";
    default: return "A";
    }
}

int hp_dataset_save_observations_csv_buffer(const hp_dataset *ds, char **out, size_t *len)
{
    if (!ds || !out)
        return hp__fail(HP_EINVAL, "hp_dataset_save_observations_csv_buffer: NULL argument");
    static const char *const cols[] = {"REF_AREA", "INDICATOR", "TIME_PERIOD", "OBS_VALUE",
                                       "UNIT_MEASURE", "OBS_STATUS", "VERDICT", "SOURCE",
                                       "AS_PRINTED"};
    hp_buf b;
    hp__buf_init(&b);
    hp__w_begin(&b, cols, sizeof cols / sizeof *cols, 0);
    for (size_t si = 0; si < ds->obs.nseries && !b.failed; si++) {
        const hp__series *s = &ds->obs.series[si];
        const hp_indicator *ind = hp__indicator_by_index(ds, s->indicator);
        for (size_t j = 0; j < s->count; j++) {
            hp_observation o;
            hp__obs_fill(ds, s, s->start + j, &o);
            hp__w_text(&b, o.region, 0);
            hp__buf_puts(&b, ",");
            hp__w_text(&b, o.indicator, 0);
            hp__buf_printf(&b, ",%d,", o.year);
            if (!isnan(o.value))
                hp__buf_double(&b, o.value); /* shortest exact form: the CSV reads back equal */
            hp__buf_puts(&b, ",");
            hp__w_text(&b, ind->unit ? ind->unit : "", 0);
            hp__buf_printf(&b, ",%s,%s,", status_code(o.status), hp_verdict_name(o.verdict));
            hp__w_text(&b, o.source, 0);
            hp__buf_puts(&b, ",");
            hp__w_text(&b, o.as_printed, 0);
            hp__buf_puts(&b, "\n");
        }
    }
    return hp__w_finish(&b, out, len);
}
