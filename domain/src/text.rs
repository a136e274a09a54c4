//! Text from users: which characters free text may hold, and rich text, where only a safe
//! subset of HTML survives.

use std::collections::HashSet;
use std::sync::LazyLock;

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let tags: HashSet<&str> = [
        "p",
        "br",
        "strong",
        "b",
        "em",
        "i",
        "u",
        "ul",
        "ol",
        "li",
        "h3",
        "h4",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "blockquote",
        "a",
        "img",
    ]
    .into_iter()
    .collect();
    let mut builder = ammonia::Builder::default();
    builder
        .tags(tags)
        .url_schemes(["http", "https"].into_iter().collect())
        .link_rel(Some("nofollow noopener noreferrer ugc"));
    builder
});

/// Removes scripts, event handlers, styles and unknown tags; keeps text and basic structure.
pub fn sanitize_html(input: &str) -> String {
    CLEANER.clean(input.trim()).to_string()
}

/// The text of sanitized HTML without tags (for search and plain-text e-mail).
pub fn plain_text(html: &str) -> String {
    let text = ammonia::Builder::empty()
        .clean(&html.replace("</p>", "</p> ").replace("<br>", " "))
        .to_string();
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Characters that change the direction of the text around them (embeddings, overrides and
/// isolates): they make a name or a message display differently from what it is ("Trojan
/// Source"), so free text never holds them.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The direction marks (LRM, RLM, ALM): invisible, legitimate inside right-to-left prose, but
/// with no place in a one-line name or title.
pub fn is_direction_mark(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Characters that take no room on screen and are not whitespace: zero-width spaces and
/// joiners, direction marks, the byte-order mark, variation selectors, tags, fillers. A text
/// made only of these (and whitespace) counts as empty. Direction controls are not among them:
/// they are refused, not trimmed.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2060}'..='\u{2065}'
            | '\u{206A}'..='\u{206F}'
            | '\u{2800}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{1D159}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E007F}'
            | '\u{E0100}'..='\u{E01EF}'
    )
}

/// `value` without leading and trailing whitespace and invisible characters.
pub fn trim_text(value: &str) -> &str {
    value.trim_matches(|c: char| c.is_whitespace() || is_invisible(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_script_and_handlers() {
        let out = sanitize_html("<p onclick=\"x()\">好<script>alert(1)</script></p>");
        assert_eq!(out, "<p>好</p>");
        let out = sanitize_html("<a href=\"javascript:alert(1)\">x</a>");
        assert!(!out.contains("javascript"));
    }

    #[test]
    fn plain_text_drops_tags_and_entities() {
        assert_eq!(
            plain_text("<p>304 &amp; 316</p><p>不锈钢</p>"),
            "304 & 316 不锈钢"
        );
    }

    #[test]
    fn invisible_only_text_trims_to_nothing() {
        assert_eq!(trim_text("\u{200B}\u{FEFF} \u{2060}\u{3000}\u{3164}"), "");
        assert_eq!(trim_text("\u{200B}保温杯\u{200D}"), "保温杯");
        // A joiner inside the text is part of it (emoji sequences, Persian).
        assert_eq!(trim_text("a\u{200D}b"), "a\u{200D}b");
    }

    #[test]
    fn bidi_controls_and_marks() {
        for c in ['\u{202A}', '\u{202E}', '\u{2066}', '\u{2069}'] {
            assert!(is_bidi_control(c));
        }
        assert!(!is_bidi_control('\u{200F}'));
        assert!(is_direction_mark('\u{200F}'));
        assert!(!is_bidi_control('a') && !is_direction_mark('中'));
        assert_eq!(trim_text("Admin\u{202E}"), "Admin\u{202E}");
    }
}
