//! An in-process S3 endpoint for the file store's tests: path-style
//! `PUT`/`GET`/`HEAD`/`DELETE /{bucket}/{key}`, objects in memory, the
//! headers the S3 protocol answers with (ETag, Last-Modified, Content-Length,
//! `NoSuchKey` XML), and every request required to carry an AWS SigV4
//! `Authorization` for the configured access key and a payload hash.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The fake bucket's state, shared with the test.
#[derive(Clone, Default)]
pub struct S3 {
    /// Objects by key.
    pub objects: Arc<Mutex<HashMap<String, Vec<u8>>>>,
    /// Requests refused for a bad signature header.
    pub unsigned: Arc<Mutex<u32>>,
}

pub const BUCKET: &str = "comptoir-test";
pub const ACCESS_KEY: &str = "AKIACOMPTOIRTEST";

async fn object(
    State(s3): State<S3>,
    method: Method,
    Path((bucket, key)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let signed = auth.starts_with(&format!("AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/"))
        && auth.contains("Signature=")
        && headers.contains_key("x-amz-content-sha256")
        && headers.contains_key("x-amz-date");
    if !signed || bucket != BUCKET {
        *s3.unsigned.lock().unwrap() += 1;
        return (StatusCode::FORBIDDEN, "<Error><Code>AccessDenied</Code></Error>").into_response();
    }
    let mut objects = s3.objects.lock().unwrap();
    let last_modified = "Mon, 30 Nov 2026 12:00:00 GMT";
    match method {
        Method::PUT => {
            let etag = format!("\"{:x}\"", body.len() * 7919 + 17);
            objects.insert(key, body.to_vec());
            (StatusCode::OK, [("etag", etag)]).into_response()
        }
        Method::GET | Method::HEAD => match objects.get(&key) {
            Some(bytes) => {
                let headers = [
                    ("etag", format!("\"{:x}\"", bytes.len() * 7919 + 17)),
                    ("last-modified", last_modified.to_string()),
                    ("content-length", bytes.len().to_string()),
                    ("content-type", "application/octet-stream".to_string()),
                ];
                if method == Method::HEAD {
                    (StatusCode::OK, headers).into_response()
                } else {
                    (StatusCode::OK, headers, bytes.clone()).into_response()
                }
            }
            None => (
                StatusCode::NOT_FOUND,
                [("content-type", "application/xml")],
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>",
            )
                .into_response(),
        },
        Method::DELETE => {
            objects.remove(&key);
            StatusCode::NO_CONTENT.into_response()
        }
        _ => StatusCode::METHOD_NOT_ALLOWED.into_response(),
    }
}

/// Starts the endpoint; returns its configuration for the server and its state.
pub async fn start() -> (server::s3::S3Config, S3) {
    let s3 = S3::default();
    let router = axum::Router::new()
        .route("/{bucket}/{*key}", axum::routing::any(object))
        .with_state(s3.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.ok() });
    (
        server::s3::S3Config {
            bucket: BUCKET.into(),
            endpoint: Some(endpoint),
            region: "fr-par".into(),
            access_key_id: ACCESS_KEY.into(),
            secret_access_key: "secret-for-tests".into(),
        },
        s3,
    )
}
