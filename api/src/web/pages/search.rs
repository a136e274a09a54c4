//! The search page (`/{lang}/search`): products, suppliers, buy requests or sell offers, with the API's
//! filters as links with counts, sorts, highlighted matches, pages, the partial-match notice and
//! an empty state that suggests what to do. Category pages are the product search with the
//! category filter fixed, under their own indexable address.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::{Deserialize, Serialize};

use super::home::category_links;
use super::view::{ProductCard, product_card};
use super::{PageResult, lang_of};
use crate::state::AppState;
use crate::web::errors::PageError;
use crate::web::i18n::t;
use crate::web::lang::Lang;
use crate::web::page::{self, Meta, v};
use crate::web::site::Site;

const PAGE_SIZE: usize = 20;

/// The query string. Everything optional; unknown values of a closed set are a 400 page.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct SearchParams {
    pub q: Option<String>,
    /// `products` (default), `suppliers`, `buy` (buy requests) or `sell` (sell offers).
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub category: Option<String>,
    pub region: Option<String>,
    pub verified: Option<String>,
    pub company_type: Option<String>,
    pub sort: Option<String>,
    pub page: Option<String>,
    /// Decimal amounts in `currency` (products only).
    pub price_min: Option<String>,
    pub price_max: Option<String>,
    pub currency: Option<String>,
    /// The highest minimum order quantity the buyer takes (products only).
    pub moq_max: Option<String>,
}

/// Every parameter, in the order links write them.
const KEYS: [&str; 12] = [
    "q",
    "type",
    "category",
    "region",
    "verified",
    "company_type",
    "price_min",
    "price_max",
    "currency",
    "moq_max",
    "sort",
    "page",
];

/// The parameters the price and order-quantity form sends itself; the others it carries along
/// as hidden fields.
const FORM_KEYS: [&str; 4] = ["price_min", "price_max", "currency", "moq_max"];

impl SearchParams {
    fn get(&self, name: &str) -> Option<&str> {
        match name {
            "q" => self.q.as_deref(),
            "type" => self.kind.as_deref(),
            "category" => self.category.as_deref(),
            "region" => self.region.as_deref(),
            "verified" => self.verified.as_deref(),
            "company_type" => self.company_type.as_deref(),
            "sort" => self.sort.as_deref(),
            "page" => self.page.as_deref(),
            "price_min" => self.price_min.as_deref(),
            "price_max" => self.price_max.as_deref(),
            "currency" => self.currency.as_deref(),
            "moq_max" => self.moq_max.as_deref(),
            _ => None,
        }
        .filter(|v| !v.is_empty())
    }

    /// This search's URL with `name` set to `value` (or removed), back on page 1.
    fn url_with(&self, base: &str, name: &str, value: Option<&str>) -> String {
        let mut pairs = Vec::new();
        for key in KEYS {
            let v = if key == name { value } else { self.get(key) };
            if key == "page" && name != "page" {
                continue;
            }
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                pairs.push(format!(
                    "{key}={}",
                    utf8_percent_encode(v, NON_ALPHANUMERIC)
                ));
            }
        }
        if pairs.is_empty() {
            base.to_owned()
        } else {
            format!("{base}?{}", pairs.join("&"))
        }
    }
}

#[derive(Serialize)]
struct FacetLink {
    label: String,
    count: u64,
    url: String,
    active: bool,
}

#[derive(Serialize)]
struct FacetGroup {
    name: String,
    links: Vec<FacetLink>,
    clear_url: Option<String>,
}

#[derive(Serialize)]
struct SortLink {
    label: String,
    url: String,
    active: bool,
}

#[derive(Serialize)]
struct SupplierRow {
    name: String,
    highlight: String,
    url: String,
    place: String,
    verified: bool,
    main_products: String,
    product_count: u64,
}

#[derive(Serialize)]
/// A buy request or sell offer in the results.
struct BuyRow {
    url: String,
    title: String,
    highlight: String,
    quantity: u64,
    unit: String,
    company_name: String,
    delivery_region: String,
}

enum Kind {
    Products,
    Suppliers,
    Buy,
    Sell,
}

pub async fn search(
    req: HttpRequest,
    site: web::Data<Site>,
    state: web::Data<AppState>,
    params: web::Query<SearchParams>,
) -> PageResult {
    let lang = lang_of(&req);
    run(lang, site, state, params.into_inner(), None).await
}

