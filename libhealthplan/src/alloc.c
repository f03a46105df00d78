/* Allocation through a replaceable hook, string buffers and small text helpers. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common_internal.h"
#include "numfmt_internal.h"

static void *std_malloc(size_t n, void *ctx) { (void)ctx; return malloc(n); }
static void *std_realloc(void *p, size_t n, void *ctx) { (void)ctx; return realloc(p, n); }
static void std_free(void *p, void *ctx) { (void)ctx; free(p); }

static hp_allocator g_alloc = {std_malloc, std_realloc, std_free, NULL};

/* Set when an allocation made by cJSON fails: cJSON then returns NULL as for a syntax error,
 * and the parsers ask hp__cjson_oom() which of the two it was. */
static _Thread_local int tls_cjson_oom;

static void *cjson_malloc(size_t n)
{
    void *p = g_alloc.malloc(n ? n : 1, g_alloc.ctx);
    if (!p)
        tls_cjson_oom = 1;
    return p;
}

int hp__cjson_oom(int reset)
{
    int v = tls_cjson_oom;
    if (reset)
        tls_cjson_oom = 0;
    return v;
}
static void cjson_free(void *p) { if (p) g_alloc.free(p, g_alloc.ctx); }

int hp_set_allocator(const hp_allocator *alloc)
{
    if (!alloc) {
        g_alloc.malloc = std_malloc;
        g_alloc.realloc = std_realloc;
        g_alloc.free = std_free;
        g_alloc.ctx = NULL;
        cJSON_InitHooks(NULL);
        return HP_OK;
    }
    if (!alloc->malloc || !alloc->realloc || !alloc->free)
        return hp__fail(HP_EINVAL, "hp_set_allocator: malloc, realloc and free must all be set");
    g_alloc = *alloc;
    cJSON_Hooks hooks = {cjson_malloc, cjson_free};
    cJSON_InitHooks(&hooks);
    return HP_OK;
}

void *hp__malloc(size_t n) { return g_alloc.malloc(n ? n : 1, g_alloc.ctx); }

void *hp__calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    void *p = hp__malloc(count * size);
    if (p)
        memset(p, 0, count * size);
    return p;
}

void *hp__realloc(void *p, size_t n) { return g_alloc.realloc(p, n ? n : 1, g_alloc.ctx); }

void hp__free(void *p)
{
    if (p)
        g_alloc.free(p, g_alloc.ctx);
}

void hp_free(void *ptr) { hp__free(ptr); }

char *hp__strndup(const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *d = hp__malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *hp__strdup(const char *s) { return s ? hp__strndup(s, strlen(s)) : NULL; }

int hp__grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return HP_OK;
    size_t ncap = *cap ? *cap : 8;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2 / elem)
            return HP_ENOMEM;
        ncap *= 2;
    }
    void *p = hp__realloc(*arr, ncap * elem);
    if (!p)
        return HP_ENOMEM;
    *arr = p;
    *cap = ncap;
    return HP_OK;
}

/* ---- text ---- */

int hp__utf8_count(const char *s, size_t n)
{
    int count = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            count++;
    return count;
}

void hp__text_position(const char *text, size_t len, size_t offset, int *line, int *column)
{
    int ln = 1;
    size_t start = 0;
    if (offset > len)
        offset = len;
    for (size_t i = 0; i < offset; i++) {
        if (text[i] == '\n') {
            ln++;
            start = i + 1;
        }
    }
    if (line)
        *line = ln;
    /* a byte order mark is not a column */
    if (start == 0 && len >= 3 && offset >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
        start = 3;
    if (column)
        *column = hp__utf8_count(text + start, offset - start) + 1;
}

size_t hp__edit_distance(const char *a, const char *b, size_t cap)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > lb ? la - lb > cap : lb - la > cap)
        return cap + 1;
    if (lb > 255)
        return cap + 1;
    size_t row[256];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t prev = row[0], best;
        row[0] = i;
        best = row[0];
        for (size_t j = 1; j <= lb; j++) {
            size_t cur = row[j];
            size_t sub = prev + (a[i - 1] != b[j - 1]);
            size_t del = row[j] + 1, ins = row[j - 1] + 1;
            row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
            if (row[j] < best)
                best = row[j];
            prev = cur;
        }
        if (best > cap)
            return cap + 1;
    }
    return row[lb] > cap ? cap + 1 : row[lb];
}

/* Exact decimal to double without locale: collect up to 19 significant digits and the exponent,
 * then scale with powers of ten; fall back to strtod on a C-locale copy for long mantissas. */
static const double pow10_tab[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
                                   1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
                                   1e21, 1e22};

