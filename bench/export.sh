#!/usr/bin/env bash
# bench/export.sh - measure `kpix export` writing a 1,000,000-row XLSX return
# beside a bare libxlsxwriter program and Python's XlsxWriter writing the
# same cells, check that the workbooks are the same, and print a table.
# See bench/README.md.
set -euo pipefail

usage() {
	cat <<'EOF'
usage: bench/export.sh [options]

  --rows N      data rows in the generated return (default 1000000)
  --runs N      runs of kpix and the bare program, best time kept (default 3)
  --py-rows N   rows the Python peer writes: a return of the first N rows
                (default 250000; it is slower; its time per row is compared)
  --py-runs N   runs of the Python peer (default 1)
  --no-py       do not run the Python peer
  --kpix PATH   the kpix binary (default: build/kpix in the repository)
  --quick       100000 rows, 1 run (explicit --rows/--runs still win)
  --timeout S   kill one run after S seconds (default 900)
  --check       exit 1 unless kpix was measured and every target passed
  -h, --help    this text

Environment: KPIX_BENCH_WORK (scratch directory, default bench/.work).
EOF
}

bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=bench/common.sh
. "$bench_dir/common.sh"
repo=$(dirname "$bench_dir")
work=${KPIX_BENCH_WORK:-$bench_dir/.work}

rows='' runs='' py_rows=250000 py_runs=1 kpix=$repo/build/kpix quick=0 no_py=0 check=0 timeout=900

while [ $# -gt 0 ]; do
	case $1 in
	--rows | --runs | --py-rows | --py-runs | --kpix | --timeout)
		[ $# -ge 2 ] || die "$1 needs a value"
		case $1 in
		--rows) number "$1" "$2"; rows=$2 ;;
		--runs) number "$1" "$2"; runs=$2 ;;
		--py-rows) number "$1" "$2"; py_rows=$2 ;;
		--py-runs) number "$1" "$2"; py_runs=$2 ;;
		--timeout) number "$1" "$2"; timeout=$2 ;;
		--kpix) kpix=$2 ;;
		esac
		shift 2
		;;
	--quick) quick=1; shift ;;
	--no-py) no_py=1; shift ;;
	--check) check=1; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; die "unknown option '$1'" ;;
	esac
done

if [ "$quick" = 1 ]; then
	rows=${rows:-100000}
	runs=${runs:-1}
fi
rows=${rows:-1000000}
runs=${runs:-3}
case $kpix in /*) ;; *) kpix=$PWD/$kpix ;; esac

# ------------------------------------------------------------ dependencies

# Debian's python3-xlsxwriter is installed for /usr/bin/python3 only; the
# runner itself needs only the standard library, so it uses the same one.
py=/usr/bin/python3
[ -x "$py" ] || apt_install python3
command -v gcc >/dev/null || apt_install gcc libc6-dev
if ! echo '#include <xlsxwriter.h>' | gcc -E -x c - >/dev/null 2>&1; then
	apt_install libxlsxwriter-dev
fi
py_args=()
if [ "$no_py" = 1 ]; then
	py_args=(--py-skip "--no-py given")
else
	"$py" -c 'import xlsxwriter' 2>/dev/null || apt_install python3-xlsxwriter
	py_args=(--py "$py" --py-rows "$py_rows" --py-runs "$py_runs")
fi

# ------------------------------------------------------------------ builds
mkdir -p "$work/bin"
build "$work/bin/measure" "$bench_dir/measure.c"
build "$work/bin/cellbare" "$bench_dir/cellbare.c" -lxlsxwriter

check_args=()
[ "$check" = 1 ] && check_args=(--check)

exec "$py" "$bench_dir/export.py" --work "$work" --measure "$work/bin/measure" \
	--bare "$work/bin/cellbare" --kpix "$kpix" --rows "$rows" --runs "$runs" \
	--timeout "$timeout" "${py_args[@]}" "${check_args[@]}"
