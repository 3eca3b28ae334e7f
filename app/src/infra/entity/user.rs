//! `users`: people who can sign in (global, not tenant-owned).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub email: String,
    pub name: String,
    pub password_hash: Option<String>,
    pub is_platform_admin: bool,
    pub totp_secret: Option<String>,
    pub totp_pending_secret: Option<String>,
    pub totp_enabled_at: Option<DateTimeUtc>,
    pub totp_last_step: Option<i64>,
    /// JSON array of SHA-256 hashes of the unused recovery codes.
    pub recovery_codes: Option<String>,
    pub consent_at: DateTimeUtc,
    pub consent_version: String,
    /// When the person proved they receive mail at `email` (a link from us
    /// was opened); `None` until then.
    pub email_verified_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// Whether the account proved its address.
    pub fn email_verified(&self) -> bool {
        self.email_verified_at.is_some()
    }

    /// A new account that consented to the current privacy notice now.
    pub fn new_account(email: &str, name: &str, password_hash: Option<String>, is_platform_admin: bool) -> Model {
        let now = crate::infra::time::now();
        Model {
            id: Uuid::now_v7(),
            email: email.to_string(),
            name: name.to_string(),
            password_hash,
            is_platform_admin,
            totp_secret: None,
            totp_pending_secret: None,
            totp_enabled_at: None,
            totp_last_step: None,
            recovery_codes: None,
            consent_at: now,
            consent_version: crate::auth::CONSENT_VERSION.to_string(),
            email_verified_at: None,
            created_at: now,
            updated_at: now,
        }
    }
}
