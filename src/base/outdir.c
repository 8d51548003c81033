/* outdir.c - atomic output files in a directory; see outdir.h. */
#include "outdir.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "digest.h"
#include "kpix/kpix.h"
#include "util.h"

#define NAME_MAX_BYTES 255
/* ".NAME.XXXXXX.tmp" adds 12 bytes to NAME */
#define TMP_EXTRA 12
#define TMP_RANDOM 6
/* not an errno value */
#define TABLE_FULL (-1)

/* Where a file is in its life. */
typedef enum {
	F_TEMP,     /* its bytes are in the temporary file */
	F_PLACED,   /* renamed into place; nothing was there before */
	F_SWAPPED,  /* exchanged into place; the temporary name holds what was there */
	F_REPLACED, /* renamed over what was there, which is gone (no renameat2) */
	F_GONE      /* the temporary file was removed: not committed */
} file_state;

typedef struct {
	/* Read by the signal handler: set before the entry is registered and
	 * left alone while it is. */
	int dirfd;     /* the outdir's private directory */
	char *tmpname; /* ".NAME.XXXXXX.tmp", relative to dirfd */

	char *name;
	char *path;      /* DIR/NAME, as shown to people */
	char *tmp_path;  /* the temporary file's path, for libraries that write by path */
	char *tmp_shown; /* DIR/.kpix.XXXXXX.tmp/tmpname, for messages */
	FILE *fp;       /* kpix_outdir_begin_file only, until commit */
	int fd;         /* under fp; -1 when closed */
	int werr;       /* the first error writing through fp */
	bool stream;    /* started by kpix_outdir_begin_file */
	kpix_sha256 hash;
	uint64_t size;
	char sha[KPIX_SHA256_HEX_SIZE];
	file_state state;
	int slot; /* in the signal table, or -1 */
} ofile;

typedef struct {
	char *path;
	bool exists;
	dev_t dev;
	ino_t ino;
	char *real;        /* realpath(path), or NULL */
	char *parent_real; /* realpath(dirname(path)) + "/" + basename, or NULL */
} input;

/* The directory inside DIR, mode 0700, where an outdir's temporary files
 * are made: no other user can reach into it to swap a file for a link,
 * and being in DIR it is on DIR's file system, so that the renames out of
 * it are atomic. Made by the first begin, removed at commit or free. */
typedef struct {
	/* Read by the signal handler, as an ofile's dirfd and tmpname are. */
	int parentfd; /* DIR */
	char *name;   /* ".kpix.XXXXXX.tmp", relative to parentfd */

	int fd;      /* the directory itself */
	char *via;   /* what a temporary file's name is put after in the paths
	              * given to libraries: "/proc/self/fd/N/", which leads to
	              * this directory whatever is later renamed in DIR, or, when
	              * /proc cannot be used, shown */
	char *shown; /* "DIR/.kpix.XXXXXX.tmp/", for messages */
	int slot;    /* in the signal table, or -1 */
} privdir;

struct kpix_outdir {
	char *dir;      /* as given, without trailing '/' */
	char *prefix;   /* what a file's name is put after in paths: "DIR/", or "" */
	char *dir_real; /* resolved */
	int dirfd;      /* locked (flock) by kpix_outdir_open, until free */
	privdir *priv;  /* NULL until the first begin */
	bool created;
	int dir_slot;   /* a created DIR's entry in the signal table, or -1 */
	bool dot_names; /* a NAME may start with '.' (kpix_outfile only) */
	enum { OD_OPEN, OD_COMMITTED, OD_FAILED } state;
	input *inputs;
	size_t ninputs;
	ofile **files; /* one allocation each: the signal table points at them */
	size_t nfiles;
	size_t cap;
};

/* --------------------------------------------------------- signal table */

/* The tables are read from signal handlers, so their entries are updated
 * without locks: each is a pointer set before the file or directory it
 * names exists, and cleared once that is gone or committed. */
_Static_assert(ATOMIC_POINTER_LOCK_FREE == 2, "the signal tables need lock-free pointers");
typedef _Atomic(const void *) slot;

/* Temporary files: their ofile. */
static slot live[KPIX_OUTDIR_MAX_TEMPS];
/* Directories kpix_outdir_open created and that hold nothing committed
 * yet, removed once their temporary files are: the path. One not in the
 * table when it is full stays after a signal, empty. */
#define MAX_CREATED_DIRS 8
static slot live_dirs[MAX_CREATED_DIRS];
/* Scratch directories of kpix_scratch_make, not yet removed: the path. */
#define MAX_SCRATCH_DIRS 16
static slot live_scratch[MAX_SCRATCH_DIRS];
/* Private directories of outdirs (one per outdir being written): their
 * privdir, removed once the temporary files in them are. */
#define MAX_PRIVATE_DIRS 16
static slot live_private[MAX_PRIVATE_DIRS];

/* Puts p in a free entry of table (n entries): its index, or -1 if full. */
static int slot_take(slot *table, int n, const void *p)
{
	for (int i = 0; i < n; i++) {
		const void *expected = NULL;
		if (atomic_compare_exchange_strong(&table[i], &expected, p))
			return i;
	}
	return -1;
}

/* Empties the entry *i of table, if any, and sets *i to -1. */
static void slot_give(slot *table, int *i)
{
	if (*i >= 0)
		atomic_store(&table[*i], NULL);
	*i = -1;
}

