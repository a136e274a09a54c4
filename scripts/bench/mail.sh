#!/usr/bin/env bash
# E-mail sending throughput of a release build: queues JOBS messages and times the mail worker
# (the code `serve` and `tradefair worker` run) sending them to an SMTP sink on 127.0.0.1.
# SQLite in a temp dir by default; pass --database-url postgres://… for PostgreSQL.
#
#   scripts/bench/mail.sh                       # 20000 jobs, concurrency 8, no DKIM
#   scripts/bench/mail.sh --dkim rsa --jobs 5000
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release -p e2e --bin mail-bench >&2
BIN=${CARGO_TARGET_DIR:-target}/release/mail-bench
RUST_LOG=${RUST_LOG:-warn} "$BIN" "$@"
