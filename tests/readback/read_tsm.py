#!/usr/bin/python3
"""Reads back the TSM return that `kpix export` writes for the regulator.

    /usr/bin/python3 tests/readback/read_tsm.py --kpix build/kpix [--verbose]

Exports the two clean examples in examples/rsh-tsm/ with the schema
rsh-tsm-2024-25 (the council's with last year's file for --previous), then
reads what kpix wrote with Python's csv module and openpyxl and checks it
against the input and against arithmetic worked out here, independently of
kpix, with Python's decimal module:

- data points CSV: the header; one row per data point, in the form's order
  (the schema's catalogue); every row of the input there with its value;
  every other row a value the regulator calculates, and exactly those whose
  counts the return gives (no LCHO for the council, no BS05 where it does not
  apply);
- each calculated value equal to this script's own: a perception measure is
  (very + fairly satisfied) / the five substantive answers x 100, 'not
  applicable/don't know' left out; BS, RP and CH02 numerator / denominator
  x 100; CH01 and NM01 x 1,000; all to 1 decimal place, halves away from
  zero; the required minimum sample n0 x N / (N + n0), n0 = 1.96^2 x 0.25 /
  e^2, to 2 decimal places (8,797 tenants at 4% need 561.91);
- data points workbook: the landlord's details, headings on row 7 and the
  CSV's rows below them, each value a number where the CSV's is one;
- regulator-layout workbook: the sheets Table_Coverage, the three perception
  tables and TSM25_Management_Info (and Validation), Table_Coverage's Yes/No
  per table, each table's headings on row 3 exactly the regulator's data
  dictionary's for that table (tools/rsh-tsm/tsm-2024-25-data-dictionary.txt,
  whitespace normalised), and, in each table Table_Coverage says Yes to, one
  row for the landlord with under each heading that names a data point the
  value the data points CSV gives it (empty when it gives none); a table it
  says No to has its headings and no row, as the regulator's dataset has no
  row for a landlord in a table that does not cover it;
- the council's Validation sheets list the one warning, TP09 moving more than
  10 points from last year; no cell holds a formula.

Exit status: 0 when every check passes, 1 when any fails, 2 on a usage
problem.
"""

import argparse
import csv
import decimal
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from read_exports import Checks, no_formulas, openpyxl, ROOT  # noqa: E402

D = decimal.Decimal
EXAMPLES = os.path.join(ROOT, "examples", "rsh-tsm")
SCHEMA = os.path.join(ROOT, "schemas", "rsh-tsm-2024-25.json")
DICTIONARY = os.path.join(ROOT, "tools", "rsh-tsm", "tsm-2024-25-data-dictionary.txt")
TABLES = ["TSM25_LCRA_Perception", "TSM25_LCHO_Perception", "TSM25_Combined_Perception", "TSM25_Management_Info"]

CASES = [
    {"name": "council", "data": "tsm-2024-25-council.csv", "previous": "tsm-2023-24-council.csv",
     "params": {"provider_code": "X0001", "provider_name": "Example Borough Council", "provider_type": "LA"},
     "coverage": ["Yes", "No", "No", "Yes"],
     "warnings": [("TSM-MOVED-TP09-SATISFIED-CALC-LCRA", "35.1")]},
    {"name": "association", "data": "tsm-2024-25-association.csv", "previous": None,
     "params": {"provider_code": "X0002", "provider_name": "Example Housing Association", "provider_type": "PRP"},
     "coverage": ["Yes", "Yes", "No", "Yes"],
     "warnings": []},
]


def number(text):
    try:
        return D(text)
    except decimal.InvalidOperation:
        return None


def rounded(d, places):
    return d.quantize(D(1).scaleb(-places), rounding=decimal.ROUND_HALF_UP)


