/* Output helpers of the healthplan command. */
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "text_internal.h"

int table_init(out_table *t, size_t ncols, const char *const *header)
{
    memset(t, 0, sizeof *t);
    t->ncols = ncols;
    return table_add(t, header);
}

int table_add(out_table *t, const char *const *row)
{
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        char **cells = realloc(t->cells, cap * t->ncols * sizeof *cells);
        if (!cells)
            return -1;
        t->cells = cells;
        t->cap = cap;
    }
    for (size_t c = 0; c < t->ncols; c++) {
        const char *s = row[c] ? row[c] : "";
        char *d = malloc(strlen(s) + 1);
        if (!d)
            return -1;
        strcpy(d, s);
        t->cells[t->nrows * t->ncols + c] = d;
    }
    t->nrows++;
    return 0;
}

void table_free(out_table *t)
{
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    memset(t, 0, sizeof *t);
}

void csv_cell(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            if (*p < 0x20)
                fprintf(out, "\\u%04x", *p);
            else
                fputc(*p, out);
        }
    }
    fputc('"', out);
}

static int is_number(const char *s)
{
    if (!*s)
        return 0;
    char *end;
    strtod(s, &end);
    return *end == '\0' && strspn(s, "0123456789.-+eE") == strlen(s);
}

void table_print(const out_table *t, out_format fmt, FILE *out, const char *const *numeric)
{
    size_t nc = t->ncols;
    if (fmt == FMT_CSV) {
        for (size_t r = 0; r < t->nrows; r++) {
            for (size_t c = 0; c < nc; c++) {
                if (c)
                    fputc(',', out);
                csv_cell(out, t->cells[r * nc + c]);
            }
            fputc('\n', out);
        }
        return;
    }
    if (fmt == FMT_JSON) {
        fputs("[", out);
        for (size_t r = 1; r < t->nrows; r++) {
            fputs(r > 1 ? ",\n {" : "\n {", out);
            for (size_t c = 0; c < nc; c++) {
                const char *key = t->cells[c], *v = t->cells[r * nc + c];
                if (c)
                    fputs(", ", out);
                json_string(out, key);
                fputs(": ", out);
                int num = 0;
                for (const char *const *n = numeric; n && *n; n++)
                    if (!strcmp(*n, key))
                        num = 1;
                if (num && !*v)
                    fputs("null", out);
                else if (num && is_number(v))
                    fputs(v, out);
                else
                    json_string(out, v);
            }
            fputs("}", out);
        }
        fputs(t->nrows > 1 ? "\n]\n" : "]\n", out);
        return;
    }
    size_t *w = calloc(nc, sizeof *w);
    if (!w)
        return;
    for (size_t r = 0; r < t->nrows; r++)
        for (size_t c = 0; c < nc; c++) {
            int dw = hp__display_width(t->cells[r * nc + c]);
            if ((size_t)dw > w[c])
                w[c] = (size_t)dw;
        }
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < nc; c++) {
            const char *s = t->cells[r * nc + c];
            fputs(s, out);
            if (c + 1 < nc) {
                size_t pad = w[c] - (size_t)hp__display_width(s) + 2;
                for (size_t k = 0; k < pad; k++)
                    fputc(' ', out);
            }
        }
        fputc('\n', out);
        if (r == 0) {
            for (size_t c = 0; c < nc; c++) {
                for (size_t k = 0; k < w[c]; k++)
                    fputc('-', out);
                if (c + 1 < nc)
                    fputs("  ", out);
            }
            fputc('\n', out);
        }
    }
    free(w);
}
