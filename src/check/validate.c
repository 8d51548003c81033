/* validate.c - check a table, streamed one row at a time, against a schema.
 *
 * One pass over each file. What must be remembered across rows is kept in
 * key sets (primary key, unique cells, self-referencing foreign keys,
 * completeness), so memory grows with the number of distinct keys, not
 * with the size of the file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"
#include "period.h"
#include "report.h"
#include "schema.h"
#include "schema_re.h"
#include "source.h"
#include "suggest.h"
#include "util.h"
#include "validate.h"

#define DEFAULT_MAX_ERRORS 1000
/* Unknown catalogue codes kept to find the data point each stood for. */
#define MAX_ASTRAY 1000
#define REGEX_MATCH_LIMIT 1000000
/* JIT's match limit counts steps that may each scan the whole cell, so its
 * time grows with the cell's length: its limit is this budget over the
 * length (about 25 ms of work), and a cell that exhausts it is matched
 * again by the interpreter, whose REGEX_MATCH_LIMIT bounds the time. */
#define REGEX_JIT_BUDGET 32000000
/* After this many cells of one field were too costly for its pattern, the
 * pattern is no longer tried in that field: this bounds the time a
 * catastrophic pattern can take over a whole file. */
#define REGEX_GIVE_UP 10

typedef struct {
	char *key;     /* the groupBy values, joined */
	char *period;  /* the period value, or NULL */
	const char *file;
	bool clean;    /* a row without an error names this group */
} comp_group;

typedef struct {
	kpix_keyset *groups; /* group key -> index + 1 */
	comp_group *list;
	size_t n, cap;
	kpix_keyset *seen;   /* group index, code, breakdown -> count */
	/* rows with errors, whose indicator is not missing but mistyped or
	 * sent astray: code, part, breakdown -> rows whose group fields were
	 * wrong; and the rows whose indicator was wrong (up to MAX_UNNAMED) */
	kpix_keyset *astray;
	struct unnamed {
		uint64_t group;
		char *code, *breakdown; /* as the row had them */
		bool known;             /* code is in the catalogue (its part was wrong) */
		bool used;              /* already taken for a missing indicator */
	} *unnamed;
	size_t nunnamed;
} comp_state;

/* Rows naming no indicator of the catalogue that are remembered to explain
 * a missing one: beyond these, a missing indicator is reported. */
#define MAX_UNNAMED 1024

/* The checks a cell of a field needs beyond its type, worked out once from
 * the schema so that the row loop tests one word per cell. */
enum {
	CHECK_RANGE = 1 << 0,   /* minimum or maximum */
	CHECK_LENGTH = 1 << 1,  /* minLength or maxLength */
	CHECK_PATTERN = 1 << 2,
	CHECK_ENUM = 1 << 3,
	CHECK_UNIQUE = 1 << 4,  /* unique in a set of its own, not the primary key's */
};

/* Enums of up to this many strings of up to 8 bytes are compared as words. */
#define MAX_WORD_ENUM 32

typedef struct {
	const kpix_field *f;
	size_t index; /* of f in the schema */
	unsigned checks;
	bool needed;  /* required or in the primary key: a missing value is an error */
	/* a short enum of strings: each value as a word (see text_word) and
	 * its length; NULL for other enums */
	uint64_t *enum_word;
	unsigned char *enum_len;
	kpix_shape *shape;  /* the pattern when it is a simple shape, matched without PCRE2 */
	unsigned costly;    /* cells the pattern was too costly for; at REGEX_GIVE_UP it is dropped */
	bool in_key;        /* part of the primary key or of a completeness group: a space at
	                     * either end of its text would make another key */
} field_plan;

typedef struct {
	uint64_t row;
	const char *file;
	size_t key_off, key_len; /* the key as looked up; its text as shown follows it */
	size_t text_len;
	size_t fk;
	uint32_t column;
	bool rejected; /* the row already had an error when it was read */
} pending_ref;

struct kpix_validator {
	const kpix_schema *s;
	kpix_validate_options opts;
	kpix_report report;
	bool finished;

	/* the file being read */
	kpix_file_total *file;
	size_t file_index;
	bool header_seen;
	long *col_field;     /* column -> field, -1 for none; width entries */
	field_plan **col_plan; /* column -> its field's plan, NULL for none; width entries */
	size_t ncols;
	size_t width;        /* columns a row should have: the header's, or the schema's
	                      * fields when they must match exactly and are more */
	long *field_col;     /* field -> column, -1 when the file lacks it */
	bool header_unmatched; /* the first row named no field: is the next the header? */
	bool rows_unchecked; /* no header was found: rows are counted, not checked */
	bool header_incomplete; /* a file lacked a column the schema requires: what is
	                         * missing from the return follows from that */
	kpix_buf header_shown; /* the first row's first labels, for the message */
	const kpix_source *src; /* the source being read */
	uint64_t header_row;  /* the row taken for the header: 1, --header-row's, or found */
	uint64_t above;       /* rows above a workbook's header not yet known to be none */
	kpix_cell *wide;      /* a workbook's row made as wide as its header */
	size_t wide_cap;
	/* the empty rows not yet judged (between rows, or at the end): the
	 * first's number and how many, one a line */
	uint64_t blank_first;
	size_t nblanks;
	uint64_t problem_row; /* the last row the reader reported an error in */

	field_plan *plan;

	/* per-row scratch; a field's entries are set when its cell is checked,
	 * and stay empty for a field the file has no column for */
	kpix_val *slots;
	const kpix_cell **field_cell; /* field -> its cell in this row, NULL when missing */
	bool *field_bad;     /* field -> its cell broke a constraint in this row */
	bool row_error;
	uint64_t row;
	kpix_buf key, msg;
	pcre2_match_data *md;
	pcre2_match_context *mctx;

	/* remembered across rows */
	kpix_keyset *pk;
	kpix_keyset **unique;   /* per field; may be the pk set itself */
	kpix_keyset **ukeys;    /* per uniqueKeys entry, made at the first row */
	kpix_keyset **fk_self;  /* per foreign key referring to this table */
	kpix_keyset **fk_typed; /* per foreign key compared by value to a file, a list or a
	                         * package's resource: its values as typed keys; NULL for a key
	                         * compared as text */
	pending_ref *pending;
	size_t npending, pending_cap;
	kpix_buf pending_keys;
	comp_state *comp;
	bool *rule_error_reported;

	field_plan *ind_plan; /* per indicator with a "value": its plan, on the value field */

	/* the return's figures (figures.h): this run's, then last period's */
	kpix_val *fig;
	char **fig_text;     /* per slot of fig: its own copy of a text figure, or NULL */
	bool *fig_given;     /* per figure: a row gave it, valid or not */
	char **astray;       /* codes not in the catalogue that rows gave (a slip's
	                      * data point is not also reported missing) */
	size_t nastray;
	struct fig_at {
		const char *file;
		uint64_t row;
		uint32_t col;
	} *fig_at;           /* where each of this run's figures was read */

	kpix_row_hook row_hook;
	void *row_hook_ctx;

	/* what each file's source read (its bytes and their SHA-256), in the
	 * report's order; last period's file's */
	kpix_source_info *read;
	kpix_source_info previous_read;
	bool has_previous;
	bool sha256;         /* hash each file's bytes as they are read */
};

/* ------------------------------------------------------------ diagnostics */

/* The code of a broken constraint. The validator passes this array itself,
 * so that the code is told from others by its address. */
static const char constraint_error[] = "constraint-error";
/* A pattern that PCRE2 gave up on: the cell was not checked against it. */
static const char pattern_too_costly[] = "pattern-too-costly";

/* What a diagnostic means for the row being checked, whether or not the
 * report keeps it: a broken constraint marks its field as bad, an error
 * of this row rejects the row. */
static inline void mark_row(kpix_validator *v, const char *code, kpix_severity sev, uint64_t row,
                            uint32_t col)
{
	if ((code == constraint_error || code == pattern_too_costly) && col > 0 && col <= v->ncols &&
	    v->col_field[col - 1] >= 0)
		v->field_bad[v->col_field[col - 1]] = true;
	if (sev == KPIX_SEVERITY_ERROR && row == v->row)
		v->row_error = true;
}

/* Diagnostics are rare beside the cells checked: marked cold, the code that
 * reports them is kept apart from the checks that seldom call it. */
static KPIX_COLD void emit(kpix_validator *v, const char *code, kpix_severity sev, uint64_t row,
                 uint32_t col, const char *field, const char *value, size_t vlen,
                 const char *rule, const char *total_code, const char *msg)
{
	if (!total_code)
		total_code = code;
	if (kpix_report_full(&v->report)) {
		kpix_report_skip(&v->report, sev, total_code);
	} else {
		kpix_diag d = {code, sev, v->file ? v->file->path : NULL, row, col, field, value, rule,
		               msg};
		kpix_report_add(&v->report, &d, total_code, vlen);
	}
	mark_row(v, code, sev, row, col);
}

/* A diagnostic the report has no room left to keep: only counted. With
 * many bad rows this runs for nearly every diagnostic, so it is not cold. */
static KPIX_NOINLINE void skip(kpix_validator *v, const char *code, kpix_severity sev, uint64_t row,
                           uint32_t col)
{
	kpix_report_skip(&v->report, sev, code);
	mark_row(v, code, sev, row, col);
}

static void write_diag(kpix_validator *v, const char *code, kpix_severity sev, uint64_t row,
                       uint32_t col, const char *field, const char *value, size_t vlen,
                       const char *rule, const char *fmt, ...) KPIX_PRINTF(10, 11) KPIX_COLD;
static void write_diag(kpix_validator *v, const char *code, kpix_severity sev, uint64_t row,
                       uint32_t col, const char *field, const char *value, size_t vlen,
                       const char *rule, const char *fmt, ...)
{
	va_list ap;
	kpix_buf_clear(&v->msg);
	va_start(ap, fmt);
	kpix_buf_vprintf(&v->msg, fmt, ap);
	va_end(ap);
	emit(v, code, sev, row, col, field, value, vlen, rule, NULL, v->msg.data ? v->msg.data : "");
}

/* Reports a diagnostic whose message is written from a printf format and
 * arguments. Once the report is full the diagnostic is only counted, and
 * the arguments of the message are not even worked out: with many bad
 * rows, nearly every diagnostic takes this path. */
#define emitf(v, code, sev, row, col, ...)                                                         \
	(kpix_report_full(&(v)->report) ? skip(v, code, sev, row, col)                            \
	                                : write_diag(v, code, sev, row, col, __VA_ARGS__))

static void flush_blank_rows(kpix_validator *v);

/* The reader's problems become diagnostics of the file being read. */
static void on_problem(void *ctx, const char *code, kpix_severity sev, uint64_t row, uint32_t col,
                       const char *value, const char *message)
{
	kpix_validator *v = ctx;
	const char *field = NULL;
	if (v->nblanks && row >= v->blank_first + v->nblanks)
		flush_blank_rows(v); /* they are not at the end: a row follows */
	if (col > 0 && col <= v->ncols && v->col_field && v->col_field[col - 1] >= 0)
		field = v->s->fields[v->col_field[col - 1]].name;
	if (sev == KPIX_SEVERITY_ERROR)
		v->problem_row = row;
	emit(v, code, sev, row, col, field, value, value ? strlen(value) : 0, NULL, NULL, message);
}

/* ----------------------------------------------------------------- header */

static bool same(const kpix_cell *c, const char *s)
{
	/* strncmp stops at the end of s, so s[c->len] is only read when s is
	 * at least that long */
	return strncmp(c->data, s, c->len) == 0 && s[c->len] == '\0';
}

/* A heading names a field as written, or behind the apostrophe kpix's CSV
 * writer puts before a name a spreadsheet would run as a formula (the
 * template's header row), which a spreadsheet saves back as it is. */
static bool same_label(const kpix_cell *c, const char *name)
{
	return same(c, name) || (c->len > 1 && c->data[0] == '\'' && strlen(name) == c->len - 1 &&
	                         memcmp(c->data + 1, name, c->len - 1) == 0 &&
	                         kpix_csv_formula_like(name, c->len - 1));
}

/* Empties every field's row state: no value, no cell, no broken constraint. */
static void clear_fields(kpix_validator *v)
{
	for (size_t f = 0; f < v->s->nfields; f++) {
		v->slots[f].kind = KPIX_VAL_NULL;
		v->field_cell[f] = NULL;
		v->field_bad[f] = false;
	}
}

/* Matches the header's labels to fields by name: each field to the first
 * column that names it. Returns how many fields were matched. */
static size_t match_by_name(kpix_validator *v, const kpix_record *rec)
{
	const kpix_schema *s = v->s;
	size_t named = 0;
	for (size_t c = 0; c < rec->ncells; c++) {
		v->col_field[c] = -1;
		for (size_t f = 0; f < s->nfields; f++)
			if (v->field_col[f] < 0 && same_label(&rec->cells[c], s->fields[f].name)) {
				v->col_field[c] = (long)f;
				v->field_col[f] = (long)c;
				named++;
				break;
			}
	}
	return named;
}

/* Whether any label of rec names a field of the schema. */
static bool names_a_field(const kpix_schema *s, const kpix_record *rec)
{
	for (size_t c = 0; c < rec->ncells; c++)
		for (size_t f = 0; f < s->nfields; f++)
			if (same_label(&rec->cells[c], s->fields[f].name))
				return true;
	return false;
}

/* The first row named none of the schema's fields: one diagnostic says
 * so, quoting the row (kept in header_shown). title_row is the row after
 * it when that row does name fields, so that the first row is a title
 * above the header (as a report pasted into a sheet has), or 0. */
