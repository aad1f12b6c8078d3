#!/usr/bin/env bash
# Installs what the tests need and runs all of them: formatting, clippy (server and wasm, inside
# the builds), the Rust tests on SQLite and on PostgreSQL, the browser bundles with their size
# check, and the Playwright suite in Chromium and Firefox inside a loopback-only network namespace,
# against the test build's server.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

# Largest browser bundles we accept, wasm + JavaScript brotli-compressed (bytes; see
# scripts/wasm-size.sh).
# Patient 320,000 and practice 370,000 until issue 25's group call (one connection per other
# participant, a picture per person, the group code; the practice's call page also lets guests
# in): +17.5 KB and +28 KB, measured in BENCHMARKS.md, "Issue 25 — the group call".
# Then 326,000 and 395,000 until every build used Leptos' erased components (.cargo/config.toml:
# 9 and 12 % smaller, BENCHMARKS.md, issue 24, ninth session), then 300,000 and 348,000 until
# the browser formatted its texts without the Fluent runtime and tachys lost its asynchronous
# hydration (vendor/tachys; BENCHMARKS.md, issue 24, sixteenth session), then 250,000 and
# 295,000 until the upload's encryption became a module of its own (consent-seal, with its own
# budget) and the browser read the server's messages without serde's buffering (the same session),
# then 230,000 and 285,000 until the call's and the upload's code became parts of each bundle
# loaded on use (scripts/bindgen --split; BENCHMARKS.md, issue 24, seventeenth session). The
# budget counts what a page loads first; the parts are listed apart by wasm-size.sh.
export WASM_BUDGET_PATIENT=${WASM_BUDGET_PATIENT:-200000}
export WASM_BUDGET_PRACTICE=${WASM_BUDGET_PRACTICE:-240000}
export WASM_BUDGET_SEAL=${WASM_BUDGET_SEAL:-30000}

STEPS=()
# took NAME START — notes a finished step and its seconds for the summary at the end.
took() { STEPS+=("$(printf '%-44s %5ss' "$1" $((SECONDS - $2)))"); }
step() {
  local name=$1; shift
  local start=$SECONDS rc=0
  log "$name"
  # A subshell with its own `set -e`: inside `cmd || die` bash would ignore -e in shell functions.
  ( set -e; "$@" ) || rc=$?
  [ "$rc" = 0 ] || die "step failed (exit $rc): $name"
  took "$name" "$start"
}
# The Rust tests build into a target directory of their own (a subdirectory of the cache, as the
# browser bundles' and the bindgen tool's are): the bundles build beside them, and two cargo
# processes on one directory wait for each other's lock; the first command's release server
# (target/release) stays apart from both.
TEST_TARGET_DIR="$CARGO_TARGET_DIR/tests"
# The journeys run against this build's server: the same code as the release server, with debug
# assertions (an overflow panics instead of wrapping) and dependencies at opt-level 1. The
# workspace's crates have the features that ship (`app` with `ssr`: the browsers' consent
# encryption, which the tests use, is the crate `consent-crypto`, not a feature of `app`; the
# test build leaves out `frontend`, whose `hydrate` would add it); only
# the dependencies' features are unified with what the tests' own dependencies add, as in every
# cargo test build. Compiling the release server here cost a cold run 6.7 minutes (31 → 24.3,
# BENCHMARKS.md, issue 24, eleventh session).
TEST_SERVER="$TEST_TARGET_DIR/debug/server"

# The site's files (both browser bundles at wasm-release, the stylesheet, their compressed forms)
# are built in the background at the lowest CPU priority, from the start: the test build leaves a
# core idle while one large crate is compiled or a test binary linked, and the Rust tests use
# about a fifth of the two cores (57 s of CPU in 130 s for the SQLite run); the bundles take what
# they leave and yield to them. Their output goes to a log, shown when it is waited for. Their own
# job group, so a failed step stops them.
SITE_PID="" SITE_LOG="$CACHE_DIR/site-build.log"
start_site_build() {
  mkdir -p "$CACHE_DIR"
  log "browser bundles and site files in the background at nice 19 (log: $SITE_LOG)"
  set -m
  # `;`, not `&&`: lib.sh's `set -e` must reach into the functions (bash ignores it inside a
  # function called from an && list, and a failed bundle would go on to the next step).
  nice -n 19 bash -c 'source scripts/lib.sh; build_site_files; log "site files done after $SECONDS s"' </dev/null >"$SITE_LOG" 2>&1 &
  SITE_PID=$!
  set +m
}
wait_site_build() {
  [ -n "$SITE_PID" ] || return 0
  local pid=$SITE_PID
  SITE_PID=""
  wait_logged "$pid" "$SITE_LOG" "the browser bundles"
}
# When the background build has ended already, its result now: a failure (its tools install
# first, in its first minute) stops the run here instead of after the Rust tests.
check_site_build() {
  [ -n "$SITE_PID" ] && ! kill -0 "$SITE_PID" 2>/dev/null || return 0
  wait_site_build
}
stop_site_build() { [ -z "$SITE_PID" ] || kill -- -"$SITE_PID" 2>/dev/null || true; }
# The server binary's dependency graph (what it links, not its tests) must not contain the
# browsers' consent encryption nor the crates it opens documents with: the server stores
# ciphertext and can open nothing.
no_decryption_in_the_server() {
  local graph
  graph=$(cargo tree --locked -p server -e normal,build --prefix none -f '{p}')
  grep -q '^app ' <<<"$graph" || die "cargo tree shows no app in the server's graph"
  ! grep -E '^(consent-crypto|crypto_box|crypto_secretbox|xsalsa20poly1305) ' <<<"$graph" \
    || die "the server binary links code that can decrypt a consent document"
}
trap 'stop_site_build; stop_postgres; stop_audio; stop_coturn' EXIT

