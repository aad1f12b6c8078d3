# Shared helpers for scripts/run.sh and scripts/test.sh. Sourced, not executed.
# Everything here is idempotent: a second call finds the tool and returns at once.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="${SPRECHZIMMER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sprechzimmer}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$CACHE_DIR/target}"
# Incremental data is never pruned by cargo and grew the cache to tens of gigabytes; the
# scripts rebuild changed crates without it.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export PATH="$CARGO_HOME/bin:$PATH"
# The wasm-bindgen step: scripts/bindgen, built from `wasm-bindgen-cli-support` (pinned there to
# the `wasm-bindgen` of Cargo.toml; another version refuses the module) into the cache.
BINDGEN="$CARGO_TARGET_DIR/bindgen/release/sprechzimmer-bindgen"
# Debian's binaryen (108) breaks the reference-types wasm of current rustc; npm's is current.
BINARYEN_VERSION="132.0.0"
# Minifies the wasm-bindgen JavaScript and the stylesheet (what cargo-leptos did with swc and
# lightningcss); a prebuilt binary from npm, installed in seconds.
ESBUILD_VERSION="0.28.2"
TOOLS_DIR="$CACHE_DIR/tools"
export PATH="$TOOLS_DIR/node_modules/.bin:$PATH"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31mFEHLER:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "root rights needed for: $* (run as root or install sudo)"; fi
}

APT_UPDATED=0
# apt_install PKG... — installs the Debian packages that are missing.
apt_install() {
  local missing=()
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$APT_UPDATED" = 0 ]; then log "apt-get update"; as_root apt-get update -qq; APT_UPDATED=1; fi
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_wasm_target() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown || { log "rustup target add wasm32-unknown-unknown"; rustup target add wasm32-unknown-unknown; }
}

# The wasm-bindgen step as a small program of our own (scripts/bindgen): `cargo install
# wasm-bindgen-cli` compiled 161 crates in 2 minutes of a cold first command; this one, with the
# splitting library (`--split`), unoptimised, takes under a minute of one core, once.
# Cargo's own check makes a second call a no-op.
ensure_bindgen() {
  [ -x "$BINDGEN" ] || log "building the wasm-bindgen step (scripts/bindgen: under a minute, once)"
  env -u RUSTC_WORKSPACE_WRAPPER CARGO_TARGET_DIR="$CARGO_TARGET_DIR/bindgen" \
    cargo build --quiet --release --locked --manifest-path "$ROOT/scripts/bindgen/Cargo.toml"
}

# wasm-opt (npm binaryen) and esbuild, from npm into the cache's tools directory.
ensure_npm_tools() {
  if [ "$(wasm-opt --version 2>/dev/null | awk '{print $3}')" != "${BINARYEN_VERSION%%.*}" ] \
    || [ "$(esbuild --version 2>/dev/null)" != "$ESBUILD_VERSION" ]; then
    log "installing wasm-opt (npm binaryen $BINARYEN_VERSION) and esbuild $ESBUILD_VERSION"
    mkdir -p "$TOOLS_DIR"
    npm install --prefix "$TOOLS_DIR" --no-audit --no-fund --loglevel=error \
      "binaryen@$BINARYEN_VERSION" "esbuild@$ESBUILD_VERSION"
  fi
  wasm-opt --version >/dev/null || die "wasm-opt does not run after installing binaryen"
  esbuild --version >/dev/null || die "esbuild does not run after installing it"
}

# Tools needed before the first cargo build (both README commands). The bundles' own tools come
# with the bundles' build (ensure_bundle_tools), beside the server's or the tests' build.
ensure_build_tools() {
  command -v npm >/dev/null || die "Node.js with npm is required (Debian: apt-get install nodejs npm)"
  # A C compiler: ring and the bundled SQLite are compiled from C.
  apt_install gcc libc6-dev pkg-config
  ensure_wasm_target
}

# The wasm-bindgen step, wasm-opt and esbuild: only the browser bundles and the site's files need
# them, so build_bundles installs them first, while the other cargo build already compiles
# (a cold first command started the server's build a minute later when they came first).
ensure_bundle_tools() {
  ensure_bindgen
  ensure_npm_tools
}

