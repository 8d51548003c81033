/* cmd_csv_dump.c - kpix csv-dump: print the records of a CSV file as kpix
 * reads them, as JSON. A developer's tool, used by the conformance tests
 * to compare kpix's reading with published expectations. */
#include <stdio.h>

#include "cli.h"
#include "kpix/kpix.h"

static int run(const cli_args *a)
{
	int rc;
	if (a->nargs != 1) {
			return cli_usage(&cmd_csv_dump);
	}
	int r = kpix_csv_dump_json(a->args[0], stdout);
	if (r == KPIX_ERROR) {
		/* not a failure of kpix: the file has a structural problem */
		cli_error("%s: %s", a->args[0], kpix_error_last());
		rc = EXIT_INVALID;
	} else if (r) {
		rc = cli_failure(r);
	} else {
		rc = EXIT_VALID;
	}
	return rc;
}

const cli_command cmd_csv_dump = {
	"csv-dump",
	"print the records of a CSV file as a JSON array of arrays",
	"FILE",
	"Exits 1 when the file has a structural problem (quoting, encoding, size).",
	cli_no_options,
	run,
	true,
	NULL,
};
