/* json.c - the JSON document reader over jansson; see json.h. jansson's
 * own types go no further than this file. */
#include "json.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpix/kpix.h"
#include "suggest.h"

struct kpix_json_doc {
	char *name;   /* what messages call the file */
	char *text;   /* the document as read, for positions */
	size_t len;
	json_t *root;
	int code;     /* what kpix_json_fail returns */
	char *base;   /* kpix_json_set_base: the path others are relative to, or NULL */
	/* a composed document (kpix_json_compose): text is NULL, the
	 * documents it is made of are kept, and origins say where each of
	 * its parts was written */
	kpix_json_doc **kept;
	size_t nkept;
	struct origin {
		char *path;                 /* a path of this document */
		const kpix_json_doc *src;   /* where the value there was written */
		char *src_path;             /* and at which path of src */
	} *origins;
	size_t norigins;
};

/* A kpix_json is a json_t seen from outside: the cast is the whole type. */
static const json_t *J(const kpix_json *v)
{
	return (const json_t *)v;
}

static const kpix_json *K(const json_t *v)
{
	return (const kpix_json *)v;
}

void kpix_strlist_free(kpix_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

/* ---------------------------------------------------------- documents */

/* The file's bytes, or NULL with errno set; reading stops once it is
 * known to be too large. */
static char *read_text(const char *file, size_t *len)
{
	FILE *f = fopen(file, "rb");
	if (!f)
		return NULL;
	kpix_buf b = KPIX_BUF_INIT;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		kpix_buf_add(&b, chunk, n);
		if (b.len > KPIX_JSON_MAX_BYTES)
			break;
	}
	bool err = ferror(f);
	fclose(f);
	if (err) {
		kpix_buf_free(&b);
		return NULL;
	}
	*len = b.len;
	return kpix_buf_detach(&b);
}

/* Whether text holds nothing but JSON's white space: jansson would say
 * "'[' or '{' expected near end of file", which hides the real problem. */
static bool blank(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (text[i] != ' ' && text[i] != '\t' && text[i] != '\n' && text[i] != '\r')
			return false;
	return true;
}

/* Parses text (malloc'd, NUL-terminated, taken over) read from name;
 * code for its problems. */
static int parse_text(kpix_json_doc **out, const char *name, char *text, size_t len,
                      const char *what, int code)
{
	*out = NULL;
	if (len > KPIX_JSON_MAX_BYTES) {
		free(text);
		return kpix_fail(code, "%s: the %s is larger than %u MiB, the most kpix reads",
		                 name, what, KPIX_JSON_MAX_BYTES / (1024 * 1024));
	}
	if (blank(text, len)) {
		free(text);
		return kpix_fail(code, "%s: the %s file is empty", name, what);
	}
	json_error_t jerr;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		free(text);
		return kpix_fail(code, "%s:%d:%d: the %s is not valid JSON: %s", name,
		                 jerr.line, jerr.column, what, jerr.text);
	}
	kpix_json_doc *doc = kpix_xcalloc(1, sizeof(*doc));
	doc->name = kpix_xstrdup(name);
	doc->text = text;
	doc->len = len;
	doc->root = root;
	doc->code = code;
	*out = doc;
	return 0;
}

int kpix_json_read_as(kpix_json_doc **out, const char *file, const char *what, int code)
{
	size_t len = 0;
	char *text = read_text(file, &len);
	if (!text) {
		int e = errno;
		*out = NULL;
		return kpix_fail(e == ENOENT ? KPIX_ENOTFOUND : KPIX_EIO, "cannot read %s '%s': %s",
		                 what, file, strerror(e));
	}
	return parse_text(out, file, text, len, what, code);
}

int kpix_json_parse_as(kpix_json_doc **out, const char *name, const char *data, size_t len,
                       const char *what, int code)
{
	if (len > KPIX_JSON_MAX_BYTES)
		return parse_text(out, name, NULL, len, what, code);
	char *text = kpix_xmalloc(len + 1);
	if (len)
		memcpy(text, data, len);
	text[len] = '\0';
	return parse_text(out, name, text, len, what, code);
}

