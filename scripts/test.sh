#!/usr/bin/env bash
# Installs what the tests need and runs all of them: formatting, clippy (server and wasm), the
# Rust tests on SQLite and on PostgreSQL, the release build with its wasm size check, and the
# Playwright suite in Chromium inside a loopback-only network namespace.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

# Largest release wasm we accept, brotli-compressed (bytes).
WASM_BROTLI_BUDGET=${WASM_BROTLI_BUDGET:-390000}

STEPS=()
step() {
  local name=$1; shift
  local start=$SECONDS rc=0
  log "$name"
  # A subshell with its own `set -e`: inside `cmd || die` bash would ignore -e in shell functions.
  ( set -e; "$@" ) || rc=$?
  [ "$rc" = 0 ] || die "step failed (exit $rc): $name"
  STEPS+=("$(printf '%-44s %5ss' "$name" $((SECONDS - start)))")
}
trap 'stop_postgres; stop_audio; stop_coturn' EXIT

log "install test tools"
ensure_build_tools
start_test_packages
ensure_test_tools
step "cargo fmt --check" cargo fmt --all --check
step "clippy (server, all targets)" \
  cargo clippy --workspace --exclude frontend --all-targets --locked -- -D warnings
step "clippy (wasm)" \
  cargo clippy -p frontend --target wasm32-unknown-unknown --locked -- -D warnings
wait_test_packages
# coturn for the call relayed through an external TURN server (native_call::…_through_coturn).
start_coturn
step "rust tests on SQLite" \
  env SPRECHZIMMER_TEST_DATABASE=sqlite cargo nextest run --workspace --exclude frontend --locked --no-fail-fast
start_postgres
step "rust integration tests on PostgreSQL" \
  env SPRECHZIMMER_TEST_DATABASE=postgres cargo nextest run -p server --test api --locked --no-fail-fast
stop_postgres
stop_coturn
step "release build (scripts/build.sh)" build_site
step "wasm size" scripts/wasm-size.sh "$WASM_BROTLI_BUDGET"
start_audio
# coturn again inside the namespace (the journey relayed through it), stopped with it.
step "playwright (chromium, loopback only)" \
  in_loopback_namespace env SERVER_BIN="$CARGO_TARGET_DIR/release/server" \
  bash -c 'source scripts/lib.sh && trap stop_coturn EXIT && start_coturn && cd end2end && npx playwright test'

log "all checks passed"
printf '  %s\n' "${STEPS[@]}"
