//! Navigation: sidebar on desktop, top bar and bottom tab bar on phones.

use super::theme::ThemeToggle;
use crate::auth::Me;
use crate::auth::api::SignOut;
use crate::domain::{Role, TradePack};
use crate::ui::{Icon, IconName, use_toasts};
use crate::workspace::api::SwitchWorkspace;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// One destination.
#[derive(Clone, Copy)]
struct NavItem {
    href: &'static str,
    label: &'static str,
    short: &'static str,
    icon: IconName,
}

fn items(me: &Me) -> Vec<NavItem> {
    let role = me.workspace.as_ref().map(|w| w.role);
    let mut items = Vec::new();
    if role.is_some() {
        items.push(NavItem {
            href: "/app",
            label: "Accueil",
            short: "Accueil",
            icon: IconName::Home,
        });
        let kpi = NavItem {
            href: "/app/dashboard",
            label: "Tableau de bord",
            short: "KPI",
            icon: IconName::Chart,
        };
        let pipeline = NavItem {
            href: "/app/pipeline",
            label: "Pipeline",
            short: "Pipeline",
            icon: IconName::Pipeline,
        };
        let (label, short) = match me.workspace.as_ref().map(|w| w.pack) {
            Some(TradePack::Artisan) => ("Chantiers", "Chantiers"),
            _ => ("Projets", "Projets"),
        };
        let jobs = NavItem {
            href: "/app/jobs",
            label,
            short,
            icon: IconName::Check,
        };
        // The phone's tab bar shows the first four: the field packs put their
        // jobs there, the coach and sales packs their figures.
        let quotes = NavItem {
            href: "/app/quotes",
            label: "Devis",
            short: "Devis",
            icon: IconName::Document,
        };
        match me.workspace.as_ref().map(|w| w.pack) {
            Some(TradePack::Artisan | TradePack::Workshop) => items.extend([pipeline, jobs, quotes, kpi]),
            _ => items.extend([kpi, pipeline, quotes, jobs]),
        }
        items.push(NavItem {
            href: "/app/invoices",
            label: "Factures",
            short: "Factures",
            icon: IconName::Journal,
        });
        items.push(NavItem {
            href: "/app/members",
            label: "Membres",
            short: "Membres",
            icon: IconName::Users,
        });
    }
    if role.is_some_and(Role::can_issue_invoices) {
        items.push(NavItem {
            href: "/app/accounting",
            label: "Comptabilité",
            short: "Compta",
            icon: IconName::Chart,
        });
        items.push(NavItem {
            href: "/app/einvoicing",
            label: "Facturation électronique",
            short: "E-factures",
            icon: IconName::Document,
        });
    }
    if role.is_some_and(Role::can_view_audit) {
        items.push(NavItem {
            href: "/app/audit",
            label: "Journal d'audit",
            short: "Journal",
            icon: IconName::Journal,
        });
    }
    // The outbox is the sender's view: a workspace's mail for its owners and
    // admins, everything for platform admins; nobody reads mail there because
    // it is addressed to them.
    if me.is_platform_admin || role.is_some_and(Role::can_view_workspace_outbox) {
        items.push(NavItem {
            href: "/app/outbox",
            label: "Boîte d'envoi",
            short: "E-mails",
            icon: IconName::Inbox,
        });
    }
    items
}

fn secondary_items(me: &Me) -> Vec<NavItem> {
    let mut items = Vec::new();
    if me.workspace.as_ref().is_some_and(|w| w.role.can_manage_workspace()) {
        items.push(NavItem {
            href: "/app/settings",
            label: "Paramètres",
            short: "Réglages",
            icon: IconName::Sliders,
        });
    }
    items.push(NavItem {
        href: "/app/security",
        label: "Sécurité du compte",
        short: "Sécurité",
        icon: IconName::Shield,
    });
    if me.is_platform_admin {
        items.push(NavItem {
            href: "/admin",
            label: "Administration",
            short: "Admin",
            icon: IconName::Server,
        });
    }
    items
}

