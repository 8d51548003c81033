/* source.h - records read from a file of data, whatever its format.
 *
 * Validation, the schema's reference files and csv-dump read their data
 * through this interface and know nothing of the format underneath. The
 * CSV reader (csvread.h) is the first source, a sheet of an Excel workbook
 * (xlsxread.h) the second; another format is another source: a file that
 * fills in a kpix_source_ops, and the test of the file's first bytes that
 * kpix_source_open picks it by (source.c).
 *
 * A source hands its records over (pushes them) rather than being asked
 * for each: a reader over a parser that calls back, as libcsv and the XML
 * parsers of a workbook do, then passes records on in batches as it
 * finds them, which keeps both loops fast (csvread.c says why).
 *
 * What every source promises its reader:
 *
 * - Records come in file order. The first record of a table is its
 *   header. A record's row is the number a person opening the file would
 *   see: 1 for the first, then one more for each record, with no gaps. A
 *   row the format leaves out (a spreadsheet row with nothing in it) is
 *   still handed over, as a blank record.
 * - Cell i of a record is in column i + 1. A source whose format skips
 *   empty cells hands over empty cells in their place, so that a column's
 *   number is the one its heading has. Cell text is UTF-8, NUL-terminated,
 *   exactly as written: no spaces trimmed, no number reformatted.
 * - A blank record is one with no cells or with only empty cells; it is
 *   handed over like any other, and the reader decides what it means.
 * - A problem in the content (bad encoding, broken quoting, a cell too
 *   large, a row too wide) is not a failure: it goes to on_problem before
 *   the record it belongs to is handed over, with that record's row, the
 *   column (0 when it is not known) and a sentence. The record then has
 *   malformed set, and its cells are not to be checked. A problem that
 *   stops the reading (a file in an encoding kpix does not read, memory
 *   run out) has the code "source-error"; the records before it have
 *   been handed over, and the source's info says complete is false.
 * - Failing to open or to read the file is a failure: kpix_source_open or
 *   kpix_source_read returns KPIX_EIO, and kpix_error_last names the file.
 * - bytes counts every byte read from the file; with the option sha256,
 *   each goes into the info's SHA-256 as it is read, before any is decoded
 *   or skipped.
 */
#ifndef KPIX_SOURCE_H
#define KPIX_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "kpix/kpix.h"

typedef struct {
	const char *data; /* UTF-8, NUL-terminated */
	size_t len;
	bool date;        /* a workbook's date, written as YYYY-MM-DD whatever the cell's format */
} kpix_cell;

typedef struct {
	const kpix_cell *cells; /* cell i is column i + 1; NULL when ncells is 0 */
	size_t ncells;      /* cells kept: at most max_columns */
	size_t ncells_seen; /* cells in the row as written */
	uint64_t row;       /* 1-based: the header is row 1 */
	bool malformed;     /* the row had a problem, already reported: do not check it */
} kpix_record;

/* Where a source hands its records and problems. The record and the
 * strings last for the call only. */
typedef struct {
	/* Returns 0 to go on, non-zero to stop reading. */
	int (*on_record)(void *ctx, const kpix_record *rec);
	/* A problem in the content (see above); NULL to ignore problems.
	 * column is 0 when it is not known; value may be NULL. */
	void (*on_problem)(void *ctx, const char *code, kpix_severity sev, uint64_t row,
	                   uint32_t column, const char *value, const char *message);
	void *ctx;
} kpix_source_handler;

