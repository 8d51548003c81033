/* template.c - kpix template: blank input templates made from a schema.
 *
 * Two files, written together through an outdir: a CSV holding the header
 * row alone, and a workbook for the people who fill in the data in Excel.
 * The workbook's Data sheet has the same headings, and on every column
 * the schema's checks that Excel can make itself (data validation) with a
 * hint in the words of 'kpix schemas show'. A Guide sheet lists every
 * field; an Indicators sheet lists the catalogue. Everything comes from
 * the schema: nothing here knows a field, a code or a list. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvwrite.h"
#include "job.h"
#include "schema.h"
#include "util.h"
#include "xlsx.h"

#define EXCEL_ROWS 1048576u
#define EXCEL_COLS 16384u
#define EXCEL_EPOCH_OFFSET 25569  /* days from 1899-12-30 to 1970-01-01 */
#define EXCEL_LAST_DAY 2958465    /* 9999-12-31 */
#define DEFAULT_DATE 315532800    /* 1980-01-01, the earliest date a ZIP file holds */
#define GUIDE_MAX_VALUES 50       /* a longer list is not spelt out on the Guide */

/* The values a field may take, offered as a dropdown. */
typedef struct {
	char **items;
	size_t n;
	bool warn_only;      /* the validator does not refuse other values */
	const kpix_fkey *fk; /* the foreign key the values come from, if any */
	int lists_col;       /* its column on the Lists sheet, or -1 when inline */
	char range[160];
} choice;

typedef struct {
	const kpix_schema *s;
	choice *choices;     /* one per field; n == 0 for none */
	kpix_xlsx *wb;
	kpix_xlsx_sheet *data, *guide, *inds, *lists;
} tpl;

/* ------------------------------------------------------------ choices */

static void add_item(choice *c, const char *s, size_t len)
{
	if (len == 0)
		return;
	c->items = kpix_xrealloc(c->items, (c->n + 2) * sizeof(char *));
	c->items[c->n++] = kpix_xstrndup(s, len);
	c->items[c->n] = NULL;
}

static void add_key(void *ctx, const void *key, size_t len, uint64_t value)
{
	(void)value;
	add_item(ctx, key, len);
}

static const kpix_fkey *single_fkey(const kpix_schema *s, size_t field)
{
	for (size_t i = 0; i < s->nfkeys; i++) {
		const kpix_fkey *fk = &s->fkeys[i];
		if (fk->nfields == 1 && fk->fields[0] == field && fk->kind != KPIX_REF_SELF && fk->values)
			return fk;
	}
	return NULL;
}

/* What a field's dropdown offers: its enum; else the values of a foreign
 * key on it alone (the catalogue, a list of the schema's, a reference
 * file); else, for the indicator field, the catalogue's codes (offered,
 * not enforced, as the validator does not enforce them without a foreign
 * key); else a boolean's true and false texts. */
static void find_choice(const kpix_schema *s, size_t i, choice *c)
{
	const kpix_field *f = &s->fields[i];
	c->lists_col = -1;
	if (f->enum_text.n) {
		for (size_t k = 0; k < f->enum_text.n; k++)
			add_item(c, f->enum_text.items[k], strlen(f->enum_text.items[k]));
	} else if ((c->fk = single_fkey(s, i))) {
		kpix_keyset_each(c->fk->values, add_key, c);
	} else if ((long)i == s->indicator_field && s->nindicators) {
		for (size_t k = 0; k < s->nindicators; k++)
			add_item(c, s->indicators[k].code, strlen(s->indicators[k].code));
		c->warn_only = true;
	} else if (f->type == KPIX_T_BOOLEAN) {
		if (f->true_values.n || f->false_values.n) {
			for (size_t k = 0; k < f->true_values.n; k++)
				add_item(c, f->true_values.items[k], strlen(f->true_values.items[k]));
			for (size_t k = 0; k < f->false_values.n; k++)
				add_item(c, f->false_values.items[k], strlen(f->false_values.items[k]));
		} else {
			/* Excel's own spelling, which the default values include */
			add_item(c, "TRUE", 4);
			add_item(c, "FALSE", 5);
		}
	}
}

/* --------------------------------------------------------------- words */

static void capitalise_from(kpix_buf *b, size_t at)
{
	if (b->len > at && b->data[at] >= 'a' && b->data[at] <= 'z')
		b->data[at] = (char)(b->data[at] - 'a' + 'A');
}

