/*
 * healthplan.i: the SWIG interface of libhealthplan for Python (module healthplan._healthplan).
 *
 * This is the low-level layer: the C API almost as it is, with
 *   - failing calls raising exceptions (healthplan.Error and its subclasses, made by the
 *     factory the pythonic layer registers; RuntimeError before it does),
 *   - out-parameters returned (hp_dataset_new() returns the handle, hp_rule_to_json() the text),
 *   - the GIL released around the calls that can take long (evaluation, loading, saving),
 *   - small C helpers (hp_py_*) for what SWIG cannot wrap well: option structs with strings,
 *     callbacks, numbers in and out through the buffer protocol (numpy arrays without a Python
 *     loop per element) and whole result rows as tuples.
 *
 * Ownership is not tracked here: handles are plain pointers. The pythonic layer
 * (healthplan/*.py) owns them and frees each exactly once; use that.
 */
%module(package="healthplan", threads="1",
        docstring="Low-level SWIG bindings of libhealthplan; use the healthplan package instead.") _healthplan

%{
#define PY_SSIZE_T_CLEAN
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <healthplan.h>
#if PY_VERSION_HEX < 0x030A0000
static inline PyObject *Py_NewRef(PyObject *o)
{
    Py_INCREF(o);
    return o;
}
#endif
#if __has_include(<healthplan/compare.h>)
#include <healthplan/compare.h>
#endif
#if __has_include(<healthplan/audit.h>)
#include <healthplan/audit.h>
#endif
%}

/* The GIL is kept by default and released only for the calls marked %thread below. */
%nothread;

/* ------------------------------------------------------------------ errors */
%{
/* healthplan.errors._make_error(code, message, file, line, column, field) -> exception */
static PyObject *hp_py_error_factory = NULL;

static PyObject *hp_py_text(const char *s)
{
    if (!s)
        Py_RETURN_NONE;
    return PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "surrogateescape");
}

/* Raise the exception for return code rc from the calling thread's error record. */
static void hp_py_raise(int rc)
{
    const hp_error *e = hp_error_last();
    const char *msg = (e->message && *e->message) ? e->message : hp_strerror(rc);
    if (!hp_py_error_factory) {
        PyErr_Format(PyExc_RuntimeError, "%s: %s", hp_strerror(rc), msg);
        return;
    }
    PyObject *exc = PyObject_CallFunction(hp_py_error_factory, "iNNiiN", rc, hp_py_text(msg),
                                          hp_py_text(e->file), e->line, e->column,
                                          hp_py_text(e->field));
    if (!exc)
        return; /* the factory failed: its exception stands */
    PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
    Py_DECREF(exc);
}

/* Flatten a Python sequence of str (or None) into a NULL-free array of UTF-8 pointers that
 * stay valid while `fast` (returned, owned by the caller) is alive. */
static PyObject *hp_py_strings(PyObject *seq, const char ***out, Py_ssize_t *n, const char *what)
{
    *out = NULL;
    *n = 0;
    if (seq == Py_None)
        return Py_NewRef(Py_None);
    PyObject *fast = PySequence_Fast(seq, what);
    if (!fast)
        return NULL;
    Py_ssize_t len = PySequence_Fast_GET_SIZE(fast);
    const char **arr = PyMem_Calloc(len ? (size_t)len : 1, sizeof *arr);
    if (!arr) {
        Py_DECREF(fast);
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t i = 0; i < len; i++) {
        PyObject *o = PySequence_Fast_GET_ITEM(fast, i);
        if (o == Py_None)
            continue;
        if (!PyUnicode_Check(o)) {
            PyErr_Format(PyExc_TypeError, "%s: item %zd is %.50s, expected str", what, i,
                         Py_TYPE(o)->tp_name);
            PyMem_Free(arr);
            Py_DECREF(fast);
            return NULL;
        }
        arr[i] = PyUnicode_AsUTF8(o);
        if (!arr[i]) {
            PyMem_Free(arr);
            Py_DECREF(fast);
            return NULL;
        }
    }
    *out = arr;
    *n = len;
    return fast;
}

/* A one-dimensional C-contiguous buffer of numbers of the given kind ('i' signed integer,
 * 'f' floating point, '?' bool) and item size. */
static int hp_py_buffer(PyObject *obj, Py_buffer *view, int writable, char kind,
                        Py_ssize_t itemsize, const char *what)
{
    int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(obj, view, flags) != 0) {
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError,
                     "%s: expected a%s contiguous buffer of %s%d (a numpy array or array.array), "
                     "got %.50s", what, writable ? " writable" : "",
                     kind == 'f' ? "float" : kind == '?' ? "bool" : "int", (int)(itemsize * 8),
                     Py_TYPE(obj)->tp_name);
        return -1;
    }
    const char *f = view->format ? view->format : "B";
    if (*f == '@' || *f == '=' || *f == '<' || *f == '!' || *f == '>') {
        int little = 1;
        int host_little = *(const char *)&little == 1;
        if ((*f == '<' && !host_little) || ((*f == '>' || *f == '!') && host_little))
            goto bad;
        f++;
    }
    if (f[0] == '\0' || f[1] != '\0' || view->itemsize != itemsize || view->ndim > 1)
        goto bad;
    if (kind == 'i' && !strchr("bhilqn", f[0]))
        goto bad;
    if (kind == 'f' && !strchr("efd", f[0]))
        goto bad;
    if (kind == '?' && f[0] != '?')
        goto bad;
    return 0;
bad:
    PyErr_Format(PyExc_TypeError, "%s: expected %s%d items in native byte order, got format '%s' "
                 "of %zd bytes", what, kind == 'f' ? "float" : kind == '?' ? "bool" : "int",
                 (int)(itemsize * 8), view->format ? view->format : "B", view->itemsize);
    PyBuffer_Release(view);
    return -1;
}
%}

/* Functions returning an hp_status_code: a negative code raises, success returns None (or the
 * out-parameters). */
%define HP_RC(fn)
%exception fn {
    $action
    if (result < 0) {
        hp_py_raise(result);
        SWIG_fail;
    }
}
%typemap(out) int fn "$result = SWIG_Py_Void();";
%enddef

/* Out-parameter handles and records: returned instead of passed. */
%define HP_OUT(TYPE, NAME)
%typemap(in, numinputs=0) TYPE **NAME (TYPE *tmp = NULL) "$1 = ($1_ltype)&tmp;";
%typemap(argout) TYPE **NAME {
    $result = SWIG_Python_AppendOutput($result,
        tmp$argnum ? SWIG_NewPointerObj(SWIG_as_voidptr(tmp$argnum), $*1_descriptor, 0)
                   : SWIG_Py_Void());
}
%enddef
HP_OUT(hp_dataset, out)
HP_OUT(const hp_region, out)
HP_OUT(const hp_indicator, out)
HP_OUT(const hp_plan, out)
HP_OUT(const hp_target, out)
HP_OUT(hp_results, out)
HP_OUT(hp_expr, out)

/* Strings the library allocates for the caller: returned as str and freed with hp_free(). */
%typemap(in, numinputs=0) char **out (char *tmp = NULL) "$1 = &tmp;";
%typemap(argout) char **out {
    $result = SWIG_Python_AppendOutput($result, hp_py_text(tmp$argnum));
}
%typemap(freearg) char **out "hp_free(tmp$argnum);";
%typemap(in, numinputs=0) (char **out, size_t *len) (char *tmp = NULL, size_t n = 0)
    "$1 = &tmp; $2 = &n;";
