//! Lifecycle messages of the French e-invoicing reform (« cycle de vie »,
//! XP Z12-012): a UN/CEFACT Cross Domain Acknowledgement And Response
//! (CDAR) saying what happened to one invoice: 200 déposée … 212 encaissée,
//! 213 rejetée. Written for the statuses a seller reports (212 with the
//! amount collected per VAT rate), read for those the platforms send back.

use crate::xml::{Xml, amount, percent};
use chrono::{NaiveDate, NaiveDateTime};
use roxmltree::{Document, Node};

/// One lifecycle event of one invoice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lifecycle {
    /// This message's identifier.
    pub id: String,
    /// When the status was reached.
    pub at: NaiveDateTime,
    /// SIREN of the party that sends the status.
    pub sender_siren: String,
    /// SIREN of the party it is sent to.
    pub recipient_siren: String,
    /// The invoice it is about (BT-1).
    pub invoice_number: String,
    /// That invoice's issue date (BT-2).
    pub invoice_date: NaiveDate,
    /// That invoice's type code (BT-3: 380, 381 credit note, 386 deposit).
    pub invoice_type: String,
    /// The status code, 200 to 213.
    pub status: u16,
    /// Why (refusal, dispute, rejection), when given.
    pub reason: Option<String>,
    /// Amounts collected per VAT rate (basis points, cents), for 212.
    pub amounts: Vec<(i64, i64)>,
}

