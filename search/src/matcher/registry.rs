//! The in-memory index of active subscriptions. Subscriptions that would decide every item the
//! same way (the same saved search, supplier or category, whoever saved it) share one rule, so
//! an item is decided once per rule and not once per subscriber: a category with thousands of
//! followers costs one decision. Rules are filed under keys (`keys.rs`).

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use domain::lead_alerts::{SavedSearch, Subscription, SubscriptionKind, SubscriptionStatus};
use domain::listing::SupplierProfile;
use rustc_hash::FxHashMap;
use tantivy::schema::Field;
use tantivy::{Searcher, SearcherGeneration, Term};
use uuid::Uuid;

use super::intern::Interner;
use super::keys::{ALL, Rarity, text_anchor};
use super::program::{Op, Program};
use crate::lexicon::Synonyms;

/// A subscription as the matcher needs it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub sub: Subscription,
    /// For `buy_leads`: what the supplier's company offers.
    pub profile: Option<SupplierProfile>,
}

/// What an item's decision depends on (`verify::query_for`, `program.rs`): a saved search and
/// a buy request's search are the same query; who subscribed, how often, and under which name
/// do not count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum RuleKey<'a> {
    Query(&'a SavedSearch),
    Supplier(Option<&'a str>),
    Category(Option<&'a str>),
    /// Buy leads depend on the company profile loaded with the subscription: never shared.
    Own(Uuid),
}

fn rule_key(sub: &Subscription) -> RuleKey<'_> {
    match sub.kind {
        SubscriptionKind::Search | SubscriptionKind::BuyRequest => RuleKey::Query(&sub.query),
        SubscriptionKind::Supplier => RuleKey::Supplier(sub.target_id.as_deref()),
        SubscriptionKind::Category => RuleKey::Category(sub.target_id.as_deref()),
        SubscriptionKind::BuyLeads => RuleKey::Own(sub.id),
    }
}

/// Rules are found by the hash of their key (a rule keeps no copy of it; its first subscriber
/// holds it).
fn rule_hash(key: RuleKey) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(key)
}

/// Index of a rule in the registry.
pub(crate) type RuleId = u32;

/// One decision shared by the subscriptions in `subs` (never empty: a rule goes with its last
/// subscriber).
#[derive(Debug)]
pub(crate) struct Rule {
    pub(crate) subs: Vec<Uuid>,
    hash: u64,
    keys: Vec<u32>,
}

#[derive(Debug, Default)]
pub struct Registry {
    entries: HashMap<Uuid, (Entry, RuleId)>,
    rules: Vec<Option<Rule>>,

    free: Vec<RuleId>,
    /// `rule_hash` → the rules with that hash.
    by_rule: FxHashMap<u64, Vec<RuleId>>,
    /// Key → the rules filed under it, each an `Op::Rule` header followed by its program: what
    /// every candidate touches is read in sequence, not looked up rule by rule. A rule filed
    /// under several keys (a word with typo forms) has a copy under each.
    by_key: FxHashMap<u32, Vec<Op>>,
    /// Keys and words by number. Never shrinks while the process runs (a refile starts over):
    /// it holds the distinct words of the subscriptions, a vocabulary.
    strings: Interner,
    typed: Mutex<TypedCache>,
}

/// Whether a word exists as typed in a typo field, for one searcher generation: looked up in
/// the term dictionary once per word and generation instead of once per rule and item.
#[derive(Debug, Default)]
pub(crate) struct TypedCache {
    generation: Option<SearcherGeneration>,
    /// (typo field, word) → some document contains it.
    known: FxHashMap<(u32, u32), bool>,
}

impl TypedCache {
    pub(crate) fn typed(&mut self, searcher: &Searcher, field: Field, id: u32, word: &str) -> bool {
        *self.known.entry((field.field_id(), id)).or_insert_with(|| {
            searcher
                .doc_freq(&Term::from_field_text(field, word))
                .unwrap_or(0)
                > 0
        })
    }
}

/// The keys a subscription is filed under (empty: it can match nothing).
pub(crate) fn keys_of(e: &Entry, synonyms: &Synonyms, rarity: Rarity) -> Vec<String> {
    let s = &e.sub;
    match s.kind {
        SubscriptionKind::Supplier => s.target_id.iter().map(|t| format!("company:{t}")).collect(),
        SubscriptionKind::Category => s.target_id.iter().map(|t| format!("cat:{t}")).collect(),
        SubscriptionKind::Search | SubscriptionKind::BuyRequest => {
            match text_anchor(&s.query.q, synonyms, true, rarity) {
                Some(keys) => keys,
                None => match &s.query.category {
                    Some(c) => vec![format!("cat:{c}")],
                    None => vec![ALL.to_owned()],
                },
            }
        }
        SubscriptionKind::BuyLeads => {
            let Some(p) = &e.profile else {
                return Vec::new();
            };
            let mut keys: Vec<String> = p
                .categories
                .iter()
                .map(|(_, leaf)| format!("cat:{leaf}"))
                .collect();
            for phrase in &p.phrases {
                if let Some(anchor) = text_anchor(phrase, synonyms, false, rarity) {
                    keys.extend(anchor);
                }
            }
            keys
        }
    }
}

