/* The CSV tokenizer (src/csv.c): RFC 4180 records, located errors, loader helpers. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_internal.h"

/* Every input is copied into a heap block of exactly its length (no NUL after it), so that
 * AddressSanitizer catches any read past the end of the buffer. */
typedef struct input {
    char *data;
    size_t len;
} input;

static input in;
static hp__csv rd;

static void teardown(void)
{
    hp__csv_close(&rd);
    free(in.data);
    in.data = NULL;
    in.len = 0;
}

static int open_n(const char *s, size_t n)
{
    hp__csv_close(&rd);
    free(in.data);
    in.data = malloc(n ? n : 1);
    cr_assert(not(eq(ptr, in.data, NULL)));
    memcpy(in.data, s, n);
    in.len = n;
    return hp__csv_open(&rd, in.data, n, "t.csv");
}
#define OPEN(lit) open_n((lit), sizeof(lit) - 1)

/* Field i of the current record as a NUL-terminated string (rotating static buffers). */
static const char *fld(size_t i)
{
    static char bufs[8][512];
    static int k;
    const hp__csv_field *f = hp__csv_field_at(&rd, i);
    cr_assert(not(eq(ptr, (void *)f, NULL)), "no field %zu", i);
    cr_assert(f->len < sizeof bufs[0]);
    char *b = bufs[k++ & 7];
    memcpy(b, f->ptr, f->len);
    b[f->len] = '\0';
    return b;
}

/* Read records until an error; check code, position and a fragment of the message. */
static void expect_error(int code, int line, int column, const char *fragment)
{
    int rc;
    while ((rc = hp__csv_next(&rd)) == 1)
        ;
    cr_assert(eq(int, rc, code));
    const hp_error *e = hp_error_last();
    cr_assert(eq(int, e->code, code));
    cr_assert(eq(str, (char *)e->file, "t.csv"));
    cr_assert(eq(int, e->line, line), "line %d, message: %s", e->line, e->message);
    cr_assert(eq(int, e->column, column), "column %d, message: %s", e->column, e->message);
    cr_assert(not(eq(ptr, strstr(e->message, fragment), NULL)), "message: %s", e->message);
}

TestSuite(csv, .fini = teardown);

/* ---- records and fields ---- */

Test(csv, reads_simple_records)
{
    cr_assert(eq(int, OPEN("a,b,c\n1,2,3\n"), HP_OK));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(sz, hp__csv_nfields(&rd), 3));
    cr_assert(eq(str, (char *)fld(0), "a"));
    cr_assert(eq(str, (char *)fld(2), "c"));
    cr_assert(eq(int, hp__csv_line(&rd), 1));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(str, (char *)fld(1), "2"));
    cr_assert(eq(int, hp__csv_line(&rd), 2));
    cr_assert(eq(sz, hp__csv_record_number(&rd), 2));
    cr_assert(eq(int, hp__csv_next(&rd), 0));
    cr_assert(eq(sz, hp__csv_nfields(&rd), 0));
    cr_assert(eq(ptr, (void *)hp__csv_field_at(&rd, 0), NULL));
    cr_assert(eq(int, hp__csv_next(&rd), 0), "the end stays the end");
}

Test(csv, fields_point_into_the_input_with_offsets)
{
    cr_assert(eq(int, OPEN("ab,\"cd\",ef"), HP_OK));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    const hp__csv_field *f0 = hp__csv_field_at(&rd, 0), *f1 = hp__csv_field_at(&rd, 1),
                        *f2 = hp__csv_field_at(&rd, 2);
    cr_assert(eq(ptr, (void *)f0->ptr, in.data));
    cr_assert(eq(ptr, (void *)f1->ptr, in.data + 4), "quoted without \"\": zero-copy");
    cr_assert(eq(sz, f0->offset, 0));
    cr_assert(eq(sz, f1->offset, 3), "a quoted field starts at its opening quote");
    cr_assert(eq(sz, f2->offset, 8));
    cr_assert(eq(int, f0->quoted, 0));
    cr_assert(eq(int, f1->quoted, 1));
    cr_assert(eq(sz, f1->len, 2));
}

Test(csv, quoted_fields_hold_commas)
{
    cr_assert(eq(int, OPEN("\"Yiyang, Hunan\",430900\n"), HP_OK));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(sz, hp__csv_nfields(&rd), 2));
    cr_assert(eq(str, (char *)fld(0), "Yiyang, Hunan"));
    cr_assert(eq(str, (char *)fld(1), "430900"));
}

Test(csv, doubled_quotes_are_unescaped)
{
    cr_assert(eq(int, OPEN("\"say \"\"hi\"\"\",x,\"\"\"\",\"a\"\"b\"\"c\"\"d\",\"plain\"\n"
                           "\"\"\"q\"\"\"\n"),
                 HP_OK));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(sz, hp__csv_nfields(&rd), 5));
    cr_assert(eq(str, (char *)fld(0), "say \"hi\""));
    cr_assert(eq(str, (char *)fld(1), "x"));
    cr_assert(eq(str, (char *)fld(2), "\""));
    cr_assert(eq(str, (char *)fld(3), "a\"b\"c\"d"), "several unescaped fields in one record");
    cr_assert(eq(str, (char *)fld(4), "plain"));
    cr_assert(eq(int, hp__csv_field_at(&rd, 3)->quoted, 1));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(str, (char *)fld(0), "\"q\""));
}