log "install test tools"
ensure_build_tools
start_test_packages
ensure_test_tools
step "cargo fmt --check" cargo fmt --all --check
step "server links no consent decryption" no_decryption_in_the_server
# Clippy runs inside the builds the tests need: clippy-driver compiles the workspace's own crates
# (what `cargo clippy` does, with -D warnings) and goes on to generate their code, so every
# target is linted — tests, examples and binaries in the test build, the browser bundles in their
# own build — without a separate `cargo clippy` pass that checked every dependency again
# (7.5 of a cold run's minutes). Dependencies are compiled by plain rustc as before.
RUSTC_WORKSPACE_WRAPPER="$(rustup which clippy-driver)"
export RUSTC_WORKSPACE_WRAPPER
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
# The Debian and npm test packages keep installing meanwhile (nothing in the builds needs them).
# (Two builds beside each other at the same priority were measured slower cold: 32.5 minutes
# against 28.9 for the sequential scripts a day earlier. At nice 19 the background build only
# takes the cycles the test build leaves: BENCHMARKS.md, issue 24, tenth session.)
start_site_build
step "test build (clippy -D warnings on the way)" \
  env CARGO_TARGET_DIR="$TEST_TARGET_DIR" cargo nextest run --workspace --exclude frontend --locked --no-run
check_site_build
wait_test_packages
step "deployment kit (systemd, nginx, Caddy, coturn read deploy/)" scripts/check-deploy.sh
# coturn for the call relayed through an external TURN server (native_call::…_through_coturn).
start_coturn
step "rust tests on SQLite" \
  env SPRECHZIMMER_TEST_DATABASE=sqlite CARGO_TARGET_DIR="$TEST_TARGET_DIR" cargo nextest run --workspace --exclude frontend --locked --no-fail-fast
check_site_build
start_postgres
# The same package selection as above, so the build is reused (with `-p server` cargo resolved
# the features anew and compiled for 2 more minutes); only the integration tests run.
step "rust integration tests on PostgreSQL" \
  env SPRECHZIMMER_TEST_DATABASE=postgres CARGO_TARGET_DIR="$TEST_TARGET_DIR" \
  cargo nextest run --workspace --exclude frontend --locked --no-fail-fast \
  -E 'binary_id(server::api)'
stop_postgres
stop_coturn
# Not a `step`: its subshell could not wait for the background job.
site_wait_start=$SECONDS
log "browser bundles: waiting for what is left of them after the tests"
wait_site_build
took "browser bundles (left after the tests)" "$site_wait_start"
step "browser bundle sizes" scripts/wasm-size.sh
[ -x "$TEST_SERVER" ] || die "the test build left no server binary at $TEST_SERVER"
start_audio
# coturn again inside the namespace (the journey relayed through it), and a throw-away
# PostgreSQL (two instances behind nginx in instances.spec.ts), stopped with it; the journeys'
# data directory (SQLite file, outbox) is removed with them.
step "playwright (Chromium and Firefox, loopback only)" \
  in_loopback_namespace env SERVER_BIN="$TEST_SERVER" \
  bash -c 'source scripts/lib.sh && export E2E_DATA_DIR=$(mktemp -d /tmp/sprechzimmer-e2e.XXXXXX) && trap "stop_coturn; stop_postgres; rm -rf \"\$E2E_DATA_DIR\"" EXIT && start_coturn && start_postgres && cd end2end && npx playwright test'

log "all checks passed"
printf '  %s\n' "${STEPS[@]}"
