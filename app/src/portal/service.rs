//! Reading a quote through its portal link. The token is the only key: it is
//! hashed and looked up, must not be expired or revoked, and opening is
//! rate-limited per client IP and recorded.

use super::{PortalQuote, SignatureView, Verification};
use crate::audit::{EventAction, EventEntity};
use crate::domain::money::format_eur;
use crate::domain::{DomainEvent, QuoteId, Role, WorkspaceId};
use crate::error::AppError;
use crate::infra::crypto::{sha256_bytes_hex, sha256_hex};
use crate::infra::entity::{portal_token, quote, quote_signature};
use crate::infra::events::Actor;
use crate::infra::rate_limit::TOKEN_PER_IP;
use crate::infra::request::RequestMeta;
use crate::infra::{AppState, Audit, Scope, Write, files, time};
use crate::quote::download::PdfDownload;
use crate::quote::send::expiry_instant;
use crate::quote::store::draft_of;
use crate::quote::store::lines_of;
use crate::quote::{QuoteStatus, profile, service};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use serde_json::json;

/// A valid link and the quote it opens.
pub struct Opened {
    /// The token row.
    pub token: portal_token::Model,
    /// The quote.
    pub quote: quote::Model,
}

/// Counts one portal request of this client against its limit (before any
/// transaction: the counter is a write of its own).
pub async fn limit_client(state: &AppState, meta: &RequestMeta) -> Result<(), AppError> {
    state.limit(format!("portal:{}", meta.limit_key()), TOKEN_PER_IP).await
}

/// Resolves the token to its quote.
pub async fn open(db: &impl ConnectionTrait, token: &str) -> Result<Opened, AppError> {
    if token.len() < 32 || token.len() > 64 {
        return Err(AppError::NotFound);
    }
    let row = portal_token::Entity::find()
        .filter(portal_token::Column::TokenHash.eq(sha256_hex(token)))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if row.revoked_at.is_some() || row.expires_at <= time::now() {
        return Err(AppError::NotFound);
    }
    let quote = service::find(db, row.workspace_id, row.quote_id).await?;
    Ok(Opened { token: row, quote })
}

/// The client actor of the audit trail.
pub fn client_actor(q: &quote::Model, meta: &RequestMeta) -> Actor {
    Actor {
        user_id: None,
        label: format!("Client : {}", q.client_name),
        meta: meta.clone(),
    }
}

/// Resolves the token in the envelope, which then acts for the quote's
/// client, in its workspace.
pub async fn open_for_client(w: &Write, token: &str) -> Result<Opened, AppError> {
    let opened = open(w, token).await?;
    w.act_as(client_actor(&opened.quote, &w.actor().meta));
    w.act_in(WorkspaceId(opened.quote.workspace_id));
    Ok(opened)
}

/// Opens the quote: records the opening (first one: status "viewed"),
/// acting for the client.
pub async fn view(w: &Write, token: &str) -> Result<PortalQuote, AppError> {
    let Opened { token: t, quote: q } = open_for_client(w, token).await?;
    let now = time::now();
    let mut row = t.clone().into_active_model();
    row.open_count = Set(t.open_count + 1);
    row.last_opened_at = Set(Some(now));
    row.update(w).await?;
    // Sent → viewed only if still sent (a signature may have landed meanwhile).
    let claimed = if q.status == QuoteStatus::Sent {
        crate::quote::store::claim(w, q.workspace_id, q.id, &[QuoteStatus::Sent]).await?
    } else {
        None
    };
    let q = if let Some(q) = claimed {
        let mut updated = q.clone().into_active_model();
        updated.status = Set(QuoteStatus::Viewed);
        updated.viewed_at = Set(Some(now));
        let q = updated.update(w).await?;
        w.audit(
            Audit::of(EventEntity::Quote, Some(q.id), EventAction::QuoteViewed).after(json!({ "number": q.number })),
        )
        .await?;
        w.emit(DomainEvent::QuoteViewed { quote: QuoteId(q.id) }).await?;
        q
    } else {
        q
    };
    let opened = Opened { token: t, quote: q };
    let mut view = portal_view(w, &opened.quote).await?;
    view.documents = documents(w, &opened, token).await?;
    view.jobs = crate::jobs::portal::of_client(w, opened.token.workspace_id, opened.token.contact_id, token).await?;
    Ok(view)
}

