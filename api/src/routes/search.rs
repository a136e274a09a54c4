//! Product, supplier and suggestion search over the index (which follows the database through
//! the outbox; see the search crate).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use domain::FieldError;
use domain::catalog::format_minor;
use rust_decimal::Decimal;
use search::{ListingSearch, ProductSearch, SearchError, Sort, SupplierSearch};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

use super::responses::BadRequest;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
pub struct ProductSearchQuery {
    /// Words in Chinese and/or English; empty browses by the filters. At most 200 characters.
    #[param(max_length = 200)] // search_filters::MAX_QUERY_CHARS (utoipa takes a literal)
    pub q: Option<String>,
    /// A category id (top-level or second-level).
    pub category: Option<String>,
    /// A province, as shown in the `region` facet (e.g. `浙江省`).
    pub region: Option<String>,
    pub verified: Option<bool>,
    /// `manufacturer`, `trading_company`, …
    pub company_type: Option<String>,
    /// Only products whose minimum order is at most this.
    pub moq_max: Option<u64>,
    /// Decimal amounts in `currency`; the product's price range must overlap them.
    #[param(pattern = "^[0-9]+(\\.[0-9]+)?$", max_length = 20, value_type = Option<String>)]
    pub price_min: Option<Decimal>,
    #[param(pattern = "^[0-9]+(\\.[0-9]+)?$", max_length = 20, value_type = Option<String>)]
    pub price_max: Option<Decimal>,
    /// Required with a price filter. With `sort=price_asc` or `price_desc`, the products priced
    /// in this currency come first, by price; then those priced in other currencies, by
    /// currency code and price; price on request last. Prices are never converted.
    pub currency: Option<String>,
    /// `relevance` (default), `newest`, `price_asc` or `price_desc`.
    pub sort: Option<String>,
    /// 1–100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FacetCountView {
    pub value: String,
    pub count: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Facets {
    /// Top-level categories, or the children of the category filtered on.
    pub category: Vec<FacetCountView>,
    /// Provinces.
    pub region: Vec<FacetCountView>,
    /// `true` / `false`.
    pub verified: Vec<FacetCountView>,
    pub company_type: Vec<FacetCountView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HitCompany {
    pub id: String,
    pub name: String,
    pub english_name: Option<String>,
    pub slug: String,
    pub verified: bool,
    /// The supplier's credit score (0–100, one decimal; docs/credit.md).
    pub credit_score: f64,
    pub province: String,
    pub city: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProductHitView {
    pub id: String,
    pub title_zh: Option<String>,
    pub title_en: Option<String>,
    /// The title with matched words in `<b>`; everything else HTML-escaped.
    pub highlight: String,
    pub category_id: String,
    pub price_min: Option<String>,
    pub price_max: Option<String>,
    pub currency: Option<String>,
    pub moq: u64,
    pub unit: String,
    /// The thumbnail of the product's first uploaded picture (a path on this server).
    #[schema(example = "/api/v1/media/0192f3a4-5b6c-7d8e-9f00-112233445566/thumbnail")]
    pub thumbnail_url: Option<String>,
    pub company: HitCompany,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProductSearchResponse {
    pub items: Vec<ProductHitView>,
    /// Number of matches: exact up to the count bound (`TRADEFAIR_SEARCH_COUNT_BOUND`, 10,000 by
    /// default), extrapolated from that many matches past it.
    pub total: usize,
    /// True when `total` and the facet counts are estimates (more matches than the count bound).
    pub total_is_estimate: bool,
    /// False when no product had every word and the best partial matches are shown.
    pub matched_all_terms: bool,
    pub facets: Facets,
    pub next_cursor: Option<String>,
    /// Time spent in the index, milliseconds.
    pub took_ms: f64,
}

/// The thumbnail URL of a picture's media id (the index stores uploads only).
pub(crate) fn thumbnail_of(image: Option<&str>) -> Option<String> {
    let id = uuid::Uuid::parse_str(image?).ok()?;
    Some(crate::media::variant_path_of(
        id,
        domain::media::VariantName::Thumbnail,
    ))
}

fn some(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

fn facet_views(
    results: &std::collections::BTreeMap<&'static str, Vec<search::FacetCount>>,
    name: &str,
) -> Vec<FacetCountView> {
    results
        .get(name)
        .map(|v| {
            v.iter()
                .map(|c| FacetCountView {
                    value: c.value.clone(),
                    count: c.count,
                })
                .collect()
        })
        .unwrap_or_default()
}

pub(crate) fn search_error(e: SearchError) -> ApiError {
    match e {
        SearchError::NotReady => ApiError {
            retry_after_secs: Some(2),
            ..ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "search_unavailable",
                "the search index is being built; try again shortly",
            )
        },
        other => ApiError::internal(&other),
    }
}

pub(crate) struct Paging {
    pub limit: usize,
    pub offset: usize,
}

pub(crate) fn paging(v: &mut Vec<FieldError>, limit: Option<i64>, cursor: Option<&str>) -> Paging {
    let limit = limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        v.push(FieldError::new(
            "limit",
            "out_of_range",
            "must be between 1 and 100",
        ));
    }
    let offset = match cursor.filter(|c| !c.is_empty()) {
        None => 0,
        Some(c) => match URL_SAFE_NO_PAD
            .decode(c)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|s| s.strip_prefix("o:").and_then(|n| n.parse::<usize>().ok()))
        {
            Some(offset) if offset <= search::query::MAX_OFFSET => offset,
            _ => {
                v.push(FieldError::new(
                    "cursor",
                    "invalid",
                    "is not a valid cursor",
                ));
                0
            }
        },
    };
    Paging {
        limit: limit.clamp(1, 100) as usize,
        offset,
    }
}

pub(crate) fn cursor(next: Option<usize>) -> Option<String> {
    next.map(|n| URL_SAFE_NO_PAD.encode(format!("o:{n}")))
}

fn company_type(v: &mut Vec<FieldError>, t: Option<&str>) -> Option<String> {
    let t = t.filter(|t| !t.is_empty())?;
    if domain::company::CompanyType::parse(t).is_none() {
        v.push(FieldError::new(
            "company_type",
            "invalid_choice",
            format!("must be one of: {}", domain::company::CompanyType::names()),
        ));
    }
    Some(t.to_owned())
}

pub(crate) fn parse_product_search(p: ProductSearchQuery) -> Result<ProductSearch, ApiError> {
    let mut v = Vec::new();
    let q = crate::search_filters::query_text(&mut v, p.q.as_deref());
    let sort = match p.sort.as_deref().unwrap_or("relevance") {
        "relevance" => Sort::Relevance,
        "newest" => Sort::Newest,
        "price_asc" => Sort::PriceAsc,
        "price_desc" => Sort::PriceDesc,
        _ => {
            v.push(FieldError::new(
                "sort",
                "invalid_choice",
                "must be one of: relevance, newest, price_asc, price_desc",
            ));
            Sort::Relevance
        }
    };
    let prices = crate::search_filters::price_filter(
        &mut v,
        p.currency.as_deref(),
        p.price_min,
        p.price_max,
    );
    let company_type = company_type(&mut v, p.company_type.as_deref());
    let paging = paging(&mut v, p.limit, p.cursor.as_deref());
    if !v.is_empty() {
        return Err(ApiError::validation(v));
    }
    Ok(ProductSearch {
        q,
        category: p.category.filter(|c| !c.is_empty()),
        region: p.region.filter(|r| !r.is_empty()),
        verified: p.verified,
        company_type,
        moq_max: p.moq_max,
        price_min: prices.min,
        price_max: prices.max,
        currency: prices.currency,
        sort,
        limit: paging.limit,
        offset: paging.offset,
    })
}

/// Searches published products of visible suppliers, in Chinese and English, with filters and facets.
#[utoipa::path(tag = "search", params(ProductSearchQuery), responses(
    (status = 200, description = "A page of matching products with facets", body = ProductSearchResponse),
    (status = 400, response = BadRequest),
    (status = 503, description = "search_unavailable: the index is being built", body = ErrorBody)))]
