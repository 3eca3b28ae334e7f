//! `/app/dashboard/settings`: the assumptions behind the estimates, and the
//! API keys of the DM-setter feed (owners and admins).

use crate::dashboard::api::{SaveCoachSettings, fetch_coach_settings};
use crate::error::AppError;
use crate::setter::api::{CreateApiKey, RevokeApiKey, list_api_keys};
use crate::ui::{
    Button, ErrorState, FormAlert, GlassCard, LoadingState, PageHeader, TextField, clear_field, field_error, on_result,
};
use leptos::prelude::*;
use leptos_meta::Title;

/// The settings page.
#[component]
pub fn DashboardSettingsPage() -> impl IntoView {
    view! {
        <Title text="Réglages du tableau de bord" />
        <PageHeader
            title="Réglages du tableau de bord".to_string()
            subtitle="Hypothèses des estimations et clés API du flux du setter."
        />
        <div class="grid gap-6 lg:grid-cols-2">
            <EstimatesForm />
            <ApiKeys />
        </div>
    }
}

#[component]
fn EstimatesForm() -> impl IntoView {
    let current = Resource::new(|| (), |_| fetch_coach_settings());
    view! {
        <GlassCard>
            <h2 class="mb-4 text-lg font-semibold text-fg">"Hypothèses des estimations"</h2>
            <Suspense fallback=|| view! { <LoadingState rows=4 /> }>
                {move || Suspend::new(async move {
                    match current.await {
                        Err(error) => view! { <ErrorState error /> }.into_any(),
                        Ok(e) => view! { <EstimatesFields e /> }.into_any(),
                    }
                })}
            </Suspense>
        </GlassCard>
    }
}

#[component]
fn EstimatesFields(e: crate::domain::kpi::Estimates) -> impl IntoView {
    let action = ServerAction::<SaveCoachSettings>::new();
    let error = RwSignal::new(None::<AppError>);
    let saved = RwSignal::new(false);
    let lead_magnet = RwSignal::new(e.lead_magnet_pct.to_string());
    let no_show = RwSignal::new(e.no_show_pct.to_string());
    let ai = RwSignal::new(e.ai_efficiency_pct.to_string());
    let minutes = RwSignal::new(e.minutes_per_message.to_string());
    let cents = e.monthly_cost_cents;
    let cost = RwSignal::new(if cents % 100 == 0 {
        (cents / 100).to_string()
    } else {
        format!("{},{:02}", cents / 100, cents % 100)
    });
    on_result(action, error, move |_| {
        error.set(None);
        saved.set(true);
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        action.dispatch(SaveCoachSettings {
            lead_magnet_pct: lead_magnet.get_untracked(),
            no_show_pct: no_show.get_untracked(),
            ai_efficiency_pct: ai.get_untracked(),
            minutes_per_message: minutes.get_untracked(),
            monthly_cost: cost.get_untracked(),
        });
    };
    let field = move |label: &'static str, name: &'static str, value: RwSignal<String>, hint: &'static str| {
        view! {
            <TextField
                label
                name
                value
                hint
                inputmode="decimal"
                error=field_error(error, name)
                on_input=Callback::new(move |_| clear_field(error, name))
            />
        }
    };
    view! {
        <form novalidate on:submit=on_submit data-testid="estimates-form">
            <FormAlert error />
            {field("Lead magnets envoyés (%)", "lead_magnet_pct", lead_magnet, "Part des prospects qualifiés qui reçoivent le lead magnet.")}
            {field("No-show (%)", "no_show_pct", no_show, "Part des calls réservés qui n'ont pas lieu.")}
            {field("Efficacité IA (%)", "ai_efficiency_pct", ai, "Part des conversations menées sans vous (déclaratif).")}
            {field("Minutes par message", "minutes_per_message", minutes, "Temps qu'une personne passerait à écrire un DM.")}
            {field("Coût mensuel du setter (€)", "monthly_cost", cost, "Outil, publicité… : sert au ROI et au coût d'acquisition.")}
            <div class="flex items-center gap-3">
                <Button busy=action.pending() testid="save-estimates">"Enregistrer"</Button>
                <p class="text-sm font-medium text-fg" role="status">{move || saved.get().then_some("Enregistré.")}</p>
            </div>
        </form>
    }
}

#[component]
fn ApiKeys() -> impl IntoView {
    let keys = Resource::new(|| (), |_| list_api_keys());
    let create = ServerAction::<CreateApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    let error = RwSignal::new(None::<AppError>);
    let name = RwSignal::new("n8n".to_string());
    let secret = RwSignal::new(None::<String>);
    on_result(create, error, move |k| {
        error.set(None);
        secret.set(Some(k.secret));
        keys.refetch();
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = revoke.value().get() {
            keys.refetch();
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch(CreateApiKey {
            name: name.get_untracked(),
        });
    };
    view! {
        <GlassCard>
            <h2 class="mb-1 text-lg font-semibold text-fg">"Clés API"</h2>
            <p class="mb-4 text-sm text-muted">
                "n8n envoie les évènements du setter à "
                <code class="text-fg">"POST /api/v1/setter/events"</code>
                " avec l'en-tête "
                <code class="text-fg">"Authorization: Bearer <clé>"</code>
                "."
            </p>
            <form novalidate on:submit=on_submit data-testid="api-key-form">
                <FormAlert error />
                <TextField
                    label="Nom de la clé"
                    name="name"
                    value=name
                    error=field_error(error, "name")
                    on_input=Callback::new(move |_| clear_field(error, "name"))
                />
                <Button busy=create.pending() testid="create-api-key">"Créer une clé"</Button>
            </form>
            {move || secret.get().map(|s| view! {
                <div class="mt-4 rounded-xl border border-amber-400/40 bg-amber-500/10 p-3" role="status">
                    <p class="text-sm text-fg">"Copiez cette clé maintenant : elle ne sera plus affichée."</p>
                    <code class="mt-2 block break-all text-sm text-fg" data-testid="api-key-secret">{s}</code>
                </div>
            })}
            <Suspense fallback=|| view! { <LoadingState rows=2 /> }>
                {move || Suspend::new(async move {
                    match keys.await {
                        Err(error) => view! { <ErrorState error /> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="mt-4 text-sm text-muted">"Aucune clé pour l'instant."</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="mt-4 divide-y divide-line" data-testid="api-keys">
                                {list.into_iter().map(|k| {
                                    let id = k.id;
                                    let revoked = k.revoked_at.is_some();
                                    let state = match (&k.revoked_at, &k.last_used_at) {
                                        (Some(r), _) => format!("Révoquée le {r}"),
                                        (None, Some(u)) => format!("Utilisée le {u}"),
                                        (None, None) => "Jamais utilisée".into(),
                                    };
                                    view! {
                                        <li class="flex flex-wrap items-center justify-between gap-2 py-3">
                                            <div class="min-w-0">
                                                <p class="font-medium text-fg">{k.name.clone()}" "<code class="text-xs text-muted">{format!("{}…", k.prefix)}</code></p>
                                                <p class="text-xs text-muted">{format!("Créée le {} · {state}", k.created_at)}</p>
                                            </div>
                                            {(!revoked).then(|| view! {
                                                <button
                                                    type="button"
                                                    class=crate::ui::button_class(crate::ui::ButtonKind::Danger)
                                                    on:click=move |_| { revoke.dispatch(RevokeApiKey { id }); }
                                                >
                                                    {format!("Révoquer « {} »", k.name)}
                                                </button>
                                            })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </GlassCard>
    }
}
