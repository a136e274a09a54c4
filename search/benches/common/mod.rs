//! The deterministic bilingual catalog and query set shared by the search benchmarks.

use domain::catalog::{Attribute, PriceTier, Product, ProductSearchDoc, ProductStatus};
use domain::company::{Company, CompanyType, VerificationStatus};
use domain::demo::data::{PRODUCTS, SUPPLIERS};
use search::query::{ProductSearch, Sort};

/// A small deterministic generator (xorshift), so every run indexes the same catalog.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

pub const VARIANTS_ZH: &[&str] = &[
    "",
    " 加厚款",
    " 定制款",
    " 新款",
    " 出口级",
    " 工厂直销",
    " 批发",
    " 大号",
    " 小号",
    " 高端",
];
pub const VARIANTS_EN: &[&str] = &[
    "",
    " Heavy Duty",
    " Custom",
    " New Model",
    " Export Grade",
    " Factory Direct",
    " Wholesale",
    " Large",
    " Small",
    " Premium",
];

pub fn companies() -> Vec<Company> {
    let now = domain::clock::now();
    SUPPLIERS
        .iter()
        .enumerate()
        .map(|(i, s)| Company {
            id: uuid::Uuid::from_u128(i as u128 + 1),
            slug: s.slug.into(),
            legal_name: s.legal_name.into(),
            english_name: Some(s.english_name.into()),
            credit_code: String::new(),
            legal_representative: s.legal_representative.into(),
            registered_address: s.registered_address.into(),
            province: s.province.into(),
            city: s.city.into(),
            business_scope: s.business_scope.into(),
            year_established: Some(s.year_established),
            employee_range: None,
            company_type: CompanyType::parse(s.company_type).unwrap_or(CompanyType::Other),
            main_products: s.main_products.iter().map(|p| p.to_string()).collect(),
            contacts: vec![],
            logo_id: None,
            banner_id: None,
            description: s.description.into(),
            certifications: vec![],
            verification_status: if s.verified {
                VerificationStatus::Verified
            } else {
                VerificationStatus::Pending
            },
            verified_at: None,
            verified_by: None,
            suspended_at: None,
            status_reason: None,
            created_at: now,
            updated_at: now,
            response_rate_pct: None,
            licence_scan_id: None,
            licence_expiry: None,
            credit_score: None,
            ended: None,
        })
        .collect()
}

pub fn product(rng: &mut Rng, n: u64, companies: &[Company]) -> ProductSearchDoc {
    let t = rng.pick(PRODUCTS);
    let v = (rng.next() % VARIANTS_ZH.len() as u64) as usize;
    let company = rng.pick(companies).clone();
    let now = domain::clock::now() - time::Duration::seconds((n % 1_000_000) as i64);
    let price = t.price_min_cents.max(1) + (rng.next() % 1000) as i64;
    let title = |base: &str, suffix: &str| {
        (!base.is_empty()).then(|| format!("{base}{suffix} {}", n % 997))
    };
    ProductSearchDoc {
        product: Product {
            id: uuid::Uuid::from_u128(u128::from(n) + 1_000_000),
            company_id: company.id,
            status: ProductStatus::Published,
            title_zh: title(t.title_zh, VARIANTS_ZH[v]),
            title_en: title(t.title_en, VARIANTS_EN[v]),
            description: t.description.into(),
            category_id: t.category.into(),
            attributes: t
                .attributes
                .iter()
                .map(|(a, b)| Attribute {
                    name: (*a).into(),
                    value: (*b).into(),
                })
                .collect(),
            images: vec![],
            unit: t.unit.into(),
            moq: t.moq,
            price_on_request: false,
            currency: Some("CNY".into()),
            price_tiers: vec![PriceTier {
                min_quantity: t.moq,
                unit_price_minor: price,
            }],
            price_min_minor: Some(price),
            price_max_minor: Some(price + price / 10),
            lead_time_days: Some(t.lead_time_days),
            place_of_origin: None,
            keywords: t.keywords.iter().map(|k| k.to_string()).collect(),
            review_note: None,
            published_at: Some(now),
            created_at: now,
            updated_at: now,
            changes_requested_at: None,
            sku: None,
        },
        category_parent: t.category.split('.').next().unwrap_or_default().into(),
        category_name_zh: String::new(),
        category_name_en: String::new(),
        company,
    }
}

pub fn queries() -> Vec<(&'static str, ProductSearch)> {
    let base = |q: &str| ProductSearch {
        q: q.into(),
        category: None,
        region: None,
        verified: None,
        company_type: None,
        moq_max: None,
        price_min: None,
        price_max: None,
        currency: None,
        sort: Sort::Relevance,
        limit: 20,
        offset: 0,
    };
    let mut filtered = base("保温杯");
    filtered.verified = Some(true);
    filtered.category = Some("home-goods".into());
    let mut priced = base("LED");
    priced.price_max = Some(5000);
    priced.currency = Some("CNY".into());
    priced.sort = Sort::PriceAsc;
    vec![
        ("chinese 不锈钢保温杯", base("不锈钢保温杯")),
        ("chinese 螺栓", base("螺栓")),
        ("traditional 保溫杯", base("保溫杯")),
        ("english stainless steel", base("stainless steel")),
        ("english led panel light", base("led panel light")),
        ("mixed 304不锈钢 500ml", base("304不锈钢 500ml")),
        ("model number 600x600", base("600x600")),
        ("typo stainles", base("stainles")),
        ("filtered 保温杯 verified+category", filtered),
        ("price filter + sort LED", priced),
        ("browse (empty q)", base("")),
    ]
}

/// Every term must match in one of `fields`: the bare text match, without facets or boosts.
pub fn text_query<'a>(
    fields: &[tantivy::schema::Field],
    terms: impl Iterator<Item = &'a str>,
) -> tantivy::query::BooleanQuery {
    use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
    let clauses: Vec<(Occur, Box<dyn Query>)> = terms
        .map(|t| {
            let either: Vec<(Occur, Box<dyn Query>)> = fields
                .iter()
                .map(|f| {
                    let q: Box<dyn Query> = Box::new(TermQuery::new(
                        tantivy::Term::from_field_text(*f, t),
                        tantivy::schema::IndexRecordOption::WithFreqs,
                    ));
                    (Occur::Should, q)
                })
                .collect();
            let q: Box<dyn Query> = Box::new(BooleanQuery::new(either));
            (Occur::Must, q)
        })
        .collect();
    BooleanQuery::new(clauses)
}
