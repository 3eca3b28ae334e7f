//! Public requests: the form's checks, duplicates merged, the place
//! located, then routed (the platform's form) or given to the workspace (its
//! own form); the requester gets a link to follow it.

use super::assign::{self, AssignedBy};
use super::photos::{self, PhotoUpload};
use super::{BUDGETS, RequestStatus, routing};
use crate::audit::{EventAction, EventEntity};
use crate::domain::validation::{Phone, postcode};
use crate::domain::{Email, PersonName, TradePack, WorkspaceId};
use crate::error::{AppError, FieldErrors};
use crate::infra::communes;
use crate::infra::crypto::{random_token, sha256_hex};
use crate::infra::entity::{deal, lead, market_request, stage, workspace};
use crate::infra::request::RequestMeta;
use crate::infra::{AppState, Audit, Write, rate_limit, time};
use crate::outbox::EmailKind;
use crate::outbox::service::{NewEmail, enqueue};
use crate::outbox::templates::{self, Rendered};
use chrono::{NaiveDate, TimeDelta};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

/// The form as posted.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct RequestForm {
    /// Trade.
    #[serde(default)]
    pub trade: String,
    /// What is to be done.
    #[serde(default)]
    pub description: String,
    /// Postcode of the site.
    #[serde(default)]
    pub postcode: String,
    /// Commune of the site.
    #[serde(default)]
    pub city: String,
    /// Street address.
    #[serde(default)]
    pub address: String,
    /// Budget range identifier.
    #[serde(default)]
    pub budget: String,
    /// Desired date, `YYYY-MM-DD`.
    #[serde(default)]
    pub desired_on: String,
    /// Requester's name.
    #[serde(default)]
    pub name: String,
    /// Email.
    #[serde(default)]
    pub email: String,
    /// Phone.
    #[serde(default)]
    pub phone: String,
    /// « J'accepte… » ticked (`on`).
    #[serde(default)]
    pub consent: Option<String>,
    /// Honeypot: hidden from people, filled by bots.
    #[serde(default)]
    pub website: String,
    /// Photos that came with the form (a browser cannot send them again by
    /// itself: the page asks to choose them again).
    #[serde(skip)]
    pub photo_count: usize,
}

/// What became of a submission. The page shown is the same in every case
/// (the follow link goes by email only), so posting someone else's email and
/// phone tells nothing about their requests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Submitted {
    /// A new request (its follow link emailed).
    Created,
    /// The same request came within 24 h: merged into the first.
    Merged,
    /// A bot filled the honeypot: nothing stored.
    Ignored,
}

/// The own form's workspace (`/w/{slug}/demande`).
#[derive(Clone, Debug)]
pub struct Target {
    /// Workspace.
    pub id: Uuid,
    /// Its trades.
    pub pack: TradePack,
}

/// Trades a form offers.
pub fn trades(target: Option<&Target>) -> &'static [&'static str] {
    target.map(|t| t.pack).unwrap_or(TradePack::Artisan).trades()
}

/// Checks the form; every message at its field. Returns the checked request
/// (ids, token and place left to fill) and the commune.
fn validate(
    form: &RequestForm,
    uploads: &[PhotoUpload],
    target: Option<&Target>,
    today: NaiveDate,
) -> Result<(market_request::Model, &'static communes::Commune), AppError> {
    let mut errors = FieldErrors::new();
    let trade = form.trade.trim();
    if !trades(target).contains(&trade) {
        errors.push("trade", "Choisissez le type de travaux.");
    }
    let description = form.description.trim();
    let len = description.chars().count();
    if len < 10 {
        errors.push(
            "description",
            "Décrivez les travaux en quelques mots (10 caractères au moins).",
        );
    } else if len > 4000 {
        errors.push("description", "La description ne doit pas dépasser 4 000 caractères.");
    }
    let index = communes::index().map_err(|e| {
        tracing::error!(error = %e, "communes index unavailable");
        AppError::Internal
    })?;
    let code = errors.check("postcode", postcode(&form.postcode));
    let commune = code.as_ref().and_then(|code| match index.find(code, &form.city) {
        Ok(c) => Some(c),
        Err(e @ communes::CommuneError::UnknownPostcode) => {
            errors.push("postcode", e.message());
            None
        }
        Err(e) => {
            errors.push("city", e.message());
            None
        }
    });
    if form.city.trim().is_empty() && commune.is_none() && code.is_some() {
        errors.push("city", "Indiquez la commune.");
    }
    let address = form.address.trim();
    if address.chars().count() > 200 {
        errors.push("address", "L'adresse ne doit pas dépasser 200 caractères.");
    }
    let budget = form.budget.trim();
    if !budget.is_empty() && !BUDGETS.iter().any(|(k, _)| *k == budget) {
        errors.push("budget", "Choisissez une fourchette de budget.");
    }
    let desired_on = match form.desired_on.trim() {
        "" => None,
        d => match NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(day) if day < today => {
                errors.push("desired_on", "Choisissez une date à venir.");
                None
            }
            Ok(day) if day > today + TimeDelta::days(730) => {
                errors.push("desired_on", "Choisissez une date dans les deux ans.");
                None
            }
            Ok(day) => Some(day),
            Err(_) => {
                errors.push("desired_on", "Date attendue au format JJ/MM/AAAA.");
                None
            }
        },
    };
    let name = errors.check("name", PersonName::parse(&form.name));
    let email = errors.check("email", Email::parse(&form.email));
    let phone = errors.check("phone", Phone::parse(&form.phone));
    photos::check(uploads, &mut errors);
    if form.consent.is_none() {
        errors.push("consent", "Votre accord est nécessaire pour transmettre la demande.");
    }
    match (commune, name, email, phone) {
        (Some(commune), Some(name), Some(email), Some(phone)) if errors.is_empty() => {
            let now = time::now();
            Ok((
                market_request::Model {
                    id: Uuid::now_v7(),
                    workspace_id: target.map(|t| t.id),
                    follow_token_hash: String::new(),
                    trade: trade.to_string(),
                    description: description.to_string(),
                    postcode: code.unwrap_or_default(),
                    city: commune.name.clone(),
                    insee: commune.insee.clone(),
                    address: address.to_string(),
                    latitude: commune.point.lat,
                    longitude: commune.point.lon,
                    geo_source: commune.source.as_str().into(),
                    budget: if budget.is_empty() {
                        "unknown".into()
                    } else {
                        budget.into()
                    },
                    desired_on,
                    name: name.as_str().to_string(),
                    email: email.into_inner(),
                    phone: phone.as_str().to_string(),
                    consent_at: now,
                    status: RequestStatus::Unrouted,
                    repeats: 0,
                    created_at: now,
                    updated_at: now,
                    closed_at: None,
                },
                commune,
            ))
        }
        _ => Err(AppError::Validation(errors)),
    }
}

