/* outdir.h - write a command's output files into a directory all at once
 * or not at all.
 *
 * `kpix export ... --out DIR` writes several files (CSV, XLSX,
 * manifest.json). Each is written to a temporary file in a private
 * directory made inside DIR (".kpix.XXXXXX.tmp", mode 0700) and renamed
 * into place by kpix_outdir_commit, so that:
 *
 *   - a reader of DIR never sees a half-written file;
 *   - when anything fails before the commit (a check, a write, a full disk)
 *     nothing new is left in DIR, and files already there keep their
 *     content: only a successful commit replaces them, all of them at once
 *     as far as signals go (see kpix_outdir_commit);
 *   - no output overwrites one of the command's inputs, and no output
 *     name reaches outside DIR;
 *   - no other user who can write into DIR can make kpix write anywhere
 *     else, by swapping a temporary file for a symbolic link say: the
 *     temporary files are out of their reach;
 *   - two outdirs never write into one DIR at once: the second open is
 *     refused while the first is not freed.
 *
 * Usage:
 *
 *	kpix_outdir *od;
 *	if (kpix_outdir_open(&od, dir, inputs, ninputs) != 0) fail;
 *	FILE *f;  const char *tmp;
 *	kpix_outdir_begin_file(od, "returns.csv", &f);   -> fprintf(f, ...)
 *	kpix_outdir_begin(od, "returns.xlsx", &tmp);     -> workbook_new(tmp) ...
 *	if (every write went well) rc = kpix_outdir_commit(od);
 *	kpix_outdir_free(od);      always; removes whatever was not committed
 *
 * On any failure of the caller's own (a library that could not write its
 * file, say), do not commit: just free. Every function that can fail
 * returns 0 or a negative KPIX_E* code with the message in
 * kpix_error_last(). Paths in messages are DIR as given, joined to NAME:
 * "cannot write 'out/x.csv': No space left on device".
 *
 * Not thread-safe per outdir: use one outdir from one thread at a time.
 * Several outdirs may be used at once, from several threads.
 */
#ifndef KPIX_OUTDIR_H
#define KPIX_OUTDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct kpix_outdir kpix_outdir;

/* How many temporary files may exist at once in the whole process (the
 * size of the static table kpix_outdir_cleanup_on_signal reads). */
#define KPIX_OUTDIR_MAX_TEMPS 64

/* Prepares DIR for writing. Creates DIR if it is missing (one level, mode
 * 0777 less the umask; its parent must exist); a DIR created here is removed
 * again by kpix_outdir_free when nothing was committed and it is still
 * empty. Refuses with KPIX_EIO and a message when DIR cannot be created, is
 * not a directory, or cannot be written into by this process (permissions,
 * read-only file system). Trailing '/' on DIR are ignored.
 *
 * Locks DIR (flock on the directory itself, exclusive) until
 * kpix_outdir_free, so that the files of two runs are never mixed: when
 * another outdir, of this process or another, holds DIR, the open does not
 * wait but fails with KPIX_EIO "another kpix is writing into 'DIR'; try
 * again when it has finished". On a file system that has no locks (some
 * network ones) DIR is used unlocked.
 *
 * inputs are the paths of every file the command reads (data, schema,
 * reference files; ninputs of them, none NULL). They are resolved now
 * (device and inode when they exist, and the real path of the file and of
 * the directory it is in), and no output may then be any of them: see
 * kpix_outdir_begin. inputs may be NULL when ninputs is 0; the strings are
 * copied.
 *
 * On success *out is a new outdir, owned by the caller and released with
 * kpix_outdir_free; on failure *out is NULL. */
int kpix_outdir_open(kpix_outdir **out, const char *dir, const char *const *inputs,
                     size_t ninputs);

