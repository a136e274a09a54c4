# Starts `tradefair serve --demo` for the contract checks (scripts/contract.sh,
# scripts/schemathesis.sh): a fresh SQLite data dir, a free loopback port, no SMTP relay (each
# e-mail is written to <data dir>/mail/<job id>.eml, which the client journeys read as their
# mailbox), generous throttles (the point is the contract; the throttles have their own tests).
# Sourced, not run.
#
#   demo_server_start BIN DIR   # starts it in the background; DIR gets data/, serve.out, server.log
#   demo_server_wait            # until /healthz answers (the demo data is loaded before it binds)
#   demo_login operator         # the address of a demo account; $DEMO_PASSWORD is their password
#   demo_server_stop
#
# Sets DEMO_BASE (http://127.0.0.1:PORT), DEMO_DIR, DEMO_PID.

demo_server_start() {
  local bin=$1
  DEMO_DIR=$2
  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  DEMO_BASE=http://127.0.0.1:$port
  mkdir -p "$DEMO_DIR/data"
  env -u DATABASE_URL -u REDIS_URL -u SMTP_URL \
    TRADEFAIR_DATA_DIR="$DEMO_DIR/data" TRADEFAIR_BIND=127.0.0.1:$port TRADEFAIR_PUBLIC_URL=$DEMO_BASE \
    TRADEFAIR_LOGIN_ACCOUNT_BURST=100000 TRADEFAIR_LOGIN_ADDRESS_BURST=100000 \
    TRADEFAIR_INQUIRY_ACCOUNT_BURST=100000 TRADEFAIR_INQUIRY_ADDRESS_BURST=100000 \
    TRADEFAIR_INQUIRY_NEW_ACCOUNT_DAILY_CAP=100000 TRADEFAIR_MONTHLY_QUOTE_QUOTA=100000 \
    TRADEFAIR_LOG_FORMAT=json RUST_LOG=info \
    sh -c 'cd "$1" && exec "$2" serve --demo' - "$DEMO_DIR" "$(realpath "$bin")" \
    >"$DEMO_DIR/serve.out" 2>"$DEMO_DIR/server.log" &
  DEMO_PID=$!
}

demo_server_wait() {
  # Loading the demo data takes about a minute of CPU in a debug build; more on a busy machine.
  local deadline=$((SECONDS + ${DEMO_SERVER_START_SECS:-600}))
  until curl -fsS "$DEMO_BASE/healthz" >/dev/null 2>&1; do
    if ! kill -0 "$DEMO_PID" 2>/dev/null; then
      tail -n 50 "$DEMO_DIR/server.log" >&2
      echo "demo server: exited before it answered (log: $DEMO_DIR/server.log)" >&2
      return 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      echo "demo server: no answer on $DEMO_BASE/healthz after ${DEMO_SERVER_START_SECS:-600}s" >&2
      return 1
    fi
    sleep 0.2
  done
  # `serve --demo` prints "Demo logins (password for all: …):" and "  buyer:    <address>".
  DEMO_PASSWORD=$(sed -n 's/.*password for all: \(.*\)):.*/\1/p' "$DEMO_DIR/serve.out")
  [ -n "$DEMO_PASSWORD" ] || { echo "demo server: no demo logins in $DEMO_DIR/serve.out" >&2; return 1; }
}

demo_login() {
  sed -n "s/^ *$1: *//p" "$DEMO_DIR/serve.out"
}

demo_server_stop() {
  [ -n "${DEMO_PID:-}" ] || return 0
  kill "$DEMO_PID" 2>/dev/null || true
  wait "$DEMO_PID" 2>/dev/null || true
  DEMO_PID=
}
