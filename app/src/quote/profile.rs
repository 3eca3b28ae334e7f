//! The business's legal identity and quote settings (one row per workspace,
//! defaults until first saved), and the catalogue of products and services.

use super::{BusinessSettings, CatalogueItem, TEMPLATES};
use crate::audit::{EventAction, EventEntity};
use crate::domain::quote_check::{LegalIdentity, siret_is_valid};
use crate::domain::vat::{Unit, VatRate};
use crate::domain::{CatalogueItemId, Role, TradePack};
use crate::error::{AppError, FieldErrors};
use crate::infra::entity::{business_profile, catalogue_item, workspace};
use crate::infra::{Audit, Scope, Write, time};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};
use serde_json::json;
use uuid::Uuid;

/// Default payment terms printed on a new quote.
pub const DEFAULT_TERMS: &str = "Acompte à la signature, solde à réception de facture, par virement sous 30 jours. \
Pénalités de retard : trois fois le taux d'intérêt légal ; indemnité forfaitaire pour frais de recouvrement : 40 €.";

/// The stored profile, or the defaults of the workspace's pack.
pub async fn load(db: &impl ConnectionTrait, ws: Uuid) -> Result<business_profile::Model, AppError> {
    if let Some(p) = business_profile::Entity::find_by_id(ws).one(db).await? {
        return Ok(p);
    }
    let w = workspace::Entity::find_by_id(ws)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(business_profile::Model {
        workspace_id: ws,
        legal_name: w.name.clone(),
        legal_form: String::new(),
        siret: String::new(),
        registry: String::new(),
        vat_number: String::new(),
        address: String::new(),
        postcode: String::new(),
        city: String::new(),
        phone: String::new(),
        email: String::new(),
        building_work: w.pack == TradePack::Artisan,
        insurer: String::new(),
        insurance_policy: String::new(),
        insurance_cover: String::new(),
        logo_file_id: None,
        accent_color: "#4f46e5".into(),
        template: "modern".into(),
        header_text: String::new(),
        footer_text: String::new(),
        conditions_text: String::new(),
        payment_terms: DEFAULT_TERMS.into(),
        validity_days: 30,
        reminders_enabled: true,
        reminder_days: "2,7".into(),
        allow_decline: true,
        updated_at: w.created_at,
    })
}

/// What the legal check reads of the profile.
pub fn identity(p: &business_profile::Model) -> LegalIdentity {
    LegalIdentity {
        legal_name: p.legal_name.clone(),
        legal_form: p.legal_form.clone(),
        siret: p.siret.clone(),
        registry: p.registry.clone(),
        vat_number: p.vat_number.clone(),
        address: p.address.clone(),
        postcode: p.postcode.clone(),
        city: p.city.clone(),
        building_work: p.building_work,
        insurer: p.insurer.clone(),
        insurance_policy: p.insurance_policy.clone(),
        insurance_cover: p.insurance_cover.clone(),
    }
}

/// The settings form's view of the profile.
pub fn settings_of(p: &business_profile::Model) -> BusinessSettings {
    BusinessSettings {
        identity: identity(p),
        phone: p.phone.clone(),
        email: p.email.clone(),
        accent_color: p.accent_color.clone(),
        template: p.template.clone(),
        header_text: p.header_text.clone(),
        footer_text: p.footer_text.clone(),
        conditions_text: p.conditions_text.clone(),
        payment_terms: p.payment_terms.clone(),
        validity_days: p.validity_days,
        reminders_enabled: p.reminders_enabled,
        reminder_days: p.reminder_days.clone(),
        allow_decline: p.allow_decline,
        has_logo: p.logo_file_id.is_some(),
    }
}

/// Largest logo accepted.
pub const MAX_LOGO_BYTES: usize = 500_000;

