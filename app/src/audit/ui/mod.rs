//! `/app/audit`: the audit trail with filters kept in the URL.

use crate::audit::api::{VerifyAuditChain, list_events};
use crate::audit::{EventAction, EventPage, EventRow};
use crate::ui::{
    Badge, Button, ButtonKind, EmptyState, ErrorState, GlassCard, Icon, IconName, LoadingState, PageHeader, Tone,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

#[derive(Clone, Debug, PartialEq, Default)]
struct Filters {
    action: String,
    actor: String,
    from: String,
    to: String,
}

impl Filters {
    fn query(&self) -> String {
        crate::ui::query_string(&[
            ("action", &self.action),
            ("actor", &self.actor),
            ("from", &self.from),
            ("to", &self.to),
        ])
    }
}

/// Audit trail page.
#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let filters = Memo::new(move |_| {
        query.with(|q| Filters {
            action: q.get("action").unwrap_or_default(),
            actor: q.get("actor").unwrap_or_default(),
            from: q.get("from").unwrap_or_default(),
            to: q.get("to").unwrap_or_default(),
        })
    });
    let older = RwSignal::new(Vec::<EventRow>::new());
    let cursor = RwSignal::new(None::<i64>);
    let page = Resource::new(
        move || filters.get(),
        move |f| {
            older.set(Vec::new());
            list_events(None, Some(f.action), Some(f.actor), Some(f.from), Some(f.to))
        },
    );
    let more = Action::new(move |before: &i64| {
        let before = *before;
        let f = filters.get_untracked();
        async move { list_events(Some(before), Some(f.action), Some(f.actor), Some(f.from), Some(f.to)).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(p)) = more.value().get() {
            older.update(|o| o.extend(p.rows.clone()));
            cursor.set(p.next_before_seq);
        }
    });
    view! {
        <Title text="Journal d'audit" />
        <PageHeader
            title="Journal d'audit".to_string()
            subtitle="Chaque action, horodatée, signée par son auteur et chaînée : une modification après coup se voit."
        >
            <VerifyButton />
        </PageHeader>
        <Transition fallback=|| view! { <LoadingState rows=8 /> }>
            {move || Suspend::new(async move {
                match page.await {
                    Err(error) => view! { <ErrorState error retry=Callback::new(move |_| page.refetch()) /> }.into_any(),
                    Ok(p) => {
                        cursor.set(p.next_before_seq);
                        view! {
                            <FilterBar filters=filters.get_untracked() page=p.clone() />
                            <EventTable first=p.rows older />
                            <Show when=move || cursor.get().is_some()>
                                <div class="mt-4 flex justify-center">
                                    <Button
                                        kind=ButtonKind::Secondary
                                        r#type="button"
                                        busy=more.pending()
                                        on_click=Callback::new(move |_| {
                                            if let Some(before) = cursor.get_untracked() {
                                                more.dispatch(before);
                                            }
                                        })
                                    >
                                        "Afficher plus"
                                    </Button>
                                </div>
                            </Show>
                        }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn FilterBar(filters: Filters, page: EventPage) -> impl IntoView {
    let navigate = use_navigate();
    let state = RwSignal::new(filters);
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        navigate(
            &format!("/app/audit{}", state.get_untracked().query()),
            Default::default(),
        );
    };
    let select_class = "field-input mt-1 block w-full rounded-xl px-3 py-2 text-sm text-fg";
    view! {
        <GlassCard class="mb-4">
            <form class="grid gap-3 sm:grid-cols-2 lg:grid-cols-5 lg:items-end" on:submit=apply data-testid="audit-filters">
                <div>
                    <label for="filter-action" class="text-sm font-medium text-fg">
                        "Action"
                    </label>
                    <select
                        id="filter-action"
                        class=select_class
                        on:change=move |ev| state.update(|s| s.action = event_target_value(&ev))
                    >
                        <option value="">"Toutes"</option>
                        {EventAction::ALL
                            .iter()
                            .map(|a| {
                                let selected = state.get_untracked().action == a.as_str();
                                view! {
                                    <option value=a.as_str() selected=selected>
                                        {a.label()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div>
                    <label for="filter-actor" class="text-sm font-medium text-fg">
                        "Auteur"
                    </label>
                    <select
                        id="filter-actor"
                        class=select_class
                        on:change=move |ev| state.update(|s| s.actor = event_target_value(&ev))
                    >
                        <option value="">"Tous"</option>
                        {page
                            .actors
                            .into_iter()
                            .map(|(id, label)| {
                                let selected = state.get_untracked().actor == id;
                                view! {
                                    <option value=id selected=selected>
                                        {label}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div>
                    <label for="filter-from" class="text-sm font-medium text-fg">
                        "Du"
                    </label>
                    <input
                        id="filter-from"
                        type="date"
                        class=select_class
                        prop:value=state.get_untracked().from
                        on:change=move |ev| state.update(|s| s.from = event_target_value(&ev))
                    />
                </div>
                <div>
                    <label for="filter-to" class="text-sm font-medium text-fg">
                        "Au"
                    </label>
                    <input
                        id="filter-to"
                        type="date"
                        class=select_class
                        prop:value=state.get_untracked().to
                        on:change=move |ev| state.update(|s| s.to = event_target_value(&ev))
                    />
                </div>
                <Button kind=ButtonKind::Secondary testid="apply-filters">
                    "Filtrer"
                </Button>
            </form>
        </GlassCard>
    }
}

#[component]
fn EventTable(first: Vec<EventRow>, older: RwSignal<Vec<EventRow>>) -> impl IntoView {
    if first.is_empty() {
        return view! {
            <GlassCard>
                <EmptyState
                    icon=IconName::Journal
                    title="Aucun événement"
                    message="Aucune action ne correspond à ces filtres."
                />
            </GlassCard>
        }
        .into_any();
    }
    view! {
        <GlassCard class="overflow-hidden" padded=false>
            <ul class="divide-y divide-line" data-testid="event-list">
                {first.into_iter().map(|e| view! { <EventItem event=e /> }).collect_view()}
                {move || older.get().into_iter().map(|e| view! { <EventItem event=e /> }).collect_view()}
            </ul>
        </GlassCard>
    }
    .into_any()
}

#[component]
fn EventItem(event: EventRow) -> impl IntoView {
    let has_detail = event.before.is_some() || event.after.is_some();
    view! {
        <li class="px-4 py-3 sm:px-6" data-testid="event-row" data-action=event.action_id.clone()>
            <div class="flex flex-wrap items-center gap-x-3 gap-y-1">
                <span class="font-medium text-fg">{event.action.clone()}</span>
                <Badge tone=Tone::Neutral>{event.entity.clone()}</Badge>
                <span class="ml-auto text-xs text-muted">
                    <time datetime=event.occurred_at_iso.clone()>{event.occurred_at.clone()}</time>
                </span>
            </div>
            {event.summary.clone().map(|s| view! { <p class="mt-0.5 text-sm text-fg">{s}</p> })}
            <p class="mt-0.5 text-sm text-muted">
                {format!("{} · n° {} · ", event.actor, event.seq)}
                <span class="font-mono" title="Empreinte chaînée">
                    {event.hash_short.clone()}
                </span>
                {event.ip.clone().map(|ip| format!(" · IP {ip}"))}
            </p>
            {has_detail
                .then(|| {
                    view! {
                        <details class="mt-2 text-sm">
                            <summary class="link cursor-pointer">"Détails"</summary>
                            <dl class="mt-2 grid gap-2 sm:grid-cols-2">
                                {event
                                    .before
                                    .clone()
                                    .map(|b| {
                                        view! {
                                            <div>
                                                <dt class="text-xs text-muted">"Avant"</dt>
                                                <dd class="break-all rounded-lg bg-black/20 p-2 font-mono text-xs text-fg">{b}</dd>
                                            </div>
                                        }
                                    })}
                                {event
                                    .after
                                    .clone()
                                    .map(|a| {
                                        view! {
                                            <div>
                                                <dt class="text-xs text-muted">"Après"</dt>
                                                <dd class="break-all rounded-lg bg-black/20 p-2 font-mono text-xs text-fg">{a}</dd>
                                            </div>
                                        }
                                    })}
                                {event
                                    .user_agent
                                    .clone()
                                    .map(|ua| {
                                        view! {
                                            <div class="sm:col-span-2">
                                                <dt class="text-xs text-muted">"Navigateur"</dt>
                                                <dd class="break-all text-xs text-fg">{ua}</dd>
                                            </div>
                                        }
                                    })}
                            </dl>
                        </details>
                    }
                })}
        </li>
    }
}

#[component]
fn VerifyButton() -> impl IntoView {
    let verify = ServerAction::<VerifyAuditChain>::new();
    view! {
        <div class="flex flex-col items-end gap-2">
            <Button
                kind=ButtonKind::Secondary
                r#type="button"
                busy=verify.pending()
                testid="verify-chain"
                on_click=Callback::new(move |_| {
                    verify.dispatch(VerifyAuditChain {});
                })
            >
                <Icon name=IconName::Shield />
                "Vérifier l'intégrité"
            </Button>
            <div role="status" aria-live="polite" data-testid="chain-status">
                {move || {
                    verify
                        .value()
                        .get()
                        .map(|r| match r {
                            Ok(report) => {
                                match report.first_break {
                                    None => {
                                        view! {
                                            <Badge tone=Tone::Success>
                                                {format!("Chaîne intacte · {} événements vérifiés", report.events)}
                                            </Badge>
                                        }
                                            .into_any()
                                    }
                                    Some(b) => {
                                        view! {
                                            <Badge tone=Tone::Danger>
                                                {format!("Rupture à l'événement n° {} : {}", b.seq, b.reason)}
                                            </Badge>
                                        }
                                            .into_any()
                                    }
                                }
                            }
                            Err(e) => view! { <Badge tone=Tone::Danger>{e.to_string()}</Badge> }.into_any(),
                        })
                }}
            </div>
        </div>
    }
}
