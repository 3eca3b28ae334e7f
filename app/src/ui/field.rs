//! Labelled inputs with inline errors (`aria-invalid`, `aria-describedby`).

use leptos::prelude::*;

const INPUT: &str = "field-input mt-1.5 block w-full rounded-xl px-3.5 py-2.5 text-base text-fg sm:text-sm \
                     placeholder:text-muted/70 transition";

/// A text input with its label, hint and error.
#[component]
pub fn TextField(
    /// Visible label.
    label: &'static str,
    /// Form field name (matches the server function argument).
    name: &'static str,
    /// Value.
    value: RwSignal<String>,
    /// Message to show under the field.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// HTML input type.
    #[prop(default = "text")]
    kind: &'static str,
    /// Help under the field.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// `autocomplete` attribute.
    #[prop(optional)]
    autocomplete: Option<&'static str>,
    /// Placeholder.
    #[prop(optional)]
    placeholder: Option<&'static str>,
    /// Mark as required.
    #[prop(optional)]
    required: bool,
    /// `inputmode` attribute.
    #[prop(optional)]
    inputmode: Option<&'static str>,
    /// Called on every input (to clear the field's error).
    #[prop(optional)]
    on_input: Option<Callback<()>>,
) -> impl IntoView {
    let id = format!("f-{name}");
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = {
        let error_id = error_id.clone();
        let hint_id = hint_id.clone();
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="mb-4">
            <label for=id.clone() class="block text-sm font-medium text-fg">
                {label}
                {required.then(|| view! { <span class="text-muted" aria-hidden="true">" *"</span> })}
            </label>
            <input
                id=id
                name=name
                type=kind
                class=INPUT
                autocomplete=autocomplete
                placeholder=placeholder
                inputmode=inputmode
                aria-required=required.then_some("true")
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                aria-describedby=described
                prop:value=move || value.get()
                on:input=move |ev| {
                    value.set(event_target_value(&ev));
                    if let Some(cb) = on_input {
                        cb.run(());
                    }
                }
            />
            {hint.map(|h| view! { <p id=hint_id.clone() class="mt-1 text-xs text-muted">{h}</p> })}
            <p id=error_id class="field-error mt-1 text-sm" class:hidden=move || error.get().is_none()>
                {move || error.get().unwrap_or_default()}
            </p>
        </div>
    }
}

/// A select with its label and error.
#[component]
pub fn SelectField(
    /// Visible label.
    label: &'static str,
    /// Form field name.
    name: &'static str,
    /// Selected value.
    value: RwSignal<String>,
    /// `(value, label)` options.
    options: Vec<(String, String)>,
    /// Message to show under the field.
    #[prop(into)]
    error: Signal<Option<String>>,
) -> impl IntoView {
    let id = format!("f-{name}");
    let error_id = format!("{id}-error");
    view! {
        <div class="mb-4">
            <label for=id.clone() class="block text-sm font-medium text-fg">
                {label}
            </label>
            <select
                id=id
                name=name
                class=INPUT
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                aria-describedby=error_id.clone()
                on:change=move |ev| value.set(event_target_value(&ev))
            >
                {options
                    .into_iter()
                    .map(|(v, l)| {
                        let selected = {
                            let v = v.clone();
                            move || value.get() == v
                        };
                        view! {
                            <option value=v selected=selected>
                                {l}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <p id=error_id class="field-error mt-1 text-sm" class:hidden=move || error.get().is_none()>
                {move || error.get().unwrap_or_default()}
            </p>
        </div>
    }
}

/// A checkbox with its label (the label may hold links) and error.
#[component]
pub fn Checkbox(
    /// Form field name.
    name: &'static str,
    /// Checked state.
    checked: RwSignal<bool>,
    /// Message to show under the field.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// Label content.
    children: Children,
) -> impl IntoView {
    let id = format!("f-{name}");
    let error_id = format!("{id}-error");
    view! {
        <div class="mb-4">
            <div class="flex items-start gap-3">
                <input
                    id=id.clone()
                    name=name
                    type="checkbox"
                    value="on"
                    class="mt-0.5 h-5 w-5 shrink-0 rounded accent-indigo-500"
                    aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                    aria-describedby=error_id.clone()
                    prop:checked=move || checked.get()
                    on:change=move |ev| checked.set(event_target_checked(&ev))
                />
                <label for=id class="text-sm text-fg">
                    {children()}
                </label>
            </div>
            <p id=error_id class="field-error mt-1 text-sm" class:hidden=move || error.get().is_none()>
                {move || error.get().unwrap_or_default()}
            </p>
        </div>
    }
}