static void report_unmatched_header(kpix_validator *v, uint64_t title_row)
{
	const char *shown = v->header_shown.len ? v->header_shown.data : "empty";
	uint64_t at = v->header_row ? v->header_row : 1;
	if (title_row && v->opts.header_row) {
		emitf(v, "missing-label", KPIX_SEVERITY_ERROR, at, 0, NULL, NULL, 0, NULL,
		      "row %llu (%s), which --header-row names, is not the header: the column names "
		      "are in row %llu; give --header-row %llu",
		      (unsigned long long)at, shown, (unsigned long long)title_row,
		      (unsigned long long)title_row);
		return;
	}
	if (title_row) {
		emitf(v, "missing-label", KPIX_SEVERITY_ERROR, 1, 0, NULL, NULL, 0, NULL,
		      "row 1 (%s) is a title, not the header: the column names are in row %llu; "
		      "delete the rows above them so that the header is the first row",
		      shown, (unsigned long long)title_row);
		return;
	}
	v->header_incomplete = true;
	if (v->opts.header_row)
		emitf(v, "missing-label", KPIX_SEVERITY_ERROR, at, 0, NULL, NULL, 0, NULL,
		      "row %llu (%s), which --header-row names, names none of the columns of the "
		      "schema %s, such as '%s', so kpix cannot check the rows; give --header-row the "
		      "row that holds the column names of the template",
		      (unsigned long long)at, shown, v->s->id, v->s->fields[0].name);
	else if (v->src && kpix_source_info_get(v->src)->sheet[0])
		emitf(v, "missing-label", KPIX_SEVERITY_ERROR, at, 0, NULL, NULL, 0, NULL,
		      "none of the first %d rows of the sheet names a column of the schema %s, such "
		      "as '%s' (the first row that is not empty: %s), so kpix cannot check the rows; "
		      "the header must hold the column names of the template, or give its row with "
		      "--header-row",
		      KPIX_HEADER_SEARCH_ROWS, v->s->id, v->s->fields[0].name, shown);
	else
		emitf(v, "missing-label", KPIX_SEVERITY_ERROR, 1, 0, NULL, NULL, 0, NULL,
		      "the first row (%s) names none of the columns of the schema %s, such as '%s', so "
		      "kpix cannot check the rows; the first row must be the header, holding the "
		      "column names of the template",
		      shown, v->s->id, v->s->fields[0].name);
}

/* The first labels of rec, kept in header_shown for a message. */
static void keep_shown(kpix_validator *v, const kpix_record *rec)
{
	kpix_buf_clear(&v->header_shown);
	for (size_t c = 0, k = 0; c < rec->ncells && k < 3; c++)
		if (rec->cells[c].len)
			kpix_buf_printf(&v->header_shown, "%s'%s'", k++ ? ", " : "", rec->cells[c].data);
}

static bool blank(const kpix_record *rec);

/* A workbook's search for its header found none: the first row that is not
 * empty was the header and names no field (one error), and the rows after
 * it are counted and not checked. Nothing when every row searched was
 * empty: the next row is the header. */
static void end_header_search(kpix_validator *v)
{
	if (!v->above)
		return;
	report_unmatched_header(v, 0);
	v->header_seen = true;
	v->rows_unchecked = true;
	v->file->rows += v->above - 1;
	v->file->rejected += v->above - 1;
	v->above = 0;
}

/* Whether rec lies above the header, and is not data: a row before the one
 * --header-row names; or, in a workbook, where a title and blank rows
 * often sit above the header, one of the first KPIX_HEADER_SEARCH_ROWS rows
 * before the first that names a field of the schema. When no such row
 * names a field, the search ends at the row after them (or at the end of
 * the sheet, through end_header_search) as a CSV's does at its first row:
 * the first row that is not empty is taken for the header, named in one
 * error, and the rows are counted, not checked. A CSV's header is its
 * first row, as a CSV written by any program has it (a title above it is
 * one error: see report_unmatched_header). */
static bool above_header(kpix_validator *v, const kpix_record *rec)
{
	if (v->opts.header_row) {
		v->header_row = v->opts.header_row;
		return rec->row < v->opts.header_row;
	}
	if (!v->s->nfields || !v->src || !kpix_source_info_get(v->src)->sheet[0])
		return false;
	if (rec->row <= KPIX_HEADER_SEARCH_ROWS && !names_a_field(v->s, rec)) {
		if (!blank(rec) && !v->above++) {
			keep_shown(v, rec);
			v->header_row = rec->row;
		}
		return true;
	}
	if (rec->row <= KPIX_HEADER_SEARCH_ROWS) {
		v->header_row = rec->row;
		v->above = 0;
	} else {
		end_header_search(v);
	}
	return false;
}

/* Columns are matched to fields by name whenever the header names every
 * field, so that columns in another order are checked as what they are;
 * only "exact" matches by position a header that lacks a field, and only
 * "exact" reports the order (frictionless-py's incorrect-label). A header
 * that names no field is one diagnostic (see report_unmatched_header),
 * reported once the next row shows whether the header is below it. */
static void check_header(kpix_validator *v, const kpix_record *rec)
{
	const kpix_schema *s = v->s;
	size_t n = rec->ncells;
	bool exact = s->fields_match == KPIX_MATCH_EXACT;
	v->ncols = n;
	v->width = exact && s->nfields > n ? s->nfields : n;
	free(v->col_field);
	v->col_field = kpix_xcalloc(v->width ? v->width : 1, sizeof(long));
	for (size_t f = 0; f < s->nfields; f++)
		v->field_col[f] = -1;
	clear_fields(v);
	free(v->col_plan);
	v->col_plan = kpix_xcalloc(v->width ? v->width : 1, sizeof(*v->col_plan));
	size_t named = match_by_name(v, rec);
	if (s->nfields && named == 0 && !v->header_unmatched) {
		/* decided at the next row, or at the end of the file */
		v->header_unmatched = true;
		keep_shown(v, rec);
		return;
	}
	v->header_unmatched = false;
	bool by_name = !exact || named == s->nfields;
	if (!by_name) {
		for (size_t f = 0; f < s->nfields; f++)
			v->field_col[f] = f < n ? (long)f : -1;
		for (size_t c = 0; c < n; c++)
			v->col_field[c] = c < s->nfields ? (long)c : -1;
	}
	/* beyond the header, an exact match still puts field c in column c */
	for (size_t c = n; c < v->width; c++)
		v->col_field[c] = (long)c;
	bool want_extra = s->fields_match == KPIX_MATCH_EXACT || s->fields_match == KPIX_MATCH_EQUAL ||
	                  s->fields_match == KPIX_MATCH_SUPERSET;
	bool want_missing = s->fields_match == KPIX_MATCH_EXACT || s->fields_match == KPIX_MATCH_EQUAL ||
	                    s->fields_match == KPIX_MATCH_SUBSET;
	/* a field an extra column's heading is a slip for: named there, and
	 * not reported again as missing */
	bool *suggested = kpix_xcalloc(s->nfields ? s->nfields : 1, sizeof(bool));
	const char **absent = kpix_xcalloc(s->nfields ? s->nfields : 1, sizeof(char *));
	size_t nabsent = 0;
	for (size_t f = 0; f < s->nfields; f++)
		if (v->field_col[f] < 0)
			absent[nabsent++] = s->fields[f].name;

	for (size_t c = 0; c < n; c++) {
		const kpix_cell *label = &rec->cells[c];
		uint32_t col = (uint32_t)(c + 1);
		const char *fname = v->col_field[c] >= 0 ? s->fields[v->col_field[c]].name : NULL;
		bool dup = false;
		for (size_t p = 0; p < c && !dup; p++)
			dup = label->len && rec->cells[p].len == label->len &&
			      memcmp(rec->cells[p].data, label->data, label->len) == 0;
		if (label->len == 0 && !fname && c + 1 == n && n > 1) {
			emitf(v, "blank-label", KPIX_SEVERITY_ERROR, rec->row, col, NULL, "", 0, NULL,
			      "column %u has no heading: the header row ends with a comma, which "
			      "makes an empty last column; remove that comma",
			      col);
		} else if (label->len == 0) {
			emitf(v, "blank-label", KPIX_SEVERITY_ERROR, rec->row, col, fname, "", 0, NULL,
			      "column %u has no heading%s%s%s", col, fname ? "; it should be '" : "",
			      fname ? fname : "", fname ? "'" : "");
		} else if (dup) {
			emitf(v, "duplicate-label", KPIX_SEVERITY_ERROR, rec->row, col, fname, label->data,
			      label->len, NULL, "the heading '%s' appears twice; each column needs its own",
			      label->data);
		} else if (exact && c < s->nfields && !same_label(label, s->fields[c].name)) {
			emitf(v, "incorrect-label", KPIX_SEVERITY_ERROR, rec->row, col, s->fields[c].name,
			      label->data, label->len, NULL,
			      "column %u is headed '%s' but the schema expects '%s' here%s", col,
			      label->data, s->fields[c].name,
			      by_name ? "; kpix checked the columns by their headings" : "");
		} else if (v->col_field[c] < 0 && want_extra) {
			kpix_buf near = KPIX_BUF_INIT;
			kpix_suggest(&near, label->data, label->len, absent, nabsent);
			for (size_t f = 0; f < s->nfields && near.len; f++) {
				kpix_buf q = KPIX_BUF_INIT;
				kpix_buf_printf(&q, "'%s'", s->fields[f].name);
				if (v->field_col[f] < 0 && strstr(near.data, q.data))
					suggested[f] = true;
				kpix_buf_free(&q);
			}
			emitf(v, "extra-label", KPIX_SEVERITY_ERROR, rec->row, col, NULL, label->data, label->len,
			      NULL, "the column '%s' is not in the schema %s%s%s%s", label->data, s->id,
			      near.len ? "; did you mean " : "", near.len ? near.data : "",
			      near.len ? "?" : "");
			kpix_buf_free(&near);
		}
	}
	for (size_t f = 0; f < s->nfields; f++) {
		if (v->field_col[f] >= 0 || !want_missing || suggested[f])
			continue;
		uint32_t col = exact ? (uint32_t)(f + 1) : 0;
		v->header_incomplete = true;
		emitf(v, "missing-label", KPIX_SEVERITY_ERROR, rec->row, col, s->fields[f].name, NULL, 0, NULL,
		      "the file has no column '%s', which the schema requires", s->fields[f].name);
	}
	free(suggested);
	free(absent);
	for (size_t c = 0; c < v->width; c++)
		v->col_plan[c] = v->col_field[c] >= 0 ? &v->plan[v->col_field[c]] : NULL;
}

/* ------------------------------------------------------------------ cells */

static bool is_missing(const kpix_field *f, const kpix_cell *c)
{
	if (c->len == 0)
		return f->missing_empty;
	if (c->len > f->missing_maxlen)
		return false;
	for (size_t i = 0; i < f->missing.n; i++)
		if (same(c, f->missing.items[i]))
			return true;
	return false;
}

/* Up to 8 bytes as a number, the first byte lowest, the rest zero: two
 * texts of equal length are equal when their words are. */
static uint64_t text_word(const char *s, size_t len)
{
	uint64_t w = 0;
	for (size_t i = 0; i < len; i++)
		w |= (uint64_t)(unsigned char)s[i] << (8 * i);
	return w;
}

/* Whether a cell is one of the enum's values, by comparing words: without
 * a call, and without a branch on which value it is. */
static bool in_word_enum(const field_plan *p, size_t n, const kpix_cell *c)
{
	if (c->len > 8)
		return false;
	uint64_t w = text_word(c->data, c->len);
	bool found = false;
	for (size_t i = 0; i < n; i++)
		found |= (p->enum_word[i] == w) & (p->enum_len[i] == c->len);
	return found;
}

static size_t utf8_chars(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}

/* The Table Schema types whose cells are checked for their form and kept
 * as text (duration, geopoint, geojson, object, array) and the string
 * formats: 0 when the cell is in the form, -1 otherwise. */
static int check_text_type(const kpix_field *f, const kpix_cell *c)
{
	double lon, lat;
	switch (f->type) {
	case KPIX_T_STRING:
		return kpix_cast_string(c->data, c->len, f->strfmt);
	case KPIX_T_DURATION:
		return kpix_cast_duration(c->data, c->len);
	case KPIX_T_GEOPOINT:
		return kpix_cast_geopoint(c->data, c->len, f->format, &lon, &lat);
	case KPIX_T_GEOJSON:
		return kpix_cast_json(c->data, c->len, f->format ? KPIX_JSON_TOPOJSON : KPIX_JSON_GEOJSON);
	case KPIX_T_OBJECT:
		return kpix_cast_json(c->data, c->len, KPIX_JSON_OBJECT);
	case KPIX_T_ARRAY:
		return kpix_cast_json(c->data, c->len, KPIX_JSON_ARRAY);
	default:
		return 0;
	}
}

