//! The exact decision: does the item belong to the subscription's results? It runs the very
//! query the search endpoint builds (same analysis, synonyms, typo rules and filters, every
//! term required), restricted to the item's document, on the live index.

use domain::leadmail::{SavedSearch, SubscriptionKind};
use tantivy::collector::Count;
use tantivy::query::{BooleanQuery, Occur, Query};
use tantivy::schema::Value;
use tantivy::{Searcher, TantivyDocument};

use super::prefilter::{ItemText, TextFilter};
use super::registry::Entry;
use crate::SearchError;
use crate::listing_query::{ListingSearch, buy_lead_query, listing_filters};
use crate::query::{
    ProductSearch, Sort, Typos, combine, product_filters, query_words, term_clauses, term_query,
};
use crate::schema::Fields;
use crate::schema::facet_path;
use crate::service::Synonyms;
use crate::{BuyLeadSearch, SearchIndex};

/// What kind of item is being matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemKind {
    Product,
    SellOffer,
    BuyRequest,
}

pub(crate) fn product_search(s: &SavedSearch) -> ProductSearch {
    ProductSearch {
        q: s.q.clone(),
        category: s.category.clone(),
        region: s.region.clone(),
        verified: s.verified,
        company_type: s.company_type.clone(),
        moq_max: s.moq_max,
        price_min: s.price_min,
        price_max: s.price_max,
        currency: s.currency.clone(),
        sort: Sort::Relevance,
        limit: 100,
        offset: 0,
    }
}

pub(crate) fn sell_offer_search(s: &SavedSearch) -> ListingSearch {
    ListingSearch {
        q: s.q.clone(),
        kind: Some("sell".into()),
        category: s.category.clone(),
        sort: Sort::Relevance,
        limit: 100,
        offset: 0,
    }
}

/// The subscription's query for this kind of item, or `None` when it cannot match such items.
fn query_for(
    searcher: &Searcher,
    f: &Fields,
    synonyms: &Synonyms,
    entry: &Entry,
    kind: ItemKind,
) -> Option<Box<dyn Query>> {
    let sub = &entry.sub;
    let text = |q: &str, raw| {
        term_clauses(
            searcher,
            f,
            &query_words(q),
            synonyms,
            Typos { raw, enabled: true },
        )
    };
    let saved = match sub.kind {
        SubscriptionKind::Search | SubscriptionKind::BuyRequest => sub.query.clone(),
        SubscriptionKind::Category => SavedSearch {
            category: sub.target_id.clone(),
            ..SavedSearch::default()
        },
        SubscriptionKind::Supplier => {
            let company = sub.target_id.as_deref()?;
            let (mut filters, kind_name) = match kind {
                ItemKind::Product => (Vec::new(), "product"),
                ItemKind::SellOffer => (
                    listing_filters(f, &sell_offer_search(&SavedSearch::default())).0,
                    "listing",
                ),
                ItemKind::BuyRequest => return None,
            };
            filters.push(term_query(f.kind, kind_name));
            filters.push(term_query(f.company_id, company));
            return Some(Box::new(combine(Vec::new(), true, &filters)));
        }
        SubscriptionKind::BuyLeads => {
            if kind != ItemKind::BuyRequest {
                return None;
            }
            let p = entry.profile.as_ref()?;
            let s = BuyLeadSearch {
                categories: p.categories.clone(),
                phrases: p.phrases.clone(),
                exclude_company: sub.target_id.clone(),
                sort: Sort::Relevance,
                limit: 1,
                offset: 0,
            };
            return buy_lead_query(searcher, f, synonyms, &s)
                .map(|q| Box::new(q) as Box<dyn Query>);
        }
    };
    match kind {
        ItemKind::Product => {
            let (filters, _) = product_filters(f, &product_search(&saved));
            Some(Box::new(combine(text(&saved.q, f.raw), true, &filters)))
        }
        ItemKind::SellOffer if !saved.has_product_only_filters() => {
            let (filters, _) = listing_filters(f, &sell_offer_search(&saved));
            Some(Box::new(combine(
                text(&saved.q, f.listing_raw),
                true,
                &filters,
            )))
        }
        _ => None,
    }
}