fn is_current(path: &str, href: &str) -> bool {
    if href == "/app" {
        path == "/app" || path == "/app/"
    } else {
        path == href || path.starts_with(&format!("{href}/"))
    }
}

/// Selects the workspace to work in; "create" opens the creation page.
#[component]
pub fn WorkspaceSwitcher(me: Me, #[prop(default = "switcher")] id: &'static str) -> impl IntoView {
    let switch = ServerAction::<SwitchWorkspace>::new();
    let toasts = use_toasts();
    let current = me.workspace.as_ref().map(|w| w.id.to_string()).unwrap_or_default();
    Effect::new(move |_| match switch.value().get() {
        Some(Ok(())) => {
            let _ = window().location().set_href("/app");
        }
        Some(Err(e)) => toasts.error(e.to_string()),
        None => {}
    });
    let on_change = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        if value == "new" {
            let _ = window().location().set_href("/app/workspaces/new");
        } else if let Ok(workspace_id) = value.parse() {
            switch.dispatch(SwitchWorkspace { workspace_id });
        }
    };
    view! {
        <label for=id class="sr-only">
            "Espace de travail"
        </label>
        <select
            id=id
            class="field-input w-full truncate rounded-xl px-3 py-2 text-sm font-semibold text-fg"
            on:change=on_change
            data-testid="workspace-switcher"
            disabled=move || switch.pending().get()
        >
            {me
                .workspaces
                .iter()
                .map(|w| {
                    let value = w.id.to_string();
                    let selected = value == current;
                    view! {
                        <option value=value selected=selected>
                            {w.name.clone()}
                        </option>
                    }
                })
                .collect_view()}
            <option value="new">"+ Créer un espace…"</option>
        </select>
    }
}

/// Signs out and goes to the sign-in page.
#[component]
pub fn SignOutButton(#[prop(optional)] class: &'static str) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    let queue = crate::jobs::offline::FieldQueue::get().0;
    let toasts = crate::ui::use_toasts();
    Effect::new(move |_| {
        if let Some(Ok(())) = sign_out.value().get() {
            // Nothing of the field stays on a device once signed out.
            leptos::task::spawn_local(async move {
                crate::jobs::offline::clear_device().await;
                let _ = window().location().set_href("/login");
            });
        } else if let Some(Err(e)) = sign_out.value().get() {
            toasts.error(e.to_string());
        }
    });
    view! {
        <button
            type="button"
            class=format!("btn inline-flex items-center gap-3 rounded-xl px-3 py-2 text-sm font-medium text-fg hover:bg-white/10 {class}")
            on:click=move |_| {
                let waiting = queue.with_untracked(|q| q.pending);
                if waiting > 0 {
                    let question = format!(
                        "{waiting} saisie(s) de chantier ne sont pas encore envoyées : en vous déconnectant, elles seront perdues. Se déconnecter quand même ?"
                    );
                    if !window().confirm_with_message(&question).unwrap_or(false) {
                        return;
                    }
                }
                sign_out.dispatch(SignOut {});
            }
            data-testid="sign-out"
        >
            <Icon name=IconName::Logout />
            "Se déconnecter"
        </button>
    }
}

#[component]
fn NavLink(item: NavItem) -> impl IntoView {
    let location = use_location();
    let current = move || is_current(&location.pathname.get(), item.href);
    view! {
        <a
            href=item.href
            class="nav-link flex items-center gap-3 rounded-xl px-3 py-2 text-sm font-medium text-fg"
            aria-current=move || current().then_some("page")
        >
            <Icon name=item.icon />
            {item.label}
        </a>
    }
}

