#!/usr/bin/env python3
"""Nothing lost (kpix issue 5): every data row kpix reads is accounted for.

    tests/cli/nothing_lost.py --kpix BIN

validate: every CSV file under examples/, tests/golden/fixtures/, the
csv-spectrum corpus and tests/hostile/, and hostile files this test makes
(below), is checked with `kpix validate --format json` against the schema it
fits: the one an example's README.md names, a shipped schema whose fields
are its header, or else a permissive one written here (every column of the
header, any type, nothing required). The report must say
  - rows == the number of data records in the file, counted here without
    kpix (see expected_rows);
  - rejected == the number of data rows that hold at least one error in the
    report's diagnostics (all of them: --max-errors is set above the count),
    leaving out the errors about the return as a whole, completeness and
    figure-constraint, which belong to no one row;
  - so rows == valid + rejected with valid = rows - rejected >= 0.

export and pack: every golden case (tests/golden/cases) that runs
`kpix export` or `kpix pack` and succeeds, which includes each example that
tools/demo.sh exports or packs, is run again here. Its manifest.json must say
  - export: rows_read == rows_exported + rows_rejected; the inputs' rows sum
    to rows_read; each input's rows is its count of data records; each CSV
    output holds as many records after its header as the manifest's rows for
    it, and, for an export with a row per data row (not "rows": "figures" or
    "catalogue"), that is rows_exported;
  - pack: rows_shown + rows_later + rows_other_indicators +
    rows_other_organisations == rows_read, and the inputs' rows sum to it.

Prints one line per check that fails and a count; exits 1 if any failed.
"""

import argparse
import csv
import glob
import io
import json
import os
import shlex
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RETURN_CODES = {"completeness", "figure-constraint"}
# a count above any file's problems, so the report lists every diagnostic
MAX_ERRORS = "100000000"

csv.field_size_limit(1 << 30)

failures = []


def fail(what, why):
    failures.append(f"{what}: {why}")
    print(f"FAIL {what}: {why}")


# --------------------------------------------------------------- counting

def records_by_rules(text):
    """Counts the records of text as README ("What kpix reads", "Limits")
    says kpix reads them, including its recovery from broken bytes:
      - a cell is quoted when it starts with a quote; a doubled quote inside
        is one quote; CR, LF and CRLF end a line, and a line end inside
        quotes stays in the cell; a blank line is a record;
      - a quote out of place (inside an unquoted cell, or after a closing
        quote other than a comma or a line end): the rest of that line is
        skipped and the record ends with it;
      - a quote never closed: the rest of the file is one cell of the record;
      - a cell over 1 MiB, quoted or not, is read to its end like any other
        (its row is rejected, but it is a row).
    Returns (records, [what was broken]).
    """
    n = len(text)
    i = 0
    records = 0
    broken = []

    def skip_line(j):
        while j < n and text[j] not in "\r\n":
            j += 1
        return end_line(j)

    def end_line(j):
        if j < n and text[j] == "\r" and j + 1 < n and text[j + 1] == "\n":
            return j + 2
        return j + 1

    while i < n:
        records += 1
        while True:  # the cells of one record
            if i < n and text[i] == '"':
                j = i + 1
                while True:
                    k = text.find('"', j)
                    if k < 0:
                        broken.append(f"a quote never closed (record {records})")
                        return records, broken
                    if text.startswith('""', k):
                        j = k + 2
                        continue
                    break
                i = k + 1
                if i >= n:
                    break
                if text[i] == ",":
                    i += 1
                    continue
                if text[i] in "\r\n":
                    i = end_line(i)
                    break
                broken.append(f"a quote out of place (record {records})")
                i = skip_line(i)
                break
            j = i
            while j < n and text[j] not in ',\r\n"':
                j += 1
            if j < n and text[j] == '"':
                broken.append(f"a quote out of place (record {records})")
                i = skip_line(j)
                break
            if j < n and text[j] == ",":
                i = j + 1
                continue
            i = end_line(j)
            break
    return records, broken


