#!/usr/bin/env bash
# Publishing-core benchmarks (bench/RESULTS.md, "Publishing core"). Builds the drivers in
# RelWithDebInfo, starts a throwaway PostgreSQL and a Mastodon emulator process, and runs:
#   1. schedule_post over Streamable HTTP at 32 connections (mcp_load), on PostgreSQL and on
#      SQLite, and on PostgreSQL a raw pgbench of the same transaction (one per call) on the
#      same server in the same run;
#   2. scheduling precision: 10,000 pending posts spread over 20 s, delay between publish_at
#      and the request reaching the emulator (its ledger's created_at);
#   3. publish throughput: 10,000 posts due at the same instant over 200 accounts.
# Prints one JSON line per measurement and the machine's load average.
#
#   bench/core/run.sh [sqlite|postgres|all] [schedule|precision|throughput|all]
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"

BACKENDS=${1:-all}
WHAT=${2:-all}
BUILD=${HERALD_BENCH_BUILD_DIR:-$HERALD_ROOT/build-rel}
CONNECTIONS=${CONNECTIONS:-32}
SECONDS_RUN=${SECONDS_RUN:-10}

if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  cmake -S "$HERALD_ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHERALD_WERROR=ON >/dev/null
fi
cmake --build "$BUILD" -j "$(nproc)" --target herald herald-emulator mcp_load core_bench >/dev/null
HERALD="${HERALD_BIN:-$BUILD/herald}"  # HERALD_BIN: another binary (e.g. a baseline)
EMU="$BUILD/herald-emulator"
LOAD="$BUILD/mcp_load"
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "${HERALD_TEST_PG_DIR:-}" ] && stop_postgres
  rm -rf "$WORK"
}
trap cleanup EXIT

# Starts "$@" in the background with stdout to $1.out; waits for a line matching the pattern in
# $2 and puts it in LINE.
start_and_wait() {
  local name=$1 pattern=$2; shift 2
  "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
  PIDS+=($!)
  for _ in $(seq 1 300); do
    if LINE=$(grep -m1 -E "$pattern" "$WORK/$name.out" 2>/dev/null); then return 0; fi
    sleep 0.1
  done
  cat "$WORK/$name.err" >&2
  die "$name did not start"
}

json_get() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

# Starts herald serve on $1 (db url) with data dir $2; sets BASE and KEY.
start_herald() {
  local db=$1 data=$2
  mkdir -p "$data"
  KEY=$(HERALD_DATA=$data HERALD_DB=$db "$HERALD" keys create --name bench --role admin)
  HERALD_DATA=$data HERALD_DB=$db HERALD_LOG_LEVEL=${HERALD_LOG_LEVEL:-warn} HERALD_PUBLISH_RATES='*=0' \
    HERALD_WORKER_CONCURRENCY=${WORKER_CONCURRENCY:-64} \
    start_and_wait "herald-$(basename "$data")" 'listening on http' \
    "$HERALD" serve --listen 127.0.0.1:0
  BASE=$(echo "$LINE" | grep -oE 'http://[0-9.:]+')
}

# Connects $1 Mastodon accounts on the emulator at $EMU_URL; sets ACCOUNTS (comma list).
connect_accounts() {
  local n=$1 ids=() token acc
  for i in $(seq 1 "$n"); do
    token=$(curl -sf -X POST "$EMU_URL/__emulator/tokens" -d "{\"username\":\"bench$i$RANDOM\"}" |
            json_get "['token']")
    acc=$(curl -sf -X POST "$BASE/api/v1/accounts" -H "Authorization: Bearer $KEY" \
            -H 'Content-Type: application/json' \
            -d "{\"platform\":\"mastodon\",\"instance_url\":\"$EMU_URL\",\"access_token\":\"$token\"}" |
          json_get "['account_id']")
    ids+=("$acc")
  done
  ACCOUNTS=$(IFS=,; echo "${ids[*]}")
}

# Live posts on the emulator (a count, not the ledger: polling the whole ledger every 100 ms
# cost the emulator more CPU than herald's publishing on a 2-core machine).
emu_posts_count() { curl -sf "$EMU_URL/__emulator/posts/count" | json_get "['live']"; }

wait_emu_posts() {
  local want=$1 limit=$2
  for _ in $(seq 1 $((limit * 10))); do
    [ "$(emu_posts_count)" -ge "$want" ] && return 0
    sleep 0.1
  done
  return 1
}

# Joins the emulator ledger with mcp_load's record: delay = created_at - publish_at.
precision_report() {
  curl -sf "$EMU_URL/__emulator/posts" >"$WORK/ledger.json"
  python3 - "$WORK/ledger.json" "$1" <<'PY'
import json, sys, datetime
def t(s):
    s = s.replace('Z', '+00:00')
    return datetime.datetime.fromisoformat(s).timestamp()
ledger = {p['text']: t(p['created_at']) for p in json.load(open(sys.argv[1]))['posts']}
delays = []
for line in open(sys.argv[2]):
    pid, text, at = line.rstrip('\n').split('\t')
    if text in ledger:
        delays.append((ledger[text] - t(at)) * 1000)
delays.sort()
pct = lambda p: delays[min(len(delays) - 1, int(p * len(delays)))] if delays else None
print(json.dumps({"bench": "scheduling precision", "posts": len(delays),
                  "p50_ms": pct(0.5), "p99_ms": pct(0.99), "max_ms": delays[-1] if delays else None,
                  "min_ms": delays[0] if delays else None}))
PY
}

