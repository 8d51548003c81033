/* layout.c - reads a schema's "parameters" and "exports" (docs/exports.md). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "keyset.h"
#include "layout.h"
#include "rule.h"
#include "sector.h"
#include "util.h"

#define MAX_SHEET_NAME 31

static char *member(const char *path, const char *key)
{
	return kpix_xasprintf("%s.%s", path, key);
}

typedef struct {
	const kpix_json_doc *doc;
	const kpix_scope *sc;
	const kpix_layouts *l; /* the parameters, read before the exports */
	kpix_xformat format;   /* of the export being read */
	bool late;             /* its texts are worked out once every row is read (a page's,
	                        * but its file name), so they may use the figures */
} loader;

/* For a key that only another format has: "an HTML page has no width". */
static int not_in_format(loader *ld, const char *path, const char *key)
{
	static const char *const what[] = {"a CSV export", "an XLSX export", "an HTML page"};
	char *at = member(path, key);
	int rc = kpix_json_fail(ld->doc, at, "%s has no %s", what[ld->format], key);
	free(at);
	return rc;
}

/* False when name was given to first_name before with the same seen set:
 * the check for a repeated name, made at once however many names there
 * are. fold compares ASCII letters without case, as strcasecmp does. */
static bool first_name(kpix_keyset *seen, const char *name, bool fold)
{
	bool added;
	if (!fold) {
		kpix_keyset_upsert(seen, name, strlen(name), &added);
		return added;
	}
	char *key = kpix_xstrdup(name);
	for (char *p = key; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	kpix_keyset_upsert(seen, key, strlen(key), &added);
	free(key);
	return added;
}

typedef struct {
	const loader *ld;
	bool *fixed;   /* for a text that names the whole return: the fields it uses */
	bool ind_used;
	bool sector_used; /* a figure's place among the sector's (sector.<stat>) */
	bool figures;  /* in a sheet of one row made of the return's figures */
} resolve_ctx;

/* Export expressions see what rules on rows see, the figures in a sheet
 * made of them, and param.<name> besides. */
static int resolve(void *vctx, const char *name, size_t len)
{
	resolve_ctx *ctx = vctx;
	const kpix_scope *sc = ctx->ld->sc;
	int slot = kpix_scope_slot(sc, KPIX_SCOPE_ROW, name, len);
	if (slot >= 0 && ctx->fixed) {
		if ((size_t)slot < sc->nfields)
			ctx->fixed[slot] = true;
		else
			ctx->ind_used = true;
	}
	if (slot >= 0)
		return slot;
	if (ctx->figures && (slot = kpix_scope_slot(sc, KPIX_SCOPE_FIGURES, name, len)) >= 0)
		return (int)kpix_scope_export_figure(sc, (size_t)slot);
	int stat = kpix_sector_stat(name, len);
	if (stat >= 0) {
		/* a figure's place among the sector's changes from row to row;
		 * the dataset's name is the whole export's */
		ctx->sector_used = ctx->sector_used || (ctx->fixed && stat != KPIX_SECTOR_dataset);
		return (int)(sc->export_sector + (size_t)stat);
	}
	const kpix_layouts *l = ctx->ld->l;
	if (len > 6 && memcmp(name, "param.", 6) == 0)
		for (size_t i = 0; i < l->nparams; i++) {
			const char *p = l->params[i].name;
			if (strlen(p) == len - 6 && memcmp(p, name + 6, len - 6) == 0)
				return (int)kpix_scope_export_param(sc, i);
		}
	return -1;
}

/* Compiles an expression. With fixed, the expression makes a text that
 * stands for the whole export (a file name, a title, a detail): the fields
 * it uses are marked in fixed, as they must be the same on every row, and
 * ind.* names, which change from row to row, are refused. */
static int compile_in(loader *ld, const char *path, const char *key, const char *src,
                      bool *fixed, bool figures, kpix_expr **out)
{
	resolve_ctx ctx = {ld, fixed, false, false, figures};
	int rc = kpix_rule_compile(ld->doc, path, key, src, resolve, &ctx, out);
	if (!rc && ctx.sector_used && !ctx.ind_used) {
		kpix_expr_free(*out);
		*out = NULL;
		char *at = member(path, key);
		rc = kpix_json_fail(ld->doc, at, "'%s' uses a figure's place among the sector's "
		                                 "(sector.%s), which changes from row to row; a file name, "
		                                 "title, detail or date may use sector.dataset only",
		                    src, "rank, n, quartile...");
		free(at);
	}
	if (!rc && ctx.ind_used) {
		kpix_expr_free(*out);
		*out = NULL;
		char *at = member(path, key);
		rc = kpix_json_fail(ld->doc, at, "'%s' uses an ind. name or prev.value, which change from "
		                          "row to row; a file name, title, detail, date or a column "
		                          "of figures must be the same for the whole export",
		                  src);
		free(at);
	}
	return rc;
}

/* A text for the whole export; see loader.late. */
static int compile(loader *ld, const char *path, const char *key, const char *src,
                   bool *fixed, kpix_expr **out)
{
	return compile_in(ld, path, key, src, fixed, ld->late, out);
}

static void tmpl_free(kpix_tmpl *t)
{
	for (size_t i = 0; i < t->nparts; i++) {
		free(t->parts[i].text);
		kpix_expr_free(t->parts[i].expr);
	}
	free(t->parts);
	free(t->src);
	memset(t, 0, sizeof(*t));
}

/* Frees n templates and the array that holds them. */
static void tmpls_free(kpix_tmpl *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		tmpl_free(&t[i]);
	free(t);
}

/* Splits "text {expr} text" into parts; "{{" and "}}" are literal braces. */
static int tmpl_parse(loader *ld, const char *path, const char *key, char *src, kpix_tmpl *t,
                      bool *fixed)
{
	t->src = src;
	if (!src)
		return 0;
	kpix_buf lit = KPIX_BUF_INIT;
	const char *p = src;
	int rc = 0;
	while (*p && !rc) {
		if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
			kpix_buf_addc(&lit, p[0]);
			p += 2;
			continue;
		}
		if (*p == '}') {
			char *where = member(path, key);
			rc = kpix_json_fail(ld->doc, where, "a '}' without its '{' (write '}}' for a brace)");
			free(where);
			break;
		}
		if (*p != '{') {
			kpix_buf_addc(&lit, *p++);
			continue;
		}
		const char *close = strchr(p, '}');
		if (!close) {
			char *where = member(path, key);
			rc = kpix_json_fail(ld->doc, where, "a '{' without its '}' (write '{{' for a brace)");
			free(where);
			break;
		}
		t->parts = kpix_xrealloc(t->parts, (t->nparts + 2) * sizeof(*t->parts));
		if (lit.len)
			t->parts[t->nparts++] = (struct kpix_tmpl_part){kpix_buf_detach(&lit), NULL};
		char *inner = kpix_xstrndup(p + 1, (size_t)(close - p - 1));
		kpix_expr *e = NULL;
		rc = compile(ld, path, key, inner, fixed, &e);
		free(inner);
		if (!rc)
			t->parts[t->nparts++] = (struct kpix_tmpl_part){NULL, e};
		p = close + 1;
	}
	if (!rc && lit.len) {
		t->parts = kpix_xrealloc(t->parts, (t->nparts + 1) * sizeof(*t->parts));
		t->parts[t->nparts++] = (struct kpix_tmpl_part){kpix_buf_detach(&lit), NULL};
	}
	kpix_buf_free(&lit);
	return rc;
}

