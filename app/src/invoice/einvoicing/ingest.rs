//! Reading what the platform sends back: lifecycle statuses of our invoices
//! and supplier invoices. Each flow is recorded once (unique per platform
//! flow id), in its own transaction, then the workspace's cursor moves on; a
//! flow that cannot be read is kept in the journal with the reason rather
//! than blocking the ones after it.

use super::SyncReport;
use super::service::{apply_status, enrolled, flow_key, record_flow};
use crate::audit::{EventAction, EventEntity};
use crate::domain::{DomainEvent, InvoiceId, WorkspaceId};
use crate::error::AppError;
use crate::infra::entity::{einvoice_cursor, einvoice_enrolment, einvoice_flow, invoice, received_invoice};
use crate::infra::ports::{IncomingFlow, IncomingKind};
use crate::infra::{AppState, Audit, Write, files, time};
use crate::invoice::{FlowDirection, FlowKind};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde_json::json;
use uuid::Uuid;

/// Pages read per workspace and call (the next call goes on).
const MAX_PAGES: usize = 20;
/// Time one reading of a workspace may take (the next call goes on).
const BUDGET: std::time::Duration = std::time::Duration::from_secs(20);
/// Largest file taken from the platform.
pub const MAX_FILE_BYTES: usize = 20 << 20;

/// What happened to one flow.
enum Outcome {
    Status,
    Invoice,
    Unreadable,
    Known,
}

async fn unreadable(w: &Write, ws: Uuid, flow: &IncomingFlow, kind: FlowKind, why: &str) -> Result<Outcome, AppError> {
    let recorded = record_flow(
        w,
        ws,
        FlowDirection::In,
        kind,
        &flow.flow_id,
        "",
        None,
        None,
        why,
        &flow.file_name,
    )
    .await?;
    Ok(if recorded { Outcome::Unreadable } else { Outcome::Known })
}

async fn lifecycle(w: &Write, ws: Uuid, flow: &IncomingFlow) -> Result<Outcome, AppError> {
    let message = match facturx::cdar::parse(&String::from_utf8_lossy(&flow.bytes)) {
        Ok(message) => message,
        Err(why) => return unreadable(w, ws, flow, FlowKind::Lifecycle, &why).await,
    };
    let Some(m) = invoice::Entity::find()
        .filter(invoice::Column::WorkspaceId.eq(ws))
        .filter(invoice::Column::Number.eq(message.invoice_number.as_str()))
        .one(w)
        .await?
    else {
        let why = format!("facture {} inconnue", message.invoice_number);
        return unreadable(w, ws, flow, FlowKind::Lifecycle, &why).await;
    };
    // Only about an invoice we sent, addressed to us, with its date: nobody
    // else can change our invoice's status by naming its number.
    let siren = enrolled(w, ws).await?.unwrap_or_default();
    if message.recipient_siren != siren {
        return unreadable(
            w,
            ws,
            flow,
            FlowKind::Lifecycle,
            "statut adressé à une autre entreprise",
        )
        .await;
    }
    if m.pa_flow_id.is_none() || m.issue_date != Some(message.invoice_date) {
        let why = format!("statut d'une facture {} non transmise", message.invoice_number);
        return unreadable(w, ws, flow, FlowKind::Lifecycle, &why).await;
    }
    let status = i32::from(message.status);
    let recorded = record_flow(
        w,
        ws,
        FlowDirection::In,
        FlowKind::Lifecycle,
        &flow.flow_id,
        &message.id,
        Some(m.id),
        Some(status),
        message.reason.as_deref().unwrap_or(""),
        &flow.file_name,
    )
    .await?;
    if !recorded {
        return Ok(Outcome::Known);
    }
    apply_status(w, m.id, status, message.reason.clone(), message.at.and_utc()).await?;
    w.audit(
        Audit::of(EventEntity::Invoice, Some(m.id), EventAction::InvoiceLifecycle).after(json!({
            "number": m.number, "status": status, "label": super::status_label(status), "reason": message.reason,
        })),
    )
    .await?;
    w.emit(DomainEvent::InvoiceLifecycle {
        invoice: InvoiceId(m.id),
        status,
    })
    .await?;
    Ok(Outcome::Status)
}