%typemap(argout) (char **out, size_t *len) {
    $result = SWIG_Python_AppendOutput($result,
        tmp$argnum ? PyUnicode_DecodeUTF8(tmp$argnum, (Py_ssize_t)n$argnum, "surrogateescape")
                   : SWIG_Py_Void());
}
%typemap(freearg) (char **out, size_t *len) "hp_free(tmp$argnum);";

/* Text buffers in: str (encoded as UTF-8) or bytes. */
%typemap(in) (const char *data, size_t len) (Py_buffer view, int have = 0) {
    if (PyUnicode_Check($input)) {
        Py_ssize_t n;
        const char *s = PyUnicode_AsUTF8AndSize($input, &n);
        if (!s)
            SWIG_fail;
        $1 = (char *)s;
        $2 = (size_t)n;
    } else {
        if (PyObject_GetBuffer($input, &view, PyBUF_SIMPLE) != 0)
            SWIG_fail;
        have = 1;
        $1 = (char *)view.buf;
        $2 = (size_t)view.len;
    }
}
%typemap(freearg) (const char *data, size_t len) "if (have$argnum) PyBuffer_Release(&view$argnum);";

/* Enumerations returned through a pointer. */
%typemap(in, numinputs=0) hp_method *out (hp_method tmp = HP_METHOD_OPENSDG) "$1 = &tmp;";
%typemap(argout) hp_method *out { $result = SWIG_Python_AppendOutput($result, PyLong_FromLong((long)tmp$argnum)); }
%typemap(in, numinputs=0) hp_rule_kind *out (hp_rule_kind tmp = HP_RULE_NONE) "$1 = &tmp;";
%typemap(argout) hp_rule_kind *out { $result = SWIG_Python_AppendOutput($result, PyLong_FromLong((long)tmp$argnum)); }

/* Every function of the C API that returns a status code. */
HP_RC(hp_set_allocator)
HP_RC(hp_dataset_new)
HP_RC(hp_dataset_builtin)
HP_RC(hp_dataset_add_builtin)
HP_RC(hp_dataset_add_region)
HP_RC(hp_dataset_find_region)
HP_RC(hp_dataset_add_indicator)
HP_RC(hp_dataset_find_indicator)
HP_RC(hp_dataset_match_indicator)
HP_RC(hp_dataset_add_plan)
HP_RC(hp_dataset_find_plan)
HP_RC(hp_dataset_add_target)
HP_RC(hp_dataset_find_target)
HP_RC(hp_rule_to_json)
HP_RC(hp_rule_kind_from_name)
HP_RC(hp_rule_describe)
HP_RC(hp_dataset_add_observations)
HP_RC(hp_dataset_add_series)
HP_RC(hp_dataset_observation)
HP_RC(hp_dataset_latest_observation)
HP_RC(hp_dataset_observation_at)
HP_RC(hp_progress_compute)
HP_RC(hp_method_from_name)
HP_RC(hp_evaluate)
HP_RC(hp_results_write)
HP_RC(hp_dataset_load_files)
HP_RC(hp_dataset_load)
HP_RC(hp_dataset_load_json_buffer)
HP_RC(hp_dataset_load_csv_buffer)
HP_RC(hp_dataset_save_json_buffer)
HP_RC(hp_dataset_save_json)
HP_RC(hp_dataset_save_observations_csv_buffer)
HP_RC(hp_expr_compile)
HP_RC(hp_expr_to_string)

/* The GIL is released around the calls that read or write a whole dataset. */
%thread hp_dataset_builtin;
%thread hp_dataset_add_builtin;
%thread hp_dataset_load;
%thread hp_dataset_load_json_buffer;
%thread hp_dataset_load_csv_buffer;
%thread hp_dataset_save_json_buffer;
%thread hp_dataset_save_json;
%thread hp_dataset_save_observations_csv_buffer;
%thread hp_results_write;

/* Not wrapped as such: structs holding borrowed strings or callbacks, value types the caller
 * must dispose, and the allocator hook (Python cannot supply C allocation functions). The
 * hp_py_* helpers below cover what they do. */
%ignore hp_set_allocator;
%ignore hp_allocator;
%ignore hp_region_info;
%ignore hp_dataset_add_region;
%ignore hp_indicator_info;
%ignore hp_dataset_add_indicator;
%ignore hp_indicator_ratio;
%ignore hp_plan_info;
%ignore hp_dataset_add_plan;
%ignore hp_target_info;
%ignore hp_dataset_add_target;
%ignore hp_rule;
%ignore hp_rule_init;
%ignore hp_rule_dispose;
%ignore hp_rule_copy;
%ignore hp_rule_parse;
%ignore hp_rule_from_json;
%ignore hp_observation;
%ignore hp_dataset_add_observations;
%ignore hp_dataset_add_series;
%ignore hp_dataset_observation;
%ignore hp_dataset_latest_observation;
%ignore hp_dataset_observation_at;
%ignore hp_eval_options;
%ignore hp_evaluate;
%ignore hp_results_reason;
%ignore hp_results_count_status;
%ignore hp_load_options;
%ignore hp_warning_fn;
%ignore hp_dataset_load_files;
%ignore hp_builtin_file;
%ignore hp_expr_lookup_fn;
%ignore hp_expr_eval;
%ignore hp_free;

/* Records handed out by the library are read-only, and never created or freed from Python
 * (hp_progress_input, hp_progress_result and hp_thresholds are the value types a caller
 * makes, for hp_progress_compute()). */
%nodefaultctor hp_error;
%nodefaultdtor hp_error;
%nodefaultctor hp_result;
%nodefaultdtor hp_result;
%nodefaultctor hp_compare_cell;
%nodefaultdtor hp_compare_cell;
%nodefaultctor hp_finding;
%nodefaultdtor hp_finding;
%immutable;

#define HP_EXTERN
%include "healthplan/version.h"
%include "healthplan/common.h"
%include "healthplan/dataset.h"
%include "healthplan/region.h"
%mutable;
%include "healthplan/progress.h"
%immutable;
%include "healthplan/indicator.h"
%include "healthplan/plan.h"
%include "healthplan/rule.h"
%include "healthplan/target.h"
%include "healthplan/observation.h"
%include "healthplan/evaluate.h"
%include "healthplan/io.h"
%include "healthplan/expr.h"

%mutable;

/* ------------------------------------------------------------------ helpers */
%inline %{
/* Install the function that turns (code, message, file, line, column, field) into an
 * exception; the healthplan package does this on import. */
void hp_py_set_error_factory(PyObject *factory)
{
    Py_XINCREF(factory);
    Py_XDECREF(hp_py_error_factory);
    hp_py_error_factory = factory;
}

/* The calling thread's error record as (code, message, file, line, column, field). */
PyObject *hp_py_last_error(void)
{
    const hp_error *e = hp_error_last();
    return Py_BuildValue("(iNNiiN)", e->code, hp_py_text(e->message), hp_py_text(e->file),
                         e->line, e->column, hp_py_text(e->field));
}
%}

