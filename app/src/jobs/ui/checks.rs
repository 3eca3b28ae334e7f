//! Quality control on the job page: each step's checklist (conforme / non
//! conforme in one tap, a measure with its unit and bounds, a remark) and
//! the non-conformities card. An answer is judged here as the server judges
//! it again: a strict item's value out of bounds is refused under the field
//! before anything is sent; a lenient one is kept and flagged.

use crate::domain::checks::{
    CheckKind, CheckValue, Judgement, NonConformityKind, count_by_kind, judge, number, parse_number,
};
use crate::domain::{JobId, JobPhotoId, JobStepId};
use crate::error::AppError;
use crate::jobs::api::{answer_job_check, declare_job_nonconformity};
use crate::jobs::offline::{Capture, FieldQueue, Sent, device_now, send};
use crate::jobs::{CaptureOutcome, CheckAnswer, CheckView, NonConformityCapture, NonConformityView};
use crate::ui::{Badge, Button, ButtonKind, FormAlert, GlassCard, Tone, use_toasts};
use leptos::prelude::*;

const INPUT: &str = "field-input block w-full rounded-xl px-3.5 py-2.5 text-base text-fg sm:text-sm";

/// The checklist of one step.
#[component]
pub fn Checklist(job: JobId, checks: Vec<CheckView>, can_work: bool, reload: Callback<()>) -> impl IntoView {
    view! {
        <ul class="mt-3 grid w-full gap-2" aria-label="Liste de contrôle">
            {checks.into_iter().map(|c| view! { <CheckRow job check=c can_work reload /> }).collect_view()}
        </ul>
    }
}

