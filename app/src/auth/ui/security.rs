//! `/app/security`: password and two-factor authentication.

use crate::auth::api::{ChangePassword, ConfirmTotpEnrolment, DisableTotp, StartTotpEnrolment};
use crate::domain::Password;
use crate::error::AppError;
use crate::shell::use_me;
use crate::ui::{
    Badge, Button, ButtonKind, FormAlert, GlassCard, Icon, IconName, PageHeader, TextField, Tone, clear_field,
    field_error, go, on_result, use_toasts,
};
use leptos::prelude::*;
use leptos_meta::Title;

/// Account security page.
#[component]
pub fn SecurityPage() -> impl IntoView {
    let me = use_me();
    let must_enroll = me.as_ref().is_some_and(|m| m.must_enroll_totp);
    let enabled = me.as_ref().is_some_and(|m| m.totp_enabled);
    view! {
        <Title text="Sécurité du compte" />
        <PageHeader title="Sécurité du compte".to_string() subtitle="Mot de passe et double authentification." />
        <Show when=move || must_enroll>
            <p class="alert-warning mb-6 flex items-start gap-2 rounded-xl px-4 py-3 text-sm" role="alert">
                <Icon name=IconName::Shield class="mt-0.5 h-5 w-5 shrink-0" />
                "Votre espace exige la double authentification pour ses propriétaires. Activez-la pour continuer."
            </p>
        </Show>
        <div class="grid gap-6 lg:grid-cols-2">
            <GlassCard>
                <div class="mb-4 flex items-center justify-between gap-3">
                    <h2 class="text-lg font-semibold text-fg">"Double authentification"</h2>
                    {if enabled {
                        view! { <Badge tone=Tone::Success>"Activée"</Badge> }.into_any()
                    } else {
                        view! { <Badge tone=Tone::Warning>"Désactivée"</Badge> }.into_any()
                    }}
                </div>
                {if enabled { view! { <DisableTotp /> }.into_any() } else { view! { <EnableTotp /> }.into_any() }}
            </GlassCard>
            <GlassCard>
                <h2 class="mb-4 text-lg font-semibold text-fg">"Mot de passe"</h2>
                <ChangePasswordForm />
            </GlassCard>
        </div>
    }
}

#[component]
fn EnableTotp() -> impl IntoView {
    let start = ServerAction::<StartTotpEnrolment>::new();
    let confirm = ServerAction::<ConfirmTotpEnrolment>::new();
    let code = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| {
        if let Some(Err(e)) = start.value().get() {
            error.set(Some(e));
        }
    });
    Effect::new(move |_| {
        if let Some(Err(e)) = confirm.value().get() {
            error.set(Some(e));
        }
    });
    let setup = move || start.value().get().and_then(Result::ok);
    let codes = move || confirm.value().get().and_then(Result::ok);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        confirm.dispatch(ConfirmTotpEnrolment {
            code: code.get_untracked(),
        });
    };
    view! {
        <FormAlert error />
        {move || match (setup(), codes()) {
            (_, Some(codes)) => {
                view! {
                    <div data-testid="recovery-codes">
                        <p class="alert-success mb-4 rounded-xl px-3 py-2.5 text-sm" role="status">
                            "Double authentification activée."
                        </p>
                        <p class="mb-3 text-sm text-fg">
                            "Notez ces codes de secours dans un endroit sûr. Chacun remplace une fois votre téléphone ; ils ne seront plus affichés."
                        </p>
                        <ul class="mb-4 grid grid-cols-2 gap-2 font-mono text-sm">
                            {codes
                                .into_iter()
                                .map(|c| view! { <li class="rounded-lg bg-white/10 px-3 py-1.5 text-fg">{c}</li> })
                                .collect_view()}
                        </ul>
                        <Button r#type="button" on_click=Callback::new(|_| go("/app"))>
                            "J'ai noté mes codes"
                        </Button>
                    </div>
                }
                    .into_any()
            }
            (Some(setup), None) => {
                view! {
                    <ol class="mb-4 list-decimal space-y-2 pl-5 text-sm text-fg">
                        <li>"Scannez ce QR code avec votre application (Google Authenticator, Aegis, 1Password…)."</li>
                        <li>"Saisissez le code à 6 chiffres qu'elle affiche."</li>
                    </ol>
                    <div class="mb-3 flex justify-center">
                        <div
                            class="h-48 w-48 overflow-hidden rounded-xl bg-white p-2 [&_svg]:h-full [&_svg]:w-full"
                            role="img"
                            aria-label="QR code de configuration"
                            inner_html=setup.qr_svg.clone()
                        ></div>
                    </div>
                    <p class="mb-4 text-center text-xs text-muted">
                        "Clé à saisir à la main : "
                        <code class="select-all break-all font-mono text-fg" data-testid="totp-secret">
                            {setup.secret.clone()}
                        </code>
                    </p>
                    <form novalidate on:submit=on_submit>
                        <TextField
                            label="Code à 6 chiffres"
                            name="code"
                            inputmode="numeric"
                            autocomplete="one-time-code"
                            required=true
                            value=code
                            error=field_error(error, "code")
                            on_input=Callback::new(move |_| clear_field(error, "code"))
                        />
                        <Button busy=confirm.pending() testid="confirm-totp">
                            "Activer"
                        </Button>
                    </form>
                }
                    .into_any()
            }
            (None, None) => {
                view! {
                    <p class="mb-4 text-sm text-muted">
                        "Protégez votre compte avec un code à usage unique généré par votre téléphone, en plus du mot de passe."
                    </p>
                    <form
                        novalidate
                        on:submit=move |ev: leptos::ev::SubmitEvent| {
                            ev.prevent_default();
                            error.set(None);
                            start.dispatch(StartTotpEnrolment {
                                password: Some(password.get_untracked()),
                            });
                        }
                    >
                        <TextField
                            label="Mot de passe actuel"
                            name="password"
                            kind="password"
                            autocomplete="current-password"
                            hint="Pour confirmer que c'est bien vous."
                            value=password
                            error=field_error(error, "password")
                            on_input=Callback::new(move |_| clear_field(error, "password"))
                        />
                        <Button busy=start.pending() testid="start-totp">
                            <Icon name=IconName::Key />
                            "Activer la double authentification"
                        </Button>
                    </form>
                }
                    .into_any()
            }
        }}
    }
}

