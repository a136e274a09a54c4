//! What a query's words may also be written as, decided from the words alone (never from the
//! index), so that search, buy-lead matching and the lead matcher expand a query identically:
//!
//! - **Synonym groups**: the operators' groups (synonyms API, stored in the database) and the
//!   shipped trade synonyms and abbreviations (`data/trade_synonyms.tsv`: SS = 不锈钢 =
//!   stainless steel, MCB = 空气开关 = 小型断路器, …). Members of a group are equal.
//! - **The bilingual dictionary** (`data/trade_dictionary.tsv`, derived from CC-CEDICT by
//!   `scripts/trade_dictionary.py`): a Chinese word and its English translations. A translated
//!   alternative scores at [`TRANSLATED`] of a same-language match.
//! - **Pinyin**: a run of Latin words that reads as two or more pinyin syllables may also be the
//!   Chinese word it spells (`bao wen bei`, `baowenbei` → the pinyin field's `baowenbei`),
//!   scoring at [`PINYIN`].
//!
//! The defaults and the operators' groups are kept apart: the shipped files change with an
//! upgrade, the operators' groups stay in the database, and operator groups win where both
//! cover the same words.

use std::sync::{Arc, LazyLock};

use rustc_hash::FxHashMap;

use crate::analyzer::{analyze, trade_query_analyzer};
use crate::pinyin::syllable_count;
use crate::query::QueryWord;

/// Score factor of a match through the dictionary, against a match in the query's language.
pub const TRANSLATED: f32 = 0.4;
/// Score factor of a shipped synonym, against the words as typed (operator groups: 1).
pub const SYNONYM: f32 = 0.6;
/// Weight of the pinyin field (the title fields weigh 3).
pub const PINYIN: f32 = 0.5;

const DEFAULT_SYNONYMS: &str = include_str!("../data/trade_synonyms.tsv");
const DICTIONARY: &str = include_str!("../data/trade_dictionary.tsv");

/// Where a word of a clause is looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WordField {
    /// The text fields (matching on `body`).
    Text,
    /// The pinyin field.
    Pinyin,
}

/// One word an alternative needs.
#[derive(Debug, Clone, PartialEq)]
pub struct ClauseWord {
    /// The analyzed term.
    pub term: String,
    /// The word as typed (for typo matching).
    pub raw: String,
    /// Whether it may also match with typos (the query's own Latin words only).
    pub typos: bool,
    pub field: WordField,
}

/// An alternative of a clause: all of its words, scored with `weight`.
#[derive(Debug, Clone, PartialEq)]
pub struct Alt {
    pub words: Vec<ClauseWord>,
    pub weight: f32,
}

/// One clause of a query: any one of its alternatives must match.
#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    pub alts: Vec<Alt>,
}

impl Clause {
    /// Whether alternative `i` matches only documents that another alternative matches too:
    /// it needs all of that one's words (typo matching aside, which only the query's own words
    /// have, so an alternative with typos is never left out).
    pub fn implied(&self, i: usize, alt: &Alt) -> bool {
        if alt.words.iter().any(|w| w.typos) {
            return false;
        }
        let key = |w: &ClauseWord| (w.field, w.term.clone());
        self.alts.iter().enumerate().any(|(j, other)| {
            j != i
                && other.words.len() < alt.words.len()
                && other
                    .words
                    .iter()
                    .all(|o| alt.words.iter().any(|w| key(w) == key(o)))
        })
    }
}

/// Groups as analyzed terms, member by member (`stainless steel` → [stainless, steel]).
type Groups = Vec<Vec<Vec<String>>>;

/// Which list a member comes from; earlier lists win over later ones for the same words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Source {
    Operator,
    Default,
    Dictionary,
}

/// A member by its first term: where to find it.
#[derive(Debug, Clone, Copy)]
struct Entry {
    source: Source,
    group: u32,
    member: u16,
}

#[derive(Default)]
struct Lists {
    groups: Groups,
    by_first: FxHashMap<String, Vec<(u32, u16)>>,
}

