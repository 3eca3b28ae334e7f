//! What a client sees of their jobs in the portal: the jobs of the deals
//! their signed quotes won, each step done or to do, and only the photos
//! the business marked as shareable.

use super::{PortalJob, PortalPhoto};
use crate::error::AppError;
use crate::infra::entity::{job, job_photo, job_step, quote};
use crate::infra::{AppState, time};
use crate::quote::QuoteStatus;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

/// The ids of the client's jobs (through their signed quotes' deals).
async fn job_ids(db: &impl ConnectionTrait, ws: Uuid, contact: Uuid) -> Result<Vec<Uuid>, AppError> {
    let deals: Vec<Option<Uuid>> = quote::Entity::find()
        .select_only()
        .column(quote::Column::DealId)
        .filter(quote::Column::WorkspaceId.eq(ws))
        .filter(quote::Column::ContactId.eq(contact))
        .filter(quote::Column::Status.eq(QuoteStatus::Signed))
        .into_tuple()
        .all(db)
        .await?;
    let deals: Vec<Uuid> = deals.into_iter().flatten().collect();
    if deals.is_empty() {
        return Ok(Vec::new());
    }
    Ok(job::Entity::find()
        .select_only()
        .column(job::Column::Id)
        .filter(job::Column::WorkspaceId.eq(ws))
        .filter(job::Column::DealId.is_in(deals))
        .into_tuple()
        .all(db)
        .await?)
}

/// The client's jobs, newest first.
pub async fn of_client(
    db: &impl ConnectionTrait,
    ws: Uuid,
    contact: Uuid,
    token: &str,
) -> Result<Vec<PortalJob>, AppError> {
    let ids = job_ids(db, ws, contact).await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let jobs = job::Entity::find()
        .filter(job::Column::WorkspaceId.eq(ws))
        .filter(job::Column::Id.is_in(ids.clone()))
        .order_by_desc(job::Column::CreatedAt)
        .all(db)
        .await?;
    let steps = job_step::Entity::find()
        .filter(job_step::Column::WorkspaceId.eq(ws))
        .filter(job_step::Column::JobId.is_in(ids.clone()))
        .order_by_asc(job_step::Column::Position)
        .all(db)
        .await?;
    let photos = job_photo::Entity::find()
        .filter(job_photo::Column::WorkspaceId.eq(ws))
        .filter(job_photo::Column::JobId.is_in(ids))
        .filter(job_photo::Column::Shareable.eq(true))
        .order_by_asc(job_photo::Column::TakenAt)
        .all(db)
        .await?;
    Ok(jobs
        .into_iter()
        .map(|j| PortalJob {
            title: j.title.clone(),
            status: j.status,
            steps: steps
                .iter()
                .filter(|s| s.job_id == j.id)
                .map(|s| {
                    let day = s
                        .validated_at
                        .map(|at| time::paris_day(at).format("%d/%m/%Y").to_string());
                    (s.name.clone(), day)
                })
                .collect(),
            report_url: (j.status == crate::domain::jobs::JobStatus::Done)
                .then(|| format!("/portal/{token}/jobs/{}/report", j.id)),
            photos: photos
                .iter()
                .filter(|p| p.job_id == j.id)
                .map(|p| PortalPhoto {
                    url: format!("/portal/{token}/photos/{}", p.id),
                    thumb_url: format!("/portal/{token}/photos/{}/thumb", p.id),
                    caption: format!("{} — {}", p.tag.label(), time::paris_day(p.taken_at).format("%d/%m/%Y")),
                })
                .collect(),
        })
        .collect())
}

/// A shared photo of one of the client's jobs (anything else: not found).
pub async fn photo(state: &AppState, ws: Uuid, contact: Uuid, id: Uuid, thumb: bool) -> Result<Vec<u8>, AppError> {
    let db = &state.db;
    let photo = job_photo::Entity::find_by_id(id)
        .filter(job_photo::Column::WorkspaceId.eq(ws))
        .filter(job_photo::Column::Shareable.eq(true))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if !job_ids(db, ws, contact).await?.contains(&photo.job_id) {
        return Err(AppError::NotFound);
    }
    super::photos::bytes(state, &photo, thumb).await
}

/// The report of one of the client's jobs, once it is done (anything else:
/// not found).
pub async fn report(
    state: &AppState,
    ws: Uuid,
    contact: Uuid,
    id: Uuid,
) -> Result<crate::quote::download::PdfDownload, AppError> {
    let done = job::Entity::find_by_id(id)
        .filter(job::Column::WorkspaceId.eq(ws))
        .filter(job::Column::Status.eq(crate::domain::jobs::JobStatus::Done))
        .one(&state.db)
        .await?
        .is_some();
    if !done || !job_ids(&state.db, ws, contact).await?.contains(&id) {
        return Err(AppError::NotFound);
    }
    super::report::pdf(state, ws, id).await
}
