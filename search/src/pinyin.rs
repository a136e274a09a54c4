//! Toneless pinyin of Chinese words, and reading a Latin query as pinyin.
//!
//! Documents: titles, keywords and category names are segmented with the same jieba
//! dictionary as the text fields, and every word (sub-words included: 保温杯 → 保温, 保温杯)
//! is written as its toneless pinyin in one piece (`baowenbei`, `baowen`). Each character takes
//! its most common reading (`pinyin` crate); `ü` is written `v`, as on a keyboard.
//!
//! Queries: a run of Latin words that all read as pinyin syllables is joined (`bao wen bei` →
//! `baowenbei`) and matched against those pieces. Only readings of two or more syllables are
//! tried, so a single syllable (`fan`, `pen`, `tea` as `te`+`a` is two, but is no Chinese word)
//! never reaches Chinese words through pinyin.

use std::collections::HashSet;
use std::sync::LazyLock;

use pinyin::ToPinyin;
use tantivy::tokenizer::{Token, Tokenizer};

use crate::analyzer::{JIEBA, TradeTokenStream, is_cjk, normalize};

/// Every toneless syllable the `pinyin` crate gives a character in the main CJK block.
static SYLLABLES: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    let mut set: HashSet<&'static str> = HashSet::new();
    for code in 0x4E00u32..=0x9FFF {
        if let Some(p) = char::from_u32(code).and_then(|c| c.to_pinyin()) {
            let plain = p.plain();
            if plain.is_ascii() {
                set.insert(plain);
            }
        }
    }
    // `ü` is typed `v`.
    for s in ["lv", "nv", "lve", "nve"] {
        set.insert(s);
    }
    set
});

const LONGEST_SYLLABLE: usize = 6;

/// The toneless pinyin of a word made only of Chinese characters; `None` when any character
/// has no reading.
pub fn word_pinyin(word: &str) -> Option<String> {
    let mut out = String::with_capacity(word.len() * 2);
    for c in word.chars() {
        if !is_cjk(c) {
            return None;
        }
        let plain = c.to_pinyin()?.plain();
        for ch in plain.chars() {
            out.push(if ch == 'ü' { 'v' } else { ch });
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The fewest syllables `word` splits into, if it reads as pinyin at all.
pub fn syllable_count(word: &str) -> Option<usize> {
    if word.is_empty() || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    let n = word.len();
    let mut best: Vec<Option<usize>> = vec![None; n + 1];
    best[0] = Some(0);
    for end in 1..=n {
        for start in end.saturating_sub(LONGEST_SYLLABLE)..end {
            if let Some(before) = best[start]
                && SYLLABLES.contains(&word[start..end])
            {
                let count = before + 1;
                if best[end].is_none_or(|b| count < b) {
                    best[end] = Some(count);
                }
            }
        }
    }
    best[n]
}

/// Tokenizer of the `pinyin` field: the pinyin of every Chinese word and sub-word. With
/// `suggest`, each term also carries the word itself (`baowenbei\u{1f}保温杯`), so completion
/// can show the Chinese word for a pinyin prefix.
#[derive(Clone, Default)]
pub struct PinyinTokenizer {
    pub suggest: bool,
    tokens: Vec<Token>,
}

impl PinyinTokenizer {
    pub fn suggest() -> PinyinTokenizer {
        PinyinTokenizer {
            suggest: true,
            tokens: Vec::new(),
        }
    }
}

/// Separates a pinyin term from its word in the suggestion field.
pub const SUGGEST_SEPARATOR: char = '\u{1f}';

impl Tokenizer for PinyinTokenizer {
    type TokenStream<'a> = TradeTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> TradeTokenStream<'a> {
        self.tokens.clear();
        let (normalized, map) = normalize(text);
        for t in JIEBA.cut_for_search(&normalized, true) {
            let Some(pinyin) = word_pinyin(t.word) else {
                continue;
            };
            let text = if self.suggest {
                format!("{pinyin}{SUGGEST_SEPARATOR}{}", t.word)
            } else {
                pinyin
            };
            self.tokens.push(Token {
                offset_from: map[t.byte_start],
                offset_to: map[t.byte_end.min(map.len() - 1)],
                position: self.tokens.len(),
                text,
                position_length: 1,
            });
        }
        TradeTokenStream::new(&mut self.tokens)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyzer::{analyze, pinyin_analyzer};

    #[test]
    fn words_and_sub_words_are_written_in_pinyin() {
        let terms = analyze(&mut pinyin_analyzer(), "不锈钢保溫杯 500ml");
        for t in ["buxiu", "buxiugang", "baowen", "baowenbei"] {
            assert!(terms.contains(&t.to_owned()), "{t} missing from {terms:?}");
        }
        assert!(!terms.iter().any(|t| t.contains("500")));
        assert_eq!(word_pinyin("绿茶").as_deref(), Some("lvcha"));
    }

    #[test]
    fn latin_words_read_as_syllables() {
        assert_eq!(syllable_count("baowenbei"), Some(3));
        assert_eq!(syllable_count("bao"), Some(1));
        assert_eq!(syllable_count("xian"), Some(1));
        assert_eq!(syllable_count("fan"), Some(1));
        assert_eq!(syllable_count("stainless"), None);
        assert_eq!(syllable_count("led"), None);
        assert_eq!(syllable_count("chongdianbao"), Some(3));
    }
}
