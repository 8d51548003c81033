#!/usr/bin/env python3
"""Write the export benchmark's input and the workbook kpix should make of it.

usage: python3 gen-export.py SCHEMA ROWS DATA_CSV CELLS [SEED]

SCHEMA is schemas/council-kpi-quarterly.json; its indicator catalogue is read
from it (codes, titles, units, decimals, polarity, multiplier, limits).

DATA_CSV gets ROWS valid rows of one council's quarterly return: one
organisation and one period on every row (an export covers one return), the
16 indicators for the whole organisation (blank breakdown) and then for
estate after estate, so that every (indicator, breakdown) key is new.
Numerators and denominators give the value exactly as the schema's ratio
rule works it out; money is sometimes written "£27,318,904" and
percentages "82.45%"; most rows have a target, rows that miss it have
commentary (some of it quoted for commas), and red rows a corrective
action. kpix finds no error and no warning in it.

CELLS is a plain script of the workbook that

    kpix export DATA_CSV --schema SCHEMA --only council-xlsx --param contact=CONTACT

writes (CONTACT below): every cell with its value, its type and its
style, and the sheets' widths, panes, filters, print settings and document
properties. bench/cellbare.c and bench/xlsxpy.py read it and write the
workbook with libxlsxwriter and Python's xlsxwriter, doing nothing else.
One directive a line, fields separated by tabs (text never holds a tab or
a newline):

    F id token...        a cell style; tokens, applied in order: bold, wrap,
                         vtop, border (thin), bottom-medium, solid (pattern),
                         bg=RRGGBB, size=N, num=FORMAT
    S name               a new worksheet (A4 paper)
    R row cell...        cells from column 0: "" for none, else a type
                         (s text, n number, b blank), a style id (none: no
                         style), ':' and the text or number
    H row height         a row's height
    W col width          a column's width
    Z row col            freeze panes
    A row col row col    autofilter
    O landscape fit first last header footer
                         print: orientation, fit to one page wide, rows
                         repeated at the top (first -1: none), page header
                         and footer (empty: none)
    P created title subject author manager company category keywords
                         document properties (empty: none); created in
                         seconds since 1970

The widths, titles and styles follow what docs/exports.md says kpix does
for the council-xlsx export; the benchmark checks that kpix's workbook and
the bare program's are the same, part by part.

Everything depends only on the arguments: every random draw goes through
random.Random(SEED).random() (default seed 11). Standard library only.
"""
import datetime
import json
import math
import random
import sys

ORGANISATION = "Example Borough Council"
PERIOD = "2025-26 Q2"
QUARTER_END = datetime.date(2025, 9, 30)
CONTACT = "Performance team, performance@example.gov.uk, 01234 567890"
EXCEL_EPOCH_OFFSET = 25569  # days from 1899-12-30 to 1970-01-01
ACTION = "Recovery plan agreed with the service manager, reviewed weekly until back on target."

AREAS = ["Northfield", "Southmead", "Eastgate", "Westbury", "Riverside", "Hillcrest",
         "Oakwood", "Ashton", "Brookside", "Castlefields", "Fairview", "Greenbank",
         "Highfields", "Kingsway", "Lowther", "Meadowbank", "Newtown", "Parkside",
         "Queensway", "Rosehill", "Stonebridge", "Thornbury", "Valley Road", "Woodlands"]
WORDS = ("collection arrears rent system switch recovery plan contractor backlog storm "
         "damage access refused tenants survey completed inspection booked staffing "
         "vacancy overtime agreed audit findings reviewed monthly weekly target profile "
         "improving ahead behind seasonal demand lettings voids keys returned repairs "
         "scheduled gas engineer fire assessment asbestos legionella lift checks").split()

STYLE_TOKENS = {"bold", "wrap", "vtop", "border", "bottom-medium", "solid"}
FILLS = {"Green": "C6EFCE", "Amber": "FFEB9C", "Red": "FFC7CE"}
MIN_WIDTH, MAX_WIDTH = 6, 60
POW10 = [float(10 ** i) for i in range(23)]


