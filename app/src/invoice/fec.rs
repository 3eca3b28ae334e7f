//! The FEC export of a period, produced page by page (constant memory
//! whatever the number of invoices): the sales journal (every invoice and
//! credit note issued in the period), then the bank journal (every payment
//! received in it), lettered by invoice number once an invoice is settled.

use super::{InvoiceKind, InvoiceStatus, Operation, store};
use crate::domain::Role;
use crate::domain::fec::{self, Accounts, PaymentDoc, SaleDoc};
use crate::error::AppError;
use crate::infra::Scope;
use crate::infra::entity::{invoice, invoice_line, payment};
use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;
use uuid::Uuid;

/// Documents per page.
const PAGE: u64 = 500;

enum Phase {
    Header,
    Sales(Option<(NaiveDate, String)>),
    Bank(Option<(NaiveDate, Uuid)>),
    Done,
}

/// A FEC being written.
pub struct FecExport {
    workspace: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    accounts: Accounts,
    phase: Phase,
    sales: u64,
    bank: u64,
    /// Every entry written so far balanced.
    pub balanced: bool,
    /// Entries written.
    pub entries: u64,
}

/// `YYYY-MM-DD` to a date, with the message of the field.
pub fn parse_period(from: &str, to: &str) -> Result<(NaiveDate, NaiveDate), AppError> {
    let from = NaiveDate::parse_from_str(from, "%Y-%m-%d")
        .map_err(|_| AppError::field("from", "Date de début invalide (AAAA-MM-JJ)."))?;
    let to = NaiveDate::parse_from_str(to, "%Y-%m-%d")
        .map_err(|_| AppError::field("to", "Date de fin invalide (AAAA-MM-JJ)."))?;
    if to < from {
        return Err(AppError::field("to", "La fin de la période précède son début."));
    }
    if (to - from).num_days() > 731 {
        return Err(AppError::field("to", "Deux ans au plus par export."));
    }
    Ok((from, to))
}

fn ymd(day: NaiveDate) -> String {
    day.format("%Y%m%d").to_string()
}

/// A client's auxiliary account: stable per contact, else from the name.
fn aux_account(m: &invoice::Model) -> (String, String) {
    let name = if m.client_company.is_empty() {
        m.client_name.clone()
    } else {
        m.client_company.clone()
    };
    let code = match m.contact_id {
        Some(id) => format!("C{}", &id.simple().to_string()[24..]).to_uppercase(),
        None => {
            let letters: String = name
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .take(10)
                .collect::<String>()
                .to_uppercase();
            format!("C{letters}")
        }
    };
    (code, name)
}

impl FecExport {
    /// Starts an export of the caller's workspace for a period.
    pub fn new(scope: &Scope, from: NaiveDate, to: NaiveDate) -> Result<FecExport, AppError> {
        scope.require(Role::can_issue_invoices)?;
        Ok(FecExport {
            workspace: scope.workspace_id.0,
            from,
            to,
            accounts: Accounts::default(),
            phase: Phase::Header,
            sales: 0,
            bank: 0,
            balanced: true,
            entries: 0,
        })
    }

    /// The file name: `SIRENFECAAAAMMJJ.txt`.
    pub async fn file_name(&self, db: &impl ConnectionTrait) -> Result<String, AppError> {
        let profile = crate::quote::profile::load(db, self.workspace).await?;
        let siren: String = profile.siret.chars().filter(char::is_ascii_digit).take(9).collect();
        Ok(fec::file_name(
            if siren.is_empty() { "000000000" } else { &siren },
            &ymd(self.to),
        ))
    }

