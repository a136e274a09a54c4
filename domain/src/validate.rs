//! Collects field errors so a request learns every problem at once, not the first one.

use crate::error::FieldError;
use crate::text::{is_bidi_control, is_direction_mark, trim_text};

/// Whether a free text may span lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lines {
    One,
    Many,
}

/// Why a character has no place in free text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    Control,
    LineBreak,
    Bidi,
}

impl Refusal {
    fn code(self) -> &'static str {
        match self {
            Refusal::Control | Refusal::LineBreak => "invalid_characters",
            Refusal::Bidi => "bidi_control",
        }
    }

    fn message(self) -> &'static str {
        match self {
            Refusal::Control => "must not contain control characters",
            Refusal::LineBreak => "must be a single line (no line breaks or tabs)",
            Refusal::Bidi => "must not contain bidirectional formatting characters",
        }
    }
}

/// Multi-line texts keep line feeds and tabs (carriage returns are turned into line feeds
/// before this) and direction marks; one-line texts hold neither. Line and paragraph
/// separators (U+2028/U+2029) are refused everywhere: a text breaks lines with `\n`.
fn refused(c: char, lines: Lines) -> Option<Refusal> {
    let multi = lines == Lines::Many;
    match c {
        '\n' | '\t' if multi => None,
        '\n' | '\t' | '\r' | '\u{2028}' | '\u{2029}' => Some(Refusal::LineBreak),
        c if c.is_control() => Some(Refusal::Control),
        c if is_bidi_control(c) => Some(Refusal::Bidi),
        c if is_direction_mark(c) && !multi => Some(Refusal::Bidi),
        _ => None,
    }
}

