#!/usr/bin/env bash
# Builds parley (Release) and runs it on its embedded default: SQLite at
# ./data/parley.db, guest login on, http://localhost:8080 (PORT overrides).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh release
mkdir -p data
export GUEST_LOGIN=${GUEST_LOGIN:-true}
export DATABASE_URL=${DATABASE_URL:-sqlite://./data/parley.db}
echo "parley: starting on http://localhost:${PORT:-8080}"
exec build/parley serve "$@"
