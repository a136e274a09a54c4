//! Small view models shared by several pages (product cards, supplier cards, URLs with slugs).

use serde::Serialize;

use crate::web::lang::Lang;

/// `/product/{id}/{slug}`: the slug is the English title in lower-case ASCII words (Chinese-only
/// titles have none and the URL is `/product/{id}`). The id alone decides which product.
/// The picture URLs of a stored image id (ids from before uploads existed are skipped).
#[derive(Debug, Clone, Serialize)]
pub struct Picture {
    pub thumbnail: String,
    pub medium: String,
    pub original: String,
}

pub fn picture(id: &str) -> Option<Picture> {
    use domain::media::VariantName;
    let id = uuid::Uuid::parse_str(id).ok()?;
    let url = |v| crate::media::variant_path_of(id, v);
    Some(Picture {
        thumbnail: url(VariantName::Thumbnail),
        medium: url(VariantName::Medium),
        original: url(VariantName::Original),
    })
}

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
    /// The first uploaded picture's thumbnail.
    pub thumbnail: Option<String>,
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
        highlight: with_highlight
            .then(|| {
                shows_title(
                    &h.highlight,
                    lang.pick(Some(h.title_zh.as_str()), Some(h.title_en.as_str())),
                )
            })
            .flatten(),
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
        thumbnail: h.image.as_deref().and_then(picture).map(|p| p.thumbnail),
    }
}

/// The index's highlight when it is the title the card shows. The index highlights whichever
/// title matched (the Chinese one first, and a synonym can match it from an English query), so
/// an English page would otherwise show a Chinese title; then the card shows its plain title.
fn shows_title(highlight: &str, title: &str) -> Option<String> {
    let text = highlight.replace("<b>", "").replace("</b>", "");
    let escaped = title
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;");
    (text == escaped).then(|| highlight.to_owned())
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

    #[test]
    fn a_highlight_of_the_other_title_is_not_shown() {
        assert_eq!(
            shows_title("<b>Vacuum</b> <b>Flask</b> 500ml", "Vacuum Flask 500ml").as_deref(),
            Some("<b>Vacuum</b> <b>Flask</b> 500ml")
        );
        assert_eq!(
            shows_title("304不锈钢真空<b>保温杯</b> 500ml", "Vacuum Flask 500ml"),
            None
        );
        assert_eq!(
            shows_title("<b>M8</b> bolt &amp; nut", "M8 bolt & nut").as_deref(),
            Some("<b>M8</b> bolt &amp; nut")
        );
    }
}
