//! Mailer adapters: SMTP through lettre (rustls), and a local mailbox that
//! writes `.eml` files when no SMTP server is configured.

use app::infra::ports::{Mailer, OutgoingEmail};
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;

fn build_message(from: &Mailbox, email: &OutgoingEmail) -> Result<Message, String> {
    let to: Mailbox = email.to.parse().map_err(|e| format!("recipient: {e}"))?;
    let body = MultiPart::alternative_plain_html(email.text.clone(), email.html.clone());
    let body = if email.attachments.is_empty() {
        body
    } else {
        let mut mixed = MultiPart::mixed().multipart(body);
        for file in &email.attachments {
            let content_type = ContentType::parse(&file.content_type).map_err(|e| format!("attachment type: {e}"))?;
            mixed = mixed.singlepart(Attachment::new(file.file_name.clone()).body(file.bytes.clone(), content_type));
        }
        mixed
    };
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(email.subject.clone())
        .message_id(Some(format!("<{}@comptoir>", email.id)))
        .multipart(body)
        .map_err(|e| format!("message: {e}"))
}

/// Delivers through an SMTP relay.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    /// From a URL like `smtp://user:pass@host:587?tls=required` or `smtps://host:465`.
    pub fn new(url: &str, from: &str) -> Result<SmtpMailer, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("SMTP_URL: {e}"))?
            .timeout(Some(std::time::Duration::from_secs(20)))
            .build();
        let from = from.parse().map_err(|e| format!("MAIL_FROM: {e}"))?;
        Ok(SmtpMailer { transport, from })
    }
}

#[async_trait::async_trait]
impl Mailer for SmtpMailer {
    fn transport(&self) -> &'static str {
        "smtp"
    }

    async fn send(&self, email: &OutgoingEmail) -> Result<(), String> {
        let message = build_message(&self.from, email)?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| format!("SMTP: {e}"))
    }
}

/// Keeps mail on this machine: one `.eml` file per message (readable by any
/// mail client), while the Outbox page shows the stored copy.
pub struct LocalMailer {
    dir: PathBuf,
    from: Mailbox,
}

impl LocalMailer {
    /// Writes into `dir`, created when missing.
    pub fn new(dir: PathBuf, from: &str) -> Result<LocalMailer, String> {
        let from = from.parse().map_err(|e| format!("MAIL_FROM: {e}"))?;
        Ok(LocalMailer { dir, from })
    }
}

#[async_trait::async_trait]
impl Mailer for LocalMailer {
    fn transport(&self) -> &'static str {
        "local"
    }

    async fn send(&self, email: &OutgoingEmail) -> Result<(), String> {
        let message = build_message(&self.from, email)?;
        tokio::fs::create_dir_all(&self.dir)
            .await
            .map_err(|e| format!("mailbox folder: {e}"))?;
        let path = self.dir.join(format!("{}.eml", email.id));
        tokio::fs::write(&path, message.formatted())
            .await
            .map_err(|e| format!("mailbox file: {e}"))
    }
}
