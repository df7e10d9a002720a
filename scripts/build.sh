#!/usr/bin/env bash
# Configures and builds parley.  scripts/build.sh [release|asan|tsan]  (default release)
#   release -> build/        (build/parley)
#   asan    -> build-asan/   AddressSanitizer + UndefinedBehaviorSanitizer, what CI tests
#   tsan    -> build-tsan/   ThreadSanitizer, what CI runs the threaded tests under
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-release}
scripts/deps.sh build
# The web app's front-end packages (htmx, its SSE extension), pinned in package-lock.json;
# CMake copies them into <build>/static. Nothing third-party is committed.
if [ ! -d src/web/node_modules ]; then
  (cd src/web && npm ci --no-audit --no-fund --silent)
fi
case $mode in
  release) dir=build; type=Release ;;
  asan) dir=build-asan; type=Asan ;;
  tsan) dir=build-tsan; type=Tsan ;;
  *) echo "usage: scripts/build.sh [release|asan|tsan]" >&2; exit 2 ;;
esac
# ccache must ignore the PCH timestamp or it never hits.
export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
# Paths relative to the checkout, so a second clone or worktree hits the same cache.
export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" ${PARLEY_CMAKE_ARGS:-} >/dev/null
cmake --build "$dir" -j"$(nproc)"
