//! The lead matcher: follows the outbox behind this process's search index, matches items that
//! became public against the subscription registry, and records the leads with its position
//! (`domain::lead_alerts::record_matches`), so a restart or a second process never records a
//! lead twice or skips one.

use std::cell::RefCell;
use std::collections::HashSet;

use rustc_hash::FxHashSet;

use domain::db::{DbConnection, DbPool};
use domain::lead_alerts::{
    NewMatch, Subscription, SubscriptionKind, active_subscriptions_after, consumer_position,
    record_matches, subscriptions_by_ids,
};
use domain::outbox::{self, topic};
use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{Searcher, TantivyDocument, Term};
use uuid::Uuid;

use super::keys::{item_keys, rarity_in};
use super::prefilter::ItemText;
use super::program::ProductFacts;
use super::registry::{Entry, Registry, Rule, RuleId};
use super::verify::{ItemKind, matches};
use crate::document::{listing_document, listing_key, product_document, product_key};
use crate::{Search, SearchError, SearchIndex, Synonyms};

pub const MATCHER_CONSUMER: &str = "lead-matcher";
const BATCH: i64 = 500;

fn conn(pool: &DbPool) -> Result<domain::db::PooledConn, SearchError> {
    pool.get().map_err(|e| SearchError::Pool(e.to_string()))
}

/// What one step did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Step {
    pub events: usize,
    pub items: usize,
    /// Candidate rules checked (`ItemMatches::rules`).
    pub candidates: usize,
    pub matches: usize,
    pub recorded: usize,
}

pub struct LeadMatcher {
    pool: DbPool,
    search: Search,
    registry: Registry,
    /// The outbox position the registry is in step with.
    synced_to: Option<i64>,
    /// Items first published longer ago than this are not new leads (edits of old items).
    max_age: time::Duration,
}

fn entry(conn: &mut DbConnection, sub: Subscription) -> Result<Entry, SearchError> {
    let profile = match (sub.kind, sub.target_id.as_deref()) {
        (SubscriptionKind::BuyLeads, Some(company)) => match Uuid::parse_str(company)
            .ok()
            .and_then(|c| domain::company::find_company(conn, c).ok())
        {
            Some(c) => Some(domain::listing::profile_of(conn, &c)?),
            None => None,
        },
        _ => None,
    };
    Ok(Entry { sub, profile })
}

