//! DKIM signing settings: relaxed/relaxed canonicalization and a header list that covers the
//! unsubscribe headers (RFC 8058 requires them signed). lettre's `default_config` signs only
//! From/Subject/To/Date with simple header canonicalization, which verifiers reject.

use anyhow::Context;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use lettre::message::dkim::{
    DkimCanonicalization, DkimCanonicalizationType, DkimConfig, DkimSigningAlgorithm,
    DkimSigningKey,
};
use lettre::message::header::HeaderName;

use crate::config::Config;

/// The headers every signature covers. A header absent from a message is still listed, so it
/// cannot be added later without breaking the signature.
///
/// Not `Content-Type`: lettre writes a multipart message's Content-Type as part of the body and
/// leaves it out of the header hash, so listing it makes every signature fail (the body itself
/// is covered by the body hash).
pub const SIGNED_HEADERS: &[&str] = &[
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "MIME-Version",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
];

/// Reads the key file and builds the signing configuration; `None` when no key is configured.
pub fn load(config: &Config) -> anyhow::Result<Option<DkimConfig>> {
    let Some(path) = &config.dkim_key_file else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the DKIM key {}", path.display()))?;
    let domain = match &config.dkim_domain {
        Some(d) if !d.trim().is_empty() => d.trim().to_ascii_lowercase(),
        _ => config.message_id_host(),
    };
    let key = signing_key(&text).with_context(|| format!("DKIM key {}", path.display()))?;
    Ok(Some(dkim_config(&config.dkim_selector, &domain, key)))
}

pub fn dkim_config(selector: &str, domain: &str, key: DkimSigningKey) -> DkimConfig {
    DkimConfig::new(
        selector.to_owned(),
        domain.to_owned(),
        key,
        SIGNED_HEADERS
            .iter()
            .map(|h| HeaderName::new_from_ascii_str(h))
            .collect(),
        DkimCanonicalization {
            header: DkimCanonicalizationType::Relaxed,
            body: DkimCanonicalizationType::Relaxed,
        },
    )
}

/// An RSA key (PKCS#1 `RSA PRIVATE KEY` or PKCS#8 `PRIVATE KEY` PEM) or an Ed25519 key (PKCS#8
/// PEM or the base64 of the 32-byte seed).
pub fn signing_key(text: &str) -> anyhow::Result<DkimSigningKey> {
    let text = text.trim();
    if text.contains("BEGIN RSA PRIVATE KEY") {
        return DkimSigningKey::new(text, DkimSigningAlgorithm::Rsa)
            .map_err(|e| anyhow::anyhow!("not a PKCS#1 RSA key: {e}"));
    }
    if text.contains("BEGIN PRIVATE KEY") {
        use ed25519_dalek::pkcs8::DecodePrivateKey as _;
        if let Ok(key) = ed25519_dalek::SigningKey::from_pkcs8_pem(text) {
            return DkimSigningKey::new(
                &STANDARD.encode(key.to_bytes()),
                DkimSigningAlgorithm::Ed25519,
            )
            .map_err(|e| anyhow::anyhow!("Ed25519 key: {e}"));
        }
        use rsa::pkcs1::EncodeRsaPrivateKey as _;
        let key = rsa::RsaPrivateKey::from_pkcs8_pem(text)
            .map_err(|e| anyhow::anyhow!("neither an Ed25519 nor an RSA PKCS#8 key: {e}"))?;
        let pkcs1 = key
            .to_pkcs1_pem(rsa::pkcs1::LineEnding::LF)
            .map_err(|e| anyhow::anyhow!("RSA key: {e}"))?;
        return DkimSigningKey::new(&pkcs1, DkimSigningAlgorithm::Rsa)
            .map_err(|e| anyhow::anyhow!("RSA key: {e}"));
    }
    DkimSigningKey::new(text, DkimSigningAlgorithm::Ed25519)
        .map_err(|e| anyhow::anyhow!("not a base64 Ed25519 seed: {e}"))
}
