#!/usr/bin/env python3
"""What kpix does when it cannot write its output, end to end.

    python3 tests/cli/faults.py --kpix build/kpix [-v] [TestCase.test_name...]

Every command that writes files (validate --report, export, pack, template)
meets an output directory it cannot use, a full disk, an output name that
leads to one of its inputs, a symbolic link (also one planted while it
writes), another kpix writing into the same directory, too little memory,
or SIGINT and SIGTERM in the middle of a write. Each test checks the exit status, the message (the file
named and the reason), that the directory holds nothing new (no temporary
file, no partial output), that a file already there keeps its bytes, that
every input keeps its bytes, and that kpix's private TMPDIR is left empty.
docs/exports.md ("When writing fails") is the contract checked here.

Some faults need root: a read-only bind mount and a full tmpfs are made
with mount(8), and an unwritable directory is shown to a kpix without the
capability to override permissions (setpriv). Where mount is not allowed a
full disk is simulated with RLIMIT_FSIZE (SIGXFSZ ignored), which needs no
privilege; both are used when both work. A test that cannot make its fault
here is skipped and says why.

Exit status: 0 when every test passes (or is skipped), 1 otherwise.
"""

import argparse
import fcntl
import hashlib
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = os.path.join(ROOT, "examples")
COUNCIL = os.path.join(EXAMPLES, "council-kpi-quarterly", "q2-2025-26.csv")
MISTAKES = os.path.join(EXAMPLES, "council-kpi-quarterly", "q2-2025-26-mistakes.csv")
HOUSING = sorted(os.path.join(EXAMPLES, "housing-board", n)
                 for n in os.listdir(os.path.join(EXAMPLES, "housing-board")) if n.endswith(".csv"))
SCHEMA = os.path.join(ROOT, "schemas", "council-kpi-quarterly.json")
CSV_NAME = "kpi-return-Example-Borough-Council-2025-26-Q2.csv"
XLSX_NAME = "kpi-return-Example-Borough-Council-2025-26-Q2.xlsx"
PACK_XLSX = "housing-board-2025-26-Q2.xlsx"
TEMPLATE_CSV = "council-kpi-quarterly-template.csv"
SETPRIV = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search",
           "--inh-caps", "-dac_override,-dac_read_search"]
OLD = b"the bytes of an earlier run\n"

KPIX = None  # set by main()


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def snapshot(d):
    """Every entry of d: name -> the hash of a regular file, 'link:TARGET',
    or the kind of anything else ('dir', 'device')."""
    out = {}
    for n in os.listdir(d):
        p = os.path.join(d, n)
        mode = os.lstat(p).st_mode
        if stat.S_ISLNK(mode):
            out[n] = "link:" + os.readlink(p)
        elif stat.S_ISDIR(mode):
            out[n] = "dir"
        elif stat.S_ISREG(mode):
            out[n] = sha(p)
        else:
            out[n] = "device"
    return out


def temporaries(d):
    """The temporary files kpix has in d: (path, size) of each file in
    kpix's private directories there (.kpix.XXXXXX.tmp, which only kpix's
    user can enter), and of any .NAME.XXXXXX.tmp file in d itself."""
    out = []
    for n in os.listdir(d):
        p = os.path.join(d, n)
        if not (n.startswith(".") and n.endswith(".tmp")):
            continue
        st = os.lstat(p)
        if stat.S_ISDIR(st.st_mode):
            out += [(os.path.join(p, m), os.stat(os.path.join(p, m)).st_size)
                    for m in os.listdir(p)]
        else:
            out.append((p, st.st_size))
    return out


def big_export_data(path, rows):
    subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen-export.py"), SCHEMA,
                    str(rows), path, os.devnull], check=True, capture_output=True)


def under_asan():
    """True when KPIX is built with AddressSanitizer, which reserves
    terabytes of address space: no address-space limit can be set on it."""
    with open(KPIX, "rb") as f:
        return b"__asan_init" in f.read()


