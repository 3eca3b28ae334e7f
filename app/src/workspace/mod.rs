//! Workspaces, members, roles and invitations.

pub mod api;
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;

use crate::audit::EventRow;
use crate::domain::{PackLabels, Role, StageKind, TradePack};
use serde::{Deserialize, Serialize};

/// A workspace the user belongs to, for the switcher.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkspaceSummary {
    /// Workspace id.
    pub id: crate::domain::WorkspaceId,
    /// Its name.
    pub name: String,
    /// Its trade pack.
    pub pack: TradePack,
    /// The user's role there.
    pub role: Role,
}

/// One member in the members list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberRow {
    /// Membership id.
    pub id: crate::domain::MemberId,
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Role in the workspace.
    pub role: Role,
    /// Joined, Paris date.
    pub joined_at: String,
    /// The viewer themself.
    pub is_me: bool,
    /// Uses two-factor authentication.
    pub totp_enabled: bool,
}

/// One pending invitation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InvitationRow {
    /// Invitation id.
    pub id: crate::domain::InvitationId,
    /// Invited address.
    pub email: String,
    /// Role offered.
    pub role: Role,
    /// Who invited.
    pub invited_by: String,
    /// Valid until, Paris date.
    pub expires_at: String,
}

/// The members page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MembersPage {
    /// Members, owners first.
    pub members: Vec<MemberRow>,
    /// Pending invitations.
    pub invitations: Vec<InvitationRow>,
    /// The viewer's role.
    pub my_role: Role,
}

/// What the invitation page shows before accepting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationInfo {
    /// Workspace name.
    pub workspace_name: String,
    /// Who invited.
    pub inviter_name: String,
    /// Role offered.
    pub role: Role,
    /// Invited address.
    pub email: String,
    /// An account already exists for that address.
    pub account_exists: bool,
    /// Address of the signed-in user, if any.
    pub signed_in_as: Option<String>,
}

/// One stage of a pipeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageView {
    /// Stage id.
    pub id: crate::domain::StageId,
    /// Title.
    pub name: String,
    /// Accent colour.
    pub color: String,
    /// Open, won or lost.
    pub kind: StageKind,
    /// Win probability in percent.
    pub probability: i32,
}

#[cfg(feature = "ssr")]
impl From<&crate::infra::entity::stage::Model> for StageView {
    fn from(s: &crate::infra::entity::stage::Model) -> StageView {
        StageView {
            id: crate::domain::StageId(s.id),
            name: s.name.clone(),
            color: s.color.clone(),
            kind: s.kind,
            probability: s.probability,
        }
    }
}

/// A pipeline with its stages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineView {
    /// Pipeline id.
    pub id: crate::domain::PipelineId,
    /// Title.
    pub name: String,
    /// Ordered stages.
    pub stages: Vec<StageView>,
}

/// The home page of a workspace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    /// Workspace name.
    pub name: String,
    /// Trade pack.
    pub pack: TradePack,
    /// The pack's words.
    pub labels: PackLabels,
    /// Viewer's role.
    pub role: Role,
    /// Members count.
    pub member_count: u64,
    /// Pending invitations count.
    pub pending_invitations: u64,
    /// Pipelines and their stages.
    pub pipelines: Vec<PipelineView>,
    /// Latest audit events, when the role may read them.
    pub recent_events: Option<Vec<EventRow>>,
    /// The viewer uses two-factor authentication.
    pub totp_enabled: bool,
    /// The workspace requires it of owners.
    pub require_owner_totp: bool,
}

/// Editable settings of a workspace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceSettings {
    /// Name.
    pub name: String,
    /// Owners must use TOTP.
    pub require_owner_totp: bool,
    /// Trade pack (fixed after creation).
    pub pack: TradePack,
}
