#!/usr/bin/env bash
# Longer libFuzzer runs of every herald fuzz target (the CI smoke run in scripts/test.sh gives
# each only seconds). Builds the fuzz targets (clang-14, ASan + UBSan) in build-fuzz/ if needed,
# then runs each target for FUZZ_SECONDS, one after another (or FUZZ_JOBS at a time), starting
# from the committed seeds in fuzz/corpus/<name>/.
#
#   bench/fuzz/run.sh                        # every target, 300 s each
#   FUZZ_SECONDS=60 bench/fuzz/run.sh rest_fuzz url_policy_fuzz
#   FUZZ_JOBS=2 bench/fuzz/run.sh            # two targets at once (one core each)
#
# What a run finds stays out of git, under var/fuzz/ (gitignored):
#   var/fuzz/corpus/<target>/     the inputs it found (reused by the next run)
#   var/fuzz/crashes/<target>-*   crash / leak / timeout reproducers
#   var/fuzz/logs/<target>.log    the libFuzzer output (exec/s, coverage)
# A reproducer replays with: build-fuzz/fuzz/<target> var/fuzz/crashes/<file>. Once fixed,
# minimize it (<target> -minimize_crash=1 -runs=10000 <file>) and commit it to
# fuzz/corpus/<corpus>/ so the smoke run replays it. Exits non-zero if any target failed.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
FUZZ_DIR="${HERALD_FUZZ_BUILD_DIR:-$ROOT/build-fuzz}"
OUT="${FUZZ_OUT:-$ROOT/var/fuzz}"
SECONDS_EACH="${FUZZ_SECONDS:-300}"
JOBS="${FUZZ_JOBS:-1}"

# target -> corpus folder and dictionary (as in fuzz/CMakeLists.txt).
declare -A CORPUS=([mcp_dispatch_fuzz]=mcp_dispatch [http_request_fuzz]=http_request
                   [http_server_fuzz]=http_server [rest_fuzz]=rest [url_policy_fuzz]=url_policy
                   [platform_wire_fuzz]=platform_wire)
declare -A DICT=([mcp_dispatch_fuzz]=mcp.dict [http_request_fuzz]=http.dict
               [http_server_fuzz]=http.dict [rest_fuzz]=rest.dict
                 [url_policy_fuzz]=url.dict [platform_wire_fuzz]=wire.dict)
declare -A MAX_LEN=([url_policy_fuzz]=1024)
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  TARGETS=(mcp_dispatch_fuzz http_request_fuzz http_server_fuzz rest_fuzz url_policy_fuzz
           platform_wire_fuzz)
fi

export CCACHE_BASEDIR="$ROOT" CCACHE_NOHASHDIR=1
if [ ! -f "$FUZZ_DIR/CMakeCache.txt" ]; then
  CC=clang-14 CXX=clang++-14 cmake -S "$ROOT" -B "$FUZZ_DIR" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" \
    -DHERALD_FUZZ=ON -DHERALD_BUILD_TESTS=OFF -DHERALD_BUILD_BENCH=OFF -DHERALD_WERROR=ON >/dev/null
fi
cmake --build "$FUZZ_DIR" -j "$(nproc)" --target "${TARGETS[@]}"

mkdir -p "$OUT/crashes" "$OUT/logs"
run_one() {
  local target="$1" corpus="${CORPUS[$1]:-}"
  if [ -z "$corpus" ]; then
    echo "unknown fuzz target: $target" >&2
    return 2
  fi
  mkdir -p "$OUT/corpus/$target"
  local status=0
  "$FUZZ_DIR/fuzz/$target" -max_total_time="$SECONDS_EACH" -timeout=10 -entropic=0 \
    -rss_limit_mb=2048 -max_len="${MAX_LEN[$target]:-8192}" -print_final_stats=1 \
    -dict="$ROOT/fuzz/${DICT[$target]}" -artifact_prefix="$OUT/crashes/$target-" \
    "$OUT/corpus/$target" "$ROOT/fuzz/corpus/$corpus" >"$OUT/logs/$target.log" 2>&1 || status=$?
  local last
  last="$(grep -E '^#[0-9]+' "$OUT/logs/$target.log" | tail -1 || true)"
  echo "$target: exit $status; $last"
  return "$status"
}

failed=0
running=0
for target in "${TARGETS[@]}"; do
  run_one "$target" &
  running=$((running + 1))
  if [ "$running" -ge "$JOBS" ]; then
    wait -n || failed=1
    running=$((running - 1))
  fi
done
while [ "$running" -gt 0 ]; do
  wait -n || failed=1
  running=$((running - 1))
done
if [ "$failed" != 0 ]; then
  echo "some fuzz target failed; reproducers in $OUT/crashes/, logs in $OUT/logs/" >&2
fi
exit "$failed"
