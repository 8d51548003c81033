/* schema.c - load a schema file into struct kpix_schema, refusing anything
 * malformed or unknown with the place (file, line, column, path) and what
 * was expected. */
#define _POSIX_C_SOURCE 200809L
#include "schema.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "jsonpos.h"
#include "schema_load.h"
#include "source.h"
#include "util.h"

#ifndef KPIX_SCHEMA_DIR
#define KPIX_SCHEMA_DIR "/usr/local/share/kpix/schemas"
#endif

#define MAX_SCHEMA_BYTES (16u * 1024 * 1024)
#define FORMAT_MARKER "schema/1"

typedef struct kpix_loader {
	const char *file;
	const char *text;
	size_t len;
	kpix_schema *s;
} loader;

static int vbad(loader *ld, const char *path, const char *fmt, va_list ap) KPIX_PRINTF(3, 0);
static int vbad(loader *ld, const char *path, const char *fmt, va_list ap)
{
	char msg[700];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	int line = 0, col = 0;
	kpix_json_locate(ld->text, ld->len, path, &line, &col);
	return kpix_fail(KPIX_ESCHEMA, "%s:%d:%d: %s%s%s", ld->file, line, col, path,
	                 *path ? ": " : "", msg);
}

/* Reports a problem at a JSON path and returns KPIX_ESCHEMA. */
static int bad(loader *ld, const char *path, const char *fmt, ...) KPIX_PRINTF(3, 4);
static int bad(loader *ld, const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = vbad(ld, path, fmt, ap);
	va_end(ap);
	return rc;
}

/* Checks that obj has only the allowed keys ("$comment" is always allowed). */
static int only_keys(loader *ld, const char *path, json_t *obj, const char *const *allowed)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v) {
		bool ok = strcmp(key, "$comment") == 0;
		for (size_t i = 0; !ok && allowed[i]; i++)
			ok = strcmp(key, allowed[i]) == 0;
		if (!ok) {
			kpix_buf list = KPIX_BUF_INIT;
			for (size_t i = 0; allowed[i]; i++)
				kpix_buf_printf(&list, "%s%s", i ? ", " : "", allowed[i]);
			char *where = kpix_xasprintf("%s%s%s", path, *path ? "." : "", key);
			int rc = bad(ld, where, "unknown keyword '%s'; expected one of: %s", key, list.data);
			free(where);
			kpix_buf_free(&list);
			return rc;
		}
	}
	return 0;
}

static char *sub(const char *path, const char *key)
{
	return kpix_xasprintf("%s%s%s", path, *path ? "." : "", key);
}

/* Reads an optional string member into *out (a copy; NULL when absent). */
static int get_str(loader *ld, const char *path, json_t *obj, const char *key, char **out,
                   bool required)
{
	json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (!v) {
		if (!required)
			return 0;
		return bad(ld, path, "'%s' is missing; it is required here", key);
	}
	if (!json_is_string(v) || (required && json_string_length(v) == 0)) {
		char *p = sub(path, key);
		int rc = bad(ld, p, "expected %s", required ? "a non-empty string" : "a string");
		free(p);
		return rc;
	}
	*out = kpix_xstrndup(json_string_value(v), json_string_length(v));
	return 0;
}

static int get_bool(loader *ld, const char *path, json_t *obj, const char *key, bool *out)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		return 0;
	if (!json_is_boolean(v)) {
		char *p = sub(path, key);
		int rc = bad(ld, p, "expected true or false");
		free(p);
		return rc;
	}
	*out = json_is_true(v);
	return 0;
}

static int get_num(loader *ld, const char *path, json_t *obj, const char *key, bool *has,
                   double *out)
{
	json_t *v = json_object_get(obj, key);
	*has = false;
	if (!v)
		return 0;
	if (!json_is_number(v)) {
		char *p = sub(path, key);
		int rc = bad(ld, p, "expected a number");
		free(p);
		return rc;
	}
	*has = true;
	*out = json_number_value(v);
	return 0;
}

static void strlist_free(kpix_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

static void strlist_copy(kpix_strlist *dst, const kpix_strlist *src)
{
	dst->n = src->n;
	dst->items = kpix_xcalloc(src->n + 1, sizeof(char *));
	for (size_t i = 0; i < src->n; i++)
		dst->items[i] = kpix_xstrdup(src->items[i]);
}

/* Reads an array of strings (or, when allow_one, a single string). Numbers
 * are accepted where numbers_ok, written back as text. */
static int get_strlist(loader *ld, const char *path, json_t *obj, const char *key,
                       kpix_strlist *out, bool allow_one, bool numbers_ok)
{
	json_t *v = json_object_get(obj, key);
	out->items = NULL;
	out->n = 0;
	if (!v)
		return 0;
	char *p = sub(path, key);
	int rc = 0;
	if (allow_one && json_is_string(v)) {
		out->items = kpix_xcalloc(2, sizeof(char *));
		out->items[0] = kpix_xstrdup(json_string_value(v));
		out->n = 1;
		goto done;
	}
	if (!json_is_array(v)) {
		rc = bad(ld, p, "expected a list of %s", numbers_ok ? "values" : "strings");
		goto done;
	}
	out->items = kpix_xcalloc(json_array_size(v) + 1, sizeof(char *));
	size_t i;
	json_t *e;
	json_array_foreach(v, i, e) {
		char num[32];
		if (json_is_string(e)) {
			out->items[out->n++] = kpix_xstrdup(json_string_value(e));
		} else if (numbers_ok && json_is_number(e)) {
			kpix_format_number(json_number_value(e), num);
			out->items[out->n++] = kpix_xstrdup(num);
		} else {
			char *ep = kpix_xasprintf("%s[%zu]", p, i);
			rc = bad(ld, ep, "expected a %s", numbers_ok ? "string or a number" : "string");
			free(ep);
			strlist_free(out); /* the caller has nothing to free on failure */
			goto done;
		}
	}
done:
	free(p);
	return rc;
}

static long field_index(const kpix_schema *s, const char *name)
{
	for (size_t i = 0; i < s->nfields; i++)
		if (strcmp(s->fields[i].name, name) == 0)
			return (long)i;
	return -1;
}

/* Resolves a list of field names to indexes. */
static int resolve_fields(loader *ld, const char *path, const kpix_strlist *names, size_t **out)
{
	*out = kpix_xcalloc(names->n ? names->n : 1, sizeof(size_t));
	for (size_t i = 0; i < names->n; i++) {
		long f = field_index(ld->s, names->items[i]);
		if (f < 0)
			return bad(ld, path, "'%s' is not one of the schema's fields", names->items[i]);
		(*out)[i] = (size_t)f;
	}
	return 0;
}

/* ---------------------------------------------------------------- fields */

static const struct {
	const char *name;
	kpix_type type;
} types[] = {
	{"string", KPIX_T_STRING}, {"integer", KPIX_T_INTEGER},     {"number", KPIX_T_NUMBER},
	{"boolean", KPIX_T_BOOLEAN}, {"date", KPIX_T_DATE},         {"year", KPIX_T_YEAR},
	{"yearmonth", KPIX_T_YEARMONTH}, {"any", KPIX_T_ANY},
};

const char *kpix_type_name(kpix_type t)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].type == t)
			return types[i].name;
	return "string";
}

