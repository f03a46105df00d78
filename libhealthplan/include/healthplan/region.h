/**
 * @file region.h
 * @brief Regions: China, its provinces, prefectures and counties (GB/T 2260 codes).
 */
#ifndef HEALTHPLAN_REGION_H
#define HEALTHPLAN_REGION_H

#include "healthplan/dataset.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A region. Owned by its dataset; valid until the dataset is freed. */
typedef struct hp_region hp_region;

/** Administrative level of a region. */
typedef enum hp_level {
    HP_LEVEL_UNKNOWN = 0,  /**< Not stated. */
    HP_LEVEL_COUNTRY,      /**< A country ("CN"). */
    HP_LEVEL_PROVINCE,     /**< A province-level division (430000 Hunan). */
    HP_LEVEL_PREFECTURE,   /**< A prefecture-level city (430900 Yiyang). */
    HP_LEVEL_COUNTY        /**< A county-level division (430921 南县, districts and county-level cities). */
} hp_level;

/** What hp_dataset_add_region() copies into the dataset. Strings are copied. */
typedef struct hp_region_info {
    const char *code;     /**< Required: GB/T 2260 code ("430900") or "CN"; printable ASCII, no spaces. */
    const char *name_zh;  /**< Chinese name ("益阳市"); may be NULL. */
    const char *name_en;  /**< English name ("Yiyang"); may be NULL. */
    const char *parent;   /**< Code of the parent region, which must already be in the dataset; NULL for none. */
    hp_level level;       /**< Administrative level. */
} hp_region_info;

/**
 * Add a region.
 * @return #HP_OK (also when an identical region is already there); #HP_EEXISTS when a region
 *         with the same code but other content exists; #HP_ENOTFOUND for an unknown parent
 *         (the message names the nearest code); #HP_EINVAL for a missing or malformed code;
 *         #HP_ENOMEM. On failure @p ds is unchanged.
 */
HP_EXTERN int hp_dataset_add_region(hp_dataset *ds, const hp_region_info *info);

/**
 * Find a region by code.
 * @param ds the dataset
 * @param code the code ("430900", "CN")
 * @param[out] out the region, borrowed from @p ds
 * @return #HP_OK, #HP_ENOTFOUND (hp_error_last() names the nearest code) or #HP_EINVAL
 */
HP_EXTERN int hp_dataset_find_region(const hp_dataset *ds, const char *code, const hp_region **out);

/** The @p i-th region in order of addition, or NULL when @p i ≥ hp_dataset_region_count(). */
HP_EXTERN const hp_region *hp_dataset_region_at(const hp_dataset *ds, size_t i);

/** The region's code ("430900"). */
HP_EXTERN const char *hp_region_code(const hp_region *r);
/** The Chinese name, "" when not given. */
HP_EXTERN const char *hp_region_name_zh(const hp_region *r);
/** The English name, "" when not given. */
HP_EXTERN const char *hp_region_name_en(const hp_region *r);
/** The parent region, or NULL. */
HP_EXTERN const hp_region *hp_region_parent(const hp_region *r);
/** The administrative level. */
HP_EXTERN hp_level hp_region_level(const hp_region *r);
/** The index of the region in its dataset (0-based, order of addition). */
HP_EXTERN size_t hp_region_index(const hp_region *r);
/** The name of @p level ("country", "province", "prefecture", "county", "unknown"). */
HP_EXTERN const char *hp_level_name(hp_level level);

/**
 * The nearest ancestor of @p r at @p level (the region itself if it is at that level).
 * @return the ancestor, or NULL when there is none
 */
HP_EXTERN const hp_region *hp_region_ancestor(const hp_region *r, hp_level level);

#ifdef __cplusplus
}
#endif

#endif
