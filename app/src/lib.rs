//! Comptoir: the CRM for French small businesses. One crate compiled twice:
//! `ssr` for the server and `hydrate` for the browser.
#![recursion_limit = "512"]

pub mod admin;
pub mod audit;
pub mod auth;
pub mod dashboard;
/// The pure rules, a crate of their own (see `domain/`).
pub use ::domain;
pub mod error;
#[cfg(feature = "ssr")]
pub mod infra;
pub mod invoice;
pub mod jobs;
pub mod marketplace;
pub mod outbox;
pub mod pipeline;
pub mod portal;
pub mod quote;
pub mod setter;
pub mod shell;
#[cfg(feature = "ssr")]
pub mod subscribers;
pub mod ui;
pub mod workspace;

pub use error::AppError;
pub use shell::{App, shell};
