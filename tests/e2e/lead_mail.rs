//! Lead e-mail end to end: double opt-in, matching a published item to exactly its confirmed
//! subscribers once, one-click unsubscribe (POST acts, GET does not), digests, and the
//! matcher's equivalence with the search endpoint on generated data.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use domain::db::schema::{email_jobs, lead_matches, outbox, outbox_consumers};
use e2e::smtp::{Received, SmtpSink};
use e2e::{Account, Backend, Loop, TestApp, both_backends};
use serde_json::{Value, json};

#[derive(Debug, Clone)]
struct Job {
    kind: String,
    subject: String,
    text: String,
    html: String,
    list_unsubscribe: Option<String>,
}

async fn jobs_of(app: &TestApp, who: &Account) -> Vec<Job> {
    let user = who.id.clone();
    app.with_db(move |conn| {
        email_jobs::table
            .filter(email_jobs::user_id.eq(user))
            // Lead mail only: not the account's own e-mails (its address verification).
            .filter(email_jobs::kind.ne_all([
                "verify_email",
                "password_reset",
                "registration_attempt",
            ]))
            .order(email_jobs::created_at.asc())
            .select((
                email_jobs::kind,
                email_jobs::subject,
                email_jobs::text_body,
                email_jobs::html_body,
                email_jobs::list_unsubscribe,
            ))
            .load::<(String, String, String, String, Option<String>)>(conn)
            .expect("jobs")
            .into_iter()
            .map(|(kind, subject, text, html, list_unsubscribe)| Job {
                kind,
                subject,
                text,
                html,
                list_unsubscribe,
            })
            .collect()
    })
    .await
}

/// The token of the first link to `/api/v1/email/{path}` in a text.
fn token_in(text: &str, path: &str) -> String {
    let marker = format!("/api/v1/email/{path}?token=");
    let start = text.find(&marker).expect("link in message") + marker.len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_' || *c == '.')
        .collect()
}

/// Subscribes, then confirms through the link in the confirmation e-mail.
async fn subscribe_confirmed(app: &TestApp, who: &Account, body: Value) -> String {
    let created = app
        .post("/api/v1/subscriptions", who.token(), body)
        .await
        .expect(201)
        .body;
    let confirm = jobs_of(app, who)
        .await
        .into_iter()
        .find(|j| j.kind == "consent_confirm")
        .expect("a confirmation e-mail");
    let token = token_in(&confirm.text, "confirm");
    app.call(
        reqwest::Method::POST,
        &format!("/api/v1/email/confirm?token={token}"),
        None,
        None,
    )
    .await
    .expect(200);
    created["subscription"]["id"].as_str().unwrap().to_owned()
}

