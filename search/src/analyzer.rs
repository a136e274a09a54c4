//! Text analysis shared by indexing, querying and (later) subscription matching, so that a
//! query finds exactly what the same words in a document produce.
//!
//! 1. Normalise: full-width forms to half-width (`３０４` → `304`), traditional to simplified
//!    Chinese (`保溫杯` → `保温杯`), lower case. Offsets are mapped back to the original text.
//! 2. Segment with jieba in search mode: words and their sub-words (`不锈钢` → `不锈`, `不锈钢`).
//! 3. Alphanumeric runs stay whole (`600x600`, `m8`, `500ml`) and also give their letter and
//!    digit parts of two or more characters (`500`, `ml`), so `500 ml` finds `500ml`.
//! 4. Quantities with units also give their canonical term (`1.8升` → `1800ml`, see `units`);
//!    in a query the canonical term replaces the quantity's own words.
//! 5. Drop whitespace, punctuation and English stop words ("for", "the"); English stemming.

use std::sync::{Arc, LazyLock};

use jieba_rs::Jieba;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, RemoveLongFilter, Stemmer, StopWordFilter, TextAnalyzer, Token,
    TokenStream, Tokenizer,
};
use unicode_normalization::UnicodeNormalization;

/// The analyzer's registered name in the index.
pub const TRADE: &str = "trade";
/// The same without stemming: suggestions show words as people type them.
pub const SUGGEST: &str = "suggest";
/// Toneless pinyin of Chinese words (`crate::pinyin`).
pub const PINYIN: &str = "pinyin";
/// Pinyin with its word, for completion.
pub const PINYIN_SUGGEST: &str = "pinyin_suggest";

/// Trade terms jieba's general dictionary splits (蓝牙耳机 → 蓝牙 + 耳机); in search mode the
/// parts are still emitted, so adding a term only adds the whole word.
const TRADE_TERMS: &str = include_str!("trade_terms.txt");

pub(crate) static JIEBA: LazyLock<Arc<Jieba>> = LazyLock::new(|| {
    let mut jieba = Jieba::new();
    for term in TRADE_TERMS
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        jieba.add_word(term, None, None);
    }
    Arc::new(jieba)
});

/// Loads the dictionary now instead of on the first request.
pub fn warm_up() {
    LazyLock::force(&JIEBA);
}

/// The index's segmentation for the domain's screening (`domain::seams::Segmenter`): jieba in
/// search mode with the trade dictionary, as titles are indexed, so a blocked term matches where
/// search would find it as a word, not where its characters straddle two words.
///
/// A position is a boundary where a word or sub-word of the segmentation begins or ends, and
/// also wherever no dictionary word spans it: the words jieba's HMM makes up for characters it
/// does not know (`加微` + `信聊` for 加微信聊) are no evidence that a term straddles two words,
/// so they never keep a term from matching. Only known words do (水枪 | 支架 for 枪支).
struct JiebaSegmenter;

impl domain::seams::Segmenter for JiebaSegmenter {
    fn boundaries(&self, text: &str) -> Vec<usize> {
        let len = text.chars().count();
        let mut edge = vec![false; len + 1];
        let mut spanned = vec![false; len + 1];
        for t in JIEBA.cut_for_search(text, true) {
            edge[t.start] = true;
            edge[t.end] = true;
            if t.end - t.start >= 2 && JIEBA.has_word(t.word) {
                for p in &mut spanned[t.start + 1..t.end] {
                    *p = true;
                }
            }
        }
        (0..=len).filter(|&p| edge[p] || !spanned[p]).collect()
    }
}

/// Installs the segmentation screening uses; the program calls it at start-up, beside
/// `domain::wire()`.
pub fn install_segmenter() {
    domain::seams::install_segmenter(Box::new(JiebaSegmenter));
}

/// The full analyzer: segmentation plus folding, length limit and stemming.
pub fn trade_analyzer() -> TextAnalyzer {
    trade(TradeTokenizer::default())
}

/// The analyzer of query text: as `trade_analyzer`, but a quantity is its canonical term only.
pub fn trade_query_analyzer() -> TextAnalyzer {
    trade(TradeTokenizer::query())
}

/// Unstemmed query words, lined up one to one with `trade_query_analyzer`'s terms.
pub fn suggest_query_analyzer() -> TextAnalyzer {
    suggest(TradeTokenizer::query())
}

