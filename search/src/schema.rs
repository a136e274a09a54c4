//! The index schema. Bump `SCHEMA_VERSION` with any change here or in the analyzers: an index
//! of another version is rebuilt at start.

use tantivy::schema::{
    FAST, Facet, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};

use crate::analyzer::{PINYIN, PINYIN_SUGGEST, SUGGEST, TRADE};

pub const SCHEMA_VERSION: u64 = 10;

/// Field handles, resolved once.
#[derive(Clone, Copy, Debug)]
pub struct Fields {
    /// `p:<uuid>`, `c:<uuid>` or `l:<uuid>`: the term a document is replaced or deleted by.
    pub doc_key: Field,
    pub kind: Field,
    pub id: Field,
    pub company_id: Field,
    /// Chinese and English titles (company: legal and English name) are separate fields, so a
    /// bilingual title is not longer, and so weaker, than a monolingual one.
    pub title_zh: Field,
    pub title_en: Field,
    pub keywords: Field,
    pub attributes: Field,
    pub description: Field,
    /// Every word of the five text fields above, in one field, for matching only (no
    /// frequencies, no norms): a query word is one posting list here instead of a union of five,
    /// which is what makes multi-word queries fast. Scores still come from the five fields.
    pub body: Field,
    /// The relevance order of a document apart from its text: the supplier boost, then the
    /// publication time, in one number (see `document::rank`).
    pub rank: Field,
    /// Unstemmed words of titles, keywords and category names, for completion (products only).
    pub suggest: Field,
    /// Unstemmed words of titles, keywords and names, for typo matching (products and companies).
    pub raw: Field,
    /// Toneless pinyin of the Chinese words of titles, keywords and category names (company:
    /// names and main products), matched by Latin queries that read as pinyin, weighted low.
    pub pinyin: Field,
    /// The same pinyin with the word it spells (`baowenbei\u{1f}保温杯`), for completion.
    pub pinyin_suggest: Field,
    pub company_name: Field,
    pub company_name_en: Field,
    pub slug: Field,
    pub province: Field,
    pub city: Field,
    pub category: Field,
    pub region: Field,
    pub company_type: Field,
    pub verified: Field,
    /// 1 for a verified supplier: stored for display, fast for ranking.
    pub verified_boost: Field,
    /// Response rate of the supplier in percent (0 without data), a ranking signal.
    pub response_boost: Field,
    /// The supplier's credit score in tenths of a point (0–1000; 0 without a company or a
    /// score): stored for display, fast for ranking.
    pub credit_boost: Field,
    pub category_id: Field,
    pub company_type_name: Field,
    pub moq: Field,
    pub unit: Field,
    /// A product's first picture (an uploaded media id), for result thumbnails.
    pub image: Field,
    pub price_min: Field,
    pub price_max: Field,
    pub price_low_asc: Field,
    pub price_low_desc: Field,
    pub currency: Field,
    pub published_at: Field,
    pub product_count: Field,
    pub main_products: Field,
    /// Listings (kind `listing`): `sell` or `buy`.
    pub listing_kind: Field,
    /// Unstemmed words of listing titles, for typo matching among listings only (so a word
    /// that only a listing has does not turn off typo matching for products).
    pub listing_raw: Field,
    pub quantity: Field,
    pub delivery_region: Field,
    pub incoterm: Field,
    /// Microseconds; searches keep listings with `valid_until` > now.
    pub valid_until: Field,
}

fn text(analyzer: &str, stored: bool) -> TextOptions {
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(analyzer)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let options = TextOptions::default().set_indexing_options(indexing);
    if stored {
        options.set_stored()
    } else {
        options
    }
}

pub fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let facet = || FacetOptions::default().set_stored();
    let fields = Fields {
        doc_key: b.add_text_field("doc_key", STRING | STORED),
        kind: b.add_text_field("kind", STRING | FAST),
        id: b.add_text_field("id", STRING | STORED),
        company_id: b.add_text_field("company_id", STRING | STORED),
        title_zh: b.add_text_field("title_zh", text(TRADE, true)),
        title_en: b.add_text_field("title_en", text(TRADE, true)),
        keywords: b.add_text_field("keywords", text(TRADE, false)),
        attributes: b.add_text_field("attributes", text(TRADE, false)),
        description: b.add_text_field("description", text(TRADE, true)),
        body: b.add_text_field(
            "body",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(TRADE)
                    .set_fieldnorms(false)
                    .set_index_option(IndexRecordOption::Basic),
            ),
        ),
        suggest: b.add_text_field("suggest", text(SUGGEST, false)),
        raw: b.add_text_field("raw", text(SUGGEST, false)),
        pinyin: b.add_text_field(
            "pinyin",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(PINYIN)
                    .set_index_option(IndexRecordOption::WithFreqs),
            ),
        ),
        pinyin_suggest: b.add_text_field(
            "pinyin_suggest",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(PINYIN_SUGGEST)
                    .set_fieldnorms(false)
                    .set_index_option(IndexRecordOption::Basic),
            ),
        ),
        company_name: b.add_text_field("company_name", STORED),
        company_name_en: b.add_text_field("company_name_en", STORED),
        slug: b.add_text_field("slug", STORED),
        province: b.add_text_field("province", STORED),
        city: b.add_text_field("city", STORED),
        category: b.add_facet_field("category", facet()),
        region: b.add_facet_field("region", facet()),
        company_type: b.add_facet_field("company_type", facet()),
        verified: b.add_facet_field("verified", facet()),
        verified_boost: b.add_u64_field("verified_boost", FAST | STORED),
        response_boost: b.add_u64_field("response_boost", FAST | STORED),
        credit_boost: b.add_u64_field("credit_boost", FAST | STORED),
        rank: b.add_u64_field("rank", FAST),
        category_id: b.add_text_field("category_id", STORED),
        company_type_name: b.add_text_field("company_type_name", STORED),
        moq: b.add_u64_field("moq", FAST | INDEXED | STORED),
        unit: b.add_text_field("unit", STORED),
        image: b.add_text_field("image", STORED),
        price_min: b.add_i64_field("price_min", FAST | INDEXED | STORED),
        price_max: b.add_i64_field("price_max", FAST | INDEXED | STORED),
        price_low_asc: b.add_i64_field("price_low_asc", FAST),
        price_low_desc: b.add_i64_field("price_low_desc", FAST),
        currency: b.add_text_field("currency", STRING | FAST | STORED),
        // Microseconds, so that "newest" has no ties within a second.
        published_at: b.add_i64_field("published_at", FAST | STORED),
        product_count: b.add_u64_field("product_count", STORED),
        main_products: b.add_text_field("main_products", STORED),
        listing_kind: b.add_text_field("listing_kind", STRING | STORED),
        listing_raw: b.add_text_field("listing_raw", text(SUGGEST, false)),
        quantity: b.add_u64_field("quantity", STORED),
        delivery_region: b.add_text_field("delivery_region", STORED),
        incoterm: b.add_text_field("incoterm", STORED),
        valid_until: b.add_i64_field("valid_until", FAST | INDEXED | STORED),
    };
    (b.build(), fields)
}

/// `/parent/leaf` for a category, `/province/city` for a region.
pub fn facet_path(parts: &[&str]) -> Facet {
    Facet::from_path(parts.iter().filter(|p| !p.is_empty()))
}
