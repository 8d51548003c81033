/* cmd_validate.c - kpix validate: check data files against a schema and
 * report every problem as text, CSV or JSON. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "kpix/kpix.h"
#include "render.h"

static const cli_option options[] = {
	CLI_OPTION_SCHEMA,
	{"report", 'r', "FILE", "write the report to FILE instead of the terminal"},
	{"format", 'f', "FORMAT",
	 "text, csv, json, html or xlsx (default: text, or from the --report extension)"},
	{"max-errors", 0, "N", "keep at most N diagnostics in the report (default 1000; all are counted)"},
	CLI_OPTION_ENCODING,
	CLI_OPTION_PREVIOUS,
	CLI_OPTION_SHEET,
	CLI_OPTION_HEADER_ROW,
	{"quiet", 'q', NULL, "print nothing but the report: no progress, and with --report no summary"},
	{"delimiter", 0, "CHAR", "the CSV files' delimiter: one character, or 'tab' (default: ',', "
	                         "or what the header shows)"},
	CLI_OPTIONS_END,
};

typedef struct {
	bool tty;
	bool shown;
} progress_state;

static void progress(void *ctx, const char *path, uint64_t done, uint64_t total)
{
	progress_state *p = ctx;
	if (!p->tty)
		return;
	if (total)
		fprintf(stderr, "\rkpix: reading %s: %3u%% (%" PRIu64 " of %" PRIu64 " MB)", path,
		        (unsigned)(done * 100 / total), done >> 20, total >> 20);
	else
		fprintf(stderr, "\rkpix: reading %s: %" PRIu64 " MB", path, done >> 20);
	p->shown = true;
}

/* The report's format as its name's extension says (any case): text for
 * an extension kpix does not write. */
static const char *report_format_of(const char *path)
{
	static const char *const ext[][2] = {{".json", "json"}, {".csv", "csv"}, {".html", "html"},
	                                     {".htm", "html"},  {".xlsx", "xlsx"}};
	size_t n = strlen(path);
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		size_t m = strlen(ext[i][0]);
		if (n >= m && strcasecmp(path + n - m, ext[i][0]) == 0)
			return ext[i][1];
	}
	return "text";
}

/* --schema is needed unless the one file is a Data Package (run) */
static const cli_needs needs = {{NULL}, "data files"};

