#!/usr/bin/python3
"""Workbooks wherever kpix reads data (issue 14): the header below a title,
the sheet named on the command line and recorded for `kpix verify`, last
period's file and a foreign key's reference file given as workbooks, and the
spreadsheets kpix refuses.

    /usr/bin/python3 tests/readback/workbook_inputs.py --kpix build/kpix

The LibreOffice files are made once (tests/readback/libreoffice/README.md);
the others are written here with openpyxl (Debian's python3-openpyxl, hence
/usr/bin/python3). Prints one line per check; exit status 0 when every check
holds, 1 otherwise.
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile

import openpyxl

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
LO = os.path.join(HERE, "libreoffice")
COUNCIL = os.path.join(ROOT, "examples", "council-kpi-quarterly")
CONTACT = "contact=Performance team"

failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def kpix(*args, cwd=ROOT):
    return subprocess.run([KPIX] + list(args), capture_output=True, text=True, cwd=cwd,
                          env=dict(os.environ, SOURCE_DATE_EPOCH="1700000000"))


def report(tmp, *args):
    """kpix validate with a JSON report: (exit status, report)."""
    out = os.path.join(tmp, "report.json")
    if os.path.exists(out):
        os.remove(out)
    p = kpix("validate", *args, "--report", out, "--format", "json", "-q")
    if not os.path.exists(out):
        return p.returncode, {"diagnostics": [], "stderr": p.stderr}
    with open(out, encoding="utf-8") as f:
        return p.returncode, json.load(f)


def rows_of(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def book(path, sheets):
    """A workbook of sheets [(name, rows)], the first sheet first."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets:
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)


def same_csvs(a, b, dir_a, dir_b, what):
    """Both runs succeeded and wrote the same CSV files, byte for byte."""
    same = a.returncode == b.returncode == 0 and all(
        open(os.path.join(dir_a, n), "rb").read() == open(os.path.join(dir_b, n), "rb").read()
        for n in os.listdir(dir_a) if n.endswith(".csv"))
    check(same, f"{what} (exit {b.returncode}"
                f"{(': ' + b.stderr.strip()[:200]) if b.returncode else ''})")


def where(d):
    return (d.get("code"), d.get("severity"), d.get("row"), d.get("column"), d.get("field"),
            d.get("rule"))


