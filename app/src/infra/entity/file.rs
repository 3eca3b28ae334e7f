//! `files`: stored documents (quote PDFs, signature images, logos), kept in
//! the database so that a document and the record pointing at it are written
//! in one transaction.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "files")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    /// `quote_pdf`, `signed_quote_pdf`, `signature`, `logo`.
    pub kind: String,
    pub content_type: String,
    pub file_name: String,
    pub size: i64,
    /// SHA-256 of `bytes`, hex.
    pub sha256: String,
    pub bytes: Vec<u8>,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