/* The hint on a column: what to enter, then the field's description. */
static char *hint(const tpl *t, size_t i)
{
	const kpix_field *f = &t->s->fields[i];
	const choice *c = &t->choices[i];
	kpix_buf b = KPIX_BUF_INIT;
	if (c->n) {
		kpix_buf_adds(&b, "Choose from the list");
		if (c->fk)
			kpix_buf_printf(&b, ": %s", c->fk->describe);
		kpix_buf_adds(&b, ". ");
	}
	size_t at = b.len;
	kpix_field_expectation(&b, f, c->n == 0);
	capitalise_from(&b, at);
	kpix_buf_addc(&b, '.');
	if (f->description)
		kpix_buf_printf(&b, " %s", f->description);
	return kpix_buf_detach(&b);
}

/* What Excel says when it refuses a value. */
static char *refusal(const tpl *t, size_t i)
{
	const kpix_field *f = &t->s->fields[i];
	kpix_buf b = KPIX_BUF_INIT;
	kpix_buf_printf(&b, "%s takes ", f->name);
	if (t->choices[i].n)
		kpix_buf_adds(&b, "a value from the list: ");
	kpix_field_expectation(&b, f, false);
	kpix_buf_addc(&b, '.');
	return kpix_buf_detach(&b);
}

/* Everything the guide says a field may hold, beyond its type. */
static char *allowed_values(const tpl *t, size_t i)
{
	const choice *c = &t->choices[i];
	if (!c->n)
		return NULL;
	kpix_buf b = KPIX_BUF_INIT;
	if (c->n > GUIDE_MAX_VALUES) {
		kpix_buf_printf(&b, "one of %zu values: choose from the dropdown", c->n);
	} else {
		for (size_t k = 0; k < c->n; k++)
			kpix_buf_printf(&b, "%s%s", k ? ", " : "", c->items[k]);
	}
	if (c->fk)
		kpix_buf_printf(&b, " (%s)", c->fk->describe);
	else if (c->warn_only)
		kpix_buf_adds(&b, " (the indicator catalogue)");
	return kpix_buf_detach(&b);
}

/* ---------------------------------------------------------- the checks */

static bool is_iso_date(const kpix_field *f)
{
	return !f->format || strcmp(f->format, "default") == 0 || strcmp(f->format, "any") == 0;
}

/* The Excel number format that shows a date the way the field's format
 * writes it, so that a date typed in Excel is saved to CSV in that shape:
 * %d/%m/%Y is dd\/mm\/yyyy (literal characters escaped, so that no
 * regional setting changes them). */
static void date_number_format(const kpix_field *f, kpix_buf *out)
{
	kpix_buf_clear(out);
	if (is_iso_date(f)) {
		kpix_buf_adds(out, "yyyy\\-mm\\-dd");
		return;
	}
	for (const char *p = f->format; *p; p++) {
		if (*p == '%' && p[1]) {
			switch (*++p) {
			case 'd': kpix_buf_adds(out, "dd"); break;
			case 'e': kpix_buf_adds(out, "d"); break;
			case 'm': kpix_buf_adds(out, "mm"); break;
			case 'Y': kpix_buf_adds(out, "yyyy"); break;
			case 'y': kpix_buf_adds(out, "yy"); break;
			case 'b': kpix_buf_adds(out, "mmm"); break;
			case 'B': kpix_buf_adds(out, "mmmm"); break;
			default: kpix_buf_adds(out, "\\%"); break;
			}
		} else if (*p == ' ') {
			kpix_buf_addc(out, ' ');
		} else {
			kpix_buf_addc(out, '\\');
			kpix_buf_addc(out, *p);
			/* the rest of a UTF-8 character goes with it */
			while (((unsigned char)p[1] & 0xc0) == 0x80)
				kpix_buf_addc(out, *++p);
		}
	}
}

/* The check Excel makes on a field's cells; title, message and error are
 * filled in by the caller. */
