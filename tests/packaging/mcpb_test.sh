#!/usr/bin/env bash
# mcpb_test.sh <herald binary>
# Builds the Claude Desktop bundle and server.json with packaging/mcpb/build.sh, then installs the
# bundle as a host would (mcpb_host.py: unpack the archive, check the manifest, substitute the
# user config, launch and speak MCP over stdio; empty, wrong and real API keys; server.json).
# When packaging/mcpb/node_modules is installed (npm ci there), also the official MCPB CLI and
# library: mcpb validate, mcpb info, mcpb unpack, and the host library's substitution.
set -euo pipefail
if [ $# -ne 1 ]; then echo "usage: $0 <herald binary>" >&2; exit 2; fi
herald="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$(cd "$here/../.." && pwd)"
pkg="$src/packaging/mcpb"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

base="https://github.com/example/herald/releases/download/v0-test"
HERALD_MCPB_DOWNLOAD_URL="$base" HERALD_MCP_NAME="io.github.example/herald" \
  timeout 300 "$pkg/build.sh" "$herald" "$tmp/out" >"$tmp/build.out" 2>"$tmp/build.err" \
  || fail "build.sh: $(cat "$tmp/build.out" "$tmp/build.err")"
bundles=("$tmp"/out/herald-*-linux-*.mcpb)
[ ${#bundles[@]} -eq 1 ] && [ -f "${bundles[0]}" ] || fail "build.sh made no single bundle: $(ls "$tmp/out")"
bundle="${bundles[0]}"
[ -f "$tmp/out/server.json" ] || fail "build.sh wrote no server.json"
echo "ok: build.sh made $(basename "$bundle") ($(stat -c %s "$bundle") bytes) and server.json"

mkdir "$tmp/work"
timeout 300 python3 "$here/mcpb_host.py" "$bundle" "$tmp/out/server.json" "$tmp/work" "$base"

if [ -x "$pkg/node_modules/.bin/mcpb" ] && command -v node >/dev/null; then
  mcpb="$pkg/node_modules/.bin/mcpb"
  timeout 60 "$mcpb" validate "$tmp/work/unpacked/manifest.json" >"$tmp/validate.out" 2>&1 \
    || fail "mcpb validate: $(cat "$tmp/validate.out")"
  timeout 60 "$mcpb" info "$bundle" >"$tmp/info.out" 2>&1 || fail "mcpb info: $(cat "$tmp/info.out")"
  grep -q "File: $(basename "$bundle")" "$tmp/info.out" || fail "mcpb info: $(cat "$tmp/info.out")"
  timeout 60 "$mcpb" unpack "$bundle" "$tmp/official" >"$tmp/unpack.out" 2>&1 \
    || fail "mcpb unpack: $(cat "$tmp/unpack.out")"
  [ -x "$tmp/official/server/herald" ] || fail "mcpb unpack: server/herald is not executable"
  "$tmp/official/server/herald" version | grep -q '^herald ' || fail "mcpb unpack: the binary does not run"
  echo "ok: mcpb validate, mcpb info and mcpb unpack (server/herald executable, runs)"
  timeout 60 node "$here/mcpb_official.mjs" "$pkg" "$tmp/work"
else
  echo "skip: the official mcpb CLI (npm ci in packaging/mcpb to install it)"
fi
echo "PASS"