/* Starts the output file DIR/NAME and creates its temporary file,
 * named ".NAME.XXXXXX.tmp" (NAME shortened when it must be, to fit 255
 * bytes), with the mode of an ordinary new file: 0666 less the umask, in
 * the outdir's private directory (made by the first begin: DIR/.kpix.
 * XXXXXX.tmp, mode 0700; KPIX_EIO, "cannot write 'DIR/NAME': Operation
 * not permitted", when what is then found there is not a directory of
 * this user's closed to everyone else). The
 * temporary file is empty; *tmp_path is its path, for a library such as
 * libxlsxwriter to write itself, by truncating or by replacing it. The
 * path leads through this process's descriptor of the private directory
 * (/proc/self/fd/N/.NAME.XXXXXX.tmp), so that renaming things in DIR
 * cannot redirect it; without /proc it is DIR/.kpix.XXXXXX.tmp/.NAME.
 * XXXXXX.tmp. The string is owned by the outdir and valid until
 * kpix_outdir_free. Whatever is at that path when kpix_outdir_commit is
 * called is what gets committed (a symbolic link there is refused).
 *
 * NAME must be a plain file name: not empty, not "." or "..", without '/',
 * not starting with '.' (such names are the temporary files' own), without
 * control characters, valid UTF-8 (it goes into manifest.json) and at most
 * 255 bytes; otherwise KPIX_EUSAGE "output name 'NAME' ...". Also
 * KPIX_EUSAGE: a NAME already started on this outdir; a DIR/NAME that is
 * one of the inputs, compared by device and inode (which also catches a
 * hard link to an input, and a symbolic link at DIR/NAME that leads to an
 * input) and by resolved path; an outdir already committed; more than
 * KPIX_OUTDIR_MAX_TEMPS temporary files at once. KPIX_EIO: DIR/NAME is a
 * directory; the temporary file cannot be created ("cannot write
 * 'DIR/NAME': REASON"; also when the private directory cannot be made).
 * On failure no temporary file is left and *tmp_path is left as it was. */
int kpix_outdir_begin(kpix_outdir *od, const char *name, const char **tmp_path);

/* Why NAME is not a plain file name by the rules above ("contains '/'",
 * "contains a control character" ...), or NULL when it is one; dot: NAME
 * may start with '.'. The one rule for the names kpix writes and for those
 * a manifest records (manifest.h). A static string. */
const char *kpix_name_problem(const char *name, bool dot);

/* The same, for code that writes through stdio: *fp is a write-only stream
 * on the temporary file. Write to it freely (its errors need not be
 * checked: the first one is remembered and reported by the commit), but
 * do not fclose it and do not seek: the outdir flushes, syncs and closes it
 * at commit, or closes it at free. Its bytes are hashed as they are
 * written, for kpix_outdir_sha256. On failure *fp is left as it was. */
int kpix_outdir_begin_file(kpix_outdir *od, const char *name, FILE **fp);

/* Commits every file started, in three steps:
 *
 * 1. Finishes each file: flushes and closes the stream of a
 *    kpix_outdir_begin_file, syncs each temporary file to disk (fsync),
 *    and records its size and SHA-256. A write, flush, sync or close
 *    error (a full disk, say) fails the commit:
 *    KPIX_EIO "cannot write 'DIR/NAME': No space left on device".
 * 2. Checks again that no DIR/NAME has become a directory or an input.
 * 3. Renames each temporary file to DIR/NAME, in the order started. A file
 *    or symbolic link already at DIR/NAME is replaced by the new file: the
 *    link is never followed. Then syncs DIR itself.
 *
 * Step 3 is one step as far as SIGINT, SIGTERM and SIGHUP go: every
 * signal is blocked from the first rename until DIR holds every new file
 * or every old one again. When one of those three arrived meanwhile (and
 * was not blocked by the caller already), the renames are undone, every
 * file is as it was, and the commit fails with KPIX_EIO "output directory
 * 'DIR' not written: a signal asked kpix to stop"; the signal is handled
 * when the commit returns. A signal after the last rename finds every new
 * file in place.
 *
 * When step 1 or 2 fails, nothing is renamed. When a rename in step 3
 * fails, the files already renamed are put back as they were: the renames
 * exchange the old and new files (renameat2 RENAME_EXCHANGE), so an old
 * file is only deleted once every new one is in place. On a file system
 * without renameat2 (some network and FUSE file systems) a plain rename is
 * used and a file already replaced cannot be put back; the message then
 * says which (the old content of a file whose exchange could not be
 * undone is kept under its temporary name rather than deleted). Otherwise
 * every failure removes all temporary files. The return is then KPIX_EIO
 * (KPIX_EUSAGE for an input) with a message naming the file.
 *
 * If only the final sync of DIR fails, the files are in place (and listed
 * by the getters below) but may not survive a power cut: KPIX_EIO "cannot
 * sync output directory 'DIR': REASON". File systems that cannot sync at
 * all (fsync gives EINVAL) are taken as they are.
 *
 * An outdir is committed once, whether the commit succeeds or fails: a
 * second commit, or a begin after it, is KPIX_EUSAGE. Committing no file
 * at all succeeds. */
