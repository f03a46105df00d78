/**
 * @file rule.h
 * @brief Rules: what a target asks, read from the phrase a plan prints.
 *
 * A rule is a small value type (#hp_rule) that the caller may create on the stack. The rule
 * kinds and their meaning are specified in docs/rules.md; the JSON form of a rule is in
 * docs/format.md. hp_rule_parse() reads the phrases Chinese plans print ("≤18", "30以下",
 * "77左右", "比2015年降低30%", "力争每年降低0.5个百分点", "全省控制目标内", "持续改善") as well
 * as ASCII and English forms ("<= 18", "about 27", "-30% vs 2015").
 */
#ifndef HEALTHPLAN_RULE_H
#define HEALTHPLAN_RULE_H

#include "healthplan/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What a target asks. See docs/rules.md for the full semantics of each kind. */
typedef enum hp_rule_kind {
    HP_RULE_NONE = 0,          /**< No rule (an empty #hp_rule). */
    HP_RULE_LE,                /**< x ≤ value (以下, 以内, 不高于, ≤). */
    HP_RULE_LT,                /**< x < value (低于, <). */
    HP_RULE_GE,                /**< x ≥ value (以上, 不低于, ≥). */
    HP_RULE_GT,                /**< x > value (高于, >). */
    HP_RULE_VALUE,             /**< reach value; the indicator's direction decides ≥ or ≤ (达到X, bare X). */
    HP_RULE_ABOUT,             /**< within ±tolerance×value of value, or better (左右). */
    HP_RULE_RANGE,             /**< low ≤ x ≤ high (10–15). */
    HP_RULE_CHANGE_FROM,       /**< x reaches ref×(1+value), ref observed in ref_year (比2015年降低30%: value −0.30). */
    HP_RULE_PER_YEAR,          /**< change of value per year from the baseline (linear, or compound when compound≠0). */
    HP_RULE_IMPROVE,           /**< strictly better than the baseline, direction-aware (持续改善). */
    HP_RULE_REFERENCE_TARGET,  /**< within the target of the region named by scope, same indicator and year (全省控制目标内). */
    HP_RULE_REFERENCE_VALUE,   /**< compared by op with the observed value of the region named by scope (优于全省平均水平). */
    HP_RULE_SAME_RATIO,        /**< grows at least in proportion to indicator (同比例提高). */
    HP_RULE_EXPR,              /**< expression expr, applied when the condition when holds (resource norms). */
    HP_RULE_QUALITATIVE,       /**< not assessable unless a qualitative observation says met (显著下降, 建成). */
    HP_RULE_ANY,               /**< at least one of rules holds (A或B). */
    HP_RULE_ALL,               /**< every one of rules holds (A且B). */
    HP_RULE_CHANGE_BY          /**< x reaches ref + value, ref observed in ref_year, value in the indicator's unit (比2015年提高3.1岁: value 3.1; 较2020年下降2个百分点: −2). */
} hp_rule_kind;

/** Comparison used by #HP_RULE_REFERENCE_VALUE. */
typedef enum hp_rule_op {
    HP_OP_BETTER = 0,  /**< better than, by the indicator's direction (优于); the default. */
    HP_OP_LT,          /**< strictly lower (低于). */
    HP_OP_GT,          /**< strictly higher (高于). */
    HP_OP_LE,          /**< lower or equal (不高于). */
    HP_OP_GE           /**< higher or equal (不低于). */
} hp_rule_op;

/** Default relative tolerance of an #HP_RULE_ABOUT rule (2% of the value). */
#define HP_ABOUT_TOLERANCE 0.02

/**
 * A rule. Fields a kind does not use keep their "absent" values: NaN for doubles (use
 * hp_rule_has()), 0 for ints, "" for the fixed strings and NULL for the pointers.
 *
 * A rule owns its `expr`, `when`, `text` and `rules` (allocated with the library's allocator).
 * Release them with hp_rule_dispose(); copy with hp_rule_copy(). Rules borrowed from a dataset
 * (hp_target_rule()) are owned by the dataset: do not dispose them.
 */
