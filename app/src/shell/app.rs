//! The HTML document and the routes.

use super::pages::{HomeRedirect, NotFound};
use super::routes::*;
use crate::ui::{Toaster, provide_toasts};
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{Lazy, path};

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
                <script src="/field-queue.js" defer></script>
                <MetaTags />
            </head>
            <body class="app-bg min-h-dvh font-sans text-fg antialiased">
                <App />
            </body>
        </html>
    }
}

/// `/login` is the entry page of most visits: it ships in the main WASM module
/// rather than as lazy chunks (measured: fewer requests and fewer bytes).
#[component]
fn LoginEntry() -> impl IntoView {
    view! {
        <crate::auth::ui::LoginPage />
        <super::routes::HydratedMarker />
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
                <Route path=path!("/login") view=LoginEntry />
                <Route path=path!("/login/totp") view={Lazy::<TotpRoute>::new()} />
                <Route path=path!("/signup") view={Lazy::<SignUpRoute>::new()} />
                <Route path=path!("/auth/forgot") view={Lazy::<ForgotRoute>::new()} />
                <Route path=path!("/auth/magic/:token") view={Lazy::<MagicLinkRoute>::new()} />
                <Route path=path!("/auth/reset/:token") view={Lazy::<ResetRoute>::new()} />
                <Route path=path!("/auth/verify/:token") view={Lazy::<VerifyEmailRoute>::new()} />
                <Route path=path!("/invite/:token") view={Lazy::<InvitationRoute>::new()} />
                <Route path=path!("/confidentialite") view={Lazy::<PrivacyRoute>::new()} />
                <Route path=path!("/portal/:token") view={Lazy::<PortalRoute>::new()} />
                <ParentRoute path=path!("/app") view={Lazy::<AppLayoutRoute>::new()}>
                    <Route path=path!("") view={Lazy::<HomeRoute>::new()} />
                    <Route path=path!("members") view={Lazy::<MembersRoute>::new()} />
                    <Route path=path!("members/:id") view={Lazy::<MemberProfileRoute>::new()} />
                    <Route path=path!("dashboard") view={Lazy::<DashboardRoute>::new()} />
                    <Route path=path!("dashboard/settings") view={Lazy::<DashboardSettingsRoute>::new()} />
                    <Route path=path!("pipeline") view={Lazy::<PipelineRoute>::new()} />
                    <Route path=path!("pipeline/settings") view={Lazy::<PipelineSettingsRoute>::new()} />
                    <Route path=path!("jobs") view={Lazy::<JobsRoute>::new()} />
                    <Route path=path!("jobs/settings") view={Lazy::<StepTemplatesRoute>::new()} />
                    <Route path=path!("jobs/:id") view={Lazy::<JobRoute>::new()} />
                    <Route path=path!("quotes") view={Lazy::<QuotesRoute>::new()} />
                    <Route path=path!("quotes/new") view={Lazy::<QuoteEditorRoute>::new()} />
                    <Route path=path!("quotes/settings") view={Lazy::<QuoteSettingsRoute>::new()} />
                    <Route path=path!("quotes/:id") view={Lazy::<QuoteEditorRoute>::new()} />
                    <Route path=path!("invoices") view={Lazy::<InvoicesRoute>::new()} />
                    <Route path=path!("invoices/:id") view={Lazy::<InvoiceRoute>::new()} />
                    <Route path=path!("accounting") view={Lazy::<AccountingRoute>::new()} />
                    <Route path=path!("einvoicing") view={Lazy::<EInvoicingRoute>::new()} />
                    <Route path=path!("audit") view={Lazy::<AuditRoute>::new()} />
                    <Route path=path!("outbox") view={Lazy::<OutboxRoute>::new()} />
                    <Route path=path!("outbox/:id") view={Lazy::<EmailRoute>::new()} />
                    <Route path=path!("settings") view={Lazy::<SettingsRoute>::new()} />
                    <Route path=path!("security") view={Lazy::<SecurityRoute>::new()} />
                    <Route path=path!("workspaces/new") view={Lazy::<NewWorkspaceRoute>::new()} />
                    <Route path=path!("more") view={Lazy::<MoreRoute>::new()} />
                </ParentRoute>
                <ParentRoute path=path!("/admin") view={Lazy::<AppLayoutRoute>::new()}>
                    <Route path=path!("") view={Lazy::<AdminRoute>::new()} />
                    <Route path=path!("leads") view={Lazy::<AdminRequestsRoute>::new()} />
                    <Route path=path!("leads/:id") view={Lazy::<AdminRequestRoute>::new()} />
                    <Route path=path!("map") view={Lazy::<AdminMapRoute>::new()} />
                    <Route path=path!("artisans") view={Lazy::<AdminArtisansRoute>::new()} />
                </ParentRoute>
            </Routes>
        </Router>
        <Toaster />
    }
}
