#!/usr/bin/env bash
# deploy_files_test.sh <build dir> <source dir>
set -euo pipefail
build="$1"
src="$2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# 1. cmake --install into a temporary prefix.
cmake --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log" 2>&1 \
  || fail "cmake --install: $(cat "$tmp/install.log")"
bin="$tmp/prefix/bin/herald"
unit="$tmp/prefix/lib/systemd/system/herald.service"
envfile="$tmp/prefix/share/doc/herald/herald.env.example"
[ -x "$bin" ] || fail "no $bin"
[ -f "$unit" ] || fail "no $unit"
[ -f "$envfile" ] || fail "no $envfile"
"$bin" version | grep -q '^herald ' || fail "the installed binary does not run"
grep -qx "ExecStart=$tmp/prefix/bin/herald serve" "$unit" || fail "ExecStart: $(grep ExecStart "$unit")"
for line in DynamicUser=yes StateDirectory=herald ProtectSystem=strict ProtectHome=yes \
            NoNewPrivileges=yes PrivateTmp=yes "CapabilityBoundingSet=" \
            "EnvironmentFile=-/etc/herald/herald.env"; do
  grep -qx -- "$line" "$unit" || fail "the unit lacks $line"
done
! grep -q '@[A-Z_]*@' "$unit" || fail "unsubstituted variables in the unit"
echo "ok: cmake --install"

# 2. systemd-analyze verify, where systemd is installed.
if command -v systemd-analyze >/dev/null 2>&1; then
  out=$(systemd-analyze verify "$unit" 2>&1) || fail "systemd-analyze verify: $out"
  # Warnings about the host (no running systemd, unknown units) are fine; the unit's own are not.
  if grep -F "herald.service:" <<<"$out" | grep -v "Failed to" ; then
    fail "systemd-analyze verify complains: $out"
  fi
  echo "ok: systemd-analyze verify"
else
  echo "skip: systemd-analyze not installed"
fi

# 3. The example environment file is accepted by herald (no unknown or malformed variable).
(
  set -a
  # shellcheck disable=SC1090
  . "$envfile"
  set +a
  "$bin" --data "$tmp/data" migrate >/dev/null 2>"$tmp/err"
) || fail "herald refuses the example settings: $(cat "$tmp/err")"
echo "ok: example settings"

# 4. compose.yaml: services, health checks, volumes, secrets (no container engine needed).
python3 "$src/tests/deploy/check_compose.py" "$src/deploy/compose.yaml" || fail "compose.yaml"
echo "ok: compose.yaml"

# 5. Containerfile: Debian base images and packages only; the files it copies exist.
cf="$src/deploy/Containerfile"
grep -E '^FROM ' "$cf" | grep -vqE 'debian:bookworm' && fail "a base image that is not Debian 12"
grep -q 'apt-get install' "$cf" || fail "no apt-get install"
for f in $(grep -oE 'deploy/[a-z.-]+\.sh' "$cf" | sort -u); do
  [ -x "$src/$f" ] || fail "Containerfile uses $f, which is missing or not executable"
done
sh -n "$src/deploy/container-entrypoint.sh" || fail "entrypoint syntax"
bash -n "$src/deploy/up.sh" || fail "up.sh syntax"
pkgs=$(sh "$src/deploy/runtime-packages.sh" "$bin")
grep -q '^libc6$' <<<"$pkgs" || fail "runtime-packages.sh found no libc6: $pkgs"
grep -qE '^libpqxx' <<<"$pkgs" || fail "runtime-packages.sh missed libpqxx: $pkgs"
echo "ok: Containerfile"
echo PASS
