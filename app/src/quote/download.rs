//! PDF downloads: the stored copy of a sent quote (the signed one once
//! signed), or a preview of a draft rendered on demand.

use super::send::render;
use super::store::draft_of;
use super::store::lines_of;
use super::{document, profile, service};
use crate::domain::Role;
use crate::error::AppError;
use crate::infra::{AppState, Scope, files, rate_limit, time};
use uuid::Uuid;

/// A PDF to send to the browser.
pub struct PdfDownload {
    /// `D-2026-0001.pdf`.
    pub file_name: String,
    /// The document.
    pub bytes: Vec<u8>,
}

/// SHA-256 of everything a preview is rendered from.
fn preview_hash(doc: &document::QuoteDocument) -> String {
    let mut input = serde_json::to_vec(doc).unwrap_or_default();
    input.extend_from_slice(&doc.logo);
    crate::infra::crypto::sha256_bytes_hex(&input)
}

/// The PDF of a quote of the caller's workspace: the signed copy once signed
/// (or, with `sent_copy`, the exact PDF the client was sent and shown).
pub async fn quote_pdf(state: &AppState, scope: &Scope, id: Uuid, sent_copy: bool) -> Result<PdfDownload, AppError> {
    scope.require(Role::can_read_quotes)?;
    let ws = scope.workspace_id.0;
    let q = service::find(&state.db, ws, id).await?;
    let stored = if sent_copy {
        q.pdf_file_id
    } else {
        q.signed_pdf_file_id.or(q.pdf_file_id)
    };
    if let Some(file_id) = stored {
        let file = files::load(&state.db, ws, file_id).await?.ok_or(AppError::NotFound)?;
        return Ok(PdfDownload {
            file_name: file.file_name,
            bytes: file.bytes,
        });
    }
    let draft = draft_of(&q, &lines_of(&state.db, ws, id).await?);
    let settings = profile::load(&state.db, ws).await?;
    let today = time::paris_day(time::now()).format("%Y-%m-%d").to_string();
    let doc = document::build(&settings, &draft, &draft.totals(), None, q.version, &today, None)
        .with_logo(profile::logo(&state.db, &settings).await?);
    // Same document, same bytes: an unchanged draft comes from the cache;
    // only new renders count against the member's preview budget.
    let key = format!("{ws}:{}", preview_hash(&doc));
    let bytes = match state.previews.get(&key) {
        Some(bytes) => bytes.as_ref().clone(),
        None => {
            state
                .limit(format!("preview:{}", scope.user_id.0), rate_limit::PREVIEW_PER_USER)
                .await?;
            let bytes = std::sync::Arc::new(render(state, doc).await?);
            state.previews.put(key, bytes.clone());
            bytes.as_ref().clone()
        }
    };
    Ok(PdfDownload {
        file_name: "projet-de-devis.pdf".into(),
        bytes,
    })
}
