//! Argon2id with the library defaults (m=19 MiB, t=2, p=1: the OWASP minimum), PHC strings.
//!
//! With the `test-fast-hash` feature (enabled only by the end-to-end tests crate) new hashes use
//! the smallest parameters Argon2 allows: the suite signs up and in thousands of times, and at
//! 19 MiB per hash that was a fifth of a short test's CPU. Verification reads the parameters
//! from the stored PHC string, so either build verifies either kind of hash.

use std::sync::LazyLock;

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Argon2, Params};

use super::AccountError;

/// The parameters new hashes are made with.
fn params() -> Params {
    if cfg!(feature = "test-fast-hash") {
        Params::new(
            Params::MIN_M_COST,
            Params::MIN_T_COST,
            Params::MIN_P_COST,
            None,
        )
        .unwrap_or_default()
    } else {
        production_params()
    }
}

/// Argon2's defaults, which are OWASP's minimum; the test below notices if a new version of the
/// crate changes them.
fn production_params() -> Params {
    Params::default()
}

pub fn hash_password(password: &str) -> Result<String, AccountError> {
    Argon2::new(Default::default(), Default::default(), params())
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AccountError::Hashing(e.to_string()))
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash to verify against when the e-mail is unknown, so that an unknown address costs the
/// same time as a wrong password and the two cannot be told apart.
pub(crate) static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_password("tradefair-dummy-password").unwrap_or_default());

/// Length limits plus a strength estimate that rejects common and guessable passwords
/// (zxcvbn's frequency lists), including ones built from the user's own e-mail or name.
pub(crate) fn password_problem(
    password: &str,
    user_inputs: &[&str],
) -> Option<(&'static str, String)> {
    let len = password.chars().count();
    if len < 10 {
        return Some(("too_short", "must have at least 10 characters".into()));
    }
    if len > 128 {
        return Some(("too_long", "must have at most 128 characters".into()));
    }
    let estimate = zxcvbn::zxcvbn(password, user_inputs);
    if (estimate.score() as u8) < 2 {
        let hint = estimate
            .feedback()
            .and_then(|f| f.warning().map(|w| w.to_string()))
            .unwrap_or_else(|| "it is too easy to guess".into());
        return Some((
            "too_common",
            format!("choose a less common password: {hint}"),
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_round_trip_uses_argon2id() {
        let h = hash_password("correct horse battery").unwrap();
        let expected = if cfg!(feature = "test-fast-hash") {
            "$argon2id$v=19$m=8,t=1,p=1$"
        } else {
            "$argon2id$v=19$m=19456,t=2,p=1$"
        };
        assert!(h.starts_with(expected), "{h}");
        let p = production_params();
        assert_eq!((p.m_cost(), p.t_cost(), p.p_cost()), (19_456, 2, 1));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterx", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn common_passwords_are_refused() {
        for p in [
            "password123",
            "1234567890",
            "qwertyuiop",
            "iloveyou12",
            "zhangsan@example.com",
        ] {
            assert!(
                password_problem(p, &["zhangsan@example.com"]).is_some(),
                "{p}"
            );
        }
        assert!(password_problem("short", &[]).is_some());
        assert!(password_problem("Lantern-Harbor-42-Quilt", &[]).is_none());
    }
}
