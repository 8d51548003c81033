#!/usr/bin/env bash
# Renders each page of a workbook as a PNG, the way a board member sees it
# printed: LibreOffice (headless) prints it to PDF, pdftoppm cuts the pages.
#
#   bash tools/pack-pages.sh WORKBOOK.xlsx OUTDIR [DPI]
#
# Writes OUTDIR/NAME.pdf and OUTDIR/NAME-N.png (one per page). Needs the
# Debian packages libreoffice-calc and poppler-utils; run as root, it
# installs them when they are missing. They are not part of tools/deps.sh:
# this is for looking at a pack, not for building or testing kpix.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: bash tools/pack-pages.sh WORKBOOK.xlsx OUTDIR [DPI]" >&2; exit 2; }
book=$1 out=$2 dpi=${3:-80}
[ -f "$book" ] || { echo "pack-pages.sh: no workbook '$book'" >&2; exit 2; }
if ! command -v soffice >/dev/null || ! command -v pdftoppm >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    libreoffice-calc poppler-utils >/dev/null
fi
mkdir -p "$out"
name=$(basename "$book" .xlsx)
# a profile of its own, so that a LibreOffice already running does not take the job
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
soffice -env:UserInstallation="file://$profile" --headless --convert-to pdf --outdir "$out" \
  "$book" >/dev/null 2>&1
pdftoppm -r "$dpi" -png "$out/$name.pdf" "$out/$name"
echo "pack-pages.sh: $(ls "$out/$name"-*.png | wc -l) pages of $book in $out"
