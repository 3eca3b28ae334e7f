//! KPI tiles: `data-testid="kpi"`, `data-kpi` = key, `data-value` = raw number.

use crate::domain::kpi::{Badge as RateBadge, Kpi};
use crate::ui::{Badge, Tone};
use leptos::prelude::*;

/// A grid of tiles.
#[component]
pub fn KpiGrid(kpis: Vec<Kpi>) -> impl IntoView {
    view! {
        <div class="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-4">
            {kpis.into_iter().map(|k| view! { <KpiTile k /> }).collect_view()}
        </div>
    }
}

/// One KPI.
#[component]
pub fn KpiTile(k: Kpi) -> impl IntoView {
    let raw = k
        .value
        .map(|v| format!("{}", (v * 1_000_000.0).round() / 1_000_000.0))
        .unwrap_or_default();
    let shown = k.display();
    let badge = k.badge.map(|b| {
        let tone = match b {
            RateBadge::Excellent => Tone::Success,
            RateBadge::Good => Tone::Warning,
            RateBadge::ToImprove => Tone::Danger,
        };
        view! { <Badge tone>{b.label()}</Badge> }
    });
    let bar = (k.unit == crate::domain::kpi::Unit::Percent && k.section == 2).then(|| {
        let width = format!("width: {:.1}%", k.value.unwrap_or(0.0).clamp(0.0, 100.0));
        view! {
            <div class="mt-3 h-1.5 rounded-full bg-white/10" aria-hidden="true">
                <div class="h-1.5 rounded-full bg-gradient-to-r from-blue-500 to-violet-500" style=width></div>
            </div>
        }
    });
    view! {
        <div class="glass flex min-w-0 flex-col rounded-2xl p-4" data-testid="kpi" data-kpi=k.key.clone() data-value=raw>
            <div class="flex items-start justify-between gap-2">
                <p class="text-xs font-medium uppercase tracking-wide text-muted">{k.label.clone()}</p>
                {badge}
            </div>
            <p class="mt-2 truncate text-2xl font-bold text-fg sm:text-3xl">{shown}</p>
            {bar}
            {k.detail.clone().map(|d| view! { <p class="mt-1 text-xs text-muted">{d}</p> })}
            {k.estimate.clone().map(|e| view! { <p class="mt-1 text-xs italic text-muted">{e}</p> })}
        </div>
    }
}
