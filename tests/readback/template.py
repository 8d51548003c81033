#!/usr/bin/python3
"""Reads back what `kpix template` writes, with openpyxl, and checks it
against the schema's JSON read here independently of kpix.

    /usr/bin/python3 tests/readback/template.py --kpix build/kpix

For the shipped council-kpi-quarterly schema and for the edge-case schema
beside this file (one field for each kind of check):

  - both files are written, and nothing but "kpix: wrote" lines reach the
    terminal (libxlsxwriter warns there about texts over Excel's limits);
  - the same bytes come out in another directory, time zone and working
    directory; SOURCE_DATE_EPOCH sets the workbook's date, else 1980-01-01;
  - the Data sheet holds the field names in row 1 and nothing else, frozen;
    every column has a hint on its heading and its cells, within Excel's
    limits, saying "required" exactly for the required fields;
  - each column's data validation is what the schema says: a dropdown of
    the enum, the catalogue's codes or a list's values (inline or on the
    hidden Lists sheet), whole/decimal/date/length limits, nothing else;
  - dates and text keep their shape (number formats); no cell anywhere
    holds a formula; the Guide lists every field, Indicators every code;
  - the CSV template is exactly the header, and `kpix validate` finds it
    valid with no data rows;
  - valid data passes every check Excel makes, as Excel would judge the
    text typed, and the CSV template filled with it validates; values the
    validator refuses are refused by Excel where a check can tell.

openpyxl belongs to Debian's python3-openpyxl, hence /usr/bin/python3.
Exit status 0 when every check passes, 1 otherwise.
"""

import argparse
import csv
import datetime
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import openpyxl

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
COUNCIL = os.path.join(ROOT, "schemas", "council-kpi-quarterly.json")
EDGES = os.path.join(HERE, "template-edges.json")
LAST_ROW = 1048576

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL " + what)
    return cond


def run(kpix, args, cwd=ROOT, tz="UTC", epoch=None):
    env = dict(os.environ, KPIX_SCHEMA_PATH=os.path.join(ROOT, "schemas"), LC_ALL="C", TZ=tz)
    env.pop("SOURCE_DATE_EPOCH", None)
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = str(epoch)
    return subprocess.run([kpix] + args, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=60)


def read(path):
    with open(path, "rb") as f:
        return f.read()


# ----------------------------------------------------- what the schema says


def fk_values(schema, name):
    """The values of a one-field foreign key on the field, or None."""
    for fk in schema.get("foreignKeys", []):
        fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
        if fields != [name]:
            continue
        res = fk["reference"]["resource"]
        ref = fk["reference"]["fields"]
        ref = ref[0] if isinstance(ref, list) else ref
        if res == "#indicators":
            return [i["code"] for i in schema["indicators"]]
        if res.startswith("#"):
            return [str(item[ref]) for item in schema["lists"][res[1:]]]
    return None


def num(v):
    """A number as Excel keeps it in a check's formula."""
    return float(v)


def excel_day(text):
    d = datetime.date.fromisoformat(text)
    return (d - datetime.date(1899, 12, 30)).days


def expected_check(schema, f):
    """(type, operator, values or bounds, warning) the Data sheet must hold."""
    c = f.get("constraints", {})
    t = f.get("type", "string")
    if "enum" in c:
        return ("list", None, [str(v) for v in c["enum"]], False)
    vals = fk_values(schema, f["name"])
    if vals is not None:
        return ("list", None, vals, False)
    if f["name"] == schema.get("indicatorField"):
        return ("list", None, [i["code"] for i in schema["indicators"]], True)
    if t == "boolean":
        vals = f.get("trueValues", []) + f.get("falseValues", [])
        return ("list", None, vals or ["TRUE", "FALSE"], False)
    lo, hi = c.get("minimum"), c.get("maximum")
    if t in ("integer", "number"):
        kind = "whole" if t == "integer" else "decimal"
        if lo is not None and hi is not None:
            return (kind, None, (num(lo), num(hi)), False)
        if lo is not None:
            return (kind, "greaterThanOrEqual", (num(lo),), False)
        if hi is not None:
            return (kind, "lessThanOrEqual", (num(hi),), False)
        return (kind, None, (-1e307, 1e307), False)
    if t == "year":
        return ("whole", None, (max(num(lo or 1000), 1000), min(num(hi or 9999), 9999)), False)
    if t == "date":
        return ("date", None, (excel_day(lo) if lo else 1, excel_day(hi) if hi else 2958465),
                False)
    lo, hi = c.get("minLength"), c.get("maxLength")
    if lo is not None and hi is not None:
        return ("textLength", None, (lo, hi), False)
    if lo is not None:
        return ("textLength", "greaterThanOrEqual", (lo,), False)
    if hi is not None:
        return ("textLength", "lessThanOrEqual", (hi,), False)
    return (None, None, None, False)


