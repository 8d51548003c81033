#!/usr/bin/python3
"""Runs kpix validate on each real Data Package in tests/datapackages and
compares the outcomes with expected.txt (see README.md).

    tests/datapackages/run.py KPIX_BINARY
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def expected():
    out = {}
    with open(os.path.join(HERE, "expected.txt"), encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            name, outcome, reason = (line.rstrip("\n").split(None, 2) + [""])[:3]
            out[name] = (outcome, reason.strip())
    return out


def main():
    if len(sys.argv) != 2:
        print("usage: tests/datapackages/run.py KPIX_BINARY", file=sys.stderr)
        return 2
    kpix = os.path.abspath(sys.argv[1])
    want = expected()
    packages = sorted(d for d in os.listdir(HERE)
                      if os.path.isfile(os.path.join(HERE, d, "datapackage.json")))
    loaded = clean = 0
    problems = []
    for name in packages:
        run = subprocess.run([kpix, "validate", "datapackage.json", "-q"],
                             cwd=os.path.join(HERE, name), capture_output=True,
                             text=True, env=dict(os.environ, LC_ALL="C"))
        outcome = {0: "clean", 1: "invalid"}.get(run.returncode, "no-load")
        if run.returncode > 4:
            outcome = "crash"
        loaded += outcome in ("clean", "invalid")
        clean += outcome == "clean"
        lines = (run.stderr.strip() or run.stdout.strip()).splitlines()
        reason = lines[0] if lines and outcome != "clean" else ""
        if outcome == "invalid":
            reason = next((l.strip() for l in run.stdout.splitlines()
                           if ": error: " in l), reason)
        if outcome != "clean":
            print(f"{name}: {outcome}: {reason}")
        exp = want.get(name)
        if exp is None:
            problems.append(f"{name}: not in expected.txt (it is {outcome})")
        elif exp[0] != outcome or (exp[1] and exp[1] not in reason):
            problems.append(f"{name}: expected {exp[0]} ({exp[1]}), got {outcome}: {reason}")
    for name in sorted(set(want) - set(packages)):
        problems.append(f"{name}: in expected.txt but not in tests/datapackages")
    want_loaded = sum(o in ("clean", "invalid") for o, _ in want.values())
    want_clean = sum(o == "clean" for o, _ in want.values())
    print(f"{len(packages)} Data Packages: {loaded} load, {clean} validate clean "
          f"(expected {want_loaded} and {want_clean})")
    for p in problems:
        print("UNEXPECTED " + p)
    return 1 if problems or loaded != want_loaded or clean != want_clean else 0


if __name__ == "__main__":
    sys.exit(main())
