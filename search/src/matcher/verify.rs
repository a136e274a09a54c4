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

/// A facet term query: the facet or any facet below it (tantivy indexes every prefix).
fn facet_holds(values: &[String], parts: &[&str]) -> Option<bool> {
    let want = facet_path(parts);
    let want = want.encoded_str();
    if want.is_empty() {
        return None;
    }
    Some(
        values.iter().any(|v| {
            v == want || (v.starts_with(want) && v.as_bytes().get(want.len()) == Some(&0))
        }),
    )
}

/// `query::product_filters` on one product's values; `None` where it cannot tell.
fn product_filters_hold(s: &SavedSearch, p: &ProductFacts) -> Option<bool> {
    let mut checks: Vec<Option<bool>> = Vec::new();
    if let Some(region) = &s.region {
        checks.push(facet_holds(&p.region, &[region]));
    }
    if let Some(v) = s.verified {
        checks.push(facet_holds(
            &p.verified,
            &[if v { "true" } else { "false" }],
        ));
    }
    if let Some(t) = &s.company_type {
        checks.push(facet_holds(&p.company_type, &[t]));
    }
    if let Some(category) = &s.category {
        checks.push(match category.split_once('.') {
            Some((parent, _)) => facet_holds(&p.category, &[parent, category]),
            None => facet_holds(&p.category, &[category]),
        });
    }
    if let Some(max) = s.moq_max {
        checks.push(Some(p.moq.is_some_and(|moq| moq <= max)));
    }
    if s.price_min.is_some() || s.price_max.is_some() {
        if let Some(currency) = &s.currency {
            checks.push(Some(p.currency.as_deref() == Some(currency.as_str())));
        }
        if let Some(max) = s.price_max {
            checks.push(Some(p.price_min.is_some_and(|low| low <= max)));
        }
        if let Some(min) = s.price_min {
            checks.push(Some(p.price_max.is_some_and(|high| high >= min)));
        }
    }
    // Any certain `false` decides; otherwise any unknown leaves it open.
    if checks.contains(&Some(false)) {
        Some(false)
    } else if checks.contains(&None) {
        None
    } else {
        Some(true)
    }
}

/// The decision for a product when its keys and values settle it, `None` when only the search
/// query can tell.
///
/// A product query is its text clauses, `kind = product` and the filters (`combine`,
/// `product_filters`): the text filter decides the clauses exactly (`prefilter.rs`), and the
/// filters are the same comparisons on the same stored values. A followed supplier's query is
/// `kind = product` and the company id, which the item's `company:` key carries. Listings stay
/// with the search query: it also checks that they are live. The matching benchmark compares
/// the outcome with the search query on every subscription.
pub(crate) fn decide_product(
    entry: &Entry,
    text: Option<&TextFilter>,
    item: &ItemText,
    facts: &ProductFacts,
) -> Option<bool> {
    let sub = &entry.sub;
    match sub.kind {
        SubscriptionKind::Supplier => Some(item.has_key(&format!(
            "company:{}",
            sub.target_id.as_deref().unwrap_or_default()
        ))),
        SubscriptionKind::Category => {
            let category = SavedSearch {
                category: Some(sub.target_id.clone()?),
                ..SavedSearch::default()
            };
            product_filters_hold(&category, facts)
        }
        SubscriptionKind::Search | SubscriptionKind::BuyRequest => {
            match product_filters_hold(&sub.query, facts) {
                Some(false) => Some(false),
                Some(true) => Some(text.is_none_or(|t| t.holds(item))),
                None if text.is_some_and(|t| !t.holds(item)) => Some(false),
                None => None,
            }
        }
        SubscriptionKind::BuyLeads => Some(false),
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
