//! The compiled rule set and the matching of one text against it.

use aho_corasick::{AhoCorasick, MatchKind};
use regex::Regex;
use serde::{Deserialize, Serialize};

use super::model::{Rule, RuleAction, RuleKind};
use super::normalize::{Folded, fold, is_word_char, skeleton_of};
use crate::seams::Segmenter;

/// One rule that matched one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hit {
    pub rule_id: String,
    pub action: RuleAction,
    pub category: String,
    pub field: String,
    /// The matched part of the original text, as written.
    pub excerpt: String,
}

struct Term {
    rule: usize,
    /// Whether the term's first/last folded character is a Latin letter or digit (then the
    /// match must start/end at a word boundary of the original text).
    bounded_start: bool,
    bounded_end: bool,
    /// Whether the term's first/last folded character is Chinese (then the match must
    /// start/end at a word boundary of the segmented skeleton, see `seams::Segmenter`).
    segmented_start: bool,
    segmented_end: bool,
}

struct Pattern {
    rule: usize,
    regex: Regex,
}

/// All enabled rules, compiled once per rule-set version.
pub struct Engine {
    rules: Vec<Rule>,
    terms: Option<AhoCorasick>,
    term_info: Vec<Term>,
    /// Per rule: the skeletons of its exception phrases.
    exceptions: Vec<Vec<String>>,
    patterns: Vec<Pattern>,
}

/// Regexes are operator input: bounded in size so a rule cannot exhaust memory.
pub(crate) fn compile_pattern(text: &str) -> Result<Regex, regex::Error> {
    regex::RegexBuilder::new(text)
        .case_insensitive(true)
        .size_limit(1 << 20)
        .dfa_size_limit(1 << 20)
        .build()
}

fn starts_latin(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
}

fn ends_latin(s: &str) -> bool {
    s.chars().last().is_some_and(|c| c.is_ascii_alphanumeric())
}

/// Han characters (the CJK unified ideographs and their extensions and compatibility forms).
fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4dbf}'
        | '\u{4e00}'..='\u{9fff}'
        | '\u{f900}'..='\u{faff}'
        | '\u{20000}'..='\u{3134f}')
}

/// Where words begin and end in a skeleton, by character position (`len + 1` entries).
struct Cuts(Vec<bool>);

impl Cuts {
    /// The segmentation of the skeleton, which has the evasions folded away (separators
    /// dropped, traditional as simplified, full width as half), so `枪-支` is segmented as `枪支`.
    /// `None` without a segmenter: terms then match as substrings.
    fn of(skeleton: &Folded, segmenter: Option<&dyn Segmenter>) -> Option<Cuts> {
        let segmenter = segmenter?;
        let len = skeleton.origin.len();
        let mut cuts = vec![false; len + 1];
        cuts[0] = true;
        cuts[len] = true;
        for at in segmenter.boundaries(&skeleton.text) {
            if at <= len {
                cuts[at] = true;
            }
        }
        // Between two characters that are not both Han (a Latin word next to a Chinese one)
        // there is always a boundary, whatever the segmenter says.
        let chars: Vec<char> = skeleton.text.chars().collect();
        for i in 1..len {
            if !(is_han(chars[i - 1]) && is_han(chars[i])) {
                cuts[i] = true;
            }
        }
        Some(Cuts(cuts))
    }
}

