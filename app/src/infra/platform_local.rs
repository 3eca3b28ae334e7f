//! The local e-invoicing platform, the default: flows are files in a folder
//! (like the local mailbox), so an install with no Plateforme Agréée contract
//! still issues, "sends" and follows invoices, and anyone can look.
//!
//! ```text
//! {dir}/{siren}/sent/{flow}.pdf|.xml   what we sent, with {flow}.json (tracking id)
//! {dir}/{siren}/inbox/*.xml|*.pdf      what comes in: lifecycle messages (CDAR)
//!                                      and supplier invoices (Factur-X or CII);
//!                                      read in name order, the cursor is a name
//! {dir}/directory.json                 {"SIREN": {"name": …, "address": …}}
//! ```
//!
//! Like a platform, it acknowledges each invoice it takes with a 200
//! « Déposée » lifecycle message in the sender's inbox, delivers it to the
//! buyer's inbox (a company with a folder here receives it as a supplier
//! invoice), and rejects a PDF without a readable `factur-x.xml`.

use super::ports::{
    DirectoryLine, EInvoicing, FlowPage, FlowSyntax, IncomingFlow, IncomingKind, OutgoingFlow, PlatformError,
};
use std::path::{Path, PathBuf};

/// Incoming flows handed out per call.
const PAGE: usize = 50;

/// The folder-backed platform.
pub struct LocalPlatform {
    dir: PathBuf,
}

impl LocalPlatform {
    /// Flows under `dir` (created on first use).
    pub fn new(dir: PathBuf) -> LocalPlatform {
        LocalPlatform { dir }
    }

    /// The folder (for the operator; not shown to users).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn org_dir(&self, organization: &str) -> Result<PathBuf, PlatformError> {
        // Only SIRENs name folders: nothing else reaches the file system.
        if organization.len() != 9 || !organization.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PlatformError::Rejected("SIREN de l'émetteur invalide".into()));
        }
        Ok(self.dir.join(organization))
    }
}

fn io(e: std::io::Error) -> PlatformError {
    PlatformError::Unavailable(format!("dossier de la plateforme locale : {e}"))
}

/// What an incoming file is, from its content.
pub fn incoming_kind(bytes: &[u8]) -> Option<IncomingKind> {
    if bytes.starts_with(b"%PDF") {
        return Some(IncomingKind::SupplierInvoice);
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
    if head.contains("CrossDomainAcknowledgementAndResponse") {
        Some(IncomingKind::Lifecycle)
    } else if head.contains("CrossIndustryInvoice") {
        Some(IncomingKind::SupplierInvoice)
    } else {
        None
    }
}

async fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), PlatformError> {
    let tmp = path.with_extension("part");
    tokio::fs::write(&tmp, bytes).await.map_err(io)?;
    tokio::fs::rename(&tmp, path).await.map_err(io)
}

