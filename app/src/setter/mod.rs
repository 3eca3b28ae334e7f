//! The DM-setter feed: ManyChat → n8n → `POST /api/v1/setter/events`,
//! authenticated by a per-workspace API key. Prospects join the workspace's
//! pipeline; every write maintains the per-day KPI aggregates in the same
//! transaction.

#[cfg(feature = "ssr")]
pub mod aggregates;
pub mod api;
#[cfg(feature = "ssr")]
pub mod feed;
#[cfg(feature = "ssr")]
pub mod ingest;
#[cfg(feature = "ssr")]
pub mod keys;
#[cfg(feature = "ssr")]
pub mod payload;
#[cfg(feature = "ssr")]
pub mod pipeline_link;
#[cfg(feature = "ssr")]
mod steps;
#[cfg(feature = "ssr")]
pub mod wire;

use serde::{Deserialize, Serialize};

/// A prospect's status in the setter's funnel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SetterStatus {
    /// Just arrived.
    New,
    /// Answered the messages.
    Engaged,
    /// Fits the coach's offer.
    Qualified,
    /// A call was proposed.
    CallProposed,
    /// A call is booked.
    CallBooked,
    /// Became a client.
    Won,
    /// Will not become a client.
    Lost,
    /// To follow up later.
    FollowUp,
}

impl SetterStatus {
    /// Every status.
    pub const ALL: [SetterStatus; 8] = [
        SetterStatus::New,
        SetterStatus::Engaged,
        SetterStatus::Qualified,
        SetterStatus::CallProposed,
        SetterStatus::CallBooked,
        SetterStatus::Won,
        SetterStatus::Lost,
        SetterStatus::FollowUp,
    ];

    /// Stable key (API and database).
    pub fn key(self) -> &'static str {
        match self {
            SetterStatus::New => "new",
            SetterStatus::Engaged => "engaged",
            SetterStatus::Qualified => "qualified",
            SetterStatus::CallProposed => "call_proposed",
            SetterStatus::CallBooked => "call_booked",
            SetterStatus::Won => "won",
            SetterStatus::Lost => "lost",
            SetterStatus::FollowUp => "follow_up",
        }
    }

    /// From its key.
    pub fn parse(key: &str) -> Option<SetterStatus> {
        SetterStatus::ALL.into_iter().find(|s| s.key() == key)
    }

    /// French label (also the default coach pipeline's stage names).
    pub fn label(self) -> &'static str {
        match self {
            SetterStatus::New => "Nouveau",
            SetterStatus::Engaged => "Engagé",
            SetterStatus::Qualified => "Qualifié",
            SetterStatus::CallProposed => "Call proposé",
            SetterStatus::CallBooked => "Call réservé",
            SetterStatus::Won => "Gagné",
            SetterStatus::Lost => "Perdu",
            SetterStatus::FollowUp => "À relancer",
        }
    }

    /// Rank in the funnel (qualified 1 … won 4): reaching a step implies the
    /// steps before it. `None` for statuses outside the funnel.
    pub fn funnel_rank(self) -> Option<u8> {
        match self {
            SetterStatus::Qualified => Some(1),
            SetterStatus::CallProposed => Some(2),
            SetterStatus::CallBooked => Some(3),
            SetterStatus::Won => Some(4),
            _ => None,
        }
    }
}

/// A prospect's gender as the setter reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Gender {
    /// Man.
    Male,
    /// Woman.
    Female,
    /// Other.
    Other,
    /// Not given.
    Unknown,
}

impl Gender {
    /// Stable key.
    pub fn key(self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
            Gender::Other => "other",
            Gender::Unknown => "unknown",
        }
    }

    /// From an API value (`male`/`homme`/`m`…).
    pub fn parse(value: &str) -> Option<Gender> {
        match value.trim().to_lowercase().as_str() {
            "male" | "homme" | "m" | "h" => Some(Gender::Male),
            "female" | "femme" | "f" => Some(Gender::Female),
            "other" | "autre" => Some(Gender::Other),
            "unknown" | "" => Some(Gender::Unknown),
            _ => None,
        }
    }
}

/// An API key as listed in the settings (never the key itself).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiKeyView {
    /// Id.
    pub id: crate::domain::ApiKeyId,
    /// What it is for.
    pub name: String,
    /// First characters, to recognise it.
    pub prefix: String,
    /// Created, Paris time.
    pub created_at: String,
    /// Last used, Paris time.
    pub last_used_at: Option<String>,
    /// Revoked, Paris time.
    pub revoked_at: Option<String>,
}

/// A key just created: the only time its secret is shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CreatedApiKey {
    /// The listed key.
    pub key: ApiKeyView,
    /// The secret, to paste into n8n.
    pub secret: String,
}
