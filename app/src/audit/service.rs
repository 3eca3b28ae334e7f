//! Reading the audit trail of a workspace.

use super::{ChainReport, EventAction, EventEntity, EventPage, EventRow};
use crate::domain::WorkspaceId;
use crate::error::AppError;
use crate::infra::entity::event;
use crate::infra::{Scope, events, time};
use chrono::{NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// Events per page.
pub const PAGE_SIZE: u64 = 50;

fn field<'a>(value: &'a Option<serde_json::Value>, key: &str) -> Option<&'a str> {
    value.as_ref()?.get(key)?.as_str()
}

fn role_label(id: Option<&str>) -> Option<&'static str> {
    id.and_then(crate::domain::Role::parse).map(crate::domain::Role::label)
}

/// A readable line from the event's before/after state.
pub fn summarize(action: Option<EventAction>, before: &Option<String>, after: &Option<String>) -> Option<String> {
    let before: Option<serde_json::Value> = before.as_deref().and_then(|b| serde_json::from_str(b).ok());
    let after: Option<serde_json::Value> = after.as_deref().and_then(|a| serde_json::from_str(a).ok());
    let who = field(&after, "email")
        .or(field(&after, "user"))
        .or(field(&before, "email"))
        .or(field(&before, "user"));
    match action? {
        EventAction::MemberRoleChanged => Some(format!(
            "{} → {}",
            role_label(field(&before, "role")).unwrap_or("?"),
            role_label(field(&after, "role")).unwrap_or("?")
        )),
        EventAction::WorkspaceSettingsChanged => {
            let name = field(&after, "name").unwrap_or_default();
            let totp = after
                .as_ref()
                .and_then(|a| a.get("require_owner_totp"))
                .and_then(|v| v.as_bool());
            Some(format!(
                "{name} · 2FA propriétaires {}",
                if totp == Some(true) { "exigée" } else { "facultative" }
            ))
        }
        EventAction::WorkspaceCreated | EventAction::PipelineCreated => field(&after, "name").map(str::to_string),
        EventAction::SignedIn => field(&after, "via").map(|via| {
            match via {
                "password" => "par mot de passe",
                "magic_link" => "par lien e-mail",
                "second_factor" => "avec double authentification",
                "sign_up" => "à l'inscription",
                other => other,
            }
            .to_string()
        }),
        _ => {
            let role = role_label(field(&after, "role").or(field(&before, "role")));
            match (who, role) {
                (Some(w), Some(r)) => Some(format!("{w} · {r}")),
                (Some(w), None) => Some(w.to_string()),
                _ => None,
            }
        }
    }
}

/// An event as the audit page and timelines show it.
pub fn row(e: &event::Model) -> EventRow {
    EventRow {
        id: crate::domain::EventId(e.id),
        seq: e.seq,
        occurred_at: time::display_seconds(e.occurred_at),
        occurred_at_iso: time::iso(e.occurred_at),
        actor: e.actor_label.clone(),
        entity: EventEntity::parse(&e.entity)
            .map(|x| x.label().to_string())
            .unwrap_or_else(|| e.entity.clone()),
        action: EventAction::parse(&e.action)
            .map(|x| x.label().to_string())
            .unwrap_or_else(|| e.action.clone()),
        action_id: e.action.clone(),
        summary: summarize(EventAction::parse(&e.action), &e.before_json, &e.after_json),
        before: e.before_json.clone(),
        after: e.after_json.clone(),
        ip: e.ip.clone(),
        user_agent: e.user_agent.clone(),
        hash_short: e.hash.chars().take(12).collect(),
    }
}

/// Filters of the audit page.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Only events older than this sequence number (pagination).
    pub before_seq: Option<i64>,
    /// Only this action.
    pub action: Option<EventAction>,
    /// Only this actor.
    pub actor: Option<uuid::Uuid>,
    /// From this Paris day (inclusive).
    pub from: Option<NaiveDate>,
    /// To this Paris day (inclusive).
    pub to: Option<NaiveDate>,
}

