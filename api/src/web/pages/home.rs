//! `/` (redirect by `Accept-Language`) and the home page: search box, categories, recently
//! verified suppliers, new products, open buy requests.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use super::view::{ProductCard, product_card};
use super::{PageResult, lang_of};
use crate::state::AppState;
use crate::web::errors::PageError;
use crate::web::lang::Lang;
use crate::web::page::{self, Meta, v};
use crate::web::site::Site;

pub async fn root(req: HttpRequest) -> HttpResponse {
    let accept = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    let lang = Lang::negotiate(accept);
    HttpResponse::Found()
        .insert_header((header::LOCATION, format!("/{}/", lang.code())))
        .insert_header((header::VARY, "Accept-Language"))
        .finish()
}

pub async fn home_without_slash(req: HttpRequest) -> HttpResponse {
    HttpResponse::MovedPermanently()
        .insert_header((header::LOCATION, format!("/{}/", lang_of(&req).code())))
        .finish()
}

#[derive(Serialize)]
pub(crate) struct CategoryLink {
    pub id: String,
    pub name: String,
    pub url: String,
    pub children: Vec<CategoryLink>,
}

pub(crate) fn category_links(
    lang: Lang,
    nodes: Vec<domain::catalog::CategoryNode>,
) -> Vec<CategoryLink> {
    nodes
        .into_iter()
        .map(|n| CategoryLink {
            url: format!("/{}/category/{}", lang.code(), n.id),
            name: lang.pick(Some(&n.name_zh), Some(&n.name_en)).to_owned(),
            id: n.id,
            children: category_links(lang, n.children),
        })
        .collect()
}

#[derive(Serialize)]
struct SupplierCard {
    name: String,
    url: String,
    place: String,
    company_type: String,
}

#[derive(Serialize)]
struct BuyRequestCard {
    url: String,
    title: String,
    quantity: u64,
    unit: String,
    company_name: String,
    delivery_region: String,
}

pub async fn home(
    req: HttpRequest,
    site: web::Data<Site>,
    state: web::Data<AppState>,
) -> PageResult {
    let lang = lang_of(&req);
    let err = |e| PageError::from_api(&site, lang, e);
    let categories = state.categories().await.map_err(err)?;
    let searcher = state.search.clone();
    // One task on the blocking pool for the directory read and both searches (a hand-off costs
    // more than either). The index may still be building at start: the home page then shows no
    // new products and no buy requests rather than failing.
    let (suppliers, products, buy_requests) = state
        .db(move |conn| -> Result<_, crate::error::ApiError> {
            let suppliers = domain::company::directory(conn, None, None, true, 8)?;
            let products = searcher
                .product_list(&search::ProductSearch::newest(None, 8))
                .map(|r| r.items)
                .unwrap_or_default();
            let buys = searcher
                .listings(&search::ListingSearch {
                    q: String::new(),
                    kind: Some("buy".into()),
                    category: None,
                    sort: search::Sort::Newest,
                    limit: 6,
                    offset: 0,
                })
                .map(|r| r.items)
                .unwrap_or_default();
            Ok((suppliers, products, buys))
        })
        .await
        .map_err(err)?;
    let products: Vec<ProductCard> = products
        .iter()
        .map(|h| product_card(lang, h, false))
        .collect();
    let suppliers: Vec<SupplierCard> = suppliers
        .into_iter()
        .map(|c| SupplierCard {
            name: lang
                .pick(Some(&c.legal_name), c.english_name.as_deref())
                .to_owned(),
            url: format!("/{}/company/{}", lang.code(), c.slug),
            place: format!("{} {}", c.province, c.city),
            company_type: c.company_type.as_str().to_owned(),
        })
        .collect();
    let buy_requests: Vec<BuyRequestCard> = buy_requests
        .into_iter()
        .map(|b| BuyRequestCard {
            url: format!(
                "/{}{}",
                lang.code(),
                super::listing::listing_path(domain::listing::ListingKind::Buy, &b.id)
            ),
            title: b.title,
            quantity: b.quantity,
            unit: b.unit,
            company_name: lang
                .pick(Some(&b.company_name), Some(&b.company_name_en))
                .to_owned(),
            delivery_region: b.delivery_region,
        })
        .collect();
    let site_name = site.footer.site_name.clone();
    let meta = Meta {
        title: format!(
            "{} – {}",
            site_name,
            crate::web::i18n::t(lang, "home.tagline")
        ),
        description: crate::web::i18n::t(lang, "home.description"),
        path: Some("/".into()),
        og_type: "website",
        jsonld: vec![serde_json::json!({
            "@context": "https://schema.org",
            "@type": "WebSite",
            "name": site_name,
            "url": site.absolute(&format!("/{}/", lang.code())),
            "potentialAction": {
                "@type": "SearchAction",
                "target": site.absolute(&format!("/{}/search?q={{q}}", lang.code())),
                "query-input": "required name=q"
            }
        })],
        ..Meta::default()
    };
    Ok(page::render(
        &site,
        lang,
        StatusCode::OK,
        "home.html",
        meta,
        minijinja::context! {
            categories => v(category_links(lang, categories)),
            products => v(products),
            suppliers => v(suppliers),
            buy_requests => v(buy_requests),
        },
    ))
}
