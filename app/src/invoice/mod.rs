//! Invoices (factures) and credit notes (avoirs): drafts from scratch or from
//! a signed quote (deposit, progress, final with deductions), the legal check
//! (`domain::invoice_check`), gapless numbering on issue, Factur-X PDFs,
//! payments. The arithmetic is the quote's (`domain::quote_totals`).

pub mod api;
pub mod billing;
#[cfg(feature = "ssr")]
pub mod csv;
#[cfg(feature = "ssr")]
pub mod document;
#[cfg(feature = "ssr")]
pub mod download;
pub mod einvoicing;
#[cfg(feature = "ssr")]
pub mod emails;
#[cfg(feature = "ssr")]
pub mod fec;
#[cfg(feature = "ssr")]
pub mod finance;
#[cfg(feature = "ssr")]
pub mod issue;
#[cfg(feature = "ssr")]
pub mod numbering;
#[cfg(feature = "ssr")]
pub mod payments;
#[cfg(feature = "ssr")]
pub mod scheduled;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod settings;
#[cfg(feature = "ssr")]
pub mod store;
mod types;
pub mod ui;
pub mod validate;

pub use types::*;
