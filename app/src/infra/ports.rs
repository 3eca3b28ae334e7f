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
}
