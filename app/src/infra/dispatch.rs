//! Delivers the domain events of the outbox (`domain_events`) to the
//! in-process subscribers, after the commit that stored them.
//!
//! A batch is claimed first (a lease in `claimed_until`; `SKIP LOCKED` on
//! PostgreSQL), so with several instances each event is handed out by one of
//! them; then each subscriber receives the batch, oldest declared first; then
//! the batch is marked dispatched. Order is by declaration time: two
//! transactions committing concurrently on PostgreSQL may be delivered in
//! either order, and two instances may deliver consecutive batches at once,
//! so subscribers must not depend on a global order (live pages re-read the
//! cards; workflows will key on the entity). A crash between commit and dispatch (or during a
//! delivery) leaves the rows undispatched: the next start, or another
//! instance once the lease ends, delivers them. Delivery is therefore at
//! least once: subscribers must be idempotent.

use super::entity::domain_event;
use super::{AppState, db, time};
use crate::domain::{DomainEvent, WorkspaceId};
use crate::error::AppError;
use chrono::TimeDelta;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use uuid::Uuid;

/// Events claimed at once.
const BATCH: u64 = 200;
/// How long a claim protects a batch from other instances.
const LEASE: TimeDelta = TimeDelta::seconds(60);
/// How often the outbox is read without a wake-up (events committed by
/// another instance, or left by a crash).
const POLL: Duration = Duration::from_secs(2);
/// Dispatched events are kept this long (for inspection and replays), then purged.
pub const KEEP: TimeDelta = TimeDelta::days(30);
/// Deliveries after which a failing event is set aside (logged, marked dispatched).
const MAX_DELIVERIES: i32 = 10;

/// One event as a subscriber receives it.
#[derive(Clone, Debug)]
pub struct Delivered {
    /// The outbox row.
    pub id: Uuid,
    /// The workspace it happened in (None for platform events).
    pub workspace_id: Option<WorkspaceId>,
    /// What happened.
    pub event: DomainEvent,
}

/// Something that reacts to committed domain events (live pages, workflows,
/// webhooks). Receives batches oldest declared first (no global order across concurrent
/// transactions or instances); may receive an event again
/// after a crash.
#[async_trait::async_trait]
pub trait Subscriber: Send + Sync {
    /// Name in the logs.
    fn name(&self) -> &'static str;
    /// Reacts to a batch of events.
    async fn deliver(&self, state: &AppState, events: &[Delivered]) -> Result<(), AppError>;
}

/// The subscribers of this process.
pub type Subscribers = Arc<Vec<Arc<dyn Subscriber>>>;

/// Runs until `shutdown` turns true: dispatches on every wake-up of
/// `state.events_wakeup`, and every two seconds.
pub async fn run(state: AppState, subscribers: Subscribers, mut shutdown: watch::Receiver<bool>) {
    loop {
        loop {
            match dispatch_once(&state, &subscribers).await {
                Ok(0) => break,
                Ok(_) => continue,
                Err(e) => {
                    tracing::warn!(error = %e, "domain event dispatch failed");
                    break;
                }
            }
        }
        tokio::select! {
            _ = state.events_wakeup.notified() => {}
            _ = tokio::time::sleep(POLL) => {}
            _ = shutdown.changed() => return,
        }
        if *shutdown.borrow() {
            return;
        }
    }
}

/// Claims one batch, delivers it to every subscriber and marks it
/// dispatched. Returns how many events the batch held.
pub async fn dispatch_once(state: &AppState, subscribers: &[Arc<dyn Subscriber>]) -> Result<usize, DbErr> {
    let rows = claim(state).await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let count = rows.len();
    let mut batch = Vec::with_capacity(count);
    for row in &rows {
        match serde_json::from_str::<DomainEvent>(&row.payload) {
            Ok(event) => batch.push(Delivered {
                id: row.id,
                workspace_id: row.workspace_id.map(WorkspaceId),
                event,
            }),
            Err(e) => {
                // Marked dispatched with its batch: it can never be read.
                tracing::error!(id = %row.id, kind = %row.kind, error = %e, "unreadable domain event set aside");
            }
        }
    }
    let mut failed = false;
    for subscriber in subscribers {
        if let Err(e) = subscriber.deliver(state, &batch).await {
            tracing::warn!(subscriber = subscriber.name(), error = %e, "subscriber failed: the batch will be delivered again");
            failed = true;
        }
    }
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let give_up = rows.iter().any(|r| r.deliveries + 1 >= MAX_DELIVERIES);
    if failed && give_up {
        tracing::error!(
            count,
            "domain events set aside after {MAX_DELIVERIES} failed deliveries"
        );
    }
    settle(state, &ids, !failed || give_up).await?;
    Ok(count)
}

/// Takes the oldest undispatched events whose claim is free.
async fn claim(state: &AppState) -> Result<Vec<domain_event::Model>, DbErr> {
    let txn = db::begin_write(&state.db).await?;
    let now = time::now();
    let mut query = domain_event::Entity::find()
        .filter(domain_event::Column::DispatchedAt.is_null())
        .filter(
            domain_event::Column::ClaimedUntil
                .is_null()
                .or(domain_event::Column::ClaimedUntil.lt(now)),
        )
        .order_by_asc(domain_event::Column::OccurredAt)
        .order_by_asc(domain_event::Column::Id)
        .limit(BATCH);
    if db::is_postgres(&txn) {
        query = query.lock_with_behavior(
            sea_orm::sea_query::LockType::Update,
            sea_orm::sea_query::LockBehavior::SkipLocked,
        );
    }
    let rows = query.all(&txn).await?;
    if !rows.is_empty() {
        domain_event::Entity::update_many()
            .col_expr(domain_event::Column::ClaimedUntil, (now + LEASE).into())
            .filter(domain_event::Column::Id.is_in(rows.iter().map(|r| r.id)))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(rows)
}

/// Counts a delivery of the batch and marks it dispatched, or (`dispatched`
/// false) leaves it for a later delivery once the lease ends.
async fn settle(state: &AppState, ids: &[Uuid], dispatched: bool) -> Result<(), DbErr> {
    let mut update = domain_event::Entity::update_many().col_expr(
        domain_event::Column::Deliveries,
        Expr::col(domain_event::Column::Deliveries).add(1),
    );
    if dispatched {
        update = update
            .col_expr(domain_event::Column::DispatchedAt, Expr::value(time::now()))
            .col_expr(
                domain_event::Column::ClaimedUntil,
                Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
            );
    }
    update
        .filter(domain_event::Column::Id.is_in(ids.iter().copied()))
        .exec(&state.db)
        .await?;
    Ok(())
}

/// Deletes dispatched events older than `keep` (scheduler housekeeping).
pub async fn purge(db: &sea_orm::DatabaseConnection, keep: TimeDelta) -> Result<u64, DbErr> {
    let result = domain_event::Entity::delete_many()
        .filter(domain_event::Column::DispatchedAt.lt(time::now() - keep))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
