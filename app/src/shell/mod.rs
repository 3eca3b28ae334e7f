//! The application frame: HTML document, router, layouts and navigation.

pub mod app;
pub mod layout;
pub mod nav;
pub mod pages;
pub mod public;
pub mod routes;
pub mod theme;

pub use app::{App, shell};
pub use layout::{MeContext, use_me};
