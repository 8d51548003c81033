/* kpix.h - validate KPI returns against versioned submission schemas.
 *
 * The library never prints and never exits. A function that can fail
 * returns 0 on success or a negative KPIX_E* code, and the sentence that
 * explains the failure is fetched with kpix_error_last(). Problems found in
 * the data are not failures: they are diagnostics, returned as data in a
 * kpix_report.
 *
 * Options: a function that takes an options struct checks its version
 * member first, and fails with KPIX_EUSAGE when it is not the version this
 * header defines. Start every options struct from its _INIT macro.
 *
 * Ownership: every object made by a kpix_*_new or kpix_*_load function is
 * owned by the caller and released by the matching kpix_*_free, which
 * accepts NULL. Pointers returned by getters stay valid until the object
 * they came from is freed.
 */
#ifndef KPIX_KPIX_H
#define KPIX_KPIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KPIX_VERSION "0.1.0"

/* Return codes of functions that can fail. */
enum {
	KPIX_OK = 0,
	KPIX_ERROR = -1,   /* generic failure (out of memory, internal) */
	KPIX_ENOTFOUND = -2, /* a schema id or file that does not exist */
	KPIX_ESCHEMA = -3, /* a schema that is malformed or inconsistent */
	KPIX_EIO = -4,     /* a file that cannot be opened or read */
	KPIX_EUSAGE = -5,  /* an argument the caller should not have passed */
	KPIX_EMANIFEST = -6 /* a manifest that is not JSON or not one kpix can read */
};

/* The message for the last failure on this thread, or "" if none. */
const char *kpix_error_last(void);

/* ---------------------------------------------------------------- schema */

typedef struct kpix_schema kpix_schema;

/* Loads a schema. ref is either a path to a JSON file (anything containing
 * '/' or ending in ".json") or the id of a shipped schema, looked up as
 * "<id>.json" in each directory of search_path (a ':'-separated list; NULL
 * means kpix_default_schema_path()). */
int kpix_schema_load(kpix_schema **out, const char *ref, const char *search_path);

/* The shipped-schema search path: $KPIX_SCHEMA_PATH when set, otherwise the
 * directory the schemas were installed to. */
const char *kpix_default_schema_path(void);

void kpix_schema_free(kpix_schema *schema);

const char *kpix_schema_id(const kpix_schema *schema);
const char *kpix_schema_version(const kpix_schema *schema);
const char *kpix_schema_title(const kpix_schema *schema);
const char *kpix_schema_description(const kpix_schema *schema);
const char *kpix_schema_path(const kpix_schema *schema);
/* Every file the schema was loaded from: its own file first, then each
 * reference file its foreign keys read, named as kpix opened it (a relative
 * resource under the schema's directory). *n is set to how many. Owned by
 * the schema. Every command that writes files takes each as an input that
 * no output may replace. */
const char *const *kpix_schema_files(const kpix_schema *schema, size_t *n);

/* Writes a plain-English account of the schema (fields, indicators, rules,
 * completeness) into a newly allocated string; the caller frees it with
 * free(). Returns NULL when out of memory. */
char *kpix_schema_describe(const kpix_schema *schema);

/* Lists the schemas found on search_path (NULL: the default path), sorted
 * by id. *out is a newly allocated array of *count newly allocated ids;
 * free both with kpix_strings_free. */
int kpix_schema_list(char ***out, size_t *count, const char *search_path);
void kpix_strings_free(char **strings, size_t count);

/* --------------------------------------------------------- data packages */

/* A Frictionless Data Package (docs/schema-format.md, "Data Packages and
 * dialects"): its tabular resources, each a file with its schema and its
 * CSV dialect. */
typedef struct kpix_package kpix_package;

/* True when path names a Data Package: a file called datapackage.json, or
 * a .json file holding an object with a list of "resources" and no
 * "fields". */
bool kpix_package_is(const char *path);

/* Loads the Data Package at path: every resource with a schema and a file
 * (resources without are skipped, kpix_package_skipped says why), each
 * schema (inline, or a path relative to the package) loaded as
 * kpix_schema_load loads one, its foreign keys to other resources read from
 * their files. Returns 0; KPIX_ENOTFOUND or KPIX_EIO for a file that
 * cannot be read; KPIX_ESCHEMA for a package or schema kpix cannot use (a
 * multipart resource, a URL, a dialect it cannot honour). Free with
 * kpix_package_free. */