impl Registry {
    /// Active subscriptions.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Distinct rules the subscriptions share.
    pub fn rules(&self) -> usize {
        self.rules.len() - self.free.len()
    }

    /// Files (or re-files) a subscription; a paused one is removed. `rarity` picks the clause
    /// a multi-word search is filed under (`keys::rarity_in`).
    pub fn upsert(&mut self, entry: Entry, synonyms: &Synonyms, rarity: Rarity) {
        let id = entry.sub.id;
        self.remove(id);
        if entry.sub.status != SubscriptionStatus::Active {
            return;
        }
        let hash = rule_hash(rule_key(&entry.sub));
        let rule = match self.find_rule(hash, &entry.sub) {
            Some(r) => r,
            None => self.add_rule(hash, &entry, synonyms, rarity),
        };
        if let Some(r) = self.rules[rule as usize].as_mut() {
            r.subs.push(id);
        }
        self.entries.insert(id, (entry, rule));
    }

    fn find_rule(&self, hash: u64, sub: &Subscription) -> Option<RuleId> {
        let key = rule_key(sub);
        self.by_rule.get(&hash)?.iter().copied().find(|id| {
            self.rule_entry(*id)
                .is_some_and(|e| rule_key(&e.sub) == key)
        })
    }

    fn add_rule(
        &mut self,
        hash: u64,
        entry: &Entry,
        synonyms: &Synonyms,
        rarity: Rarity,
    ) -> RuleId {
        let mut keys: Vec<u32> = keys_of(entry, synonyms, rarity)
            .iter()
            .map(|k| self.strings.intern(k))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        let company = match entry.sub.kind {
            SubscriptionKind::Supplier => keys.first().copied(),
            _ => None,
        };
        let ops = Program::compile(entry, synonyms, &mut self.strings, company);
        let rule = Rule {
            subs: Vec::new(),
            hash,
            keys,
        };
        let id = match self.free.pop() {
            Some(id) => id,
            None => {
                self.rules.push(None);
                RuleId::try_from(self.rules.len() - 1).expect("fewer than 2^32 rules")
            }
        };
        let header = Op::Rule {
            id,
            len: u32::try_from(ops.len()).expect("a short program"),
            shared: rule.keys.len() > 1,
        };
        for k in &rule.keys {
            let postings = self.by_key.entry(*k).or_default();
            postings.push(header);
            postings.extend_from_slice(&ops);
        }
        self.rules[id as usize] = Some(rule);
        self.by_rule.entry(hash).or_default().push(id);
        id
    }

    pub fn remove(&mut self, id: Uuid) {
        let Some((_, rule_id)) = self.entries.remove(&id) else {
            return;
        };
        let slot = &mut self.rules[rule_id as usize];
        let Some(rule) = slot.as_mut() else {
            return;
        };
        rule.subs.retain(|x| *x != id);
        if !rule.subs.is_empty() {
            return;
        }
        let Some(rule) = slot.take() else {
            return;
        };
        for k in rule.keys {
            if let Some(postings) = self.by_key.get_mut(&k) {
                let mut at = 0;
                while let Some(Op::Rule { id, len, .. }) = postings.get(at).copied() {
                    let end = at + 1 + len as usize;
                    if id == rule_id {
                        postings.drain(at..end);
                        break;
                    }
                    at = end;
                }
                if postings.is_empty() {
                    self.by_key.remove(&k);
                }
            }
        }
        if let Some(ids) = self.by_rule.get_mut(&rule.hash) {
            ids.retain(|x| *x != rule_id);
            if ids.is_empty() {
                self.by_rule.remove(&rule.hash);
            }
        }
        self.free.push(rule_id);
    }

    /// Re-files everything (the synonyms changed, and with them the keys).
    pub fn refile(&mut self, synonyms: &Synonyms, rarity: Rarity) {
        let entries: Vec<Entry> = self.entries.drain().map(|(_, (e, _))| e).collect();
        *self = Registry::default();
        for e in entries {
            self.upsert(e, synonyms, rarity);
        }
    }

    pub fn get(&self, id: &Uuid) -> Option<&Entry> {
        self.entries.get(id).map(|(e, _)| e)
    }

    pub(crate) fn rule(&self, id: RuleId) -> Option<&Rule> {
        self.rules.get(id as usize).and_then(Option::as_ref)
    }

    /// The entry of the rule's first subscriber: what its search query is built from (every
    /// subscriber's would do).
    pub(crate) fn rule_entry(&self, id: RuleId) -> Option<&Entry> {
        let first = self.rule(id)?.subs.first()?;
        self.get(first)
    }

