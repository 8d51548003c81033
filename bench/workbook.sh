#!/usr/bin/env bash
# bench/workbook.sh - measure `kpix validate` reading a 1,000,000-row x
# 10-column workbook written by libxlsxwriter, beside openpyxl's read-only
# mode iterating the same cells and beside xlsx2csv followed by kpix on its
# CSV, and print a table with the ratios. See bench/README.md.
set -euo pipefail

usage() {
	cat <<'EOF2'
usage: bench/workbook.sh [options]

  --rows N      data rows in the generated workbook (default 1000000)
  --runs N      runs of kpix, least CPU time kept (default 3; the peers run once)
  --kpix PATH   the kpix binary (default: build/kpix in the repository)
  --quick       100000 rows, 1 run (explicit --rows/--runs still win)
  --timeout S   kill one run after S seconds (default 1800)
  --check       exit 1 unless kpix was measured and every target passed
  -h, --help    this text

Environment: KPIX_BENCH_WORK (scratch directory, default bench/.work).
EOF2
}

bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=bench/common.sh
. "$bench_dir/common.sh"
repo=$(dirname "$bench_dir")
work=${KPIX_BENCH_WORK:-$bench_dir/.work}

rows='' runs='' kpix=$repo/build/kpix quick=0 check=0 timeout=1800

while [ $# -gt 0 ]; do
	case $1 in
	--rows | --runs | --kpix | --timeout)
		[ $# -ge 2 ] || die "$1 needs a value"
		case $1 in
		--rows) number "$1" "$2"; rows=$2 ;;
		--runs) number "$1" "$2"; runs=$2 ;;
		--timeout) number "$1" "$2"; timeout=$2 ;;
		--kpix) kpix=$2 ;;
		esac
		shift 2
		;;
	--quick) quick=1; shift ;;
	--check) check=1; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; die "unknown option '$1'" ;;
	esac
done

[ "$quick" = 0 ] || { rows=${rows:-100000} runs=${runs:-1}; }
rows=${rows:-1000000} runs=${runs:-3}
[[ $kpix == /* ]] || kpix=$PWD/$kpix

# ------------------------------------------------------------ dependencies

# Debian's python3-openpyxl is installed for /usr/bin/python3 only.
py=/usr/bin/python3
[ -x "$py" ] || apt_install python3
"$py" -c 'import openpyxl' 2>/dev/null || apt_install python3-openpyxl
command -v xlsx2csv >/dev/null || apt_install xlsx2csv
command -v gcc >/dev/null || apt_install gcc libc6-dev
if ! echo '#include <xlsxwriter.h>' | gcc -E -x c - >/dev/null 2>&1; then
	apt_install libxlsxwriter-dev
fi

# ------------------------------------------------------------------ builds
mkdir -p "$work/bin"
build "$work/bin/measure" "$bench_dir/measure.c"
build "$work/bin/gen-xlsx" "$bench_dir/gen-xlsx.c" -lxlsxwriter

check_args=()
[ "$check" = 1 ] && check_args=(--check)

exec "$py" "$bench_dir/workbook.py" --work "$work" --measure "$work/bin/measure" \
	--gen "$work/bin/gen-xlsx" --kpix "$kpix" --py "$py" --rows "$rows" --runs "$runs" \
	--timeout "$timeout" "${check_args[@]}"
