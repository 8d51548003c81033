#!/usr/bin/env python3
"""Measure `kpix validate` reading a workbook beside openpyxl's read-only mode
iterating the same cells, and beside xlsx2csv followed by `kpix validate` on
its CSV, and print a table with the ratios and the targets of issue 14.

Normally started by bench/workbook.sh, which installs what is missing and
builds the C helpers (measure, gen-xlsx). Standard library only; shares the
runner and the table with bench/run.py.
"""
import argparse
import os
import platform
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import MB, Runner, cpu_model, fmt, log, stale, table, tool_version, warm  # noqa: E402

TARGET_OPENPYXL = 3.0   # kpix at least 3x faster than openpyxl
TARGET_XLSX2CSV = 2.0   # and at most 2x the time of xlsx2csv + kpix on the CSV
TARGET_MB = 64          # peak memory beyond the shared strings (the workbook has none)

OPENPYXL = """
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
n = 0
for row in wb["Data"].iter_rows(values_only=True):
    for v in row:
        n += 1
print(n)
"""


def best(runner, tag, argv, runs, ok=(0,)):
    """Runs argv runs times; the run with the least CPU time, or a failure."""
    kept = None
    for i in range(runs):
        r = runner.run(tag, argv)
        if "failed" in r:
            return r
        if r["exit"] not in ok:
            r["failed"] = "exit %d: see %s" % (r["exit"], r["err"])
            return r
        if kept is None or r["cpu"] < kept["cpu"]:
            kept = r
    return kept


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--measure", required=True)
    ap.add_argument("--gen", required=True)
    ap.add_argument("--kpix", required=True)
    ap.add_argument("--py", default="/usr/bin/python3")
    ap.add_argument("--xlsx2csv", default="xlsx2csv")
    ap.add_argument("--rows", type=int, default=1000000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--timeout", type=int, default=1800)
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    schema = os.path.join(here, "workbook-schema.json")
    data = os.path.join(a.work, "data")
    out = os.path.join(a.work, "out")
    os.makedirs(data, exist_ok=True)
    os.makedirs(out, exist_ok=True)
    book = os.path.join(data, "workbook-%d.xlsx" % a.rows)
    csv = os.path.join(data, "workbook-%d.csv" % a.rows)
    if stale(book, [a.gen]):
        log("generating %s with libxlsxwriter" % os.path.basename(book))
        t0 = time.perf_counter()
        subprocess.run([a.gen, str(a.rows), book + ".tmp.xlsx"], check=True)
        os.replace(book + ".tmp.xlsx", book)
        log("  done in %.1f s" % (time.perf_counter() - t0))
    peer = os.path.join(out, "openpyxl-iterate.py")
    with open(peer, "w") as f:
        f.write(OPENPYXL)
    runner = Runner(a.measure, out, a.timeout)
    warm(book)
    kpix_ok = os.path.exists(a.kpix)
    res = {}
    validate = ["validate", "--schema", schema, "--format", "json", "--max-errors", "10", "-q"]
    if kpix_ok:
        log("kpix validate on the workbook (%d runs)" % a.runs)
        runner.run("kpix-xlsx-warm", [a.kpix] + validate + [book])
        res["kpix"] = best(runner, "kpix-xlsx", [a.kpix] + validate + [book], a.runs)
    log("openpyxl read-only, iterating every cell (1 run)")
    res["openpyxl"] = best(runner, "openpyxl", [a.py, peer, book], 1)
    log("xlsx2csv (1 run)")
    res["xlsx2csv"] = best(runner, "xlsx2csv", [a.xlsx2csv, book, csv], 1)
    if kpix_ok and "failed" not in res["xlsx2csv"]:
        log("kpix validate on xlsx2csv's CSV (%d runs)" % a.runs)
        warm(csv)
        res["kpix-csv"] = best(runner, "kpix-csv", [a.kpix] + validate + [csv], a.runs)

    def cpu(k):
        r = res.get(k)
        return None if not r or "failed" in r else r["cpu"]

    def wall(k):
        r = res.get(k)
        return None if not r or "failed" in r else r["wall"]

    def rss(k):
        r = res.get(k)
        return None if not r or "failed" in r else r["rss_kb"] * 1024 / MB

    chain_cpu = cpu("xlsx2csv") + cpu("kpix-csv") if cpu("xlsx2csv") and cpu("kpix-csv") else None
    chain_wall = wall("xlsx2csv") + wall("kpix-csv") if wall("xlsx2csv") and wall("kpix-csv") else None
    k = cpu("kpix")

    def ratio(x):
        return fmt(x / k if x and k else None, ".2f")

    rows = []
    for label, key in (("kpix validate (workbook)", "kpix"),
                       ("openpyxl read-only, every cell", "openpyxl"),
                       ("xlsx2csv", "xlsx2csv"),
                       ("kpix validate (xlsx2csv's CSV)", "kpix-csv")):
        r = res.get(key)
        if r is None:
            rows.append([label, "not measured", "", "", "", ""])
        elif "failed" in r:
            rows.append([label, "FAILED: " + r["failed"][:60], "", "", "", ""])
        else:
            rows.append([label, fmt(r["wall"], ".2f"), fmt(r["cpu"], ".2f"),
                         fmt(a.rows / r["cpu"] / 1000 if r["cpu"] else None, ",.0f"),
                         fmt(rss(key), ".1f"), ratio(r["cpu"])])
    rows.append(["xlsx2csv + kpix on the CSV", fmt(chain_wall, ".2f"), fmt(chain_cpu, ".2f"),
                 fmt(a.rows / chain_cpu / 1000 if chain_cpu else None, ",.0f"), "",
                 ratio(chain_cpu)])
    size = os.path.getsize(book) / MB
    print()
    print("workbook: %s rows x 10 columns, %.1f MB (%s); %s" %
          (format(a.rows, ","), size, os.path.basename(book), cpu_model() or platform.machine()))
    print("openpyxl %s, xlsx2csv %s; best of %d runs for kpix, 1 for the others" %
          (tool_version([a.py, "-c", "import openpyxl; print(openpyxl.__version__)"]),
           tool_version([a.xlsx2csv, "--version"]), a.runs))
    print()
    print(table(["tool", "wall s", "CPU s", "k rows/CPU s", "peak MB", "CPU / kpix's"], rows,
                right={1, 2, 3, 4, 5}))
    print()
    print("Ratios are of CPU time (user + system), which other work on the machine does not")
    print("inflate as it does wall time; the wall times are shown for what they are worth.")
    verdicts = []
    if k and cpu("openpyxl"):
        r = cpu("openpyxl") / k
        verdicts.append(("openpyxl takes %.1fx kpix's time (target: at least %.0fx)" %
                         (r, TARGET_OPENPYXL), r >= TARGET_OPENPYXL))
    if k and chain_cpu:
        r = k / chain_cpu
        verdicts.append(("kpix takes %.2fx the time of xlsx2csv + kpix (target: at most %.0fx)"
                         % (r, TARGET_XLSX2CSV), r <= TARGET_XLSX2CSV))
    if rss("kpix"):
        verdicts.append(("kpix's peak memory %.1f MB, with no shared strings (target: under %d MB)"
                         % (rss("kpix"), TARGET_MB), rss("kpix") < TARGET_MB))
    for text, ok in verdicts:
        print("%s  %s" % ("PASS" if ok else "MISS", text))
    if not kpix_ok:
        print("kpix was not measured: no binary at %s" % a.kpix)
    if a.check:
        return 0 if kpix_ok and len(verdicts) == 3 and all(ok for _, ok in verdicts) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
