//! `/app`: the workspace at a glance.

use crate::audit::EventRow;
use crate::domain::StageKind;
use crate::ui::{
    Badge, ButtonKind, EmptyState, ErrorState, GlassCard, Icon, IconName, LinkButton, LoadingState, PageHeader,
    StatTile, Tone,
};
use crate::workspace::PipelineView;
use crate::workspace::api::workspace_overview;
use leptos::prelude::*;
use leptos_meta::Title;

/// Home page of the current workspace.
#[component]
pub fn HomePage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| workspace_overview());
    view! {
        <Title text="Accueil" />
        <Suspense fallback=|| view! { <LoadingState rows=6 /> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Err(error) => {
                        view! { <ErrorState error retry=Callback::new(move |_| overview.refetch()) /> }.into_any()
                    }
                    Ok(o) => {
                        let stage_count: usize = o.pipelines.iter().map(|p| p.stages.len()).sum();
                        let security = if o.totp_enabled {
                            ("Activée", "Double authentification")
                        } else {
                            ("À activer", "Double authentification")
                        };
                        view! {
                            <PageHeader title=o.name.clone() subtitle=format!("{} · {}", o.pack.label(), o.role.label())>
                                {o
                                    .role
                                    .can_manage_members()
                                    .then(|| {
                                        view! {
                                            <LinkButton href="/app/members".to_string()>
                                                <Icon name=IconName::Plus />
                                                "Inviter un membre"
                                            </LinkButton>
                                        }
                                    })}
                            </PageHeader>
                            <div class="mb-6 grid grid-cols-2 gap-3 lg:grid-cols-4">
                                <StatTile label="Membres" value=o.member_count.to_string() />
                                <StatTile label="Invitations en attente" value=o.pending_invitations.to_string() />
                                <StatTile label="Étapes du pipeline" value=stage_count.to_string() />
                                <StatTile label=security.1 value=security.0.to_string() />
                            </div>
                            {(!o.totp_enabled)
                                .then(|| {
                                    view! {
                                        <GlassCard class="mb-6 flex flex-wrap items-center gap-4">
                                            <Icon name=IconName::Shield class="h-8 w-8 shrink-0 text-accent" />
                                            <div class="min-w-0 flex-1 basis-56">
                                                <p class="font-semibold text-fg">"Protégez votre compte"</p>
                                                <p class="text-sm text-muted">
                                                    "Activez la double authentification : un code de votre téléphone en plus du mot de passe."
                                                </p>
                                            </div>
                                            <LinkButton href="/app/security".to_string() kind=ButtonKind::Secondary>
                                                "Activer"
                                            </LinkButton>
                                        </GlassCard>
                                    }
                                })}
                            <div class="grid gap-6 xl:grid-cols-3">
                                <div class="xl:col-span-2">
                                    {o.pipelines.into_iter().map(|p| view! { <PipelineCard pipeline=p /> }).collect_view()}
                                </div>
                                <RecentActivity events=o.recent_events />
                            </div>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn PipelineCard(pipeline: PipelineView) -> impl IntoView {
    view! {
        <GlassCard class="mb-6">
            <div class="mb-4 flex items-center gap-2">
                <Icon name=IconName::Pipeline class="h-5 w-5 text-muted" />
                <h2 class="text-lg font-semibold text-fg">{pipeline.name}</h2>
            </div>
            <ol class="flex flex-wrap items-center gap-2" aria-label="Étapes du pipeline">
                {pipeline
                    .stages
                    .into_iter()
                    .map(|s| {
                        let (tone, kind) = match s.kind {
                            StageKind::Open => (None, "En cours"),
                            StageKind::Won => (Some(Tone::Success), "Gagné"),
                            StageKind::Lost => (Some(Tone::Danger), "Perdu"),
                        };
                        view! {
                            <li class="flex items-center gap-2 rounded-xl bg-white/5 px-3 py-2" title=kind>
                                <span
                                    class="h-2.5 w-2.5 shrink-0 rounded-full"
                                    style=format!("background:{}", s.color)
                                    aria-hidden="true"
                                ></span>
                                <span class="text-sm font-medium text-fg">{s.name.clone()}</span>
                                {tone.filter(|_| s.name != kind).map(|tone| view! { <Badge tone>{kind}</Badge> })}
                                <span class="text-xs text-muted">{format!("{} %", s.probability)}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </GlassCard>
    }
}

#[component]
fn RecentActivity(events: Option<Vec<EventRow>>) -> impl IntoView {
    view! {
        <GlassCard>
            <div class="mb-4 flex items-center justify-between">
                <h2 class="text-lg font-semibold text-fg">"Activité récente"</h2>
                {events.is_some().then(|| view! { <a href="/app/audit" class="link text-sm">"Tout voir"</a> })}
            </div>
            {match events {
                None => {
                    view! {
                        <p class="text-sm text-muted">"Le journal d'audit est réservé aux propriétaires, administrateurs et à la comptabilité."</p>
                    }
                        .into_any()
                }
                Some(list) if list.is_empty() => {
                    view! {
                        <EmptyState icon=IconName::Journal title="Aucune activité" message="Les actions de l'équipe apparaîtront ici." />
                    }
                        .into_any()
                }
                Some(list) => {
                    view! {
                        <ul class="space-y-3">
                            {list
                                .into_iter()
                                .map(|e| {
                                    view! {
                                        <li class="text-sm">
                                            <p class="font-medium text-fg">{e.action}</p>
                                            {e.summary.map(|s| view! { <p class="truncate text-xs text-fg">{s}</p> })}
                                            <p class="text-xs text-muted">{format!("{} · {}", e.actor, e.occurred_at)}</p>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }
            }}
        </GlassCard>
    }
}
