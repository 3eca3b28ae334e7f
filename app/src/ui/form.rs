//! Form error plumbing: one `RwSignal<Option<AppError>>` per form feeds the
//! inline field messages and the form-level alert.

use crate::error::AppError;
use crate::ui::icons::{Icon, IconName};
use leptos::prelude::*;

/// The message of one field, from the form's error.
pub fn field_error(error: RwSignal<Option<AppError>>, field: &'static str) -> Signal<Option<String>> {
    Signal::derive(move || error.with(|e| e.as_ref().and_then(|e| e.field_message(field))))
}

/// Forgets the message of one field (called when the user edits it).
pub fn clear_field(error: RwSignal<Option<AppError>>, field: &'static str) {
    let has = error.with_untracked(|e| e.as_ref().and_then(|e| e.field_message(field)).is_some());
    if has {
        error.update(|e| {
            if let Some(AppError::Validation(fields)) = e {
                fields.0.retain(|f| f.field != field);
                if fields.is_empty() {
                    *e = None;
                }
            }
        });
    }
}

/// Errors that belong to no field, announced to screen readers.
#[component]
pub fn FormAlert(
    /// The form's error.
    error: RwSignal<Option<AppError>>,
) -> impl IntoView {
    let message = move || {
        error.with(|e| match e {
            None => None,
            Some(AppError::Validation(_)) => Some("Certains champs sont à corriger.".to_string()),
            Some(other) => Some(other.to_string()),
        })
    };
    view! {
        <div role="alert" aria-live="assertive">
            {move || {
                message()
                    .map(|m| {
                        view! {
                            <p class="alert-danger mb-4 flex items-start gap-2 rounded-xl px-3 py-2.5 text-sm">
                                <Icon name=IconName::Alert class="mt-0.5 h-4 w-4 shrink-0" />
                                <span>{m}</span>
                            </p>
                        }
                    })
            }}
        </div>
    }
}

/// Moves keyboard focus to the first invalid field, so keyboard and screen
/// reader users land on what needs fixing.
pub fn focus_first_error(errors: &crate::error::FieldErrors) {
    #[cfg(feature = "hydrate")]
    if let Some(first) = errors.0.first() {
        use wasm_bindgen::JsCast;
        if let Some(el) = document().get_element_by_id(&format!("f-{}", first.field))
            && let Ok(el) = el.dyn_into::<web_sys::HtmlElement>()
        {
            let _ = el.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = errors;
}

/// Full page navigation (after sign-in, sign-out or a workspace switch every
/// piece of data changes, so the page starts over).
pub fn go(url: &str) {
    #[cfg(feature = "hydrate")]
    {
        let _ = window().location().set_href(url);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = url;
}

/// Sends a server action's outcome where it belongs: a failure to the form's
/// error (inline field messages, focus on the first invalid field), a success
/// to `on_ok`.
pub fn on_result<S>(action: ServerAction<S>, error: RwSignal<Option<AppError>>, on_ok: impl Fn(S::Output) + 'static)
where
    S: server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Effect::new(move |_| match action.value().get() {
        Some(Ok(value)) => on_ok(value),
        Some(Err(e)) => {
            if let AppError::Validation(fields) = &e {
                focus_first_error(fields);
            }
            error.set(Some(e));
        }
        None => {}
    });
}
