#!/usr/bin/env bash
# Prints the size of the release wasm (raw, gzip -9, brotli -q 11) and fails above the budget
# given as first argument (brotli bytes). With a file as second argument, the table between
# `<!-- wasm-size:start -->` and `<!-- wasm-size:end -->` in it is rewritten (scripts/bench.sh
# does that for BENCHMARKS.md). Run after `cargo leptos build --release`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
wasm="$ROOT/target/site/pkg/sprechzimmer.wasm"
[ -f "$wasm" ] || { echo "no release wasm at $wasm" >&2; exit 1; }
raw=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
br=$(brotli -q 11 -c "$wasm" | wc -c)
awk -v r="$raw" -v g="$gz" -v b="$br" 'BEGIN { printf "wasm size: raw %d B (%.0f KiB), gzip %d B (%.0f KiB), brotli %d B (%.0f KiB)\n", r, r/1024, g, g/1024, b, b/1024 }'
budget=${1:-}
if [ -n "$budget" ] && [ "$br" -gt "$budget" ]; then
  echo "wasm brotli size $br B is above the budget of $budget B" >&2; exit 1
fi

file=${2:-}
if [ -n "$file" ]; then
  grep -q '<!-- wasm-size:start -->' "$file" || { echo "no wasm-size markers in $file" >&2; exit 1; }
  table=$(awk -v r="$raw" -v g="$gz" -v b="$br" 'BEGIN {
    print "| | Bytes | KiB |"; print "|---|---|---|";
    printf "| raw (after wasm-opt) | %d | %.0f |\n", r, r/1024;
    printf "| gzip -9 | %d | %.0f |\n", g, g/1024;
    printf "| brotli -q 11 | %d | %.0f |\n", b, b/1024 }')
  awk -v table="$table" '
    /<!-- wasm-size:start -->/ { print; print table; skip = 1; next }
    /<!-- wasm-size:end -->/ { skip = 0 }
    !skip { print }' "$file" > "$file.tmp" && mv "$file.tmp" "$file"
  echo "wrote the wasm sizes into $file"
fi
