#!/usr/bin/env bash
# Builds herald (Release) and starts it on the embedded SQLite store. On a fresh Debian 12
# machine (as root, or with sudo) it first installs the packages that are missing.
#
#   scripts/run.sh                      # serve on 127.0.0.1:8080, data in ./var
#   scripts/run.sh --listen 127.0.0.1:9000
# Extra arguments go to `herald serve`. HERALD_DATA, HERALD_DB etc. are honoured.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ensure_packages "${HERALD_BUILD_PACKAGES[@]}"

BUILD_DIR="${HERALD_RELEASE_DIR:-$HERALD_ROOT/build-release}"
log "building herald (Release) in $BUILD_DIR"
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  cmake -S "$HERALD_ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DHERALD_BUILD_TESTS=OFF \
    -DHERALD_BUILD_BENCH=OFF >/dev/null
fi
cmake --build "$BUILD_DIR" -j "$(nproc)" --target herald

export HERALD_DATA="${HERALD_DATA:-$HERALD_ROOT/var}"
log "starting herald (data in $HERALD_DATA)"
exec "$BUILD_DIR/herald" serve "$@"
