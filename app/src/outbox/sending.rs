//! Who may send mail on behalf of a workspace, and how much.
//!
//! Quotes and invitations carry text a workspace wrote to any address: an
//! unchecked sign-up could use them as a relay for phishing. So a workspace
//! sends only when the member sending and at least one owner have proved
//! their address, and within a quota over the last hour and day (quotes,
//! reminders and invitations count; the client's own signed copy and notices
//! to the business do not).

use super::EmailKind;
use crate::domain::Role;
use crate::error::AppError;
use crate::infra::config::MailQuota;
use crate::infra::entity::{email, member, user, workspace};
use crate::infra::{Scope, time};
use chrono::TimeDelta;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

/// Messages that count against a workspace's quota.
pub const COUNTED: [EmailKind; 6] = [
    EmailKind::QuoteSent,
    EmailKind::QuoteReminder,
    EmailKind::Invitation,
    EmailKind::InvoiceSent,
    EmailKind::InvoiceReminder,
    EmailKind::JobDone,
];

/// Why the sender must prove their address first.
pub const SENDER_UNVERIFIED: &str = "Confirmez d'abord votre adresse e-mail (lien envoyé à l'inscription, ou « Renvoyer le lien » en haut de la page) : un espace n'envoie rien tant que son expéditeur ne l'a pas prouvée.";
/// Why an owner must prove their address first.
pub const OWNER_UNVERIFIED: &str = "Le propriétaire de l'espace doit d'abord confirmer son adresse e-mail : un espace n'envoie rien tant qu'elle n'est pas prouvée.";

async fn sent_since(db: &impl ConnectionTrait, workspace_id: uuid::Uuid, since: TimeDelta) -> Result<u64, AppError> {
    Ok(email::Entity::find()
        .filter(email::Column::WorkspaceId.eq(workspace_id))
        .filter(email::Column::Kind.is_in(COUNTED))
        .filter(email::Column::CreatedAt.gt(time::now() - since))
        .count(db)
        .await?)
}

/// Refuses to send `count` more messages for the scope's workspace when the
/// sender or every owner has an unproven address, or when the quota is spent.
pub async fn authorise(db: &impl ConnectionTrait, quota: MailQuota, scope: &Scope, count: u32) -> Result<(), AppError> {
    let sender = user::Entity::find_by_id(scope.user_id.0)
        .one(db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    if !sender.email_verified() {
        return Err(AppError::Conflict(SENDER_UNVERIFIED.into()));
    }
    authorise_workspace(db, quota, scope.workspace_id.0, count).await
}

/// The workspace's part of [`authorise`], also checked before automatic mail
/// (reminders): a proven owner, and room in the quota. Takes the workspace
/// row first, so that parallel sends of one workspace count in turn.
pub async fn authorise_workspace(
    db: &impl ConnectionTrait,
    quota: MailQuota,
    workspace_id: uuid::Uuid,
    count: u32,
) -> Result<(), AppError> {
    workspace::Entity::update_many()
        .col_expr(workspace::Column::UpdatedAt, time::now().into())
        .filter(workspace::Column::Id.eq(workspace_id))
        .exec(db)
        .await?;
    let owners: Vec<uuid::Uuid> = member::Entity::find()
        .filter(member::Column::WorkspaceId.eq(workspace_id))
        .filter(member::Column::Role.eq(Role::Owner))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    let verified_owner = user::Entity::find()
        .filter(user::Column::Id.is_in(owners))
        .filter(user::Column::EmailVerifiedAt.is_not_null())
        .count(db)
        .await?;
    if verified_owner == 0 {
        return Err(AppError::Conflict(OWNER_UNVERIFIED.into()));
    }
    for (window, max, label) in [
        (TimeDelta::hours(1), quota.per_hour, "la dernière heure"),
        (TimeDelta::hours(24), quota.per_day, "les dernières 24 heures"),
    ] {
        let sent = sent_since(db, workspace_id, window).await?;
        if sent + u64::from(count) > u64::from(max) {
            return Err(AppError::Quota(format!(
                "Quota d'envoi atteint : votre espace a envoyé {sent} e-mails dans {label} (maximum {max}). Réessayez plus tard ou écrivez-nous pour relever la limite."
            )));
        }
    }
    Ok(())
}
