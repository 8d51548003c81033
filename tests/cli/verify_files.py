#!/usr/bin/env python3
"""kpix verify on files that are not regular files, and on names that hold
control characters, end to end through the command line.

    python3 tests/cli/verify_files.py --kpix build/kpix [--verbose]

An export is written into a temporary directory with `kpix export`, and
copies of it are then spoiled one way each:

- an output replaced by a symbolic link to /dev/zero, an output replaced by
  a directory, an input in the manifest's directory that is a named pipe
  with no writer, and a manifest.json that is a named pipe: each is refused
  with exit 3 and a message naming the file and what it is, at once (each
  run has a time limit: before the refusal, verify read /dev/zero or waited
  on the pipe for ever), and leaves nothing in its scratch directory;
- a data file given on the command line whose name holds a newline and
  ESC[8m: the message that says it is not an input shows them escaped, so
  the terminal cannot be made to show a forged line.

The copy left as written verifies (exit 0), so that the refusals are not
of something else. Exit status: 0 when every check passes, 1 when any
fails, 2 on a usage problem.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

import verify_pack  # its Checks, Kpix and fresh_copy (beside this file)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COUNCIL = os.path.join(ROOT, "examples", "council-kpi-quarterly", "q2-2025-26.csv")
LIMIT = 30  # seconds: verify of this export takes well under one


class Kpix(verify_pack.Kpix):
    """verify_pack's, with a time limit on each run."""

    def run(self, *args):
        """(exit status, stdout, stderr); exit None when it ran past LIMIT."""
        try:
            p = subprocess.run([self.binary] + list(args), capture_output=True, text=True,
                               env=self.env, cwd=ROOT, stdin=subprocess.DEVNULL, timeout=LIMIT,
                               errors="surrogateescape")
        except subprocess.TimeoutExpired:
            return None, "", "(still running after %d s: killed)" % LIMIT
        return p.returncode, p.stdout, p.stderr


def refused(c, k, name, manifest, what, kind, data=()):
    """verify must exit 3 at once, saying what is wrong with what."""
    rc, so, se = k.run("verify", manifest, *data)
    c.true(name + ": exit 3 within %d s" % LIMIT, rc == 3, "exit %s\n%s%s" % (rc, so, se))
    c.true(name + ": the message names the file and what it is",
           what in se and "it is %s, not a regular file" % kind in se, se)
    c.true(name + ": nothing left in the scratch directory", k.scratch_is_empty(),
           str(os.listdir(k.scratch)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kpix", required=True)
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    binary = os.path.abspath(a.kpix)
    c = verify_pack.Checks(a.verbose)
    with tempfile.TemporaryDirectory(prefix="kpix-verify-files-") as tmp:
        k = Kpix(binary, tmp)
        data = os.path.join(tmp, "data")
        os.mkdir(data)
        q2 = os.path.join(data, "q2-2025-26.csv")
        shutil.copy(COUNCIL, q2)
        export = os.path.join(tmp, "export")
        rc, so, se = k.run("export", q2, "--schema", "council-kpi-quarterly", "--param",
                           "contact=Performance team", "--out", export)
        if rc != 0:
            sys.stderr.write(so + se)
            raise SystemExit("kpix export exited %s" % rc)
        outputs = sorted(n for n in os.listdir(export) if n != "manifest.json")
        csv = [n for n in outputs if n.endswith(".csv")][0]

        rc, so, se = k.run("verify", os.path.join(export, "manifest.json"), q2)
        c.true("as written: exit 0", rc == 0, "exit %s\n%s%s" % (rc, so, se))

        # an output that is a link to a device: hashing it never ended
        t = os.path.join(tmp, "output-dev-zero")
        m = verify_pack.fresh_copy(export, t)
        os.unlink(os.path.join(t, csv))
        os.symlink("/dev/zero", os.path.join(t, csv))
        refused(c, k, "output linked to /dev/zero", m, "'%s/%s'" % (t, csv), "a device", [q2])

        # an output that is a directory
        t = os.path.join(tmp, "output-directory")
        m = verify_pack.fresh_copy(export, t)
        os.unlink(os.path.join(t, csv))
        os.mkdir(os.path.join(t, csv))
        refused(c, k, "output a directory", m, "'%s/%s'" % (t, csv), "a directory", [q2])

        # an input in the manifest's directory that is a named pipe with no
        # writer: opening it to hash it waited for ever
        t = os.path.join(tmp, "input-fifo")
        m = verify_pack.fresh_copy(export, t)
        os.mkfifo(os.path.join(t, "q2-2025-26.csv"))
        refused(c, k, "input a named pipe", m, "'%s/q2-2025-26.csv'" % t, "a pipe")

        # the manifest itself a named pipe
        t = os.path.join(tmp, "manifest-fifo")
        m = verify_pack.fresh_copy(export, t)
        os.unlink(m)
        os.mkfifo(m)
        refused(c, k, "manifest a named pipe", m, "'%s'" % m, "a pipe")

        # a data file whose name holds a newline and ESC[8m: the library's
        # message names it, and the terminal must see it escaped
        forged = os.path.join(data, "x\n\x1b[8mverified: all is well.csv")
        shutil.copy(COUNCIL, forged)
        rc, so, se = k.run("verify", os.path.join(export, "manifest.json"), forged)
        c.true("control characters: exit 2", rc == 2, "exit %s\n%s%s" % (rc, so, se))
        c.true("control characters: no ESC or carriage return on the terminal",
               "\x1b" not in so + se and "\r" not in so + se, repr(so + se))
        c.true("control characters: the message is one line, the name escaped",
               se.count("\n") == 1 and "x\\n\\x1b[8mverified: all is well.csv" in se, repr(se))

    print("verify_files: %d passed, %d failed" % (c.passed, c.failed))
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
