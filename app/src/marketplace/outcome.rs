//! The first signed quote wins a request: when the client signs a quote of
//! a deal born of a request, the deals other workspaces hold on that request
//! are lost (through `pipeline::rules`, each in its own workspace), and the
//! request is marked won. A subscriber of `QuoteSigned` — not of `DealWon`,
//! which an artisan can cause by dragging their own card: only the client's
//! signature decides between workspaces. At least once, so idempotent (closed
//! deals are left alone).

use super::RequestStatus;
use crate::audit::{EventAction, EventEntity};
use crate::domain::deal_rules::Trigger;
use crate::domain::{DealId, DomainEvent, StageId, StageKind, WorkspaceId};
use crate::error::AppError;
use crate::infra::dispatch::{Delivered, Subscriber};
use crate::infra::entity::{deal, lead, market_request, quote, stage};
use crate::infra::{AppState, Audit, Write, time};
use crate::pipeline::rules::{self, Placement};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// Why the other workspaces' deals are lost.
pub const LOST_TO_OTHER: &str = "Le client a signé le devis d'un autre artisan";

/// The subscriber.
pub struct FirstSignedWins;

#[async_trait::async_trait]
impl Subscriber for FirstSignedWins {
    fn name(&self) -> &'static str {
        "marketplace_first_signed_wins"
    }

    async fn deliver(&self, state: &AppState, events: &[Delivered]) -> Result<(), AppError> {
        for delivered in events {
            if let (DomainEvent::QuoteSigned { quote }, Some(ws)) = (&delivered.event, delivered.workspace_id) {
                let deal = quote::Entity::find_by_id(quote.0)
                    .filter(quote::Column::WorkspaceId.eq(ws.0))
                    .one(&state.db)
                    .await?
                    .and_then(|q| q.deal_id);
                if let Some(deal) = deal {
                    won(state, ws, DealId(deal)).await?;
                }
            }
        }
        Ok(())
    }
}

/// Loses the other workspaces' deals on the request `won` (whose quote the
/// client signed) came from.
pub async fn won(state: &AppState, workspace: WorkspaceId, won: DealId) -> Result<(), AppError> {
    let db = &state.db;
    let Some(d) = deal::Entity::find_by_id(won.0)
        .filter(deal::Column::WorkspaceId.eq(workspace.0))
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let Some(request_id) = lead::Entity::find_by_id(d.lead_id)
        .filter(lead::Column::WorkspaceId.eq(workspace.0))
        .one(db)
        .await?
        .and_then(|l| l.request_id)
    else {
        return Ok(());
    };
    let others = lead::Entity::find()
        .filter(lead::Column::RequestId.eq(request_id))
        .filter(lead::Column::WorkspaceId.ne(workspace.0))
        .all(db)
        .await?;
    for other in others {
        let open = deal::Entity::find()
            .filter(deal::Column::WorkspaceId.eq(other.workspace_id))
            .filter(deal::Column::LeadId.eq(other.id))
            .filter(deal::Column::ClosedAt.is_null())
            .all(db)
            .await?;
        if open.is_empty() {
            continue;
        }
        let w = Write::system(state, "place de marché", Some(WorkspaceId(other.workspace_id))).await?;
        let ctx = rules::context(&w, WorkspaceId(other.workspace_id)).await?;
        for o in open {
            let Some(lost) = stage::Entity::find()
                .filter(stage::Column::WorkspaceId.eq(other.workspace_id))
                .filter(stage::Column::PipelineId.eq(o.pipeline_id))
                .filter(stage::Column::Kind.eq(StageKind::Lost))
                .one(&w)
                .await?
            else {
                continue;
            };
            let trigger = Trigger::Move {
                to: StageId(lost.id),
                lost_reason: Some(LOST_TO_OTHER.into()),
            };
            rules::apply_only(&w, &ctx, DealId(o.id), trigger, Placement::Auto).await?;
        }
        w.commit().await?;
    }
    mark_won(state, request_id, won).await
}

async fn mark_won(state: &AppState, request_id: Uuid, deal: DealId) -> Result<(), AppError> {
    let w = Write::system(state, "place de marché", None).await?;
    let changed = market_request::Entity::update_many()
        .set(market_request::ActiveModel {
            status: Set(RequestStatus::Won),
            closed_at: Set(Some(time::now())),
            updated_at: Set(time::now()),
            ..Default::default()
        })
        .filter(market_request::Column::Id.eq(request_id))
        .filter(market_request::Column::Status.ne(RequestStatus::Won))
        .exec(&w)
        .await?
        .rows_affected;
    if changed == 1 {
        w.audit(
            Audit::of(
                EventEntity::MarketRequest,
                Some(request_id),
                EventAction::MarketRequestWon,
            )
            .after(serde_json::json!({ "deal_id": deal.0 })),
        )
        .await?;
    }
    w.commit().await
}
