/* report_html.c - a validation report as one web page for a person
 * (kpix_report_write_html in kpix.h; docs/report-format.md).
 *
 * Written through the one HTML writer (html.h), which escapes every text
 * and makes the page self-contained and printable. The page opens with
 * the verdict and the likely cause, then the counts per code, then the
 * problems twice: by row (file by file, in row order, so an officer can
 * work down the sheet) and by code (so that one kind of mistake can be
 * fixed everywhere at once). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "kpix/kpix.h"
#include "report_text.h"
#include "util.h"

static void element(kpix_buf *b, const char *tag, const char *s)
{
	kpix_html_element(b, tag, NULL, s, strlen(s));
}

static void cell(kpix_buf *b, kpix_html_cell_kind kind, bool number, const char *s)
{
	s = s ? s : "";
	kpix_html_cell(b, kind, number, s, strlen(s));
}

static void head_row(kpix_buf *b, const char *const *heads, size_t n)
{
	kpix_html_open(b, "thead", NULL);
	kpix_html_open(b, "tr", NULL);
	for (size_t i = 0; i < n; i++)
		cell(b, KPIX_HTML_COL_HEADER, false, heads[i]);
	kpix_html_close(b, "tr");
	kpix_html_close(b, "thead");
}

static const char *severity_word(kpix_severity s)
{
	return s == KPIX_SEVERITY_WARNING ? "Warning" : "Error";
}

/* Appends "3 errors, 1 warning". */
static void add_counts(kpix_buf *out, uint64_t errors, uint64_t warnings)
{
	if (errors)
		kpix_buf_printf(out, "%" PRIu64 " %s", errors, errors == 1 ? "error" : "errors");
	if (warnings)
		kpix_buf_printf(out, "%s%" PRIu64 " %s", errors ? ", " : "", warnings,
		                warnings == 1 ? "warning" : "warnings");
}

static void code_table(kpix_buf *b, const kpix_report *r)
{
	static const char *const heads[] = {"Code", "Errors", "Warnings"};
	const char *caption = "Problems counted per code";
	kpix_html_table_begin(b, caption, strlen(caption), false);
	head_row(b, heads, 3);
	kpix_html_open(b, "tbody", NULL);
	for (size_t i = 0; i < kpix_report_code_count(r); i++) {
		const char *code;
		uint64_t e, w;
		char n[2][24];
		kpix_report_code_get(r, i, &code, &e, &w);
		snprintf(n[0], sizeof(n[0]), "%" PRIu64, e);
		snprintf(n[1], sizeof(n[1]), "%" PRIu64, w);
		kpix_html_open(b, "tr", NULL);
		cell(b, KPIX_HTML_ROW_HEADER, false, code);
		cell(b, KPIX_HTML_DATA, true, n[0]);
		cell(b, KPIX_HTML_DATA, true, n[1]);
		kpix_html_close(b, "tr");
	}
	kpix_html_close(b, "tbody");
	kpix_html_table_end(b);
}

/* Where d is, with its field: "row 4, column C (score)". */
static void where_field(kpix_buf *out, const kpix_report *r, const kpix_diag *d)
{
	kpix_buf_clear(out);
	kpix_report_where(out, r, d);
	if (d->field)
		kpix_buf_printf(out, " (%s)", d->field);
}

/* "Error: MESSAGE": the word first, so that it reads without colour. */
static void problem(kpix_buf *b, kpix_buf *scratch, const kpix_diag *d)
{
	kpix_buf_clear(scratch);
	kpix_buf_printf(scratch, "%s: %s", severity_word(d->severity), d->message);
	kpix_html_cell(b, KPIX_HTML_DATA, false, scratch->data, scratch->len);
}

/* The problems of one file (or of no file) in row order, each row's
 * place its row header. order[from, to) are its diagnostics. */
static void row_table(kpix_buf *b, kpix_buf *scratch, const kpix_report *r, const size_t *order,
                      size_t from, size_t to)
{
	static const char *const heads[] = {"Where", "Value", "Problem", "Code"};
	const kpix_diag *d0 = kpix_report_get(r, order[from]);
	const char *caption = d0->file ? d0->file : "The whole table";
	const char *sheet = kpix_report_diag_sheet(r, d0);
	kpix_buf_clear(scratch);
	kpix_buf_printf(scratch, "%s%s%s%s", caption, sheet ? " (sheet " : "", sheet ? sheet : "",
	                sheet ? ")" : "");
	kpix_html_table_begin(b, scratch->data, scratch->len, true);
	head_row(b, heads, 4);
	kpix_html_open(b, "tbody", NULL);
	for (size_t i = from; i < to; i++) {
		const kpix_diag *d = kpix_report_get(r, order[i]);
		kpix_html_open(b, "tr", NULL);
		where_field(scratch, r, d);
		kpix_html_cell(b, KPIX_HTML_ROW_HEADER, false, scratch->data, scratch->len);
		cell(b, KPIX_HTML_DATA, false, d->value);
		problem(b, scratch, d);
		cell(b, KPIX_HTML_DATA, false, kpix_report_shown_code(d));
		kpix_html_close(b, "tr");
	}
	kpix_html_close(b, "tbody");
	kpix_html_table_end(b);
}

