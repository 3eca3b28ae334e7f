//! A signature drawn with a finger, a pen or a mouse: pointer events on a
//! canvas that never scrolls the page while drawing (`touch-action: none`,
//! pointer capture), with undo and clear. The drawing is exported as a PNG
//! data URL when the form is sent.

use super::button::{ButtonKind, button_class};
use leptos::html::Canvas;
use leptos::prelude::*;

/// Strokes drawn so far, each a list of points in CSS pixels.
pub type Strokes = Vec<Vec<(f64, f64)>>;

/// The pad. `strokes` lets the form know whether something was drawn;
/// `canvas` gives it the element to export.
#[component]
pub fn SignaturePad(
    /// What has been drawn.
    strokes: RwSignal<Strokes>,
    /// The canvas element (for the PNG export).
    canvas: NodeRef<Canvas>,
    /// Error under the pad.
    #[prop(into)]
    error: Signal<Option<String>>,
) -> impl IntoView {
    let drawing = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    {
        Effect::new(move |_| {
            if let Some(el) = canvas.get() {
                resize(&el);
                redraw(&el, &strokes.get_untracked());
            }
        });
        Effect::new(move |_| {
            let all = strokes.get();
            if let Some(el) = canvas.get_untracked() {
                redraw(&el, &all);
            }
        });
    }
    let point = move |ev: &leptos::ev::PointerEvent| -> Option<(f64, f64)> {
        #[cfg(feature = "hydrate")]
        {
            let el = canvas.get_untracked()?;
            let rect = el.get_bounding_client_rect();
            Some((ev.client_x() as f64 - rect.left(), ev.client_y() as f64 - rect.top()))
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = ev;
            None
        }
    };
    let on_down = move |ev: leptos::ev::PointerEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        if let Some(el) = canvas.get_untracked() {
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
        if let Some(p) = point(&ev) {
            drawing.set(true);
            strokes.update(|s| s.push(vec![p]));
        }
    };
    let on_move = move |ev: leptos::ev::PointerEvent| {
        if !drawing.get_untracked() {
            return;
        }
        ev.prevent_default();
        if let Some(p) = point(&ev) {
            strokes.update(|s| {
                if let Some(last) = s.last_mut() {
                    last.push(p);
                }
            });
        }
    };
    let on_up = move |_: leptos::ev::PointerEvent| drawing.set(false);
    let empty = move || strokes.with(|s| s.is_empty());
    view! {
        <div class="mb-4">
            <p id="signature-label" class="mb-1.5 block text-sm font-medium text-fg">
                "Votre signature"
            </p>
            <canvas
                node_ref=canvas
                id="f-signature"
                tabindex="0"
                data-testid="signature-pad"
                role="img"
                aria-labelledby="signature-label"
                aria-describedby="signature-help signature-error"
                class="signature-pad block h-44 w-full cursor-crosshair rounded-xl"
                on:pointerdown=on_down
                on:pointermove=on_move
                on:pointerup=on_up
                on:pointercancel=on_up
            ></canvas>
            <div class="mt-2 flex flex-wrap items-center justify-between gap-2">
                <p id="signature-help" class="text-xs text-muted">
                    "Signez avec le doigt, un stylet ou la souris."
                </p>
                <div class="flex gap-2">
                    <button
                        type="button"
                        class=button_class(ButtonKind::Ghost)
                        disabled=empty
                        on:click=move |_| strokes.update(|s| {
                            s.pop();
                        })
                    >
                        "Annuler le trait"
                    </button>
                    <button
                        type="button"
                        class=button_class(ButtonKind::Ghost)
                        disabled=empty
                        on:click=move |_| strokes.set(Vec::new())
                    >
                        "Effacer"
                    </button>
                </div>
            </div>
            <p id="signature-error" class="field-error mt-1 text-sm" class:hidden=move || error.get().is_none()>
                {move || error.get().unwrap_or_default()}
            </p>
        </div>
    }
}

#[cfg(feature = "hydrate")]
fn resize(el: &web_sys::HtmlCanvasElement) {
    let ratio = window().device_pixel_ratio().max(1.0);
    el.set_width((el.client_width() as f64 * ratio) as u32);
    el.set_height((el.client_height() as f64 * ratio) as u32);
}

#[cfg(feature = "hydrate")]
fn redraw(el: &web_sys::HtmlCanvasElement, strokes: &Strokes) {
    use wasm_bindgen::JsCast;
    let Some(ctx) = el
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    let ratio = window().device_pixel_ratio().max(1.0);
    let _ = ctx.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, el.width() as f64, el.height() as f64);
    // Always dark ink on the pad's light paper, whatever the theme: the PNG
    // goes into a white PDF.
    ctx.set_stroke_style_str("#0f172a");
    ctx.set_fill_style_str("#0f172a");
    ctx.set_line_width(2.4);
    ctx.set_line_cap("round");
    ctx.set_line_join("round");
    for stroke in strokes {
        match stroke.as_slice() {
            [] => {}
            [(x, y)] => {
                ctx.begin_path();
                let _ = ctx.arc(*x, *y, 1.4, 0.0, std::f64::consts::TAU);
                ctx.fill();
            }
            [(x0, y0), rest @ ..] => {
                ctx.begin_path();
                ctx.move_to(*x0, *y0);
                for (x, y) in rest {
                    ctx.line_to(*x, *y);
                }
                ctx.stroke();
            }
        }
    }
}

/// The drawing as a PNG data URL (empty outside the browser).
pub fn export_png(canvas: NodeRef<Canvas>) -> String {
    #[cfg(feature = "hydrate")]
    {
        canvas
            .get_untracked()
            .and_then(|el| el.to_data_url_with_type("image/png").ok())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = canvas;
        String::new()
    }
}
