//! An artisan's marketplace profile: trades, base and radius, capacity,
//! availability; shown with what keeps them out of routing.

use super::{CAPACITY, DocumentBadge, ProfileForm, ProfileView, RADIUS_KM};
use crate::audit::{EventAction, EventEntity};
use crate::domain::documents::{DocumentFacts, DocumentKind, routing_problems};
use crate::domain::validation::{Phone, postcode};
use crate::domain::{MemberId, TradePack};
use crate::error::{AppError, FieldErrors};
use crate::infra::entity::{artisan_document, artisan_profile, artisan_trade, member, user, workspace};
use crate::infra::{AppState, Audit, Scope, Write, communes, time};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, sea_query::OnConflict,
};
use serde_json::json;
use uuid::Uuid;

/// The workspace's pack; profiles exist only in artisan workspaces.
async fn artisan_pack(db: &impl ConnectionTrait, scope: &Scope) -> Result<TradePack, AppError> {
    let ws = workspace::Entity::find_by_id(scope.workspace_id.0)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if ws.pack == TradePack::Artisan {
        Ok(ws.pack)
    } else {
        Err(AppError::NotFound)
    }
}

/// Whether the viewer may edit the profile of `target` (a member with that
/// role): their own, or a manager who may assign that role (an admin does
/// not edit the owner's).
pub fn may_edit(scope: &Scope, member_id: Uuid, target: crate::domain::Role) -> bool {
    scope.member_id.0 == member_id || (scope.role.can_manage_members() && scope.role.can_assign(target))
}

/// The profile of a member of the caller's workspace.
pub async fn view(db: &impl ConnectionTrait, scope: &Scope, member_id: Uuid) -> Result<ProfileView, AppError> {
    let pack = artisan_pack(db, scope).await?;
    let ws = scope.workspace_id.0;
    let m = member::Entity::find_by_id(member_id)
        .filter(member::Column::WorkspaceId.eq(ws))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if !m.role.can_work_deals() {
        // Accounting takes no leads: no profile to show.
        return Err(AppError::NotFound);
    }
    let name = user::Entity::find_by_id(m.user_id)
        .one(db)
        .await?
        .map(|u| u.name)
        .unwrap_or_default();
    let profile = artisan_profile::Entity::find_by_id(member_id)
        .filter(artisan_profile::Column::WorkspaceId.eq(ws))
        .one(db)
        .await?;
    let trades: Vec<String> = artisan_trade::Entity::find()
        .filter(artisan_trade::Column::WorkspaceId.eq(ws))
        .filter(artisan_trade::Column::MemberId.eq(member_id))
        .order_by_asc(artisan_trade::Column::Trade)
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.trade)
        .collect();
    let docs: Vec<DocumentFacts> = artisan_document::Entity::find()
        .filter(artisan_document::Column::WorkspaceId.eq(ws))
        .filter(artisan_document::Column::MemberId.eq(member_id))
        .all(db)
        .await?
        .into_iter()
        .map(|d| DocumentFacts {
            kind: d.kind,
            status: d.status,
            starts_on: d.starts_on,
            ends_on: d.ends_on,
        })
        .collect();
    let problems = routing_problems(&docs, time::paris_day(time::now()));
    let documents = DocumentKind::REQUIRED
        .into_iter()
        .map(|kind| DocumentBadge {
            label: kind.label().into(),
            problem: problems.iter().find(|p| problem_kind(p) == kind).map(|p| p.message()),
        })
        .collect();
    let mut out_of_routing: Vec<String> = problems.iter().map(|p| p.message()).collect();
    match &profile {
        None => out_of_routing.insert(0, "Profil artisan à compléter".into()),
        Some(p) if !p.available => out_of_routing.insert(0, "Disponibilité désactivée".into()),
        Some(_) if trades.is_empty() => out_of_routing.insert(0, "Aucun métier choisi".into()),
        Some(_) => {}
    }
    Ok(ProfileView {
        member_id: MemberId(member_id),
        name,
        base: profile.as_ref().map(|p| (p.latitude, p.longitude)),
        form: profile.map(|p| ProfileForm {
            trades,
            phone: p.phone,
            address: p.address,
            postcode: p.postcode,
            city: p.city,
            radius_km: p.radius_km.to_string(),
            weekly_capacity: p.weekly_capacity.to_string(),
            available: p.available,
        }),
        trade_choices: pack.trades().iter().map(|t| t.to_string()).collect(),
        documents,
        out_of_routing,
        editable: may_edit(scope, member_id, m.role),
    })
}

fn problem_kind(p: &crate::domain::documents::DocumentProblem) -> DocumentKind {
    use crate::domain::documents::DocumentProblem::*;
    match *p {
        Missing { kind } | Pending { kind } | Rejected { kind } | Expired { kind, .. } | NotYetValid { kind, .. } => {
            kind
        }
    }
}

fn bounded(
    errors: &mut FieldErrors,
    field: &str,
    value: &str,
    range: std::ops::RangeInclusive<i32>,
    what: &str,
) -> i32 {
    match value.trim().parse::<i32>() {
        Ok(n) if range.contains(&n) => n,
        _ => {
            errors.push(
                field,
                format!("{what} : un nombre entier de {} à {}.", range.start(), range.end()),
            );
            0
        }
    }
}

