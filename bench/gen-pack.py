#!/usr/bin/env python3
"""Write the pack benchmark's inputs and the workbook kpix should make of them.

usage: python3 gen-pack.py DIR [--produced-by TEXT] [--seed N]

Writes into DIR (made if missing):

    bench-pack-schema.json  a schema in kpix's format (id "bench-pack"): the
                            fields organisation, period, indicator, breakdown,
                            numerator, denominator, value, target, commentary
                            and action; an indicator catalogue of 200
                            indicators with mixed units, decimals and
                            polarities, ten of them twice-yearly (dueIn Q2 and
                            Q4); a primary key, a foreign key to the catalogue
                            and three rules (lowest and highest value, and the
                            value against its numerator and denominator)
    bench-board.json        a pack definition (id "bench-board") showing all 200
                            indicators in ten groups, 8 periods in each trend,
                            every indicator's 5 breakdowns (a quarter of them
                            as two tables, by area and by tenure); tolerance
                            RAG, with some indicators rated the comparative way
                            and some with targets of their own
    history.csv             the history: for each quarter from 2023-24 Q3 to
                            2025-26 Q2, each indicator due in it, for the whole
                            organisation and 5 breakdowns (9,244 rows with the
                            default seed);
                            a few figures are missing, on purpose, so that the
                            pack shows gaps and "No data". kpix finds no error
                            and no warning in it.
    pack.cells              the workbook that
                                kpix pack history.csv --pack bench-board.json
                                          --period "2025-26 Q2"
                            writes, as a script of libxlsxwriter calls that
                            bench/cellbare.c replays (below)

Every figure, name and sentence is invented for the benchmark.

To know the cells, this script works the pack out as src/pack/pack.c does (which
target applies, RAG, direction of travel, drafted sentences, row heights),
from the figures it made up. It does it only for the definition it writes:
it is a model of kpix for this input, not a second implementation of packs.
The benchmark compares the two workbooks part by part, so any difference
shows.

The cell script has one directive a line, fields separated by tabs. In text
fields a backslash, a tab and a line feed are written \\\\, \\t and \\n.

    F id token...        a cell style (libxlsxwriter format); tokens, applied
                         in order: bold, wrap, vtop, border (thin),
                         bottom-medium, solid (pattern), bg=RRGGBB,
                         size=N, color=RRGGBB (font), italic, center,
                         num=FORMAT
    S name               a new worksheet (A4 paper)
    W col width          a column's width
    H row height         a row's height
    R row cell...        cells from column 0: "" for none, else a type
                         (s text, n number, b blank), a style id (none: no
                         style), ':' and the text or number
    C row col title numfmt categories values targets
                         a line chart at (row, col) with the pack's two
                         series, "Figure" and "Target" (bench/cellbare.c
                         holds their look: colours, dashes, markers, size)
    Z row col            freeze panes
    O landscape fit first last header footer
                         print: orientation, fit to one page wide, rows
                         repeated at the top (first -1: none), page header
                         and footer (empty: none)
    Q row col row col    print area
    B row...             page breaks above these rows
    P created title subject author manager company category keywords
                         document properties (empty: none); created in
                         seconds since 1970

Everything depends only on the arguments: every random draw goes through
random.Random(SEED).random() (default seed 7). Standard library only.
"""
import argparse
import datetime
import hashlib
import importlib.util
import json
import math
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

ORGANISATION = "Example Borough Council"
TITLE = "Operational Board: quarterly performance (benchmark)"
SCHEMA_FILE = "bench-pack-schema.json"
PACK_FILE = "bench-board.json"
HISTORY_FILE = "history.csv"
CELLS_FILE = "pack.cells"
FIRST = 2023 * 4 + 2     # 2023-24 Q3 (year * 4 + quarter - 1)
CUR = 2025 * 4 + 1       # 2025-26 Q2, the pack's period
PERIODS = 8
BREAKDOWNS = ["North", "Central", "South", "LCRA", "LCHO"]
TABLES = [("By area", ["North", "Central", "South"]), ("By tenure", ["LCRA", "LCHO"])]
SOURCE = "Invented for the kpix pack benchmark (bench/gen-pack.py); not a real measure."

GROUPS = [
    ("Income", "INC", ["rent accounts", "service charge accounts", "former tenant accounts",
                       "garage accounts", "leaseholder accounts"]),
    ("Empty homes and lettings", "LET", ["general needs lets", "sheltered lets",
                                         "major works voids", "transfers", "mutual exchanges"]),
    ("Repairs", "REP", ["emergency repairs", "urgent repairs", "routine repairs",
                        "damp and mould cases", "communal repairs"]),
    ("Building safety", "BSF", ["gas safety checks", "fire risk assessments",
                                "electrical inspections", "water safety checks",
                                "lift inspections"]),
    ("Complaints", "CMP", ["stage one complaints", "stage two complaints",
                           "Ombudsman enquiries", "member enquiries", "compliments"]),
    ("Anti-social behaviour", "ASB", ["noise cases", "hate incidents",
                                      "domestic abuse referrals", "graffiti reports",
                                      "fly-tipping reports"]),
    ("Tenancy sustainment", "TEN", ["new tenancy visits", "tenancy audits",
                                    "support referrals", "hoarding cases",
                                    "succession requests"]),
    ("Estates and neighbourhoods", "EST", ["estate inspections", "grounds maintenance jobs",
                                           "bulk waste collections", "block cleaning visits",
                                           "pest control jobs"]),
    ("Homelessness and allocations", "HOM", ["homelessness approaches",
                                             "prevention cases", "housing register reviews",
                                             "temporary placements", "nominations"]),
    ("Tenants' views", "SAT", ["repairs service", "neighbourhood", "communications",
                               "complaint handling", "landlord's service"]),
]

# (unit, decimals, polarity, multiplier or None, title template)
KINDS = [
    ("percent", 1, "higher", 100, "{S} completed within target time"),
    ("percent", 2, "lower", 100, "{S} needing a second visit"),
    ("days", 1, "lower", 1, "Average days to close {s}"),
    ("per1000", 2, "none", 1000, "{S} opened per 1,000 homes"),
    ("count", 0, "lower", None, "{S} open at the end of the quarter"),
    ("money", 2, "lower", 1, "Average cost of {s}"),
    ("score", 1, "higher", None, "Tenants' rating of {s} (out of 10)"),
    ("ratio", 2, "none", None, "Ratio of {s} opened to closed"),
]
SAT_KINDS = [
    ("percent", 1, "higher", 100, "Tenants satisfied with the {s}"),
    ("percent", 1, "lower", 100, "Tenants dissatisfied with the {s}"),
    ("score", 1, "higher", None, "Net satisfaction score for the {s}"),
    ("percent", 1, "higher", 100, "Tenants who feel listened to about the {s}"),
]

