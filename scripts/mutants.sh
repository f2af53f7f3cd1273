#!/usr/bin/env bash
# Mutation testing of the pure core (issue 40): cargo-mutants over src/ without the wasm
# boundary (src/wasm/), natively, against every native test. Slow (each mutant is a rebuild):
# run by hand, never in CI. Results land in mutants.out/ (caught.txt, missed.txt, unviable.txt,
# timeout.txt); TESTING.md lists the survivors with a test that kills each or why it is
# equivalent. Usage: bash scripts/mutants.sh [extra cargo-mutants flags, e.g. -f src/ttl.rs]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
if ! cargo mutants --version >/dev/null 2>&1; then
  cargo install cargo-mutants --locked
fi
exec cargo mutants --exclude 'src/wasm/**' --exclude 'src/event_loop/**' --exclude 'src/lib.rs' --no-shuffle --timeout 120 "$@"