/// Waits until the lead matcher has handled every outbox event written so far.
async fn matcher_caught_up(app: &TestApp) {
    let deadline = Instant::now() + Duration::from_secs(20);
    let target = app
        .with_db(|conn| {
            outbox::table
                .select(diesel::dsl::max(outbox::id))
                .first::<Option<i64>>(conn)
                .expect("max")
                .unwrap_or(0)
        })
        .await;
    loop {
        let at = app
            .with_db(|conn| {
                outbox_consumers::table
                    .find("lead-matcher")
                    .select(outbox_consumers::position)
                    .first::<i64>(conn)
                    .optional()
                    .expect("position")
                    .unwrap_or(0)
            })
            .await;
        if at >= target {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "matcher stuck at {at} < {target}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn wait_for_job(app: &TestApp, who: &Account, kind: &str) -> Job {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(j) = jobs_of(app, who).await.into_iter().find(|j| j.kind == kind) {
            return j;
        }
        if Instant::now() >= deadline {
            let state = app
                .with_db(|conn| {
                    let m: Vec<(String, String, String)> = lead_matches::table
                        .select((
                            lead_matches::item_id,
                            lead_matches::status,
                            lead_matches::frequency,
                        ))
                        .load(conn)
                        .expect("matches");
                    let c: Vec<(String, i64)> = outbox_consumers::table
                        .select((outbox_consumers::name, outbox_consumers::position))
                        .load(conn)
                        .expect("consumers");
                    format!("matches {m:?} consumers {c:?}")
                })
                .await;
            panic!("no {kind} e-mail: {state}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn product(zh: &str, en: &str, category: &str, price: &str) -> Value {
    json!({
        "title_zh": zh, "title_en": en, "category_id": category, "unit": "piece", "moq": 100,
        "keywords": [], "attributes": [], "description": "", "images": [],
        "currency": "CNY", "price_tiers": [{"min_quantity": 100, "unit_price": price}]
    })
}

/// What the SMTP server received for `to` besides the account's own e-mails (its verification),
/// once at least `n` messages arrived and the lead loop and the mail worker have caught up (so a
/// duplicate would be there too).
async fn received_by(app: &TestApp, sink: &SmtpSink, to: &str, n: usize) -> Vec<Received> {
    let account_mail: Vec<String> = app
        .with_db(|conn| {
            email_jobs::table
                .filter(email_jobs::kind.eq_any([
                    "verify_email",
                    "password_reset",
                    "registration_attempt",
                ]))
                .select(email_jobs::message_id)
                .load(conn)
                .expect("jobs")
        })
        .await;
    let of = || -> Vec<Received> {
        sink.messages()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t == to))
            .filter(|m| {
                m.header("Message-ID")
                    .is_none_or(|id| !account_mail.contains(&id))
            })
            .collect()
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while of().len() < n && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    app.caught_up(Loop::LeadMail).await;
    app.caught_up(Loop::MailWorker).await;
    of()
}

async fn double_opt_in_and_exactly_once(b: Backend) {
    // Delivered over SMTP to a server on loopback, as in production.
    let sink = SmtpSink::start();
    let smtp = sink.url();
    let app = TestApp::spawn_with(b, |c| {
        c.smtp_url = Some(smtp);
        c.mail_poll_ms = 50;
    })
    .await;
    let op = app.operator().await;
    let (owner, company) = app.verified_company(&op).await;
    let company = company["id"].as_str().unwrap().to_owned();
    let buyer = app.signup("buyer").await;
    let created = app
        .post(
            "/api/v1/subscriptions",
            buyer.token(),
            json!({"kind": "search", "query": {"q": "保温杯"}, "frequency": "instant"}),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(created["email"]["lead_consent"], "pending");
    let sub = created["subscription"]["id"].as_str().unwrap().to_owned();
    let jobs = jobs_of(&app, &buyer).await;
    assert_eq!(jobs.len(), 1, "only the confirmation e-mail goes out first");
    assert_eq!(jobs[0].kind, "consent_confirm");
    assert_eq!(jobs[0].list_unsubscribe, None);
    let token = token_in(&jobs[0].text, "confirm");
    // A GET (what a link scanner does) shows the page and confirms nothing.
    let page = app
        .call(
            reqwest::Method::GET,
            &format!("/api/v1/email/confirm?token={token}"),
            None,
            None,
        )
        .await
        .expect(200);
    assert!(
        page.body
            .as_str()
            .unwrap_or_default()
            .contains("method=\"post\"")
    );
    let prefs = app
        .get("/api/v1/me/email-preferences", buyer.token())
        .await
        .expect(200)
        .body;
    assert_eq!(prefs["lead_consent"], "pending");
    // A tampered token is refused.
    let mut bad = token.clone();
    bad.insert(3, 'x');
    let r = app
        .call(
            reqwest::Method::POST,
            &format!("/api/v1/email/confirm?token={bad}"),
            None,
            None,
        )
        .await
        .expect(400);
    assert_eq!(r.code(), "invalid_link");
    app.call(
        reqwest::Method::POST,
        &format!("/api/v1/email/confirm?token={token}"),
        None,
        None,
    )
    .await
    .expect(200);
    let record = app
        .get("/api/v1/me/email-consent", buyer.token())
        .await
        .expect(200)
        .body;
    assert_eq!(record["current"]["lead_consent"], "confirmed");
    let events: Vec<&str> = record["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["requested", "confirmed"]);
    assert_eq!(record["events"][1]["method"], "confirm_link");
    assert!(
        record["events"][1]["ip"]
            .as_str()
            .is_some_and(|ip| !ip.is_empty())
    );

    // A second buyer subscribes to the same search but never confirms; a third confirms a
    // search the product does not match.
    let unconfirmed = app.signup("buyer").await;
    app.post(
        "/api/v1/subscriptions",
        unconfirmed.token(),
        json!({"kind": "search", "query": {"q": "保温杯"}, "frequency": "instant"}),
    )
    .await
    .expect(201);
    let other = app.signup("buyer").await;
    subscribe_confirmed(
        &app,
        &other,
        json!({"kind": "search", "query": {"q": "LED panel"}, "frequency": "instant"}),
    )
    .await;
    // The supplier follows the same search: its own products are no leads for it.
    subscribe_confirmed(
        &app,
        &owner,
        json!({"kind": "search", "query": {"q": "保温杯"}, "frequency": "instant"}),
    )
    .await;
    // Someone else's subscription is not there for them.
    app.get(&format!("/api/v1/subscriptions/{sub}"), other.token())
        .await
        .expect(404);

    // The flask has an uploaded picture: the lead shows its thumbnail.
    let picture = app.upload_image(&owner, "product_image", 640, 480).await;
    let picture = picture["id"].as_str().unwrap().to_owned();
    let mut flask = product(
        "304不锈钢<b>保温杯</b>",
        "Vacuum flask",
        "home-goods.drinkware",
        "49.90",
    );
    flask["images"] = json!([picture]);
    let flask = app.publish(&owner, &company, flask).await;
    app.publish(
        &owner,
        &company,
        product(
            "数控机床",
            "CNC lathe",
            "machinery.cnc-machine-tools",
            "9999",
        ),
    )
    .await;
    let lead = wait_for_job(&app, &buyer, "lead_instant").await;
    matcher_caught_up(&app).await;
    assert!(
        lead.subject
            .starts_with("广告｜新商机：304不锈钢<b>保温杯</b>"),
        "{}",
        lead.subject
    );
    assert!(lead.html.contains("304不锈钢&lt;b&gt;保温杯&lt;"));
    assert!(!lead.html.contains("<b>保温杯"));
    // Links open the product's page in the buyer's language; the cover thumbnail is public.
    assert!(
        lead.text.contains(&format!("/zh/product/{flask}")),
        "{}",
        lead.text
    );
    let thumbnail = format!("/api/v1/media/{picture}/thumbnail");
    // (minijinja escapes `/` in HTML; the mail's base is the configured public URL.)
    let src = format!("{}\" alt=\"\"", thumbnail.replace('/', "&#x2f;"));
    let img = lead.html.find("<img src=\"http").expect("a thumbnail");
    assert!(lead.html[img..].contains(&src), "{}", lead.html);
    let (status, headers, _) = app.get_raw(&thumbnail, None, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "image/jpeg");
    let (status, _, _) = app
        .get_raw(&format!("/zh/product/{flask}"), None, &[])
        .await;
    assert!(status == 200 || status == 301 || status == 308, "{status}");
    assert!(!lead.text.contains("数控机床"));
    let unsubscribe = lead.list_unsubscribe.clone().expect("List-Unsubscribe URL");
    assert!(unsubscribe.contains("/api/v1/email/unsubscribe?token="));
    assert!(lead.text.contains("/api/v1/email/preferences?token="));
    assert!(
        jobs_of(&app, &unconfirmed)
            .await
            .iter()
            .all(|j| j.kind == "consent_confirm")
    );
    assert!(
        jobs_of(&app, &other)
            .await
            .iter()
            .all(|j| j.kind == "consent_confirm")
    );
    assert!(
        jobs_of(&app, &owner)
            .await
            .iter()
            .all(|j| !j.kind.starts_with("lead_")),
        "no leads about one's own company's items"
    );

    // Editing the product does not send it again.
    app.patch(
        &format!("/api/v1/products/{flask}"),
        owner.token(),
        json!({"title_en": "Vacuum flask 500ml"}),
    )
    .await
    .expect(200);
    matcher_caught_up(&app).await;
    app.caught_up(Loop::LeadMail).await;
    let leads: Vec<Job> = jobs_of(&app, &buyer)
        .await
        .into_iter()
        .filter(|j| j.kind.starts_with("lead_"))
        .collect();
    assert_eq!(leads.len(), 1, "one lead per recipient and item, ever");

    // The supplier sees how many buyers its items reached; a stranger does not.
    let reach = app
        .get(
            &format!("/api/v1/companies/{company}/lead-reach"),
            owner.token(),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(reach["buyers_reached"], 1);
    assert_eq!(reach["items"][0]["item_id"], flask.as_str());
    app.get(
        &format!("/api/v1/companies/{company}/lead-reach"),
        buyer.token(),
    )
    .await
    .expect(404);

    // GET on the unsubscribe link changes nothing; the one-click POST stops lead mail at once.
    let path = unsubscribe
        .split_once("/api/v1")
        .map(|(_, p)| format!("/api/v1{p}"))
        .unwrap();
    app.call(reqwest::Method::GET, &path, None, None)
        .await
        .expect(200);
    let prefs = app
        .get("/api/v1/me/email-preferences", buyer.token())
        .await
        .expect(200)
        .body;
    assert_eq!(prefs["lead_consent"], "confirmed");
    let r = app
        .http
        .post(app.url(&path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let prefs = app
        .get("/api/v1/me/email-preferences", buyer.token())
        .await
        .expect(200)
        .body;
    assert_eq!(prefs["lead_consent"], "withdrawn");
    app.publish(
        &owner,
        &company,
        product("儿童保温杯", "Kids flask", "home-goods.drinkware", "39.90"),
    )
    .await;
    matcher_caught_up(&app).await;
    app.caught_up(Loop::LeadMail).await;
    let leads = jobs_of(&app, &buyer)
        .await
        .into_iter()
        .filter(|j| j.kind.starts_with("lead_"))
        .count();
    assert_eq!(leads, 1, "nothing after unsubscribing");

    // On the wire: the confirmation and exactly one lead for the buyer, with the RFC 8058
    // headers; only the confirmation for the others.
    let got = received_by(&app, &sink, &buyer.email, 2).await;
    assert_eq!(got.len(), 2, "confirmation and one lead, nothing more");
    let lead_msg = got
        .iter()
        .find(|m| m.header("List-Unsubscribe").is_some())
        .expect("the lead on the wire");
    assert_eq!(
        lead_msg.header("List-Unsubscribe-Post").as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    assert!(
        lead_msg
            .header("List-Unsubscribe")
            .is_some_and(|h| h.contains("/api/v1/email/unsubscribe?token="))
    );
    assert_eq!(
        received_by(&app, &sink, &unconfirmed.email, 1).await.len(),
        1
    );
    assert_eq!(received_by(&app, &sink, &other.email, 1).await.len(), 1);
}

async fn daily_digest_after_the_window(b: Backend) {
    // Digest windows are calendar days (UTC): start mid-morning.
    e2e::clock::pin_ordinary();
    let app = TestApp::spawn_with(b, |c| c.lead_digest_check_secs = 1).await;
    let op = app.operator().await;
    let (owner, company) = app.verified_company(&op).await;
    let company = company["id"].as_str().unwrap().to_owned();
    let buyer = app.signup("buyer").await;
    app.patch(
        "/api/v1/me/email-preferences",
        buyer.token(),
        json!({"language": "en"}),
    )
    .await
    .expect(200);
    subscribe_confirmed(
        &app,
        &buyer,
        json!({"kind": "category", "target_id": "home-goods.drinkware", "frequency": "daily"}),
    )
    .await;
    app.publish(
        &owner,
        &company,
        product("保温杯", "Vacuum flask", "home-goods.drinkware", "49.90"),
    )
    .await;
    app.publish(
        &owner,
        &company,
        product("玻璃杯", "Glass cup", "home-goods.drinkware", "9.90"),
    )
    .await;
    matcher_caught_up(&app).await;
    app.caught_up(Loop::LeadDigests).await;
    assert!(
        jobs_of(&app, &buyer)
            .await
            .iter()
            .all(|j| j.kind == "consent_confirm"),
        "a daily lead waits for its window"
    );
    domain::clock::advance(time::Duration::days(1));
    let digest = wait_for_job(&app, &buyer, "lead_digest").await;
    assert_eq!(digest.subject, "AD: Today's leads (2)");
    assert!(digest.text.contains("Vacuum flask") && digest.text.contains("Glass cup"));
    assert!(digest.text.starts_with("Hello "));
    app.caught_up(Loop::LeadDigests).await;
    let digests = jobs_of(&app, &buyer)
        .await
        .into_iter()
        .filter(|j| j.kind == "lead_digest")
        .count();
    assert_eq!(digests, 1, "one digest per recipient and window");
}

/// A small deterministic generator (no dependency on a random crate's stream stability).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

/// For every saved search: the products the matcher recorded are exactly the products the
/// search endpoint returns (all words matched) for the same query right after publication.
async fn matching_equals_search(b: Backend) {
    // Some 40 accounts sign in within seconds from one address: more than the default login
    // burst per address (30) allows.
    let app = TestApp::spawn_with(b, |c| c.login_address_burst = 200).await;
    let op = app.operator().await;
    let (owner, company) = app.verified_company(&op).await;
    let company = company["id"].as_str().unwrap().to_owned();
    let zh = [
        "不锈钢",
        "保温杯",
        "304",
        "真空",
        "儿童",
        "玻璃",
        "水杯",
        "LED",
        "面板灯",
        "螺栓",
        "500ml",
    ];
    let en = [
        "stainless",
        "steel",
        "flask",
        "vacuum",
        "kids",
        "glass",
        "bottle",
        "panel",
        "light",
        "bolt",
        "1.8L",
    ];
    let cats = [
        "home-goods.drinkware",
        "hardware-tools.fasteners",
        "machinery.pumps",
    ];
    let queries: Vec<Value> = vec![
        json!({"q": "保温杯"}),
        json!({"q": "不锈钢保温杯"}),
        json!({"q": "304不锈钢"}),
        json!({"q": "stainless steel"}),
        json!({"q": "stainles"}),
        json!({"q": "vacum flask"}),
        json!({"q": "kids bottle"}),
        json!({"q": "LED面板灯"}),
        json!({"q": "glass", "category": "home-goods.drinkware"}),
        json!({"q": "bolt", "price_max": "20", "currency": "CNY"}),
        json!({"q": "flask", "price_min": "30", "currency": "CNY"}),
        json!({"q": "真空", "verified": true}),
        json!({"q": "真空", "verified": false}),
        json!({"category": "machinery"}),
        json!({"q": "螺栓 M8"}),
        json!({"q": "水杯 glass"}),
        // The analysis of issue 19: pinyin, the other language, units, shipped synonyms.
        json!({"q": "baowenbei"}),
        json!({"q": "bao wen bei"}),
        json!({"q": "buxiugang baowenbei"}),
        json!({"q": "luoshuan"}),
        json!({"q": "螺栓 bottle"}),
        json!({"q": "vacuum 水杯"}),
        json!({"q": "500毫升"}),
        json!({"q": "0.5升 stainless"}),
        json!({"q": "1800ml"}),
        json!({"q": "SS bolt"}),
        json!({"q": "thermos"}),
    ];
    let mut subscribers = Vec::new();
    // Every third search is saved by a second buyer too: they share one rule in the matcher,
    // and each must get the item.
    for (i, q) in queries.iter().enumerate() {
        for _ in 0..(1 + usize::from(i % 3 == 0)) {
            let buyer = app.signup("buyer").await;
            let sub = subscribe_confirmed(
                &app,
                &buyer,
                json!({"kind": "search", "query": q, "frequency": "daily"}),
            )
            .await;
            subscribers.push((buyer, sub, q.clone()));
        }
    }
    let mut rng = Lcg(20261122);
    for i in 0..30 {
        let words = 2 + rng.next(3);
        let title_zh: String = (0..words)
            .map(|_| zh[rng.next(zh.len())])
            .collect::<Vec<_>>()
            .join("");
        let title_en: String = (0..words)
            .map(|_| en[rng.next(en.len())])
            .collect::<Vec<_>>()
            .join(" ");
        let category = cats[rng.next(cats.len())];
        let price = format!("{}.50", 5 + rng.next(60));
        // Some items are titled in one language only, so that the other language is reached
        // through the dictionary and synonyms alone.
        let (title_zh, title_en) = match i % 4 {
            1 => (title_zh, String::new()),
            2 => (String::new(), title_en),
            _ => (title_zh, title_en),
        };
        let mut body = product(&title_zh, &title_en, category, &price);
        if i % 7 == 0 {
            body["keywords"] = json!(["M8"]);
        }
        app.publish(&owner, &company, body).await;
    }
    app.wait_for_index().await;
    matcher_caught_up(&app).await;
    let mut checked = 0;
    for (buyer, sub, q) in &subscribers {
        let sub = sub.clone();
        let matched: BTreeSet<String> = app
            .with_db(move |conn| {
                lead_matches::table
                    .filter(lead_matches::subscription_id.eq(sub))
                    .select(lead_matches::item_id)
                    .load::<String>(conn)
                    .expect("matches")
            })
            .await
            .into_iter()
            .collect();
        let mut params: Vec<String> = vec!["limit=100".into()];
        for (k, v) in q.as_object().unwrap() {
            let v = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            params.push(format!("{k}={}", urlencode(&v)));
        }
        let found = app
            .get(
                &format!("/api/v1/search/products?{}", params.join("&")),
                None,
            )
            .await
            .expect(200)
            .body;
        let expected: BTreeSet<String> = if found["matched_all_terms"] == true {
            found["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].as_str().unwrap().to_owned())
                .collect()
        } else {
            BTreeSet::new()
        };
        assert!(
            found["total"].as_u64().unwrap() < 100,
            "the page holds every result"
        );
        assert_eq!(matched, expected, "query {q} for {}", buyer.email);
        checked += usize::from(!expected.is_empty());
    }
    assert!(
        checked >= 10,
        "the generated data must exercise most queries ({checked})"
    );
}

async fn unengaged_of(app: &TestApp, user: &str) -> i32 {
    let user = user.to_owned();
    app.with_db(move |conn| {
        use domain::db::schema::email_preferences as p;
        p::table
            .find(user)
            .select(p::unengaged_sends)
            .first::<i32>(conn)
            .unwrap()
    })
    .await
}

/// The lead e-mail as delivered: every item link goes through the signed click redirect (the
/// template's escaped `href`s are decoded first), a click reaches the item, is counted and
/// resets the unengaged count; the one-click unsubscribe posted twice counts once.
async fn a_click_in_a_delivered_lead_is_counted(b: Backend) {
    // The operator report is per calendar day (UTC): start mid-morning.
    e2e::clock::pin_ordinary();
    let sink = SmtpSink::start();
    let smtp = sink.url();
    let app = TestApp::spawn_with(b, |c| {
        c.smtp_url = Some(smtp);
        c.mail_poll_ms = 50;
    })
    .await;
    let op = app.operator().await;
    let (owner, company) = app.verified_company(&op).await;
    let company = company["id"].as_str().unwrap().to_owned();
    let buyer = app.signup("buyer").await;
    subscribe_confirmed(
        &app,
        &buyer,
        json!({"kind": "search", "query": {"q": "保温杯"}, "frequency": "instant"}),
    )
    .await;
    let flask = app
        .publish(
            &owner,
            &company,
            product(
                "304不锈钢保温杯",
                "Vacuum flask",
                "home-goods.drinkware",
                "49.90",
            ),
        )
        .await;
    wait_for_job(&app, &buyer, "lead_instant").await;
    let got = received_by(&app, &sink, &buyer.email, 2).await;
    let lead = got
        .iter()
        .find(|m| m.header("List-Unsubscribe").is_some())
        .expect("the lead on the wire");
    let parsed = mail_parser::MessageParser::default()
        .parse(&lead.data)
        .unwrap();
    let html = parsed.body_html(0).unwrap().into_owned();
    let marker = "/api/v1/email/click/";
    let clicks: Vec<String> = html
        .match_indices(marker)
        .map(|(i, _)| {
            let rest = &html[i + marker.len()..];
            rest[..rest.find('"').unwrap()].to_owned()
        })
        .collect();
    assert_eq!(clicks.len(), 1, "the item link is tracked: {html}");
    assert!(
        !html.contains(&format!("products&#x2f;{flask}"))
            && !html.contains(&format!("products/{flask}")),
        "no item link is left untracked: {html}"
    );
    assert!(html.contains("/api/v1/email/open/"), "the pixel: {html}");
    assert!(
        html.contains("email&#x2f;unsubscribe?token="),
        "the unsubscribe link is not rewritten: {html}"
    );
    assert_eq!(
        unengaged_of(&app, &buyer.id).await,
        1,
        "one lead sent, not yet engaged"
    );

    // The click: a redirect to the item, which answers.
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let reply = no_redirects
        .get(app.url(&format!("{marker}{}", clicks[0])))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status().as_u16(), 302);
    let location = reply.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.ends_with(&format!("/zh/product/{flask}")),
        "{location}"
    );
    // The product's page (its canonical URL adds the English slug).
    let (status, _, page) = app
        .get_raw(&format!("/zh/product/{flask}"), None, &[])
        .await;
    assert!(status == 200 || status == 301 || status == 308, "{status}");
    if status == 200 {
        assert!(String::from_utf8_lossy(&page).contains("保温杯"));
    }
    assert_eq!(
        unengaged_of(&app, &buyer.id).await,
        0,
        "a click resets the unengaged count"
    );

    let job: String = app
        .with_db({
            let user = buyer.id.clone();
            move |conn| {
                email_jobs::table
                    .filter(email_jobs::user_id.eq(user))
                    .filter(email_jobs::kind.eq("lead_instant"))
                    .select(email_jobs::id)
                    .first(conn)
                    .unwrap()
            }
        })
        .await;
    let report = app
        .get(&format!("/api/v1/operator/email/jobs/{job}"), op.token())
        .await
        .expect(200)
        .body;
    assert_eq!(
        (
            report["counts"]["clicked"].as_i64(),
            report["counts"]["clicks"].as_i64()
        ),
        (Some(1), Some(1))
    );

    // One-click unsubscribe (RFC 8058), posted twice (the mail client and the reader): one
    // withdrawal, one unsubscribe counted.
    let unsubscribe = lead.header("List-Unsubscribe").unwrap();
    let path = unsubscribe
        .trim_matches(|c| c == '<' || c == '>')
        .split_once("/api/v1")
        .map(|(_, p)| format!("/api/v1{p}"))
        .unwrap();
    for _ in 0..2 {
        let r = app
            .http
            .post(app.url(&path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("List-Unsubscribe=One-Click")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
    }
    let record = app
        .get("/api/v1/me/email-consent", buyer.token())
        .await
        .expect(200)
        .body;
    assert_eq!(record["current"]["lead_consent"], "withdrawn");
    let withdrawals = record["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"] == "withdrawn")
        .count();
    assert_eq!(withdrawals, 1, "{record}");
    let report = app
        .get(&format!("/api/v1/operator/email/jobs/{job}"), op.token())
        .await
        .expect(200)
        .body;
    assert_eq!(report["counts"]["unsubscribed"], 1, "{report}");
    let today = domain::clock::now().date();
    let day = format!(
        "{:04}-{:02}-{:02}",
        today.year(),
        u8::from(today.month()),
        today.day()
    );
    let stats = app
        .get(
            &format!("/api/v1/operator/email/stats?from={day}&to={day}"),
            op.token(),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(stats["totals"]["unsubscribed"], 1, "{stats}");
    assert_eq!(stats["totals"]["clicked"], 1, "{stats}");
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

both_backends!(
    double_opt_in_and_exactly_once,
    a_click_in_a_delivered_lead_is_counted,
    daily_digest_after_the_window,
    matching_equals_search
);
