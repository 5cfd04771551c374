#!/usr/bin/env bash
# Only the app reads the environment: every HERALD_* variable (and the proxy variables) is read
# once, in app/config.cpp, and handed down as configuration. Fails, naming the lines, when
# getenv, secure_getenv or environ appears in the sources of any other layer.
#   environment_readers_test.sh <source root>
set -u
root="${1:?usage: environment_readers_test.sh <source root>}"
cd "$root" || exit 2
layers=(base http store platforms media core tools mcp transport)
found=$(grep -rnE '\b(secure_)?getenv\b|\benviron\b|\bsetenv\b|\bputenv\b' \
          --include='*.h' --include='*.cpp' "${layers[@]}")
if [ -n "$found" ]; then
  echo "only app/ may read the environment (app/config.cpp); pass configuration down instead:"
  echo "$found"
  exit 1
fi
# And app/ reads it in one place.
others=$(grep -rlE '\b(secure_)?getenv\b|\benviron\b' --include='*.h' --include='*.cpp' app |
         grep -v '^app/config\.cpp$')
if [ -n "$others" ]; then
  echo "app/ reads the environment only in app/config.cpp (ProcessEnvironment); also found in:"
  echo "$others"
  exit 1
fi
echo "ok: only app/config.cpp reads the environment"