def expected_format(f):
    t = f.get("type", "string")
    if t in ("string", "yearmonth"):
        return "@"
    if t == "date":
        fmt = f.get("format", "default")
        if fmt in ("default", "any"):
            return "yyyy\\-mm\\-dd"
        out = fmt.replace("%d", "dd").replace("%m", "mm").replace("%Y", "yyyy")
        return re.sub(r"([^a-zA-Z ])", r"\\\1", out)
    return "General"


# --------------------------------------------------------- what Excel does


def list_values(wb, dv):
    f = dv.formula1
    if f.startswith('"'):
        return f[1:-1].split(",")
    m = re.fullmatch(r"'?([^'!]+)'?!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", f)
    if not m:
        return None
    ws = wb[m.group(1)]
    col = openpyxl.utils.column_index_from_string(m.group(2))
    return [ws.cell(row=r, column=col).value for r in range(int(m.group(3)), int(m.group(5)) + 1)]


def typed_number(text):
    """What Excel makes of text typed into a cell, when it makes a number."""
    t = text.strip().replace(",", "")
    scale = 1
    if t.startswith("£"):
        t = t[1:]
    if t.endswith("%"):
        t, scale = t[:-1], 0.01
    try:
        return float(t) * scale
    except ValueError:
        return None


def typed_date(text, fmt):
    for pattern in ([fmt] if fmt else []) + ["%Y-%m-%d"]:
        try:
            d = datetime.datetime.strptime(text, pattern).date()
            return (d - datetime.date(1899, 12, 30)).days
        except ValueError:
            pass
    return None


def excel_accepts(wb, dv, text, date_format=None):
    if dv is None or dv.type is None or text == "":
        return True
    if dv.type == "list":
        return text in (list_values(wb, dv) or [])
    if dv.type in ("decimal", "whole"):
        v = typed_number(text)
        if v is None or (dv.type == "whole" and v != int(v)):
            return False
    elif dv.type == "date":
        v = typed_date(text, date_format)
        if v is None:
            return False
    elif dv.type == "textLength":
        v = len(text)
    else:
        return False
    a = float(dv.formula1)
    op = dv.operator or "between"
    if op == "between":
        return a <= v <= float(dv.formula2)
    if op == "greaterThanOrEqual":
        return v >= a
    if op == "lessThanOrEqual":
        return v <= a
    return False


# ------------------------------------------------------------------ checks


def make(kpix, schema_ref, out, **kw):
    r = run(kpix, ["template", "--schema", schema_ref, "--out", out], **kw)
    check(r.returncode == 0, "%s: kpix template exits 0, not %d: %s" % (schema_ref, r.returncode,
                                                                          r.stderr))
    lines = r.stderr.splitlines()
    check(all(line.startswith("kpix: wrote ") for line in lines) and len(lines) == 2,
          "%s: only the 'wrote' lines on the terminal, not %r" % (schema_ref, r.stderr))
    return r


def check_same_bytes(kpix, schema_ref, sid, tmp):
    a = os.path.join(tmp, "a")
    b_cwd = os.path.join(tmp, "elsewhere")
    os.makedirs(os.path.join(b_cwd, "deeper"))
    make(kpix, schema_ref, a)
    make(kpix, schema_ref if "/" not in schema_ref else os.path.abspath(schema_ref),
         "deeper/b", cwd=b_cwd, tz="Pacific/Auckland")
    for ext in ("csv", "xlsx"):
        name = "%s-template.%s" % (sid, ext)
        check(read(os.path.join(a, name)) == read(os.path.join(b_cwd, "deeper", "b", name)),
              "%s: the same bytes in another directory and time zone" % name)
    return a