/* Reads a bound (minimum or maximum) in the field's own terms. */
static int read_bound(loader *ld, const char *path, kpix_field *f, json_t *v, double *out,
                      char **text)
{
	char buf[32];
	if (json_is_number(v)) {
		if (f->type != KPIX_T_INTEGER && f->type != KPIX_T_NUMBER && f->type != KPIX_T_YEAR)
			return bad(ld, path, "expected a %s as text, as the field is of type %s",
			           kpix_type_name(f->type), kpix_type_name(f->type));
		*out = json_number_value(v);
		kpix_format_number(*out, buf);
		*text = kpix_xstrdup(buf);
		return 0;
	}
	if (!json_is_string(v))
		return bad(ld, path, "expected a number or a string");
	const char *s = json_string_value(v);
	size_t n = strlen(s);
	static const kpix_numfmt plain = KPIX_NUMFMT_INIT;
	int ok = -1;
	switch (f->type) {
	case KPIX_T_INTEGER: {
		int64_t i;
		ok = kpix_cast_integer(s, n, &plain, &i);
		*out = (double)i;
		break;
	}
	case KPIX_T_NUMBER:
		ok = kpix_cast_number(s, n, &plain, out);
		break;
	case KPIX_T_DATE: {
		kpix_date d;
		ok = kpix_cast_date(s, n, NULL, &d);
		if (ok != 0 && f->format)
			ok = kpix_cast_date(s, n, f->format, &d);
		*out = d;
		break;
	}
	case KPIX_T_YEAR: {
		int32_t y;
		ok = kpix_cast_year(s, n, &y);
		*out = y;
		break;
	}
	case KPIX_T_YEARMONTH: {
		int32_t ym;
		ok = kpix_cast_yearmonth(s, n, &ym);
		*out = ym;
		break;
	}
	default:
		return bad(ld, path, "minimum and maximum apply to numbers and dates, not to a %s",
		           kpix_type_name(f->type));
	}
	if (ok != 0)
		return bad(ld, path, "'%s' is not a valid %s", s, kpix_type_name(f->type));
	*text = kpix_xstrdup(s);
	return 0;
}

static int char_option(loader *ld, const char *path, json_t *fj, const char *key, char *out)
{
	json_t *v = json_object_get(fj, key);
	if (!v)
		return 0;
	if (!json_is_string(v) || json_string_length(v) > 1) {
		char *p = sub(path, key);
		int rc = bad(ld, p, "expected a single character (or \"\" for none)");
		free(p);
		return rc;
	}
	*out = json_string_value(v)[0];
	return 0;
}

static int load_constraints(loader *ld, const char *path, json_t *c, kpix_field *f)
{
	static const char *const keys[] = {"required", "unique", "minimum", "maximum", "minLength",
	                                   "maxLength", "pattern", "enum", NULL};
	int rc;
	if (!json_is_object(c))
		return bad(ld, path, "expected an object of constraints");
	if ((rc = only_keys(ld, path, c, keys)) || (rc = get_bool(ld, path, c, "required", &f->required)) ||
	    (rc = get_bool(ld, path, c, "unique", &f->unique)))
		return rc;
	const char *bounds[2] = {"minimum", "maximum"};
	for (int b = 0; b < 2; b++) {
		json_t *v = json_object_get(c, bounds[b]);
		if (!v)
			continue;
		char *p = sub(path, bounds[b]);
		rc = read_bound(ld, p, f, v, b ? &f->maximum : &f->minimum,
		                b ? &f->maximum_text : &f->minimum_text);
		free(p);
		if (rc)
			return rc;
		*(b ? &f->has_maximum : &f->has_minimum) = true;
	}
	const char *lens[2] = {"minLength", "maxLength"};
	for (int b = 0; b < 2; b++) {
		json_t *v = json_object_get(c, lens[b]);
		if (!v)
			continue;
		if (!json_is_integer(v) || json_integer_value(v) < 0) {
			char *p = sub(path, lens[b]);
			rc = bad(ld, p, "expected a whole number of characters, 0 or more");
			free(p);
			return rc;
		}
		*(b ? &f->max_length : &f->min_length) = json_integer_value(v);
	}
	if ((rc = get_str(ld, path, c, "pattern", &f->pattern, false)))
		return rc;
	if (f->pattern) {
		int err;
		PCRE2_SIZE off;
		f->re = pcre2_compile((PCRE2_SPTR)f->pattern, PCRE2_ZERO_TERMINATED,
		                      PCRE2_UTF | PCRE2_ANCHORED | PCRE2_ENDANCHORED, &err, &off, NULL);
		if (!f->re) {
			PCRE2_UCHAR msg[200];
			pcre2_get_error_message(err, msg, sizeof(msg));
			char *p = sub(path, "pattern");
			rc = bad(ld, p, "the pattern does not compile: %s at character %zu", (char *)msg,
			         (size_t)off + 1);
			free(p);
			return rc;
		}
		f->re_jit = pcre2_jit_compile(f->re, PCRE2_JIT_COMPLETE) == 0;
	}
	if ((rc = get_strlist(ld, path, c, "enum", &f->enum_text, false, true)))
		return rc;
	if (json_object_get(c, "enum") && (f->type == KPIX_T_INTEGER || f->type == KPIX_T_NUMBER)) {
		f->enum_num = kpix_xcalloc(f->enum_text.n ? f->enum_text.n : 1, sizeof(double));
		for (size_t i = 0; i < f->enum_text.n; i++) {
			const char *t = f->enum_text.items[i];
			if (kpix_cast_number(t, strlen(t), &f->numfmt, &f->enum_num[i]) != 0) {
				char *p = kpix_xasprintf("%s.enum[%zu]", path, i);
				rc = bad(ld, p, "'%s' is not a number, but the field is", t);
				free(p);
				return rc;
			}
		}
	}
	return 0;
}

static int load_field(loader *ld, const char *path, json_t *fj, kpix_field *f)
{
	static const char *const keys[] = {"name",        "title",       "description", "example",
	                                   "type",        "format",      "decimalChar", "groupChar",
	                                   "bareNumber",  "trueValues",  "falseValues", "missingValues",
	                                   "constraints", NULL};
	int rc;
	f->min_length = f->max_length = -1;
	f->numfmt = (kpix_numfmt)KPIX_NUMFMT_INIT;
	if (!json_is_object(fj))
		return bad(ld, path, "expected an object describing a field");
	if ((rc = only_keys(ld, path, fj, keys)) || (rc = get_str(ld, path, fj, "name", &f->name, true)) ||
	    (rc = get_str(ld, path, fj, "title", &f->title, false)) ||
	    (rc = get_str(ld, path, fj, "description", &f->description, false)))
		return rc;
	json_t *ex = json_object_get(fj, "example");
	if (ex && json_is_string(ex))
		f->example = kpix_xstrdup(json_string_value(ex));
	else if (ex && json_is_number(ex)) {
		char num[32];
		kpix_format_number(json_number_value(ex), num);
		f->example = kpix_xstrdup(num);
	}
	char *type = NULL;
	if ((rc = get_str(ld, path, fj, "type", &type, false)))
		return rc;
	f->type = KPIX_T_STRING;
	if (type) {
		bool known = false;
		for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (strcmp(type, types[i].name) == 0) {
				f->type = types[i].type;
				known = true;
			}
		if (!known) {
			char *p = sub(path, "type");
			rc = bad(ld, p,
			         "unknown type '%s'; expected one of: string, integer, number, boolean, "
			         "date, year, yearmonth, any",
			         type);
			free(p);
			free(type);
			return rc;
		}
		free(type);
	}
	char *format = NULL;
	if ((rc = get_str(ld, path, fj, "format", &format, false)))
		return rc;
	if (format && strcmp(format, "default") != 0) {
		char *p = sub(path, "format");
		const char *why = NULL;
		if (f->type != KPIX_T_DATE)
			rc = bad(ld, p, "kpix does not check the format '%s' of a %s field", format,
			         kpix_type_name(f->type));
		else if (strcmp(format, "any") != 0 && kpix_date_format_check(format, &why) != 0)
			rc = bad(ld, p, "the date format '%s' is not one kpix reads: %s", format,
			         why ? why : "unsupported");
		free(p);
		if (rc) {
			free(format);
			return rc;
		}
		f->format = format;
	} else {
		free(format);
	}
	if ((rc = char_option(ld, path, fj, "decimalChar", &f->numfmt.decimal_char)) ||
	    (rc = char_option(ld, path, fj, "groupChar", &f->numfmt.group_char)) ||
	    (rc = get_bool(ld, path, fj, "bareNumber", &f->numfmt.bare_number)))
		return rc;
	if (!f->numfmt.decimal_char)
		f->numfmt.decimal_char = '.';
	if (f->numfmt.decimal_char == f->numfmt.group_char) {
		return bad(ld, path, "decimalChar and groupChar are both '%c'", f->numfmt.decimal_char);
	}
	if ((rc = get_strlist(ld, path, fj, "trueValues", &f->true_values, false, false)) ||
	    (rc = get_strlist(ld, path, fj, "falseValues", &f->false_values, false, false)))
		return rc;
	if (json_object_get(fj, "missingValues")) {
		if ((rc = get_strlist(ld, path, fj, "missingValues", &f->missing, false, false)))
			return rc;
	} else {
		strlist_copy(&f->missing, &ld->s->missing);
	}
	for (size_t i = 0; i < f->missing.n; i++) {
		size_t n = strlen(f->missing.items[i]);
		f->missing_empty = f->missing_empty || n == 0;
		if (n > f->missing_maxlen)
			f->missing_maxlen = n;
	}
	json_t *c = json_object_get(fj, "constraints");
	if (c) {
		char *p = sub(path, "constraints");
		rc = load_constraints(ld, p, c, f);
		free(p);
		if (rc)
			return rc;
	}
	return 0;
}

