#!/usr/bin/env bash
# Builds the release site without cargo-leptos (which took 12 of the first run's 25 minutes to
# compile): the server binary, the browser code (the `frontend` crate for wasm32 in the
# `wasm-release` profile → wasm-bindgen → wasm-opt -Oz), the JavaScript and the stylesheet
# minified with esbuild, and the files of `public/`. The result is what cargo-leptos made:
#   $CARGO_TARGET_DIR/release/server
#   target/site/pkg/sprechzimmer.{js,wasm,css}, target/site/<public files>
# The server hashes and compresses the three pkg files when it starts (server/src/assets.rs).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_build_tools
build_site
