#!/usr/bin/env python3
"""Measure kpix beside two baselines and print a comparison table.

Normally started by bench/run.sh, which installs what is missing, builds the
two C helpers (csvcount, measure), installs the JavaScript peer and then
calls this script. Standard library only.

Every command is started through the `measure` helper (bench/measure.c),
which records its wall time and its ru_maxrss: started straight from Python
a child would report at least Python's own peak resident set as its own.
"""
import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import time

MB = 1_000_000  # sizes, throughput and memory are all in decimal megabytes


def log(msg):
    sys.stderr.write("bench: " + msg + "\n")
    sys.stderr.flush()


# ------------------------------------------------------------------ inputs

def stale(target, sources):
    """True when target is missing, empty, or older than any source."""
    try:
        t = os.stat(target)
    except FileNotFoundError:
        return True
    if t.st_size == 0:
        return True
    return any(os.stat(s).st_mtime > t.st_mtime for s in sources if os.path.exists(s))


def generate(target, argv, sources):
    """Writes the stdout of argv to target (atomically) unless it is up to date."""
    if not stale(target, sources):
        return
    log("generating %s" % os.path.basename(target))
    tmp = target + ".tmp"
    t0 = time.perf_counter()
    with open(tmp, "wb") as out:
        subprocess.run(argv, stdout=out, check=True)
    os.replace(tmp, target)
    log("  done in %.1f s" % (time.perf_counter() - t0))


def write_prefix(source, target, rows):
    """Writes the header and the first `rows` data lines of source to target.

    The generated files never hold a newline inside a cell, so lines are rows."""
    if not stale(target, [source]):
        return
    log("writing the first %s rows of %s" % (f"{rows:,}", os.path.basename(source)))
    tmp = target + ".tmp"
    with open(source, "rb") as src, open(tmp, "wb") as out:
        for i, line in enumerate(src):
            if i > rows:
                break
            out.write(line)
    os.replace(tmp, target)


def count_lines(path):
    n = 0
    with open(path, "rb") as f:
        while True:
            block = f.read(1 << 20)
            if not block:
                return n
            n += block.count(b"\n")


def warm(path):
    """Reads a file once so that no tool pays for the first read from disk."""
    with open(path, "rb") as f:
        while f.read(1 << 22):
            pass


def plain_schema(src, dst):
    """Writes src without kpix's own top-level keys: a plain Table Schema."""
    with open(src, encoding="utf-8") as f:
        doc = json.load(f)
    for key in ("$kpix", "id", "version"):
        doc.pop(key, None)
    tmp = dst + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    os.replace(tmp, dst)


# ------------------------------------------------------------- measurement

