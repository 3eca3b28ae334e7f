//! Payments against an issued invoice: partial payments, the status that
//! follows, an overpayment only when confirmed, the holdback's release, and
//! the split of a payment per VAT rate (VAT on receipts is due when paid).

use super::store;
use super::{InvoiceKind, InvoiceStatus, PaymentInput};
use crate::audit::{EventAction, EventEntity};
use crate::domain::money::format_eur;
use crate::domain::quote_totals::VatLine;
use crate::domain::vat::{VatRate, div_round};
use crate::domain::{DomainEvent, InvoiceId, PaymentId, Role};
use crate::error::{AppError, FieldErrors};
use crate::infra::entity::{invoice, payment};
use crate::infra::{Audit, Scope, Write, time};
use chrono::NaiveDate;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};
use serde_json::json;
use uuid::Uuid;

/// Highest single payment, cents (10 million euros).
pub const MAX_PAYMENT: i64 = 1_000_000_000;

/// The status after the amounts changed.
pub fn status_after(m: &invoice::Model, paid: i64, credited: i64, holdback: i64) -> InvoiceStatus {
    if credited >= m.total_ttc_cents {
        InvoiceStatus::Credited
    } else if paid + holdback >= m.total_ttc_cents - credited {
        InvoiceStatus::Paid
    } else if paid > 0 {
        InvoiceStatus::PartiallyPaid
    } else if m.sent_at.is_some() {
        InvoiceStatus::Sent
    } else {
        InvoiceStatus::Issued
    }
}

/// The share of a payment at each VAT rate, in proportion to the invoice's
/// TTC per rate; the last rate takes the rounding so the parts sum exactly.
pub fn split_by_rate(amount: i64, vat: &[VatLine]) -> Vec<(VatRate, i64)> {
    let ttc: Vec<(VatRate, i64)> = vat.iter().map(|v| (v.rate, v.base + v.vat)).collect();
    let total: i64 = ttc.iter().map(|(_, t)| t).sum();
    if total == 0 || ttc.is_empty() {
        return vec![(VatRate::Zero, amount)];
    }
    let mut out = Vec::new();
    let mut given = 0;
    for (i, (rate, part)) in ttc.iter().enumerate() {
        let share = if i + 1 == ttc.len() {
            amount - given
        } else {
            div_round(amount as i128 * *part as i128, total as i128) as i64
        };
        given += share;
        out.push((*rate, share));
    }
    out
}

fn check(input: &PaymentInput, today: NaiveDate) -> Result<NaiveDate, AppError> {
    let mut errors = FieldErrors::new();
    let day = NaiveDate::parse_from_str(&input.paid_on, "%Y-%m-%d").ok();
    match day {
        None => errors.push("paid_on", "Indiquez la date du paiement."),
        Some(d) if d > today => errors.push("paid_on", "La date du paiement ne peut pas être dans le futur."),
        Some(d) if d < today - chrono::TimeDelta::days(3 * 366) => {
            errors.push("paid_on", "Date trop ancienne : vérifiez l'année.")
        }
        _ => {}
    }
    if input.amount <= 0 || input.amount > MAX_PAYMENT {
        errors.push("amount", "Indiquez un montant positif.");
    }
    if input.reference.chars().count() > 120 {
        errors.push("reference", "Référence : 120 caractères au plus.");
    }
    errors.into_result()?;
    day.ok_or(AppError::Internal)
}