Test(csv, scratch_survives_growth_within_a_record)
{
    /* Many escaped fields in one record force the scratch buffer to move while it is read. */
    char buf[8192];
    size_t n = 0;
    for (int i = 0; i < 200; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s\"v%d \"\"x\"\"\"", i ? "," : "", i);
    buf[n++] = '\n';
    cr_assert(eq(int, open_n(buf, n), HP_OK));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(sz, hp__csv_nfields(&rd), 200));
    for (int i = 0; i < 200; i++) {
        char want[32];
        snprintf(want, sizeof want, "v%d \"x\"", i);
        cr_assert(eq(str, (char *)fld((size_t)i), want));
    }
}

Test(csv, quoted_newlines_count_as_lines)
{
    cr_assert(eq(int, OPEN("h1,h2\n\"two\nlines\",x\n\"three\r\nlines\rhere\",y\nlast,z\n"),
                 HP_OK));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(int, hp__csv_line(&rd), 2));
    cr_assert(eq(str, (char *)fld(0), "two\nlines"));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(int, hp__csv_line(&rd), 4));
    cr_assert(eq(str, (char *)fld(0), "three\r\nlines\rhere"), "kept verbatim");
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(int, hp__csv_line(&rd), 7), "CRLF and lone CR in quotes each end a line");
    cr_assert(eq(str, (char *)fld(0), "last"));
}

Test(csv, crlf_line_endings)
{
    cr_assert(eq(int, OPEN("a,b\r\n1,\r\n\r\n2,3\r\n"), HP_OK));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(str, (char *)fld(1), "b"), "no CR left in the last field");
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(sz, hp__csv_nfields(&rd), 2));
    cr_assert(eq(str, (char *)fld(1), ""));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(int, hp__csv_line(&rd), 4));
    cr_assert(eq(str, (char *)fld(1), "3"));
    cr_assert(eq(int, hp__csv_next(&rd), 0));
}

Test(csv, lone_cr_ends_a_record)
{
    cr_assert(eq(int, OPEN("a,b\r1,2\r\"x\"\r3,4"), HP_OK));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(int, hp__csv_line(&rd), 2));
    cr_assert(eq(str, (char *)fld(1), "2"));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(str, (char *)fld(0), "x"));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(int, hp__csv_line(&rd), 4));
    cr_assert(eq(int, hp__csv_next(&rd), 0));
}

Test(csv, utf8_bom_is_skipped)
{
    cr_assert(eq(int, OPEN("\xEF\xBB\xBFREF_AREA,OBS_VALUE\n430900,7.82\n"), HP_OK));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(str, (char *)fld(0), "REF_AREA"));
    cr_assert(eq(sz, hp__csv_field_at(&rd, 0)->offset, 3), "offsets count the BOM");
    cr_assert(eq(int, hp__csv_column(&rd, 3), 1), "columns do not");
    cr_assert(eq(int, hp__csv_column(&rd, 12), 10));
}

Test(csv, last_line_without_newline)
{
    cr_assert(eq(int, OPEN("a,b\n1,\"2\""), HP_OK));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(str, (char *)fld(1), "2"));
    cr_assert(eq(int, hp__csv_next(&rd), 0));

    cr_assert(eq(int, OPEN("x,yz"), HP_OK));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(str, (char *)fld(1), "yz"));
    cr_assert(eq(int, hp__csv_next(&rd), 0));
}

Test(csv, empty_fields_and_trailing_comma)
{
    cr_assert(eq(int, OPEN(",,\n\"\",x,\na,\n,"), HP_OK));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(sz, hp__csv_nfields(&rd), 3));
    for (size_t i = 0; i < 3; i++)
        cr_assert(eq(sz, hp__csv_field_at(&rd, i)->len, 0));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(sz, hp__csv_nfields(&rd), 3), "trailing comma = empty last field");
    cr_assert(eq(int, hp__csv_field_at(&rd, 0)->quoted, 1));
    cr_assert(eq(str, (char *)fld(0), ""));
    cr_assert(eq(str, (char *)fld(2), ""));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(sz, hp__csv_nfields(&rd), 2));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(sz, hp__csv_nfields(&rd), 2), "a trailing comma at the end of the input");
    cr_assert(eq(int, hp__csv_next(&rd), 0));
}

Test(csv, blank_lines_are_skipped_and_counted)
{
    cr_assert(eq(int, OPEN("\n\r\nh\n\n\r\n\rv\n\n"), HP_OK));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(int, hp__csv_line(&rd), 3));
    cr_assert(eq(str, (char *)fld(0), "h"));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(int, hp__csv_line(&rd), 7));
    cr_assert(eq(str, (char *)fld(0), "v"));
    cr_assert(eq(int, hp__csv_next(&rd), 0));
}

Test(csv, spaces_are_data)
{
    cr_assert(eq(int, OPEN(" a , b\t,\" c \"\n  \n"), HP_OK));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(str, (char *)fld(0), " a "));
    cr_assert(eq(str, (char *)fld(1), " b\t"));
    cr_assert(eq(str, (char *)fld(2), " c "));
    cr_assert(eq(int, hp__csv_next(&rd), 1), "a line of spaces is a record, not a blank line");
    cr_assert(eq(str, (char *)fld(0), "  "));
}

Test(csv, empty_inputs)
{
    cr_assert(eq(int, hp__csv_open(&rd, NULL, 0, NULL), HP_OK));
    cr_assert(eq(int, hp__csv_next(&rd), 0));
    cr_assert(eq(int, OPEN("\xEF\xBB\xBF"), HP_OK));
    cr_assert(eq(int, hp__csv_next(&rd), 0));
    cr_assert(eq(int, OPEN("\n\n\r\n"), HP_OK));
    cr_assert(eq(int, hp__csv_next(&rd), 0));
}

