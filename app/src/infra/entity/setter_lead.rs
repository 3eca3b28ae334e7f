//! `setter_leads`: prospects reported by the DM setter (Instagram), with their
//! current status and the first time each funnel step was reached.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "setter_leads")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub instagram_id: String,
    pub manychat_id: Option<String>,
    pub username: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub age: Option<i32>,
    /// `male`, `female`, `other` or `unknown`.
    pub gender: String,
    pub job_title: Option<String>,
    pub source: String,
    /// A `SetterStatus` key.
    pub status: String,
    /// When the current status was reported (a late, older report does not replace it).
    pub status_changed_at: Option<DateTimeUtc>,
    pub deal_value_cents: Option<i64>,
    pub lost_reason: Option<String>,
    /// The pipeline lead and deal this prospect joined.
    pub lead_id: Option<Uuid>,
    pub deal_id: Option<Uuid>,
    pub msgs_out: i32,
    pub msgs_in: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub last_contact_at: Option<DateTimeUtc>,
    pub qualified_at: Option<DateTimeUtc>,
    pub call_proposed_at: Option<DateTimeUtc>,
    pub call_booked_at: Option<DateTimeUtc>,
    pub won_at: Option<DateTimeUtc>,
    pub lost_at: Option<DateTimeUtc>,
    /// When the value of the win (`deal_value_cents`) was reported: the
    /// latest report stands, whatever order reports arrive in.
    pub won_value_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
