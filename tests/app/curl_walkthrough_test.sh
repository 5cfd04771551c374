#!/usr/bin/env bash
# Runs examples/curl-walkthrough.sh against a real `herald serve` (fresh data directory, port 0,
# the admin key printed on the first start), then stops the server with SIGTERM (exit 0).
#   curl_walkthrough_test.sh <herald> <curl-walkthrough.sh>
set -euo pipefail
herald="$1"
walkthrough="$2"
data=$(mktemp -d)
out="$data/serve.out"
err="$data/serve.err"
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; echo "--- server stderr:" >&2; cat "$err" >&2 || true; exit 1; }

"$herald" --data "$data" serve --listen 127.0.0.1:0 >"$out" 2>"$err" &
pid=$!
for _ in $(seq 300); do
  grep -q "herald: listening on http://" "$out" 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || fail "herald exited early"
  sleep 0.05
done
url=$(grep -o "herald: listening on http://[^ ]*" "$out" | head -1 | sed 's/herald: listening on //')
key=$(grep -o "hk_[A-Za-z0-9_-]\{43\}" "$out" | head -1)
[ -n "$url" ] || fail "no listen address on stdout"
[ -n "$key" ] || fail "no admin key printed on the first start"

log=$(HERALD_URL="$url" HERALD_API_KEY="$key" "$walkthrough") || { echo "$log"; fail "walkthrough failed"; }
echo "$log"
grep -q '"protocolVersion":"2025-11-25"' <<<"$log" || fail "initialize result missing"
grep -q '^session: ' <<<"$log" || fail "no session id"
grep -q '"tools":\[' <<<"$log" || fail "tools/list result missing"
grep -q '"id":3' <<<"$log" || fail "tools/call answer missing"
grep -q '"openapi":"3.1.0"' <<<"$log" || fail "OpenAPI document missing"
grep -q '"posts":\[' <<<"$log" || fail "GET /api/v1/posts answer missing"
grep -q 'HTTP 400' <<<"$log" || fail "validate_post of a malformed account id was not a 400"
grep -q '"message":"accounts\[0\]: ' <<<"$log" || fail "the error does not name the field"
[ "$(grep -c '^202$' <<<"$log")" = 1 ] || fail "notifications/initialized was not answered 202"

# A second start prints no key (it is shown once).
kill -TERM "$pid"
wait "$pid" || fail "herald serve did not exit 0 on SIGTERM"
pid=""
"$herald" --data "$data" serve --listen 127.0.0.1:0 >"$out" 2>"$err" &
pid=$!
for _ in $(seq 300); do grep -q "herald: listening" "$out" 2>/dev/null && break; sleep 0.05; done
grep -q "hk_" "$out" && fail "the key was printed again"
kill -TERM "$pid"
wait "$pid" || fail "second herald serve did not exit 0 on SIGTERM"
pid=""
echo "PASS"
