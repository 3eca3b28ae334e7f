//! `/app/members/:id`: a member's profile with their score.

use crate::domain::MemberId;
use crate::pipeline::api::fetch_member_profile;
use crate::ui::{ErrorState, GlassCard, LoadingState, PageHeader, StatTile};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

fn percent(v: Option<f64>) -> String {
    v.map(|v| format!("{:.0} %", v * 100.0)).unwrap_or_else(|| "—".into())
}

fn hours(v: Option<f64>) -> String {
    match v {
        None => "—".into(),
        Some(h) if h < 1.0 => format!("{:.0} min", h * 60.0),
        Some(h) if h < 48.0 => format!("{h:.1} h").replace('.', ","),
        Some(h) => format!("{:.1} j", h / 24.0).replace('.', ","),
    }
}

/// Member profile page.
#[component]
pub fn MemberProfilePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<MemberId>().ok()));
    let profile = Resource::new(id, |id| async move {
        match id {
            Some(id) => fetch_member_profile(id).await,
            None => Err(crate::error::AppError::NotFound),
        }
    });
    view! {
        <Title text="Profil" />
        <p class="mb-4"><a href="/app/members" class="link text-sm">"← Membres"</a></p>
        <Suspense fallback=|| view! { <LoadingState rows=5 /> }>
            {move || Suspend::new(async move {
                match profile.await {
                    Err(error) => view! { <ErrorState error /> }.into_any(),
                    Ok(p) => {
                        let score = p.score.clone();
                        view! {
                            <PageHeader title=p.name.clone() subtitle=format!("{} · {}", p.role.label(), p.email) />
                            <div class="mb-6 grid grid-cols-2 gap-3 lg:grid-cols-4" data-testid="member-score">
                                <StatTile label="Score (90 jours)" value=score.as_ref().map(|s| format!("{}/100", s.score)).unwrap_or_else(|| "—".into()) />
                                <StatTile label="Réactivité" value=score.as_ref().map(|s| format!("{}/50", s.reactivity)).unwrap_or_else(|| "—".into())
                                    detail=format!("contactés sous 24 h : {}", percent(score.as_ref().and_then(|s| s.contacted_within_24h)))/>
                                <StatTile label="Conversion" value=score.as_ref().map(|s| format!("{}/50", s.conversion)).unwrap_or_else(|| "—".into())
                                    detail=format!("gagnées : {}", percent(score.as_ref().and_then(|s| s.conversion_rate))) />
                                <StatTile label="Affaires en cours" value=p.open_deals.to_string() />
                            </div>
                            <GlassCard>
                                <h2 class="mb-2 text-lg font-semibold text-fg">"Comment le score est calculé"</h2>
                                <p class="text-sm text-muted">
                                    {format!(
                                        "Sur les 90 derniers jours ({} affaire(s)) : délai médian avant le premier contact {}, part des demandes contactées sous 24 h, et part des affaires gagnées. La réactivité compte pour 50 points, la conversion pour 50.",
                                        score.as_ref().map(|s| s.assigned).unwrap_or(0),
                                        hours(score.as_ref().and_then(|s| s.median_hours_to_contact)),
                                    )}
                                </p>
                            </GlassCard>
                            <crate::marketplace::ui::ArtisanProfileCard member=p.member_id />
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}
