//! `/app/workspaces/new`: another workspace for the signed-in user.

use crate::domain::{TradePack, WorkspaceName};
use crate::error::{AppError, FieldErrors};
use crate::ui::{
    Button, FormAlert, GlassCard, PageHeader, SelectField, TextField, clear_field, field_error, go, on_result,
};
use crate::workspace::api::CreateWorkspace;
use leptos::prelude::*;
use leptos_meta::Title;

/// Workspace creation page.
#[component]
pub fn NewWorkspacePage() -> impl IntoView {
    let action = ServerAction::<CreateWorkspace>::new();
    let name = RwSignal::new(String::new());
    let pack = RwSignal::new(TradePack::Artisan.as_str().to_string());
    let error = RwSignal::new(None::<AppError>);
    on_result(action, error, move |_| go("/app"));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut errors = FieldErrors::new();
        errors.check("name", WorkspaceName::parse(&name.get_untracked()));
        if !errors.is_empty() {
            error.set(Some(AppError::Validation(errors)));
            return;
        }
        error.set(None);
        action.dispatch(CreateWorkspace {
            name: name.get_untracked(),
            pack: pack.get_untracked(),
        });
    };
    let options = TradePack::ALL
        .into_iter()
        .map(|p| (p.as_str().to_string(), p.label().to_string()))
        .collect::<Vec<_>>();
    view! {
        <Title text="Nouvel espace" />
        <PageHeader
            title="Créer un espace".to_string()
            subtitle="Un espace par entreprise : ses membres, son pipeline et ses données restent séparés."
        />
        <GlassCard class="max-w-xl">
            <form novalidate on:submit=on_submit data-testid="new-workspace-form">
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
                <SelectField label="Métier" name="pack" value=pack options error=field_error(error, "pack") />
                <Button busy=action.pending() testid="create-workspace">
                    "Créer l'espace"
                </Button>
            </form>
        </GlassCard>
    }
}
