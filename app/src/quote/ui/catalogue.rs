//! The catalogue of products and services lines are picked from.

use crate::domain::money::{format_eur, parse_eur};
use crate::domain::vat::{Unit, VatRate};
use crate::error::{AppError, FieldErrors};
use crate::quote::CatalogueItem;
use crate::quote::api::{archive_catalogue_item, list_catalogue, save_catalogue_item};
use crate::ui::{
    Button, ButtonKind, EmptyState, FormAlert, GlassCard, IconName, SelectField, TextField, button_class, field_error,
    focus_first_error,
};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// List and add form.
#[component]
pub fn CatalogueCard() -> impl IntoView {
    let items = LocalResource::new(list_catalogue);
    let description = RwSignal::new(String::new());
    let unit = RwSignal::new(Unit::Piece.as_str().to_string());
    let price = RwSignal::new(String::new());
    let vat = RwSignal::new(VatRate::Standard.basis_points().to_string());
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut errors = FieldErrors::new();
        if description.with_untracked(|d| d.trim().is_empty()) {
            errors.push("description", "Saisissez une désignation.");
        }
        let cents = errors.check("unit_price", parse_eur(&price.get_untracked()));
        if !errors.is_empty() {
            focus_first_error(&errors);
            error.set(Some(AppError::Validation(errors)));
            return;
        }
        let item = CatalogueItem {
            id: crate::domain::CatalogueItemId(uuid::Uuid::nil()),
            description: description.get_untracked(),
            unit: Unit::parse(&unit.get_untracked()).unwrap_or(Unit::Piece),
            unit_price: cents.unwrap_or(0),
            vat: VatRate::ALL
                .into_iter()
                .find(|r| r.basis_points().to_string() == vat.get_untracked())
                .unwrap_or(VatRate::Standard),
        };
        busy.set(true);
        spawn_local(async move {
            match save_catalogue_item(item, true).await {
                Ok(_) => {
                    error.set(None);
                    description.set(String::new());
                    price.set(String::new());
                    items.refetch();
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let units: Vec<(String, String)> = Unit::ALL
        .iter()
        .map(|u| (u.as_str().into(), u.label().into()))
        .collect();
    let rates: Vec<(String, String)> = VatRate::ALL
        .iter()
        .map(|r| (r.basis_points().to_string(), format!("TVA {}", r.label())))
        .collect();
    view! {
        <GlassCard class="mt-4">
            <h2 class="mb-4 text-lg font-semibold text-fg">"Catalogue"</h2>
            <Transition fallback=|| view! { <p class="text-sm text-muted">"Chargement…"</p> }>
                {move || Suspend::new(async move {
                    let list = items.await.unwrap_or_default();
                    if list.is_empty() {
                        return view! {
                            <EmptyState icon=IconName::Inbox title="Catalogue vide" message="Ajoutez vos prestations courantes pour les reprendre en un clic dans vos devis." />
                        }
                        .into_any();
                    }
                    view! {
                        <ul class="mb-4 divide-y divide-white/10" data-testid="catalogue">
                            {list
                                .into_iter()
                                .map(|i| {
                                    let id = i.id;
                                    view! {
                                        <li class="flex flex-wrap items-center justify-between gap-2 py-2">
                                            <span class="text-sm text-fg">{i.description.clone()}</span>
                                            <span class="text-sm text-muted">
                                                {format!("{} / {} · TVA {}", format_eur(i.unit_price), i.unit.label(), i.vat.label())}
                                            </span>
                                            <button
                                                type="button"
                                                class=button_class(ButtonKind::Ghost)
                                                on:click=move |_| {
                                                    spawn_local(async move {
                                                        if archive_catalogue_item(id).await.is_ok() {
                                                            items.refetch();
                                                        }
                                                    })
                                                }
                                            >
                                                "Archiver"
                                            </button>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                    .into_any()
                })}
            </Transition>
            <form on:submit=on_submit novalidate>
                <FormAlert error />
                <TextField label="Désignation" name="description" value=description error=field_error(error, "description") />
                <div class="grid gap-x-4 sm:grid-cols-3">
                    <SelectField label="Unité" name="unit" value=unit options=units error=Signal::derive(|| None::<String>) />
                    <TextField label="Prix unitaire HT (€)" name="unit_price" value=price error=field_error(error, "unit_price") inputmode="decimal" />
                    <SelectField label="TVA" name="vat" value=vat options=rates error=Signal::derive(|| None::<String>) />
                </div>
                <Button kind=ButtonKind::Secondary busy=busy>"Ajouter au catalogue"</Button>
            </form>
        </GlassCard>
    }
}
