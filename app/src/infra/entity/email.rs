//! `emails`: every message the application sends, with its delivery status.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "emails")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Option<Uuid>,
    pub to_address: String,
    pub to_user_id: Option<Uuid>,
    pub kind: crate::outbox::EmailKind,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub status: crate::outbox::EmailStatus,
    pub attempts: i32,
    pub transport: Option<String>,
    pub last_error: Option<String>,
    /// The body holds a sign-in secret: it is wiped once delivered over SMTP.
    pub contains_secret: bool,
    /// A stored file sent along (a quote's PDF).
    pub attachment_file_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
