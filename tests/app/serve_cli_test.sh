#!/usr/bin/env bash
# `herald serve` refuses unsafe or broken configurations with one clear line on stderr:
#   serve_cli_test.sh <herald>
set -euo pipefail
herald="$1"
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

expect_exit() {  # code pattern args...
  local want="$1" pattern="$2"; shift 2
  local err rc=0
  err=$(timeout 20 "$herald" --data "$data" serve "$@" 2>&1 >/dev/null) || rc=$?
  [ "$rc" = "$want" ] || fail "herald serve $* exited $rc, want $want: $err"
  grep -q -- "$pattern" <<<"$err" || fail "herald serve $*: stderr lacks '$pattern': $err"
  [ "$(grep -c . <<<"$err")" -le 2 ] || fail "herald serve $*: more than a line or two: $err"
  echo "ok: serve $* -> $rc"
}

expect_exit 2 "refusing to serve without authentication" --auth none --listen 0.0.0.0:0
expect_exit 2 "refusing to serve without authentication" --conformance-fixtures --listen 10.1.2.3:0
expect_exit 2 "--listen must be HOST:PORT" --listen nonsense
expect_exit 2 "--listen must be HOST:PORT" --listen 127.0.0.1:99999

# A port already in use: exit 1, naming the address.
perl -MIO::Socket::INET -e '$| = 1; my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1:0") or die; print $s->sockport, "\n"; sleep 60' >"$data/port" &
holder=$!
for _ in $(seq 100); do [ -s "$data/port" ] && break; sleep 0.05; done
port=$(cat "$data/port")
expect_exit 1 "cannot listen on 127.0.0.1:$port" --listen "127.0.0.1:$port"
kill "$holder"
echo PASS
