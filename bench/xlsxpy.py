#!/usr/bin/python3
"""The export benchmark's Python peer: Debian's python3-xlsxwriter.

usage: /usr/bin/python3 xlsxpy.py CELLS OUT.xlsx

Reads the cell script bench/gen-export.py writes (its docstring describes
the directives) and writes the workbook with XlsxWriter in constant-memory
mode, exactly as bench/cellbare.c does with libxlsxwriter.

Run it with /usr/bin/python3: Debian's python3-xlsxwriter is installed for
that interpreter, not for another python3 that may come first on PATH.
"""
import datetime
import sys

import xlsxwriter

TOKENS = {
    "bold": ("bold", True),
    "wrap": ("text_wrap", True),
    "vtop": ("valign", "top"),
    "border": ("border", 1),
    "bottom-medium": ("bottom", 2),
    "solid": ("pattern", 1),
}


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: xlsxpy.py CELLS OUT.xlsx\n")
        return 1
    wb = xlsxwriter.Workbook(argv[2], {"constant_memory": True})
    styles = {}
    ws = None
    with open(argv[1], encoding="utf-8") as f:
        for line in f:
            d = line.rstrip("\n").split("\t")
            op = d[0]
            if op == "R":
                row = int(d[1])
                col = 0
                for c in d[2:]:
                    if c:
                        k = c.index(":", 1)
                        fmt = styles[c[1:k]] if k > 1 else None
                        t = c[0]
                        if t == "s":
                            ws.write_string(row, col, c[k + 1:], fmt)
                        elif t == "n":
                            ws.write_number(row, col, float(c[k + 1:]), fmt)
                        else:
                            ws.write_blank(row, col, None, fmt)
                    col += 1
            elif op == "F":
                props = {}
                for t in d[2:]:
                    if t in TOKENS:
                        key, val = TOKENS[t]
                        props[key] = val
                    elif t.startswith("bg="):
                        props["bg_color"] = "#" + t[3:]
                    elif t.startswith("size="):
                        size = float(t[5:])
                        props["font_size"] = int(size) if size.is_integer() else size
                    elif t.startswith("num="):
                        props["num_format"] = t[4:]
                    else:
                        raise SystemExit("xlsxpy: unknown style token %r" % t)
                styles[d[1]] = wb.add_format(props)
            elif op == "S":
                ws = wb.add_worksheet(d[1])
                ws.set_paper(9)
            elif op == "H":
                ws.set_row(int(d[1]), float(d[2]))
            elif op == "W":
                ws.set_column(int(d[1]), int(d[1]), float(d[2]))
            elif op == "Z":
                ws.freeze_panes(int(d[1]), int(d[2]))
            elif op == "A":
                ws.autofilter(int(d[1]), int(d[2]), int(d[3]), int(d[4]))
            elif op == "O":
                if d[1] == "1":
                    ws.set_landscape()
                else:
                    ws.set_portrait()
                if d[2] == "1":
                    ws.fit_to_pages(1, 0)
                if int(d[3]) >= 0:
                    ws.repeat_rows(int(d[3]), int(d[4]))
                if d[5]:
                    ws.set_header(d[5])
                if d[6]:
                    ws.set_footer(d[6])
            elif op == "P":
                created = datetime.datetime.fromtimestamp(int(d[1]), datetime.timezone.utc)
                names = ["title", "subject", "author", "manager", "company", "category",
                         "keywords"]
                props = {n: v for n, v in zip(names, d[2:9]) if v}
                props["created"] = created.replace(tzinfo=None)
                wb.set_properties(props)
            else:
                raise SystemExit("xlsxpy: unknown directive %r" % op)
    wb.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