class Runner:
    def __init__(self, measure_bin, out_dir, timeout):
        self.measure_bin = measure_bin
        self.out_dir = out_dir
        self.timeout = timeout

    def run(self, tag, argv, cwd=None):
        """Runs argv once; returns a dict with wall, rss_kb, cpu, exit, signal, out, err."""
        result = os.path.join(self.out_dir, tag + ".result")
        out = os.path.join(self.out_dir, tag + ".stdout")
        err = os.path.join(self.out_dir, tag + ".stderr")
        if os.path.exists(result):
            os.remove(result)
        with open(out, "wb") as fo, open(err, "wb") as fe:
            proc = subprocess.Popen([self.measure_bin, result] + argv, stdin=subprocess.DEVNULL,
                                    stdout=fo, stderr=fe, cwd=cwd, start_new_session=True)
            try:
                proc.wait(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                return {"failed": "timed out after %d s" % self.timeout, "out": out, "err": err}
        if proc.returncode != 0 or not os.path.exists(result):
            return {"failed": "could not run: " + first_line(err), "out": out, "err": err}
        with open(result) as f:
            fields = dict(kv.split("=", 1) for kv in f.read().split())
        return {"wall": float(fields["wall_s"]), "rss_kb": int(fields["maxrss_kb"]),
                "cpu": float(fields["user_s"]) + float(fields["sys_s"]),
                "exit": int(fields["exit"]), "signal": int(fields["signal"]),
                "out": out, "err": err}


def first_line(path):
    try:
        with open(path, errors="replace") as f:
            for line in f:
                if line.strip():
                    return line.strip()[:160]
    except OSError:
        pass
    return ""


class Job:
    """One tool on one input: what to run, how often, and what came of it."""

    def __init__(self, tool, kind, argv, runs, csv, rows, ok_exits, cwd=None, keys=None,
                 check=None):
        self.tool = tool          # label in the table
        self.kind = kind          # "libcsv", "kpix" or "js"
        self.argv = argv
        self.runs = runs
        self.csv = csv            # the file this job reads (the JS peer may read a prefix)
        self.rows = rows          # data rows in that file
        self.mb = os.path.getsize(csv) / MB
        self.ok_exits = ok_exits
        self.cwd = cwd
        self.keys = keys          # "pk" or "none" for validators, None for libcsv
        self.check = check        # function(job, last run) -> note or None
        self.walls = []
        self.rss_kb = 0
        self.failure = None
        self.result = ""
        self.notes = []

    @property
    def best(self):
        return min(self.walls) if self.walls else None

    def mbps(self):
        return self.mb / self.best if self.walls else None

    def rows_per_s(self):
        return self.rows / self.best if self.walls else None


def check_csvcount(job, run):
    try:
        with open(run["out"]) as f:
            got = dict(kv.split("=", 1) for kv in f.read().split())
        records = int(got["rows"])
    except (OSError, ValueError, KeyError):
        return "could not read csvcount's counts"
    job.result = "%s records" % f"{records:,}"
    if records != job.rows + 1:
        return "csvcount saw %s records, expected %s" % (f"{records:,}", f"{job.rows + 1:,}")
    return None


def check_kpix(expect_valid):
    def check(job, run):
        job.result = "valid" if run["exit"] == 0 else "invalid"
        try:  # the JSON report, when it has the shape kpix 0.1 writes
            with open(run["out"], encoding="utf-8") as f:
                rep = json.load(f)
            if run["exit"] != 0:
                job.result = "%s errors" % f"{rep['errors']:,}"
            seen = sum(f["rows"] for f in rep["files"])
            if seen != job.rows:
                return "kpix read %s rows, expected %s" % (f"{seen:,}", f"{job.rows:,}")
        except (OSError, ValueError, KeyError, TypeError):
            pass
        if expect_valid and run["exit"] != 0:
            return "kpix called the clean file invalid: " + first_line(run["out"])
        if not expect_valid and run["exit"] == 0:
            return "kpix called a file with bad rows valid"
        return None
    return check


def check_js(expect_valid):
    def check(job, run):
        summary, printed = None, 0
        with open(run["out"], errors="replace") as f:
            for line in f:
                printed += 1
                summary = line
        try:
            s = json.loads(summary)
            job.result = "valid" if s["valid"] else "%s errors" % f"{s['errors']:,}"
            if s["rows"] != job.rows:
                return "the peer read %s rows, expected %s" % (f"{s['rows']:,}", f"{job.rows:,}")
            if bool(s["valid"]) != expect_valid:
                return "the peer called the file %s" % ("valid" if s["valid"] else "invalid")
        except (TypeError, ValueError, KeyError):
            return "no summary line from the peer: " + first_line(run["err"])
        return None
    return check


# ------------------------------------------------------------------ report

def fmt_rows(n):
    return f"{n:,}"


def fmt_rate(x):
    if x is None:
        return "-"
    if x >= 1e6:
        return "%.2fM" % (x / 1e6)
    if x >= 1e3:
        return "%.0fk" % (x / 1e3)
    return "%.0f" % x


def fmt(x, spec, none="-"):
    return none if x is None else format(x, spec)


def table(header, rows, right):
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]

    def line(cells):
        out = []
        for i, c in enumerate(cells):
            c = str(c)
            out.append(c.rjust(widths[i]) if i in right else c.ljust(widths[i]))
        return "| " + " | ".join(out) + " |"

    sep = "|" + "|".join(("-" * (w + 1) + ":") if i in right else ("-" * (w + 2))
                         for i, w in enumerate(widths)) + "|"
    return "\n".join([line(header), sep] + [line(r) for r in rows])


def tool_version(argv, cwd=None):
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=30, cwd=cwd)
        return (p.stdout.strip() or p.stderr.strip()).splitlines()[0] if p.returncode == 0 else ""
    except (OSError, subprocess.SubprocessError, IndexError):
        return ""


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