static int get_tmpl(loader *ld, const char *path, const kpix_json *obj, const char *key,
                    kpix_tmpl *t, bool required, bool *fixed)
{
	char *src = NULL;
	int rc = kpix_json_get_str(ld->doc, path, obj, key, &src, required);
	return rc ? rc : tmpl_parse(ld, path, key, src, t, fixed);
}

static void column_free(kpix_xcolumn *c)
{
	free(c->heading);
	free(c->value_src);
	kpix_expr_free(c->value);
	kpix_expr_free(c->decimals_expr);
	free(c->number_format);
	for (size_t i = 0; i < c->nfills; i++) {
		free(c->fill_text[i]);
		free(c->fill_colour[i]);
	}
	free(c->fill_text);
	free(c->fill_colour);
	free(c->hint);
}

static bool valid_colour(const char *s)
{
	if (strlen(s) != 7 || s[0] != '#')
		return false;
	for (int i = 1; i < 7; i++)
		if (!strchr("0123456789ABCDEFabcdef", s[i]))
			return false;
	return true;
}

static int load_fills(loader *ld, const char *path, const kpix_json *fills, kpix_xcolumn *c)
{
	if (!fills)
		return 0;
	char *where = member(path, "fill");
	int rc = 0;
	if (!kpix_json_is_object(fills)) {
		rc = kpix_json_fail(ld->doc, where, "expected an object of cell text to colour, such as "
		                             "{\"Red\": \"#FFC7CE\"}");
		free(where);
		return rc;
	}
	size_t n = kpix_json_size(fills);
	c->fill_text = kpix_xcalloc(n + 1, sizeof(char *));
	c->fill_colour = kpix_xcalloc(n + 1, sizeof(char *));
	const char *text;
	const kpix_json *v;
	kpix_json_iter it = kpix_json_members(fills);
	while (kpix_json_next(&it, &text, &v)) {
		if (!kpix_json_is_string(v) || !valid_colour(kpix_json_string(v))) {
			char *at = member(where, text);
			rc = kpix_json_fail(ld->doc, at, "expected a colour written #RRGGBB, such as \"#FFC7CE\"");
			free(at);
			break;
		}
		c->fill_text[c->nfills] = kpix_xstrdup(text);
		c->fill_colour[c->nfills++] = kpix_xstrdup(kpix_json_string(v));
	}
	free(where);
	return rc;
}

