#!/usr/bin/python3
"""Reads back the reports a person opens (issue 14) with openpyxl, and
checks them against the JSON report of the same run.

    /usr/bin/python3 tests/readback/report_workbook.py --kpix build/kpix

  - `--report FILE.xlsx` and `--report FILE.html` give the same bytes again
    under another time zone, locale and working directory, and the exit
    status is the one without a report (1: invalid);
  - the annotated copy of the council's mistakes (CSV): sheets Summary,
    Problems and the file's own; every cell with a problem is where the
    JSON report says, filled (an error plain red, a warning striped), with
    a comment holding "Error: " or "Warning: " and each of its messages;
    the column after the data says Error or Warning on those rows; the
    Problems sheet has one row per diagnostic, frozen headings, a filter
    over all of them, each cell's link going to its cell; the Summary's
    counts per code are the JSON's;
  - of a workbook (the golden tiny.xlsx) the copy's sheet keeps its name,
    Data, and the Problems sheet names the cells Data!C3;
  - data that a spreadsheet would run as a formula (= + - @) is text in the
    copy, never a formula.

openpyxl belongs to Debian's python3-openpyxl, hence /usr/bin/python3.
Exit status 0 when every check passes, 1 otherwise.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import openpyxl

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MISTAKES = os.path.join(ROOT, "examples", "council-kpi-quarterly", "q2-2025-26-mistakes.csv")
TINY = os.path.join(ROOT, "tests", "golden", "fixtures", "tiny.xlsx")
TINY_SCHEMA = os.path.join(ROOT, "tests", "golden", "fixtures", "tiny.json")
ERROR_FILL = "FFF4C7C3"

failures = []


def check(ok, what):
    if not ok:
        failures.append(what)


def run(kpix, args, cwd=None, env=None):
    e = dict(os.environ, KPIX_SCHEMA_PATH=os.path.join(ROOT, "schemas"))
    e.update(env or {})
    return subprocess.run([kpix] + args, cwd=cwd, env=e, capture_output=True, text=True)


def letters(n):
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def json_report(kpix, data, schema):
    r = run(kpix, ["validate", data, "--schema", schema, "--format", "json"])
    return json.loads(r.stdout)


def same_bytes(kpix, tmp):
    """Two runs, in other places, time zones and locales, give one file."""
    for ext in ("xlsx", "html"):
        a, b = os.path.join(tmp, "a." + ext), os.path.join(tmp, "b." + ext)
        ra = run(kpix, ["validate", MISTAKES, "--schema", "council-kpi-quarterly", "--report", a],
                 env={"TZ": "UTC", "LC_ALL": "C"})
        os.makedirs(os.path.join(tmp, "elsewhere"), exist_ok=True)
        rb = run(kpix, ["validate", MISTAKES, "--schema", "council-kpi-quarterly", "--report", b],
                 cwd=os.path.join(tmp, "elsewhere"),
                 env={"TZ": "Pacific/Auckland", "LC_ALL": "de_DE.UTF-8"})
        check(ra.returncode == 1 and rb.returncode == 1,
              "%s report: exit %d and %d, expected 1 (invalid) as without a report"
              % (ext, ra.returncode, rb.returncode))
        with open(a, "rb") as fa, open(b, "rb") as fb:
            check(fa.read() == fb.read(), "%s report: other bytes under another TZ, "
                  "locale and directory" % ext)


def annotated_csv(kpix, tmp):
    rep = json_report(kpix, MISTAKES, "council-kpi-quarterly")
    path = os.path.join(tmp, "mistakes.xlsx")
    r = run(kpix, ["validate", MISTAKES, "--schema", "council-kpi-quarterly", "--report", path])
    check(r.returncode == 1, "annotated report: exit %d, expected 1" % r.returncode)
    wb = openpyxl.load_workbook(path)
    check(wb.sheetnames == ["Summary", "Problems", "q2-2025-26-mistakes"],
          "sheets: %r" % wb.sheetnames)
    data = wb["q2-2025-26-mistakes"]
    # the officer's own cells, where they were
    with open(MISTAKES, encoding="utf-8") as f:
        header = f.readline().rstrip("\r\n").split(",")
    check([data.cell(1, c + 1).value for c in range(len(header))] == header,
          "the copy's header is not the file's")
    check(data.freeze_panes == "A2", "the copy's header is not frozen")
    # every cell with a problem: filled, commented
    cells = {}
    for d in rep["diagnostics"]:
        if d["row"] and d["column"]:
            cells.setdefault((d["row"], d["column"]), []).append(d)
    check(len(cells) >= 10, "too few cells with a problem to test: %d" % len(cells))
    marker = max(len(header), max(c for _, c in cells)) + 1
    for (row, col), ds in cells.items():
        c = data.cell(row, col)
        where = c.coordinate
        error = any(d["severity"] == "error" for d in ds)
        fill = c.fill
        if error:
            check(fill.fill_type == "solid" and fill.fgColor.rgb == ERROR_FILL,
                  "%s: an error's cell is not filled red: %s %s" % (where, fill.fill_type,
                                                                    fill.fgColor.rgb))
        else:
            check(fill.fill_type == "lightUp",
                  "%s: a warning's cell is not striped: %s" % (where, fill.fill_type))
        text = c.comment.text if c.comment else ""
        for d in ds:
            word = "Error: " if d["severity"] == "error" else "Warning: "
            check(word + d["message"] in text,
                  "%s: the comment lacks %r" % (where, word + d["message"][:40]))
        if d["value"] not in (None, ""):
            check(c.value == d["value"], "%s holds %r, the report says %r"
                  % (where, c.value, d["value"]))
        m = data.cell(row, marker).value or ""
        check(m.startswith("Error: " if error else "Warning: ") or m.startswith("Error: "),
              "row %d: the column after the data says %r" % (row, m))
        check(where in m, "row %d: the column after the data does not name %s" % (row, where))
    # a whole row's problem is said in words in that column
    for d in rep["diagnostics"]:
        if d["row"] and not d["column"]:
            m = data.cell(d["row"], marker).value or ""
            check(d["message"] in m, "row %d: %r lacks the row's problem" % (d["row"], m))
    # no cell without a problem is filled
    for row in data.iter_rows(min_row=2, max_col=marker - 1):
        for c in row:
            if (c.row, c.column) not in cells and c.fill.fill_type:
                failures.append("%s is filled but has no problem" % c.coordinate)
    # Problems: one row per diagnostic, frozen, filtered, linked
    p = wb["Problems"]
    n = len(rep["diagnostics"])
    check(p.freeze_panes == "A2", "Problems: heading not frozen")
    check(p.auto_filter.ref == "A1:I%d" % (n + 1), "Problems: filter %r" % p.auto_filter.ref)
    heads = [p.cell(1, c).value for c in range(1, 10)]
    check(heads == ["Where", "Severity", "Message", "Code", "Field", "Value", "File", "Row",
                    "Column"], "Problems headings %r" % heads)
    for i, d in enumerate(rep["diagnostics"], start=2):
        check(p.cell(i, 3).value == d["message"], "Problems row %d: %r" % (i, p.cell(i, 3).value))
        check(p.cell(i, 2).value == d["severity"].capitalize(), "Problems row %d severity" % i)
        link = p.cell(i, 1).hyperlink
        if d["row"] and d["column"]:
            ref = "%s%d" % (letters(d["column"]), d["row"])
            want = "'q2-2025-26-mistakes'!$%s$%d:$%s$%d" % (letters(d["column"]), d["row"],
                                                          letters(d["column"]), d["row"])
            check(link is not None and link.location == want,
                  "Problems row %d: link %r, expected %r (%s)"
                  % (i, link and link.location, want, ref))
        elif not d["row"] and not d["column"]:
            check(link is None, "Problems row %d: a whole-table problem has a link" % i)
    check(p.cell(n + 2, 1).value is None, "Problems: more rows than diagnostics")
    # Summary: the verdict and the counts per code
    s = wb["Summary"]
    check(s["A2"].value.startswith("invalid: 1 file checked against council-kpi-quarterly"),
          "Summary verdict %r" % s["A2"].value)
    counts = {}
    for row in s.iter_rows(min_row=1, max_col=3, values_only=True):
        if row[0] and isinstance(row[1], (int, float)) and isinstance(row[2], (int, float)):
            counts[row[0]] = (int(row[1]), int(row[2]))
    want = {c["code"]: (c["errors"], c["warnings"]) for c in rep["codes"]}
    check(counts == want, "Summary counts %r, the JSON's %r" % (counts, want))


def annotated_workbook(kpix, tmp):
    path = os.path.join(tmp, "tiny-report.xlsx")
    r = run(kpix, ["validate", TINY, "--schema", TINY_SCHEMA, "--report", path])
    check(r.returncode == 1, "workbook input: exit %d" % r.returncode)
    wb = openpyxl.load_workbook(path)
    check(wb.sheetnames == ["Summary", "Problems", "Data"], "workbook sheets %r" % wb.sheetnames)
    p = wb["Problems"]
    check(p["A2"].value == "Data!C3", "Problems A2 %r, expected Data!C3" % p["A2"].value)
    check(p["A2"].hyperlink and p["A2"].hyperlink.location == "Data!$C$3:$C$3",
          "Problems A2 does not link to Data!C3")
    check(wb["Data"]["C4"].comment and "101 is above the maximum" in wb["Data"]["C4"].comment.text,
          "Data!C4 has no comment saying why")


def formulas_stay_text(kpix, tmp):
    data = os.path.join(tmp, "formulas.csv")
    with open(data, "w", encoding="utf-8") as f:
        f.write('id,name,score,when\r\n1,=1+2,+5,01/04/2024\r\n2,@SUM(A1),-5,02/04/2024\r\n'
                '3,"=HYPERLINK(""http://x"")",=A1,03/04/2024\r\n')
    path = os.path.join(tmp, "formulas.xlsx")
    run(kpix, ["validate", data, "--schema", TINY_SCHEMA, "--report", path])
    ws = openpyxl.load_workbook(path)["formulas"]
    for ref, want in (("B2", "=1+2"), ("C2", "+5"), ("B3", "@SUM(A1)"), ("C3", "-5"),
                      ("B4", '=HYPERLINK("http://x")'), ("C4", "=A1")):
        c = ws[ref]
        check(c.data_type == "s" and c.value == want,
              "%s: %r of type %s, expected the text %r" % (ref, c.value, c.data_type, want))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kpix", required=True)
    args = ap.parse_args()
    kpix = os.path.abspath(args.kpix)
    with tempfile.TemporaryDirectory(prefix="kpix-report-wb.") as tmp:
        same_bytes(kpix, tmp)
        annotated_csv(kpix, tmp)
        annotated_workbook(kpix, tmp)
        formulas_stay_text(kpix, tmp)
    for f in failures:
        print("FAIL: " + f)
    print("%d problems" % len(failures) if failures else "ok: the annotated workbook and the "
          "page read back as the JSON report says, the same bytes in any TZ and locale")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
