//! Leads, deals and the kanban board. The rules of a deal's life are in
//! `domain::deal_rules`; `rules.rs` is the one place that applies them.

pub mod api;
#[cfg(feature = "ssr")]
pub mod board;
#[cfg(feature = "ssr")]
pub mod drawer;
#[cfg(feature = "ssr")]
pub mod leads;
#[cfg(feature = "ssr")]
pub mod notes;
#[cfg(feature = "ssr")]
pub mod profiles;
#[cfg(feature = "ssr")]
pub mod rules;
#[cfg(feature = "ssr")]
pub mod stages;
pub mod ui;

/// Cards each "Afficher plus" of a long column adds.
pub const MORE_CARDS: usize = 50;

/// Won and lost columns show the deals closed in this many days (the board is
/// for current work; older results belong to reports).
pub const CLOSED_WINDOW_DAYS: i64 = 90;

use crate::audit::EventRow;
use crate::domain::scores::{MemberScore, Temperature};
use crate::domain::{DealId, LeadId, MemberId, NoteId, PipelineId, Role, StageId, StageKind};
use crate::workspace::StageView;
use serde::{Deserialize, Serialize};

/// Where a lead came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum LeadSource {
    /// The public request form.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "form"))]
    Form,
    /// A phone call.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "phone"))]
    Phone,
    /// An email.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "email"))]
    Email,
    /// A recommendation.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "referral"))]
    Referral,
    /// Instagram (DM setter).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "instagram"))]
    Instagram,
    /// The Comptoir marketplace.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "marketplace"))]
    Marketplace,
    /// Something else.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "other"))]
    Other,
}

impl LeadSource {
    /// Every source, for forms.
    pub const ALL: [LeadSource; 7] = [
        LeadSource::Phone,
        LeadSource::Form,
        LeadSource::Email,
        LeadSource::Referral,
        LeadSource::Instagram,
        LeadSource::Marketplace,
        LeadSource::Other,
    ];

    /// Stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            LeadSource::Form => "form",
            LeadSource::Phone => "phone",
            LeadSource::Email => "email",
            LeadSource::Referral => "referral",
            LeadSource::Instagram => "instagram",
            LeadSource::Marketplace => "marketplace",
            LeadSource::Other => "other",
        }
    }

    /// Parses the identifier.
    pub fn parse(value: &str) -> Option<LeadSource> {
        LeadSource::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            LeadSource::Form => "Formulaire",
            LeadSource::Phone => "Téléphone",
            LeadSource::Email => "E-mail",
            LeadSource::Referral => "Recommandation",
            LeadSource::Instagram => "Instagram",
            LeadSource::Marketplace => "Place de marché",
            LeadSource::Other => "Autre",
        }
    }
}

/// A card of the board.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DealCard {
    /// Deal id.
    pub id: DealId,
    /// Its lead.
    pub lead_id: LeadId,
    /// Current stage.
    pub stage_id: StageId,
    /// Order in the column.
    pub position: f64,
    /// Who asked.
    pub contact_name: String,
    /// Where.
    pub city: Option<String>,
    /// What trade.
    pub trade: String,
    /// Expected value, cents.
    pub value_cents: i64,
    /// Lead score, 0–100.
    pub score: u8,
    /// Hot, warm or cold.
    pub temperature: Temperature,
    /// "il y a 3 h".
    pub age: String,
    /// Owner's membership.
    pub owner_member_id: Option<MemberId>,
    /// Owner's name.
    pub owner_name: Option<String>,
    /// Why it was lost.
    pub lost_reason: Option<String>,
}

/// A column of the board.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StageColumn {
    /// The stage.
    pub stage: StageView,
    /// Deals in the stage (all of them, filters applied).
    pub count: u64,
    /// Their total value, cents.
    pub total_cents: i64,
    /// Cards shown, in order.
    pub cards: Vec<DealCard>,
    /// Cards not shown (closed columns show the most recent only).
    pub hidden: u64,
}

