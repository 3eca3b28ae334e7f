//! An in-process Plateforme Agréée speaking the AFNOR XP Z12-013 API (Flow
//! Service and Directory Service 1.3.0), as much as Comptoir uses: OAuth2
//! client credentials, multipart flow submission (checked: `flowInfo`
//! fields, SHA-256, `Organization-Id`), search with cursors and filters,
//! download of the original file, directory lines by SIREN. Tests push
//! incoming flows (lifecycle statuses, supplier invoices) and switch
//! failures on.

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};
use sha2::Digest;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// One flow the platform holds.
#[derive(Clone, Debug)]
pub struct PaFlow {
    pub flow_id: String,
    pub organization: String,
    pub tracking_id: String,
    pub name: String,
    pub syntax: String,
    pub flow_type: String,
    pub direction: String,
    pub processing_rule: String,
    pub bytes: Vec<u8>,
    pub updated_at: String,
}

/// What the platform knows and how it misbehaves.
#[derive(Default)]
pub struct PaState {
    pub flows: Vec<PaFlow>,
    pub directory: HashMap<String, (String, String)>,
    pub tokens_issued: u32,
    /// The next submission is refused with 422 and this message.
    pub reject_next: Option<String>,
    /// Every submission answers 503.
    pub unavailable: bool,
    /// The next submission is stored but answered 500 (the answer is lost).
    pub lose_next_answer: bool,
    /// Every request's `Organization-Id`.
    pub organizations: Vec<String>,
    seq: u64,
}

/// The running platform.
pub struct FakePa {
    pub base: String,
    pub state: Arc<Mutex<PaState>>,
}

const CLIENT_ID: &str = "comptoir";
const CLIENT_SECRET: &str = "s3cret-test";

type Shared = Arc<Mutex<PaState>>;

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(json!({ "errorCode": code, "errorMessage": message }))).into_response()
}

fn authorised(headers: &HeaderMap) -> bool {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Bearer tok-"))
}

fn organization(state: &Shared, headers: &HeaderMap) -> String {
    let org = headers
        .get("organization-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    state.lock().unwrap().organizations.push(org.clone());
    org
}

fn metadata(f: &PaFlow) -> Value {
    json!({
        "flowId": f.flow_id, "trackingId": f.tracking_id, "name": f.name, "flowSyntax": f.syntax,
        "flowProfile": "CIUS", "processingRule": f.processing_rule, "submittedAt": f.updated_at,
        "updatedAt": f.updated_at, "flowType": f.flow_type, "processingRuleSource": "Input",
        "flowDirection": f.direction, "acknowledgement": { "status": "Ok" },
    })
}

async fn token(State(state): State<Shared>, headers: HeaderMap, body: String) -> Response {
    use base64::Engine;
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
    );
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(expected.as_str())
        || body != "grant_type=client_credentials"
    {
        return error(StatusCode::UNAUTHORIZED, "invalid_client", "bad credentials");
    }
    let mut s = state.lock().unwrap();
    s.tokens_issued += 1;
    Json(json!({ "access_token": format!("tok-{}", s.tokens_issued), "token_type": "Bearer", "expires_in": 3600 }))
        .into_response()
}

