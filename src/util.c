/* util.c - errors, buffers, arenas, hashing and number formatting. */
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cast.h"
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

static void out_of_memory(size_t n)
{
	fprintf(stderr, "kpix: out of memory (asked for %zu bytes)\n", n);
	abort();
}

void *kpix_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		out_of_memory(n);
	return p;
}

void *kpix_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		out_of_memory(n * size);
	return p;
}

void *kpix_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		out_of_memory(n);
	return q;
}

char *kpix_xstrdup(const char *s)
{
	return kpix_xstrndup(s, strlen(s));
}

char *kpix_xstrndup(const char *s, size_t n)
{
	char *p = kpix_xmalloc(n + 1);
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
			out_of_memory(SIZE_MAX);
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

void kpix_buf_clear(kpix_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
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

/* --------------------------------------------------------------- number */

void kpix_format_number(double v, char *buf)
{
	if (v != v) {
		strcpy(buf, "NaN");
		return;
	}
	if (v > 1.7976931348623157e308 || v < -1.7976931348623157e308) {
		strcpy(buf, v > 0 ? "INF" : "-INF");
		return;
	}
	if (v == 0) {
		strcpy(buf, "0");
		return;
	}
	static const kpix_numfmt fmt = KPIX_NUMFMT_INIT;
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, 32, "%.*g", prec, v);
		/* whatever the locale made of the decimal point, make it '.' */
		for (char *c = buf; *c; c++)
			if (*c == ',')
				*c = '.';
		double back;
		if (kpix_cast_number(buf, strlen(buf), &fmt, &back) == 0 && back == v)
			break;
	}
	/* "1e+06" reads badly in a report: write integers up to 1e15 in full */
	if (strchr(buf, 'e') && v == (double)(long long)v && v < 1e15 && v > -1e15)
		snprintf(buf, 32, "%lld", (long long)v);
}

/* ----------------------------------------------------------------- utf8 */

bool kpix_utf8_valid(const char *str, size_t len)
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
			return false;
		}
		if (len - i <= n)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n + 1;
	}
	return true;
}