int kpix_outdir_commit(kpix_outdir *od);

/* Closes any stream still open, removes every temporary file not committed
 * (so it is also the way to give up: free without commit), removes DIR if
 * kpix_outdir_open created it and nothing was committed and it is empty,
 * and releases the outdir and every string it returned. NULL-safe. */
void kpix_outdir_free(kpix_outdir *od);

/* DIR as given to kpix_outdir_open, without trailing '/'. */
const char *kpix_outdir_dir(const kpix_outdir *od);

/* The files started, in the order started (i < kpix_outdir_count): NAME,
 * its final path DIR/NAME, and, once committed, its size in bytes and its
 * SHA-256 as 64 lowercase hex digits (before that: 0 and ""). The strings
 * belong to the outdir. */
size_t kpix_outdir_count(const kpix_outdir *od);
const char *kpix_outdir_name(const kpix_outdir *od, size_t i);
const char *kpix_outdir_path(const kpix_outdir *od, size_t i);
uint64_t kpix_outdir_size(const kpix_outdir *od, size_t i);
const char *kpix_outdir_sha256(const kpix_outdir *od, size_t i);

/* Removes every temporary file of every outdir of the process, and the
 * directories named below, for a SIGINT or SIGTERM handler to call before
 * it ends the process (kpix_cleanup_on_signal in kpix.h calls it):
 *
 *	static void on_signal(int sig)
 *	{
 *		kpix_outdir_cleanup_on_signal();
 *		signal(sig, SIG_DFL);
 *		raise(sig);
 *	}
 *
 * Async-signal-safe: it only reads static tables of atomic pointers to
 * entries made before their file or directory was created, and calls
 * unlinkat() and rmdir() on them; errno is kept. Also what a program's
 * out-of-memory hook (kpix_set_out_of_memory) calls. Limits:
 *   - it does not free, close or unregister anything: the process is
 *     meant to end next. A program that goes on must not commit, since
 *     the temporary files are gone; freeing is still fine.
 *   - signals are blocked during the renames of a commit, so that it never
 *     runs between two of them (see kpix_outdir_commit); called from
 *     anywhere else during a commit (an out-of-memory hook cannot be: the
 *     renames allocate nothing), it would find the files as a signal
 *     would before the renames.
 *   - a DIR created by kpix_outdir_open is removed when it is empty;
 *     every kpix_scratch_make directory is removed with its files.
 *   - with several threads, a signal handled on one thread while another
 *     frees an outdir may read freed memory; kpix's CLI has one thread.
 *   - SIGKILL and power cuts cannot be caught: a private directory
 *     ".kpix.XXXXXX.tmp" holding temporary files may then stay in DIR
 *     (never files named NAME with half their content), and SIGKILL
 *     during the renames can leave some files new and the others old. */
void kpix_outdir_cleanup_on_signal(void);

/* For tests: hook is called (NULL: nothing is) in each commit after each
 * rename of step 3, with the number of files renamed so far, while
 * signals are blocked; a test raises a signal there to check that no
 * signal cuts the renames. Not thread-safe; one hook for the process. */
void kpix_outdir_set_commit_hook(void (*hook)(size_t placed));

/* Removes dir and the files in it (not its subdirectories). Async-signal-
 * safe, so that a signal handler may call it; errno is kept. */
void kpix_remove_dir_on_signal(const char *dir);

/* A new private directory, for scratch files (a library's, or a re-run's
 * outputs), that kpix_outdir_cleanup_on_signal removes with whatever is in
 * it: made in parent, or when parent is NULL or "" in $TMPDIR (or /tmp
 * when it is not set), as "kpix-scratch.XXXXXX", mode 0700. *out is its
 * path, given back to kpix_scratch_remove, which removes it and frees the
 * string (NULL-safe). KPIX_EIO when it cannot be made: "cannot make a
 * scratch directory in 'PARENT': REASON". At most 16 at once in the
 * process. */
int kpix_scratch_make(char **out, const char *parent);
void kpix_scratch_remove(char *dir);

#endif
