#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/TARGET/)
from files the tests already use: the examples, the shipped schemas, the
golden fixtures, the CSV conformance corpora and the golden cases'
manifests. Run from the repository's top directory; it replaces what is in
corpus/ and leaves regress/ alone.
Seeds picked by hand from a fuzz campaign live in corpus/TARGET/ under
names starting with "campaign-" and are kept."""
import glob
import json
import os
import re
import shutil

OUT = "tests/fuzz/corpus"


def clear(target):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        if not f.startswith("campaign-"):
            os.remove(os.path.join(d, f))
    return d


def name_for(path):
    return re.sub(r"[^A-Za-z0-9._-]+", "_", path)


def csv_seeds():
    d = clear("csv")
    files = (glob.glob("examples/*/*.csv") + glob.glob("tests/golden/fixtures/*.csv")
             + glob.glob("tests/corpora/**/*.csv", recursive=True))
    for f in sorted(files):
        shutil.copyfile(f, os.path.join(d, name_for(f)))


def schema_seeds():
    d = clear("schema")
    files = glob.glob("schemas/*.json") + glob.glob("tests/golden/fixtures/*.json")
    for f in sorted(files):
        with open(f, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        if '"$kpix"' in text or f.startswith("tests/golden/fixtures/bad-"):
            shutil.copyfile(f, os.path.join(d, name_for(f)))
    # the schemas shown in the format's documentation
    with open("docs/schema-format.md", encoding="utf-8") as fh:
        blocks = re.findall(r"```json\n(.*?)```", fh.read(), re.S)
    n = 0
    for b in blocks:
        if '"$kpix"' in b:
            n += 1
            with open(os.path.join(d, "docs_schema-format_%d.json" % n), "w") as out:
                out.write(b)


# A value for each name fuzz_expr.c knows, in its order.
EXPR_VALUES = ["42.5", "17", "40", "2025-26 Q2", "LCRA", "TP01", "1", "40.1",
               "some text", ""]


def expr_seeds():
    d = clear("expr")
    exprs = []
    for f in sorted(glob.glob("schemas/*.json")):
        with open(f, encoding="utf-8") as fh:
            doc = json.load(fh)
        def walk(v):
            if isinstance(v, dict):
                for k, x in v.items():
                    if k in ("when", "check", "value", "expression") and isinstance(x, str):
                        exprs.append(x)
                    else:
                        walk(x)
            elif isinstance(v, list):
                for x in v:
                    walk(x)
        walk(doc)
    # the functions and forms the schemas do not use
    exprs += [
        "round(numerator / denominator * 100, 1) == value",
        "ceil(value) + floor(value) - abs(-value) % 7",
        "min(value, numerator, 3) <= max(1, denominator)",
        "len(tenure) > 2 and not isnull(indicator)",
        "coalesce(notes, tenure, 'none') != 'x'",
        "if(value > 50, 'high', 'low') == 'high'",
        "quarter_start(period) <= quarter_end(period) and year_end('2025-26') > 0",
        "text(value) == '42.5' or text(value, 2) == text(1e20)",
        "indicator in ('TP01', 'TP02') and tenure not in ('LCRA')",
        "`Field with space` is not null or prev.value is null",
        "sample_size(denominator, 95) <= numerator",
        "'it''s' == 'it''s' and true or false",
        "-(-(value)) * 2 / 0",
    ]
    seen = set()
    for i, e in enumerate(x for x in exprs if not (x in seen or seen.add(x))):
        with open(os.path.join(d, "expr-%03d" % i), "w") as out:
            out.write(e.replace("\n", " ") + "\n" + "\n".join(EXPR_VALUES) + "\n")


def validate_seeds():
    d = clear("validate")
    cases = [
        ("council-kpi-quarterly", "examples/council-kpi-quarterly/q2-2025-26.csv", None),
        ("council-kpi-quarterly", "examples/council-kpi-quarterly/q2-2025-26-mistakes.csv", None),
        ("council-kpi-quarterly", "examples/housing-board/2025-26-q1.csv", None),
        ("onesource-kpi", "examples/onesource/okpi1-history.csv", None),
        ("rsh-tsm-2024-25", "examples/rsh-tsm/tsm-2024-25-council.csv",
         "examples/rsh-tsm/tsm-2023-24-council.csv"),
        ("rsh-tsm-2024-25", "examples/rsh-tsm/tsm-2024-25-association.csv", None),
        ("rsh-tsm-2024-25", "examples/rsh-tsm/tsm-2024-25-association-mistakes.csv", None),
        ("tests/golden/fixtures/tiny.json", "tests/golden/fixtures/quoting.csv", None),
        ("tests/golden/fixtures/tiny.json", "tests/golden/fixtures/bom-crlf.csv", None),
        ("tests/golden/fixtures/tiny.json", "tests/golden/fixtures/cp1252.csv", None),
        ("schemas/onesource-kpi.json", "examples/onesource/okpi1-history.csv", None),
        ("schemas/council-kpi-quarterly.json",
         "tests/golden/fixtures/council-warnings-and-formula-text.csv", None),
    ]
    for schema, csv, prev in cases:
        if schema.endswith(".json"):
            with open(schema, "rb") as fh:
                head = fh.read().rstrip(b"\n")
        else:
            head = schema.encode()
        with open(csv, "rb") as fh:
            body = fh.read()
        data = head + b"\n==csv==\n" + body
        if prev:
            if not data.endswith(b"\n"):
                data += b"\n"
            with open(prev, "rb") as fh:
                data += b"==previous==\n" + fh.read()
        name = name_for(os.path.basename(schema)) + "+" + name_for(csv)
        with open(os.path.join(d, name), "wb") as out:
            out.write(data)
    # plain Table Schemas (issue 17): every type and format, from the
    # frictionless-test-data packages, each resource's schema as it is
    for pkg in sorted(glob.glob("tests/corpora/frictionless-test-data/packages/**/datapackage.json",
                                recursive=True)):
        with open(pkg, encoding="utf-8") as fh:
            package = json.load(fh)
        for res in package["resources"]:
            with open(os.path.join(os.path.dirname(pkg), res["path"]), "rb") as fh:
                body = fh.read()
            data = json.dumps(res["schema"]).encode() + b"\n==csv==\n" + body
            name = "plain+" + name_for(os.path.relpath(pkg, "tests/corpora")) + "+" + res["name"]
            with open(os.path.join(d, name), "wb") as out:
                out.write(data)


# Hostile changes to a real manifest, for fuzz_verify: (name, change) where
# change edits the parsed manifest in place. The source_date_epoch that
# crashed libxlsxwriter (issue 18) is not among them until the manifest
# reader refuses it: a seed is replayed by ctest in every build.
def _set(path, value):
    def change(m):
        at = m
        for k in path[:-1]:
            at = at[k]
        at[path[-1]] = value
    return change


VERIFY_HOSTILE = [
    ("epoch-1980", _set(["options", "source_date_epoch"], 315532800)),
    ("epoch-2100", _set(["options", "source_date_epoch"], 4102444800)),
    ("epoch-zero", _set(["options", "source_date_epoch"], 0)),
    ("epoch-negative", _set(["options", "source_date_epoch"], -1)),
    ("huge-size", _set(["outputs", 0, "size"], 18446744073709551615)),
    ("huge-rows", _set(["reconciliation", "rows_read"], 18446744073709551615)),
    ("huge-max-errors", _set(["options", "max_errors"], 99999999999999999999)),
    ("float-size", _set(["inputs", 0, "size"], 1e300)),
    ("output-dotdot", _set(["outputs", 0, "name"], "../outside.csv")),
    ("output-absolute", _set(["outputs", 0, "name"], "/etc/passwd")),
    ("output-dot", _set(["outputs", 0, "name"], ".")),
    ("input-dotdot", _set(["inputs", 0, "name"], "../../etc/passwd")),
    ("schema-absolute", _set(["schema", "name"], "/etc/passwd")),
    ("schema-id-path", _set(["schema", "id"], "../../etc/passwd")),
    ("output-control", _set(["outputs", 0, "name"], "x.csv\n\x1b[8mverified: all\r")),
    ("param-control", _set(["options", "parameters"], {"contact": "a\x01\x1b[2J"})),
    ("empty-name", _set(["outputs", 0, "name"], "")),
    ("manifest-is-input", _set(["inputs", 0, "name"], "manifest.json")),
]


def verify_seeds():
    d = clear("verify")
    for f in sorted(glob.glob("tests/golden/cases/*/out/manifest.json")):
        shutil.copyfile(f, os.path.join(d, "golden-" + f.split("/")[3] + ".json"))
    with open("tests/golden/cases/export-council-example/out/manifest.json") as fh:
        export = fh.read()
    with open("tests/golden/cases/pack-housing-board-example/out/manifest.json") as fh:
        pack = fh.read()
    for base, text in (("export", export), ("pack", pack)):
        for name, change in VERIFY_HOSTILE:
            m = json.loads(text)
            change(m)
            with open(os.path.join(d, "%s-%s.json" % (base, name)), "w") as out:
                json.dump(m, out, indent=2)
                out.write("\n")
    for name, text in (("export-truncated.json", export[: len(export) // 2]),
                       ("pack-period-bad.json", pack.replace("2025-26 Q2", "2025-26 Q9"))):
        with open(os.path.join(d, name), "w") as out:
            out.write(text)


def export_seeds():
    d = clear("export")
    cases = [
        (None, "examples/council-kpi-quarterly/q2-2025-26.csv"),
        (None, "examples/council-kpi-quarterly/q2-2025-26-mistakes.csv"),
        (None, "examples/housing-board/2025-26-q2.csv"),
        (None, "tests/golden/fixtures/council-warnings-and-formula-text.csv"),
        ("rsh-tsm-2024-25", "examples/rsh-tsm/tsm-2024-25-council.csv"),
        ("rsh-tsm-2024-25", "examples/rsh-tsm/tsm-2023-24-council.csv"),
        ("rsh-tsm-2024-25", "examples/rsh-tsm/tsm-2024-25-association.csv"),
        ("rsh-tsm-2024-25", "examples/rsh-tsm/tsm-2024-25-association-mistakes.csv"),
    ]
    for schema, csv in cases:
        with open(csv, "rb") as fh:
            body = fh.read()
        data = (schema.encode() + b"\n" if schema else b"") + body
        name = (schema or "council-kpi-quarterly") + "+" + name_for(csv)
        with open(os.path.join(d, name), "wb") as out:
            out.write(data)


csv_seeds()
schema_seeds()
expr_seeds()
validate_seeds()
verify_seeds()
export_seeds()
