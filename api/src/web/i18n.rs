//! Interface text from the catalogs in `api/locales/{zh,en}.yml` (rust-i18n, compiled in).

use super::lang::Lang;

/// The text of `key` in `lang`; a key missing from the catalog shows as itself (the catalog
/// test below keeps that from shipping).
pub fn t(lang: Lang, key: &str) -> String {
    rust_i18n::t!(key, locale = lang.code()).into_owned()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    fn keys(locale: &str) -> BTreeSet<String> {
        crate::_rust_i18n_backend()
            .messages_for_locale(locale)
            .unwrap_or_default()
            .into_iter()
            .map(|(k, _)| k.into_owned())
            .collect()
    }

    #[test]
    fn both_catalogs_have_every_key() {
        let zh = keys("zh");
        let en = keys("en");
        assert!(zh.len() > 20, "the zh catalog is loaded");
        let only_zh: Vec<_> = zh.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&zh).collect();
        assert!(only_zh.is_empty(), "missing in en.yml: {only_zh:?}");
        assert!(only_en.is_empty(), "missing in zh.yml: {only_en:?}");
    }

    /// Every `t("…")` a template or page module calls names a key of the catalogs.
    #[test]
    fn every_key_used_exists() {
        let zh = keys("zh");
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/web");
        let mut missing = Vec::new();
        let mut stack = vec![std::path::PathBuf::from(dir)];
        while let Some(path) = stack.pop() {
            if path.is_dir() {
                for entry in std::fs::read_dir(&path).unwrap() {
                    stack.push(entry.unwrap().path());
                }
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for (i, _) in text.match_indices("t(\"") {
                if i > 0 && text.as_bytes()[i - 1].is_ascii_alphanumeric() {
                    continue;
                }
                let rest = &text[i + 3..];
                let Some(end) = rest.find('"') else { continue };
                let key = &rest[..end];
                // Keys built in the template (`t("error." ~ kind …)`) end in `.` or `_`.
                if key.contains('.') && !key.ends_with(['.', '_']) && !zh.contains(key) {
                    missing.push(format!("{}: {key}", path.display()));
                }
            }
        }
        assert!(missing.is_empty(), "keys not in the catalogs: {missing:?}");
    }
}