/* A detail's value, and a column of a sheet made of the return's figures,
 * are the same for the whole export: the fields they use are fixed. */
static int load_column(loader *ld, const char *path, const kpix_json *j, kpix_xcolumn *c, bool detail,
                       bool figures, bool *fixed)
{
	/* in the order of kpix_xvalue_type */
	static const char *const value_types[] = {"auto", "text", "date", NULL};
	static const char *const keys[] = {"heading", "label", "value", "type", "decimals",
	                                   "numberFormat", "width", "wrap", "fill", "hint",
	                                   "rowHeader", NULL};
	/* what a page cannot show: it has no cell formats, and wraps and sizes
	 * its columns itself */
	static const char *const not_html[] = {"numberFormat", "width", "wrap", "fill", "hint", NULL};
	c->decimals = -1;
	if (!kpix_json_is_object(j))
		return kpix_json_fail(ld->doc, path, "expected an object with %s and \"value\"",
		                    detail ? "\"label\"" : "\"heading\"");
	int rc = kpix_json_only_keys(ld->doc, path, j, keys);
	if (rc)
		return rc;
	const char *name_key = detail ? "label" : "heading";
	if (kpix_json_get(j, detail ? "heading" : "label"))
		return kpix_json_fail(ld->doc, path, "use \"%s\" here", name_key);
	for (size_t i = 0; ld->format == KPIX_XF_HTML && not_html[i]; i++)
		if (kpix_json_get(j, not_html[i]))
			return not_in_format(ld, path, not_html[i]);
	if (kpix_json_get(j, "rowHeader") && (ld->format != KPIX_XF_HTML || detail))
		return detail ? kpix_json_fail(ld->doc, path, "a detail has no rowHeader")
		              : not_in_format(ld, path, "rowHeader");
	char *type = NULL;
	bool has_width = false;
	if ((rc = kpix_json_get_str(ld->doc, path, j, name_key, &c->heading, true)) ||
	    (rc = kpix_json_get_str(ld->doc, path, j, "value", &c->value_src, true)) ||
	    (rc = compile_in(ld, path, "value", c->value_src, detail || figures ? fixed : NULL,
	                     figures, &c->value)) ||
	    (rc = kpix_json_get_str(ld->doc, path, j, "numberFormat", &c->number_format, false)) ||
	    (rc = kpix_json_get_num(ld->doc, path, j, "width", &has_width, &c->width)) ||
	    (rc = kpix_json_get_bool(ld->doc, path, j, "wrap", &c->wrap)) ||
	    (rc = kpix_json_get_str(ld->doc, path, j, "hint", &c->hint, false)) ||
	    (rc = kpix_json_get_bool(ld->doc, path, j, "rowHeader", &c->row_header)) ||
	    (rc = load_fills(ld, path, kpix_json_get(j, "fill"), c)) ||
	    (rc = kpix_json_get_str(ld->doc, path, j, "type", &type, false)))
		goto done;
	if (has_width && (c->width < 1 || c->width > 255)) {
		char *at = member(path, "width");
		rc = kpix_json_fail(ld->doc, at, "expected a width from 1 to 255 characters");
		free(at);
		goto done;
	}
	int found = KPIX_XV_AUTO;
	if (type && (rc = kpix_json_one_of(ld->doc, path, "type", type, value_types,
	                                   "auto, text or date", &found)))
		goto done;
	c->type = (kpix_xvalue_type)found;
	const kpix_json *d = kpix_json_get(j, "decimals");
	if (d && kpix_json_is_integer(d) && kpix_json_integer(d) >= 0 && kpix_json_integer(d) <= 10) {
		c->decimals = (int)kpix_json_integer(d);
	} else if (d && kpix_json_is_string(d)) {
		rc = compile_in(ld, path, "decimals", kpix_json_string(d),
		                detail || figures ? fixed : NULL, figures, &c->decimals_expr);
	} else if (d) {
		char *at = member(path, "decimals");
		rc = kpix_json_fail(ld->doc, at, "expected a whole number from 0 to 10, or an expression "
		                          "such as \"ind.decimals\"");
		free(at);
	}
done:
	free(type);
	return rc;
}

