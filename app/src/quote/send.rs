//! Sending a quote, in one write envelope: legal check, client contact, number,
//! PDF (its SHA-256 kept as the reference of what the client is shown),
//! portal link, email with the PDF, reminders and expiry, the pipeline rule.
//! Any failure rolls everything back, the number included.

use super::document::{self, QuoteDocument};
use super::store::{draft_of, lines_of};
use super::validate::check_draft;
use super::{QuoteDraft, QuoteStatus, emails, numbering, profile, service, tokens};
use crate::audit::{EventAction, EventEntity};
use crate::domain::money::format_eur;
use crate::domain::{DealId, DomainEvent, QuoteId, Role};
use crate::error::{AppError, FieldErrors};
use crate::infra::entity::{contact, quote};
use crate::infra::queue::QueuePayload;
use crate::infra::{AppState, Audit, Scope, Write, files, time};
use crate::outbox::EmailKind;
use crate::outbox::service::{self as outbox, NewEmail};
use crate::pipeline::BoardChange;
use crate::pipeline::rules::{self, Placement};
use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};
use serde_json::json;
use uuid::Uuid;

/// Days a portal link outlives the quote's validity (to read a signed copy).
pub const LINK_GRACE_DAYS: i64 = 90;

/// Renders a document on a blocking thread (typst is CPU-bound).
pub async fn render(state: &AppState, doc: QuoteDocument) -> Result<Vec<u8>, AppError> {
    let renderer = state.pdf.clone();
    tokio::task::spawn_blocking(move || renderer.render_quote(&doc))
        .await
        .map_err(|_| AppError::Internal)?
        .map_err(|error| {
            tracing::error!(%error, "quote PDF rendering failed");
            AppError::Internal
        })
}

/// Midnight (Paris) after the last day of validity.
pub fn expiry_instant(valid_until: NaiveDate) -> DateTime<Utc> {
    let next = valid_until + TimeDelta::days(1);
    Paris
        .with_ymd_and_hms(next.year(), next.month(), next.day(), 0, 0, 0)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| next.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
}

async fn client_contact(
    w: &Write,
    scope: &Scope,
    draft: &QuoteDraft,
    q: &quote::Model,
) -> Result<contact::Model, AppError> {
    let ws = scope.workspace_id.0;
    if let Some(id) = draft.client.contact_id {
        return contact::Entity::find_by_id(id.0)
            .filter(contact::Column::WorkspaceId.eq(ws))
            .one(w)
            .await?
            .ok_or(AppError::NotFound);
    }
    let c = &draft.client;
    let some = |v: &str| (!v.trim().is_empty()).then(|| v.trim().to_string());
    let lead_id = match q.deal_id {
        Some(deal) => crate::infra::entity::deal::Entity::find_by_id(deal)
            .filter(crate::infra::entity::deal::Column::WorkspaceId.eq(ws))
            .one(w)
            .await?
            .map(|d| d.lead_id),
        None => None,
    };
    let now = time::now();
    let row = contact::Model {
        id: Uuid::now_v7(),
        workspace_id: ws,
        name: c.name.trim().to_string(),
        company: some(&c.company),
        email: some(&c.email.to_lowercase()),
        phone: some(&c.phone),
        address: some(&c.address),
        postcode: some(&c.postcode),
        city: some(&c.city),
        lead_id,
        portal_invited_at: None,
        created_at: now,
        updated_at: now,
    };
    contact::Entity::insert(row.clone().into_active_model().reset_all())
        .exec_without_returning(w)
        .await?;
    w.audit(
        Audit::of(EventEntity::Contact, Some(row.id), EventAction::ContactCreated)
            .after(json!({ "name": row.name, "email": row.email })),
    )
    .await?;
    Ok(row)
}

fn missing_error(missing: Vec<crate::domain::quote_check::Missing>) -> AppError {
    let mut errors = FieldErrors::new();
    for m in missing {
        errors.push(&m.field, m.message);
    }
    AppError::Validation(errors)
}