async fn submit(State(state): State<Shared>, headers: HeaderMap, mut form: Multipart) -> Response {
    if !authorised(&headers) {
        return error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", "token");
    }
    let org = organization(&state, &headers);
    let (mut info, mut file) = (None::<Value>, None::<Vec<u8>>);
    while let Ok(Some(field)) = form.next_field().await {
        match field.name() {
            Some("flowInfo") => {
                if field.content_type() != Some("application/json") {
                    return error(StatusCode::BAD_REQUEST, "BAD_PART", "flowInfo must be JSON");
                }
                info = serde_json::from_slice(&field.bytes().await.unwrap()).ok();
            }
            Some("file") => file = Some(field.bytes().await.unwrap().to_vec()),
            _ => {}
        }
    }
    let (Some(info), Some(file)) = (info, file) else {
        return error(StatusCode::BAD_REQUEST, "MISSING_REQUIRED_FIELD", "flowInfo and file");
    };
    for required in ["name", "flowSyntax", "trackingId"] {
        if !info[required].is_string() {
            return error(StatusCode::BAD_REQUEST, "MISSING_REQUIRED_FIELD", required);
        }
    }
    if info["sha256"].as_str() != Some(hex::encode(sha2::Sha256::digest(&file)).as_str()) {
        return error(StatusCode::BAD_REQUEST, "SHA256_MISMATCH", "sha256");
    }
    if org.len() != 9 {
        return error(StatusCode::BAD_REQUEST, "ORGANIZATION", "Organization-Id");
    }
    let mut s = state.lock().unwrap();
    if s.unavailable {
        return error(StatusCode::SERVICE_UNAVAILABLE, "UNAVAILABLE", "maintenance");
    }
    if let Some(message) = s.reject_next.take() {
        return error(StatusCode::UNPROCESSABLE_ENTITY, "REJECTED", &message);
    }
    s.seq += 1;
    let syntax = info["flowSyntax"].as_str().unwrap().to_string();
    let flow = PaFlow {
        flow_id: format!("flow-{}", s.seq),
        organization: org,
        tracking_id: info["trackingId"].as_str().unwrap().to_string(),
        name: info["name"].as_str().unwrap().to_string(),
        flow_type: if syntax == "CDAR" {
            "CustomerInvoiceLC"
        } else {
            "CustomerInvoice"
        }
        .into(),
        syntax,
        direction: "Out".into(),
        processing_rule: info["processingRule"].as_str().unwrap_or("B2B").to_string(),
        bytes: file,
        updated_at: format!("2026-11-30T10:00:{:02}.000Z", s.seq % 60),
    };
    let answer = json!({
        "flowId": flow.flow_id, "submittedAt": flow.updated_at, "trackingId": flow.tracking_id,
        "name": flow.name, "flowSyntax": flow.syntax,
    });
    s.flows.push(flow);
    if std::mem::take(&mut s.lose_next_answer) {
        return error(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL", "lost");
    }
    (StatusCode::ACCEPTED, Json(answer)).into_response()
}

async fn search(State(state): State<Shared>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    if !authorised(&headers) {
        return error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", "token");
    }
    let org = organization(&state, &headers);
    let filter = &body["where"];
    if !filter.is_object() || filter.as_object().unwrap().is_empty() {
        return error(StatusCode::BAD_REQUEST, "MISSING_CRITERIA", "where");
    }
    let wanted = |key: &str, value: &str| {
        filter[key]
            .as_array()
            .is_none_or(|list| list.iter().any(|v| v.as_str() == Some(value)))
    };
    let s = state.lock().unwrap();
    let start: usize = body["cursor"].as_str().and_then(|c| c.parse().ok()).unwrap_or(0);
    let limit = body["limit"].as_u64().unwrap_or(50) as usize;
    let matching: Vec<(usize, &PaFlow)> = s
        .flows
        .iter()
        .enumerate()
        .filter(|(_, f)| f.organization == org)
        .filter(|(_, f)| filter["trackingId"].as_str().is_none_or(|t| t == f.tracking_id))
        .filter(|(_, f)| wanted("flowDirection", &f.direction) && wanted("flowType", &f.flow_type))
        .filter(|(_, f)| {
            filter["updatedAfter"]
                .as_str()
                .is_none_or(|after| f.updated_at.as_str() > after)
        })
        .filter(|(i, _)| *i >= start)
        .collect();
    let page: Vec<Value> = matching.iter().take(limit).map(|(_, f)| metadata(f)).collect();
    let mut answer = json!({ "limit": limit, "filters": filter, "results": page });
    if matching.len() > limit {
        answer["nextCursor"] = json!(matching[limit].0.to_string());
    }
    Json(answer).into_response()
}

async fn download(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if !authorised(&headers) {
        return error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", "token");
    }
    let org = organization(&state, &headers);
    let s = state.lock().unwrap();
    let Some(flow) = s.flows.iter().find(|f| f.flow_id == id && f.organization == org) else {
        return error(StatusCode::NOT_FOUND, "NOT_FOUND", "flow");
    };
    match query.get("docType").map(String::as_str) {
        Some("Original") => (
            [
                ("content-type", "application/octet-stream".to_string()),
                ("content-disposition", format!("attachment;filename={}", flow.name)),
            ],
            flow.bytes.clone(),
        )
            .into_response(),
        _ => Json(metadata(flow)).into_response(),
    }
}

async fn directory(State(state): State<Shared>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    if !authorised(&headers) {
        return error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", "token");
    }
    let siren = body["filters"]["siren"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let s = state.lock().unwrap();
    let results: Vec<Value> = s
        .directory
        .get(&siren)
        .map(|(name, address)| {
            vec![json!({
                "addressingIdentifier": address, "platformType": "WK", "directoryLineStatus": "Enabled",
                "siren": siren, "legalUnit": { "siren": siren, "businessName": name, "administrativeStatus": "A" },
            })]
        })
        .unwrap_or_default();
    Json(json!({ "totalNumberOfResults": results.len(), "results": results })).into_response()
}

impl FakePa {
    /// Starts on a free port.
    pub async fn start() -> FakePa {
        let state: Shared = Arc::new(Mutex::new(PaState::default()));
        let app = Router::new()
            .route("/auth/token", post(token))
            .route("/flow-service/v1/flows", post(submit))
            .route("/flow-service/v1/flows/search", post(search))
            .route("/flow-service/v1/flows/{id}", get(download))
            .route("/directory-service/v1/directory-line/search", post(directory))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        FakePa {
            base: format!("http://{addr}"),
            state,
        }
    }

    /// Comptoir's configuration for this platform.
    pub fn config(&self) -> server::afnor::AfnorConfig {
        server::afnor::AfnorConfig {
            flow_url: format!("{}/flow-service", self.base),
            directory_url: format!("{}/directory-service", self.base),
            auth: server::afnor::AfnorAuth::ClientCredentials {
                token_url: format!("{}/auth/token", self.base),
                client_id: CLIENT_ID.into(),
                client_secret: CLIENT_SECRET.into(),
            },
        }
    }

    /// A flow arriving for `organization` (a status or a supplier invoice).
    pub fn push_incoming(&self, organization: &str, flow_type: &str, name: &str, bytes: Vec<u8>) -> String {
        let mut s = self.state.lock().unwrap();
        s.seq += 1;
        let flow_id = format!("in-{}", s.seq);
        let updated_at = format!("2026-11-30T11:{:02}:00.000Z", s.seq % 60);
        s.flows.push(PaFlow {
            flow_id: flow_id.clone(),
            organization: organization.into(),
            tracking_id: String::new(),
            name: name.into(),
            syntax: if flow_type == "SupplierInvoice" {
                "Factur-X"
            } else {
                "CDAR"
            }
            .into(),
            flow_type: flow_type.into(),
            direction: "In".into(),
            processing_rule: "B2B".into(),
            bytes,
            updated_at,
        });
        flow_id
    }

    /// The flows we sent, oldest first.
    pub fn sent(&self) -> Vec<PaFlow> {
        let s = self.state.lock().unwrap();
        s.flows.iter().filter(|f| f.direction == "Out").cloned().collect()
    }
}
