//! An artisan's compliance documents: upload (PDF, JPEG or PNG, known by
//! their first bytes, 5 MB at most) with the dates and details the kind
//! needs, moderation by a platform admin (pending → approved, or rejected
//! with a reason), and reading the file back.

use super::{DocumentRow, DocumentUpload, ModerationRow};
use crate::audit::{EventAction, EventEntity};
use crate::domain::documents::{DocumentFacts, DocumentKind, DocumentStatus, check_dates, routable_span};
use crate::domain::{TradePack, WorkspaceId};
use crate::error::{AppError, FieldErrors};
use crate::infra::entity::{artisan_document, artisan_profile, member, user, workspace};
use crate::infra::{AppState, Audit, Scope, SessionUser, Write, time};
use chrono::NaiveDate;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// Largest file accepted.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;

/// The type a file really is, from its first bytes.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else {
        None
    }
}

fn extension(content_type: &str) -> &'static str {
    match content_type {
        "application/pdf" => "pdf",
        "image/jpeg" => "jpg",
        _ => "png",
    }
}

fn date(errors: &mut FieldErrors, field: &str, value: &str) -> Option<NaiveDate> {
    match NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(field, "Date attendue (JJ/MM/AAAA).");
            None
        }
    }
}

async fn own_member(db: &impl ConnectionTrait, scope: &Scope, member_id: Uuid) -> Result<(), AppError> {
    let ws = workspace::Entity::find_by_id(scope.workspace_id.0)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let target = member::Entity::find_by_id(member_id)
        .filter(member::Column::WorkspaceId.eq(ws.id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if ws.pack != TradePack::Artisan {
        return Err(AppError::NotFound);
    }
    if !super::profile::may_edit(scope, member_id, target.role) {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

/// Checks an upload; every message at its field. Returns the row to store
/// (file key set) and the bytes.
fn check(
    upload: &DocumentUpload,
    bytes: &[u8],
) -> Result<(DocumentKind, NaiveDate, NaiveDate, &'static str), AppError> {
    let mut errors = FieldErrors::new();
    let kind = DocumentKind::parse(&upload.kind);
    if kind.is_none() {
        errors.push("kind", "Choisissez le type de document.");
    }
    let starts = date(&mut errors, "starts_on", &upload.starts_on);
    let ends = date(&mut errors, "ends_on", &upload.ends_on);
    if let (Some(k), Some(s), Some(e)) = (kind, starts, ends)
        && let Err(message) = check_dates(k, s, e)
    {
        errors.push("ends_on", message);
    }
    if matches!(kind, Some(DocumentKind::Decennale | DocumentKind::RcPro)) {
        if upload.insurer.trim().is_empty() {
            errors.push("insurer", "Indiquez l'assureur.");
        }
        if upload.policy_number.trim().is_empty() {
            errors.push("policy_number", "Indiquez le numéro de police.");
        }
    }
    if kind == Some(DocumentKind::Decennale) && upload.cover.trim().is_empty() {
        errors.push("cover", "Indiquez la couverture géographique.");
    }
    if kind == Some(DocumentKind::Rge) && upload.rge_domains.trim().is_empty() {
        errors.push("rge_domains", "Indiquez les domaines de la qualification.");
    }
    for (field, value) in [
        ("insurer", &upload.insurer),
        ("policy_number", &upload.policy_number),
        ("cover", &upload.cover),
        ("rge_domains", &upload.rge_domains),
    ] {
        if value.chars().count() > 200 {
            errors.push(field, "200 caractères au plus.");
        }
    }
    let content_type = if bytes.is_empty() {
        errors.push("file", "Joignez le document (PDF, JPEG ou PNG).");
        None
    } else if bytes.len() > MAX_BYTES {
        errors.push("file", "Le fichier dépasse 5 Mo.");
        None
    } else {
        let sniffed = sniff(bytes);
        if sniffed.is_none() {
            errors.push("file", "Ce fichier n'est ni un PDF, ni une image JPEG ou PNG.");
        }
        sniffed
    };
    match (kind, starts, ends, content_type) {
        (Some(k), Some(s), Some(e), Some(t)) if errors.is_empty() => Ok((k, s, e, t)),
        _ => Err(AppError::Validation(errors)),
    }
}

/// Stores an uploaded document, pending moderation. The file goes to the
/// file store first: a failed commit leaves an orphan file, never a row
/// without its file.
pub async fn upload(
    state: &AppState,
    scope: &Scope,
    member_id: Uuid,
    upload: DocumentUpload,
    bytes: Vec<u8>,
) -> Result<Uuid, AppError> {
    own_member(&state.db, scope, member_id).await?;
    let (kind, starts_on, ends_on, content_type) = check(&upload, &bytes)?;
    let id = Uuid::now_v7();
    let key = format!("documents/{}/{id}.{}", scope.workspace_id.0, extension(content_type));
    let sha256 = crate::infra::crypto::sha256_bytes_hex(&bytes);
    let size = bytes.len() as i64;
    state.files.put(&key, bytes, content_type).await.map_err(|e| {
        tracing::error!(error = %e, "file store write failed");
        AppError::Internal
    })?;
    let w = Write::scoped(state, scope).await?;
    let name: String = upload.file_name.chars().filter(|c| !c.is_control()).take(120).collect();
    artisan_document::Entity::insert(artisan_document::ActiveModel {
        id: Set(id),
        workspace_id: Set(scope.workspace_id.0),
        member_id: Set(member_id),
        kind: Set(kind),
        insurer: Set(upload.insurer.trim().into()),
        policy_number: Set(upload.policy_number.trim().into()),
        cover: Set(upload.cover.trim().into()),
        rge_domains: Set(upload.rge_domains.trim().into()),
        starts_on: Set(starts_on),
        ends_on: Set(ends_on),
        file_key: Set(key),
        file_name: Set(if name.trim().is_empty() {
            format!("{}.{}", kind.as_str(), extension(content_type))
        } else {
            name
        }),
        content_type: Set(content_type.into()),
        size: Set(size),
        sha256: Set(sha256),
        status: Set(DocumentStatus::Pending),
        reject_reason: Set(None),
        reviewed_by: Set(None),
        reviewed_at: Set(None),
        reminded_days: Set(None),
        created_at: Set(time::now()),
    })
    .exec_without_returning(&w)
    .await?;
    w.audit(
        Audit::of(
            EventEntity::ArtisanProfile,
            Some(member_id),
            EventAction::ArtisanDocumentUploaded,
        )
        .after(json!({
            "document_id": id, "kind": kind.as_str(), "starts_on": starts_on, "ends_on": ends_on, "size": size,
        })),
    )
    .await?;
    w.commit().await?;
    Ok(id)
}

fn row(d: artisan_document::Model) -> DocumentRow {
    DocumentRow {
        id: d.id,
        kind: d.kind,
        label: d.kind.label().into(),
        starts_on: d.starts_on.format("%d/%m/%Y").to_string(),
        ends_on: d.ends_on.format("%d/%m/%Y").to_string(),
        status: d.status,
        reject_reason: d.reject_reason,
        file_name: d.file_name,
        has_file: !d.file_key.is_empty(),
        details: [d.insurer, d.policy_number, d.cover, d.rge_domains]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · "),
    }
}

/// A member's documents, newest first.
pub async fn list(db: &impl ConnectionTrait, scope: &Scope, member_id: Uuid) -> Result<Vec<DocumentRow>, AppError> {
    let ws = scope.workspace_id.0;
    Ok(artisan_document::Entity::find()
        .filter(artisan_document::Column::WorkspaceId.eq(ws))
        .filter(artisan_document::Column::MemberId.eq(member_id))
        .order_by_desc(artisan_document::Column::CreatedAt)
        .limit(100)
        .all(db)
        .await?
        .into_iter()
        .map(row)
        .collect())
}

/// A document's file, for its workspace (`scope`) or a platform admin.
pub async fn file(
    state: &AppState,
    scope: Option<&Scope>,
    admin: bool,
    id: Uuid,
) -> Result<(String, String, Vec<u8>), AppError> {
    let mut query = artisan_document::Entity::find_by_id(id);
    if !admin {
        let scope = scope.ok_or(AppError::NotFound)?;
        query = query.filter(artisan_document::Column::WorkspaceId.eq(scope.workspace_id.0));
    }
    let d = query.one(&state.db).await?.ok_or(AppError::NotFound)?;
    if d.file_key.is_empty() {
        return Err(AppError::NotFound);
    }
    let bytes = state
        .files
        .get(&d.file_key)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "file store read failed");
            AppError::Internal
        })?
        .ok_or(AppError::NotFound)?;
    Ok((d.file_name, d.content_type, bytes))
}

/// The moderation queue: pending documents, oldest first.
pub async fn pending(state: &AppState, current: &SessionUser) -> Result<Vec<ModerationRow>, AppError> {
    if !current.user.is_platform_admin {
        return Err(AppError::NotFound);
    }
    let docs = artisan_document::Entity::find()
        .filter(artisan_document::Column::Status.eq(DocumentStatus::Pending))
        .order_by_asc(artisan_document::Column::CreatedAt)
        .limit(200)
        .all(&state.db)
        .await?;
    let mut out = Vec::with_capacity(docs.len());
    for d in docs {
        let ws = workspace::Entity::find_by_id(d.workspace_id).one(&state.db).await?;
        let who = match member::Entity::find_by_id(d.member_id).one(&state.db).await? {
            Some(m) => user::Entity::find_by_id(m.user_id)
                .one(&state.db)
                .await?
                .map(|u| u.name)
                .unwrap_or_default(),
            None => String::new(),
        };
        out.push(ModerationRow {
            artisan: who,
            workspace: ws.map(|w| w.name).unwrap_or_default(),
            uploaded_at: time::display(d.created_at),
            document: row(d),
        });
    }
    Ok(out)
}

/// Approves a pending document, or rejects it with a reason (one winner:
/// only a pending document changes).
pub async fn review(
    state: &AppState,
    current: &SessionUser,
    id: Uuid,
    approve: bool,
    reason: &str,
) -> Result<(), AppError> {
    if !current.user.is_platform_admin {
        return Err(AppError::NotFound);
    }
    let reason = reason.trim();
    if !approve && (reason.is_empty() || reason.chars().count() > 500) {
        return Err(AppError::field(
            "reason",
            "Indiquez la raison du refus (500 caractères au plus).",
        ));
    }
    let d = artisan_document::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let w = Write::personal(state, current).await?;
    let changed = artisan_document::Entity::update_many()
        .set(artisan_document::ActiveModel {
            status: Set(if approve {
                DocumentStatus::Approved
            } else {
                DocumentStatus::Rejected
            }),
            reject_reason: Set((!approve).then(|| reason.to_string())),
            reviewed_by: Set(Some(current.user.id)),
            reviewed_at: Set(Some(time::now())),
            ..Default::default()
        })
        .filter(artisan_document::Column::Id.eq(id))
        .filter(artisan_document::Column::Status.eq(DocumentStatus::Pending))
        .exec(&w)
        .await?
        .rows_affected;
    if changed != 1 {
        return Err(AppError::Conflict("Ce document a déjà été examiné.".into()));
    }
    w.audit(
        Audit::of(
            EventEntity::ArtisanProfile,
            Some(d.member_id),
            EventAction::ArtisanDocumentReviewed,
        )
        .on_chain(WorkspaceId(d.workspace_id))
        .after(json!({ "document_id": id, "kind": d.kind.as_str(), "approved": approve, "reason": reason })),
    )
    .await?;
    refresh_span(&w, d.member_id, time::paris_day(time::now())).await?;
    w.commit().await
}

/// Profiles whose span is recomputed per batch of the scheduler's task.
const SPAN_BATCH: u64 = 500;

/// Stores on `member_id`'s profile (if they have one) the run of days on
/// which their required documents are in order, as of `today`
/// (`domain::documents::routable_span`). Called in the same transaction as
/// any change to an approval, and by the scheduler when a run has ended.
///
/// The profile row is locked first (`FOR UPDATE` on PostgreSQL; SQLite
/// writes one transaction at a time), so two reviews at once each read the
/// other's approval once it is committed and the last write holds both.
pub async fn refresh_span(db: &impl ConnectionTrait, member_id: Uuid, today: NaiveDate) -> Result<(), AppError> {
    let exists = artisan_profile::Entity::find_by_id(member_id)
        .select_only()
        .column(artisan_profile::Column::MemberId)
        .lock_exclusive()
        .into_tuple::<Uuid>()
        .one(db)
        .await?;
    if exists.is_none() {
        return Ok(());
    }
    let facts = facts_of(db, &[member_id], true)
        .await?
        .remove(&member_id)
        .unwrap_or_default();
    let span = routable_span(&facts, today);
    artisan_profile::Entity::update_many()
        .set(artisan_profile::ActiveModel {
            routable_from: Set(span.map(|s| s.0)),
            routable_until: Set(span.map(|s| s.1)),
            routable_checked_on: Set(Some(today)),
            ..Default::default()
        })
        .filter(artisan_profile::Column::MemberId.eq(member_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Recomputes the spans never computed (profiles from before the column)
/// or ended before `now`'s day; returns how many. Idempotent.
pub async fn refresh_stale_spans(state: &AppState, now: chrono::DateTime<chrono::Utc>) -> Result<u64, AppError> {
    let today = time::paris_day(now);
    let mut done = 0;
    loop {
        let stale: Vec<Uuid> = artisan_profile::Entity::find()
            .select_only()
            .column(artisan_profile::Column::MemberId)
            .filter(
                sea_orm::Condition::any()
                    .add(artisan_profile::Column::RoutableCheckedOn.is_null())
                    .add(
                        sea_orm::Condition::all()
                            .add(artisan_profile::Column::RoutableUntil.lt(today))
                            .add(artisan_profile::Column::RoutableCheckedOn.lt(today)),
                    ),
            )
            .order_by_asc(artisan_profile::Column::MemberId)
            .limit(SPAN_BATCH)
            .into_tuple()
            .all(&state.db)
            .await?;
        if stale.is_empty() {
            return Ok(done);
        }
        for member_id in stale {
            let txn = crate::infra::db::begin_write(&state.db).await?;
            refresh_span(&txn, member_id, today).await?;
            txn.commit().await?;
            done += 1;
        }
    }
}

/// The documents of `members` as routing judges them, by member
/// (`required_only`: only the kinds that gate routing); read 500 members
/// at a time.
pub async fn facts_of(
    db: &impl ConnectionTrait,
    members: &[Uuid],
    required_only: bool,
) -> Result<HashMap<Uuid, Vec<DocumentFacts>>, AppError> {
    let mut facts: HashMap<Uuid, Vec<DocumentFacts>> = HashMap::new();
    for chunk in members.chunks(500) {
        let mut query = artisan_document::Entity::find()
            .select_only()
            .columns([
                artisan_document::Column::MemberId,
                artisan_document::Column::Kind,
                artisan_document::Column::Status,
                artisan_document::Column::StartsOn,
                artisan_document::Column::EndsOn,
            ])
            .filter(artisan_document::Column::MemberId.is_in(chunk.to_vec()));
        if required_only {
            query = query.filter(artisan_document::Column::Kind.is_in(DocumentKind::REQUIRED));
        }
        let rows: Vec<(Uuid, DocumentKind, DocumentStatus, NaiveDate, NaiveDate)> = query.into_tuple().all(db).await?;
        for (member, kind, status, starts_on, ends_on) in rows {
            facts.entry(member).or_default().push(DocumentFacts {
                kind,
                status,
                starts_on,
                ends_on,
            });
        }
    }
    Ok(facts)
}