    /// The next piece of the file, `None` at the end.
    pub async fn next_chunk(&mut self, db: &impl ConnectionTrait) -> Result<Option<String>, AppError> {
        loop {
            match std::mem::replace(&mut self.phase, Phase::Done) {
                Phase::Header => {
                    // The workspace's chart of accounts, read once per export.
                    self.accounts = super::settings::accounts(&super::settings::load(db, self.workspace).await?);
                    self.phase = Phase::Sales(None);
                    return Ok(Some(fec::header()));
                }
                Phase::Sales(after) => {
                    let (text, next) = self.sales_page(db, after).await?;
                    self.phase = match next {
                        Some(cursor) => Phase::Sales(Some(cursor)),
                        None => Phase::Bank(None),
                    };
                    if !text.is_empty() {
                        return Ok(Some(text));
                    }
                }
                Phase::Bank(after) => {
                    let (text, next) = self.bank_page(db, after).await?;
                    self.phase = match next {
                        Some(cursor) => Phase::Bank(Some(cursor)),
                        None => Phase::Done,
                    };
                    if !text.is_empty() {
                        return Ok(Some(text));
                    }
                }
                Phase::Done => return Ok(None),
            }
        }
    }

    /// The date each settled invoice was settled (its last payment), for
    /// lettering: settled when payments and credit notes cover its TTC (the
    /// client account of its lines, payments and credit notes sums to zero).
    async fn settled_on(
        &self,
        db: &impl ConnectionTrait,
        invoices: &[&invoice::Model],
    ) -> Result<HashMap<Uuid, NaiveDate>, AppError> {
        let ids: Vec<Uuid> = invoices
            .iter()
            .filter(|m| {
                m.kind != InvoiceKind::CreditNote
                    && m.total_ttc_cents > 0
                    && m.paid_cents + m.credited_cents >= m.total_ttc_cents
            })
            .map(|m| m.id)
            .collect();
        let mut out: HashMap<Uuid, NaiveDate> = invoices
            .iter()
            .filter(|m| ids.contains(&m.id))
            .filter_map(|m| m.issue_date.map(|d| (m.id, d)))
            .collect();
        if ids.is_empty() {
            return Ok(out);
        }
        let last: Vec<(Uuid, Option<NaiveDate>)> = payment::Entity::find()
            .filter(payment::Column::WorkspaceId.eq(self.workspace))
            .filter(payment::Column::InvoiceId.is_in(ids))
            .select_only()
            .column(payment::Column::InvoiceId)
            .column_as(Expr::col(payment::Column::PaidOn).max(), "last")
            .group_by(payment::Column::InvoiceId)
            .into_tuple()
            .all(db)
            .await?;
        for (id, day) in last {
            if let Some(day) = day {
                let entry = out.entry(id).or_insert(day);
                *entry = Ord::max(*entry, day);
            }
        }
        Ok(out)
    }

