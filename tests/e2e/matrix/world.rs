//! The fixture world of one run, and the fresh objects each state-changing cell acts on.
//!
//! - company A (verified): owner, admin, staff; a published and a draft product;
//! - company B (verified): owner;
//! - company C (pending, not verified): owner; its published products wait for review;
//! - a buyer and an operator;
//! - a `review` screening rule on 矩阵待审 (a rating with it is held for an operator).

use e2e::fixtures::{PASSWORD, company_body, product_body};
use e2e::{Account, Backend, TestApp};
use serde_json::{Value, json};

use e2e::id_of;

use crate::matrix::table::{Actor, Payload, Row, SCOPES, Target};

pub struct World {
    pub app: TestApp,
    pub operator: Account,
    pub buyer: Account,
    pub owner_a: Account,
    pub admin_a: Account,
    pub staff_a: Account,
    pub owner_b: Account,
    pub owner_c: Account,
    pub company_a: String,
    pub slug_a: String,
    pub company_b: String,
    pub company_c: String,
    pub published_a: String,
    pub draft_a: String,
    pub open_sell_a: String,
    pub draft_sell_a: String,
    pub draft_buy: String,
    pub quoted_buy: String,
    pub quote_of_a: String,
    /// The secret of a key of A (made by A's owner) with every scope.
    pub key_all: String,
    /// Per scope, the secret of a key of A with every other scope.
    pub keys_without: Vec<(&'static str, String)>,
    /// A finished catalog import of A (by A's owner).
    pub import_a: String,
}

/// One request of one cell.
pub struct Request {
    pub method: reqwest::Method,
    pub path: String,
    pub token: Option<String>,
    pub body: Option<Value>,
    /// A body sent as is (content type, text) instead of JSON.
    pub raw: Option<(&'static str, String)>,
    /// A multipart body (content type, bytes) instead of JSON.
    pub upload: Option<(String, Vec<u8>)>,
}

/// A server with login and inquiry limits far above what one run needs (the matrix signs in
/// and writes to A many times from one address; the limits have their own tests).
pub async fn spawn(b: Backend) -> TestApp {
    TestApp::spawn_with(b, |c| {
        c.login_address_burst = 100_000;
        c.login_account_burst = 1_000;
        c.inquiry_address_burst = 100_000;
        c.inquiry_account_burst = 100_000;
        c.inquiry_new_account_daily_cap = 100_000;
        // A quotes in many cells; the quota has its own tests.
        c.monthly_quote_quota = 100_000;
        // The key columns send a request per row; the per-key limit has its own tests.
        c.api_key_burst = 100_000;
        // Webhook deliveries stay pending (the matrix checks who may manage them; sending has
        // its own tests), so no cell waits on a network.
        c.webhook_worker = false;
        // Imports stay as the cells leave them (`finished_import_of_a`).
        c.import_worker = false;
    })
    .await
}

impl World {
    pub async fn build(b: Backend) -> World {
        let app = spawn(b).await;
        let operator = app.operator().await;
        let buyer = app.signup("buyer").await;
        let (owner_a, a) = app.verified_company(&operator).await;
        let company_a = id_of(&a);
        let slug_a = a["slug"].as_str().expect("slug").to_owned();
        let admin_a = app.signup("supplier").await;
        let staff_a = app.signup("supplier").await;
        app.add_member(&owner_a, &company_a, &admin_a, "admin")
            .await;
        app.add_member(&owner_a, &company_a, &staff_a, "staff")
            .await;
        let (owner_b, b_company) = app.verified_company(&operator).await;
        let owner_c = app.signup("supplier").await;
        let company_c = id_of(&app.company(&owner_c).await);
        let mut world = World {
            app,
            operator,
            buyer,
            owner_a,
            admin_a,
            staff_a,
            owner_b,
            owner_c,
            company_a,
            slug_a,
            company_b: id_of(&b_company),
            company_c,
            published_a: String::new(),
            draft_a: String::new(),
            open_sell_a: String::new(),
            draft_sell_a: String::new(),
            draft_buy: String::new(),
            quoted_buy: String::new(),
            quote_of_a: String::new(),
            key_all: String::new(),
            keys_without: Vec::new(),
            import_a: String::new(),
        };
        world.key_all = world.fresh_key_of_a(&SCOPES).await.1;
        for scope in SCOPES {
            let others: Vec<&str> = SCOPES.iter().copied().filter(|s| *s != scope).collect();
            let secret = world.fresh_key_of_a(&others).await.1;
            world.keys_without.push((scope, secret));
        }
        world.published_a = world.fresh_published_a().await;
        world.draft_a = world.fresh_draft_a().await;
        world.open_sell_a = world
            .fresh_listing(&world.owner_a, sell_listing(), true)
            .await;
        world.draft_sell_a = world
            .fresh_listing(&world.owner_a, sell_listing(), false)
            .await;
        world.draft_buy = world
            .fresh_listing(&world.buyer, buy_listing(), false)
            .await;
        world.quote_of_a = world.fresh_quote_of_a().await;
        world.import_a = world.finished_import_of_a().await;
        world.quoted_buy = world.quote_listing(&world.quote_of_a).await;
        // Ratings with this word wait for an operator (`FreshHeldRatingOfA`).
        world
            .app
            .post(
                "/api/v1/operator/rules",
                world.operator.token(),
                json!({"kind": "term", "text": "矩阵待审", "action": "review", "category": "other"}),
            )
            .await
            .expect(201);
        // The policy rows read and publish the safety rules (not the terms: those would make
        // every registration of the matrix accept them).
        world
            .app
            .post(
                "/api/v1/operator/policies/safety_rules",
                world.operator.token(),
                policy_body(),
            )
            .await
            .expect(201);
        world
    }

