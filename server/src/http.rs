//! The axum router: Leptos pages and server functions, health, metrics,
//! static files, and the middleware around them.

use crate::assets;
use crate::telemetry;
use app::infra::AppState;
use app::{App, AppError, shell};
use axum::body::{Body, to_bytes};
use axum::extract::{FromRef, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use http::header::{HOST, HeaderName, HeaderValue, ORIGIN};
use http::{Method, StatusCode};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use metrics_exporter_prometheus::PrometheusHandle;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

/// State of the axum router.
#[derive(Clone)]
pub struct ServerState {
    /// Leptos settings (site root, output name…).
    pub leptos: LeptosOptions,
    /// Application state.
    pub app: AppState,
    /// Metrics renderer.
    pub metrics: PrometheusHandle,
    /// Turns true when the server stops (ends live streams).
    pub shutdown: tokio::sync::watch::Receiver<bool>,
    /// Security headers (https or not).
    pub headers: crate::headers::HeaderSettings,
    /// `/metrics` on this router answers only to `Authorization: Bearer <token>`;
    /// without a token it is not served here (see `COMPTOIR_METRICS_ADDR`).
    pub metrics_token: Option<String>,
}

impl FromRef<ServerState> for LeptosOptions {
    fn from_ref(state: &ServerState) -> Self {
        state.leptos.clone()
    }
}

/// `GET /health`: 200 when the database answers, 503 otherwise.
async fn health(State(state): State<ServerState>) -> Response {
    let version = env!("CARGO_PKG_VERSION");
    let ping = tokio::time::timeout(std::time::Duration::from_secs(2), app::infra::db::ping(&state.app.db)).await;
    match ping {
        Ok(Ok(())) => Json(serde_json::json!({ "status": "ok", "database": "ok", "version": version })).into_response(),
        _ => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({ "status": "error", "database": "unreachable", "version": version })),
        )
            .into_response(),
    }
}

