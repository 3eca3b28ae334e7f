//! Quotes the way the editor builds them: a complete draft, the business
//! identity that lets it pass the legal check, the portal link of its email.

use super::Browser;
use serde_json::{Value, json};

/// A real PNG of a drawn stroke, as the signature pad sends it.
pub fn signature_png() -> String {
    format!(
        "data:image/png;base64,{}",
        include_str!("../fixtures/signature.b64").trim()
    )
}

pub fn line(description: &str, quantity: i64, unit: &str, price: i64, vat: &str) -> Value {
    json!({"section": false, "description": description, "quantity": quantity, "unit": unit,
        "unit_price": price, "vat": vat, "discount": {"kind": "none"}})
}

/// A complete draft for `client` (passes the legal check once the identity is set).
pub fn complete(quote: &Value, client: &str) -> Value {
    let mut d = quote["draft"].clone();
    d["title"] = json!("Remplacement du chauffe-eau");
    d["client"]["name"] = json!("Claire Dubois");
    d["client"]["email"] = json!(client);
    d["client"]["address"] = json!("3 place Bellecour");
    d["client"]["postcode"] = json!("69002");
    d["client"]["city"] = json!("Lyon");
    d["site_address"] = json!("3 place Bellecour");
    d["site_postcode"] = json!("69002");
    d["site_city"] = json!("Lyon");
    d["lines"] = json!([
        line("Chauffe-eau thermodynamique 200 L", 1000, "piece", 189_000, "reduced"),
        line("Main-d'œuvre plombier", 3500, "hour", 4_500, "intermediate"),
        line("Déplacement", 1000, "flat", 3_500, "intermediate"),
    ]);
    d
}

pub async fn with_identity(owner: &Browser) {
    let settings = json!({"settings": {
        "identity": {"legal_name": "Plomberie Martin SARL", "legal_form": "SARL", "siret": "73282932000074",
            "registry": "RCS Lyon 732 829 320", "vat_number": "FR44732829320", "address": "12 rue des Lilas",
            "postcode": "69003", "city": "Lyon", "building_work": true, "insurer": "MAAF Pro",
            "insurance_policy": "DEC-123456", "insurance_cover": "France métropolitaine"},
        "phone": "", "email": "", "accent_color": "#1d4ed8", "template": "modern", "header_text": "",
        "footer_text": "", "conditions_text": "", "payment_terms": "À réception.", "validity_days": 30,
        "reminders_enabled": true, "reminder_days": "2,7", "allow_decline": true}});
    owner.call_json("save_business_settings", &settings).await.ok();
}

/// A saved, complete draft; returns its id.
pub async fn ready_quote(owner: &Browser, deal: Option<&str>, client: &str) -> String {
    let args: Vec<(&str, &str)> = deal.map(|d| vec![("deal_id", d)]).unwrap_or_default();
    let id = owner
        .call("create_quote", &args)
        .await
        .ok()
        .as_str()
        .unwrap()
        .to_string();
    let quote = owner.call("fetch_quote", &[("id", &id)]).await.ok();
    owner
        .call_json("save_quote", &json!({"id": id, "draft": complete(&quote, client)}))
        .await
        .ok();
    id
}

pub fn portal_token(body: &str) -> String {
    let start = body.find("/portal/").expect("portal link") + "/portal/".len();
    body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}
