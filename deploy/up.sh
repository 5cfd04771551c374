#!/usr/bin/env bash
# Starts herald and PostgreSQL with deploy/compose.yaml: creates the two secrets once
# (deploy/secrets/, mode 0600; keep herald_secret_key with your backups), then builds and starts.
# Uses docker compose, or podman compose when docker is absent. Extra arguments go to `up`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$here/secrets"
chmod 700 "$here/secrets"
umask 077
[ -s "$here/secrets/herald_secret_key" ] || openssl rand -base64 32 > "$here/secrets/herald_secret_key"
[ -s "$here/secrets/db_password" ] || openssl rand -hex 24 > "$here/secrets/db_password"
if command -v docker >/dev/null 2>&1; then compose=(docker compose); else compose=(podman compose); fi
exec "${compose[@]}" -f "$here/compose.yaml" up -d --build "$@"