pub async fn category(
    req: HttpRequest,
    site: web::Data<Site>,
    state: web::Data<AppState>,
    id: web::Path<(String, String)>,
    params: web::Query<SearchParams>,
) -> PageResult {
    let lang = lang_of(&req);
    let (_, id) = id.into_inner();
    let mut params = params.into_inner();
    params.category = Some(id.clone());
    params.kind = None;
    run(lang, site, state, params, Some(id)).await
}

fn bad(site: &web::Data<Site>, lang: Lang) -> PageError {
    PageError::new(site, lang, StatusCode::BAD_REQUEST)
}

async fn run(
    lang: Lang,
    site: web::Data<Site>,
    state: web::Data<AppState>,
    p: SearchParams,
    category_page: Option<String>,
) -> PageResult {
    let err = |e| PageError::from_api(&site, lang, e);
    let mut refused = Vec::new();
    let q = crate::search_filters::query_text(&mut refused, p.q.as_deref());
    if !refused.is_empty() {
        return Err(bad(&site, lang));
    }
    let kind = match p.get("type").unwrap_or("products") {
        "products" => Kind::Products,
        "suppliers" => Kind::Suppliers,
        "buy" => Kind::Buy,
        "sell" => Kind::Sell,
        _ => return Err(bad(&site, lang)),
    };
    let page_no: usize = match p.get("page").map(str::parse::<usize>) {
        None => 1,
        Some(Ok(n)) if n >= 1 => n,
        Some(_) => return Err(bad(&site, lang)),
    };
    let offset = (page_no - 1) * PAGE_SIZE;
    if offset > search::query::MAX_OFFSET {
        return Err(bad(&site, lang));
    }
    let verified = match p.get("verified") {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => return Err(bad(&site, lang)),
    };
    let company_type = match p.get("company_type") {
        None => None,
        Some(t) if domain::company::CompanyType::parse(t).is_some() => Some(t.to_owned()),
        Some(_) => return Err(bad(&site, lang)),
    };
    let sort = match p.get("sort").unwrap_or("relevance") {
        "relevance" => search::Sort::Relevance,
        "newest" => search::Sort::Newest,
        "price_asc" => search::Sort::PriceAsc,
        "price_desc" => search::Sort::PriceDesc,
        _ => return Err(bad(&site, lang)),
    };
    let decimal = |name: &str| -> Result<Option<rust_decimal::Decimal>, PageError> {
        match p.get(name) {
            None => Ok(None),
            Some(d) => d.trim().parse().map(Some).map_err(|_| bad(&site, lang)),
        }
    };
    let (price_min, price_max) = (decimal("price_min")?, decimal("price_max")?);
    let mut price_errors = Vec::new();
    // A price without a currency reads as yuan: the form's currency list starts with CNY.
    let prices = crate::search_filters::price_filter(
        &mut price_errors,
        Some(p.get("currency").unwrap_or("CNY")),
        price_min,
        price_max,
    );
    if !price_errors.is_empty() {
        return Err(bad(&site, lang));
    }
    let price_filtered = price_min.is_some() || price_max.is_some();
    let moq_max = match p.get("moq_max").map(|m| m.trim().parse::<u64>()) {
        None => None,
        Some(Ok(m)) => Some(m),
        Some(Err(_)) => return Err(bad(&site, lang)),
    };
    let tree = state.categories().await.map_err(err)?;
    let mut category_names: BTreeMap<String, String> = BTreeMap::new();
    for top in &tree {
        category_names.insert(
            top.id.clone(),
            lang.pick(Some(&top.name_zh), Some(&top.name_en)).into(),
        );
        for c in &top.children {
            category_names.insert(
                c.id.clone(),
                lang.pick(Some(&c.name_zh), Some(&c.name_en)).into(),
            );
        }
    }
    let category = p.get("category").map(str::to_owned);
    if let Some(c) = &category
        && !category_names.contains_key(c)
    {
        return Err(if category_page.is_some() {
            PageError::new(&site, lang, StatusCode::NOT_FOUND)
        } else {
            bad(&site, lang)
        });
    }

    let base = match &category_page {
        Some(id) => format!("/{}/category/{id}", lang.code()),
        None => format!("/{}/search", lang.code()),
    };
    let searcher = state.search.clone();
    let region = p.get("region").map(str::to_owned);
    let (total, matched_all, next, facets, products, suppliers, buys) = match kind {
        Kind::Products => {
            let s = search::ProductSearch {
                q: q.clone(),
                category: category.clone(),
                region: region.clone(),
                verified,
                company_type: company_type.clone(),
                moq_max,
                price_min: prices.min,
                price_max: prices.max,
                // The currency orders price sorts even without a price bound.
                currency: (price_filtered || p.get("currency").is_some())
                    .then(|| prices.currency.clone())
                    .flatten(),
                sort,
                limit: PAGE_SIZE,
                offset,
            };
            let r = web::block(move || searcher.products(&s))
                .await
                .map_err(|e| err(crate::error::ApiError::internal(&e)))?
                .map_err(|e| err(search_error(e)))?;
            let cards: Vec<ProductCard> = r
                .items
                .iter()
                .map(|h| product_card(lang, h, true))
                .collect();
            (
                r.total,
                r.matched_all_terms,
                r.next_offset,
                r.facets,
                cards,
                vec![],
                vec![],
            )
        }
        Kind::Suppliers => {
            let s = search::SupplierSearch {
                q: q.clone(),
                region: region.clone(),
                verified,
                company_type: company_type.clone(),
                limit: PAGE_SIZE,
                offset,
            };
            let r = web::block(move || searcher.suppliers(&s))
                .await
                .map_err(|e| err(crate::error::ApiError::internal(&e)))?
                .map_err(|e| err(search_error(e)))?;
            let rows = r
                .items
                .iter()
                .map(|h| SupplierRow {
                    name: lang.pick(Some(&h.name), Some(&h.english_name)).to_owned(),
                    highlight: h.highlight.clone(),
                    url: format!("/{}/company/{}", lang.code(), h.slug),
                    place: format!("{} {}", h.province, h.city),
                    verified: h.verified,
                    main_products: h.main_products.join(" · "),
                    product_count: h.product_count,
                })
                .collect();
            (
                r.total,
                r.matched_all_terms,
                r.next_offset,
                r.facets,
                vec![],
                rows,
                vec![],
            )
        }
        Kind::Buy | Kind::Sell => {
            let listing_kind = if matches!(kind, Kind::Buy) {
                domain::listing::ListingKind::Buy
            } else {
                domain::listing::ListingKind::Sell
            };
            let s = search::ListingSearch {
                q: q.clone(),
                kind: Some(listing_kind.as_str().into()),
                category: category.clone(),
                sort: if matches!(sort, search::Sort::Newest) {
                    search::Sort::Newest
                } else {
                    search::Sort::Relevance
                },
                limit: PAGE_SIZE,
                offset,
            };
            let r = web::block(move || searcher.listings(&s))
                .await
                .map_err(|e| err(crate::error::ApiError::internal(&e)))?
                .map_err(|e| err(search_error(e)))?;
            let rows = r
                .items
                .into_iter()
                .map(|h| BuyRow {
                    url: format!(
                        "/{}{}",
                        lang.code(),
                        super::listing::listing_path(listing_kind, &h.id)
                    ),
                    title: h.title,
                    highlight: h.highlight,
                    quantity: h.quantity,
                    unit: h.unit,
                    company_name: lang
                        .pick(Some(&h.company_name), Some(&h.company_name_en))
                        .to_owned(),
                    delivery_region: h.delivery_region,
                })
                .collect();
            (
                r.total,
                r.matched_all_terms,
                r.next_offset,
                r.facets,
                vec![],
                vec![],
                rows,
            )
        }
    };

    let facet_label = |name: &str, value: &str| -> String {
        match name {
            "category" => category_names
                .get(value)
                .cloned()
                .unwrap_or_else(|| value.into()),
            "verified" => t(lang, &format!("search.verified_{value}")),
            "company_type" => t(lang, &format!("company_type.{value}")),
            _ => value.to_owned(),
        }
    };
    let facet_groups: Vec<FacetGroup> = ["category", "region", "verified", "company_type"]
        .iter()
        .filter_map(|name| {
            let counts = facets.get(name)?;
            if counts.is_empty() {
                return None;
            }
            let current = if *name == "category" && category_page.is_some() {
                None
            } else {
                p.get(name)
            };
            Some(FacetGroup {
                name: t(lang, &format!("search.facet_{name}")),
                links: counts
                    .iter()
                    .map(|c| FacetLink {
                        label: facet_label(name, &c.value),
                        count: c.count,
                        url: if *name == "category" && category_page.is_some() {
                            format!("/{}/category/{}", lang.code(), c.value)
                        } else {
                            p.url_with(&base, name, Some(&c.value))
                        },
                        active: current == Some(c.value.as_str()),
                    })
                    .collect(),
                clear_url: current.map(|_| p.url_with(&base, name, None)),
            })
        })
        .collect();
    let sorts: Vec<SortLink> = ["relevance", "newest", "price_asc", "price_desc"]
        .iter()
        .map(|s| SortLink {
            label: t(lang, &format!("search.sort_{s}")),
            url: p.url_with(&base, "sort", Some(s)),
            active: p.get("sort").unwrap_or("relevance") == *s,
        })
        .collect();
    let tabs: Vec<SortLink> = ["products", "suppliers", "buy", "sell"]
        .iter()
        .map(|k| SortLink {
            label: t(lang, &format!("search.tab_{k}")),
            url: p.url_with(&format!("/{}/search", lang.code()), "type", Some(k)),
            active: p.get("type").unwrap_or("products") == *k,
        })
        .collect();
    let prev_url =
        (page_no > 1).then(|| p.url_with(&base, "page", Some(&(page_no - 1).to_string())));
    let next_url = next.map(|_| p.url_with(&base, "page", Some(&(page_no + 1).to_string())));
    let empty = products.is_empty() && suppliers.is_empty() && buys.is_empty();
    let has_filters = region.is_some()
        || price_filtered
        || moq_max.is_some()
        || verified.is_some()
        || company_type.is_some()
        || (category.is_some() && category_page.is_none());
    let title = match &category_page {
        Some(id) => category_names.get(id).cloned().unwrap_or_default(),
        None if q.is_empty() => t(lang, "search.title"),
        None => format!("{q} – {}", t(lang, "search.title")),
    };
    let path = match &category_page {
        Some(id) => Some(format!("/category/{id}")),
        None => Some("/search".to_owned()),
    };
    let mut jsonld = Vec::new();
    if let Some(id) = &category_page {
        jsonld.push(crate::web::jsonld::breadcrumbs(
            &site,
            lang,
            &[(
                category_names.get(id).cloned().unwrap_or_default(),
                format!("/category/{id}"),
            )],
        ));
    }
    let meta = Meta {
        description: match &category_page {
            Some(_) => format!("{title} – {}", t(lang, "search.category_description")),
            None => t(lang, "home.description"),
        },
        title: format!("{title} – {}", site.footer.site_name),
        path,
        // Result pages of a free-text search are not worth indexing; category pages are.
        noindex: category_page.is_none(),
        og_type: "website",
        jsonld,
        image: None,
    };
    Ok(page::render(
        &site,
        lang,
        StatusCode::OK,
        "search.html",
        meta,
        minijinja::context! {
            partial => !matched_all && !q.is_empty() && !empty,
            q => q.clone(),
            kind => p.get("type").unwrap_or("products"),
            action => base,
            heading => title,
            category_page => category_page.is_some(),
            total,
            empty,
            has_filters,
            clear_all_url => format!("/{}/search{}", lang.code(), if q.is_empty() { String::new() } else { format!("?q={}", utf8_percent_encode(&q, NON_ALPHANUMERIC)) }),
            facets => v(facet_groups),
            sorts => v(sorts),
            tabs => v(tabs),
            products => v(products),
            suppliers => v(suppliers),
            buys => v(buys),
            prev_url,
            next_url,
            page_no,
            categories => v(category_links(lang, tree)),
            keep => KEYS
                .iter()
                .filter(|k| !FORM_KEYS.contains(k) && **k != "page")
                .filter_map(|k| p.get(k).map(|v| (k.to_string(), v.to_owned())))
                .collect::<Vec<_>>(),
            price_min => p.get("price_min").unwrap_or_default(),
            price_max => p.get("price_max").unwrap_or_default(),
            currency => p.get("currency").unwrap_or("CNY"),
            currencies => ["CNY", "USD", "EUR", "HKD"],
            moq_max => p.get("moq_max").unwrap_or_default(),
        },
    ))
}

fn search_error(e: search::SearchError) -> crate::error::ApiError {
    match e {
        search::SearchError::NotReady => crate::error::ApiError {
            retry_after_secs: Some(2),
            ..crate::error::ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "search_unavailable",
                "the search index is being built",
            )
        },
        other => crate::error::ApiError::internal(&other),
    }
}
