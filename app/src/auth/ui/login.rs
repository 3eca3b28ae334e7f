//! `/login`: password or emailed link.

use super::follow;
use crate::auth::api::{RequestMagicLink, SignIn};
use crate::domain::Email;
use crate::error::{AppError, FieldErrors};
use crate::shell::public::AuthFrame;
use crate::ui::{Button, FormAlert, Icon, IconName, TextField, clear_field, field_error, focus_first_error, on_result};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Sign-in page.
#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let next = move || query.with(|q| q.get("next"));
    let reset_done = move || query.with(|q| q.get("reset").is_some());
    let magic_mode = RwSignal::new(false);
    view! {
        <Title text="Connexion" />
        <AuthFrame title="Connexion" subtitle="Content de vous revoir sur Comptoir.">
            <Show when=reset_done>
                <p class="alert-success mb-4 rounded-xl px-3 py-2.5 text-sm" role="status">
                    "Mot de passe modifié. Connectez-vous avec le nouveau."
                </p>
            </Show>
            <div role="tablist" aria-label="Mode de connexion" class="mb-6 grid grid-cols-2 gap-1 rounded-xl bg-white/5 p-1">
                <button
                    type="button"
                    role="tab"
                    id="tab-password"
                    aria-controls="panel-login"
                    aria-selected=move || if magic_mode.get() { "false" } else { "true" }
                    class="tab rounded-lg px-3 py-2 text-sm font-semibold"
                    on:click=move |_| magic_mode.set(false)
                >
                    "Mot de passe"
                </button>
                <button
                    type="button"
                    role="tab"
                    id="tab-magic"
                    aria-controls="panel-login"
                    aria-selected=move || if magic_mode.get() { "true" } else { "false" }
                    class="tab rounded-lg px-3 py-2 text-sm font-semibold"
                    on:click=move |_| magic_mode.set(true)
                    data-testid="magic-tab"
                >
                    "Lien par e-mail"
                </button>
            </div>
            <div id="panel-login" role="tabpanel">
                <Show when=move || magic_mode.get() fallback=move || view! { <PasswordForm next=next() /> }>
                    <MagicLinkForm />
                </Show>
            </div>
            <p class="mt-6 text-center text-sm text-muted">
                "Pas encore de compte ? "
                <a href="/signup" class="link font-semibold">
                    "Créer un compte"
                </a>
            </p>
        </AuthFrame>
    }
}

#[component]
fn PasswordForm(next: Option<String>) -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    on_result(action, error, follow);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut errors = FieldErrors::new();
        errors.check("email", Email::parse(&email.get_untracked()));
        if password.with_untracked(String::is_empty) {
            errors.push("password", "Saisissez votre mot de passe.");
        }
        if !errors.is_empty() {
            focus_first_error(&errors);
            error.set(Some(AppError::Validation(errors)));
            return;
        }
        error.set(None);
        action.dispatch(SignIn {
            email: email.get_untracked(),
            password: password.get_untracked(),
            next: next.clone(),
        });
    };
    view! {
        <form action="/api/sign_in" method="post" novalidate on:submit=on_submit data-testid="login-form">
            <FormAlert error />
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
                autocomplete="current-password"
                required=true
                value=password
                error=field_error(error, "password")
                on_input=Callback::new(move |_| clear_field(error, "password"))
            />
            <div class="-mt-2 mb-5 text-right">
                <a href="/auth/forgot" class="link text-sm">
                    "Mot de passe oublié ?"
                </a>
            </div>
            <Button class="w-full" busy=action.pending() testid="sign-in">
                "Se connecter"
            </Button>
        </form>
    }
}

#[component]
fn MagicLinkForm() -> impl IntoView {
    let action = ServerAction::<RequestMagicLink>::new();
    let email = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let sent_to = RwSignal::new(None::<String>);
    on_result(action, error, move |_| sent_to.set(Some(email.get_untracked())));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match Email::parse(&email.get_untracked()) {
            Ok(_) => {
                error.set(None);
                action.dispatch(RequestMagicLink {
                    email: email.get_untracked(),
                });
            }
            Err(message) => {
                error.set(Some(AppError::field("email", message)));
                focus_first_error(&crate::error::FieldErrors(vec![crate::error::FieldError {
                    field: "email".into(),
                    message: message.into(),
                }]));
            }
        }
    };
    view! {
        <Show
            when=move || sent_to.get().is_some()
            fallback=move || {
                view! {
                    <form action="/api/request_magic_link" method="post" novalidate on:submit=on_submit>
                        <FormAlert error />
                        <p class="mb-4 text-sm text-muted">
                            "Recevez un lien de connexion valable 15 minutes, sans mot de passe."
                        </p>
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
                        <Button class="w-full" busy=action.pending() testid="send-magic-link">
                            <Icon name=IconName::Mail />
                            "Recevoir un lien"
                        </Button>
                    </form>
                }
            }
        >
            <div class="alert-success rounded-xl px-4 py-3 text-sm" role="status" data-testid="magic-link-sent">
                <p class="font-semibold">"Vérifiez votre boîte de réception."</p>
                <p class="mt-1">
                    "Si un compte existe pour " {move || sent_to.get().unwrap_or_default()}
                    ", un lien de connexion vient d'être envoyé. Il est valable 15 minutes et ne sert qu'une fois."
                </p>
            </div>
        </Show>
    }
}
