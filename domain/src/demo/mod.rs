//! Deterministic demo data: about 20 Chinese and English suppliers with 300 products, a demo
//! operator, buyer and supplier. Loaded through the ordinary services, so everything a real
//! change writes (outbox rows, decisions) is written too. Needs no network.

mod activity;
pub mod data;
mod images;
mod policies;

pub use images::{
    Undrawn, Unpictured, attach_drawing, attach_picture, buy_requests_without_attachments,
    products_without_images,
};

use rust_decimal::Decimal;

use crate::access::Actor;
use crate::account::{self, AccountError, AccountType, Registration};
use crate::catalog::{self, Attribute, CatalogError, PriceTierInput, ProductAction, ProductInput};
use crate::company::{self, CompanyError, CompanyInput, ContactInput, StatusAction, complete_uscc};
use crate::db::DbConnection;

pub const DEMO_PASSWORD: &str = "Tradefair-Demo-2026";
/// Every demo account's e-mail address is under this domain (suppliers under a subdomain).
pub const DEMO_DOMAIN: &str = "demo.tradefair.example";
pub const OPERATOR_EMAIL: &str = "operator@demo.tradefair.example";
pub const BUYER_EMAIL: &str = "buyer@demo.tradefair.example";
pub const PRODUCTS_PER_SUPPLIER: usize = 15;

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("account: {0}")]
    Account(#[from] AccountError),
    #[error("company: {0}")]
    Company(#[from] CompanyError),
    #[error("catalog: {0}")]
    Catalog(#[from] CatalogError),
    #[error("listing: {0}")]
    Listing(#[from] crate::listing::ListingError),
    #[error("inquiry: {0}")]
    Inquiry(#[from] crate::inquiry::InquiryError),
    #[error("rating: {0}")]
    Rating(#[from] crate::rating::RatingError),
    #[error("policy: {0}")]
    Policy(#[from] crate::policy::PolicyError),
}

/// The logins to print after loading.
#[derive(Debug, Clone)]
pub struct DemoLogins {
    pub operator: String,
    pub buyer: String,
    pub supplier: String,
    pub password: &'static str,
    pub suppliers: usize,
    pub products: usize,
    /// False when the data was already there.
    pub loaded: bool,
}

fn supplier_email(slug: &str) -> String {
    format!("owner@{slug}.demo.tradefair.example")
}

/// Loads the demo data unless it is already there.
pub fn load(conn: &mut DbConnection) -> Result<DemoLogins, DemoError> {
    let first_supplier = supplier_email(data::SUPPLIERS[0].slug);
    let mut logins = DemoLogins {
        operator: OPERATOR_EMAIL.into(),
        buyer: BUYER_EMAIL.into(),
        supplier: first_supplier,
        password: DEMO_PASSWORD,
        suppliers: data::SUPPLIERS.len(),
        products: data::SUPPLIERS.len() * PRODUCTS_PER_SUPPLIER,
        loaded: false,
    };
    if account::find_user_by_email(conn, OPERATOR_EMAIL).is_ok() {
        return Ok(logins);
    }
    let operator = account::create_operator(
        conn,
        OPERATOR_EMAIL,
        DEMO_PASSWORD,
        "平台运营 Demo Operator",
    )?;
    let operator = Actor {
        user_id: operator.id,
        account_type: AccountType::Operator,
    };
    policies::load(conn, &operator)?;
    let buyer = account::register_verified(
        conn,
        Registration {
            email: BUYER_EMAIL.into(),
            password: DEMO_PASSWORD.into(),
            display_name: "Demo Buyer 采购商".into(),
            account_type: "buyer".into(),
            accept_terms: true,
        },
    )?;
    let buyer = Actor {
        user_id: buyer.id,
        account_type: AccountType::Buyer,
    };
    let mut showcases = Vec::new();
    for (index, supplier) in data::SUPPLIERS.iter().enumerate() {
        showcases.extend(load_supplier(conn, &operator, index, supplier)?);
    }
    activity::load(conn, &buyer, &showcases)?;
    logins.loaded = true;
    Ok(logins)
}

fn load_supplier(
    conn: &mut DbConnection,
    operator: &Actor,
    index: usize,
    s: &data::DemoSupplier,
) -> Result<Option<activity::Showcase>, DemoError> {
    let user = account::register_verified(
        conn,
        Registration {
            email: supplier_email(s.slug),
            password: DEMO_PASSWORD.into(),
            display_name: s.contact_name.into(),
            account_type: "supplier".into(),
            accept_terms: true,
        },
    )?;
    let actor = Actor {
        user_id: user.id,
        account_type: AccountType::Supplier,
    };
    // 91 = enterprise; then the division code; then a 9-character organisation code.
    let base = format!("91{}MA{:07}", s.division_code, 1_000_000 + index * 7919);
    let credit_code = complete_uscc(&base).unwrap_or_default();
    let company = company::create_company(
        conn,
        &actor,
        CompanyInput {
            slug: Some(s.slug.into()),
            legal_name: Some(s.legal_name.into()),
            english_name: Some(s.english_name.into()),
            credit_code: Some(credit_code),
            legal_representative: Some(s.legal_representative.into()),
            registered_address: Some(s.registered_address.into()),
            province: Some(s.province.into()),
            city: Some(s.city.into()),
            business_scope: Some(s.business_scope.into()),
            year_established: Some(s.year_established),
            employee_range: Some(s.employee_range.into()),
            company_type: Some(s.company_type.into()),
            main_products: Some(s.main_products.iter().map(|p| p.to_string()).collect()),
            contacts: Some(vec![ContactInput {
                name: s.contact_name.into(),
                phone: Some(s.contact_phone.into()),
                email: Some(s.contact_email.into()),
            }]),
            logo_id: None,
            banner_id: None,
            description: Some(s.description.into()),
            certifications: None,
            licence_scan_id: None,
            licence_expires_on: Some("long_term".into()),
        },
    )?;
    if s.verified {
        company::change_status(
            conn,
            operator,
            company.id,
            StatusAction::Verify,
            "营业执照信息核验一致 (demo)",
        )?;
    }
    let currency = if s.language == "zh" { "CNY" } else { "USD" };
    let templates: Vec<&data::DemoProduct> = data::PRODUCTS
        .iter()
        .filter(|p| s.categories.contains(&p.category))
        .collect();
    let mut showcase = None;
    for n in 0..PRODUCTS_PER_SUPPLIER {
        let Some(t) = templates.get(n % templates.len().max(1)) else {
            break;
        };
        let round = n / templates.len().max(1);
        let product = catalog::create_product(
            conn,
            &actor,
            company.id,
            product_input(t, s, currency, round),
        )?;
        let published =
            catalog::change_product_status(conn, &actor, product.id, ProductAction::Publish, None)?;
        // Operators have approved most products of unverified suppliers; a few wait in review.
        let waits = published.status == catalog::ProductStatus::PendingReview && n % 3 == 0;
        if published.status == catalog::ProductStatus::PendingReview && !waits {
            catalog::change_product_status(
                conn,
                operator,
                product.id,
                ProductAction::Approve,
                None,
            )?;
        }
        if s.verified && showcase.is_none() && !waits {
            showcase = Some(activity::Showcase {
                actor: actor.clone(),
                product_id: product.id,
                title: product
                    .title_zh
                    .clone()
                    .or_else(|| product.title_en.clone())
                    .unwrap_or_default(),
                category: t.category.into(),
            });
        }
    }
    Ok(showcase)
}

/// A product from a template; repeated templates become distinct variants.
fn product_input(
    t: &data::DemoProduct,
    s: &data::DemoSupplier,
    currency: &str,
    round: usize,
) -> ProductInput {
    let (zh_suffix, en_suffix) = match round {
        0 => ("", ""),
        1 => (" 加厚款", " Heavy Duty"),
        2 => (" 定制款", " Custom"),
        _ => (" 新款", " New Model"),
    };
    let title = |base: &str, suffix: &str| (!base.is_empty()).then(|| format!("{base}{suffix}"));
    let title_zh = title(t.title_zh, zh_suffix);
    let title_en = title(t.title_en, en_suffix);
    let on_request = t.price_max_cents == 0;
    let tiers = if on_request {
        vec![]
    } else {
        let adjust = |cents: i64| cents + cents * round as i64 / 10;
        let mut tiers = vec![PriceTierInput {
            min_quantity: t.moq,
            unit_price: Decimal::new(adjust(t.price_max_cents), 2),
        }];
        if t.price_min_cents < t.price_max_cents {
            tiers.push(PriceTierInput {
                min_quantity: t.moq * 10,
                unit_price: Decimal::new(adjust(t.price_min_cents), 2),
            });
        }
        tiers
    };
    ProductInput {
        title_zh,
        title_en,
        description: Some(format!("<p>{}</p>", t.description)),
        category_id: Some(t.category.into()),
        attributes: Some(
            t.attributes
                .iter()
                .map(|(n, v)| Attribute {
                    name: (*n).into(),
                    value: (*v).into(),
                })
                .collect(),
        ),
        // Pictures are media uploads now: `tradefair demo` generates them after loading (see
        // `api::media::demo`), so the data here has none.
        images: Some(vec![]),
        unit: Some(t.unit.into()),
        moq: Some(t.moq),
        price_on_request: Some(on_request),
        currency: (!on_request).then(|| currency.to_owned()),
        price_tiers: Some(tiers),
        lead_time_days: Some(t.lead_time_days),
        place_of_origin: Some(format!("{}{}", s.province, s.city)),
        keywords: Some(t.keywords.iter().map(|k| k.to_string()).collect()),
        sku: None,
    }
}
