//! Fixed-window attempt counters per key (IP, email, session).
//!
//! Kept in memory: one server process is the deployment unit today. A
//! multi-instance deployment would move this to the database or Redis behind
//! the same `check` call.

use crate::error::AppError;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

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

/// Sign-in attempts per client IP.
pub const SIGN_IN_PER_IP: Limit = Limit::per_minutes(30, 15);
/// Sign-in attempts per account.
pub const SIGN_IN_PER_EMAIL: Limit = Limit::per_minutes(8, 15);
/// Magic links and reset links per address.
pub const LINK_PER_EMAIL: Limit = Limit::per_minutes(5, 60);
/// Magic links and reset links per client IP.
pub const LINK_PER_IP: Limit = Limit::per_minutes(20, 60);
/// Second-factor codes per session.
pub const TOTP_PER_SESSION: Limit = Limit::per_minutes(10, 15);
/// Second-factor codes per account, whatever the session (a new password
/// sign-in must not buy a new budget of guesses).
pub const TOTP_PER_USER: Limit = Limit::per_minutes(20, 15);
/// Opening tokenised pages (links, invitations) per client IP.
pub const TOKEN_PER_IP: Limit = Limit::per_minutes(60, 15);

/// In-memory counters.
#[derive(Default)]
pub struct RateLimiter {
    buckets: Mutex<HashMap<String, (Instant, u32)>>,
}

impl RateLimiter {
    /// Counts one attempt for `key`; refuses when the window's budget is spent.
    pub fn check(&self, key: &str, limit: Limit, factor: u32) -> Result<(), AppError> {
        let now = Instant::now();
        let max = limit.max.saturating_mul(factor.max(1));
        let mut buckets = self.buckets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() > 50_000 {
            buckets.retain(|_, (start, _)| now.duration_since(*start) < Duration::from_secs(3600));
        }
        let entry = buckets.entry(key.to_string()).or_insert((now, 0));
        if now.duration_since(entry.0) >= limit.window {
            *entry = (now, 0);
        }
        if entry.1 >= max {
            let retry = limit.window.saturating_sub(now.duration_since(entry.0));
            return Err(AppError::RateLimited {
                retry_after_secs: retry.as_secs().max(1),
            });
        }
        entry.1 += 1;
        Ok(())
    }

    /// Forgets a key (after a successful sign-in, failures start over).
    pub fn reset(&self, key: &str) {
        self.buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_after_the_budget_and_reports_the_wait() {
        let limiter = RateLimiter::default();
        let limit = Limit::per_minutes(2, 10);
        assert!(limiter.check("k", limit, 1).is_ok());
        assert!(limiter.check("k", limit, 1).is_ok());
        match limiter.check("k", limit, 1) {
            Err(AppError::RateLimited { retry_after_secs }) => assert!(retry_after_secs > 590),
            other => panic!("expected a rate limit, got {other:?}"),
        }
        assert!(limiter.check("other", limit, 1).is_ok());
        limiter.reset("k");
        assert!(limiter.check("k", limit, 1).is_ok());
    }
}
