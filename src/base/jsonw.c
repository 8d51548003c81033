/* jsonw.c - the streaming JSON writer; see jsonw.h. */
#include "jsonw.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kpix/kpix.h"
#include "util.h"

/* A writer to a file passes its text on once it holds this much. */
#define FLUSH_AT (64 * 1024)

typedef struct {
	size_t count; /* members or elements written */
	char close;   /* '}' or ']' */
} level;

struct kpix_jsonw {
	FILE *out;
	kpix_buf buf;
	unsigned indent;
	level *levels;
	size_t depth, cap;
	bool after_key; /* a key was written: its value follows on the same line */
	bool ascii;     /* characters beyond ASCII written as \uXXXX */
	bool failed;    /* a write to out failed */
};

kpix_jsonw *kpix_jsonw_new(FILE *out, unsigned indent)
{
	kpix_jsonw *w = kpix_xcalloc(1, sizeof(*w));
	w->out = out;
	w->indent = indent;
	kpix_buf_adds(&w->buf, ""); /* text is a string even when nothing is written */
	return w;
}

static void flush(kpix_jsonw *w)
{
	if (!w->out || !w->buf.len)
		return;
	if (fwrite(w->buf.data, 1, w->buf.len, w->out) != w->buf.len)
		w->failed = true;
	kpix_buf_clear(&w->buf);
}

static void add(kpix_jsonw *w, const char *s, size_t len)
{
	kpix_buf_add(&w->buf, s, len);
	if (w->buf.len >= FLUSH_AT)
		flush(w);
}

/* A line break and the indent of depth levels; nothing when compact. */
static void newline(kpix_jsonw *w, size_t depth)
{
	if (!w->indent)
		return;
	kpix_buf_addc(&w->buf, '\n');
	for (size_t i = 0; i < depth * w->indent; i++)
		kpix_buf_addc(&w->buf, ' ');
}

/* What goes before a value or a key: the comma after the one before it and
 * the new line, unless it is the value of the key just written. */
static void before(kpix_jsonw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (!w->depth)
		return;
	level *l = &w->levels[w->depth - 1];
	if (l->count++)
		kpix_buf_addc(&w->buf, ',');
	newline(w, w->depth);
}

static void open_level(kpix_jsonw *w, char open, char close)
{
	before(w);
	kpix_buf_addc(&w->buf, open);
	if (w->depth == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 8;
		w->levels = kpix_xrealloc(w->levels, w->cap * sizeof(*w->levels));
	}
	w->levels[w->depth++] = (level){0, close};
}

void kpix_jsonw_ascii(kpix_jsonw *w)
{
	w->ascii = true;
}

void kpix_jsonw_object(kpix_jsonw *w)
{
	open_level(w, '{', '}');
}

void kpix_jsonw_array(kpix_jsonw *w)
{
	open_level(w, '[', ']');
}

void kpix_jsonw_end(kpix_jsonw *w)
{
	if (!w->depth)
		return;
	level l = w->levels[--w->depth];
	if (l.count)
		newline(w, w->depth);
	add(w, &l.close, 1);
}

/* The length of the valid UTF-8 character that starts the len bytes at s,
 * or 0 when they do not start with one. */
static size_t char_len(const unsigned char *s, size_t len)
{
	size_t n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2;
	if (n > len || kpix_utf8_invalid_at((const char *)s, n) != n)
		return 0;
	return n;
}

/* The valid UTF-8 character of n bytes at s as jansson's ASCII output
 * writes it: "\uXXXX", or a UTF-16 surrogate pair beyond U+FFFF. */
static void escape_ascii(const unsigned char *s, size_t n, char seq[16])
{
	uint32_t c = s[0] & (n == 2 ? 0x1f : n == 3 ? 0x0f : 0x07);
	for (size_t k = 1; k < n; k++)
		c = c << 6 | (s[k] & 0x3f);
	if (c < 0x10000) {
		snprintf(seq, 16, "\\u%04X", (unsigned)c);
		return;
	}
	c -= 0x10000;
	snprintf(seq, 16, "\\u%04X\\u%04X", (unsigned)(0xd800 | c >> 10),
	         (unsigned)(0xdc00 | (c & 0x3ff)));
}

static void string(kpix_jsonw *w, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	kpix_buf_addc(&w->buf, '"');
	size_t plain = 0; /* bytes before i that go as they are */
	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		size_t n = 1;
		const char *esc = NULL;
		char seq[16];
		if (c >= 0x80) {
			n = char_len(s + i, len - i);
			if (n && !w->ascii) {
				i += n;
				continue;
			}
			if (n) {
				escape_ascii(s + i, n, seq);
				esc = seq;
			} else {
				n = 1;
				esc = w->ascii ? "\\uFFFD" : "\xef\xbf\xbd";
			}
		} else if (c == '"') {
			esc = "\\\"";
		} else if (c == '\\') {
			esc = "\\\\";
		} else if (c < 0x20) {
			switch (c) {
			case '\b': esc = "\\b"; break;
			case '\f': esc = "\\f"; break;
			case '\n': esc = "\\n"; break;
			case '\r': esc = "\\r"; break;
			case '\t': esc = "\\t"; break;
			default:
				snprintf(seq, sizeof(seq), "\\u%04X", c);
				esc = seq;
			}
		} else {
			i++;
			continue;
		}
		kpix_buf_add(&w->buf, s + plain, i - plain);
		kpix_buf_adds(&w->buf, esc);
		i += n;
		plain = i;
	}
	kpix_buf_add(&w->buf, s + plain, len - plain);
	add(w, "\"", 1);
}

void kpix_jsonw_key(kpix_jsonw *w, const char *key)
{
	before(w);
	string(w, key, strlen(key));
	kpix_buf_adds(&w->buf, w->indent ? ": " : ":");
	w->after_key = true;
}

void kpix_jsonw_stringn(kpix_jsonw *w, const char *s, size_t len)
{
	before(w);
	string(w, s, len);
}

void kpix_jsonw_string(kpix_jsonw *w, const char *s)
{
	if (s)
		kpix_jsonw_stringn(w, s, strlen(s));
	else
		kpix_jsonw_null(w);
}

void kpix_jsonw_int(kpix_jsonw *w, int64_t v)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%" PRId64, v);
	before(w);
	add(w, num, (size_t)n);
}

void kpix_jsonw_bool(kpix_jsonw *w, bool v)
{
	before(w);
	add(w, v ? "true" : "false", v ? 4 : 5);
}

void kpix_jsonw_null(kpix_jsonw *w)
{
	before(w);
	add(w, "null", 4);
}

void kpix_jsonw_member_string(kpix_jsonw *w, const char *key, const char *s)
{
	kpix_jsonw_key(w, key);
	kpix_jsonw_string(w, s);
}

void kpix_jsonw_member_int(kpix_jsonw *w, const char *key, int64_t v)
{
	kpix_jsonw_key(w, key);
	kpix_jsonw_int(w, v);
}

void kpix_jsonw_raw(kpix_jsonw *w, const char *s)
{
	add(w, s, strlen(s));
}

int kpix_jsonw_finish(kpix_jsonw *w)
{
	flush(w);
	return w->failed ? KPIX_EIO : 0;
}

const char *kpix_jsonw_text(const kpix_jsonw *w, size_t *len)
{
	if (len)
		*len = w->buf.len;
	return w->buf.data;
}

void kpix_jsonw_free(kpix_jsonw *w)
{
	if (!w)
		return;
	kpix_buf_free(&w->buf);
	free(w->levels);
	free(w);
}