int kpix_package_load(kpix_package **out, const char *path);
void kpix_package_free(kpix_package *p);

/* How many tabular resources the package has, and of the i-th its name,
 * its file (the package's directory joined, as kpix opens it) and its
 * schema; owned by the package. */
size_t kpix_package_count(const kpix_package *p);
const char *kpix_package_resource_name(const kpix_package *p, size_t i);
const char *kpix_package_resource_path(const kpix_package *p, size_t i);
const kpix_schema *kpix_package_resource_schema(const kpix_package *p, size_t i);

/* Returns how many resources were skipped, and with i below that sets
 * *note to "NAME: why" (owned by the package). */
size_t kpix_package_skipped(const kpix_package *p, size_t i, const char **note);

/* ----------------------------------------------------------- diagnostics */

typedef enum {
	KPIX_SEVERITY_ERROR = 0,
	KPIX_SEVERITY_WARNING = 1
} kpix_severity;

/* One problem found in the data. row is the physical row of the CSV as a
 * spreadsheet shows it (header = 1, first data row = 2), 0 when the problem
 * is not in one row (a missing indicator, say). column is 1-based, 0 when
 * the problem is about a whole row. field, value and rule are NULL when not
 * applicable. code is a stable name (frictionless-py's where it has one:
 * "type-error", "constraint-error", "missing-cell", ...); rule is the
 * constraint ("minimum") or the schema rule code ("KPI-RATIO") that failed. */
typedef struct {
	const char *code;
	kpix_severity severity;
	const char *file;
	uint64_t row;
	uint32_t column;
	const char *field;
	const char *value;
	const char *rule;
	const char *message;
} kpix_diag;

typedef struct kpix_report kpix_report;

/* "Did you mean": the words of cands (n of them) nearest to word, quoted
 * and joined as a sentence says them ("'validate'", "'A' or 'B'"), or ""
 * when none is a small slip away (docs: kpix_suggest in src/base/suggest.h).
 * The caller frees the string. */
char *kpix_did_you_mean(const char *word, const char *const *cands, size_t n);

/* Diagnostics kept (at most the max_errors the validator was given). */
size_t kpix_report_count(const kpix_report *report);
const kpix_diag *kpix_report_get(const kpix_report *report, size_t i);

/* Everything counted, whether kept or not. */
uint64_t kpix_report_errors(const kpix_report *report);
uint64_t kpix_report_warnings(const kpix_report *report);
/* True when more diagnostics were found than kept. */
bool kpix_report_truncated(const kpix_report *report);
/* Problems that only follow from one already reported (a duplicate or a
 * missing indicator because a cell was mistyped, the indicators "missing"
 * from an organisation named only on rows with errors): counted, not
 * reported, and not in the errors and warnings. */
uint64_t kpix_report_suppressed(const kpix_report *report);

/* The likeliest cause of the errors listed, when most of them share one. */
typedef struct {
	bool same_value;         /* they are one value repeated in one column, not only one column */
	uint64_t count;          /* the errors listed that share it */
	uint64_t errors;         /* all the errors listed */
	const kpix_diag *first;  /* the first of them: its file, row, column, field and value */
} kpix_report_cause;

/* Fills *out and returns true when at least 3 errors listed, and more than
 * half of them, are in one column of one file (same_value when they also
 * hold one value there); else returns false. Valid while the report is. */
bool kpix_report_likely_cause(const kpix_report *report, kpix_report_cause *out);

/* Per-code totals, sorted by code. */
size_t kpix_report_code_count(const kpix_report *report);
void kpix_report_code_get(const kpix_report *report, size_t i, const char **code,
                          uint64_t *errors, uint64_t *warnings);

/* Per-file totals, in the order the files were given. rows counts data rows
 * (not the header); rejected counts the data rows with at least one error. */
size_t kpix_report_file_count(const kpix_report *report);
void kpix_report_file_get(const kpix_report *report, size_t i, const char **path,
                          uint64_t *rows, uint64_t *rejected, const char **encoding);
/* The data rows read and rejected, summed over the files. */
void kpix_report_rows(const kpix_report *report, uint64_t *rows, uint64_t *rejected);

/* The sheet of a workbook that file i of the report was read from
 * ("Data"), or NULL for a CSV file. Owned by the report. */
