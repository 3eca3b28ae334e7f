//! The HTML document and the routes.

use super::layout::AppLayout;
use super::pages::{HomeRedirect, MorePage, NotFound, OfflinePage, PrivacyPage};
use crate::admin::ui::AdminPage;
use crate::audit::ui::AuditPage;
use crate::auth::ui::{
    ForgotPasswordPage, LoginPage, MagicLinkPage, ResetPasswordPage, SecurityPage, SignUpPage, TotpChallengePage,
};
use crate::outbox::ui::{EmailPage, OutboxPage};
use crate::ui::{Toaster, provide_toasts};
use crate::workspace::ui::{AcceptInvitationPage, HomePage, MembersPage, NewWorkspacePage, SettingsPage};
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

/// The HTML document around the app (server only).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let dark = super::theme::initial_dark();
    view! {
        <!DOCTYPE html>
        <html lang="fr" class=if dark { "dark" } else { "" }>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
                <meta name="theme-color" content="#1e1b4b" />
                <meta
                    name="description"
                    content="Comptoir, le CRM des artisans, ateliers, coachs et équipes commerciales : pipeline, devis signés en ligne, tableaux de bord."
                />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="icon" href="/icons/icon.svg" type="image/svg+xml" />
                <link rel="apple-touch-icon" href="/icons/apple-touch-icon.png" />
                <AutoReload options=options.clone() />
                <HydrationScripts options=options.clone() />
                <HashedStylesheet options id="leptos" />
                <script src="/sw-register.js" defer></script>
                <MetaTags />
            </head>
            <body class="app-bg min-h-dvh font-sans text-fg antialiased">
                <App />
            </body>
        </html>
    }
}

/// The app: meta context, toasts and routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_toasts();
    view! {
        <Title formatter=|title: String| {
            if title.is_empty() { "Comptoir".to_string() } else { format!("{title} · Comptoir") }
        } />
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/") view=HomeRedirect />
                <Route path=path!("/login") view=LoginPage />
                <Route path=path!("/login/totp") view=TotpChallengePage />
                <Route path=path!("/signup") view=SignUpPage />
                <Route path=path!("/auth/forgot") view=ForgotPasswordPage />
                <Route path=path!("/auth/magic/:token") view=MagicLinkPage />
                <Route path=path!("/auth/reset/:token") view=ResetPasswordPage />
                <Route path=path!("/invite/:token") view=AcceptInvitationPage />
                <Route path=path!("/confidentialite") view=PrivacyPage />
                <Route path=path!("/offline") view=OfflinePage />
                <ParentRoute path=path!("/app") view=AppLayout>
                    <Route path=path!("") view=HomePage />
                    <Route path=path!("members") view=MembersPage />
                    <Route path=path!("audit") view=AuditPage />
                    <Route path=path!("outbox") view=OutboxPage />
                    <Route path=path!("outbox/:id") view=EmailPage />
                    <Route path=path!("settings") view=SettingsPage />
                    <Route path=path!("security") view=SecurityPage />
                    <Route path=path!("workspaces/new") view=NewWorkspacePage />
                    <Route path=path!("more") view=MorePage />
                </ParentRoute>
                <ParentRoute path=path!("/admin") view=AppLayout>
                    <Route path=path!("") view=AdminPage />
                </ParentRoute>
            </Routes>
        </Router>
        <Toaster />
    }
}