/* Casts a cell; returns 0 with *out set, or -1 for a type error. */
static int cast(const kpix_field *f, const kpix_cell *c, kpix_val *out)
{
	out->kind = KPIX_VAL_NUMBER;
	switch (f->type) {
	case KPIX_T_STRING:
		if (f->strfmt != KPIX_STR_DEFAULT && check_text_type(f, c) != 0)
			return -1;
		*out = (kpix_val){KPIX_VAL_STRING, false, 0, c->data, c->len};
		return 0;
	case KPIX_T_DURATION:
	case KPIX_T_GEOPOINT:
	case KPIX_T_GEOJSON:
	case KPIX_T_OBJECT:
	case KPIX_T_ARRAY:
		if (check_text_type(f, c) != 0)
			return -1;
		/* fall through */
	case KPIX_T_ANY:
		*out = (kpix_val){KPIX_VAL_STRING, false, 0, c->data, c->len};
		return 0;
	case KPIX_T_TIME:
		return kpix_cast_time(c->data, c->len, f->format, &out->num);
	case KPIX_T_DATETIME:
		return kpix_cast_datetime(c->data, c->len, f->format, &out->num);
	case KPIX_T_INTEGER: {
		int64_t i;
		if (kpix_cast_integer(c->data, c->len, &f->numfmt, &i))
			return -1;
		out->num = (double)i;
		return 0;
	}
	case KPIX_T_NUMBER:
		return kpix_cast_number(c->data, c->len, &f->numfmt, &out->num);
	case KPIX_T_BOOLEAN:
		out->kind = KPIX_VAL_BOOL;
		return kpix_cast_boolean(c->data, c->len,
		                         f->true_values.n ? (const char *const *)f->true_values.items : NULL,
		                         f->false_values.n ? (const char *const *)f->false_values.items : NULL,
		                         &out->b);
	case KPIX_T_DATE:
	case KPIX_T_YEAR:
	case KPIX_T_YEARMONTH: {
		/* days since 1970, a year, or year * 12 + month - 1 */
		int32_t n;
		/* a workbook's date cell is a date whatever its format: ISO */
		if ((f->type == KPIX_T_DATE   ? kpix_cast_date(c->data, c->len, c->date ? NULL : f->format, &n)
		     : f->type == KPIX_T_YEAR ? kpix_cast_year(c->data, c->len, &n)
		                              : kpix_cast_yearmonth(c->data, c->len, &n)) != 0)
			return -1;
		out->num = n;
		return 0;
	}
	}
	return -1;
}

/* Why a cell of f was refused by cast, for the message, or NULL. */
static const char *type_problem(const kpix_field *f, const kpix_cell *c, char *buf, size_t n)
{
	switch (f->type) {
	case KPIX_T_INTEGER:
	case KPIX_T_NUMBER:
		return kpix_number_problem(c->data, c->len, &f->numfmt, f->type == KPIX_T_INTEGER, buf, n);
	case KPIX_T_DATE:
		return kpix_date_problem(c->data, c->len, f->format, buf, n);
	default:
		return NULL;
	}
}

/* Writes u as 8 bytes, the most significant first. */
static inline void store_be64(char *p, uint64_t u)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	u = __builtin_bswap64(u);
	memcpy(p, &u, sizeof(u));
#else
	for (int i = 0; i < 8; i++)
		p[i] = (char)(u >> (56 - 8 * i));
#endif
}

/* The number of zero bits below the lowest one bit of u, which is not zero. */
static inline unsigned count_trailing_zeros64(uint64_t u)
{
#if defined(__GNUC__)
	return (unsigned)__builtin_ctzll(u);
#else
	unsigned n = 0;
	while (!(u & 1)) {
		u >>= 1;
		n++;
	}
	return n;
#endif
}

/* Appends a typed value to a key so that equal values give equal keys
 * ("1" and "01" in an integer field are the same key). A number that ends
 * the key leaves out its trailing zero bytes: whole numbers, whose low
 * mantissa bytes are zero, make keys of a few bytes instead of eight.
 * Equality and order are kept: the parts before it have fixed or
 * recorded lengths, and keys of the same fields compare as they would
 * with the zeros put back. */
static void add_key_part(kpix_buf *k, const kpix_val *val, bool last)
{
	/* the kind and a number or a boolean are at most 9 bytes, written in place */
	if (k->len + 9 >= k->cap)
		kpix_buf_grow(k, 9);
	char *p = k->data + k->len;
	*p++ = (char)('0' + val->kind);
	switch (val->kind) {
	case KPIX_VAL_NUMBER: {
		/* big-endian with the sign flipped, so that byte order is numeric
		 * order and ids in a sorted file make keys in increasing order */
		double d = val->num == 0 ? 0 : val->num;
		uint64_t u;
		memcpy(&u, &d, sizeof(u));
		u = (u & UINT64_C(0x8000000000000000)) ? ~u : u | UINT64_C(0x8000000000000000);
		store_be64(p, u);
		/* the trailing zero bytes are the low zero bytes of u; u is zero
		 * only for one NaN, whose first byte is kept as any other's */
		p += last && u ? 8 - (size_t)(count_trailing_zeros64(u) / 8) : 8;
		break;
	}
	case KPIX_VAL_BOOL:
		*p++ = val->b ? '1' : '0';
		break;
	case KPIX_VAL_STRING: {
		uint32_t n = (uint32_t)val->len;
		k->len = (size_t)(p - k->data);
		kpix_buf_add(k, &n, sizeof(n));
		kpix_buf_add(k, val->str, val->len);
		return;
	}
	default:
		break;
	}
	k->len = (size_t)(p - k->data);
	*p = '\0';
}

/* Key sets remember where a key was first seen: the file's index in the
 * top 16 bits, the row in the rest. */
#define WHERE(v) (((uint64_t)(v)->file_index << 48) | (v)->row)
#define WHERE_ROW(w) ((w) & ((UINT64_C(1) << 48) - 1))
#define WHERE_FILE(w) ((size_t)((w) >> 48))

/* " of row 12" or " of row 12 in q1.csv" when the first was in another file. */
static void describe_where(kpix_validator *v, kpix_buf *out, uint64_t where)
{
	kpix_buf_printf(out, "row %llu", (unsigned long long)WHERE_ROW(where));
	if (WHERE_FILE(where) != v->file_index)
		kpix_buf_printf(out, " of %s", v->report.files[WHERE_FILE(where)].path);
}

/* The values an enum allows, for a message: the first twelve, then how
 * many more. */
static void enum_list(const kpix_field *f, kpix_buf *out)
{
	for (size_t i = 0; i < f->enum_text.n && i < 12; i++)
		kpix_buf_printf(out, "%s%s", i ? ", " : "", f->enum_text.items[i]);
	if (f->enum_text.n > 12)
		kpix_buf_printf(out, " and %zu more", f->enum_text.n - 12);
}

/* Whether the whole cell matches the field's pattern: 1 or 0, or -1 when
 * PCRE2 gave up within its limits and cannot say. */
static int match_pattern(kpix_validator *v, const field_plan *p, const kpix_cell *c)
{
	const kpix_field *f = p->f;
	int m;
	if (p->shape)
		return kpix_shape_match(p->shape, c->data, c->len);
	if (f->re->jit) {
		size_t limit = REGEX_JIT_BUDGET / (c->len + 1);
		pcre2_set_match_limit(v->mctx, limit > REGEX_MATCH_LIMIT ? REGEX_MATCH_LIMIT
		                                : limit ? (uint32_t)limit : 1);
		m = pcre2_jit_match(f->re->code, (PCRE2_SPTR)c->data, c->len, 0, 0, v->md, v->mctx);
		pcre2_set_match_limit(v->mctx, REGEX_MATCH_LIMIT);
		if (m != PCRE2_ERROR_MATCHLIMIT)
			return m >= 0 ? 1 : m == PCRE2_ERROR_NOMATCH ? 0 : -1;
	}
	m = pcre2_match(f->re->code, (PCRE2_SPTR)c->data, c->len, 0, PCRE2_NO_JIT, v->md, v->mctx);
	return m >= 0 ? 1 : m == PCRE2_ERROR_NOMATCH ? 0 : -1;
}

/* The length of a space (a blank, a tab or a no-break space) at the
 * start of s, or 0. */
static size_t space_at(const char *s, size_t len)
{
	if (len && (s[0] == ' ' || s[0] == '\t'))
		return 1;
	return len >= 2 && (unsigned char)s[0] == 0xc2 && (unsigned char)s[1] == 0xa0 ? 2 : 0;
}

