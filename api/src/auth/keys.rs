//! The Ed25519 key that signs access tokens. Generated into the data dir on first start when
//! none exists; the public half is published as a JWK set.

use std::fs;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::SigningKey;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey, spki::der::pem::LineEnding};
use jsonwebtoken::{DecodingKey, EncodingKey};
use sha2::{Digest, Sha256};

pub struct JwtKeys {
    pub kid: String,
    pub encoding: EncodingKey,
    pub decoding: DecodingKey,
    /// The public key as a JWK (`kty: OKP`, `crv: Ed25519`).
    pub jwk: serde_json::Value,
}

const KEY_FILE: &str = "jwt-ed25519.pem";

impl JwtKeys {
    /// Loads `<dir>/jwt-ed25519.pem`, creating it (mode 0600) when missing.
    pub fn load_or_generate(dir: &Path) -> anyhow::Result<JwtKeys> {
        let path = dir.join(KEY_FILE);
        let pem = if path.exists() {
            fs::read_to_string(&path)?
        } else {
            fs::create_dir_all(dir)?;
            let mut seed = [0u8; 32];
            getrandom::fill(&mut seed).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
            let pem = SigningKey::from_bytes(&seed)
                .to_pkcs8_pem(LineEnding::LF)?
                .to_string();
            write_private(&path, &pem)?;
            tracing::info!(path = %path.display(), "generated a new token signing key");
            pem
        };
        JwtKeys::from_pem(&pem)
    }

    /// Loads a configured key file; a missing or unreadable file is an error, never replaced.
    pub fn load_file(path: &Path) -> anyhow::Result<JwtKeys> {
        let pem = fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read the signing key {}: {e}", path.display()))?;
        JwtKeys::from_pem(&pem)
    }

    pub fn from_pem(pem: &str) -> anyhow::Result<JwtKeys> {
        let signing = SigningKey::from_pkcs8_pem(pem)?;
        let public = signing.verifying_key().to_bytes();
        let x = URL_SAFE_NO_PAD.encode(public);
        let kid: String = Sha256::digest(public)
            .iter()
            .take(8)
            .map(|b| format!("{b:02x}"))
            .collect();
        Ok(JwtKeys {
            encoding: EncodingKey::from_ed_pem(pem.as_bytes())?,
            decoding: DecodingKey::from_ed_components(&x)?,
            jwk: serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid, "alg": "EdDSA", "use": "sig"}),
            kid,
        })
    }
}

#[cfg(unix)]
fn write_private(path: &Path, pem: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(pem.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, pem: &str) -> std::io::Result<()> {
    fs::write(path, pem)
}
