#!/usr/bin/env bash
# The main job: installs what is missing, builds pkg/, installs and builds the example Next.js
# app, seeds its SQLite store when it is empty (`--reset` starts over), starts the simulated
# Modash service and the app, prints the URL and how to sign in. Ctrl-C stops both.
# (PORT, HOST, MAIN_SIM_429_RATE, MODASH_API_BASE/MODASH_API_KEY: see README.)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
bash scripts/example-install.sh
exec node www-example/scripts/main.mjs "$@"