/* ------------------------------------------------------------- references */

static void join_key(kpix_buf *b, const char *const *parts, const size_t *lens, size_t n)
{
	kpix_buf_clear(b);
	for (size_t i = 0; i < n; i++) {
		if (i)
			kpix_buf_addc(b, '\x1f');
		kpix_buf_add(b, parts[i], lens[i]);
	}
}

typedef struct {
	loader *ld;
	kpix_fkey *fk;
	long *cols;
	bool header_done;
	kpix_buf key;
	int rc;
	const char *path;
} refload;

static int ref_record(void *ctx, const kpix_record *rec)
{
	refload *r = ctx;
	if (!r->header_done) {
		r->header_done = true;
		for (size_t i = 0; i < r->fk->ref_fields.n; i++) {
			r->cols[i] = -1;
			for (size_t c = 0; c < rec->ncells; c++)
				if (strcmp(rec->cells[c].data, r->fk->ref_fields.items[i]) == 0)
					r->cols[i] = (long)c;
			if (r->cols[i] < 0) {
				r->rc = bad(r->ld, r->path, "the reference file '%s' has no column '%s'",
				            r->fk->resource, r->fk->ref_fields.items[i]);
				return 1;
			}
		}
		return 0;
	}
	const char *parts[16];
	size_t lens[16];
	for (size_t i = 0; i < r->fk->ref_fields.n; i++) {
		long c = r->cols[i];
		parts[i] = c < (long)rec->ncells ? rec->cells[c].data : "";
		lens[i] = c < (long)rec->ncells ? rec->cells[c].len : 0;
	}
	join_key(&r->key, parts, lens, r->fk->ref_fields.n);
	bool added;
	kpix_keyset_upsert(r->fk->values, r->key.data, r->key.len, &added);
	return 0;
}

static int load_ref_file(loader *ld, const char *path, kpix_fkey *fk)
{
	char *file = fk->resource[0] == '/' ? kpix_xstrdup(fk->resource)
	                                    : kpix_xasprintf("%s/%s", ld->s->dir, fk->resource);
	refload r = {ld, fk, kpix_xcalloc(fk->ref_fields.n, sizeof(long)), false, KPIX_BUF_INIT, 0,
	             path};
	kpix_source_handler h = {ref_record, NULL, &r};
	/* a device or a pipe (/dev/zero, say) could be read for ever */
	struct stat sb;
	const char *kind = stat(file, &sb) == 0 ? kpix_odd_file_kind(sb.st_mode) : NULL;
	int rc;
	if (kind)
		rc = bad(ld, path, "the reference file '%s' is %s, not a regular file: kpix reads "
		                   "reference values only from a CSV file",
		         fk->resource, kind);
	else if ((rc = kpix_source_read_file(file, NULL, &h)) != 0)
		rc = bad(ld, path, "cannot read the reference file: %s", kpix_error_last());
	else
		rc = r.rc;
	free(file);
	free(r.cols);
	kpix_buf_free(&r.key);
	return rc;
}

static int load_ref_list(loader *ld, const char *path, json_t *lists, kpix_fkey *fk)
{
	json_t *list = lists ? json_object_get(lists, fk->resource + 1) : NULL;
	if (!list || !json_is_array(list))
		return bad(ld, path, "there is no list '%s' under \"lists\"", fk->resource + 1);
	kpix_buf key = KPIX_BUF_INIT;
	size_t i;
	json_t *item;
	int rc = 0;
	json_array_foreach(list, i, item) {
		const char *parts[16];
		size_t lens[16];
		char nums[16][32];
		for (size_t k = 0; k < fk->ref_fields.n; k++) {
			json_t *v = json_is_object(item) ? json_object_get(item, fk->ref_fields.items[k]) : NULL;
			if (v && json_is_string(v)) {
				parts[k] = json_string_value(v);
			} else if (v && json_is_number(v)) {
				kpix_format_number(json_number_value(v), nums[k]);
				parts[k] = nums[k];
			} else {
				char *p = kpix_xasprintf("lists.%s[%zu]", fk->resource + 1, i);
				rc = bad(ld, p, "expected an object with a string '%s'", fk->ref_fields.items[k]);
				free(p);
				goto done;
			}
			lens[k] = strlen(parts[k]);
		}
		join_key(&key, parts, lens, fk->ref_fields.n);
		bool added;
		kpix_keyset_upsert(fk->values, key.data, key.len, &added);
	}
done:
	kpix_buf_free(&key);
	return rc;
}

static int load_fkey(loader *ld, const char *path, json_t *j, json_t *lists, kpix_fkey *fk)
{
	static const char *const keys[] = {"fields", "reference", NULL};
	static const char *const refkeys[] = {"resource", "fields", NULL};
	int rc;
	kpix_strlist names = {0};
	if (!json_is_object(j))
		return bad(ld, path, "expected an object with \"fields\" and \"reference\"");
	if ((rc = only_keys(ld, path, j, keys)) ||
	    (rc = get_strlist(ld, path, j, "fields", &names, true, false)))
		return rc;
	rc = resolve_fields(ld, path, &names, &fk->fields);
	fk->nfields = names.n;
	strlist_free(&names);
	if (rc)
		return rc;
	if (fk->nfields == 0 || fk->nfields > 16)
		return bad(ld, path, "a foreign key needs between 1 and 16 fields");
	json_t *ref = json_object_get(j, "reference");
	char *rp = sub(path, "reference");
	if (!ref || !json_is_object(ref)) {
		rc = bad(ld, path, "expected \"reference\": {\"resource\": ..., \"fields\": ...}");
		goto out;
	}
	if ((rc = only_keys(ld, rp, ref, refkeys)) ||
	    (rc = get_str(ld, rp, ref, "resource", &fk->resource, false)) ||
	    (rc = get_strlist(ld, rp, ref, "fields", &fk->ref_fields, true, false)))
		goto out;
	if (!fk->resource)
		fk->resource = kpix_xstrdup("");
	if (fk->ref_fields.n != fk->nfields) {
		rc = bad(ld, rp, "the reference names %zu fields but the key has %zu", fk->ref_fields.n,
		         fk->nfields);
		goto out;
	}
	if (fk->resource[0] == '\0') {
		fk->kind = KPIX_REF_SELF;
		rc = resolve_fields(ld, rp, &fk->ref_fields, &fk->ref_self);
		fk->describe = kpix_xasprintf("a value of %s elsewhere in this table",
		                              fk->ref_fields.items[0]);
		goto out;
	}
	fk->values = kpix_keyset_new();
	if (strcmp(fk->resource, "#indicators") == 0) {
		fk->kind = KPIX_REF_CATALOGUE;
		if (fk->nfields != 1 || strcmp(fk->ref_fields.items[0], "code") != 0) {
			rc = bad(ld, rp, "a reference to #indicators must name the one field \"code\"");
			goto out;
		}
		fk->describe = kpix_xstrdup("an indicator code in the schema's catalogue");
		/* filled once the catalogue is loaded */
	} else if (fk->resource[0] == '#') {
		fk->kind = KPIX_REF_LIST;
		rc = load_ref_list(ld, rp, lists, fk);
		fk->describe = kpix_xasprintf("a %s in the list '%s'", fk->ref_fields.items[0],
		                              fk->resource + 1);
	} else {
		fk->kind = KPIX_REF_FILE;
		rc = load_ref_file(ld, rp, fk);
		fk->describe = kpix_xasprintf("a %s listed in %s", fk->ref_fields.items[0], fk->resource);
	}
out:
	free(rp);
	return rc;
}

