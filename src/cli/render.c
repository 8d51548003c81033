/* render.c - a validation report as text, CSV or JSON.
 *
 * Text is for the person at the terminal: problems grouped by file, each
 * with its spreadsheet cell (C4) and a sentence, then totals per code.
 * CSV and JSON carry the same fields for programs and spreadsheets; the
 * JSON layout is documented in docs/report-format.md. */
#include "render.h"

#include <inttypes.h>
#include <string.h>

int kpix_render_parse_format(const char *name, kpix_render_format *out)
{
	if (strcmp(name, "text") == 0)
		*out = KPIX_RENDER_TEXT;
	else if (strcmp(name, "csv") == 0)
		*out = KPIX_RENDER_CSV;
	else if (strcmp(name, "json") == 0)
		*out = KPIX_RENDER_JSON;
	else if (strcmp(name, "html") == 0)
		*out = KPIX_RENDER_HTML;
	else if (strcmp(name, "xlsx") == 0)
		*out = KPIX_RENDER_XLSX;
	else
		return -1;
	return 0;
}

static const char *severity_name(kpix_severity s)
{
	return s == KPIX_SEVERITY_WARNING ? "warning" : "error";
}

void kpix_render_visible(FILE *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p >= 0x20 && *p != 0x7f)
			fputc(*p, out);
		else if (*p == '\n')
			fputs("\\n", out);
		else if (*p == '\r')
			fputs("\\r", out);
		else if (*p == '\t')
			fputs("\\t", out);
		else
			fprintf(out, "\\x%02x", *p);
	}
}

static void plural(FILE *out, uint64_t n, const char *one, const char *many)
{
	fprintf(out, "%" PRIu64 " %s", n, n == 1 ? one : many);
}

static void render_text(FILE *out, const kpix_schema *schema, const kpix_report *r, bool colour)
{
	const char *red = colour ? "\033[31m" : "", *yellow = colour ? "\033[33m" : "",
		   *bold = colour ? "\033[1m" : "", *reset = colour ? "\033[0m" : "";
	const char *current = NULL;
	bool any_general = false;
	/* the first line points at the cause when most errors share one */
	kpix_report_cause cause;
	if (kpix_report_likely_cause(r, &cause)) {
		const kpix_diag *d = cause.first;
		char letters[8];
		kpix_column_letters(d->column, letters);
		fprintf(out, "%slikely cause%s: %" PRIu64 " of the %" PRIu64 " errors listed are ", bold,
		        reset, cause.count, cause.errors);
		if (cause.same_value) {
			fputs("the value '", out);
			kpix_render_visible(out, d->value);
			fputs("' in ", out);
		} else {
			fputs("in ", out);
		}
		fprintf(out, "column %s%s%s%s", letters, d->field ? " (" : "", d->field ? d->field : "",
		        d->field ? ")" : "");
		if (kpix_report_file_count(r) > 1 && d->file)
			fprintf(out, " of %s", d->file);
		char cell[256];
		if (kpix_report_diag_sheet(r, d))
			fprintf(out, ", the first in %s: ", kpix_report_cell(r, d, cell, sizeof(cell)));
		else
			fprintf(out, ", the first in row %" PRIu64 ": ", d->row);
		kpix_render_visible(out, d->message);
		fputs("\n\n", out);
	}
	for (size_t i = 0; i < kpix_report_count(r); i++) {
		const kpix_diag *d = kpix_report_get(r, i);
		const char *file = d->file ? d->file : "(all files)";
		if (!current || strcmp(current, file) != 0) {
			fprintf(out, "%s%s%s\n", bold, file, reset);
			current = file;
		}
		any_general = any_general || !d->file;
		char where[256];
		char letters[8];
		const char *sheet = kpix_report_diag_sheet(r, d);
		if (sheet && d->row && d->column) {
			kpix_report_cell(r, d, where, sizeof(where));
		} else if (sheet && d->row) {
			snprintf(where, sizeof(where), "sheet %s, row %" PRIu64, sheet, d->row);
		} else if (sheet && d->column) {
			kpix_column_letters(d->column, letters);
			snprintf(where, sizeof(where), "sheet %s, column %s", sheet, letters);
		} else if (d->row && d->column) {
			kpix_column_letters(d->column, letters);
			snprintf(where, sizeof(where), "row %" PRIu64 ", column %s", d->row, letters);
		} else if (d->row) {
			snprintf(where, sizeof(where), "row %" PRIu64, d->row);
		} else if (d->column) {
			kpix_column_letters(d->column, letters);
			snprintf(where, sizeof(where), "column %s", letters);
		} else {
			snprintf(where, sizeof(where), "whole table");
		}
		bool warn = d->severity == KPIX_SEVERITY_WARNING;
		bool by_rule = d->rule && (!strcmp(d->code, "row-constraint") || !strcmp(d->code, "completeness") ||
		                           !strcmp(d->code, "figure-constraint"));
		fprintf(out, "  %s%s%s%s: %s%s%s: ", where, d->field ? " (" : "", d->field ? d->field : "",
		        d->field ? ")" : "", warn ? yellow : red, severity_name(d->severity), reset);
		kpix_render_visible(out, d->message);
		fprintf(out, " [%s]\n", by_rule ? d->rule : d->code);
	}
	/* what follows from the problems listed: counted, not listed */
	uint64_t suppressed = kpix_report_suppressed(r);
	if (suppressed == 1)
		fputs("  (1 more problem follows from these and is not listed)\n", out);
	else if (suppressed)
		fprintf(out, "  (%" PRIu64 " more problems follow from these and are not listed)\n",
		        suppressed);
	if (kpix_report_truncated(r)) {
		uint64_t all = kpix_report_errors(r) + kpix_report_warnings(r);
		size_t shown = kpix_report_count(r);
		fprintf(out, "\n(only the first %zu of %llu problems are listed; the other %llu are "
		             "counted below; use --max-errors to list more)\n",
		        shown, (unsigned long long)all, (unsigned long long)(all - shown));
	}

	uint64_t rows, rejected;
	size_t nfiles = kpix_report_file_count(r);
	kpix_report_rows(r, &rows, &rejected);
	if (kpix_report_code_count(r)) {
		fprintf(out, "\n%sproblems by code%s\n", bold, reset);
		for (size_t i = 0; i < kpix_report_code_count(r); i++) {
			const char *code;
			uint64_t e, w;
			kpix_report_code_get(r, i, &code, &e, &w);
			fprintf(out, "  %-22s ", code);
			if (e)
				plural(out, e, "error", "errors");
			if (e && w)
				fputs(", ", out);
			if (w)
				plural(out, w, "warning", "warnings");
			fputc('\n', out);
		}
	}
	if (kpix_report_count(r))
		fputc('\n', out);
	uint64_t errors = kpix_report_errors(r), warnings = kpix_report_warnings(r);
	fprintf(out, "%s%s%s: ", bold, errors ? "invalid" : "valid", reset);
	plural(out, nfiles, "file", "files");
	fprintf(out, " checked against %s %s, ", kpix_schema_id(schema), kpix_schema_version(schema));
	plural(out, rows, "data row", "data rows");
	fprintf(out, " read, %" PRIu64 " rejected; ", rejected);
	plural(out, errors, "error", "errors");
	fputs(", ", out);
	plural(out, warnings, "warning", "warnings");
	fputc('\n', out);
}

