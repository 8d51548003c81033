#!/usr/bin/python3
"""Writes the seed corpus of fuzz_xlsx (tests/fuzz/corpus/xlsx/) from real
workbooks: the template of every shipped schema and an export (written by
kpix, that is by libxlsxwriter), workbooks written by openpyxl (dates in
both date systems, percentages, booleans, formulas, merged cells, hidden
rows and sheets, rich text) and, when LibreOffice is installed, an example
CSV saved as .xlsx by LibreOffice Calc. Each is kept twice: as the archive,
and as its members in fuzz_xlsx's "PARTS" form (see fuzz_xlsx.c), so that
mutations reach the XML. Members that play no part in reading a sheet
(themes, document properties, pictures) are left out of the PARTS form.

    /usr/bin/python3 tests/fuzz/make_xlsx_seeds.py --kpix build/dev/kpix

Run from the repository's top directory; it replaces what is in
corpus/xlsx/ (but seeds named "campaign-...") and leaves regress/ alone.
openpyxl is Debian's python3-openpyxl, hence /usr/bin/python3."""
import argparse
import datetime
import glob
import os
import shutil
import subprocess
import tempfile
import zipfile

import openpyxl
from openpyxl.styles import Font

OUT = "tests/fuzz/corpus/xlsx"
KEEP = ("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
        "xl/styles.xml", "xl/sharedStrings.xml")


def parts_form(path):
    out = [b"PARTS\n"]
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name in KEEP or name.startswith("xl/worksheets/sheet"):
                out.append(b"--8<-- " + name.encode() + b"\n" + z.read(name) + b"\n")
    return b"".join(out)


def keep(path, name):
    shutil.copyfile(path, os.path.join(OUT, name + ".xlsx"))
    with open(os.path.join(OUT, name + ".parts"), "wb") as f:
        f.write(parts_form(path))


def openpyxl_books(tmp):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["name", "when", "rate", "count", "ok", "sum"])
    ws.append(["Ann", datetime.date(2024, 4, 1), 0.82, 3, True, "=D2*2"])
    ws.append(["Bob", datetime.datetime(1900, 2, 28, 18, 30), 1.5, -0.25, False, "=1/0"])
    ws["B2"].number_format = "yyyy-mm-dd"
    ws["B3"].number_format = "dd/mm/yyyy hh:mm"
    ws["C2"].number_format = "0%"
    ws["C3"].number_format = "0.00%"
    ws["A2"].font = Font(bold=True)
    ws.merge_cells("A5:B6")
    ws["A5"] = "merged"
    ws.row_dimensions[3].hidden = True
    ws["A8"] = "after a gap"
    hidden = wb.create_sheet("Lists")
    hidden.append(["a", "b"])
    hidden.sheet_state = "hidden"
    p = os.path.join(tmp, "openpyxl.xlsx")
    wb.save(p)
    keep(p, "openpyxl-types")

    wb = openpyxl.Workbook()
    wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "Return"
    ws.append(["period", "value"])
    ws.append([datetime.date(2025, 3, 31), 12.5])
    ws["A2"].number_format = "d-mmm-yy"
    p = os.path.join(tmp, "openpyxl-1904.xlsx")
    wb.save(p)
    keep(p, "openpyxl-1904")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kpix", required=True)
    args = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if not f.startswith("campaign-"):
            os.remove(os.path.join(OUT, f))
    with tempfile.TemporaryDirectory() as tmp:
        for schema in sorted(glob.glob("schemas/*.json")):
            sid = os.path.splitext(os.path.basename(schema))[0]
            subprocess.run([args.kpix, "template", "--schema", schema, "--out", tmp],
                           check=True, capture_output=True)
            keep(os.path.join(tmp, sid + "-template.xlsx"), "libxlsxwriter-template-" + sid)
        subprocess.run([args.kpix, "export", "examples/council-kpi-quarterly/q2-2025-26.csv",
                        "--schema", "council-kpi-quarterly", "--out", os.path.join(tmp, "x")],
                       check=True, capture_output=True,
                       env=dict(os.environ, SOURCE_DATE_EPOCH="1700000000"))
        for book in sorted(glob.glob(os.path.join(tmp, "x", "*.xlsx"))):
            keep(book, "libxlsxwriter-export-" + os.path.basename(book)[:-5])
        openpyxl_books(tmp)
        if shutil.which("soffice"):
            src = os.path.join(tmp, "q2-2025-26-mistakes.csv")
            shutil.copyfile("examples/council-kpi-quarterly/q2-2025-26-mistakes.csv", src)
            subprocess.run(["soffice", "--headless", "--convert-to", "xlsx", "--outdir", tmp, src],
                           check=True, capture_output=True, timeout=300)
            keep(os.path.join(tmp, "q2-2025-26-mistakes.xlsx"), "libreoffice-mistakes")
        else:
            print("make_xlsx_seeds: soffice not found: no LibreOffice seed")


if __name__ == "__main__":
    main()
