//! Creating leads, notes, the deal drawer and member profiles.

use super::board::{self, lead_facts};
use super::{DealCard, DealDetail, LeadSource, MemberProfile, NoteView, StageChange};
use crate::audit::{EventAction, EventEntity};
use crate::domain::scores::{self, AssignmentFacts, MEMBER_WINDOW_DAYS};
use crate::domain::validation::{Phone, postcode};
use crate::domain::{
    DealId, DomainEvent, Email, LeadId, PersonName, PipelineId, Role, StageId, StageKind, money, position,
};
use crate::error::{AppError, FieldErrors};
use crate::infra::entity::{deal, event, lead, member, note, pipeline, stage, user};
use crate::infra::{Audit, Scope, Write, time};
use chrono::TimeDelta;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;
use uuid::Uuid;

/// The new-lead form.
#[derive(Clone, Debug, Default)]
pub struct NewLead {
    /// Pipeline (default: the workspace's first).
    pub pipeline_id: Option<Uuid>,
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
    let pipelines = pipeline::Entity::find()
        .filter(pipeline::Column::WorkspaceId.eq(ws))
        .order_by_asc(pipeline::Column::Position)
        .all(w)
        .await?;
    let target = match input.pipeline_id {
        Some(id) => pipelines.iter().find(|p| p.id == id).ok_or(AppError::NotFound)?,
        None => pipelines.first().ok_or(AppError::NotFound)?,
    };
    let first = stage::Entity::find()
        .filter(stage::Column::WorkspaceId.eq(ws))
        .filter(stage::Column::PipelineId.eq(target.id))
        .order_by_asc(stage::Column::Position)
        .one(w)
        .await?
        .ok_or(AppError::NotFound)?;
    l.workspace_id = ws;
    let top: Option<f64> = deal::Entity::find()
        .select_only()
        .column(deal::Column::Position)
        .filter(deal::Column::WorkspaceId.eq(ws))
        .filter(deal::Column::StageId.eq(first.id))
        .order_by_asc(deal::Column::Position)
        .into_tuple()
        .one(w)
        .await?;
    insert_lead(w, &l).await?;
    let d = deal::Model {
        id: Uuid::now_v7(),
        workspace_id: ws,
        lead_id: l.id,
        pipeline_id: target.id,
        stage_id: first.id,
        owner_member_id: Some(scope.member_id.0),
        value_cents: value,
        position: position::between(None, top).unwrap_or(position::STEP),
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

/// Writes a note on a deal.
pub async fn add_note(w: &Write, scope: &Scope, deal_id: Uuid, body: &str) -> Result<NoteView, AppError> {
    let d = deal::Entity::find_by_id(deal_id)
        .filter(deal::Column::WorkspaceId.eq(scope.workspace_id.0))
        .one(w)
        .await?
        .ok_or(AppError::NotFound)?;
    scope.require(Role::can_work_deals)?;
    let body = body.trim();
    if body.is_empty() || body.chars().count() > 4000 {
        return Err(AppError::field("body", "Écrivez une note (4 000 caractères au plus)."));
    }
    let n = note::Model {
        id: Uuid::now_v7(),
        workspace_id: d.workspace_id,
        deal_id: d.id,
        author_member_id: Some(scope.member_id.0),
        author_name: scope.user_name.clone(),
        body: body.to_string(),
        created_at: time::now(),
    };
    note::Entity::insert(note::ActiveModel {
        id: Set(n.id),
        workspace_id: Set(n.workspace_id),
        deal_id: Set(n.deal_id),
        author_member_id: Set(n.author_member_id),
        author_name: Set(n.author_name.clone()),
        body: Set(n.body.clone()),
        created_at: Set(n.created_at),
    })
    .exec_without_returning(w)
    .await?;
    w.audit(
        Audit::of(EventEntity::Note, Some(n.id), EventAction::NoteAdded)
            .after(json!({ "deal_id": d.id, "length": n.body.chars().count() })),
    )
    .await?;
    Ok(note_view(&n))
}

fn note_view(n: &note::Model) -> NoteView {
    NoteView {
        id: n.id,
        author: n.author_name.clone(),
        created_at: time::display(n.created_at),
        body: n.body.clone(),
    }
}

fn field_str(json: &Option<String>, key: &str) -> String {
    json.as_deref()
        .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok())
        .and_then(|v| v.get(key).and_then(|s| s.as_str()).map(str::to_string))
        .unwrap_or_default()
}

/// Everything the deal drawer shows.
pub async fn detail(db: &impl ConnectionTrait, scope: &Scope, deal_id: Uuid) -> Result<DealDetail, AppError> {
    let ws = scope.workspace_id.0;
    let (d, l) = deal::Entity::find_by_id(deal_id)
        .filter(deal::Column::WorkspaceId.eq(ws))
        .find_also_related(lead::Entity)
        .one(db)
        .await?
        .and_then(|(d, l)| l.map(|l| (d, l)))
        .ok_or(AppError::NotFound)?;
    let s = stage::Entity::find_by_id(d.stage_id)
        .filter(stage::Column::WorkspaceId.eq(ws))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let notes = note::Entity::find()
        .filter(note::Column::WorkspaceId.eq(ws))
        .filter(note::Column::DealId.eq(d.id))
        .order_by_desc(note::Column::CreatedAt)
        .all(db)
        .await?;
    // The deal's timeline also tells what happened to its quotes and its job.
    let mut subjects = vec![d.id, l.id];
    subjects.extend(
        crate::infra::entity::quote::Entity::find()
            .select_only()
            .column(crate::infra::entity::quote::Column::Id)
            .filter(crate::infra::entity::quote::Column::WorkspaceId.eq(ws))
            .filter(crate::infra::entity::quote::Column::DealId.eq(d.id))
            .into_tuple::<Uuid>()
            .all(db)
            .await?,
    );
    subjects.extend(
        crate::infra::entity::job::Entity::find()
            .select_only()
            .column(crate::infra::entity::job::Column::Id)
            .filter(crate::infra::entity::job::Column::WorkspaceId.eq(ws))
            .filter(crate::infra::entity::job::Column::DealId.eq(d.id))
            .into_tuple::<Uuid>()
            .all(db)
            .await?,
    );
    let history = event::Entity::find()
        .filter(event::Column::WorkspaceId.eq(ws))
        .filter(event::Column::EntityId.is_in(subjects))
        .filter(event::Column::Action.ne(EventAction::QuoteSaved.as_str()))
        .order_by_desc(event::Column::Seq)
        .limit(100)
        .all(db)
        .await?;
    let stage_history = history
        .iter()
        .filter(|e| e.action == EventAction::DealStageChanged.as_str())
        .map(|e| StageChange {
            at: time::display(e.occurred_at),
            actor: e.actor_label.clone(),
            from: field_str(&e.before_json, "stage"),
            to: field_str(&e.after_json, "stage"),
        })
        .collect();
    let timeline = history.iter().map(crate::audit::service::row).collect();
    let owners = board::member_names(db, ws).await?;
    let now = time::now();
    let facts = lead_facts(&l, now);
    Ok(DealDetail {
        card: board::card(&d, &l, &owners, now),
        stage_name: s.name,
        stage_kind: s.kind,
        phone: l.phone.clone(),
        email: l.email.clone(),
        address: l.address.clone(),
        postcode: l.postcode.clone(),
        description: l.description.clone(),
        budget: l.budget_cents.map(money::format_eur),
        source: l.source.label().to_string(),
        assigned_at: time::display(d.assigned_at),
        first_contact_at: d.first_contact_at.map(time::display),
        quote_sent_at: d.quote_sent_at.map(time::display),
        closed_at: d.closed_at.map(time::display),
        score_parts: (scores::freshness(facts.age_hours), scores::completeness(&facts)),
        notes: notes.iter().map(note_view).collect(),
        stage_history,
        timeline,
        can_work: scope.role.can_work_deals(),
    })
}

/// A member's profile and score over the last 90 days.
pub async fn member_profile(
    db: &impl ConnectionTrait,
    scope: &Scope,
    member_id: Uuid,
) -> Result<MemberProfile, AppError> {
    let ws = scope.workspace_id.0;
    let m = member::Entity::find_by_id(member_id)
        .filter(member::Column::WorkspaceId.eq(ws))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let u = user::Entity::find_by_id(m.user_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = time::now();
    let since = now - TimeDelta::days(MEMBER_WINDOW_DAYS);
    let owned = deal::Entity::find()
        .filter(deal::Column::WorkspaceId.eq(ws))
        .filter(deal::Column::OwnerMemberId.eq(m.id))
        .filter(deal::Column::AssignedAt.gte(since))
        .all(db)
        .await?;
    let won_stages: Vec<Uuid> = stage::Entity::find()
        .filter(stage::Column::WorkspaceId.eq(ws))
        .filter(stage::Column::Kind.eq(StageKind::Won))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    let facts: Vec<AssignmentFacts> = owned
        .iter()
        .map(|d| AssignmentFacts {
            hours_to_contact: d
                .first_contact_at
                .map(|c| (c - d.assigned_at).num_minutes().max(0) as f64 / 60.0),
            age_hours: (now - d.assigned_at).num_minutes().max(0) as f64 / 60.0,
            won: won_stages.contains(&d.stage_id),
        })
        .collect();
    let open_deals = deal::Entity::find()
        .filter(deal::Column::WorkspaceId.eq(ws))
        .filter(deal::Column::OwnerMemberId.eq(m.id))
        .filter(deal::Column::ClosedAt.is_null())
        .count(db)
        .await?;
    Ok(MemberProfile {
        member_id: m.id,
        name: u.name,
        email: u.email,
        role: m.role,
        score: scores::member_score(&facts),
        open_deals,
    })
}
