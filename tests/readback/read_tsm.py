#!/usr/bin/python3
"""Reads back the TSM return that `kpix export` writes for the regulator.

    /usr/bin/python3 tests/readback/read_tsm.py --kpix build/kpix [--verbose]

Exports examples/rsh-tsm/tsm-2024-25.csv (with last year's file for
--previous) into a temporary directory, then reads the CSV with Python's csv
module and the workbook with openpyxl, and checks them against the input
rows and the facts in DOMAIN.md, worked out here:

- the CSV is one row: ProviderNumber, ProviderType, then one column per
  measure, part and tenure named <CODE>[_<part>]_Calculated_Value[_<TENURE>]
  (the regulator's 2024/25 naming), holding the input's value to 1 decimal;
- the workbook has the sheets Table_Coverage, TSM25_LCRA_Perception,
  TSM25_LCHO_Perception, TSM25_Management_Info (and Validation), headings on
  row 3 and the landlord on row 4, every figure a number (never text)
  shown with one decimal, the perception sheets holding exactly the
  perception measures of their tenure, the management sheet's headings
  prefixed 'LCRA - ', 'LCHO - ' or 'Combined - ' with the code in brackets;
- the required minimum sample is n0 / (1 + (n0 - 1) / N) rounded up, with
  n0 = 1.96^2 * 0.25 / e^2 and e from the regulator's bands (8,797 homes at
  +/-4% needs 562);
- the workbook is dated 31 March 2025, the end of the return's year;
- no cell holds a formula.

Exit status: 0 when every check passes, 1 when any fails, 2 on a usage
problem.
"""

import argparse
import csv
import datetime
import decimal
import math
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from read_exports import Checks, no_formulas, openpyxl, ROOT  # noqa: E402

import subprocess  # noqa: E402

DATA = os.path.join(ROOT, "examples", "rsh-tsm", "tsm-2024-25.csv")
PREVIOUS = os.path.join(ROOT, "examples", "rsh-tsm", "tsm-2023-24.csv")
PARAMS = {"provider_code": "X0001", "provider_name": "Example Borough Council", "provider_type": "LARP",
          "survey_timing": "October and November 2024", "contractor": "=HYPERLINK(\"http://example.com\")"}
CONTEXT = ("HOMES", "POPULATION", "SAMPLE")


def number(text):
    t = text.replace(",", "").strip()
    return decimal.Decimal(t) if t else None


def one_decimal(d):
    return d.quantize(decimal.Decimal("0.1"), rounding=decimal.ROUND_HALF_UP)


def min_sample(n):
    e = 0.05 if n < 2500 else 0.04 if n < 10000 else 0.03 if n < 25000 else 0.02
    n0 = 1.96 * 1.96 * 0.25 / (e * e)
    return math.ceil(round(n0 / (1 + (n0 - 1) / n), 9))


