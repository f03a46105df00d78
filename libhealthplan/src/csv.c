/* CSV tokenizer: zero-copy RFC 4180 over an in-memory buffer (see csv_internal.h, docs/csv.md).
 *
 * With SSE2 (every x86-64), the hot loop never looks at ordinary bytes one by one: the input is
 * classified 64 bytes at a time into a bit mask of the bytes that matter, ',' '"' CR LF NUL
 * and bytes >= 0x80 (plus other control bytes below 0x0E, which are then passed over), and
 * finding the end of a field is a shift and a count of trailing zeros. Elsewhere (or with
 * -DHP_CSV_NO_SIMD) a table lookup per byte, unrolled by four, does the same job. Bytes >= 0x80
 * are checked as UTF-8 where they are met, a whole run at a time. Lines are counted at record
 * ends and quoted line breaks; columns are computed only when an error is reported. */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#if defined(__SSE2__) && !defined(HP_CSV_NO_SIMD)
#include <emmintrin.h>
#define HP_CSV_SSE2 1
#endif

#include "csv_internal.h"

typedef unsigned char uc;

/* Where the scan for the end of a field stops: next_special(b, d, pos, len, quoted) is the
 * offset of the first byte at or after pos that stops it (commas only when !quoted), or len. */
#ifdef HP_CSV_SSE2

static inline unsigned ctz64(uint64_t m)
{
    return (unsigned)__builtin_ctzll(m);
}

/* The classified block the scan is in: bit i of spec is set when byte at + i stops a scan
 * (',' '"' NUL..CR, so tab and other control bytes too, which the reader passes over, and
 * bytes >= 0x80), of comma when it is ','. */
typedef struct block {
    size_t at;
    uint64_t spec, comma;
} block;

static inline void classify64(const uc *p, uint64_t *spec, uint64_t *comma)
{
    const __m128i vcomma = _mm_set1_epi8(','), vquote = _mm_set1_epi8('"'),
                  vcr = _mm_set1_epi8('\r');
    uint64_t s = 0, c = 0;
    for (int i = 0; i < 4; i++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * i));
        __m128i isc = _mm_cmpeq_epi8(v, vcomma);
        __m128i low = _mm_cmpeq_epi8(_mm_min_epu8(v, vcr), v); /* v <= 0x0D */
        __m128i any = _mm_or_si128(_mm_or_si128(isc, low), _mm_cmpeq_epi8(v, vquote));
        /* movemask of v itself gives the bytes >= 0x80 */
        unsigned m = (unsigned)_mm_movemask_epi8(any) | (unsigned)_mm_movemask_epi8(v);
        s |= (uint64_t)m << (16 * i);
        c |= (uint64_t)(unsigned)_mm_movemask_epi8(isc) << (16 * i);
    }
    *spec = s;
    *comma = c;
}

static void block_load(block *b, const uc *d, size_t pos, size_t len)
{
    b->at = pos;
    if (len - pos >= 64) {
        classify64(d + pos, &b->spec, &b->comma);
    } else {
        uc tmp[64];
        memset(tmp, ' ', sizeof tmp); /* ordinary bytes past the end */
        memcpy(tmp, d + pos, len - pos);
        classify64(tmp, &b->spec, &b->comma);
    }
}

static inline size_t next_special(block *b, const uc *d, size_t pos, size_t len, int quoted)
{
    for (;;) {
        size_t off = pos - b->at; /* pos >= b->at, or b->at is "none" and this is huge */
        if (off < 64) {
            uint64_t m = quoted ? b->spec & ~b->comma : b->spec;
            m >>= off;
            if (m)
                return pos + ctz64(m);
            pos = b->at + 64;
        }
        if (pos >= len)
            return len;
        block_load(b, d, pos, len);
    }
}

#else /* portable: one table lookup per byte, four at a time */

typedef struct block {
    size_t at;
    uint64_t spec, comma;
} block; /* unused here; keeps the reader's layout the same */

