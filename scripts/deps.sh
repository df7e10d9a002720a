#!/usr/bin/env bash
# Installs what parley needs to build and test on Debian 12, only what is missing.
#   scripts/deps.sh build   compiler, CMake and the C++ libraries
#   scripts/deps.sh test    the above plus what the tests drive (node, sqlite3 cli,
#                           Chromium and fonts for the browser tests), and fuzz's
#   scripts/deps.sh fuzz    build's plus clang, libFuzzer and the sanitizer runtimes
#                           (libclang-rt-14-dev), llvm-symbolizer for readable reports
# apt-get update runs only when a package is missing, so a ready machine pays nothing.
set -euo pipefail
need=(g++ cmake ninja-build ccache pkg-config git
      libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
      libsqlite3-dev libpq-dev libhiredis-dev libsodium-dev libssl-dev libcurl4-openssl-dev
      libgumbo-dev libcmark-gfm-dev libcmark-gfm-extensions-dev libjemalloc-dev
      libspdlog-dev libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev)
# npm: the build fetches the web app's front-end packages (src/web/package-lock.json).
# A machine may carry its own Node.js (not Debian's); use it if it is there.
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
fuzz=(clang libclang-rt-14-dev llvm-14)
case ${1:-build} in
  test) need+=(sqlite3 curl clang-format python3 chromium fonts-dejavu-core fonts-noto-color-emoji "${fuzz[@]}") ;;
  fuzz) need+=("${fuzz[@]}") ;;
esac
missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd=sudo
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y --no-install-recommends "${missing[@]}"
fi
