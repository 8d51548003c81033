#!/usr/bin/env python3
"""A local indicator added without copying the council schema (issue 17),
end to end through the command line: docs/extending.md's worked example.

    python3 tests/cli/local_indicator.py --kpix build/kpix [--verbose]

examples/local-indicator/example-council-kpi.json extends the shipped
council-kpi-quarterly with CALL01 ("% of calls answered within 60
seconds", due from 2025-26 Q1), and board-pack.json, beside it, names it as
"example-council-kpi.json". This script runs, from a folder that is not
the repository's:

- kpix schemas show: what the schema extends, and what it adds;
- kpix validate: this quarter's return with the calls file is valid,
  without it CALL01 is missing, and last year's returns (before "from")
  are complete without it;
- kpix export, then kpix verify of the export (reproduced), and of the
  export after its base schema changed (exit 1, the base named);
- kpix pack with the definition given by a relative path from another
  folder (its schema found beside it), then kpix verify of the pack.

Exit status: 0 when every check passes, 1 when any fails, 2 on a usage
problem.
"""

import argparse
import csv
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from verify_pack import Checks  # noqa: E402  (one pass/fail counter for the cli tests)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLE = os.path.join(ROOT, "examples", "local-indicator")
SCHEMA = os.path.join(EXAMPLE, "example-council-kpi.json")
HOUSING = sorted(glob.glob(os.path.join(ROOT, "examples", "housing-board", "*.csv")))
CALLS = sorted(glob.glob(os.path.join(EXAMPLE, "calls-*.csv")))
Q2 = [os.path.join(ROOT, "examples", "housing-board", "2025-26-q2.csv"),
      os.path.join(EXAMPLE, "calls-2025-26-q2.csv")]


class Kpix:
    def __init__(self, binary, tmp, schemas):
        self.binary = binary
        self.cwd = os.path.join(tmp, "elsewhere")
        os.mkdir(self.cwd)
        self.env = dict(os.environ, KPIX_SCHEMA_PATH=schemas, LC_ALL="C", TZ="UTC")
        self.env.pop("SOURCE_DATE_EPOCH", None)

    def run(self, *args, cwd=None):
        p = subprocess.run([self.binary] + list(args), capture_output=True, text=True,
                           env=self.env, cwd=cwd or self.cwd, stdin=subprocess.DEVNULL)
        return p.returncode, p.stdout, p.stderr


