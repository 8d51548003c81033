#!/usr/bin/env bash
# Sets up, builds kpix, and validates the shipped example returns: one clean,
# one with the mistakes officers make. Run as root on Debian 12.
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
echo
echo "Where to look:"
echo "  build/kpix                          the command (try: build/kpix --help)"
echo "  build/demo/mistakes-report.csv      the mistakes file's report, for a spreadsheet"
echo "  build/demo/mistakes-report.json     the same as JSON"
echo "  $example/README.md  what each deliberate mistake is"
echo "  build/kpix schemas show council-kpi-quarterly   the schema in words"
