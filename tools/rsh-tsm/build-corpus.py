#!/usr/bin/python3
"""Build kpix's TSM test corpus from the regulator's 2023/24 full dataset (issue 13).

Usage: build-corpus.py WORKBOOK OUTDIR [--dictionary DICT]

WORKBOOK is the Regulator of Social Housing's 2024_TSM_Full_Data_v1.1_FINAL.xlsx (the 2023/24
Tenant Satisfaction Measures, Open Government Licence v3.0); DICT is the 2024/25 "Data Dictionary"
sheet as text (tsm-2024-25-data-dictionary.txt, by default beside the workbook). OUTDIR receives:

  datapoints.csv  landlord,field,value   what each landlord gave, named by 2024/25 Data Field Name
  retired.csv     landlord,field,value   what each landlord gave to a 2023/24 question the
                                         2024/25 dictionary no longer has (2023/24 name)
  published.csv   landlord,field,value   what the regulator calculated (TPxx_Satisfied_Calc_*,
                                         *_Calculated_Value*; rsh:* for its own system figures)
  markers.csv     landlord,field,marker  each [X]/[Z]/[E]/[U] cell (and "empty" for a blank cell)
  coverage.csv    Table_Coverage as published, one Yes/No column per table
  context.csv     landlord,item,value    the regulator's context columns and notes
  SOURCE.md       provenance, licence, contents, the command, the files' sizes

Each column's name is taken from the workbook's own Data Dictionary sheet and mapped to the 2024/25
name where the two differ (MAPPINGS below; the script stops if a name maps to nothing the 2024/25
dictionary knows). Numbers are written as Python's repr of the workbook's double (the shortest text
that reads back to the same double), integers as integers, texts exactly as stored.
"""

import csv
import hashlib
import os
import re
import sys

import openpyxl

MARKERS = ("[X]", "[Z]", "[E]", "[U]")

# The data tables, the suffix the 2024/25 dictionary gives their tenure, and the row of headings.
TABLES = (
	("TSM24_LCRA_Perception", "a"),
	("TSM24_LCHO_Perception", "b"),
	("TSM24_Combined_Perception", "c"),
	("TSM24_Management_Info", None),
)
HEADING_ROW = 3
COVERAGE_SHEET = "Table_Coverage"
COVERAGE_HEADING_ROW = 4
NOT_INCLUDED = (
	("TSM24_Perception_Not_Inc", "not_included_perception"),
	("TSM24_Man_Info_Not_Inc", "not_included_management_info"),
)

# 2023/24 Data Field Names the 2024/25 dictionary spells differently: (table or None for every
# table, 2023/24 name) -> 2024/25 name. The Combined sheet's survey-method, weighting and
# population fields carried LCRA's "_a" names in 2023/24; 2024/25 gives them "_c" (handled by
# combined_name below, and listed by the README).
MAPPINGS = {
	(None, "Provide_URL_used/Provide_URL_intended"): "Online_Publication_URL",
}

# 2023/24 questions with no 2024/25 Data Field Name: kept under their 2023/24 name in retired.csv.
RETIRED = {
	"CH02_calc_max_timescales_LCRA", "CH02_calc_timescale_Desc_LCRA",
	"CH02_calc_max_timescales_LCHO", "CH02_calc_timescale_Desc_LCHO",
	"CH02_calc_max_timescales_COMB", "CH02_calc_timescale_Desc_COMB",
}

# The regulator's own columns ("System Property" in the dictionary): what each becomes.
# ("published", name): a figure the regulator calculated, written to published.csv as rsh:NAME_s;
# ("context", item): written to context.csv (per table for notes); None: the landlord's identity.
SYSTEM = {
	"Landlord name": None,
	"Landlord code": None,
	"Landlord type": None,
	"Landlord group size (homes owned, LCRA and LCHO combined)": ("context", "group_size"),
	"Landlord predominant region": ("context", "region"),
	"LCRA above 30% supported housing": ("context", "lcra_above_30pct_supported"),
	"Any additional notes from RSH": ("context", "notes"),
	"Required minimum sample size": ("published", "Required_min_sample_size"),
	"Estimated margin of error achieved": ("published", "Margin_of_error"),
	"Predominant collection method": ("published", "Predominant_method"),
	"Proportion of tenants who state that have had a repair completed in the last 12 months "
	"(TP02 responses)": ("published", "TP02_Filter_Yes_Prop"),
	"Proportion of tenants who state they have complained in the last 12 months (TP09 responses)":
		("published", "TP09_Filter_Yes_Prop"),
	"Proportion of tenants who state they live in a building with communal areas (TP10 responses)":
		("published", "TP10_Filter_Yes_Prop"),
}

