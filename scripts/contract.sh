#!/usr/bin/env bash
# The contract checks of CI (issue 18): clients generated from the committed
# openapi/openapi.json, unmodified, run a supplier's and a buyer's first steps against a real
# server, and schemathesis fuzzes the served document. One `tradefair serve --demo` (fresh
# SQLite data dir, scripts/lib/demo-server.sh) serves all three, one after the other:
#
#   1. Python: openapi-python-client generates `tradefair_client` (--fail-on-warning), and
#      scripts/contract/journey.py drives it.
#   2. TypeScript: openapi-typescript generates the types, `tsc --strict` checks
#      scripts/contract/journey.ts against them, node runs it with openapi-fetch.
#   3. scripts/schemathesis.sh: every check, response-schema conformance included, as the demo
#      buyer, supplier and operator, for SCHEMATHESIS_SECONDS (90 by default) in all.
#
#   TRADEFAIR_BIN=target/debug/tradefair scripts/contract.sh
#
# The tools are installed from PyPI and npm at pinned versions into $CARGO_TARGET_DIR/contract
# (once; reinstalled when a pin changes). Fails, never skips, when python3 (with venv), node or a
# package cannot be had: scripts/services.sh installs python3-venv and npm from Debian.
# Without TRADEFAIR_BIN it builds the binary. The generated clients, the journeys' output, the
# server log and schemathesis's reports stay in the printed directory.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

OPENAPI_PYTHON_CLIENT_VERSION=0.29.1
OPENAPI_TYPESCRIPT_VERSION=7.13.0
OPENAPI_FETCH_VERSION=0.17.0
TYPESCRIPT_VERSION=5.9.3
TYPES_NODE_VERSION=20.19.43

