//! Signed webhooks (docs/webhooks.md): a loopback receiver (allowed by the test-only
//! `webhook_allow_loopback`) gets each wired event type once, with Standard Webhooks headers
//! and a signature this file verifies on its own; a failing receiver sees retries with the same
//! `webhook-id`, then the endpoint is disabled and its owner gets an e-mail; replay and secret
//! rotation; `kill -9` of the sending process loses nothing; and, with the allowance off, forgery targets refused at registration and at
//! delivery (a name resolving to loopback), and a redirect never followed.
//! The later event types are in `webhooks/events.rs`; re-enabling an endpoint and the list
//! without secrets in `webhooks/enable.rs`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use api::progress::Loop;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use e2e::listings::{buy_body, post_open, quote_body};
use e2e::{Account, Backend, TestApp, both_backends, id_of};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

mod enable;
mod events;

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    path: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A tiny HTTP receiver on 127.0.0.1: records every request and answers with `status` (and
/// `location`, for a redirect); status 0 never answers.
#[derive(Clone)]
struct Receiver {
    port: u16,
    got: Arc<Mutex<Vec<Received>>>,
    answer: Arc<Mutex<(u16, Option<String>)>>,
    /// Woken on every request recorded.
    arrived: Arc<tokio::sync::Notify>,
}

impl Receiver {
    async fn start() -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let r = Receiver {
            port: listener.local_addr().unwrap().port(),
            got: Arc::default(),
            answer: Arc::new(Mutex::new((200, None))),
            arrived: Arc::default(),
        };
        let me = r.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let me = me.clone();
                tokio::spawn(async move { me.serve(stream).await });
            }
        });
        r
    }

    async fn serve(&self, mut stream: tokio::net::TcpStream) {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        let (head_end, length) = loop {
            let Ok(n) = stream.read(&mut chunk).await else {
                return;
            };
            if n == 0 {
                return;
            }
            buf.extend_from_slice(&chunk[..n]);
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buf[..i]).to_string();
                let length = head
                    .lines()
                    .find_map(|l| {
                        let (n, v) = l.split_once(':')?;
                        n.eq_ignore_ascii_case("content-length")
                            .then(|| v.trim().parse::<usize>().ok())?
                    })
                    .unwrap_or(0);
                break (i + 4, length);
            }
        };
        while buf.len() < head_end + length {
            let Ok(n) = stream.read(&mut chunk).await else {
                return;
            };
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
        let mut lines = head.lines();
        let path = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .unwrap_or("")
            .to_owned();
        let headers = lines
            .filter_map(|l| {
                let (n, v) = l.split_once(':')?;
                Some((n.trim().to_ascii_lowercase(), v.trim().to_owned()))
            })
            .collect();
        let body = String::from_utf8_lossy(&buf[head_end..]).to_string();
        self.got.lock().unwrap().push(Received {
            path,
            headers,
            body,
        });
        self.arrived.notify_waiters();
        let (status, location) = self.answer.lock().unwrap().clone();
        if status == 0 {
            // Hang: the sender stays mid-request (the crash test kills it there).
            std::future::pending::<()>().await;
        }
        let location = location
            .map(|l| format!("location: {l}\r\n"))
            .unwrap_or_default();
        let reply = format!(
            "HTTP/1.1 {status} X\r\n{location}content-length: 0\r\nconnection: close\r\n\r\n"
        );
        let _ = stream.write_all(reply.as_bytes()).await;
        let _ = stream.shutdown().await;
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn answer(&self, status: u16, location: Option<String>) {
        *self.answer.lock().unwrap() = (status, location);
    }

    fn got(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }
}

