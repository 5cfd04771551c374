#!/usr/bin/env bash
# `herald backup` and `herald restore` with the real binary on SQLite:
#   backup_cli_test.sh <herald>
# A backup restores into an empty data directory; a second restore into it is refused (exit 2)
# and changes nothing; a backup whose credentials need a secret key this herald lacks is
# refused (exit 2) unless --ignore-key-mismatch; a cut-off file is refused (exit 2).
set -euo pipefail
herald="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
h() { timeout 60 "$herald" "$@"; }

h --data "$tmp/a" keys create --name first --role admin >/dev/null
path=$(h --data "$tmp/a" backup --out "$tmp/one.jsonl" 2>"$tmp/err") || fail "backup: $(cat "$tmp/err")"
[ "$path" = "$tmp/one.jsonl" ] || fail "backup printed '$path'"
grep -q "written and verified" "$tmp/err" || fail "backup stderr: $(cat "$tmp/err")"
head -1 "$tmp/one.jsonl" | grep -q '"format":"herald-backup"' || fail "no manifest line"
echo "ok: backup"

# The default place: <data>/backups/herald-<time>.jsonl
default=$(h --data "$tmp/a" backup 2>/dev/null)
case "$default" in "$tmp/a/backups/herald-"*Z.jsonl) ;; *) fail "default path $default" ;; esac
echo "ok: backup default path"

h --data "$tmp/b" restore "$tmp/one.jsonl" 2>"$tmp/err" || fail "restore: $(cat "$tmp/err")"
grep -q "restored" "$tmp/err" || fail "restore stderr: $(cat "$tmp/err")"
h --data "$tmp/b" keys list | grep -q first || fail "the key did not come back"
echo "ok: restore into an empty database"

before=$(sqlite3 "$tmp/b/herald.db" "SELECT COUNT(*) FROM api_keys")
rc=0; h --data "$tmp/b" restore "$tmp/one.jsonl" 2>"$tmp/err" || rc=$?
[ "$rc" = 2 ] || fail "restore into a non-empty database exited $rc"
grep -q "not empty" "$tmp/err" || fail "stderr: $(cat "$tmp/err")"
[ "$(sqlite3 "$tmp/b/herald.db" "SELECT COUNT(*) FROM api_keys")" = "$before" ] || fail "changed"
echo "ok: non-empty database refused, unchanged"

head -c 300 "$tmp/one.jsonl" >"$tmp/cut.jsonl"
rc=0; h --data "$tmp/c" restore "$tmp/cut.jsonl" 2>"$tmp/err" || rc=$?
[ "$rc" = 2 ] || fail "a cut-off backup exited $rc"
echo "ok: cut-off backup refused"

# An account with sealed credentials, then a restore where another secret key is in force.
org=$(sqlite3 "$tmp/a/herald.db" "SELECT id FROM organizations LIMIT 1")
sqlite3 "$tmp/a/herald.db" "INSERT INTO accounts (id, org_id, platform, external_id, handle,
  display_name, base_url, settings, credentials_sealed, status, last_error, created_at,
  updated_at) VALUES ('acc_test', '$org', 'mastodon', '1', 'h', 'd', '', '{}', 'v1.x.y', 'active',
  '', 0, 0)"
h --data "$tmp/a" backup --out "$tmp/sealed.jsonl" 2>/dev/null >/dev/null
rc=0; h --data "$tmp/d" restore "$tmp/sealed.jsonl" 2>"$tmp/err" || rc=$?
[ "$rc" = 2 ] || fail "a backup sealed with another key exited $rc"
grep -q "HERALD_SECRET_KEY" "$tmp/err" || fail "stderr: $(cat "$tmp/err")"
[ ! -s "$tmp/d/herald.db" ] || [ -z "$(sqlite3 "$tmp/d/herald.db" "SELECT id FROM organizations" 2>/dev/null)" ] \
  || fail "the refused restore wrote something"
h --data "$tmp/d" restore --ignore-key-mismatch "$tmp/sealed.jsonl" 2>"$tmp/err" \
  || fail "--ignore-key-mismatch: $(cat "$tmp/err")"
grep -q "cannot be opened" "$tmp/err" || fail "no warning: $(cat "$tmp/err")"
echo "ok: secret key mismatch refused, then restored with a warning"

# The same key (HERALD_SECRET_KEY from a's secret.key): no refusal.
HERALD_SECRET_KEY=$(cat "$tmp/a/secret.key") h --data "$tmp/e" restore "$tmp/sealed.jsonl" \
  2>"$tmp/err" || fail "restore with the right key: $(cat "$tmp/err")"
echo PASS