Test(csv, chinese_text_passes_through)
{
    cr_assert(eq(int, OPEN("430900,益阳市,\"婴儿死亡率（‰）\",𠀀\n"), HP_OK));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(str, (char *)fld(1), "益阳市"));
    cr_assert(eq(str, (char *)fld(2), "婴儿死亡率（‰）"));
    cr_assert(eq(str, (char *)fld(3), "𠀀"), "4-byte sequences");
}

/* ---- errors ---- */

Test(csv, unterminated_quote_points_at_the_opening_quote)
{
    cr_assert(eq(int, OPEN("h1,h2\nx,y\nabc,\"def\nghi,jkl\n"), HP_OK));
    expect_error(HP_EPARSE, 3, 5, "unterminated quoted field");
    cr_assert(eq(str, (char *)hp_error_last()->field, "h2"), "named by the header");
    cr_assert(not(eq(ptr, strstr(hp_error_last()->message, "h2: "), NULL)));
}

Test(csv, unterminated_quote_after_cjk_counts_code_points)
{
    cr_assert(eq(int, OPEN("地区,值\n益阳市,\"7.82"), HP_OK));
    expect_error(HP_EPARSE, 2, 5, "unterminated");
    cr_assert(eq(str, (char *)hp_error_last()->field, "值"));
}

Test(csv, quote_inside_unquoted_field)
{
    cr_assert(eq(int, OPEN("a,b\nx,ab\"c\n"), HP_OK));
    expect_error(HP_EPARSE, 2, 5, "'\"' inside an unquoted field");
    cr_assert(eq(str, (char *)hp_error_last()->field, "b"));
}

Test(csv, text_after_closing_quote)
{
    cr_assert(eq(int, OPEN("\"ab\"x,c\n"), HP_OK));
    expect_error(HP_EPARSE, 1, 5, "text after the closing quote");
    cr_assert(not(eq(ptr, strstr(hp_error_last()->message, "found \"x\""), NULL)));
    cr_assert(eq(str, (char *)hp_error_last()->field, "field 1"), "no header yet");

    cr_assert(eq(int, OPEN("h\n\"a\" \n"), HP_OK));
    expect_error(HP_EPARSE, 2, 4, "found \" \"");

    cr_assert(eq(int, OPEN("h\n\"a\"阳\n"), HP_OK));
    expect_error(HP_EPARSE, 2, 4, "found \"阳\"");
}

Test(csv, invalid_utf8_column_counts_code_points)
{
    /* Line 2: 益阳市 (3 code points, 9 bytes) "," 湖 南 then 0xFF: code-point column 7,
     * byte column 17. */
    cr_assert(eq(int, OPEN("region,name\n益阳市,湖南\xFF\n"), HP_OK));
    expect_error(HP_EPARSE, 2, 7, "invalid UTF-8 byte 0xFF");
    cr_assert(eq(str, (char *)hp_error_last()->field, "name"));
    cr_assert(not(eq(ptr, strstr(hp_error_last()->message, "GB18030"), NULL)));
}

Test(csv, invalid_utf8_forms_are_rejected)
{
    static const char *bad[] = {
        "a\xC0\x80",         /* overlong NUL */
        "a\xE0\x80\xAF",     /* overlong '/' */
        "a\xED\xA0\x80",     /* surrogate */
        "a\xF4\x90\x80\x80", /* > U+10FFFF */
        "a\xF5\x80\x80\x80", /* invalid lead */
        "a\x80",             /* stray continuation */
        "a\xE7\x9B",         /* truncated at the end of the input */
        "a\xE7\x9B,",        /* truncated before a comma */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert(eq(int, open_n(bad[i], strlen(bad[i])), HP_OK));
        expect_error(HP_EPARSE, 1, 2, "invalid UTF-8");
    }
    cr_assert(eq(int, OPEN("\"a\xC3\""), HP_OK));
    expect_error(HP_EPARSE, 1, 3, "invalid UTF-8 byte 0xC3");
    /* GBK text: 益阳 in GBK is D2 E6 D1 F4. */
    cr_assert(eq(int, OPEN("\xD2\xE6\xD1\xF4"), HP_OK));
    expect_error(HP_EPARSE, 1, 1, "invalid UTF-8 byte 0xD2");
}

Test(csv, invalid_utf8_on_a_continuation_line_of_a_quoted_field)
{
    cr_assert(eq(int, OPEN("h1,h2\nx,\"第一行\n第二\xFF\"\n"), HP_OK));
    expect_error(HP_EPARSE, 3, 3, "invalid UTF-8");
    cr_assert(eq(str, (char *)hp_error_last()->field, "h2"));
}

Test(csv, nul_byte)
{
    cr_assert(eq(int, OPEN("a,b\nc,d\0e\n"), HP_OK));
    expect_error(HP_EPARSE, 2, 4, "NUL byte");
    cr_assert(eq(int, OPEN("a\n\"x\0\"\n"), HP_OK));
    expect_error(HP_EPARSE, 2, 3, "NUL byte");
}

