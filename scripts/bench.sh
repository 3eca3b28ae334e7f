#!/usr/bin/env bash
# Builds the release and prints the benchmark figures: start time, idle memory,
# /login latency at 16 connections, the pipeline bars (board render and moves
# with 100,000 deals, SQLite and PostgreSQL), the dashboard bars (35 KPIs with
# 200,000 prospects and ~2,000,000 messages, REFRESH MATERIALIZED VIEW beside
# them, ingestion over HTTP), what a browser downloads for /login and for the
# coach dashboard and for /demande, the board's layout shift and long tasks during a
# phone drag, and the marketplace (geocoding, routing among 20,000 profiles).
source "$(dirname "$0")/lib.sh"
setup_build_tools
build_release
cargo build --profile server-release -p tools
COMPTOIR_SERVER_BIN="$CARGO_TARGET_DIR/server-release/server" "$CARGO_TARGET_DIR/server-release/tools" bench
step "What a browser downloads (first visit, compressed as served)"
COMPTOIR_SERVER_BIN="$CARGO_TARGET_DIR/server-release/server" node end2end/tools/weight.mjs /login /signup
COMPTOIR_SERVER_BIN="$CARGO_TARGET_DIR/server-release/server" node end2end/tools/weight.mjs --as=coach@comptoir.test --bar=450 /app/dashboard
COMPTOIR_SERVER_BIN="$CARGO_TARGET_DIR/server-release/server" node end2end/tools/weight.mjs --bar=150 /demande
step "The board in Chromium on a phone: layout shift, long tasks while dragging"
COMPTOIR_SERVER_BIN="$CARGO_TARGET_DIR/server-release/server" node end2end/tools/board-perf.mjs
