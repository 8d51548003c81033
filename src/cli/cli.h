/* cli.h - what the kpix commands share: the exit-code contract, the option
 * parser and message helpers. The command line uses only kpix's public
 * headers. */
#ifndef KPIX_CLI_H
#define KPIX_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kpix/kpix.h"
#include "render.h"

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

/* The options several commands share, each with one help text, for their
 * tables; CLI_OPTIONS_END ends a table. */
#define CLI_OPTION_SCHEMA                                                                         \
	{"schema", 's', "ID|FILE", "the schema: a shipped id (see 'kpix schemas list') or a JSON file"}
#define CLI_OPTION_OUT {"out", 'o', "DIR", "the directory to write into (made if missing)"}
#define CLI_OPTION_MAX_ERRORS                                                                     \
	{"max-errors", 0, "N", "list at most N problems (default 1000; all are counted)"}
#define CLI_OPTION_ENCODING {"encoding", 0, "ENC", "auto (default), utf-8 or windows-1252"}
#define CLI_OPTION_PREVIOUS                                                                       \
	{"previous", 0, "FILE", "last period's data, for the schema's comparisons with it"}
#define CLI_OPTION_SHEET                                                                          \
	{"sheet", 0, "NAME", "the sheet to read in a workbook (default: Data, else the first visible)"}
#define CLI_OPTION_HEADER_ROW                                                                     \
	{"header-row", 0, "N", "the row of the column names (default: row 1; in a workbook, found in rows 1-20)"}
#define CLI_OPTIONS_END {NULL, 0, NULL, NULL}

/* A command: its name, help texts, options and what runs it (below). */
typedef struct cli_command cli_command;

/* The table of a command that has no options but --help. */
extern const cli_option cli_no_options[];

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

/* What a command cannot do without, beyond its options table: the options
 * it needs, in the order it asks for them (args.c has what to say when each
 * is missing), and its arguments: NULL for a command that takes none, else
 * what they are ("data files"), of which it takes one or more. */
typedef struct {
	const char *options[4];
	const char *args;
} cli_needs;

struct cli_command {
	const char *name;
	const char *summary;  /* one line for 'kpix --help' */
	const char *usage;    /* arguments after the command name */
	const char *details;  /* paragraphs for 'kpix CMD --help' */
	const cli_option *options; /* ends with a zeroed entry */
	int (*run)(const cli_args *a); /* the command line parsed and checked against needs */
	bool hidden;          /* a developer's command, not listed */
	const cli_needs *needs; /* checked before run; NULL: run checks its arguments */
};

/* The start of a command's run: parses argv against cmd's options
 * (cli_parse), then checks what needs asks for (NULL for nothing). Returns
 * true to go on, with a to be freed by cli_args_free; else false, a freed
 * and *status the exit status to end with: EXIT_VALID when --help was
 * asked for and printed, EXIT_USAGE when the command line was wrong (and
 * said so), EXIT_INTERNAL when memory ran out. */
bool cli_start(const cli_command *cmd, const cli_needs *needs, int argc, char **argv, cli_args *a,
               int *status);

/* Says "usage: kpix CMD USAGE" and returns EXIT_USAGE. */
int cli_usage(const cli_command *cmd);
const char *cli_value(const cli_command *cmd, const cli_args *a, const char *name);
/* Every value given for a repeatable option, in order, into out (room for
 * a->ngiven); returns how many. */
size_t cli_all_values(const cli_command *cmd, const cli_args *a, const char *name,
                      const char **out);

void cli_print_help(const cli_command *cmd);

/* The values of --max-errors and --encoding, which the commands that
 * validate take, into opts where they are given. Prints a message and
 * returns -1 on a value it cannot use. */
int cli_validate_options(const cli_command *cmd, const cli_args *a, kpix_validate_options *opts);

/* Loads the schema --schema names into *out (free with kpix_schema_free):
 * EXIT_VALID, or says why it cannot and returns that exit status. */
int cli_load_schema(const cli_command *cmd, const cli_args *a, kpix_schema **out);

/* The date written into workbooks: SOURCE_DATE_EPOCH when it is set (seconds
 * since 1970, between 1980 and 2100), else -1. Prints a message and returns
 * -1 on a value it cannot use. */
int cli_source_date_epoch(int64_t *out);

/* Flushes stdout: EXIT_VALID, or, when that fails, says "cannot write
 * WHAT: <reason>" and returns EXIT_IO. */
int cli_flush(const char *what);

/* "kpix: " + message on stderr, git style: lower case, no full stop. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The one mapping from what a kpix_ function returned to the exit status,
 * for every command: 0 is EXIT_VALID; KPIX_EIO (a file that cannot be read
 * or written) EXIT_IO; KPIX_EUSAGE, KPIX_ENOTFOUND, KPIX_ESCHEMA and
 * KPIX_EMANIFEST (a usage error, a schema or pack definition that cannot
 * be used, a manifest kpix cannot read) EXIT_USAGE; anything else
 * (KPIX_ERROR) EXIT_INTERNAL. */
int cli_exit_status(int kpix_rc);

/* For a kpix_ function that failed with kpix_rc: says kpix_error_last()
 * as cli_error does and returns cli_exit_status(kpix_rc). */
int cli_failure(int kpix_rc);

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
 * says once it has run, kpix_rc what its kpix_ function returned: when
 * that failed, says so as cli_failure does and returns its exit status;
 * when the data has errors, lists them and says nothing was written to
 * out_dir ("the WHAT has N errors"), returning EXIT_INVALID; otherwise
 * lists its warnings unless quiet, says on stderr each file written and
 * manifest.json, and returns EXIT_VALID, or EXIT_IO when the terminal
 * cannot be written. */
int cli_write_outcome(int kpix_rc, const kpix_schema *schema, const kpix_result *result,
                      const char *what, const char *out_dir, bool quiet);

/* kpix validate with a Data Package (cmd_validate_package.c): each tabular
 * resource of the package at path checked and reported, in format (text or
 * json), to report_path or stdout; returns the exit status. */
int cli_validate_package(const cli_command *cmd, const cli_args *a, const char *path,
                         const kpix_validate_options *base, kpix_render_format format,
                         const char *report_path, bool quiet);

extern const cli_command cmd_validate;
extern const cli_command cmd_schemas;
extern const cli_command cmd_csv_dump;
extern const cli_command cmd_export;
extern const cli_command cmd_verify;
extern const cli_command cmd_template;
extern const cli_command cmd_pack;

#endif
