/* schema_describe.c - a schema in words, for 'kpix schemas show': what a
 * performance officer needs to fill in a return that validates. */
#include <string.h>

#include "schema.h"
#include "util.h"

/* Adds the items of l with ", " between them, each in quotes when quote. */
static void add_list(kpix_buf *b, const kpix_strlist *l, bool quote)
{
	for (size_t i = 0; i < l->n; i++)
		kpix_buf_printf(b, quote ? "%s'%s'" : "%s%s", i ? ", " : "", l->items[i]);
}

/* Adds the names of the fields at idx[0..n) as "a, b and c". */
static void add_field_names(kpix_buf *b, const kpix_schema *s, const size_t *idx, size_t n)
{
	for (size_t i = 0; i < n; i++)
		kpix_buf_printf(b, "%s%s", i ? (i + 1 == n ? " and " : ", ") : "",
		                s->fields[idx[i]].name);
}

void kpix_field_expectation(kpix_buf *b, const kpix_field *f, bool with_values)
{
	char want[160];
	kpix_buf_adds(b, kpix_type_expectation(f, want, sizeof(want)));
	if (f->required)
		kpix_buf_adds(b, "; required");
	if (f->unique)
		kpix_buf_adds(b, "; each value different");
	if (f->has_minimum)
		kpix_buf_printf(b, "; %s %s", f->min_exclusive ? "more than" : "at least", f->minimum_text);
	if (f->has_maximum)
		kpix_buf_printf(b, "; %s %s", f->max_exclusive ? "less than" : "at most", f->maximum_text);
	if (f->min_length >= 0)
		kpix_buf_printf(b, "; at least %lld characters", (long long)f->min_length);
	if (f->max_length >= 0)
		kpix_buf_printf(b, "; at most %lld characters", (long long)f->max_length);
	if (f->pattern)
		kpix_buf_printf(b, "; matching %s", f->pattern);
	if (f->example)
		kpix_buf_printf(b, "; for example '%s'", f->example);
	if (with_values && f->enum_text.n) {
		kpix_buf_adds(b, "; one of: ");
		add_list(b, &f->enum_text, false);
	}
}

static void describe_field(kpix_buf *b, const kpix_field *f)
{
	kpix_buf_printf(b, "  %s", f->name);
	if (f->title)
		kpix_buf_printf(b, " (%s)", f->title);
	kpix_buf_adds(b, ": ");
	kpix_field_expectation(b, f, true);
	kpix_buf_addc(b, '\n');
	if (f->description)
		kpix_buf_printf(b, "      %s\n", f->description);
}

/* A rule in two or three lines: its code, severity and title, its
 * condition and its check, as the schema writes them. */
static void describe_rule(kpix_buf *b, const kpix_rule *r)
{
	kpix_buf_printf(b, "  %s (%s)%s%s\n", r->code,
	                r->severity == KPIX_SEVERITY_WARNING ? "warning" : "error",
	                r->title ? ": " : "", r->title ? r->title : "");
	if (r->when_src)
		kpix_buf_printf(b, "      where   %s\n", r->when_src);
	kpix_buf_printf(b, "      check   %s\n", r->check_src);
}

const char *kpix_unit_words(const char *unit)
{
	if (!unit)
		return "value";
	if (strcmp(unit, "percent") == 0)
		return "%";
	if (strcmp(unit, "per1000") == 0)
		return "per 1,000 homes";
	return unit;
}

/* A data point of a return of data points: its name and heading, where
 * the form asks it, what its value must be, and when it is asked or how
 * kpix works it out. */
static void describe_data_point(kpix_buf *b, const kpix_indicator *ind)
{
	kpix_buf_printf(b, "  %s  %s\n", ind->code, ind->title);
	const char *in = "           ";
	if (ind->section || ind->question)
		kpix_buf_printf(b, "%s%s%s%s\n", in, ind->section ? ind->section : "",
		                ind->section && ind->question ? ", " : "",
		                ind->question ? ind->question : "");
	if (ind->calculate_src) {
		kpix_buf_printf(b, "%sworked out by kpix, to %d decimal place%s: %s\n", in, ind->decimals,
		                ind->decimals == 1 ? "" : "s", ind->calculate_src);
	} else {
		kpix_buf_adds(b, in);
		if (ind->value)
			kpix_field_expectation(b, ind->value, true);
		else
			kpix_buf_adds(b, kpix_unit_words(ind->unit));
		kpix_buf_adds(b, ind->optional ? "; may be left out\n" : "\n");
	}
	if (ind->applies_src)
		kpix_buf_printf(b, "%sasked only when %s\n", in, ind->applies_src);
}

