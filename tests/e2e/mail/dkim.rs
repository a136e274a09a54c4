//! DKIM: messages as the SMTP server received them verify with an independent verifier
//! (mail-auth, with the selector's TXT record served from its resolver cache instead of DNS),
//! and stop verifying when the body or the List-Unsubscribe header is altered.
//!
//! `tests/fixtures/dkim/rsa2048.pem` is a test-only key (`openssl genrsa -traditional 2048`);
//! `rsa2048.pub.b64` is its public key (`openssl rsa -pubout -outform DER | base64`).

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use e2e::smtp::SmtpSink;
use e2e::{Backend, both_backends};
use mail_auth::common::parse::TxtRecordParser;
use mail_auth::common::verify::DomainKey;
use mail_auth::{
    AuthenticatedMessage, DkimResult, MessageAuthenticator, Parameters, ResolverCache, Txt,
};

use super::common::*;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/dkim");

struct TxtCache(Mutex<HashMap<Box<str>, Txt>>);

impl ResolverCache<Box<str>, Txt> for TxtCache {
    fn get<Q>(&self, name: &Q) -> Option<Txt>
    where
        Box<str>: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.0.lock().unwrap().get(name).cloned()
    }

    fn remove<Q>(&self, name: &Q) -> Option<Txt>
    where
        Box<str>: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.0.lock().unwrap().remove(name)
    }

    fn insert(&self, key: Box<str>, value: Txt, _: std::time::Instant) {
        self.0.lock().unwrap().insert(key, value);
    }
}

/// The verifier's results for `message`, with `record` published at
/// `<selector>._domainkey.<domain>`.
async fn verify(message: &[u8], selector: &str, domain: &str, record: &str) -> Vec<String> {
    let cache = TxtCache(Mutex::new(HashMap::new()));
    let key = DomainKey::parse(record.as_bytes()).expect("DKIM TXT record parses");
    cache.0.lock().unwrap().insert(
        format!("{selector}._domainkey.{domain}.").into_boxed_str(),
        Txt::from(key),
    );
    // The resolver is never asked: every lookup is answered from the cache.
    let authenticator = MessageAuthenticator::new(
        mail_auth::hickory_resolver::config::ResolverConfig::default(),
        Default::default(),
    )
    .expect("resolver");
    let parsed = AuthenticatedMessage::parse(message).expect("message parses");
    let results = authenticator
        .verify_dkim(Parameters::new(&parsed).with_txt_cache(&cache))
        .await;
    results
        .iter()
        .map(|r| match r.result() {
            DkimResult::Pass => "pass".to_owned(),
            other => format!("{other:?}"),
        })
        .collect()
}

fn replace_once(bytes: &[u8], from: &str, to: &str) -> Vec<u8> {
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    assert!(text.contains(from), "{from:?} not in the message");
    text.replacen(from, to, 1).into_bytes()
}

async fn check(b: Backend, key_file: std::path::PathBuf, record: String) {
    let sink = SmtpSink::start();
    let app = app_with_sink(b, &sink, |c| {
        c.dkim_key_file = Some(key_file);
        c.dkim_selector = "s2026".into();
    })
    .await;
    let buyer = app.signup("buyer").await;
    consent(&app, &buyer, true).await;
    let id = enqueue(&app, lead(&buyer, true)).await;
    let message_id = wait_status(&app, id, "sent", 30).await.message_id;
    let m = received_with(&sink, &message_id).remove(0);
    let signature = m.header("DKIM-Signature").expect("signed");
    assert!(signature.contains("c=relaxed/relaxed"), "{signature}");
    assert!(signature.contains("d=tradefair.test"), "{signature}");
    let h = signature
        .split(';')
        .map(str::trim)
        .find_map(|t| t.strip_prefix("h="))
        .unwrap()
        .replace([' ', '\t'], "");
    for name in [
        "from",
        "to",
        "subject",
        "date",
        "message-id",
        "list-unsubscribe",
        "list-unsubscribe-post",
    ] {
        assert!(h.split(':').any(|x| x == name), "h= lacks {name}: {h}");
    }
    assert_eq!(
        verify(&m.data, "s2026", "tradefair.test", &record).await,
        vec!["pass"]
    );

    let body_altered = replace_once(&m.data, "match your search", "match your things");
    let result = verify(&body_altered, "s2026", "tradefair.test", &record).await;
    assert_eq!(result.len(), 1);
    assert_ne!(result[0], "pass", "an altered body must not verify");

    let header_altered = replace_once(
        &m.data,
        "<https://tradefair.test/api/v1/email/unsubscribe/tok>",
        "<https://evil.example/unsubscribe>",
    );
    let result = verify(&header_altered, "s2026", "tradefair.test", &record).await;
    assert_ne!(
        result[0], "pass",
        "an altered List-Unsubscribe must not verify"
    );

    let subject_altered = replace_once(&m.data, "Subject:", "Subject: RE:");
    let result = verify(&subject_altered, "s2026", "tradefair.test", &record).await;
    assert_ne!(result[0], "pass", "an altered subject must not verify");
}

async fn rsa_signatures_verify_and_tampering_fails(b: Backend) {
    let public = std::fs::read_to_string(format!("{FIXTURES}/rsa2048.pub.b64")).unwrap();
    check(
        b,
        format!("{FIXTURES}/rsa2048.pem").into(),
        format!("v=DKIM1; k=rsa; p={}", public.trim()),
    )
    .await;
}

async fn ed25519_signatures_verify_and_tampering_fails(b: Backend) {
    use ed25519_dalek::pkcs8::EncodePrivateKey;
    let mut seed = [0u8; 32];
    for (i, byte) in seed.iter_mut().enumerate() {
        *byte = (uuid::Uuid::new_v4().as_bytes()[i % 16]).wrapping_add(i as u8);
    }
    let key = ed25519_dalek::SigningKey::from_bytes(&seed);
    let pem = key
        .to_pkcs8_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ed25519.pem");
    std::fs::write(&path, pem.as_bytes()).unwrap();
    let public = STANDARD.encode(key.verifying_key().to_bytes());
    check(b, path, format!("v=DKIM1; k=ed25519; p={public}")).await;
}

both_backends!(
    rsa_signatures_verify_and_tampering_fails,
    ed25519_signatures_verify_and_tampering_fails
);
