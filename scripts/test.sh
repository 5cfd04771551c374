#!/usr/bin/env bash
# Runs every herald test. On a fresh Debian 12 machine (as root, or with sudo) it installs what
# the tests need (build tools, libraries, PostgreSQL, Node 22), builds with warnings as errors,
# starts a throwaway PostgreSQL and an S3-compatible server (s3rver) on loopback ports, runs
# ctest, and exits non-zero on any failure.
#
#   scripts/test.sh                 # everything
#   scripts/test.sh -L unit         # extra arguments go to ctest (labels: unit, postgres,
#                                   #   integration, interop, browser)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ensure_packages "${HERALD_BUILD_PACKAGES[@]}" "${HERALD_TEST_PACKAGES[@]}"
ensure_node22
ensure_interop_node_modules
ensure_browser_node_modules
ensure_s3_node_modules
ensure_mcpb_node_modules

BUILD_DIR="${HERALD_BUILD_DIR:-$HERALD_ROOT/build}"
log "building in $BUILD_DIR"
build_herald "$BUILD_DIR" RelWithDebInfo -DHERALD_WERROR=ON

start_postgres
trap 'stop_s3; stop_postgres' EXIT
start_s3

# libFuzzer smoke runs (clang, ASan+UBSan): a separate, small build of only the fuzz targets
# (fuzz/CMakeLists.txt), each run for seconds from its committed corpus, which also replays every
# committed crash reproducer. HERALD_SKIP_FUZZ=1 leaves it out; bench/fuzz/run.sh runs longer.
FUZZ_DIR="${HERALD_FUZZ_BUILD_DIR:-$HERALD_ROOT/build-fuzz}"
if [ "${HERALD_SKIP_FUZZ:-0}" != 1 ]; then
  log "building fuzz targets in $FUZZ_DIR"
  if [ ! -f "$FUZZ_DIR/CMakeCache.txt" ]; then
    CC=clang-14 CXX=clang++-14 cmake -S "$HERALD_ROOT" -B "$FUZZ_DIR" \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" \
      -DHERALD_FUZZ=ON -DHERALD_BUILD_TESTS=OFF -DHERALD_BUILD_BENCH=OFF -DHERALD_WERROR=ON >/dev/null
  else
    cmake "$FUZZ_DIR" >/dev/null  # an existing fuzz build learns of new targets
  fi
  cmake --build "$FUZZ_DIR" -j "$(nproc)" --target herald_fuzzers
fi

log "running tests"
status=0
(cd "$BUILD_DIR" && ctest --output-on-failure -j "$(nproc)" --timeout 600 "$@") || status=$?
if [ "${HERALD_SKIP_FUZZ:-0}" != 1 ]; then
  # One fuzzer per core: each is single-threaded.
  (cd "$FUZZ_DIR" && ctest --output-on-failure -j "$(nproc)" --timeout 600 "$@") || status=$?
fi
exit "$status"
