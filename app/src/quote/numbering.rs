//! Quote numbers: `D-YYYY-NNNN`, gapless and chronological per workspace
//! and year. The counter row is incremented inside the transaction that
//! sends the quote: PostgreSQL's row lock (and SQLite's write lock) makes
//! concurrent senders wait for each other, and a send that fails rolls the
//! counter back with everything else, so no number is ever skipped.

use crate::error::AppError;
use crate::infra::entity::quote_counter;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use uuid::Uuid;

/// `D-2026-0042` (at least four digits; a 10 000th quote reads `D-2026-10000`).
pub fn format_number(year: i32, n: i32) -> String {
    format!("D-{year}-{n:04}")
}

/// Takes the next number of `year` for the workspace. Call it after every
/// check that may refuse the send and take the send time after it, so that
/// numbers follow sending order.
pub async fn take_next(txn: &DatabaseTransaction, workspace_id: Uuid, year: i32) -> Result<String, AppError> {
    quote_counter::Entity::insert(quote_counter::ActiveModel {
        workspace_id: Set(workspace_id),
        year: Set(year),
        last_number: Set(0),
    })
    .on_conflict_do_nothing_on([quote_counter::Column::WorkspaceId, quote_counter::Column::Year])
    .exec_without_returning(txn)
    .await?;
    quote_counter::Entity::update_many()
        .col_expr(
            quote_counter::Column::LastNumber,
            Expr::col(quote_counter::Column::LastNumber).add(1),
        )
        .filter(quote_counter::Column::WorkspaceId.eq(workspace_id))
        .filter(quote_counter::Column::Year.eq(year))
        .exec(txn)
        .await?;
    let counter = quote_counter::Entity::find_by_id((workspace_id, year))
        .one(txn)
        .await?
        .ok_or(AppError::Internal)?;
    Ok(format_number(year, counter.last_number))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_four_digits_at_least() {
        assert_eq!(format_number(2026, 1), "D-2026-0001");
        assert_eq!(format_number(2026, 42), "D-2026-0042");
        assert_eq!(format_number(2027, 12_345), "D-2027-12345");
    }
}
