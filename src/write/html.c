/* html.c - the HTML page writer; see html.h. */
#include "html.h"

#include <string.h>

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

/* The one stylesheet. Colours, with their contrast (WCAG 2.1 relative
 * luminance) against what they sit on:
 *   #1a1a1a text on #ffffff            17.4:1
 *   #1a1a1a text on #eef2f7 (even rows) 15.5:1
 *   #ffffff text on #1f4e79 (headings)  8.7:1
 *   #3d3d3d footer text on #ffffff     10.9:1
 *   #767676 borders on #ffffff          4.5:1 (3:1 asked of lines)
 * In print, headings are black on white with a rule under them. */
static const char STYLE[] =
	"html{color:#1a1a1a;background:#ffffff}\n"
	"body{font-family:system-ui,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,sans-serif;"
	"font-size:1rem;line-height:1.5;margin:0 auto;padding:1.5rem;max-width:75rem}\n"
	"h1{font-size:1.8rem;line-height:1.25;margin:0 0 1rem}\n"
	"h2{font-size:1.35rem;line-height:1.3;margin:2.25rem 0 .5rem;padding-bottom:.25rem;"
	"border-bottom:2px solid #1f4e79}\n"
	"p{margin:.5rem 0;max-width:65rem;white-space:pre-line}\n"
	"dl{display:grid;grid-template-columns:fit-content(40%) minmax(0,1fr);gap:.25rem 1.5rem;"
	"margin:.75rem 0}\n"
	"dt{font-weight:bold}\n"
	"dd{margin:0;white-space:pre-line;overflow-wrap:anywhere}\n"
	"table{border-collapse:collapse;margin:.75rem 0 1.5rem;width:100%}\n"
	"caption{text-align:left;font-weight:bold;padding:.25rem 0}\n"
	/* read by a screen reader, not shown: a caption that would repeat the
	 * heading above the table */
	".hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);"
	"white-space:nowrap}\n"
	"th,td{border:1px solid #767676;padding:.35rem .6rem;text-align:left;vertical-align:top;"
	"white-space:pre-line;overflow-wrap:break-word}\n"
	"thead th{background:#1f4e79;color:#ffffff}\n"
	"tbody tr:nth-child(even){background:#eef2f7}\n"
	"tbody th{font-weight:bold}\n"
	".num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
	"footer{margin-top:2.5rem;padding-top:.75rem;border-top:1px solid #767676;color:#3d3d3d;"
	"font-size:.9rem}\n"
	"@media print{\n"
	"body{padding:0;max-width:none;font-size:10pt}\n"
	"thead{display:table-header-group}\n"
	"thead th{background:#ffffff;color:#000000;border-bottom:2px solid #000000}\n"
	"tbody tr:nth-child(even){background:#ffffff}\n"
	"tr,dt,dd{break-inside:avoid}\n"
	"h1,h2,caption{break-after:avoid}\n"
	"footer{color:#000000}\n"
	"}\n";

/* How many bytes the character at s (avail bytes left) takes, at least
 * 1 (a byte that does not start a valid UTF-8 character counts alone);
 * *ok tells whether a page may hold it as it is, or must show U+FFFD: not
 * for such a byte, a C0 control other than tab and line feed (carriage
 * returns are the caller's), DEL, a C1 control (U+0080-U+009F), U+FFFE
 * or U+FFFF. */
static size_t page_char(const unsigned char *s, size_t avail, bool *ok)
{
	unsigned char c = s[0];
	if (c < 0x80) {
		*ok = (c >= 0x20 && c != 0x7f) || c == '\t' || c == '\n';
		return 1;
	}
	if (kpix_utf8_invalid_at((const char *)s, avail < 4 ? avail : 4) == 0) {
		*ok = false;
		return 1;
	}
	*ok = !(c == 0xc2 && s[1] < 0xa0) && !(c == 0xef && s[1] == 0xbf && (s[2] & 0xfe) == 0xbe);
	return c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
}

void kpix_html_text(kpix_buf *out, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t run = 0, i = 0;
	while (i < len) {
		const char *ref = NULL;
		size_t n = 1; /* the bytes ref stands for */
		bool ok;
		switch (s[i]) {
		case '&': ref = "&amp;"; break;
		case '<': ref = "&lt;"; break;
		case '>': ref = "&gt;"; break;
		case '"': ref = "&quot;"; break;
		case '\'': ref = "&#39;"; break;
		case '\r': ref = "\n"; n += i + 1 < len && s[i + 1] == '\n'; break;
		default:
			n = page_char(s + i, len - i, &ok);
			if (ok) {
				i += n; /* the run of bytes written as they are grows */
				continue;
			}
			ref = REPLACEMENT;
			break;
		}
		kpix_buf_add(out, s + run, i - run);
		kpix_buf_adds(out, ref);
		i += n;
		run = i;
	}
	kpix_buf_add(out, s + run, i - run);
}

void kpix_html_page_begin(kpix_buf *out, const char *lang, const char *title, size_t title_len)
{
	kpix_buf_adds(out, "<!DOCTYPE html>\n<html lang=\"");
	kpix_html_text(out, lang, strlen(lang));
	kpix_buf_adds(out, "\">\n<head>\n<meta charset=\"utf-8\">\n"
	                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	                   "<title>");
	kpix_html_text(out, title, title_len);
	kpix_buf_adds(out, "</title>\n<style>\n");
	kpix_buf_adds(out, STYLE);
	kpix_buf_adds(out, "</style>\n</head>\n<body>\n");
}

void kpix_html_page_end(kpix_buf *out)
{
	kpix_buf_adds(out, "</body>\n</html>\n");
}

static void open_tag(kpix_buf *out, const char *tag, const char *cls)
{
	kpix_buf_printf(out, "<%s", tag);
	if (cls)
		kpix_buf_printf(out, " class=\"%s\"", cls);
	kpix_buf_addc(out, '>');
}

void kpix_html_open(kpix_buf *out, const char *tag, const char *cls)
{
	open_tag(out, tag, cls);
	kpix_buf_addc(out, '\n');
}

void kpix_html_close(kpix_buf *out, const char *tag)
{
	kpix_buf_printf(out, "</%s>\n", tag);
}

void kpix_html_element(kpix_buf *out, const char *tag, const char *cls, const char *s, size_t len)
{
	open_tag(out, tag, cls);
	kpix_html_text(out, s, len);
	kpix_buf_printf(out, "</%s>\n", tag);
}

void kpix_html_table_begin(kpix_buf *out, const char *caption, size_t len, bool shown)
{
	kpix_buf_adds(out, "<table>\n");
	if (caption)
		kpix_html_element(out, "caption", shown ? NULL : "hidden", caption, len);
}

void kpix_html_table_end(kpix_buf *out)
{
	kpix_buf_adds(out, "</table>\n");
}

void kpix_html_cell(kpix_buf *out, kpix_html_cell_kind kind, bool number, const char *s,
                    size_t len)
{
	static const char *const opening[] = {"<td", "<th scope=\"col\"", "<th scope=\"row\""};
	kpix_buf_adds(out, opening[kind]);
	if (number)
		kpix_buf_adds(out, " class=\"num\"");
	kpix_buf_addc(out, '>');
	kpix_html_text(out, s, len);
	kpix_buf_adds(out, kind == KPIX_HTML_DATA ? "</td>\n" : "</th>\n");
}
