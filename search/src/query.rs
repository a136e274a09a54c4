//! Query building and execution.
//!
//! Queries are built from the analyzer's terms, never by tantivy's query parser (which turns an
//! unspaced Chinese word into a phrase query). Each term must match in some field (title ×3,
//! keywords ×2, attributes ×1.5, description ×1); Latin words of 5+ letters also match with one
//! edit (two from 9). When requiring every term finds nothing, the best partial matches are
//! returned instead. Relevance is BM25 times (1 + 0.25 × verified supplier) times (1 + 0.2 ×
//! the supplier's response rate) times (1 + 0.2 × the supplier's credit score / 100); see
//! docs/search.md.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::time::Instant;

use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, FuzzyTermQuery, Occur, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use crate::SearchError;
use crate::analyzer::{analyze, suggest_analyzer, suggest_query_analyzer, trade_query_analyzer};
use crate::collect::{self, Counts};
use crate::index::SearchIndex;
use crate::lexicon::Synonyms;
use crate::lexicon::{self, ClauseWord, WordField};
use crate::schema::{Fields, facet_path};
use crate::scoring::ScoreTree;

/// Results past this offset are not served (deep paging is a scraping pattern, not a buyer's).
pub const MAX_OFFSET: usize = 1000;
pub const VERIFIED_BOOST: f32 = 0.25;
/// Weight of the supplier's response rate (0–1) in the relevance score.
pub const RESPONSE_BOOST: f32 = 0.2;
/// Weight of the supplier's credit score (0–100, scaled to 0–1) in the relevance score.
pub const CREDIT_BOOST: f32 = 0.2;

/// The relevance boost of a supplier's signals: verified (0/1), response rate (percent) and
/// credit score (tenths of a point).
pub fn ranking_boost(verified: u64, response_pct: u64, credit_tenths: u64) -> f32 {
    (1.0 + VERIFIED_BOOST * verified.min(1) as f32)
        * (1.0 + RESPONSE_BOOST * response_pct.min(100) as f32 / 100.0)
        * (1.0 + CREDIT_BOOST * credit_tenths.min(1000) as f32 / 1000.0)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Relevance,
    Newest,
    PriceAsc,
    PriceDesc,
}

#[derive(Debug, Clone)]
pub struct ProductSearch {
    pub q: String,
    pub category: Option<String>,
    pub region: Option<String>,
    pub verified: Option<bool>,
    pub company_type: Option<String>,
    pub moq_max: Option<u64>,
    /// Minor units, in `currency`.
    pub price_min: Option<i64>,
    pub price_max: Option<i64>,
    pub currency: Option<String>,
    pub sort: Sort,
    pub limit: usize,
    pub offset: usize,
}

impl ProductSearch {
    /// Every product (or one category's), newest first: the lists of the home page and of
    /// related products. Set `q`, filters and `sort` on top of it for other searches.
    pub fn newest(category: Option<String>, limit: usize) -> ProductSearch {
        ProductSearch {
            q: String::new(),
            category,
            region: None,
            verified: None,
            company_type: None,
            moq_max: None,
            price_min: None,
            price_max: None,
            currency: None,
            sort: Sort::Newest,
            limit,
            offset: 0,
        }
    }
}

#[derive(Debug, Clone)]
pub struct SupplierSearch {
    pub q: String,
    pub region: Option<String>,
    pub verified: Option<bool>,
    pub company_type: Option<String>,
    pub limit: usize,
    pub offset: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

#[derive(Debug, Clone)]
pub struct SearchResults<T> {
    pub items: Vec<T>,
    pub total: usize,
    /// True when `total` and the facet counts are estimates (more hits than
    /// [`count_bound`](crate::collect::count_bound)).
    pub estimated: bool,
    pub facets: BTreeMap<&'static str, Vec<FacetCount>>,
    /// False when no document had every term and the best partial matches are shown.
    pub matched_all_terms: bool,
    pub next_offset: Option<usize>,
    pub took_micros: u64,
}

#[derive(Debug, Clone)]
pub struct ProductHit {
    pub id: String,
    pub title_zh: String,
    pub title_en: String,
    /// HTML with matches in `<b>`; the rest escaped.
    pub highlight: String,
    pub price_min: Option<i64>,
    pub price_max: Option<i64>,
    pub currency: Option<String>,
    pub moq: u64,
    pub unit: String,
    /// The media id of the product's first uploaded picture.
    pub image: Option<String>,
    pub company_id: String,
    pub company_name: String,
    pub company_name_en: String,
    pub slug: String,
    pub verified: bool,
    /// The supplier's credit score in tenths of a point.
    pub credit_score: u64,
    pub province: String,
    pub city: String,
    pub category: String,
    pub score: f32,
}

#[derive(Debug, Clone)]
pub struct SupplierHit {
    pub id: String,
    pub name: String,
    pub english_name: String,
    pub highlight: String,
    pub slug: String,
    pub verified: bool,
    pub province: String,
    pub city: String,
    pub company_type: String,
    pub main_products: Vec<String>,
    pub product_count: u64,
    /// Credit score in tenths of a point.
    pub credit_score: u64,
    pub score: f32,
}

pub(crate) fn term_query(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

pub(crate) fn facet_query(field: Field, parts: &[&str]) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_facet(field, &facet_path(parts)),
        IndexRecordOption::Basic,
    ))
}

