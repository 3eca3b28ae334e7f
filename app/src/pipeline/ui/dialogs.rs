//! Confirmations asked before a card closes: why it was lost, and whether it
//! is really won (winning closes the lead's other deals and opens a job).

use super::state::Slot;
use crate::domain::DealId;
use crate::ui::{Button, ButtonKind, Modal};
use leptos::prelude::*;

/// A move waiting for the user's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PendingMove {
    /// The card.
    pub card: DealId,
    /// Where it was.
    pub from: Slot,
    /// Where it goes.
    pub to: Slot,
}

/// Asks why a deal is lost.
#[component]
pub fn LostDialog(
    pending: RwSignal<Option<PendingMove>>,
    reasons: Vec<String>,
    on_confirm: Callback<(PendingMove, String)>,
) -> impl IntoView {
    let choice = RwSignal::new(String::new());
    let other = RwSignal::new(String::new());
    let error = RwSignal::new(None::<&'static str>);
    let close = Callback::new(move |_| {
        pending.set(None);
        choice.set(String::new());
        other.set(String::new());
        error.set(None);
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let reason = if choice.get_untracked() == "other" {
            other.get_untracked()
        } else {
            choice.get_untracked()
        };
        if reason.trim().is_empty() {
            error.set(Some("Choisissez ou écrivez une raison."));
            return;
        }
        if let Some(p) = pending.get_untracked() {
            on_confirm.run((p, reason.trim().to_string()));
        }
        close.run(());
    };
    let reasons = StoredValue::new(reasons);
    view! {
        <Modal
            open=Signal::derive(move || pending.get().is_some())
            title=Signal::derive(|| "Pourquoi cette affaire est-elle perdue ?".to_string())
            on_close=close
            testid="lost-dialog"
        >
            <form on:submit=submit novalidate>
                <fieldset aria-describedby="lost-reason-error">
                    <legend class="sr-only">"Raison de la perte"</legend>
                    <div class="space-y-2">
                        {reasons
                            .get_value()
                            .into_iter()
                            .enumerate()
                            .map(|(i, r)| {
                                let id = format!("lost-reason-{i}");
                                let label_for = id.clone();
                                let value = r.clone();
                                let chosen = r.clone();
                                view! {
                                    <label for=label_for class="pack-option glass flex cursor-pointer items-center gap-3 rounded-xl px-3 py-2.5 text-sm text-fg">
                                        <input
                                            id=id
                                            type="radio"
                                            name="lost_reason"
                                            class="h-4 w-4 accent-indigo-500"
                                            prop:checked=move || choice.get() == value
                                            on:change=move |_| {
                                                choice.set(chosen.clone());
                                                error.set(None);
                                            }
                                        />
                                        {r.clone()}
                                    </label>
                                }
                            })
                            .collect_view()}
                        <label for="lost-reason-other" class="pack-option glass flex cursor-pointer items-center gap-3 rounded-xl px-3 py-2.5 text-sm text-fg">
                            <input
                                id="lost-reason-other"
                                type="radio"
                                name="lost_reason"
                                class="h-4 w-4 accent-indigo-500"
                                prop:checked=move || choice.get() == "other"
                                on:change=move |_| choice.set("other".into())
                            />
                            "Autre raison"
                        </label>
                    </div>
                    <Show when=move || choice.get() == "other">
                        <label for="lost-reason-text" class="mt-3 block text-sm font-medium text-fg">"Précisez"</label>
                        <input
                            id="lost-reason-text"
                            class="field-input mt-1.5 block w-full rounded-xl px-3.5 py-2.5 text-sm text-fg"
                            maxlength="200"
                            prop:value=move || other.get()
                            on:input=move |ev| {
                                other.set(event_target_value(&ev));
                                error.set(None);
                            }
                        />
                    </Show>
                    <p id="lost-reason-error" class="field-error mt-2 text-sm" role="alert">{move || error.get()}</p>
                </fieldset>
                <div class="mt-5 flex justify-end gap-2">
                    <Button kind=ButtonKind::Ghost r#type="button" on_click=close>"Annuler"</Button>
                    <Button kind=ButtonKind::Danger testid="confirm-lost">"Marquer perdue"</Button>
                </div>
            </form>
        </Modal>
    }
}

/// Confirms a win.
#[component]
pub fn WonDialog(pending: RwSignal<Option<PendingMove>>, on_confirm: Callback<PendingMove>) -> impl IntoView {
    let close = Callback::new(move |_| pending.set(None));
    let confirm = Callback::new(move |_| {
        if let Some(p) = pending.get_untracked() {
            on_confirm.run(p);
        }
        pending.set(None);
    });
    view! {
        <Modal
            open=Signal::derive(move || pending.get().is_some())
            title=Signal::derive(|| "Affaire gagnée ?".to_string())
            on_close=close
            testid="won-dialog"
        >
            <p class="text-sm text-fg">
                "Le client a accepté. Les autres affaires de la même demande seront marquées perdues et un chantier sera ouvert."
            </p>
            <div class="mt-5 flex justify-end gap-2">
                <Button kind=ButtonKind::Ghost r#type="button" on_click=close>"Annuler"</Button>
                <Button r#type="button" on_click=confirm testid="confirm-won">"Confirmer"</Button>
            </div>
        </Modal>
    }
}
