//! Invoice drafts: starting one (from scratch, from a signed quote, or as a
//! credit note), autosaving, reading and listing. Every query is restricted
//! to the caller's workspace. Issuing is `issue`, payments `payments`.

use super::billing::{self, BilledLine, Earlier};
use super::document::shown_status;
use super::store::{self, draft_of, line_rows, lines_input, lines_of};
use super::validate::check_draft;
use super::{
    FromQuote, InvoiceDraft, InvoiceKind, InvoiceLink, InvoiceList, InvoiceRow, InvoiceStatus, InvoiceView, PaymentRow,
    settings,
};
use crate::audit::{EventAction, EventEntity};
use crate::domain::invoice_check::{self, CheckedInvoice, CheckedLine};
use crate::domain::quote_check::Missing;
use crate::domain::quote_totals::{Deposit, Totals};
use crate::domain::vat::{VatRate, div_round};
use crate::domain::{DealId, InvoiceId, PaymentId, QuoteId, Role};
use crate::error::AppError;
use crate::infra::entity::{invoice, invoice_line, payment, quote};
use crate::infra::{Audit, Scope, Write, time};
use crate::quote::QuoteStatus;
use crate::quote::profile;
use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;
use uuid::Uuid;

/// Rows per page of the invoices list.
pub const PAGE: u64 = 50;

fn today() -> NaiveDate {
    time::paris_day(time::now())
}

async fn insert(
    w: &Write,
    row: invoice::Model,
    lines: &[BilledLine],
    deducted: &[Uuid],
    quote_lines: &[Uuid],
) -> Result<Uuid, AppError> {
    let id = row.id;
    let ws = row.workspace_id;
    let kind = row.kind;
    invoice::Entity::insert(row.into_active_model().reset_all())
        .exec_without_returning(w)
        .await?;
    let rows = line_rows(ws, id, lines, deducted, quote_lines);
    if !rows.is_empty() {
        invoice_line::Entity::insert_many(rows)
            .exec_without_returning(w)
            .await?;
    }
    w.audit(
        Audit::of(EventEntity::Invoice, Some(id), EventAction::InvoiceCreated).after(json!({ "kind": kind.as_str() })),
    )
    .await?;
    Ok(id)
}

fn totals_of(lines: &[BilledLine]) -> Totals {
    let entries: Vec<_> = lines.iter().map(|l| l.line.entry()).collect();
    crate::domain::quote_totals::compute(&entries, Deposit::None)
}

fn set_totals(row: &mut invoice::Model, totals: &Totals) {
    row.total_ht_cents = totals.total_ht;
    row.total_vat_cents = totals.total_vat;
    row.total_ttc_cents = totals.total_ttc;
}

/// Starts a blank standalone invoice.
pub async fn create(w: &Write, scope: &Scope) -> Result<Uuid, AppError> {
    scope.require(Role::can_write_invoices)?;
    let ws = scope.workspace_id.0;
    let s = settings::load(w, ws).await?;
    let mut row = store::blank(ws, InvoiceKind::Standalone, time::now(), &s);
    row.created_by_member_id = Some(scope.member_id.0);
    insert(w, row, &[], &[], &[]).await
}

/// The invoices already made on a quote that count (issued, not fully credited).
async fn billed_on_quote(db: &impl ConnectionTrait, ws: Uuid, quote_id: Uuid) -> Result<Vec<invoice::Model>, AppError> {
    Ok(invoice::Entity::find()
        .filter(invoice::Column::WorkspaceId.eq(ws))
        .filter(invoice::Column::QuoteId.eq(quote_id))
        .filter(invoice::Column::Kind.ne(InvoiceKind::CreditNote))
        .order_by_asc(invoice::Column::IssuedAt)
        .all(db)
        .await?)
}