Test(csv, utf16_and_utf32_boms_are_rejected)
{
    cr_assert(eq(int, OPEN("\xFF\xFE" "a\0,\0"), HP_EPARSE));
    cr_assert(not(eq(ptr, strstr(hp_error_last()->message, "UTF-16 (little-endian)"), NULL)));
    cr_assert(eq(int, hp_error_last()->line, 1));
    cr_assert(eq(int, hp_error_last()->column, 1));
    cr_assert(eq(str, (char *)hp_error_last()->file, "t.csv"));
    cr_assert(eq(int, OPEN("\xFE\xFF\0a"), HP_EPARSE));
    cr_assert(not(eq(ptr, strstr(hp_error_last()->message, "UTF-16 (big-endian)"), NULL)));
    cr_assert(eq(int, OPEN("\xFF\xFE\0\0a\0\0\0"), HP_EPARSE));
    cr_assert(not(eq(ptr, strstr(hp_error_last()->message, "UTF-32 (little-endian)"), NULL)));
    cr_assert(eq(int, OPEN("\0\0\xFE\xFF"), HP_EPARSE));
    cr_assert(not(eq(ptr, strstr(hp_error_last()->message, "UTF-32 (big-endian)"), NULL)));
    hp__csv_close(&rd); /* harmless after a failed open */
}

static char *repeat_fields(size_t nfields, size_t *len)
{
    char *s = malloc(nfields * 2 + 16);
    size_t n = 0;
    for (size_t i = 0; i < nfields; i++) {
        s[n++] = 'x';
        s[n++] = ',';
    }
    s[n - 1] = '\n';
    *len = n;
    return s;
}

Test(csv, too_many_fields)
{
    size_t n;
    char *s = repeat_fields(HP_CSV_MAX_FIELDS, &n);
    cr_assert(eq(int, open_n(s, n), HP_OK));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(sz, hp__csv_nfields(&rd), HP_CSV_MAX_FIELDS), "the limit itself is fine");
    free(s);

    s = repeat_fields(HP_CSV_MAX_FIELDS + 1, &n);
    cr_assert(eq(int, open_n(s, n), HP_OK));
    expect_error(HP_EPARSE, 1, 2 * HP_CSV_MAX_FIELDS + 1, "more than 4096 fields");
    cr_assert(eq(str, (char *)hp_error_last()->field, "field 4097"));
    free(s);
}

Test(csv, field_too_long)
{
    size_t n = HP_CSV_MAX_FIELD + 8;
    char *s = malloc(n);
    memcpy(s, "h\n", 2);
    memset(s + 2, 'a', HP_CSV_MAX_FIELD);
    memcpy(s + 2 + HP_CSV_MAX_FIELD, "\nb\n", 3);
    cr_assert(eq(int, open_n(s, HP_CSV_MAX_FIELD + 5), HP_OK));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(sz, hp__csv_field_at(&rd, 0)->len, HP_CSV_MAX_FIELD), "1 MiB is fine");
    cr_assert(eq(int, hp__csv_next(&rd), 1));

    memcpy(s, "h\n,", 3); /* field 2 of line 2 is now 1 MiB + 1 byte... */
    memset(s + 3, 'a', HP_CSV_MAX_FIELD);
    s[3 + HP_CSV_MAX_FIELD] = 'a';
    s[4 + HP_CSV_MAX_FIELD] = '\n';
    cr_assert(eq(int, open_n(s, HP_CSV_MAX_FIELD + 5), HP_OK));
    expect_error(HP_EPARSE, 2, 2, "field longer than the limit of 1 MiB");
    cr_assert(eq(str, (char *)hp_error_last()->field, "field 2"), "the header has one column");
    free(s);
}

Test(csv, record_too_long)
{
    /* 17 fields of 1 MiB each: every field is within its limit, the record is not. */
    size_t nf = 17, n = nf * (HP_CSV_MAX_FIELD + 1) + 2;
    char *s = malloc(n);
    memcpy(s, "h\n", 2);
    for (size_t i = 0; i < nf; i++) {
        char *f = s + 2 + i * (HP_CSV_MAX_FIELD + 1);
        memset(f, 'a', HP_CSV_MAX_FIELD);
        f[HP_CSV_MAX_FIELD] = i + 1 < nf ? ',' : '\n';
    }
    cr_assert(eq(int, open_n(s, n), HP_OK));
    expect_error(HP_EPARSE, 2, 1, "record longer than the limit of 16 MiB");
    free(s);
}

Test(csv, quoted_field_too_long_suggests_a_missing_quote)
{
    size_t n = 2 * HP_CSV_MAX_FIELD;
    char *s = malloc(n);
    memcpy(s, "h\n\"", 3);
    for (size_t i = 3; i < n; i++)
        s[i] = (i % 64 == 0) ? '\n' : 'a';
    cr_assert(eq(int, open_n(s, n), HP_OK));
    expect_error(HP_EPARSE, 2, 1, "is its closing quote missing?");
    free(s);
}

Test(csv, errors_are_sticky)
{
    cr_assert(eq(int, OPEN("a\nb\"\nc\n"), HP_OK));
    expect_error(HP_EPARSE, 2, 2, "inside an unquoted field");
    hp_error_clear();
    cr_assert(eq(int, hp__csv_next(&rd), HP_EPARSE));
    cr_assert(eq(sz, hp__csv_nfields(&rd), 0));
}

/* ---- locating fields for the loaders ---- */