static int load_columns(loader *ld, const char *path, const kpix_json *obj, const char *key,
                        kpix_xcolumn **out, size_t *n, bool required, bool figures, bool *fixed)
{
	const kpix_json *arr = kpix_json_get(obj, key);
	if (!arr && !required)
		return 0;
	char *where = member(path, key);
	int rc = 0;
	if (!arr || !kpix_json_is_array(arr) || kpix_json_size(arr) == 0) {
		rc = arr ? kpix_json_fail(ld->doc, where, "expected a non-empty list")
		         : kpix_json_fail(ld->doc, path, "'%s' is missing; it is required here", key);
		free(where);
		return rc;
	}
	*out = kpix_xcalloc(kpix_json_size(arr), sizeof(kpix_xcolumn));
	size_t i;
	const kpix_json *item;
	kpix_json_array_foreach(arr, i, item) {
		char *at = kpix_xasprintf("%s[%zu]", where, i);
		rc = load_column(ld, at, item, &(*out)[i], strcmp(key, "details") == 0, figures, fixed);
		*n = i + 1;
		free(at);
		if (rc)
			break;
	}
	free(where);
	return rc;
}

/* Excel's rules for a worksheet's name. */
static const char *sheet_name_problem(const char *name)
{
	size_t chars = 0;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		chars += (*p & 0xc0) != 0x80;
	if (chars == 0 || chars > MAX_SHEET_NAME)
		return "a sheet name must have 1 to 31 characters";
	if (strpbrk(name, "[]:*?/\\"))
		return "a sheet name may not contain any of [ ] : * ? / \\";
	if (name[0] == '\'' || name[strlen(name) - 1] == '\'')
		return "a sheet name may not begin or end with an apostrophe";
	if (strcmp(name, "History") == 0)
		return "Excel reserves the sheet name History";
	return NULL;
}

static int load_print(loader *ld, const char *path, const kpix_json *j, kpix_xsheet *sh, bool *fixed)
{
	static const char *const keys[] = {"orientation", "fitToWidth", "header", "footer", NULL};
	sh->landscape = true;
	sh->fit_width = true;
	if (!j)
		return 0;
	char *where = member(path, "print");
	char *orient = NULL;
	int rc = 0;
	if (!kpix_json_is_object(j)) {
		rc = kpix_json_fail(ld->doc, where, "expected an object");
		goto done;
	}
	if ((rc = kpix_json_only_keys(ld->doc, where, j, keys)) ||
	    (rc = kpix_json_get_str(ld->doc, where, j, "orientation", &orient, false)) ||
	    (rc = kpix_json_get_bool(ld->doc, where, j, "fitToWidth", &sh->fit_width)) ||
	    (rc = get_tmpl(ld, where, j, "header", &sh->header, false, fixed)) ||
	    (rc = get_tmpl(ld, where, j, "footer", &sh->footer, false, fixed)))
		goto done;
	if (orient && strcmp(orient, "landscape") != 0 && strcmp(orient, "portrait") != 0) {
		char *at = member(where, "orientation");
		rc = kpix_json_fail(ld->doc, at, "expected \"landscape\" or \"portrait\"");
		free(at);
	}
	sh->landscape = !orient || strcmp(orient, "landscape") == 0;
done:
	free(orient);
	free(where);
	return rc;
}

/* A sheet of a workbook, a section of an HTML page, or (csv) the CSV
 * export itself, whose keys load_export checks. */
