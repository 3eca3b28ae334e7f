//! Email texts, in French, as plain text and simple inline-styled HTML.

/// Subject, plain text and HTML of one message.
pub struct Rendered {
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body.
    pub html: String,
}

/// Escapes text for HTML.
pub fn escape(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

pub(crate) fn layout(title: &str, paragraphs: &[String], button: Option<(&str, &str)>, footer: &str) -> String {
    let body: String = paragraphs
        .iter()
        .map(|p| format!("<p style=\"margin:0 0 16px\">{}</p>", escape(p)))
        .collect();
    let button = button
        .map(|(label, href)| {
            format!(
                "<p style=\"margin:24px 0\"><a href=\"{href}\" style=\"background:#4f46e5;color:#ffffff;\
                 padding:12px 20px;border-radius:8px;text-decoration:none;font-weight:600\">{label}</a></p>\
                 <p style=\"margin:0 0 16px;font-size:13px;color:#475569\">Ou copiez ce lien : {href}</p>",
                href = escape(href),
                label = escape(label)
            )
        })
        .unwrap_or_default();
    format!(
        "<!doctype html><html lang=\"fr\"><body style=\"font-family:system-ui,sans-serif;background:#f1f5f9;padding:24px\">\
         <div style=\"max-width:560px;margin:auto;background:#ffffff;border-radius:12px;padding:32px;color:#0f172a\">\
         <h1 style=\"font-size:20px;margin:0 0 24px\">{}</h1>{body}{button}\
         <p style=\"margin:24px 0 0;font-size:12px;color:#475569\">{}</p></div></body></html>",
        escape(title),
        escape(footer)
    )
}

pub(crate) const SIGNATURE: &str = "— L'équipe Comptoir";

/// The greeting of the platform's own mail. It never carries the account's
/// name: whoever signs up chooses that name, and the address may not be
/// theirs (these messages would otherwise relay their text to anyone).
const GREETING: &str = "Bonjour,";

/// A sign-in link valid for `minutes`.
pub fn magic_link(link: &str, minutes: i64) -> Rendered {
    let intro = GREETING.to_string();
    let body =
        format!("Voici votre lien de connexion à Comptoir. Il est valable {minutes} minutes et ne sert qu'une fois.");
    let ignore = "Si vous n'avez rien demandé, ignorez ce message : personne ne peut se connecter sans ce lien.";
    Rendered {
        subject: "Votre lien de connexion Comptoir".into(),
        text: format!("{intro}\n\n{body}\n\n{link}\n\n{ignore}\n\n{SIGNATURE}\n"),
        html: layout(
            "Connexion à Comptoir",
            &[intro, body.clone()],
            Some(("Se connecter", link)),
            ignore,
        ),
    }
}

/// A password reset link valid for `minutes`.
pub fn password_reset(link: &str, minutes: i64) -> Rendered {
    let intro = GREETING.to_string();
    let body = format!(
        "Vous avez demandé à réinitialiser votre mot de passe. Ce lien est valable {minutes} minutes et ne sert qu'une fois."
    );
    let ignore = "Si vous n'avez rien demandé, ignorez ce message : votre mot de passe reste inchangé.";
    Rendered {
        subject: "Réinitialisation de votre mot de passe Comptoir".into(),
        text: format!("{intro}\n\n{body}\n\n{link}\n\n{ignore}\n\n{SIGNATURE}\n"),
        html: layout(
            "Nouveau mot de passe",
            &[intro, body.clone()],
            Some(("Choisir un mot de passe", link)),
            ignore,
        ),
    }
}

/// A link proving the account's address, valid for `hours`.
pub fn email_verification(link: &str, hours: i64) -> Rendered {
    let intro = GREETING.to_string();
    let body = format!(
        "Confirmez que cette adresse est bien la vôtre : tant qu'elle n'est pas confirmée, votre espace ne peut pas envoyer de devis ni d'invitations. Le lien est valable {hours} heures."
    );
    let ignore = "Vous n'avez pas créé de compte Comptoir ? Ignorez ce message : l'adresse restera non confirmée.";
    Rendered {
        subject: "Confirmez votre adresse e-mail Comptoir".into(),
        text: format!("{intro}\n\n{body}\n\n{link}\n\n{ignore}\n\n{SIGNATURE}\n"),
        html: layout(
            "Confirmez votre adresse",
            &[intro, body.clone()],
            Some(("Confirmer mon adresse", link)),
            ignore,
        ),
    }
}

/// An invitation to join a workspace.
pub fn invitation(inviter: &str, workspace: &str, role: &str, link: &str, days: i64) -> Rendered {
    let body = format!("{inviter} vous invite à rejoindre l'espace « {workspace} » sur Comptoir, en tant que {role}.");
    let validity = format!("L'invitation est valable {days} jours.");
    let footer = "Vous ne connaissez pas cette personne ? Ignorez ce message.";
    Rendered {
        subject: format!("{inviter} vous invite sur Comptoir ({workspace})"),
        text: format!("Bonjour,\n\n{body}\n{validity}\n\n{link}\n\n{footer}\n\n{SIGNATURE}\n"),
        html: layout(
            "Invitation à rejoindre Comptoir",
            &["Bonjour,".into(), body.clone(), validity.clone()],
            Some(("Accepter l'invitation", link)),
            footer,
        ),
    }
}

/// Notice that the password was changed.
pub fn password_changed(when: &str) -> Rendered {
    let intro = GREETING.to_string();
    let body = format!(
        "Le mot de passe de votre compte Comptoir a été modifié le {when}. Vos autres sessions ont été fermées."
    );
    let warn = "Si ce n'est pas vous, demandez immédiatement un nouveau mot de passe depuis la page de connexion.";
    Rendered {
        subject: "Votre mot de passe Comptoir a été modifié".into(),
        text: format!("{intro}\n\n{body}\n\n{warn}\n\n{SIGNATURE}\n"),
        html: layout("Mot de passe modifié", &[intro, body.clone()], None, warn),
    }
}

/// Every `http(s)://` link in a text body.
pub fn links_in(text: &str) -> Vec<String> {
    text.split_whitespace()
        .filter(|w| w.starts_with("http://") || w.starts_with("https://"))
        .map(|w| w.trim_end_matches(['.', ',', ')']).to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_is_escaped_in_html() {
        let mail = invitation("<script>", "Plomberie & Fils", "Membre", "http://x/invite/t", 7);
        assert!(!mail.html.contains("<script>"));
        assert!(mail.html.contains("Plomberie &amp; Fils"));
        assert!(mail.text.contains("http://x/invite/t"));
    }

    #[test]
    fn links_are_found_in_text() {
        let mail = magic_link("http://127.0.0.1:3000/auth/magic/abc", 15);
        assert_eq!(
            links_in(&mail.text),
            vec!["http://127.0.0.1:3000/auth/magic/abc".to_string()]
        );
    }
}
