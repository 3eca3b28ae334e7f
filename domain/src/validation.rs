//! Validated values. The browser runs these checks as the user types and the
//! server runs them again on every request; messages are French and end-user ready.

use serde::{Deserialize, Serialize};

/// A syntactically valid, normalised (trimmed, lower-cased) email address.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    /// Parses and normalises an address typed by a user.
    pub fn parse(input: &str) -> Result<Email, &'static str> {
        let value = input.trim().to_lowercase();
        if value.is_empty() {
            return Err("Saisissez une adresse e-mail.");
        }
        if value.len() > 254 {
            return Err("Cette adresse e-mail est trop longue.");
        }
        let Some((local, domain)) = value.split_once('@') else {
            return Err("Il manque le « @ » dans l'adresse e-mail.");
        };
        // Internationalised addresses (RFC 6531) are addresses: letters and
        // digits of any script in the local part and the domain (jerôme@…,
        // …@société.fr); lengths are in bytes, as SMTP counts them.
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local.chars().all(|c| {
                c.is_ascii_alphanumeric()
                    || "!#$%&'*+/=?^_`{|}~.-".contains(c)
                    || (!c.is_ascii() && c.is_alphanumeric())
            });
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = domain.len() <= 253
            && labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_alphanumeric() || c == '-')
            })
            && labels.last().is_some_and(|tld| {
                tld.chars().count() >= 2
                    && (tld.chars().all(char::is_alphabetic) || (tld.starts_with("xn--") && tld.is_ascii()))
            });
        if !local_ok || !domain_ok {
            return Err("Cette adresse e-mail n'est pas valide (exemple : nom@entreprise.fr).");
        }
        Ok(Email(value))
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Consumes into the normalised address.
    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A password that meets the policy (length, not trivially repeated).
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

impl Password {
    /// Minimum length, following ANSSI/NIST guidance for user-chosen secrets.
    pub const MIN_LEN: usize = 10;
    /// Upper bound that keeps hashing cost bounded.
    pub const MAX_LEN: usize = 128;

    /// Checks a new password.
    pub fn parse(input: &str) -> Result<Password, &'static str> {
        let count = input.chars().count();
        if count == 0 {
            return Err("Choisissez un mot de passe.");
        }
        if count < Self::MIN_LEN {
            return Err("Le mot de passe doit contenir au moins 10 caractères.");
        }
        if count > Self::MAX_LEN {
            return Err("Le mot de passe ne doit pas dépasser 128 caractères.");
        }
        let mut chars = input.chars();
        let first = chars.next();
        if chars.all(|c| Some(c) == first) {
            return Err("Ce mot de passe est trop simple.");
        }
        const COMMON: [&str; 8] = [
            "motdepasse",
            "azertyuiop",
            "1234567890",
            "0123456789",
            "password123",
            "qwertyuiop",
            "azerty1234",
            "motdepasse1",
        ];
        if COMMON.contains(&input.to_lowercase().as_str()) {
            return Err("Ce mot de passe est trop courant.");
        }
        Ok(Password(input.to_string()))
    }

    /// The secret, for hashing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

fn clean_text(input: &str) -> String {
    input.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A phone number, normalised to "06 12 34 56 78" for French numbers and
/// "+<digits>" for others.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Phone(String);

impl Phone {
    /// Accepts "06 12 34 56 78", "06.12.34.56.78", "+33 6 12 34 56 78", "+44 20…".
    pub fn parse(input: &str) -> Result<Phone, &'static str> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err("Saisissez un numéro de téléphone.");
        }
        if !trimmed.chars().all(|c| c.is_ascii_digit() || " .-()+".contains(c)) {
            return Err("Le numéro ne doit contenir que des chiffres (exemple : 06 12 34 56 78).");
        }
        let international = trimmed.starts_with('+') || trimmed.starts_with("00");
        let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
        let digits = digits
            .strip_prefix("00")
            .filter(|_| trimmed.starts_with("00"))
            .unwrap_or(&digits)
            .to_string();
        let national = match (international, digits.strip_prefix("33")) {
            (true, Some(rest)) if rest.len() == 9 => Some(format!("0{rest}")),
            (false, _) if digits.len() == 10 && digits.starts_with('0') => Some(digits.clone()),
            _ => None,
        };
        if let Some(n) = national {
            let pairs: Vec<&str> = (0..5).map(|i| &n[i * 2..i * 2 + 2]).collect();
            return Ok(Phone(pairs.join(" ")));
        }
        if international && (8..=15).contains(&digits.len()) {
            return Ok(Phone(format!("+{digits}")));
        }
        Err("Numéro incomplet : 10 chiffres en France (exemple : 06 12 34 56 78).")
    }

    /// The normalised number.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// For `tel:` links, in international form ("+33478123456"), which also
    /// works from a phone abroad.
    pub fn dial(&self) -> String {
        let digits: String = self.0.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
        match digits.strip_prefix('0') {
            Some(rest) if !digits.starts_with('+') => format!("+33{rest}"),
            _ => digits,
        }
    }
}

