//! The body: priced lines and section titles, added by hand or from the
//! catalogue, reordered, removed; live totals underneath.

use super::parts::QuoteTotals;
use super::parts::message;
use super::state::{EditorState, LineState};
use crate::domain::money::format_eur;
use crate::domain::quote_totals::Deposit;
use crate::domain::vat::{Unit, VatRate};
use crate::error::FieldErrors;
use crate::quote::api::list_catalogue;
use crate::quote::{LineInput, QuoteDraft};
use crate::ui::{ButtonKind, GlassCard, button_class};
use leptos::prelude::*;

const CELL: &str = "field-input block w-full rounded-lg px-2.5 py-2 text-base text-fg sm:text-sm";
const LABEL: &str = "mb-1 block text-xs text-muted sm:sr-only";

/// Lines and totals.
#[component]
pub fn LinesCard(
    state: EditorState,
    errors: Memo<FieldErrors>,
    current: Memo<(QuoteDraft, FieldErrors)>,
) -> impl IntoView {
    let catalogue = LocalResource::new(list_catalogue);
    let totals = Memo::new(move |_| current.with(|(d, _)| (d.totals(), d.deposit)));
    let add_line = move |_| state.push_line(&LineInput::blank(VatRate::Standard));
    let add_section = move |_| {
        state.push_line(&LineInput {
            section: true,
            ..LineInput::blank(VatRate::Standard)
        })
    };
    let pick = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let items = catalogue.get().and_then(|r| r.ok()).unwrap_or_default();
        if let Some(item) = items.into_iter().find(|i| i.id.to_string() == value) {
            state.push_line(&LineInput {
                section: false,
                description: item.description,
                quantity: 1_000,
                unit: item.unit,
                unit_price: item.unit_price,
                vat: item.vat,
                discount: crate::domain::quote_totals::Discount::None,
            });
        }
    };
    view! {
        <GlassCard class="mb-4">
            <div class="mb-3 flex flex-wrap items-center justify-between gap-2">
                <h2 id="f-lines" tabindex="-1" class="text-lg font-semibold text-fg">"Lignes"</h2>
                <p class="text-xs text-muted">"Quantité × prix unitaire HT, remise en %, TVA par ligne."</p>
            </div>
            <ol class="space-y-3" data-testid="quote-lines">
                <For each=move || state.lines.get() key=|l| l.key let:line>
                    <LineRow state line errors current />
                </For>
            </ol>
            <div class="mt-4 flex flex-wrap items-center gap-2">
                <button type="button" class=button_class(ButtonKind::Secondary) on:click=add_line data-testid="add-line">
                    "+ Ligne"
                </button>
                <button type="button" class=button_class(ButtonKind::Secondary) on:click=add_section>
                    "+ Section"
                </button>
                <label for="catalogue-pick" class="sr-only">
                    "Ajouter un article du catalogue"
                </label>
                <select
                    id="catalogue-pick"
                    class="field-input w-full max-w-full rounded-xl px-3 py-2.5 text-sm text-fg sm:w-auto sm:max-w-xs"
                    on:change=pick
                    prop:value=""
                >
                    <option value="">"Ajouter depuis le catalogue…"</option>
                    {move || {
                        catalogue
                            .get()
                            .and_then(|r| r.ok())
                            .unwrap_or_default()
                            .into_iter()
                            .map(|i| {
                                let label = format!("{} — {} / {}", i.description, format_eur(i.unit_price), i.unit.label());
                                view! { <option value=i.id.to_string()>{label}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </div>
            {move || {
                let (t, deposit): (_, Deposit) = totals.get();
                view! { <QuoteTotals totals=t deposit /> }
            }}
        </GlassCard>
    }
}

fn index_of(state: EditorState, key: u64) -> usize {
    state
        .lines
        .with_untracked(|l| l.iter().position(|x| x.key == key).unwrap_or(0))
}

#[component]
fn LineRow(
    state: EditorState,
    line: LineState,
    errors: Memo<FieldErrors>,
    current: Memo<(QuoteDraft, FieldErrors)>,
) -> impl IntoView {
    let key = line.key;
    let index = Memo::new(move |_| state.lines.with(|l| l.iter().position(|x| x.key == key).unwrap_or(0)));
    let field = move |name: &'static str| {
        Signal::derive(move || message(errors, format!("lines.{}.{name}", index.get())).get())
    };
    let id = move |name: &'static str| format!("f-lines.{}.{name}", index.get());
    let move_by = move |delta: isize| {
        state.lines.update(|l| {
            let i = index_of(state, key) as isize;
            let j = i + delta;
            if j >= 0 && (j as usize) < l.len() {
                l.swap(i as usize, j as usize);
            }
        })
    };
    let remove = move |_| state.lines.update(|l| l.retain(|x| x.key != key));
    let net = Memo::new(move |_| {
        current.with(|(d, _)| {
            d.totals()
                .lines
                .get(index.get())
                .copied()
                .flatten()
                .map(|a| a.net)
                .unwrap_or(0)
        })
    });
    let actions = move || {
        view! {
            <div class="flex items-end justify-end gap-1">
                <button type="button" class=button_class(ButtonKind::Ghost) aria-label="Monter la ligne" on:click=move |_| move_by(-1)>
                    "↑"
                </button>
                <button type="button" class=button_class(ButtonKind::Ghost) aria-label="Descendre la ligne" on:click=move |_| move_by(1)>
                    "↓"
                </button>
                <button type="button" class=button_class(ButtonKind::Ghost) aria-label="Supprimer la ligne" on:click=remove>
                    "✕"
                </button>
            </div>
        }
    };
    if line.section {
        return view! {
            <li class="flex items-end gap-2 rounded-xl bg-white/5 p-2" data-testid="quote-section">
                <div class="flex-1">
                    <label for=move || id("description") class="mb-1 block text-xs text-muted">"Titre de section"</label>
                    <input id=move || id("description") class=format!("{CELL} font-semibold") prop:value=move || line.description.get()
                        on:input=move |ev| line.description.set(event_target_value(&ev)) />
                </div>
                {actions()}
            </li>
        }
        .into_any();
    }
    let unit_options = Unit::ALL.map(|u| (u, u.label()));
    let vat_options = VatRate::ALL.map(|r| (r, r.label()));
    view! {
        <li class="rounded-xl border border-white/15 p-3" data-testid="quote-line">
            <div class="grid grid-cols-2 gap-2 sm:grid-cols-[minmax(0,1fr)_5.5rem_6.5rem_7rem_5.5rem_5rem_6.5rem_auto] sm:items-start">
                <div class="col-span-2 sm:col-span-1">
                    <label for=move || id("description") class=LABEL>"Désignation"</label>
                    <textarea id=move || id("description") rows="1" class=CELL placeholder="Désignation"
                        aria-invalid=move || field("description").get().map(|_| "true")
                        prop:value=move || line.description.get()
                        on:input=move |ev| line.description.set(event_target_value(&ev))></textarea>
                </div>
                <div>
                    <label for=move || id("quantity") class=LABEL>"Quantité"</label>
                    <input id=move || id("quantity") class=CELL inputmode="decimal" placeholder="Qté"
                        aria-invalid=move || field("quantity").get().map(|_| "true")
                        prop:value=move || line.quantity.get()
                        on:input=move |ev| line.quantity.set(event_target_value(&ev)) />
                </div>
                <div>
                    <label for=move || id("unit") class=LABEL>"Unité"</label>
                    <select id=move || id("unit") class=CELL on:change=move |ev| {
                        if let Some(u) = Unit::parse(&event_target_value(&ev)) { line.unit.set(u) }
                    }>
                        {unit_options.into_iter().map(|(u, label)| view! {
                            <option value=u.as_str() selected=move || line.unit.get() == u>{label}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div>
                    <label for=move || id("unit_price") class=LABEL>"Prix unitaire HT (€)"</label>
                    <input id=move || id("unit_price") class=CELL inputmode="decimal" placeholder="PU HT"
                        aria-invalid=move || field("unit_price").get().map(|_| "true")
                        prop:value=move || line.price.get()
                        on:input=move |ev| line.price.set(event_target_value(&ev)) />
                </div>
                <div>
                    <label for=move || id("vat") class=LABEL>"TVA"</label>
                    <select id=move || id("vat") class=CELL on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if let Some(r) = VatRate::ALL.into_iter().find(|r| r.basis_points().to_string() == v) { line.vat.set(r) }
                    }>
                        {vat_options.into_iter().map(|(r, label)| view! {
                            <option value=r.basis_points().to_string() selected=move || line.vat.get() == r>{label}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div>
                    <label for=move || id("discount") class=LABEL>"Remise (%)"</label>
                    <input id=move || id("discount") class=CELL inputmode="decimal" placeholder="Remise %"
                        aria-invalid=move || field("discount").get().map(|_| "true")
                        prop:value=move || line.discount.get()
                        on:input=move |ev| line.discount.set(event_target_value(&ev)) />
                </div>
                <p class="self-center text-right text-sm font-semibold tabular-nums text-fg" aria-live="off">
                    <span class="sr-only">"Total HT de la ligne : "</span>
                    {move || format_eur(net.get())}
                </p>
                {actions()}
            </div>
            {move || {
                ["description", "quantity", "unit_price", "discount"]
                    .into_iter()
                    .filter_map(|f| field(f).get())
                    .map(|m| view! { <p class="field-error mt-1 text-sm" role="alert">{m}</p> })
                    .collect_view()
            }}
        </li>
    }
    .into_any()
}
