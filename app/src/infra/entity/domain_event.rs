//! `domain_events`: the durable outbox of domain events, written in the
//! transaction of the change, dispatched after commit.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "domain_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Option<Uuid>,
    pub kind: String,
    pub payload: String,
    pub occurred_at: DateTimeUtc,
    pub claimed_until: Option<DateTimeUtc>,
    pub dispatched_at: Option<DateTimeUtc>,
    pub deliveries: i32,
}

impl ActiveModelBehavior for ActiveModel {}
