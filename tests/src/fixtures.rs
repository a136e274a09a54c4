//! Accounts, companies and products made through the API, as a client would make them.

use serde_json::{Value, json};

use crate::client::TestApp;

pub const PASSWORD: &str = "Harbor-Lantern-4821";

#[derive(Debug, Clone)]
pub struct Account {
    pub id: String,
    pub email: String,
    pub access: String,
    pub refresh: String,
}

impl Account {
    pub fn token(&self) -> Option<&str> {
        Some(&self.access)
    }
}

/// A screening rule (a term with its action) made by the operator.
pub async fn rule(app: &TestApp, op: &Account, text: &str, action: &str) {
    app.post(
        "/api/v1/operator/rules",
        op.token(),
        json!({"kind": "term", "text": text, "action": action, "category": "other"}),
    )
    .await
    .expect(201);
}

/// The `id` of an object in a reply.
pub fn id_of(v: &Value) -> String {
    v["id"].as_str().expect("object has an id").to_owned()
}

/// A verified company with its owner and one published product.
pub struct Supplier {
    pub owner: Account,
    pub company: String,
    pub slug: String,
    pub product: String,
}

/// A verified company (verified by `operator`) with one published product.
pub async fn supplier(app: &TestApp, operator: &Account) -> Supplier {
    let (owner, company) = app.verified_company(operator).await;
    let id = id_of(&company);
    let slug = company["slug"].as_str().expect("slug").to_owned();
    let product = app.publish(&owner, &id, product_body()).await;
    Supplier {
        owner,
        company: id,
        slug,
        product,
    }
}

/// A random credit code with a correct GB 32100-2015 check character.
pub fn valid_credit_code() -> String {
    let n = uuid::Uuid::new_v4().as_u128();
    let alphabet = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let tail: String = (0..9)
        .map(|i| alphabet[((n >> (i * 5)) % 31) as usize] as char)
        .collect();
    domain::company::complete_uscc(&format!("91330206{tail}")).expect("valid base")
}

pub fn company_body(slug: Option<&str>) -> Value {
    let mut body = json!({
        "legal_name": "宁波测试精密机械有限公司",
        "english_name": "Ningbo Test Precision Machinery Co., Ltd.",
        "credit_code": valid_credit_code(),
        "legal_representative": "王建国",
        "registered_address": "浙江省宁波市北仑区小港街道纬三路58号",
        "province": "浙江省",
        "city": "宁波市",
        "business_scope": "机械设备制造、销售；货物进出口",
        "year_established": 2008,
        "employee_range": "51-200",
        "company_type": "manufacturer",
        "main_products": ["注塑机", "CNC machining"],
        "contacts": [{"name": "王经理", "phone": "+86-574-8765-4321", "email": "sales@test.example.cn"}],
        "description": "<p>专业生产<strong>注塑机</strong></p>",
        "certifications": [{"name": "ISO 9001:2015", "valid_until": "2027-06-30"}]
    });
    if let Some(slug) = slug {
        body["slug"] = json!(slug);
    }
    body
}

pub fn product_body() -> Value {
    json!({
        "title_zh": "304不锈钢真空保温杯 500ml",
        "title_en": "304 Stainless Steel Vacuum Flask 500ml",
        "description": "<p>双层真空</p>",
        "category_id": "home-goods.drinkware",
        "attributes": [{"name": "材质", "value": "304不锈钢"}],
        "images": [],
        "unit": "piece",
        "moq": 100,
        "currency": "CNY",
        "price_tiers": [{"min_quantity": 100, "unit_price": "49.90"}, {"min_quantity": 1000, "unit_price": "42.50"}],
        "lead_time_days": 15,
        "place_of_origin": "浙江永康",
        "keywords": ["保温杯", "vacuum flask"]
    })
}

impl TestApp {
    pub async fn login(&self, email: &str, password: &str) -> crate::Reply {
        self.post(
            "/api/v1/auth/login",
            None,
            json!({"email": email, "password": password}),
        )
        .await
    }

    /// Registers a `buyer` or `supplier` account, verifies its address through the link in
    /// the verification e-mail, and signs it in.
    pub async fn signup(&self, account_type: &str) -> Account {
        let email = self.register(account_type).await;
        self.verify_address(&email).await;
        self.signin(&email).await
    }

    /// Registers and signs in without verifying the address.
    pub async fn signup_unverified(&self, account_type: &str) -> Account {
        let email = self.register(account_type).await;
        self.signin(&email).await
    }

    /// Registers a fresh address; returns it.
    pub async fn register(&self, account_type: &str) -> String {
        let email = format!(
            "{account_type}-{}@example.com",
            uuid::Uuid::new_v4().simple()
        );
        self.post(
            "/api/v1/auth/register",
            None,
            // Accepting the terms, as a client does once the operator has published them.
            json!({"email": email, "password": PASSWORD, "display_name": "测试 Tester", "account_type": account_type, "accept_terms": true}),
        )
        .await
        .expect(202);
        email
    }