/* Bit 1: stops an unquoted scan; bit 2: stops a quoted one. */
static const uc csv_special[256] = {
    3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 3, 0, 0, /* NUL LF CR */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, /* '"' ',' */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* 0x80-0xFF: UTF-8 */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3};

static inline size_t next_special(block *b, const uc *d, size_t pos, size_t len, int quoted)
{
    const uc m = quoted ? 2 : 1;
    (void)b;
    while (len - pos >= 4) {
        if (csv_special[d[pos]] & m)
            return pos;
        if (csv_special[d[pos + 1]] & m)
            return pos + 1;
        if (csv_special[d[pos + 2]] & m)
            return pos + 2;
        if (csv_special[d[pos + 3]] & m)
            return pos + 3;
        pos += 4;
    }
    while (pos < len && !(csv_special[d[pos]] & m))
        pos++;
    return pos;
}

#endif

/* Length of the valid UTF-8 sequence starting with the byte >= 0x80 at p, or 0 when invalid
 * (stray continuation byte, overlong form, surrogate, beyond U+10FFFF, truncated). */
static size_t utf8_seq(const uc *p, const uc *end)
{
    uc c = p[0];
    size_t avail = (size_t)(end - p);
    if (c < 0xC2)
        return 0;
    if (c < 0xE0)
        return avail >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c < 0xF0) {
        if (avail < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0))
            return 0;
        return 3;
    }
    if (c < 0xF5) {
        if (avail < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 ||
            (p[3] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] >= 0x90))
            return 0;
        return 4;
    }
    return 0;
}

/* ---- locating and naming ---- */

int hp__csv_line_at(const hp__csv *r, size_t offset)
{
    if (!r || !r->data)
        return 0;
    if (offset > r->len)
        offset = r->len;
    size_t i = r->base;
    long line = 1;
    if (r->rec_line > 0 && offset >= r->rec_start) {
        i = r->rec_start;
        line = r->rec_line;
    }
    const uc *d = r->data;
    for (; i < offset; i++) {
        if (d[i] == '\n' || (d[i] == '\r' && (i + 1 >= r->len || d[i + 1] != '\n')))
            line++;
    }
    return line > INT_MAX ? INT_MAX : (int)line;
}

int hp__csv_column(const hp__csv *r, size_t offset)
{
    if (!r || !r->data)
        return 0;
    if (offset > r->len)
        offset = r->len;
    if (offset < r->base)
        return 1;
    const uc *d = r->data;
    size_t i = offset;
    /* The LF of a CRLF belongs to the line the CR ends. */
    if (i < r->len && d[i] == '\n' && i > r->base && d[i - 1] == '\r')
        i--;
    size_t stop = i;
    while (i > r->base && d[i - 1] != '\n' && d[i - 1] != '\r')
        i--;
    int n = hp__utf8_count((const char *)d + i, stop - i);
    if (stop != offset)
        n++;
    return n == INT_MAX ? INT_MAX : n + 1;
}

const char *hp__csv_header_name(const hp__csv *r, size_t i)
{
    if (!r || !r->hdr_text || i >= r->hdr_n)
        return "";
    return r->hdr_text + r->hdr_off[i];
}

/* The name errors use for field i: the given one, the header's, or "field N" (1-based). */
static const char *field_label(const hp__csv *r, size_t i, const char *given, char buf[32])
{
    if (given && *given)
        return given;
    const char *h = hp__csv_header_name(r, i);
    if (*h)
        return h;
    snprintf(buf, 32, "field %zu", i + 1);
    return buf;
}