int kpix_json_read(kpix_json_doc **out, const char *file, const char *what)
{
	return kpix_json_read_as(out, file, what, KPIX_ESCHEMA);
}

int kpix_json_parse(kpix_json_doc **out, const char *name, const char *data, size_t len,
                    const char *what)
{
	return kpix_json_parse_as(out, name, data, len, what, KPIX_ESCHEMA);
}

const char *kpix_json_version(void)
{
	return JANSSON_VERSION;
}

void kpix_json_free(kpix_json_doc *doc)
{
	if (!doc)
		return;
	json_decref(doc->root);
	for (size_t i = 0; i < doc->norigins; i++) {
		free(doc->origins[i].path);
		free(doc->origins[i].src_path);
	}
	free(doc->origins);
	for (size_t i = 0; i < doc->nkept; i++)
		kpix_json_free(doc->kept[i]);
	free(doc->kept);
	free(doc->text);
	free(doc->base);
	free(doc->name);
	free(doc);
}

void kpix_json_sha256(const kpix_json_doc *doc, char hex[KPIX_SHA256_HEX_SIZE], uint64_t *size)
{
	while (!doc->text && doc->nkept)
		doc = doc->kept[0];
	kpix_sha256_hex(doc->text, doc->len, hex);
	if (size)
		*size = doc->len;
}

const kpix_json *kpix_json_root(const kpix_json_doc *doc)
{
	return K(doc->root);
}

void kpix_json_set_error(kpix_json_doc *doc, int code)
{
	doc->code = code;
}

/* ------------------------------------------------------------ messages */

/* Whether prefix is path or a step of it above: "fields[1]" is a prefix of
 * "fields[1].name" and of "fields[1][0]", not of "fields[12]". */
static bool path_within(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);
	if (n == 0)
		return true;
	return strncmp(path, prefix, n) == 0 &&
	       (path[n] == '\0' || path[n] == '.' || path[n] == '[');
}

/* The document and path where the value at path of doc was written: doc
 * and path themselves unless doc is composed, else followed through its
 * origins (the longest that holds path) to a document that was read. A new
 * path the caller frees. */
static char *written_at(const kpix_json_doc **doc, const char *path)
{
	char *p = kpix_xstrdup(path);
	while ((*doc)->norigins) {
		const struct origin *best = NULL;
		for (size_t i = 0; i < (*doc)->norigins; i++) {
			const struct origin *o = &(*doc)->origins[i];
			if (path_within(p, o->path) && (!best || strlen(o->path) >= strlen(best->path)))
				best = o;
		}
		if (!best)
			break;
		const char *rest = p + strlen(best->path);
		if (!*best->src_path && *rest == '.')
			rest++;
		char *q = kpix_xasprintf("%s%s", best->src_path, rest);
		free(p);
		p = q;
		*doc = best->src;
	}
	return p;
}

int kpix_json_vfail(const kpix_json_doc *doc, const char *path, const char *fmt, va_list ap)
{
	char msg[700];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	int line = 0, col = 0, code = doc->code;
	char *full = NULL;
	if (doc->base)
		path = full = kpix_xasprintf("%s%s%s", doc->base, *path && *path != '[' ? "." : "", path);
	char *at = written_at(&doc, path);
	if (doc->text)
		kpix_json_locate(doc->text, doc->len, at, &line, &col);
	int rc = kpix_fail(code, "%s:%d:%d: %s%s%s", doc->name, line, col, at, *at ? ": " : "",
	                   msg);
	free(at);
	free(full);
	return rc;
}

void kpix_json_set_base(kpix_json_doc *doc, const char *base)
{
	free(doc->base);
	doc->base = base && *base ? kpix_xstrdup(base) : NULL;
}