# The release build (scripts/build.sh): the server binary and the site directory, with one
# browser bundle per set of pages (app::layout::Bundle): each a build of the `frontend` crate
# with only its islands, so the patient's phone never loads the practice's code.
SITE_DIR="$ROOT/target/site"
BUNDLES=(patient practice)
# The browser bundles build in a target directory of their own, at the same time as the server:
# two cargo processes on one directory would wait for each other's lock, and either build alone
# leaves a core idle for minutes (macro expansion and type checks of a crate run on one core).
WASM_TARGET_DIR="$CARGO_TARGET_DIR/front"
# Modules a bundle loads when it needs them, each a crate of its own (MODULE_CRATES): `seal`
# (consent-seal, the sealing of a consent document, loaded when a file is chosen for upload).
MODULES=(seal)
declare -A MODULE_CRATES=([seal]=consent-seal)
build_bundles() {
  local wasm="$WASM_TARGET_DIR/wasm32-unknown-unknown/wasm-release"
  local out=$1 name=sprechzimmer bundle
  ensure_bundle_tools
  for bundle in "${BUNDLES[@]}"; do
    log "browser bundle '$bundle': cargo build (wasm-release), split, wasm-bindgen, wasm-opt -Oz, esbuild"
    # Linked with its relocations: the bindgen step cuts the call's code off into a part that
    # the page loads when a call begins (`app::call::peer::start`; `--split`).
    CARGO_TARGET_DIR="$WASM_TARGET_DIR" cargo rustc --locked -p frontend --lib \
      --target wasm32-unknown-unknown --profile wasm-release --no-default-features --features "$bundle" \
      -- -C link-arg=--emit-relocs
    finish_wasm "$wasm/frontend.wasm" "$out" "$name-$bundle" --split
  done
  local module crate
  for module in "${MODULES[@]}"; do
    crate=${MODULE_CRATES[$module]}
    log "browser module '$module': cargo build -p $crate (wasm-release), wasm-bindgen, wasm-opt -Oz, esbuild"
    CARGO_TARGET_DIR="$WASM_TARGET_DIR" cargo build --locked -p "$crate" --lib \
      --target wasm32-unknown-unknown --profile wasm-release
    finish_wasm "$wasm/${crate//-/_}.wasm" "$out" "$name-$module"
  done
}

# wasm-bindgen, wasm-opt -Oz and esbuild for one built module: $1 the linked wasm, $2 the output
# directory, $3 the files' stem there (`<stem>.js`, `<stem>.wasm`); $4 `--split` to cut it at
# its split points first (also `<stem>.split.js`, one `<stem>.split_<part>.wasm` per part and
# `<stem>.chunk_<n>.wasm` for code that parts share).
finish_wasm() {
  local input=$1 out=$2 stem=$3 split=${4:-} part script
  "$BINDGEN" "$input" "$out" "$stem" ${split:+"$split"}
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    "$out/${stem}_bg.wasm" -o "$out/$stem.wasm"
  rm "$out/${stem}_bg.wasm"
  for part in "$out/$stem".split_*.wasm "$out/$stem".chunk_*.wasm; do
    [ -e "$part" ] || continue
    wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int "$part" -o "$part.opt"
    mv "$part.opt" "$part"
  done
  for script in "$out/$stem.js" "$out/$stem.split.js"; do
    [ -e "$script" ] || continue
    # wasm-bindgen names the loader once per split point among the module's imports.
    esbuild --minify --log-level=warning --log-override:duplicate-object-key=silent \
      "$script" --outfile="$script.min"
    mv "$script.min" "$script"
  done
}

# The site's files (both browser bundles, the stylesheet, their brotli and gzip forms, public/)
# into $SITE_DIR — all but the server binary: the test command's journeys run against the server
# of the test build.
build_site_files() {
  local out="$SITE_DIR/pkg.new"
  rm -rf "$out" && mkdir -p "$out"
  build_bundles "$out"
  finish_site "$out"
}

# Moves the bundles in $1 into $SITE_DIR with the stylesheet and the compressed forms.
finish_site() {
  local out=$1 name=sprechzimmer
  esbuild --minify --log-level=warning "$ROOT/style/main.css" --outfile="$out/$name.css"
  # brotli -q 11 and gzip -9 forms next to each file: the server sends them as they are.
  node "$ROOT/scripts/precompress.mjs" "$out"
  cp -r "$ROOT/public/." "$SITE_DIR/"
  rm -rf "$SITE_DIR/pkg" && mv "$out" "$SITE_DIR/pkg"
  log "built $SITE_DIR: $(cd "$SITE_DIR/pkg" && ls -l --time-style=+ | awk 'NR > 1 { printf "%s %s B  ", $6, $5 }')"
}