void kpix_remove_dir_on_signal(const char *dir)
{
	int saved = errno;
#ifdef SYS_getdents64
	/* readdir may allocate, so the entries are read with the system call
	 * itself; a few passes, as entries removed while reading may shift */
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	for (int pass = 0; fd >= 0 && pass < 4; pass++) {
		bool removed = false;
		char buf[4096] __attribute__((aligned(8)));
		long n;
		lseek(fd, 0, SEEK_SET);
		while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
			for (long off = 0; off < n;) {
				/* struct linux_dirent64: ino, off, reclen, type, name */
				unsigned short reclen;
				memcpy(&reclen, buf + off + 16, sizeof(reclen));
				const char *name = buf + off + 19;
				if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0 &&
				    unlinkat(fd, name, 0) == 0)
					removed = true;
				off += reclen;
			}
		}
		if (!removed)
			break;
	}
	if (fd >= 0)
		close(fd);
#endif
	rmdir(dir);
	errno = saved;
}

int kpix_scratch_make(char **out, const char *parent)
{
	*out = NULL;
	if (!parent || !*parent)
		parent = getenv("TMPDIR");
	if (!parent || !*parent)
		parent = "/tmp";
	char *dir = kpix_xasprintf("%s/kpix-scratch.XXXXXX", parent);
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int err = mkdtemp(dir) ? 0 : errno;
	if (!err && slot_take(live_scratch, MAX_SCRATCH_DIRS, dir) < 0) {
		rmdir(dir);
		err = EMFILE;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		int rc = kpix_fail(KPIX_EIO, "cannot make a scratch directory in '%s': %s", parent,
		                   strerror(err));
		free(dir);
		return rc;
	}
	*out = dir;
	return KPIX_OK;
}

void kpix_scratch_remove(char *dir)
{
	if (!dir)
		return;
	for (int i = 0; i < MAX_SCRATCH_DIRS; i++) {
		const void *expected = dir;
		atomic_compare_exchange_strong(&live_scratch[i], &expected, NULL);
	}
	kpix_remove_dir_on_signal(dir);
	free(dir);
}

void kpix_outdir_cleanup_on_signal(void)
{
	int saved = errno;
	for (int i = 0; i < KPIX_OUTDIR_MAX_TEMPS; i++) {
		const ofile *f = atomic_load(&live[i]);
		if (f)
			unlinkat(f->dirfd, f->tmpname, 0);
	}
	for (int i = 0; i < MAX_PRIVATE_DIRS; i++) {
		const privdir *p = atomic_load(&live_private[i]);
		if (p)
			unlinkat(p->parentfd, p->name, AT_REMOVEDIR); /* only when empty */
	}
	for (int i = 0; i < MAX_CREATED_DIRS; i++) {
		const char *dir = atomic_load(&live_dirs[i]);
		if (dir)
			rmdir(dir); /* only when empty */
	}
	for (int i = 0; i < MAX_SCRATCH_DIRS; i++) {
		const char *dir = atomic_load(&live_scratch[i]);
		if (dir)
			kpix_remove_dir_on_signal(dir);
	}
	errno = saved;
}

void kpix_cleanup_on_signal(void)
{
	kpix_outdir_cleanup_on_signal();
}

/* ---------------------------------------------------------------- names */

/* NAME as it can be shown in a message: control characters, and every
 * byte of a name that is not UTF-8, as \xNN. Caller frees. */
static char *printable(const char *name)
{
	size_t len = strlen(name);
	bool utf8 = kpix_utf8_valid(name, len);
	kpix_buf b = KPIX_BUF_INIT;
	for (const unsigned char *c = (const unsigned char *)name; *c; c++) {
		if (*c < 0x20 || *c == 0x7f || (*c >= 0x80 && !utf8))
			kpix_buf_printf(&b, "\\x%02x", *c);
		else
			kpix_buf_addc(&b, (char)*c);
	}
	return kpix_buf_detach(&b);
}

