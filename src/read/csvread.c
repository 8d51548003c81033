/* csvread.c - the CSV reader over libcsv; see csvread.h for what it adds. */
#define _POSIX_C_SOURCE 200809L
#include "csvread.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "util.h"

#define CHUNK (256 * 1024)
#define PROGRESS_EVERY (16u * 1024 * 1024)

/* Windows-1252 bytes 0x80-0x9F as Unicode code points; the five bytes the
 * code page leaves undefined map to the C1 controls, as Windows does. */
static const uint16_t cp1252_high[32] = {
	0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
	0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
};

typedef enum { ENC_UNDECIDED, ENC_UTF8, ENC_CP1252 } enc_state;

/* Records are handed over in batches: a chunk of the file is parsed, then
 * the records it completed are passed on, so that libcsv's loop and the
 * caller's each run long enough to keep their own branch history and
 * cache (batches of a thousand rows gain much less than whole chunks).
 * A chunk of tiny rows is passed on sooner, once the batch holds this many
 * records and problems, cells or bytes of text, to bound its memory. */
#define BATCH_EVENTS 16384
#define BATCH_CELLS 131072
#define BATCH_BYTES (1024 * 1024)

/* A record or a problem, queued in the order it was found. */
typedef struct {
	const char *code;     /* a problem's code; NULL for a record */
	kpix_severity sev;
	uint32_t col;
	bool malformed;
	uint64_t row;
	size_t first;         /* a record: the index of its first cell */
	size_t ncells, ncells_seen;
	size_t msg, value;    /* a problem: offsets in the batch's texts; value SIZE_MAX for none */
} batch_event;

typedef struct {
	const kpix_csv_config *cfg;
	kpix_csv_stats *stats;
	struct csv_parser parser;
	unsigned char options;

	/* The cells of the batch's records, the current record's included:
	 * cells[i] points into rowbuf, where the cells lie one after another
	 * from its start, each followed by a NUL. When rowbuf moves, the
	 * pointers are set again from the lengths. */
	kpix_buf rowbuf;
	kpix_cell *cells;
	size_t cells_cap;
	size_t ncells;        /* kept in the batch, the current record's included */
	size_t row_first;     /* the current record's first cell */
	size_t ncells_seen;   /* in the current record, as written */
	size_t cells_room;    /* on_field's quick path takes cells up to this index */
	size_t quick_columns; /* of a record, the quick path takes up to this many */
	uint64_t cell_dropped; /* bytes of the cell being read that were let go: it is too large */

	batch_event *events;  /* the batch: records and problems not yet passed on */
	size_t nevents, events_cap;
	kpix_buf texts;       /* the batch's problem messages and values */
	bool cb_stopped;      /* on_record asked to stop: pass on nothing more */

	uint64_t row;         /* number of the record being read */
	int last_term;        /* the terminator that ended the previous record */
	bool row_malformed;
	bool row_too_wide;    /* the row has more cells than max_columns: reported as it ends */
	bool stop;            /* the callback asked to stop, or reading cannot go on */
	bool skip_line;       /* recovering: drop bytes up to the next line end */

	enc_state enc;
	bool had_bom;
	bool saw_non_ascii;
	bool saw_utf8;        /* a cell with valid non-ASCII UTF-8 was read */
	bool check_cells;     /* a byte that is NUL or not ASCII has been fed */
	bool warned_conversion;
	unsigned char delim, quote; /* the dialect's, or ',' and '"' */
	bool skip_space;      /* skipInitialSpace: libcsv drops spaces around unquoted cells */
} reader;

static batch_event *add_event(reader *r)
{
	if (r->nevents == r->events_cap) {
		r->events_cap = r->events_cap ? r->events_cap * 2 : 64;
		r->events = kpix_xrealloc(r->events, r->events_cap * sizeof(*r->events));
	}
	return &r->events[r->nevents++];
}

/* Queues a problem of the record being read; code must outlive the batch. */
static void problem(reader *r, const char *code, kpix_severity sev, uint32_t col,
                    const char *value, const char *msg)
{
	batch_event *ev = add_event(r);
	*ev = (batch_event){code, sev, col, false, r->row, 0, 0, 0, r->texts.len, SIZE_MAX};
	kpix_buf_add(&r->texts, msg, strlen(msg) + 1);
	if (value) {
		ev->value = r->texts.len;
		kpix_buf_add(&r->texts, value, strlen(value) + 1);
	}
}

/* True when the bytes hold a NUL or a non-ASCII byte: exactly the bytes c
 * for which c - 1, as a byte, is 0x7f or more. Written as a maximum over
 * all the bytes, with no early exit, so that compilers can vectorise it. */
