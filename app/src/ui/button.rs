//! Buttons and button-looking links.

use leptos::prelude::*;

/// Visual weight of a button.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ButtonKind {
    /// Blue → violet gradient: the main action of a view.
    #[default]
    Primary,
    /// Glass: secondary actions.
    Secondary,
    /// Red: destructive actions.
    Danger,
    /// Text only.
    Ghost,
}

/// Classes of a button of `kind`.
pub fn button_class(kind: ButtonKind) -> &'static str {
    match kind {
        ButtonKind::Primary => {
            "btn inline-flex items-center justify-center gap-2 rounded-xl px-4 py-2.5 text-sm font-semibold text-white \
             bg-gradient-to-r from-blue-600 to-violet-600 shadow-lg shadow-indigo-900/20 hover:from-blue-500 \
             hover:to-violet-500 disabled:opacity-60 disabled:cursor-not-allowed transition"
        }
        ButtonKind::Secondary => {
            "btn inline-flex items-center justify-center gap-2 rounded-xl px-4 py-2.5 text-sm font-semibold text-fg \
             glass hover:bg-white/20 disabled:opacity-60 disabled:cursor-not-allowed transition"
        }
        ButtonKind::Danger => {
            "btn inline-flex items-center justify-center gap-2 rounded-xl px-4 py-2.5 text-sm font-semibold text-white \
             bg-red-700 hover:bg-red-600 disabled:opacity-60 disabled:cursor-not-allowed transition"
        }
        ButtonKind::Ghost => {
            "btn inline-flex items-center justify-center gap-2 rounded-xl px-3 py-2 text-sm font-medium text-fg \
             hover:bg-white/10 disabled:opacity-60 transition"
        }
    }
}

/// A button; shows a spinner and is disabled while `busy`.
#[component]
pub fn Button(
    /// Visual weight.
    #[prop(optional)]
    kind: ButtonKind,
    /// `submit` or `button`.
    #[prop(default = "submit")]
    r#type: &'static str,
    /// Busy state (an action in flight).
    #[prop(optional, into)]
    busy: Signal<bool>,
    /// Extra classes.
    #[prop(optional)]
    class: &'static str,
    /// Click handler.
    #[prop(optional)]
    on_click: Option<Callback<()>>,
    /// Test hook.
    #[prop(optional)]
    testid: Option<&'static str>,
    /// A toggle's state (`aria-pressed`), for buttons that are one.
    #[prop(optional)]
    pressed: Option<bool>,
    /// Label.
    children: Children,
) -> impl IntoView {
    view! {
        <button
            type=r#type
            aria-pressed=pressed.map(|p| if p { "true" } else { "false" })
            class=format!("{} {class}", button_class(kind))
            disabled=move || busy.get()
            aria-busy=move || if busy.get() { "true" } else { "false" }
            data-testid=testid
            on:click=move |_| {
                if let Some(cb) = on_click {
                    cb.run(());
                }
            }
        >
            <Show when=move || busy.get()>
                <span
                    class="h-4 w-4 animate-spin rounded-full border-2 border-current border-t-transparent"
                    aria-hidden="true"
                ></span>
            </Show>
            {children()}
        </button>
    }
}

/// A link styled as a button.
#[component]
pub fn LinkButton(
    /// Target.
    href: String,
    /// Visual weight.
    #[prop(optional)]
    kind: ButtonKind,
    /// Extra classes.
    #[prop(optional)]
    class: &'static str,
    /// Label.
    children: Children,
) -> impl IntoView {
    view! {
        <a href=href class=format!("{} {class}", button_class(kind))>
            {children()}
        </a>
    }
}
