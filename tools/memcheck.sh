#!/usr/bin/env bash
# Builds kpix without sanitizers (debug information at -O1) in
# build-memcheck/ and runs the whole test suite under valgrind memcheck: each
# unit test, and every kpix command that the golden, conformance, readback and
# cli tests run. The CMake preset "memcheck" holds the valgrind options; see
# tests/CMakeLists.txt for how each test is run and tests/memcheck_run.sh for
# how a valgrind complaint fails the test that caused it. Run as root on
# Debian 12. Exits non-zero if a test fails.
#
# A memory error, or a block definitely, indirectly or possibly lost, fails
# the test. Blocks "still reachable" at exit (a pointer to them was still
# held when the program ended) are listed at the end, not failed on: no kpix
# command ends with any. The children that test_outdir forks do: they end
# with _exit while still holding their copy of the parent's fixtures and
# cmocka's state, which is not lost. tests/valgrind.supp explains the
# one suppression, a leak inside libxlsxwriter.
set -uo pipefail
cd "$(dirname "$0")/.."
bash tools/deps.sh || exit 1
dir=build-memcheck
start=$SECONDS
cmake --preset memcheck -S . -B "$dir" >/dev/null || exit 1
cmake --build "$dir" -j"$(nproc)" >/dev/null || { cmake --build "$dir" -j1; exit 1; }
ctest --test-dir "$dir" --output-on-failure -j"$(nproc)"
code=$?
logs=$dir/tests/memcheck/logs
runs=$(find "$logs" -name '*.log' | wc -l)
echo "memcheck: $runs programs run under valgrind ($((SECONDS - start)) s); logs in $logs"
echo "memcheck: runs that ended with blocks still reachable, by test:"
grep -l "still reachable: [1-9]" -r "$logs" --include='*.log' | xargs -r -n1 dirname |
  sort | uniq -c | sed "s|$logs/||"
exit "$code"
