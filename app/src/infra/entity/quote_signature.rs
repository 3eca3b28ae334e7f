//! `quote_signatures`: the proof of a client's signature.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "quote_signatures")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub quote_id: Uuid,
    pub signer_name: String,
    pub signer_email: String,
    /// The mention the client ticked, word for word.
    pub mention: String,
    pub signed_at: DateTimeUtc,
    pub ip: String,
    pub user_agent: String,
    /// SHA-256 of the exact PDF the client was shown.
    pub pdf_sha256: String,
    pub signature_file_id: Uuid,
    pub signed_pdf_file_id: Uuid,
}

impl ActiveModelBehavior for ActiveModel {}
