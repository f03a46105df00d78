/* Cells of the CSV and JSON tables the library writes (results, comparisons, audits). */
#ifndef HP_WRITE_INTERNAL_H
#define HP_WRITE_INTERNAL_H

#include "common_internal.h"

/* A number with 12 significant digits ('.' whatever the locale, no "-0"); NaN is an empty cell
 * in CSV and null in JSON. */
void hp__w_num(hp_buf *b, double v, int json);
/* A year; 0 is an empty cell in CSV and null in JSON. */
void hp__w_year(hp_buf *b, int y, int json);
/* A text cell: RFC 4180 quoting in CSV, an escaped string in JSON. */
void hp__w_text(hp_buf *b, const char *s, int json);
/* The separator before cell k of a row: "," in CSV; in JSON ", " and the "key": prefix. */
void hp__w_key(hp_buf *b, int k, const char *key, int json);
/* Start and end of a row i (JSON objects in an array, CSV lines). */
void hp__w_row_start(hp_buf *b, size_t i, int json);
void hp__w_row_end(hp_buf *b, int json);
/* The header line (CSV) or the opening bracket (JSON); the closing of the array. */
void hp__w_begin(hp_buf *b, const char *const *cols, size_t ncols, int json);
void hp__w_end(hp_buf *b, size_t nrows, int json);
/* Hand over the text: HP_OK or HP_ENOMEM. */
int hp__w_finish(hp_buf *b, char **out, size_t *len);

#endif
