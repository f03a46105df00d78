/* Helpers shared by the Criterion tests. */
#ifndef HP_TEST_SUPPORT_H
#define HP_TEST_SUPPORT_H

#include <stddef.h>

#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include "healthplan.h"

/* Assert that a call returns HP_OK, printing the library's message when it does not. */
#define HP_ASSERT_OK(call)                                                                 \
    do {                                                                                   \
        int hp_rc_ = (call);                                                               \
        cr_assert(eq(int, hp_rc_, HP_OK), "%s failed: %s (%s:%d:%d)", #call,               \
                  hp_error_last()->message, hp_error_last()->file, hp_error_last()->line,  \
                  hp_error_last()->column);                                                \
    } while (0)

/* Assert that the last error's message contains `frag`. */
#define HP_ASSERT_MSG(frag)                                                                \
    cr_assert(strstr(hp_error_last()->message, (frag)) != NULL,                            \
              "message \"%s\" lacks \"%s\"", hp_error_last()->message, (frag))

/* Read a whole file into a NUL-terminated buffer (free with free()); NULL on failure. */
char *hpt_read_file(const char *path, size_t *len);
/* Path of a fixture under tests/data (static buffer). */
const char *hpt_data(const char *name);
/* A dataset's JSON (free with hp_free). */
char *hpt_dump(const hp_dataset *ds);

#endif