static int load_sheet(loader *ld, const char *path, const kpix_json *j, kpix_xsheet *sh, bool csv,
                      bool *fixed)
{
	static const char *const xlsx_keys[] = {"name", "title", "details", "columns", "freeze",
	                                        "filter", "print", "rows", "where", NULL};
	static const char *const html_keys[] = {"name", "title", "details", "columns", "rows",
	                                        "where", "caption", "empty", "needsSector", NULL};
	static const char *const xlsx_only[] = {"freeze", "filter", "print", NULL};
	bool html = ld->format == KPIX_XF_HTML;
	if (!kpix_json_is_object(j))
		return kpix_json_fail(ld->doc, path, "expected an object");
	int rc = 0;
	for (size_t i = 0; html && xlsx_only[i]; i++)
		if (kpix_json_get(j, xlsx_only[i]))
			return not_in_format(ld, path, xlsx_only[i]);
	if (!csv && (rc = kpix_json_only_keys(ld->doc, path, j, html ? html_keys : xlsx_keys)))
		return rc;
	sh->freeze = sh->filter = true;
	if (!csv) {
		if ((rc = kpix_json_get_str(ld->doc, path, j, "name", &sh->name, true)))
			return rc;
		/* a section's name is its heading: any text but none */
		const char *why = html ? (*sh->name ? NULL : "a section's name is its heading, so it "
		                                             "may not be empty")
		                       : sheet_name_problem(sh->name);
		if (why) {
			char *at = member(path, "name");
			rc = kpix_json_fail(ld->doc, at, "'%s': %s", sh->name, why);
			free(at);
			return rc;
		}
		if ((rc = get_tmpl(ld, path, j, "title", &sh->title, false, fixed)) ||
		    (rc = load_columns(ld, path, j, "details", &sh->details, &sh->ndetails, false,
		                       html, fixed)) ||
		    (rc = get_tmpl(ld, path, j, "caption", &sh->caption, false, fixed)) ||
		    (rc = get_tmpl(ld, path, j, "empty", &sh->empty, false, fixed)) ||
		    (rc = kpix_json_get_bool(ld->doc, path, j, "needsSector", &sh->needs_sector)) ||
		    (rc = kpix_json_get_bool(ld->doc, path, j, "freeze", &sh->freeze)) ||
		    (rc = kpix_json_get_bool(ld->doc, path, j, "filter", &sh->filter)) ||
		    (rc = load_print(ld, path, kpix_json_get(j, "print"), sh, fixed)))
			return rc;
	}
	static const char *const kinds[] = {"data", "figures", "catalogue", NULL};
	int kind = KPIX_XROWS_DATA;
	if ((rc = kpix_json_get_one_of(ld->doc, path, j, "rows", kinds,
	                               "\"data\" (a row for each row of the data, the default), "
	                               "\"figures\" (one row of the return's figures) or "
	                               "\"catalogue\" (a row for each figure of the catalogue)",
	                               false, &kind)))
		return rc;
	sh->rows = (kpix_xrows)kind;
	if (sh->rows != KPIX_XROWS_DATA && ld->sc->nfigures == 0) {
		char *at = member(path, "rows");
		rc = kpix_json_fail(ld->doc, at, "the schema has no \"figures\" to make %s of",
		                    sh->rows == KPIX_XROWS_FIGURES ? "a row" : "rows");
		free(at);
		return rc;
	}
	if ((rc = kpix_json_get_str(ld->doc, path, j, "where", &sh->where_src, false)))
		return rc;
	if (sh->where_src && sh->rows == KPIX_XROWS_DATA) {
		char *at = member(path, "where");
		rc = kpix_json_fail(ld->doc, at, "\"where\" chooses among the rows of a table with "
		                          "\"rows\": \"catalogue\", or whether a table of \"rows\": "
		                          "\"figures\" has its row; this table's rows are the data's");
		free(at);
		return rc;
	}
	/* a table of figures: whether the return has its row, from the figures */
	bool of_figures = sh->rows == KPIX_XROWS_FIGURES;
	if (sh->where_src && (rc = compile_in(ld, path, "where", sh->where_src,
	                                      of_figures ? fixed : NULL, of_figures, &sh->where)))
		return rc;
	return load_columns(ld, path, j, "columns", &sh->columns, &sh->ncolumns, true,
	                    sh->rows == KPIX_XROWS_FIGURES, fixed);
}

static void sheet_free(kpix_xsheet *sh)
{
	free(sh->name);
	tmpl_free(&sh->title);
	tmpl_free(&sh->caption);
	tmpl_free(&sh->empty);
	free(sh->where_src);
	kpix_expr_free(sh->where);
	tmpl_free(&sh->header);
	tmpl_free(&sh->footer);
	for (size_t i = 0; i < sh->ndetails; i++)
		column_free(&sh->details[i]);
	free(sh->details);
	for (size_t i = 0; i < sh->ncolumns; i++)
		column_free(&sh->columns[i]);
	free(sh->columns);
}

/* The workbook properties, in the order of props[]; NULL-ended. */
static const char *const prop_keys[KPIX_XPROP_N + 1] = {
	"title", "subject", "author", "manager", "company", "category", "keywords", NULL};

