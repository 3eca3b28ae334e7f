//! Small coloured labels.

use leptos::prelude::*;

/// Colour of a badge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Tone {
    /// Neutral.
    #[default]
    Neutral,
    /// Blue.
    Info,
    /// Green.
    Success,
    /// Amber.
    Warning,
    /// Red.
    Danger,
    /// Violet.
    Accent,
}

fn tone_class(tone: Tone) -> &'static str {
    match tone {
        Tone::Neutral => "badge-neutral",
        Tone::Info => "badge-info",
        Tone::Success => "badge-success",
        Tone::Warning => "badge-warning",
        Tone::Danger => "badge-danger",
        Tone::Accent => "badge-accent",
    }
}

/// A pill label.
#[component]
pub fn Badge(
    /// Colour.
    #[prop(optional)]
    tone: Tone,
    /// Text.
    children: Children,
) -> impl IntoView {
    view! {
        <span class=format!(
            "inline-flex items-center gap-1 rounded-full px-2.5 py-0.5 text-xs font-semibold whitespace-nowrap {}",
            tone_class(tone),
        )>{children()}</span>
    }
}