/// A query word: its stemmed term (matched exactly) and the word as typed (matched with typos
/// against the unstemmed `suggest` field; the stem of a misspelling is too far from the stem of
/// the right word).
pub(crate) struct QueryWord {
    pub(crate) term: String,
    pub(crate) raw: String,
}

/// What a clause is built for: scoring (the term in each text field, weighted by field) or
/// matching only (the term in `body`, which holds the words of all five fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Fields,
    Body,
}

/// The matching clause for one word of an alternative: the term in `body` (or in the pinyin
/// field). A Latin word of 5+ letters that no document contains also matches words within 1
/// edit (2 from 9 letters), when the word allows typos; a word that exists is taken as typed,
/// so `tires` does not also find `tiles`. (Scoring is [`ScoreTree`]'s, which follows the same
/// rules per text field.)
fn word_clause(searcher: &Searcher, f: &Fields, w: &ClauseWord, typos: Typos) -> Box<dyn Query> {
    let field = if w.field == WordField::Pinyin {
        f.pinyin
    } else {
        f.body
    };
    let exact: Box<dyn Query> = Box::new(TermQuery::new(
        Term::from_field_text(field, &w.term),
        IndexRecordOption::Basic,
    ));
    if w.field == WordField::Pinyin {
        return exact;
    }
    match typo_query(searcher, w, typos) {
        Some(fuzzy) => Box::new(BooleanQuery::new(vec![
            (Occur::Should, exact),
            (Occur::Should, Box::new(fuzzy)),
        ])),
        None => exact,
    }
}

/// The typo matching of a word, when it has one: a Latin word of 5+ letters that no document
/// contains, when typos are on and the word allows them (matching and scoring both use it).
pub(crate) fn typo_query(
    searcher: &Searcher,
    w: &ClauseWord,
    typos: Typos,
) -> Option<FuzzyTermQuery> {
    let distance = typo_distance(&w.raw).filter(|_| typos.enabled && w.typos)?;
    let raw = Term::from_field_text(typos.raw, &w.raw);
    (searcher.doc_freq(&raw).unwrap_or(0) == 0).then(|| FuzzyTermQuery::new(raw, distance, true))
}

/// Where typo matching looks up words: the unstemmed words of the kind of document searched
/// (`raw` for products and companies, `listing_raw` for listings); off for buy-lead matching.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Typos {
    pub raw: Field,
    pub enabled: bool,
}

/// Whether a word may also match with typos (Latin letters only, 5 or more), and how many.
pub(crate) fn typo_distance(raw: &str) -> Option<u8> {
    let letters = raw.chars().count();
    (letters >= 5 && raw.chars().all(|c| c.is_ascii_alphabetic())).then_some(if letters >= 9 {
        2
    } else {
        1
    })
}

