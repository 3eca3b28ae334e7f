//! An issued invoice or credit note: locked, with its Factur-X PDF, what is
//! paid and owed, payments, credit notes, and the actions that follow.

use super::parts::{InvoiceBadge, dmy, title_of};
use super::payment::PaymentForm;
use crate::domain::money::format_eur_exact as format_eur;
use crate::error::AppError;
use crate::invoice::api::{create_credit_note, release_holdback, send_invoice, set_invoice_reminders};
use crate::invoice::{InvoiceKind, InvoiceStatus, InvoiceView};
use crate::quote::ui::parts::{QuoteBody, QuoteTotals};
use crate::ui::{Button, ButtonKind, FormAlert, GlassCard, PageHeader, button_class, go};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The read-only view.
#[component]
pub fn IssuedInvoice(current: RwSignal<InvoiceView>) -> impl IntoView {
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let notice = RwSignal::new(None::<String>);
    let id = current.with_untracked(|v| v.id);
    let send = move |_| {
        busy.set(true);
        spawn_local(async move {
            match send_invoice(id).await {
                Ok(v) => {
                    current.set(v);
                    notice.set(Some("Envoyée au client avec le PDF Factur-X.".into()));
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        })
    };
    let credit = move |full: bool| {
        busy.set(true);
        spawn_local(async move {
            match create_credit_note(id, full).await {
                Ok(cn) => go(&format!("/app/invoices/{cn}")),
                Err(e) => {
                    error.set(Some(e));
                    busy.set(false);
                }
            }
        })
    };
    let release = move |_| {
        spawn_local(async move {
            match release_holdback(id).await {
                Ok(v) => current.set(v),
                Err(e) => error.set(Some(e)),
            }
        })
    };
    let toggle_reminders = move |enabled: bool| {
        spawn_local(async move {
            match set_invoice_reminders(id, enabled).await {
                Ok(v) => current.set(v),
                Err(e) => error.set(Some(e)),
            }
        })
    };
    view! {
        {move || {
            let v = current.get();
            let credit_note = v.kind == InvoiceKind::CreditNote;
            let can_credit = v.can_manage && !credit_note && v.status != InvoiceStatus::Credited;
            let can_pay = v.can_manage && !credit_note && v.status != InvoiceStatus::Credited;
            let client = if v.draft.client.company.is_empty() { v.draft.client.name.clone() } else { v.draft.client.company.clone() };
            let facts: Vec<(&str, String)> = [
                ("Émise le", dmy(&v.issue_date)),
                ("Échéance", if credit_note { String::new() } else { dmy(&v.due_date) }),
                ("Total TTC", format_eur(v.totals.total_ttc)),
                ("Payé", if credit_note { String::new() } else { format_eur(v.paid) }),
                ("Reste à payer", if credit_note { String::new() } else { format_eur(v.balance) }),
                ("Retenue de garantie", if v.holdback > 0 { format_eur(v.holdback) } else { String::new() }),
                ("Avoirs", if v.credited > 0 { format_eur(v.credited) } else { String::new() }),
            ]
            .into_iter()
            .filter(|(_, value)| !value.is_empty())
            .collect();
            view! {
                <PageHeader title=title_of(v.kind, v.number.as_deref()) subtitle=format!("{client} — {}", v.draft.title)>
                    <InvoiceBadge status=v.status />
                    <a href=format!("/app/invoices/{}/pdf", v.id) target="_blank" rel="noopener" class=button_class(ButtonKind::Secondary) data-testid="invoice-pdf">
                        "PDF Factur-X"
                    </a>
                    {v.can_manage.then(|| view! {
                        <Button r#type="button" kind=ButtonKind::Secondary busy on_click=Callback::new(send) testid="send-invoice">
                            {if v.status == InvoiceStatus::Issued { "Envoyer au client" } else { "Renvoyer au client" }}
                        </Button>
                    })}
                </PageHeader>
                <p class="alert-info mb-4 rounded-xl px-4 py-3 text-sm" role="note">
                    {if credit_note {
                        "Cet avoir est émis : il n'est plus modifiable."
                    } else {
                        "Facture émise : elle ne se modifie plus et ne se supprime jamais. Pour la corriger, créez un avoir."
                    }}
                </p>
                <FormAlert error />
                <div role="status" aria-live="polite">
                    {notice.get().map(|m| view! { <p class="alert-success mb-4 rounded-xl px-4 py-3 text-sm">{m}</p> })}
                </div>
                <GlassCard class="mb-4">
                    <dl class="grid grid-cols-2 gap-x-6 gap-y-3 text-sm sm:grid-cols-4" data-testid="invoice-facts">
                        {facts
                            .into_iter()
                            .map(|(label, value)| view! {
                                <div>
                                    <dt class="text-muted">{label}</dt>
                                    <dd class="font-semibold tabular-nums text-fg">{value}</dd>
                                </div>
                            })
                            .collect_view()}
                    </dl>
                    {v.quote.clone().map(|(qid, number)| view! {
                        <p class="mt-3 text-sm text-muted">"Devis : " <a class="underline" href=format!("/app/quotes/{qid}")>{number}</a></p>
                    })}
                    {v.corrects.clone().map(|c| view! {
                        <p class="mt-3 text-sm text-muted">
                            "Corrige la facture "
                            <a class="underline" href=format!("/app/invoices/{}", c.id)>{c.number.unwrap_or_default()}</a>
                        </p>
                    })}
                    {(v.can_manage && !credit_note && v.balance > 0).then(|| {
                        let enabled = v.reminders_enabled;
                        view! {
                            <p class="mt-3 flex flex-wrap items-center gap-3 text-sm text-muted">
                                {if enabled {
                                    format!("Relances automatiques actives ({} envoyée(s)).", v.reminders_sent)
                                } else {
                                    "Relances automatiques arrêtées pour cette facture.".to_string()
                                }}
                                <button type="button" class="underline" data-testid="toggle-reminders" on:click=move |_| toggle_reminders(!enabled)>
                                    {if enabled { "Arrêter les relances" } else { "Reprendre les relances" }}
                                </button>
                            </p>
                        }
                    })}
                    {(v.holdback > 0 && v.can_manage).then(|| view! {
                        <button type="button" class=format!("{} mt-3", button_class(ButtonKind::Secondary)) on:click=release>
                            "Libérer la retenue de garantie"
                        </button>
                    })}
                </GlassCard>
                <crate::invoice::einvoicing::ui::EInvoiceCard id=v.id can_manage=v.can_manage />
                <GlassCard class="mb-4">
                    <QuoteBody lines=v.draft.lines.clone() totals=v.totals.clone() />
                    <QuoteTotals totals=v.totals.clone() deposit=crate::domain::quote_totals::Deposit::None />
                </GlassCard>
                {(can_pay && v.balance > 0).then(|| view! { <PaymentForm current balance=v.balance /> })}
                {(!v.payments.is_empty()).then(|| view! {
                    <GlassCard class="mb-4">
                        <h2 class="mb-3 text-lg font-semibold text-fg">"Paiements reçus"</h2>
                        <ul class="divide-y divide-white/10 text-sm" data-testid="payments">
                            {v.payments.iter().map(|p| view! {
                                <li class="flex flex-wrap justify-between gap-2 py-2">
                                    <span class="text-fg">{format!("{} · {}", dmy(&p.paid_on), p.method.label())}
                                        {(!p.reference.is_empty()).then(|| format!(" · {}", p.reference))}
                                    </span>
                                    <span class="font-semibold tabular-nums text-fg">{format_eur(p.amount)}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    </GlassCard>
                })}
                {(can_credit || !v.credit_notes.is_empty()).then(|| view! {
                    <GlassCard class="mb-4">
                        <h2 class="mb-3 text-lg font-semibold text-fg">"Avoirs"</h2>
                        <ul class="mb-3 space-y-1 text-sm">
                            {v.credit_notes.iter().map(|c| view! {
                                <li>
                                    <a class="underline" href=format!("/app/invoices/{}", c.id)>
                                        {c.number.clone().unwrap_or_else(|| "Brouillon d'avoir".into())}
                                    </a>
                                    {format!(" — {} · {}", format_eur(c.total_ttc), c.status.label())}
                                </li>
                            }).collect_view()}
                        </ul>
                        {can_credit.then(|| view! {
                            <div class="flex flex-wrap gap-2">
                                <Button r#type="button" kind=ButtonKind::Secondary busy on_click=Callback::new(move |_| credit(false)) testid="credit-note">
                                    "Créer un avoir partiel"
                                </Button>
                                {(v.credited == 0).then(|| view! {
                                    <Button r#type="button" kind=ButtonKind::Danger busy on_click=Callback::new(move |_| credit(true)) testid="credit-note-full">
                                        "Annuler par un avoir total"
                                    </Button>
                                })}
                            </div>
                        })}
                    </GlassCard>
                })}
            }
        }}
    }
}
