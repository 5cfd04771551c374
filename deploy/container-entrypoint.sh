#!/bin/sh
# The container's entrypoint: takes the secret key and the database password from the
# compose secrets (files, never in the image or the compose file), then runs herald.
set -eu
if [ -z "${HERALD_SECRET_KEY:-}" ] && [ -r /run/secrets/herald_secret_key ]; then
  HERALD_SECRET_KEY="$(cat /run/secrets/herald_secret_key)"
  export HERALD_SECRET_KEY
fi
if [ -z "${PGPASSWORD:-}" ] && [ -r /run/secrets/db_password ]; then
  PGPASSWORD="$(cat /run/secrets/db_password)"
  export PGPASSWORD
fi
if [ "$#" -eq 0 ]; then set -- serve; fi
exec /usr/local/bin/herald "$@"
