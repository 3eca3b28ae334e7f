//! The invoicing settings: days to pay, penalties, discount, VAT option,
//! bank account (printed and embedded in the Factur-X), unpaid reminders,
//! the chart of accounts of the FEC.

use crate::error::AppError;
use crate::invoice::api::{fetch_invoice_settings, save_invoice_settings};
use crate::invoice::{ChartOfAccounts, InvoiceSettings, Operation};
use crate::ui::{Button, Checkbox, FormAlert, GlassCard, LoadingState, SelectField, TextField, field_error};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The settings card.
#[component]
pub fn InvoiceSettingsCard() -> impl IntoView {
    let loaded = Resource::new(|| (), |_| fetch_invoice_settings());
    view! {
        <Suspense fallback=|| view! { <LoadingState rows=4 /> }>
            {move || Suspend::new(async move {
                loaded.await.ok().map(|s| view! { <Form initial=s /> })
            })}
        </Suspense>
    }
}

#[component]
fn Form(initial: InvoiceSettings) -> impl IntoView {
    let operation = RwSignal::new(initial.operation.as_str().to_string());
    let due_days = RwSignal::new(initial.due_days.to_string());
    let late_penalty = RwSignal::new(initial.late_penalty);
    let early_discount = RwSignal::new(initial.early_discount);
    let vat_on_debits = RwSignal::new(initial.vat_on_debits);
    let iban = RwSignal::new(initial.iban);
    let bic = RwSignal::new(initial.bic);
    let reminders_enabled = RwSignal::new(initial.reminders_enabled);
    let reminder_days = RwSignal::new(initial.reminder_days);
    let a = initial.accounts.unwrap_or_default();
    let accounts = [
        RwSignal::new(a.clients),
        RwSignal::new(a.services),
        RwSignal::new(a.goods),
        RwSignal::new(a.vat_standard),
        RwSignal::new(a.vat_intermediate),
        RwSignal::new(a.vat_reduced),
        RwSignal::new(a.vat_super_reduced),
        RwSignal::new(a.bank),
    ];
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let saved = RwSignal::new(false);
    let operations: Vec<(String, String)> = Operation::ALL
        .iter()
        .map(|o| (o.as_str().to_string(), o.label().to_string()))
        .collect();
    let save = move |_| {
        let settings = InvoiceSettings {
            operation: Operation::parse(&operation.get_untracked()).unwrap_or(Operation::Services),
            due_days: due_days.get_untracked().trim().parse().unwrap_or(-1),
            late_penalty: late_penalty.get_untracked(),
            early_discount: early_discount.get_untracked(),
            vat_on_debits: vat_on_debits.get_untracked(),
            iban: iban.get_untracked(),
            bic: bic.get_untracked(),
            reminders_enabled: reminders_enabled.get_untracked(),
            reminder_days: reminder_days.get_untracked(),
            accounts: {
                let [
                    clients,
                    services,
                    goods,
                    vat_standard,
                    vat_intermediate,
                    vat_reduced,
                    vat_super_reduced,
                    bank,
                ] = accounts.map(|a| a.get_untracked());
                Some(ChartOfAccounts {
                    clients,
                    services,
                    goods,
                    vat_standard,
                    vat_intermediate,
                    vat_reduced,
                    vat_super_reduced,
                    bank,
                })
            },
        };
        busy.set(true);
        saved.set(false);
        error.set(None);
        spawn_local(async move {
            match save_invoice_settings(settings).await {
                Ok(_) => saved.set(true),
                Err(e) => {
                    if let AppError::Validation(fields) = &e {
                        crate::ui::focus_first_error(fields);
                    }
                    error.set(Some(e));
                }
            }
            busy.set(false);
        })
    };
    let f = move |field: &'static str| field_error(error, field);
    view! {
        <GlassCard class="mb-4">
            <h2 class="mb-3 text-lg font-semibold text-fg">"Réglages de facturation"</h2>
            <FormAlert error />
            <div role="status" aria-live="polite">
                {move || saved.get().then(|| view! { <p class="alert-success mb-3 rounded-xl px-3 py-2 text-sm">"Réglages enregistrés."</p> })}
            </div>
            <div class="grid gap-x-4 sm:grid-cols-2">
                <SelectField label="Nature habituelle des opérations" name="operation" value=operation options=operations error=f("operation") />
                <TextField label="Échéance (jours)" name="due_days" value=due_days error=f("due_days") inputmode="numeric" />
                <TextField label="Pénalités de retard" name="late_penalty" value=late_penalty error=f("late_penalty") />
                <TextField label="Escompte" name="early_discount" value=early_discount error=f("early_discount") />
                <TextField label="IBAN" name="iban" value=iban error=f("iban") autocomplete="off" />
                <TextField label="BIC" name="bic" value=bic error=f("bic") autocomplete="off" />
                <TextField label="Relances des impayés (jours autour de l'échéance)" name="reminder_days" value=reminder_days error=f("reminder_days") hint="Exemple : -3,7,30 (3 jours avant, puis 7 et 30 jours après)." />
            </div>
            <Checkbox name="vat_on_debits" checked=vat_on_debits error=f("vat_on_debits")>
                "Option pour le paiement de la TVA d'après les débits"
            </Checkbox>
            <Checkbox name="reminders_enabled" checked=reminders_enabled error=f("reminders_enabled")>
                "Relancer les clients des factures impayées"
            </Checkbox>
            <fieldset class="mb-4" data-testid="chart-of-accounts">
                <legend class="mb-2 text-base font-semibold text-fg">"Plan de comptes du FEC"</legend>
                <p class="mb-3 text-sm text-muted">
                    "Les comptes du plan comptable général utilisés par les écritures ; chaque client a son compte auxiliaire sous le compte clients."
                </p>
                <div class="grid gap-x-4 sm:grid-cols-2">
                    {ChartOfAccounts::default()
                        .fields()
                        .into_iter()
                        .zip(accounts)
                        .map(|((name, label, _, _), value)| view! {
                            <TextField label=label name=name value error=f(name) inputmode="numeric" autocomplete="off" />
                        })
                        .collect_view()}
                </div>
            </fieldset>
            <Button r#type="button" busy on_click=Callback::new(save) testid="save-invoice-settings">
                "Enregistrer"
            </Button>
        </GlassCard>
    }
}
