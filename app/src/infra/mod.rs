//! Server-side plumbing: database, sessions, tenant scope, audit chain, jobs,
//! rate limits and the ports that `server/` implements.

pub mod cache;
pub mod communes;
pub mod config;
pub mod crypto;
pub mod db;
pub mod dispatch;
pub mod entity;
pub mod events;
pub mod file_store;
pub mod files;
pub mod live;
pub mod picture;
pub mod platform_local;
pub mod ports;
pub mod queue;
pub mod rate_limit;
pub mod request;
pub mod scope;
pub mod session;
pub mod state;
pub mod time;
pub mod write;

pub use config::AppConfig;
pub use scope::{Scope, SessionUser};
pub use state::AppState;
pub use write::{Audit, Write};
