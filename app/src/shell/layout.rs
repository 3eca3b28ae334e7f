//! The signed-in frame: loads the current user once, guards the pages, and
//! lays out the sidebar (desktop) or top bar and tab bar (phone).

use super::nav::{MobileTopBar, Sidebar, TabBar};
use crate::auth::Me;
use crate::auth::api::current_user;
use crate::ui::{ErrorState, LoadingState};
use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect};
use leptos_router::hooks::use_location;

/// The signed-in user, provided to every page under `/app`.
#[derive(Clone, Debug)]
pub struct MeContext(pub Me);

/// The signed-in user (inside `/app` pages).
pub fn use_me() -> Option<Me> {
    use_context::<MeContext>().map(|m| m.0)
}

/// Layout of `/app/*` and `/admin`.
#[component]
pub fn AppLayout() -> impl IntoView {
    let me = Resource::new(|| (), |_| current_user());
    crate::jobs::offline::FieldQueue::provide();
    view! {
        <Suspense fallback=|| {
            view! {
                <div class="mx-auto max-w-3xl p-8">
                    <LoadingState label="Chargement de votre espace…" rows=4 />
                </div>
            }
        }>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(me)) => view! { <Frame me /> }.into_any(),
                    Ok(None) => view! { <Redirect path="/login" /> }.into_any(),
                    Err(error) => {
                        view! {
                            <div class="mx-auto max-w-xl p-8">
                                <ErrorState error />
                            </div>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// Asks an account that has not proved its address to do so, with a button
/// that mails a new link.
#[component]
fn VerifyBanner(email: String) -> impl IntoView {
    use crate::auth::api::ResendVerification;
    let action = ServerAction::<ResendVerification>::new();
    let status = move || match action.value().get() {
        Some(Ok(())) => Some("Lien envoyé. Vérifiez votre boîte de réception.".to_string()),
        Some(Err(error)) => Some(error.to_string()),
        None => None,
    };
    view! {
        <div class="alert-warning mb-6 rounded-xl px-4 py-3 text-sm" role="region" aria-label="Adresse à confirmer" data-testid="verify-banner">
            <p class="mb-2">
                "Confirmez votre adresse " <strong>{email}</strong>
                " avec le lien que nous vous avons envoyé : tant qu'elle n'est pas confirmée, votre espace ne peut pas envoyer de devis ni d'invitations."
            </p>
            <button
                type="button"
                class="link font-semibold"
                disabled=move || action.pending().get()
                on:click=move |_| {
                    action.dispatch(ResendVerification {});
                }
                data-testid="resend-verification"
            >
                "Renvoyer le lien"
            </button>
            <p role="status" aria-live="polite" class="mt-2 empty:hidden">
                {status}
            </p>
        </div>
    }
}

#[component]
fn Frame(me: Me) -> impl IntoView {
    provide_context(MeContext(me.clone()));
    // The field queue sends only what this person captured in this workspace.
    crate::jobs::offline::set_scope(&format!(
        "{}:{}",
        me.user_id,
        me.workspace.as_ref().map(|w| w.id.to_string()).unwrap_or_default()
    ));
    let location = use_location();
    let path = move || location.pathname.get();
    let must_enroll = me.must_enroll_totp;
    let no_workspace = me.workspace.is_none();
    let platform_admin = me.is_platform_admin;
    let guard = move || {
        let p = path();
        // Pages that make sense without a workspace (platform admins, people
        // removed from their last workspace).
        let workspace_free = [
            "/app/workspaces/new",
            "/app/outbox",
            "/app/security",
            "/app/more",
            "/admin",
        ]
        .iter()
        .any(|prefix| p.starts_with(prefix));
        if must_enroll && p != "/app/security" {
            Some(view! { <Redirect path="/app/security" /> })
        } else if no_workspace && !workspace_free {
            let target = if platform_admin {
                "/admin"
            } else {
                "/app/workspaces/new"
            };
            Some(view! { <Redirect path=target /> })
        } else {
            None
        }
    };
    let me_side = me.clone();
    let me_top = me.clone();
    let unverified = !me.email_verified;
    let email = me.email.clone();
    view! {
        {guard}
        <a href="#main" class="skip-link">
            "Aller au contenu"
        </a>
        <div class="lg:flex">
            <Sidebar me=me_side />
            <div class="min-w-0 flex-1">
                <MobileTopBar me=me_top />
                <main id="main" tabindex="-1" class="mx-auto w-full max-w-6xl px-4 pb-28 pt-4 sm:px-6 lg:px-10 lg:pb-12 lg:pt-10">
                    <Show when=move || unverified>
                        <VerifyBanner email=email.clone() />
                    </Show>
                    <crate::jobs::ui::SyncStatus />
                    <Outlet />
                </main>
            </div>
        </div>
        <TabBar me />
    }
}
