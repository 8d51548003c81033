/* source.c - opening a file as the record source its format needs, and
 * what every source shares (see source.h). */
#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvread.h"
#include "jsonw.h"
#include "util.h"
#include "xlsxread.h"

#define DEFAULT_MAX_FIELD_BYTES (1024 * 1024)
#define DEFAULT_MAX_COLUMNS 16384

void kpix_source_init(kpix_source *src, const kpix_source_ops *ops,
                      const kpix_source_options *opts)
{
	memset(src, 0, sizeof(*src));
	src->ops = ops;
	if (opts)
		src->opts = *opts;
	if (!src->opts.max_field_bytes)
		src->opts.max_field_bytes = DEFAULT_MAX_FIELD_BYTES;
	if (!src->opts.max_columns)
		src->opts.max_columns = DEFAULT_MAX_COLUMNS;
	src->info.encoding = "ascii";
}

/* ------------------------------------------------ files that are not data */

/* A file kpix knows is not a table it reads (a legacy Excel workbook, a
 * PDF, a program): reading it reports one source-error, the sentence
 * saying what the file is and what to do, and hands over no record. */
typedef struct {
	kpix_source base;
	const char *why; /* a literal */
} refused_source;

static int refused_read(kpix_source *src, const kpix_source_handler *h)
{
	refused_source *rs = (refused_source *)src;
	if (h->on_problem)
		h->on_problem(h->ctx, "source-error", KPIX_SEVERITY_ERROR, 0, 0, NULL, rs->why);
	src->info.complete = false;
	return 0;
}

static void refused_close(kpix_source *src)
{
	free(src);
}

static const kpix_source_ops refused_ops = {refused_read, refused_close};

/* The files kpix recognises by their first bytes and refuses, each with
 * what to do instead. */
static const struct {
	const char *magic;
	size_t len;
	const char *why;
} refused_kinds[] = {
	{"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8,
	 "the file is in the old Office format of Excel 97-2003 (.xls), or is a workbook "
	 "protected by a password, which Excel saves in that format too; kpix reads .xlsx "
	 "workbooks and CSV files: open it in Excel and save it (without a password) as "
	 "'Excel Workbook (.xlsx)' or 'CSV UTF-8 (Comma delimited)'"},
	{"%PDF-", 5,
	 "the file is a PDF document, not a table of data; kpix reads .xlsx workbooks and CSV "
	 "files: send the spreadsheet the PDF was made from"},
	{"\x1f\x8b", 2,
	 "the file is compressed with gzip; kpix reads .xlsx workbooks and CSV files: "
	 "uncompress it first (gunzip)"},
	{"{\\rtf", 5,
	 "the file is a Rich Text document, not a table of data; kpix reads .xlsx workbooks "
	 "and CSV files"},
	{"\x89PNG", 4, "the file is a PNG picture, not a table of data; kpix reads .xlsx "
	                "workbooks and CSV files"},
	{"\xff\xd8\xff", 3, "the file is a JPEG picture, not a table of data; kpix reads .xlsx "
	                    "workbooks and CSV files"},
	{"\x7f" "ELF", 4, "the file is a program, not a table of data; kpix reads .xlsx "
	                 "workbooks and CSV files"},
	{"7z\xbc\xaf\x27\x1c", 6, "the file is a 7-Zip archive; kpix reads .xlsx workbooks and CSV "
	                         "files: take the table out of the archive first"},
	{"Rar!", 4, "the file is a RAR archive; kpix reads .xlsx workbooks and CSV files: take "
	            "the table out of the archive first"},
};

/* Binary content that is none of the kinds above: more than one byte in
 * four of the file's first 4 KiB (at least 32 bytes) a control character,
 * where text has almost none (a CSV with a stray NUL here and there is
 * left to the CSV reader, which names each). UTF-16 text (NUL in every other byte) is left to the CSV reader,
 * which says how to save it. */
static bool looks_binary(const unsigned char *d, size_t n)
{
	if (n >= 2 && ((d[0] == 0xff && d[1] == 0xfe) || (d[0] == 0xfe && d[1] == 0xff)))
		return false;
	if (n >= 4 && ((d[0] && !d[1] && d[2] && !d[3]) || (!d[0] && d[1] && !d[2] && d[3])))
		return false;
	size_t control = 0;
	for (size_t i = 0; i < n; i++)
		control += (d[i] < 0x20 && d[i] != '\t' && d[i] != '\n' && d[i] != '\r' &&
		            d[i] != '\f') ||
		           d[i] == 0x7f;
	return n >= 32 && control * 4 > n;
}

