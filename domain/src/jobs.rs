//! Jobs in the field (chantiers, workshop projects): their statuses and the
//! moves between them, the steps each pack starts from, the order rule of
//! steps and the « today / this week » windows of the list.

use chrono::{Datelike, NaiveDate, TimeDelta};
use serde::{Deserialize, Serialize};

use super::checks::{CheckItem, default_checks};
use super::pack::TradePack;

/// Where a job stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum JobStatus {
    /// Opened (from a won deal), not started.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "planned"))]
    Planned,
    /// Work in progress.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "in_progress"))]
    InProgress,
    /// Stopped for a while (waiting for material, weather…).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "paused"))]
    Paused,
    /// Finished.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "done"))]
    Done,
    /// Called off.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "cancelled"))]
    Cancelled,
}

impl JobStatus {
    /// Every status, in the order of the filters.
    pub const ALL: [JobStatus; 5] = [
        JobStatus::Planned,
        JobStatus::InProgress,
        JobStatus::Paused,
        JobStatus::Done,
        JobStatus::Cancelled,
    ];

    /// The French label.
    pub fn label(self) -> &'static str {
        match self {
            JobStatus::Planned => "Planifié",
            JobStatus::InProgress => "En cours",
            JobStatus::Paused => "En pause",
            JobStatus::Done => "Terminé",
            JobStatus::Cancelled => "Annulé",
        }
    }

    /// Stable identifier (stored, and in URLs).
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Planned => "planned",
            JobStatus::InProgress => "in_progress",
            JobStatus::Paused => "paused",
            JobStatus::Done => "done",
            JobStatus::Cancelled => "cancelled",
        }
    }

    /// Parses the stable identifier.
    pub fn parse(value: &str) -> Option<JobStatus> {
        JobStatus::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// Done or cancelled: nothing is validated any more.
    pub fn is_closed(self) -> bool {
        matches!(self, JobStatus::Done | JobStatus::Cancelled)
    }

    /// Whether a member may move a job from `self` to `to`. A closed job
    /// reopens only as in progress (a forgotten step); nothing goes back to
    /// planned once started.
    pub fn can_move_to(self, to: JobStatus) -> bool {
        use JobStatus::*;
        match (self, to) {
            (a, b) if a == b => false,
            (Planned, InProgress | Cancelled) => true,
            (InProgress, Paused | Done | Cancelled) => true,
            (Paused, InProgress | Cancelled) => true,
            (Done | Cancelled, InProgress) => true,
            _ => false,
        }
    }
}

/// How urgent a job is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum Priority {
    /// When there is time.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "low"))]
    Low,
    /// The default.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "normal"))]
    Normal,
    /// Before the others.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "high"))]
    High,
    /// Today, whatever else.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "urgent"))]
    Urgent,
}

impl Priority {
    /// Every priority, lowest first.
    pub const ALL: [Priority; 4] = [Priority::Low, Priority::Normal, Priority::High, Priority::Urgent];

    /// The French label.
    pub fn label(self) -> &'static str {
        match self {
            Priority::Low => "Basse",
            Priority::Normal => "Normale",
            Priority::High => "Haute",
            Priority::Urgent => "Urgente",
        }
    }

    /// Stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }

    /// Parses the stable identifier.
    pub fn parse(value: &str) -> Option<Priority> {
        Priority::ALL.into_iter().find(|p| p.as_str() == value)
    }
}

/// One step of a template: what a job of this workspace goes through.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepTemplate {
    /// Its name (« Sablage »).
    pub name: String,
    /// Validating it needs a photo taken for it.
    pub requires_photo: bool,
    /// It cannot be validated before every step above it.
    pub after_previous: bool,
    /// Its checklist (quality control), answered before it is validated.
    #[serde(default)]
    pub checks: Vec<CheckItem>,
}

/// The steps a workspace starts from, per pack (editable in its settings).
pub fn default_steps(pack: TradePack) -> Vec<StepTemplate> {
    let names: &[&str] = match pack {
        TradePack::Artisan => &[
            "Préparation du chantier",
            "Travaux",
            "Nettoyage",
            "Réception avec le client",
        ],
        TradePack::Workshop => &[
            "Réception des pièces",
            "Dégraissage",
            "Sablage",
            "Masquage",
            "Application",
            "Cuisson",
            "Contrôle qualité",
            "Prêt à être retiré",
        ],
        TradePack::Coach => &["Bilan de départ", "Programme", "Bilan final"],
        TradePack::Sales => &["Lancement", "Livraison", "Recette client"],
    };
    // The workshop's process has an order (no paint before sandblasting).
    let ordered = pack == TradePack::Workshop;
    names
        .iter()
        .map(|name| StepTemplate {
            name: (*name).to_string(),
            // A workspace asks for photos in its template (settings).
            requires_photo: false,
            after_previous: ordered,
            checks: default_checks(pack, name),
        })
        .collect()
}