    /// An import of A by A's owner, marked finished (the matrix runs no import worker): the
    /// import rows read it, and A may start others.
    pub async fn finished_import_of_a(&self) -> String {
        let response = self
            .app
            .http
            .post(self.app.url(&format!(
                "/api/v1/companies/{}/catalog-imports",
                self.company_a
            )))
            .bearer_auth(&self.owner_a.access)
            .header("content-type", "text/csv")
            .body("sku,title_en,category_id,unit,price_on_request\r\nM-1,Matrix,home-goods.drinkware,piece,true\r\n")
            .send()
            .await
            .expect("upload sent");
        assert_eq!(response.status().as_u16(), 202);
        let import: Value = response.json().await.expect("the import");
        let id = id_of(&import);
        let import_id = uuid::Uuid::parse_str(&id).expect("an id");
        self.app
            .with_db(move |conn| {
                domain::catalog_import::finish(
                    conn,
                    import_id,
                    domain::catalog_import::ImportStatus::Completed,
                    None,
                )
                .expect("finish")
            })
            .await;
        id
    }

    /// A new API key of A made by A's owner: (id, secret).
    pub async fn fresh_key_of_a(&self, scopes: &[&str]) -> (String, String) {
        let key = self
            .app
            .post(
                &format!("/api/v1/companies/{}/api-keys", self.company_a),
                self.owner_a.token(),
                json!({"name": "matrix", "scopes": scopes}),
            )
            .await
            .expect(201)
            .body;
        (
            id_of(&key),
            key["secret"].as_str().expect("secret").to_owned(),
        )
    }

    /// A new webhook endpoint of A (for new inquiries) registered by A's owner; its id.
    pub async fn fresh_webhook_of_a(&self) -> String {
        id_of(
            &self
                .app
                .post(
                    &format!("/api/v1/companies/{}/webhooks", self.company_a),
                    self.owner_a.token(),
                    json!({
                        "url": "https://hooks.example.com/matrix",
                        "event_types": ["inquiry.created"],
                    }),
                )
                .await
                .expect(201)
                .body,
        )
    }

    /// The token a cell sends: the actor's access token, or for the key columns a key's
    /// secret (for the key without the route's scope, the one that lacks it).
    pub fn token_of(&self, actor: Actor, row: &Row) -> Option<String> {
        match actor {
            Actor::KeyA => Some(self.key_all.clone()),
            Actor::KeyAWithoutScope => Some(match row.key_scope() {
                Some(scope) => self
                    .keys_without
                    .iter()
                    .find(|(s, _)| *s == scope)
                    .map(|(_, secret)| secret.clone())
                    .expect("a key without each scope"),
                None => self.key_all.clone(),
            }),
            other => self.account(other).map(|a| a.access.clone()),
        }
    }

    /// A's quote on a new buy request of the buyer, accepted by the buyer; its id.
    pub async fn fresh_accepted_quote_of_a(&self) -> String {
        let quote = self.fresh_quote_of_a().await;
        self.app
            .post(
                &format!("/api/v1/quotes/{quote}/accept"),
                self.buyer.token(),
                json!({}),
            )
            .await
            .expect(200);
        quote
    }

    /// The buyer's rating of A on a new thread (held when `comment` asks for review); its id.
    pub async fn fresh_rating_of_a(&self, comment: &str) -> String {
        let thread = self.fresh_thread_a().await;
        id_of(
            &self
                .app
                .post(
                    &format!("/api/v1/inquiries/{thread}/rating"),
                    self.buyer.token(),
                    json!({"stars": 4, "comment": comment}),
                )
                .await
                .expect(201)
                .body,
        )
    }

    /// A listing posted by `by`, published at once when `open`; its id.
    pub async fn fresh_listing(&self, by: &Account, body: Value, open: bool) -> String {
        let mut body = body;
        body["publish"] = json!(open);
        id_of(
            &self
                .app
                .post("/api/v1/listings", by.token(), body)
                .await
                .expect(201)
                .body,
        )
    }

    pub async fn fresh_closed_sell_a(&self) -> String {
        let id = self
            .fresh_listing(&self.owner_a, sell_listing(), true)
            .await;
        self.app
            .post(
                &format!("/api/v1/listings/{id}/close"),
                self.owner_a.token(),
                json!({}),
            )
            .await
            .expect(200);
        id
    }

    /// A sell offer of the unverified company C, published: waiting for review.
    pub async fn fresh_pending_sell_c(&self) -> String {
        let id = self
            .fresh_listing(&self.owner_c, sell_listing(), false)
            .await;
        let l = self
            .app
            .post(
                &format!("/api/v1/listings/{id}/publish"),
                self.owner_c.token(),
                json!({}),
            )
            .await
            .expect(200)
            .body;
        assert_eq!(l["status"], "pending_review", "C is not verified: {l}");
        id
    }

    /// A's quote on a new open buy request of the buyer; the quote's id.
    pub async fn fresh_quote_of_a(&self) -> String {
        let listing = self.fresh_listing(&self.buyer, buy_listing(), true).await;
        id_of(
            &self
                .app
                .post(
                    &format!("/api/v1/listings/{listing}/quotes"),
                    self.owner_a.token(),
                    quote_terms(),
                )
                .await
                .expect(201)
                .body,
        )
    }

    async fn quote_listing(&self, quote: &str) -> String {
        self.app
            .get(&format!("/api/v1/quotes/{quote}"), self.owner_a.token())
            .await
            .expect(200)
            .body["listing_id"]
            .as_str()
            .expect("listing id")
            .to_owned()
    }

