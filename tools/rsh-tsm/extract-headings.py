#!/usr/bin/python3
"""Copy the column headings of the tables of one of the regulator's TSM full-data workbooks to text.

    tools/rsh-tsm/extract-headings.py WORKBOOK OUT SHEET=ROW...

Writes OUT in the layout of the shared corpus's tsm-2024-25-headings.txt, for the sheets named,
each with the row its headings are on: '=== SHEET name', ' HEADER ROW n (k columns):', then
'   col i: heading' for each column. Headings are kept as published (footnote marks, no-break and
zero-width spaces included) except that a line break becomes a space. No landlord's data is
copied. Needs Debian's python3-openpyxl; the same workbook gives the same bytes on every run.

The regulator's workbooks are published under the Open Government Licence v3.0
(https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/); the text written
contains public sector information licensed under it.
"""

import os
import sys

import openpyxl


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    book, out, wanted = argv[0], argv[1], argv[2:]
    wb = openpyxl.load_workbook(book, read_only=True)
    lines = [f"Column headings of {os.path.basename(book)} (Open Government Licence v3.0).", ""]
    for item in wanted:
        name, row = item.rsplit("=", 1)
        row = int(row)
        cells = next(wb[name].iter_rows(min_row=row, max_row=row, values_only=True))
        cells = list(cells)
        while cells and cells[-1] is None:
            cells.pop()
        lines.append(f"=== SHEET {name}")
        lines.append(f" HEADER ROW {row} ({len(cells)} columns):")
        for i, cell in enumerate(cells, start=1):
            text = "" if cell is None else str(cell).replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
            lines.append(f"   col {i}: {text}")
        lines.append("")
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
