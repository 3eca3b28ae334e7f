//! Platform administration: every workspace and account, for platform admins only.

pub mod api;
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;

use crate::domain::TradePack;
use serde::{Deserialize, Serialize};

/// One workspace in the admin list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkspaceActivity {
    /// Workspace id.
    pub id: crate::domain::WorkspaceId,
    /// Name.
    pub name: String,
    /// Trade pack.
    pub pack: TradePack,
    /// Members.
    pub members: i64,
    /// Audit events in the last 30 days.
    pub events_30d: i64,
    /// Last event, Paris time.
    pub last_activity: Option<String>,
    /// Created, Paris date.
    pub created_at: String,
}

/// The admin page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminOverview {
    /// Workspaces, most recently active first.
    pub workspaces: Vec<WorkspaceActivity>,
    /// Accounts.
    pub users: i64,
    /// Accounts with two-factor authentication.
    pub users_with_totp: i64,
    /// Emails waiting or failed.
    pub emails_pending: i64,
    /// Emails that failed for good.
    pub emails_failed: i64,
}
