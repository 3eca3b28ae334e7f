//! The public request form as plain HTML: served without the app's WASM so
//! a phone on a weak network gets it in one small response; it works without
//! JavaScript (`/demande.js` only adds the communes of a postcode as
//! suggestions). Every value is escaped.

use super::requests::{FollowView, RequestForm};
use super::{BUDGETS, RequestStatus};
use crate::error::AppError;
use crate::outbox::templates::escape;

/// The page's Content-Security-Policy (its only script is `/demande.js`).
pub const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; \
                          img-src 'self'; manifest-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const STYLE: &str = "*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;\
color:#f8fafc;background:#0f172a linear-gradient(160deg,#0f172a,#312e81);min-height:100vh}\
main{max-width:640px;margin:0 auto;padding:24px 16px 48px}h1{font-size:1.6rem;line-height:1.25;margin:8px 0 4px}\
.lead{color:#cbd5e1;margin:0 0 20px}.card{background:rgba(255,255,255,.08);border:1px solid rgba(255,255,255,.2);\
border-radius:18px;padding:20px}label,legend{display:block;font-weight:600;margin:0 0 6px}.f{margin:0 0 16px}\
input,select,textarea{width:100%;font:inherit;color:#f8fafc;background:rgba(15,23,42,.7);border:1px solid #94a3b8;\
border-radius:12px;padding:11px 12px;min-height:46px}textarea{min-height:120px}\
input:focus,select:focus,textarea:focus,button:focus,a:focus{outline:3px solid #a5b4fc;outline-offset:2px}\
[aria-invalid=true]{border-color:#fca5a5}.err{color:#fecaca;font-size:.9rem;margin:4px 0 0}.hint{color:#cbd5e1;font-size:.9rem;margin:4px 0 0}\
.row{display:grid;gap:0 12px;grid-template-columns:1fr}@media(min-width:560px){.row{grid-template-columns:1fr 1fr}}\
.check{display:flex;gap:10px;align-items:flex-start}.check input{width:22px;min-height:22px;height:22px;margin-top:2px;flex:none}\
.check label{font-weight:400}button{width:100%;font:inherit;font-weight:700;color:#fff;border:0;border-radius:12px;\
padding:14px;min-height:50px;background:linear-gradient(90deg,#2563eb,#7c3aed);cursor:pointer}\
.alert{background:rgba(127,29,29,.55);border:1px solid #fca5a5;border-radius:12px;padding:12px 14px;margin:0 0 16px}\
.alert a{color:#fff}.ok{background:rgba(20,83,45,.55);border-color:#86efac}.hp{position:absolute;left:-9999px}\
a{color:#c7d2fe}ul.plain{padding-left:18px}.brand{font-weight:800;letter-spacing:.02em;color:#c7d2fe}small{color:#cbd5e1}";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta name=\"description\" content=\"Décrivez vos travaux : des artisans qualifiés et assurés près de chez vous vous recontactent.\">\
         <meta name=\"theme-color\" content=\"#0f172a\"><link rel=\"icon\" href=\"/icons/icon.svg\" type=\"image/svg+xml\">\
         <title>{}</title><style>{STYLE}</style></head><body><main>{body}</main></body></html>",
        escape(title)
    )
}

/// Where the form posts and what it offers.
pub struct FormContext<'a> {
    /// `/demande` or `/w/{slug}/demande`.
    pub action: &'a str,
    /// The workspace's name on its own form.
    pub company: Option<&'a str>,
    /// Trades offered.
    pub trades: &'a [&'a str],
}

/// Fields in page order, with the labels the error summary links to.
const FIELDS: [(&str, &str); 12] = [
    ("trade", "Type de travaux"),
    ("description", "Description"),
    ("photos", "Photos"),
    ("postcode", "Code postal"),
    ("city", "Commune"),
    ("address", "Adresse"),
    ("budget", "Budget"),
    ("desired_on", "Date souhaitée"),
    ("name", "Nom"),
    ("email", "E-mail"),
    ("phone", "Téléphone"),
    ("consent", "Accord"),
];

fn field_attrs(name: &str, error: &Option<AppError>) -> (String, String) {
    described(name, &[], error)
}

/// `aria-invalid` and one `aria-describedby` naming the hints and, when
/// there is one, the error message (returned second, to place after the field).
fn described(name: &str, hints: &[&str], error: &Option<AppError>) -> (String, String) {
    let mut ids: Vec<String> = hints.iter().map(|h| h.to_string()).collect();
    let (invalid, message) = match error.as_ref().and_then(|e| e.field_message(name)) {
        Some(message) => {
            ids.push(format!("{name}-err"));
            (
                " aria-invalid=\"true\"",
                format!("<p class=\"err\" id=\"{name}-err\">{}</p>", escape(&message)),
            )
        }
        None => ("", String::new()),
    };
    let by = if ids.is_empty() {
        String::new()
    } else {
        format!(" aria-describedby=\"{}\"", ids.join(" "))
    };
    (format!("{invalid}{by}"), message)
}