/// Pinyin of the Chinese words of titles, keywords and category names.
pub fn pinyin_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(crate::pinyin::PinyinTokenizer::default()).build()
}

/// Pinyin with the word it spells, for completion.
pub fn pinyin_suggest_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(crate::pinyin::PinyinTokenizer::suggest()).build()
}

fn trade(tokenizer: TradeTokenizer) -> TextAnalyzer {
    TextAnalyzer::builder(tokenizer)
        .filter(RemoveLongFilter::limit(40))
        .filter(AsciiFoldingFilter)
        .filter(
            StopWordFilter::new(Language::English)
                .unwrap_or_else(|| StopWordFilter::remove(Vec::<String>::new())),
        )
        .filter(Stemmer::new(Language::English))
        .build()
}

/// Segmentation and folding without stemming, for completion.
pub fn suggest_analyzer() -> TextAnalyzer {
    suggest(TradeTokenizer::default())
}

fn suggest(tokenizer: TradeTokenizer) -> TextAnalyzer {
    TextAnalyzer::builder(tokenizer)
        .filter(RemoveLongFilter::limit(40))
        .filter(AsciiFoldingFilter)
        .filter(
            StopWordFilter::new(Language::English)
                .unwrap_or_else(|| StopWordFilter::remove(Vec::<String>::new())),
        )
        .build()
}

/// The terms `text` produces, in order (duplicates kept).
pub fn analyze(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(token) = stream.next() {
        out.push(token.text.clone());
    }
    out
}

/// Normalises `text`; returns the normalised string and, per normalised byte, the byte offset
/// in the original where its character starts (plus one final entry for the end).
pub fn normalize(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len() + 1);
    for (offset, c) in text.char_indices() {
        let c = match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            // `mm²` is written `mm2` too.
            '²' => '2',
            _ => c,
        };
        let mut buf = [0u8; 4];
        let piece: String = if c.is_ascii() {
            c.to_ascii_lowercase().to_string()
        } else if is_cjk(c) {
            fast2s::convert(c.encode_utf8(&mut buf))
        } else {
            // Latin letters with diacritics fold to ASCII before segmentation (`é` → `e`).
            c.to_lowercase()
                .nfd()
                .filter(|d| !('\u{0300}'..='\u{036F}').contains(d))
                .collect()
        };
        for _ in 0..piece.len() {
            map.push(offset);
        }
        out.push_str(&piece);
    }
    map.push(text.len());
    (out, map)
}

pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

fn is_word(token: &str) -> bool {
    token.chars().any(char::is_alphanumeric)
}

#[derive(Clone, Default)]
pub struct TradeTokenizer {
    /// Query text: a quantity gives its canonical term instead of its own words.
    query: bool,
    tokens: Vec<Token>,
}

impl TradeTokenizer {
    pub fn query() -> TradeTokenizer {
        TradeTokenizer {
            query: true,
            tokens: Vec::new(),
        }
    }
}

pub struct TradeTokenStream<'a> {
    tokens: &'a mut [Token],
    index: usize,
}

impl<'a> TradeTokenStream<'a> {
    pub(crate) fn new(tokens: &'a mut [Token]) -> TradeTokenStream<'a> {
        TradeTokenStream { tokens, index: 0 }
    }
}

impl TokenStream for TradeTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if self.index < self.tokens.len() {
            self.index += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self.index - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.index - 1]
    }
}

impl Tokenizer for TradeTokenizer {
    type TokenStream<'a> = TradeTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> TradeTokenStream<'a> {
        self.tokens.clear();
        let (normalized, map) = normalize(text);
        let mut position = 0;
        let mut push = |tokens: &mut Vec<Token>, word: &str, start: usize, end: usize| {
            tokens.push(Token {
                offset_from: map[start],
                offset_to: map[end.min(map.len() - 1)],
                position,
                text: word.to_owned(),
                position_length: 1,
            });
            position += 1;
        };
        let quantities = crate::units::quantities(&normalized);
        let within =
            |start: usize, end: usize| quantities.iter().any(|q| q.start <= start && end <= q.end);
        for t in JIEBA.cut_for_search(&normalized, true) {
            if !is_word(t.word) {
                continue;
            }
            if self.query && within(t.byte_start, t.byte_end) {
                continue;
            }
            push(&mut self.tokens, t.word, t.byte_start, t.byte_end);
            if t.word.is_ascii() {
                for (start, part) in alnum_parts(t.word) {
                    let start = t.byte_start + start;
                    if self.query && within(start, start + part.len()) {
                        continue;
                    }
                    push(&mut self.tokens, part, start, start + part.len());
                }
            }
        }
        for q in &quantities {
            let spelled = |t: &Token| t.text == q.term;
            if self.query || !self.tokens.iter().any(spelled) {
                push(&mut self.tokens, &q.term, q.start, q.end);
            }
        }
        // End offsets must never go backwards: the snippet generator slices fragments assuming
        // they do not (it panicked on `12R22.5`, whose parts end before the whole word).
        self.tokens.sort_by_key(|t| (t.offset_to, t.offset_from));
        for (position, token) in self.tokens.iter_mut().enumerate() {
            token.position = position;
        }
        TradeTokenStream::new(&mut self.tokens)
    }
}

