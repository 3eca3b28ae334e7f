//! Toasts: short confirmations and failures, announced in a live region.

use crate::ui::icons::{Icon, IconName};
use leptos::prelude::*;
use std::time::Duration;

/// Kind of toast.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToastKind {
    /// Something worked.
    Success,
    /// Something failed.
    Error,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Toast {
    id: u64,
    kind: ToastKind,
    message: String,
}

/// Handle to show toasts.
#[derive(Clone, Copy)]
pub struct Toasts {
    list: RwSignal<Vec<Toast>>,
    next: StoredValue<u64>,
}

impl Toasts {
    fn push(&self, kind: ToastKind, message: String) {
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        self.list.update(|l| l.push(Toast { id, kind, message }));
        let list = self.list;
        set_timeout(
            move || list.update(|l| l.retain(|t| t.id != id)),
            Duration::from_secs(6),
        );
    }

    /// A confirmation.
    pub fn success(&self, message: impl Into<String>) {
        self.push(ToastKind::Success, message.into());
    }

    /// A failure.
    pub fn error(&self, message: impl Into<String>) {
        self.push(ToastKind::Error, message.into());
    }
}

/// Provides the toast handle to the whole app.
pub fn provide_toasts() -> Toasts {
    let toasts = Toasts {
        list: RwSignal::new(Vec::new()),
        next: StoredValue::new(1),
    };
    provide_context(toasts);
    toasts
}

/// The toast handle.
pub fn use_toasts() -> Toasts {
    use_context::<Toasts>().unwrap_or_else(provide_toasts)
}

/// Where toasts appear: bottom right on desktop, above the tab bar on phones.
#[component]
pub fn Toaster() -> impl IntoView {
    let toasts = use_toasts();
    view! {
        <div
            class="pointer-events-none fixed inset-x-0 bottom-20 z-50 flex flex-col items-center gap-2 px-4 lg:bottom-6 lg:items-end"
            role="status"
            aria-live="polite"
            data-testid="toaster"
        >
            <For each=move || toasts.list.get() key=|t| t.id let:toast>
                <div class=format!(
                    "pointer-events-auto flex w-full max-w-sm items-start gap-2 rounded-xl px-4 py-3 text-sm shadow-xl {}",
                    if toast.kind == ToastKind::Success { "toast-success" } else { "toast-error" },
                )>
                    <Icon
                        name=if toast.kind == ToastKind::Success { IconName::Check } else { IconName::Alert }
                        class="mt-0.5 h-4 w-4 shrink-0"
                    />
                    <span>{toast.message.clone()}</span>
                </div>
            </For>
        </div>
    }
}