/* The length of a space at the end of s, or 0. */
static size_t space_before_end(const char *s, size_t len)
{
	if (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		return 1;
	return len >= 2 && (unsigned char)s[len - 2] == 0xc2 && (unsigned char)s[len - 1] == 0xa0
	           ? 2
	           : 0;
}

/* Where a cell has spaces ("a space at the end", ...) and the text
 * between them (*core), or NULL when it has none at either end. */
static const char *spaces_of(const kpix_cell *c, kpix_cell *core)
{
	size_t a = 0, b = c->len, n;
	while ((n = space_at(c->data + a, b - a)) != 0)
		a += n;
	while (b > a && (n = space_before_end(c->data + a, b - a)) != 0)
		b -= n;
	if (a == 0 && b == c->len)
		return NULL;
	*core = (kpix_cell){c->data + a, b - a};
	return a && b < c->len ? "spaces at both ends"
	       : a             ? "a space at the start"
	                       : "a space at the end";
}

/* A cell of a key field with spaces at either end: one error that says so,
 * as the spaces would make a key of its own (an organisation of its own,
 * missing every indicator). Returns whether it reported one. */
static bool check_key_spaces(kpix_validator *v, const field_plan *p, const kpix_cell *c,
                             uint32_t col)
{
	kpix_cell core;
	const char *sp = spaces_of(c, &core);
	if (!sp)
		return false;
	emitf(v, constraint_error, KPIX_SEVERITY_ERROR, v->row, col, p->f->name, c->data, c->len,
	      "spaces", "'%s' has %s; remove %s: kpix would take '%.*s' with %s for another %s",
	      c->data, sp, strcmp(sp, "spaces at both ends") == 0 ? "them" : "it", (int)core.len,
	      core.data, strcmp(sp, "spaces at both ends") == 0 ? "them" : "it", p->f->name);
	return true;
}

static void check_constraints(kpix_validator *v, field_plan *p, const kpix_cell *c,
                              uint32_t col)
{
	unsigned checks = p->checks;
	if (!checks)
		return;
	size_t fi = p->index;
	const kpix_field *f = p->f;
	const kpix_val *val = &v->slots[fi];
	const char *fname = f->name;
	if ((checks & CHECK_RANGE) && val->kind == KPIX_VAL_NUMBER &&
	    ((f->min_exclusive && val->num == f->minimum) || (f->max_exclusive && val->num == f->maximum)))
		emitf(v, constraint_error, KPIX_SEVERITY_ERROR, v->row, col, fname, c->data, c->len,
		      f->min_exclusive && val->num == f->minimum ? "exclusiveMinimum" : "exclusiveMaximum",
		      "%s must be %s %s, not equal to it", fname,
		      f->min_exclusive && val->num == f->minimum ? "above" : "below", c->data);
	else if ((checks & CHECK_RANGE) && val->kind == KPIX_VAL_NUMBER) {
		if (f->has_minimum && val->num < f->minimum)
			emitf(v, constraint_error, KPIX_SEVERITY_ERROR, v->row, col, fname, c->data, c->len,
			      "minimum", "%s is below the minimum of %s allowed for %s", c->data,
			      f->minimum_text, fname);
		else if (f->has_maximum && val->num > f->maximum)
			emitf(v, constraint_error, KPIX_SEVERITY_ERROR, v->row, col, fname, c->data, c->len,
			      "maximum", "%s is above the maximum of %s allowed for %s", c->data,
			      f->maximum_text, fname);
	}
	if (checks & CHECK_LENGTH) {
		size_t n = utf8_chars(c->data, c->len);
		if (f->min_length >= 0 && n < (size_t)f->min_length)
			emitf(v, constraint_error, KPIX_SEVERITY_ERROR, v->row, col, fname, c->data, c->len,
			      "minLength", "'%s' is %zu characters long; %s needs at least %lld", c->data, n,
			      fname, (long long)f->min_length);
		else if (f->max_length >= 0 && n > (size_t)f->max_length)
			emitf(v, constraint_error, KPIX_SEVERITY_ERROR, v->row, col, fname, c->data, c->len,
			      "maxLength", "this is %zu characters long; %s allows at most %lld", n, fname,
			      (long long)f->max_length);
	}
	if ((checks & CHECK_PATTERN) && p->costly < REGEX_GIVE_UP) {
		int m = match_pattern(v, p, c);
		if (m < 0) {
			emitf(v, pattern_too_costly, KPIX_SEVERITY_ERROR, v->row, col, fname, c->data,
			      c->len, "pattern",
			      "the pattern of %s is too costly to check against this cell, so kpix cannot "
			      "say whether '%s' matches it; simplify the pattern in the schema",
			      fname, c->data);
			if (++p->costly == REGEX_GIVE_UP)
				emitf(v, pattern_too_costly, KPIX_SEVERITY_ERROR, v->row, col, fname, NULL, 0,
				      "pattern",
				      "the pattern of %s was too costly to check in %d cells, so kpix checks "
				      "no more cells of %s against it",
				      fname, REGEX_GIVE_UP, fname);
		} else if (m == 0) {
			kpix_cell core;
			const char *sp = spaces_of(c, &core);
			if (sp && !kpix_report_full(&v->report) && match_pattern(v, p, &core) == 1)
				emitf(v, constraint_error, KPIX_SEVERITY_ERROR, v->row, col, fname, c->data,
				      c->len, "pattern", "'%s' has %s; without %s, '%.*s' is in the form %s "
				      "expects",
				      c->data, sp, strcmp(sp, "spaces at both ends") == 0 ? "them" : "it",
				      (int)core.len, core.data, fname);
			else if (f->example)
				emitf(v, constraint_error, KPIX_SEVERITY_ERROR, v->row, col, fname, c->data,
				      c->len, "pattern", "'%s' is not in the form %s expects, such as '%s'",
				      c->data, fname, f->example);
			else
				emitf(v, constraint_error, KPIX_SEVERITY_ERROR, v->row, col, fname, c->data,
				      c->len, "pattern", "'%s' does not match the pattern %s of %s", c->data,
				      f->pattern, fname);
		}
	}
	if (checks & CHECK_ENUM) {
		bool ok = false;
		if (p->enum_word)
			ok = in_word_enum(p, f->enum_text.n, c);
		else
			for (size_t i = 0; i < f->enum_text.n && !ok; i++)
				ok = f->enum_num ? val->kind == KPIX_VAL_NUMBER && val->num == f->enum_num[i]
				                 : same(c, f->enum_text.items[i]);
		kpix_cell core;
		const char *sp = ok ? NULL : spaces_of(c, &core);
		bool core_ok = false;
		for (size_t i = 0; sp && !f->enum_num && i < f->enum_text.n && !core_ok; i++)
			core_ok = same(&core, f->enum_text.items[i]);
		if (core_ok) {
			emitf(v, constraint_error, KPIX_SEVERITY_ERROR, v->row, col, fname, c->data, c->len,
			      "enum", "'%s' has %s; without %s, '%.*s' is one of the values allowed for %s",
			      c->data, sp, strcmp(sp, "spaces at both ends") == 0 ? "them" : "it",
			      (int)core.len, core.data, fname);
		} else if (!ok) {
			kpix_buf list = KPIX_BUF_INIT, near = KPIX_BUF_INIT;
			if (!kpix_report_full(&v->report) && !f->enum_num)
				kpix_suggest(&near, c->data, c->len, (const char *const *)f->enum_text.items,
				             f->enum_text.n);
			if (!kpix_report_full(&v->report) && !near.len)
				enum_list(f, &list);
			if (near.len)
				emitf(v, constraint_error, KPIX_SEVERITY_ERROR, v->row, col, fname, c->data,
				      c->len, "enum", "'%s' is not one of the values allowed for %s; did you "
				      "mean %s?", c->data, fname, near.data);
			else
				emitf(v, constraint_error, KPIX_SEVERITY_ERROR, v->row, col, fname, c->data,
				      c->len, "enum", "'%s' is not one of the values allowed for %s: %s",
				      c->data, fname, list.data ? list.data : "");
			kpix_buf_free(&list);
			kpix_buf_free(&near);
		}
	}
	/* a field that is the whole primary key is checked with the key */
	if (checks & CHECK_UNIQUE) {
		kpix_buf_clear(&v->key);
		add_key_part(&v->key, val, true);
		bool added;
		uint64_t *first = kpix_keyset_upsert(v->unique[fi], v->key.data, v->key.len, &added);
		if (added) {
			*first = WHERE(v);
		} else {
			kpix_buf w = KPIX_BUF_INIT;
			if (!kpix_report_full(&v->report))
				describe_where(v, &w, *first);
			emitf(v, "unique-error", KPIX_SEVERITY_ERROR, v->row, col, fname, c->data, c->len,
			      "unique", "'%s' appears again: each %s must be different, and %s already has it",
			      c->data, fname, w.data);
			kpix_buf_free(&w);
		}
	}
}

static void check_cell(kpix_validator *v, field_plan *p, const kpix_cell *c, uint32_t col)
{
	size_t fi = p->index;
	const kpix_field *f = p->f;
	kpix_val *val = &v->slots[fi];
	v->field_cell[fi] = c;
	v->field_bad[fi] = false;
	val->kind = KPIX_VAL_NULL;
	if (is_missing(f, c)) {
		if (p->needed)
			emitf(v, constraint_error, KPIX_SEVERITY_ERROR, v->row, col, f->name, c->data, c->len,
			      "required", "%s is required but this cell is %s", f->name,
			      c->len ? "marked as missing" : "empty");
		return;
	}
	if (cast(f, c, val) != 0) {
		char want[160], why[160];
		const char *reason = type_problem(f, c, why, sizeof(why));
		val->kind = KPIX_VAL_NULL;
		emitf(v, "type-error", KPIX_SEVERITY_ERROR, v->row, col, f->name, c->data, c->len, NULL,
		      "'%s' is not %s%s%s", c->data, kpix_type_expectation(f, want, sizeof(want)),
		      reason ? ": " : "", reason ? reason : "");
		return;
	}
	if (p->in_key && check_key_spaces(v, p, c, col))
		return;
	check_constraints(v, p, c, col);
}

/* ------------------------------------------------------------------- keys */

static bool build_typed_key(kpix_validator *v, const size_t *fields, size_t n)
{
	kpix_buf_clear(&v->key);
	for (size_t i = 0; i < n; i++) {
		if (v->slots[fields[i]].kind == KPIX_VAL_NULL)
			return false;
		add_key_part(&v->key, &v->slots[fields[i]], i + 1 == n);
	}
	return true;
}

/* Joins the raw text of fields, as foreign keys compare text. */
static bool build_text_key(kpix_validator *v, const size_t *fields, size_t n)
{
	kpix_buf_clear(&v->key);
	for (size_t i = 0; i < n; i++) {
		const kpix_cell *c = v->field_cell[fields[i]];
		if (!c || v->slots[fields[i]].kind == KPIX_VAL_NULL)
			return false;
		if (i)
			kpix_buf_addc(&v->key, '\x1f');
		kpix_buf_add(&v->key, c->data, c->len);
	}
	return true;
}

static void describe_key(kpix_validator *v, kpix_buf *out, const size_t *fields, size_t n)
{
	kpix_buf_clear(out);
	for (size_t i = 0; i < n; i++)
		kpix_buf_printf(out, "%s%s", i ? ", " : "", v->s->fields[fields[i]].name);
	kpix_buf_adds(out, ") = (");
	for (size_t i = 0; i < n; i++) {
		const kpix_cell *c = v->field_cell[fields[i]];
		kpix_buf_printf(out, "%s%s", i ? ", " : "", c ? c->data : "");
	}
}

static uint32_t col_of(kpix_validator *v, size_t field)
{
	long c = v->field_col[field];
	return c >= 0 ? (uint32_t)(c + 1) : 0;
}

static void check_primary_key(kpix_validator *v)
{
	const kpix_schema *s = v->s;
	if (!s->npk || !build_typed_key(v, s->pk, s->npk))
		return;
	bool added;
	uint64_t *first = kpix_keyset_upsert(v->pk, v->key.data, v->key.len, &added);
	if (added) {
		*first = WHERE(v);
		return;
	}
	for (size_t i = 0; i < s->npk; i++)
		if (v->field_bad[s->pk[i]]) {
			/* a key holding a value already reported is no news as a duplicate */
			v->report.suppressed++;
			return;
		}
	kpix_buf d = KPIX_BUF_INIT, w = KPIX_BUF_INIT;
	if (!kpix_report_full(&v->report)) {
		describe_key(v, &d, s->pk, s->npk);
		describe_where(v, &w, *first);
	}
	/* a single-field key that is also marked unique is reported both ways */
	if (s->npk == 1 && s->fields[s->pk[0]].unique) {
		const kpix_cell *c = v->field_cell[s->pk[0]];
		emitf(v, "unique-error", KPIX_SEVERITY_ERROR, v->row, col_of(v, s->pk[0]),
		      s->fields[s->pk[0]].name, c->data, c->len, "unique",
		      "'%s' appears again: each %s must be different, and %s already has it", c->data,
		      s->fields[s->pk[0]].name, w.data ? w.data : "");
	}
	emitf(v, "primary-key", KPIX_SEVERITY_ERROR, v->row, 0, NULL, NULL, 0, NULL,
	      "this row repeats the key (%s) of %s; each combination may appear only once",
	      d.data ? d.data : "", w.data ? w.data : "");
	kpix_buf_free(&d);
	kpix_buf_free(&w);
}

/* Table Schema's uniqueKeys: each set of fields together unique, in rows
 * where none of them is missing (or already reported). */
static void check_unique_keys(kpix_validator *v)
{
	const kpix_schema *s = v->s;
	if (!s->nukeys)
		return;
	if (!v->ukeys) {
		v->ukeys = kpix_xcalloc(s->nukeys, sizeof(*v->ukeys));
		for (size_t i = 0; i < s->nukeys; i++)
			v->ukeys[i] = kpix_keyset_new();
	}
	for (size_t i = 0; i < s->nukeys; i++) {
		const kpix_unique_key *uk = &s->ukeys[i];
		if (!build_typed_key(v, uk->fields, uk->nfields))
			continue;
		bool added;
		uint64_t *first = kpix_keyset_upsert(v->ukeys[i], v->key.data, v->key.len, &added);
		if (added) {
			*first = WHERE(v);
			continue;
		}
		kpix_buf d = KPIX_BUF_INIT, w = KPIX_BUF_INIT;
		if (!kpix_report_full(&v->report)) {
			describe_key(v, &d, uk->fields, uk->nfields);
			describe_where(v, &w, *first);
		}
		size_t f0 = uk->fields[0];
		const kpix_cell *c = v->field_cell[f0];
		emitf(v, "unique-error", KPIX_SEVERITY_ERROR, v->row, col_of(v, f0), s->fields[f0].name,
		      c ? c->data : NULL, c ? c->len : 0, "uniqueKeys",
		      "this row repeats (%s) of %s; uniqueKeys says each combination may appear only once",
		      d.data ? d.data : "", w.data ? w.data : "");
		kpix_buf_free(&d);
		kpix_buf_free(&w);
	}
}

/* ----------------------------------------------- foreign keys by value
 *
 * A foreign key compares values, as the primary key does: in the type of
 * the field it refers to (a field of this table; of a Data Package's
 * other resource; else, for a reference file or list that has no schema,
 * the key's own field), so that 01 is 1 for an integer and 2.0 is 2 for a
 * number. A key whose referenced fields are all strings compares text, as
 * before. */

/* The definition whose type the k-th value of fk compares in. */
static const kpix_field *ref_def(const kpix_schema *s, const kpix_fkey *fk, size_t k)
{
	if (fk->kind == KPIX_REF_SELF)
		return &s->fields[fk->ref_self[k]];
	if (fk->ref_defs && fk->ref_defs[k])
		return fk->ref_defs[k];
	return &s->fields[fk->fields[k]];
}

static bool fk_by_value(const kpix_schema *s, const kpix_fkey *fk)
{
	if (fk->kind == KPIX_REF_CATALOGUE)
		return false; /* indicator codes are strings */
	for (size_t k = 0; k < fk->nfields; k++) {
		kpix_type t = ref_def(s, fk, k)->type;
		if (t != KPIX_T_STRING && t != KPIX_T_ANY)
			return true;
	}
	return false;
}

/* Into v->key, the typed key (add_key_part) of the cells of fields, each
 * cast in the type of fk's k-th referenced field. False when a cell is
 * missing or already rejected; a cell that is not a value of that type
 * makes a key that matches nothing. */
static bool build_ref_key(kpix_validator *v, const kpix_fkey *fk, const size_t *fields)
{
	kpix_buf_clear(&v->key);
	for (size_t k = 0; k < fk->nfields; k++) {
		size_t f = fields[k];
		const kpix_cell *c = v->field_cell[f];
		if (!c || v->slots[f].kind == KPIX_VAL_NULL)
			return false;
		const kpix_field *def = ref_def(v->s, fk, k);
		kpix_val val = v->slots[f];
		if (def != &v->s->fields[f] && cast(def, c, &val) != 0) {
			kpix_buf_clear(&v->key);
			kpix_buf_addc(&v->key, '\x01'); /* no kind: no value's key */
			return true;
		}
		add_key_part(&v->key, &val, k + 1 == fk->nfields);
	}
	return true;
}

typedef struct {
	const kpix_schema *s;
	const kpix_fkey *fk;
	kpix_keyset *typed;
	kpix_buf key;
} typed_load;

/* A reference value (its fields' text joined by 0x1f) as a typed key; one
 * that is not a value of the referenced type is left out. */
static void add_typed_value(void *ctx, const void *key, size_t len, uint64_t value)
{
	typed_load *t = ctx;
	(void)value;
	const char *p = key, *end = p + len;
	kpix_buf_clear(&t->key);
	kpix_buf text = KPIX_BUF_INIT;
	for (size_t k = 0; k < t->fk->nfields; k++) {
		const char *sep = memchr(p, '\x1f', (size_t)(end - p));
		size_t n = sep ? (size_t)(sep - p) : (size_t)(end - p);
		kpix_buf_clear(&text);
		kpix_buf_add(&text, p, n); /* NUL-terminated for the casts */
		kpix_cell c = {text.data ? text.data : "", n, false};
		kpix_val val;
		if (n == 0 || cast(ref_def(t->s, t->fk, k), &c, &val) != 0) {
			kpix_buf_free(&text);
			return;
		}
		add_key_part(&t->key, &val, k + 1 == t->fk->nfields);
		p = sep ? sep + 1 : end;
	}
	kpix_buf_free(&text);
	bool added;
	kpix_keyset_upsert(t->typed, t->key.data, t->key.len, &added);
}

/* The typed keys of every foreign key that compares values with values
 * loaded with the schema. */
static void load_typed_references(kpix_validator *v)
{
	const kpix_schema *s = v->s;
	v->fk_typed = kpix_xcalloc(s->nfkeys ? s->nfkeys : 1, sizeof(*v->fk_typed));
	for (size_t i = 0; i < s->nfkeys; i++) {
		const kpix_fkey *fk = &s->fkeys[i];
		if (fk->kind == KPIX_REF_SELF || !fk->values || !fk_by_value(s, fk))
			continue;
		typed_load t = {s, fk, kpix_keyset_new(), KPIX_BUF_INIT};
		kpix_keyset_each(fk->values, add_typed_value, &t);
		kpix_buf_free(&t.key);
		v->fk_typed[i] = t.typed;
	}
}

/* The text of the cells of fields, joined by ", ", appended to b. */
static void add_key_text(kpix_validator *v, kpix_buf *b, const size_t *fields, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		const kpix_cell *c = v->field_cell[fields[k]];
		if (k)
			kpix_buf_adds(b, ", ");
		if (c)
			kpix_buf_add(b, c->data, c->len);
	}
}

