//! A rule compiled for deciding products in memory: its filters, then its text clauses, as one
//! flat list of small operations over numbered strings (`intern.rs`). Thousands of rules are
//! checked per item, so a rule's hot data is one allocation with no strings to compare.
//!
//! The decision is the search query's (`verify::query_for`): a product query is its text
//! clauses, `kind = product` and the filters (`query::combine`, `query::product_filters`); the
//! text clauses are decided exactly on the item's terms (`prefilter.rs`), the filters are the
//! same comparisons on the same stored values. A followed supplier's query is `kind = product`
//! and the company id, which the item's `company:` key carries. The matching benchmark compares
//! the outcome with the search query on every subscription.

use domain::lead_alerts::{SavedSearch, SubscriptionKind};
use tantivy::TantivyDocument;
use tantivy::schema::Value;

use super::intern::Interner;
use super::prefilter::{ItemText, Word};
use super::registry::Entry;
use crate::lexicon::Synonyms;
use crate::lexicon::clauses;
use crate::query::{QueryWord, query_words};
use crate::schema::{Fields, facet_path};

/// Which of a product's facet fields a filter looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FacetField {
    Category,
    Region,
    Verified,
    CompanyType,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Op {
    /// In a key's postings (`registry.rs`): the rule `id`, whose program is the next `len`
    /// operations; `shared` when the rule is filed under more than one key.
    Rule {
        id: u32,
        len: u32,
        shared: bool,
    },
    /// A followed supplier: the item carries this `company:` key (`None`: no company).
    Supplier(Option<u32>),
    /// Buy leads: never a product.
    Never,
    /// The facet or any facet below it (a facet term query: tantivy indexes every prefix), by
    /// its encoded path; `None` when the path is empty (only the search query can tell).
    Facet(FacetField, Option<u32>),
    MoqMax(u64),
    Currency(u32),
    /// The product's lowest price is at most this.
    PriceMax(i64),
    /// The product's highest price is at least this.
    PriceMin(i64),
    /// Text: each clause is a `Clause` followed by its alternatives, each an `Alt` followed by
    /// its words. Every clause must be met, by any alternative, an alternative by all of its
    /// words.
    Clause,
    Alt,
    Word(Word),
}

/// One rule's operations.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Program<'a> {
    ops: &'a [Op],
}

/// A product's filter values, read once per item, as numbered strings.
#[derive(Debug, Default)]
pub(crate) struct ProductFacts {
    /// Per facet field: every prefix of every value (`a`, `a\0b` for the facet `/a/b`).
    facets: [Vec<u32>; 4],
    moq: Option<u64>,
    price_min: Option<i64>,
    price_max: Option<i64>,
    currency: Option<u32>,
}

impl ProductFacts {
    pub(crate) fn of(f: &Fields, doc: &TantivyDocument, strings: &Interner) -> ProductFacts {
        let prefixes = |field| {
            let mut out = Vec::new();
            for v in doc.get_all(field).filter_map(|v| v.as_facet()) {
                let ends = v.match_indices('\0').map(|(i, _)| i).chain([v.len()]);
                out.extend(ends.filter_map(|end| strings.get(&v[..end])));
            }
            out
        };
        ProductFacts {
            facets: [
                prefixes(f.category),
                prefixes(f.region),
                prefixes(f.verified),
                prefixes(f.company_type),
            ],
            moq: doc.get_first(f.moq).and_then(|v| v.as_u64()),
            price_min: doc.get_first(f.price_min).and_then(|v| v.as_i64()),
            price_max: doc.get_first(f.price_max).and_then(|v| v.as_i64()),
            currency: doc
                .get_first(f.currency)
                .and_then(|v| v.as_str())
                .and_then(|c| strings.get(c)),
        }
    }
}

fn facet(strings: &mut Interner, field: FacetField, parts: &[&str]) -> Op {
    let want = facet_path(parts);
    let want = want.encoded_str();
    Op::Facet(field, (!want.is_empty()).then(|| strings.intern(want)))
}

/// `query::product_filters` of a saved search.
fn filter_ops(s: &SavedSearch, strings: &mut Interner, ops: &mut Vec<Op>) {
    if let Some(region) = &s.region {
        ops.push(facet(strings, FacetField::Region, &[region]));
    }
    if let Some(v) = s.verified {
        let value = if v { "true" } else { "false" };
        ops.push(facet(strings, FacetField::Verified, &[value]));
    }
    if let Some(t) = &s.company_type {
        ops.push(facet(strings, FacetField::CompanyType, &[t]));
    }
    if let Some(category) = &s.category {
        ops.push(match category.split_once('.') {
            Some((parent, _)) => facet(strings, FacetField::Category, &[parent, category]),
            None => facet(strings, FacetField::Category, &[category]),
        });
    }
    if let Some(max) = s.moq_max {
        ops.push(Op::MoqMax(max));
    }
    if s.price_min.is_some() || s.price_max.is_some() {
        if let Some(currency) = &s.currency {
            ops.push(Op::Currency(strings.intern(currency)));
        }
        if let Some(max) = s.price_max {
            ops.push(Op::PriceMax(max));
        }
        if let Some(min) = s.price_min {
            ops.push(Op::PriceMin(min));
        }
    }
}

