//! The rules of a deal's life, in one place, whatever the entry point (board
//! drag, drawer button, API, quotes). `plan` is pure: it reads the deal and its
//! pipeline's stages and says what must change; the pipeline service applies
//! the plan in one transaction and records the events.

use super::StageId;
use super::pack::StageKind;

/// A stage of the deal's pipeline, in board order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StageRef {
    /// Stage id.
    pub id: StageId,
    /// Open, won or lost.
    pub kind: StageKind,
    /// Where sent quotes land.
    pub is_quote_stage: bool,
}

/// What the rules need to know about a deal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DealState {
    /// Current stage.
    pub stage_id: StageId,
    /// First contact already recorded.
    pub contacted: bool,
    /// Quote already sent.
    pub quote_sent: bool,
}

/// What happened to the deal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// Someone moved the card to a stage (board, drawer, API).
    Move {
        /// Target stage.
        to: StageId,
        /// Why it was lost (required when `to` is a lost stage).
        lost_reason: Option<String>,
    },
    /// "Marquer comme contacté".
    MarkContacted,
    /// A quote for this deal was sent to the client.
    QuoteSent,
    /// The client accepted (signed) the quote.
    QuoteAccepted,
}

/// What must change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// Stage after the change (may be the current one).
    pub stage_id: StageId,
    /// Record the first-contact time now.
    pub record_first_contact: bool,
    /// Record the quote-sent time now.
    pub record_quote_sent: bool,
    /// The deal closes (won or lost) now.
    pub close: Option<StageKind>,
    /// The deal leaves a closed stage: clear closing time and lost reason.
    pub reopen: bool,
    /// Reason stored with a loss.
    pub lost_reason: Option<String>,
    /// The deal is won: every other open deal of the same lead is lost
    /// ("attribué à un autre …") and a job is opened.
    pub win: bool,
}

impl Plan {
    /// Whether the plan changes anything.
    pub fn is_noop(&self, current: &DealState) -> bool {
        self.stage_id == current.stage_id
            && !self.record_first_contact
            && !self.record_quote_sent
            && self.close.is_none()
            && !self.reopen
    }
}

/// Why a change is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleError {
    /// The stage is not in the deal's pipeline.
    UnknownStage,
    /// A loss needs a reason.
    LostReasonRequired,
    /// The pipeline has no won stage.
    NoWonStage,
}

impl RuleError {
    /// French message for the user.
    pub fn message(&self) -> &'static str {
        match self {
            RuleError::UnknownStage => "Cette étape n'appartient pas au pipeline de l'affaire.",
            RuleError::LostReasonRequired => "Indiquez pourquoi l'affaire est perdue.",
            RuleError::NoWonStage => "Ce pipeline n'a pas d'étape « gagné ».",
        }
    }
}

fn index_of(stages: &[StageRef], id: StageId) -> Option<usize> {
    stages.iter().position(|s| s.id == id)
}

/// Plans a move to `to`, applying every consequence of leaving the current
/// stage and entering the new one.
fn plan_move(
    deal: &DealState,
    stages: &[StageRef],
    to: StageId,
    lost_reason: Option<String>,
) -> Result<Plan, RuleError> {
    let from_index = index_of(stages, deal.stage_id).ok_or(RuleError::UnknownStage)?;
    let to_index = index_of(stages, to).ok_or(RuleError::UnknownStage)?;
    let (from, target) = (stages[from_index], stages[to_index]);
    let reason = lost_reason
        .map(|r| r.trim().chars().take(200).collect::<String>())
        .filter(|r| !r.is_empty());
    if target.kind == StageKind::Lost && reason.is_none() && from.id != target.id {
        return Err(RuleError::LostReasonRequired);
    }
    let changes_stage = from.id != target.id;
    let close = (changes_stage && target.kind != StageKind::Open).then_some(target.kind);
    Ok(Plan {
        stage_id: target.id,
        // The first move out of the first stage is the first contact.
        record_first_contact: changes_stage && !deal.contacted && from_index == 0,
        record_quote_sent: false,
        close,
        reopen: changes_stage && from.kind != StageKind::Open && target.kind == StageKind::Open,
        lost_reason: if target.kind == StageKind::Lost { reason } else { None },
        win: changes_stage && target.kind == StageKind::Won && from.kind != StageKind::Won,
    })
}