/* Write s[0..n) as a quoted, escaped, possibly shortened string for a message. */
static void quote_text(char *out, size_t cap, const char *s, size_t n)
{
    size_t o = 0, limit = cap > 8 ? cap - 8 : 0; /* room for the closing quote and "…" */
    out[o++] = '"';
    size_t i = 0;
    for (; i < n && o < limit; i++) {
        uc c = (uc)s[i];
        if (c == '"' || c == '\\') {
            if (o + 2 > limit)
                break;
            out[o++] = '\\';
            out[o++] = (char)c;
        } else if (c < 0x20 || c == 0x7F) {
            if (o + 4 > limit)
                break;
            o += (size_t)snprintf(out + o, cap - o, "\\x%02X", c);
        } else if (c >= 0x80) {
            size_t k = utf8_seq((const uc *)s + i, (const uc *)s + n);
            if (k == 0) {
                if (o + 4 > limit)
                    break;
                o += (size_t)snprintf(out + o, cap - o, "\\x%02X", c);
            } else {
                if (o + k > limit)
                    break;
                memcpy(out + o, s + i, k);
                o += k;
                i += k - 1;
            }
        } else {
            out[o++] = (char)c;
        }
    }
    out[o++] = '"';
    if (i < n) {
        memcpy(out + o, "\xE2\x80\xA6", 3); /* … */
        o += 3;
    }
    out[o] = '\0';
}

static int verror_at(const hp__csv *r, int code, size_t field_index, const char *given,
                     int locate, size_t offset, const char *fmt, va_list ap)
{
    char buf[32], msg[768];
    const char *label = field_label(r, field_index, given, buf);
    vsnprintf(msg, sizeof msg, fmt, ap);
    int line = 0, column = 0;
    if (locate) {
        line = hp__csv_line_at(r, offset);
        column = hp__csv_column(r, offset);
    }
    size_t ll = strlen(label);
    if (strncmp(msg, label, ll) == 0 && msg[ll] == ':')
        return hp__error(code, r->file, line, column, label, "%s", msg);
    return hp__error(code, r->file, line, column, label, "%s: %s", label, msg);
}

/* A tokenizer error at byte `offset` in field `fi` of the record being read: sticky. */
static int fail_at(hp__csv *r, int code, size_t fi, size_t offset, const char *fmt, ...)
    HP_PRINTF(5, 6);
static int fail_at(hp__csv *r, int code, size_t fi, size_t offset, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verror_at(r, code, fi, NULL, 1, offset, fmt, ap);
    va_end(ap);
    r->status = code;
    r->nfields = 0;
    return code;
}

static int fail_oom(hp__csv *r)
{
    r->status = HP_ENOMEM;
    r->nfields = 0;
    return hp__oom();
}

int hp__csv_error(const hp__csv *r, int code, size_t field_index, const char *field_name,
                  const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (!r) {
        hp__verror(code, NULL, 0, 0, field_name, fmt, ap);
    } else {
        int locate = r->rec_line > 0;
        size_t offset = field_index < r->nfields ? r->fields[field_index].offset : r->rec_end;
        verror_at(r, code, field_index, field_name, locate, offset, fmt, ap);
    }
    va_end(ap);
    return code;
}

/* ---- open / close ---- */

int hp__csv_open(hp__csv *r, const char *data, size_t len, const char *file)
{
    if (!r)
        return hp__fail(HP_EINVAL, "CSV reader is NULL");
    memset(r, 0, sizeof *r);
    if (!data && len)
        return hp__fail(HP_EINVAL, "CSV input is NULL but its length is %zu", len);
    const char *name = file ? file : "<buffer>";
    const uc *d = data ? (const uc *)data : (const uc *)"";
    const char *enc = NULL;
    if (len >= 4 && d[0] == 0x00 && d[1] == 0x00 && d[2] == 0xFE && d[3] == 0xFF)
        enc = "UTF-32 (big-endian)";
    else if (len >= 4 && d[0] == 0xFF && d[1] == 0xFE && d[2] == 0x00 && d[3] == 0x00)
        enc = "UTF-32 (little-endian)";
    else if (len >= 2 && d[0] == 0xFE && d[1] == 0xFF)
        enc = "UTF-16 (big-endian)";
    else if (len >= 2 && d[0] == 0xFF && d[1] == 0xFE)
        enc = "UTF-16 (little-endian)";
    if (enc)
        return hp__error(HP_EPARSE, name, 1, 1, "",
                         "the file is %s, judging by its byte order mark; save it as UTF-8", enc);
    r->file = hp__strdup(name);
    if (!r->file)
        return hp__oom();
    r->data = d;
    r->len = len;
    if (len >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF)
        r->base = 3;
    r->pos = r->base;
    r->line = 1;
    r->blk_at = (size_t)0 - 64; /* no block classified yet */
    return HP_OK;
}

