#!/usr/bin/env bash
# Installs what kpix needs to build and test on Debian 12, as root. Does
# nothing when everything is already there, so it is cheap to call first.
set -euo pipefail

# python3-openpyxl: the tests read every workbook kpix writes with a reader
# nobody here wrote. It belongs to /usr/bin/python3, so tests call that.
# locales: a golden export runs under LC_ALL=de_DE.UTF-8 (a decimal comma)
# to show that the bytes kpix writes do not depend on the locale.
# valgrind: tools/memcheck.sh runs the tests under valgrind memcheck.
# chromium: tests/browser/ loads the HTML pages kpix writes in a real browser
# (headless) and checks what it shows.
# libminizip-dev, libexpat1-dev: reading .xlsx workbooks (the zip archive and
# its XML); Debian's libxlsxwriter already links the minizip library.
# libcairo2-dev, libpango1.0-dev: kpix pack --pdf draws the board report
# with cairo and lays out its text with pango (src/pack/render_pdf.c).
# fonts-liberation2: the report's font, Liberation Sans (SIL Open Font
# Licence), embedded in every PDF; a report made with another font file
# differs in its bytes, so kpix verify needs the same one.
# poppler-utils: tests/pdf/ reads the report with pdftotext, pdffonts and
# pdfinfo, and bench/ renders pages with pdftoppm.
packages=(build-essential cmake pkg-config libcsv-dev libxlsxwriter-dev libjansson-dev
          libcmocka-dev libpcre2-dev nettle-dev zlib1g-dev libminizip-dev libexpat1-dev python3
          python3-openpyxl locales valgrind chromium libcairo2-dev libpango1.0-dev
          fonts-liberation2 poppler-utils)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "kpix: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if ! locale -a 2>/dev/null | grep -qix 'de_DE.utf8'; then
  echo "kpix: generating the de_DE.UTF-8 locale for the tests" >&2
  localedef -i de_DE -f UTF-8 de_DE.UTF-8
fi