def header_below_a_title(tmp):
    # the example as Excel would save it: every row as wide as the header
    rows = rows_of(os.path.join(COUNCIL, "q2-2025-26-mistakes.csv"))
    rows = [r + [""] * (len(rows[0]) - len(r)) for r in rows]
    padded = os.path.join(tmp, "mistakes.csv")
    with open(padded, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows(rows)
    rc_csv, rep_csv = report(tmp, padded, "--schema", "council-kpi-quarterly")
    shifted = sorted((c, s, r + 2 if r else r, col, f, rule)
                     for c, s, r, col, f, rule in map(where, rep_csv["diagnostics"]))
    titled = os.path.join(LO, "council-titled.xlsx")
    for extra, what in (((), "found"), (("--header-row", "3"), "named with --header-row 3")):
        rc, rep = report(tmp, titled, "--schema", "council-kpi-quarterly", *extra)
        got = sorted(map(where, rep["diagnostics"]))
        check(rc == rc_csv == 1 and got == shifted and rep["errors"] == rep_csv["errors"] and
              rep["files"][0]["rows"] == rep_csv["files"][0]["rows"],
              f"LibreOffice workbook with a title and a blank row above the header ({what}): "
              f"the CSV's {len(shifted)} diagnostics, each 2 rows lower as Excel numbers them "
              f"(got {len(got)}, exit {rc})")
    rc, rep = report(tmp, titled, "--schema", "council-kpi-quarterly", "--header-row", "2")
    first = rep["diagnostics"][0] if rep["diagnostics"] else {}
    check(rc == 1 and first.get("row") == 2 and "give --header-row 3" in first.get("message", ""),
          "--header-row 2 on a blank row above the header says to give --header-row 3: "
          + first.get("message", "(none)"))
    # no header in the first 20 rows: one error, and no row lost
    junk = os.path.join(tmp, "no-header.xlsx")
    book(junk, [("Data", [["Quarterly figures"], []] + [[f"note {i}", i] for i in range(30)])])
    rc, rep = report(tmp, junk, "--schema", "council-kpi-quarterly")
    d = rep["diagnostics"]
    f = rep["files"][0]
    check(rc == 1 and len(d) == 1 and d[0]["code"] == "missing-label" and d[0]["row"] == 1 and
          "first 20 rows" in d[0]["message"] and f["rows"] == 30 and f["rejected"] == 30,
          f"a sheet whose first 20 rows name no column: one error at row 1, the 30 rows after "
          f"the first counted and rejected ({len(d)} diagnostics, {f['rows']} rows, "
          f"{f['rejected']} rejected)")
    # a CSV's header stays its first row: the title is one error, as before
    p = kpix("validate", os.path.join(ROOT, "tests", "mistakes", "title-row-above-the-header.csv"),
             "--schema", "council-kpi-quarterly")
    check(p.returncode == 1 and "is a title, not the header" in p.stdout,
          "a CSV with a title row above its header is still told to delete it")


def sheet_named_for_export_pack_and_verify(tmp):
    rows = rows_of(os.path.join(COUNCIL, "q2-2025-26.csv"))
    wb = os.path.join(tmp, "clean.xlsx")
    book(wb, [("Cover", [["Read me first"]]),
              ("Q2 return", [["Example Borough Council: quarterly housing KPIs"], []] + rows)])
    a = kpix("export", os.path.join(COUNCIL, "q2-2025-26.csv"), "--schema",
             "council-kpi-quarterly", "--param", CONTACT, "--out", os.path.join(tmp, "e-csv"), "-q")
    b = kpix("export", wb, "--sheet", "Q2 return", "--schema", "council-kpi-quarterly", "--param",
             CONTACT, "--out", os.path.join(tmp, "e-xlsx"), "-q")
    same_csvs(a, b, os.path.join(tmp, "e-csv"), os.path.join(tmp, "e-xlsx"),
              "export --sheet 'Q2 return' of a workbook writes the CSV export's files")
    c = kpix("export", wb, "--schema", "council-kpi-quarterly", "--param", CONTACT,
             "--out", os.path.join(tmp, "e-cover"), "-q")
    check(c.returncode == 1 and not os.path.exists(os.path.join(tmp, "e-cover")),
          "export without --sheet reads the first visible sheet (Cover) and writes nothing")
    man = os.path.join(tmp, "e-xlsx", "manifest.json")
    with open(man, encoding="utf-8") as f:
        m = json.load(f)
    check(m["options"].get("sheet") == "Q2 return", "the manifest records options.sheet")
    v = kpix("verify", man, wb, cwd=tmp)
    check(v.returncode == 0 and "re-running it gives the same bytes" in v.stdout,
          f"kpix verify re-runs the export on the named sheet (exit {v.returncode})")
    m["options"]["sheet"] = "Cover"
    with open(man, "w", encoding="utf-8") as f:
        json.dump(m, f)
    v = kpix("verify", man, wb, cwd=tmp)
    check(v.returncode == 1 and "NOT REPRODUCED" in v.stdout,
          "a manifest naming another sheet is not reproduced: verify reads the sheet it records")
    # the board pack of a history kept in workbooks, on a sheet named History
    books = []
    for name in sorted(os.listdir(os.path.join(ROOT, "examples", "housing-board"))):
        if name.endswith(".csv"):
            path = os.path.join(tmp, name[:-4] + ".xlsx")
            book(path, [("Notes", [["kept by the performance team"]]),
                        ("History", rows_of(os.path.join(ROOT, "examples", "housing-board", name)))])
            books.append(path)
    args = ["--pack", "housing-board", "--period", "2025-26 Q2", "-q"]
    hist = [os.path.join(ROOT, "examples", "housing-board", os.path.basename(b)[:-5] + ".csv")
            for b in books]
    a = kpix("pack", *hist, *args, "--out", os.path.join(tmp, "p-csv"))
    b = kpix("pack", *books, "--sheet", "History", *args, "--out", os.path.join(tmp, "p-xlsx"))
    same_csvs(a, b, os.path.join(tmp, "p-csv"), os.path.join(tmp, "p-xlsx"),
              f"pack --sheet History of {len(books)} workbooks writes the CSV history's summary")
    man = os.path.join(tmp, "p-xlsx", "manifest.json")
    with open(man, encoding="utf-8") as f:
        m = json.load(f)
    v = kpix("verify", man, *books, cwd=tmp)
    check(m["options"].get("sheet") == "History" and v.returncode == 0,
          f"the pack's manifest records the sheet and verify re-runs it (exit {v.returncode})")


def previous_and_reference_workbooks(tmp):
    this = os.path.join(ROOT, "examples", "rsh-tsm", "tsm-2024-25-council.csv")
    last = os.path.join(ROOT, "examples", "rsh-tsm", "tsm-2023-24-council.csv")
    last_book = os.path.join(tmp, "last-year.xlsx")
    book(last_book, [("Data", [["Last year's return"], []] + rows_of(last))])
    _, none = report(tmp, this, "--schema", "rsh-tsm-2024-25")
    _, from_csv = report(tmp, this, "--schema", "rsh-tsm-2024-25", "--previous", last)
    _, from_book = report(tmp, this, "--schema", "rsh-tsm-2024-25", "--previous", last_book)
    check(from_csv["warnings"] > none["warnings"] and
          sorted(map(where, from_csv["diagnostics"])) == sorted(map(where, from_book["diagnostics"])),
          f"--previous as a workbook gives the comparisons --previous as CSV gives "
          f"({from_book['warnings']} warnings, {none['warnings']} without last year)")
    schema = json.load(open(os.path.join(ROOT, "schemas", "council-kpi-quarterly.json")))
    schema["foreignKeys"].append({"fields": "organisation",
                                  "reference": {"resource": "orgs.xlsx", "fields": "name"}})
    with open(os.path.join(tmp, "fk.json"), "w") as f:
        json.dump(schema, f)
    data = os.path.join(COUNCIL, "q2-2025-26.csv")
    book(os.path.join(tmp, "orgs.xlsx"), [("Data", [["name"], ["Example Borough Council"]])])
    rc, rep = report(tmp, data, "--schema", os.path.join(tmp, "fk.json"))
    check(rc == 0, f"a foreign key's reference file may be a workbook: the council is in it "
                   f"(exit {rc})")
    book(os.path.join(tmp, "orgs.xlsx"), [("Data", [["name"], ["Another Council"]])])
    rc, rep = report(tmp, data, "--schema", os.path.join(tmp, "fk.json"))
    codes = {d["code"] for d in rep["diagnostics"]}
    check(rc == 1 and codes == {"foreign-key"},
          f"... and a name not in the workbook is a foreign-key error (exit {rc}, {codes})")
    schema["foreignKeys"][-1]["reference"]["resource"] = os.path.join(LO, "council.xls")
    with open(os.path.join(tmp, "fk-xls.json"), "w") as f:
        json.dump(schema, f)
    p = kpix("validate", data, "--schema", os.path.join(tmp, "fk-xls.json"))
    check(p.returncode == 2 and "cannot be read: the file is in the old Office format" in p.stderr,
          f"a reference file kpix cannot read (.xls) refuses the schema, exit 2: "
          f"{p.stderr.strip()[:160]}")


def refused_spreadsheets(tmp):
    for name, says in (("council.ods", "OpenDocument spreadsheet (.ods), which kpix does not read; "
                                       "open it in LibreOffice Calc or Excel and save it as"),
                       ("council.xls", "old Office format of Excel 97-2003 (.xls)")):
        rc, rep = report(tmp, os.path.join(LO, name), "--schema", "council-kpi-quarterly")
        d = rep["diagnostics"]
        check(rc == 1 and len(d) == 1 and d[0]["code"] == "source-error" and
              says in d[0]["message"],
              f"LibreOffice's {name}: one source-error saying what to do "
              f"({len(d)} diagnostics: {d[0]['message'][:90] if d else ''}…)")


def main():
    global KPIX
    ap = argparse.ArgumentParser()
    ap.add_argument("--kpix", required=True)
    KPIX = os.path.abspath(ap.parse_args().kpix)
    with tempfile.TemporaryDirectory() as tmp:
        header_below_a_title(tmp)
        sheet_named_for_export_pack_and_verify(tmp)
        previous_and_reference_workbooks(tmp)
        refused_spreadsheets(tmp)
    print(f"{len(failures)} failed" if failures else "all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
