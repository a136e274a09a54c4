//! Index documents built from the domain's search views.

use domain::catalog::ProductSearchDoc;
use domain::company::Company;
use domain::listing::ListingSearchDoc;
use domain::text::plain_text;
use tantivy::TantivyDocument;
use tantivy::schema::Value;

use crate::schema::{Fields, facet_path};

pub fn product_key(id: &uuid::Uuid) -> String {
    format!("p:{id}")
}

pub fn company_key(id: &uuid::Uuid) -> String {
    format!("c:{id}")
}

pub fn listing_key(id: &uuid::Uuid) -> String {
    format!("l:{id}")
}

/// The company's response rate in percent (0 without data), for ranking.
fn response_pct(c: &Company) -> u64 {
    c.response_rate_pct.unwrap_or(0).clamp(0, 100) as u64
}

/// The company's credit score in tenths (0 without one), for ranking and display.
fn credit_tenths(c: &Company) -> u64 {
    c.credit_score.unwrap_or(0).clamp(0, 1000) as u64
}

fn add_company_facets(doc: &mut TantivyDocument, f: &Fields, c: &Company) {
    doc.add_facet(f.region, facet_path(&[&c.province, &c.city]));
    doc.add_facet(f.company_type, facet_path(&[c.company_type.as_str()]));
    doc.add_facet(
        f.verified,
        facet_path(&[if c.is_verified() { "true" } else { "false" }]),
    );
    doc.add_u64(f.verified_boost, u64::from(c.is_verified()));
    doc.add_u64(f.response_boost, response_pct(c));
    doc.add_u64(f.credit_boost, credit_tenths(c));
    doc.add_text(f.company_type_name, c.company_type.as_str());
    doc.add_text(f.company_id, c.id.to_string());
    doc.add_text(f.company_name, &c.legal_name);
    if let Some(en) = &c.english_name {
        doc.add_text(f.company_name_en, en);
    }
    doc.add_text(f.slug, &c.slug);
    doc.add_text(f.province, &c.province);
    doc.add_text(f.city, &c.city);
}

pub fn product_document(f: &Fields, d: &ProductSearchDoc) -> TantivyDocument {
    let p = &d.product;
    let mut doc = TantivyDocument::default();
    doc.add_text(f.doc_key, product_key(&p.id));
    doc.add_text(f.kind, "product");
    doc.add_text(f.id, p.id.to_string());
    let title_zh = p.title_zh.clone().unwrap_or_default();
    let title_en = p.title_en.clone().unwrap_or_default();
    doc.add_text(f.title_zh, &title_zh);
    doc.add_text(f.title_en, &title_en);
    let keywords = p.keywords.join(" ");
    doc.add_text(
        f.keywords,
        format!("{keywords} {} {}", d.category_name_zh, d.category_name_en),
    );
    let attributes: Vec<String> = p
        .attributes
        .iter()
        .map(|a| format!("{} {}", a.name, a.value))
        .collect();
    doc.add_text(f.attributes, attributes.join(" "));
    let description: String = plain_text(&p.description).chars().take(2000).collect();
    doc.add_text(f.description, description);
    let words = format!(
        "{title_zh} {title_en} {keywords} {} {}",
        d.category_name_zh, d.category_name_en
    );
    doc.add_text(f.raw, &words);
    doc.add_text(f.pinyin, &words);
    doc.add_text(f.pinyin_suggest, &words);
    doc.add_text(f.suggest, words);
    doc.add_facet(
        f.category,
        facet_path(&[&d.category_parent, &p.category_id]),
    );
    doc.add_text(f.category_id, &p.category_id);
    add_company_facets(&mut doc, f, &d.company);
    doc.add_u64(f.moq, p.moq.max(0) as u64);
    doc.add_text(f.unit, &p.unit);
    // Pictures from before uploads existed are URLs typed by hand: only uploads get a
    // thumbnail in the results.
    if let Some(image) = p.images.iter().find(|i| uuid::Uuid::parse_str(i).is_ok()) {
        doc.add_text(f.image, image);
    }
    match (p.price_min_minor, p.price_max_minor, &p.currency) {
        (Some(min), Some(max), Some(currency)) => {
            doc.add_i64(f.price_min, min);
            doc.add_i64(f.price_max, max);
            doc.add_i64(f.price_low_asc, min);
            doc.add_i64(f.price_low_desc, min);
            doc.add_text(f.currency, currency);
        }
        // Price on request sorts last both ways.
        _ => {
            doc.add_i64(f.price_low_asc, i64::MAX);
            doc.add_i64(f.price_low_desc, i64::MIN);
        }
    }
    let published = micros(p.published_at.unwrap_or(p.created_at));
    doc.add_i64(f.published_at, published);
    add_body(f, &mut doc);
    add_rank(f, &mut doc);
    doc
}

