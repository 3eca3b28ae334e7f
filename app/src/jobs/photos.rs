//! Job photos: taken on the phone (or chosen from files), sent once by the
//! capture id the device made, checked by their bytes, turned upright,
//! scaled to 1,600 px with a 320 px thumbnail and re-encoded as JPEG (no
//! EXIF, no GPS: `infra::picture`), stored through the file store, and
//! counted against the workspace's quota (a full quota refuses the photo
//! with `Quota` and the usage; the picture stays in the phone's camera roll).

use super::{CaptureKind, CaptureOutcome, PhotoCapture, PhotoView, StorageUse};
use crate::audit::{EventAction, EventEntity};
use crate::domain::{DomainEvent, JobId, JobPhotoId};
use crate::error::AppError;
use crate::infra::entity::{field_capture, job, job_photo, job_step, workspace};
use crate::infra::picture::{Prepared, is_heif, prepare_sizes, sniff};
use crate::infra::{AppState, Audit, Scope, Write, time};
use base64::Engine;
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// Largest photo accepted as sent.
pub const MAX_PHOTO_BYTES: usize = (super::MAX_PHOTO_MB as usize) << 20;
/// The stored photo: long side and JPEG quality.
pub const PHOTO: (u32, u8) = (1600, 80);
/// Its thumbnail.
pub const THUMB: (u32, u8) = (320, 70);

/// The photo and its thumbnail from what was sent (CPU work: off the async threads).
pub fn process(bytes: &[u8]) -> Result<(Prepared, Prepared), image::ImageError> {
    let mut sizes = prepare_sizes(bytes, &[PHOTO, THUMB])?;
    let thumb = sizes.pop().expect("two sizes");
    let photo = sizes.pop().expect("two sizes");
    Ok((photo, thumb))
}

/// Bytes of photos the workspace stores.
pub async fn usage(db: &impl ConnectionTrait, state: &AppState, ws: Uuid) -> Result<StorageUse, AppError> {
    #[derive(FromQueryResult)]
    struct Sum {
        used: Option<i64>,
    }
    let sum = job_photo::Entity::find()
        .select_only()
        .column_as(
            Expr::from(Func::cast_as(Expr::col(job_photo::Column::Size).sum(), "BIGINT")),
            "used",
        )
        .filter(job_photo::Column::WorkspaceId.eq(ws))
        .into_model::<Sum>()
        .one(db)
        .await?;
    Ok(StorageUse {
        used_bytes: u64::try_from(sum.and_then(|s| s.used).unwrap_or(0)).unwrap_or(0),
        quota_bytes: state.config.photo_quota_bytes,
    })
}

