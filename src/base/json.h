/* json.h - the JSON document reader: schemas, pack definitions and
 * manifests are all read through it.
 *
 * A document is parsed whole (jansson does the parsing and stays inside
 * json.c) and kept with its text, so that a problem found later, at a path
 * such as "fields[3].constraints.requried", is reported with the file's
 * line and column: "FILE:LINE:COL: PATH: what is wrong". The typed member
 * readers below check a member's kind and report a wrong one that way.
 *
 * Values (kpix_json) are borrowed from their document and live as long as
 * it does. Every reader accepts NULL where a value is absent: a NULL value
 * is of no kind, has no members and no elements. */
#ifndef KPIX_JSON_H
#define KPIX_JSON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "util.h"

typedef struct kpix_json_doc kpix_json_doc;
typedef struct kpix_json kpix_json;

/* The most a document may hold; a larger one is refused unread. */
#define KPIX_JSON_MAX_BYTES (16u * 1024 * 1024)

/* A list of strings, NULL-terminated as well as counted. */
typedef struct {
	char **items;
	size_t n;
} kpix_strlist;

/* Frees the strings and leaves l empty. */
void kpix_strlist_free(kpix_strlist *l);

/* ---------------------------------------------------------- documents */

/* Reads and parses file, which messages call the WHAT ("schema", "pack
 * definition"). Duplicate keys are refused. Returns 0 with *out the
 * document (free with kpix_json_free); KPIX_ENOTFOUND or KPIX_EIO ("cannot
 * read WHAT 'FILE': ...") when the file cannot be read; KPIX_ESCHEMA when it
 * is larger than KPIX_JSON_MAX_BYTES, holds only white space, or is not
 * JSON ("FILE:LINE:COL: the WHAT is not valid JSON: ..."). */
int kpix_json_read(kpix_json_doc **out, const char *file, const char *what);

/* As kpix_json_read, for the len bytes at data (copied), which messages
 * call name. */
int kpix_json_parse(kpix_json_doc **out, const char *name, const char *data, size_t len,
                    const char *what);

/* The same, with code in place of KPIX_ESCHEMA for every problem of the
 * document (too large, empty, not JSON) and as its error code
 * (kpix_json_set_error): KPIX_EMANIFEST for a manifest. */
int kpix_json_read_as(kpix_json_doc **out, const char *file, const char *what, int code);
int kpix_json_parse_as(kpix_json_doc **out, const char *name, const char *data, size_t len,
                       const char *what, int code);

/* NULL-safe. */
void kpix_json_free(kpix_json_doc *doc);

/* The version of the JSON parser (jansson) kpix is built with, for a
 * manifest's "versions". */
const char *kpix_json_version(void);

/* The SHA-256 of the document's bytes exactly as they were read (or
 * given), and how many there were (size may be NULL): what a manifest
 * records for the file, with no second read that could see other bytes. */
void kpix_json_sha256(const kpix_json_doc *doc, char hex[KPIX_SHA256_HEX_SIZE], uint64_t *size);

const kpix_json *kpix_json_root(const kpix_json_doc *doc);

/* The value v as JSON text, its members in the order read, with 2-space
 * indentation: a part of a document to be read as a document of its own
 * (a Data Package's inline schema). A new string the caller frees. */
char *kpix_json_dump(const kpix_json *v);

/* The error code kpix_json_fail and the member readers return: KPIX_ESCHEMA
 * unless set otherwise (a manifest's problems are KPIX_EMANIFEST). */
void kpix_json_set_error(kpix_json_doc *doc, int code);

/* Makes the paths given to kpix_json_fail, and so to the member readers,
 * relative to the value at base (such as "resources[2].schema", for a
 * schema inside a Data Package): messages then give the whole path and its
 * place in the file. base is copied; NULL or "" goes back to the root. */
void kpix_json_set_base(kpix_json_doc *doc, const char *base);

