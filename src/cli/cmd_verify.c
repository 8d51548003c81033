/* cmd_verify.c - kpix verify: check an export or a board pack against its
 * manifest.json and re-run it, for an auditor who wants to know that the
 * files in front of them are the ones kpix made from the inputs they have. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kpix/kpix.h"
#include "render.h"

static const cli_option options[] = {
	{"schema", 's', "ID|FILE", "use this schema instead of looking for the recorded one"},
	{"pack", 'k', "ID|FILE", "use this pack definition instead of looking for the recorded one"},
	{NULL, 0, NULL, NULL},
};


static int run(const cli_args *a);

const cli_command cmd_verify = {
	"verify",
	"check an export or a board pack against its manifest.json, and re-run it",
	"DIR/manifest.json [DATA.csv...] [--schema ID|FILE] [--pack ID|FILE]",
	"Checks that the schema and each input (and a board pack's definition) are the\n"
	"files the export or pack was made from (size and SHA-256), that each output\n"
	"in DIR is the file it wrote, and then re-runs it with the recorded options\n"
	"into a scratch directory (removed afterwards) and compares every file it\n"
	"writes, and a pack's fingerprint, with the manifest. Each file that differs or\n"
	"is missing is named.\n"
	"\n"
	"An input is the DATA file of the same name when one is given; otherwise it is\n"
	"looked for in DIR, then in the current directory. The schema is the shipped\n"
	"schema of the recorded id, or the recorded file in DIR or the current\n"
	"directory, unless --schema says which. A pack's definition is the recorded\n"
	"file in DIR or the current directory, or the shipped pack of the recorded id,\n"
	"unless --pack says which.\n"
	"\n"
	"exit codes: 0 verified, 1 not verified (a file differs, is missing or was not\n"
	"reproduced), 2 a usage error or a manifest kpix cannot read, 3 a file could\n"
	"not be read or written, or is not a regular file (a pipe, a device), 4 an\n"
	"internal error in kpix",
	options,
	run,
	false,
	NULL,
};

/* printf for everything verify prints. The names, paths and messages in
 * it come from the manifest, the file system and the library, so the
 * whole text goes through kpix_render_visible: a name holding a newline or
 * an escape sequence shows as \n or \x1b and cannot forge a line (say, a
 * "verified:" one) on the terminal. fmt's own text holds no control
 * character but a newline at its very end, which is written as one. */
