//! The rate-limit counters in Redis (`REDIS_URL`), for deployments that
//! already run one: the same fixed windows as the database counters, one
//! atomic round trip per hit (`SET NX PX`, `INCR`, `PTTL` in a transaction).

use app::infra::rate_limit::CounterStore;
use async_trait::async_trait;
use redis::aio::ConnectionManager;
use std::time::Duration;
use tokio::sync::OnceCell;

const PREFIX: &str = "comptoir:rl:";

/// Counters in Redis; connects on first use and reconnects by itself.
pub struct RedisCounters {
    client: redis::Client,
    connection: OnceCell<ConnectionManager>,
}

impl RedisCounters {
    /// Counters at `url` (`redis://host:6379/0`); fails on a malformed URL.
    pub fn new(url: &str) -> Result<RedisCounters, String> {
        Ok(RedisCounters {
            client: redis::Client::open(url).map_err(|e| format!("REDIS_URL: {e}"))?,
            connection: OnceCell::new(),
        })
    }

    async fn connection(&self) -> Result<ConnectionManager, String> {
        self.connection
            .get_or_try_init(|| async { ConnectionManager::new(self.client.clone()).await })
            .await
            .cloned()
            .map_err(|e| e.to_string())
    }
}

#[async_trait]
impl CounterStore for RedisCounters {
    async fn hit(&self, key: &str, window: Duration) -> Result<(u32, Duration), String> {
        let mut connection = self.connection().await?;
        let key = format!("{PREFIX}{key}");
        let window_ms = u64::try_from(window.as_millis()).unwrap_or(u64::MAX).max(1);
        let (count, ttl_ms): (u32, i64) = redis::pipe()
            .atomic()
            .cmd("SET")
            .arg(&key)
            .arg(0)
            .arg("NX")
            .arg("PX")
            .arg(window_ms)
            .ignore()
            .cmd("INCR")
            .arg(&key)
            .cmd("PTTL")
            .arg(&key)
            .query_async(&mut connection)
            .await
            .map_err(|e| e.to_string())?;
        Ok((count, Duration::from_millis(u64::try_from(ttl_ms).unwrap_or(0))))
    }

    async fn reset(&self, key: &str) -> Result<(), String> {
        let mut connection = self.connection().await?;
        redis::cmd("DEL")
            .arg(format!("{PREFIX}{key}"))
            .query_async::<()>(&mut connection)
            .await
            .map_err(|e| e.to_string())
    }
}