static void field_check(const tpl *t, size_t i, kpix_xcheck *c)
{
	const kpix_field *f = &t->s->fields[i];
	const choice *ch = &t->choices[i];
	memset(c, 0, sizeof(*c));
	c->has_min = f->has_minimum;
	c->has_max = f->has_maximum;
	c->min = f->minimum;
	c->max = f->maximum;
	if (ch->n) {
		c->kind = KPIX_XCHECK_LIST;
		c->items = (const char *const *)ch->items;
		c->nitems = ch->n;
		c->range = ch->lists_col >= 0 ? ch->range : NULL;
		c->warn_only = ch->warn_only;
		c->has_min = c->has_max = false;
		return;
	}
	switch (f->type) {
	case KPIX_T_INTEGER:
		c->kind = KPIX_XCHECK_WHOLE;
		break;
	case KPIX_T_NUMBER:
		c->kind = KPIX_XCHECK_DECIMAL;
		break;
	case KPIX_T_DATE:
		c->kind = KPIX_XCHECK_DATE;
		/* Excel's days: from 1 January 1900 to 31 December 9999 */
		c->min = c->has_min ? c->min + EXCEL_EPOCH_OFFSET : 1;
		c->max = c->has_max ? c->max + EXCEL_EPOCH_OFFSET : EXCEL_LAST_DAY;
		c->has_min = c->has_max = true;
		break;
	case KPIX_T_YEAR:
		/* four digits */
		c->kind = KPIX_XCHECK_WHOLE;
		c->min = c->has_min && c->min > 1000 ? c->min : 1000;
		c->max = c->has_max && c->max < 9999 ? c->max : 9999;
		c->has_min = c->has_max = true;
		break;
	default:
		c->has_min = f->min_length >= 0;
		c->has_max = f->max_length >= 0;
		c->min = (double)f->min_length;
		c->max = (double)f->max_length;
		c->kind = c->has_min || c->has_max ? KPIX_XCHECK_LENGTH : KPIX_XCHECK_ANY;
		break;
	}
}

/* ---------------------------------------------------------- the sheets */

static void text(kpix_xlsx_sheet *ws, uint32_t row, uint16_t col, const char *s,
                 const kpix_xstyle *st)
{
	if (s)
		kpix_xlsx_text(ws, row, col, s, strlen(s), st);
	else
		kpix_xlsx_blank(ws, row, col, st);
}

