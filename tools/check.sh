#!/usr/bin/env bash
# Sets up, builds kpix three times (warnings as errors; then AddressSanitizer
# and UndefinedBehaviorSanitizer; then the memcheck preset, with every test
# under valgrind memcheck as tools/memcheck.sh runs it) and runs the whole
# test suite on each build: unit tests, golden end-to-end tests and the
# conformance corpora; then runs each fuzz target briefly (tools/fuzz.sh).
# Run as root on Debian 12. Ends with a pass/fail count; exits non-zero on
# failure.
set -uo pipefail
cd "$(dirname "$0")/.."
bash tools/deps.sh || exit 1

jobs=$(nproc)
passed=0 failed=0
run_suite() {
  local name=$1 dir=$2; shift 2
  echo "== $name build"
  if ! cmake -S . -B "$dir" "$@" >"$dir.configure.log" 2>&1; then
    cat "$dir.configure.log"; failed=$((failed + 1)); return
  fi
  if ! cmake --build "$dir" -j"$jobs" >"$dir.build.log" 2>&1; then
    cat "$dir.build.log"; failed=$((failed + 1)); return
  fi
  local log="$dir/ctest.log"
  ctest --test-dir "$dir" --output-on-failure -j"$jobs" >"$log" 2>&1
  grep -E "^ *[0-9]+/[0-9]+ Test|tests passed|Failed|FAIL" "$log" || true
  grep -q "tests passed" "$log" || { cat "$log"; failed=$((failed + 1)); return; }
  local p f
  p=$(grep -Eo "[0-9]+ tests failed out of [0-9]+" "$log" | awk '{print $6 - $1}')
  f=$(grep -Eo "[0-9]+ tests failed out of [0-9]+" "$log" | awk '{print $1}')
  passed=$((passed + p)); failed=$((failed + f))
  ((f == 0)) || sed -n '/The following tests FAILED/,$p' "$log"
}
mkdir -p build-check
run_suite "release (-Werror)" build-check/release -DKPIX_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
run_suite "sanitizers (ASan+UBSan)" build-check/asan -DKPIX_WERROR=ON -DKPIX_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
run_suite "valgrind memcheck" build-check/memcheck --preset memcheck
# Each fuzz target for 15 s on its seeds and regression inputs (clang,
# ASan, UBSan; tools/fuzz.sh), one pass or failure each.
echo "== fuzz smoke (tools/fuzz.sh --time 15)"
fuzz_log=build-check/fuzz.log
bash tools/fuzz.sh --time 15 >"$fuzz_log" 2>&1
sed -n '/^target /,$p' "$fuzz_log"
p=$(grep -Ec '^fuzz_[a-z]+ .* PASS$' "$fuzz_log")
f=$(grep -Ec '^fuzz_[a-z]+ .* FAIL$' "$fuzz_log")
((p + f == 5)) || { cat "$fuzz_log"; f=$((5 - p)); }
((f == 0)) || grep -E 'broken promise|ERROR|runtime error|kept:' "$fuzz_log"
passed=$((passed + p)); failed=$((failed + f))
echo
echo "kpix tests: $passed passed, $failed failed"
((failed == 0))
