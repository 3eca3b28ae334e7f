//! Creating leads and their deals.

use super::board::{self};
use super::{DealCard, LeadSource};
use crate::audit::{EventAction, EventEntity};
use crate::domain::validation::{Phone, postcode};
use crate::domain::{DealId, DomainEvent, Email, LeadId, PersonName, PipelineId, Role, StageId, money, position};
use crate::error::{AppError, FieldErrors};
use crate::infra::entity::{deal, lead, pipeline, stage};
use crate::infra::{Audit, Scope, Write, time};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;
use uuid::Uuid;

/// The new-lead form.
#[derive(Clone, Debug, Default)]
pub struct NewLead {
    /// Pipeline (default: the workspace's first).
    pub pipeline_id: Option<PipelineId>,
    /// Client's name.
    pub contact_name: String,
    /// Phone.
    pub phone: String,
    /// Email.
    pub email: String,
    /// Street address.
    pub address: String,
    /// Postcode.
    pub postcode: String,
    /// City.
    pub city: String,
    /// Trade / category.
    pub trade: String,
    /// What the client needs.
    pub description: String,
    /// Client's budget, as typed.
    pub budget: String,
    /// Expected deal value, as typed (default: the budget).
    pub value: String,
    /// Source identifier.
    pub source: String,
}

fn optional(value: &str) -> Option<String> {
    let v = value.trim();
    (!v.is_empty()).then(|| v.to_string())
}

/// Checks the form; every message at its field.
fn validate(input: &NewLead) -> Result<(lead::Model, i64), AppError> {
    let mut errors = FieldErrors::new();
    let name = errors.check("contact_name", PersonName::parse(&input.contact_name));
    let phone = optional(&input.phone).and_then(|p| errors.check("phone", Phone::parse(&p)));
    let email = optional(&input.email).and_then(|e| errors.check("email", Email::parse(&e)));
    if optional(&input.phone).is_none() && optional(&input.email).is_none() {
        errors.push(
            "phone",
            "Indiquez un téléphone ou un e-mail pour recontacter le client.",
        );
    }
    let postcode = optional(&input.postcode).and_then(|p| errors.check("postcode", postcode(&p)));
    let trade = optional(&input.trade);
    if trade.as_ref().is_none_or(|t| t.chars().count() > 60) {
        errors.push("trade", "Choisissez un métier (60 caractères au plus).");
    }
    if input.description.chars().count() > 4000 {
        errors.push("description", "La description ne doit pas dépasser 4 000 caractères.");
    }
    let budget = optional(&input.budget).and_then(|b| errors.check("budget", money::parse_eur(&b)));
    let value = optional(&input.value).and_then(|v| errors.check("value", money::parse_eur(&v)));
    let source = errors.check(
        "source",
        LeadSource::parse(&input.source).ok_or("Choisissez une source."),
    );
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let now = time::now();
    let lead = lead::Model {
        id: Uuid::now_v7(),
        workspace_id: Uuid::nil(),
        contact_name: name.map(|n| n.as_str().to_string()).unwrap_or_default(),
        phone: phone.map(|p| p.as_str().to_string()),
        email: email.map(|e| e.into_inner()),
        address: optional(&input.address),
        postcode,
        city: optional(&input.city),
        latitude: None,
        longitude: None,
        trade: trade.unwrap_or_default(),
        description: input.description.trim().to_string(),
        budget_cents: budget,
        source: source.unwrap_or(LeadSource::Other),
        request_id: None,
        created_at: now,
        updated_at: now,
    };
    Ok((lead, value.or(budget).unwrap_or(0)))
}

