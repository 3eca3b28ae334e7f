//! The e-invoicing platform over HTTP, as AFNOR XP Z12-013 describes it
//! (Flow Service 1.3.0: submit a flow, search flows, download one;
//! Directory Service 1.3.0: directory lines by SIREN). Authentication by a
//! bearer token, or OAuth2 client credentials (the token is fetched and
//! kept until shortly before it expires). The workspace's SIREN goes in
//! `Organization-Id`, so one platform account serves every workspace.

use app::infra::ports::{
    DirectoryLine, EInvoicing, FlowPage, FlowSyntax, IncomingFlow, IncomingKind, OutgoingFlow, PlatformError,
};
use reqwest::{RequestBuilder, StatusCode};
use serde_json::{Value, json};
use sha2::Digest;
use std::time::{Duration, Instant};

/// Flows asked per search.
const PAGE: u32 = 50;
/// Largest file downloaded from the platform.
const MAX_DOWNLOAD: usize = 20 << 20;

/// How Comptoir proves who it is to the platform.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AfnorAuth {
    /// A long-lived bearer token (`COMPTOIR_PA_TOKEN`).
    Bearer(String),
    /// OAuth2 client credentials (`COMPTOIR_PA_TOKEN_URL`, `_CLIENT_ID`, `_CLIENT_SECRET`).
    ClientCredentials {
        /// Token endpoint.
        token_url: String,
        /// Client id.
        client_id: String,
        /// Client secret.
        client_secret: String,
    },
}

/// Where the platform is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AfnorConfig {
    /// Flow Service base URL, up to and without `/v1` (`COMPTOIR_PA_FLOW_URL`).
    pub flow_url: String,
    /// Directory Service base URL (`COMPTOIR_PA_DIRECTORY_URL`).
    pub directory_url: String,
    /// Credentials.
    pub auth: AfnorAuth,
}

/// The HTTP adapter.
pub struct AfnorPlatform {
    http: reqwest::Client,
    config: AfnorConfig,
    token: tokio::sync::Mutex<Option<(String, Instant)>>,
}

fn unavailable(what: &str, e: impl std::fmt::Display) -> PlatformError {
    PlatformError::Unavailable(format!("{what}: {e}"))
}

impl AfnorPlatform {
    /// A client for `config`.
    pub fn new(config: AfnorConfig) -> Result<AfnorPlatform, String> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(10))
            .user_agent("Comptoir")
            .build()
            .map_err(|e| format!("e-invoicing HTTP client: {e}"))?;
        let trim = |u: &str| u.trim_end_matches('/').to_string();
        let config = AfnorConfig {
            flow_url: trim(&config.flow_url),
            directory_url: trim(&config.directory_url),
            auth: config.auth,
        };
        Ok(AfnorPlatform {
            http,
            config,
            token: tokio::sync::Mutex::new(None),
        })
    }

    async fn bearer(&self) -> Result<String, PlatformError> {
        let (token_url, client_id, client_secret) = match &self.config.auth {
            AfnorAuth::Bearer(token) => return Ok(token.clone()),
            AfnorAuth::ClientCredentials {
                token_url,
                client_id,
                client_secret,
            } => (token_url, client_id, client_secret),
        };
        let mut cached = self.token.lock().await;
        if let Some((token, until)) = cached.as_ref()
            && Instant::now() < *until
        {
            return Ok(token.clone());
        }
        let reply = self
            .http
            .post(token_url)
            .basic_auth(client_id, Some(client_secret))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .map_err(|e| unavailable("token", e))?;
        if !reply.status().is_success() {
            return Err(PlatformError::Unavailable(format!("token: HTTP {}", reply.status())));
        }
        let body: Value = reply.json().await.map_err(|e| unavailable("token", e))?;
        let token = body["access_token"]
            .as_str()
            .ok_or_else(|| PlatformError::Unavailable("token: no access_token".into()))?
            .to_string();
        let lifetime = body["expires_in"].as_u64().unwrap_or(300).saturating_sub(30).max(1);
        *cached = Some((token.clone(), Instant::now() + Duration::from_secs(lifetime)));
        Ok(token)
    }

    async fn with_auth(
        &self,
        request: RequestBuilder,
        organization: Option<&str>,
    ) -> Result<RequestBuilder, PlatformError> {
        let mut request = request
            .bearer_auth(self.bearer().await?)
            .header("Request-Id", uuid::Uuid::now_v7().to_string());
        if let Some(org) = organization {
            request = request.header("Organization-Id", org);
        }
        Ok(request)
    }

    async fn json(&self, request: RequestBuilder, what: &str) -> Result<Value, PlatformError> {
        let reply = request.send().await.map_err(|e| unavailable(what, e))?;
        let status = reply.status();
        if status.is_success() {
            return reply.json().await.map_err(|e| unavailable(what, e));
        }
        Err(refusal(status, reply.json().await.unwrap_or(Value::Null), what))
    }

    async fn download(&self, organization: &str, flow_id: &str) -> Result<Vec<u8>, PlatformError> {
        let url = format!("{}/v1/flows/{}", self.config.flow_url, urlencode(flow_id));
        let request = self
            .with_auth(self.http.get(url).query(&[("docType", "Original")]), Some(organization))
            .await?;
        let reply = request.send().await.map_err(|e| unavailable("download", e))?;
        if !reply.status().is_success() {
            return Err(PlatformError::Unavailable(format!("download: HTTP {}", reply.status())));
        }
        if reply.content_length().is_some_and(|n| n as usize > MAX_DOWNLOAD) {
            return Err(PlatformError::Unavailable("download: file too large".into()));
        }
        let bytes = reply.bytes().await.map_err(|e| unavailable("download", e))?;
        Ok(bytes.to_vec())
    }
}