/// Sends a draft. Returns the board change of its deal, if it has one.
pub async fn send(w: &Write, scope: &Scope, id: Uuid) -> Result<Option<BoardChange>, AppError> {
    scope.require(Role::can_write_quotes)?;
    let state = w.state();
    let ws = scope.workspace_id.0;
    service::find(w, ws, id).await?;
    // One winner: a parallel send of the same draft waits here, then finds it
    // sent (no second number, email or portal link).
    let Some(q) = super::store::claim(w, ws, id, &[QuoteStatus::Draft]).await? else {
        return Err(AppError::Conflict("Ce devis a déjà été envoyé.".into()));
    };
    // A new version replaces the previous one for the client: take that one
    // too, so that a signature landing on it at the same moment either comes
    // first (and this send is refused) or finds it replaced.
    if let Some(previous) = q.supersedes_id {
        let previous = super::store::claim(w, ws, previous, &QuoteStatus::ALL).await?;
        if previous.is_some_and(|p| p.status == QuoteStatus::Signed) {
            return Err(AppError::Conflict(
                "Le client vient de signer la version précédente : cette nouvelle version ne peut plus être envoyée."
                    .into(),
            ));
        }
    }
    let draft = draft_of(&q, &lines_of(w, ws, id).await?);
    check_draft(&draft).into_result()?;
    let settings = profile::load(w, ws).await?;
    let today = time::paris_day(time::now());
    let missing = service::missing(&settings, &draft, &today.format("%Y-%m-%d").to_string());
    if !missing.is_empty() {
        return Err(missing_error(missing));
    }
    let client = client_contact(w, scope, &draft, &q).await?;
    let first_time = client.portal_invited_at.is_none();

    // The number, then the time: numbers follow the order of sending.
    let number = numbering::take_next(w, ws, today.year()).await?;
    // After the numbering lock, so that one workspace's sends count in turn.
    crate::outbox::sending::authorise(w, state.config.mail_quota, scope, 1).await?;
    let now = time::now();
    let date = time::paris_day(now).format("%Y-%m-%d").to_string();
    let totals = draft.totals();
    let doc = document::build(&settings, &draft, &totals, Some(&number), q.version, &date, None)
        .with_logo(profile::logo(w, &settings).await?);
    let pdf = render(state, doc).await?;
    let (pdf_id, sha256) = files::store(w, ws, "quote_pdf", "application/pdf", &format!("{number}.pdf"), pdf).await?;
    let valid_until = NaiveDate::parse_from_str(&draft.valid_until, "%Y-%m-%d").map_err(|_| AppError::Internal)?;

    let mut row = q.clone().into_active_model();
    row.number = Set(Some(number.clone()));
    row.status = Set(QuoteStatus::Sent);
    row.sent_at = Set(Some(now));
    row.contact_id = Set(Some(client.id));
    row.pdf_file_id = Set(Some(pdf_id));
    row.pdf_sha256 = Set(Some(sha256.clone()));
    row.updated_at = Set(now);
    row.update(w).await?;

    let expires = expiry_instant(valid_until) + TimeDelta::days(LINK_GRACE_DAYS);
    let token = tokens::issue(w, ws, id, client.id, expires).await?;
    let link = tokens::link(&state.config.base_url, &token);
    let total = format!("{} TTC", format_eur(totals.total_ttc));
    let valid_fr = valid_until.format("%d/%m/%Y").to_string();
    let mail = emails::QuoteMail {
        client: &draft.client.name,
        company: &settings.legal_name,
        number: &number,
        title: &draft.title,
        total: &total,
        valid_until: &valid_fr,
        link: &link,
    };
    outbox::enqueue(
        w,
        NewEmail {
            workspace_id: Some(ws),
            to: draft.client.email.trim().to_lowercase(),
            to_user_id: None,
            kind: EmailKind::QuoteSent,
            content: emails::sent(&mail, first_time),
            contains_secret: true,
            attachment: Some(pdf_id),
        },
    )
    .await?;
    if first_time {
        let mut c = client.clone().into_active_model();
        c.portal_invited_at = Set(Some(now));
        c.update(w).await?;
    }
    if draft.reminders_enabled && settings.reminders_enabled {
        for days in profile::parse_reminder_days(&settings.reminder_days).unwrap_or_default() {
            let at = now + TimeDelta::days(days);
            if at < expiry_instant(valid_until) {
                w.enqueue(&QueuePayload::QuoteReminder { quote_id: id }, at).await?;
            }
        }
    }
    w.enqueue(&QueuePayload::ExpireQuote { quote_id: id }, expiry_instant(valid_until))
        .await?;
    w.audit(
        Audit::of(EventEntity::Quote, Some(id), EventAction::QuoteSent).after(json!({
            "number": number, "total_ttc": totals.total_ttc, "pdf_sha256": sha256, "to": draft.client.email,
        })),
    )
    .await?;
    let change = match q.deal_id {
        Some(deal) => {
            let ctx = rules::context(w, scope.workspace_id).await?;
            Some(
                rules::apply(
                    w,
                    &ctx,
                    DealId(deal),
                    crate::domain::deal_rules::Trigger::QuoteSent,
                    Placement::Auto,
                )
                .await?,
            )
        }
        None => None,
    };
    w.emit(DomainEvent::QuoteSent {
        quote: QuoteId(id),
        number,
    })
    .await?;
    Ok(change)
}