impl Lists {
    fn new(groups: Groups) -> Lists {
        let mut by_first: FxHashMap<String, Vec<(u32, u16)>> = FxHashMap::default();
        for (g, group) in groups.iter().enumerate() {
            for (m, member) in group.iter().enumerate() {
                if let Some(first) = member.first() {
                    by_first
                        .entry(first.clone())
                        .or_default()
                        .push((g as u32, m as u16));
                }
            }
        }
        Lists { groups, by_first }
    }
}

/// The shipped lists, analyzed once.
struct Shipped {
    defaults: Lists,
    /// Entries `[zh, en…]`: member 0 is the Chinese word, the others its translations.
    dictionary: Lists,
}

static SHIPPED: LazyLock<Arc<Shipped>> = LazyLock::new(|| {
    Arc::new(Shipped {
        defaults: Lists::new(parse(DEFAULT_SYNONYMS)),
        dictionary: Lists::new(parse(DICTIONARY)),
    })
});

/// Tab-separated groups, one per line; `#` starts a comment line.
fn parse(text: &str) -> Groups {
    let lines: Vec<Vec<String>> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect();
    analyze_groups(&lines)
}

/// Analyzes every member as a query; drops empty members and groups left with one member.
fn analyze_groups(groups: &[Vec<String>]) -> Groups {
    let mut analyzer = trade_query_analyzer();
    groups
        .iter()
        .map(|group| {
            let mut members: Vec<Vec<String>> = Vec::new();
            for term in group {
                let terms = analyze(&mut analyzer, term.trim());
                if !terms.is_empty() && !members.contains(&terms) {
                    members.push(terms);
                }
            }
            members
        })
        .filter(|members| members.len() >= 2)
        .collect()
}

/// The synonym groups of the operators, with the shipped defaults and dictionary.
#[derive(Clone)]
pub struct Synonyms {
    operator: Arc<Lists>,
    shipped: Option<Arc<Shipped>>,
}

impl Default for Synonyms {
    /// The shipped lists without operator groups.
    fn default() -> Synonyms {
        Synonyms::with_operator_groups(&[])
    }
}

impl std::fmt::Debug for Synonyms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Synonyms")
            .field("operator_groups", &self.operator.groups.len())
            .field("shipped", &self.shipped.is_some())
            .finish()
    }
}

impl Synonyms {
    /// The operators' groups (as stored: words and phrases) on top of the shipped lists.
    pub fn with_operator_groups(groups: &[Vec<String>]) -> Synonyms {
        Synonyms {
            operator: Arc::new(Lists::new(analyze_groups(groups))),
            shipped: Some(SHIPPED.clone()),
        }
    }

    /// Only these groups, without the shipped lists (tests and benchmarks of the bare engine).
    pub fn only(groups: &[Vec<String>]) -> Synonyms {
        Synonyms {
            operator: Arc::new(Lists::new(analyze_groups(groups))),
            shipped: None,
        }
    }

    /// How many groups the shipped defaults and dictionary hold.
    pub fn shipped_sizes() -> (usize, usize) {
        (
            SHIPPED.defaults.groups.len(),
            SHIPPED.dictionary.groups.len(),
        )
    }

    fn lists(&self) -> impl Iterator<Item = (Source, &Lists)> {
        std::iter::once((Source::Operator, &*self.operator)).chain(self.shipped.iter().flat_map(
            |s| {
                [
                    (Source::Default, &s.defaults),
                    (Source::Dictionary, &s.dictionary),
                ]
            },
        ))
    }

    fn list(&self, source: Source) -> &Lists {
        match (source, &self.shipped) {
            (Source::Operator, _) | (_, None) => &self.operator,
            (Source::Default, Some(s)) => &s.defaults,
            (Source::Dictionary, Some(s)) => &s.dictionary,
        }
    }

    fn member(&self, e: Entry) -> &[String] {
        &self.list(e.source).groups[e.group as usize][e.member as usize]
    }