# The release server and the site's files (the first command, scripts/build.sh).
build_site() {
  local out="$SITE_DIR/pkg.new" front server first="" other rc=0
  rm -rf "$out" && mkdir -p "$out"
  # Each branch in a process group of its own (job control): a failed branch or Ctrl-C stops
  # the other with every compiler it started (without job control, background commands also
  # ignore Ctrl-C, and cargo went on compiling after the script had ended).
  set -m
  ( set -e; build_bundles "$out" ) &
  front=$!
  log "cargo build --release (server), the browser bundles alongside"
  cargo build --release --locked -p server --bin server &
  server=$!
  set +m
  trap 'kill -- -"$front" -"$server" 2>/dev/null; exit 130' INT TERM
  # Whichever ends first: when it failed, the other is stopped at once — the bundles' tools
  # install in the first minute, and their failure must not wait for the server's 10 minutes.
  wait -n -p first "$front" "$server" || rc=$?
  if [ -z "${first:-}" ]; then
    kill -- -"$front" -"$server" 2>/dev/null || true
    die "the release build stopped (exit $rc)"
  fi
  other=$server; [ "$first" = "$front" ] || other=$front
  if [ "$rc" != 0 ]; then
    kill -- -"$other" 2>/dev/null || true
    die "the release build failed (exit $rc): $(branch_name "$first" "$front")"
  fi
  wait "$other" || rc=$?
  trap - INT TERM
  [ "$rc" = 0 ] || die "the release build failed (exit $rc): $(branch_name "$other" "$front")"
  finish_site "$out"
}

# What `build_site` calls the branch with process id $1 ($2: the bundles' branch).
branch_name() {
  if [ "$1" = "$2" ]; then echo "the browser bundles"; else echo "the server"; fi
}

# Tools the test command needs on top of the build tools: the Rust ones here, the Debian and npm
# packages with start_test_packages/wait_test_packages (downloads that run while cargo compiles).
ensure_test_tools() {
  ensure_build_tools
  # A rustup "minimal" profile lacks these.
  rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt
  rustup component list --installed | grep -q '^clippy' || rustup component add clippy
  command -v cargo-nextest >/dev/null || cargo install cargo-nextest --locked
}

# chromium, firefox-esr: the browsers for the journeys (a patient may use either); postgresql: the second database engine;
# brotli: the wasm size check; iproute2/util-linux: the loopback-only network namespace.
# poppler-utils: pdftotext/pdftoppm/pdfinfo check the generated consent PDFs in the unit tests.
# pulseaudio: a silent sound device, so the browsers' audio (the microphone meter) runs headless.
# coturn: an external TURN server (TURN REST secret) that calls are relayed through in the tests.
# nginx: the load balancer in front of two instances (instances.rs); nginx, caddy, systemd and
# openssl check the deployment kit (scripts/check-deploy.sh).
TEST_PACKAGES=(chromium firefox-esr postgresql brotli iproute2 util-linux ca-certificates poppler-utils pulseaudio coturn nginx caddy systemd openssl)
install_test_packages() {
  apt_install "${TEST_PACKAGES[@]}"
  ensure_npm_packages
}

# Installs the test packages in the background (their output goes to a log); wait_test_packages
# waits for them and fails loudly with that log when an install failed.
PACKAGES_PID="" PACKAGES_LOG=""
start_test_packages() {
  mkdir -p "$CACHE_DIR"
  PACKAGES_LOG="$CACHE_DIR/install-test-packages.log"
  log "installing the test packages in the background (log: $PACKAGES_LOG)"
  ( set -e; install_test_packages ) >"$PACKAGES_LOG" 2>&1 &
  PACKAGES_PID=$!
}

wait_test_packages() {
  [ -n "$PACKAGES_PID" ] || { install_test_packages; return; }
  local pid=$PACKAGES_PID
  PACKAGES_PID=""
  wait_logged "$pid" "$PACKAGES_LOG" "installing the test packages"
}

# wait_logged PID LOG WHAT — waits for a background job of this shell, shows its log and fails
# loudly with it when the job failed.
wait_logged() {
  local rc=0
  wait "$1" || rc=$?
  cat "$2" >&2
  [ "$rc" = 0 ] || die "$3 failed (exit $rc, log above)"
}