/// Net HT per rate of an invoice, minus its credit notes.
pub(crate) async fn net_per_rate(
    db: &impl ConnectionTrait,
    ws: Uuid,
    inv: &invoice::Model,
) -> Result<Vec<(VatRate, i64)>, AppError> {
    let mut per_rate: Vec<(VatRate, i64)> = Vec::new();
    let mut add = |totals: &Totals, sign: i64| {
        for v in &totals.vat {
            match per_rate.iter_mut().find(|(r, _)| *r == v.rate) {
                Some((_, net)) => *net += sign * v.base,
                None => per_rate.push((v.rate, sign * v.base)),
            }
        }
    };
    add(&draft_of(inv, &lines_of(db, ws, inv.id).await?).totals(), 1);
    let credit_notes = invoice::Entity::find()
        .filter(invoice::Column::WorkspaceId.eq(ws))
        .filter(invoice::Column::CorrectsId.eq(inv.id))
        .filter(invoice::Column::Status.ne(InvoiceStatus::Draft))
        .all(db)
        .await?;
    for cn in credit_notes {
        add(&draft_of(&cn, &lines_of(db, ws, cn.id).await?).totals(), -1);
    }
    Ok(per_rate)
}

/// What billing a signed quote gives now, given the invoices already made on it.
pub struct Plan {
    /// The quote.
    pub quote: quote::Model,
    /// The kind of invoice.
    pub kind: InvoiceKind,
    /// Its lines.
    pub lines: Vec<BilledLine>,
    /// Overall progress of a situation, basis points.
    pub progress: i32,
    /// The earlier invoices a deduction line may name (by index).
    pub deducted: Vec<Uuid>,
    /// The quote's line ids (by entry index).
    pub quote_lines: Vec<Uuid>,
    /// The invoices made on the quote before.
    pub earlier: Vec<invoice::Model>,
}

