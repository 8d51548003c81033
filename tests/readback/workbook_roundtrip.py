#!/usr/bin/python3
"""The round trip of a workbook: `kpix template`, filled in as an officer
would fill it in Excel, then `kpix validate` on the workbook, gives the same
verdict and the same diagnostics as `kpix validate` on the same data as CSV.

    /usr/bin/python3 tests/readback/workbook_roundtrip.py --kpix build/kpix

For every shipped schema, and every example CSV under examples/ whose header
is that schema's template header (the clean examples and the ones with
mistakes), the Data sheet of the schema's template is filled with openpyxl
the way Excel stores what is typed: in a text column (number format @) the
text as typed; elsewhere a number as a number ("£1,234" as 1234 under a
currency format, "1,234" under #,##0), a percentage as a fraction under a %
format ("98.26%" as 0.9826 under 0.00%), an ISO date (2024-04-01) as a date
under yyyy-mm-dd, TRUE and FALSE as booleans, anything else as text.

The CSV compared is the example as Excel would save the workbook: every
row as wide as the header (a spreadsheet has no row that ends early, so a
CSV's short row has no workbook of its own). Both runs write the JSON report; the diagnostics must match in code,
severity, row, column and field, and in value wherever Excel kept the text
as typed (a value Excel turned into a number is compared as a number), and
the verdict (exit status, error and warning counts, rows read and rejected)
must be the same. Then the other commands that read data take the
workbooks too: `kpix export` of each valid workbook writes what the export
of its CSV writes (the same files, the same CSV bytes) and `kpix verify`
re-runs it; `kpix pack` of the housing board's workbooks writes the same
CSV as the pack of its CSV files. openpyxl belongs to Debian's python3-openpyxl, hence
/usr/bin/python3. Exit status 0 when every file round-trips, 1 otherwise.
"""

import argparse
import csv
import datetime
import decimal
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

import openpyxl

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))

