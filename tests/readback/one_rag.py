#!/usr/bin/python3
"""One RAG: every example figure gets the same rating in every document.

    /usr/bin/python3 tests/readback/one_rag.py --kpix build/kpix [--verbose]

Rates every figure of the shipped examples (examples/council-kpi-quarterly,
examples/housing-board, examples/onesource) through every document kpix
writes that shows a RAG status: each export of the file's schema with a RAG
column (the council return's CSV and workbook), and each pack in
schemas/packs/ over that schema, for every quarter the history has (the
pack's summary sheet, its breakdowns sheet and its summary CSV). Collects
the status each document gives each (period, indicator, breakdown) and
fails when two documents disagree, unless the row of the one that differs
says why (a pack's "ragNote", docs/packs.md). A figure a document does not
have ("No data", "Not due") is not a rating.

The workbooks are read with openpyxl (Debian's python3-openpyxl).
Exit status: 0 when no disagreement is found and enough figures were
compared, 1 otherwise, 2 on a usage problem.
"""

import argparse
import csv
import glob
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from read_exports import openpyxl, ROOT  # noqa: E402

EXAMPLES = ["council-kpi-quarterly", "housing-board", "onesource"]
STATUSES = {"Green", "Amber", "Red", "No target", "Not rated", "No data", "Not due"}
NOT_A_RATING = {"No data", "Not due"}


def run(kpix, args):
    env = dict(os.environ, KPIX_SCHEMA_PATH=os.path.join(ROOT, "schemas"))
    env.pop("SOURCE_DATE_EPOCH", None)
    p = subprocess.run([kpix] + args + ["-q"], capture_output=True, text=True, env=env)
    if p.returncode != 0:
        raise SystemExit("kpix %s exited %d:\n%s" % (" ".join(args), p.returncode, p.stderr))


def schema_of_rows(path):
    """The schema a history file is checked against: the one whose catalogue
    has every indicator it names."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    codes = {r["indicator"] for r in rows}
    for p in sorted(glob.glob(os.path.join(ROOT, "schemas", "*.json"))):
        s = json.load(open(p, encoding="utf-8"))
        if codes <= {i["code"] for i in s.get("indicators", [])} and "indicator" in rows[0]:
            return s["id"], rows
    raise SystemExit("no schema has every indicator of " + path)


def split(cell):
    """A RAG cell's status and the note under it, if any."""
    text = str(cell or "")
    status, _, note = text.partition("\n")
    return status, note.strip("()") or None


class Ratings:
    def __init__(self):
        self.by_key = {}  # (period, code, breakdown) -> [(document, status, note)]

    def add(self, doc, period, code, bd, status, note=None):
        if status not in STATUSES:
            raise SystemExit("%s: %s %s %r: %r is not a RAG status" % (doc, period, code, bd, status))
        if status in NOT_A_RATING:
            return
        self.by_key.setdefault((period, code, bd or ""), []).append((doc, status, note))


def rate_exports(kpix, tmp, path, schema_id, ratings):
    schema = json.load(open(os.path.join(ROOT, "schemas", schema_id + ".json"), encoding="utf-8"))
    rated = [e for e in schema.get("exports", []) if any(
        c.get("heading", "").lower() == "rag" for c in e.get("columns", []) +
        [c for s in e.get("sheets", []) for c in s.get("columns", [])])]
    if not rated:
        return
    out = tempfile.mkdtemp(dir=tmp)
    run(kpix, ["export", path, "--schema", schema_id, "--out", out,
               "--param", "contact=one_rag.py"] if any(
                   p["name"] == "contact" for p in schema.get("parameters", [])) else
        ["export", path, "--schema", schema_id, "--out", out])
    name = os.path.basename(path)
    for f in glob.glob(os.path.join(out, "*.csv")):
        with open(f, newline="", encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                ratings.add("export CSV of " + name, r["period"], r["indicator"], r["breakdown"], r["rag"])
    for f in glob.glob(os.path.join(out, "*.xlsx")):
        wb = openpyxl.load_workbook(f)
        for ws in wb.worksheets:
            head = None
            for row in ws.iter_rows(values_only=True):
                if head is None:
                    if "RAG" in row and "Code" in row:
                        head = {h: k for k, h in enumerate(row) if h}
                    continue
                if row[head["Code"]] is None:
                    continue
                period = next(r["period"] for r in csv.DictReader(open(path, encoding="utf-8-sig")))
                ratings.add("export workbook of " + name, period, row[head["Code"]],
                            row[head["Breakdown"]], row[head["RAG"]])


def rate_packs(kpix, tmp, files, schema_id, periods, ratings):
    for p in sorted(glob.glob(os.path.join(ROOT, "schemas", "packs", "*.json"))):
        pack = json.load(open(p, encoding="utf-8"))
        if pack["schema"] != schema_id:
            continue
        codes = {}
        for g in pack["groups"]:
            for e in g["indicators"]:
                code = e if isinstance(e, str) else e["code"]
                codes[code] = None
        for period in sorted(periods):
            out = tempfile.mkdtemp(dir=tmp)
            run(kpix, ["pack"] + files + ["--pack", pack["id"], "--period", period, "--out", out])
            doc = "pack %s %s" % (pack["id"], period)
            wb = openpyxl.load_workbook(glob.glob(os.path.join(out, "*.xlsx"))[0])
            for row in wb["Summary"].iter_rows(values_only=True):
                if row[0] in codes:
                    ratings.add(doc + " summary sheet", period, row[0], "", *split(row[7]))
            code = None
            for row in wb["Breakdowns"].iter_rows(values_only=True):
                first = str(row[0] or "")
                if first.split(" ")[0] in codes and row[1] is None:
                    code = first.split(" ")[0]
                elif code and first and first != "Breakdown" and row[5] is not None:
                    ratings.add(doc + " breakdowns sheet", period, code, first, *split(row[5]))
            with open(glob.glob(os.path.join(out, "*-summary.csv"))[0], newline="", encoding="utf-8") as f:
                for r in csv.DictReader(f):
                    ratings.add(doc + " summary CSV", period, r["code"], "", r["rag"], r["rag_note"] or None)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kpix", required=True)
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    ratings = Ratings()
    with tempfile.TemporaryDirectory() as tmp:
        for ex in EXAMPLES:
            files = sorted(f for f in glob.glob(os.path.join(ROOT, "examples", ex, "*.csv"))
                           if "mistakes" not in f)
            periods = set()
            schema_id = None
            for f in files:
                schema_id, rows = schema_of_rows(f)
                periods |= {r["period"] for r in rows}
                rate_exports(a.kpix, tmp, f, schema_id, ratings)
            rate_packs(a.kpix, tmp, files, schema_id, periods, ratings)
    compared = disagree = 0
    docs = set()
    for key, seen in sorted(ratings.by_key.items()):
        docs |= {d for d, _, _ in seen}
        if len(seen) < 2:
            continue
        compared += 1
        plain = {s for _, s, n in seen if not n}
        if len(plain) > 1:
            disagree += 1
            print("DISAGREE %s %s %s: %s" % (key + (", ".join("%s says %s" % (d, s) for d, s, n in seen if not n),)))
        elif a.verbose:
            print("same %s %s %r: %s in %d documents" % (key + (plain.pop() if plain else "-", len(seen))))
    print("%d figures rated by more than one document (%d documents in all), %d disagreements"
          % (compared, len(docs), disagree))
    if compared < 100:
        print("FAIL: too few figures compared to show anything")
        return 1
    return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main())
