//! The deal drawer: contact actions, details, notes, stage history, timeline.

use super::card::temperature_class;
use super::dnd::refocus;
use super::state::BoardState;
use crate::domain::DealId;
use crate::domain::validation::Phone;
use crate::domain::{StageKind, money};
use crate::error::AppError;
use crate::pipeline::DealDetail;
use crate::pipeline::api::{AddNote, MarkContacted, fetch_deal};
use crate::quote::ui::DealQuotes;
use crate::ui::{
    Button, ButtonKind, ErrorState, FormAlert, Icon, IconName, LoadingState, Modal, button_class, field_error,
    on_result, use_toasts,
};
use leptos::prelude::*;

/// The drawer of the deal in `open`.
#[component]
pub fn DealDrawer(open: RwSignal<Option<DealId>>, state: BoardState, can_work: bool) -> impl IntoView {
    let detail = Resource::new(
        move || open.get(),
        |id| async move {
            match id {
                Some(id) => fetch_deal(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    let last = StoredValue::new(None::<DealId>);
    // After an action the body is rendered again from the server's answer;
    // the note field gets the focus back so keyboard users stay in place.
    let focus_note = StoredValue::new(false);
    Effect::new(move |_| {
        if let Some(id) = open.get() {
            last.set_value(Some(id));
        }
    });
    let close = Callback::new(move |_| {
        open.set(None);
        if let Some(id) = last.get_value() {
            refocus(id);
        }
    });
    let title = Signal::derive(move || {
        detail
            .get()
            .and_then(Result::ok)
            .flatten()
            .map(|d| d.card.contact_name)
            .unwrap_or_else(|| "Affaire".into())
    });
    view! {
        <Modal open=Signal::derive(move || open.get().is_some()) title on_close=close side=true testid="deal-drawer">
            <Transition fallback=|| view! { <LoadingState rows=6 /> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Ok(Some(d)) => view! { <DrawerBody detail=d state can_work focus_note reload=Callback::new(move |_| detail.refetch()) /> }.into_any(),
                        Ok(None) => ().into_any(),
                        Err(error) => view! { <ErrorState error /> }.into_any(),
                    }
                })}
            </Transition>
        </Modal>
    }
}

fn row(label: &'static str, value: Option<String>) -> impl IntoView {
    value.map(|v| {
        view! {
            <div class="flex justify-between gap-4 py-1.5">
                <dt class="text-muted">{label}</dt>
                <dd class="text-right text-fg">{v}</dd>
            </div>
        }
    })
}

#[component]
fn DrawerBody(
    detail: DealDetail,
    state: BoardState,
    can_work: bool,
    focus_note: StoredValue<bool>,
    reload: Callback<()>,
) -> impl IntoView {
    let toasts = use_toasts();
    if focus_note.get_value() {
        focus_note.set_value(false);
        #[cfg(feature = "hydrate")]
        request_animation_frame(|| {
            use leptos::wasm_bindgen::JsCast;
            if let Some(el) = document()
                .get_element_by_id("f-body")
                .and_then(|e| e.dyn_into::<leptos::web_sys::HtmlElement>().ok())
            {
                let _ = el.focus();
            }
        });
    }
    let contacted = ServerAction::<MarkContacted>::new();
    let note_action = ServerAction::<AddNote>::new();
    let note = RwSignal::new(String::new());
    let note_error = RwSignal::new(None::<AppError>);
    let deal_id = detail.card.id;
    Effect::new(move |_| match contacted.value().get() {
        Some(Ok(change)) => {
            state.upsert(&change.cards);
            toasts.success("Premier contact enregistré.");
            focus_note.set_value(can_work);
            reload.run(());
        }
        Some(Err(e)) => toasts.error(e.to_string()),
        None => {}
    });
    on_result(note_action, note_error, move |_| {
        note.set(String::new());
        toasts.success("Note ajoutée.");
        focus_note.set_value(true);
        reload.run(());
    });
    let on_note = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if note.with_untracked(|n| n.trim().is_empty()) {
            note_error.set(Some(AppError::field("body", "Écrivez une note.")));
            return;
        }
        note_action.dispatch(AddNote {
            deal_id,
            body: note.get_untracked(),
        });
    };
    let phone = detail.phone.clone();
    let dial = phone
        .as_deref()
        .and_then(|p| Phone::parse(p).ok())
        .map(|p| format!("tel:{}", p.dial()));
    let mail = detail.email.clone().map(|e| format!("mailto:{e}"));
    let may_mark = can_work && detail.first_contact_at.is_none() && detail.stage_kind == StageKind::Open;
    let place = [
        detail.address.clone(),
        detail.postcode.clone(),
        detail.card.city.clone(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ");
    let (freshness, completeness) = detail.score_parts;
    view! {
        <div class="space-y-6" data-testid="drawer-body">
            <div class="flex flex-wrap items-center gap-2">
                <span class="badge-accent rounded-full px-2.5 py-0.5 text-xs font-semibold">{detail.stage_name.clone()}</span>
                <span class=format!("rounded-full px-2.5 py-0.5 text-xs font-semibold {}", temperature_class(detail.card.temperature))>
                    {format!("Score {} · {}", detail.card.score, detail.card.temperature.label())}
                </span>
                <span class="text-xs text-muted">{format!("reçue {}", detail.card.age)}</span>
            </div>
            <div class="flex flex-wrap gap-2">
                {dial.map(|href| view! {
                    <a href=href class=button_class(ButtonKind::Primary) data-testid="call">
                        <Icon name=IconName::Phone />
                        {format!("Appeler {}", phone.clone().unwrap_or_default())}
                    </a>
                })}
                {mail.map(|href| view! {
                    <a href=href class=button_class(ButtonKind::Secondary)>
                        <Icon name=IconName::Mail />
                        "E-mail"
                    </a>
                })}
                {may_mark.then(|| view! {
                    <Button
                        kind=ButtonKind::Secondary
                        r#type="button"
                        busy=contacted.pending()
                        testid="mark-contacted"
                        on_click=Callback::new(move |_| {
                            contacted.dispatch(MarkContacted { deal_id });
                        })
                    >
                        <Icon name=IconName::Check />
                        "Marquer comme contacté"
                    </Button>
                })}
            </div>
            {(!detail.description.is_empty()).then(|| view! {
                <section>
                    <h3 class="mb-1 text-sm font-semibold text-fg">"Besoin"</h3>
                    <p class="whitespace-pre-wrap text-sm text-fg">{detail.description.clone()}</p>
                </section>
            })}
            <crate::marketplace::ui::RequestPhotos photos=detail.photos.clone() />
            <dl class="divide-y divide-line text-sm">
                {row("Valeur", Some(money::format_eur(detail.card.value_cents)))}
                {row("Budget du client", detail.budget.clone())}
                {row("Métier", Some(detail.card.trade.clone()))}
                {row("Adresse", (!place.is_empty()).then_some(place))}
                {row("E-mail", detail.email.clone())}
                {row("Source", Some(detail.source.clone()))}
                {row("Responsable", detail.card.owner_name.clone())}
                {row("Score", Some(format!("fraîcheur {freshness}/50 · complétude {completeness}/50")))}
                {row("Reçue le", Some(detail.assigned_at.clone()))}
                {row("Premier contact", detail.first_contact_at.clone())}
                {row("Devis envoyé", detail.quote_sent_at.clone())}
                {row("Clôturée le", detail.closed_at.clone())}
                {row("Raison de la perte", detail.card.lost_reason.clone())}
            </dl>
            <DealQuotes deal_id=detail.card.id can_work />
            <section aria-labelledby="notes-title">
                <h3 id="notes-title" class="mb-2 text-sm font-semibold text-fg">"Notes"</h3>
                {can_work.then(|| view! {
                    <form on:submit=on_note novalidate class="mb-3">
                        <FormAlert error=note_error />
                        <label for="f-body" class="sr-only">"Nouvelle note"</label>
                        <textarea
                            id="f-body"
                            name="body"
                            rows="3"
                            placeholder="Ajouter une note (appel, rendez-vous, détail du chantier…)"
                            class="field-input block w-full rounded-xl px-3.5 py-2.5 text-sm text-fg"
                            aria-invalid=move || if note_error.get().is_some() { "true" } else { "false" }
                            prop:value=move || note.get()
                            on:input=move |ev| {
                                note.set(event_target_value(&ev));
                                note_error.set(None);
                            }
                        ></textarea>
                        <p class="field-error mt-1 text-sm">{move || field_error(note_error, "body").get()}</p>
                        <div class="mt-2 flex justify-end">
                            <Button kind=ButtonKind::Secondary busy=note_action.pending() testid="add-note">"Ajouter la note"</Button>
                        </div>
                    </form>
                })}
                {if detail.notes.is_empty() {
                    view! { <p class="text-sm text-muted">"Aucune note pour l'instant."</p> }.into_any()
                } else {
                    view! {
                        <ul class="space-y-2" data-testid="notes">
                            {detail.notes.iter().map(|n| view! {
                                <li class="rounded-xl bg-white/5 p-3">
                                    <p class="whitespace-pre-wrap text-sm text-fg">{n.body.clone()}</p>
                                    <p class="mt-1 text-xs text-muted">{format!("{} · {}", n.author, n.created_at)}</p>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
            {(!detail.stage_history.is_empty()).then(|| view! {
                <section aria-labelledby="history-title">
                    <h3 id="history-title" class="mb-2 text-sm font-semibold text-fg">"Historique des étapes"</h3>
                    <ol class="space-y-1.5 text-sm" data-testid="stage-history">
                        {detail.stage_history.iter().map(|h| view! {
                            <li class="text-fg">
                                {format!("{} → {}", h.from, h.to)}
                                <span class="block text-xs text-muted">{format!("{} · {}", h.actor, h.at)}</span>
                            </li>
                        }).collect_view()}
                    </ol>
                </section>
            })}
            <section aria-labelledby="timeline-title">
                <h3 id="timeline-title" class="mb-2 text-sm font-semibold text-fg">"Chronologie"</h3>
                <ol class="space-y-2 border-l border-line pl-4 text-sm">
                    {detail.timeline.iter().map(|e| view! {
                        <li>
                            <p class="text-fg">{e.action.clone()}</p>
                            {e.summary.clone().map(|s| view! { <p class="text-xs text-fg">{s}</p> })}
                            <p class="text-xs text-muted">{format!("{} · {}", e.actor, e.occurred_at)}</p>
                        </li>
                    }).collect_view()}
                </ol>
            </section>
        </div>
    }
}
