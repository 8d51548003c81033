/* html.h - the one writer of the HTML pages kpix makes: an export's page
 * (a landlord's publication page, docs/exports.md) and any other page a
 * command writes. It knows documents, headings, paragraphs, definition
 * lists and tables, nothing of schemas, returns or reports.
 *
 * Every function appends to a kpix_buf the caller owns, so the caller
 * decides when bytes go to a file (write out and clear the buffer between
 * rows to stream) or keeps a part in memory to place it later. The page
 * written is:
 *
 *   - self-contained: UTF-8, "<!DOCTYPE html>", <html lang>, <meta
 *     charset="utf-8">, a viewport, a <title>, and one inline <style> with
 *     a print stylesheet (@media print); no script, no external file, no
 *     link to the network;
 *   - escaped: every text and attribute value given (from data or a
 *     schema) has & < > " ' written as character references, and a byte
 *     that does not start a valid UTF-8 character, a control character
 *     other than tab and line feed (C0, DEL, C1), U+FFFE and U+FFFF are
 *     written as U+FFFD. A carriage return, alone or before a line feed,
 *     is a line feed. Tag and class names are the caller's own constants
 *     and written as they are;
 *   - the same bytes for the same calls: no clock, locale or path. Lines
 *     end in LF; block elements start on a line of their own;
 *   - readable: dark text on white (each colour pair of the stylesheet at
 *     least 4.5:1, WCAG 2.1 AA for text), table headings white on dark
 *     blue, numbers (class "num") right-aligned with figures of one width,
 *     line breaks in a text kept (white-space: pre-line).
 *
 * A page:
 *
 *	kpix_html_page_begin(&b, "en-GB", title, strlen(title));
 *	kpix_html_open(&b, "main", NULL);
 *	kpix_html_element(&b, "h1", NULL, title, strlen(title));
 *	kpix_html_table_begin(&b, caption, len, true);
 *	kpix_html_open(&b, "thead", NULL); kpix_html_open(&b, "tr", NULL);
 *	kpix_html_cell(&b, KPIX_HTML_COL_HEADER, false, "Measure", 7);
 *	...
 *	kpix_html_table_end(&b);
 *	kpix_html_close(&b, "main");
 *	kpix_html_page_end(&b);
 *
 * The writer does not check that elements nest: the caller writes a
 * well-formed page. */
#ifndef KPIX_HTML_H
#define KPIX_HTML_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* The len bytes at s as HTML text (or a quoted attribute's value),
 * escaped and cleaned as above. */
void kpix_html_text(kpix_buf *out, const char *s, size_t len);

/* Everything before the page's content: the doctype, <html lang="lang">
 * (lang as given, escaped), the head with its charset, viewport, title
 * (the title_len bytes at title) and stylesheet, and "<body>". */
void kpix_html_page_begin(kpix_buf *out, const char *lang, const char *title, size_t title_len);

/* "</body></html>" and the last line end. */
void kpix_html_page_end(kpix_buf *out);

/* An opening tag on a line of its own, <tag> or <tag class="cls"> (cls
 * may be NULL), and its closing tag. For main, header, footer, section,
 * dl, thead, tbody, tr. */
void kpix_html_open(kpix_buf *out, const char *tag, const char *cls);
void kpix_html_close(kpix_buf *out, const char *tag);

/* A whole element holding text: <tag class="cls">TEXT</tag> on a line of
 * its own (cls may be NULL). For h1 to h6, p, dt, dd, caption. */
void kpix_html_element(kpix_buf *out, const char *tag, const char *cls, const char *s, size_t len);

/* "<table>" and its caption (a table's accessible name; none when caption
 * is NULL), shown or only read by a screen reader (class "hidden": for a
 * caption that would repeat the heading just above), and "</table>". */
void kpix_html_table_begin(kpix_buf *out, const char *caption, size_t len, bool shown);
void kpix_html_table_end(kpix_buf *out);

typedef enum {
	KPIX_HTML_DATA,        /* <td> */
	KPIX_HTML_COL_HEADER,  /* <th scope="col">, in the thead's row */
	KPIX_HTML_ROW_HEADER   /* <th scope="row">, the cell that names its row */
} kpix_html_cell_kind;

/* One cell of a table row; number puts it in class "num" (right-aligned). */
void kpix_html_cell(kpix_buf *out, kpix_html_cell_kind kind, bool number, const char *s,
                    size_t len);

#endif
