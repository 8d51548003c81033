#!/usr/bin/python3
"""Write tests/rsh-tsm/sector/tsm-2023-24-sample.xlsx, a small copy of the regulator's 2023/24 TSM
workbook in its own layout, for the sector comparison's test (run-sector.py).

    tests/rsh-tsm/sector/make-sample.py 2024_TSM_Full_Data_v1.1_FINAL.xlsx OUT.xlsx

Keeps the sheets kpix reads (the four tables, and Table_Coverage), each with its title rows and
its headings on the row the regulator put them (row 3; row 4 for Table_Coverage), and the rows of
the first 40 landlords of Table_Coverage in every table they appear in: landlords with and without
shared owners (whose LCHO complaints the regulator publishes as 0 with [X] inputs), the regulator's
[U], [X] and [E] markers as published. Cells are copied as values. Needs Debian's python3-openpyxl;
the same workbook gives the same cells (the file's bytes carry openpyxl's own timestamps).

The regulator's data is published under the Open Government Licence v3.0; see SOURCE.md.
"""

import sys

import openpyxl

SHEETS = {"Table_Coverage": 4, "TSM24_LCRA_Perception": 3, "TSM24_LCHO_Perception": 3,
          "TSM24_Combined_Perception": 3, "TSM24_Management_Info": 3}
LANDLORDS = 40


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    src = openpyxl.load_workbook(argv[0], read_only=True)
    keep = []
    for row in src["Table_Coverage"].iter_rows(min_row=5, values_only=True):
        if row[1] and len(keep) < LANDLORDS:
            keep.append(row[1])
    # the two landlords with combined results, so that every table has rows
    for row in src["TSM24_Combined_Perception"].iter_rows(min_row=4, values_only=True):
        if row[1] and row[1] not in keep:
            keep.append(row[1])
    out = openpyxl.Workbook()
    out.remove(out.active)
    for name, header in SHEETS.items():
        ws = out.create_sheet(name)
        for i, row in enumerate(src[name].iter_rows(values_only=True), start=1):
            if i <= header or (len(row) > 1 and row[1] in keep):
                ws.append(list(row))
    out.save(argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