const char *kpix_json_written_in(const kpix_json_doc *doc, const char *path)
{
	char *at = written_at(&doc, path);
	free(at);
	return doc->name;
}

int kpix_json_fail(const kpix_json_doc *doc, const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = kpix_json_vfail(doc, path, fmt, ap);
	va_end(ap);
	return rc;
}

char *kpix_json_path(const char *path, const char *key)
{
	return kpix_xasprintf("%s%s%s", path, *path ? "." : "", key);
}

/* Positions: jansson keeps none once a document is parsed, so the (valid)
 * text is scanned again along the path. */
typedef struct {
	const char *s;
	size_t len, pos;
} scan;

static void skip_ws(scan *sc)
{
	while (sc->pos < sc->len && strchr(" \t\r\n", sc->s[sc->pos]) && sc->s[sc->pos])
		sc->pos++;
}

/* Skips a string starting at the opening quote; returns the start and length
 * of its raw contents (escapes left as written). */
static void skip_string(scan *sc, size_t *start, size_t *n)
{
	sc->pos++;
	*start = sc->pos;
	while (sc->pos < sc->len && sc->s[sc->pos] != '"') {
		if (sc->s[sc->pos] == '\\')
			sc->pos++;
		sc->pos++;
	}
	*n = sc->pos - *start;
	sc->pos++;
}

static void skip_value(scan *sc)
{
	skip_ws(sc);
	if (sc->pos >= sc->len)
		return;
	char c = sc->s[sc->pos];
	if (c == '"') {
		size_t a, b;
		skip_string(sc, &a, &b);
		return;
	}
	if (c == '{' || c == '[') {
		/* skip to the matching bracket, minding strings */
		int depth = 0;
		while (sc->pos < sc->len) {
			c = sc->s[sc->pos];
			if (c == '"') {
				size_t a, b;
				skip_string(sc, &a, &b);
				continue;
			}
			if (c == '{' || c == '[')
				depth++;
			else if (c == '}' || c == ']') {
				if (--depth == 0) {
					sc->pos++;
					return;
				}
			}
			sc->pos++;
		}
		return;
	}
	while (sc->pos < sc->len && !strchr(",}] \t\r\n", sc->s[sc->pos]))
		sc->pos++;
}

/* Skips an element or a member's value and the comma after it. */
static void skip_item(scan *sc)
{
	skip_value(sc);
	skip_ws(sc);
	if (sc->pos < sc->len && sc->s[sc->pos] == ',')
		sc->pos++;
}

static void to_line_col(const char *s, size_t pos, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < pos; i++) {
		if (s[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)s[i] & 0xc0) != 0x80) {
			(*col)++;
		}
	}
}

int kpix_json_locate(const char *text, size_t len, const char *path, int *line, int *col)
{
	scan sc = {text, len, 0};
	size_t found = 0;
	skip_ws(&sc);
	found = sc.pos;
	const char *p = path;
	int rc = 0;
	while (*p) {
		skip_ws(&sc);
		if (*p == '.')
			p++;
		if (*p == '[') {
			long want = strtol(p + 1, NULL, 10);
			const char *close = strchr(p, ']');
			p = close ? close + 1 : p + strlen(p);
			if (sc.pos >= len || text[sc.pos] != '[') {
				rc = -1;
				break;
			}
			sc.pos++;
			bool ok = false;
			for (long i = 0;; i++) {
				skip_ws(&sc);
				if (sc.pos >= len || text[sc.pos] == ']')
					break;
				if (i == want) {
					ok = true;
					break;
				}
				skip_item(&sc);
			}
			if (!ok) {
				rc = -1;
				break;
			}
			found = sc.pos;
			continue;
		}
		size_t klen = strcspn(p, ".[");
		if (sc.pos >= len || text[sc.pos] != '{') {
			rc = -1;
			break;
		}
		sc.pos++;
		bool ok = false;
		for (;;) {
			skip_ws(&sc);
			if (sc.pos >= len || text[sc.pos] != '"')
				break;
			size_t kpos = sc.pos, ks, kn;
			skip_string(&sc, &ks, &kn);
			skip_ws(&sc);
			sc.pos++; /* ':' */
			skip_ws(&sc);
			if (kn == klen && memcmp(text + ks, p, klen) == 0) {
				ok = true;
				found = kpos;
				break;
			}
			skip_item(&sc);
		}
		if (!ok) {
			rc = -1;
			break;
		}
		p += klen;
	}
	to_line_col(text, found, line, col);
	return rc;
}

