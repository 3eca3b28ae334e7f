//! `/app/quotes/new` and `/app/quotes/:id`: the editor with live totals (the
//! same `domain::quote_totals::compute` as the server), autosave, the legal
//! check and sending; a sent quote is shown read-only.

use super::client::ClientCard;
use super::lines::LinesCard;
use super::readonly::SentQuote;
use super::state::EditorState;
use super::terms::TermsCard;
use crate::domain::quote_check::Missing;
use crate::domain::{DealId, QuoteId};
use crate::error::AppError;
use crate::quote::api::{create_quote, fetch_quote, new_quote_draft, save_quote, send_quote};
use crate::quote::{QuoteDraft, QuoteView};
use crate::ui::{Button, ButtonKind, ErrorState, LoadingState, PageHeader, go};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use std::time::Duration;

/// The editor page (new or existing quote).
#[component]
pub fn QuoteEditorPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<QuoteId>().ok()));
    let deal = move || query.with(|q| q.get("deal").and_then(|d| d.parse::<DealId>().ok()));
    // Loaded in the browser only: the editor is rendered by the client, never
    // hydrated (its many inputs and browser-only resources made server and
    // client markup drift apart).
    let loaded = LocalResource::new(move || {
        let (id, deal) = (id(), deal());
        async move {
            match id {
                Some(id) => fetch_quote(id).await.map(|v| Loaded::Existing(Box::new(v))),
                None => new_quote_draft(deal).await.map(|d| Loaded::New(Box::new(d))),
            }
        }
    });
    let mounted = RwSignal::new(false);
    Effect::new(move |_| mounted.set(true));
    view! {
        <Title text="Devis" />
        <Show when=move || mounted.get() fallback=|| view! { <LoadingState rows=8 /> }>
        <Suspense fallback=|| view! { <LoadingState rows=8 /> }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Err(error) => view! { <ErrorState error /> }.into_any(),
                    Ok(Loaded::New(draft)) => view! { <Editor id=None draft=*draft missing=Vec::new() /> }.into_any(),
                    Ok(Loaded::Existing(view)) if view.editable => {
                        view! { <Editor id=Some(view.id) draft=view.draft.clone() missing=view.missing.clone() /> }.into_any()
                    }
                    Ok(Loaded::Existing(view)) => view! { <SentQuote view=*view /> }.into_any(),
                }
            })}
        </Suspense>
        </Show>
    }
}

#[derive(Clone, serde::Serialize, serde::Deserialize)]
enum Loaded {
    New(Box<QuoteDraft>),
    Existing(Box<QuoteView>),
}

/// Where the autosave stands.
#[derive(Clone, Debug, PartialEq)]
enum SaveState {
    Idle,
    Saving,
    Saved(String),
    Invalid,
    Failed(String),
}

