//! Queueing, listing and delivering email.

use super::templates::{self, Rendered};
use super::{EmailDetail, EmailKind, EmailRow, EmailStatus};
use crate::infra::entity::email;
use crate::infra::ports::{Attachment, Mailer, OutgoingEmail};
use crate::infra::queue::QueuePayload;
use crate::infra::time;
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

/// A message to queue.
pub struct NewEmail {
    /// The workspace it is sent for (`None` for platform mail such as sign-in links).
    pub workspace_id: Option<Uuid>,
    /// Recipient address.
    pub to: String,
    /// Recipient account, when there is one.
    pub to_user_id: Option<Uuid>,
    /// Why it is sent.
    pub kind: EmailKind,
    /// Its content.
    pub content: Rendered,
    /// Whether the body holds a secret link.
    pub contains_secret: bool,
    /// A stored file to attach (row of `files`).
    pub attachment: Option<Uuid>,
}

/// Stores the message and its delivery job in the write envelope (the worker
/// is woken after commit).
pub async fn enqueue(w: &crate::infra::Write, mail: NewEmail) -> Result<Uuid, crate::error::AppError> {
    let now = time::now();
    let id = Uuid::now_v7();
    email::Entity::insert(email::ActiveModel {
        id: Set(id),
        workspace_id: Set(mail.workspace_id),
        to_address: Set(mail.to),
        to_user_id: Set(mail.to_user_id),
        kind: Set(mail.kind),
        subject: Set(mail.content.subject),
        body_text: Set(mail.content.text),
        body_html: Set(mail.content.html),
        status: Set(EmailStatus::Queued),
        attempts: Set(0),
        transport: Set(None),
        last_error: Set(None),
        contains_secret: Set(mail.contains_secret),
        attachment_file_id: Set(mail.attachment),
        created_at: Set(now),
        sent_at: Set(None),
    })
    .exec_without_returning(w)
    .await?;
    w.enqueue_for(mail.workspace_id, &QueuePayload::SendEmail { email_id: id }, now)
        .await?;
    Ok(id)
}

/// Who is reading the outbox and what they may see.
///
/// The outbox is the sender's view, never an inbox: owners and admins see the
/// mail their workspace sent, platform admins see everything. Nobody sees a
/// message because it is addressed to the address they signed up with (an
/// address is not theirs until proven, and even then their mail is read in
/// their own mailbox). Secret links (sign-in, reset, address proof,
/// invitation, portal) are masked for everyone but platform admins on the
/// local transport, where this page is how mail is delivered.
#[derive(Clone, Debug)]
pub struct Viewer {
    /// Workspace whose sent mail they may read (owners and admins), if any.
    pub workspace_id: Option<Uuid>,
    /// Platform operators see every message.
    pub is_platform_admin: bool,
    /// The local transport keeps mail on this machine (no SMTP configured).
    pub local_transport: bool,
}

impl Viewer {
    fn condition(&self) -> Condition {
        if self.is_platform_admin {
            return Condition::all();
        }
        match self.workspace_id {
            Some(ws) => Condition::all().add(email::Column::WorkspaceId.eq(ws)),
            // Matches nothing.
            None => Condition::all().add(email::Column::Id.is_null()),
        }
    }

    /// Whether any outbox is open to this viewer.
    pub fn may_list(&self) -> bool {
        self.is_platform_admin || self.workspace_id.is_some()
    }

    fn may_read_secrets(&self) -> bool {
        self.is_platform_admin && self.local_transport
    }
}

/// Text of a message with its links masked.
fn mask_links(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let masked: Vec<String> = line
            .split(' ')
            .map(|word| {
                if word.starts_with("http://") || word.starts_with("https://") {
                    "[lien personnel masqué]".to_string()
                } else {
                    word.to_string()
                }
            })
            .collect();
        out.push_str(&masked.join(" "));
    }
    out
}

fn to_row(m: &email::Model) -> EmailRow {
    EmailRow {
        id: crate::domain::EmailId(m.id),
        to: m.to_address.clone(),
        subject: m.subject.clone(),
        kind: m.kind,
        status: m.status,
        attempts: m.attempts,
        created_at: time::display_seconds(m.created_at),
        sent_at: m.sent_at.map(time::display_seconds),
        transport: m.transport.clone(),
        last_error: m.last_error.clone(),
    }
}