impl Engine {
    pub fn new(rules: Vec<Rule>) -> Engine {
        let mut skeletons = Vec::new();
        let mut term_info = Vec::new();
        let mut patterns = Vec::new();
        let mut exceptions = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            exceptions.push(
                rule.exceptions
                    .iter()
                    .map(|e| skeleton_of(e))
                    .filter(|e| !e.is_empty())
                    .collect(),
            );
            match rule.kind {
                RuleKind::Term => {
                    let skeleton = skeleton_of(&rule.text);
                    if skeleton.is_empty() {
                        continue;
                    }
                    term_info.push(Term {
                        rule: i,
                        bounded_start: starts_latin(&skeleton),
                        bounded_end: ends_latin(&skeleton),
                        segmented_start: skeleton.chars().next().is_some_and(is_han),
                        segmented_end: skeleton.chars().last().is_some_and(is_han),
                    });
                    skeletons.push(skeleton);
                }
                RuleKind::Pattern => match compile_pattern(&rule.text) {
                    Ok(regex) => patterns.push(Pattern { rule: i, regex }),
                    Err(e) => tracing::warn!(rule = rule.id, error = %e, "pattern rule skipped"),
                },
            }
        }
        let terms = if skeletons.is_empty() {
            None
        } else {
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .build(&skeletons)
                .ok()
        };
        Engine {
            rules,
            terms,
            term_info,
            exceptions,
            patterns,
        }
    }

    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }

    /// Every rule that matches any of the fields (one hit per rule and field), with the
    /// installed segmenter.
    pub fn screen(&self, fields: &[(&str, &str)]) -> Vec<Hit> {
        self.screen_with(fields, crate::seams::segmenter())
    }

    /// `screen` with the given segmenter (`None`: Chinese terms match as substrings).
    pub fn screen_with(
        &self,
        fields: &[(&str, &str)],
        segmenter: Option<&dyn Segmenter>,
    ) -> Vec<Hit> {
        let mut hits = Vec::new();
        for (field, text) in fields {
            if text.trim().is_empty() {
                continue;
            }
            let original: Vec<char> = text.chars().collect();
            let (skeleton, compact) = fold(text);
            let mut matched_rules: Vec<usize> = Vec::new();
            let mut record = |rule: usize, from: usize, to: usize, hits: &mut Vec<Hit>| {
                if matched_rules.contains(&rule) {
                    return;
                }
                matched_rules.push(rule);
                let r = &self.rules[rule];
                hits.push(Hit {
                    rule_id: r.id.clone(),
                    action: r.action,
                    category: r.category.clone(),
                    field: (*field).to_owned(),
                    excerpt: original[from..=to].iter().collect(),
                });
            };
            if let Some(ac) = &self.terms {
                // Segmented once per field, and only when a Chinese term is found at all.
                let mut cuts: Option<Option<Cuts>> = None;
                for m in ac.find_overlapping_iter(&skeleton.text) {
                    let info = &self.term_info[m.pattern().as_usize()];
                    let start = skeleton.char_at_byte(m.start());
                    let end = skeleton.char_at_byte(m.end()) - 1;
                    if !self.at_boundaries(info, &skeleton, &original, start, end)
                        || self.excepted(info.rule, &skeleton, m.start(), m.end())
                    {
                        continue;
                    }
                    if info.segmented_start || info.segmented_end {
                        let cuts = cuts.get_or_insert_with(|| Cuts::of(&skeleton, segmenter));
                        if let Some(Cuts(cut)) = cuts
                            && ((info.segmented_start && !cut[start])
                                || (info.segmented_end && !cut[end + 1]))
                        {
                            // The term's characters straddle two words (水枪|支架 for 枪支).
                            continue;
                        }
                    }
                    record(
                        info.rule,
                        skeleton.origin[start],
                        skeleton.origin[end],
                        &mut hits,
                    );
                }
            }
            for p in &self.patterns {
                if let Some(m) = p.regex.find(&compact.text)
                    && m.end() > m.start()
                {
                    let start = compact.char_at_byte(m.start());
                    let end = compact.char_at_byte(m.end()) - 1;
                    record(
                        p.rule,
                        compact.origin[start],
                        compact.origin[end],
                        &mut hits,
                    );
                }
            }
        }
        hits
    }

    fn at_boundaries(
        &self,
        info: &Term,
        skeleton: &Folded,
        original: &[char],
        start: usize,
        end: usize,
    ) -> bool {
        let first = skeleton.origin[start];
        let last = skeleton.origin[end];
        let before_ok = !info.bounded_start || first == 0 || !is_word_char(original[first - 1]);
        let after_ok =
            !info.bounded_end || last + 1 >= original.len() || !is_word_char(original[last + 1]);
        before_ok && after_ok
    }

    /// Whether the match lies inside an occurrence of one of the rule's exception phrases.
    fn excepted(&self, rule: usize, skeleton: &Folded, start: usize, end: usize) -> bool {
        self.exceptions[rule].iter().any(|exception| {
            skeleton
                .text
                .match_indices(exception.as_str())
                .any(|(at, s)| at <= start && end <= at + s.len())
        })
    }
}

