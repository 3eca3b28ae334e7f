//! E-invoicing in the pages: the platform card of an issued invoice, the
//! directory lookup of a draft's buyer, and `/app/einvoicing` (supplier
//! invoices received, the journal of every flow).

use super::api::{fetch_einvoice_state, fetch_einvoicing, lookup_directory, sync_einvoicing, transmit_invoice};
use super::{EInvoiceState, EInvoicingPage as PageData, FlowRow, needs_attention, status_label};
use crate::domain::InvoiceId;
use crate::domain::money::format_eur_exact as format_eur;
use crate::error::AppError;
use crate::invoice::FlowDirection;
use crate::ui::{Badge, Button, ButtonKind, FormAlert, GlassCard, PageHeader, Tone, button_class};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;

fn tone(code: i32) -> Tone {
    if needs_attention(code) {
        Tone::Danger
    } else if code >= 211 {
        Tone::Success
    } else if code >= 205 {
        Tone::Accent
    } else {
        Tone::Info
    }
}

/// A lifecycle status as a badge.
#[component]
fn StatusBadge(code: i32) -> impl IntoView {
    view! {
        <span data-testid="pa-status" data-status=code.to_string()>
            <Badge tone=tone(code)>{status_label(code)}</Badge>
        </span>
    }
}

/// An amount in the invoice's own currency (euros unless it says otherwise).
fn money(cents: i64, currency: &str) -> String {
    if currency.is_empty() || currency == "EUR" {
        format_eur(cents)
    } else {
        format_eur(cents).replace('€', currency)
    }
}

fn flow_text(f: &FlowRow) -> String {
    let mut text = f.kind.label().to_string();
    if let Some(code) = f.status {
        text.push_str(&format!(" · {}", status_label(code)));
    }
    if !f.detail.is_empty() {
        text.push_str(&format!(" — {}", f.detail));
    }
    text
}

/// The platform card of an issued invoice: send it, follow its statuses.
#[component]
pub fn EInvoiceCard(id: InvoiceId, can_manage: bool) -> impl IntoView {
    let state = RwSignal::new(None::<EInvoiceState>);
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let load = move || {
        spawn_local(async move {
            match fetch_einvoice_state(id).await {
                Ok(s) => state.set(Some(s)),
                Err(e) => error.set(Some(e)),
            }
        })
    };
    // Loaded in the browser (an effect never runs on the server).
    Effect::new(move |_| load());
    // While the send is pending, one chain of looks every two seconds, 30 at
    // most, ended when the page goes.
    let alive = StoredValue::new(true);
    on_cleanup(move || alive.set_value(false));
    let polls = StoredValue::new(0u32);
    let armed = StoredValue::new(false);
    Effect::new(move |_| {
        let pending = state.with(|s| s.as_ref().is_some_and(|s| s.pending));
        if pending && !armed.get_value() && polls.get_value() < 30 {
            armed.set_value(true);
            polls.update_value(|n| *n += 1);
            set_timeout(
                move || {
                    armed.set_value(false);
                    if alive.get_value() {
                        load();
                    }
                },
                std::time::Duration::from_secs(2),
            );
        }
    });
    let transmit = move |_| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match transmit_invoice(id).await {
                Ok(()) => load(),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        })
    };
    view! {
        <GlassCard class="mb-4">
            <div class="mb-3 flex flex-wrap items-center justify-between gap-2">
                <h2 class="text-lg font-semibold text-fg">"Facturation électronique"</h2>
                <button type="button" class="text-sm underline" on:click=move |_| load()>"Actualiser"</button>
            </div>
            <FormAlert error />
            <p class="sr-only" role="status" aria-live="polite">
                {move || state.with(|s| s.as_ref().and_then(|s| s.status).map(|c| format!("Statut sur la plateforme : {}", status_label(c))))}
            </p>
            <div data-testid="pa-card">
                {move || match state.get() {
                    None => view! { <p class="text-sm text-muted">"Chargement…"</p> }.into_any(),
                    Some(s) => view! {
                        <div class="space-y-3 text-sm">
                            {s.status.map(|code| view! {
                                <p class="flex flex-wrap items-center gap-2 text-fg">
                                    "Statut sur la plateforme : " <StatusBadge code />
                                    {s.detail.clone().map(|d| view! { <span class="text-muted">{format!("({d})")}</span> })}
                                </p>
                            })}
                            {(s.pending).then(|| view! { <p class="text-fg">"Transmission à la plateforme en cours…"</p> })}
                            {(s.flow_id.is_some() && s.status.is_none()).then(|| view! {
                                <p class="text-fg">"Transmise : en attente du premier statut de la plateforme."</p>
                            })}
                            <p class="text-muted">"Adresse électronique du client : " <span class="font-mono text-fg">{s.address.clone()}</span></p>
                            {s.blocked.clone().map(|b| view! { <p class="text-muted">{b}</p> })}
                            {(s.can_transmit && can_manage).then(|| view! {
                                <Button r#type="button" kind=ButtonKind::Primary busy on_click=Callback::new(transmit) testid="pa-transmit">
                                    "Transmettre via la plateforme agréée"
                                </Button>
                            })}
                            {(!s.history.is_empty()).then(|| view! {
                                <ol class="divide-y divide-white/10" data-testid="pa-history">
                                    {s.history.iter().map(|f| view! {
                                        <li class="flex flex-wrap justify-between gap-2 py-1.5">
                                            <span class="text-fg">{flow_text(f)}</span>
                                            <span class="tabular-nums text-muted">{f.at.clone()}</span>
                                        </li>
                                    }).collect_view()}
                                </ol>
                            })}
                        </div>
                    }.into_any(),
                }}
            </div>
        </GlassCard>
    }
}

