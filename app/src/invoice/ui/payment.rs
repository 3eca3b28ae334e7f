//! Recording a payment: date, amount, method, reference; above the balance
//! only as a confirmed overpayment.

use crate::domain::money::{format_eur, parse_eur};
use crate::error::AppError;
use crate::invoice::api::{fetch_invoice, record_payment};
use crate::invoice::{InvoiceView, PaymentInput, PaymentMethod};
use crate::ui::{Button, Checkbox, FormAlert, GlassCard, SelectField, TextField, field_error};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The payment form of an issued invoice.
#[component]
pub fn PaymentForm(current: RwSignal<InvoiceView>, balance: i64) -> impl IntoView {
    let id = current.with_untracked(|v| v.id);
    let paid_on = RwSignal::new(current.with_untracked(|v| v.today.clone()));
    let amount = RwSignal::new(if balance > 0 {
        format_eur(balance).replace(['\u{a0}', '€', '\u{202f}'], "")
    } else {
        String::new()
    });
    let method = RwSignal::new(PaymentMethod::Transfer.as_str().to_string());
    let reference = RwSignal::new(String::new());
    let overpayment = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let methods: Vec<(String, String)> = PaymentMethod::ALL
        .iter()
        .map(|m| (m.as_str().to_string(), m.label().to_string()))
        .collect();
    let submit = move |_| {
        let cents = match parse_eur(&amount.get_untracked()) {
            Ok(c) => c,
            Err(message) => {
                error.set(Some(AppError::field("amount", message)));
                return;
            }
        };
        let input = PaymentInput {
            paid_on: paid_on.get_untracked(),
            amount: cents,
            method: PaymentMethod::parse(&method.get_untracked()).unwrap_or(PaymentMethod::Transfer),
            reference: reference.get_untracked(),
            confirm_overpayment: overpayment.get_untracked(),
        };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = match record_payment(id, input).await {
                Ok(_) => fetch_invoice(id).await,
                Err(e) => Err(e),
            };
            match result {
                Ok(v) => current.set(v),
                Err(e) => {
                    error.set(Some(e));
                    busy.set(false);
                }
            }
        })
    };
    view! {
        <GlassCard class="mb-4">
            <h2 class="mb-3 text-lg font-semibold text-fg">"Enregistrer un paiement"</h2>
            <FormAlert error />
            <div class="grid gap-x-4 sm:grid-cols-2">
                <TextField label="Date du paiement" name="paid_on" value=paid_on error=field_error(error, "paid_on") kind="date" />
                <TextField label="Montant (€)" name="amount" value=amount error=field_error(error, "amount") inputmode="decimal" />
                <SelectField label="Moyen de paiement" name="method" value=method options=methods error=field_error(error, "method") />
                <TextField label="Référence (virement, n° de chèque…)" name="reference" value=reference error=field_error(error, "reference") />
            </div>
            <Checkbox name="confirm_overpayment" checked=overpayment error=field_error(error, "confirm_overpayment")>
                "Trop-perçu : enregistrer même au-delà du reste à payer"
            </Checkbox>
            <Button r#type="button" busy on_click=Callback::new(submit) testid="record-payment">
                "Enregistrer le paiement"
            </Button>
        </GlassCard>
    }
}
