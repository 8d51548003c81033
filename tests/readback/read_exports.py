#!/usr/bin/python3
"""Reads back what `kpix export` writes with readers nobody here wrote.

    /usr/bin/python3 tests/readback/read_exports.py --kpix build/kpix [--verbose]

Exports the council example and a fixture with warnings and formula-like
commentary and corrective action
(tests/golden/fixtures/council-warnings-and-formula-text.csv) into
temporary directories, then opens each workbook with openpyxl (Debian's
python3-openpyxl, which only /usr/bin/python3 sees; tools/deps.sh installs it)
and each CSV with Python's csv module, and checks them against the input data
and the schema: sheet names, title, details block, headings, each data row
(numbers stored as numbers with the indicator's decimals as their number
format, the RAG status worked out here from the schema's rule and the
indicator's polarity, and its fill), frozen headings, filter, print set-up, header and footer, document
properties and date, the Validation sheet against `kpix validate --format
json`, and that no cell anywhere holds a formula while text starting with =
is kept as text (and written to CSV behind an apostrophe).

The expected values come from the input CSV, the schema JSON and this
file's own reading of docs/exports.md, never from kpix's output.

Exit status: 0 when every check passes, 1 when any fails (or openpyxl is
missing), 2 on a usage problem.
"""

import argparse
import csv
import datetime
import decimal
import json
import os
import subprocess
import sys
import tempfile

try:
    import openpyxl
except ImportError:
    sys.stderr.write("read_exports.py: openpyxl is not installed for %s; install Debian's "
                     "python3-openpyxl (bash tools/deps.sh, as root) and run this with "
                     "/usr/bin/python3\n" % sys.executable)
    sys.exit(1)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
SCHEMA = os.path.join(ROOT, "schemas", "council-kpi-quarterly.json")
EXAMPLE = os.path.join(ROOT, "examples", "council-kpi-quarterly", "q2-2025-26.csv")
WARNINGS = os.path.join(ROOT, "tests", "golden", "fixtures", "council-warnings-and-formula-text.csv")
FORMULA_START = "=+-@\t\r"
TIMEOUT = 60


class Checks:
    def __init__(self, verbose):
        self.verbose = verbose
        self.count = 0
        self.failed = 0
        self.where = ""

    def eq(self, what, got, want):
        self.count += 1
        if got == want:
            if self.verbose:
                print("ok   %s%s" % (self.where, what))
            return True
        self.failed += 1
        print("FAIL %s%s: got %r, expected %r" % (self.where, what, got, want))
        return False

    def true(self, what, cond, detail=""):
        return self.eq(what + (" (%s)" % detail if detail and not cond else ""), bool(cond), True)


def plain_number(text):
    """An input cell as the council schema reads it: £, % and thousands commas
    around a decimal number. None when empty."""
    t = text.strip().replace("£", "").replace("%", "").replace(",", "")
    return decimal.Decimal(t) if t else None


def fixed(d, places):
    """d rounded half away from zero to places, as text (docs/exports.md)."""
    q = decimal.Decimal(1).scaleb(-places)
    return str(d.quantize(q, rounding=decimal.ROUND_HALF_UP))


def rag(schema, i, value, target):
    """The schema's RAG rule as docs/schema-format.md ("RAG") gives it: the
    indicator's own "rag" or the schema's; figures compared as shown, at the
    indicator's decimals; the catalogue's target when the row has none; green
    at or better than the target, amber short of it by no more than the
    tolerance (points, or a percentage of the target), red beyond."""
    if i.get("polarity", "none") == "none":
        return "Not rated"
    if target is None and i.get("target") is not None:
        target = decimal.Decimal(str(i["target"]))
    if target is None:
        return "No target"
    rule = i.get("rag", schema.get("rag"))
    places = i.get("decimals", 0)
    v, t = decimal.Decimal(fixed(value, places)), decimal.Decimal(fixed(target, places))
    short = t - v if i["polarity"] == "higher" else v - t
    if short <= 0:
        return "Green"
    assert rule["method"] == "tolerance", "this reading knows the tolerance method only"
    tol = rule["tolerance"]
    band = (decimal.Decimal(str(tol["points"])) if "points" in tol
            else abs(t) * decimal.Decimal(str(tol["percentOfTarget"])) / 100)
    return "Amber" if short <= band else "Red"


def polarity_text(polarity):
    return {"lower": "Lower is better", "higher": "Higher is better"}.get(polarity, "Neither is better")


