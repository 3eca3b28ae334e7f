//! `tools [bench | coach-gen N]`.

/// The same allocator as the server, so that in-process measurements (the
/// dashboard benchmark) see the same memory behaviour.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

const USAGE: &str = "Usage: tools COMMAND

Commands:
  bench          measure start time, memory, /login latency, quote PDFs, the invoice
                 Factur-X PDF, the FEC of 20,000 invoices, the pipeline bars (100,000
                 deals) and the dashboard bars (200,000 prospects), on SQLite then
                 PostgreSQL when reachable; COMPTOIR_BENCH_ONLY=memory|soak|quotes|
                 invoices|fec|dashboard|pipeline|market runs one part. Starts the server
                 binary in COMPTOIR_SERVER_BIN (default: `server` beside this program).
  coach-gen N    generate N DM-setter prospects (messages, statuses) through the feed's
                 code, into the demo coach's workspace (or a new « Coach Bench » one)
                 of the database in DATABASE_URL

Run from the repository root (the spawned servers read target/site); see README.";

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("bench") => tools::bench::run().await,
        Some("coach-gen") => tools::data::coach_gen(args.get(1)).await,
        Some("help" | "--help" | "-h") => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command {other:?}\n\n{USAGE}")),
    };
    if let Err(message) = result {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}
