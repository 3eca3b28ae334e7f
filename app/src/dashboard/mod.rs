//! KPI dashboards at `/app/dashboard`: the coach pack (35 KPIs from the
//! DM-setter feed), « Mes chiffres » (a member's own figures, every other
//! pack) and « Pilotage » (the workspace's, for owners, admins and accounting). Figures are computed on every render from per-day
//! aggregates and small queries; open dashboards refresh live.

pub mod api;
#[cfg(feature = "ssr")]
pub mod charts;
#[cfg(feature = "ssr")]
pub mod coach;
#[cfg(feature = "ssr")]
pub mod packs;
#[cfg(feature = "ssr")]
pub mod settings;
#[cfg(feature = "ssr")]
pub mod svg;
pub mod ui;

use crate::domain::TradePack;
use crate::domain::kpi::{Estimates, Kpi};
use serde::{Deserialize, Serialize};

/// The period a dashboard covers (Paris days, today included).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Period {
    /// Last 7 days.
    Days7,
    /// Last 30 days.
    Days30,
    /// Last 90 days.
    Days90,
    /// Everything.
    All,
}

impl Period {
    /// Every period, as offered in the filter.
    pub const ALL: [Period; 4] = [Period::Days7, Period::Days30, Period::Days90, Period::All];

    /// URL value.
    pub fn key(self) -> &'static str {
        match self {
            Period::Days7 => "7",
            Period::Days30 => "30",
            Period::Days90 => "90",
            Period::All => "all",
        }
    }

    /// From the URL (30 days by default).
    pub fn parse(value: Option<&str>) -> Period {
        Period::ALL
            .into_iter()
            .find(|p| Some(p.key()) == value)
            .unwrap_or(Period::Days30)
    }

    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            Period::Days7 => "7 jours",
            Period::Days30 => "30 jours",
            Period::Days90 => "90 jours",
            Period::All => "Depuis le début",
        }
    }

    /// Days covered, `None` for all time.
    pub fn days(self) -> Option<i64> {
        match self {
            Period::Days7 => Some(7),
            Period::Days30 => Some(30),
            Period::Days90 => Some(90),
            Period::All => None,
        }
    }
}

/// One line of a top list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Share {
    /// What.
    pub label: String,
    /// How many.
    pub count: i64,
    /// Share of the period's leads, in %.
    pub pct: f64,
}

/// How urgent a follow-up is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Priority {
    /// Warm lead gone quiet.
    High,
    /// Quiet for a while.
    Medium,
    /// Recently in touch.
    Low,
}

impl Priority {
    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            Priority::High => "Haute",
            Priority::Medium => "Moyenne",
            Priority::Low => "Basse",
        }
    }

    /// A prospect to follow up: high when it reached qualification and has
    /// been silent two days or more, medium after five silent days, low otherwise.
    pub fn of(qualified: bool, days_silent: i64) -> Priority {
        if qualified && days_silent >= 2 {
            Priority::High
        } else if days_silent >= 5 {
            Priority::Medium
        } else {
            Priority::Low
        }
    }
}

/// A prospect to follow up.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FollowUp {
    /// Instagram handle or name.
    pub name: String,
    /// Days since the last message.
    pub days_silent: i64,
    /// Priority.
    pub priority: Priority,
    /// Furthest funnel step reached.
    pub stage: String,
}

/// A chart: the ECharts option (built with `charming` on the server) and its
/// text equivalent for screen readers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChartSpec {
    /// DOM id.
    pub id: String,
    /// Title.
    pub title: String,
    /// ECharts option, JSON.
    pub option: String,
    /// The same chart drawn on the server (SVG), shown until ECharts loads.
    pub svg: String,
    /// Rows of the table equivalent: (label, value).
    pub table: Vec<(String, String)>,
}

/// The coach pack.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CoachDashboard {
    /// The 35 KPIs.
    pub kpis: Vec<Kpi>,
    /// Top 3 sources.
    pub top_sources: Vec<Share>,
    /// Top 5 job titles.
    pub top_jobs: Vec<Share>,
    /// Top 5 reasons for losing a lead.
    pub lost_reasons: Vec<Share>,
    /// Prospects to follow up, most urgent first.
    pub follow_ups: Vec<FollowUp>,
    /// Charts.
    pub charts: Vec<ChartSpec>,
    /// Whether the feed ever sent anything.
    pub has_data: bool,
    /// Assumptions behind the estimates.
    pub estimates: Estimates,
}

/// A section of figures: « Mes chiffres » or « Pilotage ».
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pack {
    /// Title.
    pub title: String,
    /// KPIs.
    pub kpis: Vec<Kpi>,
    /// Charts.
    pub charts: Vec<ChartSpec>,
}

/// Everything `/app/dashboard` shows for the caller.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    /// The workspace's trade pack.
    pub pack: TradePack,
    /// Period shown.
    pub period: Period,
    /// Coach pack (coach workspaces).
    pub coach: Option<CoachDashboard>,
    /// The caller's own figures (members who work deals, every pack but coach).
    pub mine: Option<Pack>,
    /// The workspace's figures (owners, admins, accounting).
    pub workspace: Option<Pack>,
    /// Invoiced, collected, owed (owners, admins, accounting).
    #[serde(default)]
    pub finance: Option<Pack>,
    /// Computed at, Paris time.
    pub computed_at: String,
    /// Whether the caller may change the settings and API keys.
    pub can_configure: bool,
}
