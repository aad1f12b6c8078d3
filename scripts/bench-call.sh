#!/usr/bin/env bash
# The call's set-up times (20 direct, 20 relayed) and the server's load during a call, in two
# Chromium processes on loopback (in the same network namespace as the journeys); a group
# consultation of 2 to 6 participants, each in a Chromium of its own (CPU and upstream per
# participant, end2end/bench/group-call.bench.ts); then native peers. Run after
# `bash scripts/build.sh`; prints the figures for BENCHMARKS.md.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
server="$CARGO_TARGET_DIR/release/server"
# The release server of this checkout (the test command no longer builds it; a no-op when fresh).
cargo build --release --locked -p server --bin server
[ -x "$server" ] || die "no release build: run bash scripts/build.sh first"
ensure_npm_packages
# BENCH_BROWSER=0 skips the browser part; BENCH_BROWSER_GREP picks its tests (e.g. "group of").
if [ "${BENCH_BROWSER:-1}" != 0 ]; then
  in_loopback_namespace env SERVER_BIN="$server" sh -c "cd end2end && npx playwright test --config bench.config.ts ${BENCH_BROWSER_GREP:+--grep '$BENCH_BROWSER_GREP'}"
fi

# Calls between native WebRTC peers (webrtc-rs, server/examples/call_load.rs): one call, then
# twenty at once, then five group calls of four, with the server's CPU and memory with every
# call up, media direct and then through the TURN relay.
cargo build --release --example call_load --locked
# Group consultations (issue 25): five calls of four at once (each page one native peer per
# other page). The load program invites the guests in the database with codes hashed under the
# server's key, so both get the same one.
export APP_SECURITY__CODE_SECRET=${APP_SECURITY__CODE_SECRET:-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')}
# "calls x participants" runs: BENCH_CALL_RUNS="1x2 20x2 5x4" by default.
for run in ${BENCH_CALL_RUNS:-1x2 20x2 5x4}; do
calls=${run%x*}; participants=${run#*x}
for mode in direct relay; do
  port=$(free_port); data=$(mktemp -d)
  # One login opens all twenty call pages from one address: the socket caps are lifted.
  APP_SIGNALLING__SOCKETS_PER_LOGIN=100 APP_SIGNALLING__SOCKETS_PER_ADDRESS=1000 \
  APP_ICE__TURN_PORT=0 LEPTOS_SITE_ADDR="127.0.0.1:$port" DATABASE_URL="sqlite://$data/calls.db" \
    APP_EMAIL__OUTBOX_DIR="$data/outbox" APP_APPLICATION__BASE_URL="http://127.0.0.1:$port" \
    APP_ENVIRONMENT=local RUST_LOG=warn,server::assets=info "$server" >"$data/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/health/ready" && break; sleep 0.1; done
  # A site without the build's compressed forms makes the server compress the browser code
  # after its start (brotli -q 11, ~3 s of one core): the calls are measured after that.
  for _ in $(seq 1 600); do grep -q "browser code compressed" "$data/server.log" && break; sleep 0.1; done
  echo "== $calls concurrent calls of $participants, $mode"
  "$CARGO_TARGET_DIR/release/examples/call_load" "http://127.0.0.1:$port" "sqlite://$data/calls.db" "$pid" "$calls" "$mode" "$participants" || rc=$?
  kill "$pid"; wait "$pid" 2>/dev/null || true
  [ "${rc:-0}" = 0 ] || { tail -20 "$data/server.log"; rm -rf "$data"; die "call_load ($calls, $mode) failed"; }
  rm -rf "$data"
done
done
