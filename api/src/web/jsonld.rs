//! Structured data (schema.org JSON-LD) for search engines: `Product` with an `AggregateOffer`
//! over the price tiers, `Organization` for suppliers, `BreadcrumbList`.

use domain::catalog::{Product, format_minor};
use domain::company::Company;
use serde_json::{Value, json};

use super::lang::Lang;
use super::site::Site;

/// Home › the given (name, path-after-language) steps.
pub fn breadcrumbs(site: &Site, lang: Lang, steps: &[(String, String)]) -> Value {
    let mut items = vec![json!({
        "@type": "ListItem", "position": 1, "name": site.footer.site_name,
        "item": site.absolute(&format!("/{}/", lang.code())),
    })];
    for (i, (name, path)) in steps.iter().enumerate() {
        items.push(json!({
            "@type": "ListItem", "position": i + 2, "name": name,
            "item": site.absolute(&format!("/{}{path}", lang.code())),
        }));
    }
    json!({"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": items})
}

pub fn organization(site: &Site, lang: Lang, c: &Company) -> Value {
    let mut org = json!({
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": c.legal_name,
        "url": site.absolute(&format!("/{}/company/{}", lang.code(), c.slug)),
        "address": {
            "@type": "PostalAddress",
            "streetAddress": c.registered_address,
            "addressLocality": c.city,
            "addressRegion": c.province,
            "addressCountry": "CN",
        },
        "taxID": c.credit_code,
    });
    if let Some(en) = c.english_name.as_ref().filter(|n| !n.is_empty()) {
        org["alternateName"] = json!(en);
    }
    if let Some(logo) = c
        .logo_id
        .as_deref()
        .and_then(|id| uuid::Uuid::parse_str(id).ok())
    {
        let path = crate::media::variant_path_of(logo, domain::media::VariantName::Medium);
        org["logo"] = json!(site.absolute(&path));
    }
    org
}

/// `Product` with `offers` as an `AggregateOffer` (`lowPrice`/`highPrice` over the tiers) unless
/// the price is on request; the supplier as `brand` and `manufacturer`.
pub fn product(
    site: &Site,
    lang: Lang,
    p: &Product,
    name: &str,
    url_path: &str,
    c: &Company,
) -> Value {
    let url = site.absolute(&format!("/{}{url_path}", lang.code()));
    let mut v = json!({
        "@context": "https://schema.org",
        "@type": "Product",
        "name": name,
        "sku": p.id.to_string(),
        "url": url,
        "description": p.description.chars().take(500).collect::<String>(),
        "category": p.category_id,
        "manufacturer": {"@type": "Organization", "name": c.legal_name},
        "brand": {"@type": "Brand", "name": c.english_name.as_deref().filter(|n| lang == Lang::En && !n.is_empty()).unwrap_or(&c.legal_name)},
    });
    if let (false, Some(currency), Some(low), Some(high)) = (
        p.price_on_request,
        p.currency.as_deref(),
        p.price_min_minor,
        p.price_max_minor,
    ) {
        v["offers"] = json!({
            "@type": "AggregateOffer",
            "priceCurrency": currency,
            "lowPrice": format_minor(low, currency),
            "highPrice": format_minor(high, currency),
            "offerCount": p.price_tiers.len().max(1),
            "availability": "https://schema.org/InStock",
            "url": url,
            "eligibleQuantity": {"@type": "QuantitativeValue", "minValue": p.moq, "unitText": p.unit},
        });
    }
    v
}