/* ------------------------------------------------------------- catalogue */

static int load_indicator(loader *ld, const char *path, json_t *j, kpix_indicator *ind)
{
	static const char *const keys[] = {"code",  "part", "title",      "description", "unit",
	                                   "decimals", "polarity", "frequency",   "dueIn",
	                                   "derivation", "min",    "max",         "breakdowns",
	                                   "target", "source",     NULL};
	static const char *const dkeys[] = {"numerator", "denominator", "multiplier", NULL};
	static const char *const units[] = {"percent", "per1000", "count", "days", "money",
	                                    "ratio",   "score",   NULL};
	int rc;
	if (!json_is_object(j))
		return bad(ld, path, "expected an object describing an indicator");
	char *pol = NULL;
	if ((rc = only_keys(ld, path, j, keys)) || (rc = get_str(ld, path, j, "code", &ind->code, true)) ||
	    (rc = get_str(ld, path, j, "part", &ind->part, false)) ||
	    (rc = get_str(ld, path, j, "title", &ind->title, true)) ||
	    (rc = get_str(ld, path, j, "description", &ind->description, false)) ||
	    (rc = get_str(ld, path, j, "unit", &ind->unit, false)) ||
	    (rc = get_str(ld, path, j, "frequency", &ind->frequency, false)) ||
	    (rc = get_str(ld, path, j, "source", &ind->source, false)) ||
	    (rc = get_str(ld, path, j, "polarity", &pol, false)) ||
	    (rc = get_strlist(ld, path, j, "dueIn", &ind->due_in, false, false)) ||
	    (rc = get_strlist(ld, path, j, "breakdowns", &ind->breakdowns, false, false)))
		goto out;
	if (ind->unit) {
		bool ok = false;
		for (size_t i = 0; units[i]; i++)
			ok = ok || strcmp(units[i], ind->unit) == 0;
		if (!ok) {
			char *p = sub(path, "unit");
			rc = bad(ld, p, "unknown unit '%s'; expected one of: percent, per1000, count, "
			                "days, money, ratio, score",
			         ind->unit);
			free(p);
			goto out;
		}
	}
	if (ind->frequency && strcmp(ind->frequency, "quarterly") && strcmp(ind->frequency, "biannual") &&
	    strcmp(ind->frequency, "annual") && strcmp(ind->frequency, "monthly")) {
		char *p = sub(path, "frequency");
		rc = bad(ld, p, "unknown frequency '%s'; expected quarterly, biannual, annual or monthly",
		         ind->frequency);
		free(p);
		goto out;
	}
	ind->polarity = KPIX_POL_NONE;
	if (pol) {
		if (strcmp(pol, "higher") == 0)
			ind->polarity = KPIX_POL_HIGHER;
		else if (strcmp(pol, "lower") == 0)
			ind->polarity = KPIX_POL_LOWER;
		else if (strcmp(pol, "none") != 0) {
			char *p = sub(path, "polarity");
			rc = bad(ld, p, "unknown polarity '%s'; expected higher, lower or none", pol);
			free(p);
			goto out;
		}
	}
	json_t *dec = json_object_get(j, "decimals");
	if (dec && (!json_is_integer(dec) || json_integer_value(dec) < 0 || json_integer_value(dec) > 10)) {
		char *p = sub(path, "decimals");
		rc = bad(ld, p, "expected a whole number from 0 to 10");
		free(p);
		goto out;
	}
	ind->decimals = dec ? (int)json_integer_value(dec) : 0;

	kpix_val *a = ind->attrs;
	for (int i = 0; i < KPIX_IND_NATTRS; i++)
		a[i].kind = KPIX_VAL_NULL;
#define STRVAL(slot, s)                                      \
	if (s) {                                             \
		a[slot].kind = KPIX_VAL_STRING;              \
		a[slot].str = s;                             \
		a[slot].len = strlen(s);                     \
	}
	STRVAL(KPIX_IND_code, ind->code)
	STRVAL(KPIX_IND_part, ind->part)
	STRVAL(KPIX_IND_title, ind->title)
	STRVAL(KPIX_IND_unit, ind->unit)
	STRVAL(KPIX_IND_frequency, ind->frequency)
#undef STRVAL
	static const char *pol_names[] = {"none", "higher", "lower"};
	a[KPIX_IND_polarity] = (kpix_val){KPIX_VAL_STRING, false, 0, pol_names[ind->polarity],
	                                  strlen(pol_names[ind->polarity])};
	a[KPIX_IND_decimals] = (kpix_val){KPIX_VAL_NUMBER, false, ind->decimals, NULL, 0};
	const char *nums[] = {"min", "max", "target"};
	const int slots[] = {KPIX_IND_min, KPIX_IND_max, KPIX_IND_target};
	for (int i = 0; i < 3; i++) {
		bool has;
		double v;
		if ((rc = get_num(ld, path, j, nums[i], &has, &v)))
			goto out;
		if (has)
			a[slots[i]] = (kpix_val){KPIX_VAL_NUMBER, false, v, NULL, 0};
	}
	json_t *der = json_object_get(j, "derivation");
	if (der) {
		char *p = sub(path, "derivation");
		bool has;
		double m = 1;
		if (!json_is_object(der))
			rc = bad(ld, p, "expected an object with numerator, denominator and multiplier");
		if (!rc)
			rc = only_keys(ld, p, der, dkeys);
		if (!rc)
			rc = get_str(ld, p, der, "numerator", &ind->numerator, false);
		if (!rc)
			rc = get_str(ld, p, der, "denominator", &ind->denominator, false);
		if (!rc)
			rc = get_num(ld, p, der, "multiplier", &has, &m);
		free(p);
		if (rc)
			goto out;
		a[KPIX_IND_multiplier] = (kpix_val){KPIX_VAL_NUMBER, false, has ? m : 1, NULL, 0};
	}
out:
	free(pol);
	return rc;
}

/* ------------------------------------------------------------- rules */

static int resolve_slot(void *ctx, const char *name, size_t len)
{
	return kpix_schema_slot(ctx, name, len);
}

/* The longest expression a schema error quotes whole. */
#define EXPR_QUOTED 120

