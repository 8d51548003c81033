#!/usr/bin/env python3
"""kpix verify on board packs, end to end through the command line.

    python3 tests/cli/verify_pack.py --kpix build/kpix [--verbose]

A golden case runs one command, and a pack must be written before it can
be verified, so this script runs both: it builds each example pack
(examples/housing-board for 2025-26 Q2, examples/onesource for 2017-18 Q3)
into a temporary directory with `kpix pack`, and then checks what
`kpix verify` prints and returns:

- each pack as written verifies (exit 0), with a line for the schema, the
  pack definition, each history file and each output, and leaves nothing
  in its scratch directory;
- an output altered after the pack was made, a history file that is not
  the one read, a changed pack definition (given with --pack) and a
  manifest whose fingerprint was edited each fail (exit 1), named;
- --pack with an unknown id, and --pack for an export's manifest, are
  usage errors (exit 2).

Exit status: 0 when every check passes, 1 when any fails, 2 on a usage
problem.
"""

import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HOUSING = sorted(glob.glob(os.path.join(ROOT, "examples", "housing-board", "*.csv")))
ONESOURCE = [os.path.join(ROOT, "examples", "onesource", "okpi1-history.csv")]


class Checks:
    def __init__(self, verbose):
        self.verbose = verbose
        self.passed = 0
        self.failed = 0

    def true(self, what, ok, detail=""):
        if ok:
            self.passed += 1
            if self.verbose:
                print("ok   " + what)
        else:
            self.failed += 1
            print("FAIL " + what + (": " + detail if detail else ""))


class Kpix:
    def __init__(self, binary, tmp):
        self.binary = binary
        self.scratch = os.path.join(tmp, "scratch")
        os.mkdir(self.scratch)
        self.env = dict(os.environ, KPIX_SCHEMA_PATH=os.path.join(ROOT, "schemas"),
                        TMPDIR=self.scratch, LC_ALL="C", TZ="UTC")
        self.env.pop("SOURCE_DATE_EPOCH", None)

    def run(self, *args):
        p = subprocess.run([self.binary] + list(args), capture_output=True, text=True,
                           env=self.env, cwd=ROOT, stdin=subprocess.DEVNULL)
        return p.returncode, p.stdout, p.stderr

    def scratch_is_empty(self):
        return os.listdir(self.scratch) == []


def make_pack(k, files, pack, period, out):
    rc, so, se = k.run("pack", *files, "--pack", pack, "--period", period, "--out", out)
    if rc != 0:
        sys.stderr.write(so + se)
        raise SystemExit("kpix pack exited %d" % rc)


def check_verified(c, k, name, out, files, pack_id, outputs):
    rc, so, se = k.run("verify", os.path.join(out, "manifest.json"), *files)
    lines = so.splitlines()
    c.true(name + ": exit 0", rc == 0, "exit %d\n%s%s" % (rc, so, se))
    c.true(name + ": the first line says it is a board pack",
           bool(lines) and ": a board pack for " in lines[0] and "with the pack " + pack_id in lines[0],
           lines[0] if lines else "no output")
    c.true(name + ": the schema is unchanged",
           any(l.startswith("  schema ") and ": unchanged (" in l for l in lines), so)
    c.true(name + ": the pack definition is unchanged",
           any(l.startswith("  pack definition %s.json: unchanged (" % pack_id) for l in lines), so)
    for f in files:
        c.true(name + ": input %s unchanged" % os.path.basename(f),
               "  input %s: unchanged (%s)" % (os.path.basename(f), f) in lines, so)
    for o in outputs:
        c.true(name + ": output %s reproduced" % o,
               "  output %s: matches, and the re-run gives the same bytes" % o in lines, so)
    c.true(name + ": the verdict",
           bool(lines) and lines[-1] == "verified: the %d outputs in %s are the ones the pack wrote, "
           "and re-running it gives the same bytes" % (len(outputs), out), so)
    c.true(name + ": nothing left in the scratch directory", k.scratch_is_empty())