# The Combined sheet's last twelve columns hold their data one column to the left of their
# headings: "Has the average satisfaction by survey method been calculated using weighted or
# unweighted responses" holds the Yes/No of "Were weighted responses used", and so on, and the
# last column ("Proportion of tenants (unweighted) who reported they are satisfied") holds the
# Weighted/Unweighted answer of the first. Table: (first field, last field, what the first column
# must hold, what the last must hold) as 2023/24 names; each row is checked before it is moved.
ROTATED = {
	"TSM24_Combined_Perception": ("TP01_Confirm_Weighting_a", "Unweighted_Prop_Satisfied_a",
		{"Yes", "No", "[X]", "[Z]"}, {"Weighted", "Unweighted", "[X]", "[Z]"}),
}

CALCULATED = re.compile(r"(_Satisfied_Calc_|_Calculated_Value)")


def fail(message):
	sys.stderr.write("build-corpus: %s\n" % message)
	sys.exit(1)


def clean_heading(text):
	"""A heading with its spaces made plain and the workbook's footnote digits dropped."""
	text = re.sub(r"[\s\u200b\xa0]+", " ", str(text)).strip()
	text = re.sub(r"(URL|size|achieved|\))\d(,\d)*( %)?$", r"\1", text)
	return text


def same_words(text):
	"""TEXT's letters and digits only: the dictionary drops a bracket the sheet has (TP03)."""
	return re.sub(r"[^0-9a-z]", "", text.lower())


def read_new_dictionary(path):
	"""{table without the TSM25_ prefix: set of 2024/25 Data Field Names}."""
	names = {}
	with open(path, encoding="utf-8") as f:
		for line in f:
			if not line.startswith("TSM25_"):
				continue
			parts = line.rstrip("\n").split(" | ")
			names.setdefault(parts[0][len("TSM25_"):], set()).add(parts[2])
	if not names:
		fail("%s: no TSM25_ rows; expected the 2024/25 Data Dictionary as text" % path)
	return names


def read_old_dictionary(wb):
	"""{table: [(heading, Data Field Name)]} in the Data Dictionary sheet's order."""
	entries = {}
	for row in wb["Data Dictionary"].iter_rows(min_row=5, values_only=True):
		if row[0] is None:
			continue
		entries.setdefault(row[0], []).append((clean_heading(row[1]), str(row[2]).strip()))
	return entries


def new_name(table, suffix, old, new_names, mapped):
	"""The 2024/25 name of 2023/24 field OLD of TABLE, recording each renaming in MAPPED."""
	short = table[len("TSM24_"):]
	known = new_names.get(short, set())
	if old in RETIRED:
		return None
	name = MAPPINGS.get((table, old)) or MAPPINGS.get((None, old))
	if name is None and old in known:
		name = old
	if name is None and suffix == "c" and old.endswith("_a") and old[:-2] + "_c" in known:
		name = old[:-2] + "_c"
	anywhere = set().union(*new_names.values())  # 2024/25's MI sheet keeps the old URL name
	if name is None or name not in anywhere:
		fail("%s: field %s has no 2024/25 Data Field Name (add it to MAPPINGS or RETIRED)"
			% (table, old))
	if name != old:
		mapped.setdefault((old, name), []).append(short)
	return name


def cell_text(value):
	"""A cell's value as the corpus writes it."""
	if isinstance(value, bool):
		fail("a boolean cell; the 2023/24 workbook has none")
	if isinstance(value, int):
		return str(value)
	if isinstance(value, float):
		text = repr(value)
		if "e" in text or "inf" in text or "nan" in text:
			fail("number %r would be written in exponent form" % value)
		if text.endswith(".0"):
			text = text[:-2]
		return text
	return str(value)


def sheet_rows(wb, sheet, heading_row):
	"""(headings, [data rows]) of SHEET: rows after the headings up to the first without a code."""
	rows = wb[sheet].iter_rows(min_row=heading_row, values_only=True)
	headings = list(next(rows))
	while headings and headings[-1] is None:
		headings.pop()
	data = []
	for row in rows:
		if row[1] is None:
			break
		data.append(list(row[:len(headings)]) + [None] * (len(headings) - len(row)))
	return headings, data


