/* report_annotated.c - a validation report as an annotated copy of the
 * data (kpix_report_write_xlsx in kpix.h; docs/report-format.md).
 *
 * The data files are read again, through the same record source that
 * validation read them with, and each is written to a sheet of its own
 * with its cells where they were (Data!C4 in the report is C4 of the sheet
 * Data in the copy), so every reference a report gives still points at the
 * right cell. A cell with a problem is filled (an error plain red, a
 * warning striped amber, which black-and-white printing still tells
 * apart) and carries a comment with its messages; a column after the
 * data says Error or Warning on each row with a problem. A Summary sheet
 * gives the verdict, the likely cause and the counts per code; a Problems
 * sheet lists every diagnostic kept, each linked to its cell.
 *
 * Everything is written as text: what the officer typed, never a formula.
 * No clock, locale or path reaches the bytes; the workbook's date is
 * fixed. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kpix/kpix.h"
#include "outdir.h"
#include "report.h"
#include "report_text.h"
#include "source.h"
#include "util.h"
#include "xlsx.h"

#define EXCEL_ROWS 1048576u
#define EXCEL_COLUMNS 16384u
#define SHEET_NAME_CHARS 31
#define REPORT_DATE 315532800 /* 1980-01-01, the earliest date a ZIP file holds */

#define ERROR_FILL (0xF4C7C3 + 1)
#define WARNING_FILL (0xFFF2CC + 1)
#define WARNING_STRIPES (0xBF9000 + 1)

static const kpix_xstyle error_style = {.fill = ERROR_FILL, .border = true};
static const kpix_xstyle warning_style = {.fill = WARNING_FILL, .stripes = WARNING_STRIPES,
                                          .border = true};
static const kpix_xstyle heading = {.heading = true, .border = true};
static const kpix_xstyle wrap = {.wrap = true};
/* no look of its own, but at the top of its row, as the wrapped message
 * beside it is */
static const kpix_xstyle at_top = {.wrap = false};

/* A kept diagnostic in the order the copy meets it: file, row, column. */
typedef struct {
	size_t file; /* index in the report's files; nfiles for none */
	const kpix_diag *d;
	size_t index; /* in the report, which breaks ties */
} placed;

typedef struct {
	kpix_xlsx *wb;
	const kpix_report *r;
	placed *order;
	size_t norder;
	kpix_xlsx_sheet **sheets; /* one per file */
	size_t *first_row_of;     /* per diagnostic (report order): its row on the Problems sheet */
	/* the file being copied */
	size_t file;
	kpix_xlsx_sheet *ws;
	size_t next;        /* the first of order not yet met */
	uint32_t marker;    /* the 0-based column that says Error or Warning per row */
	bool cut;           /* rows past Excel's last were left out */
	kpix_buf text, note;
} annotator;

static const char *severity_word(kpix_severity s)
{
	return s == KPIX_SEVERITY_WARNING ? "Warning" : "Error";
}

/* ------------------------------------------------------- sheet names */

/* Whether name is taken already, as Excel compares names (ignoring
 * the case of ASCII letters). */
static bool taken(char **names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (names[i] && strcasecmp(names[i], name) == 0)
			return true;
	return false;
}

/* The first n characters of s (UTF-8), newly allocated. */
static char *first_chars(const char *s, size_t n)
{
	size_t i = 0;
	for (size_t c = 0; s[i] && c < n; c++)
		do
			i++;
		while (((unsigned char)s[i] & 0xc0) == 0x80);
	return kpix_xstrndup(s, i);
}

/* A name Excel takes for a sheet made from want and not yet in names:
 * characters Excel refuses ([ ] : * ? / \) made '_', no apostrophe at
 * either end, at most 31 characters, " (2)", " (3)", ... added when it is
 * taken. Newly allocated. */