const char *kpix_name_problem(const char *name, bool dot)
{
	size_t len = strlen(name);
	if (len == 0)
		return "is empty";
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return "is not a file name";
	if (strchr(name, '/'))
		return "contains '/'";
	if (name[0] == '.' && !dot)
		return "starts with '.'";
	if (len > NAME_MAX_BYTES)
		return "is longer than 255 bytes";
	if (!kpix_utf8_valid(name, len))
		return "is not valid UTF-8";
	for (const unsigned char *c = (const unsigned char *)name; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			return "contains a control character";
	return NULL;
}

/* Refuses a NAME that is not a plain file name of DIR (see outdir.h);
 * dot: a NAME may start with '.'. */
static int check_name(const char *name, bool dot)
{
	const char *why = kpix_name_problem(name, dot);
	if (!why)
		return KPIX_OK;
	/* what an output name should be instead */
	const char *hint = strcmp(why, "contains '/'") == 0
	                       ? ": give a plain file name, written into the output directory"
	                   : strcmp(why, "starts with '.'") == 0 ? ", kept for kpix's temporary files"
	                                                        : "";
	char *shown = printable(name);
	int rc = kpix_fail(KPIX_EUSAGE, "output name '%s' %s%s", shown, why, hint);
	free(shown);
	return rc;
}

/* A fresh ".NAME.XXXXXX.tmp": NAME cut (at a character boundary) so the
 * whole fits in 255 bytes, then six random letters or digits. */
static char *temp_name(const char *name)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	static _Atomic uint64_t counter;
	size_t len = strlen(name);
	if (len > NAME_MAX_BYTES - TMP_EXTRA) {
		len = NAME_MAX_BYTES - TMP_EXTRA;
		while (len > 0 && ((unsigned char)name[len] & 0xc0) == 0x80)
			len--;
	}
	unsigned char rnd[TMP_RANDOM];
	if (getrandom(rnd, sizeof(rnd), GRND_NONBLOCK) != (ssize_t)sizeof(rnd)) {
		/* no entropy yet: O_EXCL keeps a guessable name safe anyway */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		uint64_t seed[3] = {(uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec,
		                    (uint64_t)getpid(), atomic_fetch_add(&counter, 1)};
		uint64_t h = kpix_hash(seed, sizeof(seed), 0);
		memcpy(rnd, &h, sizeof(rnd));
	}
	char suffix[TMP_RANDOM + 1];
	for (size_t i = 0; i < TMP_RANDOM; i++)
		suffix[i] = alphabet[rnd[i] % (sizeof(alphabet) - 1)];
	suffix[TMP_RANDOM] = '\0';
	return kpix_xasprintf(".%.*s.%s.tmp", (int)len, name, suffix);
}

/* ---------------------------------------------------------------- inputs */

/* Resolves what can be resolved of an input now, while it is as the
 * command found it. */
static void input_init(input *in, const char *path)
{
	memset(in, 0, sizeof(*in));
	in->path = kpix_xstrdup(path);
	struct stat st;
	if (stat(path, &st) == 0) {
		in->exists = true;
		in->dev = st.st_dev;
		in->ino = st.st_ino;
	}
	char *real = realpath(path, NULL);
	if (real) {
		in->real = kpix_xstrdup(real);
		free(real);
	}
	/* the directory resolved, the last name not: catches an input that is
	 * a symbolic link, or that does not exist yet */
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	if (*base == '\0')
		return;
	char *parent = slash ? kpix_xstrndup(path, slash == path ? 1 : (size_t)(slash - path))
	                     : kpix_xstrdup(".");
	char *parent_real = realpath(parent, NULL);
	if (parent_real) {
		const char *sep = strcmp(parent_real, "/") == 0 ? "" : "/";
		in->parent_real = kpix_xasprintf("%s%s%s", parent_real, sep, base);
		free(parent_real);
	}
	free(parent);
}

static void input_free(input *in)
{
	free(in->path);
	free(in->real);
	free(in->parent_real);
}

/* Refuses DIR/NAME when it is a directory (KPIX_EIO) or one of the inputs
 * (KPIX_EUSAGE); path is DIR/NAME as shown. */
static int check_target(const kpix_outdir *od, const char *name, const char *path)
{
	struct stat lst, st;
	bool have_l = fstatat(od->dirfd, name, &lst, AT_SYMLINK_NOFOLLOW) == 0;
	bool have_s = fstatat(od->dirfd, name, &st, 0) == 0;
	if (have_l && S_ISDIR(lst.st_mode))
		return kpix_fail(KPIX_EIO, "cannot write '%s': %s", path, strerror(EISDIR));
	const char *sep = strcmp(od->dir_real, "/") == 0 ? "" : "/";
	char *final = kpix_xasprintf("%s%s%s", od->dir_real, sep, name);
	char *final_real = have_s ? realpath(final, NULL) : NULL;
	const input *hit = NULL;
	for (size_t i = 0; i < od->ninputs && !hit; i++) {
		const input *in = &od->inputs[i];
		/* inputs were stat'ed through links, so stat (not lstat) of the
		 * target compares: a hard link, or a symbolic link to an input */
		if (in->exists && have_s && st.st_dev == in->dev && st.st_ino == in->ino)
			hit = in;
		else if ((in->real && (strcmp(in->real, final) == 0 ||
		                       (final_real && strcmp(in->real, final_real) == 0))) ||
		         (in->parent_real && strcmp(in->parent_real, final) == 0))
			hit = in;
	}
	free(final);
	free(final_real);
	if (hit)
		return kpix_fail(KPIX_EUSAGE, "cannot write '%s': it is the input '%s'", path,
		                 hit->path);
	return KPIX_OK;
}

/* ------------------------------------------------------------------ open */

/* kpix_outdir_open, and the directory of a kpix_outfile: may_create says
 * whether a missing DIR is made, and lock whether DIR is locked against
 * other outdirs (a report file's directory is not: it is anyone's); prefix
 * is what paths in messages put before a NAME (NULL: "DIR/"). */
static int open_dir(kpix_outdir **out, const char *dir, bool may_create, bool lock,
                    const char *prefix, const char *const *inputs, size_t ninputs)
{
	*out = NULL;
	if (!dir || !*dir)
		return kpix_fail(KPIX_EUSAGE, "the output directory name is empty");
	if (ninputs && !inputs)
		return kpix_fail(KPIX_EUSAGE, "inputs missing for the output directory");
	for (size_t i = 0; i < ninputs; i++)
		if (!inputs[i])
			return kpix_fail(KPIX_EUSAGE, "input %zu of the output directory is NULL", i);

	size_t len = strlen(dir);
	while (len > 1 && dir[len - 1] == '/')
		len--;
	char *d = kpix_xstrndup(dir, len);
	bool created = false;
	struct stat st;
	if (may_create && stat(d, &st) != 0 && errno == ENOENT) {
		if (mkdir(d, 0777) != 0) {
			int rc = kpix_fail(KPIX_EIO, "cannot create output directory '%s': %s", d,
			                   strerror(errno));
			free(d);
			return rc;
		}
		created = true;
	}
	int rc = KPIX_OK;
	char *real = NULL;
	int fd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		rc = kpix_fail(KPIX_EIO, "cannot use '%s' as output directory: %s", d,
		               strerror(errno));
	} else if (faccessat(fd, ".", W_OK | X_OK, AT_EACCESS) != 0) {
		rc = kpix_fail(KPIX_EIO, "cannot write into output directory '%s': %s", d,
		               strerror(errno));
	} else if (!(real = realpath(d, NULL))) {
		rc = kpix_fail(KPIX_EIO, "cannot use '%s' as output directory: %s", d,
		               strerror(errno));
	} else if (lock && flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK) {
		/* held until free closes fd; a file system without locks (some
		 * network ones) leaves DIR unlocked rather than unusable */
		rc = kpix_fail(KPIX_EIO, "another kpix is writing into '%s'; try again when it has "
		               "finished", d);
	}
	if (rc != KPIX_OK) {
		free(real);
		if (fd >= 0)
			close(fd);
		if (created)
			rmdir(d);
		free(d);
		return rc;
	}

	kpix_outdir *od = kpix_xcalloc(1, sizeof(*od));
	od->dir = d;
	od->prefix = prefix ? kpix_xstrdup(prefix)
	                    : kpix_xasprintf("%s%s", d, strcmp(d, "/") == 0 ? "" : "/");
	od->dir_real = kpix_xstrdup(real);
	free(real);
	od->dirfd = fd;
	od->created = created;
	od->dir_slot = created ? slot_take(live_dirs, MAX_CREATED_DIRS, od->dir) : -1;
	od->state = OD_OPEN;
	od->inputs = kpix_xcalloc(ninputs ? ninputs : 1, sizeof(*od->inputs));
	od->ninputs = ninputs;
	for (size_t i = 0; i < ninputs; i++)
		input_init(&od->inputs[i], inputs[i]);
	*out = od;
	return KPIX_OK;
}

