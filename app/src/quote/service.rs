//! Quote drafts: starting, autosaving, reading and listing. Every query is
//! restricted to the caller's workspace.

use super::profile;
use super::store::{self, draft_of, line_rows};
use super::validate::check_draft;
use super::{ContactMatch, QuoteDraft, QuoteList, QuoteRow, QuoteStatus, QuoteView};
use crate::audit::{EventAction, EventEntity};
use crate::domain::quote_check::{self, CheckedLine, CheckedQuote};
use crate::domain::quote_totals::Totals;
use crate::domain::{ContactId, QuoteId, Role};
use crate::error::AppError;
use crate::infra::entity::{contact, deal, lead, quote, quote_line};
use crate::infra::{Audit, Scope, Write, time};
use chrono::TimeDelta;
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;
use uuid::Uuid;

/// Rows per page of the quotes list.
pub const PAGE: u64 = 50;

/// A new draft's row, not stored: the workspace's defaults (validity,
/// payment terms, template) and, from a deal, its lead's client and site.
pub async fn prefilled(
    db: &impl ConnectionTrait,
    scope: &Scope,
    deal_id: Option<Uuid>,
) -> Result<quote::Model, AppError> {
    scope.require(Role::can_write_quotes)?;
    let ws = scope.workspace_id.0;
    let settings = profile::load(db, ws).await?;
    let mut q = store::blank(ws, time::now(), &settings);
    q.created_by_member_id = Some(scope.member_id.0);
    if let Some(deal_id) = deal_id {
        let (d, l) = deal_and_lead(db, ws, deal_id).await?;
        q.deal_id = Some(d.id);
        q.title = l.trade.clone();
        q.client_name = l.contact_name.clone();
        q.client_email = l.email.clone().unwrap_or_default();
        q.client_phone = l.phone.clone().unwrap_or_default();
        q.client_address = l.address.clone().unwrap_or_default();
        q.client_postcode = l.postcode.clone().unwrap_or_default();
        q.client_city = l.city.clone().unwrap_or_default();
        q.site_address = q.client_address.clone();
        q.site_postcode = q.client_postcode.clone();
        q.site_city = q.client_city.clone();
    }
    Ok(q)
}

/// Starts a draft (see [`prefilled`]) and stores it.
pub async fn create(w: &Write, scope: &Scope, deal_id: Option<Uuid>) -> Result<Uuid, AppError> {
    let q = prefilled(w, scope, deal_id).await?;
    quote::Entity::insert(q.clone().into_active_model().reset_all())
        .exec_without_returning(w)
        .await?;
    w.audit(
        Audit::of(EventEntity::Quote, Some(q.id), EventAction::QuoteCreated)
            .after(json!({ "deal_id": q.deal_id, "client": q.client_name })),
    )
    .await?;
    Ok(q.id)
}

async fn deal_and_lead(
    db: &impl ConnectionTrait,
    ws: Uuid,
    deal_id: Uuid,
) -> Result<(deal::Model, lead::Model), AppError> {
    let d = deal::Entity::find_by_id(deal_id)
        .filter(deal::Column::WorkspaceId.eq(ws))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let l = lead::Entity::find_by_id(d.lead_id)
        .filter(lead::Column::WorkspaceId.eq(ws))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((d, l))
}

