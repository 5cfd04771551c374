#!/usr/bin/env bash
# analytics_report on the path users take: herald serve with its first-start admin API key, the
# history of 50 accounts x 1 year x 10 posts/day seeded into that organization (analytics_bench
# seed), then MCP tools/call over Streamable HTTP (tool_path.py): on SQLite, and on PostgreSQL
# (started by scripts/lib.sh start_postgres). Prints the first report after start (it fills the
# in-memory cache) and p50/p99 per report shape.
#
#   bench/analytics/tool_path.sh [reps]     HERALD_BIN (build/herald), ANALYTICS_BENCH
#                                           (build/analytics_bench)
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
REPS="${1:-20}"
HERALD_BIN="${HERALD_BIN:-$HERALD_ROOT/build/herald}"
ANALYTICS_BENCH="${ANALYTICS_BENCH:-$HERALD_ROOT/build/analytics_bench}"
[ -x "$HERALD_BIN" ] || die "no herald at $HERALD_BIN (build it, or set HERALD_BIN)"
[ -x "$ANALYTICS_BENCH" ] || die "no analytics_bench at $ANALYTICS_BENCH"

work=$(mktemp -d /tmp/herald-analytics-path.XXXXXX)
herald_pid=""
cleanup() {
  [ -n "$herald_pid" ] && kill "$herald_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Starts herald on database $1 (data dir $2); sets herald_pid and herald_url.
start_herald() {
  "$HERALD_BIN" --data "$2" --db "$1" --log-level warn serve --listen 127.0.0.1:0 \
    >"$2.out" 2>"$2.err" &
  herald_pid=$!
  for _ in $(seq 600); do grep -q "herald: listening" "$2.out" 2>/dev/null && break; sleep 0.05; done
  herald_url=$(grep -o "http://127.0.0.1:[0-9]*" "$2.out" | tail -1)
  [ -n "$herald_url" ] || die "herald did not start: $(cat "$2.err")"
}
stop_herald() {
  kill "$herald_pid"
  wait "$herald_pid" 2>/dev/null || true
  herald_pid=""
}

# $1 backend name, $2 database URL, $3 a command printing the organization id.
measure() {
  local data="$work/$1"
  start_herald "$2" "$data"
  local key
  key=$(grep -o "hk_[A-Za-z0-9_-]\{43\}" "$data.out" | head -1)
  [ -n "$key" ] || die "$1: no first-start API key in the output"
  stop_herald
  local org
  org=$(eval "$3")
  "$ANALYTICS_BENCH" seed "$2" "$org"
  start_herald "$2" "$data"
  python3 "$HERALD_ROOT/bench/analytics/tool_path.py" "$herald_url" "$key" "$1" "$REPS" \
    "$herald_pid"
  stop_herald
}

measure sqlite "sqlite:$work/sqlite/herald.db" \
  "sqlite3 '$work/sqlite/herald.db' 'SELECT id FROM organizations LIMIT 1'"
start_postgres
trap 'stop_postgres; cleanup' EXIT
db="herald_path_bench_$$"
psql "$HERALD_TEST_PG_URL" -qc "CREATE DATABASE $db" >/dev/null
pg_url="${HERALD_TEST_PG_URL%/*}/$db"
measure postgres "$pg_url" "psql '$pg_url' -Atc 'SELECT id FROM organizations LIMIT 1'"
