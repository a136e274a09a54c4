#!/usr/bin/env bash
# Freshness under load: time from a publish returning to the product being searchable, while wrk
# keeps the search endpoint busy. Release build, SQLite, demo data, loopback only.
#
#   scripts/bench/freshness.sh        # COUNT=200 CONNECTIONS=16 by default
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
COUNT=${COUNT:-200}
CONNECTIONS=${CONNECTIONS:-16}
PORT=${PORT:-18182}
cargo build --release -p api --bin tradefair >&2
BIN=target/release/tradefair
DIR=$(mktemp -d)
export TRADEFAIR_DATA_DIR=$DIR TRADEFAIR_BIND=127.0.0.1:$PORT RUST_LOG=warn
$BIN seed-demo >&2
$BIN serve >"$DIR/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER $LOAD 2>/dev/null; rm -rf "$DIR"' EXIT
LOAD=
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
# Background search load for longer than the probes take.
wrk -t1 -c"$CONNECTIONS" -d600s "http://127.0.0.1:$PORT/api/v1/search/products?q=%E4%B8%8D%E9%94%88%E9%92%A2%E4%BF%9D%E6%B8%A9%E6%9D%AF" >"$DIR/wrk.log" 2>&1 &
LOAD=$!
sleep 2
python3 scripts/bench/freshness.py "http://127.0.0.1:$PORT" owner@ningbo-hengyue-machinery.demo.tradefair.example Tradefair-Demo-2026 "$COUNT"
kill $LOAD 2>/dev/null || true
if grep -q 'panicked' "$DIR/server.log"; then echo "the server log shows a panic" >&2; exit 1; fi
