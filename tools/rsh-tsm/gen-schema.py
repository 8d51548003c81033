#!/usr/bin/python3
"""Write kpix's data-point TSM schemas from the regulator's data dictionary and a hand-written spec.

    tools/rsh-tsm/gen-schema.py [--check] [SPEC ...]

Each SPEC (default: every tools/rsh-tsm/spec-*.json) names the dictionary it reads and the schema
it writes (its "output", relative to the repository). A spec with "base" takes the base spec and
replaces the keys it gives (so a year whose form did not change differs only in its id, version,
title and source). With --check nothing is written: the exit status is 1, naming each file, when a
committed schema differs from what the spec and dictionary give now. Standard library only; the
output depends on nothing but the two inputs, so running it twice gives the same bytes.
"""

import glob
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
HEADER = ("Table | Column Heading | Data Field Name | Survey_Datapoint | Survey_QuestionReference | "
          "Survey Question | Survey_Section | Source")
WORDS = {"and", "or", "not", "in", "is", "null", "true", "false", "prev",
         "abs", "round", "ceil", "floor", "sqrt", "min", "max", "len", "isnull", "coalesce", "if", "text"}


class SpecError(Exception):
    pass


def item_key(item):
    """What names an item of one of the spec's lists: its code, match or heading."""
    for key in ("code", "match", "heading"):
        if isinstance(item, dict) and key in item:
            return item[key]
    raise SpecError(f"edits: an item with no code, match or heading: {item}")


def edit_list(items, edits, where):
    """The list items changed as edits says: 'drop' the items so named, 'set' (replace in place)
    an item with the same name, then 'prepend' and 'append' new ones. Naming an item that is not
    there is an error, so that an edit cannot outlive the base it was written for."""
    items = list(items)
    names = [item_key(i) for i in items]
    for name in edits.get("drop", []):
        if name not in names:
            raise SpecError(f"edits of {where}: nothing named '{name}' to drop")
        at = names.index(name)
        del items[at], names[at]
    for item in edits.get("set", []):
        name = item_key(item)
        if name not in names:
            raise SpecError(f"edits of {where}: nothing named '{name}' to set")
        items[names.index(name)] = item
    unknown = set(edits) - {"drop", "set", "prepend", "append"}
    if unknown:
        raise SpecError(f"edits of {where}: {sorted(unknown)} not understood (drop, set, prepend, append)")
    return list(edits.get("prepend", [])) + items + list(edits.get("append", []))


def load_spec(path):
    with open(path, encoding="utf-8") as f:
        spec = json.load(f)
    if "base" in spec:
        base = load_spec(os.path.join(os.path.dirname(path), spec["base"]))
        for key, value in spec.items():
            if key == "schema":
                merged = dict(base["schema"])
                merged.update(value)
                base["schema"] = merged
            elif key == "edits":
                for name, edits in value.items():
                    target = base
                    for part in name.split("."):
                        if part not in target:
                            raise SpecError(f"edits: the base spec has no '{name}'")
                        parent, target = target, target[part]
                    parent[part] = edit_list(target, edits, name)
            elif key != "base":
                base[key] = value
        spec = base
    spec["_dir"] = os.path.dirname(path)
    return spec


def clean(text):
    """The dictionary's text without zero-width spaces, doubled spaces or a trailing ' -'."""
    text = text.replace("\u200b", "").replace("\u00a0", " ")
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s*-$", "", text).strip()
    return text


def read_dictionary(path):
    """Rows of the dictionary that are data fields of the return, in the dictionary's order."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if len(lines) < 4 or lines[2] != HEADER:
        raise SpecError(f"{path}: line 3 is not the dictionary's header '{HEADER}'")
    rows = []
    for number, line in enumerate(lines[3:], start=4):
        if not line:
            continue
        cols = line.split(" | ")
        if len(cols) != 8:
            raise SpecError(f"{path}:{number}: {len(cols)} columns, expected 8")
        table, heading, name, point, question, wording, section, _ = cols
        if name == "System Property":
            continue
        rows.append({"table": table, "title": clean(heading), "code": name, "dataPoint": point,
                     "question": question, "description": clean(wording), "section": section,
                     "line": number})
    return rows


def read_tables(path):
    """Every column of each of the regulator's tables, in the dictionary's order: (table, heading,
    data field name or 'System Property')."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    tables = {}
    for line in lines[3:]:
        if line:
            table, heading, name = line.split(" | ")[:3]
            tables.setdefault(table, []).append((clean(heading), name))
    return tables


