//! Small view models shared by several pages (product cards, supplier cards, URLs with slugs).

use serde::Serialize;

use crate::web::lang::Lang;

/// `/product/{id}/{slug}`: the slug is the English title in lower-case ASCII words (Chinese-only
/// titles have none and the URL is `/product/{id}`). The id alone decides which product.
pub fn product_path(id: &str, title_en: Option<&str>) -> String {
    let slug = slugify(title_en.unwrap_or(""));
    if slug.is_empty() {
        format!("/product/{id}")
    } else {
        format!("/product/{id}/{slug}")
    }
}

pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= 60 {
            break;
        }
    }
    out.trim_end_matches('-').to_owned()
}

#[derive(Debug, Serialize)]
pub struct ProductCard {
    pub url: String,
    pub title: String,
    /// HTML from the index: matched words in `<b>`, everything else escaped.
    pub highlight: Option<String>,
    pub price: Option<String>,
    pub moq: u64,
    pub unit: String,
    pub company_name: String,
    pub company_url: String,
    pub verified: bool,
    pub place: String,
}

pub fn product_card(lang: Lang, h: &search::ProductHit, with_highlight: bool) -> ProductCard {
    ProductCard {
        url: format!(
            "/{}{}",
            lang.code(),
            product_path(&h.id, Some(h.title_en.as_str()))
        ),
        title: lang
            .pick(Some(h.title_zh.as_str()), Some(h.title_en.as_str()))
            .to_owned(),
        highlight: with_highlight.then(|| h.highlight.clone()),
        price: price_range(h.price_min, h.price_max, h.currency.as_deref()),
        moq: h.moq,
        unit: h.unit.clone(),
        company_name: lang
            .pick(
                Some(h.company_name.as_str()),
                Some(h.company_name_en.as_str()),
            )
            .to_owned(),
        company_url: format!("/{}/company/{}", lang.code(), h.slug),
        verified: h.verified,
        place: format!("{} {}", h.province, h.city).trim().to_owned(),
    }
}

/// `CNY 42.50–49.90`, or one amount when the range is a single price.
pub fn price_range(min: Option<i64>, max: Option<i64>, currency: Option<&str>) -> Option<String> {
    let currency = currency?;
    let min = min?;
    let low = domain::catalog::format_minor(min, currency);
    match max {
        Some(max) if max != min => Some(format!(
            "{currency} {low}–{}",
            domain::catalog::format_minor(max, currency)
        )),
        _ => Some(format!("{currency} {low}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ascii_words() {
        assert_eq!(
            slugify("500ml Vacuum Flask, 304 Steel!"),
            "500ml-vacuum-flask-304-steel"
        );
        assert_eq!(slugify("保温杯"), "");
        assert_eq!(product_path("x", Some("保温杯")), "/product/x");
    }
}
