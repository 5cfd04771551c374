#!/usr/bin/env bash
# Runs one browser test script under Node >= 22 with this folder's pinned node_modules
# (playwright-core) against Debian's chromium:
#   tests/browser/run.sh <script.mjs> <path to herald> [args...]
# Installs Node 22 and runs `npm ci` when needed (scripts/lib.sh), so ctest can run it alone.
# Exits 77 (skipped) when /usr/bin/chromium is missing (scripts/test.sh installs it).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../../scripts/lib.sh"
if [ ! -x /usr/bin/chromium ]; then
  echo "SKIP: /usr/bin/chromium is not installed (apt-get install chromium)"
  exit 77
fi
ensure_node22
ensure_browser_node_modules
exec node "$here/$1" "${@:2}"