Test(csv, csv_error_names_and_locates_a_field)
{
    cr_assert(eq(int, OPEN("REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\n"
                           "430900,婴儿死亡率,2020,\"x\"\n"),
                 HP_OK));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(int, hp__csv_error(&rd, HP_EVALIDATE, 1, NULL, "unknown indicator \"%s\"", "x"),
                 HP_EVALIDATE));
    const hp_error *e = hp_error_last();
    cr_assert(eq(int, e->line, 2));
    cr_assert(eq(int, e->column, 8));
    cr_assert(eq(str, (char *)e->field, "INDICATOR"));
    cr_assert(eq(str, (char *)e->message, "INDICATOR: unknown indicator \"x\""));

    hp__csv_error(&rd, HP_EPARSE, 3, NULL, "OBS_VALUE: bad");
    cr_assert(eq(str, (char *)hp_error_last()->message, "OBS_VALUE: bad"), "no double prefix");
    cr_assert(eq(int, hp_error_last()->column, 19), "the opening quote");

    hp__csv_error(&rd, HP_EPARSE, 6, "SOURCE", "missing");
    e = hp_error_last();
    cr_assert(eq(int, e->column, 22), "past the last field: at the end of the record");
    cr_assert(eq(str, (char *)e->message, "SOURCE: missing"));
    hp__csv_error(&rd, HP_EPARSE, 7, NULL, "missing");
    cr_assert(eq(str, (char *)hp_error_last()->field, "field 8"));
}

Test(csv, columns_on_continuation_lines)
{
    cr_assert(eq(int, OPEN("h1,h2\r\n\"多行\r\n文本\",阳,v\r\n"), HP_OK));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(int, hp__csv_line(&rd), 2));
    const hp__csv_field *f = hp__csv_field_at(&rd, 1);
    cr_assert(eq(int, hp__csv_line_at(&rd, f->offset), 3));
    cr_assert(eq(int, hp__csv_column(&rd, f->offset), 5));
    hp__csv_error(&rd, HP_EVALIDATE, 2, NULL, "bad");
    cr_assert(eq(int, hp_error_last()->line, 3));
    cr_assert(eq(int, hp_error_last()->column, 7));
    cr_assert(eq(str, (char *)hp_error_last()->field, "field 3"));
}

Test(csv, file_name_defaults_to_buffer)
{
    const char text[] = "a\"";
    cr_assert(eq(int, hp__csv_open(&rd, text, 2, NULL), HP_OK));
    cr_assert(eq(int, hp__csv_next(&rd), HP_EPARSE));
    cr_assert(eq(str, (char *)hp_error_last()->file, "<buffer>"));
}

Test(csv, invalid_arguments)
{
    cr_assert(eq(int, hp__csv_open(NULL, "a", 1, NULL), HP_EINVAL));
    cr_assert(eq(int, hp__csv_open(&rd, NULL, 3, NULL), HP_EINVAL));
    hp__csv_close(&rd);
    hp__csv_close(NULL);
    cr_assert(eq(int, hp__csv_next(NULL), HP_EINVAL));
    cr_assert(eq(sz, hp__csv_nfields(NULL), 0));
    hp__csv never_opened;
    memset(&never_opened, 0, sizeof never_opened);
    cr_assert(eq(int, hp__csv_next(&never_opened), HP_EINVAL));
    cr_assert(not(eq(ptr, strstr(hp_error_last()->message, "not open"), NULL)));
    cr_assert(eq(str, (char *)hp__csv_header_name(&never_opened, 0), ""));
    cr_assert(eq(int, hp__csv_header_index(&never_opened, "x"), -1));
}

/* ---- header helpers ---- */

Test(csv, header_index_any_order_case_and_spaces)
{
    cr_assert(eq(int, OPEN("\xEF\xBB\xBF" "obs_value, Time_Period ,\"REF_AREA\",INDICATOR\r\n"),
                 HP_OK));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(int, hp__csv_header_index(&rd, "REF_AREA"), 2));
    cr_assert(eq(int, hp__csv_header_index(&rd, "OBS_VALUE"), 0), "the BOM is not in the name");
    cr_assert(eq(int, hp__csv_header_index(&rd, "TIME_PERIOD"), 1));
    cr_assert(eq(int, hp__csv_header_index(&rd, "INDICATOR"), 3));
    cr_assert(eq(int, hp__csv_header_index(&rd, "SOURCE"), -1));
    cr_assert(eq(int, hp__csv_header_index(&rd, "REF_ARE"), -1));
    cr_assert(eq(str, (char *)hp__csv_header_name(&rd, 1), "Time_Period"), "kept trimmed");
    cr_assert(eq(str, (char *)hp__csv_header_name(&rd, 9), ""));
    size_t a, b;
    cr_assert(eq(int, hp__csv_header_duplicate(&rd, &a, &b), 0));
}

Test(csv, header_duplicates)
{
    cr_assert(eq(int, OPEN("REF_AREA,OBS_VALUE,,, ref_area\n"), HP_OK));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    size_t a = 99, b = 99;
    cr_assert(eq(int, hp__csv_header_duplicate(&rd, &a, &b), 1));
    cr_assert(eq(sz, a, 0));
    cr_assert(eq(sz, b, 4));
}

/* ---- numbers ---- */

static void open_values(const char *values)
{
    static char text[512];
    snprintf(text, sizeof text, "REF_AREA,OBS_VALUE\n%s", values);
    cr_assert(eq(int, open_n(text, strlen(text)), HP_OK));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
}

static double number_of(const char *field)
{
    char line[128];
    snprintf(line, sizeof line, "430900,%s\n", field);
    open_values(line);
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    double v = -12345;
    int rc = hp__csv_field_double(&rd, 1, &v);
    cr_assert(eq(int, rc, HP_OK), "%s: %s", field, hp_error_last()->message);
    return v;
}