static int compile_with(loader *ld, const char *path, const char *key, const char *src,
                        kpix_expr_resolve_fn resolve, void *ctx, kpix_expr **out)
{
	char err[300];
	size_t col = 0;
	*out = kpix_expr_compile(src, resolve, ctx, err, sizeof(err), &col);
	if (*out)
		return 0;
	char *p = sub(path, key);
	size_t len = strlen(src);
	int rc;
	if (len <= EXPR_QUOTED) {
		rc = bad(ld, p, "%s (at character %zu of \"%s\")", err, col, src);
	} else {
		/* a long expression is quoted around the mistake only */
		size_t from = col > EXPR_QUOTED / 2 ? col - EXPR_QUOTED / 2 : 0;
		if (from > len - EXPR_QUOTED)
			from = len - EXPR_QUOTED;
		size_t to = from + EXPR_QUOTED;
		while (from > 0 && ((unsigned char)src[from] & 0xc0) == 0x80)
			from--; /* whole UTF-8 characters */
		while (to < len && ((unsigned char)src[to] & 0xc0) == 0x80)
			to++;
		rc = bad(ld, p, "%s (at character %zu of the %zu-character expression: \"%s%.*s%s\")",
		         err, col, len, from ? "\xe2\x80\xa6" : "", (int)(to - from), src + from,
		         to < len ? "\xe2\x80\xa6" : "");
	}
	free(p);
	return rc;
}

static int compile(loader *ld, const char *path, const char *key, const char *src, kpix_expr **out)
{
	return compile_with(ld, path, key, src, resolve_slot, ld->s, out);
}

static bool valid_code(const char *c)
{
	if (!*c)
		return false;
	for (; *c; c++)
		if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
		      *c == '-' || *c == '_' || *c == '.'))
			return false;
	return true;
}

static int get_severity(loader *ld, const char *path, json_t *j, kpix_severity *out)
{
	char *sev = NULL;
	int rc = get_str(ld, path, j, "severity", &sev, false);
	if (rc)
		return rc;
	*out = KPIX_SEVERITY_ERROR;
	if (sev && strcmp(sev, "warning") == 0)
		*out = KPIX_SEVERITY_WARNING;
	else if (sev && strcmp(sev, "error") != 0) {
		char *p = sub(path, "severity");
		rc = bad(ld, p, "unknown severity '%s'; expected error or warning", sev);
		free(p);
	}
	free(sev);
	return rc;
}

/* A rule's required "code": letters, digits, '-', '_' and '.'. */
static int get_code(loader *ld, const char *path, json_t *j, char **out)
{
	int rc = get_str(ld, path, j, "code", out, true);
	if (rc || valid_code(*out))
		return rc;
	char *p = sub(path, "code");
	rc = bad(ld, p, "a rule code may hold only letters, digits, '-', '_' and '.'");
	free(p);
	return rc;
}

static int load_rule(loader *ld, const char *path, json_t *j, kpix_rule *r)
{
	static const char *const keys[] = {"code",  "severity", "title", "when",
	                                   "check", "message",  "fields", NULL};
	int rc;
	kpix_strlist names = {0};
	if (!json_is_object(j))
		return bad(ld, path, "expected an object describing a rule");
	if ((rc = only_keys(ld, path, j, keys)) || (rc = get_code(ld, path, j, &r->code)) ||
	    (rc = get_str(ld, path, j, "title", &r->title, false)) ||
	    (rc = get_severity(ld, path, j, &r->severity)) ||
	    (rc = get_str(ld, path, j, "when", &r->when_src, false)) ||
	    (rc = get_str(ld, path, j, "check", &r->check_src, true)) ||
	    (rc = get_str(ld, path, j, "message", &r->message, true)) ||
	    (rc = get_strlist(ld, path, j, "fields", &names, true, false)))
		goto out;
	if ((rc = resolve_fields(ld, path, &names, &r->fields)))
		goto out;
	r->nfields = names.n;
	if (r->when_src && (rc = compile(ld, path, "when", r->when_src, &r->when)))
		goto out;
	rc = compile(ld, path, "check", r->check_src, &r->check);
out:
	strlist_free(&names);
	return rc;
}

static int load_completeness(loader *ld, const char *path, json_t *j, kpix_completeness *c)
{
	static const char *const keys[] = {"code",        "severity",       "message", "groupBy",
	                                   "breakdownsReplaceWhole", "wholeName",
	                                   "periodField", "breakdownField", "require", NULL};
	int rc;
	kpix_strlist names = {0};
	char *period = NULL, *breakdown = NULL, *require = NULL;
	if (!json_is_object(j))
		return bad(ld, path, "expected an object describing a completeness rule");
	if ((rc = only_keys(ld, path, j, keys)) || (rc = get_str(ld, path, j, "code", &c->code, true)) ||
	    (rc = get_severity(ld, path, j, &c->severity)) ||
	    (rc = get_str(ld, path, j, "message", &c->message, true)) ||
	    (rc = get_strlist(ld, path, j, "groupBy", &names, true, false)) ||
	    (rc = get_str(ld, path, j, "periodField", &period, false)) ||
	    (rc = get_str(ld, path, j, "breakdownField", &breakdown, false)) ||
	    (rc = get_str(ld, path, j, "require", &require, true)) ||
	    (rc = get_bool(ld, path, j, "breakdownsReplaceWhole", &c->breakdowns_only)) ||
	    (rc = get_str(ld, path, j, "wholeName", &c->whole_name, false)))
		goto out;
	if (strcmp(require, "indicators") != 0) {
		char *p = sub(path, "require");
		rc = bad(ld, p, "expected \"indicators\" (the only completeness requirement so far)");
		free(p);
		goto out;
	}
	if (ld->s->indicator_field < 0 || ld->s->nindicators == 0) {
		rc = bad(ld, path, "completeness needs \"indicatorField\" and an indicator catalogue");
		goto out;
	}
	if ((rc = resolve_fields(ld, path, &names, &c->group_by)))
		goto out;
	c->ngroup_by = names.n;
	c->period_field = period ? field_index(ld->s, period) : -1;
	c->breakdown_field = breakdown ? field_index(ld->s, breakdown) : -1;
	if ((period && c->period_field < 0) || (breakdown && c->breakdown_field < 0))
		rc = bad(ld, path, "'%s' is not one of the schema's fields",
		         period && c->period_field < 0 ? period : breakdown);
out:
	strlist_free(&names);
	free(period);
	free(breakdown);
	free(require);
	return rc;
}

/* ------------------------------------------------------------- top level */