/* -------------------------------------------------------------- values */

bool kpix_json_is_object(const kpix_json *v) { return json_is_object(J(v)); }
bool kpix_json_is_array(const kpix_json *v) { return json_is_array(J(v)); }
bool kpix_json_is_string(const kpix_json *v) { return json_is_string(J(v)); }
bool kpix_json_is_number(const kpix_json *v) { return json_is_number(J(v)); }
bool kpix_json_is_integer(const kpix_json *v) { return json_is_integer(J(v)); }
bool kpix_json_is_bool(const kpix_json *v) { return json_is_boolean(J(v)); }
bool kpix_json_is_null(const kpix_json *v) { return json_is_null(J(v)); }
bool kpix_json_is_true(const kpix_json *v) { return json_is_true(J(v)); }

const char *kpix_json_string(const kpix_json *v)
{
	return json_string_value(J(v));
}

size_t kpix_json_string_len(const kpix_json *v)
{
	return json_string_length(J(v));
}

double kpix_json_number(const kpix_json *v)
{
	return json_number_value(J(v));
}

int64_t kpix_json_integer(const kpix_json *v)
{
	return json_integer_value(J(v));
}

char *kpix_json_dump(const kpix_json *v)
{
	char *text = v ? json_dumps(J(v), JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY)
	               : NULL;
	if (!text)
		return kpix_xstrdup("null");
	/* jansson's allocation, given back as one the caller frees with free() */
	char *copy = kpix_xstrdup(text);
	free(text);
	return copy;
}

size_t kpix_json_size(const kpix_json *v)
{
	if (json_is_array(J(v)))
		return json_array_size(J(v));
	return json_is_object(J(v)) ? json_object_size(J(v)) : 0;
}

const kpix_json *kpix_json_at(const kpix_json *arr, size_t i)
{
	return K(json_array_get(J(arr), i));
}

const kpix_json *kpix_json_get(const kpix_json *obj, const char *key)
{
	return K(json_object_get(J(obj), key));
}

kpix_json_iter kpix_json_members(const kpix_json *obj)
{
	/* jansson's iterators take a mutable object but do not change it */
	json_t *o = (json_t *)J(obj);
	return (kpix_json_iter){obj, json_is_object(o) ? json_object_iter(o) : NULL};
}

bool kpix_json_next(kpix_json_iter *it, const char **key, const kpix_json **value)
{
	if (!it->at)
		return false;
	*key = json_object_iter_key(it->at);
	*value = K(json_object_iter_value(it->at));
	it->at = json_object_iter_next((json_t *)J(it->obj), it->at);
	return true;
}

/* ------------------------------------------------------ member readers */

int kpix_json_only_keys(const kpix_json_doc *doc, const char *path, const kpix_json *obj,
                        const char *const *allowed)
{
	kpix_json_iter it = kpix_json_members(obj);
	const char *key;
	const kpix_json *v;
	while (kpix_json_next(&it, &key, &v)) {
		bool ok = strcmp(key, "$comment") == 0;
		for (size_t i = 0; !ok && allowed[i]; i++)
			ok = strcmp(key, allowed[i]) == 0;
		if (ok)
			continue;
		kpix_buf list = KPIX_BUF_INIT, near = KPIX_BUF_INIT;
		size_t n = 0;
		for (; allowed[n]; n++)
			kpix_buf_printf(&list, "%s%s", n ? ", " : "", allowed[n]);
		kpix_suggest(&near, key, strlen(key), allowed, n);
		char *where = kpix_json_path(path, key);
		int rc = near.len ? kpix_json_fail(doc, where, "unknown keyword '%s'; did you mean %s? "
		                                               "Expected one of: %s",
		                                   key, near.data, list.data)
		                  : kpix_json_fail(doc, where, "unknown keyword '%s'; expected one of: %s",
		                                   key, list.data);
		free(where);
		kpix_buf_free(&list);
		kpix_buf_free(&near);
		return rc;
	}
	return 0;
}

