#!/usr/bin/env python3
"""Measure `kpix export` beside a bare libxlsxwriter program and Python's
XlsxWriter writing the same workbook, and print a comparison table.

Normally started by bench/export.sh, which installs what is missing and
builds the two C helpers (measure, cellbare). Standard library only; shares
the runner, the table and the formatting with bench/run.py.
"""
import argparse
import hashlib
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import time
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import (MB, Runner, cpu_model, first_line, fmt, fmt_rate, fmt_rows,  # noqa: E402
                 log, stale, table, tool_version, warm)

EXPORT = "council-xlsx"
TARGET_RATIO = 1.25
TARGET_MB = 32


def load_generator(path):
    """gen-export.py as a module, for the constants kpix must be given."""
    spec = importlib.util.spec_from_file_location("gen_export", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def generate(gen, schema, rows, csv, cells):
    """Writes the data and the cell script unless both are up to date."""
    deps = [gen, schema]
    if not stale(csv, deps) and not stale(cells, deps):
        return
    log("generating %s and %s" % (os.path.basename(csv), os.path.basename(cells)))
    t0 = time.perf_counter()
    subprocess.run([sys.executable, gen, schema, str(rows), csv + ".tmp", cells + ".tmp"],
                   check=True)
    os.replace(csv + ".tmp", csv)
    os.replace(cells + ".tmp", cells)
    log("  done in %.1f s" % (time.perf_counter() - t0))


def nokeys_schema(src, dst):
    """The shipped council schema without its primary key and completeness
    rule: those remember every (indicator, breakdown) of the return, which a
    real quarterly return has a few dozen of, and they are the validator's
    memory, which bench/run.sh measures, not the export's."""
    with open(src, encoding="utf-8") as f:
        doc = json.load(f)
    doc.pop("primaryKey", None)
    doc.pop("completeness", None)
    doc["id"] = doc["id"] + "-nokeys"
    tmp = dst + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")
    if not os.path.exists(dst) or open(dst, "rb").read() != open(tmp, "rb").read():
        os.replace(tmp, dst)
    else:
        os.remove(tmp)


def parts(path):
    """SHA-256 of every part of a workbook, unzipped."""
    out = {}
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            h = hashlib.sha256()
            with z.open(name) as f:
                while True:
                    block = f.read(1 << 20)
                    if not block:
                        break
                    h.update(block)
            out[name] = h.hexdigest()
    return out


def compare(a, b):
    """'' when the workbooks a and b hold the same parts, else what differs."""
    try:
        pa, pb = parts(a), parts(b)
    except (OSError, zipfile.BadZipFile) as e:
        return "cannot read: %s" % e
    diff = sorted(n for n in set(pa) | set(pb) if pa.get(n) != pb.get(n))
    return "" if not diff else "differ in " + ", ".join(diff)


def record(j, r):
    """Keeps one run's wall time, CPU time and peak memory in job j, or its
    failure (a runner error, a signal, a non-zero exit); True when it ran."""
    if "failed" in r:
        j.failure = r["failed"]
    elif r["signal"]:
        j.failure = "killed by signal %d: %s" % (r["signal"], first_line(r["err"]))
    elif r["exit"] != 0:
        j.failure = "exit %d: %s" % (r["exit"], first_line(r["err"]))
    if j.failure:
        return False
    j.walls.append(r["wall"])
    j.cpus.append(r["cpu"])
    j.rss_kb = max(j.rss_kb, r["rss_kb"])
    return True


class Job:
    def __init__(self, tool, kind, argv, runs, rows, out):
        self.tool, self.kind, self.argv, self.runs, self.out = tool, kind, argv, runs, out
        self.rows = rows
        self.walls, self.cpus = [], []
        self.rss_kb = 0
        self.failure = None
        self.workbook = None  # the file written by the last run

    @property
    def best(self):
        return min(self.walls) if self.walls else None

    @property
    def cpu(self):
        return min(self.cpus) if self.cpus else None

    def per_row(self):
        return self.best / self.rows


def main():
    ap = argparse.ArgumentParser(description="kpix export benchmark (run through bench/export.sh)")
    ap.add_argument("--work", required=True)
    ap.add_argument("--measure", required=True)
    ap.add_argument("--bare", required=True, help="the cellbare baseline")
    ap.add_argument("--kpix", required=True, help="the kpix binary (may not exist)")
    ap.add_argument("--py", help="the python3 that has xlsxwriter")
    ap.add_argument("--py-skip", help="why the Python peer is not run")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--py-runs", type=int, default=1)
    ap.add_argument("--py-rows", type=int, default=250_000,
                    help="rows the Python peer writes (it is slower; its rate is compared)")
    ap.add_argument("--timeout", type=int, default=900)
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()

    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(here)
    work = os.path.abspath(a.work)
    data = os.path.join(work, "data")
    outs = os.path.join(work, "out")
    books = os.path.join(outs, "export")
    os.makedirs(data, exist_ok=True)
    os.makedirs(books, exist_ok=True)
    notes = []

    gen_path = os.path.join(here, "gen-export.py")
    gen = load_generator(gen_path)
    shipped = os.path.join(repo, "schemas", "council-kpi-quarterly.json")
    schema = os.path.join(data, "council-nokeys.json")
    nokeys_schema(shipped, schema)
    csv = os.path.join(data, "export-%d.csv" % a.rows)
    cells = os.path.join(data, "export-%d.cells" % a.rows)
    generate(gen_path, shipped, a.rows, csv, cells)
    use_py = a.py and not a.py_skip
    py_rows = min(a.py_rows, a.rows)
    py_cells = cells
    if use_py and py_rows < a.rows:
        # a return of its own: widths and the filter fit its rows
        py_cells = os.path.join(data, "export-%d.cells" % py_rows)
        generate(gen_path, shipped, py_rows, os.path.join(data, "export-%d.csv" % py_rows),
                 py_cells)

    # The workbook's date comes from the data, as the cell script expects.
    os.environ.pop("SOURCE_DATE_EPOCH", None)

    have_kpix = os.path.isfile(a.kpix) and os.access(a.kpix, os.X_OK)
    if not have_kpix:
        notes.append("kpix not measured: no executable at %s (build it, or pass --kpix PATH)"
                     % a.kpix)
    kpix_dir = os.path.join(books, "kpix")
    jobs = [Job("libxlsxwriter bare", "bare",
                [a.bare, cells, os.path.join(books, "bare.xlsx")], a.runs, a.rows,
                os.path.join(books, "bare.xlsx"))]
    if have_kpix:
        jobs.append(Job("kpix export", "kpix",
                        [a.kpix, "export", csv, "--schema", schema, "--out", kpix_dir,
                         "--only", EXPORT, "--param", "contact=" + gen.CONTACT],
                        a.runs, a.rows, None))
    if use_py:
        jobs.append(Job("python3-xlsxwriter" + ("*" if py_rows < a.rows else ""), "py",
                        [a.py, os.path.join(here, "xlsxpy.py"), py_cells,
                         os.path.join(books, "python.xlsx")],
                        a.py_runs, py_rows, os.path.join(books, "python.xlsx")))

    runner = Runner(a.measure, outs, a.timeout)
    floor = runner.run("rss-floor", ["true"])
    floor_mb = floor.get("rss_kb", 0) * 1024 / MB
    warm(csv)
    warm(cells)
    if py_cells != cells:
        warm(py_cells)

    # Tools take turns, run by run, so that drift in a shared machine hits all alike.
    for i in range(max(j.runs for j in jobs)):
        for j in jobs:
            if i >= j.runs or j.failure:
                continue
            if j.kind == "kpix":
                shutil.rmtree(kpix_dir, ignore_errors=True)
            elif os.path.exists(j.out):
                os.remove(j.out)
            log("%s, run %d of %d" % (j.tool, i + 1, j.runs))
            r = runner.run("export-" + j.kind, j.argv)
            if not record(j, r):
                continue
            if j.kind == "kpix":
                try:
                    with open(os.path.join(kpix_dir, "manifest.json"), encoding="utf-8") as f:
                        man = json.load(f)
                    out = man["outputs"][0]
                    j.workbook = os.path.join(kpix_dir, out["name"])
                    if out["rows"] != a.rows:
                        j.failure = "kpix exported %s rows, expected %s" % (
                            fmt_rows(out["rows"]), fmt_rows(a.rows))
                except (OSError, ValueError, KeyError, IndexError, TypeError):
                    j.failure = "no readable manifest.json in %s" % kpix_dir
            else:
                j.workbook = j.out

    # Are they the same workbook? Compared part by part, unzipped.
    bare = jobs[0]
    kp = next((j for j in jobs if j.kind == "kpix" and j.walls and not j.failure), None)
    py = next((j for j in jobs if j.kind == "py" and j.walls and not j.failure), None)
    log("comparing the workbooks")
    same = {}
    if bare.walls and kp:
        same["kpix"] = compare(kp.workbook, bare.workbook)
    py_ref = "kpix" if kp else "bare"
    if py and py_cells != cells:
        # the bare program, once more, on the Python peer's shorter return
        ref = os.path.join(books, "bare-%d.xlsx" % py_rows)
        r = runner.run("export-bare-py", [a.bare, py_cells, ref])
        py_ref = "bare"
        same["py"] = (compare(py.workbook, ref) if r.get("exit") == 0
                      else "no bare workbook of %s rows to compare" % fmt_rows(py_rows))
    elif py and (kp or bare.walls):
        same["py"] = compare(py.workbook, (kp if kp else bare).workbook)

    header = ["tool", "rows", "best s", "CPU s", "rows/s", "peak RSS MB", "time / bare",
              "time / kpix", "workbook"]
    body = []
    for j in jobs:
        if not j.walls or j.failure:
            body.append([j.tool, fmt_rows(j.rows), "-", "-", "-", "-", "-", "-", "FAILED"])
            notes.append("%s failed: %s (output in %s)" % (j.tool, j.failure, outs))
            continue
        vs_bare = "%.2fx" % (j.per_row() / bare.per_row()) if bare.walls else "-"
        vs_kpix = "%.2fx" % (j.per_row() / kp.per_row()) if kp else "-"
        if j.kind == "bare":
            book = "the reference"
        elif j.kind == "kpix":
            book = ("same as bare" if same.get("kpix") == "" else same.get("kpix", "not compared"))
        else:
            book = ("same as %s" % py_ref if same.get("py") == ""
                    else same.get("py", "not compared"))
        body.append([j.tool, fmt_rows(j.rows), fmt(j.best, ".2f"), fmt(j.cpu, ".2f"),
                     fmt_rate(j.rows / j.best), "%.1f" % (j.rss_kb * 1024 / MB), vs_bare,
                     vs_kpix, book])

    targets = []
    if kp and bare.walls:
        ratio = kp.best / bare.best
        targets.append(("kpix export time <= %.2fx the bare libxlsxwriter program" % TARGET_RATIO,
                        "%.2fx (best %.2f s against %.2f s; CPU time %.2fx)"
                        % (ratio, kp.best, bare.best, kp.cpu / bare.cpu), ratio <= TARGET_RATIO))
        mb = kp.rss_kb * 1024 / MB
        targets.append(("kpix peak memory < %d MB" % TARGET_MB, "%.1f MB" % mb, mb < TARGET_MB))
        targets.append(("kpix writes the same workbook as the bare program (a fair comparison)",
                        "every part the same" if same.get("kpix") == "" else same.get("kpix", "?"),
                        same.get("kpix") == ""))
    elif have_kpix:
        targets.append(("kpix ran", kp.failure if kp else "no run finished", False))

    kpix_ver = (tool_version([a.kpix, "--version"]) or "version unknown") if have_kpix else "not found"
    try:
        with open(os.path.join(os.path.dirname(os.path.abspath(a.kpix)), "CMakeCache.txt")) as f:
            btype = next((l.split("=", 1)[1].strip() for l in f
                          if l.startswith("CMAKE_BUILD_TYPE:")), "")
        if btype:
            kpix_ver += ", CMake build type " + btype
    except OSError:
        pass
    lxw_ver = tool_version(["dpkg-query", "-W", "-f", "${Version}", "libxlsxwriter-dev"]) or "?"
    print("# kpix export benchmark")
    print()
    print("- machine: %s, %d cores, %s" % (cpu_model(), os.cpu_count() or 0, platform.platform()))
    print("- kpix: %s (%s)" % (a.kpix, kpix_ver))
    print("- libxlsxwriter: %s (bench/cellbare.c, gcc -O2)" % lxw_ver)
    if a.py and not a.py_skip:
        print("- Python peer: python3-xlsxwriter %s on %s" % (
            tool_version(["dpkg-query", "-W", "-f", "${Version}", "python3-xlsxwriter"]) or "?",
            tool_version([a.py, "--version"])))
    else:
        print("- Python peer: not run (%s)" % (a.py_skip or "no --py"))
    print("- input: %s (%s rows, %.1f MB); cells: %s (%.1f MB)" % (
        os.path.relpath(csv, repo), fmt_rows(a.rows), os.path.getsize(csv) / MB,
        os.path.relpath(cells, repo), os.path.getsize(cells) / MB))
    print("- runs: best of %d (Python peer: best of %d, %s rows)" % (a.runs, a.py_runs,
                                                                   fmt_rows(py_rows)))
    print()
    print(table(header, body, right={1, 2, 3, 4, 5, 6, 7}))
    print()
    print("Notes:")
    print("- kpix export = `kpix export DATA --schema %s --out DIR --only %s --param "
          "contact=...`: it reads and validates the CSV (types, the schema's rules, the "
          "one-return check), works out each row's cells from the export's expressions "
          "(decimals, variance, RAG), fits the column widths to the contents, writes the workbook "
          "to a temporary file, hashes the input, the schema and the workbook (SHA-256) for "
          "manifest.json, syncs both to disk and renames them into place."
          % (os.path.relpath(schema, repo), EXPORT))
    print("- libxlsxwriter bare (bench/cellbare.c) and python3-xlsxwriter (bench/xlsxpy.py) "
          "read the cells ready-made from the cell script bench/gen-export.py writes beside the "
          "CSV, and only write them: no CSV, no checks, no expressions, no widths to work out, "
          "no hashing. All three write in constant-memory mode.")
    print("- The schema is schemas/council-kpi-quarterly.json without its primaryKey and "
          "completeness rule, which keep every (indicator, breakdown) of the return in memory "
          "(bench/run.sh measures the validator's keys); everything else, the indicator "
          "catalogue, the rules and the council-xlsx export, is the shipped schema's.")
    if use_py and py_rows < a.rows:
        print("- * the Python peer wrote a return of the first %s rows (--py-rows), from its own "
              "cell script, and is compared on time per row; its workbook is compared with the "
              "bare program's of the same rows." % fmt_rows(py_rows))
    print("- time / bare, time / kpix: time per row against the other tool's (the same as the "
          "time when both wrote the same rows).")
    print("- workbook: the workbooks unzipped and compared part by part (SHA-256 of each part).")
    print("- best s = fastest wall time; CPU s = least user + system time of the runs; peak RSS "
          "= highest ru_maxrss (launcher's floor: %.1f MB). MB = 1,000,000 bytes." % floor_mb)
    for n in notes:
        print("- " + n)
    print()
    print("Targets:")
    if not targets:
        print("- none checked (kpix was not measured)")
    for label, what, ok in targets:
        print("- %s  %s: %s" % ("PASS" if ok else "FAIL", label, what))
    if targets:
        passed = sum(1 for _, _, ok in targets if ok)
        print()
        print("%d of %d target checks passed%s." % (
            passed, len(targets), "" if a.rows >= 1_000_000 and a.runs >= 3
            else " (indicative only: fewer than 1,000,000 rows or 3 runs)"))
    sys.stdout.flush()
    if a.check and (not targets or not all(ok for _, _, ok in targets)):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
