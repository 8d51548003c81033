#!/usr/bin/python3
"""A cell longer than Excel's limit is cut to 32,767 characters, never
through the middle of a character.

    /usr/bin/python3 tests/readback/long_text.py --kpix build/kpix

Exports one text cell of 32,766 ASCII characters, an 'é' (two bytes in
UTF-8) and three more characters, so that the cut falls right after the
'é'. openpyxl must read the workbook (a split character would make its XML
invalid) and find the first 32,767 characters, 'é' last.
"""

import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from read_exports import Checks, openpyxl  # noqa: E402

SCHEMA = """{"$kpix": "schema/1", "id": "long-text", "version": "1",
 "fields": [{"name": "note"}],
 "exports": [{"name": "x", "format": "xlsx", "file": "long.xlsx",
   "sheets": [{"name": "S", "columns": [{"heading": "Note", "value": "note"}]}]}]}
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kpix", required=True)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    c = Checks(args.verbose)
    text = "a" * 32766 + "é" + "zzz"
    with tempfile.TemporaryDirectory(prefix="kpix-readback-long.") as tmp:
        schema, data = os.path.join(tmp, "s.json"), os.path.join(tmp, "d.csv")
        open(schema, "w", encoding="utf-8").write(SCHEMA)
        open(data, "w", encoding="utf-8").write("note\n" + text + "\n")
        r = subprocess.run([os.path.abspath(args.kpix), "export", data, "--schema", schema,
                            "--out", os.path.join(tmp, "out"), "-q"],
                           capture_output=True, text=True, timeout=60)
        c.eq("kpix export exits 0", r.returncode, 0)
        wb = openpyxl.load_workbook(os.path.join(tmp, "out", "long.xlsx"))
        got = wb.worksheets[0]["A2"].value
        c.eq("the cell is cut to Excel's 32,767 characters", len(got or ""), 32767)
        c.eq("its last character is whole", (got or "")[-1:], "é")
    print("long_text: %d checks, %d failed" % (c.count, c.failed))
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
