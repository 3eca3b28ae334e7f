//! The demo marketplace around Lyon: artisan profiles saved through the
//! profile service (so they are checked and located like real ones), their
//! compliance documents, and other plumbing companies so a request for 69003
//! shows routing at work: three picked, one left out for an expired
//! décennale, a colleague outranked, one too far.

use super::{DEMO_PASSWORD, find_or_create_user};
use app::domain::documents::{DocumentKind, DocumentStatus};
use app::domain::{MemberId, TradePack, UserId, WorkspaceId};
use app::infra::entity::{artisan_document, member, user};
use app::infra::events::Actor;
use app::infra::{AppState, Scope, Write, crypto, time};
use app::marketplace::ProfileForm;
use chrono::{Days, NaiveDate};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// An artisan of the demo: email, name, trades, postcode, commune, radius.
struct Artisan {
    email: &'static str,
    name: &'static str,
    trades: &'static [&'static str],
    postcode: &'static str,
    city: &'static str,
    radius_km: u32,
    /// The décennale ended 20 days ago.
    expired_decennale: bool,
}

/// Plumbing companies of the demo besides Plomberie Martin (workspace name, its artisan).
const COMPANIES: [(&str, Artisan); 4] = [
    (
        "Rhône Plomberie Services",
        Artisan {
            email: "plombier.faure@comptoir.test",
            name: "Nicolas Faure",
            trades: &["Plomberie", "Chauffage"],
            postcode: "69200",
            city: "Vénissieux",
            radius_km: 20,
            expired_decennale: false,
        },
    ),
    (
        "Aqua Confort Lyon",
        Artisan {
            email: "plombier.haddou@comptoir.test",
            name: "Samira Haddou",
            trades: &["Plomberie"],
            postcode: "69300",
            city: "Caluire-et-Cuire",
            radius_km: 15,
            expired_decennale: false,
        },
    ),
    (
        "Plomberie Duval",
        Artisan {
            email: "plombier.duval@comptoir.test",
            name: "Marc Duval",
            trades: &["Plomberie"],
            postcode: "69500",
            city: "Bron",
            radius_km: 25,
            expired_decennale: true,
        },
    ),
    (
        "Grenoble Sanitaire",
        Artisan {
            email: "plombier.roche@comptoir.test",
            name: "Élise Roche",
            trades: &["Plomberie", "Carrelage"],
            postcode: "38000",
            city: "Grenoble",
            radius_km: 40,
            expired_decennale: false,
        },
    ),
];

/// Plomberie Martin's two artisans.
const MARTIN: [Artisan; 2] = [
    Artisan {
        email: "artisan@comptoir.test",
        name: "Julien Martin",
        trades: &["Plomberie", "Chauffage"],
        postcode: "69007",
        city: "Lyon",
        radius_km: 25,
        expired_decennale: false,
    },
    Artisan {
        email: "karim.benali@plomberie-martin.test",
        name: "Karim Benali",
        trades: &["Plomberie"],
        postcode: "69100",
        city: "Villeurbanne",
        radius_km: 20,
        expired_decennale: false,
    },
];

/// Creates the other companies and every demo artisan's profile and documents.
pub async fn fill(state: &AppState, martin: Uuid) -> Result<(), String> {
    for a in &MARTIN {
        profile(state, martin, a).await?;
    }
    let hash = crypto::hash_password(DEMO_PASSWORD)?;
    for (company, a) in &COMPANIES {
        let w = Write::system(state, a.name, None).await.map_err(|e| e.to_string())?;
        let owner = find_or_create_user(&w, a.email, a.name, &hash, false).await?;
        w.act_as(Actor {
            user_id: Some(owner.id),
            ..Actor::system(a.name)
        });
        let ws = app::workspace::service::create_workspace(&w, &owner, company, TradePack::Artisan)
            .await
            .map_err(|e| e.to_string())?;
        w.commit().await.map_err(|e| e.to_string())?;
        profile(state, ws.id, a).await?;
    }
    Ok(())
}