static void check_foreign_keys(kpix_validator *v)
{
	const kpix_schema *s = v->s;
	for (size_t i = 0; i < s->nfkeys; i++) {
		const kpix_fkey *fk = &s->fkeys[i];
		if (fk->kind == KPIX_REF_SELF) {
			/* remember what this row offers, then check what it asks for */
			bool typed = fk_by_value(s, fk);
			if (typed ? build_ref_key(v, fk, fk->ref_self)
			          : build_text_key(v, fk->ref_self, fk->nfields)) {
				bool added;
				kpix_keyset_upsert(v->fk_self[i], v->key.data, v->key.len, &added);
			}
			if (!(typed ? build_ref_key(v, fk, fk->fields)
			            : build_text_key(v, fk->fields, fk->nfields)))
				continue;
			if (kpix_keyset_find(v->fk_self[i], v->key.data, v->key.len))
				continue;
			if (v->npending == v->pending_cap) {
				v->pending_cap = v->pending_cap ? v->pending_cap * 2 : 64;
				v->pending = kpix_xrealloc(v->pending, v->pending_cap * sizeof(*v->pending));
			}
			size_t off = v->pending_keys.len;
			kpix_buf_add(&v->pending_keys, v->key.data, v->key.len);
			add_key_text(v, &v->pending_keys, fk->fields, fk->nfields);
			v->pending[v->npending++] =
			        (pending_ref){v->row, v->file->path, off, v->key.len,
			                      v->pending_keys.len - off - v->key.len, i,
			                      col_of(v, fk->fields[0]), v->row_error};
			continue;
		}
		if (v->fk_typed[i]) {
			if (!build_ref_key(v, fk, fk->fields))
				continue;
			if (kpix_keyset_find(v->fk_typed[i], v->key.data, v->key.len))
				continue;
			build_text_key(v, fk->fields, fk->nfields);
		} else {
			if (!build_text_key(v, fk->fields, fk->nfields))
				continue;
			if (kpix_keyset_find(fk->values, v->key.data, v->key.len))
				continue;
		}
		bool bad = false;
		for (size_t k = 0; k < fk->nfields && !bad; k++)
			bad = v->field_bad[fk->fields[k]];
		if (bad) {
			/* the cell's own form is already reported */
			v->report.suppressed++;
			continue;
		}
		const kpix_cell *c = v->field_cell[fk->fields[0]];
		const char *fname = s->fields[fk->fields[0]].name;
		kpix_cell core;
		const char *sp = fk->nfields == 1 ? spaces_of(c, &core) : NULL;
		if (sp && kpix_keyset_find(fk->values, core.data, core.len)) {
			emitf(v, "foreign-key", KPIX_SEVERITY_ERROR, v->row, col_of(v, fk->fields[0]), fname,
			      c->data, c->len, NULL, "'%s' has %s; without %s, '%.*s' is %s", c->data, sp,
			      strcmp(sp, "spaces at both ends") == 0 ? "them" : "it", (int)core.len,
			      core.data, fk->describe);
			continue;
		}
		/* a code with its part in brackets, as the regulator prints it */
		const char *open = fk->kind == KPIX_REF_CATALOGUE && s->part_field >= 0 && c->len > 3 &&
		                           c->data[c->len - 1] == ')'
		                       ? memchr(c->data, '(', c->len)
		                       : NULL;
		if (open && open > c->data &&
		    kpix_schema_indicator(s, c->data, (size_t)(open - c->data), open + 1,
		                          (size_t)(c->data + c->len - 1 - (open + 1)))) {
			emitf(v, "foreign-key", KPIX_SEVERITY_ERROR, v->row, col_of(v, fk->fields[0]), fname,
			      c->data, c->len, NULL,
			      "'%s' is not %s: write %.*s in %s and %.*s in %s", c->data, fk->describe,
			      (int)(open - c->data), c->data, fname, (int)(c->data + c->len - 2 - open),
			      open + 1, s->fields[s->part_field].name);
			continue;
		}
		if (fk->kind == KPIX_REF_CATALOGUE && v->s->figures.missing.code &&
		    v->nastray < MAX_ASTRAY) {
			v->astray = kpix_xrealloc(v->astray, (v->nastray + 1) * sizeof(char *));
			v->astray[v->nastray++] = kpix_xstrndup(c->data, c->len);
		}
		kpix_buf near = KPIX_BUF_INIT;
		if (fk->choices.n && !kpix_report_full(&v->report))
			kpix_suggest(&near, c->data, c->len, (const char *const *)fk->choices.items,
			             fk->choices.n);
		emitf(v, "foreign-key", KPIX_SEVERITY_ERROR, v->row, col_of(v, fk->fields[0]), fname,
		      c->data, c->len, NULL, "'%s' is not %s%s%s%s", c->data, fk->describe,
		      near.len ? "; did you mean " : "", near.len ? near.data : "", near.len ? "?" : "");
		kpix_buf_free(&near);
	}
}

static void finish_self_references(kpix_validator *v)
{
	/* the last row rejected here: a row's references are together */
	const char *counted_file = NULL;
	uint64_t counted_row = 0;
	for (size_t i = 0; i < v->npending; i++) {
		pending_ref *p = &v->pending[i];
		const kpix_fkey *fk = &v->s->fkeys[p->fk];
		const char *key = v->pending_keys.data + p->key_off;
		if (kpix_keyset_find(v->fk_self[p->fk], key, p->key_len))
			continue;
		/* a key of several fields shown as "a, b" */
		kpix_buf shown = KPIX_BUF_INIT;
		kpix_buf_add(&shown, key + p->key_len, p->text_len);
		kpix_buf_clear(&v->msg);
		kpix_buf_printf(&v->msg, "'%s' is not %s", shown.data ? shown.data : "", fk->describe);
		kpix_diag d = {"foreign-key", KPIX_SEVERITY_ERROR, p->file, p->row, p->column,
		               v->s->fields[fk->fields[0]].name, shown.data ? shown.data : "", NULL,
		               v->msg.data};
		kpix_report_add(&v->report, &d, "foreign-key", shown.len);
		kpix_buf_free(&shown);
		/* a row accepted when it was read is rejected now, once */
		if (!p->rejected && !(counted_file == p->file && counted_row == p->row)) {
			for (size_t f = 0; f < v->report.nfiles; f++)
				if (v->report.files[f].path == p->file)
					v->report.files[f].rejected++;
			counted_file = p->file;
			counted_row = p->row;
		}
	}
}

/* ------------------------------------------------------------------ rules */

/* The catalogue entry of this row's indicator (and part), or NULL. */
static const kpix_indicator *row_indicator(const kpix_validator *v)
{
	const kpix_schema *s = v->s;
	long f = s->indicator_field, pf = s->part_field;
	if (f < 0 || v->slots[f].kind != KPIX_VAL_STRING)
		return NULL;
	bool part = pf >= 0 && v->slots[pf].kind == KPIX_VAL_STRING;
	return kpix_schema_indicator(s, v->slots[f].str, v->slots[f].len,
	                             part ? v->slots[pf].str : NULL, part ? v->slots[pf].len : 0);
}

/* The figure (figures.h) this row of indicator def gives, or -1. */
static long row_figure(const kpix_validator *v, const kpix_indicator *def)
{
	const kpix_figures *fg = &v->s->figures;
	if (!def || fg->value_field < 0)
		return -1;
	long bf = fg->breakdown_field;
	bool bd = bf >= 0 && v->slots[bf].kind == KPIX_VAL_STRING;
	return kpix_figures_of(fg, v->s->indicators, (size_t)(def - v->s->indicators),
	                       bd ? v->slots[bf].str : NULL, bd ? v->slots[bf].len : 0);
}

static void fill_indicator(kpix_validator *v)
{
	const kpix_scope *sc = &v->s->scope;
	kpix_val *ind = v->slots + sc->ind_at;
	for (int i = 0; i < KPIX_IND_NATTRS; i++)
		ind[i].kind = KPIX_VAL_NULL;
	v->slots[sc->prev_value].kind = KPIX_VAL_NULL;
	const kpix_indicator *def = row_indicator(v);
	if (def)
		memcpy(ind, def->attrs, sizeof(def->attrs));
	long i = row_figure(v, def);
	if (i >= 0)
		v->slots[sc->prev_value] = v->fig[kpix_scope_figure_slot(sc, (size_t)i, true)];
}

static void append_val(kpix_buf *b, const kpix_val *val)
{
	char num[32];
	switch (val->kind) {
	case KPIX_VAL_STRING:
		kpix_buf_add(b, val->str, val->len);
		break;
	case KPIX_VAL_NUMBER:
		kpix_format_number(val->num, num);
		kpix_buf_adds(b, num);
		break;
	case KPIX_VAL_BOOL:
		kpix_buf_adds(b, val->b ? "true" : "false");
		break;
	default:
		break;
	}
}

/* A rule's {name}: the cell text of that field as typed, or the value of
 * an ind. attribute or of prev.<valueField>. */
static bool put_row_name(void *ctx, const char *name, size_t len, kpix_buf *out)
{
	kpix_validator *v = ctx;
	int slot = kpix_schema_slot(v->s, name, len);
	if (slot < 0)
		return false;
	if ((size_t)slot < v->s->nfields) {
		const kpix_cell *c = v->field_cell[slot];
		kpix_buf_adds(out, c ? c->data : "");
	} else {
		append_val(out, &v->slots[slot]);
	}
	return true;
}

static void check_rules(kpix_validator *v)
{
	const kpix_schema *s = v->s;
	if (!s->nrules)
		return;
	fill_indicator(v);
	for (size_t i = 0; i < s->nrules; i++) {
		const kpix_rule *r = &s->rules[i];
		kpix_rule_outcome found = kpix_rule_check(r, v->slots);
		if (found == KPIX_RULE_HOLDS)
			continue;
		uint32_t col = r->nabout ? col_of(v, r->about[0]) : 0;
		const char *fname = r->nabout ? s->fields[r->about[0]].name : NULL;
		const kpix_cell *c = r->nabout ? v->field_cell[r->about[0]] : NULL;
		if (found == KPIX_RULE_UNWORKABLE) {
			if (v->rule_error_reported[i])
				continue;
			v->rule_error_reported[i] = true;
			emitf(v, "rule-error", KPIX_SEVERITY_WARNING, v->row, col, fname, NULL, 0, r->code,
			      "the rule %s could not be worked out on this row (it compares or adds values of "
			      "different kinds); it is skipped wherever that happens; check the schema",
			      r->code);
			continue;
		}
		kpix_buf m = KPIX_BUF_INIT;
		if (!kpix_report_full(&v->report))
			kpix_rule_message(r, v->slots, put_row_name, v, &m);
		emit(v, "row-constraint", r->severity, v->row, col, fname, c ? c->data : NULL,
		     c ? c->len : 0, r->code, r->code, m.data ? m.data : "");
		kpix_buf_free(&m);
	}
}

/* ----------------------------------------------------------- completeness */

/* Appends the part and breakdown of this row to v->key: "part\x1fbreakdown". */
static void add_part_and_breakdown(kpix_validator *v, const kpix_completeness *c)
{
	long pf = v->s->part_field;
	if (pf >= 0 && v->field_cell[pf] && v->slots[pf].kind != KPIX_VAL_NULL)
		kpix_buf_add(&v->key, v->field_cell[pf]->data, v->field_cell[pf]->len);
	kpix_buf_addc(&v->key, '\x1f');
	if (c->breakdown_field >= 0) {
		const kpix_cell *bc = v->field_cell[c->breakdown_field];
		if (bc && v->slots[c->breakdown_field].kind != KPIX_VAL_NULL)
			kpix_buf_add(&v->key, bc->data, bc->len);
	}
}

/* Counts this row in its group's indicators. A row whose group or
 * indicator is wrong is remembered instead, so that the indicator it was
 * meant to give is not also reported missing (see finish_completeness). */
