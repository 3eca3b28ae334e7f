//! Pages reached from emailed links: sign-in link, forgotten and new password.

use super::follow;
use crate::auth::api::{
    ConfirmEmail, ConsumeMagicLink, RequestPasswordReset, ResetPassword, magic_link_info, reset_link_info,
};
use crate::domain::{Email, Password};
use crate::error::AppError;
use crate::shell::public::AuthFrame;
use crate::ui::{
    Button, ErrorState, FormAlert, LinkButton, LoadingState, TextField, clear_field, field_error, go, on_result,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

fn token() -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || params.with(|p| p.get("token").unwrap_or_default())
}

/// `/auth/magic/:token`: confirms before signing in (mail scanners fetch links
/// but do not click buttons).
#[component]
pub fn MagicLinkPage() -> impl IntoView {
    let token = token();
    let info = Resource::new(token, magic_link_info);
    let action = ServerAction::<ConsumeMagicLink>::new();
    let error = RwSignal::new(None::<AppError>);
    on_result(action, error, follow);
    view! {
        <Title text="Connexion par lien" />
        <AuthFrame title="Connexion par lien">
            <Suspense fallback=|| view! { <LoadingState /> }>
                {move || Suspend::new(async move {
                    match info.await {
                        Ok(info) => {
                            view! {
                                <FormAlert error />
                                <p class="mb-6 text-sm text-fg">
                                    "Bonjour " {info.name} ", vous allez vous connecter en tant que "
                                    <strong>{info.email}</strong> "."
                                </p>
                                <Button
                                    class="w-full"
                                    r#type="button"
                                    busy=action.pending()
                                    testid="use-magic-link"
                                    on_click=Callback::new(move |_| {
                                        action.dispatch(ConsumeMagicLink { token: token() });
                                    })
                                >
                                    "Se connecter"
                                </Button>
                            }
                                .into_any()
                        }
                        Err(error) => {
                            view! {
                                <ErrorState error />
                                <p class="mt-4 text-sm">
                                    <a href="/login" class="link font-semibold">
                                        "Demander un nouveau lien"
                                    </a>
                                </p>
                            }
                                .into_any()
                        }
                    }
                })}
            </Suspense>
        </AuthFrame>
    }
}

/// `/auth/verify/:token`: proves the account's address, after a click (mail
/// scanners fetch links but do not click buttons).
#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let token = token();
    let action = ServerAction::<ConfirmEmail>::new();
    let error = RwSignal::new(None::<AppError>);
    let confirmed = RwSignal::new(None::<String>);
    on_result(action, error, move |email| confirmed.set(Some(email)));
    let sign_in_first = format!("/login?next=/auth/verify/{}", token());
    view! {
        <Title text="Confirmer mon adresse" />
        <AuthFrame title="Confirmer mon adresse">
            {move || match confirmed.get() {
                Some(email) => {
                    view! {
                        <p class="alert-success mb-6 rounded-xl px-4 py-3 text-sm" role="status" data-testid="email-confirmed">
                            "L'adresse " <strong>{email}</strong> " est confirmée."
                        </p>
                        <LinkButton href="/app".to_string() class="w-full">
                            "Ouvrir Comptoir"
                        </LinkButton>
                    }
                        .into_any()
                }
                None => {
                    view! {
                        <FormAlert error />
                        <p class="mb-6 text-sm text-fg">
                            "Confirmez que vous recevez bien le courrier envoyé à cette adresse."
                        </p>
                        <Button
                            class="w-full"
                            r#type="button"
                            busy=action.pending()
                            testid="confirm-email"
                            on_click=Callback::new(move |_| {
                                action.dispatch(ConfirmEmail { token: token() });
                            })
                        >
                            "Confirmer mon adresse"
                        </Button>
                    }
                        .into_any()
                }
            }}
            <p class=move || if confirmed.get().is_some() { "hidden" } else { "mt-4 text-sm text-muted" }>
                "Ce lien confirme votre propre compte : "
                <a href=sign_in_first class="link font-semibold">
                    "connectez-vous d'abord"
                </a>
                " si ce navigateur ne l'est pas."
            </p>
        </AuthFrame>
    }
}