def check_workbook(kpix, schema, path):
    sid = schema["id"]
    fields = schema["fields"]
    wb = openpyxl.load_workbook(path)
    want_sheets = ["Data", "Guide"] + (["Indicators"] if schema.get("indicators") else [])
    names = [n for n in wb.sheetnames if wb[n].sheet_state == "visible"]
    check(names == want_sheets, "%s: visible sheets %r, not %r" % (sid, want_sheets, names))
    check(wb.active.title == "Data", "%s: the Data sheet opens first" % sid)
    check(wb.properties.created == datetime.datetime(1980, 1, 1),
          "%s: created 1980-01-01 without SOURCE_DATE_EPOCH, not %s" % (sid, wb.properties.created))

    ws = wb["Data"]
    heads = [c.value for c in ws[1]]
    check(heads == [f["name"] for f in fields], "%s: headings %r" % (sid, heads))
    check(ws.max_row == 1, "%s: the Data sheet holds the headings only" % sid)
    check(ws.freeze_panes == "A2", "%s: the headings are frozen" % sid)

    head_dv, cell_dv = {}, {}
    for dv in ws.data_validations.dataValidation:
        for rng in str(dv.sqref).split():
            m = (re.fullmatch(r"(?P<c>[A-Z]+)1", rng) or
                 re.fullmatch(r"(?P<c>[A-Z]+)2:(?P=c)" + str(LAST_ROW), rng))
            if not check(m, "%s: a check on a whole column or its heading, not %s" % (sid, rng)):
                continue
            (head_dv if rng.endswith("1") and ":" not in rng else cell_dv)[m.group(1)] = dv

    for i, f in enumerate(fields):
        col = openpyxl.utils.get_column_letter(i + 1)
        where = "%s column %s (%s)" % (sid, col, f["name"])
        title = f.get("title", f["name"])
        required = f.get("constraints", {}).get("required", False)
        for dv in (head_dv.get(col), cell_dv.get(col)):
            if not check(dv is not None, where + ": a hint on the heading and on the cells"):
                continue
            check(dv.promptTitle == (title if len(title) <= 32 else title[:31] + "\u2026"),
                  where + ": hint title %r" % dv.promptTitle)
            check(dv.prompt and len(dv.prompt) <= 255, where + ": a hint of at most 255 characters")
            check(("required" in dv.prompt) == required,
                  where + ": the hint says 'required' only of a required field")
            if len(dv.prompt) == 255:
                check(dv.prompt.endswith("\u2026"), where + ": a hint cut short ends in '…'")
        head = head_dv.get(col)
        check(head is None or head.type is None, where + ": the heading itself is not checked")
        dv = cell_dv.get(col)
        if dv is None:
            continue
        kind, op, vals, warn = expected_check(schema, f)
        check(dv.type == kind, where + ": check %r, not %r" % (kind, dv.type))
        check((dv.errorStyle or "stop") == ("warning" if warn else "stop"),
              where + ": error style %r" % dv.errorStyle)
        if kind == "list":
            got = list_values(wb, dv)
            check(got == vals, where + ": dropdown %r, not %r (%s)" % (vals, got, dv.formula1))
            inline = len(",".join(vals)) <= 255 and not any("," in v or '"' in v for v in vals)
            check(dv.formula1.startswith('"') == inline,
                  where + ": a list inline only when it fits, else on the Lists sheet")
        elif kind is not None:
            got = tuple(float(x) for x in (dv.formula1, dv.formula2) if x is not None)
            check(got == tuple(float(v) for v in vals) and dv.operator == op,
                  where + ": %s %s %r, not %s %r" % (kind, op, vals, dv.operator, got))
        fmt = ws.column_dimensions[col].number_format
        check(fmt == expected_format(f), where + ": number format %r, not %r"
              % (expected_format(f), fmt))

    if "Lists" in wb.sheetnames:
        check(wb["Lists"].sheet_state == "hidden", sid + ": the Lists sheet is hidden")

    for name in wb.sheetnames:
        for row in wb[name].iter_rows():
            for c in row:
                check(c.data_type != "f" and not (isinstance(c.value, str) and
                                                  c.value.startswith("=")),
                      "%s: no formula, but %s!%s holds %r" % (sid, name, c.coordinate, c.value))

    guide = [r for r in wb["Guide"].iter_rows(values_only=True)]
    at = [i for i, r in enumerate(guide) if r[:2] == ("Column", "Heading")]
    if check(len(at) == 1, sid + ": the Guide has one table of fields"):
        rows = guide[at[0] + 1:at[0] + 1 + len(fields)]
        check([r[1] for r in rows] == [f["name"] for f in fields],
              sid + ": the Guide lists every field in order")
        check([r[3] for r in rows] ==
              ["Yes" if f.get("constraints", {}).get("required") else "No" for f in fields],
              sid + ": the Guide says which fields are required")
    if schema.get("indicators"):
        codes = [r[0] for r in wb["Indicators"].iter_rows(min_row=2, values_only=True)]
        check(codes == [i["code"] for i in schema["indicators"]],
              sid + ": the Indicators sheet lists the catalogue")
    return wb, cell_dv


