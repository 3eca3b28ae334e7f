//! Giving an artisan a deal on a request: the workspace gets its own lead
//! (a copy of the request, linked by `request_id`) and a deal owned by the
//! artisan on its first board's first column; the artisan gets an email.
//! The request stays the platform's; each workspace sees only its lead.

use super::RequestStatus;
use crate::audit::{EventAction, EventEntity};
use crate::domain::{DealId, DomainEvent, LeadId, PipelineId, StageId, WorkspaceId};
use crate::error::AppError;
use crate::infra::entity::{deal, lead, market_request, market_route, member, user};
use crate::infra::{Audit, Write, time};
use crate::outbox::EmailKind;
use crate::outbox::service::{NewEmail, enqueue};
use crate::outbox::templates::{self, Rendered};
use crate::pipeline::LeadSource;
use crate::pipeline::leads::{insert_deal, insert_lead};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

/// Who gave the deal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssignedBy {
    /// Routing, on arrival.
    Routing,
    /// A platform admin (« Assigner »).
    Admin,
    /// The workspace's own form (no routing).
    OwnForm,
}

impl AssignedBy {
    /// Stored identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            AssignedBy::Routing => "auto",
            AssignedBy::Admin => "admin",
            AssignedBy::OwnForm => "form",
        }
    }
}

