//! `/signup`: account, workspace and trade pack in one step.

use super::follow;
use crate::auth::api::SignUp;
use crate::domain::{Email, Password, PersonName, TradePack, WorkspaceName};
use crate::error::{AppError, FieldErrors};
use crate::shell::public::AuthFrame;
use crate::ui::{Button, Checkbox, FormAlert, TextField, clear_field, field_error, focus_first_error, on_result};
use leptos::prelude::*;
use leptos_meta::Title;

/// Sign-up page.
#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let workspace_name = RwSignal::new(String::new());
    let pack = RwSignal::new(String::new());
    let consent = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    on_result(action, error, follow);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut errors = FieldErrors::new();
        errors.check("name", PersonName::parse(&name.get_untracked()));
        errors.check("email", Email::parse(&email.get_untracked()));
        errors.check("password", Password::parse(&password.get_untracked()));
        errors.check("workspace_name", WorkspaceName::parse(&workspace_name.get_untracked()));
        if TradePack::parse(&pack.get_untracked()).is_none() {
            errors.push("pack", "Choisissez votre métier.");
        }
        if !consent.get_untracked() {
            errors.push(
                "consent",
                "Vous devez accepter la politique de confidentialité pour créer un compte.",
            );
        }
        if !errors.is_empty() {
            focus_first_error(&errors);
            error.set(Some(AppError::Validation(errors)));
            return;
        }
        error.set(None);
        action.dispatch(SignUp {
            name: name.get_untracked(),
            email: email.get_untracked(),
            password: password.get_untracked(),
            workspace_name: workspace_name.get_untracked(),
            pack: pack.get_untracked(),
            consent: Some("on".into()),
        });
    };
    let pack_error = field_error(error, "pack");
    view! {
        <Title text="Créer un compte" />
        <AuthFrame title="Créer votre espace Comptoir" subtitle="Gratuit pendant l'essai, sans carte bancaire." wide=true>
            <form action="/api/sign_up" method="post" novalidate on:submit=on_submit data-testid="signup-form">
                <FormAlert error />
                <div class="grid gap-x-4 sm:grid-cols-2">
                    <TextField
                        label="Votre nom"
                        name="name"
                        autocomplete="name"
                        required=true
                        value=name
                        error=field_error(error, "name")
                        on_input=Callback::new(move |_| clear_field(error, "name"))
                    />
                    <TextField
                        label="Adresse e-mail"
                        name="email"
                        kind="email"
                        autocomplete="email"
                        inputmode="email"
                        required=true
                        value=email
                        error=field_error(error, "email")
                        on_input=Callback::new(move |_| clear_field(error, "email"))
                    />
                    <TextField
                        label="Mot de passe"
                        name="password"
                        kind="password"
                        autocomplete="new-password"
                        hint="10 caractères minimum."
                        required=true
                        value=password
                        error=field_error(error, "password")
                        on_input=Callback::new(move |_| clear_field(error, "password"))
                    />
                    <TextField
                        label="Nom de votre entreprise"
                        name="workspace_name"
                        autocomplete="organization"
                        required=true
                        value=workspace_name
                        error=field_error(error, "workspace_name")
                        on_input=Callback::new(move |_| clear_field(error, "workspace_name"))
                    />
                </div>
                <fieldset
                    class="mb-4"
                    aria-describedby="f-pack-error"
                    aria-invalid=move || if pack_error.get().is_some() { "true" } else { "false" }
                >
                    <legend class="mb-2 text-sm font-medium text-fg">"Votre métier"</legend>
                    <div class="grid gap-3 sm:grid-cols-2">
                        {TradePack::ALL
                            .into_iter()
                            .enumerate()
                            .map(|(i, p)| {
                                let id = if i == 0 { "f-pack".to_string() } else { format!("f-pack-{}", p.as_str()) };
                                let label_for = id.clone();
                                view! {
                                    <label
                                        for=label_for
                                        class="pack-option glass flex cursor-pointer gap-3 rounded-2xl p-4"
                                    >
                                        <input
                                            id=id
                                            type="radio"
                                            name="pack"
                                            value=p.as_str()
                                            class="mt-1 h-4 w-4 accent-indigo-500"
                                            prop:checked=move || pack.get() == p.as_str()
                                            on:change=move |_| {
                                                pack.set(p.as_str().to_string());
                                                clear_field(error, "pack");
                                            }
                                        />
                                        <span>
                                            <span class="block text-sm font-semibold text-fg">{p.label()}</span>
                                            <span class="block text-xs text-muted">{p.description()}</span>
                                        </span>
                                    </label>
                                }
                            })
                            .collect_view()}
                    </div>
                    <p id="f-pack-error" class="field-error mt-1 text-sm" class:hidden=move || pack_error.get().is_none()>
                        {move || pack_error.get().unwrap_or_default()}
                    </p>
                </fieldset>
                <Checkbox name="consent" checked=consent error=field_error(error, "consent")>
                    "J'accepte la "
                    <a href="/confidentialite" class="link font-semibold" target="_blank">
                        "politique de confidentialité"
                    </a>
                    " et le traitement de mes données pour utiliser Comptoir."
                </Checkbox>
                <Button class="w-full" busy=action.pending() testid="sign-up">
                    "Créer mon espace"
                </Button>
            </form>
            <p class="mt-6 text-center text-sm text-muted">
                "Déjà un compte ? "
                <a href="/login" class="link font-semibold">
                    "Se connecter"
                </a>
            </p>
        </AuthFrame>
    }
}