impl LeadMatcher {
    pub fn new(pool: DbPool, search: Search, max_age: time::Duration) -> LeadMatcher {
        LeadMatcher {
            pool,
            search,
            registry: Registry::default(),
            synced_to: None,
            max_age,
        }
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Loads every active subscription (at start, and when the synonyms change).
    fn load_all(&mut self, conn: &mut DbConnection) -> Result<(), SearchError> {
        let synonyms = self.search.synonyms_snapshot();
        let index = self.search.current()?;
        let searcher = index.reader.searcher();
        let rarity = rarity_in(&index.fields, &searcher);
        self.registry = Registry::default();
        let mut after = String::new();
        loop {
            let page = active_subscriptions_after(conn, &after, 5000)?;
            let Some(last) = page.last() else { break };
            after = last.id.to_string();
            for sub in page {
                let e = entry(conn, sub)?;
                self.registry.upsert(e, &synonyms, &rarity);
            }
        }
        Ok(())
    }

    fn reload(&mut self, conn: &mut DbConnection, ids: &[Uuid]) -> Result<(), SearchError> {
        let synonyms = self.search.synonyms_snapshot();
        let index = self.search.current()?;
        let searcher = index.reader.searcher();
        let rarity = rarity_in(&index.fields, &searcher);
        let found = subscriptions_by_ids(conn, ids)?;
        let present: HashSet<Uuid> = found.iter().map(|s| s.id).collect();
        for id in ids.iter().filter(|id| !present.contains(id)) {
            self.registry.remove(*id);
        }
        for sub in found {
            let e = entry(conn, sub)?;
            self.registry.upsert(e, &synonyms, &rarity);
        }
        Ok(())
    }

    /// Applies subscription changes between where the registry is and `upto` (another process
    /// may have moved the position past them).
    fn catch_up(
        &mut self,
        conn: &mut DbConnection,
        from: i64,
        upto: i64,
    ) -> Result<(), SearchError> {
        let mut at = from;
        while at < upto {
            let events = outbox::read_after(conn, at, 5000)?;
            let events: Vec<_> = events.into_iter().filter(|e| e.id <= upto).collect();
            let Some(last) = events.last() else { break };
            at = last.id;
            self.apply_registry_events(conn, &events)?;
        }
        Ok(())
    }

    fn apply_registry_events(
        &mut self,
        conn: &mut DbConnection,
        events: &[outbox::OutboxEvent],
    ) -> Result<(), SearchError> {
        let mut subs = Vec::new();
        for e in events {
            match e.topic.as_str() {
                topic::SUBSCRIPTION_CHANGED => {
                    if let Ok(id) = Uuid::parse_str(&e.entity_id) {
                        subs.push(id);
                    }
                }
                topic::SYNONYMS_CHANGED => {
                    let index = self.search.current()?;
                    let searcher = index.reader.searcher();
                    self.registry.refile(
                        &self.search.synonyms_snapshot(),
                        &rarity_in(&index.fields, &searcher),
                    );
                }
                topic::COMPANY_CHANGED => {
                    subs.extend(self.registry.buy_leads_of(&e.entity_id));
                }
                topic::PRODUCT_CHANGED => {
                    if let Ok(id) = Uuid::parse_str(&e.entity_id)
                        && let Some(company) = domain::catalog::company_of_product(conn, id)?
                    {
                        subs.extend(self.registry.buy_leads_of(&company.to_string()));
                    }
                }
                _ => {}
            }
        }
        if !subs.is_empty() {
            subs.sort();
            subs.dedup();
            self.reload(conn, &subs)?;
        }
        Ok(())
    }

    /// One step: the next batch of events that this process's index already reflects.
    pub fn step(&mut self) -> Result<Step, SearchError> {
        let Some(visible) = self.search.visible_outbox_id() else {
            return Ok(Step::default());
        };
        let mut conn = conn(&self.pool)?;
        let from = consumer_position(&mut conn, MATCHER_CONSUMER)?;
        match self.synced_to {
            None => {
                self.load_all(&mut conn)?;
                self.synced_to = Some(from);
            }
            Some(synced) if synced < from => {
                self.catch_up(&mut conn, synced, from)?;
                self.synced_to = Some(from);
            }
            _ => {}
        }
        if visible <= from {
            return Ok(Step::default());
        }
        let events: Vec<_> = outbox::read_after(&mut conn, from, BATCH)?
            .into_iter()
            .filter(|e| e.id <= visible)
            .collect();
        let Some(to) = events.last().map(|e| e.id) else {
            return Ok(Step::default());
        };
        let mut step = Step {
            events: events.len(),
            ..Step::default()
        };
        let index = self.search.current()?;
        let searcher = index.reader.searcher();
        let synonyms = self.search.synonyms_snapshot();
        let mut found: Vec<NewMatch> = Vec::new();
        let mut seen: HashSet<(ItemKind, Uuid)> = HashSet::new();
        // Subscription changes apply in order, so a subscription sees the items published
        // after it and not those before.
        for e in &events {
            let item = match e.topic.as_str() {
                topic::PRODUCT_CHANGED => Some(ItemKind::Product),
                topic::LISTING_CHANGED => Some(ItemKind::SellOffer),
                _ => None,
            };
            let Some(kind) = item else {
                self.apply_registry_events(&mut conn, std::slice::from_ref(e))?;
                continue;
            };
            let Ok(id) = Uuid::parse_str(&e.entity_id) else {
                continue;
            };
            if !seen.insert((kind, id)) {
                continue;
            }
            if kind == ItemKind::Product {
                self.apply_registry_events(&mut conn, std::slice::from_ref(e))?;
            }
            let key = if kind == ItemKind::Product {
                product_key(&id)
            } else {
                listing_key(&id)
            };
            let Some((_, kind)) = indexed(&index, &searcher, &key, kind)? else {
                continue;
            };
            // Keys come from the whole document as the indexer builds it (the index does not
            // store every analyzed field).
            let doc = match kind {
                ItemKind::Product => domain::catalog::product_search_doc(&mut conn, id)?
                    .map(|d| product_document(&index.fields, &d)),
                _ => domain::listing::listing_search_doc(&mut conn, id)?
                    .map(|d| listing_document(&index.fields, &d)),
            };
            let Some(doc) = doc else {
                continue;
            };
            if !fresh(&index, &doc, self.max_age) {
                continue;
            }
            step.items += 1;
            let item = match_item(
                &index,
                &searcher,
                &synonyms,
                &self.registry,
                kind,
                &key,
                &doc,
            )?;
            step.candidates += item.rules;
            let company = doc
                .get_first(index.fields.company_id)
                .and_then(|v| v.as_str())
                .and_then(|c| Uuid::parse_str(c).ok())
                .unwrap_or_default();
            for sub_id in item.matched {
                let Some(entry) = self.registry.get(&sub_id) else {
                    continue;
                };
                found.push(NewMatch {
                    user_id: entry.sub.user_id,
                    subscription_id: entry.sub.id,
                    frequency: entry.sub.frequency,
                    item_type: if kind == ItemKind::Product {
                        "product"
                    } else {
                        "listing"
                    },
                    item_id: id,
                    company_id: company,
                    buy_leads_company: entry
                        .sub
                        .target_id
                        .as_deref()
                        .filter(|_| entry.sub.kind == SubscriptionKind::BuyLeads)
                        .and_then(|c| Uuid::parse_str(c).ok()),
                });
            }
        }
        step.matches = found.len();
        if let Some(n) = record_matches(&mut conn, MATCHER_CONSUMER, from, to, &found)? {
            step.recorded = n;
        }
        self.synced_to = Some(to);
        Ok(step)
    }
}

/// The item's document in this index (and whether a listing is a sell offer or a buy request);
/// `None` when it is not public.
fn indexed(
    index: &SearchIndex,
    searcher: &tantivy::Searcher,
    key: &str,
    kind: ItemKind,
) -> Result<Option<(TantivyDocument, ItemKind)>, SearchError> {
    let f = index.fields;
    let query = TermQuery::new(
        Term::from_field_text(f.doc_key, key),
        IndexRecordOption::Basic,
    );
    let Some((_, address)) = searcher
        .search(&query, &TopDocs::with_limit(1).order_by_score())?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    let doc: TantivyDocument = searcher.doc(address)?;
    let kind = match kind {
        ItemKind::Product => ItemKind::Product,
        _ => match doc.get_first(f.listing_kind).and_then(|v| v.as_str()) {
            Some("buy") => ItemKind::BuyRequest,
            _ => ItemKind::SellOffer,
        },
    };
    Ok(Some((doc, kind)))
}

fn fresh(index: &SearchIndex, doc: &TantivyDocument, max_age: time::Duration) -> bool {
    let published = doc
        .get_first(index.fields.published_at)
        .and_then(|v| v.as_i64())
        .unwrap_or(0);
    let now = crate::document::micros(domain::clock::now());
    now - published <= max_age.whole_microseconds() as i64
}

/// What the indexed path found for one item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemMatches {
    /// The distinct rules filed under the item's keys (`registry.rs`): one decision each.
    pub rules: usize,
    /// Rules decided from the item's keys and values, without running their search query.
    pub decided_from_keys: usize,
    /// Rules the item matched.
    pub matched_rules: usize,
    /// The subscriptions whose search returns the item, in no particular order.
    pub matched: Vec<Uuid>,
}

