//! A draft invoice or credit note: client, options, body (editable for a
//! standalone invoice or a credit note; from the quote otherwise), the legal
//! check, and issuing.

use super::parts::title_of;
use crate::domain::money::{format_eur_exact, parse_eur};
use crate::domain::quote_totals::Discount;
use crate::domain::vat::{Unit, VatRate, format_quantity, parse_quantity};
use crate::error::AppError;
use crate::invoice::api::{delete_invoice, issue_invoice, save_invoice};
use crate::invoice::{InvoiceClient, InvoiceDraft, InvoiceKind, InvoiceView, Operation};
use crate::quote::LineInput;
use crate::quote::ui::parts::{QuoteBody, QuoteTotals};
use crate::ui::{
    Button, ButtonKind, Checkbox, FormAlert, GlassCard, PageHeader, SelectField, TextField, field_error, go,
};
use leptos::prelude::*;
use leptos::task::spawn_local;

const CELL: &str = "field-input block w-full rounded-lg px-2.5 py-2 text-base text-fg sm:text-sm";

/// One editable line.
#[derive(Clone, Copy)]
struct LineState {
    key: u32,
    section: RwSignal<bool>,
    description: RwSignal<String>,
    quantity: RwSignal<String>,
    unit: RwSignal<String>,
    price: RwSignal<String>,
    vat: RwSignal<String>,
}

impl LineState {
    fn of(key: u32, l: &LineInput) -> LineState {
        LineState {
            key,
            section: RwSignal::new(l.section),
            description: RwSignal::new(l.description.clone()),
            quantity: RwSignal::new(format_quantity(l.quantity)),
            unit: RwSignal::new(l.unit.as_str().to_string()),
            price: RwSignal::new(format_eur_exact(l.unit_price).replace(['\u{a0}', '€', '\u{202f}'], "")),
            vat: RwSignal::new(l.vat.basis_points().to_string()),
        }
    }

    /// The line as typed; unparsable numbers read as 0 and are named by the server check.
    fn input(&self) -> LineInput {
        LineInput {
            section: self.section.get_untracked(),
            description: self.description.get_untracked(),
            quantity: parse_quantity(&self.quantity.get_untracked()).unwrap_or(0),
            unit: Unit::parse(&self.unit.get_untracked()).unwrap_or(Unit::Piece),
            unit_price: parse_eur(&self.price.get_untracked()).unwrap_or(-1),
            vat: self
                .vat
                .get_untracked()
                .parse()
                .ok()
                .and_then(VatRate::from_basis_points)
                .unwrap_or(VatRate::Standard),
            discount: Discount::None,
        }
    }
}

fn text(value: &str) -> RwSignal<String> {
    RwSignal::new(value.to_string())
}

