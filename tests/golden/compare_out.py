#!/usr/bin/env python3
"""Compares the files a golden case's command wrote with the case's reviewed copies.

    tests/golden/compare_out.py EXPECTED_DIR ACTUAL_DIR --kpix-version V
    tests/golden/compare_out.py --update EXPECTED_DIR ACTUAL_DIR

ACTUAL_DIR (the directory kpix wrote, which may not exist) must hold exactly
the files of EXPECTED_DIR (which may not exist either: then nothing may have
been written), hidden files included, so that a temporary file left behind
fails. Each file must be the same, byte for byte, with one exception:
manifest.json records the versions of kpix and the libraries it was built
with. There the golden copy writes each version as "@VERSION@"; the actual
file must name the same libraries in the same order, with kpix's version the
one `kpix --version` prints and each other a version number; everything else
in it is compared byte for byte.

Why not the versions' bytes: kpix's version changes with every release, and
the library versions with the Debian release kpix is built on, while nothing
else in the manifest does. The outputs' SHA-256s stay in the comparison: a
libxlsxwriter or zlib that writes other bytes changes the workbook golden as
well, and both are then to be updated and reviewed together.

On a difference it prints which file differs and how: a unified diff for a
text file (with CR shown as <CR>), and for an .xlsx the parts (unzipped with
zipfile) that are missing, extra or different, each XML part pretty-printed
and diffed, or, when every part is the same, how the zip container differs.

--update replaces EXPECTED_DIR with ACTUAL_DIR's files (the versions in
manifest.json written as "@VERSION@"), or removes it when nothing was written.

Exit status: 0 same (or updated), 1 different, 2 usage. Python 3.9+, stdlib only.
"""

import argparse
import difflib
import io
import os
import re
import shutil
import sys
import zipfile
from xml.dom import minidom
from xml.parsers.expat import ExpatError

PLACEHOLDER = "@VERSION@"
VERSION_RE = re.compile(r"^[0-9]+(\.[0-9]+)*([.+~-][0-9A-Za-z.+~-]+)?$")
MAX_DIFF_LINES = 80


def listing(top):
    """The files under top, as paths relative to it, sorted; [] when top does not exist."""
    names = []
    if not os.path.isdir(top):
        return names
    for d, dirs, files in os.walk(top):
        dirs.sort()
        for f in files:
            names.append(os.path.relpath(os.path.join(d, f), top))
    return sorted(names)


def read(path):
    with open(path, "rb") as f:
        return f.read()


# The "versions" object as json.dumps with indent 2 writes it (and jansson
# with JSON_INDENT(2)): one "name": "value" line per library.
VERSIONS_BLOCK = re.compile(rb'(\n  "versions": \{\n)(.*?)(\n  \})', re.S)
VERSION_LINE = re.compile(rb'^(    "[^"\\]+": )"([^"\\]*)"(,?)$')


def versions_out(data, check_kpix=None):
    """data with each version in manifest.json's "versions" written as the
    placeholder, and a list of problems with the versions themselves."""
    problems = []
    m = VERSIONS_BLOCK.search(data)
    if not m:
        return data, ['manifest.json has no "versions" object written one library a line']
    lines = m.group(2).split(b"\n")
    out = []
    for line in lines:
        lm = VERSION_LINE.match(line)
        if not lm:
            problems.append("manifest.json: unexpected line in versions: %r" % line.decode("utf-8", "replace"))
            out.append(line)
            continue
        name = lm.group(1).strip().split(b'"')[1].decode()
        value = lm.group(2).decode("utf-8", "replace")
        if check_kpix is not None:
            if name == "kpix" and value != check_kpix:
                problems.append("manifest.json: versions.kpix is %r but kpix --version says %r" % (value, check_kpix))
            elif not VERSION_RE.match(value):
                problems.append("manifest.json: versions.%s is %r, not a version number" % (name, value))
        out.append(lm.group(1) + b'"' + PLACEHOLDER.encode() + b'"' + lm.group(3))
    data = data[: m.start(2)] + b"\n".join(out) + data[m.end(2) :]
    return data, problems


def visible(text):
    return text.replace("\r", "<CR>")


