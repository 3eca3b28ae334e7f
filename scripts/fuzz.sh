#!/usr/bin/env bash
# Runs each cargo-fuzz target of fuzz/ for a bounded time (FUZZ_SECONDS, 20 s
# by default) from its corpus: the parsers of what people type (French
# amounts, quantities, percentages; SIRET, email, phone, names, codes) and
# uploaded image headers. A crash fails the run and leaves its input under
# fuzz/artifacts/. Built without sanitizer (stable toolchain): panics,
# overflows (debug assertions) and the targets' own round-trip assertions
# are what is caught.
source "$(dirname "$0")/lib.sh"
SECONDS_PER_TARGET="${FUZZ_SECONDS:-20}"
# The corpus grows from run to run outside the clone (next to the build
# cache); fuzz/seeds/ holds the hand-written starting inputs.
CORPUS="$CARGO_TARGET_DIR/fuzz-corpus"
cd fuzz
mkdir -p artifacts
for target in $(cargo fuzz list); do
  mkdir -p "$CORPUS/$target"
  step "cargo fuzz run $target (${SECONDS_PER_TARGET} s)"
  cargo fuzz run --sanitizer none --debug-assertions --target-dir "$CARGO_TARGET_DIR/fuzz" \
    "$target" "$CORPUS/$target" "seeds/$target" -- \
    -max_total_time="$SECONDS_PER_TARGET" -max_len=4096 -print_final_stats=1 -artifact_prefix="artifacts/$target-"
done
