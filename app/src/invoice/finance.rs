//! The finance aggregates (`finance_months`), moved in the write transaction
//! of every issue and payment, and the dashboard section that reads them.

use super::{InvoiceKind, InvoiceStatus};
use crate::dashboard::{Pack, charts};
use crate::domain::kpi::{Kpi, Unit};
use crate::error::AppError;
use crate::infra::entity::{finance_month, invoice};
use crate::infra::{Scope, time};
use chrono::{Datelike, NaiveDate};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

/// What one change adds to a month.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Delta {
    /// Invoiced TTC.
    pub invoiced: i64,
    /// Credited TTC.
    pub credited: i64,
    /// Collected.
    pub collected: i64,
    /// Deposit invoices TTC.
    pub deposits: i64,
    /// Final invoices TTC.
    pub finals: i64,
    /// Invoices now fully paid.
    pub paid_invoices: i64,
    /// Their days to pay.
    pub days_to_pay: i64,
}

fn month_key(day: NaiveDate) -> String {
    format!("{:04}-{:02}", day.year(), day.month())
}

/// The delta of an issued invoice or credit note.
pub fn issued(m: &invoice::Model) -> Delta {
    let ttc = m.total_ttc_cents;
    match m.kind {
        InvoiceKind::CreditNote => Delta {
            credited: ttc,
            ..Delta::default()
        },
        InvoiceKind::Deposit => Delta {
            invoiced: ttc,
            deposits: ttc,
            ..Delta::default()
        },
        InvoiceKind::Final => Delta {
            invoiced: ttc,
            finals: ttc,
            ..Delta::default()
        },
        _ => Delta {
            invoiced: ttc,
            ..Delta::default()
        },
    }
}

/// Adds `delta` to the month of `day`, in the caller's transaction.
pub async fn record(txn: &impl ConnectionTrait, ws: Uuid, day: NaiveDate, delta: Delta) -> Result<(), AppError> {
    let month = month_key(day);
    finance_month::Entity::insert(finance_month::ActiveModel {
        workspace_id: Set(ws),
        month: Set(month.clone()),
        invoiced_cents: Set(0),
        credited_cents: Set(0),
        collected_cents: Set(0),
        deposits_cents: Set(0),
        finals_cents: Set(0),
        paid_invoices: Set(0),
        days_to_pay: Set(0),
    })
    .on_conflict_do_nothing_on([finance_month::Column::WorkspaceId, finance_month::Column::Month])
    .exec_without_returning(txn)
    .await?;
    use finance_month::Column as C;
    finance_month::Entity::update_many()
        .col_expr(C::InvoicedCents, Expr::col(C::InvoicedCents).add(delta.invoiced))
        .col_expr(C::CreditedCents, Expr::col(C::CreditedCents).add(delta.credited))
        .col_expr(C::CollectedCents, Expr::col(C::CollectedCents).add(delta.collected))
        .col_expr(C::DepositsCents, Expr::col(C::DepositsCents).add(delta.deposits))
        .col_expr(C::FinalsCents, Expr::col(C::FinalsCents).add(delta.finals))
        .col_expr(C::PaidInvoices, Expr::col(C::PaidInvoices).add(delta.paid_invoices))
        .col_expr(C::DaysToPay, Expr::col(C::DaysToPay).add(delta.days_to_pay))
        .filter(C::WorkspaceId.eq(ws))
        .filter(C::Month.eq(month))
        .exec(txn)
        .await?;
    Ok(())
}

fn months_back(today: NaiveDate, n: u32) -> Vec<String> {
    let mut out = Vec::new();
    let (mut y, mut m) = (today.year(), today.month());
    for _ in 0..n {
        out.push(format!("{y:04}-{m:02}"));
        if m == 1 {
            y -= 1;
            m = 12;
        } else {
            m -= 1;
        }
    }
    out.reverse();
    out
}

fn label(month: &str) -> String {
    const NAMES: [&str; 12] = [
        "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.",
    ];
    let m: usize = month.get(5..7).and_then(|s| s.parse().ok()).unwrap_or(1);
    format!("{} {}", NAMES[(m.clamp(1, 12)) - 1], month.get(2..4).unwrap_or(""))
}