/// `png` or `jpg` when the bytes are one of those images and their declared
/// size is one a logo can have: a file whose header announces more pixels
/// is never handed to a decoder (a 194 KB PNG can declare 40000×40000).
pub fn image_kind(bytes: &[u8]) -> Option<&'static str> {
    use crate::domain::image::{LOGO_MAX_PIXELS, LOGO_MAX_SIDE, inspect};
    inspect(bytes)
        .filter(|info| info.fits(LOGO_MAX_SIDE, LOGO_MAX_PIXELS))
        .map(|info| info.kind.extension())
}

/// The stored logo's bytes and kind, if any.
pub async fn logo(
    db: &impl ConnectionTrait,
    p: &business_profile::Model,
) -> Result<Option<(Vec<u8>, &'static str)>, AppError> {
    let Some(id) = p.logo_file_id else { return Ok(None) };
    let file = crate::infra::files::load(db, p.workspace_id, id).await?;
    Ok(file.and_then(|f| image_kind(&f.bytes).map(|k| (f.bytes, k))))
}

/// Stores a new logo (PNG or JPEG, 500 KB at most) or removes it (`None`).
pub async fn set_logo(w: &Write, scope: &Scope, image: Option<Vec<u8>>) -> Result<(), AppError> {
    scope.require(Role::can_configure_quotes)?;
    let ws = scope.workspace_id.0;
    let logo_id = match image {
        None => None,
        Some(bytes) => {
            use crate::domain::image::{LOGO_MAX_PIXELS, LOGO_MAX_SIDE, inspect};
            let Some(info) = inspect(&bytes) else {
                return Err(AppError::field("logo", "Choisissez une image PNG ou JPEG."));
            };
            if !info.fits(LOGO_MAX_SIDE, LOGO_MAX_PIXELS) {
                return Err(AppError::field(
                    "logo",
                    format!(
                        "Image trop grande ({} × {} pixels) : un logo de {LOGO_MAX_SIDE} pixels de côté au plus suffit.",
                        info.width, info.height
                    ),
                ));
            }
            let kind = info.kind.extension();
            if bytes.len() > MAX_LOGO_BYTES {
                return Err(AppError::field("logo", "Le logo ne doit pas dépasser 500 Ko."));
            }
            let content_type = if kind == "png" { "image/png" } else { "image/jpeg" };
            let (id, _) =
                crate::infra::files::store(w, ws, "logo", content_type, &format!("logo.{kind}"), bytes).await?;
            Some(id)
        }
    };
    let mut p = load(w, ws).await?;
    p.logo_file_id = logo_id;
    p.updated_at = time::now();
    store(w, scope, p, json!({ "logo": logo_id.is_some() })).await
}

/// Reminder days from "2,7": sorted, distinct, 1 to 60.
pub fn parse_reminder_days(value: &str) -> Result<Vec<i64>, &'static str> {
    let mut days = Vec::new();
    for part in value.split([',', ' ', ';']).filter(|p| !p.is_empty()) {
        let d: i64 = part
            .parse()
            .map_err(|_| "Jours séparés par des virgules (exemple : 2,7).")?;
        if !(1..=60).contains(&d) {
            return Err("Chaque relance entre 1 et 60 jours après l'envoi.");
        }
        days.push(d);
    }
    days.sort_unstable();
    days.dedup();
    Ok(days)
}

