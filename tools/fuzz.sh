#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang, ASan and UBSan in
# build-fuzz/ and runs each for a while on a scratch copy of its seed corpus
# and regression inputs, with its dictionary. Installs clang and its
# runtime from Debian when they are missing (as root, like tools/deps.sh).
#
# usage: tools/fuzz.sh [--time SECONDS] [--work DIR] [--build-only] [TARGET...]
#   --time SECONDS  how long each target runs (default 60)
#   --work DIR      where the scratch corpora, crash artifacts and logs go
#                   (default build-fuzz/run; emptied first, per target)
#   --build-only    build the targets and stop
#   TARGET          csv, schema, expr, validate, export, verify or xlsx (default: all)
#
# Prints a table: per target the seconds, executions, executions a second,
# coverage (libFuzzer's cov: and ft:), corpus size and PASS or FAIL. Exits
# non-zero when any target crashes, leaks, hangs or runs out of memory; the
# input that did it is kept under the work directory and named in the
# output. docs/fuzzing.md says how to read the table and keep the input as
# a regression case.
set -uo pipefail
cd "$(dirname "$0")/.."
top=$PWD

seconds=60 work=build-fuzz/run build_only=0 targets=()
while (($#)); do
  case $1 in
    --time) seconds=${2:?--time needs a number of seconds}; shift 2 ;;
    --work) work=${2:?--work needs a directory}; shift 2 ;;
    --build-only) build_only=1; shift ;;
    csv|schema|expr|validate|export|verify|xlsx) targets+=("$1"); shift ;;
    *) echo "fuzz.sh: unknown argument '$1'; usage: tools/fuzz.sh [--time SECONDS] [--work DIR] [--build-only] [csv|schema|expr|validate|export|verify|xlsx...]" >&2
       exit 2 ;;
  esac
done
[[ $seconds =~ ^[0-9]+$ ]] || { echo "fuzz.sh: --time takes whole seconds, not '$seconds'" >&2; exit 2; }
((${#targets[@]})) || targets=(csv schema expr validate export verify xlsx)

bash tools/deps.sh || exit 1
missing=()
for p in clang-14 libclang-rt-14-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "fuzz.sh: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    { echo "fuzz.sh: cannot install ${missing[*]}" >&2; exit 1; }
fi

mkdir -p build-fuzz
if ! cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang-14 -DKPIX_FUZZ=ON -DKPIX_WERROR=OFF \
     -DCMAKE_BUILD_TYPE=RelWithDebInfo >build-fuzz/configure.log 2>&1; then
  cat build-fuzz/configure.log; exit 1
fi
if ! cmake --build build-fuzz -j"$(nproc)" --target "${targets[@]/#/fuzz_}" \
     >build-fuzz/build.log 2>&1; then
  cat build-fuzz/build.log; exit 1
fi
((build_only)) && exit 0

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:symbolize=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
mkdir -p "$work"
work=$(cd "$work" && pwd)
failed=0 rows=()
for t in "${targets[@]}"; do
  dir=$work/$t
  rm -rf "$dir"
  mkdir -p "$dir/corpus" "$dir/artifacts"
  cp tests/fuzz/corpus/"$t"/* "$dir/corpus/" 2>/dev/null
  find tests/fuzz/regress/"$t" -type f ! -name '.*' -exec cp {} "$dir/corpus/" \;
  # fuzz_validate's input holds both grammars, and its own separators;
  # fuzz_verify's is JSON
  case $t in
    validate) cat tests/fuzz/{validate,schema,csv}.dict >"$dir/dict" ;;
    verify) cat tests/fuzz/{verify,schema}.dict >"$dir/dict" ;;
    export) cat tests/fuzz/{export,csv}.dict >"$dir/dict" ;;
    *) cp tests/fuzz/"$t".dict "$dir/dict" ;;
  esac
  seeds=$(find "$dir/corpus" -type f | wc -l)
  echo "== fuzz_$t: $seconds s on $seeds seeds (log: $dir/fuzz.log)"
  (cd "$dir" && "$top/build-fuzz/tests/fuzz/fuzz_$t" corpus \
     -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -detect_leaks=1 \
     -dict=dict -artifact_prefix="$dir/artifacts/" \
     -print_final_stats=1 >fuzz.log 2>&1)
  rc=$?
  log=$dir/fuzz.log
  last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
  execs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$')
  rate=$(grep -Eo 'stat::average_exec_per_sec: *[0-9]+' "$log" | grep -Eo '[0-9]+$')
  cov=$(grep -Eo 'cov: [0-9]+' <<<"$last" | grep -Eo '[0-9]+')
  ft=$(grep -Eo 'ft: [0-9]+' <<<"$last" | grep -Eo '[0-9]+')
  corp=$(grep -Eo 'corp: [0-9]+/[0-9]+[a-zA-Z]*' <<<"$last" | cut -d' ' -f2)
  result=PASS
  artifacts=$(find "$dir/artifacts" -type f | sort)
  if ((rc != 0)) || [[ -n $artifacts ]]; then
    result=FAIL failed=1
    grep -E '^==[0-9]+==ERROR|runtime error|broken promise|Test unit written' "$log" | head -n 5
    for a in $artifacts; do echo "   kept: $a"; done
  fi
  rows+=("$(printf '%-14s %7s %11s %8s %6s %7s %14s  %s' "fuzz_$t" "$seconds" "${execs:-?}" \
            "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$result")")
done
echo
printf '%-14s %7s %11s %8s %6s %7s %14s  %s\n' target seconds executions exec/s cov ft corpus result
printf '%s\n' "${rows[@]}"
((failed == 0))
