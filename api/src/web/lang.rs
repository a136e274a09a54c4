//! The page language: from the URL (`/zh/…`, `/en/…`); `/` chooses by `Accept-Language`.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Zh, Lang::En];

    pub fn parse(code: &str) -> Option<Lang> {
        match code {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The URL prefix and catalog name.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// The `lang` / `hreflang` value.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    /// Picks the visitor's preferred language from an `Accept-Language` header: the highest
    /// weighted `zh*` or `en*` range. A header naming neither gets English (more visitors read
    /// it than Chinese among those who read neither); no header at all gets Chinese, the
    /// platform's first language (Baidu's crawler sends none).
    pub fn negotiate(header: Option<&str>) -> Lang {
        let Some(header) = header.filter(|h| !h.trim().is_empty()) else {
            return Lang::Zh;
        };
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let range = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .filter_map(|q| q.parse::<f32>().ok())
                .next()
                .unwrap_or(1.0);
            let lang = if range == "zh" || range.starts_with("zh-") {
                Lang::Zh
            } else if range == "en" || range.starts_with("en-") {
                Lang::En
            } else {
                continue;
            };
            if q > 0.0 && best.is_none_or(|(b, _)| q > b) {
                best = Some((q, lang));
            }
        }
        best.map_or(Lang::En, |(_, l)| l)
    }

    /// Of a pair of texts in the two languages, the one in this language, else the other.
    pub fn pick<'a>(self, zh: Option<&'a str>, en: Option<&'a str>) -> &'a str {
        let zh = zh.filter(|s| !s.trim().is_empty());
        let en = en.filter(|s| !s.trim().is_empty());
        let (first, second) = match self {
            Lang::Zh => (zh, en),
            Lang::En => (en, zh),
        };
        first.or(second).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::Lang;

    #[test]
    fn negotiates_by_weight() {
        assert_eq!(Lang::negotiate(None), Lang::Zh);
        assert_eq!(Lang::negotiate(Some("zh-CN,zh;q=0.9,en;q=0.8")), Lang::Zh);
        assert_eq!(Lang::negotiate(Some("en-US,en;q=0.9,zh;q=0.5")), Lang::En);
        assert_eq!(Lang::negotiate(Some("fr-FR, zh-TW;q=0.4")), Lang::Zh);
        assert_eq!(Lang::negotiate(Some("de")), Lang::En);
        assert_eq!(Lang::negotiate(Some("zh;q=0, en;q=0.1")), Lang::En);
    }

    #[test]
    fn picks_the_language_then_falls_back() {
        assert_eq!(Lang::En.pick(Some("保温杯"), Some("Flask")), "Flask");
        assert_eq!(Lang::En.pick(Some("保温杯"), None), "保温杯");
        assert_eq!(Lang::Zh.pick(Some(" "), Some("Flask")), "Flask");
    }
}
