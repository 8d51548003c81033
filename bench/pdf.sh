#!/usr/bin/env bash
# bench/pdf.sh - the board report as a PDF (issue 16): `kpix pack --pdf` on the
# pack benchmark's 200 indicators x 8 quarters x 5 breakdowns, beside
# LibreOffice converting kpix's own workbook of the same pack to PDF
# (`soffice --headless --convert-to pdf`), side by side; prints a table with
# the ratio. Target: kpix at least 10x faster. See bench/README.md.
set -euo pipefail

usage() {
	cat <<'EOF2'
usage: bench/pdf.sh [options]

  --runs N      runs of each, best time kept (default 3)
  --kpix PATH   the kpix binary (default: build kpix in Release into
                bench/.work/kpix-release, as bench/pack.sh does)
  --check       exit 1 unless kpix's PDF was at least 10x faster
  -h, --help    this text

Environment: KPIX_BENCH_WORK (scratch directory, default bench/.work).
EOF2
}

bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=bench/common.sh
. "$bench_dir/common.sh"
repo=$(dirname "$bench_dir")
work=${KPIX_BENCH_WORK:-$bench_dir/.work}
runs=3 kpix='' check=0
while [ $# -gt 0 ]; do
	case $1 in
	--runs) [ $# -ge 2 ] || die "$1 needs a value"; number "$1" "$2"; runs=$2; shift 2 ;;
	--kpix) [ $# -ge 2 ] || die "$1 needs a value"; kpix=$2; shift 2 ;;
	--check) check=1; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; die "unknown option '$1'" ;;
	esac
done
command -v soffice >/dev/null || die "missing soffice: apt-get install libreoffice-calc (not needed to build kpix)"
mkdir -p "$work"
if [ -z "$kpix" ]; then
	dir=$work/kpix-release
	cmake -S "$repo" -B "$dir" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >"$dir.log" 2>&1 ||
		die "cmake failed: see $dir.log"
	cmake --build "$dir" -j2 --target kpix-cli >>"$dir.log" 2>&1 || die "build failed: see $dir.log"
	kpix=$dir/kpix
fi
in=$work/pdf-inputs
/usr/bin/python3 "$bench_dir/gen-pack-inputs.py" "$in" >/dev/null

calc() { /usr/bin/python3 -c "print($1)"; }

# "WALL CPU": the best wall-clock seconds and the best CPU seconds (user and
# system, the command and its children) of $runs runs of the command. The
# CPU time is the fairer measure on a machine shared with other work.
best() {
	local b_wall='' b_cpu='' out
	for _ in $(seq "$runs"); do
		out=$(/usr/bin/python3 -c '
import resource, subprocess, sys, time
t = time.monotonic()
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
w = time.monotonic() - t
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.3f %.3f %d" % (w, u.ru_utime + u.ru_stime, r.returncode))' bash -c "$*")
		read -r w c rc <<<"$out"
		[ "$rc" = 0 ] || die "failed: $*"
		if [ -z "$b_wall" ] || [ "$(calc "int($w < $b_wall)")" = 1 ]; then b_wall=$w; fi
		if [ -z "$b_cpu" ] || [ "$(calc "int($c < $b_cpu)")" = 1 ]; then b_cpu=$c; fi
	done
	echo "$b_wall $b_cpu"
}

export kpix in work
kpix_pdf() {
	rm -rf "$work/pdf-kpix"
	"$kpix" pack "$in/history.csv" --pack "$in/bench-board.json" --period "2025-26 Q2" \
		--out "$work/pdf-kpix" --pdf -q
}
kpix_xlsx() {
	rm -rf "$work/pdf-xlsx"
	"$kpix" pack "$in/history.csv" --pack "$in/bench-board.json" --period "2025-26 Q2" \
		--out "$work/pdf-xlsx" -q
}
soffice_pdf() {
	rm -rf "$work/pdf-soffice"
	# its own profile, so that no running LibreOffice or earlier state is used
	soffice -env:UserInstallation="file://$work/pdf-soffice-profile" --headless \
		--convert-to pdf --outdir "$work/pdf-soffice" "$work/pdf-xlsx/bench-board-2025-26-Q2.xlsx"
}

export -f kpix_pdf kpix_xlsx soffice_pdf
read -r w_xlsx c_xlsx <<<"$(best kpix_xlsx)"
read -r w_kpix c_kpix <<<"$(best kpix_pdf)"
read -r w_soffice c_soffice <<<"$(best soffice_pdf)"
pages() { pdfinfo "$1" | awk '/^Pages:/ {print $2}'; }
p_kpix=$(pages "$work/pdf-kpix/bench-board-2025-26-Q2.pdf")
p_soffice=$(pages "$work/pdf-soffice/bench-board-2025-26-Q2.pdf")
r_wall=$(calc "round($w_soffice / $w_kpix, 1)")
r_cpu=$(calc "round($c_soffice / $c_kpix, 1)")

printf '| %-56s | %8s | %8s | %5s |\n' "200 indicators x 8 quarters x 5 breakdowns to PDF" "wall s" "CPU s" "pages"
printf '|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..58})" "----------" "----------" "-------"
printf '| %-56s | %8.2f | %8.2f | %5s |\n' "kpix pack --pdf (workbook, CSV and PDF)" "$w_kpix" "$c_kpix" "$p_kpix"
printf '| %-56s | %8.2f | %8.2f | %5s |\n' "kpix pack (workbook and CSV only), for reference" "$w_xlsx" "$c_xlsx" ""
printf '| %-56s | %8.2f | %8.2f | %5s |\n' "soffice --convert-to pdf of kpix's workbook" "$w_soffice" "$c_soffice" "$p_soffice"
printf '| %-56s | %7sx | %7sx | %5s |\n' "LibreOffice / kpix (target: at least 10x)" "$r_wall" "$r_cpu" ""
printf '\nbest of %s runs each; machine load: %s\n' "$runs" "$(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$check" = 1 ] && [ "$(calc "int($r_wall < 10)")" = 1 ]; then
	die "kpix's PDF is not 10x faster than LibreOffice's conversion (wall clock)"
fi
