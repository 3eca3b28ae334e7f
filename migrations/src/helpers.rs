//! Statement builders shared by the migrations.

use sea_orm_migration::prelude::*;

/// A foreign key `from_table.from_col → to_table.id`, cascading deletes.
pub fn fk(from_table: &'static str, from_col: &'static str, to_table: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{from_table}_{from_col}"))
        .from(from_table, from_col)
        .to(to_table, "id")
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

/// An index `ix_{table}_{name}` on the columns, in order.
pub fn index(table: &'static str, name: &str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(format!("ix_{table}_{name}")).table(table);
    for col in cols {
        stmt.col(*col);
    }
    stmt.to_owned()
}

/// Drops an index if it exists (plain SQL: the same statement on SQLite and PostgreSQL).
pub async fn drop_index(m: &SchemaManager<'_>, name: &str) -> Result<(), DbErr> {
    m.get_connection()
        .execute_unprepared(&format!("DROP INDEX IF EXISTS {name}"))
        .await
        .map(|_| ())
}
