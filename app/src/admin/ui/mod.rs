//! `/admin`: platform administration.

use crate::admin::api::{CreateCoach, fetch_admin_overview};
use crate::error::AppError;
use crate::ui::{
    Badge, Button, ErrorState, FormAlert, GlassCard, LoadingState, PageHeader, StatTile, TextField, Tone, clear_field,
    field_error, on_result,
};
use leptos::prelude::*;
use leptos_meta::Title;

/// Platform admin page.
#[component]
pub fn AdminPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| fetch_admin_overview());
    view! {
        <Title text="Administration" />
        <PageHeader title="Administration de la plateforme".to_string() subtitle="Espaces, comptes et file d'envoi." />
        <nav aria-label="Place de marché" class="mb-6 flex flex-wrap gap-3">
            <a href="/admin/leads" class="link" data-testid="admin-leads-link">"Demandes publiques (routage)"</a>
            <a href="/admin/map" class="link">"Carte des artisans et des demandes"</a>
            <a href="/admin/artisans" class="link">"Artisans (profils et documents)"</a>
            <a href="/demande" class="link">"Formulaire public /demande"</a>
        </nav>
        <crate::marketplace::ui::ModerationQueue />
        <CreateCoachForm on_created=Callback::new(move |_| data.refetch()) />
        <Suspense fallback=|| view! { <LoadingState rows=6 /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <ErrorState error /> }.into_any(),
                    Ok(o) => {
                        view! {
                            <div class="mb-6 grid grid-cols-2 gap-3 lg:grid-cols-4">
                                <StatTile label="Espaces" value=o.workspaces.len().to_string() />
                                <StatTile label="Comptes" value=o.users.to_string() detail=format!("{} avec 2FA", o.users_with_totp) />
                                <StatTile label="E-mails en file" value=o.emails_pending.to_string() />
                                <StatTile label="E-mails en échec" value=o.emails_failed.to_string() />
                            </div>
                            <GlassCard padded=false>
                                <div class="overflow-x-auto" tabindex="0" role="region" aria-label="Espaces de la plateforme">
                                <table class="w-full min-w-[640px] text-left text-sm" data-testid="admin-workspaces">
                                    <caption class="sr-only">"Espaces de la plateforme et leur activité"</caption>
                                    <thead class="text-xs uppercase tracking-wide text-muted">
                                        <tr>
                                            <th scope="col" class="px-6 py-3">"Espace"</th>
                                            <th scope="col" class="px-3 py-3">"Métier"</th>
                                            <th scope="col" class="px-3 py-3 text-right">"Membres"</th>
                                            <th scope="col" class="px-3 py-3 text-right">"Événements 30 j"</th>
                                            <th scope="col" class="px-3 py-3">"Dernière activité"</th>
                                            <th scope="col" class="px-6 py-3">"Créé le"</th>
                                        </tr>
                                    </thead>
                                    <tbody class="divide-y divide-line">
                                        {o
                                            .workspaces
                                            .into_iter()
                                            .map(|w| {
                                                view! {
                                                    <tr>
                                                        <th scope="row" class="px-6 py-3 font-medium text-fg">{w.name}</th>
                                                        <td class="px-3 py-3"><Badge tone=Tone::Accent>{w.pack.label()}</Badge></td>
                                                        <td class="px-3 py-3 text-right text-fg">{w.members}</td>
                                                        <td class="px-3 py-3 text-right text-fg">{w.events_30d}</td>
                                                        <td class="px-3 py-3 text-muted">{w.last_activity.unwrap_or_else(|| "—".into())}</td>
                                                        <td class="px-6 py-3 text-muted">{w.created_at}</td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                                </div>
                            </GlassCard>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// Creates a coach (account + coach workspace); they receive a magic link.
#[component]
fn CreateCoachForm(on_created: Callback<()>) -> impl IntoView {
    let action = ServerAction::<CreateCoach>::new();
    let error = RwSignal::new(None::<AppError>);
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let workspace_name = RwSignal::new(String::new());
    let specialty = RwSignal::new(String::new());
    let done = RwSignal::new(None::<String>);
    on_result(action, error, move |_| {
        error.set(None);
        done.set(Some(format!(
            "Espace créé : un lien de connexion a été envoyé à {}.",
            email.get_untracked()
        )));
        for field in [name, email, workspace_name, specialty] {
            field.set(String::new());
        }
        on_created.run(());
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        action.dispatch(CreateCoach {
            name: name.get_untracked(),
            email: email.get_untracked(),
            workspace_name: workspace_name.get_untracked(),
            specialty: specialty.get_untracked(),
        });
    };
    view! {
        <GlassCard class="mb-6">
            <h2 class="mb-4 text-lg font-semibold text-fg">"Créer un coach"</h2>
            <form novalidate on:submit=on_submit data-testid="create-coach-form" class="grid gap-x-4 sm:grid-cols-2">
                <div class="sm:col-span-2"><FormAlert error /></div>
                <TextField label="Nom du coach" name="name" value=name required=true autocomplete="off"
                    error=field_error(error, "name") on_input=Callback::new(move |_| clear_field(error, "name")) />
                <TextField label="E-mail" name="email" kind="email" value=email required=true autocomplete="off"
                    error=field_error(error, "email") on_input=Callback::new(move |_| clear_field(error, "email")) />
                <TextField label="Nom de l'espace" name="workspace_name" value=workspace_name hint="Par défaut : « <nom> Coaching »."
                    error=field_error(error, "workspace_name") on_input=Callback::new(move |_| clear_field(error, "workspace_name")) />
                <TextField label="Spécialité" name="specialty" value=specialty placeholder="fitness, yoga…"
                    error=field_error(error, "specialty") on_input=Callback::new(move |_| clear_field(error, "specialty")) />
                <div class="flex flex-wrap items-center gap-3 sm:col-span-2">
                    <Button busy=action.pending() testid="create-coach">"Créer le coach et envoyer le lien"</Button>
                    <p class="text-sm font-medium text-fg" role="status" data-testid="create-coach-done">{move || done.get()}</p>
                </div>
            </form>
        </GlassCard>
    }
}