def can_mount():
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    d = tempfile.mkdtemp(prefix="kpix-faults-mount-")
    try:
        ok = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", d],
                            capture_output=True).returncode == 0
        if ok:
            subprocess.run(["umount", d], check=True)
        return ok
    finally:
        os.rmdir(d)


def fsize_limit(nbytes):
    """preexec_fn for kpix: files may grow to nbytes; a write beyond fails
    with EFBIG instead of killing the process."""
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (nbytes, nbytes))
    return apply


class Fault(unittest.TestCase):
    """A scratch area per test: inputs copied in, an output directory, a
    private TMPDIR; kpix runs from the scratch area."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="kpix-faults-")
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        self.tmpdir = self.path("tmpdir")
        os.mkdir(self.tmpdir)
        self.data = self.copy(COUNCIL, "q2.csv")
        self.mistakes = self.copy(MISTAKES, "q2-mistakes.csv")
        self.env = dict(os.environ, KPIX_SCHEMA_PATH=os.path.join(ROOT, "schemas"),
                        TMPDIR=self.tmpdir, LC_ALL="C", TZ="UTC")
        self.env.pop("SOURCE_DATE_EPOCH", None)

    def path(self, *names):
        return os.path.join(self.tmp, *names)

    def copy(self, src, name):
        dst = self.path(name)
        shutil.copyfile(src, dst)
        return dst

    def run_kpix(self, args, prefix=(), preexec=None):
        p = subprocess.run(list(prefix) + [KPIX] + list(args), capture_output=True, text=True,
                           env=self.env, cwd=self.tmp, stdin=subprocess.DEVNULL,
                           preexec_fn=preexec)
        return p.returncode, p.stderr

    def mount(self, target, *how):
        r = subprocess.run(["mount"] + list(how) + [target], capture_output=True, text=True)
        if r.returncode != 0:
            self.skipTest("mount %s: %s" % (" ".join(how), r.stderr.strip()))
        if "remount" not in " ".join(how):
            self.addCleanup(subprocess.run, ["umount", target], check=True)

    def out_dir(self, name="out", old=("manifest.json",)):
        """An output directory holding files of an earlier run."""
        d = self.path(name)
        os.makedirs(d, exist_ok=True)
        for n in old:
            with open(os.path.join(d, n), "wb") as f:
                f.write(OLD)
        return d

    def inputs_hashes(self):
        return {p: sha(p) for p in (self.data, self.mistakes, SCHEMA) + tuple(HOUSING)}

    def assert_failed(self, got, status, *phrases, before=None, d=None, inputs=None):
        """kpix exited with status, its message holds each phrase, d is as
        it was (before), the inputs have their old bytes and TMPDIR is empty."""
        rc, err = got
        self.assertEqual(rc, status, "exit status; stderr:\n" + err)
        for ph in phrases:
            self.assertIn(ph, err)
        if d is not None:
            self.assertEqual(snapshot(d), before, "the output directory changed")
        if inputs is not None:
            self.assertEqual(self.inputs_hashes(), inputs, "an input changed")
        self.assertEqual(os.listdir(self.tmpdir), [], "left in TMPDIR")

    # the four writing commands, into d
    def export(self, d, *more):
        return ["export", "q2.csv", "--schema", "council-kpi-quarterly", "--out", d] + list(more)

    def pack(self, d):
        return ["pack"] + HOUSING + ["--pack", "housing-board", "--period", "2025-26 Q2",
                                     "--out", d]

    def template(self, d):
        return ["template", "--schema", "council-kpi-quarterly", "--out", d]

    def report(self, path):
        return ["validate", "q2-mistakes.csv", "--schema", "council-kpi-quarterly",
                "--report", path]

    def every_command(self, d):
        """(what, argv) for each command that writes, writing into d."""
        return [("export", self.export(d)), ("pack", self.pack(d)),
                ("template", self.template(d)),
                ("validate --report", self.report(os.path.join(d, "r.json")))]


class UnwritableDir(Fault):
    def check_unwritable(self, d, reason, prefix=()):
        for what, argv in self.every_command(d):
            with self.subTest(what):
                before, inputs = snapshot(d), self.inputs_hashes()
                got = self.run_kpix(argv, prefix)
                self.assert_failed(got, 3, "'%s'" % d, reason, before=before, d=d,
                                   inputs=inputs)

    def test_a_directory_without_write_permission_is_refused_with_exit_3(self):
        if os.geteuid() == 0 and not shutil.which("setpriv"):
            self.skipTest("root ignores permissions and setpriv is missing")
        d = self.out_dir()
        os.chmod(d, 0o555)
        self.addCleanup(os.chmod, d, 0o755)
        prefix = SETPRIV if os.geteuid() == 0 else ()
        self.check_unwritable(d, "Permission denied", prefix)

    def test_a_read_only_mount_is_refused_with_exit_3(self):
        d = self.out_dir()
        self.mount(d, "--bind", d)
        self.mount(d, "-o", "remount,bind,ro")
        self.check_unwritable(d, "Read-only file system")

    def test_a_directory_whose_parent_is_missing_is_not_made(self):
        d = self.path("no", "such")
        for what, argv in self.every_command(d):
            with self.subTest(what):
                got = self.run_kpix(argv)
                self.assert_failed(got, 3, "'%s'" % d, "No such file or directory",
                                   before={"q2.csv": sha(self.data),
                                           "q2-mistakes.csv": sha(self.mistakes),
                                           "tmpdir": "dir"},
                                   d=self.tmp)


class FullDisk(Fault):
    """The disk fills while the outputs are written: exit 3, the file and
    the reason named, the directory as it was."""

    def cases(self, d):
        return [("export xlsx", self.export(d, "--only", "council-xlsx"), XLSX_NAME),
                ("export csv", self.export(d, "--only", "council-csv"), CSV_NAME),
                ("pack", self.pack(d), PACK_XLSX),
                ("template", self.template(d), TEMPLATE_CSV[:-4]),
                ("validate --report", self.report(os.path.join(d, "r.json")), "r.json")]

    def check_full(self, d, reason, preexec=None):
        for what, argv, named in self.cases(d):
            with self.subTest(what):
                before, inputs = snapshot(d), self.inputs_hashes()
                got = self.run_kpix(argv, preexec=preexec)
                self.assert_failed(got, 3, "cannot write '%s/%s" % (d, named), reason,
                                   before=before, d=d, inputs=inputs)

    def test_a_full_tmpfs(self):
        d = self.path("full")
        os.mkdir(d)
        self.mount(d, "-t", "tmpfs", "-o", "size=64k", "tmpfs")
        self.out_dir("full", old=("manifest.json", "r.json", XLSX_NAME))
        with open(os.path.join(d, "filler"), "wb") as f:
            try:
                f.write(b"\0" * 200000)
            except OSError:
                pass
        self.assertEqual(os.statvfs(d).f_bavail, 0, "the tmpfs is not full")
        self.check_full(d, "No space left on device")

    def test_a_file_size_limit(self):
        if os.environ.get("KPIX_MEMCHECK_LOGS"):
            # the limit would also stop valgrind writing its log
            self.skipTest("under valgrind (a full tmpfs tests the same writes)")
        d = self.out_dir(old=("manifest.json", "r.json", XLSX_NAME))
        self.check_full(d, "File too large", preexec=fsize_limit(1000))

    def test_a_device_that_is_always_full_as_the_report(self):
        # a node of our own where we may make one, so that a kpix that
        # replaced the device would not take the machine's /dev/full with it
        dev = self.path("full-device")
        try:
            os.mknod(dev, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
        except OSError:
            dev = "/dev/full"
        inputs = self.inputs_hashes()
        before = snapshot(os.path.dirname(dev))
        got = self.run_kpix(self.report(dev))
        self.assert_failed(got, 3, "cannot write '%s': No space left on device" % dev,
                           before=before, d=os.path.dirname(dev), inputs=inputs)
        self.assertTrue(stat.S_ISCHR(os.stat(dev).st_mode), "the device was replaced")


class OutputIsAnInput(Fault):
    """No output may be one of the command's inputs, however it is reached:
    exit 2, the input named, nothing written."""

    def check_refused(self, argv, d, target, input_named):
        before, inputs = snapshot(d), self.inputs_hashes()
        got = self.run_kpix(argv)
        self.assert_failed(got, 2, "cannot write '%s'" % target,
                           "it is the input '%s'" % input_named, before=before, d=d,
                           inputs=inputs)

    def test_an_export_file_name_that_is_the_data_file(self):
        d = self.out_dir()
        self.data = os.path.join(d, CSV_NAME)
        shutil.copyfile(COUNCIL, self.data)
        argv = ["export", self.data, "--schema", "council-kpi-quarterly", "--out", d]
        self.check_refused(argv, d, os.path.join(d, CSV_NAME), self.data)

    def test_an_export_file_name_that_links_to_the_data_file(self):
        for kind, make in (("symbolic", os.symlink), ("hard", os.link)):
            with self.subTest(kind):
                d = self.out_dir("out-" + kind)
                make(self.data, os.path.join(d, CSV_NAME))
                self.check_refused(self.export(d), d, os.path.join(d, CSV_NAME), "q2.csv")

    def test_a_report_over_the_data_the_schema_or_a_link_to_them(self):
        schema = self.copy(SCHEMA, "schema.json")
        os.symlink("q2-mistakes.csv", self.path("sym.csv"))
        os.link(self.mistakes, self.path("hard.csv"))
        argv = ["validate", "q2-mistakes.csv", "--schema", "schema.json", "--report"]
        for report, named in (("q2-mistakes.csv", "q2-mistakes.csv"),
                              ("schema.json", "schema.json"),
                              ("sym.csv", "q2-mistakes.csv"),
                              ("hard.csv", "q2-mistakes.csv")):
            with self.subTest(report):
                self.check_refused(argv + [report], self.tmp, report, named)
        self.assertEqual(sha(schema), sha(SCHEMA))


class SymbolicLinks(Fault):
    def victim(self):
        """A file outside DIR that a link in DIR leads to."""
        v = self.path("victim")
        with open(v, "wb") as f:
            f.write(OLD)
        return v

    def test_a_link_in_dir_is_replaced_and_what_it_leads_to_is_kept(self):
        victim = self.victim()
        d = self.out_dir(old=())
        os.symlink(victim, os.path.join(d, "manifest.json"))
        inputs = self.inputs_hashes()
        rc, err = self.run_kpix(self.export(d))
        self.assertEqual(rc, 0, err)
        self.assertEqual(sha(victim), hashlib.sha256(OLD).hexdigest(), "the victim changed")
        m = os.path.join(d, "manifest.json")
        self.assertFalse(os.path.islink(m), "the link is still there")
        with open(m) as f:
            self.assertIn('"manifest": "kpix-manifest/1"', f.read())
        self.assertEqual(sorted(os.listdir(d)), sorted([CSV_NAME, XLSX_NAME, "manifest.json"]))
        self.assertEqual(self.inputs_hashes(), inputs)

    def test_a_report_that_is_a_link_is_refused(self):
        victim = self.victim()
        d = self.out_dir(old=())
        os.symlink(victim, os.path.join(d, "r.json"))
        before, inputs = snapshot(d), self.inputs_hashes()
        got = self.run_kpix(self.report(os.path.join(d, "r.json")))
        self.assert_failed(got, 3, "cannot write '%s/r.json': it is a symbolic link" % d,
                           before=before, d=d, inputs=inputs)
        self.assertEqual(sha(victim), hashlib.sha256(OLD).hexdigest())

    def test_dir_that_is_a_link_is_written_through(self):
        real = self.out_dir("real", old=())
        os.symlink("real", self.path("link"))
        rc, err = self.run_kpix(self.export("link"))
        self.assertEqual(rc, 0, err)
        self.assertTrue(os.path.islink(self.path("link")))
        self.assertEqual(sorted(os.listdir(real)), sorted([CSV_NAME, XLSX_NAME, "manifest.json"]))


class PlantedLinks(Fault):
    """issue 18, finding 2: libxlsxwriter reopens the workbook's temporary
    file by path when it closes it, so a temporary file in DIR swapped for a
    link during an export made kpix write the link's target, outside DIR."""

    ROWS = 5000 if os.environ.get("KPIX_MEMCHECK_LOGS") else 100000

    def plant(self, d, victim):
        """What another user who can write into d can do: swap each
        temporary file there for a link to victim, and each directory of
        kpix's for a link to a directory of theirs holding, under every name
        kpix's held, a link to victim (they could not list it; this is
        generous to them)."""
        for n in os.listdir(d):
            p = os.path.join(d, n)
            if not n.startswith("."):
                continue
            if os.path.isfile(p) and not os.path.islink(p):
                os.unlink(p)
                os.symlink(victim, p)
            elif os.path.isdir(p) and not os.path.islink(p):
                theirs = self.path("theirs-" + n)
                os.mkdir(theirs)
                for m in os.listdir(p):
                    os.symlink(victim, os.path.join(theirs, m))
                os.rename(p, self.path("moved-" + n))
                os.symlink(theirs, p)

    def test_links_planted_in_dir_during_an_export_cannot_redirect_its_writes(self):
        victim = self.path("victim")
        with open(victim, "wb") as f:
            f.write(OLD)
        rows = self.ROWS
        for _ in range(4):
            data = self.path("big.csv")
            big_export_data(data, rows)
            d = self.out_dir(old=())
            argv = ["export", data, "--schema", "council-kpi-quarterly", "--out", d, "-q"]
            p = subprocess.Popen([KPIX] + argv, env=self.env, cwd=self.tmp,
                                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, text=True)
            planted = False
            while p.poll() is None and not planted:
                try:
                    if any(".xlsx." in os.path.basename(t) for t, _ in temporaries(d)):
                        self.plant(d, victim)
                        planted = True
                except FileNotFoundError:
                    continue
            _, err = p.communicate()
            if planted:
                with open(victim, "rb") as f:
                    self.assertEqual(f.read(), OLD, "kpix wrote outside DIR; stderr:\n" + err)
                self.assertEqual(p.returncode, 0, err)
                self.assertEqual(os.listdir(self.tmpdir), [], "left in TMPDIR")
                return
            shutil.rmtree(d)
            rows *= 2
        self.fail("kpix export ended before the links could be planted, 4 times")