/* The parts of an extension changed in one way, as "indicator CALL01;
 * export council-xlsx (file, title)"; false when there is none. */
static bool describe_changes(kpix_buf *b, const kpix_extension *x, kpix_part_change change)
{
	size_t n = 0;
	for (size_t i = 0; i < x->nparts; i++) {
		const kpix_schema_part *p = &x->parts[i];
		if (p->change != change)
			continue;
		kpix_buf_adds(b, n++ ? "; " : "");
		if (*p->kind)
			kpix_buf_printf(b, "%s %s", p->kind, p->key);
		else
			kpix_buf_printf(b, "\"%s\"", p->key);
		if (p->members && *p->members)
			kpix_buf_printf(b, " (%s)", p->members);
	}
	return n > 0;
}

/* Where the schema came from: the schemas it extends, and what it adds,
 * changes and removes; everything else is the base's. */
static void describe_extension(kpix_buf *b, const kpix_schema *s)
{
	const kpix_extension *x = &s->ext;
	if (!x->nbases)
		return;
	for (size_t i = 0; i < x->nbases; i++)
		kpix_buf_printf(b, "%s%s %s (%s)", i ? ", which extends " : "\nExtends ", x->bases[i].id,
		                x->bases[i].version, x->bases[i].path);
	kpix_buf_adds(b, ". Everything below is the base's except:\n");
	static const char *const label[] = {"  added here:   ", "  changed here: ",
	                                    "  removed here: "};
	static const kpix_part_change order[] = {KPIX_PART_ADDED, KPIX_PART_CHANGED,
	                                         KPIX_PART_REMOVED};
	for (size_t k = 0; k < 3; k++) {
		kpix_buf line = KPIX_BUF_INIT;
		if (describe_changes(&line, x, order[k]))
			kpix_buf_printf(b, "%s%s\n", label[k], line.data);
		kpix_buf_free(&line);
	}
}