const char *kpix_report_file_sheet(const kpix_report *report, size_t i);

/* The sheet of a workbook that the diagnostic's file was read from, or
 * NULL (a CSV file, or a problem of no one file). Owned by the report. */
const char *kpix_report_diag_sheet(const kpix_report *report, const kpix_diag *d);

/* The diagnostic's cell as a spreadsheet names it, written into buf (size
 * bytes, cut to fit; 160 hold every name): of a workbook with its sheet,
 * "Data!C4" (a sheet's name that Excel quotes in a reference quoted as
 * it does, 'My data'!C4), of a CSV file "C4"; "" when the diagnostic is not
 * about one cell (no row or no column). Returns buf. d must be one of
 * the report's own. */
const char *kpix_report_cell(const kpix_report *report, const kpix_diag *d, char *buf,
                             size_t size);

/* Writes the report to out as a JSON document (docs/report-format.md),
 * naming the schema it was checked against, with a newline at the end.
 * Returns 0, or KPIX_EIO when writing to out failed. */
int kpix_report_write_json(const kpix_report *report, const kpix_schema *schema, FILE *out);

/* ------------------------------------------------------------- validator */

typedef enum {
	KPIX_ENCODING_AUTO = 0,  /* UTF-8; a file that is not is read as Windows-1252, with a warning */
	KPIX_ENCODING_UTF8,      /* UTF-8 only; invalid bytes are errors */
	KPIX_ENCODING_CP1252     /* Windows-1252, converted */
} kpix_encoding;

/* Column number column (1-based) as letters, as a spreadsheet shows it: 1 is
 * A, 27 is AA, 16384 is XFD. buf holds 8 bytes; 0 gives "". */
void kpix_column_letters(uint32_t column, char buf[8]);

/* The encoding named s, as --encoding and a manifest's options name it:
 * "auto", "utf-8" (or "utf8"), "windows-1252" (or "cp1252"). 0 with *out
 * set, or -1 for any other name (*out untouched). */
int kpix_encoding_parse(const char *s, kpix_encoding *out);

/* The dates a workbook can carry, in seconds since 1970: from 1980-01-01
 * to 2100-01-01. SOURCE_DATE_EPOCH on the command line, the options'
 * created (when not -1) and a manifest's "source_date_epoch" must be
 * within them; kpix_export and kpix_pack refuse any other (KPIX_EUSAGE). */
#define KPIX_CREATED_MIN INT64_C(315532800)
#define KPIX_CREATED_MAX INT64_C(4102444800)

/* Called now and then while a file is read, with the bytes read so far and
 * the file's size (0 when unknown). */
typedef void (*kpix_progress_fn)(void *ctx, const char *path, uint64_t done, uint64_t total);

typedef struct {
	unsigned int version;       /* KPIX_VALIDATE_OPTIONS_VERSION */
	uint64_t max_errors;        /* diagnostics kept; 0 means the default, 1000 */
	kpix_encoding encoding;
	size_t max_field_bytes;     /* a longer cell is an error; 0 means 1 MiB */
	size_t max_columns;         /* a wider row is an error; 0 means 16384 */
	kpix_progress_fn progress;
	void *progress_ctx;
	const char *sheet;          /* the sheet of a workbook (.xlsx) to read; NULL: the one
	                             * named Data, else the first visible sheet */
	uint64_t header_row;        /* the row that holds the column names, the rows above it
	                             * not data; 0: row 1 of a CSV, and in a workbook the
	                             * first of its first KPIX_HEADER_SEARCH_ROWS rows that
	                             * names a field of the schema */
	/* The CSV dialect (docs/schema-format.md, "Data Packages and
	 * dialects"); zeros are the defaults. */
	char delimiter;             /* 0: ',', unless the header has no comma but splits at
	                             * ';', a tab or '|' into the schema's fields (a warning
	                             * "delimiter-guessed" says so) */
	char quote_char;            /* 0: '"' */
	bool skip_initial_space;    /* spaces after a delimiter are not part of a cell */
	unsigned header_rows;       /* rows the header spans, joined column by column with
	                             * header_join (NULL: " "); 0 means 1 */
	const char *header_join;
	bool no_header;             /* no header row: the columns are the schema's fields in
	                             * order, and the first row is data (row 1) */
} kpix_validate_options;

/* The i-th resource's dialect and encoding, put into opts (the rest of
 * opts stays as the caller set it). */