%{
typedef struct hp_py_warnings {
    size_t n, cap;
    hp_error *items; /* strings malloc'ed */
} hp_py_warnings;

static char *hp_py_strdup(const char *s)
{
    size_t n = strlen(s ? s : "") + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s ? s : "", n);
    return d;
}

/* Runs without the GIL: only C. */
static void hp_py_collect_warning(void *ctx, const hp_error *w)
{
    hp_py_warnings *ws = ctx;
    if (ws->n == ws->cap) {
        size_t cap = ws->cap ? ws->cap * 2 : 8;
        hp_error *items = realloc(ws->items, cap * sizeof *items);
        if (!items)
            return; /* a warning lost under memory pressure is not worth failing the load */
        ws->items = items;
        ws->cap = cap;
    }
    hp_error *d = &ws->items[ws->n];
    d->code = w->code;
    d->line = w->line;
    d->column = w->column;
    d->message = hp_py_strdup(w->message);
    d->file = hp_py_strdup(w->file);
    d->field = hp_py_strdup(w->field);
    if (!d->message || !d->file || !d->field) {
        free((char *)d->message);
        free((char *)d->file);
        free((char *)d->field);
        return;
    }
    ws->n++;
}

static void hp_py_warnings_free(hp_py_warnings *ws)
{
    for (size_t i = 0; i < ws->n; i++) {
        free((char *)ws->items[i].message);
        free((char *)ws->items[i].file);
        free((char *)ws->items[i].field);
    }
    free(ws->items);
}

static PyObject *hp_py_result_number(double x)
{
    if (isnan(x))
        Py_RETURN_NONE;
    return PyFloat_FromDouble(x);
}

static PyObject *hp_py_result_year(int y)
{
    if (!y)
        Py_RETURN_NONE;
    return PyLong_FromLong(y);
}

static PyObject *hp_py_reason(const hp_results *res, size_t i)
{
    char buf[1024];
    int n = hp_results_reason(res, i, buf, sizeof buf);
    if (n < 0) {
        if (i >= hp_results_count(res))
            Py_RETURN_NONE;
        hp_py_raise(HP_ENOMEM); /* -1 for an index in range: memory ran out */
        return NULL;
    }
    if ((size_t)n < sizeof buf)
        return PyUnicode_DecodeUTF8(buf, n, "surrogateescape");
    char *big = malloc((size_t)n + 1);
    if (!big)
        return PyErr_NoMemory();
    int m = hp_results_reason(res, i, big, (size_t)n + 1);
    if (m < 0) {
        free(big);
        hp_py_raise(HP_ENOMEM);
        return NULL;
    }
    PyObject *s = PyUnicode_DecodeUTF8(big, m < n ? m : n, "surrogateescape");
    free(big);
    return s;
}

static PyObject *hp_py_rule_json_of(const hp_rule *rule)
{
    char *json = NULL;
    int rc = hp_rule_to_json(rule, &json);
    if (rc < 0) {
        hp_py_raise(rc);
        return NULL;
    }
    PyObject *s = hp_py_text(json);
    hp_free(json);
    return s;
}

static PyObject *hp_py_observation_tuple(const hp_observation *o)
{
    return Py_BuildValue("(NNiNiiNNN)", hp_py_text(o->region), hp_py_text(o->indicator), o->year,
                         hp_py_result_number(o->value), (int)o->verdict, (int)o->status,
                         hp_py_text(o->source ? o->source : ""),
                         hp_py_text(o->as_printed ? o->as_printed : ""),
                         hp_py_text(o->note ? o->note : ""));
}

static const char *hp_py_opt(const char *s)
{
    return (s && *s) ? s : NULL;
}
%}

%inline %{
/* Load files in one all-or-nothing step with the GIL released.
 * Returns the warnings as a list of (code, message, file, line, column, field). */
PyObject *hp_py_load_files(hp_dataset *ds, PyObject *paths, int strict)
{
    const char **arr;
    Py_ssize_t n;
    PyObject *keep = hp_py_strings(paths, &arr, &n, "paths");
    if (!keep)
        return NULL;
    for (Py_ssize_t i = 0; i < n; i++)
        if (!arr[i]) {
            PyMem_Free(arr);
            Py_DECREF(keep);
            PyErr_SetString(PyExc_TypeError, "paths: None is not a path");
            return NULL;
        }
    hp_py_warnings ws = {0, 0, NULL};
    hp_load_options o = HP_LOAD_OPTIONS_INIT;
    o.strict = strict;
    o.warn = hp_py_collect_warning;
    o.warn_ctx = &ws;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = hp_dataset_load_files(ds, (const char *const *)arr, (size_t)n, &o);
    Py_END_ALLOW_THREADS
    PyMem_Free(arr);
    Py_DECREF(keep);
    if (rc < 0) {
        hp_py_warnings_free(&ws);
        hp_py_raise(rc);
        return NULL;
    }
    PyObject *list = PyList_New((Py_ssize_t)ws.n);
    for (size_t i = 0; list && i < ws.n; i++) {
        const hp_error *w = &ws.items[i];
        PyObject *t = Py_BuildValue("(iNNiiN)", w->code, hp_py_text(w->message),
                                    hp_py_text(w->file), w->line, w->column, hp_py_text(w->field));
        if (!t) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, t);
    }
    hp_py_warnings_free(&ws);
    return list;
}

/* The built-in dataset files as a list of (name, bytes). */
PyObject *hp_py_builtin_files(void)
{
    size_t n = hp_builtin_count();
    PyObject *list = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; list && i < n; i++) {
        const char *data;
        size_t len;
        const char *name = hp_builtin_file(i, &data, &len);
        PyObject *t = Py_BuildValue("(sy#)", name, data, (Py_ssize_t)len);
        if (!t) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, t);
    }
    return list;
}

/* Add records: the hp_*_info structs, from keyword arguments of the pythonic layer. */
PyObject *hp_py_add_region(hp_dataset *ds, const char *code, const char *name_zh,
                           const char *name_en, const char *parent, int level)
{
    hp_region_info info = {code, name_zh, name_en, hp_py_opt(parent), (hp_level)level};
    int rc = hp_dataset_add_region(ds, &info);
    if (rc < 0) {
        hp_py_raise(rc);
        return NULL;
    }
    Py_RETURN_NONE;
}

PyObject *hp_py_add_indicator(hp_dataset *ds, const char *id, const char *name_zh,
                              const char *name_en, PyObject *aliases, const char *unit,
                              int direction, const char *category, const char *ratio_numerator,
                              const char *ratio_denominator, double ratio_scale, int additive,
                              const char *description)
{
    const char **arr;
    Py_ssize_t n;
    PyObject *keep = hp_py_strings(aliases, &arr, &n, "aliases");
    if (!keep)
        return NULL;
    for (Py_ssize_t i = 0; i < n; i++)
        if (!arr[i])
            arr[i] = "";
    hp_indicator_info info;
    memset(&info, 0, sizeof info);
    info.id = id;
    info.name_zh = name_zh;
    info.name_en = name_en;
    info.aliases = arr;
    info.naliases = (size_t)n;
    info.unit = unit;
    info.direction = (hp_direction)direction;
    info.category = category;
    info.ratio_numerator = hp_py_opt(ratio_numerator);
    info.ratio_denominator = hp_py_opt(ratio_denominator);
    info.ratio_scale = ratio_scale;
    info.additive = additive;
    info.description = description;
    int rc = hp_dataset_add_indicator(ds, &info);
    PyMem_Free(arr);
    Py_DECREF(keep);
    if (rc < 0) {
        hp_py_raise(rc);
        return NULL;
    }
    Py_RETURN_NONE;
}

