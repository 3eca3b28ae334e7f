//! An artisan's documents (list, upload) on their profile, and the platform
//! admin's moderation queue.

use crate::domain::MemberId;
use crate::domain::documents::{DocumentKind, DocumentStatus};
use crate::error::AppError;
use crate::marketplace::api::{ReviewDocument, UploadArtisanDocument, fetch_artisan_documents, fetch_document_queue};
use crate::marketplace::{DocumentRow, DocumentUpload};
use crate::ui::{
    Badge, Button, ButtonKind, FormAlert, GlassCard, SelectField, TextField, Tone, clear_field, field_error, on_result,
};
use leptos::prelude::*;

fn status_badge(d: &DocumentRow) -> impl IntoView + use<> {
    let (tone, text) = match d.status {
        DocumentStatus::Pending => (Tone::Warning, "En attente de validation".to_string()),
        DocumentStatus::Approved => (Tone::Success, "Validé".to_string()),
        DocumentStatus::Rejected => (
            Tone::Danger,
            format!("Refusé : {}", d.reject_reason.clone().unwrap_or_default()),
        ),
    };
    view! { <Badge tone>{text}</Badge> }
}

fn document_line(d: DocumentRow) -> impl IntoView {
    let link = d.has_file.then(|| format!("/app/artisan-documents/{}", d.id));
    view! {
        <li class="flex flex-wrap items-center justify-between gap-2 py-2" data-testid="artisan-document">
            <span class="text-sm text-fg">
                <strong>{d.label.clone()}</strong>
                {format!(" · du {} au {}", d.starts_on, d.ends_on)}
                {(!d.details.is_empty()).then(|| view! { <span class="block text-xs text-muted">{d.details.clone()}</span> })}
            </span>
            <span class="flex items-center gap-2">
                {status_badge(&d)}
                {link.map(|href| view! { <a class="link text-sm" href=href target="_blank" rel="noopener">"Voir"</a> })}
            </span>
        </li>
    }
}

/// The member's documents and the upload form.
#[component]
pub fn DocumentsSection(member: MemberId, editable: bool) -> impl IntoView {
    let docs = Resource::new(move || member, fetch_artisan_documents);
    let kind = RwSignal::new("decennale".to_string());
    let insurer = RwSignal::new(String::new());
    let policy = RwSignal::new(String::new());
    let cover = RwSignal::new(String::new());
    let domains = RwSignal::new(String::new());
    let starts = RwSignal::new(String::new());
    let ends = RwSignal::new(String::new());
    let file = RwSignal::new(None::<(String, String)>);
    let action = ServerAction::<UploadArtisanDocument>::new();
    let error = RwSignal::new(None::<AppError>);
    let done = RwSignal::new(None::<String>);
    on_result(action, error, move |_| {
        docs.refetch();
        done.set(Some("Document déposé : il sera vérifié par l'équipe.".into()));
    });
    let on_file = move |ev: leptos::ev::Event| {
        clear_field(error, "file");
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
                return;
            };
            let Some(f) = input.files().and_then(|list| list.get(0)) else {
                return;
            };
            let name = f.name();
            let Ok(reader) = web_sys::FileReader::new() else { return };
            let r = reader.clone();
            let onload = wasm_bindgen::closure::Closure::once_into_js(move || {
                if let Some(url) = r.result().ok().and_then(|v| v.as_string()) {
                    file.set(Some((name, url)));
                }
            });
            reader.set_onload(Some(onload.unchecked_ref()));
            let _ = reader.read_as_data_url(&f);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        let (file_name, data) = file.get_untracked().unwrap_or_default();
        action.dispatch(UploadArtisanDocument {
            member,
            document: DocumentUpload {
                kind: kind.get_untracked(),
                insurer: insurer.get_untracked(),
                policy_number: policy.get_untracked(),
                cover: cover.get_untracked(),
                rge_domains: domains.get_untracked(),
                starts_on: starts.get_untracked(),
                ends_on: ends.get_untracked(),
                file_name,
            },
            file: data,
        });
    };
    let kinds: Vec<(String, String)> = DocumentKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), k.label().to_string()))
        .collect();
    view! {
        <section class="mt-6" aria-labelledby="documents-title">
            <h3 id="documents-title" class="mb-2 text-base font-semibold text-fg">"Documents"</h3>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match docs.await {
                        Ok(list) if list.is_empty() => view! { <p class="text-sm text-muted">"Aucun document déposé."</p> }.into_any(),
                        Ok(list) => view! { <ul class="divide-y divide-line">{list.into_iter().map(document_line).collect_view()}</ul> }.into_any(),
                        Err(_) => ().into_any(),
                    }
                })}
            </Suspense>
            {editable.then(|| view! {
                <form novalidate on:submit=on_submit data-testid="document-upload" class="mt-4 grid gap-x-4 sm:grid-cols-2">
                    <div class="sm:col-span-2"><FormAlert error /></div>
                    <SelectField label="Type de document" name="kind" value=kind options=kinds.clone() error=field_error(error, "kind") />
                    <div class="mb-4">
                        <label for="f-file" class="block text-sm font-medium text-fg">"Fichier (PDF, JPEG ou PNG, 5 Mo au plus)"</label>
                        <input id="f-file" name="file" type="file" accept="application/pdf,image/jpeg,image/png"
                            class="mt-1.5 block w-full text-sm text-fg file:mr-3 file:rounded-lg file:border-0 file:bg-white/10 file:px-3 file:py-2 file:text-fg"
                            aria-describedby="f-file-error" on:change=on_file />
                        <p id="f-file-error" class="field-error mt-1 text-sm" class:hidden=move || field_error(error, "file").get().is_none()>
                            {move || field_error(error, "file").get().unwrap_or_default()}
                        </p>
                    </div>
                    <TextField label="Début de validité" name="starts_on" kind="date" value=starts required=true
                        error=field_error(error, "starts_on") on_input=Callback::new(move |_| clear_field(error, "starts_on")) />
                    <TextField label="Fin de validité" name="ends_on" kind="date" value=ends required=true
                        error=field_error(error, "ends_on") on_input=Callback::new(move |_| clear_field(error, "ends_on")) />
                    <TextField label="Assureur (assurances)" name="insurer" value=insurer
                        error=field_error(error, "insurer") on_input=Callback::new(move |_| clear_field(error, "insurer")) />
                    <TextField label="Numéro de police (assurances)" name="policy_number" value=policy
                        error=field_error(error, "policy_number") on_input=Callback::new(move |_| clear_field(error, "policy_number")) />
                    <TextField label="Couverture géographique (décennale)" name="cover" value=cover
                        error=field_error(error, "cover") on_input=Callback::new(move |_| clear_field(error, "cover")) />
                    <TextField label="Domaines (RGE)" name="rge_domains" value=domains
                        error=field_error(error, "rge_domains") on_input=Callback::new(move |_| clear_field(error, "rge_domains")) />
                    <div class="flex flex-wrap items-center gap-3 sm:col-span-2">
                        <Button kind=ButtonKind::Secondary busy=action.pending() testid="upload-document">"Déposer le document"</Button>
                        <p class="text-sm font-medium text-fg" role="status">{move || done.get()}</p>
                    </div>
                </form>
            })}
        </section>
    }
}

