#!/usr/bin/env bash
# Media benchmarks of a release build on loopback:
#  1. processing time of a 12-megapixel JPEG on one core (media-bench, pinned with taskset);
#  2. upload-and-process time of such a JPEG through HTTP (server pinned to one core, curl);
#  3. throughput of a cached public thumbnail with wrk (server on every core);
#  4. the server's peak memory (VmHWM) during 8 concurrent uploads of 20 MB.
# SQLite and files under a temp data dir.
#
#   scripts/bench/media.sh       # RUNS=10 DURATION=20s CONNECTIONS=32 THREADS=2
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
RUNS=${RUNS:-10}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
PORT=${PORT:-18191}
cargo build --release -p api --bin tradefair -p e2e --bin media-bench >&2
T=${CARGO_TARGET_DIR:-target}/release
DIR=$(mktemp -d)
export TRADEFAIR_DATA_DIR=$DIR/data TRADEFAIR_BIND=127.0.0.1:$PORT RUST_LOG=warn
export TRADEFAIR_MEDIA_DAILY_BYTES=100000000000 TRADEFAIR_MEDIA_DAILY_COUNT=100000
SERVER=
stop() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null; SERVER=; }
trap 'stop; rm -rf "$DIR"' EXIT
start() {
  "$@" "$T/tradefair" serve >>"$DIR/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
}
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

echo "## 1. processing a 12 MP JPEG on one core (decode, orient, 3 resizes, 3 JPEG encodes)"
taskset -c 0 "$T/media-bench" process --runs "$RUNS"

echo "## 2. POST /api/v1/media of a 12 MP JPEG, server pinned to one core"
"$T/tradefair" seed-demo >"$DIR/seed.log"
start taskset -c 0
EMAIL="bench-$RANDOM@example.com"
curl -sf -H 'content-type: application/json' -d "{\"email\":\"$EMAIL\",\"password\":\"Harbor-Lantern-4821\",\"display_name\":\"Bench\",\"account_type\":\"supplier\",\"accept_terms\":true}" \
  "http://127.0.0.1:$PORT/api/v1/auth/register" >/dev/null
TOKEN=$(curl -sf -H 'content-type: application/json' -d "{\"email\":\"$EMAIL\",\"password\":\"Harbor-Lantern-4821\"}" \
  "http://127.0.0.1:$PORT/api/v1/auth/login" | json '["access_token"]')
for i in $(seq 1 "$RUNS"); do
  "$T/media-bench" jpeg "$DIR/p$i.jpg" "$((i + 1000))"
  curl -sf -o /dev/null -w "upload $i: %{size_upload} bytes, %{time_total} s, HTTP %{http_code}\n" \
    -H "authorization: Bearer $TOKEN" -F purpose=product_image -F "file=@$DIR/p$i.jpg" \
    "http://127.0.0.1:$PORT/api/v1/media"
done
stop

echo "## 3. GET a public thumbnail (a demo product's cover), wrk -t$THREADS -c$CONNECTIONS -d$DURATION"
start
SLUG=ningbo-hengyue-machinery
THUMB=$(curl -sf "http://127.0.0.1:$PORT/api/v1/storefronts/$SLUG?limit=1" | json '["products"]["items"][0]["images"][0]["thumbnail_url"]')
curl -sfI "http://127.0.0.1:$PORT$THUMB" | tr -d '\r' | grep -iE '^(content-type|content-length|cache-control|etag)'
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:$PORT$THUMB"
stop

echo "## 4. peak memory of the server during 8 concurrent 20 MB uploads"
start
"$T/media-bench" pdf "$DIR/scan.pdf" 20000000
for i in $(seq 1 8); do "$T/media-bench" jpeg "$DIR/big$i.jpg" "$((i + 2000))"; done
echo "before: $(grep VmHWM /proc/$SERVER/status) $(grep VmRSS /proc/$SERVER/status)"
started=$(date +%s.%N)
for i in $(seq 1 8); do
  # Distinct bytes per upload (a trailing comment), so none is deduplicated.
  cp "$DIR/scan.pdf" "$DIR/scan$i.pdf"; printf '%% copy %s\n%%%%EOF\n' "$i" >>"$DIR/scan$i.pdf"
  curl -sf -o /dev/null -w "pdf $i: %{size_upload} bytes, %{time_total} s, HTTP %{http_code}\n" \
    -H "authorization: Bearer $TOKEN" -F purpose=attachment -F "file=@$DIR/scan$i.pdf" \
    "http://127.0.0.1:$PORT/api/v1/media" &
done
wait $(jobs -p | grep -v "^$SERVER$") 2>/dev/null || true
echo "8 × 20 MB PDF in $(echo "$(date +%s.%N) - $started" | bc) s; after: $(grep VmHWM /proc/$SERVER/status)"
for i in $(seq 1 8); do
  curl -sf -o /dev/null -w "jpeg $i: %{size_upload} bytes, %{time_total} s, HTTP %{http_code}\n" \
    -H "authorization: Bearer $TOKEN" -F purpose=attachment -F "file=@$DIR/big$i.jpg" \
    "http://127.0.0.1:$PORT/api/v1/media" &
done
wait $(jobs -p | grep -v "^$SERVER$") 2>/dev/null || true
echo "after 8 concurrent 12 MP JPEG uploads: $(grep VmHWM /proc/$SERVER/status)"
if grep -q 'panicked' "$DIR/server.log"; then echo "the server log shows a panic" >&2; exit 1; fi