    pub fn account(&self, actor: Actor) -> Option<&Account> {
        match actor {
            Actor::Anonymous => None,
            Actor::Buyer => Some(&self.buyer),
            Actor::OwnerA => Some(&self.owner_a),
            Actor::AdminA => Some(&self.admin_a),
            Actor::StaffA => Some(&self.staff_a),
            Actor::OwnerB => Some(&self.owner_b),
            Actor::Operator => Some(&self.operator),
            Actor::KeyA | Actor::KeyAWithoutScope => None,
        }
    }

    pub async fn fresh_draft_a(&self) -> String {
        id_of(&self.app.product(&self.owner_a, &self.company_a).await)
    }

    /// The id of an image of a new product of A, published or a draft.
    pub async fn fresh_image_of_a(&self, published: bool) -> String {
        let image = id_of(
            &self
                .app
                .upload_image(&self.owner_a, "product_image", 8, 8)
                .await,
        );
        let mut body = product_body();
        body["images"] = json!([image]);
        let product = self
            .app
            .post(
                &format!("/api/v1/companies/{}/products", self.company_a),
                self.owner_a.token(),
                body,
            )
            .await
            .expect(201)
            .body;
        if published {
            self.publish(&self.owner_a, &id_of(&product)).await;
        }
        image
    }

    pub async fn fresh_published_a(&self) -> String {
        let id = self.fresh_draft_a().await;
        let p = self.publish(&self.owner_a, &id).await;
        assert_eq!(p["status"], "published", "A is verified: {p}");
        id
    }

    /// A product of the unverified company C, published by its owner: waiting for review.
    pub async fn fresh_pending_review(&self) -> String {
        let id = id_of(&self.app.product(&self.owner_c, &self.company_c).await);
        let p = self.publish(&self.owner_c, &id).await;
        assert_eq!(p["status"], "pending_review", "C is not verified: {p}");
        id
    }

    async fn publish(&self, by: &Account, id: &str) -> Value {
        self.app
            .post(
                &format!("/api/v1/products/{id}/publish"),
                by.token(),
                json!({}),
            )
            .await
            .expect(200)
            .body
    }

    pub async fn fresh_pending_company(&self) -> String {
        let owner = self.app.signup("supplier").await;
        id_of(&self.app.company(&owner).await)
    }

    pub async fn fresh_suspended_company(&self) -> String {
        let id = self.fresh_pending_company().await;
        self.app
            .post(
                &format!("/api/v1/operator/companies/{id}/suspend"),
                self.operator.token(),
                json!({"reason": "licence under review"}),
            )
            .await
            .expect(200);
        id
    }

    /// Registers a supplier account (not signed in) and returns its e-mail.
    pub async fn fresh_supplier_email(&self) -> String {
        let email = new_email("supplier");
        self.app
            .post(
                "/api/v1/auth/register",
                None,
                registration(&email, "supplier"),
            )
            .await
            .expect(202);
        email
    }

    /// A new staff member of A, added by A's owner; its user id.
    pub async fn fresh_staff_of_a(&self) -> String {
        let staff = self.app.signup("supplier").await;
        self.app
            .add_member(&self.owner_a, &self.company_a, &staff, "staff")
            .await;
        staff.id
    }

    /// A lead of A for the world's buyer, opened by the hook the inquiry and quote services
    /// call; its id.
    pub async fn fresh_lead_a(&self) -> String {
        let company = uuid::Uuid::parse_str(&self.company_a).expect("id");
        let buyer = uuid::Uuid::parse_str(&self.buyer.id).expect("id");
        let source = uuid::Uuid::now_v7();
        self.app
            .with_db(move |conn| {
                use diesel::prelude::*;
                use domain::db::schema::leads;
                use domain::lead::{LeadSource, LeadStage, open_lead};
                open_lead(
                    conn,
                    company,
                    buyer,
                    LeadSource::Inquiry,
                    source,
                    LeadStage::New,
                )
                .expect("lead");
                leads::table
                    .filter(leads::source_id.eq(source.to_string()))
                    .select(leads::id)
                    .first::<String>(conn)
                    .expect("lead id")
            })
            .await
    }

    /// A screening rule (a harmless `flag`), made by the operator; its id.
    pub async fn fresh_rule(&self) -> String {
        self.app
            .post(
                "/api/v1/operator/rules",
                self.operator.token(),
                json!({"kind": "term", "text": "矩阵旗标", "action": "flag", "category": "other"}),
            )
            .await
            .expect(201)
            .body["id"]
            .as_str()
            .expect("id")
            .to_owned()
    }

    /// A new transactional e-mail job; its id.
    pub async fn fresh_email_job(&self) -> uuid::Uuid {
        let host = self.app.config.message_id_host();
        let to = new_email("matrix-mail");
        self.app
            .with_db(move |conn| {
                domain::db::transaction(conn, |conn| {
                    domain::email::enqueue(
                        conn,
                        domain::email::NewEmail {
                            category: domain::email::EmailCategory::Transactional,
                            kind: "matrix".into(),
                            user_id: None,
                            to_address: to,
                            subject: "Matrix".into(),
                            text_body: "matrix".into(),
                            html_body: "<p>matrix</p>".into(),
                            list_unsubscribe: None,
                            tracking: true,
                            dedupe_key: None,
                        },
                        &host,
                    )
                })
                .expect("enqueue")
                .expect("new job")
            })
            .await
    }

