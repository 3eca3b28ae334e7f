//! Sending to the e-invoicing platform: a member asks (one winner), a queued
//! job sends the stored Factur-X (a retry first asks the platform whether the
//! first try arrived), payments of a sent invoice are reported as 212, and
//! the directory fills the buyer's electronic address of a draft.

use super::{DirectoryAnswer, EInvoiceState, EInvoicingPage, FlowRow, ReceivedRow};
use crate::audit::{EventAction, EventEntity};
use crate::domain::{InvoiceId, Role, WorkspaceId};
use crate::error::AppError;
use crate::infra::entity::{einvoice_cursor, einvoice_enrolment, einvoice_flow, invoice, payment, received_invoice};
use crate::infra::ports::{FlowSyntax, OutgoingFlow, PlatformError};
use crate::infra::queue::QueuePayload;
use crate::infra::{AppState, Audit, Scope, Write, files, time};
use crate::invoice::{FlowDirection, FlowKind, InvoiceKind, InvoiceStatus, store};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;
use uuid::Uuid;

/// Flows listed on the e-invoicing page.
const PAGE_FLOWS: u64 = 100;
/// Supplier invoices listed on the e-invoicing page.
const PAGE_RECEIVED: u64 = 200;

/// The workspace's SIREN (first nine digits of its SIRET), if complete.
pub async fn seller_siren(db: &impl ConnectionTrait, ws: Uuid) -> Result<Option<String>, AppError> {
    let profile = crate::quote::profile::load(db, ws).await?;
    let siren: String = profile.siret.chars().filter(char::is_ascii_digit).take(9).collect();
    Ok((siren.len() == 9).then_some(siren))
}

/// The SIREN the workspace speaks for on the platform, once enrolled.
pub async fn enrolled(db: &impl ConnectionTrait, ws: Uuid) -> Result<Option<String>, AppError> {
    Ok(einvoice_enrolment::Entity::find()
        .filter(einvoice_enrolment::Column::WorkspaceId.eq(ws))
        .one(db)
        .await?
        .map(|e| e.siren))
}

/// Enrols the workspace under its SIREN on its first use of the platform (a
/// member's action). One workspace per SIREN: a second one claiming the same
/// company is refused, so no workspace reads or sends another's flows.
pub async fn enrol(w: &Write, ws: Uuid) -> Result<String, AppError> {
    if let Some(siren) = enrolled(w, ws).await? {
        return Ok(siren);
    }
    let Some(siren) = seller_siren(w, ws).await? else {
        return Err(AppError::Conflict(
            "Renseignez le SIRET de l'entreprise (Réglages › Identité) : c'est son identifiant sur la plateforme."
                .into(),
        ));
    };
    let inserted = einvoice_enrolment::Entity::insert(einvoice_enrolment::ActiveModel {
        siren: Set(siren.clone()),
        workspace_id: Set(ws),
        enrolled_at: Set(time::now()),
    })
    .on_conflict(
        OnConflict::column(einvoice_enrolment::Column::Siren)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(w)
    .await?;
    if inserted == 1 {
        w.audit(
            Audit::of(EventEntity::Workspace, Some(ws), EventAction::PlatformEnrolled).after(json!({ "siren": siren })),
        )
        .await?;
        return Ok(siren);
    }
    if enrolled(w, ws).await?.as_deref() == Some(siren.as_str()) {
        return Ok(siren);
    }
    Err(AppError::Conflict(format!(
        "Le SIREN {siren} est déjà inscrit sur la plateforme par un autre espace Comptoir. \
         Écrivez au support pour faire vérifier votre entreprise."
    )))
}

/// A platform flow id as stored (ids over 64 characters are hashed, the
/// same way everywhere).
pub fn flow_key(flow_id: &str) -> String {
    if flow_id.len() <= 64 {
        flow_id.to_string()
    } else {
        crate::infra::crypto::sha256_bytes_hex(flow_id.as_bytes())
    }
}

/// The invoice's type code (BT-3) as the platform knows it.
pub fn type_code(kind: InvoiceKind) -> &'static str {
    match kind {
        InvoiceKind::CreditNote => "381",
        InvoiceKind::Deposit => "386",
        _ => "380",
    }
}