TARGET_DIR=$(realpath -m "${CARGO_TARGET_DIR:-target}")
TOOLS=$TARGET_DIR/contract
OUT=${CONTRACT_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/tradefair-contract.XXXXXX")}
OUT=$(realpath -m "$OUT")
mkdir -p "$TOOLS" "$OUT"
log() { echo "contract.sh: $*" >&2; }
fail() { log "$*"; exit 1; }
started=$SECONDS
timings=()
timed() { # timed NAME COMMAND…: runs it, records its duration, returns its status
  local name=$1 t0=$SECONDS rc=0
  shift
  "$@" || rc=$?
  timings+=("$name: $((SECONDS - t0)) s")
  return $rc
}

command -v python3 >/dev/null && python3 -c 'import venv, ensurepip' 2>/dev/null \
  || fail "python3 with venv is missing (scripts/services.sh installs python3-venv)"
command -v node >/dev/null && command -v npm >/dev/null \
  || fail "node and npm are missing (scripts/services.sh installs npm)"
command -v curl >/dev/null || fail "curl is missing"

BIN=${TRADEFAIR_BIN:-}
if [ -z "$BIN" ]; then
  cargo build -q -p api --bin tradefair
  BIN=$TARGET_DIR/debug/tradefair
fi
[ -x "$BIN" ] || fail "no tradefair binary at $BIN"

# The server loads the demo data (about a minute of CPU in a debug build) while the tools are
# installed and the clients generated.
# shellcheck source=scripts/lib/demo-server.sh
source scripts/lib/demo-server.sh
demo_server_start "$BIN" "$OUT/server"
trap demo_server_stop EXIT
log "server starting on $DEMO_BASE (data in $OUT/server)"

install_python_generator() {
  local venv=$TOOLS/python-client-venv
  if [ "$("$venv/bin/python" -c 'from importlib.metadata import version; print(version("openapi-python-client"))' 2>/dev/null)" \
    != "$OPENAPI_PYTHON_CLIENT_VERSION" ]; then
    log "installing openapi-python-client==$OPENAPI_PYTHON_CLIENT_VERSION into $venv"
    [ -x "$venv/bin/pip" ] || python3 -m venv "$venv" >&2
    "$venv/bin/pip" install -q --disable-pip-version-check \
      "openapi-python-client==$OPENAPI_PYTHON_CLIENT_VERSION" >&2 \
      || fail "could not install openapi-python-client"
  fi
}

install_npm_tools() {
  local dir=$TOOLS/npm want have
  want="openapi-typescript@$OPENAPI_TYPESCRIPT_VERSION openapi-fetch@$OPENAPI_FETCH_VERSION typescript@$TYPESCRIPT_VERSION @types/node@$TYPES_NODE_VERSION"
  have=$(cd "$dir" 2>/dev/null && node -e '
    const names = ["openapi-typescript", "openapi-fetch", "typescript", "@types/node"];
    console.log(names.map((n) => { try { return n + "@" + require(n + "/package.json").version; } catch { return ""; } }).join(" "));
  ' 2>/dev/null || true)
  if [ "$have" != "$want" ]; then
    log "installing $want into $dir"
    mkdir -p "$dir"
    # shellcheck disable=SC2086 # one argument per package
    npm install --prefix "$dir" --no-audit --no-fund --loglevel=error $want >&2 \
      || fail "could not install the npm packages"
  fi
}

generate_python_client() {
  rm -rf "$OUT/python" && mkdir -p "$OUT/python"
  # ruff (a dependency of the generator) formats the code it writes when it is on PATH.
  PATH=$TOOLS/python-client-venv/bin:$PATH \
    "$TOOLS/python-client-venv/bin/openapi-python-client" generate \
    --path "$ROOT/openapi/openapi.json" --output-path "$OUT/python/tradefair_client" --meta none \
    --config "$ROOT/scripts/contract/python-client.yaml" --fail-on-warning >"$OUT/python/generate.log" 2>&1 \
    || { cat "$OUT/python/generate.log" >&2; fail "openapi-python-client could not generate the client"; }
}

generate_typescript_client() {
  local dir=$OUT/typescript
  rm -rf "$dir" && mkdir -p "$dir"
  cp scripts/contract/journey.ts scripts/contract/tsconfig.json "$dir/"
  ln -s "$TOOLS/npm/node_modules" "$dir/node_modules"
  echo '{"type": "module", "private": true}' >"$dir/package.json"
  "$TOOLS/npm/node_modules/.bin/openapi-typescript" "$ROOT/openapi/openapi.json" -o "$dir/tradefair.ts" \
    >"$dir/generate.log" 2>&1 \
    || { cat "$dir/generate.log" >&2; fail "openapi-typescript could not generate the types"; }
  (cd "$dir" && node_modules/.bin/tsc -p .) >"$dir/tsc.log" 2>&1 \
    || { cat "$dir/tsc.log" >&2; fail "journey.ts does not type-check against the generated types"; }
}

timed "install openapi-python-client" install_python_generator
timed "install npm tools" install_npm_tools
timed "install schemathesis" env SCHEMATHESIS_INSTALL_ONLY=1 scripts/schemathesis.sh
timed "generate the Python client" generate_python_client
timed "generate and type-check the TypeScript client" generate_typescript_client

timed "server start (demo data)" demo_server_wait
export TRADEFAIR_BASE_URL=$DEMO_BASE TRADEFAIR_MAIL_DIR=$OUT/server/data/mail
TRADEFAIR_OPERATOR_EMAIL=$(demo_login operator)
export TRADEFAIR_OPERATOR_EMAIL TRADEFAIR_OPERATOR_PASSWORD=$DEMO_PASSWORD

python_journey() {
  PYTHONPATH=$OUT/python "$TOOLS/python-client-venv/bin/python" scripts/contract/journey.py 2>&1 |
    tee "$OUT/python/journey.log" >&2
}
typescript_journey() {
  (cd "$OUT/typescript" && node out/journey.js) 2>&1 | tee "$OUT/typescript/journey.log" >&2
}
passed=0 failed=0
check() { # check NAME COMMAND…: runs one of the three checks; the others run whatever it gives
  if timed "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); log "FAILED: $1"; fi
}
check "Python journey" python_journey
check "TypeScript journey" typescript_journey
check "schemathesis" env TRADEFAIR_BASE_URL="$DEMO_BASE" TRADEFAIR_DEMO_DIR="$OUT/server" \
  SCHEMATHESIS_OUT="$OUT/schemathesis" TRADEFAIR_BIN="$BIN" scripts/schemathesis.sh

demo_server_stop
log "durations:"
for t in "${timings[@]}"; do log "  $t"; done
log "  total: $((SECONDS - started)) s"
log "reports in $OUT"
# The plain closing line CI reads: the journeys and schemathesis, one check each.
echo "contract: $passed passed, $failed failed"
[ $failed -eq 0 ]
