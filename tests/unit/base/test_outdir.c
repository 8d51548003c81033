/* Unit tests of the output directory: every file of an export appears in
 * DIR whole, at once, or not at all; nothing kpix writes lands on one of
 * its inputs or outside DIR; a full disk or a DIR that cannot be written
 * is reported in words.
 *
 * Two tests need a small file system of their own: a full disk and a
 * read-only DIR (root can write into any directory whatever its mode).
 * They run in a child process that makes a private mount namespace and
 * mounts a small tmpfs in it, which disappears with the child. Where
 * namespaces or mounts are not permitted (an unprivileged container
 * without user namespaces) those tests are skipped and say why. The
 * failed-rename test sets the immutable attribute on a file; it is skipped
 * where the file system or the user cannot. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "digest.h"
#include "kpix/kpix.h"
#include "outdir.h"
#include "util.h"
#include "testdir.h"

/* ------------------------------------------------------------- fixtures */

/* Each test gets a fresh directory under /tmp, removed afterwards with
 * everything written into it. */
typedef struct {
	char dir[64];
} tmp;

static int tmp_setup(void **state)
{
	tmp *t = calloc(1, sizeof(*t));
	if (!t)
		return -1;
	snprintf(t->dir, sizeof(t->dir), "/tmp/kpix-test-outdir-XXXXXX");
	if (!mkdtemp(t->dir)) {
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

static int tmp_teardown(void **state)
{
	tmp *t = *state;
	remove_tree(t->dir);
	free(t);
	return 0;
}

/* dir/name; caller frees. */
static char *at(const char *dir, const char *name)
{
	return kpix_xasprintf("%s/%s", dir, name);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

/* The whole content of path, or NULL when it cannot be read; caller frees. */
static char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	kpix_buf b = KPIX_BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		kpix_buf_add(&b, chunk, n);
	fclose(f);
	return kpix_buf_detach(&b);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* What is in dir, sorted, separated by spaces ("" when empty, "(none)"
 * when dir does not exist). Temporary files show as they are named, so a
 * listing proves none is left. Caller frees. */
static char *listing(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return kpix_xstrdup("(none)");
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		names = kpix_xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = kpix_xstrdup(e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	kpix_buf b = KPIX_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		kpix_buf_printf(&b, "%s%s", i ? " " : "", names[i]);
		free(names[i]);
	}
	free(names);
	return kpix_buf_detach(&b);
}

#define assert_listing(dir, want)                                                          \
	do {                                                                               \
		char *got_ = listing(dir);                                                 \
		assert_string_equal(got_, want);                                           \
		free(got_);                                                                \
	} while (0)

#define assert_content(path, want)                                                         \
	do {                                                                               \
		char *got_ = read_text(path);                                              \
		assert_non_null(got_);                                                     \
		assert_string_equal(got_, want);                                           \
		free(got_);                                                                \
	} while (0)

/* The path of the private directory an outdir on dir made for its
 * temporary files (dir/.kpix.XXXXXX.tmp), or NULL when there is none.
 * Caller frees. */
static char *private_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return NULL;
	char *found = NULL;
	struct dirent *e;
	while ((e = readdir(d)))
		if (strncmp(e->d_name, ".kpix.", 6) == 0 && !found)
			found = kpix_xasprintf("%s/%s", dir, e->d_name);
	closedir(d);
	return found;
}

/* How messages show the temporary file at tmp_path (as begin gave it) of
 * an outdir on dir: dir/.kpix.XXXXXX.tmp/.NAME.XXXXXX.tmp. Caller frees. */
static char *temp_shown(const char *dir, const char *tmp_path)
{
	char *priv = private_dir(dir);
	assert_non_null(priv);
	char *shown = kpix_xasprintf("%s%s", priv, strrchr(tmp_path, '/'));
	free(priv);
	return shown;
}

/* Opens dir with the given inputs and expects success. */
static kpix_outdir *open_ok(const char *dir, const char *const *inputs, size_t ninputs)
{
	kpix_outdir *od = NULL;
	int rc = kpix_outdir_open(&od, dir, inputs, ninputs);
	if (rc != KPIX_OK)
		fail_msg("kpix_outdir_open failed (%d): %s", rc, kpix_error_last());
	assert_non_null(od);
	return od;
}

/* Starts name as a stream and writes text to it. */
static void put(kpix_outdir *od, const char *name, const char *text)
{
	FILE *f = NULL;
	int rc = kpix_outdir_begin_file(od, name, &f);
	if (rc != KPIX_OK)
		fail_msg("begin_file '%s' failed (%d): %s", name, rc, kpix_error_last());
	assert_non_null(f);
	fputs(text, f);
}

static void commit_ok(kpix_outdir *od)
{
	int rc = kpix_outdir_commit(od);
	if (rc != KPIX_OK)
		fail_msg("commit failed (%d): %s", rc, kpix_error_last());
}

/* Expects begin of name to fail with rc and exactly the message want. */
static void expect_begin_refused(kpix_outdir *od, const char *name, int rc, const char *want)
{
	const char *tmp_path = "untouched";
	assert_int_equal(kpix_outdir_begin(od, name, &tmp_path), rc);
	assert_string_equal(kpix_error_last(), want);
	assert_string_equal(tmp_path, "untouched");
}

/* ---------------------------------------------------- a small tmpfs */

/* Runs fn(mnt, report) in a child process that has its own mount
 * namespace with a fresh tmpfs mounted on mnt (mount flags and options as
 * given), and returns what fn wrote to report (caller frees). Returns NULL
 * when this machine does not let the child make the namespace or the
 * mount; *why then says what was refused (caller frees). The mount is
 * gone when the child ends: the parent sees mnt as the empty directory it
 * was. */
static char *in_small_tmpfs(const char *mnt, unsigned long flags, const char *opts,
                            void (*fn)(const char *mnt, FILE *report), char **why)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		FILE *r = fdopen(p[1], "w");
		uid_t uid = geteuid();
		gid_t gid = getegid();
		if (unshare(CLONE_NEWNS) != 0) {
			/* not privileged: a user namespace of our own may do it */
			if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) {
				fprintf(r, "SKIP cannot make a mount namespace: %s", strerror(errno));
				fclose(r);
				_exit(0);
			}
			char map[64];
			FILE *m;
			if ((m = fopen("/proc/self/setgroups", "w"))) {
				fputs("deny", m);
				fclose(m);
			}
			snprintf(map, sizeof(map), "%u %u 1", (unsigned)uid, (unsigned)uid);
			if ((m = fopen("/proc/self/uid_map", "w"))) {
				fputs(map, m);
				fclose(m);
			}
			snprintf(map, sizeof(map), "%u %u 1", (unsigned)gid, (unsigned)gid);
			if ((m = fopen("/proc/self/gid_map", "w"))) {
				fputs(map, m);
				fclose(m);
			}
		}
		/* The kernel ignores the source and type of a propagation change;
		 * "none" rather than NULL, which valgrind takes for a bad pointer. */
		mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL);
		if (mount("tmpfs", mnt, "tmpfs", flags, opts) != 0) {
			fprintf(r, "SKIP cannot mount a tmpfs: %s", strerror(errno));
			fclose(r);
			_exit(0);
		}
		fn(mnt, r);
		fclose(r);
		_exit(0);
	}
	close(p[1]);
	kpix_buf b = KPIX_BUF_INIT;
	char chunk[1024];
	ssize_t n;
	while ((n = read(p[0], chunk, sizeof(chunk))) > 0)
		kpix_buf_add(&b, chunk, (size_t)n);
	close(p[0]);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	char *text = kpix_buf_detach(&b);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("the tmpfs child failed (status %d) after: %s", status, text);
	if (strncmp(text, "SKIP ", 5) == 0) {
		*why = kpix_xstrdup(text + 5);
		free(text);
		return NULL;
	}
	return text;
}

/* Skips the calling test, saying why, when in_small_tmpfs could not run. */
#define SKIP_WITHOUT(report, why)                                                        \
	do {                                                                             \
		if (!(report)) {                                                         \
			print_message("skipped: %s\n", why);                             \
			free(why);                                                       \
			skip();                                                          \
		}                                                                        \
	} while (0)