/// Plans an invoice on a signed quote, the quote's row held until the
/// transaction ends (two people billing the same quote take turns). `exclude`
/// is a draft being issued (it does not count as an earlier invoice).
pub async fn plan(
    w: &Write,
    ws: Uuid,
    quote_id: Uuid,
    what: FromQuote,
    exclude: Option<Uuid>,
) -> Result<Plan, AppError> {
    crate::quote::service::find(w, ws, quote_id).await?;
    let Some(q) = crate::quote::store::claim(w, ws, quote_id, &[QuoteStatus::Signed]).await? else {
        return Err(AppError::Conflict("Seul un devis signé se facture.".into()));
    };
    let quote_lines = crate::quote::store::lines_of(w, ws, quote_id).await?;
    let quote_draft = crate::quote::store::draft_of(&q, &quote_lines);
    let quote_totals = quote_draft.totals();
    let number = q.number.clone().unwrap_or_default();
    let mut earlier = billed_on_quote(w, ws, quote_id).await?;
    earlier.retain(|i| Some(i.id) != exclude);
    if earlier.iter().any(|i| i.status == InvoiceStatus::Draft) {
        return Err(AppError::Conflict(
            "Un brouillon de facture existe déjà sur ce devis : émettez-le ou supprimez-le d'abord.".into(),
        ));
    }
    let counted: Vec<&invoice::Model> = earlier.iter().filter(|i| i.status != InvoiceStatus::Credited).collect();
    if counted.iter().any(|i| i.kind == InvoiceKind::Final) {
        return Err(AppError::Conflict(
            "La facture de solde de ce devis est déjà émise.".into(),
        ));
    }
    let invoiced_ttc: i64 = counted.iter().map(|i| i.total_ttc_cents - i.credited_cents).sum();
    let (kind, lines, progress) = match what {
        FromQuote::Deposit(deposit) => {
            let amount = match deposit {
                Deposit::None => quote_totals.deposit,
                Deposit::Percent(bp) if (1..=10_000).contains(&bp) => {
                    div_round(quote_totals.total_ttc as i128 * bp as i128, 10_000) as i64
                }
                Deposit::Amount(cents) => cents,
                Deposit::Percent(_) => 0,
            };
            if amount <= 0 {
                return Err(AppError::field(
                    "deposit",
                    "Indiquez le montant ou le pourcentage de l'acompte (ce devis n'en prévoit pas).",
                ));
            }
            if amount > quote_totals.total_ttc - invoiced_ttc {
                return Err(AppError::field(
                    "deposit",
                    "L'acompte dépasse ce qui reste à facturer sur ce devis.",
                ));
            }
            (
                InvoiceKind::Deposit,
                billing::deposit_lines(&number, &quote_totals, amount),
                0,
            )
        }
        FromQuote::Progress(_) | FromQuote::ProgressLines(_) => {
            // The same progress everywhere, or one per line (its errors at its own field).
            let (targets, field) = match what {
                FromQuote::Progress(bp) => {
                    if !(1..=10_000).contains(&bp) {
                        return Err(AppError::field(
                            "progress",
                            "L'avancement est compris entre 1 et 100 %.",
                        ));
                    }
                    (billing::uniform(&quote_draft.lines, bp), "progress")
                }
                FromQuote::ProgressLines(targets) => {
                    if targets.len() != quote_draft.lines.len() {
                        return Err(AppError::field(
                            "progress_lines",
                            "Indiquez l'avancement de chaque ligne du devis.",
                        ));
                    }
                    (targets, "progress_lines")
                }
                _ => return Err(AppError::Internal),
            };
            let mut previous = vec![0; quote_lines.len()];
            for inv in counted.iter().filter(|i| i.kind == InvoiceKind::Progress) {
                for l in lines_of(w, ws, inv.id).await? {
                    if let Some(at) = quote_lines.iter().position(|ql| Some(ql.id) == l.quote_line_id) {
                        previous[at] = Ord::max(previous[at], l.progress_bp);
                    }
                }
            }
            let lines = billing::progress_lines(&quote_draft.lines, &targets, &previous).map_err(|e| match e {
                billing::ProgressError::OutOfRange => {
                    AppError::field(field, "L'avancement est compris entre 0 et 100 %.")
                }
                billing::ProgressError::Nothing => {
                    AppError::field(field, "Indiquez l'avancement d'au moins une ligne.")
                }
                billing::ProgressError::BelowPrevious(line) => AppError::field(
                    field,
                    format!("L'avancement ne peut pas reculer : « {line} » a déjà été facturé au-delà."),
                ),
            })?;
            // The overall progress of what the lines now reach.
            let mut reached = vec![0; quote_draft.lines.len()];
            for l in &lines {
                if let Some(at) = l.quote_entry {
                    reached[at] = l.progress_bp;
                }
            }
            for (at, before) in previous.iter().enumerate() {
                reached[at] = Ord::max(reached[at], *before);
            }
            (
                InvoiceKind::Progress,
                lines,
                billing::overall_bp(&quote_draft.lines, &reached),
            )
        }
        FromQuote::Final => {
            let mut list = Vec::new();
            for inv in &counted {
                let net = net_per_rate(w, ws, inv).await?;
                list.push(Earlier {
                    number: inv.number.clone().unwrap_or_default(),
                    issued: inv
                        .issue_date
                        .map(|d| d.format("%d/%m/%Y").to_string())
                        .unwrap_or_default(),
                    net_per_rate: net,
                });
            }
            (InvoiceKind::Final, billing::final_lines(&quote_draft.lines, &list), 0)
        }
    };
    let totals = totals_of(&lines);
    if totals.total_ttc < 0 {
        return Err(AppError::field(
            "final",
            "La facture de solde serait négative : ce qui a déjà été facturé dépasse le devis. Émettez un avoir.",
        ));
    }
    let deducted: Vec<Uuid> = counted.iter().map(|i| i.id).collect();
    let quote_line_ids: Vec<Uuid> = quote_lines.iter().map(|l| l.id).collect();
    Ok(Plan {
        quote: q,
        kind,
        lines,
        progress,
        deducted,
        quote_lines: quote_line_ids,
        earlier,
    })
}

