//! Photos on public requests: up to five per request, each checked by its
//! bytes (JPEG, PNG or WebP), turned the way the camera said (EXIF
//! orientation), scaled down to 1,600 px on the long side and re-encoded as
//! JPEG. Re-encoding writes pixels only: the position (GPS), the camera and
//! every other metadata of the original are gone, and the original is not
//! kept. The files go through the file store; the rows say where.

use crate::error::{AppError, FieldErrors};
use crate::infra::entity::{lead, market_request_photo};
use crate::infra::picture::{Prepared, is_heif, sniff};
use crate::infra::{AppState, Write, time};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

/// Photos a request may carry.
pub const MAX_PHOTOS: usize = 5;
/// Largest photo accepted as sent (a phone's photo is 2 to 6 MB).
pub const MAX_PHOTO_BYTES: usize = 10 << 20;
/// Long side of a stored photo, in pixels.
pub const MAX_SIDE: u32 = 1600;
/// JPEG quality of a stored photo.
const QUALITY: u8 = 80;

/// A file as posted.
#[derive(Clone, Debug)]
pub struct PhotoUpload {
    /// Name on the sender's device (shown in messages only).
    pub file_name: String,
    /// Bytes as sent.
    pub bytes: Vec<u8>,
    /// It was larger than `MAX_PHOTO_BYTES` (the bytes were not kept).
    pub too_large: bool,
}

fn label(index: usize, upload: &PhotoUpload) -> String {
    let name: String = upload.file_name.chars().filter(|c| !c.is_control()).take(60).collect();
    if name.is_empty() {
        format!("Photo {}", index + 1)
    } else {
        format!("Photo {} ({name})", index + 1)
    }
}

/// The checks that need no decoding: how many, how large, which format.
/// One message on the `photos` field names every photo refused.
pub fn check(uploads: &[PhotoUpload], errors: &mut FieldErrors) {
    if uploads.len() > MAX_PHOTOS {
        errors.push(
            "photos",
            format!("{MAX_PHOTOS} photos au plus : vous en avez choisi {}.", uploads.len()),
        );
        return;
    }
    let mut problems = Vec::new();
    for (i, upload) in uploads.iter().enumerate() {
        let what = label(i, upload);
        if upload.too_large {
            problems.push(format!("{what} dépasse 10 Mo : choisissez une photo plus légère."));
        } else if is_heif(&upload.bytes) {
            problems.push(format!(
                "{what} est au format HEIC : envoyez-la en JPEG (réglage « Le plus compatible » de l'appareil photo)."
            ));
        } else if sniff(&upload.bytes).is_none() {
            problems.push(format!("{what} n'est pas une photo JPEG, PNG ou WebP."));
        }
    }
    if !problems.is_empty() {
        errors.push("photos", problems.join(" "));
    }
}

/// Prepares every upload off the async threads; a picture that does not
/// decode is named in the `photos` message.
pub async fn prepare_all(uploads: Vec<PhotoUpload>) -> Result<Vec<Prepared>, AppError> {
    let labels: Vec<String> = uploads.iter().enumerate().map(|(i, u)| label(i, u)).collect();
    let results = tokio::task::spawn_blocking(move || {
        uploads
            .iter()
            .map(|u| crate::infra::picture::prepare(&u.bytes, MAX_SIDE, QUALITY).map_err(|e| e.to_string()))
            .collect::<Vec<_>>()
    })
    .await
    .map_err(|_| AppError::Internal)?;
    let mut problems = Vec::new();
    let mut prepared = Vec::new();
    for (result, what) in results.into_iter().zip(labels) {
        match result {
            Ok(p) => prepared.push(p),
            Err(e) => {
                tracing::info!(error = %e, "request photo refused");
                problems.push(format!("{what} est illisible ou abîmée : choisissez-en une autre."));
            }
        }
    }
    if problems.is_empty() {
        Ok(prepared)
    } else {
        let mut errors = FieldErrors::new();
        errors.push("photos", problems.join(" "));
        Err(AppError::Validation(errors))
    }
}

/// Files written for a request, to remove if its transaction fails.
pub struct Stored {
    keys: Vec<String>,
}

impl Stored {
    /// Removes the files (the rows that named them were not committed).
    pub async fn discard(self, state: &AppState) {
        for key in self.keys {
            if let Err(e) = state.files.delete(&key).await {
                tracing::warn!(error = %e, key, "could not remove an orphan request photo");
            }
        }
    }
}

