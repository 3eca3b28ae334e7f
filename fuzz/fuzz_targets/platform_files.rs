//! What the e-invoicing platform sends (lifecycle messages, supplier
//! invoices as CII XML or Factur-X PDF) is read without panicking, and a
//! lifecycle message that reads back writes the same message again.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Some(xml) = facturx::extract::embedded_xml(bytes) {
        let _ = facturx::read::read_cii(&xml);
    }
    let text = String::from_utf8_lossy(bytes);
    let _ = facturx::read::read_cii(&text);
    if let Ok(message) = facturx::cdar::parse(&text) {
        let again = facturx::cdar::parse(&facturx::cdar::to_xml(&message)).expect("a written message reads back");
        assert_eq!(again.status, message.status);
        assert_eq!(again.invoice_number, message.invoice_number);
        assert_eq!(again.amounts, message.amounts);
        assert_eq!(again.invoice_type, message.invoice_type);
    }
});
