# Shared helpers for scripts/run.sh and scripts/test.sh. Sourced, not executed.
# Everything here is idempotent: a second call finds the tool and returns at once.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="${SPRECHZIMMER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sprechzimmer}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$CACHE_DIR/target}"
export PATH="$HOME/.cargo/bin:$PATH"
# wasm-bindgen must match the crate pinned in Cargo.toml exactly.
WASM_BINDGEN_VERSION="0.2.130"
CARGO_LEPTOS_VERSION="0.3.11"

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

ensure_wasm_bindgen() {
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
    log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 2 minutes)"
    # Not --locked: its lock file does not build with this rustc (see shared TOOLCHAIN notes).
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  fi
}

ensure_cargo_leptos() {
  if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" = "$CARGO_LEPTOS_VERSION" ]; then return 0; fi
  log "installing cargo-leptos $CARGO_LEPTOS_VERSION (12-20 minutes, once)"
  local src
  src=$(ls -d "$HOME"/.cargo/registry/src/*/cargo-leptos-"$CARGO_LEPTOS_VERSION" 2>/dev/null | head -1 || true)
  if [ -z "$src" ]; then
    # Fetch the source through a throw-away manifest; `cargo install --locked` cannot build it
    # because its lock file pins cargo-util-schemas 0.14.2, which needs a newer rustc.
    local tmp; tmp=$(mktemp -d)
    mkdir -p "$tmp/src" && : > "$tmp/src/lib.rs"
    printf '[package]\nname="fetch-cargo-leptos"\nversion="0.0.0"\nedition="2021"\n[dependencies]\ncargo-leptos="=%s"\n' "$CARGO_LEPTOS_VERSION" > "$tmp/Cargo.toml"
    (cd "$tmp" && cargo fetch -q) || true
    rm -rf "$tmp"
    src=$(ls -d "$HOME"/.cargo/registry/src/*/cargo-leptos-"$CARGO_LEPTOS_VERSION" 2>/dev/null | head -1 || true)
    [ -n "$src" ] || die "could not download the cargo-leptos $CARGO_LEPTOS_VERSION source from crates.io"
  fi
  local build="$CACHE_DIR/cargo-leptos-src"
  rm -rf "$build"; mkdir -p "$CACHE_DIR"; cp -r "$src" "$build"
  (cd "$build" && cargo update -q -p cargo-util-schemas --precise 0.14.1 \
    && CARGO_TARGET_DIR="$CACHE_DIR/cargo-leptos-target" cargo install --path . --locked --features no_downloads)
  rm -rf "$build" "$CACHE_DIR/cargo-leptos-target"
}

# Tools needed to build and run the app (first README command).
ensure_build_tools() {
  apt_install binaryen pkg-config
  ensure_wasm_target
  ensure_wasm_bindgen
  ensure_cargo_leptos
  command -v wasm-opt >/dev/null || die "wasm-opt missing after installing binaryen"
}
