//! `/app/quotes`: every quote with status filters, search and totals.

use super::parts::StatusBadge;
use crate::domain::money::format_eur;
use crate::quote::api::list_quotes;
use crate::quote::{QuoteList, QuoteStatus};
use crate::ui::{
    ButtonKind, EmptyState, ErrorState, GlassCard, IconName, LinkButton, LoadingState, PageHeader, query_string,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The quotes list page.
#[component]
pub fn QuotesPage() -> impl IntoView {
    let query = use_query_map();
    let status = Memo::new(move |_| query.with(|q| q.get("status").unwrap_or_default()));
    let search = Memo::new(move |_| query.with(|q| q.get("q").unwrap_or_default()));
    let list = Resource::new(
        move || (status.get(), search.get()),
        |(s, q)| list_quotes(Some(s), Some(q), None),
    );
    view! {
        <Title text="Devis" />
        <PageHeader title="Devis".to_string() subtitle="Rédigez, envoyez et suivez vos devis jusqu'à la signature.">
            <LinkButton href="/app/quotes/settings".into() kind=ButtonKind::Secondary>
                "Identité et modèles"
            </LinkButton>
            <LinkButton href="/app/quotes/new".into()>"Nouveau devis"</LinkButton>
        </PageHeader>
        <Transition fallback=|| view! { <LoadingState rows=6 /> }>
            {move || Suspend::new(async move {
                match list.await {
                    Err(error) => view! { <ErrorState error retry=Callback::new(move |_| list.refetch()) /> }.into_any(),
                    Ok(l) => view! { <Filters list=l.clone() status=status.get_untracked() search=search.get_untracked() /> <Rows list=l /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Filters(list: QuoteList, status: String, search: String) -> impl IntoView {
    let total: u64 = list.per_status.iter().map(|(_, n)| n).sum();
    let mut tabs: Vec<(String, String)> = vec![(String::new(), format!("Tous · {total}"))];
    for s in QuoteStatus::ALL {
        let n = list
            .per_status
            .iter()
            .find(|(x, _)| *x == s)
            .map(|(_, n)| *n)
            .unwrap_or(0);
        tabs.push((s.as_str().to_string(), format!("{} · {n}", s.label())));
    }
    let search_for_links = search.clone();
    view! {
        <div class="mb-4 flex flex-wrap items-center gap-3">
            <nav aria-label="Filtrer par statut" class="flex max-w-full flex-wrap gap-1 rounded-xl bg-white/5 p-1">
                {tabs
                    .into_iter()
                    .map(|(value, label)| {
                        let href = format!(
                            "/app/quotes{}",
                            query_string(&[("status", value.as_str()), ("q", search_for_links.as_str())]),
                        );
                        let current = (value == status).then_some("page");
                        view! {
                            <a href=href class="tab rounded-lg px-3 py-1.5 text-sm font-semibold" aria-current=current>
                                {label}
                            </a>
                        }
                    })
                    .collect_view()}
            </nav>
            <form method="get" action="/app/quotes" class="flex w-full gap-2 sm:ml-auto sm:w-auto" role="search">
                {(!status.is_empty()).then(|| view! { <input type="hidden" name="status" value=status.clone() /> })}
                <label for="quote-search" class="sr-only">
                    "Rechercher un numéro, un client ou un titre"
                </label>
                <input
                    id="quote-search"
                    name="q"
                    type="search"
                    placeholder="Numéro, client, titre"
                    class="field-input w-full rounded-xl px-3 py-2 text-sm text-fg sm:w-64"
                    value=search
                />
            </form>
        </div>
        <p class="mb-2 text-sm text-muted" data-testid="quote-list-totals">
            {format!(
                "{} devis · {} HT · {} TTC",
                list.count,
                format_eur(list.total_ht),
                format_eur(list.total_ttc),
            )}
        </p>
    }
}

#[component]
fn Rows(list: QuoteList) -> impl IntoView {
    if list.rows.is_empty() {
        return view! {
            <GlassCard>
                <EmptyState
                    icon=IconName::Inbox
                    title="Aucun devis"
                    message="Créez un devis depuis une affaire du pipeline ou avec « Nouveau devis »."
                />
            </GlassCard>
        }
        .into_any();
    }
    view! {
        <GlassCard padded=false>
            <ul class="divide-y divide-line" data-testid="quote-list">
                {list
                    .rows
                    .into_iter()
                    .map(|r| {
                        let number = r.number.clone().unwrap_or_else(|| "Brouillon".into());
                        let title = if r.title.is_empty() { "Sans titre".to_string() } else { r.title.clone() };
                        let client = if r.client.is_empty() { "Client à renseigner".to_string() } else { r.client.clone() };
                        view! {
                            <li data-testid="quote-row">
                                <a
                                    href=format!("/app/quotes/{}", r.id)
                                    class="flex flex-wrap items-center gap-x-4 gap-y-1 px-4 py-3 hover:bg-white/5 sm:px-6"
                                >
                                    <span class="min-w-0 flex-1 basis-56">
                                        <span class="block truncate font-medium text-fg">{format!("{client} — {title}")}</span>
                                        <span class="block text-sm text-muted">
                                            {format!("{number} · modifié le {}", r.updated)}
                                        </span>
                                    </span>
                                    <StatusBadge status=r.status />
                                    <span class="w-28 text-right text-sm font-semibold tabular-nums text-fg">
                                        {format_eur(r.total_ttc)}
                                        <span class="sr-only">" TTC"</span>
                                    </span>
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </GlassCard>
    }
    .into_any()
}
