//! `/app/jobs`: today's, this week's or every job, mine or everyone's, by
//! status, with a search; a phone shows one card per job, thumb-sized.

use super::{priority_badge, status_tone};
use crate::domain::jobs::{JobStatus, Period};
use crate::domain::paging::Bounded;
use crate::jobs::api::fetch_jobs;
use crate::jobs::{JobFilter, JobList, JobRow};
use crate::ui::{
    Badge, Button, ButtonKind, EmptyState, ErrorState, GlassCard, IconName, LinkButton, LoadingState, PageHeader,
    query_string,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The period chips: URL value, label, period.
const PERIODS: [(&str, &str, Period); 3] = [
    ("", "Aujourd'hui", Period::Today),
    ("semaine", "Cette semaine", Period::Week),
    ("tout", "Tous", Period::All),
];

fn period_of(key: &str) -> Period {
    PERIODS
        .iter()
        .find(|(k, ..)| *k == key)
        .map(|p| p.2)
        .unwrap_or(Period::Today)
}

/// The list page.
#[component]
pub fn JobsPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |key: &'static str| Memo::new(move |_| query.with(|q| q.get(key).unwrap_or_default()));
    let (period, status, mine, search, page) = (get("periode"), get("statut"), get("mes"), get("q"), get("page"));
    let data = Resource::new(
        move || (period.get(), status.get(), mine.get(), search.get(), page.get()),
        |(p, s, m, q, n)| {
            fetch_jobs(JobFilter {
                period: period_of(&p),
                status: JobStatus::parse(&s),
                mine: m == "1",
                search: q,
                page: n
                    .parse::<u64>()
                    .ok()
                    .and_then(|n| n.checked_sub(1))
                    .and_then(Bounded::new),
            })
        },
    );
    // My jobs of the coming days stay on the device for the field (offline).
    Effect::new(move |_| {
        if !crate::jobs::offline::online() {
            return;
        }
        leptos::task::spawn_local(async move {
            let mine = JobFilter {
                period: Period::Week,
                mine: true,
                ..JobFilter::default()
            };
            if let Ok(list) = fetch_jobs(mine).await {
                let urls: Vec<String> = list.rows.iter().map(|r| format!("/app/jobs/{}", r.id)).collect();
                crate::jobs::offline::keep_pages(&urls);
            }
        });
    });
    // The links keep every other filter.
    let link = move |p: &str, m: &str| {
        format!(
            "/app/jobs{}",
            query_string(&[
                ("periode", p),
                ("statut", &status.get()),
                ("mes", m),
                ("q", &search.get())
            ])
        )
    };
    view! {
        <Title text="Chantiers" />
        <PageHeader title="Chantiers".to_string() subtitle="Les chantiers et projets ouverts par les affaires gagnées : ce qui est prévu, en cours, à valider.">
            <LinkButton href="/app/jobs/settings".to_string() kind=ButtonKind::Secondary>"Étapes et contrôles"</LinkButton>
        </PageHeader>
        <nav aria-label="Période" class="mb-3 flex max-w-full flex-wrap gap-1 rounded-xl bg-white/5 p-1">
            {PERIODS.iter().map(|(key, label, _)| {
                let key = *key;
                view! {
                    <a href=move || link(key, &mine.get())
                        class="tab rounded-lg px-3 py-2 text-sm font-semibold"
                        aria-current=move || (period.get() == key).then_some("page")
                        data-testid=format!("jobs-period-{}", if key.is_empty() { "today" } else { key })>
                        {*label}
                    </a>
                }
            }).collect_view()}
            <a href=move || link(&period.get(), if mine.get() == "1" { "" } else { "1" })
                class="tab rounded-lg px-3 py-2 text-sm font-semibold"
                aria-current=move || (mine.get() == "1").then_some("true")
                data-testid="jobs-mine">
                "Mes chantiers"
            </a>
        </nav>
        <form method="get" action="/app/jobs" role="search" aria-label="Chercher un chantier" class="mb-4 grid items-end gap-x-3 gap-y-2 sm:grid-cols-[1.5fr_1fr_auto]">
            <input type="hidden" name="periode" value=move || period.get() />
            <input type="hidden" name="mes" value=move || mine.get() />
            <div>
                <label for="job-search" class="block text-sm font-medium text-fg">"Client, ville ou titre"</label>
                <input id="job-search" name="q" type="search" prop:value=move || search.get() autocomplete="off" maxlength="100"
                    class="field-input mt-1.5 block w-full rounded-xl px-3.5 py-2.5 text-base text-fg sm:text-sm" />
            </div>
            <div>
                <label for="job-status" class="block text-sm font-medium text-fg">"Statut"</label>
                <select id="job-status" name="statut" class="field-input mt-1.5 block w-full rounded-xl px-3.5 py-2.5 text-base text-fg sm:text-sm">
                    <option value="" selected=move || status.get().is_empty()>"Tous les statuts"</option>
                    {JobStatus::ALL.into_iter().map(|s| view! {
                        <option value=s.as_str() selected=move || status.get() == s.as_str()>{s.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div><Button testid="jobs-filter">"Filtrer"</Button></div>
        </form>
        <Transition fallback=|| view! { <LoadingState rows=6 /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) if crate::jobs::offline::reload_kept_copy(&error) => {
                        view! { <LoadingState rows=6 /> }.into_any()
                    }
                    Err(error) => view! { <ErrorState error retry=Callback::new(move |_| data.refetch()) /> }.into_any(),
                    Ok(list) => {
                        let filters = vec![
                            ("periode", period.get_untracked()),
                            ("statut", status.get_untracked()),
                            ("mes", mine.get_untracked()),
                            ("q", search.get_untracked()),
                        ];
                        view! { <Rows list period=period.get_untracked() filters /> }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn Rows(list: JobList, period: String, filters: Vec<(&'static str, String)>) -> impl IntoView {
    if list.rows.is_empty() {
        let message = match period_of(&period) {
            Period::Today => "Rien de prévu aujourd'hui. Voyez la semaine ou tous les chantiers.",
            Period::Week => "Rien de prévu cette semaine.",
            Period::All => "Un chantier s'ouvre quand une affaire est gagnée (devis signé).",
        };
        return view! {
            <GlassCard>
                <EmptyState icon=IconName::Inbox title="Aucun chantier" message=message />
            </GlassCard>
        }
        .into_any();
    }
    let pages = list.total.div_ceil(list.per_page).max(1);
    view! {
        <p class="mb-2 text-sm text-muted" data-testid="jobs-count">{format!("{} chantier(s)", list.total)}</p>
        <ul class="grid gap-3 md:grid-cols-2" data-testid="jobs-list">
            {list.rows.into_iter().map(|r| view! { <Row r /> }).collect_view()}
        </ul>
        {(pages > 1).then(|| {
            // Pages are 1-based in the address; the other filters are kept.
            let page_link = |n: u64| {
                let n = n.to_string();
                let mut pairs: Vec<(&str, &str)> = filters.iter().map(|(k, v)| (*k, v.as_str())).collect();
                pairs.push(("page", &n));
                format!("/app/jobs{}", query_string(&pairs))
            };
            let here = list.page + 1;
            view! {
                <nav aria-label="Pages" class="mt-4 flex items-center justify-center gap-4 text-sm">
                    {(here > 1).then(|| view! { <a class="link inline-flex min-h-11 items-center" href=page_link(here - 1) rel="prev">"← Précédente"</a> })}
                    <span class="text-muted">{format!("Page {here} sur {pages}")}</span>
                    {(here < pages).then(|| view! { <a class="link inline-flex min-h-11 items-center" href=page_link(here + 1) rel="next" data-testid="jobs-next">"Suivante →"</a> })}
                </nav>
            }
        })}
    }
    .into_any()
}

#[component]
fn Row(r: JobRow) -> impl IntoView {
    let href = format!("/app/jobs/{}", r.id);
    let percent = (r.steps_done * 100).checked_div(r.steps_total).unwrap_or(0);
    let progress = format!("{} / {} étapes", r.steps_done, r.steps_total);
    let when = match (&r.planned_start, &r.promised_on) {
        (Some(p), Some(d)) => format!("Prévu le {p} · promis le {d}"),
        (Some(p), None) => format!("Prévu le {p}"),
        (None, Some(d)) => format!("Promis le {d}"),
        (None, None) => "Non planifié".to_string(),
    };
    view! {
        <li>
            <a href=href class="glass block rounded-2xl p-4 transition hover:bg-white/15" data-testid="job-row">
                <div class="flex items-start justify-between gap-3">
                    <p class="min-w-0 font-semibold text-fg">{r.title}</p>
                    <Badge tone=status_tone(r.status)>{r.status.label()}</Badge>
                </div>
                <p class="mt-1 text-sm text-muted">{when}{(!r.city.is_empty()).then(|| format!(" · {}", r.city))}</p>
                <div class="mt-3 flex items-center gap-3">
                    <div class="h-2 flex-1 overflow-hidden rounded-full bg-white/10" role="progressbar"
                        aria-label="Étapes validées" aria-valuemin="0" aria-valuemax=r.steps_total.to_string() aria-valuenow=r.steps_done.to_string()>
                        <div class="h-full rounded-full bg-gradient-to-r from-blue-500 to-violet-500" style=format!("width: {percent}%")></div>
                    </div>
                    <span class="text-sm text-fg">{progress}</span>
                </div>
                <div class="mt-2 flex flex-wrap items-center gap-2 text-sm text-muted">
                    {priority_badge(r.priority).map(|(tone, label)| view! { <Badge tone>{label}</Badge> })}
                    {(!r.assignees.is_empty()).then(|| view! { <span>{r.assignees.join(", ")}</span> })}
                </div>
            </a>
        </li>
    }
}