void hp__csv_close(hp__csv *r)
{
    if (!r)
        return;
    hp__free(r->file);
    hp__free(r->fields);
    hp__free(r->scratch);
    hp__free(r->hdr_text);
    hp__free(r->hdr_off);
    memset(r, 0, sizeof *r);
}

/* ---- reading ---- */

static int is_blank(char c) { return c == ' ' || c == '\t'; }

static void trim(const char **s, size_t *n)
{
    const char *p = *s;
    size_t len = *n;
    while (len && is_blank(p[0])) {
        p++;
        len--;
    }
    while (len && is_blank(p[len - 1]))
        len--;
    *s = p;
    *n = len;
}

static int keep_header(hp__csv *r)
{
    size_t total = 0;
    for (size_t i = 0; i < r->nfields; i++)
        total += r->fields[i].len + 1;
    r->hdr_text = hp__malloc(total ? total : 1);
    r->hdr_off = hp__calloc(r->nfields ? r->nfields : 1, sizeof *r->hdr_off);
    if (!r->hdr_text || !r->hdr_off) {
        hp__free(r->hdr_text);
        hp__free(r->hdr_off);
        r->hdr_text = NULL;
        r->hdr_off = NULL;
        return HP_ENOMEM;
    }
    size_t o = 0;
    for (size_t i = 0; i < r->nfields; i++) {
        const char *s = r->fields[i].ptr;
        size_t n = r->fields[i].len;
        trim(&s, &n);
        r->hdr_off[i] = o;
        memcpy(r->hdr_text + o, s, n);
        o += n;
        r->hdr_text[o++] = '\0';
    }
    r->hdr_n = r->nfields;
    return HP_OK;
}

static int scratch_append(hp__csv *r, const uc *s, size_t n)
{
    if (hp__grow((void **)&r->scratch, &r->scratch_cap, r->scratch_len + n, 1) != HP_OK)
        return HP_ENOMEM;
    memcpy(r->scratch + r->scratch_len, s, n);
    r->scratch_len += n;
    return HP_OK;
}

/* Message for a byte that is not UTF-8. */
#define BAD_UTF8                                                                              \
    "invalid UTF-8 byte 0x%02X; the file must be UTF-8 (if it was saved as GBK/GB18030, "     \
    "convert it, e.g. iconv -f GB18030 -t UTF-8)"

/* Pass over the run of bytes >= 0x80 at p, checking that it is UTF-8; NULL when it is not
 * (*bad is then the offending byte). */
static inline const uc *utf8_run(const uc *p, const uc *end, const uc **bad)
{
    while (p < end && *p >= 0x80) {
        size_t k = utf8_seq(p, end);
        if (!k) {
            *bad = p;
            return NULL;
        }
        p += k;
    }
    return p;
}

#define NUL_BYTE "NUL byte in the text (is the file UTF-16 or binary?)"

