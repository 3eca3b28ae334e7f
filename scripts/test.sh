#!/usr/bin/env bash
# Sets up everything and runs every test: formatting and lints, unit and
# property tests, integration tests on SQLite and on PostgreSQL (when
# reachable), then end-to-end tests in Chromium against the release build.
source "$(dirname "$0")/lib.sh"
setup_build_tools
setup_chromium
setup_pdf_tools
setup_security_tools
setup_einvoice_validator

step "Formatting and lints (ssr and hydrate)"
cargo fmt --all -- --check
cargo clippy -p app -p domain -p facturx -p server -p migrations -p tools --all-targets --features app/ssr -- -D warnings
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

step "Dependencies: cargo deny (licences, bans, sources, advisories) and npm audit"
./scripts/deps-audit.sh

step "Unit and property tests"
cargo test -p domain
cargo test -p app --features ssr
cargo test -p migrations
cargo test -p facturx

step "Integration tests on SQLite"
cargo test -p server

# PostgreSQL is the production database: its run is required (several tests,
# the races and the instances sharing live updates, only mean something
# there). COMPTOIR_SKIP_POSTGRES=1 skips it on a machine without one.
PG_URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
if [ "${COMPTOIR_SKIP_POSTGRES:-0}" = "1" ]; then
  step "COMPTOIR_SKIP_POSTGRES=1: integration tests on PostgreSQL SKIPPED"
elif (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
  step "Integration tests on PostgreSQL ($PG_URL)"
  TEST_DATABASE=postgres TEST_POSTGRES_URL="$PG_URL" cargo test -p server --tests
else
  echo "PostgreSQL does not answer on 127.0.0.1:5432 (set COMPTOIR_SKIP_POSTGRES=1 to skip its tests)" >&2
  exit 1
fi

step "Fuzzing the parsers people type into (cargo fuzz, bounded time)"
./scripts/fuzz.sh

build_release

step "Fuzzing the public HTTP API against its OpenAPI document (schemathesis)"
"$COMPTOIR_VENV/bin/python" scripts/py/api_fuzz.py "$CARGO_TARGET_DIR/server-release/server"

step "End-to-end tests in Chromium (desktop and phone)"
export COMPTOIR_SERVER_BIN="$CARGO_TARGET_DIR/server-release/server"
npm run --silent e2e

step "All tests passed"