def quarter_end(period):
    """The last day of a financial-year quarter written "2025-26 Q2"."""
    year, q = int(period[:4]), int(period[-1])
    return {1: datetime.datetime(year, 6, 30), 2: datetime.datetime(year, 9, 30),
            3: datetime.datetime(year, 12, 31), 4: datetime.datetime(year + 1, 3, 31)}[q]


def number_format(places):
    return "#,##0" if places == 0 else "#,##0." + "0" * places


def read_input(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def run_export(kpix, data, out, params, env_extra=None):
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env.update({"LC_ALL": "C", "TZ": "UTC"})
    env.update(env_extra or {})
    cmd = [kpix, "export", data, "--schema", SCHEMA, "--out", out, "-q"]
    for p in params:
        cmd += ["--param", p]
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    if r.returncode != 0:
        sys.stderr.write("read_exports.py: %s exited with %d:\n%s%s" % (" ".join(cmd), r.returncode,
                                                                     r.stdout, r.stderr))
        sys.exit(1)
    manifest = json.load(open(os.path.join(out, "manifest.json"), encoding="utf-8"))
    return {o["format"]: os.path.join(out, o["name"]) for o in manifest["outputs"]}


def validate_warnings(kpix, data):
    r = subprocess.run([kpix, "validate", data, "--schema", SCHEMA, "--format", "json"],
                       capture_output=True, text=True, timeout=TIMEOUT)
    report = json.loads(r.stdout)
    return [d for d in report["diagnostics"] if d["severity"] == "warning"]


def export_of(schema, name):
    return next(e for e in schema["exports"] if e["name"] == name)


def no_formulas(c, wb):
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    c.eq("%s!%s holds a formula" % (ws.title, cell.coordinate), cell.value, "no formula")
    c.true("no cell in any sheet holds a formula", True)


def check_workbook(c, path, rows, schema, contact, created, warnings):
    x = export_of(schema, "council-xlsx")
    sheet = x["sheets"][0]
    ind = {i["code"]: i for i in schema["indicators"]}
    wb = openpyxl.load_workbook(path)
    c.eq("sheet names", wb.sheetnames, [sheet["name"], "Validation"])
    ws = wb[sheet["name"]]
    org, period = rows[0]["organisation"], rows[0]["period"]

    c.eq("title A1", ws["A1"].value, "%s: housing KPI return, %s" % (org, period))
    c.true("title is bold", ws["A1"].font.b)

    # the details block: label in A, value in B, from row 3
    details = [(d["label"], ws.cell(row=3 + i, column=1).value, ws.cell(row=3 + i, column=2))
               for i, d in enumerate(sheet["details"])]
    c.eq("detail labels", [d[1] for d in details], [d["label"] for d in sheet["details"]])
    want = {"Organisation": org, "Period": period, "Data to": quarter_end(period), "Contact": contact}
    for label, _, cell in details:
        c.eq("detail %s" % label, cell.value, want[label])
    data_to = details[2][2]
    c.eq("'Data to' is a date cell", (data_to.data_type, data_to.number_format), ("d", "dd/mm/yyyy"))

    heads_row = 3 + len(sheet["details"]) + 1
    cols = sheet["columns"]
    col = {h["heading"]: i + 1 for i, h in enumerate(cols)}
    c.eq("headings row %d" % heads_row, [ws.cell(row=heads_row, column=i + 1).value for i in range(len(cols))],
         [h["heading"] for h in cols])
    c.true("headings are bold", all(ws.cell(row=heads_row, column=i + 1).font.b for i in range(len(cols))))
    c.eq("no cell right of the table", ws.max_column, len(cols))
    c.eq("last row", ws.max_row, heads_row + len(rows))

    fills = next(h["fill"] for h in cols if h["heading"] == "RAG")
    for n, r in enumerate(rows):
        rn = heads_row + 1 + n
        c.where = "row %d (%s %s): " % (rn, r["indicator"], r["breakdown"] or "whole")
        get = lambda h: ws.cell(row=rn, column=col[h])
        i = ind[r["indicator"]]
        places = i["decimals"]
        c.eq("Code", get("Code").value, r["indicator"])
        c.eq("Indicator", get("Indicator").value, i["title"])
        c.true("Indicator wraps", get("Indicator").alignment.wrap_text)
        c.eq("Breakdown", get("Breakdown").value, r["breakdown"] or None)
        c.eq("Unit", get("Unit").value, i["unit"])
        c.eq("Polarity", get("Polarity").value, polarity_text(i["polarity"]))
        for h, field in (("Numerator", "numerator"), ("Denominator", "denominator")):
            want = plain_number(r[field])
            cell = get(h)
            c.eq(h, (cell.data_type, cell.value), ("n", float(want)) if want is not None else ("n", None))
        value, target = plain_number(r["value"]), plain_number(r["target"])
        for h, want in (("Value", value), ("Target", target)):
            cell = get(h)
            # the full number is kept; the format shows the indicator's decimals
            c.eq(h, (cell.data_type, cell.value), ("n", float(want) if want is not None else None))
            c.eq(h + " number format", cell.number_format, number_format(places))
        cell = get("Variance")
        if target is None:
            c.eq("Variance", cell.value, None)
        else:
            c.eq("Variance", (cell.data_type, cell.value), ("n", float(fixed(value - target, places))))
        c.eq("Variance number format", cell.number_format, number_format(places))
        status = rag(schema, i, value, target)
        cell = get("RAG")
        c.eq("RAG", (cell.data_type, cell.value), ("s", status))
        if status in fills:
            c.eq("RAG fill", (cell.fill.fill_type, cell.fill.fgColor.rgb), ("solid", "FF" + fills[status][1:].upper()))
        else:
            c.eq("RAG fill", cell.fill.fill_type, None)
        for h, field in (("Commentary", "commentary"), ("Corrective action", "action")):
            cell = get(h)
            if r[field]:
                c.eq(h + " kept as text", (cell.data_type, cell.value), ("s", r[field]))
            else:
                c.eq(h, cell.value, None)
            c.true(h + " wraps", cell.alignment.wrap_text)
    c.where = ""

    last = "%s%d" % (openpyxl.utils.get_column_letter(len(cols)), heads_row + len(rows))
    c.eq("frozen below the headings", ws.freeze_panes, "A%d" % (heads_row + 1))
    c.eq("filter on the table", ws.auto_filter.ref, "A%d:%s" % (heads_row, last))
    c.eq("headings repeat on each printed page", ws.print_title_rows, "$%d:$%d" % (heads_row, heads_row))
    ps = ws.page_setup
    c.eq("orientation", ps.orientation, "landscape")
    c.eq("paper (9 is A4)", str(ps.paperSize), "9")
    # issue 16: the return is too wide for one page at 9pt (its 60-character
    # commentary and action columns), so it is not shrunk to fit: it prints
    # at 82% (11pt text at 9pt), running onto a second page across with the
    # headings and the codes repeated; print.py checks every workbook so
    c.true("not shrunk to one page wide", not ws.sheet_properties.pageSetUpPr
           or not ws.sheet_properties.pageSetUpPr.fitToPage)
    c.eq("printed at 82%", ps.scale, 82)
    c.eq("codes repeat on each page across", ws.print_title_cols, "$A:$A")
    c.eq("header left", ws.oddHeader.left.text, org.replace("&", "&&"))
    c.eq("header right", ws.oddHeader.right.text, "Housing KPI return %s" % period)
    c.eq("footer centre", ws.oddFooter.center.text, "Page &P of &N")

    p = wb.properties
    c.eq("property title", p.title, "Housing KPI return %s" % period)
    c.eq("property subject", p.subject, "Quarterly housing key performance indicators")
    c.eq("property creator", p.creator, org)
    c.eq("property keywords", p.keywords, "housing, KPI, %s" % period)
    c.eq("property category", p.category, "KPI return")
    c.eq("created", p.created, created)
    c.eq("modified", p.modified, created)

    v = wb["Validation"]
    c.eq("Validation title", v["A1"].value,
         "Validation: %d warning%s, no errors" % (len(warnings), "" if len(warnings) == 1 else "s"))
    c.eq("Validation headings", [x.value for x in v[3]],
         ["File", "Row", "Column", "Field", "Code", "Rule", "Value", "Message"])
    if not warnings:
        c.eq("Validation says none", v["A4"].value, "The data passed every check without a warning.")
    got = [[x.value for x in row] for row in v.iter_rows(min_row=4)]
    want = [[os.path.basename(d["file"]), d["row"] or None, d["column"] or None, d.get("field"),
             d["code"], d.get("rule"), d.get("value") or None, d["message"]] for d in warnings]
    if warnings:
        c.eq("Validation rows are kpix validate's warnings", got, want)
        c.true("Validation row numbers are numbers", all(v.cell(row=4 + i, column=2).data_type == "n"
                                                         for i in range(len(warnings))))
    no_formulas(c, wb)
    return wb


def check_csv(c, path, rows, schema):
    x = export_of(schema, "council-csv")
    ind = {i["code"]: i for i in schema["indicators"]}
    raw = open(path, "rb").read()
    c.true("CSV has no byte-order mark", not raw.startswith(b"\xef\xbb\xbf"))
    c.true("CSV lines end with CRLF", raw.endswith(b"\r\n") and raw.count(b"\n") == raw.count(b"\r\n"))
    with open(path, newline="", encoding="utf-8") as f:
        out = list(csv.reader(f))
    c.eq("CSV header", out[0], [h["heading"] for h in x["columns"]])
    c.eq("CSV data rows", len(out) - 1, len(rows))
    head = out[0]
    for n, (r, o) in enumerate(zip(rows, out[1:])):
        c.where = "CSV line %d (%s %s): " % (n + 2, r["indicator"], r["breakdown"] or "whole")
        o = dict(zip(head, o))
        i = ind[r["indicator"]]
        places = i["decimals"]
        value, target = plain_number(r["value"]), plain_number(r["target"])
        want = {
            "organisation": r["organisation"], "period": r["period"], "indicator": r["indicator"],
            "indicator_title": i["title"], "breakdown": r["breakdown"], "unit": i["unit"],
            "polarity": i["polarity"],
            "numerator": str(plain_number(r["numerator"]) or ""),
            "denominator": str(plain_number(r["denominator"]) or ""),
            "value": fixed(value, places),
            "target": fixed(target, places) if target is not None else "",
            "variance": fixed(value - target, places) if target is not None else "",
            "rag": rag(schema, i, value, target),
            "commentary": ("'" if r["commentary"][:1] and r["commentary"][0] in FORMULA_START else "")
            + r["commentary"],
            "action": ("'" if r["action"][:1] and r["action"][0] in FORMULA_START else "") + r["action"],
        }
        c.eq("columns", list(o), list(want))
        for k in want:
            c.eq(k, o.get(k), want[k])
    c.where = ""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kpix", required=True)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    kpix = os.path.abspath(args.kpix)
    if not os.access(kpix, os.X_OK):
        ap.error("%s is not an executable file" % kpix)
    schema = json.load(open(SCHEMA, encoding="utf-8"))
    c = Checks(args.verbose)

    with tempfile.TemporaryDirectory(prefix="kpix-readback.") as tmp:
        # the council example; no SOURCE_DATE_EPOCH: dated by its period's end
        contact = "Performance team, performance@example.gov.uk, 01234 567890"
        rows = read_input(EXAMPLE)
        out = run_export(kpix, EXAMPLE, os.path.join(tmp, "example"), ["contact=" + contact])
        print("council example: %s" % os.path.basename(out["xlsx"]))
        check_workbook(c, out["xlsx"], rows, schema, contact, quarter_end(rows[0]["period"]), [])
        check_csv(c, out["csv"], rows, schema)

        # SOURCE_DATE_EPOCH, when set, dates the workbook instead
        out = run_export(kpix, EXAMPLE, os.path.join(tmp, "epoch"), ["contact=" + contact],
                         {"SOURCE_DATE_EPOCH": "1767225600"})
        print("council example with SOURCE_DATE_EPOCH=1767225600")
        wb = openpyxl.load_workbook(out["xlsx"])
        c.eq("created from SOURCE_DATE_EPOCH", wb.properties.created, datetime.datetime(2026, 1, 1))

        # warnings, formula-like text, an & in the organisation's name
        rows = read_input(WARNINGS)
        c.true("the fixture has commentary starting with =",
               any(r["commentary"].startswith("=") for r in rows))
        c.true("the fixture has a corrective action starting with +",
               any(r["action"].startswith("+") for r in rows))
        warnings = validate_warnings(kpix, WARNINGS)
        c.true("the fixture gives warnings", len(warnings) > 0)
        out = run_export(kpix, WARNINGS, os.path.join(tmp, "warnings"), ["contact=A. Officer & Co"])
        print("warnings fixture: %s" % os.path.basename(out["xlsx"]))
        check_workbook(c, out["xlsx"], rows, schema, "A. Officer & Co", quarter_end(rows[0]["period"]),
                       warnings)
        check_csv(c, out["csv"], rows, schema)

    print("read_exports: %d checks, %d failed" % (c.count, c.failed))
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
