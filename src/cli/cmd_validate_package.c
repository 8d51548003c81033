/* cmd_validate_package.c - kpix validate datapackage.json: each tabular
 * resource of a Data Package checked against its own schema, read as its
 * dialect says, and reported under its name. */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "kpix/kpix.h"
#include "render.h"

/* s as a JSON string. */
static void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c < 0x20)
			fprintf(out, "\\u%04x", *c);
		else if (*c == '"' || *c == '\\')
			fprintf(out, "\\%c", *c);
		else
			fputc(*c, out);
	}
	fputc('"', out);
}

/* The report of one resource: a heading naming it and its file, then the
 * report as validate prints it for one schema; in JSON, an object with the
 * resource's name, its file and the report. */
static void render_resource(FILE *out, kpix_render_format format, const kpix_package *p,
                            size_t i, const kpix_report *report, bool colour)
{
	const char *name = kpix_package_resource_name(p, i);
	const char *path = kpix_package_resource_path(p, i);
	const kpix_schema *schema = kpix_package_resource_schema(p, i);
	if (format == KPIX_RENDER_JSON) {
		fprintf(out, "%s\n{\"resource\": ", i ? "," : "");
		json_string(out, name);
		fputs(", \"path\": ", out);
		json_string(out, path);
		fputs(", \"report\": ", out);
		kpix_render(out, format, schema, report, false);
		fputs("}", out);
		return;
	}
	fputs("resource '", out);
	kpix_render_visible(out, name);
	fputs("' (", out);
	kpix_render_visible(out, path);
	fputs(")\n", out);
	kpix_render(out, format, schema, report, colour);
	fputc('\n', out);
}

int cli_validate_package(const cli_command *cmd, const cli_args *a, const char *path,
                         const kpix_validate_options *base, kpix_render_format format,
                         const char *report_path, bool quiet)
{
	int rc;
	kpix_package *p = NULL;
	kpix_outfile *outfile = NULL;
	const char **inputs = NULL;
	FILE *out = stdout;
	(void)a;
	if (format == KPIX_RENDER_CSV) {
		cli_error("the report of a Data Package is text or json, not csv: give --format "
		          "text or json");
		return EXIT_USAGE;
	}
	int krc = kpix_package_load(&p, path);
	if (krc)
		return cli_failure(krc);
	size_t n = kpix_package_count(p);
	if (report_path) {
		/* every file read: the package, each resource's file and schema */
		size_t ninputs = 0;
		size_t cap = 1 + n;
		for (size_t i = 0; i < n; i++) {
			size_t ns;
			kpix_schema_files(kpix_package_resource_schema(p, i), &ns);
			cap += ns;
		}
		inputs = calloc(cap, sizeof(*inputs));
		if (!inputs) {
			rc = EXIT_INTERNAL;
			goto done;
		}
		inputs[ninputs++] = path;
		for (size_t i = 0; i < n; i++) {
			size_t ns;
			const char *const *sf = kpix_schema_files(kpix_package_resource_schema(p, i), &ns);
			inputs[ninputs++] = kpix_package_resource_path(p, i);
			for (size_t k = 0; k < ns; k++)
				inputs[ninputs++] = sf[k];
		}
		cli_catch_signals();
		if ((krc = kpix_outfile_open(&outfile, &out, report_path, inputs, ninputs))) {
			rc = cli_failure(krc);
			goto done;
		}
	}
	bool colour = format == KPIX_RENDER_TEXT && !report_path && isatty(STDOUT_FILENO);
	size_t invalid = 0;
	uint64_t errors = 0, warnings = 0;
	if (format == KPIX_RENDER_JSON)
		fputs("{\"resources\": [", out);
	for (size_t i = 0; i < n; i++) {
		kpix_validate_options opts = *base;
		kpix_package_resource_options(p, i, &opts);
		kpix_validator *v = NULL;
		if ((krc = kpix_validator_new(&v, kpix_package_resource_schema(p, i), &opts)) ||
		    (krc = kpix_validator_add_file(v, kpix_package_resource_path(p, i)))) {
			kpix_validator_free(v);
			rc = cli_failure(krc);
			goto done;
		}
		const kpix_report *report = kpix_validator_finish(v);
		render_resource(out, format, p, i, report, colour);
		invalid += kpix_report_errors(report) > 0;
		errors += kpix_report_errors(report);
		warnings += kpix_report_warnings(report);
		kpix_validator_free(v);
	}
	if (format == KPIX_RENDER_JSON) {
		fputs("\n]}\n", out);
	} else {
		const char *note;
		size_t nskipped = kpix_package_skipped(p, 0, &note);
		for (size_t i = 0; i < nskipped; i++) {
			kpix_package_skipped(p, i, &note);
			fputs("not checked: ", out);
			kpix_render_visible(out, note);
			fputc('\n', out);
		}
		fprintf(out, "%s: %s: %zu of %zu tabular resources valid; %" PRIu64 " error%s, %" PRIu64
		        " warning%s\n", invalid ? "invalid" : "valid", path, n - invalid, n, errors,
		        errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
	}
	if (report_path) {
		if ((krc = kpix_outfile_commit(outfile))) {
			rc = cli_failure(krc);
			goto done;
		}
		if (!quiet)
			fprintf(stderr, "kpix: %s: %" PRIu64 " errors, %" PRIu64 " warnings; report in %s\n",
			        errors ? "invalid" : "valid", errors, warnings, report_path);
	} else if ((rc = cli_flush("the report")) != EXIT_VALID) {
		goto done;
	}
	rc = errors ? EXIT_INVALID : EXIT_VALID;
	(void)cmd;
done:
	kpix_outfile_free(outfile);
	free(inputs);
	kpix_package_free(p);
	return rc;
}
