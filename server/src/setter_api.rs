//! `POST /api/v1/setter/events`: the DM-setter feed (n8n). JSON in, JSON out:
//! 200 with what was applied, 401 without a valid key, 422 with one message
//! per wrong field (nothing written), 413 over 8 MB.

use crate::http::ServerState;
use app::setter::feed::{self, FeedError};
use axum::Json;
use axum::body::to_bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::collections::BTreeMap;

/// Largest accepted body.
const MAX_BODY: usize = 8 << 20;

/// Receives one batch of setter events.
pub async fn setter_events(State(state): State<ServerState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let meta = app::infra::request::meta_from_parts(&parts, state.app.config.trust_proxy);
    let ip = meta.ip.clone().unwrap_or_default();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            Json(json!({"error": "Requête trop grande (8 Mo au plus) : envoyez moins d'évènements à la fois."})),
        )
            .into_response();
    };
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim);
    match feed::receive(&state.app, bearer, &bytes, meta).await {
        Ok(outcome) => (StatusCode::OK, Json(json!({"ok": true, "applied": outcome}))).into_response(),
        Err(FeedError::Unauthorized) => {
            // Guessing keys costs attempts from the same address.
            let limited = state.app.limiter.check(
                &format!("api-key-ip:{ip}"),
                app::infra::rate_limit::TOKEN_PER_IP,
                state.app.config.rate_limit_factor,
            );
            let status = if limited.is_err() {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNAUTHORIZED
            };
            let mut response = (
                status,
                Json(json!({"error": "Clé API absente, inconnue ou révoquée (en-tête Authorization: Bearer <clé>)."})),
            )
                .into_response();
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
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(json!({"error": "Évènements invalides : rien n'a été enregistré.", "fields": fields})),
            )
                .into_response()
        }
        Err(FeedError::Failed(error)) => {
            tracing::error!(?error, "setter feed failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Json(json!({"error": "Erreur interne : rien n'a été enregistré, réessayez."})),
            )
                .into_response()
        }
    }
}
