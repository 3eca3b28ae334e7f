//! Frame of the pages seen before signing in: a centred glass card.

use super::theme::ThemeToggle;
use leptos::prelude::*;

/// A centred card with the logo, a title and the page's content.
#[component]
pub fn AuthFrame(
    /// Heading.
    title: &'static str,
    /// One line under the heading.
    #[prop(optional)]
    subtitle: Option<&'static str>,
    /// Wider card (sign-up).
    #[prop(optional)]
    wide: bool,
    /// Content.
    children: Children,
) -> impl IntoView {
    let width = if wide { "max-w-2xl" } else { "max-w-md" };
    view! {
        <div class="flex min-h-dvh flex-col">
            <header class="flex items-center justify-between px-4 py-4 sm:px-8">
                <a href="/" class="flex items-center gap-2 text-lg font-bold text-fg">
                    <img src="/icons/icon.svg" alt="" class="h-8 w-8" width="32" height="32" />
                    "Comptoir"
                </a>
                <ThemeToggle />
            </header>
            <main id="main" class="flex flex-1 items-start justify-center px-4 pb-12 pt-4 sm:items-center sm:pt-0">
                <div class=format!("glass w-full {width} rounded-3xl p-6 shadow-2xl sm:p-8")>
                    <h1 class="text-2xl font-bold tracking-tight text-fg">{title}</h1>
                    {subtitle.map(|s| view! { <p class="mt-1 mb-6 text-sm text-muted">{s}</p> })}
                    {subtitle.is_none().then(|| view! { <div class="mb-6"></div> })}
                    {children()}
                </div>
            </main>
            <footer class="px-4 pb-6 text-center text-xs text-muted">
                <a href="/confidentialite" class="underline-offset-2 hover:underline">
                    "Confidentialité et données personnelles"
                </a>
            </footer>
        </div>
    }
}
