/* Internal helpers shared by every module: allocation, error records, string buffers. */
#ifndef HP_COMMON_INTERNAL_H
#define HP_COMMON_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "healthplan/common.h"

#if defined(__GNUC__)
#define HP_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define HP_UNUSED __attribute__((unused))
#else
#define HP_PRINTF(a, b)
#define HP_UNUSED
#endif

/* ---- allocation (through the hook set by hp_set_allocator) ---- */
void *hp__malloc(size_t n);
void *hp__calloc(size_t count, size_t size);   /* zeroed; checks count*size overflow */
void *hp__realloc(void *p, size_t n);
void hp__free(void *p);
char *hp__strdup(const char *s);                /* NULL -> NULL */
char *hp__strndup(const char *s, size_t n);
/* Nonzero when an allocation by cJSON failed on this thread since the flag was last reset
 * (reset != 0 clears it). Call with reset before cJSON_Parse*() and after a NULL result: an
 * allocation failure is then HP_ENOMEM, not a syntax error. (Only with hp_set_allocator().) */
int hp__cjson_oom(int reset);
/* Grow *arr so it holds at least `need` elements of `elem` bytes (doubling). HP_OK/HP_ENOMEM. */
int hp__grow(void **arr, size_t *cap, size_t need, size_t elem);

/* ---- errors ---- */
/* Set the thread's error record and return `code`. `file` may be NULL; line/column 0 = n/a. */
int hp__error(int code, const char *file, int line, int column, const char *field,
              const char *fmt, ...) HP_PRINTF(6, 7);
int hp__verror(int code, const char *file, int line, int column, const char *field,
               const char *fmt, va_list ap);
/* Shorthand for errors without a location. */
#define hp__fail(code, ...) hp__error((code), NULL, 0, 0, NULL, __VA_ARGS__)
#define hp__oom() hp__error(HP_ENOMEM, NULL, 0, 0, NULL, "out of memory")
/* Replace the message of the current error, keeping its code and location. */
void hp__error_prefix(const char *fmt, ...) HP_PRINTF(1, 2);

/* ---- text ---- */
/* Line (1-based) and column (1-based, code points) of byte `offset` in `text`. */
void hp__text_position(const char *text, size_t len, size_t offset, int *line, int *column);
/* Number of code points in the first n bytes of s (invalid bytes count as one each). */
int hp__utf8_count(const char *s, size_t n);
/* Levenshtein distance over bytes, capped at `cap` (returns cap+1 when larger). */
size_t hp__edit_distance(const char *a, const char *b, size_t cap);
/* Locale-independent strtod: accepts [+-]digits[.digits][e[+-]digits]; no hex, inf or nan.
 * Returns HP_OK and sets *out and *end, or HP_EPARSE when no number starts at s. */
int hp__parse_double(const char *s, size_t len, double *out, size_t *consumed);

/* A growable byte buffer (always NUL-terminated when data != NULL). */
typedef struct hp_buf {
    char *data;
    size_t len;
    size_t cap;
    int failed;        /* set once an allocation failed; later appends are no-ops */
} hp_buf;
void hp__buf_init(hp_buf *b);
void hp__buf_free(hp_buf *b);
void hp__buf_append(hp_buf *b, const char *s, size_t n);
void hp__buf_puts(hp_buf *b, const char *s);
void hp__buf_printf(hp_buf *b, const char *fmt, ...) HP_PRINTF(2, 3);
/* Append a double in the shortest form that reads back exactly ("%.17g" fallback). */
void hp__buf_double(hp_buf *b, double v);
/* Format a double shortest-round-trip into out (at least 32 bytes). */
void hp__format_double(char out[32], double v);
/* Hand the data to the caller (NULL on failure), leaving the buffer empty. */
char *hp__buf_take(hp_buf *b);

#endif
