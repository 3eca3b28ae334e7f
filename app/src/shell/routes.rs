//! Every page is a lazily loaded route: with `cargo leptos build --split`, its
//! group's code is a separate WASM split fetched when one of its pages is
//! first shown, so `/login` does not download the rest of the application.

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

/// Declares a group of pages compiled into one WASM split: one `#[lazy]`
/// function renders any page of the group, and each page's route awaits it.
///
/// Why groups rather than one split per page (`#[lazy_route]` on each): the
/// splitter moves code shared by several splits into a separate chunk per
/// combination of splits that share it, with no size floor. With a split per
/// page (29), a signed-in page fetched ~175 chunks of a few hundred bytes
/// each, more bytes of HTTP headers than of code. A handful of groups cut the
/// combinations, and the pages a user opens together download together.
macro_rules! page_group {
    (
        $(#[$gdoc:meta])*
        $group:ident, $preload:ident, $pages:ident {
            $($(#[$doc:meta])* $route:ident => $page:path;)*
        }
    ) => {
        /// The pages of one group.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(u8)]
        pub enum $pages {
            $($(#[$doc])* $route,)*
        }

        $(#[$gdoc])*
        #[leptos::lazy]
        fn $group(page: $pages) -> AnyView {
            match page {
                $($pages::$route => view! {
                    <$page />
                    <HydratedMarker />
                }
                .into_any(),)*
            }
        }

        $(
            $(#[$doc])*
            pub struct $route;

            impl LazyRoute for $route {
                fn data() -> Self {
                    $route
                }

                async fn view(this: Self) -> AnyView {
                    let _ = this;
                    $group($pages::$route).await
                }

                async fn preload() {
                    #[cfg(target_arch = "wasm32")]
                    $preload().await;
                }
            }
        )*
    };
}

page_group! {
    /// Pages seen before signing in (`/login` itself is in the main module).
    guest_pages, __preload_guest_pages, GuestPages {
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
        /// `/auth/verify/:token`
        VerifyEmailRoute => crate::auth::ui::VerifyEmailPage;
        /// `/invite/:token`
        InvitationRoute => crate::workspace::ui::AcceptInvitationPage;
        /// `/confidentialite`
        PrivacyRoute => super::pages::PrivacyPage;
    }
}

page_group! {
    /// The client portal (clients of a workspace, signed by a token).
    portal_pages, __preload_portal_pages, PortalPages {
        /// `/portal/:token`
        PortalRoute => crate::portal::ui::PortalPage;
    }
}

page_group! {
    /// The workspace's own pages: home, team, settings, journals, admin.
    workspace_pages, __preload_workspace_pages, WorkspacePages {
        /// `/app`
        HomeRoute => crate::workspace::ui::HomePage;
        /// `/app/members`
        MembersRoute => crate::workspace::ui::MembersPage;
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
        /// `/admin/leads`
        AdminRequestsRoute => crate::marketplace::ui::AdminRequestsPage;
        /// `/admin/leads/:id`
        AdminRequestRoute => crate::marketplace::ui::AdminRequestPage;
        /// `/admin/map`
        AdminMapRoute => crate::marketplace::ui::AdminMapPage;
        /// `/admin/artisans`
        AdminArtisansRoute => crate::marketplace::ui::AdminArtisansPage;
    }
}

page_group! {
    /// The pipeline board, its settings and a member's profile.
    pipeline_pages, __preload_pipeline_pages, PipelinePages {
        /// `/app/pipeline`
        PipelineRoute => crate::pipeline::ui::BoardPage;
        /// `/app/pipeline/settings`
        PipelineSettingsRoute => crate::pipeline::ui::PipelineSettingsPage;
        /// `/app/members/:id`
        MemberProfileRoute => crate::pipeline::ui::MemberProfilePage;
    }
}

page_group! {
    /// Quotes: the list, the editor and the document settings.
    quote_pages, __preload_quote_pages, QuotePages {
        /// `/app/quotes`
        QuotesRoute => crate::quote::ui::QuotesPage;
        /// `/app/quotes/new` and `/app/quotes/:id`
        QuoteEditorRoute => crate::quote::ui::QuoteEditorPage;
        /// `/app/quotes/settings`
        QuoteSettingsRoute => crate::quote::ui::QuoteSettingsPage;
    }
}

page_group! {
    /// Invoices: the list and an invoice.
    invoice_pages, __preload_invoice_pages, InvoicePages {
        /// `/app/invoices`
        InvoicesRoute => crate::invoice::ui::InvoicesPage;
        /// `/app/invoices/:id`
        InvoiceRoute => crate::invoice::ui::InvoicePage;
        /// `/app/accounting`
        AccountingRoute => crate::invoice::ui::AccountingPage;
        /// `/app/einvoicing`
        EInvoicingRoute => crate::invoice::einvoicing::ui::EInvoicingPage;
    }
}

page_group! {
    /// Jobs in the field: what a phone on a chantier opens.
    job_pages, __preload_job_pages, JobPages {
        /// `/app/jobs`
        JobsRoute => crate::jobs::ui::JobsPage;
        /// `/app/jobs/:id`
        JobRoute => crate::jobs::ui::JobPage;
        /// `/app/jobs/settings`
        StepTemplatesRoute => crate::jobs::ui::StepTemplatesPage;
    }
}

page_group! {
    /// The KPI dashboard and its settings.
    dashboard_pages, __preload_dashboard_pages, DashboardPages {
        /// `/app/dashboard`
        DashboardRoute => crate::dashboard::ui::DashboardPage;
        /// `/app/dashboard/settings`
        DashboardSettingsRoute => crate::dashboard::ui::DashboardSettingsPage;
    }
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
