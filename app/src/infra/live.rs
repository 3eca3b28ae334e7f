//! Committed changes that open pages show live (server-sent events), across
//! every server process. With SQLite (one process) they go straight to this
//! process's subscribers; with PostgreSQL every update is sent with
//! `NOTIFY comptoir_live`, and each process (this one included) hands what it
//! hears to its own subscribers, so a card moved through one instance appears
//! on a page served by another.

use chrono::TimeDelta;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, mpsc, watch};
use uuid::Uuid;

/// The PostgreSQL channel.
pub const CHANNEL: &str = "comptoir_live";
/// NOTIFY payloads are limited to 8,000 bytes: larger updates are stored in
/// `live_messages` and only their id is notified.
const INLINE_MAX: usize = 7_000;
/// Stored updates older than this are deleted by the scheduler.
pub const KEEP: TimeDelta = TimeDelta::hours(1);

/// A committed change, for the pages of one workspace that show it live.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveUpdate {
    /// Only this workspace's pages receive it.
    #[serde(rename = "w")]
    pub workspace_id: Uuid,
    /// SSE event name (`board`, `kpi`…).
    #[serde(rename = "t")]
    pub topic: String,
    /// JSON payload.
    #[serde(rename = "p")]
    pub payload: String,
}

/// What travels in a notification: the update, or the id of its stored copy.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Notice {
    Inline(LiveUpdate),
    Stored { id: Uuid },
}

/// Publishes updates and hands them to this process's subscribers.
#[derive(Clone)]
pub struct LiveBus {
    local: broadcast::Sender<LiveUpdate>,
    relay: Option<mpsc::UnboundedSender<LiveUpdate>>,
}

impl Default for LiveBus {
    fn default() -> Self {
        LiveBus::local()
    }
}

impl LiveBus {
    /// Subscribers of this process only (SQLite, tools).
    pub fn local() -> LiveBus {
        let (local, _) = broadcast::channel(1024);
        LiveBus { local, relay: None }
    }

    /// Through PostgreSQL: a task sends every update with NOTIFY (in order),
    /// another listens and hands what it hears to this process's subscribers.
    /// Both tasks end when `shutdown` turns true.
    pub fn postgres(db: &DatabaseConnection, shutdown: watch::Receiver<bool>) -> LiveBus {
        let bus = LiveBus::local();
        let (relay, outgoing) = mpsc::unbounded_channel();
        tokio::spawn(until(shutdown.clone(), send_loop(db.clone(), outgoing)));
        tokio::spawn(until(shutdown, listen_loop(db.clone(), bus.local.clone())));
        LiveBus {
            relay: Some(relay),
            ..bus
        }
    }

    /// Publishes a committed change.
    pub fn publish(&self, update: LiveUpdate) {
        match &self.relay {
            Some(relay) => {
                if relay.send(update).is_err() {
                    tracing::warn!("live relay stopped: update dropped");
                }
            }
            // No receiver (no open page) is not an error.
            None => {
                let _ = self.local.send(update);
            }
        }
    }

    /// This process's stream of updates.
    pub fn subscribe(&self) -> broadcast::Receiver<LiveUpdate> {
        self.local.subscribe()
    }
}

/// Runs `task` until `shutdown` turns true.
async fn until(mut shutdown: watch::Receiver<bool>, task: impl Future<Output = ()>) {
    tokio::select! {
        _ = task => {}
        _ = shutdown.wait_for(|stop| *stop) => {}
    }
}

async fn notify(db: &DatabaseConnection, update: &LiveUpdate) -> Result<(), sea_orm::DbErr> {
    let inline =
        serde_json::to_string(&Notice::Inline(update.clone())).map_err(|e| sea_orm::DbErr::Custom(e.to_string()))?;
    let notice = if inline.len() <= INLINE_MAX {
        inline
    } else {
        let id = Uuid::now_v7();
        db.execute_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            "INSERT INTO live_messages (id, workspace_id, topic, payload, created_at) VALUES ($1, $2, $3, $4, $5)",
            [
                id.into(),
                update.workspace_id.into(),
                update.topic.clone().into(),
                update.payload.clone().into(),
                super::time::now().into(),
            ],
        ))
        .await?;
        serde_json::to_string(&Notice::Stored { id }).map_err(|e| sea_orm::DbErr::Custom(e.to_string()))?
    };
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        "SELECT pg_notify($1, $2)",
        [CHANNEL.into(), notice.into()],
    ))
    .await?;
    Ok(())
}

async fn send_loop(db: DatabaseConnection, mut outgoing: mpsc::UnboundedReceiver<LiveUpdate>) {
    while let Some(update) = outgoing.recv().await {
        if let Err(error) = notify(&db, &update).await {
            tracing::warn!(%error, topic = %update.topic, "live update not sent");
        }
    }
}

async fn stored(db: &DatabaseConnection, id: Uuid) -> Result<Option<LiveUpdate>, sea_orm::DbErr> {
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            "SELECT workspace_id, topic, payload FROM live_messages WHERE id = $1",
            [id.into()],
        ))
        .await?;
    Ok(match row {
        Some(row) => Some(LiveUpdate {
            workspace_id: row.try_get("", "workspace_id")?,
            topic: row.try_get("", "topic")?,
            payload: row.try_get("", "payload")?,
        }),
        None => None,
    })
}

async fn listen_loop(db: DatabaseConnection, local: broadcast::Sender<LiveUpdate>) {
    use sea_orm::sqlx::postgres::PgListener;
    loop {
        let listener = async {
            let mut listener = PgListener::connect_with(db.get_postgres_connection_pool()).await?;
            listener.listen(CHANNEL).await?;
            Ok::<_, sea_orm::sqlx::Error>(listener)
        }
        .await;
        let mut listener = match listener {
            Ok(listener) => listener,
            Err(error) => {
                tracing::warn!(%error, "live listener cannot connect; retrying");
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                continue;
            }
        };
        loop {
            // `recv` reconnects by itself when the connection drops (updates
            // sent meanwhile are lost: open pages catch up on their next fetch).
            let notification = match listener.recv().await {
                Ok(n) => n,
                Err(error) => {
                    tracing::warn!(%error, "live listener lost; reconnecting");
                    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                    break;
                }
            };
            let update = match serde_json::from_str::<Notice>(notification.payload()) {
                Ok(Notice::Inline(update)) => Some(update),
                Ok(Notice::Stored { id }) => stored(&db, id).await.unwrap_or_else(|error| {
                    tracing::warn!(%error, "stored live update unreadable");
                    None
                }),
                Err(error) => {
                    tracing::warn!(%error, "unreadable live notification");
                    None
                }
            };
            if let Some(update) = update {
                let _ = local.send(update);
            }
        }
    }
}

/// Deletes stored updates older than [`KEEP`] (the scheduler runs it).
pub async fn purge(db: &DatabaseConnection) -> Result<u64, sea_orm::DbErr> {
    let sql = super::db::numbered(db, "DELETE FROM live_messages WHERE created_at < $1");
    let stmt = Statement::from_sql_and_values(db.get_database_backend(), sql, [(super::time::now() - KEEP).into()]);
    Ok(db.execute_raw(stmt).await?.rows_affected())
}