def read_headings(path):
    """Each sheet's column headings as the regulator's workbook has them, in order, from a listing
    of the workbook's sheets ('=== SHEET name', then '  col N: heading')."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    sheets, current = {}, None
    for line in lines:
        m = re.fullmatch(r"=== SHEET (.*)", line)
        if m:
            current = sheets.setdefault(m.group(1), [])
            continue
        m = re.fullmatch(r"\s+col (\d+): (.*)", line)
        if m and current is not None:
            if int(m.group(1)) != len(current) + 1:
                raise SpecError(f"{path}: column {m.group(1)} out of order")
            current.append(m.group(2))
    return sheets


def published_heading(heading, published, table):
    """The workbook's own heading for the dictionary's: the same text once the workbook's footnote
    marks (digits after the closing bracket: '(BS02)5') are set aside, or else the one heading with
    the same first five words and the same bracketed reference at its end (the 2024/25 workbook's
    TP01 reads 'the overall service' where its dictionary says 'the service')."""
    def bare(h):
        return re.sub(r"\)[\d,]+( %)?$", ")", clean(h))
    want = clean(heading)
    found = [h for h in published if bare(h) == want]
    if not found:
        tail = re.search(r"\([^()]*\)$", want)
        words = want.split(" ")[:5]
        found = [h for h in published
                 if tail and bare(h).endswith(tail.group(0)) and bare(h).split(" ")[:5] == words]
    if len(found) != 1:
        raise SpecError(f"sector: {table}: {len(found)} published headings for '{heading}'")
    return re.sub(r"\s+", " ", found[0].replace("\u00a0", " ")).strip()


def regulator_layout(spec, codes):
    """The export that sets the return out as the regulator publishes it: a sheet per table of its
    dataset, in its column order and headings, with one row of this landlord's figures."""
    lay = spec["regulatorLayout"]
    tables = read_tables(os.path.join(spec["_dir"], spec["dictionary"]))
    renames = {k: v["code"] for k, v in spec.get("renames", {}).items()}
    decimals = {}
    for item in spec["calculations"]:
        for code in codes:
            if re.fullmatch(item["match"], code) and "decimals" in item:
                decimals[code] = item["decimals"]
    sheets = [{"name": lay["coverage"]["name"], "title": lay["coverage"]["title"], "rows": "figures",
               "columns": lay["coverage"]["columns"]}]

    for table, columns in tables.items():
        sheet = lay["sheets"][table]
        system = {c["heading"]: c for c in lay["systemColumns"]}
        out = []
        for heading, name in columns:
            col = {"heading": heading}
            if name == "System Property":
                known = system.get(heading)
                if not known:
                    raise SpecError(f"regulatorLayout: no systemColumns entry for '{heading}' ({table})")
                col.update({k: v.replace("<s>", sheet["s"]).replace("<t>", sheet["t"])
                            if isinstance(v, str) else v
                            for k, v in known.items() if k != "heading"})
                if "value" not in col:
                    col["value"] = "null"
            else:
                parts = [renames.get(n, n) for n in name.split("/")]
                for n in parts:
                    if n not in codes:
                        raise SpecError(f"regulatorLayout: {table}'s column {name} is not in the catalogue")
                col["value"] = parts[0] if len(parts) == 1 else "coalesce(" + ", ".join(parts) + ")"
                if parts[0] in decimals:
                    col["decimals"] = decimals[parts[0]]
            out.append(col)
        entry = {"name": sheet["name"], "title": sheet["title"], "rows": "figures", "columns": out}
        if "where" in sheet:
            # a table the return does not cover has no row, as the regulator's has none for
            # such a landlord (Table_Coverage says No)
            entry["where"] = sheet["where"]
        sheets.append(entry)
    return {"name": lay["name"], "title": lay["title"], "format": "xlsx", "file": lay["file"],
            "properties": lay.get("properties", {}), "sheets": sheets}


