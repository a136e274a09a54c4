//! The words of a saved search against the keys the item produced anyway (`keys::item_keys`),
//! before the exact search query (`verify.rs`), which costs tens of microseconds to build and
//! run where this costs well under one.
//!
//! A candidate is filed under ONE clause of its search, so most candidates of a multi-word
//! search fail on another word. The item's `t:` keys are the terms of the very fields the search
//! looks in, so a clause met by a term is met for sure (`Yes`), and a clause met by no term and
//! no typo form is missed for sure (`No`). A word that only shares a deletion form with one of
//! the item's words (as every word within the edit distance does), and that no document contains
//! as typed (the search tries typos only for those), is `Maybe`.

use std::collections::BTreeSet;

use super::keys::deletions;
use crate::query::{QueryWord, synonym_cover, typo_distance};
use crate::service::Synonyms;

#[derive(Debug, Clone)]
struct Word {
    /// `t:<term>`, as in the item's keys.
    term_key: Box<str>,
    raw: Box<str>,
    typo: Option<u8>,
}

/// A word, or a synonym member's words: met when all of them are.
type Alternative = Box<[Word]>;
/// Met by any of its alternatives.
type Clause = Box<[Alternative]>;

/// Every clause must be met.
#[derive(Debug, Clone)]
pub(crate) struct TextFilter {
    clauses: Box<[Clause]>,
}

fn word(term: &str, raw: &str, typos: bool) -> Word {
    Word {
        term_key: format!("t:{term}").into(),
        raw: raw.into(),
        typo: typo_distance(raw).filter(|_| typos),
    }
}

/// How far the item's keys settle a text query. `Maybe`: only the search query can tell (a word
/// met through a typo form, which the search tries only for words no document contains).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Verdict {
    No,
    Maybe,
    Yes,
}

impl TextFilter {
    /// `None` when the text has no words (it then matches every item of the kind).
    pub(crate) fn new(words: &[QueryWord], synonyms: &Synonyms, typos: bool) -> Option<Self> {
        let covered = synonym_cover(words, synonyms);
        let mut clauses: Vec<Clause> = Vec::new();
        for (i, w) in words.iter().enumerate() {
            match covered[i] {
                None => clauses.push(Box::new([Box::new([word(&w.term, &w.raw, typos)])])),
                Some((g, start)) if start == i => clauses.push(
                    synonyms[g]
                        .iter()
                        .map(|member| member.iter().map(|t| word(t, t, typos)).collect())
                        .collect(),
                ),
                Some(_) => {}
            }
        }
        (!clauses.is_empty()).then(|| TextFilter {
            clauses: clauses.into(),
        })
    }

    /// Every clause by its best alternative, an alternative by its weakest word. `typed` says
    /// whether a word exists as typed in the index the search runs on (then the search does not
    /// try typos for it).
    pub(crate) fn verdict(&self, item: &BTreeSet<String>, typed: &dyn Fn(&str) -> bool) -> Verdict {
        let mut verdict = Verdict::Yes;
        for clause in &self.clauses {
            let best = clause
                .iter()
                .map(|alt| {
                    alt.iter()
                        .map(|w| present(w, item, typed))
                        .min()
                        .unwrap_or(Verdict::Yes)
                })
                .max()
                .unwrap_or(Verdict::No);
            if best == Verdict::No {
                return Verdict::No;
            }
            verdict = verdict.min(best);
        }
        verdict
    }
}

fn present(w: &Word, item: &BTreeSet<String>, typed: &dyn Fn(&str) -> bool) -> Verdict {
    if item.contains(&*w.term_key) {
        return Verdict::Yes;
    }
    let Some(d) = w.typo else {
        return Verdict::No;
    };
    if typed(&w.raw) {
        return Verdict::No;
    }
    if deletions(&w.raw, d)
        .into_iter()
        .any(|form| item.contains(&format!("f:{form}")))
    {
        Verdict::Maybe
    } else {
        Verdict::No
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::query_words;

    fn item(keys: &[&str]) -> BTreeSet<String> {
        keys.iter().map(|k| k.to_string()).collect()
    }

    fn term_keys(q: &str) -> BTreeSet<String> {
        query_words(q)
            .into_iter()
            .map(|w| format!("t:{}", w.term))
            .collect()
    }

    #[test]
    fn every_word_must_be_present() {
        let f = TextFilter::new(&query_words("保温杯 304"), &Vec::new(), true).unwrap();
        let mut keys = term_keys("保温杯 304");
        assert_eq!(f.verdict(&keys, &|_| false), Verdict::Yes);
        keys.remove("t:304");
        keys.insert("t:316".into());
        assert_eq!(f.verdict(&keys, &|_| false), Verdict::No);
    }

    #[test]
    fn a_misspelt_word_passes_on_a_shared_deletion_form() {
        let f = TextFilter::new(&query_words("stainles"), &Vec::new(), true).unwrap();
        let mut keys = BTreeSet::new();
        keys.extend(
            deletions("stainless", 2)
                .into_iter()
                .map(|v| format!("f:{v}")),
        );
        assert_eq!(f.verdict(&keys, &|_| false), Verdict::Maybe);
        // A word some document contains as typed is not matched with typos.
        assert_eq!(f.verdict(&keys, &|_| true), Verdict::No);
        let mut other = BTreeSet::new();
        other.extend(
            deletions("ceramic", 2)
                .into_iter()
                .map(|v| format!("f:{v}")),
        );
        assert_eq!(f.verdict(&other, &|_| false), Verdict::No);
    }

    #[test]
    fn a_synonym_member_counts_for_its_clause() {
        let synonyms = vec![vec![vec!["ss".to_owned()], vec!["inox".to_owned()]]];
        let f = TextFilter::new(&query_words("ss 304"), &synonyms, false).unwrap();
        assert_eq!(
            f.verdict(&item(&["t:inox", "t:304"]), &|_| false),
            Verdict::Yes
        );
        assert_eq!(
            f.verdict(&item(&["t:ss", "t:304"]), &|_| false),
            Verdict::Yes
        );
        assert_eq!(
            f.verdict(&item(&["t:inox", "t:316"]), &|_| false),
            Verdict::No
        );
    }

    #[test]
    fn no_words_no_filter() {
        assert!(TextFilter::new(&query_words("  "), &Vec::new(), true).is_none());
        assert!(TextFilter::new(&query_words("m8"), &Vec::new(), true).is_some());
    }
}
