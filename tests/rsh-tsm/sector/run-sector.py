#!/usr/bin/python3
"""The sector comparison (issue 13): kpix export --sector against an independent reckoning.

    tests/rsh-tsm/sector/run-sector.py --kpix KPIX [--real WORKBOOK]

Exports the association of examples/rsh-tsm (rsh-tsm-2024-25) with --sector, as the landlord L4240
(A2Dominion, whose own row in the dataset must be left out), against tsm-2023-24-sample.xlsx (a
small copy of the regulator's 2023/24 workbook in its layout: make-sample.py) and, with --real,
against the whole published workbook. Every row of the sector-comparison CSV is checked against
what this script works out itself from the workbook (openpyxl): the landlords with a numeric result
(text markers and a denominator not above 0 left out, the landlord's own row left out, each value
rounded half up to one place), the return's own value counted among them, the rank (1 the best,
ties sharing the better), the quartile (1 the best quarter), the lower quartile, median and upper
quartile as Excel's QUARTILE.INC gives them. Then: the publication page's appendix has a row for
each; without --sector there is neither CSV nor appendix and the other files are byte for byte
those of a run with it; --only sector-comparison without --sector and a workbook of another layout
are refused (exit 2, nothing written); kpix verify re-runs the export and verifies, and says
NOT verified when the sector file has changed. Prints the counts. Needs Debian's python3-openpyxl.
"""

import argparse
import csv
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from decimal import Decimal, ROUND_HALF_UP

import openpyxl

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
SCHEMA = os.path.join(ROOT, "schemas", "rsh-tsm-2024-25.json")
RETURN = os.path.join(ROOT, "examples", "rsh-tsm", "tsm-2024-25-association.csv")
SELF = "L4240"
PARAMS = ["--param", f"provider_code={SELF}", "--param", "provider_name=Example Housing Association",
          "--param", "provider_type=PRP"]
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print(f"FAIL: {what}", file=sys.stderr)


def kpix(binary, *args):
    return subprocess.run([binary, *args], capture_output=True, text=True)


def norm(text):
    return re.sub(r"\s+", " ", str(text).replace("\u00a0", " ")).strip()


def number(cell):
    if isinstance(cell, bool) or not isinstance(cell, (int, float)):
        return None
    return cell


