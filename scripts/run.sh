#!/usr/bin/env bash
# Installs what is missing, builds Sprechzimmer (release) and starts it on
# http://127.0.0.1:3000 with the embedded SQLite database under ./data/. Stop with Ctrl-C.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_build_tools
cd "$ROOT"
log "building and starting on http://127.0.0.1:3000 (Ctrl-C stops)"
exec cargo leptos serve --release