def build(workbook, outdir, dictionary):
	wb = openpyxl.load_workbook(workbook, read_only=True, data_only=True)
	new_names = read_new_dictionary(dictionary)
	old_dict = read_old_dictionary(wb)
	mapped = {}

	cov_head, cov_rows = sheet_rows(wb, COVERAGE_SHEET, COVERAGE_HEADING_ROW)
	order = [r[1] for r in cov_rows]
	if len(set(order)) != len(order):
		fail("Table_Coverage: a landlord code appears twice")
	names = {r[1]: r[0] for r in cov_rows}

	out = {k: [] for k in ("datapoints", "retired", "published", "markers", "context")}
	given = {}  # (landlord, field) -> (value, sheet): a field given on two sheets must agree

	def put(kind, landlord, field, value, sheet):
		key = (landlord, field)
		if key in given:
			if given[key][:2] == (kind, value):
				return
			if kind == "datapoints" and given[key][0] == "datapoints":
				# The URL differs between sheets for two landlords: the first sheet's is the
				# data point, the other is kept in context.csv.
				out["context"].append((landlord, "%s on %s" % (field, sheet), value))
				return
			fail("%s %s is %s %r on %s but %s %r on %s" % (landlord, field, given[key][0],
				given[key][1], given[key][2], kind, value, sheet))
		given[key] = (kind, value, sheet)
		out[kind].append((landlord, field, value))

	for table, suffix in TABLES:
		headings, rows = sheet_rows(wb, table, HEADING_ROW)
		entries = old_dict.get(table, [])
		if len(entries) != len(headings):
			fail("%s: %d headings but the Data Dictionary lists %d"
				% (table, len(headings), len(entries)))
		columns = []  # (kind, name) per column
		for j, heading in enumerate(headings):
			dict_heading, old = entries[j]
			a, b = same_words(clean_heading(heading)), same_words(dict_heading)
			if not (a.startswith(b) or b.startswith(a)):  # Combined's TP02 lacks "responses"
				fail("%s column %d: heading %r, the Data Dictionary says %r"
					% (table, j + 1, heading, dict_heading))
			if old == "System Property":
				if dict_heading not in SYSTEM:
					fail("%s: system column %r is not known" % (table, dict_heading))
				role = SYSTEM[dict_heading]
				if role is None:
					columns.append(None)
				elif role[0] == "published":
					columns.append(("published", "rsh:%s_%s" % (role[1], suffix)))
				elif role[1] == "notes":
					columns.append(("context", "notes_" + table[len("TSM24_"):]))
				else:
					columns.append(("context", role[1]))
				continue
			name = new_name(table, suffix, old, new_names, mapped)
			if name is None:
				columns.append(("retired", old))
			elif CALCULATED.search(name):
				columns.append(("published", name))
			else:
				columns.append(("datapoints", name))
		if table in ROTATED:
			first, last, first_holds, last_holds = ROTATED[table]
			olds = [e[1] for e in entries]
			i, k = olds.index(first), olds.index(last)
			for row in rows:
				if str(row[i]) not in first_holds or str(row[k]) not in last_holds:
					fail("%s %s: columns %d and %d hold %r and %r; the correction for the "
						"shifted columns no longer fits" % (table, row[1], i + 1, k + 1, row[i],
						row[k]))
				row[i:k + 1] = [row[k]] + row[i:k]
		for row in rows:
			landlord = row[1]
			if landlord not in names:
				fail("%s: landlord %s is not in Table_Coverage" % (table, landlord))
			for column, value in zip(columns, row):
				if column is None:
					continue
				kind, field = column
				if kind == "context" and (value is None or value in MARKERS):
					continue  # no note ([X]), or a merged landlord's blank context on one sheet
				if value is None:
					put("markers", landlord, field, "empty", table)
				elif isinstance(value, str) and value.strip() in MARKERS:
					put("markers", landlord, field, value.strip(), table)
				else:
					put(kind, landlord, field, cell_text(value), table)

	for sheet, item in NOT_INCLUDED:
		_, rows = sheet_rows(wb, sheet, 3)
		for row in rows:
			put("context", row[1], item, cell_text(row[2]), sheet)

	rank = {code: i for i, code in enumerate(order)}
	for kind in out:
		out[kind].sort(key=lambda r: rank.get(r[0], len(rank)))  # stable: sheet and column order
	os.makedirs(outdir, exist_ok=True)
	heads = {"markers": ("landlord", "field", "marker"), "context": ("landlord", "item", "value")}
	for kind, rows in out.items():
		write_csv(os.path.join(outdir, kind + ".csv"),
			heads.get(kind, ("landlord", "field", "value")), rows)
	cov = [["landlord", "name", "type"] + [h.replace(" ", "") for h in cov_head[3:]]]
	cov += [[r[1], r[0], r[2]] + [cell_text(c) for c in r[3:]] for r in cov_rows]
	write_csv(os.path.join(outdir, "coverage.csv"), cov[0], cov[1:])
	write_source(outdir, workbook, dictionary, out, len(cov_rows), mapped)


