/* cmd_template.c - kpix template: write blank input templates, a CSV
 * header and an Excel workbook, made from a schema. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "kpix/kpix.h"

static const cli_option options[] = {
	CLI_OPTION_SCHEMA,
	CLI_OPTION_OUT,
	CLI_OPTIONS_END,
};

static const cli_needs needs = {{"schema", "out"}, NULL};

static int run(const cli_args *a)
{
	int rc;
	kpix_schema *schema = NULL;
	char **written = NULL;
	size_t nwritten = 0;
	const char *out_dir = cli_value(&cmd_template, a, "out");
	rc = EXIT_USAGE;
	kpix_template_options opts = KPIX_TEMPLATE_OPTIONS_INIT;
	opts.out_dir = out_dir;
	if (cli_source_date_epoch(&opts.created) != 0)
		goto done;

	if ((rc = cli_load_schema(&cmd_template, a, &schema)) != EXIT_VALID)
		goto done;
	cli_catch_signals();
	int trc = kpix_template(&written, &nwritten, schema, &opts);
	if (trc) {
		rc = cli_failure(trc);
		goto done;
	}
	for (size_t i = 0; i < nwritten; i++)
		fprintf(stderr, "kpix: wrote %s/%s\n", out_dir, written[i]);
	rc = EXIT_VALID;
done:
	kpix_strings_free(written, nwritten);
	kpix_schema_free(schema);
	return rc;
}

const cli_command cmd_template = {
	"template",
	"write blank input templates (CSV and XLSX) for a schema",
	"--schema ID|FILE --out DIR",
	"Writes two files into DIR, both or neither, never over the schema:\n"
	"  ID-template.csv   the header row the schema expects, and nothing else\n"
	"  ID-template.xlsx  a workbook to send to the people who fill in the data: a\n"
	"                    Data sheet with the same headings, a hint on each column,\n"
	"                    dropdowns for listed values and indicator codes, number,\n"
	"                    date and length limits where the schema sets them; a\n"
	"                    Guide sheet describing every column; and an Indicators\n"
	"                    sheet when the schema has a catalogue.\n"
	"Check the filled-in workbook itself with 'kpix validate FILE.xlsx --schema ID'\n"
	"(it reads the Data sheet), or the Data sheet saved as CSV UTF-8; 'kpix export'\n"
	"and 'kpix pack' read the workbook too.\n"
	"\n"
	"The workbook's date is SOURCE_DATE_EPOCH when set, else 1 January 1980, never\n"
	"the clock, so the same schema gives the same bytes.\n"
	"\n"
	"exit codes: 0 written, 2 a usage or schema error, 3 a file could not be read\n"
	"or written, 4 an internal error in kpix",
	options,
	run,
	false,
	&needs,
};