void kpix_package_resource_options(const kpix_package *p, size_t i, kpix_validate_options *opts);

/* How far down a workbook's sheet kpix looks for its header: officers put
 * a title and a blank row or two above it. */
#define KPIX_HEADER_SEARCH_ROWS 20

#define KPIX_VALIDATE_OPTIONS_VERSION 1
#define KPIX_VALIDATE_OPTIONS_INIT \
	{KPIX_VALIDATE_OPTIONS_VERSION, 0, KPIX_ENCODING_AUTO, 0, 0, NULL, NULL, NULL, 0}

typedef struct kpix_validator kpix_validator;

/* Makes a validator for one table made of one or more files: keys (primary
 * key, unique, completeness) are checked across all the files given. The
 * schema must outlive the validator. opts may be NULL for the defaults. */
int kpix_validator_new(kpix_validator **out, const kpix_schema *schema,
                       const kpix_validate_options *opts);

/* Reads and checks one CSV file, streaming. Returns KPIX_EIO when the file
 * cannot be opened or read (the report is then incomplete); problems in the
 * data are diagnostics, not failures. */
int kpix_validator_add_file(kpix_validator *v, const char *path);

/* Reads last period's file of the same table, so that the schema's rules on
 * the figures can compare this return with it (prev.NAME). Only its figures
 * are kept: its own problems are not reported. Call before finish. Returns
 * KPIX_EIO when the file cannot be opened or read. */
int kpix_validator_add_previous(kpix_validator *v, const char *path);

/* Runs the checks that need the whole table (foreign keys to the table
 * itself, completeness) and returns the report, owned by the validator.
 * Call once, after the last add_file. */
const kpix_report *kpix_validator_finish(kpix_validator *v);

void kpix_validator_free(kpix_validator *v);

/* Writes the report to out as an Excel workbook that a person opens
 * (docs/report-format.md): a Summary sheet (the verdict, the likely cause,
 * the counts per code, the files), a Problems sheet (one row per
 * diagnostic kept, each linked to its cell; frozen headings and filters),
 * and a copy of each data file on a sheet of its own, cells where they
 * were, each cell with a problem filled (an error plain red, a warning
 * striped amber) with a comment holding its messages, and a column after
 * the data saying Error or Warning on each row with a problem. The data
 * files are read again as the report names them, with opts (NULL for the
 * defaults): give the options the validator was given, so that the same
 * sheet is read the same way. Every cell is written as text, never as a
 * formula; the same report and files give the same bytes. name is the
 * report's name in messages. Returns 0, KPIX_EIO when a data file cannot
 * be read again or the workbook cannot be written, or KPIX_EUSAGE for
 * options of another version. */
int kpix_report_write_xlsx(const kpix_report *report, const kpix_schema *schema,
                           const kpix_validate_options *opts, const char *name, FILE *out);

/* Writes the report to out as one self-contained HTML page for a person
 * (no script, no file or address outside it; docs/report-format.md): the
 * verdict, the likely cause, the counts per code, the problems grouped by
 * row and by code, each with its cell and message. Everything from the
 * data and the schema is escaped; the same report gives the same bytes.
 * Returns 0, or KPIX_EIO when writing to out failed. */
int kpix_report_write_html(const kpix_report *report, const kpix_schema *schema, FILE *out);

/* ---------------------------------------------------------------- export */

typedef struct {
	unsigned int version;           /* KPIX_EXPORT_OPTIONS_VERSION */
	kpix_validate_options validate; /* how the data is read and checked */
	const char *out_dir;            /* where the files go; made if missing */
	const char *const *params;      /* "name=value" for the schema's parameters */
	size_t nparams;
	const char *const *only;        /* the names of the exports to write; none: all */
	size_t nonly;
	int64_t created;                /* the workbooks' date in seconds since 1970 (as
	                                 * SOURCE_DATE_EPOCH gives it); -1: from the data */
	const char *previous;           /* last period's file, for the rules on the
	                                 * figures (kpix_validator_add_previous); or NULL */
	const char *sector;             /* a regulator's published dataset, the schema's
	                                 * "sector" reads (sector.<stat>); or NULL */
} kpix_export_options;

#define KPIX_EXPORT_OPTIONS_VERSION 1
#define KPIX_EXPORT_OPTIONS_INIT \
	{KPIX_EXPORT_OPTIONS_VERSION, KPIX_VALIDATE_OPTIONS_INIT, NULL, NULL, 0, NULL, 0, -1, NULL, NULL}

