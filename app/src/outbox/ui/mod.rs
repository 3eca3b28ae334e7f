//! `/app/outbox`: what the application sent, and (locally) what it said.

use crate::outbox::api::{get_email, list_outbox};
use crate::outbox::{EmailRow, EmailStatus};
use crate::ui::{Badge, EmptyState, ErrorState, GlassCard, Icon, IconName, LoadingState, PageHeader, Tone};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn status_tone(status: EmailStatus) -> Tone {
    match status {
        EmailStatus::Queued => Tone::Warning,
        EmailStatus::Sent => Tone::Success,
        EmailStatus::Failed => Tone::Danger,
    }
}

/// Outbox list page.
#[component]
pub fn OutboxPage() -> impl IntoView {
    let query = use_query_map();
    let status = Memo::new(move |_| query.with(|q| q.get("status").unwrap_or_default()));
    let search = Memo::new(move |_| query.with(|q| q.get("q").unwrap_or_default()));
    let page = Resource::new(
        move || (status.get(), search.get()),
        |(s, q)| list_outbox(Some(s), Some(q)),
    );
    let tabs: Vec<(&'static str, &'static str)> = vec![
        ("", "Tous"),
        ("queued", "En file"),
        ("sent", "Envoyés"),
        ("failed", "Échecs"),
    ];
    view! {
        <Title text="Boîte d'envoi" />
        <PageHeader title="Boîte d'envoi".to_string() subtitle="Les e-mails envoyés par Comptoir et leur état de livraison." />
        <div class="mb-4 flex flex-wrap items-center gap-3">
            <nav aria-label="Filtrer par état" class="flex flex-wrap gap-1 rounded-xl bg-white/5 p-1">
                {tabs
                    .into_iter()
                    .map(|(value, label)| {
                        let href = if value.is_empty() { "/app/outbox".to_string() } else { format!("/app/outbox?status={value}") };
                        view! {
                            <a
                                href=href
                                class="tab rounded-lg px-3 py-1.5 text-sm font-semibold"
                                aria-current=move || (status.get() == value).then_some("page")
                            >
                                {label}
                            </a>
                        }
                    })
                    .collect_view()}
            </nav>
            <form method="get" action="/app/outbox" class="flex w-full gap-2 sm:ml-auto sm:w-auto" role="search">
                {move || {
                    let s = status.get();
                    (!s.is_empty()).then(|| view! { <input type="hidden" name="status" value=s /> })
                }}
                <label for="outbox-search" class="sr-only">
                    "Rechercher un destinataire ou un sujet"
                </label>
                <input
                    id="outbox-search"
                    name="q"
                    type="search"
                    placeholder="Destinataire ou sujet"
                    class="field-input w-full rounded-xl px-3 py-2 text-sm text-fg sm:w-64"
                    prop:value=move || search.get()
                />
            </form>
        </div>
        <Transition fallback=|| view! { <LoadingState rows=6 /> }>
            {move || Suspend::new(async move {
                match page.await {
                    Err(error) => view! { <ErrorState error retry=Callback::new(move |_| page.refetch()) /> }.into_any(),
                    Ok(p) => {
                        view! {
                            {p
                                .local_transport
                                .then(|| {
                                    view! {
                                        <p class="alert-info mb-4 flex items-start gap-2 rounded-xl px-4 py-3 text-sm" role="note">
                                            <Icon name=IconName::Info class="mt-0.5 h-4 w-4 shrink-0" />
                                            "Mode local : aucun serveur SMTP n'est configuré, les e-mails restent sur cette machine et se lisent ici (liens cliquables)."
                                        </p>
                                    }
                                })}
                            <p class="mb-2 text-xs text-muted">{p.scope_label.clone()}</p>
                            <EmailList rows=p.rows />
                        }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn EmailList(rows: Vec<EmailRow>) -> impl IntoView {
    if rows.is_empty() {
        return view! {
            <GlassCard>
                <EmptyState icon=IconName::Inbox title="Aucun e-mail" message="Les invitations et liens de connexion envoyés apparaîtront ici." />
            </GlassCard>
        }
        .into_any();
    }
    view! {
        <GlassCard padded=false>
            <ul class="divide-y divide-line" data-testid="outbox-list">
                {rows
                    .into_iter()
                    .map(|r| {
                        view! {
                            <li data-testid="outbox-row" data-to=r.to.clone() data-kind=format!("{:?}", r.kind)>
                                <a href=format!("/app/outbox/{}", r.id) class="flex flex-wrap items-center gap-x-3 gap-y-2 px-4 py-3 hover:bg-white/5 sm:px-6">
                                    <span class="min-w-0 flex-1 basis-60">
                                        <span class="block truncate font-medium text-fg">{r.subject.clone()}</span>
                                        <span class="block truncate text-sm text-muted">
                                            {format!("À {} · {}", r.to, r.created_at)}
                                        </span>
                                    </span>
                                    <Badge tone=Tone::Neutral>{r.kind.label()}</Badge>
                                    <Badge tone=status_tone(r.status)>{r.status.label()}</Badge>
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

/// One email.
#[component]
pub fn EmailPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<crate::domain::EmailId>().ok()));
    let email = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_email(id).await,
            None => Err(crate::error::AppError::NotFound),
        }
    });
    view! {
        <Title text="E-mail" />
        <p class="mb-4">
            <a href="/app/outbox" class="link text-sm">
                "← Boîte d'envoi"
            </a>
        </p>
        <Suspense fallback=|| view! { <LoadingState rows=6 /> }>
            {move || Suspend::new(async move {
                match email.await {
                    Err(error) => view! { <ErrorState error /> }.into_any(),
                    Ok(d) => {
                        let row = d.row;
                        view! {
                            <PageHeader title=row.subject.clone() subtitle=format!("À {} · {}", row.to, row.created_at) />
                            <div class="mb-4 flex flex-wrap gap-2">
                                <Badge tone=status_tone(row.status)>{row.status.label()}</Badge>
                                <Badge tone=Tone::Neutral>{row.kind.label()}</Badge>
                                {row.transport.clone().map(|t| view! { <Badge tone=Tone::Info>{format!("Transport : {t}")}</Badge> })}
                                {row.sent_at.clone().map(|s| view! { <Badge tone=Tone::Neutral>{format!("Envoyé le {s}")}</Badge> })}
                                {(row.attempts > 1).then(|| view! { <Badge tone=Tone::Warning>{format!("{} tentatives", row.attempts)}</Badge> })}
                            </div>
                            {row.last_error.clone().map(|e| view! { <p class="alert-danger mb-4 rounded-xl px-3 py-2 text-sm">{format!("Dernière erreur : {e}")}</p> })}
                            {(!d.links.is_empty())
                                .then(|| {
                                    view! {
                                        <GlassCard class="mb-4">
                                            <h2 class="mb-3 text-base font-semibold text-fg">"Liens du message"</h2>
                                            <ul class="space-y-2">
                                                {d
                                                    .links
                                                    .clone()
                                                    .into_iter()
                                                    .map(|l| {
                                                        view! {
                                                            <li>
                                                                <a href=l.clone() class="link break-all text-sm" data-testid="email-link">
                                                                    {l.clone()}
                                                                </a>
                                                            </li>
                                                        }
                                                    })
                                                    .collect_view()}
                                            </ul>
                                        </GlassCard>
                                    }
                                })}
                            <GlassCard>
                                {match d.body_text {
                                    Some(body) => {
                                        view! {
                                            <pre class="whitespace-pre-wrap break-words font-sans text-sm text-fg" data-testid="email-body">
                                                {body}
                                            </pre>
                                        }
                                            .into_any()
                                    }
                                    None => {
                                        view! {
                                            <p class="text-sm text-muted">
                                                "Le contenu de ce message contient un lien personnel : il n'est lisible que par son destinataire, et il est effacé après livraison."
                                            </p>
                                        }
                                            .into_any()
                                    }
                                }}
                            </GlassCard>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}