/// Letter and digit runs of an ASCII token when it has more than one, each of 2+ characters.
fn alnum_parts(word: &str) -> Vec<(usize, &str)> {
    let mut parts = Vec::new();
    let mut start = 0;
    let bytes = word.as_bytes();
    for i in 1..=bytes.len() {
        let boundary = i == bytes.len()
            || bytes[i].is_ascii_digit() != bytes[i - 1].is_ascii_digit()
            || !bytes[i].is_ascii_alphanumeric()
            || !bytes[i - 1].is_ascii_alphanumeric();
        if boundary {
            let part = &word[start..i];
            if part.len() >= 2 && part.bytes().all(|b| b.is_ascii_alphanumeric()) {
                parts.push((start, part));
            }
            start = i;
        }
    }
    if parts.len() <= 1 && parts.first().is_some_and(|(_, p)| p.len() == word.len()) {
        return Vec::new();
    }
    parts.retain(|(_, p)| p.len() != word.len());
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        analyze(&mut trade_analyzer(), text)
    }

    #[test]
    fn chinese_is_segmented_with_sub_words() {
        let t = terms("304不锈钢真空保温杯 500ml");
        for expected in [
            "304",
            "不锈",
            "不锈钢",
            "真空",
            "保温",
            "保温杯",
            "500ml",
            "500",
            "ml",
        ] {
            assert!(
                t.contains(&expected.to_owned()),
                "{expected} missing from {t:?}"
            );
        }
        assert!(!t.iter().any(|x| x.trim().is_empty()));
    }

    #[test]
    fn traditional_and_full_width_normalise() {
        assert_eq!(terms("保溫杯"), terms("保温杯"));
        assert_eq!(terms("３０４不鏽鋼"), terms("304不锈钢"));
        assert_eq!(terms("ＬＥＤ"), terms("led"));
    }

    #[test]
    fn english_is_stemmed_and_folded() {
        assert_eq!(terms("Bolts"), terms("bolt"));
        assert_eq!(terms("Café"), terms("cafe"));
        let t = terms("LED Panel Light 600x600 M8");
        for expected in ["led", "panel", "light", "600x600", "600", "m8"] {
            assert!(
                t.contains(&expected.to_owned()),
                "{expected} missing from {t:?}"
            );
        }
    }

    #[test]
    fn end_offsets_never_go_backwards() {
        // The snippet generator slices by end offset; going backwards made it panic (HTTP 500).
        for text in [
            "LED Panel Light 600x600 40W",
            "轮胎 12R22.5",
            "304不锈钢真空保温杯 500ml",
        ] {
            let mut analyzer = trade_analyzer();
            let mut stream = analyzer.token_stream(text);
            let mut last_end = 0;
            while let Some(token) = stream.next() {
                assert!(token.offset_to >= last_end, "{text}: {token:?}");
                last_end = token.offset_to;
            }
        }
    }

    #[test]
    fn trade_terms_and_stop_words() {
        assert!(terms("蓝牙耳机").contains(&"蓝牙耳机".to_owned()));
        assert!(terms("蓝牙耳机").contains(&"耳机".to_owned()));
        assert_eq!(
            terms("panel light for the office"),
            terms("panel light office")
        );
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let text = "ＬＥＤ灯";
        let mut analyzer = trade_analyzer();
        let mut stream = analyzer.token_stream(text);
        let first = stream.next().unwrap().clone();
        assert_eq!(&text[first.offset_from..first.offset_to], "ＬＥＤ");
    }
}
