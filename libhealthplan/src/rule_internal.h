/* Rules inside the library: reading and writing the JSON form for the dataset loader and
 * writer (the public wrappers are hp_rule_from_json() and hp_rule_to_json()). */
#ifndef HP_RULE_INTERNAL_H
#define HP_RULE_INTERNAL_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "common_internal.h"
#include "healthplan/rule.h"

/* Deepest nesting of any/all rules accepted from JSON (the top rule is level 1). */
#define HP_RULE_MAX_DEPTH 16

/* Fill *out from the cJSON object obj (docs/format.md). HP_OK; HP_EVALIDATE (or HP_ENOMEM)
 * with the thread error set (message "rule.<path>: what was expected, what was found", no file
 * or position) and the path of the bad field relative to the rule object written to
 * field[0..fieldcap) ("value", "rules[1].kind"; "" for the object itself); *out is then the
 * empty rule. field may be NULL when fieldcap is 0. */
int hp__rule_from_cjson(const cJSON *obj, hp_rule *out, char *field, size_t fieldcap);

/* Append the compact JSON object of rule to b: keys in the order kind, value, tolerance, low,
 * high, ref_year, compound, op, scope, indicator, expr, when, text, rules; only the fields the
 * kind uses; numbers shortest round-trip ("null" for a missing one). */
void hp__rule_write_json(hp_buf *b, const hp_rule *rule);

/* Append s as a quoted JSON string: '"' and '\\' escaped, control characters as \uXXXX, UTF-8
 * passed through (an invalid byte becomes U+FFFD). NULL is written as null. */
void hp__json_escape(hp_buf *b, const char *s);

/* Nonzero when a and b are the same rule (every field the kinds use, NaN equal to NaN,
 * parts compared in order). */
int hp__rule_equal(const hp_rule *a, const hp_rule *b);

#endif
