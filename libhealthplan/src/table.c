/* Arena, hash maps and string pool. */
#include <stdlib.h>
#include <string.h>

#include "common_internal.h"
#include "table_internal.h"

struct hp__arena_block {
    hp__arena_block *next;
    size_t used;
    size_t cap;
    max_align_t data[];
};

#define ARENA_BLOCK (64 * 1024)

void hp__arena_init(hp__arena *a) { a->head = NULL; }

void hp__arena_free(hp__arena *a)
{
    hp__arena_block *b = a->head;
    while (b) {
        hp__arena_block *next = b->next;
        hp__free(b);
        b = next;
    }
    a->head = NULL;
}

void *hp__arena_alloc(hp__arena *a, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    hp__arena_block *b = a->head;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > ARENA_BLOCK / 4 ? n : ARENA_BLOCK;
        hp__arena_block *nb = hp__malloc(sizeof *nb + cap);
        if (!nb)
            return NULL;
        nb->used = 0;
        nb->cap = cap;
        if (b && n > ARENA_BLOCK / 4) {
            /* a big object gets its own block behind the current one, so the current
             * block's free space is not lost */
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            a->head = nb;
        }
        b = nb;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

char *hp__arena_strndup(hp__arena *a, const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *d = hp__arena_alloc(a, n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *hp__arena_strdup(hp__arena *a, const char *s)
{
    return s ? hp__arena_strndup(a, s, strlen(s)) : NULL;
}

void hp__arena_splice(hp__arena *dst, hp__arena *src)
{
    if (!src->head)
        return;
    hp__arena_block *tail = src->head;
    while (tail->next)
        tail = tail->next;
    if (dst->head) {
        /* keep dst's current block at the head so its free space is used first */
        tail->next = dst->head->next;
        dst->head->next = src->head;
    } else {
        dst->head = src->head;
    }
    src->head = NULL;
}

/* FNV-1a, 32 bit */
uint32_t hp__hash_bytes(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 16777619u;
    }
    return h;
}

void hp__strmap_init(hp__strmap *m) { memset(m, 0, sizeof *m); }

void hp__strmap_free(hp__strmap *m)
{
    hp__free(m->slots);
    memset(m, 0, sizeof *m);
}

static void strmap_insert_slot(hp__strmap_entry *slots, size_t cap, const char *key,
                               uint32_t hash, uint32_t value)
{
    size_t i = hash & (cap - 1);
    while (slots[i].key)
        i = (i + 1) & (cap - 1);
    slots[i].key = key;
    slots[i].hash = hash;
    slots[i].value = value;
}

int hp__strmap_reserve(hp__strmap *m, size_t extra)
{
    size_t need = (m->n + extra) * 2;
    if (need <= m->cap)
        return HP_OK;
    size_t cap = m->cap ? m->cap : 16;
    while (cap < need)
        cap *= 2;
    hp__strmap_entry *slots = hp__calloc(cap, sizeof *slots);
    if (!slots)
        return HP_ENOMEM;
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].key)
            strmap_insert_slot(slots, cap, m->slots[i].key, m->slots[i].hash,
                               m->slots[i].value);
    hp__free(m->slots);
    m->slots = slots;
    m->cap = cap;
    return HP_OK;
}

static hp__strmap_entry *strmap_find(const hp__strmap *m, const char *key, size_t len,
                                     uint32_t hash)
{
    if (!m->cap)
        return NULL;
    size_t i = hash & (m->cap - 1);
    while (m->slots[i].key) {
        if (m->slots[i].hash == hash && strncmp(m->slots[i].key, key, len) == 0 &&
            m->slots[i].key[len] == '\0')
            return &m->slots[i];
        i = (i + 1) & (m->cap - 1);
    }
    return NULL;
}

int hp__strmap_put(hp__strmap *m, const char *key, uint32_t value)
{
    size_t len = strlen(key);
    uint32_t h = hp__hash_bytes(key, len);
    hp__strmap_entry *e = strmap_find(m, key, len, h);
    if (e) {
        e->value = value;
        return HP_OK;
    }
    if (hp__strmap_reserve(m, 1) != HP_OK)
        return HP_ENOMEM;
    strmap_insert_slot(m->slots, m->cap, key, h, value);
    m->n++;
    return HP_OK;
}