NUMBER = re.compile(r"^(-?)(£?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?$")
PERCENT = re.compile(r"^(-?\d+)(\.\d+)?%$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def typed(text, column_format):
    """What Excel stores for text typed into a cell of the column: the value
    and the number format it gives the cell (None: the column's)."""
    if column_format == "@":
        return text, None
    m = NUMBER.match(text)
    if m:
        sign, pound, whole, frac = m.groups()
        value = decimal.Decimal(sign + whole.replace(",", "") + (frac or ""))
        places = "." + "0" * (len(frac) - 1) if frac else ""
        if pound:
            fmt = '"£"#,##0' + places
        elif "," in whole:
            fmt = "#,##0" + places
        else:
            fmt = None
        number = int(value) if value == value.to_integral_value() and not frac else float(value)
        return number, fmt
    m = PERCENT.match(text)
    if m:
        whole, frac = m.groups()
        value = decimal.Decimal(whole + (frac or "")) / 100
        return float(value), "0" + ("." + "0" * (len(frac) - 1) if frac else "") + "%"
    m = ISO_DATE.match(text)
    if m:
        try:
            return datetime.datetime(*map(int, m.groups())), "yyyy-mm-dd"
        except ValueError:
            return text, None
    if text in ("TRUE", "FALSE"):
        return text == "TRUE", None
    return text, None


def fill(template, rows, out):
    wb = openpyxl.load_workbook(template)
    ws = wb["Data"]
    formats = {}
    for letter, dim in ws.column_dimensions.items():
        for col in range(dim.min or 1, (dim.max or dim.min or 1) + 1):
            formats[col] = dim.number_format
    for r, row in enumerate(rows[1:], start=2):
        for c, text in enumerate(row, start=1):
            if text == "":
                continue
            value, fmt = typed(text, formats.get(c, "General"))
            cell = ws.cell(row=r, column=c, value=value)
            cell.number_format = fmt or formats.get(c, "General")
    wb.save(out)


def validate(kpix, path, schema, report):
    proc = subprocess.run([kpix, "validate", path, "--schema", schema, "--report", report,
                           "--format", "json", "-q"], capture_output=True, text=True)
    with open(report, encoding="utf-8") as f:
        return proc.returncode, json.load(f), proc.stderr


def same_value(a, b):
    if a == b:
        return True
    # Excel keeps "£1,234" as the number 1234, "98.26%" as 0.9826 shown as 98.26%
    def number(s):
        s = (s or "").replace("£", "").replace(",", "")
        try:
            return decimal.Decimal(s.rstrip("%"))
        except decimal.InvalidOperation:
            return None
    return number(a) is not None and number(a) == number(b)


def run(kpix, *args, cwd=None):
    return subprocess.run([kpix] + list(args), capture_output=True, text=True, cwd=cwd,
                          env=dict(os.environ, SOURCE_DATE_EPOCH="1700000000"))


def csv_outputs(out_dir):
    found = {}
    for name in sorted(os.listdir(out_dir)):
        if name.endswith(".csv"):
            with open(os.path.join(out_dir, name), "rb") as f:
                found[name] = f.read()
    return found


def other_commands(kpix, tmp, books):
    """export, verify and pack on the workbooks, against the same on the CSVs."""
    failures = []
    for sid, example, base, rc in books:
        if rc != 0 or sid != "council-kpi-quarterly":
            continue
        name = os.path.relpath(example, ROOT)
        a, b = run(kpix, "export", base + ".csv", "--schema", sid, "--out", base + "-csv-out", "-q"), \
            run(kpix, "export", base + ".xlsx", "--schema", sid, "--out", base + "-xlsx-out", "-q")
        if a.returncode != 0 or b.returncode != 0:
            failures.append(f"export {name}: exit {a.returncode} for the CSV, {b.returncode} for "
                            f"the workbook ({b.stderr.strip()})")
            continue
        if csv_outputs(base + "-csv-out") != csv_outputs(base + "-xlsx-out"):
            failures.append(f"export {name}: the workbook's export differs from the CSV's")
        v = run(kpix, "verify", os.path.join(base + "-xlsx-out", "manifest.json"), cwd=tmp)
        if v.returncode != 0:
            failures.append(f"verify of the export of {name}'s workbook: exit {v.returncode}: "
                            f"{v.stdout.strip()} {v.stderr.strip()}")
        print(f"{sid} {name}: export and verify of the workbook "
              f"{'same' if not failures else 'DIFFERENT'}")
    history = [b for b in books if "housing-board" in b[1] and b[3] == 0]
    if history:
        args = ["--pack", "housing-board", "--period", "2025-26 Q2", "-q"]
        a = run(kpix, "pack", *[b[2] + ".csv" for b in history], *args,
                "--out", os.path.join(tmp, "pack-csv"))
        b = run(kpix, "pack", *[b[2] + ".xlsx" for b in history], *args,
                "--out", os.path.join(tmp, "pack-xlsx"))
        if a.returncode != 0 or b.returncode != 0:
            failures.append(f"pack: exit {a.returncode} for the CSVs, {b.returncode} for the "
                            f"workbooks ({b.stderr.strip()})")
        elif csv_outputs(os.path.join(tmp, "pack-csv")) != csv_outputs(os.path.join(tmp, "pack-xlsx")):
            failures.append("pack: the workbooks' pack differs from the CSVs'")
        else:
            print(f"housing-board pack of {len(history)} workbooks: same")
    else:
        failures.append("pack: no housing board history to pack")
    return failures


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kpix", required=True)
    args = ap.parse_args()
    kpix = os.path.abspath(args.kpix)
    failures = []
    checked = 0
    books = []  # (schema id, example, base path of its .csv and .xlsx, exit status)
    with tempfile.TemporaryDirectory() as tmp:
        for schema in sorted(glob.glob(os.path.join(ROOT, "schemas", "*.json"))):
            sid = os.path.splitext(os.path.basename(schema))[0]
            out = os.path.join(tmp, sid)
            subprocess.run([kpix, "template", "--schema", schema, "--out", out], check=True,
                           capture_output=True)
            with open(os.path.join(out, sid + "-template.csv"), encoding="utf-8-sig") as f:
                header = next(csv.reader(f))
            examples = sorted(glob.glob(os.path.join(ROOT, "examples", "*", "*.csv")))
            for example in examples:
                with open(example, encoding="utf-8-sig", newline="") as f:
                    rows = list(csv.reader(f))
                if not rows or rows[0] != header:
                    continue
                name = os.path.relpath(example, ROOT)
                base = os.path.join(tmp, sid + "-" + os.path.basename(example)[:-4])
                rows = [row + [""] * (len(header) - len(row)) for row in rows]
                with open(base + ".csv", "w", encoding="utf-8", newline="") as f:
                    csv.writer(f, lineterminator="\r\n").writerows(rows)
                book = base + ".xlsx"
                fill(os.path.join(out, sid + "-template.xlsx"), rows, book)
                rc_csv, csv_report, _ = validate(kpix, base + ".csv", schema, base + ".csv.json")
                rc_xlsx, xlsx_report, err = validate(kpix, book, schema, book + ".json")
                checked += 1
                books.append((sid, example, base, rc_csv))
                problems = []
                if rc_csv != rc_xlsx:
                    problems.append(f"exit status {rc_csv} for the CSV, {rc_xlsx} for the "
                                    f"workbook ({err.strip()})")
                for key in ("errors", "warnings", "valid"):
                    a, b = csv_report.get(key), xlsx_report.get(key)
                    if a != b:
                        problems.append(f"{key}: {a} for the CSV, {b} for the workbook")
                for a, b in zip(csv_report.get("files", []), xlsx_report.get("files", [])):
                    for key in ("rows", "rejected"):
                        if a.get(key) != b.get(key):
                            problems.append(f"{key}: {a.get(key)} for the CSV, {b.get(key)} "
                                            f"for the workbook")
                def order(d):
                    return (d.get("row") or 0, d.get("column") or 0, d.get("code"),
                            d.get("field") or "", d.get("rule") or "")
                da = sorted(csv_report.get("diagnostics", []), key=order)
                db = sorted(xlsx_report.get("diagnostics", []), key=order)
                if len(da) != len(db):
                    problems.append(f"{len(da)} diagnostics for the CSV, {len(db)} for the "
                                    f"workbook")
                for a, b in zip(da, db):
                    keys = ("code", "severity", "row", "column", "field", "rule")
                    if any(a.get(k) != b.get(k) for k in keys) or \
                            not same_value(a.get("value"), b.get("value")):
                        problems.append(f"CSV {json.dumps(a)}\n      workbook {json.dumps(b)}")
                print(f"{sid} {name}: {len(da)} diagnostics, "
                      f"{'same' if not problems else 'DIFFERENT'}")
                for p in problems[:20]:
                    failures.append(f"{sid} {name}: {p}")
        failures += other_commands(kpix, tmp, books)
    for f in failures:
        print("FAIL " + f)
    if checked == 0:
        print("FAIL no example matched a template")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
