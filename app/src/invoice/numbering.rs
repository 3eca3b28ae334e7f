//! Invoice numbers: `F-YYYY-NNNN` for invoices, `A-YYYY-NNNN` for credit
//! notes, gapless and chronological per workspace, series and year. The
//! counter row is incremented inside the issuing transaction (the row lock
//! on PostgreSQL, the write lock on SQLite make concurrent issuers take
//! turns); an issue that fails rolls its number back with everything else.

use crate::error::AppError;
use crate::infra::entity::invoice_counter;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// A numbering series.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Series {
    /// Invoices (`F`).
    Invoice,
    /// Credit notes (`A`, avoirs).
    CreditNote,
}

impl Series {
    fn prefix(self) -> &'static str {
        match self {
            Series::Invoice => "F",
            Series::CreditNote => "A",
        }
    }
}

/// `F-2026-0042` (four digits at least; the 10 000th reads `F-2026-10000`).
pub fn format_number(series: Series, year: i32, n: i32) -> String {
    format!("{}-{year}-{n:04}", series.prefix())
}

/// Takes the next number. Call it after every check that may refuse the
/// issue, and take the issue time after it.
pub async fn take_next(
    txn: &impl ConnectionTrait,
    workspace_id: Uuid,
    series: Series,
    year: i32,
) -> Result<String, AppError> {
    invoice_counter::Entity::insert(invoice_counter::ActiveModel {
        workspace_id: Set(workspace_id),
        series: Set(series.prefix().into()),
        year: Set(year),
        last_number: Set(0),
    })
    .on_conflict_do_nothing_on([
        invoice_counter::Column::WorkspaceId,
        invoice_counter::Column::Series,
        invoice_counter::Column::Year,
    ])
    .exec_without_returning(txn)
    .await?;
    invoice_counter::Entity::update_many()
        .col_expr(
            invoice_counter::Column::LastNumber,
            Expr::col(invoice_counter::Column::LastNumber).add(1),
        )
        .filter(invoice_counter::Column::WorkspaceId.eq(workspace_id))
        .filter(invoice_counter::Column::Series.eq(series.prefix()))
        .filter(invoice_counter::Column::Year.eq(year))
        .exec(txn)
        .await?;
    let counter = invoice_counter::Entity::find_by_id((workspace_id, series.prefix().to_string(), year))
        .one(txn)
        .await?
        .ok_or(AppError::Internal)?;
    Ok(format_number(series, year, counter.last_number))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_series_has_its_prefix() {
        assert_eq!(format_number(Series::Invoice, 2026, 1), "F-2026-0001");
        assert_eq!(format_number(Series::CreditNote, 2026, 42), "A-2026-0042");
        assert_eq!(format_number(Series::Invoice, 2027, 12_345), "F-2027-12345");
    }
}
