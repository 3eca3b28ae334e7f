//! The board in the browser: one signal per column so that a move re-renders
//! two columns, not the board; optimistic moves with a snapshot to roll back.

use crate::domain::{DealId, StageId, StageKind};
use crate::pipeline::{Board, DealCard};
use crate::workspace::StageView;
use leptos::prelude::*;

/// One column's live state.
#[derive(Clone, Copy)]
pub struct ColumnState {
    /// The stage (fixed for the page's life).
    pub stage: StoredValue<StageView>,
    /// Cards, in display order.
    pub cards: RwSignal<Vec<DealCard>>,
    /// Deals in the stage (cards shown plus hidden ones).
    pub count: RwSignal<u64>,
    /// Their value, cents.
    pub total: RwSignal<i64>,
    /// Closed columns only show their latest cards.
    pub hidden: RwSignal<u64>,
}

/// Where a card is: column index and index in the column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    /// Column.
    pub column: usize,
    /// Index in the column.
    pub index: usize,
}

/// The whole board's live state.
#[derive(Clone, Copy)]
pub struct BoardState {
    /// Columns, left to right.
    pub columns: StoredValue<Vec<ColumnState>>,
    /// Open columns are sorted by lead score rather than by the team's order.
    pub by_score: bool,
}

impl BoardState {
    /// State from a fetched board.
    pub fn new(board: &Board, by_score: bool) -> BoardState {
        let columns = board
            .columns
            .iter()
            .map(|c| ColumnState {
                stage: StoredValue::new(c.stage.clone()),
                cards: RwSignal::new(c.cards.clone()),
                count: RwSignal::new(c.count),
                total: RwSignal::new(c.total_cents),
                hidden: RwSignal::new(c.hidden),
            })
            .collect();
        BoardState {
            columns: StoredValue::new(columns),
            by_score,
        }
    }

    /// Column `i`.
    pub fn column(&self, i: usize) -> Option<ColumnState> {
        self.columns.with_value(|c| c.get(i).copied())
    }

    /// Number of columns.
    pub fn len(&self) -> usize {
        self.columns.with_value(Vec::len)
    }

    /// Whether there is no column.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The column of a stage.
    pub fn column_of_stage(&self, stage: StageId) -> Option<usize> {
        self.columns
            .with_value(|c| c.iter().position(|col| col.stage.with_value(|s| s.id == stage)))
    }

    /// Where a card is now.
    pub fn find(&self, deal: DealId) -> Option<Slot> {
        self.columns.with_value(|cols| {
            cols.iter().enumerate().find_map(|(ci, col)| {
                col.cards
                    .with_untracked(|cards| cards.iter().position(|c| c.id == deal))
                    .map(|i| Slot { column: ci, index: i })
            })
        })
    }

    /// The card at a slot.
    pub fn card(&self, slot: Slot) -> Option<DealCard> {
        self.column(slot.column)
            .and_then(|c| c.cards.with_untracked(|cards| cards.get(slot.index).cloned()))
    }

    /// Moves a card between slots locally (counts and totals follow) and returns
    /// where it landed. `to.index` is read after removal from `from`.
    pub fn relocate(&self, from: Slot, to: Slot) -> Option<Slot> {
        let (source, target) = (self.column(from.column)?, self.column(to.column)?);
        let mut card = None;
        source.cards.update(|cards| {
            if from.index < cards.len() {
                card = Some(cards.remove(from.index));
            }
        });
        let mut card = card?;
        if from.column != to.column {
            source.count.update(|n| *n = n.saturating_sub(1));
            source.total.update(|t| *t -= card.value_cents);
            target.count.update(|n| *n += 1);
            target.total.update(|t| *t += card.value_cents);
            card.stage_id = target.stage.with_value(|s| s.id);
        }
        let mut landed = to;
        target.cards.update(|cards| {
            landed.index = to.index.min(cards.len());
            cards.insert(landed.index, card);
        });
        Some(landed)
    }

    /// The cards around a slot of a column: (above, below), for the server's placement.
    pub fn neighbours(&self, slot: Slot) -> (Option<DealId>, Option<DealId>) {
        self.column(slot.column)
            .map(|c| {
                c.cards.with_untracked(|cards| {
                    let before = slot.index.checked_sub(1).and_then(|i| cards.get(i)).map(|c| c.id);
                    let after = cards.get(slot.index + 1).map(|c| c.id);
                    (before, after)
                })
            })
            .unwrap_or((None, None))
    }

    /// Applies the server's view of some cards: each goes to its stage's column
    /// (by position in open columns, on top in closed ones), or leaves the board.
    pub fn upsert(&self, updated: &[DealCard]) {
        for card in updated {
            if let Some(slot) = self.find(card.id)
                && let Some(col) = self.column(slot.column)
            {
                let mut old_value = 0;
                col.cards
                    .update(|cards| old_value = cards.remove(slot.index).value_cents);
                col.count.update(|n| *n = n.saturating_sub(1));
                col.total.update(|t| *t -= old_value);
            }
            let Some(ci) = self.column_of_stage(card.stage_id) else {
                continue;
            };
            let Some(col) = self.column(ci) else { continue };
            let open = col.stage.with_value(|s| s.kind == StageKind::Open);
            let index = col.cards.with_untracked(|cards| match (open, self.by_score) {
                (false, _) => 0,
                (true, true) => cards.iter().position(|c| c.score < card.score).unwrap_or(cards.len()),
                (true, false) => cards
                    .iter()
                    .position(|c| c.position > card.position)
                    .unwrap_or(cards.len()),
            });
            if index == col.cards.with_untracked(Vec::len) && col.hidden.get_untracked() > 0 {
                // Its place is among the cards not loaded yet.
                col.hidden.update(|h| *h += 1);
            } else {
                col.cards.update(|cards| cards.insert(index, card.clone()));
            }
            col.count.update(|n| *n += 1);
            col.total.update(|t| *t += card.value_cents);
        }
    }

    /// The server confirmed a move: the moved card keeps the place the user gave
    /// it (with the server's fields); cards the rules changed move to their column.
    pub fn confirm(&self, moved: DealId, cards: &[DealCard]) {
        let (mine, others): (Vec<DealCard>, Vec<DealCard>) = cards.iter().cloned().partition(|c| c.id == moved);
        for card in mine {
            match self
                .find(card.id)
                .and_then(|slot| self.column(slot.column).map(|c| (slot, c)))
            {
                Some((slot, col)) if col.stage.with_value(|s| s.id == card.stage_id) => {
                    col.cards.update(|cards| cards[slot.index] = card);
                }
                _ => self.upsert(std::slice::from_ref(&card)),
            }
        }
        self.upsert(&others);
    }

    /// "Colonne « Devis », position 2 sur 5."
    pub fn describe(&self, slot: Slot) -> String {
        let Some(column) = self.column(slot.column) else {
            return String::new();
        };
        let name = column.stage.with_value(|s| s.name.clone());
        let total = column.cards.with_untracked(Vec::len).max(1);
        format!("Colonne « {name} », position {} sur {total}.", slot.index + 1)
    }
}