int kpix_outdir_open(kpix_outdir **out, const char *dir, const char *const *inputs,
                     size_t ninputs)
{
	return open_dir(out, dir, true, true, NULL, inputs, ninputs);
}

/* ----------------------------------------------------------------- begin */

static void ofile_free(ofile *f)
{
	free(f->tmpname);
	free(f->name);
	free(f->path);
	free(f->tmp_path);
	free(f->tmp_shown);
	free(f);
}

/* Makes od's private directory, registered in the signal table before it
 * exists (signals blocked meanwhile). Returns 0, an errno value, or
 * TABLE_FULL. The directory is refused (EPERM) unless it is one this
 * process made: another user with write access to DIR could rename it away
 * and put another in its place before it is opened. */
static int make_private(kpix_outdir *od)
{
	privdir *p = kpix_xcalloc(1, sizeof(*p));
	p->parentfd = od->dirfd;
	p->fd = -1;
	sigset_t all, old;
	sigfillset(&all);
	int err = EEXIST;
	for (int tries = 0; tries < 100 && err == EEXIST; tries++) {
		p->name = temp_name("kpix");
		pthread_sigmask(SIG_BLOCK, &all, &old);
		p->slot = slot_take(live_private, MAX_PRIVATE_DIRS, p);
		err = p->slot < 0 ? TABLE_FULL : mkdirat(od->dirfd, p->name, 0700) ? errno : 0;
		if (err)
			slot_give(live_private, &p->slot);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		if (err) {
			free(p->name);
			p->name = NULL;
		}
	}
	if (err) {
		free(p);
		return err;
	}
	struct stat st;
	p->fd = openat(od->dirfd, p->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (p->fd < 0)
		err = errno;
	else if (fstat(p->fd, &st) != 0)
		err = errno;
	else if (st.st_uid != geteuid() || (st.st_mode & 077) != 0)
		err = EPERM;
	p->shown = kpix_xasprintf("%s%s/", od->prefix, p->name);
	od->priv = p;
	if (err)
		return err;
	/* a path through this process's descriptor, when /proc gives one */
	char via[64];
	snprintf(via, sizeof(via), "/proc/self/fd/%d", p->fd);
	struct stat vst;
	if (stat(via, &vst) == 0 && vst.st_dev == st.st_dev && vst.st_ino == st.st_ino)
		p->via = kpix_xasprintf("%s/", via);
	else
		p->via = kpix_xstrdup(p->shown);
	return 0;
}

/* Removes od's private directory (once its files are gone) and forgets it. */
static void remove_private(kpix_outdir *od)
{
	privdir *p = od->priv;
	if (!p)
		return;
	unlinkat(od->dirfd, p->name, AT_REMOVEDIR);
	slot_give(live_private, &p->slot);
	if (p->fd >= 0)
		close(p->fd);
	free(p->name);
	free(p->via);
	free(p->shown);
	free(p);
	od->priv = NULL;
}

/* Creates the temporary file of f (f->tmpname and f->fd) and registers it
 * in the signal table, with signals blocked so that no temporary file ever
 * exists unregistered. Returns 0, an errno value, or TABLE_FULL. */
static int create_temp(ofile *f)
{
	sigset_t all, old;
	sigfillset(&all);
	for (int tries = 0; tries < 100; tries++) {
		f->tmpname = temp_name(f->name);
		pthread_sigmask(SIG_BLOCK, &all, &old);
		int fd = openat(f->dirfd, f->tmpname,
		                O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
		int err = fd < 0 ? errno : 0;
		if (fd >= 0) {
			f->slot = slot_take(live, KPIX_OUTDIR_MAX_TEMPS, f);
			if (f->slot < 0) {
				unlinkat(f->dirfd, f->tmpname, 0);
				close(fd);
				err = TABLE_FULL;
			}
		}
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		if (!err) {
			f->fd = fd;
			return 0;
		}
		free(f->tmpname);
		f->tmpname = NULL;
		if (err != EEXIST)
			return err;
	}
	return EEXIST;
}

/* An outdir commits once, well or not: after that it only answers the
 * getters and is freed. */
static int refuse_closed(const kpix_outdir *od)
{
	if (od->state == OD_COMMITTED)
		return kpix_fail(KPIX_EUSAGE, "output directory '%s' was already committed", od->dir);
	return kpix_fail(KPIX_EUSAGE, "output directory '%s' failed to commit: free it and "
	                 "start again", od->dir);
}

/* The checks and the temporary file common to both kinds of begin. */
static int begin(kpix_outdir *od, const char *name, bool stream, ofile **out)
{
	if (!od || !name)
		return kpix_fail(KPIX_EUSAGE, "no output directory or name given");
	if (od->state != OD_OPEN)
		return refuse_closed(od);
	int rc = check_name(name, od->dot_names);
	if (rc)
		return rc;
	for (size_t i = 0; i < od->nfiles; i++)
		if (strcmp(od->files[i]->name, name) == 0)
			return kpix_fail(KPIX_EUSAGE, "output name '%s' is already being written", name);
	char *path = kpix_xasprintf("%s%s", od->prefix, name);
	if ((rc = check_target(od, name, path))) {
		free(path);
		return rc;
	}

	int err = od->priv ? 0 : make_private(od);
	if (err) {
		if (err == TABLE_FULL)
			rc = kpix_fail(KPIX_EUSAGE, "cannot write '%s': more than %d output "
			               "directories at once", path, MAX_PRIVATE_DIRS);
		else
			rc = kpix_fail(KPIX_EIO, "cannot write '%s': %s", path, strerror(err));
		remove_private(od);
		free(path);
		return rc;
	}
	ofile *f = kpix_xcalloc(1, sizeof(*f));
	f->dirfd = od->priv->fd;
	f->name = kpix_xstrdup(name);
	f->path = path;
	f->fd = -1;
	f->slot = -1;
	f->stream = stream;
	f->state = F_TEMP;
	err = create_temp(f);
	if (err == TABLE_FULL) {
		rc = kpix_fail(KPIX_EUSAGE, "cannot write '%s': more than %d output files at once",
		               path, KPIX_OUTDIR_MAX_TEMPS);
		ofile_free(f);
		return rc;
	}
	if (err) {
		rc = kpix_fail(KPIX_EIO, "cannot write '%s': %s", path, strerror(err));
		ofile_free(f);
		return rc;
	}
	f->tmp_path = kpix_xasprintf("%s%s", od->priv->via, f->tmpname);
	f->tmp_shown = kpix_xasprintf("%s%s", od->priv->shown, f->tmpname);
	kpix_sha256_init(&f->hash);
	if (od->nfiles == od->cap) {
		od->cap = od->cap ? od->cap * 2 : 8;
		od->files = kpix_xrealloc(od->files, od->cap * sizeof(*od->files));
	}
	od->files[od->nfiles++] = f;
	*out = f;
	return KPIX_OK;
}

int kpix_outdir_begin(kpix_outdir *od, const char *name, const char **tmp_path)
{
	ofile *f;
	int rc = begin(od, name, false, &f);
	if (rc)
		return rc;
	/* the library opens the path itself */
	close(f->fd);
	f->fd = -1;
	*tmp_path = f->tmp_path;
	return KPIX_OK;
}

/* The stream of kpix_outdir_begin_file: writes go to the temporary file
 * and into the hash; the first error is kept for the commit to report,
 * since stdio itself forgets errno. */
static ssize_t stream_write(void *cookie, const char *buf, size_t n)
{
	ofile *f = cookie;
	size_t done = 0;
	while (done < n && !f->werr) {
		ssize_t w = write(f->fd, buf + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			f->werr = errno;
			break;
		}
		done += (size_t)w;
	}
	kpix_sha256_update(&f->hash, buf, done);
	/* After a failure every byte is taken and dropped: the commit reports
	 * the error kept in werr. Told of the failure instead, glibc's stdio
	 * (2.36) goes on to read past the caller's buffer and to write bytes
	 * of its own that were never set (valgrind saw both when a disk
	 * filled under a large fwrite). */
	return (ssize_t)n;
}

static int stream_close(void *cookie)
{
	ofile *f = cookie;
	int rc = close(f->fd);
	if (rc != 0 && !f->werr)
		f->werr = errno;
	f->fd = -1;
	return rc;
}

/* The write-only stream over f->fd, for stream_write and stream_close. */
static FILE *open_stream(ofile *f)
{
	cookie_io_functions_t io = {.read = NULL, .write = stream_write, .seek = NULL,
	                            .close = stream_close};
	FILE *fp = fopencookie(f, "w", io);
	if (!fp)
		kpix_out_of_memory(sizeof(FILE));
	return fp;
}

int kpix_outdir_begin_file(kpix_outdir *od, const char *name, FILE **fp)
{
	ofile *f;
	int rc = begin(od, name, true, &f);
	if (rc)
		return rc;
	f->fp = open_stream(f);
	*fp = f->fp;
	return KPIX_OK;
}

/* ---------------------------------------------------------------- commit */

/* Step 1 for one file: every byte on disk, size and hash known. */
static int finish_file(ofile *f)
{
	int err = 0;
	if (f->stream) {
		FILE *fp = f->fp;
		f->fp = NULL;
		if (fflush(fp) != 0 && !f->werr)
			f->werr = errno ? errno : EIO;
		if (!f->werr && fsync(f->fd) != 0 && errno != EINVAL)
			f->werr = errno;
		fclose(fp); /* a close error lands in f->werr */
		err = f->werr;
		if (!err) {
			kpix_sha256_final(&f->hash, f->sha);
			f->size = f->hash.size;
		}
	} else {
		/* written by path: what is there now is what gets committed */
		int fd = openat(f->dirfd, f->tmpname, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		struct stat st;
		if (fd < 0)
			err = errno;
		else if (fstat(fd, &st) != 0)
			err = errno;
		else if (!S_ISREG(st.st_mode))
			err = EINVAL;
		if (!err && kpix_sha256_fd(fd, f->tmp_shown, f->sha, &f->size) != KPIX_OK) {
			close(fd);
			return KPIX_EIO; /* kpix_sha256_fd said why */
		}
		if (!err && fsync(fd) != 0 && errno != EINVAL)
			err = errno;
		if (fd >= 0)
			close(fd);
		if (err == ELOOP || err == EINVAL)
			return kpix_fail(KPIX_EIO, "cannot write '%s': its temporary file '%s' is no "
			                 "longer a regular file", f->path, f->tmp_shown);
		if (err == ENOENT)
			return kpix_fail(KPIX_EIO, "cannot write '%s': its temporary file '%s' has "
			                 "gone", f->path, f->tmp_shown);
	}
	if (err)
		return kpix_fail(KPIX_EIO, "cannot write '%s': %s", f->path, strerror(err));
	return KPIX_OK;
}

/* Step 3 for one file: its temporary file becomes DIR/NAME. Whatever was
 * at DIR/NAME is kept under the temporary name until the commit is sure
 * (F_SWAPPED), unless the file system cannot exchange (F_REPLACED). */
static int place_file(kpix_outdir *od, ofile *f)
{
	int from = f->dirfd, to = od->dirfd;
	for (int tries = 0; tries < 3; tries++) {
		if (renameat2(from, f->tmpname, to, f->name, RENAME_NOREPLACE) == 0) {
			f->state = F_PLACED;
			return KPIX_OK;
		}
		if (errno == EEXIST) {
			if (renameat2(from, f->tmpname, to, f->name, RENAME_EXCHANGE) == 0) {
				f->state = F_SWAPPED;
				struct stat st;
				if (fstatat(from, f->tmpname, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
				    S_ISDIR(st.st_mode)) {
					/* a directory appeared since the check: give it back */
					if (renameat2(from, f->tmpname, to, f->name, RENAME_EXCHANGE) == 0)
						f->state = F_TEMP;
					return kpix_fail(KPIX_EIO, "cannot write '%s': %s", f->path,
					                 strerror(EISDIR));
				}
				return KPIX_OK;
			}
			if (errno == ENOENT)
				continue; /* gone in between: try again without it */
		}
		if (errno == EINVAL || errno == ENOSYS) {
			/* no renameat2 here: the old file cannot be kept */
			if (renameat(from, f->tmpname, to, f->name) == 0) {
				f->state = F_REPLACED;
				return KPIX_OK;
			}
		}
		break;
	}
	return kpix_fail(KPIX_EIO, "cannot write '%s': %s", f->path, strerror(errno));
}

/* Undoes step 3 for the first n files, latest first, so that DIR is as it
 * was; returns the files that could not be put back, as text ("" if
 * none). Caller frees. */
static char *unplace_files(kpix_outdir *od, size_t n)
{
	int to = od->dirfd;
	kpix_buf lost = KPIX_BUF_INIT;
	while (n-- > 0) {
		ofile *f = od->files[n];
		bool ok = true;
		if (f->state == F_SWAPPED)
			ok = renameat2(f->dirfd, f->tmpname, to, f->name, RENAME_EXCHANGE) == 0;
		else if (f->state == F_PLACED)
			ok = renameat2(to, f->name, f->dirfd, f->tmpname, RENAME_NOREPLACE) == 0;
		else if (f->state == F_REPLACED)
			ok = false;
		else
			continue;
		if (ok) {
			f->state = F_TEMP;
		} else {
			kpix_buf_printf(&lost, "%s'%s'", lost.len ? ", " : "", f->path);
			f->state = F_GONE; /* the new file stays where it is */
		}
	}
	return kpix_buf_detach(&lost);
}

/* Removes the temporary files of every file not committed. */
static void remove_temps(kpix_outdir *od)
{
	for (size_t i = 0; i < od->nfiles; i++) {
		ofile *f = od->files[i];
		if (f->fp) {
			fclose(f->fp); /* closes f->fd too */
			f->fp = NULL;
		}
		if (f->fd >= 0) {
			close(f->fd);
			f->fd = -1;
		}
		if (f->state == F_TEMP || f->state == F_SWAPPED)
			unlinkat(f->dirfd, f->tmpname, 0);
		slot_give(live, &f->slot);
		if (f->state != F_PLACED && f->state != F_REPLACED)
			f->state = F_GONE;
	}
}

/* Called after each rename of a commit (kpix_outdir_set_commit_hook). */
static void (*commit_hook)(size_t placed);

void kpix_outdir_set_commit_hook(void (*hook)(size_t placed))
{
	commit_hook = hook;
}

/* True when SIGINT, SIGTERM or SIGHUP is waiting to be handled, and was
 * not blocked before the commit blocked it (old): the process is asked to
 * stop, so the commit is undone rather than left for the signal to cut. */
static bool stop_pending(const sigset_t *old)
{
	static const int stops[] = {SIGINT, SIGTERM, SIGHUP};
	sigset_t pending;
	if (sigpending(&pending) != 0)
		return false;
	for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
		if (sigismember(&pending, stops[i]) == 1 && sigismember(old, stops[i]) != 1)
			return true;
	return false;
}

int kpix_outdir_commit(kpix_outdir *od)
{
	if (!od)
		return kpix_fail(KPIX_EUSAGE, "no output directory given");
	if (od->state != OD_OPEN)
		return refuse_closed(od);
	od->state = OD_FAILED;
	int rc = KPIX_OK;
	for (size_t i = 0; i < od->nfiles && !rc; i++)
		rc = finish_file(od->files[i]);
	for (size_t i = 0; i < od->nfiles && !rc; i++)
		rc = check_target(od, od->files[i]->name, od->files[i]->path);
	/* The renames, and their undoing, are one step that no signal cuts: a
	 * signal that comes meanwhile is held, and handled once DIR holds
	 * either every new file or every old one. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	size_t placed = 0;
	while (placed < od->nfiles && !rc) {
		rc = place_file(od, od->files[placed]);
		if (!rc && commit_hook)
			commit_hook(placed + 1);
		if (!rc)
			placed++;
	}
	if (!rc && stop_pending(&old))
		rc = kpix_fail(KPIX_EIO, "output directory '%s' not written: a signal asked kpix to "
		               "stop", od->dir);
	if (rc) {
		if (placed) {
			char *why = kpix_xstrdup(kpix_error_last());
			char *lost = unplace_files(od, placed);
			if (*lost)
				kpix_fail(rc, "%s; already replaced, and could not be put back: %s", why,
				          lost);
			free(lost);
			free(why);
		}
		remove_temps(od);
		remove_private(od);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return rc;
	}
	/* every new file is in place: now the old ones can go */
	for (size_t i = 0; i < od->nfiles; i++) {
		ofile *f = od->files[i];
		if (f->state == F_SWAPPED) {
			unlinkat(f->dirfd, f->tmpname, 0);
			f->state = F_REPLACED;
		}
		slot_give(live, &f->slot);
	}
	remove_private(od);
	slot_give(live_dirs, &od->dir_slot);
	od->state = OD_COMMITTED;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (fsync(od->dirfd) != 0 && errno != EINVAL)
		return kpix_fail(KPIX_EIO, "cannot sync output directory '%s': %s", od->dir,
		                 strerror(errno));
	return KPIX_OK;
}

/* ------------------------------------------------------------------ free */

void kpix_outdir_free(kpix_outdir *od)
{
	if (!od)
		return;
	remove_temps(od);
	remove_private(od);
	for (size_t i = 0; i < od->nfiles; i++)
		ofile_free(od->files[i]);
	free(od->files);
	close(od->dirfd);
	slot_give(live_dirs, &od->dir_slot);
	if (od->created && od->state != OD_COMMITTED)
		rmdir(od->dir); /* only when empty */
	for (size_t i = 0; i < od->ninputs; i++)
		input_free(&od->inputs[i]);
	free(od->inputs);
	free(od->dir);
	free(od->prefix);
	free(od->dir_real);
	free(od);
}

/* --------------------------------------------------------------- getters */

const char *kpix_outdir_dir(const kpix_outdir *od)
{
	return od->dir;
}

size_t kpix_outdir_count(const kpix_outdir *od)
{
	return od->nfiles;
}

const char *kpix_outdir_name(const kpix_outdir *od, size_t i)
{
	return i < od->nfiles ? od->files[i]->name : NULL;
}

const char *kpix_outdir_path(const kpix_outdir *od, size_t i)
{
	return i < od->nfiles ? od->files[i]->path : NULL;
}

uint64_t kpix_outdir_size(const kpix_outdir *od, size_t i)
{
	return i < od->nfiles && od->state == OD_COMMITTED ? od->files[i]->size : 0;
}

const char *kpix_outdir_sha256(const kpix_outdir *od, size_t i)
{
	if (i >= od->nfiles)
		return NULL;
	return od->state == OD_COMMITTED ? od->files[i]->sha : "";
}

/* --------------------------------------------------------------- outfile */

struct kpix_outfile {
	kpix_outdir *od; /* a file replaced: the directory it is in */
	ofile *direct;   /* a device or a pipe, written in place */
	bool done;       /* committed, well or not */
};

/* Refuses path, which stat gave as st, when it is one of the inputs. */
static int refuse_input(const char *path, const struct stat *st, const char *const *inputs,
                        size_t ninputs)
{
	for (size_t i = 0; i < ninputs; i++) {
		struct stat in;
		if (stat(inputs[i], &in) == 0 && in.st_dev == st->st_dev && in.st_ino == st->st_ino)
			return kpix_fail(KPIX_EUSAGE, "cannot write '%s': it is the input '%s'", path,
			                 inputs[i]);
	}
	return KPIX_OK;
}

/* A path that exists and cannot be replaced (neither a regular file nor a
 * directory): opened for writing as it is. */
static int open_direct(kpix_outfile *of, FILE **fp, const char *path, const struct stat *st,
                       const char *const *inputs, size_t ninputs)
{
	int rc = refuse_input(path, st, inputs, ninputs);
	if (rc)
		return rc;
	int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return kpix_fail(KPIX_EIO, "cannot write '%s': %s", path, strerror(errno));
	ofile *f = kpix_xcalloc(1, sizeof(*f));
	f->name = kpix_xstrdup(path);
	f->path = kpix_xstrdup(path);
	f->dirfd = -1;
	f->fd = fd;
	f->slot = -1;
	f->stream = true;
	kpix_sha256_init(&f->hash);
	f->fp = open_stream(f);
	of->direct = f;
	*fp = f->fp;
	return KPIX_OK;
}

/* A regular file, or nothing yet, at path: written through an outdir on
 * the directory it is in, so that paths in messages read as path. */
static int open_replace(kpix_outfile *of, FILE **fp, const char *path,
                        const char *const *inputs, size_t ninputs)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? kpix_xstrndup(path, slash == path ? 1 : (size_t)(slash - path))
	                  : kpix_xstrdup(".");
	char *prefix = slash ? kpix_xstrndup(path, (size_t)(slash - path) + 1) : kpix_xstrdup("");
	int rc = open_dir(&of->od, dir, false, false, prefix, inputs, ninputs);
	if (!rc) {
		of->od->dot_names = true;
		rc = kpix_outdir_begin_file(of->od, slash ? slash + 1 : path, fp);
	}
	free(dir);
	free(prefix);
	return rc;
}

int kpix_outfile_open(kpix_outfile **out, FILE **fp, const char *path,
                      const char *const *inputs, size_t ninputs)
{
	*out = NULL;
	if (!path || !*path)
		return kpix_fail(KPIX_EUSAGE, "the output file name is empty");
	for (size_t i = 0; i < ninputs; i++)
		if (!inputs || !inputs[i])
			return kpix_fail(KPIX_EUSAGE, "input %zu of the output file is NULL", i);
	if (path[strlen(path) - 1] == '/')
		return kpix_fail(KPIX_EIO, "cannot write '%s': %s", path, strerror(EISDIR));
	kpix_outfile *of = kpix_xcalloc(1, sizeof(*of));
	struct stat st, lst;
	bool exists = stat(path, &st) == 0;
	bool link = lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode);
	int rc;
	if (exists && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
		/* through a link too: /dev/stdout leads to a pipe with no path */
		rc = open_direct(of, fp, path, &st, inputs, ninputs);
	else if (link && exists && (rc = refuse_input(path, &st, inputs, ninputs)))
		;
	else if (link)
		/* neither followed (a link planted in a shared directory) nor
		 * replaced (/dev/stdout when the shell sent it to a file) */
		rc = kpix_fail(KPIX_EIO, "cannot write '%s': it is a symbolic link; give the path "
		               "of the file itself", path);
	else
		rc = open_replace(of, fp, path, inputs, ninputs);
	if (rc) {
		kpix_outfile_free(of);
		return rc;
	}
	*out = of;
	return KPIX_OK;
}

int kpix_outfile_commit(kpix_outfile *of)
{
	if (!of)
		return kpix_fail(KPIX_EUSAGE, "no output file given");
	if (of->od)
		return kpix_outdir_commit(of->od); /* which refuses a second time */
	if (of->done)
		return kpix_fail(KPIX_EUSAGE, "output file '%s' was already committed",
		                 of->direct->path);
	of->done = true;
	ofile *f = of->direct;
	FILE *fp = f->fp;
	f->fp = NULL;
	if (fflush(fp) != 0 && !f->werr)
		f->werr = errno ? errno : EIO;
	fclose(fp); /* a close error lands in f->werr */
	if (f->werr)
		return kpix_fail(KPIX_EIO, "cannot write '%s': %s", f->path, strerror(f->werr));
	return KPIX_OK;
}

void kpix_outfile_free(kpix_outfile *of)
{
	if (!of)
		return;
	kpix_outdir_free(of->od);
	if (of->direct) {
		if (of->direct->fp)
			fclose(of->direct->fp);
		ofile_free(of->direct);
	}
	free(of);
}
