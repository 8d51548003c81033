#!/usr/bin/env bash
# bench/pack.sh - measure `kpix pack` building a board pack of 200 indicators
# x 8 quarters x 5 breakdowns beside a bare libxlsxwriter program writing the
# same workbook, check that the workbooks are the same, and print a table.
# See bench/README.md.
set -euo pipefail

usage() {
	cat <<'EOF'
usage: bench/pack.sh [options]

  --runs N      runs of each program, best time kept (default 5)
  --kpix PATH   the kpix binary to measure (default: build kpix from this
                repository with CMAKE_BUILD_TYPE=Release into
                bench/.work/kpix-release)
  --trace-kpix PATH
                a kpix built with -DKPIX_XLSX_TRACE=ON, run once (untimed)
                to record the libxlsxwriter calls the bare program replays
                (default: build one from this repository into
                bench/.work/kpix-trace)
  --timeout S   kill one run after S seconds (default 300)
  --check       exit 1 unless kpix was measured and passed the target
                (at most 1.5x the bare program's time, the same workbook)
  -h, --help    this text

Environment: KPIX_BENCH_WORK (scratch directory, default bench/.work).
EOF
}

bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=bench/common.sh
. "$bench_dir/common.sh"
repo=$(dirname "$bench_dir")
work=${KPIX_BENCH_WORK:-$bench_dir/.work}

runs=5 kpix='' trace_kpix='' check=0 timeout=300

while [ $# -gt 0 ]; do
	case $1 in
	--runs | --kpix | --trace-kpix | --timeout)
		[ $# -ge 2 ] || die "$1 needs a value"
		case $1 in
		--runs) number "$1" "$2"; runs=$2 ;;
		--timeout) number "$1" "$2"; timeout=$2 ;;
		--kpix) kpix=$2 ;;
		--trace-kpix) trace_kpix=$2 ;;
		esac
		shift 2
		;;
	--check) check=1; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; die "unknown option '$1'" ;;
	esac
done

# ------------------------------------------------------------ dependencies

# The runner needs only the standard library; /usr/bin/python3 as in
# export.sh, whose workbook comparison it shares.
py=/usr/bin/python3
[ -x "$py" ] || apt_install python3
command -v gcc >/dev/null || apt_install gcc libc6-dev
if ! echo '#include <xlsxwriter.h>' | gcc -E -x c - >/dev/null 2>&1; then
	apt_install libxlsxwriter-dev
fi

# ------------------------------------------------------------------ builds
mkdir -p "$work/bin"
build "$work/bin/measure" "$bench_dir/measure.c"
build "$work/bin/replay" "$bench_dir/replay.c" -lxlsxwriter

# kpix_build DIR [CMAKE ARGS...]: a Release build of this tree of its own,
# so that whatever build/ holds (a Debug build, a sanitizer build) does not
# decide the figures.
kpix_build() {
	local dir=$1
	shift
	command -v cmake >/dev/null || die "missing cmake: run tools/deps.sh, or pass --kpix and --trace-kpix"
	echo "bench: building kpix (Release${1:+, $*}) in $dir" >&2
	cmake -S "$repo" -B "$dir" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF "$@" >"$dir.log" 2>&1 ||
		die "cannot configure kpix: see $dir.log (tools/deps.sh installs what it needs)"
	cmake --build "$dir" -j"$(nproc)" --target kpix-cli >>"$dir.log" 2>&1 ||
		die "cannot build kpix: see $dir.log"
}

if [ -z "$kpix" ]; then
	kpix_build "$work/kpix-release" -DKPIX_XLSX_TRACE=OFF
	kpix=$work/kpix-release/kpix
fi
case $kpix in /*) ;; *) kpix=$PWD/$kpix ;; esac
[ -x "$kpix" ] || die "no kpix executable at $kpix"

# The trace build: the same source with every libxlsxwriter call written
# down, run once before the timed runs; the kpix measured has no trace.
if [ -z "$trace_kpix" ]; then
	kpix_build "$work/kpix-trace" -DKPIX_XLSX_TRACE=ON
	trace_kpix=$work/kpix-trace/kpix
fi
case $trace_kpix in /*) ;; *) trace_kpix=$PWD/$trace_kpix ;; esac
[ -x "$trace_kpix" ] || die "no kpix executable at $trace_kpix"

check_args=()
[ "$check" = 1 ] && check_args=(--check)

exec "$py" "$bench_dir/pack.py" --work "$work" --measure "$work/bin/measure" \
	--bare "$work/bin/replay" --kpix "$kpix" --trace-kpix "$trace_kpix" --runs "$runs" \
	--timeout "$timeout" \
	"${check_args[@]}"