static int run(const cli_args *a)
{
	int rc;
	kpix_schema *schema = NULL;
	kpix_validator *v = NULL;
	kpix_outfile *outfile = NULL;
	FILE *out = stdout;
	const char **inputs = NULL;
	const char *report_path = cli_value(&cmd_validate, a, "report");
	const char *format_name = cli_value(&cmd_validate, a, "format");
	const char *previous = cli_value(&cmd_validate, a, "previous");
	rc = EXIT_USAGE;
	kpix_render_format format = KPIX_RENDER_TEXT;
	if (!format_name && report_path)
		format_name = report_format_of(report_path);
	if (format_name && kpix_render_parse_format(format_name, &format) != 0) {
		cli_error("unknown report format '%s'; expected text, csv, json, html or xlsx",
		          format_name);
		goto done;
	}
	if (format == KPIX_RENDER_XLSX && !report_path) {
		cli_error("an xlsx report is a workbook: name its file with --report FILE.xlsx");
		goto done;
	}
	kpix_validate_options opts = KPIX_VALIDATE_OPTIONS_INIT;
	if (cli_validate_options(&cmd_validate, a, &opts) != 0)
		goto done;
	const char *delim = cli_value(&cmd_validate, a, "delimiter");
	if (delim) {
		if (strcmp(delim, "tab") == 0 || strcmp(delim, "\\t") == 0)
			opts.delimiter = '\t';
		else if (strlen(delim) == 1 && (unsigned char)delim[0] < 0x80 && delim[0] != '"' &&
		         delim[0] != '\n' && delim[0] != '\r')
			opts.delimiter = delim[0];
		else {
			cli_error("--delimiter '%s': expected one character, such as ';', or 'tab'", delim);
			goto done;
		}
	}
	bool quiet = cli_value(&cmd_validate, a, "quiet") != NULL;
	if (!cli_value(&cmd_validate, a, "schema")) {
		if (a->nargs == 1 && kpix_package_is(a->args[0])) {
			if (previous) {
				cli_error("--previous is for a table checked with --schema, not a Data Package");
				goto done;
			}
			rc = cli_validate_package(&cmd_validate, a, a->args[0], &opts, format, report_path,
			                          quiet);
			goto done;
		}
		cli_error("no schema given: add --schema ID or --schema FILE (see 'kpix schemas list')");
		goto done;
	}
	progress_state ps = {!quiet && isatty(STDERR_FILENO), false};
	opts.progress = progress;
	opts.progress_ctx = &ps;

	if ((rc = cli_load_schema(&cmd_validate, a, &schema)) != EXIT_VALID)
		goto done;
	/* the report's file is started before the data is read, so that a
	 * path kpix cannot write is said at once */
	if (report_path) {
		/* every file read: the data, the previous period's, the schema
		 * and its reference files */
		size_t ninputs = 0, nschema;
		const char *const *schema_files = kpix_schema_files(schema, &nschema);
		inputs = calloc(a->nargs + 1 + nschema, sizeof(*inputs));
		if (!inputs) {
			rc = EXIT_INTERNAL;
			goto done;
		}
		for (size_t i = 0; i < a->nargs; i++)
			inputs[ninputs++] = a->args[i];
		if (previous)
			inputs[ninputs++] = previous;
		for (size_t i = 0; i < nschema; i++)
			inputs[ninputs++] = schema_files[i];
		cli_catch_signals();
		int orc = kpix_outfile_open(&outfile, &out, report_path, inputs, ninputs);
		if (orc) {
			rc = cli_failure(orc);
			goto done;
		}
	}
	int vrc = kpix_validator_new(&v, schema, &opts);
	if (vrc || (previous && (vrc = kpix_validator_add_previous(v, previous)))) {
		rc = cli_failure(vrc);
		goto done;
	}
	for (size_t i = 0; i < a->nargs; i++) {
		if ((vrc = kpix_validator_add_file(v, a->args[i]))) {
			if (ps.shown)
				fputc('\n', stderr);
			rc = cli_failure(vrc);
			goto done;
		}
	}
	if (ps.shown)
		fprintf(stderr, "\r\033[K");
	const kpix_report *report = kpix_validator_finish(v);

	if (format == KPIX_RENDER_XLSX) {
		/* the data files are read again, the way the validator read them */
		int wrc = kpix_report_write_xlsx(report, schema, &opts, report_path, out);
		if (wrc) {
			rc = cli_failure(wrc);
			goto done;
		}
	} else {
		kpix_render(out, format, schema, report,
		            format == KPIX_RENDER_TEXT && !report_path && isatty(STDOUT_FILENO));
	}
	if (report_path) {
		int crc = kpix_outfile_commit(outfile);
		if (crc) {
			rc = cli_failure(crc);
			goto done;
		}
		if (!quiet)
			fprintf(stderr, "kpix: %s: %" PRIu64 " errors, %" PRIu64 " warnings; report in %s\n",
			        kpix_report_errors(report) ? "invalid" : "valid", kpix_report_errors(report),
			        kpix_report_warnings(report), report_path);
	} else if ((rc = cli_flush("the report")) != EXIT_VALID) {
		goto done;
	}
	rc = kpix_report_errors(report) ? EXIT_INVALID : EXIT_VALID;
done:
	kpix_outfile_free(outfile);
	free(inputs);
	kpix_validator_free(v);
	kpix_schema_free(schema);
	return rc;
}

const cli_command cmd_validate = {
	"validate",
	"check data files against a schema",
	"DATA.csv... --schema ID|FILE [--report FILE] [--format text|csv|json|html|xlsx]\n"
	"                     [--max-errors N] [--previous FILE] [--encoding auto|utf-8|windows-1252]\n"
	"                     [--sheet NAME] [--header-row N] [--delimiter CHAR] [-q]\n"
	"       kpix validate datapackage.json [--report FILE] [--format text|json] [-q]",
	"Reads each file once, streaming, and reports every problem with its file, row\n"
	"(as a spreadsheet numbers it: the header is row 1), column, field, value and\n"
	"a stable code. Keys (primary key, unique values, completeness) are checked\n"
	"across all the files given, as one table.\n"
	"\n"
	"A file is a CSV file or an Excel workbook (.xlsx), told apart by its\n"
	"content; of a workbook kpix reads the sheet named Data, else the first\n"
	"visible sheet, or the sheet --sheet names. A CSV's header is its first row;\n"
	"a sheet's is the first of its first 20 rows that names a column of the\n"
	"schema, so that a title and blank rows above it are not data. --header-row\n"
	"names the row instead, in either, and the rows above it are not read.\n"
	"\n"
	"The report is text for the terminal, CSV or JSON for programs, an HTML\n"
	"page (--report FILE.html), or an annotated copy of the data as a workbook\n"
	"(--report FILE.xlsx): each cell with a problem filled and commented, and\n"
	"a Problems sheet linking to every one.\n"
	"\n"
	"A CSV file's header with no comma that splits at ';', a tab or '|' into the\n"
	"schema's fields is read so, with a warning; --delimiter says it for certain.\n"
	"\n"
	"Given a Data Package (datapackage.json) and no --schema, kpix checks each\n"
	"tabular resource's file against its schema, read as its dialect says, and\n"
	"reports each under its name; foreign keys may name other resources.\n"
	"\n"
	"exit codes: 0 the data is valid (warnings allowed), 1 the data has errors,\n"
	"2 a usage or schema error, 3 a file could not be read or written,\n"
	"4 an internal error in kpix",
	options,
	run,
	false,
	&needs,
};
