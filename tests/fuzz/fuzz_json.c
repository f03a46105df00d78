/* Fuzz target: the dataset JSON loader, hp_dataset_load_json_buffer().
 *
 * Every input is loaded twice: into a dataset that already holds the built-in data (so its
 * references resolve and its records may conflict with the built-in ones) and into an empty
 * dataset. Properties checked:
 *   - a failed load returns a documented code with a message and leaves the dataset as it was
 *     (record counts always; the whole saved JSON when HP_FUZZ_THOROUGH is defined, as in the
 *     replay test of the normal build);
 *   - a dataset that loaded can be evaluated, compared and audited, and every JSON writer
 *     gives valid JSON;
 *   - saving and loading into an empty dataset gives the same dataset (the saved text is a
 *     fixed point), and loading a dataset's own JSON into it again changes nothing. */
#include "fuzz_common.h"

static hp_dataset *g_builtin;     /* built-in data; rebuilt after a load changed it */
static fuzz_counts g_counts;
static char *g_dump;              /* its JSON, for the thorough check */

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

/* The saved text of ds loads into an empty dataset that saves to the same text, and loads
 * into ds itself without changing it. */
static void check_round_trip(hp_dataset *ds)
{
    char *text = fuzz_dump(ds);
    hp_dataset *copy = NULL;
    FUZZ_CHECK(hp_dataset_new(&copy) == HP_OK, "hp_dataset_new");
    int rc = hp_dataset_load_json_buffer(copy, text, strlen(text), "saved.json");
    FUZZ_CHECK(rc == HP_OK, "the saved dataset does not load back: %d\n%.2000s", rc, text);
    char *again = fuzz_dump(copy);
    FUZZ_CHECK(strcmp(text, again) == 0, "save/load/save differs:\n%.2000s\n----\n%.2000s", text,
               again);
    hp_free(again);
    hp_dataset_free(copy);

    fuzz_counts before = fuzz_counts_of(ds);
    rc = hp_dataset_load_json_buffer(ds, text, strlen(text), "self.json");
    FUZZ_CHECK(rc == HP_OK, "a dataset's own JSON does not merge into it: %d", rc);
    FUZZ_CHECK(fuzz_counts_equal(before, fuzz_counts_of(ds)), "merging its own JSON changed it");
    hp_free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;

    /* 1. on top of the built-in data */
    builtin_ready();
    int rc = hp_dataset_load_json_buffer(g_builtin, text, size, "fuzz.json");
    if (rc != HP_OK) {
        fuzz_check_error(rc, "load into the built-in data");
        FUZZ_CHECK(fuzz_counts_equal(g_counts, fuzz_counts_of(g_builtin)),
                   "a failed load (%s) changed the record counts", hp_strerror(rc));
#ifdef HP_FUZZ_THOROUGH
        char *after = fuzz_dump(g_builtin);
        FUZZ_CHECK(strcmp(after, g_dump) == 0, "a failed load (%s) changed the dataset",
                   hp_strerror(rc));
        hp_free(after);
#endif
    } else {
        fuzz_exercise(g_builtin);
        hp_dataset_free(g_builtin);
        g_builtin = NULL;
    }

    /* 2. into an empty dataset */
    hp_dataset *ds = NULL;
    FUZZ_CHECK(hp_dataset_new(&ds) == HP_OK, "hp_dataset_new");
    rc = hp_dataset_load_json_buffer(ds, text, size, "fuzz.json");
    if (rc != HP_OK) {
        fuzz_check_error(rc, "load into an empty dataset");
        fuzz_counts zero = {0, 0, 0, 0, 0, 0};
        FUZZ_CHECK(fuzz_counts_equal(zero, fuzz_counts_of(ds)), "a failed load left records");
    } else {
        fuzz_exercise(ds);
        check_round_trip(ds);
    }
    hp_dataset_free(ds);
    return 0;
}