/// The signature of a message, computed here from the Standard Webhooks definition.
fn expected_signature(secret: &str, id: &str, timestamp: &str, body: &str) -> String {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").expect("whsec_ prefix"))
        .expect("base64 secret");
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

/// Checks the headers and that one of the signatures is `secret`'s.
fn assert_signed(r: &Received, secret: &str) {
    let id = r.header("webhook-id").expect("webhook-id");
    let ts = r.header("webhook-timestamp").expect("webhook-timestamp");
    // The server signs with the domain's clock (which `TRADEFAIR_TEST_CLOCK` may move).
    let now = domain::clock::now().assume_utc().unix_timestamp();
    let ts_n: i64 = ts.parse().expect("a Unix timestamp");
    assert!((now - ts_n).abs() < 300, "timestamp {ts} far from {now}");
    assert!(id.starts_with("msg_"), "{id}");
    assert_eq!(r.header("content-type"), Some("application/json"));
    let sigs = r.header("webhook-signature").expect("webhook-signature");
    let want = expected_signature(secret, id, ts, &r.body);
    assert!(
        sigs.split(' ').any(|s| s == want),
        "no valid signature in {sigs:?} (want {want})"
    );
}

/// A server whose webhooks may reach loopback, polling often, retrying fast.
async fn spawn(b: Backend, allow_loopback: bool, disable_after_secs: u64) -> TestApp {
    TestApp::spawn_with(b, |c| {
        c.webhook_allow_loopback = allow_loopback;
        c.webhook_poll_ms = 50;
        c.webhook_retry_base_ms = 100;
        c.webhook_retry_cap_secs = 1;
        c.webhook_disable_after_secs = disable_after_secs;
        c.webhook_lease_secs = 5;
        c.webhook_timeout_ms = 3_000;
    })
    .await
}

async fn register(app: &TestApp, by: &Account, company: &str, url: &str, types: &[&str]) -> Value {
    app.post(
        &format!("/api/v1/companies/{company}/webhooks"),
        by.token(),
        json!({"url": url, "event_types": types}),
    )
    .await
    .expect(201)
    .body
}

async fn log(app: &TestApp, by: &Account, company: &str, endpoint: &str) -> Vec<Value> {
    app.get(
        &format!("/api/v1/companies/{company}/webhooks/{endpoint}/deliveries"),
        by.token(),
    )
    .await
    .expect(200)
    .body
    .as_array()
    .expect("deliveries")
    .clone()
}

/// Asks the server after each pass of its webhook sender until `done` holds for the
/// endpoint's delivery log (at most 20 s).
async fn wait_log(
    app: &TestApp,
    by: &Account,
    company: &str,
    endpoint: &str,
    done: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while std::time::Instant::now() < deadline {
        let l = log(app, by, company, endpoint).await;
        if done(&l) {
            return l;
        }
        // The sender's next pass, not a fixed pause.
        app.wait_for_passes(Loop::Webhooks, 1).await;
    }
    panic!(
        "the delivery log never got there: {}",
        json!(log(app, by, company, endpoint).await)
    );
}

fn all_delivered(n: usize) -> impl Fn(&[Value]) -> bool {
    move |l| l.len() == n && l.iter().all(|d| d["status"] == "delivered")
}

async fn inquiry(app: &TestApp, buyer: &Account, company: &str) -> String {
    app.post(
        "/api/v1/inquiries",
        buyer.token(),
        json!({
            "subject": "Webhook inquiry",
            "message": format!("Please quote ({})", uuid::Uuid::new_v4()),
            "targets": [{"type": "company", "id": company}],
        }),
    )
    .await
    .expect(201)
    .body["threads"][0]["id"]
        .as_str()
        .expect("thread id")
        .to_owned()
}

async fn quote(app: &TestApp, by: &Account, request: &str) -> String {
    id_of(
        &app.post(
            &format!("/api/v1/listings/{request}/quotes"),
            by.token(),
            quote_body("12.50"),
        )
        .await
        .expect(201)
        .body,
    )
}

async fn each_event_type_arrives_once_signed(b: Backend) {
    let app = spawn(b, true, 3600).await;
    let rx = Receiver::start().await;
    let operator = app.operator().await;
    let buyer = app.signup("buyer").await;
    // A, still pending: its endpoint hears the verification decision too.
    let owner_a = app.signup("supplier").await;
    let company_a = id_of(&app.company(&owner_a).await);
    let all = [
        "inquiry.created",
        "quote.accepted",
        "quote.declined",
        "company.verification_decided",
    ];
    let ep_a = register(&app, &owner_a, &company_a, &rx.url("/a"), &all).await;
    let secret_a = ep_a["secret"].as_str().unwrap().to_owned();
    assert!(secret_a.starts_with("whsec_"), "{ep_a}");
    assert_eq!(ep_a["status"], "active");
    let ep_a = id_of(&ep_a);
    app.post(
        &format!("/api/v1/operator/companies/{company_a}/verify"),
        operator.token(),
        json!({"reason": "licence checked"}),
    )
    .await
    .expect(200);
    let (owner_b, company_b) = app.verified_company(&operator).await;
    let company_b = id_of(&company_b);
    let ep_b = register(&app, &owner_b, &company_b, &rx.url("/b"), &all).await;
    let secret_b = ep_b["secret"].as_str().unwrap().to_owned();
    let ep_b = id_of(&ep_b);

    let thread = inquiry(&app, &buyer, &company_a).await;
    let request = id_of(&post_open(&app, &buyer, buy_body()).await);
    let quote_a = quote(&app, &owner_a, &request).await;
    let quote_b = quote(&app, &owner_b, &request).await;
    app.post(
        &format!("/api/v1/quotes/{quote_a}/accept"),
        buyer.token(),
        json!({}),
    )
    .await
    .expect(200);

    let log_a = wait_log(&app, &owner_a, &company_a, &ep_a, all_delivered(3)).await;
    let log_b = wait_log(&app, &owner_b, &company_b, &ep_b, all_delivered(1)).await;
    let got = rx.got();
    let on = |path: &str| {
        got.iter()
            .filter(|r| r.path == path)
            .cloned()
            .collect::<Vec<_>>()
    };
    let (got_a, got_b) = (on("/a"), on("/b"));
    assert_eq!(got_a.len(), 3, "{got_a:?}");
    assert_eq!(got_b.len(), 1, "{got_b:?}");
    for r in &got_a {
        assert_signed(r, &secret_a);
    }
    assert_signed(&got_b[0], &secret_b);
    let body = |r: &Received| serde_json::from_str::<Value>(&r.body).expect("JSON body");
    let mut types: Vec<String> = got_a
        .iter()
        .map(|r| body(r)["type"].as_str().unwrap().to_owned())
        .collect();
    types.sort();
    assert_eq!(
        types,
        [
            "company.verification_decided",
            "inquiry.created",
            "quote.accepted"
        ]
    );
    for r in &got_a {
        let v = body(r);
        assert!(v["timestamp"].is_string(), "{v}");
        match v["type"].as_str().unwrap() {
            "company.verification_decided" => {
                assert_eq!(v["data"]["company_id"], company_a.as_str());
                assert_eq!(v["data"]["decision"], "verified");
            }
            "inquiry.created" => {
                assert_eq!(v["data"]["inquiry_id"], thread.as_str());
                assert_eq!(v["data"]["buyer_id"], buyer.id.as_str());
            }
            _ => assert_eq!(v["data"]["quote_id"], quote_a.as_str()),
        }
    }
    let declined = body(&got_b[0]);
    assert_eq!(declined["type"], "quote.declined");
    assert_eq!(declined["data"]["quote_id"], quote_b.as_str());
    // The log names each message by its webhook-id, with the receiver's answer.
    for d in log_a.iter().chain(&log_b) {
        assert!(
            got.iter()
                .any(|r| r.header("webhook-id") == d["id"].as_str()),
            "{d}"
        );
        assert_eq!(d["attempt_count"], 1);
        assert_eq!(d["attempts"][0]["response_code"], 200);
        assert!(d["attempts"][0]["latency_ms"].is_i64());
    }

    // Rotating the secret: a replay carries the same id and both signatures while the old
    // secret is still valid.
    let rotated = app
        .post(
            &format!("/api/v1/companies/{company_a}/webhooks/{ep_a}/rotate-secret"),
            owner_a.token(),
            json!({}),
        )
        .await
        .expect(200)
        .body;
    let new_secret = rotated["secret"].as_str().unwrap().to_owned();
    assert_ne!(new_secret, secret_a);
    assert!(rotated["previous_secret_expires_at"].is_string());
    let first = log_a.last().unwrap()["id"].as_str().unwrap().to_owned();
    let replayed = app
        .post(
            &format!("/api/v1/companies/{company_a}/webhooks/{ep_a}/deliveries/{first}/replay"),
            owner_a.token(),
            json!({}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(replayed["status"], "pending");
    wait_log(&app, &owner_a, &company_a, &ep_a, |l| {
        l.iter().any(|d| {
            d["id"] == first.as_str() && d["attempt_count"] == 2 && d["status"] == "delivered"
        })
    })
    .await;
    let again: Vec<Received> = rx
        .got()
        .into_iter()
        .filter(|r| r.header("webhook-id") == Some(first.as_str()))
        .collect();
    assert_eq!(again.len(), 2);
    assert_eq!(again[0].body, again[1].body, "the same body on a replay");
    assert_eq!(
        again[1]
            .header("webhook-signature")
            .unwrap()
            .split(' ')
            .count(),
        2
    );
    assert_signed(&again[1], &new_secret);
    assert_signed(&again[1], &secret_a);

    // Deleted: nothing more is sent, the log is gone.
    app.delete(
        &format!("/api/v1/companies/{company_a}/webhooks/{ep_a}"),
        owner_a.token(),
    )
    .await
    .expect(204);
    let r = app
        .get(
            &format!("/api/v1/companies/{company_a}/webhooks/{ep_a}/deliveries"),
            owner_a.token(),
        )
        .await
        .expect(404);
    assert_eq!(r.code(), "webhook_endpoint_not_found");
}

async fn a_failing_receiver_gets_retries_with_one_id_then_the_endpoint_is_disabled(b: Backend) {
    let app = spawn(b, true, 2).await;
    let rx = Receiver::start().await;
    rx.answer(500, None);
    let operator = app.operator().await;
    let buyer = app.signup("buyer").await;
    let (owner, company) = app.verified_company(&operator).await;
    let company = id_of(&company);
    let ep = id_of(
        &register(
            &app,
            &owner,
            &company,
            &rx.url("/fail"),
            &["inquiry.created"],
        )
        .await,
    );
    inquiry(&app, &buyer, &company).await;

    // Retried with backoff until the endpoint has failed for the window (2 s), then disabled.
    let mut list = Value::Null;
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while std::time::Instant::now() < deadline {
        list = app
            .get(
                &format!("/api/v1/companies/{company}/webhooks"),
                owner.token(),
            )
            .await
            .expect(200)
            .body;
        if list[0]["status"] == "disabled" {
            break;
        }
        app.wait_for_passes(Loop::Webhooks, 1).await;
    }
    assert_eq!(list[0]["status"], "disabled", "{list}");
    assert!(list[0]["disabled_at"].is_string());
    let l = log(&app, &owner, &company, &ep).await;
    assert_eq!(l.len(), 1);
    assert_eq!(l[0]["status"], "failed", "{}", l[0]);
    let attempts = l[0]["attempts"].as_array().unwrap();
    assert!(attempts.len() >= 3, "{}", l[0]);
    assert!(
        attempts
            .iter()
            .all(|a| a["response_code"] == 500 && a["succeeded"] == false)
    );
    // Every retry carried the same webhook-id (and body).
    let got = rx.got();
    assert_eq!(got.len(), attempts.len());
    assert!(
        got.iter()
            .all(|r| r.header("webhook-id") == l[0]["id"].as_str())
    );
    assert!(got.iter().all(|r| r.body == got[0].body));
    // The gaps grow (exponential backoff; the attempts are in order).
    let at = |a: &Value| {
        time::OffsetDateTime::parse(
            a["attempted_at"].as_str().unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap()
    };
    let gaps: Vec<time::Duration> = attempts.windows(2).map(|w| at(&w[1]) - at(&w[0])).collect();
    assert!(
        gaps.iter().all(|g| *g >= time::Duration::milliseconds(50)),
        "{gaps:?}"
    );
    // The owner is told by e-mail.
    let owner_email = owner.email.clone();
    let mails: i64 = app
        .with_db(move |conn| {
            use diesel::prelude::*;
            use domain::db::schema::email_jobs;
            email_jobs::table
                .filter(email_jobs::kind.eq("webhook_disabled"))
                .filter(email_jobs::to_address.eq(owner_email))
                .count()
                .get_result(conn)
                .unwrap()
        })
        .await;
    assert_eq!(mails, 1);
    // Nothing more is sent to a disabled endpoint.
    inquiry(&app, &buyer, &company).await;
    let n = rx.got().len();
    assert_eq!(
        log(&app, &owner, &company, &ep).await.len(),
        1,
        "no delivery for a disabled endpoint"
    );
    assert_eq!(rx.got().len(), n);
}

async fn forgery_targets_are_refused(b: Backend) {
    let app = spawn(b, false, 3600).await;
    let rx = Receiver::start().await;
    let operator = app.operator().await;
    let buyer = app.signup("buyer").await;
    let (owner, company) = app.verified_company(&operator).await;
    let company = id_of(&company);
    let hooks = format!("/api/v1/companies/{company}/webhooks");
    for url in [
        rx.url("/"),
        "http://10.0.0.1/hook".to_owned(),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        "http://[::1]:8080/".to_owned(),
        "http://[::ffff:127.0.0.1]/".to_owned(),
        "http://100.64.0.1/".to_owned(),
        format!("http://localhost:{}/", rx.port),
    ] {
        let r = app
            .post(
                &hooks,
                owner.token(),
                json!({"url": url, "event_types": ["inquiry.created"]}),
            )
            .await
            .expect(400);
        assert_eq!(r.fields(), ["url"], "{url}");
        assert!(
            r.body.to_string().contains("not_allowed"),
            "{url}: {}",
            r.body
        );
    }
    for url in [
        "ftp://example.com/",
        "https://user:pw@example.com/",
        "not a url",
    ] {
        let r = app
            .post(
                &hooks,
                owner.token(),
                json!({"url": url, "event_types": ["inquiry.created"]}),
            )
            .await
            .expect(400);
        assert!(
            r.body.to_string().contains("invalid_url"),
            "{url}: {}",
            r.body
        );
    }
    // A host name is resolved when sending: one whose answer is loopback (as after DNS
    // rebinding; here the stored URL is changed behind the registration's back) is refused
    // there, and the receiver on that address hears nothing.
    let ep = id_of(
        &register(
            &app,
            &owner,
            &company,
            "https://hooks.example.com/in",
            &["inquiry.created"],
        )
        .await,
    );
    let rebound = format!("http://localhost:{}/rebound", rx.port);
    let ep_id = ep.clone();
    app.with_db(move |conn| {
        use diesel::prelude::*;
        use domain::db::schema::webhook_endpoints;
        diesel::update(webhook_endpoints::table.find(ep_id))
            .set(webhook_endpoints::url.eq(rebound))
            .execute(conn)
            .unwrap();
    })
    .await;
    inquiry(&app, &buyer, &company).await;
    let l = wait_log(&app, &owner, &company, &ep, |l| {
        l.first()
            .is_some_and(|d| d["attempt_count"].as_i64() >= Some(1))
    })
    .await;
    let attempt = &l[0]["attempts"][0];
    assert_eq!(attempt["response_code"], Value::Null, "{attempt}");
    assert!(
        attempt["error"].as_str().unwrap().starts_with("refused"),
        "{attempt}"
    );
    assert!(rx.got().is_empty(), "{:?}", rx.got());
}

async fn redirects_are_not_followed(b: Backend) {
    let app = spawn(b, true, 3600).await;
    let rx = Receiver::start().await;
    let target = Receiver::start().await;
    rx.answer(302, Some(target.url("/internal")));
    let operator = app.operator().await;
    let buyer = app.signup("buyer").await;
    let (owner, company) = app.verified_company(&operator).await;
    let company = id_of(&company);
    let ep = id_of(&register(&app, &owner, &company, &rx.url("/r"), &["inquiry.created"]).await);
    inquiry(&app, &buyer, &company).await;
    let l = wait_log(&app, &owner, &company, &ep, |l| {
        l.first()
            .is_some_and(|d| d["attempt_count"].as_i64() >= Some(1))
    })
    .await;
    assert_eq!(l[0]["attempts"][0]["response_code"], 302);
    assert_eq!(l[0]["attempts"][0]["error"], "redirect not followed");
    assert_eq!(l[0]["status"], "pending", "a 3xx is a failure, retried");
    // At least the first attempt; a retry (100 ms later) may have come since the log was read.
    assert!(rx.got().iter().all(|r| r.path == "/r"), "{:?}", rx.got());
    assert!(target.got().is_empty(), "the redirect was followed");
}

/// A `tradefair serve` process on the app's database that sends webhooks (to loopback).
fn worker_process(app: &TestApp, data_dir: &std::path::Path) -> std::process::Child {
    use std::io::BufRead;
    let mut child = std::process::Command::new(e2e::binary::tradefair_binary())
        .arg("serve")
        .env("TRADEFAIR_DATA_DIR", data_dir)
        .env("DATABASE_URL", &app.db.url)
        .env("TRADEFAIR_BIND", "127.0.0.1:0")
        .env("TRADEFAIR_WEBHOOK_ALLOW_LOOPBACK", "true")
        .env("TRADEFAIR_WEBHOOK_POLL_MS", "50")
        .env("TRADEFAIR_WEBHOOK_LEASE_SECS", "1")
        .env("TRADEFAIR_WEBHOOK_TIMEOUT_MS", "60000")
        .env("RUST_LOG", "warn")
        .env_remove("REDIS_URL")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .expect("server process starts");
    let mut stdout = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    stdout
        .read_line(&mut line)
        .expect("server prints its address");
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    child
}

/// `kill -9` of the sending process while every delivery is in flight: after a restart each is
/// sent again with the same `webhook-id` (the lease ran out), none is lost, and the receiver
/// can tell the repeats by their id.
async fn kill_9_mid_send_loses_nothing_and_repeats_keep_their_id(b: Backend) {
    // This server registers and answers the API; it sends nothing itself.
    let app = TestApp::spawn_with(b, |c| {
        c.webhook_allow_loopback = true;
        c.webhook_worker = false;
    })
    .await;
    let rx = Receiver::start().await;
    rx.answer(0, None);
    let operator = app.operator().await;
    let buyer = app.signup("buyer").await;
    let (owner, company) = app.verified_company(&operator).await;
    let company = id_of(&company);
    let ep = id_of(
        &register(
            &app,
            &owner,
            &company,
            &rx.url("/crash"),
            &["inquiry.created"],
        )
        .await,
    );
    for _ in 0..5 {
        inquiry(&app, &buyer, &company).await;
    }
    let ids: std::collections::BTreeSet<String> = log(&app, &owner, &company, &ep)
        .await
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 5);

    let dir = tempfile::tempdir().unwrap();
    let mut child = worker_process(&app, dir.path());
    // The sender is another process: wait on the receiver's own arrivals.
    let _ = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            // Registered before the check, so an arrival in between is not missed.
            let arrived = rx.arrived.notified();
            tokio::pin!(arrived);
            arrived.as_mut().enable();
            if rx.got().len() >= 5 {
                return;
            }
            arrived.await;
        }
    })
    .await;
    assert_eq!(rx.got().len(), 5, "every delivery in flight");
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    // Killed mid-request: no attempt was recorded.
    assert!(
        log(&app, &owner, &company, &ep)
            .await
            .iter()
            .all(|d| d["attempt_count"] == 0)
    );

    rx.answer(200, None);
    let mut restarted = worker_process(&app, dir.path());
    // The sender is the child process, whose passes this test cannot count: ask the server
    // for the log until it shows every delivery (each ask is a request, no pause between).
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let l = loop {
        let l = log(&app, &owner, &company, &ep).await;
        if all_delivered(5)(&l) || std::time::Instant::now() >= deadline {
            break l;
        }
    };
    restarted.kill().ok();
    restarted.wait().ok();
    assert!(all_delivered(5)(&l), "{}", json!(l));
    assert!(l.iter().all(|d| d["attempt_count"] == 1), "{}", json!(l));
    let got = rx.got();
    let mut seen: std::collections::BTreeMap<String, usize> = Default::default();
    for r in &got {
        *seen
            .entry(r.header("webhook-id").unwrap().to_owned())
            .or_default() += 1;
    }
    // Each message twice (once cut off by the kill), always under its own id; none lost.
    assert_eq!(
        seen.keys()
            .cloned()
            .collect::<std::collections::BTreeSet<_>>(),
        ids
    );
    assert!(seen.values().all(|n| *n == 2), "{seen:?}");
}

both_backends!(
    kill_9_mid_send_loses_nothing_and_repeats_keep_their_id,
    each_event_type_arrives_once_signed,
    a_failing_receiver_gets_retries_with_one_id_then_the_endpoint_is_disabled,
    forgery_targets_are_refused,
    redirects_are_not_followed,
);