class Concurrent(Fault):
    """issue 18, finding 6: two exports into one directory at once both
    exited 0, leaving one run's manifest beside the other's files. A run
    holds its DIR locked from start to end; a second run is refused."""

    def test_a_dir_another_kpix_is_writing_into_is_refused_with_exit_3(self):
        d = self.out_dir(old=("manifest.json",))
        fd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # as a kpix writing into d holds it
            for what, argv in self.every_command(d)[:3]:
                with self.subTest(what):
                    before, inputs = snapshot(d), self.inputs_hashes()
                    got = self.run_kpix(argv)
                    self.assert_failed(got, 3, "another kpix is writing into '%s'" % d,
                                       before=before, d=d, inputs=inputs)
            # a report beside the outputs is not locked out
            rc, err = self.run_kpix(self.report(os.path.join(d, "r.json")))
            self.assertEqual(rc, 1, err)
        finally:
            os.close(fd)
        rc, err = self.run_kpix(self.export(d))
        self.assertEqual(rc, 0, err)


class OutOfMemory(Fault):
    """issue 18, finding 9: out of memory aborted kpix (134), leaving its
    temporary files; it now exits 4, saying so, with DIR as it was."""

    def limited(self, kib):
        def apply():
            resource.setrlimit(resource.RLIMIT_AS, (kib * 1024, kib * 1024))
        return apply

    def test_an_export_out_of_memory_exits_4_and_leaves_dir_as_it_was(self):
        if os.environ.get("KPIX_MEMCHECK_LOGS"):
            self.skipTest("under valgrind, whose own memory the limit would count")
        if under_asan():
            sys.stderr.write("faults.py: skipping the out-of-memory test: kpix is built "
                             "with AddressSanitizer, which cannot run under an address-space "
                             "limit\n")
            self.skipTest("AddressSanitizer build: an address-space limit cannot be set")
        # the least address space in which kpix exports the example, to
        # 256 KiB; then a data file that needs far more than that plus 2 MiB
        small = self.out_dir("small", old=())
        need = None
        for kib in range(8 * 1024, 256 * 1024, 256):
            shutil.rmtree(small)
            os.mkdir(small)
            rc, _ = self.run_kpix(self.export(small, "-q"), preexec=self.limited(kib))
            if rc == 0:
                need = kib
                break
        self.assertIsNotNone(need, "kpix export did not run under 256 MiB")
        data = self.path("big.csv")
        big_export_data(data, 100000)
        d = self.out_dir(old=("manifest.json", CSV_NAME))
        before, inputs = snapshot(d), {p: sha(p) for p in (data, SCHEMA)}
        argv = ["export", data, "--schema", "council-kpi-quarterly", "--out", d, "-q"]
        rc, err = self.run_kpix(argv, preexec=self.limited(need + 2048))
        self.assertEqual((rc, err), (4, "kpix: out of memory\n"),
                         "under %d KiB of address space" % (need + 2048))
        self.assertEqual(snapshot(d), before, "the output directory changed")
        self.assertEqual({p: sha(p) for p in inputs}, inputs, "an input changed")
        self.assertEqual(os.listdir(self.tmpdir), [], "left in TMPDIR")


