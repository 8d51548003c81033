#!/usr/bin/python3
"""Reads back the board packs that `kpix pack` writes for the two examples.

    /usr/bin/python3 tests/readback/read_pack.py --kpix build/kpix [--verbose]

Builds each example pack into a temporary directory and reads the workbook
with openpyxl and the summary CSV with Python's csv module:

- oneSource (examples/onesource, October 2017): the committee's story as
  PRODUCT.md tells it. Overall 82% meets the 80% target for the first time,
  up from 75% and 72%. Havering and Newham are above target and improving.
  Bexley's fall from 89% to 55% is red. oneSource's slight fall to 78% is
  below target (amber). Services with no October 2017 figure show "No
  data", never 0.
- the housing board (examples/housing-board, 2025-26 Q2, and Q1 for a
  figure not due): every indicator's figures, RAG and direction of travel
  are worked out here from the history CSVs, the catalogue and the pack
  definition, by an implementation that does not share kpix's code, and
  compared with the Summary sheet and the CSV.
- on every sheet: RAG text with its fill colour, charts with their
  series ranges and the figures in those cells, print settings (landscape,
  one page wide, repeated headings, header and footer, print area), and no
  formulas.

Exit status: 0 when every check passes, 1 when any fails, 2 on a usage
problem.
"""

import argparse
import csv
import decimal
import glob
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from read_exports import Checks, no_formulas, openpyxl, ROOT  # noqa: E402

SHEETS = ["Cover", "Summary", "Exceptions", "Trends", "Breakdowns", "Definitions", "Data quality"]
FILLS = {"Green": "FFC6EFCE", "Amber": "FFFFEB9C", "Red": "FFFFC7CE", "No data": "FFEDEDED",
         "Not due": "FFEDEDED", "No target": "FFEDEDED", "Not rated": "FFEDEDED"}
SUMMARY_FIRST = 7  # 1-based: title, counts (2 rows), blank, headings, then the first group


def run_pack(kpix, files, pack, period, out):
    env = dict(os.environ, KPIX_SCHEMA_PATH=os.path.join(ROOT, "schemas"))
    env.pop("SOURCE_DATE_EPOCH", None)
    p = subprocess.run([kpix, "pack"] + files + ["--pack", pack, "--period", period, "--out", out],
                       capture_output=True, text=True, env=env)
    if p.returncode != 0:
        sys.stderr.write(p.stdout + p.stderr)
        raise SystemExit("kpix pack exited %d" % p.returncode)
    return glob.glob(os.path.join(out, "*.xlsx"))[0], glob.glob(os.path.join(out, "*-summary.csv"))[0]


def rows_of(ws):
    """The rows of a table sheet keyed by their first cell."""
    out = {}
    for row in ws.iter_rows():
        if row[0].value is not None:
            out.setdefault(str(row[0].value), row)
    return out


def check_rag_cell(c, what, cell, want):
    c.eq(what + " RAG", cell.value, want)
    c.eq(what + " RAG fill", cell.fill.fgColor.rgb, FILLS[want])


