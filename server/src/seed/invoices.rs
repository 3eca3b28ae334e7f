//! Demo invoicing: in each workspace that quotes, an invoice issued 45 days
//! ago and now overdue (with a partial credit note), and a quote signed by
//! its client with a paid deposit invoice and a first progress invoice. All
//! through the services (numbers, PDFs, audit events as in real use).

use app::domain::quote_totals::Deposit;
use app::domain::vat::{Unit, VatRate};
use app::domain::{MemberId, Role, TradePack, UserId, WorkspaceId};
use app::infra::entity::member;
use app::infra::{AppState, Scope, Write, time};
use app::invoice::{FromQuote, PaymentInput, PaymentMethod};
use app::quote::LineInput;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// The client of the demo's invoices, per pack: (name, company, SIREN, email).
fn client(pack: TradePack) -> (&'static str, &'static str, &'static str, &'static str) {
    match pack {
        TradePack::Workshop => (
            "Paul Durand",
            "Métallerie Durand SARL",
            "552100554",
            "compta@metallerie-durand.test",
        ),
        TradePack::Sales => (
            "Anne Roche",
            "Logistique Roche SAS",
            "732829320",
            "anne.roche@logistique-roche.test",
        ),
        _ => ("Marc Fontaine", "", "", "marc.fontaine@exemple.fr"),
    }
}

fn line(description: &str, quantity: i64, unit: Unit, price: i64, vat: VatRate) -> LineInput {
    LineInput {
        section: false,
        description: description.into(),
        quantity,
        unit,
        unit_price: price,
        vat,
        discount: app::domain::quote_totals::Discount::None,
    }
}

fn body(pack: TradePack) -> Vec<LineInput> {
    match pack {
        TradePack::Workshop => vec![
            line(
                "Sablage et thermolaquage RAL 7016, portail 2 vantaux",
                1_000,
                Unit::Piece,
                68_000,
                VatRate::Standard,
            ),
            line(
                "Thermolaquage garde-corps, 12 m linéaires",
                12_000,
                Unit::LinearMetre,
                4_200,
                VatRate::Standard,
            ),
        ],
        TradePack::Sales => vec![
            line(
                "Audit commercial, 3 jours",
                3_000,
                Unit::Flat,
                95_000,
                VatRate::Standard,
            ),
            line("Atelier de restitution", 1_000, Unit::Flat, 60_000, VatRate::Standard),
        ],
        _ => vec![
            line(
                "Dépose et pose d'une douche à l'italienne",
                1_000,
                Unit::Flat,
                240_000,
                VatRate::Intermediate,
            ),
            line("Main-d'œuvre plombier", 6_000, Unit::Hour, 4_500, VatRate::Intermediate),
            line("Déplacement", 1_000, Unit::Flat, 3_500, VatRate::Intermediate),
        ],
    }
}

async fn owner_scope(state: &AppState, ws: Uuid, user_id: Uuid, name: &str) -> Result<Scope, String> {
    let m = member::Entity::find()
        .filter(member::Column::WorkspaceId.eq(ws))
        .filter(member::Column::UserId.eq(user_id))
        .one(&state.db)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("owner membership missing")?;
    Ok(Scope {
        user_id: UserId(user_id),
        user_name: name.into(),
        workspace_id: WorkspaceId(ws),
        member_id: MemberId(m.id),
        role: Role::Owner,
        is_platform_admin: false,
        session_id: Uuid::nil(),
        meta: Default::default(),
    })
}

async fn in_write<T>(
    state: &AppState,
    scope: &Scope,
    f: impl AsyncFnOnce(&Write) -> Result<T, app::AppError>,
) -> Result<T, String> {
    let w = Write::scoped(state, scope).await.map_err(|e| e.to_string())?;
    let out = f(&w).await.map_err(|e| e.to_string())?;
    w.commit().await.map_err(|e| e.to_string())?;
    Ok(out)
}

