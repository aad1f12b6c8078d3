#!/usr/bin/env bash
# Measures what BENCHMARKS.md reports: the release wasm size, the latency of server-rendered
# pages under load, the login throughput with argon2id (wrk, loopback), the waiting room with
# thousands of idle sockets and the patient page's time to interactive. Run after
# `bash scripts/build.sh`.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
apt_install wrk brotli
# SERVER_BIN: another build of the server to measure (an A/B against an earlier binary).
server="${SERVER_BIN:-$CARGO_TARGET_DIR/release/server}"
# The release server of this checkout (the test command no longer builds it; a no-op when fresh).
[ -n "${SERVER_BIN:-}" ] || cargo build --release --locked -p server --bin server
[ -x "$server" ] || die "no release build: run bash scripts/build.sh first"

# `bash scripts/bench.sh sockets` measures only the waiting room's sockets (at the end),
# `bash scripts/bench.sh week` only the calendar week with 200 appointments.
mode="${1:-all}"
[ "$mode" = sockets ] || [ "$mode" = week ] || scripts/wasm-size.sh BENCHMARKS.md

port=$(free_port); data=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null; rm -rf "$data"' EXIT
# Starts the release server on a fresh database in $data and waits until it is ready.
start_server() {
  rm -rf "$data"/bench.db*
  APP_ICE__TURN_PORT=0 LEPTOS_SITE_ADDR="127.0.0.1:$port" DATABASE_URL="sqlite://$data/bench.db" \
    APP_EMAIL__OUTBOX_DIR="$data/outbox" APP_APPLICATION__BASE_URL="http://127.0.0.1:$port" \
    RUST_LOG="${SERVER_LOG_FILTER:-warn}" "$server" >"$data/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/health/ready" && return 0; sleep 0.1; done
  tail -5 "$data/server.log" >&2
  die "the server did not get ready on port $port"
}
start_server
if [ "$mode" != sockets ]; then
if [ "$mode" != week ]; then

# The public practice page and the patient guide are the demo practice's.
for path in / /datenschutz /videosprechstunde /praxen/demo-praxis /praxen/demo-praxis/anleitung.pdf /health/ready; do
  echo "== GET $path (wrk -t2 -c16 -d10s)"
  wrk -t2 -c16 -d10s --latency "http://127.0.0.1:$port$path" | grep -E "Requests/sec|^ +(50|90|99)%|Non-2xx|Socket errors"
done
# `bash scripts/bench.sh pages` stops here.
[ "$mode" != pages ] || exit 0

# Logins: the demo owner logs in again and again; argon2id (m=19456 KiB, t=2, p=1) dominates.
for connections in 2 16; do
  echo "== POST /anmelden, demo login (wrk -t2 -c$connections -d15s)"
  wrk -t2 -c"$connections" -d15s --latency -s scripts/bench-login.lua "http://127.0.0.1:$port/anmelden" \
    | grep -E "Requests/sec|50%|90%|99%|Non-2xx|Socket errors|logins:"
done
fi

# Calendar: the week page with 200 appointments of the demo practice (next week, 10-minute
# slots from 08:00), rendered for a logged-in owner.
jar="$data/cookies"
curl -sf -c "$jar" -o /dev/null \
  -d 'email=demo%40sprechzimmer.test&password=Sprechstunde-am-Bildschirm' \
  "http://127.0.0.1:$port/anmelden" || true
# Next week in Berlin, where the practice is: in UTC, Sunday from 23:00 (22:00 in summer) is
# already Monday there, and "next Monday" would be today — its 200 appointments then also fill
# the live panel's list of today on every page.
monday=$(TZ=Europe/Berlin date -d 'next monday' +%F)
created=0
for day in 0 1 2 3 4 5 6; do
  date=$(date -d "$monday + $day days" +%F)
  for slot in $(seq 0 29); do
    [ "$created" -lt 200 ] || break 2
    time=$(printf '%02d:%02d' $((8 + slot / 6)) $((slot % 6 * 10)))
    code=$(curl -s -b "$jar" -o /dev/null -w '%{http_code}' \
      --data-urlencode "patient_name=Patientin $created" \
      --data-urlencode "patient_email=p$created@example.org" \
      -d "date=$date&time=$time&duration=10&action=create" \
      "http://127.0.0.1:$port/praxis/termine/neu")
    [ "$code" = 303 ] || die "creating appointment $created answered $code"
    created=$((created + 1))
  done