def check_filled(kpix, schema, schema_ref, out, wb, cell_dv, rows, name):
    """Every value passes the Data sheet's checks, and the CSV template
    with the rows appended validates."""
    sid = schema["id"]
    for r, row in enumerate(rows):
        for i, f in enumerate(schema["fields"]):
            col = openpyxl.utils.get_column_letter(i + 1)
            fmt = f.get("format") if f.get("format") not in (None, "default", "any") else None
            check(excel_accepts(wb, cell_dv.get(col), row[i], fmt),
                  "%s: Excel takes %r in %s of %s row %d" % (sid, row[i], f["name"], name, r + 2))
    header = read(os.path.join(out, sid + "-template.csv"))
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    filled = os.path.join(out, "filled.csv")
    with open(filled, "wb") as f:
        f.write(header + buf.getvalue().encode("utf-8"))
    r = run(kpix, ["validate", filled, "--schema", schema_ref])
    check(r.returncode == 0 and r.stdout.startswith("valid:"),
          "%s: the template filled with %s validates: %s" % (sid, name, r.stdout[-600:]))


def check_refused(schema, wb, cell_dv, field, text):
    i = [f["name"] for f in schema["fields"]].index(field)
    col = openpyxl.utils.get_column_letter(i + 1)
    check(not excel_accepts(wb, cell_dv.get(col), text),
          "%s: Excel refuses %r in %s" % (schema["id"], text[:40], field))


def check_csv(kpix, schema, schema_ref, out):
    sid = schema["id"]
    path = os.path.join(out, sid + "-template.csv")
    want = ",".join(f["name"] for f in schema["fields"]) + "\r\n"
    check(read(path) == want.encode("utf-8"), "%s: the CSV is the header alone" % sid)
    r = run(kpix, ["validate", path, "--schema", schema_ref])
    check(r.returncode == 0 and "0 data rows read" in r.stdout and "0 errors, 0 warnings" in r.stdout,
          "%s: the header alone validates with no problem: %s" % (sid, r.stdout))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kpix", required=True)
    kpix = os.path.abspath(ap.parse_args().kpix)
    tmp = tempfile.mkdtemp(prefix="kpix-template-readback-")
    try:
        # the shipped council return
        council = json.load(open(COUNCIL, encoding="utf-8"))
        out = check_same_bytes(kpix, "council-kpi-quarterly", council["id"], os.path.join(tmp, "c"))
        check_csv(kpix, council, "council-kpi-quarterly", out)
        wb, dvs = check_workbook(kpix, council, os.path.join(out, council["id"] + "-template.xlsx"))
        with open(os.path.join(ROOT, "examples", "council-kpi-quarterly", "q2-2025-26.csv"),
                  newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))[1:]
        check_filled(kpix, council, "council-kpi-quarterly", out, wb, dvs, rows,
                     "the clean example return")
        check_refused(council, wb, dvs, "indicator", "RENTO1")
        check_refused(council, wb, dvs, "value", "TBC")
        check_refused(council, wb, dvs, "numerator", "-5")
        check_refused(council, wb, dvs, "commentary", "x" * 2001)

        epoch = os.path.join(tmp, "epoch")
        make(kpix, "council-kpi-quarterly", epoch, epoch=1700000000)
        created = openpyxl.load_workbook(os.path.join(epoch, council["id"] + "-template.xlsx"))
        check(created.properties.created == datetime.datetime(2023, 11, 14, 22, 13, 20),
              "SOURCE_DATE_EPOCH sets the workbook's date, not %s" % created.properties.created)

        # one field for each kind of check
        edges = json.load(open(EDGES, encoding="utf-8"))
        out = check_same_bytes(kpix, EDGES, edges["id"], os.path.join(tmp, "e"))
        check_csv(kpix, edges, EDGES, out)
        wb, dvs = check_workbook(kpix, edges, os.path.join(out, edges["id"] + "-template.xlsx"))
        row = ["North, upper", "Area 07", "2", "15/06/2024", "2024-06-30", "Yes", "TRUE", "1965",
               "120", "0.5", "AB12", "K1", "fine"]
        check_filled(kpix, edges, EDGES, out, wb, dvs, [row], "one valid row")
        for field, text in [("site", "West"), ("area", "Area 61"), ("grade", "4"),
                            ("opened", "31/12/2019"),
                            ("inspected", "TBC"), ("checked", "Maybe"), ("built", "1899"),
                            ("homes", "1.5"), ("homes", "100001"), ("ratio", "2"),
                            ("code", "A"), ("code", "ABCDEFGHI"), ("kpi", "K3")]:
            check_refused(edges, wb, dvs, field, text)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d failed" % len(failures) if failures else "template readback: all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
