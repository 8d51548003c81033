#!/usr/bin/python3
"""An independent reckoning of the regulator's TSM arithmetic, checked against its published values.

Usage: reference.py [CORPUS [DIFFERENCES]]

CORPUS is the folder build-corpus.py wrote (default tests/rsh-tsm/2023-24 beside this script's
repository); DIFFERENCES the file every difference is written to (default
CORPUS/differences.csv). Standard library only.

What it reckons, from datapoints.csv alone:
- perception (TP01-TP12, per tenure LCRA, LCHO, COMB): (very + fairly satisfied) / (very satisfied,
  fairly satisfied, neither, fairly dissatisfied, very dissatisfied) x 100; "not applicable/don't
  know" is left out;
- management information: numerator / denominator x 100, x 1,000 for CH01 and NM01;
- a zero denominator gives no value.
Each is compared with published.csv at 1 decimal place, halves away from zero, in decimal
arithmetic. It prints the counts and writes each difference with its inputs and a class.

It then reproduces the regulator's "Required minimum sample size" (published.csv's
rsh:Required_min_sample_size_*) from the relevant tenant population, n0*N/(N+n0) with
n0 = 1.96^2 * 0.25 / e^2, and reports which margin e each published figure needs.
"""

import csv
import decimal
import os
import sys
from decimal import Decimal

decimal.getcontext().prec = 50
ONE_PLACE = Decimal("0.1")
TENURES = ("LCRA", "LCHO", "COMB")
ANSWERS = ("VS", "FS", "NSD", "FD", "VD")


def round1(value):
	"""VALUE to 1 decimal place, halves away from zero (Decimal's ROUND_HALF_UP)."""
	return value.quantize(ONE_PLACE, rounding=decimal.ROUND_HALF_UP)


def read(path, key=("landlord", "field"), value="value"):
	"""{(landlord, field): text} of a landlord,field,value file."""
	out = {}
	with open(path, encoding="utf-8", newline="") as f:
		for row in csv.DictReader(f):
			out[(row[key[0]], row[key[1]])] = row[value]
	return out


def measures():
	"""[(calculated field, [numerator fields], [denominator fields], scale, kind)]."""
	out = []
	for t in TENURES:
		for i in range(1, 13):
			tp = "TP%02d" % i
			parts = ["%s_%s_%s" % (tp, a, t) for a in ANSWERS]
			out.append(("%s_Satisfied_Calc_%s" % (tp, t), parts[:2], parts, 100, "perception"))
	for code in ("BS01", "BS02", "BS03", "BS04", "BS05", "RP01", "RP02_1", "RP02_2",
			"NM01_1", "NM01_2"):
		scale = 1000 if code.startswith("NM01") else 100
		out.append(("%s_Calculated_Value" % code, ["%s_Numerator" % code],
			["%s_Denominator" % code], scale, "management"))
	for t in TENURES:
		for code in ("CH01_1", "CH02_1", "CH01_2", "CH02_2"):
			scale = 1000 if code.startswith("CH01") else 100
			out.append(("%s_Calculated_Value_%s" % (code, t), ["%s_Numerator_%s" % (code, t)],
				["%s_Denominator_%s" % (code, t)], scale, "management"))
	return out


def number(text):
	try:
		return Decimal(text)
	except decimal.InvalidOperation:
		return None


def reckon(inputs, numerator, denominator, scale):
	"""The measure from INPUTS ({field: Decimal}), or None for a zero denominator."""
	den = sum(inputs[f] for f in denominator)
	if den == 0:
		return None
	return sum(inputs[f] for f in numerator) * scale / den


