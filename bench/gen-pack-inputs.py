#!/usr/bin/env python3
"""Write the pack benchmark's inputs.

usage: python3 gen-pack-inputs.py DIR [--seed N]

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

Every figure, name and sentence is invented for the benchmark. Only the
inputs: what kpix makes of them is kpix's business. The benchmark's bare
program replays the libxlsxwriter calls a kpix built with KPIX_XLSX_TRACE
made for them (bench/replay.c), so nothing here knows how a pack is laid
out or judged.

Everything depends only on the arguments: every random draw goes through
random.Random(SEED).random() (default seed 7). Standard library only.
"""
import argparse
import importlib.util
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

ORGANISATION = "Example Borough Council"
TITLE = "Operational Board: quarterly performance (benchmark)"
SCHEMA_FILE = "bench-pack-schema.json"
PACK_FILE = "bench-board.json"
HISTORY_FILE = "history.csv"
FIRST = 2023 * 4 + 2     # 2023-24 Q3 (year * 4 + quarter - 1)
CUR = 2025 * 4 + 1       # 2025-26 Q2, the pack's period
PERIODS = 8
BREAKDOWNS = ["North", "Central", "South", "LCRA", "LCHO"]
TABLES = [("By area", ["North", "Central", "South"]), ("By tenure", ["LCRA", "LCHO"])]
SOURCE = "Invented for the kpix pack benchmark (bench/gen-pack-inputs.py); not a real measure."

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


def due_in(ind, p):
    due = ind.get("dueIn")
    return not due or any(d.endswith("Q%d" % (p % 4 + 1)) for d in due)



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
    """The pack definition: every indicator in its group, some with a RAG
    method, tables of breakdowns or (set_targets) targets of their own."""
    groups = []
    i = 0
    for g, (gtitle, prefix, _) in enumerate(GROUPS):
        entries = []
        for ind in inds:
            if not ind["code"].startswith(prefix):
                continue
            e = {"code": ind["code"]}
            if ind["unit"] in ("days", "money", "count"):
                e["rag"] = {"method": "tolerance", "tolerance": {"percentOfTarget": 10}}
            elif i % 7 == 3:
                e["rag"] = {"method": "comparative"}
            elif i % 11 == 5:
                e["rag"] = {"method": "tolerance", "tolerance": {"points": 0.5}}
            if i % 4 == 1:
                e["breakdowns"] = [{"title": t, "values": v} for t, v in TABLES]
            i += 1
            entries.append(e if len(e) > 1 else ind["code"])
        groups.append({"title": gtitle, "indicators": entries})
    return {"$kpix": "pack/1", "id": "bench-board", "version": "bench.1", "title": TITLE,
            "organisation": ORGANISATION, "schema": "./" + SCHEMA_FILE,
            "$comment": "Invented for the kpix pack benchmark (bench/gen-pack-inputs.py).",
            "periods": PERIODS, "fields": {"action": "action"},
            "rag": {"method": "tolerance", "tolerance": {"points": 2}},
            "ragNote": "the benchmark's own rule", "groups": groups}


def set_targets(inds, pack_doc):
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


def make_history(inds, modes, entries, r):
    """The rows of history.csv, in file order."""
    rows = []
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
        m = modes[code]
        if m == "catalogue":
            ind["target"] = round(target_base * tscale) / tscale
        elif m == "definition":
            lst, k = entries[code]
            lst[k]["target"] = round(target_base * tscale) / tscale
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
                rows.append(",".join([
                    ORGANISATION, period_text(p), code, BREAKDOWNS[b - 1] if b else "",
                    csv_cell(num_text), csv_cell(den_text), vtext,
                    "" if target is None else "%.*f" % (d, target),
                    csv_cell(com or ""), csv_cell(act or "")]))
    return rows


def write(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def json_bytes(doc):
    return (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def main(argv):
    ap = argparse.ArgumentParser(description="write the pack benchmark's inputs")
    ap.add_argument("dir")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args(argv[1:])
    os.makedirs(a.dir, exist_ok=True)
    r = random.Random(a.seed).random  # the only source of randomness

    inds = make_catalogue()
    pack_doc = make_pack(inds)
    modes, entries = set_targets(inds, pack_doc)
    rows = make_history(inds, modes, entries, r)
    for ind in inds:
        for k in [k for k in ind if k.startswith("_")]:
            del ind[k]

    write(os.path.join(a.dir, HISTORY_FILE),
          ("organisation,period,indicator,breakdown,numerator,denominator,value,target,"
           "commentary,action\n" + "\n".join(rows) + "\n").encode("utf-8"))
    write(os.path.join(a.dir, SCHEMA_FILE), json_bytes(schema_doc(inds)))
    write(os.path.join(a.dir, PACK_FILE), json_bytes(pack_doc))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