def round1(x):
    return float(Decimal(repr(x)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def quartile_inc(xs, q):
    pos = (len(xs) - 1) * q
    lo = int(pos)
    frac = pos - lo
    return xs[lo] + frac * (xs[lo + 1] - xs[lo]) if lo + 1 < len(xs) else xs[lo]


def reckon(workbook, layout, own):
    """figure -> (values of the other landlords) from the workbook, by the schema's layout."""
    wb = openpyxl.load_workbook(workbook, read_only=True)
    values = {}
    for sheet in layout["sheets"]:
        rows = wb[sheet["name"]].iter_rows(min_row=sheet["headerRow"], values_only=True)
        heads = [norm(h) if h is not None else "" for h in next(rows)]
        key = heads.index("Landlord code")
        for row in rows:
            if len(row) <= key or not row[key] or row[key] == own:
                continue
            for col in sheet["columns"]:
                v = number(row[heads.index(norm(col["heading"]))])
                if v is None:
                    continue
                if "denominator" in col:
                    d = number(row[heads.index(norm(col["denominator"]))])
                    if d is None or d <= 0:
                        continue
                values.setdefault(col["figure"], []).append(round1(v))
    return values


def expected(others, v, better):
    xs = sorted(others + [v])
    low, med, up = (quartile_inc(xs, q) for q in (0.25, 0.5, 0.75))
    if better == "lower":
        rank = 1 + sum(1 for x in others if x < v)
        quart = 1 if v <= low else 2 if v <= med else 3 if v <= up else 4
    else:
        rank = 1 + sum(1 for x in others if x > v)
        quart = 1 if v >= up else 2 if v >= med else 3 if v >= low else 4
    return {"rank": rank, "landlords": len(xs), "quartile": quart, "lower_quartile": low,
            "median": med, "upper_quartile": up}


def compare(binary, workbook, label, tmp):
    schema = json.load(open(SCHEMA, encoding="utf-8"))
    polarity = {i["code"]: i.get("polarity", "none") for i in schema["indicators"]}
    out = os.path.join(tmp, label)
    r = kpix(binary, "export", RETURN, "--schema", SCHEMA, "--out", out, "--sector", workbook, "-q",
             *PARAMS)
    check(r.returncode == 0, f"{label}: export with --sector exit {r.returncode}: {r.stderr}")
    if r.returncode:
        return None
    name = [f for f in os.listdir(out) if f.endswith("-sector-comparison.csv")]
    check(len(name) == 1, f"{label}: one sector-comparison CSV")
    rows = list(csv.DictReader(open(os.path.join(out, name[0]), encoding="utf-8", newline="")))
    layout = [l for l in schema["sector"]["layouts"] if l["name"] == rows[0]["sector_data"]][0]
    sector = reckon(workbook, layout, SELF)
    compared = equal = 0
    for row in rows:
        fig = row["field"]
        better = {"higher": "higher", "lower": "lower"}.get(polarity[fig], "neither")
        check(row["better"] == better, f"{label}: {fig} better {row['better']}, expected {better}")
        want = expected(sector.get(fig, []), float(row["value"]), better)
        same = True
        for k, w in want.items():
            got = float(row[k])
            ok = abs(got - w) < 0.0051 if k.endswith("quartile") or k == "median" else got == w
            check(ok, f"{label}: {fig} {k} {row[k]}, expected {w}")
            same = same and ok
        compared += 1
        equal += same
    # every measure the return has and the dataset has values of is compared
    data = list(csv.DictReader(open(RETURN, encoding="utf-8", newline="")))
    missing = [f for f in sector if f not in {r["field"] for r in rows}
               and any(d["field"] == f for d in data)]
    check(not missing, f"{label}: measures with sector data and no row: {missing}")
    page = open(os.path.join(out, [f for f in os.listdir(out) if f.endswith(".html")][0]),
                encoding="utf-8").read()
    appendix = page.split("<h2>Appendix: how our results compare with other landlords</h2>")
    check(len(appendix) == 2, f"{label}: the page has one appendix")
    if len(appendix) == 2:
        shown = appendix[1].split("</section>")[0].count('<th scope="row">')
        check(shown == len(rows), f"{label}: the appendix has {shown} rows, the CSV {len(rows)}")
    print(f"{label}: {len(rows)} measures compared with the sector ({layout['name']} layout), "
          f"{equal} as reckoned here; landlords per measure {min(int(r['landlords']) for r in rows)} "
          f"to {max(int(r['landlords']) for r in rows)}")
    return out


def digest(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("--kpix", required=True)
    ap.add_argument("--real")
    a = ap.parse_args(argv)
    sample = os.path.join(HERE, "tsm-2023-24-sample.xlsx")
    with tempfile.TemporaryDirectory() as tmp:
        out = compare(a.kpix, sample, "sample", tmp)
        if out:
            # without --sector: no comparison, and every other file the same bytes
            plain = os.path.join(tmp, "plain")
            r = kpix(a.kpix, "export", RETURN, "--schema", SCHEMA, "--out", plain, "-q", *PARAMS)
            check(r.returncode == 0, f"export without --sector exit {r.returncode}")
            with_files = {f for f in os.listdir(out) if f != "manifest.json"}
            plain_files = {f for f in os.listdir(plain) if f != "manifest.json"}
            check(with_files - plain_files == {f"tsm-2024-25-{SELF}-sector-comparison.csv",
                                               f"tsm-2024-25-{SELF}-publication.html"} - plain_files,
                  f"without --sector the files are {sorted(plain_files)}")
            for f in plain_files:
                if f.endswith(".html"):
                    text = open(os.path.join(plain, f), encoding="utf-8").read()
                    check("Appendix" not in text, "without --sector the page has no appendix")
                else:
                    check(digest(os.path.join(plain, f)) == digest(os.path.join(out, f)),
                          f"{f} differs with --sector")
            # verify re-runs with the sector file, and sees it change
            r = kpix(a.kpix, "verify", os.path.join(out, "manifest.json"), RETURN, sample)
            check(r.returncode == 0 and "sector's dataset tsm-2023-24-sample.xlsx: unchanged" in r.stdout,
                  f"verify exit {r.returncode}: {r.stdout}{r.stderr}")
            changed = os.path.join(tmp, "tsm-2023-24-sample.xlsx")
            shutil.copy(sample, changed)
            with open(changed, "ab") as f:
                f.write(b"\0")
            r = kpix(a.kpix, "verify", os.path.join(out, "manifest.json"), RETURN, changed)
            check(r.returncode == 1 and "sector's dataset tsm-2023-24-sample.xlsx: CHANGED" in r.stdout,
                  f"verify of a changed sector file exit {r.returncode}: {r.stdout}")
            manifest = json.load(open(os.path.join(out, "manifest.json")))
            check(manifest.get("sector", {}).get("sha256") == digest(sample) and
                  manifest["options"].get("sector") == "tsm-2023-24-sample.xlsx",
                  "the manifest records the sector file and its SHA-256")
        # refused: the comparison asked for without the dataset, and a workbook of another layout
        none = os.path.join(tmp, "none")
        r = kpix(a.kpix, "export", RETURN, "--schema", SCHEMA, "--out", none, "--only",
                 "sector-comparison", *PARAMS)
        check(r.returncode == 2 and "give the regulator's published dataset with --sector" in r.stderr
              and not os.path.exists(none), f"--only sector-comparison without --sector: {r.returncode} {r.stderr}")
        other = [f for f in os.listdir(out or tmp) if f.endswith("-data-points.xlsx")]
        if other:
            r = kpix(a.kpix, "export", RETURN, "--schema", SCHEMA, "--out", none, "--sector",
                     os.path.join(out, other[0]), *PARAMS)
            check(r.returncode == 2 and "is not one of the regulator's published TSM datasets this "
                  "schema reads: expected 2024/25 (sheet TSM25_LCRA_Perception), 2023/24 (sheet "
                  "TSM24_LCRA_Perception)" in r.stderr and not os.path.exists(none),
                  f"a workbook of another layout: {r.returncode} {r.stderr}")
        if a.real:
            compare(a.kpix, a.real, "published", tmp)
    print(f"failures: {len(failures)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