/* Reports what the member key should have been. */
static int wrong(const kpix_json_doc *doc, const char *path, const char *key, const char *expected)
{
	char *p = kpix_json_path(path, key);
	int rc = kpix_json_fail(doc, p, "expected %s", expected);
	free(p);
	return rc;
}

int kpix_json_get_str(const kpix_json_doc *doc, const char *path, const kpix_json *obj,
                      const char *key, char **out, bool required)
{
	const kpix_json *v = kpix_json_get(obj, key);
	*out = NULL;
	if (!v) {
		if (!required)
			return 0;
		return kpix_json_fail(doc, path, "'%s' is missing; it is required here", key);
	}
	if (!kpix_json_is_string(v) || (required && kpix_json_string_len(v) == 0))
		return wrong(doc, path, key, required ? "a non-empty string" : "a string");
	*out = kpix_xstrndup(kpix_json_string(v), kpix_json_string_len(v));
	return 0;
}

int kpix_json_one_of(const kpix_json_doc *doc, const char *path, const char *key, const char *s,
                     const char *const *words, const char *expected, int *out)
{
	for (int i = 0; words[i]; i++)
		if (strcmp(words[i], s) == 0) {
			if (out)
				*out = i;
			return 0;
		}
	char *p = kpix_json_path(path, key);
	int rc = kpix_json_fail(doc, p, "unknown %s '%s'; expected %s", key, s, expected);
	free(p);
	return rc;
}

int kpix_json_get_one_of(const kpix_json_doc *doc, const char *path, const kpix_json *obj,
                         const char *key, const char *const *words, const char *expected,
                         bool required, int *out)
{
	char *s;
	int rc = kpix_json_get_str(doc, path, obj, key, &s, required);
	if (!rc && s)
		rc = kpix_json_one_of(doc, path, key, s, words, expected, out);
	free(s);
	return rc;
}

/* The member key of obj, or NULL when it is absent or (then with *rc set)
 * not of the kind is_kind accepts. */
static const kpix_json *typed(const kpix_json_doc *doc, const char *path, const kpix_json *obj,
                              const char *key, bool (*is_kind)(const kpix_json *),
                              const char *expected, int *rc)
{
	const kpix_json *v = kpix_json_get(obj, key);
	*rc = 0;
	if (v && !is_kind(v)) {
		*rc = wrong(doc, path, key, expected);
		return NULL;
	}
	return v;
}

int kpix_json_get_bool(const kpix_json_doc *doc, const char *path, const kpix_json *obj,
                       const char *key, bool *out)
{
	int rc;
	const kpix_json *v = typed(doc, path, obj, key, kpix_json_is_bool, "true or false", &rc);
	if (v)
		*out = kpix_json_is_true(v);
	return rc;
}

int kpix_json_get_num(const kpix_json_doc *doc, const char *path, const kpix_json *obj,
                      const char *key, bool *has, double *out)
{
	int rc;
	const kpix_json *v = typed(doc, path, obj, key, kpix_json_is_number, "a number", &rc);
	*has = v != NULL;
	if (v)
		*out = kpix_json_number(v);
	return rc;
}