/* ------------------------------------------------------ committing */

static void outdir__commit_renames_every_file_into_place(void **state)
{
	tmp *t = *state;
	kpix_outdir *od = open_ok(t->dir, NULL, 0);
	put(od, "returns.csv", "a,b\n1,2\n");
	const char *xlsx_tmp = NULL;
	assert_int_equal(kpix_outdir_begin(od, "returns.xlsx", &xlsx_tmp), KPIX_OK);
	write_text(xlsx_tmp, "PK pretend workbook"); /* as a library would, by path */
	put(od, "manifest.json", "{}\n");

	/* before the commit only the private directory of temporary files is
	 * there */
	char *before = listing(t->dir);
	assert_int_equal(strncmp(before, ".kpix.", 6), 0);
	assert_null(strchr(before, ' '));
	free(before);
	char *priv = private_dir(t->dir);
	before = listing(priv);
	assert_int_equal(strncmp(before, ".manifest.json.", 15), 0);
	assert_non_null(strstr(before, " .returns.csv."));
	assert_non_null(strstr(before, " .returns.xlsx."));
	free(before);
	free(priv);
	assert_int_equal(kpix_outdir_size(od, 0), 0);
	assert_string_equal(kpix_outdir_sha256(od, 0), "");

	commit_ok(od);
	assert_listing(t->dir, "manifest.json returns.csv returns.xlsx");
	char *csv = at(t->dir, "returns.csv");
	char *xlsx = at(t->dir, "returns.xlsx");
	char *json = at(t->dir, "manifest.json");
	assert_content(csv, "a,b\n1,2\n");
	assert_content(xlsx, "PK pretend workbook");
	assert_content(json, "{}\n");

	/* the getters describe the committed files, in the order started */
	assert_string_equal(kpix_outdir_dir(od), t->dir);
	assert_int_equal(kpix_outdir_count(od), 3);
	const char *names[] = {"returns.csv", "returns.xlsx", "manifest.json"};
	const char *paths[] = {csv, xlsx, json};
	for (size_t i = 0; i < 3; i++) {
		assert_string_equal(kpix_outdir_name(od, i), names[i]);
		assert_string_equal(kpix_outdir_path(od, i), paths[i]);
		char hex[KPIX_SHA256_HEX_SIZE];
		uint64_t size;
		assert_int_equal(kpix_sha256_file(paths[i], hex, &size), KPIX_OK);
		assert_string_equal(kpix_outdir_sha256(od, i), hex);
		assert_int_equal(kpix_outdir_size(od, i), size);
	}
	assert_null(kpix_outdir_name(od, 3));
	assert_null(kpix_outdir_path(od, 3));
	kpix_outdir_free(od);
	assert_listing(t->dir, "manifest.json returns.csv returns.xlsx");
	free(csv);
	free(xlsx);
	free(json);
}

static void outdir__a_library_that_replaces_its_file_by_path_is_committed(void **state)
{
	tmp *t = *state;
	kpix_outdir *od = open_ok(t->dir, NULL, 0);
	const char *tmp_path = NULL;
	assert_int_equal(kpix_outdir_begin(od, "book.xlsx", &tmp_path), KPIX_OK);
	/* some libraries remove the file and create it anew */
	assert_int_equal(unlink(tmp_path), 0);
	write_text(tmp_path, "new inode");
	commit_ok(od);
	char *book = at(t->dir, "book.xlsx");
	assert_content(book, "new inode");
	char hex[KPIX_SHA256_HEX_SIZE];
	kpix_sha256_hex("new inode", 9, hex);
	assert_string_equal(kpix_outdir_sha256(od, 0), hex);
	assert_int_equal(kpix_outdir_size(od, 0), 9);
	kpix_outdir_free(od);
	assert_listing(t->dir, "book.xlsx");
	free(book);
}

static void outdir__a_file_started_but_never_written_is_committed_empty(void **state)
{
	tmp *t = *state;
	kpix_outdir *od = open_ok(t->dir, NULL, 0);
	const char *tmp_path;
	FILE *f;
	assert_int_equal(kpix_outdir_begin(od, "a.xlsx", &tmp_path), KPIX_OK);
	assert_int_equal(kpix_outdir_begin_file(od, "b.csv", &f), KPIX_OK);
	commit_ok(od);
	char *a = at(t->dir, "a.xlsx");
	char *b = at(t->dir, "b.csv");
	assert_content(a, "");
	assert_content(b, "");
	char empty[KPIX_SHA256_HEX_SIZE];
	kpix_sha256_hex("", 0, empty);
	assert_string_equal(kpix_outdir_sha256(od, 0), empty);
	assert_string_equal(kpix_outdir_sha256(od, 1), empty);
	kpix_outdir_free(od);
	free(a);
	free(b);
}

static void outdir__a_large_stream_is_hashed_as_written(void **state)
{
	tmp *t = *state;
	kpix_outdir *od = open_ok(t->dir, NULL, 0);
	FILE *f;
	assert_int_equal(kpix_outdir_begin_file(od, "big.csv", &f), KPIX_OK);
	kpix_sha256 h;
	kpix_sha256_init(&h);
	char line[64];
	for (int i = 0; i < 200000; i++) {
		int n = snprintf(line, sizeof(line), "E%06d,%d.%02d\n", i, i * 7, i % 100);
		fwrite(line, 1, (size_t)n, f);
		kpix_sha256_update(&h, line, (size_t)n);
	}
	char want[KPIX_SHA256_HEX_SIZE];
	kpix_sha256_final(&h, want);
	commit_ok(od);
	assert_string_equal(kpix_outdir_sha256(od, 0), want);
	assert_int_equal(kpix_outdir_size(od, 0), h.size);
	char got[KPIX_SHA256_HEX_SIZE];
	uint64_t size;
	assert_int_equal(kpix_sha256_file(kpix_outdir_path(od, 0), got, &size), KPIX_OK);
	assert_string_equal(got, want);
	assert_int_equal(size, h.size);
	kpix_outdir_free(od);
}

static void outdir__nothing_is_left_when_freed_without_commit(void **state)
{
	tmp *t = *state;
	char *old = at(t->dir, "keep.txt");
	write_text(old, "from before");
	kpix_outdir *od = open_ok(t->dir, NULL, 0);
	put(od, "a.csv", "half a file");
	const char *tmp_path;
	assert_int_equal(kpix_outdir_begin(od, "b.xlsx", &tmp_path), KPIX_OK);
	write_text(tmp_path, "half a workbook");
	put(od, "keep.txt", "would replace it");
	kpix_outdir_free(od);
	assert_listing(t->dir, "keep.txt");
	assert_content(old, "from before");
	free(old);
}

static void outdir__an_existing_file_is_replaced_only_on_commit(void **state)
{
	tmp *t = *state;
	char *path = at(t->dir, "returns.csv");
	write_text(path, "old\n");
	struct stat before;
	assert_int_equal(stat(path, &before), 0);
	kpix_outdir *od = open_ok(t->dir, NULL, 0);
	FILE *f;
	assert_int_equal(kpix_outdir_begin_file(od, "returns.csv", &f), KPIX_OK);
	fputs("new\n", f);
	fflush(f);
	assert_content(path, "old\n");
	commit_ok(od);
	assert_content(path, "new\n");
	struct stat after;
	assert_int_equal(stat(path, &after), 0);
	assert_true(after.st_ino != before.st_ino); /* a new file, not rewritten in place */
	kpix_outdir_free(od);
	assert_listing(t->dir, "returns.csv");
	free(path);
}

static void outdir__commit_is_once_only(void **state)
{
	tmp *t = *state;
	kpix_outdir *od = open_ok(t->dir, NULL, 0);
	commit_ok(od); /* nothing started: nothing to do, and fine */
	assert_int_equal(kpix_outdir_count(od), 0);
	assert_int_equal(kpix_outdir_commit(od), KPIX_EUSAGE);
	char *want = kpix_xasprintf("output directory '%s' was already committed", t->dir);
	assert_string_equal(kpix_error_last(), want);
	expect_begin_refused(od, "late.csv", KPIX_EUSAGE, want);
	FILE *f = (FILE *)"untouched";
	assert_int_equal(kpix_outdir_begin_file(od, "late.csv", &f), KPIX_EUSAGE);
	assert_ptr_equal(f, (FILE *)"untouched");
	kpix_outdir_free(od);
	assert_listing(t->dir, "");
	free(want);
}

