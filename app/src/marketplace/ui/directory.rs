//! `/admin/artisans`: every artisan profile of the platform, filtered by
//! trade, by whether routing may pick them today and by a search; each one
//! says why it is out of routing.

use crate::domain::TradePack;
use crate::domain::paging::Bounded;
use crate::marketplace::api::fetch_artisan_directory;
use crate::marketplace::{Directory, DirectoryRow, Standing};
use crate::ui::{
    Badge, Button, EmptyState, ErrorState, GlassCard, IconName, LoadingState, PageHeader, SelectField, Tone,
    query_string,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const STANDINGS: [(&str, &str, Standing); 3] = [
    ("", "Tous les artisans", Standing::All),
    ("in_order", "Routables aujourd'hui", Standing::InOrder),
    ("out", "Hors routage", Standing::Out),
];

fn standing_of(key: &str) -> Standing {
    STANDINGS
        .iter()
        .find(|(k, ..)| *k == key)
        .map(|s| s.2)
        .unwrap_or_default()
}

/// The directory page.
#[component]
pub fn AdminArtisansPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |key: &'static str| Memo::new(move |_| query.with(|q| q.get(key).unwrap_or_default()));
    let (trade, standing, search, page) = (get("metier"), get("etat"), get("q"), get("page"));
    let data = Resource::new(
        move || (trade.get(), standing.get(), search.get(), page.get()),
        |(t, s, q, p)| {
            let page = p
                .parse::<u64>()
                .ok()
                .and_then(|p| p.checked_sub(1))
                .and_then(Bounded::new);
            fetch_artisan_directory(t, standing_of(&s), q, page)
        },
    );
    view! {
        <Title text="Artisans de la plateforme" />
        <p class="mb-4 flex flex-wrap gap-4 text-sm">
            <a href="/admin" class="link">"← Administration"</a>
            <a href="/admin/leads" class="link">"Demandes publiques"</a>
            <a href="/admin/map" class="link">"Carte"</a>
        </p>
        <PageHeader title="Artisans".to_string() subtitle="Tous les profils : métiers, zone, charge de la semaine, documents et pourquoi un artisan ne reçoit pas de demande." />
        <Transition fallback=|| view! { <LoadingState rows=8 /> }>
            {move || Suspend::new(async move {
                let result = data.await;
                // An unknown trade (a hand-made link) is said at its field.
                let trade_error = result.as_ref().err().and_then(|e| e.field_message("trade"));
                let filters = view! {
                    <Filters trade=trade.get_untracked() standing=standing.get_untracked() search=search.get_untracked()
                        trade_error=Signal::derive(move || trade_error.clone()) />
                };
                let body = match result {
                    Err(error) if error.field_message("trade").is_some() => ().into_any(),
                    Err(error) => view! { <ErrorState error retry=Callback::new(move |_| data.refetch()) /> }.into_any(),
                    Ok(d) => view! {
                        <Rows d trade=trade.get_untracked() standing=standing.get_untracked() search=search.get_untracked() />
                    }.into_any(),
                };
                view! { {filters} {body} }
            })}
        </Transition>
    }
}

#[component]
fn Filters(trade: String, standing: String, search: String, trade_error: Signal<Option<String>>) -> impl IntoView {
    let mut trades = vec![(String::new(), "Tous les métiers".to_string())];
    trades.extend(
        TradePack::Artisan
            .trades()
            .iter()
            .map(|t| (t.to_string(), t.to_string())),
    );
    let standings = STANDINGS
        .iter()
        .map(|(k, l, _)| (k.to_string(), l.to_string()))
        .collect();
    view! {
        <form method="get" action="/admin/artisans" role="search" aria-label="Filtrer les artisans" class="mb-4 grid items-end gap-x-4 sm:grid-cols-[1fr_1fr_1.5fr_auto]">
            <SelectField label="Métier" name="metier" value=RwSignal::new(trade) options=trades error=trade_error />
            <SelectField label="Routage" name="etat" value=RwSignal::new(standing) options=standings error=Signal::derive(|| None::<String>) />
            <div class="mb-4">
                <label for="artisan-search" class="block text-sm font-medium text-fg">"Nom, e-mail, entreprise ou lieu"</label>
                <input id="artisan-search" name="q" type="search" value=search autocomplete="off" maxlength="100"
                    class="field-input mt-1.5 block w-full rounded-xl px-3.5 py-2.5 text-base text-fg sm:text-sm" />
            </div>
            <div class="mb-4"><Button testid="artisan-filter">"Filtrer"</Button></div>
        </form>
    }
}

