//! `/admin`: platform administration.

use crate::admin::api::fetch_admin_overview;
use crate::ui::{Badge, ErrorState, GlassCard, LoadingState, PageHeader, StatTile, Tone};
use leptos::prelude::*;
use leptos_meta::Title;

/// Platform admin page.
#[component]
pub fn AdminPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| fetch_admin_overview());
    view! {
        <Title text="Administration" />
        <PageHeader title="Administration de la plateforme".to_string() subtitle="Espaces, comptes et file d'envoi." />
        <Suspense fallback=|| view! { <LoadingState rows=6 /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <ErrorState error /> }.into_any(),
                    Ok(o) => {
                        view! {
                            <div class="mb-6 grid grid-cols-2 gap-3 lg:grid-cols-4">
                                <StatTile label="Espaces" value=o.workspaces.len().to_string() />
                                <StatTile label="Comptes" value=o.users.to_string() detail=format!("{} avec 2FA", o.users_with_totp) />
                                <StatTile label="E-mails en file" value=o.emails_pending.to_string() />
                                <StatTile label="E-mails en échec" value=o.emails_failed.to_string() />
                            </div>
                            <GlassCard class="overflow-x-auto" padded=false>
                                <table class="w-full min-w-[640px] text-left text-sm" data-testid="admin-workspaces">
                                    <caption class="sr-only">"Espaces de la plateforme et leur activité"</caption>
                                    <thead class="text-xs uppercase tracking-wide text-muted">
                                        <tr>
                                            <th scope="col" class="px-6 py-3">"Espace"</th>
                                            <th scope="col" class="px-3 py-3">"Métier"</th>
                                            <th scope="col" class="px-3 py-3 text-right">"Membres"</th>
                                            <th scope="col" class="px-3 py-3 text-right">"Événements 30 j"</th>
                                            <th scope="col" class="px-3 py-3">"Dernière activité"</th>
                                            <th scope="col" class="px-6 py-3">"Créé le"</th>
                                        </tr>
                                    </thead>
                                    <tbody class="divide-y divide-line">
                                        {o
                                            .workspaces
                                            .into_iter()
                                            .map(|w| {
                                                view! {
                                                    <tr>
                                                        <th scope="row" class="px-6 py-3 font-medium text-fg">{w.name}</th>
                                                        <td class="px-3 py-3"><Badge tone=Tone::Accent>{w.pack.label()}</Badge></td>
                                                        <td class="px-3 py-3 text-right text-fg">{w.members}</td>
                                                        <td class="px-3 py-3 text-right text-fg">{w.events_30d}</td>
                                                        <td class="px-3 py-3 text-muted">{w.last_activity.unwrap_or_else(|| "—".into())}</td>
                                                        <td class="px-6 py-3 text-muted">{w.created_at}</td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </GlassCard>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}
