#!/usr/bin/env python3
"""Conformance of `kpix validate` with frictionless-py's validation tests.

Runs the built kpix on every case of tests/corpora/frictionless-py/cases.json
and compares the [row, column, code] list of kpix's errors with the list the
reference implementation reports (transcribed from its pytest assertions).

    tests/conformance/frictionless.py --kpix build/kpix [--verbose]

Exit status: 0 when every case passes or matches its entry in DIFFERENCES,
1 when any case fails, 2 on a usage problem. Python 3.9+, stdlib only.
"""

import argparse
import collections
import csv
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.normpath(os.path.join(HERE, "..", "corpora", "frictionless-py"))

# Cases where kpix deliberately reports something else than frictionless-py.
# Each entry gives the reason and the exact list kpix is expected to report
# instead; the case is still run and fails if kpix prints anything else.
DIFFERENCES = {
    "pk-composite": {
        "reason": "kpix treats primary-key fields as required (Table Schema), so the"
                  " partly empty key ',Paul' on row 4 also gets a constraint-error in"
                  " column 1; row 6 (',') is an empty row at the end of the file, which"
                  " kpix ignores with one warning (issue 15: a spreadsheet writes such"
                  " rows) and checks no further (no key, no cells)",
        "expected": [[4, 1, "constraint-error"], [5, None, "primary-key"]],
    },
    "blank-rows": {
        "reason": "the empty row is the last of the file: kpix ignores empty rows at the"
                  " end with one warning, as a spreadsheet writes them (issue 15); an"
                  " empty row between rows stays a blank-row error",
        "expected": [],
    },
    "blank-rows-multiple": {
        "reason": "as blank-rows: the eleven empty rows end the file, one warning",
        "expected": [],
    },
    "fk-self-invalid": {
        "reason": "kpix reports a foreign-key problem in the cell an officer must correct"
                  " (here column 2, cat = 6), where frictionless-py reports the row only",
        "expected": [[6, 2, "foreign-key"]],
    },
}

# Codes that describe the whole source rather than a row or a label.
SOURCE_CODES = {"source-error", "encoding-error", "scheme-error", "format-error"}

DEFAULT_MAX_ERRORS = 1000
TIMEOUT = 60


class CaseError(Exception):
    """A case that cannot be run or whose output cannot be read."""


def kpix_schema(case_id, body):
    """The schema dict `body` with the top-level keys kpix requires.

    A kpix schema id holds only lower-case letters, digits and '-'.
    """
    sid = "case-" + re.sub(r"[^a-z0-9-]+", "-", case_id.lower()).strip("-")
    out = {"$kpix": "schema/1", "id": sid, "version": "1"}
    for key, value in body.items():
        if key not in out:
            out[key] = value
    return out