/* What kpix_export or kpix_pack did: its validation report and the files it
 * wrote. */
typedef struct kpix_result kpix_result;

/* The validation report, owned by the result; NULL when validation did
 * not run. */
const kpix_report *kpix_result_report(const kpix_result *result);
/* Whether the files were written: all of them, with manifest.json. */
bool kpix_result_written(const kpix_result *result);
/* The files written, manifest.json not counted (none unless written), in
 * the order manifest.json lists them; each name is owned by the result. */
size_t kpix_result_output_count(const kpix_result *result);
const char *kpix_result_output_name(const kpix_result *result, size_t i);
/* NULL-safe. */
void kpix_result_free(kpix_result *result);

/* Validates the files as one table and, when they have no errors, writes
 * each of the schema's exports and manifest.json into opts->out_dir: all
 * of them, or none. The schema must outlive the result. Every file is written to a temporary name first and
 * renamed into place only when all are complete; no output may replace an
 * input. *out is always set (free it with kpix_result_free). Returns 0
 * when the export ran: then the data was either written
 * (kpix_result_written) or found to have errors (see the report, and
 * nothing was written); KPIX_EUSAGE for options of another version,
 * options the schema does not know or a parameter that is not UTF-8,
 * KPIX_ESCHEMA when the schema has no exports, KPIX_EIO when a file cannot
 * be read or written (nothing is left in out_dir). */
int kpix_export(kpix_result **out, const kpix_schema *schema, const char *const *files,
                size_t nfiles, const kpix_export_options *opts);

/* ------------------------------------------------------------------ pack */

/* A board pack's definition (docs/packs.md): what the pack shows and how
 * it judges it, for the schema it names. */
typedef struct kpix_packdef kpix_packdef;

/* Reads a pack definition. ref is a file (anything containing '/' or
 * ending in ".json") or the id of a shipped pack, looked up as
 * "packs/<id>.json" in each directory of search_path (NULL:
 * kpix_default_schema_path()). Returns 0, KPIX_EUSAGE for no ref,
 * KPIX_ENOTFOUND, KPIX_EIO, or KPIX_ESCHEMA ("FILE:LINE:COL: PATH: what is
 * wrong"); *out is then to be freed with kpix_packdef_free all the same. */
int kpix_packdef_load(kpix_packdef **out, const char *ref, const char *search_path);

/* Loads the schema the definition names, as kpix_schema_load does: a file
 * (a name with '/' or ending in ".json", such as "my-kpi.json" or
 * "../schemas/my-kpi.json") is found relative to the definition's folder
 * unless absolute, wherever kpix runs from; an id is looked up in
 * search_path. */
int kpix_packdef_load_schema(kpix_schema **out, const kpix_packdef *def,
                             const char *search_path);

void kpix_packdef_free(kpix_packdef *def);

typedef struct {
	unsigned int version;           /* KPIX_PACK_OPTIONS_VERSION */
	kpix_validate_options validate; /* how the history is read and checked */
	const char *out_dir;            /* where the files go; made if missing */
	const char *period;             /* the quarter the pack reports: "2025-26 Q2" */
	int64_t created;                /* the workbook's date in seconds since 1970 (as
	                                 * SOURCE_DATE_EPOCH gives it); -1: the period's end */
	bool pdf;                       /* also the board report as a PDF (docs/packs.md) */
} kpix_pack_options;

#define KPIX_PACK_OPTIONS_VERSION 3
#define KPIX_PACK_OPTIONS_INIT \
	{KPIX_PACK_OPTIONS_VERSION, KPIX_VALIDATE_OPTIONS_INIT, NULL, NULL, -1, false}

/* Validates the history files as one table against schema and, when they
 * have no errors, writes the board pack that def describes for
 * opts->period into opts->out_dir: the workbook, a CSV of its summary
 * table, the PDF board report when opts->pdf is set, and manifest.json,
 * all of them or none (as kpix_export does).
 * schema is usually the one the definition names
 * (kpix_packdef_load_schema). The call binds def to schema (each
 * indicator and field it names is found in the schema): def may be given
 * to kpix_pack again only with the same schema, and not at all after a
 * KPIX_ESCHEMA from binding. Both must outlive the result. *out is
 * always set (free it with kpix_result_free). Returns 0 when the pack ran:
 * then it was either written (kpix_result_written) or the
 * history has errors (see the report; nothing was written); KPIX_EUSAGE
 * for options of another version, a missing or malformed period or
 * directory, or a history with no figure for the period; KPIX_ESCHEMA for
 * a definition that does not fit the schema; KPIX_EIO when a file cannot
 * be read or written. */