/// Starts an invoice on a signed quote: a deposit, a progress invoice or the final one.
pub async fn create_from_quote(w: &Write, scope: &Scope, quote_id: Uuid, what: FromQuote) -> Result<Uuid, AppError> {
    scope.require(Role::can_write_invoices)?;
    let ws = scope.workspace_id.0;
    let Plan {
        quote: q,
        kind,
        lines,
        progress,
        deducted,
        quote_lines: quote_line_ids,
        earlier,
    } = plan(w, ws, quote_id, what, None).await?;
    let totals = totals_of(&lines);
    let s = settings::load(w, ws).await?;
    let mut row = store::blank(ws, kind, time::now(), &s);
    row.created_by_member_id = Some(scope.member_id.0);
    row.quote_id = Some(q.id);
    row.deal_id = q.deal_id;
    row.contact_id = q.contact_id;
    row.title = q.title.clone();
    row.client_name = q.client_name.clone();
    row.client_company = q.client_company.clone();
    row.client_email = q.client_email.clone();
    row.client_address = q.client_address.clone();
    row.client_postcode = q.client_postcode.clone();
    row.client_city = q.client_city.clone();
    row.site_address = q.site_address.clone();
    row.site_postcode = q.site_postcode.clone();
    row.site_city = q.site_city.clone();
    // The signed quote carried the client's certification for reduced rates.
    row.reduced_rate_certified = true;
    row.progress_bp = progress;
    set_totals(&mut row, &totals);
    // A business client's SIREN and VAT number come from its last invoice.
    if !row.client_company.is_empty()
        && let Some(prev) = earlier.iter().rev().find(|i| !i.client_siren.is_empty())
    {
        row.client_siren = prev.client_siren.clone();
        row.client_vat_number = prev.client_vat_number.clone();
    }
    insert(w, row, &lines, &deducted, &quote_line_ids).await
}

/// Starts a credit note on an issued invoice: a copy of its body (`full`),
/// or one line to fill in (a partial credit note).
pub async fn create_credit_note(w: &Write, scope: &Scope, invoice_id: Uuid, full: bool) -> Result<Uuid, AppError> {
    scope.require(Role::can_issue_invoices)?;
    let ws = scope.workspace_id.0;
    let inv = store::find(w, ws, invoice_id).await?;
    if inv.kind == InvoiceKind::CreditNote {
        return Err(AppError::Conflict(
            "Un avoir ne se corrige pas par un autre avoir.".into(),
        ));
    }
    if inv.status == InvoiceStatus::Draft {
        return Err(AppError::Conflict(
            "Un brouillon se modifie ou se supprime : l'avoir corrige une facture émise.".into(),
        ));
    }
    let remaining = inv.total_ttc_cents - inv.credited_cents;
    if remaining <= 0 {
        return Err(AppError::Conflict(
            "Cette facture est déjà entièrement annulée par avoir.".into(),
        ));
    }
    let pending = invoice::Entity::find()
        .filter(invoice::Column::WorkspaceId.eq(ws))
        .filter(invoice::Column::CorrectsId.eq(invoice_id))
        .filter(invoice::Column::Status.eq(InvoiceStatus::Draft))
        .count(w)
        .await?;
    if pending > 0 {
        return Err(AppError::Conflict(
            "Un brouillon d'avoir existe déjà pour cette facture.".into(),
        ));
    }
    let source = lines_input(&lines_of(w, ws, invoice_id).await?);
    let number = inv.number.clone().unwrap_or_default();
    let lines: Vec<BilledLine> = if full && inv.credited_cents == 0 {
        source
            .into_iter()
            .map(|line| BilledLine {
                line,
                quote_entry: None,
                progress_bp: 0,
                deducts: None,
            })
            .collect()
    } else {
        // The rate with the most left to credit (a credit note only takes
        // back VAT that was charged).
        let rate = net_per_rate(w, ws, &inv)
            .await?
            .into_iter()
            .max_by_key(|(_, base)| *base)
            .map(|(rate, _)| rate)
            .unwrap_or(VatRate::Standard);
        vec![BilledLine {
            line: crate::quote::LineInput {
                section: false,
                description: format!("Avoir partiel sur la facture {number}"),
                quantity: 1_000,
                unit: crate::domain::vat::Unit::Flat,
                unit_price: 0,
                vat: rate,
                discount: crate::domain::quote_totals::Discount::None,
            },
            quote_entry: None,
            progress_bp: 0,
            deducts: None,
        }]
    };
    let totals = totals_of(&lines);
    let mut row = inv.clone();
    row.id = Uuid::now_v7();
    row.kind = InvoiceKind::CreditNote;
    row.status = InvoiceStatus::Draft;
    row.number = None;
    row.corrects_id = Some(inv.id);
    row.title = format!("Avoir sur la facture {number}");
    row.progress_bp = 0;
    row.holdback_bp = 0;
    row.holdback_cents = 0;
    row.credited_cents = 0;
    row.paid_cents = 0;
    row.issue_date = None;
    row.due_date = None;
    row.pdf_file_id = None;
    row.pdf_sha256 = None;
    row.notes = String::new();
    row.created_by_member_id = Some(scope.member_id.0);
    let now = time::now();
    row.created_at = now;
    row.updated_at = now;
    row.issued_at = None;
    row.sent_at = None;
    set_totals(&mut row, &totals);
    insert(w, row, &lines, &[], &[]).await
}

