#!/usr/bin/env bash
# Contract deletion job timings (server/examples/contract_deletion.rs, release build) on SQLite
# and on a PostgreSQL server started here; prints the tables for BENCHMARKS.md.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
trap stop_postgres EXIT
cargo run --release --locked --example contract_deletion -- "" "$@"
start_postgres
admin="$SPRECHZIMMER_TEST_POSTGRES_URL"
psql "$admin" -qc "CREATE DATABASE bench_contract"
cargo run --release --locked --example contract_deletion -- "${admin%/*}/bench_contract" "$@"
