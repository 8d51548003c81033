/* cmd_csv_dump.c - kpix csv-dump: print the records of a CSV file as kpix
 * reads them, as JSON. A developer's tool, used by the conformance tests
 * to compare kpix's reading with published expectations. */
#include <stdio.h>

#include "cli.h"
#include "kpix/kpix.h"

static const cli_option options[] = {
	{NULL, 0, NULL, NULL},
};

static int run(int argc, char **argv);

const cli_command cmd_csv_dump = {
	"csv-dump",
	"print the records of a CSV file as a JSON array of arrays",
	"FILE",
	"Exits 1 when the file has a structural problem (quoting, encoding, size).",
	options,
	run,
	true,
};

static int run(int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(&cmd_csv_dump, argc, argv, &a);
	if (rc) {
		cli_args_free(&a);
		return rc < 0 ? EXIT_VALID : rc;
	}
	if (a.nargs != 1) {
		cli_error("usage: kpix csv-dump FILE");
		cli_args_free(&a);
		return EXIT_USAGE;
	}
	int r = kpix_csv_dump_json(a.args[0], stdout);
	if (r == KPIX_ERROR) {
		/* not a failure of kpix: the file has a structural problem */
		cli_error("%s: %s", a.args[0], kpix_error_last());
		rc = EXIT_INVALID;
	} else if (r) {
		rc = cli_failure(r);
	} else {
		rc = EXIT_VALID;
	}
	cli_args_free(&a);
	return rc;
}
