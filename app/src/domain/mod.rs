//! Pure rules shared by the browser and the server: no IO here.

pub mod ids;
pub mod pack;
pub mod role;
pub mod validation;

pub use ids::*;
pub use pack::{PackLabels, PipelineTemplate, StageKind, StageTemplate, TradePack};
pub use role::Role;
pub use validation::{Email, Password, PersonName, TotpCode, WorkspaceName};
