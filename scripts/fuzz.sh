#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) with clang in build-fuzz/ and runs each
# for a bounded time over a scratch copy of its seed corpus (tests/fuzz/corpus/<name>,
# which is never grown automatically). Fails on any crash, broken promise, leak,
# timeout or memory blow-up, and prints one summary line per target.
#   scripts/fuzz.sh [seconds-per-target]     default 45; 0 only builds
#   PARLEY_FUZZ_TARGETS="markdown dotenv" scripts/fuzz.sh 600   some targets, longer
# A failing input is kept in build-fuzz/artifacts/<name>/; replay it with
#   build-fuzz/fuzz/<name>_fuzz build-fuzz/artifacts/<name>/crash-...
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-45}
scripts/deps.sh fuzz
# The same cache settings as scripts/build.sh (clang's objects never collide with GCC's).
export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1
dir=build-fuzz
CC=clang CXX=clang++ cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Fuzz -DPARLEY_BUILD_FUZZ=ON \
  -DPARLEY_BUILD_TESTS=OFF >/dev/null
cmake --build "$dir" --target fuzz -j"$(nproc)"
((seconds > 0)) || exit 0  # (libFuzzer reads -max_total_time=0 as "no limit")

targets=${PARLEY_FUZZ_TARGETS:-$(cd tests/fuzz && ls -- *_fuzz.cpp | sed 's/_fuzz\.cpp$//')}
# Readable stacks in a report (llvm-14 from deps.sh), and leaks count as failures.
export ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-$(command -v llvm-symbolizer-14 || true)}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
rm -rf "$dir/scratch" "$dir/artifacts"

run_one() {
  local name=$1 work=$dir/scratch/$1 art=$dir/artifacts/$1/
  mkdir -p "$work" "$art"
  cp tests/fuzz/corpus/"$name"/* "$work"/
  local started=$SECONDS rc=0
  # -timeout: one input taking 10 s is a hang; -rss_limit_mb: a blow-up, not a
  # machine in swap; -max_len: a chat message or frame is a few KiB, and the
  # corpus stays quick to run.
  "$dir/fuzz/${name}_fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=8192 -print_final_stats=1 -artifact_prefix="$art" "$work" \
    >"$dir/scratch/$name.log" 2>&1 || rc=$?
  local runs cov corpus
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/scratch/$name.log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+' "$dir/scratch/$name.log" | tail -1 | cut -d' ' -f2)
  corpus=$(find "$work" -type f | wc -l)
  if ((rc == 0)); then
    printf 'fuzz %-11s ok    %4ds %9s runs  cov %5s  corpus %d\n' "$name" $((SECONDS - started)) \
      "${runs:-?}" "${cov:-?}" "$corpus"
  else
    printf 'fuzz %-11s FAIL  %4ds exit %d: %s\n' "$name" $((SECONDS - started)) "$rc" \
      "$(ls "$art" | head -1)"
    grep -E 'broken promise|ERROR: |SUMMARY: ' "$dir/scratch/$name.log" | head -5 | sed 's/^/    /'
    echo "    full log: $dir/scratch/$name.log"
  fi
  return "$rc"
}

# One target per core at a time, each single-threaded. Results go through files:
# `wait -n` reaps a job, after which bash may no longer report its status.
for name in $targets; do
  while (($(jobs -rp | wc -l) >= $(nproc))); do wait -n || true; done
  (run_one "$name" && echo ok >"$dir/scratch/$name.result" || echo failed >"$dir/scratch/$name.result") &
done
wait
failed=0
for name in $targets; do
  [ "$(cat "$dir/scratch/$name.result" 2>/dev/null)" = ok ] || failed=$((failed + 1))
done
if ((failed)); then
  echo "fuzz: $failed target(s) failed; inputs in $dir/artifacts/" >&2
  exit 1
fi