def percent_as_shown(c, wb):
    """Checks that every percentage is stored as the fraction it is, under a
    true percentage format (0.9826 shown 98.26%, never 98.26 and a literal
    "%"), and turns each into the figure a reader sees (98.26), so that the
    checks below compare figures as the history gives them."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                fmt = cell.number_format or ""
                if '"%"' in fmt or "\\%" in fmt:
                    c.true("%s!%s: a true percentage format, not a literal %%" % (ws.title, cell.coordinate),
                           False, fmt)
                if isinstance(cell.value, (int, float)) and fmt.endswith("%"):
                    c.true("%s!%s: a fraction under a percentage format" % (ws.title, cell.coordinate),
                           -10 <= cell.value <= 10, cell.value)
                    cell.value = float(round(decimal.Decimal(repr(cell.value)) * 100, 9))


def check_print(c, wb, organisation):
    for ws in wb.worksheets:
        c.where = ws.title + ": "
        c.eq("landscape", ws.page_setup.orientation, "landscape")
        # print.py checks the scale against the fonts; every sheet of a pack fits one page wide
        c.true("fit to page", ws.sheet_properties.pageSetUpPr.fitToPage)
        c.true("one page wide", ws.page_setup.fitToWidth in (None, 1))
        c.eq("pages tall", ws.page_setup.fitToHeight, 0)
        c.true("a print area", ws.print_area)
        c.eq("header names the organisation", ws.oddHeader.left.text, organisation)
        c.eq("footer counts pages", ws.oddFooter.right.text, "Page &P of &N")
        if ws.title in ("Summary", "Exceptions", "Definitions"):
            c.true("heading rows repeat", ws.print_title_rows)
    c.where = ""


def check_onesource(c, kpix, tmp):
    data = os.path.join(ROOT, "examples", "onesource", "okpi1-history.csv")
    xlsx, csvf = run_pack(kpix, [data], "onesource-joint-committee", "2017-18 Q3",
                          os.path.join(tmp, "onesource"))
    wb = openpyxl.load_workbook(xlsx)
    percent_as_shown(c, wb)
    c.where = "oneSource: "
    c.eq("sheets", wb.sheetnames, SHEETS)
    s = rows_of(wb["Summary"])
    row = s["OKPI1"]
    c.eq("figures (target, this, previous, last year)", [x.value for x in row[3:7]], [80, 82, 75, 72])
    check_rag_cell(c, "overall", row[7], "Green")
    c.eq("direction of travel", [row[8].value, row[9].value], ["\u25B2 Better", "\u25B2 Better"])
    c.eq("drafted commentary", row[10].value,
         "Drafted by kpix: Rose from 75% to 82%, above the 80% target for the first time.")
    c.eq("headings name the periods", [x.value for x in wb["Summary"][5][4:7]],
         ["This period\nOctober 2017", "Previous period\nMarch 2017",
          "Same period last year\nOctober 2016"])
    c.eq("counts under Green, Amber, Red, No data, Not due",
         [x.value for x in wb["Summary"][3][3:8]], [1, 0, 0, 0, 0])

    b = rows_of(wb["Breakdowns"])
    story = {"Havering": (89, 82, "Green", "\u25B2 Better"), "Newham": (81, 65, "Green", "\u25B2 Better"),
             "Bexley": (55, 89, "Red", "\u25BC Worse"), "oneSource": (78, 83, "Amber", "\u25BC Worse")}
    for name, (now, prev, rag, dot) in story.items():
        r = b[name]
        c.eq(name + " this period and previous", [r[2].value, r[3].value], [now, prev])
        check_rag_cell(c, name, r[5], rag)
        c.eq(name + " vs previous", r[6].value, dot)
        c.eq(name + " has no figure a year before", r[4].value, "No data")
    for service in ("Strategic Finance", "Health and Safety", "Printing Services"):
        r = b[service]
        c.eq(service + " October 2017 is no data, not zero", r[2].value, "No data")
        check_rag_cell(c, service, r[5], "No data")
    c.eq("Health and Safety in March 2017", b["Health and Safety"][3].value, 98)

    e = [r for r in wb["Exceptions"].iter_rows(min_row=4, values_only=True) if r[0]]
    c.eq("exceptions: Bexley red, oneSource amber",
         [(r[2], r[7], r[4]) for r in e], [("Bexley", "Red", 55), ("oneSource", "Amber", 78)])
    c.eq("Bexley's corrective action", e[0][11], "The fall is to be investigated.")
    c.eq("no action recorded for oneSource", e[1][11], "None recorded")

    ws = wb["Trends"]
    c.eq("one chart", len(ws._charts), 1)
    ch = ws._charts[0]
    c.eq("series", [s.tx.v for s in ch.series], ["Figure", "Target"])
    c.eq("series ranges", [s.val.numRef.f for s in ch.series], ["Trends!$B$5:$B$7", "Trends!$C$5:$C$7"])
    cat = ch.series[0].cat
    c.eq("category range", (cat.strRef or cat.numRef).f, "Trends!$A$5:$A$7")
    c.eq("the charted cells", [[x.value for x in r] for r in ws["A5:C7"]],
         [["October 2016", 72, 80], ["March 2017", 75, 80], ["October 2017", 82, 80]])

    with open(csvf, newline="", encoding="utf-8") as f:
        got = list(csv.DictReader(f))
    c.eq("CSV rows", len(got), 1)
    c.eq("CSV figures and RAG", [got[0][k] for k in ("target", "this_period", "previous_period",
                                                     "same_period_last_year", "rag", "commentary_drafted")],
         ["80", "82", "75", "72", "Green", "yes"])
    check_print(c, wb, "oneSource")
    no_formulas(c, wb)


# ---- the housing board, worked out independently -------------------------

def dec(text):
    t = text.replace(",", "").replace("%", "").replace("\u00a3", "").strip()
    return decimal.Decimal(t) if t else None


def shown(v, places):
    return v.quantize(decimal.Decimal(1).scaleb(-places), rounding=decimal.ROUND_HALF_EVEN)


def quarter_of(period):
    y, q = int(period[:4]), int(period[-1])
    return y * 4 + q - 1


def name_of(p):
    y, q = divmod(p, 4)
    return "%04d-%02d Q%d" % (y, (y + 1) % 100, q + 1)


def rate(rule, polarity, places, value, target):
    if value is None:
        return "No data"
    if polarity == "none":
        return "Not rated"
    if target is None:
        return "No target"
    v, t = shown(value, places), shown(target, places)
    short = t - v if polarity == "higher" else v - t
    if short <= 0:
        return "Green"
    tol = rule["tolerance"]
    band = decimal.Decimal(str(tol["points"])) if "points" in tol else \
        abs(t) * decimal.Decimal(str(tol["percentOfTarget"])) / 100
    return "Amber" if short <= band else "Red"


def travel(polarity, places, now, then):
    if now is None or then is None:
        return "\u2013"
    a, b = shown(now, places), shown(then, places)
    if a == b:
        return "\u25BA Same"
    arrow = "\u25B2" if a > b else "\u25BC"
    if polarity == "none":
        return arrow + (" Up" if a > b else " Down")
    return arrow + (" Better" if (a > b) == (polarity == "higher") else " Worse")


def check_housing(c, kpix, tmp, period):
    files = sorted(glob.glob(os.path.join(ROOT, "examples", "housing-board", "*.csv")))
    xlsx, csvf = run_pack(kpix, files, "housing-board", period, os.path.join(tmp, "hb-" + period[-2:]))
    with open(os.path.join(ROOT, "schemas", "packs", "housing-board.json"), encoding="utf-8") as f:
        pack = json.load(f)
    with open(os.path.join(ROOT, "schemas", "council-kpi-quarterly.json"), encoding="utf-8") as f:
        schema = json.load(f)
    cat = {i["code"]: i for i in schema["indicators"]}
    hist = {}
    for path in files:
        with open(path, newline="", encoding="utf-8-sig") as f:
            for r in csv.DictReader(f):
                hist[(r["indicator"], r["breakdown"], quarter_of(r["period"]))] = r
    cur = quarter_of(period)
    wb = openpyxl.load_workbook(xlsx)
    percent_as_shown(c, wb)
    c.where = "housing board %s: " % period
    c.eq("sheets", wb.sheetnames, SHEETS)
    s = rows_of(wb["Summary"])
    with open(csvf, newline="", encoding="utf-8") as f:
        csv_rows = {r["code"]: r for r in csv.DictReader(f)}
    counts = {}
    order = []
    for g in pack["groups"]:
        for e in g["indicators"]:
            e = {"code": e} if isinstance(e, str) else e
            code = e["code"]
            order.append(code)
            ind = cat[code]
            places = ind["decimals"]
            due = [q for q in ind.get("dueIn", [])]
            is_due = lambda p: not due or ("Q%d" % (p % 4 + 1)) in due  # noqa: E731
            prev = next((p for p in range(cur - 1, cur - 5, -1) if is_due(p)), None)
            row = hist.get((code, "", cur))
            value = dec(row["value"]) if row else None
            target = dec(row["target"]) if row and row["target"] else None
            pv = hist.get((code, "", prev))
            ly = hist.get((code, "", cur - 4))
            pv = dec(pv["value"]) if pv else None
            ly = dec(ly["value"]) if ly else None
            # the pack's own rule, else the indicator's, else the schema's
            rule = e.get("rag") or pack.get("rag") or ind.get("rag") or schema["rag"]
            want = rate(rule, ind["polarity"], places, value, target)
            if value is None and not is_due(cur):
                want = "Not due"
            counts[want] = counts.get(want, 0) + 1
            got = s[code]
            check_rag_cell(c, code, got[7], want)
            c.eq(code + " this period", got[4].value if value is not None else got[4].value,
                 float(value) if value is not None else ("Not due" if want == "Not due" else "No data"))
            c.eq(code + " previous period", got[5].value, float(pv) if pv is not None else "No data")
            c.eq(code + " same period last year", got[6].value, float(ly) if ly is not None else "No data")
            c.eq(code + " vs previous", got[8].value, travel(ind["polarity"], places, value, pv))
            c.eq(code + " vs last year", got[9].value, travel(ind["polarity"], places, value, ly))
            if row and row["commentary"]:
                c.eq(code + " commentary is the officer's", got[10].value, row["commentary"])
            else:
                c.true(code + " commentary is marked as drafted",
                       str(got[10].value).startswith("Drafted by kpix: "), got[10].value)
            cr = csv_rows[code]
            c.eq(code + " CSV RAG", cr["rag"], want)
            c.eq(code + " CSV this period", cr["this_period"],
                 "" if value is None else str(shown(value, places)))
    c.eq("indicators in the pack's order", [k for k in csv_rows], order)
    c.eq("counts under Green, Amber, Red, No data, Not due",
         [x.value for x in wb["Summary"][3][3:8]],
         [counts.get(k, 0) for k in ("Green", "Amber", "Red", "No data", "Not due")])
    ws = wb["Trends"]
    c.eq("a chart per indicator", len(ws._charts), len(order))
    for ch in ws._charts:
        ref = ch.series[0].val.numRef.f
        cells = ws[ref.split("!")[1].replace("$", "")]
        periods = [ws.cell(row=r[0].row, column=1).value for r in cells]
        code = ch.title.tx.rich.p[0].r[0].t.split(" ")[0] if ch.title and ch.title.tx.rich else None
        # issue 16: the target is a mark at each period (no line, so no slope
        # between periods), and the values' axis of a percentage runs 0-100%
        targets = [h for (k, b, q), h in hist.items() if k == code and not b and h["target"]]
        if not targets:
            c.eq("chart %s without a target has no target series (nor legend entry)" % code,
                 len(ch.series), 1)
        else:
            c.true("chart %s has a figure series and a target drawn as points" % code,
                   len(ch.series) == 2 and ch.series[1].spPr.ln.noFill
                   and ch.series[1].marker.symbol == "diamond")
        fmt = ch.y_axis.numFmt.formatCode if ch.y_axis.numFmt else None
        if fmt == "0%":
            c.eq("chart %s percentage axis" % code, (ch.y_axis.scaling.min, ch.y_axis.scaling.max),
                 (0, 1))
        else:
            c.eq("chart %s axis from zero" % code, ch.y_axis.scaling.min, 0)
        for r, p in zip(cells, periods):
            h = hist.get((code, "", quarter_of(p)))
            want = float(dec(h["value"])) if h else None
            c.eq("chart %s %s" % (code, p), r[0].value, want)
    check_print(c, wb, pack["organisation"])
    no_formulas(c, wb)
    return counts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kpix", required=True)
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    c = Checks(a.verbose)
    kpix = os.path.abspath(a.kpix)
    with tempfile.TemporaryDirectory() as tmp:
        check_onesource(c, kpix, tmp)
        check_housing(c, kpix, tmp, "2025-26 Q2")
        q1 = check_housing(c, kpix, tmp, "2025-26 Q1")
        c.where = ""
        c.true("SAT01 is not due in Q1 and shown so", q1.get("Not due", 0) == 1, q1)
    print("read_pack: %d checks, %d failed" % (c.count, c.failed))
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
