#!/usr/bin/python3
"""One slip, one message (issue 15): each ordinary mistake an officer makes,
checked for the number of problems kpix reports and the first line read.

    tests/mistakes/run.py --kpix build/dev/kpix [NAME...]

Each case is NAME.expect beside its data file (NAME.csv), of lines
    command: the kpix arguments, @FILE@ standing for the data file
    diagnostics: the number of problems kpix must report
    first: the first line the officer reads
    exit: the exit status (default: 1 when a problem is an error, else 0)
and lines starting with '#' that say what the slip is. kpix runs from the
repository root with LC_ALL=C, as the golden tests run it.

The problems reported are the report's lines (text format) that say
"error" or "warning", and the lines kpix writes on standard error. The
first line read is the first of those on standard error, else the report's
"likely cause" line, else its first problem, else its verdict; the report's
lines are compared without their two leading spaces.

Prints "ok NAME" or "FAIL NAME" with what differed; exits 1 if any failed,
2 on a usage problem. Python 3.9+, stdlib only.
"""

import argparse
import glob
import os
import re
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
PROBLEM = re.compile(r"^  .*: (error|warning): ")


def read_case(path):
    case = {"notes": []}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip():
                continue
            if line.startswith("#"):
                case["notes"].append(line[1:].strip())
                continue
            key, sep, value = line.partition(":")
            if not sep or key not in ("command", "diagnostics", "first", "exit"):
                raise ValueError(f"{path}:{n}: expected 'command:', 'diagnostics:', 'first:' "
                                 f"or 'exit:'")
            case[key] = value.strip()
    for key in ("command", "diagnostics", "first"):
        if key not in case:
            raise ValueError(f"{path}: no '{key}:' line")
    return case


def data_file(expect):
    stem = expect[: -len(".expect")]
    found = [p for p in glob.glob(stem + ".*") if not p.endswith((".expect", ".py"))]
    if len(found) != 1:
        raise ValueError(f"{expect}: expected one data file beside it, found {found}")
    return os.path.relpath(found[0], ROOT)


def what_kpix_said(out, err):
    """The problems reported, and the first line the officer reads."""
    err_lines = [l for l in err.splitlines() if l.startswith("kpix: ")]
    report = out.splitlines()
    problems = [l for l in report if PROBLEM.match(l)]
    cause = [l for l in report if l.startswith("likely cause: ")]
    verdict = [l for l in report if l.startswith(("valid: ", "invalid: "))]
    first = (err_lines or cause or [p[2:] for p in problems] or verdict or [""])[0]
    return len(problems) + len(err_lines), first, problems


def run_case(kpix, expect):
    case = read_case(expect)
    name = os.path.basename(expect)[: -len(".expect")]
    args = [a.replace("@FILE@", data_file(expect)) for a in shlex.split(case["command"])]
    env = dict(os.environ, LC_ALL="C", TZ="UTC", KPIX_SCHEMA_PATH=os.path.join(ROOT, "schemas"))
    p = subprocess.run([kpix] + args, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=120)
    out, err = p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
    count, first, problems = what_kpix_said(out, err)
    want_exit = int(case["exit"]) if "exit" in case else \
        (1 if any(": error: " in l for l in problems) else 0)
    wrong = []
    if count != int(case["diagnostics"]):
        wrong.append(f"  {count} problems reported, expected {case['diagnostics']}")
    if first != case["first"]:
        wrong.append(f"  first line:    {first}\n  expected:      {case['first']}")
    if p.returncode != want_exit:
        wrong.append(f"  exit status {p.returncode}, expected {want_exit}")
    if wrong:
        print(f"FAIL {name}: kpix {' '.join(shlex.quote(a) for a in args)}")
        print("\n".join(wrong))
        print("  what kpix said:\n" + "".join(f"    | {l}\n" for l in (err + out).splitlines()))
        return False
    print(f"ok {name}: {count} problem{'s' if count != 1 else ''}")
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kpix", required=True, help="the kpix binary")
    ap.add_argument("names", nargs="*", help="the cases to run (default: all)")
    a = ap.parse_args()
    kpix = os.path.abspath(a.kpix)
    if not os.access(kpix, os.X_OK):
        print(f"run.py: cannot run {a.kpix}", file=sys.stderr)
        return 2
    cases = sorted(glob.glob(os.path.join(HERE, "*.expect")))
    if a.names:
        cases = [c for c in cases if os.path.basename(c)[: -len(".expect")] in a.names]
    if not cases:
        print("run.py: no cases", file=sys.stderr)
        return 2
    try:
        failed = sum(not run_case(kpix, c) for c in cases)
    except ValueError as e:
        print(f"run.py: {e}", file=sys.stderr)
        return 2
    print(f"{len(cases) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
