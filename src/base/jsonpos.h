/* jsonpos.h - find where a value sits in JSON text, for error messages.
 *
 * jansson keeps no positions once a document is parsed, yet a person
 * fixing a schema needs the line and column of the keyword that is wrong.
 * This re-scans the (already valid) text along a path such as
 * "fields[3].constraints.requried" and reports where the last step is. */
#ifndef KPIX_JSONPOS_H
#define KPIX_JSONPOS_H

#include <stddef.h>

/* Sets *line and *col (1-based) to the position of the member key (for a
 * ".name" step) or the element (for a "[i]" step) at the end of path.
 * Returns 0, or -1 when the path is not found (then the position of the
 * deepest step found is reported). */
int kpix_json_locate(const char *text, size_t len, const char *path, int *line, int *col);

#endif
