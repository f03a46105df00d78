/* Unicode helpers: UTF-8 validation, NFKC (through utf8proc, with our allocator), indicator
 * name keys, terminal display width and the unit suffixes printed after numbers. */
#include <string.h>

#include <utf8proc.h>

#include "text_internal.h"

/* Options of NFKC as utf8proc_NFKC() uses them (without NULLTERM: lengths are explicit). */
#define HP_NFKC_OPTIONS ((utf8proc_option_t)(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT))

int hp__utf8_valid(const char *s, size_t len, size_t *bad_offset)
{
    size_t i = 0;
    while (i < len) {
        /* ASCII eight bytes at a time (a whole dataset file is checked before it is read) */
        while (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, s + i, sizeof w);
            if (w & 0x8080808080808080ULL)
                break;
            i += 8;
        }
        if (i >= len)
            break;
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0) {
            if (bad_offset)
                *bad_offset = i;
            return 0;
        }
        i += (size_t)n;
    }
    return 1;
}

/* Append the NFKC form of the valid UTF-8 span s[0..len) to b. HP_OK or HP_ENOMEM. */
static int nfkc_span(const char *s, size_t len, hp_buf *b)
{
    utf8proc_int32_t small[64];
    utf8proc_int32_t *buf = small;
    utf8proc_ssize_t need = utf8proc_decompose((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len,
                                               NULL, 0, HP_NFKC_OPTIONS);
    if (need < 0)
        return HP_EPARSE;
    /* reencode writes UTF-8 in place (≤ 4 bytes per code point) plus a NUL: one spare slot */
    if ((size_t)need + 1 > sizeof small / sizeof small[0]) {
        buf = hp__calloc((size_t)need + 1, sizeof *buf);
        if (!buf)
            return HP_ENOMEM;
    }
    utf8proc_ssize_t got = utf8proc_decompose((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len,
                                              buf, need, HP_NFKC_OPTIONS);
    if (got >= 0)
        got = utf8proc_reencode(buf, got, HP_NFKC_OPTIONS);
    if (got >= 0)
        hp__buf_append(b, (const char *)buf, (size_t)got);
    if (buf != small)
        hp__free(buf);
    if (got < 0)
        return HP_EPARSE;
    return b->failed ? HP_ENOMEM : HP_OK;
}

static int invalid_utf8(const char *s, size_t len, size_t bad)
{
    int line, col;
    hp__text_position(s, len, bad, &line, &col);
    return hp__error(HP_EPARSE, NULL, line, col, NULL,
                     "invalid UTF-8 at line %d, column %d (byte 0x%02X)", line, col,
                     (unsigned)(unsigned char)s[bad]);
}

int hp__nfkc(const char *s, size_t len, char **out)
{
    size_t bad = 0;
    hp_buf b;
    if (!out)
        return hp__fail(HP_EINVAL, "hp__nfkc: out is NULL");
    *out = NULL;
    if (!s)
        return hp__fail(HP_EINVAL, "hp__nfkc: text is NULL");
    if (!hp__utf8_valid(s, len, &bad))
        return invalid_utf8(s, len, bad);
    hp__buf_init(&b);
    int rc = nfkc_span(s, len, &b);
    if (rc == HP_OK && !(*out = hp__buf_take(&b)))
        rc = HP_ENOMEM;
    if (rc != HP_OK) {
        hp__buf_free(&b);
        return rc == HP_ENOMEM ? hp__oom()
                               : hp__fail(HP_EPARSE, "text cannot be normalised (NFKC)");
    }
    return HP_OK;
}

/* Byte length of the code point at s[i] (valid UTF-8 assumed) and its value in *cp. */
static size_t next_cp(const char *s, size_t len, size_t i, utf8proc_int32_t *cp)
{
    utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                          (utf8proc_ssize_t)(len - i), cp);
    if (n <= 0) {
        *cp = (unsigned char)s[i];
        return 1;
    }
    return (size_t)n;
}

int hp__nfkc_map(const char *s, size_t len, char **out, size_t *outlen, size_t **map,
                 size_t *bad_offset)
{
    size_t bad = 0, mapcap = 0, i = 0;
    size_t *m = NULL;
    hp_buf b;
    int rc = HP_OK;
    *out = NULL;
    *map = NULL;
    *outlen = 0;
    if (!hp__utf8_valid(s, len, &bad)) {
        if (bad_offset)
            *bad_offset = bad;
        return invalid_utf8(s, len, bad);
    }
    hp__buf_init(&b);
    while (i < len && rc == HP_OK) {
        utf8proc_int32_t cp;
        size_t start = i;
        i += next_cp(s, len, i, &cp);
        /* a combining sequence: the starter and the non-starters that follow it */
        while (i < len) {
            size_t n = next_cp(s, len, i, &cp);
            if (utf8proc_get_property(cp)->combining_class == 0)
                break;
            i += n;
        }
        size_t before = b.len;
        rc = nfkc_span(s + start, i - start, &b);
        if (rc == HP_OK && hp__grow((void **)&m, &mapcap, b.len + 1, sizeof *m) != HP_OK)
            rc = HP_ENOMEM;
        for (size_t k = before; rc == HP_OK && k < b.len; k++)
            m[k] = start;
    }
    if (rc == HP_OK && hp__grow((void **)&m, &mapcap, b.len + 1, sizeof *m) != HP_OK)
        rc = HP_ENOMEM;
    if (rc == HP_OK) {
        size_t n = b.len;
        m[n] = len;
        char *txt = hp__buf_take(&b);
        if (!txt) {
            rc = HP_ENOMEM;
        } else {
            *out = txt;
            *outlen = n;
            *map = m;
            return HP_OK;
        }
    }
    hp__buf_free(&b);
    hp__free(m);
    return rc == HP_ENOMEM ? hp__oom() : hp__fail(rc, "text cannot be normalised (NFKC)");
}

/* ---- units ---- */

typedef struct unit_word {
    const char *w;
    int kind;
} unit_word;

/* Unit words as printed after a number (NFKC form). Longest match wins. */
static const unit_word UNIT_WORDS[] = {
    {"%", HP__UNIT_PERCENT},   {"‰", HP__UNIT_PERMILLE}, {"‱", HP__UNIT_PERMILLE},
    {"个百分点", HP__UNIT_PP}, {"百分点", HP__UNIT_PP},
    {"周岁", HP__UNIT_OTHER},  {"岁", HP__UNIT_OTHER},     {"张床位", HP__UNIT_OTHER},
    {"张", HP__UNIT_OTHER},    {"床位", HP__UNIT_OTHER},   {"床", HP__UNIT_OTHER},
    {"万人次", HP__UNIT_OTHER}, {"人次", HP__UNIT_OTHER},  {"万人", HP__UNIT_OTHER},
    {"亿人", HP__UNIT_OTHER},  {"人", HP__UNIT_OTHER},     {"个", HP__UNIT_OTHER},
    {"名", HP__UNIT_OTHER},    {"所", HP__UNIT_OTHER},     {"家", HP__UNIT_OTHER},
    {"项", HP__UNIT_OTHER},    {"辆", HP__UNIT_OTHER},     {"次", HP__UNIT_OTHER},
    {"例", HP__UNIT_OTHER},    {"天", HP__UNIT_OTHER},     {"日", HP__UNIT_OTHER},
    {"小时", HP__UNIT_OTHER},  {"分钟", HP__UNIT_OTHER},   {"平方公里", HP__UNIT_OTHER},
    {"平方米", HP__UNIT_OTHER}, {"m2", HP__UNIT_OTHER},    {"公里", HP__UNIT_OTHER},
    {"米", HP__UNIT_OTHER},    {"万亿元", HP__UNIT_OTHER}, {"亿元", HP__UNIT_OTHER},
    {"万元", HP__UNIT_OTHER},  {"元", HP__UNIT_OTHER},     {"万", HP__UNIT_OTHER},
    {"亿", HP__UNIT_OTHER},    {"千", HP__UNIT_OTHER},     {"台", HP__UNIT_OTHER},
    {"户", HP__UNIT_OTHER},    {"种", HP__UNIT_OTHER},     {"座", HP__UNIT_OTHER},
    {"吨", HP__UNIT_OTHER},    {"公斤", HP__UNIT_OTHER},
    /* English (matched case-insensitively, as whole words) */
    {"percentage points", HP__UNIT_PP}, {"percentage point", HP__UNIT_PP},
    {"pp", HP__UNIT_PP},       {"p.p.", HP__UNIT_PP},      {"points", HP__UNIT_PP},
    {"percent", HP__UNIT_PERCENT}, {"per cent", HP__UNIT_PERCENT}, {"pct", HP__UNIT_PERCENT},
    {"per mille", HP__UNIT_PERMILLE}, {"permille", HP__UNIT_PERMILLE},
    {"years", HP__UNIT_OTHER}, {"yrs", HP__UNIT_OTHER},    {"people", HP__UNIT_OTHER},
    {"persons", HP__UNIT_OTHER}, {"beds", HP__UNIT_OTHER},
};

/* Words of a denominator after "/" (or "per N"). */
static const char *const DENOM_WORDS[] = {
    "万人口", "千人口", "万人", "千人", "人口", "人", "万", "千", "百", "千活产", "万活产", "活产",
    "k", "thousand", "people", "persons", "population", "inhabitants", "residents",
    "live births", "births",
};

static int is_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static unsigned char lower(unsigned char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

size_t hp__match_word(const char *s, size_t len, const char *w)
{
    size_t i = 0;
    for (const char *q = w; *q; q++) {
        if (*q == ' ') {
            if (i >= len || !is_space((unsigned char)s[i]))
                return 0;
            while (i < len && is_space((unsigned char)s[i]))
                i++;
            continue;
        }
        if (i >= len || lower((unsigned char)s[i]) != lower((unsigned char)*q))
            return 0;
        i++;
    }
    if (i > 0 && is_alnum((unsigned char)w[strlen(w) - 1]) && i < len &&
        is_alnum((unsigned char)s[i]))
        return 0;
    return i;
}

static size_t skip_spaces(const char *s, size_t len, size_t i)
{
    while (i < len && is_space((unsigned char)s[i]))
        i++;
    return i;
}

static size_t skip_digits(const char *s, size_t len, size_t i)
{
    while (i < len && ((s[i] >= '0' && s[i] <= '9') || (s[i] == ',' && i + 1 < len &&
                                                         s[i + 1] >= '0' && s[i + 1] <= '9')))
        i++;
    return i;
}

static size_t longest_denom(const char *s, size_t len)
{
    size_t best = 0;
    for (size_t k = 0; k < sizeof DENOM_WORDS / sizeof DENOM_WORDS[0]; k++) {
        size_t n = hp__match_word(s, len, DENOM_WORDS[k]);
        if (n > best)
            best = n;
    }
    return best;
}

/* "/10万", "/ 10 万", "/千人", "per 1000", "per 100k": length, 0 when none. */
static size_t match_denominator(const char *s, size_t len)
{
    size_t i = skip_spaces(s, len, 0), n;
    if (i < len && s[i] == '/') {
        i++;
    } else if ((n = hp__match_word(s + i, len - i, "per ")) > 0) {
        i += n;
        if (i >= len || !(s[i] >= '0' && s[i] <= '9'))
            return 0;
    } else {
        return 0;
    }
    i = skip_spaces(s, len, i);
    size_t d = skip_digits(s, len, i);
    int any = d > i;
    i = d;
    size_t j = skip_spaces(s, len, i);
    size_t w = longest_denom(s + j, len - j);
    if (w) {
        i = j + w;
        any = 1;
    }
    return any ? i : 0;
}

size_t hp__match_unit(const char *s, size_t len, int *kind)
{
    size_t best = 0;
    int k = HP__UNIT_NONE;
    for (size_t u = 0; u < sizeof UNIT_WORDS / sizeof UNIT_WORDS[0]; u++) {
        size_t n = hp__match_word(s, len, UNIT_WORDS[u].w);
        if (n > best) {
            best = n;
            k = UNIT_WORDS[u].kind;
        }
    }
    if (k != HP__UNIT_PERCENT && k != HP__UNIT_PP && k != HP__UNIT_PERMILLE) {
        size_t d = match_denominator(s + best, len - best);
        if (d) {
            best += d;
            k = HP__UNIT_OTHER;
        }
    }
    if (kind)
        *kind = best ? k : HP__UNIT_NONE;
    return best;
}

/* ---- names ---- */

/* Nonzero when c (a code point) is white space: ASCII spaces and the Unicode separators. */
static int is_white(utf8proc_int32_t c)
{
    if (c < 0x80)
        return is_space((unsigned char)c);
    if (c == 0x85 || c == 0x200B || c == 0xFEFF)
        return 1;
    utf8proc_category_t cat = utf8proc_category(c);
    return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
           cat == UTF8PROC_CATEGORY_ZP;
}

/* Nonzero when t[0..n) is a unit ("岁", "‰", "/10万", "1/10万", "个/千人", "%"). */
static int is_unit_text(const char *t, size_t n)
{
    size_t i = 0;
    /* a numerator printed before the slash: "1/10万" */
    while (i < n && t[i] >= '0' && t[i] <= '9')
        i++;
    if (i > 0 && (i >= n || t[i] != '/'))
        return 0;
    if (i == n)
        return 0;
    size_t m = hp__match_unit(t + i, n - i, NULL);
    return m > 0 && i + m == n;
}

int hp__normalize_name(const char *s, char **out)
{
    char *nf = NULL;
    if (!out)
        return hp__fail(HP_EINVAL, "hp__normalize_name: out is NULL");
    *out = NULL;
    if (!s)
        return hp__fail(HP_EINVAL, "hp__normalize_name: name is NULL");
    int rc = hp__nfkc(s, strlen(s), &nf);
    if (rc != HP_OK)
        return rc;
    if (!nf)
        return hp__oom();
    /* drop white space in place */
    size_t len = strlen(nf), w = 0, i = 0;
    while (i < len) {
        utf8proc_int32_t cp;
        size_t n = next_cp(nf, len, i, &cp);
        if (!is_white(cp)) {
            memmove(nf + w, nf + i, n);
            w += n;
        }
        i += n;
    }
    nf[w] = '\0';
    len = w;
    /* drop one trailing unit in brackets */
    if (len > 2 && (nf[len - 1] == ')' || nf[len - 1] == ']')) {
        char open = nf[len - 1] == ')' ? '(' : '[';
        size_t k = len - 1;
        while (k > 0 && nf[k - 1] != open)
            k--;
        if (k > 1 && is_unit_text(nf + k, len - 1 - k)) {
            len = k - 1;
            nf[len] = '\0';
        }
    }
    for (size_t j = 0; j < len; j++)
        nf[j] = (char)lower((unsigned char)nf[j]);
    *out = nf;
    return HP_OK;
}

int hp__display_width(const char *s)
{
    int width = 0;
    if (!s)
        return 0;
    size_t len = strlen(s), i = 0;
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0) {
            width++;
            i++;
            continue;
        }
        width += utf8proc_charwidth(cp);
        i += (size_t)n;
    }
    return width;
}