/// The newest messages the viewer may see, optionally filtered.
pub async fn list(
    db: &DatabaseConnection,
    viewer: &Viewer,
    status: Option<EmailStatus>,
    search: Option<&str>,
    limit: u64,
) -> Result<Vec<EmailRow>, DbErr> {
    let mut query = email::Entity::find().filter(viewer.condition());
    if let Some(status) = status {
        query = query.filter(email::Column::Status.eq(status));
    }
    if let Some(search) = search.map(str::trim).filter(|s| !s.is_empty()) {
        // Case-insensitive on both backends (PostgreSQL's LIKE is case-sensitive).
        let pattern = crate::infra::db::like_contains(&search.to_lowercase());
        let lower = |col: email::Column| Expr::expr(Func::lower(Expr::col(col)));
        query = query.filter(
            Condition::any()
                .add(lower(email::Column::ToAddress).like(pattern.clone()))
                .add(lower(email::Column::Subject).like(pattern)),
        );
    }
    let rows = query
        .order_by_desc(email::Column::CreatedAt)
        .limit(limit)
        .all(db)
        .await?;
    Ok(rows.iter().map(to_row).collect())
}

/// One message with its body, when the viewer may see it.
pub async fn detail(db: &DatabaseConnection, viewer: &Viewer, id: Uuid) -> Result<Option<EmailDetail>, DbErr> {
    let found = email::Entity::find_by_id(id).filter(viewer.condition()).one(db).await?;
    Ok(found.map(|m| {
        let body_text = (!m.body_text.is_empty()).then(|| {
            if m.contains_secret && !viewer.may_read_secrets() {
                mask_links(&m.body_text)
            } else {
                m.body_text.clone()
            }
        });
        let links = body_text.as_deref().map(templates::links_in).unwrap_or_default();
        EmailDetail {
            row: to_row(&m),
            body_text,
            links,
        }
    }))
}

/// What the worker should do with the job after a delivery attempt.
#[derive(Debug, PartialEq, Eq)]
pub enum Delivery {
    /// Delivered (or already delivered, or nothing left to deliver).
    Done,
    /// The transport failed; retry later.
    Failed(String),
}

/// Delivers one message through `mailer` and records the outcome on the row.
pub async fn deliver(db: &DatabaseConnection, mailer: &dyn Mailer, email_id: Uuid) -> Result<Delivery, DbErr> {
    let Some(row) = email::Entity::find_by_id(email_id).one(db).await? else {
        return Ok(Delivery::Done);
    };
    if row.status == EmailStatus::Sent {
        return Ok(Delivery::Done);
    }
    let mut attachments = Vec::new();
    if let Some(file_id) = row.attachment_file_id
        && let Some(f) = crate::infra::entity::file::Entity::find_by_id(file_id).one(db).await?
    {
        attachments.push(Attachment {
            file_name: f.file_name,
            content_type: f.content_type,
            bytes: f.bytes,
        });
    }
    let outgoing = OutgoingEmail {
        id: row.id,
        to: row.to_address.clone(),
        subject: row.subject.clone(),
        text: row.body_text.clone(),
        html: row.body_html.clone(),
        attachments,
    };
    let result = mailer.send(&outgoing).await;
    let now = time::now();
    let mut update = email::ActiveModel {
        id: Set(row.id),
        attempts: Set(row.attempts + 1),
        transport: Set(Some(mailer.transport().to_string())),
        ..Default::default()
    };
    let outcome = match result {
        Ok(()) => {
            update.status = Set(EmailStatus::Sent);
            update.sent_at = Set(Some(now));
            update.last_error = Set(None);
            if row.contains_secret && mailer.transport() != "local" {
                update.body_text = Set(String::new());
                update.body_html = Set(String::new());
            }
            Delivery::Done
        }
        Err(error) => {
            update.last_error = Set(Some(error.chars().take(500).collect()));
            Delivery::Failed(error)
        }
    };
    email::Entity::update(update).exec(db).await?;
    Ok(outcome)
}

/// Marks a message as failed for good (its job ran out of attempts).
pub async fn give_up(db: &impl ConnectionTrait, email_id: Uuid) -> Result<(), DbErr> {
    email::Entity::update(email::ActiveModel {
        id: Set(email_id),
        status: Set(EmailStatus::Failed),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn links_are_masked_whole() {
        let text = "Bonjour,\n\nVotre devis : https://crm.example/portal/SECRET123\n\nCordialement";
        let masked = super::mask_links(text);
        assert!(!masked.contains("SECRET123"));
        assert!(masked.contains("Votre devis : [lien personnel masqué]"));
        assert!(super::templates::links_in(&masked).is_empty());
    }
}
