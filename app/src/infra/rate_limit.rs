//! Fixed-window attempt counters per key (client address, account, session),
//! shared by every server process: in the database by default, in Redis when
//! `REDIS_URL` is set. A limit hit through one instance holds on the others.

use crate::error::AppError;
use crate::infra::db;
use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use std::sync::Arc;
use std::time::Duration;

/// A limit: at most `max` attempts per `window`.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    /// Attempts allowed in one window.
    pub max: u32,
    /// Window length.
    pub window: Duration,
}

impl Limit {
    /// `max` attempts per `minutes`.
    pub const fn per_minutes(max: u32, minutes: u64) -> Limit {
        Limit {
            max,
            window: Duration::from_secs(minutes * 60),
        }
    }
}

/// Sign-in attempts per client address.
pub const SIGN_IN_PER_IP: Limit = Limit::per_minutes(30, 15);
/// Sign-in attempts per account.
pub const SIGN_IN_PER_EMAIL: Limit = Limit::per_minutes(8, 15);
/// Magic links and reset links per address.
pub const LINK_PER_EMAIL: Limit = Limit::per_minutes(5, 60);
/// Magic links and reset links per client address.
pub const LINK_PER_IP: Limit = Limit::per_minutes(20, 60);
/// Second-factor codes per session.
pub const TOTP_PER_SESSION: Limit = Limit::per_minutes(10, 15);
/// Second-factor codes per account, whatever the session: a new password
/// sign-in must not buy a new budget of guesses. Never reset by a success.
pub const TOTP_PER_USER: Limit = Limit::per_minutes(20, 15);
/// Opening tokenised pages (links, invitations, portal) per client address.
pub const TOKEN_PER_IP: Limit = Limit::per_minutes(60, 15);
/// Shared job photos and thumbnails a client's browser loads from the
/// portal, per client address (a gallery is many requests; the tokens are
/// 256-bit, so this budget buys no guessing).
pub const PORTAL_PHOTO_PER_IP: Limit = Limit::per_minutes(900, 15);
/// Draft PDF previews per member (each one is a typst compilation).
pub const PREVIEW_PER_USER: Limit = Limit::per_minutes(60, 5);
/// Public requests from one IP address, per hour (homeowners send one or two).
pub const REQUEST_PER_IP: Limit = Limit::per_minutes(5, 60);
/// Calls a workspace makes to the e-invoicing platform by hand (reading
/// incoming flows, directory lookups).
pub const PLATFORM_PER_WORKSPACE: Limit = Limit::per_minutes(30, 10);
/// Verification emails per account.
pub const VERIFY_PER_USER: Limit = Limit::per_minutes(5, 60);

/// Where the counters live.
#[async_trait]
pub trait CounterStore: Send + Sync {
    /// Counts one hit for `key` in the current window of `window` (starting a
    /// new one when the last has ended). Returns the count, hit included, and
    /// the time left in the window.
    async fn hit(&self, key: &str, window: Duration) -> Result<(u32, Duration), String>;
    /// Forgets `key`.
    async fn reset(&self, key: &str) -> Result<(), String>;
}

/// Counts attempts and refuses those over a limit.
#[derive(Clone)]
pub struct RateLimiter {
    store: Arc<dyn CounterStore>,
}

impl RateLimiter {
    /// A limiter over `store`.
    pub fn new(store: Arc<dyn CounterStore>) -> RateLimiter {
        RateLimiter { store }
    }

    /// Counters in the application's database.
    pub fn database(db: DatabaseConnection) -> RateLimiter {
        RateLimiter::new(Arc::new(DbCounters { db }))
    }

    /// Counts one attempt for `key`; refuses when the window's budget is spent.
    /// A store that cannot be reached refuses too (never fail open).
    pub async fn check(&self, key: &str, limit: Limit, factor: u32) -> Result<(), AppError> {
        let max = limit.max.saturating_mul(factor.max(1));
        let (count, left) = self.store.hit(key, limit.window).await.map_err(|error| {
            tracing::error!(%error, "rate-limit store unreachable");
            AppError::Internal
        })?;
        if count > max {
            return Err(AppError::RateLimited {
                retry_after_secs: left.as_secs().max(1),
            });
        }
        Ok(())
    }

