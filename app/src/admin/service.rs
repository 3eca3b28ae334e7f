//! Platform-wide figures. Only reachable by platform admins.

use super::{AdminOverview, WorkspaceActivity};
use crate::error::AppError;
use crate::infra::entity::{email, event, member, user, workspace};
use crate::infra::{SessionUser, time};
use crate::outbox::EmailStatus;
use chrono::TimeDelta;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

/// Every workspace with its activity.
pub async fn overview(db: &DatabaseConnection, current: &SessionUser) -> Result<AdminOverview, AppError> {
    if !current.user.is_platform_admin {
        return Err(AppError::NotFound);
    }
    let spaces = workspace::Entity::find()
        .order_by_desc(workspace::Column::CreatedAt)
        .limit(500)
        .all(db)
        .await?;
    let members: Vec<(Uuid, i64)> = member::Entity::find()
        .select_only()
        .column(member::Column::WorkspaceId)
        .column_as(Expr::col(member::Column::Id).count(), "n")
        .group_by(member::Column::WorkspaceId)
        .into_tuple()
        .all(db)
        .await?;
    let since = time::now() - TimeDelta::days(30);
    let activity: Vec<(Uuid, i64)> = event::Entity::find()
        .select_only()
        .column(event::Column::WorkspaceId)
        .column_as(Expr::col(event::Column::Id).count(), "n")
        .filter(event::Column::OccurredAt.gte(since))
        .group_by(event::Column::WorkspaceId)
        .into_tuple()
        .all(db)
        .await?;
    let last_events: Vec<(Uuid, chrono::DateTime<chrono::Utc>)> = event::Entity::find()
        .select_only()
        .column(event::Column::WorkspaceId)
        .column_as(Expr::col(event::Column::OccurredAt).max(), "last")
        .group_by(event::Column::WorkspaceId)
        .into_tuple()
        .all(db)
        .await?;
    let count = |rows: &[(Uuid, i64)], id: Uuid| rows.iter().find(|(w, _)| *w == id).map(|(_, n)| *n).unwrap_or(0);
    let mut workspaces: Vec<WorkspaceActivity> = spaces
        .into_iter()
        .map(|ws| WorkspaceActivity {
            id: crate::domain::WorkspaceId(ws.id),
            members: count(&members, ws.id),
            events_30d: count(&activity, ws.id),
            last_activity: last_events
                .iter()
                .find(|(w, _)| *w == ws.id)
                .map(|(_, at)| time::display(*at)),
            created_at: time::display(ws.created_at),
            name: ws.name,
            pack: ws.pack,
        })
        .collect();
    workspaces.sort_by_key(|w| std::cmp::Reverse(w.events_30d));
    let users = user::Entity::find().count(db).await? as i64;
    let users_with_totp = user::Entity::find()
        .filter(user::Column::TotpEnabledAt.is_not_null())
        .count(db)
        .await? as i64;
    let emails_pending = email::Entity::find()
        .filter(email::Column::Status.eq(EmailStatus::Queued))
        .count(db)
        .await? as i64;
    let emails_failed = email::Entity::find()
        .filter(email::Column::Status.eq(EmailStatus::Failed))
        .count(db)
        .await? as i64;
    Ok(AdminOverview {
        workspaces,
        users,
        users_with_totp,
        emails_pending,
        emails_failed,
    })
}

/// Creates a coach: an account without password and a coach workspace they
/// own (with the coach pipeline). Returns the workspace and the coach's
/// address, to which the caller sends a magic link once this is committed.
pub async fn create_coach(
    w: &crate::infra::Write,
    current: &SessionUser,
    name: &str,
    email: &str,
    workspace_name: &str,
    specialty: &str,
) -> Result<(Uuid, String), AppError> {
    use crate::audit::{EventAction, EventEntity};
    use crate::domain::{Email, PersonName, TradePack, WorkspaceId, WorkspaceName};
    use crate::error::FieldErrors;
    use crate::infra::Audit;
    if !current.user.is_platform_admin {
        return Err(AppError::NotFound);
    }
    let mut errors = FieldErrors::new();
    let name = errors.check("name", PersonName::parse(name));
    let email = errors.check("email", Email::parse(email));
    let ws_name = if workspace_name.trim().is_empty() {
        name.as_ref().map(|n| format!("{} Coaching", n.as_str()))
    } else {
        errors
            .check("workspace_name", WorkspaceName::parse(workspace_name))
            .map(|w| w.as_str().to_string())
    };
    if specialty.chars().count() > 80 {
        errors.push("specialty", "80 caractères au plus.");
    }
    let (Some(name), Some(email), Some(ws_name), true) = (name, email, ws_name, errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    if user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(w)
        .await?
        .is_some()
    {
        return Err(AppError::field("email", "Un compte existe déjà avec cette adresse."));
    }
    let coach = user::Model::new_account(email.as_str(), name.as_str(), None, false);
    crate::auth::service::insert_user(w, &coach).await?;
    let ws = crate::workspace::service::create_workspace(w, &coach, &ws_name, TradePack::Coach).await?;
    w.audit(
        Audit::of(EventEntity::Workspace, Some(ws.id), EventAction::CoachCreated)
            .on_chain(WorkspaceId(ws.id))
            .after(serde_json::json!({"coach": coach.email, "name": coach.name, "specialty": specialty.trim()})),
    )
    .await?;
    Ok((ws.id, email.into_inner()))
}