/* Writes a CSV cell. Text a spreadsheet would run as a formula gets a
 * leading apostrophe, so opening the report never runs anything. */
static void csv_cell(FILE *out, const char *s, bool last)
{
	if (s) {
		bool formula = s[0] && strchr("=+-@\t\r", s[0]);
		bool quote = formula || strpbrk(s, ",\"\r\n") != NULL;
		if (quote)
			fputc('"', out);
		if (formula)
			fputc('\'', out);
		for (const char *p = s; *p; p++) {
			if (*p == '"')
				fputc('"', out);
			fputc(*p, out);
		}
		if (quote)
			fputc('"', out);
	}
	fputs(last ? "\r\n" : ",", out);
}

static void render_csv(FILE *out, const kpix_report *r)
{
	/* the byte-order mark makes Excel read the file as UTF-8, so "£" stays "£" */
	fputs("\xef\xbb\xbf" "file,row,column,field,severity,code,rule,value,message,cell\r\n", out);
	for (size_t i = 0; i < kpix_report_count(r); i++) {
		const kpix_diag *d = kpix_report_get(r, i);
		char row[24] = "", col[16] = "";
		if (d->row)
			snprintf(row, sizeof(row), "%" PRIu64, d->row);
		if (d->column)
			snprintf(col, sizeof(col), "%u", d->column);
		csv_cell(out, d->file, false);
		csv_cell(out, row, false);
		csv_cell(out, col, false);
		csv_cell(out, d->field, false);
		csv_cell(out, severity_name(d->severity), false);
		csv_cell(out, d->code, false);
		csv_cell(out, d->rule, false);
		csv_cell(out, d->value, false);
		char cell[256];
		csv_cell(out, d->message, false);
		csv_cell(out, kpix_report_cell(r, d, cell, sizeof(cell)), true);
	}
}

void kpix_render(FILE *out, kpix_render_format format, const kpix_schema *schema,
                 const kpix_report *report, bool colour)
{
	switch (format) {
	case KPIX_RENDER_TEXT:
		render_text(out, schema, report, colour);
		break;
	case KPIX_RENDER_CSV:
		render_csv(out, report);
		break;
	case KPIX_RENDER_JSON:
		kpix_report_write_json(report, schema, out);
		break;
	case KPIX_RENDER_HTML:
		kpix_report_write_html(report, schema, out);
		break;
	case KPIX_RENDER_XLSX:
		break;
	}
}