fn paris_midnight(day: NaiveDate) -> Option<chrono::DateTime<Utc>> {
    Paris
        .from_local_datetime(&day.and_hms_opt(0, 0, 0)?)
        .earliest()
        .map(|d| d.with_timezone(&Utc))
}

/// A page of the scope's events, newest first.
pub async fn list(db: &DatabaseConnection, scope: &Scope, filter: Filter) -> Result<EventPage, AppError> {
    scope.require(crate::domain::Role::can_view_audit)?;
    let mut query = event::Entity::find().filter(event::Column::WorkspaceId.eq(scope.workspace_id.0));
    if let Some(seq) = filter.before_seq {
        query = query.filter(event::Column::Seq.lt(seq));
    }
    if let Some(action) = filter.action {
        query = query.filter(event::Column::Action.eq(action.as_str()));
    }
    if let Some(actor) = filter.actor {
        query = query.filter(event::Column::ActorUserId.eq(actor));
    }
    if let Some(from) = filter.from.and_then(paris_midnight) {
        query = query.filter(event::Column::OccurredAt.gte(from));
    }
    if let Some(to) = filter.to.and_then(|d| d.succ_opt()).and_then(paris_midnight) {
        query = query.filter(event::Column::OccurredAt.lt(to));
    }
    let mut rows = query
        .order_by_desc(event::Column::Seq)
        .limit(PAGE_SIZE + 1)
        .all(db)
        .await?;
    let more = rows.len() as u64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    let next_before_seq = if more { rows.last().map(|r| r.seq) } else { None };
    let actors: Vec<(Option<uuid::Uuid>, String)> = event::Entity::find()
        .select_only()
        .column(event::Column::ActorUserId)
        .column(event::Column::ActorLabel)
        .filter(event::Column::WorkspaceId.eq(scope.workspace_id.0))
        .filter(event::Column::ActorUserId.is_not_null())
        .distinct()
        .limit(200)
        .into_tuple()
        .all(db)
        .await?;
    let mut actors: Vec<(String, String)> = actors
        .into_iter()
        .filter_map(|(id, label)| id.map(|id| (id.to_string(), label)))
        .collect();
    actors.sort_by(|a, b| a.1.cmp(&b.1));
    actors.dedup_by(|a, b| a.0 == b.0);
    Ok(EventPage {
        rows: rows.iter().map(row).collect(),
        next_before_seq,
        actors,
    })
}

/// The latest events of a workspace (home page).
pub async fn recent(db: &DatabaseConnection, workspace: WorkspaceId, count: u64) -> Result<Vec<EventRow>, AppError> {
    let rows = event::Entity::find()
        .filter(event::Column::WorkspaceId.eq(workspace.0))
        .order_by_desc(event::Column::Seq)
        .limit(count)
        .all(db)
        .await?;
    Ok(rows.iter().map(row).collect())
}

/// Verifies the scope's chain.
pub async fn verify(db: &DatabaseConnection, scope: &Scope) -> Result<ChainReport, AppError> {
    scope.require(crate::domain::Role::can_view_audit)?;
    Ok(events::verify(db, Some(scope.workspace_id)).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_name_people_and_roles() {
        let after = Some(r#"{"user":"karim@x.fr","role":"member"}"#.to_string());
        assert_eq!(
            summarize(Some(EventAction::MemberAdded), &None, &after).as_deref(),
            Some("karim@x.fr · Membre")
        );
        let before = Some(r#"{"role":"member"}"#.to_string());
        let after = Some(r#"{"role":"admin"}"#.to_string());
        assert_eq!(
            summarize(Some(EventAction::MemberRoleChanged), &before, &after).as_deref(),
            Some("Membre → Administrateur")
        );
        assert_eq!(summarize(Some(EventAction::SignedOut), &None, &None), None);
    }
}
