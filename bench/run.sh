#!/usr/bin/env bash
# bench/run.sh - measure kpix's validation speed and peak memory beside a bare
# libcsv parse and the JavaScript Table Schema reference, and print a table.
# See bench/README.md.
set -euo pipefail

usage() {
	cat <<'EOF'
usage: bench/run.sh [options]

  --rows N      data rows in each generated file (default 1000000)
  --js-rows N   rows the JavaScript peer reads: the first N of each file
                (default 100000; it is much slower; its rate is compared)
  --runs N      runs of libcsv and kpix, best time kept (default 3)
  --js-runs N   runs of the JavaScript peer (default 1)
  --kpix PATH   the kpix binary (default: build/kpix in the repository)
  --quick       100000 rows, 1 run (explicit --rows/--runs still win)
  --no-js       do not measure the JavaScript peer
  --timeout S   kill one run after S seconds (default 900)
  --check       exit 1 unless kpix was measured and every target passed
  --workbook    then run bench/workbook.sh (the same workbook read by kpix,
                openpyxl and xlsx2csv + kpix) with the same --rows, --runs,
                --kpix, --timeout and --check, its table after this one
  --pdf [ARGS]  instead, the PDF board report benchmark: bench/pdf.sh ARGS
  -h, --help    this text

Environment: KPIX_SHARED (default: ../shared beside the repository),
KPIX_BENCH_WORK (scratch directory, default bench/.work).
EOF
}

bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=bench/common.sh
. "$bench_dir/common.sh"
repo=$(dirname "$bench_dir")
work=${KPIX_BENCH_WORK:-$bench_dir/.work}
shared=${KPIX_SHARED:-$repo/../shared}

rows='' js_rows='' runs='' js_runs='' kpix=$repo/build/kpix quick=0 no_js=0 check=0 timeout=900
workbook=0

while [ $# -gt 0 ]; do
	case $1 in
	--rows | --js-rows | --runs | --js-runs | --kpix | --timeout)
		[ $# -ge 2 ] || die "$1 needs a value"
		case $1 in
		--rows) number "$1" "$2"; rows=$2 ;;
		--js-rows) number "$1" "$2"; js_rows=$2 ;;
		--runs) number "$1" "$2"; runs=$2 ;;
		--js-runs) number "$1" "$2"; js_runs=$2 ;;
		--timeout) number "$1" "$2"; timeout=$2 ;;
		--kpix) kpix=$2 ;;
		esac
		shift 2
		;;
	--quick) quick=1; shift ;;
	--no-js) no_js=1; shift ;;
	--check) check=1; shift ;;
	--workbook) workbook=1; shift ;;
	--pdf) shift; exec bash "$bench_dir/pdf.sh" "$@" ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; die "unknown option '$1'" ;;
	esac
done

if [ "$quick" = 1 ]; then
	rows=${rows:-100000}
	runs=${runs:-1}
fi
rows=${rows:-1000000}
js_rows=${js_rows:-100000}
runs=${runs:-3}
js_runs=${js_runs:-1}
case $kpix in /*) ;; *) kpix=$PWD/$kpix ;; esac

# ------------------------------------------------------------ dependencies

py=$(command -v python3 || true)
if [ -z "$py" ] && [ -x /usr/bin/python3 ]; then
	py=/usr/bin/python3
fi
if [ -z "$py" ]; then
	apt_install python3
	py=/usr/bin/python3
fi
command -v gcc >/dev/null || apt_install gcc libc6-dev
if ! echo '#include <csv.h>' | gcc -E -x c - >/dev/null 2>&1; then
	apt_install libcsv-dev
fi

peers=$shared/peers
if [ ! -f "$peers/gen-bench.py" ] || [ ! -f "$peers/bench-schema.json" ]; then
	die "cannot find $peers/gen-bench.py and bench-schema.json: the bench needs the shared/
folder beside the repository (../shared); set KPIX_SHARED=DIR if it is elsewhere"
fi
peers=$(cd "$peers" && pwd)

# ------------------------------------------------------------------ builds
mkdir -p "$work/bin"
build "$work/bin/csvcount" "$bench_dir/csvcount.c" -lcsv
build "$work/bin/measure" "$bench_dir/measure.c"

# ------------------------------------------------------ the JavaScript peer
js_args=()
peer=$work/peer
if [ "$no_js" = 1 ]; then
	js_args=(--js-skip "--no-js given")
elif ! command -v node >/dev/null; then
	js_args=(--js-skip "node is not installed")
elif [ ! -f "$peers/ts-validate.js" ]; then
	js_args=(--js-skip "$peers/ts-validate.js is missing")
else
	mkdir -p "$peer"
	# A package.json of its own keeps npm from installing into a parent folder.
	[ -f "$peer/package.json" ] ||
		echo '{"name": "kpix-bench-peer", "private": true}' >"$peer/package.json"
	have=$(cd "$peer" && { node -p "require('tableschema/package.json').version" 2>/dev/null || true; })
	if [ "$have" != 1.12.6 ]; then
		if ! command -v npm >/dev/null; then
			js_args=(--js-skip "npm is not installed")
		else
			echo "bench: installing tableschema@1.12.6 into $peer" >&2
			if ! (cd "$peer" && timeout 600 npm install --no-audit --no-fund --loglevel=error \
				tableschema@1.12.6) >"$peer/npm.log" 2>&1; then
				js_args=(--js-skip "npm install tableschema@1.12.6 failed, see $peer/npm.log")
			fi
		fi
	fi
	if [ ${#js_args[@]} = 0 ]; then
		cmp -s "$peers/ts-validate.js" "$peer/ts-validate.js" ||
			cp "$peers/ts-validate.js" "$peer/ts-validate.js"
		js_args=(--js-dir "$peer" --node "$(command -v node)")
	fi
fi

check_args=()
[ "$check" = 1 ] && check_args=(--check)

csv_status=0
"$py" "$bench_dir/run.py" --work "$work" --peers "$peers" \
	--measure "$work/bin/measure" --csvcount "$work/bin/csvcount" --kpix "$kpix" \
	--rows "$rows" --js-rows "$js_rows" --runs "$runs" --js-runs "$js_runs" \
	--timeout "$timeout" "${js_args[@]}" "${check_args[@]}" || csv_status=$?
[ "$workbook" = 1 ] || exit "$csv_status"
echo
KPIX_BENCH_WORK=$work "$bench_dir/workbook.sh" --rows "$rows" --runs "$runs" --kpix "$kpix" \
	--timeout "$timeout" "${check_args[@]}" || exit $?
exit "$csv_status"
