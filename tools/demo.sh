#!/usr/bin/env bash
# Sets up, builds kpix, validates the shipped example returns (one clean, one
# with the mistakes officers make), exports the council's KPI return and the
# TSM returns of a council and a housing association (and shows the checks on
# the association's with mistakes), verifies the TSM exports from their
# manifests, builds the two example board packs and verifies the housing board's
# pack from its manifest. Run as root on Debian 12.
set -uo pipefail
cd "$(dirname "$0")/.."
bash tools/deps.sh || exit 1
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null || exit 1
cmake --build build -j"$(nproc)" >/dev/null || exit 1

example=examples/council-kpi-quarterly
for f in "$example/q2-2025-26.csv" "$example/q2-2025-26-mistakes.csv"; do
  echo "== kpix validate $f --schema council-kpi-quarterly"
  ./build/kpix validate "$f" --schema council-kpi-quarterly
  echo "(exit code $?)"
  echo
done
mkdir -p build/demo
./build/kpix validate "$example/q2-2025-26-mistakes.csv" --schema council-kpi-quarterly \
  --report build/demo/mistakes-report.csv
./build/kpix validate "$example/q2-2025-26-mistakes.csv" --schema council-kpi-quarterly \
  --report build/demo/mistakes-report.json
./build/kpix validate "$example/q2-2025-26-mistakes.csv" --schema council-kpi-quarterly \
  --report build/demo/mistakes-report.html
./build/kpix validate "$example/q2-2025-26-mistakes.csv" --schema council-kpi-quarterly \
  --report build/demo/mistakes-report.xlsx

echo
echo "== kpix export: the council's quarterly KPI return"
rm -rf build/demo/council-return build/demo/tsm-council build/demo/tsm-association
./build/kpix export "$example/q2-2025-26.csv" --schema council-kpi-quarterly \
  --param 'contact=Performance team, performance@example.gov.uk' --out build/demo/council-return
echo "(exit code $?)"
echo
tsm=examples/rsh-tsm
echo "== kpix export: the Tenant Satisfaction Measures return of a council (LCRA only), with last year's"
./build/kpix export "$tsm/tsm-2024-25-council.csv" --schema rsh-tsm-2024-25 \
  --previous "$tsm/tsm-2023-24-council.csv" \
  --param provider_code=X0001 --param 'provider_name=Example Borough Council' \
  --param provider_type=LA --out build/demo/tsm-council
echo "(exit code $?)"
echo
echo "== kpix export: the TSM return of a housing association (LCRA weighted, and LCHO)"
./build/kpix export "$tsm/tsm-2024-25-association.csv" --schema rsh-tsm-2024-25 \
  --param provider_code=X0002 --param 'provider_name=Example Housing Association' \
  --param provider_type=PRP --out build/demo/tsm-association
echo "(exit code $?)"
echo
echo "== kpix validate: the association's return with an officer's slips"
./build/kpix validate "$tsm/tsm-2024-25-association-mistakes.csv" --schema rsh-tsm-2024-25
echo "(exit code $?)"
echo
echo "== kpix verify: re-run both TSM exports from their manifests"
./build/kpix verify build/demo/tsm-council/manifest.json "$tsm/tsm-2024-25-council.csv" \
  "$tsm/tsm-2023-24-council.csv"
echo "(exit code $?)"
./build/kpix verify build/demo/tsm-association/manifest.json "$tsm/tsm-2024-25-association.csv"
echo "(exit code $?)"
echo
echo "== kpix pack: the quarterly Operational Board pack, from a year and a half of history"
rm -rf build/demo/board-pack build/demo/onesource-pack
./build/kpix pack examples/housing-board/*.csv --pack housing-board --period "2025-26 Q2" \
  --out build/demo/board-pack --pdf
echo "(exit code $?)"
echo
echo "== kpix verify: re-run the housing board pack from its manifest"
./build/kpix verify build/demo/board-pack/manifest.json examples/housing-board/*.csv
echo "(exit code $?)"
echo
echo "== kpix pack: the oneSource Joint Committee's customer satisfaction figures, October 2017"
./build/kpix pack examples/onesource/okpi1-history.csv --pack onesource-joint-committee \
  --period "2017-18 Q3" --out build/demo/onesource-pack --pdf
echo "(exit code $?)"
echo
echo "Where to look:"
echo "  build/kpix                          the command (try: build/kpix --help)"
echo "  build/demo/mistakes-report.csv      the mistakes file's report, for a spreadsheet"
echo "  build/demo/mistakes-report.json     the same as JSON"
echo "  build/demo/mistakes-report.html     the same as a web page, to open with a double click"
echo "  build/demo/mistakes-report.xlsx     the mistakes file itself, each problem cell filled and"
echo "                                      commented, with a Problems sheet linking to each"
echo "  build/demo/council-return/          the council return: CSV, XLSX and manifest.json"
echo "  build/demo/tsm-council/             the council's TSM return: its data points (CSV, XLSX), the"
echo "                                      regulator's layout (XLSX) and manifest.json"
echo "  build/demo/tsm-association/         the housing association's TSM return, the same"
echo "  build/demo/board-pack/              the housing board pack: XLSX, the board report as PDF,"
echo "                                      summary CSV and manifest.json"
echo "  build/demo/onesource-pack/          the oneSource committee pack, with its PDF board report"
echo "  $example/README.md  what each deliberate mistake is"
echo "  $tsm/README.md  the TSM examples and their deliberate mistakes"
echo "  build/kpix schemas show council-kpi-quarterly   the schema in words"