    /// A new saved search of the world's buyer; its id. The buyer's older saved searches
    /// beyond the newest 20 are deleted first (as the buyer would): the cells of a row make theirs at the same time,
    /// and the account's cap (50) must not be what a cell runs into.
    pub async fn fresh_subscription_of_buyer(&self) -> String {
        use diesel::prelude::*;
        use domain::db::schema::subscriptions as s;
        let buyer = self.buyer.id.clone();
        let old: Vec<String> = self
            .app
            .with_db(move |conn| {
                s::table
                    .filter(s::user_id.eq(&buyer))
                    .order(s::created_at.desc())
                    .limit(1000)
                    .offset(20)
                    .select(s::id)
                    .load(conn)
                    .expect("subscriptions")
            })
            .await;
        for id in old {
            // Another cell of the row may have removed it already.
            let reply = self
                .app
                .delete(&format!("/api/v1/subscriptions/{id}"), self.buyer.token())
                .await;
            assert!(matches!(reply.status, 204 | 404), "{}", reply.body);
        }
        self.app
            .post(
                "/api/v1/subscriptions",
                self.buyer.token(),
                json!({"kind": "search", "query": {"q": "LED panel"}, "frequency": "weekly"}),
            )
            .await
            .expect(201)
            .body["subscription"]["id"]
            .as_str()
            .expect("id")
            .to_owned()
    }

    /// The double opt-in link of a new account, as its confirmation e-mail carries it.
    pub async fn fresh_confirm_token(&self) -> String {
        use diesel::prelude::*;
        use domain::db::schema::email_jobs as j;
        let account = self.app.signup("buyer").await;
        self.app
            .post("/api/v1/me/email-consent", account.token(), json!({}))
            .await
            .expect(200);
        let user = account.id.clone();
        let body: String = self
            .app
            .with_db(move |conn| {
                j::table
                    .filter(j::user_id.eq(user))
                    .filter(j::kind.eq("consent_confirm"))
                    .select(j::text_body)
                    .first(conn)
                    .expect("confirmation e-mail")
            })
            .await;
        let start = body.find("confirm?token=").expect("confirm link") + "confirm?token=".len();
        body[start..]
            .split(|c: char| c.is_whitespace() || c == '"' || c == '&')
            .next()
            .expect("token")
            .to_owned()
    }

    /// A signed link of `purpose` for a new account (no e-mail job behind it).
    pub async fn fresh_account_link(&self, purpose: domain::email::LinkPurpose) -> String {
        let account = self.app.signup("buyer").await;
        let user = uuid::Uuid::parse_str(&account.id).expect("id");
        self.app
            .with_db(move |conn| {
                let key = domain::email::link_key(conn).expect("link key");
                domain::email::sign_link(
                    &key,
                    &domain::email::LinkToken {
                        purpose,
                        user_id: user,
                        job_id: None,
                        data: None,
                        expires_at: None,
                    },
                )
            })
            .await
    }

    /// A signed tracking token of a new job (a click token leads to this server's `/healthz`).
    pub async fn fresh_tracking_token(&self, purpose: domain::email::LinkPurpose) -> String {
        let job = self.fresh_email_job().await;
        let target = format!("{}/healthz", self.app.base);
        self.app
            .with_db(move |conn| {
                let key = domain::email::link_key(conn).expect("link key");
                domain::email::sign_link(
                    &key,
                    &domain::email::LinkToken {
                        purpose,
                        user_id: uuid::Uuid::nil(),
                        job_id: Some(job),
                        data: (purpose == domain::email::LinkPurpose::Click).then_some(target),
                        expires_at: None,
                    },
                )
            })
            .await
    }

    /// A new address on the suppression list (URL-encoded for a path).
    pub async fn fresh_suppression(&self) -> String {
        use diesel::prelude::*;
        use domain::db::schema::email_suppressions as s;
        let address = new_email("matrix-suppressed");
        let a = address.clone();
        self.app
            .with_db(move |conn| {
                diesel::insert_into(s::table)
                    .values((
                        s::address.eq(&a),
                        s::reason.eq("manual"),
                        s::created_at.eq(domain::clock::now()),
                    ))
                    .execute(conn)
                    .expect("suppression")
            })
            .await;
        address.replace('@', "%40")
    }

    /// An open report by the world's buyer about a fresh published product of A; its id.
    pub async fn fresh_report(&self) -> String {
        let product = self.fresh_published_a().await;
        self.app
            .post(
                "/api/v1/reports",
                self.buyer.token(),
                json!({"subject_type": "product", "subject_id": product, "reason": "spam"}),
            )
            .await
            .expect(201)
            .body["id"]
            .as_str()
            .expect("id")
            .to_owned()
    }

    /// A notification of the world's buyer; its id.
    pub async fn fresh_notification_of_buyer(&self) -> String {
        let buyer = uuid::Uuid::parse_str(&self.buyer.id).expect("id");
        self.app
            .with_db(move |conn| {
                use domain::notification::{NewNotification, NotificationKind, notify};
                notify(
                    conn,
                    NewNotification {
                        user_id: buyer,
                        kind: NotificationKind::QuoteReceived,
                        subject_type: "quote",
                        subject_id: uuid::Uuid::now_v7(),
                        payload: json!({"title": "matrix"}),
                    },
                )
                .expect("notification")
                .expect("the buyer's account is active")
                .to_string()
            })
            .await
    }

    /// A new thread from the world's buyer to A; its id.
    pub async fn fresh_thread_a(&self) -> String {
        let reply = self
            .app
            .post(
                "/api/v1/inquiries",
                self.buyer.token(),
                json!({
                    "subject": "Matrix inquiry",
                    "message": format!("Please quote ({})", uuid::Uuid::new_v4()),
                    "targets": [{"type": "company", "id": self.company_a}],
                }),
            )
            .await
            .expect(201);
        reply.body["threads"][0]["id"]
            .as_str()
            .expect("thread id")
            .to_owned()
    }