/// Fills the demo invoices of one workspace (its business profile must exist).
pub async fn fill(state: &AppState, ws: Uuid, pack: TradePack, owner_id: Uuid, owner_name: &str) -> Result<(), String> {
    let scope = owner_scope(state, ws, owner_id, owner_name).await?;
    let (name, company, siren, email) = client(pack);
    let site = ("22 avenue des Frères-Lumière", "69008", "Lyon");
    let fill_client = |d: &mut app::invoice::InvoiceDraft| {
        d.client.name = name.into();
        d.client.company = company.into();
        d.client.siren = siren.into();
        d.client.email = email.into();
        d.client.address = site.0.into();
        d.client.postcode = site.1.into();
        d.client.city = site.2.into();
        d.site_address = site.0.into();
        d.site_postcode = site.1.into();
        d.site_city = site.2.into();
    };

    // An invoice issued 45 days ago, due after 30: overdue, partly credited.
    let overdue = in_write(state, &scope, async |w| app::invoice::service::create(w, &scope).await).await?;
    let mut draft = app::invoice::service::view(&state.db, &scope, overdue)
        .await
        .map_err(|e| e.to_string())?
        .draft;
    fill_client(&mut draft);
    draft.title = "Intervention de dépannage".into();
    draft.reduced_rate_certified = true;
    draft.lines = body(pack);
    draft.lines.truncate(1);
    if pack == TradePack::Artisan {
        draft.lines.push(line(
            "Main-d'œuvre plombier",
            2_000,
            Unit::Hour,
            4_500,
            VatRate::Intermediate,
        ));
    }
    in_write(state, &scope, async |w| {
        app::invoice::service::save(w, &scope, overdue, draft).await
    })
    .await?;
    let then = time::now() - chrono::TimeDelta::days(45);
    in_write(state, &scope, async |w| {
        app::invoice::issue::issue_at(w, &scope, overdue, Some(then)).await
    })
    .await?;

    // A quote signed by its client.
    let quote = in_write(state, &scope, async |w| {
        app::quote::service::create(w, &scope, None).await
    })
    .await?;
    let q = app::quote::service::view(&state.db, &scope, quote)
        .await
        .map_err(|e| e.to_string())?;
    let mut qd = q.draft;
    qd.title = match pack {
        TradePack::Workshop => "Thermolaquage portail et garde-corps".into(),
        TradePack::Sales => "Mission d'audit commercial".into(),
        _ => "Rénovation de la salle d'eau".into(),
    };
    qd.client.name = name.into();
    qd.client.company = company.into();
    qd.client.email = email.into();
    qd.client.address = site.0.into();
    qd.client.postcode = site.1.into();
    qd.client.city = site.2.into();
    qd.site_address = site.0.into();
    qd.site_postcode = site.1.into();
    qd.site_city = site.2.into();
    qd.lines = body(pack);
    qd.deposit = Deposit::Percent(3_000);
    in_write(state, &scope, async |w| {
        app::quote::service::save(w, &scope, quote, qd).await
    })
    .await?;
    in_write(state, &scope, async |w| app::quote::send::send(w, &scope, quote).await).await?;
    let token = in_write(state, &scope, async |w| {
        let row = app::quote::service::find(w, ws, quote).await?;
        let contact = row.contact_id.ok_or(app::AppError::Internal)?;
        let expires = time::now() + chrono::TimeDelta::days(90);
        Ok(app::quote::tokens::issue(w, ws, quote, contact, expires).await?)
    })
    .await?;
    let signature = app::portal::signing::check(&app::portal::signing::SignatureInput {
        signer_name: name.into(),
        signer_email: email.into(),
        accepted: true,
        signature_png: include_str!("signature.b64").trim().into(),
    })
    .map_err(|e| e.to_string())?;
    let w = Write::system(state, name, Some(WorkspaceId(ws)))
        .await
        .map_err(|e| e.to_string())?;
    app::portal::signing::sign(&w, &token, signature)
        .await
        .map_err(|e| e.to_string())?;
    w.commit().await.map_err(|e| e.to_string())?;

    // Its deposit, paid; a first progress invoice, sent.
    let deposit = in_write(state, &scope, async |w| {
        app::invoice::service::create_from_quote(w, &scope, quote, FromQuote::Deposit(Deposit::None)).await
    })
    .await?;
    let mut dd = app::invoice::service::view(&state.db, &scope, deposit)
        .await
        .map_err(|e| e.to_string())?
        .draft;
    dd.client.siren = siren.into();
    in_write(state, &scope, async |w| {
        app::invoice::service::save(w, &scope, deposit, dd).await
    })
    .await?;
    in_write(state, &scope, async |w| {
        app::invoice::issue::issue(w, &scope, deposit).await
    })
    .await?;
    let ttc = app::invoice::service::view(&state.db, &scope, deposit)
        .await
        .map_err(|e| e.to_string())?
        .totals
        .total_ttc;
    let payment = PaymentInput {
        paid_on: time::paris_day(time::now()).format("%Y-%m-%d").to_string(),
        amount: ttc,
        method: PaymentMethod::Transfer,
        reference: "VIR SEPA acompte".into(),
        confirm_overpayment: false,
    };
    in_write(state, &scope, async |w| {
        app::invoice::payments::record(w, &scope, deposit, payment).await
    })
    .await?;
    let progress = in_write(state, &scope, async |w| {
        app::invoice::service::create_from_quote(w, &scope, quote, FromQuote::Progress(5_000)).await
    })
    .await?;
    in_write(state, &scope, async |w| {
        app::invoice::issue::issue(w, &scope, progress).await
    })
    .await?;
    in_write(state, &scope, async |w| {
        app::invoice::issue::send(w, &scope, progress).await
    })
    .await?;

    // A partial credit note on the overdue invoice.
    let credit = in_write(state, &scope, async |w| {
        app::invoice::service::create_credit_note(w, &scope, overdue, false).await
    })
    .await?;
    let mut cd = app::invoice::service::view(&state.db, &scope, credit)
        .await
        .map_err(|e| e.to_string())?
        .draft;
    if let Some(first) = cd.lines.first_mut() {
        first.description = "Geste commercial : délai d'intervention dépassé".into();
        first.unit_price = 5_000;
    }
    in_write(state, &scope, async |w| {
        app::invoice::service::save(w, &scope, credit, cd).await
    })
    .await?;
    in_write(state, &scope, async |w| {
        app::invoice::issue::issue(w, &scope, credit).await
    })
    .await?;
    Ok(())
}

