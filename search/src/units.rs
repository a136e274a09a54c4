//! Quantities with units (`1.8升`, `1.8L`, `1800 ml`), read from normalised text (lower case,
//! half-width) and written in one canonical unit per dimension, so that every notation and scale
//! of the same quantity gives the same term: `1800ml`. Documents keep their own words and gain
//! the canonical term; a query's quantity is searched by its canonical term alone, so `1.8升`
//! finds `1800ml` and never `18l`.

/// A quantity found in a text: its byte range (number and unit) and its canonical term.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    pub start: usize,
    pub end: usize,
    pub term: String,
}

/// Unit spellings, their canonical unit and the factor to it. Longer spellings of the same
/// start are found first (the table is searched longest first).
const UNITS: &[(&str, &str, f64)] = &[
    // volume → ml
    ("ml", "ml", 1.0),
    ("毫升", "ml", 1.0),
    ("l", "ml", 1000.0),
    ("liter", "ml", 1000.0),
    ("liters", "ml", 1000.0),
    ("litre", "ml", 1000.0),
    ("litres", "ml", 1000.0),
    ("升", "ml", 1000.0),
    // mass → g
    ("mg", "g", 0.001),
    ("毫克", "g", 0.001),
    ("g", "g", 1.0),
    ("gram", "g", 1.0),
    ("grams", "g", 1.0),
    ("克", "g", 1.0),
    ("kg", "g", 1000.0),
    ("kgs", "g", 1000.0),
    ("公斤", "g", 1000.0),
    ("千克", "g", 1000.0),
    ("斤", "g", 500.0),
    ("t", "g", 1_000_000.0),
    ("ton", "g", 1_000_000.0),
    ("tons", "g", 1_000_000.0),
    ("tonne", "g", 1_000_000.0),
    ("tonnes", "g", 1_000_000.0),
    ("吨", "g", 1_000_000.0),
    ("lb", "g", 453.592),
    ("lbs", "g", 453.592),
    // length → mm
    ("mm", "mm", 1.0),
    ("毫米", "mm", 1.0),
    ("cm", "mm", 10.0),
    ("厘米", "mm", 10.0),
    ("公分", "mm", 10.0),
    ("m", "mm", 1000.0),
    ("米", "mm", 1000.0),
    ("meter", "mm", 1000.0),
    ("meters", "mm", 1000.0),
    ("metre", "mm", 1000.0),
    ("metres", "mm", 1000.0),
    ("km", "mm", 1_000_000.0),
    ("公里", "mm", 1_000_000.0),
    ("inch", "mm", 25.4),
    ("inches", "mm", 25.4),
    ("英寸", "mm", 25.4),
    ("\"", "mm", 25.4),
    ("″", "mm", 25.4),
    ("ft", "mm", 304.8),
    ("feet", "mm", 304.8),
    ("foot", "mm", 304.8),
    ("英尺", "mm", 304.8),
    // wire cross-section and area → mm2 (`平方` alone is a wire's mm²)
    ("mm2", "mm2", 1.0),
    ("sqmm", "mm2", 1.0),
    ("平方", "mm2", 1.0),
    ("平方毫米", "mm2", 1.0),
    ("平方米", "mm2", 1_000_000.0),
    ("平米", "mm2", 1_000_000.0),
    ("m2", "mm2", 1_000_000.0),
    // power → w
    ("w", "w", 1.0),
    ("watt", "w", 1.0),
    ("watts", "w", 1.0),
    ("瓦", "w", 1.0),
    ("kw", "w", 1000.0),
    ("千瓦", "w", 1000.0),
    ("hp", "w", 745.7),
    ("马力", "w", 745.7),
    // voltage → v
    ("v", "v", 1.0),
    ("volt", "v", 1.0),
    ("volts", "v", 1.0),
    ("伏", "v", 1.0),
    ("伏特", "v", 1.0),
    ("kv", "v", 1000.0),
    ("千伏", "v", 1000.0),
    // current → a
    ("a", "a", 1.0),
    ("amp", "a", 1.0),
    ("amps", "a", 1.0),
    ("安", "a", 1.0),
    ("安培", "a", 1.0),
    ("ma", "a", 0.001),
    ("毫安", "a", 0.001),
    // battery capacity → mah
    ("mah", "mah", 1.0),
    ("毫安时", "mah", 1.0),
    ("ah", "mah", 1000.0),
    ("安时", "mah", 1000.0),
];