#[component]
fn CheckRow(job: JobId, check: CheckView, can_work: bool, reload: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let unanswered = super::Unanswered::get();
    let id = check.id;
    let item = check.item.clone();
    let state = check.state();
    let queue = FieldQueue::get().0;
    // A refusal (here or from the server) shown under the field.
    let refusal = RwSignal::new(None::<String>);
    let (label, unit) = (
        StoredValue::new(item.label.clone()),
        StoredValue::new(item.unit.clone()),
    );
    // The key of the answer in flight: the same answer sent again after a
    // lost reply keeps its capture id; any other is a new capture.
    let in_flight = StoredValue::new(String::new());
    let sending = Action::new_local(move |a: &CheckAnswer| {
        let a = a.clone();
        async move {
            // Straight to the server, its clock is the answer's; waiting on
            // the device, the device's.
            let direct = CheckAnswer {
                captured_at: None,
                ..a.clone()
            };
            let capture = Capture {
                id: a.capture,
                endpoint: "answer_job_check",
                body: serde_json::json!({ "answer": &a }),
                job: a.job,
                kind: "check",
                target: a.check.to_string(),
                label: format!("Contrôle « {} »", label.get_value()),
                value: shown(&a.value, &unit.get_value()),
            };
            send(capture, answer_job_check(direct)).await
        }
    });
    Effect::new(move |_| {
        if let Some(result) = sending.value().get() {
            match result {
                Ok(Sent::Queued) => {
                    unanswered.answered(&in_flight.get_value());
                    toasts.success(format!(
                        "Réponse à « {} » gardée sur l'appareil : envoi dès que le réseau revient.",
                        label.get_value()
                    ));
                }
                Ok(Sent::Answered(r)) => {
                    unanswered.answered(&in_flight.get_value());
                    match r.outcome {
                        CaptureOutcome::Applied => {
                            if r.message.is_empty() {
                                toasts.success(format!("« {} » enregistré.", r.check.item.label));
                            } else {
                                toasts.error(r.message);
                            }
                            reload.run(());
                        }
                        CaptureOutcome::Superseded => {
                            toasts.error(r.message);
                            reload.run(());
                        }
                        CaptureOutcome::Refused => refusal.set(Some(r.message)),
                    }
                }
                Err(e) => refusal.set(Some(e.to_string())),
            }
        }
    });
    let submit_value = {
        let item = item.clone();
        move |value: CheckValue| {
            if let Judgement::Refused(why) = judge(&item, &value) {
                refusal.set(Some(why));
                return;
            }
            refusal.set(None);
            // The same answer sent again after a lost reply keeps its id.
            let key = format!("check:{id}:{value:?}");
            // Another answer than the one in flight: that one is given up.
            let previous = in_flight.get_value();
            if previous != key {
                unanswered.answered(&previous);
            }
            let capture = unanswered.id_for(&key);
            in_flight.set_value(key);
            sending.dispatch(CheckAnswer {
                capture,
                job,
                check: id,
                value,
                captured_at: device_now(),
            });
        }
    };
    let field_id = format!("check-{id}");
    let error_id = format!("check-{id}-error");
    let bounds = item.bounds_label();
    let answered = check.answered.clone();
    let answer = check.answer.clone();
    let control = if !can_work {
        view! { <p class="text-sm text-fg">{answer.as_ref().map(|a| shown(a, &item.unit)).unwrap_or_else(|| "—".into())}</p> }
            .into_any()
    } else {
        match item.kind {
            CheckKind::PassFail => {
                let current = match answer {
                    Some(CheckValue::Pass(p)) => Some(p),
                    _ => None,
                };
                let (yes, no) = (submit_value.clone(), submit_value.clone());
                view! {
                    <div class="flex flex-wrap gap-2" role="group" aria-label=item.label.clone()>
                        <Button kind=if current == Some(true) { ButtonKind::Primary } else { ButtonKind::Secondary }
                            r#type="button" class="min-h-11 flex-1 sm:flex-none" busy=sending.pending() pressed={current == Some(true)}
                            on_click=Callback::new(move |_| yes(CheckValue::Pass(true)))>
                            "Conforme"
                        </Button>
                        <Button kind=if current == Some(false) { ButtonKind::Danger } else { ButtonKind::Secondary }
                            r#type="button" class="min-h-11 flex-1 sm:flex-none" busy=sending.pending() pressed={current == Some(false)}
                            on_click=Callback::new(move |_| no(CheckValue::Pass(false)))>
                            "Non conforme"
                        </Button>
                    </div>
                }
                .into_any()
            }
            CheckKind::Number => {
                let typed = RwSignal::new(match answer {
                    Some(CheckValue::Number(n)) => number(n),
                    _ => String::new(),
                });
                let submit = submit_value.clone();
                let label = item.label.clone();
                view! {
                    <form class="flex flex-wrap items-end gap-2" novalidate
                        on:submit=move |ev: leptos::ev::SubmitEvent| {
                            ev.prevent_default();
                            match parse_number(&typed.get()) {
                                Some(n) => submit(CheckValue::Number(n)),
                                None => refusal.set(Some(format!("« {label} » : saisissez un nombre, par exemple 12,5."))),
                            }
                        }>
                        <div class="flex min-w-0 flex-1 items-center gap-2">
                            <input id=field_id.clone() class=INPUT type="text" inputmode="decimal" autocomplete="off"
                                aria-label=format!("{} ({})", item.label, if item.unit.is_empty() { "valeur" } else { &item.unit })
                                aria-invalid=move || if refusal.with(Option::is_some) { "true" } else { "false" }
                                aria-describedby=error_id.clone()
                                prop:value=move || typed.get()
                                on:input=move |ev| typed.set(event_target_value(&ev)) />
                            {(!item.unit.is_empty()).then(|| view! { <span class="shrink-0 text-sm text-muted">{item.unit.clone()}</span> })}
                        </div>
                        <Button r#type="submit" kind=ButtonKind::Secondary class="min-h-11" busy=sending.pending()>
                            "Enregistrer"
                        </Button>
                    </form>
                }
                .into_any()
            }
            CheckKind::Text => {
                let typed = RwSignal::new(match answer {
                    Some(CheckValue::Text(t)) => t,
                    _ => String::new(),
                });
                let submit = submit_value.clone();
                view! {
                    <form class="grid gap-2" novalidate
                        on:submit=move |ev: leptos::ev::SubmitEvent| {
                            ev.prevent_default();
                            submit(CheckValue::Text(typed.get()));
                        }>
                        <textarea id=field_id.clone() class=INPUT rows="2" aria-label=item.label.clone()
                            aria-invalid=move || if refusal.with(Option::is_some) { "true" } else { "false" }
                            aria-describedby=error_id.clone()
                            prop:value=move || typed.get()
                            on:input=move |ev| typed.set(event_target_value(&ev))></textarea>
                        <Button r#type="submit" kind=ButtonKind::Secondary class="min-h-11 justify-self-start" busy=sending.pending()>
                            "Enregistrer"
                        </Button>
                    </form>
                }
                .into_any()
            }
        }
    };
    view! {
        <li class="grid gap-2 rounded-xl border border-white/10 px-3 py-3" data-testid="checklist-item"
            data-check-id=id.to_string() data-state=state>
            <div class="flex flex-wrap items-baseline justify-between gap-2">
                <p class="text-sm font-medium text-fg">{item.label.clone()}</p>
                {bounds.map(|b| view! { <span class="text-xs text-muted">{format!("Attendu : {b}")}</span> })}
            </div>
            {control}
            <p id=format!("check-{id}-error") class="field-error text-sm" role="alert"
                class:hidden=move || refusal.with(Option::is_none)>
                {move || refusal.get().unwrap_or_default()}
            </p>
            {(state == "warning").then(|| view! {
                <p class="text-sm text-amber-300" data-testid="check-warning">
                    "Hors des limites : à corriger ou à déclarer en non-conformité."
                </p>
            })}
            {(state == "failed").then(|| view! { <Badge tone=Tone::Danger>"Non conforme"</Badge> })}
            {answered.map(|a| view! { <p class="text-xs text-muted">{format!("Renseigné par {a}")}</p> })}
            {move || {
                let target = id.to_string();
                queue.with(|q| q.waiting("check", &target).map(|w| w.value.clone())).map(|v| view! {
                    <p class="text-sm text-amber-300" data-testid="check-waiting">{format!("En attente d'envoi : {v}")}</p>
                })
            }}
        </li>
    }
}