int kpix_pack(kpix_result **out, const kpix_schema *schema, kpix_packdef *def,
              const char *const *files, size_t nfiles, const kpix_pack_options *opts);

/* ---------------------------------------------------------------- verify */

/* How a file compares with what the manifest of an export or a board pack
 * records of it. */
typedef enum {
	KPIX_VERIFY_SAME = 0,    /* the size and SHA-256 the manifest records */
	KPIX_VERIFY_CHANGED,     /* there is such a file, with other bytes */
	KPIX_VERIFY_MISSING,     /* there is no such file */
	KPIX_VERIFY_UNCHECKED    /* not compared (it was not re-run) */
} kpix_verify_state;

typedef enum {
	KPIX_VERIFY_SCHEMA = 0,
	KPIX_VERIFY_INPUT,
	KPIX_VERIFY_OUTPUT,
	KPIX_VERIFY_PREVIOUS,    /* last period's file, read for comparisons (--previous) */
	KPIX_VERIFY_PACK,        /* a board pack's definition */
	KPIX_VERIFY_SECTOR       /* the sector's published dataset (an export's --sector) */
} kpix_verify_kind;

/* One file of a verification: the schema, the pack definition (a pack's
 * manifest only), each input and each output, in the manifest's order,
 * then last period's file when an export read one, then any output the
 * re-run wrote that the manifest does not list. */
typedef struct {
	kpix_verify_kind kind;
	const char *name;        /* as the manifest names it (no directory) */
	const char *path;        /* the schema, definition or input used, NULL
	                          * when none was found; for an output, DIR/NAME */
	bool recorded;           /* false: an output only the re-run wrote */
	kpix_verify_state state; /* the schema, definition or input found, or the
	                          * output in DIR, against the manifest; an output
	                          * only the re-run wrote: UNCHECKED */
	kpix_verify_state rerun; /* outputs: the re-run's file against the
	                          * manifest (MISSING: not written by the re-run;
	                          * CHANGED for an output only the re-run wrote);
	                          * UNCHECKED for the schema, definition and
	                          * inputs, and when there was no re-run */
} kpix_verify_file;

/* Something else a verification found, as a sentence: an error (it does
 * not verify: it was not re-run, the re-run found errors in the data,
 * counted other rows than the manifest records, or, for a pack, computed
 * another fingerprint) or a warning (a version of kpix or of a library
 * that wrote the bytes differs from the one recorded, so a difference may
 * come from the change of version; or a pack's schema or definition is
 * used under another name than the one recorded, which the pack's
 * workbook and fingerprint show). */
typedef struct {
	kpix_severity severity;
	const char *message;
} kpix_verify_note;

typedef struct {
	unsigned int version;       /* KPIX_VERIFY_OPTIONS_VERSION */
	const char *schema;         /* an id or file to use in place of the recorded
	                             * schema; NULL: look for the recorded one */
	const char *schema_path;    /* where ids are looked up; NULL means
	                             * kpix_default_schema_path() */
	const char *const *data;    /* files to use for recorded inputs, each
	                             * matched to the input of its file name */
	size_t ndata;
	const char *scratch_parent; /* where the scratch directory is made; NULL:
	                             * $TMPDIR, or /tmp when that is not set */
	const char *pack;           /* a pack's manifest only: an id (looked up as
	                             * packs/ID.json in schema_path) or file to use
	                             * in place of the recorded definition; NULL:
	                             * look for the recorded one */
} kpix_verify_options;

#define KPIX_VERIFY_OPTIONS_VERSION 1
#define KPIX_VERIFY_OPTIONS_INIT {KPIX_VERIFY_OPTIONS_VERSION, NULL, NULL, NULL, 0, NULL, NULL}

typedef struct kpix_verify_result kpix_verify_result;

