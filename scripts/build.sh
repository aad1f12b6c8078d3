#!/usr/bin/env bash
# Builds the release site without cargo-leptos (which took 12 of the first run's 25 minutes to
# compile): the server binary, the browser code (the `frontend` crate for wasm32 in the
# `wasm-release` profile, once per bundle, linked with its relocations → cut at its split points
# → wasm-bindgen → wasm-opt -Oz; the consent upload's seal module the same way, uncut), the
# JavaScript and the stylesheet minified with esbuild, their brotli and gzip forms, and the
# files of `public/`:
#   $CARGO_TARGET_DIR/release/server
#   target/site/pkg/sprechzimmer-{patient,practice}.{js,wasm,split.js,split_*.wasm,chunk_*.wasm},
#   target/site/pkg/sprechzimmer-seal.{js,wasm}, target/site/pkg/sprechzimmer.css (each with
#   .br and .gz), target/site/<public files>
# The server names them by their content hash when it starts (server/src/assets.rs).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_build_tools
build_site