int kpix_json_get_strlist(const kpix_json_doc *doc, const char *path, const kpix_json *obj,
                          const char *key, kpix_strlist *out, bool one_ok,
                          kpix_json_number_fn numbers)
{
	const kpix_json *v = kpix_json_get(obj, key);
	out->items = NULL;
	out->n = 0;
	if (!v)
		return 0;
	if (one_ok && kpix_json_is_string(v)) {
		out->items = kpix_xcalloc(2, sizeof(char *));
		out->items[0] = kpix_xstrdup(kpix_json_string(v));
		out->n = 1;
		return 0;
	}
	if (!kpix_json_is_array(v))
		return wrong(doc, path, key, numbers ? "a list of values" : "a list of strings");
	size_t n = kpix_json_size(v);
	out->items = kpix_xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		const kpix_json *e = kpix_json_at(v, i);
		char num[32];
		if (kpix_json_is_string(e)) {
			out->items[out->n++] = kpix_xstrdup(kpix_json_string(e));
		} else if (numbers && kpix_json_is_number(e)) {
			numbers(kpix_json_number(e), num);
			out->items[out->n++] = kpix_xstrdup(num);
		} else {
			char *p = kpix_json_path(path, key);
			char *ep = kpix_xasprintf("%s[%zu]", p, i);
			int rc = kpix_json_fail(doc, ep, "expected a %s",
			                        numbers ? "string or a number" : "string");
			free(ep);
			free(p);
			kpix_strlist_free(out);
			return rc;
		}
	}
	return 0;
}

/* ------------------------------------------------ composing documents */

/* A value made here is a json_t too; the cast is the whole type. */
static json_t *M(kpix_json *v)
{
	return (json_t *)v;
}

kpix_json *kpix_json_new_object(void)
{
	json_t *o = json_object();
	if (!o)
		kpix_out_of_memory(0);
	return (kpix_json *)o;
}

kpix_json *kpix_json_new_array(void)
{
	json_t *a = json_array();
	if (!a)
		kpix_out_of_memory(0);
	return (kpix_json *)a;
}

kpix_json *kpix_json_share(const kpix_json *v)
{
	return (kpix_json *)json_incref((json_t *)J(v));
}

kpix_json *kpix_json_shallow_copy(const kpix_json *obj)
{
	json_t *c = json_copy((json_t *)J(obj));
	if (!c)
		kpix_out_of_memory(0);
	return (kpix_json *)c;
}

void kpix_json_put(kpix_json *obj, const char *key, kpix_json *v)
{
	if (json_object_set_new(M(obj), key, M(v)))
		kpix_out_of_memory(0);
}

void kpix_json_remove(kpix_json *obj, const char *key)
{
	json_object_del(M(obj), key);
}

void kpix_json_push(kpix_json *arr, kpix_json *v)
{
	if (json_array_append_new(M(arr), M(v)))
		kpix_out_of_memory(0);
}

void kpix_json_drop(kpix_json *v)
{
	json_decref(M(v));
}

kpix_json_doc *kpix_json_compose(kpix_json *root, kpix_json_doc *primary)
{
	kpix_json_doc *doc = kpix_xcalloc(1, sizeof(*doc));
	doc->name = kpix_xstrdup(primary->name);
	doc->root = M(root);
	doc->code = primary->code;
	kpix_json_keep(doc, primary);
	kpix_json_origin(doc, "", primary, "");
	return doc;
}

void kpix_json_keep(kpix_json_doc *doc, kpix_json_doc *src)
{
	doc->kept = kpix_xrealloc(doc->kept, (doc->nkept + 1) * sizeof(*doc->kept));
	doc->kept[doc->nkept++] = src;
}

void kpix_json_origin(kpix_json_doc *doc, const char *path, const kpix_json_doc *src,
                      const char *src_path)
{
	doc->origins = kpix_xrealloc(doc->origins, (doc->norigins + 1) * sizeof(*doc->origins));
	doc->origins[doc->norigins++] =
	        (struct origin){kpix_xstrdup(path), src, kpix_xstrdup(src_path)};
}

const char *kpix_json_name(const kpix_json_doc *doc)
{
	return doc->name;
}
