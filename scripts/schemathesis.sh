#!/usr/bin/env bash
# Fuzzes the served OpenAPI document with schemathesis (every check, response-schema
# conformance included) as the demo buyer, supplier and operator, for a bounded time.
#
#   scripts/schemathesis.sh                 # 3 minutes in all, a third per account
#   SCHEMATHESIS_SECONDS=600 scripts/schemathesis.sh
#
# Installs schemathesis from PyPI into a venv (once), builds and starts `tradefair serve --demo`
# on a free loopback port with a fresh SQLite data dir, signs the three demo accounts in, and
# runs `schemathesis run` once per account. The reports (HAR, JUnit, the server log) stay in
# the printed directory; the summary counts the requests and lists every 5xx.
# Exits non-zero when the server answered any request with a 5xx.
# `POST /auth/logout` is left out: it ends the very sign-in the run uses (every later request
# would be 401); its own tests cover it.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_TOTAL=${SCHEMATHESIS_SECONDS:-180}
WORKERS=${SCHEMATHESIS_WORKERS:-2}
TARGET_DIR=${CARGO_TARGET_DIR:-target}
VENV=${SCHEMATHESIS_VENV:-$TARGET_DIR/schemathesis-venv}
OUT=${SCHEMATHESIS_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/tradefair-schemathesis.XXXXXX")}
log() { echo "schemathesis.sh: $*" >&2; }

if [ ! -x "$VENV/bin/schemathesis" ]; then
  log "installing schemathesis into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --upgrade pip
  "$VENV/bin/pip" install -q 'schemathesis>=4,<5'
fi

BIN=${TRADEFAIR_BIN:-}
if [ -z "$BIN" ]; then
  cargo build -q -p api --bin tradefair
  BIN=$TARGET_DIR/debug/tradefair
fi

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
mkdir -p "$OUT/data"
# Generous limits: the point is the contract, not the throttles (their own tests cover them).
env -u DATABASE_URL -u REDIS_URL -u SMTP_URL \
  TRADEFAIR_DATA_DIR="$OUT/data" TRADEFAIR_BIND=127.0.0.1:$PORT TRADEFAIR_PUBLIC_URL=$BASE \
  TRADEFAIR_LOGIN_ACCOUNT_BURST=100000 TRADEFAIR_LOGIN_ADDRESS_BURST=100000 \
  TRADEFAIR_INQUIRY_ACCOUNT_BURST=100000 TRADEFAIR_INQUIRY_ADDRESS_BURST=100000 \
  TRADEFAIR_INQUIRY_NEW_ACCOUNT_DAILY_CAP=100000 TRADEFAIR_MONTHLY_QUOTE_QUOTA=100000 \
  TRADEFAIR_LOG_FORMAT=json RUST_LOG=info \
  sh -c 'cd "$1" && exec "$2" serve --demo' - "$OUT" "$(realpath "$BIN")" >"$OUT/serve.out" 2>"$OUT/server.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT

for _ in $(seq 1 300); do
  curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break
  kill -0 $SERVER 2>/dev/null || { cat "$OUT/server.log" >&2; log "the server did not start"; exit 1; }
  sleep 0.2
done

# `serve --demo` prints "Demo logins (password for all: …):" and "  buyer:    <address>".
PASSWORD=$(sed -n 's/.*password for all: \(.*\)):.*/\1/p' "$OUT/serve.out")
token() {
  local email
  email=$(sed -n "s/^ *$1: *//p" "$OUT/serve.out")
  curl -fsS -H 'Content-Type: application/json' \
    -d "{\"email\": \"$email\", \"password\": \"$PASSWORD\"}" "$BASE/api/v1/auth/login" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])'
}

per_account=$((SECONDS_TOTAL / 3))
status=0
for account in buyer supplier operator; do
  # Tokens live 15 minutes by default, longer than a run.
  TOKEN=$(token "$account")
  log "$account: ${per_account}s"
  "$VENV/bin/schemathesis" run "$BASE/openapi.json" \
    --checks all \
    --exclude-path /api/v1/auth/logout \
    --max-time "$per_account" \
    --workers "$WORKERS" \
    --header "Authorization: Bearer $TOKEN" \
    --report har,junit --report-dir "$OUT/$account" \
    --no-color >"$OUT/$account.txt" 2>&1 || status=$?
  tail -n 25 "$OUT/$account.txt" >&2
done

summary=0
if ! python3 - "$OUT" <<'EOF'
import json, pathlib, sys
out = pathlib.Path(sys.argv[1])
total = 0
server_errors = []
for har in sorted(out.glob("*/har-*.json")):
    entries = json.loads(har.read_text())["log"]["entries"]
    total += len(entries)
    for e in entries:
        if e["response"]["status"] >= 500:
            server_errors.append((har.parent.name, e["request"]["method"], e["request"]["url"], e["response"]["status"]))
print(f"requests: {total}")
print(f"5xx answers: {len(server_errors)}")
for account, method, url, status in server_errors[:50]:
    print(f"  {account}: {status} {method} {url}")
sys.exit(1 if server_errors else 0)
EOF
then
  summary=1
fi
log "reports in $OUT"
exit $summary
