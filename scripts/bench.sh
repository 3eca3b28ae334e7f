#!/usr/bin/env bash
# Builds the release and prints the benchmark figures (start time, memory,
# /login latency at 16 connections, bytes downloaded for /login).
source "$(dirname "$0")/lib.sh"
setup_build_tools
cargo leptos build --release
exec "$CARGO_TARGET_DIR/server-release/server" bench