def write_csv(path, head, rows):
	with open(path, "w", encoding="utf-8", newline="") as f:
		w = csv.writer(f, lineterminator="\n")
		w.writerow(head)
		w.writerows(rows)


def sha256(path):
	with open(path, "rb") as f:
		return hashlib.sha256(f.read()).hexdigest()


SOURCE = """# The regulator's 2023/24 TSM data as kpix's test corpus

Generated by `tools/rsh-tsm/build-corpus.py`; do not edit by hand.

## Source and licence

The Regulator of Social Housing's Tenant Satisfaction Measures full dataset for 2023/24 (reporting
year 1 April 2023 to 31 March 2024), `2024_TSM_Full_Data_v1.1_FINAL.xlsx`, published as official
statistics on GOV.UK at
<https://assets.publishing.service.gov.uk/media/6744943be26d6f8ca3cb35c0/2024_TSM_Full_Data_v1.1_FINAL.xlsx>.
The copy used came from github.com/Teev-dev/HAILIE_Insights_Engine, `data/source/`, commit 21353d8
(as recorded in the shared corpus's SOURCE.txt). Field names are the 2024/25 Data Field Names from
the "Data Dictionary" sheet of `2025_TSM_Full_Data_v1.0_FINAL.xlsx` (published November 2025).

Contains public sector information licensed under the Open Government Licence v3.0
(<https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/>). The regulator does
not endorse kpix. The values are the regulator's; the files' layout is kpix's.

Inputs (SHA-256):
- `{workbook}`: {workbook_sha}
- `{dictionary}`: {dictionary_sha}

## What the files hold

{landlords} landlords (Table_Coverage). `landlord` is the regulator's landlord code.

| file | rows | bytes |
|---|---:|---:|
{table}

- `datapoints.csv` (`landlord,field,value`): every data point a landlord gave on the
  TSM24_LCRA_Perception, TSM24_LCHO_Perception, TSM24_Combined_Perception and
  TSM24_Management_Info sheets (counts, filter answers, numerators and denominators, Yes/No
  answers, texts, URL, population, sample sizes, responses by method, TP01 by method, weighting,
  RP02 timescales), named by its 2024/25 Data Field Name. A field on several sheets (the URL) is
  written once; the script stops if the sheets disagree.
- `retired.csv`: the same for the 2023/24 questions the 2024/25 dictionary no longer has, under
  their 2023/24 names (see README.md).
- `published.csv`: every value the regulator calculated, unrounded as published:
  `TPxx_Satisfied_Calc_LCRA|LCHO|COMB`, `BSxx_`, `NM01_n_`, `RP01_`, `RP02_n_Calculated_Value`,
  `CH0n_n_Calculated_Value_LCRA|LCHO|COMB`; and, named `rsh:NAME_a|b|c` (LCRA, LCHO, Combined)
  because the dictionary calls them "System Property", the regulator's own figures: required
  minimum sample size, estimated margin of error, predominant collection method and the share of
  respondents answering Yes to the TP02, TP09 and TP10 filter questions.
- `markers.csv` (`landlord,field,marker`): each cell holding a marker instead of a value: `[X]`
  left blank by the landlord, `[Z]` not required, `[E]` excluded by the regulator, `[U]` zero
  denominator; `empty` for a cell the workbook leaves empty without a marker. The field is named as
  in the other files (context.csv's items are left out: their `[X]` only says there is no note). Absent from every file: the landlord is not on that sheet (coverage.csv).
- `coverage.csv`: Table_Coverage as published: `landlord,name,type` and Yes/No per table.
- `context.csv` (`landlord,item,value`): the regulator's context columns: `group_size`, `region`,
  `lcra_above_30pct_supported`, `notes_<sheet>` ("Any additional notes from RSH") and the reasons
  given on the *_Not_Inc sheets (`not_included_perception`, `not_included_management_info`).

`differences.csv` and `FACTS.md` beside them are not this script's: `tools/rsh-tsm/reference.py`
writes the first (every published value its own reckoning does not reproduce, with the inputs and
a class), and `FACTS.md` records what `../facts.py` measures.

Numbers are the workbook's doubles written as the shortest decimal text that reads back to the
same double (the XML holds 17 significant digits; both name the same double); whole numbers
without a decimal point. Texts are exactly as stored (some have line breaks, leading or trailing
spaces or zero-width spaces). CSV: RFC 4180, UTF-8, LF line ends.

## Regenerating

    tools/rsh-tsm/build-corpus.py ../shared/corpora/rsh-tsm/2024_TSM_Full_Data_v1.1_FINAL.xlsx tests/rsh-tsm/2023-24

run from the repository root (needs Debian's python3-openpyxl; the 2024/25 dictionary is read
from beside the workbook, or from `--dictionary PATH`). The output is the same byte for byte on
every run.
"""