static size_t chars(const char *s)
{
	size_t n = 0;
	for (; s && *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void data_sheet(tpl *t)
{
	const kpix_schema *s = t->s;
	kpix_xstyle head = {.heading = true, .border = true};
	kpix_buf fmt = KPIX_BUF_INIT;
	for (size_t i = 0; i < s->nfields; i++) {
		const kpix_field *f = &s->fields[i];
		uint16_t col = (uint16_t)i;

		/* a column's cells keep the shape the validator reads: text stays
		 * text (no 01234 turned into 1234), dates show as the schema
		 * writes them */
		kpix_xstyle cells = {0};
		if (f->type == KPIX_T_STRING || f->type == KPIX_T_YEARMONTH) {
			cells.number_format = "@";
		} else if (f->type == KPIX_T_DATE) {
			date_number_format(f, &fmt);
			cells.number_format = fmt.data;
		}
		size_t w = chars(f->name) > chars(f->example) ? chars(f->name) : chars(f->example);
		double width = (double)w + 3 < 12 ? 12 : (double)w + 3 > 40 ? 40 : (double)w + 3;
		kpix_xlsx_column_style(t->data, col, width, cells.number_format ? &cells : NULL);
		text(t->data, 0, col, f->name, &head); /* after its width: it is measured */

		char *title = kpix_xstrdup(f->title ? f->title : f->name);
		char *message = hint(t, i);
		char *error = refusal(t, i);
		kpix_xcheck heading = {.kind = KPIX_XCHECK_ANY, .title = title, .message = message};
		kpix_xlsx_check(t->data, 0, col, 0, col, &heading);
		kpix_xcheck c;
		field_check(t, i, &c);
		c.title = title;
		c.message = message;
		c.error = error;
		kpix_xlsx_check(t->data, 1, col, EXCEL_ROWS - 1, col, &c);
		free(title);
		free(message);
		free(error);
	}
	kpix_buf_free(&fmt);
	kpix_xlsx_freeze(t->data, 1, 0);
	kpix_xlsx_print(t->data, true, true, 0, 0, NULL, "&CPage &P of &N");
}

static void guide_sheet(tpl *t)
{
	const kpix_schema *s = t->s;
	kpix_xlsx_sheet *ws = t->guide;
	kpix_xstyle big = {.bold = true, .size = 14}, head = {.heading = true, .border = true};
	kpix_xstyle cell = {.border = true, .wrap = true}, bold = {.bold = true};
	uint32_t row = 0;
	kpix_buf b = KPIX_BUF_INIT;

	text(ws, row++, 0, s->title ? s->title : s->id, &big);
	kpix_buf_printf(&b, "Input template for the schema %s, version %s.", s->id, s->version);
	text(ws, row++, 0, b.data, NULL);
	if (s->description)
		text(ws, row++, 0, s->description, NULL);
	row++;
	kpix_buf_clear(&b);
	kpix_buf_printf(&b,
	                "Fill in the Data sheet: one row for each record, with the headings in row 1 "
	                "left as they are. Save it as CSV UTF-8 and check it with: kpix validate "
	                "FILE.csv --schema %s",
	                s->id);
	text(ws, row++, 0, b.data, &bold);
	text(ws, row++, 0,
	     "Selecting a cell shows what it takes; Excel refuses what does not fit where it can "
	     "tell. kpix validate checks everything, including what Excel cannot.",
	     NULL);
	if (s->missing.n) {
		kpix_buf_clear(&b);
		kpix_buf_adds(&b, "A cell counts as empty when it is blank or holds: ");
		size_t k = 0;
		for (size_t i = 0; i < s->missing.n; i++)
			if (*s->missing.items[i])
				kpix_buf_printf(&b, "%s%s", k++ ? ", " : "", s->missing.items[i]);
		if (k)
			text(ws, row++, 0, b.data, NULL);
	}
	if (s->npk) {
		kpix_buf_clear(&b);
		kpix_buf_adds(&b, "Each row is identified by ");
		for (size_t i = 0; i < s->npk; i++)
			kpix_buf_printf(&b, "%s%s", i ? (i + 1 == s->npk ? " and " : ", ") : "",
			                s->fields[s->pk[i]].name);
		kpix_buf_adds(&b, "; no two rows may share them.");
		text(ws, row++, 0, b.data, NULL);
	}
	row++;

	static const char *const heads[] = {"Column", "Heading", "Title", "Required",
	                                    "What to enter", "Allowed values", "Description"};
	static const double widths[] = {7, 14, 18, 9, 40, 32, 40};
	for (uint16_t c = 0; c < 7; c++) {
		kpix_xlsx_column_width(ws, c, widths[c]); /* first: the heading is measured */
		text(ws, row, c, heads[c], &head);
	}
	uint32_t table = row++;
	for (size_t i = 0; i < s->nfields; i++, row++) {
		const kpix_field *f = &s->fields[i];
		char letters[4];
		kpix_xlsx_column_name(letters, (uint16_t)i);
		kpix_buf_clear(&b);
		kpix_field_expectation(&b, f, false);
		capitalise_from(&b, 0);
		char *values = allowed_values(t, i);
		text(ws, row, 0, letters, &cell);
		text(ws, row, 1, f->name, &cell);
		text(ws, row, 2, f->title, &cell);
		text(ws, row, 3, f->required ? "Yes" : "No", &cell);
		text(ws, row, 4, b.data, &cell);
		text(ws, row, 5, values, &cell);
		text(ws, row, 6, f->description, &cell);
		free(values);
	}
	if (s->nrules) {
		row++;
		text(ws, row++, 0, "Checks across columns, made by kpix validate", &bold);
		static const char *const rheads[] = {"Code", "Severity", "What is checked"};
		for (uint16_t c = 0; c < 3; c++)
			text(ws, row, c, rheads[c], &head);
		row++;
		for (size_t i = 0; i < s->nrules; i++, row++) {
			const kpix_rule *r = &s->rules[i];
			text(ws, row, 0, r->code, &cell);
			text(ws, row, 1, r->severity == KPIX_SEVERITY_WARNING ? "warning" : "error", &cell);
			text(ws, row, 2, r->title ? r->title : r->check_src, &cell);
		}
	}
	kpix_buf_free(&b);
	kpix_xlsx_freeze(ws, table + 1, 0);
	kpix_xlsx_print(ws, true, true, (int)table, (int)table, NULL, "&CPage &P of &N");
}

static void indicators_sheet(tpl *t)
{
	const kpix_schema *s = t->s;
	kpix_xlsx_sheet *ws = t->inds;
	kpix_xstyle head = {.heading = true, .border = true};
	kpix_xstyle cell = {.border = true, .wrap = true};
	static const char *const heads[] = {"Code", "Title", "Unit", "Decimals", "Polarity",
	                                    "Frequency", "Numerator", "Denominator", "Breakdowns",
	                                    "Description"};
	static const double widths[] = {8, 28, 10, 9, 10, 11, 20, 20, 14, 34};
	for (uint16_t c = 0; c < 10; c++) {
		kpix_xlsx_column_width(ws, c, widths[c]); /* first: the heading is measured */
		text(ws, 0, c, heads[c], &head);
	}
	kpix_buf b = KPIX_BUF_INIT;
	for (size_t i = 0; i < s->nindicators; i++) {
		const kpix_indicator *ind = &s->indicators[i];
		uint32_t row = (uint32_t)i + 1;
		text(ws, row, 0, ind->code, &cell);
		text(ws, row, 1, ind->title, &cell);
		text(ws, row, 2, ind->unit ? kpix_unit_words(ind->unit) : NULL, &cell);
		kpix_xlsx_number(ws, row, 3, ind->decimals, &cell);
		text(ws, row, 4,
		     ind->polarity == KPIX_POL_HIGHER  ? "higher is better"
		     : ind->polarity == KPIX_POL_LOWER ? "lower is better"
		                                       : NULL,
		     &cell);
		kpix_buf_clear(&b);
		if (ind->frequency)
			kpix_buf_adds(&b, ind->frequency);
		for (size_t k = 0; k < ind->due_in.n; k++)
			kpix_buf_printf(&b, "%s%s", k ? ", " : b.len ? " (due in " : "due in ",
			                ind->due_in.items[k]);
		if (ind->due_in.n && ind->frequency)
			kpix_buf_addc(&b, ')');
		text(ws, row, 5, b.len ? b.data : NULL, &cell);
		text(ws, row, 6, ind->numerator, &cell);
		text(ws, row, 7, ind->denominator, &cell);
		kpix_buf_clear(&b);
		for (size_t k = 0; k < ind->breakdowns.n; k++)
			kpix_buf_printf(&b, "%s%s", k ? ", " : "", ind->breakdowns.items[k]);
		text(ws, row, 8, b.len ? b.data : NULL, &cell);
		text(ws, row, 9, ind->description, &cell);
	}
	kpix_buf_free(&b);
	kpix_xlsx_freeze(ws, 1, 0);
	kpix_xlsx_filter(ws, 0, (uint32_t)s->nindicators, 9);
	kpix_xlsx_print(ws, true, true, 0, 0, NULL, "&CPage &P of &N");
}

/* Lists too long for Excel to keep inside a check go on a hidden sheet,
 * one column each, headed by the field's name; rows in order, as the
 * constant-memory workbook asks. */
static void lists_sheet(tpl *t)
{
	const kpix_schema *s = t->s;
	size_t longest = 0;
	for (size_t i = 0; i < s->nfields; i++) {
		const choice *c = &t->choices[i];
		if (c->lists_col < 0)
			continue;
		text(t->lists, 0, (uint16_t)c->lists_col, s->fields[i].name, NULL);
		kpix_xlsx_column_width(t->lists, (uint16_t)c->lists_col, 20);
		if (c->n > longest)
			longest = c->n;
	}
	for (size_t r = 0; r < longest && r + 1 < EXCEL_ROWS; r++)
		for (size_t i = 0; i < s->nfields; i++) {
			const choice *c = &t->choices[i];
			if (c->lists_col >= 0 && r < c->n)
				text(t->lists, (uint32_t)r + 1, (uint16_t)c->lists_col, c->items[r], NULL);
		}
	kpix_xlsx_hide(t->lists);
}

static int write_workbook(tpl *t, const char *path, const char *shown, int64_t created)
{
	const kpix_schema *s = t->s;
	int rc = kpix_xlsx_open(&t->wb, path, shown);
	if (rc)
		return rc;
	t->data = kpix_xlsx_add_sheet(t->wb, "Data");
	t->guide = kpix_xlsx_add_sheet(t->wb, "Guide");
	if (s->nindicators)
		t->inds = kpix_xlsx_add_sheet(t->wb, "Indicators");
	int ncols = 0;
	for (size_t i = 0; i < s->nfields; i++) {
		choice *c = &t->choices[i];
		if (c->n && !kpix_xlsx_list_fits((const char *const *)c->items, c->n))
			c->lists_col = ncols++;
	}
	if (ncols) {
		t->lists = kpix_xlsx_add_sheet(t->wb, "Lists");
		for (size_t i = 0; i < s->nfields; i++) {
			choice *c = &t->choices[i];
			size_t last = c->n < EXCEL_ROWS - 1 ? c->n : EXCEL_ROWS - 1;
			if (c->lists_col >= 0 && t->lists)
				kpix_xlsx_range(c->range, sizeof(c->range), t->lists, 1, (uint32_t)last,
				                (uint16_t)c->lists_col);
		}
		lists_sheet(t);
	}
	data_sheet(t);
	guide_sheet(t);
	if (t->inds)
		indicators_sheet(t);

	kpix_buf title = KPIX_BUF_INIT, subject = KPIX_BUF_INIT, keywords = KPIX_BUF_INIT;
	kpix_buf_printf(&title, "%s: input template", s->title ? s->title : s->id);
	kpix_buf_printf(&subject, "Input template for %s %s", s->id, s->version);
	kpix_buf_printf(&keywords, "%s, %s, template", s->id, s->version);
	const char *props[7] = {title.data, subject.data, NULL, NULL, NULL, "Input template",
	                        keywords.data};
	kpix_xlsx_properties(t->wb, props, created >= 0 ? created : DEFAULT_DATE);
	kpix_buf_free(&title);
	kpix_buf_free(&subject);
	kpix_buf_free(&keywords);
	rc = kpix_xlsx_close(t->wb);
	t->wb = NULL;
	return rc;
}

/* --------------------------------------------------------------- CSV */

/* The header row, RFC 4180: a name is quoted only when it must be, and
 * one that a spreadsheet would run as a formula ("=HYPERLINK(...)") gets
 * the apostrophe that export's cells get (kpix_csv_cell), which the
 * validator reads past when the filled template comes back. */
static void write_header(const kpix_schema *s, FILE *fp)
{
	kpix_buf line = KPIX_BUF_INIT;
	for (size_t i = 0; i < s->nfields; i++) {
		const char *n = s->fields[i].name;
		size_t len = strlen(n);
		if (i)
			kpix_buf_addc(&line, ',');
		kpix_csv_cell(&line, n, len, true);
	}
	kpix_buf_adds(&line, "\r\n");
	fwrite(line.data, 1, line.len, fp);
	kpix_buf_free(&line);
}

/* --------------------------------------------------------------- API */

int kpix_template(char ***written, size_t *nwritten, const kpix_schema *s,
                  const kpix_template_options *opts)
{
	if (written)
		*written = NULL;
	if (nwritten)
		*nwritten = 0;
	if (opts && opts->version != KPIX_TEMPLATE_OPTIONS_VERSION)
		return kpix_fail(KPIX_EUSAGE, "template options of version %u; this kpix knows version %d",
		                 opts->version, KPIX_TEMPLATE_OPTIONS_VERSION);
	/* no data is read and nothing is recorded, but the two files are
	 * committed together and never over the schema or its reference files */
	kpix_job_spec spec = {.out_dir = opts ? opts->out_dir : NULL, .schema = s};
	kpix_job *job = NULL;
	int rc = kpix_job_new(&job, &spec);
	if (!rc && s->nfields > EXCEL_COLS)
		rc = kpix_fail(KPIX_ESCHEMA,
		               "the schema %s has %zu fields, more than the %u columns a workbook holds",
		               s->id, s->nfields, EXCEL_COLS);
	if (rc || (rc = kpix_job_start(job, NULL, NULL))) {
		kpix_result_free(job);
		return rc;
	}

	tpl t = {.s = s};
	t.choices = kpix_xcalloc(s->nfields + 1, sizeof(choice));
	for (size_t i = 0; i < s->nfields; i++)
		find_choice(s, i, &t.choices[i]);

	char *csv_name = kpix_xasprintf("%s-template.csv", s->id);
	char *xlsx_name = kpix_xasprintf("%s-template.xlsx", s->id);
	FILE *fp = NULL;
	const char *tmp = NULL, *shown = NULL;
	if (!(rc = kpix_job_begin_file(job, csv_name, &fp)))
		write_header(s, fp);
	if (!rc && !(rc = kpix_job_begin(job, xlsx_name, &tmp, &shown)))
		rc = write_workbook(&t, tmp, shown, opts->created);
	if (!rc)
		rc = kpix_job_commit(job);
	if (!rc && written) {
		*written = kpix_xcalloc(3, sizeof(char *));
		(*written)[0] = kpix_xstrdup(csv_name);
		(*written)[1] = kpix_xstrdup(xlsx_name);
		if (nwritten)
			*nwritten = 2;
	}

	kpix_xlsx_discard(t.wb);
	kpix_result_free(job);
	for (size_t i = 0; i < s->nfields; i++) {
		for (size_t k = 0; k < t.choices[i].n; k++)
			free(t.choices[i].items[k]);
		free(t.choices[i].items);
	}
	free(t.choices);
	free(csv_name);
	free(xlsx_name);
	return rc;
}
