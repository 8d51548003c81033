/* render.h - the board pack's renderers: the workbook and the summary CSV,
 * each a reading of a judged model (model.h) that judges nothing itself.
 * docs/packs.md describes what each shows. */
#ifndef KPIX_PACK_RENDER_H
#define KPIX_PACK_RENDER_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "report.h"
#include "util.h"
#include "xlsx.h"

/* What the pack was made from, as the cover and the data quality sheet
 * show it. Borrowed by the renderer for the call only. */
typedef struct {
	const char *const *names;   /* each history file's name as the manifest records it
	                             * (no directory), then the schema's, then the
	                             * definition's: nfiles + 2 */
	size_t nfiles;
	const char *const *hashes;  /* SHA-256 (hex) of each of those files */
	const char *fingerprint;    /* of the inputs, as the manifest records it */
	const kpix_report *report;  /* the validation of the history */
	int64_t created;            /* the workbook's date in seconds since 1970, or -1
	                             * for the end of the pack's period */
} kpix_pack_sources;

/* Writes the pack's seven sheets (Cover, Summary, Exceptions, Trends,
 * Breakdowns, Definitions, Data quality) and the document properties into
 * the open workbook wb, from the judged model m. Errors of the writer are
 * kept by wb and returned by kpix_xlsx_close. */
void kpix_pack_render_xlsx(kpix_xlsx *wb, const kpix_pack_model *m, const kpix_pack_sources *src);

/* Writes the board report, a PDF (A4, fonts embedded), to path from the
 * judged model m: page 1 in words (the model's headlines and exceptions),
 * the summary table, exceptions, breakdowns with their charts, trends as
 * small multiples, definitions, data quality and the fingerprint. The same
 * model, sources and installed cairo, pango and fonts give the same bytes.
 * Returns 0, or KPIX_EIO when the file cannot be written. */
int kpix_pack_render_pdf(const char *path, const kpix_pack_model *m, const kpix_pack_sources *src);

/* Appends the summary table of the judged model m to out as CSV (RFC 4180,
 * CRLF): a header and one line per indicator. */
void kpix_pack_render_csv(kpix_buf *out, const kpix_pack_model *m);

#endif