int hp__strmap_getn(const hp__strmap *m, const char *key, size_t len, uint32_t *value)
{
    hp__strmap_entry *e = strmap_find(m, key, len, hp__hash_bytes(key, len));
    if (!e)
        return 0;
    if (value)
        *value = e->value;
    return 1;
}

int hp__strmap_get(const hp__strmap *m, const char *key, uint32_t *value)
{
    return hp__strmap_getn(m, key, strlen(key), value);
}

/* ---- u64 map ---- */

static inline size_t mix64(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return (size_t)k;
}

void hp__u64map_init(hp__u64map *m) { memset(m, 0, sizeof *m); }

void hp__u64map_free(hp__u64map *m)
{
    hp__free(m->slots);
    memset(m, 0, sizeof *m);
}

int hp__u64map_reserve(hp__u64map *m, size_t extra)
{
    size_t need = (m->n + extra) * 2;
    if (need <= m->cap)
        return HP_OK;
    size_t cap = m->cap ? m->cap : 16;
    while (cap < need)
        cap *= 2;
    hp__u64map_entry *slots = hp__calloc(cap, sizeof *slots);
    if (!slots)
        return HP_ENOMEM;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slots[i].used)
            continue;
        size_t j = mix64(m->slots[i].key) & (cap - 1);
        while (slots[j].used)
            j = (j + 1) & (cap - 1);
        slots[j] = m->slots[i];
    }
    hp__free(m->slots);
    m->slots = slots;
    m->cap = cap;
    return HP_OK;
}

int hp__u64map_put(hp__u64map *m, uint64_t key, uint32_t value)
{
    if (hp__u64map_reserve(m, 1) != HP_OK)
        return HP_ENOMEM;
    size_t j = mix64(key) & (m->cap - 1);
    while (m->slots[j].used) {
        if (m->slots[j].key == key) {
            m->slots[j].value = value;
            return HP_OK;
        }
        j = (j + 1) & (m->cap - 1);
    }
    m->slots[j].key = key;
    m->slots[j].value = value;
    m->slots[j].used = 1;
    m->n++;
    return HP_OK;
}

int hp__u64map_get(const hp__u64map *m, uint64_t key, uint32_t *value)
{
    if (!m->cap)
        return 0;
    size_t j = mix64(key) & (m->cap - 1);
    while (m->slots[j].used) {
        if (m->slots[j].key == key) {
            *value = m->slots[j].value;
            return 1;
        }
        j = (j + 1) & (m->cap - 1);
    }
    return 0;
}

/* ---- string pool ---- */

int hp__strpool_init(hp__strpool *p)
{
    memset(p, 0, sizeof *p);
    hp__arena_init(&p->arena);
    uint32_t id;
    return hp__strpool_intern(p, "", 0, &id);
}

void hp__strpool_free(hp__strpool *p)
{
    hp__arena_free(&p->arena);
    hp__strmap_free(&p->map);
    hp__free(p->strs);
    memset(p, 0, sizeof *p);
}

int hp__strpool_intern(hp__strpool *p, const char *s, size_t len, uint32_t *id)
{
    if (hp__strmap_getn(&p->map, s, len, id))
        return HP_OK;
    if (hp__grow((void **)&p->strs, &p->cap, p->n + 1, sizeof *p->strs) != HP_OK ||
        hp__strmap_reserve(&p->map, 1) != HP_OK)
        return HP_ENOMEM;
    char *copy = hp__arena_strndup(&p->arena, s, len);
    if (!copy)
        return HP_ENOMEM;
    p->strs[p->n] = copy;
    hp__strmap_put(&p->map, copy, (uint32_t)p->n);
    *id = (uint32_t)p->n++;
    return HP_OK;
}

/* ---- sorting by a 64-bit key ---- */

static int cmp_keyed(const void *a, const void *b)
{
    const hp__keyed *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

void hp__keyed_sort(hp__keyed *k, size_t n)
{
    if (n > 1)
        qsort(k, n, sizeof *k, cmp_keyed);
}