async fn profile(state: &AppState, workspace_id: Uuid, a: &Artisan) -> Result<(), String> {
    let err = |e: sea_orm::DbErr| e.to_string();
    let u = user::Entity::find()
        .filter(user::Column::Email.eq(a.email))
        .one(&state.db)
        .await
        .map_err(err)?
        .ok_or("demo artisan missing")?;
    let m = member::Entity::find()
        .filter(member::Column::WorkspaceId.eq(workspace_id))
        .filter(member::Column::UserId.eq(u.id))
        .one(&state.db)
        .await
        .map_err(err)?
        .ok_or("demo artisan membership missing")?;
    let scope = Scope {
        user_id: UserId(u.id),
        user_name: u.name.clone(),
        workspace_id: WorkspaceId(workspace_id),
        member_id: MemberId(m.id),
        role: m.role,
        is_platform_admin: false,
        session_id: Uuid::nil(),
        meta: Default::default(),
    };
    let form = ProfileForm {
        trades: a.trades.iter().map(|t| t.to_string()).collect(),
        phone: "04 78 00 00 00".into(),
        address: String::new(),
        postcode: a.postcode.into(),
        city: a.city.into(),
        radius_km: a.radius_km.to_string(),
        weekly_capacity: "8".into(),
        available: true,
    };
    app::marketplace::profile::save(state, &scope, m.id, form)
        .await
        .map_err(|e| format!("demo profile of {}: {e}", a.name))?;
    let w = Write::scoped(state, &scope).await.map_err(|e| e.to_string())?;
    let today = time::paris_day(time::now());
    for kind in DocumentKind::REQUIRED.into_iter().chain([DocumentKind::Kbis]) {
        let (starts_on, ends_on) = match kind {
            DocumentKind::Decennale if a.expired_decennale => (today - Days::new(385), today - Days::new(20)),
            DocumentKind::Urssaf => (today - Days::new(30), today + Days::new(150)),
            _ => (today - Days::new(200), today + Days::new(165)),
        };
        document(&w, workspace_id, m.id, kind, starts_on, ends_on).await?;
    }
    app::marketplace::documents::refresh_span(&w, m.id, today)
        .await
        .map_err(|e| e.to_string())?;
    w.commit().await.map_err(|e| e.to_string())
}

/// A demo document, approved, without a file (the demo has no scans).
async fn document(
    w: &Write,
    workspace_id: Uuid,
    member_id: Uuid,
    kind: DocumentKind,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
) -> Result<(), String> {
    let insurer = matches!(kind, DocumentKind::Decennale | DocumentKind::RcPro);
    artisan_document::Entity::insert(artisan_document::ActiveModel {
        id: Set(Uuid::now_v7()),
        workspace_id: Set(workspace_id),
        member_id: Set(member_id),
        kind: Set(kind),
        insurer: Set(if insurer { "SMABTP".into() } else { String::new() }),
        policy_number: Set(if insurer {
            format!("DEMO-{}", &member_id.simple().to_string()[26..])
        } else {
            String::new()
        }),
        cover: Set(if kind == DocumentKind::Decennale {
            "France métropolitaine".into()
        } else {
            String::new()
        }),
        rge_domains: Set(String::new()),
        starts_on: Set(starts_on),
        ends_on: Set(ends_on),
        file_key: Set(String::new()),
        file_name: Set(String::new()),
        content_type: Set(String::new()),
        size: Set(0),
        sha256: Set(String::new()),
        status: Set(DocumentStatus::Approved),
        reject_reason: Set(None),
        reviewed_by: Set(None),
        reviewed_at: Set(Some(time::now())),
        reminded_days: Set(None),
        created_at: Set(time::now()),
    })
    .exec_without_returning(w)
    .await
    .map_err(|e| e.to_string())?;
    Ok(())
}
