/* report.c - storage and totals for diagnostics. */
#include "report.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keyset.h"
#include "xlsxread.h"

#define MAX_VALUE_SHOWN 200
#define MAX_MESSAGE 1000

void kpix_report_init(kpix_report *r, uint64_t max_kept)
{
	memset(r, 0, sizeof(*r));
	r->max_kept = max_kept;
	kpix_arena_init(&r->strings, 64 * 1024);
}

void kpix_report_done(kpix_report *r)
{
	free(r->diags);
	free(r->codes);
	for (size_t i = 0; i < r->nfiles; i++)
		free(r->files[i].path);
	free(r->files);
	kpix_arena_free(&r->strings);
}

static const char *keep(kpix_report *r, const char *s, size_t len)
{
	return s ? kpix_arena_strndup(&r->strings, s, len) : NULL;
}

/* Cuts text to at most max bytes without splitting a UTF-8 character. */
static size_t cut_utf8(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

/* Adds one to the totals of sev and of total_code. */
static void count(kpix_report *r, kpix_severity sev, const char *total_code)
{
	bool warn = sev == KPIX_SEVERITY_WARNING;
	if (warn)
		r->warnings++;
	else
		r->errors++;
	size_t i = r->last_code;
	if (i >= r->ncodes || r->codes[i].given != total_code) {
		i = 0;
		while (i < r->ncodes && strcmp(r->codes[i].code, total_code) != 0)
			i++;
		if (i == r->ncodes) {
			r->codes = kpix_xrealloc(r->codes, (r->ncodes + 1) * sizeof(*r->codes));
			r->codes[i] = (kpix_code_total){keep(r, total_code, strlen(total_code)), NULL, 0, 0};
			r->ncodes++;
		}
		r->codes[i].given = total_code;
		r->last_code = i;
	}
	if (warn)
		r->codes[i].warnings++;
	else
		r->codes[i].errors++;
}

void kpix_report_skip_other(kpix_report *r, kpix_severity sev, const char *total_code)
{
	count(r, sev, total_code);
	r->truncated = true;
}

void kpix_report_add(kpix_report *r, const kpix_diag *d, const char *total_code, size_t value_len)
{
	count(r, d->severity, total_code);
	if (r->ndiags >= r->max_kept) {
		r->truncated = true;
		return;
	}
	if (r->ndiags == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->diags = kpix_xrealloc(r->diags, r->cap * sizeof(*r->diags));
	}
	kpix_diag *k = &r->diags[r->ndiags++];
	k->code = keep(r, d->code, strlen(d->code));
	k->severity = d->severity;
	k->file = d->file; /* owned by the file totals, which outlive the list */
	k->row = d->row;
	k->column = d->column;
	k->field = d->field ? keep(r, d->field, strlen(d->field)) : NULL;
	if (d->value) {
		size_t n = cut_utf8(d->value, value_len, MAX_VALUE_SHOWN);
		if (n < value_len) {
			char *v = kpix_arena_alloc(&r->strings, n + 4);
			memcpy(v, d->value, n);
			memcpy(v + n, "\xe2\x80\xa6", 4); /* an ellipsis says it was cut */
			k->value = v;
		} else {
			k->value = keep(r, d->value, n);
		}
	} else {
		k->value = NULL;
	}
	k->rule = d->rule ? keep(r, d->rule, strlen(d->rule)) : NULL;
	/* a message quoting a huge cell would swamp the report */
	size_t mlen = strlen(d->message);
	size_t mcut = cut_utf8(d->message, mlen, MAX_MESSAGE);
	if (mcut < mlen) {
		char *m = kpix_arena_alloc(&r->strings, mcut + 4);
		memcpy(m, d->message, mcut);
		memcpy(m + mcut, "\xe2\x80\xa6", 4);
		k->message = m;
	} else {
		k->message = keep(r, d->message, mlen);
	}
}

static int cmp_code(const void *a, const void *b)
{
	return strcmp(((const kpix_code_total *)a)->code, ((const kpix_code_total *)b)->code);
}

void kpix_report_finish(kpix_report *r)
{
	if (r->ncodes)
		qsort(r->codes, r->ncodes, sizeof(*r->codes), cmp_code);
}

size_t kpix_report_count(const kpix_report *r) { return r->ndiags; }
const kpix_diag *kpix_report_get(const kpix_report *r, size_t i) { return i < r->ndiags ? &r->diags[i] : NULL; }
uint64_t kpix_report_errors(const kpix_report *r) { return r->errors; }
uint64_t kpix_report_warnings(const kpix_report *r) { return r->warnings; }
bool kpix_report_truncated(const kpix_report *r) { return r->truncated; }

uint64_t kpix_report_suppressed(const kpix_report *r) { return r->suppressed; }

/* The key of a diagnostic's column (its file's address, the column and
 * the field the diagnostic names: in a return of data points one column
 * holds every data point's value, and errors of different data points
 * share no cause), and with value its value too. */
static void cause_key(kpix_buf *k, const kpix_diag *d, bool value)
{
	kpix_buf_clear(k);
	kpix_buf_add(k, &d->file, sizeof(d->file));
	kpix_buf_add(k, &d->column, sizeof(d->column));
	if (d->field)
		kpix_buf_adds(k, d->field);
	kpix_buf_addc(k, '\0');
	if (value && d->value)
		kpix_buf_adds(k, d->value);
}

/* The group, of columns or of values in a column, that most errors share:
 * its count, and the first error of it. */
static uint64_t largest_group(const kpix_report *r, bool value, const kpix_diag **first)
{
	kpix_keyset *seen = kpix_keyset_new();
	kpix_buf k = KPIX_BUF_INIT;
	uint64_t best = 0;
	*first = NULL;
	for (size_t i = 0; i < r->ndiags; i++) {
		const kpix_diag *d = &r->diags[i];
		if (d->severity != KPIX_SEVERITY_ERROR || !d->column || !d->row ||
		    (value && (!d->value || !*d->value)))
			continue;
		cause_key(&k, d, value);
		bool added;
		uint64_t *n = kpix_keyset_upsert(seen, k.data, k.len, &added);
		if (added)
			*n = 0;
		if (++*n > best)
			best = *n;
	}
	/* the first error of the first group to reach that count */
	for (size_t i = 0; i < r->ndiags && best && !*first; i++) {
		const kpix_diag *d = &r->diags[i];
		if (d->severity != KPIX_SEVERITY_ERROR || !d->column || !d->row ||
		    (value && (!d->value || !*d->value)))
			continue;
		cause_key(&k, d, value);
		if (*kpix_keyset_find(seen, k.data, k.len) == best)
			*first = d;
	}
	kpix_buf_free(&k);
	kpix_keyset_free(seen);
	return best;
}

bool kpix_report_likely_cause(const kpix_report *r, kpix_report_cause *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < r->ndiags; i++)
		out->errors += r->diags[i].severity == KPIX_SEVERITY_ERROR;
	if (out->errors < 3)
		return false;
	for (int value = 1; value >= 0; value--) {
		const kpix_diag *first;
		uint64_t n = largest_group(r, value, &first);
		if (n >= 3 && n * 2 > out->errors) {
			out->same_value = value;
			out->count = n;
			out->first = first;
			return true;
		}
	}
	return false;
}
size_t kpix_report_code_count(const kpix_report *r) { return r->ncodes; }

