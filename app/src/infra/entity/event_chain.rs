//! `event_chains`: the head of each workspace's event chain; locking its row
//! serialises appends to one chain.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "event_chains")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub workspace_id: Uuid,
    pub last_seq: i64,
    pub last_hash: String,
}

impl ActiveModelBehavior for ActiveModel {}
