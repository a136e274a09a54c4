//! Candidate keys: a subscription is filed under keys that every item it can match must
//! produce, so a new item only meets the subscriptions filed under its own keys. The keys only
//! prune; the decision is made in `verify.rs`.
//!
//! - `t:<term>`: an analyzed term in a text field. A saved search is filed under the terms of
//!   ONE of its clauses (every clause must match, so any one will do): the clause with the
//!   fewest and longest alternatives.
//! - `f:<deletion>`: a Latin word that may match with typos is also filed under its deletion
//!   neighbourhood; two words within edit distance d share a form with at most d letters
//!   deleted from each (transpositions included), so an item's words file themselves the same
//!   way.
//! - `company:<id>`, `cat:<id>`: followed suppliers, categories, and searches without words.
//! - `all`: searches with neither words nor a category (checked against every item).
//!
//! Item keys are computed from the document as the indexer builds it, with the analyzers of
//! the index's fields.

use std::collections::BTreeSet;

use rustc_hash::{FxHashMap, FxHashSet};

use tantivy::TantivyDocument;
use tantivy::schema::{Field, Value};

use super::intern::Interner;
use crate::lexicon::Synonyms;
use crate::lexicon::{ClauseWord, WordField, clauses};
use crate::query::{query_words, typo_distance};
use crate::schema::Fields;

pub(crate) const ALL: &str = "all";

/// Every form of `word` with up to `max` letters deleted (the word itself included).
pub(crate) fn deletions(word: &str, max: u8) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut frontier = vec![word.to_owned()];
    out.insert(word.to_owned());
    for _ in 0..max {
        let mut next = Vec::new();
        for w in &frontier {
            let chars: Vec<char> = w.chars().collect();
            for i in 0..chars.len() {
                let shorter: String = chars
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(_, c)| c)
                    .collect();
                if out.insert(shorter.clone()) {
                    next.push(shorter);
                }
            }
        }
        frontier = next;
    }
    out
}

/// The key an item carries when it has `w` where the search looks for it: `t:<term>` in the
/// text fields, `y:<pinyin>` in the pinyin field.
pub(crate) fn word_key(w: &ClauseWord) -> String {
    match w.field {
        WordField::Text => format!("t:{}", w.term),
        WordField::Pinyin => format!("y:{}", w.term),
    }
}

/// The keys of one alternative: its first word, and that word's typo neighbourhood.
fn word_keys(w: &ClauseWord, typos: bool, out: &mut Vec<String>) {
    out.push(word_key(w));
    if typos
        && w.typos
        && let Some(d) = typo_distance(&w.raw)
    {
        out.extend(deletions(&w.raw, d).into_iter().map(|v| format!("f:{v}")));
    }
}

/// How many indexed documents carry a term in their text fields: the anchor is the clause whose
/// terms are rarest, so that fewer items meet the subscription as a candidate. Only a heuristic;
/// any clause gives the same matches.
pub type Rarity<'a> = &'a dyn Fn(&str) -> u64;

/// The rarity of terms in one index's text fields, as this searcher sees them; remembered per
/// term, as the same words recur across thousands of subscriptions being filed.
pub fn rarity_in<'s>(f: &Fields, searcher: &'s tantivy::Searcher) -> impl Fn(&str) -> u64 + 's {
    let fields = [
        f.title_zh,
        f.title_en,
        f.keywords,
        f.attributes,
        f.description,
    ];
    let known: std::cell::RefCell<FxHashMap<Box<str>, u64>> = Default::default();
    move |term: &str| {
        if let Some(n) = known.borrow().get(term) {
            return *n;
        }
        let n = fields
            .iter()
            .map(|field| {
                searcher
                    .doc_freq(&tantivy::Term::from_field_text(*field, term))
                    .unwrap_or(0)
            })
            .sum();
        known.borrow_mut().insert(term.into(), n);
        n
    }
}

/// The keys of the clause that best anchors a text query, or `None` when it has no words.
pub(crate) fn text_anchor(
    q: &str,
    synonyms: &Synonyms,
    typos: bool,
    rarity: Rarity,
) -> Option<Vec<String>> {
    let words = query_words(q);
    if words.is_empty() {
        return None;
    }
    let clauses: Vec<Vec<String>> = clauses(&words, synonyms)
        .iter()
        .map(|clause| {
            let mut keys = Vec::new();
            for alt in &clause.alts {
                if let Some(first) = alt.words.first() {
                    word_keys(first, typos, &mut keys);
                }
            }
            keys
        })
        .collect();
    // Fewest keys first (no typo neighbourhood), then the rarest terms, then the longest term.
    clauses.into_iter().min_by_key(|keys| {
        let terms = || keys.iter().filter_map(|k| k.strip_prefix("t:"));
        let longest = terms().map(|t| t.chars().count()).max().unwrap_or(0);
        let frequency: u64 = terms().map(rarity).sum();
        (keys.len(), frequency, usize::MAX - longest)
    })
}

fn tokens(index: &tantivy::Index, field: Field, text: &str, out: &mut Vec<String>) {
    let Ok(mut analyzer) = index.tokenizer_for_field(field) else {
        return;
    };
    let mut stream = analyzer.token_stream(text);
    while let Some(token) = stream.next() {
        if !token.text.trim().is_empty() {
            out.push(token.text.clone());
        }
    }
}

