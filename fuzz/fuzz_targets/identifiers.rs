//! What people type as identifiers: SIRET, email, phone, names, second-factor
//! codes. Never a panic; an accepted value is accepted again as it was stored.
#![no_main]

use domain::quote_check::siret_is_valid;
use domain::{Email, PersonName, Phone, TotpCode, WorkspaceName};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    let _ = siret_is_valid(input);
    if let Ok(email) = Email::parse(input) {
        assert_eq!(Email::parse(email.as_str()).map(|e| e.as_str().to_string()), Ok(email.as_str().to_string()));
    }
    if let Ok(phone) = Phone::parse(input) {
        assert!(Phone::parse(phone.as_str()).is_ok());
    }
    if let Ok(name) = PersonName::parse(input) {
        assert!(PersonName::parse(name.as_str()).is_ok());
    }
    let _ = WorkspaceName::parse(input);
    let _ = TotpCode::parse(input);
});
