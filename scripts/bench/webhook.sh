#!/usr/bin/env bash
# Webhook delivery throughput of a release build: queues DELIVERIES deliveries for an endpoint
# on a loopback receiver and times the webhook worker (the code `serve` and `tradefair worker`
# run) delivering them, signed. SQLite in a temp dir by default; pass
# --database-url postgres://… for PostgreSQL.
#
#   scripts/bench/webhook.sh                          # 10000 deliveries, batch 100
#   scripts/bench/webhook.sh --deliveries 5000 --batch 20
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release -p e2e --bin webhook-bench >&2
BIN=${CARGO_TARGET_DIR:-target}/release/webhook-bench
RUST_LOG=${RUST_LOG:-warn} "$BIN" "$@"