async fn supplier_invoice(w: &Write, ws: Uuid, siren: &str, flow: &IncomingFlow) -> Result<Outcome, AppError> {
    let key = flow_key(&flow.flow_id);
    let known = received_invoice::Entity::find()
        .filter(received_invoice::Column::WorkspaceId.eq(ws))
        .filter(received_invoice::Column::FlowId.eq(key.as_str()))
        .one(w)
        .await?;
    if known.is_some() {
        return Ok(Outcome::Known);
    }
    let pdf = flow.bytes.starts_with(b"%PDF");
    let xml = if pdf {
        facturx::extract::embedded_xml(&flow.bytes)
    } else {
        String::from_utf8(flow.bytes.clone()).ok()
    };
    let Some(xml) = xml else {
        return unreadable(w, ws, flow, FlowKind::SupplierInvoice, "aucune donnée Factur-X lisible").await;
    };
    let summary = match facturx::read::read_cii(&xml) {
        Ok(summary) => summary,
        Err(why) => return unreadable(w, ws, flow, FlowKind::SupplierInvoice, &why).await,
    };
    let buyer: Option<String> = summary
        .buyer_siren
        .as_deref()
        .map(|b| b.chars().filter(char::is_ascii_digit).take(9).collect());
    if buyer.is_some_and(|b| b != siren) {
        return unreadable(
            w,
            ws,
            flow,
            FlowKind::SupplierInvoice,
            "adressée à une autre entreprise (SIREN)",
        )
        .await;
    }
    let (content_type, ext) = if pdf {
        ("application/pdf", "pdf")
    } else {
        ("application/xml", "xml")
    };
    let name = format!(
        "{}-{}.{ext}",
        summary.seller_siren.as_deref().unwrap_or("fournisseur"),
        summary
            .number
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect::<String>()
    );
    let (file_id, _) = files::store(w, ws, "received_invoice", content_type, &name, flow.bytes.clone()).await?;
    let id = Uuid::now_v7();
    let clip = |s: &str, n: usize| s.chars().take(n).collect::<String>();
    let inserted = received_invoice::Entity::insert(received_invoice::ActiveModel {
        id: Set(id),
        workspace_id: Set(ws),
        flow_id: Set(key.clone()),
        number: Set(clip(&summary.number, 100)),
        type_code: Set(clip(&summary.type_code, 3)),
        seller_name: Set(clip(&summary.seller_name, 200)),
        seller_siren: Set(clip(summary.seller_siren.as_deref().unwrap_or(""), 9)),
        issue_date: Set(summary.issue_date),
        due_date: Set(summary.due_date),
        currency: Set(clip(&summary.currency, 3)),
        total_ht_cents: Set(summary.total_ht_cents),
        total_vat_cents: Set(summary.total_vat_cents),
        total_ttc_cents: Set(summary.total_ttc_cents),
        due_cents: Set(summary.due_cents),
        file_id: Set(file_id),
        status_code: Set(None),
        received_at: Set(time::now()),
    })
    .on_conflict(
        OnConflict::columns([received_invoice::Column::WorkspaceId, received_invoice::Column::FlowId])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(w)
    .await?;
    if inserted == 0 {
        // Read at the same time elsewhere: this transaction (and its file) is dropped.
        return Ok(Outcome::Known);
    }
    record_flow(
        w,
        ws,
        FlowDirection::In,
        FlowKind::SupplierInvoice,
        &flow.flow_id,
        "",
        None,
        None,
        "",
        &flow.file_name,
    )
    .await?;
    einvoice_flow::Entity::update_many()
        .col_expr(einvoice_flow::Column::ReceivedInvoiceId, Expr::value(Some(id)))
        .filter(einvoice_flow::Column::WorkspaceId.eq(ws))
        .filter(einvoice_flow::Column::Direction.eq(FlowDirection::In))
        .filter(einvoice_flow::Column::FlowId.eq(key.as_str()))
        .exec(w)
        .await?;
    w.audit(
        Audit::of(
            EventEntity::ReceivedInvoice,
            Some(id),
            EventAction::SupplierInvoiceReceived,
        )
        .after(json!({
            "supplier": summary.seller_name, "number": summary.number, "total_ttc": summary.total_ttc_cents,
        })),
    )
    .await?;
    Ok(Outcome::Invoice)
}

async fn ingest(state: &AppState, ws: Uuid, siren: &str, flow: &IncomingFlow) -> Result<Outcome, AppError> {
    let w = Write::system(state, "Plateforme de facturation électronique", Some(WorkspaceId(ws))).await?;
    let kind = match flow.kind {
        IncomingKind::Lifecycle => FlowKind::Lifecycle,
        IncomingKind::SupplierInvoice => FlowKind::SupplierInvoice,
    };
    let outcome = if let Some(problem) = &flow.problem {
        unreadable(&w, ws, flow, kind, problem).await?
    } else if flow.bytes.len() > MAX_FILE_BYTES {
        unreadable(&w, ws, flow, kind, "fichier trop volumineux").await?
    } else {
        match flow.kind {
            IncomingKind::Lifecycle => lifecycle(&w, ws, flow).await?,
            IncomingKind::SupplierInvoice => supplier_invoice(&w, ws, siren, flow).await?,
        }
    };
    // Nothing new: rolled back (a file stored for a flow read twice goes too).
    if !matches!(outcome, Outcome::Known) {
        w.commit().await?;
    }
    Ok(outcome)
}

async fn save_cursor(state: &AppState, ws: Uuid, cursor: Option<&str>) -> Result<(), AppError> {
    let now = time::now();
    let mut on_conflict = OnConflict::column(einvoice_cursor::Column::WorkspaceId);
    match cursor {
        Some(_) => on_conflict.update_columns([einvoice_cursor::Column::Cursor, einvoice_cursor::Column::PolledAt]),
        None => on_conflict.update_column(einvoice_cursor::Column::PolledAt),
    };
    einvoice_cursor::Entity::insert(einvoice_cursor::ActiveModel {
        workspace_id: Set(ws),
        cursor: Set(cursor.unwrap_or_default().to_string()),
        polled_at: Set(now),
    })
    .on_conflict(on_conflict)
    .exec_without_returning(&state.db)
    .await?;
    Ok(())
}

/// Reads the workspace's incoming flows from where the last reading stopped.
pub async fn receive(state: &AppState, ws: Uuid) -> Result<SyncReport, String> {
    let mut report = SyncReport::default();
    // Only an enrolled workspace reads its SIREN's flows.
    let Some(siren) = enrolled(&state.db, ws).await.map_err(|e| e.to_string())? else {
        return Ok(report);
    };
    let started = std::time::Instant::now();
    let mut cursor = einvoice_cursor::Entity::find_by_id(ws)
        .one(&state.db)
        .await
        .map_err(|e| e.to_string())?
        .map(|c| c.cursor)
        .filter(|c| !c.is_empty());
    for _ in 0..MAX_PAGES {
        let page = state
            .einvoicing
            .receive(&siren, cursor.as_deref())
            .await
            .map_err(|e| e.to_string())?;
        for flow in &page.flows {
            match ingest(state, ws, &siren, flow).await.map_err(|e| e.to_string())? {
                Outcome::Status => report.statuses += 1,
                Outcome::Invoice => report.invoices += 1,
                Outcome::Unreadable => report.unreadable += 1,
                Outcome::Known => {}
            }
        }
        if page.cursor.is_some() {
            cursor = page.cursor;
        }
        save_cursor(state, ws, cursor.as_deref())
            .await
            .map_err(|e| e.to_string())?;
        if !page.more || started.elapsed() > BUDGET {
            break;
        }
    }
    Ok(report)
}

/// Reads the incoming flows of every enrolled workspace incoming flows (the scheduler's task);
/// returns how many flows were recorded. One workspace failing does not stop
/// the others.
pub async fn receive_all(state: &AppState) -> Result<u64, String> {
    let workspaces: Vec<Uuid> = einvoice_enrolment::Entity::find()
        .select_only()
        .column(einvoice_enrolment::Column::WorkspaceId)
        .into_tuple()
        .all(&state.db)
        .await
        .map_err(|e| e.to_string())?;
    let mut count = 0u64;
    for ws in workspaces {
        match receive(state, ws).await {
            Ok(r) => count += u64::from(r.statuses + r.invoices + r.unreadable),
            Err(error) => tracing::warn!(workspace = %ws, %error, "e-invoicing: incoming flows not read"),
        }
    }
    Ok(count)
}
