#!/usr/bin/env bash
# Installs (from Debian packages) and starts PostgreSQL and Redis on loopback for the tests,
# then prints the variables the tests read. Idempotent: running services are reused.
# Fails, never skips, when a service cannot start.
#
#   eval "$(scripts/services.sh)"
set -euo pipefail

STATE_DIR=${TRADEFAIR_TEST_STATE:-${TMPDIR:-/tmp}/tradefair-test-services}
PGPORT=${PGPORT:-55432}
REDISPORT=${REDISPORT:-56379}
log() { echo "services: $*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  as_root apt-get update -qq >&2
  # Debian's packages start their own instances on the default ports; ours use other ports.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi

PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
mkdir -p "$STATE_DIR"
PGDATA="$STATE_DIR/pg"

run_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ ! -f "$PGDATA/PG_VERSION" ]; then
  mkdir -p "$PGDATA"
  [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$STATE_DIR"
  log "initdb in $PGDATA"
  run_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >&2
fi
[ "$(id -u)" = 0 ] && chown -R postgres:postgres "$STATE_DIR"
if ! run_pg "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
  log "starting PostgreSQL on 127.0.0.1:$PGPORT"
  # fsync off: test data only. Production keeps the defaults.
  run_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$STATE_DIR/pg.log" -w -t 60 start \
    -o "-p $PGPORT -k $STATE_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" >&2 \
    || { cat "$STATE_DIR/pg.log" >&2; log "PostgreSQL did not start"; exit 1; }
fi
"$PGBIN/pg_isready" -h 127.0.0.1 -p "$PGPORT" -U postgres -t 30 >/dev/null \
  || { log "PostgreSQL is not accepting connections"; exit 1; }

if ! redis-cli -h 127.0.0.1 -p "$REDISPORT" ping >/dev/null 2>&1; then
  log "starting Redis on 127.0.0.1:$REDISPORT"
  redis-server --bind 127.0.0.1 --port "$REDISPORT" --save "" --appendonly no --daemonize yes \
    --dir "$STATE_DIR" --pidfile "$STATE_DIR/redis.pid" --logfile "$STATE_DIR/redis.log" >&2
  for _ in $(seq 1 50); do
    redis-cli -h 127.0.0.1 -p "$REDISPORT" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  redis-cli -h 127.0.0.1 -p "$REDISPORT" ping >/dev/null 2>&1 || { log "Redis did not start"; exit 1; }
fi

echo "export TRADEFAIR_TEST_PG_URL=postgres://postgres@127.0.0.1:$PGPORT/postgres"
echo "export TRADEFAIR_TEST_REDIS_URL=redis://127.0.0.1:$REDISPORT/"
