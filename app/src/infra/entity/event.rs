//! `events`: the append-only, hash-chained audit trail (one chain per workspace).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub seq: i64,
    pub occurred_at: DateTimeUtc,
    pub actor_user_id: Option<Uuid>,
    pub actor_label: String,
    pub entity: String,
    pub entity_id: Option<Uuid>,
    pub action: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl ActiveModelBehavior for ActiveModel {}
