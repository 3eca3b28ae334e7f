//! Between `InvoiceDraft` and the `invoices` / `invoice_lines` rows.

use super::billing::BilledLine;
use super::{InvoiceClient, InvoiceDraft, InvoiceKind, InvoiceStatus};
use crate::domain::ContactId;
use crate::domain::quote_totals::{Discount, Totals};
use crate::domain::vat::{Unit, VatRate};
use crate::error::AppError;
use crate::infra::entity::{invoice, invoice_line, invoice_settings};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

fn discount_from_row(kind: &str, value: i64) -> Discount {
    match kind {
        "percent" => Discount::Percent(value),
        "amount" => Discount::Amount(value),
        _ => Discount::None,
    }
}

fn discount_to_row(discount: Discount) -> (&'static str, i64) {
    match discount {
        Discount::None => ("none", 0),
        Discount::Percent(v) => ("percent", v),
        Discount::Amount(v) => ("amount", v),
    }
}

/// A new draft's row with the workspace's invoicing defaults.
pub fn blank(ws: Uuid, kind: InvoiceKind, now: DateTime<Utc>, s: &invoice_settings::Model) -> invoice::Model {
    invoice::Model {
        id: Uuid::now_v7(),
        workspace_id: ws,
        kind,
        status: InvoiceStatus::Draft,
        number: None,
        quote_id: None,
        deal_id: None,
        contact_id: None,
        corrects_id: None,
        title: String::new(),
        client_name: String::new(),
        client_company: String::new(),
        client_email: String::new(),
        client_address: String::new(),
        client_postcode: String::new(),
        client_city: String::new(),
        client_siren: String::new(),
        client_vat_number: String::new(),
        site_address: String::new(),
        site_postcode: String::new(),
        site_city: String::new(),
        operation: s.operation,
        reverse_charge: false,
        vat_on_debits: s.vat_on_debits,
        reduced_rate_certified: false,
        progress_bp: 0,
        holdback_bp: 0,
        issue_date: None,
        supply_date: None,
        due_date: None,
        due_days: s.due_days,
        payment_terms: format!("Paiement à {} jours par virement.", s.due_days),
        late_penalty: s.late_penalty.clone(),
        early_discount: s.early_discount.clone(),
        notes: String::new(),
        reminders_enabled: true,
        reminders_sent: 0,
        total_ht_cents: 0,
        total_vat_cents: 0,
        total_ttc_cents: 0,
        holdback_cents: 0,
        credited_cents: 0,
        paid_cents: 0,
        pdf_file_id: None,
        pdf_sha256: None,
        created_by_member_id: None,
        created_at: now,
        updated_at: now,
        issued_at: None,
        sent_at: None,
        client_einvoice_address: String::new(),
        pa_requested_at: None,
        pa_flow_id: None,
        pa_status: None,
        pa_detail: None,
        pa_status_at: None,
    }
}

/// Copies a (checked) draft and its totals onto the row.
pub fn apply_draft(row: &mut invoice::ActiveModel, draft: &InvoiceDraft, totals: &Totals) {
    let c = &draft.client;
    let trim = |s: &str| s.trim().to_string();
    // The contact is never taken from the client: it comes from the quote
    // (the portal link it gets opens that contact's documents).
    row.client_name = Set(trim(&c.name));
    row.client_company = Set(trim(&c.company));
    row.client_email = Set(c.email.trim().to_lowercase());
    row.client_address = Set(trim(&c.address));
    row.client_postcode = Set(trim(&c.postcode));
    row.client_city = Set(trim(&c.city));
    let siren: String = c.siren.chars().filter(|c| !c.is_whitespace()).collect();
    // The directory's address belongs to the SIREN it was found for.
    if !matches!(&row.client_siren, sea_orm::ActiveValue::Unchanged(old) | sea_orm::ActiveValue::Set(old) if *old == siren)
    {
        row.client_einvoice_address = Set(String::new());
    }
    row.client_siren = Set(siren);
    row.client_vat_number = Set(c
        .vat_number
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase());
    row.title = Set(trim(&draft.title));
    row.site_address = Set(trim(&draft.site_address));
    row.site_postcode = Set(trim(&draft.site_postcode));
    row.site_city = Set(trim(&draft.site_city));
    row.operation = Set(draft.operation);
    row.reverse_charge = Set(draft.reverse_charge);
    row.vat_on_debits = Set(draft.vat_on_debits);
    row.reduced_rate_certified = Set(draft.reduced_rate_certified);
    row.holdback_bp = Set(draft.holdback_bp);
    row.supply_date = Set(NaiveDate::parse_from_str(&draft.supply_date, "%Y-%m-%d").ok());
    row.due_days = Set(draft.due_days);
    row.payment_terms = Set(trim(&draft.payment_terms));
    row.late_penalty = Set(trim(&draft.late_penalty));
    row.early_discount = Set(trim(&draft.early_discount));
    row.notes = Set(trim(&draft.notes));
    row.total_ht_cents = Set(totals.total_ht);
    row.total_vat_cents = Set(totals.total_vat);
    row.total_ttc_cents = Set(totals.total_ttc);
}

