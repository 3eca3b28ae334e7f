//! `/admin/leads` (the platform's requests, those nobody could take first)
//! and `/admin/leads/:id` (every routing verdict, « Assigner »).

use crate::error::AppError;
use crate::marketplace::SettingsForm;
use crate::marketplace::api::{
    AssignMarketRequest, SaveMarketSettings, WithdrawMarketRequest, fetch_market_request, fetch_market_requests,
    fetch_market_settings,
};
use crate::marketplace::{RequestDetail, RequestStatus, RouteRow};
use crate::ui::{
    Badge, Button, ButtonKind, EmptyState, ErrorState, FormAlert, GlassCard, IconName, LoadingState, PageHeader,
    TextField, Tone, clear_field, field_error, on_result,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

fn status_badge(status: RequestStatus) -> impl IntoView {
    let tone = match status {
        RequestStatus::Unrouted => Tone::Danger,
        RequestStatus::Routed => Tone::Info,
        RequestStatus::Won => Tone::Success,
        RequestStatus::Closed => Tone::Neutral,
    };
    view! { <Badge tone>{status.label()}</Badge> }
}

/// The list of requests.
#[component]
pub fn AdminRequestsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| fetch_market_requests());
    view! {
        <Title text="Demandes publiques" />
        <p class="mb-4 flex flex-wrap gap-4 text-sm"><a href="/admin" class="link">"← Administration"</a><a href="/admin/map" class="link">"Carte"</a><a href="/admin/artisans" class="link">"Artisans"</a></p>
        <PageHeader title="Demandes publiques".to_string() subtitle="Celles qu'aucun artisan n'a pu prendre d'abord, puis les plus récentes." />
        <SettingsCard />
        <Suspense fallback=|| view! { <LoadingState rows=6 /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <ErrorState error /> }.into_any(),
                    Ok(rows) if rows.is_empty() => view! { <EmptyState icon=IconName::Inbox title="Aucune demande" message="Les demandes du formulaire /demande arriveront ici." /> }.into_any(),
                    Ok(rows) => view! {
                        <GlassCard padded=false>
                            <div class="overflow-x-auto" tabindex="0" role="region" aria-label="Demandes publiques">
                            <table class="w-full min-w-[640px] text-left text-sm" data-testid="market-requests">
                                <caption class="sr-only">"Demandes publiques"</caption>
                                <thead class="text-xs uppercase tracking-wide text-muted">
                                    <tr>
                                        <th scope="col" class="px-6 py-3">"Demande"</th>
                                        <th scope="col" class="px-3 py-3">"Lieu"</th>
                                        <th scope="col" class="px-3 py-3">"État"</th>
                                        <th scope="col" class="px-3 py-3 text-right">"Artisans"</th>
                                        <th scope="col" class="px-6 py-3">"Reçue le"</th>
                                    </tr>
                                </thead>
                                <tbody class="divide-y divide-line">
                                    {rows.into_iter().map(|r| view! {
                                        <tr data-testid="market-request-row">
                                            <th scope="row" class="px-6 py-3 font-medium text-fg">
                                                <a class="link" href=format!("/admin/leads/{}", r.id)>{format!("{} — {}", r.trade, r.name)}</a>
                                                {(r.repeats > 0).then(|| view! { <span class="ml-2 text-xs text-muted">{format!("(+{} doublon(s))", r.repeats)}</span> })}
                                            </th>
                                            <td class="px-3 py-3 text-fg">{r.place}</td>
                                            <td class="px-3 py-3">{status_badge(r.status)}</td>
                                            <td class="px-3 py-3 text-right text-fg">{r.assigned}</td>
                                            <td class="px-6 py-3 text-muted">{r.created_at}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            </div>
                        </GlassCard>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// One request and why each artisan was or was not picked.
#[component]
pub fn AdminRequestPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<uuid::Uuid>().ok()));
    let data = Resource::new(id, |id| async move {
        match id {
            Some(id) => fetch_market_request(id).await,
            None => Err(AppError::NotFound),
        }
    });
    let action = ServerAction::<AssignMarketRequest>::new();
    let withdraw = ServerAction::<WithdrawMarketRequest>::new();
    let error = RwSignal::new(None::<AppError>);
    on_result(action, error, move |_| data.refetch());
    on_result(withdraw, error, move |_| data.refetch());
    view! {
        <Title text="Demande publique" />
        <p class="mb-4"><a href="/admin/leads" class="link text-sm">"← Demandes publiques"</a></p>
        <Suspense fallback=|| view! { <LoadingState rows=6 /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <ErrorState error /> }.into_any(),
                    Ok(d) => view! { <RequestView d action withdraw error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RequestView(
    d: RequestDetail,
    action: ServerAction<AssignMarketRequest>,
    withdraw: ServerAction<WithdrawMarketRequest>,
    error: RwSignal<Option<AppError>>,
) -> impl IntoView {
    let request = d.row.id;
    let closed = matches!(d.row.status, RequestStatus::Won | RequestStatus::Closed);
    view! {
        <PageHeader title=format!("{} — {}", d.row.trade, d.row.name) subtitle=format!("{} · reçue le {}", d.row.place, d.row.created_at) />
        <div class="mb-6 grid gap-4 lg:grid-cols-3">
            <GlassCard class="lg:col-span-2">
                <div class="mb-3 flex flex-wrap items-center gap-2">{status_badge(d.row.status)}<Badge>{format!("Budget : {}", d.budget)}</Badge>
                    {d.desired_on.clone().map(|on| view! { <Badge>{format!("Souhaité le {on}")}</Badge> })}</div>
                <p class="whitespace-pre-line text-sm text-fg">{d.description.clone()}</p>
                <div class="mt-4"><super::RequestPhotos photos=d.photos.clone() /></div>
            </GlassCard>
            <GlassCard>
                <dl class="grid gap-2 text-sm">
                    <div><dt class="text-muted">"Téléphone"</dt><dd class="text-fg">{d.phone.clone()}</dd></div>
                    <div><dt class="text-muted">"E-mail"</dt><dd class="break-all text-fg">{d.email.clone()}</dd></div>
                    <div><dt class="text-muted">"Adresse"</dt><dd class="text-fg">{if d.address.is_empty() { "—".to_string() } else { d.address.clone() }}</dd></div>
                    <div><dt class="text-muted">"Localisation"</dt><dd class="text-fg">{d.geo_source.clone()}</dd></div>
                </dl>
            </GlassCard>
        </div>
        <FormAlert error />
        <GlassCard padded=false>
            <h2 id="routing-title" class="px-6 pt-5 text-lg font-semibold text-fg">"Routage : pourquoi chaque artisan a été retenu ou non"</h2>
            {if d.routes.is_empty() {
                view! { <p class="px-6 py-5 text-sm text-muted">"Aucun artisan de ce métier à moins de 200 km."</p> }.into_any()
            } else {
                view! {
                    <div class="overflow-x-auto" tabindex="0" role="region" aria-labelledby="routing-title">
                    <table class="mt-3 w-full min-w-[720px] text-left text-sm">
                        <caption class="sr-only">"Verdict du routage pour chaque artisan"</caption>
                        <thead class="text-xs uppercase tracking-wide text-muted">
                            <tr>
                                <th scope="col" class="px-6 py-3">"Artisan"</th>
                                <th scope="col" class="px-3 py-3 text-right">"Distance"</th>
                                <th scope="col" class="px-3 py-3 text-right">"Score"</th>
                                <th scope="col" class="px-3 py-3">"Verdict"</th>
                                <th scope="col" class="px-6 py-3"><span class="sr-only">"Action"</span></th>
                            </tr>
                        </thead>
                        <tbody class="divide-y divide-line">
                            {d.routes.into_iter().map(|r| view! { <RouteLine r request closed action withdraw /> }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                }.into_any()
            }}
        </GlassCard>
    }
}

#[component]
fn RouteLine(
    r: RouteRow,
    request: uuid::Uuid,
    closed: bool,
    action: ServerAction<AssignMarketRequest>,
    withdraw: ServerAction<WithdrawMarketRequest>,
) -> impl IntoView {
    let member = crate::domain::MemberId(r.member_id);
    let verdict = if r.assigned {
        let by = if r.assigned_by == "admin" {
            "assigné à la main"
        } else {
            "retenu"
        };
        view! { <Badge tone=Tone::Success>{format!("{} · {}", by, r.stage.clone().unwrap_or_default())}</Badge> }
            .into_any()
    } else {
        view! { <ul class="grid gap-1">{r.reasons.iter().map(|x| view! { <li class="text-fg">{x.clone()}</li> }).collect_view()}</ul> }.into_any()
    };
    view! {
        <tr data-testid="route-explain" data-member-id=r.member_id.to_string() data-eligible=r.eligible.to_string() data-assigned=r.assigned.to_string()>
            <th scope="row" class="px-6 py-3 font-medium text-fg">{r.name}<span class="block text-xs font-normal text-muted">{r.workspace}</span></th>
            <td class="px-3 py-3 text-right text-fg">{format!("{:.1} km", r.distance_km)}</td>
            <td class="px-3 py-3 text-right text-fg">{r.score}</td>
            <td class="px-3 py-3">{verdict}</td>
            <td class="px-6 py-3 text-right">
                {r.can_withdraw.then(|| view! {
                    <Button kind=ButtonKind::Secondary r#type="button" busy=withdraw.pending() testid="route-withdraw"
                        on_click=Callback::new(move |_| { withdraw.dispatch(WithdrawMarketRequest { request, member }); })>
                        "Reprendre"
                    </Button>
                })}
                {(!r.assigned && !closed && r.assigned_by != "withdrawn").then(|| view! {
                    <Button kind=ButtonKind::Secondary r#type="button" busy=action.pending() testid="route-assign"
                        on_click=Callback::new(move |_| { action.dispatch(AssignMarketRequest { request, member }); })>
                        "Assigner"
                    </Button>
                })}
            </td>
        </tr>
    }
}

/// The routing and reminder settings, folded under the list.
#[component]
fn SettingsCard() -> impl IntoView {
    let data = Resource::new(|| (), |_| fetch_market_settings());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                data.await.ok().map(|form| view! { <SettingsPanel form /> })
            })}
        </Suspense>
    }
}

#[component]
fn SettingsPanel(form: SettingsForm) -> impl IntoView {
    let top_n = RwSignal::new(form.top_n);
    let remind = RwSignal::new(form.remind_after_hours);
    let reassign = RwSignal::new(form.reassign_after_hours);
    let quote = RwSignal::new(form.quote_follow_up_days);
    let close = RwSignal::new(form.close_after_days);
    let action = ServerAction::<SaveMarketSettings>::new();
    let error = RwSignal::new(None::<AppError>);
    let done = RwSignal::new(None::<String>);
    on_result(action, error, move |_| done.set(Some("Réglages enregistrés.".into())));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        action.dispatch(SaveMarketSettings {
            form: SettingsForm {
                top_n: top_n.get_untracked(),
                remind_after_hours: remind.get_untracked(),
                reassign_after_hours: reassign.get_untracked(),
                quote_follow_up_days: quote.get_untracked(),
                close_after_days: close.get_untracked(),
            },
        });
    };
    view! {
        <details class="glass mb-6 rounded-2xl px-5 py-3" data-testid="market-settings">
            <summary class="cursor-pointer py-1 font-semibold text-fg">"Réglages du routage et des relances"</summary>
            <form novalidate on:submit=on_submit class="mt-3 grid gap-x-4 sm:grid-cols-2 lg:grid-cols-3">
                <TextField label="Artisans par demande" name="top_n" value=top_n required=true inputmode="numeric" hint="De 1 à 10."
                    error=field_error(error, "top_n") on_input=Callback::new(move |_| clear_field(error, "top_n")) />
                <TextField label="Rappel sans contact (heures)" name="remind_after_hours" value=remind required=true inputmode="numeric"
                    hint="Courriel à l'artisan qui n'a pas appelé."
                    error=field_error(error, "remind_after_hours") on_input=Callback::new(move |_| clear_field(error, "remind_after_hours")) />
                <TextField label="Reprise possible après (heures)" name="reassign_after_hours" value=reassign required=true inputmode="numeric"
                    hint="« Reprendre » apparaît sur la demande."
                    error=field_error(error, "reassign_after_hours") on_input=Callback::new(move |_| clear_field(error, "reassign_after_hours")) />
                <TextField label="Relance devis sans nouvelles (jours)" name="quote_follow_up_days" value=quote required=true inputmode="numeric"
                    error=field_error(error, "quote_follow_up_days") on_input=Callback::new(move |_| clear_field(error, "quote_follow_up_days")) />
                <TextField label="Clôture des demandes après (jours)" name="close_after_days" value=close required=true inputmode="numeric"
                    error=field_error(error, "close_after_days") on_input=Callback::new(move |_| clear_field(error, "close_after_days")) />
                <div class="flex flex-col justify-end gap-2 pb-4 sm:col-span-2 lg:col-span-1">
                    <FormAlert error />
                    <p role="status" class="text-sm text-fg">{move || done.get().unwrap_or_default()}</p>
                    <Button r#type="submit" busy=action.pending() testid="market-settings-save">"Enregistrer les réglages"</Button>
                </div>
            </form>
        </details>
    }
}
