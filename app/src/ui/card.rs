//! Glass surfaces and page headings.

use leptos::prelude::*;

/// A frosted-glass card.
#[component]
pub fn GlassCard(
    /// Extra classes.
    #[prop(optional)]
    class: &'static str,
    /// Inner padding (off for edge-to-edge lists).
    #[prop(default = true)]
    padded: bool,
    /// Content.
    children: Children,
) -> impl IntoView {
    let padding = if padded { "p-5 sm:p-6" } else { "" };
    view! { <section class=format!("glass rounded-2xl {padding} {class}")>{children()}</section> }
}

/// The title block of a page, with optional actions on the right.
#[component]
pub fn PageHeader(
    /// Page title (the page's only `h1`).
    title: String,
    /// One line under the title.
    #[prop(optional, into)]
    subtitle: Option<String>,
    /// Actions.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    view! {
        <header class="mb-6 flex flex-wrap items-end justify-between gap-4">
            <div class="min-w-0">
                <h1 class="text-2xl font-bold tracking-tight text-fg sm:text-3xl">{title}</h1>
                {subtitle.map(|s| view! { <p class="mt-1 text-sm text-muted">{s}</p> })}
            </div>
            {children.map(|c| view! { <div class="flex flex-wrap items-center gap-2">{c()}</div> })}
        </header>
    }
}

/// A figure with its label.
#[component]
pub fn StatTile(
    /// What it counts.
    label: &'static str,
    /// The figure, formatted.
    value: String,
    /// Optional detail line.
    #[prop(optional, into)]
    detail: Option<String>,
) -> impl IntoView {
    view! {
        <div class="glass rounded-2xl p-4">
            <p class="text-xs font-medium uppercase tracking-wide text-muted">{label}</p>
            <p class="mt-2 text-2xl font-bold text-fg sm:text-3xl">{value}</p>
            {detail.map(|d| view! { <p class="mt-1 text-xs text-muted">{d}</p> })}
        </div>
    }
}