throughput_report() {
  curl -sf "$EMU_URL/__emulator/posts" >"$WORK/ledger.json"
  python3 - "$WORK/ledger.json" <<'PY'
import json, sys, datetime
def t(s): return datetime.datetime.fromisoformat(s.replace('Z', '+00:00')).timestamp()
ts = sorted(t(p['created_at']) for p in json.load(open(sys.argv[1]))['posts'])
span = ts[-1] - ts[0] if len(ts) > 1 else 0
print(json.dumps({"bench": "publish throughput", "posts": len(ts), "seconds": span,
                  "per_second": len(ts) / span if span else None}))
PY
}

run_backend() {
  local backend=$1 db data
  data="$WORK/data-$backend"
  if [ "$backend" = postgres ]; then
    psql "$HERALD_TEST_PG_URL" -qc "DROP DATABASE IF EXISTS herald_bench" >/dev/null
    psql "$HERALD_TEST_PG_URL" -qc "CREATE DATABASE herald_bench" >/dev/null
    db="${HERALD_TEST_PG_URL%/*}/herald_bench"
  else
    db="sqlite:$data/herald.db"
  fi
  start_and_wait "emu-$backend" 'listening on' "$EMU" mastodon
  EMU_URL="http://$(echo "$LINE" | grep -oE '127\.0\.0\.1:[0-9]+')"
  curl -sf -X POST "$EMU_URL/__emulator/config" -d '{"rate_limit": 100000000}' >/dev/null
  start_herald "$db" "$data"
  echo "{\"backend\":\"$backend\",\"load_average\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"

  if [ "$WHAT" = all ] || [ "$WHAT" = schedule ]; then
    connect_accounts 100
    "$LOAD" --url "$BASE" --key "$KEY" --accounts "$ACCOUNTS" --connections "$CONNECTIONS" \
      --seconds "$SECONDS_RUN" --warmup 2
    if [ "$backend" = postgres ]; then
      local org acc pgbin
      org=$(psql "$db" -Atc "SELECT org_id FROM accounts LIMIT 1")
      acc=$(psql "$db" -Atc "SELECT id FROM accounts LIMIT 1")
      "$BUILD/core_bench" pgbench-sql --org "$org" --account "$acc" >"$WORK/schedule.sql"
      pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
      "$pgbin/pgbench" -n -c "$CONNECTIONS" -j 2 -T "$SECONDS_RUN" -r -f "$WORK/schedule.sql" \
        "$db" 2>&1 | python3 -c "
import re, sys, json
text = sys.stdin.read()
tps = re.search(r'tps = ([0-9.]+)', text)
lat = re.search(r'latency average = ([0-9.]+) ms', text)
print(json.dumps({'bench': 'pgbench, same transaction, one per call', 'clients': $CONNECTIONS,
                  'per_second': float(tps.group(1)) if tps else None,
                  'latency_avg_ms': float(lat.group(1)) if lat else None}))"
    fi
  fi
  if [ "$WHAT" = all ] || [ "$WHAT" = precision ]; then
    curl -sf -X POST "$EMU_URL/__emulator/reset" >/dev/null
    curl -sf -X POST "$EMU_URL/__emulator/config" -d '{"rate_limit": 100000000}' >/dev/null
    connect_accounts 100
    "$LOAD" --url "$BASE" --key "$KEY" --accounts "$ACCOUNTS" --connections "$CONNECTIONS" \
      --seconds 120 --warmup 0 --max-calls 10000 --publish-in-s 40 --publish-at-spread-s 20 \
      --record "$WORK/precision.tsv"
    wait_emu_posts 10000 90 || echo '{"warning":"not every post arrived in time"}'
    precision_report "$WORK/precision.tsv"
  fi
  if [ "$WHAT" = all ] || [ "$WHAT" = throughput ]; then
    curl -sf -X POST "$EMU_URL/__emulator/reset" >/dev/null
    curl -sf -X POST "$EMU_URL/__emulator/config" -d '{"rate_limit": 100000000}' >/dev/null
    connect_accounts 200
    local at
    at=$(date -u -d '+45 seconds' +%Y-%m-%dT%H:%M:%SZ)
    "$LOAD" --url "$BASE" --key "$KEY" --accounts "$ACCOUNTS" --connections "$CONNECTIONS" \
      --seconds 120 --warmup 0 --max-calls 10000 --publish-at "$at"
    wait_emu_posts 10000 120 || echo '{"warning":"not every post arrived in time"}'
    throughput_report
  fi
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  PIDS=()
}

if [ "$BACKENDS" = all ] || [ "$BACKENDS" = postgres ]; then
  start_postgres
  run_backend postgres
fi
if [ "$BACKENDS" = all ] || [ "$BACKENDS" = sqlite ]; then
  run_backend sqlite
fi
