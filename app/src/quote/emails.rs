//! The messages of a quote's life, in French.

use crate::outbox::templates::{Rendered, SIGNATURE, layout};

/// What every quote message names.
pub struct QuoteMail<'a> {
    /// The client's name.
    pub client: &'a str,
    /// The business's name.
    pub company: &'a str,
    /// `D-2026-0001`.
    pub number: &'a str,
    /// Quote title.
    pub title: &'a str,
    /// "1 234,56 € TTC".
    pub total: &'a str,
    /// "21/12/2026".
    pub valid_until: &'a str,
    /// The portal link.
    pub link: &'a str,
}

fn greeting(client: &str) -> String {
    if client.trim().is_empty() {
        "Bonjour,".into()
    } else {
        format!("Bonjour {client},")
    }
}

fn about(m: &QuoteMail<'_>) -> String {
    let title = if m.title.trim().is_empty() {
        String::new()
    } else {
        format!(" « {} »", m.title)
    };
    format!(
        "devis {}{title} de {}, d'un montant de {}",
        m.number, m.company, m.total
    )
}

/// The quote leaves: a new client is invited to their space, a known one is told it is there.
pub fn sent(m: &QuoteMail<'_>, first_time: bool) -> Rendered {
    let intro = greeting(m.client);
    let body = if first_time {
        format!(
            "Vous trouverez ci-joint le {}. Un espace client a été ouvert pour vous : vous pouvez y lire le devis, \
             le télécharger et le signer en ligne, sans mot de passe.",
            about(m)
        )
    } else {
        format!(
            "Votre {} est disponible dans votre espace client (copie en pièce jointe).",
            about(m)
        )
    };
    let validity = format!("Ce devis est valable jusqu'au {}.", m.valid_until);
    let note = "Ce lien vous est personnel : ne le transférez pas.";
    let subject = if first_time {
        format!("Votre devis {} — {}", m.number, m.company)
    } else {
        format!("Votre devis {} est dans votre espace client", m.number)
    };
    Rendered {
        subject,
        text: format!(
            "{intro}\n\n{body}\n\n{validity}\n\n{}\n\n{note}\n\n{}\n",
            m.link, m.company
        ),
        html: layout(
            &format!("Devis {}", m.number),
            &[intro, body, validity],
            Some(("Voir et signer le devis", m.link)),
            note,
        ),
    }
}

/// A reminder while the quote is unsigned.
pub fn reminder(m: &QuoteMail<'_>) -> Rendered {
    let intro = greeting(m.client);
    let body = format!(
        "Nous revenons vers vous au sujet du {}. Il reste valable jusqu'au {} : vous pouvez le relire et le signer en ligne.",
        about(m),
        m.valid_until
    );
    let note = "Vous ne souhaitez plus de relance ? Répondez simplement à ce message.";
    Rendered {
        subject: format!("Rappel : votre devis {} — {}", m.number, m.company),
        text: format!("{intro}\n\n{body}\n\n{}\n\n{note}\n\n{}\n", m.link, m.company),
        html: layout(
            &format!("Devis {}", m.number),
            &[intro, body],
            Some(("Voir le devis", m.link)),
            note,
        ),
    }
}

/// The signed copy, to the client.
pub fn signed_copy(m: &QuoteMail<'_>, signed_at: &str) -> Rendered {
    let intro = greeting(m.client);
    let body = format!(
        "Merci ! Vous avez signé le {} le {signed_at}. Le devis signé est joint à ce message et reste disponible dans votre espace client.",
        about(m)
    );
    Rendered {
        subject: format!("Devis {} signé — {}", m.number, m.company),
        text: format!("{intro}\n\n{body}\n\n{}\n\n{}\n", m.link, m.company),
        html: layout(
            &format!("Devis {} signé", m.number),
            &[intro, body],
            Some(("Mon espace client", m.link)),
            m.company,
        ),
    }
}

/// Notice to the business that the client signed or declined.
pub fn notice(m: &QuoteMail<'_>, signed: bool, detail: &str, link: &str) -> Rendered {
    let (subject, body) = if signed {
        (
            format!("{} a signé le devis {}", m.client, m.number),
            format!(
                "{} a signé le {} ({detail}). L'affaire est gagnée et le chantier est ouvert.",
                m.client,
                about(m)
            ),
        )
    } else {
        (
            format!("{} a refusé le devis {}", m.client, m.number),
            format!("{} a refusé le {}. Motif : {detail}", m.client, about(m)),
        )
    };
    Rendered {
        subject,
        text: format!("Bonjour,\n\n{body}\n\n{link}\n\n{SIGNATURE}\n"),
        html: layout(
            "Suivi de devis",
            &["Bonjour,".into(), body],
            Some(("Ouvrir le devis", link)),
            SIGNATURE,
        ),
    }
}
