/* fuzz_schema.c - the schema loader (src/schema/schema.c and the export layouts,
 * figures and expressions it reads) on arbitrary bytes as a schema's JSON.
 *
 * A schema that loads must have an id and a version and be described
 * (kpix schemas show); one that does not must say why. */
#include <string.h>

#include "fuzz.h"
#include "kpix/kpix.h"
#include "schema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kpix_schema *s = NULL;
	/* a directory that does not exist: a reference file named relative
	 * to the schema is not found, whatever the current directory holds */
	int rc = kpix_schema_load_mem(&s, "/nonexistent/fuzz-schema.json", (const char *)data, size);
	if (rc) {
		FUZZ_CHECK(s == NULL);
		FUZZ_CHECK(rc == KPIX_ESCHEMA || rc == KPIX_ENOTFOUND || rc == KPIX_EIO);
		FUZZ_CHECK(kpix_error_last()[0] != '\0');
		return 0;
	}
	FUZZ_CHECK(s != NULL);
	FUZZ_CHECK(kpix_schema_id(s)[0] != '\0');
	FUZZ_CHECK(kpix_schema_version(s)[0] != '\0');
	(void)strlen(kpix_schema_title(s));
	(void)strlen(kpix_schema_description(s));
	char *text = kpix_schema_describe(s);
	FUZZ_CHECK(text != NULL && text[0] != '\0');
	free(text);
	kpix_schema_free(s);
	return 0;
}
