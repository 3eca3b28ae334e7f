//! The job's report (PDF, typst in `server/`): the client and the site, the
//! dates, each step with who validated it and when, the checklist answers
//! against their bounds, the non-conformities counted per kind, and the
//! photos chosen for the client. Members download it from the job page at
//! any time (`/app/jobs/{id}/report`); the client gets it in the portal
//! once the job is done (`/portal/{token}/jobs/{id}/report`).

use super::checks::{answer_of, display, item_of};
use crate::domain::checks::{CheckValue, count_by_kind};
use crate::domain::jobs::JobStatus;
use crate::error::AppError;
use crate::infra::entity::{job, job_nonconformity, job_photo, job_step, quote, workspace};
use crate::infra::{AppState, Scope, time};
use crate::quote::QuoteStatus;
use crate::quote::download::PdfDownload;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use std::collections::HashMap;
use uuid::Uuid;

/// Photos printed at most (the first ones chosen for the client).
pub const MAX_PHOTOS: u64 = 12;

/// What the template prints; every string is inserted as a value, never
/// evaluated as markup.
#[derive(Clone, Debug, Serialize)]
pub struct JobReport {
    /// The PDF's identifier (stable per job).
    pub ident: String,
    /// « Rapport de fin de chantier ».
    pub heading: String,
    /// The business.
    pub company: String,
    /// The job's title.
    pub title: String,
    /// « Terminé le 02/12/2026 14:05 », « En cours ».
    pub status: String,
    /// Client lines (name, address, phone, email).
    pub client: Vec<String>,
    /// « Devis D-2026-0001 signé » or empty.
    pub quote: String,
    /// (label, value) lines: planned, promised, started, finished.
    pub dates: Vec<(String, String)>,
    /// The steps, in order.
    pub steps: Vec<ReportStep>,
    /// « Défaut d'aspect : 2 ».
    pub nc_counts: Vec<String>,
    /// The non-conformities, oldest first.
    pub nonconformities: Vec<ReportNonConformity>,
    /// The photos, as files of the compilation (`photo-0.jpg`…).
    pub photos: Vec<ReportPhoto>,
    /// « État au 02/12/2026 14:05 ».
    pub as_of: String,
}

/// A step in the report.
#[derive(Clone, Debug, Serialize)]
pub struct ReportStep {
    /// Its name.
    pub name: String,
    /// « Validée par Léa Martin le 01/12/2026 14:05 », or « À faire ».
    pub done: String,
    /// Validated.
    pub is_done: bool,
    /// Its checklist.
    pub checks: Vec<ReportCheck>,
}

/// A checklist answer in the report.
#[derive(Clone, Debug, Serialize)]
pub struct ReportCheck {
    /// What was checked.
    pub label: String,
    /// The answer, « — » when none.
    pub value: String,
    /// « 60 à 120 µm » or empty.
    pub expected: String,
    /// `ok`, `warning`, `failed` or `todo`.
    pub state: String,
}

/// A non-conformity in the report.
#[derive(Clone, Debug, Serialize)]
pub struct ReportNonConformity {
    /// Its kind.
    pub kind: String,
    /// Where, what, what was done, by whom and when.
    pub lines: Vec<String>,
}

/// A photo in the report.
#[derive(Clone, Debug, Serialize)]
pub struct ReportPhoto {
    /// Its file in the compilation.
    pub file: String,
    /// « Après — Réception — 02/12/2026 ».
    pub caption: String,
}

