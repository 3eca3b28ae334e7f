//! Server functions of the audit trail.

use super::{ChainReport, EventPage};
use crate::error::AppError;
use leptos::prelude::*;

/// A page of the audit trail with optional filters (`from`/`to` as `YYYY-MM-DD`).
#[server(endpoint = "list_events")]
pub async fn list_events(
    before_seq: Option<i64>,
    action: Option<String>,
    actor: Option<String>,
    from: Option<String>,
    to: Option<String>,
) -> Result<EventPage, AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    let day = |value: Option<String>, field: &str| -> Result<Option<chrono::NaiveDate>, AppError> {
        match value.filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| AppError::field(field, "Date invalide.")),
        }
    };
    let filter = super::service::Filter {
        before_seq,
        action: action
            .as_deref()
            .filter(|a| !a.is_empty())
            .and_then(super::EventAction::parse),
        actor: actor.as_deref().and_then(|a| a.parse().ok()),
        from: day(from, "from")?,
        to: day(to, "to")?,
    };
    super::service::list(&state.db, &scope, filter).await
}

/// Recomputes the workspace's hash chain.
#[server(endpoint = "verify_audit_chain")]
pub async fn verify_audit_chain() -> Result<ChainReport, AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    super::service::verify(&state.db, &scope).await
}