PyObject *hp_py_add_plan(hp_dataset *ds, const char *id, const char *title, const char *region,
                         int start, int end, int baseline_year, const char *source)
{
    hp_plan_info info = {id, title, region, start, end, baseline_year, source};
    int rc = hp_dataset_add_plan(ds, &info);
    if (rc < 0) {
        hp_py_raise(rc);
        return NULL;
    }
    Py_RETURN_NONE;
}

/* rule_json: the rule in its JSON form (docs/format.md). */
PyObject *hp_py_add_target(hp_dataset *ds, const char *plan, const char *id,
                           const char *indicator, const char *region, int year,
                           const char *rule_json, int nature, const char *as_printed,
                           const char *source, const char *unit_as_printed, const char *note,
                           const char *lead, PyObject *partners)
{
    hp_rule rule;
    int rc = hp_rule_from_json(rule_json, &rule);
    if (rc < 0) {
        hp_py_raise(rc);
        return NULL;
    }
    const char **arr;
    Py_ssize_t n;
    PyObject *keep = hp_py_strings(partners, &arr, &n, "partners");
    if (!keep) {
        hp_rule_dispose(&rule);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++)
        if (!arr[i])
            arr[i] = "";
    hp_target_info info;
    memset(&info, 0, sizeof info);
    info.plan = plan;
    info.id = id;
    info.indicator = indicator;
    info.region = hp_py_opt(region);
    info.year = year;
    info.rule = &rule;
    info.nature = (hp_nature)nature;
    info.as_printed = as_printed;
    info.source = source;
    info.unit_as_printed = unit_as_printed;
    info.note = note;
    info.lead = lead;
    info.partners = arr;
    info.npartners = (size_t)n;
    rc = hp_dataset_add_target(ds, &info);
    PyMem_Free(arr);
    Py_DECREF(keep);
    hp_rule_dispose(&rule);
    if (rc < 0) {
        hp_py_raise(rc);
        return NULL;
    }
    Py_RETURN_NONE;
}

/* Add one series from buffers (numpy int32 years and float64 values) without a Python loop;
 * the GIL is released while the library merges them. */
PyObject *hp_py_add_series(hp_dataset *ds, const char *region, const char *indicator,
                           PyObject *years, PyObject *values, const char *source)
{
    Py_buffer yb, vb;
    if (hp_py_buffer(years, &yb, 0, 'i', (Py_ssize_t)sizeof(int), "years") < 0)
        return NULL;
    if (hp_py_buffer(values, &vb, 0, 'f', (Py_ssize_t)sizeof(double), "values") < 0) {
        PyBuffer_Release(&yb);
        return NULL;
    }
    Py_ssize_t n = yb.len / yb.itemsize;
    if (vb.len / vb.itemsize != n) {
        PyErr_Format(PyExc_ValueError, "years and values differ in length (%zd and %zd)", n,
                     vb.len / vb.itemsize);
        PyBuffer_Release(&yb);
        PyBuffer_Release(&vb);
        return NULL;
    }
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = hp_dataset_add_series(ds, region, indicator, (const int *)yb.buf,
                               (const double *)vb.buf, (size_t)n, hp_py_opt(source));
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&yb);
    PyBuffer_Release(&vb);
    if (rc < 0) {
        hp_py_raise(rc);
        return NULL;
    }
    Py_RETURN_NONE;
}

/* Add observations given as columns: regions and indicators (sequences of str), years
 * (int32 buffer), values (float64 buffer, NaN for none), and optionally verdicts and statuses
 * (int8 buffers) and sources, as_printed and notes (sequences of str or None). One all-or-nothing
 * call, with the GIL released while the library merges them. */
PyObject *hp_py_add_observation_columns(hp_dataset *ds, PyObject *regions, PyObject *indicators,
                                        PyObject *years, PyObject *values, PyObject *verdicts,
                                        PyObject *statuses, PyObject *sources,
                                        PyObject *as_printed, PyObject *notes)
{
    PyObject *keep[5] = {NULL, NULL, NULL, NULL, NULL};
    const char **col[5] = {NULL, NULL, NULL, NULL, NULL};
    Py_ssize_t len[5] = {0, 0, 0, 0, 0};
    Py_buffer yb, vb, db, sb;
    int have_y = 0, have_v = 0, have_d = 0, have_s = 0;
    hp_observation *obs = NULL;
    PyObject *ret = NULL;
    static const char *const names[5] = {"regions", "indicators", "sources", "as_printed",
                                         "notes"};
    PyObject *const seqs[5] = {regions, indicators, sources, as_printed, notes};
    for (int k = 0; k < 5; k++) {
        keep[k] = hp_py_strings(seqs[k], &col[k], &len[k], names[k]);
        if (!keep[k])
            goto done;
    }
    if (!col[0] || !col[1]) {
        PyErr_SetString(PyExc_TypeError, "regions and indicators are required");
        goto done;
    }
    if (hp_py_buffer(years, &yb, 0, 'i', (Py_ssize_t)sizeof(int), "years") < 0)
        goto done;
    have_y = 1;
    if (hp_py_buffer(values, &vb, 0, 'f', (Py_ssize_t)sizeof(double), "values") < 0)
        goto done;
    have_v = 1;
    if (verdicts != Py_None) {
        if (hp_py_buffer(verdicts, &db, 0, 'i', 1, "verdicts") < 0)
            goto done;
        have_d = 1;
    }
    if (statuses != Py_None) {
        if (hp_py_buffer(statuses, &sb, 0, 'i', 1, "statuses") < 0)
            goto done;
        have_s = 1;
    }
    Py_ssize_t n = len[0];
    if (len[1] != n || yb.len / yb.itemsize != n || vb.len / vb.itemsize != n ||
        (have_d && db.len != n) || (have_s && sb.len != n) || (col[2] && len[2] != n) ||
        (col[3] && len[3] != n) || (col[4] && len[4] != n)) {
        PyErr_SetString(PyExc_ValueError, "observation columns differ in length");
        goto done;
    }
    obs = PyMem_Calloc(n ? (size_t)n : 1, sizeof *obs);
    if (!obs) {
        PyErr_NoMemory();
        goto done;
    }
    const int *y = yb.buf;
    const double *v = vb.buf;
    const signed char *d = have_d ? db.buf : NULL;
    const signed char *s = have_s ? sb.buf : NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!col[0][i] || !col[1][i]) {
            PyErr_Format(PyExc_ValueError, "observation %zd has no %s", i,
                         col[0][i] ? "indicator" : "region");
            goto done;
        }
        obs[i].region = col[0][i];
        obs[i].indicator = col[1][i];
        obs[i].year = y[i];
        obs[i].value = v[i];
        obs[i].verdict = d ? (hp_verdict)d[i] : HP_VERDICT_NONE;
        obs[i].status = s ? (hp_obs_status)s[i] : HP_OBS_FINAL;
        obs[i].source = col[2] ? col[2][i] : NULL;
        obs[i].as_printed = col[3] ? col[3][i] : NULL;
        obs[i].note = col[4] ? col[4][i] : NULL;
    }
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = hp_dataset_add_observations(ds, obs, (size_t)n);
    Py_END_ALLOW_THREADS
    if (rc < 0) {
        hp_py_raise(rc);
        goto done;
    }
    ret = Py_NewRef(Py_None);
