//! Pages of the pipeline: the board, its settings, member profiles.

mod board;
mod card;
mod dialogs;
mod dnd;
mod drawer;
mod live;
mod new_lead;
mod profile;
mod settings;
mod state;
mod toolbar;

pub use board::BoardPage;
pub use profile::MemberProfilePage;
pub use settings::PipelineSettingsPage;
