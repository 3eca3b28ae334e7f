//! Pure rules shared by the browser and the server: no IO here.

pub mod checks;
pub mod deal_rules;
pub mod documents;
pub mod events;
pub mod fec;
pub mod geo;
pub mod ids;
pub mod image;
pub mod invoice_check;
pub mod jobs;
pub mod kpi;
pub mod money;
pub mod pack;
pub mod paging;
pub mod position;
pub mod quote_check;
pub mod quote_totals;
pub mod role;
pub mod routing;
pub mod scores;
pub mod validation;
pub mod vat;

pub use events::DomainEvent;
pub use ids::*;
pub use pack::{PackLabels, PipelineTemplate, StageKind, StageTemplate, TradePack};
pub use role::Role;
pub use validation::{Email, Password, PersonName, Phone, TotpCode, WorkspaceName};
