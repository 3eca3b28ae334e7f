//! Random tokens, one-way hashes and password hashing.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A URL-safe random token of 256 bits.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Lower-case hex SHA-256, used to store tokens so that a database leak does not
/// leak usable links or sessions.
pub fn sha256_hex(input: &str) -> String {
    hex::encode(Sha256::digest(input.as_bytes()))
}

/// Lower-case hex SHA-256 of bytes (stored documents, signature proofs).
pub fn sha256_bytes_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn argon2() -> Argon2<'static> {
    // OWASP 2024 baseline for argon2id: 19 MiB, 2 passes, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Checks a password against a stored PHC string, in constant time.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|hash| argon2().verify_password(password.as_bytes(), &hash).is_ok())
        .unwrap_or(false)
}

/// How many password hashes may run at once: one per core. Each takes
/// 19 MiB and a core for ~30 ms; more at once only adds memory and latency.
pub fn concurrent_hashes() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2)
}

/// Hashes on a blocking thread once `limit` grants a permit (requests wait
/// their turn in order), so a burst of sign-ups never holds more than
/// `concurrent_hashes()` × 19 MiB.
pub async fn hash_password_bounded(limit: &tokio::sync::Semaphore, password: String) -> Result<String, String> {
    let _permit = limit.acquire().await.map_err(|e| e.to_string())?;
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| e.to_string())?
}

/// Verifies on a blocking thread once `limit` grants a permit (see
/// [`hash_password_bounded`]).
pub async fn verify_password_bounded(limit: &tokio::sync::Semaphore, password: String, phc: String) -> bool {
    let Ok(_permit) = limit.acquire().await else {
        return false;
    };
    tokio::task::spawn_blocking(move || verify_password(&password, &phc))
        .await
        .unwrap_or(false)
}

/// A hash to compare against when the account does not exist, so that response
/// time does not reveal which emails have accounts.
pub fn dummy_password_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("comptoir-timing-equaliser").unwrap_or_default())
}

/// Ten single-use recovery codes like `k3v9q-2m7xa`, and their hashes for storage.
pub fn recovery_codes() -> (Vec<String>, Vec<String>) {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rngs::OsRng;
    let codes: Vec<String> = (0..10)
        .map(|_| {
            let raw: String = (0..10)
                .map(|_| ALPHABET[(rng.next_u32() as usize) % ALPHABET.len()] as char)
                .collect();
            format!("{}-{}", &raw[..5], &raw[5..])
        })
        .collect();
    let hashes = codes.iter().map(|c| sha256_hex(&c.replace('-', ""))).collect();
    (codes, hashes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_with_the_right_secret() {
        let hash = hash_password("Chantier-Lyon-2026").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("Chantier-Lyon-2026", &hash));
        assert!(!verify_password("chantier-lyon-2026", &hash));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn tokens_are_long_and_distinct() {
        let (a, b) = (random_token(), random_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(sha256_hex("abc").len(), 64);
    }

    #[test]
    fn recovery_codes_hash_without_their_dash() {
        let (codes, hashes) = recovery_codes();
        assert_eq!(codes.len(), 10);
        assert_eq!(hashes[0], sha256_hex(&codes[0].replace('-', "")));
    }
}