def sector(spec, indicators):
    """Where each measure kpix calculates sits in the regulator's published datasets: for each
    layout (a year's workbook), each table's sheet, the row of its headings and which heading holds
    which figure, read from that year's dictionary (with the workbook's own headings where a listing
    of them is given), its decimals and the heading of its denominator, where it has one. Only
    measures whose calculation says which way is better (a polarity) are compared; a dictionary's
    name the catalogue does not have is left out."""
    sec = spec["sector"]
    by_code = {i["code"]: i for i in indicators}
    measures = {c for c, i in by_code.items() if "calculate" in i and "polarity" in i}
    layouts = []
    for lay in sec["layouts"]:
        path = os.path.join(spec["_dir"], lay["dictionary"])
        renames = {k: v["code"] for k, v in spec.get("renames", {}).items()} if lay.get("renames") else {}
        tables = read_tables(path)
        published = read_headings(os.path.join(spec["_dir"], lay["headings"])) if "headings" in lay else {}
        sheets = []
        for table, row in lay["headerRows"].items():
            if table not in tables:
                raise SpecError(f"sector: {lay['dictionary']} has no table {table}")
            columns = []
            pairs = [(h, renames.get(n, n)) for h, n in tables[table]]
            heading_of = {code: h for h, code in pairs}
            for heading, code in pairs:
                if code not in measures:
                    continue
                col = {"heading": heading, "figure": code}
                if "decimals" in by_code[code]:
                    col["decimals"] = by_code[code]["decimals"]
                m = re.fullmatch(r"(.*)_Calculated_Value(_[A-Z]+)?", code)
                den = m and f"{m.group(1)}_Denominator{m.group(2) or ''}"
                if den in heading_of:
                    col["denominator"] = heading_of[den]
                columns.append(col)
            if published:
                for col in columns:
                    for key in ("heading", "denominator"):
                        if key in col:
                            col[key] = published_heading(col[key], published.get(table, []), table)
            if len({c["heading"] for c in columns}) != len(columns):
                raise SpecError(f"sector: {table} has a heading twice")
            if not columns:
                raise SpecError(f"sector: {table} of {lay['dictionary']} holds none of the measures")
            sheets.append({"name": table, "headerRow": row, "columns": columns})
        layouts.append({"name": lay["name"], "sheets": sheets})
    out = {k: sec[k] for k in ("title", "description", "key", "self")}
    out["layouts"] = layouts
    return out


def publication_page(spec, indicators):
    """The landlord's own publication page, as a web page and as a CSV: each section's data points
    chosen by the spec's patterns, in the catalogue's order."""
    page = spec["publicationPage"]
    codes = [i["code"] for i in indicators]
    chosen = []
    sheets = []
    for section in page["sections"]:
        picked = [c for c in codes if any(re.fullmatch(m, c) for m in section["codes"])]
        if not picked:
            raise SpecError(f"publicationPage: section '{section['name']}' matches no data point")
        chosen += [c for c in picked if c not in chosen]
        sheet = {k: v for k, v in section.items() if k != "codes"}
        sheet["rows"] = "catalogue"
        sheet["where"] = "ind.code in (" + ", ".join(f"'{c}'" for c in picked) + ")"
        if "where" in section:
            sheet["where"] = f"{sheet['where']} and {section['where']}"
        sheet["columns"] = section.get("columns", page["columns"])
        sheets.append(sheet)
    html = {k: page[k] for k in ("name", "title", "lang", "intro", "footer") if k in page}
    html.update({"format": "html", "file": page["file"], "sheets": sheets})
    csv = dict(page["csv"])
    csv.update({"format": "csv", "rows": "catalogue",
                "where": "ind.code in (" + ", ".join(f"'{c}'" for c in codes if c in chosen) + ")"})
    return [html, csv]


def first(patterns, code):
    for item in patterns:
        m = re.fullmatch(item["match"], code)
        if m:
            return item, m
    return None, None


def fill(template, match):
    return template.format(**match.groupdict()) if match.groupdict() else template


def margin_expr(spec, population):
    bands = spec["marginOfError"]["bands"]
    expr = str(bands[-1]["e"])
    for band in reversed(bands[:-1]):
        expr = f"if({population} < {band['below']}, {band['e']}, {expr})"
    return expr


