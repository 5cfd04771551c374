#!/usr/bin/env bash
# build.sh <path to herald> <out dir>
# Builds the Claude Desktop bundle OUT_DIR/herald-<version>-linux-<arch>.mcpb (manifest.json and
# server/herald, zipped with python3) and OUT_DIR/server.json for the official MCP registry,
# whose fileSha256 is that bundle's. Needs python3 (and strip, to make the bundle small).
# Environment: HERALD_MCPB_DOWNLOAD_URL, HERALD_MCP_NAME, HERALD_REPOSITORY_URL,
# HERALD_MCPB_STRIP=0 (see bundle.py).
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 <path to herald> <out dir>" >&2
  exit 2
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v python3 >/dev/null || { echo "error: python3 is needed" >&2; exit 1; }
exec python3 "$here/bundle.py" "$1" "$2"
