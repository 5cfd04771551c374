#!/usr/bin/env bash
# End to end with the real binaries: the OAuth emulator as a process, `herald serve` with the
# OAuth test network switched on (HERALD_OAUTH_TEST_PROVIDER), and curl as the browser:
#   connect_account (REST) -> authorization_url -> the emulator's 302 -> herald's
#   /oauth/callback page -> list_accounts shows @tester -> the link is single-use ->
#   disconnect_account revokes the grant.
# herald.example stands for HERALD_PUBLIC_URL (a reverse proxy in real life); the browser step
# sends the callback to the local listener instead.
#   oauth_serve_test.sh <herald> <herald_oauth_emulator>
set -euo pipefail
herald="$1"
emulator="$2"
data=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$data"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  echo "--- herald stderr:" >&2; cat "$data/serve.err" >&2 || true
  exit 1
}
# Waits (bounded) until `file` contains `pattern`, failing if process `pid` exits first.
wait_for() {
  local file="$1" pattern="$2" pid="$3"
  for _ in $(seq 400); do
    grep -q "$pattern" "$file" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || fail "process $pid exited before printing '$pattern'"
    sleep 0.05
  done
  fail "timed out waiting for '$pattern' in $file"
}

public="https://herald.example"
mkfifo "$data/emulator.in"
"$emulator" --client-id herald-it --client-secret it-secret \
  --redirect-uri "$public/oauth/callback/oauthtest" <"$data/emulator.in" >"$data/emulator.out" 2>&1 &
pids+=($!)
exec 3>"$data/emulator.in"  # keeps the emulator's stdin open
wait_for "$data/emulator.out" OAUTH_EMULATOR_URL "${pids[0]}"
provider=$(sed -n 's/^OAUTH_EMULATOR_URL=//p' "$data/emulator.out")

HERALD_OAUTH_TEST_PROVIDER="$provider" HERALD_OAUTHTEST_CLIENT_ID=herald-it \
HERALD_OAUTHTEST_CLIENT_SECRET=it-secret HERALD_PUBLIC_URL="$public" \
  "$herald" --data "$data" serve --listen 127.0.0.1:0 >"$data/serve.out" 2>"$data/serve.err" &
pids+=($!)
wait_for "$data/serve.out" "herald: listening on http://" "${pids[1]}"
url=$(grep -o "herald: listening on http://[^ ]*" "$data/serve.out" | head -1 | sed 's/herald: listening on //')
key=$(grep -o "hk_[A-Za-z0-9_-]\{43\}" "$data/serve.out" | head -1)
[ -n "$key" ] || fail "no admin key printed"
auth=(-H "Authorization: Bearer $key" -H "Content-Type: application/json")

platforms=$(curl -sS --fail-with-body "$url/api/v1/platforms" "${auth[@]}")
grep -q '"id":"oauthtest"' <<<"$platforms" || fail "oauthtest not listed: $platforms"
grep -q '"auth_kind":"oauth2"' <<<"$platforms" || fail "no oauth2 auth kind: $platforms"

started=$(curl -sS --fail-with-body "$url/api/v1/accounts" "${auth[@]}" -d '{"platform":"oauthtest"}')
grep -q '"status":"pending_authorization"' <<<"$started" || fail "no pending authorization: $started"
authorize=$(sed -n 's/.*"authorization_url":"\([^"]*\)".*/\1/p' <<<"$started")
[ -n "$authorize" ] || fail "no authorization_url: $started"

# The browser: the emulator approves at once and redirects to HERALD_PUBLIC_URL.
location=$(curl -sS -o /dev/null -w '%{redirect_url}' "$authorize")
case "$location" in "$public/oauth/callback/oauthtest?"*) ;; *) fail "bad redirect: $location" ;; esac
callback="$url${location#"$public"}"
page=$(curl -sS -w '\n%{http_code}' "$callback")
[ "$(tail -1 <<<"$page")" = 200 ] || fail "callback answered $(tail -1 <<<"$page"): $page"
grep -q "Connected @tester" <<<"$page" || fail "callback page: $page"

accounts=$(curl -sS --fail-with-body "$url/api/v1/accounts" "${auth[@]}")
grep -q '"handle":"@tester"' <<<"$accounts" || fail "account not listed: $accounts"
grep -q '"status":"active"' <<<"$accounts" || fail "account not active: $accounts"
grep -q -E 'access_token|refresh_token|at_[A-Za-z0-9_-]{43}|rt_[A-Za-z0-9_-]{43}' <<<"$accounts" &&
  fail "a token leaked: $accounts"
id=$(sed -n 's/.*"account_id":"\(acc_[0-9A-Z]*\)".*/\1/p' <<<"$accounts")

again=$(curl -sS -o /dev/null -w '%{http_code}' "$callback")
[ "$again" = 400 ] || fail "a used state answered $again"

gone=$(curl -sS --fail-with-body -X DELETE "$url/api/v1/accounts/$id" "${auth[@]}" -d '{}')
grep -q '"revoked":true' <<<"$gone" || fail "not revoked: $gone"
grep -q '"status":"disconnected"' <<<"$gone" || fail "not disconnected: $gone"

# No clear token in the database files.
if grep -a -q -E 'at_[A-Za-z0-9_-]{43}|rt_[A-Za-z0-9_-]{43}' "$data"/herald.db*; then
  fail "a clear token is in the database"
fi

kill -TERM "${pids[1]}"
wait "${pids[1]}" || fail "herald serve did not exit 0 on SIGTERM"
echo PASS