#[async_trait::async_trait]
impl EInvoicing for LocalPlatform {
    fn adapter(&self) -> &'static str {
        "local"
    }

    fn location(&self) -> String {
        // Users see where flows go, not the server's paths.
        "dossier local du serveur".into()
    }

    async fn submit(&self, flow: &OutgoingFlow) -> Result<String, PlatformError> {
        let org = self.org_dir(&flow.organization)?;
        let ack = match flow.syntax {
            FlowSyntax::FacturX => {
                let xml = facturx::extract::embedded_xml(&flow.bytes)
                    .ok_or_else(|| PlatformError::Rejected("PDF sans factur-x.xml lisible".into()))?;
                Some(facturx::read::read_cii(&xml).map_err(PlatformError::Rejected)?)
            }
            FlowSyntax::Cdar => {
                facturx::cdar::parse(&String::from_utf8_lossy(&flow.bytes)).map_err(PlatformError::Rejected)?;
                None
            }
        };
        let sent = org.join("sent");
        let inbox = org.join("inbox");
        tokio::fs::create_dir_all(&sent).await.map_err(io)?;
        tokio::fs::create_dir_all(&inbox).await.map_err(io)?;
        let flow_id = uuid::Uuid::now_v7().simple().to_string();
        let ext = match flow.syntax {
            FlowSyntax::FacturX => "pdf",
            FlowSyntax::Cdar => "xml",
        };
        write_atomically(&sent.join(format!("{flow_id}.{ext}")), &flow.bytes).await?;
        if let Some(invoice) = ack {
            let now = super::time::now().naive_utc();
            // Delivered to the buyer when it is a company: a workspace of
            // this install with that SIREN receives it as a supplier invoice.
            let buyer: Option<String> = invoice
                .buyer_siren
                .as_deref()
                .map(|b| b.chars().filter(char::is_ascii_digit).take(9).collect());
            if let Some(buyer) = buyer.as_deref().filter(|b| *b != flow.organization)
                && let Ok(buyer_dir) = self.org_dir(buyer)
            {
                let buyer_inbox = buyer_dir.join("inbox");
                tokio::fs::create_dir_all(&buyer_inbox).await.map_err(io)?;
                let name = format!("{}-{flow_id}-invoice.pdf", now.format("%Y%m%d%H%M%S%f"));
                write_atomically(&buyer_inbox.join(name), &flow.bytes).await?;
            }
            let deposited = facturx::cdar::Lifecycle {
                id: format!("LC-{flow_id}-200"),
                at: now,
                sender_siren: flow.organization.clone(),
                recipient_siren: flow.organization.clone(),
                invoice_number: invoice.number,
                invoice_date: invoice.issue_date.unwrap_or(now.date()),
                invoice_type: invoice.type_code.clone(),
                status: 200,
                reason: None,
                amounts: vec![],
            };
            let name = format!("{}-{flow_id}-200.xml", now.format("%Y%m%d%H%M%S%f"));
            write_atomically(&inbox.join(name), facturx::cdar::to_xml(&deposited).as_bytes()).await?;
        }
        // Last: a retry finds the flow by this file only once all of it is written.
        let meta = serde_json::json!({
            "trackingId": flow.tracking_id,
            "name": flow.file_name,
            "processingRule": flow.processing_rule,
        });
        write_atomically(&sent.join(format!("{flow_id}.json")), meta.to_string().as_bytes()).await?;
        Ok(flow_id)
    }

    async fn find_submitted(&self, organization: &str, tracking_id: &str) -> Result<Option<String>, PlatformError> {
        let sent = self.org_dir(organization)?.join("sent");
        let mut entries = match tokio::fs::read_dir(&sent).await {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(e)),
        };
        while let Some(entry) = entries.next_entry().await.map_err(io)? {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "json") {
                let meta: serde_json::Value =
                    serde_json::from_slice(&tokio::fs::read(&path).await.map_err(io)?).unwrap_or_default();
                if meta["trackingId"] == tracking_id {
                    return Ok(path.file_stem().map(|s| s.to_string_lossy().into_owned()));
                }
            }
        }
        Ok(None)
    }

    async fn receive(&self, organization: &str, cursor: Option<&str>) -> Result<FlowPage, PlatformError> {
        let inbox = self.org_dir(organization)?.join("inbox");
        let mut entries = match tokio::fs::read_dir(&inbox).await {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FlowPage::default()),
            Err(e) => return Err(io(e)),
        };
        let mut names = Vec::new();
        while let Some(entry) = entries.next_entry().await.map_err(io)? {
            let name = entry.file_name().to_string_lossy().into_owned();
            let wanted = name.ends_with(".xml") || name.ends_with(".pdf");
            if wanted && cursor.is_none_or(|c| name.as_str() > c) {
                names.push(name);
            }
        }
        names.sort();
        let more = names.len() > PAGE;
        names.truncate(PAGE);
        let mut flows = Vec::with_capacity(names.len());
        for name in &names {
            let bytes = tokio::fs::read(inbox.join(name)).await.map_err(io)?;
            // A file that is neither is skipped (and passed by the cursor).
            if let Some(kind) = incoming_kind(&bytes) {
                let flow_id = name
                    .rsplit_once('.')
                    .map_or(name.as_str(), |(stem, _)| stem)
                    .to_string();
                flows.push(IncomingFlow {
                    flow_id,
                    kind,
                    file_name: name.clone(),
                    bytes,
                    problem: None,
                });
            }
        }
        Ok(FlowPage {
            flows,
            cursor: names.last().cloned(),
            more,
        })
    }

    async fn lookup(&self, siren: &str) -> Result<Option<DirectoryLine>, PlatformError> {
        let bytes = match tokio::fs::read(self.dir.join("directory.json")).await {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(e)),
        };
        let directory: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| PlatformError::Unavailable(format!("directory.json illisible : {e}")))?;
        Ok(directory.get(siren).map(|line| DirectoryLine {
            siren: siren.to_string(),
            name: line["name"].as_str().unwrap_or_default().to_string(),
            address: line["address"].as_str().unwrap_or(siren).to_string(),
        }))
    }
}