/* ------------------------------------------------------------ messages */

/* Sets the message "FILE:LINE:COL: PATH: message" for the value at path (a
 * member's key, an element's start; "" for the document) and returns the
 * document's error code. The message is cut at 700 bytes. */
int kpix_json_fail(const kpix_json_doc *doc, const char *path, const char *fmt, ...)
	KPIX_PRINTF(3, 4);
int kpix_json_vfail(const kpix_json_doc *doc, const char *path, const char *fmt, va_list ap)
	KPIX_PRINTF(3, 0);

/* The name of the file where the value at path of doc was written: doc's
 * own, or for a composed document the file its origins lead to. */
const char *kpix_json_written_in(const kpix_json_doc *doc, const char *path);

/* What messages call the document: its file. */
const char *kpix_json_name(const kpix_json_doc *doc);

/* "PATH.KEY", or "KEY" when path is "": a new string the caller frees. */
char *kpix_json_path(const char *path, const char *key);

/* Sets *line and *col (1-based) to the position in the JSON text of the
 * member key (for a ".name" step) or the element (for a "[i]" step) at the
 * end of path. Returns 0, or -1 when the path is not found (then the
 * position of the deepest step found is given). */
int kpix_json_locate(const char *text, size_t len, const char *path, int *line, int *col);

/* -------------------------------------------------------------- values */

bool kpix_json_is_object(const kpix_json *v);
bool kpix_json_is_array(const kpix_json *v);
bool kpix_json_is_string(const kpix_json *v);
bool kpix_json_is_number(const kpix_json *v);  /* an integer or a real */
bool kpix_json_is_integer(const kpix_json *v);
bool kpix_json_is_bool(const kpix_json *v);
bool kpix_json_is_null(const kpix_json *v);

/* A string's text (NUL-terminated; NULL when v is not a string) and its
 * length in bytes. */
const char *kpix_json_string(const kpix_json *v);
size_t kpix_json_string_len(const kpix_json *v);
/* A number's value (0 when v is not a number). */
double kpix_json_number(const kpix_json *v);
int64_t kpix_json_integer(const kpix_json *v);
bool kpix_json_is_true(const kpix_json *v);

/* How many elements an array, or members an object, has; 0 otherwise. */
size_t kpix_json_size(const kpix_json *v);
/* The element i of an array, or NULL. */
const kpix_json *kpix_json_at(const kpix_json *arr, size_t i);
/* Runs the statement after it for each element v of arr, i its index:
 *	kpix_json_array_foreach(arr, i, v) ... */
#define kpix_json_array_foreach(arr, i, v) \
	for ((i) = 0; (i) < kpix_json_size(arr) && ((v) = kpix_json_at((arr), (i))) != NULL; (i)++)
/* The member key of an object, or NULL. */
const kpix_json *kpix_json_get(const kpix_json *obj, const char *key);

/* The members of an object in document order:
 *	kpix_json_iter it = kpix_json_members(obj);
 *	while (kpix_json_next(&it, &key, &value)) ...
 * Nothing to free. */
typedef struct {
	const kpix_json *obj;
	void *at;
} kpix_json_iter;
kpix_json_iter kpix_json_members(const kpix_json *obj);
bool kpix_json_next(kpix_json_iter *it, const char **key, const kpix_json **value);

/* ------------------------------------------------------ member readers */

/* Each reads the member key of the object obj found at path, and returns 0
 * or the document's error code with the message set at the member (or at
 * path when a required member is missing). */

/* Refuses any key of obj not in the NULL-terminated allowed list
 * ("$comment" is always allowed): "unknown keyword 'K'; expected one of:
 * ...". */
int kpix_json_only_keys(const kpix_json_doc *doc, const char *path, const kpix_json *obj,
                        const char *const *allowed);
/* A string, copied into *out (the caller frees it; NULL when absent). A
 * required one must be there and not empty. */