/// Creates a lead and its deal, owned by the caller, on top of the first stage;
/// returns the card.
pub async fn create(w: &Write, scope: &Scope, input: NewLead) -> Result<DealCard, AppError> {
    scope.require(Role::can_work_deals)?;
    let (mut l, value) = validate(&input)?;
    let ws = scope.workspace_id.0;
    let (target, first, position) = entry_point(w, ws, input.pipeline_id).await?;
    l.workspace_id = ws;
    insert_lead(w, &l).await?;
    let d = deal::Model {
        id: Uuid::now_v7(),
        workspace_id: ws,
        lead_id: l.id,
        pipeline_id: target.id,
        stage_id: first.id,
        owner_member_id: Some(scope.member_id.0),
        value_cents: value,
        position,
        assigned_at: l.created_at,
        first_contact_at: None,
        quote_sent_at: None,
        closed_at: None,
        lost_reason: None,
        created_at: l.created_at,
        updated_at: l.created_at,
    };
    insert_deal(w, &d).await?;
    w.audit(Audit::of(EventEntity::Lead, Some(l.id), EventAction::LeadCreated).after(json!({
            "contact_name": l.contact_name, "trade": l.trade, "city": l.city, "source": l.source.as_str(), "deal_id": d.id,
        })))
    .await?;
    w.emit(DomainEvent::LeadReceived {
        lead: LeadId(l.id),
        source: l.source.as_str().to_string(),
    })
    .await?;
    w.emit(DomainEvent::DealCreated {
        deal: DealId(d.id),
        lead: LeadId(l.id),
        pipeline: PipelineId(d.pipeline_id),
        stage: StageId(d.stage_id),
    })
    .await?;
    let owners = board::member_names(w, ws).await?;
    Ok(board::card(&d, &l, &owners, time::now()))
}

/// Where a new lead's deal goes in workspace `ws`: the pipeline (`None`: the
/// workspace's first), its first stage, and the position on top of that column.
pub async fn entry_point(
    db: &impl ConnectionTrait,
    ws: Uuid,
    pipeline_id: Option<PipelineId>,
) -> Result<(pipeline::Model, stage::Model, f64), AppError> {
    let pipelines = pipeline::Entity::find()
        .filter(pipeline::Column::WorkspaceId.eq(ws))
        .order_by_asc(pipeline::Column::Position)
        .all(db)
        .await?;
    let target = match pipeline_id {
        Some(id) => pipelines.into_iter().find(|p| p.id == id.0).ok_or(AppError::NotFound)?,
        None => pipelines.into_iter().next().ok_or(AppError::NotFound)?,
    };
    let first = stage::Entity::find()
        .filter(stage::Column::WorkspaceId.eq(ws))
        .filter(stage::Column::PipelineId.eq(target.id))
        .order_by_asc(stage::Column::Position)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let top: Option<f64> = deal::Entity::find()
        .select_only()
        .column(deal::Column::Position)
        .filter(deal::Column::WorkspaceId.eq(ws))
        .filter(deal::Column::StageId.eq(first.id))
        .order_by_asc(deal::Column::Position)
        .into_tuple()
        .one(db)
        .await?;
    Ok((target, first, position::between(None, top).unwrap_or(position::STEP)))
}

/// Inserts a lead row.
pub async fn insert_lead(db: &impl ConnectionTrait, l: &lead::Model) -> Result<(), AppError> {
    lead::Entity::insert(lead::ActiveModel {
        id: Set(l.id),
        workspace_id: Set(l.workspace_id),
        contact_name: Set(l.contact_name.clone()),
        phone: Set(l.phone.clone()),
        email: Set(l.email.clone()),
        address: Set(l.address.clone()),
        postcode: Set(l.postcode.clone()),
        city: Set(l.city.clone()),
        latitude: Set(l.latitude),
        longitude: Set(l.longitude),
        trade: Set(l.trade.clone()),
        description: Set(l.description.clone()),
        budget_cents: Set(l.budget_cents),
        source: Set(l.source),
        request_id: Set(l.request_id),
        created_at: Set(l.created_at),
        updated_at: Set(l.updated_at),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Inserts a deal row.
pub async fn insert_deal(db: &impl ConnectionTrait, d: &deal::Model) -> Result<(), AppError> {
    deal::Entity::insert(deal::ActiveModel {
        id: Set(d.id),
        workspace_id: Set(d.workspace_id),
        lead_id: Set(d.lead_id),
        pipeline_id: Set(d.pipeline_id),
        stage_id: Set(d.stage_id),
        owner_member_id: Set(d.owner_member_id),
        value_cents: Set(d.value_cents),
        position: Set(d.position),
        assigned_at: Set(d.assigned_at),
        first_contact_at: Set(d.first_contact_at),
        quote_sent_at: Set(d.quote_sent_at),
        closed_at: Set(d.closed_at),
        lost_reason: Set(d.lost_reason.clone()),
        created_at: Set(d.created_at),
        updated_at: Set(d.updated_at),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}
