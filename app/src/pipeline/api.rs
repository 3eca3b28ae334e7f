//! Server functions of the board, the deal drawer and stage settings. Every
//! change runs in the write envelope and goes through `rules::apply` (deals)
//! or `stages`; open boards follow through the domain events.
// Server functions take a form's fields one by one (the names the form posts).
#![allow(clippy::too_many_arguments)]

use super::{Board, BoardChange, DealCard, DealDetail, MemberProfile, NoteView, PipelineSettings};
use crate::domain::{DealId, MemberId, PipelineId, StageId};
use crate::error::AppError;
use crate::workspace::StageView;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
mod support {
    use crate::error::AppError;

    /// Applies a deal rule for the caller (who must be able to work deals) in
    /// the write envelope.
    pub async fn apply_rule(
        deal_id: crate::domain::DealId,
        trigger: crate::domain::deal_rules::Trigger,
        placement: super::super::rules::Placement,
    ) -> Result<super::BoardChange, AppError> {
        use crate::domain::Role;
        use crate::infra::{Write, scope, state::app_state};
        let state = app_state()?;
        let scope = scope::scope(&state).await?;
        scope.require(Role::can_work_deals)?;
        let w = Write::scoped(&state, &scope).await?;
        let ctx = super::super::rules::context(&w, scope.workspace_id).await?;
        let change = super::super::rules::apply(&w, &ctx, deal_id, trigger, placement).await?;
        w.commit().await?;
        Ok(change)
    }
}

/// The board of a pipeline, filtered (`sort` = `score` sorts open columns by lead score).
#[server(endpoint = "fetch_board")]
pub async fn fetch_board(
    pipeline: Option<PipelineId>,
    owner: Option<MemberId>,
    trade: Option<String>,
    min_score: Option<u8>,
    max_score: Option<u8>,
    q: Option<String>,
    sort: Option<String>,
) -> Result<Board, AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    let filter = super::board::BoardFilter::from_params(
        pipeline.map(|p| p.0),
        owner.map(|m| m.0),
        trade,
        min_score,
        max_score,
        q,
        sort,
    );
    super::board::board(&state.db, &scope, filter).await
}

/// The next cards of a long column ("Afficher plus"), with the board's filters.
#[server(endpoint = "fetch_more_cards")]
pub async fn fetch_more_cards(
    stage_id: StageId,
    offset: crate::domain::paging::Bounded,
    owner: Option<MemberId>,
    trade: Option<String>,
    min_score: Option<u8>,
    max_score: Option<u8>,
    q: Option<String>,
    sort: Option<String>,
) -> Result<Vec<DealCard>, AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    let filter = super::board::BoardFilter::from_params(None, owner.map(|m| m.0), trade, min_score, max_score, q, sort);
    super::board::more_cards(&state.db, &scope, filter, stage_id.0, offset).await
}

/// Moves a card to a stage, between two cards of that stage.
#[server(endpoint = "move_deal")]
pub async fn move_deal(
    deal_id: DealId,
    stage_id: StageId,
    before_id: Option<DealId>,
    after_id: Option<DealId>,
    lost_reason: Option<String>,
) -> Result<BoardChange, AppError> {
    use super::rules::Placement;
    use crate::domain::deal_rules::Trigger;
    let trigger = Trigger::Move {
        to: stage_id,
        lost_reason,
    };
    let placement = Placement::Between {
        before: before_id.map(|d| d.0),
        after: after_id.map(|d| d.0),
    };
    support::apply_rule(deal_id, trigger, placement).await
}

/// "Marquer comme contacté".
#[server(endpoint = "mark_contacted")]
pub async fn mark_contacted(deal_id: DealId) -> Result<BoardChange, AppError> {
    use super::rules::Placement;
    use crate::domain::deal_rules::Trigger;
    support::apply_rule(deal_id, Trigger::MarkContacted, Placement::Auto).await
}

/// Everything the deal drawer shows.
#[server(endpoint = "fetch_deal")]
pub async fn fetch_deal(deal_id: DealId) -> Result<DealDetail, AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    super::drawer::detail(&state.db, &scope, deal_id.0).await
}

