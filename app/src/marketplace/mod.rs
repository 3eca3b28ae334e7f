//! The artisan marketplace: artisan profiles, public requests routed to the
//! right artisans (`domain::routing`), the platform admin's view of why, and
//! the scheduled reminders.

pub mod api;
#[cfg(feature = "ssr")]
pub mod assign;
#[cfg(feature = "ssr")]
pub mod directory;
#[cfg(feature = "ssr")]
pub mod documents;
#[cfg(feature = "ssr")]
pub mod form;
pub mod map;
#[cfg(feature = "ssr")]
pub mod map_data;
#[cfg(feature = "ssr")]
pub mod outcome;
#[cfg(feature = "ssr")]
pub mod photos;
#[cfg(feature = "ssr")]
pub mod profile;
#[cfg(feature = "ssr")]
pub mod queue;
#[cfg(feature = "ssr")]
pub mod requests;
#[cfg(feature = "ssr")]
pub mod routing;
#[cfg(feature = "ssr")]
pub mod scheduled;
#[cfg(feature = "ssr")]
pub mod stats;
pub mod ui;

use serde::{Deserialize, Serialize};

/// Where a public request stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum RequestStatus {
    /// Artisans received it.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "routed"))]
    Routed,
    /// Nobody could take it: in the admin's queue.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "unrouted"))]
    Unrouted,
    /// A quote was signed.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "won"))]
    Won,
    /// Closed without a signed quote (too old).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "closed"))]
    Closed,
}

impl RequestStatus {
    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            RequestStatus::Routed => "Transmise",
            RequestStatus::Unrouted => "Sans artisan",
            RequestStatus::Won => "Devis signé",
            RequestStatus::Closed => "Clôturée",
        }
    }
}

/// The budget ranges the form offers (stable identifier, label).
pub const BUDGETS: [(&str, &str); 6] = [
    ("unknown", "Je ne sais pas"),
    ("lt1k", "Moins de 1 000 €"),
    ("1k-5k", "1 000 € à 5 000 €"),
    ("5k-15k", "5 000 € à 15 000 €"),
    ("15k-50k", "15 000 € à 50 000 €"),
    ("gt50k", "Plus de 50 000 €"),
];

/// Label of a budget identifier.
pub fn budget_label(id: &str) -> &'static str {
    BUDGETS
        .iter()
        .find(|(k, _)| *k == id)
        .map(|(_, l)| *l)
        .unwrap_or("Je ne sais pas")
}

/// Radius bounds of a profile, km.
pub const RADIUS_KM: std::ops::RangeInclusive<i32> = 1..=200;
/// Weekly capacity bounds of a profile.
pub const CAPACITY: std::ops::RangeInclusive<i32> = 1..=100;

/// An artisan's profile as shown and edited.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ProfileForm {
    /// Trades taken (from the pack's list).
    pub trades: Vec<String>,
    /// Phone for clients.
    pub phone: String,
    /// Street of the base.
    pub address: String,
    /// Postcode of the base.
    pub postcode: String,
    /// Commune of the base.
    pub city: String,
    /// Radius in km.
    pub radius_km: String,
    /// New leads a week.
    pub weekly_capacity: String,
    /// Taking leads.
    pub available: bool,
}

/// A required document's state, as the profile shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DocumentBadge {
    /// What.
    pub label: String,
    /// OK, or why it keeps them out of routing.
    pub problem: Option<String>,
}

/// The profile page's data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProfileView {
    /// The member this profile is of.
    pub member_id: crate::domain::MemberId,
    /// The member's name.
    pub name: String,
    /// The saved form (`None`: no profile yet).
    pub form: Option<ProfileForm>,
    /// Trades the pack offers.
    pub trade_choices: Vec<String>,
    /// Base point, for the zone map.
    pub base: Option<(f64, f64)>,
    /// Required documents.
    pub documents: Vec<DocumentBadge>,
    /// Why the artisan receives no lead now (empty: they do).
    pub out_of_routing: Vec<String>,
    /// The viewer may edit it.
    pub editable: bool,
}

/// One row of the admin's request list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequestRow {
    /// Request id.
    pub id: uuid::Uuid,
    /// When.
    pub created_at: String,
    /// Trade.
    pub trade: String,
    /// « 69003 Lyon ».
    pub place: String,
    /// Requester.
    pub name: String,
    /// Status.
    pub status: RequestStatus,
    /// Artisans with a deal.
    pub assigned: usize,
    /// Times the same request came again.
    pub repeats: i32,
}

