/* cmd_schemas.c - kpix schemas: list the shipped schemas, or describe one
 * in words. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kpix/kpix.h"

static int list(void)
{
	char **ids;
	size_t n;
	const char *path = cli_schema_path();
	kpix_schema_list(&ids, &n, path);
	if (n == 0) {
		cli_error("no schemas found in %s", path);
		return EXIT_IO;
	}
	int rc = EXIT_VALID;
	for (size_t i = 0; i < n; i++) {
		kpix_schema *s;
		int lrc = kpix_schema_load(&s, ids[i], path);
		if (lrc) {
			/* the list goes on past a schema that cannot be loaded, and
			 * ends with the status of the first such (README's table: 3
			 * for one that cannot be read, 2 for one that is not valid) */
			cli_error("%s", kpix_error_last());
			if (rc == EXIT_VALID)
				rc = cli_exit_status(lrc);
			continue;
		}
		printf("%-28s %-12s %s\n", kpix_schema_id(s), kpix_schema_version(s), kpix_schema_title(s));
		kpix_schema_free(s);
	}
	kpix_strings_free(ids, n);
	return rc;
}

static int show(const char *ref)
{
	kpix_schema *s;
	int lrc = kpix_schema_load(&s, ref, cli_schema_path());
	if (lrc)
		return cli_failure(lrc);
	char *text = kpix_schema_describe(s);
	fputs(text, stdout);
	free(text);
	kpix_schema_free(s);
	return EXIT_VALID;
}

static int run(const cli_args *a)
{
	int rc;
	if (a->nargs == 0 || (a->nargs == 1 && strcmp(a->args[0], "list") == 0))
		rc = list();
	else if (a->nargs == 2 && strcmp(a->args[0], "show") == 0)
		rc = show(a->args[1]);
	else
		rc = cli_usage(&cmd_schemas);
	return rc;
}

const cli_command cmd_schemas = {
	"schemas",
	"list the shipped schemas, or show one in words",
	"[list | show ID|FILE]",
	"'kpix schemas list' prints each shipped schema's id, version and title.\n"
	"'kpix schemas show ID' describes its fields, indicators, rules and\n"
	"completeness checks in plain words.",
	cli_no_options,
	run,
	false,
	NULL,
};