int kpix_schema_slot(const kpix_schema *s, const char *name, size_t len)
{
	static const char *const attrs[] = {
#define X(a) #a,
		KPIX_IND_ATTRS
#undef X
	};
	if (s->indicator_field >= 0 && len > 4 && memcmp(name, "ind.", 4) == 0) {
		for (int i = 0; i < KPIX_IND_NATTRS; i++)
			if (strlen(attrs[i]) == len - 4 && memcmp(attrs[i], name + 4, len - 4) == 0)
				return (int)(s->nfields + (size_t)i);
		return -1;
	}
	if (s->figures.value_field >= 0 && len > 5 && memcmp(name, "prev.", 5) == 0) {
		const char *vf = s->fields[s->figures.value_field].name;
		if (strlen(vf) == len - 5 && memcmp(vf, name + 5, len - 5) == 0)
			return (int)(s->nfields + KPIX_IND_NATTRS);
		return -1;
	}
	for (size_t i = 0; i < s->nfields; i++)
		if (strlen(s->fields[i].name) == len && memcmp(s->fields[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

/* The catalogue's key for a code and part: the code alone, or the code, a
 * unit separator and the part. */
static void indicator_key(kpix_buf *b, const char *code, size_t len, const char *part, size_t plen)
{
	kpix_buf_clear(b);
	kpix_buf_add(b, code, len);
	if (part && plen) {
		kpix_buf_addc(b, '\x1f');
		kpix_buf_add(b, part, plen);
	}
}

const kpix_indicator *kpix_schema_indicator(const kpix_schema *s, const char *code, size_t len,
                                            const char *part, size_t plen)
{
	if (!s->indicator_index)
		return NULL;
	char small[64];
	const char *key = code;
	size_t klen = len;
	kpix_buf b = KPIX_BUF_INIT;
	if (part && plen) {
		if (len + 1 + plen <= sizeof(small)) {
			memcpy(small, code, len);
			small[len] = '\x1f';
			memcpy(small + len + 1, part, plen);
			key = small;
		} else {
			indicator_key(&b, code, len, part, plen);
			key = b.data;
		}
		klen = len + 1 + plen;
	}
	uint64_t *v = kpix_keyset_find(s->indicator_index, key, klen);
	kpix_buf_free(&b);
	return v ? &s->indicators[*v - 1] : NULL;
}

#define EACH_ARRAY(key, what, body)                                                  \
	do {                                                                         \
		json_t *arr_ = json_object_get(root, key);                           \
		if (!arr_)                                                           \
			break;                                                       \
		if (!json_is_array(arr_)) {                                          \
			rc = bad(&ld, key, "expected a list of " what);              \
			goto fail;                                                   \
		}                                                                    \
		size_t i;                                                            \
		json_t *item;                                                        \
		json_array_foreach(arr_, i, item) {                                  \
			char *path = kpix_xasprintf("%s[%zu]", key, i);              \
			body;                                                        \
			free(path);                                                  \
			if (rc)                                                      \
				goto fail;                                           \
		}                                                                    \
	} while (0)

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
		if (b.len > MAX_SCHEMA_BYTES)
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

/* Whether a file holds nothing but JSON's white space: jansson would say
 * "'[' or '{' expected near end of file", which hides the real problem. */
static bool blank_json(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (text[i] != ' ' && text[i] != '\t' && text[i] != '\n' && text[i] != '\r')
			return false;
	return true;
}

/* Loads the schema whose JSON text (a malloc'd copy, freed here) was read
 * from file, which names it in messages and locates its reference files. */
static int load_text(kpix_schema **out, const char *file, char *text, size_t len)
{
	if (len > MAX_SCHEMA_BYTES) {
		free(text);
		return kpix_fail(KPIX_ESCHEMA, "%s: the schema is larger than %u MiB, the most kpix reads",
		                 file, MAX_SCHEMA_BYTES / (1024 * 1024));
	}
	if (blank_json(text, len)) {
		free(text);
		return kpix_fail(KPIX_ESCHEMA, "%s: the schema file is empty", file);
	}
	json_error_t jerr;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		int rc = kpix_fail(KPIX_ESCHEMA, "%s:%d:%d: the schema is not valid JSON: %s", file,
		                   jerr.line, jerr.column, jerr.text);
		free(text);
		return rc;
	}
	kpix_schema *s = kpix_xcalloc(1, sizeof(*s));
	s->path = kpix_xstrdup(file);
	const char *slash = strrchr(file, '/');
	s->dir = slash ? kpix_xstrndup(file, (size_t)(slash - file)) : kpix_xstrdup(".");
	s->indicator_field = -1;
	s->figures.value_field = s->figures.breakdown_field = -1;
	s->part_field = -1;
	loader ld = {file, text, len, s};
	int rc = 0;
	static const char *const keys[] = {"$kpix",       "id",          "version",      "title",
	                                   "description", "source",      "fields",       "missingValues",
	                                   "primaryKey",  "foreignKeys", "indicatorField", "partField", "indicators",
	                                   "lists",       "rules",       "completeness", "fieldsMatch",
	                                   "parameters",  "exports",     "figures",     NULL};
	if (!json_is_object(root)) {
		rc = bad(&ld, "", "expected a JSON object at the top of the schema");
		goto fail;
	}
	json_t *marker = json_object_get(root, "$kpix");
	if (!marker || !json_is_string(marker) || strcmp(json_string_value(marker), FORMAT_MARKER)) {
		rc = bad(&ld, marker ? "$kpix" : "",
		         "expected \"$kpix\": \"" FORMAT_MARKER "\" (this kpix reads schema format 1)");
		goto fail;
	}
	char *fm = NULL;
	if ((rc = only_keys(&ld, "", root, keys)) || (rc = get_str(&ld, "", root, "id", &s->id, true)) ||
	    (rc = get_str(&ld, "", root, "version", &s->version, true)) ||
	    (rc = get_str(&ld, "", root, "title", &s->title, false)) ||
	    (rc = get_str(&ld, "", root, "description", &s->description, false)) ||
	    (rc = get_str(&ld, "", root, "source", &s->source, false)) ||
	    (rc = get_str(&ld, "", root, "fieldsMatch", &fm, false)))
		goto fail;
	for (const char *c = s->id; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-')) {
			rc = bad(&ld, "id", "an id may hold only lower-case letters, digits and '-'");
			free(fm);
			goto fail;
		}
	if (fm) {
		static const char *const m[] = {"exact", "equal", "subset", "superset", "partial"};
		size_t k = 0;
		while (k < 5 && strcmp(m[k], fm))
			k++;
		free(fm);
		if (k == 5) {
			rc = bad(&ld, "fieldsMatch", "expected exact, equal, subset, superset or partial");
			goto fail;
		}
		s->fields_match = (kpix_fields_match)k;
	}
	if (json_object_get(root, "missingValues")) {
		if ((rc = get_strlist(&ld, "", root, "missingValues", &s->missing, false, false)))
			goto fail;
	} else {
		s->missing.items = kpix_xcalloc(2, sizeof(char *));
		s->missing.items[0] = kpix_xstrdup("");
		s->missing.n = 1;
	}

	json_t *fields = json_object_get(root, "fields");
	if (!fields || !json_is_array(fields) || json_array_size(fields) == 0) {
		rc = bad(&ld, fields ? "fields" : "", "expected \"fields\": a list of at least one field");
		goto fail;
	}
	s->fields = kpix_xcalloc(json_array_size(fields), sizeof(kpix_field));
	EACH_ARRAY("fields", "fields", {
		rc = load_field(&ld, path, item, &s->fields[i]);
		s->nfields = i + 1;
		if (!rc && field_index(s, s->fields[i].name) != (long)i)
			rc = bad(&ld, path, "a second field named '%s'; field names must differ",
			         s->fields[i].name);
	});

	kpix_strlist pk = {0};
	if ((rc = get_strlist(&ld, "", root, "primaryKey", &pk, true, false)))
		goto fail;
	rc = resolve_fields(&ld, "primaryKey", &pk, &s->pk);
	s->npk = pk.n;
	strlist_free(&pk);
	if (rc)
		goto fail;

	char *indf = NULL;
	if ((rc = get_str(&ld, "", root, "indicatorField", &indf, false)))
		goto fail;
	if (indf) {
		s->indicator_field = field_index(s, indf);
		free(indf);
		if (s->indicator_field < 0) {
			rc = bad(&ld, "indicatorField", "not one of the schema's fields");
			goto fail;
		}
	}
	char *partf = NULL;
	if ((rc = get_str(&ld, "", root, "partField", &partf, false)))
		goto fail;
	if (partf) {
		s->part_field = field_index(s, partf);
		free(partf);
		if (s->part_field < 0 || s->indicator_field < 0) {
			rc = bad(&ld, "partField", s->part_field < 0 ? "not one of the schema's fields"
			                                             : "needs \"indicatorField\" as well");
			goto fail;
		}
	}
	s->nslots = s->nfields + KPIX_IND_NATTRS + 1;

	json_t *inds = json_object_get(root, "indicators");
	if (inds && json_is_array(inds)) {
		s->indicators = kpix_xcalloc(json_array_size(inds) + 1, sizeof(kpix_indicator));
		s->indicator_index = kpix_keyset_new();
	}
	EACH_ARRAY("indicators", "indicators", {
		rc = load_indicator(&ld, path, item, &s->indicators[i]);
		s->nindicators = i + 1;
		if (!rc) {
			bool added;
			const kpix_indicator *ind = &s->indicators[i];
			kpix_buf key = KPIX_BUF_INIT;
			indicator_key(&key, ind->code, strlen(ind->code), ind->part,
			              ind->part ? strlen(ind->part) : 0);
			uint64_t *v = kpix_keyset_upsert(s->indicator_index, key.data, key.len, &added);
			kpix_buf_free(&key);
			if (!added)
				rc = ind->part ? bad(&ld, path, "a second indicator with the code '%s' and "
				                                "the part '%s'", ind->code, ind->part)
				               : bad(&ld, path, "a second indicator with the code '%s'",
				                     ind->code);
			*v = i + 1;
		}
	});

	json_t *lists = json_object_get(root, "lists");
	if (lists && !json_is_object(lists)) {
		rc = bad(&ld, "lists", "expected an object of named lists");
		goto fail;
	}
	json_t *fks = json_object_get(root, "foreignKeys");
	if (fks && json_is_array(fks))
		s->fkeys = kpix_xcalloc(json_array_size(fks) + 1, sizeof(kpix_fkey));
	EACH_ARRAY("foreignKeys", "foreign keys", {
		rc = load_fkey(&ld, path, item, lists, &s->fkeys[i]);
		s->nfkeys = i + 1;
		if (!rc && s->fkeys[i].kind == KPIX_REF_CATALOGUE) {
			if (!s->nindicators)
				rc = bad(&ld, path, "refers to #indicators but the schema has no catalogue");
			for (size_t k = 0; k < s->nindicators; k++) {
				bool added;
				const char *code = s->indicators[k].code;
				kpix_keyset_upsert(s->fkeys[i].values, code, strlen(code), &added);
			}
		}
	});

	/* before the rules, which may name last period's figure (prev.value) */
	if ((rc = kpix_figures_load(&ld, json_object_get(root, "figures"), &s->figures)))
		goto fail;

	json_t *rules = json_object_get(root, "rules");
	if (rules && json_is_array(rules))
		s->rules = kpix_xcalloc(json_array_size(rules) + 1, sizeof(kpix_rule));
	EACH_ARRAY("rules", "rules", {
		rc = load_rule(&ld, path, item, &s->rules[i]);
		s->nrules = i + 1;
		for (size_t k = 0; !rc && k < i; k++)
			if (strcmp(s->rules[k].code, s->rules[i].code) == 0)
				rc = bad(&ld, path, "a second rule with the code '%s'", s->rules[i].code);
	});

	json_t *comp = json_object_get(root, "completeness");
	if (comp && json_is_array(comp))
		s->completeness = kpix_xcalloc(json_array_size(comp) + 1, sizeof(kpix_completeness));
	EACH_ARRAY("completeness", "completeness rules", {
		rc = load_completeness(&ld, path, item, &s->completeness[i]);
		s->ncompleteness = i + 1;
	});

	if ((rc = kpix_layouts_load(&ld, json_object_get(root, "parameters"),
	                            json_object_get(root, "exports"), &s->layouts)))
		goto fail;

	json_decref(root);
	free(text);
	*out = s;
	return 0;
fail:
	json_decref(root);
	free(text);
	kpix_schema_free(s);
	return rc;
}

static int load_file(kpix_schema **out, const char *file)
{
	size_t len = 0;
	char *text = read_text(file, &len);
	if (!text) {
		int e = errno;
		return kpix_fail(e == ENOENT ? KPIX_ENOTFOUND : KPIX_EIO, "cannot read schema '%s': %s",
		                 file, strerror(e));
	}
	return load_text(out, file, text, len);
}

int kpix_schema_load_mem(kpix_schema **out, const char *name, const char *data, size_t len)
{
	*out = NULL;
	kpix_error_clear();
	char *text = kpix_xmalloc(len + 1);
	if (len)
		memcpy(text, data, len);
	text[len] = '\0';
	return load_text(out, name, text, len);
}

const char *kpix_default_schema_path(void)
{
	const char *env = getenv("KPIX_SCHEMA_PATH");
	return env && *env ? env : KPIX_SCHEMA_DIR;
}

static bool looks_like_path(const char *ref)
{
	size_t n = strlen(ref);
	return strchr(ref, '/') || (n > 5 && strcmp(ref + n - 5, ".json") == 0);
}

char *kpix_path_find(const char *search_path, const char *sub, const char *id)
{
	const char *p = search_path ? search_path : kpix_default_schema_path();
	while (*p) {
		size_t n = strcspn(p, ":");
		if (n) {
			char *file = kpix_xasprintf("%.*s/%s%s.json", (int)n, p, sub, id);
			struct stat st;
			if (stat(file, &st) == 0)
				return file;
			free(file);
		}
		p += n;
		if (*p == ':')
			p++;
	}
	return NULL;
}

char *kpix_schema_find(const char *id, const char *search_path)
{
	return kpix_path_find(search_path, "", id);
}

int kpix_schema_load(kpix_schema **out, const char *ref, const char *search_path)
{
	*out = NULL;
	kpix_error_clear();
	if (!ref || !*ref)
		return kpix_fail(KPIX_EUSAGE, "no schema given");
	if (looks_like_path(ref))
		return load_file(out, ref);
	char *file = kpix_schema_find(ref, search_path);
	if (!file)
		return kpix_fail(KPIX_ENOTFOUND,
		                 "no schema '%s': it is not a file and not the id of a shipped schema "
		                 "(see 'kpix schemas list')",
		                 ref);
	int rc = load_file(out, file);
	if (rc == 0 && strcmp((*out)->id, ref) != 0) {
		rc = kpix_fail(KPIX_ESCHEMA,
		               "%s: the schema's id is '%s', but a schema looked up as "
		               "'%s' must have the id '%s' (the file name without .json)",
		               file, (*out)->id, ref, ref);
		kpix_schema_free(*out);
		*out = NULL;
	}
	free(file);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int kpix_schema_list(char ***out, size_t *count, const char *search_path)
{
	const char *sp = search_path ? search_path : kpix_default_schema_path();
	char **ids = NULL;
	size_t n = 0, cap = 0;
	const char *p = sp;
	while (*p) {
		size_t len = strcspn(p, ":");
		char *dir = kpix_xstrndup(p, len);
		DIR *d = len ? opendir(dir) : NULL;
		struct dirent *e;
		while (d && (e = readdir(d))) {
			size_t l = strlen(e->d_name);
			if (l <= 5 || strcmp(e->d_name + l - 5, ".json") != 0)
				continue;
			char *id = kpix_xstrndup(e->d_name, l - 5);
			bool dup = false;
			for (size_t i = 0; i < n && !dup; i++)
				dup = strcmp(ids[i], id) == 0;
			if (dup) {
				free(id);
				continue;
			}
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				ids = kpix_xrealloc(ids, cap * sizeof(char *));
			}
			ids[n++] = id;
		}
		if (d)
			closedir(d);
		free(dir);
		p += len;
		if (*p == ':')
			p++;
	}
	if (n)
		qsort(ids, n, sizeof(char *), cmp_str);
	*out = ids;
	*count = n;
	return 0;
}

void kpix_strings_free(char **strings, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(strings[i]);
	free(strings);
}

static void field_free(kpix_field *f)
{
	free(f->name);
	free(f->title);
	free(f->description);
	free(f->example);
	free(f->format);
	strlist_free(&f->true_values);
	strlist_free(&f->false_values);
	strlist_free(&f->missing);
	free(f->minimum_text);
	free(f->maximum_text);
	free(f->pattern);
	pcre2_code_free(f->re);
	strlist_free(&f->enum_text);
	free(f->enum_num);
}

void kpix_schema_free(kpix_schema *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nfields; i++)
		field_free(&s->fields[i]);
	free(s->fields);
	for (size_t i = 0; i < s->nfkeys; i++) {
		kpix_fkey *fk = &s->fkeys[i];
		free(fk->fields);
		free(fk->resource);
		strlist_free(&fk->ref_fields);
		free(fk->ref_self);
		kpix_keyset_free(fk->values);
		free(fk->describe);
	}
	free(s->fkeys);
	for (size_t i = 0; i < s->nindicators; i++) {
		kpix_indicator *ind = &s->indicators[i];
		free(ind->code);
		free(ind->title);
		free(ind->description);
		free(ind->unit);
		free(ind->frequency);
		free(ind->source);
		free(ind->numerator);
		free(ind->denominator);
		strlist_free(&ind->due_in);
		strlist_free(&ind->breakdowns);
		free(ind->part);
	}
	free(s->indicators);
	kpix_keyset_free(s->indicator_index);
	kpix_layouts_free(&s->layouts);
	kpix_figures_free(&s->figures);
	for (size_t i = 0; i < s->nrules; i++) {
		kpix_rule *r = &s->rules[i];
		free(r->code);
		free(r->title);
		free(r->when_src);
		free(r->check_src);
		kpix_expr_free(r->when);
		kpix_expr_free(r->check);
		free(r->message);
		free(r->fields);
	}
	free(s->rules);
	for (size_t i = 0; i < s->ncompleteness; i++) {
		free(s->completeness[i].code);
		free(s->completeness[i].message);
		free(s->completeness[i].group_by);
		free(s->completeness[i].whole_name);
	}
	free(s->completeness);
	strlist_free(&s->missing);
	free(s->pk);
	free(s->path);
	free(s->dir);
	free(s->id);
	free(s->version);
	free(s->title);
	free(s->description);
	free(s->source);
	free(s);
}

const char *kpix_schema_id(const kpix_schema *s) { return s->id; }
const char *kpix_schema_version(const kpix_schema *s) { return s->version; }
const char *kpix_schema_title(const kpix_schema *s) { return s->title ? s->title : s->id; }
const char *kpix_schema_description(const kpix_schema *s) { return s->description ? s->description : ""; }
const char *kpix_schema_path(const kpix_schema *s) { return s->path; }

const char *kpix_type_expectation(const kpix_field *f, char *buf, size_t buflen)
{
	switch (f->type) {
	case KPIX_T_INTEGER:
		snprintf(buf, buflen, "a whole number%s", f->numfmt.group_char ? " (thousands separators allowed)" : "");
		break;
	case KPIX_T_NUMBER:
		snprintf(buf, buflen, "a number%s%s",
		         f->numfmt.decimal_char != '.' ? " with a decimal comma" : "",
		         f->numfmt.bare_number ? "" : " (a sign such as % or £ around it is allowed)");
		break;
	case KPIX_T_BOOLEAN:
		snprintf(buf, buflen, "%s or %s",
		         f->true_values.n ? f->true_values.items[0] : "true",
		         f->false_values.n ? f->false_values.items[0] : "false");
		break;
	case KPIX_T_DATE:
		if (!f->format)
			snprintf(buf, buflen, "a date written YYYY-MM-DD, such as 2025-03-31");
		else if (strcmp(f->format, "any") == 0)
			snprintf(buf, buflen, "a date such as 2025-03-31 or 31/03/2025");
		else {
			/* the pattern in the letters an officer knows: %d/%m/%Y is DD/MM/YYYY */
			char shape[64];
			size_t n = 0;
			for (const char *p = f->format; *p && n + 6 < sizeof(shape); p++) {
				const char *w = NULL;
				if (*p == '%' && p[1]) {
					switch (*++p) {
					case 'd': case 'e': w = "DD"; break;
					case 'm': w = "MM"; break;
					case 'Y': w = "YYYY"; break;
					case 'y': w = "YY"; break;
					case 'b': w = "Mon"; break;
					case 'B': w = "Month"; break;
					default: w = "%"; break;
					}
				}
				if (w) {
					memcpy(shape + n, w, strlen(w));
					n += strlen(w);
				} else {
					shape[n++] = *p;
				}
			}
			shape[n] = '\0';
			snprintf(buf, buflen, "a date written %s", shape);
		}
		break;
	case KPIX_T_YEAR:
		snprintf(buf, buflen, "a year such as 2025");
		break;
	case KPIX_T_YEARMONTH:
		snprintf(buf, buflen, "a year and month such as 2025-03");
		break;
	default:
		snprintf(buf, buflen, "text");
	}
	return buf;
}

/* ------------------------------------------- for the other schema parts */

int kpix_ld_fail(kpix_loader *ld, const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = vbad(ld, path, fmt, ap);
	va_end(ap);
	return rc;
}

int kpix_ld_only_keys(kpix_loader *ld, const char *path, json_t *obj, const char *const *allowed)
{
	return only_keys(ld, path, obj, allowed);
}

int kpix_ld_str(kpix_loader *ld, const char *path, json_t *obj, const char *key, char **out,
                bool required)
{
	return get_str(ld, path, obj, key, out, required);
}

int kpix_ld_bool(kpix_loader *ld, const char *path, json_t *obj, const char *key, bool *out)
{
	return get_bool(ld, path, obj, key, out);
}

int kpix_ld_num(kpix_loader *ld, const char *path, json_t *obj, const char *key, bool *has,
                double *out)
{
	return get_num(ld, path, obj, key, has, out);
}

int kpix_ld_severity(kpix_loader *ld, const char *path, json_t *obj, kpix_severity *out)
{
	return get_severity(ld, path, obj, out);
}

int kpix_ld_code(kpix_loader *ld, const char *path, json_t *obj, char **out)
{
	return get_code(ld, path, obj, out);
}

int kpix_ld_compile(kpix_loader *ld, const char *path, const char *key, const char *src,
                    kpix_expr_resolve_fn resolve, void *ctx, kpix_expr **out)
{
	return compile_with(ld, path, key, src, resolve, ctx, out);
}

kpix_schema *kpix_ld_schema(kpix_loader *ld)
{
	return ld->s;
}

int kpix_ld_strlist(kpix_loader *ld, const char *path, json_t *obj, const char *key,
                    kpix_strlist *out)
{
	return get_strlist(ld, path, obj, key, out, false, false);
}

void kpix_ld_strlist_free(kpix_strlist *l)
{
	strlist_free(l);
}

int kpix_ld_open(kpix_loader **out, json_t **root, const char *file, const char *what)
{
	*out = NULL;
	*root = NULL;
	size_t len = 0;
	char *text = read_text(file, &len);
	if (!text) {
		int e = errno;
		return kpix_fail(e == ENOENT ? KPIX_ENOTFOUND : KPIX_EIO, "cannot read %s '%s': %s", what,
		                 file, strerror(e));
	}
	if (len > MAX_SCHEMA_BYTES) {
		free(text);
		return kpix_fail(KPIX_ESCHEMA, "%s: the %s is larger than %u MiB, the most kpix reads", file,
		                 what, MAX_SCHEMA_BYTES / (1024 * 1024));
	}
	if (blank_json(text, len)) {
		free(text);
		return kpix_fail(KPIX_ESCHEMA, "%s: the %s file is empty", file, what);
	}
	json_error_t jerr;
	*root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!*root) {
		int rc = kpix_fail(KPIX_ESCHEMA, "%s:%d:%d: the %s is not valid JSON: %s", file, jerr.line,
		                   jerr.column, what, jerr.text);
		free(text);
		return rc;
	}
	loader *ld = kpix_xcalloc(1, sizeof(*ld));
	ld->file = kpix_xstrdup(file);
	ld->text = text;
	ld->len = len;
	*out = ld;
	return 0;
}

void kpix_ld_close(kpix_loader *ld)
{
	if (!ld)
		return;
	free((char *)ld->file);
	free((char *)ld->text);
	free(ld);
}
