//! `/app/jobs/:id`: a job's status and moves, steps and photos, client,
//! planning, signed quote and people, then its timeline (last: on a phone
//! the work comes before the history).

use super::checks::NonConformitiesCard;
use super::photos::PhotosCard;
use super::planning::PlanningForm;
use super::steps::StepsCard;
use super::{priority_badge, status_tone};
use crate::domain::JobId;
use crate::domain::jobs::JobStatus;
use crate::jobs::JobDetail;
use crate::jobs::api::{MoveJob, fetch_job};
use crate::ui::{Badge, Button, ButtonKind, ErrorState, GlassCard, LoadingState, PageHeader, use_toasts};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The job page.
#[component]
pub fn JobPage() -> impl IntoView {
    super::Unanswered::provide();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|s| s.parse::<JobId>().ok())));
    let loaded = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => fetch_job(id).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    let reload = Callback::new(move |_| loaded.refetch());
    // Captures kept on the device reached the server: show what it made of them.
    crate::jobs::offline::on_synced(reload);

    view! {
        <p class="mb-4 text-sm"><a href="/app/jobs" class="link">"← Chantiers"</a></p>
        <Transition fallback=|| view! { <LoadingState rows=8 /> }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Err(error) if crate::jobs::offline::reload_kept_copy(&error) => {
                        view! { <LoadingState rows=8 /> }.into_any()
                    }
                    Err(error) => view! { <ErrorState error retry=reload /> }.into_any(),
                    Ok(job) => view! { <JobView job reload /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The verb of a move, from the status it leaves.
fn verb(from: JobStatus, to: JobStatus) -> &'static str {
    match (from, to) {
        (JobStatus::Planned, JobStatus::InProgress) => "Démarrer",
        (JobStatus::Paused, JobStatus::InProgress) => "Reprendre",
        (_, JobStatus::InProgress) => "Rouvrir",
        (_, JobStatus::Paused) => "Mettre en pause",
        (_, JobStatus::Done) => "Terminer",
        (_, JobStatus::Cancelled) => "Annuler le chantier",
        (_, JobStatus::Planned) => "Replanifier",
    }
}

#[component]
fn JobView(job: JobDetail, reload: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    // The device keeps this job as it now stands, for the field (offline).
    if crate::jobs::offline::online() {
        crate::jobs::offline::keep_pages(&[format!("/app/jobs/{}", job.id)]);
    }
    let mover = ServerAction::<MoveJob>::new();
    Effect::new(move |_| match mover.value().get() {
        Some(Ok(())) => {
            toasts.success("Statut du chantier changé.");
            reload.run(());
        }
        Some(Err(e)) => toasts.error(e.to_string()),
        None => {}
    });
    let id = job.id;
    let from = job.status;
    let moves = job
        .moves
        .clone()
        .into_iter()
        .map(|to| {
            let kind = if to == JobStatus::Cancelled {
                ButtonKind::Secondary
            } else {
                ButtonKind::Primary
            };
            view! {
                <Button kind r#type="button" busy=mover.pending() testid="job-move"
                    on_click=Callback::new(move |_| { mover.dispatch(MoveJob { id, status: to }); })>
                    {verb(from, to)}
                </Button>
            }
        })
        .collect_view();
    let c = job.client.clone();
    let tel = format!("tel:{}", c.phone.replace(' ', ""));
    let mail = format!("mailto:{}", c.email);
    view! {
        <Title text=job.title.clone() />
        <PageHeader title=job.title.clone()>
            {moves}
            <a class="link text-sm font-semibold" href=format!("/app/jobs/{}/report", job.id) target="_blank" rel="noopener"
                data-testid="job-report">
                {if job.status == JobStatus::Done { "Rapport (PDF)" } else { "Rapport provisoire (PDF)" }}
            </a>
        </PageHeader>
        <div class="mb-4 flex flex-wrap items-center gap-2" data-testid="job-status" data-status=job.status.as_str()>
            <Badge tone=status_tone(job.status)>{job.status.label()}</Badge>
            {priority_badge(job.priority).map(|(tone, label)| view! { <Badge tone>{label}</Badge> })}
            {(!job.assignees.is_empty()).then(|| view! { <span class="text-sm text-muted">{job.assignees.join(", ")}</span> })}
        </div>
        <div class="grid gap-4 lg:grid-cols-[2fr_1fr]">
            <div class="grid content-start gap-4">
                <StepsCard job=job.id steps=job.steps.clone() can_work=job.can_work && !job.status.is_closed() reload />
                <PhotosCard job=job.id steps=job.steps.iter().map(|s| (s.id, s.name.clone())).collect()
                    photos=job.photos.clone() storage=job.storage can_work=job.can_work reload />
                <NonConformitiesCard job=job.id items=job.nonconformities.clone()
                    steps=job.steps.iter().map(|s| (s.id, s.name.clone())).collect()
                    photos=job.photos.iter().enumerate()
                        .map(|(i, p)| (p.id, format!("Photo {} — {} {}", i + 1, p.tag.label(), p.taken_at))).collect()
                    can_work=job.can_work && !job.status.is_closed() reload />
            </div>
            <div class="grid content-start gap-4">
                <GlassCard>
                    <h2 class="mb-3 text-lg font-semibold text-fg">"Client"</h2>
                    <p class="font-medium text-fg">{c.name.clone()}</p>
                    {(!c.address.is_empty()).then(|| view! { <p class="text-sm text-muted">{c.address.clone()}</p> })}
                    <div class="mt-3 flex flex-wrap gap-2">
                        {(!c.phone.is_empty()).then(|| view! { <a class="link text-sm" href=tel>{format!("Appeler {}", c.phone)}</a> })}
                        {(!c.email.is_empty()).then(|| view! { <a class="link text-sm" href=mail>{c.email.clone()}</a> })}
                    </div>
                </GlassCard>
                <GlassCard>
                    <h2 class="mb-3 text-lg font-semibold text-fg">"Planning"</h2>
                    <dl class="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
                        <Fact label="Prévu du" value=job.planned_start />
                        <Fact label="au" value=job.planned_end />
                        <Fact label="Promis au client" value=job.promised_on />
                        <Fact label="Commencé le" value=job.started_at />
                        <Fact label="Terminé le" value=job.finished_at />
                    </dl>
                    {job.can_work.then(|| view! { <PlanningForm plan=job.plan.clone() team=job.team.clone() reload /> })}
                </GlassCard>
                {job.quote.map(|q| view! {
                    <GlassCard>
                        <h2 class="mb-3 text-lg font-semibold text-fg">"Devis signé"</h2>
                        <p class="text-sm text-fg">{format!("{} — {} TTC", q.number, q.total)}</p>
                        <div class="mt-3 flex flex-wrap gap-3 text-sm">
                            <a class="link" href=format!("/app/quotes/{}/pdf", q.id) data-testid="job-quote-pdf">"PDF du devis"</a>
                            <a class="link" href=format!("/app/quotes/{}", q.id)>"Ouvrir le devis"</a>
                        </div>
                    </GlassCard>
                })}
            </div>
        </div>
        <div class="mt-4">
            <GlassCard>
                <h2 class="mb-3 text-lg font-semibold text-fg">"Historique"</h2>
                <ol class="grid gap-2 text-sm" data-testid="job-timeline">
                    {job.timeline.into_iter().map(|t| view! {
                        <li class="grid gap-0.5 sm:grid-cols-[9rem_1fr]">
                            <span class="text-muted">{t.at}</span>
                            <span class="text-fg">{t.what}<span class="text-muted">{format!(" — {}", t.actor)}</span></span>
                        </li>
                    }).collect_view()}
                </ol>
            </GlassCard>
        </div>
    }
}

#[component]
fn Fact(label: &'static str, value: Option<String>) -> impl IntoView {
    value.map(|v| {
        view! {
            <dt class="text-muted">{label}</dt>
            <dd class="text-fg">{v}</dd>
        }
    })
}
