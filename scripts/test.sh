#!/usr/bin/env bash
# Builds parley and runs every test, in three stages:
#   1. build-asan/, AddressSanitizer + UndefinedBehaviorSanitizer: every ctest test
#      (unit, store conformance, integration over real sockets, browser);
#   2. build-tsan/, ThreadSanitizer: the tests labelled tsan (the store's writer,
#      checkpointer and reader threads, the hub, integration tests that load them);
#   3. scripts/fuzz.sh: every fuzz target for PARLEY_FUZZ_SECONDS (default 45) each.
#   scripts/test.sh [ctest args...]   e.g. scripts/test.sh -R store: stage 1 only, filtered
# Locally, PARLEY_SKIP_TSAN=1 and PARLEY_SKIP_FUZZ=1 leave out stages 2 and 3
# (CI runs all three).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
if [ -f tests/integration/package.json ]; then
  (cd tests/integration && { [ -d node_modules ] && npm ls --silent >/dev/null 2>&1 || npm ci --no-audit --no-fund --silent; })
fi
mode=${PARLEY_TEST_MODE:-asan}
stages=()
stage() {  # stage NAME COMMAND...: runs it and keeps its wall time for the summary
  local name=$1 started=$SECONDS
  shift
  "$@"
  stages+=("$name $((SECONDS - started))s")
}

# Every report goes to a file: a server the integration harness stops with close()
# or kill -9 is not asked for its exit code (66 after a report), so the files are
# what fails the stage. Servers under TSan run slower: the harness's waits stretch.
tsan_ctest() {
  local reports=$PWD/build-tsan/tsan-reports options=second_deadlock_stack=1 rc=0
  rm -rf "$reports" && mkdir -p "$reports"
  [ -f tests/tsan.supp ] && options+=:suppressions=$PWD/tests/tsan.supp
  TSAN_OPTIONS="${TSAN_OPTIONS:-$options}:log_path=$reports/report" \
    PARLEY_TEST_TIME_SCALE="${PARLEY_TEST_TIME_SCALE:-3}" \
    ctest --test-dir build-tsan -L tsan --output-on-failure -j"$(nproc)" --timeout 600 || rc=$?
  if compgen -G "$reports/report.*" >/dev/null; then
    cat "$reports"/report.*
    echo "ThreadSanitizer: $(ls "$reports" | wc -l) process(es) reported, above (files in $reports)" >&2
    return 1
  fi
  return "$rc"
}

dir=$([ "$mode" = asan ] && echo build-asan || echo build)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
stage "build-$mode" scripts/build.sh "$mode"
stage "ctest-$mode" ctest --test-dir "$dir" --output-on-failure -j"$(nproc)" --timeout 300 "$@"

# A filtered run is someone checking one thing: the other stages are for the whole run.
if (($# == 0)) && [ "$mode" = asan ]; then
  if [ -z "${PARLEY_SKIP_TSAN:-}" ]; then
    stage build-tsan scripts/build.sh tsan
    stage ctest-tsan tsan_ctest
  fi
  if [ -z "${PARLEY_SKIP_FUZZ:-}" ]; then
    stage fuzz scripts/fuzz.sh "${PARLEY_FUZZ_SECONDS:-45}"
  fi
fi
echo "test.sh stages: ${stages[*]}"