static int load_properties(loader *ld, const char *path, const kpix_json *j, kpix_xlayout *x)
{
	if (!j)
		return 0;
	char *where = member(path, "properties");
	int rc = kpix_json_is_object(j) ? kpix_json_only_keys(ld->doc, where, j, prop_keys)
	                                : kpix_json_fail(ld->doc, where, "expected an object");
	for (int i = 0; i < KPIX_XPROP_N && !rc; i++)
		rc = get_tmpl(ld, where, j, prop_keys[i], &x->props[i], false, x->fixed_fields);
	free(where);
	return rc;
}

/* A text or a list of texts, each a template: paragraphs of a page. */
static int load_paragraphs(loader *ld, const char *path, const kpix_json *j, const char *key,
                           kpix_tmpl **out, size_t *n, bool *fixed)
{
	const kpix_json *v = kpix_json_get(j, key);
	if (!v)
		return 0;
	char *where = member(path, key);
	size_t count = kpix_json_is_array(v) ? kpix_json_size(v) : 1;
	*out = kpix_xcalloc(count, sizeof(kpix_tmpl));
	int rc = 0;
	for (size_t i = 0; i < count && !rc; i++) {
		const kpix_json *item = kpix_json_is_array(v) ? kpix_json_at(v, i) : v;
		if (!kpix_json_is_string(item)) {
			rc = kpix_json_fail(ld->doc, where, "expected a text, or a list of texts (one a "
			                          "paragraph)");
			break;
		}
		char *at = kpix_xasprintf("%s[%zu]", key, i);
		rc = tmpl_parse(ld, path, at, kpix_xstrdup(kpix_json_string(item)), &(*out)[i], fixed);
		*n = i + 1;
		free(at);
	}
	free(where);
	return rc;
}

/* What only a page has: its title (required: a page's name in a browser's
 * tab and for a screen reader), language, introduction and footer. */
static int load_page(loader *ld, const char *path, const kpix_json *j, kpix_xlayout *x)
{
	int rc;
	if ((rc = get_tmpl(ld, path, j, "title", &x->page_title, true, x->fixed_fields)) ||
	    (rc = kpix_json_get_str(ld->doc, path, j, "lang", &x->lang, false)) ||
	    (rc = load_paragraphs(ld, path, j, "intro", &x->intro, &x->nintro, x->fixed_fields)) ||
	    (rc = load_paragraphs(ld, path, j, "footer", &x->footer, &x->nfooter, x->fixed_fields)))
		return rc;
	if (!x->lang)
		x->lang = kpix_xstrdup("en-GB");
	/* a language tag's shape (BCP 47): letters and digits in parts of 1 to 8, joined by '-' */
	size_t part = 0;
	bool ok = *x->lang != '\0';
	for (const char *p = x->lang; *p && ok; p++) {
		bool alnum = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9');
		part = alnum ? part + 1 : 0;
		ok = (alnum || (*p == '-' && p != x->lang && p[1])) && part <= 8;
	}
	if (!ok) {
		char *at = member(path, "lang");
		rc = kpix_json_fail(ld->doc, at, "'%s' is not a language tag; write one such as \"en-GB\" "
		                          "or \"cy\"", x->lang);
		free(at);
	}
	return rc;
}

