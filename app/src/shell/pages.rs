//! Small pages of the frame: redirect, not found, privacy notice, phone menu
//! (the offline page is `public/offline.html`, with no script to load).

use super::layout::use_me;
use super::nav::{SignOutButton, more_items};
use super::public::AuthFrame;
use super::theme::ThemeToggle;
use crate::ui::{GlassCard, Icon, PageHeader};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

/// `/`: the signed-in home (the server sends visitors to `/login` first).
#[component]
pub fn HomeRedirect() -> impl IntoView {
    view! { <Redirect path="/app" /> }
}

/// Any unknown address.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <super::routes::HydratedMarker />
        <Title text="Page introuvable" />
        <AuthFrame title="Page introuvable" subtitle="Cette adresse ne correspond à aucune page.">
            <a href="/app" class="link font-semibold">
                "Retour à l'accueil"
            </a>
        </AuthFrame>
    }
}

/// The privacy notice users accept at sign-up (RGPD).
#[component]
pub fn PrivacyPage() -> impl IntoView {
    view! {
        <Title text="Confidentialité" />
        <AuthFrame title="Confidentialité et données personnelles" wide=true>
            <div class="prose-comptoir space-y-4 text-sm text-fg">
                <p class="text-muted">"Version du " {crate::auth::CONSENT_VERSION}</p>
                <h2 class="text-lg font-semibold">"Qui traite vos données"</h2>
                <p>
                    "Comptoir héberge les données de votre entreprise pour vous permettre de gérer vos clients, devis et chantiers. Votre entreprise reste responsable des données de ses propres clients ; Comptoir agit comme sous-traitant (article 28 du RGPD)."
                </p>
                <h2 class="text-lg font-semibold">"Ce que nous conservons"</h2>
                <p>
                    "Votre nom, votre adresse e-mail, une empreinte de votre mot de passe (jamais le mot de passe lui-même), la date de votre consentement, et un journal d'audit des actions (date, auteur, adresse IP, navigateur) qui sert à la sécurité et à la preuve."
                </p>
                <h2 class="text-lg font-semibold">"Vos droits"</h2>
                <p>
                    "Vous pouvez demander l'accès, la rectification, l'export ou l'effacement de vos données. Certaines données doivent être conservées malgré une demande d'effacement lorsque la loi l'impose, par exemple les factures pendant 10 ans (article L123-22 du Code de commerce)."
                </p>
                <h2 class="text-lg font-semibold">"Cookies"</h2>
                <p>
                    "Comptoir n'utilise que deux cookies, nécessaires au service : la session de connexion et le choix du thème. Aucun cookie publicitaire ni de mesure d'audience."
                </p>
                <p>
                    <a href="/signup" class="link font-semibold">
                        "Revenir à l'inscription"
                    </a>
                </p>
            </div>
        </AuthFrame>
    }
}

/// The phone "Plus" tab: account and settings destinations.
#[component]
pub fn MorePage() -> impl IntoView {
    let me = use_me();
    let entries = me.as_ref().map(more_items).unwrap_or_default();
    let name = me.as_ref().map(|m| m.name.clone()).unwrap_or_default();
    let email = me.as_ref().map(|m| m.email.clone()).unwrap_or_default();
    view! {
        <Title text="Plus" />
        <PageHeader title="Plus".to_string() subtitle=format!("{name} · {email}") />
        <GlassCard class="p-2" padded=false>
            <ul class="divide-y divide-line">
                {entries
                    .into_iter()
                    .map(|(href, label, icon)| {
                        view! {
                            <li>
                                <a href=href class="flex items-center gap-3 rounded-xl px-3 py-3 text-base text-fg hover:bg-white/10">
                                    <Icon name=icon />
                                    {label}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
                <li class="py-1">
                    <ThemeToggle class="w-full text-base" />
                </li>
                <li class="py-1">
                    <SignOutButton class="w-full text-base" />
                </li>
            </ul>
        </GlassCard>
    }
}