/// What a trigger does to a deal in a pipeline whose stages are `stages`
/// (board order).
pub fn plan(trigger: Trigger, deal: &DealState, stages: &[StageRef]) -> Result<Plan, RuleError> {
    let current = index_of(stages, deal.stage_id).ok_or(RuleError::UnknownStage)?;
    let stay = Plan {
        stage_id: deal.stage_id,
        record_first_contact: false,
        record_quote_sent: false,
        close: None,
        reopen: false,
        lost_reason: None,
        win: false,
    };
    match trigger {
        Trigger::Move { to, lost_reason } => plan_move(deal, stages, to, lost_reason),
        Trigger::MarkContacted => {
            if deal.contacted {
                return Ok(stay);
            }
            let next = stages.get(1).filter(|s| current == 0 && s.kind == StageKind::Open);
            Ok(Plan {
                stage_id: next.map(|s| s.id).unwrap_or(deal.stage_id),
                record_first_contact: true,
                ..stay
            })
        }
        Trigger::QuoteSent => {
            let closed = stages[current].kind != StageKind::Open;
            let quote_stage = stages.iter().position(|s| s.is_quote_stage);
            // A sent quote only ever moves a deal forward, never out of a closed stage.
            let target = quote_stage.filter(|&q| !closed && q > current);
            let mut plan = match target {
                Some(q) => plan_move(deal, stages, stages[q].id, None)?,
                None => stay,
            };
            plan.record_quote_sent = !deal.quote_sent;
            Ok(plan)
        }
        Trigger::QuoteAccepted => {
            let won = stages
                .iter()
                .find(|s| s.kind == StageKind::Won)
                .ok_or(RuleError::NoWonStage)?;
            let mut plan = plan_move(deal, stages, won.id, None)?;
            plan.record_quote_sent = !deal.quote_sent;
            plan.record_first_contact = !deal.contacted;
            Ok(plan)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Nouveau → En contact → Devis (quote) → Gagné / Perdu, ids 1..=5.
    fn artisan() -> Vec<StageRef> {
        let kinds = [
            StageKind::Open,
            StageKind::Open,
            StageKind::Open,
            StageKind::Won,
            StageKind::Lost,
        ];
        kinds
            .iter()
            .enumerate()
            .map(|(i, k)| StageRef {
                id: id(i as u128 + 1),
                kind: *k,
                is_quote_stage: i == 2,
            })
            .collect()
    }

    fn id(n: u128) -> StageId {
        StageId(uuid::Uuid::from_u128(n))
    }

    fn fresh() -> DealState {
        DealState {
            stage_id: id(1),
            contacted: false,
            quote_sent: false,
        }
    }

    #[test]
    fn first_move_out_of_the_first_stage_is_the_first_contact() {
        let p = plan(
            Trigger::Move {
                to: id(2),
                lost_reason: None,
            },
            &fresh(),
            &artisan(),
        )
        .unwrap();
        assert_eq!(p.stage_id, id(2));
        assert!(p.record_first_contact);
        assert!(!p.win && p.close.is_none());
        let later = DealState {
            stage_id: id(2),
            contacted: true,
            ..fresh()
        };
        assert!(
            !plan(
                Trigger::Move {
                    to: id(3),
                    lost_reason: None
                },
                &later,
                &artisan()
            )
            .unwrap()
            .record_first_contact
        );
    }

    #[test]
    fn reordering_inside_a_column_changes_nothing_else() {
        let p = plan(
            Trigger::Move {
                to: id(1),
                lost_reason: None,
            },
            &fresh(),
            &artisan(),
        )
        .unwrap();
        assert!(p.is_noop(&fresh()));
    }

    #[test]
    fn a_sent_quote_moves_the_deal_to_the_quote_stage() {
        let p = plan(Trigger::QuoteSent, &fresh(), &artisan()).unwrap();
        assert_eq!(p.stage_id, id(3));
        assert!(p.record_quote_sent && p.record_first_contact);
        // Never backwards, never out of a closed stage.
        let won = DealState {
            stage_id: id(4),
            contacted: true,
            quote_sent: false,
        };
        let p = plan(Trigger::QuoteSent, &won, &artisan()).unwrap();
        assert_eq!(p.stage_id, id(4));
        assert!(p.record_quote_sent);
    }

    #[test]
    fn an_accepted_quote_wins_the_deal_and_loses_the_others() {
        let at_quote = DealState {
            stage_id: id(3),
            contacted: true,
            quote_sent: true,
        };
        let p = plan(Trigger::QuoteAccepted, &at_quote, &artisan()).unwrap();
        assert_eq!(p.stage_id, id(4));
        assert_eq!(p.close, Some(StageKind::Won));
        assert!(p.win);
        assert!(!p.record_quote_sent);
    }

    #[test]
    fn a_manual_win_follows_the_same_rule() {
        let p = plan(
            Trigger::Move {
                to: id(4),
                lost_reason: None,
            },
            &fresh(),
            &artisan(),
        )
        .unwrap();
        assert!(p.win && p.record_first_contact);
        assert_eq!(p.close, Some(StageKind::Won));
    }

    #[test]
    fn a_loss_needs_a_reason() {
        let refused = plan(
            Trigger::Move {
                to: id(5),
                lost_reason: Some("  ".into()),
            },
            &fresh(),
            &artisan(),
        );
        assert_eq!(refused, Err(RuleError::LostReasonRequired));
        let p = plan(
            Trigger::Move {
                to: id(5),
                lost_reason: Some(" Prix trop élevé ".into()),
            },
            &fresh(),
            &artisan(),
        )
        .unwrap();
        assert_eq!(p.lost_reason.as_deref(), Some("Prix trop élevé"));
        assert_eq!(p.close, Some(StageKind::Lost));
        assert!(!p.win);
    }

    #[test]
    fn reopening_a_closed_deal_clears_the_closing() {
        let lost = DealState {
            stage_id: id(5),
            contacted: true,
            quote_sent: false,
        };
        let p = plan(
            Trigger::Move {
                to: id(2),
                lost_reason: None,
            },
            &lost,
            &artisan(),
        )
        .unwrap();
        assert!(p.reopen && p.close.is_none() && p.lost_reason.is_none());
    }

    #[test]
    fn marking_contacted_moves_a_new_deal_to_the_second_stage_once() {
        let p = plan(Trigger::MarkContacted, &fresh(), &artisan()).unwrap();
        assert_eq!(p.stage_id, id(2));
        assert!(p.record_first_contact);
        let again = DealState {
            contacted: true,
            ..fresh()
        };
        assert!(
            plan(Trigger::MarkContacted, &again, &artisan())
                .unwrap()
                .is_noop(&again)
        );
    }

    #[test]
    fn stages_of_another_pipeline_are_refused() {
        let other = id(99);
        assert_eq!(
            plan(
                Trigger::Move {
                    to: other,
                    lost_reason: None
                },
                &fresh(),
                &artisan()
            ),
            Err(RuleError::UnknownStage)
        );
        let no_won: Vec<StageRef> = artisan().into_iter().filter(|s| s.kind != StageKind::Won).collect();
        assert_eq!(
            plan(Trigger::QuoteAccepted, &fresh(), &no_won),
            Err(RuleError::NoWonStage)
        );
    }

    proptest! {
        #[test]
        fn every_plan_lands_in_the_pipeline_and_wins_only_into_won(
            from in 1u128..=5, to in 1u128..=5, contacted: bool, quote_sent: bool, which in 0usize..4,
        ) {
            let stages = artisan();
            let deal = DealState { stage_id: id(from), contacted, quote_sent };
            let trigger = match which {
                0 => Trigger::Move { to: id(to), lost_reason: Some("raison".into()) },
                1 => Trigger::MarkContacted,
                2 => Trigger::QuoteSent,
                _ => Trigger::QuoteAccepted,
            };
            let plan = plan(trigger, &deal, &stages).unwrap();
            let target = stages.iter().find(|s| s.id == plan.stage_id);
            prop_assert!(target.is_some());
            if plan.win {
                prop_assert_eq!(target.unwrap().kind, StageKind::Won);
            }
            prop_assert!(!(plan.record_first_contact && contacted));
            prop_assert!(!(plan.record_quote_sent && quote_sent));
        }
    }
}
