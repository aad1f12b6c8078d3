#!/usr/bin/env bash
# Prints the size of each release browser bundle's wasm and module (raw, gzip -9, brotli -q 11)
# and fails when a bundle's wasm + JavaScript (brotli) is above its budget:
#   WASM_BUDGET_PATIENT  the patient's room and the landing page (issue 24: ≤ 200 KB)
#   WASM_BUDGET_PRACTICE the practice area (live waiting room, call page, consent crypto)
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
for bundle in "${BUNDLES[@]}" "${MODULES[@]}"; do
  total=0
  for ext in wasm js; do
    file="$pkg/sprechzimmer-$bundle.$ext"
    [ -f "$file" ] || { echo "no browser bundle at $file (scripts/build.sh or the test command builds it)" >&2; exit 1; }
    raw=$(stat -c %s "$file")
    gz=$(gzip -9 -c "$file" | wc -c)
    br=$(brotli -q 11 -c "$file" | wc -c)
    total=$((total + br))
    printf '%-9s %-4s raw %8d B, gzip %7d B, brotli %7d B\n' "$bundle" "$ext" "$raw" "$gz" "$br"
    table+=$'\n'"| $bundle | .$ext | $raw | $gz | $br |"
  done
  var="WASM_BUDGET_${bundle^^}"
  budget=${!var:-}
  printf '%-9s wasm + js brotli %d B%s\n' "$bundle" "$total" "${budget:+ (budget $budget B)}"
  table+=$'\n'"| $bundle | **wasm + js** | | | **$total** |"
  if [ -n "$budget" ] && [ "$total" -gt "$budget" ]; then
    echo "the $bundle bundle ($total B brotli) is above its budget of $budget B" >&2
    failed=1
  fi
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
