//! Dark (default) and light themes. The choice lives in a cookie so the server
//! renders the right class and the page never flashes.

use crate::ui::{Icon, IconName};
use leptos::prelude::*;

/// Whether the document starts dark (server: from the cookie; browser: unused).
pub fn initial_dark() -> bool {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|p| crate::infra::request::cookie(&p, crate::infra::request::THEME_COOKIE))
            .is_none_or(|v| v != "light")
    }
    #[cfg(not(feature = "ssr"))]
    {
        true
    }
}

/// Switches theme. Both icons are rendered and CSS shows the right one, so the
/// server and the browser agree without knowing the theme.
#[component]
pub fn ThemeToggle(
    /// Extra classes.
    #[prop(optional)]
    class: &'static str,
) -> impl IntoView {
    let toggle = move |_| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let document = document();
            if let Some(root) = document.document_element() {
                let dark = root.class_list().toggle("dark").unwrap_or(true);
                let value = if dark { "dark" } else { "light" };
                if let Ok(html) = document.dyn_into::<web_sys::HtmlDocument>() {
                    let _ = html.set_cookie(&format!(
                        "comptoir_theme={value}; Path=/; Max-Age=31536000; SameSite=Lax"
                    ));
                }
            }
        }
    };
    view! {
        <button
            type="button"
            class=format!("btn inline-flex items-center gap-3 rounded-xl px-3 py-2 text-sm font-medium text-fg hover:bg-white/10 {class}")
            on:click=toggle
            data-testid="theme-toggle"
        >
            <span class="hidden dark:inline">
                <Icon name=IconName::Sun />
            </span>
            <span class="dark:hidden">
                <Icon name=IconName::Moon />
            </span>
            <span class="hidden dark:inline">"Thème clair"</span>
            <span class="dark:hidden">"Thème sombre"</span>
        </button>
    }
}
