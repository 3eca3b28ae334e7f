//! Reminders of unpaid invoices, run by the job worker at the days the
//! settings give around the due date (default 3 days before, 7 and 30 days
//! after). Each job checks the invoice again when it runs: paid, credited,
//! or reminders stopped on the invoice or the workspace, it does nothing.

use super::{InvoiceKind, InvoiceStatus, emails, settings, store};
use crate::audit::{EventAction, EventEntity};
use crate::domain::WorkspaceId;
use crate::domain::money::format_eur;
use crate::error::AppError;
use crate::infra::entity::invoice;
use crate::infra::queue::QueuePayload;
use crate::infra::{AppState, Audit, Write, time};
use crate::outbox::EmailKind;
use crate::outbox::service::{self as outbox, NewEmail};
use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};
use serde_json::json;
use uuid::Uuid;

/// 9:00 (Paris) `days` after (or before) `due`.
pub fn reminder_instant(due: NaiveDate, days: i64) -> DateTime<Utc> {
    let day = due + TimeDelta::days(days);
    Paris
        .with_ymd_and_hms(day.year(), day.month(), day.day(), 9, 0, 0)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| day.and_hms_opt(8, 0, 0).unwrap_or_default().and_utc())
}

/// Queues the reminders of a freshly issued invoice (in the issuing transaction).
pub async fn plan(w: &Write, m: &invoice::Model) -> Result<(), AppError> {
    if m.kind == InvoiceKind::CreditNote || !m.reminders_enabled {
        return Ok(());
    }
    let s = settings::load(w, m.workspace_id).await?;
    let Some(due) = m.due_date.filter(|_| s.reminders_enabled) else {
        return Ok(());
    };
    let now = time::now();
    for days in settings::parse_reminder_days(&s.reminder_days).unwrap_or_default() {
        let at = reminder_instant(due, days);
        if at > now {
            w.enqueue(&QueuePayload::InvoiceReminder { invoice_id: m.id, days }, at)
                .await?;
        }
    }
    Ok(())
}

/// Sends the reminder `days` around the due date if the invoice is still owed.
pub async fn remind(state: &AppState, invoice_id: Uuid, days: i64) -> Result<(), AppError> {
    let w = Write::system(state, "Relances des impayés", None).await?;
    let Some(found) = invoice::Entity::find_by_id(invoice_id).one(&w).await? else {
        return Ok(());
    };
    let Some(m) = store::claim(
        &w,
        found.workspace_id,
        invoice_id,
        &[InvoiceStatus::Issued, InvoiceStatus::Sent, InvoiceStatus::PartiallyPaid],
    )
    .await?
    else {
        return Ok(());
    };
    let ws = m.workspace_id;
    w.act_in(WorkspaceId(ws));
    let s = settings::load(&w, ws).await?;
    let owed = super::service::balance(&m);
    if !m.reminders_enabled || !s.reminders_enabled || owed <= 0 || m.client_email.is_empty() {
        return Ok(());
    }
    match crate::outbox::sending::authorise_workspace(&w, state.config.mail_quota, ws, 1).await {
        Ok(()) => {}
        Err(AppError::Quota(_) | AppError::Conflict(_)) => {
            drop(w);
            let retry = Write::system(state, "Relances des impayés", Some(WorkspaceId(ws))).await?;
            retry
                .enqueue(
                    &QueuePayload::InvoiceReminder { invoice_id, days },
                    time::now() + TimeDelta::hours(1),
                )
                .await?;
            retry.commit().await?;
            return Ok(());
        }
        Err(other) => return Err(other),
    }
    let profile = crate::quote::profile::load(&w, ws).await?;
    let number = m.number.clone().unwrap_or_default();
    let due = m.due_date.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default();
    let portal = emails::portal_link(&w, state, &m).await?;
    let content = emails::reminder(
        &emails::InvoiceMail {
            client: &m.client_name,
            company: &profile.legal_name,
            number: &number,
            credit_note: false,
            total: &format!("{} TTC", format_eur(m.total_ttc_cents)),
            due: &due,
            portal: &portal,
        },
        &format_eur(owed),
        days,
    );
    outbox::enqueue(
        &w,
        NewEmail {
            workspace_id: Some(ws),
            to: m.client_email.clone(),
            to_user_id: None,
            kind: EmailKind::InvoiceReminder,
            content,
            contains_secret: !portal.is_empty(),
            attachment: m.pdf_file_id,
        },
    )
    .await?;
    let sent = m.reminders_sent + 1;
    let mut row = m.clone().into_active_model();
    row.reminders_sent = Set(sent);
    row.update(&w).await?;
    w.audit(
        Audit::of(EventEntity::Invoice, Some(invoice_id), EventAction::InvoiceReminded)
            .after(json!({ "number": number, "days": days, "owed": owed, "reminder": sent })),
    )
    .await?;
    w.commit().await?;
    Ok(())
}
