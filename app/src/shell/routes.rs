//! Every page is a lazily loaded route: with `cargo leptos build --split`, its
//! code is a separate WASM chunk fetched when the route is first shown, so
//! `/login` does not download the rest of the application.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

/// Marks `<body data-hydrated="true">` once the page above it is hydrated and
/// interactive (effects run after hydration). End-to-end tests wait for it.
#[component]
pub fn HydratedMarker() -> impl IntoView {
    Effect::new(|_| {
        #[cfg(feature = "hydrate")]
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

macro_rules! lazy_page {
    ($($(#[$doc:meta])* $route:ident => $page:path;)*) => {$(
        $(#[$doc])*
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(this: Self) -> AnyView {
                let _ = this;
                view! {
                    <$page />
                    <HydratedMarker />
                }
                .into_any()
            }
        }
    )*};
}

lazy_page! {
    /// `/login/totp`
    TotpRoute => crate::auth::ui::TotpChallengePage;
    /// `/signup`
    SignUpRoute => crate::auth::ui::SignUpPage;
    /// `/auth/forgot`
    ForgotRoute => crate::auth::ui::ForgotPasswordPage;
    /// `/auth/magic/:token`
    MagicLinkRoute => crate::auth::ui::MagicLinkPage;
    /// `/auth/reset/:token`
    ResetRoute => crate::auth::ui::ResetPasswordPage;
    /// `/invite/:token`
    InvitationRoute => crate::workspace::ui::AcceptInvitationPage;
    /// `/confidentialite`
    PrivacyRoute => super::pages::PrivacyPage;
    /// `/offline`
    OfflineRoute => super::pages::OfflinePage;
    /// `/app`
    HomeRoute => crate::workspace::ui::HomePage;
    /// `/app/members`
    MembersRoute => crate::workspace::ui::MembersPage;
    /// `/app/members/:id`
    MemberProfileRoute => crate::pipeline::ui::MemberProfilePage;
    /// `/app/dashboard`
    DashboardRoute => crate::dashboard::ui::DashboardPage;
    /// `/app/dashboard/settings`
    DashboardSettingsRoute => crate::dashboard::ui::DashboardSettingsPage;
    /// `/app/pipeline`
    PipelineRoute => crate::pipeline::ui::BoardPage;
    /// `/app/pipeline/settings`
    PipelineSettingsRoute => crate::pipeline::ui::PipelineSettingsPage;
    /// `/app/quotes`
    QuotesRoute => crate::quote::ui::QuotesPage;
    /// `/app/quotes/new` and `/app/quotes/:id`
    QuoteEditorRoute => crate::quote::ui::QuoteEditorPage;
    /// `/app/quotes/settings`
    QuoteSettingsRoute => crate::quote::ui::QuoteSettingsPage;
    /// `/portal/:token`
    PortalRoute => crate::portal::ui::PortalPage;
    /// `/app/audit`
    AuditRoute => crate::audit::ui::AuditPage;
    /// `/app/outbox`
    OutboxRoute => crate::outbox::ui::OutboxPage;
    /// `/app/outbox/:id`
    EmailRoute => crate::outbox::ui::EmailPage;
    /// `/app/settings`
    SettingsRoute => crate::workspace::ui::SettingsPage;
    /// `/app/security`
    SecurityRoute => crate::auth::ui::SecurityPage;
    /// `/app/workspaces/new`
    NewWorkspaceRoute => crate::workspace::ui::NewWorkspacePage;
    /// `/app/more`
    MoreRoute => super::pages::MorePage;
    /// `/admin`
    AdminRoute => crate::admin::ui::AdminPage;
}

/// Frame of `/app` and `/admin` (its child page marks hydration).
pub struct AppLayoutRoute;

#[lazy_route]
impl LazyRoute for AppLayoutRoute {
    fn data() -> Self {
        AppLayoutRoute
    }

    fn view(this: Self) -> AnyView {
        let _ = this;
        view! { <super::layout::AppLayout /> }.into_any()
    }
}