fn shown(value: &CheckValue, unit: &str) -> String {
    match value {
        CheckValue::Pass(true) => "Conforme".into(),
        CheckValue::Pass(false) => "Non conforme".into(),
        CheckValue::Number(n) if unit.is_empty() => number(*n),
        CheckValue::Number(n) => format!("{} {unit}", number(*n)),
        CheckValue::Text(t) => t.clone(),
    }
}

/// The non-conformities of a job: counted per kind, listed, and declared.
#[component]
pub fn NonConformitiesCard(
    job: JobId,
    items: Vec<NonConformityView>,
    steps: Vec<(JobStepId, String)>,
    photos: Vec<(JobPhotoId, String)>,
    can_work: bool,
    reload: Callback<()>,
) -> impl IntoView {
    let counts = count_by_kind(items.iter().map(|n| n.kind));
    let total = items.len();
    view! {
        <GlassCard>
            <div class="mb-3 flex flex-wrap items-center justify-between gap-2">
                <h2 class="text-lg font-semibold text-fg">"Non-conformités"</h2>
                <span class="text-sm text-muted" data-testid="nonconformity-count">
                    {match total { 0 => "Aucune".to_string(), 1 => "1 déclarée".to_string(), n => format!("{n} déclarées") }}
                </span>
            </div>
            {(!counts.is_empty()).then(|| view! {
                <ul class="mb-3 flex flex-wrap gap-2" aria-label="Par type">
                    {counts.into_iter().map(|(kind, n)| view! {
                        <li><Badge tone=Tone::Warning>{format!("{} × {n}", kind.label())}</Badge></li>
                    }).collect_view()}
                </ul>
            })}
            <ul class="grid gap-2">
                {items.into_iter().map(|n| view! {
                    <li class="flex gap-3 rounded-xl bg-white/5 px-3 py-3" data-testid="nonconformity">
                        {n.photo_thumb.map(|src| view! {
                            <img src=src alt="Photo du défaut" width="64" height="64" loading="lazy"
                                class="h-16 w-16 shrink-0 rounded-lg object-cover" />
                        })}
                        <div class="min-w-0 text-sm">
                            <p class="font-medium text-fg">
                                {n.kind.label()}
                                {n.step.map(|s| view! { <span class="text-muted">{format!(" — {s}")}</span> })}
                            </p>
                            <p class="text-fg">{n.comment}</p>
                            {(!n.action.is_empty()).then(|| view! { <p class="text-muted">{format!("Action : {}", n.action)}</p> })}
                            {n.back_to.map(|b| view! { <p class="text-muted">{format!("Retour à « {b} »")}</p> })}
                            <p class="text-xs text-muted">{n.declared}</p>
                        </div>
                    </li>
                }).collect_view()}
            </ul>
            {can_work.then(|| view! { <DeclareForm job steps photos reload /> })}
        </GlassCard>
    }
}

