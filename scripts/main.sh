#!/usr/bin/env bash
# The main job: installs what is missing, builds pkg/ and pkg-node/, and runs the Node demo
# of the API. (The example Next.js app will replace the demo here.)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
node scripts/demo.mjs
