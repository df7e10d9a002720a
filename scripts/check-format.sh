#!/usr/bin/env bash
# Fails when a C++ file differs from what clang-format (the repo's .clang-format) makes of it.
#   scripts/check-format.sh        check
#   scripts/check-format.sh --fix  rewrite in place
set -euo pipefail
cd "$(dirname "$0")/.."
# Tracked files and new ones not yet added (a new file is checked before its commit).
mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.cpp' '*.hpp')
if [ "${1:-}" = --fix ]; then
  clang-format -i "${files[@]}"
else
  clang-format --dry-run --Werror "${files[@]}"
fi
