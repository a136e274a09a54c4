//! Rich text from users: only a safe subset of HTML survives.

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
}
