/* util.c - errors, buffers, arenas, hashing, UTF-8 and
 * simple-shape patterns. */
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kpix/kpix.h"

static _Thread_local char last_error[1024];

const char *kpix_error_last(void)
{
	return last_error;
}

void kpix_error_clear(void)
{
	last_error[0] = '\0';
}

int kpix_fail(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return code;
}

/* Set once, before the library is used (kpix_set_out_of_memory). */
static kpix_out_of_memory_fn oom_hook;

void kpix_set_out_of_memory(kpix_out_of_memory_fn fn)
{
	oom_hook = fn;
}

void kpix_out_of_memory(size_t n)
{
	kpix_out_of_memory_fn fn = oom_hook;
	if (fn)
		fn(n);
	abort(); /* the default, and a hook that returned */
}

void *kpix_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		kpix_out_of_memory(n);
	return p;
}

void *kpix_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		kpix_out_of_memory(n * size);
	return p;
}

void *kpix_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		kpix_out_of_memory(n);
	return q;
}

char *kpix_xstrdup(const char *s)
{
	return kpix_xstrndup(s, strlen(s));
}

char *kpix_xstrndup(const char *s, size_t n)
{
	char *p = kpix_xmalloc(n + 1);
	if (n) /* s may be NULL when n is 0: an empty buffer holds no bytes */
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *kpix_xasprintf(const char *fmt, ...)
{
	kpix_buf b = KPIX_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	kpix_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return kpix_buf_detach(&b);
}

/* ------------------------------------------------------------------ buf */

void kpix_buf_grow(kpix_buf *b, size_t extra)
{
	if (b->len + extra < b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap <= b->len + extra) {
		if (cap > SIZE_MAX / 2)
			kpix_out_of_memory(SIZE_MAX);
		cap *= 2;
	}
	b->data = kpix_xrealloc(b->data, cap);
	b->cap = cap;
}

void kpix_buf_add(kpix_buf *b, const void *data, size_t len)
{
	kpix_buf_grow(b, len);
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void kpix_buf_adds(kpix_buf *b, const char *s)
{
	kpix_buf_add(b, s, strlen(s));
}

void kpix_buf_addc(kpix_buf *b, char c)
{
	kpix_buf_grow(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

void kpix_buf_vprintf(kpix_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	kpix_buf_grow(b, 64);
	int n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	if (n < 0) {
		va_end(ap2);
		return;
	}
	if ((size_t)n >= b->cap - b->len) {
		kpix_buf_grow(b, (size_t)n);
		vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap2);
	}
	va_end(ap2);
	b->len += (size_t)n;
}

void kpix_buf_printf(kpix_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kpix_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

char *kpix_buf_detach(kpix_buf *b)
{
	char *s = b->data ? b->data : kpix_xstrdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	return s;
}

void kpix_buf_free(kpix_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

/* ---------------------------------------------------------------- arena */

struct kpix_arena_block {
	kpix_arena_block *next;
	size_t used;
	size_t size;
	max_align_t data[];
};

void kpix_arena_init(kpix_arena *a, size_t block_size)
{
	a->head = NULL;
	a->block_size = block_size ? block_size : 64 * 1024;
	a->total = 0;
}

void *kpix_arena_alloc(kpix_arena *a, size_t n)
{
	const size_t align = sizeof(max_align_t);
	n = (n + align - 1) / align * align;
	if (n == 0)
		n = align;
	kpix_arena_block *h = a->head;
	if (!h || h->size - h->used < n) {
		size_t size = n > a->block_size ? n : a->block_size;
		kpix_arena_block *blk = kpix_xmalloc(sizeof(*blk) + size);
		blk->used = 0;
		blk->size = size;
		a->total += size;
		if (h && n > a->block_size) {
			/* keep filling the current block; put the big one behind it */
			blk->next = h->next;
			h->next = blk;
			blk->used = n;
			return blk->data;
		}
		blk->next = h;
		a->head = h = blk;
	}
	void *p = (char *)h->data + h->used;
	h->used += n;
	return p;
}

char *kpix_arena_strndup(kpix_arena *a, const char *s, size_t n)
{
	char *p = kpix_arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void kpix_arena_free(kpix_arena *a)
{
	kpix_arena_block *b = a->head;
	while (b) {
		kpix_arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
	a->total = 0;
}

/* ----------------------------------------------------------------- hash */

static inline uint64_t mix64(uint64_t x)
{
	/* the finaliser of SplitMix64 */
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

uint64_t kpix_hash(const void *data, size_t len, uint64_t seed)
{
	const unsigned char *p = data;
	uint64_t h = seed ^ (len * 0x9e3779b97f4a7c15ULL);
	while (len >= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		h = mix64(h ^ w) + 0x9e3779b97f4a7c15ULL;
		p += 8;
		len -= 8;
	}
	uint64_t w = 0;
	for (size_t i = 0; i < len; i++)
		w |= (uint64_t)p[i] << (8 * i);
	return mix64(h ^ w ^ ((uint64_t)len << 56));
}

/* ----------------------------------------------------------------- utf8 */

bool kpix_utf8_valid(const char *str, size_t len)
{
	return kpix_utf8_invalid_at(str, len) == len;
}

size_t kpix_utf8_invalid_at(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < len) {
		unsigned char c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t n;
		uint32_t cp;
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return i;
		}
		if (len - i <= n)
			return i;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += n + 1;
	}
	return len;
}

/* ---------------------------------------------------------------- shape */

#define SHAPE_MAX_ATOMS 32        /* one bit each in a byte's entry of the table */
#define SHAPE_MAX_FIXED 64        /* fixed-length shapes up to this long are matched by position */
#define SHAPE_MAX_REPEAT 65535u   /* PCRE2's own limit on {n,m} */
#define SHAPE_UNLIMITED UINT32_MAX

/* One character or class, repeated min..max times. */
typedef struct {
	uint32_t min, max;
} shape_atom;

struct kpix_shape {
	uint32_t takes[256];  /* byte -> the atoms that take it: bit i for atom i */
	size_t n;
	shape_atom atoms[SHAPE_MAX_ATOMS];
	/* When every atom takes a fixed count, a matching text has this
	 * length and the atom of each position is known; otherwise 0 and
	 * fixed is false. */
	bool fixed;
	size_t fixed_len;
	uint32_t fixed_atom[SHAPE_MAX_FIXED]; /* bit of the atom at each position */
};

static void shape_take(kpix_shape *sh, unsigned lo, unsigned hi)
{
	for (unsigned c = lo; c <= hi; c++)
		sh->takes[c] |= UINT32_C(1) << sh->n;
}

/* A printable ASCII character that stands for itself outside a class. */
static bool plain_char(unsigned char c)
{
	return c >= 0x20 && c <= 0x7e && !strchr("\\^$.[]|()?*+{}", c);
}

/* An ASCII character that a backslash makes stand for itself. */
static bool ascii_punct(unsigned char c)
{
	return c >= 0x21 && c <= 0x7e && !(c >= '0' && c <= '9') && !(c >= 'A' && c <= 'Z') &&
	       !(c >= 'a' && c <= 'z');
}

/* A printable ASCII character that stands for itself inside a class. */
static bool class_char(unsigned char c)
{
	return c >= 0x20 && c <= 0x7e && c != '\\' && c != '[' && c != ']';
}

/* Reads a class after its '[' into the atom being built: single
 * characters and ranges; a '-' only first or last. Returns what follows
 * the ']', or NULL. */
static const char *read_class(kpix_shape *sh, const char *p)
{
	const char *start = p;
	if (*p == '^' || *p == ']')
		return NULL;
	while (*p != ']') {
		unsigned char lo = (unsigned char)*p;
		if (!class_char(lo) || (lo == '-' && p != start && p[1] != ']'))
			return NULL;
		if (lo != '-' && p[1] == '-' && p[2] != ']') {
			unsigned char hi = (unsigned char)p[2];
			if (!class_char(hi) || hi == '-' || hi < lo)
				return NULL;
			shape_take(sh, lo, hi);
			p += 3;
		} else {
			shape_take(sh, lo, lo);
			p++;
		}
	}
	return p + 1;
}

/* Reads a count of 1 to 5 digits, at most SHAPE_MAX_REPEAT. */
static const char *read_count(const char *p, uint32_t *out)
{
	uint32_t n = 0;
	int digits = 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (++digits > 5)
			return NULL;
		n = n * 10 + (uint32_t)(*p - '0');
	}
	if (!digits || n > SHAPE_MAX_REPEAT)
		return NULL;
	*out = n;
	return p;
}

/* Reads what may follow an atom: nothing, ?, *, +, {n}, {n,} or {n,m}.
 * A lazy or possessive mark after it is refused. */
static const char *read_repeat(const char *p, shape_atom *a)
{
	a->min = a->max = 1;
	if (*p == '?' || *p == '*' || *p == '+') {
		a->min = *p == '+';
		a->max = *p == '?' ? 1 : SHAPE_UNLIMITED;
		p++;
	} else if (*p == '{') {
		if (!(p = read_count(p + 1, &a->min)))
			return NULL;
		a->max = a->min;
		if (*p == ',') {
			p++;
			a->max = SHAPE_UNLIMITED;
			if (*p != '}' && (!(p = read_count(p, &a->max)) || a->max < a->min))
				return NULL;
		}
		if (*p != '}')
			return NULL;
		p++;
	} else {
		return p;
	}
	return *p == '?' || *p == '+' ? NULL : p;
}

/* Taking as many characters as each atom can is the only way a text can
 * match when no atom that repeats a variable number of times shares a
 * character with what may come right after it: the atoms up to and
 * including the next one that must take at least one character. */
static bool greedy_is_exact(const kpix_shape *sh)
{
	for (size_t i = 0; i < sh->n; i++) {
		if (sh->atoms[i].max == sh->atoms[i].min)
			continue;
		uint32_t after = 0;
		for (size_t j = i + 1; j < sh->n; j++) {
			after |= UINT32_C(1) << j;
			if (sh->atoms[j].min > 0)
				break;
		}
		for (int c = 0; c < 256; c++)
			if ((sh->takes[c] >> i & 1) && (sh->takes[c] & after))
				return false;
	}
	return true;
}

kpix_shape *kpix_shape_compile(const char *pattern)
{
	kpix_shape *sh = kpix_xcalloc(1, sizeof(*sh));
	const char *p = pattern;
	while (p && *p) {
		unsigned char c = (unsigned char)*p;
		if (sh->n == SHAPE_MAX_ATOMS) {
			p = NULL;
		} else if (c == '[') {
			p = read_class(sh, p + 1);
		} else if (c == '\\' && p[1] == 'd') {
			shape_take(sh, '0', '9');
			p += 2;
		} else if (c == '\\' && ascii_punct((unsigned char)p[1])) {
			shape_take(sh, (unsigned char)p[1], (unsigned char)p[1]);
			p += 2;
		} else if (plain_char(c)) {
			shape_take(sh, c, c);
			p++;
		} else {
			p = NULL;
		}
		if (p)
			p = read_repeat(p, &sh->atoms[sh->n]);
		if (p)
			sh->n++;
	}
	if (!p || !greedy_is_exact(sh)) {
		free(sh);
		return NULL;
	}
	sh->fixed = true;
	for (size_t i = 0; i < sh->n && sh->fixed; i++) {
		const shape_atom *a = &sh->atoms[i];
		sh->fixed = a->min == a->max && a->min <= SHAPE_MAX_FIXED - sh->fixed_len;
		for (uint32_t k = 0; k < a->min && sh->fixed; k++)
			sh->fixed_atom[sh->fixed_len++] = UINT32_C(1) << i;
	}
	if (!sh->fixed)
		sh->fixed_len = 0;
	return sh;
}

bool kpix_shape_match(const kpix_shape *sh, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	if (sh->fixed) {
		if (len != sh->fixed_len)
			return false;
		for (size_t pos = 0; pos < len; pos++)
			if (!(sh->takes[u[pos]] & sh->fixed_atom[pos]))
				return false;
		return true;
	}
	size_t pos = 0;
	for (size_t i = 0; i < sh->n; i++) {
		const shape_atom *a = &sh->atoms[i];
		uint32_t bit = UINT32_C(1) << i;
		if (len - pos < a->min)
			return false;
		for (size_t end = pos + a->min; pos < end; pos++)
			if (!(sh->takes[u[pos]] & bit))
				return false;
		size_t extra = a->max == SHAPE_UNLIMITED ? SIZE_MAX : a->max - a->min;
		for (; extra && pos < len && (sh->takes[u[pos]] & bit); extra--)
			pos++;
	}
	return pos == len;
}

void kpix_shape_free(kpix_shape *sh)
{
	free(sh);
}

void kpix_expand_names(kpix_buf *out, const char *tmpl, kpix_put_name_fn put, void *ctx)
{
	kpix_buf_clear(out);
	const char *p = tmpl;
	while (*p) {
		const char *open = strchr(p, '{');
		const char *close = open ? strchr(open, '}') : NULL;
		if (!open || !close) {
			kpix_buf_adds(out, p);
			break;
		}
		kpix_buf_add(out, p, (size_t)(open - p));
		if (!put(ctx, open + 1, (size_t)(close - open - 1), out))
			kpix_buf_add(out, open, (size_t)(close - open + 1));
		p = close + 1;
	}
}

const char *kpix_odd_file_kind(unsigned mode)
{
	return S_ISREG(mode) || S_ISDIR(mode) ? NULL
	       : S_ISFIFO(mode)               ? "a pipe"
	       : S_ISSOCK(mode)               ? "a socket"
	                                      : "a device";
}

const char *kpix_base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}
