//! The client is told when their job ends (« chantier terminé », or for a
//! workshop « prêt à être retiré »), with a fresh link to their portal,
//! where the job, its steps and the shared photos are. Queued in the
//! transaction that closes the job; counted in the workspace's mail quota
//! (a spent quota or an unproven owner leaves the job closed and the mail
//! unsent, said in the log and the audit trail).

use crate::audit::{EventAction, EventEntity};
use crate::domain::TradePack;
use crate::error::AppError;
use crate::infra::entity::{job, quote, workspace};
use crate::infra::{Audit, Write, time};
use crate::outbox::service::{NewEmail, enqueue};
use crate::outbox::templates::{Rendered, layout};
use crate::outbox::{EmailKind, sending};
use crate::quote::QuoteStatus;
use chrono::TimeDelta;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

/// Days the link in the message stays valid.
const LINK_DAYS: i64 = 180;

/// Queues the message to the client of a job that just ended, when it came
/// from a signed quote with an address.
pub async fn job_done(w: &Write, job: &job::Model) -> Result<(), AppError> {
    let ws = job.workspace_id;
    let Some(q) = quote::Entity::find()
        .filter(quote::Column::WorkspaceId.eq(ws))
        .filter(quote::Column::DealId.eq(job.deal_id))
        .filter(quote::Column::Status.eq(QuoteStatus::Signed))
        .order_by_desc(quote::Column::Version)
        .one(w)
        .await?
    else {
        return Ok(());
    };
    let (Some(contact), false) = (q.contact_id, q.client_email.trim().is_empty()) else {
        return Ok(());
    };
    let company = workspace::Entity::find_by_id(ws)
        .one(w)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Err(e) = sending::authorise_workspace(w, w.state().config.mail_quota, ws, 1).await {
        tracing::info!(error = %e, job = %job.id, "job done: client not emailed");
        return w
            .audit(
                Audit::of(EventEntity::Job, Some(job.id), EventAction::JobDoneMailSkipped)
                    .after(json!({ "reason": e.to_string() })),
            )
            .await;
    }
    let token = crate::quote::tokens::issue(w, ws, q.id, contact, time::now() + TimeDelta::days(LINK_DAYS)).await?;
    let link = crate::quote::tokens::link(&w.state().config.base_url, &token);
    let content = message(company.pack, &q.client_name, &company.name, &job.title, &link);
    enqueue(
        w,
        NewEmail {
            workspace_id: Some(ws),
            to: q.client_email.trim().to_lowercase(),
            to_user_id: None,
            kind: EmailKind::JobDone,
            content,
            contains_secret: true,
            attachment: None,
        },
    )
    .await?;
    Ok(())
}

/// The message, in the pack's words.
pub fn message(pack: TradePack, client: &str, company: &str, title: &str, link: &str) -> Rendered {
    let greeting = if client.trim().is_empty() {
        "Bonjour,".to_string()
    } else {
        format!("Bonjour {client},")
    };
    let (subject, news) = match pack {
        TradePack::Workshop => (
            format!("Vos pièces sont prêtes à être retirées — {company}"),
            format!("Le projet « {title} » est terminé : vos pièces sont prêtes à être retirées."),
        ),
        _ => (
            format!("Chantier terminé — {company}"),
            format!("Le chantier « {title} » est terminé."),
        ),
    };
    let more = "Dans votre espace client, vous retrouvez le rapport de fin de chantier, les étapes réalisées, les photos et vos documents."
        .to_string();
    let note = "Ce lien vous est personnel : ne le transférez pas.";
    Rendered {
        subject,
        text: format!("{greeting}\n\n{news}\n\n{more}\n\n{link}\n\n{note}\n\n{company}\n"),
        html: layout(
            "Votre chantier",
            &[greeting, news, more],
            Some(("Voir mon espace client", link)),
            note,
        ),
    }
}