    /// The open review-queue item of a new pending company; its id.
    pub async fn fresh_review_item(&self) -> String {
        let company = self.fresh_pending_company().await;
        self.app
            .with_db(move |conn| {
                use diesel::prelude::*;
                use domain::db::schema::review_items;
                review_items::table
                    .filter(review_items::subject_id.eq(company))
                    .filter(review_items::status.eq("open"))
                    .select(review_items::id)
                    .first::<String>(conn)
                    .expect("review item")
            })
            .await
    }

    /// An edit of a new published product of A (applied at once: A is verified and the text
    /// is clean); the change request's id.
    pub async fn fresh_change_request_a(&self) -> String {
        let product = self.fresh_published_a().await;
        let edit = self
            .app
            .patch(
                &format!("/api/v1/products/{product}"),
                self.owner_a.token(),
                json!({"moq": 321}),
            )
            .await
            .expect(200)
            .body;
        edit["edit"]["change_request_id"]
            .as_str()
            .expect("change request")
            .to_owned()
    }

    /// A new buyer blocked by A's owner; its user id.
    pub async fn fresh_blocked_buyer_of_a(&self) -> String {
        let buyer = self.app.signup("buyer").await;
        self.app
            .post(
                &format!("/api/v1/companies/{}/blocked-buyers", self.company_a),
                self.owner_a.token(),
                json!({"user_id": buyer.id, "reason": "matrix"}),
            )
            .await
            .expect(201);
        buyer.id
    }

