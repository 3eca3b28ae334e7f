//! A card of the board.

use super::dnd::Dnd;
use crate::domain::money;
use crate::domain::scores::Temperature;
use crate::pipeline::DealCard;
use leptos::prelude::*;

/// Classes of a score badge.
pub fn temperature_class(t: Temperature) -> &'static str {
    match t {
        Temperature::Hot => "badge-danger",
        Temperature::Warm => "badge-warning",
        Temperature::Cold => "badge-info",
    }
}

/// Initials of a name ("Karim Benali" → "KB").
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .collect::<String>()
        .to_uppercase()
}

/// One deal on the board: keyboard-focusable, draggable, opens the drawer.
#[component]
pub fn DealCardView(card: DealCard, dnd: Dnd) -> impl IntoView {
    let id = card.id;
    let dragging = move || dnd.dragging.get() == Some(id);
    let lifted = move || dnd.lifted.get().is_some_and(|(c, _)| c == id);
    let place = [card.city.clone(), Some(card.trade.clone())]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
    // A demand without a budget has no value yet: it is to be quoted.
    let value = if card.value_cents == 0 {
        "à chiffrer".to_string()
    } else {
        money::format_eur_short(card.value_cents)
    };
    // The accessible name comes from the content (no aria-label, so that it
    // always contains the visible text, WCAG 2.5.3); hidden words make the
    // badges and the layout read as a sentence.
    let score_words = format!(", score {} {}, ", card.score, card.temperature.label().to_lowercase());
    view! {
        <div
            data-testid="deal-card"
            data-deal-id=id.to_string()
            tabindex="0"
            role="button"
            aria-roledescription="carte déplaçable"
            aria-describedby="board-help"
            data-score=card.score.to_string()
            class="deal-card glass rounded-xl p-3 text-left"
            class:drag-source=dragging
            class:is-lifted=lifted
            on:keydown=move |ev| dnd.key_down(ev, id)
        >
            <div class="flex items-start justify-between gap-2">
                <p class="min-w-0 truncate text-sm font-semibold text-fg">{card.contact_name.clone()}</p>
                <span
                    class=format!(
                        "shrink-0 rounded-full px-2 py-0.5 text-[11px] font-bold {}",
                        temperature_class(card.temperature),
                    )
                    aria-hidden="true"
                >
                    {card.score}
                </span>
                <span class="sr-only">{score_words}</span>
            </div>
            <p class="mt-0.5 truncate text-xs text-muted">{place}</p>
            {card.lost_reason.clone().map(|r| view! { <p class="mt-1 truncate text-xs text-muted italic">{r}</p> })}
            <div class="mt-2 flex items-center justify-between gap-2 text-xs">
                <span class="text-muted">
                    <span class="sr-only">", "</span>
                    {card.age.clone()}
                    <span class="sr-only">", "</span>
                </span>
                <span class="flex items-center gap-1.5">
                    <span class="font-semibold text-fg">{value}</span>
                    {card
                        .owner_name
                        .clone()
                        .map(|n| {
                            view! {
                                <span
                                    class="flex h-5 w-5 items-center justify-center rounded-full bg-gradient-to-br from-blue-600 to-violet-600 text-[9px] font-bold text-white"
                                    title=n.clone()
                                    aria-hidden="true"
                                >
                                    {initials(&n)}
                                </span>
                                <span class="sr-only">{format!(", responsable {n}")}</span>
                            }
                        })}
                </span>
            </div>
        </div>
    }
}
