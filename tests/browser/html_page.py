#!/usr/bin/python3
"""An HTML export as a browser shows it (issue 13): Debian's chromium, headless,
loads the publication page kpix writes from tests/golden/fixtures/ and this
test asserts what it shows: the page's title and headings, the tables' header
cells, a figure, that markup typed into the data shows as text and never runs,
and that every text the page shows has a contrast of at least 4.5:1 against
what it sits on (WCAG 2.1 AA, 1.4.3), measured on the colours the browser
computed.

    tests/browser/html_page.py --kpix KPIX [--chromium PROGRAM] [--screenshot FILE]

Exits 0 when everything holds, 1 when something does not, and 77 (which ctest
counts as skipped) only when chromium is not installed or cannot start; it
then says so. --screenshot also saves the page at 1200x1600 to look at.
Only the standard library is used; chromium is driven over its DevTools
pipe (--remote-debugging-pipe: JSON messages ending in NUL on fds 3 and 4).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FIXTURES = os.path.join(ROOT, "tests", "golden", "fixtures")
SKIP = 77

# Markup typed into the data: if either ran, the body would get data-pwned.
SCRIPT = "<script>document.body.setAttribute('data-pwned','script')</script>"
IMG = "\"><img src=x onerror=\"document.body.setAttribute('data-pwned','img')\">"

# Runs in the page: what it shows, and each text's contrast on the colours
# the browser worked out (the background is the first ancestor's that is not
# transparent).
PROBE = r"""
(() => {
  const lum = (c) => {
    const v = c.match(/[\d.]+/g).slice(0, 3).map(Number).map((x) => {
      x /= 255;
      return x <= 0.04045 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
  };
  const opaque = (c) => !/rgba\(.*,\s*0\)$/.test(c) && c !== 'transparent';
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const bg = getComputedStyle(el).backgroundColor;
      if (opaque(bg)) return bg;
    }
    return 'rgb(255, 255, 255)';
  };
  const texts = [];
  let worst = null;
  for (const el of document.querySelectorAll('body *')) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    const r = el.getBoundingClientRect();
    if (!own || r.width <= 1 || r.height <= 1) continue;
    const fg = getComputedStyle(el).color, bg = background(el);
    const a = lum(fg), b = lum(bg);
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (!worst || ratio < worst.ratio)
      worst = {ratio, tag: el.tagName, text: el.textContent.slice(0, 40), fg, bg};
    texts.push(ratio);
  }
  const cells = (sel) => [...document.querySelectorAll(sel)].map((e) => e.textContent);
  return {
    title: document.title,
    lang: document.documentElement.lang,
    h1: cells('h1'),
    h2: cells('h2'),
    colHeaders: [...document.querySelectorAll('table')].map(
      (t) => [...t.querySelectorAll('thead th[scope=col]')].map((e) => e.textContent)),
    rowHeaders: cells('tbody th[scope=row]'),
    cells: cells('td'),
    numbers: cells('td.num'),
    captions: cells('caption'),
    pwned: document.body.getAttribute('data-pwned'),
    scripts: document.querySelectorAll('script').length,
    images: document.querySelectorAll('img').length,
    texts: texts.length,
    worst,
  };
})()
"""


class Browser:
    """chromium over its DevTools pipe, with one page open at url."""

    def __init__(self, program, url, profile):
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        # the child's fds 3 and 4 are its ends of the pipes (dup2 makes them
        # inheritable; close_fds would close them again after this runs)
        def child_fds():
            # the pipes may be fds 3 and 4 already, or each other's: copy
            # them out of the way first (fds 3 to 6 are taken, so the
            # copies are higher)
            ours = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(ours[0], 3)
            os.dup2(ours[1], 4)
        self.proc = subprocess.Popen(
            [program, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             "--remote-debugging-pipe", "--no-first-run", "--user-data-dir=" + profile,
             "--window-size=1200,1600", url],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            close_fds=False, preexec_fn=child_fds)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buf = b""
        self.next_id = 0

    def call(self, method, params=None, session=None, timeout=20):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_chrome, json.dumps(msg).encode() + b"\0")
        end = time.monotonic() + timeout
        while True:
            while b"\0" in self.buf:
                raw, self.buf = self.buf.split(b"\0", 1)
                reply = json.loads(raw)
                if reply.get("id") == self.next_id:
                    if "error" in reply:
                        raise RuntimeError("%s: %s" % (method, reply["error"]))
                    return reply["result"]
            if time.monotonic() > end:
                raise RuntimeError("%s: no answer from chromium in %ds" % (method, timeout))
            chunk = os.read(self.from_chrome, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed its pipe: %s" % self.stderr_tail())
            self.buf += chunk

    def stderr_tail(self):
        try:
            self.proc.kill()
            return self.proc.communicate(timeout=5)[1].decode(errors="replace")[-400:]
        except Exception:
            return "(nothing)"

    def page_session(self):
        for _ in range(100):
            targets = self.call("Target.getTargets")["targetInfos"]
            pages = [t for t in targets if t["type"] == "page"]
            if pages:
                return self.call("Target.attachToTarget",
                                 {"targetId": pages[0]["targetId"], "flatten": True})["sessionId"]
            time.sleep(0.05)
        raise RuntimeError("chromium opened no page")

    def close(self):
        try:
            self.call("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.to_chrome)
        os.close(self.from_chrome)


def arguments(doc):
    """The options of a browser test (--kpix, --chromium, --screenshot) and
    the chromium to run, or None, said on standard output, when there is
    none."""
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("--kpix", required=True)
    ap.add_argument("--chromium", default=os.environ.get("KPIX_CHROMIUM", ""))
    ap.add_argument("--screenshot")
    args = ap.parse_args()
    program = args.chromium or shutil.which("chromium") or shutil.which("chromium-browser")
    if not program:
        print("SKIP: chromium is not installed (Debian: apt-get install chromium; "
              "tools/deps.sh installs it), so the page was not checked in a browser")
    return args, program


def look(program, page, tmp, expressions, screenshot=None):
    """Opens the file page in chromium (program), waits until it has
    loaded, evaluates each expression in it and returns their values (each
    an object) merged into one dict; saves a screenshot when asked. None,
    said on standard output, when chromium cannot start here."""
    try:
        b = Browser(program, "about:blank", os.path.join(tmp, "profile"))
        session = b.page_session()
    except (OSError, RuntimeError) as e:
        print("SKIP: chromium (%s) cannot start here: %s" % (program, e))
        return None
    got = {}
    try:
        url = "file://" + page
        b.call("Page.navigate", {"url": url}, session)
        for _ in range(200):
            state = b.call("Runtime.evaluate", {
                "expression": "location.href + ' ' + document.readyState",
                "returnByValue": True}, session)["result"].get("value")
            if state == url + " complete":
                break
            time.sleep(0.05)
        else:
            sys.exit("chromium did not load %s: %s" % (url, state))
        for expression in expressions:
            probe = b.call("Runtime.evaluate", {"expression": expression, "returnByValue": True},
                           session)
            if "exceptionDetails" in probe:
                sys.exit("the probe failed in the page: %s" % json.dumps(probe["exceptionDetails"]))
            got.update(probe["result"]["value"])
        if screenshot:
            shot = b.call("Page.captureScreenshot", {"format": "png"}, session)["data"]
            import base64
            with open(screenshot, "wb") as f:
                f.write(base64.b64decode(shot))
    finally:
        b.close()
    return got


def export_page(kpix, tmp):
    """The golden case's data with markup typed into two answers, exported."""
    with open(os.path.join(FIXTURES, "publication-page.csv"), encoding="utf-8") as f:
        lines = f.read().split("\n")
    quoted = lambda s: '"' + s.replace('"', '""') + '"'
    lines = [("Summary_b," + quoted(SCRIPT)) if l.startswith("Summary_b,") else
             ("Summary_c," + quoted(IMG)) if l.startswith("Summary_c,") else l for l in lines]
    data = os.path.join(tmp, "hostile.csv")
    with open(data, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    out = os.path.join(tmp, "out")
    run = subprocess.run([kpix, "export", data, "--schema",
                          os.path.join(FIXTURES, "publication-page.json"), "--out", out,
                          "--param", "provider_code=L0123", "--param", "provider_name=Example Homes",
                          "--param", "year=2024/25", "--only", "page-html"],
                         capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit("kpix export failed (%d): %s" % (run.returncode, run.stderr))
    return os.path.join(out, "tsm-L0123-published.html")


def main():
    args, program = arguments(__doc__)
    if not program:
        return SKIP
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kpix-browser.") as tmp:
        page = export_page(args.kpix, tmp)
        got = look(program, page, tmp, [PROBE], args.screenshot)
        if got is None:
            return SKIP
    problems = []

    def expect(what, actual, wanted):
        if actual != wanted:
            problems.append("%s: %r, expected %r" % (what, actual, wanted))

    title = "Tenant Satisfaction Measures 2024/25: Example Homes"
    expect("the title", got["title"], title)
    expect("the language", got["lang"], "en-GB")
    expect("the h1", got["h1"], [title])
    expect("the h2s", got["h2"], ["Tenant perception measures: homes for rent",
                                  "Tenant perception measures: shared ownership",
                                  "Management information measures", "Our target timescales",
                                  "Summary of approach"])
    expect("the column headers", got["colHeaders"],
           [["Measure", "Result (%)"], ["Measure", "Result (%)"], ["Target", "Timescale"],
            ["Item", "Topic", "Our answer"]])
    expect("the right-aligned cells", got["numbers"], ["71.1", "89.8", "97.1", "91.4"])
    expect("the caption", got["captions"][0],
           "Perception measures, low-cost rental accommodation, 2024/25")
    if "Our target timescales" not in got["captions"]:
        problems.append("a table without a caption of its own is not named by its section")
    if not any(h.startswith("TP01 Proportion of respondents") for h in got["rowHeaders"]):
        problems.append("TP01 is not a row header: %r" % got["rowHeaders"])
    expect("markup typed into the data runs", got["pwned"], None)
    expect("script elements", got["scripts"], 0)
    expect("img elements", got["images"], 0)
    if SCRIPT not in got["cells"]:
        problems.append("the typed <script> does not show as text: %r" % got["cells"])
    if IMG not in got["cells"]:
        problems.append("the typed <img> does not show as text: %r" % got["cells"])
    worst = got["worst"]
    if got["texts"] < 40 or worst["ratio"] < 4.5:
        problems.append("contrast below 4.5:1 (WCAG 1.4.3), worst %s" % json.dumps(worst))
    print("chromium showed %d texts, the lowest contrast %.2f:1 (%s '%s', %s on %s), "
          "in %.1fs" % (got["texts"], worst["ratio"], worst["tag"], worst["text"], worst["fg"],
                        worst["bg"], time.monotonic() - started))
    for p in problems:
        print("FAIL: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
