/* xlsxread.c - a sheet of an Excel workbook as a record source; see xlsxread.h.
 *
 * minizip rather than libzip for the archive: libxlsxwriter, which kpix
 * already links, is built on Debian against the system minizip, so reading
 * workbooks adds a header package and no new library to a machine, and its
 * input functions let the same code read a file (through pread, without
 * holding it in memory) and bytes in memory (the fuzz target). expat for
 * the XML: a streaming parser, so the sheet is never held whole. */
#include "xlsxread.h"

#include <errno.h>
#include <expat.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unzip.h>

#include "cast.h"
#include "digest.h"
#include "util.h"

/* The limits, in docs/limits.md ("Workbooks"). */
#define MAX_SMALL_PART (UINT64_C(64) << 20)     /* workbook, relationships, styles */
#define MAX_STRINGS_PART (UINT64_C(4) << 30)    /* the shared strings' XML */
#define MAX_SHEET_PART (UINT64_C(64) << 30)     /* the sheet's XML */
#define MAX_STRINGS_BYTES (UINT64_C(1) << 30)   /* the shared strings' text kept */
#define MAX_STRINGS (UINT64_C(1) << 26)         /* distinct shared strings */
#define MAX_RATIO 250                           /* bytes inflated per compressed byte */
#define RATIO_FREE (UINT64_C(16) << 20)         /* ... once a part is past 16 MiB */
#define MAX_SHEETS 4096
#define MAX_STYLES 262144                       /* cell formats (Excel's own limit is 64,000) */
#define MAX_MERGES_REPORTED 100
#define MAX_TEXT_RATIO 1000                     /* cell text handed over per byte of sheet XML ... */
#define TEXT_RATIO_FREE (UINT64_C(256) << 20)   /* ... once past 256 MiB */
#define EXCEL_ROWS 1048576u
#define EXCEL_COLS 16384u
#define CHUNK (64 * 1024)
#define PROGRESS_EVERY (UINT64_C(16) << 20)

/* ------------------------------------------------------------ the bytes */

/* The archive's bytes, for minizip: a file read with pread, or memory. */
typedef struct {
	int fd; /* -1 for memory */
	const unsigned char *mem;
	uint64_t size;
	uint64_t pos;
} zin;

static voidpf ZCALLBACK zin_open(voidpf opaque, const void *name, int mode)
{
	(void)name;
	(void)mode;
	zin *z = opaque;
	z->pos = 0;
	return z;
}

static uLong ZCALLBACK zin_read(voidpf opaque, voidpf stream, void *buf, uLong size)
{
	(void)opaque;
	zin *z = stream;
	if (z->pos >= z->size)
		return 0;
	uint64_t n = size < z->size - z->pos ? size : z->size - z->pos;
	if (z->fd < 0) {
		memcpy(buf, z->mem + z->pos, n);
	} else {
		ssize_t got = pread(z->fd, buf, n, (off_t)z->pos);
		if (got < 0)
			return 0;
		n = (uint64_t)got;
	}
	z->pos += n;
	return (uLong)n;
}

static uLong ZCALLBACK zin_write(voidpf opaque, voidpf stream, const void *buf, uLong size)
{
	(void)opaque;
	(void)stream;
	(void)buf;
	(void)size;
	return 0;
}

static ZPOS64_T ZCALLBACK zin_tell(voidpf opaque, voidpf stream)
{
	(void)opaque;
	return ((zin *)stream)->pos;
}

static long ZCALLBACK zin_seek(voidpf opaque, voidpf stream, ZPOS64_T off, int origin)
{
	(void)opaque;
	zin *z = stream;
	uint64_t base = origin == ZLIB_FILEFUNC_SEEK_CUR   ? z->pos
	              : origin == ZLIB_FILEFUNC_SEEK_END ? z->size
	                                                 : 0;
	if (off > z->size || base + off > z->size)
		return -1;
	z->pos = base + off;
	return 0;
}

static int ZCALLBACK zin_close(voidpf opaque, voidpf stream)
{
	(void)opaque;
	(void)stream;
	return 0;
}

static int ZCALLBACK zin_error(voidpf opaque, voidpf stream)
{
	(void)opaque;
	(void)stream;
	return 0;
}

/* ----------------------------------------------------------- the source */

/* How a cell's number is shown, from its number format. */
enum { K_NUMBER, K_DATE, K_TIME, K_DATETIME, K_PERCENT };

typedef enum { P_RELS, P_WORKBOOK, P_STYLES, P_STRINGS, P_SHEET } part_kind;

typedef struct {
	char *id, *target, *type;
} rel;

typedef struct {
	char *name, *rid;
	bool hidden;
} sheet_entry;

typedef struct {
	uint32_t col;
	const char *text; /* a shared string's, NUL-terminated; NULL: at off in rowtext */
	size_t off, len;
	bool date; /* a date, written YYYY-MM-DD */
} row_cell;

typedef struct {
	kpix_source base;
	zin in;
	char *name;  /* the file, as messages name it */
	bool owns_fd;

	unzFile zf;
	const kpix_source_handler *h;
	XML_Parser xp;
	part_kind part;
	const char *part_name; /* the member being parsed */
	const char *part_what; /* what it is, for messages */
	uint64_t part_bytes;   /* of the part being parsed, uncompressed so far */
	uint64_t handed;       /* bytes of cell text kept from the sheet */
	bool stop;             /* reading is over: a source-error, or on_record said stop */

	rel *rels;
	size_t nrels;
	sheet_entry *sheets;
	size_t nsheets;
	bool date1904;

	/* the number formats: custom ones by id, then the cells' formats */
	uint32_t *fmt_id;
	unsigned char *fmt_kind;
	size_t nfmts;
	unsigned char *xf_kind;
	size_t nxf;
	bool in_cellxfs;

	/* the shared strings: string i is sst.data + sst_off[i], sst_len[i] bytes */
	kpix_buf sst;
	uint64_t *sst_off;
	size_t nsst, sst_cap;

	/* text being gathered: a <v>, or the <t>s of a string */
	kpix_buf text;
	uint64_t text_seen; /* bytes of the text, the ones not kept included */
	bool capture;
	int skip_depth;     /* inside a <rPh> (phonetic guide): text not gathered */

	/* the sheet */
	char *where;         /* the sheet's name as a reference starts with it: Data! or 'My data'! */
	bool in_data;
	bool in_row;
	uint64_t row;         /* the row being read */
	uint64_t emitted;     /* the last row handed over */
	uint32_t col;         /* the cell being read, or the last one */
	bool cell_ok;
	char ctype;           /* 'n' number, 's' shared, 'S' formula string, 'i' inline, 'b', 'e', 'd' */
	unsigned char ckind;  /* K_ of its format */
	bool has_f, has_v;
	bool row_content, row_malformed;
	uint32_t row_seen;    /* the furthest column of the row */
	kpix_buf rowtext;
	row_cell *cells;
	size_t ncells, cells_cap;
	kpix_cell *out;
	size_t out_cap;
	size_t header_width;
	bool header_done;
	size_t merges;
} xlsx_source;

static const char *local(const char *name)
{
	const char *c = strrchr(name, ':');
	return c ? c + 1 : name;
}

static const char *attr(const char **atts, const char *name)
{
	for (size_t i = 0; atts[i]; i += 2)
		if (strcmp(local(atts[i]), name) == 0)
			return atts[i + 1];
	return NULL;
}

/* Reading stops with one source-error: the sentence, in row row (0 when not
 * in one). */
