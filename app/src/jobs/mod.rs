//! Jobs in the field (`/app/jobs`): the chantiers and workshop projects that
//! won deals open, their planning, their steps validated by members (also
//! from a device that was offline: every capture carries an id made on the
//! device, and a replay changes nothing), and their timeline.

pub mod api;
#[cfg(feature = "ssr")]
pub mod captures;
#[cfg(feature = "ssr")]
pub mod checks;
#[cfg(feature = "ssr")]
pub mod detail;
#[cfg(feature = "ssr")]
pub mod list;
#[cfg(feature = "ssr")]
pub mod notify;
pub mod offline;
#[cfg(feature = "ssr")]
pub mod open;
#[cfg(feature = "ssr")]
pub mod photos;
#[cfg(feature = "ssr")]
pub mod plan;
#[cfg(feature = "ssr")]
pub mod portal;
#[cfg(feature = "ssr")]
pub mod report;
#[cfg(feature = "ssr")]
pub mod status;
#[cfg(feature = "ssr")]
pub mod templates;
pub mod ui;

use crate::domain::checks::{CheckItem, CheckValue, NonConformityKind};
use crate::domain::jobs::{JobStatus, Period, Priority, StepTemplate};
use crate::domain::paging::Bounded;
use crate::domain::{CaptureId, DealId, JobCheckId, JobId, JobPhotoId, JobStepId, MemberId, QuoteId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Largest photo a device may send, in MB (the server checks it again).
pub const MAX_PHOTO_MB: u64 = 15;

/// What a device sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum CaptureKind {
    /// « This step is done ».
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "step_validation"))]
    StepValidation,
    /// A photo taken on the job.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "photo"))]
    Photo,
    /// An answer to a checklist item.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "check_answer"))]
    CheckAnswer,
    /// A non-conformity declared.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "nonconformity"))]
    NonConformity,
}

/// When a photo was taken, as its tag says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum PhotoTag {
    /// Before the work.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "before"))]
    Before,
    /// During the work.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "during"))]
    During,
    /// The work done.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "after"))]
    After,
}

impl PhotoTag {
    /// Every tag, in the order of the work.
    pub const ALL: [PhotoTag; 3] = [PhotoTag::Before, PhotoTag::During, PhotoTag::After];

    /// The French label.
    pub fn label(self) -> &'static str {
        match self {
            PhotoTag::Before => "Avant",
            PhotoTag::During => "Pendant",
            PhotoTag::After => "Après",
        }
    }

    /// Stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            PhotoTag::Before => "before",
            PhotoTag::During => "during",
            PhotoTag::After => "after",
        }
    }

    /// Parses the stable identifier.
    pub fn parse(value: &str) -> Option<PhotoTag> {
        PhotoTag::ALL.into_iter().find(|t| t.as_str() == value)
    }
}

/// What the server did with a capture (the same answer on every replay).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum CaptureOutcome {
    /// It changed the job.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "applied"))]
    Applied,
    /// Someone else did it first (the step was validated on another device):
    /// kept in the timeline, the first one stands.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "superseded"))]
    Superseded,
    /// Refused, with the reason (order imposed, job closed…): kept, so the
    /// device can show why.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "refused"))]
    Refused,
}

/// The filters of the jobs list (every field may be left out: today, all
/// statuses, everyone's, no search, the first page).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct JobFilter {
    /// Today, this week, or every job.
    pub period: Period,
    /// One status only.
    pub status: Option<JobStatus>,
    /// Only the jobs I am on.
    pub mine: bool,
    /// Title, client, town (case-insensitive).
    pub search: String,
    /// 0-based page.
    pub page: Option<Bounded>,
}

/// One line of the jobs list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobRow {
    /// The job.
    pub id: JobId,
    /// « Plombier — Mme Martin ».
    pub title: String,
    /// Where it stands.
    pub status: JobStatus,
    /// How urgent.
    pub priority: Priority,
    /// The client's town.
    pub city: String,
    /// First planned day, « 01/12/2026 ».
    pub planned_start: Option<String>,
    /// The day promised to the client.
    pub promised_on: Option<String>,
    /// Steps validated.
    pub steps_done: u32,
    /// Steps in all.
    pub steps_total: u32,
    /// Who is on it (names).
    pub assignees: Vec<String>,
}

/// A page of the jobs list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobList {
    /// The rows.
    pub rows: Vec<JobRow>,
    /// Jobs matching the filters.
    pub total: u64,
    /// This page (0-based).
    pub page: u64,
    /// Rows per page.
    pub per_page: u64,
}