static void note_completeness(kpix_validator *v)
{
	const kpix_schema *s = v->s;
	long indf = s->indicator_field;
	bool ind_ok = v->slots[indf].kind != KPIX_VAL_NULL && !v->field_bad[indf] &&
	              row_indicator(v) != NULL;
	for (size_t i = 0; i < s->ncompleteness; i++) {
		const kpix_completeness *c = &s->completeness[i];
		comp_state *st = &v->comp[i];
		kpix_buf_clear(&v->key);
		bool ok = true;
		for (size_t g = 0; g < c->ngroup_by && ok; g++) {
			/* a group named by a mistyped period would report every
			 * indicator missing: such a row joins no group */
			const kpix_cell *cell = v->field_cell[c->group_by[g]];
			ok = cell && v->slots[c->group_by[g]].kind != KPIX_VAL_NULL &&
			     !v->field_bad[c->group_by[g]];
			if (ok) {
				if (g)
					kpix_buf_addc(&v->key, '\x1f');
				kpix_buf_add(&v->key, cell->data, cell->len);
			}
		}
		bool added;
		if (!ok) {
			if (ind_ok && v->row_error) {
				const kpix_cell *ic = v->field_cell[indf];
				kpix_buf_clear(&v->key);
				kpix_buf_add(&v->key, ic->data, ic->len);
				kpix_buf_addc(&v->key, '\x1f');
				add_part_and_breakdown(v, c);
				(*kpix_keyset_upsert(st->astray, v->key.data, v->key.len, &added))++;
			}
			continue;
		}
		uint64_t *gi = kpix_keyset_upsert(st->groups, v->key.data, v->key.len, &added);
		if (added) {
			if (st->n == st->cap) {
				st->cap = st->cap ? st->cap * 2 : 16;
				st->list = kpix_xrealloc(st->list, st->cap * sizeof(*st->list));
			}
			const kpix_cell *pc = c->period_field >= 0 ? v->field_cell[c->period_field] : NULL;
			st->list[st->n] = (comp_group){kpix_xstrndup(v->key.data, v->key.len),
			                               pc ? kpix_xstrndup(pc->data, pc->len) : NULL,
			                               v->file->path, false};
			*gi = ++st->n;
		}
		uint64_t group = *gi;
		if (!v->row_error)
			st->list[group - 1].clean = true;
		kpix_buf_clear(&v->key);
		kpix_buf_add(&v->key, &group, sizeof(group));
		if (!ind_ok) {
			if (v->row_error && st->nunnamed < MAX_UNNAMED) {
				if (!st->unnamed)
					st->unnamed = kpix_xcalloc(MAX_UNNAMED, sizeof(*st->unnamed));
				const kpix_cell *ic = v->field_cell[indf];
				const kpix_cell *bc = c->breakdown_field >= 0 &&
				                              v->slots[c->breakdown_field].kind != KPIX_VAL_NULL
				                          ? v->field_cell[c->breakdown_field]
				                          : NULL;
				struct unnamed *u = &st->unnamed[st->nunnamed++];
				*u = (struct unnamed){group, kpix_xstrndup(ic ? ic->data : "", ic ? ic->len : 0),
				                      kpix_xstrndup(bc ? bc->data : "", bc ? bc->len : 0),
				                      false, false};
				for (size_t k = 0; k < s->nindicators && !u->known; k++)
					u->known = strcmp(s->indicators[k].code, u->code) == 0;
			}
			continue;
		}
		const kpix_cell *ic = v->field_cell[indf];
		kpix_buf_add(&v->key, ic->data, ic->len);
		kpix_buf_addc(&v->key, '\x1f');
		add_part_and_breakdown(v, c);
		(*kpix_keyset_upsert(st->seen, v->key.data, v->key.len, &added))++;
	}
}

/* Whether the missing indicator ind (key: the group's 8 bytes, then its
 * code, part and breakdown) follows from a row already reported: a row
 * gave it with a wrong group (an organisation or period mistyped), or
 * gave the group with the same breakdown and this code with a wrong part
 * (RP02 without its part) or a code not in the catalogue a slip from it
 * (RENTO1). Each such row
 * accounts for one missing indicator. */
static bool missing_follows(comp_state *st, const kpix_buf *key, uint64_t group,
                            const kpix_indicator *ind, const char *bd)
{
	uint64_t *n = kpix_keyset_find(st->astray, key->data + 8, key->len - 8);
	if (n && *n) {
		(*n)--;
		return true;
	}
	for (size_t i = 0; i < st->nunnamed; i++) {
		struct unnamed *u = &st->unnamed[i];
		if (u->used || u->group != group || strcmp(u->breakdown, bd) != 0)
			continue;
		kpix_buf near = KPIX_BUF_INIT;
		const char *code = ind->code;
		size_t len = strlen(code);
		/* the same code, one a slip away, or the code with its part in
		 * brackets (RP02(2)) */
		bool slip = strcmp(u->code, code) == 0 ||
		            (!u->known && strncmp(u->code, code, len) == 0 && u->code[len] == '(') ||
		            (!u->known && kpix_suggest(&near, u->code, strlen(u->code), &code, 1) > 0);
		kpix_buf_free(&near);
		if (slip) {
			u->used = true;
			return true;
		}
	}
	return false;
}

/* Whether ind is due in the group's period (period.h); a group without a
 * period field needs every indicator. */
static bool due(const kpix_indicator *ind, const char *period)
{
	return !period || (kpix_period_due(period, strlen(period),
	                                   (const char *const *)ind->due_in.items, ind->due_in.n) &&
	                   kpix_period_since(period, strlen(period), ind->from_index));
}

/* Expands a completeness message: {indicator}, {breakdown}, {ind.title} and
 * the groupBy fields by name. */
typedef struct {
	const kpix_validator *v;
	const kpix_completeness *c;
	const comp_group *g;
	const kpix_indicator *ind;
	const char *bd;
} comp_names;

static bool put_completeness_name(void *ctx, const char *name, size_t n, kpix_buf *out)
{
	const comp_names *cn = ctx;
	const kpix_completeness *c = cn->c;
	if (n == 9 && memcmp(name, "indicator", 9) == 0) {
		kpix_buf_adds(out, cn->ind->code);
		if (cn->ind->part)
			kpix_buf_printf(out, " part %s", cn->ind->part);
		return true;
	}
	if (n == 9 && memcmp(name, "breakdown", 9) == 0) {
		kpix_buf_adds(out, cn->bd && *cn->bd ? cn->bd
		                   : c->whole_name   ? c->whole_name
		                                     : "the whole organisation");
		return true;
	}
	if (n > 4 && memcmp(name, "ind.", 4) == 0) {
		int a = kpix_scope_ind_attr(&cn->v->s->scope, name, n);
		if (a < 0)
			return false;
		append_val(out, &cn->ind->attrs[a]);
		return true;
	}
	/* a groupBy field: its value is the matching part of the group key */
	const char *k = cn->g->key;
	for (size_t i = 0; i < c->ngroup_by; i++) {
		size_t kl = strcspn(k, "\x1f");
		const char *fname = cn->v->s->fields[c->group_by[i]].name;
		if (strlen(fname) == n && memcmp(fname, name, n) == 0) {
			kpix_buf_add(out, k, kl);
			return true;
		}
		k += kl + (k[kl] ? 1 : 0);
	}
	return false;
}

static void completeness_message(kpix_validator *v, kpix_buf *out, const kpix_completeness *c,
                                 const comp_group *g, const kpix_indicator *ind, const char *bd)
{
	comp_names cn = {v, c, g, ind, bd};
	kpix_expand_names(out, c->message, put_completeness_name, &cn);
}

static bool pk_covers_completeness(const kpix_schema *s, const kpix_completeness *c)
{
	if (!s->npk)
		return false;
	for (size_t i = 0; i < s->npk; i++) {
		size_t f = s->pk[i];
		bool in = (long)f == s->indicator_field || (long)f == s->part_field ||
		          (long)f == c->breakdown_field;
		for (size_t g = 0; g < c->ngroup_by && !in; g++)
			in = c->group_by[g] == f;
		if (!in)
			return false;
	}
	return true;
}

static void finish_completeness(kpix_validator *v)
{
	const kpix_schema *s = v->s;
	const char *indf = s->indicator_field >= 0 ? s->fields[s->indicator_field].name : NULL;
	kpix_buf key = KPIX_BUF_INIT, msg = KPIX_BUF_INIT;
	for (size_t i = 0; i < s->ncompleteness; i++) {
		const kpix_completeness *c = &s->completeness[i];
		comp_state *st = &v->comp[i];
		bool report_dups = !pk_covers_completeness(s, c);
		for (size_t g = 0; g < st->n; g++) {
			const comp_group *grp = &st->list[g];
			uint64_t group = g + 1;
			for (size_t k = 0; k < s->nindicators; k++) {
				const kpix_indicator *ind = &s->indicators[k];
				if (!due(ind, grp->period))
					continue;
				size_t nb = c->breakdown_field >= 0 ? ind->breakdowns.n : 0;
				for (size_t b = nb && c->breakdowns_only ? 1 : 0; b <= nb; b++) {
					const char *bd = b ? ind->breakdowns.items[b - 1] : "";
					kpix_buf_clear(&key);
					kpix_buf_add(&key, &group, sizeof(group));
					kpix_buf_adds(&key, ind->code);
					kpix_buf_addc(&key, '\x1f');
					if (ind->part)
						kpix_buf_adds(&key, ind->part);
					kpix_buf_addc(&key, '\x1f');
					kpix_buf_adds(&key, bd);
					uint64_t *count = kpix_keyset_find(st->seen, key.data, key.len);
					if (count && (*count == 1 || !report_dups))
						continue;
					/* a group named only on rows with errors, or an
					 * indicator given on such a row, is no news */
					if (!count && (v->header_incomplete || !grp->clean ||
					               missing_follows(st, &key, group, ind, bd))) {
						v->report.suppressed++;
						continue;
					}
					completeness_message(v, &msg, c, grp, ind, bd);
					if (count) {
						kpix_buf_printf(&msg, " (it appears %llu times; it must appear once)",
						                (unsigned long long)*count);
					}
					kpix_diag d = {"completeness", c->severity, grp->file, 0, 0, indf,
					               ind->code, c->code, msg.data};
					kpix_report_add(&v->report, &d, c->code, strlen(ind->code));
				}
			}
		}
	}
	kpix_buf_free(&key);
	kpix_buf_free(&msg);
}

/* ---------------------------------------------------------------- figures */

/* Sets the figure in slot (of the figures' scope) to val, or to null when
 * val is NULL or not a number, text or true/false; text is copied. */
static void set_figure(kpix_validator *v, size_t slot, const kpix_val *val)
{
	free(v->fig_text[slot]);
	v->fig_text[slot] = NULL;
	kpix_val x = val ? *val : (kpix_val){.kind = KPIX_VAL_NULL};
	if (x.kind == KPIX_VAL_STRING) {
		x.str = v->fig_text[slot] = kpix_xstrndup(x.str, x.len);
	} else if (x.kind != KPIX_VAL_NUMBER && x.kind != KPIX_VAL_BOOL) {
		x = (kpix_val){.kind = KPIX_VAL_NULL};
	}
	v->fig[slot] = x;
}

/* Notes that this row gives its figure, and keeps the figure when the row
 * is valid, with where it came from. A figure given twice keeps the last;
 * completeness or the primary key reports the repeat. */
static void note_figure(kpix_validator *v)
{
	const kpix_figures *fg = &v->s->figures;
	long i = row_figure(v, row_indicator(v));
	if (i < 0)
		return;
	v->fig_given[i] = true;
	if (v->row_error)
		return;
	set_figure(v, (size_t)i, &v->slots[fg->value_field]);
	v->fig_at[i] = (struct fig_at){v->file->path, v->row, col_of(v, (size_t)fg->value_field)};
}

/* A data point's value: once the row's indicator is known, its cell is
 * read again as the indicator's "value" says. */
static void check_data_point(kpix_validator *v)
{
	long vf = v->s->figures.value_field;
	const kpix_indicator *def = row_indicator(v);
	if (!def || !def->value || v->field_bad[vf] || v->slots[vf].kind == KPIX_VAL_NULL)
		return;
	field_plan *p = &v->ind_plan[def - v->s->indicators];
	check_cell(v, p, v->field_cell[vf], col_of(v, (size_t)vf));
}

/* The names a figure check's message may use: {given} and {calculated},
 * the indicator's {ind.<attr>}, and the figures. */
typedef struct {
	kpix_validator *v;
	const kpix_indicator *ind;
	const kpix_val *given, *calculated;
} check_names;

static void put_value(kpix_buf *out, const kpix_val *val, int decimals)
{
	char num[KPIX_FIXED_MAX];
	if (!val || val->kind == KPIX_VAL_NULL) {
		kpix_buf_adds(out, "no value");
	} else if (val->kind == KPIX_VAL_NUMBER) {
		if (decimals >= 0)
			kpix_format_fixed(val->num, decimals, num);
		else
			kpix_format_number(val->num, num);
		kpix_buf_adds(out, num);
	} else {
		append_val(out, val);
	}
}

static bool put_check_name(void *ctx, const char *name, size_t len, kpix_buf *out)
{
	const check_names *cn = ctx;
	const kpix_scope *sc = &cn->v->s->scope;
	if (len == 5 && memcmp(name, "given", 5) == 0) {
		put_value(out, cn->given, -1);
		return true;
	}
	if (len == 10 && memcmp(name, "calculated", 10) == 0) {
		put_value(out, cn->calculated, cn->ind->decimals);
		return true;
	}
	int a = kpix_scope_ind_attr(sc, name, len);
	if (a >= 0) {
		append_val(out, &cn->ind->attrs[a]);
		return true;
	}
	return kpix_figures_put_name(&cn->v->s->figures, sc, cn->v->fig, name, len, out);
}

/* Reports a figure check about indicator ind's figure i: at the row that
 * gave it, or, when none did, with the first file. */
static void report_check(kpix_validator *v, const kpix_figure_check *c, const kpix_indicator *ind,
                         size_t i, const kpix_val *calculated)
{
	const kpix_figures *fg = &v->s->figures;
	const struct fig_at *at = &v->fig_at[i];
	const kpix_val *given = at->row ? &v->fig[i] : NULL;
	check_names cn = {v, ind, given, calculated};
	kpix_buf m = KPIX_BUF_INIT, num = KPIX_BUF_INIT;
	kpix_expand_names(&m, c->message, put_check_name, &cn);
	if (given)
		put_value(&num, given, -1);
	const char *file = at->file ? at->file
	                            : v->report.nfiles ? v->report.files[0].path : NULL;
	kpix_diag d = {"figure-constraint", c->severity, file, at->row, at->col,
	               at->row ? v->s->fields[fg->value_field].name : NULL,
	               given ? num.data : NULL, c->code, m.data ? m.data : ""};
	kpix_report_add(&v->report, &d, c->code, num.len);
	kpix_buf_free(&m);
	kpix_buf_free(&num);
}