/// The directory lookup under a draft's SIREN: saves the draft first (the
/// server reads the stored SIREN), then asks the directory.
#[component]
pub fn DirectoryLookup(id: InvoiceId, draft: Callback<(), crate::invoice::InvoiceDraft>) -> impl IntoView {
    let message = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<AppError>);
    let look = move |_| {
        message.set(None);
        error.set(None);
        let payload = draft.run(());
        spawn_local(async move {
            if let Err(e) = crate::invoice::api::save_invoice(id, payload).await {
                error.set(Some(e));
                return;
            }
            match lookup_directory(id).await {
                Ok(a) if a.found => message.set(Some(format!("Annuaire : {} — adresse {}", a.name, a.address))),
                Ok(a) => message.set(Some(format!(
                    "Aucune ligne d'annuaire pour ce SIREN : l'adresse {} sera utilisée.",
                    a.address
                ))),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <div class="mb-4 sm:col-span-2">
            <button type="button" class="text-sm underline" data-testid="directory-lookup" on:click=look>
                "Chercher l'adresse électronique dans l'annuaire"
            </button>
            <FormAlert error />
            <p class="mt-1 text-sm text-fg" role="status" aria-live="polite" data-testid="directory-result">
                {move || message.get()}
            </p>
        </div>
    }
}

/// `/app/einvoicing`.
#[component]
pub fn EInvoicingPage() -> impl IntoView {
    let data = RwSignal::new(None::<PageData>);
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let notice = RwSignal::new(None::<String>);
    let load = move || {
        spawn_local(async move {
            match fetch_einvoicing().await {
                Ok(d) => data.set(Some(d)),
                Err(e) => error.set(Some(e)),
            }
        })
    };
    Effect::new(move |_| load());
    let sync = move |_| {
        busy.set(true);
        error.set(None);
        notice.set(None);
        spawn_local(async move {
            match sync_einvoicing().await {
                Ok(r) => {
                    notice.set(Some(format!(
                        "{} statut(s), {} facture(s) fournisseur reçue(s){}.",
                        r.statuses,
                        r.invoices,
                        if r.unreadable > 0 {
                            format!(", {} flux illisible(s)", r.unreadable)
                        } else {
                            String::new()
                        }
                    )));
                    load();
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        })
    };
    view! {
        <Title text="Facturation électronique" />
        <PageHeader title="Facturation électronique".to_string()
            subtitle="Factures transmises par la plateforme agréée, leurs statuts, et les factures de vos fournisseurs.">
            {move || data.with(|d| d.as_ref().is_some_and(|d| d.can_manage)).then(|| view! {
                <Button r#type="button" kind=ButtonKind::Primary busy on_click=Callback::new(sync) testid="pa-sync">
                    "Relever maintenant"
                </Button>
            })}
        </PageHeader>
        <FormAlert error />
        <div role="status" aria-live="polite">
            {move || notice.get().map(|m| view! { <p class="alert-success mb-4 rounded-xl px-4 py-3 text-sm" data-testid="pa-sync-result">{m}</p> })}
        </div>
        {move || data.get().map(|d| view! { <PageBody d /> })}
    }
}

#[component]
fn PageBody(d: PageData) -> impl IntoView {
    let where_to = if d.adapter == "local" {
        "Plateforme locale (dossier sur le serveur) : aucun envoi ne quitte cette machine.".to_string()
    } else {
        format!("Plateforme agréée : {}", d.location)
    };
    view! {
        <GlassCard class="mb-4">
            <p class="text-sm text-fg" data-testid="pa-adapter">{where_to}</p>
            <p class="mt-1 text-sm text-muted">
                {if d.siren.is_empty() {
                    "Pas encore inscrite : l'entreprise l'est sous son SIREN (Réglages › Identité) à la première transmission ou au premier relevé.".to_string()
                } else {
                    format!("Identifiant de l'entreprise (SIREN) : {}", d.siren)
                }}
                {d.polled_at.clone().map(|at| format!(" · Dernier relevé : {at}"))}
            </p>
        </GlassCard>
        <GlassCard class="mb-4">
            <h2 class="mb-3 text-lg font-semibold text-fg">"Factures fournisseurs reçues"</h2>
            {if d.received.is_empty() {
                view! { <p class="text-sm text-muted">"Aucune facture reçue pour le moment."</p> }.into_any()
            } else {
                view! {
                    // A table from tablets up; a list on phones (nothing scrolls sideways).
                    <table class="hidden w-full text-sm md:table" data-testid="received-invoices">
                        <caption class="sr-only">"Factures reçues de vos fournisseurs (lecture seule)"</caption>
                        <thead>
                            <tr class="text-left text-muted">
                                <th scope="col" class="py-1 pr-3 font-medium">"Fournisseur"</th>
                                <th scope="col" class="py-1 pr-3 font-medium">"Numéro"</th>
                                <th scope="col" class="py-1 pr-3 font-medium">"Date"</th>
                                <th scope="col" class="py-1 pr-3 font-medium">"Échéance"</th>
                                <th scope="col" class="py-1 pr-3 text-right font-medium">"HT"</th>
                                <th scope="col" class="py-1 pr-3 text-right font-medium">"TVA"</th>
                                <th scope="col" class="py-1 pr-3 text-right font-medium">"TTC"</th>
                                <th scope="col" class="py-1 font-medium"><span class="sr-only">"Fichier"</span></th>
                            </tr>
                        </thead>
                        <tbody>
                            {d.received.iter().map(|r| view! {
                                <tr class="border-t border-white/10">
                                    <th scope="row" class="py-1.5 pr-3 text-left font-normal text-fg">{r.seller_name.clone()}
                                        <span class="block text-xs text-muted">{format!("SIREN {}", r.seller_siren)}</span>
                                    </th>
                                    <td class="py-1.5 pr-3 text-fg">{r.number.clone()}
                                        <span class="block text-xs text-muted">{r.kind.clone()}</span>
                                    </td>
                                    <td class="py-1.5 pr-3 tabular-nums text-fg">{r.issue_date.clone()}</td>
                                    <td class="py-1.5 pr-3 tabular-nums text-fg">{r.due_date.clone()}</td>
                                    <td class="py-1.5 pr-3 text-right tabular-nums text-fg">{money(r.total_ht, &r.currency)}</td>
                                    <td class="py-1.5 pr-3 text-right tabular-nums text-fg">{money(r.total_vat, &r.currency)}</td>
                                    <td class="py-1.5 pr-3 text-right font-semibold tabular-nums text-fg">{money(r.total_ttc, &r.currency)}</td>
                                    <td class="py-1.5">
                                        <a class="underline" href=format!("/app/einvoicing/received/{}", r.id)
                                            aria-label=format!("Télécharger la facture {} de {}", r.number, r.seller_name)>
                                            "Télécharger"
                                        </a>
                                    </td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    <ul class="divide-y divide-white/10 text-sm md:hidden" data-testid="received-list">
                        {d.received.iter().map(|r| view! {
                            <li class="py-3">
                                <p class="flex flex-wrap justify-between gap-2 text-fg">
                                    <span class="font-medium">{r.seller_name.clone()}</span>
                                    <span class="font-semibold tabular-nums">{format!("{} TTC", money(r.total_ttc, &r.currency))}</span>
                                </p>
                                <p class="text-muted">{format!("{} {} du {} · échéance {}", r.kind, r.number, r.issue_date, r.due_date)}</p>
                                <p class="text-muted">{format!("SIREN {} · HT {} · TVA {}", r.seller_siren, money(r.total_ht, &r.currency), money(r.total_vat, &r.currency))}</p>
                                <a class="mt-1 inline-block underline" href=format!("/app/einvoicing/received/{}", r.id)
                                    aria-label=format!("Télécharger la facture {} de {}", r.number, r.seller_name)>
                                    "Télécharger"
                                </a>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </GlassCard>
        <GlassCard class="mb-4">
            <h2 class="mb-3 text-lg font-semibold text-fg">"Journal des échanges"</h2>
            {if d.flows.is_empty() {
                view! { <p class="text-sm text-muted">"Aucun échange avec la plateforme pour le moment."</p> }.into_any()
            } else {
                view! {
                    <ul class="divide-y divide-white/10 text-sm" data-testid="pa-flows">
                        {d.flows.iter().map(|f| {
                            let arrow = if f.direction == FlowDirection::Out { "↑ Envoyé" } else { "↓ Reçu" };
                            view! {
                                <li class="flex flex-wrap items-baseline justify-between gap-2 py-2">
                                    <span class="text-fg">
                                        <span class="text-muted">{arrow}" · "</span>
                                        {f.invoice.clone().map(|(id, number)| view! {
                                            <a class="underline" href=format!("/app/invoices/{id}")>{number}</a>
                                            " · "
                                        })}
                                        {flow_text(f)}
                                    </span>
                                    <span class="tabular-nums text-muted">{f.at.clone()}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </GlassCard>
        <a href="/app/invoices" class=button_class(ButtonKind::Secondary)>"Retour aux factures"</a>
    }
}
