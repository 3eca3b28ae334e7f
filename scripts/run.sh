#!/usr/bin/env bash
# Sets up the toolchain and runs Comptoir at http://127.0.0.1:3000 on SQLite,
# with demo data on first start, rebuilding on every change.
source "$(dirname "$0")/lib.sh"
setup_build_tools
step "Starting Comptoir on http://127.0.0.1:3000 (demo accounts in README.md)"
# The demo data (accounts with a published password) only when asked: this
# command asks for it on an empty SQLite database; `server serve` never does.
export COMPTOIR_DEMO_SEED="${COMPTOIR_DEMO_SEED:-auto}"
exec cargo leptos watch --split
