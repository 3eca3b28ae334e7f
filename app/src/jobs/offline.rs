//! The device side of the offline field mode. A capture (a step validated,
//! a checklist answered, a non-conformity, a photo) goes to the server when
//! the device is online and nothing is waiting before it; otherwise, or
//! when the request does not get through, it is kept in the device's field
//! queue (`public/field-queue.js`, IndexedDB) with the id made for it, and
//! the queue replays it, in order, when the network returns or the app next
//! opens. The server answers a replayed id with what it did the first time,
//! so nothing is applied twice. `FieldQueue` mirrors the queue's state for
//! the pages (the sync status in the layout, what waits on a job page).

use crate::domain::{CaptureId, JobId};
use crate::error::AppError;
use leptos::prelude::*;
use serde::Deserialize;
use std::future::Future;

/// One capture in the queue, as the pages see it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct QueueItem {
    /// The capture's id.
    pub id: String,
    /// Its job.
    pub job: String,
    /// `step`, `check`, `photo`, `nonconformity`.
    pub kind: String,
    /// The step or check it is about.
    pub target: String,
    /// « Valider « Travaux » — Plomberie Dubois ».
    pub label: String,
    /// `pending`, `refused`, `superseded` or `failed`.
    pub state: String,
    /// Why it is not sent yet, or what the server said.
    pub error: String,
    /// The answer, as shown (« 150 µm »).
    pub value: String,
}

/// The queue's state.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct QueueState {
    /// The device says it is online.
    pub online: bool,
    /// Captures waiting to be sent.
    pub pending: u32,
    /// Everything in the queue, oldest first.
    pub items: Vec<QueueItem>,
    /// Last time the queue reached the server (ISO 8601).
    pub last_sync: Option<String>,
    /// The same, as the device shows it (« 14:05 »).
    pub last_sync_label: String,
}

impl Default for QueueState {
    fn default() -> Self {
        QueueState {
            online: true,
            pending: 0,
            items: Vec::new(),
            last_sync: None,
            last_sync_label: String::new(),
        }
    }
}

impl QueueState {
    /// What the server refused or answered otherwise, to be read.
    pub fn problems(&self) -> impl Iterator<Item = &QueueItem> {
        self.items
            .iter()
            .filter(|i| i.state != "pending" || !i.error.is_empty())
    }

    /// Waiting captures of one kind about one thing (a step, a check).
    pub fn waiting(&self, kind: &str, target: &str) -> Option<&QueueItem> {
        self.items
            .iter()
            .rev()
            .find(|i| i.state == "pending" && i.kind == kind && i.target == target)
    }

    /// Waiting captures of a job.
    pub fn waiting_for_job(&self, job: JobId, kind: &str) -> usize {
        let job = job.to_string();
        self.items
            .iter()
            .filter(|i| i.state == "pending" && i.kind == kind && i.job == job)
            .count()
    }
}

/// The pages' mirror of the field queue.
#[derive(Clone, Copy)]
pub struct FieldQueue(pub RwSignal<QueueState>);

impl FieldQueue {
    /// Provided once by the app's layout; follows the queue's events.
    pub fn provide() -> FieldQueue {
        let queue = FieldQueue(RwSignal::new(QueueState::default()));
        provide_context(queue);
        #[cfg(feature = "hydrate")]
        {
            Effect::new(move |_| {
                use wasm_bindgen::JsCast;
                use wasm_bindgen::closure::Closure;
                let read = move || {
                    if let Some(json) = call("snapshot", None).and_then(|v| v.as_string())
                        && let Ok(state) = serde_json::from_str::<QueueState>(&json)
                    {
                        queue.0.set(state);
                    } else {
                        queue.0.update(|s| s.online = online());
                    }
                };
                read();
                let on_change = Closure::<dyn Fn()>::new(read);
                for name in ["comptoir-sync", "online", "offline"] {
                    let _ = window().add_event_listener_with_callback(name, on_change.as_ref().unchecked_ref());
                }
                on_change.forget();
            });
        }
        queue
    }

    /// The layout's queue (a fresh, empty one outside it).
    pub fn get() -> FieldQueue {
        use_context().unwrap_or_else(|| FieldQueue(RwSignal::new(QueueState::default())))
    }
}

/// A capture as the queue keeps it: the server function it goes to and the
/// JSON body it sends, with what the pages show while it waits.
pub struct Capture {
    /// Its id (also inside `body`).
    pub id: CaptureId,
    /// The server function (`validate_job_step`).
    pub endpoint: &'static str,
    /// The server function's JSON arguments.
    pub body: serde_json::Value,
    /// Its job.
    pub job: JobId,
    /// `step`, `check`, `photo`, `nonconformity`.
    pub kind: &'static str,
    /// The step or check it is about.
    pub target: String,
    /// What it is, in French, for the list of what waits or failed.
    pub label: String,
    /// The answer, as shown while it waits.
    pub value: String,
}

/// What became of a capture.
#[derive(Clone, Debug, PartialEq)]
pub enum Sent<T> {
    /// The server answered.
    Answered(T),
    /// Kept on the device; the queue sends it later.
    Queued,
}

/// Whether the device says it is online (always, on the server).
pub fn online() -> bool {
    #[cfg(feature = "hydrate")]
    {
        window().navigator().on_line()
    }
    #[cfg(not(feature = "hydrate"))]
    true
}