static char *sheet_name(char **names, size_t n, const char *want)
{
	kpix_buf b = KPIX_BUF_INIT;
	for (const char *p = want; *p; p++)
		kpix_buf_addc(&b, strchr("[]:*?/\\", *p) ? '_' : *p);
	char *s = b.data ? b.data : kpix_xstrdup("");
	while (*s == '\'')
		memmove(s, s + 1, strlen(s));
	for (size_t len = strlen(s); len && s[len - 1] == '\''; len--)
		s[len - 1] = '\0';
	if (!*s || strcasecmp(s, "History") == 0) {
		free(s);
		s = kpix_xstrdup("Data");
	}
	char *name = first_chars(s, SHEET_NAME_CHARS);
	for (unsigned k = 2; taken(names, n, name); k++) {
		char suffix[16];
		int m = snprintf(suffix, sizeof(suffix), " (%u)", k);
		char *head = first_chars(s, SHEET_NAME_CHARS - (size_t)m);
		free(name);
		name = kpix_xasprintf("%s%s", head, suffix);
		free(head);
	}
	free(s);
	return name;
}

/* The name a copy of file i takes: the sheet read from a workbook (so that
 * Data!C4 names its cell in the copy too), else the file's name without
 * its extension. */
static char *file_sheet_want(const kpix_report *r, size_t i)
{
	const char *sheet = kpix_report_file_sheet(r, i);
	if (sheet)
		return kpix_xstrdup(sheet);
	const char *path, *enc;
	uint64_t rows, rejected;
	kpix_report_file_get(r, i, &path, &rows, &rejected, &enc);
	const char *base = kpix_base_name(path);
	const char *dot = strrchr(base, '.');
	return dot && dot != base ? kpix_xstrndup(base, (size_t)(dot - base)) : kpix_xstrdup(base);
}

/* ------------------------------------------------------ the copy */

static void set_width(kpix_xlsx_sheet *ws, uint16_t col, const char *text)
{
	size_t chars = 0;
	for (const char *p = text; *p; p++)
		chars += ((unsigned char)*p & 0xc0) != 0x80;
	double w = (double)chars + 2;
	kpix_xlsx_column_width(ws, col, w < 10 ? 10 : w > 40 ? 40 : w);
}

/* Writes the cell of the diagnostics order[*at...] that share its column:
 * the style of the worst, a comment with each message. */
static void annotate_cell(annotator *a, uint32_t row, const kpix_record *rec, size_t *at,
                          size_t end)
{
	const kpix_diag *d0 = a->order[*at].d;
	uint32_t col = d0->column;
	bool error = false;
	kpix_buf_clear(&a->note);
	for (; *at < end && a->order[*at].d->column == col; (*at)++) {
		const kpix_diag *d = a->order[*at].d;
		error = error || d->severity == KPIX_SEVERITY_ERROR;
		kpix_buf_printf(&a->note, "%s%s: %s [%s]", a->note.len ? "\n" : "",
		                severity_word(d->severity), d->message, kpix_report_shown_code(d));
	}
	if (col > EXCEL_COLUMNS)
		return;
	const kpix_xstyle *st = error ? &error_style : &warning_style;
	uint16_t c = (uint16_t)(col - 1);
	if (col <= rec->ncells && rec->cells[col - 1].len)
		kpix_xlsx_text(a->ws, row, c, rec->cells[col - 1].data, rec->cells[col - 1].len, st);
	else
		kpix_xlsx_blank(a->ws, row, c, st);
	kpix_xlsx_comment(a->ws, row, c, a->note.data);
}

