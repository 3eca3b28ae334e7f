//! `POST /api/v1/setter/events`: the DM-setter feed (n8n). JSON in, JSON out:
//! 200 with what was applied, 401 without a valid key, 422 with one message
//! per wrong field (nothing written), 413 over 8 MB. The answers are the
//! typed bodies of `app::setter::wire`, from which `/api/v1/openapi.json` is
//! generated.

use crate::http::ServerState;
use app::setter::feed::{self, FeedError};
use app::setter::wire::{Applied, FeedAccepted, FeedError as ErrorBody, FeedInvalid};
use axum::Json;
use axum::body::to_bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;

/// Largest accepted body.
const MAX_BODY: usize = 8 << 20;

fn error(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(ErrorBody {
            error: message.to_string(),
        }),
    )
        .into_response()
}

/// Receives one batch of setter events.
#[utoipa::path(
    post,
    path = "/api/v1/setter/events",
    tag = "setter",
    request_body = app::setter::wire::SetterBatch,
    security(("api_key" = [])),
    responses(
        (status = 200, description = "Every event applied (replays counted as duplicates); optional fields that failed their check dropped, with a warning each.", body = FeedAccepted),
        (status = 401, description = "Missing, unknown or revoked API key.", body = ErrorBody),
        (status = 413, description = "Body over 8 MB.", body = ErrorBody),
        (status = 422, description = "Invalid events: nothing written.", body = FeedInvalid),
        (status = 429, description = "Too many bad keys from this address.", body = ErrorBody),
    )
)]
pub async fn setter_events(State(state): State<ServerState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let meta = app::infra::request::meta_from_parts(&parts, state.app.config.proxy_hops);
    let ip = meta.limit_key();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Requête trop grande (8 Mo au plus) : envoyez moins d'évènements à la fois.",
        );
    };
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim);
    match feed::receive(&state.app, bearer, &bytes, meta).await {
        Ok(feed::Received { outcome, warnings }) => {
            let applied = Applied {
                events: outcome.events as u64,
                leads_created: outcome.leads_created as u64,
                leads_updated: outcome.leads_updated as u64,
                messages: outcome.messages as u64,
                status_changes: outcome.status_changes as u64,
                duplicates: outcome.duplicates as u64,
            };
            let mut dropped: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for w in warnings.0 {
                dropped.entry(w.field).or_default().push(w.message);
            }
            let body = FeedAccepted {
                ok: true,
                applied,
                warnings: dropped,
            };
            (StatusCode::OK, Json(body)).into_response()
        }
        Err(FeedError::Unauthorized) => {
            // Guessing keys costs attempts from the same address.
            let limited = state
                .app
                .limiter
                .check(
                    &format!("api-key-ip:{ip}"),
                    app::infra::rate_limit::TOKEN_PER_IP,
                    state.app.config.rate_limit_factor,
                )
                .await;
            let status = if limited.is_err() {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNAUTHORIZED
            };
            let mut response = error(
                status,
                "Clé API absente, inconnue ou révoquée (en-tête Authorization: Bearer <clé>).",
            );
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            response
        }
        Err(FeedError::Invalid(errors)) => {
            let mut fields: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for e in errors.0 {
                fields.entry(e.field).or_default().push(e.message);
            }
            let body = FeedInvalid {
                error: "Évènements invalides : rien n'a été enregistré.".into(),
                fields,
            };
            (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
        }
        Err(FeedError::Failed(failure)) => {
            tracing::error!(?failure, "setter feed failed");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Erreur interne : rien n'a été enregistré, réessayez.",
            )
        }
    }
}