/// Saves a whole draft. The lines of an invoice made from a quote come from
/// the quote: they cannot be changed here (make a new one instead).
pub async fn save(w: &Write, scope: &Scope, id: Uuid, draft: InvoiceDraft) -> Result<(), AppError> {
    scope.require(Role::can_write_invoices)?;
    check_draft(&draft).into_result()?;
    let ws = scope.workspace_id.0;
    let Some(current) = store::claim(w, ws, id, &[InvoiceStatus::Draft]).await? else {
        store::find(w, ws, id).await?;
        return Err(AppError::Conflict(
            "Une facture émise ne se modifie plus : créez un avoir pour la corriger.".into(),
        ));
    };
    if current.kind == InvoiceKind::CreditNote {
        scope.require(Role::can_issue_invoices)?;
    }
    let stored_lines = lines_of(w, ws, id).await?;
    let from_quote = matches!(
        current.kind,
        InvoiceKind::Deposit | InvoiceKind::Progress | InvoiceKind::Final
    );
    if from_quote && lines_input(&stored_lines) != draft.lines {
        return Err(AppError::field(
            "lines",
            "Les lignes d'une facture sur devis viennent du devis : supprimez ce brouillon et recréez-le.",
        ));
    }
    let totals = draft.totals();
    let mut row = current.into_active_model();
    store::apply_draft(&mut row, &draft, &totals);
    row.updated_at = Set(time::now());
    row.update(w).await?;
    if !from_quote {
        invoice_line::Entity::delete_many()
            .filter(invoice_line::Column::WorkspaceId.eq(ws))
            .filter(invoice_line::Column::InvoiceId.eq(id))
            .exec(w)
            .await?;
        let billed: Vec<BilledLine> = draft
            .lines
            .iter()
            .cloned()
            .map(|line| BilledLine {
                line,
                quote_entry: None,
                progress_bp: 0,
                deducts: None,
            })
            .collect();
        let rows = line_rows(ws, id, &billed, &[], &[]);
        if !rows.is_empty() {
            invoice_line::Entity::insert_many(rows)
                .exec_without_returning(w)
                .await?;
        }
    }
    w.audit(
        Audit::of(EventEntity::Invoice, Some(id), EventAction::InvoiceSaved).after(json!({
            "total_ttc": totals.total_ttc,
        })),
    )
    .await?;
    Ok(())
}

