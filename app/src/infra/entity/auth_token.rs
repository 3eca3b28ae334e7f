//! `auth_tokens`: single-use, short-lived tokens mailed to an account's
//! address (magic link, password reset, address proof), stored hashed.
use sea_orm::entity::prelude::*;

/// What a token lets its holder do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum TokenPurpose {
    /// Sign in without a password.
    #[sea_orm(string_value = "magic_link")]
    MagicLink,
    /// Choose a new password.
    #[sea_orm(string_value = "password_reset")]
    PasswordReset,
    /// Prove the account's email address.
    #[sea_orm(string_value = "email_verification")]
    EmailVerification,
}

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "auth_tokens")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub purpose: TokenPurpose,
    #[sea_orm(unique)]
    pub token_hash: String,
    pub expires_at: DateTimeUtc,
    pub used_at: Option<DateTimeUtc>,
    pub requested_ip: Option<String>,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
