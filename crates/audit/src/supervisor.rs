//! The supervisor passphrase: only its argon2id hash (a PHC string with its own salt and
//! parameters) is stored, in the settings record.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};

use super::AuditError;

/// Shortest passphrase accepted.
pub const MIN_PASSPHRASE_CHARS: usize = 10;
/// Longest passphrase accepted (argon2 takes any length; this keeps a pasted file out).
pub const MAX_PASSPHRASE_CHARS: usize = 1024;

/// Why a new passphrase is refused, if it is.
pub fn check_strength(passphrase: &str) -> Result<(), String> {
    let chars = passphrase.chars().count();
    if chars < MIN_PASSPHRASE_CHARS {
        return Err(format!("the supervisor passphrase needs at least {MIN_PASSPHRASE_CHARS} characters"));
    }
    if chars > MAX_PASSPHRASE_CHARS {
        return Err(format!("the supervisor passphrase may have at most {MAX_PASSPHRASE_CHARS} characters"));
    }
    if passphrase.trim() != passphrase {
        return Err("the supervisor passphrase may not begin or end with spaces".into());
    }
    Ok(())
}

/// The argon2id hash of `passphrase` with a fresh random salt (argon2's default parameters).
pub fn hash_passphrase(passphrase: &str) -> Result<String, AuditError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| AuditError::Auth(format!("no randomness from the OS: {e}")))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| AuditError::Auth(format!("salt: {e}")))?;
    Argon2::default()
        .hash_password(passphrase.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| AuditError::Auth(format!("cannot hash the passphrase: {e}")))
}

/// Whether `passphrase` matches the stored `hash` (a damaged hash matches nothing).
pub fn verify_passphrase(passphrase: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .is_ok_and(|parsed| Argon2::default().verify_password(passphrase.as_bytes(), &parsed).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_only_their_passphrase_and_never_contain_it() {
        let hash = hash_passphrase("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(!hash.contains("correct horse"));
        assert!(verify_passphrase("correct horse battery", &hash));
        assert!(!verify_passphrase("correct horse batterY", &hash));
        assert!(!verify_passphrase("correct horse battery", "not a hash"));
        assert_ne!(hash, hash_passphrase("correct horse battery").unwrap(), "salted");
    }

    #[test]
    fn weak_passphrases_are_refused() {
        assert!(check_strength("short").is_err());
        assert!(check_strength(" leading space ok?").is_err());
        assert!(check_strength(&"x".repeat(2000)).is_err());
        assert!(check_strength("long enough passphrase").is_ok());
    }
}
