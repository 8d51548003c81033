/* keyset.c - open-addressing hash set over a pool of fixed-size chunks.
 *
 * A slot is 8 bytes: 32 bits of the key's hash and a 32-bit reference to
 * the entry in the pool, in 4-byte units. The same 32 bits choose the slot
 * and skip most key comparisons, so growing the table never has to read the
 * keys again (which would miss the cache once per key). Entries
 * never move, so pointers to values stay valid. An entry is the value (8
 * bytes), the key length (2 bytes), then the key, padded to 8 bytes so
 * that every value is aligned for a uint64_t. */
#include "keyset.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util.h"

#define CHUNK_BITS 20
#define CHUNK_SIZE ((size_t)1 << CHUNK_BITS)
#define MAX_KEY 65535u
#define HASH_SEED 0x6b706978u
#define RUN_PREFAULT 65536 /* keys in a run before its growth is prefaulted */

typedef struct {
	uint32_t tag;
	uint32_t ref; /* 0: empty */
} slot;

struct kpix_keyset {
	/* Keys that arrived in increasing byte order (ids in a sorted export)
	 * form a run, searched by bisection and never hashed. A key that
	 * breaks the order goes into the hash table; every key in the table is
	 * below the run's last key, so a key above it is new without a look. */
	uint32_t *run;
	size_t nrun, run_cap;
	slot *slots;
	size_t mask;
	size_t count;   /* keys in all */
	size_t nhashed; /* keys in the hash table */
	unsigned char **chunks;
	size_t *chunk_used;
	size_t nchunks, chunks_cap;
	size_t used; /* bytes used in the last chunk */
};

kpix_keyset *kpix_keyset_new(void)
{
	kpix_keyset *ks = kpix_xcalloc(1, sizeof(*ks));
	ks->mask = 1023;
	ks->slots = kpix_xcalloc(ks->mask + 1, sizeof(slot));
	return ks;
}

void kpix_keyset_free(kpix_keyset *ks)
{
	if (!ks)
		return;
	for (size_t i = 0; i < ks->nchunks; i++)
		free(ks->chunks[i]);
	free(ks->chunks);
	free(ks->chunk_used);
	free(ks->slots);
	free(ks->run);
	free(ks);
}

static unsigned char *entry_at(const kpix_keyset *ks, uint32_t ref)
{
	size_t units = (size_t)ref - 1;
	size_t chunk = units >> (CHUNK_BITS - 2);
	size_t off = (units & ((CHUNK_SIZE >> 2) - 1)) << 2;
	return ks->chunks[chunk] + off;
}

static size_t entry_len(const unsigned char *e)
{
	uint16_t len;
	memcpy(&len, e + 8, 2);
	return len;
}

static bool entry_is(const unsigned char *e, const void *key, size_t len)
{
	return entry_len(e) == len && (len == 0 || memcmp(e + 10, key, len) == 0);
}

static uint64_t *hash_upsert(kpix_keyset *ks, const void *key, size_t len, bool *added);

/* Orders keys by their bytes, a shorter key first where one is a prefix
 * of the other. */
static int compare(const unsigned char *e, const void *key, size_t len)
{
	size_t elen = entry_len(e), n = elen < len ? elen : len;
	const unsigned char *a = e + 10, *b = key;
	/* most keys are a few bytes: those are compared here, without a call */
	if (n <= 16) {
		for (size_t i = 0; i < n; i++)
			if (a[i] != b[i])
				return a[i] < b[i] ? -1 : 1;
	} else {
		int c = memcmp(a, b, n);
		if (c)
			return c;
	}
	return elen < len ? -1 : elen > len;
}

