/* Helpers shared by the Criterion tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

char *hpt_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) {
        buf[n] = '\0';
        if (len)
            *len = (size_t)n;
    }
    return buf;
}

const char *hpt_data(const char *name)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/%s", HP_TEST_DATA, name);
    return path;
}

char *hpt_dump(const hp_dataset *ds)
{
    char *out = NULL;
    if (hp_dataset_save_json_buffer(ds, &out, NULL) != HP_OK)
        return NULL;
    return out;
}