pub fn company_document(f: &Fields, c: &Company, product_count: i64) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.doc_key, company_key(&c.id));
    doc.add_text(f.kind, "company");
    doc.add_text(f.id, c.id.to_string());
    let english = c.english_name.clone().unwrap_or_default();
    doc.add_text(f.title_zh, &c.legal_name);
    doc.add_text(f.title_en, &english);
    let words = format!("{} {english} {}", c.legal_name, c.main_products.join(" "));
    doc.add_text(f.pinyin, &words);
    doc.add_text(f.raw, words);
    doc.add_text(f.keywords, c.main_products.join(" "));
    doc.add_text(f.attributes, &c.business_scope);
    doc.add_text(
        f.description,
        plain_text(&c.description)
            .chars()
            .take(2000)
            .collect::<String>(),
    );
    doc.add_text(f.main_products, c.main_products.join("\u{1f}"));
    doc.add_u64(f.product_count, product_count.max(0) as u64);
    add_company_facets(&mut doc, f, c);
    doc.add_i64(f.price_low_asc, i64::MAX);
    doc.add_i64(f.price_low_desc, i64::MIN);
    doc.add_i64(f.published_at, micros(c.created_at));
    add_body(f, &mut doc);
    add_rank(f, &mut doc);
    doc
}

/// Whether a text is (at least partly) Chinese: a listing has one title, in either language,
/// and goes into the title field of its language.
/// Bits of `rank` below the boost: the publication time in milliseconds (enough until the
/// year 4199).
pub const RANK_TIME_BITS: u32 = 46;
/// The boost is kept to five decimals in `rank`.
pub const RANK_BOOST_SCALE: f32 = 100_000.0;

/// One number that orders documents by supplier boost, then newest first: the boost (at most
/// 1.8, so 18 bits) above the publication time in milliseconds.
pub fn rank(verified: u64, response_pct: u64, credit_tenths: u64, published_micros: i64) -> u64 {
    let boost = (crate::query::ranking_boost(verified, response_pct, credit_tenths)
        * RANK_BOOST_SCALE)
        .round() as u64;
    let millis = (published_micros.max(0) / 1000) as u64 & ((1 << RANK_TIME_BITS) - 1);
    boost << RANK_TIME_BITS | millis
}

/// The boost a `rank` holds.
pub fn rank_boost(rank: u64) -> f32 {
    (rank >> RANK_TIME_BITS) as f32 / RANK_BOOST_SCALE
}

/// Adds `rank`, from the boost signals and the publication time already in the document.
fn add_rank(f: &Fields, doc: &mut TantivyDocument) {
    let u = |field| doc.get_first(field).and_then(|v| v.as_u64()).unwrap_or(0);
    let published = doc
        .get_first(f.published_at)
        .and_then(|v| v.as_i64())
        .unwrap_or(0);
    let rank = rank(
        u(f.verified_boost),
        u(f.response_boost),
        u(f.credit_boost),
        published,
    );
    doc.add_u64(f.rank, rank);
}

