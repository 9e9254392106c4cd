//! The administrator password: Argon2id hashes in PHC form (`$argon2id$v=19$…`), with a
//! random salt per password.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use exchange_core::i18n::Lang;
use exchange_core::tr;

/// The shortest password accepted.
pub const MIN_LENGTH: usize = 8;

/// Checks a new password's strength; the error, in `lang`, says what to do.
pub fn check_new(password: &str, lang: Lang) -> Result<(), String> {
    if password.chars().count() < MIN_LENGTH {
        return Err(tr!(lang, "password-too-short", min = MIN_LENGTH));
    }
    if password.trim() != password {
        return Err(tr!(lang, "password-spaces"));
    }
    Ok(())
}

/// Hashes a password with Argon2id and a fresh random salt.
pub fn hash(password: &str) -> anyhow::Result<String> {
    let hash = Argon2::default()
        .hash_password(password.as_bytes())
        .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))?;
    Ok(hash.to_string())
}

/// Whether `password` matches the stored PHC string (a malformed hash matches nothing).
pub fn verify(password: &str, stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_are_salted() {
        let a = hash("correct horse").unwrap();
        let b = hash("correct horse").unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b, "each hash has its own salt");
        assert!(verify("correct horse", &a));
        assert!(!verify("wrong horse", &a));
        assert!(!verify("correct horse", "not a hash"));
    }

    #[test]
    fn short_or_padded_passwords_are_refused() {
        assert!(check_new("short", Lang::En)
            .unwrap_err()
            .contains("at least 8"));
        assert_eq!(
            check_new("short", Lang::Ru).unwrap_err(),
            "пароль слишком короткий: нужно не меньше 8 символов"
        );
        assert!(check_new(" padded-password", Lang::Ru).is_err());
        assert!(check_new("long enough", Lang::Ru).is_ok());
    }
}
