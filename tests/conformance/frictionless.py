#!/usr/bin/env python3
"""Conformance of `kpix validate` with frictionless-py's validation tests.

Runs the built kpix on every case of tests/corpora/frictionless-py/cases.json
and on every resource of the packages in tests/corpora/frictionless-test-data,
each with its Table Schema exactly as the corpus has it (issue 17: no "$kpix",
id or version is added; kpix reads a file without "$kpix" as a plain Table
Schema), and compares the [row, column, code] list of kpix's errors with the
list the corpus gives: frictionless-py's (transcribed from its pytest
assertions), or the test-data README's sentences.

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
DOCS = os.path.normpath(os.path.join(HERE, "..", "..", "docs", "conformance.md"))
TEST_DATA = os.path.normpath(os.path.join(HERE, "..", "corpora", "frictionless-test-data"))

# frictionless-test-data gives its expectations as English sentences in each
# package's README.md (in tableschema-js's words, with no row numbers; the
# rows follow from data.csv, whose header is row 1). Transcribed here, per
# package/resource, as [row, column, code]. all-schema-types states none: it
# is the corpus's example of every type, with valid data. invalid-data's
# resources are named for their one fault (an extra cell, a missing cell).
TEST_DATA_EXPECTED = {
    "types-formats-and-constraints/constraints/constraints-data": [
        [3, 1, "constraint-error"], [3, 2, "unique-error"], [3, 3, "constraint-error"],
        [3, 4, "constraint-error"], [3, 5, "constraint-error"], [3, 6, "constraint-error"],
        [3, 7, "constraint-error"], [3, 8, "constraint-error"]],
    "types-formats-and-constraints/date/date-data": [[3, 1, "type-error"], [3, 3, "type-error"]],
    "types-formats-and-constraints/datetime/datetime-data": [
        [3, 1, "type-error"], [3, 2, "type-error"], [3, 3, "type-error"]],
    "types-formats-and-constraints/string/string-data": [
        [3, 1, "constraint-error"], [3, 2, "type-error"], [3, 3, "type-error"]],
    "types-formats-and-constraints/time/time-data": [
        [3, 1, "type-error"], [3, 2, "type-error"], [3, 3, "type-error"]],
    "types-formats-and-constraints/year/year-data": [[2, 2, "type-error"]],
    "types-formats-and-constraints/yearmonth/yearmonth-data": [[2, 2, "type-error"]],
    "all-schema-types/all-schema-types": [],
    "invalid-data/extra-column": [[2, 4, "extra-cell"]],
    "invalid-data/missing-column": [[2, 3, "missing-cell"]],
}

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
    "schema-sync-required-null": {
        "reason": "frictionless-py's detector option schema_sync matches the schema's"
                  " fields to the header by name; kpix has no such option and, with the"
                  " schema as it is (fieldsMatch exact by default), reports the header"
                  " that differs from the fields in order and the cells that follow",
        "expected": [[None, 2, "incorrect-label"], [None, 3, "incorrect-label"],
                     [None, 4, "extra-label"], [2, 4, "extra-cell"], [3, 4, "extra-cell"],
                     [4, 4, "extra-cell"]],
    },
    "types-formats-and-constraints/constraints/constraints-data": {
        "reason": "Table Schema patterns match the whole value (XML Schema regex, as"
                  " frictionless-py anchors them): 'ade' does not match [abc]+, so row 2"
                  " column 7 is an error too; the README, written for tableschema-js,"
                  " searched for the pattern anywhere in the value",
        "expected": [
            [2, 7, "constraint-error"],
            [3, 1, "constraint-error"], [3, 2, "unique-error"], [3, 3, "constraint-error"],
            [3, 4, "constraint-error"], [3, 5, "constraint-error"], [3, 6, "constraint-error"],
            [3, 7, "constraint-error"], [3, 8, "constraint-error"]],
    },
    "types-formats-and-constraints/time/time-data": {
        "reason": 'kpix reads a time of format "any" as hh:mm or hh:mm:ss (with a'
                  " fraction or a zone), so row 3's 00:01 is a time and row 2's"
                  " '2018-01-01 00:00:00', a date and a time, is not; tableschema-js's"
                  " README expects the opposite of both",
        "expected": [[2, 2, "type-error"], [3, 1, "type-error"], [3, 3, "type-error"]],
    },
}

# Codes that describe the whole source rather than a row or a label.
SOURCE_CODES = {"source-error", "encoding-error", "scheme-error", "format-error"}

DEFAULT_MAX_ERRORS = 1000
TIMEOUT = 60


class CaseError(Exception):
    """A case that cannot be run or whose output cannot be read."""


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
    """The schema for a case: a dict to write, or the path of the corpus's
    own schema file; and notes on how it was made. Nothing is added to a
    schema the corpus gives."""
    spec = case["schema"]
    notes = []
    if isinstance(spec, dict):
        body = spec
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
        body = os.path.join(CORPUS, spec)
    if case.get("options", {}).get("detector.schema_sync"):
        notes.append("detector.schema_sync has no kpix counterpart: the schema is used as it is")
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


def schema_file(tmp, cid, body):
    """The path of a schema: a corpus file as it is, or a dict written
    unchanged to a file of its own in tmp."""
    if isinstance(body, str):
        return body
    path = os.path.join(tmp, "schema-%s.json" % re.sub(r"[^A-Za-z0-9-]+", "-", cid))
    with open(path, "w", encoding="utf-8") as f:
        json.dump(body, f, indent=2)
    return path


def run_case(case, kpix, tmp, fields_match=None):
    """Returns (status, detail lines); status is PASS, FAIL or DIFF."""
    cid = case["id"] if fields_match is None else "%s[%s]" % (case["id"], fields_match)
    data_path = os.path.join(CORPUS, case["data"])
    body, notes = build_schema(case, data_path)
    if fields_match is not None:
        # --all-fields-match only: the variants the corpus gives for each mode
        if isinstance(body, str):
            with open(body, encoding="utf-8") as f:
                body = json.load(f)
        body = dict(body, fieldsMatch=fields_match)
        notes.append('fieldsMatch "%s" (a variant of the case, not CI)' % fields_match)
    mode = (body if isinstance(body, dict) else {}).get("fieldsMatch", "exact")
    upstream = upstream_expected(case, mode)
    return compare(cid, kpix, data_path, schema_file(tmp, cid, body), upstream, notes,
                   case.get("options", {}), case.get("expected_warning"))


def compare(cid, kpix, data_path, schema_path, upstream, notes, opts, expected_warning=None):
    """Runs kpix on one data file and compares its errors with upstream's
    list, or with the DIFFERENCES entry for cid."""
    diff = DIFFERENCES.get(cid)
    expected = diff["expected"] if diff else upstream
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
    if expected_warning and report.get("truncated") is not True:
        problems.append("expected truncated=true (%s)" % expected_warning)

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


def test_data_runs():
    """(id, data path, schema dict) for each resource of each package of
    frictionless-test-data, its schema exactly as the package has it."""
    runs = []
    root = os.path.join(TEST_DATA, "packages")
    for dirpath, _dirs, files in sorted(os.walk(root)):
        if "datapackage.json" not in files:
            continue
        with open(os.path.join(dirpath, "datapackage.json"), encoding="utf-8") as f:
            package = json.load(f)
        rel = os.path.relpath(dirpath, root).replace(os.sep, "/")
        for res in package.get("resources", []):
            if not isinstance(res.get("schema"), dict):
                continue
            runs.append(("%s/%s" % (rel, res["name"]), os.path.join(dirpath, res["path"]),
                         res["schema"]))
    return runs


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
    data_runs = test_data_runs()
    ids = [c["id"] for c in cases] + [r[0] for r in data_runs]
    for unknown in sorted(set(TEST_DATA_EXPECTED) - set(r[0] for r in data_runs)):
        print("frictionless.py: TEST_DATA_EXPECTED names unknown resource %s" % unknown,
              file=sys.stderr)
        return 2
    with open(DOCS, encoding="utf-8") as f:
        docs = f.read()
    for undocumented in sorted(c for c in DIFFERENCES if "`%s`" % c not in docs):
        print("frictionless.py: the difference %s is not in docs/conformance.md" % undocumented,
              file=sys.stderr)
        return 2
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

    for rid, data_path, schema in data_runs:
        runs.append(((rid, data_path, schema), "test-data"))

    counts = collections.Counter()
    with tempfile.TemporaryDirectory(prefix="kpix-frictionless-") as tmp:
        for case, mode in runs:
            try:
                if mode == "test-data":
                    rid, data_path, schema = case
                    if rid not in TEST_DATA_EXPECTED:
                        raise CaseError("%s: the corpus states no expectation and the runner"
                                        " has none transcribed" % rid)
                    cid, status, detail = compare(rid, kpix, data_path,
                                                  schema_file(tmp, rid, schema),
                                                  TEST_DATA_EXPECTED[rid], [], {})
                else:
                    cid, status, detail = run_case(case, kpix, tmp, mode)
            except CaseError as exc:
                cid = case[0] if mode == "test-data" else (
                    case["id"] if mode is None else "%s[%s]" % (case["id"], mode))
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
    print("Documented differences (docs/conformance.md):")
    for cid, entry in DIFFERENCES.items():
        print("  %s: %s" % (cid, entry["reason"]))
    print("%d cases: %d equal to the corpus, %d documented differences, %d failed"
          % (sum(counts.values()), counts["PASS"], counts["DIFF"], counts["FAIL"]))
    return 1 if counts["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
