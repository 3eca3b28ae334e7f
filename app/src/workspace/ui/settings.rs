//! `/app/settings`: workspace name and security policy (owners).

use crate::error::AppError;
use crate::ui::{
    Button, Checkbox, ErrorState, FormAlert, GlassCard, LoadingState, PageHeader, TextField, clear_field, field_error,
    on_result, use_toasts,
};
use crate::workspace::WorkspaceSettings;
use crate::workspace::api::{UpdateWorkspaceSettings, fetch_workspace_settings};
use leptos::prelude::*;
use leptos_meta::Title;

/// Workspace settings page.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let settings = Resource::new(|| (), |_| fetch_workspace_settings());
    view! {
        <Title text="Paramètres" />
        <PageHeader title="Paramètres de l'espace".to_string() subtitle="Nom et règles de sécurité." />
        <Suspense fallback=|| view! { <LoadingState /> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(s) => view! { <SettingsForm settings=s /> }.into_any(),
                    Err(error) => view! { <ErrorState error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SettingsForm(settings: WorkspaceSettings) -> impl IntoView {
    let toasts = use_toasts();
    let action = ServerAction::<UpdateWorkspaceSettings>::new();
    let name = RwSignal::new(settings.name.clone());
    let require = RwSignal::new(settings.require_owner_totp);
    let error = RwSignal::new(None::<AppError>);
    on_result(action, error, move |_| toasts.success("Paramètres enregistrés."));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Err(message) = crate::domain::WorkspaceName::parse(&name.get_untracked()) {
            error.set(Some(AppError::field("name", message)));
            return;
        }
        error.set(None);
        action.dispatch(UpdateWorkspaceSettings {
            name: name.get_untracked(),
            require_owner_totp: require.get_untracked().then(|| "on".to_string()),
        });
    };
    view! {
        <GlassCard class="max-w-2xl">
            <form novalidate on:submit=on_submit data-testid="settings-form">
                <FormAlert error />
                <TextField
                    label="Nom de l'entreprise"
                    name="name"
                    autocomplete="organization"
                    required=true
                    value=name
                    error=field_error(error, "name")
                    on_input=Callback::new(move |_| clear_field(error, "name"))
                />
                <p class="mb-4 text-sm text-muted">"Métier : " {settings.pack.label()}</p>
                <Checkbox name="require_owner_totp" checked=require error=field_error(error, "require_owner_totp")>
                    <span class="font-medium">"Exiger la double authentification pour les propriétaires"</span>
                    <span class="block text-xs text-muted">
                        "Un propriétaire sans double authentification devra l'activer avant d'accéder à l'espace."
                    </span>
                </Checkbox>
                <Button busy=action.pending() testid="save-settings">
                    "Enregistrer"
                </Button>
            </form>
        </GlassCard>
    }
}
