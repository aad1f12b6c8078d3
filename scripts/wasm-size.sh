#!/usr/bin/env bash
# Prints the size of the release wasm (raw, gzip -9, brotli -q 11) and fails above the budget
# given as first argument (brotli bytes). Run after `cargo leptos build --release`.
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
