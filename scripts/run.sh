#!/usr/bin/env bash
# Installs what is missing, builds Sprechzimmer (release) and starts it on
# http://127.0.0.1:3000 with the embedded SQLite database under ./data/. Stop with Ctrl-C.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_build_tools
cd "$ROOT"

# wasm-bindgen and wasm-opt take ~13 s even when nothing changed, so the build is skipped when
# no input is newer than the last successful build of this checkout.
stamp="$ROOT/target/site/.built"
server="$CARGO_TARGET_DIR/release/server"
inputs=(app frontend server migrations style public vendor scripts/lib.sh Cargo.toml Cargo.lock Leptos.toml .cargo)
if [ -f "$stamp" ] && [ -x "$server" ] && [ -f target/site/pkg/sprechzimmer-patient.wasm ] && [ -f target/site/pkg/sprechzimmer-practice.wasm ] \
  && [ -f target/site/pkg/sprechzimmer-seal.wasm ] \
  && [ "$server" -ot "$stamp" ] && [ -z "$(find "${inputs[@]}" -newer "$stamp" -print -quit)" ]; then
  log "nothing changed since the last build"
else
  log "building (release)"
  build_site
  touch "$stamp"
fi
log "starting on http://127.0.0.1:3000 (Ctrl-C stops)"
exec "$server"
