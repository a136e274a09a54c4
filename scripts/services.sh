#!/usr/bin/env bash
# Installs (from Debian packages) and starts PostgreSQL and Redis on loopback for the tests,
# an S3-compatible server (moto, from PyPI into a venv: wheels only, ~40 s cold) for the media
# tests, openapi-spec-validator (from PyPI, pinned, into its own venv) for the OpenAPI test,
# and chromedriver with Debian's headless Chromium plus axe-core (from npm) for the browser
# tests, then prints the variables the tests read. Idempotent: running services are
# reused. Fails, never skips, when a service cannot start.
#
#   eval "$(scripts/services.sh)"
set -euo pipefail

STATE_DIR=${TRADEFAIR_TEST_STATE:-${TMPDIR:-/tmp}/tradefair-test-services}
PGPORT=${PGPORT:-55432}
REDISPORT=${REDISPORT:-56379}
S3PORT=${S3PORT:-56900}
S3BUCKET=tradefair-test
WEBDRIVERPORT=${WEBDRIVERPORT:-56444}
AXE_VERSION=4.14.1
OPENAPI_VALIDATOR_VERSION=0.9.0
log() { echo "services: $*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v python3 >/dev/null 2>&1 && python3 -c 'import venv, ensurepip' >/dev/null 2>&1 \
  || need+=(python3 python3-venv)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
command -v npm >/dev/null 2>&1 || need+=(npm)
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

# The S3-compatible server of the media tests: moto's standalone server, in memory.
S3VENV="$STATE_DIR/s3-venv"
s3_up() { python3 - "$S3PORT" <<'PY' >/dev/null 2>&1
import sys, urllib.request
urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/moto-api/", timeout=2)
PY
}
if ! s3_up; then
  if [ ! -x "$S3VENV/bin/moto_server" ]; then
    log "installing moto[server] into $S3VENV"
    started=$(date +%s)
    python3 -m venv "$S3VENV" >&2
    "$S3VENV/bin/pip" install -q --disable-pip-version-check 'moto[server]>=5,<6' >&2 \
      || { log "could not install moto"; exit 1; }
    log "moto installed in $(( $(date +%s) - started )) s"
  fi
  log "starting the S3-compatible server (moto) on 127.0.0.1:$S3PORT"
  nohup "$S3VENV/bin/moto_server" -H 127.0.0.1 -p "$S3PORT" >"$STATE_DIR/s3.log" 2>&1 &
  echo $! >"$STATE_DIR/s3.pid"
  for _ in $(seq 1 100); do s3_up && break; sleep 0.1; done
  s3_up || { cat "$STATE_DIR/s3.log" >&2; log "the S3-compatible server did not start"; exit 1; }
fi
# The tests' bucket (each test writes under its own prefix); creating it again is harmless.
python3 - "$S3PORT" "$S3BUCKET" <<'PY' >&2 || { log "could not create the test bucket"; exit 1; }
import sys, urllib.request
req = urllib.request.Request(f"http://127.0.0.1:{sys.argv[1]}/{sys.argv[2]}", method="PUT")
urllib.request.urlopen(req, timeout=10)
PY

# The OpenAPI test runs a real validator over openapi/openapi.json. Its own venv, so moto's
# dependencies never decide its version.
OPENAPI_VENV="$STATE_DIR/openapi-venv"
OPENAPI_VALIDATOR="$OPENAPI_VENV/bin/openapi-spec-validator"
openapi_validator_version() { "$OPENAPI_VENV/bin/python" - <<'PY' 2>/dev/null
from importlib.metadata import version
print(version("openapi-spec-validator"))
PY
}
if [ "$(openapi_validator_version)" != "$OPENAPI_VALIDATOR_VERSION" ]; then
  log "installing openapi-spec-validator==$OPENAPI_VALIDATOR_VERSION into $OPENAPI_VENV"
  [ -x "$OPENAPI_VENV/bin/pip" ] || python3 -m venv "$OPENAPI_VENV" >&2
  "$OPENAPI_VENV/bin/pip" install -q --disable-pip-version-check \
    "openapi-spec-validator==$OPENAPI_VALIDATOR_VERSION" >&2 \
    || { log "could not install openapi-spec-validator"; exit 1; }
fi
[ -x "$OPENAPI_VALIDATOR" ] || { log "openapi-spec-validator has no $OPENAPI_VALIDATOR"; exit 1; }

# The browser tests: axe-core (the accessibility checker they inject into pages) from npm, and
# chromedriver on loopback. Each test opens its own headless Chromium session through it.
AXE_DIR="$STATE_DIR/npm"
AXE_JS="$AXE_DIR/node_modules/axe-core/axe.min.js"
axe_version() { node -p "require('$AXE_DIR/node_modules/axe-core/package.json').version" 2>/dev/null; }
if [ "$(axe_version)" != "$AXE_VERSION" ]; then
  log "installing axe-core@$AXE_VERSION into $AXE_DIR"
  mkdir -p "$AXE_DIR"
  npm install --prefix "$AXE_DIR" --no-audit --no-fund --loglevel=error "axe-core@$AXE_VERSION" >&2 \
    || { log "could not install axe-core"; exit 1; }
fi
[ -s "$AXE_JS" ] || { log "axe-core has no $AXE_JS"; exit 1; }

webdriver_up() { python3 - "$WEBDRIVERPORT" <<'PY' >/dev/null 2>&1
import json, sys, urllib.request
with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/status", timeout=2) as r:
    assert json.load(r)["value"]["ready"]
PY
}
if ! webdriver_up; then
  log "starting chromedriver on 127.0.0.1:$WEBDRIVERPORT"
  # Only loopback clients; the browser itself is started per session by the tests.
  nohup chromedriver --port="$WEBDRIVERPORT" --allowed-ips=127.0.0.1 --log-level=WARNING \
    >"$STATE_DIR/chromedriver.log" 2>&1 &
  echo $! >"$STATE_DIR/chromedriver.pid"
  for _ in $(seq 1 100); do webdriver_up && break; sleep 0.1; done
  webdriver_up || { cat "$STATE_DIR/chromedriver.log" >&2; log "chromedriver did not start"; exit 1; }
fi

echo "export TRADEFAIR_TEST_PG_URL=postgres://postgres@127.0.0.1:$PGPORT/postgres"
echo "export TRADEFAIR_TEST_REDIS_URL=redis://127.0.0.1:$REDISPORT/"
echo "export TRADEFAIR_TEST_S3_ENDPOINT=http://127.0.0.1:$S3PORT"
echo "export TRADEFAIR_TEST_S3_BUCKET=$S3BUCKET"
echo "export TRADEFAIR_TEST_WEBDRIVER=http://127.0.0.1:$WEBDRIVERPORT"
echo "export TRADEFAIR_TEST_AXE=$AXE_JS"
echo "export TRADEFAIR_TEST_OPENAPI_VALIDATOR=$OPENAPI_VALIDATOR"