/// Applies a lifecycle status if it is not older than the one shown
/// (statuses apply in the order they were reached; one delivered late only
/// joins the history). One conditional update: concurrent readings agree.
pub async fn apply_status(
    db: &impl ConnectionTrait,
    invoice_id: Uuid,
    status: i32,
    detail: Option<String>,
    at: DateTime<Utc>,
) -> Result<bool, AppError> {
    let updated = invoice::Entity::update_many()
        .col_expr(invoice::Column::PaStatus, Expr::value(Some(status)))
        .col_expr(invoice::Column::PaDetail, Expr::value(detail))
        .col_expr(invoice::Column::PaStatusAt, Expr::value(Some(at)))
        .filter(invoice::Column::Id.eq(invoice_id))
        .filter(
            invoice::Column::PaStatusAt
                .is_null()
                .or(invoice::Column::PaStatusAt.lte(at)),
        )
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Why an invoice cannot be sent through the platform, if it cannot.
fn transmit_blocker(m: &invoice::Model) -> Option<&'static str> {
    if m.status == InvoiceStatus::Draft {
        Some("Émettez la facture avant de la transmettre.")
    } else if m.client_siren.is_empty() {
        Some("Client particulier : la facture ne passe pas par la plateforme (e-reporting).")
    } else {
        None
    }
}

/// Asks for an issued B2B invoice to be sent through the platform; the
/// first ask wins, the send itself is a queued job.
pub async fn request_transmit(w: &Write, scope: &Scope, id: Uuid) -> Result<(), AppError> {
    scope.require(Role::can_issue_invoices)?;
    let ws = scope.workspace_id.0;
    let m = store::find(w, ws, id).await?;
    if let Some(why) = transmit_blocker(&m) {
        return Err(AppError::Conflict(why.into()));
    }
    enrol(w, ws).await?;
    let now = time::now();
    let claimed = invoice::Entity::update_many()
        .col_expr(invoice::Column::PaRequestedAt, Expr::value(Some(now)))
        .filter(invoice::Column::WorkspaceId.eq(ws))
        .filter(invoice::Column::Id.eq(id))
        .filter(invoice::Column::PaRequestedAt.is_null())
        .exec(w)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(AppError::Conflict(
            "Cette facture est déjà transmise à la plateforme.".into(),
        ));
    }
    w.enqueue(&QueuePayload::TransmitInvoice { invoice_id: id }, now)
        .await?;
    w.audit(
        Audit::of(EventEntity::Invoice, Some(id), EventAction::InvoiceTransmitted)
            .after(json!({ "number": m.number, "requested": true })),
    )
    .await?;
    Ok(())
}

/// What the platform said about a send.
enum Sent {
    Flow(String),
    Rejected(String),
}

