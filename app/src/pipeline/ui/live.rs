//! Live board: other people's moves arrive over server-sent events
//! (`/app/live`) and are applied without reload.

use super::state::BoardState;

/// Listens to the workspace's board changes while the board is shown.
pub fn subscribe(state: BoardState) {
    #[cfg(feature = "hydrate")]
    {
        use crate::pipeline::BoardChange;
        use leptos::prelude::*;
        use leptos::wasm_bindgen::JsCast;
        use leptos::wasm_bindgen::closure::Closure;
        use leptos::web_sys::{EventSource, MessageEvent};

        Effect::new(move |_| {
            let Ok(source) = EventSource::new("/app/live") else {
                return;
            };
            let on_board = Closure::<dyn Fn(MessageEvent)>::new(move |ev: MessageEvent| {
                let Some(text) = ev.data().as_string() else { return };
                if let Ok(change) = serde_json::from_str::<BoardChange>(&text) {
                    state.upsert(&change.cards);
                }
            });
            let _ = source.add_event_listener_with_callback("board", on_board.as_ref().unchecked_ref());
            on_board.forget();
            let source = StoredValue::new_local(source);
            on_cleanup(move || source.with_value(EventSource::close));
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = state;
}