/// The quote row, in the caller's workspace.
pub async fn find(db: &impl ConnectionTrait, ws: Uuid, id: Uuid) -> Result<quote::Model, AppError> {
    quote::Entity::find_by_id(id)
        .filter(quote::Column::WorkspaceId.eq(ws))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Saves the whole draft (the editor's autosave). Only drafts change in place.
pub async fn save(w: &Write, scope: &Scope, id: Uuid, draft: QuoteDraft) -> Result<(), AppError> {
    scope.require(Role::can_write_quotes)?;
    let ws = scope.workspace_id.0;
    find(w, ws, id).await?;
    check_draft(&draft).into_result()?;
    // A save racing a send waits for it, then finds the quote sent.
    let Some(q) = store::claim(w, ws, id, &[QuoteStatus::Draft]).await? else {
        return Err(AppError::Conflict(
            "Ce devis a été envoyé : créez une nouvelle version pour le modifier.".into(),
        ));
    };
    if let Some(contact_id) = draft.client.contact_id {
        contact::Entity::find_by_id(contact_id.0)
            .filter(contact::Column::WorkspaceId.eq(ws))
            .one(w)
            .await?
            .ok_or(AppError::NotFound)?;
    }
    if let Some(deal_id) = draft.deal_id
        && Some(deal_id.0) != q.deal_id
    {
        deal_and_lead(w, ws, deal_id.0).await?;
    }
    let totals = draft.totals();
    let mut row = q.into_active_model();
    store::apply_draft(&mut row, &draft, &totals);
    row.updated_at = Set(time::now());
    row.update(w).await?;
    quote_line::Entity::delete_many()
        .filter(quote_line::Column::WorkspaceId.eq(ws))
        .filter(quote_line::Column::QuoteId.eq(id))
        .exec(w)
        .await?;
    let lines = line_rows(ws, id, &draft.lines);
    if !lines.is_empty() {
        quote_line::Entity::insert_many(lines).exec_without_returning(w).await?;
    }
    w.audit(
        Audit::of(EventEntity::Quote, Some(id), EventAction::QuoteSaved).after(json!({
            "lines": draft.lines.len(), "total_ht": totals.total_ht, "total_ttc": totals.total_ttc,
        })),
    )
    .await?;
    Ok(())
}

/// Mandatory mentions still missing for this draft and workspace.
pub fn missing(
    settings: &crate::infra::entity::business_profile::Model,
    draft: &QuoteDraft,
    today: &str,
) -> Vec<quote_check::Missing> {
    let identity = profile::identity(settings);
    let checked = CheckedQuote {
        client_name: &draft.client.name,
        client_email: &draft.client.email,
        client_address: [&draft.client.address, &draft.client.postcode, &draft.client.city],
        site_address: [&draft.site_address, &draft.site_postcode, &draft.site_city],
        lines: draft
            .lines
            .iter()
            .map(|l| CheckedLine {
                section: l.section,
                description: &l.description,
                quantity: l.quantity,
                unit: l.unit,
                vat: l.vat,
            })
            .collect(),
        valid_until: &draft.valid_until,
        today,
    };
    quote_check::missing_mentions(&identity, &checked)
}

/// A quote with its lines, totals and the legal check.
pub async fn view(db: &impl ConnectionTrait, scope: &Scope, id: Uuid) -> Result<QuoteView, AppError> {
    scope.require(Role::can_read_quotes)?;
    let ws = scope.workspace_id.0;
    let q = find(db, ws, id).await?;
    let draft = draft_of(&q, &store::lines_of(db, ws, id).await?);
    let totals: Totals = draft.totals();
    let settings = profile::load(db, ws).await?;
    let today = time::paris_day(time::now()).format("%Y-%m-%d").to_string();
    let missing = if q.status.is_editable() {
        missing(&settings, &draft, &today)
    } else {
        Vec::new()
    };
    let at = |t: Option<chrono::DateTime<chrono::Utc>>| t.map(time::display).unwrap_or_default();
    Ok(QuoteView {
        id: QuoteId(q.id),
        number: q.number.clone(),
        version: q.version,
        status: q.status,
        editable: q.status.is_editable() && scope.role.can_write_quotes(),
        totals,
        missing,
        sent_at: at(q.sent_at),
        viewed_at: at(q.viewed_at),
        signed_at: at(q.signed_at),
        updated_at: time::display(q.updated_at),
        decline_reason: q.decline_reason.clone(),
        draft,
    })
}

fn row_of(q: &quote::Model) -> QuoteRow {
    QuoteRow {
        id: QuoteId(q.id),
        number: q.number.clone(),
        version: q.version,
        title: q.title.clone(),
        client: q.client_name.clone(),
        status: q.status,
        total_ht: q.total_ht_cents,
        total_ttc: q.total_ttc_cents,
        updated: time::paris_day(q.updated_at).format("%d/%m/%Y").to_string(),
    }
}

fn search(q: &str) -> Condition {
    let pattern = crate::infra::db::like_contains(&q.trim().to_lowercase());
    let lower = |col: quote::Column| Expr::expr(Func::lower(Expr::col(col))).like(pattern.clone());
    Condition::any()
        .add(lower(quote::Column::Title))
        .add(lower(quote::Column::ClientName))
        .add(lower(quote::Column::ClientCompany))
        .add(lower(quote::Column::Number))
}

/// The quotes list: a status filter and a search over number, title and
/// client; totals and per-status counts over everything the search matches.
pub async fn list(
    db: &impl ConnectionTrait,
    scope: &Scope,
    status: Option<QuoteStatus>,
    q: Option<String>,
    page: crate::domain::paging::Bounded,
) -> Result<QuoteList, AppError> {
    scope.require(Role::can_read_quotes)?;
    let mut base = quote::Entity::find().filter(quote::Column::WorkspaceId.eq(scope.workspace_id.0));
    if let Some(q) = q.as_deref().filter(|q| !q.trim().is_empty()) {
        base = base.filter(search(q));
    }
    let per_status: Vec<(QuoteStatus, i64)> = base
        .clone()
        .select_only()
        .column(quote::Column::Status)
        .column_as(Expr::col(quote::Column::Id).count(), "n")
        .group_by(quote::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    let filtered = match status {
        Some(s) => base.filter(quote::Column::Status.eq(s)),
        None => base,
    };
    let sums: Option<(i64, Option<i64>, Option<i64>)> = filtered
        .clone()
        .select_only()
        .column_as(Expr::col(quote::Column::Id).count(), "n")
        .column_as(
            Expr::from(Func::cast_as(Expr::col(quote::Column::TotalHtCents).sum(), "BIGINT")),
            "ht",
        )
        .column_as(
            Expr::from(Func::cast_as(Expr::col(quote::Column::TotalTtcCents).sum(), "BIGINT")),
            "ttc",
        )
        .into_tuple()
        .one(db)
        .await?;
    let (count, total_ht, total_ttc) = sums.unwrap_or_default();
    let rows = filtered
        .order_by_desc(quote::Column::UpdatedAt)
        .offset(page.rows(PAGE))
        .limit(PAGE)
        .all(db)
        .await?;
    let mut per_status: Vec<(QuoteStatus, u64)> = per_status.into_iter().map(|(s, n)| (s, n as u64)).collect();
    per_status.sort_by_key(|(s, _)| QuoteStatus::ALL.iter().position(|x| x == s));
    Ok(QuoteList {
        rows: rows.iter().map(row_of).collect(),
        count: count as u64,
        total_ht: total_ht.unwrap_or(0),
        total_ttc: total_ttc.unwrap_or(0),
        per_status,
    })
}

/// The quotes of one deal (the drawer's tab), newest first.
pub async fn of_deal(db: &impl ConnectionTrait, scope: &Scope, deal_id: Uuid) -> Result<Vec<QuoteRow>, AppError> {
    scope.require(Role::can_read_quotes)?;
    deal_and_lead(db, scope.workspace_id.0, deal_id).await?;
    let rows = quote::Entity::find()
        .filter(quote::Column::WorkspaceId.eq(scope.workspace_id.0))
        .filter(quote::Column::DealId.eq(deal_id))
        .order_by_desc(quote::Column::CreatedAt)
        .all(db)
        .await?;
    Ok(rows.iter().map(row_of).collect())
}

/// Contacts with this email or phone (the editor's duplicate warning).
pub async fn matching_contacts(
    db: &impl ConnectionTrait,
    scope: &Scope,
    email: &str,
    phone: &str,
) -> Result<Vec<ContactMatch>, AppError> {
    scope.require(Role::can_write_quotes)?;
    let mut any = Condition::any();
    if let Ok(e) = crate::domain::Email::parse(email) {
        any = any.add(contact::Column::Email.eq(e.as_str()));
    }
    if let Ok(p) = crate::domain::Phone::parse(phone) {
        any = any.add(contact::Column::Phone.eq(p.as_str()));
    }
    if any.is_empty() {
        return Ok(Vec::new());
    }
    let rows = contact::Entity::find()
        .filter(contact::Column::WorkspaceId.eq(scope.workspace_id.0))
        .filter(any)
        .order_by_desc(contact::Column::UpdatedAt)
        .limit(5)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|c| ContactMatch {
            id: ContactId(c.id),
            name: c.name,
            email: c.email,
            phone: c.phone,
            city: c.city,
        })
        .collect())
}

/// Days a sent quote stays valid by default when the draft has no date.
pub fn default_validity(days: i32) -> TimeDelta {
    TimeDelta::days(days.clamp(1, 365) as i64)
}