fn check(s: &BusinessSettings) -> Result<(), AppError> {
    let mut errors = FieldErrors::new();
    let id = &s.identity;
    for (field, value, max) in [
        ("legal_name", &id.legal_name, 120),
        ("legal_form", &id.legal_form, 40),
        ("registry", &id.registry, 80),
        ("vat_number", &id.vat_number, 20),
        ("address", &id.address, 200),
        ("city", &id.city, 80),
        ("insurer", &id.insurer, 120),
        ("insurance_policy", &id.insurance_policy, 60),
        ("insurance_cover", &id.insurance_cover, 120),
        ("header_text", &s.header_text, 2_000),
        ("footer_text", &s.footer_text, 2_000),
        ("conditions_text", &s.conditions_text, 10_000),
        ("payment_terms", &s.payment_terms, 2_000),
    ] {
        if value.chars().count() > max {
            errors.push(field, format!("{max} caractères au plus."));
        }
    }
    if !id.siret.trim().is_empty() && !siret_is_valid(&id.siret) {
        errors.push("siret", "SIRET invalide : 14 chiffres (exemple : 732 829 320 00074).");
    }
    if !id.postcode.trim().is_empty() {
        errors.check("postcode", crate::domain::validation::postcode(&id.postcode));
    }
    if !s.email.trim().is_empty() {
        errors.check("email", crate::domain::Email::parse(&s.email));
    }
    let hex = s.accent_color.strip_prefix('#').unwrap_or("");
    if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        errors.push("accent_color", "Couleur au format #RRGGBB.");
    }
    if !TEMPLATES.iter().any(|(t, _)| *t == s.template) {
        errors.push("template", "Choisissez un modèle.");
    }
    if !(1..=365).contains(&s.validity_days) {
        errors.push("validity_days", "Entre 1 et 365 jours.");
    }
    errors.check("reminder_days", parse_reminder_days(&s.reminder_days));
    errors.into_result()
}

/// Stores the profile (inserted the first time) and records the change.
async fn store(w: &Write, scope: &Scope, p: business_profile::Model, after: serde_json::Value) -> Result<(), AppError> {
    let exists = business_profile::Entity::find_by_id(p.workspace_id)
        .one(w)
        .await?
        .is_some();
    let row = p.into_active_model().reset_all();
    if exists {
        row.update(w).await?;
    } else {
        business_profile::Entity::insert(row).exec_without_returning(w).await?;
    }
    w.audit(
        Audit::of(
            EventEntity::BusinessProfile,
            Some(scope.workspace_id.0),
            EventAction::BusinessProfileChanged,
        )
        .after(after),
    )
    .await?;
    Ok(())
}

/// Saves the settings (owners and admins).
pub async fn save(w: &Write, scope: &Scope, s: BusinessSettings) -> Result<(), AppError> {
    scope.require(Role::can_configure_quotes)?;
    check(&s)?;
    let ws = scope.workspace_id.0;
    let mut p = load(w, ws).await?;
    let id = s.identity;
    let t = |v: &str| v.trim().to_string();
    p.legal_name = t(&id.legal_name);
    p.legal_form = t(&id.legal_form);
    p.siret = id.siret.chars().filter(|c| c.is_ascii_digit()).collect();
    // The company a workspace speaks for on the e-invoicing platform does not change.
    if let Some(siren) = crate::invoice::einvoicing::service::enrolled(w, ws).await?
        && !p.siret.starts_with(&siren)
    {
        return Err(AppError::field(
            "siret",
            format!(
                "Cet espace est inscrit à la plateforme de facturation électronique sous le SIREN {siren} : \
                 le SIRET doit rester celui d'un établissement de cette entreprise."
            ),
        ));
    }
    p.registry = t(&id.registry);
    p.vat_number = id.vat_number.replace(' ', "").to_uppercase();
    p.address = t(&id.address);
    p.postcode = t(&id.postcode);
    p.city = t(&id.city);
    p.building_work = id.building_work;
    p.insurer = t(&id.insurer);
    p.insurance_policy = t(&id.insurance_policy);
    p.insurance_cover = t(&id.insurance_cover);
    p.phone = t(&s.phone);
    p.email = s.email.trim().to_lowercase();
    p.accent_color = s.accent_color.to_lowercase();
    p.template = s.template;
    p.header_text = s.header_text;
    p.footer_text = s.footer_text;
    p.conditions_text = s.conditions_text;
    p.payment_terms = s.payment_terms;
    p.validity_days = s.validity_days;
    p.reminders_enabled = s.reminders_enabled;
    p.reminder_days = parse_reminder_days(&s.reminder_days)
        .unwrap_or_default()
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    p.allow_decline = s.allow_decline;
    p.updated_at = time::now();
    let after = json!({ "legal_name": p.legal_name, "siret": p.siret, "template": p.template });
    store(w, scope, p, after).await
}

