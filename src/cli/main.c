/* main.c - the kpix command: a table of subcommands, each in its own file. */
#define _POSIX_C_SOURCE 200809L
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "kpix/kpix.h"

static const cli_command *const commands[] = {&cmd_validate, &cmd_export,  &cmd_pack, &cmd_verify,
                                              &cmd_template, &cmd_schemas, &cmd_csv_dump};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

void cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("kpix: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

int cli_exit_status(int kpix_rc)
{
	switch (kpix_rc) {
	case KPIX_OK:
		return EXIT_VALID;
	case KPIX_EIO:
		return EXIT_IO;
	case KPIX_EUSAGE:
	case KPIX_ENOTFOUND:
	case KPIX_ESCHEMA:
	case KPIX_EMANIFEST:
		return EXIT_USAGE;
	default:
		return EXIT_INTERNAL;
	}
}

int cli_failure(int kpix_rc)
{
	cli_error("%s", kpix_error_last());
	return cli_exit_status(kpix_rc);
}

static void print_overview(FILE *out)
{
	fprintf(out,
	        "usage: kpix <command> [options]\n"
	        "\n"
	        "Checks KPI returns against versioned submission schemas.\n"
	        "\n"
	        "commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!commands[i]->hidden)
			fprintf(out, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(out,
	        "\n"
	        "options:\n"
	        "  --help     show this help; 'kpix <command> --help' for a command\n"
	        "  --version  show the version of kpix\n"
	        "\n"
	        "exit codes: 0 valid, 1 invalid data, 2 usage or schema error, 3 file error,\n"
	        "4 internal error\n");
}

const char *cli_schema_path(void)
{
	static char path[3 * PATH_MAX + 8];
	const char *env = getenv("KPIX_SCHEMA_PATH");
	if (env && *env)
		return env;
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return kpix_default_schema_path();
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	/* a build directory, wherever it was made, holds the link
	 * kpix-source-schemas to its source tree's schemas (made by CMake and
	 * never installed), so it comes first; an install puts schemas in
	 * <prefix>/share/kpix/schemas beside <prefix>/bin */
	snprintf(path, sizeof(path), "%s/kpix-source-schemas:%s/../share/kpix/schemas:%s", exe, exe,
	         kpix_default_schema_path());
	return path;
}

/* Parses the command's arguments, checks what it needs (--help printed:
 * 0; a usage error: 2, said) and runs it on them. */
static int run_command(const cli_command *cmd, int argc, char **argv)
{
	cli_args a;
	int rc;
	if (!cli_start(cmd, cmd->needs, argc, argv, &a, &rc))
		return rc;
	rc = cmd->run(&a);
	cli_args_free(&a);
	return rc;
}

int main(int argc, char **argv)
{
	kpix_set_out_of_memory(cli_out_of_memory);
	if (argc < 2) {
		print_overview(stderr);
		return EXIT_USAGE;
	}
	const char *name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
		if (argc > 2) {
			for (size_t i = 0; i < NCOMMANDS; i++)
				if (strcmp(commands[i]->name, argv[2]) == 0) {
					cli_print_help(commands[i]);
					return EXIT_VALID;
				}
		}
		print_overview(stdout);
		return EXIT_VALID;
	}
	if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
		printf("kpix %s\n", KPIX_VERSION);
		return EXIT_VALID;
	}
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i]->name, name) == 0)
			return run_command(commands[i], argc - 1, argv + 1);
	const char *names[NCOMMANDS];
	size_t n = 0;
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!commands[i]->hidden)
			names[n++] = commands[i]->name;
	char *near = kpix_did_you_mean(name, names, n);
	if (*near)
		cli_error("'%s' is not a kpix command; did you mean %s? See 'kpix --help'", name, near);
	else
		cli_error("'%s' is not a kpix command; see 'kpix --help'", name);
	free(near);
	return EXIT_USAGE;
}
