//! Pages and components of the marketplace.

mod admin;
mod directory;
mod documents;
mod map;
mod photos;
mod profile;

pub use admin::{AdminRequestPage, AdminRequestsPage};
pub use directory::AdminArtisansPage;
pub use documents::{DocumentsSection, ModerationQueue};
pub use map::{AdminMapPage, ZoneMap};
pub use photos::RequestPhotos;
pub use profile::ArtisanProfileCard;
