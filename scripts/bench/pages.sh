#!/usr/bin/env bash
# Server-side render time and throughput of the web pages (issue 17): product, storefront,
# search and home pages of a release build on the demo data, measured with wrk on loopback,
# and the weight of a product page (HTML + CSS + JS, before images).
# Starts its own server (SQLite by default; set DATABASE_URL for PostgreSQL), stops it after.
#
#   scripts/bench/pages.sh            # DURATION=20s CONNECTIONS=16 THREADS=2 by default
#   BIN=/path/to/release/tradefair scripts/bench/pages.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
PORT=${PORT:-18182}
# BIN=path/to/tradefair measures an existing release binary instead of building one.
if [ -z "${BIN:-}" ]; then
  cargo build --release -p api --bin tradefair >&2
  BIN=${CARGO_TARGET_DIR:-target}/release/tradefair
fi
DIR=$(mktemp -d)
export TRADEFAIR_DATA_DIR=$DIR TRADEFAIR_BIND=127.0.0.1:$PORT RUST_LOG=warn
$BIN seed-demo >&2
$BIN serve >"$DIR/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$DIR"' EXIT
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 300); do curl -sf "$BASE/readyz" >/dev/null && break; sleep 0.1; done
# The index is built from the outbox after start: wait until search finds the demo products.
for _ in $(seq 1 600); do
  total=$(curl -sf "$BASE/api/v1/search/products?q=%E4%BF%9D%E6%B8%A9%E6%9D%AF" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("total",0))' 2>/dev/null || echo 0)
  [ "${total:-0}" -gt 0 ] && break; sleep 0.2
done

SLUG=ningbo-hengyue-machinery
PRODUCT=$(curl -sf "$BASE/api/v1/storefronts/$SLUG?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["products"]["items"][0]["id"])')
# The canonical address (with its slug): the id alone answers with a 301.
PRODUCT_PATH=$(curl -s -o /dev/null -w '%{redirect_url}' "$BASE/zh/product/$PRODUCT" | sed "s|^$BASE||")
[ -n "$PRODUCT_PATH" ] || PRODUCT_PATH="/zh/product/$PRODUCT"

page() {
  local name=$1 path=$2
  local status
  status=$(curl -s -o /dev/null -w '%{http_code}' "$BASE$path")
  [ "$status" = 200 ] || { echo "$path answered $status" >&2; exit 1; }
  echo "## $name: GET $path"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$BASE$path"
}
page "product page" "$PRODUCT_PATH"
page "storefront" "/en/company/$SLUG"
page "search 保温杯 (with facets)" "/zh/search?q=%E4%BF%9D%E6%B8%A9%E6%9D%AF"
page "home" "/en/"

echo "## weight of the product page (bytes, uncompressed; images not counted)"
# minijinja writes `/` in attributes as `&#x2f;`.
PAGE=$(curl -s "$BASE$PRODUCT_PATH" | sed 's|&#x2f;|/|g')
HTML=$(curl -s "$BASE$PRODUCT_PATH" | wc -c)
CSS_PATH=$(printf '%s' "$PAGE" | grep -o '/assets/site\.[0-9a-f]*\.css' | head -1 || true)
CSS=$(curl -s "$BASE$CSS_PATH" | wc -c)
JS=0
for js in $(printf '%s' "$PAGE" | grep -o '/assets/[^"]*\.js' | sort -u || true); do
  JS=$((JS + $(curl -s "$BASE$js" | wc -c)))
done
echo "html=$HTML css=$CSS js=$JS total=$((HTML + CSS + JS))"
if grep -q 'panicked' "$DIR/server.log"; then echo "the server log shows a panic" >&2; exit 1; fi