done:
    PyMem_Free(obs);
    if (have_y)
        PyBuffer_Release(&yb);
    if (have_v)
        PyBuffer_Release(&vb);
    if (have_d)
        PyBuffer_Release(&db);
    if (have_s)
        PyBuffer_Release(&sb);
    for (int k = 0; k < 5; k++) {
        PyMem_Free(col[k]);
        Py_XDECREF(keep[k]);
    }
    return ret;
}

/* One observation as (region, indicator, year, value, verdict, status, source, as_printed, note):
 * in exactly `year`, or with latest != 0 the latest with a number at or before it. */
PyObject *hp_py_observation(const hp_dataset *ds, const char *region, const char *indicator,
                            int year, int latest)
{
    hp_observation o;
    int rc = latest ? hp_dataset_latest_observation(ds, region, indicator, year, &o)
                    : hp_dataset_observation(ds, region, indicator, year, &o);
    if (rc < 0) {
        hp_py_raise(rc);
        return NULL;
    }
    return hp_py_observation_tuple(&o);
}

/* Every observation (in storage order) as a list of tuples as hp_py_observation() gives,
 * optionally only those of one region and/or indicator. */
PyObject *hp_py_observations(const hp_dataset *ds, const char *region, const char *indicator)
{
    PyObject *list = PyList_New(0);
    size_t n = hp_dataset_observation_count(ds);
    for (size_t i = 0; list && i < n; i++) {
        hp_observation o;
        if (hp_dataset_observation_at(ds, i, &o) != HP_OK)
            break;
        if ((region && strcmp(region, o.region)) || (indicator && strcmp(indicator, o.indicator)))
            continue;
        PyObject *t = hp_py_observation_tuple(&o);
        if (!t || PyList_Append(list, t) < 0) {
            Py_XDECREF(t);
            Py_CLEAR(list);
            break;
        }
        Py_DECREF(t);
    }
    return list;
}

/* The ratio definition of an indicator: (numerator id, denominator id, scale) or None. */
PyObject *hp_py_indicator_ratio(const hp_indicator *ind)
{
    const hp_indicator *num = NULL, *den = NULL;
    double scale = NAN;
    if (!hp_indicator_ratio(ind, &num, &den, &scale))
        Py_RETURN_NONE;
    return Py_BuildValue("(NNd)", hp_py_text(num ? hp_indicator_id(num) : NULL),
                         hp_py_text(den ? hp_indicator_id(den) : NULL), scale);
}

/* Rules: read a phrase, describe a rule, both through the JSON form. */
PyObject *hp_py_rule_parse(const char *phrase)
{
    hp_rule rule;
    int rc = hp_rule_parse(phrase, &rule);
    if (rc < 0) {
        hp_py_raise(rc);
        return NULL;
    }
    PyObject *s = hp_py_rule_json_of(&rule);
    hp_rule_dispose(&rule);
    return s;
}

/* The canonical JSON and the description of a rule given in JSON: (json, description). */
PyObject *hp_py_rule_normalize(const char *json)
{
    hp_rule rule;
    int rc = hp_rule_from_json(json, &rule);
    if (rc < 0) {
        hp_py_raise(rc);
        return NULL;
    }
    char *desc = NULL;
    PyObject *canon = hp_py_rule_json_of(&rule);
    if (!canon) {
        hp_rule_dispose(&rule);
        return NULL;
    }
    rc = hp_rule_describe(&rule, &desc);
    hp_rule_dispose(&rule);
    if (rc < 0) {
        Py_DECREF(canon);
        hp_py_raise(rc);
        return NULL;
    }
    PyObject *t = Py_BuildValue("(NN)", canon, hp_py_text(desc));
    hp_free(desc);
    return t;
}

/* The rule of a target as (json, description). */
PyObject *hp_py_target_rule(const hp_target *t)
{
    const hp_rule *rule = hp_target_rule(t);
    PyObject *canon = hp_py_rule_json_of(rule);
    if (!canon)
        return NULL;
    char *desc = NULL;
    int rc = hp_rule_describe(rule, &desc);
    if (rc < 0) {
        Py_DECREF(canon);
        hp_py_raise(rc);
        return NULL;
    }
    PyObject *r = Py_BuildValue("(NN)", canon, hp_py_text(desc));
    hp_free(desc);
    return r;
}

/* Evaluate with the GIL released around hp_evaluate(). Strings may be None or ""; method,
 * baseline policy and nature as their enum codes; NaN for a tolerance or threshold keeps the
 * default. Returns the hp_results handle, owned by the caller (hp_results_free()). */
PyObject *hp_py_evaluate(const hp_dataset *ds, const char *plan, const char *region,
                         const char *indicator, int as_of, int nature, int method,
                         int baseline, double tolerance, int threads,
                         double significant, double moderate, double unsd_on_track,
                         double unsd_moderate, double trend_significant,
                         double trend_moderate, double zero_substitute)
{
    hp_eval_options o = HP_EVAL_OPTIONS_INIT;
    o.plan = hp_py_opt(plan);
    o.region = hp_py_opt(region);
    o.indicator = hp_py_opt(indicator);
    o.as_of = as_of;
    o.nature = nature;
    o.method = (hp_method)method;
    o.baseline = (hp_baseline_policy)baseline;
    if (!isnan(tolerance))
        o.tolerance = tolerance;
    o.threads = threads;
    const double th[7] = {significant, moderate, unsd_on_track, unsd_moderate,
                          trend_significant, trend_moderate, zero_substitute};
    double *dst[7] = {&o.thresholds.significant, &o.thresholds.moderate,
                      &o.thresholds.unsd_on_track, &o.thresholds.unsd_moderate,
                      &o.thresholds.trend_significant, &o.thresholds.trend_moderate,
                      &o.thresholds.zero_substitute};
    for (int k = 0; k < 7; k++)
        if (!isnan(th[k]))
            *dst[k] = th[k];
    hp_results *res = NULL;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = hp_evaluate(ds, &o, &res);
    Py_END_ALLOW_THREADS
    if (rc < 0) {
        hp_py_raise(rc);
        return NULL;
    }
    return SWIG_NewPointerObj(SWIG_as_voidptr(res), SWIGTYPE_p_hp_results, 0);
}
%}

