#!/usr/bin/python3
"""Copy the "Data Dictionary" sheet of one of the regulator's TSM full-data workbooks to text.

    tools/rsh-tsm/extract-dictionary.py WORKBOOK YEAR OUT

Writes OUT as tools/rsh-tsm/tsm-2024-25-data-dictionary.txt is laid out: a line naming what it
is (the dataset of YEAR, e.g. 2023/24), a line naming where it came from (the workbook's name), the sheet's header row, then one line for each row of the
sheet with its eight cells joined by " | ". A cell's text is kept as published (typos, zero-width
and no-break spaces included) except that a line break becomes a space and an empty cell an empty
string, so that each row is one line. Needs Debian's python3-openpyxl. The same workbook gives the
same bytes on every run.

The regulator's workbooks are published under the Open Government Licence v3.0
(https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/); the text written
contains public sector information licensed under it.
"""

import sys

HEADER = ["Table", "Column Heading", "Data Field Name", "Survey_Datapoint", "Survey_QuestionReference",
          "Survey Question", "Survey_Section", "Source"]


def cell_text(value):
    if value is None:
        return ""
    text = str(value).replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    if " | " in text:
        raise ValueError(f"a cell holds the separator ' | ': {text!r}")
    return text


def main(argv):
    if len(argv) != 3:
        print("usage: " + __doc__.strip().split("\n\n")[1].strip(), file=sys.stderr)
        return 2
    workbook, year, out = argv
    try:
        import openpyxl
    except ImportError:
        print("extract-dictionary: needs openpyxl (Debian: python3-openpyxl, run with /usr/bin/python3)",
              file=sys.stderr)
        return 2
    try:
        book = openpyxl.load_workbook(workbook, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError) as e:
        print(f"extract-dictionary: {workbook}: cannot read it as a workbook ({e})", file=sys.stderr)
        return 2
    if "Data Dictionary" not in book.sheetnames:
        print(f"extract-dictionary: {workbook}: no sheet 'Data Dictionary' (sheets: {', '.join(book.sheetnames)})",
              file=sys.stderr)
        return 2
    rows = [list(r) for r in book["Data Dictionary"].iter_rows(values_only=True)]
    at = next((i for i, r in enumerate(rows) if [cell_text(c) for c in r[:8]] == HEADER), None)
    if at is None:
        print(f"extract-dictionary: {workbook}: the 'Data Dictionary' sheet has no header row "
              f"'{' | '.join(HEADER)}'", file=sys.stderr)
        return 2
    lines = []
    for number, row in enumerate(rows[at + 1:], start=at + 2):
        if any(c is not None for c in row[8:]):
            print(f"extract-dictionary: {workbook}: Data Dictionary row {number} has cells beyond column H",
                  file=sys.stderr)
            return 2
        cells = (row + [None] * 8)[:8]
        if all(c is None for c in cells):
            continue
        try:
            lines.append(" | ".join(cell_text(c) for c in cells))
        except ValueError as e:
            print(f"extract-dictionary: {workbook}: Data Dictionary row {number}: {e}", file=sys.stderr)
            return 2
    name = workbook.replace("\\", "/").rsplit("/", 1)[-1]
    text = "\n".join([f'RSH TSM full dataset {year}, sheet "Data Dictionary" ({" | ".join(HEADER)}).',
                      f"Source: GOV.UK published TSM full-data workbook {name}, Open Government Licence v3.0.",
                      " | ".join(HEADER)] + lines) + "\n"
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print(f"extract-dictionary: {out}: {len(lines)} rows", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
