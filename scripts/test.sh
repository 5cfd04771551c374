#!/usr/bin/env bash
# Runs every herald test. On a fresh Debian 12 machine (as root, or with sudo) it installs what
# the tests need (build tools, libraries, PostgreSQL, Node 22), builds with warnings as errors,
# starts a throwaway PostgreSQL on a loopback port, runs ctest, and exits non-zero on any failure.
#
#   scripts/test.sh                 # everything
#   scripts/test.sh -L unit         # extra arguments go to ctest (labels: unit, postgres,
#                                   #   integration, interop)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ensure_packages "${HERALD_BUILD_PACKAGES[@]}" "${HERALD_TEST_PACKAGES[@]}"
ensure_node22
ensure_interop_node_modules

BUILD_DIR="${HERALD_BUILD_DIR:-$HERALD_ROOT/build}"
log "building in $BUILD_DIR"
build_herald "$BUILD_DIR" RelWithDebInfo -DHERALD_WERROR=ON

start_postgres
trap stop_postgres EXIT

log "running tests"
cd "$BUILD_DIR"
ctest --output-on-failure -j "$(nproc)" --timeout 600 "$@"
