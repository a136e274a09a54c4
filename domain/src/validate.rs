//! Collects field errors so a request learns every problem at once, not the first one.

use crate::error::FieldError;

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

    /// A required text: trimmed, at least `min` and at most `max` characters.
    pub fn text(&mut self, field: &str, value: &str, min: usize, max: usize) -> String {
        let trimmed = value.trim();
        let len = trimmed.chars().count();
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
        } else if len > max {
            self.push(
                field,
                "too_long",
                format!("must have at most {max} characters"),
            );
        }
        if trimmed
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
        {
            self.push(
                field,
                "invalid_characters",
                "must not contain control characters",
            );
        }
        trimmed.to_owned()
    }

    /// An optional text: `None` and blank become `None`.
    pub fn opt_text(&mut self, field: &str, value: Option<&str>, max: usize) -> Option<String> {
        let value = value.map(str::trim).filter(|v| !v.is_empty())?;
        Some(self.text(field, value, 1, max))
    }

    /// For edits: a new optional text when one is given (`""` clears it), else the old value.
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

    pub fn finish(self) -> Result<(), Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors)
        }
    }
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
        assert_eq!(v.text("name", "  保温杯  ", 1, 3), "保温杯");
        assert!(!v.has_errors());
        v.text("name", "保温杯子", 1, 3);
        assert!(v.has_errors());
    }
}
