//! `/app/invoices`: invoices and credit notes with status filters, search
//! and what is invoiced and still owed.

use super::parts::InvoiceBadge;
use crate::domain::money::format_eur;
use crate::invoice::api::{create_invoice, list_invoices};
use crate::invoice::{InvoiceKind, InvoiceList, InvoiceStatus};
use crate::ui::{
    Button, EmptyState, ErrorState, GlassCard, IconName, LoadingState, PageHeader, StatTile, go, query_string,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const FILTERS: [(&str, &str); 6] = [
    ("", "Toutes"),
    ("draft", "Brouillons"),
    ("sent", "Envoyées"),
    ("partially_paid", "Partiellement payées"),
    ("overdue", "En retard"),
    ("paid", "Payées"),
];

/// The invoices list page.
#[component]
pub fn InvoicesPage() -> impl IntoView {
    let query = use_query_map();
    let status = Memo::new(move |_| query.with(|q| q.get("status").unwrap_or_default()));
    let search = Memo::new(move |_| query.with(|q| q.get("q").unwrap_or_default()));
    let list = Resource::new(
        move || (status.get(), search.get()),
        |(s, q)| list_invoices(Some(s), Some(q), None),
    );
    let creating = RwSignal::new(false);
    let failed = RwSignal::new(None::<String>);
    let create = Callback::new(move |_| {
        creating.set(true);
        spawn_local(async move {
            match create_invoice().await {
                Ok(id) => go(&format!("/app/invoices/{id}")),
                Err(e) => {
                    creating.set(false);
                    failed.set(Some(e.to_string()));
                }
            }
        })
    });
    view! {
        <Title text="Factures" />
        <PageHeader title="Factures".to_string() subtitle="Acomptes, situations, soldes et avoirs : émis en Factur-X, suivis jusqu'au paiement.">
            <Button r#type="button" busy=creating on_click=create testid="new-invoice">
                "Nouvelle facture"
            </Button>
        </PageHeader>
        {move || failed.get().map(|e| view! { <p role="alert" class="alert-danger mb-4 rounded-xl px-4 py-3 text-sm">{e}</p> })}
        <Transition fallback=|| view! { <LoadingState rows=6 /> }>
            {move || Suspend::new(async move {
                match list.await {
                    Err(error) => view! { <ErrorState error retry=Callback::new(move |_| list.refetch()) /> }.into_any(),
                    Ok(l) => view! {
                        <Filters list=l.clone() status=status.get_untracked() search=search.get_untracked() />
                        <Rows list=l />
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Filters(list: InvoiceList, status: String, search: String) -> impl IntoView {
    let search_for_links = search.clone();
    view! {
        <div class="mb-4 grid gap-3 sm:grid-cols-3">
            <StatTile label="Facturé (avoirs déduits)" value=format_eur(list.invoiced) />
            <StatTile label="Reste à encaisser" value=format_eur(list.outstanding) />
            <StatTile label="Documents" value=list.count.to_string() />
        </div>
        <div class="mb-4 flex flex-wrap items-center gap-3">
            <nav aria-label="Filtrer par statut" class="flex max-w-full flex-wrap gap-1 rounded-xl bg-white/5 p-1">
                {FILTERS
                    .into_iter()
                    .map(|(value, label)| {
                        let href = format!(
                            "/app/invoices{}",
                            query_string(&[("status", value), ("q", search_for_links.as_str())]),
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
            <form method="get" action="/app/invoices" class="flex w-full gap-2 sm:ml-auto sm:w-auto" role="search">
                {(!status.is_empty()).then(|| view! { <input type="hidden" name="status" value=status.clone() /> })}
                <label for="invoice-search" class="sr-only">"Rechercher un numéro, un client ou un titre"</label>
                <input
                    id="invoice-search"
                    name="q"
                    type="search"
                    placeholder="Numéro, client, titre"
                    class="field-input w-full rounded-xl px-3 py-2 text-sm text-fg sm:w-64"
                    value=search
                />
            </form>
        </div>
    }
}

#[component]
fn Rows(list: InvoiceList) -> impl IntoView {
    if list.rows.is_empty() {
        return view! {
            <GlassCard>
                <EmptyState
                    icon=IconName::Inbox
                    title="Aucune facture"
                    message="Facturez un devis signé depuis sa page (acompte, situation, solde), ou créez une facture avec « Nouvelle facture »."
                />
            </GlassCard>
        }
        .into_any();
    }
    view! {
        <GlassCard padded=false>
            <ul class="divide-y divide-line" data-testid="invoice-list">
                {list
                    .rows
                    .into_iter()
                    .map(|r| {
                        let number = r.number.clone().unwrap_or_else(|| "Brouillon".into());
                        let title = if r.title.is_empty() { r.kind.label().to_string() } else { r.title.clone() };
                        let client = if r.client.is_empty() { "Client à renseigner".to_string() } else { r.client.clone() };
                        let mut detail = format!("{number} · {}", r.kind.label());
                        if !r.issued.is_empty() {
                            detail.push_str(&format!(" · émise le {}", r.issued));
                        }
                        if !r.due.is_empty() && r.kind != InvoiceKind::CreditNote {
                            detail.push_str(&format!(" · échéance {}", r.due));
                        }
                        let owed = (r.balance > 0 && r.status != InvoiceStatus::Draft)
                            .then(|| format!("reste {}", format_eur(r.balance)));
                        let amount = if r.kind == InvoiceKind::CreditNote {
                            format!("−{}", format_eur(r.total_ttc))
                        } else {
                            format_eur(r.total_ttc)
                        };
                        view! {
                            <li data-testid="invoice-row">
                                <a
                                    href=format!("/app/invoices/{}", r.id)
                                    class="flex flex-wrap items-center gap-x-4 gap-y-1 px-4 py-3 hover:bg-white/5 sm:px-6"
                                >
                                    <span class="min-w-0 flex-1 basis-56">
                                        <span class="block truncate font-medium text-fg">{format!("{client} — {title}")}</span>
                                        <span class="block text-sm text-muted">{detail}</span>
                                    </span>
                                    <InvoiceBadge status=r.status />
                                    <span class="w-32 text-right text-sm tabular-nums text-fg">
                                        <span class="block font-semibold">{amount}<span class="sr-only">" TTC"</span></span>
                                        {owed.map(|o| view! { <span class="block text-xs text-muted">{o}</span> })}
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
