//! `/app/pipeline/settings`: stages of a pipeline (owners and admins).

use crate::domain::PipelineId;
use crate::domain::StageKind;
use crate::error::AppError;
use crate::pipeline::api::{AddStage, RemoveStage, ReorderStage, UpdateStage, fetch_pipeline_settings};
use crate::pipeline::{PipelineSettings, StageSetting};
use crate::setter::SetterStatus;
use crate::ui::{
    Badge, Button, ButtonKind, ErrorState, FormAlert, GlassCard, Icon, IconName, LoadingState, PageHeader, SelectField,
    TextField, Tone, clear_field, field_error, on_result, use_toasts,
};
use crate::workspace::StageView;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Stage settings page.
#[component]
pub fn PipelineSettingsPage() -> impl IntoView {
    let query = use_query_map();
    let pipeline = Memo::new(move |_| query.with(|q| q.get("pipeline").and_then(|v| v.parse::<PipelineId>().ok())));
    let settings = Resource::new(move || pipeline.get(), fetch_pipeline_settings);
    let reload = Callback::new(move |_| settings.refetch());
    view! {
        <Title text="Étapes du pipeline" />
        <p class="mb-4"><a href="/app/pipeline" class="link text-sm">"← Pipeline"</a></p>
        <PageHeader
            title="Étapes du pipeline".to_string()
            subtitle="Renommez, colorez, réordonnez ; avant de supprimer une étape, ses cartes sont déplacées."
        />
        <Transition fallback=|| view! { <LoadingState rows=6 /> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(s) => view! { <StageList settings=s reload /> }.into_any(),
                    Err(error) => view! { <ErrorState error retry=reload /> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn kind_badge(kind: StageKind) -> impl IntoView {
    match kind {
        StageKind::Open => view! { <Badge tone=Tone::Info>"En cours"</Badge> },
        StageKind::Won => view! { <Badge tone=Tone::Success>"Gagné"</Badge> },
        StageKind::Lost => view! { <Badge tone=Tone::Danger>"Perdu"</Badge> },
    }
}

#[component]
fn StageList(settings: PipelineSettings, reload: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let reorder = ServerAction::<ReorderStage>::new();
    Effect::new(move |_| match reorder.value().get() {
        Some(Ok(())) => reload.run(()),
        Some(Err(e)) => toasts.error(e.to_string()),
        None => {}
    });
    let all: Vec<StageView> = settings.stages.iter().map(|s| s.stage.clone()).collect();
    let pipeline_id = settings.pipeline_id;
    let setter_feed = settings.setter_feed;
    view! {
        <div class="grid gap-6 xl:grid-cols-3">
            <GlassCard class="xl:col-span-2">
                <ol class="divide-y divide-line" data-testid="stage-settings">
                    {settings
                        .stages
                        .into_iter()
                        .map(|row| {
                            let StageSetting { stage, cards: count, is_quote_stage: quote, setter_status } = row;
                            let id = stage.id;
                            view! {
                                <li class="py-3">
                                    <div class="flex flex-wrap items-center gap-2">
                                        <span class="h-3 w-3 rounded-full" style=format!("background:{}", stage.color) aria-hidden="true"></span>
                                        <span class="font-medium text-fg">{stage.name.clone()}</span>
                                        {kind_badge(stage.kind)}
                                        {quote.then(|| view! { <Badge tone=Tone::Accent>"Étape devis"</Badge> })}
                                        {setter_status.map(|st| view! { <Badge tone=Tone::Accent>{format!("Setter : {}", st.label())}</Badge> })}
                                        <span class="text-xs text-muted">{format!("{count} carte(s) · {} %", stage.probability)}</span>
                                        <span class="ml-auto flex gap-1">
                                            <button type="button" class="btn rounded-lg p-1.5 text-fg hover:bg-white/10" aria-label=format!("Monter « {} »", stage.name)
                                                on:click=move |_| { reorder.dispatch(ReorderStage { stage_id: id, offset: -1 }); }>
                                                <span aria-hidden="true">"↑"</span>
                                            </button>
                                            <button type="button" class="btn rounded-lg p-1.5 text-fg hover:bg-white/10" aria-label=format!("Descendre « {} »", stage.name)
                                                on:click=move |_| { reorder.dispatch(ReorderStage { stage_id: id, offset: 1 }); }>
                                                <span aria-hidden="true">"↓"</span>
                                            </button>
                                        </span>
                                    </div>
                                    <details class="mt-2">
                                        <summary class="link cursor-pointer text-sm">"Modifier ou supprimer"</summary>
                                        <StageEditor stage=stage.clone() quote count setter=setter_feed.then_some(setter_status) others=all.clone() reload />
                                    </details>
                                </li>
                            }
                        })
                        .collect_view()}
                </ol>
            </GlassCard>
            <AddStageForm pipeline_id reload />
        </div>
    }
}

#[component]
fn StageEditor(
    stage: StageView,
    quote: bool,
    count: u64,
    /// The setter status linked to the stage, when the feed uses this pipeline.
    setter: Option<Option<SetterStatus>>,
    others: Vec<StageView>,
    reload: Callback<()>,
) -> impl IntoView {
    let toasts = use_toasts();
    let update = ServerAction::<UpdateStage>::new();
    let remove = ServerAction::<RemoveStage>::new();
    let name = RwSignal::new(stage.name.clone());
    let color = RwSignal::new(stage.color.clone());
    let probability = RwSignal::new(stage.probability.to_string());
    let is_quote = RwSignal::new(quote);
    let setter_status = RwSignal::new(setter.flatten().map(|s| s.key().to_string()).unwrap_or_default());
    let setter_options: Vec<(String, String)> = std::iter::once((String::new(), "Aucun".to_string()))
        .chain(
            SetterStatus::ALL
                .iter()
                .map(|s| (s.key().to_string(), s.label().to_string())),
        )
        .collect();
    let move_to = RwSignal::new(
        others
            .iter()
            .find(|s| s.id != stage.id)
            .map(|s| s.id.to_string())
            .unwrap_or_default(),
    );
    let error = RwSignal::new(None::<AppError>);
    let remove_error = RwSignal::new(None::<AppError>);
    on_result(update, error, move |_| {
        toasts.success("Étape enregistrée.");
        reload.run(());
    });
    on_result(remove, remove_error, move |_| {
        toasts.success("Étape supprimée.");
        reload.run(());
    });
    let id = stage.id;
    let on_save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(p) = probability_of(&probability.get_untracked(), error) else {
            return;
        };
        update.dispatch(UpdateStage {
            stage_id: id,
            name: name.get_untracked(),
            color: color.get_untracked(),
            probability: p,
            is_quote_stage: is_quote.get_untracked().then(|| "on".into()),
            setter_status: setter.is_some().then(|| setter_status.get_untracked()),
        });
    };
    let targets: Vec<(String, String)> = others
        .iter()
        .filter(|s| s.id != stage.id)
        .map(|s| (s.id.to_string(), s.name.clone()))
        .collect();
    let color_id = format!("color-{id}");
    let quote_id = format!("quote-{id}");
    view! {
        <form class="mt-3 grid gap-x-3 sm:grid-cols-3" on:submit=on_save novalidate>
            <div class="sm:col-span-3"><FormAlert error /></div>
            <TextField label="Nom" name="name" value=name error=field_error(error, "name") on_input=Callback::new(move |_| clear_field(error, "name")) />
            <div class="mb-4">
                <label for=color_id.clone() class="block text-sm font-medium text-fg">"Couleur"</label>
                <input id=color_id type="color" class="mt-1.5 h-10 w-full cursor-pointer rounded-xl" prop:value=move || color.get()
                    on:input=move |ev| color.set(event_target_value(&ev)) />
            </div>
            <TextField label="Probabilité (%)" name="probability" inputmode="numeric" value=probability error=field_error(error, "probability") on_input=Callback::new(move |_| clear_field(error, "probability")) />
            {(stage.kind == StageKind::Open).then(|| view! {
                <label for=quote_id.clone() class="mb-4 flex items-center gap-2 text-sm text-fg sm:col-span-3">
                    <input id=quote_id.clone() type="checkbox" class="h-4 w-4 accent-indigo-500" prop:checked=move || is_quote.get()
                        on:change=move |ev| is_quote.set(event_target_checked(&ev)) />
                    "Étape devis : une affaire y arrive quand son devis est envoyé"
                </label>
            })}
            {setter.is_some().then(|| view! {
                <div class="sm:col-span-3">
                    <SelectField label="Statut du setter (les prospects de ce statut arrivent ici)" name="setter_status" value=setter_status options=setter_options.clone() error=field_error(error, "setter_status") />
                </div>
            })}
            <div class="sm:col-span-3"><Button kind=ButtonKind::Secondary busy=update.pending()>"Enregistrer"</Button></div>
        </form>
        <div class="mt-4 rounded-xl border border-line p-3">
            <FormAlert error=remove_error />
            {(count > 0).then(|| view! {
                <SelectField label="Déplacer ses cartes vers" name="move_to" value=move_to options=targets.clone() error=field_error(remove_error, "move_to") />
            })}
            <Button kind=ButtonKind::Danger r#type="button" busy=remove.pending()
                on_click=Callback::new(move |_| {
                    remove.dispatch(RemoveStage { stage_id: id, move_to: (count > 0).then(|| move_to.get_untracked().parse().ok()).flatten() });
                })>
                <Icon name=IconName::Close />
                {if count > 0 { format!("Déplacer {count} carte(s) et supprimer") } else { "Supprimer l'étape".to_string() }}
            </Button>
        </div>
    }
}

#[component]
fn AddStageForm(pipeline_id: PipelineId, reload: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let action = ServerAction::<AddStage>::new();
    let name = RwSignal::new(String::new());
    let color = RwSignal::new("#0ea5e9".to_string());
    let kind = RwSignal::new("open".to_string());
    let probability = RwSignal::new("50".to_string());
    let error = RwSignal::new(None::<AppError>);
    on_result(action, error, move |stage| {
        toasts.success(format!("Étape « {} » ajoutée.", stage.name));
        name.set(String::new());
        reload.run(());
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(p) = probability_of(&probability.get_untracked(), error) else {
            return;
        };
        action.dispatch(AddStage {
            pipeline_id,
            name: name.get_untracked(),
            color: color.get_untracked(),
            kind: kind.get_untracked(),
            probability: p,
        });
    };
    let kinds = vec![
        ("open".to_string(), "En cours".to_string()),
        ("won".to_string(), "Gagné".to_string()),
        ("lost".to_string(), "Perdu".to_string()),
    ];
    view! {
        <GlassCard class="self-start">
            <h2 class="mb-3 text-lg font-semibold text-fg">"Ajouter une étape"</h2>
            <form on:submit=on_submit novalidate data-testid="add-stage-form">
                <FormAlert error />
                <TextField label="Nom" name="name" required=true value=name error=field_error(error, "name") on_input=Callback::new(move |_| clear_field(error, "name")) />
                <SelectField label="Type" name="kind" value=kind options=kinds error=field_error(error, "kind") />
                <div class="mb-4">
                    <label for="new-stage-color" class="block text-sm font-medium text-fg">"Couleur"</label>
                    <input id="new-stage-color" type="color" class="mt-1.5 h-10 w-full cursor-pointer rounded-xl" prop:value=move || color.get()
                        on:input=move |ev| color.set(event_target_value(&ev)) />
                </div>
                <TextField label="Probabilité (%)" name="probability" inputmode="numeric" value=probability error=field_error(error, "probability") on_input=Callback::new(move |_| clear_field(error, "probability")) />
                <Button class="w-full" busy=action.pending()>"Ajouter"</Button>
            </form>
        </GlassCard>
    }
}

/// The probability typed in a stage form, or the field's error set.
fn probability_of(text: &str, error: RwSignal<Option<AppError>>) -> Option<i32> {
    match text.trim().parse::<i32>() {
        Ok(p) if (0..=100).contains(&p) => Some(p),
        _ => {
            error.set(Some(AppError::field(
                "probability",
                "Saisissez un nombre entre 0 et 100.",
            )));
            None
        }
    }
}
