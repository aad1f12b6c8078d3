#!/usr/bin/env bash
# Issue 22 (auth) benchmarks against a release server on a fresh SQLite database:
#   bash scripts/bench-auth.sh memory [server-binary]  — RSS before, at the peak, right after and
#     one minute after 1,000 demo logins from 16 clients; run once with glibc's defaults
#     (GLIBC_TUNABLES emptied, what the server did before) and once as shipped (the server sets
#     M_MMAP_THRESHOLD and M_ARENA_MAX itself, server/src/memory.rs; for a binary built before
#     that, the same values are given as GLIBC_TUNABLES).
#   bash scripts/bench-auth.sh flood [server-binary]   — login p50/p99 of two clients alone and
#     during a flood of 32 registering clients.
# The load program is server/examples/auth_load.rs (built here in the dev profile: it is only
# the client).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
mode=${1:?memory or flood}
server=${2:-$CARGO_TARGET_DIR/release/server}
[ -x "$server" ] || die "no release server at $server (cargo build --release -p server)"
cargo build --locked -p server --example auth_load
load="$CARGO_TARGET_DIR/debug/examples/auth_load"

port=$(free_port); data=$(mktemp -d); pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$data"' EXIT
start_server() { # extra environment assignments as arguments
  rm -rf "$data"/bench.db*
  env "$@" APP_ICE__TURN_PORT=0 LEPTOS_SITE_ADDR="127.0.0.1:$port" DATABASE_URL="sqlite://$data/bench.db" \
    APP_EMAIL__OUTBOX_DIR="$data/outbox" APP_APPLICATION__BASE_URL="http://127.0.0.1:$port" \
    RUST_LOG=warn "$server" &
  pid=$!
  for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/health/ready" && break; sleep 0.1; done
}
stop_server() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }

case "$mode" in
  memory)
    echo "== glibc defaults (before)"
    start_server GLIBC_TUNABLES=
    "$load" "http://127.0.0.1:$port" "$pid" logins 1000 16
    stop_server
    echo "== as shipped: mmap threshold 1 MiB, 4 arenas (after)"
    start_server GLIBC_TUNABLES=glibc.malloc.mmap_threshold=1048576:glibc.malloc.arena_max=4
    "$load" "http://127.0.0.1:$port" "$pid" logins 1000 16
    stop_server
    ;;
  flood)
    start_server APP_SECURITY__REGISTRATIONS_PER_ADDRESS_PER_HOUR=1000000
    "$load" "http://127.0.0.1:$port" "$pid" flood 15
    stop_server
    ;;
  *) die "memory or flood" ;;
esac