NAMES = """
## Field names that differ from the 2023/24 workbook's

Every other field keeps the Data Field Name the 2023/24 workbook's Data Dictionary gives its
column, which the 2024/25 dictionary gives the same column (including the regulator's own
spellings `TP02_Fiter_No_LCRA` and the like). The 2023/24 Combined sheet reused LCRA's `_a` names
for its survey, method and weighting columns; 2024/25 gives them `_c`. The CH02 timescale questions
of 2023/24 are not in the 2024/25 dictionary (2024/25 asks instead for the complaints answered with
and without the extension).

The 2023/24 Combined sheet's last twelve columns hold their data one column to the left of their
headings (the column headed "Has the average satisfaction by survey method been calculated using
weighted or unweighted responses" holds Yes/No, the last column, headed "Proportion of tenants
(unweighted) who reported they are satisfied overall", holds Weighted/Unweighted); the script
checks that this still holds for every row and gives each value to the field it answers.

| 2023/24 Data Field Name | 2024/25 Data Field Name | sheets |
|---|---|---|
"""


def write_source(outdir, workbook, dictionary, out, landlords, mapped):
	files = ["datapoints", "retired", "published", "markers", "coverage", "context"]
	lines = []
	for name in files:
		path = os.path.join(outdir, name + ".csv")
		with open(path, encoding="utf-8", newline="") as f:
			rows = sum(1 for _ in csv.reader(f)) - 1
		lines.append("| `%s.csv` | %d | %d |" % (name, rows, os.path.getsize(path)))
	text = SOURCE.format(
		workbook=os.path.basename(workbook), workbook_sha=sha256(workbook),
		dictionary=os.path.basename(dictionary), dictionary_sha=sha256(dictionary),
		landlords=landlords, table="\n".join(lines))
	text += NAMES
	for (old, new), tables in sorted(mapped.items()):
		text += "| `%s` | `%s` | %s |\n" % (old, new, ", ".join(sorted(set(tables))))
	for old in sorted(RETIRED):
		text += "| `%s` | none: in retired.csv | Management_Info |\n" % old
	with open(os.path.join(outdir, "SOURCE.md"), "w", encoding="utf-8") as f:
		f.write(text)


def main(argv):
	args = argv[1:]
	dictionary = None
	if "--dictionary" in args:
		i = args.index("--dictionary")
		if i + 1 >= len(args):
			fail("--dictionary needs a path")
		dictionary = args[i + 1]
		del args[i:i + 2]
	if len(args) != 2:
		sys.stderr.write("usage: build-corpus.py WORKBOOK OUTDIR [--dictionary DICT]\n")
		return 2
	workbook, outdir = args
	if dictionary is None:
		dictionary = os.path.join(os.path.dirname(workbook), "tsm-2024-25-data-dictionary.txt")
	for path in (workbook, dictionary):
		if not os.path.isfile(path):
			fail("%s: no such file (WORKBOOK is the 2023/24 full dataset; the 2024/25 "
				"dictionary is read from beside it unless --dictionary names it)" % path)
	build(workbook, outdir, dictionary)
	return 0


if __name__ == "__main__":
	sys.exit(main(sys.argv))
