#!/usr/bin/env bash
# Page latency of two release servers in one run, alternating A, B, A, B: each on a fresh
# SQLite database, `wrk -t2 -c16 -d10s --latency` per page (the pages of `scripts/bench.sh
# pages`). For before/after figures of a change:
#   git worktree add --detach ../before <rev>; build its server with its own CARGO_TARGET_DIR;
#   bash scripts/bench-pages-ab.sh <before>/release/server "$CARGO_TARGET_DIR/release/server"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
apt_install wrk
a=${1:?server binary A (before)}
b=${2:?server binary B (after)}
for label in A B A B; do
  server=$a; [ "$label" = B ] && server=$b
  port=$(free_port); data=$(mktemp -d)
  APP_ICE__TURN_PORT=0 LEPTOS_SITE_ADDR="127.0.0.1:$port" DATABASE_URL="sqlite://$data/bench.db" \
    APP_EMAIL__OUTBOX_DIR="$data/outbox" APP_APPLICATION__BASE_URL="http://127.0.0.1:$port" \
    RUST_LOG=warn "$server" >/dev/null &
  pid=$!
  for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/health/ready" && break; sleep 0.1; done
  for path in / /datenschutz /videosprechstunde /praxen/demo-praxis /praxen/demo-praxis/anleitung.pdf; do
    r=$(wrk -t2 -c16 -d10s --latency "http://127.0.0.1:$port$path")
    echo "$label $path $(echo "$r" | awk '/Requests\/sec/ {print $2}') req/s, p50 $(echo "$r" | awk '$1=="50%" {print $2}'), p99 $(echo "$r" | awk '$1=="99%" {print $2}')"
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true; rm -rf "$data"
done