/// Copies the five text fields into `body`, the field that queries match on.
fn add_body(f: &Fields, doc: &mut TantivyDocument) {
    let texts: Vec<String> = [
        f.title_zh,
        f.title_en,
        f.keywords,
        f.attributes,
        f.description,
    ]
    .into_iter()
    .flat_map(|field| {
        doc.get_all(field)
            .filter_map(|v| v.as_str())
            .map(str::to_owned)
    })
    .filter(|t| !t.is_empty())
    .collect();
    for text in texts {
        doc.add_text(f.body, text);
    }
}

fn has_han(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
    })
}

/// An open listing (sell offer or buy request). Expired ones stay until a change removes them;
/// searches filter on `valid_until`.
pub fn listing_document(f: &Fields, d: &ListingSearchDoc) -> TantivyDocument {
    let l = &d.listing;
    let mut doc = TantivyDocument::default();
    doc.add_text(f.doc_key, listing_key(&l.id));
    doc.add_text(f.kind, "listing");
    doc.add_text(f.id, l.id.to_string());
    doc.add_text(f.listing_kind, l.kind.as_str());
    if has_han(&l.title) {
        doc.add_text(f.title_zh, &l.title);
    } else {
        doc.add_text(f.title_en, &l.title);
    }
    doc.add_text(
        f.keywords,
        format!("{} {}", d.category_name_zh, d.category_name_en),
    );
    let region = l.delivery_region.clone().unwrap_or_default();
    doc.add_text(f.attributes, &region);
    let description: String = plain_text(&l.description).chars().take(2000).collect();
    doc.add_text(f.description, description);
    let words = format!(
        "{} {} {} {region}",
        l.title, d.category_name_zh, d.category_name_en
    );
    doc.add_text(f.pinyin, &words);
    doc.add_text(f.listing_raw, words);
    doc.add_facet(
        f.category,
        facet_path(&[&d.category_parent, &l.category_id]),
    );
    doc.add_text(f.category_id, &l.category_id);
    match &d.company {
        Some(c) => {
            doc.add_text(f.company_id, c.id.to_string());
            doc.add_text(f.company_name, &c.legal_name);
            if let Some(en) = &c.english_name {
                doc.add_text(f.company_name_en, en);
            }
            doc.add_u64(f.verified_boost, u64::from(c.is_verified()));
            doc.add_u64(f.response_boost, response_pct(c));
            doc.add_u64(f.credit_boost, credit_tenths(c));
            doc.add_facet(
                f.verified,
                facet_path(&[if c.is_verified() { "true" } else { "false" }]),
            );
        }
        None => {
            doc.add_u64(f.verified_boost, 0);
            doc.add_u64(f.response_boost, 0);
            doc.add_u64(f.credit_boost, 0);
        }
    }
    doc.add_u64(f.quantity, l.quantity.max(0) as u64);
    doc.add_text(f.unit, &l.unit);
    if let (Some(price), Some(currency)) = (l.price_minor, &l.currency) {
        doc.add_i64(f.price_min, price);
        doc.add_i64(f.price_max, price);
        doc.add_text(f.currency, currency);
    }
    doc.add_i64(f.price_low_asc, i64::MAX);
    doc.add_i64(f.price_low_desc, i64::MIN);
    if !region.is_empty() {
        doc.add_text(f.delivery_region, &region);
    }
    if let Some(incoterm) = l.incoterm {
        doc.add_text(f.incoterm, incoterm.as_str());
    }
    doc.add_i64(f.valid_until, micros(l.valid_until));
    doc.add_i64(
        f.published_at,
        micros(l.published_at.unwrap_or(l.created_at)),
    );
    add_body(f, &mut doc);
    add_rank(f, &mut doc);
    doc
}

pub fn micros(t: time::PrimitiveDateTime) -> i64 {
    (t.assume_utc().unix_timestamp_nanos() / 1000) as i64
}