/* Verifies the export or board pack that the manifest at manifest_path
 * describes, with its outputs in the manifest's directory DIR
 * (docs/exports.md, "Verifying an export", says where the inputs, schema
 * and pack definition are looked for):
 *
 * 1. each input, the schema and a pack's definition must have the
 *    recorded size and SHA-256;
 * 2. each output in DIR is compared with the manifest (altered or missing);
 * 3. when all of those are unchanged, the export (kpix_export) or pack
 *    (kpix_pack, given the schema and definition files checked) is re-run
 *    with the recorded options into a new scratch directory, which is
 *    removed afterwards, and each file it writes is compared with the
 *    manifest (reproduced or not), as are its counts of rows and a pack's
 *    fingerprint.
 *
 * Returns 0 when the verification ran, whatever it found (see
 * kpix_verify_ok), with *out a new result to free with kpix_verify_free.
 * Otherwise *out is NULL and the return is KPIX_EIO (the manifest, an input
 * or an output cannot be read or is not a regular file, or the scratch
 * directory cannot be written),
 * KPIX_EMANIFEST (not a manifest kpix can read), KPIX_EUSAGE (options of
 * another version, a data file whose name is not a recorded input, or
 * opts->pack for an export's manifest), KPIX_ENOTFOUND (opts->schema or opts->pack an id that is not
 * shipped), or what kpix_schema_load or kpix_pack returns for a schema or
 * definition that no longer loads. opts may be NULL. */
int kpix_verify(kpix_verify_result **out, const char *manifest_path,
                const kpix_verify_options *opts);

/* True when every file is the same as recorded, the re-run wrote exactly
 * the recorded outputs with the same bytes, and no note is an error. */
bool kpix_verify_ok(const kpix_verify_result *result);
/* True when the export or pack was re-run. */
bool kpix_verify_reran(const kpix_verify_result *result);
size_t kpix_verify_file_count(const kpix_verify_result *result);
const kpix_verify_file *kpix_verify_file_get(const kpix_verify_result *result, size_t i);
size_t kpix_verify_note_count(const kpix_verify_result *result);
const kpix_verify_note *kpix_verify_note_get(const kpix_verify_result *result, size_t i);
/* As the manifest records them: the kpix that made the export or pack, and
 * the schema's id and version ("" when not recorded). Owned by the result. */
const char *kpix_verify_made_by(const kpix_verify_result *result);
const char *kpix_verify_schema_id(const kpix_verify_result *result);
const char *kpix_verify_schema_version(const kpix_verify_result *result);
/* True when the manifest is a board pack's (kpix pack), false for an
 * export's. */
bool kpix_verify_is_pack(const kpix_verify_result *result);
/* A pack's definition id and version and its period ("2025-26 Q2"), as
 * the manifest records them; "" for an export or when not recorded. Owned
 * by the result. */
const char *kpix_verify_pack_id(const kpix_verify_result *result);
const char *kpix_verify_pack_version(const kpix_verify_result *result);
const char *kpix_verify_period(const kpix_verify_result *result);
void kpix_verify_free(kpix_verify_result *result);

/* ---------------------------------------------------------- output files */

/* One file of a program's own, such as a validation report, written whole
 * or not at all, as kpix writes its exports:
 *
 *	kpix_outfile *f;  FILE *fp;
 *	if (kpix_outfile_open(&f, &fp, path, inputs, ninputs) != 0) fail;
 *	fprintf(fp, ...);                 errors are kept for the commit
 *	rc = kpix_outfile_commit(f);      then kpix_outfile_free(f), always
 *
 * A regular file, or a path where nothing is yet, is written to a temporary
 * file ".NAME.XXXXXX.tmp" beside it and renamed over it by the commit, so
 * that until then the old file keeps its bytes and a failure (a full disk,
 * an unwritable directory) leaves nothing new behind. A device or a pipe
 * (/dev/null, or /dev/stdout on a terminal or a pipe), even through a
 * symbolic link, cannot be replaced: it is written in place. A symbolic
 * link to anything else is refused (KPIX_EIO): it is neither followed nor
 * replaced. The directory must exist. No path may be one of the inputs
 * (ninputs paths the program reads), compared as kpix_export compares
 * them: KPIX_EUSAGE. A file that cannot be written is KPIX_EIO,
 * "cannot write 'PATH': REASON".
 *
 * On success *out is the caller's, released with kpix_outfile_free, and
 * *fp is the stream to write through (the outfile closes it; do not). */
