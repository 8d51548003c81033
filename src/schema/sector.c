/* sector.c - a return's figures among the sector's; see sector.h. */
#include "sector.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cast.h"
#include "keyset.h"
#include "rating.h"
#include "source.h"
#include "util.h"
#include "xlsxread.h"

/* ---------------------------------------------------------- definition */

static void sheet_free(kpix_sector_sheet *sh)
{
	for (size_t i = 0; i < sh->ncolumns; i++) {
		free(sh->columns[i].heading);
		free(sh->columns[i].denominator);
	}
	free(sh->columns);
	free(sh->name);
}

void kpix_sector_def_free(kpix_sector_def *d)
{
	for (size_t l = 0; l < d->nlayouts; l++) {
		for (size_t s = 0; s < d->layouts[l].nsheets; s++)
			sheet_free(&d->layouts[l].sheets[s]);
		free(d->layouts[l].sheets);
		free(d->layouts[l].name);
	}
	free(d->layouts);
	free(d->key);
	free(d->self);
	memset(d, 0, sizeof(*d));
}

static int load_sheet(const kpix_json_doc *doc, const char *path, const kpix_json *j,
                      const kpix_keyset *figure_index, kpix_sector_sheet *sh)
{
	static const char *const keys[] = {"name", "headerRow", "columns", NULL};
	bool has = false;
	double row = 0;
	int rc;
	if (!kpix_json_is_object(j))
		return kpix_json_fail(doc, path, "expected an object: a sheet's name, headerRow and columns");
	if ((rc = kpix_json_only_keys(doc, path, j, keys)) ||
	    (rc = kpix_json_get_str(doc, path, j, "name", &sh->name, true)) ||
	    (rc = kpix_json_get_num(doc, path, j, "headerRow", &has, &row)))
		return rc;
	if (!has || row < 1 || row > 1048576 || row != floor(row))
		return kpix_json_fail(doc, path, "expected headerRow, the row of the sheet's headings: "
		                                 "a whole number from 1 to 1048576");
	sh->header_row = (uint64_t)row;
	const kpix_json *cols = kpix_json_get(j, "columns");
	if (!kpix_json_is_array(cols) || !kpix_json_size(cols))
		return kpix_json_fail(doc, path, "expected columns, a list of the sheet's columns to read");
	sh->columns = kpix_xcalloc(kpix_json_size(cols), sizeof(*sh->columns));
	static const char *const ckeys[] = {"heading", "figure", "decimals", "denominator", NULL};
	size_t i;
	const kpix_json *c;
	char *at = NULL;
	kpix_json_array_foreach(cols, i, c) {
		free(at);
		at = kpix_xasprintf("%s.columns[%zu]", path, i);
		kpix_sector_column *col = &sh->columns[sh->ncolumns++];
		char *figure = NULL;
		bool given = false;
		double places = 0;
		col->decimals = -1;
		if (!kpix_json_is_object(c)) {
			rc = kpix_json_fail(doc, at, "expected an object: heading, figure, decimals, denominator");
			break;
		}
		if ((rc = kpix_json_only_keys(doc, at, c, ckeys)) ||
		    (rc = kpix_json_get_str(doc, at, c, "heading", &col->heading, true)) ||
		    (rc = kpix_json_get_str(doc, at, c, "figure", &figure, true)) ||
		    (rc = kpix_json_get_str(doc, at, c, "denominator", &col->denominator, false)) ||
		    (rc = kpix_json_get_num(doc, at, c, "decimals", &given, &places)))
			break;
		uint64_t *f = figure_index ? kpix_keyset_find(figure_index, figure, strlen(figure)) : NULL;
		if (!f)
			rc = kpix_json_fail(doc, at, "'%s' is not one of the schema's figures", figure);
		else if (given && (places < 0 || places > 10 || places != floor(places)))
			rc = kpix_json_fail(doc, at, "expected decimals, a whole number from 0 to 10");
		else {
			col->figure = (size_t)*f - 1;
			col->decimals = given ? (int)places : -1;
		}
		free(figure);
		if (rc)
			break;
	}
	free(at);
	return rc;
}