static bool has_special(const unsigned char *s, size_t len)
{
	unsigned char most = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char d = (unsigned char)(s[i] - 1);
		most = d > most ? d : most;
	}
	return most >= 0x7f;
}

static void append_cp1252(kpix_buf *b, const unsigned char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned c = s[i];
		if (c >= 0xa0) {
			kpix_buf_addc(b, (char)(0xc0 | (c >> 6)));
			kpix_buf_addc(b, (char)(0x80 | (c & 0x3f)));
		} else if (c >= 0x80) {
			unsigned cp = cp1252_high[c - 0x80];
			if (cp < 0x800) {
				kpix_buf_addc(b, (char)(0xc0 | (cp >> 6)));
				kpix_buf_addc(b, (char)(0x80 | (cp & 0x3f)));
			} else {
				kpix_buf_addc(b, (char)(0xe0 | (cp >> 12)));
				kpix_buf_addc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
				kpix_buf_addc(b, (char)(0x80 | (cp & 0x3f)));
			}
		} else {
			kpix_buf_addc(b, (char)c);
		}
	}
}

/* Reports a cell that is not valid UTF-8, naming the first bad bytes (s,
 * the rest of the cell from them) and where they are in the cell. */
static KPIX_COLD void invalid_utf8(reader *r, const unsigned char *s, size_t len, size_t at,
                                   uint32_t col)
{
	/* the bytes shown: the first bad one and the continuation bytes after it */
	char hex[16] = "";
	size_t n = 1;
	while (n < len && n < 4 && (s[n] & 0xc0) == 0x80)
		n++;
	for (size_t i = 0; i < n; i++)
		snprintf(hex + 3 * i, sizeof(hex) - 3 * i, "%02X ", s[i]);
	hex[3 * n - 1] = '\0';
	char msg[300];
	snprintf(msg, sizeof(msg),
	         "this cell is not valid UTF-8 text%s: at byte %zu of the cell, %s %s %s not make "
	         "a character; %s",
	         r->saw_utf8 ? " although earlier text in the file is" : "", at,
	         n > 1 ? "the bytes" : "the byte", hex, n > 1 ? "do" : "does",
	         r->saw_utf8 ? "the file mixes encodings; save it again as 'CSV UTF-8'"
	                     : "save the file as 'CSV UTF-8'");
	problem(r, "encoding-error", KPIX_SEVERITY_ERROR, col, NULL, msg);
}

/* Appends one cell's bytes that hold a NUL or a non-ASCII byte to the row
 * buffer as UTF-8, deciding the file's encoding at its first non-ASCII
 * cell when the caller left that to us. */
static void append_cell_text(reader *r, const unsigned char *s, size_t len, uint32_t col)
{
	bool ascii = true;
	for (size_t i = 0; i < len && ascii; i++)
		ascii = s[i] < 0x80 && s[i] != 0;
	if (ascii) {
		kpix_buf_add(&r->rowbuf, s, len);
		return;
	}
	const unsigned char *nul = memchr(s, 0, len);
	if (nul) {
		char msg[200];
		snprintf(msg, sizeof(msg),
		         "byte %zu of this cell is a NUL byte, which never appears in text; the "
		         "file may be damaged or not a CSV file at all",
		         (size_t)(nul - s) + 1);
		problem(r, "encoding-error", KPIX_SEVERITY_ERROR, col, NULL, msg);
		r->row_malformed = true;
		/* shown as '?', and each non-ASCII byte as U+FFFD: the cell must
		 * still be UTF-8, whatever the file's encoding */
		for (size_t i = 0; i < len; i++) {
			if (s[i] >= 0x80)
				kpix_buf_adds(&r->rowbuf, "\xef\xbf\xbd");
			else
				kpix_buf_addc(&r->rowbuf, s[i] ? (char)s[i] : '?');
		}
		return;
	}
	r->saw_non_ascii = true;
	if (r->enc == ENC_CP1252) {
		append_cp1252(&r->rowbuf, s, len);
		return;
	}
	size_t bad = kpix_utf8_invalid_at((const char *)s, len);
	if (bad == len) {
		r->saw_utf8 = true;
		if (r->enc == ENC_UNDECIDED)
			r->enc = ENC_UTF8;
		kpix_buf_add(&r->rowbuf, s, len);
		return;
	}
	if (r->enc == ENC_UNDECIDED && r->cfg->encoding == KPIX_ENCODING_AUTO) {
		/* everything before was ASCII, so reading on as Windows-1252 is safe */
		r->enc = ENC_CP1252;
		if (!r->warned_conversion) {
			r->warned_conversion = true;
			problem(r, "encoding-converted", KPIX_SEVERITY_WARNING, col, NULL,
			        "the file is not UTF-8, so kpix read it as Windows-1252 (what Excel "
			        "writes for plain 'CSV') and converted it; save it as 'CSV UTF-8' "
			        "to be sure every character is read as intended");
		}
		append_cp1252(&r->rowbuf, s, len);
		return;
	}
	invalid_utf8(r, s + bad, len - bad, bad + 1, col);
	r->row_malformed = true;
	/* keep the text readable in the report: show each bad byte as U+FFFD */
	size_t i = 0;
	while (i < len) {
		size_t j = i + 1;
		while (j < len && (s[j] & 0xc0) == 0x80 && j - i < 4)
			j++;
		if (kpix_utf8_valid((const char *)s + i, j - i))
			kpix_buf_add(&r->rowbuf, s + i, j - i);
		else
			kpix_buf_adds(&r->rowbuf, "\xef\xbf\xbd");
		i = j;
	}
}

