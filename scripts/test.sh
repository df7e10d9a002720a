#!/usr/bin/env bash
# Builds parley with AddressSanitizer + UndefinedBehaviorSanitizer and runs every
# test (unit, store conformance, integration over real sockets).
#   scripts/test.sh [ctest args...]   e.g. scripts/test.sh -R store
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
if [ -f tests/integration/package.json ]; then
  (cd tests/integration && { [ -d node_modules ] && npm ls --silent >/dev/null 2>&1 || npm ci --no-audit --no-fund --silent; })
fi
mode=${PARLEY_TEST_MODE:-asan}
scripts/build.sh "$mode"
dir=$([ "$mode" = asan ] && echo build-asan || echo build)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --test-dir "$dir" --output-on-failure -j"$(nproc)" --timeout 300 "$@"