/// Takes a request from a public form (`target`: a workspace's own form),
/// with its photos.
pub async fn submit(
    state: &AppState,
    meta: &RequestMeta,
    target: Option<Target>,
    form: RequestForm,
    uploads: Vec<PhotoUpload>,
) -> Result<Submitted, AppError> {
    if !form.website.trim().is_empty() {
        return Ok(Submitted::Ignored);
    }
    let (mut request, commune) = validate(&form, &uploads, target.as_ref(), time::paris_day(time::now()))?;
    state
        .limit(format!("request:{}", meta.limit_key()), rate_limit::REQUEST_PER_IP)
        .await?;
    // Decoding is the costly part: after the per-address limit.
    let prepared = photos::prepare_all(uploads).await?;
    if let Ok(found) = state.geocoder.locate(commune, &request.address).await {
        request.latitude = found.point.lat;
        request.longitude = found.point.lon;
        request.geo_source = found.source;
    }
    let w = Write::system(state, "formulaire public", target.as_ref().map(|t| WorkspaceId(t.id))).await?;
    if let Some(earlier) = duplicate_of(&w, &request).await? {
        let mut description = earlier.description.clone();
        if earlier.repeats < MAX_REPEATS && !earlier.description.contains(&request.description) {
            description = format!(
                "{description}\n\nComplément du {} : {}",
                time::display(request.created_at),
                request.description
            );
        }
        market_request::Entity::update(market_request::ActiveModel {
            id: Set(earlier.id),
            description: Set(description),
            repeats: Set(earlier.repeats + 1),
            updated_at: Set(request.created_at),
            ..Default::default()
        })
        .exec(&w)
        .await?;
        w.audit(
            Audit::of(
                EventEntity::MarketRequest,
                Some(earlier.id),
                EventAction::MarketRequestMerged,
            )
            .after(json!({ "repeats": earlier.repeats + 1, "photos": prepared.len() })),
        )
        .await?;
        let stored = photos::attach(state, &w, earlier.id, prepared).await?;
        if let Err(e) = w.commit().await {
            stored.discard(state).await;
            return Err(e);
        }
        return Ok(Submitted::Merged);
    }
    let token = random_token();
    request.follow_token_hash = sha256_hex(&token);
    market_request::Entity::insert(market_request::ActiveModel::from(request.clone()).reset_all())
        .exec_without_returning(&w)
        .await?;
    w.audit(
        Audit::of(
            EventEntity::MarketRequest,
            Some(request.id),
            EventAction::MarketRequestReceived,
        )
        .after(json!({
            "trade": request.trade, "postcode": request.postcode, "city": request.city,
            "geo_source": request.geo_source, "own_form": target.is_some(), "photos": prepared.len(),
        })),
    )
    .await?;
    let link = state.config.link(&format!("/demande/suivi/{token}"));
    enqueue(
        &w,
        NewEmail {
            workspace_id: None,
            to: request.email.clone(),
            to_user_id: None,
            kind: EmailKind::RequestReceived,
            content: request_received(&request, &link),
            contains_secret: true,
            attachment: None,
        },
    )
    .await?;
    match &target {
        None => {
            routing::route_request(&w, &request).await?;
        }
        Some(t) => {
            assign::create_deal(&w, &request, None, t.id, AssignedBy::OwnForm).await?;
            market_request::Entity::update(market_request::ActiveModel {
                id: Set(request.id),
                status: Set(RequestStatus::Routed),
                ..Default::default()
            })
            .exec(&w)
            .await?;
        }
    }
    let stored = photos::attach(state, &w, request.id, prepared).await?;
    if let Err(e) = w.commit().await {
        stored.discard(state).await;
        return Err(e);
    }
    Ok(Submitted::Created)
}