/* Cells this short are copied by on_field's quick path. */
#define SHORT_CELL 16


/* n written with a comma between groups of three digits, as the report
 * reads best: "1,048,576". */
static const char *grouped(uint64_t n, char buf[32])
{
	char digits[24];
	int len = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)n);
	char *o = buf;
	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			*o++ = ',';
		*o++ = digits[i];
	}
	*o = '\0';
	return buf;
}

/* A row with more cells than max_columns, as it ends: reported once, at
 * the first cell past the cap, with the number of cells it has. */
static KPIX_COLD void too_many_cells(reader *r)
{
	char msg[200], a[32], b[32];
	snprintf(msg, sizeof(msg),
	         "this row has %s cells, more than the %s kpix reads in one row; the row is "
	         "not checked",
	         grouped(r->ncells_seen, a), grouped(r->cfg->max_columns, b));
	uint64_t col = (uint64_t)r->cfg->max_columns + 1;
	problem(r, "too-many-columns", KPIX_SEVERITY_ERROR, col > UINT32_MAX ? 0 : (uint32_t)col,
	        NULL, msg);
}

/* Bytes of a cell over max_field_bytes that are kept: its start. */
#define CUT_CELL_KEEP 64

/* A cell of size bytes, over max_field_bytes: reported; returns how much of
 * the len bytes at s is kept: at most CUT_CELL_KEEP, not ending inside a
 * UTF-8 character. */
static KPIX_COLD size_t cut_cell(reader *r, uint64_t size, const unsigned char *s, size_t len)
{
	char msg[200], a[32], b[32];
	snprintf(msg, sizeof(msg),
	         "this cell holds %s bytes, more than the %s kpix accepts in one cell; "
	         "the row is not checked",
	         grouped(size, a), grouped(r->cfg->max_field_bytes, b));
	problem(r, "field-too-large", KPIX_SEVERITY_ERROR, (uint32_t)r->ncells_seen, NULL, msg);
	r->row_malformed = true;
	if (len <= CUT_CELL_KEEP)
		return len;
	size_t keep = CUT_CELL_KEEP;
	while (keep > 0 && (s[keep] & 0xc0) == 0x80)
		keep--;
	return keep;
}

/* Works out cells_room: on_field's quick path may add cells up to it while
 * the cells array has room and the record stays within quick_columns.
 * Called whenever one of these changes. */
static inline void set_room(reader *r)
{
	size_t room = r->row_first + r->quick_columns;
	r->cells_room = room < r->cells_cap ? room : r->cells_cap;
	if (r->cell_dropped) /* the cell being read must be reported as it ends */
		r->cells_room = 0;
}

/* Stops reading: nothing more is kept or passed on. */
static void halt(reader *r)
{
	r->stop = true;
	r->quick_columns = 0;
	set_room(r);
}

static KPIX_COLD void grow_cells(reader *r)
{
	r->cells_cap = r->cells_cap ? r->cells_cap * 2 : 32;
	r->cells = kpix_xrealloc(r->cells, r->cells_cap * sizeof(*r->cells));
}

/* Makes room for n more bytes in the row buffer. When that moves the
 * buffer, the cells are pointed at their new place. */
static void reserve(reader *r, size_t n)
{
	if (r->rowbuf.len + n < r->rowbuf.cap)
		return;
	kpix_buf_grow(&r->rowbuf, n);
	const char *p = r->rowbuf.data;
	for (size_t i = 0; i < r->ncells; i++) {
		r->cells[i].data = p;
		p += r->cells[i].len + 1;
	}
}