def expected_rows(data):
    """The number of data rows kpix must read from a file's bytes, and how
    that number was worked out. A file whose bytes are sound is counted by
    Python's csv module (RFC 4180, the same dialect), and records_by_rules
    must agree with it; a broken one is counted by records_by_rules."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return 0, "UTF-16, refused whole (source-error)"
    # without a mark: two ASCII characters, each with a NUL beside it
    d = data[:4]
    if len(d) == 4 and ((d[0] and not d[1] and d[2] and not d[3]) or
                        (not d[0] and d[1] and not d[2] and d[3])):
        return 0, "UTF-16 without a byte-order mark, refused whole (source-error)"
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    # Commas, quotes, CR and LF are the same bytes in UTF-8 and in
    # Windows-1252, so reading the bytes as Latin-1 keeps every record.
    text = data.decode("latin-1")
    by_rules, broken = records_by_rules(text)
    if broken:
        return max(by_rules - 1, 0), "README's rules for broken bytes: " + "; ".join(broken)
    records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    if len(records) != by_rules:
        raise AssertionError(f"the test's own counts differ: csv {len(records)}, rules {by_rules}")
    # empty rows that end the file are ignored, with one warning (issue 15)
    trailing = 0
    while len(records) > 1 and not any(records[-1]):
        records.pop()
        trailing += 1
    how = "Python's csv module"
    if trailing:
        how += f", less the {trailing} empty rows that end the file"
    return max(len(records) - 1, 0), how


def header_of(data):
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    line = data.split(b"\n", 1)[0].split(b"\r", 1)[0].decode("latin-1")
    try:
        return next(csv.reader([line]), [])
    except csv.Error:
        return []


# ------------------------------------------------------------------- kpix

def run(kpix, args, cwd=ROOT, env=None):
    e = dict(os.environ, KPIX_SCHEMA_PATH=os.path.join(ROOT, "schemas"), LC_ALL="C", TZ="UTC")
    e.pop("SOURCE_DATE_EPOCH", None)
    e.update(env or {})
    return subprocess.run([kpix] + args, cwd=cwd, env=e, stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=600)


def shipped_schemas():
    out = []
    for path in sorted(glob.glob(os.path.join(ROOT, "schemas", "*.json"))):
        with open(path, encoding="utf-8") as f:
            s = json.load(f)
        out.append((s["id"], [fd["name"] for fd in s["fields"]]))
    return out


def named_schema(path):
    """The schema an example's README.md checks it with (`--schema ID` in a
    `kpix validate` line), or None."""
    readme = os.path.join(ROOT, os.path.dirname(path), "README.md")
    if not os.path.relpath(os.path.join(ROOT, path), ROOT).startswith("examples" + os.sep) or \
            not os.path.exists(readme):
        return None
    with open(readme, encoding="utf-8") as f:
        for line in f:
            words = line.split()
            if words[:2] == ["kpix", "validate"] and "--schema" in words[:-1]:
                return words[words.index("--schema") + 1]
    return None


def permissive_schema(header, path):
    """A schema that takes every column of the header as text: whatever
    the rows hold, the counts are what is checked."""
    names, seen = [], set()
    for i, h in enumerate(header[:16384]):
        name = h if h and h not in seen and len(h) <= 200 and h.isprintable() else f"column {i + 1}"
        seen.add(name)
        names.append(name)
    fields = [{"name": nm, "type": "any"} for nm in (names or ["column 1"])]
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"$kpix": "schema/1", "id": "permissive", "version": "1",
                   "title": "every column as text", "fields": fields}, f)
    return path


def check_validate(kpix, path, shown, schemas, scratch, schema=None):
    with open(os.path.join(ROOT, path), "rb") as f:
        data = f.read()
    want, how = expected_rows(data)
    header = header_of(data)
    schema = schema or named_schema(path) or \
        next((sid for sid, names in schemas if names == header), None)
    if schema is None:
        schema = permissive_schema(header, os.path.join(scratch, "permissive.json"))
    p = run(kpix, ["validate", path, "--schema", schema, "--format", "json",
                   "--max-errors", MAX_ERRORS])
    if p.returncode not in (0, 1):
        fail(shown, f"kpix validate exited {p.returncode}: {p.stderr.decode(errors='replace')[:300]}")
        return
    rep = json.loads(p.stdout)
    if rep["truncated"]:
        fail(shown, "the report was cut short, so its rows cannot be checked")
        return
    (fr,) = rep["files"]
    rows, rejected = fr["rows"], fr["rejected"]
    valid = rows - rejected
    if valid < 0 or valid + rejected != rows:
        fail(shown, f"{rows} rows read but {valid} valid and {rejected} rejected")
    if rows != want:
        fail(shown, f"kpix read {rows} data rows, the file has {want} ({how})")
    bad = {d["row"] for d in rep["diagnostics"]
           if d["severity"] == "error" and d["code"] not in RETURN_CODES
           and d["row"] is not None and 2 <= d["row"] <= rows + 1}
    if rejected != len(bad):
        fail(shown, f"{rejected} rows rejected, but {len(bad)} data rows hold an error: "
                    f"{sorted(bad)[:20]}")
    print(f"ok validate {shown}: {rows} rows = {valid} valid + {rejected} rejected ({how}; "
          f"schema {os.path.basename(schema)})")


# A schema whose rows refer to the table itself twice: a row whose first
# reference is found only at the end and whose second never is was not
# counted as rejected.
SELF_REFERENCES = {
    "$kpix": "schema/1", "id": "self-references", "version": "1", "title": "two self-references",
    "fields": [{"name": "id"}, {"name": "parent"}, {"name": "other"}],
    "foreignKeys": [{"fields": f, "reference": {"resource": "", "fields": "id"}}
                    for f in ("parent", "other")]}


# Hostile files made here: name, bytes, the number of data rows each holds
# by construction (the header not counted), which expected_rows must find
# too, and the schema to check it with (None: the permissive one).
def hostile_inputs():
    big = "x" * (2 * 1024 * 1024)
    wide = ",".join(f"c{i}" for i in range(20000))
    return [
        ("cr-only", b"a,b\r1,2\r3,4\r", 2),
        ("mixed-line-ends", b"a,b\r\n1,2\n3,4\r5,6\r\n7,\"x\ry\"\n8,9", 5),
        ("unclosed-quote-at-eof", b"a,b\n1,2\n3,\"never closed\n4,5\n", 2),
        ("nul-bytes", b"a,b\n1,x\x00y\n\x00,2\n3,4\n", 3),
        ("two-mib-unquoted-cell", f"a,b\n1,{big}\n2,3\n".encode(), 2),
        # read to its end: the row is read and rejected, and 4,5 is read
        ("two-mib-quoted-cell", f"a,b\n1,2\n3,\"{big}\"\n4,5\n".encode(), 3),
        ("row-of-20000-columns", f"a,b\n1,2\n{wide}\n3,4\n".encode(), 3),
        # the last empty line ends the file: ignored, not read (issue 15)
        ("blank-lines", b"a,b\n\n1,2\n\r\n\n3,4\n\n", 5),
        ("header-only", b"a,b\n", 0),
        ("header-only-no-line-end", b"a,b", 0),
        ("empty", b"", 0),
        ("utf-16", "a,b\n1,2\n".encode("utf-16"), 0),
        ("bom-crlf", b"\xef\xbb\xbfa,b\r\n1,2\r\n", 1),
        ("windows-1252", b"a,b\n1,caf\xe9\n2,\"na\xefve\nline\"\n", 2),
        ("quote-out-of-place", b"a,b\n1,x\"y\n2,\"p\"q,\"r\ns\"\n3,4\n", 4),
        ("self-references", b"id,parent,other\n1,1,1\n2,3,9\n3,1,1\n", 3, SELF_REFERENCES),
    ]


# --------------------------------------------------------- export / pack

def golden_writers():
    """The golden cases that run export or pack and succeed."""
    for d in sorted(glob.glob(os.path.join(ROOT, "tests", "golden", "cases", "*"))):
        try:
            with open(os.path.join(d, "cmd"), encoding="utf-8") as f:
                cmd = f.read().strip()
            with open(os.path.join(d, "expected.code"), encoding="utf-8") as f:
                code = f.read().strip()
        except OSError:
            continue
        if code != "0" or cmd.split(" ", 1)[0] not in ("export", "pack") or "@OUT@" not in cmd:
            continue
        if os.path.exists(os.path.join(d, "setup")) or os.path.exists(os.path.join(d, "runner")):
            continue
        env = {}
        if os.path.exists(os.path.join(d, "env")):
            with open(os.path.join(d, "env"), encoding="utf-8") as f:
                for line in f:
                    if "=" in line:
                        k, v = line.rstrip("\r\n").split("=", 1)
                        env[k] = v
        yield os.path.basename(d), cmd, env


def csv_records(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.reader(f, strict=True))


def check_writer(kpix, name, cmd, env, scratch):
    out = os.path.join(scratch, "out")
    args = [a.replace("@ROOT@", ROOT).replace("@OUT@", out).replace("@TMP@", scratch)
            for a in shlex.split(cmd)]
    p = run(kpix, args, env=env)
    if p.returncode != 0:
        fail(name, f"kpix {args[0]} exited {p.returncode}: {p.stderr.decode(errors='replace')[:300]}")
        return
    with open(os.path.join(out, "manifest.json"), encoding="utf-8") as f:
        m = json.load(f)
    rec = m["reconciliation"]
    read = rec["rows_read"]
    inputs = sum(i["rows"] for i in m["inputs"])
    if inputs != read:
        fail(name, f"the inputs' rows sum to {inputs}, rows_read is {read}")
    data_files = [a for a in args[1:] if a.endswith(".csv") and os.path.isfile(os.path.join(ROOT, a))]
    for i in m["inputs"]:
        path = next((a for a in data_files if os.path.basename(a) == i["name"]), None)
        if path is None:
            fail(name, f"input {i['name']} is not among the files given")
            continue
        with open(os.path.join(ROOT, path), "rb") as f:
            want, how = expected_rows(f.read())
        if i["rows"] != want:
            fail(name, f"input {i['name']}: the manifest says {i['rows']} rows, the file has "
                       f"{want} ({how})")
    if m["command"] == "export":
        exported, rejected = rec["rows_exported"], rec["rows_rejected"]
        if exported + rejected != read:
            fail(name, f"rows_read {read} != rows_exported {exported} + rows_rejected {rejected}")
        schema = args[args.index("--schema") + 1]
        spath = schema if "/" in schema or schema.endswith(".json") else \
            os.path.join("schemas", schema + ".json")
        with open(os.path.join(ROOT, spath), encoding="utf-8") as f:
            exports = {e["name"]: e for e in json.load(f)["exports"]}
        for o in m["outputs"]:
            if o["format"] != "csv":
                continue
            n = len(csv_records(os.path.join(out, o["name"]))) - 1
            if n != o["rows"]:
                fail(name, f"{o['name']} holds {n} rows, the manifest says {o['rows']}")
            per_row = exports[o["export"]].get("rows", "data") == "data"
            if per_row and n != exported:
                fail(name, f"{o['name']} holds {n} rows, but {exported} were exported")
        print(f"ok {name}: {read} rows read = {exported} exported + {rejected} rejected")
    else:
        parts = ["rows_shown", "rows_later", "rows_other_indicators", "rows_other_organisations"]
        total = sum(rec[k] for k in parts)
        if total != read:
            fail(name, f"rows_read {read} != " + " + ".join(f"{k} {rec[k]}" for k in parts))
        print(f"ok {name}: {read} rows read = " + " + ".join(f"{rec[k]} {k[5:]}" for k in parts))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kpix", required=True)
    kpix = os.path.abspath(ap.parse_args().kpix)
    schemas = shipped_schemas()
    files = []
    for pattern in ("examples/**/*.csv", "tests/golden/fixtures/*.csv",
                    "tests/corpora/csv-spectrum/csvs/*.csv", "tests/hostile/**/*.csv"):
        files += sorted(glob.glob(os.path.join(ROOT, pattern), recursive=True))
    with tempfile.TemporaryDirectory(prefix="kpix-nothing-lost.") as scratch:
        for path in files:
            check_validate(kpix, os.path.relpath(path, ROOT), os.path.relpath(path, ROOT),
                           schemas, scratch)
        for name, data, rows, *schema in hostile_inputs():
            path = os.path.join(scratch, name + ".csv")
            with open(path, "wb") as f:
                f.write(data)
            want, how = expected_rows(data)
            if want != rows:
                fail(name, f"the test counts {want} rows ({how}), its maker says {rows}")
            if schema:
                spath = os.path.join(scratch, name + ".json")
                with open(spath, "w", encoding="utf-8") as f:
                    json.dump(schema[0], f)
                schema = spath
            check_validate(kpix, path, name, schemas, scratch, schema or None)
        n = 0
        for name, cmd, env in golden_writers():
            with tempfile.TemporaryDirectory(dir=scratch) as case:
                check_writer(kpix, name, cmd, env, case)
            n += 1
        if n == 0:
            fail("golden cases", "no export or pack case that succeeds was found")
    print(f"{len(files) + len(hostile_inputs()) + n} inputs and commands checked, "
          f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
