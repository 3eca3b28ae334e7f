//! Between the editor's `QuoteDraft` and the `quotes` / `quote_lines` rows.

use super::{ClientInput, LineInput, QuoteDraft, QuoteStatus};
use crate::domain::quote_totals::{Deposit, Discount, Totals};
use crate::domain::vat::{Unit, VatRate};
use crate::domain::{ContactId, DealId};
use crate::error::AppError;
use crate::infra::entity::{business_profile, quote, quote_line};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

fn kind_value(kind: &str, value: i64) -> (Option<bool>, i64) {
    match kind {
        "percent" => (Some(true), value),
        "amount" => (Some(false), value),
        _ => (None, 0),
    }
}

/// A stored deposit.
pub fn deposit_from_row(kind: &str, value: i64) -> Deposit {
    match kind_value(kind, value) {
        (Some(true), v) => Deposit::Percent(v),
        (Some(false), v) => Deposit::Amount(v),
        (None, _) => Deposit::None,
    }
}

/// How a deposit is stored.
pub fn deposit_to_row(deposit: Deposit) -> (&'static str, i64) {
    match deposit {
        Deposit::None => ("none", 0),
        Deposit::Percent(v) => ("percent", v),
        Deposit::Amount(v) => ("amount", v),
    }
}

fn discount_from_row(kind: &str, value: i64) -> Discount {
    match kind_value(kind, value) {
        (Some(true), v) => Discount::Percent(v),
        (Some(false), v) => Discount::Amount(v),
        (None, _) => Discount::None,
    }
}

fn discount_to_row(discount: Discount) -> (&'static str, i64) {
    match discount {
        Discount::None => ("none", 0),
        Discount::Percent(v) => ("percent", v),
        Discount::Amount(v) => ("amount", v),
    }
}

/// A new empty draft with the workspace's defaults.
pub fn blank(ws: Uuid, now: DateTime<Utc>, settings: &business_profile::Model) -> quote::Model {
    let valid_until = (now + chrono::TimeDelta::days(settings.validity_days.clamp(1, 365) as i64)).date_naive();
    quote::Model {
        id: Uuid::now_v7(),
        workspace_id: ws,
        contact_id: None,
        client_name: String::new(),
        client_company: String::new(),
        client_email: String::new(),
        client_phone: String::new(),
        client_address: String::new(),
        client_postcode: String::new(),
        client_city: String::new(),
        deal_id: None,
        number: None,
        version: 1,
        supersedes_id: None,
        status: QuoteStatus::Draft,
        title: String::new(),
        site_address: String::new(),
        site_postcode: String::new(),
        site_city: String::new(),
        template: settings.template.clone(),
        deposit_kind: "none".into(),
        deposit_value: 0,
        valid_until: Some(valid_until),
        payment_terms: settings.payment_terms.clone(),
        notes: String::new(),
        free_quote: true,
        quote_fee_cents: 0,
        total_ht_cents: 0,
        total_vat_cents: 0,
        total_ttc_cents: 0,
        created_by_member_id: None,
        reminders_enabled: settings.reminders_enabled,
        reminders_sent: 0,
        pdf_file_id: None,
        pdf_sha256: None,
        signed_pdf_file_id: None,
        created_at: now,
        updated_at: now,
        sent_at: None,
        viewed_at: None,
        signed_at: None,
        declined_at: None,
        decline_reason: None,
        expired_at: None,
    }
}

/// Copies a (checked) draft and its totals onto the row.
pub fn apply_draft(row: &mut quote::ActiveModel, draft: &QuoteDraft, totals: &Totals) {
    let c = &draft.client;
    let trim = |s: &str| s.trim().to_string();
    row.contact_id = Set(c.contact_id.map(|c| c.0));
    row.client_name = Set(trim(&c.name));
    row.client_company = Set(trim(&c.company));
    row.client_email = Set(c.email.trim().to_lowercase());
    row.client_phone = Set(crate::domain::Phone::parse(&c.phone)
        .map(|p| p.as_str().to_string())
        .unwrap_or_default());
    row.client_address = Set(trim(&c.address));
    row.client_postcode = Set(trim(&c.postcode));
    row.client_city = Set(trim(&c.city));
    row.deal_id = Set(draft.deal_id.map(|d| d.0));
    row.title = Set(trim(&draft.title));
    row.site_address = Set(trim(&draft.site_address));
    row.site_postcode = Set(trim(&draft.site_postcode));
    row.site_city = Set(trim(&draft.site_city));
    row.template = Set(draft.template.clone());
    let (kind, value) = deposit_to_row(draft.deposit);
    row.deposit_kind = Set(kind.into());
    row.deposit_value = Set(value);
    row.valid_until = Set(NaiveDate::parse_from_str(&draft.valid_until, "%Y-%m-%d").ok());
    row.payment_terms = Set(draft.payment_terms.trim().to_string());
    row.notes = Set(draft.notes.trim().to_string());
    row.free_quote = Set(draft.free_quote);
    row.quote_fee_cents = Set(if draft.free_quote { 0 } else { draft.quote_fee });
    row.reminders_enabled = Set(draft.reminders_enabled);
    row.total_ht_cents = Set(totals.total_ht);
    row.total_vat_cents = Set(totals.total_vat);
    row.total_ttc_cents = Set(totals.total_ttc);
}

