//! Configuring a pipeline's stages: add, rename, recolour, reorder, remove
//! (after moving its cards, through the deal rules).

use super::rules::{self, Placement, RuleContext};
use super::{PipelineSettings, StageSetting};
use crate::audit::{EventAction, EventEntity};
use crate::domain::deal_rules::Trigger;
use crate::domain::{DealId, PipelineId, Role, StageId, StageKind, TradePack};
use crate::error::{AppError, FieldErrors};
use crate::infra::entity::{deal, pipeline, stage, workspace};
use crate::infra::{Audit, Scope, Write, time};
use crate::setter::SetterStatus;
use crate::workspace::StageView;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;
use uuid::Uuid;

async fn pipeline_stages(
    db: &impl ConnectionTrait,
    ws: Uuid,
    pipeline_id: Uuid,
) -> Result<Vec<stage::Model>, AppError> {
    Ok(stage::Entity::find()
        .filter(stage::Column::WorkspaceId.eq(ws))
        .filter(stage::Column::PipelineId.eq(pipeline_id))
        .order_by_asc(stage::Column::Position)
        .all(db)
        .await?)
}

async fn stage_in_scope(db: &impl ConnectionTrait, scope: &Scope, id: Uuid) -> Result<stage::Model, AppError> {
    stage::Entity::find_by_id(id)
        .filter(stage::Column::WorkspaceId.eq(scope.workspace_id.0))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The stages of a pipeline with their card counts.
pub async fn settings(
    db: &impl ConnectionTrait,
    scope: &Scope,
    pipeline_id: Option<Uuid>,
) -> Result<PipelineSettings, AppError> {
    let ws = scope.workspace_id.0;
    let pipelines = pipeline::Entity::find()
        .filter(pipeline::Column::WorkspaceId.eq(ws))
        .order_by_asc(pipeline::Column::Position)
        .all(db)
        .await?;
    let current = match pipeline_id {
        Some(id) => pipelines.iter().find(|p| p.id == id).ok_or(AppError::NotFound)?,
        None => pipelines.first().ok_or(AppError::NotFound)?,
    };
    let stages = pipeline_stages(db, ws, current.id).await?;
    let counts: Vec<(Uuid, i64)> = deal::Entity::find()
        .select_only()
        .column(deal::Column::StageId)
        .column_as(deal::Column::Id.count(), "n")
        .filter(deal::Column::WorkspaceId.eq(ws))
        .filter(deal::Column::PipelineId.eq(current.id))
        .group_by(deal::Column::StageId)
        .into_tuple()
        .all(db)
        .await?;
    let count = |id: Uuid| {
        counts
            .iter()
            .find(|(s, _)| *s == id)
            .map(|(_, n)| *n as u64)
            .unwrap_or(0)
    };
    let setter_feed = feeds_setter(db, ws, current.id).await?;
    Ok(PipelineSettings {
        pipelines: pipelines.iter().map(|p| (PipelineId(p.id), p.name.clone())).collect(),
        pipeline_id: PipelineId(current.id),
        stages: stages
            .iter()
            .map(|s| StageSetting {
                stage: StageView::from(s),
                cards: count(s.id),
                is_quote_stage: s.is_quote_stage,
                setter_status: s.setter_status.as_deref().and_then(SetterStatus::parse),
            })
            .collect(),
        setter_feed,
    })
}

/// Checks a stage's name, colour and probability.
fn check(name: &str, color: &str, probability: i32) -> Result<(String, String), AppError> {
    let mut errors = FieldErrors::new();
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() || name.chars().count() > 40 {
        errors.push("name", "Nommez l'étape (40 caractères au plus).");
    }
    let color = color.trim().to_lowercase();
    if !(color.len() == 7 && color.starts_with('#') && color[1..].chars().all(|c| c.is_ascii_hexdigit())) {
        errors.push("color", "Choisissez une couleur (#rrggbb).");
    }
    if !(0..=100).contains(&probability) {
        errors.push("probability", "La probabilité est comprise entre 0 et 100 %.");
    }
    errors.into_result().map(|_| (name, color))
}

/// Adds a stage: open stages go before the won/lost ones, closed stages at the end.
pub async fn add(
    w: &Write,
    scope: &Scope,
    pipeline_id: Uuid,
    name: &str,
    color: &str,
    kind: StageKind,
    probability: i32,
) -> Result<StageView, AppError> {
    let ws = scope.workspace_id.0;
    pipeline::Entity::find_by_id(pipeline_id)
        .filter(pipeline::Column::WorkspaceId.eq(ws))
        .one(w)
        .await?
        .ok_or(AppError::NotFound)?;
    scope.require(Role::can_configure_pipelines)?;
    let (name, color) = check(name, color, probability)?;
    let stages = pipeline_stages(w, ws, pipeline_id).await?;
    let index = match kind {
        StageKind::Open => stages
            .iter()
            .position(|s| s.kind != StageKind::Open)
            .unwrap_or(stages.len()),
        _ => stages.len(),
    };
    for s in stages.iter().skip(index) {
        stage::Entity::update(stage::ActiveModel {
            id: Set(s.id),
            position: Set(s.position + 1),
            ..Default::default()
        })
        .exec(w)
        .await?;
    }
    let row = stage::Model {
        id: Uuid::now_v7(),
        workspace_id: ws,
        pipeline_id,
        name,
        color,
        kind,
        probability,
        position: stages.get(index).map(|s| s.position).unwrap_or(stages.len() as i32),
        is_quote_stage: false,
        setter_status: None,
        created_at: time::now(),
    };
    stage::Entity::insert(stage::ActiveModel {
        id: Set(row.id),
        workspace_id: Set(ws),
        pipeline_id: Set(pipeline_id),
        name: Set(row.name.clone()),
        color: Set(row.color.clone()),
        kind: Set(kind),
        probability: Set(probability),
        position: Set(row.position),
        is_quote_stage: Set(false),
        setter_status: Set(None),
        created_at: Set(row.created_at),
    })
    .exec_without_returning(w)
    .await?;
    w.audit(
        Audit::of(EventEntity::Stage, Some(row.id), EventAction::StageAdded)
            .after(json!({ "name": row.name, "kind": kind.as_str(), "pipeline_id": pipeline_id })),
    )
    .await?;
    Ok(StageView::from(&row))
}

/// What the stage editor posts.
pub struct StageChange {
    /// Title.
    pub name: String,
    /// Accent colour.
    pub color: String,
    /// Win probability in percent.
    pub probability: i32,
    /// Deals move here when their quote is sent.
    pub is_quote_stage: bool,
    /// `None`: unchanged; `Some("")`: no setter status; `Some(key)`: the
    /// status whose prospects the feed moves here (taken from any other stage).
    pub setter_status: Option<String>,
}

/// Whether the setter feed puts its prospects on this pipeline: the first
/// pipeline of a coach workspace.
async fn feeds_setter(db: &impl ConnectionTrait, workspace_id: Uuid, pipeline_id: Uuid) -> Result<bool, AppError> {
    let pack = workspace::Entity::find_by_id(workspace_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?
        .pack;
    let first = pipeline::Entity::find()
        .filter(pipeline::Column::WorkspaceId.eq(workspace_id))
        .order_by_asc(pipeline::Column::Position)
        .one(db)
        .await?;
    Ok(pack == TradePack::Coach && first.is_some_and(|p| p.id == pipeline_id))
}

/// Checks the setter status posted for a stage of `kind`.
fn setter_link(kind: StageKind, posted: Option<&str>) -> Result<Option<Option<SetterStatus>>, AppError> {
    let Some(key) = posted.map(str::trim) else {
        return Ok(None);
    };
    if key.is_empty() {
        return Ok(Some(None));
    }
    let status = SetterStatus::parse(key).ok_or_else(|| AppError::field("setter_status", "Choisissez un statut."))?;
    let fits = match status {
        SetterStatus::Won => kind == StageKind::Won,
        SetterStatus::Lost => kind == StageKind::Lost,
        _ => kind == StageKind::Open,
    };
    if !fits {
        return Err(AppError::field(
            "setter_status",
            "Ce statut va avec une étape du même type (gagné, perdu ou en cours).",
        ));
    }
    Ok(Some(Some(status)))
}

/// Renames, recolours, sets the probability, makes a stage the quote stage,
/// or links it to a setter status.
pub async fn update(w: &Write, scope: &Scope, stage_id: Uuid, change: StageChange) -> Result<(), AppError> {
    let StageChange {
        name,
        color,
        probability,
        is_quote_stage,
        setter_status,
    } = change;
    let s = stage_in_scope(w, scope, stage_id).await?;
    scope.require(Role::can_configure_pipelines)?;
    let (name, color) = check(&name, &color, probability)?;
    let link = setter_link(s.kind, setter_status.as_deref())?;
    if matches!(link, Some(Some(_))) && !feeds_setter(w, s.workspace_id, s.pipeline_id).await? {
        return Err(AppError::field(
            "setter_status",
            "Le setter ne place ses prospects que dans le premier pipeline d'un espace coach.",
        ));
    }
    if is_quote_stage && s.kind != StageKind::Open {
        return Err(AppError::field(
            "is_quote_stage",
            "L'étape devis doit être une étape en cours.",
        ));
    }
    if is_quote_stage && !s.is_quote_stage {
        stage::Entity::update_many()
            .col_expr(stage::Column::IsQuoteStage, false.into())
            .filter(stage::Column::WorkspaceId.eq(s.workspace_id))
            .filter(stage::Column::PipelineId.eq(s.pipeline_id))
            .exec(w)
            .await?;
    }
    let mut row = stage::ActiveModel {
        id: Set(s.id),
        name: Set(name.clone()),
        color: Set(color.clone()),
        probability: Set(probability),
        is_quote_stage: Set(is_quote_stage),
        ..Default::default()
    };
    let linked = match link {
        Some(status) => status.map(|st| st.key().to_string()),
        None => s.setter_status.clone(),
    };
    if let Some(Some(status)) = link {
        // One stage per status and pipeline.
        stage::Entity::update_many()
            .col_expr(stage::Column::SetterStatus, Option::<String>::None.into())
            .filter(stage::Column::WorkspaceId.eq(s.workspace_id))
            .filter(stage::Column::PipelineId.eq(s.pipeline_id))
            .filter(stage::Column::SetterStatus.eq(status.key()))
            .exec(w)
            .await?;
    }
    row.setter_status = Set(linked.clone());
    stage::Entity::update(row).exec(w).await?;
    w.audit(Audit::of(EventEntity::Stage, Some(s.id), EventAction::StageUpdated)
        .before(json!({ "name": s.name, "color": s.color, "probability": s.probability, "quote": s.is_quote_stage, "setter_status": s.setter_status }))
        .after(json!({ "name": name, "color": color, "probability": probability, "quote": is_quote_stage, "setter_status": linked })))
    .await?;
    Ok(())
}

/// Moves a stage one place left (`-1`) or right (`+1`), among stages of its kind group.
pub async fn reorder(w: &Write, scope: &Scope, stage_id: Uuid, offset: i32) -> Result<(), AppError> {
    let s = stage_in_scope(w, scope, stage_id).await?;
    scope.require(Role::can_configure_pipelines)?;
    let stages = pipeline_stages(w, s.workspace_id, s.pipeline_id).await?;
    let index = stages.iter().position(|x| x.id == s.id).ok_or(AppError::NotFound)?;
    let Some(other) = index
        .checked_add_signed(offset.signum() as isize)
        .and_then(|i| stages.get(i))
    else {
        return Ok(());
    };
    // Open stages stay before closed ones: the board reads left to right.
    if (other.kind == StageKind::Open) != (s.kind == StageKind::Open) {
        return Err(AppError::Conflict(
            "Les étapes en cours restent avant les étapes gagnées et perdues.".into(),
        ));
    }
    for (id, position) in [(s.id, other.position), (other.id, s.position)] {
        stage::Entity::update(stage::ActiveModel {
            id: Set(id),
            position: Set(position),
            ..Default::default()
        })
        .exec(w)
        .await?;
    }
    w.audit(
        Audit::of(EventEntity::Stage, Some(s.id), EventAction::StageReordered)
            .before(json!({ "position": index }))
            .after(json!({ "position": index as i32 + offset.signum() })),
    )
    .await?;
    Ok(())
}

/// Removes a stage after moving its cards to `move_to` (through the deal
/// rules). The pipeline keeps at least one open, one won and one lost stage.
/// Returns the ids of the moved deals.
pub async fn remove(w: &Write, scope: &Scope, stage_id: Uuid, move_to: Option<Uuid>) -> Result<Vec<Uuid>, AppError> {
    let s = stage_in_scope(w, scope, stage_id).await?;
    scope.require(Role::can_configure_pipelines)?;
    let stages = pipeline_stages(w, s.workspace_id, s.pipeline_id).await?;
    if stages.iter().filter(|x| x.kind == s.kind).count() <= 1 {
        return Err(AppError::Conflict(
            "Un pipeline garde au moins une étape en cours, une étape gagnée et une étape perdue.".into(),
        ));
    }
    let cards: Vec<Uuid> = deal::Entity::find()
        .select_only()
        .column(deal::Column::Id)
        .filter(deal::Column::WorkspaceId.eq(s.workspace_id))
        .filter(deal::Column::StageId.eq(s.id))
        .order_by_asc(deal::Column::Position)
        .into_tuple()
        .all(w)
        .await?;
    if !cards.is_empty() {
        let target = move_to
            .filter(|t| *t != s.id)
            .and_then(|t| stages.iter().find(|x| x.id == t))
            .ok_or_else(|| AppError::field("move_to", "Choisissez où déplacer les cartes de cette étape."))?;
        let pack: TradePack = workspace::Entity::find_by_id(s.workspace_id)
            .one(w)
            .await?
            .map(|w| w.pack)
            .ok_or(AppError::NotFound)?;
        let ctx = RuleContext {
            workspace_id: scope.workspace_id,
            pack,
        };
        let reason = format!("Étape « {} » supprimée", s.name);
        let changes = cards
            .iter()
            .map(|id| {
                let trigger = Trigger::Move {
                    to: StageId(target.id),
                    lost_reason: Some(reason.clone()),
                };
                rules::Change::new(DealId(*id), trigger, Placement::Auto)
            })
            .collect();
        rules::apply_many(w, &ctx, changes).await?;
    }
    let remaining = deal::Entity::find()
        .filter(deal::Column::WorkspaceId.eq(s.workspace_id))
        .filter(deal::Column::StageId.eq(s.id))
        .count(w)
        .await?;
    if remaining > 0 {
        return Err(AppError::Conflict("Des cartes sont encore dans cette étape.".into()));
    }
    stage::Entity::delete_by_id(s.id).exec(w).await?;
    w.audit(
        Audit::of(EventEntity::Stage, Some(s.id), EventAction::StageRemoved)
            .before(json!({ "name": s.name, "kind": s.kind.as_str(), "cards_moved": cards.len() })),
    )
    .await?;
    Ok(cards)
}
