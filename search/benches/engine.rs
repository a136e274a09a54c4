//! Search engine benchmark: a deterministic bilingual catalog, bulk indexing rate, and query
//! latency (p50/p99) for a fixed query set with and without facets.
//!
//!   cargo bench -p search --bench engine -- [products, default 100000]
//!
//! Results and the numbers from this machine are in docs/benchmarks.md.

use std::time::{Duration, Instant};

use domain::catalog::{Attribute, PriceTier, Product, ProductSearchDoc, ProductStatus};
use domain::company::{Company, CompanyType, VerificationStatus};
use domain::demo::data::{PRODUCTS, SUPPLIERS};
use search::document::product_document;
use search::query::{ProductSearch, Sort, search_products};
use tantivy::IndexWriter;

/// A small deterministic generator (xorshift), so every run indexes the same catalog.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

const VARIANTS_ZH: &[&str] = &[
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
const VARIANTS_EN: &[&str] = &[
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

fn companies() -> Vec<Company> {
    let now = domain::ids::now();
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
            logo_url: None,
            banner_url: None,
            description: s.description.into(),
            certifications: vec![],
            verification_status: if s.verified {
                VerificationStatus::Verified
            } else {
                VerificationStatus::Pending
            },
            verified_at: None,
            suspended_at: None,
            status_reason: None,
            created_at: now,
            updated_at: now,
        })
        .collect()
}

fn product(rng: &mut Rng, n: u64, companies: &[Company]) -> ProductSearchDoc {
    let t = rng.pick(PRODUCTS);
    let v = (rng.next() % VARIANTS_ZH.len() as u64) as usize;
    let company = rng.pick(companies).clone();
    let now = domain::ids::now() - time::Duration::seconds((n % 1_000_000) as i64);
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
        },
        category_parent: t.category.split('.').next().unwrap_or_default().into(),
        category_name_zh: String::new(),
        category_name_en: String::new(),
        company,
    }
}

fn queries() -> Vec<(&'static str, ProductSearch)> {
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

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let n: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let store = search::IndexStore::new(dir.path());
    let index = store.create().expect("index");
    let companies = companies();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    search::analyzer::warm_up();

    let started = Instant::now();
    let mut writer: IndexWriter = index.index.writer(256 * 1024 * 1024).expect("writer");
    for i in 0..n {
        writer
            .add_document(product_document(
                &index.fields,
                &product(&mut rng, i, &companies),
            ))
            .expect("add");
    }
    writer.commit().expect("commit");
    let indexing = started.elapsed();
    writer.wait_merging_threads().expect("merge");
    index.reader.reload().expect("reload");
    let size: u64 = walk(dir.path());
    println!("products: {n}");
    println!(
        "bulk indexing: {:.1} s, {:.0} products/s (commit included, merges excluded)",
        indexing.as_secs_f64(),
        n as f64 / indexing.as_secs_f64()
    );
    println!("index size: {:.1} MiB", size as f64 / 1048576.0);

    let rounds = 200;
    println!("\n| query | hits | p50 ms | p99 ms |\n|---|---:|---:|---:|");
    let mut all = Vec::new();
    for (name, q) in queries() {
        let mut times = Vec::with_capacity(rounds);
        let mut total = 0;
        for _ in 0..rounds {
            let t = Instant::now();
            let r = search_products(&index, &Vec::new(), &q).expect("search");
            times.push(t.elapsed());
            total = r.total;
        }
        times.sort();
        all.extend(times.iter().copied());
        println!(
            "| {name} | {total} | {:.2} | {:.2} |",
            percentile(&times, 0.5).as_secs_f64() * 1e3,
            percentile(&times, 0.99).as_secs_f64() * 1e3
        );
    }
    all.sort();
    println!(
        "| **all queries, with facets** | | {:.2} | {:.2} |",
        percentile(&all, 0.5).as_secs_f64() * 1e3,
        percentile(&all, 0.99).as_secs_f64() * 1e3
    );

    // Without facets: the same text queries through a plain top-20 collector.
    let searcher = index.reader.searcher();
    let mut plain = Vec::new();
    let mut analyzer = search::analyzer::trade_analyzer();
    for (_, q) in queries() {
        let terms = search::analyzer::analyze(&mut analyzer, &q.q);
        let clauses: Vec<(tantivy::query::Occur, Box<dyn tantivy::query::Query>)> = terms
            .iter()
            .map(|t| {
                let either: Vec<(tantivy::query::Occur, Box<dyn tantivy::query::Query>)> =
                    [index.fields.title_zh, index.fields.title_en]
                        .into_iter()
                        .map(|field| {
                            let q: Box<dyn tantivy::query::Query> =
                                Box::new(tantivy::query::TermQuery::new(
                                    tantivy::Term::from_field_text(field, t),
                                    tantivy::schema::IndexRecordOption::WithFreqs,
                                ));
                            (tantivy::query::Occur::Should, q)
                        })
                        .collect();
                let q: Box<dyn tantivy::query::Query> =
                    Box::new(tantivy::query::BooleanQuery::new(either));
                (tantivy::query::Occur::Must, q)
            })
            .collect();
        let query = tantivy::query::BooleanQuery::new(clauses);
        for _ in 0..rounds {
            let t = Instant::now();
            let _ = searcher
                .search(
                    &query,
                    &tantivy::collector::TopDocs::with_limit(20).order_by_score(),
                )
                .expect("search");
            plain.push(t.elapsed());
        }
    }
    plain.sort();
    println!(
        "| **all queries, title terms only, no facets** | | {:.2} | {:.2} |",
        percentile(&plain, 0.5).as_secs_f64() * 1e3,
        percentile(&plain, 0.99).as_secs_f64() * 1e3
    );
}

fn walk(path: &std::path::Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| {
                    if e.path().is_dir() {
                        walk(&e.path())
                    } else {
                        e.metadata().map(|m| m.len()).unwrap_or(0)
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}
