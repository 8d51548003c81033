/* testdir.h - what the unit tests that work in a scratch directory share.
 * Each test program includes it once; the functions are static so that
 * every test executable stays one file plus the library. */
#ifndef KPIX_TESTDIR_H
#define KPIX_TESTDIR_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* Removes dir and everything under it, not following links. Directories a
 * test made unwritable are made writable first, so they go too. */
static void remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char *p = kpix_xasprintf("%s/%s", dir, e->d_name);
		struct stat st;
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			chmod(p, 0700);
			remove_tree(p);
		} else {
			unlink(p);
		}
		free(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

/* Writes text into dir/name (a test fails when it cannot) and returns the
 * path, which the caller frees. Inline, so that a test that does not use
 * it is not warned of it; the test includes cmocka.h first. */
static inline char *testdir_write(const char *dir, const char *name, const char *text)
{
	char *path = kpix_xasprintf("%s/%s", dir, name);
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	return path;
}

#endif
