//! What measures and checks Comptoir without being part of it: the
//! benchmarks (`tools bench`), the DM-setter data generator
//! (`tools coach-gen N`) and the independent KPI recomputation the tests and
//! the dashboard benchmark compare the dashboard with. The production binary
//! (`server`) carries none of it.
#![recursion_limit = "512"]

pub mod bench;
pub mod bench_dashboard;
pub mod bench_fec;
pub mod bench_market;
pub mod bench_memory;
pub mod bench_photos;
pub mod bench_pipeline;
pub mod bench_quotes;
pub mod bench_soak;
pub mod data;
pub mod kpi_check;