/* on_field for every cell its quick path does not take: a cell past the
 * cap on cells, a long cell, a cell of a file that has shown a NUL or a
 * non-ASCII byte (checked, and converted where it needs to be), or a cell
 * that needs the row buffer or the cells array to grow. */
static KPIX_NOINLINE void add_other_cell(reader *r, const unsigned char *s, size_t len)
{
	if (r->stop)
		return;
	uint64_t size = r->cell_dropped + len;
	if (r->cell_dropped) {
		r->cell_dropped = 0;
		set_room(r);
	}
	r->ncells_seen++;
	if (r->ncells - r->row_first >= r->cfg->max_columns) {
		r->row_too_wide = true;
		r->row_malformed = true;
		return;
	}
	if (r->ncells == r->cells_cap)
		grow_cells(r);
	if (!s)
		s = (const unsigned char *)"";
	if (size > r->cfg->max_field_bytes)
		len = cut_cell(r, size, s, len);
	size_t start = r->rowbuf.len;
	if (!r->check_cells || !has_special(s, len)) {
		reserve(r, len + 1);
		if (len)
			memcpy(r->rowbuf.data + start, s, len);
		r->rowbuf.data[start + len] = '\0';
		r->rowbuf.len = start + len + 1;
	} else {
		/* a converted byte takes at most 3 (a Windows-1252 character or
		 * U+FFFD): with room made first, the buffer does not move */
		reserve(r, 3 * len + 1);
		append_cell_text(r, s, len, (uint32_t)(r->ncells - r->row_first + 1));
		kpix_buf_addc(&r->rowbuf, '\0');
	}
	r->cells[r->ncells] = (kpix_cell){r->rowbuf.data + start, r->rowbuf.len - start - 1};
	r->ncells++;
	set_room(r);
}

/* Called by libcsv for every cell. The common case, a short cell of a
 * plain ASCII file with room for it, is copied here at once. */
static void on_field(void *data, size_t len, void *vr)
{
	reader *r = vr;
	size_t start = r->rowbuf.len;
	const unsigned char *s = data;
	if (r->ncells < r->cells_room && len <= SHORT_CELL && start + SHORT_CELL < r->rowbuf.cap &&
	    !(r->check_cells && has_special(s, len))) {
		char *dst = r->rowbuf.data + start;
		kpix_copy_short(dst, s, len); /* len <= SHORT_CELL, 16 */
		dst[len] = '\0';
		r->rowbuf.len = start + len + 1;
		r->cells[r->ncells++] = (kpix_cell){dst, len};
		r->ncells_seen++;
		return;
	}
	add_other_cell(r, s, len);
}

/* Passes on the batch's records and problems in the order they were found,
 * until on_record asks to stop; keeps the cells of the record being read. */
static void flush(reader *r)
{
	size_t done_len = r->row_first < r->ncells
	                      ? (size_t)(r->cells[r->row_first].data - r->rowbuf.data)
	                      : r->rowbuf.len;
	const kpix_csv_config *cfg = r->cfg;
	for (size_t i = 0; i < r->nevents && !r->cb_stopped; i++) {
		const batch_event *ev = &r->events[i];
		if (ev->code) {
			if (cfg->on_problem)
				cfg->on_problem(cfg->ctx, ev->code, ev->sev, ev->row, ev->col,
				                ev->value == SIZE_MAX ? NULL : r->texts.data + ev->value,
				                r->texts.data + ev->msg);
			continue;
		}
		/* no cell yet: no array, and NULL + 0 is undefined */
		kpix_record rec = {r->cells ? r->cells + ev->first : NULL, ev->ncells,
		                   ev->ncells_seen, ev->row, ev->malformed};
		r->stats->records++;
		if (cfg->on_record && cfg->on_record(cfg->ctx, &rec) != 0) {
			r->cb_stopped = true;
			halt(r);
		}
	}
	r->nevents = 0;
	kpix_buf_clear(&r->texts);
	/* the record being read moves to the start */
	size_t keep = r->rowbuf.len - done_len;
	if (done_len) {
		memmove(r->rowbuf.data, r->rowbuf.data + done_len, keep);
		r->rowbuf.len = keep;
		r->rowbuf.data[keep] = '\0';
	}
	for (size_t i = r->row_first; i < r->ncells; i++)
		r->cells[i - r->row_first] = (kpix_cell){r->cells[i].data - done_len, r->cells[i].len};
	r->ncells -= r->row_first;
	r->row_first = 0;
	set_room(r);
}