#[derive(Debug, Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    pub fn new() -> Validator {
        Validator::default()
    }

    pub fn push(&mut self, field: impl Into<String>, code: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, code, message));
    }

    pub fn check(&mut self, ok: bool, field: &str, code: &str, message: &str) {
        if !ok {
            self.push(field, code, message);
        }
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// A required one-line text (names, titles, subjects, labels): trimmed of whitespace and
    /// invisible characters, at least `min` and at most `max` characters, without control
    /// characters (tab and line breaks included), direction controls or direction marks.
    pub fn text(&mut self, field: &str, value: &str, min: usize, max: usize) -> String {
        self.free_text(field, value, min, max, Lines::One)
    }

    /// A required text that may span lines (messages, notes, statements): as `text`, but line
    /// breaks (`\r\n` and `\r` become `\n`), tabs and direction marks are allowed.
    pub fn multiline(&mut self, field: &str, value: &str, min: usize, max: usize) -> String {
        self.free_text(field, value, min, max, Lines::Many)
    }

    /// An optional one-line text: `None`, blank and invisible-only become `None`.
    pub fn opt_text(&mut self, field: &str, value: Option<&str>, max: usize) -> Option<String> {
        self.opt_free_text(field, value, max, Lines::One)
    }

    /// An optional text that may span lines: `None`, blank and invisible-only become `None`.
    pub fn opt_multiline(
        &mut self,
        field: &str,
        value: Option<&str>,
        max: usize,
    ) -> Option<String> {
        self.opt_free_text(field, value, max, Lines::Many)
    }

    /// For edits: a new optional one-line text when one is given (`""` clears it), else the
    /// old value.
    pub fn text_or_keep(
        &mut self,
        field: &str,
        new: Option<&str>,
        old: Option<&String>,
        max: usize,
    ) -> Option<String> {
        match new {
            Some(value) => self.opt_text(field, Some(value), max),
            None => old.cloned(),
        }
    }

    /// For edits: as `text_or_keep`, for a text that may span lines.
    pub fn multiline_or_keep(
        &mut self,
        field: &str,
        new: Option<&str>,
        old: Option<&String>,
        max: usize,
    ) -> Option<String> {
        match new {
            Some(value) => self.opt_multiline(field, Some(value), max),
            None => old.cloned(),
        }
    }

    /// Rich text (HTML): at most `max` characters and the characters of a multi-line text;
    /// returns it sanitized (`text::sanitize_html`).
    pub fn html(&mut self, field: &str, value: &str, max: usize) -> String {
        self.check(
            value.chars().count() <= max,
            field,
            "too_long",
            &format!("must have at most {max} characters"),
        );
        self.characters(field, value, Lines::Many);
        crate::text::sanitize_html(value)
    }

    fn opt_free_text(
        &mut self,
        field: &str,
        value: Option<&str>,
        max: usize,
        lines: Lines,
    ) -> Option<String> {
        let value = value.filter(|v| !trim_text(v).is_empty())?;
        Some(self.free_text(field, value, 1, max, lines))
    }

    fn free_text(
        &mut self,
        field: &str,
        value: &str,
        min: usize,
        max: usize,
        lines: Lines,
    ) -> String {
        let trimmed = match lines {
            Lines::One => trim_text(value).to_owned(),
            Lines::Many => trim_text(value).replace("\r\n", "\n").replace('\r', "\n"),
        };
        let len = trimmed.chars().count();
        // The limit counts what was sent, trimmed characters included, as a form's `maxlength`
        // and the document's `maxLength` do; the minimum counts what is kept.
        let sent = value.chars().count();
        if len < min {
            if min <= 1 {
                self.push(field, "required", "must not be empty");
            } else {
                self.push(
                    field,
                    "too_short",
                    format!("must have at least {min} characters"),
                );
            }
        } else if sent > max {
            self.push(
                field,
                "too_long",
                format!("must have at most {max} characters"),
            );
        }
        self.characters(field, &trimmed, lines);
        trimmed
    }

    /// Reports the first kind of refused character in `value`, if any.
    fn characters(&mut self, field: &str, value: &str, lines: Lines) {
        if let Some(refusal) = value.chars().find_map(|c| refused(c, lines)) {
            self.push(field, refusal.code(), refusal.message());
        }
    }

    /// An optional absolute http(s) URL.
    pub fn opt_url(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let value = value.map(str::trim).filter(|v| !v.is_empty())?;
        self.url(field, value);
        Some(value.to_owned())
    }

    pub fn url(&mut self, field: &str, value: &str) {
        if !is_http_url(value) {
            self.push(
                field,
                "invalid_url",
                "must be an absolute http or https URL",
            );
        }
    }

    /// Up to `max` media ids (uploads), trimmed and lower-cased. Whose uploads they are, and
    /// for which purpose, is checked where they are attached (`media::attach`).
    pub fn media_ids(&mut self, field: &str, items: Vec<String>, max: usize) -> Vec<String> {
        if items.len() > max {
            self.push(field, "too_many", format!("at most {max} attachments"));
        }
        items
            .into_iter()
            .enumerate()
            .map(|(i, id)| {
                let id = id.trim().to_ascii_lowercase();
                if uuid::Uuid::parse_str(&id).is_err() {
                    self.push(format!("{field}[{i}]"), "invalid", "is not a media id");
                }
                id
            })
            .collect()
    }

    pub fn finish(self) -> Result<(), Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors)
        }
    }
}

/// A filter's choice, parsed with `parse`: exact, as the document's enums say; only blank (a
/// form's "any" option) is none. An unknown value is an `invalid_choice` naming `names()`.
pub fn filter_choice<T>(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: Option<&str>,
    parse: fn(&str) -> Option<T>,
    names: fn() -> String,
) -> Option<T> {
    let value = value.filter(|v| !v.is_empty())?;
    let parsed = parse(value);
    if parsed.is_none() {
        errors.push(FieldError::new(
            field,
            "invalid_choice",
            format!("must be one of: {}", names()),
        ));
    }
    parsed
}

fn is_http_url(value: &str) -> bool {
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"));
    match rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            value.len() <= 2048
                && !host.is_empty()
                && !value.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    }
}

