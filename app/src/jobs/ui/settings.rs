//! `/app/jobs/settings`: the steps new jobs start with and their checklists.
//! Owners and admins edit (name, order, photo required, imposed order, each
//! item's kind, unit, bounds and rule); everyone else reads. Checked here as
//! the server checks it again (`domain::jobs::template_problem`), the error
//! shown under the field it is about.

use crate::domain::checks::{CheckItem, CheckKind, number, parse_number};
use crate::domain::jobs::{StepTemplate, template_problem};
use crate::error::AppError;
use crate::jobs::StepTemplates;
use crate::jobs::api::{SaveStepTemplates, fetch_step_templates};
use crate::ui::{
    Badge, Button, ButtonKind, ErrorState, FormAlert, GlassCard, LoadingState, PageHeader, Tone, on_result, use_toasts,
};
use leptos::prelude::*;
use leptos_meta::Title;

const INPUT: &str = "field-input mt-1 block w-full rounded-xl px-3 py-2 text-base text-fg sm:text-sm";

/// The settings page.
#[component]
pub fn StepTemplatesPage() -> impl IntoView {
    let loaded = Resource::new(|| (), |_| fetch_step_templates());
    let reload = Callback::new(move |_| loaded.refetch());
    view! {
        <Title text="Étapes des chantiers" />
        <p class="mb-4 text-sm"><a href="/app/jobs" class="link">"← Chantiers"</a></p>
        <PageHeader title="Étapes des chantiers".to_string()
            subtitle="Les étapes et les listes de contrôle des prochains chantiers ; ceux en cours gardent les leurs." />
        <Transition fallback=|| view! { <LoadingState rows=6 /> }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Err(error) => view! { <ErrorState error retry=reload /> }.into_any(),
                    Ok(t) if t.can_edit => view! { <Editor templates=t reload /> }.into_any(),
                    Ok(t) => view! { <ReadOnly templates=t /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Row keys (and the ids of their fields): counted per editor, so that the
/// server's render and the browser's hydration give the same ones.
#[derive(Clone, Copy)]
struct Keys(StoredValue<u64>);

impl Keys {
    fn next(self) -> u64 {
        self.0.update_value(|k| *k += 1);
        self.0.get_value()
    }
}

#[derive(Clone, Copy)]
struct CheckRow {
    key: u64,
    label: RwSignal<String>,
    kind: RwSignal<CheckKind>,
    unit: RwSignal<String>,
    min: RwSignal<String>,
    max: RwSignal<String>,
    strict: RwSignal<bool>,
}

impl CheckRow {
    fn of(c: &CheckItem, keys: Keys) -> CheckRow {
        CheckRow {
            key: keys.next(),
            label: RwSignal::new(c.label.clone()),
            kind: RwSignal::new(c.kind),
            unit: RwSignal::new(c.unit.clone()),
            min: RwSignal::new(c.min.map(number).unwrap_or_default()),
            max: RwSignal::new(c.max.map(number).unwrap_or_default()),
            strict: RwSignal::new(c.strict),
        }
    }
}

#[derive(Clone, Copy)]
struct StepRow {
    key: u64,
    name: RwSignal<String>,
    photo: RwSignal<bool>,
    ordered: RwSignal<bool>,
    checks: RwSignal<Vec<CheckRow>>,
}

impl StepRow {
    fn of(s: &StepTemplate, keys: Keys) -> StepRow {
        StepRow {
            key: keys.next(),
            name: RwSignal::new(s.name.clone()),
            photo: RwSignal::new(s.requires_photo),
            ordered: RwSignal::new(s.after_previous),
            checks: RwSignal::new(s.checks.iter().map(|c| CheckRow::of(c, keys)).collect()),
        }
    }
}

/// A typed bound: empty is none; anything else must be a number.
fn bound(typed: &str) -> Result<Option<f64>, ()> {
    if typed.trim().is_empty() {
        Ok(None)
    } else {
        parse_number(typed).map(Some).ok_or(())
    }
}

/// The template the rows hold, or the field a bound is unreadable in.
fn collect(rows: &[StepRow]) -> Result<Vec<StepTemplate>, (String, String)> {
    rows.iter()
        .enumerate()
        .map(|(i, r)| {
            let checks = r
                .checks
                .get_untracked()
                .iter()
                .enumerate()
                .map(|(j, c)| {
                    let kind = c.kind.get_untracked();
                    let number_kind = kind == CheckKind::Number;
                    let read = |part: &str, s: RwSignal<String>| {
                        if !number_kind {
                            return Ok(None);
                        }
                        bound(&s.get_untracked()).map_err(|_| {
                            (
                                format!("steps.{i}.checks.{j}.{part}"),
                                "Indiquez un nombre (par exemple 12,5) ou laissez vide.".to_string(),
                            )
                        })
                    };
                    Ok::<CheckItem, (String, String)>(CheckItem {
                        label: c.label.get_untracked(),
                        kind,
                        unit: if number_kind {
                            c.unit.get_untracked()
                        } else {
                            String::new()
                        },
                        min: read("min", c.min)?,
                        max: read("max", c.max)?,
                        strict: number_kind && c.strict.get_untracked(),
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(StepTemplate {
                name: r.name.get_untracked(),
                requires_photo: r.photo.get_untracked(),
                after_previous: r.ordered.get_untracked(),
                checks,
            })
        })
        .collect()
}

#[component]
fn Editor(templates: StepTemplates, reload: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let keys = Keys(StoredValue::new(0));
    let rows = RwSignal::new(templates.steps.iter().map(|s| StepRow::of(s, keys)).collect::<Vec<_>>());
    let error = RwSignal::new(None::<AppError>);
    let save = ServerAction::<SaveStepTemplates>::new();
    let resetting = RwSignal::new(false);
    on_result(save, error, move |()| {
        toasts.success(if resetting.get_untracked() {
            "Étapes par défaut rétablies."
        } else {
            "Étapes enregistrées : les prochains chantiers les suivront."
        });
        reload.run(());
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let steps = match collect(&rows.get_untracked()) {
            Ok(steps) => steps,
            Err((field, message)) => {
                error.set(Some(AppError::field(&field, message)));
                return;
            }
        };
        if steps.is_empty() {
            error.set(Some(AppError::field(
                "steps",
                "Gardez au moins une étape, ou revenez aux étapes par défaut.",
            )));
            return;
        }
        if let Some((field, message)) = template_problem(&steps) {
            error.set(Some(AppError::field(&field, message)));
            return;
        }
        error.set(None);
        resetting.set(false);
        save.dispatch(SaveStepTemplates { steps });
    };
    let reset = move |_| {
        resetting.set(true);
        error.set(None);
        save.dispatch(SaveStepTemplates { steps: Vec::new() });
    };
    let message = move |field: String| error.with(|e| e.as_ref().and_then(|e| e.field_message(&field)));
    view! {
        <form on:submit=submit novalidate data-testid="step-templates">
            <FormAlert error />
            <p class="mb-4 text-sm text-muted">
                {if templates.custom { "Étapes propres à votre espace." } else { "Étapes par défaut de votre métier." }}
            </p>
            {move || message("steps".into()).map(|m| view! { <p class="field-error mb-3 text-sm" role="alert">{m}</p> })}
            <ol class="grid gap-4">
                <For each=move || rows.get() key=|r| r.key let:row>
                    <StepEditor row rows error keys />
                </For>
            </ol>
            <div class="mt-4 flex flex-wrap gap-3">
                <Button r#type="button" kind=ButtonKind::Secondary testid="add-step"
                    on_click=Callback::new(move |_| rows.update(|r| r.push(StepRow::of(&StepTemplate {
                        name: String::new(), requires_photo: false, after_previous: false, checks: Vec::new(),
                    }, keys))))>
                    "Ajouter une étape"
                </Button>
                <Button busy=save.pending() testid="save-step-templates">"Enregistrer les étapes"</Button>
                {templates.custom.then(|| view! {
                    <Button r#type="button" kind=ButtonKind::Secondary busy=save.pending()
                        on_click=Callback::new(reset)>
                        "Revenir aux étapes par défaut"
                    </Button>
                })}
            </div>
        </form>
    }
}

#[component]
fn StepEditor(
    row: StepRow,
    rows: RwSignal<Vec<StepRow>>,
    error: RwSignal<Option<AppError>>,
    keys: Keys,
) -> impl IntoView {
    let key = row.key;
    let index = move || rows.with(|r| r.iter().position(|x| x.key == key).unwrap_or(0));
    let count = move || rows.with(Vec::len);
    let message = move |part: &'static str| {
        move || {
            let field = format!("steps.{}.{part}", index());
            error.with(|e| e.as_ref().and_then(|e| e.field_message(&field)))
        }
    };
    let name_error = message("name");
    let checks_error = message("checks");
    let shift = move |by: isize| {
        rows.update(|r| {
            let i = index();
            let j = i as isize + by;
            if j >= 0 && (j as usize) < r.len() {
                r.swap(i, j as usize);
            }
        })
    };
    let name_id = format!("st-{key}-name");
    view! {
        <li class="rounded-2xl border border-white/10 bg-white/5 p-4" data-testid="step-template">
            <div class="flex flex-wrap items-end gap-3">
                <div class="min-w-0 flex-1">
                    <label for=name_id.clone() class="block text-sm font-medium text-fg">
                        {move || format!("Étape {}", index() + 1)}
                    </label>
                    <input id=name_id class=INPUT type="text" maxlength="120"
                        aria-invalid=move || if name_error().is_some() { "true" } else { "false" }
                        aria-describedby=format!("st-{key}-name-error")
                        prop:value=move || row.name.get() on:input=move |ev| row.name.set(event_target_value(&ev)) />
                </div>
                <div class="flex gap-2">
                    <button type="button" class="btn-icon min-h-11 min-w-11 rounded-xl border border-white/15 text-fg disabled:opacity-40"
                        disabled=move || index() == 0 on:click=move |_| shift(-1)
                        aria-label=move || format!("Monter l'étape {}", index() + 1)>"↑"</button>
                    <button type="button" class="btn-icon min-h-11 min-w-11 rounded-xl border border-white/15 text-fg disabled:opacity-40"
                        disabled={move || index() + 1 >= count()} on:click=move |_| shift(1)
                        aria-label=move || format!("Descendre l'étape {}", index() + 1)>"↓"</button>
                    <button type="button" class="min-h-11 rounded-xl border border-white/15 px-3 text-sm text-fg"
                        on:click=move |_| rows.update(|r| r.retain(|x| x.key != key))
                        aria-label=move || format!("Supprimer l'étape {}", index() + 1)>"Supprimer"</button>
                </div>
            </div>
            <p id=format!("st-{key}-name-error") class="field-error mt-1 text-sm" role="alert" class:hidden=move || name_error().is_none()>
                {move || name_error().unwrap_or_default()}
            </p>
            <div class="mt-3 flex flex-wrap gap-x-6 gap-y-1">
                <label class="flex min-h-11 items-center gap-3 text-sm text-fg">
                    <input type="checkbox" class="h-5 w-5" prop:checked=move || row.photo.get()
                        on:change=move |ev| row.photo.set(event_target_checked(&ev)) />
                    "Photo obligatoire pour valider"
                </label>
                <label class="flex min-h-11 items-center gap-3 text-sm text-fg">
                    <input type="checkbox" class="h-5 w-5" prop:checked=move || row.ordered.get()
                        on:change=move |ev| row.ordered.set(event_target_checked(&ev)) />
                    "Après les étapes précédentes"
                </label>
            </div>
            <fieldset class="mt-3">
                <legend class="text-sm font-semibold text-fg">"Liste de contrôle"</legend>
                <ul class="mt-2 grid gap-3">
                    <For each=move || row.checks.get() key=|c| c.key let:check>
                        <CheckEditor check step=row step_index=Signal::derive(index) error />
                    </For>
                </ul>
                <p class="field-error mt-1 text-sm" role="alert" class:hidden=move || checks_error().is_none()>
                    {move || checks_error().unwrap_or_default()}
                </p>
                <button type="button" class="link mt-2 min-h-11 text-sm font-semibold"
                    on:click=move |_| row.checks.update(|c| c.push(CheckRow::of(&CheckItem::pass_fail(""), keys)))>
                    "+ Ajouter un point de contrôle"
                </button>
            </fieldset>
        </li>
    }
}

#[component]
fn CheckEditor(
    check: CheckRow,
    step: StepRow,
    step_index: Signal<usize>,
    error: RwSignal<Option<AppError>>,
) -> impl IntoView {
    let key = check.key;
    let index = move || step.checks.with(|c| c.iter().position(|x| x.key == key).unwrap_or(0));
    let message = move |part: &'static str| {
        move || {
            let field = format!("steps.{}.checks.{}.{part}", step_index.get(), index());
            error.with(|e| e.as_ref().and_then(|e| e.field_message(&field)))
        }
    };
    let errors = [message("label"), message("unit"), message("min"), message("max")];
    let any_error = move || errors.iter().find_map(|m| m());
    let id = move |part: &str| format!("ck-{key}-{part}");
    let is_number = move || check.kind.get() == CheckKind::Number;
    view! {
        <li class="grid gap-2 rounded-xl border border-white/10 p-3 sm:grid-cols-[2fr_1fr_auto]">
            <div>
                <label for=id("label") class="block text-xs font-medium text-muted">"Point de contrôle"</label>
                <input id=id("label") class=INPUT type="text" maxlength="120"
                    aria-describedby=id("error")
                    prop:value=move || check.label.get() on:input=move |ev| check.label.set(event_target_value(&ev)) />
            </div>
            <div>
                <label for=id("kind") class="block text-xs font-medium text-muted">"Réponse"</label>
                <select id=id("kind") class=INPUT
                    on:change=move |ev| check.kind.set(CheckKind::parse(&event_target_value(&ev)).unwrap_or(CheckKind::PassFail))>
                    {CheckKind::ALL.into_iter().map(|k| view! {
                        <option value=k.as_str() selected=move || check.kind.get() == k>{k.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <button type="button" class="min-h-11 self-end rounded-xl border border-white/15 px-3 text-sm text-fg"
                on:click=move |_| step.checks.update(|c| c.retain(|x| x.key != key))
                aria-label=move || format!("Retirer le point « {} »", check.label.get())>"Retirer"</button>
            <Show when=is_number>
                <div class="grid grid-cols-3 gap-2 sm:col-span-3">
                    <div>
                        <label for=id("unit") class="block text-xs font-medium text-muted">"Unité"</label>
                        <input id=id("unit") class=INPUT type="text" maxlength="12" placeholder="µm"
                            prop:value=move || check.unit.get() on:input=move |ev| check.unit.set(event_target_value(&ev)) />
                    </div>
                    <div>
                        <label for=id("min") class="block text-xs font-medium text-muted">"Minimum"</label>
                        <input id=id("min") class=INPUT type="text" inputmode="decimal"
                            prop:value=move || check.min.get() on:input=move |ev| check.min.set(event_target_value(&ev)) />
                    </div>
                    <div>
                        <label for=id("max") class="block text-xs font-medium text-muted">"Maximum"</label>
                        <input id=id("max") class=INPUT type="text" inputmode="decimal"
                            prop:value=move || check.max.get() on:input=move |ev| check.max.set(event_target_value(&ev)) />
                    </div>
                </div>
                <label class="flex min-h-11 items-center gap-3 text-sm text-fg sm:col-span-3">
                    <input type="checkbox" class="h-5 w-5" prop:checked=move || check.strict.get()
                        on:change=move |ev| check.strict.set(event_target_checked(&ev)) />
                    "Refuser une valeur hors limites (sinon : gardée avec un avertissement)"
                </label>
            </Show>
            <p id=id("error") class="field-error text-sm sm:col-span-3" role="alert" class:hidden=move || any_error().is_none()>
                {move || any_error().unwrap_or_default()}
            </p>
        </li>
    }
}

#[component]
fn ReadOnly(templates: StepTemplates) -> impl IntoView {
    view! {
        <GlassCard>
            <p class="mb-3 text-sm text-muted">"Seuls le propriétaire et les administrateurs modifient les étapes."</p>
            <ol class="grid gap-3">
                {templates.steps.into_iter().enumerate().map(|(i, s)| view! {
                    <li>
                        <p class="font-medium text-fg">
                            {format!("{}. {}", i + 1, s.name)}
                            {s.requires_photo.then(|| view! { <span class="ml-2"><Badge tone=Tone::Info>"Photo requise"</Badge></span> })}
                        </p>
                        <ul class="ml-5 list-disc text-sm text-muted">
                            {s.checks.into_iter().map(|c| view! {
                                <li>{match c.bounds_label() { Some(b) => format!("{} ({b})", c.label), None => c.label }}</li>
                            }).collect_view()}
                        </ul>
                    </li>
                }).collect_view()}
            </ol>
        </GlassCard>
    }
}
