//! Pieces the editor, the drawer and the portal share: status badge, body
//! (responsive: cards on phones, a grid from `sm`), totals.

use crate::domain::money::format_eur_exact as format_eur;
use crate::domain::quote_totals::{Deposit, Discount, Totals};
use crate::domain::vat::{format_percent, format_quantity};
use crate::error::FieldErrors;
use crate::quote::{LineInput, QuoteStatus};
use crate::ui::{Badge, GlassCard, Tone};
use leptos::prelude::*;

/// The colour of a status.
pub fn status_tone(status: QuoteStatus) -> Tone {
    match status {
        QuoteStatus::Draft => Tone::Neutral,
        QuoteStatus::Sent => Tone::Info,
        QuoteStatus::Viewed => Tone::Accent,
        QuoteStatus::Signed => Tone::Success,
        QuoteStatus::Declined => Tone::Danger,
        QuoteStatus::Expired => Tone::Warning,
    }
}

/// A quote's status as a badge.
#[component]
pub fn StatusBadge(status: QuoteStatus) -> impl IntoView {
    view! {
        <span data-testid="quote-status" data-status=status.as_str()>
            <Badge tone=status_tone(status)>{status.label()}</Badge>
        </span>
    }
}

fn discount_label(discount: Discount) -> Option<String> {
    match discount {
        Discount::None | Discount::Percent(0) | Discount::Amount(0) => None,
        Discount::Percent(bp) => Some(format!("remise {}", format_percent(bp))),
        Discount::Amount(c) => Some(format!("remise {}", format_eur(c))),
    }
}

/// The body of a quote, read-only.
#[component]
pub fn QuoteBody(lines: Vec<LineInput>, totals: Totals) -> impl IntoView {
    let rows = lines
        .into_iter()
        .enumerate()
        .map(|(i, line)| {
            if line.section {
                let subtotal = totals
                    .sections
                    .iter()
                    .find(|(at, _)| *at == i)
                    .map(|s| s.1)
                    .unwrap_or(0);
                return view! {
                    <li class="mt-3 flex items-baseline justify-between gap-3 border-b border-white/20 pb-1 first:mt-0">
                        <h3 class="text-sm font-semibold text-fg">{line.description.clone()}</h3>
                        <span class="text-xs text-muted">{format!("Sous-total HT {}", format_eur(subtotal))}</span>
                    </li>
                }
                .into_any();
            }
            let net = totals.lines.get(i).copied().flatten().map(|a| a.net).unwrap_or(0);
            let mut detail = format!(
                "{} {} × {} HT · TVA {}",
                format_quantity(line.quantity),
                line.unit.label(),
                format_eur(line.unit_price),
                line.vat.label()
            );
            if let Some(d) = discount_label(line.discount) {
                detail.push_str(&format!(" · {d}"));
            }
            view! {
                <li class="flex items-start justify-between gap-3 py-2">
                    <div class="min-w-0">
                        <p class="whitespace-pre-line text-sm text-fg">{line.description.clone()}</p>
                        <p class="mt-0.5 text-xs text-muted">{detail}</p>
                    </div>
                    <p class="shrink-0 text-sm font-medium tabular-nums text-fg">{format_eur(net)}</p>
                </li>
            }
            .into_any()
        })
        .collect_view();
    view! { <ul class="divide-y divide-white/10">{rows}</ul> }
}

/// Totals HT, VAT per rate, TTC, deposit.
#[component]
pub fn QuoteTotals(totals: Totals, deposit: Deposit) -> impl IntoView {
    let mut rows: Vec<(String, String, bool)> = Vec::new();
    if totals.discounts > 0 {
        rows.push(("Remises".into(), format!("−{}", format_eur(totals.discounts)), false));
    }
    rows.push(("Total HT".into(), format_eur(totals.total_ht), false));
    for v in &totals.vat {
        rows.push((format!("TVA {}", v.rate.label()), format_eur(v.vat), false));
    }
    rows.push(("Total TTC".into(), format_eur(totals.total_ttc), true));
    if deposit != Deposit::None {
        rows.push(("Acompte à la signature".into(), format_eur(totals.deposit), false));
        rows.push(("Solde".into(), format_eur(totals.balance), false));
    }
    view! {
        <dl class="mt-4 ml-auto max-w-xs space-y-1 border-t border-white/20 pt-3" data-testid="quote-totals">
            {rows
                .into_iter()
                .map(|(label, value, strong)| {
                    let class = if strong { "text-base font-bold" } else { "text-sm" };
                    view! {
                        <div class=format!("flex justify-between gap-4 text-fg {class}")>
                            <dt>{label}</dt>
                            <dd class="tabular-nums">{value}</dd>
                        </div>
                    }
                })
                .collect_view()}
        </dl>
    }
}

/// The message of a field in the editor's combined errors.
pub fn message(errors: Memo<FieldErrors>, field: String) -> Signal<Option<String>> {
    Signal::derive(move || errors.with(|e| e.get(&field).map(str::to_string)))
}

/// A glass card with a heading (the editor's sections).
#[component]
pub fn EditorCard(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <GlassCard class="mb-4">
            <h2 class="mb-4 text-lg font-semibold text-fg">{title}</h2>
            {children()}
        </GlassCard>
    }
}
