#!/usr/bin/env python3
"""The regulator's 2023/24 TSM data through kpix (issue 13, "Checked against the regulator's data").

    tests/rsh-tsm/run-corpus.py --kpix KPIX [--corpus DIR] [--jobs N] [--sample] [--landlord CODE]...

For every landlord in the corpus (tests/rsh-tsm/2023-24, built by tools/rsh-tsm/build-corpus.py
from the regulator's published 2023/24 workbook), writes its return as a data-point file (field,value)
the way schemas/rsh-tsm-2023-24.json asks an officer to give it, runs

    kpix export FILE --schema rsh-tsm-2023-24 --param provider_code=... --param provider_name=...
                     --param provider_type=... --only data-points --out DIR

and reads the data points back. Every value kpix calculates is compared with the value the
regulator published (published.csv, unrounded) rounded as kpix writes it: the published number is
rounded half away from zero, in decimal, to the number of decimal places of kpix's value. Where they
differ, the difference must be one tools/rsh-tsm/reference.py found and classed in differences.csv
(a quirk of the regulator's publication, not of the return's arithmetic), with kpix's value the one
that reference.py reckoned from the same inputs; or one of the few classes named below. Prints the
counts and each class with its count. Fails (exit 1) on any kpix error, a run that is refused, or
any difference not explained; exit 2 on bad usage or a corpus that cannot be read.

How the return is written (schemas/rsh-tsm-2023-24.json's own documentation for each answer):
- Coverage_LCRA, Coverage_LCHO and Coverage_Combined are Table_Coverage's Yes/No for the landlord's
  LCRA, LCHO and combined perception tables (coverage.csv).
- The data points are datapoints.csv's rows and retired.csv's (the 2023/24 questions the 2024/25
  dictionary dropped), under their 2023/24 names: the corpus names a combined survey's Section 1a
  data points with 2024/25's _c (Relevant_ten_pop_size_c, ...), the 2023/24 form with _a; the
  publication address (2024/25: Online_Publication_URL) is given as Provide_URL_used, since the
  published column does not say whether it was the address used or intended.
- BS01_Applies to RP02_2_Applies: No when both the measure's numerator and denominator are blank in
  the published data (markers.csv: [X], left blank by the landlord; or [E], withheld by the
  regulator, which this runner cannot give and so answers as not applying, counted apart);
  left out (Yes) otherwise.
- Complaints for a tenure the landlord's perception coverage does not include (Tandridge, 43UK,
  repeated its LCRA complaints under combined) are not given, as kpix would refuse them
  (TSM-NOT-APPLICABLE); the values the regulator published for them are a class of their own.

Landlords the regulator excluded from a table (Table_Coverage's *_Not_Inc columns) have no complete
return in the published data: they are named and counted, not run. A landlord whose published data
leaves a required data point blank is run all the same and must be refused with exactly the
TSM-MISSING errors for those data points (so the corpus checks that kpix catches them); its values
are then not compared, and it is named and counted.

With --sample only a fixed set of landlords runs (SAMPLE below, for the valgrind build, where each
run of kpix costs about a second); --landlord runs the ones named. Standard library only.
"""

import argparse
import concurrent.futures
import csv
import os
import re
import subprocess
import sys
import tempfile
from decimal import Decimal, ROUND_HALF_UP, InvalidOperation

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA = "rsh-tsm-2023-24"

# The valgrind build's sample (--sample): a landlord of each shape the corpus holds and of each
# class the comparison names. Councils with LCRA only: 00BR (fractional counts without weighting:
# warnings) and 00FN (CH02 numerators left blank: refused as expected); housing associations with
# LCRA only: L4312 (zero unweighted counts without weighting, left out); LCRA and LCHO: L4240, and
# 4849 (weighted LCHO counts published whole); LCHO only: 4636 (its minimum sample swapped with
# 4668's, RP01 and RP02 left blank: Applies No); the two combined surveys (H1046, LH3859: Section 1a
# under _a); Tandridge's complaints repeated under combined (43UK); measures withheld by the
# regulator (17UK, [E]). Between them they meet every class and rule of the run.
SAMPLE = ["00BR", "00FN", "17UK", "43UK", "4636", "4849", "H1046", "L4240", "L4312", "LH3859"]

FAILURES_SHOWN = 30
DEPENDS = {"RP02_1": re.compile(r"RP02_Max_Timescale_Non_Emer|More_than_one_target_NE(_Text)?"),
           "RP02_2": re.compile(r"RP02_Max_Timescale_Emer|More_than_one_target_E(_Text)?")}
