/* cli.h - what the kpix commands share: the exit-code contract, the option
 * parser and message helpers. The command line uses only kpix's public
 * headers. */
#ifndef KPIX_CLI_H
#define KPIX_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kpix/kpix.h"

/* The exit-code contract, documented in kpix(1) and README.md. */
enum {
	EXIT_VALID = 0,    /* the data is valid (warnings allowed); or the command succeeded */
	EXIT_INVALID = 1,  /* the data has errors */
	EXIT_USAGE = 2,    /* a wrong command line, or a schema that cannot be used */
	EXIT_IO = 3,       /* a file that cannot be read or written */
	EXIT_INTERNAL = 4  /* a bug in kpix */
};

/* One option of a command. An option with an arg name takes a value. */
typedef struct {
	const char *name;   /* long name without "--" */
	char short_name;    /* 0 for none */
	const char *arg;    /* NULL for a flag, else the value's name for --help */
	const char *help;
} cli_option;

typedef struct {
	const char *name;
	const char *summary;  /* one line for 'kpix --help' */
	const char *usage;    /* arguments after the command name */
	const char *details;  /* paragraphs for 'kpix CMD --help' */
	const cli_option *options; /* ends with a zeroed entry */
	int (*run)(int argc, char **argv);
	bool hidden;          /* a developer's command, not listed */
} cli_command;

/* The parsed command line: for option i of the spec, values[i] is its last
 * value (or "1" for a flag that was given), NULL when absent. Arguments
 * that are not options are kept in order in args. */
typedef struct {
	const char **values;
	char **args;
	size_t nargs;
	struct cli_given {
		size_t option;
		const char *value;
	} *given;             /* every option with a value, in order */
	size_t ngiven;
} cli_args;

/* Parses argv (after the command name) against cmd's options. Prints a
 * message and returns EXIT_USAGE on an unknown option or a missing value;
 * returns -1 when --help was asked for and printed; else 0. */
int cli_parse(const cli_command *cmd, int argc, char **argv, cli_args *out);
void cli_args_free(cli_args *a);
const char *cli_value(const cli_command *cmd, const cli_args *a, const char *name);
/* Every value given for a repeatable option, in order, into out (room for
 * a->ngiven); returns how many. */
size_t cli_all_values(const cli_command *cmd, const cli_args *a, const char *name,
                      const char **out);

void cli_print_help(const cli_command *cmd);

/* The values of --max-errors and --encoding, which several commands take.
 * Each prints a message and returns -1 on a value it cannot use. */
int cli_parse_max_errors(const char *s, uint64_t *out);
int cli_parse_encoding(const char *s, kpix_encoding *out);

/* The date written into workbooks: SOURCE_DATE_EPOCH when it is set (seconds
 * since 1970, between 1980 and 2100), else -1. Prints a message and returns
 * -1 on a value it cannot use. */
int cli_source_date_epoch(int64_t *out);

/* "kpix: " + message on stderr, git style: lower case, no full stop. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Has SIGINT, SIGTERM and SIGHUP remove every temporary file and
 * directory kpix has in progress (kpix_cleanup_on_signal), then end the
 * process by that signal; a signal ignored when kpix started stays
 * ignored. For every command that writes files, before it starts writing. */
void cli_catch_signals(void);

/* For kpix_set_out_of_memory: removes the temporary files, says "kpix: out
 * of memory" and ends kpix with EXIT_INTERNAL. */
void cli_out_of_memory(size_t size);

/* The search path for shipped schemas: $KPIX_SCHEMA_PATH, then beside the
 * executable (a build tree or an install prefix), then the library's own. */
const char *cli_schema_path(void);

/* What a command that writes files only from valid data (export, pack)
 * says once the data is read: when it has errors, lists them and says
 * nothing was written to out_dir ("the WHAT has N errors"), returning
 * EXIT_INVALID; otherwise lists its warnings unless quiet and returns
 * EXIT_VALID, or EXIT_IO when the terminal cannot be written. */
int cli_write_outcome(const kpix_schema *schema, const kpix_report *report, const char *what,
                      const char *out_dir, bool quiet);

extern const cli_command cmd_validate;
extern const cli_command cmd_schemas;
extern const cli_command cmd_csv_dump;
extern const cli_command cmd_export;
extern const cli_command cmd_verify;
extern const cli_command cmd_template;
extern const cli_command cmd_pack;

#endif