/// A product's filter values, read once per item from its document.
#[derive(Debug, Default)]
pub(crate) struct ProductFacts {
    category: Vec<String>,
    region: Vec<String>,
    verified: Vec<String>,
    company_type: Vec<String>,
    moq: Option<u64>,
    price_min: Option<i64>,
    price_max: Option<i64>,
    currency: Option<String>,
}

impl ProductFacts {
    pub(crate) fn of(f: &Fields, doc: &TantivyDocument) -> ProductFacts {
        let facets = |field| {
            doc.get_all(field)
                .filter_map(|v| v.as_facet().map(str::to_owned))
                .collect()
        };
        ProductFacts {
            category: facets(f.category),
            region: facets(f.region),
            verified: facets(f.verified),
            company_type: facets(f.company_type),
            moq: doc.get_first(f.moq).and_then(|v| v.as_u64()),
            price_min: doc.get_first(f.price_min).and_then(|v| v.as_i64()),
            price_max: doc.get_first(f.price_max).and_then(|v| v.as_i64()),
            currency: doc
                .get_first(f.currency)
                .and_then(|v| v.as_str())
                .map(str::to_owned),
        }
    }
}

/// Which of a product's facet fields a filter looks at.
#[derive(Debug, Clone, Copy)]
enum FacetField {
    Category,
    Region,
    Verified,
    CompanyType,
}

#[derive(Debug, Clone)]
enum Check {
    /// The facet or any facet below it (a facet term query: tantivy indexes every prefix);
    /// `None` when the filter's path is empty (only the search query can tell).
    Facet(FacetField, Option<Box<str>>),
    MoqMax(u64),
    Currency(Box<str>),
    /// The product's lowest price is at most this.
    PriceMax(i64),
    /// The product's highest price is at least this.
    PriceMin(i64),
}

/// `query::product_filters` of a saved search, compiled once when its rule is filed.
#[derive(Debug, Clone, Default)]
pub(crate) struct ProductFilter {
    checks: Box<[Check]>,
}

fn facet(field: FacetField, parts: &[&str]) -> Check {
    let want = facet_path(parts);
    let want = want.encoded_str();
    Check::Facet(field, (!want.is_empty()).then(|| want.into()))
}

impl ProductFilter {
    pub(crate) fn of(s: &SavedSearch) -> ProductFilter {
        let mut checks = Vec::new();
        if let Some(region) = &s.region {
            checks.push(facet(FacetField::Region, &[region]));
        }
        if let Some(v) = s.verified {
            checks.push(facet(
                FacetField::Verified,
                &[if v { "true" } else { "false" }],
            ));
        }
        if let Some(t) = &s.company_type {
            checks.push(facet(FacetField::CompanyType, &[t]));
        }
        if let Some(category) = &s.category {
            checks.push(match category.split_once('.') {
                Some((parent, _)) => facet(FacetField::Category, &[parent, category]),
                None => facet(FacetField::Category, &[category]),
            });
        }
        if let Some(max) = s.moq_max {
            checks.push(Check::MoqMax(max));
        }
        if s.price_min.is_some() || s.price_max.is_some() {
            if let Some(currency) = &s.currency {
                checks.push(Check::Currency(currency.as_str().into()));
            }
            if let Some(max) = s.price_max {
                checks.push(Check::PriceMax(max));
            }
            if let Some(min) = s.price_min {
                checks.push(Check::PriceMin(min));
            }
        }
        ProductFilter {
            checks: checks.into(),
        }
    }