/// Most steps a template may hold.
pub const MAX_STEPS: usize = 30;
/// Most checklist items a step may hold.
pub const MAX_CHECKS: usize = 30;

/// What is wrong with a template a manager wants to save: (field, message),
/// the field named `steps.{i}.name` or `steps.{i}.checks.{j}.{part}`. An
/// empty template is fine: it means « the pack's defaults ».
pub fn template_problem(steps: &[StepTemplate]) -> Option<(String, String)> {
    if steps.len() > MAX_STEPS {
        return Some(("steps".into(), format!("{MAX_STEPS} étapes au plus.")));
    }
    for (i, step) in steps.iter().enumerate() {
        let name = step.name.trim();
        if name.is_empty() {
            return Some((format!("steps.{i}.name"), format!("Nommez l'étape {}.", i + 1)));
        }
        if name.chars().count() > crate::checks::MAX_LABEL {
            return Some((
                format!("steps.{i}.name"),
                format!("Nom trop long ({} caractères au plus).", crate::checks::MAX_LABEL),
            ));
        }
        if steps[..i].iter().any(|s| s.name.trim().eq_ignore_ascii_case(name)) {
            return Some((format!("steps.{i}.name"), format!("« {name} » figure déjà plus haut.")));
        }
        if step.checks.len() > MAX_CHECKS {
            return Some((
                format!("steps.{i}.checks"),
                format!("{MAX_CHECKS} points de contrôle au plus par étape."),
            ));
        }
        for (j, check) in step.checks.iter().enumerate() {
            if let Some((part, message)) = check.problem() {
                return Some((format!("steps.{i}.checks.{j}.{part}"), message));
            }
        }
    }
    None
}

/// A step as the order rule sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepState {
    /// Validated already.
    pub done: bool,
    /// Cannot be validated before the steps above it.
    pub after_previous: bool,
}

/// Why the step at `index` (in the job's order) cannot be validated now;
/// `None` means it may be (the caller checks that `index` is a step).
pub fn order_problem(steps: &[StepState], index: usize) -> Option<OrderProblem> {
    let step = steps.get(index)?;
    if step.done {
        return Some(OrderProblem::AlreadyDone);
    }
    if step.after_previous && steps[..index].iter().any(|s| !s.done) {
        return Some(OrderProblem::PreviousOpen);
    }
    None
}

/// What stops a step from being validated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderProblem {
    /// Someone validated it already.
    AlreadyDone,
    /// A step above it is still to do and the template imposes the order.
    PreviousOpen,
}

impl OrderProblem {
    /// The French message.
    pub fn message(self) -> &'static str {
        match self {
            OrderProblem::AlreadyDone => "Cette étape est déjà validée.",
            OrderProblem::PreviousOpen => "Les étapes précédentes doivent être validées d'abord (ordre imposé).",
        }
    }
}

/// What is wrong with a job's planned and promised days: (field, message).
pub fn planning_problem(
    planned_start: Option<NaiveDate>,
    planned_end: Option<NaiveDate>,
    promised_on: Option<NaiveDate>,
) -> Option<(&'static str, &'static str)> {
    if let (Some(start), Some(end)) = (planned_start, planned_end)
        && end < start
    {
        return Some(("planned_end", "La fin prévue est avant le début."));
    }
    if planned_end.is_some() && planned_start.is_none() {
        return Some(("planned_start", "Indiquez le premier jour prévu."));
    }
    if let (Some(start), Some(promised)) = (planned_start, promised_on)
        && promised < start
    {
        return Some(("promised_on", "La date promise est avant le début prévu."));
    }
    None
}

/// The « today / this week » windows of the jobs list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// Every job.
    All,
    /// What is on the plate today: in progress, or planned over today, or late
    /// (the list's default).
    #[default]
    Today,
    /// The same, through next Sunday.
    Week,
}

impl Period {
    /// The last day of the window that starts `today` (`None`: no window).
    pub fn last_day(self, today: NaiveDate) -> Option<NaiveDate> {
        match self {
            Period::All => None,
            Period::Today => Some(today),
            Period::Week => {
                let to_sunday = 6 - i64::from(today.weekday().num_days_from_monday());
                Some(today + TimeDelta::days(to_sunday))
            }
        }
    }
}

