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
	{"out", 'o', "DIR", "the directory to write into (made if missing)"},
	{"max-errors", 0, "N", "list at most N problems (default 1000; all are counted)"},
	{"encoding", 0, "ENC", "auto (default), utf-8 or windows-1252"},
	{"quiet", 'q', NULL, "no list of warnings on the terminal"},
	{NULL, 0, NULL, NULL},
};

static int run(int argc, char **argv);

const cli_command cmd_pack = {
	"pack",
	"write the quarterly Operational Board pack from a KPI history",
	"HISTORY.csv... --pack ID|FILE --period PERIOD --out DIR [--max-errors N]\n"
	"                   [--encoding auto|utf-8|windows-1252] [-q]",
	"Reads every period of the history (one file or several), checks it exactly as\n"
	"'kpix export' does against the schema the pack definition names, and writes\n"
	"the board pack for PERIOD into DIR: a workbook (cover, summary with RAG and\n"
	"direction of travel, exceptions, trends with charts, breakdowns, definitions,\n"
	"data quality), a CSV of the summary table, and manifest.json recording every\n"
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
};

static int run(int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(&cmd_pack, argc, argv, &a);
	kpix_pack_result *result = NULL;
	kpix_packdef *def = NULL;
	kpix_schema *schema = NULL;
	if (rc) {
		rc = rc < 0 ? EXIT_VALID : rc;
		goto done;
	}
	const char *pack = cli_value(&cmd_pack, &a, "pack");
	const char *period = cli_value(&cmd_pack, &a, "period");
	const char *out_dir = cli_value(&cmd_pack, &a, "out");
	const char *max_errors = cli_value(&cmd_pack, &a, "max-errors");
	const char *encoding = cli_value(&cmd_pack, &a, "encoding");
	bool quiet = cli_value(&cmd_pack, &a, "quiet") != NULL;
	rc = EXIT_USAGE;
	if (!pack) {
		cli_error("no pack given: add --pack ID or --pack FILE");
		goto done;
	}
	if (!period) {
		cli_error("no period given: add --period, such as --period \"2025-26 Q2\"");
		goto done;
	}
	if (!out_dir) {
		cli_error("no output directory given: add --out DIR");
		goto done;
	}
	if (a.nargs == 0) {
		cli_error("no history files given; usage: kpix pack %s", cmd_pack.usage);
		goto done;
	}
	kpix_pack_options opts = KPIX_PACK_OPTIONS_INIT;
	opts.out_dir = out_dir;
	opts.period = period;
	if (max_errors && cli_parse_max_errors(max_errors, &opts.validate.max_errors) != 0)
		goto done;
	if (encoding && cli_parse_encoding(encoding, &opts.validate.encoding) != 0)
		goto done;
	if (cli_source_date_epoch(&opts.created) != 0)
		goto done;
	int prc = kpix_packdef_load(&def, pack, cli_schema_path());
	if (!prc)
		prc = kpix_packdef_load_schema(&schema, def, cli_schema_path());
	if (!prc) {
		cli_catch_signals();
		prc = kpix_pack(&result, schema, def, (const char *const *)a.args, a.nargs, &opts);
	}
	const kpix_report *report = kpix_pack_report(result);
	if (prc) {
		rc = cli_failure(prc);
		goto done;
	}
	if ((rc = cli_write_outcome(schema, report, "history", out_dir, quiet)) != EXIT_VALID)
		goto done;
	for (size_t i = 0; i < kpix_pack_output_count(result); i++)
		fprintf(stderr, "kpix: wrote %s/%s\n", out_dir, kpix_pack_output_name(result, i));
	fprintf(stderr, "kpix: wrote %s/manifest.json\n", out_dir);
	rc = EXIT_VALID;
done:
	kpix_pack_free(result);
	kpix_schema_free(schema);
	kpix_packdef_free(def);
	cli_args_free(&a);
	return rc;
}
