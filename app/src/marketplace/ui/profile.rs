//! The artisan profile card on a member's page: trades, base, radius,
//! capacity, availability, and why they receive no lead when they do not.

use crate::domain::MemberId;
use crate::error::AppError;
use crate::marketplace::ProfileView;
use crate::marketplace::api::{SaveArtisanProfile, fetch_artisan_profile};
use crate::ui::{Badge, Button, Checkbox, FormAlert, GlassCard, TextField, Tone, clear_field, field_error, on_result};
use leptos::prelude::*;

/// The card; nothing outside artisan workspaces.
#[component]
pub fn ArtisanProfileCard(member: MemberId) -> impl IntoView {
    let data = Resource::new(move || member, fetch_artisan_profile);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <ProfileEditor view /> }.into_any(),
                    Err(_) => ().into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ProfileEditor(view: ProfileView) -> impl IntoView {
    let saved = RwSignal::new(view.clone());
    let form = view.form.clone().unwrap_or_default();
    let trades = RwSignal::new(form.trades.clone());
    let phone = RwSignal::new(form.phone.clone());
    let address = RwSignal::new(form.address.clone());
    let postcode = RwSignal::new(form.postcode.clone());
    let city = RwSignal::new(form.city.clone());
    let radius = RwSignal::new(if view.form.is_some() {
        form.radius_km.clone()
    } else {
        "30".into()
    });
    let capacity = RwSignal::new(if view.form.is_some() {
        form.weekly_capacity.clone()
    } else {
        "10".into()
    });
    let available = RwSignal::new(view.form.as_ref().is_none_or(|f| f.available));
    let action = ServerAction::<SaveArtisanProfile>::new();
    let error = RwSignal::new(None::<AppError>);
    let done = RwSignal::new(None::<String>);
    on_result(action, error, move |v| {
        saved.set(v);
        done.set(Some("Profil enregistré.".into()));
    });
    let member = view.member_id;
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        action.dispatch(SaveArtisanProfile {
            member,
            form: crate::marketplace::ProfileForm {
                trades: trades.get_untracked(),
                phone: phone.get_untracked(),
                address: address.get_untracked(),
                postcode: postcode.get_untracked(),
                city: city.get_untracked(),
                radius_km: radius.get_untracked(),
                weekly_capacity: capacity.get_untracked(),
                available: available.get_untracked(),
            },
        });
    };
    let editable = view.editable;
    let choices = view.trade_choices.clone();
    view! {
        <GlassCard class="mt-6">
            <div class="mb-4 flex flex-wrap items-center justify-between gap-3">
                <h2 class="text-lg font-semibold text-fg">"Profil artisan (place de marché)"</h2>
                <div role="status" data-testid="routing-status">
                    {move || {
                        let reasons = saved.with(|s| s.out_of_routing.clone());
                        if reasons.is_empty() {
                            view! { <Badge tone=Tone::Success>"Reçoit des demandes"</Badge> }.into_any()
                        } else {
                            view! {
                                <span class="flex flex-wrap gap-2">
                                    {reasons.into_iter().map(|r| view! { <Badge tone=Tone::Danger>{format!("Hors routage : {r}")}</Badge> }).collect_view()}
                                </span>
                            }.into_any()
                        }
                    }}
                </div>
            </div>
            {move || saved.with(|s| s.base.zip(s.form.as_ref().and_then(|f| f.radius_km.parse::<f64>().ok())))
                .map(|((lat, lon), radius_km)| view! { <div class="mb-4"><super::ZoneMap lat lon radius_km /></div> })}
            <ul class="mb-4 flex flex-wrap gap-2" aria-label="Documents obligatoires" data-testid="document-badges">
                {move || saved.with(|s| s.documents.clone()).into_iter().map(|d| {
                    let (tone, text) = match &d.problem {
                        None => (Tone::Success, format!("{} : valide", d.label)),
                        Some(p) => (Tone::Warning, p.clone()),
                    };
                    view! { <li><Badge tone>{text}</Badge></li> }
                }).collect_view()}
            </ul>
            <form novalidate on:submit=on_submit data-testid="artisan-profile-form" class="grid gap-x-4 sm:grid-cols-2">
                <div class="sm:col-span-2"><FormAlert error /></div>
                <fieldset class="mb-4 sm:col-span-2" aria-describedby="f-trades-error">
                    <legend class="text-sm font-medium text-fg">"Métiers"</legend>
                    <div class="mt-2 flex flex-wrap gap-2">
                        {choices.into_iter().map(|t| {
                            let value = t.clone();
                            let id = format!("trade-{}", t.to_lowercase().replace(' ', "-"));
                            let checked = { let t = t.clone(); move || trades.with(|list| list.contains(&t)) };
                            view! {
                                <label for=id.clone() class="chip flex min-h-11 cursor-pointer items-center gap-2 rounded-full border border-line px-3 py-1.5 text-sm text-fg">
                                    <input id=id.clone() type="checkbox" class="h-4 w-4 accent-indigo-500" disabled=!editable prop:checked=checked
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            trades.update(|list| { list.retain(|x| *x != value); if on { list.push(value.clone()); } });
                                            clear_field(error, "trades");
                                        } />
                                    {t}
                                </label>
                            }
                        }).collect_view()}
                    </div>
                    <p id="f-trades-error" class="field-error mt-1 text-sm" class:hidden=move || field_error(error, "trades").get().is_none()>
                        {move || field_error(error, "trades").get().unwrap_or_default()}
                    </p>
                </fieldset>
                <TextField label="Code postal de la base" name="postcode" value=postcode required=true inputmode="numeric" autocomplete="postal-code"
                    error=field_error(error, "postcode") on_input=Callback::new(move |_| clear_field(error, "postcode")) />
                <TextField label="Commune" name="city" value=city required=true autocomplete="address-level2"
                    error=field_error(error, "city") on_input=Callback::new(move |_| clear_field(error, "city")) />
                <TextField label="Adresse (facultatif)" name="address" value=address autocomplete="street-address"
                    error=field_error(error, "address") on_input=Callback::new(move |_| clear_field(error, "address")) />
                <TextField label="Téléphone" name="phone" kind="tel" value=phone required=true autocomplete="tel"
                    error=field_error(error, "phone") on_input=Callback::new(move |_| clear_field(error, "phone")) />
                <TextField label="Rayon d'intervention (km)" name="radius_km" value=radius required=true inputmode="numeric" hint="De 1 à 200 km autour de la base."
                    error=field_error(error, "radius_km") on_input=Callback::new(move |_| clear_field(error, "radius_km")) />
                <TextField label="Nouvelles demandes par semaine" name="weekly_capacity" value=capacity required=true inputmode="numeric"
                    error=field_error(error, "weekly_capacity") on_input=Callback::new(move |_| clear_field(error, "weekly_capacity")) />
                <div class="sm:col-span-2">
                    <Checkbox name="available" checked=available error=Signal::derive(|| None::<String>)>"Disponible pour de nouvelles demandes"</Checkbox>
                </div>
                {editable.then(|| view! {
                    <div class="flex flex-wrap items-center gap-3 sm:col-span-2">
                        <Button busy=action.pending() testid="save-artisan-profile">"Enregistrer le profil"</Button>
                        <p class="text-sm font-medium text-fg" role="status">{move || done.get()}</p>
                    </div>
                })}
            </form>
            <super::DocumentsSection member editable />
        </GlassCard>
    }
}