static void finish_record(reader *r)
{
	if (r->row_too_wide)
		too_many_cells(r);
	batch_event *ev = add_event(r);
	*ev = (batch_event){NULL, KPIX_SEVERITY_ERROR, 0, r->row_malformed, r->row, r->row_first,
	                    r->ncells - r->row_first, r->ncells_seen, 0, 0};
	r->row_first = r->ncells;
	r->ncells_seen = 0;
	r->row_malformed = r->row_too_wide = false;
	r->row++;
	if (r->nevents >= BATCH_EVENTS || r->ncells >= BATCH_CELLS || r->rowbuf.len >= BATCH_BYTES)
		flush(r);
	else
		set_room(r);
}

static void on_row(int c, void *vr)
{
	reader *r = vr;
	if (r->stop)
		return;
	bool empty = r->ncells_seen == 0;
	if (empty && c == '\n' && r->last_term == '\r') {
		/* the LF of a CRLF whose CR already ended the record */
		r->last_term = c;
		return;
	}
	r->last_term = c;
	finish_record(r);
}

/* libcsv drops spaces and tabs around unquoted cells; this space test keeps
 * them, as kpix reports stray spaces rather than hiding them. */
static int never_space(unsigned char c)
{
	(void)c;
	return 0;
}

/* For skipInitialSpace: libcsv skips what this calls a space before a
 * cell, and after an unquoted one. */
static int plain_space(unsigned char c)
{
	return c == ' ';
}

static void init_parser(reader *r)
{
	r->options = CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL;
	csv_init(&r->parser, r->options);
	csv_set_delim(&r->parser, r->delim);
	csv_set_quote(&r->parser, r->quote);
	csv_set_space_func(&r->parser, r->skip_space ? plain_space : never_space);
	csv_set_blk_size(&r->parser, 64 * 1024);
}

/* Drops the record being read after a quoting problem, and skips the rest of
 * its line so that reading can resume with the next one. */
static void recover(reader *r, const char *code, const char *msg)
{
	problem(r, code, KPIX_SEVERITY_ERROR, (uint32_t)(r->ncells_seen + 1), NULL, msg);
	r->row_malformed = true;
	csv_free(&r->parser);
	init_parser(r);
	r->skip_line = true;
	r->cell_dropped = 0;
	set_room(r);
}

/* A cell still being read has grown past max_field_bytes: lets go of its
 * bytes after the first CUT_CELL_KEEP, so that memory stays bounded
 * however large the cell is, and counts them. libcsv reads on as before
 * (a quoted cell to its closing quote, line breaks and all), and the cell
 * is reported with its full size as it ends. libcsv keeps its position
 * in the cell only in entry_pos between calls, so lowering it is safe; its
 * count of trailing spaces is always 0 here, as kpix's space test never
 * answers yes and libcsv's own runs only on chunks without spaces. */
static KPIX_COLD void drop_cell_bytes(reader *r)
{
	if (r->parser.entry_pos <= CUT_CELL_KEEP)
		return; /* a cap below CUT_CELL_KEEP: the cell is reported as it ends */
	r->cell_dropped += r->parser.entry_pos - CUT_CELL_KEEP;
	r->parser.entry_pos = CUT_CELL_KEEP;
	set_room(r);
}

static void parse(reader *r, const unsigned char *data, size_t len)
{
	/* Cells are checked one by one only once the file has shown a byte that
	 * needs it; a cell that started in an earlier chunk ends in this one,
	 * so it is checked too. */
	if (!r->check_cells && has_special(data, len))
		r->check_cells = true;
	/* never_space is a call per byte of every unquoted cell. On bytes
	 * that hold no space or tab it answers as libcsv's own inlined test
	 * does, and with either test libcsv's count of trailing spaces stays
	 * zero, so the state one call leaves to the next is the same whichever
	 * test each call used: such a chunk is parsed with libcsv's test. */
	int (*space)(unsigned char) =
		r->skip_space ? plain_space
		: memchr(data, ' ', len) || memchr(data, '\t', len) ? never_space : NULL;
	while (len > 0 && !r->stop) {
		if (r->skip_line) {
			size_t i = 0;
			while (i < len && data[i] != '\n' && data[i] != '\r')
				i++;
			if (i == len)
				return;
			/* the line end of the damaged record ends it */
			r->skip_line = false;
			r->last_term = data[i];
			finish_record(r);
			data += i + 1;
			len -= i + 1;
			continue;
		}
		csv_set_space_func(&r->parser, space);
		size_t done = csv_parse(&r->parser, data, len, on_field, on_row, r);
		if (r->stop)
			return;
		if (done < len || csv_error(&r->parser) != CSV_SUCCESS) {
			if (csv_error(&r->parser) == CSV_EPARSE) {
				recover(r, "malformed-quote",
				        "a double quote is out of place in this row: a cell that contains "
				        "a quote must be wholly enclosed in quotes, with the quote doubled "
				        "(\"like \"\"this\"\"\"); kpix skipped the rest of the line");
				data += done;
				len -= done;
				continue;
			}
			problem(r, "source-error", KPIX_SEVERITY_ERROR, 0, NULL,
			        "kpix ran out of memory reading this row and stopped reading the file");
			halt(r);
			return;
		}
		if (r->parser.entry_pos > r->cfg->max_field_bytes)
			drop_cell_bytes(r);
		return;
	}
}