static int on_record(void *ctx, const kpix_record *rec)
{
	annotator *a = ctx;
	if (rec->row > EXCEL_ROWS) {
		a->cut = true;
		return 1;
	}
	uint32_t row = (uint32_t)(rec->row - 1);
	/* the diagnostics of this row: [first, end) of order */
	while (a->next < a->norder && a->order[a->next].file == a->file &&
	       a->order[a->next].d->row < rec->row)
		a->next++;
	size_t first = a->next, end = first;
	while (end < a->norder && a->order[end].file == a->file && a->order[end].d->row == rec->row)
		end++;
	a->next = end;

	const kpix_xstyle *plain = rec->row == 1 ? &heading : NULL;
	size_t at = first;
	/* the row's own problems (no column) come first in order */
	bool row_error = false, any = first < end;
	kpix_buf_clear(&a->text);
	for (size_t i = first; i < end; i++) {
		const kpix_diag *d = a->order[i].d;
		row_error = row_error || d->severity == KPIX_SEVERITY_ERROR;
		if (!d->column)
			kpix_buf_printf(&a->text, "%s%s", a->text.len ? "; " : "", d->message);
	}
	while (at < end && !a->order[at].d->column)
		at++;
	size_t ncells = rec->ncells < EXCEL_COLUMNS ? rec->ncells : EXCEL_COLUMNS;
	for (size_t c = 0; c < ncells; c++) {
		if (at < end && a->order[at].d->column == c + 1) {
			annotate_cell(a, row, rec, &at, end);
			continue;
		}
		if (rec->cells[c].len || plain)
			kpix_xlsx_text(a->ws, row, (uint16_t)c, rec->cells[c].data, rec->cells[c].len,
			               plain);
		if (rec->row == 1)
			set_width(a->ws, (uint16_t)c, rec->cells[c].data);
	}
	while (at < end) /* cells the row does not reach (a missing cell) */
		annotate_cell(a, row, rec, &at, end);

	if (a->marker >= EXCEL_COLUMNS || (rec->ncells > a->marker && rec->cells[a->marker].len))
		return 0;
	uint16_t m = (uint16_t)a->marker;
	if (rec->row == 1 && !any) {
		const char *h = "Problems in this row (kpix)";
		kpix_xlsx_text(a->ws, 0, m, h, strlen(h), &heading);
		return 0;
	}
	if (!any)
		return 0;
	/* Error or Warning in words, then where: the cells, or what is wrong
	 * with the row as a whole */
	kpix_buf_clear(&a->note);
	kpix_buf_printf(&a->note, "%s: ", row_error ? "Error" : "Warning");
	bool cells = false;
	uint32_t last = 0;
	for (size_t i = first; i < end; i++) {
		const kpix_diag *d = a->order[i].d;
		if (!d->column || d->column == last)
			continue;
		char letters[8];
		kpix_column_letters(d->column, letters);
		kpix_buf_printf(&a->note, "%s%s%" PRIu64, cells ? ", " : "", letters, d->row);
		cells = true;
		last = d->column;
	}
	if (a->text.len)
		kpix_buf_printf(&a->note, "%s%s", cells ? "; " : "", a->text.data);
	kpix_xlsx_text(a->ws, row, m, a->note.data, a->note.len, row_error ? &error_style
	                                                                   : &warning_style);
	if (rec->row == 1) {
		/* the header row has a problem: the heading goes in the comment */
		kpix_xlsx_comment(a->ws, 0, m, "This column is kpix's: Error or Warning on each row "
		                               "with a problem, and which cells.");
	}
	return 0;
}

/* The column after the data: past the header and every cell a diagnostic
 * of file names. */
static uint32_t marker_column(const annotator *a, size_t file, size_t header_cells)
{
	size_t widest = header_cells;
	for (size_t i = 0; i < a->norder; i++)
		if (a->order[i].file == file && a->order[i].d->column > widest)
			widest = a->order[i].d->column;
	return (uint32_t)widest;
}

/* The number of cells of the first record of the file: its header. */
static int count_header(void *ctx, const kpix_record *rec)
{
	*(size_t *)ctx = rec->ncells;
	return 1;
}

static int copy_file(annotator *a, size_t i, const kpix_validate_options *vo)
{
	const char *path, *enc;
	uint64_t rows, rejected;
	kpix_report_file_get(a->r, i, &path, &rows, &rejected, &enc);
	kpix_source_options so = {vo ? vo->encoding : KPIX_ENCODING_AUTO,
	                          vo ? vo->max_field_bytes : 0,
	                          vo ? vo->max_columns : 0,
	                          NULL,
	                          NULL,
	                          false,
	                          vo ? vo->sheet : NULL};
	size_t header = 0;
	kpix_source_handler hh = {count_header, NULL, &header};
	int rc = kpix_source_read_file(path, &so, &hh);
	if (rc)
		return rc;
	a->file = i;
	a->ws = a->sheets[i];
	a->marker = marker_column(a, i, header);
	a->next = 0;
	while (a->next < a->norder && a->order[a->next].file < i)
		a->next++;
	kpix_xlsx_freeze(a->ws, 1, 0);
	if (a->marker < EXCEL_COLUMNS)
		kpix_xlsx_column_width(a->ws, (uint16_t)a->marker, 40);
	kpix_source_handler h = {on_record, NULL, a};
	return kpix_source_read_file(path, &so, &h);
}