    pub(crate) fn strings(&self) -> &Interner {
        &self.strings
    }

    /// The typed-word cache, emptied when `searcher` is of another generation.
    pub(crate) fn typed_cache(&self, searcher: &Searcher) -> MutexGuard<'_, TypedCache> {
        let mut cache = self
            .typed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if cache.generation.as_ref() != Some(searcher.generation()) {
            cache.known.clear();
            cache.generation = Some(searcher.generation().clone());
        }
        cache
    }

    /// The rules filed under `key` (numbered by `strings`) with their programs, in filing order;
    /// a rule filed under several keys comes under each of them.
    pub(crate) fn postings(&self, key: u32) -> impl Iterator<Item = (RuleId, bool, Program<'_>)> {
        let postings = self.by_key.get(&key).map(Vec::as_slice).unwrap_or_default();
        let mut at = 0;
        std::iter::from_fn(move || {
            let Some(Op::Rule { id, len, shared }) = postings.get(at).copied() else {
                return None;
            };
            let ops = &postings[at + 1..at + 1 + len as usize];
            at += 1 + len as usize;
            Some((id, shared, Program::new(ops)))
        })
    }

    /// Every subscription (the baseline the benchmark compares against).
    pub fn all_ids(&self) -> Vec<Uuid> {
        self.entries.keys().copied().collect()
    }

    /// The `buy_leads` subscriptions of one company.
    pub fn buy_leads_of(&self, company: &str) -> Vec<Uuid> {
        self.entries
            .values()
            .map(|(e, _)| e)
            .filter(|e| {
                e.sub.kind == SubscriptionKind::BuyLeads
                    && e.sub.target_id.as_deref() == Some(company)
            })
            .map(|e| e.sub.id)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::lead_alerts::Frequency;

    fn sub(n: u128, kind: SubscriptionKind, q: &str, target: Option<&str>) -> Entry {
        let now = domain::clock::now();
        Entry {
            sub: Subscription {
                id: Uuid::from_u128(n),
                user_id: Uuid::from_u128(1000 + n),
                kind,
                name: format!("sub {n}"),
                query: SavedSearch {
                    q: q.into(),
                    ..SavedSearch::default()
                },
                target_id: target.map(str::to_owned),
                frequency: Frequency::Daily,
                status: SubscriptionStatus::Active,
                created_at: now,
                updated_at: now,
            },
            profile: None,
        }
    }

    fn subs_under(r: &Registry, key: u32) -> Vec<Uuid> {
        let mut out: Vec<Uuid> = r
            .postings(key)
            .flat_map(|(id, _, _)| r.rule(id).unwrap().subs.clone())
            .collect();
        out.sort();
        out
    }

    #[test]
    fn the_same_search_shares_one_rule_until_its_last_subscriber_leaves() {
        let syn = Synonyms::only(&[]);
        let mut r = Registry::default();
        r.upsert(
            sub(1, SubscriptionKind::Search, "保温杯", None),
            &syn,
            &|_| 0,
        );
        r.upsert(
            sub(2, SubscriptionKind::BuyRequest, "保温杯", Some("b")),
            &syn,
            &|_| 0,
        );
        r.upsert(sub(3, SubscriptionKind::Search, "水杯", None), &syn, &|_| 0);
        r.upsert(
            sub(4, SubscriptionKind::Category, "", Some("c")),
            &syn,
            &|_| 0,
        );
        assert_eq!((r.len(), r.rules()), (4, 3));
        let rule = r.entries[&Uuid::from_u128(1)].1;
        let key = r.rule(rule).unwrap().keys[0];
        assert_eq!(
            subs_under(&r, key),
            vec![Uuid::from_u128(1), Uuid::from_u128(2)]
        );
        // The subscriber whose entry the rule was made from leaves; the rule stays.
        r.remove(Uuid::from_u128(1));
        assert_eq!(subs_under(&r, key), vec![Uuid::from_u128(2)]);
        assert_eq!(r.rules(), 3);
        // A paused subscription is filed nowhere.
        let mut paused = sub(2, SubscriptionKind::BuyRequest, "保温杯", Some("b"));
        paused.sub.status = SubscriptionStatus::Paused;
        r.upsert(paused, &syn, &|_| 0);
        assert!(subs_under(&r, key).is_empty());
        assert_eq!((r.len(), r.rules()), (2, 2));
        // The freed slot is reused, under the new rule's keys only.
        r.upsert(sub(5, SubscriptionKind::Search, "螺栓", None), &syn, &|_| 0);
        let rule = r.entries[&Uuid::from_u128(5)].1;
        let other = r.rule(rule).unwrap().keys[0];
        assert_eq!(subs_under(&r, other), vec![Uuid::from_u128(5)]);
        assert!(subs_under(&r, key).is_empty());
    }
}