/// The draft editor.
#[component]
pub fn DraftEditor(current: RwSignal<InvoiceView>) -> impl IntoView {
    let v = current.get_untracked();
    let id = v.id;
    let kind = v.kind;
    let d = v.draft.clone();
    let lines_editable = matches!(kind, InvoiceKind::Standalone | InvoiceKind::CreditNote);
    let title = text(&d.title);
    let name = text(&d.client.name);
    let company = text(&d.client.company);
    let email = text(&d.client.email);
    let address = text(&d.client.address);
    let postcode = text(&d.client.postcode);
    let city = text(&d.client.city);
    let siren = text(&d.client.siren);
    let vat_number = text(&d.client.vat_number);
    let site_address = text(&d.site_address);
    let site_postcode = text(&d.site_postcode);
    let site_city = text(&d.site_city);
    let operation = text(d.operation.as_str());
    let reverse_charge = RwSignal::new(d.reverse_charge);
    let vat_on_debits = RwSignal::new(d.vat_on_debits);
    let certified = RwSignal::new(d.reduced_rate_certified);
    let holdback = RwSignal::new(d.holdback_bp == 500);
    let supply_date = text(&d.supply_date);
    let due_days = text(&d.due_days.to_string());
    let payment_terms = text(&d.payment_terms);
    let late_penalty = text(&d.late_penalty);
    let early_discount = text(&d.early_discount);
    let notes = text(&d.notes);
    let next_key = StoredValue::new(d.lines.len() as u32);
    let lines = RwSignal::new(
        d.lines
            .iter()
            .enumerate()
            .map(|(i, l)| LineState::of(i as u32, l))
            .collect::<Vec<_>>(),
    );
    let fixed_lines = d.lines.clone();
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let saved = RwSignal::new(None::<String>);
    let missing = RwSignal::new(v.missing.clone());
    let totals = RwSignal::new(v.totals.clone());

    let draft = move || InvoiceDraft {
        title: title.get_untracked(),
        client: InvoiceClient {
            contact_id: current.with_untracked(|v| v.draft.client.contact_id),
            name: name.get_untracked(),
            company: company.get_untracked(),
            email: email.get_untracked(),
            address: address.get_untracked(),
            postcode: postcode.get_untracked(),
            city: city.get_untracked(),
            siren: siren.get_untracked(),
            vat_number: vat_number.get_untracked(),
        },
        site_address: site_address.get_untracked(),
        site_postcode: site_postcode.get_untracked(),
        site_city: site_city.get_untracked(),
        operation: Operation::parse(&operation.get_untracked()).unwrap_or(Operation::Services),
        reverse_charge: reverse_charge.get_untracked(),
        vat_on_debits: vat_on_debits.get_untracked(),
        reduced_rate_certified: certified.get_untracked(),
        holdback_bp: if holdback.get_untracked() { 500 } else { 0 },
        supply_date: supply_date.get_untracked(),
        due_days: due_days.get_untracked().trim().parse().unwrap_or(-1),
        payment_terms: payment_terms.get_untracked(),
        late_penalty: late_penalty.get_untracked(),
        early_discount: early_discount.get_untracked(),
        notes: notes.get_untracked(),
        lines: if lines_editable {
            lines.get_untracked().iter().map(LineState::input).collect()
        } else {
            fixed_lines.clone()
        },
    };
    let draft = StoredValue::new(draft);
    let save = move |then_issue: bool| {
        busy.set(true);
        error.set(None);
        saved.set(None);
        let payload = draft.with_value(|f| f());
        spawn_local(async move {
            match save_invoice(id, payload).await {
                Err(e) => {
                    if let AppError::Validation(fields) = &e {
                        crate::ui::focus_first_error(fields);
                    }
                    error.set(Some(e));
                    busy.set(false);
                }
                Ok(view) => {
                    missing.set(view.missing.clone());
                    totals.set(view.totals.clone());
                    if !then_issue {
                        saved.set(Some("Brouillon enregistré.".into()));
                        busy.set(false);
                        return;
                    }
                    match issue_invoice(id).await {
                        Ok(issued) => current.set(issued),
                        Err(e) => {
                            if let AppError::Validation(fields) = &e {
                                crate::ui::focus_first_error(fields);
                            }
                            error.set(Some(e));
                            busy.set(false);
                        }
                    }
                }
            }
        })
    };
    let remove = move |_| {
        spawn_local(async move {
            match delete_invoice(id).await {
                Ok(()) => go("/app/invoices"),
                Err(e) => error.set(Some(e)),
            }
        })
    };
    let push = move |line: LineInput| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        lines.update(|l| l.push(LineState::of(key, &line)));
    };
    let add_line = move |_| push(LineInput::blank(VatRate::Standard));
    // Loaded in the browser once the page runs (an effect never runs on the server).
    let catalogue = RwSignal::new(Vec::<crate::quote::CatalogueItem>::new());
    Effect::new(move |_| {
        spawn_local(async move {
            if let Ok(items) = crate::quote::api::list_catalogue().await {
                catalogue.set(items);
            }
        })
    });
    let pick = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let items = catalogue.get_untracked();
        if let Some(item) = items.into_iter().find(|i| i.id.to_string() == value) {
            push(LineInput {
                section: false,
                description: item.description,
                quantity: 1_000,
                unit: item.unit,
                unit_price: item.unit_price,
                vat: item.vat,
                discount: Discount::None,
            });
        }
    };
    let operations: Vec<(String, String)> = Operation::ALL
        .iter()
        .map(|o| (o.as_str().to_string(), o.label().to_string()))
        .collect();
    let f = move |field: &'static str| field_error(error, field);
    view! {
        <PageHeader title=title_of(kind, None) subtitle="Complétez puis émettez : le numéro est attribué à l'émission et la facture devient définitive.">
            <a href=format!("/app/invoices/{id}/pdf") target="_blank" rel="noopener" class=crate::ui::button_class(ButtonKind::Secondary)>
                "Aperçu PDF"
            </a>
        </PageHeader>
        <FormAlert error />
        <div role="status" aria-live="polite">
            {move || saved.get().map(|m| view! { <p class="alert-success mb-4 rounded-xl px-4 py-3 text-sm">{m}</p> })}
        </div>
        <Missing missing />
        <GlassCard class="mb-4">
            <h2 class="mb-4 text-lg font-semibold text-fg">"Client"</h2>
            <div class="grid gap-x-4 sm:grid-cols-2">
                <TextField label="Nom du client" name="client.name" value=name error=f("client.name") autocomplete="name" />
                <TextField label="Société (client professionnel)" name="client.company" value=company error=f("client.company") hint="Laissez vide pour un particulier." />
                <TextField label="Email" name="client.email" value=email error=f("client.email") kind="email" />
                <TextField label="SIREN (professionnel)" name="client.siren" value=siren error=f("client.siren") inputmode="numeric" />
                <crate::invoice::einvoicing::ui::DirectoryLookup id draft=Callback::new(move |_| draft.with_value(|f| f())) />
                <TextField label="N° de TVA intracommunautaire" name="client.vat_number" value=vat_number error=f("client.vat_number") />
                <TextField label="Adresse" name="client.address" value=address error=f("client.address") />
                <TextField label="Code postal" name="client.postcode" value=postcode error=f("client.postcode") inputmode="numeric" />
                <TextField label="Ville" name="client.city" value=city error=f("client.city") />
            </div>
        </GlassCard>
        <GlassCard class="mb-4">
            <h2 class="mb-4 text-lg font-semibold text-fg">"Prestation"</h2>
            <div class="grid gap-x-4 sm:grid-cols-2">
                <TextField label="Titre" name="title" value=title error=f("title") />
                <SelectField label="Nature de l'opération" name="operation" value=operation options=operations error=f("operation") />
                <TextField label="Adresse du chantier ou de livraison" name="site_address" value=site_address error=f("site_address") />
                <TextField label="Code postal du chantier" name="site_postcode" value=site_postcode error=f("site_postcode") inputmode="numeric" />
                <TextField label="Ville du chantier" name="site_city" value=site_city error=f("site_city") />
                <TextField label="Date de la prestation (vide : date d'émission)" name="supply_date" value=supply_date error=f("supply_date") kind="date" />
            </div>
            <Checkbox name="reverse_charge" checked=reverse_charge error=f("reverse_charge")>
                "Sous-traitance du bâtiment : autoliquidation (pas de TVA facturée)"
            </Checkbox>
            <Checkbox name="reduced_rate_certified" checked=certified error=f("reduced_rate_certified")>
                "Le client a certifié les conditions du taux réduit (10 % ou 5,5 %) sur le devis ou la facture"
            </Checkbox>
            <Checkbox name="holdback" checked=holdback error=f("holdback_bp")>
                "Retenue de garantie de 5 %"
            </Checkbox>
        </GlassCard>
        <GlassCard class="mb-4">
            <h2 id="f-lines" tabindex="-1" class="mb-3 text-lg font-semibold text-fg">"Lignes"</h2>
            {if lines_editable {
                view! {
                    <ol class="space-y-3" data-testid="invoice-lines">
                        <For each=move || lines.get() key=|l| l.key let:line>
                            <LineRow line lines error />
                        </For>
                    </ol>
                    <div class="mt-3 flex flex-wrap items-center gap-2">
                        <button type="button" class=crate::ui::button_class(ButtonKind::Secondary) on:click=add_line data-testid="add-invoice-line">
                            "+ Ligne"
                        </button>
                        <label for="invoice-catalogue" class="sr-only">"Ajouter un article du catalogue"</label>
                        <select
                            id="invoice-catalogue"
                            class="field-input w-full max-w-full rounded-xl px-3 py-2.5 text-sm text-fg sm:w-auto sm:max-w-xs"
                            on:change=pick
                            prop:value=""
                            data-testid="invoice-catalogue"
                        >
                            <option value="">"Ajouter depuis le catalogue…"</option>
                            {move || {
                                catalogue
                                    .get()
                                    .into_iter()
                                    .map(|i| {
                                        let label = format!(
                                            "{} — {} / {}",
                                            i.description,
                                            crate::domain::money::format_eur(i.unit_price),
                                            i.unit.label()
                                        );
                                        view! { <option value=i.id.to_string()>{label}</option> }
                                    })
                                    .collect_view()
                            }}
                        </select>
                    </div>
                }
                .into_any()
            } else {
                view! {
                    <p class="mb-3 text-sm text-muted">"Les lignes viennent du devis signé et des factures déjà émises."</p>
                    <QuoteBody lines=v.draft.lines.clone() totals=v.totals.clone() />
                }
                .into_any()
            }}
            {move || view! { <QuoteTotals totals=totals.get() deposit=crate::domain::quote_totals::Deposit::None /> }}
        </GlassCard>
        <GlassCard class="mb-4">
            <h2 class="mb-4 text-lg font-semibold text-fg">"Paiement et mentions"</h2>
            <div class="grid gap-x-4 sm:grid-cols-2">
                <TextField label="Échéance (jours après émission)" name="due_days" value=due_days error=f("due_days") inputmode="numeric" />
                <TextField label="Conditions de paiement" name="payment_terms" value=payment_terms error=f("payment_terms") />
                <TextField label="Pénalités de retard" name="late_penalty" value=late_penalty error=f("late_penalty") />
                <TextField label="Escompte" name="early_discount" value=early_discount error=f("early_discount") />
                <TextField label="Notes" name="notes" value=notes error=f("notes") />
            </div>
            <Checkbox name="vat_on_debits" checked=vat_on_debits error=f("vat_on_debits")>
                "Option pour le paiement de la TVA d'après les débits"
            </Checkbox>
        </GlassCard>
        <div class="sticky bottom-20 z-10 flex flex-wrap justify-end gap-2 rounded-2xl bg-slate-900/80 p-3 backdrop-blur sm:bottom-4">
            <Button r#type="button" kind=ButtonKind::Danger on_click=Callback::new(remove) testid="delete-invoice">"Supprimer le brouillon"</Button>
            <Button r#type="button" kind=ButtonKind::Secondary busy on_click=Callback::new(move |_| save(false))>"Enregistrer"</Button>
            <Button r#type="button" busy on_click=Callback::new(move |_| save(true)) testid="issue-invoice">
                {if kind == InvoiceKind::CreditNote { "Émettre l'avoir" } else { "Émettre la facture" }}
            </Button>
        </div>
    }
}

