//! Pages of quotes: the list, the editor, the settings and catalogue.

mod catalogue;
mod client;
mod deal_tab;
mod editor;
mod lines;
mod list;
mod logo;
pub mod parts;
mod readonly;
mod settings;
mod state;
mod terms;

pub use deal_tab::DealQuotes;
pub use editor::QuoteEditorPage;
pub use list::QuotesPage;
pub use settings::QuoteSettingsPage;