static void outdir__free_of_null_is_harmless(void **state)
{
	(void)state;
	kpix_outdir_free(NULL);
}

/* ------------------------------------------------------ the directory */

static void outdir__a_missing_dir_is_created_and_removed_again_if_nothing_was_committed(void **state)
{
	tmp *t = *state;
	char *dir = at(t->dir, "out");
	mode_t old_mask = umask(022);
	kpix_outdir *od = open_ok(dir, NULL, 0);
	umask(old_mask);
	struct stat st;
	assert_int_equal(stat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0755);
	put(od, "a.csv", "x");
	kpix_outdir_free(od);
	assert_listing(t->dir, "");

	/* committed: it stays, with the file */
	od = open_ok(dir, NULL, 0);
	put(od, "a.csv", "x");
	commit_ok(od);
	kpix_outdir_free(od);
	assert_listing(dir, "a.csv");
	free(dir);
}

static void outdir__a_dir_made_before_is_kept_even_when_nothing_was_committed(void **state)
{
	tmp *t = *state;
	kpix_outdir *od = open_ok(t->dir, NULL, 0);
	put(od, "a.csv", "x");
	kpix_outdir_free(od);
	struct stat st;
	assert_int_equal(stat(t->dir, &st), 0);
}

static void outdir__a_dir_whose_parent_is_missing_is_refused(void **state)
{
	tmp *t = *state;
	char *dir = at(t->dir, "no/out");
	kpix_outdir *od = (kpix_outdir *)1;
	assert_int_equal(kpix_outdir_open(&od, dir, NULL, 0), KPIX_EIO);
	assert_null(od);
	char *want = kpix_xasprintf("cannot create output directory '%s': No such file or directory",
	                            dir);
	assert_string_equal(kpix_error_last(), want);
	assert_listing(t->dir, "");
	free(want);
	free(dir);
}

static void outdir__a_dir_that_is_a_file_is_refused(void **state)
{
	tmp *t = *state;
	char *file = at(t->dir, "out");
	write_text(file, "I am a file");
	kpix_outdir *od = (kpix_outdir *)1;
	assert_int_equal(kpix_outdir_open(&od, file, NULL, 0), KPIX_EIO);
	assert_null(od);
	char *want = kpix_xasprintf("cannot use '%s' as output directory: Not a directory", file);
	assert_string_equal(kpix_error_last(), want);
	assert_content(file, "I am a file");
	free(want);
	free(file);
}

static void outdir__an_empty_dir_name_is_refused(void **state)
{
	(void)state;
	kpix_outdir *od = (kpix_outdir *)1;
	assert_int_equal(kpix_outdir_open(&od, "", NULL, 0), KPIX_EUSAGE);
	assert_null(od);
	assert_string_equal(kpix_error_last(), "the output directory name is empty");
}

static void outdir__trailing_slashes_on_dir_do_not_show_in_paths(void **state)
{
	tmp *t = *state;
	char *dir = kpix_xasprintf("%s//", t->dir);
	kpix_outdir *od = open_ok(dir, NULL, 0);
	put(od, "a.csv", "x");
	const char *tmp_path;
	assert_int_equal(kpix_outdir_begin(od, "b.csv", &tmp_path), KPIX_OK);
	char *shown = temp_shown(t->dir, tmp_path);
	char *prefix = kpix_xasprintf("%s/.kpix.", t->dir);
	assert_memory_equal(shown, prefix, strlen(prefix));
	free(shown);
	commit_ok(od);
	char *a = at(t->dir, "a.csv");
	assert_string_equal(kpix_outdir_dir(od), t->dir);
	assert_string_equal(kpix_outdir_path(od, 0), a);
	kpix_outdir_free(od);
	free(a);
	free(prefix);
	free(dir);
}

static void read_only_dir(const char *mnt, FILE *r)
{
	kpix_outdir *od = (kpix_outdir *)1;
	int rc = kpix_outdir_open(&od, mnt, NULL, 0);
	fprintf(r, "%d %s|%s", rc, od ? "od" : "NULL", kpix_error_last());
	kpix_outdir_free(od);
}

static void outdir__an_unwritable_dir_is_refused(void **state)
{
	tmp *t = *state;
	char *dir = at(t->dir, "ro");
	assert_int_equal(mkdir(dir, 0700), 0);
	bool tested = false;
	if (geteuid() != 0) {
		/* permissions: only meaningful when not root, since root writes
		 * into any directory whatever its mode */
		assert_int_equal(chmod(dir, 0555), 0);
		kpix_outdir *od = (kpix_outdir *)1;
		assert_int_equal(kpix_outdir_open(&od, dir, NULL, 0), KPIX_EIO);
		assert_null(od);
		char *want = kpix_xasprintf(
			"cannot write into output directory '%s': Permission denied", dir);
		assert_string_equal(kpix_error_last(), want);
		free(want);
		assert_int_equal(chmod(dir, 0700), 0);
		tested = true;
	}
	/* a read-only file system refuses root too */
	char *why = NULL;
	char *report = in_small_tmpfs(dir, MS_RDONLY, "size=64k", read_only_dir, &why);
	if (!report && tested) {
		print_message("read-only file system not tested: %s\n", why);
		free(why);
		free(dir);
		return;
	}
	if (!report)
		free(dir);
	SKIP_WITHOUT(report, why);
	char *want = kpix_xasprintf(
		"%d NULL|cannot write into output directory '%s': Read-only file system", KPIX_EIO,
		dir);
	assert_string_equal(report, want);
	free(want);
	free(report);
	free(dir);
}

/* ------------------------------------------------------------- inputs */

/* Expects begin of name in dir to be refused as the input named shown. */
static void expect_is_input(kpix_outdir *od, const char *dir, const char *name,
                            const char *shown)
{
	char *want = kpix_xasprintf("cannot write '%s/%s': it is the input '%s'", dir, name, shown);
	expect_begin_refused(od, name, KPIX_EUSAGE, want);
	FILE *f = (FILE *)"untouched";
	assert_int_equal(kpix_outdir_begin_file(od, name, &f), KPIX_EUSAGE);
	assert_string_equal(kpix_error_last(), want);
	assert_ptr_equal(f, (FILE *)"untouched");
	free(want);
}

static void outdir__an_output_named_like_an_input_is_refused(void **state)
{
	tmp *t = *state;
	char *out = at(t->dir, "out");
	char *sub = at(t->dir, "sub");
	assert_int_equal(mkdir(out, 0777), 0);
	assert_int_equal(mkdir(sub, 0777), 0);
	char *elsewhere = at(t->dir, "data.csv");
	write_text(elsewhere, "input elsewhere\n");

	/* the same path */
	char *same = at(out, "same.csv");
	write_text(same, "input\n");
	/* the same file, named through ../ */
	char *dotdot_file = at(out, "dotdot.csv");
	write_text(dotdot_file, "input\n");
	char *dotdot = kpix_xasprintf("%s/../out/dotdot.csv", sub);
	/* a symbolic link in DIR to an input elsewhere */
	char *sym = at(out, "link.csv");
	assert_int_equal(symlink(elsewhere, sym), 0);
	/* a hard link in DIR to an input elsewhere: the same inode */
	char *hard_src = at(t->dir, "hard.csv");
	write_text(hard_src, "hard\n");
	char *hard = at(out, "hard.csv");
	assert_int_equal(link(hard_src, hard), 0);
	/* an input that is itself a symbolic link in DIR */
	char *is_link = at(out, "is_link.csv");
	assert_int_equal(symlink(hard_src, is_link), 0);
	/* an input that does not exist (yet) */
	char *missing = at(out, "missing.csv");

	const char *inputs[] = {same, dotdot, elsewhere, hard_src, is_link, missing};
	kpix_outdir *od = open_ok(out, inputs, 6);
	expect_is_input(od, out, "same.csv", same);
	expect_is_input(od, out, "dotdot.csv", dotdot);
	expect_is_input(od, out, "link.csv", elsewhere);
	expect_is_input(od, out, "hard.csv", hard_src);
	expect_is_input(od, out, "is_link.csv", hard_src);
	expect_is_input(od, out, "missing.csv", missing);
	/* an output DIR given through ../ is no way round it */
	kpix_outdir_free(od);
	char *out_dotdot = kpix_xasprintf("%s/../out", sub);
	od = open_ok(out_dotdot, inputs, 6);
	expect_is_input(od, out_dotdot, "same.csv", same);
	kpix_outdir_free(od);

	assert_listing(out, "dotdot.csv hard.csv is_link.csv link.csv same.csv");
	assert_content(same, "input\n");
	assert_content(dotdot_file, "input\n");
	assert_content(elsewhere, "input elsewhere\n");
	assert_content(hard_src, "hard\n");
	free(out_dotdot);
	free(missing);
	free(is_link);
	free(hard);
	free(hard_src);
	free(sym);
	free(dotdot);
	free(dotdot_file);
	free(same);
	free(elsewhere);
	free(sub);
	free(out);
}

