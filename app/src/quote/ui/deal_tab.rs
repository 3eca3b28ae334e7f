//! The quotes of a deal, in the deal drawer, with "Créer un devis".

use super::parts::StatusBadge;
use crate::domain::DealId;
use crate::domain::money::format_eur;
use crate::quote::api::deal_quotes;
use crate::ui::{ButtonKind, button_class};
use leptos::prelude::*;

/// The drawer's quote section.
#[component]
pub fn DealQuotes(deal_id: DealId, can_work: bool) -> impl IntoView {
    let quotes = LocalResource::new(move || deal_quotes(deal_id));
    view! {
        <section aria-labelledby="deal-quotes-title" data-testid="deal-quotes">
            <div class="mb-2 flex items-center justify-between gap-2">
                <h3 id="deal-quotes-title" class="text-sm font-semibold text-fg">"Devis"</h3>
                {can_work.then(|| view! {
                    <a href=format!("/app/quotes/new?deal={deal_id}") class=button_class(ButtonKind::Secondary) data-testid="new-deal-quote">
                        "Créer un devis"
                    </a>
                })}
            </div>
            <Transition fallback=|| view! { <p class="text-sm text-muted">"Chargement…"</p> }>
                {move || {
                    let rows = quotes.get().and_then(|r| r.ok()).unwrap_or_default();
                    if rows.is_empty() {
                        return view! { <p class="text-sm text-muted">"Aucun devis pour cette affaire."</p> }.into_any();
                    }
                    view! {
                        <ul class="divide-y divide-line">
                            {rows.into_iter().map(|q| view! {
                                <li>
                                    <a href=format!("/app/quotes/{}", q.id) class="flex items-center justify-between gap-2 py-2 text-sm hover:bg-white/5">
                                        <span class="min-w-0 truncate text-fg">
                                            {q.number.clone().unwrap_or_else(|| "Brouillon".into())}
                                        </span>
                                        <StatusBadge status=q.status />
                                        <span class="tabular-nums text-fg">{format_eur(q.total_ttc)}</span>
                                    </a>
                                </li>
                            }).collect_view()}
                        </ul>
                    }
                    .into_any()
                }}
            </Transition>
        </section>
    }
}