/* The run entry equal to key, or NULL. */
static unsigned char *run_find(const kpix_keyset *ks, const void *key, size_t len)
{
	size_t lo = 0, hi = ks->nrun;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		unsigned char *e = entry_at(ks, ks->run[mid]);
		int c = compare(e, key, len);
		if (c == 0)
			return e;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* True when key comes after every key of the run. */
static bool after_run(const kpix_keyset *ks, const void *key, size_t len)
{
	return ks->nrun == 0 || compare(entry_at(ks, ks->run[ks->nrun - 1]), key, len) < 0;
}

static void grow(kpix_keyset *ks)
{
	size_t nmask = ks->mask * 2 + 1;
	slot *ns = kpix_xcalloc(nmask + 1, sizeof(slot));
	for (size_t i = 0; i <= ks->mask; i++) {
		slot s = ks->slots[i];
		if (!s.ref)
			continue;
		size_t j = (size_t)s.tag & nmask;
		while (ns[j].ref)
			j = (j + 1) & nmask;
		ns[j] = s;
	}
	free(ks->slots);
	ks->slots = ns;
	ks->mask = nmask;
}

/* Has the kernel map the whole pages of [p, p + len) now, in one call,
 * instead of one page fault at a time as they are first written: much
 * cheaper for the megabytes a large set fills. Only for memory the set is
 * about to fill, as it makes the pages resident; only a hint, so a kernel
 * without MADV_POPULATE_WRITE (before Linux 5.14) just faults as before. */
static void prefault(void *p, size_t len)
{
#ifdef MADV_POPULATE_WRITE
	long page = sysconf(_SC_PAGESIZE);
	if (page <= 0)
		return;
	uintptr_t start = ((uintptr_t)p + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
	uintptr_t end = ((uintptr_t)p + len) & ~((uintptr_t)page - 1);
	if (end > start)
		madvise((void *)start, end - start, MADV_POPULATE_WRITE);
#else
	(void)p;
	(void)len;
#endif
}

/* Starts a new chunk, once the last one is full. */
static KPIX_COLD void add_chunk(kpix_keyset *ks)
{
	if (ks->nchunks == ks->chunks_cap) {
		ks->chunks_cap = ks->chunks_cap ? ks->chunks_cap * 2 : 8;
		ks->chunks = kpix_xrealloc(ks->chunks, ks->chunks_cap * sizeof(*ks->chunks));
		ks->chunk_used = kpix_xrealloc(ks->chunk_used, ks->chunks_cap * sizeof(*ks->chunk_used));
	}
	if (ks->nchunks)
		ks->chunk_used[ks->nchunks - 1] = ks->used;
	/* malloc maps a chunk this large lazily: untouched pages cost
	 * nothing; but a set that has filled one chunk fills the next */
	ks->chunks[ks->nchunks] = kpix_xmalloc(CHUNK_SIZE);
	if (ks->nchunks > 0)
		prefault(ks->chunks[ks->nchunks], CHUNK_SIZE);
	ks->nchunks++;
	ks->used = 0;
}

/* memcpy for a key: most keys are a few bytes (kpix_copy_short). */
static inline void copy_key(unsigned char *dst, const unsigned char *src, size_t len)
{
	if (len > 16)
		memcpy(dst, src, len);
	else
		kpix_copy_short(dst, src, len);
}

static inline uint32_t store(kpix_keyset *ks, const void *key, size_t len)
{
	size_t need = (10 + len + 7) & ~(size_t)7;
	if (ks->nchunks == 0 || CHUNK_SIZE - ks->used < need)
		add_chunk(ks);
	unsigned char *e = ks->chunks[ks->nchunks - 1] + ks->used;
	uint64_t zero = 0;
	uint16_t l16 = (uint16_t)len;
	memcpy(e, &zero, 8);
	memcpy(e + 8, &l16, 2);
	/* copy_key copies nothing for an empty key, which may come with no bytes */
	copy_key(e + 10, key, len);
	size_t units = ((ks->nchunks - 1) << (CHUNK_BITS - 2)) + (ks->used >> 2);
	ks->used += need;
	return (uint32_t)(units + 1);
}

uint64_t *kpix_keyset_upsert(kpix_keyset *ks, const void *key, size_t len, bool *added)
{
	if (len > MAX_KEY)
		len = MAX_KEY;
	if (after_run(ks, key, len) && (ks->nrun > 0 || ks->count == 0)) {
		if (ks->nrun == ks->run_cap) {
			size_t old = ks->run_cap;
			ks->run_cap = ks->run_cap ? ks->run_cap * 2 : 256;
			ks->run = kpix_xrealloc(ks->run, ks->run_cap * sizeof(*ks->run));
			/* a run of this many keys is a sorted export, likely to go on */
			if (old >= RUN_PREFAULT)
				prefault(ks->run + old, (ks->run_cap - old) * sizeof(*ks->run));
		}
		uint32_t ref = store(ks, key, len);
		ks->run[ks->nrun++] = ref;
		ks->count++;
		*added = true;
		return (uint64_t *)(void *)entry_at(ks, ref);
	}
	unsigned char *in_run = run_find(ks, key, len);
	if (in_run) {
		*added = false;
		return (uint64_t *)(void *)in_run;
	}
	return hash_upsert(ks, key, len, added);
}

static uint64_t *hash_upsert(kpix_keyset *ks, const void *key, size_t len, bool *added)
{
	uint64_t h = kpix_hash(key, len, HASH_SEED);
	uint32_t tag = (uint32_t)(h >> 32);
	size_t i = (size_t)tag & ks->mask;
	for (;;) {
		slot *s = &ks->slots[i];
		if (!s->ref)
			break;
		if (s->tag == tag) {
			unsigned char *e = entry_at(ks, s->ref);
			if (entry_is(e, key, len)) {
				*added = false;
				return (uint64_t *)(void *)e;
			}
		}
		i = (i + 1) & ks->mask;
	}
	/* a table larger than 2^32 slots would leave slots the tag cannot reach */
	if ((ks->nhashed + 1) * 4 > (ks->mask + 1) * 3 && ks->mask < UINT32_MAX) {
		grow(ks);
		return hash_upsert(ks, key, len, added);
	}
	uint32_t ref = store(ks, key, len);
	ks->slots[i].tag = tag;
	ks->slots[i].ref = ref;
	ks->count++;
	ks->nhashed++;
	*added = true;
	return (uint64_t *)(void *)entry_at(ks, ref);
}

uint64_t *kpix_keyset_find(const kpix_keyset *ks, const void *key, size_t len)
{
	if (len > MAX_KEY)
		len = MAX_KEY;
	if (after_run(ks, key, len) && ks->nrun > 0)
		return NULL;
	unsigned char *in_run = run_find(ks, key, len);
	if (in_run)
		return (uint64_t *)(void *)in_run;
	if (!ks->nhashed)
		return NULL;
	uint64_t h = kpix_hash(key, len, HASH_SEED);
	uint32_t tag = (uint32_t)(h >> 32);
	for (size_t i = (size_t)tag & ks->mask; ks->slots[i].ref; i = (i + 1) & ks->mask) {
		if (ks->slots[i].tag != tag)
			continue;
		unsigned char *e = entry_at(ks, ks->slots[i].ref);
		if (entry_is(e, key, len))
			return (uint64_t *)(void *)e;
	}
	return NULL;
}

size_t kpix_keyset_size(const kpix_keyset *ks)
{
	return ks->count;
}

size_t kpix_keyset_memory(const kpix_keyset *ks)
{
	return (ks->mask + 1) * sizeof(slot) + ks->nchunks * CHUNK_SIZE +
	       ks->run_cap * sizeof(*ks->run);
}

void kpix_keyset_each(const kpix_keyset *ks,
                      void (*fn)(void *ctx, const void *key, size_t len, uint64_t value),
                      void *ctx)
{
	for (size_t c = 0; c < ks->nchunks; c++) {
		size_t end = c + 1 == ks->nchunks ? ks->used : ks->chunk_used[c];
		for (size_t off = 0; off < end;) {
			const unsigned char *e = ks->chunks[c] + off;
			size_t len = entry_len(e);
			uint64_t v;
			memcpy(&v, e, 8);
			fn(ctx, e + 10, len, v);
			off += (10 + len + 7) & ~(size_t)7;
		}
	}
}