/// Why a quote can no longer be signed, if it cannot.
pub async fn closed_reason(db: &impl ConnectionTrait, q: &quote::Model) -> Result<Option<String>, AppError> {
    let reason = match q.status {
        QuoteStatus::Signed => Some("Ce devis est signé."),
        QuoteStatus::Declined => Some("Ce devis a été refusé."),
        QuoteStatus::Expired => Some("Ce devis a expiré : demandez une nouvelle proposition."),
        QuoteStatus::Draft => Some("Ce devis n'est pas encore envoyé."),
        QuoteStatus::Sent | QuoteStatus::Viewed => None,
    };
    if reason.is_some() {
        return Ok(reason.map(str::to_string));
    }
    if q.valid_until.is_some_and(|v| time::now() >= expiry_instant(v)) {
        return Ok(Some("Ce devis a expiré : demandez une nouvelle proposition.".into()));
    }
    let replaced = quote::Entity::find()
        .filter(quote::Column::WorkspaceId.eq(q.workspace_id))
        .filter(quote::Column::SupersedesId.eq(q.id))
        .filter(quote::Column::Status.ne(QuoteStatus::Draft))
        .one(db)
        .await?;
    if replaced.is_some() {
        return Ok(Some("Une nouvelle version de ce devis vous a été envoyée.".into()));
    }
    if let Some(deal_id) = q.deal_id {
        let deal = crate::infra::entity::deal::Entity::find_by_id(deal_id).one(db).await?;
        if deal.is_some_and(|d| d.closed_at.is_some() && d.lost_reason.is_some()) {
            return Ok(Some("Ce devis n'est plus disponible.".into()));
        }
    }
    Ok(None)
}

/// The page's data for a quote.
pub async fn portal_view(db: &impl ConnectionTrait, q: &quote::Model) -> Result<PortalQuote, AppError> {
    let ws = q.workspace_id;
    let settings = profile::load(db, ws).await?;
    let draft = draft_of(q, &lines_of(db, ws, q.id).await?);
    let doc_lines = crate::quote::document::build(
        &settings,
        &draft,
        &draft.totals(),
        q.number.as_deref(),
        q.version,
        "",
        None,
    );
    let closed = closed_reason(db, q).await?;
    let signature = quote_signature::Entity::find()
        .filter(quote_signature::Column::WorkspaceId.eq(ws))
        .filter(quote_signature::Column::QuoteId.eq(q.id))
        .one(db)
        .await?
        .map(|s| SignatureView {
            signer: s.signer_name,
            signed_at: time::display(s.signed_at),
            pdf_sha256: s.pdf_sha256,
        });
    Ok(PortalQuote {
        number: q.number.clone().unwrap_or_default(),
        version: q.version,
        status: q.status,
        title: q.title.clone(),
        company: settings.legal_name.clone(),
        company_lines: doc_lines.seller.into_iter().skip(1).collect(),
        insurance: doc_lines.insurance,
        client_name: q.client_name.clone(),
        client_email: q.client_email.clone(),
        site: doc_lines.site,
        totals: draft.totals(),
        lines: draft.lines,
        deposit: draft.deposit,
        quote_price: if q.free_quote {
            "Devis gratuit".into()
        } else {
            format!("Devis payant : {} TTC", format_eur(q.quote_fee_cents))
        },
        sent_on: q
            .sent_at
            .map(|t| time::paris_day(t).format("%d/%m/%Y").to_string())
            .unwrap_or_default(),
        valid_until: q
            .valid_until
            .map(|d| d.format("%d/%m/%Y").to_string())
            .unwrap_or_default(),
        payment_terms: q.payment_terms.clone(),
        notes: q.notes.clone(),
        conditions: settings.conditions_text.clone(),
        can_sign: closed.is_none(),
        can_decline: closed.is_none() && settings.allow_decline,
        closed_reason: closed.unwrap_or_default(),
        signature,
        decline_reason: q.decline_reason.clone(),
        documents: Vec::new(),
        jobs: Vec::new(),
    })
}

/// The quotes and invoices of the link's client (sent or issued ones), newest first.
pub async fn documents(
    db: &impl ConnectionTrait,
    opened: &Opened,
    token: &str,
) -> Result<Vec<super::PortalDocument>, AppError> {
    use crate::infra::entity::invoice;
    use crate::invoice::{InvoiceKind, InvoiceStatus};
    use sea_orm::QueryOrder;
    let ws = opened.token.workspace_id;
    let contact = opened.token.contact_id;
    let today = time::paris_day(time::now());
    let mut out = Vec::new();
    let invoices = invoice::Entity::find()
        .filter(invoice::Column::WorkspaceId.eq(ws))
        .filter(invoice::Column::ContactId.eq(contact))
        .filter(invoice::Column::Status.ne(InvoiceStatus::Draft))
        .order_by_desc(invoice::Column::IssuedAt)
        .all(db)
        .await?;
    for i in invoices {
        let credit = i.kind == InvoiceKind::CreditNote;
        out.push(super::PortalDocument {
            kind: if i.kind == InvoiceKind::Standalone {
                "Facture".into()
            } else {
                i.kind.label().into()
            },
            number: i.number.clone().unwrap_or_default(),
            status: crate::invoice::document::shown_status(&i, today).label().into(),
            date: i
                .issue_date
                .map(|d| d.format("%d/%m/%Y").to_string())
                .unwrap_or_default(),
            total_ttc: if credit { -i.total_ttc_cents } else { i.total_ttc_cents },
            balance: crate::invoice::service::balance(&i),
            pdf: format!("/portal/{token}/documents/{}/pdf", i.id),
        });
    }
    let quotes = quote::Entity::find()
        .filter(quote::Column::WorkspaceId.eq(ws))
        .filter(quote::Column::ContactId.eq(contact))
        .filter(quote::Column::Status.ne(QuoteStatus::Draft))
        .order_by_desc(quote::Column::SentAt)
        .all(db)
        .await?;
    for q in quotes {
        out.push(super::PortalDocument {
            kind: "Devis".into(),
            number: q.number.clone().unwrap_or_default(),
            status: q.status.label().into(),
            date: q
                .sent_at
                .map(|t| time::paris_day(t).format("%d/%m/%Y").to_string())
                .unwrap_or_default(),
            total_ttc: q.total_ttc_cents,
            balance: 0,
            pdf: format!("/portal/{token}/documents/{}/pdf", q.id),
        });
    }
    Ok(out)
}