/// One step on the job page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepView {
    /// The step.
    pub id: JobStepId,
    /// « Sablage ».
    pub name: String,
    /// Needs a photo to be validated.
    pub requires_photo: bool,
    /// Waits for the steps above it.
    pub after_previous: bool,
    /// Validated by (name), when done.
    pub validated_by: Option<String>,
    /// When, « 01/12/2026 14:05 ».
    pub validated_at: Option<String>,
    /// Its checklist, in order.
    pub checks: Vec<CheckView>,
    /// Photos taken for it.
    pub photos: u32,
}

/// A checklist item on the job page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckView {
    /// The item.
    pub id: JobCheckId,
    /// What it asks, with its kind, unit and bounds.
    pub item: CheckItem,
    /// The last answer.
    pub answer: Option<CheckValue>,
    /// The answer is out of the item's bounds (kept with a warning).
    pub out_of_bounds: bool,
    /// « Léa Martin, 01/12/2026 14:05 ».
    pub answered: Option<String>,
}

impl CheckView {
    /// `todo`, `ok`, `warning` (out of bounds) or `failed` (non conforme).
    pub fn state(&self) -> &'static str {
        match &self.answer {
            None => "todo",
            Some(_) if self.out_of_bounds => "warning",
            Some(CheckValue::Pass(false)) => "failed",
            Some(_) => "ok",
        }
    }
}

/// An answer to a checklist item as a device sends it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckAnswer {
    /// Made on the device (UUID): the same id twice is one answer.
    pub capture: CaptureId,
    /// The job.
    pub job: JobId,
    /// The item.
    pub check: JobCheckId,
    /// The answer.
    pub value: CheckValue,
    /// When the device captured it.
    pub captured_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// What the server did with an answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    /// Applied (maybe with a warning) or refused.
    pub outcome: CaptureOutcome,
    /// The warning or why it was refused.
    pub message: String,
    /// The item as it is now.
    pub check: CheckView,
}

/// A non-conformity as a device sends it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NonConformityCapture {
    /// Made on the device (UUID): the same id twice is one declaration.
    pub capture: CaptureId,
    /// The job.
    pub job: JobId,
    /// Its kind.
    pub kind: NonConformityKind,
    /// The step where it was found.
    pub step: Option<JobStepId>,
    /// What is wrong.
    pub comment: String,
    /// What is done about it.
    pub action: String,
    /// The step the job goes back to (it and the steps after it are to do again).
    pub back_to: Option<JobStepId>,
    /// A photo of the job showing it.
    pub photo: Option<JobPhotoId>,
    /// When the device captured it.
    pub captured_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A non-conformity on the job page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NonConformityView {
    /// Its kind.
    pub kind: NonConformityKind,
    /// The step where it was found.
    pub step: Option<String>,
    /// What is wrong.
    pub comment: String,
    /// What is done about it.
    pub action: String,
    /// The step the job went back to.
    pub back_to: Option<String>,
    /// The photo showing it (its thumbnail).
    pub photo_thumb: Option<String>,
    /// « Léa Martin, 01/12/2026 14:05 ».
    pub declared: String,
}

impl StepView {
    /// Validated.
    pub fn done(&self) -> bool {
        self.validated_at.is_some()
    }
}

/// The client of a job (from its lead).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct JobClient {
    /// Name.
    pub name: String,
    /// Phone, as typed.
    pub phone: String,
    /// Email.
    pub email: String,
    /// Street, postcode and town of the site.
    pub address: String,
}

/// The signed quote of the job's deal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobQuote {
    /// The quote.
    pub id: QuoteId,
    /// Its legal number.
    pub number: String,
    /// Total including VAT, formatted.
    pub total: String,
}

/// One line of the job's timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// « 01/12/2026 14:05 ».
    pub at: String,
    /// Who.
    pub actor: String,
    /// What, in French.
    pub what: String,
}

/// The job page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobDetail {
    /// The job.
    pub id: JobId,
    /// Title.
    pub title: String,
    /// Where it stands.
    pub status: JobStatus,
    /// How urgent.
    pub priority: Priority,
    /// Planned days and the promised one, « 01/12/2026 ».
    pub planned_start: Option<String>,
    /// Last planned day.
    pub planned_end: Option<String>,
    /// Promised to the client.
    pub promised_on: Option<String>,
    /// When it started and ended.
    pub started_at: Option<String>,
    /// When it ended.
    pub finished_at: Option<String>,
    /// The client.
    pub client: JobClient,
    /// The won deal.
    pub deal: DealId,
    /// Its signed quote, if it came from one.
    pub quote: Option<JobQuote>,
    /// Who is on it.
    pub assignees: Vec<String>,
    /// The steps, in order.
    pub steps: Vec<StepView>,
    /// What happened, newest first.
    pub timeline: Vec<TimelineEntry>,
    /// Its photos, oldest first.
    pub photos: Vec<PhotoView>,
    /// Its non-conformities, newest first.
    pub nonconformities: Vec<NonConformityView>,
    /// The workspace's photo storage.
    pub storage: StorageUse,
    /// The planning as the edit form starts from.
    pub plan: JobPlanning,
    /// The workspace's people who can be put on it.
    pub team: Vec<TeamMember>,
    /// The viewer may validate steps and move the job.
    pub can_work: bool,
    /// The statuses the job may move to.
    pub moves: Vec<JobStatus>,
}

