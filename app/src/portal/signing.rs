//! Signing and declining in the portal. Signing stores the proof (drawn
//! image, name, email, UTC time, IP, user agent, SHA-256 of the exact PDF the
//! client was shown), produces and stores the signed copy, locks the quote,
//! then applies the pipeline rule (deal won, the lead's other deals lost, job
//! opened) and emails the signed copy to the client and a notice to the
//! business — all in one write envelope.

use super::service::{Opened, closed_reason, open_for_client, portal_view};
use super::{MAX_SIGNATURE_BYTES, PortalQuote};
use crate::audit::{EventAction, EventEntity};
use crate::domain::deal_rules::Trigger;
use crate::domain::image::ImageKind;
use crate::domain::money::format_eur;
use crate::domain::{DealId, DomainEvent, Email, QuoteId, WorkspaceId};
use crate::error::{AppError, FieldErrors};
use crate::infra::crypto::sha256_bytes_hex;
use crate::infra::entity::{member, quote, quote_signature, user};
use crate::infra::{Audit, Write, files, time};
use crate::outbox::EmailKind;
use crate::outbox::service::{self as outbox, NewEmail};
use crate::pipeline::rules::{self, Placement};
use crate::quote::document::{self, SignatureBlock};
use crate::quote::send::render;
use crate::quote::store::draft_of;
use crate::quote::store::lines_of;
use crate::quote::{ACCEPTANCE, QuoteStatus, emails, profile};
use base64::Engine;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter,
};
use serde_json::json;
use uuid::Uuid;

/// What the signature form posts.
pub struct SignatureInput {
    /// Name typed by the signer.
    pub signer_name: String,
    /// Email typed by the signer.
    pub signer_email: String,
    /// The acceptance box.
    pub accepted: bool,
    /// The drawing, as a `data:image/png;base64,…` URL or bare base64.
    pub signature_png: String,
}

/// A signature whose fields passed the checks.
pub struct CheckedSignature {
    signer: String,
    signer_email: String,
    png: Vec<u8>,
}

/// Checks what the signature form posted (before any database work).
pub fn check(input: &SignatureInput) -> Result<CheckedSignature, AppError> {
    let mut errors = FieldErrors::new();
    let name = input.signer_name.trim().to_string();
    if name.chars().count() < 2 || name.chars().count() > 120 {
        errors.push("signer_name", "Saisissez votre nom et prénom.");
    }
    let email = errors.check("signer_email", Email::parse(&input.signer_email));
    if !input.accepted {
        errors.push(
            "accepted",
            "Cochez la mention « Devis reçu avant l'exécution des travaux — bon pour accord ».",
        );
    }
    let raw = input.signature_png.trim();
    let b64 = raw.strip_prefix("data:image/png;base64,").unwrap_or(raw);
    let png = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap_or_default();
    match crate::domain::image::inspect(&png) {
        _ if png.len() > MAX_SIGNATURE_BYTES => errors.push("signature", "Signature trop lourde."),
        Some(i) if i.kind == ImageKind::Png && (50..=4000).contains(&i.width) && (20..=4000).contains(&i.height) => {}
        _ => errors.push("signature", "Dessinez votre signature dans le cadre."),
    }
    errors.into_result()?;
    Ok(CheckedSignature {
        signer: name,
        signer_email: email.map(|e| e.as_str().to_string()).unwrap_or_default(),
        png,
    })
}

/// Who hears about a client's answer: the quote's author, or the workspace's owners.
async fn notice_recipients(txn: &DatabaseTransaction, q: &quote::Model) -> Result<Vec<String>, AppError> {
    let members = member::Entity::find()
        .filter(member::Column::WorkspaceId.eq(q.workspace_id))
        .all(txn)
        .await?;
    let chosen: Vec<&member::Model> = match members.iter().find(|m| Some(m.id) == q.created_by_member_id) {
        Some(author) => vec![author],
        None => members
            .iter()
            .filter(|m| m.role == crate::domain::Role::Owner)
            .collect(),
    };
    let mut out = Vec::new();
    for m in chosen {
        if let Some(u) = user::Entity::find_by_id(m.user_id).one(txn).await? {
            out.push(u.email);
        }
    }
    Ok(out)
}

