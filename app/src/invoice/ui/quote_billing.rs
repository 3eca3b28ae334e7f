//! The billing card of a signed quote: start a deposit, a progress invoice
//! or the final invoice, and see what was invoiced so far.

use super::parts::InvoiceBadge;
use crate::domain::QuoteId;
use crate::domain::money::format_eur;
use crate::domain::quote_totals::Deposit;
use crate::domain::vat::parse_percent;
use crate::error::AppError;
use crate::invoice::api::{invoice_quote, quote_invoices};
use crate::invoice::{FromQuote, InvoiceKind};
use crate::ui::{Button, ButtonKind, FormAlert, GlassCard, TextField, field_error, go};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Billing of a signed quote.
#[component]
pub fn QuoteBilling(
    quote_id: QuoteId,
    has_deposit: bool,
    /// The quote's lines (the per-line situation names them).
    lines: Vec<crate::quote::LineInput>,
) -> impl IntoView {
    let invoices = Resource::new(move || quote_id, quote_invoices);
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let deposit_percent = RwSignal::new(if has_deposit { String::new() } else { "30".to_string() });
    let progress = RwSignal::new(String::new());
    // One cumulative progress per priced line (empty: unchanged).
    let entries = lines.len();
    let per_line: Vec<(usize, String, RwSignal<String>)> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.section)
        .map(|(i, l)| (i, l.description.clone(), RwSignal::new(String::new())))
        .collect();
    let per_line = StoredValue::new(per_line);
    let start = move |what: FromQuote| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match invoice_quote(quote_id, what).await {
                Ok(id) => go(&format!("/app/invoices/{id}")),
                Err(e) => {
                    error.set(Some(e));
                    busy.set(false);
                }
            }
        })
    };
    let deposit = move |_| {
        let typed = deposit_percent.get_untracked();
        if typed.trim().is_empty() {
            start(FromQuote::Deposit(Deposit::None));
            return;
        }
        match parse_percent(&typed) {
            Ok(bp) => start(FromQuote::Deposit(Deposit::Percent(bp))),
            Err(m) => error.set(Some(AppError::field("deposit", m))),
        }
    };
    let situation = move |_| match parse_percent(&progress.get_untracked()) {
        Ok(bp) => start(FromQuote::Progress(bp as i32)),
        Err(m) => error.set(Some(AppError::field("progress", m))),
    };
    let situation_lines = move |_| {
        // Empty: as the last situation left it.
        let mut targets = vec![-1; entries];
        let mut bad = None;
        per_line.with_value(|rows| {
            for (index, description, value) in rows {
                let typed = value.get_untracked();
                if typed.trim().is_empty() {
                    continue;
                }
                match parse_percent(&typed) {
                    Ok(bp) => targets[*index] = bp as i32,
                    Err(m) => bad = Some(format!("« {description} » : {m}")),
                }
            }
        });
        match bad {
            Some(m) => error.set(Some(AppError::field("progress_lines", m))),
            None => start(FromQuote::ProgressLines(targets)),
        }
    };
    view! {
        <GlassCard class="mb-4">
            <h2 class="mb-1 text-lg font-semibold text-fg">"Facturation"</h2>
            <p class="mb-4 text-sm text-muted">
                "Acompte, situations de travaux au pourcentage d'avancement, puis facture de solde qui déduit tout ce qui a été facturé."
            </p>
            <FormAlert error />
            <div class="grid gap-4 sm:grid-cols-3">
                <div>
                    <TextField
                        label="Acompte (%)"
                        name="deposit"
                        value=deposit_percent
                        error=field_error(error, "deposit")
                        inputmode="decimal"
                        hint=if has_deposit { "Vide : l'acompte prévu au devis." } else { "Pourcentage du TTC." }
                    />
                    <Button r#type="button" kind=ButtonKind::Secondary busy on_click=Callback::new(deposit) testid="invoice-deposit">
                        "Facture d'acompte"
                    </Button>
                </div>
                <div>
                    <TextField
                        label="Avancement cumulé (%)"
                        name="progress"
                        value=progress
                        error=field_error(error, "progress")
                        inputmode="decimal"
                    />
                    <Button r#type="button" kind=ButtonKind::Secondary busy on_click=Callback::new(situation) testid="invoice-progress">
                        "Situation de travaux"
                    </Button>
                </div>
                <div>
                    <p class="mb-2 text-sm text-muted" id="final-hint">"Le devis complet, moins les factures déjà émises."</p>
                    <p class="field-error mb-2 text-sm" class:hidden=move || field_error(error, "final").get().is_none()>
                        {move || field_error(error, "final").get().unwrap_or_default()}
                    </p>
                    <Button r#type="button" busy on_click=Callback::new(move |_| start(FromQuote::Final)) testid="invoice-final">
                        "Facture de solde"
                    </Button>
                </div>
            </div>
            <details class="mt-4" data-testid="progress-per-line">
                <summary class="cursor-pointer text-sm text-fg">"Situation avec un avancement par ligne"</summary>
                <div class="mt-3 space-y-2">
                    <p class="text-sm text-muted">"Avancement cumulé de chaque ligne ; laissez vide une ligne qui n'a pas avancé."</p>
                    {per_line.with_value(|rows| rows.iter().map(|(index, description, value)| {
                        let id = format!("progress-line-{index}");
                        let value = *value;
                        view! {
                            <div class="flex items-center justify-between gap-3">
                                <label for=id.clone() class="min-w-0 flex-1 truncate text-sm text-fg">
                                    {description.clone()}
                                    <span class="sr-only">" — avancement cumulé en %"</span>
                                </label>
                                <input id=id type="text" inputmode="decimal" placeholder="%" autocomplete="off"
                                    class="field-input w-24 rounded-xl px-3 py-2 text-right text-fg"
                                    prop:value=move || value.get()
                                    on:input=move |ev| value.set(event_target_value(&ev)) />
                            </div>
                        }
                    }).collect_view())}
                    <p class="field-error text-sm" role="alert" class:hidden=move || field_error(error, "progress_lines").get().is_none()>
                        {move || field_error(error, "progress_lines").get().unwrap_or_default()}
                    </p>
                    <Button r#type="button" kind=ButtonKind::Secondary busy on_click=Callback::new(situation_lines) testid="invoice-progress-lines">
                        "Situation par ligne"
                    </Button>
                </div>
            </details>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let rows = invoices.await.unwrap_or_default();
                    (!rows.is_empty()).then(|| view! {
                        <ul class="mt-4 divide-y divide-white/10 border-t border-white/10 text-sm" data-testid="quote-invoices">
                            {rows.into_iter().map(|r| {
                                let amount = if r.kind == InvoiceKind::CreditNote { format!("−{}", format_eur(r.total_ttc)) } else { format_eur(r.total_ttc) };
                                view! {
                                    <li class="flex flex-wrap items-center justify-between gap-2 py-2">
                                        <a class="underline" href=format!("/app/invoices/{}", r.id)>
                                            {format!("{} — {}", r.number.clone().unwrap_or_else(|| "Brouillon".into()), r.kind.label())}
                                        </a>
                                        <span class="flex items-center gap-3">
                                            <InvoiceBadge status=r.status />
                                            <span class="tabular-nums text-fg">{amount}</span>
                                        </span>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    })
                })}
            </Transition>
        </GlassCard>
    }
}