int kpix_sector_def_load(kpix_sector_def *out, const kpix_json_doc *doc, const kpix_json *sector,
                         const kpix_keyset *figure_index, const kpix_layouts *lays_in)
{
	static const char *const keys[] = {"title", "description", "key", "self", "layouts", NULL};
	memset(out, 0, sizeof(*out));
	if (!sector)
		return 0;
	int rc;
	if (!kpix_json_is_object(sector))
		return kpix_json_fail(doc, "sector", "expected an object: key, self and layouts");
	if ((rc = kpix_json_only_keys(doc, "sector", sector, keys)) ||
	    (rc = kpix_json_get_str(doc, "sector", sector, "key", &out->key, true)) ||
	    (rc = kpix_json_get_str(doc, "sector", sector, "self", &out->self, false)))
		return rc;
	if (out->self) {
		size_t p = 0;
		while (p < lays_in->nparams && strcmp(lays_in->params[p].name, out->self) != 0)
			p++;
		if (p == lays_in->nparams)
			return kpix_json_fail(doc, "sector.self", "'%s' is not one of the schema's parameters",
			                      out->self);
	}
	const kpix_json *lays = kpix_json_get(sector, "layouts");
	if (!kpix_json_is_array(lays) || !kpix_json_size(lays))
		return kpix_json_fail(doc, "sector", "expected layouts, a list of the workbooks' layouts");
	out->layouts = kpix_xcalloc(kpix_json_size(lays), sizeof(*out->layouts));
	size_t i;
	const kpix_json *lay;
	kpix_json_array_foreach(lays, i, lay) {
		char path[64], spath[96];
		snprintf(path, sizeof path, "sector.layouts[%zu]", i);
		kpix_sector_layout *l = &out->layouts[out->nlayouts++];
		static const char *const lkeys[] = {"name", "sheets", NULL};
		const kpix_json *sheets = kpix_json_get(lay, "sheets");
		if (!kpix_json_is_object(lay))
			return kpix_json_fail(doc, path, "expected an object: name and sheets");
		if ((rc = kpix_json_only_keys(doc, path, lay, lkeys)) ||
		    (rc = kpix_json_get_str(doc, path, lay, "name", &l->name, true)))
			return rc;
		if (!kpix_json_is_array(sheets) || !kpix_json_size(sheets))
			return kpix_json_fail(doc, path, "expected sheets, a list of the workbook's sheets");
		l->sheets = kpix_xcalloc(kpix_json_size(sheets), sizeof(*l->sheets));
		size_t k;
		const kpix_json *sh;
		kpix_json_array_foreach(sheets, k, sh) {
			snprintf(spath, sizeof spath, "%s.sheets[%zu]", path, k);
			rc = load_sheet(doc, spath, sh, figure_index, &l->sheets[l->nsheets++]);
			if (rc)
				return rc;
		}
	}
	out->defined = true;
	return 0;
}

/* ------------------------------------------------------------- reading */

/* s past a run of spaces (a space, tab, line break or no-break space);
 * *any says whether there was one */
