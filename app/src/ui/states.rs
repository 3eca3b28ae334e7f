//! Loading, empty and error states for every list and page.

use crate::error::AppError;
use crate::ui::icons::{Icon, IconName};
use leptos::prelude::*;

/// Skeleton lines while data loads (announced politely).
#[component]
pub fn LoadingState(
    /// What is loading, for screen readers.
    #[prop(default = "Chargement…")]
    label: &'static str,
    /// Skeleton rows.
    #[prop(default = 3)]
    rows: usize,
) -> impl IntoView {
    view! {
        <div role="status" aria-live="polite" class="space-y-3 py-2">
            <span class="sr-only">{label}</span>
            {(0..rows)
                .map(|i| {
                    let width = ["w-full", "w-5/6", "w-2/3", "w-3/4"][i % 4];
                    view! { <div class=format!("skeleton h-4 rounded-lg {width}") aria-hidden="true"></div> }
                })
                .collect_view()}
        </div>
    }
}

/// Nothing to show yet, with what to do about it.
#[component]
pub fn EmptyState(
    /// Icon.
    icon: IconName,
    /// Title.
    title: &'static str,
    /// What to do.
    #[prop(into)]
    message: String,
    /// Optional action.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="flex flex-col items-center px-4 py-10 text-center">
            <span class="mb-3 rounded-2xl bg-white/10 p-3 text-muted">
                <Icon name=icon class="h-7 w-7" />
            </span>
            <p class="text-base font-semibold text-fg">{title}</p>
            <p class="mt-1 max-w-sm text-sm text-muted">{message}</p>
            {children.map(|c| view! { <div class="mt-4">{c()}</div> })}
        </div>
    }
}

/// A failed load, with a retry button when possible.
#[component]
pub fn ErrorState(
    /// The error.
    error: AppError,
    /// Retry callback.
    #[prop(optional)]
    retry: Option<Callback<()>>,
) -> impl IntoView {
    view! {
        <div role="alert" class="alert-danger flex flex-wrap items-center gap-3 rounded-xl px-4 py-3 text-sm">
            <Icon name=IconName::Alert class="h-5 w-5 shrink-0" />
            <span class="flex-1">{error.to_string()}</span>
            {retry
                .map(|cb| {
                    view! {
                        <button
                            type="button"
                            class="inline-flex items-center gap-1 rounded-lg px-2 py-1 font-semibold underline"
                            on:click=move |_| cb.run(())
                        >
                            <Icon name=IconName::Refresh class="h-4 w-4" />
                            "Réessayer"
                        </button>
                    }
                })}
        </div>
    }
}