/// One query clause per [`lexicon::clauses`] clause: any of its alternatives, an alternative
/// needing all of its words. For scoring, the clauses of [`ScoreTree::queries`].
pub(crate) fn term_clauses(
    searcher: &Searcher,
    f: &Fields,
    words: &[QueryWord],
    synonyms: &Synonyms,
    typos: Typos,
    target: Target,
) -> Vec<Box<dyn Query>> {
    if target == Target::Fields {
        return ScoreTree::build(searcher, f, words, synonyms, typos).queries();
    }
    lexicon::clauses(words, synonyms)
        .iter()
        .map(|clause| {
            let mut alts: Vec<Box<dyn Query>> = clause
                .alts
                .iter()
                .enumerate()
                // An alternative that needs every word of another one adds no document
                // (`stainless steel` next to `stainless`).
                .filter(|(i, alt)| !clause.implied(*i, alt))
                .map(|(_, alt)| {
                    let mut all: Vec<Box<dyn Query>> = alt
                        .words
                        .iter()
                        .map(|w| word_clause(searcher, f, w, typos))
                        .collect();
                    if all.len() == 1 {
                        all.pop().unwrap_or_else(|| Box::new(AllQuery))
                    } else {
                        Box::new(BooleanQuery::new(
                            all.into_iter().map(|q| (Occur::Must, q)).collect(),
                        ))
                    }
                })
                .collect();
            if alts.len() == 1 {
                alts.pop().unwrap_or_else(|| Box::new(AllQuery))
            } else {
                Box::new(BooleanQuery::new(
                    alts.into_iter().map(|q| (Occur::Should, q)).collect(),
                )) as Box<dyn Query>
            }
        })
        .collect()
}

/// The query's words, deduplicated, at most 32. Both analyzers share one tokenizer and the
/// stemmer drops nothing, so their outputs line up one to one.
pub(crate) fn query_words(text: &str) -> Vec<QueryWord> {
    let stemmed = analyze(&mut trade_query_analyzer(), text);
    let raw = analyze(&mut suggest_query_analyzer(), text);
    let mut seen = std::collections::HashSet::new();
    let mut words: Vec<QueryWord> = stemmed
        .into_iter()
        .zip(raw)
        .filter(|(term, _)| seen.insert(term.clone()))
        .map(|(term, raw)| QueryWord { term, raw })
        .collect();
    words.truncate(32);
    words
}

/// A search's query in two parts: what decides a match, and what scores a match.
pub(crate) struct SearchQuery {
    /// The filters and the words on `body` (all of them, or any one), scoring nothing.
    pub matching: BooleanQuery,
    /// The weighted field clauses of every word, flat (a word's five clauses join the others
    /// directly; the sum is the same): their sum is a hit's BM25.
    pub scoring: Vec<Box<dyn Query>>,
    /// The same scoring, computed hit by hit (see [`crate::scoring`]).
    pub tree: ScoreTree,
    /// What scoring through tantivy's unions would read (see [`ScoringCost`]).
    pub cost: ScoringCost,
}

impl SearchQuery {
    /// Both parts as one query (matching required, scoring optional): the hits of `matching`,
    /// each scored by the scoring clauses it holds. It ranks and highlights.
    pub(crate) fn whole(&self) -> BooleanQuery {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Must, Box::new(self.matching.clone()))];
        clauses.extend(self.scoring.iter().map(|q| (Occur::Should, q.box_clone())));
        BooleanQuery::new(clauses)
    }
}

/// A search's query: documents match on `body` (all terms, or any term) and the filters; the
/// score is the sum of the matched terms' weighted field clauses. Matching intersects one posting
/// list per word instead of unions of five.
pub(crate) fn search_query(
    searcher: &Searcher,
    f: &Fields,
    words: &[QueryWord],
    (synonyms, typos): (&Synonyms, Typos),
    all: bool,
    filters: &[Box<dyn Query>],
) -> SearchQuery {
    let matching = term_clauses(searcher, f, words, synonyms, typos, Target::Body);
    let tree = ScoreTree::build(searcher, f, words, synonyms, typos);
    let scoring = tree.queries();
    let cost = ScoringCost {
        union_reads: tree.union_reads(),
        matching_reads: postings_read(searcher, &matching),
        typos: tree.has_typos(),
    };
    let silent = |q: Box<dyn Query>| -> Box<dyn Query> { Box::new(ConstScoreQuery::new(q, 0.0)) };
    // Filters decide what matches, never how well: a category filter adds nothing to the score.
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = filters
        .iter()
        .map(|q| (Occur::Must, silent(q.box_clone())))
        .collect();
    if matching.is_empty() {
        clauses.push((Occur::Must, Box::new(AllQuery)));
    } else if all {
        clauses.extend(matching.into_iter().map(|q| (Occur::Must, silent(q))));
    } else {
        clauses.push((
            Occur::Must,
            silent(Box::new(BooleanQuery::with_minimum_required_clauses(
                matching.into_iter().map(|q| (Occur::Should, q)).collect(),
                1,
            ))),
        ));
    }
    let mut flat: Vec<Box<dyn Query>> = Vec::new();
    for q in scoring {
        match q.downcast_ref::<BooleanQuery>() {
            Some(word) if word.clauses().iter().all(|(o, _)| *o == Occur::Should) => {
                flat.extend(word.clauses().iter().map(|(_, q)| q.box_clone()))
            }
            _ => flat.push(q),
        }
    }
    SearchQuery {
        matching: BooleanQuery::new(clauses),
        scoring: flat,
        tree,
        cost,
    }
}

