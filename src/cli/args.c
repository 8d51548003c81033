/* args.c - parse a command's options from its declarative table, and
 * write its --help from the same table. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "kpix/kpix.h"
#include "render.h"

const cli_option cli_no_options[] = {CLI_OPTIONS_END};

static const cli_option *find(const cli_command *cmd, const char *name, size_t len, char short_name,
                              size_t *index)
{
	for (size_t i = 0; cmd->options[i].name; i++) {
		const cli_option *o = &cmd->options[i];
		if ((short_name && o->short_name == short_name) ||
		    (!short_name && strlen(o->name) == len && strncmp(o->name, name, len) == 0)) {
			*index = i;
			return o;
		}
	}
	return NULL;
}

int cli_parse(const cli_command *cmd, int argc, char **argv, cli_args *out)
{
	size_t nopts = 0;
	while (cmd->options[nopts].name)
		nopts++;
	out->values = calloc(nopts + 1, sizeof(char *));
	out->args = calloc((size_t)argc + 1, sizeof(char *));
	out->nargs = 0;
	out->given = calloc((size_t)argc + 1, sizeof(*out->given));
	out->ngiven = 0;
	if (!out->values || !out->args || !out->given) {
		cli_error("out of memory");
		return EXIT_INTERNAL;
	}
	bool options_done = false;
	for (int i = 1; i < argc; i++) {
		char *a = argv[i];
		if (options_done || a[0] != '-' || a[1] == '\0') {
			out->args[out->nargs++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			options_done = true;
			continue;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			cli_print_help(cmd);
			return -1;
		}
		size_t idx;
		const cli_option *o;
		const char *value = NULL;
		if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');
			size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			o = find(cmd, a + 2, len, 0, &idx);
			if (eq)
				value = eq + 1;
		} else {
			o = a[2] == '\0' ? find(cmd, NULL, 0, a[1], &idx) : NULL;
		}
		if (!o) {
			/* the long options as typed, for "did you mean" */
			char **names = calloc(nopts + 1, sizeof(char *));
			char *near = NULL;
			size_t n = 0;
			for (; names && a[1] == '-' && n < nopts; n++) {
				size_t len = strlen(cmd->options[n].name) + 3;
				if (!(names[n] = malloc(len)))
					break;
				snprintf(names[n], len, "--%s", cmd->options[n].name);
			}
			if (names && n == nopts && a[1] == '-') {
				size_t len = strcspn(a, "=");
				char *typed = malloc(len + 1);
				if (typed) {
					memcpy(typed, a, len);
					typed[len] = '\0';
				}
				near = typed ? kpix_did_you_mean(typed, (const char *const *)names, n) : NULL;
				free(typed);
			}
			if (near && *near)
				cli_error("unknown option '%s' for 'kpix %s'; did you mean %s? See 'kpix %s "
				          "--help'",
				          a, cmd->name, near, cmd->name);
			else
				cli_error("unknown option '%s' for 'kpix %s'; see 'kpix %s --help'", a,
				          cmd->name, cmd->name);
			free(near);
			for (size_t k = 0; names && k < n; k++)
				free(names[k]);
			free(names);
			return EXIT_USAGE;
		}
		if (!o->arg) {
			if (value) {
				cli_error("the option --%s takes no value", o->name);
				return EXIT_USAGE;
			}
			out->values[idx] = "1";
			continue;
		}
		if (!value) {
			if (i + 1 >= argc) {
				cli_error("the option --%s needs a value (%s)", o->name, o->arg);
				return EXIT_USAGE;
			}
			value = argv[++i];
		}
		out->values[idx] = value;
		out->given[out->ngiven].option = idx;
		out->given[out->ngiven++].value = value;
	}
	return 0;
}

void cli_args_free(cli_args *a)
{
	free(a->values);
	free(a->args);
	free(a->given);
	a->values = NULL;
	a->args = NULL;
	a->given = NULL;
}

/* What to say when an option a command needs (cli_needs) is missing. */
static const struct {
	const char *option, *message;
} missing[] = {
	{"schema", "no schema given: add --schema ID or --schema FILE (see 'kpix schemas list')"},
	{"pack", "no pack given: add --pack ID or --pack FILE"},
	{"period", "no period given: add --period, such as --period \"2025-26 Q2\""},
	{"out", "no output directory given: add --out DIR"},
};

static int check_needs(const cli_command *cmd, const cli_needs *needs, const cli_args *a)
{
	for (size_t i = 0; i < sizeof(needs->options) / sizeof(needs->options[0]); i++) {
		const char *name = needs->options[i];
		if (!name || cli_value(cmd, a, name))
			continue;
		for (size_t m = 0; m < sizeof(missing) / sizeof(missing[0]); m++)
			if (strcmp(missing[m].option, name) == 0)
				cli_error("%s", missing[m].message);
		return EXIT_USAGE;
	}
	if (needs->args && a->nargs == 0) {
		cli_error("no %s given; usage: kpix %s %s", needs->args, cmd->name, cmd->usage);
		return EXIT_USAGE;
	}
	if (!needs->args && a->nargs > 0) {
		cli_error("unexpected argument '%s'; usage: kpix %s %s", a->args[0], cmd->name,
		          cmd->usage);
		return EXIT_USAGE;
	}
	return 0;
}

bool cli_start(const cli_command *cmd, const cli_needs *needs, int argc, char **argv, cli_args *a,
               int *status)
{
	int rc = cli_parse(cmd, argc, argv, a);
	if (rc == 0 && needs)
		rc = check_needs(cmd, needs, a);
	if (rc == 0)
		return true;
	cli_args_free(a);
	*status = rc < 0 ? EXIT_VALID : rc;
	return false;
}

