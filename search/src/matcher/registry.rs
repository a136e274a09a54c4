//! The in-memory index of active subscriptions: key → subscriptions filed under it.

use std::collections::{HashMap, HashSet};

use domain::leadmail::{Subscription, SubscriptionKind, SubscriptionStatus};
use domain::listing::SupplierProfile;
use uuid::Uuid;

use super::keys::{ALL, Rarity, text_anchor};
use super::prefilter::TextFilter;
use crate::query::query_words;
use crate::service::Synonyms;

/// A subscription as the matcher needs it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub sub: Subscription,
    /// For `buy_leads`: what the supplier's company offers.
    pub profile: Option<SupplierProfile>,
}

#[derive(Debug, Default)]
pub struct Registry {
    entries: HashMap<Uuid, Filed>,
    by_key: HashMap<String, Vec<Uuid>>,
}

#[derive(Debug)]
struct Filed {
    entry: Entry,
    keys: Vec<String>,
    text: Option<TextFilter>,
}

fn text_filter(e: &Entry, synonyms: &Synonyms) -> Option<TextFilter> {
    match e.sub.kind {
        SubscriptionKind::Search | SubscriptionKind::BuyRequest => {
            TextFilter::new(&query_words(&e.sub.query.q), synonyms, true)
        }
        _ => None,
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
            keys.sort();
            keys.dedup();
            keys
        }
    }
}

impl Registry {
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Files (or re-files) a subscription; a paused one is removed. `rarity` picks the clause
    /// a multi-word search is filed under (`keys::rarity_in`).
    pub fn upsert(&mut self, entry: Entry, synonyms: &Synonyms, rarity: Rarity) {
        let id = entry.sub.id;
        self.remove(id);
        if entry.sub.status != SubscriptionStatus::Active {
            return;
        }
        let mut keys = keys_of(&entry, synonyms, rarity);
        keys.sort();
        keys.dedup();
        for k in &keys {
            self.by_key.entry(k.clone()).or_default().push(id);
        }
        let text = text_filter(&entry, synonyms);
        self.entries.insert(id, Filed { entry, keys, text });
    }

    pub fn remove(&mut self, id: Uuid) {
        if let Some(filed) = self.entries.remove(&id) {
            for k in filed.keys {
                if let Some(ids) = self.by_key.get_mut(&k) {
                    ids.retain(|x| *x != id);
                    if ids.is_empty() {
                        self.by_key.remove(&k);
                    }
                }
            }
        }
    }

    /// Re-files everything (the synonyms changed, and with them the keys).
    pub fn refile(&mut self, synonyms: &Synonyms, rarity: Rarity) {
        let entries: Vec<Entry> = self.entries.drain().map(|(_, f)| f.entry).collect();
        self.by_key.clear();
        for e in entries {
            self.upsert(e, synonyms, rarity);
        }
    }

    pub fn get(&self, id: &Uuid) -> Option<&Entry> {
        self.entries.get(id).map(|f| &f.entry)
    }

    /// The entry and the cheap text check to run before its search query, if it has one.
    pub(crate) fn get_with_filter(&self, id: &Uuid) -> Option<(&Entry, Option<&TextFilter>)> {
        self.entries.get(id).map(|f| (&f.entry, f.text.as_ref()))
    }

    /// Subscriptions filed under any of `keys`.
    pub fn candidates<'a>(&self, keys: impl IntoIterator<Item = &'a String>) -> HashSet<Uuid> {
        let mut out = HashSet::new();
        for k in keys {
            if let Some(ids) = self.by_key.get(k) {
                out.extend(ids.iter().copied());
            }
        }
        out
    }

    /// Every subscription (the baseline the benchmark compares against).
    pub fn all_ids(&self) -> Vec<Uuid> {
        self.entries.keys().copied().collect()
    }

    /// The `buy_leads` subscriptions of one company.
    pub fn buy_leads_of(&self, company: &str) -> Vec<Uuid> {
        self.entries
            .values()
            .map(|f| &f.entry)
            .filter(|e| {
                e.sub.kind == SubscriptionKind::BuyLeads
                    && e.sub.target_id.as_deref() == Some(company)
            })
            .map(|e| e.sub.id)
            .collect()
    }
}