/// The line rows of a body, positions 0, 1, 2…; `deducted` maps a
/// deduction's index to the invoice it takes off, `quote_lines` a progress
/// line's entry to its quote line.
pub fn line_rows(
    ws: Uuid,
    invoice_id: Uuid,
    lines: &[BilledLine],
    deducted: &[Uuid],
    quote_lines: &[Uuid],
) -> Vec<invoice_line::ActiveModel> {
    lines
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let l = &b.line;
            let (kind, value) = discount_to_row(l.discount);
            invoice_line::ActiveModel {
                id: Set(Uuid::now_v7()),
                workspace_id: Set(ws),
                invoice_id: Set(invoice_id),
                position: Set(i as i32),
                kind: Set(if l.section { "section" } else { "line" }.into()),
                description: Set(l.description.trim().to_string()),
                quantity: Set(l.quantity),
                unit: Set(l.unit.as_str().into()),
                unit_price_cents: Set(l.unit_price),
                vat_bp: Set(l.vat.basis_points() as i32),
                discount_kind: Set(kind.into()),
                discount_value: Set(value),
                quote_line_id: Set(b.quote_entry.and_then(|e| quote_lines.get(e).copied())),
                progress_bp: Set(b.progress_bp),
                deducts_invoice_id: Set(b.deducts.and_then(|d| deducted.get(d).copied())),
            }
        })
        .collect()
}

/// The body as the editor holds it.
pub fn lines_input(lines: &[invoice_line::Model]) -> Vec<crate::quote::LineInput> {
    lines
        .iter()
        .map(|l| crate::quote::LineInput {
            section: l.kind == "section",
            description: l.description.clone(),
            quantity: l.quantity,
            unit: Unit::parse(&l.unit).unwrap_or(Unit::Piece),
            unit_price: l.unit_price_cents,
            vat: VatRate::from_basis_points(l.vat_bp as i64).unwrap_or(VatRate::Standard),
            discount: discount_from_row(&l.discount_kind, l.discount_value),
        })
        .collect()
}

/// The draft a stored invoice reads as.
pub fn draft_of(m: &invoice::Model, lines: &[invoice_line::Model]) -> InvoiceDraft {
    InvoiceDraft {
        title: m.title.clone(),
        client: InvoiceClient {
            contact_id: m.contact_id.map(ContactId),
            name: m.client_name.clone(),
            company: m.client_company.clone(),
            email: m.client_email.clone(),
            address: m.client_address.clone(),
            postcode: m.client_postcode.clone(),
            city: m.client_city.clone(),
            siren: m.client_siren.clone(),
            vat_number: m.client_vat_number.clone(),
        },
        site_address: m.site_address.clone(),
        site_postcode: m.site_postcode.clone(),
        site_city: m.site_city.clone(),
        operation: m.operation,
        reverse_charge: m.reverse_charge,
        vat_on_debits: m.vat_on_debits,
        reduced_rate_certified: m.reduced_rate_certified,
        holdback_bp: m.holdback_bp,
        supply_date: m
            .supply_date
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        due_days: m.due_days,
        payment_terms: m.payment_terms.clone(),
        late_penalty: m.late_penalty.clone(),
        early_discount: m.early_discount.clone(),
        notes: m.notes.clone(),
        lines: lines_input(lines),
    }
}

/// The lines of an invoice, in order.
pub async fn lines_of(db: &impl ConnectionTrait, ws: Uuid, id: Uuid) -> Result<Vec<invoice_line::Model>, AppError> {
    Ok(invoice_line::Entity::find()
        .filter(invoice_line::Column::WorkspaceId.eq(ws))
        .filter(invoice_line::Column::InvoiceId.eq(id))
        .order_by_asc(invoice_line::Column::Position)
        .all(db)
        .await?)
}

/// An invoice of the workspace.
pub async fn find(db: &impl ConnectionTrait, ws: Uuid, id: Uuid) -> Result<invoice::Model, AppError> {
    invoice::Entity::find_by_id(id)
        .filter(invoice::Column::WorkspaceId.eq(ws))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Takes the invoice for a state transition: one winner under concurrency
/// (`UPDATE … WHERE status IN (from)` holds the row until the transaction
/// ends; a second caller waits, then finds the status changed: `None`).
pub async fn claim(
    txn: &impl ConnectionTrait,
    ws: Uuid,
    id: Uuid,
    from: &[InvoiceStatus],
) -> Result<Option<invoice::Model>, AppError> {
    let taken = invoice::Entity::update_many()
        .col_expr(invoice::Column::UpdatedAt, crate::infra::time::now().into())
        .filter(invoice::Column::Id.eq(id))
        .filter(invoice::Column::WorkspaceId.eq(ws))
        .filter(invoice::Column::Status.is_in(from.iter().copied()))
        .exec(txn)
        .await?;
    if taken.rows_affected != 1 {
        return Ok(None);
    }
    Ok(invoice::Entity::find_by_id(id)
        .filter(invoice::Column::WorkspaceId.eq(ws))
        .one(txn)
        .await?)
}
