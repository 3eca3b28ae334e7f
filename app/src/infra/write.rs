//! The one write path. Every change to the database runs inside a [`Write`]:
//!
//! - it opens the transaction (`BEGIN IMMEDIATE` on SQLite) and is the
//!   connection the mutation queries through (it implements `ConnectionTrait`);
//! - it knows who acts (user, name, IP, user agent) and for which workspace,
//!   and records the audit events the mutation declares ([`Write::audit`]) on
//!   the right hash chain with that actor;
//! - it stores the domain events the mutation declares ([`Write::emit`]) in
//!   the `domain_events` outbox, in the same transaction;
//! - it queues what must happen after commit (waking the job worker when a
//!   job was enqueued, waking the event dispatcher when events were stored)
//!   and does it only in [`Write::commit`]: dropping a `Write` rolls back and
//!   nothing is published for a change that did not happen.
//!
//! Live pages, and later workflows and webhooks, are subscribers of the
//! domain events (`infra::dispatch`): no mutation publishes anything by hand.

use super::entity::domain_event;
use super::events::{Actor, NewEvent};
use super::queue::QueuePayload;
use super::scope::{Scope, SessionUser};
use super::{AppState, db, events, time};
use crate::audit::{EventAction, EventEntity};
use crate::domain::{DomainEvent, WorkspaceId};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, EntityTrait, ExecResult, QueryResult,
    Statement,
};
use std::sync::Mutex;
use uuid::Uuid;

/// An audit event the mutation declares: the envelope adds the actor, the
/// request and the chain (the envelope's workspace unless [`Audit::on_chain`]).
#[derive(Clone, Debug)]
pub struct Audit {
    chain: Option<WorkspaceId>,
    by: Option<Actor>,
    entity: EventEntity,
    entity_id: Option<Uuid>,
    action: EventAction,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
}

impl Audit {
    /// `action` happened to `entity` (`entity_id` when it is one row).
    pub fn of(entity: EventEntity, entity_id: Option<Uuid>, action: EventAction) -> Audit {
        Audit {
            chain: None,
            by: None,
            entity,
            entity_id,
            action,
            before: None,
            after: None,
        }
    }

    /// Attributes this one event to someone else than the envelope's actor
    /// (a link requested for an address, before anyone proved it).
    pub fn by(mut self, actor: Actor) -> Audit {
        self.by = Some(actor);
        self
    }

    /// Records on another chain than the envelope's workspace (the platform's).
    pub fn on_chain(mut self, chain: WorkspaceId) -> Audit {
        self.chain = Some(chain);
        self
    }

    /// The state before the change.
    pub fn before(mut self, value: serde_json::Value) -> Audit {
        self.before = Some(value);
        self
    }

    /// The state after the change.
    pub fn after(mut self, value: serde_json::Value) -> Audit {
        self.after = Some(value);
        self
    }
}

/// Who acts where, the audit events declared, and what runs after commit.
struct Context {
    actor: Actor,
    workspace: Option<WorkspaceId>,
    audits: Vec<(Actor, NewEvent, DateTime<Utc>)>,
    wake_jobs: bool,
    /// Domain events declared, written to the outbox at commit (one
    /// multi-row insert).
    outbox: Vec<domain_event::ActiveModel>,
}

/// The envelope of one mutation: see the module documentation.
pub struct Write {
    txn: DatabaseTransaction,
    state: AppState,
    context: Mutex<Context>,
}

impl Write {
    /// Opens the envelope for `actor`, acting in `workspace` (None for
    /// platform-level changes: sign-up, sign-in, password).
    pub async fn begin(state: &AppState, actor: Actor, workspace: Option<WorkspaceId>) -> Result<Write, AppError> {
        let txn = db::begin_write(&state.db).await?;
        Ok(Write {
            txn,
            state: state.clone(),
            context: Mutex::new(Context {
                actor,
                workspace,
                audits: Vec::new(),
                wake_jobs: false,
                outbox: Vec::new(),
            }),
        })
    }

    /// The signed-in member acting in their workspace.
    pub async fn scoped(state: &AppState, scope: &Scope) -> Result<Write, AppError> {
        Write::begin(state, scope.actor(), Some(scope.workspace_id)).await
    }

    /// The signed-in user acting on their own account (platform chain).
    pub async fn personal(state: &AppState, user: &SessionUser) -> Result<Write, AppError> {
        Write::begin(state, user.actor(), None).await
    }

