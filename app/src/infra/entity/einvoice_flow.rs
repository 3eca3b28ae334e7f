//! `einvoice_flows`: every flow exchanged with the e-invoicing platform, in
//! both directions (append-only; unique per platform flow id).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "einvoice_flows")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub direction: crate::invoice::FlowDirection,
    pub kind: crate::invoice::FlowKind,
    /// The platform's flow id.
    pub flow_id: String,
    /// Ours: the invoice's or the payment's id for what we sent.
    pub tracking_id: String,
    pub invoice_id: Option<Uuid>,
    pub received_invoice_id: Option<Uuid>,
    /// Lifecycle status (200…213) carried or caused by the flow.
    pub status_code: Option<i32>,
    /// Reason, rejection message or what could not be read.
    pub detail: String,
    pub file_name: String,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