def alternatives(inputs, numerator, denominator, scale, kind, datapoints, landlord):
	"""Other readings that would give the published value: [(name, value)]."""
	alts = []
	if kind == "perception":
		nadk = denominator[0].replace("_VS_", "_NADK_")
		if nadk in datapoints.get(landlord, {}):
			with_nadk = dict(inputs)
			with_nadk[nadk] = datapoints[landlord][nadk]
			alts.append(("'not applicable/don't know' counted in the denominator",
				reckon(with_nadk, numerator, denominator + [nadk], scale)))
		whole = {f: v.to_integral_value(rounding=decimal.ROUND_HALF_UP)
			for f, v in inputs.items()}
		alts.append(("counts rounded to whole numbers", reckon(whole, numerator, denominator,
			scale)))
		alts.append(("very satisfied only", reckon(inputs, numerator[:1], denominator, scale)))
	else:
		alts.append(("numerator and denominator swapped", reckon(inputs, denominator, numerator,
			scale)))
		alts.append(("x 100 where x 1,000 (or the reverse)", reckon(inputs, numerator,
			denominator, 100000 // scale)))
		alts.append(("100 minus the value", None if reckon(inputs, numerator, denominator, scale)
			is None else 100 - reckon(inputs, numerator, denominator, scale)))
	return alts


def main(argv):
	here = os.path.dirname(os.path.abspath(__file__))
	corpus = argv[1] if len(argv) > 1 else os.path.join(here, "..", "..", "tests", "rsh-tsm",
		"2023-24")
	diffs_path = argv[2] if len(argv) > 2 else os.path.join(corpus, "differences.csv")
	for name in ("datapoints.csv", "published.csv", "markers.csv"):
		if not os.path.isfile(os.path.join(corpus, name)):
			sys.stderr.write("reference.py: %s has no %s; expected the folder "
				"tools/rsh-tsm/build-corpus.py writes\n" % (corpus, name))
			return 2
	raw = read(os.path.join(corpus, "datapoints.csv"))
	published = read(os.path.join(corpus, "published.csv"))
	markers = read(os.path.join(corpus, "markers.csv"), value="marker")

	datapoints = {}
	for (landlord, field), text in raw.items():
		n = number(text)
		held = datapoints.setdefault(landlord, {"_text": {}})
		held["_text"][field] = text
		if n is not None:
			held[field] = n
	landlords = sorted({k[0] for k in published} | {k[0] for k in raw})

	counts = {"compared": 0, "equal": 0, "differing": 0, "both": 0, "halves": 0,
		"binary": 0}
	classes = {}
	rows = []
	for landlord in landlords:
		have = datapoints.get(landlord, {})
		for field, numerator, denominator, scale, kind in measures():
			given = published.get((landlord, field))
			pub = number(given) if given is not None else None
			mark = markers.get((landlord, field))
			missing = [f for f in dict.fromkeys(denominator + numerator) if f not in have]
			ours = None
			if not missing:
				ours = reckon(have, numerator, denominator, scale)
			if pub is None and ours is None:
				continue  # neither side has a value: the measure is not there to compare
			counts["compared"] += 1
			counts["both"] += pub is not None and ours is not None
			if ours is not None and (ours * 10) % 1 == Decimal("0.5"):
				counts["halves"] += 1  # where half away from zero and half to even part
			if ours is not None:
				# The same sum in binary doubles, rounded as printf's %.1f would (exactly, ties
				# to even): how often does it give another figure than the decimal reckoning?
				f = sum(float(have[x]) for x in numerator) * scale / sum(float(have[x])
					for x in denominator)
				counts["binary"] += round1(ours) != Decimal(f).quantize(ONE_PLACE,
					rounding=decimal.ROUND_HALF_EVEN)
			if pub is not None and ours is not None and round1(pub) == round1(ours):
				counts["equal"] += 1
				continue
			counts["differing"] += 1
			why = classify(pub, ours, missing, denominator, have, mark, numerator, scale, kind,
				landlord, datapoints, markers)
			classes[why] = classes.get(why, 0) + 1
			inputs = "; ".join("%s=%s" % (f, raw.get((landlord, f), markers.get((landlord, f),
				"absent"))) for f in denominator + [f for f in numerator if f not in denominator])
			rows.append((landlord, field, given if given is not None else mark or "absent",
				"" if pub is None else str(round1(pub)),
				"no value" if ours is None else str(ours),
				"no value" if ours is None else str(round1(ours)), why, inputs))

	with open(diffs_path, "w", encoding="utf-8", newline="") as f:
		w = csv.writer(f, lineterminator="\n")
		w.writerow(("landlord", "field", "published", "published_1dp", "reckoned",
			"reckoned_1dp", "class", "inputs"))
		w.writerows(rows)

	print("landlords: %d" % len(landlords))
	print("values compared: %d" % counts["compared"])
	print("values equal: %d" % counts["equal"])
	print("values differing: %d (written to %s)" % (counts["differing"],
		os.path.relpath(diffs_path)))
	for why, n in sorted(classes.items(), key=lambda kv: -kv[1]):
		print("  %5d  %s" % (n, why))
	print("values with a number on both sides: %d, equal at 1 decimal place: %d"
		% (counts["both"], counts["equal"]))
	print("reckoned values exactly halfway at 1 decimal place (where rounding half away from "
		"zero matters): %d; where doubles and %%.1f would round otherwise: %d"
		% (counts["halves"], counts["binary"]))
	sample_sizes(raw, published)
	other_figures(raw, published)
	return 0


def classify(pub, ours, missing, denominator, have, mark, numerator, scale, kind, landlord,
		datapoints, markers):
	"""Why the published value and ours differ, as a sentence naming the class."""
	if pub is None:
		return "no published value (%s) where the counts give one" % (mark or "absent")
	if missing:
		marks = ", ".join(sorted({markers.get((landlord, f), "absent") for f in missing}))
		if pub == 0:
			return "published 0 where an input is missing (%s): nothing to reckon" % marks
		return "published value where an input is missing (%s)" % marks
	if ours is None:
		if pub == 0:
			return "zero denominator published as 0 (expected no value, [U])"
		return "zero denominator but a published value other than 0"
	if abs(pub - ours) < Decimal("1e-9"):
		return "rounding at the boundary (published double and exact value straddle a half)"
	if pub == ours.to_integral_value(rounding=decimal.ROUND_HALF_UP):
		return "published value is the reckoned value rounded to a whole number"
	if kind == "perception":
		weighting = "Weighting_used_" + {"LCRA": "a", "LCHO": "b", "COMB": "c"}[
			numerator[0].rsplit("_", 1)[1]]
		whole = all(have[f] == have[f].to_integral_value() for f in denominator)
		if whole and weighting in datapoints.get(landlord, {}).get("_text", {}) \
				and datapoints[landlord]["_text"][weighting] == "Yes":
			return ("weighting used, counts published as whole numbers: the published "
				"percentage is not their ratio")
	for name, value in alternatives(have, numerator, denominator, scale, kind, datapoints,
			landlord):
		if value is not None and round1(value) == round1(pub):
			return "published value not derivable from the published counts; matches: " + name
	return "published value not derivable from the published counts"


def sample_sizes(raw, published):
	"""Reproduce rsh:Required_min_sample_size_* from the population and report the bands."""
	z2p = Decimal("1.96") ** 2 * Decimal("0.25")
	margins = (Decimal("0.05"), Decimal("0.04"), Decimal("0.03"), Decimal("0.02"))

	def band(n):
		if n < 2500:
			return Decimal("0.05")
		if n <= 9999:
			return Decimal("0.04")
		if n <= 24999:
			return Decimal("0.03")
		return Decimal("0.02")

	def minimum(n, e):
		n0 = z2p / (e * e)
		return n0 * n / (n + n0)

	pops = {"a": "Relevant_ten_pop_size_a", "b": "Relevant_ten_pop_size_b",
		"c": "Relevant_ten_pop_size_c"}
	total = equal_round = equal_ceil = 0
	fits = {}  # margin -> [populations it reproduces]
	other = []
	for (landlord, field), text in sorted(published.items()):
		if not field.startswith("rsh:Required_min_sample_size_"):
			continue
		pop = number(raw.get((landlord, pops[field[-1]]), ""))
		pub = number(text)
		if pop is None or pub is None:
			continue
		total += 1
		exact = minimum(pop, band(pop))
		if exact.to_integral_value(rounding=decimal.ROUND_HALF_UP) == pub:
			equal_round += 1
		if exact.to_integral_value(rounding=decimal.ROUND_CEILING) == pub:
			equal_ceil += 1
		matched = [e for e in margins
			if minimum(pop, e).to_integral_value(rounding=decimal.ROUND_HALF_UP) == pub
			or minimum(pop, e).to_integral_value(rounding=decimal.ROUND_CEILING) == pub]
		if matched:
			for e in matched:
				fits.setdefault(e, []).append(pop)
		else:
			other.append((landlord, field, pop, pub, exact))
	print("required minimum sample size: %d published; the formula with the stated bands "
		"gives the published figure rounded half up for %d, rounded up for %d"
		% (total, equal_round, equal_ceil))
	for e in margins:
		p = fits.get(e, [])
		if p:
			print("  e = %s%% reproduces %d, populations %s to %s" % (e * 100, len(p), min(p),
				max(p)))
	for landlord, field, pop, pub, exact in other:
		print("  no margin reproduces %s %s: population %s, published %s, stated band gives %s"
			% (landlord, field, pop, pub, round(exact, 2)))


def other_figures(raw, published):
	"""The regulator's other figures: margin of error, filter shares, unweighted TP01 share."""
	results = {}

	def check(name, landlord, given, ours, places):
		if given is None or ours is None:
			return
		q = Decimal(1).scaleb(-places)
		same = given.quantize(q, rounding=decimal.ROUND_HALF_UP) == \
			ours.quantize(q, rounding=decimal.ROUND_HALF_UP)
		tally = results.setdefault(name, [0, 0, []])
		tally[0] += 1
		tally[1] += same
		if not same and len(tally[2]) < 3:
			tally[2].append("%s published %s, reckoned %s" % (landlord, given, round(ours, 3)))

	def get(landlord, field):
		return number(raw.get((landlord, field), "x"))

	landlords = sorted({k[0] for k in raw})
	for landlord in landlords:
		for s, t in (("a", "LCRA"), ("b", "LCHO"), ("c", "COMB")):
			pop, n = get(landlord, "Relevant_ten_pop_size_" + s), get(landlord,
				"Total_sample_size_" + s)
			moe = number(published.get((landlord, "rsh:Margin_of_error_" + s), "x"))
			if pop and n and pop > 1 and n <= pop:
				ours = Decimal("1.96") * (Decimal("0.25") / n * (pop - n) / (pop - 1)).sqrt() * 100
				check("margin of error, 1.96*sqrt(0.25/n*(N-n)/(N-1)), at 1 dp", landlord, moe,
					ours, 1)
			for tp in ("TP02", "TP09", "TP10"):
				yes = get(landlord, "%s_Filter_Yes_%s" % (tp, t))
				no = get(landlord, "%s_Fiter_No_%s" % (tp, t))
				share = number(published.get((landlord, "rsh:%s_Filter_Yes_Prop_%s" % (tp, s)),
					"x"))
				if yes is not None and no is not None and yes + no:
					check("filter question Yes share, Yes/(Yes+No)x100, at 6 dp", landlord,
						share, yes * 100 / (yes + no), 6)
			parts = [get(landlord, "Unweighted_TP01_%s_%s" % (a, s))
				for a in ("VS", "FS", "NSoD", "FD", "VD")]
			given = get(landlord, "Unweighted_Prop_Satisfied_" + s)
			if None not in parts and sum(parts):
				check("landlord's unweighted TP01 share against its unweighted counts, at 1 dp",
					landlord, given, (parts[0] + parts[1]) * 100 / sum(parts), 1)
	for name, (compared, equal, examples) in results.items():
		print("%s: %d compared, %d equal%s" % (name, compared, equal,
			"; e.g. " + "; ".join(examples) if examples else ""))


if __name__ == "__main__":
	sys.exit(main(sys.argv))
