#!/usr/bin/env bash
# Issue 22, STUN/TURN: 1,000,000 unauthenticated Allocate requests against the embedded TURN
# service of the real server binary, and its RSS one minute later (server/examples/turn_flood.rs).
# `bash scripts/bench-turn.sh [requests]` (default 1000000); PROFILE=debug uses the debug build.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
requests="${1:-1000000}"
profile="${PROFILE:-release}"
flag=(); [ "$profile" = release ] && flag=(--release)
cargo build "${flag[@]}" -p server --bin server --example turn_flood --locked
server="$CARGO_TARGET_DIR/$profile/server"
port=$(free_port); turn_port=$(free_port); data=$(mktemp -d)
APP_ICE__TURN_PORT="$turn_port" LEPTOS_SITE_ADDR="127.0.0.1:$port" DATABASE_URL="sqlite://$data/turn.db" \
  APP_EMAIL__OUTBOX_DIR="$data/outbox" APP_APPLICATION__BASE_URL="http://127.0.0.1:$port" \
  APP_ENVIRONMENT=local RUST_LOG=warn "$server" &
pid=$!
for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/health/ready" && break; sleep 0.1; done
sleep 2
"$CARGO_TARGET_DIR/$profile/examples/turn_flood" "127.0.0.1:$turn_port" "$requests" "$pid" || rc=$?
kill "$pid"; wait "$pid" 2>/dev/null || true; rm -rf "$data"
[ "${rc:-0}" = 0 ] || die "turn_flood failed"