int cli_usage(const cli_command *cmd)
{
	cli_error("usage: kpix %s %s", cmd->name, cmd->usage);
	return EXIT_USAGE;
}

size_t cli_all_values(const cli_command *cmd, const cli_args *a, const char *name,
                      const char **out)
{
	size_t n = 0;
	for (size_t g = 0; g < a->ngiven; g++)
		if (strcmp(cmd->options[a->given[g].option].name, name) == 0)
			out[n++] = a->given[g].value;
	return n;
}

const char *cli_value(const cli_command *cmd, const cli_args *a, const char *name)
{
	for (size_t i = 0; cmd->options[i].name; i++)
		if (strcmp(cmd->options[i].name, name) == 0)
			return a->values[i];
	return NULL;
}

void cli_print_help(const cli_command *cmd)
{
	printf("usage: kpix %s %s\n\n%s\n", cmd->name, cmd->usage, cmd->summary);
	if (cmd->details)
		printf("\n%s\n", cmd->details);
	printf("\noptions:\n");
	for (size_t i = 0; cmd->options[i].name; i++) {
		const cli_option *o = &cmd->options[i];
		char left[64];
		snprintf(left, sizeof(left), "%s%c%s--%s%s%s", o->short_name ? "-" : "",
		         o->short_name ? o->short_name : ' ', o->short_name ? ", " : " ", o->name,
		         o->arg ? " " : "", o->arg ? o->arg : "");
		printf("  %-28s %s\n", o->short_name ? left : left + 2, o->help);
	}
	printf("  %-28s %s\n", "-h, --help", "show this help");
}

static int parse_max_errors(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long n = strtoull(s, &end, 10);
	if (errno || *end || end == s || n == 0 || s[0] == '-') {
		cli_error("--max-errors takes a whole number of 1 or more, not '%s'", s);
		return -1;
	}
	*out = n;
	return 0;
}

static int parse_encoding(const char *s, kpix_encoding *out)
{
	if (kpix_encoding_parse(s, out) != 0) {
		cli_error("unknown encoding '%s'; expected auto, utf-8 or windows-1252", s);
		return -1;
	}
	return 0;
}

/* --header-row N: a row between 1 and Excel's last, 1,048,576. */
static int parse_header_row(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long n = strtoull(s, &end, 10);
	if (errno || *end || end == s || n == 0 || n > 1048576 || s[0] == '-') {
		cli_error("--header-row takes a row number from 1 to 1048576, not '%s'", s);
		return -1;
	}
	*out = n;
	return 0;
}

int cli_validate_options(const cli_command *cmd, const cli_args *a, kpix_validate_options *opts)
{
	const char *max_errors = cli_value(cmd, a, "max-errors");
	const char *encoding = cli_value(cmd, a, "encoding");
	const char *header_row = cli_value(cmd, a, "header-row");
	opts->sheet = cli_value(cmd, a, "sheet");
	if (max_errors && parse_max_errors(max_errors, &opts->max_errors) != 0)
		return -1;
	if (header_row && parse_header_row(header_row, &opts->header_row) != 0)
		return -1;
	if (encoding && parse_encoding(encoding, &opts->encoding) != 0)
		return -1;
	return 0;
}

int cli_load_schema(const cli_command *cmd, const cli_args *a, kpix_schema **out)
{
	int rc = kpix_schema_load(out, cli_value(cmd, a, "schema"), cli_schema_path());
	return rc ? cli_failure(rc) : EXIT_VALID;
}

/* SOURCE_DATE_EPOCH as reproducible-builds.org defines it: a whole number
 * of seconds since 1970. */
int cli_source_date_epoch(int64_t *out)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	*out = -1;
	if (!s || !*s)
		return 0;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < KPIX_CREATED_MIN || v > KPIX_CREATED_MAX) {
		cli_error("SOURCE_DATE_EPOCH must be seconds since 1970 between 1980 and 2100, not '%s'",
		          s);
		return -1;
	}
	*out = v;
	return 0;
}

int cli_write_outcome(int kpix_rc, const kpix_schema *schema, const kpix_result *result,
                      const char *what, const char *out_dir, bool quiet)
{
	if (kpix_rc)
		return cli_failure(kpix_rc);
	const kpix_report *report = kpix_result_report(result);
	if (kpix_report_errors(report) > 0) {
		kpix_render(stdout, KPIX_RENDER_TEXT, schema, report, isatty(STDOUT_FILENO));
		cli_error("the %s has %" PRIu64 " error%s: nothing was written to %s", what,
		          kpix_report_errors(report), kpix_report_errors(report) == 1 ? "" : "s",
		          out_dir);
		return EXIT_INVALID;
	}
	if (kpix_report_warnings(report) > 0 && !quiet)
		kpix_render(stdout, KPIX_RENDER_TEXT, schema, report, isatty(STDOUT_FILENO));
	int rc = cli_flush("to the terminal");
	if (rc != EXIT_VALID)
		return rc;
	for (size_t i = 0; i < kpix_result_output_count(result); i++)
		fprintf(stderr, "kpix: wrote %s/%s\n", out_dir, kpix_result_output_name(result, i));
	fprintf(stderr, "kpix: wrote %s/manifest.json\n", out_dir);
	return EXIT_VALID;
}

int cli_flush(const char *what)
{
	if (fflush(stdout) == 0)
		return EXIT_VALID;
	cli_error("cannot write %s: %s", what, strerror(errno));
	return EXIT_IO;
}
