//! Pages and components of the marketplace.

mod admin;
mod documents;
mod map;
mod profile;

pub use admin::{AdminRequestPage, AdminRequestsPage};
pub use documents::{DocumentsSection, ModerationQueue};
pub use map::{AdminMapPage, ZoneMap};
pub use profile::ArtisanProfileCard;