def catalogue(spec):
    """The catalogue entries, in the form's order, and the kpix-made notes about each."""
    rows = read_dictionary(os.path.join(spec["_dir"], spec["dictionary"]))
    entries, seen = [], {}
    points = {}
    swapped = spec.get("swappedColumns", {})
    for row in rows:
        names = [row["code"]]
        notes = []
        if (row["table"] in swapped.get("tables", []) and re.fullmatch(r"Q\w+(/Q\w+)*", row["dataPoint"])
                and re.fullmatch(r"DP_\w+(/DP_\w+)*", row["question"])):
            row["dataPoint"], row["question"] = row["question"], row["dataPoint"]
            notes.append(swapped["why"])
        dps = [row["dataPoint"]]
        if row["code"] in spec.get("splits", {}):
            split = spec["splits"][row["code"]]
            names = row["code"].split("/")
            dps = row["dataPoint"].split("/")
            if len(names) != len(dps) or len(names) != len(split["titles"]):
                raise SpecError(f"split of {row['code']}: names, data points and titles differ in number")
            notes.append(split["why"])
            questions = row["question"].split("/")
            if len(questions) not in (1, len(names)):
                raise SpecError(f"split of {row['code']}: question references '{row['question']}' differ in number")
        elif "/" in row["code"] or " " in row["code"]:
            if row["code"] not in spec.get("renames", {}):
                raise SpecError(f"dictionary line {row['line']}: '{row['code']}' needs a rename or a split in the spec")
        for i, name in enumerate(names):
            entry = dict(row)
            entry["code"], entry["dataPoint"], entry["dictName"] = name, dps[i], row["code"]
            if len(names) > 1 and "/" in row["question"]:
                entry["question"] = row["question"].split("/")[i]
            entry["notes"] = list(notes)
            if len(names) > 1:
                entry["title"] = spec["splits"][row["code"]]["titles"][i]
                if "descriptions" in spec["splits"][row["code"]]:
                    entry["description"] = spec["splits"][row["code"]]["descriptions"][i]
            if name in spec.get("renames", {}):
                entry["notes"].append(spec["renames"][name]["why"])
                entry["code"] = spec["renames"][name]["code"]
            code = entry["code"]
            if code in seen:
                other = seen[code]
                if other["dataPoint"] != entry["dataPoint"]:
                    raise SpecError(f"{code}: given twice with different data points")
                other["tables"].append(entry["table"])
                continue
            entry["tables"] = [entry["table"]]
            if entry["dataPoint"] in points:
                entry["notes"].append(f"The dictionary gives this data point the same survey reference "
                                      f"({entry['dataPoint']}) as {points[entry['dataPoint']]}.")
            else:
                points[entry["dataPoint"]] = code
            seen[code] = entry
            entries.append(entry)
    for code, note in spec.get("notes", {}).items():
        if code not in seen:
            raise SpecError(f"notes: no data field {code}")
        seen[code]["notes"].append(note)
    return entries


def sort_key(entry):
    m = re.fullmatch(r"Q(\d+)([a-z]?)(?:L(\d+))?(?:C(\d+))?([a-z]?)", entry["question"])
    if not m:
        raise SpecError(f"{entry['code']}: question reference '{entry['question']}' not understood")
    q, sub, line, col, tail = m.groups()
    line, col = int(line or 0), int(col or 0)
    calculated = 1 if entry.get("calculate") else 0
    if entry["section"] in ("Section4", "Section5", "Section6") and q == "5" and col:
        grid = (col, calculated, line)
    else:
        grid = (line, calculated, col)
    return (entry["section"], int(q), sub, grid, tail, entry["line"])