/// Enrols the demo company on the e-invoicing platform (its SIREN), as its
/// owner's first use would.
pub async fn enrol(state: &AppState, ws: Uuid, owner_id: Uuid, owner_name: &str) -> Result<(), String> {
    let scope = owner_scope(state, ws, owner_id, owner_name).await?;
    in_write(state, &scope, async |w| {
        app::invoice::einvoicing::service::enrol(w, ws).await.map(|_| ())
    })
    .await
}

/// Sends one issued B2B invoice of the workspace through the e-invoicing
/// platform (the local folder by default delivers it to its buyer: the
/// sales demo bills the artisan's company, which receives it as a supplier
/// invoice).
pub async fn transmit_one(state: &AppState, ws: Uuid, owner_id: Uuid, owner_name: &str) -> Result<(), String> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let scope = owner_scope(state, ws, owner_id, owner_name).await?;
    let Some(row) = app::infra::entity::invoice::Entity::find()
        .filter(app::infra::entity::invoice::Column::WorkspaceId.eq(ws))
        .filter(app::infra::entity::invoice::Column::Number.is_not_null())
        .filter(app::infra::entity::invoice::Column::ClientSiren.ne(""))
        .filter(app::infra::entity::invoice::Column::Kind.ne(app::invoice::InvoiceKind::CreditNote))
        .order_by_asc(app::infra::entity::invoice::Column::Number)
        .one(&state.db)
        .await
        .map_err(|e| e.to_string())?
    else {
        return Ok(());
    };
    in_write(state, &scope, async |w| {
        app::invoice::einvoicing::service::request_transmit(w, &scope, row.id).await
    })
    .await?;
    app::invoice::einvoicing::service::transmit(state, row.id).await
}
