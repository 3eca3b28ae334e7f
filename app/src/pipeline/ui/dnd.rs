//! Drag and drop on the board, with mouse, pen and touch (pointer events) and
//! with the keyboard.
//!
//! - Mouse and pen lift a card after 5 px of movement; touch lifts it after a
//!   350 ms long press without movement, so that swiping always scrolls.
//! - While a card is lifted only two signals change: the dragged card and the
//!   placeholder's slot. The floating copy follows the pointer through a CSS
//!   transform, and drop slots are computed from geometry cached at lift time
//!   (in scroll-independent coordinates), so moving the pointer triggers no
//!   layout work. Near the edges the board and the column scroll by themselves.
//! - Keyboard: space lifts, arrows move between columns and positions, space
//!   drops, escape cancels; every step is announced in a live region.

use super::state::{BoardState, Slot};
use crate::domain::DealId;
use leptos::prelude::*;

/// What the board does when a card is dropped or clicked.
#[derive(Clone, Copy)]
pub struct DndHandlers {
    /// A card left `from` for `to` (`to.index` counts the other cards of the target column).
    pub on_drop: Callback<(DealId, Slot, Slot)>,
    /// A card was clicked or tapped (open the drawer).
    pub on_open: Callback<DealId>,
    /// Text for screen readers.
    pub announce: Callback<String>,
}

/// Drag-and-drop state of a board.
#[derive(Clone, Copy)]
pub struct Dnd {
    /// The card being dragged with a pointer.
    pub dragging: RwSignal<Option<DealId>>,
    /// Where the placeholder stands: column, and index among the other cards.
    pub target: RwSignal<Option<Slot>>,
    /// Height of the placeholder, px.
    pub placeholder_height: RwSignal<f64>,
    /// The card lifted with the keyboard, and where it started.
    pub lifted: RwSignal<Option<(DealId, Slot)>>,
    board: BoardState,
    handlers: DndHandlers,
    #[cfg(feature = "hydrate")]
    data: StoredValue<imp::DragData, LocalStorage>,
}

impl Dnd {
    /// A controller for `board`.
    pub fn new(board: BoardState, handlers: DndHandlers) -> Dnd {
        Dnd {
            dragging: RwSignal::new(None),
            target: RwSignal::new(None),
            placeholder_height: RwSignal::new(0.0),
            lifted: RwSignal::new(None),
            board,
            handlers,
            #[cfg(feature = "hydrate")]
            data: StoredValue::new_local(imp::DragData::default()),
        }
    }

    /// Installs the document listeners a drag needs (stop touch scrolling
    /// while a card is lifted). Call once, in the browser.
    pub fn install(self) {
        #[cfg(feature = "hydrate")]
        imp::install(self);
    }

    /// `pointerdown` on the board.
    pub fn pointer_down(self, ev: leptos::ev::PointerEvent) {
        #[cfg(feature = "hydrate")]
        imp::pointer_down(self, ev);
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    }

    /// `pointermove` on the board.
    pub fn pointer_move(self, ev: leptos::ev::PointerEvent) {
        #[cfg(feature = "hydrate")]
        imp::pointer_move(self, ev);
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    }

    /// `pointerup` on the board.
    pub fn pointer_up(self, ev: leptos::ev::PointerEvent) {
        #[cfg(feature = "hydrate")]
        imp::pointer_up(self, ev);
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    }

    /// `pointercancel` on the board: the browser took the gesture over.
    pub fn pointer_cancel(self) {
        #[cfg(feature = "hydrate")]
        imp::cancel(self);
    }

