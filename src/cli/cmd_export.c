/* cmd_export.c - kpix export: validate, then write the submission files
 * the schema describes, and manifest.json, into a directory. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kpix/kpix.h"

static const cli_option options[] = {
	CLI_OPTION_SCHEMA,
	CLI_OPTION_OUT,
	{"param", 'p', "NAME=VALUE", "a value the schema's exports ask for, such as contact=...; repeatable"},
	{"only", 0, "EXPORT", "write only this export (see 'kpix schemas show'); repeatable"},
	CLI_OPTION_MAX_ERRORS,
	CLI_OPTION_ENCODING,
	CLI_OPTION_PREVIOUS,
	CLI_OPTION_SHEET,
	CLI_OPTION_HEADER_ROW,
	{"sector", 0, "FILE", "the regulator's published TSM dataset (.xlsx), to rank the measures"},
	{"quiet", 'q', NULL, "no progress and no list of warnings on the terminal"},
	CLI_OPTIONS_END,
};

static const cli_needs needs = {{"schema", "out"}, "data files"};

static int run(const cli_args *a)
{
	int rc;
	kpix_schema *schema = NULL;
	kpix_result *result = NULL;
	const char **params = NULL, **only = NULL;
	const char *out_dir = cli_value(&cmd_export, a, "out");
	bool quiet = cli_value(&cmd_export, a, "quiet") != NULL;
	rc = EXIT_USAGE;
	kpix_export_options opts = KPIX_EXPORT_OPTIONS_INIT;
	opts.out_dir = out_dir;
	opts.previous = cli_value(&cmd_export, a, "previous");
	opts.sector = cli_value(&cmd_export, a, "sector");
	params = calloc(a->ngiven + 1, sizeof(char *));
	only = calloc(a->ngiven + 1, sizeof(char *));
	if (!params || !only) {
		rc = EXIT_INTERNAL;
		goto done;
	}
	opts.nparams = cli_all_values(&cmd_export, a, "param", params);
	opts.params = params;
	opts.nonly = cli_all_values(&cmd_export, a, "only", only);
	opts.only = only;
	if (cli_validate_options(&cmd_export, a, &opts.validate) != 0 ||
	    cli_source_date_epoch(&opts.created) != 0)
		goto done;

	if ((rc = cli_load_schema(&cmd_export, a, &schema)) != EXIT_VALID)
		goto done;
	cli_catch_signals();
	int erc = kpix_export(&result, schema, (const char *const *)a->args, a->nargs, &opts);
	rc = cli_write_outcome(erc, schema, result, "data", out_dir, quiet);
done:
	free(params);
	free(only);
	kpix_result_free(result);
	kpix_schema_free(schema);
	return rc;
}

const cli_command cmd_export = {
	"export",
	"validate data, then write the submission files and manifest.json",
	"DATA.csv... --schema ID|FILE --out DIR [--param NAME=VALUE]... [--only EXPORT]...\n"
	"                   [--previous FILE] [--sector FILE.xlsx] [--max-errors N]\n"
	"                   [--encoding auto|utf-8|windows-1252] [--sheet NAME] [--header-row N] [-q]",
	"Checks the data exactly as 'kpix validate' does, CSV files and workbooks alike\n"
	"(--sheet and --header-row are recorded in the manifest for 'kpix verify').\n"
	"When it has errors, they are listed and nothing is written. Otherwise every\n"
	"export the schema describes is written into DIR, with manifest.json recording\n"
	"the versions, the schema, each input and output with its size and SHA-256,\n"
	"and the rows read and exported;\n"
	"'kpix verify DIR/manifest.json' later checks the files against it and runs\n"
	"the export again to show that it gives the same bytes. Files are written\n"
	"whole or not at all, and never over an input.\n"
	"\n"
	"The workbooks' date comes from the data (the period's end) or from\n"
	"SOURCE_DATE_EPOCH, never from the clock, so the same inputs give the same bytes.\n"
	"\n"
	"With --sector, a schema with a sector comparison (rsh-tsm-*) reads the\n"
	"regulator's published dataset and places each measure among all landlords'\n"
	"(rank, quartile, median), in the exports that show it; the file is an input\n"
	"recorded in the manifest.\n"
	"\n"
	"exit codes: 0 written (warnings allowed), 1 the data has errors (nothing\n"
	"written), 2 a usage or schema error, 3 a file could not be read or written,\n"
	"4 an internal error in kpix",
	options,
	run,
	false,
	&needs,
};