const NAMESPACES: [(&str, &str); 4] = [
    (
        "xmlns:rsm",
        "urn:un:unece:uncefact:data:standard:CrossDomainAcknowledgementAndResponse:100",
    ),
    (
        "xmlns:ram",
        "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    ),
    (
        "xmlns:udt",
        "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    ),
    ("xmlns:qdt", "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"),
];

fn party(x: &mut Xml, tag: &str, siren: &str, role: &str) {
    x.open(tag, &[]);
    x.leaf("ram:GlobalID", &[("schemeID", "0002")], siren);
    x.text("ram:RoleCode", role);
    x.close(tag);
}

fn date_time(x: &mut Xml, tag: &str, at: NaiveDateTime) {
    x.open(tag, &[]);
    x.leaf(
        "udt:DateTimeString",
        &[("format", "204")],
        &at.format("%Y%m%d%H%M%S").to_string(),
    );
    x.close(tag);
}

/// The CDAR XML of a lifecycle event.
pub fn to_xml(l: &Lifecycle) -> String {
    let mut x = Xml::new();
    x.open("rsm:CrossDomainAcknowledgementAndResponse", &NAMESPACES);
    x.open("rsm:ExchangedDocumentContext", &[]);
    x.open("ram:GuidelineSpecifiedDocumentContextParameter", &[]);
    x.text("ram:ID", "urn.cpro.gouv.fr:1p0:CDV:invoice");
    x.close("ram:GuidelineSpecifiedDocumentContextParameter");
    x.close("rsm:ExchangedDocumentContext");
    x.open("rsm:ExchangedDocument", &[]);
    x.text("ram:ID", &l.id);
    x.text("ram:TypeCode", "23");
    date_time(&mut x, "ram:IssueDateTime", l.at);
    party(&mut x, "ram:SenderTradeParty", &l.sender_siren, "SE");
    party(&mut x, "ram:RecipientTradeParty", &l.recipient_siren, "BY");
    x.close("rsm:ExchangedDocument");
    x.open("rsm:AcknowledgementDocument", &[]);
    x.text("ram:MultipleReferencesIndicator", "false");
    x.text("ram:TypeCode", "305");
    date_time(&mut x, "ram:IssueDateTime", l.at);
    x.open("ram:ReferenceReferencedDocument", &[]);
    x.text("ram:IssuerAssignedID", &l.invoice_number);
    x.text("ram:StatusCode", "10");
    x.text("ram:TypeCode", &l.invoice_type);
    x.open("ram:FormattedIssueDateTime", &[]);
    x.leaf(
        "qdt:DateTimeString",
        &[("format", "102")],
        &l.invoice_date.format("%Y%m%d").to_string(),
    );
    x.close("ram:FormattedIssueDateTime");
    x.open("ram:SpecifiedDocumentStatus", &[]);
    x.text("ram:ProcessConditionCode", &l.status.to_string());
    if let Some(reason) = &l.reason {
        x.text("ram:Reason", reason);
    }
    for (rate_bp, cents) in &l.amounts {
        x.open("ram:SpecifiedDocumentCharacteristic", &[]);
        x.text("ram:TypeCode", "MEN");
        x.leaf("ram:ValueAmount", &[("currencyID", "EUR")], &amount(*cents));
        x.text("ram:ValuePercent", &percent(*rate_bp));
        x.close("ram:SpecifiedDocumentCharacteristic");
    }
    x.close("ram:SpecifiedDocumentStatus");
    x.close("ram:ReferenceReferencedDocument");
    x.close("rsm:AcknowledgementDocument");
    x.close("rsm:CrossDomainAcknowledgementAndResponse");
    x.finish()
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|n| n.is_element() && n.tag_name().name() == name)
}

fn text(node: Option<Node<'_, '_>>) -> String {
    node.and_then(|n| n.text())
        .map(|t| t.trim().to_string())
        .unwrap_or_default()
}

fn siren_of(node: Option<Node<'_, '_>>) -> String {
    text(node.and_then(|n| child(n, "GlobalID")))
}

/// A VAT rate as basis points, 0 to 100 %.
fn parse_percent(value: &str) -> Option<i64> {
    crate::read::parse_cents(value).filter(|bp| (0..=10_000).contains(bp))
}

/// Reads a lifecycle message; an error says in French what is wrong.
pub fn parse(xml: &str) -> Result<Lifecycle, String> {
    let doc = Document::parse(xml).map_err(|e| format!("XML illisible : {e}"))?;
    let root = doc.root_element();
    if root.tag_name().name() != "CrossDomainAcknowledgementAndResponse" {
        return Err(format!(
            "ce n'est pas un message de cycle de vie ({})",
            root.tag_name().name()
        ));
    }
    let header = child(root, "ExchangedDocument").ok_or("ExchangedDocument manquant")?;
    let ack = child(root, "AcknowledgementDocument").ok_or("AcknowledgementDocument manquant")?;
    let referenced = child(ack, "ReferenceReferencedDocument").ok_or("document référencé manquant")?;
    let status_node = child(referenced, "SpecifiedDocumentStatus").ok_or("statut manquant")?;
    let raw_status = text(child(status_node, "ProcessConditionCode"));
    let status: u16 = raw_status
        .parse()
        .ok()
        .filter(|s| (200..=213).contains(s))
        .ok_or_else(|| format!("statut inconnu : {raw_status}"))?;
    let at_raw = text(child(header, "IssueDateTime").and_then(|n| child(n, "DateTimeString")));
    let at = NaiveDateTime::parse_from_str(&at_raw, "%Y%m%d%H%M%S")
        .map_err(|_| format!("date du message illisible : {at_raw}"))?;
    let date_raw = text(child(referenced, "FormattedIssueDateTime").and_then(|n| child(n, "DateTimeString")));
    let invoice_date = NaiveDate::parse_from_str(&date_raw, "%Y%m%d")
        .map_err(|_| format!("date de la facture illisible : {date_raw}"))?;
    let invoice_number = text(child(referenced, "IssuerAssignedID"));
    let invoice_type = Some(text(child(referenced, "TypeCode")))
        .filter(|t| t.len() == 3 && t.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or_else(|| "380".into());
    if invoice_number.is_empty() || invoice_number.chars().any(char::is_control) {
        return Err("numéro de facture manquant ou illisible".into());
    }
    let mut amounts = Vec::new();
    for c in status_node
        .children()
        .filter(|n| n.is_element() && n.tag_name().name() == "SpecifiedDocumentCharacteristic")
    {
        if text(child(c, "TypeCode")) != "MEN" {
            continue;
        }
        let cents = crate::read::parse_cents(&text(child(c, "ValueAmount"))).ok_or("montant encaissé illisible")?;
        let rate = parse_percent(&text(child(c, "ValuePercent"))).ok_or("taux illisible")?;
        amounts.push((rate, cents));
    }
    let reason = Some(text(child(status_node, "Reason"))).filter(|r| !r.is_empty());
    Ok(Lifecycle {
        id: text(child(header, "ID")),
        at,
        sender_siren: siren_of(child(header, "SenderTradeParty")),
        recipient_siren: siren_of(child(header, "RecipientTradeParty")),
        invoice_number,
        invoice_date,
        invoice_type,
        status,
        reason,
        amounts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Lifecycle {
        Lifecycle {
            id: "LC-1".into(),
            at: NaiveDate::from_ymd_opt(2026, 11, 30)
                .unwrap()
                .and_hms_opt(9, 15, 0)
                .unwrap(),
            sender_siren: "732829320".into(),
            recipient_siren: "552100554".into(),
            invoice_number: "F-2026-0001".into(),
            invoice_date: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
            invoice_type: "386".into(),
            status: 212,
            reason: None,
            amounts: vec![(2_000, 120_000), (550, 10_550)],
        }
    }

    #[test]
    fn a_written_status_reads_back_the_same() {
        let l = sample();
        assert_eq!(parse(&to_xml(&l)).unwrap(), l);
        let refused = Lifecycle {
            status: 210,
            reason: Some("Commande inconnue & prix faux".into()),
            amounts: vec![],
            ..sample()
        };
        assert_eq!(parse(&to_xml(&refused)).unwrap(), refused);
    }

    #[test]
    fn unknown_statuses_and_other_documents_are_refused() {
        let bad = to_xml(&sample()).replace(">212<", ">299<");
        assert!(parse(&bad).unwrap_err().contains("statut inconnu"));
        assert!(parse("<x/>").is_err());
    }
}
