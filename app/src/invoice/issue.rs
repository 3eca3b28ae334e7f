//! Issuing an invoice or credit note, in one write envelope: one winner,
//! the legal check, the gapless number, the Factur-X PDF (stored, its
//! SHA-256 kept), the lock. Sending it by email is a second step.

use super::document::{self, Source};
use super::numbering::{self, Series};
use super::store::{self, draft_of, lines_of};
use super::validate::check_draft;
use super::{FromQuote, InvoiceKind, InvoiceStatus, service, settings};
use crate::audit::{EventAction, EventEntity};
use crate::domain::money::format_eur;
use crate::domain::quote_totals::Deposit;
use crate::domain::{DomainEvent, InvoiceId, Role};
use crate::error::{AppError, FieldErrors};
use crate::infra::entity::{invoice, quote};
use crate::infra::{AppState, Audit, Scope, Write, files, time};
use crate::outbox::EmailKind;
use crate::outbox::service::{self as outbox, NewEmail};
use crate::quote::profile;
use chrono::{Datelike, NaiveDate, TimeDelta};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use serde_json::json;
use uuid::Uuid;

/// Renders on a blocking thread (typst is CPU-bound).
pub async fn render(state: &AppState, doc: document::InvoiceDocument, xml: String) -> Result<Vec<u8>, AppError> {
    let renderer = state.pdf.clone();
    tokio::task::spawn_blocking(move || renderer.render_invoice(&doc, &xml))
        .await
        .map_err(|_| AppError::Internal)?
        .map_err(|error| {
            tracing::error!(%error, "invoice PDF rendering failed");
            AppError::Internal
        })
}

/// The quote an invoice bills: its number and signature day.
pub async fn quote_ref(db: &impl ConnectionTrait, m: &invoice::Model) -> Result<Option<(String, String)>, AppError> {
    let Some(qid) = m.quote_id else { return Ok(None) };
    Ok(quote::Entity::find_by_id(qid)
        .filter(quote::Column::WorkspaceId.eq(m.workspace_id))
        .one(db)
        .await?
        .map(|q| {
            let signed = q
                .signed_at
                .map(|t| time::paris_day(t).format("%Y-%m-%d").to_string())
                .unwrap_or_default();
            (q.number.unwrap_or_default(), signed)
        }))
}

/// The invoice a credit note corrects: number and issue day.
pub async fn corrects_ref(
    db: &impl ConnectionTrait,
    m: &invoice::Model,
) -> Result<Option<(String, NaiveDate)>, AppError> {
    let Some(cid) = m.corrects_id else { return Ok(None) };
    let c = store::find(db, m.workspace_id, cid).await?;
    Ok(Some((c.number.unwrap_or_default(), c.issue_date.unwrap_or_default())))
}

/// The PDF of an invoice as it stands (issued: its issue day; a draft: today).
pub async fn pdf_of(w: &impl ConnectionTrait, state: &AppState, m: &invoice::Model) -> Result<Vec<u8>, AppError> {
    let ws = m.workspace_id;
    let lines = store::lines_input(&lines_of(w, ws, m.id).await?);
    let draft = draft_of(m, &[]);
    let mut full = draft.clone();
    full.lines = lines;
    let totals = full.totals();
    let profile = profile::load(w, ws).await?;
    let s = settings::load(w, ws).await?;
    let source = Source {
        invoice: m,
        lines: &full.lines,
        totals: &totals,
        profile: &profile,
        settings: &s,
        quote: quote_ref(w, m).await?,
        corrects: corrects_ref(w, m).await?,
        issued: m.issue_date.unwrap_or_else(|| time::paris_day(time::now())),
    };
    let xml = facturx::cii::to_xml(&document::facturx(&source));
    let doc = document::build(&source).with_logo(profile::logo(w, &profile).await?);
    render(state, doc, xml).await
}

fn missing_error(missing: Vec<crate::domain::quote_check::Missing>) -> AppError {
    let mut errors = FieldErrors::new();
    for m in missing {
        errors.push(&m.field, m.message);
    }
    AppError::Validation(errors)
}

/// Issues a draft: number, date, PDF, lock. Returns the number.
pub async fn issue(w: &Write, scope: &Scope, id: Uuid) -> Result<String, AppError> {
    issue_at(w, scope, id, None).await
}

