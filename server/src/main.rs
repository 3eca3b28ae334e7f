//! `server [serve|migrate|seed --demo|create-admin|verify-events|bench]`.
#![recursion_limit = "512"]

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = server::cli::run(args).await;
    std::process::exit(code);
}
