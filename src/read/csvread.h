/* csvread.h - read a CSV file as exported by Excel or a housing system.
 *
 * The one module that knows libcsv. It adds what libcsv lacks: a byte-order
 * mark, row numbers, blank lines reported as rows, Windows-1252
 * detected and converted, invalid UTF-8 found, a cap on the size of a cell
 * and on the number of cells in a row, and recovery from malformed quoting
 * so one bad row does not hide the rest of the file. Cell text is passed
 * exactly as written: no spaces are trimmed.
 */
#ifndef KPIX_CSVREAD_H
#define KPIX_CSVREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kpix/kpix.h"
#include "source.h"

/* Callbacks and options: a kpix_source_handler and kpix_source_options
 * (source.h) in one. on_record returns 0 to go on, non-zero to stop. */
typedef struct {
	int (*on_record)(void *ctx, const kpix_record *rec);
	/* A problem in the file itself (codes: encoding-error, encoding-converted,
	 * malformed-quote, unclosed-quote, field-too-large, too-many-columns,
	 * source-error; the warning delimiter-guessed). column is 0 when unknown; value may be NULL. */
	void (*on_problem)(void *ctx, const char *code, kpix_severity sev, uint64_t row,
	                   uint32_t column, const char *value, const char *message);
	void *ctx;
	kpix_encoding encoding;
	size_t max_field_bytes;
	size_t max_columns;
	kpix_progress_fn progress;
	void *progress_ctx;
	bool sha256;
	/* The dialect, as kpix_source_options has it (source.h): delimiter 0
	 * is ',' unless the header shows another, quote 0 is '"'. The guess:
	 * with no delimiter given and fields given, a first line that holds no
	 * comma but splits at ';', a tab or '|' into two or more cells that
	 * each name a field (quotes around a name allowed) is read with that
	 * delimiter, and a warning "delimiter-guessed" on row 1 says so. */
	char delimiter;
	char quote;
	bool skip_initial_space;
	const char *const *fields;
	size_t nfields;
} kpix_csv_config;

/* What was read. encoding is "utf-8", "utf-8 with BOM", "windows-1252" or
 * "ascii"; complete is false when reading stopped early. */
typedef kpix_source_info kpix_csv_stats;

/* Reads path from start to end, calling cfg->on_record for each record.
 * Returns 0, or KPIX_EIO (message in kpix_error_last) when the file cannot
 * be opened or read; problems in the content go to on_problem. */
int kpix_csv_read_file(const char *path, const kpix_csv_config *cfg, kpix_csv_stats *stats);

/* The same for bytes already in memory (tests, fuzzing). */
int kpix_csv_read_mem(const char *data, size_t len, const kpix_csv_config *cfg,
                      kpix_csv_stats *stats);

/* Opens path as a CSV source (source.h); the options' zero caps mean the
 * defaults, as for kpix_csv_read_file. Returns 0, or KPIX_EIO when the file
 * cannot be opened or is a directory. */
int kpix_csv_source_open(kpix_source **out, const char *path, const kpix_source_options *opts);

/* True when a spreadsheet opening a CSV cell that starts with the len bytes
 * at s could run it as a formula: it starts with =, +, -, @, a tab or a
 * carriage return, or with the full-width forms of the first four (U+FF1D,
 * U+FF0B, U+FF0D, U+FF20), which a spreadsheet may take for them. kpix's CSV
 * writer puts an apostrophe before such text (kpix_csv_cell), and the
 * validator reads a heading so written as the name behind the apostrophe. */
bool kpix_csv_formula_like(const char *s, size_t len);

#endif