/// The report of a job and its photos' bytes, in the order of `photos`.
pub async fn build(state: &AppState, ws: Uuid, job_id: Uuid) -> Result<(JobReport, Vec<Vec<u8>>), AppError> {
    let db = &state.db;
    let j = job::Entity::find_by_id(job_id)
        .filter(job::Column::WorkspaceId.eq(ws))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let company = workspace::Entity::find_by_id(ws)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let signed = quote::Entity::find()
        .filter(quote::Column::WorkspaceId.eq(ws))
        .filter(quote::Column::DealId.eq(j.deal_id))
        .filter(quote::Column::Status.eq(QuoteStatus::Signed))
        .order_by_desc(quote::Column::Version)
        .one(db)
        .await?;
    let names = crate::pipeline::board::member_names(db, ws).await?;
    let who = |m: Option<Uuid>| m.and_then(|m| names.get(&m).cloned());
    let steps = job_step::Entity::find()
        .filter(job_step::Column::WorkspaceId.eq(ws))
        .filter(job_step::Column::JobId.eq(j.id))
        .order_by_asc(job_step::Column::Position)
        .all(db)
        .await?;
    let step_names: HashMap<Uuid, String> = steps.iter().map(|s| (s.id, s.name.clone())).collect();
    let mut checks = super::checks::rows_of_job(db, ws, j.id).await?;
    let report_steps = steps
        .iter()
        .map(|s| ReportStep {
            name: s.name.clone(),
            is_done: s.validated_at.is_some(),
            done: match (s.validated_at, who(s.validated_by_member_id)) {
                (Some(at), Some(by)) => format!("Validée par {by} le {}", time::display(at)),
                (Some(at), None) => format!("Validée le {}", time::display(at)),
                (None, _) => "À faire".into(),
            },
            checks: checks
                .remove(&s.id)
                .unwrap_or_default()
                .iter()
                .map(|c| {
                    let item = item_of(c);
                    let answer = answer_of(c);
                    let state = match &answer {
                        None => "todo",
                        Some(_) if c.out_of_bounds => "warning",
                        Some(CheckValue::Pass(false)) => "failed",
                        Some(_) => "ok",
                    };
                    ReportCheck {
                        value: answer
                            .as_ref()
                            .map(|a| display(a, &c.unit))
                            .unwrap_or_else(|| "—".into()),
                        expected: item.bounds_label().unwrap_or_default(),
                        label: item.label,
                        state: state.into(),
                    }
                })
                .collect(),
        })
        .collect();
    let ncs = job_nonconformity::Entity::find()
        .filter(job_nonconformity::Column::WorkspaceId.eq(ws))
        .filter(job_nonconformity::Column::JobId.eq(j.id))
        .order_by_asc(job_nonconformity::Column::DeclaredAt)
        .all(db)
        .await?;
    let nc_counts = count_by_kind(ncs.iter().map(|n| n.kind))
        .into_iter()
        .map(|(k, n)| format!("{} : {n}", k.label()))
        .collect();
    let nonconformities = ncs
        .iter()
        .map(|n| {
            let mut lines = Vec::new();
            if let Some(step) = n.step_id.and_then(|s| step_names.get(&s)) {
                lines.push(format!("Constatée à l'étape « {step} »"));
            }
            lines.push(n.comment.clone());
            if !n.action.is_empty() {
                lines.push(format!("Action corrective : {}", n.action));
            }
            if let Some(back) = n.back_to_step_id.and_then(|s| step_names.get(&s)) {
                lines.push(format!("Reprise à l'étape « {back} »"));
            }
            lines.push(match who(n.declared_by_member_id) {
                Some(by) => format!("Déclarée par {by} le {}", time::display(n.declared_at)),
                None => format!("Déclarée le {}", time::display(n.declared_at)),
            });
            ReportNonConformity {
                kind: n.kind.label().into(),
                lines,
            }
        })
        .collect();
    let chosen = job_photo::Entity::find()
        .filter(job_photo::Column::WorkspaceId.eq(ws))
        .filter(job_photo::Column::JobId.eq(j.id))
        .filter(job_photo::Column::Shareable.eq(true))
        .order_by_asc(job_photo::Column::TakenAt)
        .limit(MAX_PHOTOS)
        .all(db)
        .await?;
    let mut photos = Vec::new();
    let mut bytes = Vec::new();
    for (i, p) in chosen.iter().enumerate() {
        bytes.push(super::photos::bytes(state, p, false).await?);
        let step = p.step_id.and_then(|s| step_names.get(&s)).map(|s| format!(" — {s}"));
        photos.push(ReportPhoto {
            file: format!("photo-{i}.jpg"),
            caption: format!(
                "{}{} — {}",
                p.tag.label(),
                step.unwrap_or_default(),
                time::paris_day(p.taken_at).format("%d/%m/%Y")
            ),
        });
    }
    let (client, quote_line) = match &signed {
        Some(q) => {
            let mut lines = vec![q.client_name.clone()];
            let town = format!("{} {}", q.site_postcode.trim(), q.site_city.trim());
            let site = [q.site_address.trim(), town.trim()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(", ");
            if !site.is_empty() {
                lines.push(site);
            }
            lines.extend(
                [q.client_phone.clone(), q.client_email.clone()]
                    .into_iter()
                    .filter(|s| !s.trim().is_empty()),
            );
            (
                lines,
                q.number
                    .as_ref()
                    .map(|n| format!("Devis {n} signé"))
                    .unwrap_or_default(),
            )
        }
        None => (Vec::new(), String::new()),
    };
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%d/%m/%Y").to_string());
    let dates = [
        ("Prévu du", day(j.planned_start)),
        ("Au", day(j.planned_end)),
        ("Promis pour le", day(j.promised_on)),
        ("Commencé le", j.started_at.map(time::display)),
        ("Terminé le", j.finished_at.map(time::display)),
    ]
    .into_iter()
    .filter_map(|(l, v)| v.map(|v| (l.to_string(), v)))
    .collect();
    let heading = match (company.pack, j.status) {
        (crate::domain::TradePack::Workshop, JobStatus::Done) => "Rapport de fin de projet",
        (_, JobStatus::Done) => "Rapport de fin de chantier",
        (crate::domain::TradePack::Workshop, _) => "Rapport de projet (en cours)",
        _ => "Rapport de chantier (en cours)",
    };
    let status = match (j.status, j.finished_at) {
        (JobStatus::Done, Some(at)) => format!("Terminé le {}", time::display(at)),
        (s, _) => s.label().to_string(),
    };
    Ok((
        JobReport {
            ident: format!("comptoir-job-report-{}", j.id),
            heading: heading.into(),
            company: company.name,
            title: j.title,
            status,
            client,
            quote: quote_line,
            dates,
            steps: report_steps,
            nc_counts,
            nonconformities,
            photos,
            as_of: format!("État au {}", time::display(time::now())),
        },
        bytes,
    ))
}

/// The report's PDF.
pub async fn pdf(state: &AppState, ws: Uuid, job_id: Uuid) -> Result<PdfDownload, AppError> {
    let (report, photos) = build(state, ws, job_id).await?;
    let renderer = state.pdf.clone();
    let file_name = format!("rapport-{}.pdf", slug(&report.title));
    let bytes = tokio::task::spawn_blocking(move || renderer.render_job_report(&report, &photos))
        .await
        .map_err(|_| AppError::Internal)?
        .map_err(|e| {
            tracing::error!(error = %e, job = %job_id, "job report rendering failed");
            AppError::Internal
        })?;
    Ok(PdfDownload { file_name, bytes })
}

/// For members of the job's workspace.
pub async fn member_pdf(state: &AppState, scope: &Scope, job_id: Uuid) -> Result<PdfDownload, AppError> {
    pdf(state, scope.workspace_id.0, job_id).await
}

/// « rapport-plomberie-mme-martin »: ASCII letters and digits only.
fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    if out.is_empty() {
        "chantier".into()
    } else {
        out.chars().take(60).collect()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_are_plain() {
        assert_eq!(super::slug("Plomberie — Mme Martin"), "plomberie-mme-martin");
        assert_eq!(super::slug("Élagage"), "elagage");
        assert_eq!(super::slug("«»"), "chantier");
    }
}
