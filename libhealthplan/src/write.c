/* Cells of the CSV and JSON tables the library writes. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "numfmt_internal.h"
#include "rule_internal.h"
#include "write_internal.h"

void hp__w_num(hp_buf *b, double v, int json)
{
    if (isnan(v) || isinf(v)) {
        if (json)
            hp__buf_puts(b, "null");
        return;
    }
    char t[40];
    if (v == 0) {
        hp__buf_append(b, "0", 1); /* no "-0" */
        return;
    }
    /* 12 significant digits: exact for every printed figure, without float noise; numfmt.c
     * gives snprintf's digits without its cost where it can */
    size_t n = hp__fmt_g(t, v, 12);
    if (n) {
        hp__buf_append(b, t, n);
        return;
    }
    snprintf(t, sizeof t, "%.12g", v);
    for (char *p = t; *p; p++)
        if (*p == ',')
            *p = '.';
    hp__buf_puts(b, t);
}

void hp__w_year(hp_buf *b, int y, int json)
{
    if (y) {
        char t[24];
        hp__buf_append(b, t, hp__fmt_int(t, y));
    } else if (json)
        hp__buf_puts(b, "null");
}

void hp__w_text(hp_buf *b, const char *s, int json)
{
    if (!s)
        s = "";
    if (json) {
        hp__json_escape(b, s);
        return;
    }
    if (!strpbrk(s, ",\"\r\n")) {
        hp__buf_puts(b, s);
        return;
    }
    hp__buf_append(b, "\"", 1);
    for (const char *p = s;;) { /* runs up to and including each quote, the quote doubled */
        const char *q = strchr(p, '"');
        if (!q) {
            hp__buf_puts(b, p);
            break;
        }
        hp__buf_append(b, p, (size_t)(q - p) + 1);
        hp__buf_append(b, "\"", 1);
        p = q + 1;
    }
    hp__buf_append(b, "\"", 1);
}

void hp__w_key(hp_buf *b, int k, const char *key, int json)
{
    if (json) {
        if (k)
            hp__buf_append(b, ", ", 2);
        hp__buf_append(b, "\"", 1);
        hp__buf_puts(b, key);
        hp__buf_append(b, "\": ", 3);
    } else if (k) {
        hp__buf_append(b, ",", 1);
    }
}

void hp__w_row_start(hp_buf *b, size_t i, int json)
{
    if (json)
        hp__buf_puts(b, i ? ",\n {" : "\n {");
}

void hp__w_row_end(hp_buf *b, int json) { hp__buf_puts(b, json ? "}" : "\n"); }

void hp__w_begin(hp_buf *b, const char *const *cols, size_t ncols, int json)
{
    if (json) {
        hp__buf_puts(b, "[");
        return;
    }
    for (size_t k = 0; k < ncols; k++) {
        hp__buf_puts(b, k ? "," : "");
        hp__buf_puts(b, cols[k]);
    }
    hp__buf_puts(b, "\n");
}

void hp__w_end(hp_buf *b, size_t nrows, int json)
{
    if (json)
        hp__buf_puts(b, nrows ? "\n]\n" : "]\n");
}

int hp__w_finish(hp_buf *b, char **out, size_t *len)
{
    size_t n = b->len;
    char *text = hp__buf_take(b);
    if (!text)
        return hp__oom();
    *out = text;
    if (len)
        *len = n;
    return HP_OK;
}
