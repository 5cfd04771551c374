#!/usr/bin/env bash
# analytics_report over 1 year × 50 accounts × 10 posts a day, on SQLite and PostgreSQL.
#
#   bench/analytics/run.sh [reps=40]
#
# Builds analytics_bench (RelWithDebInfo) in build-bench/, starts a throwaway PostgreSQL
# (scripts/lib.sh start_postgres), seeds both stores with 182,500 measured posts and prints p50
# and p99 per report shape as Markdown tables.
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
BUILD="${HERALD_BENCH_BUILD_DIR:-$HERALD_ROOT/build-bench}"
log "building analytics_bench in $BUILD"
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  cmake -S "$HERALD_ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHERALD_BUILD_TESTS=OFF \
    >/dev/null
fi
cmake --build "$BUILD" -j 2 --target analytics_bench >/dev/null
start_postgres
trap stop_postgres EXIT
HERALD_BENCH_PG_URL="$HERALD_TEST_PG_URL" "$BUILD/analytics_bench" "${1:-40}"
