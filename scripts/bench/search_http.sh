#!/usr/bin/env bash
# Search-endpoint throughput and latency on a large catalog: a release build on SQLite whose
# demo products are copied until the catalog holds PRODUCTS products, indexed with
# `tradefair reindex`, then loaded with wrk through a fixed query mix (Chinese, English, mixed,
# model number, typo, filtered, price-sorted, browse; every response with facets).
#
#   scripts/bench/search_http.sh     # PRODUCTS=1000000 DURATION=30s CONNECTIONS=32 THREADS=2
#
# KEEP=<dir> keeps the data dir (catalog and index) and reuses it on the next run.
set -euo pipefail
cd "$(dirname "$0")/../.."
for tool in wrk sqlite3 curl; do
    command -v $tool >/dev/null || { echo "$tool is missing: apt-get install $tool" >&2; exit 1; }
done
PRODUCTS=${PRODUCTS:-1000000}
DURATION=${DURATION:-30s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
PORT=${PORT:-18182}
cargo build --release -p api --bin tradefair >&2
BIN=$PWD/target/release/tradefair
DIR=${KEEP:-$(mktemp -d)}
mkdir -p "$DIR"
export TRADEFAIR_DATA_DIR=$DIR TRADEFAIR_BIND=127.0.0.1:$PORT RUST_LOG=warn
if [ ! -f "$DIR/tradefair.db" ]; then
    $BIN seed-demo >&2
    demo=$(sqlite3 "$DIR/tradefair.db" "SELECT count(*) FROM products")
    copies=$(( (PRODUCTS + demo - 1) / demo - 1 ))
    started=$(date +%s)
    # Copy i of a product keeps its first 19 id characters, then its row number and i (still a
    # UUID, and unique: two products may share more than 19 leading characters).
    sqlite3 "$DIR/tradefair.db" "
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $copies)
        INSERT INTO products
        SELECT substr(id, 1, 19) || printf('%04x-%012x', products.rowid, n.i), company_id, status, title_zh,
               title_en, description, category_id, attributes, images, unit, moq,
               price_on_request, currency, price_tiers, price_min_minor, price_max_minor,
               lead_time_days, place_of_origin, keywords, review_note, published_at,
               created_at, updated_at, deleted_at, changes_requested_at
        FROM products, n"
    echo "catalog: $(sqlite3 "$DIR/tradefair.db" "SELECT count(*) FROM products") products ($demo demo products copied $copies times, $(( $(date +%s) - started )) s)"
    started=$(date +%s)
    $BIN reindex >&2
    echo "reindex: $(( $(date +%s) - started )) s"
fi
$BIN serve >"$DIR/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$DIR"' EXIT
# Search answers 503 until the indexer has caught up with the outbox.
for _ in $(seq 1 3000); do
    curl -sf "http://127.0.0.1:$PORT/api/v1/search/products?limit=1" >/dev/null && break
    sleep 0.2
done
curl -sf "http://127.0.0.1:$PORT/api/v1/search/products?q=%E4%BF%9D%E6%B8%A9%E6%9D%AF&limit=1" \
    | python3 -c 'import json,sys; r=json.load(sys.stdin); print("保温杯: total", r["total"], "estimated" if r["total_is_estimate"] else "exact", "took", r["took_ms"], "ms")'

cat > "$DIR/mix.lua" <<'LUA'
-- The engine benchmark's query set, as URLs; each connection walks through it in turn.
local paths = {
  "/api/v1/search/products?q=%E4%B8%8D%E9%94%88%E9%92%A2%E4%BF%9D%E6%B8%A9%E6%9D%AF",
  "/api/v1/search/products?q=%E8%9E%BA%E6%A0%93",
  "/api/v1/search/products?q=%E4%BF%9D%E6%BA%AB%E6%9D%AF",
  "/api/v1/search/products?q=stainless+steel",
  "/api/v1/search/products?q=led+panel+light",
  "/api/v1/search/products?q=304%E4%B8%8D%E9%94%88%E9%92%A2+500ml",
  "/api/v1/search/products?q=600x600",
  "/api/v1/search/products?q=stainles",
  "/api/v1/search/products?q=%E4%BF%9D%E6%B8%A9%E6%9D%AF&verified=true&category=home-goods",
  "/api/v1/search/products?q=LED&price_max=50&currency=CNY&sort=price_asc",
  "/api/v1/search/products",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
LUA
echo "## search endpoint, query mix, $CONNECTIONS connections, $DURATION"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$DIR/mix.lua" "http://127.0.0.1:$PORT"
if grep -q 'panicked' "$DIR/server.log"; then echo "the server log shows a panic" >&2; exit 1; fi