/// Percent-encodes a path segment.
fn urlencode(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A refused call: bad flows are final, everything else is retried.
fn refusal(status: StatusCode, body: Value, what: &str) -> PlatformError {
    let message = body["errorMessage"]
        .as_str()
        .or(body["details"].as_str())
        .or(body["errorCode"].as_str())
        .unwrap_or("")
        .chars()
        .take(300)
        .collect::<String>();
    match status {
        StatusCode::BAD_REQUEST | StatusCode::PAYLOAD_TOO_LARGE | StatusCode::UNPROCESSABLE_ENTITY => {
            PlatformError::Rejected(if message.is_empty() {
                format!("refusé par la plateforme (HTTP {})", status.as_u16())
            } else {
                message
            })
        }
        _ => PlatformError::Unavailable(format!("{what}: HTTP {} {message}", status.as_u16())),
    }
}

#[async_trait::async_trait]
impl EInvoicing for AfnorPlatform {
    fn adapter(&self) -> &'static str {
        "afnor"
    }

    fn location(&self) -> String {
        // The host only: a URL may carry credentials or a tenant path.
        let rest = self.config.flow_url.split_once("://").map_or("", |(_, r)| r);
        let host = rest.split('/').next().unwrap_or_default();
        host.rsplit_once('@').map_or(host, |(_, h)| h).to_string()
    }

    async fn submit(&self, flow: &OutgoingFlow) -> Result<String, PlatformError> {
        let (syntax, mime) = match flow.syntax {
            FlowSyntax::FacturX => ("Factur-X", "application/pdf"),
            FlowSyntax::Cdar => ("CDAR", "application/xml"),
        };
        let info = json!({
            "trackingId": flow.tracking_id,
            "name": flow.file_name,
            "processingRule": flow.processing_rule,
            "flowSyntax": syntax,
            "flowProfile": "CIUS",
            "sha256": hex::encode(sha2::Sha256::digest(&flow.bytes)),
        });
        let info_part = reqwest::multipart::Part::text(info.to_string())
            .mime_str("application/json")
            .map_err(|e| unavailable("submit", e))?;
        let file_part = reqwest::multipart::Part::bytes(flow.bytes.clone())
            .file_name(flow.file_name.clone())
            .mime_str(mime)
            .map_err(|e| unavailable("submit", e))?;
        let form = reqwest::multipart::Form::new()
            .part("flowInfo", info_part)
            .part("file", file_part);
        let url = format!("{}/v1/flows", self.config.flow_url);
        let request = self
            .with_auth(self.http.post(url).multipart(form), Some(&flow.organization))
            .await?;
        let body = self.json(request, "submit").await?;
        body["flowId"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| PlatformError::Unavailable("submit: no flowId in the answer".into()))
    }

    async fn find_submitted(&self, organization: &str, tracking_id: &str) -> Result<Option<String>, PlatformError> {
        let url = format!("{}/v1/flows/search", self.config.flow_url);
        let body = json!({ "limit": 1, "where": { "trackingId": tracking_id, "flowDirection": ["Out"] } });
        let request = self
            .with_auth(self.http.post(url).json(&body), Some(organization))
            .await?;
        let found = self.json(request, "search").await?;
        Ok(found["results"][0]["flowId"].as_str().map(str::to_string))
    }

    async fn receive(&self, organization: &str, cursor: Option<&str>) -> Result<FlowPage, PlatformError> {
        let mut filter = json!({
            "flowDirection": ["In"],
            "flowType": ["CustomerInvoiceLC", "SupplierInvoice"],
        });
        let mut body = json!({ "limit": PAGE });
        match cursor.and_then(|c| c.split_once(':')) {
            Some(("c", next)) => body["cursor"] = json!(next),
            Some(("t", after)) => filter["updatedAfter"] = json!(after),
            _ => {}
        }
        body["where"] = filter;
        let url = format!("{}/v1/flows/search", self.config.flow_url);
        let request = self
            .with_auth(self.http.post(url).json(&body), Some(organization))
            .await?;
        let found = self.json(request, "search").await?;
        let results = found["results"].as_array().cloned().unwrap_or_default();
        let mut flows = Vec::with_capacity(results.len());
        let mut last_update: Option<String> = None;
        for flow in &results {
            if let Some(at) = flow["updatedAt"].as_str() {
                last_update = Some(at.to_string());
            }
            let kind = match flow["flowType"].as_str() {
                Some("CustomerInvoiceLC") => IncomingKind::Lifecycle,
                Some("SupplierInvoice") => IncomingKind::SupplierInvoice,
                _ => continue,
            };
            let Some(flow_id) = flow["flowId"].as_str() else {
                continue;
            };
            flows.push(IncomingFlow {
                flow_id: flow_id.to_string(),
                kind,
                file_name: flow["name"].as_str().unwrap_or(flow_id).to_string(),
                bytes: self.download(organization, flow_id).await?,
            });
        }
        let (cursor, more) = match found["nextCursor"].as_str() {
            Some(next) => (Some(format!("c:{next}")), true),
            None => (last_update.map(|at| format!("t:{at}")), false),
        };
        Ok(FlowPage { flows, cursor, more })
    }

    async fn lookup(&self, siren: &str) -> Result<Option<DirectoryLine>, PlatformError> {
        let url = format!("{}/v1/directory-line/search", self.config.directory_url);
        let body = json!({
            "filters": { "siren": { "op": "strict", "value": siren } },
            "include": ["siren"],
            "limit": 10,
        });
        let request = self.with_auth(self.http.post(url).json(&body), None).await?;
        let reply = request.send().await.map_err(|e| unavailable("directory", e))?;
        if reply.status() == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if !reply.status().is_success() {
            return Err(PlatformError::Unavailable(format!(
                "directory: HTTP {}",
                reply.status()
            )));
        }
        let found: Value = reply.json().await.map_err(|e| unavailable("directory", e))?;
        let lines = found["results"].as_array().cloned().unwrap_or_default();
        Ok(lines
            .iter()
            .find(|l| l["directoryLineStatus"].as_str().is_none_or(|s| s == "Enabled"))
            .and_then(|l| {
                Some(DirectoryLine {
                    siren: siren.to_string(),
                    name: l["legalUnit"]["businessName"].as_str().unwrap_or_default().to_string(),
                    address: l["addressingIdentifier"].as_str()?.to_string(),
                })
            }))
    }
}
