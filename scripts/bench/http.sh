#!/usr/bin/env bash
# Login and product-read throughput of a release build on loopback, measured with wrk.
# Starts its own server on the demo data (SQLite by default; set DATABASE_URL for PostgreSQL),
# runs bounded wrk loads against 127.0.0.1 only, and stops the server.
#
#   scripts/bench/http.sh            # DURATION=20s CONNECTIONS=32 THREADS=2 by default
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
PORT=${PORT:-18181}
cargo build --release -p api --bin tradefair >&2
BIN=target/release/tradefair
DIR=$(mktemp -d)
export TRADEFAIR_DATA_DIR=$DIR TRADEFAIR_BIND=127.0.0.1:$PORT
# The benchmark measures the login path itself, not the brute-force limits.
export TRADEFAIR_LOGIN_ACCOUNT_BURST=100000000 TRADEFAIR_LOGIN_ADDRESS_BURST=100000000
export RUST_LOG=warn
$BIN seed-demo >&2
$BIN serve >"$DIR/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$DIR"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done

SLUG=ningbo-hengyue-machinery
PRODUCT=$(curl -sf "http://127.0.0.1:$PORT/api/v1/storefronts/$SLUG?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["products"]["items"][0]["id"])')
cat > "$DIR/login.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"email":"buyer@demo.tradefair.example","password":"Tradefair-Demo-2026"}'
LUA
echo "## login: POST /api/v1/auth/login (Argon2id verify + refresh-token insert + JWT)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$DIR/login.lua" "http://127.0.0.1:$PORT/api/v1/auth/login"
echo "## product read: GET /api/v1/products/{id}"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:$PORT/api/v1/products/$PRODUCT"
echo "## storefront: GET /api/v1/storefronts/{slug}?limit=20"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:$PORT/api/v1/storefronts/$SLUG?limit=20"
echo "## search: GET /api/v1/search/products?q=不锈钢保温杯 (with facets)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:$PORT/api/v1/search/products?q=%E4%B8%8D%E9%94%88%E9%92%A2%E4%BF%9D%E6%B8%A9%E6%9D%AF"
echo "## search: GET /api/v1/search/products?q=LED+panel+light&verified=true&sort=price_asc&currency=CNY"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:$PORT/api/v1/search/products?q=LED+panel+light&verified=true&sort=price_asc&currency=CNY"
if grep -q 'panicked' "$DIR/server.log"; then echo "the server log shows a panic" >&2; exit 1; fi