/// The device's clock, for `captured_at` (none on the server).
pub fn device_now() -> Option<chrono::DateTime<chrono::Utc>> {
    #[cfg(feature = "hydrate")]
    {
        chrono::DateTime::from_timestamp_millis(web_sys::js_sys::Date::now() as i64)
    }
    #[cfg(not(feature = "hydrate"))]
    None
}

#[cfg(feature = "hydrate")]
fn call(name: &str, arg: Option<&str>) -> Option<wasm_bindgen::JsValue> {
    use wasm_bindgen::{JsCast, JsValue};
    use web_sys::js_sys::{Function, Reflect};
    let field = Reflect::get(&window(), &JsValue::from_str("comptoirField")).ok()?;
    if field.is_undefined() || field.is_null() {
        return None;
    }
    let f: Function = Reflect::get(&field, &JsValue::from_str(name)).ok()?.dyn_into().ok()?;
    match arg {
        Some(a) => f.call1(&field, &JsValue::from_str(a)).ok(),
        None => f.call0(&field).ok(),
    }
}

/// Calls a queue function that returns a promise, and waits for it.
async fn call_async(name: &str, arg: Option<&str>) -> Result<(), AppError> {
    #[cfg(feature = "hydrate")]
    {
        let unavailable = || {
            AppError::Conflict(
                "Cet appareil ne peut pas garder la saisie (stockage indisponible) : réessayez une fois en ligne."
                    .into(),
            )
        };
        let promise = call(name, arg).ok_or_else(unavailable)?;
        wasm_bindgen_futures::JsFuture::from(web_sys::js_sys::Promise::from(promise))
            .await
            .map(|_| ())
            .map_err(|_| unavailable())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (name, arg);
        Ok(())
    }
}

/// Captures waiting on the device (0 on the server).
pub fn waiting() -> u32 {
    #[cfg(feature = "hydrate")]
    {
        call("waiting", None).and_then(|v| v.as_f64()).unwrap_or(0.0) as u32
    }
    #[cfg(not(feature = "hydrate"))]
    0
}

/// Keeps a capture on the device for the queue to send.
pub async fn enqueue(c: &Capture) -> Result<(), AppError> {
    let record = serde_json::json!({
        "id": c.id.to_string(),
        "endpoint": c.endpoint,
        "body": c.body.to_string(),
        "job": c.job.to_string(),
        "kind": c.kind,
        "target": c.target,
        "label": c.label,
        "value": c.value,
    });
    call_async("enqueue", Some(&record.to_string())).await
}

/// Sends a capture now when the device is online and nothing waits before
/// it (the queue keeps the order); else, or when the request does not get
/// through, keeps it for the queue.
pub async fn send<T>(c: Capture, now: impl Future<Output = Result<T, AppError>>) -> Result<Sent<T>, AppError> {
    if !online() || waiting() > 0 {
        enqueue(&c).await?;
        return Ok(Sent::Queued);
    }
    match now.await {
        Err(AppError::Network) => {
            enqueue(&c).await?;
            Ok(Sent::Queued)
        }
        other => other.map(Sent::Answered),
    }
}

/// Sends a waiting capture again (after a quota freed, a fix), or forgets
/// one the server refused.
pub fn retry(id: &str) {
    #[cfg(feature = "hydrate")]
    let _ = call("retry", Some(id));
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

/// Who is signed in, in which workspace: the queue stamps what it keeps
/// with it and sends only what matches (a workspace switch or another
/// person on the device leaves the others' captures waiting).
pub fn set_scope(scope: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsValue;
        // Read by the queue's script when it starts after this page.
        let _ = web_sys::js_sys::Reflect::set(
            &window(),
            &JsValue::from_str("comptoirFieldScope"),
            &JsValue::from_str(scope),
        );
        let _ = call("setScope", Some(scope));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = scope;
}

/// Sends what waits, now.
pub fn flush_now() {
    #[cfg(feature = "hydrate")]
    let _ = call("flush", None);
}

/// Forgets a refused capture once read.
pub fn dismiss(id: &str) {
    #[cfg(feature = "hydrate")]
    let _ = call("dismiss", Some(id));
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

/// Forgets everything kept on the device for the field (signing out).
pub async fn clear_device() {
    let _ = call_async("clear", None).await;
}

/// Asks the device to keep these pages for offline use.
pub fn keep_pages(urls: &[String]) {
    #[cfg(feature = "hydrate")]
    {
        if let Ok(json) = serde_json::to_string(urls) {
            let _ = call("keep", Some(&json));
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = urls;
}

/// A page's data could not be fetched because the device is offline: load
/// the page again as a whole, so the service worker answers with the copy it
/// kept (the page and its data; an offline notice when it kept none).
/// Returns whether it did.
pub fn reload_kept_copy(error: &AppError) -> bool {
    #[cfg(feature = "hydrate")]
    {
        if *error == AppError::Network && !online() {
            let _ = window().location().reload();
            return true;
        }
    }
    let _ = error;
    false
}

/// Runs `reload` whenever captures of the queue reached the server.
pub fn on_synced(reload: Callback<()>) {
    #[cfg(feature = "hydrate")]
    {
        let handle = window_event_listener(
            leptos::ev::Custom::<web_sys::Event>::new("comptoir-synced"),
            move |_| reload.run(()),
        );
        on_cleanup(move || handle.remove());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = reload;
}
