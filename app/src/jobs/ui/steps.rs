//! The steps of a job: each validated once, by whom and when; « Valider »
//! sends a capture whose id is made here and kept until the server answers,
//! so sending it again (a retry, a double tap) validates nothing twice.

use super::checks::Checklist;
use crate::domain::JobId;
use crate::domain::jobs::{StepState, order_problem};
use crate::jobs::api::validate_job_step;
use crate::jobs::offline::{Capture, FieldQueue, Sent, device_now, send};
use crate::jobs::{CaptureOutcome, StepValidation, StepView};
use crate::ui::{Badge, Button, GlassCard, Tone, use_toasts};
use leptos::prelude::*;

/// The steps card.
#[component]
pub fn StepsCard(job: JobId, steps: Vec<StepView>, can_work: bool, reload: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let states: Vec<StepState> = steps
        .iter()
        .map(|s| StepState {
            done: s.done(),
            after_previous: s.after_previous,
        })
        .collect();
    let unanswered = super::Unanswered::get();
    let queue = FieldQueue::get().0;
    let validate = Action::new_local(move |(v, name): &(StepValidation, String)| {
        let (v, name) = (v.clone(), name.clone());
        async move {
            let capture = Capture {
                id: v.capture,
                endpoint: "validate_job_step",
                body: serde_json::json!({ "validation": &v }),
                job: v.job,
                kind: "step",
                target: v.step.to_string(),
                label: format!("Valider l'étape « {name} »"),
                value: String::new(),
            };
            let step = v.step;
            // Straight to the server, its clock is the validation's.
            let direct = StepValidation { captured_at: None, ..v };
            (step, name, send(capture, validate_job_step(direct)).await)
        }
    });
    Effect::new(move |_| {
        if let Some((step, name, result)) = validate.value().get() {
            match result {
                Ok(Sent::Answered(r)) => {
                    unanswered.answered(&format!("step:{step}"));
                    if r.outcome == CaptureOutcome::Applied {
                        toasts.success(format!("Étape « {} » validée.", r.step.name));
                    } else {
                        toasts.error(r.message);
                    }
                    reload.run(());
                }
                Ok(Sent::Queued) => {
                    unanswered.answered(&format!("step:{step}"));
                    toasts.success(format!(
                        "« {name} » gardée sur l'appareil : envoi dès que le réseau revient."
                    ));
                }
                // No answer (network, server): « Valider » again resends the
                // same capture.
                Err(e) => toasts.error(e.to_string()),
            }
        }
    });
    let done = steps.iter().filter(|s| s.done()).count();
    let total = steps.len();
    view! {
        <GlassCard>
            <div class="mb-3 flex items-center justify-between gap-3">
                <h2 class="text-lg font-semibold text-fg">"Étapes"</h2>
                <span class="text-sm text-muted">{format!("{done} / {total} validées")}</span>
            </div>
            <ol class="grid gap-2">
                {steps.into_iter().enumerate().map(|(i, s)| {
                    let blocked = order_problem(&states, i).map(|p| p.message());
                    let checks = s.checks.clone();
                    let state = if s.done() { "done" } else { "todo" };
                    let step = s.id;
                    let target = s.id.to_string();
                    let waiting = Signal::derive(move || queue.with(|q| q.waiting("step", &target).is_some()));
                    let name = s.name.clone();
                    let who = match (&s.validated_by, &s.validated_at) {
                        (Some(by), Some(at)) => Some(format!("Validée par {by} le {at}")),
                        (None, Some(at)) => Some(format!("Validée le {at}")),
                        _ => None,
                    };
                    view! {
                        <li class="flex flex-wrap items-center gap-3 rounded-xl bg-white/5 px-3 py-3"
                            data-testid="job-step" data-step-id=s.id.to_string() data-state=state
                            data-pending=move || waiting.get().to_string()>
                            <span aria-hidden="true"
                                class=if s.done() { "flex h-7 w-7 shrink-0 items-center justify-center rounded-full bg-emerald-500 text-sm font-bold text-white" }
                                      else { "flex h-7 w-7 shrink-0 items-center justify-center rounded-full border border-white/30 text-sm text-muted" }>
                                {if s.done() { "✓".to_string() } else { (i + 1).to_string() }}
                            </span>
                            <div class="min-w-0 flex-1">
                                <p class="font-medium text-fg">{s.name.clone()}</p>
                                {who.map(|w| view! { <p class="text-sm text-muted">{w}</p> })}
                                {(!s.done() && s.after_previous && blocked.is_some()).then(|| view! {
                                    <p class="text-sm text-muted">"Après les étapes précédentes"</p>
                                })}
                            </div>
                            {s.requires_photo.then(|| view! {
                                <Badge tone={if s.photos > 0 { Tone::Success } else { Tone::Info }}>
                                    {if s.photos > 0 { "Photo prise" } else { "Photo requise" }}
                                </Badge>
                            })}
                            {(can_work && !s.done()).then(|| {
                                let sr = format!(" l'étape {}", s.name);
                                move || {
                                    if waiting.get() {
                                        return view! { <Badge tone=Tone::Warning>"En attente d'envoi"</Badge> }.into_any();
                                    }
                                    let name = name.clone();
                                    let sr = sr.clone();
                                    let on_click = Callback::new(move |_| {
                                        validate.dispatch((
                                            StepValidation {
                                                capture: unanswered.id_for(&format!("step:{step}")),
                                                job,
                                                step,
                                                // When it was done, by the device's clock
                                                // (it may reach the server much later).
                                                captured_at: device_now(),
                                            },
                                            name.clone(),
                                        ));
                                    });
                                    view! {
                                        <Button r#type="button" class="min-h-11 w-full sm:w-auto" busy=validate.pending()
                                            testid="validate-step" on_click>
                                            <span>"Valider"</span>
                                            <span class="sr-only">{sr}</span>
                                        </Button>
                                    }
                                    .into_any()
                                }
                            })}
                            {(!checks.is_empty()).then(|| view! { <Checklist job checks can_work reload /> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </GlassCard>
    }
}