/// The two ways of scoring give the same scores at different costs. Hit by hit: about hits ×
/// distinct terms, counting included. Through tantivy: a counting pass over the matching words'
/// postings (up to the count bound), then unions that read every posting of every term where
/// the scoring clauses use it, repeats included. A posting read and a hit-by-hit step cost about
/// the same (measured at 100k and 1M products, docs/benchmarks.md: the unions won from about
/// 1.1 steps per posting at 1M, hit by hit up to about 1.2 at 100k). Typo matching is always
/// scored hit by hit (its postings are not known in advance, and it was faster at both sizes).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ScoringCost {
    pub union_reads: u64,
    pub matching_reads: u64,
    pub typos: bool,
}

impl ScoringCost {
    /// Whether scoring `hits` hit by hit over `terms` distinct terms costs more than through
    /// tantivy, counting at most `bound` hits.
    pub(crate) fn unions_cheaper(&self, hits: u64, terms: u64, bound: u64) -> bool {
        if self.typos {
            return false;
        }
        let counted = if hits > bound {
            self.matching_reads.saturating_mul(bound) / hits
        } else {
            self.matching_reads
        };
        hits.saturating_mul(terms) > self.union_reads.saturating_add(counted)
    }
}

/// The postings of every term of these queries, repeats included.
fn postings_read(searcher: &Searcher, queries: &[Box<dyn Query>]) -> u64 {
    let mut n = 0u64;
    for q in queries {
        q.query_terms(&mut |term, _| n += searcher.doc_freq(term).unwrap_or(0));
    }
    n
}

/// The text query (all terms or any term) combined with the filters.
pub(crate) fn combine(
    text: Vec<Box<dyn Query>>,
    all: bool,
    filters: &[Box<dyn Query>],
) -> BooleanQuery {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = filters
        .iter()
        .map(|q| (Occur::Must, q.box_clone()))
        .collect();
    if text.is_empty() {
        clauses.push((Occur::Must, Box::new(AllQuery)));
    } else if all {
        clauses.extend(text.into_iter().map(|q| (Occur::Must, q)));
    } else {
        clauses.push((
            Occur::Must,
            Box::new(BooleanQuery::with_minimum_required_clauses(
                text.into_iter().map(|q| (Occur::Should, q)).collect(),
                1,
            )),
        ));
    }
    BooleanQuery::new(clauses)
}

pub(crate) fn str_of(doc: &TantivyDocument, field: Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_owned()
}

pub(crate) struct Executed {
    pub hits: Vec<(f32, DocAddress)>,
    pub counts: Counts,
    pub query: BooleanQuery,
    pub all: bool,
}