    /// The members that are spelled by the words at `at`: the longest span, from the first
    /// list that has it.
    fn cover_at(&self, terms: &[&str], at: usize) -> Option<(usize, Vec<Entry>)> {
        let mut best: Option<(usize, Source, Vec<Entry>)> = None;
        for (source, lists) in self.lists() {
            let Some(candidates) = lists.by_first.get(terms[at]) else {
                continue;
            };
            for &(group, member) in candidates {
                let e = Entry {
                    source,
                    group,
                    member,
                };
                let m = self.member(e);
                let fits = at + m.len() <= terms.len()
                    && terms[at..at + m.len()].iter().zip(m).all(|(a, b)| *a == b);
                if !fits {
                    continue;
                }
                match &mut best {
                    Some((len, s, entries)) if *len == m.len() && *s == source => entries.push(e),
                    Some((len, s, _)) if *len > m.len() || (*len == m.len() && *s < source) => {}
                    _ => best = Some((m.len(), source, vec![e])),
                }
            }
        }
        best.map(|(len, _, entries)| (len, entries))
    }
}

fn text_word(term: &str) -> ClauseWord {
    ClauseWord {
        term: term.to_owned(),
        raw: term.to_owned(),
        typos: false,
        field: WordField::Text,
    }
}

fn own_words(words: &[QueryWord]) -> Alt {
    Alt {
        words: words
            .iter()
            .map(|w| ClauseWord {
                term: w.term.clone(),
                raw: w.raw.clone(),
                typos: true,
                field: WordField::Text,
            })
            .collect(),
        weight: 1.0,
    }
}

/// The clauses of a query: one per word, except that a run of words that a synonym group or
/// the dictionary knows is one clause (its alternatives), and a run of Latin words that reads
/// as pinyin is one clause (the words, or the pinyin).
pub(crate) fn clauses(words: &[QueryWord], synonyms: &Synonyms) -> Vec<Clause> {
    let terms: Vec<&str> = words.iter().map(|w| w.term.as_str()).collect();
    let mut out = Vec::new();
    // Words no list covers, waiting to be read as pinyin together.
    let mut run_start = None;
    let mut i = 0;
    while i <= words.len() {
        let covered = (i < words.len())
            .then(|| synonyms.cover_at(&terms, i))
            .flatten();
        let pinyin_like =
            i < words.len() && covered.is_none() && syllable_count(&words[i].raw).is_some();
        if !pinyin_like && let Some(start) = run_start.take() {
            out.extend(pinyin_run(&words[start..i]));
        }
        if i == words.len() {
            break;
        }
        if pinyin_like {
            run_start.get_or_insert(i);
            i += 1;
            continue;
        }
        let Some((len, entries)) = covered else {
            out.push(Clause {
                alts: vec![own_words(&words[i..i + 1])],
            });
            i += 1;
            continue;
        };
        let span = &words[i..i + len];
        let mut alts = vec![own_words(span)];
        let push = |terms: &[String], weight: f32, alts: &mut Vec<Alt>| {
            if alts
                .iter()
                .any(|a| a.words.iter().map(|w| &w.term).eq(terms.iter()))
            {
                return;
            }
            alts.push(Alt {
                words: terms.iter().map(|t| text_word(t)).collect(),
                weight,
            });
        };
        for e in entries {
            let group = &synonyms.list(e.source).groups[e.group as usize];
            if e.source == Source::Dictionary {
                // The other language only: a Chinese word gives its translations, an English
                // phrase the Chinese word.
                if e.member == 0 {
                    for member in &group[1..] {
                        push(member, TRANSLATED, &mut alts);
                    }
                } else {
                    push(&group[0], TRANSLATED, &mut alts);
                }
            } else {
                let weight = if e.source == Source::Default {
                    SYNONYM
                } else {
                    1.0
                };
                for member in group {
                    push(member, weight, &mut alts);
                }
            }
        }
        out.push(Clause { alts });
        i += len;
    }
    out
}