    /// `keydown` on a card.
    pub fn key_down(self, ev: leptos::ev::KeyboardEvent, deal: DealId) {
        let key = ev.key();
        let lifted = self.lifted.get_untracked();
        match (key.as_str(), lifted) {
            ("Enter", None) => {
                ev.prevent_default();
                self.handlers.on_open.run(deal);
            }
            (" ", None) => {
                ev.prevent_default();
                if let Some(slot) = self.board.find(deal) {
                    self.lifted.set(Some((deal, slot)));
                    let name = self.board.card(slot).map(|c| c.contact_name).unwrap_or_default();
                    self.handlers.announce.run(format!(
                        "{name} soulevée. {} Flèches pour déplacer, espace pour déposer, échap pour annuler.",
                        self.describe(slot)
                    ));
                }
            }
            (" " | "Enter", Some((card, origin))) if card == deal => {
                ev.prevent_default();
                self.lifted.set(None);
                if let Some(now) = self.board.find(card) {
                    // The keyboard moved the card visually; the drop replays the whole
                    // move from its origin, like a pointer drop.
                    self.board.relocate(now, origin);
                    if now != origin {
                        self.handlers.on_drop.run((card, origin, now));
                    } else {
                        self.handlers.announce.run("Carte reposée à sa place.".into());
                    }
                }
                refocus(card);
            }
            ("Escape", Some((card, origin))) if card == deal => {
                ev.prevent_default();
                self.lifted.set(None);
                if let Some(now) = self.board.find(card) {
                    self.board.relocate(now, origin);
                }
                self.handlers
                    .announce
                    .run(format!("Déplacement annulé. {}", self.describe(origin)));
                refocus(card);
            }
            ("ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown", Some((card, _))) if card == deal => {
                ev.prevent_default();
                let Some(now) = self.board.find(card) else { return };
                let next = match key.as_str() {
                    "ArrowLeft" if now.column > 0 => Slot {
                        column: now.column - 1,
                        index: now.index,
                    },
                    "ArrowRight" if now.column + 1 < self.board.len() => Slot {
                        column: now.column + 1,
                        index: now.index,
                    },
                    "ArrowUp" if now.index > 0 => Slot {
                        column: now.column,
                        index: now.index - 1,
                    },
                    "ArrowDown" => Slot {
                        column: now.column,
                        index: now.index + 1,
                    },
                    _ => return,
                };
                if let Some(landed) = self.board.relocate(now, next) {
                    self.handlers.announce.run(self.describe(landed));
                }
                refocus(card);
            }
            _ => {}
        }
    }

    /// Where a slot is, in words.
    pub fn describe(self, slot: Slot) -> String {
        self.board.describe(slot)
    }
}

