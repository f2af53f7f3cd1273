#!/usr/bin/env bash
# Builds the npm package twice from one cargo build: pkg/ (wasm-pack's `bundler` target, for
# Next.js) and pkg-node/ (the `nodejs` target, for Node scripts and the JS tests), then
# optimises each .wasm with npm's binaryen@132 wasm-opt -Oz (never Debian's: see DESIGN.md).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
WASM_OPT=node_modules/.bin/wasm-opt

for spec in bundler:pkg nodejs:pkg-node; do
  target=${spec%%:*}; out=${spec#*:}
  wasm-pack build --release --target "$target" --out-dir "$out" --out-name modash_flow >/dev/null 2>"target/wasm-pack-$target.log" \
    || { cat "target/wasm-pack-$target.log"; exit 1; }
  for w in "$out"/*.wasm; do
    "$WASM_OPT" -Oz "$w" -o "$w.opt" && mv "$w.opt" "$w"
  done
done
# The package name the app depends on.
node -e '
const fs = require("fs");
for (const dir of ["pkg", "pkg-node"]) {
  const p = JSON.parse(fs.readFileSync(dir + "/package.json", "utf8"));
  p.name = "modash-flow";
  fs.writeFileSync(dir + "/package.json", JSON.stringify(p, null, 2) + "\n");
}'
node scripts/size.mjs pkg