/// Deletes a draft (never an issued invoice).
pub async fn delete(w: &Write, scope: &Scope, id: Uuid) -> Result<(), AppError> {
    scope.require(Role::can_write_invoices)?;
    let ws = scope.workspace_id.0;
    let Some(current) = store::claim(w, ws, id, &[InvoiceStatus::Draft]).await? else {
        store::find(w, ws, id).await?;
        return Err(AppError::Conflict(
            "Une facture émise ne se supprime jamais : créez un avoir pour l'annuler.".into(),
        ));
    };
    if current.kind == InvoiceKind::CreditNote {
        scope.require(Role::can_issue_invoices)?;
    }
    invoice_line::Entity::delete_many()
        .filter(invoice_line::Column::WorkspaceId.eq(ws))
        .filter(invoice_line::Column::InvoiceId.eq(id))
        .exec(w)
        .await?;
    invoice::Entity::delete_by_id(id).exec(w).await?;
    w.audit(
        Audit::of(EventEntity::Invoice, Some(id), EventAction::InvoiceDeleted)
            .before(json!({ "kind": current.kind.as_str(), "total_ttc": current.total_ttc_cents })),
    )
    .await?;
    Ok(())
}

/// The legal check of a stored invoice against the business's identity.
pub fn missing(
    profile: &crate::infra::entity::business_profile::Model,
    m: &invoice::Model,
    draft: &InvoiceDraft,
    totals: &Totals,
) -> Vec<Missing> {
    let identity = profile::identity(profile);
    let lines: Vec<CheckedLine<'_>> = draft
        .lines
        .iter()
        .filter(|l| !l.section)
        .map(|l| CheckedLine {
            description: &l.description,
            quantity: l.quantity,
            vat: l.vat,
        })
        .collect();
    let c = &draft.client;
    invoice_check::missing_mentions(
        &identity,
        &CheckedInvoice {
            credit_note: m.kind == InvoiceKind::CreditNote,
            client_name: &c.name,
            client_email: &c.email,
            client_address: [&c.address, &c.postcode, &c.city],
            business_client: c.is_business(),
            client_siren: &c.siren,
            site_address: [&draft.site_address, &draft.site_postcode, &draft.site_city],
            lines,
            reverse_charge: draft.reverse_charge,
            reduced_rate_certified: draft.reduced_rate_certified,
            payment_terms: &draft.payment_terms,
            due_days: draft.due_days,
            late_penalty: &draft.late_penalty,
            early_discount: &draft.early_discount,
            negative_total: totals.total_ttc < 0,
        },
    )
}

/// What is left to pay now: TTC − credited − paid − the holdback still held.
pub fn balance(m: &invoice::Model) -> i64 {
    if m.kind == InvoiceKind::CreditNote || m.status == InvoiceStatus::Draft {
        return 0;
    }
    Ord::max(
        m.total_ttc_cents - m.credited_cents - m.paid_cents - m.holdback_cents,
        0,
    )
}

fn link(m: &invoice::Model, today: NaiveDate) -> InvoiceLink {
    InvoiceLink {
        id: InvoiceId(m.id),
        number: m.number.clone(),
        kind: m.kind,
        status: shown_status(m, today),
        total_ttc: m.total_ttc_cents,
    }
}