def c_round(x):
    """C's round() for x >= 0: halves away from zero."""
    f = math.floor(x)
    return float(f + 1) if x - f >= 0.5 else float(f)


def round_15_digits(y):
    j = 0
    while y >= POW10[j]:
        j += 1
    scale = POW10[15 - j]
    m = c_round(y * scale)
    q = math.floor(m / scale)
    return q + (1.0 if 2.0 * (m - q * scale) >= scale else 0.0)


def round_excel(x, digits):
    """kpix's round(x, digits) for 0 <= digits <= 22 (src/schema/expr.c)."""
    if x == 0.0 or not math.isfinite(x):
        return x
    a = abs(x)
    scale = POW10[digits]
    y = a * scale
    if y >= 4503599627370496.0:
        return x
    r = float(math.floor(y))
    if y < 1e14 and abs(y - r - 0.5) <= y * 1e-13:
        r = round_15_digits(y)
    elif y - r >= 0.5:
        r += 1.0
    res = r / scale
    return 0.0 if res == 0.0 else math.copysign(res, x)


def csv_cell(text):
    if "," in text or '"' in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def grouped(n):
    return "{:,}".format(n)


class Script:
    """Writes the cell script; styles get ids in the order of first use."""

    def __init__(self, out):
        self.out = out
        self.styles = {}
        self.lines = []

    def style(self, tokens):
        key = tuple(tokens)
        sid = self.styles.get(key)
        if sid is None:
            sid = self.styles[key] = len(self.styles) + 1
            self.lines.append("F\t%d\t%s" % (sid, "\t".join(tokens)))
        return sid

    def line(self, *fields):
        self.lines.append("\t".join(str(f) for f in fields))
        if len(self.lines) >= 20000:
            self.flush()

    def flush(self):
        if self.lines:
            self.lines.append("")
            self.out.write("\n".join(self.lines))
            self.lines = []


def kpix_style(bold=False, wrap=False, border=False, heading=False, size=0, num=None, fill=None):
    """The tokens of kpix's style (src/write/xlsx.c sets them in this order)."""
    t = []
    if bold or heading:
        t.append("bold")
    if wrap or heading:
        t += ["wrap", "vtop"]
    if border:
        t.append("border")
    if heading:
        t += ["bottom-medium", "bg=D9D9D9", "solid"]
    if fill:
        t += ["bg=" + fill, "solid"]
    if size:
        t.append("size=%d" % size)
    if num:
        t.append("num=" + num)
    return t


def decimals_format(d):
    return "#,##0." + "0" * d if d > 0 else "#,##0"