/// The desktop sidebar.
#[component]
pub fn Sidebar(me: Me) -> impl IntoView {
    let primary = items(&me);
    let secondary = secondary_items(&me);
    let has_workspace = me.workspace.is_some();
    let role_label = me
        .workspace
        .as_ref()
        .map(|w| format!("{} · {}", w.role.label(), w.pack.label()));
    view! {
        <aside class="sidebar glass sticky top-0 hidden h-dvh w-72 shrink-0 flex-col gap-6 border-y-0 border-l-0 p-5 lg:flex">
            <a href="/app" class="flex items-center gap-2 text-lg font-bold text-fg">
                <img src="/icons/icon.svg" alt="" class="h-8 w-8" width="32" height="32" />
                "Comptoir"
            </a>
            <div>
                {has_workspace.then(|| view! { <WorkspaceSwitcher me=me.clone() /> })}
                {role_label.map(|r| view! { <p class="mt-1.5 px-1 text-xs text-muted">{r}</p> })}
            </div>
            <nav aria-label="Navigation principale" class="flex flex-col gap-1">
                {primary.into_iter().map(|item| view! { <NavLink item /> }).collect_view()}
            </nav>
            <nav aria-label="Compte" class="flex flex-col gap-1">
                {secondary.into_iter().map(|item| view! { <NavLink item /> }).collect_view()}
            </nav>
            <div class="mt-auto border-t border-line pt-4">
                <p class="truncate px-3 text-sm font-semibold text-fg">{me.name.clone()}</p>
                <p class="mb-2 truncate px-3 text-xs text-muted">{me.email.clone()}</p>
                <ThemeToggle class="w-full" />
                <SignOutButton class="w-full" />
            </div>
        </aside>
    }
}

/// The phone top bar: logo and workspace switcher.
#[component]
pub fn MobileTopBar(me: Me) -> impl IntoView {
    let has_workspace = me.workspace.is_some();
    view! {
        <div class="topbar glass sticky top-0 z-30 flex items-center gap-3 border-x-0 border-t-0 px-4 py-2.5 lg:hidden">
            <a href="/app" class="shrink-0" aria-label="Comptoir, accueil">
                <img src="/icons/icon.svg" alt="" class="h-8 w-8" width="32" height="32" />
            </a>
            <div class="min-w-0 flex-1">
                {has_workspace.then(|| view! { <WorkspaceSwitcher me=me.clone() id="switcher-mobile" /> })}
            </div>
        </div>
    }
}

/// The phone tab bar.
#[component]
pub fn TabBar(me: Me) -> impl IntoView {
    let location = use_location();
    let mut tabs = items(&me);
    tabs.truncate(4);
    tabs.push(NavItem {
        href: "/app/more",
        label: "Plus",
        short: "Plus",
        icon: IconName::More,
    });
    let columns = format!("grid-template-columns: repeat({}, minmax(0, 1fr))", tabs.len());
    view! {
        <nav
            aria-label="Navigation principale"
            class="tabbar glass fixed inset-x-0 bottom-0 z-40 grid border-x-0 border-b-0 lg:hidden"
            style=columns
        >
            {tabs
                .into_iter()
                .map(|item| {
                    let current = move || is_current(&location.pathname.get(), item.href);
                    view! {
                        <a
                            href=item.href
                            class="tab-link flex flex-col items-center gap-0.5 px-1 pb-[max(0.5rem,env(safe-area-inset-bottom))] pt-2 text-[11px] font-medium"
                            aria-current=move || current().then_some("page")
                        >
                            <Icon name=item.icon class="h-6 w-6" />
                            {item.short}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
    }
}

/// Account destinations for the phone "Plus" page.
pub fn more_items(me: &Me) -> Vec<(&'static str, &'static str, IconName)> {
    let mut all: Vec<(&'static str, &'static str, IconName)> = items(me)
        .into_iter()
        .skip(4)
        .map(|i| (i.href, i.label, i.icon))
        .collect();
    all.extend(secondary_items(me).into_iter().map(|i| (i.href, i.label, i.icon)));
    all
}