static void say(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(FILE *out, const char *fmt, ...)
{
	char small[512], *text = small;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(small)) {
		text = malloc((size_t)n + 1);
		if (!text) {
			fputs("(out of memory)\n", out);
			return;
		}
		va_start(ap, fmt);
		vsnprintf(text, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	bool newline = n > 0 && text[n - 1] == '\n';
	if (newline)
		text[n - 1] = '\0';
	kpix_render_visible(out, text);
	if (newline)
		fputc('\n', out);
	if (text != small)
		free(text);
}

static const char *kind_word(kpix_verify_kind k)
{
	return k == KPIX_VERIFY_SCHEMA     ? "schema"
	       : k == KPIX_VERIFY_PACK     ? "pack definition"
	       : k == KPIX_VERIFY_INPUT    ? "input"
	       : k == KPIX_VERIFY_PREVIOUS ? "last period's file"
	       : k == KPIX_VERIFY_SECTOR   ? "sector's dataset"
	                                   : "output";
}

/* What was found about one file, as a line for an auditor. made: "export"
 * or "pack"; given: a data file was named for it on the command line. */
static void print_file(const kpix_verify_file *f, const char *dir, const char *made, bool reran,
                       bool given)
{
	say(stdout, "  %s %s: ", kind_word(f->kind), f->name);
	if (f->kind != KPIX_VERIFY_OUTPUT) {
		const char *what = f->kind == KPIX_VERIFY_SCHEMA ? "the schema"
		                   : f->kind == KPIX_VERIFY_PACK ? "the definition"
		                                                 : "the data";
		if (f->state == KPIX_VERIFY_SAME)
			say(stdout, "unchanged (%s)\n", f->path);
		else if (f->state == KPIX_VERIFY_CHANGED)
			say(stdout, "CHANGED: %s is not %s the %s was made from\n", f->path, what,
			    made);
		else if (f->kind == KPIX_VERIFY_SCHEMA)
			say(stdout, "MISSING: not found; give it with --schema FILE\n");
		else if (f->kind == KPIX_VERIFY_PACK)
			say(stdout, "MISSING: not found; give it with --pack FILE\n");
		else if (given)
			say(stdout, "MISSING: the file given for it does not exist\n");
		else
			say(stdout,
			    "MISSING: not in %s or the current directory; give it on the command "
			    "line\n",
			    dir);
		return;
	}
	if (!f->recorded) {
		say(stdout,
		    "EXTRA: the re-run wrote this file, which the manifest does not list\n");
		return;
	}
	const char *rerun = !reran                            ? NULL
	                    : f->rerun == KPIX_VERIFY_SAME    ? NULL
	                    : f->rerun == KPIX_VERIFY_MISSING ? "NOT REPRODUCED: the re-run did not "
	                                                        "write it"
	                                                      : "NOT REPRODUCED: the re-run wrote "
	                                                        "other bytes";
	if (f->state == KPIX_VERIFY_SAME && !rerun) {
		say(stdout, "%s\n",
		    reran ? "matches, and the re-run gives the same bytes"
		          : "matches the manifest (not re-run)");
		return;
	}
	if (f->state == KPIX_VERIFY_MISSING)
		say(stdout, "MISSING from %s", dir);
	else if (f->state == KPIX_VERIFY_CHANGED)
		say(stdout, "ALTERED: the file in %s is not the one the %s wrote", dir, made);
	else
		say(stdout, "the file in %s matches the manifest", dir);
	if (rerun)
		say(stdout, "; %s", rerun);
	putchar('\n');
}

/* The one-line verdict: what an auditor reads first. */
static void print_verdict(const kpix_verify_result *r, const char *dir, const char *made,
                          size_t nout)
{
	if (kpix_verify_ok(r)) {
		if (nout == 1)
			say(stdout,
			    "verified: the output in %s is the one the %s wrote, and re-running "
			    "it gives the same bytes\n",
			    dir, made);
		else
			say(stdout,
			    "verified: the %zu outputs in %s are the ones the %s wrote, and "
			    "re-running it gives the same bytes\n",
			    nout, dir, made);
		return;
	}
	size_t schema = 0, pack = 0, changed = 0, missing_in = 0, altered = 0, missing_out = 0,
	       unrepro = 0, extra = 0;
	for (size_t i = 0; i < kpix_verify_file_count(r); i++) {
		const kpix_verify_file *f = kpix_verify_file_get(r, i);
		if (f->kind == KPIX_VERIFY_SCHEMA) {
			schema += f->state != KPIX_VERIFY_SAME;
		} else if (f->kind == KPIX_VERIFY_PACK) {
			pack += f->state != KPIX_VERIFY_SAME;
		} else if (f->kind == KPIX_VERIFY_INPUT || f->kind == KPIX_VERIFY_PREVIOUS ||
		           f->kind == KPIX_VERIFY_SECTOR) {
			changed += f->state == KPIX_VERIFY_CHANGED;
			missing_in += f->state == KPIX_VERIFY_MISSING;
		} else if (!f->recorded) {
			extra++;
		} else {
			altered += f->state == KPIX_VERIFY_CHANGED;
			missing_out += f->state == KPIX_VERIFY_MISSING;
			unrepro += kpix_verify_reran(r) && f->rerun != KPIX_VERIFY_SAME;
		}
	}
	bool is_pack = kpix_verify_is_pack(r);
	const struct {
		size_t n;
		const char *one, *many;
	} parts[] = {
		{schema, "the schema is not the one used", NULL},
		{pack, "the pack definition is not the one used", NULL},
		{changed, "input changed", "inputs changed"},
		{missing_in, "input not found", "inputs not found"},
		{altered,
		 is_pack ? "output altered after the pack was made" : "output altered after the export",
		 is_pack ? "outputs altered after the pack was made" : "outputs altered after the export"},
		{missing_out, "output missing", "outputs missing"},
		{unrepro, "output not reproduced", "outputs not reproduced"},
		{extra, "extra output", "extra outputs"},
	};
	say(stdout, "NOT verified:");
	bool any = false;
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		if (!parts[i].n)
			continue;
		say(stdout, "%s", any ? ", " : " ");
		if (!parts[i].many)
			say(stdout, "%s", parts[i].one);
		else
			say(stdout, "%zu %s", parts[i].n,
			    parts[i].n == 1 ? parts[i].one : parts[i].many);
		any = true;
	}
	if (!any)
		say(stdout, " see the errors above");
	putchar('\n');
}

static int run(const cli_args *a)
{
	kpix_verify_result *result = NULL;
	int rc = EXIT_USAGE;
	if (a->nargs == 0) {
		cli_error("no manifest given; usage: kpix verify %s", cmd_verify.usage);
		goto done;
	}
	kpix_verify_options opts = KPIX_VERIFY_OPTIONS_INIT;
	opts.schema = cli_value(&cmd_verify, a, "schema");
	opts.pack = cli_value(&cmd_verify, a, "pack");
	opts.schema_path = cli_schema_path();
	opts.data = (const char *const *)a->args + 1;
	opts.ndata = a->nargs - 1;
	const char *manifest = a->args[0];

	cli_catch_signals();
	int vrc = kpix_verify(&result, manifest, &opts);
	if (vrc) {
		/* the message may name a data file or a recorded name */
		say(stderr, "kpix: %s\n", kpix_error_last());
		rc = cli_exit_status(vrc);
		goto done;
	}
	const char *slash = strrchr(manifest, '/');
	char *dir = slash ? strndup(manifest, (size_t)(slash - manifest + (slash == manifest)))
	                  : strdup(".");
	if (!dir) {
		rc = EXIT_INTERNAL;
		goto done;
	}
	const char *made = kpix_verify_is_pack(result) ? "pack" : "export";
	if (kpix_verify_is_pack(result))
		say(stdout,
		    "%s: a board pack for %s by kpix %s with the pack %s %s and the schema %s %s\n",
		    manifest, kpix_verify_period(result), kpix_verify_made_by(result),
		    kpix_verify_pack_id(result), kpix_verify_pack_version(result),
		    kpix_verify_schema_id(result), kpix_verify_schema_version(result));
	else
		say(stdout, "%s: an export by kpix %s with the schema %s %s\n", manifest,
		    kpix_verify_made_by(result), kpix_verify_schema_id(result),
		    kpix_verify_schema_version(result));
	size_t nout = 0;
	for (size_t i = 0; i < kpix_verify_file_count(result); i++) {
		const kpix_verify_file *f = kpix_verify_file_get(result, i);
		bool given = false;
		for (size_t d = 0; d < opts.ndata && (f->kind == KPIX_VERIFY_INPUT ||
		                                      f->kind == KPIX_VERIFY_PREVIOUS ||
		                                      f->kind == KPIX_VERIFY_SECTOR);
		     d++) {
			const char *b = strrchr(opts.data[d], '/');
			given |= strcmp(b ? b + 1 : opts.data[d], f->name) == 0;
		}
		print_file(f, dir, made, kpix_verify_reran(result), given);
		nout += f->kind == KPIX_VERIFY_OUTPUT && f->recorded;
	}
	for (size_t i = 0; i < kpix_verify_note_count(result); i++) {
		const kpix_verify_note *n = kpix_verify_note_get(result, i);
		say(stdout, "  %s: %s\n", n->severity == KPIX_SEVERITY_ERROR ? "error" : "warning",
		    n->message);
	}
	print_verdict(result, dir, made, nout);
	free(dir);
	if (fflush(stdout) != 0) {
		cli_error("cannot write to the terminal: %s", strerror(errno));
		rc = EXIT_IO;
		goto done;
	}
	rc = kpix_verify_ok(result) ? EXIT_VALID : EXIT_INVALID;
done:
	kpix_verify_free(result);
	return rc;
}