def read_labels(path):
    """The header labels of a CSV file, or None when the file is empty."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        return next(csv.reader(f), None)


def inferred_fields(labels, types):
    """Fields named as frictionless-py names inferred fields.

    A blank label becomes "field<N>" (N = 1-based position) and the k-th
    occurrence of a repeated name becomes "<name><k>"; kpix must still report
    blank-label and duplicate-label from the labels in the file.
    """
    names = [label if label else "field%d" % (i + 1) for i, label in enumerate(labels)]
    seen = collections.Counter()
    for i, name in enumerate(names):
        seen[name] += 1
        if seen[name] > 1:
            names[i] = "%s%d" % (name, seen[name])
    return [{"name": n, "type": types.get(n, "string")} for n in names]


def parse_inferred(spec):
    """'(inferred)' -> {}, '(inferred: id integer, x number)' -> {'id': 'integer', ...}."""
    inner = spec.strip()[1:-1]
    types = {}
    if ":" in inner:
        for part in inner.split(":", 1)[1].split(","):
            words = part.split()
            if len(words) != 2:
                raise CaseError("cannot read schema spec %r" % spec)
            types[words[0]] = words[1]
    return types


def build_schema(case, data_path):
    """The schema body (without kpix's keys) and notes on how it was made."""
    spec = case["schema"]
    notes = []
    if isinstance(spec, dict):
        body = json.loads(json.dumps(spec))
    elif spec.startswith("(inferred"):
        types = parse_inferred(spec)
        labels = read_labels(data_path)
        if labels is None:
            # Nothing to infer from; kpix needs at least one field to load the
            # schema, and must report the empty source before any label.
            labels = ["field1"]
            notes.append("empty file: one-field schema")
        body = {"fields": inferred_fields(labels, types)}
    else:
        with open(os.path.join(CORPUS, spec), encoding="utf-8") as f:
            body = json.load(f)
    opts = case.get("options", {})
    if opts.get("detector.schema_sync"):
        # frictionless's schema_sync maps schema fields to the labels by name,
        # dropping schema fields that are absent and keeping extra columns:
        # that is Table Schema's fieldsMatch "partial".
        body["fieldsMatch"] = "partial"
        notes.append('detector.schema_sync -> fieldsMatch "partial"')
    return body, notes


def upstream_expected(case, fields_match):
    """frictionless-py's list as [row, column, code] triples."""
    if "expected" in case:
        return [list(e) for e in case["expected"]]
    if "expected_with_fieldName" in case:
        return [[e[0], e[1], e[3]] for e in case["expected_with_fieldName"]]
    if "expected_by_fieldsMatch" in case:
        return [[e[0], e[1], e[3]] for e in case["expected_by_fieldsMatch"][fields_match]]
    if "expected_with_cells" in case:
        return [[e[0], e[1], e[2]] for e in case["expected_with_cells"]]
    if "expected_type_note" in case:
        return [[None, None, e[0]] for e in case["expected_type_note"]]
    raise CaseError("case has no expectation this runner knows")


def is_label(code):
    return code.endswith("-label")


def picked(code, row, pick):
    """Whether a diagnostic is kept by frictionless's pick_errors list."""
    for p in pick:
        if p == "#row":
            if not is_label(code) and code not in SOURCE_CODES and row is not None:
                return True
        elif p == code:
            return True
    return False


def sort_key(e):
    return (e[0] or 0, e[1] or 0, e[2])


def run_kpix(kpix, data_path, schema_path, max_errors):
    cmd = [kpix, "validate", data_path, "--schema", schema_path,
           "--format", "json", "--max-errors", str(max_errors)]
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise CaseError("kpix did not finish in %d s: %s" % (TIMEOUT, " ".join(cmd)))
    stderr = proc.stderr.decode("utf-8", "replace").strip()
    if proc.returncode not in (0, 1):
        raise CaseError("kpix exited %d: %s\n  stderr: %s"
                        % (proc.returncode, " ".join(cmd), stderr))
    try:
        report = json.loads(proc.stdout.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise CaseError("kpix output is not JSON (%s)\n  stdout: %r\n  stderr: %s"
                        % (exc, proc.stdout[:500], stderr))
    return cmd, proc.returncode, report


def contract_problems(code, report):
    """Disagreements between the exit status and the report's own totals."""
    problems = []
    try:
        errors = report["errors"]
        valid = report["valid"]
        diags = report["diagnostics"]
    except (KeyError, TypeError) as exc:
        return ["report lacks key %s" % exc]
    if valid != (errors == 0):
        problems.append("valid=%s but errors=%s" % (valid, errors))
    if code != (0 if errors == 0 else 1):
        problems.append("exit status %d but errors=%s" % (code, errors))
    kept = sum(1 for d in diags if d.get("severity") == "error")
    if kept > errors:
        problems.append("%d error diagnostics listed but errors=%s" % (kept, errors))
    return problems


def kpix_list(report, pick, limit):
    """kpix's errors as [row, column, code], in report order."""
    out = []
    for d in report["diagnostics"]:
        if d.get("severity") != "error":
            continue
        code, row, col = d["code"], d.get("row"), d.get("column")
        if is_label(code):
            row = None  # kpix puts label problems on physical row 1
        if pick and not picked(code, row, pick):
            continue
        out.append([row, col, code])
    if pick and limit is not None:
        out = out[:limit]
    return out


def describe_delta(expected, got):
    want = collections.Counter(tuple(e) for e in expected)
    have = collections.Counter(tuple(e) for e in got)
    lines = []
    missing = sorted((want - have).elements(), key=sort_key)
    extra = sorted((have - want).elements(), key=sort_key)
    if missing:
        lines.append("  missing from kpix: %s" % json.dumps([list(e) for e in missing]))
    if extra:
        lines.append("  not expected:      %s" % json.dumps([list(e) for e in extra]))
    return lines


def run_case(case, kpix, tmp, fields_match=None):
    """Returns (status, detail lines); status is PASS, FAIL or DIFF."""
    cid = case["id"] if fields_match is None else "%s[%s]" % (case["id"], fields_match)
    data_path = os.path.join(CORPUS, case["data"])
    body, notes = build_schema(case, data_path)
    if fields_match is not None:
        body["fieldsMatch"] = fields_match
    mode = body.get("fieldsMatch", "exact")
    upstream = upstream_expected(case, mode)
    diff = DIFFERENCES.get(cid)
    expected = diff["expected"] if diff else upstream

    schema_path = os.path.join(tmp, "schema-%s.json" % cid.replace("[", "-").replace("]", ""))
    with open(schema_path, "w", encoding="utf-8") as f:
        json.dump(kpix_schema(cid, body), f, indent=2)

    opts = case.get("options", {})
    pick = opts.get("pick_errors")
    limit = opts.get("limit_errors")
    # frictionless applies pick_errors before limit_errors: with a pick, let
    # kpix keep everything and apply the limit after picking.
    max_errors = limit if (limit is not None and not pick) else DEFAULT_MAX_ERRORS
    cmd, code, report = run_kpix(kpix, data_path, schema_path, max_errors)
    got = kpix_list(report, pick, limit)

    detail = ["  command: %s" % " ".join(cmd)]
    detail += ["  note: %s" % n for n in notes]
    problems = contract_problems(code, report)
    if case.get("expected_warning") and report.get("truncated") is not True:
        problems.append("expected truncated=true (%s)" % case["expected_warning"])

    exp_sorted = sorted(expected, key=sort_key)
    got_sorted = sorted(got, key=sort_key)
    detail.append("  expected: %s" % json.dumps(exp_sorted))
    detail.append("  kpix:     %s" % json.dumps(got_sorted))
    if diff:
        detail.append("  upstream: %s" % json.dumps(sorted(upstream, key=sort_key)))
    if exp_sorted != got_sorted:
        detail += describe_delta(exp_sorted, got_sorted)
        if diff and got_sorted == sorted(upstream, key=sort_key):
            detail.append("  kpix now matches upstream: is the DIFFERENCES entry obsolete?")
        return cid, "FAIL", detail
    if problems:
        detail += ["  contract: %s" % p for p in problems]
        return cid, "FAIL", detail
    return cid, ("DIFF" if diff else "PASS"), detail


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kpix", required=True, help="the kpix binary to test")
    ap.add_argument("--verbose", action="store_true", help="print details of every case")
    ap.add_argument("--all-fields-match", action="store_true",
                    help="also run every fieldsMatch variant of the expected_by_fieldsMatch cases")
    args = ap.parse_args(argv)

    kpix = os.path.abspath(args.kpix)
    if not (os.path.isfile(kpix) and os.access(kpix, os.X_OK)):
        print("frictionless.py: %s is not an executable file" % args.kpix, file=sys.stderr)
        return 2
    with open(os.path.join(CORPUS, "cases.json"), encoding="utf-8") as f:
        cases = json.load(f)["cases"]
    ids = [c["id"] for c in cases]
    for unknown in sorted(set(DIFFERENCES) - set(ids)):
        print("frictionless.py: DIFFERENCES names unknown case %s" % unknown, file=sys.stderr)
        return 2

    runs = []
    for case in cases:
        runs.append((case, None))
        if args.all_fields_match and "expected_by_fieldsMatch" in case:
            for mode in case["expected_by_fieldsMatch"]:
                if mode != "exact":
                    runs.append((case, mode))

    counts = collections.Counter()
    with tempfile.TemporaryDirectory(prefix="kpix-frictionless-") as tmp:
        for case, mode in runs:
            try:
                cid, status, detail = run_case(case, kpix, tmp, mode)
            except CaseError as exc:
                cid = case["id"] if mode is None else "%s[%s]" % (case["id"], mode)
                status, detail = "FAIL", ["  " + line for line in str(exc).split("\n")]
            counts[status] += 1
            if status == "DIFF":
                print("DIFF %s (%s)" % (cid, DIFFERENCES[cid]["reason"]))
            else:
                print("%s %s" % (status, cid))
            if status == "FAIL" or args.verbose:
                for line in detail:
                    print(line)

    print()
    print("Documented differences from frictionless-py:")
    for cid, entry in DIFFERENCES.items():
        print("  %s: %s" % (cid, entry["reason"]))
    print("%d passed, %d failed, %d documented differences"
          % (counts["PASS"], counts["FAIL"], counts["DIFF"]))
    return 1 if counts["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
