//! Title, validity, deposit, payment terms, notes, free or paid quote,
//! template and reminders.

use super::parts::{EditorCard, message};
use super::state::EditorState;
use crate::error::FieldErrors;
use crate::quote::TEMPLATES;
use crate::ui::{Checkbox, SelectField, TextField};
use leptos::prelude::*;

/// A labelled multi-line field with its error.
#[component]
pub fn TextArea(
    label: &'static str,
    name: &'static str,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(default = 3)] rows: u32,
) -> impl IntoView {
    let id = format!("f-{name}");
    let error_id = format!("{id}-error");
    view! {
        <div class="mb-4">
            <label for=id.clone() class="block text-sm font-medium text-fg">
                {label}
            </label>
            <textarea
                id=id
                name=name
                rows=rows
                class="field-input mt-1.5 block w-full rounded-xl px-3.5 py-2.5 text-base text-fg sm:text-sm"
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                aria-describedby=error_id.clone()
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            ></textarea>
            <p id=error_id class="field-error mt-1 text-sm" class:hidden=move || error.get().is_none()>
                {move || error.get().unwrap_or_default()}
            </p>
        </div>
    }
}

/// The terms of the quote.
#[component]
pub fn TermsCard(state: EditorState, errors: Memo<FieldErrors>) -> impl IntoView {
    let deposit_options = vec![
        ("none".to_string(), "Pas d'acompte".to_string()),
        ("percent".to_string(), "Pourcentage du TTC".to_string()),
        ("amount".to_string(), "Montant".to_string()),
    ];
    let template_options: Vec<(String, String)> = TEMPLATES
        .iter()
        .map(|(id, name)| (id.to_string(), name.to_string()))
        .collect();
    let paid = RwSignal::new(!state.free_quote.get_untracked());
    Effect::new(move |_| state.free_quote.set(!paid.get()));
    view! {
        <EditorCard title="Devis">
            <TextField label="Titre" name="title" value=state.title error=message(errors, "title".into()) placeholder="Rénovation de la salle de bains" />
            <div class="grid gap-x-4 sm:grid-cols-2">
                <TextField label="Valable jusqu'au" name="valid_until" kind="date" value=state.valid_until error=message(errors, "valid_until".into()) />
                <SelectField label="Modèle du PDF" name="template" value=state.template options=template_options error=message(errors, "template".into()) />
            </div>
            <div class="grid gap-x-4 sm:grid-cols-2">
                <SelectField label="Acompte" name="deposit_kind" value=state.deposit_kind options=deposit_options error=Signal::derive(|| None::<String>) />
                <Show when=move || state.deposit_kind.get() != "none">
                    <TextField
                        label="Valeur de l'acompte"
                        name="deposit"
                        value=state.deposit_value
                        error=message(errors, "deposit".into())
                        inputmode="decimal"
                        hint="30 pour 30 %, ou un montant en euros"
                    />
                </Show>
            </div>
            <TextArea label="Conditions de paiement" name="payment_terms" value=state.payment_terms error=message(errors, "payment_terms".into()) />
            <TextArea label="Notes (imprimées sur le devis)" name="notes" value=state.notes error=message(errors, "notes".into()) rows=2 />
            <Checkbox name="paid_quote" checked=paid error=Signal::derive(|| None::<String>)>
                "Devis payant"
            </Checkbox>
            <Show when=move || paid.get()>
                <TextField label="Prix du devis (TTC)" name="quote_fee" value=state.quote_fee error=message(errors, "quote_fee".into()) inputmode="decimal" />
            </Show>
            <Checkbox name="reminders" checked=state.reminders error=Signal::derive(|| None::<String>)>
                "Relancer automatiquement le client tant qu'il n'a pas signé"
            </Checkbox>
        </EditorCard>
    }
}
