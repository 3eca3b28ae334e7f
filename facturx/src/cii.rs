//! The UN/CEFACT Cross Industry Invoice (D16B) that Factur-X embeds, EN 16931
//! profile. Elements follow the XSD's order; every element written is one the
//! profile allows.

use crate::xml::{Xml, amount, percent, quantity};
use crate::{Address, Endpoint, Invoice, Line, Party, VatCategory};
use chrono::NaiveDate;

const NAMESPACES: [(&str, &str); 4] = [
    (
        "xmlns:rsm",
        "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
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

/// The EN 16931 guideline (BT-24).
const GUIDELINE: &str = "urn:cen.eu:en16931:2017";

fn date(x: &mut Xml, name: &str, day: NaiveDate) {
    x.open(name, &[]);
    x.leaf(
        "udt:DateTimeString",
        &[("format", "102")],
        &day.format("%Y%m%d").to_string(),
    );
    x.close(name);
}

fn address(x: &mut Xml, a: &Address) {
    x.open("ram:PostalTradeAddress", &[]);
    if !a.postcode.is_empty() {
        x.text("ram:PostcodeCode", &a.postcode);
    }
    if !a.line.is_empty() {
        x.text("ram:LineOne", &a.line);
    }
    if !a.city.is_empty() {
        x.text("ram:CityName", &a.city);
    }
    x.text("ram:CountryID", if a.country.is_empty() { "FR" } else { &a.country });
    x.close("ram:PostalTradeAddress");
}

fn party(x: &mut Xml, tag: &str, p: &Party) {
    x.open(tag, &[]);
    x.text("ram:Name", &p.name);
    if let Some(info) = p.legal_info.as_deref().filter(|s| !s.is_empty()) {
        x.text("ram:Description", info);
    }
    if let Some(siren) = &p.siren {
        x.open("ram:SpecifiedLegalOrganization", &[]);
        x.leaf("ram:ID", &[("schemeID", "0002")], siren);
        x.close("ram:SpecifiedLegalOrganization");
    }
    address(x, &p.address);
    if let Some(endpoint) = &p.endpoint {
        x.open("ram:URIUniversalCommunication", &[]);
        match endpoint {
            Endpoint::Siren(siren) => x.leaf("ram:URIID", &[("schemeID", "0225")], siren),
            Endpoint::Email(email) => x.leaf("ram:URIID", &[("schemeID", "EM")], email),
        }
        x.close("ram:URIUniversalCommunication");
    }
    if let Some(vat) = p.vat_number.as_deref().filter(|s| !s.is_empty()) {
        x.open("ram:SpecifiedTaxRegistration", &[]);
        x.leaf("ram:ID", &[("schemeID", "VA")], vat);
        x.close("ram:SpecifiedTaxRegistration");
    }
    x.close(tag);
}

fn line(x: &mut Xml, index: usize, l: &Line) {
    x.open("ram:IncludedSupplyChainTradeLineItem", &[]);
    x.open("ram:AssociatedDocumentLineDocument", &[]);
    x.text("ram:LineID", &(index + 1).to_string());
    x.close("ram:AssociatedDocumentLineDocument");
    x.open("ram:SpecifiedTradeProduct", &[]);
    x.text("ram:Name", &l.name);
    x.close("ram:SpecifiedTradeProduct");
    x.open("ram:SpecifiedLineTradeAgreement", &[]);
    x.open("ram:NetPriceProductTradePrice", &[]);
    x.text("ram:ChargeAmount", &amount(l.unit_price));
    x.close("ram:NetPriceProductTradePrice");
    x.close("ram:SpecifiedLineTradeAgreement");
    x.open("ram:SpecifiedLineTradeDelivery", &[]);
    x.leaf(
        "ram:BilledQuantity",
        &[("unitCode", l.unit_code)],
        &quantity(l.quantity),
    );
    x.close("ram:SpecifiedLineTradeDelivery");
    x.open("ram:SpecifiedLineTradeSettlement", &[]);
    x.open("ram:ApplicableTradeTax", &[]);
    x.text("ram:TypeCode", "VAT");
    x.text("ram:CategoryCode", l.vat.code());
    x.text("ram:RateApplicablePercent", &percent(l.vat.rate_bp()));
    x.close("ram:ApplicableTradeTax");
    if l.allowance != 0 {
        x.open("ram:SpecifiedTradeAllowanceCharge", &[]);
        x.open("ram:ChargeIndicator", &[]);
        x.text("udt:Indicator", "false");
        x.close("ram:ChargeIndicator");
        x.text("ram:ActualAmount", &amount(l.allowance));
        x.text("ram:Reason", "Remise");
        x.close("ram:SpecifiedTradeAllowanceCharge");
    }
    x.open("ram:SpecifiedTradeSettlementLineMonetarySummation", &[]);
    x.text("ram:LineTotalAmount", &amount(l.net));
    x.close("ram:SpecifiedTradeSettlementLineMonetarySummation");
    x.close("ram:SpecifiedLineTradeSettlement");
    x.close("ram:IncludedSupplyChainTradeLineItem");
}

fn vat_row(x: &mut Xml, category: VatCategory, basis: i64, vat: i64, due_date_code: &str) {
    x.open("ram:ApplicableTradeTax", &[]);
    x.text("ram:CalculatedAmount", &amount(vat));
    x.text("ram:TypeCode", "VAT");
    let exemption = category.exemption();
    if let Some((reason, _)) = exemption {
        x.text("ram:ExemptionReason", reason);
    }
    x.text("ram:BasisAmount", &amount(basis));
    x.text("ram:CategoryCode", category.code());
    if let Some((_, code)) = exemption {
        x.text("ram:ExemptionReasonCode", code);
    }
    if matches!(category, VatCategory::Standard(_)) {
        x.text("ram:DueDateTypeCode", due_date_code);
    }
    x.text("ram:RateApplicablePercent", &percent(category.rate_bp()));
    x.close("ram:ApplicableTradeTax");
}

/// The `factur-x.xml` of an invoice.
pub fn to_xml(inv: &Invoice) -> String {
    let mut x = Xml::new();
    x.open("rsm:CrossIndustryInvoice", &NAMESPACES);

    x.open("rsm:ExchangedDocumentContext", &[]);
    x.open("ram:BusinessProcessSpecifiedDocumentContextParameter", &[]);
    x.text("ram:ID", inv.process);
    x.close("ram:BusinessProcessSpecifiedDocumentContextParameter");
    x.open("ram:GuidelineSpecifiedDocumentContextParameter", &[]);
    x.text("ram:ID", GUIDELINE);
    x.close("ram:GuidelineSpecifiedDocumentContextParameter");
    x.close("rsm:ExchangedDocumentContext");

    x.open("rsm:ExchangedDocument", &[]);
    x.text("ram:ID", &inv.number);
    x.text("ram:TypeCode", inv.document_type.code());
    date(&mut x, "ram:IssueDateTime", inv.issued);
    for note in &inv.notes {
        x.open("ram:IncludedNote", &[]);
        x.text("ram:Content", &note.content);
        x.text("ram:SubjectCode", note.subject);
        x.close("ram:IncludedNote");
    }
    x.open("ram:IncludedNote", &[]);
    x.text("ram:Content", if inv.b2b { "B2B" } else { "B2C" });
    x.text("ram:SubjectCode", "BAR");
    x.close("ram:IncludedNote");
    x.close("rsm:ExchangedDocument");

    x.open("rsm:SupplyChainTradeTransaction", &[]);
    for (index, l) in inv.lines.iter().enumerate() {
        line(&mut x, index, l);
    }

    x.open("ram:ApplicableHeaderTradeAgreement", &[]);
    party(&mut x, "ram:SellerTradeParty", &inv.seller);
    party(&mut x, "ram:BuyerTradeParty", &inv.buyer);
    x.close("ram:ApplicableHeaderTradeAgreement");

    x.open("ram:ApplicableHeaderTradeDelivery", &[]);
    if let Some(site) = &inv.delivery_address {
        x.open("ram:ShipToTradeParty", &[]);
        address(&mut x, site);
        x.close("ram:ShipToTradeParty");
    }
    if let Some(day) = inv.delivered {
        x.open("ram:ActualDeliverySupplyChainEvent", &[]);
        date(&mut x, "ram:OccurrenceDateTime", day);
        x.close("ram:ActualDeliverySupplyChainEvent");
    }
    x.close("ram:ApplicableHeaderTradeDelivery");

    x.open("ram:ApplicableHeaderTradeSettlement", &[]);
    x.text("ram:InvoiceCurrencyCode", "EUR");
    if let Some(account) = &inv.payment {
        x.open("ram:SpecifiedTradeSettlementPaymentMeans", &[]);
        x.text("ram:TypeCode", "58");
        x.open("ram:PayeePartyCreditorFinancialAccount", &[]);
        x.text("ram:IBANID", &account.iban);
        x.close("ram:PayeePartyCreditorFinancialAccount");
        if let Some(bic) = account.bic.as_deref().filter(|b| !b.is_empty()) {
            x.open("ram:PayeeSpecifiedCreditorFinancialInstitution", &[]);
            x.text("ram:BICID", bic);
            x.close("ram:PayeeSpecifiedCreditorFinancialInstitution");
        }
        x.close("ram:SpecifiedTradeSettlementPaymentMeans");
    }
    // BT-8: 5 = the invoice date (VAT on debits), 72 = the payment date.
    let due_date_code = if inv.vat_on_debits { "5" } else { "72" };
    for row in &inv.vat_breakdown {
        vat_row(&mut x, row.category, row.basis, row.amount, due_date_code);
    }
    if !inv.payment_terms.is_empty() || inv.due_date.is_some() {
        x.open("ram:SpecifiedTradePaymentTerms", &[]);
        if !inv.payment_terms.is_empty() {
            x.text("ram:Description", &inv.payment_terms);
        }
        if let Some(day) = inv.due_date {
            date(&mut x, "ram:DueDateDateTime", day);
        }
        x.close("ram:SpecifiedTradePaymentTerms");
    }
    x.open("ram:SpecifiedTradeSettlementHeaderMonetarySummation", &[]);
    x.text("ram:LineTotalAmount", &amount(inv.totals.net));
    x.text("ram:TaxBasisTotalAmount", &amount(inv.totals.net));
    x.leaf("ram:TaxTotalAmount", &[("currencyID", "EUR")], &amount(inv.totals.vat));
    x.text("ram:GrandTotalAmount", &amount(inv.totals.gross));
    if inv.totals.prepaid != 0 {
        x.text("ram:TotalPrepaidAmount", &amount(inv.totals.prepaid));
    }
    x.text("ram:DuePayableAmount", &amount(inv.totals.due));
    x.close("ram:SpecifiedTradeSettlementHeaderMonetarySummation");
    if let Some(reference) = &inv.preceding {
        x.open("ram:InvoiceReferencedDocument", &[]);
        x.text("ram:IssuerAssignedID", &reference.number);
        x.open("ram:FormattedIssueDateTime", &[]);
        x.leaf(
            "qdt:DateTimeString",
            &[("format", "102")],
            &reference.issued.format("%Y%m%d").to_string(),
        );
        x.close("ram:FormattedIssueDateTime");
        x.close("ram:InvoiceReferencedDocument");
    }
    x.close("ram:ApplicableHeaderTradeSettlement");
    x.close("rsm:SupplyChainTradeTransaction");
    x.close("rsm:CrossIndustryInvoice");
    x.finish()
}
