#!/usr/bin/python3
"""Measure the 2023/24 TSM corpus: the numbers tests/rsh-tsm/2023-24/FACTS.md quotes.

Usage: facts.py SECTION [CORPUS]   (CORPUS defaults to 2023-24 beside this script)

Sections: texts (the distinct values of every data point that holds text), fractional (which
counts are fractional, for which landlords, and what they said about weighting), coverage (the
tables each landlord is on), applies (how a management-information measure that does not apply
shows), checks (how often the regulator's own sums hold in its published data), weighting
(the weighting answers against each other). Standard
library only.
"""

import collections
import csv
import os
import re
import sys
from decimal import Decimal

NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
SUFFIX = {"LCRA": "a", "LCHO": "b", "COMB": "c"}


def load(corpus, name, value="value"):
	out = collections.OrderedDict()
	with open(os.path.join(corpus, name), encoding="utf-8", newline="") as f:
		for row in csv.DictReader(f):
			out[(row["landlord"], row["field"])] = row[value]
	return out


def by_landlord(pairs):
	out = collections.defaultdict(dict)
	for (landlord, field), value in pairs.items():
		out[landlord][field] = value
	return out


def texts(corpus):
	values = collections.defaultdict(collections.Counter)
	for (landlord, field), value in load(corpus, "datapoints.csv").items():
		values[field][value] += 1
	for field, counter in values.items():
		if all(NUMBER.match(v) for v in counter):
			continue
		numeric = sum(n for v, n in counter.items() if NUMBER.match(v))
		total = sum(counter.values())
		if len(counter) <= 8:
			shown = ", ".join("%r %d" % (v, n) for v, n in counter.most_common())
		else:
			shown = "free text: %d distinct" % len(counter)
		print("%s: %d landlords; %s%s" % (field, total, shown,
			"; %d of them numbers" % numeric if numeric and len(counter) > 8 else ""))


def fractional(corpus):
	data = by_landlord(load(corpus, "datapoints.csv"))
	fields = collections.Counter()
	landlords = collections.defaultdict(set)  # tenure -> landlords with a fractional count
	for landlord, points in data.items():
		for field, value in points.items():
			if NUMBER.match(value) and "." in value and "Satisfied" not in field \
					and "Prop" not in field:  # counts only, not the landlord's percentages
				fields[field] += 1
				tenure = field.rsplit("_", 1)[1]
				landlords[SUFFIX.get(tenure, tenure)].add(landlord)
	groups = collections.defaultdict(list)
	for field, n in fields.items():
		groups[re.sub(r"^TP\d\d_", "TPxx_", field)].append(n)
	for group, ns in sorted(groups.items()):
		print("%s: %d fields, fractional for %d to %d landlords" % (group, len(ns), min(ns),
			max(ns)))
	for s in ("a", "b", "c"):
		weighted = {l for l, p in data.items() if p.get("Weighting_used_" + s) == "Yes"}
		frac = landlords.get(s, set())
		print("tenure _%s: %d landlords with a fractional count; Weighting_used_%s Yes for %d; "
			"%d said Yes and have only whole counts%s" % (s, len(frac), s, len(frac & weighted),
			len(weighted - frac), "; fractional without Yes: " + ", ".join(sorted(frac -
			weighted)) if frac - weighted else ""))


def coverage(corpus):
	with open(os.path.join(corpus, "coverage.csv"), encoding="utf-8", newline="") as f:
		rows = list(csv.DictReader(f))
	combos = collections.Counter()
	for row in rows:
		on = [t for t, col in (("LCRA", "TSM24_LCRA_Perception"), ("LCHO",
			"TSM24_LCHO_Perception"), ("Combined", "TSM24_Combined_Perception"), ("MI",
			"TSM24_Management_Info")) if row[col] == "Yes"]
		combos[(row["type"], "+".join(on) or "none")] += 1
	for (kind, on), n in sorted(combos.items()):
		print("%s %s: %d" % (kind, on, n))
	print("landlords: %d; types: %s" % (len(rows), dict(collections.Counter(r["type"]
		for r in rows))))


def applies(corpus):
	data = load(corpus, "datapoints.csv")
	marks = load(corpus, "markers.csv", "marker")
	landlords = sorted({k[0] for k in data} | {k[0] for k in marks})
	for code in ("BS01", "BS02", "BS03", "BS04", "BS05", "RP01", "RP02_1", "RP02_2", "NM01_1",
			"NM01_2", "CH01_1_%s", "CH02_1_%s", "CH01_2_%s", "CH02_2_%s"):
		for t in (("LCRA", "LCHO", "COMB") if "%s" in code else (None,)):
			name = code % t if t else code
			tally = collections.Counter()
			for l in landlords:
				num = "%s_Numerator%s" % (name[:6], "_" + t if t else "") if t \
					else name + "_Numerator"
				den = num.replace("Numerator", "Denominator")
				n, d = data.get((l, num)), data.get((l, den))
				if d is None or n is None:
					tally["numerator %s, denominator %s" % (marks.get((l, num), "absent") if n is
						None else "given", marks.get((l, den), "absent") if d is None else
						"given")] += 1
				elif Decimal(d) == 0:
					tally["denominator 0, numerator %s" % n] += 1
				else:
					tally["both given, denominator > 0"] += 1
			print("%s: %s" % (name, "; ".join("%s %d" % kv for kv in tally.most_common())))


