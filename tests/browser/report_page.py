#!/usr/bin/python3
"""The HTML validation report as a browser shows it (issue 14): kpix validate
--report FILE.html on data with markup typed into its cells, loaded in
Debian's chromium, headless. Asserts what a person sees: the title, the
verdict first, the likely cause, the headings of the counts and of the two
groupings (by row, by code), a problem's cell and message, that the markup
shows as text and never runs (no script or img element, nothing set by
one), that the page asks for nothing outside itself, and the contrast of
every text (WCAG 2.1 AA, 4.5:1).

    tests/browser/report_page.py --kpix KPIX [--chromium PROGRAM] [--screenshot FILE]

Exits 0 when everything holds, 1 when something does not, 77 (skipped)
only when chromium is not installed or cannot start. Drives chromium
through html_page.py's look and probe.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import html_page  # noqa: E402  (look and the probe)

ROOT = html_page.ROOT
SCHEMA = os.path.join(ROOT, "tests", "golden", "fixtures", "tiny.json")
SCRIPT = html_page.SCRIPT
IMG = html_page.IMG


# What the page shows besides html_page.PROBE's: paragraphs, its whole text,
# and how many files it fetched besides itself.
EXTRA = r"""
(() => ({
  paragraphs: [...document.querySelectorAll('p')].map((e) => e.textContent),
  h3: [...document.querySelectorAll('h3')].map((e) => e.textContent),
  body: document.body.innerText,
  requests: performance.getEntriesByType('resource').length,
}))()
"""


def write_data(tmp):
    """Three scores mistyped the same way (a likely cause), a name too long
    holding a script, a score holding an img, a repeated id."""
    quoted = lambda s: '"' + s.replace('"', '""') + '"'
    rows = ["id,name,score,when",
            "1," + quoted(SCRIPT) + ",50,01/04/2024",
            "2,Bob," + quoted(IMG) + ",02/04/2024",
            "3,Cy,n/a,03/04/2024",
            "4,Di,n/a,04/04/2024",
            "5,Ed,n/a,05/04/2024",
            "6,Gus,n/a,06/04/2024",
            "5,Flo,40,07/04/2024"]
    path = os.path.join(tmp, "hostile.csv")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\r\n".join(rows) + "\r\n")
    return path


def main():
    args, program = html_page.arguments(__doc__)
    if not program:
        return html_page.SKIP
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kpix-report-page.") as tmp:
        data = write_data(tmp)
        page = os.path.join(tmp, "report.html")
        run = subprocess.run([args.kpix, "validate", data, "--schema", SCHEMA, "--report", page],
                             capture_output=True, text=True)
        if run.returncode != 1:
            sys.exit("kpix validate gave %d, expected 1: %s" % (run.returncode, run.stderr))
        with open(page, encoding="utf-8") as f:
            source = f.read()
        got = html_page.look(program, page, tmp, [html_page.PROBE, EXTRA], args.screenshot)
        if got is None:
            return html_page.SKIP
    problems = []

    def expect(what, actual, wanted):
        if actual != wanted:
            problems.append("%s: %r, expected %r" % (what, actual, wanted))

    title = "Validation report: A small schema for the command-line tests"
    expect("the title", got["title"], title)
    expect("the language", got["lang"], "en-GB")
    expect("the h1", got["h1"], [title])
    expect("the h2s", got["h2"], ["Problems by code", "Problems by row", "Problems by kind"])
    paras = got["paragraphs"]
    if not paras or not paras[0].startswith("Invalid: 1 file checked against tiny 1, 7 data rows"):
        problems.append("the verdict does not come first: %r" % paras[:1])
    cause = [p for p in paras if p.startswith("Likely cause: 4 of the 7 errors listed are ")]
    if not cause or "the value 'n/a' in column C (score), the first in row 4" not in cause[0]:
        problems.append("no likely cause naming n/a in column C: %r" % paras)
    expect("the column headers", got["colHeaders"],
           [["Code", "Errors", "Warnings"],
            ["Where", "Value", "Problem", "Code"],
            ["Where", "Value", "Problem"], ["Where", "Value", "Problem"],
            ["Where", "Value", "Problem"]])
    expect("the codes' headings", got["h3"],
           ["constraint-error: 1 error", "primary-key: 1 error", "type-error: 5 errors"])
    if "row 4, column C (score)" not in got["rowHeaders"]:
        problems.append("no problem shows its cell 'row 4, column C (score)'")
    if not any(c.startswith("Error: 'n/a' is not a number") for c in got["cells"]):
        problems.append("the message for n/a does not show")
    expect("markup typed into the data runs", got["pwned"], None)
    expect("script elements", got["scripts"], 0)
    expect("img elements", got["images"], 0)
    expect("files fetched besides the page", got["requests"], 0)
    if SCRIPT not in got["body"]:
        problems.append("the typed <script> does not show as text")
    if IMG not in got["body"]:
        problems.append("the typed <img> does not show as text")
    if re.search(r"<[^>]*\s(src|href)\s*=|<script|<link|url\(|@import", source):
        problems.append("the page refers to something outside itself")
    worst = got["worst"]
    if worst["ratio"] < 4.5:
        problems.append("contrast below 4.5:1 (WCAG 1.4.3), worst %s" % json.dumps(worst))
    print("chromium showed %d texts, %d cells, the lowest contrast %.2f:1, in %.1fs"
          % (got["texts"], len(got["cells"]), worst["ratio"], time.monotonic() - started))
    for p in problems:
        print("FAIL: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
