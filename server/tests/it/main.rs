//! The server's integration tests, one binary (every extra test binary links
//! the whole server again): a real server on port 0 over a fresh database
//! per test, SQLite by default, PostgreSQL with `TEST_DATABASE=postgres`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod admin;
mod artisan_documents;
mod auth;
mod dashboards;
mod domain_events;
mod einvoicing;
mod events;
mod geocoding;
mod http_surface;
mod invoices;
mod jobs;
mod mail;
mod marketplace;
mod members;
mod pipeline;
mod quote_flow;
mod quote_pdf;
mod quotes;
mod security;
mod setter;
mod setter_pipeline;
mod tenancy;