typedef struct hp_rule {
    hp_rule_kind kind;     /**< The kind. */
    double value;          /**< Threshold (le…value, about), fraction (change_from: −0.30), change in the indicator's unit (change_by: 3.1) or change per year (per_year: −0.5 or −0.05 compound); NaN when absent. */
    double tolerance;      /**< about: relative tolerance (default #HP_ABOUT_TOLERANCE); NaN for other kinds. */
    double low;            /**< range: lower bound, inclusive; NaN otherwise. */
    double high;           /**< range: upper bound, inclusive; NaN otherwise. */
    int ref_year;          /**< change_from, change_by: reference year, 0 when the phrase names none (the plan's baseline year is used). */
    int compound;          /**< per_year: nonzero when the yearly change is a percentage compounded (每年降低5%). */
    hp_rule_op op;         /**< reference_value: the comparison. */
    char scope[16];        /**< reference_target / reference_value: "province", "prefecture" (the city above a county), "country" or a region code; "" when absent. */
    char indicator[64];    /**< same_ratio: the indicator it grows with (filled from the dataset record, not the phrase); "" when absent. */
    char *expr;            /**< expr: the expression (see docs/rules.md); NULL otherwise. */
    char *when;            /**< expr: condition under which the rule applies; NULL when always. */
    char *text;            /**< qualitative: the phrase; NULL otherwise. */
    struct hp_rule *rules; /**< any / all: the parts (owned array of nrules rules); NULL otherwise. */
    size_t nrules;         /**< any / all: number of parts. */
} hp_rule;

/** Initialise @p rule to the empty rule (kind #HP_RULE_NONE, every field absent). */
HP_EXTERN void hp_rule_init(hp_rule *rule);

/**
 * Release what @p rule owns and reset it to the empty rule. NULL is a no-op.
 * Never call it on a rule borrowed from a dataset.
 */
HP_EXTERN void hp_rule_dispose(hp_rule *rule);

/**
 * Deep-copy @p src into @p dst (which is overwritten without being disposed).
 * @return #HP_OK or #HP_ENOMEM (then @p dst is the empty rule).
 */
HP_EXTERN int hp_rule_copy(hp_rule *dst, const hp_rule *src);

/** Nonzero when @p x is a present value (not NaN). */
HP_EXTERN int hp_rule_has(double x);

/**
 * Read a target phrase as a plan prints it.
 *
 * Accepts full-width digits and symbols (＜ ≤ ０-９ ％), spaces inside numbers ("15. 50"),
 * units and % / ‰ suffixes, 以上/以下/以内/左右/不低于/不高于/达到/控制在, ranges, relative
 * changes (比2015年降低30%), yearly changes (每年降低0.5个百分点), reference phrases
 * (全省控制目标内, 优于全省平均水平), 同比例提高, the documented qualitative words, composites
 * joined by 或 / 且, and English or ASCII forms (`<= 18`, `about 27`, `-30% vs 2015`).
 *
 * @param phrase UTF-8 text (not NULL)
 * @param[out] out the rule; on success owned by the caller (hp_rule_dispose()); on failure
 *             left as the empty rule
 * @return #HP_OK; #HP_EPARSE when the phrase cannot be read (hp_error_last() gives the column,
 *         in code points from 1, of the first character that could not be read, file "<phrase>"
 *         and line 1); #HP_EINVAL for NULL arguments; #HP_ENOMEM
 */
HP_EXTERN int hp_rule_parse(const char *phrase, hp_rule *out);

/**
 * The JSON form of @p rule (docs/format.md), e.g. `{"kind":"le","value":18}`.
 * @param rule the rule
 * @param[out] out a NUL-terminated string; free with hp_free()
 * @return #HP_OK, #HP_EINVAL, or #HP_ENOMEM
 */
HP_EXTERN int hp_rule_to_json(const hp_rule *rule, char **out);

/**
 * Read a rule from its JSON form.
 * @param json a JSON object as text
 * @param[out] out the rule, owned by the caller (hp_rule_dispose())
 * @return #HP_OK; #HP_EPARSE for malformed JSON, #HP_EVALIDATE for a wrong kind, a missing
 *         or mistyped field (hp_error_last()->field names it, e.g. "value"); #HP_ENOMEM
 */
HP_EXTERN int hp_rule_from_json(const char *json, hp_rule *out);

/** The name of @p kind as used in JSON ("le", "change_from", …); "none" for #HP_RULE_NONE. */
HP_EXTERN const char *hp_rule_kind_name(hp_rule_kind kind);

/**
 * The kind named @p name ("le", "change_from", …).
 * @return #HP_OK or #HP_ENOTFOUND (the message suggests the nearest name)
 */
HP_EXTERN int hp_rule_kind_from_name(const char *name, hp_rule_kind *out);

/** The name of @p op as used in JSON ("better", "lt", "gt", "le", "ge"). */
HP_EXTERN const char *hp_rule_op_name(hp_rule_op op);

/**
 * Write @p rule as a short phrase for people ("≤ 18", "−30% vs 2015", "−0.5 per year").
 * @param rule the rule
 * @param[out] out NUL-terminated string; free with hp_free()
 * @return #HP_OK, #HP_EINVAL or #HP_ENOMEM
 */
HP_EXTERN int hp_rule_describe(const hp_rule *rule, char **out);

#ifdef __cplusplus
}
#endif

#endif
