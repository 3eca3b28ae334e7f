//! Appending to and verifying the hash-chained audit trail.
//!
//! Each workspace has its own chain. An event's hash covers the previous hash
//! and every stored field, so altering, deleting or reordering a row breaks
//! every later link. Appends lock the chain head (`FOR UPDATE` on PostgreSQL;
//! SQLite write transactions are already exclusive), so concurrent writers
//! queue instead of forking the chain.

use super::entity::{event, event_chain};
use super::request::RequestMeta;
use super::time;
use crate::audit::{ChainBreak, ChainReport, EventAction, EventEntity};
use crate::domain::WorkspaceId;
use chrono::{DateTime, Utc};
use sea_orm::IntoActiveModel;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// `prev_hash` of the first event of a chain.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who acts.
#[derive(Clone, Debug)]
pub struct Actor {
    /// The signed-in user, if any.
    pub user_id: Option<Uuid>,
    /// Name shown in the trail.
    pub label: String,
    /// Where the request came from.
    pub meta: RequestMeta,
}

impl Actor {
    /// A person acting from a request.
    pub fn user(user: &super::entity::user::Model, meta: &RequestMeta) -> Actor {
        Actor {
            user_id: Some(user.id),
            label: user.name.clone(),
            meta: meta.clone(),
        }
    }

    /// Someone not signed in (a client opening a portal link), until known.
    pub fn visitor(meta: &RequestMeta) -> Actor {
        Actor {
            user_id: None,
            label: "Visiteur".to_string(),
            meta: meta.clone(),
        }
    }

    /// The application itself (seeding, scheduled jobs).
    pub fn system(label: &str) -> Actor {
        Actor {
            user_id: None,
            label: label.to_string(),
            meta: RequestMeta::default(),
        }
    }
}

/// An event to append.
#[derive(Clone, Debug)]
pub struct NewEvent {
    /// The chain it goes to.
    pub workspace_id: WorkspaceId,
    /// What it is about.
    pub entity: EventEntity,
    /// Which one.
    pub entity_id: Option<Uuid>,
    /// What happened.
    pub action: EventAction,
    /// State before the change.
    pub before: Option<serde_json::Value>,
    /// State after the change.
    pub after: Option<serde_json::Value>,
}

impl NewEvent {
    /// An event with no before/after state.
    pub fn new(workspace_id: WorkspaceId, entity: EventEntity, entity_id: Option<Uuid>, action: EventAction) -> Self {
        NewEvent {
            workspace_id,
            entity,
            entity_id,
            action,
            before: None,
            after: None,
        }
    }

    /// Adds the state before.
    pub fn before(mut self, value: serde_json::Value) -> Self {
        self.before = Some(value);
        self
    }

    /// Adds the state after.
    pub fn after(mut self, value: serde_json::Value) -> Self {
        self.after = Some(value);
        self
    }
}

