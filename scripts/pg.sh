#!/usr/bin/env bash
# A throwaway local PostgreSQL for the migration tests: Debian's packages (installed if
# missing), a cluster in $PGDATA (default /tmp/modash-flow-pg) on 127.0.0.1:$PGPORT (55432).
# Usage: scripts/pg.sh start   (prints DATABASE_URL=...)   |   scripts/pg.sh restart   |   scripts/pg.sh stop
set -euo pipefail
cd /  # the postgres user may not read the caller's directory
PGDATA=${PGDATA:-/tmp/modash-flow-pg}
PGPORT=${PGPORT:-55432}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
case "${1:-}" in
  start)
    if [ -z "$bin" ]; then
      echo "[pg] installing Debian postgresql" >&2
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq >&2 && apt-get install -y -qq postgresql >/dev/null
      bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    fi
    as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
    if [ ! -f "$PGDATA/PG_VERSION" ]; then
      mkdir -p "$PGDATA"; [ "$(id -u)" = 0 ] && chown postgres "$PGDATA"
      as_pg "$bin/initdb" -D "$PGDATA" -A trust -U postgres >/dev/null
    fi
    if ! as_pg "$bin/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
      as_pg "$bin/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -o "-p $PGPORT -c listen_addresses=127.0.0.1 -k $PGDATA" start >/dev/null
    fi
    echo "DATABASE_URL=postgres://postgres@127.0.0.1:$PGPORT/postgres"
    ;;
  restart)
    # A fast restart (open connections are closed), as a failover or a crash recovery does.
    [ -n "$bin" ] && [ -f "$PGDATA/PG_VERSION" ] || { echo "[pg] no cluster to restart" >&2; exit 1; }
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$bin/pg_ctl" -D "$PGDATA" -m fast -w restart >/dev/null
    else "$bin/pg_ctl" -D "$PGDATA" -m fast -w restart >/dev/null; fi
    ;;
  stop)
    [ -n "$bin" ] && [ -f "$PGDATA/PG_VERSION" ] || exit 0
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$bin/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null 2>&1 || true
    else "$bin/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null 2>&1 || true; fi
    ;;
  *) echo "usage: $0 start|restart|stop" >&2; exit 2 ;;
esac
