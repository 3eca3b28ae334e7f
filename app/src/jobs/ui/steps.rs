//! The steps of a job: each validated once, by whom and when; « Valider »
//! sends a capture whose id is made here and kept until the server answers,
//! so sending it again (a retry, a double tap) validates nothing twice.

use crate::domain::JobId;
use crate::domain::jobs::{StepState, order_problem};
use crate::jobs::api::validate_job_step;
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
    let validate = Action::new(move |v: &StepValidation| {
        let v = v.clone();
        async move { validate_job_step(v).await }
    });
    Effect::new(move |_| {
        if let Some(result) = validate.value().get() {
            match result {
                Ok(r) => {
                    unanswered.answered(&format!("step:{}", r.step.id));
                    if r.outcome == CaptureOutcome::Applied {
                        toasts.success(format!("Étape « {} » validée.", r.step.name));
                    } else {
                        toasts.error(r.message);
                    }
                    reload.run(());
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
                    let state = if s.done() { "done" } else { "todo" };
                    let step = s.id;
                    let who = match (&s.validated_by, &s.validated_at) {
                        (Some(by), Some(at)) => Some(format!("Validée par {by} le {at}")),
                        (None, Some(at)) => Some(format!("Validée le {at}")),
                        _ => None,
                    };
                    view! {
                        <li class="flex flex-wrap items-center gap-3 rounded-xl bg-white/5 px-3 py-3"
                            data-testid="job-step" data-step-id=s.id.to_string() data-state=state>
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
                            {s.requires_photo.then(|| view! { <Badge tone=Tone::Info>"Photo requise"</Badge> })}
                            {(can_work && !s.done()).then(|| view! {
                                <Button r#type="button" class="min-h-11 w-full sm:w-auto" busy=validate.pending() testid="validate-step"
                                    on_click=Callback::new(move |_| {
                                        validate.dispatch(StepValidation {
                                            capture: unanswered.id_for(&format!("step:{step}")),
                                            job,
                                            step,
                                            // Online now: the server's clock is the capture's.
                                            captured_at: None,
                                        });
                                    })>
                                    <span>"Valider"</span>
                                    <span class="sr-only">{format!(" l'étape {}", s.name)}</span>
                                </Button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </GlassCard>
    }
}