/* The problems listed under one code, in the order found. */
static void by_code(kpix_buf *b, kpix_buf *scratch, const kpix_report *r, const char *code,
                    uint64_t errors, uint64_t warnings)
{
	static const char *const heads[] = {"Where", "Value", "Problem"};
	kpix_buf_clear(scratch);
	kpix_buf_printf(scratch, "%s: ", code);
	add_counts(scratch, errors, warnings);
	kpix_html_element(b, "h3", NULL, scratch->data, scratch->len);
	size_t listed = 0;
	for (size_t i = 0; i < kpix_report_count(r); i++)
		listed += strcmp(kpix_report_shown_code(kpix_report_get(r, i)), code) == 0;
	if (!listed) {
		element(b, "p", "None of these is listed: more problems were found than are kept.");
		return;
	}
	kpix_html_table_begin(b, code, strlen(code), false);
	head_row(b, heads, 3);
	kpix_html_open(b, "tbody", NULL);
	for (size_t i = 0; i < kpix_report_count(r); i++) {
		const kpix_diag *d = kpix_report_get(r, i);
		if (strcmp(kpix_report_shown_code(d), code) != 0)
			continue;
		kpix_html_open(b, "tr", NULL);
		where_field(scratch, r, d);
		if (kpix_report_file_count(r) > 1 && d->file)
			kpix_buf_printf(scratch, " of %s", d->file);
		kpix_html_cell(b, KPIX_HTML_ROW_HEADER, false, scratch->data, scratch->len);
		cell(b, KPIX_HTML_DATA, false, d->value);
		problem(b, scratch, d);
		kpix_html_close(b, "tr");
	}
	kpix_html_close(b, "tbody");
	kpix_html_table_end(b);
}

static void files_list(kpix_buf *b, kpix_buf *scratch, const kpix_report *r)
{
	kpix_html_open(b, "dl", NULL);
	for (size_t i = 0; i < kpix_report_file_count(r); i++) {
		const char *path, *enc;
		uint64_t rows, rejected;
		kpix_report_file_get(r, i, &path, &rows, &rejected, &enc);
		const char *sheet = kpix_report_file_sheet(r, i);
		element(b, "dt", path);
		kpix_buf_clear(scratch);
		if (sheet)
			kpix_buf_printf(scratch, "sheet %s, ", sheet);
		kpix_buf_printf(scratch, "%" PRIu64 " data rows read, %" PRIu64 " rejected; %s", rows,
		                rejected, enc);
		kpix_html_element(b, "dd", NULL, scratch->data, scratch->len);
	}
	kpix_html_close(b, "dl");
}

int kpix_report_write_html(const kpix_report *r, const kpix_schema *schema, FILE *out)
{
	kpix_buf b = KPIX_BUF_INIT, s = KPIX_BUF_INIT, title = KPIX_BUF_INIT;
	const char *name = kpix_schema_title(schema) ? kpix_schema_title(schema)
	                                             : kpix_schema_id(schema);
	kpix_buf_printf(&title, "Validation report: %s", name);
	kpix_html_page_begin(&b, "en-GB", title.data, title.len);
	kpix_html_open(&b, "main", NULL);
	kpix_html_element(&b, "h1", NULL, title.data, title.len);

	kpix_report_verdict(&s, r, schema);
	s.data[0] = (char)(s.data[0] - 'a' + 'A'); /* "Invalid: ..." opens a sentence */
	kpix_html_element(&b, "p", NULL, s.data, s.len);
	kpix_buf_clear(&s);
	const kpix_diag *first;
	kpix_buf_adds(&s, "Likely cause: ");
	if (kpix_report_cause_sentence(&s, r, &first))
		kpix_html_element(&b, "p", NULL, s.data, s.len);
	uint64_t all = kpix_report_errors(r) + kpix_report_warnings(r);
	if (kpix_report_truncated(r)) {
		kpix_buf_clear(&s);
		kpix_buf_printf(&s,
		                "Only the first %zu of %" PRIu64 " problems are listed; the others are "
		                "counted. Run kpix validate with --max-errors to list more.",
		                kpix_report_count(r), all);
		kpix_html_element(&b, "p", NULL, s.data, s.len);
	}
	if (kpix_report_suppressed(r)) {
		kpix_buf_clear(&s);
		kpix_buf_printf(&s, "%" PRIu64 " more %s from these and %s not listed.",
		                kpix_report_suppressed(r),
		                kpix_report_suppressed(r) == 1 ? "problem follows" : "problems follow",
		                kpix_report_suppressed(r) == 1 ? "is" : "are");
		kpix_html_element(&b, "p", NULL, s.data, s.len);
	}
	files_list(&b, &s, r);

	if (kpix_report_code_count(r)) {
		element(&b, "h2", "Problems by code");
		code_table(&b, r);
	}
	size_t n = kpix_report_count(r);
	if (n) {
		element(&b, "h2", "Problems by row");
		size_t *order = kpix_report_by_place(r);
		for (size_t from = 0, to; from < n; from = to) {
			const char *file = kpix_report_get(r, order[from])->file;
			for (to = from + 1; to < n && kpix_report_get(r, order[to])->file == file; to++)
				;
			row_table(&b, &s, r, order, from, to);
		}
		free(order);
		element(&b, "h2", "Problems by kind");
		for (size_t i = 0; i < kpix_report_code_count(r); i++) {
			const char *code;
			uint64_t e, w;
			kpix_report_code_get(r, i, &code, &e, &w);
			by_code(&b, &s, r, code, e, w);
		}
	} else {
		element(&b, "p", "No problems were found.");
	}
	kpix_html_close(&b, "main");
	kpix_html_open(&b, "footer", NULL);
	kpix_buf_clear(&s);
	kpix_buf_printf(&s, "Checked by kpix %s against %s %s.", KPIX_VERSION, kpix_schema_id(schema),
	                kpix_schema_version(schema));
	kpix_html_element(&b, "p", NULL, s.data, s.len);
	kpix_html_close(&b, "footer");
	kpix_html_page_end(&b);
	bool ok = fwrite(b.data, 1, b.len, out) == b.len;
	kpix_buf_free(&b);
	kpix_buf_free(&s);
	kpix_buf_free(&title);
	return ok ? 0 : kpix_fail(KPIX_EIO, "cannot write the report");
}
