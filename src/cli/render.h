/* render.h - write a validation report for a person (text) or a program
 * (CSV, JSON). */
#ifndef KPIX_RENDER_H
#define KPIX_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include "kpix/kpix.h"

typedef enum { KPIX_RENDER_TEXT, KPIX_RENDER_CSV, KPIX_RENDER_JSON } kpix_render_format;

int kpix_render_parse_format(const char *name, kpix_render_format *out);

/* Writes the report; colour only when asked (a terminal). */
void kpix_render(FILE *out, kpix_render_format format, const kpix_schema *schema,
                 const kpix_report *report, bool colour);

#endif