/// Repeats whose text is added to the first request (then only counted).
const MAX_REPEATS: i32 = 3;

/// The same person's request (same email and phone) for the same trade and
/// form in the last 24 h. Both must match: a phone number alone would let
/// anyone who knows it add text to a stranger's request.
async fn duplicate_of(w: &Write, r: &market_request::Model) -> Result<Option<market_request::Model>, AppError> {
    let since = r.created_at - TimeDelta::hours(24);
    let mut query = market_request::Entity::find()
        .filter(market_request::Column::Trade.eq(r.trade.clone()))
        .filter(market_request::Column::CreatedAt.gte(since))
        .filter(market_request::Column::Email.eq(r.email.clone()))
        .filter(market_request::Column::Phone.eq(r.phone.clone()));
    query = match r.workspace_id {
        Some(ws) => query.filter(market_request::Column::WorkspaceId.eq(ws)),
        None => query.filter(market_request::Column::WorkspaceId.is_null()),
    };
    Ok(query.order_by_asc(market_request::Column::CreatedAt).one(w).await?)
}

fn request_received(r: &market_request::Model, link: &str) -> Rendered {
    let what = format!(
        "Nous avons bien reçu votre demande « {} » à {} ({}).",
        r.trade, r.city, r.postcode
    );
    let next = "Des artisans qualifiés de votre secteur, assurés et à jour de leurs documents, vont vous contacter.";
    let follow = "Suivez votre demande à tout moment avec ce lien personnel (ne le transmettez pas) :";
    Rendered {
        subject: format!("Votre demande « {} » est bien reçue", r.trade),
        text: format!(
            "Bonjour,\n\n{what}\n{next}\n\n{follow}\n{link}\n\n{}\n",
            templates::SIGNATURE
        ),
        html: templates::layout(
            "Votre demande est bien reçue",
            &["Bonjour,".into(), what.clone(), next.into(), follow.into()],
            Some(("Suivre ma demande", link)),
            "Vous n'avez rien demandé ? Ignorez ce message : la demande sera close sans suite.",
        ),
    }
}

/// What the requester sees with their link.
#[derive(Clone, Debug, PartialEq)]
pub struct FollowView {
    /// Trade.
    pub trade: String,
    /// « 69003 Lyon ».
    pub place: String,
    /// When sent.
    pub created_at: String,
    /// Status.
    pub status: RequestStatus,
    /// The companies working on it, with where they stand.
    pub companies: Vec<(String, String)>,
}

/// The request behind a follow token, `None` when unknown.
pub async fn follow(state: &AppState, token: &str) -> Result<Option<FollowView>, AppError> {
    let Some(r) = market_request::Entity::find()
        .filter(market_request::Column::FollowTokenHash.eq(sha256_hex(token.trim())))
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    let leads = lead::Entity::find()
        .filter(lead::Column::RequestId.eq(r.id))
        .all(&state.db)
        .await?;
    let mut companies = Vec::new();
    for l in leads {
        let ws = workspace::Entity::find_by_id(l.workspace_id).one(&state.db).await?;
        let d = deal::Entity::find()
            .filter(deal::Column::WorkspaceId.eq(l.workspace_id))
            .filter(deal::Column::LeadId.eq(l.id))
            .one(&state.db)
            .await?;
        // Public states, not the company's own column names.
        let stage_name = match d {
            Some(d) => {
                let kind = stage::Entity::find_by_id(d.stage_id)
                    .filter(stage::Column::WorkspaceId.eq(l.workspace_id))
                    .one(&state.db)
                    .await?
                    .map(|s| s.kind);
                match kind {
                    Some(crate::domain::StageKind::Won) => "Devis signé",
                    Some(crate::domain::StageKind::Lost) => "Non retenue",
                    _ if d.quote_sent_at.is_some() => "Devis envoyé",
                    _ if d.first_contact_at.is_some() => "En contact",
                    _ => "Reçue",
                }
                .to_string()
            }
            None => String::new(),
        };
        if let Some(ws) = ws {
            companies.push((ws.name, stage_name));
        }
    }
    Ok(Some(FollowView {
        trade: r.trade,
        place: format!("{} {}", r.postcode, r.city),
        created_at: time::display(r.created_at),
        status: r.status,
        companies,
    }))
}