/* Parses a chunk of the file and passes on what it completed. */
static void feed(reader *r, const unsigned char *data, size_t len)
{
	parse(r, data, len);
	flush(r);
}

static void parse_end(reader *r)
{
	if (r->stop)
		return;
	if (r->skip_line) {
		finish_record(r);
		return;
	}
	if (csv_fini(&r->parser, on_field, on_row, r) != 0) {
		if (csv_error(&r->parser) == CSV_EPARSE) {
			problem(r, "unclosed-quote", KPIX_SEVERITY_ERROR, (uint32_t)(r->ncells_seen + 1),
			        NULL,
			        "a quoted cell that starts in this row is never closed, so everything "
			        "from here to the end of the file was read as one cell; close the quote");
			r->row_malformed = true;
			/* hand over what was read, so the row is counted and rejected */
			const unsigned char *s = r->parser.entry_buf;
			size_t n = r->parser.entry_pos;
			on_field((void *)s, n, r);
			finish_record(r);
		}
	}
}

/* Ends the file and passes on what remained. */
static void finish(reader *r)
{
	parse_end(r);
	flush(r);
}

static void reader_init(reader *r, const kpix_csv_config *cfg, kpix_csv_stats *stats)
{
	memset(r, 0, sizeof(*r));
	memset(stats, 0, sizeof(*stats));
	r->cfg = cfg;
	r->stats = stats;
	r->row = 1;
	r->last_term = -1;
	/* a cap on cell size below SHORT_CELL needs every cell tested */
	if (cfg->max_field_bytes >= SHORT_CELL)
		r->quick_columns = cfg->max_columns < SIZE_MAX / 2 ? cfg->max_columns : SIZE_MAX / 2;
	r->enc = cfg->encoding == KPIX_ENCODING_CP1252 ? ENC_CP1252
	         : cfg->encoding == KPIX_ENCODING_UTF8 ? ENC_UTF8
	                                               : ENC_UNDECIDED;
	r->delim = cfg->delimiter ? (unsigned char)cfg->delimiter : ',';
	r->quote = cfg->quote ? (unsigned char)cfg->quote : '"';
	r->skip_space = cfg->skip_initial_space;
	init_parser(r);
}

static void reader_done(reader *r)
{
	flush(r); /* what a stop before the end left: a problem with the source */
	csv_free(&r->parser);
	kpix_buf_free(&r->rowbuf);
	kpix_buf_free(&r->texts);
	free(r->events);
	free(r->cells);
	kpix_csv_stats *s = r->stats;
	s->complete = !r->stop;
	if (r->enc == ENC_CP1252)
		s->encoding = "windows-1252";
	else if (r->had_bom)
		s->encoding = "utf-8 with BOM";
	else if (r->saw_non_ascii || r->enc == ENC_UTF8)
		s->encoding = "utf-8";
	else
		s->encoding = "ascii";
}

/* Looks at the first bytes: strips a UTF-8 BOM, refuses UTF-16 (with a
 * BOM, or without one when its first two characters are ASCII) and UTF-32
 * little-endian (its BOM starts as UTF-16's does).
 * Returns how many bytes to skip, or -1 to stop. */
