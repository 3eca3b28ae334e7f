//! A chart card: the server's SVG drawing first; ECharts (`/vendor/charts.js`,
//! from npm) redraws it interactively from the option built on the server,
//! fetched only when someone points at or touches a chart (or at once
//! when an earlier chart already loaded it). The table under it is the text
//! equivalent.

use crate::dashboard::ChartSpec;
use crate::ui::GlassCard;
use leptos::prelude::*;

/// One chart with its table equivalent.
#[component]
pub fn ChartCard(c: ChartSpec) -> impl IntoView {
    let id = c.id.clone();
    let option = c.option.clone();
    let node = NodeRef::<leptos::html::Div>::new();
    let interactive = RwSignal::new(false);
    Effect::new(move |_| {
        if node.get().is_some() && (interactive.get() || bundle_loaded()) {
            draw(&id, &option);
        }
    });
    // A finger's touch also starts with `pointerenter`. Not on keyboard focus:
    // the chart is hidden from assistive technology, whose users get the table.
    let wake = move || {
        if !interactive.get_untracked() {
            interactive.set(true);
        }
    };
    view! {
        <GlassCard>
            <figure class="m-0" on:pointerenter=move |_| wake()>
                <figcaption class="mb-2 text-sm font-semibold text-fg">{c.title.clone()}</figcaption>
                <div node_ref=node id=c.id.clone() class="h-64 w-full" aria-hidden="true" data-testid="chart" inner_html=c.svg.clone()></div>
                <details class="mt-2 text-sm text-muted">
                    <summary class="cursor-pointer">"Voir les données"</summary>
                    <table class="mt-2 w-full text-left">
                        <caption class="sr-only">{c.title.clone()}</caption>
                        <tbody>
                            {c.table
                                .into_iter()
                                .map(|(k, v)| view! { <tr><th scope="row" class="py-1 pr-2 font-normal">{k}</th><td class="py-1 text-right text-fg">{v}</td></tr> })
                                .collect_view()}
                        </tbody>
                    </table>
                </details>
            </figure>
        </GlassCard>
    }
}

/// Whether the charts bundle is already here (an earlier chart loaded it).
fn bundle_loaded() -> bool {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsValue;
        use leptos::web_sys::js_sys::Reflect;
        Reflect::get(&window(), &JsValue::from_str("comptoirChartsDrain")).is_ok_and(|f| f.is_function())
    }
    #[cfg(not(feature = "hydrate"))]
    false
}

/// Queues a chart and loads the bundle once; the bundle drains the queue.
fn draw(id: &str, option: &str) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::{JsCast, JsValue};
        use leptos::web_sys::js_sys::{Array, Function, Reflect};
        let win = window();
        let key = JsValue::from_str("__comptoirCharts");
        let queue = match Reflect::get(&win, &key).ok().and_then(|q| q.dyn_into::<Array>().ok()) {
            Some(q) => q,
            None => {
                let q = Array::new();
                let _ = Reflect::set(&win, &key, &q);
                q
            }
        };
        queue.push(&Array::of2(&JsValue::from_str(id), &JsValue::from_str(option)));
        if let Ok(drain) = Reflect::get(&win, &JsValue::from_str("comptoirChartsDrain"))
            && let Ok(drain) = drain.dyn_into::<Function>()
        {
            let _ = drain.call0(&JsValue::NULL);
            return;
        }
        let doc = document();
        if doc.get_element_by_id("charts-bundle").is_none()
            && let Ok(script) = doc.create_element("script")
        {
            let _ = script.set_attribute("id", "charts-bundle");
            let _ = script.set_attribute("src", "/vendor/charts.js");
            let _ = script.set_attribute("async", "");
            if let Some(head) = doc.head() {
                let _ = head.append_child(&script);
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (id, option);
}
