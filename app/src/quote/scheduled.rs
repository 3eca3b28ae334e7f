//! Scheduled work on quotes, run by the job worker: reminders while unsigned,
//! expiry after the validity date. Each checks the quote again when it runs,
//! so a signed, declined or withdrawn quote is left alone.

use super::send::expiry_instant;
use super::{QuoteStatus, emails, profile, tokens};
use crate::audit::{EventAction, EventEntity};
use crate::domain::money::format_eur;
use crate::domain::{DomainEvent, QuoteId, WorkspaceId};
use crate::error::AppError;
use crate::infra::entity::quote;
use crate::infra::{AppState, Audit, Write, time};
use crate::outbox::EmailKind;
use crate::outbox::service::{self as outbox, NewEmail};
use chrono::TimeDelta;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};
use serde_json::json;
use uuid::Uuid;

/// The quote, taken for a transition if it still waits for the client (a
/// signature or refusal landing at the same moment wins or waits).
async fn awaiting(txn: &sea_orm::DatabaseTransaction, quote_id: Uuid) -> Result<Option<quote::Model>, AppError> {
    let Some(q) = quote::Entity::find_by_id(quote_id).one(txn).await? else {
        return Ok(None);
    };
    super::store::claim(txn, q.workspace_id, quote_id, &[QuoteStatus::Sent, QuoteStatus::Viewed]).await
}

/// Sends a reminder if the quote still waits for the client.
pub async fn remind(state: &AppState, quote_id: Uuid) -> Result<(), AppError> {
    let w = Write::system(state, "Relances automatiques", None).await?;
    let Some(q) = awaiting(&w, quote_id).await? else {
        return Ok(());
    };
    w.act_in(WorkspaceId(q.workspace_id));
    let (Some(number), Some(contact_id), Some(valid_until)) = (q.number.clone(), q.contact_id, q.valid_until) else {
        return Ok(());
    };
    if !q.status.awaits_client() || !q.reminders_enabled || time::now() >= expiry_instant(valid_until) {
        return Ok(());
    }
    let ws = q.workspace_id;
    let settings = profile::load(&w, ws).await?;
    if !settings.reminders_enabled {
        return Ok(());
    }
    // Reminders obey the workspace's sending rules too: past the quota (or
    // with no proven owner left) the reminder waits an hour and tries again.
    match crate::outbox::sending::authorise_workspace(&w, state.config.mail_quota, ws, 1).await {
        Ok(()) => {}
        Err(AppError::Quota(_) | AppError::Conflict(_)) => {
            drop(w);
            let later = time::now() + TimeDelta::hours(1);
            let retry = Write::system(state, "Relances automatiques", Some(WorkspaceId(ws))).await?;
            retry
                .enqueue(&crate::infra::queue::QueuePayload::QuoteReminder { quote_id }, later)
                .await?;
            retry.commit().await?;
            return Ok(());
        }
        Err(other) => return Err(other),
    }
    let expires = expiry_instant(valid_until) + TimeDelta::days(super::send::LINK_GRACE_DAYS);
    let token = tokens::issue(&w, ws, q.id, contact_id, expires).await?;
    let link = tokens::link(&state.config.base_url, &token);
    let total = format!("{} TTC", format_eur(q.total_ttc_cents));
    let valid_fr = valid_until.format("%d/%m/%Y").to_string();
    let mail = emails::QuoteMail {
        client: &q.client_name,
        company: &settings.legal_name,
        number: &number,
        title: &q.title,
        total: &total,
        valid_until: &valid_fr,
        link: &link,
    };
    outbox::enqueue(
        &w,
        NewEmail {
            workspace_id: Some(ws),
            to: q.client_email.clone(),
            to_user_id: None,
            kind: EmailKind::QuoteReminder,
            content: emails::reminder(&mail),
            contains_secret: true,
            attachment: None,
        },
    )
    .await?;
    let sent = q.reminders_sent + 1;
    let mut row = q.into_active_model();
    row.reminders_sent = Set(sent);
    row.update(&w).await?;
    w.audit(
        Audit::of(EventEntity::Quote, Some(quote_id), EventAction::QuoteReminded)
            .after(json!({ "number": number, "reminder": sent })),
    )
    .await?;
    w.commit().await?;
    Ok(())
}

/// Expires the quote if it still waits for the client past its validity.
pub async fn expire(state: &AppState, quote_id: Uuid) -> Result<(), AppError> {
    let w = Write::system(state, "Expiration des devis", None).await?;
    let Some(q) = awaiting(&w, quote_id).await? else {
        return Ok(());
    };
    w.act_in(WorkspaceId(q.workspace_id));
    let Some(valid_until) = q.valid_until else {
        return Ok(());
    };
    let now = time::now();
    if !q.status.awaits_client() || now < expiry_instant(valid_until) {
        return Ok(());
    }
    let number = q.number.clone();
    let mut row = q.into_active_model();
    row.status = Set(QuoteStatus::Expired);
    row.expired_at = Set(Some(now));
    row.updated_at = Set(now);
    row.update(&w).await?;
    w.audit(
        Audit::of(EventEntity::Quote, Some(quote_id), EventAction::QuoteExpired)
            .after(json!({ "number": number, "valid_until": valid_until.to_string() })),
    )
    .await?;
    w.emit(DomainEvent::QuoteExpired {
        quote: QuoteId(quote_id),
    })
    .await?;
    w.commit().await?;
    Ok(())
}