%inline %{
/* Result row i as a tuple: (plan, target, region, indicator, year, status, cls, baseline_year,
 * baseline, target_value, latest_year, latest, gap, progress, required_rate, actual_rate,
 * ratio, met, reason, nature, as_printed); None for NaN doubles and 0 years. */
PyObject *hp_py_result(const hp_results *res, size_t i)
{
    const hp_result *r = hp_results_at(res, i);
    if (!r) {
        PyErr_SetString(PyExc_IndexError, "result index out of range");
        return NULL;
    }
    const hp_target *t = r->target;
    PyObject *cls = r->cls == HP_CLASS_NONE ? Py_NewRef(Py_None)
                                            : hp_py_text(hp_progress_class_name(r->cls));
    return Py_BuildValue("(NNNNiNNNNNNNNNNNNNNNN)", hp_py_text(hp_plan_id(hp_target_plan(t))),
                         hp_py_text(hp_target_id(t)),
                         hp_py_text(hp_region_code(hp_target_region(t))),
                         hp_py_text(hp_indicator_id(hp_target_indicator(t))), hp_target_year(t),
                         hp_py_text(hp_status_name(r->status)), cls,
                         hp_py_result_year(r->baseline_year), hp_py_result_number(r->baseline),
                         hp_py_result_number(r->target_value), hp_py_result_year(r->latest_year),
                         hp_py_result_number(r->latest), hp_py_result_number(r->gap),
                         hp_py_result_number(r->progress), hp_py_result_number(r->required_rate),
                         hp_py_result_number(r->actual_rate), hp_py_result_number(r->ratio),
                         PyBool_FromLong(r->met), hp_py_reason(res, i),
                         hp_py_text(hp_nature_name(hp_target_nature(t))),
                         hp_py_text(hp_target_as_printed(t)));
}

/* Result rows start..stop-1 as a list of tuples as hp_py_result() gives. */
PyObject *hp_py_results_rows(const hp_results *res, size_t start, size_t stop)
{
    size_t n = hp_results_count(res);
    if (stop > n)
        stop = n;
    if (start > stop)
        start = stop;
    PyObject *list = PyList_New((Py_ssize_t)(stop - start));
    for (size_t i = start; list && i < stop; i++) {
        PyObject *t = hp_py_result(res, i);
        if (!t) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)(i - start), t);
    }
    return list;
}

/* The CSV columns of hp_results_write() as a dict of lists, typed: numbers as float, years as
 * int, empty cells as None. One C loop. */
PyObject *hp_py_results_columns(const hp_results *res)
{
    static const char *const cols[] = {
        "plan", "target", "region", "indicator", "year", "rule", "nature", "as_printed",
        "baseline_year", "baseline_value", "target_value", "latest_year", "latest_value",
        "status", "gap", "progress", "required_rate", "actual_rate", "ratio", "class", "reason"};
    enum { NCOLS = sizeof cols / sizeof *cols };
    size_t n = hp_results_count(res);
    PyObject *lists[NCOLS];
    PyObject *dict = PyDict_New();
    if (!dict)
        return NULL;
    for (int k = 0; k < NCOLS; k++) {
        lists[k] = PyList_New((Py_ssize_t)n);
        if (!lists[k] || PyDict_SetItemString(dict, cols[k], lists[k]) < 0) {
            Py_XDECREF(lists[k]);
            for (int j = 0; j < k; j++)
                Py_DECREF(lists[j]);
            Py_DECREF(dict);
            return NULL;
        }
    }
    PyObject *ret = dict;
    for (size_t i = 0; i < n; i++) {
        const hp_result *r = hp_results_at(res, i);
        const hp_target *t = r->target;
        const char *as_printed = hp_target_as_printed(t);
        PyObject *v[NCOLS] = {
            hp_py_text(hp_plan_id(hp_target_plan(t))),
            hp_py_text(hp_target_id(t)),
            hp_py_text(hp_region_code(hp_target_region(t))),
            hp_py_text(hp_indicator_id(hp_target_indicator(t))),
            PyLong_FromLong(hp_target_year(t)),
            hp_py_rule_json_of(hp_target_rule(t)),
            hp_py_text(hp_nature_name(hp_target_nature(t))),
            *as_printed ? hp_py_text(as_printed) : Py_NewRef(Py_None),
            hp_py_result_year(r->baseline_year),
            hp_py_result_number(r->baseline),
            hp_py_result_number(r->target_value),
            hp_py_result_year(r->latest_year),
            hp_py_result_number(r->latest),
            hp_py_text(hp_status_name(r->status)),
            hp_py_result_number(r->gap),
            hp_py_result_number(r->progress),
            hp_py_result_number(r->required_rate),
            hp_py_result_number(r->actual_rate),
            hp_py_result_number(r->ratio),
            r->cls == HP_CLASS_NONE ? Py_NewRef(Py_None) : hp_py_text(hp_progress_class_name(r->cls)),
            hp_py_reason(res, i)};
        for (int k = 0; k < NCOLS; k++) {
            if (!v[k]) {
                ret = NULL;
                v[k] = Py_NewRef(Py_None);
            }
            PyList_SET_ITEM(lists[k], (Py_ssize_t)i, v[k]);
        }
        if (!ret)
            break;
    }
    for (int k = 0; k < NCOLS; k++)
        Py_DECREF(lists[k]);
    if (!ret)
        Py_DECREF(dict);
    return ret;
}

/* Fill caller-provided buffers (numpy arrays of length hp_results_count()) in one C loop.
 * `arrays` maps names to buffers; known names and types:
 *   status, cls (int8: hp_status / hp_progress_class codes), met (bool or int8),
 *   year, baseline_year, latest_year (int32, 0 when none),
 *   region_index, indicator_index (int64: positions of the target's region and indicator
 *   in the dataset, as hp_region_index() and hp_indicator_index() give),
 *   baseline, target_value, latest, gap, progress, required_rate, actual_rate, ratio
 *   (float64, NaN when none).
 * Unknown names raise KeyError; missing names are skipped. */