/// `/auth/forgot`: asks for a reset link.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let email = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let sent = RwSignal::new(false);
    on_result(action, error, move |_| sent.set(true));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Err(message) = Email::parse(&email.get_untracked()) {
            error.set(Some(AppError::field("email", message)));
            return;
        }
        error.set(None);
        action.dispatch(RequestPasswordReset {
            email: email.get_untracked(),
        });
    };
    view! {
        <Title text="Mot de passe oublié" />
        <AuthFrame title="Mot de passe oublié" subtitle="Nous vous envoyons un lien pour en choisir un nouveau.">
            <Show
                when=move || sent.get()
                fallback=move || {
                    view! {
                        <form action="/api/request_password_reset" method="post" novalidate on:submit=on_submit>
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
                            <Button class="w-full" busy=action.pending() testid="send-reset">
                                "Envoyer le lien"
                            </Button>
                        </form>
                    }
                }
            >
                <p class="alert-success rounded-xl px-4 py-3 text-sm" role="status" data-testid="reset-sent">
                    "Si un compte existe pour cette adresse, un lien valable 30 minutes vient d'être envoyé."
                </p>
            </Show>
            <p class="mt-6 text-center text-sm">
                <a href="/login" class="link font-semibold">
                    "Retour à la connexion"
                </a>
            </p>
        </AuthFrame>
    }
}

/// `/auth/reset/:token`: chooses a new password.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let token = token();
    let info = Resource::new(token, reset_link_info);
    let action = ServerAction::<ResetPassword>::new();
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    on_result(action, error, move |_| go("/login?reset=1"));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Err(message) = Password::parse(&password.get_untracked()) {
            error.set(Some(AppError::field("password", message)));
            return;
        }
        if password.get_untracked() != confirm.get_untracked() {
            error.set(Some(AppError::field(
                "confirm",
                "Les deux mots de passe sont différents.",
            )));
            return;
        }
        error.set(None);
        action.dispatch(ResetPassword {
            token: token(),
            password: password.get_untracked(),
        });
    };
    view! {
        <Title text="Nouveau mot de passe" />
        <AuthFrame title="Nouveau mot de passe">
            <Suspense fallback=|| view! { <LoadingState /> }>
                {move || Suspend::new(async move {
                    match info.await {
                        Ok(info) => {
                            view! {
                                <p class="mb-4 text-sm text-muted">"Compte : " {info.email}</p>
                                <form novalidate on:submit=on_submit>
                                    <FormAlert error />
                                    <TextField
                                        label="Nouveau mot de passe"
                                        name="password"
                                        kind="password"
                                        autocomplete="new-password"
                                        hint="10 caractères minimum. Vos autres sessions seront fermées."
                                        required=true
                                        value=password
                                        error=field_error(error, "password")
                                        on_input=Callback::new(move |_| clear_field(error, "password"))
                                    />
                                    <TextField
                                        label="Confirmez le mot de passe"
                                        name="confirm"
                                        kind="password"
                                        autocomplete="new-password"
                                        required=true
                                        value=confirm
                                        error=field_error(error, "confirm")
                                        on_input=Callback::new(move |_| clear_field(error, "confirm"))
                                    />
                                    <Button class="w-full" busy=action.pending() testid="save-password">
                                        "Enregistrer"
                                    </Button>
                                </form>
                            }
                                .into_any()
                        }
                        Err(error) => {
                            view! {
                                <ErrorState error />
                                <p class="mt-4 text-sm">
                                    <a href="/auth/forgot" class="link font-semibold">
                                        "Demander un nouveau lien"
                                    </a>
                                </p>
                            }
                                .into_any()
                        }
                    }
                })}
            </Suspense>
        </AuthFrame>
    }
}
