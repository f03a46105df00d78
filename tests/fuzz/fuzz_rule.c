/* Fuzz target: the rule phrase parser, hp_rule_parse(), and the rule JSON reader,
 * hp_rule_from_json(), on the same text.
 *
 * Properties checked:
 *   - a phrase that cannot be read gives HP_EPARSE with file "<phrase>", line 1 and a column
 *     inside the phrase (code points from 1, at most one past the end);
 *   - a rule that was read survives hp_rule_to_json() -> hp_rule_from_json() unchanged
 *     (hp__rule_equal) and its JSON is a fixed point; hp_rule_copy() gives an equal rule;
 *     hp_rule_describe() works;
 *   - the same holds for a rule read from JSON. */
#include "fuzz_common.h"
#include "rule_internal.h"

static size_t codepoints(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

static void check_rule(const hp_rule *r, const char *what)
{
    char *json = NULL, *again = NULL, *desc = NULL;
    int rc = hp_rule_to_json(r, &json);
    FUZZ_CHECK(rc == HP_OK, "%s: hp_rule_to_json returned %d", what, rc);
    fuzz_check_json_text(json, "hp_rule_to_json");
    hp_rule back;
    rc = hp_rule_from_json(json, &back);
    FUZZ_CHECK(rc == HP_OK, "%s: the rule's own JSON does not read back: %s", what, json);
    FUZZ_CHECK(hp__rule_equal(r, &back), "%s: JSON round trip changed the rule: %s", what, json);
    FUZZ_CHECK(hp_rule_to_json(&back, &again) == HP_OK, "%s: to_json of the copy", what);
    FUZZ_CHECK(strcmp(json, again) == 0, "%s: JSON is not a fixed point: %s vs %s", what, json,
               again);
    hp_rule copy;
    FUZZ_CHECK(hp_rule_copy(&copy, r) == HP_OK, "%s: hp_rule_copy", what);
    FUZZ_CHECK(hp__rule_equal(r, &copy), "%s: hp_rule_copy gave another rule", what);
    FUZZ_CHECK(hp_rule_describe(r, &desc) == HP_OK && desc, "%s: hp_rule_describe", what);
    hp_free(desc);
    hp_rule_dispose(&copy);
    hp_rule_dispose(&back);
    hp_free(json);
    hp_free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';

    hp_rule r;
    int rc = hp_rule_parse(s, &r);
    if (rc == HP_OK) {
        FUZZ_CHECK(r.kind != HP_RULE_NONE, "a parsed phrase gave no rule");
        check_rule(&r, "phrase");
        hp_rule_dispose(&r);
    } else {
        fuzz_check_error(rc, "hp_rule_parse");
        FUZZ_CHECK(rc == HP_EPARSE, "hp_rule_parse returned %s", hp_strerror(rc));
        const hp_error *e = hp_error_last();
        FUZZ_CHECK(strcmp(e->file, "<phrase>") == 0, "file \"%s\"", e->file);
        FUZZ_CHECK(e->line == 1, "line %d", e->line);
        FUZZ_CHECK(e->column >= 1 && (size_t)e->column <= codepoints(s) + 1,
                   "column %d outside a phrase of %zu code points", e->column, codepoints(s));
        FUZZ_CHECK(r.kind == HP_RULE_NONE && !r.expr && !r.rules, "failure left a rule");
    }

    rc = hp_rule_from_json(s, &r);
    if (rc == HP_OK) {
        check_rule(&r, "json");
        hp_rule_dispose(&r);
    } else {
        fuzz_check_error(rc, "hp_rule_from_json");
        FUZZ_CHECK(rc == HP_EPARSE || rc == HP_EVALIDATE, "hp_rule_from_json returned %s",
                   hp_strerror(rc));
        FUZZ_CHECK(r.kind == HP_RULE_NONE && !r.expr && !r.rules, "failure left a rule");
    }
    free(s);
    return 0;
}