PyObject *hp_py_results_fill(const hp_results *res, PyObject *arrays)
{
    enum { F_I8, F_BOOL, F_I32, F_I64, F_F64 };
    static const struct { const char *name; int type; } fields[] = {
        {"status", F_I8}, {"cls", F_I8}, {"met", F_BOOL}, {"year", F_I32},
        {"baseline_year", F_I32}, {"latest_year", F_I32}, {"region_index", F_I64},
        {"indicator_index", F_I64}, {"baseline", F_F64},
        {"target_value", F_F64}, {"latest", F_F64}, {"gap", F_F64}, {"progress", F_F64},
        {"required_rate", F_F64}, {"actual_rate", F_F64}, {"ratio", F_F64}};
    enum { NF = sizeof fields / sizeof *fields };
    Py_buffer views[NF];
    int have[NF];
    memset(have, 0, sizeof have);
    PyObject *ret = NULL;
    if (!PyDict_Check(arrays)) {
        PyErr_SetString(PyExc_TypeError, "arrays must be a dict of name -> buffer");
        return NULL;
    }
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    while (PyDict_Next(arrays, &pos, &key, &value)) {
        const char *k = PyUnicode_Check(key) ? PyUnicode_AsUTF8(key) : NULL;
        int f = -1;
        for (int j = 0; k && j < NF; j++)
            if (!strcmp(k, fields[j].name))
                f = j;
        if (f < 0) {
            PyErr_SetObject(PyExc_KeyError, key);
            goto done;
        }
    }
    size_t n = hp_results_count(res);
    for (int j = 0; j < NF; j++) {
        PyObject *buf = PyDict_GetItemString(arrays, fields[j].name);
        if (!buf)
            continue;
        int t = fields[j].type;
        int rc;
        if (t == F_BOOL) {
            /* bool arrays, or int8 */
            rc = hp_py_buffer(buf, &views[j], 1, '?', 1, fields[j].name);
            if (rc < 0) {
                PyErr_Clear();
                rc = hp_py_buffer(buf, &views[j], 1, 'i', 1, fields[j].name);
            }
        } else {
            rc = hp_py_buffer(buf, &views[j], 1, t == F_F64 ? 'f' : 'i',
                              t == F_I8 ? 1 : t == F_I32 ? 4 : 8, fields[j].name);
        }
        if (rc < 0)
            goto done;
        have[j] = 1;
        if ((size_t)(views[j].len / views[j].itemsize) != n) {
            PyErr_Format(PyExc_ValueError, "%s: %zd items for %zu results", fields[j].name,
                         views[j].len / views[j].itemsize, n);
            goto done;
        }
    }
    for (size_t i = 0; i < n; i++) {
        const hp_result *r = hp_results_at(res, i);
        const hp_target *t = r->target;
        for (int j = 0; j < NF; j++) {
            if (!have[j])
                continue;
            void *b = views[j].buf;
            switch (j) {
            case 0: ((int8_t *)b)[i] = (int8_t)r->status; break;
            case 1: ((int8_t *)b)[i] = (int8_t)r->cls; break;
            case 2: ((int8_t *)b)[i] = (int8_t)(r->met != 0); break;
            case 3: ((int32_t *)b)[i] = hp_target_year(t); break;
            case 4: ((int32_t *)b)[i] = r->baseline_year; break;
            case 5: ((int32_t *)b)[i] = r->latest_year; break;
            case 6: ((int64_t *)b)[i] = (int64_t)hp_region_index(hp_target_region(t)); break;
            case 7: ((int64_t *)b)[i] = (int64_t)hp_indicator_index(hp_target_indicator(t)); break;
            case 8: ((double *)b)[i] = r->baseline; break;
            case 9: ((double *)b)[i] = r->target_value; break;
            case 10: ((double *)b)[i] = r->latest; break;
            case 11: ((double *)b)[i] = r->gap; break;
            case 12: ((double *)b)[i] = r->progress; break;
            case 13: ((double *)b)[i] = r->required_rate; break;
            case 14: ((double *)b)[i] = r->actual_rate; break;
            case 15: ((double *)b)[i] = r->ratio; break;
            }
        }
    }
    ret = Py_NewRef(Py_None);
done:
    for (int j = 0; j < NF; j++)
        if (have[j])
            PyBuffer_Release(&views[j]);
    return ret;
}

/* The string columns plan, target, region, indicator as four lists (one C loop). */
PyObject *hp_py_results_keys(const hp_results *res)
{
    size_t n = hp_results_count(res);
    PyObject *l[4];
    for (int k = 0; k < 4; k++)
        l[k] = PyList_New((Py_ssize_t)n);
    if (!l[0] || !l[1] || !l[2] || !l[3])
        goto fail;
    for (size_t i = 0; i < n; i++) {
        const hp_target *t = hp_results_at(res, i)->target;
        PyObject *v[4] = {hp_py_text(hp_plan_id(hp_target_plan(t))), hp_py_text(hp_target_id(t)),
                          hp_py_text(hp_region_code(hp_target_region(t))),
                          hp_py_text(hp_indicator_id(hp_target_indicator(t)))};
        int bad = 0;
        for (int k = 0; k < 4; k++) {
            if (!v[k]) {
                bad = 1;
                v[k] = Py_NewRef(Py_None);
            }
            PyList_SET_ITEM(l[k], (Py_ssize_t)i, v[k]);
        }
        if (bad)
            goto fail;
    }
    return Py_BuildValue("(NNNN)", l[0], l[1], l[2], l[3]);
fail:
    for (int k = 0; k < 4; k++)
        Py_XDECREF(l[k]);
    return NULL;
}

/* Counts by status (a tuple of HP_STATUS_COUNT ints) of the results matching plan (None for
 * all), nature (-1 for all) and category (None for all). */
PyObject *hp_py_count_status(const hp_results *res, const char *plan, int nature,
                             const char *category)
{
    size_t counts[HP_STATUS_COUNT];
    hp_results_count_status(res, plan, nature, category, counts);
    PyObject *t = PyTuple_New(HP_STATUS_COUNT);
    for (int s = 0; t && s < HP_STATUS_COUNT; s++) {
        PyObject *c = PyLong_FromSize_t(counts[s]);
        if (!c) {
            Py_CLEAR(t);
            break;
        }
        PyTuple_SET_ITEM(t, s, c);
    }
    return t;
}

/* The reason of result i. */
PyObject *hp_py_results_reason(const hp_results *res, size_t i)
{
    return hp_py_reason(res, i);
}
%}

%{
/* Expression variables come from a Python mapping (the GIL is held: hp_expr_eval runs here). */
static int hp_py_expr_lookup(void *ctx, const char *name, double *value)
{
    PyObject *v = PyMapping_GetItemString((PyObject *)ctx, name);
    if (!v) {
        if (PyErr_ExceptionMatches(PyExc_KeyError)) {
            PyErr_Clear();
            return HP_ENOTFOUND;
        }
        return HP_ERROR;
    }
    if (v == Py_None) {
        Py_DECREF(v);
        return HP_ENOTFOUND;
    }
    double d = PyFloat_AsDouble(v);
    Py_DECREF(v);
    if (d == -1.0 && PyErr_Occurred())
        return HP_EINVAL;
    *value = d;
    return HP_OK;
}
%}

%inline %{
/* Evaluate a compiled expression with variables from a mapping (dict). */
PyObject *hp_py_expr_eval(const hp_expr *e, PyObject *variables)
{
    double out = NAN;
    int rc = hp_expr_eval(e, hp_py_expr_lookup, variables, &out);
    if (PyErr_Occurred())
        return NULL; /* the mapping raised: that exception stands */
    if (rc < 0) {
        hp_py_raise(rc);
        return NULL;
    }
    return PyFloat_FromDouble(out);
}
%}

/* ------------------------------------------------------------------ progress.h */
%inline %{
/* hp_progress_compute() on plain numbers: (class name, required_rate, actual_rate, ratio,
 * progress, note), None for NaN; NaN thresholds keep the defaults. */
PyObject *hp_py_progress(int method, int direction, int base_year, double base, int latest_year,
                         double latest, int target_year, double target, int linear, int met,
                         double significant, double moderate, double unsd_on_track,
                         double unsd_moderate, double trend_significant, double trend_moderate,
                         double zero_substitute)
{
    hp_progress_input in;
    memset(&in, 0, sizeof in);
    in.method = (hp_method)method;
    in.direction = (hp_direction)direction;
    in.base_year = base_year;
    in.base = base;
    in.latest_year = latest_year;
    in.latest = latest;
    in.target_year = target_year;
    in.target = target;
    in.linear = linear;
    in.met = met;
    hp_thresholds th = HP_THRESHOLDS_INIT;
    const double v[7] = {significant, moderate, unsd_on_track, unsd_moderate, trend_significant,
                         trend_moderate, zero_substitute};
    double *dst[7] = {&th.significant, &th.moderate, &th.unsd_on_track, &th.unsd_moderate,
                      &th.trend_significant, &th.trend_moderate, &th.zero_substitute};
    for (int k = 0; k < 7; k++)
        if (!isnan(v[k]))
            *dst[k] = v[k];
    hp_progress_result out;
    int rc = hp_progress_compute(&in, &th, &out);
    if (rc < 0) {
        hp_py_raise(rc);
        return NULL;
    }
    return Py_BuildValue("(NNNNNN)",
                         out.cls == HP_CLASS_NONE ? Py_NewRef(Py_None)
                                                  : hp_py_text(hp_progress_class_name(out.cls)),
                         hp_py_result_number(out.required_rate),
                         hp_py_result_number(out.actual_rate), hp_py_result_number(out.ratio),
                         hp_py_result_number(out.progress), hp_py_text(out.note));
}
%}