def build_indicators(spec):
    entries = catalogue(spec)
    for entry in entries:
        code = entry["code"]
        item, m = first(spec["calculations"], code)
        if item:
            entry["calculate"] = fill(item["calculate"], m)
            entry["calc"] = item
    entries.sort(key=sort_key)
    kpix = spec.get("kpixEntries", [])
    start = [dict(k) for k in kpix if k["position"] == "start"]
    end = [dict(k) for k in kpix if k["position"] == "end"]
    ordered = start + entries + end
    for k in kpix:
        if isinstance(k["position"], dict):
            after = k["position"]["after"]
            at = [i for i, e in enumerate(ordered) if e["code"] == after]
            if not at:
                raise SpecError(f"kpixEntries: {k['code']} is to follow {after}, which is not in the catalogue")
            ordered.insert(at[0] + 1, dict(k))
    out = []
    codes = set()
    for entry in ordered:
        code = entry["code"]
        if code in codes:
            raise SpecError(f"{code}: two catalogue entries")
        codes.add(code)
        kpix_made = "tables" not in entry
        ind = {"code": code, "title": entry["title"]}
        if entry.get("description"):
            ind["description"] = entry["description"]
        calc, m = first(spec["calculations"], code)
        if calc:
            expr = calc["calculate"]
            groups = m.groupdict()
            if "{e}" in expr:
                groups["e"] = margin_expr(spec, f"Relevant_ten_pop_size_{groups['s']}")
            ind["calculate"] = expr.format(**groups)
            ind["value"] = {"type": "number"}
            for key in ("unit", "decimals", "polarity", "min", "max"):
                if key in calc:
                    ind[key] = calc[key]
        else:
            vt, _ = first(spec["valueTypes"], code)
            if not vt:
                raise SpecError(f"{code}: no value type in the spec's valueTypes")
            ind["value"] = vt["value"]
            for key in ("unit", "decimals"):
                if key in vt:
                    ind[key] = vt[key]
        conditions = []
        for item in spec["appliesWhen"]:
            mm = re.fullmatch(item["match"], code)
            if mm:
                conditions.append(fill(item["when"], mm))
        if conditions:
            ind["appliesWhen"] = " and ".join(conditions)
        if not calc and any(re.fullmatch(p, code) for p in spec["optional"]):
            ind["optional"] = True
        for key in ("section", "question", "dataPoint"):
            if entry.get(key):
                ind[key] = entry[key]
        if kpix_made:
            source = entry.get("source")
            for prefix, text in spec.get("kpixEntrySources", {}).items():
                if code.startswith(prefix):
                    source = text
            if not source:
                raise SpecError(f"{code}: a kpix entry needs a source")
            ind["source"] = source
        else:
            source = (f"RSH TSM data dictionary {spec['dictionaryYear']}, "
                      f"{', '.join(entry['tables'])}; data field '{entry['dictName']}'.")
            if entry["notes"]:
                source += " " + " ".join(entry["notes"])
            ind["source"] = source
        out.append(ind)
    return out


def names_in(expr):
    expr = re.sub(r"'(?:[^']|'')*'", "''", expr)
    expr = re.sub(r"prev\.", "", expr)
    return set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", expr)) - WORDS


def codeify(name):
    return name.upper().replace("_", "-")


def expand(template, values):
    def one(text):
        for key, value in values.items():
            text = text.replace(f"<<{key}>>", str(value))
        if "<<" in text:
            raise SpecError(f"rule template: '{text}' has a name this rule's forEach does not give")
        return text
    rule = {}
    for key in ("code", "title", "severity", "when", "check", "cells", "message"):
        if key not in template:
            continue
        if key == "cells":
            cells = []
            for cell in template["cells"]:
                if cell.startswith("<<") and cell.endswith(">>") and isinstance(values.get(cell[2:-2]), list):
                    cells.extend(values[cell[2:-2]])
                else:
                    cells.append(one(cell))
            rule["cells"] = cells
        else:
            rule[key] = one(template[key])
    return rule