/// A PDF of the link's client: one of their quotes or issued invoices.
pub async fn document_pdf(
    state: &AppState,
    token: &str,
    id: uuid::Uuid,
    meta: &RequestMeta,
) -> Result<PdfDownload, AppError> {
    use crate::infra::entity::invoice;
    limit_client(state, meta).await?;
    let opened = open(&state.db, token).await?;
    let ws = opened.token.workspace_id;
    let contact = opened.token.contact_id;
    let invoice_file = invoice::Entity::find_by_id(id)
        .filter(invoice::Column::WorkspaceId.eq(ws))
        .filter(invoice::Column::ContactId.eq(contact))
        .filter(invoice::Column::Status.ne(crate::invoice::InvoiceStatus::Draft))
        .one(&state.db)
        .await?
        .and_then(|i| i.pdf_file_id);
    let file_id = match invoice_file {
        Some(f) => f,
        None => quote::Entity::find_by_id(id)
            .filter(quote::Column::WorkspaceId.eq(ws))
            .filter(quote::Column::ContactId.eq(contact))
            .filter(quote::Column::Status.ne(QuoteStatus::Draft))
            .one(&state.db)
            .await?
            .and_then(|q| q.signed_pdf_file_id.or(q.pdf_file_id))
            .ok_or(AppError::NotFound)?,
    };
    let file = files::load(&state.db, ws, file_id).await?.ok_or(AppError::NotFound)?;
    Ok(PdfDownload {
        file_name: file.file_name,
        bytes: file.bytes,
    })
}

/// The report of one of the link's client's jobs, once it is done.
pub async fn job_report(
    state: &AppState,
    token: &str,
    id: uuid::Uuid,
    meta: &RequestMeta,
) -> Result<PdfDownload, AppError> {
    limit_client(state, meta).await?;
    let opened = open(&state.db, token).await?;
    crate::jobs::portal::report(state, opened.token.workspace_id, opened.token.contact_id, id).await
}

/// The PDF behind a portal link: the signed copy once signed, else the one sent.
pub async fn pdf(state: &AppState, token: &str, meta: &RequestMeta) -> Result<PdfDownload, AppError> {
    limit_client(state, meta).await?;
    let Opened { quote: q, .. } = open(&state.db, token).await?;
    let file_id = q.signed_pdf_file_id.or(q.pdf_file_id).ok_or(AppError::NotFound)?;
    let file = files::load(&state.db, q.workspace_id, file_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(PdfDownload {
        file_name: file.file_name,
        bytes: file.bytes,
    })
}

/// Recomputes the SHA-256 of the PDF the client was shown and compares it
/// with the signature record (signed-in members of the workspace).
pub async fn verify(db: &impl ConnectionTrait, scope: &Scope, quote_id: uuid::Uuid) -> Result<Verification, AppError> {
    scope.require(Role::can_read_quotes)?;
    let ws = scope.workspace_id.0;
    let q = service::find(db, ws, quote_id).await?;
    let signature = quote_signature::Entity::find()
        .filter(quote_signature::Column::WorkspaceId.eq(ws))
        .filter(quote_signature::Column::QuoteId.eq(q.id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let file = files::load(db, ws, q.pdf_file_id.ok_or(AppError::NotFound)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let recomputed = sha256_bytes_hex(&file.bytes);
    Ok(Verification {
        number: q.number.unwrap_or_default(),
        matches: recomputed == signature.pdf_sha256,
        recorded_sha256: signature.pdf_sha256,
        recomputed_sha256: recomputed,
        signer: signature.signer_name,
        signed_at: time::display(signature.signed_at),
    })
}

/// A shared photo of one of the link's client's jobs.
pub async fn job_photo(
    state: &AppState,
    token: &str,
    id: uuid::Uuid,
    thumb: bool,
    meta: &RequestMeta,
) -> Result<Vec<u8>, AppError> {
    // Its own budget: a gallery of thumbnails must not spend the page's.
    state
        .limit(
            format!("portal-photo:{}", meta.limit_key()),
            crate::infra::rate_limit::PORTAL_PHOTO_PER_IP,
        )
        .await?;
    let opened = open(&state.db, token).await?;
    crate::jobs::portal::photo(state, opened.token.workspace_id, opened.token.contact_id, id, thumb).await
}
