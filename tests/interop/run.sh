#!/usr/bin/env bash
# Runs one interop test script under Node >= 22 with this folder's pinned node_modules:
#   tests/interop/run.sh <script.mjs> <path to herald> [args...]
# Installs Node 22 (scripts/lib.sh ensure_node22) and runs `npm ci` when node_modules is missing
# or older than package-lock.json, so ctest can run these tests on its own.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../../scripts/lib.sh"
ensure_node22
ensure_interop_node_modules
exec node "$here/$1" "${@:2}"