/// Gives `member_id` (of `workspace_id`) a lead and deal on the request,
/// once: the route row (stored by routing, or added here for a hand
/// assignment) is claimed by a conditional update, so two admins clicking at
/// once, or routing and an admin, give one deal. Emails the artisan; returns
/// the deal.
pub async fn assign(
    w: &Write,
    request: &market_request::Model,
    member_id: Uuid,
    workspace_id: Uuid,
    by: AssignedBy,
) -> Result<Uuid, AppError> {
    let now = time::now();
    market_route::Entity::insert(market_route::ActiveModel {
        id: Set(Uuid::now_v7()),
        request_id: Set(request.id),
        workspace_id: Set(workspace_id),
        member_id: Set(member_id),
        eligible: Set(false),
        picked: Set(false),
        distance_km: Set(0.0),
        score: Set(0),
        exclusions: Set("[]".into()),
        lead_id: Set(None),
        deal_id: Set(None),
        assigned_by: Set(String::new()),
        assigned_at: Set(None),
        reminded_at: Set(None),
        quote_reminded_at: Set(None),
        created_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([market_route::Column::RequestId, market_route::Column::MemberId])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(w)
    .await?;
    let route = || {
        market_route::Entity::update_many()
            .filter(market_route::Column::RequestId.eq(request.id))
            .filter(market_route::Column::MemberId.eq(member_id))
    };
    let claimed = route()
        .set(market_route::ActiveModel {
            picked: Set(true),
            assigned_by: Set(by.as_str().into()),
            assigned_at: Set(Some(now)),
            ..Default::default()
        })
        .filter(market_route::Column::AssignedAt.is_null())
        .exec(w)
        .await?
        .rows_affected;
    if claimed != 1 {
        return Err(AppError::Conflict("Cet artisan a déjà cette demande.".into()));
    }
    let (lead_id, deal_id) = create_deal(w, request, Some(member_id), workspace_id, by).await?;
    route()
        .set(market_route::ActiveModel {
            lead_id: Set(Some(lead_id)),
            deal_id: Set(Some(deal_id)),
            ..Default::default()
        })
        .exec(w)
        .await?;
    notify_artisan(w, request, member_id, workspace_id).await?;
    if request.status == RequestStatus::Unrouted {
        market_request::Entity::update(market_request::ActiveModel {
            id: Set(request.id),
            status: Set(RequestStatus::Routed),
            updated_at: Set(now),
            ..Default::default()
        })
        .exec(w)
        .await?;
    }
    Ok(deal_id)
}

/// The workspace's lead and deal for a request: (lead, deal).
pub async fn create_deal(
    w: &Write,
    request: &market_request::Model,
    owner: Option<Uuid>,
    workspace_id: Uuid,
    by: AssignedBy,
) -> Result<(Uuid, Uuid), AppError> {
    let (first_pipeline, first, position) = crate::pipeline::leads::entry_point(w, workspace_id, None).await?;
    let now = time::now();
    let l = lead::Model {
        id: Uuid::now_v7(),
        workspace_id,
        contact_name: request.name.clone(),
        phone: Some(request.phone.clone()).filter(|p| !p.is_empty()),
        email: Some(request.email.clone()).filter(|e| !e.is_empty()),
        address: Some(request.address.clone()).filter(|a| !a.is_empty()),
        postcode: Some(request.postcode.clone()),
        city: Some(request.city.clone()),
        latitude: Some(request.latitude),
        longitude: Some(request.longitude),
        trade: request.trade.clone(),
        description: request.description.clone(),
        budget_cents: None,
        source: if by == AssignedBy::OwnForm {
            LeadSource::Form
        } else {
            LeadSource::Marketplace
        },
        request_id: Some(request.id),
        created_at: now,
        updated_at: now,
    };
    insert_lead(w, &l).await?;
    let d = deal::Model {
        id: Uuid::now_v7(),
        workspace_id,
        lead_id: l.id,
        pipeline_id: first_pipeline.id,
        stage_id: first.id,
        owner_member_id: owner,
        value_cents: 0,
        position,
        assigned_at: now,
        first_contact_at: None,
        quote_sent_at: None,
        closed_at: None,
        lost_reason: None,
        created_at: now,
        updated_at: now,
    };
    insert_deal(w, &d).await?;
    w.act_in(WorkspaceId(workspace_id));
    w.audit(
        Audit::of(EventEntity::Lead, Some(l.id), EventAction::LeadCreated).after(json!({
            "contact_name": l.contact_name, "trade": l.trade, "city": l.city, "source": l.source.as_str(),
            "deal_id": d.id, "request_id": request.id, "assigned_by": by.as_str(),
        })),
    )
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
    Ok((l.id, d.id))
}

/// The member's account: address and id.
pub async fn member_address(w: &Write, member_id: Uuid, workspace_id: Uuid) -> Result<(String, Uuid), AppError> {
    let m = member::Entity::find_by_id(member_id)
        .filter(member::Column::WorkspaceId.eq(workspace_id))
        .one(w)
        .await?
        .ok_or(AppError::NotFound)?;
    let u = user::Entity::find_by_id(m.user_id)
        .one(w)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((u.email, u.id))
}

async fn notify_artisan(
    w: &Write,
    request: &market_request::Model,
    member_id: Uuid,
    workspace_id: Uuid,
) -> Result<(), AppError> {
    let (to, user_id) = member_address(w, member_id, workspace_id).await?;
    let link = w.state().config.link("/app/pipeline");
    enqueue(
        w,
        NewEmail {
            workspace_id: Some(workspace_id),
            to,
            to_user_id: Some(user_id),
            kind: EmailKind::LeadAssigned,
            content: lead_assigned(request, &link),
            contains_secret: false,
            attachment: None,
        },
    )
    .await?;
    Ok(())
}

/// « Nouvelle demande » to the artisan.
fn lead_assigned(r: &market_request::Model, link: &str) -> Rendered {
    let what = format!(
        "{} à {} ({}) : {}",
        r.trade,
        r.city,
        r.postcode,
        excerpt(&r.description)
    );
    let who = format!(
        "Demandeur : {}. Ses coordonnées sont sur la carte de la demande.",
        r.name
    );
    let tip = "Les demandes contactées dans l'heure se signent bien plus souvent.";
    Rendered {
        subject: format!("Nouvelle demande : {} à {}", r.trade, r.city),
        text: format!(
            "Bonjour,\n\n{what}\n{who}\n{tip}\n\n{link}\n\n{}\n",
            templates::SIGNATURE
        ),
        html: templates::layout(
            "Nouvelle demande de travaux",
            &["Bonjour,".into(), what.clone(), who.clone(), tip.into()],
            Some(("Voir la demande", link)),
            "Vous recevez ce message parce que votre profil artisan accepte les demandes de ce métier.",
        ),
    }
}

/// The first 160 characters of a description.
pub fn excerpt(text: &str) -> String {
    let t: String = text.chars().take(160).collect();
    if text.chars().count() > 160 {
        format!("{t}…")
    } else {
        t
    }
}