#[component]
fn DisableTotp() -> impl IntoView {
    let action = ServerAction::<DisableTotp>::new();
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let toasts = use_toasts();
    on_result(action, error, move |_| {
        toasts.success("Double authentification désactivée.");
        go("/app/security");
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        action.dispatch(DisableTotp {
            password: Some(password.get_untracked()),
        });
    };
    view! {
        <p class="mb-4 text-sm text-muted">
            "Chaque connexion demande un code de votre application. Pour désactiver, confirmez avec votre mot de passe ou un code de l'application."
        </p>
        <form novalidate on:submit=on_submit>
            <FormAlert error />
            <TextField
                label="Mot de passe ou code à 6 chiffres"
                name="password"
                kind="password"
                autocomplete="current-password"
                value=password
                error=field_error(error, "password")
                on_input=Callback::new(move |_| clear_field(error, "password"))
            />
            <Button kind=ButtonKind::Danger busy=action.pending()>
                "Désactiver"
            </Button>
        </form>
    }
}

#[component]
fn ChangePasswordForm() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let toasts = use_toasts();
    on_result(action, error, move |_| {
        current.set(String::new());
        new.set(String::new());
        toasts.success("Mot de passe modifié. Vos autres sessions ont été fermées.");
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Err(message) = Password::parse(&new.get_untracked()) {
            error.set(Some(AppError::field("new_password", message)));
            return;
        }
        error.set(None);
        action.dispatch(ChangePassword {
            current_password: current.get_untracked(),
            new_password: new.get_untracked(),
        });
    };
    view! {
        <form novalidate on:submit=on_submit>
            <FormAlert error />
            <TextField
                label="Mot de passe actuel"
                name="current_password"
                kind="password"
                autocomplete="current-password"
                value=current
                error=field_error(error, "current_password")
                on_input=Callback::new(move |_| clear_field(error, "current_password"))
            />
            <TextField
                label="Nouveau mot de passe"
                name="new_password"
                kind="password"
                autocomplete="new-password"
                hint="10 caractères minimum."
                value=new
                error=field_error(error, "new_password")
                on_input=Callback::new(move |_| clear_field(error, "new_password"))
            />
            <Button kind=ButtonKind::Secondary busy=action.pending()>
                "Modifier le mot de passe"
            </Button>
        </form>
    }
}