/// Takes the quote for the client's answer: one winner between a signature
/// and a refusal sent together (or two of either), then the other reasons a
/// quote can no longer be answered.
async fn take(txn: &DatabaseTransaction, q: quote::Model) -> Result<quote::Model, AppError> {
    let claimed =
        crate::quote::store::claim(txn, q.workspace_id, q.id, &[QuoteStatus::Sent, QuoteStatus::Viewed]).await?;
    let Some(q) = claimed else {
        // Answered meanwhile: say how, from the row as it is now.
        let now = crate::quote::service::find(txn, q.workspace_id, q.id).await?;
        let reason = closed_reason(txn, &now).await?;
        return Err(AppError::Conflict(
            reason.unwrap_or_else(|| "Ce devis a déjà reçu une réponse.".into()),
        ));
    };
    if let Some(reason) = closed_reason(txn, &q).await? {
        return Err(AppError::Conflict(reason));
    }
    Ok(q)
}

/// Signs the quote behind `token`, acting for the client.
pub async fn sign(w: &Write, token: &str, input: CheckedSignature) -> Result<PortalQuote, AppError> {
    let CheckedSignature {
        signer,
        signer_email,
        png,
    } = input;
    let state = w.state().clone();
    let meta = w.actor().meta;
    let Opened { quote: q, .. } = open_for_client(w, token).await?;
    let q = take(w, q).await?;
    let ws = q.workspace_id;
    let shown = files::load(w, ws, q.pdf_file_id.ok_or(AppError::Internal)?)
        .await?
        .ok_or(AppError::Internal)?;
    let shown_sha = sha256_bytes_hex(&shown.bytes);
    if Some(&shown_sha) != q.pdf_sha256.as_ref() {
        tracing::error!(quote = %q.id, "stored quote PDF does not match its recorded hash");
        return Err(AppError::Internal);
    }
    let now = time::now();
    let number = q.number.clone().unwrap_or_default();
    let settings = profile::load(w, ws).await?;
    let draft = draft_of(&q, &lines_of(w, ws, q.id).await?);
    let sent_day = q.sent_at.map(time::paris_day).unwrap_or_else(|| time::paris_day(now));
    let block = SignatureBlock {
        statement: format!(
            "Signé électroniquement le {} (heure de Paris) par {signer} <{signer_email}> — « {ACCEPTANCE} »",
            time::display(now)
        ),
        fingerprint: format!("Empreinte SHA-256 du devis présenté au client : {shown_sha}"),
        image: png.clone(),
    };
    let doc = document::build(
        &settings,
        &draft,
        &draft.totals(),
        Some(&number),
        q.version,
        &sent_day.format("%Y-%m-%d").to_string(),
        Some(block),
    )
    .with_logo(profile::logo(w, &settings).await?);
    let signed_pdf = render(&state, doc).await?;
    let (signature_file, _) = files::store(w, ws, "signature", "image/png", "signature.png", png).await?;
    let (signed_file, signed_sha) = files::store(
        w,
        ws,
        "signed_quote_pdf",
        "application/pdf",
        &format!("{number}-signe.pdf"),
        signed_pdf,
    )
    .await?;
    quote_signature::Entity::insert(quote_signature::ActiveModel {
        id: Set(Uuid::now_v7()),
        workspace_id: Set(ws),
        quote_id: Set(q.id),
        signer_name: Set(signer.clone()),
        signer_email: Set(signer_email.clone()),
        mention: Set(ACCEPTANCE.into()),
        signed_at: Set(now),
        ip: Set(meta.ip.clone().unwrap_or_default()),
        user_agent: Set(meta.user_agent.clone().unwrap_or_default()),
        pdf_sha256: Set(shown_sha.clone()),
        signature_file_id: Set(signature_file),
        signed_pdf_file_id: Set(signed_file),
    })
    .exec_without_returning(w)
    .await?;
    let mut row = q.clone().into_active_model();
    row.status = Set(QuoteStatus::Signed);
    row.signed_at = Set(Some(now));
    row.signed_pdf_file_id = Set(Some(signed_file));
    row.updated_at = Set(now);
    let q = row.update(w).await?;
    w.audit(
        Audit::of(EventEntity::Quote, Some(q.id), EventAction::QuoteSigned).after(json!({
            "number": number, "signer": signer, "email": signer_email, "pdf_sha256": shown_sha,
            "signed_pdf_sha256": signed_sha, "ip": meta.ip, "user_agent": meta.user_agent,
        })),
    )
    .await?;
    if let Some(deal) = q.deal_id {
        let ctx = rules::context(w, WorkspaceId(ws)).await?;
        // The deal is won at the signed quote's total before VAT: the
        // revenue it brings, as the dashboards count it.
        let mut change = rules::Change::new(DealId(deal), Trigger::QuoteAccepted, Placement::Auto);
        change.value_cents = Some(q.total_ht_cents);
        rules::apply_many(w, &ctx, vec![change]).await?;
    }
    let total = format!("{} TTC", format_eur(q.total_ttc_cents));
    let valid = q
        .valid_until
        .map(|d| d.format("%d/%m/%Y").to_string())
        .unwrap_or_default();
    let link = crate::quote::tokens::link(&state.config.base_url, token);
    let mail = emails::QuoteMail {
        client: &q.client_name,
        company: &settings.legal_name,
        number: &number,
        title: &q.title,
        total: &total,
        valid_until: &valid,
        link: &link,
    };
    outbox::enqueue(
        w,
        NewEmail {
            workspace_id: Some(ws),
            to: signer_email.clone(),
            to_user_id: None,
            kind: EmailKind::QuoteSigned,
            content: emails::signed_copy(&mail, &time::display(now)),
            contains_secret: true,
            attachment: Some(signed_file),
        },
    )
    .await?;
    let app_link = format!("{}/app/quotes/{}", state.config.base_url.trim_end_matches('/'), q.id);
    for to in notice_recipients(w, &q).await? {
        outbox::enqueue(
            w,
            NewEmail {
                workspace_id: Some(ws),
                to,
                to_user_id: None,
                kind: EmailKind::QuoteNotice,
                content: emails::notice(&mail, true, &time::display(now), &app_link),
                contains_secret: false,
                attachment: None,
            },
        )
        .await?;
    }
    w.emit(DomainEvent::QuoteSigned { quote: QuoteId(q.id) }).await?;
    portal_view(w, &q).await
}

