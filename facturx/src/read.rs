//! Reads what a received invoice says (the CII XML of a Factur-X, or a bare
//! CII): enough to list a supplier invoice and book it, not the whole model.

use chrono::NaiveDate;
use roxmltree::{Document, Node};

/// The headline facts of a received invoice (BT numbers of EN 16931).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InvoiceSummary {
    /// Invoice number (BT-1).
    pub number: String,
    /// Type code (BT-3): 380 invoice, 381 credit note, 386 deposit…
    pub type_code: String,
    /// Issue date (BT-2).
    pub issue_date: Option<NaiveDate>,
    /// Due date (BT-9).
    pub due_date: Option<NaiveDate>,
    /// Currency (BT-5).
    pub currency: String,
    /// Seller name (BT-27).
    pub seller_name: String,
    /// Seller SIREN (BT-30), when given.
    pub seller_siren: Option<String>,
    /// Buyer name (BT-44).
    pub buyer_name: String,
    /// Buyer SIREN (BT-47), when given.
    pub buyer_siren: Option<String>,
    /// Total without VAT (BT-109), cents.
    pub total_ht_cents: i64,
    /// Total VAT (BT-110), cents.
    pub total_vat_cents: i64,
    /// Total with VAT (BT-112), cents.
    pub total_ttc_cents: i64,
    /// Amount due (BT-115), cents.
    pub due_cents: i64,
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|n| n.is_element() && n.tag_name().name() == name)
}

fn path<'a, 'i>(node: Node<'a, 'i>, names: &[&str]) -> Option<Node<'a, 'i>> {
    names.iter().try_fold(node, |n, name| child(n, name))
}

fn text(node: Option<Node<'_, '_>>) -> String {
    node.and_then(|n| n.text())
        .map(|t| t.trim().to_string())
        .unwrap_or_default()
}

/// `1234.5` → 123450 cents; `None` for anything else than a decimal with at
/// most two decimals (more are refused rather than rounded).
pub fn parse_cents(value: &str) -> Option<i64> {
    let value = value.trim();
    let (negative, digits) = match value.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, value),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() || frac.len() > 2 || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let int: i64 = int.parse().ok()?;
    let frac: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<2}").parse().ok()?
    };
    let cents = int.checked_mul(100)?.checked_add(frac)?;
    Some(if negative { -cents } else { cents })
}

fn cents(node: Option<Node<'_, '_>>) -> Result<i64, String> {
    let raw = text(node);
    if raw.is_empty() {
        return Ok(0);
    }
    parse_cents(&raw).ok_or_else(|| format!("montant illisible : {raw}"))
}

fn date(node: Option<Node<'_, '_>>) -> Option<NaiveDate> {
    let raw = text(node.and_then(|n| child(n, "DateTimeString")));
    NaiveDate::parse_from_str(&raw, "%Y%m%d").ok()
}

fn siren(party: Option<Node<'_, '_>>) -> Option<String> {
    let id = text(party.and_then(|p| path(p, &["SpecifiedLegalOrganization", "ID"])));
    (!id.is_empty()).then_some(id)
}

/// Reads a CII invoice; an error says in French what is wrong with it.
pub fn read_cii(xml: &str) -> Result<InvoiceSummary, String> {
    let doc = Document::parse(xml).map_err(|e| format!("XML illisible : {e}"))?;
    let root = doc.root_element();
    if root.tag_name().name() != "CrossIndustryInvoice" {
        return Err(format!("ce n'est pas une facture CII ({})", root.tag_name().name()));
    }
    let header = child(root, "ExchangedDocument").ok_or("ExchangedDocument manquant")?;
    let trade = child(root, "SupplyChainTradeTransaction").ok_or("SupplyChainTradeTransaction manquant")?;
    let agreement = child(trade, "ApplicableHeaderTradeAgreement");
    let settlement = child(trade, "ApplicableHeaderTradeSettlement");
    let seller = agreement.and_then(|a| child(a, "SellerTradeParty"));
    let buyer = agreement.and_then(|a| child(a, "BuyerTradeParty"));
    let sums = settlement.and_then(|s| child(s, "SpecifiedTradeSettlementHeaderMonetarySummation"));
    // BT-110 may be given twice (invoice and accounting currency): take the
    // one in the invoice's currency.
    let currency = text(settlement.and_then(|s| child(s, "InvoiceCurrencyCode")));
    let vat = sums.and_then(|s| {
        s.children()
            .filter(|n| n.is_element() && n.tag_name().name() == "TaxTotalAmount")
            .find(|n| n.attribute("currencyID").is_none_or(|c| c == currency))
    });
    let summary = InvoiceSummary {
        number: text(child(header, "ID")),
        type_code: text(child(header, "TypeCode")),
        issue_date: date(child(header, "IssueDateTime")),
        due_date: date(settlement.and_then(|s| path(s, &["SpecifiedTradePaymentTerms", "DueDateDateTime"]))),
        currency,
        seller_name: text(seller.and_then(|p| child(p, "Name"))),
        seller_siren: siren(seller),
        buyer_name: text(buyer.and_then(|p| child(p, "Name"))),
        buyer_siren: siren(buyer),
        total_ht_cents: cents(sums.and_then(|s| child(s, "TaxBasisTotalAmount")))?,
        total_vat_cents: cents(vat)?,
        total_ttc_cents: cents(sums.and_then(|s| child(s, "GrandTotalAmount")))?,
        due_cents: cents(sums.and_then(|s| child(s, "DuePayableAmount")))?,
    };
    if summary.number.is_empty() {
        return Err("numéro de facture (BT-1) manquant".into());
    }
    if summary.seller_name.is_empty() {
        return Err("nom du vendeur (BT-27) manquant".into());
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cents_are_read_exactly_or_refused() {
        assert_eq!(parse_cents("1234.5"), Some(123_450));
        assert_eq!(parse_cents("-3.05"), Some(-305));
        assert_eq!(parse_cents("12"), Some(1_200));
        assert_eq!(parse_cents("1.234"), None);
        assert_eq!(parse_cents("1e3"), None);
        assert_eq!(parse_cents(""), None);
        assert_eq!(parse_cents("-"), None);
    }

    #[test]
    fn other_documents_are_refused_with_a_reason() {
        assert!(read_cii("<a/>").unwrap_err().contains("pas une facture"));
        assert!(read_cii("not xml").unwrap_err().contains("illisible"));
    }
}