static const char *skip_space(const char *s, bool *any)
{
	*any = false;
	for (;;) {
		if (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
			s++;
		else if ((unsigned char)s[0] == 0xc2 && (unsigned char)s[1] == 0xa0)
			s += 2;
		else
			return s;
		*any = true;
	}
}

/* a and b equal with every run of spaces taken as one space and none at
 * either end: the regulator's headings hold no-break spaces and line
 * breaks that its dictionary's do not */
static bool same_heading(const char *a, const char *b)
{
	bool sa, sb;
	a = skip_space(a, &sa);
	b = skip_space(b, &sb);
	while (*a && *b) {
		if (*a++ != *b++)
			return false;
		a = skip_space(a, &sa);
		b = skip_space(b, &sb);
		if (sa != sb && *a && *b)
			return false;
	}
	return !*a && !*b;
}

typedef struct {
	const kpix_sector_sheet *sh;
	const char *key, *self;
	long key_col;
	long *cols;              /* per column of the definition: its column, or -1 */
	long *dens;              /* and its denominator's */
	kpix_sector *out;
	kpix_keyset *seen;       /* landlords */
	char *fatal;             /* the source's source-error, when it stopped */
} sheet_reader;

static void add_value(kpix_sector *s, size_t f, double v)
{
	s->values[f] = kpix_xrealloc(s->values[f], (s->n[f] + 1) * sizeof(double));
	s->values[f][s->n[f]++] = v;
}

/* The number in column c of rec: false for an empty cell, a date, text
 * (the regulator's [U], [X] and [E]) or a column not found. */
static bool cell_number(const kpix_record *rec, long c, double *out)
{
	static const kpix_numfmt plain = KPIX_NUMFMT_INIT;
	if (c < 0 || (size_t)c >= rec->ncells || !rec->cells[c].len || rec->cells[c].date)
		return false;
	return kpix_cast_number(rec->cells[c].data, rec->cells[c].len, &plain, out) == 0 &&
	       isfinite(*out);
}

static int on_record(void *ctx, const kpix_record *rec)
{
	sheet_reader *r = ctx;
	if (rec->row < r->sh->header_row)
		return 0;
	if (rec->row == r->sh->header_row) {
		for (size_t c = 0; c < rec->ncells; c++) {
			if (same_heading(rec->cells[c].data, r->key))
				r->key_col = (long)c;
			for (size_t i = 0; i < r->sh->ncolumns; i++) {
				const kpix_sector_column *col = &r->sh->columns[i];
				if (r->cols[i] < 0 && same_heading(rec->cells[c].data, col->heading))
					r->cols[i] = (long)c;
				if (col->denominator && r->dens[i] < 0 &&
				    same_heading(rec->cells[c].data, col->denominator))
					r->dens[i] = (long)c;
			}
		}
		return 0;
	}
	if (r->key_col < 0 || (size_t)r->key_col >= rec->ncells || !rec->cells[r->key_col].len)
		return 0;
	const kpix_cell *key = &rec->cells[r->key_col];
	if (r->self && strcmp(key->data, r->self) == 0)
		return 0;
	bool added;
	kpix_keyset_upsert(r->seen, key->data, key->len, &added);
	r->out->landlords += added;
	for (size_t i = 0; i < r->sh->ncolumns; i++) {
		const kpix_sector_column *col = &r->sh->columns[i];
		double v, den;
		if (!cell_number(rec, r->cols[i], &v) ||
		    (col->denominator && (!cell_number(rec, r->dens[i], &den) || den <= 0)))
			continue;
		add_value(r->out, col->figure, col->decimals >= 0 ? kpix_round(v, col->decimals) : v);
	}
	return 0;
}

static void on_problem(void *ctx, const char *code, kpix_severity sev, uint64_t row,
                       uint32_t column, const char *value, const char *message)
{
	sheet_reader *r = ctx;
	(void)sev, (void)row, (void)column, (void)value;
	if (strcmp(code, "source-error") == 0 && !r->fatal)
		r->fatal = kpix_xstrdup(message);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Reads one sheet; *missing when the workbook has no such sheet. */
static int read_sheet(const char *path, const kpix_buf *bytes, const kpix_sector_def *def,
                      const kpix_sector_sheet *sh, const char *self, kpix_sector *out,
                      kpix_keyset *seen, bool *missing)
{
	kpix_source_options opts = {.sheet = sh->name};
	kpix_source *src;
	int rc = kpix_xlsx_source_open_mem(&src, path, bytes->data, bytes->len, &opts);
	if (rc)
		return rc;
	long *cols = kpix_xmalloc(2 * sh->ncolumns * sizeof(long));
	for (size_t i = 0; i < 2 * sh->ncolumns; i++)
		cols[i] = -1;
	sheet_reader r = {sh, def->key, self, -1, cols, cols + sh->ncolumns, out, seen, NULL};
	kpix_source_handler h = {on_record, on_problem, &r};
	rc = kpix_source_read(src, &h);
	kpix_source_close(src);
	*missing = false;
	if (!rc && r.fatal) {
		*missing = strstr(r.fatal, "has no sheet named") != NULL;
		rc = kpix_fail(KPIX_EUSAGE, "sector '%s': %s", path, r.fatal);
	}
	for (size_t i = 0; !rc && i <= 2 * sh->ncolumns; i++) {
		size_t k = i % sh->ncolumns;
		const char *want = i == 2 * sh->ncolumns ? def->key
		                   : i < sh->ncolumns    ? sh->columns[k].heading
		                                         : sh->columns[k].denominator;
		if (want && (i == 2 * sh->ncolumns ? r.key_col : cols[i]) < 0)
			rc = kpix_fail(KPIX_EUSAGE, "sector '%s': sheet %s has no heading '%s' on row %llu, "
			                            "where the regulator's layout has its headings",
			               path, sh->name, want, (unsigned long long)sh->header_row);
	}
	free(r.fatal);
	free(cols);
	return rc;
}

static int read_bytes(const char *path, kpix_buf *b)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return kpix_fail(KPIX_EIO, "cannot open '%s': %s", path, strerror(errno));
	char chunk[65536];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
		kpix_buf_add(b, chunk, got);
	int bad = ferror(f);
	fclose(f);
	return bad ? kpix_fail(KPIX_EIO, "cannot read '%s': %s", path, strerror(errno)) : 0;
}

void kpix_sector_free(kpix_sector *s)
{
	for (size_t f = 0; f < s->nfigures && s->values; f++)
		free(s->values[f]);
	free(s->values);
	free(s->n);
	memset(s, 0, sizeof(*s));
}

int kpix_sector_read(kpix_sector *out, const kpix_sector_def *def, size_t nfigures,
                     const char *path, const char *self)
{
	memset(out, 0, sizeof(*out));
	kpix_buf bytes = {0};
	int rc = read_bytes(path, &bytes);
	if (rc) {
		kpix_buf_free(&bytes);
		return rc;
	}
	kpix_sha256_hex(bytes.data, bytes.len, out->sha256);
	out->size = bytes.len;
	out->nfigures = nfigures;
	out->values = kpix_xcalloc(nfigures + 1, sizeof(double *));
	out->n = kpix_xcalloc(nfigures + 1, sizeof(size_t));
	rc = KPIX_EUSAGE;
	kpix_buf names = {0};
	for (size_t l = 0; l < def->nlayouts; l++) {
		const kpix_sector_layout *lay = &def->layouts[l];
		kpix_keyset *seen = kpix_keyset_new();
		bool missing = false;
		out->landlords = 0;
		rc = 0;
		for (size_t s = 0; !rc && s < lay->nsheets; s++)
			rc = read_sheet(path, &bytes, def, &lay->sheets[s], self, out, seen, &missing);
		kpix_keyset_free(seen);
		if (!rc) {
			out->layout = lay->name;
			break;
		}
		for (size_t f = 0; f < nfigures; f++) {
			free(out->values[f]);
			out->values[f] = NULL;
			out->n[f] = 0;
		}
		kpix_buf_printf(&names, "%s%s (sheet %s)", l ? ", " : "", lay->name, lay->sheets[0].name);
		if (!missing || rc != KPIX_EUSAGE)
			break;
		if (l + 1 == def->nlayouts)
			rc = kpix_fail(KPIX_EUSAGE, "sector '%s' is not one of the regulator's published TSM "
			                            "datasets this schema reads: expected %s",
			               path, names.data);
	}
	kpix_buf_free(&names);
	kpix_buf_free(&bytes);
	for (size_t f = 0; !rc && f < nfigures; f++)
		if (out->n[f])
			qsort(out->values[f], out->n[f], sizeof(double), cmp_double);
	return rc;
}

/* ---------------------------------------------------------- the places */

/* Excel's QUARTILE.INC of the sorted x[0..n-1]: the value at position
 * (n - 1) q, between the two nearest by straight line. */
static double quantile(const double *x, size_t n, double q)
{
	double pos = (double)(n - 1) * q;
	size_t lo = (size_t)floor(pos);
	double frac = pos - (double)lo;
	return lo + 1 < n ? x[lo] + frac * (x[lo + 1] - x[lo]) : x[lo];
}

static kpix_val number(double x)
{
	kpix_val v = {.kind = KPIX_VAL_NUMBER, .num = x};
	return v;
}

void kpix_sector_place(const kpix_sector *s, size_t figure, const kpix_val *v, int polarity,
                       kpix_val out[KPIX_SECTOR_NSTATS])
{
	memset(out, 0, KPIX_SECTOR_dataset * sizeof(kpix_val));
	if (!s || figure >= s->nfigures || !s->n[figure] || v->kind != KPIX_VAL_NUMBER ||
	    !isfinite(v->num))
		return;
	size_t n = s->n[figure];
	const double *others = s->values[figure];
	double *all = kpix_xmalloc((n + 1) * sizeof(double));
	size_t at = 0, above = 0, below = 0;
	for (size_t i = 0; i < n; i++) {
		above += others[i] > v->num;
		below += others[i] < v->num;
	}
	for (size_t i = 0; i < n; i++) {
		if (at == i && others[i] >= v->num)
			all[at++] = v->num;
		all[at++] = others[i];
	}
	if (at == n)
		all[at++] = v->num;
	double lower = quantile(all, n + 1, 0.25), median = quantile(all, n + 1, 0.5),
	       upper = quantile(all, n + 1, 0.75);
	free(all);
	bool low_best = polarity == KPIX_POL_LOWER;
	size_t rank = 1 + (low_best ? below : above);
	int quartile;
	if (low_best)
		quartile = v->num <= lower ? 1 : v->num <= median ? 2 : v->num <= upper ? 3 : 4;
	else
		quartile = v->num >= upper ? 1 : v->num >= median ? 2 : v->num >= lower ? 3 : 4;
	static const char *const better[] = {"neither", "higher", "lower"};
	const char *b = better[polarity == KPIX_POL_HIGHER ? 1 : low_best ? 2 : 0];
	out[KPIX_SECTOR_n] = number((double)(n + 1));
	out[KPIX_SECTOR_rank] = number((double)rank);
	out[KPIX_SECTOR_quartile] = number(quartile);
	out[KPIX_SECTOR_lower] = number(lower);
	out[KPIX_SECTOR_median] = number(median);
	out[KPIX_SECTOR_upper] = number(upper);
	out[KPIX_SECTOR_better] = (kpix_val){.kind = KPIX_VAL_STRING, .str = b, .len = strlen(b)};
}

int kpix_sector_stat(const char *name, size_t len)
{
	static const char *const stats[] = {
#define X(a) #a,
		KPIX_SECTOR_STATS
#undef X
	};
	if (len <= 7 || memcmp(name, "sector.", 7) != 0)
		return -1;
	for (int i = 0; i < KPIX_SECTOR_NSTATS; i++)
		if (strlen(stats[i]) == len - 7 && memcmp(stats[i], name + 7, len - 7) == 0)
			return i;
	return -1;
}