fn input(name: &str, label: &str, kind: &str, value: &str, extra: &str, error: &Option<AppError>) -> String {
    let (attrs, err) = field_attrs(name, error);
    format!(
        "<div class=\"f\"><label for=\"{name}\">{label}</label><input id=\"{name}\" name=\"{name}\" type=\"{kind}\" \
         value=\"{}\"{extra}{attrs}>{err}</div>",
        escape(value)
    )
}

/// The form, filled with what was typed and the errors beside each field.
pub fn form_page(ctx: &FormContext, form: &RequestForm, error: &Option<AppError>) -> String {
    let mut body = String::new();
    body.push_str("<p class=\"brand\">Comptoir · Travaux</p>");
    match ctx.company {
        Some(c) => body.push_str(&format!("<h1>Demande de travaux à {}</h1>", escape(c))),
        None => body.push_str("<h1>Trouvez un artisan près de chez vous</h1>"),
    }
    body.push_str(if ctx.company.is_some() {
        "<p class=\"lead\">Décrivez votre projet : l'entreprise vous recontacte rapidement.</p>"
    } else {
        "<p class=\"lead\">Décrivez votre projet : jusqu'à 3 artisans qualifiés, assurés et à jour de leurs documents vous recontactent.</p>"
    });
    if let Some(e) = error {
        let links: String = FIELDS
            .iter()
            .filter_map(|(name, label)| {
                e.field_message(name)
                    .map(|m| format!("<li><a href=\"#{name}\">{label} : {}</a></li>", escape(&m)))
            })
            .collect();
        let summary = if links.is_empty() {
            format!("<p>{}</p>", escape(&e.to_string()))
        } else {
            format!("<p>Corrigez ces points :</p><ul class=\"plain\">{links}</ul>")
        };
        body.push_str(&format!(
            "<div class=\"alert\" role=\"alert\" id=\"errors\" tabindex=\"-1\">{summary}</div>"
        ));
    }
    body.push_str(&format!(
        "<form class=\"card\" method=\"post\" action=\"{}\" enctype=\"multipart/form-data\" novalidate \
         data-testid=\"request-form\">",
        escape(ctx.action)
    ));
    let (attrs, err) = field_attrs("trade", error);
    let options: String = ctx
        .trades
        .iter()
        .map(|t| {
            let sel = if form.trade == *t { " selected" } else { "" };
            format!("<option{sel}>{}</option>", escape(t))
        })
        .collect();
    body.push_str(&format!(
        "<div class=\"f\"><label for=\"trade\">Type de travaux</label><select id=\"trade\" name=\"trade\" required{attrs}>\
         <option value=\"\">Choisir…</option>{options}</select>{err}</div>"
    ));
    let (attrs, err) = described("description", &["description-hint"], error);
    body.push_str(&format!(
        "<div class=\"f\"><label for=\"description\">Description des travaux</label><textarea id=\"description\" \
         name=\"description\" required maxlength=\"4000\"{attrs}>{}</textarea>\
         <p class=\"hint\" id=\"description-hint\">Ce qu'il faut faire, l'état actuel, les dimensions si vous les connaissez.</p>{err}</div>",
        escape(&form.description)
    ));
    let again_shown = form.photo_count > 0 && error.is_some();
    let (attrs, err) = described(
        "photos",
        if again_shown {
            &["photos-hint", "photos-again"]
        } else {
            &["photos-hint"]
        },
        error,
    );
    let again = if again_shown {
        format!(
            "<p class=\"hint\" id=\"photos-again\">Pour votre sécurité, le navigateur ne renvoie pas les fichiers : \
             choisissez à nouveau vos {} photo{}.</p>",
            form.photo_count,
            if form.photo_count > 1 { "s" } else { "" }
        )
    } else {
        String::new()
    };
    body.push_str(&format!(
        "<div class=\"f\"><label for=\"photos\">Photos (facultatif, 5 au plus)</label><input id=\"photos\" name=\"photos\" \
         type=\"file\" accept=\"image/jpeg,image/png,image/webp\" multiple{attrs}>\
         <p class=\"hint\" id=\"photos-hint\">JPEG, PNG ou WebP, 10 Mo chacune. Elles sont réduites et leur position GPS est \
         effacée avant l'envoi aux artisans.</p>{again}{err}</div>"
    ));
    body.push_str("<div class=\"row\">");
    body.push_str(&input(
        "postcode",
        "Code postal",
        "text",
        &form.postcode,
        " required inputmode=\"numeric\" autocomplete=\"postal-code\" maxlength=\"5\" pattern=\"[0-9]{5}\"",
        error,
    ));
    body.push_str(&input(
        "city",
        "Commune",
        "text",
        &form.city,
        " required autocomplete=\"address-level2\" list=\"communes\"",
        error,
    ));
    body.push_str("</div><datalist id=\"communes\"></datalist>");
    body.push_str(&input(
        "address",
        "Adresse du chantier (facultatif)",
        "text",
        &form.address,
        " autocomplete=\"street-address\" maxlength=\"200\"",
        error,
    ));
    body.push_str("<div class=\"row\">");
    let (attrs, err) = field_attrs("budget", error);
    let budgets: String = BUDGETS
        .iter()
        .map(|(k, l)| {
            let sel = if form.budget == *k { " selected" } else { "" };
            format!("<option value=\"{k}\"{sel}>{l}</option>")
        })
        .collect();
    body.push_str(&format!(
        "<div class=\"f\"><label for=\"budget\">Budget</label><select id=\"budget\" name=\"budget\"{attrs}>{budgets}</select>{err}</div>"
    ));
    body.push_str(&input(
        "desired_on",
        "Date souhaitée (facultatif)",
        "date",
        &form.desired_on,
        "",
        error,
    ));
    body.push_str("</div>");
    body.push_str(&input(
        "name",
        "Nom et prénom",
        "text",
        &form.name,
        " required autocomplete=\"name\"",
        error,
    ));
    body.push_str("<div class=\"row\">");
    body.push_str(&input(
        "email",
        "E-mail",
        "email",
        &form.email,
        " required autocomplete=\"email\"",
        error,
    ));
    body.push_str(&input(
        "phone",
        "Téléphone",
        "tel",
        &form.phone,
        " required autocomplete=\"tel\"",
        error,
    ));
    body.push_str("</div>");
    body.push_str(
        "<div class=\"hp\" aria-hidden=\"true\"><label for=\"website\">Site web (laisser vide)</label>\
         <input id=\"website\" name=\"website\" type=\"text\" tabindex=\"-1\" autocomplete=\"off\"></div>",
    );
    let (attrs, err) = field_attrs("consent", error);
    let checked = if form.consent.is_some() { " checked" } else { "" };
    let who = if ctx.company.is_some() {
        "à cette entreprise"
    } else {
        "à 3 artisans au plus, choisis selon leur métier, leur zone et leurs documents"
    };
    body.push_str(&format!(
        "<div class=\"f check\"><input id=\"consent\" name=\"consent\" type=\"checkbox\" value=\"on\" required{checked}{attrs}>\
         <label for=\"consent\">J'accepte que ma demande et mes coordonnées soient transmises {who}, pour qu'ils me recontactent. \
         <a href=\"/confidentialite\">Confidentialité</a></label></div>{err}"
    ));
    body.push_str("<button type=\"submit\" data-testid=\"request-submit\">Envoyer ma demande</button></form>");
    body.push_str("<script src=\"/demande.js\" defer></script>");
    page("Demande de travaux — Comptoir", &body)
}