int hp__csv_next(hp__csv *r)
{
    if (!r || !r->data)
        return hp__fail(HP_EINVAL, r ? "CSV reader is not open" : "CSV reader is NULL");
    if (r->status)
        return r->status;
    const uc *const d = r->data, *const end = d + r->len;
    const size_t len = r->len;
    const uc *p = d + r->pos, *bad = NULL;
    int line = r->line;
    block blk = {r->blk_at, r->blk_spec, r->blk_comma};

    /* Blank lines: LF, CRLF or a lone CR with nothing before it. */
    while (p < end && (*p == '\n' || *p == '\r')) {
        p += (*p == '\r' && p + 1 < end && p[1] == '\n') ? 2 : 1;
        if (line == INT_MAX)
            return fail_at(r, HP_EPARSE, 0, (size_t)(p - d), "more than %d lines", INT_MAX);
        line++;
    }
    r->nfields = 0;
    r->scratch_len = 0;
    if (p >= end) {
        r->pos = r->len;
        r->line = line;
        return 0;
    }
    r->rec_start = (size_t)(p - d);
    r->rec_end = r->rec_start;
    r->rec_line = line;

    hp__csv_field *fields = r->fields;
    size_t nf = 0, cap = r->cap_fields;
    int in_scratch = 0;
    for (;;) {
        if (nf == cap) {
            if (nf >= HP_CSV_MAX_FIELDS)
                return fail_at(r, HP_EPARSE, nf, (size_t)(p - d),
                               "more than %d fields in one record", HP_CSV_MAX_FIELDS);
            if (hp__grow((void **)&r->fields, &r->cap_fields, nf + 1, sizeof *fields) != HP_OK)
                return fail_oom(r);
            fields = r->fields;
            cap = r->cap_fields;
        }
        hp__csv_field *f = &fields[nf];
        const uc *s = p;
        f->offset = (size_t)(s - d);
        if (p < end && *p == '"') {
            /* Quoted: commas are ordinary here. */
            const uc *seg = ++p;
            size_t sstart = 0;
            int esc = 0;
            for (;;) {
                p = d + next_special(&blk, d, (size_t)(p - d), len, 1);
                if (p >= end)
                    return fail_at(r, HP_EPARSE, nf, f->offset,
                                   "unterminated quoted field: the quote that opens it is "
                                   "never closed");
                uc c = *p;
                if (c == '"') {
                    if (p + 1 < end && p[1] == '"') {
                        if (!esc) {
                            esc = 1;
                            sstart = r->scratch_len;
                        }
                        if (scratch_append(r, seg, (size_t)(p + 1 - seg)) != HP_OK)
                            return fail_oom(r);
                        p += 2;
                        seg = p;
                        continue;
                    }
                    break;
                }
                if (c == '\n' || c == '\r') {
                    p += (c == '\r' && p + 1 < end && p[1] == '\n') ? 2 : 1;
                    if (line == INT_MAX)
                        return fail_at(r, HP_EPARSE, nf, (size_t)(p - d), "more than %d lines",
                                       INT_MAX);
                    line++;
                    if ((size_t)(p - s) > HP_CSV_MAX_FIELD)
                        return fail_at(r, HP_EPARSE, nf, f->offset,
                                       "quoted field longer than the limit of 1 MiB (%zu bytes);"
                                       " is its closing quote missing?",
                                       HP_CSV_MAX_FIELD);
                    continue;
                }
                if (c >= 0x80) {
                    if (!(p = utf8_run(p, end, &bad)))
                        return fail_at(r, HP_EPARSE, nf, (size_t)(bad - d), BAD_UTF8, *bad);
                    continue;
                }
                if (c == 0)
                    return fail_at(r, HP_EPARSE, nf, (size_t)(p - d), NUL_BYTE);
                p++; /* another control byte: ordinary */
            }
            /* p is at the closing quote */
            if ((size_t)(p - s - 1) > HP_CSV_MAX_FIELD)
                return fail_at(r, HP_EPARSE, nf, f->offset,
                               "field longer than the limit of 1 MiB (%zu bytes)",
                               HP_CSV_MAX_FIELD);
            if (esc) {
                if (scratch_append(r, seg, (size_t)(p - seg)) != HP_OK)
                    return fail_oom(r);
                f->ptr = NULL; /* set below, once the scratch buffer stops moving */
                f->len = r->scratch_len - sstart;
                f->quoted = 2;
                in_scratch = 1;
            } else {
                f->ptr = (const char *)s + 1;
                f->len = (size_t)(p - s - 1);
                f->quoted = 1;
            }
            p++;
            if (p < end && *p != ',' && *p != '\n' && *p != '\r') {
                size_t k = *p >= 0x80 ? utf8_seq(p, end) : 1;
                char found[32];
                quote_text(found, sizeof found, (const char *)p, k ? k : 1);
                return fail_at(r, HP_EPARSE, nf, (size_t)(p - d),
                               "text after the closing quote of a quoted field (found %s); "
                               "quote the whole field, with quotes inside it doubled (\"\")",
                               found);
            }
        } else {
            for (;;) {
                p = d + next_special(&blk, d, (size_t)(p - d), len, 0);
                if (p >= end)
                    break;
                uc c = *p;
                if (c == ',' || c == '\n' || c == '\r')
                    break;
                if (c >= 0x80) {
                    if (!(p = utf8_run(p, end, &bad)))
                        return fail_at(r, HP_EPARSE, nf, (size_t)(bad - d), BAD_UTF8, *bad);
                    continue;
                }
                if (c == '"')
                    return fail_at(r, HP_EPARSE, nf, (size_t)(p - d),
                                   "'\"' inside an unquoted field; quote the whole field and "
                                   "double the quotes inside it (\"\")");
                if (c == 0)
                    return fail_at(r, HP_EPARSE, nf, (size_t)(p - d), NUL_BYTE);
                p++; /* another control byte: ordinary */
            }
            f->ptr = (const char *)s;
            f->len = (size_t)(p - s);
            f->quoted = 0;
            if (f->len > HP_CSV_MAX_FIELD)
                return fail_at(r, HP_EPARSE, nf, f->offset,
                               "field longer than the limit of 1 MiB (%zu bytes)",
                               HP_CSV_MAX_FIELD);
        }
        nf++;
        if (p < end && *p == ',') {
            p++;
            continue;
        }
        break;
    }

    /* p is at the record's line break or at the end of the input. */
    r->rec_end = (size_t)(p - d);
    if (r->rec_end - r->rec_start > HP_CSV_MAX_RECORD)
        return fail_at(r, HP_EPARSE, 0, r->rec_start,
                       "record longer than the limit of 16 MiB (%zu bytes)", HP_CSV_MAX_RECORD);
    if (p < end) {
        p += (*p == '\r' && p + 1 < end && p[1] == '\n') ? 2 : 1;
        if (line == INT_MAX)
            return fail_at(r, HP_EPARSE, 0, r->rec_end, "more than %d lines", INT_MAX);
        line++;
    }
    if (in_scratch) {
        /* Unescaped fields sit in the scratch buffer in field order. */
        size_t o = 0;
        for (size_t i = 0; i < nf; i++) {
            if (fields[i].quoted == 2) {
                fields[i].ptr = r->scratch + o;
                o += fields[i].len;
                fields[i].quoted = 1;
            }
        }
    }
    r->nfields = nf;
    r->pos = (size_t)(p - d);
    r->line = line;
    r->blk_at = blk.at;
    r->blk_spec = blk.spec;
    r->blk_comma = blk.comma;
    r->nrecords++;
    if (r->nrecords == 1 && keep_header(r) != HP_OK)
        return fail_oom(r);
    return 1;
}

