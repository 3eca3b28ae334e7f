//! `finance_months`: a workspace's money per Paris month, kept in the same
//! transaction as each issue and payment (the dashboards read these rows,
//! never the invoices): invoiced, credited, collected, deposits and balances,
//! invoices fully paid and the days they took.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "finance_months")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub workspace_id: Uuid,
    /// `YYYY-MM`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub month: String,
    /// TTC of the invoices issued (credit notes not subtracted).
    pub invoiced_cents: i64,
    /// TTC of the credit notes issued.
    pub credited_cents: i64,
    /// Payments received.
    pub collected_cents: i64,
    /// TTC of the deposit invoices issued.
    pub deposits_cents: i64,
    /// TTC of the final invoices (soldes) issued.
    pub finals_cents: i64,
    /// Invoices fully paid this month.
    pub paid_invoices: i64,
    /// Sum of their days from issue to full payment.
    pub days_to_pay: i64,
}

impl ActiveModelBehavior for ActiveModel {}