/* Whether a row gave code under a name a slip away from it, one that is
 * not in the catalogue (reported there); each such name stands for one
 * data point. */
static bool given_astray(kpix_validator *v, const char *code)
{
	for (size_t i = 0; i < v->nastray; i++) {
		if (!v->astray[i])
			continue;
		kpix_buf near = KPIX_BUF_INIT;
		size_t n = kpix_suggest(&near, v->astray[i], strlen(v->astray[i]), &code, 1);
		kpix_buf_free(&near);
		if (n) {
			free(v->astray[i]);
			v->astray[i] = NULL;
			return true;
		}
	}
	return false;
}

/* A return of data points, once every row has been read: each figure that
 * does not apply is reported when given and then set aside; each
 * calculated one is worked out, in catalogue order, and checked against
 * the figure the file gave; each that applies and was not given is
 * reported missing. */
static void judge_data_points(kpix_validator *v)
{
	const kpix_schema *s = v->s;
	const kpix_figures *fg = &s->figures;
	for (size_t k = 0; k < s->nindicators; k++) {
		kpix_indicator *ind = &s->indicators[k];
		size_t i = fg->first[k];
		kpix_val applies = {.kind = KPIX_VAL_BOOL, .b = true};
		if (ind->applies && kpix_expr_eval(ind->applies, v->fig, &applies) != 0)
			applies.kind = KPIX_VAL_NULL;
		bool yes = applies.kind == KPIX_VAL_BOOL && applies.b;
		bool no = applies.kind == KPIX_VAL_BOOL && !applies.b;
		if (no) {
			if (v->fig_at[i].row && fg->not_applicable.code)
				report_check(v, &fg->not_applicable, ind, i, NULL);
			set_figure(v, i, NULL);
			continue;
		}
		if (ind->calculate) {
			kpix_val r;
			if (kpix_expr_eval(ind->calculate, v->fig, &r) != 0)
				r.kind = KPIX_VAL_NULL;
			if (r.kind == KPIX_VAL_NUMBER)
				r.num = kpix_round(r.num, ind->decimals);
			const kpix_val *given = &v->fig[i];
			if (v->fig_at[i].row && fg->calculated.code) {
				bool same = given->kind == KPIX_VAL_NUMBER && r.kind == KPIX_VAL_NUMBER
				                    ? kpix_round(given->num, ind->decimals) == r.num
				                    : given->kind == r.kind && r.kind == KPIX_VAL_NULL;
				if (!same)
					report_check(v, &fg->calculated, ind, i, &r);
			}
			set_figure(v, i, &r);
			continue;
		}
		if (yes && !ind->optional && !v->fig_given[i] && fg->missing.code) {
			/* follows from the column the file lacks, or from a row that
			 * gave the data point under a name a slip away */
			if (v->header_incomplete || given_astray(v, ind->code))
				v->report.suppressed++;
			else
				report_check(v, &fg->missing, ind, i, NULL);
		}
	}
}

/* The rules on the figures, once every row has been read. A problem is
 * reported at the row of the first figure the rule names, or with no row
 * when that figure is missing. */
static void finish_figures(kpix_validator *v)
{
	const kpix_figures *fg = &v->s->figures;
	const char *fname = fg->value_field >= 0 ? v->s->fields[fg->value_field].name : NULL;
	if (fg->data_points || fg->missing.code)
		judge_data_points(v);
	kpix_buf m = KPIX_BUF_INIT;
	for (size_t i = 0; i < fg->nrules; i++) {
		const kpix_rule *r = &fg->rules[i];
		kpix_rule_outcome found = kpix_rule_check(r, v->fig);
		if (found == KPIX_RULE_HOLDS)
			continue;
		size_t c = r->about[0];
		const struct fig_at *at = &v->fig_at[c];
		char num[32] = "";
		if (v->fig[c].kind == KPIX_VAL_NUMBER)
			kpix_format_number(v->fig[c].num, num);
		if (found == KPIX_RULE_UNWORKABLE) {
			kpix_diag d = {"rule-error", KPIX_SEVERITY_WARNING, at->file, at->row, at->col,
			               fname, NULL, r->code,
			               "this rule on the figures could not be worked out (it compares or "
			               "adds values of different kinds); check the schema"};
			kpix_report_add(&v->report, &d, "rule-error", 0);
			continue;
		}
		kpix_figures_message(fg, &v->s->scope, v->fig, r->message, &m);
		kpix_diag d = {"figure-constraint", r->severity, at->file, at->row, at->col, fname,
		               *num ? num : NULL, r->code, m.data ? m.data : ""};
		kpix_report_add(&v->report, &d, r->code, strlen(num));
	}
	kpix_buf_free(&m);
}

const kpix_val *kpix_validator_figures(const kpix_validator *v)
{
	return v->fig;
}

int kpix_validator_add_previous(kpix_validator *v, const char *path)
{
	const kpix_figures *fg = &v->s->figures;
	kpix_validator *prev = NULL;
	int rc = kpix_validator_new(&prev, v->s, &v->opts);
	if (rc == 0) {
		prev->sha256 = v->sha256;
		rc = kpix_validator_add_file(prev, path);
	}
	if (rc == 0) {
		v->previous_read = prev->read[0];
		v->has_previous = true;
		kpix_validator_finish(prev);
		/* last period's figures as its valid rows give them; its other
		 * problems are its own return's, not this one's */
		for (size_t i = 0; i < fg->n; i++)
			set_figure(v, kpix_scope_figure_slot(&v->s->scope, i, true), &prev->fig[i]);
	}
	kpix_validator_free(prev);
	return rc;
}

/* ------------------------------------------------------------------- rows */

static bool blank(const kpix_record *rec)
{
	for (size_t i = 0; i < rec->ncells; i++)
		if (rec->cells[i].len)
			return false;
	return true;
}

/* A row that ends before column c + 1 of the header (or of the schema). */
static void missing_cell(kpix_validator *v, const kpix_record *rec, size_t c)
{
	const kpix_schema *s = v->s;
	uint32_t col = (uint32_t)(c + 1);
	long fi = v->col_field[c];
	const kpix_field *f = fi >= 0 ? &s->fields[fi] : NULL;
	if (f) {
		v->slots[fi].kind = KPIX_VAL_NULL;
		v->field_cell[fi] = NULL;
		v->field_bad[fi] = false;
	}
	if (f && f->required)
		emitf(v, constraint_error, KPIX_SEVERITY_ERROR, v->row, col, f->name, NULL, 0,
		      "required", "%s is required but this row has no cell for it", f->name);
	emitf(v, "missing-cell", KPIX_SEVERITY_ERROR, v->row, col, f ? f->name : NULL, NULL, 0, NULL,
	      "this row ends before column %u%s%s%s: it has %zu cells where %s %zu", col,
	      f ? " (" : "", f ? f->name : "", f ? ")" : "", rec->ncells,
	      c < v->ncols ? "the header has" : "the schema has", c < v->ncols ? v->ncols : s->nfields);
}

/* Cell c of the row, in a column kpix has no field for (where says why),
 * reported with advice; an empty last cell is named as the comma that
 * ends the row, as a spreadsheet shows nothing there. */
static void extra_cell(kpix_validator *v, const kpix_record *rec, size_t c, const char *where,
                       const char *advice)
{
	const kpix_cell *cell = &rec->cells[c];
	uint32_t col = (uint32_t)(c + 1);
	if (cell->len == 0 && c + 1 == rec->ncells)
		emitf(v, "extra-cell", KPIX_SEVERITY_ERROR, v->row, col, NULL, "", 0, NULL,
		      "this row ends with a comma, which makes an empty cell in column %u, %s; "
		      "remove the comma at the end of the row",
		      col, where);
	else
		emitf(v, "extra-cell", KPIX_SEVERITY_ERROR, v->row, col, NULL, cell->data,
		      cell->len, NULL, "this row has a cell in column %u, %s; %s", col, where,
		      advice);
}

static void check_row(kpix_validator *v, const kpix_record *rec)
{
	const kpix_schema *s = v->s;
	bool exact = s->fields_match == KPIX_MATCH_EXACT;
	size_t n = rec->ncells < v->width ? rec->ncells : v->width;
	for (size_t c = 0; c < n; c++) {
		field_plan *p = v->col_plan[c];
		if (p)
			check_cell(v, p, &rec->cells[c], (uint32_t)(c + 1));
		else if (exact) /* within the width, only a column of the header has no field */
			extra_cell(v, rec, c,
			           "whose heading is not in the schema, so kpix cannot check it",
			           "remove the column");
	}
	for (size_t c = n; c < v->width; c++)
		missing_cell(v, rec, c);
	for (size_t c = n; c < rec->ncells; c++)
		extra_cell(v, rec, c, "beyond the columns of the header",
		           "remove it or add the missing heading");
	if (v->ind_plan)
		check_data_point(v);
	check_primary_key(v);
	check_unique_keys(v);
	check_foreign_keys(v);
	check_rules(v);
	if (s->ncompleteness && s->indicator_field >= 0)
		note_completeness(v);
	if (s->figures.value_field >= 0)
		note_figure(v);
}

/* The empty rows held back, now that a row with cells follows them: each
 * is an error, as a gap in the table may hide rows left out. No field
 * keeps the value of the row before them. */
static void flush_blank_rows(kpix_validator *v)
{
	for (size_t i = 0; i < v->nblanks; i++) {
		v->row = v->blank_first + i;
		v->file->rows++;
		v->row_error = v->problem_row == v->row;
		clear_fields(v);
		if (!v->rows_unchecked)
			emit(v, "blank-row", KPIX_SEVERITY_ERROR, v->row, 0, NULL, NULL, 0, NULL, NULL,
			     "this row is empty; delete it");
		v->file->rejected++;
		if (v->row_hook && !v->rows_unchecked)
			v->row_hook(v->row_hook_ctx, v->slots, v->row, false);
	}
	v->nblanks = 0;
}

/* The empty rows at the end of a file, which a spreadsheet writes when
 * cells below the table were once used: ignored, with one note. */
static void note_trailing_blank_rows(kpix_validator *v)
{
	if (!v->nblanks)
		return;
	uint64_t first = v->blank_first, last = first + v->nblanks - 1;
	if (v->nblanks == 1)
		emitf(v, "blank-row", KPIX_SEVERITY_WARNING, first, 0, NULL, NULL, 0, NULL,
		      "the file ends with an empty row (row %llu), which kpix ignored",
		      (unsigned long long)first);
	else
		emitf(v, "blank-row", KPIX_SEVERITY_WARNING, first, 0, NULL, NULL, 0, NULL,
		      "the file ends with %zu empty rows (rows %llu to %llu), which kpix ignored",
		      v->nblanks, (unsigned long long)first, (unsigned long long)last);
	v->nblanks = 0;
}

/* A workbook's row, which has no end of its own (a sheet keeps no empty
 * cell), as wide as its header: the reader widens each row to its first
 * row's width, which is the header's only when the header is row 1. rec
 * itself, or *wide over the validator's cells, valid until the next row. */
static const kpix_record *as_wide_as_header(kpix_validator *v, const kpix_record *rec,
                                            kpix_record *wide)
{
	if (rec->ncells >= v->ncols || !v->src || !kpix_source_info_get(v->src)->sheet[0])
		return rec;
	if (v->ncols > v->wide_cap) {
		v->wide_cap = v->ncols;
		v->wide = kpix_xrealloc(v->wide, v->wide_cap * sizeof(*v->wide));
	}
	for (size_t c = 0; c < v->ncols; c++)
		v->wide[c] = c < rec->ncells ? rec->cells[c] : (kpix_cell){"", 0, false};
	*wide = *rec;
	wide->cells = v->wide;
	wide->ncells = v->ncols;
	return wide;
}

static int on_record(void *ctx, const kpix_record *rec)
{
	kpix_validator *v = ctx;
	v->row = rec->row;
	if (!v->header_seen) {
		if (above_header(v, rec))
			return 0;
	}
	if (!v->header_seen) {
		v->header_seen = true;
		check_header(v, rec);
		return 0;
	}
	if (v->header_unmatched) {
		if (names_a_field(v->s, rec)) {
			report_unmatched_header(v, rec->row);
			check_header(v, rec);
			return 0;
		}
		report_unmatched_header(v, 0);
		v->header_unmatched = false;
		v->rows_unchecked = true;
	}
	if (!rec->malformed && blank(rec)) {
		/* judged at the next row that is not empty, or at the end */
		if (!v->nblanks++)
			v->blank_first = rec->row;
		return 0;
	}
	if (v->nblanks)
		flush_blank_rows(v);
	v->row = rec->row;
	v->file->rows++;
	if (v->rows_unchecked) {
		v->file->rejected++;
		return 0;
	}
	v->row_error = v->problem_row == rec->row;
	kpix_record wide;
	if (!rec->malformed)
		check_row(v, as_wide_as_header(v, rec, &wide));
	if (v->row_error)
		v->file->rejected++;
	if (v->row_hook && !rec->malformed) {
		if (!v->s->nrules)
			fill_indicator(v);
		v->row_hook(v->row_hook_ctx, v->slots, v->row, !v->row_error);
	}
	return 0;
}

