//! RFC 6238 time-based one-time passwords (SHA-1, 6 digits, 30 s), with a
//! one-step tolerance for clock drift and replay protection by step number.

use totp_rs::{Algorithm, Secret, TOTP};

const STEP: u64 = 30;

fn totp(secret_base32: &str, account: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret_base32.to_string()).to_bytes().ok()?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        STEP,
        bytes,
        Some("Comptoir".to_string()),
        account.to_string(),
    )
    .ok()
}

/// A new random secret, base32.
pub fn new_secret() -> String {
    Secret::generate_secret().to_encoded().to_string()
}

/// The `otpauth://` URI for authenticator apps.
pub fn otpauth_url(secret_base32: &str, account: &str) -> Option<String> {
    totp(secret_base32, account).map(|t| t.get_url())
}

/// An SVG QR code of `data`.
pub fn qr_svg(data: &str) -> Option<String> {
    let code = qrcode::QrCode::new(data.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color>()
            .min_dimensions(200, 200)
            .dark_color(qrcode::render::svg::Color("#0f172a"))
            .light_color(qrcode::render::svg::Color("#ffffff"))
            .build(),
    )
}

/// The code for time `unix_secs` (for tests and the e2e helper).
pub fn code_at(secret_base32: &str, unix_secs: u64) -> Option<String> {
    totp(secret_base32, "x").map(|t| t.generate(unix_secs))
}

/// Checks `code` at `unix_secs`. Returns the matched step when it is newer
/// than `last_step`, so that a code is never accepted twice.
pub fn verify(secret_base32: &str, code: &str, unix_secs: u64, last_step: Option<i64>) -> Option<i64> {
    let totp = totp(secret_base32, "x")?;
    let now_step = (unix_secs / STEP) as i64;
    (now_step - 1..=now_step + 1).find(|&step| {
        let candidate = totp.generate(step as u64 * STEP);
        constant_time_eq(candidate.as_bytes(), code.as_bytes()) && last_step.is_none_or(|last| step > last)
    })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_vector() {
        // RFC 6238 appendix B, SHA-1 secret "12345678901234567890", T = 59 s → 94287082 (8 digits);
        // with 6 digits the code is the last six: 287082.
        let secret = totp_rs::Secret::Raw(b"12345678901234567890".to_vec())
            .to_encoded()
            .to_string();
        assert_eq!(code_at(&secret, 59).as_deref(), Some("287082"));
    }

    #[test]
    fn codes_are_accepted_once_and_within_one_step() {
        let secret = new_secret();
        let now = 1_800_000_000;
        let code = code_at(&secret, now).unwrap();
        let step = verify(&secret, &code, now, None).expect("fresh code accepted");
        assert_eq!(verify(&secret, &code, now, Some(step)), None, "replay refused");
        assert!(
            verify(&secret, &code, now + 30, None).is_some(),
            "one step of drift tolerated"
        );
        assert_eq!(verify(&secret, &code, now + 120, None), None, "old code refused");
        assert_eq!(verify(&secret, "000000", now, None).filter(|_| code != "000000"), None);
    }

    #[test]
    fn enrolment_material_is_usable() {
        let secret = new_secret();
        let url = otpauth_url(&secret, "lea@coaching.fr").unwrap();
        assert!(url.starts_with("otpauth://totp/Comptoir:lea%40coaching.fr?"));
        assert!(qr_svg(&url).unwrap().contains("<svg"));
    }
}
