//! `artisan_documents`: an artisan's compliance documents, moderated by the
//! platform; the file itself is in the file store under `file_key`.
//!
//! Invariant the profile's stored span relies on
//! (`marketplace::documents::refresh_span`): a row is inserted pending and
//! only a review changes its status, once (pending → approved or rejected);
//! its dates never change and rows are not deleted. So what is approved only
//! grows, and a span computed earlier never covers a day it should not. Any
//! new write that revokes, re-dates or deletes a document must call
//! `refresh_span` in its transaction.
use crate::domain::documents::{DocumentKind, DocumentStatus};
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "artisan_documents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub member_id: Uuid,
    pub kind: DocumentKind,
    pub insurer: String,
    pub policy_number: String,
    pub cover: String,
    pub rge_domains: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub file_key: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub status: DocumentStatus,
    pub reject_reason: Option<String>,
    pub reviewed_by: Option<Uuid>,
    pub reviewed_at: Option<DateTimeUtc>,
    pub reminded_days: Option<i32>,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
