//! Demo data: one workspace per trade pack with realistic French people and
//! places, created through the same services as real sign-ups (so the audit
//! chains and pipelines are the real thing): the accounts and workspaces
//! here, their deals in `deals`, quotes and catalogues in `quotes`, the demo
//! coach's DM-setter history in `coach`, the artisan marketplace around
//! Lyon in `marketplace`.

pub mod coach;
pub mod deals;
pub mod invoices;
pub mod marketplace;
pub mod quotes;

use app::domain::{MemberId, Role, TradePack, UserId, WorkspaceId};
use app::infra::entity::{member, user};
use app::infra::events::Actor;
use app::infra::{AppState, Scope, Write, crypto, db};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

/// The password of every demo account (printed in the README; demo only).
pub const DEMO_PASSWORD: &str = "Comptoir-Demo-2026";

struct Person {
    email: &'static str,
    name: &'static str,
}

struct DemoWorkspace {
    name: &'static str,
    pack: TradePack,
    owner: Person,
    others: &'static [(&'static str, &'static str, Role)],
    invite: Option<(&'static str, Role)>,
}

const WORKSPACES: [DemoWorkspace; 4] = [
    DemoWorkspace {
        name: "Plomberie Martin",
        pack: TradePack::Artisan,
        owner: Person {
            email: "artisan@comptoir.test",
            name: "Julien Martin",
        },
        others: &[
            ("karim.benali@plomberie-martin.test", "Karim Benali", Role::Member),
            ("compta@comptoir.test", "Claire Moreau", Role::Accounting),
        ],
        invite: Some(("apprenti@plomberie-martin.test", Role::Member)),
    },
    DemoWorkspace {
        name: "Thermolaquage Rhône-Alpes",
        pack: TradePack::Workshop,
        owner: Person {
            email: "atelier@comptoir.test",
            name: "Sophie Bernard",
        },
        others: &[
            ("lucas.girard@thermolaquage-ra.test", "Lucas Girard", Role::Member),
            ("compta@comptoir.test", "Claire Moreau", Role::Accounting),
        ],
        invite: None,
    },
    DemoWorkspace {
        name: "Léa Dubois Coaching",
        pack: TradePack::Coach,
        owner: Person {
            email: "coach@comptoir.test",
            name: "Léa Dubois",
        },
        others: &[],
        invite: None,
    },
    DemoWorkspace {
        name: "Alforis Conseil",
        pack: TradePack::Sales,
        owner: Person {
            email: "commercial@comptoir.test",
            name: "Thomas Petit",
        },
        others: &[
            ("nadia.haddad@alforis.test", "Nadia Haddad", Role::Admin),
            ("hugo.lefevre@alforis.test", "Hugo Lefèvre", Role::Member),
        ],
        invite: Some(("camille.roux@alforis.test", Role::Member)),
    },
];

/// Whether the database has no account yet.
pub async fn is_empty(db: &DatabaseConnection) -> Result<bool, String> {
    user::Entity::find()
        .count(db)
        .await
        .map(|n| n == 0)
        .map_err(|e| e.to_string())
}

/// The account with this address, created if missing.
pub async fn find_or_create_user(
    txn: &impl sea_orm::ConnectionTrait,
    email: &str,
    name: &str,
    hash: &str,
    platform_admin: bool,
) -> Result<user::Model, String> {
    if let Some(u) = user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(txn)
        .await
        .map_err(|e| e.to_string())?
    {
        return Ok(u);
    }
    let mut u = user::Model::new_account(email, name, Some(hash.into()), platform_admin);
    // Accounts made by the operator (demo data, `create-admin`) are vouched for.
    u.email_verified_at = Some(u.created_at);
    app::auth::service::insert_user(txn, &u)
        .await
        .map_err(|e| e.to_string())?;
    Ok(u)
}

/// Creates a platform admin account (no workspace). An account that already
/// holds the address (someone may have signed up with it first) is taken over
/// by the operator: the given password, no second factor, every session
/// closed, the address vouched for.
pub async fn create_platform_admin(
    db: &DatabaseConnection,
    email: &str,
    name: &str,
    password: &str,
) -> Result<(), String> {
    let email = app::domain::Email::parse(email).map_err(str::to_string)?;
    let name = app::domain::PersonName::parse(name).map_err(str::to_string)?;
    let password = app::domain::Password::parse(password).map_err(str::to_string)?;
    let hash = crypto::hash_password(password.expose())?;
    let txn = db::begin_write(db).await.map_err(|e| e.to_string())?;
    let u = find_or_create_user(&txn, email.as_str(), name.as_str(), &hash, true).await?;
    use sea_orm::ActiveValue::Set;
    user::Entity::update(user::ActiveModel {
        id: Set(u.id),
        is_platform_admin: Set(true),
        password_hash: Set(Some(hash)),
        totp_secret: Set(None),
        totp_pending_secret: Set(None),
        totp_enabled_at: Set(None),
        totp_last_step: Set(None),
        recovery_codes: Set(None),
        email_verified_at: Set(Some(u.email_verified_at.unwrap_or_else(app::infra::time::now))),
        updated_at: Set(app::infra::time::now()),
        ..Default::default()
    })
    .exec(&txn)
    .await
    .map_err(|e| e.to_string())?;
    app::infra::session::delete_all_for_user(&txn, u.id, None)
        .await
        .map_err(|e| e.to_string())?;
    txn.commit().await.map_err(|e| e.to_string())
}

/// Loads the demo workspaces and accounts; does nothing if they exist.
pub async fn demo(state: &AppState) -> Result<(), String> {
    let err = |e: sea_orm::DbErr| e.to_string();
    let exists = user::Entity::find()
        .filter(user::Column::Email.eq(WORKSPACES[0].owner.email))
        .one(&state.db)
        .await
        .map_err(err)?;
    if exists.is_some() {
        return Ok(());
    }
    let hash = crypto::hash_password(DEMO_PASSWORD)?;
    let txn = db::begin_write(&state.db).await.map_err(err)?;
    find_or_create_user(&txn, "admin@comptoir.test", "Inès Laurent", &hash, true).await?;
    txn.commit().await.map_err(err)?;
    for demo in &WORKSPACES {
        let w = Write::system(state, demo.owner.name, None)
            .await
            .map_err(|e| e.to_string())?;
        let owner = find_or_create_user(&w, demo.owner.email, demo.owner.name, &hash, false).await?;
        w.act_as(Actor {
            user_id: Some(owner.id),
            ..Actor::system(demo.owner.name)
        });
        let ws = app::workspace::service::create_workspace(&w, &owner, demo.name, demo.pack)
            .await
            .map_err(|e| e.to_string())?;
        for (email, name, role) in demo.others {
            let person = find_or_create_user(&w, email, name, &hash, false).await?;
            app::workspace::service::add_member(&w, WorkspaceId(ws.id), &person, *role)
                .await
                .map_err(|e| e.to_string())?;
        }
        w.commit().await.map_err(|e| e.to_string())?;
        deals::fill(state, ws.id, demo.pack, demo.owner.name).await?;
        quotes::fill(&state.db, ws.id, demo.pack).await?;
        if demo.pack != app::domain::TradePack::Coach {
            invoices::fill(state, ws.id, demo.pack, owner.id, demo.owner.name).await?;
            invoices::enrol(state, ws.id, owner.id, demo.owner.name).await?;
        }
        if demo.pack == app::domain::TradePack::Artisan {
            marketplace::fill(state, ws.id).await?;
        }
        if demo.pack == app::domain::TradePack::Sales {
            invoices::transmit_one(state, ws.id, owner.id, demo.owner.name).await?;
        }
        if demo.pack == app::domain::TradePack::Coach {
            // Two months of DM-setter activity for the coach dashboard.
            coach::generate(state, ws.id, 400, 60, 1).await?;
            coach::demo_settings(state, ws.id).await?;
        }
        if let Some((email, role)) = demo.invite {
            let owner_member = member::Entity::find()
                .filter(member::Column::WorkspaceId.eq(ws.id))
                .filter(member::Column::UserId.eq(owner.id))
                .one(&state.db)
                .await
                .map_err(err)?
                .ok_or("owner membership missing")?;
            let scope = Scope {
                user_id: UserId(owner.id),
                user_name: owner.name.clone(),
                workspace_id: WorkspaceId(ws.id),
                member_id: MemberId(owner_member.id),
                role: Role::Owner,
                is_platform_admin: false,
                session_id: Uuid::nil(),
                meta: Default::default(),
            };
            let w = Write::scoped(state, &scope).await.map_err(|e| e.to_string())?;
            app::workspace::service::invite(&w, &scope, email, role.as_str())
                .await
                .map_err(|e| e.to_string())?;
            w.commit().await.map_err(|e| e.to_string())?;
        }
    }
    // The platform's answers and the invoice delivered between demo companies.
    app::invoice::einvoicing::ingest::receive_all(state).await?;
    Ok(())
}