/// The clauses of a run of Latin words that no list covers and that each read as pinyin:
/// one clause (the words, or their pinyin joined, or each word's pinyin) when they make two
/// or more syllables, else one clause per word.
fn pinyin_run(run: &[QueryWord]) -> Vec<Clause> {
    let counts: Vec<usize> = run
        .iter()
        .map(|w| syllable_count(&w.raw).unwrap_or(0))
        .collect();
    if counts.iter().sum::<usize>() < 2 {
        return run
            .iter()
            .map(|w| Clause {
                alts: vec![own_words(std::slice::from_ref(w))],
            })
            .collect();
    }
    let pinyin = |text: String| ClauseWord {
        term: text.clone(),
        raw: text,
        typos: false,
        field: WordField::Pinyin,
    };
    let mut own = own_words(run);
    // A word that reads as pinyin is not tried with typos: `baowenbei` is no misspelt English.
    for (w, n) in own.words.iter_mut().zip(&counts) {
        w.typos = *n < 2;
    }
    let joined: String = run.iter().map(|w| w.raw.as_str()).collect();
    let mut alts = vec![
        own,
        Alt {
            words: vec![pinyin(joined)],
            weight: 1.0,
        },
    ];
    if run.len() > 1 && counts.iter().all(|n| *n >= 2) {
        alts.push(Alt {
            words: run.iter().map(|w| pinyin(w.raw.clone())).collect(),
            weight: 1.0,
        });
    }
    vec![Clause { alts }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::query_words;

    fn alts(q: &str, synonyms: &Synonyms) -> Vec<Vec<String>> {
        clauses(&query_words(q), synonyms)
            .into_iter()
            .map(|c| {
                c.alts
                    .iter()
                    .map(|a| {
                        a.words
                            .iter()
                            .map(|w| match w.field {
                                WordField::Text => w.term.clone(),
                                WordField::Pinyin => format!("py:{}", w.term),
                            })
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn the_shipped_lists_load() {
        let (defaults, dictionary) = Synonyms::shipped_sizes();
        assert!(defaults >= 100, "{defaults} default groups");
        assert!(dictionary >= 2000, "{dictionary} dictionary entries");
    }

    #[test]
    fn operator_groups_come_first_and_stand_alone() {
        let only = Synonyms::only(&[vec!["ss".into(), "inox".into()]]);
        assert_eq!(alts("ss 304", &only), vec![vec!["ss", "inox"], vec!["304"]]);
        let none = Synonyms::only(&[]);
        assert_eq!(alts("ss", &none), vec![vec!["ss"]]);
        let shipped = Synonyms::default();
        let clause = &alts("ss", &shipped)[0];
        assert!(clause.iter().any(|a| a == "不锈 不锈钢"), "{clause:?}");
        let with_operator = Synonyms::with_operator_groups(&[vec!["ss".into(), "inox".into()]]);
        assert_eq!(alts("ss", &with_operator)[0], vec!["ss", "inox"]);
    }

    #[test]
    fn the_dictionary_gives_the_other_language_at_a_lower_weight() {
        let s = Synonyms::default();
        // 电饭煲 is in the dictionary only (保温杯 is a default synonym group, at full weight).
        let c = clauses(&query_words("电饭煲"), &s);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].alts[0].weight, 1.0);
        assert!(c[0].alts[1..].iter().all(|a| a.weight == TRANSLATED));
        assert!(
            c[0].alts[1..]
                .iter()
                .all(|a| a.words.iter().all(|w| w.term.is_ascii())),
            "{c:?}"
        );
    }

    #[test]
    fn pinyin_runs_are_joined() {
        let none = Synonyms::only(&[]);
        for q in ["bao wen bei", "baowenbei", "baowen bei"] {
            let a = alts(q, &none);
            assert_eq!(a.len(), 1, "{q}: {a:?}");
            assert!(a[0].contains(&"py:baowenbei".to_owned()), "{q}: {a:?}");
        }
        assert_eq!(
            alts("baowenbei buxiugang", &none)[0]
                .last()
                .map(String::as_str),
            Some("py:baowenbei py:buxiugang")
        );
        // One syllable is never pinyin; English words stay as they are.
        assert_eq!(alts("fan", &none), vec![vec!["fan"]]);
        assert_eq!(alts("stainless", &none), vec![vec!["stainless"]]);
        assert_eq!(alts("500ml baowenbei", &none)[0], vec!["500ml"]);
    }
}