static void number_fails(const char *field, int code, const char *fragment)
{
    char line[128];
    snprintf(line, sizeof line, "430900,%s\n", field);
    open_values(line);
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    double v = -12345;
    cr_assert(eq(int, hp__csv_field_double(&rd, 1, &v), code), "%s", field);
    cr_assert(eq(dbl, v, -12345), "untouched on failure");
    const hp_error *e = hp_error_last();
    cr_assert(eq(int, e->line, 2));
    cr_assert(eq(int, e->column, 8));
    cr_assert(eq(str, (char *)e->field, "OBS_VALUE"));
    cr_assert(not(eq(ptr, strstr(e->message, fragment), NULL)), "message: %s", e->message);
}

Test(csv, field_double_reads_numbers)
{
    cr_assert(eq(dbl, number_of("7.82"), 7.82));
    cr_assert(eq(dbl, number_of(" 7.82 "), 7.82));
    cr_assert(eq(dbl, number_of("\t7.82"), 7.82));
    cr_assert(eq(dbl, number_of("-1e3"), -1000.0));
    cr_assert(eq(dbl, number_of("\"3851564\""), 3851564.0));
    cr_assert(eq(dbl, number_of("+.5"), 0.5));
    cr_assert(eq(dbl, number_of("0.1"), 0.1));
}

Test(csv, field_double_rejects_non_numbers)
{
    number_fails("\"7,82\"", HP_EPARSE, "OBS_VALUE: expected a number, found \"7,82\"");
    number_fails("\"1,234.5\"", HP_EPARSE, "'.' decimal point");
    number_fails("", HP_EPARSE, "OBS_VALUE: expected a number, found an empty field");
    number_fails("  ", HP_EPARSE, "found an empty field");
    number_fails("abc", HP_EPARSE, "found \"abc\"");
    number_fails("1.2.3", HP_EPARSE, "found \"1.2.3\"");
    number_fails("nan", HP_EPARSE, "found \"nan\"");
    number_fails("NaN", HP_EPARSE, "found \"NaN\"");
    number_fails("inf", HP_EPARSE, "found \"inf\"");
    number_fails("-Infinity", HP_EPARSE, "found \"-Infinity\"");
    number_fails("0x1A", HP_EPARSE, "found \"0x1A\"");
    number_fails("7.82‰", HP_EPARSE, "found \"7.82‰\"");
    number_fails("1e999", HP_ERANGE, "number out of range, found \"1e999\"");
}

Test(csv, field_double_error_as_in_the_docs)
{
    cr_assert(eq(int, OPEN("REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\n"
                           "430900,infant_mortality,2020,\"7,82\"\n"),
                 HP_OK));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    int col = hp__csv_header_index(&rd, "obs_value"); /* the loader's lookup is on the header */
    cr_assert(eq(int, col, -1), "the current record is the data line now");
    cr_assert(eq(int, hp__csv_field_double(&rd, 3, NULL), HP_EPARSE));
    const hp_error *e = hp_error_last();
    cr_assert(eq(int, e->line, 2));
    cr_assert(eq(int, e->column, 30));
    cr_assert(eq(str, (char *)e->message,
                 "OBS_VALUE: expected a number, found \"7,82\" (write numbers with a '.' "
                 "decimal point and no thousands separators)"));
}

Test(csv, field_double_missing_field)
{
    open_values("430900\n");
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(int, hp__csv_field_double(&rd, 1, NULL), HP_EPARSE));
    cr_assert(not(eq(ptr, strstr(hp_error_last()->message, "found no field (the record has 1 "),
                     NULL)));
    cr_assert(eq(int, hp_error_last()->column, 7));
}

Test(csv, field_double_ignores_a_german_locale)
{
    const char *names[] = {"de_DE.UTF-8", "de_DE.utf8", "de_DE", "German_Germany.1252"};
    const char *got = NULL;
    for (size_t i = 0; i < 4 && !got; i++)
        got = setlocale(LC_NUMERIC, names[i]);
    if (!got)
        cr_skip_test("no German locale installed (locale -a); nothing to check");
    cr_assert(eq(str, localeconv()->decimal_point, ","), "the locale is active");
    double v = number_of("7.82");
    setlocale(LC_NUMERIC, "C");
    cr_assert(eq(dbl, v, 7.82));
}

Test(csv, field_long_reads_years)
{
    open_values("430900,2020\n430900, 1949 \n430900,2020.5\n430900,2101\n430900,"
                "99999999999999999999999\n");
    long y = 0;
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(int, hp__csv_field_long(&rd, 1, 1949, 2100, &y), HP_OK));
    cr_assert(eq(long, y, 2020));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(int, hp__csv_field_long(&rd, 1, 1949, 2100, &y), HP_OK));
    cr_assert(eq(long, y, 1949));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(int, hp__csv_field_long(&rd, 1, 1949, 2100, &y), HP_EPARSE));
    cr_assert(eq(str, (char *)hp_error_last()->message,
                 "OBS_VALUE: expected an integer, found \"2020.5\""));
    cr_assert(eq(int, hp_error_last()->line, 4));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(int, hp__csv_field_long(&rd, 1, 1949, 2100, &y), HP_ERANGE));
    cr_assert(eq(str, (char *)hp_error_last()->message,
                 "OBS_VALUE: expected an integer from 1949 to 2100, found \"2101\""));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(eq(int, hp__csv_field_long(&rd, 1, 1949, 2100, &y), HP_ERANGE));
    cr_assert(eq(long, y, 1949), "untouched on failure");
    cr_assert(hp__csv_field_blank(&rd, 5));
    cr_assert(not(hp__csv_field_blank(&rd, 0)));
}

