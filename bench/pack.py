#!/usr/bin/env python3
"""Measure `kpix pack` beside a bare libxlsxwriter program writing the same
workbook, and print a comparison table.

Normally started by bench/pack.sh, which installs what is missing and builds
kpix (twice: the Release build measured, and a build with KPIX_XLSX_TRACE
that records its libxlsxwriter calls), measure and replay. Standard library
only; shares the runner, the table and the formatting with bench/run.py and
the workbook comparison with bench/export.py.
"""
import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import MB, Runner, cpu_model, fmt, log, table, tool_version, warm  # noqa: E402
from export import compare, record  # noqa: E402

TARGET_RATIO = 1.5
PERIOD = "2025-26 Q2"
WORKBOOK = "bench-board-2025-26-Q2.xlsx"


class Job:
    def __init__(self, tool, kind, argv):
        self.tool, self.kind, self.argv = tool, kind, argv
        self.walls, self.cpus = [], []
        self.rss_kb = 0
        self.failure = None

    @property
    def best(self):
        return min(self.walls) if self.walls else None

    @property
    def cpu(self):
        return min(self.cpus) if self.cpus else None


def main():
    ap = argparse.ArgumentParser(description="kpix pack benchmark (run through bench/pack.sh)")
    ap.add_argument("--work", required=True)
    ap.add_argument("--measure", required=True)
    ap.add_argument("--bare", required=True, help="the replay baseline")
    ap.add_argument("--kpix", required=True, help="the kpix binary")
    ap.add_argument("--trace-kpix", required=True,
                    help="a kpix built with KPIX_XLSX_TRACE, run once to record the trace")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--timeout", type=int, default=300)
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()

    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(here)
    work = os.path.abspath(a.work)
    data = os.path.join(work, "data", "pack")
    outs = os.path.join(work, "out")
    books = os.path.join(outs, "pack")
    os.makedirs(data, exist_ok=True)
    os.makedirs(books, exist_ok=True)
    notes = []

    if not (os.path.isfile(a.kpix) and os.access(a.kpix, os.X_OK)):
        sys.stderr.write("bench: no kpix executable at %s\n" % a.kpix)
        return 2
    kpix_ver = tool_version([a.kpix, "--version"]) or "kpix"

    if not (os.path.isfile(a.trace_kpix) and os.access(a.trace_kpix, os.X_OK)):
        sys.stderr.write("bench: no kpix executable at %s\n" % a.trace_kpix)
        return 2
    kpix_ver = tool_version([a.kpix, "--version"]) or "kpix"

    # The inputs take a quarter of a second to make: made afresh every time.
    log("generating the history and the pack definition")
    t0 = time.perf_counter()
    subprocess.run([sys.executable, os.path.join(here, "gen-pack-inputs.py"), data], check=True)
    log("  done in %.1f s" % (time.perf_counter() - t0))
    history = os.path.join(data, "history.csv")
    definition = os.path.join(data, "bench-board.json")
    with open(history, "rb") as f:
        rows = sum(1 for _ in f) - 1

    # The workbook's date comes from the period, in both programs.
    os.environ.pop("SOURCE_DATE_EPOCH", None)

    def pack_argv(kpix, out):
        return [kpix, "pack", history, "--pack", definition, "--period", PERIOD, "--out", out]

    # The trace: the libxlsxwriter calls kpix makes for these inputs, from a
    # build of the same source that writes them down; made once, untimed.
    trace = os.path.join(data, "pack.trace")
    trace_dir = os.path.join(books, "kpix-trace")
    log("recording the libxlsxwriter calls of %s" % a.trace_kpix)
    for old in (trace, trace_dir):
        if os.path.isdir(old):
            shutil.rmtree(old)
        elif os.path.exists(old):
            os.remove(old)
    env = dict(os.environ, KPIX_XLSX_TRACE=trace)
    traced = subprocess.run(pack_argv(a.trace_kpix, trace_dir), env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if traced.returncode != 0 or not os.path.isfile(trace):
        sys.stderr.write("bench: %s made no trace (exit %d): %s\n" % (
            a.trace_kpix, traced.returncode, traced.stderr.decode("utf-8", "replace").strip()
            or "was it built with -DKPIX_XLSX_TRACE=ON?"))
        return 2

    kpix_dir = os.path.join(books, "kpix")
    bare_book = os.path.join(books, "bare.xlsx")
    jobs = [Job("libxlsxwriter bare", "bare", [a.bare, trace, bare_book]),
            Job("kpix pack", "kpix", pack_argv(a.kpix, kpix_dir))]

    runner = Runner(a.measure, outs, a.timeout)
    floor = runner.run("rss-floor", ["true"])
    floor_mb = floor.get("rss_kb", 0) * 1024 / MB
    for path in (history, definition, trace, os.path.join(data, "bench-pack-schema.json")):
        warm(path)

    def clear(j):
        if j.kind == "kpix":
            shutil.rmtree(kpix_dir, ignore_errors=True)
        elif os.path.exists(bare_book):
            os.remove(bare_book)

    # One untimed run each, so that neither pays for loading its binary and
    # its libraries; then the tools take turns, run by run, so that drift in
    # a shared machine hits both alike.
    for j in jobs:
        clear(j)
        runner.run("pack-" + j.kind, j.argv)
    for i in range(a.runs):
        for j in jobs:
            if j.failure:
                continue
            clear(j)
            log("%s, run %d of %d" % (j.tool, i + 1, a.runs))
            r = runner.run("pack-" + j.kind, j.argv)
            if not record(j, r):
                continue
            if j.kind == "kpix":
                try:
                    with open(os.path.join(kpix_dir, "manifest.json"), encoding="utf-8") as f:
                        man = json.load(f)
                    shown = man["reconciliation"]["rows_shown"]
                    if shown != rows:
                        j.failure = "kpix showed %s rows of %s" % (f"{shown:,}", f"{rows:,}")
                except (OSError, ValueError, KeyError, TypeError):
                    j.failure = "no readable manifest.json in %s" % kpix_dir

    bare, kp = jobs
    same = None
    if bare.walls and not bare.failure and kp.walls and not kp.failure:
        log("comparing the workbooks")
        same = compare(os.path.join(kpix_dir, WORKBOOK), bare_book)

    header = ["tool", "best s", "CPU s", "peak RSS MB", "time / bare"]
    body = []
    for j in jobs:
        if not j.walls or j.failure:
            body.append([j.tool, "-", "-", "-", "FAILED"])
            notes.append("%s failed: %s (output in %s)" % (j.tool, j.failure, outs))
            continue
        vs = "%.2fx" % (j.best / bare.best) if bare.walls and not bare.failure else "-"
        body.append([j.tool, fmt(j.best, ".3f"), fmt(j.cpu, ".3f"),
                     "%.1f" % (j.rss_kb * 1024 / MB), vs])

    lxw_ver = tool_version(["dpkg-query", "-W", "-f", "${Version}", "libxlsxwriter-dev"]) or "?"
    btype = ""
    try:
        with open(os.path.join(os.path.dirname(os.path.abspath(a.kpix)), "CMakeCache.txt")) as f:
            btype = next((l.split("=", 1)[1].strip() for l in f
                          if l.startswith("CMAKE_BUILD_TYPE:")), "")
    except OSError:
        pass
    with open(trace, "rb") as f:
        n_cells = n_charts = n_sheets = 0
        for line in f:
            if line.startswith(b"worksheet_write_"):
                n_cells += 1
            elif line.startswith(b"workbook_add_chart\t"):
                n_charts += 1
            elif line.startswith(b"workbook_add_worksheet\t"):
                n_sheets += 1

    print("# kpix pack benchmark")
    print()
    print("- machine: %s, %d cores, %s" % (cpu_model(), os.cpu_count() or 0, platform.platform()))
    print("- kpix: %s (%s%s)" % (a.kpix, kpix_ver, ", CMake build type " + btype if btype else ""))
    print("- libxlsxwriter: %s (bench/replay.c, gcc -O2)" % lxw_ver)
    print("- input: %s (%s rows, %.2f MB): 200 indicators, 8 quarters, the whole organisation "
          "and 5 breakdowns" % (os.path.relpath(history, repo), f"{rows:,}",
                                os.path.getsize(history) / MB))
    print("- workbook: %s cells on %d sheets, %d line charts; trace: %s (%.2f MB), recorded by %s"
          % (f"{n_cells:,}", n_sheets, n_charts, os.path.relpath(trace, repo),
             os.path.getsize(trace) / MB, a.trace_kpix))
    print("- runs: best of %d, after one untimed run of each" % a.runs)
    print()
    print(table(header, body, right={1, 2, 3, 4}))
    print()
    print("Notes:")
    print("- kpix pack = `kpix pack history.csv --pack bench-board.json --period \"%s\" --out "
          "DIR`: it loads the schema and the definition, reads and validates the history (types, "
          "primary key, foreign key, three rules), keeps the figures of the pack's indicators, "
          "judges each line (target, RAG, direction of travel, drafted sentence), lays out the "
          "seven sheets with their row heights and charts, writes the workbook and the summary "
          "CSV to temporary files, hashes the inputs and the outputs (SHA-256) for "
          "manifest.json, syncs them to disk and renames them into place." % PERIOD)
    print("- libxlsxwriter bare (bench/replay.c) replays the trace of the libxlsxwriter calls "
          "a kpix built with KPIX_XLSX_TRACE made for the same inputs (one untimed run before "
          "the others; the kpix measured has no trace): the same calls, in the same order, "
          "with every value, text, style, height and chart ready-made. No CSV, no checks, no "
          "judging, no summary CSV, no manifest, no hashing, no sync. Both write in "
          "constant-memory mode.")
    print("- best s = fastest wall time; CPU s = least user + system time of the runs; peak RSS "
          "= highest ru_maxrss (launcher's floor: %.1f MB). MB = 1,000,000 bytes." % floor_mb)
    if same is not None:
        print("- workbooks unzipped and compared part by part (SHA-256 of each part): %s."
              % ("every part the same" if same == "" else same))
    for n in notes:
        print("- " + n)
    print()
    ok = False
    if bare.walls and kp.walls and not bare.failure and not kp.failure:
        ratio = kp.best / bare.best
        ok = ratio <= TARGET_RATIO and same == ""
        why = "" if same == "" else " (not a fair comparison: the workbooks %s)" % same
        print("kpix pack is %.2fx the bare libxlsxwriter program (target \u2264 %.1fx): %s%s"
              % (ratio, TARGET_RATIO, "PASS" if ok else "FAIL", why))
    else:
        print("kpix pack was not measured against the bare program: FAIL")
    sys.stdout.flush()
    return 1 if a.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