ensure_npm_packages() {
  local dir="$ROOT/end2end" stamp="$ROOT/end2end/node_modules/.package-lock.json"
  if [ ! -f "$stamp" ] || ! cmp -s "$dir/package-lock.json" "$CACHE_DIR/end2end-lock.json"; then
    log "npm ci (end2end)"
    (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
    mkdir -p "$CACHE_DIR" && cp "$dir/package-lock.json" "$CACHE_DIR/end2end-lock.json"
  fi
}

# A TCP port nobody listens on right now (bash only: a fresh Debian may lack python3).
# Below the kernel's ephemeral range: a port in that range can be taken by any outgoing
# connection between this check and the server's bind, and after a load test thousands of
# them sit there in TIME_WAIT (a benchmark's server failed to bind so).
free_port() {
  local port ephemeral
  ephemeral=$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  [ "$ephemeral" -gt 11000 ] || die "the ephemeral port range starts at $ephemeral: no room below it for test ports"
  for _ in $(seq 1 50); do
    port=$((10000 + RANDOM % (ephemeral - 10000)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  die "no free TCP port found"
}

# The waiting-room benchmarks' figures at the server, from the logs of `waiting_room_load`'s
# run: `delivery_figures <patients> <server log>...`. Each log holds the time of every view sent
# (`delivery` at debug level, written once a second), for the client's two notes to the same
# patients: the first half of each log the first note (the client reading as it comes), the
# second half the second (the client's readers parked, so the server has the cores).
delivery_figures() {
  local patients=$1; shift
  local dir; dir=$(mktemp -d)
  # The times of the last second reach the logs up to a second later.
  for _ in $(seq 1 50); do
    [ "$(cat "$@" | grep -c 'patient view sent')" -lt $((2 * patients)) ] || break
    sleep 0.1
  done
  : >"$dir/first"; : >"$dir/second"
  local log n
  for log in "$@"; do
    { grep 'patient view sent' "$log" | sed 's/\x1b\[[0-9;]*m//g' | grep -o 'micros=[0-9]*' | cut -d= -f2 >"$dir/times"; } || true
    n=$(wc -l <"$dir/times")
    head -n $((n / 2)) "$dir/times" >>"$dir/first"
    tail -n +$((n / 2 + 1)) "$dir/times" >>"$dir/second"
  done
  local round status=0
  for round in first second; do
    sort -n "$dir/$round" | awk -v what="$([ "$round" = first ] && echo "client reading" || echo "client parked")" -v patients="$patients" '
      { v[NR] = $1 }
      END { if (NR != patients) { printf "server side (%s): %d deliveries logged, not %d\n", what, NR, patients; exit 1 }
            printf "server side (%s): note to %d patients sent, p50 %.2f ms, p99 %.2f ms, max %.2f ms after the practice told them\n",
              what, NR, v[int((NR - 1) * 0.5 + 1.5)] / 1000, v[int((NR - 1) * 0.99 + 1.5)] / 1000, v[NR] / 1000 }' || status=1
  done
  rm -rf "$dir"
  return "$status"
}

# Starts a throw-away PostgreSQL cluster in a temporary directory on a free port, as a
# non-root user, and exports SPRECHZIMMER_TEST_POSTGRES_URL. stop_postgres removes it.
PG_TMP=""
start_postgres() {
  local bin; bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -x "$bin/initdb" ] || die "PostgreSQL server binaries not found under /usr/lib/postgresql"
  PG_TMP=$(mktemp -d /tmp/sprechzimmer-pg.XXXXXX)
  local port; port=$(free_port)
  local run=()
  if [ "$(id -u)" = 0 ]; then chown postgres: "$PG_TMP"; run=(runuser -u postgres --); fi
  cd "$PG_TMP"
  "${run[@]}" "$bin/initdb" -D "$PG_TMP/data" -U sprechzimmer -A trust -E UTF8 --no-locale --no-sync >"$PG_TMP/initdb.log" 2>&1 \
    || { cat "$PG_TMP/initdb.log" >&2; die "initdb failed"; }
  "${run[@]}" "$bin/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_TMP -c fsync=off -c max_connections=200" start >/dev/null \
    || { cat "$PG_TMP/server.log" >&2; die "PostgreSQL did not start"; }
  cd "$ROOT"
  export SPRECHZIMMER_TEST_POSTGRES_URL="postgres://sprechzimmer@127.0.0.1:$port/postgres"
  log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on port $port ($PG_TMP)"
}

stop_postgres() {
  [ -n "$PG_TMP" ] && [ -d "$PG_TMP" ] || return 0
  local bin; bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  local run=(); [ "$(id -u)" = 0 ] && run=(runuser -u postgres --)
  "${run[@]}" "$bin/pg_ctl" -D "$PG_TMP/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_TMP"; PG_TMP=""
}

# Starts coturn (Debian's `turnserver`) in the foreground of a background job, on a free port
# on loopback, with a random TURN REST secret (use-auth-secret), no TLS, and relaying to
# loopback peers allowed — for the tests only; production denies every private range (README,
# "External TURN server"). Exports SPRECHZIMMER_TEST_COTURN_URL and _SECRET; stop_coturn ends
# it and removes its temporary directory (no daemon, pid or database file stays behind).
COTURN_TMP="" COTURN_PID=""
start_coturn() {
  command -v turnserver >/dev/null || die "turnserver is missing (apt-get install coturn)"
  COTURN_TMP=$(mktemp -d /tmp/sprechzimmer-coturn.XXXXXX)
  local port; port=$(free_port)
  local secret; secret=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
  # The relay ports: a range of its own above the ports free_port hands out.
  local low=$((40000 + RANDOM % 20000))
  # The secret in a file of its own, not on the command line (ps shows that to everybody).
  (umask 077; printf 'use-auth-secret\nstatic-auth-secret=%s\n' "$secret" >"$COTURN_TMP/turnserver.conf")
  turnserver -c "$COTURN_TMP/turnserver.conf" --listening-ip=127.0.0.1 --relay-ip=127.0.0.1 \
    --listening-port="$port" --min-port="$low" --max-port=$((low + 200)) --realm=sprechzimmer.test \
    --no-tls --no-dtls --no-cli --fingerprint --allow-loopback-peers --user-quota=10 \
    --userdb="$COTURN_TMP/turndb" --pidfile="$COTURN_TMP/turnserver.pid" \
    --log-file="$COTURN_TMP/turn.log" --simple-log --no-stdout-log >/dev/null 2>&1 &
  COTURN_PID=$!
  for _ in $(seq 1 50); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      export SPRECHZIMMER_TEST_COTURN_URL="turn:127.0.0.1:$port?transport=udp"
      export SPRECHZIMMER_TEST_COTURN_SECRET="$secret"
      log "coturn $(turnserver --version 2>/dev/null | head -1) on port $port ($COTURN_TMP)"
      return 0
    fi
    kill -0 "$COTURN_PID" 2>/dev/null || break
    sleep 0.1
  done
  cat "$COTURN_TMP"/turn*.log >&2 2>/dev/null
  die "coturn did not start"
}

stop_coturn() {
  if [ -n "$COTURN_PID" ]; then
    kill "$COTURN_PID" 2>/dev/null || true
    wait "$COTURN_PID" 2>/dev/null || true
    COTURN_PID=""
  fi
  [ -n "$COTURN_TMP" ] && [ -d "$COTURN_TMP" ] && rm -rf "$COTURN_TMP"
  COTURN_TMP=""
  return 0
}

# Runs a command in a new network namespace that has only loopback: nothing can leave the machine.
in_loopback_namespace() {
  local unshare=(unshare -n); [ "$(id -u)" = 0 ] || unshare=(unshare -rn)
  "${unshare[@]}" sh -c 'ip link set lo up && exec "$@"' sh "$@"
}

# A sound server with a silent output device, for the browsers of the journeys: a headless
# Firefox without any audio device keeps every AudioContext suspended, so the tech test's
# microphone meter could never move there. Exports SPRECHZIMMER_FIREFOX_PULSE_SERVER for the
# Firefox journeys only (Chromium keeps its own fake audio); stop_audio ends it.
AUDIO_TMP=""
start_audio() {
  command -v pulseaudio >/dev/null || die "pulseaudio is missing (apt-get install pulseaudio)"
  AUDIO_TMP=$(mktemp -d /tmp/sprechzimmer-audio.XXXXXX)
  XDG_RUNTIME_DIR="$AUDIO_TMP" pulseaudio --daemonize --exit-idle-time=-1 --disallow-exit \
    --system=false -n --load=module-native-protocol-unix --load=module-null-sink \
    --log-target=file:"$AUDIO_TMP/pulse.log" 2>/dev/null \
    || { cat "$AUDIO_TMP/pulse.log" >&2 2>/dev/null; die "PulseAudio did not start"; }
  export SPRECHZIMMER_FIREFOX_PULSE_SERVER="unix:$AUDIO_TMP/pulse/native"
  for _ in $(seq 1 50); do [ -S "$AUDIO_TMP/pulse/native" ] && return 0; sleep 0.1; done
  die "PulseAudio did not open its socket"
}

stop_audio() {
  [ -n "$AUDIO_TMP" ] && [ -d "$AUDIO_TMP" ] || return 0
  XDG_RUNTIME_DIR="$AUDIO_TMP" pulseaudio --kill 2>/dev/null || true
  rm -rf "$AUDIO_TMP"; AUDIO_TMP=""
}
