//! Open boards and dashboards follow committed changes: deal events become
//! `board` updates (the changed cards, read after commit), and anything that
//! moves an indicator becomes a `kpi` nudge that makes dashboards refetch.
//! Sent through the live bus, so pages served by other instances get them too.

use crate::domain::DomainEvent;
use crate::error::AppError;
use crate::infra::AppState;
use crate::infra::dispatch::{Delivered, Subscriber};
use crate::infra::live::LiveUpdate;
use crate::pipeline::{BoardChange, board};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// The live pages subscriber.
pub struct LivePages;

/// The changed cards of one board.
#[derive(Default)]
struct BoardDelta {
    deals: Vec<Uuid>,
    job_opened: bool,
}

#[async_trait::async_trait]
impl Subscriber for LivePages {
    fn name(&self) -> &'static str {
        "live_pages"
    }

    async fn deliver(&self, state: &AppState, events: &[Delivered]) -> Result<(), AppError> {
        let mut boards: BTreeMap<(Uuid, Uuid), BoardDelta> = BTreeMap::new();
        let mut dashboards: BTreeSet<Uuid> = BTreeSet::new();
        for delivered in events {
            let Some(workspace) = delivered.workspace_id else {
                continue;
            };
            if let Some((deal, pipeline)) = delivered.event.card() {
                let delta = boards.entry((workspace.0, pipeline.0)).or_default();
                if !delta.deals.contains(&deal.0) {
                    delta.deals.push(deal.0);
                }
                delta.job_opened |= matches!(delivered.event, DomainEvent::JobOpened { .. });
            }
            if moves_indicators(&delivered.event) {
                dashboards.insert(workspace.0);
            }
        }
        for ((workspace_id, pipeline_id), delta) in boards {
            let cards = board::cards(&state.db, workspace_id, &delta.deals).await?;
            let change = BoardChange {
                pipeline_id: crate::domain::PipelineId(pipeline_id),
                cards,
                job_opened: delta.job_opened,
            };
            publish(state, workspace_id, "board", &change);
        }
        for workspace_id in dashboards {
            publish(state, workspace_id, "kpi", &serde_json::json!({}));
        }
        Ok(())
    }
}

/// Whether an event can change a dashboard figure.
fn moves_indicators(event: &DomainEvent) -> bool {
    !matches!(
        event,
        DomainEvent::DealUpdated { .. }
            | DomainEvent::MemberInvited { .. }
            | DomainEvent::MemberRoleChanged { .. }
            | DomainEvent::QuoteViewed { .. }
    )
}

fn publish(state: &AppState, workspace_id: Uuid, topic: &str, payload: &impl serde::Serialize) {
    match serde_json::to_string(payload) {
        Ok(payload) => state.live.publish(LiveUpdate {
            workspace_id,
            topic: topic.to_string(),
            payload,
        }),
        Err(e) => tracing::error!(error = %e, "live payload not serialisable"),
    }
}
