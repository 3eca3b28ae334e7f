//! The client and the site address, with the duplicate warning: an email or
//! phone already known offers to reuse that client's record.

use super::parts::{EditorCard, message};
use super::state::EditorState;
use crate::error::FieldErrors;
use crate::quote::ContactMatch;
use crate::quote::api::matching_contacts;
use crate::ui::{ButtonKind, TextField, button_class};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Client and site.
#[component]
pub fn ClientCard(state: EditorState, errors: Memo<FieldErrors>) -> impl IntoView {
    let matches = RwSignal::new(Vec::<ContactMatch>::new());
    let lookup = move || {
        let (email, phone) = (state.email.get_untracked(), state.phone.get_untracked());
        if state.contact_id.get_untracked().is_some() || (email.trim().is_empty() && phone.trim().is_empty()) {
            matches.set(Vec::new());
            return;
        }
        spawn_local(async move {
            let found = matching_contacts(Some(email), Some(phone)).await.unwrap_or_default();
            matches.set(found);
        });
    };
    let same_as_client = move |_| {
        state.site_address.set(state.address.get_untracked());
        state.site_postcode.set(state.postcode.get_untracked());
        state.site_city.set(state.city.get_untracked());
    };
    let unlink = move || {
        if state.contact_id.get_untracked().is_some() {
            state.contact_id.set(None);
        }
    };
    view! {
        <EditorCard title="Client">
            <TextField label="Nom" name="client.name" value=state.name error=message(errors, "client.name".into()) autocomplete="off" />
            <TextField label="Société (client professionnel)" name="client.company" value=state.company error=message(errors, "client.company".into()) autocomplete="off" />
            <div class="grid gap-x-4 sm:grid-cols-2" on:focusout=move |_| lookup()>
                <TextField
                    label="E-mail"
                    name="client.email"
                    kind="email"
                    value=state.email
                    error=message(errors, "client.email".into())
                    autocomplete="off"
                    on_input=Callback::new(move |_| unlink())
                />
                <TextField
                    label="Téléphone"
                    name="client.phone"
                    kind="tel"
                    value=state.phone
                    error=message(errors, "client.phone".into())
                    autocomplete="off"
                    inputmode="tel"
                    on_input=Callback::new(move |_| unlink())
                />
            </div>
            <Show when=move || matches.with(|m| !m.is_empty())>
                <div class="alert-info mb-4 rounded-xl px-3 py-2.5 text-sm" role="status" data-testid="duplicate-warning">
                    <p class="font-semibold">"Ce client existe peut-être déjà :"</p>
                    <ul class="mt-1 space-y-1">
                        {move || {
                            matches
                                .get()
                                .into_iter()
                                .map(|m| {
                                    let label = [Some(m.name.clone()), m.email.clone(), m.phone.clone(), m.city.clone()]
                                        .into_iter()
                                        .flatten()
                                        .collect::<Vec<_>>()
                                        .join(" · ");
                                    let pick = m.clone();
                                    view! {
                                        <li class="flex flex-wrap items-center justify-between gap-2">
                                            <span>{label}</span>
                                            <button
                                                type="button"
                                                class=button_class(ButtonKind::Secondary)
                                                on:click=move |_| {
                                                    state.contact_id.set(Some(pick.id));
                                                    state.name.set(pick.name.clone());
                                                    if let Some(e) = pick.email.clone() {
                                                        state.email.set(e);
                                                    }
                                                    if let Some(p) = pick.phone.clone() {
                                                        state.phone.set(p);
                                                    }
                                                    matches.set(Vec::new());
                                                }
                                            >
                                                "Utiliser ce client"
                                            </button>
                                        </li>
                                    }
                                })
                                .collect_view()
                        }}
                    </ul>
                </div>
            </Show>
            <TextField label="Adresse" name="client.address" value=state.address error=message(errors, "client.address".into()) autocomplete="off" />
            <div class="grid gap-x-4 sm:grid-cols-[8rem_1fr]">
                <TextField label="Code postal" name="client.postcode" value=state.postcode error=message(errors, "client.postcode".into()) inputmode="numeric" autocomplete="off" />
                <TextField label="Ville" name="client.city" value=state.city error=message(errors, "client.city".into()) autocomplete="off" />
            </div>
            <div class="mt-2 border-t border-white/15 pt-4">
                <div class="mb-2 flex flex-wrap items-center justify-between gap-2">
                    <h3 class="text-sm font-semibold text-fg">"Adresse du chantier"</h3>
                    <button type="button" class=button_class(ButtonKind::Ghost) on:click=same_as_client>
                        "Identique au client"
                    </button>
                </div>
                <TextField label="Adresse" name="site_address" value=state.site_address error=message(errors, "site_address".into()) autocomplete="off" />
                <div class="grid gap-x-4 sm:grid-cols-[8rem_1fr]">
                    <TextField label="Code postal" name="site_postcode" value=state.site_postcode error=message(errors, "site_postcode".into()) inputmode="numeric" autocomplete="off" />
                    <TextField label="Ville" name="site_city" value=state.site_city error=message(errors, "site_city".into()) autocomplete="off" />
                </div>
            </div>
        </EditorCard>
    }
}
