#!/bin/sh
# check-layers.sh LAYER OBJECT... -- LAYER OBJECT... -- ...
# The library's layers from the bottom up, each with its object files (the
# build runs this after linking libkpix.a; src/README.md says why). Fails,
# naming the caller and the function, when an object calls a kpix_ function
# that only a layer above its own defines: a lower layer may use the layers
# below it and never one above.
set -eu
nm=${NM:-nm}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/below"   # kpix_ functions defined by the layers checked so far
status=0
while [ $# -gt 0 ]; do
  layer=$1; shift
  : >"$tmp/objects"
  while [ $# -gt 0 ] && [ "$1" != -- ]; do
    printf '%s\n' "$1" >>"$tmp/objects"; shift
  done
  [ $# -gt 0 ] && shift
  : >"$tmp/here"
  while read -r obj; do
    "$nm" -g --defined-only "$obj" | awk '$3 ~ /^kpix_/ { print $3 }' >>"$tmp/here"
  done <"$tmp/objects"
  sort -u "$tmp/here" "$tmp/below" -o "$tmp/allowed"
  while read -r obj; do
    "$nm" -u "$obj" | awk '$2 ~ /^kpix_/ { print $2 }' | sort -u >"$tmp/calls"
    comm -23 "$tmp/calls" "$tmp/allowed" | while read -r sym; do
      echo "check-layers: ${obj##*/} (layer $layer) calls $sym, which is defined in a layer above $layer" >&2
      echo x >>"$tmp/bad"
    done
  done <"$tmp/objects"
  cp "$tmp/allowed" "$tmp/below"
done
if [ -s "$tmp/bad" ] 2>/dev/null; then
  echo "check-layers: a layer of src/ calls one above it (see src/README.md)" >&2
  status=1
fi
exit $status
