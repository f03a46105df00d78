/**
 * @file common.h
 * @brief Error codes, the thread-local error record, the allocator hook and the version.
 *
 * Every libhealthplan function that can fail returns an `int`: #HP_OK (0) on success or one of
 * the negative `HP_E*` codes. The details of the most recent failure on the calling thread are
 * kept in an #hp_error record, read with hp_error_last(). The library never prints and never
 * aborts on bad input.
 */
#ifndef HEALTHPLAN_COMMON_H
#define HEALTHPLAN_COMMON_H

#include <stddef.h>

#include "healthplan/version.h"

#if defined(_WIN32) && defined(HP_SHARED_BUILD)
#define HP_EXTERN __declspec(dllexport)
#elif defined(__GNUC__)
/** Marks a public symbol (exported from the shared library). */
#define HP_EXTERN __attribute__((visibility("default")))
#else
#define HP_EXTERN
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Return codes. Every failing call also fills the thread's #hp_error record. */
typedef enum hp_status_code {
    HP_OK = 0,          /**< Success. */
    HP_ERROR = -1,      /**< Generic failure (see the message). */
    HP_EINVAL = -2,     /**< An argument is invalid (NULL where not allowed, bad option). */
    HP_ENOMEM = -3,     /**< Memory could not be allocated. */
    HP_ENOTFOUND = -4,  /**< An id or code is not in the dataset (the message names the nearest one). */
    HP_EPARSE = -5,     /**< Input text could not be read (file, line and column are set). */
    HP_EIO = -6,        /**< A file could not be opened, read or written. */
    HP_EEXISTS = -7,    /**< A record with the same key but different content already exists. */
    HP_EVALIDATE = -8,  /**< Input is well-formed but breaks a rule of the format (types, ranges, references). */
    HP_EUNIT = -9,      /**< A unit contradicts the indicator's unit. */
    HP_ERANGE = -10     /**< A value is out of range (a year outside 1949–2100, a non-finite number). */
} hp_status_code;

/**
 * The details of the last failure on this thread.
 *
 * Owned by the library and valid until the next call into the library on the same thread.
 * Strings are never NULL (empty when not applicable); line and column are 1-based and 0 when
 * not applicable. Columns count Unicode code points.
 */
typedef struct hp_error {
    int code;            /**< One of #hp_status_code. */
    const char *message; /**< What was expected and what was found, in the user's terms. */
    const char *file;    /**< File (or "<buffer>", "<phrase>") the error is in; "" when none. */
    int line;            /**< 1-based line, 0 when not applicable. */
    int column;          /**< 1-based column in code points, 0 when not applicable. */
    const char *field;   /**< Path to the bad field, e.g. "targets[3].rule.value", or the CSV column name; "" when none. */
} hp_error;

/**
 * The last error recorded on the calling thread.
 *
 * @return a pointer to a thread-local record; never NULL. After a successful call the record
 *         may still hold an earlier error: check return codes, not this record.
 */
HP_EXTERN const hp_error *hp_error_last(void);

/** Reset the calling thread's error record to "no error" (code #HP_OK, empty strings). */
HP_EXTERN void hp_error_clear(void);

/**
 * A short English name for a return code, such as "HP_ENOTFOUND".
 * @return a static string; "HP_UNKNOWN" for a code the library does not define.
 */
HP_EXTERN const char *hp_strerror(int code);

/**
 * Memory functions the library uses for all its allocations.
 *
 * Every function receives @p ctx. `realloc` must behave as C realloc (NULL pointer = malloc).
 * `malloc` and `realloc` return NULL on failure; the library then returns #HP_ENOMEM and
 * leaves its objects as they were.
 */
typedef struct hp_allocator {
    void *(*malloc)(size_t size, void *ctx);              /**< Allocate @p size bytes. */
    void *(*realloc)(void *ptr, size_t size, void *ctx);  /**< Resize (C realloc semantics). */
    void (*free)(void *ptr, void *ctx);                   /**< Release (NULL is a no-op). */
    void *ctx;                                            /**< Passed to every call. */
} hp_allocator;

/**
 * Replace the allocator for all later allocations (process-wide).
 *
 * Call it once, before creating any library object, and not while other threads use the
 * library: memory must be freed by the allocator that made it. It also installs the
 * allocator as cJSON's hooks. Passing NULL restores the C library's malloc/realloc/free.
 *
 * @param alloc the functions to use (copied), or NULL for the defaults
 * @return #HP_OK, or #HP_EINVAL when a function pointer in @p alloc is NULL
 */
HP_EXTERN int hp_set_allocator(const hp_allocator *alloc);

/**
 * Free memory that the library allocated and handed to the caller (strings returned by
 * hp_rule_to_json(), hp_dataset_save_json_buffer() and similar). NULL is a no-op.
 */
HP_EXTERN void hp_free(void *ptr);

/** The library's version as "MAJOR.MINOR.PATCH"; a static string. */
HP_EXTERN const char *hp_version(void);

/** The library's version as MAJOR*10000 + MINOR*100 + PATCH. */
HP_EXTERN int hp_version_number(void);

#ifdef __cplusplus
}
#endif

#endif