    /// The newest e-mail job of `kind` to `to`: (subject, text body).
    pub async fn last_mail(&self, to: &str, kind: &str) -> Option<(String, String)> {
        use diesel::prelude::*;
        use domain::db::schema::email_jobs as j;
        let (to, kind) = (to.to_owned(), kind.to_owned());
        self.with_db(move |conn| {
            j::table
                .filter(j::to_address.eq(to))
                .filter(j::kind.eq(kind))
                .order(j::created_at.desc())
                .then_order_by(j::id.desc())
                .select((j::subject, j::text_body))
                .first::<(String, String)>(conn)
                .optional()
                .expect("e-mail jobs")
        })
        .await
    }

    /// The token of the link to `…/{path}?token=` in the newest `kind` e-mail to `to`.
    pub async fn mail_token(&self, to: &str, kind: &str, path: &str) -> String {
        let (_, text) = self
            .last_mail(to, kind)
            .await
            .unwrap_or_else(|| panic!("no {kind} e-mail to {to}"));
        // The account links open the site's pages (`/{lang}/{path}`), the others the API's.
        let marker = format!("/{path}?token=");
        let start = text
            .find(&marker)
            .unwrap_or_else(|| panic!("no {path} link in: {text}"))
            + marker.len();
        text[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .collect()
    }

    /// Follows the verification link e-mailed to `email` (presses the page's button).
    pub async fn verify_address(&self, email: &str) -> crate::Reply {
        let token = self
            .mail_token(email, "verify_email", "verify-address")
            .await;
        self.call(
            reqwest::Method::POST,
            &format!("/api/v1/email/verify-address?token={token}"),
            None,
            None,
        )
        .await
        .expect(200)
    }

    /// Signs in with the fixture password.
    pub async fn signin(&self, email: &str) -> Account {
        let tokens = self.login(email, PASSWORD).await.expect(200);
        let access = tokens.body["access_token"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let me = self.get("/api/v1/me", Some(&access)).await.expect(200);
        Account {
            id: me.body["id"].as_str().unwrap_or_default().to_owned(),
            email: email.to_owned(),
            access,
            refresh: tokens.body["refresh_token"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        }
    }

    /// An operator, created as `tradefair create-operator` does, then signed in.
    pub async fn operator(&self) -> Account {
        let email = format!("operator-{}@example.com", uuid::Uuid::new_v4().simple());
        let e = email.clone();
        let user = self
            .with_db(move |conn| {
                domain::account::create_operator(conn, &e, PASSWORD, "Operator")
                    .expect("operator created")
            })
            .await;
        let account = self.signin(&email).await;
        assert_eq!(account.id, user.id.to_string());
        account
    }

    /// A company owned by `owner` (a supplier account).
    pub async fn company(&self, owner: &Account) -> Value {
        self.post("/api/v1/companies", owner.token(), company_body(None))
            .await
            .expect(201)
            .body
    }

    /// A verified company and its owner.
    pub async fn verified_company(&self, operator: &Account) -> (Account, Value) {
        let owner = self.signup("supplier").await;
        let company = self.company(&owner).await;
        let id = company["id"].as_str().unwrap_or_default();
        let company = self
            .post(
                &format!("/api/v1/operator/companies/{id}/verify"),
                operator.token(),
                json!({"reason": "licence checked"}),
            )
            .await
            .expect(200)
            .body;
        (owner, company)
    }

    /// A draft product of `company_id`.
    pub async fn product(&self, member: &Account, company_id: &str) -> Value {
        self.post(
            &format!("/api/v1/companies/{company_id}/products"),
            member.token(),
            product_body(),
        )
        .await
        .expect(201)
        .body
    }

    /// Creates a product from `body` and publishes it; returns its id.
    pub async fn publish(&self, member: &Account, company_id: &str, body: Value) -> String {
        let id = self
            .post(
                &format!("/api/v1/companies/{company_id}/products"),
                member.token(),
                body,
            )
            .await
            .expect(201)
            .body["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        self.post(
            &format!("/api/v1/products/{id}/publish"),
            member.token(),
            json!({}),
        )
        .await
        .expect(200);
        id
    }

    /// Disables an account directly in the database (what an administrator's tooling does).
    pub async fn disable_account(&self, user_id: &str) {
        let sql = format!("UPDATE users SET status = 'disabled' WHERE id = '{user_id}'");
        self.with_db(move |conn| {
            use diesel::RunQueryDsl;
            diesel::sql_query(sql)
                .execute(conn)
                .expect("disable account")
        })
        .await;
    }

    /// Adds `email` to the company with `role`.
    pub async fn add_member(&self, by: &Account, company_id: &str, member: &Account, role: &str) {
        self.post(
            &format!("/api/v1/companies/{company_id}/members"),
            by.token(),
            json!({"email": member.email, "role": role}),
        )
        .await
        .expect(201);
    }
}