int kpix_json_get_str(const kpix_json_doc *doc, const char *path, const kpix_json *obj,
                      const char *key, char **out, bool required);
/* true or false; *out is left as it is when the member is absent. */
int kpix_json_get_bool(const kpix_json_doc *doc, const char *path, const kpix_json *obj,
                       const char *key, bool *out);
/* A number; *has says whether there was one. */
int kpix_json_get_num(const kpix_json_doc *doc, const char *path, const kpix_json *obj,
                      const char *key, bool *has, double *out);

/* Which of words (NULL-ended) the string s, read from obj's member key, is:
 * its index into *out (unless out is NULL). Any other string fails at
 * PATH.KEY: "unknown KEY 'S'; expected EXPECTED". */
int kpix_json_one_of(const kpix_json_doc *doc, const char *path, const char *key, const char *s,
                     const char *const *words, const char *expected, int *out);
/* Reads obj's member key, a string (kpix_json_get_str), and checks it is
 * one of words (kpix_json_one_of); *out is left as it is when the member
 * is absent and not required. */
int kpix_json_get_one_of(const kpix_json_doc *doc, const char *path, const kpix_json *obj,
                         const char *key, const char *const *words, const char *expected,
                         bool required, int *out);

/* How kpix_json_get_strlist writes a number as text (into 32 bytes). */
typedef void (*kpix_json_number_fn)(double v, char *buf);

/* A list of strings into *out (empty when absent; the caller frees it with
 * kpix_strlist_free, and has nothing to free on failure). With one_ok a
 * single string is taken as a list of one; with numbers, numbers are
 * accepted too and written as text by it. */
int kpix_json_get_strlist(const kpix_json_doc *doc, const char *path, const kpix_json *obj,
                          const char *key, kpix_strlist *out, bool one_ok,
                          kpix_json_number_fn numbers);

/* ------------------------------------------------ composing documents */

/* A document may be composed of the values of others (a schema that
 * extends another, schema/extends.c): its values are shared with theirs,
 * and each part is recorded with the file and path where it was written,
 * so that a problem found in the composed document is reported at the
 * line and column of the file it came from.
 *
 * The values below are new (a reference the caller holds) until put into
 * an object or an array, which takes them over; a shared value
 * (kpix_json_share) must not be changed. */
kpix_json *kpix_json_new_object(void);
kpix_json *kpix_json_new_array(void);
/* A new reference to v, of another document, to put as it is. */
kpix_json *kpix_json_share(const kpix_json *v);
/* A new object with the members of obj (their values shared). */
kpix_json *kpix_json_shallow_copy(const kpix_json *obj);
/* Sets the member key of obj to v, taking v over. */
void kpix_json_put(kpix_json *obj, const char *key, kpix_json *v);
/* Removes the member key of obj, if it has one. */
void kpix_json_remove(kpix_json *obj, const char *key);
/* Appends v to arr, taking v over. */
void kpix_json_push(kpix_json *arr, kpix_json *v);
/* Drops a reference the caller holds. NULL-safe. */
void kpix_json_drop(kpix_json *v);

/* A document whose root is root (taken over), composed from primary
 * (taken over, freed with it): messages call it by primary's name, its
 * digest (kpix_json_sha256) is primary's, and every path of it is taken
 * to be written in primary at the same path until an origin says
 * otherwise. */
kpix_json_doc *kpix_json_compose(kpix_json *root, kpix_json_doc *primary);
/* Keeps src (taken over) as long as doc: a document an origin names. */
void kpix_json_keep(kpix_json_doc *doc, kpix_json_doc *src);
/* Records that the value at path of doc, and everything under it, was
 * written at src_path of src (a document doc keeps, itself perhaps
 * composed); the longest recorded path that holds a path decides, and of
 * two the same, the later. */
void kpix_json_origin(kpix_json_doc *doc, const char *path, const kpix_json_doc *src,
                      const char *src_path);

#endif
