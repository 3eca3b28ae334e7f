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
/// Readings start this far before the newest update seen: a flow updated
/// at the same instant but listed later is not missed (readers are idempotent).
const OVERLAP_SECS: i64 = 60;
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
        if status == StatusCode::UNAUTHORIZED {
            // A token revoked early: the next call fetches a new one.
            *self.token.lock().await = None;
        }
        Err(refusal(status, reply.json().await.unwrap_or(Value::Null), what))
    }

    /// The original file of a flow: `Ok(Err(reason))` when it cannot be had
    /// for good (gone, refused, too large), `Err` when worth trying later.
    async fn download(&self, organization: &str, flow_id: &str) -> Result<Result<Vec<u8>, String>, PlatformError> {
        // The unreserved characters kept, everything else percent-encoded: a path segment.
        let url = format!("{}/v1/flows/{}", self.config.flow_url, app::ui::url::urlencode(flow_id));
        let request = self
            .with_auth(self.http.get(url).query(&[("docType", "Original")]), Some(organization))
            .await?;
        let mut reply = request.send().await.map_err(|e| unavailable("download", e))?;
        let status = reply.status();
        if matches!(status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN | StatusCode::GONE) {
            return Ok(Err(format!(
                "fichier indisponible sur la plateforme (HTTP {})",
                status.as_u16()
            )));
        }
        if !status.is_success() {
            return Err(PlatformError::Unavailable(format!("download: HTTP {status}")));
        }
        // Read in chunks up to the cap (a compressed or chunked answer has no length).
        let mut bytes = Vec::new();
        while let Some(chunk) = reply.chunk().await.map_err(|e| unavailable("download", e))? {
            if bytes.len() + chunk.len() > MAX_DOWNLOAD {
                return Ok(Err("fichier trop volumineux".into()));
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(Ok(bytes))
    }
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
        let mut info = json!({
            "trackingId": flow.tracking_id,
            "name": flow.file_name,
            "processingRule": flow.processing_rule,
            "flowSyntax": syntax,
            "sha256": hex::encode(sha2::Sha256::digest(&flow.bytes)),
        });
        if flow.syntax == FlowSyntax::FacturX {
            // EN 16931 (the profile of the Factur-X sent): the CIUS.
            info["flowProfile"] = json!("CIUS");
        }
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
        // The stored cursor is the newest `updatedAt` read (`t:…`); the
        // platform's own cursors only page within one call.
        let newest_read = cursor
            .and_then(|c| c.strip_prefix("t:"))
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&chrono::Utc));
        let mut filter = json!({
            "flowDirection": ["In"],
            "flowType": ["CustomerInvoiceLC", "SupplierInvoice"],
            "ackStatus": "Ok",
        });
        if let Some(at) = newest_read {
            let after = at - chrono::TimeDelta::seconds(OVERLAP_SECS);
            filter["updatedAfter"] = json!(after.to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
        }
        let url = format!("{}/v1/flows/search", self.config.flow_url);
        let mut page_cursor: Option<String> = None;
        let mut flows = Vec::new();
        let mut newest = newest_read;
        loop {
            let mut body = json!({ "limit": PAGE, "where": filter });
            if let Some(next) = &page_cursor {
                body["cursor"] = json!(next);
            }
            let request = self
                .with_auth(self.http.post(&url).json(&body), Some(organization))
                .await?;
            let found = self.json(request, "search").await?;
            for flow in found["results"].as_array().map(Vec::as_slice).unwrap_or_default() {
                let updated = flow["updatedAt"]
                    .as_str()
                    .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                    .map(|t| t.with_timezone(&chrono::Utc));
                let kind = match flow["flowType"].as_str() {
                    Some("CustomerInvoiceLC") => IncomingKind::Lifecycle,
                    Some("SupplierInvoice") => IncomingKind::SupplierInvoice,
                    _ => continue,
                };
                let Some(flow_id) = flow["flowId"].as_str() else {
                    continue;
                };
                let (bytes, problem) = match self.download(organization, flow_id).await? {
                    Ok(bytes) => (bytes, None),
                    Err(why) => (Vec::new(), Some(why)),
                };
                flows.push(IncomingFlow {
                    flow_id: flow_id.to_string(),
                    kind,
                    file_name: flow["name"].as_str().unwrap_or(flow_id).chars().take(200).collect(),
                    bytes,
                    problem,
                });
                newest = newest.max(updated);
            }
            // Every page of this reading (the results' order is not
            // specified: stopping early could skip older flows for good).
            page_cursor = found["nextCursor"].as_str().map(str::to_string);
            if page_cursor.is_none() {
                break;
            }
        }
        Ok(FlowPage {
            flows,
            cursor: newest.map(|t| format!("t:{}", t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))),
            more: false,
        })
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
        let enabled = |l: &&Value| l["directoryLineStatus"].as_str().is_none_or(|s| s == "Enabled");
        // The company's own line (no establishment, no routing code) first.
        let own = |l: &&Value| l["siret"].as_str().is_none_or(str::is_empty) && l["routingIdentifier"].is_null();
        Ok(lines
            .iter()
            .filter(enabled)
            .find(own)
            .or_else(|| lines.iter().find(enabled))
            .and_then(|l| {
                Some(DirectoryLine {
                    siren: siren.to_string(),
                    name: l["legalUnit"]["businessName"].as_str().unwrap_or_default().to_string(),
                    address: l["addressingIdentifier"].as_str()?.to_string(),
                })
            }))
    }
}