def main(argv):
    if len(argv) not in (5, 6):
        sys.stderr.write("usage: gen-export.py SCHEMA ROWS DATA_CSV CELLS [SEED]\n")
        return 2
    try:
        rows = int(argv[2])
        seed = int(argv[5]) if len(argv) > 5 else 11
    except ValueError:
        sys.stderr.write("gen-export.py: ROWS and SEED are integers\n")
        return 2
    with open(argv[1], encoding="utf-8") as f:
        inds = json.load(f)["indicators"]
    if rows < len(inds):
        sys.stderr.write("gen-export.py: ROWS must be at least %d (one row per indicator "
                         "for the whole organisation)\n" % len(inds))
        return 2

    r = random.Random(seed).random  # the only source of randomness
    n_words = len(WORDS)

    def commentary():
        n = 4 + int(r() * 18)
        words = [WORDS[int(r() * n_words)] for _ in range(n)]
        if r() < 0.3:
            words[n // 2] += ","
        if r() < 0.05:
            words.append("(£%s)" % grouped(1000 + int(r() * 90000)))
        words[0] = words[0].capitalize()
        return " ".join(words) + "."

    data = open(argv[3], "w", encoding="utf-8", newline="")
    cells = open(argv[4], "w", encoding="utf-8", newline="")
    sc = Script(cells)

    # The sheet's top: title, details, headings (as kpix writes them).
    headings = ["Code", "Indicator", "Breakdown", "Unit", "Polarity", "Numerator",
                "Denominator", "Value", "Target", "Variance", "RAG", "Commentary",
                "Corrective action"]
    fixed_width = {1: 40.0, 11: 60.0, 12: 60.0}
    width = [0.0] * len(headings)

    def note(col, chars):
        w = float(chars) + 2
        if w > width[col]:
            width[col] = w

    sc.line("S", "KPI return")
    title = "%s: housing KPI return, %s" % (ORGANISATION, PERIOD)
    sc.line("R", 0, "s%d:%s" % (sc.style(kpix_style(bold=True, size=14)), title))
    sc.line("H", 0, 21)
    label = sc.style(kpix_style(bold=True))
    cell = sc.style(kpix_style(border=True))
    quarter_end = (QUARTER_END - datetime.date(1970, 1, 1)).days
    date_style = sc.style(kpix_style(border=True, num="dd/mm/yyyy"))
    details = [("Organisation", "s%d:%s" % (cell, ORGANISATION)),
               ("Period", "s%d:%s" % (cell, PERIOD)),
               ("Data to", "n%d:%d" % (date_style, quarter_end + EXCEL_EPOCH_OFFSET)),
               ("Contact", "s%d:%s" % (cell, CONTACT))]
    row = 2
    for name, value in details:
        sc.line("R", row, "s%d:%s" % (label, name), value)
        row += 1
    row += 1
    heading_row = row
    head = sc.style(kpix_style(heading=True, border=True))
    sc.line("R", row, *["s%d:%s" % (head, h) for h in headings])
    for c, h in enumerate(headings):
        note(c, min(len(h), 14))
    row += 1

    # The data rows: CSV in, the cells kpix makes of them out.
    data_lines = ["organisation,period,indicator,breakdown,numerator,denominator,value,"
                  "target,commentary,action"]
    wrap = sc.style(kpix_style(border=True, wrap=True))
    n_ind = len(inds)
    for i in range(rows):
        ind = inds[i % n_ind]
        group = i // n_ind
        breakdown = "" if group == 0 else "%s estate %05d" % (AREAS[group % len(AREAS)], group)
        d = ind["decimals"]
        scale = POW10[d]
        mult = float(ind["derivation"]["multiplier"])
        money = "£" in ind["derivation"]["numerator"]
        unit, polarity = ind["unit"], ind["polarity"]
        den = (2_000_000 + int(r() * 38_000_000)) if money else (50 + int(r() * 20000))
        if unit == "percent" and polarity == "lower":
            num = int(den * (0.002 + r() * 0.078))
        elif unit == "percent":
            num = int(den * (0.6 + r() * 0.4))
        elif mult == 1000:
            num = int(den * r() * 0.04)
        else:  # days and other averages
            num = int(den * (10 + r() * 80))
        value = round_excel(num / den * mult, d)
        vtext = "%.*f" % (d, value)
        if r() < 0.85:
            vi = int(round(value * scale))
            ti = max(0, vi + int((r() - 0.5) * 0.12 * vi))
            if ind.get("max") is not None:
                ti = min(ti, int(ind["max"] * scale))
            target = ti / scale
            ttext = "%.*f" % (d, target)
        else:
            target, ttext = None, ""
        if polarity == "lower":
            missed = target is not None and value > target
        elif polarity == "higher":
            missed = target is not None and value < target
        else:
            missed = False
        comment = commentary() if missed or r() < 0.25 else ""

        if target is None:
            variance, rag = None, "No target"
        else:
            variance = round_excel(value - target, d)
            if polarity == "lower":
                rag = ("Green" if value <= target else
                       "Amber" if value <= target * 1.05 else "Red")
            else:
                rag = ("Green" if value >= target else
                       "Amber" if value >= target * 0.95 else "Red")

        # A fixed sentence, so that the random draws (and every other cell)
        # stay as they were before the action column.
        action = ACTION if rag == "Red" else ""

        num_text = str(num)
        den_text = str(den)
        if money and r() < 0.5:
            num_text = "£" + grouped(num)
            den_text = "£" + grouped(den)
        data_lines.append(",".join([
            ORGANISATION, PERIOD, ind["code"], breakdown, csv_cell(num_text),
            csv_cell(den_text), vtext + ("%" if unit == "percent" and r() < 0.3 else ""),
            ttext, csv_cell(comment), csv_cell(action)]))
        if len(data_lines) >= 20000:
            data_lines.append("")
            data.write("\n".join(data_lines))
            data_lines = []

        fmt = sc.style(kpix_style(border=True, num=decimals_format(d)))
        polarity_text = {"lower": "Lower is better", "higher": "Higher is better"}.get(polarity, "Neither is better")
        out = ["s%d:%s" % (cell, ind["code"]),
               "s%d:%s" % (wrap, ind["title"]),
               "s%d:%s" % (cell, breakdown) if breakdown else "b%d:" % cell,
               "s%d:%s" % (cell, unit),
               "s%d:%s" % (cell, polarity_text),
               "n%d:%d" % (cell, num),
               "n%d:%d" % (cell, den),
               "n%d:%r" % (fmt, value),
               "n%d:%r" % (fmt, target) if target is not None else "b%d:" % fmt,
               "n%d:%r" % (fmt, variance) if variance is not None else "b%d:" % fmt]
        if rag in FILLS:
            out.append("s%d:%s" % (sc.style(kpix_style(border=True, fill=FILLS[rag])), rag))
        else:
            out.append("s%d:%s" % (cell, rag))
        out.append("s%d:%s" % (wrap, comment) if comment else "b%d:" % wrap)
        out.append("s%d:%s" % (wrap, action) if action else "b%d:" % wrap)
        sc.line("R", row, *out)
        row += 1

        # Widths: text by its characters, numbers by their text as shown
        # (one more for the thousands separators), plus 2.
        note(0, len(ind["code"]))
        note(2, len(breakdown))
        note(3, len(unit))
        note(4, len(polarity_text))
        note(5, len(str(num)) + 1)
        note(6, len(str(den)) + 1)
        note(7, len(vtext) + 1)
        if target is not None:
            note(8, len(ttext) + 1)
            note(9, len("%.*f" % (d, variance)) + 1)
        note(10, len(rag))
        if comment:
            note(11, len(comment))
        if action:
            note(12, len(action))
    if data_lines:
        data_lines.append("")
        data.write("\n".join(data_lines))
    data.close()

    # The sheet's finish, the Validation sheet and the properties.
    for c in range(len(headings)):
        w = fixed_width.get(c, min(max(width[c], MIN_WIDTH), MAX_WIDTH))
        sc.line("W", c, repr(w))
    sc.line("Z", heading_row + 1, 0)
    sc.line("A", heading_row, 0, row - 1, len(headings) - 1)
    sc.line("O", 1, 1, heading_row, heading_row,
            "&L%s&RHousing KPI return %s" % (ORGANISATION.replace("&", "&&"), PERIOD),
            "&CPage &P of &N")

    sc.line("S", "Validation")
    sc.line("R", 0, "s%d:Validation: 0 warnings, no errors" % sc.style(kpix_style(bold=True,
                                                                                  size=14)))
    vheads = ["File", "Row", "Column", "Field", "Code", "Rule", "Value", "Message"]
    vwidths = [24, 8, 8, 16, 20, 14, 20, 90]
    sc.line("R", 2, *["s%d:%s" % (head, h) for h in vheads])
    for c, w in enumerate(vwidths):
        sc.line("W", c, repr(float(w)))
    sc.line("R", 3, "s:The data passed every check without a warning.")
    sc.line("Z", 3, 0)
    sc.line("O", 1, 1, 2, 2, "", "&CPage &P of &N")

    sc.line("P", quarter_end * 86400, "Housing KPI return " + PERIOD,
            "Quarterly housing key performance indicators", ORGANISATION, "", ORGANISATION,
            "KPI return", "housing, KPI, " + PERIOD)
    sc.flush()
    cells.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
