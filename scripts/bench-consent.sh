#!/usr/bin/env bash
# Consent crypto and PDF timings (server/examples/consent_crypto.rs, native release build of the
# code the browsers run); prints the table for BENCHMARKS.md.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
cargo run --release --locked --example consent_crypto -- "${1:-20}"