/// Checks a refusal's reason (before any database work).
pub fn check_reason(reason: &str) -> Result<&str, AppError> {
    let reason = reason.trim();
    if reason.chars().count() < 3 || reason.chars().count() > 1000 {
        return Err(AppError::field(
            "reason",
            "Indiquez en quelques mots pourquoi (1 000 caractères au plus).",
        ));
    }
    Ok(reason)
}

/// Declines the quote behind `token`, with a checked reason, if the business
/// allows it, acting for the client.
pub async fn decline(w: &Write, token: &str, reason: &str) -> Result<PortalQuote, AppError> {
    let state = w.state().clone();
    let Opened { quote: q, .. } = open_for_client(w, token).await?;
    let settings = profile::load(w, q.workspace_id).await?;
    if !settings.allow_decline {
        return Err(AppError::Forbidden);
    }
    let q = take(w, q).await?;
    let now = time::now();
    let mut row = q.clone().into_active_model();
    row.status = Set(QuoteStatus::Declined);
    row.declined_at = Set(Some(now));
    row.decline_reason = Set(Some(reason.to_string()));
    row.updated_at = Set(now);
    let q = row.update(w).await?;
    w.audit(
        Audit::of(EventEntity::Quote, Some(q.id), EventAction::QuoteDeclined)
            .after(json!({ "number": q.number, "reason": reason })),
    )
    .await?;
    let number = q.number.clone().unwrap_or_default();
    let total = format!("{} TTC", format_eur(q.total_ttc_cents));
    let mail = emails::QuoteMail {
        client: &q.client_name,
        company: &settings.legal_name,
        number: &number,
        title: &q.title,
        total: &total,
        valid_until: "",
        link: "",
    };
    let app_link = format!("{}/app/quotes/{}", state.config.base_url.trim_end_matches('/'), q.id);
    for to in notice_recipients(w, &q).await? {
        outbox::enqueue(
            w,
            NewEmail {
                workspace_id: Some(q.workspace_id),
                to,
                to_user_id: None,
                kind: EmailKind::QuoteNotice,
                content: emails::notice(&mail, false, reason, &app_link),
                contains_secret: false,
                attachment: None,
            },
        )
        .await?;
    }
    w.emit(DomainEvent::QuoteDeclined { quote: QuoteId(q.id) }).await?;
    portal_view(w, &q).await
}
