/* csvcount - the "just parsing" baseline of the kpix benchmark.
 *
 * Reads one CSV file in fixed-size chunks, hands every chunk to libcsv in
 * strict mode and counts the fields and records its callbacks see. Nothing
 * is typed, checked or stored: this is the floor that any validator built
 * on libcsv pays, and kpix's throughput is reported as a share of it.
 *
 * usage: csvcount FILE [CHUNK_KIB]     (CHUNK_KIB 64..1024, default 256)
 * prints: rows=N fields=N bytes=N      (rows include the header record)
 * exit:   0 parsed, 1 malformed CSV, 2 usage or I/O error
 */
#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct counts {
	unsigned long long rows;
	unsigned long long fields;
};

static void on_field(void *data, size_t len, void *ctx)
{
	(void)data;
	(void)len;
	((struct counts *)ctx)->fields++;
}

static void on_row(int terminator, void *ctx)
{
	(void)terminator;
	((struct counts *)ctx)->rows++;
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: csvcount FILE [CHUNK_KIB]\n");
		return 2;
	}
	long kib = 256;
	if (argc == 3) {
		char *end = NULL;
		kib = strtol(argv[2], &end, 10);
		if (end == argv[2] || *end != '\0' || kib < 64 || kib > 1024) {
			fprintf(stderr, "csvcount: chunk size must be 64..1024 KiB, not '%s'\n", argv[2]);
			return 2;
		}
	}
	size_t chunk = (size_t)kib * 1024;

	FILE *in = fopen(argv[1], "rb");
	if (in == NULL) {
		fprintf(stderr, "csvcount: cannot open '%s': %s\n", argv[1], strerror(errno));
		return 2;
	}
	char *buf = malloc(chunk);
	if (buf == NULL) {
		fprintf(stderr, "csvcount: out of memory\n");
		fclose(in);
		return 2;
	}

	struct csv_parser parser;
	if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		fprintf(stderr, "csvcount: csv_init failed\n");
		free(buf);
		fclose(in);
		return 2;
	}

	struct counts c = {0, 0};
	unsigned long long bytes = 0;
	int rc = 0;
	size_t got;
	while ((got = fread(buf, 1, chunk, in)) > 0) {
		if (csv_parse(&parser, buf, got, on_field, on_row, &c) != got) {
			fprintf(stderr, "csvcount: '%s': %s (near byte %llu)\n", argv[1],
			        csv_strerror(csv_error(&parser)), bytes);
			rc = 1;
			break;
		}
		bytes += got;
	}
	if (rc == 0 && ferror(in)) {
		fprintf(stderr, "csvcount: cannot read '%s': %s\n", argv[1], strerror(errno));
		rc = 2;
	}
	if (rc == 0 && csv_fini(&parser, on_field, on_row, &c) != 0) {
		fprintf(stderr, "csvcount: '%s': %s at end of file\n", argv[1],
		        csv_strerror(csv_error(&parser)));
		rc = 1;
	}
	csv_free(&parser);
	free(buf);
	fclose(in);

	if (rc == 0)
		printf("rows=%llu fields=%llu bytes=%llu\n", c.rows, c.fields, bytes);
	return rc;
}
