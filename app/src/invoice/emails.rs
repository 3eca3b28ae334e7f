//! The messages of an invoice's life, in French.

use crate::error::AppError;
use crate::infra::entity::invoice;
use crate::infra::{AppState, Write, time};
use crate::outbox::templates::{Rendered, layout};
use chrono::TimeDelta;

/// What an invoice message names.
pub struct InvoiceMail<'a> {
    /// The client's name.
    pub client: &'a str,
    /// The business's name.
    pub company: &'a str,
    /// `F-2026-0001`.
    pub number: &'a str,
    /// A credit note (avoir).
    pub credit_note: bool,
    /// "1 234,56 € TTC".
    pub total: &'a str,
    /// "30/12/2026", empty for a credit note.
    pub due: &'a str,
    /// The client's portal link, empty when the invoice has none.
    pub portal: &'a str,
}

fn greeting(client: &str) -> String {
    if client.trim().is_empty() {
        "Bonjour,".into()
    } else {
        format!("Bonjour {client},")
    }
}

/// The invoice (or credit note) leaves with its Factur-X PDF attached.
pub fn invoice_sent(m: &InvoiceMail<'_>) -> Rendered {
    let intro = greeting(m.client);
    let (what, subject) = if m.credit_note {
        (
            format!("l'avoir {} de {}, d'un montant de {}", m.number, m.company, m.total),
            format!("Votre avoir {} — {}", m.number, m.company),
        )
    } else {
        (
            format!("la facture {} de {}, d'un montant de {}", m.number, m.company, m.total),
            format!("Votre facture {} — {}", m.number, m.company),
        )
    };
    let mut body = vec![intro, format!("Vous trouverez ci-joint {what}.")];
    if !m.credit_note && !m.due.is_empty() {
        body.push(format!("Elle est payable jusqu'au {}.", m.due));
    }
    if !m.portal.is_empty() {
        body.push("Vos devis et factures restent disponibles dans votre espace client.".into());
    }
    let note =
        "Le PDF joint est une facture électronique Factur-X : votre logiciel comptable peut la lire directement.";
    let text = format!(
        "{}\n\n{}{}\n\n{}\n",
        body.join("\n\n"),
        if m.portal.is_empty() {
            String::new()
        } else {
            format!("{}\n\n", m.portal)
        },
        note,
        m.company
    );
    Rendered {
        subject,
        text,
        html: layout(
            &format!("{} {}", if m.credit_note { "Avoir" } else { "Facture" }, m.number),
            &body,
            (!m.portal.is_empty()).then_some(("Mon espace client", m.portal)),
            note,
        ),
    }
}

/// A reminder of an unpaid invoice, `days` from its due date, `owed` still to pay.
pub fn reminder(m: &InvoiceMail<'_>, owed: &str, days: i64) -> Rendered {
    let intro = greeting(m.client);
    let body = if days < 0 {
        format!(
            "La facture {} de {} arrive à échéance le {} : il reste {owed} à régler.",
            m.number, m.company, m.due
        )
    } else {
        format!(
            "Sauf erreur de notre part, la facture {} de {}, échue le {}, n'est pas entièrement réglée : il reste {owed} à payer.",
            m.number, m.company, m.due
        )
    };
    let note = "Si votre paiement est déjà parti, merci de ne pas tenir compte de ce message.";
    let subject = if days < 0 {
        format!("Échéance proche : facture {} — {}", m.number, m.company)
    } else {
        format!("Rappel : facture {} impayée — {}", m.number, m.company)
    };
    let mut paragraphs = vec![intro, body, "La facture est jointe à ce message.".into()];
    if !m.portal.is_empty() {
        paragraphs.push("Elle est aussi dans votre espace client.".into());
    }
    Rendered {
        subject,
        text: format!(
            "{}\n\n{}{note}\n\n{}\n",
            paragraphs.join("\n\n"),
            if m.portal.is_empty() {
                String::new()
            } else {
                format!("{}\n\n", m.portal)
            },
            m.company
        ),
        html: layout(
            &format!("Facture {}", m.number),
            &paragraphs,
            (!m.portal.is_empty()).then_some(("Mon espace client", m.portal)),
            note,
        ),
    }
}

/// A fresh portal link for the client of an invoice made from a quote (the
/// portal lists the client's quotes and invoices); empty otherwise.
pub async fn portal_link(w: &Write, state: &AppState, m: &invoice::Model) -> Result<String, AppError> {
    let (Some(quote_id), Some(contact_id)) = (m.quote_id, m.contact_id) else {
        return Ok(String::new());
    };
    let expires = time::now() + TimeDelta::days(365);
    let token = crate::quote::tokens::issue(w, m.workspace_id, quote_id, contact_id, expires).await?;
    Ok(crate::quote::tokens::link(&state.config.base_url, &token))
}
