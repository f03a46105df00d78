/* Internal containers: an arena for records and strings, and open-addressing hash maps. */
#ifndef HP_TABLE_INTERNAL_H
#define HP_TABLE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* ---- arena: records and strings that live as long as their dataset ---- */
typedef struct hp__arena_block hp__arena_block;
typedef struct hp__arena {
    hp__arena_block *head;
} hp__arena;

void hp__arena_init(hp__arena *a);
void hp__arena_free(hp__arena *a);
/* 8-byte aligned, zeroed memory; NULL when out of memory. */
void *hp__arena_alloc(hp__arena *a, size_t n);
/* Copy of s[0..n) with a NUL; NULL when out of memory. s may be NULL (returns NULL). */
char *hp__arena_strndup(hp__arena *a, const char *s, size_t n);
char *hp__arena_strdup(hp__arena *a, const char *s);
/* Move every block of src into dst (cannot fail); src becomes empty. */
void hp__arena_splice(hp__arena *dst, hp__arena *src);

/* ---- string -> uint32 map (keys are borrowed: they must outlive the map) ---- */
typedef struct hp__strmap_entry {
    const char *key;
    uint32_t hash;
    uint32_t value;
} hp__strmap_entry;

typedef struct hp__strmap {
    hp__strmap_entry *slots;
    size_t cap;   /* power of two, or 0 */
    size_t n;
} hp__strmap;

uint32_t hp__hash_bytes(const void *data, size_t len);
void hp__strmap_init(hp__strmap *m);
void hp__strmap_free(hp__strmap *m);
/* Make room so that `extra` more inserts cannot fail. HP_OK or HP_ENOMEM. */
int hp__strmap_reserve(hp__strmap *m, size_t extra);
/* Insert or overwrite; grows as needed. HP_OK or HP_ENOMEM. */
int hp__strmap_put(hp__strmap *m, const char *key, uint32_t value);
/* 1 and *value when found, else 0. */
int hp__strmap_get(const hp__strmap *m, const char *key, uint32_t *value);
int hp__strmap_getn(const hp__strmap *m, const char *key, size_t len, uint32_t *value);

/* ---- uint64 -> uint32 map ---- */
typedef struct hp__u64map_entry {
    uint64_t key;
    uint32_t value;
    uint32_t used;
} hp__u64map_entry;

typedef struct hp__u64map {
    hp__u64map_entry *slots;
    size_t cap;
    size_t n;
} hp__u64map;

void hp__u64map_init(hp__u64map *m);
void hp__u64map_free(hp__u64map *m);
int hp__u64map_reserve(hp__u64map *m, size_t extra);
int hp__u64map_put(hp__u64map *m, uint64_t key, uint32_t value);
int hp__u64map_get(const hp__u64map *m, uint64_t key, uint32_t *value);

/* ---- sorting by a 64-bit key ---- */
typedef struct hp__keyed {
    uint64_t key;
    uint32_t index;
} hp__keyed;

/* Sort k[0..n) by key, equal keys by index (so the order is stable and deterministic). */
void hp__keyed_sort(hp__keyed *k, size_t n);

/* ---- interned strings with dense ids (id 0 is the empty string) ---- */
typedef struct hp__strpool {
    hp__arena arena;
    hp__strmap map;
    const char **strs;
    size_t n, cap;
} hp__strpool;

int hp__strpool_init(hp__strpool *p);   /* HP_OK or HP_ENOMEM */
void hp__strpool_free(hp__strpool *p);
/* Id of s[0..len), interning it. HP_OK or HP_ENOMEM. */
int hp__strpool_intern(hp__strpool *p, const char *s, size_t len, uint32_t *id);
static inline const char *hp__strpool_get(const hp__strpool *p, uint32_t id)
{
    return id < p->n ? p->strs[id] : "";
}

#endif
