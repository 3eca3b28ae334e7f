//! CSV exports of the invoices and of the payments of a period, in the form
//! French spreadsheets open directly: UTF-8 with a byte-order mark, `;`
//! separators, decimal commas, dates `JJ/MM/AAAA`. Produced page by page.

use super::InvoiceStatus;
use crate::domain::Role;
use crate::error::AppError;
use crate::infra::Scope;
use crate::infra::entity::{invoice, payment};
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;
use uuid::Uuid;

const PAGE: u64 = 1_000;

/// Which list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CsvKind {
    /// Invoices and credit notes issued in the period.
    Invoices,
    /// Payments received in the period.
    Payments,
}

/// A CSV being written.
pub struct CsvExport {
    kind: CsvKind,
    workspace: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    cursor: Option<(NaiveDate, Uuid)>,
    started: bool,
    done: bool,
}

fn cell(text: &str) -> String {
    let mut clean = text.replace(['\r', '\n'], " ");
    // A spreadsheet would run a cell starting like a formula.
    if clean.starts_with(['=', '+', '-', '@', '\t']) {
        clean.insert(0, '\'');
    }
    if clean.contains([';', '"']) {
        format!("\"{}\"", clean.replace('"', "\"\""))
    } else {
        clean
    }
}

fn euros(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{},{:02}", cents.unsigned_abs() / 100, cents.unsigned_abs() % 100)
}

fn dmy(day: Option<NaiveDate>) -> String {
    day.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default()
}

impl CsvExport {
    /// Starts an export of the caller's workspace.
    pub fn new(scope: &Scope, kind: CsvKind, from: NaiveDate, to: NaiveDate) -> Result<CsvExport, AppError> {
        scope.require(Role::can_issue_invoices)?;
        Ok(CsvExport {
            kind,
            workspace: scope.workspace_id.0,
            from,
            to,
            cursor: None,
            started: false,
            done: false,
        })
    }

    /// The file name.
    pub fn file_name(&self) -> String {
        let what = match self.kind {
            CsvKind::Invoices => "factures",
            CsvKind::Payments => "paiements",
        };
        format!("{what}-{}-{}.csv", self.from.format("%Y%m%d"), self.to.format("%Y%m%d"))
    }

    /// The next piece of the file, `None` at the end.
    pub async fn next_chunk(&mut self, db: &impl ConnectionTrait) -> Result<Option<String>, AppError> {
        if self.done {
            return Ok(None);
        }
        if !self.started {
            self.started = true;
            let header = match self.kind {
                CsvKind::Invoices => {
                    "Numéro;Type;Statut;Date;Échéance;Client;SIREN;Titre;Total HT;TVA;Total TTC;Payé;Avoirs;Reste à payer"
                }
                CsvKind::Payments => "Date;Facture;Client;Montant;Moyen;Référence",
            };
            return Ok(Some(format!("\u{feff}{header}\r\n")));
        }
        let text = match self.kind {
            CsvKind::Invoices => self.invoices(db).await?,
            CsvKind::Payments => self.payments(db).await?,
        };
        Ok(Some(text))
    }

    async fn invoices(&mut self, db: &impl ConnectionTrait) -> Result<String, AppError> {
        let mut query = invoice::Entity::find()
            .filter(invoice::Column::WorkspaceId.eq(self.workspace))
            .filter(invoice::Column::Status.ne(InvoiceStatus::Draft))
            .filter(invoice::Column::IssueDate.gte(self.from))
            .filter(invoice::Column::IssueDate.lte(self.to));
        if let Some((day, id)) = self.cursor {
            query = query.filter(
                Condition::any().add(invoice::Column::IssueDate.gt(day)).add(
                    Condition::all()
                        .add(invoice::Column::IssueDate.eq(day))
                        .add(invoice::Column::Id.gt(id)),
                ),
            );
        }
        let rows = query
            .order_by_asc(invoice::Column::IssueDate)
            .order_by_asc(invoice::Column::Id)
            .limit(PAGE)
            .all(db)
            .await?;
        self.done = (rows.len() as u64) < PAGE;
        self.cursor = rows.last().map(|m| (m.issue_date.unwrap_or(self.from), m.id));
        let today = crate::infra::time::paris_day(crate::infra::time::now());
        let mut out = String::new();
        for m in &rows {
            let client = if m.client_company.is_empty() {
                &m.client_name
            } else {
                &m.client_company
            };
            let fields = [
                cell(m.number.as_deref().unwrap_or("")),
                cell(m.kind.label()),
                cell(super::document::shown_status(m, today).label()),
                dmy(m.issue_date),
                dmy(m.due_date),
                cell(client),
                cell(&m.client_siren),
                cell(&m.title),
                euros(m.total_ht_cents),
                euros(m.total_vat_cents),
                euros(m.total_ttc_cents),
                euros(m.paid_cents),
                euros(m.credited_cents),
                euros(super::service::balance(m)),
            ];
            out.push_str(&fields.join(";"));
            out.push_str("\r\n");
        }
        Ok(out)
    }

    async fn payments(&mut self, db: &impl ConnectionTrait) -> Result<String, AppError> {
        let mut query = payment::Entity::find()
            .filter(payment::Column::WorkspaceId.eq(self.workspace))
            .filter(payment::Column::PaidOn.gte(self.from))
            .filter(payment::Column::PaidOn.lte(self.to));
        if let Some((day, id)) = self.cursor {
            query = query.filter(
                Condition::any().add(payment::Column::PaidOn.gt(day)).add(
                    Condition::all()
                        .add(payment::Column::PaidOn.eq(day))
                        .add(payment::Column::Id.gt(id)),
                ),
            );
        }
        let rows = query
            .order_by_asc(payment::Column::PaidOn)
            .order_by_asc(payment::Column::Id)
            .limit(PAGE)
            .all(db)
            .await?;
        self.done = (rows.len() as u64) < PAGE;
        self.cursor = rows.last().map(|p| (p.paid_on, p.id));
        let ids: Vec<Uuid> = rows.iter().map(|p| p.invoice_id).collect();
        let invoices: HashMap<Uuid, invoice::Model> = if ids.is_empty() {
            HashMap::new()
        } else {
            invoice::Entity::find()
                .filter(invoice::Column::WorkspaceId.eq(self.workspace))
                .filter(invoice::Column::Id.is_in(ids))
                .all(db)
                .await?
                .into_iter()
                .map(|m| (m.id, m))
                .collect()
        };
        let mut out = String::new();
        for p in &rows {
            let (number, client) = invoices
                .get(&p.invoice_id)
                .map(|m| {
                    let client = if m.client_company.is_empty() {
                        m.client_name.clone()
                    } else {
                        m.client_company.clone()
                    };
                    (m.number.clone().unwrap_or_default(), client)
                })
                .unwrap_or_default();
            let fields = [
                dmy(Some(p.paid_on)),
                cell(&number),
                cell(&client),
                euros(p.amount_cents),
                cell(p.method.label()),
                cell(&p.reference),
            ];
            out.push_str(&fields.join(";"));
            out.push_str("\r\n");
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_only_when_needed() {
        assert_eq!(cell("Dupont"), "Dupont");
        assert_eq!(cell("SARL \"Les Pins\"; Lyon"), "\"SARL \"\"Les Pins\"\"; Lyon\"");
        assert_eq!(euros(-123_405), "-1234,05");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
    }
}