/* ------------------------------------------------- Problems, Summary */

static void text(kpix_xlsx_sheet *ws, uint32_t row, uint16_t col, const char *s,
                 const kpix_xstyle *st)
{
	kpix_xlsx_text(ws, row, col, s ? s : "", s ? strlen(s) : 0, st);
}

/* The cell a diagnostic's link goes to: its cell, its row's first, its
 * column's heading; false when it is in no one place of a copied sheet. */
static bool target_of(const annotator *a, const kpix_diag *d, size_t *file, uint32_t *row,
                      uint16_t *col)
{
	if (!d->file || (!d->row && !d->column))
		return false;
	size_t f = kpix_report_file_index(a->r, d);
	if (f == kpix_report_file_count(a->r) || d->row > EXCEL_ROWS || d->column > EXCEL_COLUMNS)
		return false;
	*file = f;
	*row = d->row ? (uint32_t)(d->row - 1) : 0;
	*col = d->column ? (uint16_t)(d->column - 1) : 0;
	return true;
}

static void problems_sheet(annotator *a, kpix_xlsx_sheet *ws)
{
	/* the message beside where and how bad, so that the first printed page
	 * of the sheet says what is wrong; the columns to sort by after it */
	static const char *const heads[] = {"Where", "Severity", "Message", "Code", "Field",
	                                    "Value", "File", "Row", "Column"};
	static const double widths[] = {18, 10, 60, 22, 16, 20, 28, 7, 8};
	for (uint16_t c = 0; c < 9; c++) {
		text(ws, 0, c, heads[c], &heading);
		kpix_xlsx_column_width(ws, c, widths[c]);
	}
	const kpix_report *r = a->r;
	uint32_t row = 1;
	for (size_t i = 0; i < kpix_report_count(r) && row < EXCEL_ROWS; i++, row++) {
		const kpix_diag *d = kpix_report_get(r, i);
		kpix_buf_clear(&a->text);
		kpix_report_where(&a->text, r, d);
		size_t f;
		uint32_t trow;
		uint16_t tcol;
		if (target_of(a, d, &f, &trow, &tcol))
			kpix_xlsx_link(ws, row, 0, a->sheets[f], trow, tcol, a->text.data, NULL);
		else
			text(ws, row, 0, a->text.data, &at_top);
		text(ws, row, 1, severity_word(d->severity),
		     d->severity == KPIX_SEVERITY_WARNING ? &warning_style : &error_style);
		text(ws, row, 2, d->message, &wrap);
		text(ws, row, 3, kpix_report_shown_code(d), &at_top);
		text(ws, row, 4, d->field, &at_top);
		text(ws, row, 5, d->value, &at_top);
		text(ws, row, 6, d->file, &at_top);
		if (d->row)
			kpix_xlsx_number(ws, row, 7, (double)d->row, &at_top);
		if (d->column)
			kpix_xlsx_number(ws, row, 8, (double)d->column, &at_top);
		if (!a->first_row_of[i])
			a->first_row_of[i] = row;
	}
	kpix_xlsx_freeze(ws, 1, 0);
	kpix_xlsx_filter(ws, 0, row > 1 ? row - 1 : 1, 8);
	if (row == 1)
		text(ws, 1, 0, "No problems were found.", NULL);
}