    /// The filters on one product's values; `None` where they cannot tell.
    pub(crate) fn holds(&self, p: &ProductFacts) -> Option<bool> {
        let mut unknown = false;
        for check in &self.checks {
            let held = match check {
                Check::Facet(_, None) => None,
                Check::Facet(field, Some(want)) => {
                    let values = match field {
                        FacetField::Category => &p.category,
                        FacetField::Region => &p.region,
                        FacetField::Verified => &p.verified,
                        FacetField::CompanyType => &p.company_type,
                    };
                    Some(values.iter().any(|v| {
                        v.as_str() == &**want
                            || (v.starts_with(&**want) && v.as_bytes().get(want.len()) == Some(&0))
                    }))
                }
                Check::MoqMax(max) => Some(p.moq.is_some_and(|moq| moq <= *max)),
                Check::Currency(c) => Some(p.currency.as_deref() == Some(&**c)),
                Check::PriceMax(max) => Some(p.price_min.is_some_and(|low| low <= *max)),
                Check::PriceMin(min) => Some(p.price_max.is_some_and(|high| high >= *min)),
            };
            // Any certain `false` decides; otherwise any unknown leaves it open.
            match held {
                Some(false) => return Some(false),
                None => unknown = true,
                Some(true) => {}
            }
        }
        (!unknown).then_some(true)
    }
}

/// How a rule decides a product from its keys and values, compiled when the rule is filed.
#[derive(Debug, Clone)]
pub(crate) enum ProductRule {
    /// A followed supplier: the item carries the `company:` key.
    Supplier(Option<u32>),
    /// A followed category, or a saved search's filters (with its text, if any).
    Filtered(ProductFilter, Option<TextFilter>),
    /// Buy leads never match products.
    Never,
}

impl ProductRule {
    pub(crate) fn of(
        entry: &Entry,
        text: Option<TextFilter>,
        company_key: Option<u32>,
    ) -> ProductRule {
        let sub = &entry.sub;
        match sub.kind {
            SubscriptionKind::Supplier => ProductRule::Supplier(company_key),
            SubscriptionKind::Category => ProductRule::Filtered(
                ProductFilter::of(&SavedSearch {
                    category: sub.target_id.clone(),
                    ..SavedSearch::default()
                }),
                None,
            ),
            SubscriptionKind::Search | SubscriptionKind::BuyRequest => {
                ProductRule::Filtered(ProductFilter::of(&sub.query), text)
            }
            SubscriptionKind::BuyLeads => ProductRule::Never,
        }
    }

    pub(crate) fn text(&self) -> Option<&TextFilter> {
        match self {
            ProductRule::Filtered(_, text) => text.as_ref(),
            _ => None,
        }
    }

    /// The decision for a product when its keys and values settle it, `None` when only the
    /// search query can tell.
    ///
    /// A product query is its text clauses, `kind = product` and the filters (`combine`,
    /// `product_filters`): the text filter decides the clauses exactly (`prefilter.rs`), and the
    /// filters are the same comparisons on the same stored values. A followed supplier's query
    /// is `kind = product` and the company id, which the item's `company:` key carries. The
    /// matching benchmark compares the outcome with the search query on every subscription.
    pub(crate) fn decide(&self, item: &ItemText, facts: &ProductFacts) -> Option<bool> {
        match self {
            ProductRule::Supplier(key) => Some(key.is_some_and(|k| item.has_key(k))),
            ProductRule::Filtered(filter, text) => match filter.holds(facts) {
                Some(false) => Some(false),
                Some(true) => Some(text.as_ref().is_none_or(|t| t.holds(item))),
                None if text.as_ref().is_some_and(|t| !t.holds(item)) => Some(false),
                None => None,
            },
            ProductRule::Never => Some(false),
        }
    }
}

/// Whether the document with `doc_key` is in the subscription's results right now.
pub(crate) fn matches(
    index: &SearchIndex,
    searcher: &Searcher,
    synonyms: &Synonyms,
    entry: &Entry,
    kind: ItemKind,
    doc_key: &str,
) -> Result<bool, SearchError> {
    let f = index.fields;
    let Some(query) = query_for(searcher, &f, synonyms, entry, kind) else {
        return Ok(false);
    };
    let restricted = BooleanQuery::new(vec![
        (Occur::Must, term_query(f.doc_key, doc_key)),
        (Occur::Must, query),
    ]);
    Ok(searcher.search(&restricted, &Count)? > 0)
}