void kpix_validator_add_problem(kpix_validator *v, const char *code, kpix_severity sev,
                                uint64_t row, size_t field, const char *value, const char *message)
{
	const kpix_field *f = &v->s->fields[field];
	bool counted = v->row_error; /* rows are counted as rejected once */
	if (strcmp(code, constraint_error) == 0)
		code = constraint_error; /* the address that marks the field as bad */
	emit(v, code, sev, row, col_of(v, field), f->name, value, value ? strlen(value) : 0, NULL,
	     NULL, message);
	if (sev == KPIX_SEVERITY_ERROR && row == v->row && !counted && v->file)
		v->file->rejected++;
}

void kpix_validator_set_row_hook(kpix_validator *v, kpix_row_hook fn, void *ctx)
{
	v->row_hook = fn;
	v->row_hook_ctx = ctx;
}

/* -------------------------------------------------------------- lifecycle */

/* Works out once the checks a cell of f needs (all but uniqueness, and
 * the primary key's need of a value, which depend on the table); the
 * cell's value goes to slot index. */
static void plan_field(field_plan *p, const kpix_field *f, size_t index)
{
	p->f = f;
	p->index = index;
	p->checks = (f->has_minimum || f->has_maximum ? CHECK_RANGE : 0) |
	            (f->min_length >= 0 || f->max_length >= 0 ? CHECK_LENGTH : 0) |
	            (f->re ? CHECK_PATTERN : 0) | (f->enum_text.n ? CHECK_ENUM : 0);
	p->needed = f->required;
	if (f->re)
		p->shape = kpix_shape_compile(f->pattern);
	bool short_enum = f->enum_text.n && !f->enum_num && f->enum_text.n <= MAX_WORD_ENUM;
	for (size_t i = 0; i < f->enum_text.n && short_enum; i++)
		short_enum = strlen(f->enum_text.items[i]) <= 8;
	if (short_enum) {
		p->enum_word = kpix_xcalloc(f->enum_text.n, sizeof(*p->enum_word));
		p->enum_len = kpix_xcalloc(f->enum_text.n, sizeof(*p->enum_len));
		for (size_t i = 0; i < f->enum_text.n; i++) {
			const char *t = f->enum_text.items[i];
			p->enum_len[i] = (unsigned char)strlen(t);
			p->enum_word[i] = text_word(t, p->enum_len[i]);
		}
	}
}

static void plan_free(field_plan *p)
{
	free(p->enum_word);
	free(p->enum_len);
	kpix_shape_free(p->shape);
}

int kpix_validator_new(kpix_validator **out, const kpix_schema *s, const kpix_validate_options *opts)
{
	*out = NULL;
	if (!s)
		return kpix_fail(KPIX_EUSAGE, "no schema given to the validator");
	if (opts && opts->version != KPIX_VALIDATE_OPTIONS_VERSION)
		return kpix_fail(KPIX_EUSAGE, "validate options of version %u; this kpix knows version %d",
		                 opts->version, KPIX_VALIDATE_OPTIONS_VERSION);
	kpix_validator *v = kpix_xcalloc(1, sizeof(*v));
	v->s = s;
	if (opts)
		v->opts = *opts;
	else
		v->opts = (kpix_validate_options)KPIX_VALIDATE_OPTIONS_INIT;
	kpix_report_init(&v->report, v->opts.max_errors ? v->opts.max_errors : DEFAULT_MAX_ERRORS);
	v->slots = kpix_xcalloc(s->scope.nrow, sizeof(kpix_val));
	v->fig = kpix_xcalloc(s->scope.nfig + 1, sizeof(kpix_val));
	v->fig_at = kpix_xcalloc(s->figures.n + 1, sizeof(*v->fig_at));
	v->fig_text = kpix_xcalloc(s->scope.nfig + 1, sizeof(char *));
	v->fig_given = kpix_xcalloc(s->figures.n + 1, sizeof(bool));
	v->plan = kpix_xcalloc(s->nfields ? s->nfields : 1, sizeof(*v->plan));
	v->field_cell = kpix_xcalloc(s->nfields, sizeof(*v->field_cell));
	v->field_bad = kpix_xcalloc(s->nfields, sizeof(bool));
	v->field_col = kpix_xcalloc(s->nfields, sizeof(long));
	v->md = pcre2_match_data_create(1, NULL);
	v->mctx = pcre2_match_context_create(NULL);
	pcre2_set_match_limit(v->mctx, REGEX_MATCH_LIMIT);
	if (s->npk)
		v->pk = kpix_keyset_new();
	v->unique = kpix_xcalloc(s->nfields, sizeof(*v->unique));
	for (size_t f = 0; f < s->nfields; f++) {
		if (!s->fields[f].unique)
			continue;
		v->unique[f] = s->npk == 1 && s->pk[0] == f ? v->pk : kpix_keyset_new();
	}
	for (size_t fi = 0; fi < s->nfields; fi++) {
		field_plan *p = &v->plan[fi];
		plan_field(p, &s->fields[fi], fi);
		if (v->unique[fi] && v->unique[fi] != v->pk)
			p->checks |= CHECK_UNIQUE;
		for (size_t i = 0; i < s->npk; i++)
			p->needed = p->needed || s->pk[i] == fi;
		for (size_t i = 0; i < s->npk; i++)
			p->in_key = p->in_key || s->pk[i] == fi;
		for (size_t i = 0; i < s->ncompleteness; i++)
			for (size_t g = 0; g < s->completeness[i].ngroup_by; g++)
				p->in_key = p->in_key || s->completeness[i].group_by[g] == fi;
		p->in_key = p->in_key && s->fields[fi].type == KPIX_T_STRING;
	}
	for (size_t k = 0; k < s->nindicators && s->figures.value_field >= 0; k++) {
		if (!s->indicators[k].value)
			continue;
		if (!v->ind_plan)
			v->ind_plan = kpix_xcalloc(s->nindicators, sizeof(*v->ind_plan));
		plan_field(&v->ind_plan[k], s->indicators[k].value, (size_t)s->figures.value_field);
	}
	v->fk_self = kpix_xcalloc(s->nfkeys ? s->nfkeys : 1, sizeof(*v->fk_self));
	for (size_t i = 0; i < s->nfkeys; i++)
		if (s->fkeys[i].kind == KPIX_REF_SELF)
			v->fk_self[i] = kpix_keyset_new();
	load_typed_references(v);
	v->comp = kpix_xcalloc(s->ncompleteness ? s->ncompleteness : 1, sizeof(*v->comp));
	for (size_t i = 0; i < s->ncompleteness; i++) {
		v->comp[i].groups = kpix_keyset_new();
		v->comp[i].seen = kpix_keyset_new();
		v->comp[i].astray = kpix_keyset_new();
	}
	v->rule_error_reported = kpix_xcalloc(s->nrules ? s->nrules : 1, sizeof(bool));
	*out = v;
	return 0;
}

/* Starts the report's entry for a file (or other source) named name. */
static int begin_file(kpix_validator *v, const char *name)
{
	if (v->finished)
		return kpix_fail(KPIX_EUSAGE, "the validator has already finished");
	kpix_report *r = &v->report;
	r->files = kpix_xrealloc(r->files, (r->nfiles + 1) * sizeof(*r->files));
	r->files[r->nfiles] = (kpix_file_total){kpix_xstrdup(name), 0, 0, "ascii", NULL, NULL};
	v->read = kpix_xrealloc(v->read, (r->nfiles + 1) * sizeof(*v->read));
	memset(&v->read[r->nfiles], 0, sizeof(*v->read));
	v->file_index = r->nfiles++;
	v->file = &r->files[v->file_index];
	v->header_seen = false;
	v->header_unmatched = false;
	v->header_row = 0;
	v->above = 0;
	v->rows_unchecked = false;
	v->nblanks = 0;
	v->ncols = 0;
	v->width = 0;
	v->problem_row = 0;
	v->row = 0;
	return 0;
}

/* Reads the source's records into the file begun last, and reports a
 * source that held no record at all. */
static int read_source(kpix_validator *v, kpix_source *src)
{
	kpix_source_handler h = {on_record, on_problem, v};
	v->src = src;
	int rc = kpix_source_read(src, &h);
	v->src = NULL;
	const kpix_source_info *st = kpix_source_info_get(src);
	v->read[v->file_index] = *st;
	v->file->encoding = st->encoding ? st->encoding : "ascii";
	kpix_report_file_sheet_set(&v->report, v->file_index, st->sheet);
	if (rc != 0 || !st->complete)
		return rc;
	end_header_search(v);
	if (v->header_unmatched) {
		v->header_unmatched = false;
		report_unmatched_header(v, 0);
	}
	note_trailing_blank_rows(v);
	if (st->records == 0 && st->bytes > 0) /* what the reader strips: a byte-order mark */
		emit(v, "source-error", KPIX_SEVERITY_ERROR, 0, 0, NULL, NULL, 0, NULL, NULL,
		     "the file holds only a byte-order mark (the 3 bytes that mark UTF-8 text) and "
		     "nothing else: kpix expected a header row naming the columns, then the data");
	else if (st->records == 0)
		emit(v, "source-error", KPIX_SEVERITY_ERROR, 0, 0, NULL, NULL, 0, NULL, NULL,
		     "the file is empty: kpix expected a header row naming the columns, then the data");
	return rc;
}

int kpix_validator_add_file(kpix_validator *v, const char *path)
{
	int rc = begin_file(v, path);
	if (rc)
		return rc;
	/* the fields' names: the header of a file without one, and what a
	 * header separated otherwise than by commas is recognised by */
	const char **names = kpix_xcalloc(v->s->nfields + 1, sizeof(*names));
	for (size_t i = 0; i < v->s->nfields; i++)
		names[i] = v->s->fields[i].name;
	const kpix_validate_options *vo = &v->opts;
	kpix_source_options o = {vo->encoding, vo->max_field_bytes, vo->max_columns,
	                         vo->progress, vo->progress_ctx, v->sha256, vo->sheet,
	                         vo->delimiter, vo->quote_char, vo->skip_initial_space,
	                         vo->header_rows, vo->header_join, vo->no_header,
	                         names, v->s->nfields};
	kpix_source *src;
	if ((rc = kpix_source_open(&src, path, &o)) == 0)
		rc = read_source(v, src);
	kpix_source_close(src);
	free(names);
	return rc;
}

int kpix_validator_add_source(kpix_validator *v, kpix_source *src, const char *name)
{
	int rc = begin_file(v, name);
	return rc ? rc : read_source(v, src);
}

void kpix_validator_hash_files(kpix_validator *v)
{
	v->sha256 = true;
}

const kpix_source_info *kpix_validator_file_read(const kpix_validator *v, size_t i)
{
	return i < v->report.nfiles ? &v->read[i] : NULL;
}

const kpix_source_info *kpix_validator_previous_read(const kpix_validator *v)
{
	return v->has_previous ? &v->previous_read : NULL;
}

const kpix_report *kpix_validator_finish(kpix_validator *v)
{
	if (!v->finished) {
		v->finished = true;
		v->file = NULL;
		v->row = 0;
		finish_self_references(v);
		finish_completeness(v);
		finish_figures(v);
		kpix_report_finish(&v->report);
	}
	return &v->report;
}

void kpix_validator_free(kpix_validator *v)
{
	if (!v)
		return;
	const kpix_schema *s = v->s;
	kpix_report_done(&v->report);
	free(v->read);
	free(v->slots);
	free(v->fig);
	free(v->fig_at);
	kpix_strings_free(v->fig_text, s->scope.nfig);
	kpix_strings_free(v->astray, v->nastray);
	free(v->fig_given);
	for (size_t f = 0; f < s->nfields; f++)
		plan_free(&v->plan[f]);
	free(v->plan);
	for (size_t k = 0; v->ind_plan && k < s->nindicators; k++)
		plan_free(&v->ind_plan[k]);
	free(v->ind_plan);
	free(v->field_cell);
	free(v->field_bad);
	free(v->field_col);
	free(v->col_field);
	free(v->col_plan);
	kpix_buf_free(&v->key);
	kpix_buf_free(&v->msg);
	kpix_buf_free(&v->header_shown);
	free(v->wide);
	pcre2_match_data_free(v->md);
	pcre2_match_context_free(v->mctx);
	for (size_t f = 0; f < s->nfields; f++)
		if (v->unique[f] && v->unique[f] != v->pk)
			kpix_keyset_free(v->unique[f]);
	free(v->unique);
	for (size_t i = 0; v->ukeys && i < s->nukeys; i++)
		kpix_keyset_free(v->ukeys[i]);
	free(v->ukeys);
	kpix_keyset_free(v->pk);
	for (size_t i = 0; i < s->nfkeys; i++) {
		kpix_keyset_free(v->fk_self[i]);
		if (v->fk_typed)
			kpix_keyset_free(v->fk_typed[i]);
	}
	free(v->fk_self);
	free(v->fk_typed);
	free(v->pending);
	kpix_buf_free(&v->pending_keys);
	for (size_t i = 0; i < s->ncompleteness; i++) {
		kpix_keyset_free(v->comp[i].groups);
		kpix_keyset_free(v->comp[i].seen);
		kpix_keyset_free(v->comp[i].astray);
		for (size_t u = 0; u < v->comp[i].nunnamed; u++) {
			free(v->comp[i].unnamed[u].code);
			free(v->comp[i].unnamed[u].breakdown);
		}
		free(v->comp[i].unnamed);
		for (size_t g = 0; g < v->comp[i].n; g++) {
			free(v->comp[i].list[g].key);
			free(v->comp[i].list[g].period);
		}
		free(v->comp[i].list);
	}
	free(v->comp);
	free(v->rule_error_reported);
	free(v);
}