def checks(corpus):
	data = by_landlord({k: Decimal(v) for k, v in load(corpus, "datapoints.csv").items()
		if NUMBER.match(v)})
	results = collections.OrderedDict()

	def compare(name, landlord, left, right):
		"""Tally LEFT against RIGHT: equal (to 0.01, for weighted counts), less or more."""
		tally = results.setdefault(name, collections.OrderedDict(
			(("=", []), ("<", []), (">", []))))
		diff = left - right
		tally["=" if abs(diff) < Decimal("0.01") else "<" if diff < 0 else ">"].append(landlord)

	for l, p in sorted(data.items()):
		for t, s in SUFFIX.items():
			size = p.get("Total_sample_size_" + s)
			pop = p.get("Relevant_ten_pop_size_" + s)
			methods = [p.get("Responses_%s_%s" % (m, s)) for m in ("Telephone", "Internet",
				"FacetoFace", "Postal", "SMS", "Other")]
			if size is not None and any(m is not None for m in methods):
				compare("responses by method (sum) against Total_sample_size", l,
					sum(m for m in methods if m is not None), size)
			if size is not None and pop is not None:
				compare("Total_sample_size against Relevant_ten_pop_size", l, size, pop)
			for i in range(1, 13):
				tp = "TP%02d" % i
				parts = [p.get("%s_%s_%s" % (tp, a, t)) for a in ("VS", "FS", "NSD", "FD", "VD")]
				if None in parts:
					continue
				answered = sum(parts) + p.get("%s_NADK_%s" % (tp, t), 0)
				yes = p.get("%s_Filter_Yes_%s" % (tp, t))
				no = p.get("%s_Fiter_No_%s" % (tp, t))
				if yes is not None:
					compare("TP02/03/09/10: the answers (sum) against the filter's Yes", l,
						answered, yes)
					if no is not None and size is not None:
						compare("TP02/03/09/10: filter Yes + No against Total_sample_size", l,
							yes + no, size)
				elif size is not None:
					compare("other TPs: the answers (with NADK, sum) against Total_sample_size",
						l, answered, size)
		for code in ("BS01", "BS02", "BS03", "BS04", "BS05", "RP02_1", "RP02_2", "RP01"):
			n, d = p.get(code + "_Numerator"), p.get(code + "_Denominator")
			if n is not None and d is not None:
				compare("BS, RP01, RP02: numerator against denominator", l, n, d)
		n1, n2 = p.get("NM01_1_Numerator"), p.get("NM01_2_Numerator")
		if n1 is not None and n2 is not None:
			compare("NM01: part 2 numerator against part 1 numerator", l, n2, n1)
		d1, d2 = p.get("NM01_1_Denominator"), p.get("NM01_2_Denominator")
		if d1 is not None and d2 is not None:
			compare("NM01: part 2 denominator against part 1 denominator", l, d2, d1)
		for t in SUFFIX:
			for stage in ("1", "2"):
				c1 = p.get("CH01_%s_Numerator_%s" % (stage, t))
				n = p.get("CH02_%s_Numerator_%s" % (stage, t))
				d = p.get("CH02_%s_Denominator_%s" % (stage, t))
				if n is not None and d is not None:
					compare("CH02: numerator against denominator", l, n, d)
				if c1 is not None and d is not None:
					compare("CH02 denominator against CH01 numerator (complaints made)", l, d, c1)
			d1, d2 = p.get("CH01_1_Denominator_" + t), p.get("CH01_2_Denominator_" + t)
			if d1 is not None and d2 is not None:
				compare("CH01: stage 2 denominator against stage 1 denominator", l, d2, d1)
	for name, tally in results.items():
		parts = []
		for sign, who in tally.items():
			if who:
				few = sorted(set(who))
				parts.append("%s %d%s" % (sign, len(who), "" if sign == "=" else " (%s%s)"
					% (", ".join(few[:6]), ", ..." if len(few) > 6 else "")))
		print("%s: %s" % (name, "; ".join(parts)))


def weighting(corpus):
	data = by_landlord(load(corpus, "datapoints.csv"))
	marks = by_landlord(load(corpus, "markers.csv", "marker"))
	for s in ("a", "b", "c"):
		cross = collections.Counter()
		for l, p in data.items():
			used = p.get("Weighting_used_" + s, marks.get(l, {}).get("Weighting_used_" + s))
			if used is None:
				continue
			unweighted = [p.get("Unweighted_TP01_%s_%s" % (a, s), marks.get(l, {}).get(
				"Unweighted_TP01_%s_%s" % (a, s), "absent")) for a in ("VS", "FS", "NSoD", "FD",
				"VD")]
			given = "counts" if all(NUMBER.match(u) for u in unweighted) else "/".join(sorted(
				set(unweighted)))
			cross[(used, p.get("TP01_Confirm_Weighting_" + s, marks.get(l, {}).get(
				"TP01_Confirm_Weighting_" + s)), "Unweighted_TP01_*: " + given,
				"Unweighted_Prop_Satisfied: " + ("0" if p.get("Unweighted_Prop_Satisfied_" + s)
				== "0" else "a number" if "Unweighted_Prop_Satisfied_" + s in p else
				marks.get(l, {}).get("Unweighted_Prop_Satisfied_" + s, "absent")))] += 1
		for key, n in sorted(cross.items(), key=str):
			print("_%s: Weighting_used %s, TP01_Confirm_Weighting %s, %s, %s: %d" % ((s,) + key
				+ (n,)))


def main(argv):
	sections = {"texts": texts, "fractional": fractional, "coverage": coverage,
		"applies": applies, "checks": checks, "weighting": weighting}
	if len(argv) < 2 or argv[1] not in sections:
		sys.stderr.write("usage: facts.py %s [CORPUS]\n" % "|".join(sections))
		return 2
	corpus = argv[2] if len(argv) > 2 else os.path.join(os.path.dirname(
		os.path.abspath(__file__)), "2023-24")
	sections[argv[1]](corpus)
	return 0


if __name__ == "__main__":
	sys.exit(main(sys.argv))
