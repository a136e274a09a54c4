//! The words of a saved search against the item itself (`program.rs`), instead of the exact
//! search query (`verify.rs`), which costs tens to hundreds of microseconds to build and run
//! where this costs well under one.
//!
//! The item's `t:` keys are the terms of the very fields the search looks in, so a word is met
//! exactly when its term is among them, or, for a word the search tries with typos (one no
//! document contains as typed), when one of the item's words in the typo field is within the
//! edit distance. tantivy's `FuzzyTermQuery` runs a Levenshtein automaton with transpositions
//! over the term dictionary; the distance it accepts is the optimal string alignment distance
//! (a test checks this against the automaton itself), which `osa_within` computes directly on
//! the item's few words.

use std::cell::RefCell;

use rustc_hash::{FxHashMap, FxHashSet};

use super::intern::Interner;
use super::keys::word_key;
use crate::lexicon::ClauseWord;
use crate::query::typo_distance;

#[derive(Debug, Clone, Copy)]
pub(crate) struct Word {
    /// `t:<term>` or `y:<pinyin>`, as in the item's keys.
    term_key: u32,
    /// The word as typed.
    raw: u32,
    typo: Option<u8>,
}

impl Word {
    pub(crate) fn new(strings: &mut Interner, w: &ClauseWord, typos: bool) -> Word {
        Word {
            term_key: strings.intern(&word_key(w)),
            raw: strings.intern(&w.raw),
            typo: typo_distance(&w.raw).filter(|_| typos && w.typos),
        }
    }
}

/// Whether the optimal string alignment distance (insertions, deletions, substitutions and
/// transpositions of neighbours, no substring edited twice) between `a` and `b` is at most `d`.
fn osa_within(a: &[char], b: &[char], d: usize) -> bool {
    if a.len().abs_diff(b.len()) > d {
        return false;
    }
    let m = b.len();
    let mut before: Vec<usize> = (0..=m).collect();
    let mut prev: Vec<usize> = before.clone();
    let mut row = vec![0; m + 1];
    for i in 1..=a.len() {
        row[0] = i;
        let mut best = row[0];
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(row[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(before[j - 2] + 1);
            }
            row[j] = v;
            best = best.min(v);
        }
        if best > d {
            return false;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut row);
    }
    prev[m] <= d
}

/// One item as text queries see it.
pub(crate) struct ItemText<'a> {
    /// The item's keys that some rule refers to.
    keys: &'a FxHashSet<u32>,
    strings: &'a Interner,
    /// The item's terms in the field the search looks typos up in.
    typo_words: Vec<Vec<char>>,
    /// Whether a word (numbered by `strings`) exists as typed in the index the search runs on
    /// (then the search does not try typos for it).
    typed: &'a dyn Fn(u32, &str) -> bool,
    /// Word as typed → met through a typo; the same words recur across the rules of one item.
    fuzzy: RefCell<FxHashMap<u32, bool>>,
}

impl<'a> ItemText<'a> {
    pub(crate) fn new(
        keys: &'a FxHashSet<u32>,
        strings: &'a Interner,
        typo_words: &[String],
        typed: &'a dyn Fn(u32, &str) -> bool,
    ) -> Self {
        ItemText {
            keys,
            strings,
            typo_words: typo_words.iter().map(|w| w.chars().collect()).collect(),
            typed,
            fuzzy: RefCell::default(),
        }
    }

    pub(crate) fn has_key(&self, key: u32) -> bool {
        self.keys.contains(&key)
    }

    pub(crate) fn has(&self, w: &Word) -> bool {
        if self.keys.contains(&w.term_key) {
            return true;
        }
        let Some(d) = w.typo else {
            return false;
        };
        if let Some(met) = self.fuzzy.borrow().get(&w.raw) {
            return *met;
        }
        let raw = self.strings.str(w.raw);
        let met = !(self.typed)(w.raw, raw) && self.within(raw, d);
        self.fuzzy.borrow_mut().insert(w.raw, met);
        met
    }