UNWEIGHTED = re.compile(r"Unweighted_TP01_[A-Za-z]+_[ab]")
MEASURES = ["BS01", "BS02", "BS03", "BS04", "BS05", "RP01", "RP02_1", "RP02_2"]
CALCULATED = re.compile(r"TP\d\d_Satisfied_Calc_(LCRA|LCHO|COMB)|.*_Calculated_Value(_(LCRA|LCHO|COMB))?")
TENURE = re.compile(r".*_(LCRA|LCHO|COMB)")
COVERAGE = {"LCRA": "TSM24_LCRA_Perception", "LCHO": "TSM24_LCHO_Perception",
            "COMB": "TSM24_Combined_Perception"}
# the corpus's 2024/25 names for the combined survey's Section 1a data points (SOURCE.md's table)
COMBINED_C = re.compile(r"(Relevant_ten_pop_size|Total_sample_size|Excluded_tens|Census_or_Sample|"
                        r"Responses_[A-Za-z]+|Other_methods_desc|TP01_Satisfied_[A-Za-z]+|"
                        r"TP01_Confirm_Weighting|Weighting_used|Weighting_characteristic\d|"
                        r"Weighting_other_desc|Unweighted_TP01_[A-Za-z]+|Unweighted_Prop_Satisfied)_c")
# 4636 and 4668, the only landlords with LCHO results and no LCRA ones, were published with each
# other's minimum sample (tests/rsh-tsm/2023-24/FACTS.md, section 1)
SWAPPED_MIN_SAMPLE = {"4636", "4668"}

CLASS_TENURE = "complaints given for a tenure the return does not cover, published (not given to kpix)"
CLASS_SWAP = "minimum sample published as another landlord's (4636 and 4668 swapped)"
CLASS_MARGIN_SWAP = "margin of error published as another landlord's (4636 and 4668 swapped)"


class CorpusError(Exception):
    pass


def read_csv(path, header):
    try:
        with open(path, encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
    except OSError as e:
        raise CorpusError(f"{path}: {e.strerror}")
    if not rows or rows[0][:len(header)] != header:
        raise CorpusError(f"{path}: the header is not {','.join(header)}")
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def by_landlord(rows, key="field", value="value"):
    out = {}
    for r in rows:
        out.setdefault(r["landlord"], {})[r[key]] = r[value]
    return out


def load(corpus):
    p = lambda name: os.path.join(corpus, name)
    coverage = {r["landlord"]: r for r in read_csv(p("coverage.csv"), ["landlord", "name", "type"])}
    data = {}
    for name in ("datapoints.csv", "retired.csv"):
        for r in read_csv(p(name), ["landlord", "field", "value"]):
            fields = data.setdefault(r["landlord"], [])
            fields.append((r["field"], r["value"]))
    markers = by_landlord(read_csv(p("markers.csv"), ["landlord", "field", "marker"]), value="marker")
    published = by_landlord(read_csv(p("published.csv"), ["landlord", "field", "value"]))
    differences = {}
    for r in read_csv(p("differences.csv"), ["landlord", "field", "published", "published_1dp", "reckoned",
                                             "reckoned_1dp", "class"]):
        differences[(r["landlord"], r["field"])] = r
    return coverage, data, markers, published, differences


def the_return(code, cov, fields, marks):
    """The landlord's data-point rows, the tenures whose complaints were dropped, and the
    measures answered as not applying with the marker that made them so."""
    covers = {t: cov[sheet] == "Yes" for t, sheet in COVERAGE.items()}
    rows = [("Coverage_LCRA", cov["TSM24_LCRA_Perception"]), ("Coverage_LCHO", cov["TSM24_LCHO_Perception"]),
            ("Coverage_Combined", cov["TSM24_Combined_Perception"])]
    dropped, given = set(), set()
    for field, value in fields:
        if field == "Online_Publication_URL":
            field = "Provide_URL_used"
        elif COMBINED_C.fullmatch(field):
            field = field[:-2] + "_a"
        m = TENURE.fullmatch(field)
        if m and field.startswith("CH0") and not covers[m.group(1)]:
            dropped.add(m.group(1))
            continue
        rows.append((field, value))
        given.add(field)
    applies, left_out = {}, []
    for m in MEASURES:
        num, den = f"{m}_Numerator", f"{m}_Denominator"
        if num not in given and den not in given and num in marks and den in marks:
            applies[m] = marks[num] if marks[num] == marks[den] else f"{marks[num]}/{marks[den]}"
            rows.append((f"{m}_Applies", "No"))
            # what the form then does not ask: given all the same where the regulator withheld
            # the measure ([E]) but published the answers about its targets (17UK, 5179)
            left_out += [f for f, _ in rows if DEPENDS.get(m) and DEPENDS[m].fullmatch(f)]
    # counts given as 0 to a question the form does not ask (the unweighted TP01 counts of a
    # survey that was not weighted: L4312)
    answers = dict(rows)
    left_out += [f for f, v in rows if UNWEIGHTED.fullmatch(f) and v == "0"
                 and answers.get(f"Weighting_used_{f[-1]}") == "No"]
    rows = [(f, v) for f, v in rows if f not in left_out]
    return rows, dropped, applies, left_out


def run_kpix(kpix, code, cov, rows, workdir):
    path = os.path.join(workdir, f"{code}.csv")
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["field", "value"])
        w.writerows(rows)
    out = os.path.join(workdir, code)
    cmd = [kpix, "export", path, "--schema", SCHEMA, "--only", "data-points", "--out", out,
           "--max-errors", "100000",
           "--param", f"provider_code={code}", "--param", f"provider_name={cov['name']}",
           "--param", f"provider_type={cov['type']}"]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, encoding="utf-8",
                          errors="replace")
    values = None
    if proc.returncode == 0:
        name = os.path.join(out, f"tsm-2023-24-{code}-data-points.csv")
        with open(name, encoding="utf-8", newline="") as f:
            values = {r["field"]: r["value"] for r in csv.DictReader(f)}
    text = proc.stdout + proc.stderr
    problems = re.findall(r"(error|warning): (\S+) .*\[([A-Za-z0-9-]+)\]$", text, re.M)
    summary = re.search(r"; (\d+) errors?, (\d+) warnings?$", text, re.M)
    if summary:
        counted = (int(summary.group(1)), int(summary.group(2)))
    elif proc.returncode == 0 and values is not None:
        counted = (0, 0)  # a run without a problem prints no count
    else:
        raise CorpusError(f"{code}: kpix exited {proc.returncode} without its count of errors and warnings:\n{text}")
    return proc.returncode, values, problems, counted, text