typedef struct {
	kpix_encoding encoding;     /* for a format that does not say its own */
	size_t max_field_bytes;     /* a larger cell is a problem; 0 means 1 MiB */
	size_t max_columns;         /* a wider row is a problem; 0 means 16384 */
	kpix_progress_fn progress;  /* NULL for none */
	void *progress_ctx;
	bool sha256;                /* hash the bytes as they are read, into the info's sha256 */
	const char *sheet;          /* a workbook's sheet to read; NULL: see xlsxread.h */
	/* The CSV dialect (a Data Package's "dialect", --delimiter); zeros are
	 * the defaults. A CSV file with no delimiter given whose header has no
	 * comma but splits at ';', a tab or '|' into names of fields is read
	 * with that one, with a warning "delimiter-guessed" (csvread.h). */
	char delimiter;             /* 0: ',' or the one guessed */
	char quote;                 /* 0: '"' */
	bool skip_initial_space;    /* spaces after a delimiter (and, libcsv's way, at the end
	                             * of an unquoted cell) are not part of the cell */
	unsigned header_rows;       /* how many rows the header spans, their labels joined
	                             * column by column with header_join (" " when NULL): the
	                             * record handed over as the header has the row of the
	                             * last; 0 means 1 */
	const char *header_join;
	bool no_header;             /* the file has no header row: a header naming fields in
	                             * order is handed over first, as row 0 */
	const char *const *fields;  /* the names of the fields the file should hold, nfields
	                             * of them: for no_header and for guessing the delimiter */
	size_t nfields;
} kpix_source_options;

/* What a source has read; final once kpix_source_read has returned.
 * sha256 (with the option of that name; empty without) is of the very
 * bytes the records came from, hashed as they were read, so that a
 * manifest records what was validated even when the file changes
 * afterwards (a second read could see other bytes). With complete it is
 * the file's whole content; without, only what was read. */
typedef struct {
	uint64_t records;      /* records handed over, header and blank rows included */
	uint64_t bytes;        /* bytes of the file read */
	const char *encoding;  /* how the text was written, such as "utf-8"; a literal */
	bool complete;         /* read to the end: not stopped by a source-error or by on_record */
	char sha256[KPIX_SHA256_HEX_SIZE]; /* of the bytes read, every one, a byte-order mark included */
	char sheet[128];       /* of a workbook, the name of the sheet read (at most 31
	                        * characters, Excel's limit, cut beyond that); "" otherwise */
} kpix_source_info;

typedef struct kpix_source kpix_source;

/* What a source does. read hands over every record, in order, to h, and
 * returns 0, or KPIX_EIO when the file could not be read; it is called
 * once. close frees the source. */
typedef struct {
	int (*read)(kpix_source *src, const kpix_source_handler *h);
	void (*close)(kpix_source *src);
} kpix_source_ops;

/* The part every source shares. A source's own struct starts with it;
 * kpix_source_init fills it in, and the source keeps info up to date. */
struct kpix_source {
	const kpix_source_ops *ops;
	kpix_source_options opts; /* with the defaults in place of zeros */
	kpix_source_info info;
};

/* Fills in the shared part: ops, a copy of opts (NULL for the defaults)
 * with a zero cap replaced by its default, and an empty info whose
 * encoding is "ascii". */
void kpix_source_init(kpix_source *src, const kpix_source_ops *ops,
                      const kpix_source_options *opts);

/* Opens the file at path as the source its format needs, judged by its
 * first bytes and never by its name: a zip archive as a workbook
 * (xlsxread.h), a file of a kind kpix knows it does not read (a legacy
 * .xls workbook, a PDF, other binary content) as a source whose reading
 * reports one source-error saying what to do, anything else as CSV.
 * Returns 0, or KPIX_EIO with *out NULL. The caller frees the source with
 * kpix_source_close. */
int kpix_source_open(kpix_source **out, const char *path, const kpix_source_options *opts);

/* Hands every record of the source to h (see above). Returns 0, or
 * KPIX_EIO (message in kpix_error_last) when the file could not be read. */
int kpix_source_read(kpix_source *src, const kpix_source_handler *h);

/* What the source has read: records, bytes, encoding, whether it read to
 * the end. Owned by the source. */
const kpix_source_info *kpix_source_info_get(const kpix_source *src);

/* Opens path, hands its every record to h and closes it: for a reader
 * that needs nothing of the source but its records. Returns 0 or KPIX_EIO. */
int kpix_source_read_file(const char *path, const kpix_source_options *opts,
                          const kpix_source_handler *h);

/* Frees the source. NULL-safe. */
void kpix_source_close(kpix_source *src);

#endif
