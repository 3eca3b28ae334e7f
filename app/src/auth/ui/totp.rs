//! `/login/totp`: the second factor.

use super::follow;
use crate::auth::api::{SignOut, VerifySecondFactor};
use crate::domain::TotpCode;
use crate::error::AppError;
use crate::shell::public::AuthFrame;
use crate::ui::{Button, ButtonKind, FormAlert, TextField, clear_field, field_error, go};
use leptos::prelude::*;
use leptos_meta::Title;

/// Second-factor challenge page.
#[component]
pub fn TotpChallengePage() -> impl IntoView {
    let action = ServerAction::<VerifySecondFactor>::new();
    let cancel = ServerAction::<SignOut>::new();
    let code = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match action.value().get() {
        Some(Ok(outcome)) => follow(outcome),
        Some(Err(AppError::Unauthenticated)) => go("/login"),
        Some(Err(e)) => {
            code.set(String::new());
            error.set(Some(e));
        }
        None => {}
    });
    Effect::new(move |_| {
        if cancel.value().get().is_some() {
            go("/login");
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Err(message) = TotpCode::parse(&code.get_untracked()) {
            error.set(Some(AppError::field("code", message)));
            return;
        }
        error.set(None);
        action.dispatch(VerifySecondFactor {
            code: code.get_untracked(),
        });
    };
    view! {
        <Title text="Double authentification" />
        <AuthFrame
            title="Double authentification"
            subtitle="Saisissez le code à 6 chiffres affiché par votre application d'authentification."
        >
            <form action="/api/verify_second_factor" method="post" novalidate on:submit=on_submit data-testid="totp-form">
                <FormAlert error />
                <TextField
                    label="Code de vérification"
                    name="code"
                    autocomplete="one-time-code"
                    inputmode="numeric"
                    placeholder="123 456"
                    hint="Vous avez perdu votre téléphone ? Saisissez un de vos codes de secours."
                    required=true
                    value=code
                    error=field_error(error, "code")
                    on_input=Callback::new(move |_| clear_field(error, "code"))
                />
                <Button class="w-full" busy=action.pending() testid="verify-totp">
                    "Vérifier"
                </Button>
            </form>
            <div class="mt-4 text-center">
                <Button
                    kind=ButtonKind::Ghost
                    r#type="button"
                    on_click=Callback::new(move |_| {
                        cancel.dispatch(SignOut {});
                    })
                >
                    "Annuler et revenir à la connexion"
                </Button>
            </div>
        </AuthFrame>
    }
}