/// The line rows of a draft, positions 0, 1, 2…
pub fn line_rows(ws: Uuid, quote_id: Uuid, lines: &[LineInput]) -> Vec<quote_line::ActiveModel> {
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let (kind, value) = discount_to_row(l.discount);
            quote_line::ActiveModel {
                id: Set(Uuid::now_v7()),
                workspace_id: Set(ws),
                quote_id: Set(quote_id),
                position: Set(i as i32),
                kind: Set(if l.section { "section" } else { "line" }.into()),
                description: Set(l.description.trim().to_string()),
                quantity: Set(l.quantity),
                unit: Set(l.unit.as_str().into()),
                unit_price_cents: Set(l.unit_price),
                vat_bp: Set(l.vat.basis_points() as i32),
                discount_kind: Set(kind.into()),
                discount_value: Set(value),
            }
        })
        .collect()
}

/// The draft a stored quote reads as.
pub fn draft_of(q: &quote::Model, lines: &[quote_line::Model]) -> QuoteDraft {
    QuoteDraft {
        title: q.title.clone(),
        client: ClientInput {
            contact_id: q.contact_id.map(ContactId),
            name: q.client_name.clone(),
            company: q.client_company.clone(),
            email: q.client_email.clone(),
            phone: q.client_phone.clone(),
            address: q.client_address.clone(),
            postcode: q.client_postcode.clone(),
            city: q.client_city.clone(),
        },
        deal_id: q.deal_id.map(DealId),
        site_address: q.site_address.clone(),
        site_postcode: q.site_postcode.clone(),
        site_city: q.site_city.clone(),
        lines: lines
            .iter()
            .map(|l| LineInput {
                section: l.kind == "section",
                description: l.description.clone(),
                quantity: l.quantity,
                unit: Unit::parse(&l.unit).unwrap_or(Unit::Piece),
                unit_price: l.unit_price_cents,
                vat: VatRate::from_basis_points(l.vat_bp as i64).unwrap_or(VatRate::Standard),
                discount: discount_from_row(&l.discount_kind, l.discount_value),
            })
            .collect(),
        deposit: deposit_from_row(&q.deposit_kind, q.deposit_value),
        valid_until: q
            .valid_until
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        payment_terms: q.payment_terms.clone(),
        notes: q.notes.clone(),
        free_quote: q.free_quote,
        quote_fee: q.quote_fee_cents,
        template: q.template.clone(),
        reminders_enabled: q.reminders_enabled,
    }
}

/// The lines of a quote, in order.
pub async fn lines_of(
    db: &impl sea_orm::ConnectionTrait,
    ws: Uuid,
    id: Uuid,
) -> Result<Vec<quote_line::Model>, AppError> {
    Ok(quote_line::Entity::find()
        .filter(quote_line::Column::WorkspaceId.eq(ws))
        .filter(quote_line::Column::QuoteId.eq(id))
        .order_by_asc(quote_line::Column::Position)
        .all(db)
        .await?)
}

/// Takes the quote for a state transition: one winner under concurrency.
///
/// An `UPDATE … WHERE status IN (from)` locks the row until the caller's
/// transaction ends (PostgreSQL) or runs under the write lock (SQLite): a
/// second sender, signer or decliner waits, then finds the status changed
/// and gets `Ok(None)`. The row is returned as it is now, inside the lock.
pub async fn claim(
    txn: &impl sea_orm::ConnectionTrait,
    ws: Uuid,
    id: Uuid,
    from: &[QuoteStatus],
) -> Result<Option<quote::Model>, AppError> {
    let taken = quote::Entity::update_many()
        .col_expr(quote::Column::UpdatedAt, crate::infra::time::now().into())
        .filter(quote::Column::Id.eq(id))
        .filter(quote::Column::WorkspaceId.eq(ws))
        .filter(quote::Column::Status.is_in(from.iter().copied()))
        .exec(txn)
        .await?;
    if taken.rows_affected != 1 {
        return Ok(None);
    }
    Ok(quote::Entity::find_by_id(id)
        .filter(quote::Column::WorkspaceId.eq(ws))
        .one(txn)
        .await?)
}