/// Writes the photos of `request_id` to the file store, then their rows in
/// `w`, after the ones it already has (five at most in all: extra photos of
/// a merged repeat are dropped).
pub async fn attach(state: &AppState, w: &Write, request_id: Uuid, photos: Vec<Prepared>) -> Result<Stored, AppError> {
    let existing = market_request_photo::Entity::find()
        .filter(market_request_photo::Column::RequestId.eq(request_id))
        .count(w)
        .await? as usize;
    let mut stored = Stored { keys: Vec::new() };
    let now = time::now();
    for (i, photo) in photos.into_iter().take(MAX_PHOTOS.saturating_sub(existing)).enumerate() {
        let id = Uuid::now_v7();
        let key = format!("requests/{request_id}/{id}.jpg");
        let size = photo.bytes.len() as i64;
        if let Err(e) = state.files.put(&key, photo.bytes, "image/jpeg").await {
            tracing::error!(error = %e, "file store write failed");
            stored.discard(state).await;
            return Err(AppError::Internal);
        }
        stored.keys.push(key.clone());
        let row = market_request_photo::Model {
            id,
            request_id,
            position: (existing + i) as i32,
            file_key: key,
            content_type: "image/jpeg".into(),
            width: photo.width as i32,
            height: photo.height as i32,
            size,
            created_at: now,
        };
        if let Err(e) = market_request_photo::Entity::insert(market_request_photo::ActiveModel::from(row))
            .exec_without_returning(w)
            .await
        {
            stored.discard(state).await;
            return Err(e.into());
        }
    }
    Ok(stored)
}

/// Links to a request's photos, in order.
pub async fn links<C: sea_orm::ConnectionTrait>(db: &C, request_id: Uuid) -> Result<Vec<String>, AppError> {
    let ids: Vec<Uuid> = market_request_photo::Entity::find()
        .filter(market_request_photo::Column::RequestId.eq(request_id))
        .order_by_asc(market_request_photo::Column::Position)
        .select_only()
        .column(market_request_photo::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().map(|id| format!("/app/request-photos/{id}")).collect())
}

/// A photo's bytes, for a platform admin or a workspace that holds a lead
/// from its request; anyone else gets « not found ».
pub async fn file(state: &AppState, workspace: Option<Uuid>, admin: bool, id: Uuid) -> Result<Vec<u8>, AppError> {
    let photo = market_request_photo::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    if !admin {
        let ws = workspace.ok_or(AppError::NotFound)?;
        let holds = lead::Entity::find()
            .filter(lead::Column::WorkspaceId.eq(ws))
            .filter(lead::Column::RequestId.eq(photo.request_id))
            .count(&state.db)
            .await?;
        if holds == 0 {
            return Err(AppError::NotFound);
        }
    }
    state
        .files
        .get(&photo.file_key)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "file store read failed");
            AppError::Internal
        })?
        .ok_or(AppError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::infra::picture::tests::jpeg_with_gps;

    #[test]
    fn refuses_what_is_not_a_photo_with_the_reason() {
        let upload = |name: &str, bytes: &[u8], too_large| PhotoUpload {
            file_name: name.into(),
            bytes: bytes.to_vec(),
            too_large,
        };
        let mut errors = FieldErrors::new();
        check(
            &[
                upload("devis.pdf", b"%PDF-1.7 ...", false),
                upload("IMG_0001.HEIC", b"\0\0\0\x18ftypheic\0\0\0\0", false),
                upload("grand.jpg", b"", true),
                upload("ok.jpg", &jpeg_with_gps(8, 8), false),
            ],
            &mut errors,
        );
        let all = AppError::Validation(errors).field_message("photos").unwrap();
        assert!(all.contains("Photo 1 (devis.pdf) n'est pas une photo JPEG"), "{all}");
        assert!(all.contains("Photo 2 (IMG_0001.HEIC) est au format HEIC"), "{all}");
        assert!(all.contains("Photo 3 (grand.jpg) dépasse 10 Mo"), "{all}");
        assert!(!all.contains("Photo 4"), "{all}");
        let mut errors = FieldErrors::new();
        check(&vec![upload("a.jpg", &jpeg_with_gps(8, 8), false); 6], &mut errors);
        assert!(!errors.is_empty());
        // A JPEG header followed by garbage, and a picture claiming 60,000 px.
        let prepare = |b: &[u8]| crate::infra::picture::prepare(b, MAX_SIDE, QUALITY);
        assert!(prepare(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0, 1, 2, 3]).is_err());
        let mut huge = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        huge.extend_from_slice(&60_000u32.to_be_bytes());
        huge.extend_from_slice(&60_000u32.to_be_bytes());
        huge.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
        assert!(prepare(&huge).is_err(), "refused before allocating 10 GB");
    }
}
