//! `server [serve|migrate|seed --demo|create-admin|verify-events|precompress]`.
#![recursion_limit = "512"]

/// jemalloc with a background thread that gives freed pages back to the
/// system within about a second (`JEMALLOC_SYS_WITH_MALLOC_CONF` in
/// `.cargo/config.toml`): glibc's malloc kept every 19 MiB password hash and
/// typst render in per-thread arenas, and mimalloc kept them in its caches
/// (measured in docs/benchmarks.md, « Memory and abuse »).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = server::cli::run(args).await;
    std::process::exit(code);
}