    async fn sales_page(
        &mut self,
        db: &impl ConnectionTrait,
        after: Option<(NaiveDate, String)>,
    ) -> Result<(String, Option<(NaiveDate, String)>), AppError> {
        let mut query = invoice::Entity::find()
            .filter(invoice::Column::WorkspaceId.eq(self.workspace))
            .filter(invoice::Column::Status.ne(InvoiceStatus::Draft))
            .filter(invoice::Column::IssueDate.gte(self.from))
            .filter(invoice::Column::IssueDate.lte(self.to));
        if let Some((day, number)) = &after {
            query = query.filter(
                Condition::any().add(invoice::Column::IssueDate.gt(*day)).add(
                    Condition::all()
                        .add(invoice::Column::IssueDate.eq(*day))
                        .add(invoice::Column::Number.gt(number.clone())),
                ),
            );
        }
        let rows = query
            .order_by_asc(invoice::Column::IssueDate)
            .order_by_asc(invoice::Column::Number)
            .limit(PAGE)
            .all(db)
            .await?;
        let ids: Vec<Uuid> = rows.iter().map(|m| m.id).collect();
        let mut lines: HashMap<Uuid, Vec<invoice_line::Model>> = HashMap::new();
        if !ids.is_empty() {
            for l in invoice_line::Entity::find()
                .filter(invoice_line::Column::WorkspaceId.eq(self.workspace))
                .filter(invoice_line::Column::InvoiceId.is_in(ids))
                .order_by_asc(invoice_line::Column::InvoiceId)
                .order_by_asc(invoice_line::Column::Position)
                .all(db)
                .await?
            {
                lines.entry(l.invoice_id).or_default().push(l);
            }
        }
        // Credit notes are lettered with the invoice they correct.
        let corrected_ids: Vec<Uuid> = rows.iter().filter_map(|m| m.corrects_id).collect();
        let corrected: HashMap<Uuid, invoice::Model> = if corrected_ids.is_empty() {
            HashMap::new()
        } else {
            invoice::Entity::find()
                .filter(invoice::Column::WorkspaceId.eq(self.workspace))
                .filter(invoice::Column::Id.is_in(corrected_ids))
                .all(db)
                .await?
                .into_iter()
                .map(|m| (m.id, m))
                .collect()
        };
        let mut refs: Vec<&invoice::Model> = rows.iter().collect();
        refs.extend(corrected.values());
        let settled = self.settled_on(db, &refs).await?;
        let mut text = String::new();
        for m in &rows {
            let body = store::lines_input(lines.get(&m.id).map(Vec::as_slice).unwrap_or(&[]));
            let entries: Vec<_> = body.iter().map(crate::quote::LineInput::entry).collect();
            let totals = crate::domain::quote_totals::compute(&entries, crate::domain::quote_totals::Deposit::None);
            let (aux, aux_name) = aux_account(m);
            let number = m.number.clone().unwrap_or_default();
            let date = ymd(m.issue_date.unwrap_or(self.from));
            let lettered = m.corrects_id.and_then(|c| corrected.get(&c)).unwrap_or(m);
            let letter_code = lettered.number.clone().unwrap_or_default();
            let letter_date = settled.get(&lettered.id).map(|d| ymd(*d));
            self.sales += 1;
            let entry = fec::sale_entry(
                &self.accounts,
                self.sales,
                &SaleDoc {
                    number: &number,
                    date: &date,
                    credit_note: m.kind == InvoiceKind::CreditNote,
                    goods: m.operation == Operation::Goods,
                    client: (&aux, &aux_name),
                    vat: totals.vat.iter().map(|v| (v.rate, v.base, v.vat)).collect(),
                    total: totals.total_ttc,
                    letter: letter_date.as_deref().map(|d| (letter_code.as_str(), d)),
                },
            );
            self.balanced &= entry.is_balanced();
            self.entries += 1;
            fec::write(&entry, &mut text);
        }
        let next = (rows.len() as u64 == PAGE)
            .then(|| {
                rows.last()
                    .map(|m| (m.issue_date.unwrap_or(self.from), m.number.clone().unwrap_or_default()))
            })
            .flatten();
        Ok((text, next))
    }

    async fn bank_page(
        &mut self,
        db: &impl ConnectionTrait,
        after: Option<(NaiveDate, Uuid)>,
    ) -> Result<(String, Option<(NaiveDate, Uuid)>), AppError> {
        let mut query = payment::Entity::find()
            .filter(payment::Column::WorkspaceId.eq(self.workspace))
            .filter(payment::Column::PaidOn.gte(self.from))
            .filter(payment::Column::PaidOn.lte(self.to));
        if let Some((day, id)) = after {
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
        let refs: Vec<&invoice::Model> = invoices.values().collect();
        let settled = self.settled_on(db, &refs).await?;
        let mut text = String::new();
        for p in &rows {
            let Some(m) = invoices.get(&p.invoice_id) else { continue };
            let (aux, aux_name) = aux_account(m);
            let number = m.number.clone().unwrap_or_default();
            let date = ymd(p.paid_on);
            let letter_date = settled.get(&m.id).map(|d| ymd(*d));
            let label = format!("{} {}", p.method.label(), p.reference);
            self.bank += 1;
            let entry = fec::payment_entry(
                &self.accounts,
                self.bank,
                &PaymentDoc {
                    invoice: &number,
                    date: &date,
                    amount: p.amount_cents,
                    client: (&aux, &aux_name),
                    label: label.trim(),
                    letter: letter_date.as_deref().map(|d| (number.as_str(), d)),
                },
            );
            self.balanced &= entry.is_balanced();
            self.entries += 1;
            fec::write(&entry, &mut text);
        }
        let next = (rows.len() as u64 == PAGE)
            .then(|| rows.last().map(|p| (p.paid_on, p.id)))
            .flatten();
        Ok((text, next))
    }
}