def contexts(kind, spec, codes, indicators):
    """Each set of template values a rule's forEach gives, in a fixed order."""
    by_code = {i["code"]: i for i in indicators}
    census = spec["marginOfError"]["censusUpTo"]
    if kind == "none":
        return [{}]
    out = []
    if kind in ("survey", "measure", "filterMeasure", "weightedCount", "tenure", "tenureStage"):
        letters = set()
        for survey in spec["surveys"]:
            s, t = survey["letter"], survey["tenure"]
            if f"Total_sample_size_{s}" not in codes:
                continue
            base = {"s": s, "T": t, "name": survey["name"]}
            if kind == "survey":
                # a survey section that serves two tenures (2023/24's Section1a, LCRA or combined)
                # is checked once, under the first tenure's code and its surveyName
                if s in letters:
                    continue
                letters.add(s)
                base["name"] = survey.get("surveyName", survey["name"])
                methods = [c for c in codes if re.fullmatch(rf"Res(po|op)nses_[A-Za-z]+_{s}", c)]
                other = [c for c in methods if c.endswith(f"_Other_{s}")]
                unweighted = [c for c in codes if re.fullmatch(rf"Unweighted_TP01_[A-Za-z]+_{s}", c)]
                pop = f"Relevant_ten_pop_size_{s}"
                e = margin_expr(spec, pop)
                out.append(dict(base, methods=methods,
                                methodsAny=" or ".join(f"{c} is not null" for c in methods),
                                methodsSum=" + ".join(f"coalesce({c}, 0)" for c in methods),
                                methodsList=" + ".join(f"{c} {{{c}}}" for c in methods),
                                otherMethods=other[0],
                                unweightedSum=" + ".join(unweighted),
                                minSample=f"{pop} / ({pop} * {e} * {e} / (1.96 * 1.96 * 0.25) + 1)",
                                censusUpTo=census))
            elif kind in ("measure", "filterMeasure"):
                for code in codes:
                    mm = re.fullmatch(rf"(TP\d\d)_VS_{t}", code)
                    if not mm:
                        continue
                    m = mm.group(1)
                    has_filter = f"{m}_Filter_Yes_{t}" in codes
                    if has_filter != (kind == "filterMeasure"):
                        continue
                    answers = [f"{m}_{a}_{t}" for a in ("VS", "FS", "NSD", "FD", "VD")]
                    parts = list(answers)
                    if f"{m}_NADK_{t}" in codes:
                        parts.append(f"coalesce({m}_NADK_{t}, 0)")
                        answers.append(f"{m}_NADK_{t}")
                    out.append(dict(base, m=m, answersSum=" + ".join(parts),
                                    answersList=", ".join(f"{a} {{{a}}}" for a in answers)))
            elif kind == "weightedCount":
                for code in codes:
                    vt, _ = first(spec["valueTypes"], code)
                    if vt and vt.get("weighted") and re.fullmatch(rf".*_{t}", code) and "calculate" not in by_code[code]:
                        out.append(dict(base, X=code, CODE=codeify(code)))
            elif kind == "tenure":
                if f"CH01_1_Denominator_{t}" in codes:
                    out.append(base)
            elif kind == "tenureStage":
                for n, stage in (("1", "one"), ("2", "two")):
                    if f"CH02_{n}_Denominator_{t}" in codes:
                        out.append(dict(base, n=n, stage=stage))
        return out
    if kind == "numDen":
        for code in codes:
            ind = by_code[code]
            if "calculate" not in ind or ind.get("unit") != "percent":
                continue
            mm = re.fullmatch(r"(.*)_Calculated_Value(_[A-Z]+)?", code)
            if not mm:
                continue
            num = f"{mm.group(1)}_Numerator{mm.group(2) or ''}"
            den = f"{mm.group(1)}_Denominator{mm.group(2) or ''}"
            if num in codes and den in codes:
                out.append({"X": code, "CODE": codeify(code), "N": num, "D": den})
        return out
    if kind == "range":
        for code in codes:
            item, _ = first(spec["ranges"], code)
            if not item:
                continue
            low, high = item.get("low"), item.get("high")
            checks, words = [], []
            if low is not None:
                checks.append(f"{code} >= {low}")
            if high is not None:
                checks.append(f"{code} <= {high}")
            unit = by_code[code].get("unit")
            suffix = "%" if unit == "percent" else " per 1,000 homes" if unit == "per1000" else ""
            if low is not None and high is not None:
                text = f"{low}{suffix} to {high}{suffix}"
            elif low is not None:
                text = f"{low}{suffix} or more"
            else:
                text = f"{high}{suffix} or less"
            out.append({"X": code, "CODE": codeify(code), "rangeCheck": " and ".join(checks), "rangeText": text})
        return out
    if kind == "moved":
        yoy = spec["yearOnYear"]
        for code in codes:
            ind = by_code[code]
            if ("calculate" in ind and "polarity" in ind and ind.get("unit") in yoy["units"] and ind.get("decimals") == 1
                    and not code.startswith("Unweighted_")):
                out.append({"X": code, "CODE": codeify(code), "points": yoy["points"]})
        return out
    raise SpecError(f"rules: forEach '{kind}' is not one the generator knows")


