//! The sync status of the field queue, at the top of every app page: offline
//! or not, how many captures wait on the device, when the queue last reached
//! the server, and what the server refused and why (each to retry or to
//! dismiss). Hidden while everything is sent and the device is online.

use crate::jobs::offline::{FieldQueue, dismiss, flush_now, retry};
use leptos::prelude::*;

/// The status strip (`data-testid="sync-status"`).
#[component]
pub fn SyncStatus() -> impl IntoView {
    let queue = FieldQueue::get().0;
    let online = move || queue.with(|q| q.online);
    let pending = move || queue.with(|q| q.pending);
    let problems = move || queue.with(|q| q.problems().cloned().collect::<Vec<_>>());
    let shown = move || !online() || pending() > 0 || !problems().is_empty();
    view! {
        <div data-testid="sync-status" data-pending=move || pending().to_string()
            data-online=move || online().to_string()>
            <Show when=shown>
                <div class=move || format!(
                    "sticky top-20 z-30 mb-4 rounded-xl border px-4 py-3 text-sm backdrop-blur-md lg:top-4 {}",
                    if online() { "border-sky-400/40 bg-sky-50/95 dark:bg-sky-950/85" } else { "border-amber-400/60 bg-amber-50/95 dark:bg-amber-950/85" },
                )>
                    <div class="flex flex-wrap items-center justify-between gap-2">
                        <p class="font-semibold text-fg" data-testid="sync-title">
                            {move || if !online() { "Hors ligne : vos saisies restent sur l'appareil" }
                                else if pending() > 0 { "Envoi des saisies en cours" }
                                else { "Saisies à revoir" }}
                        </p>
                        <Show when={move || online() && pending() > 0}>
                            <button type="button" class="link min-h-11 text-sm font-semibold" on:click=move |_| flush_now()>
                                "Envoyer maintenant"
                            </button>
                        </Show>
                    </div>
                    <p class="text-fg" role="status" aria-live="polite">
                        {move || match pending() {
                            0 => "Aucune saisie en attente".to_string(),
                            1 => "1 saisie en attente d'envoi".to_string(),
                            n => format!("{n} saisies en attente d'envoi"),
                        }}
                        {move || {
                            let last = queue.with(|q| q.last_sync_label.clone());
                            if last.is_empty() { String::new() } else { format!(" · dernière synchronisation à {last}") }
                        }}
                    </p>
                    <Show when=move || !problems().is_empty()>
                        <details class="mt-2" data-testid="sync-problems">
                            <summary class="link cursor-pointer font-semibold">
                                {move || format!("{} saisie(s) à revoir", problems().len())}
                            </summary>
                            <ul class="mt-2 grid gap-2">
                                <For each=problems key=|i| (i.id.clone(), i.state.clone(), i.error.clone()) let:item>
                                    <li class="rounded-lg bg-white/5 px-3 py-2" data-testid="sync-problem" data-state=item.state.clone()>
                                        <p class="font-medium text-fg">{item.label.clone()}</p>
                                        <p class="text-muted">{item.error.clone()}</p>
                                        <div class="mt-1 flex gap-4">
                                            {(item.state == "pending").then(|| {
                                                let id = item.id.clone();
                                                view! {
                                                    <button type="button" class="link min-h-11" on:click=move |_| retry(&id)>"Réessayer"</button>
                                                }
                                            })}
                                            {(item.state != "pending").then(|| {
                                                let id = item.id.clone();
                                                view! {
                                                    <button type="button" class="link min-h-11" on:click=move |_| dismiss(&id)>"J'ai compris"</button>
                                                }
                                            })}
                                        </div>
                                    </li>
                                </For>
                            </ul>
                        </details>
                    </Show>
                </div>
            </Show>
        </div>
    }
}