/// Runs with every term required, then with any term when that found nothing. Counts are exact
/// up to [`collect::count_bound`] hits and estimated past it.
pub(crate) fn execute(
    searcher: &Searcher,
    f: &Fields,
    q: &str,
    filters: &[Box<dyn Query>],
    facets: &[(&'static str, String)],
    (sort, price_currency, limit, offset): (Sort, Option<&str>, usize, usize),
    (synonyms, typos): (&Synonyms, Typos),
) -> Result<Executed, SearchError> {
    let terms = query_words(q);
    let mut all = true;
    loop {
        let query = search_query(searcher, f, &terms, (synonyms, typos), all, filters);
        let bound = collect::count_bound();
        let mut scored = None;
        if sort == Sort::Relevance && !terms.is_empty() {
            // Scoring visits every hit: it counts them on the way, unless it finds early that
            // the unions would cost less.
            let mut counter = collect::Counter::new(searcher, facets, bound);
            let k = limit.max(1) + offset;
            if let Some(hits) = query.tree.top(
                searcher,
                &query.matching,
                k,
                &mut counter,
                (query.cost, bound),
            )? {
                scored = Some((counter.counts(), hits));
            }
        }
        let (counts, hits) = match scored {
            Some((counts, hits)) => (counts, Some(hits)),
            None => (
                collect::count(searcher, &query.matching, facets, bound)?,
                None,
            ),
        };
        if counts.total == 0 && all && terms.len() > 1 {
            all = false;
            continue;
        }
        let whole = query.whole();
        // Prices are compared within one currency only: the requested one first, then the
        // others by currency code (all by code without one).
        let hits = match (hits, sort) {
            (Some(hits), _) => hits.into_iter().skip(offset).collect(),
            (None, Sort::PriceAsc | Sort::PriceDesc) => collect::top_by_price_in(
                searcher,
                &query.matching,
                price_currency.unwrap_or(""),
                sort == Sort::PriceDesc,
                limit,
                offset,
            )?,
            (None, _) => collect::top(
                searcher,
                (&query.matching, &whole),
                (sort, !terms.is_empty()),
                limit,
                offset,
            )?,
        };
        return Ok(Executed {
            hits,
            counts,
            query: whole,
            all,
        });
    }
}

fn common_filters(
    f: &Fields,
    kind: &str,
    region: &Option<String>,
    verified: Option<bool>,
    company_type: &Option<String>,
) -> Vec<Box<dyn Query>> {
    let mut filters = vec![term_query(f.kind, kind)];
    if let Some(region) = region {
        filters.push(facet_query(f.region, &[region]));
    }
    if let Some(v) = verified {
        filters.push(facet_query(f.verified, &[if v { "true" } else { "false" }]));
    }
    if let Some(t) = company_type {
        filters.push(facet_query(f.company_type, &[t]));
    }
    filters
}

/// Snippet generators for the Chinese and the English title.
pub(crate) struct Highlighter {
    zh: SnippetGenerator,
    en: SnippetGenerator,
}

impl Highlighter {
    pub(crate) fn new(
        searcher: &Searcher,
        query: &dyn Query,
        f: &Fields,
    ) -> Result<Highlighter, SearchError> {
        let mut zh = SnippetGenerator::create(searcher, query, f.title_zh)?;
        let mut en = SnippetGenerator::create(searcher, query, f.title_en)?;
        zh.set_max_num_chars(160);
        en.set_max_num_chars(160);
        Ok(Highlighter { zh, en })
    }

    /// The title that matched, with matches in `<b>`; else the first title, escaped.
    pub(crate) fn highlight(&self, doc: &TantivyDocument, fallback: &str) -> String {
        for generator in [&self.zh, &self.en] {
            let snippet = generator.snippet_from_doc(doc);
            if !snippet.highlighted().is_empty() {
                return snippet.to_html();
            }
        }
        escape(fallback)
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The filters of a product search, and the category facet's root for counting.
pub(crate) fn product_filters(f: &Fields, s: &ProductSearch) -> (Vec<Box<dyn Query>>, String) {
    let mut filters = common_filters(f, "product", &s.region, s.verified, &s.company_type);
    let mut category_root = "/".to_owned();
    if let Some(category) = &s.category {
        match category.split_once('.') {
            Some((parent, _)) => filters.push(facet_query(f.category, &[parent, category])),
            None => {
                filters.push(facet_query(f.category, &[category]));
                category_root = format!("/{category}");
            }
        }
    }
    if let Some(max) = s.moq_max {
        filters.push(Box::new(RangeQuery::new(
            Bound::Unbounded,
            Bound::Included(Term::from_field_u64(f.moq, max)),
        )));
    }
    if s.price_min.is_some() || s.price_max.is_some() {
        if let Some(currency) = &s.currency {
            filters.push(term_query(f.currency, currency));
        }
        // The product's price range overlaps the wanted one.
        if let Some(max) = s.price_max {
            filters.push(Box::new(RangeQuery::new(
                Bound::Unbounded,
                Bound::Included(Term::from_field_i64(f.price_min, max)),
            )));
        }
        if let Some(min) = s.price_min {
            filters.push(Box::new(RangeQuery::new(
                Bound::Included(Term::from_field_i64(f.price_max, min)),
                Bound::Unbounded,
            )));
        }
    }
    (filters, category_root)
}

/// What a product search computes besides its hits: the search page shows facet counts and
/// highlighted titles; a list of products (related products, the home page) needs neither, and
/// counting facets visits every hit while highlighting analyses every shown title again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Facet counts, and titles with the matched words in `<b>`.
    Full,
    /// Neither: `facets` is empty and `highlight` is the escaped title.
    List,
}

pub fn search_products(
    index: &SearchIndex,
    synonyms: &Synonyms,
    s: &ProductSearch,
    detail: Detail,
) -> Result<SearchResults<ProductHit>, SearchError> {
    let started = Instant::now();
    let f = index.fields;
    let searcher = index.reader.searcher();
    let (filters, category_root) = product_filters(&f, s);
    let all_facets = [
        ("category", category_root),
        ("region", "/".to_owned()),
        ("verified", "/".to_owned()),
        ("company_type", "/".to_owned()),
    ];
    let facets: &[(&'static str, String)] = match detail {
        Detail::Full => &all_facets,
        Detail::List => &[],
    };
    let ex = execute(
        &searcher,
        &f,
        &s.q,
        &filters,
        facets,
        (
            s.sort,
            s.currency.as_deref(),
            s.limit,
            s.offset.min(MAX_OFFSET),
        ),
        (
            synonyms,
            Typos {
                raw: f.raw,
                enabled: true,
            },
        ),
    )?;
    let highlighter = match detail {
        Detail::Full => Some(Highlighter::new(&searcher, &ex.query, &f)?),
        Detail::List => None,
    };
    let mut items = Vec::with_capacity(ex.hits.len());
    for (score, address) in &ex.hits {
        let doc: TantivyDocument = searcher.doc(*address)?;
        let title_zh = str_of(&doc, f.title_zh);
        let title_en = str_of(&doc, f.title_en);
        let category = str_of(&doc, f.category_id);
        let title = if title_zh.is_empty() {
            &title_en
        } else {
            &title_zh
        };
        items.push(ProductHit {
            id: str_of(&doc, f.id),
            highlight: match &highlighter {
                Some(h) => h.highlight(&doc, title),
                None => escape(title),
            },
            title_zh,
            title_en,
            price_min: doc.get_first(f.price_min).and_then(|v| v.as_i64()),
            price_max: doc.get_first(f.price_max).and_then(|v| v.as_i64()),
            currency: doc
                .get_first(f.currency)
                .and_then(|v| v.as_str())
                .map(str::to_owned),
            moq: doc.get_first(f.moq).and_then(|v| v.as_u64()).unwrap_or(0),
            unit: str_of(&doc, f.unit),
            image: doc
                .get_first(f.image)
                .and_then(|v| v.as_str())
                .map(str::to_owned),
            company_id: str_of(&doc, f.company_id),
            company_name: str_of(&doc, f.company_name),
            company_name_en: str_of(&doc, f.company_name_en),
            slug: str_of(&doc, f.slug),
            verified: doc.get_first(f.verified_boost).and_then(|v| v.as_u64()) == Some(1),
            credit_score: doc
                .get_first(f.credit_boost)
                .and_then(|v| v.as_u64())
                .unwrap_or(0),
            province: str_of(&doc, f.province),
            city: str_of(&doc, f.city),
            category,
            score: *score,
        });
    }
    Ok(results(items, ex, facets, s.offset, started))
}

pub fn search_suppliers(
    index: &SearchIndex,
    synonyms: &Synonyms,
    s: &SupplierSearch,
) -> Result<SearchResults<SupplierHit>, SearchError> {
    let started = Instant::now();
    let f = index.fields;
    let searcher = index.reader.searcher();
    let filters = common_filters(&f, "company", &s.region, s.verified, &s.company_type);
    let facets = [
        ("region", "/".to_owned()),
        ("verified", "/".to_owned()),
        ("company_type", "/".to_owned()),
    ];
    let ex = execute(
        &searcher,
        &f,
        &s.q,
        &filters,
        &facets,
        (Sort::Relevance, None, s.limit, s.offset.min(MAX_OFFSET)),
        (
            synonyms,
            Typos {
                raw: f.raw,
                enabled: true,
            },
        ),
    )?;
    let highlighter = Highlighter::new(&searcher, &ex.query, &f)?;
    let mut items = Vec::with_capacity(ex.hits.len());
    for (score, address) in &ex.hits {
        let doc: TantivyDocument = searcher.doc(*address)?;
        let name = str_of(&doc, f.company_name);
        items.push(SupplierHit {
            id: str_of(&doc, f.id),
            highlight: highlighter.highlight(&doc, &name),
            name,
            english_name: str_of(&doc, f.company_name_en),
            slug: str_of(&doc, f.slug),
            verified: doc.get_first(f.verified_boost).and_then(|v| v.as_u64()) == Some(1),
            province: str_of(&doc, f.province),
            city: str_of(&doc, f.city),
            company_type: str_of(&doc, f.company_type_name),
            main_products: str_of(&doc, f.main_products)
                .split('\u{1f}')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            product_count: doc
                .get_first(f.product_count)
                .and_then(|v| v.as_u64())
                .unwrap_or(0),
            credit_score: doc
                .get_first(f.credit_boost)
                .and_then(|v| v.as_u64())
                .unwrap_or(0),
            score: *score,
        });
    }
    Ok(results(items, ex, &facets, s.offset, started))
}

/// The page, facet counts and paging position of an executed search.
pub(crate) fn results<T>(
    items: Vec<T>,
    ex: Executed,
    facets: &[(&'static str, String)],
    offset: usize,
    started: Instant,
) -> SearchResults<T> {
    let facets = facets
        .iter()
        .zip(ex.counts.facets)
        .map(|((name, _), counts)| (*name, counts))
        .collect();
    let end = offset + items.len();
    let total = ex.counts.total;
    SearchResults {
        next_offset: (end < total && end < MAX_OFFSET && !items.is_empty()).then_some(end),
        items,
        total,
        estimated: ex.counts.estimated,
        facets,
        matched_all_terms: ex.all,
        took_micros: started.elapsed().as_micros() as u64,
    }
}

/// How often each term of `field` that starts with `prefix` occurs, by term.
fn terms_with_prefix(
    searcher: &Searcher,
    field: Field,
    prefix: &str,
) -> Result<BTreeMap<String, u64>, SearchError> {
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut upper = prefix.as_bytes().to_vec();
    upper.push(0xFF);
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut stream = inverted
            .terms()
            .range()
            .ge(prefix.as_bytes())
            .lt(&upper)
            .into_stream()?;
        while stream.advance() {
            let word = String::from_utf8_lossy(stream.key()).into_owned();
            *counts.entry(word).or_default() += u64::from(stream.value().doc_freq);
        }
    }
    Ok(counts)
}

/// Most frequent first, then shorter, then alphabetical.
fn by_frequency(counts: BTreeMap<String, u64>) -> Vec<String> {
    let mut ranked: Vec<(String, u64)> = counts
        .into_iter()
        .filter(|(w, _)| w.chars().count() > 1)
        .collect();
    ranked.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| a.0.len().cmp(&b.0.len()))
            .then_with(|| a.0.cmp(&b.0))
    });
    ranked.into_iter().map(|(w, _)| w).collect()
}

/// Words from titles, keywords and category names that complete the last word typed, most
/// frequent first; then the Chinese words whose pinyin completes the Latin words typed last
/// (`baow`, `bao w` → 保温杯).
pub fn suggest(
    index: &SearchIndex,
    prefix: &str,
    limit: usize,
) -> Result<Vec<String>, SearchError> {
    let terms = analyze(&mut suggest_analyzer(), prefix);
    let Some(last) = terms.last().cloned() else {
        return Ok(Vec::new());
    };
    let searcher = index.reader.searcher();
    let mut words = by_frequency(terms_with_prefix(&searcher, index.fields.suggest, &last)?);
    let latin = |t: &&String| t.bytes().all(|b| b.is_ascii_lowercase());
    let typed: Vec<&String> = terms.iter().rev().take_while(latin).collect();
    let pinyin: String = typed.iter().rev().map(|t| String::as_str(t)).collect();
    // Several Latin words typed (`bao wen b`) read as pinyin first; one word (`baow`) after
    // its own completions, so English keeps its meaning first.
    let spaced = typed.len() > 1;
    if (spaced || words.len() < limit) && pinyin.len() >= 2 {
        let mut spelled: BTreeMap<String, u64> = BTreeMap::new();
        for (term, n) in terms_with_prefix(&searcher, index.fields.pinyin_suggest, &pinyin)? {
            if let Some((_, word)) = term.split_once(crate::pinyin::SUGGEST_SEPARATOR) {
                *spelled.entry(word.to_owned()).or_default() += n;
            }
        }
        let spelled: Vec<String> = by_frequency(spelled)
            .into_iter()
            .filter(|w| !words.contains(w))
            .collect();
        if spaced {
            words.splice(0..0, spelled);
        } else {
            words.extend(spelled);
        }
    }
    words.truncate(limit);
    Ok(words)
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::query::AllQuery;
    use tantivy::{DocAddress, Index, Order, TantivyDocument};

    use crate::schema::build_schema;

    #[test]
    fn ranking_boost_multiplies_the_three_signals() {
        use super::ranking_boost;
        assert_eq!(ranking_boost(0, 0, 0), 1.0);
        assert!((ranking_boost(1, 100, 1000) - 1.25 * 1.2 * 1.2).abs() < 1e-6);
        // 60.0 against 50.0 credit points: 1.12 / 1.10.
        assert!((ranking_boost(1, 0, 600) / ranking_boost(1, 0, 500) - 1.12 / 1.10).abs() < 1e-6);
        // Out-of-range stored values are capped.
        assert_eq!(ranking_boost(5, 500, 5000), ranking_boost(1, 100, 1000));
    }

    #[test]
    fn a_product_list_has_the_same_hits_without_facets_or_highlights() {
        let dir = tempfile::tempdir().unwrap();
        let index = crate::IndexStore::new(dir.path()).create().unwrap();
        let f = index.fields;
        let mut writer = index.index.writer(15_000_000).unwrap();
        for (id, title) in [
            ("a", "stainless cup <lid>"),
            ("b", "glass cup"),
            ("c", "kettle"),
        ] {
            let mut doc = TantivyDocument::default();
            doc.add_text(f.kind, "product");
            doc.add_text(f.id, id);
            doc.add_text(f.title_en, title);
            doc.add_text(f.raw, title);
            doc.add_text(f.body, title);
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        index.reader.reload().unwrap();
        let s = super::ProductSearch {
            q: "cup".into(),
            sort: super::Sort::Relevance,
            ..super::ProductSearch::newest(None, 10)
        };
        let synonyms = crate::Synonyms::only(&[]);
        let full = super::search_products(&index, &synonyms, &s, super::Detail::Full).unwrap();
        let list = super::search_products(&index, &synonyms, &s, super::Detail::List).unwrap();
        let ids = |r: &super::SearchResults<super::ProductHit>| {
            r.items.iter().map(|h| h.id.clone()).collect::<Vec<_>>()
        };
        assert_eq!(ids(&full), ids(&list));
        assert_eq!(full.total, 2);
        assert_eq!(list.total, 2);
        assert_eq!(full.facets.len(), 4);
        assert!(list.facets.is_empty());
        let a = |r: &super::SearchResults<super::ProductHit>| {
            r.items
                .iter()
                .find(|h| h.id == "a")
                .unwrap()
                .highlight
                .clone()
        };
        assert!(
            a(&full).starts_with("stainless <b>cup</b> &lt;lid"),
            "{}",
            a(&full)
        );
        assert_eq!(a(&list), "stainless cup &lt;lid&gt;");
    }

    #[test]
    fn newest_first_orders_by_published_at() {
        let (schema, f) = build_schema();
        let index = Index::create_in_ram(schema);
        crate::index::register_for_tests(&index);
        let mut writer = index.writer(15_000_000).unwrap();
        for (i, at) in [(0u64, 100i64), (1, 300), (2, 200)] {
            let mut doc = TantivyDocument::default();
            doc.add_text(f.id, i.to_string());
            doc.add_i64(f.published_at, at);
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let top: Vec<(Option<i64>, DocAddress)> = searcher
            .search(
                &AllQuery,
                &TopDocs::with_limit(3).order_by_fast_field::<i64>("published_at", Order::Desc),
            )
            .unwrap();
        let order: Vec<Option<i64>> = top.iter().map(|(v, _)| *v).collect();
        assert_eq!(order, vec![Some(300), Some(200), Some(100)]);
    }
}
