//! The logo printed in the header of every quote PDF.

use crate::error::AppError;
use crate::quote::api::upload_logo;
use crate::ui::{ButtonKind, GlassCard, button_class, use_toasts};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Upload (PNG or JPEG, 500 KB at most) or remove the logo.
#[component]
pub fn LogoCard(has_logo: bool) -> impl IntoView {
    let stored = RwSignal::new(has_logo);
    let preview = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let toasts = use_toasts();
    let send = move |image: String| {
        busy.set(true);
        let removing = image.is_empty();
        spawn_local(async move {
            match upload_logo(image.clone()).await {
                Ok(s) => {
                    stored.set(s.has_logo);
                    preview.set((!removing).then_some(image));
                    error.set(None);
                    toasts.success(if removing { "Logo retiré." } else { "Logo enregistré." });
                }
                Err(AppError::Validation(f)) => error.set(f.get("logo").map(str::to_string)),
                Err(e) => error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };
    let on_change = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            use wasm_bindgen::closure::Closure;
            let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
                return;
            };
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            if file.size() > 500_000.0 {
                error.set(Some("Le logo ne doit pas dépasser 500 Ko.".into()));
                return;
            }
            let Ok(reader) = web_sys::FileReader::new() else { return };
            let done = reader.clone();
            let onload = Closure::once_into_js(move || {
                if let Some(url) = done.result().ok().and_then(|r| r.as_string()) {
                    send(url);
                }
            });
            reader.set_onload(Some(onload.unchecked_ref()));
            let _ = reader.read_as_data_url(&file);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, send);
    };
    view! {
        <GlassCard class="mt-4">
            <h2 class="mb-2 text-lg font-semibold text-fg">"Logo"</h2>
            <p class="mb-3 text-sm text-muted">
                {move || if stored.get() { "Un logo est enregistré : il figure en tête de vos devis." } else { "Aucun logo : le nom de l'entreprise figure en tête de vos devis." }}
            </p>
            {move || preview.get().map(|src| view! { <img src=src alt="Aperçu du logo" class="mb-3 h-14 w-auto rounded bg-white p-1" /> })}
            <label for="f-logo" class="block text-sm font-medium text-fg">"Choisir une image (PNG ou JPEG, 500 Ko au plus)"</label>
            <input
                id="f-logo"
                type="file"
                accept="image/png,image/jpeg"
                class="mt-1.5 block w-full text-sm text-fg"
                aria-describedby="f-logo-error"
                disabled=move || busy.get()
                on:change=on_change
            />
            <p id="f-logo-error" class="field-error mt-1 text-sm" role="alert">{move || error.get().unwrap_or_default()}</p>
            <Show when=move || stored.get()>
                <button type="button" class=button_class(ButtonKind::Ghost) on:click=move |_| send(String::new())>
                    "Retirer le logo"
                </button>
            </Show>
        </GlassCard>
    }
}
