//! Storefront slugs: lowercase ASCII letters, digits and single hyphens, 3 to 60 characters.

const RESERVED: &[&str] = &[
    "api", "admin", "docs", "new", "operator", "static", "www", "help", "login",
];

pub fn is_valid_slug(slug: &str) -> bool {
    let len = slug.len();
    (3..=60).contains(&len)
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--")
        && !RESERVED.contains(&slug)
}

/// A slug from a company's English name; `None` when nothing usable is left (e.g. Chinese only).
pub fn derive_slug(name: &str) -> Option<String> {
    let mut out = String::new();
    for c in name.to_ascii_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= 50 {
            break;
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    // Common legal-form tails add nothing to a storefront address.
    let out = [
        "-co-ltd",
        "-company-limited",
        "-co-limited",
        "-ltd",
        "-limited",
        "-inc",
    ]
    .iter()
    .find_map(|tail| out.strip_suffix(tail))
    .map(str::to_owned)
    .unwrap_or(out);
    is_valid_slug(&out).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_from_english_names() {
        assert_eq!(
            derive_slug("Ningbo Haitian Precision Machinery Co., Ltd.").as_deref(),
            Some("ningbo-haitian-precision-machinery")
        );
        assert_eq!(derive_slug("宁波海天"), None);
        assert!(is_valid_slug("abc-123"));
        assert!(!is_valid_slug("Abc"));
        assert!(!is_valid_slug("a--b"));
        assert!(!is_valid_slug("api"));
    }
}
