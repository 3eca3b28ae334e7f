//! Quotes (devis): drafts edited with live totals, numbered when first sent,
//! signed by the client in the portal. The arithmetic is
//! `domain::quote_totals`, the legal check `domain::quote_check`.

pub mod api;
#[cfg(feature = "ssr")]
pub mod document;
#[cfg(feature = "ssr")]
pub mod download;
#[cfg(feature = "ssr")]
pub mod emails;
#[cfg(feature = "ssr")]
pub mod numbering;
#[cfg(feature = "ssr")]
pub mod profile;
#[cfg(feature = "ssr")]
pub mod scheduled;
#[cfg(feature = "ssr")]
pub mod send;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod tokens;
mod types;
pub mod ui;
pub mod validate;
#[cfg(feature = "ssr")]
pub mod versions;

pub use types::*;