def build_rules(spec, indicators):
    codes = [i["code"] for i in indicators]
    known = set(codes)
    rules, seen = [], set()
    for template in spec["rules"]:
        for values in contexts(template["forEach"], spec, codes, indicators):
            rule = expand(template, values)
            if rule["code"] in seen:
                raise SpecError(f"rules: a second rule with the code {rule['code']}")
            seen.add(rule["code"])
            for key in ("when", "check"):
                if key in rule:
                    unknown = names_in(rule[key]) - known
                    if unknown:
                        raise SpecError(f"{rule['code']}: {key} names {sorted(unknown)}, not in the catalogue")
            for cell in rule["cells"]:
                if cell not in known:
                    raise SpecError(f"{rule['code']}: cell {cell} is not in the catalogue")
            for name in re.findall(r"\{(?:prev\.)?([A-Za-z_][A-Za-z0-9_]*)\}", rule["message"]):
                if name not in known:
                    raise SpecError(f"{rule['code']}: the message names {name}, not in the catalogue")
            rules.append(rule)
    return rules


def build(spec):
    meta = spec["schema"]
    indicators = build_indicators(spec)
    known = {i["code"] for i in indicators}
    for ind in indicators:
        for key in ("calculate", "appliesWhen"):
            if key in ind:
                unknown = names_in(ind[key]) - known
                if unknown:
                    raise SpecError(f"{ind['code']}: {key} names {sorted(unknown)}, not in the catalogue")
    figures = {"valueField": "value"}
    figures.update(spec["figureItems"])
    figures["rules"] = build_rules(spec, indicators)
    schema = {
        "$kpix": "schema/1",
        "id": meta["id"],
        "version": meta["version"],
        "title": meta["title"],
        "description": meta["description"],
        "source": meta["source"],
        "fieldsMatch": "equal",
        "fields": [
            {"name": "field", "title": "Data field name",
             "description": "The data point's Data Field Name, exactly as the regulator's data dictionary spells it (TP01_VS_LCRA, TP02_Fiter_No_LCRA), or one of kpix's own (Coverage_LCRA, Approach_b_Timing).",
             "example": "TP01_VS_LCRA", "type": "string", "constraints": {"required": True}},
            {"name": "value", "title": "Value",
             "description": "The data point's value as the form asks for it: a count, a Yes/No answer, a text or a web address. A value kpix calculates may be left out.",
             "example": "412", "type": "string"},
        ],
        "primaryKey": ["field"],
        "foreignKeys": [{"fields": "field", "reference": {"resource": "#indicators", "fields": "code"}}],
        "indicatorField": "field",
        "indicators": indicators,
        "figures": figures,
        "parameters": spec["parameters"],
    }
    if "sector" in spec:
        schema["sector"] = sector(spec, indicators)
    exports = list(spec.get("exports", []))
    if "regulatorLayout" in spec:
        exports.append(regulator_layout(spec, known))
    if "publicationPage" in spec:
        exports += publication_page(spec, indicators)
    if exports:
        # the year's file and sheet names: %YEAR% (2024-25) and %SHEET% (TSM25)
        text = json.dumps(exports)
        for token, key in (("%YEAR%", "fileYear"), ("%SHEET%", "sheetPrefix")):
            text = text.replace(token, spec[key])
        schema["exports"] = json.loads(text)
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main(argv):
    check = "--check" in argv
    paths = [a for a in argv if a != "--check"] or sorted(glob.glob(os.path.join(HERE, "spec-*.json")))
    status = 0
    for path in paths:
        try:
            spec = load_spec(path)
            text = build(spec)
        except (SpecError, KeyError, ValueError, OSError) as e:
            print(f"gen-schema: {path}: {e}", file=sys.stderr)
            return 2
        out = os.path.join(ROOT, spec["output"])
        if check:
            try:
                with open(out, encoding="utf-8") as f:
                    same = f.read() == text
            except OSError:
                same = False
            if not same:
                print(f"gen-schema: {spec['output']} is not what {os.path.relpath(path, ROOT)} and "
                      f"{spec['dictionary']} give: run tools/rsh-tsm/gen-schema.py and commit both", file=sys.stderr)
                status = 1
        else:
            with open(out, "w", encoding="utf-8") as f:
                f.write(text)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