def rows_of(path, code):
    with open(path, newline="", encoding="utf-8") as f:
        return [r for r in csv.DictReader(f) if r.get("code", r.get("indicator")) == code]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kpix", required=True)
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    c = Checks(a.verbose)
    with tempfile.TemporaryDirectory(prefix="kpix-local-indicator-") as tmp:
        # a copy of the shipped schemas, so that the base can be changed
        schemas = os.path.join(tmp, "schemas")
        shutil.copytree(os.path.join(ROOT, "schemas"), schemas)
        k = Kpix(os.path.abspath(a.kpix), tmp, schemas)

        rc, so, se = k.run("schemas", "show", SCHEMA)
        c.true("show: exit 0", rc == 0, "exit %d\n%s" % (rc, se))
        c.true("show: names the base",
               "Extends council-kpi-quarterly 2025-26.3 (%s/council-kpi-quarterly.json)" % schemas
               in so, so[:2000])
        c.true("show: the indicator added", "  added here:   indicator CALL01\n" in so, so[:2000])
        c.true("show: the base's indicators are there", "  RENT01   " in so and "  SAT01    " in so)
        c.true("show: due from", ", quarterly, due from 2025-26 Q1\n" in so, so)

        rc, so, se = k.run("validate", *Q2, "--schema", SCHEMA)
        c.true("validate with the calls file: valid", rc == 0 and so.startswith("valid: 2 files"),
               "exit %d\n%s%s" % (rc, so, se))
        rc, so, se = k.run("validate", Q2[0], "--schema", SCHEMA)
        c.true("validate without it: CALL01 missing",
               rc == 1 and "(CALL01) is missing from the 2025-26 Q2 return" in so
               and "[CKQ-MISSING]" in so, "exit %d\n%s%s" % (rc, so, se))
        last_year = [f for f in HOUSING if "2024-25" in f]
        rc, so, se = k.run("validate", *last_year, "--schema", SCHEMA)
        c.true("validate last year's returns: complete without CALL01 (before 'from')",
               rc == 0 and "0 errors" in so, "exit %d\n%s%s" % (rc, so, se))

        out = os.path.join(tmp, "return")
        rc, so, se = k.run("export", *Q2, "--schema", SCHEMA, "--param",
                           "contact=Performance team", "--out", out)
        c.true("export: exit 0", rc == 0, "exit %d\n%s%s" % (rc, so, se))
        if rc == 0:
            ret = os.path.join(out, "kpi-return-Example-Borough-Council-2025-26-Q2.csv")
            call = rows_of(ret, "CALL01")
            c.true("export: CALL01 in the return, green", len(call) == 1 and
                   call[0]["value"] == "84.5" and call[0]["rag"] == "Green", str(call))
            with open(os.path.join(out, "manifest.json"), encoding="utf-8") as f:
                m = json.load(f)
            c.true("export: the manifest records the schema and its base",
                   m["schema"]["id"] == "example-council-kpi" and
                   [b["id"] for b in m.get("schemaBases", [])] == ["council-kpi-quarterly"], str(m))
            rc, so, se = k.run("verify", os.path.join(out, "manifest.json"), *Q2, "--schema", SCHEMA)
            c.true("verify the export: reproduced",
                   rc == 0 and "  schema council-kpi-quarterly.json: unchanged (" in so and
                   so.splitlines()[-1].startswith("verified: "), "exit %d\n%s%s" % (rc, so, se))

        pack = os.path.join(tmp, "pack")
        examples = os.path.join(ROOT, "examples")
        rc, so, se = k.run("pack", *HOUSING, *CALLS, "--pack", "local-indicator/board-pack.json",
                           "--period", "2025-26 Q2", "--out", pack, cwd=examples)
        c.true("pack: exit 0, the schema found beside the definition", rc == 0,
               "exit %d\n%s%s" % (rc, so, se))
        if rc == 0:
            summary = os.path.join(pack, "example-board-2025-26-Q2-summary.csv")
            call = rows_of(summary, "CALL01")
            c.true("pack: CALL01 shown, green, rising from last quarter",
                   len(call) == 1 and call[0]["this_period"] == "84.5" and
                   call[0]["previous_period"] == "74.9" and call[0]["rag"] == "Green", str(call))
            rc, so, se = k.run("verify", os.path.join(pack, "manifest.json"), *HOUSING, *CALLS,
                               "--schema", SCHEMA, "--pack",
                               os.path.join(EXAMPLE, "board-pack.json"))
            c.true("verify the pack: reproduced",
                   rc == 0 and so.splitlines()[-1].startswith("verified: "),
                   "exit %d\n%s%s" % (rc, so, se))

        # the base changes after the export: verify must say so
        base = os.path.join(schemas, "council-kpi-quarterly.json")
        with open(base, encoding="utf-8") as f:
            text = f.read()
        with open(base, "w", encoding="utf-8") as f:
            f.write(text.replace('"title": "Council quarterly housing KPI return"',
                                 '"title": "Council quarterly housing KPI return, changed"', 1))
        rc, so, se = k.run("verify", os.path.join(out, "manifest.json"), *Q2, "--schema", SCHEMA)
        lines = so.splitlines()
        c.true("verify after the base changed: exit 1", rc == 1, "exit %d\n%s%s" % (rc, so, se))
        c.true("verify after the base changed: the base named",
               "  schema council-kpi-quarterly.json: CHANGED: %s is not the schema the export was "
               "made from" % base in lines, so)
        c.true("verify after the base changed: the verdict",
               lines[-1:] == ["NOT verified: the schema is not the one used"], so)

    print("local_indicator: %d passed, %d failed" % (c.passed, c.failed))
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