Test(csv, field_blank)
{
    cr_assert(eq(int, OPEN(" ,\"\t\",x,\" y\"\n"), HP_OK));
    cr_assert(eq(int, hp__csv_next(&rd), 1));
    cr_assert(hp__csv_field_blank(&rd, 0));
    cr_assert(hp__csv_field_blank(&rd, 1));
    cr_assert(not(hp__csv_field_blank(&rd, 2)));
    cr_assert(not(hp__csv_field_blank(&rd, 3)));
    cr_assert(hp__csv_field_blank(&rd, 4), "absent");
}

/* ---- allocation failures ---- */

static long live_blocks;
static long fail_after;

static void *count_malloc(size_t n, void *ctx)
{
    (void)ctx;
    if (fail_after-- == 0)
        return NULL;
    void *p = malloc(n);
    if (p)
        live_blocks++;
    return p;
}
static void *count_realloc(void *p, size_t n, void *ctx)
{
    (void)ctx;
    if (fail_after-- == 0)
        return NULL;
    void *q = realloc(p, n);
    if (q && !p)
        live_blocks++;
    return q;
}
static void count_free(void *p, void *ctx)
{
    (void)ctx;
    if (p)
        live_blocks--;
    free(p);
}

Test(csv, out_of_memory_on_every_allocation_frees_everything)
{
    hp_allocator a = {count_malloc, count_realloc, count_free, NULL};
    cr_assert(eq(int, hp_set_allocator(&a), HP_OK));
    const char text[] = "h1,h2,h3,h4,h5,h6,h7,h8,h9,h10\n\"a\"\"b\",\"c\"\"d\",e\n";
    int saw_success = 0;
    for (long k = 0; k < 40 && !saw_success; k++) {
        hp__csv r;
        fail_after = k;
        live_blocks = 0;
        int rc = hp__csv_open(&r, text, sizeof text - 1, "mem.csv");
        if (rc == HP_OK) {
            while ((rc = hp__csv_next(&r)) == 1)
                ;
            if (rc == 0)
                saw_success = 1;
            else
                cr_assert(eq(int, rc, HP_ENOMEM), "failure %ld", k);
            if (rc == HP_ENOMEM)
                cr_assert(eq(int, hp__csv_next(&r), HP_ENOMEM), "sticky");
        } else {
            cr_assert(eq(int, rc, HP_ENOMEM));
        }
        hp__csv_close(&r);
        cr_assert(eq(long, live_blocks, 0), "leak after failure %ld", k);
    }
    fail_after = -1;
    hp_set_allocator(NULL);
    cr_assert(saw_success, "enough allocations eventually succeed");
}

/* ---- against a reference: a character-at-a-time reading of the same rules ---- */

typedef struct ref_result {
    int rc;          /* 0 = whole input read, else HP_EPARSE */
    size_t err_off;  /* offset of the error */
    size_t nrec;
    char text[4096]; /* records as "line:field|field|…\n" */
} ref_result;