def run_export(kpix, out):
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env.update({"LC_ALL": "C", "TZ": "UTC"})
    cmd = [kpix, "export", DATA, "--schema", os.path.join(ROOT, "schemas", "rsh-tsm.json"),
           "--previous", PREVIOUS, "--out", out, "-q"]
    for k, v in PARAMS.items():
        cmd += ["--param", "%s=%s" % (k, v)]
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        sys.stderr.write("read_tsm.py: %s exited with %d:\n%s%s" % (" ".join(cmd), r.returncode,
                                                                 r.stdout, r.stderr))
        sys.exit(1)
    code = PARAMS["provider_code"]
    return (os.path.join(out, "tsm-2024-25-%s.csv" % code), os.path.join(out, "tsm-2024-25-%s.xlsx" % code))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kpix", required=True)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    kpix = os.path.abspath(args.kpix)
    if not os.access(kpix, os.X_OK):
        ap.error("%s is not an executable file" % kpix)
    c = Checks(args.verbose)
    with open(DATA, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    # figures by (measure, part, tenure), and the survey's size by tenure
    fig = {(r["measure"], r["part"], r["tenure"]): number(r["value"]) for r in rows}
    size = {(m, t): int(v) for (m, p, t), v in fig.items() if m in CONTEXT}
    measures = [k for k in fig if k[0] not in CONTEXT]  # in the input's order

    with tempfile.TemporaryDirectory(prefix="kpix-readback-tsm.") as tmp:
        csv_path, xlsx_path = run_export(kpix, os.path.join(tmp, "out"))

        c.where = "CSV: "
        with open(csv_path, newline="", encoding="utf-8") as f:
            out = list(csv.reader(f))
        c.eq("one heading row and one data row", len(out), 2)
        got = dict(zip(out[0], out[1]))
        c.eq("ProviderNumber", got.get("ProviderNumber"), "X0001")
        c.eq("ProviderType", got.get("ProviderType"), "LARP")
        want_heads = ["ProviderNumber", "ProviderType"]
        for m, p, t in measures:
            head = "%s%s_Calculated_Value%s" % (m, "_" + p if p else "", "_" + t if t else "")
            want_heads.append(head)
            c.eq(head, got.get(head), str(one_decimal(fig[(m, p, t)])))
        c.eq("the columns are exactly the measures, parts and tenures given",
             sorted(out[0]), sorted(want_heads))
        # TP01 and TP05-TP12 for 2 tenures (18), TP02-TP04 (3), RP01 (1), RP02 (2),
        # BS01-BS05 (5), CH01 and CH02 in 2 parts for 2 tenures (8), NM01 (2)
        c.eq("39 measure columns (22 measures, their parts and tenures)", len(out[0]) - 2, 39)

        wb = openpyxl.load_workbook(xlsx_path)
        c.where = "workbook: "
        c.eq("sheet names", wb.sheetnames, ["Table_Coverage", "TSM25_LCRA_Perception",
                                            "TSM25_LCHO_Perception", "TSM25_Management_Info",
                                            "Summary_of_Approach", "Validation"])
        c.eq("dated the end of the return's year", wb.properties.created, datetime.datetime(2025, 3, 31))
        no_formulas(c, wb)
        for ws in wb.worksheets[:5]:
            c.where = "%s: " % ws.title
            c.eq("headings on row 3, the landlord on row 4", ws.max_row, 4)
            c.eq("A3", ws["A3"].value, "Landlord name")
            c.eq("landlord name", ws["A4"].value, "Example Borough Council")
            c.eq("landlord code, as text", (ws["B4"].value, ws["B4"].data_type), ("X0001", "s"))
            c.eq("landlord type", ws["C4"].value, "LARP")
            c.eq("headings stay in view", ws.freeze_panes, "A4")

        def row(ws):
            return {ws.cell(3, col).value: ws.cell(4, col) for col in range(1, ws.max_column + 1)}

        c.where = "Table_Coverage: "
        cov = row(wb["Table_Coverage"])
        for t in ("LCRA", "LCHO"):
            for head, want in (("Social homes owned (%s)" % t, size[("HOMES", t)]),
                               ("Relevant tenant population size (%s)" % t, size[("POPULATION", t)]),
                               ("Required minimum sample size (%s)" % t, min_sample(size[("POPULATION", t)])),
                               ("Total sample size achieved (%s)" % t, size[("SAMPLE", t)])):
                cell = cov.get(head)
                c.eq(head, (cell.value, cell.data_type, cell.number_format) if cell else None,
                     (want, "n", "#,##0"))
        c.eq("8,797 homes at +/-4% need 562 responses", min_sample(8797), 562)

        for t in ("LCRA", "LCHO"):
            ws = wb["TSM25_%s_Perception" % t]
            c.where = "%s: " % ws.title
            cells = row(ws)
            want = [(m, p) for m, p, tt in measures if m.startswith("TP") and tt == t]
            heads = [h for h in cells if h and h.endswith(")") and h[-5:-1].startswith("TP")]
            c.eq("the perception measures of %s, in order" % t, [h[-5:-1] for h in heads],
                 [m for m, p in want])
            for h in heads:
                cell = cells[h]
                c.eq(h, (cell.value, cell.data_type, cell.number_format),
                     (float(one_decimal(fig[(h[-5:-1], "", t)])), "n", "#,##0.0"))
            c.eq("population", cells["Relevant tenant population size (%s)" % t].value,
                 size[("POPULATION", t)])
            c.eq("minimum sample", cells["Required minimum sample size"].value,
                 min_sample(size[("POPULATION", t)]))

        ws = wb["TSM25_Management_Info"]
        c.where = "%s: " % ws.title
        cells = row(ws)
        mi = [(m, p, t) for m, p, t in measures if not m.startswith("TP")]
        heads = list(cells)[3:]
        # a heading reads 'LCRA - <title> (CH01 1)': tenure, then code and part
        tenure_of = {"LCRA - ": "LCRA", "LCHO - ": "LCHO", "Combined - ": ""}
        seen = []
        for h in heads:
            prefix = next((k for k in tenure_of if h.startswith(k)), None)
            inner = h[h.rfind("(") + 1:-1].split(" ") if h.endswith(")") else []
            c.true("%r is prefixed with its tenure and ends with its code in brackets" % h,
                   prefix is not None and len(inner) in (1, 2))
            if prefix is None or len(inner) not in (1, 2):
                continue
            key = (inner[0], inner[1] if len(inner) == 2 else "", tenure_of[prefix])
            seen.append(key)
            cell = cells[h]
            c.eq(h, (cell.value, cell.data_type, cell.number_format),
                 (float(one_decimal(fig[key])), "n", "#,##0.0") if key in fig else "a figure of the input")
        c.eq("one column per management measure, part and tenure", sorted(seen), sorted(mi))

        c.where = "Summary_of_Approach: "
        cells = row(wb["Summary_of_Approach"])
        c.eq("survey timing, as given", cells["Survey timing"].value, PARAMS["survey_timing"])
        c.eq("formula-like text kept as text", (cells["External contractor"].value,
                                                cells["External contractor"].data_type),
             (PARAMS["contractor"], "s"))
        c.eq("a part not given is empty", cells["Incentives"].value, None)
        c.eq("achieved samples", (cells["Total sample size achieved (LCRA)"].value,
                                  cells["Total sample size achieved (LCHO)"].value),
             (size[("SAMPLE", "LCRA")], size[("SAMPLE", "LCHO")]))

        c.where = "Validation: "
        ws = wb["Validation"]
        c.eq("the one warning: TP09 moved from last year", (ws["E4"].value, ws["F4"].value, ws["B4"].value),
             ("row-constraint", "TSM-MOVED", 15))

    print("read_tsm: %d checks, %d failed" % (c.count, c.failed))
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
