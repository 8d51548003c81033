/* xlsx_trace.c - libxlsxwriter's calls, made and written down (see
 * xlsx_trace.h; built only with CMake's KPIX_XLSX_TRACE option). */
#define KPIX_XTRACE_NO_REDIRECT
#include "xlsx_trace.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

/* The objects of the workbook being traced, in the order they were made:
 * an object's number in the trace is its place here, from 1. */
typedef struct {
	const void **p;
	size_t n, cap;
} objects;

static FILE *trace;
static objects formats, sheets, charts, series;

static void objects_add(objects *t, const void *p)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		const void **grown = realloc(t->p, cap * sizeof(*grown));
		if (!grown)
			return; /* the trace goes wrong, the workbook does not */
		t->p = grown;
		t->cap = cap;
	}
	t->p[t->n++] = p;
}

/* 0 for NULL (no format), else the object's number. */
static unsigned long objects_id(const objects *t, const void *p)
{
	if (!p)
		return 0;
	for (size_t i = t->n; i > 0; i--)
		if (t->p[i - 1] == p)
			return (unsigned long)i;
	return 0;
}

static void objects_clear(objects *t)
{
	free(t->p);
	*t = (objects){0};
}

static void trace_end_workbook(void)
{
	if (trace)
		fclose(trace);
	trace = NULL;
	objects_clear(&formats);
	objects_clear(&sheets);
	objects_clear(&charts);
	objects_clear(&series);
}

/* Starts a line; false when nothing is being traced. */
static bool begin(const char *name)
{
	if (!trace)
		return false;
	fputs(name, trace);
	return true;
}

static void end(void)
{
	putc('\n', trace);
}

static void put_u(unsigned long v)
{
	fprintf(trace, "\t%lu", v);
}

static void put_i(long v)
{
	fprintf(trace, "\t%ld", v);
}

/* As many digits as read back to the same double. */
static void put_d(double v)
{
	fprintf(trace, "\t%.17g", v);
}

/* Text with \\, \t, \n and \r escaped; NULL as \N. */
static void put_s(const char *s)
{
	putc('\t', trace);
	if (!s) {
		fputs("\\N", trace);
		return;
	}
	for (; *s; s++) {
		switch (*s) {
		case '\\': fputs("\\\\", trace); break;
		case '\t': fputs("\\t", trace); break;
		case '\n': fputs("\\n", trace); break;
		case '\r': fputs("\\r", trace); break;
		default: putc(*s, trace);
		}
	}
}

static void put_null(void)
{
	put_s(NULL);
}

static void put_args(const char *spec, va_list *ap);

/* The arguments after spec, as say() writes them. */
static void put_all(const char *spec, ...)
{
	va_list ap;
	va_start(ap, spec);
	put_args(spec, &ap);
	va_end(ap);
}

/* The members of the structure p, whose letter in a spec is kind (never
 * NULL: put_args writes \N for that). */
static void put_struct(char kind, const void *p)
{
	switch (kind) {
	case 'L': {
		const lxw_chart_line *l = p;
		put_all("uuduu", l->color, l->none, l->width, l->dash_type, l->transparency);
		break;
	}
	case 'P': {
		const lxw_chart_fill *f = p;
		put_all("uuu", f->color, f->none, f->transparency);
		break;
	}
	case 'T': {
		const lxw_chart_font *f = p;
		put_all("sduuuiuuui", f->name, f->size, f->bold, f->italic, f->underline, f->rotation,
		        f->color, f->pitch_family, f->charset, f->baseline);
		break;
	}
	case 'O': {
		const lxw_chart_options *o = p;
		put_all("iiddusu", o->x_offset, o->y_offset, o->x_scale, o->y_scale,
		        o->object_position, o->description, o->decorative);
		break;
	}
	case 'V': {
		const lxw_data_validation *v = p;
		put_all("uuuuuuudsAtdstdstssss", v->validate, v->criteria, v->ignore_blank,
		        v->show_input, v->show_error, v->error_type, v->dropdown, v->value_number,
		        v->value_formula, v->value_list, &v->value_datetime, v->minimum_number,
		        v->minimum_formula, &v->minimum_datetime, v->maximum_number,
		        v->maximum_formula, &v->maximum_datetime, v->input_title, v->input_message,
		        v->error_title, v->error_message);
		break;
	}
	case 'D': {
		const lxw_doc_properties *d = p;
		put_all("ssssssssssl", d->title, d->subject, d->author, d->manager, d->company,
		        d->category, d->keywords, d->comments, d->status, d->hyperlink_base,
		        (long)d->created);
		break;
	}
	case 'Q': {
		const lxw_workbook_options *o = p;
		put_all("uu", o->constant_memory, o->use_zip64);
		break;
	}
	case 't': {
		const lxw_datetime *t = p;
		put_all("iiiiid", t->year, t->month, t->day, t->hour, t->min, t->sec);
		break;
	}
	}
}

/* Writes an argument from ap for each letter of spec, as the table in
 * xlsx_trace.h lists them; besides those, l is a long, t a date and time,
 * A a NULL-ended list of texts (their number, then each; -1 for no list)
 * and Q a workbook's options. */