/// An invoice with its lines, totals, payments, credit notes and the legal check.
pub async fn view(db: &impl ConnectionTrait, scope: &Scope, id: Uuid) -> Result<InvoiceView, AppError> {
    scope.require(Role::can_read_invoices)?;
    let ws = scope.workspace_id.0;
    let m = store::find(db, ws, id).await?;
    let draft = draft_of(&m, &lines_of(db, ws, id).await?);
    let totals = draft.totals();
    let today = today();
    let profile = profile::load(db, ws).await?;
    let missing = if m.status == InvoiceStatus::Draft {
        missing(&profile, &m, &draft, &totals)
    } else {
        Vec::new()
    };
    let quote = match m.quote_id {
        Some(qid) => quote::Entity::find_by_id(qid)
            .filter(quote::Column::WorkspaceId.eq(ws))
            .one(db)
            .await?
            .map(|q| (QuoteId(q.id), q.number.unwrap_or_default())),
        None => None,
    };
    let corrects = match m.corrects_id {
        Some(cid) => Some(link(&store::find(db, ws, cid).await?, today)),
        None => None,
    };
    let credit_notes = invoice::Entity::find()
        .filter(invoice::Column::WorkspaceId.eq(ws))
        .filter(invoice::Column::CorrectsId.eq(id))
        .order_by_asc(invoice::Column::CreatedAt)
        .all(db)
        .await?
        .iter()
        .map(|cn| link(cn, today))
        .collect();
    let payments = payment::Entity::find()
        .filter(payment::Column::WorkspaceId.eq(ws))
        .filter(payment::Column::InvoiceId.eq(id))
        .order_by_asc(payment::Column::PaidOn)
        .order_by_asc(payment::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|p| PaymentRow {
            id: PaymentId(p.id),
            paid_on: p.paid_on.format("%Y-%m-%d").to_string(),
            amount: p.amount_cents,
            method: p.method,
            reference: p.reference,
        })
        .collect();
    let editable = m.status == InvoiceStatus::Draft && scope.role.can_write_invoices();
    Ok(InvoiceView {
        id: InvoiceId(m.id),
        kind: m.kind,
        status: shown_status(&m, today),
        number: m.number.clone(),
        totals,
        holdback: m.holdback_cents,
        credited: m.credited_cents,
        paid: m.paid_cents,
        balance: balance(&m),
        issue_date: m
            .issue_date
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        due_date: if m.status == InvoiceStatus::Draft {
            String::new()
        } else {
            m.due_date.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
        },
        missing,
        quote,
        deal_id: m.deal_id.map(DealId),
        corrects,
        credit_notes,
        payments,
        editable,
        can_manage: scope.role.can_issue_invoices(),
        today: today.format("%Y-%m-%d").to_string(),
        reminders_enabled: m.reminders_enabled,
        reminders_sent: m.reminders_sent,
        draft,
    })
}

fn row_of(m: &invoice::Model, today: NaiveDate) -> InvoiceRow {
    let client = if m.client_company.is_empty() {
        m.client_name.clone()
    } else {
        m.client_company.clone()
    };
    InvoiceRow {
        id: InvoiceId(m.id),
        number: m.number.clone(),
        kind: m.kind,
        title: m.title.clone(),
        client,
        status: shown_status(m, today),
        total_ttc: m.total_ttc_cents,
        balance: balance(m),
        issued: m
            .issue_date
            .map(|d| d.format("%d/%m/%Y").to_string())
            .unwrap_or_default(),
        due: if m.status == InvoiceStatus::Draft {
            String::new()
        } else {
            m.due_date.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default()
        },
    }
}