/// Writes a note on a deal.
#[server(endpoint = "add_note")]
pub async fn add_note(deal_id: DealId, body: String) -> Result<NoteView, AppError> {
    use crate::infra::{Write, scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    let w = Write::scoped(&state, &scope).await?;
    let note = super::notes::add_note(&w, &scope, deal_id.0, &body).await?;
    w.commit().await?;
    Ok(note)
}

/// Creates a lead and its deal (owned by the caller, first stage).
#[server(endpoint = "create_lead")]
pub async fn create_lead(
    pipeline_id: Option<PipelineId>,
    contact_name: String,
    phone: Option<String>,
    email: Option<String>,
    address: Option<String>,
    postcode: Option<String>,
    city: Option<String>,
    trade: String,
    description: Option<String>,
    budget: Option<String>,
    value: Option<String>,
    source: String,
) -> Result<DealCard, AppError> {
    use crate::infra::{Write, scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    let input = super::leads::NewLead {
        pipeline_id,
        contact_name,
        phone: phone.unwrap_or_default(),
        email: email.unwrap_or_default(),
        address: address.unwrap_or_default(),
        postcode: postcode.unwrap_or_default(),
        city: city.unwrap_or_default(),
        trade,
        description: description.unwrap_or_default(),
        budget: budget.unwrap_or_default(),
        value: value.unwrap_or_default(),
        source,
    };
    let w = Write::scoped(&state, &scope).await?;
    let card = super::leads::create(&w, &scope, input).await?;
    w.commit().await?;
    Ok(card)
}

/// Stages of a pipeline with their card counts.
#[server(endpoint = "fetch_pipeline_settings")]
pub async fn fetch_pipeline_settings(pipeline: Option<PipelineId>) -> Result<PipelineSettings, AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    super::stages::settings(&state.db, &scope, pipeline.map(|p| p.0)).await
}

/// Adds a stage (`kind`: open, won or lost).
#[server(endpoint = "add_stage")]
pub async fn add_stage(
    pipeline_id: PipelineId,
    name: String,
    color: String,
    kind: String,
    probability: i32,
) -> Result<StageView, AppError> {
    use crate::domain::StageKind;
    use crate::infra::{Write, scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    let kind = StageKind::parse(&kind).ok_or_else(|| AppError::field("kind", "Choisissez un type d'étape."))?;
    let w = Write::scoped(&state, &scope).await?;
    let stage = super::stages::add(&w, &scope, pipeline_id.0, &name, &color, kind, probability).await?;
    w.commit().await?;
    Ok(stage)
}

/// Renames, recolours or re-flags a stage; links it to a setter status
/// (`setter_status`: a status key, empty for none, absent to leave it).
#[server(endpoint = "update_stage")]
pub async fn update_stage(
    stage_id: StageId,
    name: String,
    color: String,
    probability: i32,
    is_quote_stage: Option<String>,
    setter_status: Option<String>,
) -> Result<(), AppError> {
    use crate::infra::{Write, scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    let change = super::stages::StageChange {
        name,
        color,
        probability,
        is_quote_stage: is_quote_stage.is_some(),
        setter_status,
    };
    let w = Write::scoped(&state, &scope).await?;
    super::stages::update(&w, &scope, stage_id.0, change).await?;
    w.commit().await?;
    Ok(())
}

/// Moves a stage one place (`offset` −1 or +1).
#[server(endpoint = "reorder_stage")]
pub async fn reorder_stage(stage_id: StageId, offset: i32) -> Result<(), AppError> {
    use crate::infra::{Write, scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    let w = Write::scoped(&state, &scope).await?;
    super::stages::reorder(&w, &scope, stage_id.0, offset).await?;
    w.commit().await?;
    Ok(())
}

/// Removes a stage after moving its cards to `move_to`.
#[server(endpoint = "remove_stage")]
pub async fn remove_stage(stage_id: StageId, move_to: Option<StageId>) -> Result<(), AppError> {
    use crate::infra::{Write, scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    let w = Write::scoped(&state, &scope).await?;
    super::stages::remove(&w, &scope, stage_id.0, move_to.map(|s| s.0)).await?;
    w.commit().await?;
    Ok(())
}

/// A member's profile with their score.
#[server(endpoint = "fetch_member_profile")]
pub async fn fetch_member_profile(member_id: MemberId) -> Result<MemberProfile, AppError> {
    use crate::infra::{scope, state::app_state};
    let state = app_state()?;
    let scope = scope::scope(&state).await?;
    super::profiles::member_profile(&state.db, &scope, member_id.0).await
}
