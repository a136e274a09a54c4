#!/usr/bin/env bash
# Catalog import throughput of a release build: a CSV of ROWS products (no images) through the
# import worker's loop, twice (creates, then updates). SQLite in a temp dir by default; pass
# --database-url postgres://… (an empty database) for PostgreSQL.
#
#   scripts/bench/import.sh                      # 2000 rows, batches of 100, 20 ms pauses
#   scripts/bench/import.sh --rows 10000 --pause-ms 0
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release -p domain --example import-bench >&2
BIN=${CARGO_TARGET_DIR:-target}/release/examples/import-bench
RUST_LOG=${RUST_LOG:-warn} "$BIN" "$@"