static KPIX_PRINTF(3, 4) void fatal(xlsx_source *x, uint64_t row, const char *fmt, ...)
{
	if (x->stop)
		return;
	x->stop = true;
	if (x->xp)
		XML_StopParser(x->xp, XML_FALSE);
	va_list ap;
	va_start(ap, fmt);
	kpix_buf msg = KPIX_BUF_INIT;
	kpix_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	if (x->h->on_problem)
		x->h->on_problem(x->h->ctx, "source-error", KPIX_SEVERITY_ERROR, row, 0, NULL, msg.data);
	kpix_buf_free(&msg);
}

void kpix_column_letters(uint32_t column, char buf[8])
{
	char tmp[8];
	int n = 0;
	while (column && n < 7) {
		column--;
		tmp[n++] = (char)('A' + column % 26);
		column /= 26;
	}
	for (int i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
}

/* Reads a cell reference such as "C4": 0 with *col and *row set, -1 when
 * it is not one or lies beyond XFD1048576. */
static int parse_ref(const char *s, uint32_t *col, uint64_t *row)
{
	uint64_t c = 0, r = 0;
	size_t nl = 0, nd = 0;
	if (*s == '$')
		s++;
	for (; *s >= 'A' && *s <= 'Z'; s++, nl++)
		if ((c = c * 26 + (uint64_t)(*s - 'A' + 1)) > EXCEL_COLS)
			return -1;
	if (*s == '$')
		s++;
	for (; *s >= '0' && *s <= '9'; s++, nd++)
		if ((r = r * 10 + (uint64_t)(*s - '0')) > EXCEL_ROWS)
			return -1;
	if (*s || !nl || !nd || !r)
		return -1;
	*col = (uint32_t)c;
	*row = r;
	return 0;
}

/* ------------------------------------------------------------ handing over */

static int hand_over(xlsx_source *x, uint64_t row, const kpix_cell *cells, size_t n, size_t seen,
                     bool malformed)
{
	kpix_record rec = {n ? cells : NULL, n, seen, row, malformed};
	x->base.info.records++;
	if (x->h->on_record(x->h->ctx, &rec) != 0) {
		x->stop = true;
		if (x->xp)
			XML_StopParser(x->xp, XML_FALSE);
		return -1;
	}
	return 0;
}

/* Hands over the rows before row that hold nothing, as blank records. */
static void fill_gap(xlsx_source *x, uint64_t row)
{
	while (!x->stop && x->emitted + 1 < row)
		hand_over(x, ++x->emitted, NULL, 0, 0, false);
}

/* A problem in the cell at column col of the row being read (col 0: the
 * row), reported before its record; message follows the cell's reference. */
static KPIX_PRINTF(6, 7) void cell_problem(xlsx_source *x, const char *code, kpix_severity sev,
                                           uint32_t col, const char *value, const char *fmt, ...)
{
	fill_gap(x, x->row);
	x->row_content = true;
	/* a damaged cell or one too large spoils its row; an error value or a
	 * formula without one spoils only its cell, handed over empty */
	if (strcmp(code, "workbook-error") == 0 || strcmp(code, "field-too-large") == 0)
		x->row_malformed = true;
	if (x->stop || !x->h->on_problem)
		return;
	va_list ap;
	va_start(ap, fmt);
	kpix_buf msg = KPIX_BUF_INIT;
	kpix_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	x->h->on_problem(x->h->ctx, code, sev, x->row, col, value, msg.data);
	kpix_buf_free(&msg);
}

/* The row read, when it holds anything, handed over after the blank rows
 * before it: cells in their columns, empty ones between, at least as many
 * as the header has. */
static void end_row(xlsx_source *x)
{
	x->in_row = false;
	if (!x->row_content || x->stop) {
		x->ncells = 0;
		kpix_buf_clear(&x->rowtext);
		return;
	}
	fill_gap(x, x->row);
	size_t width = x->ncells ? x->cells[x->ncells - 1].col : 0;
	if (x->header_done && width < x->header_width)
		width = x->header_width;
	size_t seen = width > x->row_seen ? width : x->row_seen;
	if (width > x->base.opts.max_columns) {
		char msg[160];
		snprintf(msg, sizeof(msg),
		         "this row has cells as far as column %zu, beyond the %zu columns kpix reads "
		         "in one row; the row is not checked",
		         width, x->base.opts.max_columns);
		if (x->h->on_problem)
			x->h->on_problem(x->h->ctx, "too-many-columns", KPIX_SEVERITY_ERROR, x->row,
			                 (uint32_t)x->base.opts.max_columns + 1, NULL, msg);
		width = x->base.opts.max_columns;
		x->row_malformed = true;
	}
	if (width > x->out_cap) {
		x->out_cap = width;
		x->out = kpix_xrealloc(x->out, width * sizeof(*x->out));
	}
	for (size_t i = 0; i < width; i++)
		x->out[i] = (kpix_cell){"", 0, false};
	for (size_t i = 0; i < x->ncells && x->cells[i].col <= width; i++)
		x->out[x->cells[i].col - 1] =
		        (kpix_cell){x->cells[i].text ? x->cells[i].text : x->rowtext.data + x->cells[i].off,
		                    x->cells[i].len, x->cells[i].date};
	if (!x->stop && hand_over(x, x->row, x->out, width, seen, x->row_malformed) == 0) {
		x->emitted = x->row;
		if (!x->header_done && width) {
			x->header_done = true;
			x->header_width = width;
		}
	}
	x->ncells = 0;
	kpix_buf_clear(&x->rowtext);
}

/* Keeps len bytes at s as the text of the cell being read; shared (a
 * shared string, NUL-terminated at len, that lasts while the sheet is
 * read) is pointed to rather than copied. */
static void put_text(xlsx_source *x, const char *s, size_t len, bool shared)
{
	if (!len)
		return;
	x->row_content = true;
	/* a tiny sheet can name one long shared string in cell after cell:
	 * the text it hands over is held to a multiple of its own size */
	x->handed += len;
	if (x->handed > TEXT_RATIO_FREE && x->handed / (x->part_bytes + 1) > MAX_TEXT_RATIO) {
		fatal(x, x->row, "the sheet %.*s repeats the workbook's shared strings to more than "
		                 "%d times its own size, as no real workbook does; kpix stopped "
		                 "reading it",
		      (int)strlen(x->where) - 1, x->where, MAX_TEXT_RATIO);
		return;
	}
	if (len > x->base.opts.max_field_bytes) {
		char ref[8];
		kpix_column_letters(x->col, ref);
		cell_problem(x, "field-too-large", KPIX_SEVERITY_ERROR, x->col, NULL,
		             "%s%s%" PRIu64 " holds more than the %zu bytes kpix accepts in one cell; "
		             "the row is not checked",
		             x->where, ref, x->row, x->base.opts.max_field_bytes);
		len = len < 64 ? len : 64; /* the start of the cell, for the record */
		while (len && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
		shared = false;
	}
	if (x->ncells == x->cells_cap) {
		x->cells_cap = x->cells_cap ? x->cells_cap * 2 : 32;
		x->cells = kpix_xrealloc(x->cells, x->cells_cap * sizeof(*x->cells));
	}
	x->cells[x->ncells++] = (row_cell){x->col, shared ? s : NULL, x->rowtext.len, len, false};
	if (!shared) {
		kpix_buf_add(&x->rowtext, s, len);
		kpix_buf_addc(&x->rowtext, '\0');
	}
}

static void put_cell(xlsx_source *x, const char *s, size_t len)
{
	put_text(x, s, len, false);
}

/* ------------------------------------------------------------- the values */

/* Decodes in place the escapes Office writes for characters XML cannot
 * hold: _xHHHH_ is the character U+HHHH, and _x005F_ an underscore (so
 * that _x005F_x0041_ stays the text _x0041_). A NUL or a surrogate stays
 * as written. */
static void unescape_x(kpix_buf *b)
{
	if (!b->len || !memchr(b->data, '_', b->len))
		return;
	size_t o = 0;
	for (size_t i = 0; i < b->len;) {
		unsigned cp = 0;
		bool esc = i + 7 <= b->len && b->data[i] == '_' && b->data[i + 1] == 'x' &&
		           b->data[i + 6] == '_';
		for (size_t k = 2; esc && k < 6; k++) {
			char c = b->data[i + k];
			int d = c >= '0' && c <= '9' ? c - '0'
			      : c >= 'a' && c <= 'f' ? c - 'a' + 10
			      : c >= 'A' && c <= 'F' ? c - 'A' + 10
			                             : -1;
			esc = d >= 0;
			cp = cp * 16 + (unsigned)(d < 0 ? 0 : d);
		}
		if (!esc || cp == 0 || (cp >= 0xd800 && cp <= 0xdfff)) {
			b->data[o++] = b->data[i++];
			continue;
		}
		i += 7;
		if (cp < 0x80) {
			b->data[o++] = (char)cp;
		} else if (cp < 0x800) {
			b->data[o++] = (char)(0xc0 | (cp >> 6));
			b->data[o++] = (char)(0x80 | (cp & 0x3f));
		} else {
			b->data[o++] = (char)(0xe0 | (cp >> 12));
			b->data[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
			b->data[o++] = (char)(0x80 | (cp & 0x3f));
		}
	}
	b->len = o;
	b->data[o] = '\0';
}

/* The kind of a built-in number format (ECMA-376 part 1, 18.8.30; 27-36
 * and 50-58 are the dates and times of East Asian versions of Excel). */
static unsigned char builtin_kind(uint32_t id)
{
	if (id == 9 || id == 10)
		return K_PERCENT;
	if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || (id >= 34 && id <= 36) ||
	    (id >= 50 && id <= 58))
		return K_DATE;
	if (id == 22)
		return K_DATETIME;
	if ((id >= 18 && id <= 21) || id == 32 || id == 33 || (id >= 45 && id <= 47))
		return K_TIME;
	return K_NUMBER;
}

/* The kind of a custom number format, from its first section: letters of
 * a date (y, d, m) or a time (h, s, m after h or before s, [h] elapsed)
 * outside quotes, escapes and brackets make a date or time; otherwise a %
 * makes a percentage. */
static unsigned char format_kind(const char *code)
{
	bool date = false, time = false, percent = false;
	char prev = 0;
	for (const char *p = code; *p && *p != ';'; p++) {
		char c = *p, l = (char)(c | 0x20);
		if (c == '"') {
			const char *e = strchr(p + 1, '"');
			if (!e)
				break;
			p = e;
		} else if (c == '\\' || c == '_' || c == '*') {
			if (!p[1])
				break;
			p++;
		} else if (c == '[') {
			const char *e = strchr(p, ']');
			if (!e)
				break;
			char f = (char)(p[1] | 0x20);
			bool elapsed = e > p + 1 && (f == 'h' || f == 'm' || f == 's');
			for (const char *q = p + 1; q < e; q++)
				elapsed = elapsed && (char)(*q | 0x20) == f;
			if (elapsed) {
				time = true;
				prev = f;
			}
			p = e;
		} else if (c == '%') {
			percent = true;
		} else if (l == 'g' && strncasecmp(p, "general", 7) == 0) {
			p += 6;
		} else if (l == 'a' && strncasecmp(p, "am/pm", 5) == 0) {
			p += 4;
		} else if (l == 'a' && strncasecmp(p, "a/p", 3) == 0) {
			p += 2;
		} else if (l == 'y' || l == 'd') {
			date = true;
			prev = l;
		} else if (l == 'h' || l == 's') {
			time = true;
			prev = l;
		} else if (l == 'm') {
			const char *q = p;
			while ((char)(*q | 0x20) == 'm')
				q++;
			const char *r = q;
			while (*r && strchr(":. 0", *r))
				r++;
			if (prev == 'h' || (char)(*r | 0x20) == 's')
				time = true;
			else
				date = true;
			prev = 'm';
			p = q - 1;
		}
	}
	return date && time ? K_DATETIME : date ? K_DATE : time ? K_TIME : percent ? K_PERCENT
	                                                                        : K_NUMBER;
}

static unsigned char numfmt_kind(const xlsx_source *x, uint32_t id)
{
	for (size_t i = 0; i < x->nfmts; i++)
		if (x->fmt_id[i] == id)
			return x->fmt_kind[i];
	return builtin_kind(id);
}

/* A serial date or time of kind (K_DATE, K_TIME, K_DATETIME) as ISO 8601
 * text, into buf (48 bytes); false when Excel has no date for it. */
static bool serial_text(const xlsx_source *x, double v, unsigned char kind, char *buf)
{
	if (!(v >= 0 && v < 2958466)) /* 9999-12-31 is the last day Excel shows */
		return false;
	double whole = floor(v);
	int64_t days = (int64_t)whole;
	int64_t secs = (int64_t)llround((v - whole) * 86400.0);
	if (secs >= 86400) {
		days++;
		secs -= 86400;
	}
	char date[16] = "", time[16] = "";
	if (kind != K_TIME) {
		if (x->date1904) {
			kpix_date d = kpix_date_from_ymd(1904, 1, 1) + (kpix_date)days;
			if (d > kpix_date_from_ymd(9999, 12, 31))
				return false;
			kpix_date_format(d, date);
		} else if (days == 60) {
			/* Excel counts a 29 February 1900 that never was (as Lotus 1-2-3
			 * did); the validator finds it is no date */
			strcpy(date, "1900-02-29");
		} else if (days == 0) {
			return false; /* Excel shows 0 January 1900 */
		} else {
			kpix_date d = days < 60 ? kpix_date_from_ymd(1899, 12, 31) + (kpix_date)days
			                        : kpix_date_from_ymd(1899, 12, 30) + (kpix_date)days;
			kpix_date_format(d, date);
		}
	}
	if (kind != K_DATE) {
		int64_t h = secs / 3600 + (kind == K_TIME ? days * 24 : 0);
		snprintf(time, sizeof(time), "%02" PRId64 ":%02d:%02d", h, (int)(secs / 60 % 60),
		         (int)(secs % 60));
	}
	snprintf(buf, 48, "%s%s%s", date, *date && *time ? "T" : "", time);
	return true;
}

/* v as a percentage: the shortest text of v with the decimal point moved
 * two places right, then %: 0.82 gives 82%, 0.125 gives 12.5%. buf holds
 * 48 bytes. */
static void percent_text(double v, char *buf)
{
	char t[32];
	kpix_format_number(v, t);
	if (strpbrk(t, "eE")) {
		kpix_format_number(v * 100, buf);
		strcat(buf, "%");
		return;
	}
	const char *p = t;
	char *o = buf;
	if (*p == '-')
		*o++ = *p++;
	const char *dot = strchr(p, '.');
	size_t ilen = dot ? (size_t)(dot - p) : strlen(p);
	const char *frac = dot ? dot + 1 : "";
	char digits[40];
	size_t n = 0;
	for (size_t i = 0; i < ilen; i++)
		digits[n++] = p[i];
	size_t point = n + 2;
	for (const char *f = frac; *f; f++)
		digits[n++] = *f;
	while (n < point)
		digits[n++] = '0';
	size_t start = 0;
	while (start + 1 < point && digits[start] == '0')
		start++;
	while (n > point && digits[n - 1] == '0')
		n--;
	memcpy(o, digits + start, point - start);
	o += point - start;
	if (n > point) {
		*o++ = '.';
		memcpy(o, digits + point, n - point);
		o += n - point;
	}
	strcpy(o, "%");
}

/* Marks the cell just kept as a date (YYYY-MM-DD), when date. */
static void mark_date(xlsx_source *x, bool date)
{
	if (date && x->ncells && x->cells[x->ncells - 1].col == x->col)
		x->cells[x->ncells - 1].date = true;
}

/* True when the number written s (len bytes) is already what
 * kpix_format_number writes for it, so it need not be read and written
 * again (most numbers of a sheet): plain decimal digits, no leading zero
 * but one before the point, none at the end of a fraction, at most 15
 * significant digits (two such decimals never read as the same double,
 * so no shorter one reads as this one), and a magnitude that %g writes
 * without an exponent (an integer below 10^15, or a fraction with at
 * most three zeros after the point). */
static bool shortest_already(const char *s, size_t len)
{
	size_t i = s[0] == '-', ints = 0, zeros = 0, fracs = 0;
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++, ints++;
	if (!ints || ints > 15 || (ints > 1 && s[i - ints] == '0'))
		return false;
	if (i == len)
		return !(s[0] == '-' && s[1] == '0'); /* "-0" is written 0 */
	if (s[i++] != '.')
		return false;
	bool zero_int = ints == 1 && s[i - 2] == '0';
	while (i < len && s[i] == '0' && zero_int)
		i++, zeros++;
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++, fracs++;
	return i == len && fracs && s[len - 1] != '0' && zeros <= 3 &&
	       (zero_int ? fracs : ints + zeros + fracs) <= 15;
}

/* What an Excel error value means, for the message. */
static const char *excel_error_meaning(const char *e)
{
	static const struct {
		const char *code, *meaning;
	} errors[] = {
		{"#N/A", "a lookup found no value"},
		{"#DIV/0!", "a division by zero"},
		{"#VALUE!", "a value of the wrong type in a formula"},
		{"#REF!", "a formula refers to a cell that was deleted"},
		{"#NAME?", "a formula uses a name Excel does not know"},
		{"#NUM!", "a number a formula cannot work out"},
		{"#NULL!", "two ranges that do not meet"},
		{"#GETTING_DATA", "a value still being fetched"},
		{"#SPILL!", "a result with no room to spill into"},
		{"#CALC!", "a calculation Excel could not do"},
	};
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
		if (strcmp(e, errors[i].code) == 0)
			return errors[i].meaning;
	return "an error in a formula";
}

/* The cell just read, turned into its text. */
static void end_cell(xlsx_source *x)
{
	if (!x->cell_ok || x->stop)
		return;
	char ref[8];
	kpix_column_letters(x->col, ref);
	const char *v = x->text.data ? x->text.data : "";
	size_t vlen = x->text.len;
	if (x->text_seen > x->base.opts.max_field_bytes) {
		put_cell(x, v, x->text_seen > vlen ? x->base.opts.max_field_bytes + 1 : vlen);
		return;
	}
	/* openpyxl writes a formula's missing value as an empty <v/> */
	bool no_value = !x->has_v || (!vlen && x->ctype != 'S' && x->ctype != 's');
	if (x->has_f && no_value && x->ctype != 'i') {
		cell_problem(x, "formula-without-value", KPIX_SEVERITY_ERROR, x->col, NULL,
		             "%s%s%" PRIu64 " holds a formula saved without its value (the workbook was "
		             "written by a program that does not calculate); open the workbook in "
		             "Excel, save it, and send it again, or type the value in",
		             x->where, ref, x->row);
		return;
	}
	if (!x->has_v && x->ctype != 'i')
		return; /* formatting only */
	char buf[48];
	switch (x->ctype) {
	case 's': {
		char *end;
		errno = 0;
		unsigned long long i = strtoull(v, &end, 10);
		if (!vlen || *end || errno || i >= x->nsst || *v == '-') {
			cell_problem(x, "workbook-error", KPIX_SEVERITY_ERROR, x->col, NULL,
			             "%s%s%" PRIu64 " refers to shared string '%s', but the workbook has "
			             "%zu shared strings; the workbook is damaged",
			             x->where, ref, x->row, v, x->nsst);
			return;
		}
		uint64_t off = x->sst_off[i];
		uint64_t len = x->sst_off[i + 1] - off - 1;
		put_text(x, x->sst.data + off, (size_t)len, true);
		return;
	}
	case 'i':
		unescape_x(&x->text);
		put_cell(x, x->text.data ? x->text.data : "", x->text.len);
		return;
	case 'S':
		put_cell(x, v, vlen);
		return;
	case 'b':
		if (strcmp(v, "1") == 0)
			put_cell(x, "TRUE", 4);
		else if (strcmp(v, "0") == 0)
			put_cell(x, "FALSE", 5);
		else
			put_cell(x, v, vlen);
		return;
	case 'e':
		cell_problem(x, "excel-error", KPIX_SEVERITY_ERROR, x->col, v,
		             "%s%s%" PRIu64 " holds the Excel error %s (%s), not a value; correct the "
		             "formula or type the value in",
		             x->where, ref, x->row, v, excel_error_meaning(v));
		return;
	case 'd':
		/* an ISO 8601 date: the day alone when it is midnight */
		if (vlen > 10 && v[10] == 'T' && strspn(v + 11, "0:.") == vlen - 11)
			vlen = 10;
		put_cell(x, v, vlen);
		mark_date(x, vlen == 10);
		return;
	default: {
		if (x->ckind == K_NUMBER && vlen && shortest_already(v, vlen)) {
			put_cell(x, v, vlen);
			return;
		}
		double d;
		kpix_numfmt nf = KPIX_NUMFMT_INIT;
		if (kpix_cast_number(v, vlen, &nf, &d) != 0) {
			put_cell(x, v, vlen);
			return;
		}
		bool date = false;
		if (x->ckind == K_PERCENT)
			percent_text(d, buf);
		else if (x->ckind == K_NUMBER || !serial_text(x, d, x->ckind, buf))
			kpix_format_number(d, buf);
		else
			date = x->ckind == K_DATE;
		put_cell(x, buf, strlen(buf));
		mark_date(x, date);
	}
	}
}

/* --------------------------------------------------------------- the XML */

static void start_text(xlsx_source *x)
{
	kpix_buf_clear(&x->text);
	x->text_seen = 0;
	x->capture = true;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
	xlsx_source *x = ud;
	if (!x->capture || x->skip_depth)
		return;
	x->text_seen += (uint64_t)len;
	size_t room = x->base.opts.max_field_bytes + 1;
	if (x->text.len < room)
		kpix_buf_add(&x->text, s, (size_t)len < room - x->text.len ? (size_t)len
		                                                            : room - x->text.len);
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal)
{
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal;
	xlsx_source *x = ud;
	fatal(x, 0,
	      "the workbook's %s (%s) declares a document type, which no workbook part has; kpix "
	      "refuses it, as a document type can define entities that expand to gigabytes or "
	      "read other files",
	      x->part_what, x->part_name);
}

static void start_rels(xlsx_source *x, const char *el, const char **atts)
{
	if (strcmp(el, "Relationship") != 0)
		return;
	const char *id = attr(atts, "Id"), *target = attr(atts, "Target"), *type = attr(atts, "Type");
	if (!id || !target)
		return;
	x->rels = kpix_xrealloc(x->rels, (x->nrels + 1) * sizeof(*x->rels));
	x->rels[x->nrels++] = (rel){kpix_xstrdup(id), kpix_xstrdup(target),
	                            kpix_xstrdup(type ? type : "")};
}

/* Whether a list of the workbook's that holds n things has room for one
 * more, at most max; when not, reading stops with a message naming what
 * (in the plural). */
static bool room(xlsx_source *x, size_t n, size_t max, const char *what)
{
	if (n < max)
		return true;
	fatal(x, 0, "the workbook has more than %zu %s, more than kpix reads", max, what);
	return false;
}

static void start_workbook(xlsx_source *x, const char *el, const char **atts)
{
	if (strcmp(el, "workbookPr") == 0) {
		const char *d = attr(atts, "date1904");
		x->date1904 = d && (strcmp(d, "1") == 0 || strcmp(d, "true") == 0);
	} else if (strcmp(el, "sheet") == 0) {
		const char *name = attr(atts, "name"), *rid = attr(atts, "id");
		const char *state = attr(atts, "state");
		if (!name || !rid)
			return;
		if (!room(x, x->nsheets, MAX_SHEETS, "sheets"))
			return;
		x->sheets = kpix_xrealloc(x->sheets, (x->nsheets + 1) * sizeof(*x->sheets));
		x->sheets[x->nsheets++] = (sheet_entry){kpix_xstrdup(name), kpix_xstrdup(rid),
		                                        state && strcmp(state, "visible") != 0};
	}
}

static void start_styles(xlsx_source *x, const char *el, const char **atts)
{
	if (strcmp(el, "numFmt") == 0 && !x->in_cellxfs) {
		const char *id = attr(atts, "numFmtId"), *code = attr(atts, "formatCode");
		if (!id || !code)
			return;
		if (!room(x, x->nfmts, MAX_STYLES, "number formats"))
			return;
		x->fmt_id = kpix_xrealloc(x->fmt_id, (x->nfmts + 1) * sizeof(*x->fmt_id));
		x->fmt_kind = kpix_xrealloc(x->fmt_kind, x->nfmts + 1);
		x->fmt_id[x->nfmts] = (uint32_t)strtoul(id, NULL, 10);
		x->fmt_kind[x->nfmts++] = format_kind(code);
	} else if (strcmp(el, "cellXfs") == 0) {
		x->in_cellxfs = true;
	} else if (strcmp(el, "xf") == 0 && x->in_cellxfs) {
		if (!room(x, x->nxf, MAX_STYLES, "cell formats"))
			return;
		const char *id = attr(atts, "numFmtId");
		x->xf_kind = kpix_xrealloc(x->xf_kind, x->nxf + 1);
		x->xf_kind[x->nxf++] = numfmt_kind(x, id ? (uint32_t)strtoul(id, NULL, 10) : 0);
	}
}

/* A string (shared, or inline in a cell) is the text of its <t>s, its
 * own or its runs', without those of its phonetic guide (<rPh>): the
 * start or end of element el inside one. */
static void string_part(xlsx_source *x, const char *el, bool start)
{
	if (strcmp(el, "t") == 0)
		x->capture = start;
	else if (strcmp(el, "rPh") == 0 && (start || x->skip_depth > 0))
		x->skip_depth += start ? 1 : -1;
}

static void start_strings(xlsx_source *x, const char *el)
{
	if (strcmp(el, "si") == 0) {
		start_text(x);
		x->capture = false;
	} else {
		string_part(x, el, true);
	}
}

static void end_strings(xlsx_source *x, const char *el)
{
	if (strcmp(el, "si") != 0) {
		string_part(x, el, false);
		return;
	}
	x->capture = false;
	if (x->nsst + 2 > x->sst_cap) {
		if (x->nsst + 1 >= MAX_STRINGS) {
			fatal(x, 0, "the workbook has more than %" PRIu64 " shared strings (distinct "
			            "texts), more than kpix reads",
			      MAX_STRINGS - 1);
			return;
		}
		x->sst_cap = x->sst_cap ? x->sst_cap * 2 : 1024;
		x->sst_off = kpix_xrealloc(x->sst_off, x->sst_cap * sizeof(*x->sst_off));
	}
	/* over the cap, the string keeps one byte more than it, which marks
	 * it as too long where it is used */
	if (x->text_seen == x->text.len)
		unescape_x(&x->text);
	size_t keep = x->text.len;
	if (x->sst.len + keep + 1 > MAX_STRINGS_BYTES) {
		fatal(x, 0, "the workbook's shared strings (its distinct texts) hold more than %" PRIu64
		            " MiB, more than kpix keeps in memory",
		      MAX_STRINGS_BYTES >> 20);
		return;
	}
	if (!x->nsst)
		x->sst_off[0] = 0;
	kpix_buf_add(&x->sst, x->text.data ? x->text.data : "", keep);
	kpix_buf_addc(&x->sst, '\0');
	x->sst_off[++x->nsst] = x->sst.len;
}

static void start_sheet(xlsx_source *x, const char *el, const char **atts)
{
	if (!x->in_data) {
		if (strcmp(el, "sheetData") == 0) {
			x->in_data = true;
		} else if (strcmp(el, "mergeCell") == 0) {
			const char *r = attr(atts, "ref");
			const char *colon = r ? strchr(r, ':') : NULL;
			uint32_t c1, c2;
			uint64_t r1, r2;
			char a[16];
			if (!colon || (size_t)(colon - r) >= sizeof(a))
				return;
			memcpy(a, r, (size_t)(colon - r));
			a[colon - r] = '\0';
			if (parse_ref(a, &c1, &r1) != 0 || parse_ref(colon + 1, &c2, &r2) != 0 ||
			    (c1 == c2 && r1 == r2) || !x->h->on_problem ||
			    ++x->merges > MAX_MERGES_REPORTED)
				return;
			char msg[256];
			snprintf(msg, sizeof(msg),
			         "cells %s%s are merged: Excel keeps the value in %s only, and kpix "
			         "reads the other cells as empty; unmerge them and fill in each cell",
			         x->where, r, a);
			x->h->on_problem(x->h->ctx, "merged-cells", KPIX_SEVERITY_WARNING, r1, c1, NULL,
			                 msg);
		}
		return;
	}
	if (strcmp(el, "row") == 0) {
		if (x->in_row)
			end_row(x);
		const char *r = attr(atts, "r");
		uint64_t n = x->row + 1;
		if (r) {
			char *end;
			errno = 0;
			unsigned long long v = strtoull(r, &end, 10);
			if (*end || errno || !*r || *r == '-' || v > EXCEL_ROWS || v == 0) {
				fatal(x, x->row, "the sheet %.*s has a row numbered '%s', and a sheet's rows "
				                 "go from 1 to %u; the workbook is damaged",
				      (int)strlen(x->where) - 1, x->where, r, EXCEL_ROWS);
				return;
			}
			n = v;
		}
		if (n <= x->row || n > EXCEL_ROWS) {
			fatal(x, x->row, "row %" PRIu64 " of the sheet %.*s comes after row %" PRIu64
			                 ", where rows are kept in order; the workbook is damaged",
			      n, (int)strlen(x->where) - 1, x->where, x->row);
			return;
		}
		x->row = n;
		x->in_row = true;
		x->col = 0;
		x->row_content = false;
		x->row_malformed = false;
		x->row_seen = 0;
		return;
	}
	if (!x->in_row)
		return;
	if (strcmp(el, "c") == 0) {
		const char *r = attr(atts, "r"), *t = attr(atts, "t"), *s = attr(atts, "s");
		uint32_t col = x->col + 1;
		x->cell_ok = false;
		if (r) {
			uint64_t row;
			if (parse_ref(r, &col, &row) != 0) {
				fatal(x, x->row, "the sheet %.*s has a cell '%s', which is not a cell "
				                 "between A1 and XFD1048576; the workbook is damaged",
				      (int)strlen(x->where) - 1, x->where, r);
				return;
			}
			if (row != x->row) {
				fatal(x, x->row, "the sheet %.*s has the cell %s inside row %" PRIu64
				                 "; the workbook is damaged",
				      (int)strlen(x->where) - 1, x->where, r, x->row);
				return;
			}
		} else if (col > EXCEL_COLS) {
			fatal(x, x->row, "row %" PRIu64 " of the sheet %.*s goes beyond column XFD, the "
			                 "last a sheet has; the workbook is damaged",
			      x->row, (int)strlen(x->where) - 1, x->where);
			return;
		}
		if (col <= x->col) {
			char before[8];
			kpix_column_letters(x->col, before);
			cell_problem(x, "workbook-error", KPIX_SEVERITY_ERROR, col, NULL,
			             "%s%s comes after %s%" PRIu64 " in the workbook, where cells are "
			             "kept in order; the workbook is damaged, and the row is not checked",
			             x->where, r ? r : "?", before, x->row);
			return;
		}
		x->col = col;
		if (col > x->row_seen)
			x->row_seen = col;
		x->cell_ok = true;
		x->ctype = !t || strcmp(t, "n") == 0 ? 'n'
		         : strcmp(t, "s") == 0       ? 's'
		         : strcmp(t, "str") == 0     ? 'S'
		         : strcmp(t, "inlineStr") == 0 ? 'i'
		         : strcmp(t, "b") == 0       ? 'b'
		         : strcmp(t, "e") == 0       ? 'e'
		         : strcmp(t, "d") == 0       ? 'd'
		                                     : 'S';
		unsigned long xf = s ? strtoul(s, NULL, 10) : 0;
		x->ckind = xf < x->nxf ? x->xf_kind[xf] : K_NUMBER;
		x->has_f = x->has_v = false;
		kpix_buf_clear(&x->text);
		x->text_seen = 0;
	} else if (!x->cell_ok) {
		return;
	} else if (strcmp(el, "v") == 0) {
		start_text(x);
	} else if (strcmp(el, "f") == 0) {
		x->has_f = true;
	} else if (strcmp(el, "is") == 0) {
		start_text(x);
		x->capture = false;
	} else {
		string_part(x, el, true);
	}
}

static void end_sheet(xlsx_source *x, const char *el)
{
	if (!x->in_data)
		return;
	if (strcmp(el, "sheetData") == 0) {
		if (x->in_row)
			end_row(x);
		x->in_data = false;
	} else if (strcmp(el, "row") == 0) {
		end_row(x);
	} else if (strcmp(el, "c") == 0) {
		end_cell(x);
		x->cell_ok = false;
	} else if (strcmp(el, "v") == 0) {
		x->capture = false;
		x->has_v = true;
	} else if (x->cell_ok) {
		string_part(x, el, false);
	}
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	xlsx_source *x = ud;
	if (x->stop)
		return;
	const char *el = local(name);
	switch (x->part) {
	case P_RELS:
		start_rels(x, el, atts);
		break;
	case P_WORKBOOK:
		start_workbook(x, el, atts);
		break;
	case P_STYLES:
		start_styles(x, el, atts);
		break;
	case P_STRINGS:
		start_strings(x, el);
		break;
	case P_SHEET:
		start_sheet(x, el, atts);
		break;
	}
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	xlsx_source *x = ud;
	if (x->stop)
		return;
	const char *el = local(name);
	if (x->part == P_STRINGS)
		end_strings(x, el);
	else if (x->part == P_SHEET)
		end_sheet(x, el);
	else if (x->part == P_STYLES && strcmp(el, "cellXfs") == 0)
		x->in_cellxfs = false;
}

/* -------------------------------------------------------------- the parts */

/* Parses the archive's member name, a part of kind (what it is, for
 * messages), through the handlers above, at most cap bytes. Returns 0 when
 * it was read to its end, 1 when the archive has no such member, -1 when
 * reading stopped (a source-error was reported, or on_record said stop). */
static int parse_part(xlsx_source *x, const char *name, part_kind kind, const char *what,
                      uint64_t cap)
{
	if (unzLocateFile(x->zf, name, 2) != UNZ_OK)
		return 1;
	unz_file_info64 fi;
	if (unzGetCurrentFileInfo64(x->zf, &fi, NULL, 0, NULL, 0, NULL, 0) != UNZ_OK) {
		fatal(x, 0, "the workbook is damaged: kpix cannot read the entry of its %s (%s)", what,
		      name);
		return -1;
	}
	if (fi.flag & 1) {
		fatal(x, 0, "the workbook's %s (%s) is encrypted; save the workbook without a "
		            "password",
		      what, name);
		return -1;
	}
	if (fi.compression_method != 0 && fi.compression_method != Z_DEFLATED) {
		fatal(x, 0, "the workbook's %s (%s) is compressed with method %lu, which Excel does "
		            "not use and kpix does not read; save the workbook from Excel again",
		      what, name, fi.compression_method);
		return -1;
	}
	uint64_t limit = cap;
	if (fi.uncompressed_size > limit) {
		fatal(x, 0, "the workbook's %s (%s) says it holds %" PRIu64 " bytes, more than the "
		            "%" PRIu64 " MiB kpix reads in it",
		      what, name, (uint64_t)fi.uncompressed_size, cap >> 20);
		return -1;
	}
	if (unzOpenCurrentFile(x->zf) != UNZ_OK) {
		fatal(x, 0, "the workbook is damaged: kpix cannot open its %s (%s)", what, name);
		return -1;
	}
	x->xp = XML_ParserCreate(NULL);
	if (!x->xp)
		kpix_out_of_memory(0);
	XML_SetUserData(x->xp, x);
	XML_SetElementHandler(x->xp, on_start, on_end);
	XML_SetCharacterDataHandler(x->xp, on_text);
	XML_SetStartDoctypeDeclHandler(x->xp, on_doctype);
	x->part = kind;
	x->part_name = name;
	x->part_what = what;
	x->capture = false;
	x->skip_depth = 0;
	char *buf = kpix_xmalloc(CHUNK);
	uint64_t total = 0, next_progress = PROGRESS_EVERY;
	for (;;) {
		int n = unzReadCurrentFile(x->zf, buf, CHUNK);
		if (n < 0) {
			fatal(x, x->row, "the workbook is damaged or cut short: its %s (%s) cannot be "
			                 "uncompressed (minizip error %d)",
			      what, name, n);
			break;
		}
		total += (uint64_t)n;
		x->part_bytes = total;
		if (total > cap) {
			fatal(x, x->row, "the workbook's %s (%s) holds more than the %" PRIu64 " MiB kpix "
			                 "reads in it",
			      what, name, cap >> 20);
			break;
		}
		if (total > RATIO_FREE && total / (fi.compressed_size ? fi.compressed_size : 1) > MAX_RATIO) {
			fatal(x, x->row, "the workbook's %s (%s) uncompresses to more than %d times its "
			                 "size, as a 'zip bomb' does and no real workbook does; kpix "
			                 "stopped reading it",
			      what, name, MAX_RATIO);
			break;
		}
		if (XML_Parse(x->xp, buf, n, n == 0) == XML_STATUS_ERROR) {
			if (!x->stop)
				fatal(x, x->row, "the workbook is damaged: its %s (%s) is not well-formed "
				                 "XML (%s, at line %lu, column %lu)",
				      what, name, XML_ErrorString(XML_GetErrorCode(x->xp)),
				      (unsigned long)XML_GetCurrentLineNumber(x->xp),
				      (unsigned long)XML_GetCurrentColumnNumber(x->xp) + 1);
			break;
		}
		if (x->stop || n == 0)
			break;
		if (kind == P_SHEET && x->base.opts.progress && total >= next_progress) {
			x->base.opts.progress(x->base.opts.progress_ctx, x->name, total,
			                      fi.uncompressed_size);
			next_progress += PROGRESS_EVERY;
		}
	}
	free(buf);
	XML_ParserFree(x->xp);
	x->xp = NULL;
	int crc = unzCloseCurrentFile(x->zf);
	if (!x->stop && crc != UNZ_OK)
		fatal(x, x->row, "the workbook is damaged: its %s (%s) does not match its checksum",
		      what, name);
	return x->stop ? -1 : 0;
}

/* The member a relationship's target names, from the folder dir of the
 * part it belongs to ("xl/"); newly allocated. */
static char *resolve(const char *dir, const char *target)
{
	kpix_buf b = KPIX_BUF_INIT;
	if (*target == '/')
		target++;
	else
		kpix_buf_adds(&b, dir);
	kpix_buf_adds(&b, target);
	/* drop "./" and fold "x/../" */
	char *s = b.data ? b.data : kpix_xstrdup("");
	if (!b.data)
		return s;
	char *o = s;
	for (char *p = s; *p;) {
		if (strncmp(p, "./", 2) == 0) {
			p += 2;
		} else if (strncmp(p, "../", 3) == 0) {
			if (o > s) {
				o--;
				while (o > s && o[-1] != '/')
					o--;
			}
			p += 3;
		} else {
			while (*p && *p != '/')
				*o++ = *p++;
			if (*p)
				*o++ = *p++;
		}
	}
	*o = '\0';
	return s;
}

static void free_rels(xlsx_source *x)
{
	for (size_t i = 0; i < x->nrels; i++) {
		free(x->rels[i].id);
		free(x->rels[i].target);
		free(x->rels[i].type);
	}
	free(x->rels);
	x->rels = NULL;
	x->nrels = 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The first relationship whose type ends with suffix, or whose id is id;
 * NULL when there is none. Owned by x->rels. */
static const rel *find_rel(const xlsx_source *x, const char *suffix, const char *id)
{
	for (size_t i = 0; i < x->nrels; i++) {
		const rel *r = &x->rels[i];
		if ((id && strcmp(r->id, id) == 0) || (suffix && ends_with(r->type, suffix)))
			return r;
	}
	return NULL;
}

static bool has_member(xlsx_source *x, const char *name)
{
	return unzLocateFile(x->zf, name, 2) == UNZ_OK;
}

/* A zip archive that is not an Excel workbook: one sentence saying what it
 * is and what to do. */
static void not_a_workbook(xlsx_source *x, const char *office)
{
	char mime[80] = "";
	if (unzLocateFile(x->zf, "mimetype", 1) == UNZ_OK && unzOpenCurrentFile(x->zf) == UNZ_OK) {
		int n = unzReadCurrentFile(x->zf, mime, sizeof(mime) - 1);
		mime[n > 0 ? n : 0] = '\0';
		unzCloseCurrentFile(x->zf);
	}
	size_t ol = office ? strlen(office) : 0;
	if (strncmp(mime, "application/vnd.oasis.opendocument.spreadsheet", 46) == 0)
		fatal(x, 0, "the file is an OpenDocument spreadsheet (.ods), which kpix does not read; "
		            "open it in LibreOffice Calc or Excel and save it as 'Excel 2007-365 "
		            "(.xlsx)' or as CSV (UTF-8, comma separated)");
	else if (strncmp(mime, "application/vnd.oasis.opendocument", 34) == 0)
		fatal(x, 0, "the file is an OpenDocument document (%s), not a spreadsheet; kpix reads "
		            ".xlsx workbooks and CSV files",
		      mime);
	else if ((ol > 4 && strcmp(office + ol - 4, ".bin") == 0) || has_member(x, "xl/workbook.bin"))
		fatal(x, 0, "the file is an Excel binary workbook (.xlsb), which kpix does not read; "
		            "open it in Excel and save it as 'Excel Workbook (.xlsx)' or 'CSV UTF-8 "
		            "(Comma delimited)'");
	else if (has_member(x, "word/document.xml"))
		fatal(x, 0, "the file is a Word document, not a spreadsheet; kpix reads .xlsx "
		            "workbooks and CSV files");
	else if (has_member(x, "ppt/presentation.xml"))
		fatal(x, 0, "the file is a PowerPoint presentation, not a spreadsheet; kpix reads "
		            ".xlsx workbooks and CSV files");
	else
		fatal(x, 0, "the file is a zip archive but not an Excel workbook (it has no "
		            "xl/workbook.xml); kpix reads .xlsx workbooks and CSV files: take the "
		            "table out of the archive, or save the workbook from Excel as .xlsx");
}

char *kpix_xlsx_sheet_prefix(const char *name)
{
	bool plain = *name && !(*name >= '0' && *name <= '9');
	for (const char *p = name; *p; p++)
		plain = plain && (((unsigned char)*p >= 0x80) || (*p >= 'A' && *p <= 'Z') ||
		                  (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
		                  *p == '.');
	kpix_buf b = KPIX_BUF_INIT;
	if (!plain)
		kpix_buf_addc(&b, '\'');
	for (const char *p = name; *p; p++) {
		if (*p == '\'' && !plain)
			kpix_buf_addc(&b, '\'');
		kpix_buf_addc(&b, *p);
	}
	kpix_buf_adds(&b, plain ? "!" : "'!");
	return kpix_buf_detach(&b);
}

/* The sheet to read: named, or KPIX_WORKBOOK_SHEET when visible, or the
 * first visible one. -1 (reported) when the named one is missing. */
static long pick_sheet(xlsx_source *x)
{
	const char *want = x->base.opts.sheet;
	if (want) {
		for (size_t i = 0; i < x->nsheets; i++)
			if (strcasecmp(x->sheets[i].name, want) == 0)
				return (long)i;
		kpix_buf names = KPIX_BUF_INIT;
		for (size_t i = 0; i < x->nsheets; i++)
			kpix_buf_printf(&names, "%s'%s'", i ? ", " : "", x->sheets[i].name);
		fatal(x, 0, "the workbook has no sheet named '%s'; its sheets are %s", want,
		      names.data ? names.data : "none");
		kpix_buf_free(&names);
		return -1;
	}
	for (size_t i = 0; i < x->nsheets; i++)
		if (!x->sheets[i].hidden && strcasecmp(x->sheets[i].name, KPIX_WORKBOOK_SHEET) == 0)
			return (long)i;
	for (size_t i = 0; i < x->nsheets; i++)
		if (!x->sheets[i].hidden)
			return (long)i;
	if (!x->nsheets) {
		fatal(x, 0, "the workbook has no sheets; it is damaged");
		return -1;
	}
	return 0;
}

/* Hashes the archive's every byte (with the option sha256) and counts them. */
static int hash_input(xlsx_source *x)
{
	kpix_source_info *info = &x->base.info;
	info->bytes = x->in.size;
	if (!x->base.opts.sha256)
		return 0;
	kpix_sha256 h;
	kpix_sha256_init(&h);
	if (x->in.fd < 0) {
		kpix_sha256_update(&h, x->in.mem, x->in.size);
	} else {
		unsigned char *buf = kpix_xmalloc(CHUNK);
		uint64_t at = 0;
		while (at < x->in.size) {
			ssize_t n = pread(x->in.fd, buf, CHUNK, (off_t)at);
			if (n <= 0) {
				free(buf);
				return kpix_fail(KPIX_EIO, "cannot read '%s': %s", x->name,
				                 n < 0 ? strerror(errno) : "the file got shorter");
			}
			kpix_sha256_update(&h, buf, (size_t)n);
			at += (uint64_t)n;
		}
		free(buf);
	}
	kpix_sha256_final(&h, info->sha256);
	return 0;
}

static int xlsx_read(kpix_source *src, const kpix_source_handler *h)
{
	xlsx_source *x = (xlsx_source *)src;
	x->h = h;
	src->info.encoding = "utf-8";
	int rc = hash_input(x);
	if (rc)
		return rc;
	zlib_filefunc64_def io = {zin_open, zin_read, zin_write, zin_tell,
	                          zin_seek, zin_close, zin_error, &x->in};
	x->zf = unzOpen2_64(x->name, &io);
	if (!x->zf) {
		fatal(x, 0, "the file starts as a zip archive (which an .xlsx workbook is) but is "
		            "damaged or cut short: kpix cannot find the archive's list of contents at "
		            "its end; save or download the workbook again");
		return 0;
	}

	/* the workbook part, from the package's relationships */
	char *wb_name = NULL;
	if (parse_part(x, "_rels/.rels", P_RELS, "package relationships", MAX_SMALL_PART) < 0)
		return 0;
	const rel *office = find_rel(x, "/officeDocument", NULL);
	wb_name = resolve("", office ? office->target : "xl/workbook.xml");
	free_rels(x);
	if (!ends_with(wb_name, ".xml") || !has_member(x, wb_name)) {
		not_a_workbook(x, wb_name);
		free(wb_name);
		return 0;
	}
	const char *slash = strrchr(wb_name, '/');
	char *dir = kpix_xstrndup(wb_name, slash ? (size_t)(slash - wb_name) + 1 : 0);
	char *wb_rels = kpix_xasprintf("%s_rels/%s.rels", dir, wb_name + strlen(dir));
	char *strings = NULL, *styles = NULL, *sheet = NULL;
	int r = parse_part(x, wb_name, P_WORKBOOK, "workbook", MAX_SMALL_PART);
	if (r == 0)
		r = parse_part(x, wb_rels, P_RELS, "workbook relationships", MAX_SMALL_PART);
	if (r == 1)
		fatal(x, 0, "the workbook is damaged: it has no %s, which says where its sheets are",
		      wb_rels);
	long pick = r == 0 ? pick_sheet(x) : -1;
	if (pick >= 0) {
		const sheet_entry *se = &x->sheets[pick];
		const rel *target = find_rel(x, NULL, se->rid);
		const rel *t = find_rel(x, "/sharedStrings", NULL);
		strings = t ? resolve(dir, t->target) : NULL;
		t = find_rel(x, "/styles", NULL);
		styles = t ? resolve(dir, t->target) : NULL;
		free(x->where);
		x->where = kpix_xlsx_sheet_prefix(se->name);
		size_t keep = strlen(se->name) < sizeof(src->info.sheet) ? strlen(se->name)
		                                                         : sizeof(src->info.sheet) - 1;
		while (keep && ((unsigned char)se->name[keep] & 0xc0) == 0x80)
			keep--; /* not inside a character */
		memcpy(src->info.sheet, se->name, keep);
		src->info.sheet[keep] = '\0';
		if (!target)
			fatal(x, 0, "the workbook is damaged: it does not say where its sheet '%s' is",
			      se->name);
		else if (!ends_with(target->type, "/worksheet"))
			fatal(x, 0, "the sheet '%s' is a chart or a dialog, not a sheet of cells; name "
			            "the sheet that holds the data",
			      se->name);
		else
			sheet = resolve(dir, target->target);
	}
	if (!x->stop && styles && parse_part(x, styles, P_STYLES, "styles", MAX_SMALL_PART) == 1)
		fatal(x, 0, "the workbook is damaged: its styles part %s is missing", styles);
	if (!x->stop && strings &&
	    parse_part(x, strings, P_STRINGS, "shared strings", MAX_STRINGS_PART) == 1)
		fatal(x, 0, "the workbook is damaged: its shared strings part %s is missing", strings);
	if (!x->stop && sheet) {
		char *what = kpix_xasprintf("sheet '%s'", x->sheets[pick].name);
		if (parse_part(x, sheet, P_SHEET, what, MAX_SHEET_PART) == 1)
			fatal(x, 0, "the workbook is damaged: its sheet '%s' should be at %s, and is not "
			            "there",
			      x->sheets[pick].name, sheet);
		free(what);
	}
	if (!x->stop && x->base.opts.progress)
		x->base.opts.progress(x->base.opts.progress_ctx, x->name, x->in.size, x->in.size);
	src->info.complete = !x->stop;
	free(wb_name);
	free(dir);
	free(wb_rels);
	free(strings);
	free(styles);
	free(sheet);
	return 0;
}

static void xlsx_close(kpix_source *src)
{
	xlsx_source *x = (xlsx_source *)src;
	if (x->zf)
		unzClose(x->zf);
	if (x->owns_fd && x->in.fd >= 0)
		close(x->in.fd);
	free_rels(x);
	for (size_t i = 0; i < x->nsheets; i++) {
		free(x->sheets[i].name);
		free(x->sheets[i].rid);
	}
	free(x->sheets);
	free(x->fmt_id);
	free(x->fmt_kind);
	free(x->xf_kind);
	kpix_buf_free(&x->sst);
	free(x->sst_off);
	kpix_buf_free(&x->text);
	kpix_buf_free(&x->rowtext);
	free(x->cells);
	free(x->out);
	free(x->where);
	free(x->name);
	free(x);
}

static const kpix_source_ops xlsx_ops = {xlsx_read, xlsx_close};

static xlsx_source *new_source(const char *name, const kpix_source_options *opts)
{
	xlsx_source *x = kpix_xcalloc(1, sizeof(*x));
	kpix_source_init(&x->base, &xlsx_ops, opts);
	x->name = kpix_xstrdup(name);
	x->where = kpix_xstrdup("");
	return x;
}

int kpix_xlsx_source_open(kpix_source **out, const char *path, const kpix_source_options *opts)
{
	*out = NULL;
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return kpix_fail(KPIX_EIO, "cannot open '%s': %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		int e = fstat(fd, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		close(fd);
		return kpix_fail(KPIX_EIO, "cannot read '%s': %s", path, strerror(e));
	}
	xlsx_source *x = new_source(path, opts);
	x->in = (zin){fd, NULL, (uint64_t)st.st_size, 0};
	x->owns_fd = true;
	*out = &x->base;
	return 0;
}

int kpix_xlsx_source_open_mem(kpix_source **out, const char *name, const void *data, size_t len,
                              const kpix_source_options *opts)
{
	xlsx_source *x = new_source(name, opts);
	x->in = (zin){-1, data, len, 0};
	*out = &x->base;
	return 0;
}
