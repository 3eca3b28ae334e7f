//! `server [serve|migrate|seed --demo|create-admin|verify-events|bench]`.
#![recursion_limit = "512"]

/// mimalloc returns freed memory to the system (glibc's malloc kept every
/// 19 MiB password hash and typst render in per-thread arenas): the resident
/// size falls back after a burst instead of ratcheting up. Measured in the
/// README (Benchmarks → memory).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = server::cli::run(args).await;
    std::process::exit(code);
}
