//! Pages of jobs in the field: the list (`/app/jobs`) and a job (`/app/jobs/:id`).

mod list;
mod page;
mod photos;
mod planning;
mod steps;

pub use list::JobsPage;
pub use page::JobPage;

use crate::domain::jobs::{JobStatus, Priority};
use crate::ui::Tone;

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