static int sniff(reader *r, const unsigned char *d, size_t len)
{
	if (len >= 3 && d[0] == 0xef && d[1] == 0xbb && d[2] == 0xbf) {
		r->had_bom = true;
		if (r->enc == ENC_UNDECIDED)
			r->enc = ENC_UTF8;
		return 3;
	}
	bool bom16 = len >= 2 && ((d[0] == 0xff && d[1] == 0xfe) || (d[0] == 0xfe && d[1] == 0xff));
	/* without a mark: two characters of plain text, each a byte and a NUL
	 * (little-endian) or a NUL and a byte (big-endian) */
	bool bare16 =
	        len >= 4 && ((d[0] && !d[1] && d[2] && !d[3]) || (!d[0] && d[1] && !d[2] && d[3]));
	if (bom16 || bare16) {
		problem(r, "source-error", KPIX_SEVERITY_ERROR, 0, NULL,
		        bom16 ? "the file is UTF-16 text (Excel's 'Unicode Text'), which kpix does "
		                "not read; save it from Excel as 'CSV UTF-8 (Comma delimited)'"
		              : "the file looks like UTF-16 text without a byte-order mark (every "
		                "other byte is NUL), which kpix does not read; save it from Excel "
		                "as 'CSV UTF-8 (Comma delimited)'");
		halt(r);
		return -1;
	}
	return 0;
}

/* Whether the n bytes at s, a cell of the first line, name one of the
 * fields (quotes around the name allowed). */
static bool names_field(const kpix_csv_config *cfg, const unsigned char *s, size_t n)
{
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		s++;
		n -= 2;
	}
	for (size_t i = 0; i < cfg->nfields; i++)
		if (strlen(cfg->fields[i]) == n && memcmp(cfg->fields[i], s, n) == 0)
			return true;
	return false;
}

/* With no delimiter given: a first line (of the len bytes at d, after any
 * byte-order mark) that has no comma but splits at ';', a tab or '|' into
 * two or more names of fields sets that delimiter, and says so. */
static void guess_delimiter(reader *r, const unsigned char *d, size_t len)
{
	const kpix_csv_config *cfg = r->cfg;
	if (cfg->delimiter || !cfg->nfields)
		return;
	size_t end = 0;
	while (end < len && d[end] != '\n' && d[end] != '\r')
		end++;
	if (memchr(d, ',', end))
		return;
	static const char cands[] = ";\t|";
	for (const char *c = cands; *c; c++) {
		size_t cells = 0, start = 0;
		bool all = memchr(d, *c, end) != NULL;
		for (size_t i = 0; all && i <= end; i++)
			if (i == end || d[i] == (unsigned char)*c) {
				all = names_field(cfg, d + start, i - start);
				cells++;
				start = i + 1;
			}
		if (!all || cells < 2)
			continue;
		r->delim = (unsigned char)*c;
		csv_set_delim(&r->parser, r->delim);
		char msg[300];
		snprintf(msg, sizeof(msg),
		         "the header has no comma but splits at %s into the schema's fields, so kpix "
		         "read the file as separated by %s; say so with --delimiter or a Data "
		         "Package's dialect to be sure",
		         *c == '\t' ? "tabs" : *c == ';' ? "';'" : "'|'",
		         *c == '\t' ? "tabs" : *c == ';' ? "semicolons" : "'|'");
		problem(r, "delimiter-guessed", KPIX_SEVERITY_WARNING, 0, NULL, msg);
		return;
	}
}

static void apply_defaults(kpix_csv_config *c, const kpix_csv_config *in)
{
	*c = *in;
	if (!c->max_field_bytes)
		c->max_field_bytes = 1024 * 1024;
	if (!c->max_columns)
		c->max_columns = 16384;
}

int kpix_csv_read_mem(const char *data, size_t len, const kpix_csv_config *cfg_in,
                      kpix_csv_stats *stats)
{
	kpix_csv_config cfg;
	apply_defaults(&cfg, cfg_in);
	reader r;
	reader_init(&r, &cfg, stats);
	if (cfg.sha256)
		kpix_sha256_hex(data, len, stats->sha256);
	const unsigned char *d = (const unsigned char *)data;
	int skip = sniff(&r, d, len);
	if (skip >= 0)
		guess_delimiter(&r, d + skip, len - (size_t)skip);
	if (skip >= 0) {
		/* feed in chunks so the cell-size cap is checked as for files */
		size_t pos = (size_t)skip;
		while (pos < len && !r.stop) {
			size_t n = len - pos < CHUNK ? len - pos : CHUNK;
			feed(&r, d + pos, n);
			pos += n;
		}
		finish(&r);
	}
	stats->bytes = len;
	reader_done(&r);
	return 0;
}

/* Opens path for reading, refusing a directory; *total is its size, or 0
 * when it is not a regular file. Returns the descriptor, or KPIX_EIO. */
static int open_file(const char *path, uint64_t *total)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return kpix_fail(KPIX_EIO, "cannot open '%s': %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
		int e = S_ISDIR(st.st_mode) ? EISDIR : errno;
		close(fd);
		return kpix_fail(KPIX_EIO, "cannot read '%s': %s", path, strerror(e));
	}
	*total = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
	return fd;
}

