//! "Nouvelle demande": a lead typed in by the team (a phone call, a visit…).

use super::state::BoardState;
use crate::domain::PipelineId;
use crate::domain::validation::{Phone, postcode};
use crate::domain::{Email, PersonName, money};
use crate::error::{AppError, FieldErrors};
use crate::pipeline::LeadSource;
use crate::pipeline::api::CreateLead;
use crate::ui::{
    Button, ButtonKind, FormAlert, Modal, SelectField, TextField, clear_field, field_error, focus_first_error,
    on_result, use_toasts,
};
use leptos::prelude::*;

fn optional(value: String) -> Option<String> {
    let v = value.trim().to_string();
    (!v.is_empty()).then_some(v)
}

/// The new-lead form in a dialog.
#[component]
pub fn NewLeadDialog(
    open: RwSignal<bool>,
    trades: Vec<String>,
    pipeline_id: PipelineId,
    state: BoardState,
) -> impl IntoView {
    let toasts = use_toasts();
    let action = ServerAction::<CreateLead>::new();
    let error = RwSignal::new(None::<AppError>);
    let fields: [RwSignal<String>; 9] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let [name, phone, email, city, zip, address, description, budget, value] = fields;
    let trade = RwSignal::new(trades.first().cloned().unwrap_or_default());
    let source = RwSignal::new(LeadSource::Phone.as_str().to_string());
    let close = Callback::new(move |_| {
        open.set(false);
        error.set(None);
    });
    on_result(action, error, move |card| {
        state.upsert(std::slice::from_ref(&card));
        toasts.success(format!("{} ajoutée au pipeline.", card.contact_name));
        for f in fields {
            f.set(String::new());
        }
        open.set(false);
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut errors = FieldErrors::new();
        errors.check("contact_name", PersonName::parse(&name.get_untracked()));
        if let Some(p) = optional(phone.get_untracked()) {
            errors.check("phone", Phone::parse(&p));
        }
        if let Some(e) = optional(email.get_untracked()) {
            errors.check("email", Email::parse(&e));
        }
        if optional(phone.get_untracked()).is_none() && optional(email.get_untracked()).is_none() {
            errors.push(
                "phone",
                "Indiquez un téléphone ou un e-mail pour recontacter le client.",
            );
        }
        if let Some(z) = optional(zip.get_untracked()) {
            errors.check("postcode", postcode(&z));
        }
        if let Some(b) = optional(budget.get_untracked()) {
            errors.check("budget", money::parse_eur(&b));
        }
        if let Some(v) = optional(value.get_untracked()) {
            errors.check("value", money::parse_eur(&v));
        }
        if !errors.is_empty() {
            focus_first_error(&errors);
            error.set(Some(AppError::Validation(errors)));
            return;
        }
        error.set(None);
        action.dispatch(CreateLead {
            pipeline_id: Some(pipeline_id),
            contact_name: name.get_untracked(),
            phone: optional(phone.get_untracked()),
            email: optional(email.get_untracked()),
            address: optional(address.get_untracked()),
            postcode: optional(zip.get_untracked()),
            city: optional(city.get_untracked()),
            trade: trade.get_untracked(),
            description: optional(description.get_untracked()),
            budget: optional(budget.get_untracked()),
            value: optional(value.get_untracked()),
            source: source.get_untracked(),
        });
    };
    let clear = move |field: &'static str| Callback::new(move |_| clear_field(error, field));
    let trade_options: Vec<(String, String)> = trades.iter().map(|t| (t.clone(), t.clone())).collect();
    let source_options: Vec<(String, String)> = LeadSource::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), s.label().to_string()))
        .collect();
    view! {
        <Modal open=Signal::derive(move || open.get()) title=Signal::derive(|| "Nouvelle demande".to_string()) on_close=close testid="new-lead-dialog">
            <form on:submit=on_submit novalidate data-testid="new-lead-form">
                <FormAlert error />
                <TextField label="Nom du client" name="contact_name" autocomplete="off" required=true value=name error=field_error(error, "contact_name") on_input=clear("contact_name") />
                <div class="grid gap-x-3 sm:grid-cols-2">
                    <TextField label="Téléphone" name="phone" kind="tel" inputmode="tel" autocomplete="off" value=phone error=field_error(error, "phone") on_input=clear("phone") />
                    <TextField label="E-mail" name="email" kind="email" inputmode="email" autocomplete="off" value=email error=field_error(error, "email") on_input=clear("email") />
                    <TextField label="Ville" name="city" autocomplete="off" value=city error=field_error(error, "city") on_input=clear("city") />
                    <TextField label="Code postal" name="postcode" inputmode="numeric" autocomplete="off" value=zip error=field_error(error, "postcode") on_input=clear("postcode") />
                </div>
                <TextField label="Adresse du chantier" name="address" autocomplete="off" value=address error=field_error(error, "address") on_input=clear("address") />
                <div class="grid gap-x-3 sm:grid-cols-2">
                    <SelectField label="Métier" name="trade" value=trade options=trade_options.clone() error=field_error(error, "trade") />
                    <SelectField label="Source" name="source" value=source options=source_options.clone() error=field_error(error, "source") />
                </div>
                <div class="mb-4">
                    <label for="f-description" class="block text-sm font-medium text-fg">"Besoin du client"</label>
                    <textarea
                        id="f-description"
                        name="description"
                        rows="3"
                        class="field-input mt-1.5 block w-full rounded-xl px-3.5 py-2.5 text-sm text-fg"
                        prop:value=move || description.get()
                        on:input=move |ev| description.set(event_target_value(&ev))
                    ></textarea>
                </div>
                <div class="grid gap-x-3 sm:grid-cols-2">
                    <TextField label="Budget du client (€)" name="budget" inputmode="decimal" autocomplete="off" value=budget error=field_error(error, "budget") on_input=clear("budget") />
                    <TextField label="Valeur estimée (€)" name="value" inputmode="decimal" autocomplete="off" hint="Par défaut : le budget." value=value error=field_error(error, "value") on_input=clear("value") />
                </div>
                <div class="flex justify-end gap-2">
                    <Button kind=ButtonKind::Ghost r#type="button" on_click=close>"Annuler"</Button>
                    <Button busy=action.pending() testid="create-lead">"Ajouter"</Button>
                </div>
            </form>
        </Modal>
    }
}