    /// The application itself (scheduled work, jobs, the feed), in `workspace`.
    pub async fn system(state: &AppState, label: &str, workspace: Option<WorkspaceId>) -> Result<Write, AppError> {
        Write::begin(state, Actor::system(label), workspace).await
    }

    /// The open transaction.
    pub fn txn(&self) -> &DatabaseTransaction {
        &self.txn
    }

    /// The application state (settings, renderers).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Who acts.
    pub fn actor(&self) -> Actor {
        self.context().actor.clone()
    }

    /// The workspace acted in, if any.
    pub fn workspace(&self) -> Option<WorkspaceId> {
        self.context().workspace
    }

    /// Changes who acts (a sign-in or a portal link learns who on the way).
    pub fn act_as(&self, actor: Actor) {
        self.context().actor = actor;
    }

    /// Changes the workspace acted in (a sign-up creates it on the way).
    pub fn act_in(&self, workspace: WorkspaceId) {
        self.context().workspace = Some(workspace);
    }

    /// Declares an audit event, with the actor and workspace of this moment.
    /// Events are appended to their chains at commit, in the order declared:
    /// the chain head's lock is taken last and held briefly, so a mutation
    /// that locks rows (a deal, a quote) never waits for the chain while
    /// holding them, whatever the order of its audits.
    pub async fn audit(&self, audit: Audit) -> Result<(), AppError> {
        let mut context = self.context();
        let actor = audit.by.unwrap_or_else(|| context.actor.clone());
        let chain = audit.chain.or(context.workspace).unwrap_or(WorkspaceId::PLATFORM);
        let event = NewEvent {
            workspace_id: chain,
            entity: audit.entity,
            entity_id: audit.entity_id,
            action: audit.action,
            before: audit.before,
            after: audit.after,
        };
        context.audits.push((actor, event, time::now()));
        Ok(())
    }

    /// Declares a domain event: stored in the outbox in this transaction (at
    /// commit, with the others), dispatched to the subscribers after commit.
    pub async fn emit(&self, event: DomainEvent) -> Result<(), AppError> {
        let payload = serde_json::to_string(&event).map_err(|e| {
            tracing::error!(error = %e, "domain event not serialisable");
            AppError::Internal
        })?;
        let row = domain_event::ActiveModel {
            id: Set(Uuid::now_v7()),
            workspace_id: Set(self.workspace().map(|w| w.0)),
            kind: Set(event.kind().to_string()),
            payload: Set(payload),
            occurred_at: Set(time::now()),
            claimed_until: Set(None),
            dispatched_at: Set(None),
            deliveries: Set(0),
        };
        self.context().outbox.push(row);
        Ok(())
    }

    /// Queues a background job due at `run_at`, in this transaction, for the
    /// envelope's workspace; the worker is woken after commit.
    pub async fn enqueue(&self, payload: &QueuePayload, run_at: DateTime<Utc>) -> Result<Uuid, AppError> {
        let workspace = self.workspace().map(|w| w.0);
        self.enqueue_for(workspace, payload, run_at).await
    }

    /// Queues a background job for another workspace than the envelope's
    /// (platform mail sent during a workspace's creation, say).
    pub async fn enqueue_for(
        &self,
        workspace: Option<Uuid>,
        payload: &QueuePayload,
        run_at: DateTime<Utc>,
    ) -> Result<Uuid, AppError> {
        let id = super::queue::enqueue(&self.txn, workspace, payload, run_at).await?;
        self.context().wake_jobs = true;
        Ok(id)
    }

    /// Commits, then does what was queued for after the commit.
    pub async fn commit(self) -> Result<(), AppError> {
        let Write {
            txn, state, context, ..
        } = self;
        let mut after = context.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
        let outbox = std::mem::take(&mut after.outbox);
        // 8 values a row: 1,000 rows stay under SQLite's 32,766 parameters.
        for chunk in outbox.chunks(1000) {
            domain_event::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(&txn)
                .await?;
        }
        events::record_all(&txn, std::mem::take(&mut after.audits)).await?;
        txn.commit().await?;
        if after.wake_jobs {
            state.queue_wakeup.notify_one();
        }
        if !outbox.is_empty() {
            state.events_wakeup.notify_one();
        }
        Ok(())
    }

    fn context(&self) -> std::sync::MutexGuard<'_, Context> {
        self.context.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl std::ops::Deref for Write {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for Write {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }
}
