//! Folding text so that the usual evasions of a word list meet the word again: full-width and
//! compatibility forms (NFKC), case, traditional script, look-alike letters and digits, and
//! spaces or punctuation put between the characters.
//!
//! Two foldings of one text are kept, each character remembering where it came from, so a hit
//! can be checked against word boundaries and shown in the original:
//! - the skeleton, for terms: separators dropped, look-alikes folded (`v 1 а g r а` → `viagra`);
//! - the compact form, for patterns: separators dropped, Chinese numerals as digits
//!   (`壹叁捌 1234-5678` → `13812345678`), letters and digits as they are.

use unicode_normalization::UnicodeNormalization;

/// One folded text: its characters and, for each, the index of the original character.
#[derive(Debug, Clone, Default)]
pub struct Folded {
    pub text: String,
    /// `origin[i]` is the original character index of the i-th folded character.
    pub origin: Vec<usize>,
    /// Byte offset in `text` of the i-th folded character (plus one past the end).
    pub offsets: Vec<usize>,
}

impl Folded {
    fn push(&mut self, c: char, from: usize) {
        self.offsets.push(self.text.len());
        self.text.push(c);
        self.origin.push(from);
    }

    fn finish(mut self) -> Folded {
        self.offsets.push(self.text.len());
        self
    }

    /// The folded character index that starts at byte `offset`.
    pub fn char_at_byte(&self, offset: usize) -> usize {
        self.offsets.partition_point(|&o| o < offset)
    }
}

/// Letters and digits written to look like others, folded to one representative.
fn look_alike(c: char) -> char {
    match c {
        '0' | 'о' | 'ο' | 'σ' => 'o',
        '1' | 'l' | '|' | '!' | 'ι' | 'і' => 'i',
        '3' | 'е' | 'є' => 'e',
        '4' | '@' | 'а' | 'α' => 'a',
        '5' | '$' | 'ѕ' => 's',
        '7' | 'т' | 'τ' => 't',
        '8' | 'в' | 'β' => 'b',
        '9' => 'g',
        '2' => 'z',
        'р' | 'ρ' => 'p',
        'с' | 'ϲ' => 'c',
        'у' | 'γ' => 'y',
        'х' | 'χ' => 'x',
        'к' | 'κ' => 'k',
        'м' => 'm',
        'н' => 'h',
        'ν' => 'v',
        'ј' => 'j',
        other => other,
    }
}

fn chinese_digit(c: char) -> Option<char> {
    Some(match c {
        '零' | '〇' => '0',
        '一' | '壹' | '幺' => '1',
        '二' | '贰' | '两' => '2',
        '三' | '叁' => '3',
        '四' | '肆' => '4',
        '五' | '伍' => '5',
        '六' | '陆' => '6',
        '七' | '柒' => '7',
        '八' | '捌' => '8',
        '九' | '玖' => '9',
        _ => return None,
    })
}

/// Characters that only separate: whitespace, punctuation, symbols, joiners. Letters (any
/// script, CJK included) and digits are content.
fn is_separator(c: char) -> bool {
    !c.is_alphanumeric()
}

/// NFKC, lower case and simplified script of one original character (maybe several chars).
fn base_fold(c: char) -> Vec<char> {
    let mut out = Vec::new();
    for n in c.to_string().nfkc() {
        for l in n.to_lowercase() {
            if ('\u{4e00}'..='\u{9fff}').contains(&l) || ('\u{3400}'..='\u{4dbf}').contains(&l) {
                let mut buf = [0u8; 4];
                out.extend(fast2s::convert(l.encode_utf8(&mut buf)).chars());
            } else {
                out.push(l);
            }
        }
    }
    out
}

/// The skeleton (for terms) and the compact form (for patterns) of `text`.
pub fn fold(text: &str) -> (Folded, Folded) {
    let mut skeleton = Folded::default();
    let mut compact = Folded::default();
    for (i, c) in text.chars().enumerate() {
        for b in base_fold(c) {
            let s = look_alike(b);
            if !is_separator(s) {
                skeleton.push(s, i);
            }
            let p = chinese_digit(b).unwrap_or(b);
            if !is_separator(p) {
                compact.push(p, i);
            }
        }
    }
    (skeleton.finish(), compact.finish())
}

/// The skeleton of a rule's term (what the text's skeleton is searched for).
pub fn skeleton_of(term: &str) -> String {
    fold(term).0.text
}

/// Whether the original character is a Latin letter or digit, after folding (so a full-width
/// `Ａ` counts): terms that start or end with one must start or end at a word boundary, which
/// keeps `cialis` out of `specialist` while `c.i.a.l.i.s` still meets it.
pub fn is_word_char(c: char) -> bool {
    base_fold(c)
        .into_iter()
        .any(|b| b.is_ascii_alphanumeric() || matches!(b, 'а'..='я' | 'α'..='ω'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evasions_fold_to_the_word() {
        for variant in [
            "viagra",
            "V I A G R A",
            "v.i.a.g.r.a",
            "ＶＩＡＧＲＡ",
            "v1agra",
            "vi@gr@",
            "viаgrа", // Cyrillic а
            "v-i_a*g/r\\a",
        ] {
            assert_eq!(skeleton_of(variant), skeleton_of("viagra"), "{variant}");
        }
        assert_eq!(skeleton_of("象 牙"), "象牙");
        assert_eq!(skeleton_of("象-牙"), "象牙");
        assert_eq!(skeleton_of("電子煙"), skeleton_of("电子烟"));
        assert_eq!(skeleton_of("電 子 煙"), "电子烟");
    }

    #[test]
    fn compact_form_reads_numbers() {
        let (_, compact) = fold("电话：壹叁捌 1234-5678");
        assert!(compact.text.contains("13812345678"), "{}", compact.text);
        let (_, compact) = fold("①③⑧");
        assert_eq!(compact.text, "138");
    }

    #[test]
    fn origins_point_at_the_original_characters() {
        let (skeleton, _) = fold("a b");
        assert_eq!(skeleton.text, "ab");
        assert_eq!(skeleton.origin, vec![0, 2]);
        assert!(is_word_char('Ａ'));
        assert!(!is_word_char('象'));
        assert!(!is_word_char(' '));
    }
}
