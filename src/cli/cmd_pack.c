/* cmd_pack.c - kpix pack: the quarterly Operational Board pack from a KPI
 * history, with manifest.json, into a directory. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kpix/kpix.h"

static const cli_option options[] = {
	{"pack", 'k', "ID|FILE", "the pack definition: a shipped id (schemas/packs/ID.json) or a JSON file"},
	{"period", 'P', "PERIOD", "the quarter the pack reports, such as \"2025-26 Q2\""},
	CLI_OPTION_OUT,
	{"pdf", 0, NULL, "also write the board report as a PDF into DIR"},
	CLI_OPTION_MAX_ERRORS,
	CLI_OPTION_ENCODING,
	CLI_OPTION_SHEET,
	CLI_OPTION_HEADER_ROW,
	{"quiet", 'q', NULL, "no list of warnings on the terminal"},
	CLI_OPTIONS_END,
};

static const cli_needs needs = {{"pack", "period", "out"}, "history files"};

static int run(const cli_args *a)
{
	int rc;
	kpix_result *result = NULL;
	kpix_packdef *def = NULL;
	kpix_schema *schema = NULL;
	const char *out_dir = cli_value(&cmd_pack, a, "out");
	bool quiet = cli_value(&cmd_pack, a, "quiet") != NULL;
	rc = EXIT_USAGE;
	kpix_pack_options opts = KPIX_PACK_OPTIONS_INIT;
	opts.out_dir = out_dir;
	opts.period = cli_value(&cmd_pack, a, "period");
	opts.pdf = cli_value(&cmd_pack, a, "pdf") != NULL;
	if (cli_validate_options(&cmd_pack, a, &opts.validate) != 0 ||
	    cli_source_date_epoch(&opts.created) != 0)
		goto done;
	int prc = kpix_packdef_load(&def, cli_value(&cmd_pack, a, "pack"), cli_schema_path());
	if (!prc)
		prc = kpix_packdef_load_schema(&schema, def, cli_schema_path());
	if (!prc) {
		cli_catch_signals();
		prc = kpix_pack(&result, schema, def, (const char *const *)a->args, a->nargs, &opts);
	}
	rc = cli_write_outcome(prc, schema, result, "history", out_dir, quiet);
done:
	kpix_result_free(result);
	kpix_schema_free(schema);
	kpix_packdef_free(def);
	return rc;
}

const cli_command cmd_pack = {
	"pack",
	"write the quarterly Operational Board pack from a KPI history",
	"HISTORY.csv... --pack ID|FILE --period PERIOD --out DIR [--pdf] [--max-errors N]\n"
	"                   [--encoding auto|utf-8|windows-1252] [--sheet NAME] [--header-row N] [-q]",
	"Reads every period of the history (one file or several), checks it exactly as\n"
	"'kpix export' does against the schema the pack definition names, and writes\n"
	"the board pack for PERIOD into DIR: a workbook (cover, summary with RAG and\n"
	"direction of travel, exceptions, trends with charts, breakdowns, definitions,\n"
	"data quality), a CSV of the summary table, with --pdf the board report as a\n"
	"PDF (page 1 in words, fonts embedded, A4), and manifest.json recording every\n"
	"file read and written with its SHA-256. When the history has errors they are\n"
	"listed and nothing is written. Files are written whole or not at all, and\n"
	"never over an input.\n"
	"\n"
	"The workbook's date is the period's end or SOURCE_DATE_EPOCH, never the\n"
	"clock, so the same inputs give the same bytes. docs/packs.md describes the\n"
	"pack definition and how each figure is judged.\n"
	"\n"
	"exit codes: 0 written (warnings allowed), 1 the history has errors (nothing\n"
	"written), 2 a usage, schema or pack definition error, 3 a file could not be\n"
	"read or written, 4 an internal error in kpix",
	options,
	run,
	false,
	&needs,
};