/* ------------------------------------------------------------------ compare.h, audit.h */
#ifdef HP_HAVE_COMPARE
HP_RC(hp_comparison_write)
%thread hp_comparison_write;
%ignore hp_compare_options;
%ignore hp_compare;
%immutable;
%include "healthplan/compare.h"
%mutable;

%inline %{
/* Compare regions (codes, in column order) on indicators (ids; None for all they observe or
 * target) at `year` (0: each region's latest); the regions' own targets are evaluated with
 * method / baseline policy / nature as in hp_py_evaluate(). The GIL is released around
 * hp_compare(). Returns the hp_comparison handle, owned by the caller (hp_comparison_free()). */
PyObject *hp_py_compare(const hp_dataset *ds, PyObject *regions, PyObject *indicators, int year,
                        int method, int baseline, int nature, double tolerance)
{
    const char **rc_arr = NULL, **ic_arr = NULL;
    Py_ssize_t nr = 0, ni = 0;
    PyObject *keep_r = hp_py_strings(regions, &rc_arr, &nr, "regions");
    if (!keep_r)
        return NULL;
    PyObject *keep_i = hp_py_strings(indicators, &ic_arr, &ni, "indicators");
    if (!keep_i) {
        PyMem_Free(rc_arr);
        Py_DECREF(keep_r);
        return NULL;
    }
    PyObject *ret = NULL;
    for (Py_ssize_t k = 0; k < nr; k++)
        if (!rc_arr[k]) {
            PyErr_SetString(PyExc_TypeError, "regions: None is not a region code");
            goto done;
        }
    for (Py_ssize_t k = 0; k < ni; k++)
        if (!ic_arr[k]) {
            PyErr_SetString(PyExc_TypeError, "indicators: None is not an indicator id");
            goto done;
        }
    hp_compare_options o = HP_COMPARE_OPTIONS_INIT;
    o.regions = rc_arr;
    o.nregions = (size_t)nr;
    o.indicators = ic_arr;
    o.nindicators = (size_t)ni;
    o.year = year;
    o.eval.method = (hp_method)method;
    o.eval.baseline = (hp_baseline_policy)baseline;
    o.eval.nature = nature;
    if (!isnan(tolerance))
        o.eval.tolerance = tolerance;
    hp_comparison *cmp = NULL;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = hp_compare(ds, &o, &cmp);
    Py_END_ALLOW_THREADS
    if (rc < 0) {
        hp_py_raise(rc);
        goto done;
    }
    ret = SWIG_NewPointerObj(SWIG_as_voidptr(cmp), SWIGTYPE_p_hp_comparison, 0);
done:
    PyMem_Free(rc_arr);
    PyMem_Free(ic_arr);
    Py_DECREF(keep_r);
    Py_DECREF(keep_i);
    return ret;
}

/* Every cell, row by row (indicator), column by column (region), as a tuple
 * (indicator, region, year, value, rank, plan, target, target_year, target_value, status, gap):
 * the columns of hp_comparison_write(), None where empty. */
PyObject *hp_py_comparison_cells(const hp_comparison *cmp)
{
    size_t nr = hp_comparison_indicator_count(cmp), nc = hp_comparison_region_count(cmp);
    PyObject *list = PyList_New(0);
    for (size_t i = 0; list && i < nr; i++)
        for (size_t j = 0; list && j < nc; j++) {
            const hp_compare_cell *c = hp_comparison_cell(cmp, i, j);
            const hp_target *t = c->target;
            PyObject *tup = Py_BuildValue(
                "(NNNNNNNNNNN)", hp_py_text(hp_indicator_id(c->indicator)),
                hp_py_text(hp_region_code(c->region)), hp_py_result_year(c->year),
                hp_py_result_number(c->value),
                c->rank ? PyLong_FromLong(c->rank) : Py_NewRef(Py_None),
                t ? hp_py_text(hp_plan_id(hp_target_plan(t))) : Py_NewRef(Py_None),
                t ? hp_py_text(hp_target_id(t)) : Py_NewRef(Py_None),
                t ? PyLong_FromLong(hp_target_year(t)) : Py_NewRef(Py_None),
                t ? hp_py_result_number(c->target_value) : Py_NewRef(Py_None),
                t ? hp_py_text(hp_status_name(c->status)) : Py_NewRef(Py_None),
                t ? hp_py_result_number(c->gap) : Py_NewRef(Py_None));
            if (!tup || PyList_Append(list, tup) < 0)
                Py_CLEAR(list);
            Py_XDECREF(tup);
        }
    return list;
}
%}
#endif

#ifdef HP_HAVE_AUDIT
HP_OUT(hp_audit_report, out)
HP_RC(hp_audit)
HP_RC(hp_audit_write)
%thread hp_audit;
%thread hp_audit_write;
%immutable;
%include "healthplan/audit.h"
%mutable;

%inline %{
/* Every finding as a tuple (severity, kind, region, indicator, year, reported, computed,
 * message, where, target, other): the columns of hp_audit_write() then the targets concerned
 * as "plan/id"; None where empty. */
PyObject *hp_py_audit_findings(const hp_audit_report *rep)
{
    size_t n = hp_audit_count(rep);
    PyObject *list = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; list && i < n; i++) {
        const hp_finding *f = hp_audit_at(rep, i);
        PyObject *tk[2] = {NULL, NULL};
        const hp_target *ts[2] = {f->target, f->other};
        for (int k = 0; k < 2; k++)
            tk[k] = ts[k] ? PyUnicode_FromFormat("%s/%s", hp_plan_id(hp_target_plan(ts[k])),
                                                 hp_target_id(ts[k]))
                          : Py_NewRef(Py_None);
        PyObject *tup = Py_BuildValue(
            "(NNNNNNNNNNN)", hp_py_text(hp_severity_name(f->severity)),
            hp_py_text(hp_finding_kind_name(f->kind)),
            f->region ? hp_py_text(hp_region_code(f->region)) : Py_NewRef(Py_None),
            f->indicator ? hp_py_text(hp_indicator_id(f->indicator)) : Py_NewRef(Py_None),
            hp_py_result_year(f->year), hp_py_result_number(f->reported),
            hp_py_result_number(f->computed), hp_py_text(f->message), hp_py_text(f->where),
            tk[0], tk[1]);
        if (!tup) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, tup);
    }
    return list;
}
%}
#endif

/* ---- rollup.h ---- */
%{
#include "healthplan/rollup.h"
%}
%inline %{
/* Derive the figures of parent regions (hp_dataset_rollup); the number added. */
PyObject *hp_py_rollup(hp_dataset *ds)
{
    size_t added = 0;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = hp_dataset_rollup(ds, &added);
    Py_END_ALLOW_THREADS
    if (rc < 0) {
        hp_py_raise(rc);
        return NULL;
    }
    return PyLong_FromSize_t(added);
}
%}