/* Code point count from line start and line number of a byte offset, computed directly. */
static void ref_position(const unsigned char *d, size_t len, size_t base, size_t off, int *line,
                         int *col)
{
    int ln = 1, c = 1;
    for (size_t i = base; i < off; i++) {
        if (d[i] == '\r' && i + 1 < len && d[i + 1] == '\n')
            continue; /* the LF of the CRLF ends the line */
        if (d[i] == '\n' || d[i] == '\r') {
            ln++;
            c = 1;
        } else if ((d[i] & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = ln;
    *col = c;
}

/* Length of a valid UTF-8 sequence by decoding the code point, or 0. */
static size_t ref_utf8(const unsigned char *p, size_t avail)
{
    size_t n;
    unsigned long cp, min;
    if (p[0] >= 0xF0 && p[0] <= 0xF7) {
        n = 4;
        cp = p[0] & 0x07u;
        min = 0x10000;
    } else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
        n = 3;
        cp = p[0] & 0x0Fu;
        min = 0x800;
    } else if (p[0] >= 0xC0 && p[0] <= 0xDF) {
        n = 2;
        cp = p[0] & 0x1Fu;
        min = 0x80;
    } else {
        return 0;
    }
    if (avail < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

static void ref_parse(const unsigned char *d, size_t len, ref_result *out)
{
    size_t pos = 0, o = 0;
    int line = 1;
    memset(out, 0, sizeof *out);
    if (len >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF)
        pos = 3;
#define EMIT(c) (out->text[o++] = (char)(c))
#define FAIL(off)                                                                             \
    do {                                                                                      \
        out->rc = HP_EPARSE;                                                                  \
        out->err_off = (off);                                                                 \
        out->text[o] = '\0';                                                                  \
        return;                                                                               \
    } while (0)
    for (;;) {
        while (pos < len && (d[pos] == '\n' || d[pos] == '\r')) {
            pos += (d[pos] == '\r' && pos + 1 < len && d[pos + 1] == '\n') ? 2 : 1;
            line++;
        }
        if (pos >= len)
            break;
        size_t rec_o = o;
        o += (size_t)sprintf(out->text + o, "%d:", line);
        int first = 1;
        for (;;) {
            if (!first)
                EMIT('|');
            first = 0;
            size_t start = pos;
            if (pos < len && d[pos] == '"') {
                pos++;
                for (;;) {
                    if (pos >= len)
                        FAIL(start);
                    unsigned char c = d[pos];
                    if (c == '"') {
                        if (pos + 1 < len && d[pos + 1] == '"') {
                            EMIT('"');
                            pos += 2;
                            continue;
                        }
                        pos++;
                        break;
                    }
                    if (c == 0)
                        FAIL(pos);
                    if (c == '\r' || c == '\n') {
                        EMIT(c);
                        pos++;
                        if (c == '\r' && pos < len && d[pos] == '\n')
                            EMIT(d[pos++]);
                        line++;
                        continue;
                    }
                    if (c >= 0x80) {
                        size_t k = ref_utf8(d + pos, len - pos);
                        if (!k)
                            FAIL(pos);
                        while (k--)
                            EMIT(d[pos++]);
                        continue;
                    }
                    EMIT(c);
                    pos++;
                }
                if (pos < len && d[pos] != ',' && d[pos] != '\n' && d[pos] != '\r')
                    FAIL(pos);
            } else {
                while (pos < len && d[pos] != ',' && d[pos] != '\n' && d[pos] != '\r') {
                    unsigned char c = d[pos];
                    if (c == '"' || c == 0)
                        FAIL(pos);
                    if (c >= 0x80) {
                        size_t k = ref_utf8(d + pos, len - pos);
                        if (!k)
                            FAIL(pos);
                        while (k--)
                            EMIT(d[pos++]);
                        continue;
                    }
                    EMIT(c);
                    pos++;
                }
            }
            if (pos < len && d[pos] == ',') {
                pos++;
                continue;
            }
            break;
        }
        (void)rec_o;
        EMIT('\n');
        out->nrec++;
        if (pos < len) {
            pos += (d[pos] == '\r' && pos + 1 < len && d[pos + 1] == '\n') ? 2 : 1;
            line++;
        }
    }
    out->text[o] = '\0';
#undef EMIT
#undef FAIL
}

Test(csv, agrees_with_a_reference_reader_on_random_inputs)
{
    static const char *atoms[] = {"a", "b", "7.82", " ", ",", ",", "\"", "\"", "\"\"", "\n",
                                  "\r\n", "\r", "é", "益阳", "𠀀", "\xFF", "\xC3", "\xE7\x9B",
                                  "\0", "\xEF\xBB\xBF"};
    const size_t natoms = sizeof atoms / sizeof atoms[0];
    unsigned long seed = 12345;
    static ref_result ref;
    static char got[4096];
    int n_ok = 0, n_err = 0;
    for (int iter = 0; iter < 30000; iter++) {
        unsigned char buf[1024];
        size_t n = 0;
        if (iter % 7 == 0) {
            memcpy(buf, "\xEF\xBB\xBF", 3);
            n = 3;
        }
        seed = seed * 6364136223846793005UL + 1442695040888963407UL;
        int count = (int)((seed >> 33) % (iter % 3 ? 40 : 160)); /* some span several blocks */
        for (int j = 0; j < count; j++) {
            seed = seed * 6364136223846793005UL + 1442695040888963407UL;
            size_t a = (size_t)(seed >> 33) % natoms;
            /* invalid bytes and NULs rarely, so most inputs read through */
            if (a >= 15 && a <= 18 && (seed >> 20) % 8)
                a = 0;
            size_t al = a == 18 ? 1 : strlen(atoms[a]);
            memcpy(buf + n, atoms[a], al);
            n += al;
        }
        ref_parse(buf, n, &ref);
        cr_assert(eq(int, open_n((const char *)buf, n), HP_OK));
        size_t o = 0, nrec = 0;
        int rc;
        while ((rc = hp__csv_next(&rd)) == 1) {
            nrec++;
            o += (size_t)sprintf(got + o, "%d:", hp__csv_line(&rd));
            for (size_t i = 0; i < hp__csv_nfields(&rd); i++) {
                const hp__csv_field *f = hp__csv_field_at(&rd, i);
                if (i)
                    got[o++] = '|';
                memcpy(got + o, f->ptr, f->len);
                o += f->len;
            }
            got[o++] = '\n';
        }
        got[o] = '\0';
        if (ref.rc == 0) {
            cr_assert(eq(int, rc, 0), "iteration %d: %s", iter, hp_error_last()->message);
            cr_assert(eq(sz, nrec, ref.nrec), "iteration %d", iter);
            cr_assert(eq(int, memcmp(got, ref.text, o + 1), 0), "iteration %d:\n%s\nvs\n%s",
                      iter, got, ref.text);
        } else {
            cr_assert(eq(int, rc, HP_EPARSE), "iteration %d", iter);
            int line, col;
            ref_position(buf, n, n >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3) ? 3 : 0, ref.err_off,
                         &line, &col);
            cr_assert(eq(int, hp_error_last()->line, line), "iteration %d: %s", iter,
                      hp_error_last()->message);
            cr_assert(eq(int, hp_error_last()->column, col), "iteration %d: %s", iter,
                      hp_error_last()->message);
            cr_assert(eq(int, memcmp(got, ref.text, o), 0), "iteration %d", iter);
        }
        if (ref.rc == 0)
            n_ok++;
        else
            n_err++;
        hp__csv_close(&rd);
    }
    cr_assert(gt(int, n_ok, 3000), "%d inputs read through", n_ok);
    cr_assert(gt(int, n_err, 5000), "%d inputs with an error", n_err);
}
