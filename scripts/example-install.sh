#!/usr/bin/env bash
# Installs www-example's npm packages when missing or out of date (after pkg/ is built, so
# the file:../pkg link resolves). better-sqlite3 12 builds from source here if no prebuilt
# binary can be fetched (gcc, make and Node's headers are on the machine).
set -euo pipefail
cd "$(dirname "$0")/../www-example"
[ -f ../pkg/package.json ] || { echo "[example] build pkg/ first (scripts/build.sh)"; exit 1; }
if [ ! -d node_modules/next ] || [ ! -e node_modules/modash-flow/package.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] \
   || ! node -e "require('better-sqlite3')" 2>/dev/null; then
  echo "[example] npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
