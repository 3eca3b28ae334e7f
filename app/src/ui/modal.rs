//! Dialogs: a centred modal, or a side panel (the deal drawer). Escape and the
//! backdrop close them; focus moves in when they open and back when they close.

use leptos::prelude::*;

/// A modal dialog shown while `open` is true.
#[component]
pub fn Modal(
    /// Shown while true.
    #[prop(into)]
    open: Signal<bool>,
    /// Title (labels the dialog).
    title: Signal<String>,
    /// Called on Escape, backdrop click or the close button.
    on_close: Callback<()>,
    /// A full-height panel on the right instead of a centred box.
    #[prop(optional)]
    side: bool,
    /// Test hook.
    #[prop(optional)]
    testid: &'static str,
    /// Content.
    children: ChildrenFn,
) -> impl IntoView {
    let id = format!("modal-{}", uuid::Uuid::now_v7().simple());
    let title_id = format!("{id}-title");
    let panel = if side {
        "glass-strong fixed inset-y-0 right-0 z-50 flex w-full max-w-lg flex-col overflow-y-auto shadow-2xl sm:rounded-l-3xl"
    } else {
        "glass-strong fixed left-1/2 top-1/2 z-50 max-h-[90dvh] w-[calc(100%-2rem)] max-w-lg -translate-x-1/2 -translate-y-1/2 overflow-y-auto rounded-3xl shadow-2xl"
    };
    let focus_id = id.clone();
    Effect::new(move |was_open: Option<bool>| {
        let now = open.get();
        if now && was_open != Some(true) {
            let id = focus_id.clone();
            request_animation_frame(move || focus_first(&id));
        }
        now
    });
    // Escape closes the dialog wherever the focus is (a re-rendered part of
    // the dialog may have taken the focus with it).
    #[cfg(feature = "hydrate")]
    {
        let handle = window_event_listener(leptos::ev::keydown, move |ev| {
            if ev.key() == "Escape" && open.try_get_untracked() == Some(true) {
                ev.prevent_default();
                on_close.run(());
            }
        });
        on_cleanup(move || handle.remove());
    }
    let children = StoredValue::new(children);
    view! {
        <Show when=move || open.get()>
            <div class="fixed inset-0 z-40 bg-slate-950/60" aria-hidden="true" on:click=move |_| on_close.run(())></div>
            <div
                id=id.clone()
                role="dialog"
                aria-modal="true"
                aria-labelledby=title_id.clone()
                class=panel
                data-testid=testid
                tabindex="-1"
            >
                <div class="sticky top-0 z-10 flex items-center justify-between gap-3 border-b border-line px-5 py-4 glass-strong">
                    <h2 id=title_id.clone() class="min-w-0 truncate text-lg font-semibold text-fg">{move || title.get()}</h2>
                    <button
                        type="button"
                        class="btn rounded-lg p-1.5 text-fg hover:bg-white/10"
                        aria-label="Fermer"
                        on:click=move |_| on_close.run(())
                    >
                        <crate::ui::Icon name=crate::ui::IconName::Close />
                    </button>
                </div>
                <div class="px-5 py-4">{children.with_value(|c| c())}</div>
            </div>
        </Show>
    }
}

/// Focuses the first field (or button) of a dialog.
fn focus_first(id: &str) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        let selector = format!(
            "#{id} [data-autofocus], #{id} input:not([type=hidden]), #{id} textarea, #{id} select, #{id} .px-5 button"
        );
        if let Ok(Some(el)) = document().query_selector(&selector)
            && let Ok(el) = el.dyn_into::<leptos::web_sys::HtmlElement>()
        {
            let _ = el.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}
