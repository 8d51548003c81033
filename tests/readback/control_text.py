#!/usr/bin/python3
"""Control characters and bytes that are not UTF-8 never make a corrupt workbook (issue 18).

    /usr/bin/python3 tests/readback/control_text.py --kpix build/kpix [--verbose]

Exports the council example with an organisation holding \\x01, ESC and '&',
and a --param contact holding \\x01 and ESC, and makes the oneSource board
pack for an organisation holding the same, and opens each workbook with
openpyxl (Debian's python3-openpyxl, which only /usr/bin/python3 sees): on
0.1.0 it refused the file ("PCDATA invalid Char value 1") while kpix said 0.
Each text that reaches the workbook (the document properties, the page
header, the title and the details) must hold the text with each control
character made U+FFFD, as docs/exports.md promises. A --param whose name or
value is not UTF-8 is refused with exit 2, a message naming it, and nothing
written (0.1.0 wrote the export and recorded "parameters": {}).

Exit status: 0 when every check passes, 1 when any fails, 2 on a usage problem.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

try:
    import openpyxl
except ImportError:
    sys.stderr.write("control_text.py: openpyxl is not installed for %s; install Debian's "
                     "python3-openpyxl and run this with /usr/bin/python3\n" % sys.executable)
    sys.exit(1)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
EXAMPLE = os.path.join(ROOT, "examples", "council-kpi-quarterly", "q2-2025-26.csv")
TIMEOUT = 60
ORG = "Example Borough Council"
HOSTILE_ORG = "Example\x01Borough\x1b[8m Council & Co"
HOSTILE_CONTACT = "Jo\x01 \x1b[1mBloggs"


def cleaned(s):
    """What docs/exports.md promises a workbook holds for s."""
    return "".join("\ufffd" if (ord(ch) < 0x20 and ch not in "\t\n\r") or ord(ch) == 0x7f else ch
                   for ch in s)


class Checks:
    def __init__(self, verbose):
        self.verbose = verbose
        self.failed = 0

    def eq(self, what, got, want):
        if got == want:
            if self.verbose:
                print("ok   %s" % what)
            return True
        self.failed += 1
        print("FAIL %s: got %r, expected %r" % (what, got, want))
        return False


def kpix_export(kpix, data, out, params):
    env = dict(os.environ, KPIX_SCHEMA_PATH=os.path.join(ROOT, "schemas"), LC_ALL="C", TZ="UTC",
               SOURCE_DATE_EPOCH="1700000000")
    cmd = [os.fsencode(kpix), b"export", os.fsencode(data), b"--schema", b"council-kpi-quarterly",
           b"--out", os.fsencode(out), b"-q"]
    for p in params:
        cmd += [b"--param", p]
    return subprocess.run(cmd, env=env, capture_output=True, timeout=TIMEOUT)


def check_pack(c, kpix, tmp):
    """The board pack's organisation, from its definition and the data, reaches
    the page header of every sheet and the document properties."""
    org = "one\x01Source\x1b[8m & Co"
    with open(os.path.join(ROOT, "schemas", "packs", "onesource-joint-committee.json"),
              encoding="utf-8") as f:
        pack = json.load(f)
    pack["organisation"] = org
    pack_path = os.path.join(tmp, "pack.json")
    with open(pack_path, "w", encoding="utf-8") as f:
        json.dump(pack, f)
    with open(os.path.join(ROOT, "examples", "onesource", "okpi1-history.csv"), encoding="utf-8",
              newline="") as f:
        rows = f.read().split("\n")
    history = os.path.join(tmp, "history.csv")
    with open(history, "w", encoding="utf-8", newline="") as f:
        f.write("\n".join(r.replace("oneSource,", org + ",", 1) if r.startswith("oneSource,") else r
                          for r in rows))
    out = os.path.join(tmp, "pack")
    env = dict(os.environ, KPIX_SCHEMA_PATH=os.path.join(ROOT, "schemas"), LC_ALL="C", TZ="UTC",
               SOURCE_DATE_EPOCH="1700000000")
    r = subprocess.run([kpix, "pack", history, "--pack", pack_path, "--period", "2017-18 Q3",
                        "--out", out, "-q"], env=env, capture_output=True, timeout=TIMEOUT)
    c.eq("pack with control characters exits", r.returncode, 0)
    if r.returncode != 0:
        return
    book = [n for n in os.listdir(out) if n.endswith(".xlsx")][0]
    try:
        wb = openpyxl.load_workbook(os.path.join(out, book))
    except Exception as e:
        c.eq("openpyxl opens the pack", "%s: %s" % (type(e).__name__, e), "opened")
        return
    c.eq("pack property author", wb.properties.creator, cleaned(org))
    c.eq("pack page headers, left", sorted({ws.oddHeader.left.text for ws in wb.worksheets}),
         [cleaned(org).replace("&", "&&")])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kpix", required=True)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    c = Checks(args.verbose)
    with tempfile.TemporaryDirectory(prefix="kpix-control-text-") as tmp:
        data = os.path.join(tmp, "data.csv")
        with open(EXAMPLE, encoding="utf-8", newline="") as f:
            text = f.read()
        with open(data, "w", encoding="utf-8", newline="") as f:
            f.write(text.replace(ORG, HOSTILE_ORG))

        out = os.path.join(tmp, "out")
        r = kpix_export(args.kpix, data, out, [("contact=" + HOSTILE_CONTACT).encode()])
        c.eq("export with control characters exits", r.returncode, 0)
        books = [n for n in os.listdir(out) if n.endswith(".xlsx")] if r.returncode == 0 else []
        c.eq("one workbook written", len(books), 1)
        if books:
            try:
                wb = openpyxl.load_workbook(os.path.join(out, books[0]))
            except Exception as e:  # what 0.1.0's workbook gave
                c.eq("openpyxl opens the workbook", "%s: %s" % (type(e).__name__, e), "opened")
                wb = None
            if wb is not None:
                org = cleaned(HOSTILE_ORG)
                c.eq("property author", wb.properties.creator, org)
                ws = wb.worksheets[0]
                c.eq("title A1", ws["A1"].value, "%s: housing KPI return, 2025-26 Q2" % org)
                # the header is Excel's codes: the '&' of the data doubled
                c.eq("page header, left", ws.oddHeader.left.text, org.replace("&", "&&"))
                details = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value
                           for r in range(3, 8)}
                c.eq("detail Organisation", details.get("Organisation"), org)
                c.eq("detail Contact", details.get("Contact"), cleaned(HOSTILE_CONTACT))

        for what, param, names in (
                ("a value", b"contact=Jo \xff\xfe Bloggs", b"--param contact"),
                ("a name", b"con\xfftact=Jo", b"--param name")):
            out = os.path.join(tmp, "bad-" + what.split()[1])
            r = kpix_export(args.kpix, data, out, [param])
            c.eq("--param with %s that is not UTF-8: exit" % what, r.returncode, 2)
            c.eq("--param with %s that is not UTF-8: the message names it" % what,
                 names in r.stderr, True)
            c.eq("--param with %s that is not UTF-8: nothing written" % what,
                 os.listdir(out) if os.path.isdir(out) else [], [])
        check_pack(c, args.kpix, tmp)
    if c.failed:
        print("control_text.py: %d check(s) failed" % c.failed)
        return 1
    print("control_text.py: every check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
