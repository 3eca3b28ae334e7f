//! `/app/dashboard` and `/app/dashboard/settings`.

mod charts;
mod settings;
mod tiles;

pub use settings::DashboardSettingsPage;

use super::api::fetch_dashboard;
use super::{CoachDashboard, Dashboard, Pack, Period, Share};
use crate::ui::{EmptyState, ErrorState, GlassCard, LoadingState, PageHeader};
use charts::ChartCard;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use tiles::KpiGrid;

/// The dashboard page.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let query = use_query_map();
    let period = Memo::new(move |_| Period::parse(query.with(|q| q.get("period")).as_deref()));
    let data = Resource::new(move || period.get(), |p| fetch_dashboard(Some(p.key().to_string())));
    listen_live(data);
    view! {
        <Title text="Tableau de bord" />
        <PageHeader title="Tableau de bord".to_string() subtitle="Chiffres calculés à partir de vos données, mis à jour en direct.">
            <nav aria-label="Période" class="flex flex-wrap gap-1 rounded-xl border border-line p-1" data-testid="period-filter">
                {Period::ALL
                    .into_iter()
                    .map(|p| {
                        view! {
                            <a
                                href=format!("/app/dashboard?period={}", p.key())
                                aria-current=move || (period.get() == p).then_some("page")
                                class=move || {
                                    if period.get() == p {
                                        "rounded-lg bg-gradient-to-r from-blue-600 to-violet-700 px-3 py-1.5 text-sm font-medium text-white"
                                    } else {
                                        "rounded-lg px-3 py-1.5 text-sm text-muted hover:text-fg"
                                    }
                                }
                            >
                                {p.label()}
                            </a>
                        }
                    })
                    .collect_view()}
            </nav>
        </PageHeader>
        <Transition fallback=|| view! { <LoadingState rows=8 label="Calcul des indicateurs…" /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <ErrorState error /> }.into_any(),
                    Ok(d) => view! { <DashboardBody d /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Refetches the dashboard when the workspace's feed commits events.
fn listen_live(data: Resource<Result<Dashboard, crate::error::AppError>>) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        use leptos::wasm_bindgen::closure::Closure;
        use leptos::web_sys::{EventSource, MessageEvent};
        Effect::new(move |_| {
            let Ok(source) = EventSource::new("/app/live") else {
                return;
            };
            let on_kpi = Closure::<dyn Fn(MessageEvent)>::new(move |_: MessageEvent| data.refetch());
            let _ = source.add_event_listener_with_callback("kpi", on_kpi.as_ref().unchecked_ref());
            on_kpi.forget();
            let source = StoredValue::new_local(source);
            on_cleanup(move || source.with_value(EventSource::close));
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = data;
}

#[component]
fn DashboardBody(d: Dashboard) -> impl IntoView {
    let updated = format!("Calculé le {}", d.computed_at);
    if d.coach.is_none() && d.mine.is_none() && d.workspace.is_none() {
        return view! {
            <GlassCard>
                <EmptyState
                    icon=crate::ui::IconName::Chart
                    title="Pas d'indicateurs pour votre rôle"
                    message="Les tableaux de bord montrent vos affaires, ou le pilotage de l'espace (propriétaires, administrateurs et comptabilité)."
                />
            </GlassCard>
        }
        .into_any();
    }
    view! {
        <p class="mb-4 text-xs text-muted" aria-live="polite" data-testid="computed-at">{updated}</p>
        {d.coach.map(|c| view! { <CoachSections c can_configure=d.can_configure /> })}
        {d.mine.map(|p| view! { <PackSection p testid="my-pack" /> })}
        {d.workspace.map(|p| view! { <PackSection p testid="owner-pack" /> })}
        {d.finance.map(|p| view! { <PackSection p testid="finance-pack" /> })}
    }
    .into_any()
}

#[component]
fn PackSection(p: Pack, testid: &'static str) -> impl IntoView {
    view! {
        <section class="mb-8 mt-10" data-testid=testid aria-labelledby=format!("{testid}-title")>
            <h2 id=format!("{testid}-title") class="mb-3 text-lg font-semibold text-fg">{p.title}</h2>
            <KpiGrid kpis=p.kpis />
            <div class="mt-4 grid gap-4 lg:grid-cols-2">
                {p.charts.into_iter().map(|c| view! { <ChartCard c /> }).collect_view()}
            </div>
        </section>
    }
}

const SECTIONS: [&str; 6] = [
    "Activité et volume",
    "Taux de réponse",
    "Qualification et conversion",
    "Démographie",
    "Pipeline et relances",
    "Performance et ROI",
];

#[component]
fn CoachSections(c: CoachDashboard, can_configure: bool) -> impl IntoView {
    if !c.has_data {
        return view! {
            <GlassCard>
                <EmptyState
                    icon=crate::ui::IconName::Chart
                    title="Aucune donnée du setter pour l'instant"
                    message="Créez une clé API dans les réglages du tableau de bord et branchez n8n sur POST /api/v1/setter/events : les indicateurs apparaîtront dès le premier évènement."
                >
                    {can_configure.then(|| view! {
                        <a class="text-sm font-medium text-accent underline" href="/app/dashboard/settings">"Réglages et clés API"</a>
                    })}
                </EmptyState>
            </GlassCard>
        }
        .into_any();
    }
    let chart = |id: &str| c.charts.iter().find(|ch| ch.id == id).cloned();
    let (funnel, leads, rates, gender, sources, jobs, heat) = (
        chart("chart-funnel"),
        chart("chart-leads"),
        chart("chart-rates"),
        chart("chart-gender"),
        chart("chart-sources"),
        chart("chart-jobs"),
        chart("chart-heat"),
    );
    let section = |n: u8| c.kpis.iter().filter(|k| k.section == n).cloned().collect::<Vec<_>>();
    let heading = |n: usize| {
        view! { <h2 id=format!("section-{n}") class="mb-3 mt-8 text-lg font-semibold text-fg">{format!("{n}. {}", SECTIONS[n - 1])}</h2> }
    };
    view! {
        <div data-testid="coach-pack">
            <section aria-labelledby="section-1">
                {heading(1)}
                <KpiGrid kpis=section(1) />
                <div class="mt-4 grid gap-4 lg:grid-cols-2">
                    {leads.map(|c| view! { <ChartCard c /> })}
                    <ShareList title="Top 3 sources" shares=c.top_sources.clone() testid="top-sources" />
                </div>
            </section>
            <section aria-labelledby="section-2">
                {heading(2)}
                <KpiGrid kpis=section(2) />
                <div class="mt-4">{rates.map(|c| view! { <ChartCard c /> })}</div>
            </section>
            <section aria-labelledby="section-3">
                {heading(3)}
                <KpiGrid kpis=section(3) />
                <div class="mt-4">{funnel.map(|c| view! { <ChartCard c /> })}</div>
            </section>
            <section aria-labelledby="section-4">
                {heading(4)}
                <KpiGrid kpis=section(4) />
                <div class="mt-4 grid gap-4 lg:grid-cols-2">
                    {gender.map(|c| view! { <ChartCard c /> })}
                    {jobs.map(|c| view! { <ChartCard c /> })}
                </div>
                <div class="mt-4">{sources.map(|c| view! { <ChartCard c /> })}</div>
            </section>
            <section aria-labelledby="section-5">
                {heading(5)}
                <KpiGrid kpis=section(5) />
                <div class="mt-4 grid gap-4 lg:grid-cols-2">
                    <FollowUps c=c.clone() />
                    <ShareList title="Raisons de perte" shares=c.lost_reasons.clone() testid="lost-reasons" />
                </div>
            </section>
            <section aria-labelledby="section-6">
                {heading(6)}
                <KpiGrid kpis=section(6) />
                <div class="mt-4">{heat.map(|c| view! { <ChartCard c /> })}</div>
                {can_configure.then(|| view! {
                    <p class="mt-4 text-sm text-muted">
                        "Les estimations reposent sur les hypothèses des "
                        <a class="font-medium text-accent underline" href="/app/dashboard/settings">"réglages du tableau de bord"</a>
                        "."
                    </p>
                })}
            </section>
        </div>
    }
    .into_any()
}

#[component]
fn ShareList(title: &'static str, shares: Vec<Share>, testid: &'static str) -> impl IntoView {
    view! {
        <GlassCard>
            <h3 class="mb-3 text-sm font-semibold text-fg">{title}</h3>
            {if shares.is_empty() {
                view! { <p class="text-sm text-muted">"Rien sur la période."</p> }.into_any()
            } else {
                view! {
                    <ul class="space-y-3" data-testid=testid>
                        {shares
                            .into_iter()
                            .map(|s| {
                                let width = format!("width: {:.1}%", s.pct.clamp(0.0, 100.0));
                                view! {
                                    <li>
                                        <div class="flex justify-between gap-2 text-sm">
                                            <span class="truncate text-fg">{s.label}</span>
                                            <span class="shrink-0 text-muted">
                                                {format!("{} · {} %", crate::domain::kpi::group(s.count), crate::domain::kpi::one_decimal(s.pct))}
                                            </span>
                                        </div>
                                        <div class="mt-1 h-1.5 rounded-full bg-white/10" aria-hidden="true">
                                            <div class="h-1.5 rounded-full bg-gradient-to-r from-blue-500 to-violet-500" style=width></div>
                                        </div>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </GlassCard>
    }
}

#[component]
fn FollowUps(c: CoachDashboard) -> impl IntoView {
    use crate::ui::{Badge, Tone};
    view! {
        <GlassCard padded=false>
            <h3 id="follow-ups-title" class="px-5 pt-5 text-sm font-semibold text-fg">"Leads à relancer"</h3>
            {if c.follow_ups.is_empty() {
                view! { <p class="p-5 text-sm text-muted">"Personne à relancer."</p> }.into_any()
            } else {
                view! {
                    // Scrolls sideways on narrow phones: focusable so that keyboards can scroll it too.
                    <div class="overflow-x-auto" tabindex="0" role="region" aria-labelledby="follow-ups-title">
                    <table class="mt-2 w-full text-left text-sm" data-testid="follow-ups">
                        <caption class="sr-only">"Leads à relancer, les plus urgents d'abord"</caption>
                        <thead class="text-xs uppercase tracking-wide text-muted">
                            <tr>
                                <th scope="col" class="px-5 py-2">"Prospect"</th>
                                <th scope="col" class="px-2 py-2 text-right">"Sans contact"</th>
                                <th scope="col" class="px-2 py-2">"Priorité"</th>
                                <th scope="col" class="px-5 py-2">"Étape"</th>
                            </tr>
                        </thead>
                        <tbody class="divide-y divide-line">
                            {c.follow_ups
                                .into_iter()
                                .map(|f| {
                                    let tone = match f.priority {
                                        super::Priority::High => Tone::Danger,
                                        super::Priority::Medium => Tone::Warning,
                                        super::Priority::Low => Tone::Neutral,
                                    };
                                    view! {
                                        <tr>
                                            <th scope="row" class="px-5 py-2 font-medium text-fg">{f.name}</th>
                                            <td class="px-2 py-2 text-right text-fg">{format!("{} j", f.days_silent)}</td>
                                            <td class="px-2 py-2"><Badge tone>{f.priority.label()}</Badge></td>
                                            <td class="px-5 py-2 text-muted">{f.stage}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                    </div>
                }
                    .into_any()
            }}
        </GlassCard>
    }
}
