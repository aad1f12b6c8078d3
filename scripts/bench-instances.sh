#!/usr/bin/env bash
# Issue 26's figures: several instances on one PostgreSQL. In one run, on a throw-away
# PostgreSQL (scripts/lib.sh):
# 1. the bus alone (server/examples/bus_load.rs): a note to 5,000 patients from another
#    instance, from their own and (no database) from a single in-memory registry, 5,000 views
#    to single patients, the transactions written;
# 2. waiting-room sockets (server/examples/waiting_room_load.rs): one release server with
#    BENCH_SOCKETS (10,000) sockets, then two with half each, a note to the 1,000 patients of
#    one practice spread over both (delivery at the clients and, per instance, at the server).
# 3. a resynchronisation (server/examples/resync_load.rs): BENCH_RESYNC_SOCKETS (2,000) waiting
#    patients on one instance, its LISTEN connection cut, every page reconnecting after the
#    fixed second of earlier pages and then after the random spread of today's pages.
# Run after `bash scripts/build.sh`. SERVER_BIN: another build of the server. With the argument
# `resync`, only part 3.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
server="${SERVER_BIN:-$CARGO_TARGET_DIR/release/server}"
[ -d target/site/pkg ] || die "no release build: run bash scripts/build.sh first"
sockets=${BENCH_SOCKETS:-10000}
# The server too unless another build is given (it must be this code's to compare with bus_load).
mode=${1:-all}
cargo build --release --locked -p server --example waiting_room_load --example bus_load --example resync_load \
  $([ -n "${SERVER_BIN:-}" ] || echo --bin server)
start_postgres
data=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; stop_postgres; rm -rf "$data"; }
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)"
secret=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
base_url="${SPRECHZIMMER_TEST_POSTGRES_URL%/*}"
psql_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/psql
# A new database for each part (called in $(…), so the name cannot come from a counter).
fresh_db() {
  local name; name="bench_$(od -An -tx1 -N4 /dev/urandom | tr -d ' \n')"
  "$psql_bin" -q "$SPRECHZIMMER_TEST_POSTGRES_URL" -c "CREATE DATABASE $name" >/dev/null
  echo "$base_url/$name"
}


# Starts instance $1 (a number) on database $2; its port in ports[$1], pid in pids.
ports=()
start_instance() {
  local port; port=$(free_port)
  APP_ICE__TURN_PORT=0 LEPTOS_SITE_ADDR="127.0.0.1:$port" DATABASE_URL="$2" \
    APP_SECURITY__CODE_SECRET="$secret" APP_SIGNALLING__SOCKETS_PER_ADDRESS=100000 \
    APP_DATABASE__MAX_CONNECTIONS=20 \
    APP_EMAIL__OUTBOX_DIR="$data/outbox" APP_APPLICATION__BASE_URL="http://127.0.0.1:$port" \
    RUST_LOG="warn,delivery=debug" "$server" >"$data/server$1.log" 2>&1 &
  pids+=($!)
  ports[$1]=$port
  for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/health/ready" && return; sleep 0.1; done
  die "instance $1 did not start (log: $data/server$1.log)"
}

if [ "$mode" = resync ]; then
  resync_sockets=${BENCH_RESYNC_SOCKETS:-2000}
  echo "== a resynchronisation: $resync_sockets waiting patients on one instance, its LISTEN connection cut"
  db=$(fresh_db)
  start_instance 1 "$db"
  "$CARGO_TARGET_DIR/release/examples/resync_load" "http://127.0.0.1:${ports[1]}" "$db" "$resync_sockets"
  exit 0
fi

echo "== the bus alone: 5,000 patients waiting on instance B"
"$CARGO_TARGET_DIR/release/examples/bus_load" "$(fresh_db)" 5000

echo "== one instance on PostgreSQL: $sockets idle sockets, note to 1000"
db=$(fresh_db)
start_instance 1 "$db"
"$CARGO_TARGET_DIR/release/examples/waiting_room_load" "http://127.0.0.1:${ports[1]}" "$db" "${pids[0]}" "$sockets" 1000 | grep -v '^spare-code'
delivery_figures 1000 "$data/server1.log"
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true; pids=()

echo "== two instances on PostgreSQL: $((sockets / 2)) idle sockets each, note to 1000 spread over both"
db=$(fresh_db)
start_instance 2 "$db"
start_instance 3 "$db"
"$CARGO_TARGET_DIR/release/examples/waiting_room_load" \
  "http://127.0.0.1:${ports[2]},http://127.0.0.1:${ports[3]}" "$db" "${pids[0]},${pids[1]}" "$sockets" 1000 | grep -v '^spare-code'
delivery_figures 1000 "$data/server2.log" "$data/server3.log"