/// Adds a photo (or answers a replay of the same capture with the photo it made).
pub async fn add(state: &AppState, scope: &Scope, c: &PhotoCapture) -> Result<PhotoView, AppError> {
    let ws = scope.workspace_id.0;
    let db = &state.db;
    if let Some(seen) = field_capture::Entity::find_by_id((ws, c.capture.0)).one(db).await? {
        let photo = match (seen.kind, seen.outcome, seen.target_id) {
            (CaptureKind::Photo, CaptureOutcome::Applied, Some(photo)) if seen.job_id == c.job.0 => photo,
            _ => return Err(super::captures::reused()),
        };
        let row = job_photo::Entity::find_by_id(photo)
            .filter(job_photo::Column::WorkspaceId.eq(ws))
            .one(db)
            .await?
            .ok_or(AppError::NotFound)?;
        return view_one(db, ws, row).await;
    }
    let job = job::Entity::find_by_id(c.job.0)
        .filter(job::Column::WorkspaceId.eq(ws))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Some(step) = c.step {
        job_step::Entity::find_by_id(step.0)
            .filter(job_step::Column::WorkspaceId.eq(ws))
            .filter(job_step::Column::JobId.eq(job.id))
            .one(db)
            .await?
            .ok_or(AppError::NotFound)?;
    }
    let payload = c.file.split_once(";base64,").map(|(_, b)| b).unwrap_or(&c.file);
    if payload.len() / 4 * 3 > MAX_PHOTO_BYTES + 3 {
        return Err(AppError::field(
            "photo",
            "Cette photo dépasse 15 Mo : choisissez-en une plus légère.",
        ));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(payload.trim())
        .map_err(|_| AppError::field("photo", "Le fichier n'a pas pu être lu : reprenez la photo."))?;
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(AppError::field(
            "photo",
            "Cette photo dépasse 15 Mo : choisissez-en une plus légère.",
        ));
    }
    if is_heif(&bytes) {
        return Err(AppError::field(
            "photo",
            "Cette photo est au format HEIC : réglez l'appareil photo sur « le plus compatible » (JPEG) ou choisissez-en une autre.",
        ));
    }
    if sniff(&bytes).is_none() {
        return Err(AppError::field(
            "photo",
            "Ce fichier n'est pas une photo JPEG, PNG ou WebP.",
        ));
    }
    let (photo, thumb) = tokio::task::spawn_blocking(move || process(&bytes))
        .await
        .map_err(|_| AppError::Internal)?
        .map_err(|e| {
            tracing::info!(error = %e, "job photo refused");
            AppError::field("photo", "Cette photo est illisible ou abîmée : reprenez-la.")
        })?;
    let size = (photo.bytes.len() + thumb.bytes.len()) as u64;
    let storage = usage(db, state, ws).await?;
    if storage.used_bytes + size > storage.quota_bytes {
        return Err(full(storage));
    }
    let id = Uuid::now_v7();
    let file_key = format!("jobs/{ws}/{}/{id}.jpg", job.id);
    let thumb_key = format!("jobs/{ws}/{}/{id}-thumb.jpg", job.id);
    let (width, height) = (photo.width as i32, photo.height as i32);
    for (key, bytes) in [(&file_key, photo.bytes), (&thumb_key, thumb.bytes)] {
        if let Err(e) = state.files.put(key, bytes, "image/jpeg").await {
            tracing::error!(error = %e, "file store write failed");
            discard(state, &[&file_key, &thumb_key]).await;
            return Err(AppError::Internal);
        }
    }
    let saved = async {
        let now = time::now();
        let taken_at = super::captures::plausible(c.captured_at, now);
        let w = Write::scoped(state, scope).await?;
        // Checked again under a lock on the workspace's row (PostgreSQL; the
        // envelope's write lock on SQLite): parallel uploads cannot together
        // overshoot the quota the first check let through.
        let workspace_row = workspace::Entity::find_by_id(ws);
        if crate::infra::db::is_postgres(&w) {
            workspace_row.lock_exclusive().one(&w).await?;
        }
        let storage = usage(&w, state, ws).await?;
        if storage.used_bytes + size > storage.quota_bytes {
            return Err(full(storage));
        }
        let row = job_photo::Model {
            id,
            workspace_id: ws,
            job_id: job.id,
            step_id: c.step.map(|s| s.0),
            tag: c.tag,
            shareable: false,
            file_key: file_key.clone(),
            thumb_key: thumb_key.clone(),
            width,
            height,
            size: size as i64,
            taken_by_member_id: Some(scope.member_id.0),
            taken_at,
            created_at: now,
        };
        job_photo::Entity::insert(job_photo::ActiveModel::from(row.clone()))
            .exec_without_returning(&w)
            .await?;
        super::captures::record(
            &w,
            scope,
            super::captures::Seen {
                id: c.capture.0,
                job: job.id,
                kind: CaptureKind::Photo,
                target: Some(id),
                captured_at: taken_at,
                outcome: CaptureOutcome::Applied,
                message: "",
            },
        )
        .await?;
        w.audit(
            Audit::of(EventEntity::Job, Some(job.id), EventAction::JobPhotoAdded).after(json!({
                "photo_id": id, "tag": c.tag.as_str(), "capture_id": c.capture.0, "size": size,
            })),
        )
        .await?;
        w.emit(DomainEvent::JobPhotoAdded {
            job: JobId(job.id),
            photo: JobPhotoId(id),
        })
        .await?;
        w.commit().await?;
        Ok::<_, AppError>(row)
    }
    .await;
    match saved {
        Ok(row) => view_one(db, ws, row).await,
        Err(e) => {
            discard(state, &[&file_key, &thumb_key]).await;
            Err(e)
        }
    }
}

