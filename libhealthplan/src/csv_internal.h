/* CSV tokenizer: a zero-copy RFC 4180 reader over an in-memory buffer.
 *
 * The observations and targets CSV loaders read (or mmap) the whole file and hand it to
 * hp__csv_open(); hp__csv_next() then yields one record at a time. Fields point into the
 * input whenever their text needs no unescaping, so the hot path copies nothing; only a
 * quoted field holding a doubled quote ("") is unescaped into the reader's scratch buffer.
 *
 * What is accepted (docs/csv.md explains the choices):
 *   - RFC 4180: fields separated by ',', records by line breaks; a field that starts with '"'
 *     is quoted and may hold ',', '"' (written ""), CR and LF. Spaces are data: " a " stays
 *     " a " (trimming is the loader's job; hp__csv_header_index() and hp__csv_field_*() trim).
 *   - Line breaks: LF, CRLF and a lone CR (old Mac Excel) each end a record and count as one
 *     line; inside quotes they are kept verbatim and counted, so line numbers stay right.
 *   - A UTF-8 byte order mark at the start is skipped; UTF-16 and UTF-32 byte order marks are
 *     rejected. Every byte is checked to be UTF-8 (no overlongs, surrogates or > U+10FFFF).
 *   - Blank lines (nothing before the line break, be it LF, CRLF or CR) are skipped; a last
 *     line without a line break is a record; a trailing ',' makes an empty last field.
 *
 * Errors are HP_EPARSE with file, line and column (code points, from 1) of the offending
 * character, the field named by the header (the first record) or as "field N":
 *   unterminated quoted field (at the opening quote), '"' inside an unquoted field (at the
 *   quote), text after a closing quote (at the text), invalid UTF-8 (at the bad byte), NUL
 *   byte, field longer than HP_CSV_MAX_FIELD bytes, record longer than HP_CSV_MAX_RECORD
 *   bytes (at the field / record start), more than HP_CSV_MAX_FIELDS fields (at the first
 *   field too many), more than INT_MAX lines. An error is sticky: later hp__csv_next() calls
 *   return the same code without touching the error record.
 *
 * A reader holds no global state; distinct readers may be used on distinct threads.
 */
#ifndef HP_CSV_INTERNAL_H
#define HP_CSV_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "common_internal.h"

/* Limits (bytes / count). A record may hold at most HP_CSV_MAX_FIELDS fields. */
#define HP_CSV_MAX_FIELD ((size_t)1 << 20)   /* 1 MiB of raw text per field */
#define HP_CSV_MAX_RECORD ((size_t)16 << 20) /* 16 MiB per record (all its lines) */
#define HP_CSV_MAX_FIELDS 4096

/* One field of the current record. Valid until the next hp__csv_next() or hp__csv_close(). */
typedef struct hp__csv_field {
    const char *ptr; /* content, NOT NUL-terminated: into the input, or into the scratch buffer
                        when unescaping was needed; never NULL (may point one past the end) */
    size_t len;      /* content length in bytes */
    size_t offset;   /* byte offset in the input (as passed to hp__csv_open, BOM included) of
                        the field's first character: the opening quote of a quoted field */
    int quoted;      /* 1 when the field was quoted, else 0 */
} hp__csv_field;

/* A reader. Fields are private; zero-initialised or opened, it is always safe to close. */
typedef struct hp__csv {
    const unsigned char *data; /* input as given */
    size_t len;
    size_t base;        /* 3 when a UTF-8 BOM was skipped, else 0 */
    size_t pos;         /* where the next record starts */
    size_t blk_at;      /* the 64-byte block classified last: its offset and bit masks */
    uint64_t blk_spec, blk_comma;
    char *file;         /* copy of the name used in errors */
    int line;           /* line at pos */
    int status;         /* 0, or the sticky error code */
    /* current record */
    int rec_line;
    size_t rec_start;   /* offset of the record's first byte */
    size_t rec_end;     /* offset of its terminator (or len) */
    size_t nrecords;    /* records read so far, the current one included */
    hp__csv_field *fields;
    size_t nfields;
    size_t cap_fields;
    char *scratch;      /* unescaped quoted fields of the current record */
    size_t scratch_len;
    size_t scratch_cap;
    /* the first record, kept to name fields in errors */
    char *hdr_text;     /* trimmed names, each NUL-terminated */
    size_t *hdr_off;    /* start of name i in hdr_text */
    size_t hdr_n;
} hp__csv;