typedef struct kpix_outfile kpix_outfile;
int kpix_outfile_open(kpix_outfile **out, FILE **fp, const char *path,
                      const char *const *inputs, size_t ninputs);
/* Flushes, syncs and renames into place (or, written in place, flushes):
 * 0, or KPIX_EIO naming the file and the first write error. Once only. */
int kpix_outfile_commit(kpix_outfile *f);
/* Removes the temporary file unless committed. NULL-safe. */
void kpix_outfile_free(kpix_outfile *f);

/* Removes every temporary file and directory that kpix has made in this
 * process and not yet put in place: the files of an export, a pack, a
 * template or a kpix_outfile in progress, an output directory created for
 * them and still empty, and kpix_verify's scratch directory. For a
 * SIGINT, SIGTERM or SIGHUP handler to call before it ends the process.
 * Async-signal-safe; nothing is freed, and nothing may be committed
 * afterwards. */
void kpix_cleanup_on_signal(void);

/* -------------------------------------------------------------- template */

typedef struct {
	unsigned int version;  /* KPIX_TEMPLATE_OPTIONS_VERSION */
	const char *out_dir;   /* where the files go; made if missing */
	int64_t created;       /* the workbook's date in seconds since 1970 (as
	                        * SOURCE_DATE_EPOCH gives it); -1: 1 January 1980 */
} kpix_template_options;

#define KPIX_TEMPLATE_OPTIONS_VERSION 1
#define KPIX_TEMPLATE_OPTIONS_INIT {KPIX_TEMPLATE_OPTIONS_VERSION, NULL, -1}

/* Writes blank input templates for the schema into opts->out_dir, both or
 * neither: "<id>-template.csv", the header row alone, and
 * "<id>-template.xlsx", a workbook whose Data sheet has the same headings,
 * a hint on each and the schema's checks that Excel can make as data
 * validation (dropdowns, number, date and length limits), with a Guide
 * sheet (and an Indicators sheet when the schema has a catalogue). The
 * same schema and options give the same bytes. No output may replace the
 * schema file. When written is not NULL, *written is set to a newly
 * allocated array of the *nwritten file names (free with
 * kpix_strings_free), or NULL on failure. Returns 0; KPIX_EUSAGE for
 * options of another version, no out_dir or an output that would replace
 * an input; KPIX_ESCHEMA for a
 * schema a workbook cannot hold (more than 16,384 fields); KPIX_EIO when a
 * file cannot be written (nothing is then left in out_dir). */
int kpix_template(char ***written, size_t *nwritten, const kpix_schema *schema,
                  const kpix_template_options *opts);

/* ------------------------------------------------------------------- csv */

/* Called with each record of a CSV file: its 1-based row number (the
 * header is row 1) and its cells, UTF-8 and NUL-terminated. Return 0 to go
 * on, non-zero to stop. */
typedef int (*kpix_record_fn)(void *ctx, uint64_t row, const char *const *cells,
                              const size_t *lengths, size_t ncells);

/* Reads a CSV file exactly as the validator does (BOM, line ends, quoting,
 * encoding) and hands each record to fn. Returns 0 when the file was read
 * whole without a structural problem; KPIX_ERROR when it has one (quoting,
 * encoding, size; the first is described by kpix_error_last); KPIX_EIO when
 * it cannot be read. */
int kpix_csv_foreach(const char *path, kpix_record_fn fn, void *ctx);

/* Reads a CSV file as kpix_csv_foreach does and writes its records to out
 * as one line of JSON, an array of arrays of strings. Nothing is written
 * unless the whole file was read: returns what kpix_csv_foreach returns,
 * or KPIX_EIO when writing to out failed. */
int kpix_csv_dump_json(const char *path, FILE *out);

/* ---------------------------------------------------------------- memory */

/* Called when the library cannot allocate memory, with the number of bytes
 * asked for. It must not return: the library cannot go on from there, and
 * aborts if it does. A program that writes files would call
 * kpix_cleanup_on_signal, say why and end the process (_exit: other
 * threads' state is unknown). */
typedef void (*kpix_out_of_memory_fn)(size_t size);

/* Sets what the library does when it runs out of memory, for the whole
 * process; NULL restores the default, abort() (the library prints
 * nothing). Set it once, before any other call of the library. */
void kpix_set_out_of_memory(kpix_out_of_memory_fn fn);

#ifdef __cplusplus
}
#endif

#endif
