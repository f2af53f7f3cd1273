#!/usr/bin/env bash
# Runs every cargo-fuzz target for SECONDS each (default 60) on the nightly toolchain,
# installing cargo-fuzz if missing. Corpora live in fuzz/corpus/<target> (kept locally and
# git-ignored: they grow to thousands of inputs); crashes land in fuzz/artifacts/<target>.
# Prints executions per target.
# Usage: scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
export PATH="$HOME/.cargo/bin:$PATH"
secs=${1:-60}
rustup toolchain list | grep -q nightly || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
cargo +nightly fuzz build -O >/dev/null
for t in notes_text timestamp retry_after env_ttl retry_schedule; do
  mkdir -p "corpus/$t"
  log="../target/fuzz-$t.log"
  mkdir -p ../target
  set +e
  cargo +nightly fuzz run -O "$t" "corpus/$t" -- -max_total_time="$secs" -max_len=4096 -rss_limit_mb=2048 >"$log" 2>&1
  rc=$?
  set -e
  runs=$(grep -oE 'Done [0-9]+ runs' "$log" | grep -oE '[0-9]+' || echo '?')
  if [ $rc -eq 0 ]; then
    echo "fuzz $t: $runs runs in ${secs}s, no crash (corpus $(ls "corpus/$t" | wc -l) inputs)"
  else
    echo "fuzz $t: FAILED (exit $rc), see $log and fuzz/artifacts/$t"; tail -n 30 "$log"; exit 1
  fi
done
