//! `/invite/:token`: joins a workspace, creating the account when needed.

use crate::auth::ui::follow;
use crate::domain::{Password, PersonName};
use crate::error::{AppError, FieldErrors};
use crate::shell::public::AuthFrame;
use crate::ui::{
    Button, Checkbox, ErrorState, FormAlert, LinkButton, LoadingState, TextField, clear_field, field_error,
    focus_first_error, on_result,
};
use crate::workspace::InvitationInfo;
use crate::workspace::api::{AcceptInvitation, fetch_invitation};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// Invitation page.
#[component]
pub fn AcceptInvitationPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let info = Resource::new(token, fetch_invitation);
    view! {
        <Title text="Invitation" />
        <AuthFrame title="Rejoindre un espace">
            <Suspense fallback=|| view! { <LoadingState /> }>
                {move || Suspend::new(async move {
                    match info.await {
                        Ok(info) => view! { <Accept info token=token() /> }.into_any(),
                        Err(error) => view! { <ErrorState error /> }.into_any(),
                    }
                })}
            </Suspense>
        </AuthFrame>
    }
}

#[component]
fn Accept(info: InvitationInfo, token: String) -> impl IntoView {
    let action = ServerAction::<AcceptInvitation>::new();
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let consent = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    on_result(action, error, follow);
    let intro = format!(
        "{} vous invite à rejoindre « {} » en tant que {}.",
        info.inviter_name,
        info.workspace_name,
        info.role.label().to_lowercase()
    );
    let next = format!("/invite/{token}");
    let needs_account = info.signed_in_as.is_none() && !info.account_exists;
    let needs_sign_in = info.signed_in_as.is_none() && info.account_exists;
    let wrong_account = info.signed_in_as.as_ref().is_some_and(|e| *e != info.email);
    let token_for_submit = token.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if needs_account {
            let mut errors = FieldErrors::new();
            errors.check("name", PersonName::parse(&name.get_untracked()));
            errors.check("password", Password::parse(&password.get_untracked()));
            if !consent.get_untracked() {
                errors.push("consent", "Vous devez accepter la politique de confidentialité.");
            }
            if !errors.is_empty() {
                focus_first_error(&errors);
                error.set(Some(AppError::Validation(errors)));
                return;
            }
        }
        error.set(None);
        action.dispatch(AcceptInvitation {
            token: token_for_submit.clone(),
            name: needs_account.then(|| name.get_untracked()),
            password: needs_account.then(|| password.get_untracked()),
            consent: (needs_account && consent.get_untracked()).then(|| "on".to_string()),
        });
    };
    view! {
        <p class="mb-2 text-sm text-fg">{intro}</p>
        <p class="mb-6 text-sm text-muted">"Invitation adressée à " <strong>{info.email.clone()}</strong> "."</p>
        {if wrong_account {
            view! {
                <p class="alert-warning rounded-xl px-3 py-2.5 text-sm" role="alert">
                    {format!(
                        "Vous êtes connecté en tant que {}. Déconnectez-vous puis ouvrez à nouveau ce lien.",
                        info.signed_in_as.clone().unwrap_or_default(),
                    )}
                </p>
            }
                .into_any()
        } else if needs_sign_in {
            view! {
                <p class="mb-4 text-sm text-fg">"Un compte existe déjà pour cette adresse : connectez-vous pour accepter."</p>
                <LinkButton href=format!("/login?next={}", next) class="w-full">
                    "Se connecter pour accepter"
                </LinkButton>
            }
                .into_any()
        } else {
            view! {
                <form novalidate on:submit=on_submit data-testid="accept-invitation-form">
                    <FormAlert error />
                    <Show when=move || needs_account>
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
                            label="Choisissez un mot de passe"
                            name="password"
                            kind="password"
                            autocomplete="new-password"
                            hint="10 caractères minimum."
                            required=true
                            value=password
                            error=field_error(error, "password")
                            on_input=Callback::new(move |_| clear_field(error, "password"))
                        />
                        <Checkbox name="consent" checked=consent error=field_error(error, "consent")>
                            "J'accepte la "
                            <a href="/confidentialite" class="link font-semibold" target="_blank">
                                "politique de confidentialité"
                            </a>
                            "."
                        </Checkbox>
                    </Show>
                    <Button class="w-full" busy=action.pending() testid="accept-invitation">
                        "Rejoindre l'espace"
                    </Button>
                </form>
            }
                .into_any()
        }}
    }
}