done
shown=$(curl -s -b "$jar" "http://127.0.0.1:$port/praxis/termine?datum=$monday" | grep -o '/praxis/termin/' | wc -l)
[ "$shown" = 200 ] || die "the week page shows $shown appointments, not 200"
cookie=$(awk '$6 == "sprechzimmer" { print $7 }' "$jar")
# wrk against the logged-in page, then the server's CPU time per answered request (user +
# system, from /proc: steadier than requests/s while wrk shares the two cores).
server_ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
# cpu_per_request <ticks before> <requests>: the server's CPU since then, per request.
cpu_per_request() {
  awk -v t="$(($(server_ticks) - $1))" -v n="$2" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "server CPU per request: %.0f µs\n", t / hz / n * 1e6 }'
}
week_wrk() {
  local before out
  before=$(server_ticks)
  out=$(wrk -t2 -c16 -d10s --latency -H "Cookie: sprechzimmer=$cookie" "$@")
  echo "$out" | grep -E "Requests/sec|^ +(50|90|99)%|Non-2xx|Socket errors"
  cpu_per_request "$before" "$(echo "$out" | awk '/requests in/ { print $1 }')"
}
echo "== GET /praxis/termine (200 appointments, logged in; wrk -t2 -c16 -d10s)"
week_wrk "http://127.0.0.1:$port/praxis/termine?datum=$monday"
# What a browser asks for: Chromium and Firefox accept brotli and gzip, so the page is
# compressed for them on the fly.
echo "== GET /praxis/termine (200 appointments, as a browser asks: Accept-Encoding br, gzip)"
# BENCH_PERF=<file>: a flat CPU profile of the server during this run (perf record).
if [ -n "${BENCH_PERF:-}" ]; then
  perf record -F 999 -g -o "$BENCH_PERF" -p "$pid" -- sleep 10 2>/dev/null &
  perf_pid=$!
fi
week_wrk -H "Accept-Encoding: gzip, deflate, br, zstd" "http://127.0.0.1:$port/praxis/termine?datum=$monday"
[ -z "${BENCH_PERF:-}" ] || wait "$perf_pid"
echo "== GET /praxis/termine (an empty week, logged in; wrk -t2 -c16 -d10s)"
week_wrk "http://127.0.0.1:$port/praxis/termine?datum=$(date -d "$monday + 28 days" +%F)"
echo "== GET /api/praxis/termine/woche (the week's data alone, 200 appointments)"
week_wrk "http://127.0.0.1:$port/api/praxis/termine/woche?date=$monday"
# One connection at a time: the server's CPU per page without contention, for each encoding
# a client may ask for (the figures that vary least between runs on a shared machine).
for coding in identity "gzip, deflate, br, zstd" gzip; do
  echo "== GET /praxis/termine (200 appointments, one connection, Accept-Encoding: $coding)"
  before=$(server_ticks)
  requests=$(wrk -t1 -c1 -d5s -H "Cookie: sprechzimmer=$cookie" -H "Accept-Encoding: $coding" \
    "http://127.0.0.1:$port/praxis/termine?datum=$monday" | awk '/requests in/ { print $1 }')
  echo "$((requests / 5)) requests/s, $(cpu_per_request "$before" "$requests")"
done
fi
[ "$mode" != week ] || exit 0

# Waiting room: 5,000 idle patient sockets (memory per socket) and one note from the demo
# doctor to the 1,000 of them waiting for the demo practice (delivery latency). A fresh
# server, so the calendar appointments above do not count.
kill "$pid"; wait "$pid" 2>/dev/null || true
# The server notes each patient view it sends with its time since the practice told it and
# logs the times once a second (`delivery` at debug level): the note's fan-out measured at the
# server, since the load client shares the cores.
# All sockets come from 127.0.0.1: the per-address cap (200) is lifted for the benchmark.
ulimit -n "$(ulimit -Hn)"
APP_SIGNALLING__SOCKETS_PER_ADDRESS=100000 SERVER_LOG_FILTER="warn,delivery=debug" start_server
cargo build --release --locked -p server --example waiting_room_load --example fanout_floor
sockets=${BENCH_SOCKETS:-10000}
echo "== waiting room: $sockets idle sockets, note to 1000"
load_out=$("$CARGO_TARGET_DIR/release/examples/waiting_room_load" "http://127.0.0.1:$port" "sqlite://$data/bench.db" "$pid" "$sockets" 1000)
echo "$load_out" | grep -v '^spare-code'
delivery_figures 1000 "$data/server.log"
# The floor under that figure: bare tokio tasks on the same cores, one loopback write each; and
# the same writes from two loops without a task per connection (`direct`); each also with the
# reading process stopped while the writes go out (`parked`).
for _ in 1 2 3; do
  for mode in "" direct parked "direct parked"; do
    # shellcheck disable=SC2086 # the mode's words are separate arguments
    "$CARGO_TARGET_DIR/release/examples/fanout_floor" 1000 $mode
  done
done
[ "${1:-}" != sockets ] || exit 0
spare=$(echo "$load_out" | awk '/^spare-code:/ { print $2 }')
echo "== patient room page (Chromium, loopback)"
node scripts/bench-patient-page.mjs "http://127.0.0.1:$port" "$spare"
