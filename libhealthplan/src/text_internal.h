/* Unicode helpers on top of utf8proc: validation, NFKC, name normalisation, display width,
 * and the unit suffixes that plans print after numbers. */
#ifndef HP_TEXT_INTERNAL_H
#define HP_TEXT_INTERNAL_H

#include <stddef.h>

#include "common_internal.h"

/* Nonzero when s[0..len) is valid UTF-8 (no overlongs, surrogates or code points above
 * U+10FFFF); otherwise 0 and *bad_offset (if not NULL) is the offset of the first bad byte. */
int hp__utf8_valid(const char *s, size_t len, size_t *bad_offset);

/* NFKC of s[0..len) into *out (NUL-terminated, free with hp__free): full-width ＜９５％ becomes
 * <95%. HP_OK; HP_EPARSE (line and column of the first invalid UTF-8 byte) or HP_ENOMEM, with
 * *out NULL. */
int hp__nfkc(const char *s, size_t len, char **out);

/* NFKC with a map back to the input: *out (length *outlen, NUL-terminated) and *map
 * (*outlen + 1 entries) where (*map)[i] is the byte offset in s of the character that produced
 * output byte i and (*map)[*outlen] == len. Normalises one combining sequence (a starter and
 * the marks that follow it) at a time. HP_OK, HP_EPARSE (invalid UTF-8: *bad_offset set, error
 * record filled without a file) or HP_ENOMEM; on failure *out and *map are NULL. */
int hp__nfkc_map(const char *s, size_t len, char **out, size_t *outlen, size_t **map,
                 size_t *bad_offset);

/* Normalise an indicator name for matching: NFKC, remove all white space, remove one trailing
 * unit in brackets ("（岁）", "(‰)", "(/10 万)", "（1/10万）", "(人)") and lower-case ASCII
 * letters. "婴儿死亡率（‰）" and "婴儿死亡率" give the same key; a trailing bracket that is not
 * a unit ("国家卫生城市（县城）") is kept. HP_OK, HP_EPARSE (invalid UTF-8), HP_EINVAL, HP_ENOMEM. */
int hp__normalize_name(const char *s, char **out);

/* Terminal columns of the NUL-terminated s: East Asian wide and full-width characters count 2,
 * combining marks and control characters 0 (utf8proc_charwidth); an invalid byte counts 1. */
int hp__display_width(const char *s);

/* Length of the word w at s[0..len), 0 when it does not match there: ASCII letters compare
 * case-insensitively, a space in w matches any run of white space, and a w ending in a letter
 * or digit must not be followed by one ("or" does not match "order"). */
size_t hp__match_word(const char *s, size_t len, const char *w);

/* Kinds of unit recognised by hp__match_unit(). */
enum {
    HP__UNIT_NONE = 0,
    HP__UNIT_PERCENT,   /* %, percent, pct */
    HP__UNIT_PP,        /* 个百分点, 百分点, pp, percentage points */
    HP__UNIT_PERMILLE,  /* ‰, ‱, per mille */
    HP__UNIT_OTHER      /* 岁, 张, 人, 个, /10万, 平方米, 亿元, per 1000 … */
};

/* Length in bytes of the unit that starts exactly at s (NFKC text, no leading white space is
 * skipped), 0 when none; *kind (if not NULL) receives its HP__UNIT_* kind. Accepts a unit word
 * (%, ‰, 个百分点, 岁, 张, 人, 个, 名, 所, 家, 项, 天, 平方米, 万人, 亿元 …), an optional
 * denominator ("/10万", "/10 万", "/千人", "/万") and the English forms ("years", "pp",
 * "per 1000", "per 100k"). */
size_t hp__match_unit(const char *s, size_t len, int *kind);

#endif
