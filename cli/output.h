/* Output helpers of the healthplan command: aligned tables for people, CSV and JSON for
 * programs. */
#ifndef HP_CLI_OUTPUT_H
#define HP_CLI_OUTPUT_H

#include <stdio.h>

typedef enum { FMT_TABLE, FMT_CSV, FMT_JSON } out_format;

/* A table: a header and rows of strings (copied). */
typedef struct out_table {
    size_t ncols;
    char **cells; /* row-major, header first */
    size_t nrows, cap;
} out_table;

int table_init(out_table *t, size_t ncols, const char *const *header);
int table_add(out_table *t, const char *const *row);
void table_free(out_table *t);
/* Print as an aligned table (display width aware), CSV or a JSON array of objects whose keys
 * are the header names; numeric-looking cells of columns listed in `numeric` (NULL-terminated
 * names) are written as JSON numbers. */
void table_print(const out_table *t, out_format fmt, FILE *out, const char *const *numeric);

void csv_cell(FILE *out, const char *s);
void json_string(FILE *out, const char *s);

#endif