/// Puts keyboard focus back on a card after it moved in the DOM.
pub(super) fn refocus(card: DealId) {
    #[cfg(feature = "hydrate")]
    request_animation_frame(move || {
        use leptos::wasm_bindgen::JsCast;
        if let Ok(Some(el)) = document().query_selector(&format!("[data-deal-id=\"{card}\"]"))
            && let Ok(el) = el.dyn_into::<leptos::web_sys::HtmlElement>()
        {
            let _ = el.focus();
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = card;
}

#[cfg(feature = "hydrate")]
mod imp {
    use super::{Dnd, Slot};
    use crate::domain::DealId;
    use leptos::prelude::*;
    use leptos::wasm_bindgen::JsCast;
    use leptos::wasm_bindgen::closure::Closure;
    use leptos::web_sys::{AddEventListenerOptions, Element, HtmlElement, PointerEvent};
    use std::time::Duration;

    /// Movement that turns a mouse press into a drag, px.
    const MOUSE_SLOP: f64 = 5.0;
    /// Movement that turns a touch press into a scroll, px.
    const TOUCH_SLOP: f64 = 10.0;
    /// Long press that lifts a card on touch screens.
    const LONG_PRESS: Duration = Duration::from_millis(350);
    /// Distance to an edge that starts auto-scrolling, px.
    const EDGE: f64 = 48.0;

    /// A column's geometry, cached when a card is lifted.
    struct ColumnGeom {
        /// Left and right edges in board content coordinates.
        left: f64,
        right: f64,
        /// The scrollable list of cards.
        list: HtmlElement,
        /// Vertical middles of the other cards, in list content coordinates.
        mids: Vec<f64>,
    }

    /// A press or a drag in progress.
    #[derive(Default)]
    pub struct DragData {
        pointer_id: i32,
        touch: bool,
        start: (f64, f64),
        last: (f64, f64),
        card: Option<DealId>,
        from: Option<Slot>,
        pressing: bool,
        long_press: Option<TimeoutHandle>,
        scroller: Option<IntervalHandle>,
        ghost: Option<HtmlElement>,
        board: Option<HtmlElement>,
        columns: Vec<ColumnGeom>,
    }

    fn card_of(ev: &PointerEvent) -> Option<(Element, DealId)> {
        let target = ev.target()?.dyn_into::<Element>().ok()?;
        let card = target.closest("[data-testid=deal-card]").ok()??;
        let id = card.get_attribute("data-deal-id")?.parse().ok()?;
        Some((card, id))
    }

    fn point(ev: &PointerEvent) -> (f64, f64) {
        (ev.client_x() as f64, ev.client_y() as f64)
    }

    pub fn install(dnd: Dnd) {
        // Once a card is lifted by touch, the page must not scroll under the finger.
        let handler = Closure::<dyn Fn(leptos::web_sys::TouchEvent)>::new(move |ev: leptos::web_sys::TouchEvent| {
            if dnd.dragging.try_get_untracked().flatten().is_some() {
                ev.prevent_default();
            }
        });
        let options = AddEventListenerOptions::new();
        options.set_passive(false);
        let _ = document().add_event_listener_with_callback_and_add_event_listener_options(
            "touchmove",
            handler.as_ref().unchecked_ref(),
            &options,
        );
        // A card that moves in the DOM loses focus until it is focused again
        // (next frame): keys pressed meanwhile still move the lifted card.
        let keys = Closure::<dyn Fn(leptos::web_sys::KeyboardEvent)>::new(move |ev: leptos::web_sys::KeyboardEvent| {
            let Some((card, _)) = dnd.lifted.try_get_untracked().flatten() else {
                return;
            };
            let on_card = ev
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .and_then(|e| e.closest("[data-testid=deal-card]").ok().flatten())
                .is_some();
            if !on_card {
                dnd.key_down(ev, card);
            }
        });
        let _ = document().add_event_listener_with_callback("keydown", keys.as_ref().unchecked_ref());
        // The listeners live as long as the page (a board visit installs them;
        // once its signals are disposed they do nothing).
        handler.forget();
        keys.forget();
    }

    pub fn pointer_down(dnd: Dnd, ev: PointerEvent) {
        if !ev.is_primary() || ev.button() != 0 || dnd.lifted.get_untracked().is_some() {
            return;
        }
        let Some((_, id)) = card_of(&ev) else { return };
        let touch = ev.pointer_type() == "touch";
        let start = point(&ev);
        let pointer_id = ev.pointer_id();
        let long_press = touch
            .then(|| {
                set_timeout_with_handle(
                    move || {
                        let still = dnd.data.with_value(|d| d.pressing && d.card == Some(id));
                        if still {
                            let last = dnd.data.with_value(|d| d.last);
                            start_drag(dnd, last);
                        }
                    },
                    LONG_PRESS,
                )
                .ok()
            })
            .flatten();
        dnd.data.update_value(|d| {
            *d = DragData {
                pointer_id,
                touch,
                start,
                last: start,
                card: Some(id),
                from: dnd.board.find(id),
                pressing: true,
                long_press,
                ..DragData::default()
            };
        });
    }

    pub fn pointer_move(dnd: Dnd, ev: PointerEvent) {
        let (pressing, touch, start, pointer) = dnd.data.with_value(|d| (d.pressing, d.touch, d.start, d.pointer_id));
        if ev.pointer_id() != pointer {
            return;
        }
        let p = point(&ev);
        dnd.data.update_value(|d| d.last = p);
        let moved = ((p.0 - start.0).powi(2) + (p.1 - start.1).powi(2)).sqrt();
        if pressing && dnd.dragging.get_untracked().is_none() {
            if touch && moved > TOUCH_SLOP {
                // A swipe: the browser scrolls, no drag.
                clear_press(dnd);
            } else if !touch && moved > MOUSE_SLOP {
                start_drag(dnd, p);
            }
            return;
        }
        if dnd.dragging.get_untracked().is_some() {
            ev.prevent_default();
            follow(dnd, p);
        }
    }

    pub fn pointer_up(dnd: Dnd, ev: PointerEvent) {
        let (pressing, card, pointer) = dnd.data.with_value(|d| (d.pressing, d.card, d.pointer_id));
        if ev.pointer_id() != pointer {
            return;
        }
        if dnd.dragging.get_untracked().is_some() {
            drop_card(dnd);
        } else if pressing && let Some(card) = card {
            clear_press(dnd);
            dnd.handlers.on_open.run(card);
        }
    }

    pub fn cancel(dnd: Dnd) {
        clear_press(dnd);
        end_drag(dnd);
    }

    fn clear_press(dnd: Dnd) {
        dnd.data.update_value(|d| {
            d.pressing = false;
            if let Some(handle) = d.long_press.take() {
                handle.clear();
            }
        });
    }

    fn board_element() -> Option<HtmlElement> {
        document()
            .query_selector("[data-board]")
            .ok()??
            .dyn_into::<HtmlElement>()
            .ok()
    }

    fn start_drag(dnd: Dnd, p: (f64, f64)) {
        let Some(card) = dnd.data.with_value(|d| d.card) else {
            return;
        };
        let Some(from) = dnd.data.with_value(|d| d.from) else {
            return;
        };
        let Some(board) = board_element() else { return };
        let Ok(Some(card_el)) = document().query_selector(&format!("[data-deal-id=\"{card}\"]")) else {
            return;
        };
        clear_press(dnd);
        let rect = card_el.get_bounding_client_rect();
        // The floating copy that follows the pointer.
        let ghost = card_el
            .clone_node_with_deep(true)
            .ok()
            .and_then(|n| n.dyn_into::<HtmlElement>().ok());
        if let Some(g) = &ghost {
            let style = g.style();
            let _ = g.set_attribute("aria-hidden", "true");
            let _ = g.remove_attribute("data-testid");
            let _ = g.remove_attribute("data-deal-id");
            let _ = g.class_list().add_1("drag-ghost");
            let _ = style.set_property("left", &format!("{}px", rect.left()));
            let _ = style.set_property("top", &format!("{}px", rect.top()));
            let _ = style.set_property("width", &format!("{}px", rect.width()));
            if let Some(body) = document().body() {
                let _ = body.append_child(g);
            }
        }
        let _ = board.set_pointer_capture(dnd.data.with_value(|d| d.pointer_id));
        let _ = board.class_list().add_1("is-dragging");
        dnd.placeholder_height.set(rect.height());
        dnd.dragging.set(Some(card));
        dnd.target.set(Some(from));
        let columns = measure(&board, card);
        let scroller = set_interval_with_handle(move || auto_scroll(dnd), Duration::from_millis(16)).ok();
        dnd.data.update_value(|d| {
            d.start = p;
            d.ghost = ghost;
            d.board = Some(board);
            d.columns = columns;
            d.scroller = scroller;
        });
        let name = dnd.board.card(from).map(|c| c.contact_name).unwrap_or_default();
        dnd.handlers
            .announce
            .run(format!("{name} soulevée. {}", dnd.describe(from)));
    }

    /// Column and card geometry in scroll-independent coordinates.
    fn measure(board: &HtmlElement, dragged: DealId) -> Vec<ColumnGeom> {
        let board_rect = board.get_bounding_client_rect();
        let scroll_left = board.scroll_left() as f64;
        let mut columns = Vec::new();
        let Ok(lists) = board.query_selector_all("[data-column-list]") else {
            return columns;
        };
        for i in 0..lists.length() {
            let Some(list) = lists.item(i).and_then(|n| n.dyn_into::<HtmlElement>().ok()) else {
                continue;
            };
            let column_rect = list.get_bounding_client_rect();
            let list_top = column_rect.top() - list.scroll_top() as f64;
            let mut mids = Vec::new();
            if let Ok(cards) = list.query_selector_all("[data-testid=deal-card]") {
                for k in 0..cards.length() {
                    let Some(el) = cards.item(k).and_then(|n| n.dyn_into::<Element>().ok()) else {
                        continue;
                    };
                    if el.get_attribute("data-deal-id").and_then(|v| v.parse::<DealId>().ok()) == Some(dragged) {
                        continue;
                    }
                    let r = el.get_bounding_client_rect();
                    mids.push(r.top() - list_top + r.height() / 2.0);
                }
            }
            columns.push(ColumnGeom {
                left: column_rect.left() - board_rect.left() + scroll_left,
                right: column_rect.right() - board_rect.left() + scroll_left,
                list,
                mids,
            });
        }
        columns
    }

    fn follow(dnd: Dnd, p: (f64, f64)) {
        dnd.data.with_value(|d| {
            if let Some(g) = &d.ghost {
                let _ = g.style().set_property(
                    "transform",
                    &format!(
                        "translate3d({}px, {}px, 0) rotate(2deg)",
                        p.0 - d.start.0,
                        p.1 - d.start.1
                    ),
                );
            }
        });
        retarget(dnd, p);
    }

    /// The slot under the pointer; the placeholder moves only when it changes.
    fn retarget(dnd: Dnd, p: (f64, f64)) {
        let slot = dnd.data.with_value(|d| {
            let board = d.board.as_ref()?;
            let x = p.0 - board.get_bounding_client_rect().left() + board.scroll_left() as f64;
            let column = d.columns.iter().position(|c| x >= c.left && x <= c.right).or_else(|| {
                d.columns
                    .iter()
                    .enumerate()
                    .min_by_key(|(_, c)| ((x - (c.left + c.right) / 2.0).abs()) as i64)
                    .map(|(i, _)| i)
            })?;
            let geom = &d.columns[column];
            let list_top = geom.list.get_bounding_client_rect().top() - geom.list.scroll_top() as f64;
            let y = p.1 - list_top;
            Some(Slot {
                column,
                index: geom.mids.partition_point(|m| *m < y),
            })
        });
        if slot.is_some() && slot != dnd.target.get_untracked() {
            dnd.target.set(slot);
        }
    }

    /// Scrolls the board or the column under the pointer when it nears an edge.
    fn auto_scroll(dnd: Dnd) {
        let p = dnd.data.with_value(|d| d.last);
        let scrolled = dnd.data.with_value(|d| {
            let mut scrolled = false;
            if let Some(board) = &d.board {
                let r = board.get_bounding_client_rect();
                let step = if p.0 < r.left() + EDGE {
                    -14
                } else if p.0 > r.right() - EDGE {
                    14
                } else {
                    0
                };
                if step != 0 {
                    board.set_scroll_left(board.scroll_left() + step);
                    scrolled = true;
                }
            }
            if let Some(slot) = dnd.target.get_untracked()
                && let Some(geom) = d.columns.get(slot.column)
            {
                let r = geom.list.get_bounding_client_rect();
                let step = if p.1 < r.top() + EDGE {
                    -12
                } else if p.1 > r.bottom() - EDGE {
                    12
                } else {
                    0
                };
                if step != 0 {
                    geom.list.set_scroll_top(geom.list.scroll_top() + step);
                    scrolled = true;
                }
            }
            scrolled
        });
        if scrolled {
            retarget(dnd, p);
        }
    }

    fn drop_card(dnd: Dnd) {
        let (card, from) = dnd.data.with_value(|d| (d.card, d.from));
        let target = dnd.target.get_untracked();
        end_drag(dnd);
        if let (Some(card), Some(from), Some(to)) = (card, from, target) {
            if from == to {
                dnd.handlers.announce.run("Carte reposée à sa place.".into());
            } else {
                dnd.handlers.on_drop.run((card, from, to));
            }
        }
    }

    fn end_drag(dnd: Dnd) {
        dnd.data.update_value(|d| {
            if let Some(g) = d.ghost.take() {
                g.remove();
            }
            if let Some(handle) = d.scroller.take() {
                handle.clear();
            }
            if let Some(board) = d.board.take() {
                let _ = board.release_pointer_capture(d.pointer_id);
                let _ = board.class_list().remove_1("is-dragging");
            }
            d.columns.clear();
            d.pressing = false;
        });
        dnd.dragging.set(None);
        dnd.target.set(None);
    }
}
