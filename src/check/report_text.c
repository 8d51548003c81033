/* report_text.c - the sentences of a report for a person; see report_text.h. */
#include "report_text.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

void kpix_report_where(kpix_buf *out, const kpix_report *r, const kpix_diag *d)
{
	char letters[8];
	kpix_column_letters(d->column, letters);
	const char *sheet = kpix_report_diag_sheet(r, d);
	if (sheet && d->row && d->column) {
		char cell[160];
		kpix_buf_adds(out, kpix_report_cell(r, d, cell, sizeof(cell)));
		return;
	}
	if (sheet && (d->row || d->column))
		kpix_buf_printf(out, "sheet %s, ", sheet);
	if (d->row && d->column)
		kpix_buf_printf(out, "row %" PRIu64 ", column %s", d->row, letters);
	else if (d->row)
		kpix_buf_printf(out, "row %" PRIu64, d->row);
	else if (d->column)
		kpix_buf_printf(out, "column %s", letters);
	else
		kpix_buf_adds(out, "whole table");
}

const char *kpix_report_shown_code(const kpix_diag *d)
{
	bool by_rule = d->rule && (!strcmp(d->code, "row-constraint") || !strcmp(d->code, "completeness") ||
	                           !strcmp(d->code, "figure-constraint"));
	return by_rule ? d->rule : d->code;
}

static void count(kpix_buf *out, uint64_t n, const char *one, const char *many)
{
	kpix_buf_printf(out, "%" PRIu64 " %s", n, n == 1 ? one : many);
}

void kpix_report_verdict(kpix_buf *out, const kpix_report *r, const kpix_schema *schema)
{
	uint64_t rows, rejected;
	size_t nfiles = kpix_report_file_count(r);
	kpix_report_rows(r, &rows, &rejected);
	uint64_t errors = kpix_report_errors(r);
	kpix_buf_adds(out, errors ? "invalid: " : "valid: ");
	count(out, nfiles, "file", "files");
	kpix_buf_printf(out, " checked against %s %s, ", kpix_schema_id(schema), kpix_schema_version(schema));
	count(out, rows, "data row", "data rows");
	kpix_buf_printf(out, " read, %" PRIu64 " rejected; ", rejected);
	count(out, errors, "error", "errors");
	kpix_buf_adds(out, ", ");
	count(out, kpix_report_warnings(r), "warning", "warnings");
}

bool kpix_report_cause_sentence(kpix_buf *out, const kpix_report *r, const kpix_diag **first)
{
	kpix_report_cause cause;
	*first = NULL;
	if (!kpix_report_likely_cause(r, &cause))
		return false;
	const kpix_diag *d = cause.first;
	*first = d;
	char letters[8];
	kpix_column_letters(d->column, letters);
	kpix_buf_printf(out, "%" PRIu64 " of the %" PRIu64 " errors listed are ", cause.count,
	                cause.errors);
	if (cause.same_value)
		kpix_buf_printf(out, "the value '%s' in ", d->value);
	else
		kpix_buf_adds(out, "in ");
	kpix_buf_printf(out, "column %s", letters);
	if (d->field)
		kpix_buf_printf(out, " (%s)", d->field);
	if (kpix_report_file_count(r) > 1 && d->file)
		kpix_buf_printf(out, " of %s", d->file);
	kpix_buf_adds(out, ", the first in ");
	if (kpix_report_diag_sheet(r, d))
		kpix_report_where(out, r, d);
	else
		kpix_buf_printf(out, "row %" PRIu64, d->row);
	kpix_buf_printf(out, ": %s", d->message);
	return true;
}

size_t kpix_report_file_index(const kpix_report *r, const kpix_diag *d)
{
	size_t i = 0;
	while (d->file && i < r->nfiles && r->files[i].path != d->file)
		i++;
	return d->file ? i : r->nfiles;
}

typedef struct {
	size_t file;
	const kpix_diag *d;
	size_t index;
} placed;

static int cmp_placed(const void *a, const void *b)
{
	const placed *x = a, *y = b;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->d->row != y->d->row)
		return x->d->row < y->d->row ? -1 : 1;
	if (x->d->column != y->d->column)
		return x->d->column < y->d->column ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

size_t *kpix_report_by_place(const kpix_report *r)
{
	placed *p = kpix_xcalloc(r->ndiags + 1, sizeof(*p));
	for (size_t i = 0; i < r->ndiags; i++)
		p[i] = (placed){kpix_report_file_index(r, &r->diags[i]), &r->diags[i], i};
	if (r->ndiags)
		qsort(p, r->ndiags, sizeof(*p), cmp_placed);
	size_t *order = kpix_xcalloc(r->ndiags + 1, sizeof(*order));
	for (size_t i = 0; i < r->ndiags; i++)
		order[i] = p[i].index;
	free(p);
	return order;
}