fn full(storage: StorageUse) -> AppError {
    AppError::Quota(format!(
        "L'espace photos est plein ({})  : cette photo n'est pas enregistrée. Gardez-la sur l'appareil et demandez plus d'espace au propriétaire du compte.",
        storage.label()
    ))
}

async fn discard(state: &AppState, keys: &[&str]) {
    for key in keys {
        if let Err(e) = state.files.delete(key).await {
            tracing::warn!(error = %e, key, "could not remove an orphan job photo");
        }
    }
}

/// Shows a photo to the client in the portal, or not.
pub async fn share(w: &Write, scope: &Scope, id: JobPhotoId, shareable: bool) -> Result<(), AppError> {
    let ws = scope.workspace_id.0;
    let photo = job_photo::Entity::find_by_id(id.0)
        .filter(job_photo::Column::WorkspaceId.eq(ws))
        .one(w)
        .await?
        .ok_or(AppError::NotFound)?;
    if photo.shareable == shareable {
        return Ok(());
    }
    job_photo::Entity::update_many()
        .col_expr(job_photo::Column::Shareable, Expr::value(shareable))
        .filter(job_photo::Column::Id.eq(photo.id))
        .filter(job_photo::Column::WorkspaceId.eq(ws))
        .exec(w)
        .await?;
    let action = if shareable {
        EventAction::JobPhotoShared
    } else {
        EventAction::JobPhotoUnshared
    };
    w.audit(Audit::of(EventEntity::Job, Some(photo.job_id), action).after(json!({ "photo_id": photo.id })))
        .await
}

/// A photo's bytes (or its thumbnail's) for a member of its workspace.
pub async fn file(state: &AppState, scope: &Scope, id: Uuid, thumb: bool) -> Result<Vec<u8>, AppError> {
    let photo = job_photo::Entity::find_by_id(id)
        .filter(job_photo::Column::WorkspaceId.eq(scope.workspace_id.0))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    bytes(state, &photo, thumb).await
}

/// The stored bytes of a photo (or of its thumbnail) the caller may see.
pub async fn bytes(state: &AppState, photo: &job_photo::Model, thumb: bool) -> Result<Vec<u8>, AppError> {
    let key = if thumb { &photo.thumb_key } else { &photo.file_key };
    state
        .files
        .get(key)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "file store read failed");
            AppError::Internal
        })?
        .ok_or(AppError::NotFound)
}

/// The photos of a job, oldest first.
pub async fn of_job(db: &impl ConnectionTrait, ws: Uuid, job: Uuid) -> Result<Vec<PhotoView>, AppError> {
    let rows = job_photo::Entity::find()
        .filter(job_photo::Column::WorkspaceId.eq(ws))
        .filter(job_photo::Column::JobId.eq(job))
        .order_by_asc(job_photo::Column::TakenAt)
        .order_by_asc(job_photo::Column::Id)
        .all(db)
        .await?;
    views(db, ws, rows).await
}

async fn view_one(db: &impl ConnectionTrait, ws: Uuid, row: job_photo::Model) -> Result<PhotoView, AppError> {
    Ok(views(db, ws, vec![row]).await?.remove(0))
}

async fn views(db: &impl ConnectionTrait, ws: Uuid, rows: Vec<job_photo::Model>) -> Result<Vec<PhotoView>, AppError> {
    let names = crate::pipeline::board::member_names(db, ws).await?;
    let step_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.step_id).collect();
    let steps: HashMap<Uuid, String> = if step_ids.is_empty() {
        HashMap::new()
    } else {
        job_step::Entity::find()
            .filter(job_step::Column::WorkspaceId.eq(ws))
            .filter(job_step::Column::Id.is_in(step_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect()
    };
    Ok(rows
        .into_iter()
        .map(|r| PhotoView {
            id: JobPhotoId(r.id),
            tag: r.tag,
            step: r.step_id.and_then(|s| steps.get(&s).cloned()),
            url: format!("/app/job-photos/{}", r.id),
            thumb_url: format!("/app/job-photos/{}/thumb", r.id),
            width: r.width as u32,
            height: r.height as u32,
            taken_by: r.taken_by_member_id.and_then(|m| names.get(&m).cloned()),
            taken_at: time::display(r.taken_at),
            shareable: r.shareable,
        })
        .collect())
}