/// [`issue`] at a given instant (`None`: now, taken after the number so that
/// numbers follow issuing order). A past instant is for the demo data's
/// history only (numbers stay chronological as long as instants come in order).
pub async fn issue_at(
    w: &Write,
    scope: &Scope,
    id: Uuid,
    at: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<String, AppError> {
    scope.require(Role::can_issue_invoices)?;
    let state = w.state();
    let ws = scope.workspace_id.0;
    store::find(w, ws, id).await?;
    // One winner: a parallel issue of the same draft waits here, then finds
    // it issued (no second number).
    let Some(m) = store::claim(w, ws, id, &[InvoiceStatus::Draft]).await? else {
        return Err(AppError::Conflict("Cette facture est déjà émise.".into()));
    };
    let draft = draft_of(&m, &lines_of(w, ws, id).await?);
    check_draft(&draft).into_result()?;
    // Billing a quote: what was billed on it may have changed since the draft
    // was made (a credit note, another invoice). Plan it again, the quote's
    // row held, and refuse a draft that no longer matches.
    if let (Some(quote_id), true) = (m.quote_id, m.kind != InvoiceKind::CreditNote) {
        let what = match m.kind {
            InvoiceKind::Final => FromQuote::Final,
            InvoiceKind::Progress => {
                // Each line's progress as the draft has it (uniform or per line).
                let rows = lines_of(w, ws, id).await?;
                let quote_lines = crate::quote::store::lines_of(w, ws, quote_id).await?;
                FromQuote::ProgressLines(
                    quote_lines
                        .iter()
                        .map(|ql| {
                            rows.iter()
                                .find(|l| l.quote_line_id == Some(ql.id))
                                .map_or(0, |l| l.progress_bp)
                        })
                        .collect(),
                )
            }
            _ => FromQuote::Deposit(Deposit::Amount(draft.totals().total_ttc)),
        };
        let planned = service::plan(w, ws, quote_id, what, Some(id)).await?;
        let lines: Vec<_> = planned.lines.iter().map(|b| b.line.clone()).collect();
        if m.kind != InvoiceKind::Deposit && lines != draft.lines {
            return Err(AppError::Conflict(
                "Les factures de ce devis ont changé depuis ce brouillon (avoir, autre facture) : supprimez-le et recréez-le."
                    .into(),
            ));
        }
    }
    let totals = draft.totals();
    let profile = profile::load(w, ws).await?;
    let missing = service::missing(&profile, &m, &draft, &totals);
    if !missing.is_empty() {
        return Err(missing_error(missing));
    }
    if totals.total_ttc <= 0 && m.kind == InvoiceKind::CreditNote {
        return Err(AppError::field("lines", "Le montant de l'avoir doit être positif."));
    }
    // The corrected invoice is taken too: two credit notes issued at once
    // cannot cancel more than it billed.
    let corrected = match m.corrects_id {
        Some(cid) => {
            let Some(c) = store::claim(w, ws, cid, InvoiceStatus::ALL).await? else {
                return Err(AppError::NotFound);
            };
            let remaining = c.total_ttc_cents - c.credited_cents;
            // Rate by rate too: a credit note takes back only VAT that was charged.
            let left = service::net_per_rate(w, ws, &c).await?;
            for v in &totals.vat {
                let base = left.iter().find(|(r, _)| *r == v.rate).map(|(_, b)| *b).unwrap_or(0);
                if v.base > base {
                    return Err(AppError::field(
                        "lines",
                        format!(
                            "La facture {} n'a plus que {} HT à TVA {} à annuler.",
                            c.number.clone().unwrap_or_default(),
                            format_eur(base.max(0)),
                            v.rate.label()
                        ),
                    ));
                }
            }
            if totals.total_ttc > remaining {
                return Err(AppError::field(
                    "lines",
                    format!(
                        "L'avoir dépasse ce qui reste de la facture {} : {} au plus.",
                        c.number.clone().unwrap_or_default(),
                        format_eur(remaining)
                    ),
                ));
            }
            Some(c)
        }
        None => None,
    };
    let series = if m.kind == InvoiceKind::CreditNote {
        Series::CreditNote
    } else {
        Series::Invoice
    };
    let year = time::paris_day(at.unwrap_or_else(time::now)).year();
    let number = numbering::take_next(w, ws, series, year).await?;
    // The time, after the number: numbers follow the order of issuing.
    let now = at.unwrap_or_else(time::now);
    let issued = time::paris_day(now);
    if issued.year() != year {
        // Midnight of 31 December passed between the two: the whole issue
        // rolls back (number included) and the user tries again.
        return Err(AppError::Conflict(
            "Changement d'année pendant l'émission : réessayez.".into(),
        ));
    }
    let mut row = m.clone();
    row.number = Some(number.clone());
    row.status = InvoiceStatus::Issued;
    row.issue_date = Some(issued);
    row.supply_date = Some(m.supply_date.unwrap_or(issued));
    row.due_date = Some(issued + TimeDelta::days(m.due_days.max(0) as i64));
    row.holdback_cents = crate::domain::vat::div_round(totals.total_ttc as i128 * m.holdback_bp as i128, 10_000) as i64;
    row.total_ht_cents = totals.total_ht;
    row.total_vat_cents = totals.total_vat;
    row.total_ttc_cents = totals.total_ttc;
    row.issued_at = Some(now);
    row.updated_at = now;
    let pdf = pdf_of(w, state, &row).await?;
    let (pdf_id, sha256) = files::store(w, ws, "invoice_pdf", "application/pdf", &format!("{number}.pdf"), pdf).await?;
    row.pdf_file_id = Some(pdf_id);
    row.pdf_sha256 = Some(sha256.clone());
    let mut active = row.clone().into_active_model();
    for column in [
        invoice::Column::Number,
        invoice::Column::Status,
        invoice::Column::IssueDate,
        invoice::Column::SupplyDate,
        invoice::Column::DueDate,
        invoice::Column::HoldbackCents,
        invoice::Column::TotalHtCents,
        invoice::Column::TotalVatCents,
        invoice::Column::TotalTtcCents,
        invoice::Column::IssuedAt,
        invoice::Column::UpdatedAt,
        invoice::Column::PdfFileId,
        invoice::Column::PdfSha256,
    ] {
        active.reset(column);
    }
    active.update(w).await?;
    super::scheduled::plan(w, &row).await?;
    super::finance::record(w, ws, issued, super::finance::issued(&row)).await?;
    if let Some(c) = corrected {
        let credited = c.credited_cents + totals.total_ttc;
        let mut corrected_row = c.clone().into_active_model();
        corrected_row.credited_cents = Set(credited);
        if credited >= c.total_ttc_cents {
            corrected_row.status = Set(InvoiceStatus::Credited);
        } else if c.paid_cents + c.holdback_cents >= c.total_ttc_cents - credited && c.status.awaits_payment() {
            corrected_row.status = Set(InvoiceStatus::Paid);
        }
        corrected_row.updated_at = Set(now);
        corrected_row.update(w).await?;
        w.audit(
            Audit::of(EventEntity::Invoice, Some(c.id), EventAction::InvoiceCredited)
                .after(json!({ "credit_note": number, "amount": totals.total_ttc, "credited": credited })),
        )
        .await?;
    }
    w.audit(
        Audit::of(EventEntity::Invoice, Some(id), EventAction::InvoiceIssued).after(json!({
            "number": number, "kind": m.kind.as_str(), "total_ttc": totals.total_ttc, "pdf_sha256": sha256,
        })),
    )
    .await?;
    w.emit(DomainEvent::InvoiceIssued {
        invoice: InvoiceId(id),
        number: number.clone(),
        total_ttc: totals.total_ttc,
    })
    .await?;
    Ok(number)
}

/// Emails an issued invoice (or credit note) to its client with the PDF.
pub async fn send(w: &Write, scope: &Scope, id: Uuid) -> Result<(), AppError> {
    scope.require(Role::can_issue_invoices)?;
    let state = w.state();
    let ws = scope.workspace_id.0;
    store::find(w, ws, id).await?;
    // Held until commit: a payment recorded meanwhile waits, and this send
    // never writes back a status older than it.
    let Some(m) = store::claim(
        w,
        ws,
        id,
        &[
            InvoiceStatus::Issued,
            InvoiceStatus::Sent,
            InvoiceStatus::PartiallyPaid,
            InvoiceStatus::Paid,
            InvoiceStatus::Credited,
        ],
    )
    .await?
    else {
        return Err(AppError::Conflict("Émettez la facture avant de l'envoyer.".into()));
    };
    if m.client_email.trim().is_empty() {
        return Err(AppError::field("client.email", "Le client n'a pas d'email."));
    }
    let pdf_id = m.pdf_file_id.ok_or(AppError::Internal)?;
    crate::outbox::sending::authorise(w, state.config.mail_quota, scope, 1).await?;
    let profile = profile::load(w, ws).await?;
    let number = m.number.clone().unwrap_or_default();
    let content = super::emails::invoice_sent(&super::emails::InvoiceMail {
        client: &m.client_name,
        company: &profile.legal_name,
        number: &number,
        credit_note: m.kind == InvoiceKind::CreditNote,
        total: &format!("{} TTC", format_eur(m.total_ttc_cents)),
        due: &m.due_date.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default(),
        portal: &super::emails::portal_link(w, state, &m).await?,
    });
    outbox::enqueue(
        w,
        NewEmail {
            workspace_id: Some(ws),
            to: m.client_email.trim().to_lowercase(),
            to_user_id: None,
            kind: EmailKind::InvoiceSent,
            content,
            contains_secret: true,
            attachment: Some(pdf_id),
        },
    )
    .await?;
    let now = time::now();
    let mut row = m.clone().into_active_model();
    row.sent_at = Set(Some(now));
    if m.status == InvoiceStatus::Issued {
        row.status = Set(InvoiceStatus::Sent);
    }
    row.updated_at = Set(now);
    row.update(w).await?;
    w.audit(
        Audit::of(EventEntity::Invoice, Some(id), EventAction::InvoiceSent)
            .after(json!({ "number": number, "to": m.client_email })),
    )
    .await?;
    Ok(())
}
