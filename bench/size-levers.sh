#!/usr/bin/env bash
# What each size lever is worth: builds the bundler package with a few settings side by side
# (into target/size-levers/) and prints the gzipped wasm + JS glue of each (the browser
# module, then the server build with the write path). Only the Rust and wasm-opt settings vary:
# none of these builds has pkg/'s minified JS and short import names (scripts/build.sh), so
# their totals sit about 6 KB above pkg/'s.
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/size-levers
rm -rf "$out"; mkdir -p "$out"
build() { # name, opt-level, wasm-opt args ("" = none); EXTRA: more wasm-pack/cargo flags
  local name=$1 level=$2; shift 2
  CARGO_PROFILE_RELEASE_OPT_LEVEL=$level wasm-pack build --release --target bundler --out-dir "$out/$name" --out-name modash_flow ${EXTRA:-} >/dev/null 2>&1
  if [ $# -gt 0 ]; then node_modules/.bin/wasm-opt "$@" "$out/$name/modash_flow_bg.wasm" -o "$out/$name/modash_flow_bg.wasm"; fi
  printf '%-34s %s\n' "$name" "$(node scripts/size.mjs "$out/$name" | sed 's/^size [^:]*: //')"
}
# What browsers download is the build without the write path (pkg/): the levers on it.
EXTRA=--no-default-features build "opt-level z, no wasm-opt" z
EXTRA=--no-default-features build "opt-level z, wasm-opt -Oz (shipped)" z -Oz
EXTRA=--no-default-features build "opt-level z, wasm-opt -O3" z -O3
EXTRA=--no-default-features build "opt-level s, wasm-opt -Oz" s -Oz
EXTRA=--no-default-features build "opt-level 3, wasm-opt -Oz" 3 -Oz
build "with the write path (pkg/server/)" z -Oz
