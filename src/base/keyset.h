/* keyset.h - a set of byte-string keys, each with a 64-bit value.
 *
 * Used for everything the validator must remember across rows: primary
 * keys, unique cells, foreign-key targets, completeness. Memory is the
 * keys themselves plus 8 bytes a slot, so a million integer keys fit in
 * about 40 MB. */
#ifndef KPIX_KEYSET_H
#define KPIX_KEYSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct kpix_keyset kpix_keyset;

kpix_keyset *kpix_keyset_new(void);
void kpix_keyset_free(kpix_keyset *ks);

/* Finds key, adding it with *value 0 when absent. Returns a pointer to its
 * value (valid until the next insert) and sets *added. Keys may hold any
 * bytes; at most 65535 bytes are kept (longer keys are hashed whole and
 * compared on their first 65535 bytes). */
uint64_t *kpix_keyset_upsert(kpix_keyset *ks, const void *key, size_t len, bool *added);

/* The value of key, or NULL when absent. */
uint64_t *kpix_keyset_find(const kpix_keyset *ks, const void *key, size_t len);

size_t kpix_keyset_size(const kpix_keyset *ks);
size_t kpix_keyset_memory(const kpix_keyset *ks);

/* Visits every key in insertion order. */
void kpix_keyset_each(const kpix_keyset *ks,
                      void (*fn)(void *ctx, const void *key, size_t len, uint64_t value),
                      void *ctx);

#endif