/// The hashed content of an event: every stored field but the hash itself, in a
/// fixed order, serialised as a JSON array so that no two field sets collide.
pub fn event_hash(row: &event::Model) -> String {
    let canonical = serde_json::json!([
        row.id.to_string(),
        row.prev_hash,
        row.seq,
        row.workspace_id.to_string(),
        time::iso(row.occurred_at),
        row.actor_user_id.map(|u| u.to_string()),
        row.actor_label,
        row.entity,
        row.entity_id.map(|u| u.to_string()),
        row.action,
        row.before_json,
        row.after_json,
        row.ip,
        row.user_agent,
    ]);
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

async fn lock_head(txn: &DatabaseTransaction, workspace_id: Uuid) -> Result<event_chain::Model, DbErr> {
    let find = || {
        let query = event_chain::Entity::find_by_id(workspace_id);
        if super::db::is_postgres(txn) {
            query.lock_exclusive()
        } else {
            query
        }
    };
    if let Some(head) = find().one(txn).await? {
        return Ok(head);
    }
    event_chain::Entity::insert(event_chain::ActiveModel {
        workspace_id: Set(workspace_id),
        last_seq: Set(0),
        last_hash: Set(GENESIS.to_string()),
    })
    .on_conflict(
        OnConflict::column(event_chain::Column::WorkspaceId)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(txn)
    .await?;
    find()
        .one(txn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("event chain head".into()))
}

/// Appends events to their hash chains in the caller's transaction. Mutations
/// declare their events to the write envelope (`infra::write::Write::audit`),
/// which calls this at commit with each event's actor and time. Each chain
/// head is locked once, in the order of the chains' ids (two transactions
/// touching the same chains lock them in the same order), its events are
/// hashed in declaration order and written with multi-row inserts, and the
/// head is moved once: a few round trips per chain, not three per event.
pub async fn record_all(txn: &DatabaseTransaction, items: Vec<(Actor, NewEvent, DateTime<Utc>)>) -> Result<(), DbErr> {
    let mut by_chain: std::collections::BTreeMap<Uuid, Vec<(Actor, NewEvent, DateTime<Utc>)>> = Default::default();
    for item in items {
        by_chain.entry(item.1.workspace_id.0).or_default().push(item);
    }
    for (workspace_id, items) in by_chain {
        let head = lock_head(txn, workspace_id).await?;
        let (mut seq, mut prev_hash) = (head.last_seq, head.last_hash);
        let mut rows = Vec::with_capacity(items.len());
        for (actor, event, at) in items {
            seq += 1;
            let mut row = event::Model {
                id: Uuid::now_v7(),
                workspace_id,
                seq,
                occurred_at: at,
                actor_user_id: actor.user_id,
                actor_label: actor.label,
                entity: event.entity.as_str().to_string(),
                entity_id: event.entity_id,
                action: event.action.as_str().to_string(),
                before_json: event.before.map(|v| v.to_string()),
                after_json: event.after.map(|v| v.to_string()),
                ip: actor.meta.ip,
                user_agent: actor.meta.user_agent,
                prev_hash,
                hash: String::new(),
            };
            row.hash = event_hash(&row);
            prev_hash = row.hash.clone();
            rows.push(row.into_active_model());
        }
        // 15 values a row: 500 rows stay under SQLite's 32,766 parameters.
        for chunk in rows.chunks(500) {
            event::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(txn)
                .await?;
        }
        event_chain::Entity::update_many()
            .col_expr(event_chain::Column::LastSeq, seq.into())
            .col_expr(event_chain::Column::LastHash, prev_hash.into())
            .filter(event_chain::Column::WorkspaceId.eq(workspace_id))
            .exec(txn)
            .await?;
    }
    Ok(())
}

/// Re-computes every chain (or one) and reports the first broken link.
pub async fn verify(db: &DatabaseConnection, only: Option<WorkspaceId>) -> Result<ChainReport, DbErr> {
    let mut chains: Vec<Uuid> = match only {
        Some(ws) => vec![ws.0],
        None => {
            let mut ids: Vec<Uuid> = event_chain::Entity::find()
                .all(db)
                .await?
                .into_iter()
                .map(|h| h.workspace_id)
                .collect();
            let from_events: Vec<Uuid> = event::Entity::find()
                .select_only()
                .column(event::Column::WorkspaceId)
                .distinct()
                .into_tuple()
                .all(db)
                .await?;
            ids.extend(from_events);
            ids
        }
    };
    chains.sort();
    chains.dedup();
    let mut report = ChainReport {
        chains: chains.len() as u64,
        events: 0,
        first_break: None,
    };
    for workspace_id in chains {
        if let Some(broken) = verify_chain(db, workspace_id, &mut report.events).await? {
            report.first_break = Some(broken);
            break;
        }
    }
    Ok(report)
}

async fn verify_chain(
    db: &impl ConnectionTrait,
    workspace_id: Uuid,
    count: &mut u64,
) -> Result<Option<ChainBreak>, DbErr> {
    let broken = |seq: i64, event_id: Option<Uuid>, reason: String| {
        Ok(Some(ChainBreak {
            workspace_id: crate::domain::WorkspaceId(workspace_id),
            seq,
            event_id: event_id.map(crate::domain::EventId),
            reason,
        }))
    };
    let mut expected_seq = 1i64;
    let mut prev_hash = GENESIS.to_string();
    loop {
        let page = event::Entity::find()
            .filter(event::Column::WorkspaceId.eq(workspace_id))
            .filter(event::Column::Seq.gte(expected_seq))
            .order_by_asc(event::Column::Seq)
            .limit(1000)
            .all(db)
            .await?;
        if page.is_empty() {
            break;
        }
        for row in page {
            *count += 1;
            if row.seq != expected_seq {
                return broken(expected_seq, None, format!("événement n° {expected_seq} manquant"));
            }
            if row.prev_hash != prev_hash {
                return broken(
                    row.seq,
                    Some(row.id),
                    "le lien vers l'événement précédent ne correspond pas".into(),
                );
            }
            if event_hash(&row) != row.hash {
                return broken(
                    row.seq,
                    Some(row.id),
                    "le contenu a été modifié après son enregistrement".into(),
                );
            }
            prev_hash = row.hash;
            expected_seq += 1;
        }
    }
    let head = event_chain::Entity::find_by_id(workspace_id).one(db).await?;
    match head {
        Some(head) if head.last_seq != expected_seq - 1 || head.last_hash != prev_hash => broken(
            expected_seq.min(head.last_seq),
            None,
            format!(
                "la tête de chaîne annonce {} événements, {} trouvés",
                head.last_seq,
                expected_seq - 1
            ),
        ),
        None if expected_seq > 1 => broken(expected_seq - 1, None, "tête de chaîne absente".into()),
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> event::Model {
        event::Model {
            id: Uuid::nil(),
            workspace_id: Uuid::nil(),
            seq: 1,
            occurred_at: DateTime::parse_from_rfc3339("2026-11-21T10:00:00.123456Z")
                .unwrap()
                .with_timezone(&Utc),
            actor_user_id: None,
            actor_label: "Julien".into(),
            entity: "member".into(),
            entity_id: None,
            action: "member.removed".into(),
            before_json: Some("{\"role\":\"admin\"}".into()),
            after_json: None,
            ip: Some("127.0.0.1".into()),
            user_agent: None,
            prev_hash: GENESIS.into(),
            hash: String::new(),
        }
    }

    #[test]
    fn the_hash_covers_every_field() {
        let base = sample();
        let h = event_hash(&base);
        assert_eq!(h.len(), 64);
        type Change = Box<dyn Fn(&mut event::Model)>;
        let variants: Vec<Change> = vec![
            Box::new(|r| r.id = Uuid::max()),
            Box::new(|r| r.seq = 2),
            Box::new(|r| r.actor_label = "Sophie".into()),
            Box::new(|r| r.action = "member.role_changed".into()),
            Box::new(|r| r.before_json = None),
            Box::new(|r| r.ip = Some("10.0.0.1".into())),
            Box::new(|r| r.prev_hash = "1".repeat(64)),
            Box::new(|r| r.occurred_at += chrono::TimeDelta::microseconds(1)),
        ];
        for change in variants {
            let mut row = sample();
            change(&mut row);
            assert_ne!(event_hash(&row), h);
        }
    }

    #[test]
    fn the_hash_ignores_the_stored_hash() {
        let mut row = sample();
        let h = event_hash(&row);
        row.hash = h.clone();
        assert_eq!(event_hash(&row), h);
    }
}