WORDS = ("collection arrears rent system switch recovery plan contractor backlog storm damage "
         "access refused tenants survey completed inspection booked staffing vacancy overtime "
         "agreed audit findings reviewed monthly weekly target profile improving ahead behind "
         "seasonal demand lettings voids keys returned repairs scheduled engineer assessment "
         "caseload officers panel partners training pilot budget forecast").split()

DIRECTION = ("The arrow shows which way the figure moved; the word says whether that is better "
             "or worse, given whether a higher or a lower figure is better. Compared with the "
             "previous period the indicator was due, and with the same period last year.")
CONTENTS = [
    ("Summary", "every indicator: target, this period, previous period, same period last "
                "year, RAG, direction of travel, commentary"),
    ("Exceptions", "every red and amber figure with its commentary and corrective action"),
    ("Trends", "a chart of each indicator over the periods shown, with its target"),
    ("Breakdowns", "each indicator's figures by breakdown, with RAG per row"),
    ("Definitions", "what each indicator measures, from the indicator catalogue"),
    ("Data quality", "the files read, their checks and warnings"),
]
RAG_NAMES = ["Green", "Amber", "Red", "No target", "Not rated", "No data", "Not due"]
GREEN, AMBER, RED, NO_TARGET, NOT_RATED, NO_DATA, NOT_DUE = range(7)
KEY = ["on target, or as the method above says",
       "short of the target, within the tolerance",
       "short of the target beyond the tolerance",
       "a figure, but no target was set",
       "neither a higher nor a lower figure is better",
       "due this period, but no figure was given (not a zero)",
       "not reported this period (a twice-yearly or yearly measure)"]
RAG_COLOURS = {GREEN: (0xC6EFCE, 0x006100), AMBER: (0xFFEB9C, 0x7F4F00),
               RED: (0xFFC7CE, 0x9C0006)}
GREY = (0xEDEDED, 0x404040)
EPS = 1e-9


