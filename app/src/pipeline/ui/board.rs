//! `/app/pipeline`: the kanban board.

use super::card::DealCardView;
use super::dialogs::{LostDialog, PendingMove, WonDialog};
use super::dnd::{Dnd, DndHandlers};
use super::drawer::DealDrawer;
use super::new_lead::NewLeadDialog;
use super::state::{BoardState, ColumnState, Slot};
use super::toolbar::{BoardQuery, Toolbar};
use crate::domain::DealId;
use crate::domain::{StageKind, money};
use crate::pipeline::api::{fetch_board, fetch_more_cards, move_deal};
use crate::pipeline::{Board, CLOSED_WINDOW_DAYS, DealCard, MORE_CARDS};
use crate::ui::{ErrorState, LoadingState, use_toasts};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The board page.
#[component]
pub fn BoardPage() -> impl IntoView {
    let query = use_query_map();
    let params = Memo::new(move |_| query.with(BoardQuery::read));
    let board = Resource::new(
        move || params.get(),
        |p| {
            fetch_board(
                p.pipeline,
                p.owner,
                p.trade.clone(),
                p.min_score,
                p.max_score,
                p.q.clone(),
                p.sort.clone(),
            )
        },
    );
    view! {
        <Title text="Pipeline" />
        <Transition fallback=|| view! { <LoadingState rows=8 label="Chargement du pipeline…" /> }>
            {move || Suspend::new(async move {
                match board.await {
                    Ok(b) => view! { <BoardView board=b query=params.get_untracked() /> }.into_any(),
                    Err(error) => {
                        view! { <ErrorState error retry=Callback::new(move |_| board.refetch()) /> }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// One item of a column list: a card or the drop placeholder.
#[derive(Clone, PartialEq)]
enum Item {
    Card(Box<DealCard>),
    Placeholder,
}

impl Item {
    /// The id plus every field the card shows, so that a change made elsewhere
    /// (live update, drawer) re-renders the card; the position is left out so
    /// that a card keeps its element, and its focus, while it moves.
    fn key(&self) -> String {
        match self {
            Item::Card(c) => format!(
                "{}|{}|{:?}|{}|{}|{}|{}|{:?}|{:?}",
                c.id, c.contact_name, c.city, c.trade, c.value_cents, c.score, c.age, c.owner_name, c.lost_reason
            ),
            Item::Placeholder => "placeholder".into(),
        }
    }
}

#[component]
fn BoardView(board: Board, query: BoardQuery) -> impl IntoView {
    let state = BoardState::new(&board, query.sort.as_deref() == Some("score"));
    let toasts = use_toasts();
    let announcement = RwSignal::new(String::new());
    let announce = Callback::new(move |text: String| announcement.set(text));
    let open_deal = RwSignal::new(None::<DealId>);
    let pending_lost = RwSignal::new(None::<PendingMove>);
    let pending_won = RwSignal::new(None::<PendingMove>);
    let new_lead = RwSignal::new(false);
    let can_work = board.can_work;

    let commit = move |pending: PendingMove, reason: Option<String>| {
        let PendingMove { card, from, to } = pending;
        let Some(landed) = state.relocate(from, to) else { return };
        let (before, after) = state.neighbours(landed);
        let Some(stage_id) = state.column(landed.column).map(|c| c.stage.with_value(|s| s.id)) else {
            return;
        };
        let name = state.card(landed).map(|c| c.contact_name).unwrap_or_default();
        announcement.set(format!("{name} déposée. {}", state.describe(landed)));
        spawn_local(async move {
            match move_deal(card, stage_id, before, after, reason).await {
                Ok(change) => {
                    state.confirm(card, &change.cards);
                    if change.job_opened {
                        toasts
                            .success("Affaire gagnée : le chantier est ouvert et les autres demandes sont clôturées.");
                    }
                }
                Err(error) => {
                    if let Some(now) = state.find(card) {
                        state.relocate(now, from);
                    }
                    announcement.set(format!("Déplacement refusé : {error}"));
                    toasts.error(format!("{name} n'a pas été déplacée : {error}"));
                }
            }
        });
    };
    let on_drop = Callback::new(move |(card, from, to): (DealId, Slot, Slot)| {
        if !can_work {
            toasts.error("Votre rôle ne permet pas de déplacer les cartes.");
            return;
        }
        let kind = state.column(to.column).map(|c| c.stage.with_value(|s| s.kind));
        let changes_column = from.column != to.column;
        let pending = PendingMove { card, from, to };
        match kind {
            Some(StageKind::Lost) if changes_column => pending_lost.set(Some(pending)),
            Some(StageKind::Won) if changes_column => pending_won.set(Some(pending)),
            Some(_) => commit(pending, None),
            None => {}
        }
    });
    let dnd = Dnd::new(
        state,
        DndHandlers {
            on_drop,
            on_open: Callback::new(move |id| open_deal.set(Some(id))),
            announce,
        },
    );
    Effect::new(move |_| dnd.install());
    super::live::subscribe(state);

    let columns: Vec<(usize, ColumnState)> = state.columns.with_value(|c| c.iter().copied().enumerate().collect());
    let lost_reasons = board.lost_reasons.clone();
    let trades = board.trades.clone();
    let toolbar_query = query.clone();
    let pipeline_id = board.pipeline_id;
    view! {
        <Toolbar board=board.clone() query=toolbar_query on_new=Callback::new(move |_| new_lead.set(true)) />
        <p id="board-help" class="sr-only">
            "Carte déplaçable : espace pour la soulever, flèches pour changer de colonne ou de position, espace pour la déposer, échap pour annuler. Entrée ouvre la fiche."
        </p>
        <div class="sr-only" aria-live="assertive" aria-atomic="true" data-testid="board-announcer">
            {move || announcement.get()}
        </div>
        <div
            data-board
            class="board -mx-4 flex snap-x snap-mandatory gap-3 overflow-x-auto px-4 pb-4 sm:-mx-6 sm:px-6 lg:mx-0 lg:snap-none lg:px-0"
            on:pointerdown=move |ev| dnd.pointer_down(ev)
            on:pointermove=move |ev| dnd.pointer_move(ev)
            on:pointerup=move |ev| dnd.pointer_up(ev)
            on:pointercancel=move |_| dnd.pointer_cancel()
            on:contextmenu=move |ev| {
                if dnd.dragging.get_untracked().is_some() {
                    ev.prevent_default();
                }
            }
        >
            {state.is_empty().then(|| view! { <p class="text-sm text-muted">"Ce pipeline n'a pas encore d'étape."</p> })}
            {columns.into_iter().map(|(index, column)| view! { <Column index column dnd query=query.clone() /> }).collect_view()}
        </div>
        <LostDialog pending=pending_lost reasons=lost_reasons on_confirm=Callback::new(move |(p, r)| commit(p, Some(r))) />
        <WonDialog pending=pending_won on_confirm=Callback::new(move |p| commit(p, None)) />
        <DealDrawer open=open_deal state can_work />
        <NewLeadDialog open=new_lead trades pipeline_id state />
    }
}

#[component]
fn Column(index: usize, column: ColumnState, dnd: Dnd, query: BoardQuery) -> impl IntoView {
    let stage = column.stage.get_value();
    let toasts = use_toasts();
    let loading = RwSignal::new(false);
    let stage_id = stage.id;
    let query = StoredValue::new(query);
    let load_more = move |_| {
        if loading.get_untracked() {
            return;
        }
        loading.set(true);
        let q = query.get_value();
        let offset =
            crate::domain::paging::Bounded::new(column.cards.with_untracked(Vec::len) as u64).unwrap_or_default();
        spawn_local(async move {
            match fetch_more_cards(
                stage_id,
                offset,
                q.owner,
                q.trade,
                q.min_score,
                q.max_score,
                q.q,
                q.sort,
            )
            .await
            {
                Ok(more) => {
                    let mut added = 0;
                    column.cards.update(|cards| {
                        for card in more {
                            if !cards.iter().any(|c| c.id == card.id) {
                                cards.push(card);
                                added += 1;
                            }
                        }
                    });
                    column.hidden.update(|h| *h = h.saturating_sub(added));
                }
                Err(error) => toasts.error(format!("Les cartes suivantes n'ont pas pu être chargées : {error}")),
            }
            loading.set(false);
        });
    };
    let heading_id = format!("column-{}", stage.id);
    let labelled_by = heading_id.clone();
    let items = Memo::new(move |_| {
        let cards = column.cards.get();
        let dragging = dnd.dragging.get();
        let mut items: Vec<Item> = cards.into_iter().map(|c| Item::Card(Box::new(c))).collect();
        if let Some(target) = dnd.target.get().filter(|t| t.column == index) {
            // `target.index` counts the other cards: skip the dragged one if it is here.
            let mut seen = 0;
            let mut at = items.len();
            for (i, item) in items.iter().enumerate() {
                if let Item::Card(c) = item {
                    if Some(c.id) == dragging {
                        continue;
                    }
                    if seen == target.index {
                        at = i;
                        break;
                    }
                    seen += 1;
                }
            }
            items.insert(at, Item::Placeholder);
        }
        items
    });
    let kind = match stage.kind {
        StageKind::Open => "open",
        StageKind::Won => "won",
        StageKind::Lost => "lost",
    };
    let empty_hint = match stage.kind {
        StageKind::Open => "Aucune carte : glissez-en une ici.",
        StageKind::Won => "Les affaires gagnées arrivent ici.",
        StageKind::Lost => "Les affaires perdues arrivent ici.",
    };
    view! {
        <section
            data-testid="stage-column"
            data-stage-id=stage.id.to_string()
            data-stage-kind=kind
            aria-labelledby=labelled_by
            class="column glass flex w-[85vw] max-w-[20rem] shrink-0 snap-center flex-col rounded-2xl sm:w-72 lg:w-72"
        >
            <header class="flex items-center gap-2 border-b border-line px-3 py-2.5">
                <span class="h-2.5 w-2.5 shrink-0 rounded-full" style=format!("background:{}", stage.color) aria-hidden="true"></span>
                <h2 id=heading_id class="min-w-0 flex-1 truncate text-sm font-semibold text-fg">
                    {stage.name.clone()}
                </h2>
                <span class="badge-neutral rounded-full px-2 py-0.5 text-xs font-semibold" data-testid="column-count">
                    {move || column.count.get()}
                </span>
            </header>
            <p class="px-3 pt-1.5 text-xs text-muted" data-testid="column-total">
                {move || money::format_eur(column.total.get())}
                {(stage.kind != StageKind::Open).then(|| format!(" · {CLOSED_WINDOW_DAYS} derniers jours"))}
            </p>
            <ol
                data-column-list=index.to_string()
                class="column-list flex min-h-24 flex-1 flex-col gap-2 overflow-y-auto p-3"
            >
                <For each=move || items.get() key=Item::key let:item>
                    {match item {
                        Item::Card(card) => view! { <li><DealCardView card=*card dnd /></li> }.into_any(),
                        Item::Placeholder => {
                            view! {
                                <li
                                    class="drop-placeholder rounded-xl"
                                    style=move || format!("height:{}px", dnd.placeholder_height.get())
                                    aria-hidden="true"
                                    data-testid="drop-placeholder"
                                ></li>
                            }
                                .into_any()
                        }
                    }}
                </For>
                <Show when=move || column.cards.with(Vec::is_empty) && dnd.target.get().is_none_or(|t| t.column != index)>
                    <li class="rounded-xl border border-dashed border-line p-4 text-center text-xs text-muted">{empty_hint}</li>
                </Show>
            </ol>
            <Show when=move || { column.hidden.get() > 0 }>
                <div class="border-t border-line p-2">
                    <button
                        type="button"
                        class="btn w-full rounded-xl px-3 py-2 text-xs font-medium text-fg hover:bg-white/5"
                        data-testid="more-cards"
                        aria-busy=move || if loading.get() { "true" } else { "false" }
                        on:click=load_more
                    >
                        {move || {
                            let hidden = column.hidden.get();
                            format!("Afficher {} de plus ({hidden} masquées)", hidden.min(MORE_CARDS as u64))
                        }}
                    </button>
                </div>
            </Show>
        </section>
    }
}
