//! Listing search and buy-lead matching, with the analysis and query building of product search
//! (`query.rs`): the same analyzer, per-word field clauses, synonyms and all-terms-first rule.
//!
//! The index holds open listings; a listing whose end date has come is filtered out at query
//! time (`valid_until` > now on the domain clock), so search agrees with the API to the instant.

use std::ops::Bound;
use std::time::Instant;

use tantivy::collector::Count;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, RangeQuery};
use tantivy::schema::Value;
use tantivy::{TantivyDocument, Term};

use crate::SearchError;
use crate::document::micros;
use crate::index::SearchIndex;
use crate::lexicon::Synonyms;
use crate::query::{
    Highlighter, MAX_OFFSET, SearchResults, Sort, Target, Typos, execute, facet_query, query_words,
    results, str_of, term_clauses, term_query,
};
use crate::schema::Fields;

/// The score a buy request gets for being in one of the supplier's categories; a match on the
/// supplier's product words adds its BM25 score on top.
pub const CATEGORY_MATCH_SCORE: f32 = 1.0;

#[derive(Debug, Clone)]
pub struct ListingSearch {
    pub q: String,
    /// `sell` or `buy`.
    pub kind: Option<String>,
    /// A category id, top-level or second-level.
    pub category: Option<String>,
    /// `Relevance` or `Newest`.
    pub sort: Sort,
    pub limit: usize,
    pub offset: usize,
}

#[derive(Debug, Clone)]
pub struct ListingHit {
    pub id: String,
    pub kind: String,
    pub title: String,
    /// The title with matched words in `<b>`; the rest escaped.
    pub highlight: String,
    pub category: String,
    pub quantity: u64,
    pub unit: String,
    pub price: Option<i64>,
    pub currency: Option<String>,
    pub delivery_region: String,
    pub incoterm: String,
    /// Microseconds since the epoch.
    pub valid_until: i64,
    pub published_at: i64,
    pub company_id: String,
    pub company_name: String,
    pub company_name_en: String,
    pub verified: bool,
    pub score: f32,
}

/// Listings that are live now: the kind of document, and an end date still ahead.
fn live(f: &Fields) -> Vec<Box<dyn Query>> {
    let now = micros(domain::clock::now());
    vec![
        term_query(f.kind, "listing"),
        Box::new(RangeQuery::new(
            Bound::Excluded(Term::from_field_i64(f.valid_until, now)),
            Bound::Unbounded,
        )),
    ]
}

fn category_filter(f: &Fields, category: &str) -> (Box<dyn Query>, String) {
    match category.split_once('.') {
        Some((parent, _)) => (facet_query(f.category, &[parent, category]), "/".to_owned()),
        None => (facet_query(f.category, &[category]), format!("/{category}")),
    }
}

/// The filters of a listing search, and the category facet's root for counting.
pub(crate) fn listing_filters(f: &Fields, s: &ListingSearch) -> (Vec<Box<dyn Query>>, String) {
    let mut filters = live(f);
    if let Some(kind) = &s.kind {
        filters.push(term_query(f.listing_kind, kind));
    }
    let mut category_root = "/".to_owned();
    if let Some(category) = &s.category {
        let (filter, root) = category_filter(f, category);
        filters.push(filter);
        category_root = root;
    }
    (filters, category_root)
}

pub fn search_listings(
    index: &SearchIndex,
    synonyms: &Synonyms,
    s: &ListingSearch,
) -> Result<SearchResults<ListingHit>, SearchError> {
    let started = Instant::now();
    let f = index.fields;
    let searcher = index.reader.searcher();
    let (filters, category_root) = listing_filters(&f, s);
    let facets = [("category", category_root)];
    let ex = execute(
        &searcher,
        &f,
        &s.q,
        &filters,
        &facets,
        (s.sort, None, s.limit, s.offset.min(MAX_OFFSET)),
        (
            synonyms,
            Typos {
                raw: f.listing_raw,
                enabled: true,
            },
        ),
    )?;
    let highlighter = Highlighter::new(&searcher, &ex.query, &f)?;
    let mut items = Vec::with_capacity(ex.hits.len());
    for (score, address) in &ex.hits {
        let doc: TantivyDocument = searcher.doc(*address)?;
        let title = [str_of(&doc, f.title_zh), str_of(&doc, f.title_en)]
            .into_iter()
            .find(|t| !t.is_empty())
            .unwrap_or_default();
        items.push(ListingHit {
            id: str_of(&doc, f.id),
            kind: str_of(&doc, f.listing_kind),
            highlight: highlighter.highlight(&doc, &title),
            title,
            category: str_of(&doc, f.category_id),
            quantity: doc
                .get_first(f.quantity)
                .and_then(|v| v.as_u64())
                .unwrap_or(0),
            unit: str_of(&doc, f.unit),
            price: doc.get_first(f.price_min).and_then(|v| v.as_i64()),
            currency: doc
                .get_first(f.currency)
                .and_then(|v| v.as_str())
                .map(str::to_owned),
            delivery_region: str_of(&doc, f.delivery_region),
            incoterm: str_of(&doc, f.incoterm),
            valid_until: doc
                .get_first(f.valid_until)
                .and_then(|v| v.as_i64())
                .unwrap_or(0),
            published_at: doc
                .get_first(f.published_at)
                .and_then(|v| v.as_i64())
                .unwrap_or(0),
            company_id: str_of(&doc, f.company_id),
            company_name: str_of(&doc, f.company_name),
            company_name_en: str_of(&doc, f.company_name_en),
            verified: doc.get_first(f.verified_boost).and_then(|v| v.as_u64()) == Some(1),
            score: *score,
        });
    }
    Ok(results(items, ex, &facets, s.offset, started))
}

