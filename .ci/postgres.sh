#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on a loopback port for the test suite.
#   .ci/postgres.sh start   → installs PostgreSQL if missing, starts the cluster (or reuses a running one), prints its URL
#   .ci/postgres.sh stop    → stops it and removes its files
# initdb refuses to run as root, so the cluster belongs to an unprivileged user.
set -euo pipefail
PGPORT="${HOLDFAST_PG_PORT:-54329}"
PGROOT="${HOLDFAST_PG_DIR:-/tmp/holdfast-pg}"
PGUSER_OS="${HOLDFAST_PG_OS_USER:-holdfastpg}"

find_bin() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

as_owner() {
  if [ "$(id -u)" = "0" ]; then su "$PGUSER_OS" -s /bin/bash -c "$*"; else bash -c "$*"; fi
}

case "${1:-}" in
  start)
    if ! PGBIN=$(find_bin); then
      echo "installing PostgreSQL (Debian package)…" >&2
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq >&2
      apt-get install -y -qq postgresql >&2
      PGBIN=$(find_bin)
    fi
    if [ "$(id -u)" = "0" ] && ! id "$PGUSER_OS" >/dev/null 2>&1; then
      useradd --system --no-create-home --shell /bin/bash "$PGUSER_OS"
    fi
    # Already running (another shell started it): reuse it rather than delete its files under it.
    if [ -f "$PGROOT/data/postmaster.pid" ] && as_owner "'$PGBIN/pg_ctl' -D '$PGROOT/data' status >/dev/null 2>&1"; then
      echo "postgres://postgres@127.0.0.1:$PGPORT/postgres"
      exit 0
    fi
    rm -rf "$PGROOT"
    mkdir -p "$PGROOT"
    [ "$(id -u)" = "0" ] && chown "$PGUSER_OS" "$PGROOT"
    as_owner "'$PGBIN/initdb' -D '$PGROOT/data' -U postgres -A trust --no-sync -E UTF8 >'$PGROOT/initdb.log' 2>&1"
    as_owner "'$PGBIN/pg_ctl' -D '$PGROOT/data' -l '$PGROOT/server.log' -w -o \"-p $PGPORT -k $PGROOT -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off\" start >&2"
    echo "postgres://postgres@127.0.0.1:$PGPORT/postgres"
    ;;
  stop)
    if PGBIN=$(find_bin) && [ -d "$PGROOT/data" ]; then
      as_owner "'$PGBIN/pg_ctl' -D '$PGROOT/data' -m fast -w stop >&2" || true
    fi
    rm -rf "$PGROOT"
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