def rounded(text, places):
    """The published number rounded half away from zero to places decimals, as kpix writes one."""
    try:
        d = Decimal(text)
    except InvalidOperation:
        return None
    q = Decimal(1).scaleb(-places)
    return str(d.copy_abs().quantize(q, rounding=ROUND_HALF_UP).copy_sign(d) if d else d.quantize(q))


def places(text):
    return len(text.split(".")[1]) if "." in text else 0


def compare(code, cov, values, published, differences, dropped):
    """Each (field, outcome) for the landlord's calculated values: outcome is 'equal', a class
    name, or 'UNEXPLAINED: ...'."""
    out = []
    fields = [f for f in values if CALCULATED.fullmatch(f)]
    fields += [f for f in published if CALCULATED.fullmatch(f) and f not in values]
    for field in fields:
        mine = values.get(field, "")
        theirs = published.get(field)
        if mine == "" and theirs is None:
            continue
        m = TENURE.fullmatch(field)
        if m and m.group(1) in dropped and mine == "":
            out.append((field, CLASS_TENURE))
            continue
        at = places(mine) if mine else 1
        if theirs is not None and mine != "" and rounded(theirs, at) == mine:
            out.append((field, "equal"))
            continue
        known = differences.get((code, field))
        reckoned = None if known is None else ("" if known["reckoned_1dp"] == "no value" else known["reckoned_1dp"])
        if known is not None and reckoned == mine:
            out.append((field, known["class"]))
        else:
            out.append((field, f"UNEXPLAINED: kpix {mine or 'no value'}, published {theirs if theirs is not None else 'nothing'}"
                               + (f", reference.py {known['reckoned_1dp']} ({known['class']})" if known else "")))
    # the regulator's minimum sample and margin of error, which kpix works out as
    # Required_min_sample_a/b and Margin_of_error_a/b
    for name, kpix_name, swap in (("Required_min_sample_size", "Required_min_sample", CLASS_SWAP),
                                  ("Margin_of_error", "Margin_of_error", CLASS_MARGIN_SWAP)):
        for s, kpix_s in (("a", "a"), ("b", "b"), ("c", "a")):
            theirs = published.get(f"rsh:{name}_{s}")
            if theirs is None:
                continue
            field = f"{kpix_name}_{kpix_s}"
            mine = values.get(field, "")
            if mine != "" and rounded(theirs, places(mine)) == mine:
                out.append((field, "equal"))
            elif code in SWAPPED_MIN_SAMPLE:
                out.append((field, swap))
            else:
                out.append((field, f"UNEXPLAINED: kpix {mine or 'no value'}, published {theirs}"))
    return out


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kpix", required=True)
    ap.add_argument("--corpus", default=os.path.join(HERE, "2023-24"))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--sample", action="store_true", help="run only the fixed sample of landlords")
    ap.add_argument("--landlord", action="append", default=[], help="run only this landlord (repeatable)")
    args = ap.parse_args(argv)
    try:
        coverage, data, markers, published, differences = load(args.corpus)
    except CorpusError as e:
        print(f"run-corpus: {e}", file=sys.stderr)
        return 2
    codes = sorted(coverage)
    chosen = args.landlord or (SAMPLE if args.sample else codes)
    unknown = [c for c in chosen if c not in coverage]
    if unknown:
        print(f"run-corpus: not in the corpus: {', '.join(unknown)}", file=sys.stderr)
        return 2
    excluded = [c for c in chosen if coverage[c]["TSM24_Perception_Not_Inc"] == "Yes"
                or coverage[c]["TSM24_Man_Info_Not_Inc"] == "Yes"]
    runs = [c for c in chosen if c not in excluded]

    failures, counts, classes, applies_counts = [], {"compared": 0, "equal": 0, "errors": 0, "warnings": 0}, {}, {}
    incomplete, tenure_dropped, tally, left_out = [], [], {}, []
    with tempfile.TemporaryDirectory(prefix="kpix-tsm-corpus-") as workdir:
        jobs = {}
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            for code in runs:
                rows, dropped, applies, left = the_return(code, coverage[code], data.get(code, []),
                                                          markers.get(code, {}))
                if left:
                    left_out.append(f"{code} {len(left)}")
                if dropped:
                    tenure_dropped.append(f"{code} {'/'.join(sorted(dropped))}")
                for m, marker in applies.items():
                    applies_counts[marker] = applies_counts.get(marker, 0) + 1
                jobs[code] = (pool.submit(run_kpix, args.kpix, code, coverage[code], rows, workdir), dropped)
            for code in runs:
                future, dropped = jobs[code]
                try:
                    status, values, problems, (n_errors, n_warnings), text = future.result()
                except CorpusError as e:
                    # kpix did not finish its report (a crash, a signal): a failure of the run
                    tally["run without a report"] = tally.get("run without a report", 0) + 1
                    failures.append(str(e))
                    continue
                errors = [p for p in problems if p[0] == "error"]
                counts["warnings"] += n_warnings
                # blank required data points in the published data: kpix must name exactly them
                blank = sorted(f for f, mk in markers.get(code, {}).items() if mk == "[X]")
                missing = sorted(p[1] for p in errors if p[2] == "TSM-MISSING")
                if (status == 1 and n_errors and len(missing) == n_errors and len(errors) == n_errors
                        and set(missing) <= set(blank)):
                    incomplete.append(f"{code} ({', '.join(missing)})")
                    continue
                if status != 0 or values is None:
                    counts["errors"] += n_errors
                    for kind, field, rule in errors or [("error", "-", f"exit status {status}")]:
                        tally[rule] = tally.get(rule, 0) + 1
                    failures.append(f"{code}: kpix export exited {status}:\n{text.rstrip()}")
                    continue
                for field, outcome in compare(code, coverage[code], values, published.get(code, {}),
                                              differences, dropped):
                    counts["compared"] += 1
                    if outcome == "equal":
                        counts["equal"] += 1
                    elif outcome.startswith("UNEXPLAINED"):
                        tally["unexplained difference"] = tally.get("unexplained difference", 0) + 1
                        failures.append(f"{code} {field}: {outcome}")
                    else:
                        classes[outcome] = classes.get(outcome, 0) + 1

    print(f"{SCHEMA} against the regulator's published 2023/24 data ({os.path.relpath(args.corpus)})")
    print(f"landlords: {len(chosen)} ({len(runs)} run; {len(excluded)} excluded by the regulator from a table, not run"
          + (f": {', '.join(excluded)}" if excluded else "") + ")")
    print(f"values compared: {counts['compared']}")
    print(f"values equal: {counts['equal']}")
    print(f"errors: {counts['errors']} (kpix's)")
    print(f"warnings: {counts['warnings']} (kpix's checks of real returns; allowed)")
    print(f"known differences, the regulator's publication quirks: {sum(classes.values())}")
    for name, n in sorted(classes.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {n:6d}  {name}")
    print(f"landlords refused as expected, a required data point blank in the published data: {len(incomplete)}"
          + (f": {'; '.join(incomplete)}" if incomplete else ""))
    print(f"measures answered as not applying (Applies No), by the marker on both inputs: "
          + (", ".join(f"{k} {v}" for k, v in sorted(applies_counts.items())) or "none"))
    print(f"complaints not given, for a tenure the return does not cover: "
          + ("; ".join(tenure_dropped) or "none"))
    print(f"data points left out as the form does not ask them (given in the published data all the same): "
          + ("; ".join(left_out) or "none"))
    if failures:
        print(f"\nFAILED: {len(failures)} problems ("
              + ", ".join(f"{k} {v}" for k, v in sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))) + ")",
              file=sys.stderr)
        for f in failures[:FAILURES_SHOWN]:
            print(f"  {f}", file=sys.stderr)
        if len(failures) > FAILURES_SHOWN:
            print(f"  ... and {len(failures) - FAILURES_SHOWN} more (--landlord CODE runs one)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
