//! The exact decision: does the item belong to the subscription's results? It runs the very
//! query the search endpoint builds (same analysis, synonyms, typo rules and filters, every
//! term required), restricted to the item's document, on the live index.

use domain::lead_alerts::{SavedSearch, SubscriptionKind};
use tantivy::Searcher;
use tantivy::collector::Count;
use tantivy::query::{BooleanQuery, Occur, Query};

use super::registry::Entry;
use crate::SearchError;
use crate::lexicon::Synonyms;
use crate::listing_query::{ListingSearch, buy_lead_query, listing_filters};
use crate::query::{
    ProductSearch, Sort, Target, Typos, combine, product_filters, query_words, term_clauses,
    term_query,
};
use crate::schema::Fields;
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
            // Deciding a match needs no score: one posting list per word.
            Target::Body,
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