void kpix_report_code_get(const kpix_report *r, size_t i, const char **code, uint64_t *errors,
                          uint64_t *warnings)
{
	*code = r->codes[i].code;
	*errors = r->codes[i].errors;
	*warnings = r->codes[i].warnings;
}

size_t kpix_report_file_count(const kpix_report *r) { return r->nfiles; }

void kpix_report_file_get(const kpix_report *r, size_t i, const char **path, uint64_t *rows,
                          uint64_t *rejected, const char **encoding)
{
	*path = r->files[i].path;
	*rows = r->files[i].rows;
	*rejected = r->files[i].rejected;
	*encoding = r->files[i].encoding;
}

void kpix_report_rows(const kpix_report *r, uint64_t *rows, uint64_t *rejected)
{
	*rows = *rejected = 0;
	for (size_t i = 0; i < r->nfiles; i++) {
		*rows += r->files[i].rows;
		*rejected += r->files[i].rejected;
	}
}

void kpix_report_file_sheet_set(kpix_report *r, size_t i, const char *sheet)
{
	if (i >= r->nfiles || !sheet || !*sheet)
		return;
	r->files[i].sheet = kpix_arena_strndup(&r->strings, sheet, strlen(sheet));
	char *prefix = kpix_xlsx_sheet_prefix(sheet);
	r->files[i].sheet_ref = kpix_arena_strndup(&r->strings, prefix, strlen(prefix));
	free(prefix);
}

const char *kpix_report_file_sheet(const kpix_report *r, size_t i)
{
	return i < r->nfiles ? r->files[i].sheet : NULL;
}

/* The totals of the file a diagnostic names, or NULL: a diagnostic's file
 * is the very string its file's totals hold. */
static const kpix_file_total *file_of(const kpix_report *r, const kpix_diag *d)
{
	for (size_t i = 0; d->file && i < r->nfiles; i++)
		if (r->files[i].path == d->file)
			return &r->files[i];
	return NULL;
}

const char *kpix_report_diag_sheet(const kpix_report *r, const kpix_diag *d)
{
	const kpix_file_total *f = file_of(r, d);
	return f ? f->sheet : NULL;
}

const char *kpix_report_cell(const kpix_report *r, const kpix_diag *d, char *buf, size_t size)
{
	if (!size)
		return buf;
	buf[0] = '\0';
	if (!d->row || !d->column)
		return buf;
	const kpix_file_total *f = file_of(r, d);
	char letters[8];
	kpix_column_letters(d->column, letters);
	snprintf(buf, size, "%s%s%" PRIu64, f && f->sheet_ref ? f->sheet_ref : "", letters, d->row);
	return buf;
}