/// What the server did with a step validation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaptureResult {
    /// Applied, superseded or refused.
    pub outcome: CaptureOutcome,
    /// Why, when not applied.
    pub message: String,
    /// The step as it is now.
    pub step: StepView,
}

/// What the server did with a capture that answers nothing else.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaptureAck {
    /// Applied or refused.
    pub outcome: CaptureOutcome,
    /// Why, or what followed (« Retour à … »).
    pub message: String,
}

/// A step validation as a device sends it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepValidation {
    /// Made on the device (UUID): the same id twice is one validation.
    pub capture: CaptureId,
    /// The job.
    pub job: JobId,
    /// The step.
    pub step: JobStepId,
    /// When the device captured it (its clock; the server keeps its own too).
    pub captured_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A job's days, priority and people, as the planning form sends them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobPlanning {
    /// The job.
    pub job: JobId,
    /// First planned day.
    pub planned_start: Option<NaiveDate>,
    /// Last planned day.
    pub planned_end: Option<NaiveDate>,
    /// The day promised to the client.
    pub promised_on: Option<NaiveDate>,
    /// How urgent.
    pub priority: Priority,
    /// Who is on it.
    pub assignees: Vec<MemberId>,
}

/// Someone of the workspace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamMember {
    /// Their membership.
    pub id: MemberId,
    /// Their name.
    pub name: String,
}

/// A photo as a device sends it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PhotoCapture {
    /// Made on the device (UUID): the same id twice is one photo.
    pub capture: CaptureId,
    /// The job.
    pub job: JobId,
    /// The step it shows, if any.
    pub step: Option<JobStepId>,
    /// Before, during or after.
    pub tag: PhotoTag,
    /// The file, as a `data:image/…;base64,` URL.
    pub file: String,
    /// When the device took it.
    pub captured_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A photo on the job page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PhotoView {
    /// The photo.
    pub id: JobPhotoId,
    /// Before, during or after.
    pub tag: PhotoTag,
    /// The step it shows.
    pub step: Option<String>,
    /// The stored photo (1,600 px at most).
    pub url: String,
    /// Its thumbnail (320 px).
    pub thumb_url: String,
    /// Pixels.
    pub width: u32,
    /// Pixels.
    pub height: u32,
    /// Who took it.
    pub taken_by: Option<String>,
    /// When, « 01/12/2026 14:05 ».
    pub taken_at: String,
    /// Shown to the client in the portal.
    pub shareable: bool,
}

/// A workspace's photo storage.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorageUse {
    /// Bytes stored (photos and thumbnails).
    pub used_bytes: u64,
    /// What the workspace may store.
    pub quota_bytes: u64,
}

impl StorageUse {
    /// « 12,4 Mo sur 2 048 Mo ».
    pub fn label(self) -> String {
        let mb = |b: u64| b as f64 / (1024.0 * 1024.0);
        format!("{:.1} Mo sur {:.0} Mo", mb(self.used_bytes), mb(self.quota_bytes)).replace('.', ",")
    }
}

/// The steps new jobs start with, as the settings page edits them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepTemplates {
    /// In order.
    pub steps: Vec<StepTemplate>,
    /// The workspace edited them (else: its pack's defaults).
    pub custom: bool,
    /// The viewer may edit them (owners and admins).
    pub can_edit: bool,
}

/// A job as its client follows it in the portal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalJob {
    /// Title.
    pub title: String,
    /// Where it stands.
    pub status: JobStatus,
    /// Its steps, in order: name and the day it was done.
    pub steps: Vec<(String, Option<String>)>,
    /// The photos the business chose to show.
    pub photos: Vec<PortalPhoto>,
    /// The final report, once the job is done.
    pub report_url: Option<String>,
}

/// A shared photo in the portal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalPhoto {
    /// The photo.
    pub url: String,
    /// Its thumbnail.
    pub thumb_url: String,
    /// « Avant — 01/12/2026 ».
    pub caption: String,
}
