/* render.h - write a validation report for a person (text) or a program
 * (CSV, JSON). */
#ifndef KPIX_RENDER_H
#define KPIX_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include "kpix/kpix.h"

typedef enum {
	KPIX_RENDER_TEXT,
	KPIX_RENDER_CSV,
	KPIX_RENDER_JSON,
	KPIX_RENDER_HTML, /* a page for a person: kpix_report_write_html */
	KPIX_RENDER_XLSX  /* an annotated copy of the data: kpix_report_write_xlsx, not kpix_render */
} kpix_render_format;

int kpix_render_parse_format(const char *name, kpix_render_format *out);

/* Writes s with each control character (below 0x20, and 0x7f) shown as
 * \r, \n, \t or \xNN, so that a value or a name holding a carriage return,
 * a newline or an escape sequence cannot hide or forge part of a line on
 * screen. validate's text report writes each message through it, and
 * verify every line it prints. */
void kpix_render_visible(FILE *out, const char *s);

/* Writes the report as text, CSV, JSON or HTML; colour only when asked (a
 * terminal). */
void kpix_render(FILE *out, kpix_render_format format, const kpix_schema *schema,
                 const kpix_report *report, bool colour);

#endif
