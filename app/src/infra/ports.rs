//! Ports: what the application needs from the outside world. `server/`
//! provides the adapters (SMTP, local mailbox), tests can provide others.

/// A message ready to leave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutgoingEmail {
    /// Row id in `emails`, also used as the Message-ID.
    pub id: uuid::Uuid,
    /// Recipient address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body.
    pub html: String,
    /// Files sent along.
    pub attachments: Vec<Attachment>,
}

/// A file sent with a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    /// Name shown to the recipient.
    pub file_name: String,
    /// MIME type.
    pub content_type: String,
    /// Content.
    pub bytes: Vec<u8>,
}

/// Sends email.
#[async_trait::async_trait]
pub trait Mailer: Send + Sync {
    /// Short name recorded with each delivery (`smtp`, `local`).
    fn transport(&self) -> &'static str;

    /// Delivers one message; an error is retried later by the job worker.
    async fn send(&self, email: &OutgoingEmail) -> Result<(), String>;
}

/// Renders documents to PDF (typst in `server/`).
pub trait PdfRenderer: Send + Sync {
    /// A quote's PDF. The same document must give the same bytes: the
    /// signature proof is the SHA-256 of what the client was shown.
    fn render_quote(&self, doc: &crate::quote::document::QuoteDocument) -> Result<Vec<u8>, String>;

    /// An invoice's Factur-X PDF: PDF/A-3 with `factur-x.xml` (the CII
    /// `xml`) embedded and declared in the XMP. Same input, same bytes.
    fn render_invoice(&self, doc: &crate::invoice::document::InvoiceDocument, xml: &str) -> Result<Vec<u8>, String>;

    /// A job's report, with the bytes of its photos (`photo-{i}.jpg`, in
    /// the order of `doc.photos`).
    fn render_job_report(&self, doc: &crate::jobs::report::JobReport, photos: &[Vec<u8>]) -> Result<Vec<u8>, String>;
}

/// What a flow sent to the e-invoicing platform holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlowSyntax {
    /// A Factur-X PDF (an invoice or a credit note).
    FacturX,
    /// A CDAR lifecycle message (a status this side reports, e.g. 212).
    Cdar,
}

/// A flow leaving for the Plateforme Agréée.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutgoingFlow {
    /// The sending company's SIREN (the platform's `Organization-Id`).
    pub organization: String,
    /// Our identifier for the flow (the invoice's or the payment's id): the
    /// platform keeps it, so a retried send finds the first one.
    pub tracking_id: String,
    /// File name.
    pub file_name: String,
    /// What the file is.
    pub syntax: FlowSyntax,
    /// `B2B`, `B2C`… (XP Z12-013 processing rule).
    pub processing_rule: &'static str,
    /// Content.
    pub bytes: Vec<u8>,
}

/// What kind of flow came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IncomingKind {
    /// A lifecycle status about one of our invoices (`CustomerInvoiceLC`).
    Lifecycle,
    /// An invoice a supplier sent us (`SupplierInvoice`).
    SupplierInvoice,
}

/// A flow received from the platform.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncomingFlow {
    /// The platform's flow id.
    pub flow_id: String,
    /// What it is.
    pub kind: IncomingKind,
    /// File name as given by the platform.
    pub file_name: String,
    /// Content.
    pub bytes: Vec<u8>,
    /// Why the content could not be fetched for good (gone, too large): the
    /// flow is recorded with the reason and reading goes on past it.
    pub problem: Option<String>,
}

/// One page of incoming flows, and where the next reading starts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FlowPage {
    /// Oldest first.
    pub flows: Vec<IncomingFlow>,
    /// Stored and given back to the next call; `None` keeps the previous one.
    pub cursor: Option<String>,
    /// More pages wait.
    pub more: bool,
}

/// A line of the national e-invoicing directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirectoryLine {
    /// The company.
    pub siren: String,
    /// Its name as registered.
    pub name: String,
    /// Its electronic address (BT-49, scheme 0225).
    pub address: String,
}

/// Why the platform did not take a flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlatformError {
    /// Refused for good (invalid file, unknown recipient): not retried.
    Rejected(String),
    /// Could not be reached or failed: tried again later.
    Unavailable(String),
}

impl std::fmt::Display for PlatformError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PlatformError::Rejected(why) => write!(f, "rejected: {why}"),
            PlatformError::Unavailable(why) => write!(f, "unavailable: {why}"),
        }
    }
}

/// The Plateforme Agréée (French e-invoicing reform) and its directory.
#[async_trait::async_trait]
pub trait EInvoicing: Send + Sync {
    /// Short name shown to users and in logs (`local`, `afnor`).
    fn adapter(&self) -> &'static str;

    /// Where flows go, for the e-invoicing page (a folder or a host).
    fn location(&self) -> String;

    /// Sends a flow; returns the platform's flow id.
    async fn submit(&self, flow: &OutgoingFlow) -> Result<String, PlatformError>;

    /// The flow id of an earlier send with this tracking id, if the platform has one.
    async fn find_submitted(&self, organization: &str, tracking_id: &str) -> Result<Option<String>, PlatformError>;

    /// Incoming flows of `organization` after `cursor` (from the start when
    /// `None`). A flow may come again in a later call (readers are idempotent).
    async fn receive(&self, organization: &str, cursor: Option<&str>) -> Result<FlowPage, PlatformError>;

    /// The directory line of a SIREN, `None` when the company has none.
    async fn lookup(&self, siren: &str) -> Result<Option<DirectoryLine>, PlatformError>;
}

/// A point found for an address.
#[derive(Clone, Debug, PartialEq)]
pub struct Located {
    /// Where.
    pub point: crate::domain::geo::Point,
    /// How it was found (`geonames`, `postcode`, `department`, `ban`…).
    pub source: String,
}

/// Geocoding: a point for an address in a commune already checked against
/// its postcode (`infra::communes`).
#[async_trait::async_trait]
pub trait Geocoder: Send + Sync {
    /// Short name (`offline`, `ban`).
    fn adapter(&self) -> &'static str;

    /// The point of `address` in `commune`; an error lets the caller fall
    /// back to the commune's own point.
    async fn locate(&self, commune: &super::communes::Commune, address: &str) -> Result<Located, String>;
}

/// The default geocoder: the commune's point, offline, nothing configured.
pub struct OfflineGeocoder;

#[async_trait::async_trait]
impl Geocoder for OfflineGeocoder {
    fn adapter(&self) -> &'static str {
        "offline"
    }

    async fn locate(&self, commune: &super::communes::Commune, _address: &str) -> Result<Located, String> {
        Ok(Located {
            point: commune.point,
            source: commune.source.as_str().into(),
        })
    }
}

/// Uploaded files (artisans' documents, job photos): local disk by default,
/// an S3-compatible bucket in production. Legal documents made by the
/// application (quote and invoice PDFs) stay in the database, written in the
/// transaction that numbers or signs them.
#[async_trait::async_trait]
pub trait FileStore: Send + Sync {
    /// Short name (`local`, `s3`).
    fn adapter(&self) -> &'static str;

    /// Stores `bytes` under `key` (replacing any).
    async fn put(&self, key: &str, bytes: Vec<u8>, content_type: &str) -> Result<(), String>;

    /// The bytes under `key`, `None` when absent.
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, String>;

    /// Removes `key` (absent is fine).
    async fn delete(&self, key: &str) -> Result<(), String>;
}