/// Saves a member's profile (their own, or a manager for them); only members
/// who work deals take leads. Checked and located before the write (the
/// geocoder may be a remote service: never inside a transaction).
pub async fn save(state: &AppState, scope: &Scope, member_id: Uuid, form: ProfileForm) -> Result<(), AppError> {
    let pack = artisan_pack(&state.db, scope).await?;
    let ws = scope.workspace_id.0;
    let target = member::Entity::find_by_id(member_id)
        .filter(member::Column::WorkspaceId.eq(ws))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    if !may_edit(scope, member_id, target.role) || !target.role.can_work_deals() {
        return Err(AppError::Forbidden);
    }
    let mut errors = FieldErrors::new();
    let mut trades: Vec<String> = form.trades.iter().map(|t| t.trim().to_string()).collect();
    trades.sort();
    trades.dedup();
    if trades.is_empty() || trades.iter().any(|t| !pack.trades().contains(&t.as_str())) {
        errors.push("trades", "Choisissez au moins un métier de la liste.");
    }
    let phone = errors.check("phone", Phone::parse(&form.phone));
    if form.address.trim().chars().count() > 200 {
        errors.push("address", "L'adresse ne doit pas dépasser 200 caractères.");
    }
    let index = communes::index().map_err(|e| {
        tracing::error!(error = %e, "communes index unavailable");
        AppError::Internal
    })?;
    let commune =
        errors
            .check("postcode", postcode(&form.postcode))
            .and_then(|code| match index.find(&code, &form.city) {
                Ok(c) => Some((code, c)),
                Err(e @ communes::CommuneError::UnknownPostcode) => {
                    errors.push("postcode", e.message());
                    None
                }
                Err(e) => {
                    errors.push("city", e.message());
                    None
                }
            });
    let radius = bounded(&mut errors, "radius_km", &form.radius_km, RADIUS_KM, "Rayon en km");
    let capacity = bounded(
        &mut errors,
        "weekly_capacity",
        &form.weekly_capacity,
        CAPACITY,
        "Demandes par semaine",
    );
    let (Some(phone), Some((code, commune))) = (phone, commune) else {
        return Err(AppError::Validation(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let address = form.address.trim().to_string();
    let located = state.geocoder.locate(commune, &address).await.ok();
    let (point, source) = match located {
        Some(l) => (l.point, l.source),
        None => (commune.point, commune.source.as_str().to_string()),
    };
    let row = artisan_profile::ActiveModel {
        member_id: Set(member_id),
        workspace_id: Set(ws),
        phone: Set(phone.as_str().to_string()),
        address: Set(address),
        postcode: Set(code),
        city: Set(commune.name.clone()),
        insee: Set(commune.insee.clone()),
        latitude: Set(point.lat),
        longitude: Set(point.lon),
        geo_source: Set(source),
        radius_km: Set(radius),
        weekly_capacity: Set(capacity),
        available: Set(form.available),
        member_score: Set(None),
        response_hours: Set(None),
        acceptance_rate: Set(None),
        routable_from: Set(None),
        routable_until: Set(None),
        routable_checked_on: Set(None),
        updated_at: Set(time::now()),
    };
    let w = Write::scoped(state, scope).await?;
    artisan_profile::Entity::insert(row)
        .on_conflict(
            OnConflict::column(artisan_profile::Column::MemberId)
                .update_columns([
                    artisan_profile::Column::Phone,
                    artisan_profile::Column::Address,
                    artisan_profile::Column::Postcode,
                    artisan_profile::Column::City,
                    artisan_profile::Column::Insee,
                    artisan_profile::Column::Latitude,
                    artisan_profile::Column::Longitude,
                    artisan_profile::Column::GeoSource,
                    artisan_profile::Column::RadiusKm,
                    artisan_profile::Column::WeeklyCapacity,
                    artisan_profile::Column::Available,
                    artisan_profile::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(&w)
        .await?;
    artisan_trade::Entity::delete_many()
        .filter(artisan_trade::Column::WorkspaceId.eq(ws))
        .filter(artisan_trade::Column::MemberId.eq(member_id))
        .exec(&w)
        .await?;
    // Two saves at once each delete then insert: the second's rows are the same.
    artisan_trade::Entity::insert_many(trades.iter().map(|t| artisan_trade::ActiveModel {
        trade: Set(t.clone()),
        member_id: Set(member_id),
        workspace_id: Set(ws),
        latitude: Set(point.lat),
        longitude: Set(point.lon),
        radius_km: Set(radius),
    }))
    .on_conflict(
        OnConflict::columns([artisan_trade::Column::Trade, artisan_trade::Column::MemberId])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(&w)
    .await?;
    w.audit(
        Audit::of(
            EventEntity::ArtisanProfile,
            Some(member_id),
            EventAction::ArtisanProfileSaved,
        )
        .after(json!({
            "trades": trades, "postcode": form.postcode.trim(), "city": commune.name,
            "radius_km": radius, "weekly_capacity": capacity, "available": form.available,
        })),
    )
    .await?;
    // A new profile may find documents already approved.
    super::documents::refresh_span(&w, member_id, time::paris_day(time::now())).await?;
    w.commit().await
}