/// Documents waiting for a platform admin.
#[component]
pub fn ModerationQueue() -> impl IntoView {
    let queue = Resource::new(|| (), |_| fetch_document_queue());
    let action = ServerAction::<ReviewDocument>::new();
    let error = RwSignal::new(None::<AppError>);
    on_result(action, error, move |_| queue.refetch());
    view! {
        <GlassCard class="mb-6">
            <h2 class="mb-3 text-lg font-semibold text-fg">"Documents à vérifier"</h2>
            <FormAlert error />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match queue.await {
                        Ok(rows) if rows.is_empty() => view! { <p class="text-sm text-muted">"Aucun document en attente."</p> }.into_any(),
                        Ok(rows) => view! {
                            <ul class="divide-y divide-line" data-testid="moderation-queue">
                                {rows.into_iter().map(|r| {
                                    let id = r.document.id;
                                    let reason = RwSignal::new(String::new());
                                    view! {
                                        <li class="grid gap-2 py-3 sm:grid-cols-[1fr_auto]">
                                            <div class="text-sm text-fg">
                                                <strong>{format!("{} — {}", r.artisan, r.workspace)}</strong>
                                                <span class="block">{format!("{} · du {} au {} · déposé le {}", r.document.label, r.document.starts_on, r.document.ends_on, r.uploaded_at)}</span>
                                                <span class="block text-xs text-muted">{r.document.details.clone()}</span>
                                                {r.document.has_file.then(|| view! { <a class="link" href=format!("/app/artisan-documents/{id}") target="_blank" rel="noopener">"Ouvrir le fichier"</a> })}
                                            </div>
                                            <div class="flex flex-wrap items-end gap-2">
                                                <Button r#type="button" busy=action.pending() testid="approve-document"
                                                    on_click=Callback::new(move |_| { action.dispatch(ReviewDocument { id, approve: true, reason: String::new() }); })>
                                                    "Valider"
                                                </Button>
                                                <label class="sr-only" for=format!("reason-{id}")>"Raison du refus"</label>
                                                <input id=format!("reason-{id}") class="field-input rounded-xl px-3 py-2 text-sm text-fg" placeholder="Raison du refus"
                                                    prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
                                                <Button kind=ButtonKind::Danger r#type="button" busy=action.pending()
                                                    on_click=Callback::new(move |_| { action.dispatch(ReviewDocument { id, approve: false, reason: reason.get_untracked() }); })>
                                                    "Refuser"
                                                </Button>
                                            </div>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(_) => ().into_any(),
                    }
                })}
            </Suspense>
        </GlassCard>
    }
}