/* ---- helpers for the loaders ---- */

static int ascii_ieq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uc x = (uc)a[i], y = (uc)b[i];
        if (x >= 'A' && x <= 'Z')
            x = (uc)(x + 32);
        if (y >= 'A' && y <= 'Z')
            y = (uc)(y + 32);
        if (x != y)
            return 0;
    }
    return 1;
}

int hp__csv_header_index(const hp__csv *r, const char *name)
{
    if (!r || !name)
        return -1;
    const char *ns = name;
    size_t nn = strlen(name);
    trim(&ns, &nn);
    for (size_t i = 0; i < r->nfields; i++) {
        const char *s = r->fields[i].ptr;
        size_t n = r->fields[i].len;
        trim(&s, &n);
        if (n == nn && ascii_ieq(s, ns, n))
            return (int)i;
    }
    return -1;
}

int hp__csv_header_duplicate(const hp__csv *r, size_t *first, size_t *second)
{
    if (!r)
        return 0;
    for (size_t j = 1; j < r->nfields; j++) {
        const char *b = r->fields[j].ptr;
        size_t bn = r->fields[j].len;
        trim(&b, &bn);
        if (bn == 0)
            continue;
        for (size_t i = 0; i < j; i++) {
            const char *a = r->fields[i].ptr;
            size_t an = r->fields[i].len;
            trim(&a, &an);
            if (an == bn && ascii_ieq(a, b, an)) {
                if (first)
                    *first = i;
                if (second)
                    *second = j;
                return 1;
            }
        }
    }
    return 0;
}

