#!/usr/bin/env bash
# Builds the npm package `modash-flow` (pkg/) and a Node build (pkg-node/):
#   pkg/          wasm-pack `bundler` target WITHOUT the write path (cargo feature `write-path`
#                 off): what browsers download (client components import `modash-flow`);
#   pkg/server/   the same target WITH the write path (`mergeAnalytics`, `slimNotes`), the
#                 subpath export `modash-flow/server` for route handlers;
#   pkg-node/     the `nodejs` target with everything, for Node scripts and the JS tests.
# Each .wasm is optimised with npm's binaryen@132 wasm-opt -Oz (never Debian's: ARCHITECTURE.md),
# its producers and target-features sections (metadata no runtime reads) left out. The browser
# package's JS (glue and snippets) is minified with esbuild and the names its wasm imports from
# the glue are shortened: every browser downloads both, and the docs live in the .d.ts; the
# server and Node builds keep readable JS and names for stack traces.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
WASM_OPT=node_modules/.bin/wasm-opt
mkdir -p target

build() { # target, out dir, extra cargo flags
  local target=$1 out=$2; shift 2
  wasm-pack build --release --target "$target" --out-dir "$out" --out-name modash_flow "$@" >/dev/null 2>"target/wasm-pack-$target.log" \
    || { cat "target/wasm-pack-$target.log"; exit 1; }
  for w in "$out"/*.wasm; do
    "$WASM_OPT" -Oz --converge --strip-producers --strip-target-features "$w" -o "$w.opt" && mv "$w.opt" "$w"
  done
}
rm -rf pkg pkg-node target/pkg-server
build bundler target/pkg-server
build bundler pkg --no-default-features
build nodejs pkg-node
# The module's JS files are ES modules (src/wasm/js/package.json says so); wasm-bindgen copies
# them without it, and Node, loading notes.js (which imports values.js), would guess each
# file's type and warn on every process start (MODULE_TYPELESS_PACKAGE_JSON).
for d in pkg-node/snippets/*/src/wasm/js; do cp src/wasm/js/package.json "$d/"; done
mkdir -p pkg/server
cp -r target/pkg-server/modash_flow.js target/pkg-server/modash_flow_bg.js target/pkg-server/modash_flow_bg.wasm \
  target/pkg-server/modash_flow.d.ts target/pkg-server/modash_flow_bg.wasm.d.ts pkg/server/
[ -d target/pkg-server/snippets ] && cp -r target/pkg-server/snippets pkg/server/
# The package name the app depends on, and the `modash-flow/server` subpath.
node -e '
const fs = require("fs");
for (const dir of ["pkg", "pkg-node"]) {
  const p = JSON.parse(fs.readFileSync(dir + "/package.json", "utf8"));
  p.name = "modash-flow";
  if (dir === "pkg") {
    p.files.push("server");
    p.sideEffects.push("./server/modash_flow.js", "./server/snippets/*");
    p.exports = {
      ".": { types: "./modash_flow.d.ts", default: "./modash_flow.js" },
      "./server": { types: "./server/modash_flow.d.ts", default: "./server/modash_flow.js" },
    };
  }
  fs.writeFileSync(dir + "/package.json", JSON.stringify(p, null, 2) + "\n");
}'
# The docs live in the .d.ts (wasm-bindgen writes each export's doc comment there and, again,
# into the JS glue): the glue ships without its JSDoc copies, which every browser would download.
node -e '
const fs = require("fs");
for (const dir of ["pkg", "pkg/server", "pkg-node"]) {
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".js"))) {
    const p = dir + "/" + f;
    fs.writeFileSync(p, fs.readFileSync(p, "utf8").replace(/^[ \t]*\/\*\*[\s\S]*?\*\/\n/gm, ""));
  }
}'
# The browser package's JS minified in place (export names are kept: the wasm imports by them).
find pkg -name '*.js' -not -path 'pkg/server/*' -print0 | while IFS= read -r -d '' f; do
  node_modules/.bin/esbuild --minify --tree-shaking=true --format=esm --log-level=warning --allow-overwrite "$f" --outfile="$f"
done
# Its imports from the glue renamed short (`scripts/short-imports.mjs`): in both files.
node scripts/short-imports.mjs pkg >/dev/null
node scripts/size.mjs pkg
node scripts/size.mjs pkg/server