/// The legal check's list: what blocks issuing, each pointing at its field.
#[component]
fn Missing(missing: RwSignal<Vec<crate::domain::quote_check::Missing>>) -> impl IntoView {
    view! {
        {move || {
            let list = missing.get();
            (!list.is_empty()).then(|| view! {
                <section class="alert-warning mb-4 rounded-xl px-4 py-3 text-sm" aria-labelledby="missing-title" data-testid="invoice-missing">
                    <h2 id="missing-title" class="mb-1 font-semibold">"Mentions obligatoires manquantes"</h2>
                    <ul class="list-disc space-y-0.5 pl-5">
                        {list
                            .into_iter()
                            .map(|m| {
                                let href = if m.field.starts_with("settings.") {
                                    "/app/quotes/settings".to_string()
                                } else {
                                    format!("#f-{}", m.field)
                                };
                                view! { <li><a class="underline" href=href>{m.message}</a></li> }
                            })
                            .collect_view()}
                    </ul>
                </section>
            })
        }}
    }
}

#[component]
fn LineRow(line: LineState, lines: RwSignal<Vec<LineState>>, error: RwSignal<Option<AppError>>) -> impl IntoView {
    let index = move || lines.with(|l| l.iter().position(|x| x.key == line.key).unwrap_or(0));
    let message = move |name: &'static str| {
        Signal::derive(move || {
            let field = format!("lines.{}.{name}", index());
            error.with(|e| e.as_ref().and_then(|e| e.field_message(&field)))
        })
    };
    let remove = move |_| lines.update(|l| l.retain(|x| x.key != line.key));
    let id = move |name: &str| format!("line-{}-{name}", line.key);
    let vat_options: Vec<(String, &'static str)> = VatRate::ALL
        .iter()
        .map(|r| (r.basis_points().to_string(), r.label()))
        .collect();
    let cell = |label: &'static str, field: &'static str, value: RwSignal<String>, mode: &'static str| {
        let err = message(field);
        view! {
            <div>
                <label for=id(field) class="mb-1 block text-xs text-muted">{label}</label>
                <input
                    id=id(field)
                    class=CELL
                    inputmode=mode
                    aria-invalid=move || if err.get().is_some() { "true" } else { "false" }
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                />
                <p class="field-error mt-1 text-xs" class:hidden=move || err.get().is_none()>{move || err.get().unwrap_or_default()}</p>
            </div>
        }
    };
    view! {
        <li class="rounded-xl border border-white/10 p-3" data-testid="invoice-line">
            <div class="grid gap-2 sm:grid-cols-[1fr_6rem_7rem_6rem_auto] sm:items-end">
                {cell("Désignation", "description", line.description, "text")}
                {cell("Quantité", "quantity", line.quantity, "decimal")}
                {cell("Prix unitaire HT (€)", "unit_price", line.price, "decimal")}
                <div>
                    <label for=id("vat") class="mb-1 block text-xs text-muted">"TVA"</label>
                    <select id=id("vat") class=CELL prop:value=move || line.vat.get() on:change=move |ev| line.vat.set(event_target_value(&ev))>
                        {vat_options
                            .into_iter()
                            .map(|(value, label)| view! { <option value=value>{label}</option> })
                            .collect_view()}
                    </select>
                </div>
                <button type="button" class=crate::ui::button_class(ButtonKind::Secondary) on:click=remove aria-label="Supprimer la ligne">
                    "×"
                </button>
            </div>
        </li>
    }
}