char *kpix_schema_describe(const kpix_schema *s)
{
	kpix_buf b = KPIX_BUF_INIT;
	kpix_buf_printf(&b, "%s %s: %s\n", s->id, s->version, s->title ? s->title : "");
	if (s->description)
		kpix_buf_printf(&b, "\n%s\n", s->description);
	if (s->source)
		kpix_buf_printf(&b, "\nSource: %s\n", s->source);
	describe_extension(&b, s);

	kpix_buf_printf(&b, "\nColumns, in this order (%zu):\n", s->nfields);
	for (size_t i = 0; i < s->nfields; i++)
		describe_field(&b, &s->fields[i]);
	if (s->missing.n) {
		kpix_buf_adds(&b, "\nA cell counts as empty when it holds: ");
		add_list(&b, &s->missing, true);
		kpix_buf_addc(&b, '\n');
	}
	if (s->npk) {
		kpix_buf_adds(&b, "\nEach row is identified by ");
		add_field_names(&b, s, s->pk, s->npk);
		kpix_buf_adds(&b, "; no two rows may share them.\n");
	}
	for (size_t i = 0; i < s->nfkeys; i++) {
		const kpix_fkey *fk = &s->fkeys[i];
		kpix_buf_printf(&b, "%s must be %s.\n", s->fields[fk->fields[0]].name, fk->describe);
	}

	if (s->nindicators && s->figures.data_points) {
		kpix_buf_printf(&b, "\nData points, in the form's order (%zu):\n", s->nindicators);
		for (size_t i = 0; i < s->nindicators; i++)
			describe_data_point(&b, &s->indicators[i]);
	} else if (s->nindicators) {
		kpix_buf_printf(&b, "\nIndicators (%zu):\n", s->nindicators);
		for (size_t i = 0; i < s->nindicators; i++) {
			const kpix_indicator *ind = &s->indicators[i];
			kpix_buf_printf(&b, "  %-8s %s\n", ind->code, ind->title);
			/* the code as input takes it: a part goes in its own column */
			if (ind->part && s->indicator_field >= 0 && s->part_field >= 0)
				kpix_buf_printf(&b, "           part %s: %s %s with %s %s\n", ind->part,
				                s->fields[s->indicator_field].name, ind->code,
				                s->fields[s->part_field].name, ind->part);
			kpix_buf_printf(&b, "           %s, %d decimal place%s", kpix_unit_words(ind->unit),
			                ind->decimals, ind->decimals == 1 ? "" : "s");
			if (ind->polarity != KPIX_POL_NONE)
				kpix_buf_printf(&b, ", %s is better",
				                ind->polarity == KPIX_POL_HIGHER ? "higher" : "lower");
			if (ind->frequency)
				kpix_buf_printf(&b, ", %s", ind->frequency);
			if (ind->due_in.n) {
				kpix_buf_adds(&b, " (due in ");
				add_list(&b, &ind->due_in, false);
				kpix_buf_addc(&b, ')');
			}
			if (ind->from)
				kpix_buf_printf(&b, ", due from %s", ind->from);
			kpix_buf_addc(&b, '\n');
			if (ind->numerator && ind->denominator) {
				char m[32];
				kpix_format_number(ind->attrs[KPIX_IND_multiplier].num, m);
				kpix_buf_printf(&b, "           = %s / %s", ind->numerator, ind->denominator);
				if (strcmp(m, "1") != 0)
					kpix_buf_printf(&b, " x %s", m);
				kpix_buf_addc(&b, '\n');
			}
			if (ind->breakdowns.n) {
				kpix_buf_adds(&b, "           broken down by: ");
				add_list(&b, &ind->breakdowns, false);
				kpix_buf_addc(&b, '\n');
			}
		}
	}
	if (s->nrules) {
		kpix_buf_printf(&b, "\nRules (%zu):\n", s->nrules);
		for (size_t i = 0; i < s->nrules; i++)
			describe_rule(&b, &s->rules[i]);
	}
	for (size_t i = 0; i < s->ncompleteness; i++) {
		const kpix_completeness *c = &s->completeness[i];
		kpix_buf_printf(&b, "\nCompleteness %s (%s): every indicator that is due must appear once%s",
		                c->code, c->severity == KPIX_SEVERITY_WARNING ? "warning" : "error",
		                c->ngroup_by ? " for each " : " in the return");
		add_field_names(&b, s, c->group_by, c->ngroup_by);
		kpix_buf_adds(&b, c->breakdown_field < 0 ? ".\n"
		                  : c->breakdowns_only ? ", once for each breakdown it lists "
		                                         "(those with none: once for the whole).\n"
		                                       : ", and once for each breakdown it lists.\n");
	}
	const kpix_figures *fg = &s->figures;
	if (fg->n) {
		kpix_buf_printf(&b, "\nFigures (%zu), named CODE[_part][_BREAKDOWN] from the %s column%s",
		                fg->n, s->fields[fg->value_field].name,
		                fg->nrules ? "; rules on them:\n" : ".\n");
		for (size_t i = 0; i < fg->nrules; i++)
			describe_rule(&b, &fg->rules[i]);
	}
	const kpix_layouts *l = &s->layouts;
	if (l->nparams) {
		kpix_buf_printf(&b, "\nParameters of the exports (--param NAME=VALUE):\n");
		for (size_t i = 0; i < l->nparams; i++) {
			kpix_buf_printf(&b, "  %-22s %s%s", l->params[i].name,
			                l->params[i].title ? l->params[i].title : "",
			                l->params[i].required ? " (required)" : "");
			for (size_t k = 0; k < l->params[i].nchoices; k++)
				kpix_buf_printf(&b, "%s%s", k ? ", " : "; one of: ", l->params[i].choices[k]);
			kpix_buf_addc(&b, '\n');
		}
	}
	if (l->nexports) {
		kpix_buf_printf(&b, "\nExports (%zu; --only NAME writes one):\n", l->nexports);
		for (size_t i = 0; i < l->nexports; i++) {
			const kpix_xlayout *x = &l->exports[i];
			kpix_buf_printf(&b, "  %-22s %s, %s%s%s\n", x->name,
			                x->format == KPIX_XF_CSV    ? "CSV"
			                : x->format == KPIX_XF_XLSX ? "XLSX"
			                                            : "HTML",
			                x->file.src, x->title ? ": " : "", x->title ? x->title : "");
			for (size_t k = 0; x->format != KPIX_XF_CSV && k < x->nsheets; k++)
				kpix_buf_printf(&b, "      %s %s: %zu column%s%s\n",
				                x->format == KPIX_XF_XLSX ? "sheet" : "section", x->sheets[k].name,
				                x->sheets[k].ncolumns, x->sheets[k].ncolumns == 1 ? "" : "s",
				                x->sheets[k].rows == KPIX_XROWS_FIGURES ? ", one row of the figures"
				                : x->sheets[k].rows == KPIX_XROWS_CATALOGUE ? ", a row for each figure"
				                                                            : "");
		}
	}
	return kpix_buf_detach(&b);
}