# -------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description="kpix benchmark (normally run through bench/run.sh)")
    ap.add_argument("--work", required=True, help="scratch directory (data, outputs, peer)")
    ap.add_argument("--peers", required=True, help="directory holding gen-bench.py, bench-schema.json")
    ap.add_argument("--measure", required=True, help="the measure helper")
    ap.add_argument("--csvcount", required=True, help="the libcsv baseline")
    ap.add_argument("--kpix", required=True, help="the kpix binary (may not exist)")
    ap.add_argument("--js-dir", help="folder with ts-validate.js and node_modules/tableschema")
    ap.add_argument("--js-skip", help="why the JavaScript peer is not measured")
    ap.add_argument("--node", default="node")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--js-rows", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--js-runs", type=int, default=1)
    ap.add_argument("--timeout", type=int, default=900, help="seconds before one run is killed")
    ap.add_argument("--check", action="store_true", help="exit 1 unless every target passes")
    a = ap.parse_args()

    here = os.path.dirname(os.path.abspath(__file__))
    work = os.path.abspath(a.work)
    data = os.path.join(work, "data")
    outs = os.path.join(work, "out")
    os.makedirs(data, exist_ok=True)
    os.makedirs(outs, exist_ok=True)
    py = sys.executable or "python3"
    rows = a.rows
    js_rows = min(a.js_rows, rows)
    notes = []

    # The kpix copy of the shared schema must describe the same table.
    shared_schema = os.path.join(a.peers, "bench-schema.json")
    with open(shared_schema, encoding="utf-8") as f:
        shared = json.load(f)
    with open(os.path.join(here, "bench-schema.json"), encoding="utf-8") as f:
        ours = json.load(f)
    if ours.get("fields") != shared.get("fields") or ours.get("primaryKey") != shared.get("primaryKey"):
        notes.append("WARNING: bench/bench-schema.json no longer matches %s; copy its fields "
                     "and primaryKey again" % shared_schema)

    # Inputs, generated once and kept in the scratch directory.
    gen_bench = os.path.join(a.peers, "gen-bench.py")
    gen_wide = os.path.join(here, "gen-wide.py")
    inputs = [
        {"name": "bench 0% bad", "bad": "0", "expect_valid": True,
         "csv": os.path.join(data, "bench-%d-0.csv" % rows),
         "gen": [py, gen_bench, str(rows), "0"], "deps": [gen_bench],
         "kpix": [("kpix pk", "pk", os.path.join(here, "bench-schema.json")),
                  ("kpix no-keys", "none", os.path.join(here, "bench-schema-nokeys.json"))],
         "js_schema": shared_schema, "js_keys": "pk"},
        {"name": "bench 20% bad", "bad": "0.2", "expect_valid": False,
         "csv": os.path.join(data, "bench-%d-0.2.csv" % rows),
         "gen": [py, gen_bench, str(rows), "0.2"], "deps": [gen_bench],
         "kpix": [("kpix pk", "pk", os.path.join(here, "bench-schema.json")),
                  ("kpix no-keys", "none", os.path.join(here, "bench-schema-nokeys.json"))],
         "js_schema": shared_schema, "js_keys": "pk"},
        {"name": "wide 30 cols", "expect_valid": True,
         "csv": os.path.join(data, "wide-%d.csv" % rows),
         "gen": [py, gen_wide, str(rows)], "deps": [gen_wide],
         "kpix": [("kpix no-keys", "none", os.path.join(here, "wide-schema.json"))],
         "js_schema": os.path.join(work, "wide-schema-plain.json"), "js_keys": "none"},
    ]
    for inp in inputs:
        generate(inp["csv"], inp["gen"], inp["deps"])
        inp["rows"] = count_lines(inp["csv"]) - 1
    plain_schema(os.path.join(here, "wide-schema.json"), inputs[2]["js_schema"])

    use_js = a.js_dir is not None and not a.js_skip
    if use_js:
        for inp in inputs:
            if js_rows < inp["rows"]:
                stem = os.path.splitext(inp["csv"])[0]
                inp["js_csv"] = "%s-first%d.csv" % (stem, js_rows)
                write_prefix(inp["csv"], inp["js_csv"], js_rows)
            else:
                inp["js_csv"] = inp["csv"]
            inp["js_rows"] = count_lines(inp["js_csv"]) - 1

    have_kpix = os.path.isfile(a.kpix) and os.access(a.kpix, os.X_OK)
    if not have_kpix:
        notes.append("kpix not measured: no executable at %s (build it, or pass --kpix PATH)" % a.kpix)

    runner = Runner(a.measure, outs, a.timeout)
    floor = runner.run("rss-floor", ["true"])
    floor_mb = floor.get("rss_kb", 0) * 1024 / MB

    # Build the jobs, input by input.
    for inp in inputs:
        jobs = [Job("libcsv count", "libcsv", [a.csvcount, inp["csv"]], a.runs, inp["csv"],
                    inp["rows"], {0}, check=check_csvcount)]
        if have_kpix:
            for label, keys, schema in inp["kpix"]:
                jobs.append(Job(label, "kpix",
                                [a.kpix, "validate", inp["csv"], "--schema", schema,
                                 "--format", "json", "--max-errors", "100"],
                                a.runs, inp["csv"], inp["rows"], {0, 1}, keys=keys,
                                check=check_kpix(inp["expect_valid"])))
        if use_js:
            js_label = "tableschema-js" + ("*" if inp["js_rows"] < inp["rows"] else "")
            jobs.append(Job(js_label, "js",
                            [a.node, "ts-validate.js", inp["js_csv"], inp["js_schema"]],
                            a.js_runs, inp["js_csv"], inp["js_rows"], {0, 1}, cwd=a.js_dir,
                            keys=inp["js_keys"],
                            check=check_js(inp["expect_valid"])))
        inp["jobs"] = jobs

    # Run: per input, round-robin over the tools, so drift hits all alike.
    for inp in inputs:
        warm(inp["csv"])
        if use_js:
            warm(inp["js_csv"])
        for j in inp["jobs"]:  # an untimed first run loads binaries and libraries
            if j.kind != "js":
                log("%s / %s, warm-up run" % (inp["name"], j.tool))
                runner.run("warm-up", j.argv, cwd=j.cwd)
        for i in range(max(j.runs for j in inp["jobs"])):
            for j in inp["jobs"]:
                if i >= j.runs or j.failure:
                    continue
                tag = "%s-%s-%s" % (os.path.basename(os.path.splitext(j.csv)[0]), j.kind,
                                    j.keys or "")
                log("%s / %s, run %d of %d" % (inp["name"], j.tool, i + 1, j.runs))
                r = runner.run(tag, j.argv, cwd=j.cwd)
                if "failed" in r:
                    j.failure = r["failed"]
                elif r["signal"]:
                    j.failure = "killed by signal %d: %s" % (r["signal"], first_line(r["err"]))
                elif r["exit"] not in j.ok_exits:
                    j.failure = "exit %d: %s" % (r["exit"], first_line(r["err"]) or first_line(r["out"]))
                else:
                    j.walls.append(r["wall"])
                    j.rss_kb = max(j.rss_kb, r["rss_kb"])
                    note = j.check(j, r) if j.check else None
                    if note and note not in j.notes:
                        j.notes.append(note)

    # The table.
    header = ["input", "tool", "rows", "MB", "best s", "MB/s", "rows/s", "peak RSS MB",
              "kpix vs libcsv", "kpix vs JS", "result"]
    body = []
    targets = []
    for inp in inputs:
        base = next((j for j in inp["jobs"] if j.kind == "libcsv" and j.walls), None)
        js = next((j for j in inp["jobs"] if j.kind == "js" and j.walls), None)
        for j in inp["jobs"]:
            vs_csv = vs_js = "-"
            if j.kind == "kpix" and j.walls:
                if base:
                    pct = 100.0 * j.mbps() / base.mbps()
                    vs_csv = "%.0f%%" % pct
                    targets.append(("throughput >= 50% of libcsv count",
                                    "%s, %s: %.0f%%" % (inp["name"], j.tool, pct), pct >= 50))
                if js and js.keys == j.keys:
                    factor = j.rows_per_s() / js.rows_per_s()
                    vs_js = "%.1fx" % factor
                    targets.append(("speed >= 20x the JavaScript reference",
                                    "%s, %s: %.1fx" % (inp["name"], j.tool, factor), factor >= 20))
                rss = j.rss_kb * 1024 / MB
                if j.keys == "none":
                    targets.append(("peak memory < 16 MB without key checks",
                                    "%s, %s: %.1f MB" % (inp["name"], j.tool, rss), rss < 16))
                else:
                    label = "peak memory < 64 MB with the %s-row primary key" % fmt_rows(1_000_000)
                    what = "%s, %s: %.1f MB" % (inp["name"], j.tool, rss)
                    if j.rows < 1_000_000:
                        what += " (only %s keys in this run)" % fmt_rows(j.rows)
                    targets.append((label, what, rss < 64))
            if j.kind == "kpix" and not j.walls:
                targets.append(("kpix ran", "%s, %s: %s" % (inp["name"], j.tool, j.failure), False))
            if j.failure:
                body.append([inp["name"], j.tool, fmt_rows(j.rows), "%.1f" % j.mb, "-", "-", "-", "-",
                             "-", "-", "FAILED"])
                notes.append("%s / %s failed: %s (output in %s)" % (inp["name"], j.tool, j.failure,
                                                                    outs))
                continue
            body.append([inp["name"], j.tool, fmt_rows(j.rows), "%.1f" % j.mb,
                         fmt(j.best, ".3f"), fmt(j.mbps(), ".1f"), fmt_rate(j.rows_per_s()),
                         "%.1f" % (j.rss_kb * 1024 / MB), vs_csv, vs_js, j.result])
            for n in j.notes:
                notes.append("%s / %s: %s" % (inp["name"], j.tool, n))

    kpix_ver = (tool_version([a.kpix, "--version"]) or "version unknown") if have_kpix else "not found"
    libcsv_ver = tool_version(["dpkg-query", "-W", "-f", "${Version}", "libcsv3"]) or "?"
    print("# kpix benchmark")
    print()
    print("- machine: %s, %d cores, %s" % (cpu_model(), os.cpu_count() or 0, platform.platform()))
    cache = os.path.join(os.path.dirname(os.path.abspath(a.kpix)), "CMakeCache.txt")
    try:
        with open(cache) as f:
            btype = next((l.split("=", 1)[1].strip() for l in f
                          if l.startswith("CMAKE_BUILD_TYPE:")), "")
        if btype:
            kpix_ver += ", CMake build type " + btype
    except OSError:
        pass
    print("- kpix: %s (%s)" % (a.kpix, kpix_ver))
    print("- libcsv: %s (bench/csvcount.c, gcc -O2)" % libcsv_ver)
    if use_js:
        print("- JavaScript peer: tableschema %s on node %s" % (
            tool_version([a.node, "-p", "require('tableschema/package.json').version"], cwd=a.js_dir),
            tool_version([a.node, "--version"])))
    else:
        print("- JavaScript peer: not measured (%s)" % (a.js_skip or "no --js-dir"))
    print("- rows: %s per file; runs: best of %d (JavaScript peer: best of %d)"
          % (fmt_rows(rows), a.runs, a.js_runs))
    print()
    print(table(header, body, right={2, 3, 4, 5, 6, 7, 8, 9}))
    print()
    print("Notes:")
    print("- MB = 1,000,000 bytes everywhere (file size, MB/s, peak RSS). best s = fastest wall "
          "time of the runs; peak RSS = highest ru_maxrss of the runs (RSS floor of the launcher: "
          "%.1f MB)." % floor_mb)
    print("- libcsv and kpix each ran once untimed before their timed runs%s."
          % ("; the JavaScript peer did not (its runs are long, and its start-up is part of its "
             "cost), and it prints every error it finds where kpix keeps 100" if use_js else ""))
    print("- kpix vs libcsv = kpix MB/s / libcsv MB/s on the same file (target >= 50%). "
          "kpix vs JS = kpix rows/s / peer rows/s with the same schema (target >= 20x).")
    print("- kpix pk = bench/bench-schema.json (unique + primaryKey on id); kpix no-keys = "
          "bench/bench-schema-nokeys.json or, for the wide file, bench/wide-schema.json.")
    if use_js and any(i["js_rows"] < i["rows"] for i in inputs):
        print("- * the JavaScript peer read only the first %s rows of each file (--js-rows); "
              "its rows/s are compared, as if it went on at that rate (its start-up is included)."
              % fmt_rows(js_rows))
    for n in notes:
        print("- " + n)
    print()
    print("Targets:")
    if not targets:
        print("- none checked (kpix was not measured)")
    order = []
    for label, _, _ in targets:
        if label not in order:
            order.append(label)
    for label in order:
        print("- %s" % label)
        for lab, what, ok in targets:
            if lab == label:
                print("  - %s  %s" % ("PASS" if ok else "FAIL", what))
    if targets:
        passed = sum(1 for _, _, ok in targets if ok)
        print()
        print("%d of %d target checks passed%s." % (
            passed, len(targets), "" if rows >= 1_000_000 and a.runs >= 3
            else " (indicative only: fewer than 1,000,000 rows or 3 runs)"))
    sys.stdout.flush()
    if a.check and (not targets or not all(ok for _, _, ok in targets)):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
