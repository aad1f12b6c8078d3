#!/usr/bin/env bash
# Prints the size of each release browser bundle's and module's files (raw, gzip -9, brotli -q 11)
# and fails when what a page loads first of a bundle (wasm, JavaScript and the loader of its
# parts, brotli) is above its budget (the parts split off, loaded on use, are listed apart):
#   WASM_BUDGET_PATIENT  the patient's room and the landing page (issue 24: ≤ 200 KB)
#   WASM_BUDGET_PRACTICE the practice area (live waiting room, idle warning; the call page and the
#                        consent keys are parts loaded on use)
#   WASM_BUDGET_SEAL     the consent upload's sealing, loaded when a file is chosen
# An empty or unset budget only prints. With a file as argument, the table between
# `<!-- wasm-size:start -->` and `<!-- wasm-size:end -->` in it is rewritten (scripts/bench.sh
# does that for BENCHMARKS.md). Run after `bash scripts/build.sh`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The bundle names (BUNDLES) and the modules loaded on demand (MODULES) from the build's lists.
eval "$(grep -E '^(BUNDLES|MODULES)=' "$ROOT/scripts/lib.sh")"
pkg="$ROOT/target/site/pkg"
table="| Bundle | File | Raw | gzip -9 | brotli -q 11 |
|---|---|---|---|---|"
failed=0
# One row per file: $1 the bundle, $2 the file, $3 its label; adds its brotli size to `total`.
row() {
  local raw gz br
  raw=$(stat -c %s "$2")
  gz=$(gzip -9 -c "$2" | wc -c)
  br=$(brotli -q 11 -c "$2" | wc -c)
  total=$((total + br))
  printf '%-9s %-22s raw %8d B, gzip %7d B, brotli %7d B\n' "$1" "$3" "$raw" "$gz" "$br"
  table+=$'\n'"| $1 | $3 | $raw | $gz | $br |"
}
for bundle in "${BUNDLES[@]}" "${MODULES[@]}"; do
  total=0
  # What a page loads first: the wasm, its script and (a bundle cut at split points) the loader
  # of its parts, which the script imports.
  for ext in wasm js split.js; do
    file="$pkg/sprechzimmer-$bundle.$ext"
    if [ "$ext" = split.js ] && [ ! -f "$file" ]; then continue; fi
    [ -f "$file" ] || { echo "no browser bundle at $file (scripts/build.sh or the test command builds it)" >&2; exit 1; }
    row "$bundle" "$file" ".$ext"
  done
  var="WASM_BUDGET_${bundle^^}"
  budget=${!var:-}
  printf '%-9s first load (brotli) %d B%s\n' "$bundle" "$total" "${budget:+ (budget $budget B)}"
  table+=$'\n'"| $bundle | **first load** | | | **$total** |"
  if [ -n "$budget" ] && [ "$total" -gt "$budget" ]; then
    echo "the $bundle bundle ($total B brotli) is above its budget of $budget B" >&2
    failed=1
  fi
  # The parts, each loaded when its code is first needed (not part of the budget).
  for file in "$pkg/sprechzimmer-$bundle".split_*.wasm "$pkg/sprechzimmer-$bundle".chunk_*.wasm; do
    [ -f "$file" ] || continue
    total=0
    row "$bundle" "$file" "${file#"$pkg/sprechzimmer-$bundle"} (on use)"
  done
done
[ "$failed" = 0 ] || exit 1

file=${1:-}
if [ -n "$file" ]; then
  grep -q '<!-- wasm-size:start -->' "$file" || { echo "no wasm-size markers in $file" >&2; exit 1; }
  awk -v table="$table" '
    /<!-- wasm-size:start -->/ { print; print table; skip = 1; next }
    /<!-- wasm-size:end -->/ { skip = 0 }
    !skip { print }' "$file" > "$file.tmp" && mv "$file.tmp" "$file"
  echo "wrote the bundle sizes into $file"
fi
