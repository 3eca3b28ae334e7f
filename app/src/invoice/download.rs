//! The PDF of an invoice: the stored Factur-X of an issued one (the exact
//! bytes issued), a preview of a draft rendered on demand.

use super::store;
use super::{InvoiceStatus, issue};
use crate::domain::Role;
use crate::error::AppError;
use crate::infra::{AppState, Scope, files, rate_limit};
use crate::quote::download::PdfDownload;
use uuid::Uuid;

/// The PDF of an invoice of the caller's workspace.
pub async fn invoice_pdf(state: &AppState, scope: &Scope, id: Uuid) -> Result<PdfDownload, AppError> {
    scope.require(Role::can_read_invoices)?;
    let ws = scope.workspace_id.0;
    let m = store::find(&state.db, ws, id).await?;
    if let Some(file_id) = m.pdf_file_id.filter(|_| m.status != InvoiceStatus::Draft) {
        let file = files::load(&state.db, ws, file_id).await?.ok_or(AppError::NotFound)?;
        return Ok(PdfDownload {
            file_name: file.file_name,
            bytes: file.bytes,
        });
    }
    state
        .limit(format!("preview:{}", scope.user_id.0), rate_limit::PREVIEW_PER_USER)
        .await?;
    Ok(PdfDownload {
        file_name: "projet-de-facture.pdf".into(),
        bytes: issue::pdf_of(&state.db, state, &m).await?,
    })
}
