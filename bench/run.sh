#!/usr/bin/env bash
# Side-by-side benchmarks of parley and the peers in ../shared/peers (uWebSockets,
# node ws, nginx+nchan), all measured by the same client (build-bench/parley-load).
# Builds Release into build-bench/, starts each server in turn, runs the scenarios,
# writes one JSON file per run under bench/results/<timestamp>/ and prints the
# table with the ratios (bench/report.py). docs/PERFORMANCE.md explains it all.
#
#   bench/run.sh                 every scenario at full size (~15 min)
#   bench/run.sh --quick         small sizes (<= 2,000 connections, short steps)
#   bench/run.sh --only broadcast,idle      a subset: broadcast broadcast-sse small
#                                           idle ingest many micro
#   bench/run.sh --servers parley,uws       a subset of servers
#
# Environment: FLUSH_WINDOW_MS, MAX_QUEUE_BYTES, THREADS (parley, default 2),
# PARLEY_EXTRA_ENV ("K=V K=V" added to parley's environment), PEERS_HOME.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
peers=$(cd "$root/../shared/peers" && pwd)
build=$root/build-bench
quick=0
only="broadcast,broadcast-sse,small,idle,ingest,many,micro"
servers="parley,uws,ws,nchan"
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1 ;;
    --only) only=$2; shift ;;
    --servers) servers=$2; shift ;;
    *) echo "usage: bench/run.sh [--quick] [--only LIST] [--servers LIST]" >&2; exit 2 ;;
  esac
  shift
done
want() { [[ ",$only," == *",$1,"* ]]; }
has_server() { [[ ",$servers," == *",$1,"* ]]; }

# ---- build (Release); the micro-benchmarks need liburing (bench/micro/sweep.cpp)
dpkg-query -W -f='${Status}' liburing-dev 2>/dev/null | grep -q 'install ok installed' || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends liburing-dev >/dev/null
}
export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
export CCACHE_BASEDIR=$root CCACHE_NOHASHDIR=1
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPARLEY_BUILD_BENCH=ON \
  -DPARLEY_BUILD_TESTS=OFF -DCMAKE_CXX_FLAGS= >/dev/null
cmake --build "$build" -j"$(nproc)" --target parley parley-load parley-micro
need_apt=()
command -v wrk >/dev/null || need_apt+=(wrk)
command -v python3 >/dev/null || need_apt+=(python3)
if [ ${#need_apt[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi
if has_server nchan && [ ! -f /usr/lib/nginx/modules/ngx_nchan_module.so ]; then apt-get update -qq; fi

stamp=$(date +%Y%m%d-%H%M%S)
out=$here/results/$stamp
mkdir -p "$out"
export PEERS_HOME=${PEERS_HOME:-/tmp/parley-bench-peers}
mkdir -p "$PEERS_HOME"
load=$build/parley-load
{
  echo "date: $(date -u +%FT%TZ)"
  echo "commit: $(git -C "$root" rev-parse --short HEAD) ($(git -C "$root" status --short -- src | wc -l) files changed under src/)"
  echo "machine: $(nproc) cores, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "cpu pressure: $(head -1 /proc/pressure/cpu 2>/dev/null)"
  echo "parley: THREADS=${THREADS:-2} FLUSH_WINDOW_MS=${FLUSH_WINDOW_MS:-2} MAX_QUEUE_BYTES=${MAX_QUEUE_BYTES:-4194304} ${PARLEY_EXTRA_ENV:-}"
} >"$out/meta.txt"
work=$(mktemp -d /tmp/parley-bench.XXXXXX)
server_pid=""
server_name=""
cleanup() { stop_server; rm -rf "$work"; }
trap cleanup EXIT

# Ports of their own, so a peer another engineer runs on a default port is left alone.
declare -A port=([parley]=18080 [uws]=19002 [ws]=19001 [nchan]=18090)

wait_port() {  # wait_port PORT: until it accepts (20 s)
  for _ in $(seq 200); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "server on port $1 did not start" >&2
  return 1
}

start_server() {  # start_server NAME -> server_pid
  local name=$1
  server_name=$name
  case $name in
    parley)
      rm -rf "$work/db" && mkdir -p "$work/db"
      env PORT=${port[parley]} HOST=127.0.0.1 BASE_URL=http://127.0.0.1:${port[parley]} \
        DATABASE_URL="sqlite://$work/db/p.db" JWT_SECRET=bench-jwt-secret-0123456789abcdef \
        SESSION_SECRET=bench-session-secret-0123456789ab GUEST_LOGIN=true \
        SEND_RATE_PER_SEC=1000000 SEND_BURST=1000000 MAX_ALLOWED_CONNS=30000 \
        MAX_QUEUE_BYTES=${MAX_QUEUE_BYTES:-4194304} THREADS=${THREADS:-2} LOG_LEVEL=warn \
        FLUSH_WINDOW_MS=${FLUSH_WINDOW_MS:-2} ${PARLEY_EXTRA_ENV:-} \
        "$build/parley" serve >"$out/parley.log" 2>&1 &
      server_pid=$!
      ;;
    uws | ws) server_pid=$("$peers/start" "$name" "${port[$name]}" | tail -1) ;;
    nchan) server_pid=$("$peers/start" nchan "${port[nchan]}" | tail -1) ;;
  esac
  wait_port "${port[$name]}"
  sleep 0.5
}

stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    if [ "$server_name" = parley ]; then
      wait "$server_pid" 2>/dev/null || true  # our child: wait reaps it
    else
      for _ in $(seq 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    fi
    server_pid=""
  fi
}

load_avg() { cut -d' ' -f1 /proc/loadavg; }

# run_load FILE-STEM NAME [parley-load args...]: one server, one client run.
run_load() {
  local stem=$1 name=$2
  shift 2
  start_server "$name"
  echo "== $stem (load average $(load_avg))" >&2
  "$load" --target "$name" --port "${port[$name]}" --server-pid "$server_pid" \
    --label "$stem" --out "$out/$stem.json" "$@" || echo "   $stem: client failed" >&2
  stop_server
}

if [ $quick = 1 ]; then
  B_CONNS=2000; B_RATES=5,10,25,50,100,200,300,500; STEP=3; IDLE=2000
  M_CONNS=2000; M_ROOMS=200; M_RATES=2,5,10,20; ING_CONNS=200; ING_T=5; SMALL_T=5
else
  B_CONNS=10000; B_RATES=1,2,5,10,15,25,50,100,150,200,250,300,400; STEP=5; IDLE=10000
  M_CONNS=10000; M_ROOMS=1000; M_RATES=1,2,5,10,20,40; ING_CONNS=1000; ING_T=10; SMALL_T=10
fi
common=(--duration "$STEP" --drain 5 --ramp)

# 1. Broadcast: one room, increasing rates; the highest sustained rate is "best".
if want broadcast; then
  for s in parley uws ws nchan; do
    has_server $s || continue
    run_load "broadcast-ws-$s" $s --mode fanout --transport ws --conns $B_CONNS --rooms 1 \
      --rates $B_RATES "${common[@]}"
  done
fi
if want broadcast-sse; then
  for s in parley nchan; do
    has_server $s || continue
    run_load "broadcast-sse-$s" $s --mode fanout --transport sse --conns $B_CONNS --rooms 1 \
      --rates $B_RATES "${common[@]}"
  done
fi
# 2. Small rooms: 100 subscribers, 1,000 messages/s.
if want small; then
  for s in parley uws ws nchan; do
    has_server $s || continue
    run_load "small-ws-$s" $s --mode fanout --transport ws --conns 100 --rooms 1 --rates 1000 \
      --duration $SMALL_T --drain 5
  done
fi
# 3. Idle: RSS per connection.
if want idle; then
  for s in parley uws ws nchan; do
    has_server $s || continue
    run_load "idle-ws-$s" $s --mode idle --transport ws --conns $IDLE --settle 5
  done
  for s in parley nchan; do
    has_server $s || continue
    run_load "idle-sse-$s" $s --mode idle --transport sse --conns $IDLE --settle 5
  done
fi
# 4. Ingest: durable sends through WebSocket send -> store -> ack, then REST history with wrk.
if want ingest && has_server parley; then
  start_server parley
  echo "== ingest-parley (load average $(load_avg))" >&2
  "$load" --mode ingest --target parley --port ${port[parley]} --server-pid "$server_pid" \
    --conns $ING_CONNS --rooms 1000 --window 8 --duration $ING_T --warmup 2 --drain 10 \
    --label ingest-parley --out "$out/ingest-parley.json" || echo "   ingest: client failed" >&2
  if [ -s "$out/ingest-parley.json" ]; then
    python3 - "$out/ingest-parley.json" "$work/rooms.lua" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
rooms = ",".join('"%s"' % x for x in r["room_ids"])
open(sys.argv[2], "w").write("""
local rooms = {%s}
local token = "%s"
local n = 0
request = function()
  n = n + 1
  local room = rooms[(n %% #rooms) + 1]
  return wrk.format("GET", "/api/rooms/" .. room .. "/messages?limit=50",
                    {["Authorization"] = "Bearer " .. token})
end
""" % (rooms, r["token"]))
EOF
    echo "== history-parley (wrk)" >&2
    wrk -t2 -c64 -d${ING_T}s -s "$work/rooms.lua" "http://127.0.0.1:${port[parley]}" \
      >"$out/history-parley.txt" 2>&1 || true
    grep -E "Requests/sec|Latency|Non-2xx" "$out/history-parley.txt" >&2 || true
  fi
  stop_server
fi
# 5. Many rooms: 1,000 rooms of 10, every room busy.
if want many; then
  for s in parley nchan; do
    has_server $s || continue
    run_load "many-ws-$s" $s --mode fanout --transport ws --conns $M_CONNS --rooms $M_ROOMS \
      --rates $M_RATES "${common[@]}"
  done
fi
# Micro-benchmarks.
if want micro; then
  echo "== micro-benchmarks" >&2
  "$build/parley-micro" --benchmark_format=json --benchmark_out="$out/micro.json" \
    --benchmark_out_format=json >/dev/null 2>"$out/micro.err" || echo "   micro failed" >&2
fi

python3 "$here/report.py" "$out" | tee "$out/table.md"
echo "results: $out" >&2