static int load_export(loader *ld, const char *path, const kpix_json *j, kpix_xlayout *x)
{
	static const char *const keys[] = {"name", "title", "format", "file", "properties", "date",
	                                   "sheets", "columns", "validationSheet", "rows", "where",
	                                   "lang", "intro", "footer", "needsSector", NULL};
	if (!kpix_json_is_object(j))
		return kpix_json_fail(ld->doc, path, "expected an object");
	char *format = NULL;
	int rc;
	x->validation_sheet = true;
	ld->late = false; /* the file is named when the first row is read */
	x->fixed_fields = kpix_xcalloc(ld->sc->nfields + 1, sizeof(bool));
	if ((rc = kpix_json_only_keys(ld->doc, path, j, keys)) ||
	    (rc = kpix_json_get_str(ld->doc, path, j, "name", &x->name, true)) ||
	    (rc = kpix_json_get_str(ld->doc, path, j, "title", &x->title, false)) ||
	    (rc = kpix_json_get_str(ld->doc, path, j, "format", &format, true)) ||
	    (rc = get_tmpl(ld, path, j, "file", &x->file, true, x->fixed_fields)) ||
	    (rc = kpix_json_get_bool(ld->doc, path, j, "needsSector", &x->needs_sector)))
		goto done;
	/* in the order of kpix_xformat */
	static const char *const formats[] = {"csv", "xlsx", "html", NULL};
	int found = KPIX_XF_CSV;
	if ((rc = kpix_json_one_of(ld->doc, path, "format", format, formats, "csv, xlsx or html",
	                           &found)))
		goto done;
	x->format = ld->format = (kpix_xformat)found;
	ld->late = x->format == KPIX_XF_HTML;
	if (x->format != KPIX_XF_HTML) {
		static const char *const html_only[] = {"lang", "intro", "footer"};
		for (size_t i = 0; i < sizeof(html_only) / sizeof(html_only[0]); i++)
			if (kpix_json_get(j, html_only[i])) {
				rc = not_in_format(ld, path, html_only[i]);
				goto done;
			}
	}
	if (x->format == KPIX_XF_CSV) {
		static const char *const no[] = {"properties", "date", "sheets", "validationSheet"};
		for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
			if (kpix_json_get(j, no[i])) {
				char *at = member(path, no[i]);
				rc = kpix_json_fail(ld->doc, at, "a CSV export has no %s; give \"columns\"", no[i]);
				free(at);
				goto done;
			}
		x->nsheets = 1;
		x->sheets = kpix_xcalloc(1, sizeof(kpix_xsheet));
		rc = load_sheet(ld, path, j, x->sheets, true, x->fixed_fields);
		goto done;
	}
	if (kpix_json_get(j, "columns") || kpix_json_get(j, "rows") || kpix_json_get(j, "where")) {
		rc = kpix_json_fail(ld->doc, path, "%s gives its %s in each of its \"sheets\"",
		                    x->format == KPIX_XF_HTML ? "an HTML page" : "an XLSX export",
		                    kpix_json_get(j, "columns") ? "columns"
		                    : kpix_json_get(j, "rows")  ? "rows"
		                                                : "where");
		goto done;
	}
	if (x->format == KPIX_XF_HTML) {
		/* a page has no document properties or date, and lists no warnings */
		static const char *const no[] = {"properties", "date", "validationSheet", NULL};
		for (size_t i = 0; no[i]; i++)
			if (kpix_json_get(j, no[i])) {
				rc = not_in_format(ld, path, no[i]);
				goto done;
			}
		x->validation_sheet = false;
		if ((rc = load_page(ld, path, j, x)))
			goto done;
	} else if ((rc = load_properties(ld, path, kpix_json_get(j, "properties"), x)) ||
	    (rc = kpix_json_get_str(ld->doc, path, j, "date", &x->date_src, false)) ||
	    (x->date_src && (rc = compile(ld, path, "date", x->date_src, x->fixed_fields, &x->date))) ||
	    (rc = kpix_json_get_bool(ld->doc, path, j, "validationSheet", &x->validation_sheet)))
		goto done;
	const kpix_json *sheets = kpix_json_get(j, "sheets");
	char *where = member(path, "sheets");
	if (!sheets || !kpix_json_is_array(sheets) || kpix_json_size(sheets) == 0) {
		rc = sheets ? kpix_json_fail(ld->doc, where, "expected a non-empty list of sheets")
		            : kpix_json_fail(ld->doc, path, "'sheets' is missing; it is required here");
		free(where);
		goto done;
	}
	x->sheets = kpix_xcalloc(kpix_json_size(sheets), sizeof(kpix_xsheet));
	kpix_keyset *names = kpix_keyset_new();
	size_t i;
	const kpix_json *item;
	kpix_json_array_foreach(sheets, i, item) {
		char *at = kpix_xasprintf("%s[%zu]", where, i);
		rc = load_sheet(ld, at, item, &x->sheets[i], false, x->fixed_fields);
		x->nsheets = i + 1;
		if (!rc && x->format == KPIX_XF_XLSX && !first_name(names, x->sheets[i].name, true))
			rc = kpix_json_fail(ld->doc, at, "a second sheet named '%s' (Excel ignores case)",
			                  x->sheets[i].name);
		if (!rc && x->validation_sheet && strcasecmp(x->sheets[i].name, "Validation") == 0)
			rc = kpix_json_fail(ld->doc, at, "the sheet name Validation is kept for the validation "
			                          "warnings; name this sheet differently or set "
			                          "\"validationSheet\": false");
		free(at);
		if (rc)
			break;
	}
	kpix_keyset_free(names);
	free(where);
done:
	free(format);
	return rc;
}

static void export_free(kpix_xlayout *x)
{
	free(x->name);
	free(x->title);
	tmpl_free(&x->page_title);
	free(x->lang);
	tmpls_free(x->intro, x->nintro);
	tmpls_free(x->footer, x->nfooter);
	tmpl_free(&x->file);
	for (int i = 0; i < KPIX_XPROP_N; i++)
		tmpl_free(&x->props[i]);
	free(x->date_src);
	kpix_expr_free(x->date);
	for (size_t i = 0; i < x->nsheets; i++)
		sheet_free(&x->sheets[i]);
	free(x->sheets);
	free(x->fixed_fields);
}