async fn send(state: &AppState, flow: &OutgoingFlow) -> Result<Sent, String> {
    let platform = state.einvoicing.as_ref();
    match platform.find_submitted(&flow.organization, &flow.tracking_id).await {
        Ok(Some(flow_id)) => return Ok(Sent::Flow(flow_id)),
        Ok(None) => {}
        Err(e) => return Err(e.to_string()),
    }
    match platform.submit(flow).await {
        Ok(flow_id) => Ok(Sent::Flow(flow_id)),
        Err(PlatformError::Rejected(why)) => {
            // Refused as a duplicate of a first try the platform had not
            // listed yet: that first try is the send.
            match platform.find_submitted(&flow.organization, &flow.tracking_id).await {
                Ok(Some(flow_id)) => Ok(Sent::Flow(flow_id)),
                Ok(None) => Ok(Sent::Rejected(why)),
                Err(e) => Err(e.to_string()),
            }
        }
        Err(e @ PlatformError::Unavailable(_)) => Err(e.to_string()),
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn record_flow(
    w: &Write,
    ws: Uuid,
    direction: FlowDirection,
    kind: FlowKind,
    flow_id: &str,
    tracking_id: &str,
    invoice_id: Option<Uuid>,
    status: Option<i32>,
    detail: &str,
    file_name: &str,
) -> Result<bool, AppError> {
    // Unique per platform flow: a flow read twice, or by two instances at
    // once, is recorded once.
    let inserted = einvoice_flow::Entity::insert(einvoice_flow::ActiveModel {
        id: Set(Uuid::now_v7()),
        workspace_id: Set(ws),
        direction: Set(direction),
        kind: Set(kind),
        flow_id: Set(flow_key(flow_id)),
        tracking_id: Set(tracking_id.chars().take(64).collect()),
        invoice_id: Set(invoice_id),
        received_invoice_id: Set(None),
        status_code: Set(status),
        detail: Set(detail.chars().take(500).collect()),
        file_name: Set(file_name.chars().take(200).collect()),
        created_at: Set(time::now()),
    })
    .on_conflict(
        OnConflict::columns([
            einvoice_flow::Column::WorkspaceId,
            einvoice_flow::Column::Direction,
            einvoice_flow::Column::FlowId,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(w)
    .await?;
    Ok(inserted == 1)
}

/// The job: sends the invoice's stored Factur-X PDF. Rejections are final
/// (status 213 with the platform's reason); an unreachable platform is
/// retried by the queue. Payments recorded before the send are reported
/// once it is sent.
pub async fn transmit(state: &AppState, invoice_id: Uuid) -> Result<(), String> {
    let db = &state.db;
    let Some(m) = invoice::Entity::find_by_id(invoice_id)
        .one(db)
        .await
        .map_err(|e| e.to_string())?
    else {
        return Ok(());
    };
    if m.pa_flow_id.is_some() || m.pa_requested_at.is_none() {
        return Ok(());
    }
    let ws = m.workspace_id;
    let org = enrolled(db, ws)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("workspace not enrolled")?;
    let file_id = m.pdf_file_id.ok_or("issued invoice without its PDF")?;
    let pdf = files::load(db, ws, file_id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("PDF missing")?;
    let number = m.number.clone().unwrap_or_default();
    let flow = OutgoingFlow {
        organization: org,
        tracking_id: m.id.to_string(),
        file_name: format!("{number}.pdf"),
        syntax: FlowSyntax::FacturX,
        processing_rule: "B2B",
        bytes: pdf.bytes,
    };
    let outcome = send(state, &flow).await?;
    let w = Write::system(state, "Plateforme de facturation électronique", Some(WorkspaceId(ws)))
        .await
        .map_err(|e| e.to_string())?;
    let result: Result<(), AppError> = async {
        let (flow_id, rejected) = match outcome {
            Sent::Flow(id) => (id, None),
            Sent::Rejected(why) => (format!("rejet-{}", m.id.simple()), Some(why)),
        };
        let claimed = invoice::Entity::update_many()
            .col_expr(invoice::Column::PaFlowId, Expr::value(Some(flow_key(&flow_id))))
            .filter(invoice::Column::Id.eq(m.id))
            .filter(invoice::Column::PaFlowId.is_null())
            .exec(&w)
            .await?;
        if claimed.rows_affected != 1 {
            return Ok(());
        }
        let status = rejected.as_ref().map(|_| 213);
        record_flow(
            &w,
            ws,
            FlowDirection::Out,
            FlowKind::Invoice,
            &flow_id,
            &flow.tracking_id,
            Some(m.id),
            status,
            rejected.as_deref().unwrap_or(""),
            &flow.file_name,
        )
        .await?;
        w.audit(
            Audit::of(EventEntity::Invoice, Some(m.id), EventAction::InvoiceTransmitted)
                .after(json!({ "number": number, "flow": flow_id, "rejected": rejected })),
        )
        .await?;
        if let Some(why) = rejected {
            apply_status(&w, m.id, 213, Some(why), time::now()).await?;
            w.emit(crate::domain::DomainEvent::InvoiceLifecycle {
                invoice: InvoiceId(m.id),
                status: 213,
            })
            .await?;
        } else {
            let earlier = payment::Entity::find()
                .filter(payment::Column::WorkspaceId.eq(ws))
                .filter(payment::Column::InvoiceId.eq(m.id))
                .all(&w)
                .await?;
            for p in earlier {
                w.enqueue(&QueuePayload::ReportPayment { payment_id: p.id }, time::now())
                    .await?;
            }
        }
        Ok(())
    }
    .await;
    result.map_err(|e| e.to_string())?;
    w.commit().await.map_err(|e| e.to_string())?;
    // The platform's first answers (200 « Déposée ») are read at once.
    if let Err(error) = super::ingest::receive(state, ws).await {
        tracing::warn!(%error, "e-invoicing: reading the platform's answers failed; the scheduler will");
    }
    Ok(())
}

/// After the last attempt of a send: the invoice can be sent again, with
/// the reason on its page.
pub async fn give_up(db: &impl ConnectionTrait, invoice_id: Uuid) -> Result<(), sea_orm::DbErr> {
    invoice::Entity::update_many()
        .col_expr(
            invoice::Column::PaRequestedAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            invoice::Column::PaDetail,
            Expr::value(Some(
                "La plateforme n'a pas répondu pendant plusieurs heures : transmettez à nouveau.".to_string(),
            )),
        )
        .filter(invoice::Column::Id.eq(invoice_id))
        .filter(invoice::Column::PaFlowId.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// The job: reports a payment of a sent invoice as 212 « Encaissée », dated
/// the day it was paid, with the amount per VAT rate. Waits (retries) until
/// the invoice itself is sent.
pub async fn report_payment(state: &AppState, payment_id: Uuid) -> Result<(), String> {
    let db = &state.db;
    let Some(p) = payment::Entity::find_by_id(payment_id)
        .one(db)
        .await
        .map_err(|e| e.to_string())?
    else {
        return Ok(());
    };
    let ws = p.workspace_id;
    let m = store::find(db, ws, p.invoice_id).await.map_err(|e| e.to_string())?;
    if m.pa_status == Some(213) || m.pa_requested_at.is_none() {
        return Ok(());
    }
    if m.pa_flow_id.is_none() {
        return Err("the invoice is not on the platform yet".into());
    }
    let org = enrolled(db, ws)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("workspace not enrolled")?;
    let lines = store::lines_of(db, ws, m.id).await.map_err(|e| e.to_string())?;
    let mut draft = store::draft_of(&m, &[]);
    draft.lines = store::lines_input(&lines);
    let totals = draft.totals();
    let amounts = crate::invoice::payments::split_by_rate(p.amount_cents, &totals.vat)
        .into_iter()
        .map(|(rate, cents)| (rate.basis_points(), cents))
        .collect();
    let number = m.number.clone().unwrap_or_default();
    let paid_at = p.paid_on.and_hms_opt(12, 0, 0).unwrap_or_default();
    let message = facturx::cdar::Lifecycle {
        id: format!("PAY-{}", p.id.simple()),
        at: paid_at,
        sender_siren: org.clone(),
        recipient_siren: m.client_siren.clone(),
        invoice_number: number.clone(),
        invoice_date: m.issue_date.unwrap_or(p.paid_on),
        invoice_type: type_code(m.kind).into(),
        status: 212,
        reason: None,
        amounts,
    };
    let flow = OutgoingFlow {
        organization: org,
        tracking_id: p.id.to_string(),
        file_name: format!("{number}-212-{}.xml", p.id.simple()),
        syntax: FlowSyntax::Cdar,
        processing_rule: "B2B",
        bytes: facturx::cdar::to_xml(&message).into_bytes(),
    };
    let (flow_id, detail) = match send(state, &flow).await? {
        Sent::Flow(id) => (id, String::new()),
        Sent::Rejected(why) => (format!("rejet-{}", p.id.simple()), why),
    };
    let w = Write::system(state, "Plateforme de facturation électronique", Some(WorkspaceId(ws)))
        .await
        .map_err(|e| e.to_string())?;
    let result: Result<(), AppError> = async {
        let recorded = record_flow(
            &w,
            ws,
            FlowDirection::Out,
            FlowKind::Payment,
            &flow_id,
            &flow.tracking_id,
            Some(m.id),
            Some(212),
            &detail,
            &flow.file_name,
        )
        .await?;
        if recorded && detail.is_empty() {
            apply_status(&w, m.id, 212, None, time::now()).await?;
            w.audit(
                Audit::of(EventEntity::Payment, Some(p.id), EventAction::PaymentReported)
                    .after(json!({ "invoice": number, "amount": p.amount_cents, "flow": flow_id })),
            )
            .await?;
            w.emit(crate::domain::DomainEvent::InvoiceLifecycle {
                invoice: InvoiceId(m.id),
                status: 212,
            })
            .await?;
        }
        Ok(())
    }
    .await;
    result.map_err(|e| e.to_string())?;
    w.commit().await.map_err(|e| e.to_string())
}

/// Looks the draft's buyer up in the directory by SIREN and keeps the
/// electronic address it gives (BT-49).
pub async fn lookup_buyer(state: &AppState, scope: &Scope, id: Uuid) -> Result<DirectoryAnswer, AppError> {
    scope.require(Role::can_write_invoices)?;
    let ws = scope.workspace_id.0;
    let m = store::find(&state.db, ws, id).await?;
    if m.status != InvoiceStatus::Draft {
        return Err(AppError::Conflict("Facture émise : créez un avoir.".into()));
    }
    let siren = m.client_siren.clone();
    if siren.len() != 9 || !siren.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AppError::field(
            "client.siren",
            "Indiquez le SIREN du client (9 chiffres) et enregistrez avant de chercher dans l'annuaire.",
        ));
    }
    let line = state.einvoicing.lookup(&siren).await.map_err(|e| {
        tracing::warn!(error = %e, "directory lookup failed");
        AppError::Conflict("L'annuaire ne répond pas pour le moment. Réessayez plus tard.".into())
    })?;
    let Some(line) = line else {
        return Ok(DirectoryAnswer {
            found: false,
            name: String::new(),
            address: siren,
        });
    };
    let address: String = line.address.chars().take(125).collect();
    let w = Write::scoped(state, scope).await?;
    // Only while still a draft with the same SIREN.
    invoice::Entity::update_many()
        .col_expr(invoice::Column::ClientEinvoiceAddress, Expr::value(address.clone()))
        .filter(invoice::Column::WorkspaceId.eq(ws))
        .filter(invoice::Column::Id.eq(id))
        .filter(invoice::Column::Status.eq(InvoiceStatus::Draft))
        .filter(invoice::Column::ClientSiren.eq(siren))
        .exec(&w)
        .await?;
    w.audit(
        Audit::of(EventEntity::Invoice, Some(id), EventAction::DirectoryLookedUp)
            .after(json!({ "address": address, "name": line.name })),
    )
    .await?;
    w.commit().await?;
    Ok(DirectoryAnswer {
        found: true,
        name: line.name,
        address,
    })
}

fn flow_row(f: &einvoice_flow::Model, number: Option<&str>) -> FlowRow {
    FlowRow {
        direction: f.direction,
        kind: f.kind,
        flow_id: f.flow_id.clone(),
        status: f.status_code,
        detail: f.detail.clone(),
        invoice: f
            .invoice_id
            .map(|id| (InvoiceId(id), number.unwrap_or_default().to_string())),
        at: time::display(f.created_at),
    }
}

/// The e-invoicing state of one invoice.
pub async fn state_of(db: &impl ConnectionTrait, scope: &Scope, id: Uuid) -> Result<EInvoiceState, AppError> {
    scope.require(Role::can_read_invoices)?;
    let ws = scope.workspace_id.0;
    let m = store::find(db, ws, id).await?;
    let history = einvoice_flow::Entity::find()
        .filter(einvoice_flow::Column::WorkspaceId.eq(ws))
        .filter(einvoice_flow::Column::InvoiceId.eq(id))
        .order_by_asc(einvoice_flow::Column::CreatedAt)
        .order_by_asc(einvoice_flow::Column::Id)
        .all(db)
        .await?;
    let blocked = transmit_blocker(&m).map(str::to_string);
    Ok(EInvoiceState {
        can_transmit: m.pa_requested_at.is_none() && blocked.is_none(),
        blocked: if m.pa_requested_at.is_none() { blocked } else { None },
        pending: m.pa_requested_at.is_some() && m.pa_flow_id.is_none(),
        flow_id: m.pa_flow_id.clone(),
        status: m.pa_status,
        detail: m.pa_detail.clone(),
        address: if m.client_einvoice_address.is_empty() {
            m.client_siren.clone()
        } else {
            m.client_einvoice_address.clone()
        },
        history: history.iter().map(|f| flow_row(f, m.number.as_deref())).collect(),
    })
}

/// The e-invoicing page of the workspace.
pub async fn page(state: &AppState, scope: &Scope) -> Result<EInvoicingPage, AppError> {
    scope.require(Role::can_read_invoices)?;
    let db = &state.db;
    let ws = scope.workspace_id.0;
    let flows = einvoice_flow::Entity::find()
        .filter(einvoice_flow::Column::WorkspaceId.eq(ws))
        .order_by_desc(einvoice_flow::Column::CreatedAt)
        .order_by_desc(einvoice_flow::Column::Id)
        .limit(PAGE_FLOWS)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = flows.iter().filter_map(|f| f.invoice_id).collect();
    let numbers: std::collections::HashMap<Uuid, String> = invoice::Entity::find()
        .select_only()
        .column(invoice::Column::Id)
        .column(invoice::Column::Number)
        .filter(invoice::Column::WorkspaceId.eq(ws))
        .filter(invoice::Column::Id.is_in(ids))
        .into_tuple::<(Uuid, Option<String>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, n)| (id, n.unwrap_or_default()))
        .collect();
    let received = received_invoice::Entity::find()
        .filter(received_invoice::Column::WorkspaceId.eq(ws))
        .order_by_desc(received_invoice::Column::ReceivedAt)
        .order_by_desc(received_invoice::Column::Id)
        .limit(PAGE_RECEIVED)
        .all(db)
        .await?;
    let polled_at = einvoice_cursor::Entity::find_by_id(ws)
        .one(db)
        .await?
        .map(|c| time::display(c.polled_at));
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default();
    Ok(EInvoicingPage {
        adapter: state.einvoicing.adapter().to_string(),
        can_manage: Role::can_issue_invoices(scope.role),
        location: state.einvoicing.location(),
        siren: enrolled(db, ws).await?.unwrap_or_default(),
        polled_at,
        received: received
            .into_iter()
            .map(|r| ReceivedRow {
                id: r.id,
                kind: super::type_label(&r.type_code).to_string(),
                seller_name: r.seller_name,
                seller_siren: r.seller_siren,
                number: r.number,
                issue_date: day(r.issue_date),
                due_date: day(r.due_date),
                total_ht: r.total_ht_cents,
                total_vat: r.total_vat_cents,
                total_ttc: r.total_ttc_cents,
                currency: r.currency,
                received_at: time::display(r.received_at),
            })
            .collect(),
        flows: flows
            .iter()
            .map(|f| flow_row(f, f.invoice_id.and_then(|id| numbers.get(&id)).map(String::as_str)))
            .collect(),
    })
}

/// A received supplier invoice's file, within the workspace.
pub async fn received_file(
    db: &impl ConnectionTrait,
    scope: &Scope,
    id: Uuid,
) -> Result<crate::infra::entity::file::Model, AppError> {
    scope.require(Role::can_read_invoices)?;
    let ws = scope.workspace_id.0;
    let r = received_invoice::Entity::find_by_id(id)
        .filter(received_invoice::Column::WorkspaceId.eq(ws))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    files::load(db, ws, r.file_id).await?.ok_or(AppError::NotFound)
}