/// The indexed path for one item, as `step` runs it: the item's keys, the rules filed under
/// them, and for each the decision from the keys or else its search query, restricted to the
/// item; a rule's decision holds for all of its subscribers.
/// `doc` is the item's document as the indexer builds it; `doc_key` its document key in `index`,
/// where it must be visible to `searcher`. Public for the matching benchmark.
pub fn match_item(
    index: &SearchIndex,
    searcher: &Searcher,
    synonyms: &Synonyms,
    registry: &Registry,
    kind: ItemKind,
    doc_key: &str,
    doc: &TantivyDocument,
) -> Result<ItemMatches, SearchError> {
    // The field the search looks typos up in, for this kind of item (`verify::query_for`).
    let raw = match kind {
        ItemKind::Product => index.fields.raw,
        _ => index.fields.listing_raw,
    };
    let strings = registry.strings();
    let (keys, typo_words) = item_keys(&index.index, &index.fields, doc, raw, strings);
    let facts = (kind == ItemKind::Product).then(|| ProductFacts::of(&index.fields, doc, strings));
    let cache = RefCell::new(registry.typed_cache(searcher));
    let typed = |id: u32, word: &str| cache.borrow_mut().typed(searcher, raw, id, word);
    let item = ItemText::new(&keys, strings, &typo_words, &typed);
    let mut out = ItemMatches::default();
    let mut seen: FxHashSet<RuleId> = FxHashSet::default();
    let mut matched: Vec<RuleId> = Vec::new();
    for key in &keys {
        for (id, shared, program) in registry.postings(*key) {
            if shared && !seen.insert(id) {
                continue;
            }
            out.rules += 1;
            let decided = match &facts {
                Some(facts) => program.decide(&item, facts),
                None if program.text_fails(&item) => Some(false),
                None => None,
            };
            let hit = match decided {
                Some(decided) => {
                    out.decided_from_keys += 1;
                    decided
                }
                None => match registry.rule_entry(id) {
                    Some(entry) => matches(index, searcher, synonyms, entry, kind, doc_key)?,
                    None => false,
                },
            };
            if hit {
                matched.push(id);
            }
        }
    }
    let rules: Vec<&Rule> = matched.iter().filter_map(|id| registry.rule(*id)).collect();
    out.matched_rules = rules.len();
    out.matched
        .reserve_exact(rules.iter().map(|r| r.subs.len()).sum());
    for rule in rules {
        out.matched.extend_from_slice(&rule.subs);
    }
    Ok(out)
}

/// The baseline for the benchmark: every subscription checked (no candidate keys) with the
/// same verification as `match_item`, one subscription at a time (no shared rules). The
/// matching ids, in id order.
pub fn match_all_brute_force(
    index: &SearchIndex,
    searcher: &Searcher,
    synonyms: &Synonyms,
    registry: &Registry,
    kind: ItemKind,
    key: &str,
) -> Result<Vec<Uuid>, SearchError> {
    let mut out = Vec::new();
    for id in registry.all_ids() {
        if let Some(e) = registry.get(&id)
            && matches(index, searcher, synonyms, e, kind, key)?
        {
            out.push(id);
        }
    }
    out.sort();
    Ok(out)
}