/// The confirmation (the same page whatever became of the request).
pub fn thanks_page() -> String {
    page(
        "Demande envoyée — Comptoir",
        "<p class=\"brand\">Comptoir · Travaux</p><h1>Merci, votre demande est envoyée</h1>\
         <div class=\"card\" role=\"status\" data-testid=\"request-confirmed\"><p>Vous allez recevoir un e-mail de \
         confirmation avec un lien personnel pour suivre votre demande. Les artisans qui la reçoivent vous \
         appellent au numéro indiqué.</p><p>Une demande semblable envoyée le même jour avec les mêmes coordonnées \
         complète la première.</p><p><a href=\"/demande\">Faire une autre demande</a></p></div>",
    )
}

/// The requester's page.
pub fn follow_page(view: &FollowView) -> String {
    let mut body = String::from("<p class=\"brand\">Comptoir · Travaux</p>");
    body.push_str(&format!(
        "<h1>Votre demande : {}</h1><p class=\"lead\">{} · envoyée le {}</p><div class=\"card\">",
        escape(&view.trade),
        escape(&view.place),
        escape(&view.created_at)
    ));
    let status = match view.status {
        RequestStatus::Routed if view.companies.is_empty() => "En cours de traitement",
        RequestStatus::Routed => "Transmise aux artisans",
        RequestStatus::Unrouted => "Nous cherchons un artisan disponible près de chez vous",
        RequestStatus::Won => "Devis signé",
        RequestStatus::Closed => "Close",
    };
    body.push_str(&format!("<p><strong>État :</strong> {status}</p>"));
    if !view.companies.is_empty() {
        body.push_str("<h2>Entreprises qui ont reçu votre demande</h2><ul class=\"plain\">");
        for (name, stage) in &view.companies {
            body.push_str(&format!("<li>{} — <small>{}</small></li>", escape(name), escape(stage)));
        }
        body.push_str("</ul>");
    }
    body.push_str("</div>");
    page("Suivi de ma demande — Comptoir", &body)
}

/// A follow link that matches nothing.
pub fn unknown_page() -> String {
    page(
        "Lien inconnu — Comptoir",
        "<p class=\"brand\">Comptoir · Travaux</p><h1>Ce lien ne correspond à aucune demande</h1>\
         <div class=\"card\"><p>Vérifiez qu'il est complet, ou <a href=\"/demande\">faites une nouvelle demande</a>.</p></div>",
    )
}