/// The canonical spelling of a value: at most three decimals, no trailing zeros.
fn format_value(v: f64) -> String {
    let s = format!("{:.3}", v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_owned()
}

/// The longest unit spelled at the start of `rest`, if it ends there (an ASCII unit must not
/// run on into more letters: `5 min` has no `m`).
fn unit_at(rest: &str) -> Option<(&'static str, &'static str, f64)> {
    let mut best: Option<(&'static str, &'static str, f64)> = None;
    for &(spelling, canonical, factor) in UNITS {
        if !rest.starts_with(spelling) || best.is_some_and(|b| b.0.len() >= spelling.len()) {
            continue;
        }
        let after = rest[spelling.len()..].chars().next();
        let runs_on = spelling.is_ascii()
            && spelling.chars().all(|c| c.is_ascii_alphabetic())
            && after.is_some_and(|c| c.is_ascii_alphanumeric());
        if !runs_on {
            best = Some((spelling, canonical, factor));
        }
    }
    best
}

/// Every quantity in `text` (normalised: lower case, half-width).
pub fn quantities(text: &str) -> Vec<Quantity> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        // A number glued to letters before it is a model number (`cat6a`, `m8`), except for
        // the `x` of dimensions (`600x600mm`).
        let before = text[..start].chars().next_back();
        let glued = before.is_some_and(|c| {
            c == '.' || c == ',' || (c.is_ascii_alphabetic() && c != 'x') || c.is_ascii_digit()
        });
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i + 1 < bytes.len() && bytes[i] == b'.' && bytes[i + 1].is_ascii_digit() {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
        }
        if glued {
            continue;
        }
        let number_end = i;
        let mut j = number_end;
        while j < bytes.len() && bytes[j] == b' ' {
            j += 1;
        }
        let Some((spelling, canonical, factor)) = unit_at(&text[j..]) else {
            continue;
        };
        // A lone letter after a space is a word, not a unit (`3 a day`).
        if j > number_end && spelling.len() == 1 && spelling.is_ascii() {
            continue;
        }
        let Ok(value) = text[start..number_end].parse::<f64>() else {
            continue;
        };
        let end = j + spelling.len();
        out.push(Quantity {
            start,
            end,
            term: format!("{}{canonical}", format_value(value * factor)),
        });
        i = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        quantities(text).into_iter().map(|q| q.term).collect()
    }

    #[test]
    fn notations_and_scales_meet() {
        for same in [
            &["1.8升", "1.8l", "1800ml", "1800 毫升", "1.8 litre"][..],
            &["20斤", "10kg", "10公斤", "10千克", "10000g"],
            &["4.5厘米", "45mm", "4.5cm", "45毫米"],
            &["7.5千瓦", "7.5kw", "7500w"],
            &["1.5平方", "1.5mm2", "1.5 sqmm"],
            &["220v", "220伏", "0.22kv"],
            &["2a", "2安", "2000ma"],
            &["10000mah", "10000毫安时", "10ah"],
            &["2吨", "2t", "2 tons", "2000kg"],
            &["55英寸", "55 inch", "55\""],
            &["1.2米", "1.2m", "120cm", "1200mm"],
        ] {
            let first = terms(same[0]);
            assert_eq!(first.len(), 1, "{}", same[0]);
            for other in same {
                assert_eq!(terms(other), first, "{other} vs {}", same[0]);
            }
        }
    }

    #[test]
    fn different_quantities_differ() {
        assert_ne!(terms("1.8l"), terms("18l"));
        assert_ne!(terms("1.5mm2"), terms("2.5mm2"));
        assert_ne!(terms("40w"), terms("48w"));
    }

    #[test]
    fn model_numbers_and_words_are_not_quantities() {
        for text in [
            "m8",
            "cat6a",
            "vmc850",
            "5 minutes",
            "12r22.5",
            "ip65",
            "3 in 1",
        ] {
            assert!(terms(text).is_empty(), "{text}: {:?}", terms(text));
        }
        assert_eq!(terms("600x600mm"), vec!["600mm"]);
        assert_eq!(terms("led 40w 600x600"), vec!["40w"]);
    }

    #[test]
    fn spans_cover_number_and_unit() {
        let q = &quantities("杯子 1.8 升装")[0];
        assert_eq!(&"杯子 1.8 升装"[q.start..q.end], "1.8 升");
    }
}
