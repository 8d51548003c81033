#!/usr/bin/env python3
"""Write the wide benchmark CSV that bench/wide-schema.json describes.

usage: python3 gen-wide.py ROWS [BAD_FRACTION [SEED]] > wide.csv

30 columns of repairs-and-lettings-like KPI rows: integers, numbers with two
decimals, ISO dates, short enumerations, free text (some of it quoted because
it holds commas or double quotes, some of it missing) and pattern-constrained
codes. The output depends only on ROWS, BAD_FRACTION and SEED (default 7):
every random draw goes through random.Random(SEED).random(), whose Mersenne
Twister sequence is the same on every Python 3, and the rows of a shorter
file are the first rows of a longer one with the same arguments.

With BAD_FRACTION > 0 that share of rows gets one cell broken in a way the
schema rejects (a word in a number, a 13th month, a value outside an enum,
a code that misses its pattern, a negative count). Standard library only.
"""
import datetime
import random
import sys

HEADER = [
    "row_id", "landlord_code", "scheme_code", "period_start", "period_end",
    "reported_on", "region", "tenure", "measure_code", "stock_units",
    "homes_let", "complaints", "repairs_total", "repairs_on_time",
    "days_to_complete", "pct_on_time", "satisfaction_pct", "cost_gbp",
    "rent_gbp", "arrears_gbp", "score", "status", "priority", "channel",
    "contractor_ref", "postcode_area", "emergency", "officer", "comment",
    "notes",
]

REGIONS = ["North", "South", "East", "West", "London", "Midlands"]
TENURES = ["LCRA", "LCHO", "SO", "INT"]
STATUSES = ["open", "closed", "pending", "void"]
PRIORITIES = ["P1", "P2", "P3", "P4"]
CHANNELS = ["phone", "email", "web", "letter", "visit"]
MEASURES = ["TP", "BS", "RP", "CH", "NM"]
LETTERS = "ABCDEFGHIJKLMNOPRSTUWY"
FIRST = ["Asha", "Ben", "Chloe", "Dev", "Ellen", "Femi", "Grace", "Harry",
         "Imran", "Jo", "Kate", "Liam", "Maya", "Niall", "Olu", "Priya"]
LAST = ["Adams", "Bashir", "Clarke", "Dunn", "Evans", "Fox", "Gill", "Hughes",
        "Iqbal", "Jones", "Khan", "Lewis", "Moss", "Nolan", "Okafor", "Patel"]
WORDS = ("boiler leak damp mould roof window door kitchen bathroom heating "
         "gas electric inspection survey tenant visit follow-up repair "
         "replaced fixed awaiting parts contractor no access booked "
         "completed cancelled resident reported urgent routine stairwell "
         "lift communal garden fence drainage gutter plaster tiles "
         "smoke alarm fire door check passed failed").split()


def quote(text):
    """CSV-quote text when it holds a comma, a double quote or a newline."""
    if "," in text or '"' in text or "\n" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def main(argv):
    if len(argv) < 2 or len(argv) > 4:
        sys.stderr.write("usage: gen-wide.py ROWS [BAD_FRACTION [SEED]]\n")
        return 2
    try:
        rows = int(argv[1])
        bad_frac = float(argv[2]) if len(argv) > 2 else 0.0
        seed = int(argv[3]) if len(argv) > 3 else 7
    except ValueError:
        sys.stderr.write("gen-wide.py: ROWS and SEED are integers, BAD_FRACTION a number\n")
        return 2
    if rows < 0 or not 0.0 <= bad_frac <= 1.0:
        sys.stderr.write("gen-wide.py: ROWS must be >= 0 and BAD_FRACTION in 0..1\n")
        return 2

    r = random.Random(seed).random  # the only source of randomness

    day0 = datetime.date(2020, 1, 1)
    dates = [(day0 + datetime.timedelta(days=i)).isoformat() for i in range(6 * 365)]
    n_dates = len(dates) - 120
    landlords = ["%s%s%s%03d" % (a, b, c, n)
                 for a, b, c, n in zip(LETTERS, LETTERS[3:] + LETTERS[:3],
                                       LETTERS[7:] + LETTERS[:7], range(101, 1000, 41))]
    officers = [f + " " + l for f in FIRST for l in LAST]
    n_words = len(WORDS)

    def money(hi_pennies):
        return "%d.%02d" % divmod(int(r() * hi_pennies), 100)

    def text(lo, hi):
        n = lo + int(r() * (hi - lo + 1))
        words = [WORDS[int(r() * n_words)] for _ in range(n)]
        x = r()
        if x < 0.06:          # a clause after a comma: the cell must be quoted
            words[len(words) // 2] += ","
        elif x < 0.08:        # a quoted phrase: doubled quotes inside a quoted cell
            words[0] = '"' + words[0] + '"'
        return quote(" ".join(words))

    out = sys.stdout
    out.write(",".join(HEADER) + "\n")
    batch = []
    for i in range(1, rows + 1):
        start = int(r() * n_dates)
        repairs = 1 + int(r() * 400)
        on_time = int(r() * (repairs + 1))
        cell = [
            str(i),
            landlords[int(r() * len(landlords))],
            "SC-%05d" % int(r() * 100000),
            dates[start],
            dates[start + 90],
            dates[start + 91 + int(r() * 28)],
            REGIONS[int(r() * len(REGIONS))],
            TENURES[int(r() * len(TENURES))],
            MEASURES[int(r() * len(MEASURES))] + "%02d" % (1 + int(r() * 12)),
            str(50 + int(r() * 20000)),
            str(int(r() * 500)),
            str(int(r() * 120)),
            str(repairs),
            str(on_time),
            str(int(r() * 60)),
            "%.2f" % (100.0 * on_time / repairs),
            money(10001),
            money(5000000),
            money(150000),
            ("-" if r() < 0.1 else "") + money(300000),
            money(1000),
            STATUSES[int(r() * len(STATUSES))],
            PRIORITIES[int(r() * len(PRIORITIES))],
            CHANNELS[int(r() * len(CHANNELS))],
            "C-%05d" % int(r() * 100000),
            LETTERS[int(r() * 22)] + ("" if r() < 0.3 else LETTERS[int(r() * 22)])
            + str(1 + int(r() * 29)),
            "Y" if r() < 0.15 else "N",
            officers[int(r() * len(officers))],
            text(3, 14) if r() < 0.7 else "",
            text(1, 6) if r() < 0.5 else "",
        ]
        if bad_frac and r() < bad_frac:
            k = int(r() * 6)
            if k == 0:
                cell[9] = "n/a"           # stock_units: not an integer
            elif k == 1:
                cell[5] = cell[5][:5] + "13" + cell[5][7:]  # reported_on: month 13
            elif k == 2:
                cell[6] = "Scotland"      # region: not in the enum
            elif k == 3:
                cell[2] = "SC-12A45"      # scheme_code: misses its pattern
            elif k == 4:
                cell[11] = "-3"           # complaints: below minimum 0
            else:
                cell[16] = "101.50"       # satisfaction_pct: above maximum 100
        batch.append(",".join(cell))
        if len(batch) == 10000:
            batch.append("")
            out.write("\n".join(batch))
            batch = []
    if batch:
        batch.append("")
        out.write("\n".join(batch))
    out.flush()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except BrokenPipeError:  # e.g. piped into head
        sys.stderr.close()
        sys.exit(0)