static bool valid_name(const char *s)
{
	if (!*s)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			return false;
	return true;
}

static int load_params(loader *ld, const kpix_json *arr, kpix_layouts *out)
{
	static const char *const keys[] = {"name", "title", "required", "enum", NULL};
	if (!arr)
		return 0;
	if (!kpix_json_is_array(arr))
		return kpix_json_fail(ld->doc, "parameters", "expected a list of parameters");
	out->params = kpix_xcalloc(kpix_json_size(arr) + 1, sizeof(kpix_xparam));
	kpix_keyset *names = kpix_keyset_new();
	size_t i;
	const kpix_json *item;
	int rc = 0;
	kpix_json_array_foreach(arr, i, item) {
		char *at = kpix_xasprintf("parameters[%zu]", i);
		kpix_xparam *p = &out->params[i];
		out->nparams = i + 1;
		if (!kpix_json_is_object(item))
			rc = kpix_json_fail(ld->doc, at, "expected an object with \"name\" and \"title\"");
		else if (!(rc = kpix_json_only_keys(ld->doc, at, item, keys)) &&
		         !(rc = kpix_json_get_str(ld->doc, at, item, "name", &p->name, true)) &&
		         !(rc = kpix_json_get_str(ld->doc, at, item, "title", &p->title, false)) &&
		         !(rc = kpix_json_get_bool(ld->doc, at, item, "required", &p->required))) {
			if (!valid_name(p->name))
				rc = kpix_json_fail(ld->doc, at, "a parameter's name may hold only lower-case "
				                          "letters, digits, '_' and '-'");
			if (!rc && !first_name(names, p->name, false))
				rc = kpix_json_fail(ld->doc, at, "a second parameter named '%s'", p->name);
			const kpix_json *choices = kpix_json_get(item, "enum");
			if (!rc && choices && (!kpix_json_is_array(choices) || !kpix_json_size(choices)))
				rc = kpix_json_fail(ld->doc, at, "\"enum\" must list the values allowed");
			if (!rc && choices) {
				p->choices = kpix_xcalloc(kpix_json_size(choices), sizeof(char *));
				size_t k;
				const kpix_json *c;
				kpix_json_array_foreach(choices, k, c) {
					if (!kpix_json_is_string(c) || !*kpix_json_string(c)) {
						rc = kpix_json_fail(ld->doc, at, "\"enum\" must list the values allowed, "
						                          "each a non-empty text");
						break;
					}
					p->choices[p->nchoices++] = kpix_xstrdup(kpix_json_string(c));
				}
			}
		}
		free(at);
		if (rc)
			break;
	}
	kpix_keyset_free(names);
	return rc;
}

int kpix_layouts_load(kpix_layouts *out, const kpix_json_doc *doc, const kpix_json *params,
                      const kpix_json *exports, const kpix_scope *sc)
{
	memset(out, 0, sizeof(*out));
	loader l = {doc, sc, out}, *ld = &l;
	int rc = load_params(ld, params, out);
	out->nslots = kpix_scope_export_slots(sc, out->nparams);
	if (rc || !exports)
		return rc;
	if (!kpix_json_is_array(exports))
		return kpix_json_fail(ld->doc, "exports", "expected a list of exports");
	out->exports = kpix_xcalloc(kpix_json_size(exports) + 1, sizeof(kpix_xlayout));
	kpix_keyset *names = kpix_keyset_new();
	size_t i;
	const kpix_json *item;
	kpix_json_array_foreach(exports, i, item) {
		char *at = kpix_xasprintf("exports[%zu]", i);
		rc = load_export(ld, at, item, &out->exports[i]);
		out->nexports = i + 1;
		if (!rc && !first_name(names, out->exports[i].name, false))
			rc = kpix_json_fail(ld->doc, at, "a second export named '%s'", out->exports[i].name);
		free(at);
		if (rc)
			break;
	}
	kpix_keyset_free(names);
	return rc;
}

void kpix_layouts_free(kpix_layouts *l)
{
	for (size_t i = 0; i < l->nparams; i++) {
		free(l->params[i].name);
		free(l->params[i].title);
		kpix_strings_free(l->params[i].choices, l->params[i].nchoices);
	}
	free(l->params);
	for (size_t i = 0; i < l->nexports; i++)
		export_free(&l->exports[i]);
	free(l->exports);
	memset(l, 0, sizeof(*l));
}