fn item_of(row: catalogue_item::Model) -> CatalogueItem {
    CatalogueItem {
        id: CatalogueItemId(row.id),
        description: row.description,
        unit: Unit::parse(&row.unit).unwrap_or(Unit::Piece),
        unit_price: row.unit_price_cents,
        vat: VatRate::from_basis_points(row.vat_bp as i64).unwrap_or(VatRate::Standard),
    }
}

/// The catalogue, alphabetical, archived items left out.
pub async fn catalogue(db: &impl ConnectionTrait, scope: &Scope) -> Result<Vec<CatalogueItem>, AppError> {
    scope.require(Role::can_read_quotes)?;
    Ok(catalogue_item::Entity::find()
        .filter(catalogue_item::Column::WorkspaceId.eq(scope.workspace_id.0))
        .filter(catalogue_item::Column::Archived.eq(false))
        .order_by_asc(catalogue_item::Column::Description)
        .all(db)
        .await?
        .into_iter()
        .map(item_of)
        .collect())
}

/// Adds (no id) or changes an item.
pub async fn save_item(w: &Write, scope: &Scope, item: CatalogueItem, is_new: bool) -> Result<Uuid, AppError> {
    scope.require(Role::can_configure_quotes)?;
    let mut errors = FieldErrors::new();
    let description = item.description.trim().to_string();
    if description.is_empty() || description.chars().count() > 500 {
        errors.push("description", "Saisissez une désignation (500 caractères au plus).");
    }
    if !(0..=super::validate::MAX_UNIT_PRICE).contains(&item.unit_price) {
        errors.push(
            "unit_price",
            "Le prix unitaire doit être compris entre 0 et 10 000 000 €.",
        );
    }
    errors.into_result()?;
    let ws = scope.workspace_id.0;
    let now = time::now();
    let id = if is_new {
        let id = Uuid::now_v7();
        catalogue_item::Entity::insert(catalogue_item::ActiveModel {
            id: Set(id),
            workspace_id: Set(ws),
            description: Set(description.clone()),
            unit: Set(item.unit.as_str().into()),
            unit_price_cents: Set(item.unit_price),
            vat_bp: Set(item.vat.basis_points() as i32),
            archived: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec_without_returning(w)
        .await?;
        id
    } else {
        let row = catalogue_item::Entity::find_by_id(item.id.0)
            .filter(catalogue_item::Column::WorkspaceId.eq(ws))
            .one(w)
            .await?
            .ok_or(AppError::NotFound)?;
        let mut row = row.into_active_model();
        row.description = Set(description.clone());
        row.unit = Set(item.unit.as_str().into());
        row.unit_price_cents = Set(item.unit_price);
        row.vat_bp = Set(item.vat.basis_points() as i32);
        row.updated_at = Set(now);
        row.update(w).await?;
        item.id.0
    };
    w.audit(
        Audit::of(EventEntity::CatalogueItem, Some(id), EventAction::CatalogueItemSaved)
            .after(json!({ "description": description, "unit_price": item.unit_price, "vat": item.vat.label() })),
    )
    .await?;
    Ok(id)
}

/// Archives an item (quotes that used it keep their copy of the line).
pub async fn archive_item(w: &Write, scope: &Scope, id: Uuid) -> Result<(), AppError> {
    scope.require(Role::can_configure_quotes)?;
    let row = catalogue_item::Entity::find_by_id(id)
        .filter(catalogue_item::Column::WorkspaceId.eq(scope.workspace_id.0))
        .one(w)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut row = row.into_active_model();
    row.archived = Set(true);
    row.updated_at = Set(time::now());
    row.update(w).await?;
    w.audit(Audit::of(
        EventEntity::CatalogueItem,
        Some(id),
        EventAction::CatalogueItemArchived,
    ))
    .await?;
    Ok(())
}