class Signals(Fault):
    """SIGINT or SIGTERM while the outputs are being written: kpix dies of
    that signal (a shell shows 130 or 143) and leaves nothing behind."""

    # under valgrind kpix runs 20 to 50 times slower: far fewer rows keep
    # the write long enough to interrupt
    ROWS = 5000 if os.environ.get("KPIX_MEMCHECK_LOGS") else 200000

    def interrupt(self, argv, d, sig, ready):
        """Runs kpix, waits until a temporary file in d passes ready(name,
        size), sends sig. Returns (status, stderr), or None when kpix ended
        before that (the write was too quick to catch)."""
        p = subprocess.Popen([KPIX] + argv, env=self.env, cwd=self.tmp,
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
        caught = False
        while p.poll() is None:
            try:
                temps = [(os.path.basename(t), n) for t, n in temporaries(d)]
            except FileNotFoundError:
                continue  # d not made yet, or a temporary file renamed meanwhile
            if any(ready(n, s) for n, s in temps):
                p.send_signal(sig)
                caught = True
                break
        _, err = p.communicate()
        return (p.returncode, err) if caught else None

    def check_interrupted(self, got, sig, d, before, inputs):
        rc, err = got
        self.assertEqual(rc, -sig, "kpix did not die of %s; stderr:\n%s" % (sig.name, err))
        if before is None:
            self.assertFalse(os.path.exists(d), "the directory kpix made is still there")
        else:
            self.assertEqual(snapshot(d), before, "the output directory changed")
        self.assertEqual(os.listdir(self.tmpdir), [], "left in TMPDIR")
        self.assertEqual({p: sha(p) for p in inputs}, inputs, "an input changed")

    def export_interrupted(self, sig, ready, fresh_dir=False):
        rows = self.ROWS
        while True:
            data = self.path("big.csv")
            big_export_data(data, rows)
            if fresh_dir:
                d, before = self.path("made-by-kpix"), None
            else:
                d = self.out_dir(old=("manifest.json", CSV_NAME))
                before = snapshot(d)
            inputs = {p: sha(p) for p in (data, SCHEMA)}
            argv = ["export", data, "--schema", "council-kpi-quarterly", "--out", d, "-q"]
            got = self.interrupt(argv, d, sig, ready)
            if got is not None:
                return self.check_interrupted(got, sig, d, before, inputs)
            # written before the signal could land: never pass silently
            if rows >= 4 * self.ROWS:
                self.fail("kpix export of %d rows ended before the signal was sent" % rows)
            shutil.rmtree(d)
            rows *= 2

    def test_sigint_while_export_writes_its_csv(self):
        self.export_interrupted(signal.SIGINT, lambda n, s: ".csv." in n and s > 1 << 20)

    def test_sigterm_while_export_writes_its_workbook(self):
        self.export_interrupted(signal.SIGTERM, lambda n, s: ".xlsx." in n and s > 0)

    def test_sigterm_while_export_writes_into_a_directory_it_made(self):
        self.export_interrupted(signal.SIGTERM, lambda n, s: ".csv." in n and s > 1 << 20,
                                fresh_dir=True)

    def pack_interrupted(self, sig):
        gen = self.path("gen")
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen-pack-inputs.py"), gen],
                       check=True, capture_output=True)
        history = os.path.join(gen, "history.csv")
        board = os.path.join(gen, "bench-board.json")
        inputs = {p: sha(p) for p in (history, board,
                                      os.path.join(gen, "bench-pack-schema.json"))}
        xlsx = "bench-board-2025-26-Q2.xlsx"
        # a pack's size is set by its definition, not by the history: when
        # its workbook is written too quickly to catch, try again
        for attempt in range(20):
            d = self.out_dir("out-%d" % attempt, old=("manifest.json", xlsx))
            before = snapshot(d)
            argv = ["pack", history, "--pack", board, "--period", "2025-26 Q2", "--out", d,
                    "-q"]
            got = self.interrupt(argv, d, sig, lambda n, s: ".xlsx." in n and s > 0)
            if got is not None:
                return self.check_interrupted(got, sig, d, before, inputs)
        self.fail("kpix pack ended before the signal was sent, 20 times")

    def test_sigint_while_pack_writes_its_workbook(self):
        self.pack_interrupted(signal.SIGINT)

    def test_sigterm_while_pack_writes_its_workbook(self):
        self.pack_interrupted(signal.SIGTERM)

    def test_a_signal_ignored_at_start_stays_ignored(self):
        # nohup: kpix must not start to die of a hang-up it was told to ignore
        d = self.out_dir(old=())
        p = subprocess.Popen([KPIX] + self.pack(d), env=self.env, cwd=self.tmp,
                             stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                             preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN))
        while p.poll() is None and not os.listdir(d):
            pass
        p.send_signal(signal.SIGHUP)
        _, err = p.communicate()
        self.assertEqual(p.returncode, 0, err)
        self.assertIn("manifest.json", os.listdir(d))


def main():
    global KPIX
    ap = argparse.ArgumentParser()
    ap.add_argument("--kpix", required=True)
    a, rest = ap.parse_known_args()
    KPIX = os.path.abspath(a.kpix)
    prog = unittest.main(argv=[sys.argv[0]] + rest, exit=False)
    sys.exit(0 if prog.result.wasSuccessful() else 1)


if __name__ == "__main__":
    main()
