#!/usr/bin/env bash
# Hostile-input figures (issue 9): what a hostile client costs everyone else.
#
#   bench/hostile/run.sh [HERALD_BIN [LABEL]]      # default build-release/herald, else build/herald
#   HERALD_BASELINE_BIN=/path/to/old/herald bench/hostile/run.sh   # also measures a baseline
#
# For each binary: starts `herald serve` on a free loopback port with a fresh SQLite store and a
# viewer key, then
#   1. 5 sequential POSTs of a 4,000,000-byte body of 2 million nested arrays to REST
#      (/api/v1/tools/list_posts) and to /mcp: answers and median seconds;
#   2. 32 such POSTs at once to REST, and a GET /api/v1/posts timed while they run;
#   3. 2,000 idle TCP connections without a key held open, then 5 keyed GET /api/v1/posts on
#      new connections: answers and median seconds;
#   4. the server's peak RSS (VmHWM).
# Needs curl, python3, bc. Loopback only; every loop is bounded.
set -uo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"

measure() {
  local bin=$1 label=$2 dir port key pid
  dir=$(mktemp -d /tmp/herald-hostile.XXXXXX)
  port=$(free_port)
  key=$("$bin" --data "$dir" keys create --name bench --role viewer 2>/dev/null | grep -o 'hk_[A-Za-z0-9_-]*' | head -1)
  [ -n "$key" ] || { echo "$label: could not create a key"; return 1; }
  ulimit -n 65536 2>/dev/null || true
  "$bin" --data "$dir" serve --listen "127.0.0.1:$port" --no-workers >"$dir/log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.1; done
  python3 -c "import sys; sys.stdout.write('['*2000000 + ']'*2000000)" >"$dir/deep.json"
  local h=(-H "Authorization: Bearer $key" -H "Content-Type: application/json"
           -H "Accept: application/json, text/event-stream")
  median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

  local target
  for target in /api/v1/tools/list_posts /mcp; do
    : >"$dir/times"
    for _ in 1 2 3 4 5; do
      curl -s -o "$dir/body" -w "%{http_code} %{time_total}\n" "${h[@]}" --max-time 60 \
        --data-binary @"$dir/deep.json" "http://127.0.0.1:$port$target" >>"$dir/times"
    done
    echo "$label nested 4 MB $target: answers $(cut -d' ' -f1 "$dir/times" | sort | uniq -c | xargs)," \
         "median $(cut -d' ' -f2 "$dir/times" | median) s; body: $(head -c 120 "$dir/body")"
  done

  local start end get i
  start=$(date +%s.%N)
  for i in $(seq 1 32); do
    curl -s -o /dev/null -w "%{http_code}\n" "${h[@]}" --max-time 120 --data-binary @"$dir/deep.json" \
      "http://127.0.0.1:$port/api/v1/tools/list_posts" >"$dir/c$i" &
  done
  sleep 0.2
  get=$(curl -s -o /dev/null -w "%{http_code} %{time_total}" --max-time 60 \
    -H "Authorization: Bearer $key" "http://127.0.0.1:$port/api/v1/posts")
  wait $(jobs -p | grep -v "^$pid$") 2>/dev/null
  end=$(date +%s.%N)
  echo "$label 32 nested at once: answers $(cat "$dir"/c* | sort | uniq -c | xargs)," \
       "wall $(echo "$end - $start" | bc) s; GET /api/v1/posts meanwhile: $get s"

  # 2,000 idle connections held by one python process; keyed requests timed meanwhile.
  python3 - "$port" "$key" <<'PY'
import socket, subprocess, sys, time, statistics
port, key = int(sys.argv[1]), sys.argv[2]
idle = []
for _ in range(2000):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        idle.append(s)
    except OSError:
        break
times, codes = [], []
for _ in range(5):
    out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{time_total}",
                          "--max-time", "15", "-H", f"Authorization: Bearer {key}",
                          f"http://127.0.0.1:{port}/api/v1/posts"], capture_output=True, text=True).stdout
    code, t = (out.split() + ["000", "15"])[:2]
    codes.append(code); times.append(float(t))
print(f"  idle connections opened: {len(idle)}; keyed GET /api/v1/posts answers {' '.join(codes)}, "
      f"median {statistics.median(times):.4f} s")
for s in idle: s.close()
PY
  echo "$label server memory: $(grep -E 'VmHWM' /proc/$pid/status | tr -s ' \t' ' ')"
  kill "$pid"; wait "$pid" 2>/dev/null
  rm -rf "$dir"
}

BIN=${1:-}
if [ -z "$BIN" ]; then
  BIN="$HERALD_ROOT/build-release/herald"; [ -x "$BIN" ] || BIN="$HERALD_ROOT/build/herald"
fi
measure "$BIN" "${2:-herald}"
if [ -n "${HERALD_BASELINE_BIN:-}" ]; then measure "$HERALD_BASELINE_BIN" baseline; fi
