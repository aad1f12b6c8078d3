#!/usr/bin/env bash
# The call's set-up times (20 direct, 20 relayed) and the server's load during a call, in two
# Chromium processes on loopback (in the same network namespace as the journeys). Run after
# `cargo leptos build --release`; prints the figures for BENCHMARKS.md.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
server="$CARGO_TARGET_DIR/release/server"
[ -x "$server" ] || die "no release build: run cargo leptos build --release first"
ensure_npm_packages
in_loopback_namespace env SERVER_BIN="$server" sh -c 'cd end2end && npx playwright test --config bench.config.ts'
