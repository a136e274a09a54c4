#!/usr/bin/env bash
# The whole test suite, as CI runs it: starts PostgreSQL and Redis on loopback, checks
# formatting, lints, the crate boundary, then runs every test (unit, end-to-end on SQLite and
# PostgreSQL, OpenAPI drift, migrations), then the contract checks (scripts/contract.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

eval "$(scripts/services.sh)"

# No cache survives between CI runs, so incremental state is only disk (it doubled the target
# dir and the run ran out of space once). Local runs may override it.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
echo "== disk before the build: $(df -h --output=avail . | tail -1 | tr -d ' ') free"

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== domain must not depend on actix, tantivy, redis, lettre or utoipa"
for banned in actix-web actix-http tantivy redis lettre utoipa; do
  if cargo tree -p domain -e normal -i "$banned" >/dev/null 2>&1; then
    echo "domain depends on $banned:"; cargo tree -p domain -e normal -i "$banned"; exit 1
  fi
done

echo "== imaging and search stay beside each other, below api"
for pair in "imaging search" "imaging api" "search imaging" "search api"; do
  set -- $pair
  if cargo tree -p "$1" -e normal -i "$2" >/dev/null 2>&1; then
    echo "$1 depends on $2:"; cargo tree -p "$1" -e normal -i "$2"; exit 1
  fi
done

echo "== cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings

echo "== tests"
# The crash test runs the real binary as a child process.
# With the e2e crate in the build, so that domain is built once, with the test clock the
# tests move (cargo unifies features per build).
cargo build -p api -p e2e --bin tradefair
if ! command -v cargo-nextest >/dev/null 2>&1; then
  cargo install --locked cargo-nextest
fi
cargo nextest run --workspace --no-fail-fast --test-threads "${TEST_THREADS:-8}"

echo "== contract: generated clients and schemathesis against the built server"
# Installs its tools from PyPI and npm (cached in the target dir) and fails, never skips,
# when it cannot; docs/openapi.md says what runs and how long it takes.
TRADEFAIR_BIN="${CARGO_TARGET_DIR:-target}/debug/tradefair" scripts/contract.sh
echo "== target dir after the tests: $(du -sh "${CARGO_TARGET_DIR:-target}" 2>/dev/null | cut -f1)"