#[component]
fn Editor(id: Option<QuoteId>, draft: QuoteDraft, missing: Vec<Missing>) -> impl IntoView {
    let state = EditorState::new(id, &draft);
    let server_error = RwSignal::new(None::<AppError>);
    let missing = RwSignal::new(missing);
    let save_state = RwSignal::new(SaveState::Idle);
    let generation = RwSignal::new(0u64);
    let saving = RwSignal::new(false);
    let again = RwSignal::new(false);
    let sending = RwSignal::new(false);
    let current = Memo::new(move |_| state.draft());
    let errors = Memo::new(move |_| {
        let mut all = current.with(|(_, e)| e.clone());
        if let Some(AppError::Validation(server)) = server_error.get() {
            for e in server.0 {
                if all.get(&e.field).is_none() && !e.field.starts_with("settings.") {
                    all.push(&e.field, e.message);
                }
            }
        }
        all
    });

    let save_now = move || {
        spawn_local(async move {
            if saving.get_untracked() {
                again.set(true);
                return;
            }
            saving.set(true);
            loop {
                again.set(false);
                let (draft, local) = current.get_untracked();
                if !local.is_empty() {
                    save_state.set(SaveState::Invalid);
                    break;
                }
                save_state.set(SaveState::Saving);
                let id = match state.id.get_untracked() {
                    Some(id) => Ok(id),
                    None => create_quote(state.deal_id.get_untracked()).await,
                };
                let result = match id {
                    Ok(id) => {
                        if state.id.get_untracked().is_none() {
                            state.id.set(Some(id));
                            replace_url(&format!("/app/quotes/{id}"));
                        }
                        save_quote(id, draft).await
                    }
                    Err(e) => Err(e),
                };
                match result {
                    Ok(view) => {
                        missing.set(view.missing.clone());
                        server_error.set(None);
                        save_state.set(SaveState::Saved(view.updated_at.clone()));
                    }
                    Err(AppError::Validation(fields)) => {
                        server_error.set(Some(AppError::Validation(fields)));
                        save_state.set(SaveState::Invalid);
                    }
                    Err(other) => save_state.set(SaveState::Failed(other.to_string())),
                }
                if !again.get_untracked() {
                    break;
                }
            }
            saving.set(false);
        });
    };

    // Autosave 800 ms after the last change.
    Effect::new(move |previous: Option<()>| {
        current.track();
        if previous.is_none() {
            return;
        }
        server_error.set(None);
        let mine = generation.get_untracked() + 1;
        generation.set(mine);
        set_timeout(
            move || {
                if generation.get_untracked() == mine {
                    save_now();
                }
            },
            Duration::from_millis(800),
        );
    });

    let send = move |_| {
        spawn_local(async move {
            let Some(id) = state.id.get_untracked() else {
                save_state.set(SaveState::Failed("Enregistrez d'abord le devis.".into()));
                return;
            };
            sending.set(true);
            let (draft, local) = current.get_untracked();
            if !local.is_empty() {
                sending.set(false);
                save_state.set(SaveState::Invalid);
                return;
            }
            let saved = save_quote(id, draft).await;
            let outcome = match saved {
                Ok(view) if !view.missing.is_empty() => {
                    missing.set(view.missing);
                    Err(None)
                }
                Ok(_) => send_quote(id).await.map_err(Some),
                Err(e) => Err(Some(e)),
            };
            sending.set(false);
            match outcome {
                Ok(_) => go(&format!("/app/quotes/{id}")),
                Err(None) => focus_legal_check(),
                Err(Some(AppError::Validation(fields))) => {
                    missing.set(
                        fields
                            .0
                            .iter()
                            .map(|f| Missing {
                                field: f.field.clone(),
                                message: f.message.clone(),
                            })
                            .collect(),
                    );
                    focus_legal_check();
                }
                Err(Some(other)) => save_state.set(SaveState::Failed(other.to_string())),
            }
        });
    };

    let heading = move || {
        if state.id.get().is_some() {
            "Devis — brouillon"
        } else {
            "Nouveau devis"
        }
    };
    let pdf = move || state.id.get().map(|id| format!("/app/quotes/{id}/pdf"));
    view! {
        <PageHeader title=heading().to_string() subtitle="Brouillon enregistré automatiquement. Le numéro est attribué à l'envoi.">
            <SaveIndicator save_state />
            {move || {
                pdf()
                    .map(|href| {
                        view! {
                            <a href=href target="_blank" rel="noopener" class=crate::ui::button_class(ButtonKind::Secondary)>
                                "Aperçu PDF"
                            </a>
                        }
                    })
            }}
            <Button r#type="button" busy=sending testid="send-quote" on_click=Callback::new(send)>
                "Envoyer au client"
            </Button>
        </PageHeader>
        <LegalCheck missing />
        <div class="grid gap-4 lg:grid-cols-2">
            <ClientCard state errors />
            <TermsCard state errors />
        </div>
        <LinesCard state errors current />
    }
}

fn replace_url(url: &str) {
    #[cfg(feature = "hydrate")]
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = url;
}

fn focus_legal_check() {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(el) = document().get_element_by_id("legal-check")
            && let Ok(el) = el.dyn_into::<web_sys::HtmlElement>()
        {
            let _ = el.focus();
        }
    }
}

#[component]
fn SaveIndicator(save_state: RwSignal<SaveState>) -> impl IntoView {
    view! {
        <p class="text-sm text-muted" role="status" aria-live="polite" data-testid="save-state">
            {move || match save_state.get() {
                SaveState::Idle => String::new(),
                SaveState::Saving => "Enregistrement…".into(),
                SaveState::Saved(at) => format!("Enregistré ({at})"),
                SaveState::Invalid => "Corrigez les champs signalés pour enregistrer.".into(),
                SaveState::Failed(e) => format!("Non enregistré : {e}"),
            }}
        </p>
    }
}

/// The mandatory mentions still missing, each pointing at its field.
#[component]
fn LegalCheck(missing: RwSignal<Vec<Missing>>) -> impl IntoView {
    view! {
        <Show when=move || missing.with(|m| !m.is_empty())>
            <section
                id="legal-check"
                tabindex="-1"
                class="alert-warning mb-4 rounded-2xl px-4 py-3 text-sm"
                aria-labelledby="legal-check-title"
                data-testid="legal-check"
            >
                <h2 id="legal-check-title" class="mb-1 font-semibold">
                    "Mentions obligatoires manquantes — l'envoi est bloqué"
                </h2>
                <ul class="list-disc space-y-0.5 pl-5">
                    {move || {
                        missing
                            .get()
                            .into_iter()
                            .map(|m| {
                                let href = match m.field.strip_prefix("settings.") {
                                    Some(field) => format!("/app/quotes/settings#f-{field}"),
                                    None => format!("#f-{}", m.field),
                                };
                                view! {
                                    <li data-field=m.field.clone()>
                                        <a class="underline underline-offset-2" href=href>
                                            {m.message.clone()}
                                        </a>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </section>
        </Show>
    }
}