int hp__parse_double(const char *s, size_t len, double *out, size_t *consumed)
{
    size_t i = 0;
    int neg = 0;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    uint64_t mant = 0;
    int digits = 0, exp10 = 0, any = 0, dropped = 0;
    while (i < len && s[i] >= '0' && s[i] <= '9') {
        any = 1;
        if (digits < 19) {
            mant = mant * 10 + (uint64_t)(s[i] - '0');
            if (mant)
                digits++;
        } else {
            exp10++;
            dropped = 1;
        }
        i++;
    }
    if (i < len && s[i] == '.') {
        size_t j = i + 1;
        int frac_any = 0;
        while (j < len && s[j] >= '0' && s[j] <= '9') {
            frac_any = 1;
            if (digits < 19) {
                mant = mant * 10 + (uint64_t)(s[j] - '0');
                if (mant)
                    digits++;
                exp10--;
            } else {
                dropped = 1;
            }
            j++;
        }
        if (frac_any || any) {
            any = any || frac_any;
            i = j;
        }
    }
    if (!any)
        return HP_EPARSE;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1;
        int eneg = 0, e = 0, edig = 0;
        if (j < len && (s[j] == '+' || s[j] == '-'))
            eneg = s[j++] == '-';
        while (j < len && s[j] >= '0' && s[j] <= '9') {
            if (e < 100000)
                e = e * 10 + (s[j] - '0');
            edig = 1;
            j++;
        }
        if (edig) {
            exp10 += eneg ? -e : e;
            i = j;
        }
    }
    double v;
    if (!dropped && mant < (1ULL << 53) && exp10 >= -22 && exp10 <= 22) {
        v = (double)mant;
        v = exp10 < 0 ? v / pow10_tab[-exp10] : v * pow10_tab[exp10];
    } else {
        /* Rare path: rebuild a canonical C-locale string and use strtod, which is correctly
         * rounded; the digits and exponent are ours, so the locale's decimal point is avoided
         * by writing an integer mantissa. */
        char tmp[64];
        snprintf(tmp, sizeof tmp, "%llue%d", (unsigned long long)mant, exp10);
        v = strtod(tmp, NULL);
    }
    *out = neg ? -v : v;
    if (consumed)
        *consumed = i;
    return HP_OK;
}

/* ---- buffers ---- */

void hp__buf_init(hp_buf *b) { memset(b, 0, sizeof *b); }

void hp__buf_free(hp_buf *b)
{
    hp__free(b->data);
    memset(b, 0, sizeof *b);
}

void hp__buf_append(hp_buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap && hp__grow((void **)&b->data, &b->cap, b->len + n + 1, 1) != HP_OK) {
        b->failed = 1;
        return;
    }
    if (n <= 8) { /* the writers append many short pieces: no call for those */
        for (size_t i = 0; i < n; i++)
            b->data[b->len + i] = s[i];
    } else {
        memcpy(b->data + b->len, s, n);
    }
    b->len += n;
    b->data[b->len] = '\0';
}

void hp__buf_puts(hp_buf *b, const char *s) { hp__buf_append(b, s, strlen(s)); }

void hp__buf_printf(hp_buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        hp__buf_append(b, small, (size_t)n);
        return;
    }
    char *big = hp__malloc((size_t)n + 1);
    if (!big) {
        b->failed = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    hp__buf_append(b, big, (size_t)n);
    hp__free(big);
}

/* Shortest representation that reads back to the same double, with '.' as decimal point
 * whatever the locale (printf would use the locale's separator). */
void hp__format_double(char out[32], double v)
{
    if (!isfinite(v)) {
        snprintf(out, 32, "%s", isnan(v) ? "nan" : (v < 0 ? "-inf" : "inf"));
        return;
    }
    if (v == 0) {
        snprintf(out, 32, "0");
        return;
    }
    double back;
    size_t used;
    double mag = fabs(v);
    /* plain decimals for ordinary magnitudes (80, 7.82, 0.005), the fewest digits that read
     * back exactly; exponent form only for very large or very small values */
    if (mag >= 1e-5 && mag < 1e15) {
        if (hp__fmt_shortest(out, v, 17))
            return; /* the loop below, without its snprintf calls (numfmt.c) */
        for (int d = 0; d <= 17; d++) {
            snprintf(out, 32, "%.*f", d, v);
            for (char *p = out; *p; p++)
                if (*p == ',')
                    *p = '.';
            if (hp__parse_double(out, strlen(out), &back, &used) == HP_OK && back == v)
                return;
        }
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(out, 32, "%.*g", prec, v);
        for (char *p = out; *p; p++)
            if (*p == ',')
                *p = '.';
        if (hp__parse_double(out, strlen(out), &back, &used) == HP_OK && back == v)
            return;
    }
}

void hp__buf_double(hp_buf *b, double v)
{
    char tmp[32];
    hp__format_double(tmp, v);
    hp__buf_puts(b, tmp);
}

char *hp__buf_take(hp_buf *b)
{
    if (b->failed) {
        hp__buf_free(b);
        return NULL;
    }
    if (!b->data)
        hp__buf_append(b, "", 0);
    char *d = b->failed ? NULL : b->data;
    if (!d)
        hp__buf_free(b);
    memset(b, 0, sizeof *b);
    return d;
}
