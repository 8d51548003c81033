#!/usr/bin/python3
"""The PDF board report (issue 16), read with poppler's tools, which nobody
here wrote: page 1 of the oneSource report tells the Joint Committee's story
in words (examples/onesource/README.md, "The story the committee was told");
every font is embedded; no text is smaller than 9pt; the same inputs give the
same bytes under another time zone and locale; and kpix verify checks the
PDF as it checks the other outputs, and finds it altered when it is.

    board_report.py --kpix KPIX
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL", what)


def pack(kpix, out, env=None, history=("examples/onesource/okpi1-history.csv",),
         pack_id="onesource-joint-committee", period="2017-18 Q3"):
    e = dict(os.environ)
    e.update(env or {})
    r = subprocess.run([kpix, "pack", *[os.path.join(ROOT, h) for h in history], "--pack", pack_id,
                        "--period", period, "--out", out, "--pdf", "-q"],
                       env=e, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("kpix pack failed (%d): %s" % (r.returncode, r.stderr))
    pdfs = [f for f in os.listdir(out) if f.endswith(".pdf")]
    if len(pdfs) != 1:
        sys.exit("expected one PDF in %s, found %s" % (out, pdfs))
    return os.path.join(out, pdfs[0])


def page_text(pdf, page):
    r = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), pdf, "-"],
                       capture_output=True, text=True, check=True)
    return " ".join(r.stdout.split())  # lines joined: a sentence may wrap anywhere


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kpix", required=True)
    kpix = ap.parse_args().kpix
    with tempfile.TemporaryDirectory() as tmp:
        pdf = pack(kpix, os.path.join(tmp, "a"))
        one = page_text(pdf, 1)
        says = [
            (r"82% against the 80% target, above it for the first time; up from 75% in March 2017 "
             r"and 72% in October 2016", "overall satisfaction 82% against the 80% target, above it "
             "for the first time, up from 75% and 72%"),
            (r"Customer satisfaction with oneSource services: 82%", "the measure named"),
            (r"Bexley fell from 89% to 55% and is red", "Bexley fell from 89% to 55% and is red"),
            (r"oneSource fell from 83% to 78% and is amber, 2 points below the 80% target",
             "oneSource fell to 78%, below target"),
            (r"Havering and Newham are above target and improving: Havering from 82% to 89%, "
             r"Newham from 65% to 81%", "Havering and Newham above target and improving"),
            (r"Breakdowns add 1 red and 1 amber", "the count includes the breakdown exceptions"),
            (r"Owner: Head of Business Improvement; back on target by: 2018-03-31",
             "Bexley's action has its owner and date"),
            (r"Page 1 of \d+", "page x of y"),
            (r"oneSource Joint Committee: performance report", "the title"),
            (r"October 2017 \(2017-18 Q3\)", "the survey round and its quarter"),
        ]
        for pattern, what in says:
            check(re.search(pattern, one), "page 1 says: " + what)
        check("No figure was given" not in one and "Printing Services" not in one,
              "page 1 drafts nothing for the services with no data")

        fonts = subprocess.run(["pdffonts", pdf], capture_output=True, text=True, check=True)
        rows = fonts.stdout.splitlines()[2:]
        check(rows, "pdffonts lists the fonts")
        for row in rows:
            # name type encoding emb sub uni id: emb is the 4th column from the end but two
            cols = row.split()
            check(cols[-5] == "yes", "font embedded: " + row)

        # no text below 9pt: pdftotext -bbox gives each word's box; a 9pt
        # line of Liberation Sans is at least 8pt tall (ascent + descent)
        bbox = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True, text=True,
                              check=True).stdout
        heights = [float(m.group(2)) - float(m.group(1)) for m in
                   re.finditer(r'yMin="([0-9.]+)" xMax="[0-9.]+" yMax="([0-9.]+)"', bbox)]
        check(heights and min(heights) >= 9 * 1.1, "no word smaller than 9pt (smallest box %.2f)"
              % (min(heights) if heights else 0))

        # the same bytes in another time zone and locale, a second later
        other = pack(kpix, os.path.join(tmp, "b"), {"TZ": "Pacific/Kiritimati",
                                                     "LC_ALL": "de_DE.UTF-8"})
        check(open(pdf, "rb").read() == open(other, "rb").read(),
              "two runs under different TZ and LC_ALL give the same PDF bytes")
        data = open(pdf, "rb").read()
        check(b"/CreationDate (20171231000000Z)" in data,
              "the document's date is the period's end, not the clock")
        dated = pack(kpix, os.path.join(tmp, "c"), {"SOURCE_DATE_EPOCH": "1514764800"})
        check(b"/CreationDate (20180101000000Z)" in open(dated, "rb").read(),
              "SOURCE_DATE_EPOCH sets the document's date")

        # recorded in the manifest and verified like the other outputs
        man = json.load(open(os.path.join(tmp, "a", "manifest.json")))
        outs = {o["name"]: o for o in man["outputs"]}
        check(os.path.basename(pdf) in outs and outs[os.path.basename(pdf)].get("format") == "pdf",
              "the manifest records the PDF")
        v = subprocess.run([kpix, "verify", os.path.join(tmp, "a", "manifest.json"),
                            "examples/onesource/okpi1-history.csv"], cwd=ROOT,
                           capture_output=True, text=True)
        check(v.returncode == 0 and "onesource-joint-committee-2017-18-Q3.pdf: matches, and the re-run gives the same bytes" in v.stdout,
              "kpix verify re-makes the PDF byte for byte: " + v.stdout + v.stderr)
        with open(pdf, "r+b") as f:  # one byte of the PDF changed
            f.seek(-40, 2)
            b = f.read(1)
            f.seek(-40, 2)
            f.write(b"A" if b != b"A" else b"B")
        v = subprocess.run([kpix, "verify", os.path.join(tmp, "a", "manifest.json"),
                            "examples/onesource/okpi1-history.csv"], cwd=ROOT,
                           capture_output=True, text=True)
        check(v.returncode != 0 and "ALTERED" in v.stdout, "kpix verify finds an altered PDF")

        # the housing board's report too: every font embedded, page x of y
        hb = sorted("examples/housing-board/" + f
                    for f in os.listdir(os.path.join(ROOT, "examples/housing-board"))
                    if f.endswith(".csv"))
        hpdf = pack(kpix, os.path.join(tmp, "h"), history=hb, pack_id="housing-board",
                    period="2025-26 Q2")
        info = subprocess.run(["pdfinfo", hpdf], capture_output=True, text=True, check=True).stdout
        n = int(re.search(r"Pages:\s+(\d+)", info).group(1))
        check(re.search(r"Page %d of %d" % (n, n), page_text(hpdf, n)), "the last page is %d of %d"
              % (n, n))
        check("A4" in info, "A4 pages")
    if failures:
        sys.exit("%d check(s) failed" % len(failures))
    print("board report: all checks passed")


main()
