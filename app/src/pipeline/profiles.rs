//! A member's profile and score.

use super::MemberProfile;
use crate::domain::StageKind;
use crate::domain::scores::{self, AssignmentFacts, MEMBER_WINDOW_DAYS};
use crate::error::AppError;
use crate::infra::entity::{deal, member, stage, user};
use crate::infra::{Scope, time};
use chrono::TimeDelta;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

/// A member's profile and score over the last 90 days.
pub async fn member_profile(
    db: &impl ConnectionTrait,
    scope: &Scope,
    member_id: Uuid,
) -> Result<MemberProfile, AppError> {
    let ws = scope.workspace_id.0;
    let m = member::Entity::find_by_id(member_id)
        .filter(member::Column::WorkspaceId.eq(ws))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let u = user::Entity::find_by_id(m.user_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = time::now();
    let since = now - TimeDelta::days(MEMBER_WINDOW_DAYS);
    let owned = deal::Entity::find()
        .filter(deal::Column::WorkspaceId.eq(ws))
        .filter(deal::Column::OwnerMemberId.eq(m.id))
        .filter(deal::Column::AssignedAt.gte(since))
        .all(db)
        .await?;
    let won_stages: Vec<Uuid> = stage::Entity::find()
        .filter(stage::Column::WorkspaceId.eq(ws))
        .filter(stage::Column::Kind.eq(StageKind::Won))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    let facts: Vec<AssignmentFacts> = owned
        .iter()
        .map(|d| AssignmentFacts {
            hours_to_contact: d
                .first_contact_at
                .map(|c| (c - d.assigned_at).num_minutes().max(0) as f64 / 60.0),
            age_hours: (now - d.assigned_at).num_minutes().max(0) as f64 / 60.0,
            won: won_stages.contains(&d.stage_id),
        })
        .collect();
    let open_deals = deal::Entity::find()
        .filter(deal::Column::WorkspaceId.eq(ws))
        .filter(deal::Column::OwnerMemberId.eq(m.id))
        .filter(deal::Column::ClosedAt.is_null())
        .count(db)
        .await?;
    Ok(MemberProfile {
        member_id: crate::domain::MemberId(m.id),
        name: u.name,
        email: u.email,
        role: m.role,
        score: scores::member_score(&facts),
        open_deals,
    })
}