/* Reads the file open on fd (named path in messages) from start to end;
 * does not close it. */
static int read_fd(int fd, const char *path, uint64_t total, const kpix_csv_config *cfg_in,
                   kpix_csv_stats *stats)
{
	kpix_csv_config cfg;
	apply_defaults(&cfg, cfg_in);
	reader r;
	reader_init(&r, &cfg, stats);
	unsigned char *buf = kpix_xmalloc(CHUNK);
	uint64_t done = 0, next_progress = PROGRESS_EVERY;
	bool first = true;
	int rc = 0;
	/* the bytes parsed are the bytes hashed: one pass, whole buffers */
	kpix_sha256 hash;
	kpix_sha256_init(&hash);
	while (!r.stop) {
		ssize_t n = read(fd, buf, CHUNK);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = kpix_fail(KPIX_EIO, "cannot read '%s': %s", path, strerror(errno));
			break;
		}
		if (n == 0)
			break;
		if (cfg.sha256)
			kpix_sha256_update(&hash, buf, (size_t)n);
		done += (uint64_t)n;
		size_t skip = 0;
		if (first) {
			int s = sniff(&r, buf, (size_t)n);
			if (s < 0)
				break;
			skip = (size_t)s;
			first = false;
			guess_delimiter(&r, buf + skip, (size_t)n - skip);
		}
		feed(&r, buf + skip, (size_t)n - skip);
		if (cfg.progress && done >= next_progress) {
			cfg.progress(cfg.progress_ctx, path, done, total);
			next_progress = done + PROGRESS_EVERY;
		}
	}
	if (rc == 0)
		finish(&r);
	if (cfg.progress && rc == 0)
		cfg.progress(cfg.progress_ctx, path, done, total);
	stats->bytes = done;
	if (cfg.sha256)
		kpix_sha256_final(&hash, stats->sha256);
	reader_done(&r);
	free(buf);
	return rc;
}

int kpix_csv_read_file(const char *path, const kpix_csv_config *cfg, kpix_csv_stats *stats)
{
	memset(stats, 0, sizeof(*stats));
	uint64_t total;
	int fd = open_file(path, &total);
	if (fd < 0)
		return fd;
	int rc = read_fd(fd, path, total, cfg, stats);
	close(fd);
	return rc;
}

/* ------------------------------------------------------------ the source */

/* A CSV file as a record source (source.h): the file is opened at once,
 * so that a file that cannot be read fails kpix_source_open. */
typedef struct {
	kpix_source base;
	int fd;
	uint64_t total;
	char *path;
} csv_source;

static int csv_source_read(kpix_source *src, const kpix_source_handler *h)
{
	csv_source *cs = (csv_source *)src;
	const kpix_source_options *o = &src->opts;
	kpix_csv_config cfg = {h->on_record, h->on_problem, h->ctx, o->encoding, o->max_field_bytes,
	                       o->max_columns, o->progress, o->progress_ctx, o->sha256,
	                       o->delimiter, o->quote, o->skip_initial_space, o->fields,
	                       o->nfields};
	return read_fd(cs->fd, cs->path, cs->total, &cfg, &src->info);
}

static void csv_source_close(kpix_source *src)
{
	csv_source *cs = (csv_source *)src;
	close(cs->fd);
	free(cs->path);
	free(cs);
}

static const kpix_source_ops csv_source_ops = {csv_source_read, csv_source_close};

int kpix_csv_source_open(kpix_source **out, const char *path, const kpix_source_options *opts)
{
	*out = NULL;
	uint64_t total;
	int fd = open_file(path, &total);
	if (fd < 0)
		return fd;
	csv_source *cs = kpix_xcalloc(1, sizeof(*cs));
	kpix_source_init(&cs->base, &csv_source_ops, opts);
	cs->fd = fd;
	cs->total = total;
	cs->path = kpix_xstrdup(path);
	*out = &cs->base;
	return 0;
}

bool kpix_csv_formula_like(const char *s, size_t len)
{
	if (!len)
		return false;
	if (s[0] && strchr("=+-@\t\r", s[0]))
		return true;
	/* U+FF0B, U+FF0D, U+FF1D and U+FF20 are EF BC 8B, 8D, 9D and A0 */
	return len >= 3 && (unsigned char)s[0] == 0xef && (unsigned char)s[1] == 0xbc &&
	       s[2] && strchr("\x8b\x8d\x9d\xa0", s[2]);
}