/* What the first bytes of the file at path say it is: 'z' a zip archive,
 * 'r' a kind refused (*why set), 'c' anything else, read as CSV. A file
 * that cannot be read is left to the CSV reader, which reports it. */
static char sniff(const char *path, const char **why)
{
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return 'c'; /* a pipe is read once, by the CSV reader */
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return 'c';
	unsigned char head[4096];
	ssize_t n = pread(fd, head, sizeof(head), 0);
	close(fd);
	if (n <= 0)
		return 'c';
	size_t len = (size_t)n;
	if (len >= 4 && head[0] == 'P' && head[1] == 'K' &&
	    ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6) ||
	     (head[2] == 7 && head[3] == 8)))
		return 'z';
	for (size_t i = 0; i < sizeof(refused_kinds) / sizeof(refused_kinds[0]); i++)
		if (len >= refused_kinds[i].len &&
		    memcmp(head, refused_kinds[i].magic, refused_kinds[i].len) == 0) {
			*why = refused_kinds[i].why;
			return 'r';
		}
	if (looks_binary(head, len)) {
		*why = "the file is not text: it holds bytes that never appear in a CSV file (NUL and "
		       "other control characters), so it is some other kind of file or is damaged; "
		       "kpix reads .xlsx workbooks and CSV files";
		return 'r';
	}
	return 'c';
}

/* Opens the file at path as the source its first bytes call for: a zip
 * archive as a workbook (xlsxread.h), a kind of file kpix knows it does
 * not read as one sentence saying so, anything else as CSV. The name of
 * the file plays no part: a workbook saved as .csv is still read. */
int kpix_source_open(kpix_source **out, const char *path, const kpix_source_options *opts)
{
	*out = NULL;
	const char *why = NULL;
	switch (sniff(path, &why)) {
	case 'z':
		return kpix_xlsx_source_open(out, path, opts);
	case 'r': {
		refused_source *rs = kpix_xcalloc(1, sizeof(*rs));
		kpix_source_init(&rs->base, &refused_ops, opts);
		rs->why = why;
		*out = &rs->base;
		return 0;
	}
	default:
		return kpix_csv_source_open(out, path, opts);
	}
}

/* ---------------------------------------------------- the header's rows */

/* A header other than one row (source.h: header_rows, no_header): the
 * records pass through this handler, which hands over one header record
 * in their place, then the data as it comes. */
typedef struct {
	const kpix_source_handler *inner;
	const kpix_source_options *o;
	unsigned gathered;     /* header rows read so far */
	bool passing;          /* the header is handed over: pass records on */
	kpix_buf *labels;      /* column by column, the labels joined */
	size_t nlabels;
	uint64_t last_row;
} header_state;

/* Hands over the header gathered (or, with no_header, the fields' names)
 * as a record of row row. Returns what on_record did. */
static int hand_header(header_state *st, uint64_t row)
{
	st->passing = true;
	size_t n = st->o->no_header ? st->o->nfields : st->nlabels;
	kpix_cell *cells = kpix_xcalloc(n ? n : 1, sizeof(*cells));
	for (size_t i = 0; i < n; i++) {
		const char *t = st->o->no_header ? st->o->fields[i] : st->labels[i].data;
		cells[i] = (kpix_cell){t ? t : "", t ? strlen(t) : 0, false};
	}
	kpix_record rec = {n ? cells : NULL, n, n, row, false};
	int rc = st->inner->on_record(st->inner->ctx, &rec);
	free(cells);
	return rc;
}

static int header_record(void *ctx, const kpix_record *rec)
{
	header_state *st = ctx;
	if (st->passing)
		return st->inner->on_record(st->inner->ctx, rec);
	if (st->o->no_header) {
		int rc = hand_header(st, 0);
		return rc ? rc : st->inner->on_record(st->inner->ctx, rec);
	}
	if (rec->ncells > st->nlabels) {
		st->labels = kpix_xrealloc(st->labels, rec->ncells * sizeof(*st->labels));
		for (size_t i = st->nlabels; i < rec->ncells; i++)
			st->labels[i] = (kpix_buf)KPIX_BUF_INIT;
		st->nlabels = rec->ncells;
	}
	const char *join = st->o->header_join ? st->o->header_join : " ";
	for (size_t i = 0; i < rec->ncells; i++) {
		if (!rec->cells[i].len)
			continue;
		if (st->labels[i].len)
			kpix_buf_adds(&st->labels[i], join);
		kpix_buf_add(&st->labels[i], rec->cells[i].data, rec->cells[i].len);
	}
	st->last_row = rec->row;
	if (++st->gathered < st->o->header_rows)
		return 0;
	return hand_header(st, rec->row);
}