int hp__csv_field_blank(const hp__csv *r, size_t i)
{
    const hp__csv_field *f = hp__csv_field_at(r, i);
    if (!f)
        return 1;
    const char *s = f->ptr;
    size_t n = f->len;
    trim(&s, &n);
    return n == 0;
}

/* Trimmed text of field i, or a located error naming what was expected. */
static int field_text(const hp__csv *r, size_t i, const char *what, const char **s, size_t *n)
{
    const hp__csv_field *f = hp__csv_field_at(r, i);
    if (!f)
        return hp__csv_error(r, HP_EPARSE, i, NULL,
                             "expected %s, found no field (the record has %zu fields)", what,
                             hp__csv_nfields(r));
    *s = f->ptr;
    *n = f->len;
    trim(s, n);
    if (*n == 0)
        return hp__csv_error(r, HP_EPARSE, i, NULL, "expected %s, found an empty field", what);
    return HP_OK;
}

int hp__csv_field_double(const hp__csv *r, size_t i, double *out)
{
    const char *s = NULL;
    size_t n = 0, used = 0;
    int rc = field_text(r, i, "a number", &s, &n);
    if (rc != HP_OK)
        return rc;
    double v = 0;
    char found[96];
    if (hp__parse_double(s, n, &v, &used) != HP_OK || used != n) {
        quote_text(found, sizeof found, s, n);
        return hp__csv_error(r, HP_EPARSE, i, NULL, "expected a number, found %s%s", found,
                             memchr(s, ',', n) ? " (write numbers with a '.' decimal point and "
                                                 "no thousands separators)"
                                               : "");
    }
    if (!isfinite(v)) {
        quote_text(found, sizeof found, s, n);
        return hp__csv_error(r, HP_ERANGE, i, NULL, "number out of range, found %s", found);
    }
    if (out)
        *out = v;
    return HP_OK;
}

int hp__csv_field_long(const hp__csv *r, size_t i, long min, long max, long *out)
{
    const char *s = NULL;
    size_t n = 0;
    int rc = field_text(r, i, "an integer", &s, &n);
    if (rc != HP_OK)
        return rc;
    size_t k = 0;
    int neg = 0, over = 0;
    if (s[0] == '+' || s[0] == '-') {
        neg = s[0] == '-';
        k = 1;
    }
    unsigned long mag = 0, lim = neg ? (unsigned long)LONG_MAX + 1UL : (unsigned long)LONG_MAX;
    size_t digits = 0;
    for (; k < n && s[k] >= '0' && s[k] <= '9'; k++, digits++) {
        unsigned dgt = (unsigned)(s[k] - '0');
        if (mag > (lim - dgt) / 10)
            over = 1;
        else
            mag = mag * 10 + dgt;
    }
    char found[96]; /* quoted for a message only: the hot path formats nothing */
    if (digits == 0 || k != n) {
        quote_text(found, sizeof found, s, n);
        return hp__csv_error(r, HP_EPARSE, i, NULL, "expected an integer, found %s", found);
    }
    long v = 0;
    if (!over)
        v = neg ? (mag == (unsigned long)LONG_MAX + 1UL ? LONG_MIN : -(long)mag) : (long)mag;
    if (over || v < min || v > max) {
        quote_text(found, sizeof found, s, n);
        return hp__csv_error(r, HP_ERANGE, i, NULL, "expected an integer from %ld to %ld, found %s",
                             min, max, found);
    }
    if (out)
        *out = v;
    return HP_OK;
}