static void summary_sheet(annotator *a, kpix_xlsx_sheet *ws, kpix_xlsx_sheet *problems,
                          const kpix_schema *schema)
{
	const kpix_report *r = a->r;
	kpix_xstyle title = {.bold = true, .size = 14};
	kpix_xstyle bold = {.bold = true};
	uint32_t row = 0;
	text(ws, row++, 0, "Validation report", &title);
	kpix_buf_clear(&a->text);
	kpix_report_verdict(&a->text, r, schema);
	text(ws, row++, 0, a->text.data, &bold);
	kpix_buf_clear(&a->text);
	const kpix_diag *first;
	if (kpix_report_cause_sentence(&a->text, r, &first)) {
		kpix_buf b = KPIX_BUF_INIT;
		kpix_buf_printf(&b, "Likely cause: %s", a->text.data);
		size_t f;
		uint32_t trow;
		uint16_t tcol;
		if (target_of(a, first, &f, &trow, &tcol))
			kpix_xlsx_link(ws, row++, 0, a->sheets[f], trow, tcol, b.data, NULL);
		else
			text(ws, row++, 0, b.data, NULL);
		kpix_buf_free(&b);
	}
	uint64_t all = kpix_report_errors(r) + kpix_report_warnings(r);
	if (kpix_report_truncated(r)) {
		kpix_buf_clear(&a->text);
		kpix_buf_printf(&a->text,
		                "Only the first %zu of %" PRIu64 " problems are listed and marked; the "
		                "others are counted below. Run kpix validate with --max-errors to list "
		                "more.",
		                kpix_report_count(r), all);
		text(ws, row++, 0, a->text.data, NULL);
	}
	if (kpix_report_suppressed(r)) {
		kpix_buf_clear(&a->text);
		kpix_buf_printf(&a->text, "%" PRIu64 " more problems follow from these and are not listed.",
		                kpix_report_suppressed(r));
		text(ws, row++, 0, a->text.data, NULL);
	}
	if (a->cut)
		text(ws, row++, 0, "A file has more rows than a sheet holds (1,048,576); the copy stops "
		                   "there.", NULL);
	text(ws, row++, 0, "Cells with a problem are filled, an error in plain red and a warning in "
	                   "striped amber, and their comment says what is wrong; the column after the "
	                   "data says Error or Warning on each row with a problem. The Problems sheet "
	                   "lists every problem with a link to its cell.", NULL);
	row++;
	static const char *const heads[] = {"Code", "Errors", "Warnings", "First listed"};
	for (uint16_t c = 0; c < 4; c++)
		text(ws, row, c, heads[c], &heading);
	row++;
	for (size_t i = 0; i < kpix_report_code_count(r); i++, row++) {
		const char *code;
		uint64_t e, w;
		kpix_report_code_get(r, i, &code, &e, &w);
		text(ws, row, 0, code, NULL);
		kpix_xlsx_number(ws, row, 1, (double)e, NULL);
		kpix_xlsx_number(ws, row, 2, (double)w, NULL);
		for (size_t k = 0; k < kpix_report_count(r); k++) {
			const kpix_diag *d = kpix_report_get(r, k);
			if (strcmp(kpix_report_shown_code(d), code) == 0 && a->first_row_of[k]) {
				kpix_buf_clear(&a->text);
				kpix_report_where(&a->text, r, d);
				kpix_xlsx_link(ws, row, 3, problems, a->first_row_of[k], 0, a->text.data, NULL);
				break;
			}
		}
	}
	row++;
	static const char *const fheads[] = {"File", "Sheet", "Data rows", "Rejected", "Encoding"};
	for (uint16_t c = 0; c < 5; c++)
		text(ws, row, c, fheads[c], &heading);
	row++;
	for (size_t i = 0; i < kpix_report_file_count(r); i++, row++) {
		const char *path, *enc;
		uint64_t rows, rejected;
		kpix_report_file_get(r, i, &path, &rows, &rejected, &enc);
		text(ws, row, 0, path, NULL);
		const char *sheet = kpix_report_file_sheet(r, i);
		text(ws, row, 1, sheet ? sheet : "(CSV)", NULL);
		kpix_xlsx_number(ws, row, 2, (double)rows, NULL);
		kpix_xlsx_number(ws, row, 3, (double)rejected, NULL);
		text(ws, row, 4, enc, NULL);
	}
	kpix_xlsx_column_width(ws, 0, 28);
	for (uint16_t c = 1; c < 5; c++)
		kpix_xlsx_column_width(ws, c, 14);
}

