//! Stored documents (`files`): written in the caller's transaction, read back
//! only within their workspace.

use super::crypto::sha256_bytes_hex;
use super::entity::file;
use super::time;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

/// Stores bytes; returns the file id and the SHA-256 (hex) of the content.
pub async fn store(
    txn: &impl ConnectionTrait,
    workspace_id: Uuid,
    kind: &str,
    content_type: &str,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<(Uuid, String), DbErr> {
    let id = Uuid::now_v7();
    let sha256 = sha256_bytes_hex(&bytes);
    file::Entity::insert(file::ActiveModel {
        id: Set(id),
        workspace_id: Set(workspace_id),
        kind: Set(kind.into()),
        content_type: Set(content_type.into()),
        file_name: Set(file_name.into()),
        size: Set(bytes.len() as i64),
        sha256: Set(sha256.clone()),
        bytes: Set(bytes),
        created_at: Set(time::now()),
    })
    .exec_without_returning(txn)
    .await?;
    Ok((id, sha256))
}

/// A stored file of the workspace.
pub async fn load(db: &impl ConnectionTrait, workspace_id: Uuid, id: Uuid) -> Result<Option<file::Model>, DbErr> {
    file::Entity::find_by_id(id)
        .filter(file::Column::WorkspaceId.eq(workspace_id))
        .one(db)
        .await
}