/// Lower-cases and trims an address and checks its syntax.
pub fn normalize_email(raw: &str) -> Option<String> {
    let email = raw.trim().to_lowercase();
    if email.len() > 254 || !email_address::EmailAddress::is_valid(&email) {
        return None;
    }
    // A domain without a dot cannot receive mail from the internet.
    let domain = email.rsplit('@').next()?;
    domain.contains('.').then_some(email)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert!(is_http_url("https://img.example.com/a.png"));
        assert!(!is_http_url("javascript:alert(1)"));
        assert!(!is_http_url("https:///nohost"));
        assert!(!is_http_url("ftp://example.com/x"));
    }

    #[test]
    fn text_reports_length_in_characters() {
        let mut v = Validator::new();
        assert_eq!(v.text("name", "  保温杯  ", 1, 7), "保温杯");
        assert!(!v.has_errors());
        v.text("name", "保温杯子", 1, 3);
        assert!(v.has_errors());
    }

    #[test]
    fn the_limit_counts_what_was_sent() {
        // As `maxLength` counts: trimmed characters too, so a client that checks the
        // document's limit and the server agree.
        let mut v = Validator::new();
        let padded = format!("{}保温杯", "\u{85}".repeat(5));
        assert_eq!(v.text("name", &padded, 1, 8), "保温杯");
        assert!(!v.has_errors());
        v.text("name", &padded, 1, 7);
        assert_eq!(codes(v), vec!["too_long"]);
        let mut v = Validator::new();
        v.opt_text("note", Some(&padded), 7);
        assert_eq!(codes(v), vec!["too_long"]);
        let mut v = Validator::new();
        assert_eq!(v.opt_text("note", Some("\u{85}\u{200b} "), 1), None);
        assert!(!v.has_errors());
    }

    fn codes(v: Validator) -> Vec<String> {
        v.finish()
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.code)
            .collect()
    }

    #[test]
    fn one_line_text_refuses_controls_line_breaks_and_direction_characters() {
        for bad in ["a\nb", "a\tb", "a\u{0007}b", "a\u{0085}b", "a\u{2028}b"] {
            let mut v = Validator::new();
            v.text("name", bad, 1, 50);
            assert_eq!(codes(v), ["invalid_characters"], "{bad:?}");
        }
        for bad in ["\u{202E}gpj.exe", "a\u{2066}b\u{2069}", "a\u{200F}b"] {
            let mut v = Validator::new();
            v.text("name", bad, 1, 50);
            assert_eq!(codes(v), ["bidi_control"], "{bad:?}");
        }
    }

    #[test]
    fn multiline_text_keeps_line_breaks_and_tabs_but_not_other_controls() {
        let mut v = Validator::new();
        assert_eq!(
            v.multiline("message", "第一行\r\n\t第二行\r第三行 \u{200F}", 1, 100),
            "第一行\n\t第二行\n第三行"
        );
        assert!(!v.has_errors());
        for (bad, code) in [
            ("a\u{0000}b", "invalid_characters"),
            ("a\u{001B}[31mb", "invalid_characters"),
            ("a\u{202D}b", "bidi_control"),
        ] {
            let mut v = Validator::new();
            v.multiline("message", bad, 1, 100);
            assert_eq!(codes(v), [code], "{bad:?}");
        }
    }

    #[test]
    fn invisible_only_text_is_empty() {
        let mut v = Validator::new();
        v.text("name", "\u{200B}\u{200B}\u{FEFF}", 1, 50);
        assert_eq!(codes(v), ["required"]);
        let mut v = Validator::new();
        assert_eq!(v.opt_multiline("note", Some("\u{2060} \u{200C}"), 50), None);
        assert!(!v.has_errors());
        let mut v = Validator::new();
        v.text("title", "\u{200B}ab\u{200B}", 3, 50);
        assert_eq!(codes(v), ["too_short"]);
    }

    #[test]
    fn html_is_checked_and_sanitized() {
        let mut v = Validator::new();
        assert_eq!(
            v.html("description", "<p>好</p><script>x</script>", 100),
            "<p>好</p>"
        );
        assert!(!v.has_errors());
        v.html("description", "<p>\u{202E}cod.exe</p>", 100);
        assert_eq!(codes(v), ["bidi_control"]);
    }
}
