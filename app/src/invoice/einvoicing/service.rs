//! Sending to the e-invoicing platform: a member asks (one winner), a queued
//! job sends the stored Factur-X (a retry first asks the platform whether the
//! first try arrived), payments of a sent invoice are reported as 212, and
//! the directory fills the buyer's electronic address of a draft.

use super::{DirectoryAnswer, EInvoiceState, EInvoicingPage, FlowRow, ReceivedRow};
use crate::audit::{EventAction, EventEntity};
use crate::domain::{InvoiceId, Role, WorkspaceId};
use crate::error::AppError;
use crate::infra::entity::{einvoice_cursor, einvoice_flow, invoice, payment, received_invoice};
use crate::infra::ports::{FlowSyntax, OutgoingFlow, PlatformError};
use crate::infra::queue::QueuePayload;
use crate::infra::{AppState, Audit, Scope, Write, files, time};
use crate::invoice::{FlowDirection, FlowKind, InvoiceStatus, store};
use sea_orm::sea_query::Expr;
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
    if seller_siren(w, ws).await?.is_none() {
        return Err(AppError::Conflict(
            "Renseignez le SIRET de l'entreprise (Réglages › Identité) : c'est son identifiant sur la plateforme."
                .into(),
        ));
    }
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
        Err(PlatformError::Rejected(why)) => Ok(Sent::Rejected(why)),
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
    // Unique per platform flow: a flow read twice is recorded once.
    let exists = einvoice_flow::Entity::find()
        .filter(einvoice_flow::Column::WorkspaceId.eq(ws))
        .filter(einvoice_flow::Column::Direction.eq(direction))
        .filter(einvoice_flow::Column::FlowId.eq(flow_id))
        .one(w)
        .await?
        .is_some();
    if exists {
        return Ok(false);
    }
    einvoice_flow::Entity::insert(einvoice_flow::ActiveModel {
        id: Set(Uuid::now_v7()),
        workspace_id: Set(ws),
        direction: Set(direction),
        kind: Set(kind),
        flow_id: Set(flow_id.chars().take(64).collect()),
        tracking_id: Set(tracking_id.to_string()),
        invoice_id: Set(invoice_id),
        received_invoice_id: Set(None),
        status_code: Set(status),
        detail: Set(detail.chars().take(500).collect()),
        file_name: Set(file_name.chars().take(200).collect()),
        created_at: Set(time::now()),
    })
    .exec_without_returning(w)
    .await?;
    Ok(true)
}

/// The job: sends the invoice's stored Factur-X PDF. Rejections are final
/// (status 213 with the platform's reason); an unreachable platform is
/// retried by the queue.
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
    let org = seller_siren(db, ws)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("no SIREN")?;
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
    let (flow_id, status, detail) = match outcome {
        Sent::Flow(id) => (id, None, None),
        Sent::Rejected(why) => (format!("rejet-{}", m.id.simple()), Some(213), Some(why)),
    };
    invoice::Entity::update_many()
        .col_expr(invoice::Column::PaFlowId, Expr::value(Some(flow_id.clone())))
        .col_expr(invoice::Column::PaStatus, Expr::value(status))
        .col_expr(invoice::Column::PaDetail, Expr::value(detail.clone()))
        .filter(invoice::Column::Id.eq(m.id))
        .filter(invoice::Column::PaFlowId.is_null())
        .exec(&w)
        .await
        .map_err(|e| e.to_string())?;
    record_flow(
        &w,
        ws,
        FlowDirection::Out,
        FlowKind::Invoice,
        &flow_id,
        &flow.tracking_id,
        Some(m.id),
        status,
        detail.as_deref().unwrap_or(""),
        &flow.file_name,
    )
    .await
    .map_err(|e| e.to_string())?;
    w.audit(
        Audit::of(EventEntity::Invoice, Some(m.id), EventAction::InvoiceTransmitted)
            .after(json!({ "number": number, "flow": flow_id, "rejected": detail })),
    )
    .await
    .map_err(|e| e.to_string())?;
    if let Some(code) = status {
        w.emit(crate::domain::DomainEvent::InvoiceLifecycle {
            invoice: InvoiceId(m.id),
            status: code,
        })
        .await
        .map_err(|e| e.to_string())?;
    }
    w.commit().await.map_err(|e| e.to_string())?;
    // The platform's first answers (200 « Déposée ») are read at once.
    if let Err(error) = super::ingest::receive(state, ws).await {
        tracing::warn!(%error, "e-invoicing: reading the platform's answers failed; the scheduler will");
    }
    Ok(())
}

/// The job: reports a payment of a sent invoice as 212 « Encaissée », with
/// the amount per VAT rate. Waits (retries) until the invoice itself is sent.
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
    if m.pa_status == Some(213) {
        return Ok(());
    }
    if m.pa_flow_id.is_none() {
        return Err("the invoice is not on the platform yet".into());
    }
    let org = seller_siren(db, ws)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("no SIREN")?;
    let lines = store::lines_of(db, ws, m.id).await.map_err(|e| e.to_string())?;
    let mut draft = store::draft_of(&m, &[]);
    draft.lines = store::lines_input(&lines);
    let totals = draft.totals();
    let amounts = crate::invoice::payments::split_by_rate(p.amount_cents, &totals.vat)
        .into_iter()
        .map(|(rate, cents)| (rate.basis_points(), cents))
        .collect();
    let number = m.number.clone().unwrap_or_default();
    let now = time::now().naive_utc();
    let message = facturx::cdar::Lifecycle {
        id: format!("PAY-{}", p.id.simple()),
        at: now,
        sender_siren: org.clone(),
        recipient_siren: m.client_siren.clone(),
        invoice_number: number.clone(),
        invoice_date: m.issue_date.unwrap_or(now.date()),
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
    .await
    .map_err(|e| e.to_string())?;
    if recorded && detail.is_empty() {
        invoice::Entity::update_many()
            .col_expr(invoice::Column::PaStatus, Expr::value(Some(212)))
            .col_expr(invoice::Column::PaDetail, Expr::value(Option::<String>::None))
            .filter(invoice::Column::Id.eq(m.id))
            .exec(&w)
            .await
            .map_err(|e| e.to_string())?;
        w.audit(
            Audit::of(EventEntity::Payment, Some(p.id), EventAction::PaymentReported)
                .after(json!({ "invoice": number, "amount": p.amount_cents, "flow": flow_id })),
        )
        .await
        .map_err(|e| e.to_string())?;
        w.emit(crate::domain::DomainEvent::InvoiceLifecycle {
            invoice: InvoiceId(m.id),
            status: 212,
        })
        .await
        .map_err(|e| e.to_string())?;
    }
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
        location: state.einvoicing.location(),
        siren: seller_siren(db, ws).await?.unwrap_or_default(),
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