def text_diff(a, b, label_a, label_b):
    al = visible(a.decode("utf-8", "replace")).splitlines(True)
    bl = visible(b.decode("utf-8", "replace")).splitlines(True)
    lines = list(difflib.unified_diff(al, bl, label_a, label_b, n=2))
    out = []
    for line in lines[:MAX_DIFF_LINES]:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    if len(lines) > MAX_DIFF_LINES:
        out.append("... %d more diff lines\n" % (len(lines) - MAX_DIFF_LINES))
    return "".join(out)


def pretty_xml(data):
    """The XML part indented one element a line, or its text when it is not XML."""
    try:
        return minidom.parseString(data).toprettyxml(indent="  ").encode("utf-8")
    except (ExpatError, ValueError):
        return data


def zip_parts(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            return infos, {i.filename: z.read(i) for i in infos}, None
    except (zipfile.BadZipFile, KeyError, OSError) as e:
        return None, None, str(e)


def xlsx_diff(a, b, name):
    """Says how two workbooks differ, part by part."""
    ia, pa, ea = zip_parts(a)
    ib, pb, eb = zip_parts(b)
    if ea or eb:
        return "  %s: %s is not a readable zip file: %s\n" % (name, "the golden copy" if ea else "the output", ea or eb)
    out = []
    for part in sorted(set(pa) - set(pb)):
        out.append("  %s: part %s is missing\n" % (name, part))
    for part in sorted(set(pb) - set(pa)):
        out.append("  %s: part %s is extra\n" % (name, part))
    for part in sorted(set(pa) & set(pb)):
        if pa[part] == pb[part]:
            continue
        out.append("  %s: part %s differs\n" % (name, part))
        if part.endswith(".xml") or part.endswith(".rels"):
            out.append(text_diff(pretty_xml(pa[part]), pretty_xml(pb[part]),
                                 "expected/%s/%s" % (name, part), "actual/%s/%s" % (name, part)))
    if not out:
        fields = ("filename", "date_time", "compress_type", "compress_size", "file_size",
                  "external_attr", "create_system", "flag_bits")
        ra = ["%s\n" % ", ".join("%s=%r" % (f, getattr(i, f)) for f in fields) for i in ia]
        rb = ["%s\n" % ", ".join("%s=%r" % (f, getattr(i, f)) for f in fields) for i in ib]
        out.append("  %s: every part is the same; the zip container differs:\n" % name)
        out.append("".join(difflib.unified_diff(ra, rb, "expected/" + name, "actual/" + name, n=0))
                   or "  (entries the same: the bytes differ elsewhere in the container)\n")
    return "".join(out)


def compare(expected, actual, kpix_version):
    want, got = listing(expected), listing(actual)
    report = []
    for name in want:
        if name not in got:
            report.append("  %s was not written\n" % name)
    for name in got:
        if name not in want:
            report.append("  %s was written but is not in the golden copies\n" % name)
    for name in want:
        if name not in got:
            continue
        a, b = read(os.path.join(expected, name)), read(os.path.join(actual, name))
        if os.path.basename(name) == "manifest.json":
            b, problems = versions_out(b, kpix_version)
            report.extend("  %s\n" % p for p in problems)
        if a == b:
            continue
        if name.endswith(".xlsx"):
            report.append(xlsx_diff(a, b, name))
        else:
            report.append("  %s differs:\n" % name)
            report.append(text_diff(a, b, "expected/" + name, "actual/" + name))
    return "".join(report)


def update(expected, actual):
    names = listing(actual)
    if os.path.isdir(expected):
        shutil.rmtree(expected)
    for name in names:
        data = read(os.path.join(actual, name))
        if os.path.basename(name) == "manifest.json":
            data, _ = versions_out(data)
        dest = os.path.join(expected, name)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "wb") as f:
            f.write(data)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("expected")
    p.add_argument("actual")
    p.add_argument("--kpix-version")
    p.add_argument("--update", action="store_true")
    args = p.parse_args()
    if args.update:
        update(args.expected, args.actual)
        return 0
    if args.kpix_version is None:
        p.error("--kpix-version is required when comparing")
    report = compare(args.expected, args.actual, args.kpix_version)
    sys.stdout.write(report)
    return 1 if report else 0


if __name__ == "__main__":
    sys.exit(main())
