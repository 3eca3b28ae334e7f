//! Pages of jobs in the field: the list (`/app/jobs`) and a job (`/app/jobs/:id`).

mod checks;
mod list;
mod page;
mod photos;
mod planning;
mod settings;
mod steps;
mod sync;

pub use list::JobsPage;
pub use page::JobPage;
pub use settings::StepTemplatesPage;
pub use sync::SyncStatus;

use crate::domain::CaptureId;
use crate::domain::jobs::{JobStatus, Priority};
use crate::ui::Tone;
use leptos::prelude::*;
use std::collections::HashMap;

/// The capture ids sent and not yet answered, by what they capture (a
/// step, a photo file): trying again after a lost answer or an error sends
/// the same id, so the server answers what it did the first time instead of
/// doing it twice. Kept by the job page, above the reloads of its content.
#[derive(Clone, Copy)]
pub struct Unanswered(StoredValue<HashMap<String, CaptureId>>);

impl Unanswered {
    /// A new, empty set, given to the page's children.
    pub fn provide() {
        provide_context(Unanswered(StoredValue::new(HashMap::new())));
    }

    /// The page's set (a fresh one outside a job page).
    pub fn get() -> Unanswered {
        use_context().unwrap_or_else(|| Unanswered(StoredValue::new(HashMap::new())))
    }

    /// The id for `what`: the one sent before if it was not answered, else a new one.
    pub fn id_for(self, what: &str) -> CaptureId {
        self.0.update_value(|m| {
            m.entry(what.to_string()).or_insert_with(CaptureId::new);
        });
        self.0.with_value(|m| m[what])
    }

    /// The server answered `what`: the next capture of it is a new one.
    pub fn answered(self, what: &str) {
        self.0.update_value(|m| {
            m.remove(what);
        });
    }
}

/// The badge colour of a status.
pub fn status_tone(s: JobStatus) -> Tone {
    match s {
        JobStatus::Planned => Tone::Info,
        JobStatus::InProgress => Tone::Warning,
        JobStatus::Paused => Tone::Neutral,
        JobStatus::Done => Tone::Success,
        JobStatus::Cancelled => Tone::Danger,
    }
}

/// The badge of a priority worth showing (none for normal and low).
pub fn priority_badge(p: Priority) -> Option<(Tone, &'static str)> {
    match p {
        Priority::Urgent => Some((Tone::Danger, "Urgent")),
        Priority::High => Some((Tone::Warning, "Priorité haute")),
        Priority::Normal | Priority::Low => None,
    }
}
