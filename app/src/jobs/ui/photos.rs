//! A job's photos: taken with the phone's camera or chosen from files,
//! tagged before / during / after (and maybe for a step), a gallery of
//! lazy-loaded thumbnails and a full-screen viewer (arrows, swipe, Escape).

use crate::domain::{JobId, JobStepId};
use crate::error::AppError;
use crate::jobs::api::{ShareJobPhoto, add_job_photo};
use crate::jobs::offline::{Capture, FieldQueue, Sent, send};
use crate::jobs::{PhotoCapture, PhotoTag, PhotoView, StorageUse};
use crate::ui::{GlassCard, use_toasts};
use leptos::prelude::*;

/// The photos card of the job page.
#[component]
pub fn PhotosCard(
    job: JobId,
    steps: Vec<(JobStepId, String)>,
    photos: Vec<PhotoView>,
    storage: StorageUse,
    can_work: bool,
    reload: Callback<()>,
) -> impl IntoView {
    let toasts = use_toasts();
    let tag = RwSignal::new(PhotoTag::During.as_str().to_string());
    let step = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let queue = FieldQueue::get().0;
    let upload = Action::new_local(move |c: &PhotoCapture| {
        let c = c.clone();
        async move {
            let capture = Capture {
                id: c.capture,
                endpoint: "add_job_photo",
                body: serde_json::json!({ "photo": &c }),
                job: c.job,
                kind: "photo",
                target: c.step.map(|s| s.to_string()).unwrap_or_default(),
                label: format!("Photo « {} »", c.tag.label().to_lowercase()),
                value: String::new(),
            };
            let direct = PhotoCapture { captured_at: None, ..c };
            send(capture, add_job_photo(direct)).await
        }
    });
    let unanswered = super::Unanswered::get();
    // The file being sent: chosen again after a failure, it goes with the
    // same capture id (a lost answer stores nothing twice).
    let sending = StoredValue::new(String::new());
    Effect::new(move |_| match upload.value().get() {
        Some(Ok(Sent::Queued)) => {
            unanswered.answered(&sending.get_value());
            problem.set(None);
            toasts.success("Photo gardée sur l'appareil : envoi dès que le réseau revient.");
        }
        Some(Ok(Sent::Answered(_))) => {
            unanswered.answered(&sending.get_value());
            problem.set(None);
            toasts.success("Photo enregistrée.");
            reload.run(());
        }
        Some(Err(e)) => {
            let message = e.field_message("photo").unwrap_or_else(|| e.to_string());
            problem.set(Some(message.clone()));
            toasts.error(message);
        }
        None => {}
    });
    let on_file = move |ev: leptos::ev::Event| {
        problem.set(None);
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
                return;
            };
            let Some(file) = input.files().and_then(|list| list.get(0)) else {
                return;
            };
            if file.size() > (crate::jobs::MAX_PHOTO_MB * 1024 * 1024) as f64 {
                problem.set(Some(format!(
                    "Cette photo dépasse {} Mo : choisissez-en une plus légère.",
                    crate::jobs::MAX_PHOTO_MB
                )));
                return;
            }
            let what = format!("photo:{}:{}:{}", file.name(), file.size(), file.last_modified());
            let capture = unanswered.id_for(&what);
            sending.set_value(what);
            let Ok(reader) = web_sys::FileReader::new() else { return };
            let r = reader.clone();
            let input_again = input.clone();
            let onload = wasm_bindgen::closure::Closure::once_into_js(move || {
                if let Some(url) = r.result().ok().and_then(|v| v.as_string()) {
                    upload.dispatch(PhotoCapture {
                        capture,
                        job,
                        step: step.get_untracked().parse().ok(),
                        tag: PhotoTag::parse(&tag.get_untracked()).unwrap_or(PhotoTag::During),
                        file: url,
                        captured_at: crate::jobs::offline::device_now(),
                    });
                }
                // The same file may be chosen again.
                input_again.set_value("");
            });
            reader.set_onload(Some(onload.unchecked_ref()));
            let _ = reader.read_as_data_url(&file);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, job);
    };
    let count = photos.len();
    let photos = StoredValue::new(photos);
    let open = RwSignal::new(None::<usize>);
    view! {
        <GlassCard>
            <div class="mb-3 flex flex-wrap items-center justify-between gap-2">
                <h2 class="text-lg font-semibold text-fg">{format!("Photos ({count})")}</h2>
                <span class="text-sm text-muted" data-testid="photo-storage">{format!("Espace photos : {}", storage.label())}</span>
            </div>
            {move || {
                let waiting = queue.with(|q| q.waiting_for_job(job, "photo"));
                (waiting > 0).then(|| view! {
                    <p class="mb-3 text-sm text-amber-300" data-testid="photos-waiting">
                        {if waiting == 1 { "1 photo en attente d'envoi".to_string() } else { format!("{waiting} photos en attente d'envoi") }}
                    </p>
                })
            }}
            {can_work.then(|| view! {
                <div class="mb-4 grid gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end">
                    <div>
                        <label for="photo-tag" class="block text-sm font-medium text-fg">"Moment"</label>
                        <select id="photo-tag" class="field-input mt-1.5 block w-full rounded-xl px-3.5 py-2.5 text-base text-fg sm:text-sm"
                            on:change=move |ev| tag.set(event_target_value(&ev))>
                            {PhotoTag::ALL.into_iter().map(|t| view! {
                                <option value=t.as_str() selected=move || tag.get() == t.as_str()>{t.label()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div>
                        <label for="photo-step" class="block text-sm font-medium text-fg">"Étape"</label>
                        <select id="photo-step" class="field-input mt-1.5 block w-full rounded-xl px-3.5 py-2.5 text-base text-fg sm:text-sm"
                            on:change=move |ev| step.set(event_target_value(&ev))>
                            <option value="">"Le chantier en général"</option>
                            {steps.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                        </select>
                    </div>
                    <label class="btn inline-flex min-h-11 cursor-pointer items-center justify-center gap-2 rounded-xl bg-gradient-to-r from-blue-600 to-violet-600 px-4 py-2.5 text-sm font-semibold text-white focus-within:outline-2">
                        {move || if upload.pending().get() { "Envoi…" } else { "Prendre une photo" }}
                        <input type="file" accept="image/jpeg,image/png,image/webp,image/*" class="sr-only"
                            data-testid="photo-input" aria-describedby="photo-problem" on:change=on_file />
                    </label>
                </div>
                <p id="photo-problem" class="field-error mb-3 text-sm" role="alert">{move || problem.get()}</p>
            })}
            {if count == 0 {
                view! { <p class="text-sm text-muted">"Aucune photo pour l'instant."</p> }.into_any()
            } else {
                view! {
                    <ul class="grid grid-cols-3 gap-2 sm:grid-cols-4" data-testid="photo-gallery">
                        {photos.with_value(|all| all.iter().enumerate().map(|(i, p)| {
                            let alt = describe(p);
                            view! {
                                <li>
                                    <button type="button" class="block w-full overflow-hidden rounded-xl bg-white/5"
                                        data-testid="photo-thumb" on:click=move |_| open.set(Some(i))>
                                        <img src=p.thumb_url.clone() alt=alt loading="lazy" decoding="async"
                                            width=thumb_side(p).0.to_string() height=thumb_side(p).1.to_string()
                                            class="aspect-square h-auto w-full object-cover" />
                                    </button>
                                </li>
                            }
                        }).collect_view())}
                    </ul>
                }.into_any()
            }}
            <Viewer photos open can_work />
        </GlassCard>
    }
}

/// The thumbnail's size, for the layout before it loads.
fn thumb_side(p: &PhotoView) -> (u32, u32) {
    let long = p.width.max(p.height).max(1);
    let k = 320.0_f64.min(long as f64) / long as f64;
    (
        (p.width as f64 * k).round() as u32,
        (p.height as f64 * k).round() as u32,
    )
}

/// « Pendant — Sablage, 01/12/2026 14:05, Julien Martin ».
fn describe(p: &PhotoView) -> String {
    let mut s = format!("Photo {}", p.tag.label().to_lowercase());
    if let Some(step) = &p.step {
        s.push_str(&format!(" — {step}"));
    }
    s.push_str(&format!(", {}", p.taken_at));
    if let Some(by) = &p.taken_by {
        s.push_str(&format!(", {by}"));
    }
    s
}

/// Full screen, one photo at a time.
#[component]
fn Viewer(photos: StoredValue<Vec<PhotoView>>, open: RwSignal<Option<usize>>, can_work: bool) -> impl IntoView {
    let total = photos.with_value(Vec::len);
    let step = move |delta: isize| {
        open.update(|o| {
            if let Some(i) = o {
                *i = (*i as isize + delta).rem_euclid(total.max(1) as isize) as usize;
            }
        })
    };
    #[cfg(feature = "hydrate")]
    {
        let handle = window_event_listener(leptos::ev::keydown, move |ev| {
            if open.try_get_untracked().flatten().is_none() {
                return;
            }
            match ev.key().as_str() {
                "Escape" => open.set(None),
                "ArrowRight" => step(1),
                "ArrowLeft" => step(-1),
                _ => return,
            }
            ev.prevent_default();
        });
        on_cleanup(move || handle.remove());
    }
    // Opening moves the focus to « Fermer »; closing gives it back to the
    // thumbnail that opened the viewer.
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        let opener = StoredValue::new_local(None::<leptos::web_sys::HtmlElement>);
        Effect::new(move |was_open: Option<bool>| {
            let now = open.get().is_some();
            if now && was_open != Some(true) {
                opener.set_value(document().active_element().and_then(|e| e.dyn_into().ok()));
                request_animation_frame(|| {
                    if let Ok(Some(el)) =
                        document().query_selector("[data-testid=photo-viewer] button[aria-label=Fermer]")
                        && let Ok(el) = el.dyn_into::<leptos::web_sys::HtmlElement>()
                    {
                        let _ = el.focus();
                    }
                });
            } else if !now
                && was_open == Some(true)
                && let Some(el) = opener.get_value()
            {
                let _ = el.focus();
            }
            now
        });
    }
    let start_x = RwSignal::new(None::<i32>);
    let share = ServerAction::<ShareJobPhoto>::new();
    let toasts = use_toasts();
    let shared = RwSignal::new(photos.with_value(|all| all.iter().map(|p| p.shareable).collect::<Vec<_>>()));
    // The box is ticked at once; refused, it goes back to what is stored.
    let asked = StoredValue::new(None::<(usize, bool)>);
    Effect::new(move |_| {
        if let Some(Err(e)) = share.value().get() {
            if let Some((i, on)) = asked.get_value() {
                shared.update(|s| {
                    if let Some(x) = s.get_mut(i) {
                        *x = !on;
                    }
                });
            }
            toasts.error(AppError::to_string(&e));
        }
    });
    view! {
        <Show when=move || open.get().is_some()>
            {move || {
                let i = open.get().unwrap_or(0).min(total.saturating_sub(1));
                let p = photos.with_value(|all| all[i].clone());
                let id = p.id;
                view! {
                    <div role="dialog" aria-modal="true" aria-label=describe(&p) data-testid="photo-viewer"
                        class="fixed inset-0 z-50 flex flex-col bg-slate-950/95"
                        on:pointerdown=move |ev| start_x.set(Some(ev.client_x()))
                        on:pointerup=move |ev| {
                            if let Some(x) = start_x.get_untracked() {
                                let dx = ev.client_x() - x;
                                if dx.abs() > 50 { step(if dx < 0 { 1 } else { -1 }); }
                            }
                            start_x.set(None);
                        }>
                        <div class="flex items-center justify-between gap-3 px-4 py-3 text-sm text-white">
                            <p class="min-w-0 truncate">{format!("{} / {total} · {}", i + 1, describe(&p))}</p>
                            <button type="button" class="min-h-11 min-w-11 rounded-lg text-2xl hover:bg-white/10" aria-label="Fermer"
                                on:click=move |_| open.set(None)>"×"</button>
                        </div>
                        <div class="relative flex min-h-0 flex-1 items-center justify-center px-2 touch-pan-y">
                            <img src=p.url.clone() alt=describe(&p) class="max-h-full max-w-full select-none object-contain" draggable="false" />
                            {(total > 1).then(|| view! {
                                <button type="button" class="absolute left-2 min-h-11 min-w-11 rounded-full bg-black/50 text-2xl text-white" aria-label="Photo précédente"
                                    on:click=move |_| step(-1)>"‹"</button>
                                <button type="button" class="absolute right-2 min-h-11 min-w-11 rounded-full bg-black/50 text-2xl text-white" aria-label="Photo suivante"
                                    on:click=move |_| step(1)>"›"</button>
                            })}
                        </div>
                        {can_work.then(|| view! {
                            <label class="flex min-h-11 items-center justify-center gap-3 px-4 py-3 text-sm text-white">
                                <input type="checkbox" class="h-5 w-5"
                                    prop:checked=move || shared.with(|s| s.get(i).copied().unwrap_or(false))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        shared.update(|s| if let Some(x) = s.get_mut(i) { *x = on; });
                                        asked.set_value(Some((i, on)));
                                        share.dispatch(ShareJobPhoto { id, shareable: on });
                                    } />
                                "Visible par le client dans son espace"
                            </label>
                        })}
                    </div>
                }
            }}
        </Show>
    }
}
