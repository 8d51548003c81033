#!/usr/bin/python3
"""Reads back how every workbook kpix writes from the examples will print.

    /usr/bin/python3 tests/readback/print.py --kpix build/kpix [--verbose]

Writes, into a temporary directory, the council return (and the one with
warnings, whose Validation sheet is the report's warnings), the TSM data
points workbook and regulator layout, both board packs, and the three
templates; then, on every visible sheet of each, with openpyxl (issue 16):

- text at 9 points or more on paper: no cell's font is below 9pt, and the
  print scale (Excel's own for one page wide, worked out here from the
  column widths of the print area; or the scale given) keeps the
  smallest font used at 9pt or more;
- a row holding wrapped text is tall enough for it: this counts the lines
  more generously than kpix does (1.3 characters to a unit of column width,
  against kpix's 0.95), so it finds rows left at one line, not small
  differences of estimate;
- a print area, a page header and a footer, with no code for the date or
  the time (&D, &T: the bytes would depend on the clock);
- a sheet whose heading rows are frozen repeats them on every printed page.

Exit status: 0 when every check passes, 1 when any fails, 2 on a usage
problem.
"""

import argparse
import glob
import math
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from read_exports import Checks, openpyxl, ROOT  # noqa: E402

EX = os.path.join(ROOT, "examples")
RUNS = [
    ["export", EX + "/council-kpi-quarterly/q2-2025-26.csv", "--schema", "council-kpi-quarterly",
     "--param", "contact=Performance team"],
    ["export", os.path.join(ROOT, "tests/golden/fixtures/council-warnings-and-formula-text.csv"),
     "--schema", "council-kpi-quarterly", "--param", "contact=A. Officer & Co"],
    ["export", EX + "/rsh-tsm/tsm-2024-25-council.csv", "--schema", "rsh-tsm-2024-25",
     "--previous", EX + "/rsh-tsm/tsm-2023-24-council.csv", "--param", "provider_code=X0001",
     "--param", "provider_name=Example Borough Council", "--param", "provider_type=LA"],
    ["pack"] + sorted(glob.glob(EX + "/housing-board/*.csv")) + ["--pack", "housing-board",
                                                                 "--period", "2025-26 Q2"],
    ["pack", EX + "/onesource/okpi1-history.csv", "--pack", "onesource-joint-committee",
     "--period", "2017-18 Q3"],
    ["template", "--schema", "council-kpi-quarterly"],
    ["template", "--schema", "rsh-tsm-2024-25"],
    ["template", "--schema", "onesource-kpi"],
]

MIN_PT = 9.0
PAGE = {"landscape": 842.0, "portrait": 595.0}


def column_points(stored):
    """A column's printed width in points from the width the file stores,
    which (as Excel writes it) already holds the cell's 5 pixels of padding:
    7 pixels of Calibri 11 to a unit."""
    return math.floor(stored * 7 + 0.5) * 0.75


def area_columns(ws):
    """The first and last column (1-based) of the sheet's print area."""
    area = ws.print_area[0] if isinstance(ws.print_area, list) else ws.print_area
    m = re.search(r"\$([A-Z]+)\$\d+:\$([A-Z]+)\$\d+", area or "")
    if not m:
        return None
    idx = openpyxl.utils.column_index_from_string
    return idx(m.group(1)), idx(m.group(2))


def width(ws, col):
    """The stored width of a column (Excel's default, 64 pixels, when none)."""
    d = ws.column_dimensions.get(openpyxl.utils.get_column_letter(col))
    return d.width if d is not None and d.width else 64 / 7


def generous_lines(text, chars_per_line):
    lines = 0
    for part in str(text).split("\n"):
        lines += max(1, math.ceil(len(part) / chars_per_line))
    return lines


def check_sheet(c, ws):
    c.true("a print area", ws.print_area)
    head = (ws.oddHeader.left.text or "") + (ws.oddHeader.center.text or "") + \
        (ws.oddHeader.right.text or "")
    foot = (ws.oddFooter.left.text or "") + (ws.oddFooter.center.text or "") + \
        (ws.oddFooter.right.text or "")
    c.true("a page header", head)
    c.true("a page footer", foot)
    for what, t in (("header", head), ("footer", foot)):
        c.true("no clock in the " + what, not re.search(r"&[DT]", t.replace("&&", "")), t)
    if ws.freeze_panes and ws.freeze_panes[0] == "A" and int(ws.freeze_panes[1:]) > 1:
        c.true("frozen headings repeat on each page", ws.print_title_rows, ws.freeze_panes)

    smallest = None
    heights = {r: d.height for r, d in ws.row_dimensions.items() if d.height}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            size = cell.font.sz or 11
            smallest = size if smallest is None else min(smallest, size)
            if cell.alignment.wrap_text and isinstance(cell.value, str):
                per = max(1, int(width(ws, cell.column) * 1.3 * 11 / size))
                need = generous_lines(cell.value, per) * 0.9 * 15 * size / 11
                got = heights.get(cell.row, 15)
                c.true("row %d tall enough for %s" % (cell.row, cell.coordinate), got >= need,
                       "%.1f < %.1f" % (got, need))
    smallest = smallest or 11
    c.true("fonts of 9pt or more", smallest >= MIN_PT, smallest)
    cols = area_columns(ws)
    ps = ws.page_setup
    fit = ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage
    if fit and cols:
        total = sum(column_points(width(ws, k)) for k in range(cols[0], cols[1] + 1))
        page = PAGE[ps.orientation or "portrait"] - 2 * 0.7 * 72
        scale = min(1.0, page / total)
    else:
        scale = (ps.scale or 100) / 100.0
    c.true("printed at 9pt or more", smallest * scale >= MIN_PT - 0.05,
           "%.1fpt at %d%%" % (smallest, round(scale * 100)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kpix", required=True)
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    c = Checks(a.verbose)
    kpix = os.path.abspath(a.kpix)
    env = dict(os.environ, KPIX_SCHEMA_PATH=os.path.join(ROOT, "schemas"))
    env.pop("SOURCE_DATE_EPOCH", None)
    books = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i, args in enumerate(RUNS):
            out = os.path.join(tmp, str(i))
            p = subprocess.run([kpix] + args + ["--out", out], capture_output=True, text=True,
                               env=env, cwd=ROOT)
            c.eq("kpix %s exits 0" % " ".join(args[:1]), p.returncode, 0)
            for path in sorted(glob.glob(os.path.join(out, "*.xlsx"))):
                books += 1
                wb = openpyxl.load_workbook(path)
                for ws in wb.worksheets:
                    if ws.sheet_state != "visible":
                        continue
                    c.where = "%s %s: " % (os.path.basename(path), ws.title)
                    check_sheet(c, ws)
    c.where = ""
    c.eq("workbooks read", books, 9)
    print("print: %d checks, %d failed" % (c.count, c.failed))
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
