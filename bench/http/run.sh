#!/usr/bin/env bash
# HTTP protocol overhead: MCP tools/call of a trivial read-only tool over Streamable HTTP with
# keep-alive, against nginx answering a fixed JSON document on the same machine, same run.
#
#   bench/http/run.sh [runs] [seconds]        (defaults: 5 runs of 10 s each)
#
# Environment: HERALD_BIN (default: build-rel/herald, built Release if missing), CONNECTIONS (32),
# THREADS (wrk threads, 2), HERALD_BENCH_MODE: fixtures (default: --conformance-fixtures, auth
# off, tool test_simple_text) or apikey (first-start admin key, tool MCP_TOOL, default
# list_platforms). Prints one line per run, then medians, the ratio and herald's peak RSS
# (VmHWM). Needs wrk and nginx (Debian packages).
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
RUNS="${1:-5}"
SECONDS_PER_RUN="${2:-10}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
MODE="${HERALD_BENCH_MODE:-fixtures}"
HERE="$HERALD_ROOT/bench/http"
ensure_packages wrk nginx curl

HERALD_BIN="${HERALD_BIN:-$HERALD_ROOT/build-rel/herald}"
if [ ! -x "$HERALD_BIN" ]; then
  log "building herald (Release) into $HERALD_ROOT/build-rel"
  cmake -S "$HERALD_ROOT" -B "$HERALD_ROOT/build-rel" -DCMAKE_BUILD_TYPE=Release \
    -DHERALD_BUILD_TESTS=OFF -DHERALD_BUILD_BENCH=OFF >/dev/null
  cmake --build "$HERALD_ROOT/build-rel" -j "$(nproc)" --target herald
fi

work=$(mktemp -d /tmp/herald-bench.XXXXXX)
chmod 755 "$work"
herald_pid=""
nginx_pid=""
cleanup() {
  [ -n "$herald_pid" ] && kill "$herald_pid" 2>/dev/null || true
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# ---- herald ----
if [ "$MODE" = fixtures ]; then
  TOOL="${MCP_TOOL:-test_simple_text}"
  serve_args=(--conformance-fixtures)
else
  TOOL="${MCP_TOOL:-list_platforms}"
  serve_args=()
fi
"$HERALD_BIN" --data "$work/data" --log-level warn serve --listen 127.0.0.1:0 "${serve_args[@]}" \
  >"$work/herald.out" 2>"$work/herald.err" &
herald_pid=$!
for _ in $(seq 300); do grep -q "herald: listening" "$work/herald.out" 2>/dev/null && break; sleep 0.05; done
herald_url=$(grep -o "http://127.0.0.1:[0-9]*" "$work/herald.out" | tail -1)
[ -n "$herald_url" ] || die "herald did not start: $(cat "$work/herald.err")"
key=""
[ "$MODE" = apikey ] && key=$(grep -o "hk_[A-Za-z0-9_-]\{43\}" "$work/herald.out" | head -1)
auth=()
[ -n "$key" ] && auth=(-H "Authorization: Bearer $key")
session=$(curl -sS -D - -o /dev/null "$herald_url/mcp" "${auth[@]}" -H 'Content-Type: application/json' \
  -d '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}' |
  tr -d '\r' | awk -F': ' 'tolower($1)=="mcp-session-id"{print $2}')
[ -n "$session" ] || die "no MCP session"
curl -sS -o /dev/null "$herald_url/mcp" "${auth[@]}" -H 'Content-Type: application/json' \
  -H "Mcp-Session-Id: $session" -d '{"jsonrpc":"2.0","method":"notifications/initialized"}'
sample=$(curl -sS "$herald_url/mcp" "${auth[@]}" -H 'Content-Type: application/json' \
  -H "Mcp-Session-Id: $session" -H 'MCP-Protocol-Version: 2025-11-25' \
  -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"$TOOL\",\"arguments\":{}}}")
grep -q '"result"' <<<"$sample" || die "tools/call $TOOL failed: $sample"

# ---- nginx: the same-size JSON answer, fixed ----
nginx_port=$(free_port)
printf '%s' "$sample" >"$work/answer.json"
mkdir -p "$work/nginx/logs"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 60s;
  client_body_buffer_size 16k;
  server {
    listen 127.0.0.1:$nginx_port;
    location = /mcp {
      default_type application/json;
      return 200 '$(sed "s/'/\\\\'/g" "$work/answer.json")';
    }
  }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
for _ in $(seq 100); do curl -sf -o /dev/null -X POST "http://127.0.0.1:$nginx_port/mcp" -d '{}' && break; sleep 0.05; done

run_wrk() {  # url session key -> "rps p50 p99 errors"
  MCP_SESSION="$2" HERALD_API_KEY="$3" MCP_TOOL="$TOOL" \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -s "$HERE/tools_call.lua" "$1" |
    awk '/^RESULT/ {for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
                    print v["rps"], v["p50_ms"], v["p99_ms"], v["errors"] + v["wrong"]}'
}
median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

log "warm-up"
run_wrk "$herald_url" "$session" "$key" >/dev/null
run_wrk "http://127.0.0.1:$nginx_port" "" "" >/dev/null
: >"$work/herald.runs"
: >"$work/nginx.runs"
for i in $(seq "$RUNS"); do
  h=$(run_wrk "$herald_url" "$session" "$key")
  n=$(run_wrk "http://127.0.0.1:$nginx_port" "" "")
  echo "$h" >>"$work/herald.runs"
  echo "$n" >>"$work/nginx.runs"
  printf 'run %d: herald rps=%s p50=%sms p99=%sms errors=%s | nginx rps=%s p50=%sms p99=%sms errors=%s\n' \
    "$i" $h $n
done
hwm_kb=$(awk '/VmHWM/ {print $2}' "/proc/$herald_pid/status")
h_rps=$(awk '{print $1}' "$work/herald.runs" | median)
h_p99=$(awk '{print $3}' "$work/herald.runs" | median)
h_p50=$(awk '{print $2}' "$work/herald.runs" | median)
n_rps=$(awk '{print $1}' "$work/nginx.runs" | median)
n_p99=$(awk '{print $3}' "$work/nginx.runs" | median)
errors=$(awk '{s += $4} END {print s}' "$work/herald.runs")
ratio=$(awk -v h="$h_rps" -v n="$n_rps" 'BEGIN {printf "%.2f", h / n}')
echo
echo "date:        $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine:     $(nproc) CPU ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "command:     bench/http/run.sh $RUNS $SECONDS_PER_RUN (mode $MODE, tool $TOOL, wrk -t$THREADS -c$CONNECTIONS)"
echo "herald:      median $h_rps req/s, p50 ${h_p50} ms, p99 ${h_p99} ms, errors $errors, peak RSS $((hwm_kb / 1024)) MiB (VmHWM ${hwm_kb} kB)"
echo "nginx:       median $n_rps req/s, p99 ${n_p99} ms"
echo "ratio:       $ratio (goal >= 0.50); p99 goal < 5 ms; RSS goal <= 32 MiB"