def own_calculations(fig):
    """The values the regulator calculates, worked out here from the counts in
    fig (data point name -> Decimal or text): name -> text, to the decimals
    kpix writes. A value whose counts the return does not give is absent."""
    out = {}
    for s in "abc":
        n = fig.get("Relevant_ten_pop_size_" + s)
        if n is None:
            continue
        e = D("0.05") if n < 2500 else D("0.04") if n < 10000 else D("0.03") if n < 25000 else D("0.02")
        n0 = D("1.96") ** 2 * D("0.25") / (e * e)
        out["Required_min_sample_" + s] = str(rounded(n0 * n / (n + n0), 2))
        # the regulator's estimate of the margin of error achieved (p = 0.5)
        got = fig.get("Total_sample_size_" + s)
        if got and n > 1:
            out["Margin_of_error_" + s] = str(rounded(D("1.96") * (D("0.25") / got * (n - got) / (n - 1)).sqrt() * 100, 1))
    for name in list(fig):
        m = re.fullmatch(r"(TP\d\d)_VS_(LCRA|LCHO|COMB)", name)
        if m:
            code, ten = m.groups()
            parts = [fig.get("%s_%s_%s" % (code, k, ten)) for k in ("VS", "FS", "NSD", "FD", "VD")]
            if None not in parts and sum(parts):
                out["%s_Satisfied_Calc_%s" % (code, ten)] = str(rounded((parts[0] + parts[1]) * 100 / sum(parts), 1))
            continue
        m = re.fullmatch(r"((BS0\d|RP01|RP02_\d|CH0\d_\d|NM01_\d)_)Numerator(_LCRA|_LCHO|_COMB)?", name)
        if m:
            head, code, ten = m.group(1), m.group(2), m.group(3) or ""
            num, den = fig[name], fig.get(head + "Denominator" + ten)
            per = 1000 if code.startswith(("CH01", "NM01")) else 100
            if den:
                out[head + "Calculated_Value" + ten] = str(rounded(num * per / den, 1))
    return out


def read_dictionary():
    """Table -> [(heading, data field name)] from the regulator's dictionary."""
    tables = {}
    with open(DICTIONARY, encoding="utf-8") as f:
        for line in f:
            p = [x.strip() for x in line.rstrip("\n").split(" | ")]
            if len(p) >= 3 and p[0] in TABLES:
                heading = re.sub(r"\s+", " ", p[1].replace("\u200b", "")).strip()
                tables.setdefault(p[0], []).append((heading, p[2]))
    return tables


def same_value(cell, text):
    """Whether a workbook cell holds what the CSV writes as text."""
    if text == "":
        return cell is None
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return number(text) is not None and D(repr(cell)) == number(text)
    return cell == text


def run_export(kpix, case, out):
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env.update({"LC_ALL": "C", "TZ": "UTC"})
    cmd = [kpix, "export", os.path.join(EXAMPLES, case["data"]), "--schema", SCHEMA, "--out", out, "-q"]
    if case["previous"]:
        cmd += ["--previous", os.path.join(EXAMPLES, case["previous"])]
    for k, v in case["params"].items():
        cmd += ["--param", "%s=%s" % (k, v)]
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        sys.stderr.write("read_tsm.py: %s exited with %d:\n%s%s" % (" ".join(cmd), r.returncode,
                                                                 r.stdout, r.stderr))
        sys.exit(1)


def check_validation(c, ws, case):
    want = case["warnings"]
    c.eq("Validation: the count", ws["A1"].value,
         "Validation: %d warning%s, no errors" % (len(want), "" if len(want) == 1 else "s"))
    got = [(ws.cell(r, 6).value, ws.cell(r, 7).value) for r in range(4, ws.max_row + 1) if ws.cell(r, 6).value]
    c.eq("Validation: the warnings listed (rule, value)", got, want)


def p_name(case):
    return case["params"]["provider_name"]


