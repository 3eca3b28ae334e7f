//! The browser entry point: hydrates the server-rendered page.
#![recursion_limit = "512"]

/// Called by the generated JS once the WASM is loaded.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Pages mark `<body data-hydrated="true">` themselves once their (lazily
    // loaded) code has hydrated: see `app::shell::routes::HydratedMarker`.
    leptos::mount::hydrate_lazy(app::App);
}