/// Whether an open job falls in the window ending `last_day`: started, or
/// planned to start by then (late ones included: they are still to do).
pub fn in_window(status: JobStatus, planned_start: Option<NaiveDate>, last_day: NaiveDate) -> bool {
    match status {
        JobStatus::InProgress => true,
        JobStatus::Planned | JobStatus::Paused => planned_start.is_some_and(|d| d <= last_day),
        JobStatus::Done | JobStatus::Cancelled => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    #[test]
    fn statuses_round_trip_and_closed_jobs_only_reopen_in_progress() {
        for s in JobStatus::ALL {
            assert_eq!(JobStatus::parse(s.as_str()), Some(s));
            assert!(!s.can_move_to(s));
            assert!(!s.can_move_to(JobStatus::Planned), "{s:?} back to planned");
        }
        assert!(JobStatus::Done.can_move_to(JobStatus::InProgress));
        assert!(!JobStatus::Done.can_move_to(JobStatus::Cancelled));
        assert!(!JobStatus::Planned.can_move_to(JobStatus::Done));
        assert!(JobStatus::Paused.can_move_to(JobStatus::InProgress));
    }

    #[test]
    fn every_pack_has_steps_and_the_workshop_imposes_their_order() {
        for pack in [
            TradePack::Artisan,
            TradePack::Workshop,
            TradePack::Coach,
            TradePack::Sales,
        ] {
            assert!(!default_steps(pack).is_empty());
        }
        let workshop = default_steps(TradePack::Workshop);
        assert_eq!(workshop.len(), 8);
        assert!(workshop.iter().all(|s| s.after_previous));
        assert_eq!(workshop[2].name, "Sablage");
    }

    #[test]
    fn a_template_names_its_steps_once_and_checks_its_items() {
        let mut steps = default_steps(TradePack::Workshop);
        assert_eq!(template_problem(&steps), None);
        assert_eq!(template_problem(&[]), None, "empty: the pack's defaults");
        steps[3].name = " sablage ".into();
        assert_eq!(template_problem(&steps).map(|p| p.0), Some("steps.3.name".into()));
        steps[3].name = "Masquage".into();
        steps[6].checks[0].min = Some(200.0);
        assert_eq!(
            template_problem(&steps).map(|p| p.0),
            Some("steps.6.checks.0.max".into())
        );
        steps[6].checks[0].min = Some(60.0);
        steps[0].name = String::new();
        assert_eq!(template_problem(&steps).map(|p| p.0), Some("steps.0.name".into()));
    }

    #[test]
    fn planning_days_come_in_order() {
        assert_eq!(planning_problem(None, None, None), None);
        assert_eq!(planning_problem(Some(day(2)), Some(day(2)), Some(day(9))), None);
        assert_eq!(
            planning_problem(Some(day(3)), Some(day(2)), None).map(|p| p.0),
            Some("planned_end")
        );
        assert_eq!(
            planning_problem(None, Some(day(2)), None).map(|p| p.0),
            Some("planned_start")
        );
        assert_eq!(
            planning_problem(Some(day(3)), None, Some(day(1))).map(|p| p.0),
            Some("promised_on")
        );
        assert_eq!(
            planning_problem(None, None, Some(day(1))),
            None,
            "a promise without a plan"
        );
    }

    #[test]
    fn the_week_ends_on_sunday() {
        // 2026-12-01 is a Tuesday; 2026-12-06 the Sunday.
        assert_eq!(Period::Week.last_day(day(1)), Some(day(6)));
        assert_eq!(Period::Week.last_day(day(6)), Some(day(6)));
        assert_eq!(Period::Today.last_day(day(1)), Some(day(1)));
        assert_eq!(Period::All.last_day(day(1)), None);
    }

    #[test]
    fn today_holds_started_and_due_jobs_not_closed_or_future_ones() {
        assert!(in_window(JobStatus::InProgress, None, day(1)));
        assert!(in_window(JobStatus::Planned, Some(day(1)), day(1)));
        assert!(in_window(JobStatus::Planned, Some(day(1)), day(3)), "late");
        assert!(!in_window(JobStatus::Planned, Some(day(2)), day(1)));
        assert!(!in_window(JobStatus::Planned, None, day(1)), "not scheduled");
        assert!(!in_window(JobStatus::Done, Some(day(1)), day(1)));
    }

    fn steps() -> impl Strategy<Value = Vec<StepState>> {
        prop::collection::vec(
            (any::<bool>(), any::<bool>()).prop_map(|(done, after_previous)| StepState { done, after_previous }),
            1..12,
        )
    }

    proptest! {
        /// A step may be validated exactly when it is open and, if the order
        /// is imposed, every step above it is done; validating every open
        /// step top-down, each allowed one in turn, always finishes the job.
        #[test]
        fn the_order_rule(mut s in steps()) {
            for i in 0..s.len() {
                let allowed = !s[i].done && (!s[i].after_previous || s[..i].iter().all(|x| x.done));
                prop_assert_eq!(order_problem(&s, i).is_none(), allowed);
            }
            for i in 0..s.len() {
                if !s[i].done {
                    prop_assert_eq!(order_problem(&s, i), None);
                    s[i].done = true;
                }
            }
            prop_assert!(s.iter().all(|x| x.done));
        }
    }
}