/* Start reading `len` bytes at `data` (borrowed: it must outlive the reader; NULL allowed when
 * len is 0). `file` names the input in errors ("<buffer>" when NULL; copied). Skips a UTF-8
 * BOM. Returns HP_OK; HP_EINVAL (r NULL, or data NULL with len > 0); HP_EPARSE for a UTF-16 or
 * UTF-32 BOM (line 1, column 1); HP_ENOMEM. On failure *r is left closed (close is a no-op). */
int hp__csv_open(hp__csv *r, const char *data, size_t len, const char *file);

/* Read the next record. Returns 1 when a record was read, 0 at the end of the input, or a
 * negative HP_E* code (HP_EPARSE located, HP_ENOMEM) that every later call returns again.
 * The first record read is remembered as the header: its trimmed fields name the columns in
 * every later error. */
int hp__csv_next(hp__csv *r);

/* Fields of the current record (none after the end or an error): their number, field i (NULL
 * when out of range), the array itself. Inline: the loaders call them for every field. */
static inline size_t hp__csv_nfields(const hp__csv *r) { return r ? r->nfields : 0; }
static inline const hp__csv_field *hp__csv_field_at(const hp__csv *r, size_t i)
{
    return r && i < r->nfields ? &r->fields[i] : NULL;
}
static inline const hp__csv_field *hp__csv_fields(const hp__csv *r)
{
    return r ? r->fields : NULL;
}

/* 1-based line where the current record starts (line breaks inside quotes count). */
static inline int hp__csv_line(const hp__csv *r) { return r ? r->rec_line : 0; }
/* 1-based ordinal of the current record (the header is record 1); 0 before the first. */
static inline size_t hp__csv_record_number(const hp__csv *r) { return r ? r->nrecords : 0; }
/* 1-based line of a byte offset of the input; exact for offsets in the current record (also on
 * the continuation lines of a multi-line quoted field), computed by scanning otherwise. */
int hp__csv_line_at(const hp__csv *r, size_t offset);
/* 1-based column, in Unicode code points, of a byte offset on its line (the BOM excluded).
 * Computed on demand by scanning back to the line start: meant for errors, not the hot path. */
int hp__csv_column(const hp__csv *r, size_t offset);

/* Name of column i taken from the header (trimmed; "" when the header has no such column or
 * before the first record). Valid until hp__csv_close(). */
const char *hp__csv_header_name(const hp__csv *r, size_t i);

/* Set the thread's error located at field `field_index` of the current record (its file, line
 * and column; for an index past the last field, at the end of the record, where the missing
 * field would be) and return `code`. The error's field is `field_name`, or the header's name
 * for that column, or "field N". The message is "<name>: " followed by the formatted text
 * (the prefix is not repeated when the text already starts with it). */
int hp__csv_error(const hp__csv *r, int code, size_t field_index, const char *field_name,
                  const char *fmt, ...) HP_PRINTF(5, 6);

/* Index of the current record's field equal to `name`, ASCII case-insensitively and ignoring
 * spaces and tabs around the field; the first match; -1 when absent. */
int hp__csv_header_index(const hp__csv *r, const char *name);
/* When two fields of the current record have the same name in the sense of
 * hp__csv_header_index(), return 1 and their indexes (the first pair found); else 0. */
int hp__csv_header_duplicate(const hp__csv *r, size_t *first, size_t *second);

/* Field i as a number: spaces and tabs around it are ignored; the rest must be a decimal
 * number ([+-]digits[.digits][e[+-]digits]), read without regard to the locale. HP_OK;
 * HP_EPARSE (located, named) for an empty field, "nan", "inf", hex, "7,82", trailing text or a
 * missing field; HP_ERANGE when the value overflows a double. *out is untouched on failure. */
int hp__csv_field_double(const hp__csv *r, size_t i, double *out);
/* Field i as a decimal integer in [min, max] (spaces around ignored): HP_OK, HP_EPARSE like
 * hp__csv_field_double(), HP_ERANGE when outside [min, max] (the message gives the range). */
int hp__csv_field_long(const hp__csv *r, size_t i, long min, long max, long *out);
/* 1 when field i is absent or holds only spaces and tabs. */
int hp__csv_field_blank(const hp__csv *r, size_t i);

/* Release everything the reader allocated (not the input). Safe on a zeroed or closed reader. */
void hp__csv_close(hp__csv *r);

#endif