/// What a supplier offers, to find the buy requests it could answer.
#[derive(Debug, Clone)]
pub struct BuyLeadSearch {
    /// `(parent, leaf)` categories of its published products.
    pub categories: Vec<(String, String)>,
    /// Its main products, product keywords and product titles.
    pub phrases: Vec<String>,
    /// Its own company: its members' requests are not leads.
    pub exclude_company: Option<String>,
    /// `Relevance` or `Newest`.
    pub sort: Sort,
    pub limit: usize,
    pub offset: usize,
}

/// The query for live buy requests a supplier could answer (see `buy_leads`); `None` when the
/// supplier has neither categories nor phrases.
pub(crate) fn buy_lead_query(
    searcher: &tantivy::Searcher,
    f: &Fields,
    synonyms: &Synonyms,
    s: &BuyLeadSearch,
) -> Option<BooleanQuery> {
    let typos = Typos {
        raw: f.listing_raw,
        enabled: false,
    };
    let mut matches: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (parent, leaf) in &s.categories {
        matches.push((
            Occur::Should,
            Box::new(ConstScoreQuery::new(
                facet_query(f.category, &[parent, leaf]),
                CATEGORY_MATCH_SCORE,
            )),
        ));
    }
    for phrase in &s.phrases {
        let words = query_words(phrase);
        if words.is_empty() {
            continue;
        }
        let all: Vec<(Occur, Box<dyn Query>)> =
            term_clauses(searcher, f, &words, synonyms, typos, Target::Fields)
                .into_iter()
                .map(|q| (Occur::Must, q))
                .collect();
        matches.push((Occur::Should, Box::new(BooleanQuery::new(all))));
    }
    if matches.is_empty() {
        return None;
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> =
        live(f).into_iter().map(|q| (Occur::Must, q)).collect();
    clauses.push((Occur::Must, term_query(f.listing_kind, "buy")));
    clauses.push((
        Occur::Must,
        Box::new(BooleanQuery::with_minimum_required_clauses(matches, 1)),
    ));
    if let Some(company) = &s.exclude_company {
        clauses.push((Occur::MustNot, term_query(f.company_id, company)));
    }
    Some(BooleanQuery::new(clauses))
}

/// Matching buy requests: ids with scores, best (or newest) first.
#[derive(Debug, Clone, Default)]
pub struct BuyLeadHits {
    pub ids: Vec<(String, f32)>,
    pub total: usize,
    pub next_offset: Option<usize>,
}

/// Live buy requests that are in one of the supplier's categories, or that contain every word
/// of one of its phrases (after the same analysis and synonym expansion as a search; no typo
/// matching: a supplier's product words are spelled right).
pub fn buy_leads(
    index: &SearchIndex,
    synonyms: &Synonyms,
    s: &BuyLeadSearch,
) -> Result<BuyLeadHits, SearchError> {
    let f = index.fields;
    let searcher = index.reader.searcher();
    let Some(query) = buy_lead_query(&searcher, &f, synonyms, s) else {
        return Ok(BuyLeadHits::default());
    };
    let offset = s.offset.min(MAX_OFFSET);
    // A supplier's buy leads are few: counted exactly.
    let total = searcher.search(&query, &Count)?;
    let hits = crate::collect::top(&searcher, (&query, &query), (s.sort, true), s.limit, offset)?;
    let mut ids = Vec::with_capacity(hits.len());
    for (score, address) in hits {
        let doc: TantivyDocument = searcher.doc(address)?;
        ids.push((str_of(&doc, f.id), score));
    }
    let end = offset + ids.len();
    Ok(BuyLeadHits {
        next_offset: (end < total && end < MAX_OFFSET && !ids.is_empty()).then_some(end),
        ids,
        total,
    })
}
