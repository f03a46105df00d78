/**
 * @file indicator.h
 * @brief Indicators: what is measured (infant mortality, beds per 1000 people …).
 */
#ifndef HEALTHPLAN_INDICATOR_H
#define HEALTHPLAN_INDICATOR_H

#include "healthplan/dataset.h"
#include "healthplan/progress.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An indicator. Owned by its dataset; valid until the dataset is freed. */
typedef struct hp_indicator hp_indicator;

/** What hp_dataset_add_indicator() copies into the dataset. Strings are copied. */
typedef struct hp_indicator_info {
    const char *id;            /**< Required: ASCII slug ([a-z0-9_], starting with a letter), e.g. "infant_mortality". */
    const char *name_zh;       /**< Chinese name; may be NULL. */
    const char *name_en;       /**< English name; may be NULL. */
    const char *const *aliases;/**< Other names as printed in plans (for matching); may be NULL. */
    size_t naliases;           /**< Number of aliases. */
    const char *unit;          /**< Unit slug (docs/format.md: "permille", "per_1000", "percent" …); may be NULL. */
    hp_direction direction;    /**< Which way is better. */
    const char *category;      /**< Category (健康水平, 健康生活, 健康服务, 健康保障, 健康环境, 健康产业); may be NULL. */
    const char *ratio_numerator;   /**< For a ratio indicator: id of the numerator indicator; NULL otherwise. */
    const char *ratio_denominator; /**< For a ratio indicator: id of the denominator indicator. */
    double ratio_scale;        /**< For a ratio indicator: the scale (1000 for "per 1000 people"). */
    int additive;              /**< Nonzero when county values add up to the city's (counts). */
    const char *description;   /**< Free text; may be NULL. */
} hp_indicator_info;

/**
 * Add an indicator. The ratio's numerator and denominator must already be in the dataset.
 * @return #HP_OK (also when an identical indicator is there); #HP_EEXISTS for the same id
 *         with other content, or an alias already used by another indicator; #HP_ENOTFOUND for
 *         an unknown ratio part; #HP_EINVAL for a malformed id; #HP_ENOMEM. On failure @p ds
 *         is unchanged.
 */
HP_EXTERN int hp_dataset_add_indicator(hp_dataset *ds, const hp_indicator_info *info);

/**
 * Find an indicator by id.
 * @return #HP_OK, #HP_ENOTFOUND (the message names the nearest id) or #HP_EINVAL
 */
HP_EXTERN int hp_dataset_find_indicator(const hp_dataset *ds, const char *id,
                                        const hp_indicator **out);

/**
 * Find an indicator by a name as printed in a plan ("每千人口拥有执业(助理)医师数(人)"): the
 * id, the Chinese and English names and the aliases are compared after normalisation (NFKC,
 * white space removed, a trailing unit in brackets removed, ASCII case folded).
 * @return #HP_OK; #HP_ENOTFOUND with the closest names suggested; #HP_EINVAL; #HP_ENOMEM
 */
HP_EXTERN int hp_dataset_match_indicator(const hp_dataset *ds, const char *name,
                                         const hp_indicator **out);

/** The @p i-th indicator in order of addition, or NULL when out of range. */
HP_EXTERN const hp_indicator *hp_dataset_indicator_at(const hp_dataset *ds, size_t i);

/** The id ("infant_mortality"). */
HP_EXTERN const char *hp_indicator_id(const hp_indicator *ind);
/** The Chinese name, "" when not given. */
HP_EXTERN const char *hp_indicator_name_zh(const hp_indicator *ind);
/** The English name, "" when not given. */
HP_EXTERN const char *hp_indicator_name_en(const hp_indicator *ind);
/** The unit slug, "" when not given. */
HP_EXTERN const char *hp_indicator_unit(const hp_indicator *ind);
/** The category, "" when not given. */
HP_EXTERN const char *hp_indicator_category(const hp_indicator *ind);
/** The description, "" when not given. */
HP_EXTERN const char *hp_indicator_description(const hp_indicator *ind);
/** Which way is better. */
HP_EXTERN hp_direction hp_indicator_direction(const hp_indicator *ind);
/** Number of aliases. */
HP_EXTERN size_t hp_indicator_alias_count(const hp_indicator *ind);
/** The @p i-th alias, or NULL when out of range. */
HP_EXTERN const char *hp_indicator_alias(const hp_indicator *ind, size_t i);
/**
 * The ratio definition: numerator and denominator indicators and scale.
 * @return nonzero when the indicator is a ratio (the out-parameters, each may be NULL, are set)
 */
HP_EXTERN int hp_indicator_ratio(const hp_indicator *ind, const hp_indicator **numerator,
                                 const hp_indicator **denominator, double *scale);
/** Nonzero when county values add up to the city's value. */
HP_EXTERN int hp_indicator_additive(const hp_indicator *ind);
/** The index of the indicator in its dataset (0-based, order of addition). */
HP_EXTERN size_t hp_indicator_index(const hp_indicator *ind);
/** The name of @p dir ("higher", "lower", "none"). */
HP_EXTERN const char *hp_direction_name(hp_direction dir);

#ifdef __cplusplus
}
#endif

#endif
