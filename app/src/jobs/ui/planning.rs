//! The planning form of a job: first and last day, the promised day,
//! priority and people. Checked here as the server checks it again.

use crate::domain::MemberId;
use crate::domain::jobs::{Priority, planning_problem};
use crate::error::AppError;
use crate::jobs::api::PlanJob;
use crate::jobs::{JobPlanning, TeamMember};
use crate::ui::{Button, FormAlert, TextField, on_result, use_toasts};
use chrono::NaiveDate;
use leptos::prelude::*;

fn iso(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
}

fn parse(value: &str) -> Result<Option<NaiveDate>, ()> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d").map(Some).map_err(|_| ())
}

/// The form (under « Modifier le planning »).
#[component]
pub fn PlanningForm(plan: JobPlanning, team: Vec<TeamMember>, reload: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let job = plan.job;
    let start = RwSignal::new(iso(plan.planned_start));
    let end = RwSignal::new(iso(plan.planned_end));
    let promised = RwSignal::new(iso(plan.promised_on));
    let priority = RwSignal::new(plan.priority.as_str().to_string());
    let chosen = RwSignal::new(plan.assignees.clone());
    let error = RwSignal::new(None::<AppError>);
    let save = ServerAction::<PlanJob>::new();
    on_result(save, error, move |()| {
        toasts.success("Planning enregistré.");
        reload.run(());
    });
    let field = move |name: &'static str| {
        Signal::derive(move || error.with(|e| e.as_ref().and_then(|e| e.field_message(name))))
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let days = (parse(&start.get()), parse(&end.get()), parse(&promised.get()));
        let (Ok(planned_start), Ok(planned_end), Ok(promised_on)) = days else {
            error.set(Some(AppError::field(
                "planned_start",
                "Une date n'est pas valide (jj/mm/aaaa).",
            )));
            return;
        };
        if let Some((name, message)) = planning_problem(planned_start, planned_end, promised_on) {
            error.set(Some(AppError::field(name, message)));
            return;
        }
        error.set(None);
        save.dispatch(PlanJob {
            planning: JobPlanning {
                job,
                planned_start,
                planned_end,
                promised_on,
                priority: Priority::parse(&priority.get()).unwrap_or(Priority::Normal),
                assignees: chosen.get(),
            },
        });
    };
    view! {
        <details class="mt-4" data-testid="job-planning">
            <summary class="link cursor-pointer text-sm font-semibold">"Modifier le planning"</summary>
            <form class="mt-3" on:submit=submit novalidate>
                <FormAlert error />
                <TextField label="Premier jour" name="planned_start" kind="date" value=start error=field("planned_start") />
                <TextField label="Dernier jour" name="planned_end" kind="date" value=end error=field("planned_end") />
                <TextField label="Promis au client pour le" name="promised_on" kind="date" value=promised error=field("promised_on") />
                <div class="mb-4">
                    <label for="f-priority" class="block text-sm font-medium text-fg">"Priorité"</label>
                    <select id="f-priority" class="field-input mt-1.5 block w-full rounded-xl px-3.5 py-2.5 text-base text-fg sm:text-sm"
                        on:change=move |ev| priority.set(event_target_value(&ev))>
                        {Priority::ALL.into_iter().map(|p| view! {
                            <option value=p.as_str() selected=move || priority.get() == p.as_str()>{p.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <fieldset class="mb-4">
                    <legend class="text-sm font-medium text-fg">"Sur le chantier"</legend>
                    {team.into_iter().map(|m| {
                        let id: MemberId = m.id;
                        view! {
                            <label class="mt-2 flex min-h-11 items-center gap-3 text-sm text-fg">
                                <input type="checkbox" class="h-5 w-5"
                                    prop:checked=move || chosen.with(|c| c.contains(&id))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        chosen.update(|c| {
                                            c.retain(|x| *x != id);
                                            if on { c.push(id); }
                                        });
                                    } />
                                {m.name}
                            </label>
                        }
                    }).collect_view()}
                    {move || field("assignees").get().map(|m| view! { <p class="field-error mt-1 text-sm" role="alert">{m}</p> })}
                </fieldset>
                <Button busy=save.pending() testid="save-planning">"Enregistrer le planning"</Button>
            </form>
        </details>
    }
}