/// The board of one pipeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Board {
    /// Pipelines of the workspace, for the selector.
    pub pipelines: Vec<(PipelineId, String)>,
    /// The pipeline shown.
    pub pipeline_id: PipelineId,
    /// Its columns, in order.
    pub columns: Vec<StageColumn>,
    /// Members, for the owner filter.
    pub members: Vec<(MemberId, String)>,
    /// Trades, for the filter and the new lead form.
    pub trades: Vec<String>,
    /// Usual loss reasons.
    pub lost_reasons: Vec<String>,
    /// The viewer may move cards and create leads.
    pub can_work: bool,
    /// The viewer may configure stages.
    pub can_configure: bool,
    /// The word for a lead in this trade.
    pub lead_label: String,
}

/// What changed after a move: the moved card and any card the rules changed too.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoardChange {
    /// Pipeline concerned.
    pub pipeline_id: PipelineId,
    /// Cards in their new state.
    pub cards: Vec<DealCard>,
    /// A job was opened (the deal was won).
    pub job_opened: bool,
}

/// A note on a deal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteView {
    /// Note id.
    pub id: NoteId,
    /// Who wrote it.
    pub author: String,
    /// When, Paris time.
    pub created_at: String,
    /// Text.
    pub body: String,
}

/// One stage change in a deal's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageChange {
    /// When, Paris time.
    pub at: String,
    /// Who.
    pub actor: String,
    /// From stage.
    pub from: String,
    /// To stage.
    pub to: String,
}

/// Everything the deal drawer shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DealDetail {
    /// The card.
    pub card: DealCard,
    /// Current stage name.
    pub stage_name: String,
    /// Current stage kind.
    pub stage_kind: StageKind,
    /// Phone.
    pub phone: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Street address.
    pub address: Option<String>,
    /// Postcode.
    pub postcode: Option<String>,
    /// Description of the need.
    pub description: String,
    /// Links to the photos of the public request the lead came from.
    pub photos: Vec<String>,
    /// Budget, formatted.
    pub budget: Option<String>,
    /// Source label.
    pub source: String,
    /// Key dates, Paris time.
    pub assigned_at: String,
    /// First contact.
    pub first_contact_at: Option<String>,
    /// Quote sent.
    pub quote_sent_at: Option<String>,
    /// Closed.
    pub closed_at: Option<String>,
    /// Freshness and completeness parts of the score.
    pub score_parts: (u8, u8),
    /// Notes, newest first.
    pub notes: Vec<NoteView>,
    /// Stage changes, newest first.
    pub stage_history: Vec<StageChange>,
    /// Every event about the deal, newest first.
    pub timeline: Vec<EventRow>,
    /// The viewer may act on the deal.
    pub can_work: bool,
}

/// Stages of a pipeline, for its settings page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PipelineSettings {
    /// Pipelines of the workspace.
    pub pipelines: Vec<(PipelineId, String)>,
    /// The pipeline shown.
    pub pipeline_id: PipelineId,
    /// Its stages with their card counts.
    pub stages: Vec<StageSetting>,
    /// The setter feed puts its prospects on this pipeline (the coach
    /// pack's first one): stages can be linked to setter statuses.
    pub setter_feed: bool,
}

/// One stage on the settings page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StageSetting {
    /// The stage.
    pub stage: StageView,
    /// Cards in it now.
    pub cards: u64,
    /// Deals move here when their quote is sent.
    pub is_quote_stage: bool,
    /// The setter status whose prospects the feed moves here.
    pub setter_status: Option<crate::setter::SetterStatus>,
}

/// A member's profile with their score.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberProfile {
    /// Membership id.
    pub member_id: MemberId,
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Role.
    pub role: Role,
    /// Score over the last 90 days, when there is data.
    pub score: Option<MemberScore>,
    /// Open deals owned now.
    pub open_deals: u64,
}