/// A French postcode: five digits.
pub fn postcode(input: &str) -> Result<String, &'static str> {
    let value = input.trim();
    if value.len() == 5 && value.chars().all(|c| c.is_ascii_digit()) {
        Ok(value.to_string())
    } else {
        Err("Le code postal compte 5 chiffres (exemple : 69007).")
    }
}

/// A person's display name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PersonName(String);

impl PersonName {
    /// Trims and checks a name.
    pub fn parse(input: &str) -> Result<PersonName, &'static str> {
        let value = clean_text(input);
        if value.is_empty() {
            return Err("Saisissez votre nom.");
        }
        if value.chars().count() > 100 {
            return Err("Le nom ne doit pas dépasser 100 caractères.");
        }
        if value.chars().any(char::is_control) {
            return Err("Le nom contient des caractères non autorisés.");
        }
        Ok(PersonName(value))
    }

    /// The cleaned name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The name of a business / workspace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct WorkspaceName(String);

impl WorkspaceName {
    /// Trims and checks a workspace name.
    pub fn parse(input: &str) -> Result<WorkspaceName, &'static str> {
        let value = clean_text(input);
        if value.chars().count() < 2 {
            return Err("Le nom de l'entreprise doit contenir au moins 2 caractères.");
        }
        if value.chars().count() > 80 {
            return Err("Le nom de l'entreprise ne doit pas dépasser 80 caractères.");
        }
        if value.chars().any(char::is_control) {
            return Err("Le nom contient des caractères non autorisés.");
        }
        Ok(WorkspaceName(value))
    }

    /// The cleaned name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a user types at the two-factor challenge: a 6-digit TOTP code or a
/// single-use recovery code (`xxxx-xxxx`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TotpCode {
    /// Six digits from the authenticator app.
    Totp(String),
    /// A recovery code, lower-case, without the dash.
    Recovery(String),
}