    /// An IP notice by the buyer about a new published product of A, taken to `stage`
    /// (`submitted`, `accepted`, `countered` or `kept_down`); its id.
    pub async fn fresh_notice_on_a(&self, stage: &str) -> String {
        let product = self.fresh_published_a().await;
        let id = self
            .app
            .post(
                "/api/v1/takedowns",
                self.buyer.token(),
                notice_body(&product),
            )
            .await
            .expect(201)
            .body["notice"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        let op = |action: &str| format!("/api/v1/operator/takedowns/{id}/{action}");
        if stage == "submitted" {
            return id;
        }
        self.app
            .post(
                &op("accept"),
                self.operator.token(),
                json!({"note": "matrix"}),
            )
            .await
            .expect(200);
        if stage == "accepted" {
            return id;
        }
        self.app
            .post(
                &format!("/api/v1/takedowns/{id}/counter-notice"),
                self.owner_a.token(),
                counter_notice_body(),
            )
            .await
            .expect(200);
        if stage == "countered" {
            return id;
        }
        self.app
            .post(
                &op("keep-down"),
                self.operator.token(),
                json!({"note": "matrix"}),
            )
            .await
            .expect(200);
        id
    }

    /// A new item of A (`products` or `listings`) hidden by the operator; its id.
    pub async fn fresh_hidden_a(&self, kind: &str) -> String {
        let id = if kind == "products" {
            self.fresh_published_a().await
        } else {
            self.fresh_listing(&self.owner_a, sell_listing(), true)
                .await
        };
        self.app
            .post(
                &format!("/api/v1/operator/{kind}/{id}/hide"),
                self.operator.token(),
                json!({"reason": "matrix"}),
            )
            .await
            .expect(201);
        id
    }

    /// A new warning of A; the enforcement action's id.
    pub async fn fresh_warning_of_a(&self) -> String {
        id_of(
            &self
                .app
                .post(
                    &format!("/api/v1/operator/companies/{}/warn", self.company_a),
                    self.operator.token(),
                    json!({"reason": "matrix"}),
                )
                .await
                .expect(201)
                .body,
        )
    }

    /// An open appeal by A's owner against a new warning; the appeal's id.
    pub async fn fresh_appeal_of_a(&self) -> String {
        let warning = self.fresh_warning_of_a().await;
        id_of(
            &self
                .app
                .post(
                    &format!("/api/v1/enforcement/{warning}/appeal"),
                    self.owner_a.token(),
                    json!({"statement": "matrix"}),
                )
                .await
                .expect(201)
                .body,
        )
    }

    /// The request one cell sends: fresh objects made, placeholders filled, body chosen.
    pub async fn request(&self, row: &Row, actor: Actor) -> Request {
        let mut token = self.token_of(actor, row);
        let mut path = row.path.to_owned();
        let (id, user_id) = match row.target {
            Target::Nothing => (None, None),
            Target::CompanyA => (Some(self.company_a.clone()), None),
            Target::SlugA => {
                path = path.replace("{slug}", &self.slug_a);
                (None, None)
            }
            Target::PublishedA => (Some(self.published_a.clone()), None),
            Target::DraftA => (Some(self.draft_a.clone()), None),
            Target::FreshPublishedA => (Some(self.fresh_published_a().await), None),
            Target::FreshDraftA => (Some(self.fresh_draft_a().await), None),
            Target::FreshPendingReview => (Some(self.fresh_pending_review().await), None),
            Target::FreshPendingCompany => (Some(self.fresh_pending_company().await), None),
            Target::FreshSuspendedCompany => (Some(self.fresh_suspended_company().await), None),
            Target::FreshStaffOfA => (
                Some(self.company_a.clone()),
                Some(self.fresh_staff_of_a().await),
            ),
            Target::FreshLeadA => (Some(self.fresh_lead_a().await), None),
            Target::FreshRule => (Some(self.fresh_rule().await), None),
            Target::FreshReport => (Some(self.fresh_report().await), None),
            Target::FreshNotificationOfBuyer => {
                (Some(self.fresh_notification_of_buyer().await), None)
            }
            Target::FreshThreadA => (Some(self.fresh_thread_a().await), None),
            Target::FreshBlockedBuyerOfA => (
                Some(self.company_a.clone()),
                Some(self.fresh_blocked_buyer_of_a().await),
            ),
            Target::OpenSellA => (Some(self.open_sell_a.clone()), None),
            Target::DraftSellA => (Some(self.draft_sell_a.clone()), None),
            Target::DraftBuyOfBuyer => (Some(self.draft_buy.clone()), None),
            Target::QuotedBuyOfBuyer => (Some(self.quoted_buy.clone()), None),
            Target::QuoteOfA => (Some(self.quote_of_a.clone()), None),
            Target::FreshOpenSellA => (
                Some(
                    self.fresh_listing(&self.owner_a, sell_listing(), true)
                        .await,
                ),
                None,
            ),
            Target::FreshDraftSellA => (
                Some(
                    self.fresh_listing(&self.owner_a, sell_listing(), false)
                        .await,
                ),
                None,
            ),
            Target::FreshClosedSellA => (Some(self.fresh_closed_sell_a().await), None),
            Target::FreshPendingSellC => (Some(self.fresh_pending_sell_c().await), None),
            Target::FreshOpenBuyOfBuyer => (
                Some(self.fresh_listing(&self.buyer, buy_listing(), true).await),
                None,
            ),
            Target::FreshDraftBuyOfBuyer => (
                Some(self.fresh_listing(&self.buyer, buy_listing(), false).await),
                None,
            ),
            Target::FreshQuoteOfA => (Some(self.fresh_quote_of_a().await), None),
            Target::FreshEmailJob => (Some(self.fresh_email_job().await.to_string()), None),
            Target::FreshOpenToken => {
                let token = self
                    .fresh_tracking_token(domain::email::LinkPurpose::Open)
                    .await;
                path = path.replace("{token}", &token);
                (None, None)
            }
            Target::FreshClickToken => {
                let token = self
                    .fresh_tracking_token(domain::email::LinkPurpose::Click)
                    .await;
                path = path.replace("{token}", &token);
                (None, None)
            }
            Target::FreshSuppression => {
                let address = self.fresh_suppression().await;
                path = path.replace("{address}", &address);
                (None, None)
            }
            Target::FreshSubscriptionOfBuyer => {
                (Some(self.fresh_subscription_of_buyer().await), None)
            }
            Target::FreshConfirmToken => {
                let token = self.fresh_confirm_token().await;
                path = format!("{path}?token={token}");
                (None, None)
            }
            Target::FreshVerifyToken => {
                let email = self.app.register("buyer").await;
                let token = self
                    .app
                    .mail_token(&email, "verify_email", "verify-address")
                    .await;
                path = format!("{path}?token={token}");
                (None, None)
            }
            Target::FreshResetToken => {
                let email = self.app.register("buyer").await;
                let (e, settings) = (email.clone(), self.app.config.mail_settings());
                self.app
                    .with_db(move |conn| {
                        domain::account::request_password_reset(conn, &e, &settings)
                            .expect("reset requested")
                    })
                    .await;
                let token = self
                    .app
                    .mail_token(&email, "password_reset", "reset-password")
                    .await;
                path = format!("{path}?token={token}");
                (None, None)
            }
            Target::FreshUnsubscribeToken => {
                let token = self
                    .fresh_account_link(domain::email::LinkPurpose::Unsubscribe)
                    .await;
                path = format!("{path}?token={token}");
                (None, None)
            }
            Target::FreshPreferencesToken => {
                let token = self
                    .fresh_account_link(domain::email::LinkPurpose::Preferences)
                    .await;
                path = format!("{path}?token={token}");
                (None, None)
            }
            Target::FreshAcceptedQuoteOfA => (Some(self.fresh_accepted_quote_of_a().await), None),
            Target::FreshRatingOfA => (Some(self.fresh_rating_of_a("矩阵评价").await), None),
            Target::FreshHeldRatingOfA => (Some(self.fresh_rating_of_a("矩阵待审").await), None),
            Target::FreshReviewItem => (Some(self.fresh_review_item().await), None),
            Target::FreshChangeRequestA => (Some(self.fresh_change_request_a().await), None),
            Target::FreshNoticeOnA => (Some(self.fresh_notice_on_a("submitted").await), None),
            Target::FreshAcceptedNoticeOnA => {
                (Some(self.fresh_notice_on_a("accepted").await), None)
            }
            Target::FreshCounteredNoticeOnA => {
                (Some(self.fresh_notice_on_a("countered").await), None)
            }
            Target::FreshKeptDownNoticeOnA => {
                (Some(self.fresh_notice_on_a("kept_down").await), None)
            }
            Target::FreshHiddenProductA => (Some(self.fresh_hidden_a("products").await), None),
            Target::FreshHiddenSellA => (Some(self.fresh_hidden_a("listings").await), None),
            Target::FreshWarningOfA => (Some(self.fresh_warning_of_a().await), None),
            Target::FreshAppealOfA => (Some(self.fresh_appeal_of_a().await), None),
            Target::FreshImageOfPublishedA => (Some(self.fresh_image_of_a(true).await), None),
            Target::FreshImageOfDraftA => (Some(self.fresh_image_of_a(false).await), None),
            Target::FreshApiKeyOfA => {
                let (key, _) = self.fresh_key_of_a(&["catalog:read"]).await;
                path = path.replace("{key_id}", &key);
                (Some(self.company_a.clone()), None)
            }
            Target::FreshWebhookOfA => {
                let endpoint = self.fresh_webhook_of_a().await;
                path = path.replace("{endpoint_id}", &endpoint);
                (Some(self.company_a.clone()), None)
            }
            Target::ImportOfA => {
                path = path.replace("{import_id}", &self.import_a);
                (Some(self.company_a.clone()), None)
            }
            Target::FreshWebhookDeliveryOfA => {
                let endpoint = self.fresh_webhook_of_a().await;
                self.fresh_thread_a().await;
                let log = self
                    .app
                    .get(
                        &format!(
                            "/api/v1/companies/{}/webhooks/{endpoint}/deliveries",
                            self.company_a
                        ),
                        self.owner_a.token(),
                    )
                    .await
                    .expect(200)
                    .body;
                let delivery = log[0]["id"].as_str().expect("a delivery").to_owned();
                path = path
                    .replace("{endpoint_id}", &endpoint)
                    .replace("{delivery_id}", &delivery);
                (Some(self.company_a.clone()), None)
            }
            Target::FreshUploadOfOwnerA => (
                Some(id_of(
                    &self
                        .app
                        .upload_image(&self.owner_a, "product_image", 8, 8)
                        .await,
                )),
                None,
            ),
        };
        path = path.replace("{variant}", "thumbnail");
        path = path
            .replace("{kind}", "safety_rules")
            .replace("{version}", "1");
        if let Some(id) = id {
            path = path.replace("{id}", &id);
        }
        if let Some(user_id) = user_id {
            path = path.replace("{user_id}", &user_id);
        }
        assert!(!path.contains('{'), "unfilled placeholder in {path}");
        let body = match row.payload {
            Payload::None => None,
            Payload::Register => Some(registration(&new_email("buyer"), "buyer")),
            Payload::Login => {
                let email = self.fresh_supplier_email().await;
                Some(json!({"email": email, "password": PASSWORD}))
            }
            Payload::Refresh => {
                let account = self.app.signup("buyer").await;
                Some(json!({"refresh_token": account.refresh}))
            }
            Payload::Logout => match self.account(actor) {
                // A second session of the actor: its main token must outlive this cell.
                Some(account) => {
                    let session = self.app.login(&account.email, PASSWORD).await.expect(200);
                    token = session.body["access_token"].as_str().map(str::to_owned);
                    Some(json!({"refresh_token": session.body["refresh_token"]}))
                }
                None => Some(json!({})),
            },
            Payload::Company => Some(company_body(None)),
            Payload::CompanyPatch => Some(json!({"description": "<p>Updated by the matrix</p>"})),
            Payload::AddStaff => Some(json!({
                "email": self.fresh_supplier_email().await,
                "role": "staff",
            })),
            Payload::Product => Some(product_body()),
            Payload::ProductPatch => Some(json!({"title_en": "Vacuum Flask 500ml, updated"})),
            Payload::Reason => Some(json!({"reason": "checked by the matrix"})),
            Payload::Synonyms => Some(json!({"groups": [["不锈钢", "stainless steel", "SS"]]})),
            Payload::Policy => Some(policy_body()),
            Payload::AcceptPolicy => Some(json!({"kind": "terms", "version": 0})),
            Payload::Rule => Some(
                json!({"kind": "term", "text": "矩阵禁词", "action": "flag", "category": "other"}),
            ),
            Payload::RulePatch => Some(json!({"note": "edited by the matrix"})),
            Payload::RuleTest => Some(json!({"text": "矩阵 禁 词"})),
            Payload::Report => Some(json!({
                "subject_type": "product",
                "subject_id": self.published_a,
                "reason": "other",
                "details": "矩阵举报",
            })),
            Payload::Resolve => {
                Some(json!({"outcome": "dismissed", "note": "checked by the matrix"}))
            }
            Payload::LeadPatch => Some(json!({"stage": "contacted", "tags": ["matrix"]})),
            Payload::LeadNote => Some(json!({"body": "矩阵备注"})),
            Payload::Inquiry => Some(json!({
                "subject": "Matrix inquiry to C",
                "message": format!("Please quote ({})", uuid::Uuid::new_v4()),
                "targets": [{"type": "company", "id": self.company_c}],
            })),
            Payload::Message => Some(json!({"body": "A message from the matrix"})),
            Payload::AssignStaffA => Some(json!({"user_id": self.staff_a.id})),
            Payload::BlockBuyer => {
                let buyer = self.app.signup("buyer").await;
                Some(json!({"user_id": buyer.id, "reason": "matrix"}))
            }
            Payload::BuyListing => Some(buy_listing()),
            Payload::SellListing => Some(sell_listing()),
            Payload::ListingPatch => Some(json!({"quantity": 4321})),
            Payload::Republish => Some(json!({"valid_until": days_ahead(20)})),
            Payload::Quote => Some(quote_terms()),
            Payload::QuotePatch => Some(json!({"unit_price": "10.90"})),
            Payload::Dsn => None,
            Payload::Subscription => Some(json!({
                "kind": "search",
                "query": {"q": "不锈钢 保温杯", "verified": true},
                "frequency": "daily",
            })),
            Payload::SubscriptionPatch => Some(json!({"frequency": "weekly"})),
            Payload::EmailPreferences => Some(json!({"language": "zh", "tracking_enabled": false})),
            Payload::MePatch => Some(json!({"display_name": "矩阵 Matrix", "language": "zh"})),
            Payload::WrongPasswordChange => Some(json!({
                "current_password": "not-the-password",
                "new_password": "Quilt-Harbor-Lantern-77",
            })),
            Payload::EmailChange => {
                Some(json!({"email": new_email("moved"), "current_password": PASSWORD}))
            }
            Payload::ResetRequest => Some(json!({"email": new_email("forgot")})),
            Payload::BadResetConfirm => Some(json!({
                "token": "not.a-link",
                "new_password": "Quilt-Harbor-Lantern-77",
            })),
            Payload::Rating => Some(json!({"stars": 5, "comment": "矩阵好评"})),
            Payload::RatingReply => Some(json!({"reply": "感谢矩阵"})),
            Payload::Penalty => Some(json!({
                "points": 2,
                "reason_code": "other",
                "note": "checked by the matrix",
            })),
            Payload::RejectDecision => {
                Some(json!({"reason_code": "incomplete", "note": "checked by the matrix"}))
            }
            Payload::NoteDecision => Some(json!({"note": "checked by the matrix"})),
            Payload::BulkApprove => Some(json!({
                "ids": [self.fresh_review_item().await],
                "decision": "approve",
            })),
            Payload::Notice => Some(notice_body(&self.published_a)),
            Payload::Note => Some(json!({"note": "checked by the matrix"})),
            Payload::CounterNotice => Some(counter_notice_body()),
            Payload::Appeal => Some(json!({"statement": "appealed by the matrix"})),
            Payload::AppealDecision => {
                Some(json!({"outcome": "rejected", "note": "checked by the matrix"}))
            }
            Payload::LeaveUnconfirmed => Some(json!({"confirm": "not-the-slug-of-a"})),
            Payload::Upload => None,
            Payload::CatalogFileWithoutRows => None,
            Payload::ApiKey => Some(json!({"name": "matrix", "scopes": ["catalog:read"]})),
            Payload::Webhook => Some(json!({
                "url": "https://hooks.example.com/matrix",
                "event_types": ["inquiry.created"],
            })),
            Payload::Erasure => {
                // Erasure is final: the buyer's cell erases a new buyer account instead.
                if actor == Actor::Buyer {
                    token = Some(self.app.signup("buyer").await.access);
                }
                Some(json!({"password": PASSWORD}))
            }
        };
        let raw = match row.payload {
            Payload::Dsn => Some((
                "message/rfc822",
                format!(
                    "From: MAILER-DAEMON@mx.example.net\r\nMIME-Version: 1.0\r\n\
                 Content-Type: multipart/report; report-type=delivery-status; boundary=\"m\"\r\n\r\n\
                 --m\r\nContent-Type: message/delivery-status\r\n\r\n\
                 Reporting-MTA: dns; mx.example.net\r\n\r\n\
                 Final-Recipient: rfc822; {}\r\nAction: delivered\r\nStatus: 2.0.0\r\n\r\n--m--\r\n",
                    new_email("matrix-dsn")
                ),
            )),
            Payload::CatalogFileWithoutRows => {
                Some(("text/csv", "sku,title_en,category_id,unit\r\n".to_owned()))
            }
            _ => None,
        };
        let upload = (row.payload == Payload::Upload).then(|| {
            e2e::media::multipart(&[
                ("purpose", None, b"product_image"),
                ("file", Some("m.jpg"), &e2e::media::jpeg(16, 16, 1)),
            ])
        });
        Request {
            upload,
            method: row.method.parse().expect("HTTP method"),
            path,
            token,
            // Bodyless POSTs (publish, unpublish) still send `{}` as a client would.
            body: if raw.is_some() || row.payload == Payload::Upload {
                None
            } else {
                body.or_else(|| (row.method == "POST").then(|| json!({})))
            },
            raw,
        }
    }
}

pub fn new_email(kind: &str) -> String {
    format!("{kind}-{}@example.com", uuid::Uuid::new_v4().simple())
}

pub fn registration(email: &str, account_type: &str) -> Value {
    json!({
        "email": email,
        "password": PASSWORD,
        "display_name": "矩阵 Matrix",
        "account_type": account_type,
    })
}

/// An RFC 3339 time `days` ahead on the domain clock.
pub fn days_ahead(days: i64) -> String {
    (domain::clock::now().assume_utc() + time::Duration::days(days))
        .format(&time::format_description::well_known::Rfc3339)
        .expect("format")
}

pub fn buy_listing() -> Value {
    json!({
        "kind": "buy",
        "title": "求购304不锈钢保温杯",
        "category_id": "home-goods.drinkware",
        "quantity": 10000,
        "unit": "piece",
        "target_price": "12.50",
        "currency": "CNY",
        "valid_until": days_ahead(30),
    })
}

pub fn sell_listing() -> Value {
    json!({
        "kind": "sell",
        "title": "LED Panel Light 600x600 40W",
        "category_id": "lighting.led-panel-lights",
        "quantity": 5000,
        "unit": "piece",
        "valid_until": days_ahead(30),
    })
}

pub fn notice_body(product: &str) -> Value {
    json!({
        "subject_type": "product",
        "subject_id": product,
        "rights_type": "trademark",
        "rights_holder": "矩阵品牌管理有限公司",
        "registration_number": "第87654321号",
        "evidence_urls": ["https://evidence.example.com/matrix.pdf"],
        "good_faith": true,
    })
}

pub fn counter_notice_body() -> Value {
    json!({"statement": "counter-notice by the matrix", "good_faith": true})
}

pub fn quote_terms() -> Value {
    json!({
        "unit_price": "11.80",
        "currency": "CNY",
        "moq": 1000,
        "lead_time_days": 20,
        "valid_until": days_ahead(20),
    })
}

/// A version of a platform rule.
fn policy_body() -> serde_json::Value {
    json!({
        "title_zh": "安全规则", "title_en": "Safety rules",
        "body_zh": "禁止发布危险品信息。", "body_en": "Listing dangerous goods is prohibited.",
        "change_note": "matrix"
    })
}