#[get("/api/v1/search/products")]
pub async fn search_products(
    state: web::Data<AppState>,
    query: web::Query<ProductSearchQuery>,
) -> ApiResult<HttpResponse> {
    let s = parse_product_search(query.into_inner())?;
    let results = state
        .run_search("products", move |searcher| searcher.products(&s))
        .await?
        .map_err(search_error)?;
    let items = results
        .items
        .into_iter()
        .map(|h| {
            let fmt = |m: Option<i64>| {
                m.zip(h.currency.as_deref())
                    .map(|(m, c)| format_minor(m, c))
            };
            ProductHitView {
                price_min: fmt(h.price_min),
                price_max: fmt(h.price_max),
                id: h.id,
                title_zh: some(&h.title_zh),
                title_en: some(&h.title_en),
                highlight: h.highlight,
                category_id: h.category,
                currency: h.currency,
                moq: h.moq,
                unit: h.unit,
                thumbnail_url: thumbnail_of(h.image.as_deref()),
                company: HitCompany {
                    id: h.company_id,
                    name: h.company_name,
                    english_name: some(&h.company_name_en),
                    slug: h.slug,
                    verified: h.verified,
                    credit_score: h.credit_score as f64 / 10.0,
                    province: h.province,
                    city: h.city,
                },
            }
        })
        .collect();
    Ok(HttpResponse::Ok().json(ProductSearchResponse {
        items,
        total: results.total,
        total_is_estimate: results.estimated,
        matched_all_terms: results.matched_all_terms,
        facets: Facets {
            category: facet_views(&results.facets, "category"),
            region: facet_views(&results.facets, "region"),
            verified: facet_views(&results.facets, "verified"),
            company_type: facet_views(&results.facets, "company_type"),
        },
        next_cursor: cursor(results.next_offset),
        took_ms: results.took_micros as f64 / 1000.0,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct SupplierSearchQuery {
    /// Company names, main products and business scope, in Chinese and/or English. At most 200 characters.
    #[param(max_length = 200)] // search_filters::MAX_QUERY_CHARS (utoipa takes a literal)
    pub q: Option<String>,
    pub region: Option<String>,
    pub verified: Option<bool>,
    pub company_type: Option<String>,
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SupplierHitView {
    pub id: String,
    pub name: String,
    pub english_name: Option<String>,
    pub highlight: String,
    pub slug: String,
    pub verified: bool,
    pub province: String,
    pub city: String,
    pub company_type: String,
    pub main_products: Vec<String>,
    pub product_count: u64,
    /// Credit score (0–100, one decimal; docs/credit.md).
    pub credit_score: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SupplierFacets {
    pub region: Vec<FacetCountView>,
    pub verified: Vec<FacetCountView>,
    pub company_type: Vec<FacetCountView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SupplierSearchResponse {
    pub items: Vec<SupplierHitView>,
    /// Number of matches: exact up to the count bound (`TRADEFAIR_SEARCH_COUNT_BOUND`, 10,000 by
    /// default), extrapolated from that many matches past it.
    pub total: usize,
    /// True when `total` and the facet counts are estimates (more matches than the count bound).
    pub total_is_estimate: bool,
    pub matched_all_terms: bool,
    pub facets: SupplierFacets,
    pub next_cursor: Option<String>,
    pub took_ms: f64,
}

/// Searches suppliers by name, main products and business scope.
#[utoipa::path(tag = "search", params(SupplierSearchQuery), responses(
    (status = 200, description = "A page of matching suppliers", body = SupplierSearchResponse),
    (status = 400, response = BadRequest),
    (status = 503, description = "`search_unavailable`: the index is being built; see `Retry-After`", body = ErrorBody)))]
#[get("/api/v1/search/suppliers")]
pub async fn search_suppliers(
    state: web::Data<AppState>,
    query: web::Query<SupplierSearchQuery>,
) -> ApiResult<HttpResponse> {
    let p = query.into_inner();
    let mut v = Vec::new();
    let q = crate::search_filters::query_text(&mut v, p.q.as_deref());
    let company_type = company_type(&mut v, p.company_type.as_deref());
    let paging = paging(&mut v, p.limit, p.cursor.as_deref());
    if !v.is_empty() {
        return Err(ApiError::validation(v));
    }
    let s = SupplierSearch {
        q,
        region: p.region.filter(|r| !r.is_empty()),
        verified: p.verified,
        company_type,
        limit: paging.limit,
        offset: paging.offset,
    };
    let results = state
        .run_search("suppliers", move |searcher| searcher.suppliers(&s))
        .await?
        .map_err(search_error)?;
    Ok(HttpResponse::Ok().json(SupplierSearchResponse {
        items: results
            .items
            .into_iter()
            .map(|h| SupplierHitView {
                english_name: some(&h.english_name),
                id: h.id,
                name: h.name,
                highlight: h.highlight,
                slug: h.slug,
                verified: h.verified,
                province: h.province,
                city: h.city,
                company_type: h.company_type,
                main_products: h.main_products,
                product_count: h.product_count,
                credit_score: h.credit_score as f64 / 10.0,
            })
            .collect(),
        total: results.total,
        total_is_estimate: results.estimated,
        matched_all_terms: results.matched_all_terms,
        facets: SupplierFacets {
            region: facet_views(&results.facets, "region"),
            verified: facet_views(&results.facets, "verified"),
            company_type: facet_views(&results.facets, "company_type"),
        },
        next_cursor: cursor(results.next_offset),
        took_ms: results.took_micros as f64 / 1000.0,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct SuggestQuery {
    /// What the user has typed so far. At most 200 characters.
    #[param(max_length = 200)] // search_filters::MAX_QUERY_CHARS (utoipa takes a literal)
    pub q: Option<String>,
    /// 1–20, default 10.
    #[param(minimum = 1, maximum = 20)]
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestResponse {
    pub suggestions: Vec<String>,
}

/// Completes the word being typed from product titles, keywords and category names.
#[utoipa::path(operation_id = "suggest_search_terms", tag = "search", params(SuggestQuery), responses(
    (status = 200, description = "Completions of the word being typed", body = SuggestResponse),
    (status = 400, response = BadRequest),
    (status = 503, description = "`search_unavailable`: the index is being built; see `Retry-After`", body = ErrorBody)))]
#[get("/api/v1/search/suggest")]
pub async fn suggest(
    state: web::Data<AppState>,
    query: web::Query<SuggestQuery>,
) -> ApiResult<HttpResponse> {
    let p = query.into_inner();
    let mut v = Vec::new();
    let q = crate::search_filters::query_text(&mut v, p.q.as_deref());
    let limit = p.limit.unwrap_or(10);
    if !(1..=20).contains(&limit) {
        v.push(FieldError::new(
            "limit",
            "out_of_range",
            "must be between 1 and 20",
        ));
    }
    if !v.is_empty() {
        return Err(ApiError::validation(v));
    }
    let suggestions = state
        .run_search("suggest", move |searcher| {
            searcher.suggest(&q, limit as usize)
        })
        .await?
        .map_err(search_error)?;
    Ok(HttpResponse::Ok().json(SuggestResponse { suggestions }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ListingSearchQuery {
    /// Words in Chinese and/or English; empty browses. At most 200 characters.
    #[param(max_length = 200)] // search_filters::MAX_QUERY_CHARS (utoipa takes a literal)
    pub q: Option<String>,
    /// `sell` or `buy`.
    pub kind: Option<String>,
    /// A category id (top-level or second-level).
    pub category: Option<String>,
    /// `relevance` (default) or `newest`.
    pub sort: Option<String>,
    /// 1–100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListingHitCompany {
    pub id: String,
    pub name: String,
    pub english_name: Option<String>,
    pub verified: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListingHitView {
    pub id: String,
    /// `sell` or `buy`.
    pub kind: String,
    pub title: String,
    /// The title with matched words in `<b>`; everything else HTML-escaped.
    pub highlight: String,
    pub category_id: String,
    pub quantity: u64,
    pub unit: String,
    /// Unit price as a decimal string in `currency`.
    pub target_price: Option<String>,
    pub currency: Option<String>,
    pub delivery_region: Option<String>,
    pub incoterm: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub valid_until: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub published_at: OffsetDateTime,
    /// The company of a sell offer or of a supplier's buy request; absent for a buyer's request.
    pub company: Option<ListingHitCompany>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListingFacets {
    /// Top-level categories, or the children of the category filtered on.
    pub category: Vec<FacetCountView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListingSearchResponse {
    pub items: Vec<ListingHitView>,
    /// Number of matches: exact up to the count bound (`TRADEFAIR_SEARCH_COUNT_BOUND`, 10,000 by
    /// default), extrapolated from that many matches past it.
    pub total: usize,
    /// True when `total` and the facet counts are estimates (more matches than the count bound).
    pub total_is_estimate: bool,
    /// False when no listing had every word and the best partial matches are shown.
    pub matched_all_terms: bool,
    pub facets: ListingFacets,
    pub next_cursor: Option<String>,
    /// Time spent in the index, milliseconds.
    pub took_ms: f64,
}

fn from_micros(micros: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// Searches open sell offers and buy requests.
///
/// Searches open sell offers and buy requests (unexpired, of visible companies and of
/// individual buyers) in Chinese and English, with the analysis of product search.
#[utoipa::path(tag = "search", params(ListingSearchQuery), responses(
    (status = 200, description = "A page of matching sell offers and buy requests", body = ListingSearchResponse),
    (status = 400, response = BadRequest),
    (status = 503, description = "`search_unavailable`: the index is being built; see `Retry-After`", body = ErrorBody)))]
#[get("/api/v1/search/listings")]
pub async fn search_listings(
    state: web::Data<AppState>,
    query: web::Query<ListingSearchQuery>,
) -> ApiResult<HttpResponse> {
    let p = query.into_inner();
    let mut v = Vec::new();
    let q = crate::search_filters::query_text(&mut v, p.q.as_deref());
    let kind = p.kind.filter(|k| !k.is_empty());
    if let Some(k) = &kind
        && domain::listing::ListingKind::parse(k).is_none()
    {
        v.push(FieldError::new(
            "kind",
            "invalid_choice",
            "must be one of: sell, buy",
        ));
    }
    let sort = match p.sort.as_deref().unwrap_or("relevance") {
        "relevance" => Sort::Relevance,
        "newest" => Sort::Newest,
        _ => {
            v.push(FieldError::new(
                "sort",
                "invalid_choice",
                "must be one of: relevance, newest",
            ));
            Sort::Relevance
        }
    };
    let paging = paging(&mut v, p.limit, p.cursor.as_deref());
    if !v.is_empty() {
        return Err(ApiError::validation(v));
    }
    let s = ListingSearch {
        q,
        kind,
        category: p.category.filter(|c| !c.is_empty()),
        sort,
        limit: paging.limit,
        offset: paging.offset,
    };
    let results = state
        .run_search("listings", move |searcher| searcher.listings(&s))
        .await?
        .map_err(search_error)?;
    let items = results
        .items
        .into_iter()
        .map(|h| ListingHitView {
            target_price: h
                .price
                .zip(h.currency.as_deref())
                .map(|(m, c)| format_minor(m, c)),
            id: h.id,
            kind: h.kind,
            title: h.title,
            highlight: h.highlight,
            category_id: h.category,
            quantity: h.quantity,
            unit: h.unit,
            currency: h.currency,
            delivery_region: some(&h.delivery_region),
            incoterm: some(&h.incoterm),
            valid_until: from_micros(h.valid_until),
            published_at: from_micros(h.published_at),
            company: (!h.company_id.is_empty()).then(|| ListingHitCompany {
                id: h.company_id,
                name: h.company_name,
                english_name: some(&h.company_name_en),
                verified: h.verified,
            }),
        })
        .collect();
    Ok(HttpResponse::Ok().json(ListingSearchResponse {
        items,
        total: results.total,
        total_is_estimate: results.estimated,
        matched_all_terms: results.matched_all_terms,
        facets: ListingFacets {
            category: facet_views(&results.facets, "category"),
        },
        next_cursor: cursor(results.next_offset),
        took_ms: results.took_micros as f64 / 1000.0,
    }))
}