impl TotpCode {
    /// Accepts spaces and dashes the way people type them.
    pub fn parse(input: &str) -> Result<TotpCode, &'static str> {
        let compact: String = input.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
        if compact.is_empty() {
            return Err("Saisissez le code à 6 chiffres de votre application.");
        }
        if compact.len() == 6 && compact.chars().all(|c| c.is_ascii_digit()) {
            return Ok(TotpCode::Totp(compact));
        }
        if compact.len() == 10 && compact.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Ok(TotpCode::Recovery(compact.to_lowercase()));
        }
        Err("Le code doit comporter 6 chiffres (ou un code de secours de 10 caractères).")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn emails_are_normalised() {
        assert_eq!(
            Email::parse("  Julien.Martin@Plomberie-Martin.FR ").unwrap().as_str(),
            "julien.martin@plomberie-martin.fr"
        );
    }

    #[test]
    fn internationalised_emails_are_accepted() {
        for good in [
            "jerôme@exemple.fr",
            "Zoë@Société.fr",
            "用户@例子.广告",
            "a@xn--socit-esab.fr",
            "x@exemple.xn--p1ai",
        ] {
            assert!(Email::parse(good).is_ok(), "{good:?} should be accepted");
        }
        assert_eq!(Email::parse("Zoë@Société.FR").unwrap().as_str(), "zoë@société.fr");
        for bad in [
            "jer ôme@exemple.fr",
            "é@exemple.fr\u{200b}",
            "a@exemple.f",
            "a@exemple.1é",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn bad_emails_are_refused_with_a_reason() {
        for bad in [
            "",
            "julien",
            "julien@",
            "@martin.fr",
            "julien@martin",
            "jul ien@martin.fr",
            "a..b@martin.fr",
            "x@-a.fr",
            "x@a.f1",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn passwords_follow_the_policy() {
        assert!(Password::parse("court").is_err());
        assert!(Password::parse("aaaaaaaaaaaa").is_err());
        assert!(Password::parse("motdepasse").is_err());
        assert!(Password::parse("Chantier-Lyon-2026").is_ok());
        assert!(Password::parse(&"x".repeat(129)).is_err());
    }

    #[test]
    fn names_are_cleaned() {
        assert_eq!(PersonName::parse("  Léa   Dubois ").unwrap().as_str(), "Léa Dubois");
        assert!(PersonName::parse("   ").is_err());
        assert!(WorkspaceName::parse("A").is_err());
        assert_eq!(
            WorkspaceName::parse(" Plomberie  Martin ").unwrap().as_str(),
            "Plomberie Martin"
        );
    }

    #[test]
    fn phones_are_normalised() {
        assert_eq!(Phone::parse("0612345678").unwrap().as_str(), "06 12 34 56 78");
        assert_eq!(Phone::parse("+33 6 12 34 56 78").unwrap().as_str(), "06 12 34 56 78");
        assert_eq!(Phone::parse("0033612345678").unwrap().as_str(), "06 12 34 56 78");
        assert_eq!(Phone::parse("04.78.12.34.56").unwrap().dial(), "+33478123456");
        assert_eq!(Phone::parse("+44 20 7946 0958").unwrap().dial(), "+442079460958");
        assert_eq!(Phone::parse("+44 20 7946 0958").unwrap().as_str(), "+442079460958");
        assert!(Phone::parse("06 12").is_err());
        assert!(Phone::parse("appelle-moi").is_err());
        assert_eq!(postcode(" 69007 "), Ok("69007".into()));
        assert!(postcode("6900").is_err());
    }

    #[test]
    fn totp_codes_accept_how_people_type() {
        assert_eq!(TotpCode::parse("123 456").unwrap(), TotpCode::Totp("123456".into()));
        assert_eq!(
            TotpCode::parse("abcde-12345").unwrap(),
            TotpCode::Recovery("abcde12345".into())
        );
        assert!(TotpCode::parse("12345").is_err());
        assert!(TotpCode::parse("").is_err());
    }

    proptest! {
        #[test]
        fn parsed_emails_are_idempotent(local in "[a-z0-9][a-z0-9._-]{0,20}[a-z0-9]", domain in "[a-z]{2,10}", tld in "[a-z]{2,4}") {
            let raw = format!("{local}@{domain}.{tld}");
            if let Ok(email) = Email::parse(&raw) {
                prop_assert_eq!(Email::parse(email.as_str()).unwrap(), email.clone());
                prop_assert_eq!(email.as_str(), email.as_str().trim().to_lowercase());
            }
        }

        #[test]
        fn email_parsing_never_panics(input in ".{0,300}") {
            let _ = Email::parse(&input);
        }
    }
}

/// A workspace's public slug: its name in lower-case ASCII words joined by
/// hyphens (40 characters at most), then the last six hex digits of its id
/// (the random part of a UUID v7), so two « Plomberie Martin » differ.
pub fn slug(name: &str, id: uuid::Uuid) -> String {
    let mut out = String::new();
    for c in name.to_lowercase().chars() {
        let c = match c {
            'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            c if c.is_ascii_alphanumeric() => c,
            _ => '-',
        };
        if c != '-' || !out.ends_with('-') {
            out.push(c);
        }
    }
    let base: String = out.trim_matches('-').chars().take(40).collect();
    let hex = id.simple().to_string();
    format!("{}-{}", base.trim_end_matches('-'), &hex[hex.len() - 6..])
}

#[cfg(test)]
mod slug_tests {
    #[test]
    fn slugs_are_readable_and_distinct() {
        let id = uuid::Uuid::from_u128(0xabcdef);
        assert_eq!(
            super::slug("Plomberie Martin & Fils", id),
            "plomberie-martin-fils-abcdef"
        );
        assert_eq!(
            super::slug("  Électricité  Lyonnaise ", id),
            "electricite-lyonnaise-abcdef"
        );
    }
}