#[component]
fn Rows(d: Directory, trade: String, standing: String, search: String) -> impl IntoView {
    let pages = d.total.div_ceil(d.per_page).max(1);
    let link = move |page: u64| {
        let page = (page + 1).to_string();
        format!(
            "/admin/artisans{}",
            query_string(&[("metier", &trade), ("etat", &standing), ("q", &search), ("page", &page)])
        )
    };
    if d.rows.is_empty() {
        // Past the last page (an old link): the way back to the first.
        let back = (d.total > 0).then(|| link(0));
        return view! {
            <GlassCard>
                <EmptyState icon=IconName::Inbox title="Aucun artisan" message="Aucun profil ne correspond à ces filtres." />
                {back.map(|href| view! { <p class="mt-2 text-center text-sm"><a class="link" href=href>"Revenir à la première page"</a></p> })}
            </GlassCard>
        }
        .into_any();
    }
    let first = d.page * d.per_page + 1;
    let last = first + d.rows.len() as u64 - 1;
    let previous = (d.page > 0).then(|| link(d.page - 1));
    let next = (d.page + 1 < pages).then(|| link(d.page + 1));
    view! {
        <p class="mb-2 text-sm text-muted" data-testid="artisan-count">{format!("{first}–{last} sur {} artisans", d.total)}</p>
        <GlassCard padded=false>
            <ul class="divide-y divide-line" data-testid="artisan-directory">
                {d.rows.into_iter().map(|r| view! { <Row r /> }).collect_view()}
            </ul>
        </GlassCard>
        <nav aria-label="Pages" class="mt-4 flex items-center justify-between gap-3 text-sm">
            {match previous {
                Some(href) => view! { <a class="link" href=href rel="prev">"← Précédents"</a> }.into_any(),
                None => view! { <span></span> }.into_any(),
            }}
            <span class="text-muted" aria-current="page">{format!("Page {} sur {pages}", d.page + 1)}</span>
            {match next {
                Some(href) => view! { <a class="link" href=href rel="next">"Suivants →"</a> }.into_any(),
                None => view! { <span></span> }.into_any(),
            }}
        </nav>
    }
    .into_any()
}

#[component]
fn Row(r: DirectoryRow) -> impl IntoView {
    let routable = r.problems.is_empty();
    let load = format!("{} / {} cette semaine", r.received_this_week, r.weekly_capacity);
    let trades = if r.trades.is_empty() {
        "—".to_string()
    } else {
        r.trades.join(", ")
    };
    view! {
        <li class="grid gap-2 px-4 py-3 sm:grid-cols-[2fr_1.5fr_auto] sm:items-center sm:px-6" data-testid="artisan-row" data-routable=routable.to_string()>
            <div class="min-w-0">
                <p class="truncate font-medium text-fg">{format!("{} — {}", r.name, r.company)}</p>
                <p class="text-sm text-muted">{trades}</p>
            </div>
            <div class="text-sm text-fg">
                <p>{format!("{} · {} km", r.place, r.radius_km)}</p>
                <p class="text-muted">{load}{r.score.map(|s| format!(" · score {s}/100"))}</p>
            </div>
            <div class="flex flex-wrap gap-1.5 sm:justify-end">
                {if routable {
                    let label = match &r.in_order_until {
                        Some(until) => format!("En règle jusqu'au {until}"),
                        None => "En règle".to_string(),
                    };
                    view! { <Badge tone=Tone::Success>{label}</Badge> }.into_any()
                } else {
                    r.problems.clone().into_iter().map(|p| view! { <Badge tone=Tone::Danger>{p}</Badge> }).collect_view().into_any()
                }}
                {(r.pending_documents > 0).then(|| view! {
                    <Badge tone=Tone::Warning>{format!("{} document(s) à valider", r.pending_documents)}</Badge>
                })}
            </div>
        </li>
    }
}