def fresh_copy(src, dst):
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst)
    return os.path.join(dst, "manifest.json")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kpix", required=True)
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    binary = os.path.abspath(a.kpix)
    c = Checks(a.verbose)
    with tempfile.TemporaryDirectory(prefix="kpix-verify-pack-") as tmp:
        k = Kpix(binary, tmp)
        board = os.path.join(tmp, "board-pack")
        make_pack(k, HOUSING, "housing-board", "2025-26 Q2", board)
        xlsx, csv = "housing-board-2025-26-Q2.xlsx", "housing-board-2025-26-Q2-summary.csv"
        check_verified(c, k, "housing board", board, HOUSING, "housing-board", [xlsx, csv])
        onesource = os.path.join(tmp, "onesource-pack")
        make_pack(k, ONESOURCE, "onesource-joint-committee", "2017-18 Q3", onesource)
        with open(os.path.join(onesource, "manifest.json")) as f:
            names = [o["name"] for o in json.load(f)["outputs"]]
        check_verified(c, k, "oneSource", onesource, ONESOURCE, "onesource-joint-committee", names)

        # an output altered after the pack was made
        t = os.path.join(tmp, "altered")
        m = fresh_copy(board, t)
        with open(os.path.join(t, csv), "a") as f:
            f.write("Invented,row\n")
        rc, so, se = k.run("verify", m, *HOUSING)
        c.true("altered: exit 1", rc == 1, "exit %d\n%s%s" % (rc, so, se))
        c.true("altered: the output is named",
               "  output %s: ALTERED: the file in %s is not the one the pack wrote" % (csv, t)
               in so.splitlines(), so)
        c.true("altered: the verdict",
               so.splitlines()[-1:] == ["NOT verified: 1 output altered after the pack was made"], so)

        # a manifest whose fingerprint was edited: every output still matches
        t = os.path.join(tmp, "fingerprint")
        m = fresh_copy(board, t)
        with open(m) as f:
            man = json.load(f)
        was = man["fingerprint"]
        man["fingerprint"] = ("1" if was[0] == "0" else "0") + was[1:]
        with open(m, "w") as f:
            json.dump(man, f, indent=2)
        rc, so, se = k.run("verify", m, *HOUSING)
        c.true("fingerprint: exit 1", rc == 1, "exit %d\n%s%s" % (rc, so, se))
        c.true("fingerprint: the error names both fingerprints",
               "  error: the manifest records the fingerprint %s, but the re-run computes %s from "
               "the files it read" % (man["fingerprint"], was) in so.splitlines(), so)
        c.true("fingerprint: the verdict", so.splitlines()[-1:] == ["NOT verified: see the errors above"],
               so)

        # a history file that is not the one the pack read
        hist = os.path.join(tmp, "history")
        os.mkdir(hist)
        changed = []
        for p in HOUSING:
            shutil.copy(p, hist)
            changed.append(os.path.join(hist, os.path.basename(p)))
        with open(changed[-1], "a") as f:
            f.write("\n")
        rc, so, se = k.run("verify", os.path.join(board, "manifest.json"), *changed)
        lines = so.splitlines()
        c.true("history: exit 1", rc == 1, "exit %d\n%s%s" % (rc, so, se))
        c.true("history: the file is named",
               "  input 2025-26-q2.csv: CHANGED: %s is not the data the pack was made from" % changed[-1]
               in lines, so)
        c.true("history: not re-run",
               "  error: the pack was not re-run, because the schema, the pack definition or a "
               "history file is not the one it was made from" in lines, so)
        c.true("history: the verdict", lines[-1:] == ["NOT verified: 1 input changed"], so)

        # a changed pack definition, given with --pack
        edited = os.path.join(tmp, "housing-board.json")
        with open(os.path.join(ROOT, "schemas", "packs", "housing-board.json")) as f:
            text = f.read()
        with open(edited, "w") as f:
            f.write(text.replace('"periods": 6', '"periods": 4'))
        c.true("definition: the edit took", text.count('"periods": 6') == 1)
        rc, so, se = k.run("verify", os.path.join(board, "manifest.json"), *HOUSING, "--pack", edited)
        lines = so.splitlines()
        c.true("definition: exit 1", rc == 1, "exit %d\n%s%s" % (rc, so, se))
        c.true("definition: named",
               "  pack definition housing-board.json: CHANGED: %s is not the definition the pack "
               "was made from" % edited in lines, so)
        c.true("definition: the verdict",
               lines[-1:] == ["NOT verified: the pack definition is not the one used"], so)

        # usage errors
        rc, so, se = k.run("verify", os.path.join(board, "manifest.json"), *HOUSING, "--pack", "no-such")
        c.true("unknown pack: exit 2", rc == 2, "exit %d\n%s%s" % (rc, so, se))
        c.true("unknown pack: says so", "no pack 'no-such'" in se, se)
        export = os.path.join(tmp, "export")
        council = os.path.join(ROOT, "examples", "council-kpi-quarterly", "q2-2025-26.csv")
        rc, so, se = k.run("export", council, "--schema", "council-kpi-quarterly", "--param",
                           "contact=Performance team", "--out", export)
        c.true("an export to try --pack on", rc == 0, "exit %d\n%s%s" % (rc, so, se))
        rc, so, se = k.run("verify", os.path.join(export, "manifest.json"), council, "--pack",
                           "housing-board")
        c.true("--pack for an export: exit 2", rc == 2, "exit %d\n%s%s" % (rc, so, se))
        c.true("--pack for an export: says so", "--pack is for the manifest of a board pack" in se, se)
        c.true("no scratch directory left behind", k.scratch_is_empty(), str(os.listdir(k.scratch)))

    print("verify_pack: %d passed, %d failed" % (c.passed, c.failed))
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