/// Calls `f` with every form of `word` with up to `max` letters deleted (the word itself
/// included; a form may come more than once), written after `prefix` in one reused buffer.
fn each_deletion(word: &str, max: u8, prefix: &str, f: &mut dyn FnMut(&str)) {
    let chars: Vec<char> = word.chars().collect();
    let mut buf = String::with_capacity(prefix.len() + word.len());
    let mut emit = |skip: &[usize]| {
        buf.clear();
        buf.push_str(prefix);
        buf.extend(
            chars
                .iter()
                .enumerate()
                .filter(|(i, _)| !skip.contains(i))
                .map(|(_, c)| c),
        );
        f(&buf);
    };
    emit(&[]);
    for i in 0..chars.len() {
        emit(&[i]);
        if max >= 2 {
            for j in i + 1..chars.len() {
                emit(&[i, j]);
            }
        }
    }
}

/// The keys an item document produces, with the analyzers of the index it is searched in, as
/// numbered by `strings` (a key no rule knows is left out), and the item's terms in
/// `typo_field` (where the search looks typos up for this kind of item).
pub(crate) fn item_keys(
    index: &tantivy::Index,
    f: &Fields,
    doc: &TantivyDocument,
    typo_field: Field,
    strings: &Interner,
) -> (FxHashSet<u32>, Vec<String>) {
    let mut keys = FxHashSet::default();
    let mut typo_words = Vec::new();
    let mut buf = String::new();
    let mut add = |prefix: &str, s: &str, keys: &mut FxHashSet<u32>| {
        buf.clear();
        buf.push_str(prefix);
        buf.push_str(s);
        keys.extend(strings.get(&buf));
    };
    add(ALL, "", &mut keys);
    let texts = |field: Field| doc.get_all(field).filter_map(|v| v.as_str());
    let mut terms = Vec::new();
    for field in [
        f.title_zh,
        f.title_en,
        f.keywords,
        f.attributes,
        f.description,
    ] {
        for text in texts(field) {
            terms.clear();
            tokens(index, field, text, &mut terms);
            for t in &terms {
                add("t:", t, &mut keys);
            }
        }
    }
    for field in [f.raw, f.listing_raw] {
        for text in texts(field) {
            terms.clear();
            tokens(index, field, text, &mut terms);
            for w in &terms {
                let letters = w.chars().count();
                if letters >= 4 && w.chars().all(|c| c.is_ascii_alphabetic()) {
                    let d = if letters >= 7 { 2 } else { 1 };
                    each_deletion(w, d, "f:", &mut |form| keys.extend(strings.get(form)));
                }
            }
            if field == typo_field {
                typo_words.extend(terms.iter().cloned());
            }
        }
    }
    for text in texts(f.pinyin) {
        terms.clear();
        tokens(index, f.pinyin, text, &mut terms);
        for t in &terms {
            add("y:", t, &mut keys);
        }
    }
    typo_words.sort();
    typo_words.dedup();
    for id in texts(f.company_id) {
        add("company:", id, &mut keys);
    }
    // Second-level category ids are `<parent>.<leaf>` (the search filters rely on it too).
    for id in texts(f.category_id) {
        if let Some((parent, _)) = id.split_once('.') {
            add("cat:", parent, &mut keys);
        }
        add("cat:", id, &mut keys);
    }
    (keys, typo_words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_within_the_distance_share_a_deletion() {
        let pairs = [
            ("stainless", "stainles", 2),
            ("stainless", "stianless", 2),
            ("bottle", "botle", 1),
            ("bottle", "bottel", 1),
            ("flask", "flsak", 1),
        ];
        for (a, b, d) in pairs {
            let da = deletions(a, d);
            let db = deletions(b, 2);
            assert!(da.intersection(&db).next().is_some(), "{a} vs {b}");
        }
        assert!(
            deletions("bottle", 1)
                .intersection(&deletions("battle", 1))
                .next()
                .is_some()
        );
        assert!(
            deletions("bottle", 1)
                .intersection(&deletions("cable", 2))
                .next()
                .is_none()
        );
    }

    #[test]
    fn an_item_word_s_forms_are_the_deletions() {
        for (word, d) in [("stainless", 2), ("bottle", 1), ("aab", 2)] {
            let mut forms = BTreeSet::new();
            each_deletion(word, d, "f:", &mut |f| {
                forms.insert(f.to_owned());
            });
            let expected: BTreeSet<String> = deletions(word, d)
                .into_iter()
                .map(|v| format!("f:{v}"))
                .collect();
            assert_eq!(forms, expected, "{word}");
        }
    }

    #[test]
    fn the_anchor_is_one_clause() {
        let none = Synonyms::only(&[]);
        let keys = text_anchor("304不锈钢保温杯", &none, true, &|_| 0).unwrap();
        assert!(keys.iter().all(|k| k.starts_with("t:")), "{keys:?}");
        assert_eq!(keys.len(), 1);
        assert!(text_anchor("  ", &none, true, &|_| 0).is_none());
        // The rarest term anchors.
        let keys = text_anchor("保温杯 503", &none, true, &|t| {
            if t == "503" { 3 } else { 1000 }
        })
        .unwrap();
        assert_eq!(keys, vec!["t:503".to_owned()]);
    }
}
