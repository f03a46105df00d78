/* Fuzz target: the CSV loader, hp_dataset_load_csv_buffer() (observations and targets CSV,
 * told apart by the header), on a dataset holding the built-in data.
 *
 * Properties checked:
 *   - a failed load returns a documented code with a message and leaves the dataset as it was
 *     (record counts always; the whole saved JSON when HP_FUZZ_THOROUGH is defined);
 *   - a dataset that loaded can be evaluated, compared and audited;
 *   - the dataset's own observations CSV loads back into it without changing it (identical
 *     records merge), and so does its own JSON. */
#include "fuzz_common.h"

static hp_dataset *g_builtin;
static fuzz_counts g_counts;
static char *g_dump;

static void builtin_ready(void)
{
    if (g_builtin)
        return;
    int rc = hp_dataset_builtin(&g_builtin);
    FUZZ_CHECK(rc == HP_OK, "hp_dataset_builtin returned %d", rc);
    g_counts = fuzz_counts_of(g_builtin);
#ifdef HP_FUZZ_THOROUGH
    hp_free(g_dump);
    g_dump = fuzz_dump(g_builtin);
#endif
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    builtin_ready();
    int rc = hp_dataset_load_csv_buffer(g_builtin, (const char *)data, size, "fuzz.csv");
    if (rc != HP_OK) {
        fuzz_check_error(rc, "CSV load");
        FUZZ_CHECK(fuzz_counts_equal(g_counts, fuzz_counts_of(g_builtin)),
                   "a failed load (%s) changed the record counts", hp_strerror(rc));
#ifdef HP_FUZZ_THOROUGH
        char *after = fuzz_dump(g_builtin);
        FUZZ_CHECK(strcmp(after, g_dump) == 0, "a failed load (%s) changed the dataset",
                   hp_strerror(rc));
        hp_free(after);
#endif
        return 0;
    }
    fuzz_exercise(g_builtin);

    fuzz_counts before = fuzz_counts_of(g_builtin);
    char *csv = NULL;
    size_t len = 0;
    FUZZ_CHECK(hp_dataset_save_observations_csv_buffer(g_builtin, &csv, &len) == HP_OK,
               "hp_dataset_save_observations_csv_buffer");
    rc = hp_dataset_load_csv_buffer(g_builtin, csv, len, "self.csv");
    FUZZ_CHECK(rc == HP_OK, "the dataset's own observations CSV does not merge into it: %d", rc);
    FUZZ_CHECK(fuzz_counts_equal(before, fuzz_counts_of(g_builtin)),
               "merging its own observations changed it");
    hp_free(csv);

    char *json = fuzz_dump(g_builtin);
    rc = hp_dataset_load_json_buffer(g_builtin, json, strlen(json), "self.json");
    FUZZ_CHECK(rc == HP_OK, "the dataset's own JSON does not merge into it: %d", rc);
    FUZZ_CHECK(fuzz_counts_equal(before, fuzz_counts_of(g_builtin)),
               "merging its own JSON changed it");
    hp_free(json);

    hp_dataset_free(g_builtin);
    g_builtin = NULL;
    return 0;
}