#[component]
fn DeclareForm(
    job: JobId,
    steps: Vec<(JobStepId, String)>,
    photos: Vec<(JobPhotoId, String)>,
    reload: Callback<()>,
) -> impl IntoView {
    let toasts = use_toasts();
    let unanswered = super::Unanswered::get();
    let kind = RwSignal::new(NonConformityKind::Aspect.as_str().to_string());
    let step = RwSignal::new(String::new());
    let back_to = RwSignal::new(String::new());
    let photo = RwSignal::new(String::new());
    let comment = RwSignal::new(String::new());
    let action = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let sending = Action::new_local(move |c: &NonConformityCapture| {
        let c = c.clone();
        async move {
            let direct = NonConformityCapture {
                captured_at: None,
                ..c.clone()
            };
            let capture = Capture {
                id: c.capture,
                endpoint: "declare_job_nonconformity",
                body: serde_json::json!({ "nonconformity": &c }),
                job: c.job,
                kind: "nonconformity",
                target: String::new(),
                label: format!("Non-conformité « {} »", c.kind.label()),
                value: c.comment.clone(),
            };
            send(capture, declare_job_nonconformity(direct)).await
        }
    });
    Effect::new(move |_| {
        if let Some(result) = sending.value().get() {
            match result {
                Ok(Sent::Queued) => {
                    unanswered.answered("nonconformity");
                    comment.set(String::new());
                    action.set(String::new());
                    toasts.success("Non-conformité gardée sur l'appareil : envoi dès que le réseau revient.");
                }
                Ok(Sent::Answered(ack)) => {
                    unanswered.answered("nonconformity");
                    if ack.outcome == CaptureOutcome::Applied {
                        toasts.success(if ack.message.is_empty() {
                            "Non-conformité déclarée.".to_string()
                        } else {
                            format!("Non-conformité déclarée. {}", ack.message)
                        });
                        reload.run(());
                    } else {
                        error.set(Some(AppError::Conflict(ack.message)));
                    }
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let field = move |name: &'static str| {
        Signal::derive(move || error.with(|e| e.as_ref().and_then(|e| e.field_message(name))))
    };
    let parse_step = |v: String| v.parse::<JobStepId>().ok();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if comment.with(|c| c.trim().is_empty()) {
            error.set(Some(AppError::field("comment", "Décrivez ce qui ne va pas.")));
            return;
        }
        error.set(None);
        sending.dispatch(NonConformityCapture {
            // Kept until the server answers: a retry declares it once.
            capture: unanswered.id_for("nonconformity"),
            job,
            kind: NonConformityKind::parse(&kind.get()).unwrap_or(NonConformityKind::Other),
            step: parse_step(step.get()),
            comment: comment.get(),
            action: action.get(),
            back_to: parse_step(back_to.get()),
            photo: photo.get().parse::<JobPhotoId>().ok(),
            captured_at: device_now(),
        });
    };
    let select = |id: &'static str,
                  label: &'static str,
                  value: RwSignal<String>,
                  options: Vec<(String, String)>,
                  err: Signal<Option<String>>| {
        view! {
            <div class="mb-3">
                <label for=id class="block text-sm font-medium text-fg">{label}</label>
                <select id=id class=format!("{INPUT} mt-1.5") on:change=move |ev| value.set(event_target_value(&ev))
                    aria-describedby=format!("{id}-error")>
                    {options.into_iter().map(|(v, l)| {
                        let selected = { let v = v.clone(); move || value.get() == v };
                        view! { <option value=v selected=selected>{l}</option> }
                    }).collect_view()}
                </select>
                <p id=format!("{id}-error") class="field-error mt-1 text-sm" class:hidden=move || err.get().is_none()>
                    {move || err.get().unwrap_or_default()}
                </p>
            </div>
        }
    };
    let step_options = |none: &str| {
        std::iter::once((String::new(), none.to_string()))
            .chain(steps.iter().map(|(id, name)| (id.to_string(), name.clone())))
            .collect::<Vec<_>>()
    };
    let found_options = step_options("Aucune en particulier");
    let back_options = step_options("Ne pas revenir en arrière");
    let photo_options: Vec<(String, String)> = std::iter::once((String::new(), "Sans photo".to_string()))
        .chain(photos.iter().map(|(id, label)| (id.to_string(), label.clone())))
        .collect();
    let kinds: Vec<(String, String)> = NonConformityKind::ALL
        .into_iter()
        .map(|k| (k.as_str().to_string(), k.label().to_string()))
        .collect();
    let text = |id: &'static str, label: &'static str, value: RwSignal<String>, err: Signal<Option<String>>| {
        view! {
            <div class="mb-3">
                <label for=id class="block text-sm font-medium text-fg">{label}</label>
                <textarea id=id class=format!("{INPUT} mt-1.5") rows="3"
                    aria-invalid=move || if err.get().is_some() { "true" } else { "false" }
                    aria-describedby=format!("{id}-error")
                    prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))></textarea>
                <p id=format!("{id}-error") class="field-error mt-1 text-sm" class:hidden=move || err.get().is_none()>
                    {move || err.get().unwrap_or_default()}
                </p>
            </div>
        }
    };
    view! {
        <details class="mt-4" data-testid="declare-nonconformity">
            <summary class="link cursor-pointer text-sm font-semibold">"Déclarer une non-conformité"</summary>
            <form class="mt-3" on:submit=submit novalidate>
                <FormAlert error />
                {select("nc-kind", "Type", kind, kinds, field("kind"))}
                {select("nc-step", "Constatée à l'étape", step, found_options, field("step"))}
                {text("nc-comment", "Ce qui ne va pas", comment, field("comment"))}
                {text("nc-action", "Action corrective", action, field("action"))}
                {select("nc-back", "Revenir à l'étape", back_to, back_options, field("back_to"))}
                {select("nc-photo", "Photo", photo, photo_options, field("photo"))}
                <Button busy=sending.pending() testid="save-nonconformity">"Déclarer"</Button>
            </form>
        </details>
    }
}