    /// Forgets a key (after a successful sign-in, failures start over).
    pub async fn reset(&self, key: &str) {
        if let Err(error) = self.store.reset(key).await {
            tracing::warn!(%error, "rate-limit counter not reset");
        }
    }
}

/// Counters in the `rate_limits` table: one upsert per hit, the same SQL on
/// SQLite and PostgreSQL.
pub struct DbCounters {
    db: DatabaseConnection,
}

fn left(ends: DateTime<Utc>, now: DateTime<Utc>) -> Duration {
    (ends - now).to_std().unwrap_or_default()
}

#[async_trait]
impl CounterStore for DbCounters {
    async fn hit(&self, key: &str, window: Duration) -> Result<(u32, Duration), String> {
        let now = super::time::now();
        let ends = now + TimeDelta::from_std(window).map_err(|e| e.to_string())?;
        let sql = db::numbered(
            &self.db,
            "INSERT INTO rate_limits (key, count, window_ends_at) VALUES ($1, 1, $2) \
             ON CONFLICT (key) DO UPDATE SET \
             count = CASE WHEN rate_limits.window_ends_at <= $3 THEN 1 ELSE rate_limits.count + 1 END, \
             window_ends_at = CASE WHEN rate_limits.window_ends_at <= $3 THEN excluded.window_ends_at \
             ELSE rate_limits.window_ends_at END \
             RETURNING count, window_ends_at",
        );
        let stmt = Statement::from_sql_and_values(
            self.db.get_database_backend(),
            sql,
            [key.into(), ends.into(), now.into()],
        );
        let row = self
            .db
            .query_one_raw(stmt)
            .await
            .map_err(|e| e.to_string())?
            .ok_or("no row returned")?;
        let count: i32 = row.try_get("", "count").map_err(|e| e.to_string())?;
        let ends: DateTime<Utc> = row.try_get("", "window_ends_at").map_err(|e| e.to_string())?;
        Ok((u32::try_from(count).unwrap_or(u32::MAX), left(ends, now)))
    }

    async fn reset(&self, key: &str) -> Result<(), String> {
        let sql = db::numbered(&self.db, "DELETE FROM rate_limits WHERE key = $1");
        let stmt = Statement::from_sql_and_values(self.db.get_database_backend(), sql, [key.into()]);
        self.db.execute_raw(stmt).await.map(|_| ()).map_err(|e| e.to_string())
    }
}

/// Deletes counters whose window ended (the scheduler runs it).
pub async fn purge(db: &DatabaseConnection) -> Result<u64, sea_orm::DbErr> {
    let sql = db::numbered(db, "DELETE FROM rate_limits WHERE window_ends_at < $1");
    let stmt = Statement::from_sql_and_values(db.get_database_backend(), sql, [super::time::now().into()]);
    Ok(db.execute_raw(stmt).await?.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::sync::Mutex;

    /// Counters in memory, for testing the limiter's arithmetic alone.
    #[derive(Default)]
    struct Memory(Mutex<HashMap<String, u32>>);

    #[async_trait]
    impl CounterStore for Memory {
        async fn hit(&self, key: &str, window: Duration) -> Result<(u32, Duration), String> {
            let mut map = self.0.lock().map_err(|e| e.to_string())?;
            let count = map.entry(key.to_string()).or_insert(0);
            *count += 1;
            Ok((*count, window))
        }
        async fn reset(&self, key: &str) -> Result<(), String> {
            self.0.lock().map_err(|e| e.to_string())?.remove(key);
            Ok(())
        }
    }

    #[tokio::test]
    async fn refuses_after_the_budget_and_reports_the_wait() {
        let limiter = RateLimiter::new(Arc::new(Memory::default()));
        let limit = Limit::per_minutes(2, 10);
        assert!(limiter.check("k", limit, 1).await.is_ok());
        assert!(limiter.check("k", limit, 1).await.is_ok());
        match limiter.check("k", limit, 1).await {
            Err(AppError::RateLimited { retry_after_secs }) => assert_eq!(retry_after_secs, 600),
            other => panic!("expected a rate limit, got {other:?}"),
        }
        assert!(limiter.check("other", limit, 1).await.is_ok());
        limiter.reset("k").await;
        assert!(limiter.check("k", limit, 1).await.is_ok());
    }
}