    fn within(&self, raw: &str, d: u8) -> bool {
        let raw: Vec<char> = raw.chars().collect();
        self.typo_words
            .iter()
            .any(|w| osa_within(&raw, w, usize::from(d)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::Synonyms;
    use crate::matcher::program::{text_holds, text_ops};
    use crate::query::query_words;

    fn holds(q: &str, synonyms: &Synonyms, keys: &[&str], words: &[&str], typed: bool) -> bool {
        let mut strings = Interner::default();
        let mut ops = Vec::new();
        text_ops(&query_words(q), synonyms, true, &mut strings, &mut ops);
        assert!(!ops.is_empty());
        let keys: FxHashSet<u32> = keys.iter().filter_map(|k| strings.get(k)).collect();
        let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        let typed = move |_: u32, _: &str| typed;
        text_holds(&ops, &ItemText::new(&keys, &strings, &words, &typed))
    }

    fn term_keys(q: &str) -> Vec<String> {
        query_words(q)
            .into_iter()
            .map(|w| format!("t:{}", w.term))
            .collect()
    }

    #[test]
    fn every_word_must_be_present() {
        let none = Synonyms::only(&[]);
        let k = term_keys("保温杯 304");
        let k: Vec<&str> = k.iter().map(String::as_str).collect();
        assert!(holds("保温杯 304", &none, &k, &[], false));
        assert!(!holds("保温杯 304", &none, &k[..1], &[], false));
        assert!(!holds("保温杯 304", &none, &[k[0], "t:316"], &[], false));
    }

    #[test]
    fn a_misspelt_word_matches_within_the_distance() {
        let none = Synonyms::only(&[]);
        // One deletion away (8 letters: distance 1).
        assert!(holds(
            "stainles",
            &none,
            &[],
            &["stainless", "steel"],
            false
        ));
        // A word some document contains as typed is not matched with typos.
        assert!(!holds("stainles", &none, &[], &["stainless"], true));
        assert!(!holds("stainles", &none, &[], &["stainlesss"], false));
        // 9 letters: distance 2, a transposition counts one.
        assert!(holds("stianless", &none, &[], &["stainless"], false));
        assert!(!holds(
            "stianless",
            &none,
            &[],
            &["ceramic", "stain"],
            false
        ));
    }

    /// tantivy's automaton (`FuzzyTermQuery`, transpositions cost one) accepts exactly the words
    /// within the optimal string alignment distance, including the cases where it differs from
    /// the unrestricted Damerau distance ("ca" → "abc" is 3, not 2).
    #[test]
    fn the_typo_distance_is_the_automaton_s() {
        use levenshtein_automata::{Distance, LevenshteinAutomatonBuilder};
        let builders = [
            LevenshteinAutomatonBuilder::new(1, true),
            LevenshteinAutomatonBuilder::new(2, true),
        ];
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let word = |next: &mut dyn FnMut() -> u64| -> String {
            let len = (next() % 8) as usize;
            (0..len)
                .map(|_| ['a', 'b', 'c', 'é'][(next() % 4) as usize])
                .collect()
        };
        let mut checked = 0;
        for _ in 0..5_000 {
            let a = word(&mut next);
            let b = word(&mut next);
            let (ac, bc): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            for d in [1u8, 2] {
                let dfa = builders[usize::from(d) - 1].build_dfa(&a);
                let accepted = matches!(dfa.eval(b.as_bytes()), Distance::Exact(_));
                assert_eq!(
                    accepted,
                    osa_within(&ac, &bc, usize::from(d)),
                    "{a} {b} {d}"
                );
                checked += 1;
            }
        }
        assert_eq!(checked, 10_000);
        let (ca, abc): (Vec<char>, Vec<char>) = ("ca".chars().collect(), "abc".chars().collect());
        assert!(!osa_within(&ca, &abc, 2));
    }

    #[test]
    fn a_synonym_member_counts_for_its_clause() {
        let synonyms = Synonyms::only(&[vec!["ss".to_owned(), "inox".to_owned()]]);
        assert!(holds("ss 304", &synonyms, &["t:inox", "t:304"], &[], false));
        assert!(holds("ss 304", &synonyms, &["t:ss", "t:304"], &[], false));
        assert!(!holds(
            "ss 304",
            &synonyms,
            &["t:inox", "t:316"],
            &[],
            false
        ));
        // A member of several words needs all of them.
        let synonyms = Synonyms::only(&[vec!["stainless steel".to_owned(), "ss".to_owned()]]);
        assert!(holds(
            "ss",
            &synonyms,
            &["t:stainless", "t:steel"],
            &[],
            true
        ));
        assert!(!holds("ss", &synonyms, &["t:stainless"], &[], true));
    }

    #[test]
    fn no_words_no_clauses() {
        let mut strings = Interner::default();
        let mut ops = Vec::new();
        text_ops(
            &query_words("  "),
            &Synonyms::only(&[]),
            true,
            &mut strings,
            &mut ops,
        );
        assert!(ops.is_empty());
        text_ops(
            &query_words("m8"),
            &Synonyms::only(&[]),
            true,
            &mut strings,
            &mut ops,
        );
        assert!(!ops.is_empty());
    }
}
