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
    let mut workspaces = Vec::with_capacity(spaces.len());
    for ws in spaces {
        let last = event::Entity::find()
            .filter(event::Column::WorkspaceId.eq(ws.id))
            .order_by_desc(event::Column::Seq)
            .one(db)
            .await?;
        workspaces.push(WorkspaceActivity {
            id: ws.id,
            name: ws.name,
            pack: ws.pack,
            members: members
                .iter()
                .find(|(id, _)| *id == ws.id)
                .map(|(_, n)| *n)
                .unwrap_or(0),
            events_30d: activity
                .iter()
                .find(|(id, _)| *id == ws.id)
                .map(|(_, n)| *n)
                .unwrap_or(0),
            last_activity: last.map(|e| time::display(e.occurred_at)),
            created_at: time::display(ws.created_at),
        });
    }
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