static void outdir__an_input_given_relative_to_the_working_directory_is_recognised(void **state)
{
	tmp *t = *state;
	char cwd[4096];
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	char *data = at(t->dir, "data.csv");
	write_text(data, "input\n");
	assert_int_equal(chdir(t->dir), 0);
	const char *inputs[] = {"data.csv"};
	kpix_outdir *od = open_ok(".", inputs, 1);
	expect_begin_refused(od, "data.csv", KPIX_EUSAGE,
	                     "cannot write './data.csv': it is the input 'data.csv'");
	kpix_outdir_free(od);
	assert_int_equal(chdir(cwd), 0);
	assert_content(data, "input\n");
	free(data);
}

static void outdir__an_input_replaced_after_open_is_still_recognised_by_its_path(void **state)
{
	tmp *t = *state;
	char *out = at(t->dir, "out");
	assert_int_equal(mkdir(out, 0777), 0);
	char *data = at(out, "data.csv");
	char *other = at(t->dir, "other.csv");
	write_text(data, "input\n");
	write_text(other, "other input\n");
	char *sym = at(out, "other.csv");
	assert_int_equal(symlink(other, sym), 0);
	const char *inputs[] = {data, other};
	kpix_outdir *od = open_ok(out, inputs, 2);
	/* an editor saves both anew: same paths, new inodes (the old ones are
	 * kept alive by a second link, or the new files could reuse them) */
	char *keep1 = at(t->dir, "keep1");
	char *keep2 = at(t->dir, "keep2");
	assert_int_equal(link(data, keep1), 0);
	assert_int_equal(link(other, keep2), 0);
	char *fresh = at(t->dir, "fresh");
	write_text(fresh, "edited\n");
	assert_int_equal(rename(fresh, data), 0);
	write_text(fresh, "edited too\n");
	assert_int_equal(rename(fresh, other), 0);
	expect_is_input(od, out, "data.csv", data);
	expect_is_input(od, out, "other.csv", other);
	/* and one that was removed since */
	assert_int_equal(unlink(data), 0);
	expect_is_input(od, out, "data.csv", data);
	kpix_outdir_free(od);
	assert_listing(out, "other.csv");
	free(keep1);
	free(keep2);
	free(fresh);
	free(sym);
	free(other);
	free(data);
	free(out);
}

static void outdir__an_input_under_another_name_in_dir_is_left_alone(void **state)
{
	tmp *t = *state;
	char *data = at(t->dir, "data.csv");
	write_text(data, "input\n");
	const char *inputs[] = {data};
	kpix_outdir *od = open_ok(t->dir, inputs, 1);
	put(od, "data-checked.csv", "output\n");
	commit_ok(od);
	kpix_outdir_free(od);
	assert_listing(t->dir, "data-checked.csv data.csv");
	assert_content(data, "input\n");
	free(data);
}

static void outdir__an_input_appearing_at_the_name_before_commit_stops_every_rename(void **state)
{
	tmp *t = *state;
	char *out = at(t->dir, "out");
	assert_int_equal(mkdir(out, 0777), 0);
	char *data = at(t->dir, "data.csv");
	write_text(data, "input\n");
	const char *inputs[] = {data};
	kpix_outdir *od = open_ok(out, inputs, 1);
	put(od, "a.csv", "a");
	put(od, "b.csv", "b");
	/* after begin, someone links the input in as b.csv */
	char *b = at(out, "b.csv");
	assert_int_equal(symlink(data, b), 0);
	assert_int_equal(kpix_outdir_commit(od), KPIX_EUSAGE);
	char *want = kpix_xasprintf("cannot write '%s': it is the input '%s'", b, data);
	assert_string_equal(kpix_error_last(), want);
	assert_listing(out, "b.csv");
	kpix_outdir_free(od);
	assert_listing(out, "b.csv");
	assert_content(data, "input\n");
	free(want);
	free(b);
	free(data);
	free(out);
}

/* -------------------------------------------------------------- names */

static void outdir__names_with_slash_dotdot_or_leading_dot_are_refused(void **state)
{
	tmp *t = *state;
	kpix_outdir *od = open_ok(t->dir, NULL, 0);
	expect_begin_refused(od, "", KPIX_EUSAGE, "output name '' is empty");
	expect_begin_refused(od, ".", KPIX_EUSAGE, "output name '.' is not a file name");
	expect_begin_refused(od, "..", KPIX_EUSAGE, "output name '..' is not a file name");
	expect_begin_refused(od, "../x.csv", KPIX_EUSAGE,
	                     "output name '../x.csv' contains '/': give a plain file name, "
	                     "written into the output directory");
	expect_begin_refused(od, "/etc/passwd", KPIX_EUSAGE,
	                     "output name '/etc/passwd' contains '/': give a plain file name, "
	                     "written into the output directory");
	expect_begin_refused(od, "sub/x.csv", KPIX_EUSAGE,
	                     "output name 'sub/x.csv' contains '/': give a plain file name, "
	                     "written into the output directory");
	expect_begin_refused(od, ".hidden", KPIX_EUSAGE,
	                     "output name '.hidden' starts with '.', kept for kpix's temporary files");
	expect_begin_refused(od, "a\nb.csv", KPIX_EUSAGE,
	                     "output name 'a\\x0ab.csv' contains a control character");
	expect_begin_refused(od, "a\x7f.csv", KPIX_EUSAGE,
	                     "output name 'a\\x7f.csv' contains a control character");
	expect_begin_refused(od, "caf\xe9.csv", KPIX_EUSAGE,
	                     "output name 'caf\\xe9.csv' is not valid UTF-8");
	char long_name[300];
	memset(long_name, 'x', 256);
	long_name[256] = '\0';
	const char *tmp_path = "untouched";
	assert_int_equal(kpix_outdir_begin(od, long_name, &tmp_path), KPIX_EUSAGE);
	assert_non_null(strstr(kpix_error_last(), "' is longer than 255 bytes"));
	assert_int_equal(kpix_outdir_count(od), 0);
	assert_listing(t->dir, "");

	/* what is allowed: UTF-8, spaces, and exactly 255 bytes */
	put(od, "r\xc3\xa9sultats 2024.csv", "ok");
	long_name[255] = '\0';
	put(od, long_name, "long");
	commit_ok(od);
	kpix_outdir_free(od);
	char *want = kpix_xasprintf("r\xc3\xa9sultats 2024.csv %s", long_name);
	assert_listing(t->dir, want);
	free(want);
}

static void outdir__a_name_started_twice_is_refused(void **state)
{
	tmp *t = *state;
	kpix_outdir *od = open_ok(t->dir, NULL, 0);
	put(od, "a.csv", "first");
	expect_begin_refused(od, "a.csv", KPIX_EUSAGE, "output name 'a.csv' is already being written");
	FILE *f;
	assert_int_equal(kpix_outdir_begin_file(od, "a.csv", &f), KPIX_EUSAGE);
	commit_ok(od);
	kpix_outdir_free(od);
	char *a = at(t->dir, "a.csv");
	assert_content(a, "first");
	free(a);
}