def load_export_generator():
    """gen-export.py's kpix-exact rounding (round_excel, c_round)."""
    spec = importlib.util.spec_from_file_location("gen_export",
                                                  os.path.join(HERE, "gen-export.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


GE = load_export_generator()
round_excel = GE.round_excel
csv_cell = GE.csv_cell


# ---------------------------------------------------------------- periods

def period_text(p):
    y, q = p // 4, p % 4 + 1
    return "%04d-%02d Q%d" % (y % 10000, (y + 1) % 100, q)


def quarter_end(p):
    """The last day of the quarter: (words, days since 1970)."""
    months = ["June", "September", "December", "March"]
    days = [30, 30, 31, 31]
    y, q = p // 4, p % 4
    year = y + 1 if q == 3 else y
    month = 3 if 3 * q + 6 > 12 else 3 * q + 6
    d = datetime.date(year, month, days[q])
    return "%d %s %d" % (days[q], months[q], year), (d - datetime.date(1970, 1, 1)).days


def due_in(ind, p):
    due = ind.get("dueIn")
    return not due or any(d.endswith("Q%d" % (p % 4 + 1)) for d in due)


# ------------------------------------------------- judging (src/pack/rag.c)

def c_round(x):
    """C's round(): halves away from zero."""
    return math.copysign(GE.c_round(abs(x)), x)


def shown(v, d):
    scale = float(10 ** (0 if d < 0 else 9 if d > 9 else d))
    return c_round(v * scale) / scale


def shortfall(pol, v, t):
    return t - v if pol == "higher" else v - t


def rag_rate(rule, pol, d, due, value, target, last_year):
    if not due and value is None:
        return NOT_DUE
    if value is None:
        return NO_DATA
    if pol == "none":
        return NOT_RATED
    if target is None:
        return NO_TARGET
    v, t = shown(value, d), shown(target, d)
    gap = shortfall(pol, v, t)
    if gap <= EPS:
        return GREEN
    method, tol, relative = rule
    tol = abs(t) * tol / 100.0 if relative else tol
    within = gap <= tol + EPS
    if method == "tolerance":
        return AMBER if within else RED
    if within:
        return GREEN
    if last_year is not None and shortfall(pol, v, shown(last_year, d)) <= EPS:
        return AMBER
    return RED


NONE_DOT, SAME, BETTER, WORSE, UP, DOWN = range(6)


def dot_compare(pol, d, now, then):
    if now is None or then is None:
        return NONE_DOT
    a, b = shown(now, d), shown(then, d)
    if abs(a - b) <= EPS:
        return SAME
    up = a > b
    if pol == "none":
        return UP if up else DOWN
    return BETTER if up == (pol == "higher") else WORSE


def dot_text(dot, now, then):
    up = now is not None and then is not None and now > then
    return {SAME: "\u25BA Same",
            BETTER: "\u25B2 Better" if up else "\u25BC Better",
            WORSE: "\u25B2 Worse" if up else "\u25BC Worse",
            UP: "\u25B2 Up", DOWN: "\u25BC Down"}.get(dot, "\u2013")


def figure_words(v, d, unit):
    d = max(0, min(d, 6))
    money = unit == "money"
    scale = 10 ** d
    n = int(GE.c_round(abs(v) * float(scale)))
    whole, frac = divmod(n, scale)
    out = "-" if v < 0 and n else ""
    if money:
        out += "\u00A3"
    out += "{:,}".format(whole)
    if d:
        out += ".%0*d" % (d, frac)
    if not unit or money:
        return out
    if unit == "percent":
        out += "%"
    elif unit == "days":
        out += " day" if n == scale else " days"
    elif unit == "per1000":
        out += " per 1,000 homes"
    return out


def gap_words(gap, d, unit):
    if unit == "percent":
        return figure_words(gap, d, None) + (" point" if shown(gap, d) == 1.0 else " points")
    return figure_words(gap, d, unit)


def draft_sentence(pol, d, unit, rag, value, previous, target, met_before, any_before,
                   due_words):
    if rag == NOT_DUE:
        return "Not due this period" + (": " + due_words if due_words else "") + "."
    if value is None:
        return "No figure was given for this period."
    v = shown(value, d)
    if previous is not None:
        p = shown(previous, d)
        if abs(v - p) <= EPS:
            out = "Unchanged at "
        else:
            out = ("Rose from " if v > p else "Fell from ") + figure_words(p, d, unit) + " to "
    else:
        out = "Stands at "
    out += figure_words(v, d, unit)
    if pol != "none" and target is not None:
        t = shown(target, d)
        gap = shortfall(pol, v, t)
        higher = pol == "higher"
        out += ", "
        if abs(gap) <= EPS:
            out += "on"
        elif gap < 0:
            out += "above" if higher else "below"
        else:
            out += gap_words(gap, d, unit) + (" below" if higher else " above")
        out += " the " + figure_words(t, d, unit) + " target"
        if gap <= EPS and any_before and not met_before:
            out += " for the first time"
    elif pol != "none":
        out += "; no target is set"
    return out + "."


def format_number(v):
    """kpix_format_number: the shortest text that reads back as v."""
    if v == 0:
        return "0"
    for prec in range(1, 18):
        s = "%.*g" % (prec, v)
        if float(s) == v:
            break
    if "e" in s and v == int(v) and abs(v) < 1e15:
        s = "%d" % int(v)
    return s


def rag_rule_words(rule):
    method, tol, relative = rule
    n = format_number(tol)
    band = "% of the target" if relative else " points"
    if method == "tolerance":
        return ("Green at or better than the target; amber when short of it by no more than "
                "%s%s; red when further off." % (n, band))
    return ("Green on target or within %s%s of it; further off, amber when at least as good as "
            "the same period last year and red when worse (or when there is no figure for last "
            "year)." % (n, band))


def polarity_words(p):
    return {"higher": "Higher is better", "lower": "Lower is better"}.get(p, "Neither")


def unit_words(u):
    return {"percent": "%", "per1000": "per 1,000 homes"}.get(u, u)


def number_format(ind):
    d = max(0, min(ind["decimals"], 9))
    zeros = "." + "0" * d if d else ""
    if ind["unit"] == "money":
        return '"\u00A3"#,##0' + zeros
    if ind["unit"] == "percent":
        return '#,##0' + zeros + '"%"'
    return "#,##0" + zeros


def due_words(ind):
    due = ind.get("dueIn") or []
    out = ""
    for i, d in enumerate(due):
        out += ("" if i == 0 else " and " if i + 1 == len(due) else ", ") + d
    return "reported in " + out if due else ""


# ------------------------------------------------------- the cell script

def rgb(x):
    return "%06X" % x


class Style:
    """kpix_xstyle's fields; kpix makes one libxlsxwriter format per distinct
    style, in the order of first use (src/write/xlsx.c, format_of)."""

    def __init__(self, bold=False, wrap=False, border=False, heading=False, size=0, num=None,
                 fill=None, color=None, italic=False, center=False):
        self.key = (bold, wrap, border, heading, size, num, fill, color, italic, center)
        t = []
        if bold or heading:
            t.append("bold")
        if wrap or heading:
            t += ["wrap", "vtop"]
        if border:
            t.append("border")
        if heading:
            t += ["bottom-medium", "bg=D9D9D9", "solid"]
        if fill is not None:
            t += ["bg=" + rgb(fill), "solid"]
        if size:
            t.append("size=%d" % size)
        if color is not None:
            t.append("color=" + rgb(color))
        if italic:
            t.append("italic")
        if center:
            t.append("center")
        if num:
            t.append("num=" + num)
        self.tokens = t


C_TEXT = C_WRAP = Style(border=True, wrap=True)
C_BOLD = Style(bold=True)
C_TITLE = Style(bold=True, size=16, color=0x1F3864)
C_SUBTITLE = Style(size=12, color=0x1F3864)
C_HEAD = Style(heading=True, border=True)
C_GROUP = Style(bold=True, border=True, fill=0xDDEBF7, color=0x1F3864)
C_NOTE = C_DRAFT = Style(italic=True, border=True, wrap=True, color=0x595959)


def esc(s):
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


class Book:
    def __init__(self):
        self.lines = []
        self.styles = {}
        self.row = None        # the row whose cells are being gathered
        self.cells = []        # (col, cell text)
        self.new_styles = []   # F lines of the styles that row uses first

    def _flush(self):
        # Styles are made before the row that first uses them; made in the
        # same order, they are the same formats, indexed as kpix's are
        # (libxlsxwriter numbers a format when a cell first uses it).
        self.lines += self.new_styles
        self.new_styles = []
        if self.row is not None:
            out = [""] * (self.cells[-1][0] + 1)
            for c, v in self.cells:
                out[c] = v
            self.lines.append("R\t%d\t%s" % (self.row, "\t".join(out)))
        self.row, self.cells = None, []

    def line(self, *fields):
        self._flush()
        self.lines.append("\t".join(str(f) for f in fields))

    def _style(self, st):
        if st is None:
            return ""
        sid = self.styles.get(st.key)
        if sid is None:
            sid = self.styles[st.key] = len(self.styles) + 1
            self.new_styles.append("F\t%d\t%s" % (sid, "\t".join(st.tokens)))
        return str(sid)

    def _cell(self, row, col, kind, st, text):
        if self.row != row:
            self._flush()
            self.row = row
        # cells of a row are written in column order, as kpix writes them
        assert not self.cells or self.cells[-1][0] < col, (row, col)
        self.cells.append((col, "%s%s:%s" % (kind, self._style(st), text)))

    def text(self, row, col, t, st):
        if not t:
            self.blank(row, col, st)
            return
        self._cell(row, col, "s", st, esc(t))

    def number(self, row, col, v, st):
        self._cell(row, col, "n", st, repr(float(v)))

    def blank(self, row, col, st):
        if st is not None:
            self._cell(row, col, "b", st, "")

    def text_bytes(self):
        self._flush()
        return ("\n".join(self.lines) + "\n").encode("utf-8")


# ----------------------------------------------------------- the inputs

def make_catalogue():
    inds = []
    for g, (gtitle, prefix, subjects) in enumerate(GROUPS):
        kinds = SAT_KINDS if prefix == "SAT" else [KINDS[(g + k) % len(KINDS)] for k in range(4)]
        n = 0
        for kind in kinds:
            for s in subjects:
                n += 1
                unit, d, pol, mult, tmpl = kind
                code = "%s%02d" % (prefix, n)
                title = tmpl.format(S=s[0].upper() + s[1:], s=s)
                ind = {"code": code, "title": title,
                       "description": "%s, for the whole organisation and for each area and "
                                      "tenure." % title,
                       "unit": unit, "decimals": d, "polarity": pol,
                       "frequency": "quarterly"}
                if prefix == "SAT" and n % 2 == 0:
                    ind["frequency"] = "biannual"
                    ind["dueIn"] = ["Q2", "Q4"]
                if mult is not None:
                    num = {"percent": s + " that count", "days": "days taken to close " + s,
                           "per1000": s + " opened", "money": "total cost of " + s + " (\u00A3)"}
                    den = {"percent": "all " + s, "days": s + " closed",
                           "per1000": "homes owned", "money": s + " completed"}
                    ind["derivation"] = {"numerator": num[unit], "denominator": den[unit],
                                         "multiplier": mult}
                ind["min"] = 0
                if unit == "percent":
                    ind["max"] = 100
                if unit == "score":
                    ind["max"] = 10
                ind["source"] = SOURCE
                inds.append(ind)
    return inds


def schema_doc(inds):
    def field(name, title, typ="string", **kw):
        f = {"name": name, "title": title, "type": typ}
        f.update(kw)
        return f
    num = {"bareNumber": False, "groupChar": ","}
    return {
        "$kpix": "schema/1",
        "id": "bench-pack",
        "version": "bench.1",
        "title": "Quarterly KPI history for the pack benchmark",
        "description": "One row per indicator, period and breakdown (blank for the whole "
                       "organisation). Invented for bench/pack.sh; not a real return.",
        "source": SOURCE,
        "missingValues": [""],
        "fields": [
            field("organisation", "Organisation", constraints={"required": True}),
            field("period", "Period", constraints={"required": True,
                                                   "pattern": "20[0-9]{2}-[0-9]{2} Q[1-4]"}),
            field("indicator", "Indicator code", constraints={"required": True}),
            field("breakdown", "Breakdown", missingValues=[]),
            field("numerator", "Numerator", "number", constraints={"minimum": 0}, **num),
            field("denominator", "Denominator", "number", constraints={"minimum": 0}, **num),
            field("value", "Value", "number", constraints={"required": True}, **num),
            field("target", "Target", "number", **num),
            field("commentary", "Commentary", constraints={"maxLength": 2000}),
            field("action", "Corrective action", constraints={"maxLength": 2000}),
        ],
        "primaryKey": ["organisation", "period", "indicator", "breakdown"],
        "foreignKeys": [{"fields": "indicator",
                         "reference": {"resource": "#indicators", "fields": "code"}}],
        "indicatorField": "indicator",
        "indicators": inds,
        "rules": [
            {"code": "BP-MIN", "severity": "error", "title": "Value below the lowest possible",
             "when": "ind.min is not null", "check": "value >= ind.min",
             "message": "{ind.title} cannot be less than {ind.min}.", "fields": ["value"]},
            {"code": "BP-MAX", "severity": "error", "title": "Value above the highest possible",
             "when": "ind.max is not null", "check": "value <= ind.max",
             "message": "{ind.title} cannot be more than {ind.max}.", "fields": ["value"]},
            {"code": "BP-RATIO", "severity": "error",
             "title": "Value does not match its numerator and denominator",
             "when": "numerator is not null and denominator > 0 and ind.multiplier is not null",
             "check": "round(value, ind.decimals) == round(numerator / denominator * "
                      "ind.multiplier, ind.decimals)",
             "message": "The value {value} does not match {numerator} / {denominator}.",
             "fields": ["value", "numerator", "denominator"]},
        ],
    }


def make_pack(inds):
    """The definition, and each indicator's settings as kpix reads them."""
    default_rule = ("tolerance", 2.0, False)
    groups, settings = [], {}
    for g, (gtitle, prefix, _) in enumerate(GROUPS):
        entries = []
        for ind in inds:
            if not ind["code"].startswith(prefix):
                continue
            i = len(settings)
            e = {"code": ind["code"]}
            s = {"rule": default_rule, "polarity": ind["polarity"], "target": None,
                 "targets": {}, "tables": None}
            if ind["unit"] in ("days", "money", "count"):
                e["rag"] = {"method": "tolerance", "tolerance": {"percentOfTarget": 10}}
                s["rule"] = ("tolerance", 10.0, True)
            elif i % 7 == 3:
                e["rag"] = {"method": "comparative"}
                s["rule"] = ("comparative", 10.0, True)
            elif i % 11 == 5:
                e["rag"] = {"method": "tolerance", "tolerance": {"points": 0.5}}
                s["rule"] = ("tolerance", 0.5, False)
            if i % 4 == 1:
                e["breakdowns"] = [{"title": t, "values": v} for t, v in TABLES]
                s["tables"] = TABLES
            settings[ind["code"]] = s
            entries.append(e if len(e) > 1 else ind["code"])
        groups.append({"title": gtitle, "indicators": entries})
    doc = {"$kpix": "pack/1", "id": "bench-board", "version": "bench.1", "title": TITLE,
           "organisation": ORGANISATION, "schema": "./" + SCHEMA_FILE,
           "$comment": "Invented for the kpix pack benchmark (bench/gen-pack.py).",
           "periods": PERIODS, "fields": {"action": "action"},
           "rag": {"method": "tolerance", "tolerance": {"points": 2}}, "groups": groups}
    return doc, settings


def set_targets(inds, pack_doc, settings):
    """Where each indicator's target comes from (docs/packs.md, "Targets"):
    mostly the rows; some from the definition, some from the catalogue,
    some none."""
    modes = {}
    entries = {}
    for grp in pack_doc["groups"]:
        for k, e in enumerate(grp["indicators"]):
            code = e if isinstance(e, str) else e["code"]
            entries[code] = (grp["indicators"], k)
    for i, ind in enumerate(inds):
        code = ind["code"]
        if ind["polarity"] == "none":
            modes[code] = "none"
            continue
        m = ("catalogue" if i % 17 == 4 else "definition" if i % 19 == 6 else
             "periods" if i % 23 == 8 else "none" if i % 29 == 10 else "rows")
        modes[code] = m
        if m in ("definition", "periods"):
            lst, k = entries[code]
            e = lst[k] if isinstance(lst[k], dict) else {"code": code}
            lst[k] = e
        if m == "definition":
            e["target"] = None  # filled in when the figures are known
        elif m == "periods":
            e["targets"] = {}
    return modes, entries


def commentary(r):
    n = 5 + int(r() * 22)
    words = [WORDS[int(r() * len(WORDS))] for _ in range(n)]
    if r() < 0.3:
        words[n // 2] += ","
    if r() < 0.05:
        words[n // 3] = '"' + words[n // 3] + '"'
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def make_history(inds, modes, entries, settings, r):
    """The figures: {(code, breakdown index, period): figure}; rows in file order."""
    figs = {}
    rows = []
    seen = {ind["code"]: [] for ind in inds}  # breakdowns in the order first seen
    for ind in inds:
        # a level for the whole organisation and each breakdown, and a target
        # near the whole organisation's
        code, unit, d = ind["code"], ind["unit"], ind["decimals"]
        lo, hi = {"percent": (55.0, 99.0) if ind["polarity"] != "lower" else (1.0, 15.0),
                  "days": (4.0, 60.0), "per1000": (0.5, 40.0), "count": (5.0, 600.0),
                  "money": (40.0, 900.0), "score": (4.0, 9.5), "ratio": (0.5, 3.0)}[unit]
        base = [lo + r() * (hi - lo) for _ in range(len(BREAKDOWNS) + 1)]
        target_base = base[0] * (1 + (r() - 0.5) * 0.12)
        if ind.get("max") is not None:
            target_base = min(target_base, ind["max"])
        tscale = float(10 ** d)
        s = settings[code]
        m = modes[code]
        if m == "catalogue":
            ind["target"] = round(target_base * tscale) / tscale
        elif m == "definition":
            lst, k = entries[code]
            lst[k]["target"] = s["target"] = round(target_base * tscale) / tscale
        ind["_bd_target"] = [r() < 0.5 for _ in BREAKDOWNS]
        ind["_base"] = base
        ind["_target_base"] = target_base
    for p in range(FIRST, CUR + 1):
        for ind in inds:
            if not due_in(ind, p):
                continue
            code, unit, d = ind["code"], ind["unit"], ind["decimals"]
            mult = ind.get("derivation", {}).get("multiplier")
            m = modes[code]
            tscale = float(10 ** d)
            if m == "periods" and p >= CUR - 1:
                lst, k = entries[code]
                t = round(ind["_target_base"] * (1.0 + 0.01 * (p - CUR)) * tscale) / tscale
                if ind.get("max") is not None:
                    t = min(t, float(ind["max"]))
                lst[k]["targets"][period_text(p)] = t
                settings[code]["targets"][period_text(p)] = t
            for b in range(len(BREAKDOWNS) + 1):
                # a few figures are missing: the pack must show a gap, or No data
                if r() < (0.004 if p == CUR else 0.012):
                    continue
                level = ind["_base"][b] * (1 + (r() - 0.5) * 0.16)
                if ind.get("max") is not None:
                    level = min(level, ind["max"] * 0.995)
                num_text = den_text = ""
                if mult is not None:
                    den = (200 + int(r() * 60000)) if unit != "per1000" else 8000 + int(r() * 9000)
                    num = int(den * level / mult)
                    value = round_excel(num / den * mult, d)
                    num_text, den_text = str(num), str(den)
                    if unit == "money" and r() < 0.5:
                        num_text = "\u00A3" + "{:,}".format(num)
                else:
                    value = round_excel(level, d)
                vtext = "%.*f" % (d, value)
                if unit == "percent" and r() < 0.3:
                    vtext += "%"
                target = None
                if m == "rows" and (b == 0 or ind["_bd_target"][b - 1]):
                    tb = ind["_target_base"] * (1 + (r() - 0.5) * 0.04 if b else 1.0)
                    if ind.get("max") is not None:
                        tb = min(tb, float(ind["max"]))
                    target = round(tb * tscale) / tscale
                com = commentary(r) if r() < (0.55 if p == CUR else 0.2) else None
                act = commentary(r) if p == CUR and r() < 0.35 else None
                f = {"value": float(vtext.rstrip("%")), "target": target, "commentary": com,
                     "action": act}
                figs[(code, b, p)] = f
                if b and BREAKDOWNS[b - 1] not in seen[code]:
                    seen[code].append(BREAKDOWNS[b - 1])
                rows.append(",".join([
                    ORGANISATION, period_text(p), code, BREAKDOWNS[b - 1] if b else "",
                    csv_cell(num_text), csv_cell(den_text), vtext,
                    "" if target is None else "%.*f" % (d, target),
                    csv_cell(com or ""), csv_cell(act or "")]))
    return figs, rows, seen


# ------------------------------------------------------ the pack's model

class Line:
    pass


def model(inds, settings, figs, seen):
    """Judges every figure as src/pack/pack.c does (judge, target_for)."""
    by_code = {ind["code"]: ind for ind in inds}
    first_p = min(p for (_, _, p) in figs)

    def value_at(code, b, p):
        f = figs.get((code, b, p)) if p is not None else None
        return f["value"] if f else None

    def target_for(code, b, p):
        s, ind = settings[code], by_code[code]
        name = period_text(p)
        if name in s["targets"]:
            return s["targets"][name]
        if s["target"] is not None:
            return s["target"]
        f = figs.get((code, b, p))
        if f and f["target"] is not None:
            return f["target"]
        if b:
            f = figs.get((code, 0, p))
            if f and f["target"] is not None:
                return f["target"]
        return ind.get("target")

    def judge(code, b):
        ind, s = by_code[code], settings[code]
        d, pol = ind["decimals"], s["polarity"]
        l = Line()
        l.code, l.ind, l.bd = code, ind, b
        l.due = due_in(ind, CUR)
        l.prev_p = None
        p = CUR - 1
        while p >= first_p and p >= CUR - 4:
            if due_in(ind, p):
                l.prev_p = p
                break
            p -= 1
        l.now = value_at(code, b, CUR)
        l.prev = value_at(code, b, l.prev_p)
        l.last_year = value_at(code, b, CUR - 4)
        l.target = target_for(code, b, CUR)
        l.rag = rag_rate(s["rule"], pol, d, l.due, l.now, l.target, l.last_year)
        l.vs_prev = dot_compare(pol, d, l.now, l.prev)
        l.vs_year = dot_compare(pol, d, l.now, l.last_year)
        f = figs.get((code, b, CUR))
        l.commentary = f["commentary"] if f else None
        l.action = f["action"] if f else None
        l.drafted = None
        if l.commentary is None:
            any_before = met_before = False
            for p in range(first_p, CUR):
                e = figs.get((code, b, p))
                if not e:
                    continue
                t = target_for(code, b, p)
                if t is None:
                    continue
                any_before = True
                met_before |= rag_rate(("tolerance", 0.0, False), pol, d, True, e["value"], t,
                                       None) == GREEN
            l.drafted = draft_sentence(pol, d, ind["unit"], l.rag, l.now, l.prev, l.target,
                                       met_before, any_before, due_words(ind) or None)
        return l

    lines, bd_lines = [], []
    for ind in inds:
        code = ind["code"]
        lines.append(judge(code, 0))
        tables = settings[code]["tables"]
        names = [v for _, vs in tables for v in vs] if tables else seen[code]
        bd_lines.append([judge(code, BREAKDOWNS.index(n) + 1) for n in names])
    return lines, bd_lines, first_p, value_at, target_for


# ------------------------------------------------------------ the sheets

def fit_row(book, row, texts, w):
    lines = 1
    for t, width in zip(texts, w):
        if t is None or width <= 0:
            continue
        # about 1.2 characters of ordinary text to a unit of column width
        per_line = int(width * 1.2)
        per_line = per_line if per_line > 4 else 4
        n = 0
        for part in t.split("\n"):
            n += len(part) // per_line + 1
        lines = max(lines, n)
    if lines > 1:
        book.line("H", row, repr(15.0 * lines))


def rag_style(rag):
    fill, color = RAG_COLOURS.get(rag, GREY)
    return Style(bold=True, border=True, center=True, wrap=True, fill=fill, color=color)


def rag_cell(book, row, col, rag):
    book.text(row, col, RAG_NAMES[rag], rag_style(rag))


def dot_cell(book, row, col, dot, now, then):
    colour = 0x006100 if dot == BETTER else 0x9C0006 if dot == WORSE else None
    book.text(row, col, dot_text(dot, now, then),
              Style(border=True, center=True, wrap=True, color=colour))


def figure_cell(book, row, col, ind, v, missing):
    if v is None:
        book.text(row, col, missing, C_NOTE)
        return
    book.number(row, col, v, Style(border=True, wrap=True, num=number_format(ind)))


def widths(book, w):
    for i, x in enumerate(w):
        book.line("W", i, repr(float(x)))


def headings(book, row, h):
    for i, t in enumerate(h):
        book.text(row, i, t, C_HEAD)


def print_setup(book, repeat_first, repeat_last, last_row, last_col):
    ends, _ = quarter_end(CUR)
    header = "&L%s&C%s&R%s" % (ORGANISATION.replace("&", "&&"), TITLE.replace("&", "&&"),
                              period_text(CUR))
    footer = "&LFigures to %s&RPage &P of &N" % ends.replace("&", "&&")
    book.line("O", 1, 1, repeat_first, repeat_last, esc(header), esc(footer))
    book.line("Q", 0, 0, last_row, 0 if last_col is None else last_col)


def previous_heading(ls):
    """The heading of a column of previous figures, as pack.c writes it."""
    if ls and all(l.prev_p == ls[0].prev_p for l in ls) and ls[0].prev_p is not None:
        return "Previous period\n" + period_text(ls[0].prev_p)
    return "Previous period\n(the last one due)"


def judged_cells(bk, row, col, l):
    ind = l.ind
    figure_cell(bk, row, col, ind, l.target, "No target")
    figure_cell(bk, row, col + 1, ind, l.now, "No data" if l.due else "Not due")
    figure_cell(bk, row, col + 2, ind, l.prev, "No data")
    figure_cell(bk, row, col + 3, ind, l.last_year, "No data")
    rag_cell(bk, row, col + 4, l.rag)
    dot_cell(bk, row, col + 5, l.vs_prev, l.now, l.prev)
    dot_cell(bk, row, col + 6, l.vs_year, l.now, l.last_year)


def commentary_of(l):
    return l.commentary if l.commentary is not None else "Drafted by kpix: " + (l.drafted or "")


def write_cells(inds, settings, groups, lines, bd_lines, first_p, value_at, target_for, files,
                counts, produced_by):
    bk = Book()
    n = len(inds)
    pt = period_text(CUR)
    ends, end_days = quarter_end(CUR)
    label, plain = C_BOLD, Style(wrap=True)

    # Cover
    bk.line("S", "Cover")
    w = [26, 100]
    widths(bk, w)
    bk.text(0, 0, TITLE, C_TITLE)
    bk.text(1, 0, ORGANISATION, C_SUBTITLE)
    row = 3
    count = {k: sum(1 for l in lines if l.rag == k) for k in range(7)}
    items = [
        ("Period", pt),
        ("Figures to", ends),
        ("At a glance", "%d indicators: %d green, %d amber, %d red, %d with no data, %d not "
                        "due, %d without a target or rating"
         % (n, count[GREEN], count[AMBER], count[RED], count[NO_DATA], count[NOT_DUE],
            count[NO_TARGET] + count[NOT_RATED])),
        ("How RAG is set", rag_rule_words(("tolerance", 2.0, False))),
        ("Direction of travel", DIRECTION),
        ("History", ", ".join(f["name"] for f in files[:-2])),
        ("Pack definition", "bench-board, version bench.1; schema bench-pack, version bench.1"),
        ("Inputs fingerprint", "%s (SHA-256 of the inputs as manifest.json records them; "
                               "kpix verify checks it)" % counts["fingerprint"]),
        ("Produced by", produced_by),
    ]
    for lab, value in items:
        fit_row(bk, row, [None, value], w)
        bk.text(row, 0, lab, label)
        bk.text(row, 1, value, plain)
        row += 1
    row += 1
    bk.text(row, 0, "Contents", C_BOLD)
    row += 1
    for a, b in CONTENTS:
        bk.text(row, 0, a, label)
        bk.text(row, 1, b, plain)
        row += 1
    row += 1
    bk.text(row, 0, "Key", C_BOLD)
    row += 1
    for k in range(7):
        rag_cell(bk, row, 0, k)
        bk.text(row, 1, KEY[k], plain)
        row += 1
    print_setup(bk, -1, -1, row, 1)

    # Summary
    bk.line("S", "Summary")
    w = [9, 38, 11, 10, 11, 11, 11, 10, 11, 11, 60]
    widths(bk, w)
    bk.text(0, 0, "%s: summary, %s" % (TITLE, pt), C_TITLE)
    counted = [GREEN, AMBER, RED, NO_DATA, NOT_DUE]
    bk.text(1, 1, "Indicators", C_BOLD)
    for i, k in enumerate(counted):
        rag_cell(bk, 1, 3 + i, k)
    bk.number(2, 1, n, Style(bold=True, size=14))
    for i, k in enumerate(counted):
        bk.number(2, 3 + i, count[k], Style(bold=True, border=True, center=True, size=14))
    h = ["Code", "Indicator", "Polarity", "Target", "This period\n" + pt, previous_heading(lines),
         "Same period last year\n" + period_text(CUR - 4), "RAG", "vs previous",
         "vs last year", "Commentary"]
    bk.line("H", 4, repr(60.0))
    headings(bk, 4, h)
    row = 5
    for gtitle, codes in groups:
        bk.text(row, 0, gtitle, C_GROUP)
        for c in range(1, 11):
            bk.blank(row, c, C_GROUP)
        row += 1
        for l in lines:
            if l.code not in codes:
                continue
            ind, pol = l.ind, settings[l.code]["polarity"]
            comment = commentary_of(l)
            fit = [None, ind["title"], polarity_words(pol)] + [None] * 7 + [comment]
            fit_row(bk, row, fit, w)
            bk.text(row, 0, ind["code"], C_TEXT)
            bk.text(row, 1, ind["title"], C_WRAP)
            bk.text(row, 2, polarity_words(pol), C_WRAP)
            judged_cells(bk, row, 3, l)
            bk.text(row, 10, comment, C_WRAP if l.commentary is not None else C_DRAFT)
            row += 1
    bk.line("Z", 5, 2)
    print_setup(bk, 4, 4, row - 1, 10)

    # Exceptions
    bk.line("S", "Exceptions")
    w = [9, 30, 14, 10, 11, 11, 11, 10, 11, 11, 44, 44]
    widths(bk, w)
    bk.text(0, 0, "Exceptions: red and amber figures, %s" % pt, C_TITLE)
    h = ["Code", "Indicator", "Breakdown", "Target", "This period", "Previous period",
         "Same period last year", "RAG", "vs previous", "vs last year", "Commentary",
         "Corrective action"]
    bk.line("H", 2, repr(60.0))
    headings(bk, 2, h)
    row = 3
    for i in range(n):
        for l in [lines[i]] + bd_lines[i]:
            if l.rag not in (RED, AMBER):
                continue
            ind = l.ind
            comment = commentary_of(l)
            where = BREAKDOWNS[l.bd - 1] if l.bd else "Whole organisation"
            fit = [None, ind["title"], where] + [None] * 7 + [comment, l.action]
            fit_row(bk, row, fit, w)
            bk.text(row, 0, ind["code"], C_TEXT)
            bk.text(row, 1, ind["title"], C_WRAP)
            bk.text(row, 2, where, C_WRAP)
            judged_cells(bk, row, 3, l)
            bk.text(row, 10, comment, C_WRAP if l.commentary is not None else C_DRAFT)
            if l.action:
                bk.text(row, 11, l.action, C_WRAP)
            else:
                bk.text(row, 11, "None recorded", C_NOTE)
            row += 1
    if row == 3:
        bk.text(row, 0, "No figure is red or amber this period.", C_BOLD)
        row += 1
    bk.line("Z", 3, 0)
    print_setup(bk, 2, 2, row - 1, 11)

    # Trends
    bk.line("S", "Trends")
    widths(bk, [22, 12, 12, 2])
    bk.text(0, 0, "Trends: each indicator over the periods shown, with its target", C_TITLE)
    row = 2
    breaks = []
    for i, ind in enumerate(inds):
        code = ind["code"]
        if i and i % 2 == 0:
            breaks.append(row)
        top = row
        title = "%s %s" % (code, ind["title"])
        bk.text(row, 0, title, C_BOLD)
        row += 1
        headings(bk, row, ["Period", "Figure", "Target"])
        row += 1
        ps = []
        p = CUR
        while p >= first_p and len(ps) < PERIODS:
            if due_in(ind, p) or p == CUR:
                ps.append(p)
            p -= 1
        ps.reverse()
        first = row
        anyv = False
        for p in ps:
            bk.text(row, 0, period_text(p), C_TEXT)
            v, t = value_at(code, 0, p), target_for(code, 0, p)
            anyv |= v is not None
            if v is not None:
                figure_cell(bk, row, 1, ind, v, None)
            else:
                bk.blank(row, 1, C_TEXT)
            if t is not None:
                figure_cell(bk, row, 2, ind, t, None)
            else:
                bk.blank(row, 2, C_TEXT)
            row += 1
        if anyv:
            rng = ["Trends!$%s$%d:$%s$%d" % (c, first + 1, c, row) for c in "ABC"]
            bk.line("C", top, 4, esc(title), esc(number_format(ind)), *rng)
        else:
            bk.text(row, 0, "No figures in the periods shown.", C_NOTE)
            row += 1
        row = max(row, top + 15) + 1
    bk.line("B", *[b for b in breaks[:1023] if b])
    print_setup(bk, -1, -1, row, 13)

    # Breakdowns
    bk.line("S", "Breakdowns")
    w = [30, 10, 11, 11, 11, 10, 11, 11, 60]
    widths(bk, w)
    bk.text(0, 0, "Breakdowns, %s" % pt, C_TITLE)
    row = 2
    for i, ind in enumerate(inds):
        bls = bd_lines[i]
        if not bls:
            continue
        h = ["Breakdown", "Target", "This period\n" + pt, previous_heading(bls),
             "Same period last year\n" + period_text(CUR - 4), "RAG", "vs previous",
             "vs last year", "Commentary"]
        bk.text(row, 0, "%s %s" % (ind["code"], ind["title"]), C_GROUP)
        for c in range(1, 9):
            bk.blank(row, c, C_GROUP)
        row += 1
        tables = settings[ind["code"]]["tables"] or [("By breakdown", bls)]
        k = 0
        for ttitle, names in tables:
            bk.text(row, 0, ttitle, C_BOLD)
            row += 1
            bk.line("H", row, repr(60.0))
            headings(bk, row, h)
            row += 1
            for _ in names:
                l = bls[k]
                k += 1
                comment = commentary_of(l)
                name = BREAKDOWNS[l.bd - 1]
                fit_row(bk, row, [name] + [None] * 7 + [comment], w)
                bk.text(row, 0, name, C_WRAP)
                judged_cells(bk, row, 1, l)
                bk.text(row, 8, comment, C_WRAP if l.commentary is not None else C_DRAFT)
                row += 1
        row += 1
    print_setup(bk, -1, -1, row, 8)

    # Definitions
    bk.line("S", "Definitions")
    w = [9, 30, 50, 12, 14, 14, 30, 30, 40, 40]
    widths(bk, w)
    bk.text(0, 0, "Definitions: what each indicator measures", C_TITLE)
    headings(bk, 2, ["Code", "Indicator", "Description", "Unit", "Polarity", "Reported",
                     "Numerator", "Denominator", "RAG", "Source"])
    row = 3
    for ind in inds:
        s = settings[ind["code"]]
        rep = ind.get("frequency", "")
        if ind.get("dueIn"):
            rep += (", " if rep else "") + due_words(ind)
        der = ind.get("derivation", {})
        cells = [ind["code"], ind["title"], ind.get("description"), unit_words(ind["unit"]),
                 polarity_words(s["polarity"]), rep, der.get("numerator"),
                 der.get("denominator"), rag_rule_words(s["rule"]), ind.get("source")]
        fit_row(bk, row, [None] + cells[1:], w)
        for c, t in enumerate(cells):
            bk.text(row, c, t, C_WRAP if c else C_TEXT)
        row += 1
    bk.line("Z", 3, 0)
    print_setup(bk, 2, 2, row - 1, 9)

    # Data quality
    bk.line("S", "Data quality")
    bk.text(0, 0, "Data quality: the files read and what their checks found", C_TITLE)
    row = 2
    for lab, v in [("Rows read", counts["read"]), ("Rows shown in this pack", counts["used"]),
                   ("Rows for periods after this one (not shown)", 0),
                   ("Rows for indicators this pack does not show", 0),
                   ("Rows for other organisations", 0), ("Errors", 0), ("Warnings", 0)]:
        bk.text(row, 0, lab, label)
        bk.number(row, 4, v, None)
        row += 1
    row += 1
    bk.text(row, 0, "Files (as manifest.json records them)", C_BOLD)
    row += 1
    for c, t in zip([0, 1, 7], ["File", "Rows", "SHA-256"]):
        bk.text(row, c, t, C_HEAD)
    row += 1
    for i, f in enumerate(files):
        bk.text(row, 0, f["name"], C_TEXT)
        if i < len(files) - 2:
            bk.number(row, 1, f["rows"], C_TEXT)
        else:
            bk.text(row, 1, "schema" if i == len(files) - 2 else "pack", C_TEXT)
        bk.text(row, 7, f["sha256"], C_TEXT)
        row += 1
    row += 1
    bk.text(row, 0, "Warnings", C_BOLD)
    row += 1
    head = Style(heading=True, border=True)
    for c, (t, wd) in enumerate(zip(["File", "Row", "Column", "Field", "Code", "Rule", "Value",
                                     "Message"], [24, 8, 8, 16, 20, 14, 20, 90])):
        bk.text(row, c, t, head)
        bk.line("W", c, repr(float(wd)))
    row += 1
    bk.text(row, 0, "The data passed every check without a warning.", None)
    row += 1
    print_setup(bk, -1, -1, row, 7)

    bk.line("P", end_days * 86400, esc("%s, %s" % (TITLE, pt)), "Quarterly Operational Board pack",
            ORGANISATION, "", ORGANISATION, "Board pack", "")
    return bk.text_bytes()


# ------------------------------------------------------------------- main

def produced_by_default():
    try:
        with open(os.path.join(os.path.dirname(HERE), "include", "kpix", "kpix.h")) as f:
            m = re.search(r'#define KPIX_VERSION "([^"]*)"', f.read())
            return "kpix " + m.group(1)
    except (OSError, AttributeError):
        return "kpix"


def write(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def json_bytes(doc):
    return (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def main(argv):
    ap = argparse.ArgumentParser(description="write the pack benchmark's inputs and cell script")
    ap.add_argument("dir")
    ap.add_argument("--produced-by", default=None,
                    help='the "Produced by" text of the cover (default: kpix VERSION from '
                         "include/kpix/kpix.h)")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args(argv[1:])
    os.makedirs(a.dir, exist_ok=True)
    r = random.Random(a.seed).random  # the only source of randomness

    inds = make_catalogue()
    pack_doc, settings = make_pack(inds)
    modes, entries = set_targets(inds, pack_doc, settings)
    figs, rows, seen = make_history(inds, modes, entries, settings, r)
    for ind in inds:
        for k in [k for k in ind if k.startswith("_")]:
            del ind[k]
    groups = [(g["title"], {e if isinstance(e, str) else e["code"] for e in g["indicators"]})
              for g in pack_doc["groups"]]

    history = ("organisation,period,indicator,breakdown,numerator,denominator,value,target,"
               "commentary,action\n" + "\n".join(rows) + "\n").encode("utf-8")
    schema = json_bytes(schema_doc(inds))
    pack = json_bytes(pack_doc)
    write(os.path.join(a.dir, HISTORY_FILE), history)
    write(os.path.join(a.dir, SCHEMA_FILE), schema)
    write(os.path.join(a.dir, PACK_FILE), pack)

    files = []
    fp = b""
    for name, data in [(HISTORY_FILE, history), (SCHEMA_FILE, schema), (PACK_FILE, pack)]:
        h = hashlib.sha256(data).hexdigest()
        files.append({"name": name, "rows": len(rows), "sha256": h})
        fp += b"%s %d %s\n" % (name.encode(), len(data), h.encode())
    fp += b"period " + period_text(CUR).encode() + b"\n"
    counts = {"read": len(rows), "used": len(figs),
              "fingerprint": hashlib.sha256(fp).hexdigest()}

    lines, bd_lines, first_p, value_at, target_for = model(inds, settings, figs, seen)
    cells = write_cells(inds, settings, groups, lines, bd_lines, first_p, value_at, target_for,
                        files, counts, a.produced_by or produced_by_default())
    write(os.path.join(a.dir, CELLS_FILE), cells)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