/// The strongest action among the hits (`None` when nothing matched).
pub fn outcome(hits: &[Hit]) -> Option<RuleAction> {
    hits.iter().map(|h| h.action).max_by_key(|a| a.severity())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::screening::model::RuleKind;

    fn rule(id: &str, kind: RuleKind, text: &str, action: RuleAction, exceptions: &[&str]) -> Rule {
        let at = crate::clock::now();
        Rule {
            id: id.into(),
            kind,
            text: text.into(),
            action,
            category: "prohibited_goods".into(),
            exceptions: exceptions.iter().map(|e| e.to_string()).collect(),
            note: None,
            enabled: true,
            created_by: String::new(),
            created_at: at,
            updated_at: at,
        }
    }

    fn engine() -> Engine {
        Engine::new(vec![
            rule(
                "ivory",
                RuleKind::Term,
                "象牙",
                RuleAction::Block,
                &["象牙白", "象牙色"],
            ),
            rule("cigs", RuleKind::Term, "电子烟", RuleAction::Review, &[]),
            rule("viagra", RuleKind::Term, "viagra", RuleAction::Block, &[]),
            rule("cialis", RuleKind::Term, "cialis", RuleAction::Block, &[]),
            rule(
                "rolex",
                RuleKind::Term,
                "replica rolex",
                RuleAction::Block,
                &[],
            ),
            rule("wechat", RuleKind::Term, "加微信", RuleAction::Flag, &[]),
            rule(
                "mobile",
                RuleKind::Pattern,
                r"1[3-9]\d{9}",
                RuleAction::Flag,
                &[],
            ),
        ])
    }

    fn ids(text: &str) -> Vec<String> {
        engine()
            .screen(&[("title", text)])
            .into_iter()
            .map(|h| h.rule_id)
            .collect()
    }

    #[test]
    fn evasions_are_caught() {
        for text in [
            "天然象牙雕刻",
            "天然象 牙雕刻",
            "天然象*牙雕刻",
            "天然象　牙",  // ideographic space
            "純天然象牙",  // traditional context
            "電子煙 批發", // traditional script
            "电 子 烟",
            "cheap VIAGRA pills",
            "cheap v i a g r a",
            "cheap v1agra",
            "cheap ｖｉａｇｒａ", // full width
            "cheap viаgrа",       // Cyrillic а
            "c.i.a.l.i.s 20mg",
            "Replica  Rolex watches",
            "replica-r0lex",
            "详情加微信",
            "详情加 薇 信",
            "电话 138 1234 5678",
            "电话壹叁捌-1234-5678",
            "电话 ①③⑧12345678",
        ] {
            if text.contains('薇') {
                // A different character, not a look-alike fold: a rule must list it.
                assert!(ids(text).is_empty(), "{text}");
                continue;
            }
            assert!(!ids(text).is_empty(), "{text} passed");
        }
    }

    #[test]
    fn ordinary_text_passes() {
        for text in [
            "象牙白陶瓷餐具套装",
            "象牙色PVC地板",
            "specialist in CNC machining",
            "special isotope labels",
            "electronic cigarette case? no: 电子烟盒 is flagged, but 电子元件 is not",
            "Rolex-style display stand",
            "M8 镀锌六角螺栓 1000 pcs",
            "304不锈钢保温杯 500ml",
            "订单号 20261122",
        ] {
            let found = ids(text);
            if text.contains("电子烟") {
                assert_eq!(found, vec!["cigs".to_string()], "{text}");
            } else {
                assert!(found.is_empty(), "{text} matched {found:?}");
            }
        }
    }

    /// Longest-match segmentation over a tiny dictionary (the real one is jieba's, installed by
    /// the search crate).
    struct Dictionary(&'static [&'static str]);

    impl Segmenter for Dictionary {
        fn boundaries(&self, text: &str) -> Vec<usize> {
            let chars: Vec<char> = text.chars().collect();
            let mut out = vec![0];
            let mut i = 0;
            while i < chars.len() {
                let len = (2..=4)
                    .rev()
                    .find(|&n| {
                        i + n <= chars.len()
                            && self
                                .0
                                .contains(&chars[i..i + n].iter().collect::<String>().as_str())
                    })
                    .unwrap_or(1);
                i += len;
                out.push(i);
            }
            out
        }
    }

    #[test]
    fn chinese_terms_match_on_word_boundaries_when_segmented() {
        let words = Dictionary(&[
            "水枪", "支架", "枪支", "天然", "象牙", "雕刻", "电子", "烟花", "大象", "牙膏",
        ]);
        let engine = Engine::new(vec![
            rule("guns", RuleKind::Term, "枪支", RuleAction::Block, &[]),
            rule("ivory", RuleKind::Term, "象牙", RuleAction::Block, &[]),
            rule("cigs", RuleKind::Term, "电子烟", RuleAction::Review, &[]),
        ]);
        let hit = |text: &str| {
            !engine
                .screen_with(&[("title", text)], Some(&words))
                .is_empty()
        };
        for blocked in [
            "出售枪支",
            "枪-支 配件",
            "枪 支",
            "天然象牙雕刻",
            "天然象．牙",
            "電子煙 批發",
        ] {
            assert!(hit(blocked), "{blocked} passed");
        }
        for benign in ["高压水枪支架", "电子烟花", "卡通大象牙膏"] {
            assert!(!hit(benign), "{benign} was matched");
            // Without a segmenter the same titles match as substrings (the fallback).
            assert!(!engine.screen_with(&[("title", benign)], None).is_empty());
        }
    }

    #[test]
    fn hits_show_the_original_words_and_the_strongest_action() {
        let hits = engine().screen(&[("title", "Ｖ-I-A-G-R-A 加微信"), ("description", "电子烟")]);
        assert_eq!(hits[0].excerpt, "Ｖ-I-A-G-R-A");
        assert_eq!(hits[0].field, "title");
        assert_eq!(outcome(&hits), Some(RuleAction::Block));
        let review = engine().screen(&[("description", "電子煙")]);
        assert_eq!(outcome(&review), Some(RuleAction::Review));
        assert_eq!(outcome(&[]), None);
    }
}