static void outdir__temporary_files_are_hidden_in_a_private_directory_and_fit_a_name(void **state)
{
	tmp *t = *state;
	kpix_outdir *od = open_ok(t->dir, NULL, 0);
	const char *tmp_path;
	assert_int_equal(kpix_outdir_begin(od, "returns.csv", &tmp_path), KPIX_OK);
	/* DIR holds one directory that only this user can enter */
	char *priv = private_dir(t->dir);
	assert_non_null(priv);
	struct stat st;
	assert_int_equal(lstat(priv, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(st.st_uid, geteuid());
	char *l = listing(t->dir);
	assert_string_equal(l, strrchr(priv, '/') + 1);
	free(l);
	/* and the temporary file is in it, as .NAME.XXXXXX.tmp */
	char *shown = temp_shown(t->dir, tmp_path);
	char *prefix = kpix_xasprintf("%s/.returns.csv.", priv);
	assert_int_equal(strlen(shown), strlen(prefix) + 6 + 4);
	assert_memory_equal(shown, prefix, strlen(prefix));
	assert_string_equal(shown + strlen(shown) - 4, ".tmp");
	assert_int_equal(lstat(shown, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_size, 0);
	assert_int_equal(lstat(tmp_path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	free(shown);
	free(priv);

	/* a 255-byte name of two-byte characters: the temporary name is cut
	 * at a character and still fits */
	char name[256];
	for (int i = 0; i < 127; i++)
		memcpy(name + 2 * i, "\xc3\xa9", 2);
	name[254] = 'x';
	name[255] = '\0';
	const char *long_tmp;
	assert_int_equal(kpix_outdir_begin(od, name, &long_tmp), KPIX_OK);
	const char *base = strrchr(long_tmp, '/') + 1;
	assert_true(strlen(base) <= 255);
	assert_true(kpix_utf8_valid(base, strlen(base)));
	assert_int_equal(lstat(long_tmp, &st), 0);
	kpix_outdir_free(od);
	assert_listing(t->dir, "");
	free(prefix);
}

/* ------------------------------------------------ things in the way */

static void outdir__a_directory_at_the_name_is_refused(void **state)
{
	tmp *t = *state;
	char *sub = at(t->dir, "returns.csv");
	assert_int_equal(mkdir(sub, 0777), 0);
	kpix_outdir *od = open_ok(t->dir, NULL, 0);
	char *want = kpix_xasprintf("cannot write '%s': Is a directory", sub);
	expect_begin_refused(od, "returns.csv", KPIX_EIO, want);
	kpix_outdir_free(od);
	assert_listing(t->dir, "returns.csv");
	free(want);
	free(sub);
}

static void outdir__a_directory_appearing_before_commit_stops_every_rename(void **state)
{
	tmp *t = *state;
	char *a = at(t->dir, "a.csv");
	write_text(a, "old a");
	kpix_outdir *od = open_ok(t->dir, NULL, 0);
	put(od, "a.csv", "new a");
	put(od, "b.csv", "new b");
	char *b = at(t->dir, "b.csv");
	assert_int_equal(mkdir(b, 0777), 0);
	assert_int_equal(kpix_outdir_commit(od), KPIX_EIO);
	char *want = kpix_xasprintf("cannot write '%s': Is a directory", b);
	assert_string_equal(kpix_error_last(), want);
	assert_listing(t->dir, "a.csv b.csv");
	assert_content(a, "old a");
	/* a failed outdir is done with */
	char *done = kpix_xasprintf(
		"output directory '%s' failed to commit: free it and start again", t->dir);
	expect_begin_refused(od, "c.csv", KPIX_EUSAGE, done);
	assert_int_equal(kpix_outdir_commit(od), KPIX_EUSAGE);
	assert_string_equal(kpix_error_last(), done);
	free(done);
	kpix_outdir_free(od);
	assert_listing(t->dir, "a.csv b.csv");
	assert_content(a, "old a");
	free(want);
	free(b);
	free(a);
}

static void outdir__a_symlink_in_dir_is_replaced_not_followed(void **state)
{
	tmp *t = *state;
	char *target = at(t->dir, "target.csv");
	write_text(target, "target stays");
	char *out = at(t->dir, "out");
	assert_int_equal(mkdir(out, 0777), 0);
	char *sym = at(out, "returns.csv");
	assert_int_equal(symlink(target, sym), 0);
	/* and one that leads nowhere */
	char *dangling = at(out, "dangling.csv");
	assert_int_equal(symlink("/nonexistent/kpix/x.csv", dangling), 0);

	kpix_outdir *od = open_ok(out, NULL, 0);
	put(od, "returns.csv", "new");
	put(od, "dangling.csv", "new too");
	commit_ok(od);
	kpix_outdir_free(od);

	struct stat st;
	assert_int_equal(lstat(sym, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_content(sym, "new");
	assert_int_equal(lstat(dangling, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_content(dangling, "new too");
	assert_content(target, "target stays");
	assert_listing(out, "dangling.csv returns.csv");
	free(dangling);
	free(sym);
	free(out);
	free(target);
}

static void outdir__a_temporary_file_replaced_by_a_symlink_is_not_committed(void **state)
{
	tmp *t = *state;
	char *secret = at(t->dir, "secret");
	write_text(secret, "not for the output");
	char *out = at(t->dir, "out");
	assert_int_equal(mkdir(out, 0777), 0);
	kpix_outdir *od = open_ok(out, NULL, 0);
	const char *tmp_path;
	assert_int_equal(kpix_outdir_begin(od, "a.xlsx", &tmp_path), KPIX_OK);
	assert_int_equal(unlink(tmp_path), 0);
	assert_int_equal(symlink(secret, tmp_path), 0);
	char *shown = temp_shown(out, tmp_path);
	assert_int_equal(kpix_outdir_commit(od), KPIX_EIO);
	char *want = kpix_xasprintf(
		"cannot write '%s/a.xlsx': its temporary file '%s' is no longer a regular file", out,
		shown);
	free(shown);
	assert_string_equal(kpix_error_last(), want);
	kpix_outdir_free(od);
	assert_listing(out, "");
	assert_content(secret, "not for the output");
	free(want);
	free(out);
	free(secret);
}

static void outdir__a_temporary_file_removed_by_someone_else_fails_the_commit(void **state)
{
	tmp *t = *state;
	kpix_outdir *od = open_ok(t->dir, NULL, 0);
	put(od, "a.csv", "a");
	const char *tmp_path;
	assert_int_equal(kpix_outdir_begin(od, "b.xlsx", &tmp_path), KPIX_OK);
	assert_int_equal(unlink(tmp_path), 0);
	char *shown = temp_shown(t->dir, tmp_path);
	assert_int_equal(kpix_outdir_commit(od), KPIX_EIO);
	char *want = kpix_xasprintf("cannot write '%s/b.xlsx': its temporary file '%s' has gone",
	                            t->dir, shown);
	free(shown);
	assert_string_equal(kpix_error_last(), want);
	assert_listing(t->dir, "");
	kpix_outdir_free(od);
	assert_listing(t->dir, "");
	free(want);
}

/* Sets or clears the immutable attribute; false when it cannot. */
static bool set_immutable(const char *path, bool on)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	int flags = 0;
	bool ok = ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
	if (ok) {
		flags = on ? flags | FS_IMMUTABLE_FL : flags & ~FS_IMMUTABLE_FL;
		ok = ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
	}
	close(fd);
	return ok;
}

static void outdir__a_failed_rename_puts_back_the_files_already_renamed(void **state)
{
	tmp *t = *state;
	char *a = at(t->dir, "a.csv");
	char *n = at(t->dir, "n.csv");
	char *b = at(t->dir, "b.csv");
	write_text(a, "old a");
	write_text(b, "old b");
	/* an immutable b.csv cannot be renamed over, not even by root */
	if (!set_immutable(b, true)) {
		print_message("skipped: cannot set the immutable attribute here: %s\n",
		              strerror(errno));
		free(a);
		free(n);
		free(b);
		skip();
	}
	kpix_outdir *od = open_ok(t->dir, NULL, 0);
	put(od, "a.csv", "new a"); /* replaces a file */
	put(od, "n.csv", "new n"); /* a new file */
	put(od, "b.csv", "new b"); /* fails */
	int rc = kpix_outdir_commit(od);
	char *msg = kpix_xstrdup(kpix_error_last());
	kpix_outdir_free(od);
	char *listed = listing(t->dir);
	set_immutable(b, false);

	assert_int_equal(rc, KPIX_EIO);
	char *want = kpix_xasprintf("cannot write '%s': Operation not permitted", b);
	assert_string_equal(msg, want);
	assert_string_equal(listed, "a.csv b.csv");
	assert_content(a, "old a");
	assert_content(b, "old b");
	free(want);
	free(listed);
	free(msg);
	free(a);
	free(n);
	free(b);
}

/* --------------------------------------------------------- full disk */

/* In a 64 KiB tmpfs: an old report.csv, then an export of 256 KiB of it. */
static void fill_the_disk(const char *mnt, FILE *r)
{
	char *dir = at(mnt, "out");
	mkdir(dir, 0777);
	char *old = at(dir, "report.csv");
	FILE *f = fopen(old, "w");
	fputs("old\n", f);
	fclose(f);
	kpix_outdir *od = NULL;
	fprintf(r, "open %d\n", kpix_outdir_open(&od, dir, NULL, 0));
	FILE *out = NULL;
	fprintf(r, "begin %d\n", kpix_outdir_begin_file(od, "report.csv", &out));
	FILE *small = NULL;
	fprintf(r, "begin %d\n", kpix_outdir_begin_file(od, "small.csv", &small));
	if (small)
		fputs("fits\n", small);
	char line[1024];
	memset(line, 'x', sizeof(line));
	for (int i = 0; i < 256; i++)
		fwrite(line, 1, sizeof(line), out); /* errors unchecked: the commit reports them */
	int rc = kpix_outdir_commit(od);
	fprintf(r, "commit %d %s\n", rc, kpix_error_last());
	kpix_outdir_free(od);
	char *l = listing(dir);
	char *kept = read_text(old);
	fprintf(r, "left %s\nold %s", l, kept);
	free(kept);
	free(l);
	free(old);
	free(dir);
}

static void outdir__a_full_disk_is_reported(void **state)
{
	tmp *t = *state;
	char *mnt = at(t->dir, "small");
	assert_int_equal(mkdir(mnt, 0777), 0);
	char *why = NULL;
	char *report = in_small_tmpfs(mnt, 0, "size=64k", fill_the_disk, &why);
	if (!report)
		free(mnt);
	SKIP_WITHOUT(report, why);
	char *want = kpix_xasprintf("open 0\nbegin 0\nbegin 0\n"
	                            "commit %d cannot write '%s/out/report.csv': No space left on device\n"
	                            "left report.csv\nold old\n",
	                            KPIX_EIO, mnt);
	assert_string_equal(report, want);
	free(want);
	free(report);
	free(mnt);
}

/* In a tmpfs with room for three inodes: its root, out/ and report.csv. */
static void no_inode_left(const char *mnt, FILE *r)
{
	char *dir = at(mnt, "out");
	mkdir(dir, 0777);
	char *old = at(dir, "report.csv");
	FILE *f = fopen(old, "w");
	if (f)
		fclose(f);
	kpix_outdir *od = NULL;
	fprintf(r, "open %d\n", kpix_outdir_open(&od, dir, NULL, 0));
	FILE *out = NULL;
	int rc = kpix_outdir_begin_file(od, "report.csv", &out);
	fprintf(r, "begin %d %s %s\n", rc, out ? "stream" : "NULL", kpix_error_last());
	kpix_outdir_free(od);
	char *l = listing(dir);
	fprintf(r, "left %s", l);
	free(l);
	free(old);
	free(dir);
}

static void outdir__a_full_disk_when_starting_a_file_is_reported(void **state)
{
	tmp *t = *state;
	char *mnt = at(t->dir, "small");
	assert_int_equal(mkdir(mnt, 0777), 0);
	char *why = NULL;
	char *report = in_small_tmpfs(mnt, 0, "size=64k,nr_inodes=3", no_inode_left, &why);
	if (!report)
		free(mnt);
	SKIP_WITHOUT(report, why);
	char *want = kpix_xasprintf(
		"open 0\nbegin %d NULL cannot write '%s/out/report.csv': No space left on device\n"
		"left report.csv",
		KPIX_EIO, mnt);
	assert_string_equal(report, want);
	free(want);
	free(report);
	free(mnt);
}

/* --------------------------------------------------------------- modes */

static mode_t mode_of(const char *path)
{
	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	return st.st_mode & 07777;
}

static void outdir__files_get_the_mode_of_an_ordinary_new_file(void **state)
{
	tmp *t = *state;
	const mode_t masks[] = {022, 027, 0};
	const mode_t modes[] = {0644, 0640, 0666};
	for (size_t i = 0; i < 3; i++) {
		char *dir = kpix_xasprintf("%s/%zu", t->dir, i);
		assert_int_equal(mkdir(dir, 0777), 0);
		mode_t old_mask = umask(masks[i]);
		kpix_outdir *od = open_ok(dir, NULL, 0);
		const char *tmp_path;
		assert_int_equal(kpix_outdir_begin(od, "a.xlsx", &tmp_path), KPIX_OK);
		put(od, "b.csv", "b");
		umask(old_mask);
		assert_int_equal(mode_of(tmp_path), modes[i]);
		commit_ok(od);
		char *a = at(dir, "a.xlsx");
		char *b = at(dir, "b.csv");
		assert_int_equal(mode_of(a), modes[i]);
		assert_int_equal(mode_of(b), modes[i]);
		kpix_outdir_free(od);
		free(a);
		free(b);
		free(dir);
	}
}


/* ------------------------------------------------ other users, other runs */

/* What another user who may write into dir (but not enter a directory of
 * kpix's that is 0700) could do to make kpix write outside it: swap every
 * temporary file in dir for a symbolic link to victim, and swap kpix's
 * private directory for a link to a directory of their own holding, under
 * each name the private directory holds, a link to victim. */
static void plant_links(const char *dir, const char *victim)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	char *names[16];
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 16)
		if (e->d_name[0] == '.' && strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			names[n++] = kpix_xstrdup(e->d_name);
	closedir(d);
	for (size_t i = 0; i < n; i++) {
		char *p = at(dir, names[i]);
		struct stat st;
		assert_int_equal(lstat(p, &st), 0);
		if (S_ISREG(st.st_mode)) {
			assert_int_equal(unlink(p), 0);
			assert_int_equal(symlink(victim, p), 0);
		} else if (S_ISDIR(st.st_mode)) {
			char *moved = kpix_xasprintf("%s/moved-%zu", dir, i);
			char *theirs = kpix_xasprintf("%s/theirs-%zu", dir, i);
			assert_int_equal(rename(p, moved), 0);
			assert_int_equal(mkdir(theirs, 0777), 0);
			DIR *in = opendir(moved);
			assert_non_null(in);
			while ((e = readdir(in)))
				if (e->d_name[0] == '.' && strcmp(e->d_name, ".") != 0 &&
				    strcmp(e->d_name, "..") != 0) {
					char *l = at(theirs, e->d_name);
					assert_int_equal(symlink(victim, l), 0);
					free(l);
				}
			closedir(in);
			assert_int_equal(symlink(theirs, p), 0);
			free(moved);
			free(theirs);
		}
		free(p);
		free(names[i]);
	}
}

/* issue 18, finding 2: libxlsxwriter reopens its file by path when it
 * closes the workbook, so a temporary file in DIR swapped for a link made
 * kpix write through the link, outside DIR */
static void outdir__a_link_planted_during_a_write_by_path_cannot_redirect_it(void **state)
{
	tmp *t = *state;
	char *victim = at(t->dir, "victim");
	write_text(victim, "not kpix's to write");
	char *out = at(t->dir, "out");
	assert_int_equal(mkdir(out, 0777), 0);
	kpix_outdir *od = open_ok(out, NULL, 0);
	const char *tmp_path;
	assert_int_equal(kpix_outdir_begin(od, "a.xlsx", &tmp_path), KPIX_OK);
	put(od, "b.csv", "b");
	plant_links(out, victim);
	write_text(tmp_path, "the workbook"); /* as libxlsxwriter does, by path */
	assert_content(victim, "not kpix's to write");
	commit_ok(od);
	kpix_outdir_free(od);
	assert_content(victim, "not kpix's to write");
	char *a = at(out, "a.xlsx");
	assert_content(a, "the workbook");
	free(a);
	free(out);
	free(victim);
}

/* issue 18, finding 6: two exports into one DIR at once each committed,
 * leaving one run's manifest beside the other's files */
static void outdir__a_dir_being_written_is_refused_to_a_second_outdir_until_freed(void **state)
{
	tmp *t = *state;
	kpix_outdir *first = open_ok(t->dir, NULL, 0);
	put(first, "a.csv", "first");
	kpix_outdir *second = (kpix_outdir *)1;
	assert_int_equal(kpix_outdir_open(&second, t->dir, NULL, 0), KPIX_EIO);
	assert_null(second);
	char *want = kpix_xasprintf("another kpix is writing into '%s'; try again when it has "
	                            "finished",
	                            t->dir);
	assert_string_equal(kpix_error_last(), want);
	free(want);
	/* a lock held by another process is the same: flock belongs to the
	 * open directory, and this one is opened apart from the outdir's */
	commit_ok(first);
	kpix_outdir_free(first);
	int fd = open(t->dir, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX), 0);
	assert_int_equal(kpix_outdir_open(&second, t->dir, NULL, 0), KPIX_EIO);
	close(fd);
	/* once the first is done the second goes ahead */
	second = open_ok(t->dir, NULL, 0);
	put(second, "a.csv", "second");
	commit_ok(second);
	kpix_outdir_free(second);
	char *a = at(t->dir, "a.csv");
	assert_content(a, "second");
	free(a);
}

/* A report file's directory is anyone's: it is not locked. */
static void outdir__a_report_file_does_not_lock_its_directory(void **state)
{
	tmp *t = *state;
	kpix_outdir *od = open_ok(t->dir, NULL, 0);
	char *path = at(t->dir, "r.csv");
	kpix_outfile *of = NULL;
	FILE *fp;
	assert_int_equal(kpix_outfile_open(&of, &fp, path, NULL, 0), KPIX_OK);
	fputs("report", fp);
	assert_int_equal(kpix_outfile_commit(of), KPIX_OK);
	kpix_outfile_free(of);
	kpix_outdir_free(od);
	assert_content(path, "report");
	free(path);
}

/* ------------------------------------------------------------- signals */

static void outdir__the_signal_cleanup_removes_every_temporary_file(void **state)
{
	tmp *t = *state;
	char *one = at(t->dir, "one");
	char *two = at(t->dir, "two");
	assert_int_equal(mkdir(one, 0777), 0);
	assert_int_equal(mkdir(two, 0777), 0);
	char *old = at(two, "c.csv");
	write_text(old, "old c");
	kpix_outdir *od1 = open_ok(one, NULL, 0);
	kpix_outdir *od2 = open_ok(two, NULL, 0);
	put(od1, "a.csv", "a");
	const char *tmp_path;
	assert_int_equal(kpix_outdir_begin(od1, "b.xlsx", &tmp_path), KPIX_OK);
	put(od2, "c.csv", "c");
	char *l1 = listing(one);
	assert_int_equal(strlen(l1) > 0, 1);
	free(l1);

	/* one is already gone: the cleanup's failed unlink must not show */
	assert_int_equal(unlink(tmp_path), 0);
	errno = 12345;
	kpix_outdir_cleanup_on_signal();
	assert_int_equal(errno, 12345);
	assert_listing(one, "");
	assert_listing(two, "c.csv");
	assert_content(old, "old c");

	/* a program that goes on anyway cannot commit, and frees cleanly */
	assert_int_equal(kpix_outdir_commit(od2), KPIX_EIO);
	assert_listing(two, "c.csv");
	assert_content(old, "old c");
	kpix_outdir_free(od1);
	kpix_outdir_free(od2);
	free(old);
	free(one);
	free(two);
}

static void on_term(int sig)
{
	kpix_outdir_cleanup_on_signal();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void outdir__a_process_ended_by_sigterm_leaves_no_temporary_file(void **state)
{
	tmp *t = *state;
	char *old = at(t->dir, "a.csv");
	write_text(old, "old a");
	int p[2];
	assert_int_equal(pipe(p), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* SIGTERM ends this process with nothing freed: valgrind would
		 * count the parent's string, which only the parent uses, as lost */
		free(old);
		close(p[0]);
		signal(SIGTERM, on_term);
		kpix_outdir *od = NULL;
		if (kpix_outdir_open(&od, t->dir, NULL, 0) != 0)
			_exit(1);
		FILE *f;
		const char *tmp_path;
		if (kpix_outdir_begin_file(od, "a.csv", &f) != 0 ||
		    kpix_outdir_begin(od, "b.xlsx", &tmp_path) != 0)
			_exit(1);
		fputs("half written", f);
		fflush(f);
		if (write(p[1], "ready", 5) != 5)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	char ready[8] = "";
	assert_int_equal(read(p[0], ready, sizeof(ready)), 5);
	close(p[0]);
	char *priv = private_dir(t->dir);
	assert_non_null(priv);
	char *during = listing(priv);
	free(priv);
	assert_int_equal(kill(pid, SIGTERM), 0);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGTERM);
	/* two temporary files were there, and are gone */
	assert_non_null(strstr(during, ".a.csv."));
	assert_non_null(strstr(during, ".b.xlsx."));
	free(during);
	assert_listing(t->dir, "a.csv");
	assert_content(old, "old a");
	free(old);
}

static void raise_term_after_the_first(size_t placed)
{
	if (placed == 1)
		raise(SIGTERM);
}

/* issue 18, finding 7: SIGTERM during the final renames left the new CSV
 * beside the old workbook and manifest, and the old CSV gone */
static void outdir__a_signal_during_the_renames_leaves_every_old_file_as_it_was(void **state)
{
	tmp *t = *state;
	const char *names[] = {"a.csv", "b.xlsx", "manifest.json"};
	for (size_t i = 0; i < 3; i++) {
		char *p = at(t->dir, names[i]);
		write_text(p, "old");
		free(p);
	}
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		signal(SIGTERM, on_term);
		kpix_outdir_set_commit_hook(raise_term_after_the_first);
		kpix_outdir *od = NULL;
		if (kpix_outdir_open(&od, t->dir, NULL, 0) != 0)
			_exit(1);
		for (size_t i = 0; i < 3; i++) {
			FILE *f;
			if (kpix_outdir_begin_file(od, names[i], &f) != 0)
				_exit(1);
			fputs("new", f);
		}
		kpix_outdir_commit(od);
		_exit(2); /* the signal should have ended the process */
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGTERM);
	assert_listing(t->dir, "a.csv b.xlsx manifest.json");
	for (size_t i = 0; i < 3; i++) {
		char *p = at(t->dir, names[i]);
		assert_content(p, "old");
		free(p);
	}
}

/* The same signal, already blocked by the program before the commit, is
 * the program's business: the commit goes ahead. */
static void outdir__a_signal_the_caller_blocked_does_not_stop_the_commit(void **state)
{
	tmp *t = *state;
	sigset_t term, old;
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	assert_int_equal(sigprocmask(SIG_BLOCK, &term, &old), 0);
	kpix_outdir_set_commit_hook(raise_term_after_the_first);
	kpix_outdir *od = open_ok(t->dir, NULL, 0);
	put(od, "a.csv", "new a");
	put(od, "b.csv", "new b");
	commit_ok(od);
	kpix_outdir_set_commit_hook(NULL);
	kpix_outdir_free(od);
	int sig;
	assert_int_equal(sigwait(&term, &sig), 0); /* take the pending one */
	assert_int_equal(sigprocmask(SIG_SETMASK, &old, NULL), 0);
	assert_listing(t->dir, "a.csv b.csv");
}

/* ------------------------------------------------------- out of memory */

static jmp_buf oom_jump;
static size_t oom_size;

static void oom_catch(size_t size)
{
	oom_size = size;
	longjmp(oom_jump, 1);
}

static void outdir__an_allocation_that_fails_calls_the_out_of_memory_hook(void **state)
{
	(void)state;
	kpix_buf b = KPIX_BUF_INIT;
	kpix_buf_addc(&b, 'x');
	kpix_set_out_of_memory(oom_catch);
	oom_size = 0;
	if (setjmp(oom_jump) == 0) {
		kpix_buf_grow(&b, SIZE_MAX - 8); /* more than any buffer can hold */
		kpix_set_out_of_memory(NULL);
		fail_msg("the hook was not called");
	}
	kpix_set_out_of_memory(NULL);
	assert_int_equal(oom_size, SIZE_MAX);
	kpix_buf_free(&b);
}

static void cleanup_and_exit_4(size_t size)
{
	(void)size;
	kpix_cleanup_on_signal();
	_exit(4);
}

/* issue 18, finding 9: out of memory aborted and left the temporary files;
 * a program's hook can remove them and choose its exit status */
static void outdir__an_out_of_memory_hook_can_leave_dir_as_it_was(void **state)
{
	tmp *t = *state;
	char *old = at(t->dir, "a.csv");
	write_text(old, "old a");
	int err[2];
	assert_int_equal(pipe(err), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		free(old);
		close(err[0]);
		dup2(err[1], STDERR_FILENO);
		kpix_set_out_of_memory(cleanup_and_exit_4);
		kpix_outdir *od = NULL;
		if (kpix_outdir_open(&od, t->dir, NULL, 0) != 0)
			_exit(1);
		FILE *f;
		if (kpix_outdir_begin_file(od, "a.csv", &f) != 0)
			_exit(1);
		fputs("half", f);
		kpix_buf b = KPIX_BUF_INIT;
		kpix_buf_addc(&b, 'x');
		kpix_buf_grow(&b, SIZE_MAX - 8);
		_exit(2);
	}
	close(err[1]);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 4);
	char said[64];
	assert_int_equal(read(err[0], said, sizeof(said)), 0); /* the library says nothing */
	close(err[0]);
	assert_listing(t->dir, "a.csv");
	assert_content(old, "old a");
	free(old);
}

/* Without a hook the library aborts, and prints nothing. */
static void outdir__out_of_memory_without_a_hook_aborts_silently(void **state)
{
	(void)state;
	int err[2];
	assert_int_equal(pipe(err), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(err[0]);
		dup2(err[1], STDERR_FILENO);
		signal(SIGABRT, SIG_DFL);
		kpix_buf b = KPIX_BUF_INIT;
		kpix_buf_addc(&b, 'x');
		kpix_buf_grow(&b, SIZE_MAX - 8);
		_exit(2);
	}
	close(err[1]);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
	char said[64];
	assert_int_equal(read(err[0], said, sizeof(said)), 0);
	close(err[0]);
}

static void outdir__at_most_64_temporary_files_exist_at_once_and_free_releases_them(void **state)
{
	tmp *t = *state;
	kpix_outdir *od = open_ok(t->dir, NULL, 0);
	char name[32];
	for (int i = 0; i < KPIX_OUTDIR_MAX_TEMPS; i++) {
		snprintf(name, sizeof(name), "f%02d.csv", i);
		const char *tmp_path;
		if (kpix_outdir_begin(od, name, &tmp_path) != KPIX_OK)
			fail_msg("begin %d: %s", i, kpix_error_last());
	}
	char *want = kpix_xasprintf("cannot write '%s/one-more.csv': more than 64 output files at "
	                            "once",
	                            t->dir);
	expect_begin_refused(od, "one-more.csv", KPIX_EUSAGE, want);
	free(want);
	/* nothing of the refused file was left */
	char *l = listing(t->dir);
	assert_null(strstr(l, "one-more"));
	free(l);
	kpix_outdir_free(od);
	assert_listing(t->dir, "");

	/* the table is free again, for this outdir's successor */
	od = open_ok(t->dir, NULL, 0);
	for (int i = 0; i < KPIX_OUTDIR_MAX_TEMPS; i++) {
		snprintf(name, sizeof(name), "g%02d.csv", i);
		put(od, name, "g");
	}
	commit_ok(od);
	/* and once committed the files no longer hold places in it (a
	 * directory of its own: od holds t->dir's lock until freed) */
	char *other = at(t->dir, "other");
	assert_int_equal(mkdir(other, 0777), 0);
	kpix_outdir *od2 = open_ok(other, NULL, 0);
	free(other);
	put(od2, "h.csv", "h");
	kpix_outdir_free(od2);
	kpix_outdir_free(od);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, tmp_setup, tmp_teardown)
	const struct CMUnitTest tests[] = {
		T(outdir__commit_renames_every_file_into_place),
		T(outdir__a_library_that_replaces_its_file_by_path_is_committed),
		T(outdir__a_file_started_but_never_written_is_committed_empty),
		T(outdir__a_large_stream_is_hashed_as_written),
		T(outdir__nothing_is_left_when_freed_without_commit),
		T(outdir__an_existing_file_is_replaced_only_on_commit),
		T(outdir__commit_is_once_only),
		T(outdir__free_of_null_is_harmless),
		T(outdir__a_missing_dir_is_created_and_removed_again_if_nothing_was_committed),
		T(outdir__a_dir_made_before_is_kept_even_when_nothing_was_committed),
		T(outdir__a_dir_whose_parent_is_missing_is_refused),
		T(outdir__a_dir_that_is_a_file_is_refused),
		T(outdir__an_empty_dir_name_is_refused),
		T(outdir__trailing_slashes_on_dir_do_not_show_in_paths),
		T(outdir__an_unwritable_dir_is_refused),
		T(outdir__an_output_named_like_an_input_is_refused),
		T(outdir__an_input_given_relative_to_the_working_directory_is_recognised),
		T(outdir__an_input_replaced_after_open_is_still_recognised_by_its_path),
		T(outdir__an_input_under_another_name_in_dir_is_left_alone),
		T(outdir__an_input_appearing_at_the_name_before_commit_stops_every_rename),
		T(outdir__names_with_slash_dotdot_or_leading_dot_are_refused),
		T(outdir__a_name_started_twice_is_refused),
		T(outdir__temporary_files_are_hidden_in_a_private_directory_and_fit_a_name),
		T(outdir__a_directory_at_the_name_is_refused),
		T(outdir__a_directory_appearing_before_commit_stops_every_rename),
		T(outdir__a_symlink_in_dir_is_replaced_not_followed),
		T(outdir__a_temporary_file_replaced_by_a_symlink_is_not_committed),
		T(outdir__a_temporary_file_removed_by_someone_else_fails_the_commit),
		T(outdir__a_failed_rename_puts_back_the_files_already_renamed),
		T(outdir__a_full_disk_is_reported),
		T(outdir__a_full_disk_when_starting_a_file_is_reported),
		T(outdir__files_get_the_mode_of_an_ordinary_new_file),
		T(outdir__the_signal_cleanup_removes_every_temporary_file),
		T(outdir__a_process_ended_by_sigterm_leaves_no_temporary_file),
		T(outdir__at_most_64_temporary_files_exist_at_once_and_free_releases_them),
		T(outdir__a_link_planted_during_a_write_by_path_cannot_redirect_it),
		T(outdir__a_dir_being_written_is_refused_to_a_second_outdir_until_freed),
		T(outdir__a_report_file_does_not_lock_its_directory),
		T(outdir__a_signal_during_the_renames_leaves_every_old_file_as_it_was),
		T(outdir__a_signal_the_caller_blocked_does_not_stop_the_commit),
		T(outdir__an_allocation_that_fails_calls_the_out_of_memory_hook),
		T(outdir__an_out_of_memory_hook_can_leave_dir_as_it_was),
		T(outdir__out_of_memory_without_a_hook_aborts_silently),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