/// The routing verdict on one artisan, for the admin.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RouteRow {
    /// The member.
    pub member_id: uuid::Uuid,
    /// Their name.
    pub name: String,
    /// Their workspace's name.
    pub workspace: String,
    /// Distance, km.
    pub distance_km: f64,
    /// Score 0–1000.
    pub score: i32,
    /// Passed every criterion.
    pub eligible: bool,
    /// Has a deal on the lead.
    pub assigned: bool,
    /// Stage of that deal.
    pub stage: Option<String>,
    /// By whom: « auto » or the admin.
    pub assigned_by: String,
    /// Why not.
    pub reasons: Vec<String>,
    /// The admin may take the request back from this artisan (« Reprendre »):
    /// assigned long enough ago and the client still not contacted.
    pub can_withdraw: bool,
}

/// A request as the admin sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequestDetail {
    /// The list row.
    pub row: RequestRow,
    /// What the requester wrote.
    pub description: String,
    /// Links to the request's photos.
    pub photos: Vec<String>,
    /// Address as typed.
    pub address: String,
    /// Budget label.
    pub budget: String,
    /// Desired date.
    pub desired_on: Option<String>,
    /// Email and phone.
    pub email: String,
    /// Phone.
    pub phone: String,
    /// How the place was located.
    pub geo_source: String,
    /// Every artisan of the trade around, picked first.
    pub routes: Vec<RouteRow>,
}

/// A document as uploaded from the profile page.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DocumentUpload {
    /// `DocumentKind` identifier.
    pub kind: String,
    /// Insurer (insurances).
    pub insurer: String,
    /// Policy number (insurances).
    pub policy_number: String,
    /// Geographic cover (décennale).
    pub cover: String,
    /// Domains (RGE).
    pub rge_domains: String,
    /// First day covered, `YYYY-MM-DD`.
    pub starts_on: String,
    /// Last day covered, `YYYY-MM-DD`.
    pub ends_on: String,
    /// The file's name on the artisan's device.
    pub file_name: String,
}

/// A stored document, as its owner and the admin see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DocumentRow {
    /// Id.
    pub id: uuid::Uuid,
    /// Kind.
    pub kind: crate::domain::documents::DocumentKind,
    /// Kind's label.
    pub label: String,
    /// First day covered.
    pub starts_on: String,
    /// Last day covered.
    pub ends_on: String,
    /// Moderation.
    pub status: crate::domain::documents::DocumentStatus,
    /// Why it was refused.
    pub reject_reason: Option<String>,
    /// File name.
    pub file_name: String,
    /// A file can be downloaded (demo documents have none).
    pub has_file: bool,
    /// Insurer, policy, cover, domains.
    pub details: String,
}

/// A document waiting for moderation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModerationRow {
    /// The artisan.
    pub artisan: String,
    /// Their workspace.
    pub workspace: String,
    /// When uploaded.
    pub uploaded_at: String,
    /// The document.
    pub document: DocumentRow,
}

/// The platform's routing and reminder settings, as typed in the form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsForm {
    /// Artisans given each request (1–10).
    pub top_n: String,
    /// Hours before « pas encore contacté » is sent to the artisan (1–168).
    pub remind_after_hours: String,
    /// Hours without contact after which the admin may take a request back
    /// (at least the reminder's delay, at most 30 days).
    pub reassign_after_hours: String,
    /// Days after a quote without news before the artisan is reminded (1–60).
    pub quote_follow_up_days: String,
    /// Days after which a request nobody won is closed (7–365).
    pub close_after_days: String,
}

/// Which artisans the admin's directory lists, by whether they can
/// receive leads today.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Every artisan.
    #[default]
    All,
    /// Available, documents in order: routing may pick them.
    InOrder,
    /// Out of routing (documents or availability).
    Out,
}

/// One artisan of the platform's directory.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DirectoryRow {
    /// The member.
    pub member_id: crate::domain::MemberId,
    /// Their name.
    pub name: String,
    /// Their company (workspace).
    pub company: String,
    /// Trades, alphabetical.
    pub trades: Vec<String>,
    /// Postcode and commune of the base.
    pub place: String,
    /// Radius in km.
    pub radius_km: i32,
    /// New leads per week they take.
    pub weekly_capacity: i32,
    /// Leads received in the last 7 days.
    pub received_this_week: u32,
    /// Member score (0–100) once measured.
    pub score: Option<i16>,
    /// Last day their required documents are all in order, when they are today.
    pub in_order_until: Option<String>,
    /// Why routing leaves them out today (empty: it does not).
    pub problems: Vec<String>,
    /// Documents waiting for moderation.
    pub pending_documents: u32,
}

/// A page of the directory.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Directory {
    /// The rows of this page.
    pub rows: Vec<DirectoryRow>,
    /// Artisans matching the filters.
    pub total: u64,
    /// This page (0-based).
    pub page: u64,
    /// Rows per page.
    pub per_page: u64,
    /// Trades the filter offers.
    pub trades: Vec<String>,
}