/// Prometheus text of `handle`.
pub fn metrics_text(handle: &PrometheusHandle) -> Response {
    (
        [(http::header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        handle.render(),
    )
        .into_response()
}

/// `GET /metrics` on the public router: only with the configured bearer token
/// (compared in constant time); 404 when no token is configured.
async fn metrics(State(state): State<ServerState>, request: Request) -> Response {
    let Some(token) = state.metrics_token.as_deref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let given = request
        .headers()
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let same =
        given.len() == token.len() && given.bytes().zip(token.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
    if !same {
        return (StatusCode::UNAUTHORIZED, [(http::header::WWW_AUTHENTICATE, "Bearer")]).into_response();
    }
    metrics_text(&state.metrics)
}

/// How often an idle live stream re-checks that its session may still read.
const LIVE_RECHECK: std::time::Duration = std::time::Duration::from_secs(10);

/// `GET /app/live`: server-sent events of the session's workspace (board
/// changes…), so that open pages show other people's changes without reload.
/// Rights are checked again before every update and every few seconds: a
/// removed member, a closed session or a switched workspace stops receiving.
async fn live(State(state): State<ServerState>, request: Request) -> Response {
    use axum::response::sse::{Event, KeepAlive, Sse};
    let (parts, _) = request.into_parts();
    let Ok(Some((session, user))) = app::infra::scope::load_session(&state.app, &parts).await else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    if session.mfa_pending {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let current = app::infra::SessionUser {
        session,
        user,
        meta: Default::default(),
    };
    let Ok(Some((_, workspace))) = app::infra::scope::current_membership(&state.app.db, &current).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    struct Stream {
        receiver: tokio::sync::broadcast::Receiver<app::infra::live::LiveUpdate>,
        shutdown: tokio::sync::watch::Receiver<bool>,
        app: AppState,
        session_id: uuid::Uuid,
        workspace_id: uuid::Uuid,
        recheck: tokio::time::Interval,
    }
    let mut recheck = tokio::time::interval(LIVE_RECHECK);
    recheck.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let start = Stream {
        receiver: state.app.live.subscribe(),
        shutdown: state.shutdown.clone(),
        app: state.app.clone(),
        session_id: current.session.id,
        workspace_id: workspace.id,
        recheck,
    };
    let stream = futures::stream::unfold(start, |mut s| async move {
        loop {
            enum Step {
                Update(app::infra::live::LiveUpdate),
                Recheck,
                Skip,
                Stop,
            }
            let next = tokio::select! {
                update = s.receiver.recv() => match update {
                    Ok(u) if u.workspace_id == s.workspace_id => Step::Update(u),
                    Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => Step::Skip,
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => Step::Stop,
                },
                _ = s.recheck.tick() => Step::Recheck,
                _ = s.shutdown.wait_for(|stop| *stop) => Step::Stop,
            };
            let update = match next {
                Step::Stop => return None,
                Step::Skip => continue,
                Step::Recheck => None,
                Step::Update(u) => Some(u),
            };
            let entitled = app::infra::scope::still_entitled(&s.app.db, s.session_id, s.workspace_id).await;
            if !matches!(entitled, Ok(true)) {
                return None;
            }
            if let Some(u) = update {
                let event = Event::default().event(u.topic).data(u.payload);
                return Some((Ok::<_, std::convert::Infallible>(event), s));
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::default()).into_response()
}

/// Server functions that take a file (as a data URL in JSON) and the body
/// they may send: 5 MB of file is 6.7 MB of base64. Every other request keeps
/// axum's 2 MB.
// A job photo: 15 MB as base64 (4/3) in a JSON body.
const UPLOADS: [(&str, usize); 2] = [
    ("/api/upload_artisan_document", 7 << 20),
    ("/api/add_job_photo", 21 << 20),
];

/// Raises the body limit for the upload server functions only.
async fn upload_limits(request: Request, next: Next) -> Response {
    use tower::{Layer, Service};
    match UPLOADS.iter().find(|(path, _)| request.uri().path() == *path) {
        Some((_, limit)) => match axum::extract::DefaultBodyLimit::max(*limit)
            .layer(next)
            .call(request)
            .await
        {
            Ok(response) => response,
            Err(never) => match never {},
        },
        None => next.run(request).await,
    }
}

/// Refuses cross-site writes: a mutating request must come from our own pages
/// (Sec-Fetch-Site) or carry our own Origin. Non-browser clients send neither.
async fn same_origin_writes(request: Request, next: Next) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let headers = request.headers();
        let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
        let cross_site = matches!(fetch_site, Some(site) if site != "same-origin" && site != "none");
        let origin_mismatch = match (headers.get(ORIGIN).and_then(|v| v.to_str().ok()), headers.get(HOST)) {
            (Some(origin), Some(host)) => {
                let origin_host = origin.split("://").nth(1).unwrap_or_default();
                host.to_str().map(|h| h != origin_host).unwrap_or(true)
            }
            _ => false,
        };
        if cross_site || origin_mismatch {
            tracing::warn!(?fetch_site, "cross-site write refused");
            return (StatusCode::FORBIDDEN, "Requête refusée : origine non autorisée.").into_response();
        }
    }
    next.run(request).await
}

/// Server functions answer errors with 500; this gives each `AppError` its
/// own status (401, 403, 404, 409, 422, 429…) so that clients and logs can tell.
async fn error_status(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR || !response.headers().contains_key("serverfnerror") {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, 1 << 20).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "").into_response();
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if let AppError::RateLimited { retry_after_secs } = error
            && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
        {
            parts.headers.insert(http::header::RETRY_AFTER, v);
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Sends visitors without a session to the sign-in page before rendering a
/// signed-in page, and signed-in users away from the sign-in pages.
async fn page_guard(State(state): State<ServerState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let protected =
        path == "/" || path == "/app" || path.starts_with("/app/") || path == "/admin" || path.starts_with("/admin/");
    let guest_only = path == "/login" || path == "/signup";
    if request.method() != Method::GET || !(protected || guest_only) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let session = app::infra::scope::load_session(&state.app, &parts).await;
    let request = Request::from_parts(parts, body);
    match session {
        Err(_) => next.run(request).await,
        Ok(None) if protected => {
            let path_and_query = request.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/app");
            if path_and_query == "/" || path_and_query == "/app" {
                Redirect::to("/login").into_response()
            } else {
                Redirect::to(&format!("/login?next={}", encode(path_and_query))).into_response()
            }
        }
        Ok(Some((session, _))) if session.mfa_pending && (protected || guest_only) => {
            Redirect::to("/login/totp").into_response()
        }
        Ok(Some(_)) if guest_only || request.uri().path() == "/" => Redirect::to("/app").into_response(),
        _ => next.run(request).await,
    }
}

fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Builds the whole router.
pub fn router(state: ServerState) -> Router {
    let routes = generate_route_list(App);
    let leptos = state.leptos.clone();
    let headers = state.headers;
    let dev_reload = std::env::var("LEPTOS_WATCH")
        .is_ok()
        .then(|| u16::try_from(state.leptos.reload_port).ok())
        .flatten();
    let context = {
        let app_state = state.app.clone();
        move || {
            provide_context(app_state.clone());
            crate::headers::provide_page_policy(headers, dev_reload);
        }
    };
    let api = Router::new()
        .route("/health", get(health))
        .route("/metrics", get(metrics))
        .route("/app/live", get(live))
        .route(
            "/api/v1/setter/events",
            axum::routing::post(crate::setter_api::setter_events),
        )
        .route("/api/v1/openapi.json", get(crate::openapi::openapi_json))
        .route("/app/quotes/{id}/pdf", get(crate::documents::quote_pdf))
        .route("/app/invoices/{id}/pdf", get(crate::documents::invoice_pdf))
        .route("/app/accounting/fec", get(crate::documents::fec))
        .route("/app/einvoicing/received/{id}", get(crate::documents::received_invoice))
        .route("/app/accounting/{file}", get(crate::documents::csv))
        .route("/app/artisan-documents/{id}", get(crate::documents::artisan_document))
        .route("/app/request-photos/{id}", get(crate::documents::request_photo))
        .route("/app/job-photos/{id}", get(crate::documents::job_photo))
        .route("/app/job-photos/{id}/thumb", get(crate::documents::job_photo_thumb))
        .route("/app/jobs/{id}/report", get(crate::documents::job_report))
        .route(
            "/demande",
            get(crate::public_form::platform_form).post(crate::public_form::platform_submit),
        )
        .route("/demande/communes", get(crate::public_form::communes))
        .route("/demande/merci", get(crate::public_form::thanks))
        .route("/demande/suivi/{token}", get(crate::public_form::follow))
        .route(
            "/w/{slug}/demande",
            get(crate::public_form::own_form).post(crate::public_form::own_submit),
        )
        .route("/portal/{token}/pdf", get(crate::documents::portal_pdf))
        .route("/portal/{token}/photos/{id}", get(crate::documents::portal_job_photo))
        .route(
            "/portal/{token}/photos/{id}/thumb",
            get(crate::documents::portal_job_photo_thumb),
        )
        .route(
            "/portal/{token}/jobs/{id}/report",
            get(crate::documents::portal_job_report),
        )
        .route(
            "/portal/{token}/documents/{id}/pdf",
            get(crate::documents::portal_document_pdf),
        )
        .leptos_routes_with_context(&state, routes, context.clone(), move || shell(leptos.clone()))
        .fallback(leptos_axum::file_and_error_handler_with_context::<ServerState, _>(
            context, shell,
        ));
    let pkg_dir = std::path::Path::new(&*state.leptos.site_root).join(&*state.leptos.site_pkg_dir);
    let pkg = tower_http::services::ServeDir::new(pkg_dir)
        .precompressed_br()
        .precompressed_gzip();
    let api = api.nest_service(&format!("/{}", state.leptos.site_pkg_dir), pkg);
    let x_request_id = HeaderName::from_static("x-request-id");
    api.layer(middleware::from_fn_with_state(state.clone(), page_guard))
        .layer(middleware::from_fn(error_status))
        .layer(middleware::from_fn(upload_limits))
        .layer(middleware::from_fn(same_origin_writes))
        .layer(middleware::from_fn(assets::cache_headers))
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4)))
        .layer(middleware::from_fn_with_state(
            headers,
            crate::headers::security_headers,
        ))
        .layer(middleware::from_fn(telemetry::record_metrics))
        .layer(PropagateRequestIdLayer::new(x_request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request| {
            let id = request
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            tracing::info_span!("http", request_id = %id, method = %request.method(), path = %request.uri().path())
        }))
        .layer(SetRequestIdLayer::new(x_request_id, MakeRequestUuid))
        .with_state(state)
}