def check_case(c, kpix, case, schema, dictionary, tmp):
    order = [i["code"] for i in schema["indicators"]]
    calculated = {i["code"] for i in schema["indicators"] if "calculate" in i}
    with open(os.path.join(EXAMPLES, case["data"]), newline="", encoding="utf-8") as f:
        given = {r["field"]: r["value"] for r in csv.DictReader(f)}
    fig = {k: (number(v) if number(v) is not None else v) for k, v in given.items()}
    mine = own_calculations(fig)
    code = case["params"]["provider_code"]
    out = os.path.join(tmp, case["name"])
    run_export(kpix, case, out)
    c.where = "%s: " % case["name"]
    c.eq("files written", sorted(os.listdir(out)),
         sorted(["manifest.json", "tsm-2024-25-%s-data-points.csv" % code,
                 "tsm-2024-25-%s-data-points.xlsx" % code, "tsm-2024-25-%s-regulator-layout.xlsx" % code,
                 "tsm-2024-25-%s-publication.csv" % code, "tsm-2024-25-%s-publication.html" % code]))
    c.eq("this script's calculated values are the schema's", set(mine) <= calculated, True)

    # the data points CSV
    c.where = "%s data points CSV: " % case["name"]
    with open(os.path.join(out, "tsm-2024-25-%s-data-points.csv" % code), newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    c.eq("header", rows[0], ["section", "question", "data_point", "field", "question_wording", "value"])
    rows = rows[1:]
    fields = [r[3] for r in rows]
    c.eq("each data point once, in the form's order", fields,
         sorted(set(fields), key=lambda k: order.index(k) if k in order else -1))
    value = {r[3]: r[5] for r in rows}
    for k, v in given.items():
        if k in calculated:
            c.eq("%s given as %s, kpix's own" % (k, v), value.get(k), mine.get(k))
        elif number(v) is not None:
            c.true("%s as given" % k, number(value.get(k, "")) == number(v), "%r against %r" % (value.get(k), v))
        else:
            c.eq("%s as given" % k, value.get(k), v)
    c.eq("the rows are the input's and the calculated values its counts give",
         sorted(fields), sorted(set(given) | set(mine)))
    for k in sorted(mine):
        c.eq("%s (worked out here: %s)" % (k, mine[k]), value.get(k), mine[k])
    for r in rows:
        ind = next(i for i in schema["indicators"] if i["code"] == r[3]) if r[3] in order else {}
        c.eq("%s: section, question, data point" % r[3], r[:3],
             [ind.get("section", ""), ind.get("question", ""), ind.get("dataPoint", "")])

    # the publication page: its CSV's figures are the data points', in the form's order, every
    # calculated measure among them; the page shows each
    c.where = "%s publication: " % case["name"]
    with open(os.path.join(out, "tsm-2024-25-%s-publication.csv" % code), newline="", encoding="utf-8") as f:
        pub = list(csv.reader(f))
    c.eq("header", pub[0], ["field", "measure", "value", "unit"])
    pub = pub[1:]
    c.eq("the measures in the form's order", [r[0] for r in pub],
         sorted([r[0] for r in pub], key=lambda k: order.index(k)))
    for r in pub:
        c.eq("%s is the data points'" % r[0], r[2], value.get(r[0]))
    c.eq("every calculated measure with a value is published",
         sorted(k for k in mine if k.startswith(("TP", "BS", "RP", "CH", "NM")) and mine[k] != ""),
         sorted(r[0] for r in pub if r[0] in mine))
    with open(os.path.join(out, "tsm-2024-25-%s-publication.html" % code), encoding="utf-8") as f:
        page = f.read()
    c.true("the page is a web page for %s" % p_name(case), page.startswith("<!DOCTYPE html>"), page[:40])
    for r in pub:
        if r[0] in mine:
            c.true("the page shows %s's %s" % (r[0], r[2]), ">%s<" % r[2] in page, "")

    # the data points workbook
    wb = openpyxl.load_workbook(os.path.join(out, "tsm-2024-25-%s-data-points.xlsx" % code))
    c.where = "%s data points workbook: " % case["name"]
    c.eq("sheets", wb.sheetnames, ["Data points", "Validation"])
    no_formulas(c, wb)
    ws = wb["Data points"]
    p = case["params"]
    c.eq("the landlord", [ws.cell(r, 2).value for r in (3, 4, 5)],
         [p["provider_name"], p["provider_code"], p["provider_type"]])
    c.eq("the registration code is text", ws["B4"].data_type, "s")
    c.eq("headings on row 7", [ws.cell(7, col).value for col in range(1, 7)],
         ["Section", "Question", "Data point", "Data field name", "Question wording", "Value"])
    c.eq("one row per data point", ws.max_row - 7, len(rows))
    for n, r in enumerate(rows, 8):
        cells = [ws.cell(n, col).value for col in range(1, 7)]
        c.true("row %d is the CSV's %s" % (n, r[3]),
               all(same_value(cell, text) for cell, text in zip(cells, r)), "%r against %r" % (cells, r))
        c.true("row %d: %s is a number when the CSV's is" % (n, r[3]),
               number(r[5]) is None or isinstance(cells[5], (int, float)), "%r" % (cells[5],))
    check_validation(c, wb["Validation"], case)

    # the regulator's layout
    wb = openpyxl.load_workbook(os.path.join(out, "tsm-2024-25-%s-regulator-layout.xlsx" % code))
    c.where = "%s regulator layout: " % case["name"]
    c.eq("sheets", wb.sheetnames, ["Table_Coverage"] + TABLES + ["Validation"])
    no_formulas(c, wb)
    ws = wb["Table_Coverage"]
    c.eq("Table_Coverage headings", [ws.cell(3, col).value for col in range(1, 8)],
         ["Landlord name", "Landlord code", "Landlord type"] + TABLES)
    c.eq("Table_Coverage: the landlord and Yes/No per table", [ws.cell(4, col).value for col in range(1, 8)],
         [p["provider_name"], p["provider_code"], p["provider_type"]] + case["coverage"])
    for table, covered in zip(TABLES, case["coverage"]):
        ws = wb[table]
        c.where = "%s regulator layout, %s: " % (case["name"], table)
        heads = [ws.cell(3, col).value for col in range(1, ws.max_column + 1)]
        c.eq("headings on row 3 are the dictionary's", heads, [h for h, f in dictionary[table]])
        if covered != "Yes":
            c.eq("no row for the landlord in a table that does not cover it", ws.max_row, 3)
            continue
        c.eq("one row for the landlord", ws.max_row, 4)
        c.eq("the landlord", [ws.cell(4, col).value for col in (1, 2, 3)],
             [p["provider_name"], p["provider_code"], p["provider_type"]])
        for col, (h, f) in enumerate(dictionary[table], 1):
            if f in order:
                got = ws.cell(4, col).value
                c.true("%s (%s)" % (h, f), same_value(got, value.get(f, "")),
                       "%r against the data point's %r" % (got, value.get(f)))
    check_validation(c, wb["Validation"], case)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kpix", required=True)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    kpix = os.path.abspath(args.kpix)
    if not os.access(kpix, os.X_OK):
        ap.error("%s is not an executable file" % kpix)
    c = Checks(args.verbose)
    with open(SCHEMA, encoding="utf-8") as f:
        schema = json.load(f)
    dictionary = read_dictionary()
    c.eq("8,797 tenants at 4% need 561.91 responses",
         own_calculations({"Relevant_ten_pop_size_a": D(8797)})["Required_min_sample_a"], "561.91")
    c.eq("8,797 tenants, 634 responses: a margin of error of 3.7 points",
         own_calculations({"Relevant_ten_pop_size_a": D(8797), "Total_sample_size_a": D(634)})["Margin_of_error_a"], "3.7")
    c.eq("66.25 is rounded away from zero", own_calculations(
        {k + "_LCRA": D(v) for k, v in (("TP07_VS", 174), ("TP07_FS", 197), ("TP07_NSD", 101),
                                        ("TP07_FD", 56), ("TP07_VD", 32))})["TP07_Satisfied_Calc_LCRA"], "66.3")
    with tempfile.TemporaryDirectory(prefix="kpix-readback-tsm.") as tmp:
        for case in CASES:
            check_case(c, kpix, case, schema, dictionary, tmp)
    print("read_tsm: %d checks, %d failed" % (c.count, c.failed))
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