/* Copies the file at path to out. */
static int copy_out(const char *path, FILE *out, const char *name)
{
	FILE *in = fopen(path, "rb");
	if (!in)
		return kpix_fail(KPIX_EIO, "cannot write '%s': the workbook made is gone", name);
	char buf[1 << 16];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			break;
	bool bad = ferror(in) || ferror(out);
	fclose(in);
	return bad ? kpix_fail(KPIX_EIO, "cannot write '%s'", name) : 0;
}

int kpix_report_write_xlsx(const kpix_report *r, const kpix_schema *schema,
                           const kpix_validate_options *opts, const char *name, FILE *out)
{
	if (opts && opts->version != KPIX_VALIDATE_OPTIONS_VERSION)
		return kpix_fail(KPIX_EUSAGE, "kpix_report_write_xlsx: options of another version");
	char *dir = NULL;
	int rc = kpix_scratch_make(&dir, NULL);
	if (rc)
		return rc;
	char *path = kpix_xasprintf("%s/report.xlsx", dir);
	annotator a = {0};
	a.r = r;
	a.text = (kpix_buf)KPIX_BUF_INIT;
	a.note = (kpix_buf)KPIX_BUF_INIT;
	size_t nfiles = kpix_report_file_count(r), nkept = kpix_report_count(r);
	a.order = kpix_xcalloc(nkept + 1, sizeof(*a.order));
	a.first_row_of = kpix_xcalloc(nkept + 1, sizeof(*a.first_row_of));
	size_t *by_place = kpix_report_by_place(r);
	for (size_t i = 0; i < nkept; i++) {
		const kpix_diag *d = kpix_report_get(r, by_place[i]);
		a.order[a.norder++] = (placed){kpix_report_file_index(r, d), d, by_place[i]};
	}
	free(by_place);

	/* the names: the officer's sheets keep theirs, the report's own give way */
	char **names = kpix_xcalloc(nfiles + 2, sizeof(*names));
	for (size_t i = 0; i < nfiles; i++) {
		char *want = file_sheet_want(r, i);
		names[i] = sheet_name(names, i, want);
		free(want);
	}
	names[nfiles] = sheet_name(names, nfiles, "Summary");
	names[nfiles + 1] = sheet_name(names, nfiles + 1, "Problems");

	rc = kpix_xlsx_open(&a.wb, path, name);
	if (rc)
		goto done;
	kpix_xlsx_sheet *summary = kpix_xlsx_add_sheet(a.wb, names[nfiles]);
	kpix_xlsx_sheet *problems = kpix_xlsx_add_sheet(a.wb, names[nfiles + 1]);
	a.sheets = kpix_xcalloc(nfiles + 1, sizeof(*a.sheets));
	for (size_t i = 0; i < nfiles; i++)
		a.sheets[i] = kpix_xlsx_add_sheet(a.wb, names[i]);
	for (size_t i = 0; i < nfiles && rc == 0; i++)
		rc = copy_file(&a, i, opts);
	if (rc) {
		kpix_xlsx_discard(a.wb);
		goto done;
	}
	problems_sheet(&a, problems);
	summary_sheet(&a, summary, problems, schema);
	kpix_buf title = KPIX_BUF_INIT, subject = KPIX_BUF_INIT;
	kpix_buf_printf(&title, "Validation report: %s", kpix_schema_title(schema)
	                                                     ? kpix_schema_title(schema)
	                                                     : kpix_schema_id(schema));
	kpix_buf_printf(&subject, "Checked against %s %s", kpix_schema_id(schema),
	                kpix_schema_version(schema));
	const char *props[7] = {title.data, subject.data, NULL, NULL, NULL, "Validation report",
	                        NULL};
	kpix_xlsx_properties(a.wb, props, REPORT_DATE);
	kpix_buf_free(&title);
	kpix_buf_free(&subject);
	rc = kpix_xlsx_close(a.wb);
	if (rc == 0)
		rc = copy_out(path, out, name);
done:
	for (size_t i = 0; i < nfiles + 2; i++)
		free(names[i]);
	free(names);
	free(a.sheets);
	free(a.order);
	free(a.first_row_of);
	kpix_buf_free(&a.text);
	kpix_buf_free(&a.note);
	free(path);
	kpix_scratch_remove(dir);
	return rc;
}
