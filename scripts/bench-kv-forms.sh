#!/usr/bin/env bash
# KV-Antrag PDF timings and sizes (server/examples/kv_forms.rs, release build); prints the table
# for BENCHMARKS.md. A second argument writes all documents into that folder for review.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
cargo run --release --locked --example kv_forms -- "${1:-20}" ${2:+"$2"}