/// The text clauses of a query, as `query::term_clauses` builds them from
/// `lexicon::clauses`: every clause must be met, by any alternative, an alternative by all of
/// its words.
pub(crate) fn text_ops(
    words: &[QueryWord],
    synonyms: &Synonyms,
    typos: bool,
    strings: &mut Interner,
    ops: &mut Vec<Op>,
) {
    for clause in clauses(words, synonyms) {
        ops.push(Op::Clause);
        for alt in &clause.alts {
            ops.push(Op::Alt);
            ops.extend(
                alt.words
                    .iter()
                    .map(|w| Op::Word(Word::new(strings, w, typos))),
            );
        }
    }
}

/// Whether every clause of `ops` (text operations only) is met by the item.
pub(crate) fn text_holds(ops: &[Op], item: &ItemText) -> bool {
    let mut i = 0;
    while i < ops.len() {
        // `ops[i]` is a clause.
        i += 1;
        let mut clause = false;
        while matches!(ops.get(i), Some(Op::Alt)) {
            i += 1;
            let mut alt = true;
            while let Some(Op::Word(w)) = ops.get(i) {
                alt = alt && !clause && item.has(w);
                i += 1;
            }
            clause = clause || alt;
        }
        if !clause {
            return false;
        }
    }
    true
}

impl<'a> Program<'a> {
    /// `company_key`: the `company:` key a followed supplier is filed under.
    pub(crate) fn compile(
        entry: &Entry,
        synonyms: &Synonyms,
        strings: &mut Interner,
        company_key: Option<u32>,
    ) -> Vec<Op> {
        let sub = &entry.sub;
        let mut ops = Vec::new();
        match sub.kind {
            SubscriptionKind::Supplier => ops.push(Op::Supplier(company_key)),
            SubscriptionKind::BuyLeads => ops.push(Op::Never),
            SubscriptionKind::Category => {
                let category = SavedSearch {
                    category: sub.target_id.clone(),
                    ..SavedSearch::default()
                };
                filter_ops(&category, strings, &mut ops);
            }
            SubscriptionKind::Search | SubscriptionKind::BuyRequest => {
                filter_ops(&sub.query, strings, &mut ops);
                text_ops(
                    &query_words(&sub.query.q),
                    synonyms,
                    true,
                    strings,
                    &mut ops,
                );
            }
        }
        ops
    }

    pub(crate) fn new(ops: &'a [Op]) -> Self {
        Program { ops }
    }

    /// Where the text clauses start (`ops.len()` when there are none).
    fn text_start(&self) -> usize {
        self.ops
            .iter()
            .position(|op| matches!(op, Op::Clause))
            .unwrap_or(self.ops.len())
    }

    /// Whether the rule has text clauses and the item fails them (listings are decided by the
    /// search query, which also checks that they are live; this only rules out).
    pub(crate) fn text_fails(&self, item: &ItemText) -> bool {
        let text = &self.ops[self.text_start()..];
        !text.is_empty() && !text_holds(text, item)
    }

    /// The decision for a product when its keys and values settle it, `None` when only the
    /// search query can tell.
    pub(crate) fn decide(&self, item: &ItemText, facts: &ProductFacts) -> Option<bool> {
        let mut unknown = false;
        let mut i = 0;
        while let Some(op) = self.ops.get(i) {
            let held = match *op {
                Op::Supplier(key) => return Some(key.is_some_and(|k| item.has_key(k))),
                Op::Never => return Some(false),
                Op::Facet(_, None) => None,
                Op::Facet(field, Some(want)) => Some(facts.facets[field as usize].contains(&want)),
                Op::MoqMax(max) => Some(facts.moq.is_some_and(|moq| moq <= max)),
                Op::Currency(c) => Some(facts.currency == Some(c)),
                Op::PriceMax(max) => Some(facts.price_min.is_some_and(|low| low <= max)),
                Op::PriceMin(min) => Some(facts.price_max.is_some_and(|high| high >= min)),
                Op::Clause | Op::Alt | Op::Word(_) | Op::Rule { .. } => break,
            };
            // Any certain `false` decides; otherwise any unknown leaves it open.
            match held {
                Some(false) => return Some(false),
                None => unknown = true,
                Some(true) => {}
            }
            i += 1;
        }
        let text = &self.ops[i..];
        if !text.is_empty() && !text_holds(text, item) {
            return Some(false);
        }
        (!unknown).then_some(true)
    }
}