/// The invoices list: a status filter (`overdue` included), a search on
/// number, title and client, 50 per page, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    scope: &Scope,
    status: Option<InvoiceStatus>,
    search: Option<String>,
    page: crate::domain::paging::Bounded,
) -> Result<InvoiceList, AppError> {
    scope.require(Role::can_read_invoices)?;
    let ws = scope.workspace_id.0;
    let today = today();
    let mut cond = Condition::all().add(invoice::Column::WorkspaceId.eq(ws));
    match status {
        Some(InvoiceStatus::Overdue) => {
            cond = cond
                .add(invoice::Column::Status.is_in([
                    InvoiceStatus::Issued,
                    InvoiceStatus::Sent,
                    InvoiceStatus::PartiallyPaid,
                ]))
                .add(invoice::Column::Kind.ne(InvoiceKind::CreditNote))
                .add(invoice::Column::DueDate.lt(today));
        }
        Some(s) => cond = cond.add(invoice::Column::Status.eq(s)),
        None => {}
    }
    if let Some(text) = search.map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty()) {
        let pattern = crate::infra::db::like_contains(&text);
        let mut any = Condition::any();
        for col in [
            invoice::Column::Number,
            invoice::Column::Title,
            invoice::Column::ClientName,
            invoice::Column::ClientCompany,
        ] {
            any = any.add(Expr::expr(Func::lower(Expr::col(col))).like(pattern.clone()));
        }
        cond = cond.add(any);
    }
    let count = invoice::Entity::find().filter(cond.clone()).count(db).await?;
    let rows = invoice::Entity::find()
        .filter(cond.clone())
        .order_by_desc(invoice::Column::CreatedAt)
        .offset(page.rows(PAGE))
        .limit(PAGE)
        .all(db)
        .await?;
    let sum = |filter: Condition, expr: sea_orm::sea_query::SimpleExpr| {
        invoice::Entity::find()
            .filter(filter)
            .select_only()
            .column_as(Expr::from(Func::cast_as(expr.sum(), "BIGINT")), "s")
            .into_tuple::<Option<i64>>()
            .one(db)
    };
    let issued = cond.clone().add(invoice::Column::Status.ne(InvoiceStatus::Draft));
    let billed = sum(
        issued.clone().add(invoice::Column::Kind.ne(InvoiceKind::CreditNote)),
        Expr::col(invoice::Column::TotalTtcCents),
    )
    .await?
    .flatten()
    .unwrap_or(0);
    let credited = sum(
        issued.clone().add(invoice::Column::Kind.eq(InvoiceKind::CreditNote)),
        Expr::col(invoice::Column::TotalTtcCents),
    )
    .await?
    .flatten()
    .unwrap_or(0);
    let outstanding = sum(
        issued
            .add(invoice::Column::Kind.ne(InvoiceKind::CreditNote))
            .add(invoice::Column::Status.is_in([
                InvoiceStatus::Issued,
                InvoiceStatus::Sent,
                InvoiceStatus::PartiallyPaid,
            ])),
        Expr::col(invoice::Column::TotalTtcCents)
            .sub(Expr::col(invoice::Column::CreditedCents))
            .sub(Expr::col(invoice::Column::PaidCents))
            .sub(Expr::col(invoice::Column::HoldbackCents)),
    )
    .await?
    .flatten()
    .unwrap_or(0);
    Ok(InvoiceList {
        rows: rows.iter().map(|m| row_of(m, today)).collect(),
        count,
        invoiced: billed - credited,
        outstanding: Ord::max(outstanding, 0),
    })
}

/// The invoices of a quote (its page's billing card).
pub async fn of_quote(db: &impl ConnectionTrait, scope: &Scope, quote_id: Uuid) -> Result<Vec<InvoiceRow>, AppError> {
    scope.require(Role::can_read_invoices)?;
    let ws = scope.workspace_id.0;
    crate::quote::service::find(db, ws, quote_id).await?;
    let today = today();
    let ids: Vec<Uuid> = invoice::Entity::find()
        .filter(invoice::Column::WorkspaceId.eq(ws))
        .filter(invoice::Column::QuoteId.eq(quote_id))
        .select_only()
        .column(invoice::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let rows = invoice::Entity::find()
        .filter(invoice::Column::WorkspaceId.eq(ws))
        .filter(
            Condition::any()
                .add(invoice::Column::QuoteId.eq(quote_id))
                .add(invoice::Column::CorrectsId.is_in(ids)),
        )
        .order_by_asc(invoice::Column::CreatedAt)
        .all(db)
        .await?;
    Ok(rows.iter().map(|m| row_of(m, today)).collect())
}