static void header_problem(void *ctx, const char *code, kpix_severity sev, uint64_t row,
                           uint32_t column, const char *value, const char *message)
{
	header_state *st = ctx;
	if (st->inner->on_problem)
		st->inner->on_problem(st->inner->ctx, code, sev, row, column, value, message);
}

int kpix_source_read(kpix_source *src, const kpix_source_handler *h)
{
	const kpix_source_options *o = &src->opts;
	if (!(o->no_header && o->nfields) && o->header_rows <= 1)
		return src->ops->read(src, h);
	header_state st = {h, o, 0, false, NULL, 0, 0};
	kpix_source_handler wrap = {header_record, header_problem, &st};
	int rc = src->ops->read(src, &wrap);
	/* a file that ends within its header still has one */
	if (rc == 0 && !st.passing && st.gathered)
		hand_header(&st, st.last_row);
	for (size_t i = 0; i < st.nlabels; i++)
		kpix_buf_free(&st.labels[i]);
	free(st.labels);
	return rc;
}

const kpix_source_info *kpix_source_info_get(const kpix_source *src)
{
	return &src->info;
}

int kpix_source_read_file(const char *path, const kpix_source_options *opts,
                          const kpix_source_handler *h)
{
	kpix_source *src;
	int rc = kpix_source_open(&src, path, opts);
	if (rc == 0)
		rc = kpix_source_read(src, h);
	kpix_source_close(src);
	return rc;
}

void kpix_source_close(kpix_source *src)
{
	if (src)
		src->ops->close(src);
}

/* ------------------------------------------------------------ public API */

typedef struct {
	kpix_record_fn fn;
	void *ctx;
	const char **cells;
	size_t *lens;
	size_t cap;
	bool problem;
} foreach_state;

static int foreach_record(void *vctx, const kpix_record *rec)
{
	foreach_state *st = vctx;
	if (rec->ncells > st->cap) {
		st->cap = rec->ncells;
		st->cells = kpix_xrealloc(st->cells, st->cap * sizeof(*st->cells));
		st->lens = kpix_xrealloc(st->lens, st->cap * sizeof(*st->lens));
	}
	for (size_t i = 0; i < rec->ncells; i++) {
		st->cells[i] = rec->cells[i].data;
		st->lens[i] = rec->cells[i].len;
	}
	return st->fn(st->ctx, rec->row, st->cells, st->lens, rec->ncells);
}

static void foreach_problem(void *vctx, const char *code, kpix_severity sev, uint64_t row,
                            uint32_t column, const char *value, const char *message)
{
	foreach_state *st = vctx;
	(void)value;
	if (sev != KPIX_SEVERITY_ERROR || st->problem)
		return;
	st->problem = true;
	kpix_fail(KPIX_ERROR, "row %llu, column %u: %s: %s", (unsigned long long)row, column, code,
	          message);
}

int kpix_csv_foreach(const char *path, kpix_record_fn fn, void *ctx)
{
	foreach_state st = {fn, ctx, NULL, NULL, 0, false};
	kpix_error_clear();
	kpix_source_handler h = {foreach_record, foreach_problem, &st};
	int rc = kpix_source_read_file(path, NULL, &h);
	free(st.cells);
	free(st.lens);
	if (rc)
		return rc;
	return st.problem ? KPIX_ERROR : 0;
}

static int dump_record(void *ctx, uint64_t row, const char *const *cells, const size_t *lens,
                       size_t n)
{
	kpix_jsonw *w = ctx;
	(void)row;
	kpix_jsonw_array(w);
	for (size_t i = 0; i < n; i++)
		kpix_jsonw_stringn(w, cells[i], lens[i]);
	kpix_jsonw_end(w);
	return 0;
}

int kpix_csv_dump_json(const char *path, FILE *out)
{
	kpix_jsonw *w = kpix_jsonw_new(NULL, 0);
	kpix_jsonw_array(w);
	int rc = kpix_csv_foreach(path, dump_record, w);
	if (rc == 0) {
		kpix_jsonw_end(w);
		kpix_jsonw_raw(w, "\n");
		size_t len;
		const char *text = kpix_jsonw_text(w, &len);
		if (fwrite(text, 1, len, out) != len)
			rc = kpix_fail(KPIX_EIO, "cannot write the records of '%s': %s", path,
			               strerror(errno));
	}
	kpix_jsonw_free(w);
	return rc;
}