/// The « Finances » section of the dashboard (roles that issue invoices).
pub async fn pack(db: &impl ConnectionTrait, scope: &Scope) -> Result<Pack, AppError> {
    let ws = scope.workspace_id.0;
    let today = time::paris_day(time::now());
    let months = months_back(today, 12);
    let rows = finance_month::Entity::find()
        .filter(finance_month::Column::WorkspaceId.eq(ws))
        .filter(finance_month::Column::Month.is_in(months.clone()))
        .all(db)
        .await?;
    let get = |m: &str| rows.iter().find(|r| r.month == m);
    let current = months.last().cloned().unwrap_or_default();
    let this = get(&current);
    let sum = |f: fn(&finance_month::Model) -> i64| rows.iter().map(f).sum::<i64>();
    let open = [InvoiceStatus::Issued, InvoiceStatus::Sent, InvoiceStatus::PartiallyPaid];
    let owed = |overdue: bool| {
        let mut q = invoice::Entity::find()
            .filter(invoice::Column::WorkspaceId.eq(ws))
            .filter(invoice::Column::Kind.ne(InvoiceKind::CreditNote))
            .filter(invoice::Column::Status.is_in(open));
        if overdue {
            q = q.filter(invoice::Column::DueDate.lt(today));
        }
        q.select_only()
            .column_as(
                Expr::from(Func::cast_as(
                    Expr::col(invoice::Column::TotalTtcCents)
                        .sub(Expr::col(invoice::Column::CreditedCents))
                        .sub(Expr::col(invoice::Column::PaidCents))
                        .sub(Expr::col(invoice::Column::HoldbackCents))
                        .sum(),
                    "BIGINT",
                )),
                "s",
            )
            .into_tuple::<Option<i64>>()
            .one(db)
    };
    let outstanding = owed(false).await?.flatten().unwrap_or(0);
    let overdue = owed(true).await?.flatten().unwrap_or(0);
    let paid = sum(|r| r.paid_invoices);
    let mut kpis = vec![
        Kpi::new(
            "invoiced_month",
            "Facturé ce mois (TTC, avoirs déduits)",
            0,
            Some(this.map(|r| r.invoiced_cents - r.credited_cents).unwrap_or(0) as f64),
            Unit::Cents,
        ),
        Kpi::new(
            "collected_month",
            "Encaissé ce mois",
            0,
            Some(this.map(|r| r.collected_cents).unwrap_or(0) as f64),
            Unit::Cents,
        ),
        Kpi::new(
            "outstanding",
            "Reste à encaisser",
            0,
            Some(Ord::max(outstanding, 0) as f64),
            Unit::Cents,
        ),
        Kpi::new(
            "overdue",
            "Dont en retard",
            0,
            Some(Ord::max(overdue, 0) as f64),
            Unit::Cents,
        ),
        Kpi::new(
            "days_to_pay",
            "Délai moyen de paiement (jours, 12 mois)",
            0,
            (paid > 0).then(|| (sum(|r| r.days_to_pay) as f64 / paid as f64 * 10.0).round() / 10.0),
            Unit::Ratio,
        ),
        Kpi::new(
            "deposits_share",
            "Acomptes / (acomptes + soldes), 12 mois",
            0,
            {
                let (d, f) = (sum(|r| r.deposits_cents), sum(|r| r.finals_cents));
                (d + f > 0).then(|| (d as f64 * 1000.0 / (d + f) as f64).round() / 10.0)
            },
            Unit::Percent,
        ),
    ];
    kpis[5].detail = Some(format!(
        "acomptes {} · soldes {}",
        crate::domain::money::format_eur(sum(|r| r.deposits_cents)),
        crate::domain::money::format_eur(sum(|r| r.finals_cents))
    ));
    let invoiced: Vec<(String, i64)> = months
        .iter()
        .map(|m| {
            (
                label(m),
                get(m).map(|r| r.invoiced_cents - r.credited_cents).unwrap_or(0),
            )
        })
        .collect();
    let collected: Vec<(String, i64)> = months
        .iter()
        .map(|m| (label(m), get(m).map(|r| r.collected_cents).unwrap_or(0)))
        .collect();
    Ok(Pack {
        title: "Finances".into(),
        kpis,
        charts: vec![
            charts::by_stage("chart-invoiced", "Facturé par mois (TTC)", &invoiced),
            charts::by_stage("chart-collected", "Encaissé par mois", &collected),
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_months_end_with_the_current_one() {
        let day = NaiveDate::from_ymd_opt(2026, 2, 14).unwrap();
        let months = months_back(day, 12);
        assert_eq!(months.first().map(String::as_str), Some("2025-03"));
        assert_eq!(months.last().map(String::as_str), Some("2026-02"));
        assert_eq!(label("2026-02"), "févr. 26");
    }
}