/// Records a payment. Above what is left to pay, it is refused unless the
/// user confirmed an overpayment.
pub async fn record(w: &Write, scope: &Scope, id: Uuid, input: PaymentInput) -> Result<PaymentId, AppError> {
    scope.require(Role::can_issue_invoices)?;
    let ws = scope.workspace_id.0;
    let paid_on = check(&input, time::paris_day(time::now()))?;
    let current = store::find(w, ws, id).await?;
    if current.kind == InvoiceKind::CreditNote {
        return Err(AppError::Conflict("Un avoir ne reçoit pas de paiement.".into()));
    }
    // The row is held until commit: two payments recorded at once add up.
    let Some(m) = store::claim(
        w,
        ws,
        id,
        &[
            InvoiceStatus::Issued,
            InvoiceStatus::Sent,
            InvoiceStatus::PartiallyPaid,
            InvoiceStatus::Paid,
        ],
    )
    .await?
    else {
        return Err(match current.status {
            InvoiceStatus::Draft => AppError::Conflict("Émettez la facture avant d'y enregistrer un paiement.".into()),
            _ => AppError::Conflict("Cette facture est annulée par avoir : elle ne reçoit plus de paiement.".into()),
        });
    };
    let left = (m.total_ttc_cents - m.credited_cents - m.paid_cents - m.holdback_cents).max(0);
    if input.amount > left && !input.confirm_overpayment {
        return Err(AppError::field(
            "amount",
            format!(
                "Le paiement dépasse le reste à payer ({}). Cochez « trop-perçu » pour l'enregistrer quand même.",
                format_eur(left)
            ),
        ));
    }
    let now = time::now();
    let payment_id = Uuid::now_v7();
    payment::Entity::insert(payment::ActiveModel {
        id: Set(payment_id),
        workspace_id: Set(ws),
        invoice_id: Set(id),
        paid_on: Set(paid_on),
        amount_cents: Set(input.amount),
        method: Set(input.method),
        reference: Set(input.reference.trim().to_string()),
        created_by_member_id: Set(Some(scope.member_id.0)),
        created_at: Set(now),
    })
    .exec_without_returning(w)
    .await?;
    let paid = m.paid_cents + input.amount;
    let status = status_after(&m, paid, m.credited_cents, m.holdback_cents);
    let settled = status == InvoiceStatus::Paid && m.status != InvoiceStatus::Paid;
    let days = m.issue_date.map(|d| (paid_on - d).num_days().max(0)).unwrap_or(0);
    super::finance::record(
        w,
        ws,
        paid_on,
        super::finance::Delta {
            collected: input.amount,
            paid_invoices: i64::from(settled),
            days_to_pay: if settled { days } else { 0 },
            ..Default::default()
        },
    )
    .await?;
    let mut row = m.clone().into_active_model();
    row.paid_cents = Set(paid);
    row.status = Set(status);
    row.updated_at = Set(now);
    row.update(w).await?;
    w.audit(
        Audit::of(EventEntity::Payment, Some(payment_id), EventAction::PaymentRecorded).after(json!({
            "invoice": m.number, "amount": input.amount, "method": input.method.as_str(),
            "paid_on": input.paid_on, "overpayment": input.amount > left,
        })),
    )
    .await?;
    w.emit(DomainEvent::PaymentRecorded {
        invoice: InvoiceId(id),
        payment: PaymentId(payment_id),
        amount: input.amount,
    })
    .await?;
    if status == InvoiceStatus::Paid && m.status != InvoiceStatus::Paid {
        w.emit(DomainEvent::InvoicePaid { invoice: InvoiceId(id) }).await?;
    }
    if m.pa_requested_at.is_some() {
        // Reported to the e-invoicing platform as 212 « Encaissée ».
        w.enqueue(&crate::infra::queue::QueuePayload::ReportPayment { payment_id }, now)
            .await?;
    }
    Ok(PaymentId(payment_id))
}

/// Stops (or resumes) the unpaid reminders of one invoice.
pub async fn set_reminders(w: &Write, scope: &Scope, id: Uuid, enabled: bool) -> Result<(), AppError> {
    scope.require(Role::can_issue_invoices)?;
    let ws = scope.workspace_id.0;
    store::find(w, ws, id).await?;
    let Some(m) = store::claim(w, ws, id, InvoiceStatus::ALL).await? else {
        return Err(AppError::NotFound);
    };
    let mut row = m.clone().into_active_model();
    row.reminders_enabled = Set(enabled);
    row.update(w).await?;
    w.audit(
        Audit::of(EventEntity::Invoice, Some(id), EventAction::InvoiceRemindersChanged)
            .after(json!({ "number": m.number, "reminders": enabled })),
    )
    .await?;
    Ok(())
}

/// Makes the holdback due (a year after acceptance of the work, or against a
/// bank guarantee): what is left to pay grows by it.
pub async fn release_holdback(w: &Write, scope: &Scope, id: Uuid) -> Result<(), AppError> {
    scope.require(Role::can_issue_invoices)?;
    let ws = scope.workspace_id.0;
    store::find(w, ws, id).await?;
    let Some(m) = store::claim(w, ws, id, InvoiceStatus::ALL).await? else {
        return Err(AppError::NotFound);
    };
    if m.holdback_cents == 0 {
        return Err(AppError::Conflict(
            "Cette facture n'a pas de retenue de garantie en cours.".into(),
        ));
    }
    let mut row = m.clone().into_active_model();
    row.holdback_cents = Set(0);
    row.status = Set(status_after(&m, m.paid_cents, m.credited_cents, 0));
    row.updated_at = Set(time::now());
    row.update(w).await?;
    w.audit(
        Audit::of(EventEntity::Invoice, Some(id), EventAction::HoldbackReleased)
            .after(json!({ "number": m.number, "amount": m.holdback_cents })),
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payment_splits_by_rate_and_sums_exactly() {
        let vat = [
            VatLine {
                rate: VatRate::Intermediate,
                base: 100_000,
                vat: 10_000,
            },
            VatLine {
                rate: VatRate::Standard,
                base: 33_333,
                vat: 6_667,
            },
        ];
        let parts = split_by_rate(50_001, &vat);
        assert_eq!(parts.iter().map(|p| p.1).sum::<i64>(), 50_001);
        assert_eq!(parts[0], (VatRate::Intermediate, 36_667));
    }
}