static void put_args(const char *spec, va_list *ap)
{
	for (; *spec; spec++) {
		switch (*spec) {
		case 'u': put_u(va_arg(*ap, unsigned)); break;
		case 'i': put_i(va_arg(*ap, int)); break;
		case 'l': put_i(va_arg(*ap, long)); break;
		case 'd': put_d(va_arg(*ap, double)); break;
		case 's': put_s(va_arg(*ap, const char *)); break;
		case 'W': put_u(objects_id(&sheets, va_arg(*ap, const void *))); break;
		case 'F': put_u(objects_id(&formats, va_arg(*ap, const void *))); break;
		case 'C': put_u(objects_id(&charts, va_arg(*ap, const void *))); break;
		case 'E': put_u(objects_id(&series, va_arg(*ap, const void *))); break;
		case 'A': {
			char **list = va_arg(*ap, char **);
			long n = 0;
			while (list && list[n])
				n++;
			put_i(list ? n : -1);
			for (long i = 0; i < n; i++)
				put_s(list[i]);
			break;
		}
		case 'B': {
			const lxw_row_t *breaks = va_arg(*ap, const lxw_row_t *);
			for (size_t i = 0; breaks && breaks[i]; i++)
				put_u(breaks[i]);
			break;
		}
		case '-': (void)va_arg(*ap, const void *); break;
		default: {
			const void *p = va_arg(*ap, const void *);
			if (p)
				put_struct(*spec, p);
			else
				put_null();
		}
		}
	}
}

/* One line: name, then the arguments as spec says (put_args). */
static void say(const char *name, const char *spec, ...)
{
	if (!begin(name))
		return;
	va_list ap;
	va_start(ap, spec);
	put_args(spec, &ap);
	va_end(ap);
	end();
}

/* ------------------------------------------------------ the table's shims */

#define KPIX_XTRACE_RETURN_void
#define KPIX_XTRACE_RETURN_lxw_error return
#define KPIX_XTRACE_LIST(...) __VA_ARGS__

#define DEFINE_CALL(returns, fn, spec, params, args) \
	returns kpix_xtrace_##fn params \
	{ \
		say(#fn, spec, KPIX_XTRACE_LIST args); \
		KPIX_XTRACE_RETURN_##returns fn args; \
	}

#define DEFINE_MAKER(type, fn, list, spec, params, args) \
	type *kpix_xtrace_##fn params \
	{ \
		type *made = fn args; \
		if (made && trace) { \
			objects_add(&list, made); \
			say(#fn, spec, made, KPIX_XTRACE_LIST args); \
		} \
		return made; \
	}

KPIX_XTRACE_CALLS(DEFINE_CALL)
KPIX_XTRACE_MAKERS(DEFINE_MAKER)

/* ------------------------------------------------------------ the others */

lxw_workbook *kpix_xtrace_workbook_new_opt(const char *path, lxw_workbook_options *o)
{
	trace_end_workbook();
	lxw_workbook *wb = workbook_new_opt(path, o);
	const char *file = getenv("KPIX_XLSX_TRACE");
	if (!wb || !file || !*file)
		return wb;
	trace = fopen(file, "a");
	/* the path and the scratch directory are kpix's own: the replay
	 * writes where it is told */
	say("workbook_new_opt", "Q", o);
	return wb;
}

lxw_error kpix_xtrace_workbook_close(lxw_workbook *wb)
{
	say("workbook_close", "");
	trace_end_workbook();
	return workbook_close(wb);
}

void kpix_xtrace_lxw_workbook_free(lxw_workbook *wb)
{
	say("lxw_workbook_free", "");
	trace_end_workbook();
	lxw_workbook_free(wb);
}

/* The chart that holds axis, or NULL. */
static const lxw_chart *chart_of_axis(const lxw_chart_axis *axis)
{
	for (size_t i = 0; i < charts.n; i++) {
		const lxw_chart *c = charts.p[i];
		if (c->x_axis == axis || c->y_axis == axis)
			return c;
	}
	return NULL;
}

/* an axis is named by its chart and which axis it is */
#define AXIS_NAME(ch, axis) ((ch) && (ch)->x_axis == (axis) ? "x" : "y")

void kpix_xtrace_chart_axis_set_num_format(lxw_chart_axis *axis, const char *num_format)
{
	if (trace) {
		const lxw_chart *ch = chart_of_axis(axis);
		say("chart_axis_set_num_format", "Css", ch, AXIS_NAME(ch, axis), num_format);
	}
	chart_axis_set_num_format(axis, num_format);
}

void kpix_xtrace_chart_axis_set_min(lxw_chart_axis *axis, double min)
{
	if (trace) {
		const lxw_chart *ch = chart_of_axis(axis);
		say("chart_axis_set_min", "Csd", ch, AXIS_NAME(ch, axis), min);
	}
	chart_axis_set_min(axis, min);
}

void kpix_xtrace_chart_axis_set_max(lxw_chart_axis *axis, double max)
{
	if (trace) {
		const lxw_chart *ch = chart_of_axis(axis);
		say("chart_axis_set_max", "Csd", ch, AXIS_NAME(ch, axis), max);
	}
	chart_axis_set_max(axis, max);
}
