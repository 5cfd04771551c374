#!/usr/bin/env bash
# Store benchmarks next to raw pgbench, against one throwaway PostgreSQL started here.
#
#   bench/store/run.sh              # DURATION=20 (pgbench seconds), REPS=3 (repetitions)
#
# 1. builds store_bench (RelWithDebInfo, -O2) in build-bench/;
# 2. starts PostgreSQL (scripts/lib.sh start_postgres; fsync=on);
# 3. pgbench: bench/store/write_post.sql (the store's exact "schedule a post" write: post + 2
#    targets + 2 jobs + NOTIFY in one transaction), -M prepared, -c 1 and -c 32, REPS runs each;
# 4. store_bench: the same write through the store (Write at 1 and 32 threads, WriteBatched at 32
#    threads) and claiming 100 due jobs, on a SQLite file and on PostgreSQL, REPS repetitions;
# 5. prints medians and the ratios.
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
DURATION="${DURATION:-20}"
REPS="${REPS:-3}"
BUILD="${HERALD_BENCH_BUILD_DIR:-$HERALD_ROOT/build-bench}"
OUT="${HERALD_BENCH_OUT:-$(mktemp -d /tmp/herald-store-bench.XXXXXX)}"
mkdir -p "$OUT"

log "building store_bench in $BUILD"
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  cmake -S "$HERALD_ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHERALD_BUILD_TESTS=OFF \
    >/dev/null
fi
cmake --build "$BUILD" -j "$(nproc)" --target store_bench >/dev/null

start_postgres
trap stop_postgres EXIT
PSQL=("$HERALD_TEST_PG_BIN/psql" -q -v ON_ERROR_STOP=1)
ADMIN="$HERALD_TEST_PG_URL"
DB_URL="${ADMIN%/*}/herald_pgbench"

log "seeding herald_pgbench (schema from store/postgres/migrations)"
"${PSQL[@]}" "$ADMIN" -c "CREATE DATABASE herald_pgbench" >/dev/null
for f in "$HERALD_ROOT"/store/postgres/migrations/*.sql; do "${PSQL[@]}" "$DB_URL" -f "$f" >/dev/null; done
"${PSQL[@]}" "$DB_URL" >/dev/null <<'SQL'
INSERT INTO organizations VALUES ('org_bench', 'bench', 0);
INSERT INTO accounts VALUES ('acc_bench1', 'org_bench', 'mastodon', 'e1', '@a', 'A', 'https://x', '{}', 'v1.x.y', 'active', NULL, '', 0, 0);
INSERT INTO accounts VALUES ('acc_bench2', 'org_bench', 'mastodon', 'e2', '@b', 'B', 'https://x', '{}', 'v1.x.y', 'active', NULL, '', 0, 0);
SQL

median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) {print "nan"} else if (NR%2) {print a[(NR+1)/2]} else {print (a[NR/2]+a[NR/2+1])/2}}'; }

PGBENCH_CMD=("$HERALD_TEST_PG_BIN/pgbench" -n -M prepared -f "$HERALD_ROOT/bench/store/write_post.sql"
  -T "$DURATION" -D org=org_bench -D acc1=acc_bench1 -D acc2=acc_bench2)
for c in 1 32; do
  for r in $(seq "$REPS"); do
    log "pgbench -c $c (run $r/$REPS)"
    "${PGBENCH_CMD[@]}" -c "$c" -j "$([ "$c" -gt 1 ] && nproc || echo 1)" "$DB_URL" 2>/dev/null |
      awk '/^tps = /{print $3}' >>"$OUT/pgbench_c$c"
  done
done

log "store_bench ($REPS repetitions)"
HERALD_BENCH_PG_URL="$ADMIN" "$BUILD/store_bench" --benchmark_repetitions="$REPS" \
  --benchmark_min_time=3 --benchmark_report_aggregates_only=true --benchmark_format=csv \
  >"$OUT/store.csv" 2>"$OUT/store.err" || { cat "$OUT/store.err" >&2; exit 1; }

# From a benchmark's median row: items/s (CSV column 7), and process CPU microseconds per item
# (cpu_time, column 4, is per iteration in ns; claim iterations are 100 items).
row() { awk -F, -v n="\"$1/process_time/real_time$2_median\"" '$1 == n' "$OUT/store.csv"; }
ips() { row "$1" "${2:-}" | awk -F, '{printf "%.0f", $7}'; }
cpu() { row "$1" "${2:-}" | awk -F, -v per="${3:-1}" '{printf "%.0f", $4 / 1000 / per}'; }
P1=$(median <"$OUT/pgbench_c1"); P32=$(median <"$OUT/pgbench_c32")
SW1=$(ips sqlite/write_post); SW32=$(ips sqlite/write_post /threads:32)
SB32=$(ips sqlite/write_post_batched /threads:32); SC=$(ips sqlite/claim_100)
GW1=$(ips postgres/write_post); GW32=$(ips postgres/write_post /threads:32)
GB32=$(ips postgres/write_post_batched /threads:32); GC=$(ips postgres/claim_100)
cSW1=$(cpu sqlite/write_post); cSW32=$(cpu sqlite/write_post /threads:32)
cSB32=$(cpu sqlite/write_post_batched /threads:32); cSC=$(cpu sqlite/claim_100 "" 100)
cGW1=$(cpu postgres/write_post); cGW32=$(cpu postgres/write_post /threads:32)
cGB32=$(cpu postgres/write_post_batched /threads:32); cGC=$(cpu postgres/claim_100 "" 100)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

cat <<EOF_SUMMARY

Store benchmark summary ($(date -u +%Y-%m-%dT%H:%MZ); $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load $(cut -d' ' -f1-3 /proc/loadavg))
medians of $REPS runs; "write" = post + 2 targets + 2 jobs in one transaction (durable commit)

                                         writes/s   client CPU us/write (process, all threads)
  pgbench write_post.sql  -c 1         $(printf '%10.0f' "$P1")
  pgbench write_post.sql  -c 32        $(printf '%10.0f' "$P32")
  postgres  Write           1 thread   $(printf '%10s %10s' "$GW1" "$cGW1")
  postgres  Write          32 threads  $(printf '%10s %10s' "$GW32" "$cGW32")
  postgres  WriteBatched   32 threads  $(printf '%10s %10s' "$GB32" "$cGB32")
  sqlite    Write           1 thread   $(printf '%10s %10s' "$SW1" "$cSW1")
  sqlite    Write          32 threads  $(printf '%10s %10s' "$SW32" "$cSW32")
  sqlite    WriteBatched   32 threads  $(printf '%10s %10s' "$SB32" "$cSB32")

                                         jobs/s     client CPU us/job (ClaimJobs, limit 100)
  postgres  claim 100                  $(printf '%10s %10s' "$GC" "$cGC")
  sqlite    claim 100                  $(printf '%10s %10s' "$SC" "$cSC")

  store Write  1 thread  / pgbench -c 1  = $(ratio "$GW1" "$P1")   (what the store layer costs)
  store Write 32 threads / pgbench -c 32 = $(ratio "$GW32" "$P32")
  WriteBatched 32        / pgbench -c 32 = $(ratio "$GB32" "$P32")   (goal >= 1.5: what group commit buys)
  sqlite WriteBatched 32 threads         = $SB32 writes/s   (goal >= 10000)
raw results: $OUT (store.csv, pgbench_c1, pgbench_c32)
EOF_SUMMARY
