#!/usr/bin/env bash
# Runs every test on a fresh or warm machine: installs what is missing (scripts/setup.sh),
# then native Rust tests (unit, property, conformance, doctests), the wasm suites in Node and
# in headless Debian Chromium, the optimised build, the JS tests of the built package and the
# TypeScript check of its .d.ts. Prints each runner's summary, its wall time, and a total line at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/setup.sh

logs=target/test-logs
mkdir -p "$logs"
passed=0; failed=0
summary=()

# run NAME CMD...: runs a step, shows its summary lines, adds its counts.
run() {
  local name=$1; shift
  printf '\n== %s\n' "$name"
  local status=0 t0=$SECONDS
  "$@" >"$logs/$name.log" 2>&1 || status=$?
  local took=$((SECONDS - t0))
  local p f
  p=$( (grep -hoE '(test result: [a-zA-Z]+\. [0-9]+ passed|^# pass [0-9]+)' "$logs/$name.log" || true) | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')
  f=$( (grep -hoE '(test result: [a-zA-Z]+\. [0-9]+ passed; [0-9]+ failed|^# fail [0-9]+)' "$logs/$name.log" || true) | sed -E 's/.*passed; //' | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')
  grep -hE '(test result:|^# (pass|fail) )' "$logs/$name.log" || true
  p=${p:-0}; f=${f:-0}
  passed=$((passed + p)); failed=$((failed + f))
  summary+=("$(printf '%-16s %5d s   %s passed, %s failed' "$name" "$took" "$p" "$f")")
  if [ "$status" -ne 0 ]; then
    echo "!! $name failed (exit $status); last lines of $logs/$name.log:"
    tail -n 40 "$logs/$name.log"
    failed=$((failed + (f == 0 ? 1 : 0)))
    return 1
  fi
  if [ "${MIN_TESTS:-1}" -gt 0 ] && [ "$p" -eq 0 ]; then
    echo "!! $name ran no test"
    return 1
  fi
}

status=0
# Habits: one format (rustfmt.toml) and no lint warnings, natively and for wasm (the browser
# build without the default features, the server build and the wasm test suites).
lint() {
  cargo fmt --check &&
  node_modules/.bin/biome ci --error-on-warnings &&
  cargo clippy --all-targets -- -D warnings &&
  cargo clippy --target wasm32-unknown-unknown --lib --no-default-features -- -D warnings &&
  cargo clippy --target wasm32-unknown-unknown --lib --test node --test browser -- -D warnings &&
  echo "# pass 1"
}
run format-and-lint lint || status=1
run native cargo test --all-targets || status=1
run doctests cargo test --doc || status=1

export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
export CHROMEDRIVER=/usr/bin/chromedriver
export WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-300}
run wasm-node cargo test --target wasm32-unknown-unknown --test node || status=1
# Without WASM_BINDGEN_USE_BROWSER=1 the browser tests are skipped and the run still exits 0:
# `run` fails a step that passed no test.
# A frozen page makes the runner wait forever whatever WASM_BINDGEN_TEST_TIMEOUT says: the
# outer limit turns such a hang into a failure (the suite takes about a minute).
WASM_BINDGEN_USE_BROWSER=1 run wasm-chromium timeout 900 cargo test --target wasm32-unknown-unknown --test browser || status=1

printf '\n== build (release, wasm-opt -Oz)\n'
bash scripts/build.sh || status=1
run js-package node --test tests/js/ || status=1
run size-budget node scripts/size.mjs pkg --budget BENCHMARKS.md || status=1
printf '\n== typescript (.d.ts consumer)\n'
if node_modules/.bin/tsc -p tests/js; then echo "tsc: the .d.ts consumer type-checks"; else status=1; failed=$((failed + 1)); fi

printf '\n== www-example (Next.js build, browser tests in Chromium)\n'
bash scripts/example-install.sh || status=1
(cd www-example && NEXT_TELEMETRY_DISABLED=1 node_modules/.bin/next build >"../$logs/next-build.log" 2>&1) \
  || { echo "!! next build failed:"; tail -n 40 "$logs/next-build.log"; status=1; }
# The migration tests run on SQLite and on a throwaway local PostgreSQL (Debian's packages).
pg_url=$(bash scripts/pg.sh start | sed -n 's/^DATABASE_URL=//p') || pg_url=""
[ -n "$pg_url" ] || echo "!! PostgreSQL could not be started: migration tests run on SQLite only"
trap 'bash scripts/pg.sh stop' EXIT
MIGRATE_TEST_PG_URL="$pg_url" run e2e-browser node --test --test-concurrency=1 www-example/tests/ || status=1

printf '\n== summary (each runner: its wall time)\n'
printf '%s\n' "${summary[@]}"
echo "set-up, builds and every runner: $SECONDS s"
echo "$passed passed, $failed failed"
exit $status
