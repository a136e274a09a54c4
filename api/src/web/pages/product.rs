//! The product page (`/{lang}/product/{id}/{slug}`): titles, price tiers and MOQ, attributes,
//! lead time and origin, the supplier card, more from the supplier and related products.
//! Hidden products (not published, held, company not public) are 404; deleted ones 410.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use domain::catalog::{CatalogError, format_minor};
use domain::paging::PageRequest;
use serde::Serialize;
use uuid::Uuid;

use super::storefront::supplier_card;
use super::view::{Picture, ProductCard, picture, product_card, product_path};
use super::{PageResult, lang_of};
use crate::error::ApiError;
use crate::state::AppState;
use crate::web::errors::PageError;
use crate::web::i18n::t;
use crate::web::lang::Lang;
use crate::web::page::{self, Meta, v};
use crate::web::site::Site;

pub async fn product(
    req: HttpRequest,
    site: web::Data<Site>,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> PageResult {
    let (_, id) = path.into_inner();
    show(req, site, state, id, None).await
}

pub async fn product_slug(
    req: HttpRequest,
    site: web::Data<Site>,
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
) -> PageResult {
    let (_, id, slug) = path.into_inner();
    show(req, site, state, id, Some(slug)).await
}

#[derive(Serialize)]
struct Tier {
    min_quantity: i64,
    price: String,
}

/// A product anyone may see, its supplier's card and the related products.
struct Live {
    product: domain::catalog::Product,
    store: domain::storefront::SupplierCard,
    related: Vec<search::ProductHit>,
}

/// What a page lookup found: the product, or that it was deleted, or nothing public.
enum Found {
    Live(Box<Live>),
    Deleted,
    Missing,
}

async fn show(
    req: HttpRequest,
    site: web::Data<Site>,
    state: web::Data<AppState>,
    id: String,
    slug: Option<String>,
) -> PageResult {
    let lang = lang_of(&req);
    let err = |e| PageError::from_api(&site, lang, e);
    let Ok(id) = Uuid::parse_str(&id) else {
        return Err(PageError::new(&site, lang, StatusCode::NOT_FOUND));
    };
    let searcher = state.search.clone();
    // One task on the blocking pool for the database reads and the related-products search: a
    // hand-off between an actix worker and the pool costs more than either read.
    let found = state
        .db(move |conn| -> Result<Found, ApiError> {
            // The public view: no actor, so only what anyone may see.
            let (product, company) = match domain::catalog::get_public_product(conn, id) {
                Ok(found) => found,
                Err(CatalogError::NotFound) => {
                    return Ok(if domain::catalog::product_deleted(conn, id)? {
                        Found::Deleted
                    } else {
                        Found::Missing
                    });
                }
                Err(e) => return Err(e.into()),
            };
            let page = PageRequest {
                limit: 7,
                after: None,
            };
            let store = domain::storefront::supplier_card(conn, company, &page)?;
            let related = related_products(&searcher, &product);
            Ok(Found::Live(Box::new(Live {
                product,
                store,
                related,
            })))
        })
        .await
        .map_err(err)?;
    let Live {
        product: p,
        store,
        related,
    } = match found {
        Found::Live(b) => *b,
        Found::Deleted => return Err(PageError::new(&site, lang, StatusCode::GONE)),
        Found::Missing => return Err(PageError::new(&site, lang, StatusCode::NOT_FOUND)),
    };
    let canonical_path = product_path(&p.id.to_string(), p.title_en.as_deref());
    let requested = match &slug {
        Some(s) => format!("/product/{}/{s}", p.id),
        None => format!("/product/{}", p.id),
    };
    if requested != canonical_path {
        return Ok(HttpResponse::MovedPermanently()
            .insert_header((
                header::LOCATION,
                format!("/{}{canonical_path}", lang.code()),
            ))
            .finish());
    }
    let title = lang
        .pick(p.title_zh.as_deref(), p.title_en.as_deref())
        .to_owned();
    let other_title = match lang {
        Lang::Zh => p.title_en.clone(),
        Lang::En => p.title_zh.clone(),
    }
    .filter(|o| !o.is_empty() && *o != title);
    let own = p.id.to_string();
    let related: Vec<ProductCard> = related
        .iter()
        .filter(|h| h.id != own)
        .take(6)
        .map(|h| product_card(lang, h, false))
        .collect();
    let more: Vec<_> = store
        .products
        .items
        .iter()
        .filter(|o| o.id != p.id)
        .take(6)
        .map(|o| {
            minijinja::context! {
                url => format!("/{}{}", lang.code(), product_path(&o.id.to_string(), o.title_en.as_deref())),
                title => lang.pick(o.title_zh.as_deref(), o.title_en.as_deref()).to_owned(),
                price => super::view::price_range(o.price_min_minor, o.price_max_minor, o.currency.as_deref()),
            }
        })
        .collect();
    let categories = state.categories().await.map_err(err)?;
    let mut crumbs = Vec::new();
    let top_id = p.category_id.split('.').next().unwrap_or("").to_owned();
    for top in &categories {
        if top.id == top_id {
            crumbs.push((
                lang.pick(Some(&top.name_zh), Some(&top.name_en)).to_owned(),
                format!("/category/{}", top.id),
            ));
            if let Some(child) = top.children.iter().find(|c| c.id == p.category_id) {
                crumbs.push((
                    lang.pick(Some(&child.name_zh), Some(&child.name_en))
                        .to_owned(),
                    format!("/category/{}", child.id),
                ));
            }
        }
    }
    crumbs.push((title.clone(), canonical_path.clone()));
    let card = supplier_card(lang, &store);
    let company = &store.company;
    let tiers: Vec<Tier> = match p.currency.as_deref() {
        Some(cur) if !p.price_on_request => p
            .price_tiers
            .iter()
            .map(|tier| Tier {
                min_quantity: tier.min_quantity,
                price: format!("{cur} {}", format_minor(tier.unit_price_minor, cur)),
            })
            .collect(),
        _ => Vec::new(),
    };
    let description = if p.description.trim().is_empty() {
        format!("{title} – {} – {}", card.name, t(lang, "product.moq"))
    } else {
        p.description.chars().take(150).collect()
    };
    let pictures: Vec<Picture> = p.images.iter().filter_map(|id| picture(id)).collect();
    let meta = Meta {
        image: pictures.first().map(|pic| pic.medium.clone()),
        title: format!("{title} – {} – {}", card.name, site.footer.site_name),
        description,
        path: Some(canonical_path.clone()),
        og_type: "product",
        jsonld: vec![
            crate::web::jsonld::product(&site, lang, &p, &title, &canonical_path, company),
            crate::web::jsonld::breadcrumbs(&site, lang, &crumbs),
        ],
        ..Meta::default()
    };
    Ok(page::render(
        &site,
        lang,
        StatusCode::OK,
        "product.html",
        meta,
        minijinja::context! {
            title,
            other_title,
            crumbs => crumbs.iter().map(|(name, path)| minijinja::context! {
                name => name.clone(), url => format!("/{}{path}", lang.code())
            }).collect::<Vec<_>>(),
            description => p.description.clone(),
            tiers => v(tiers),
            price_on_request => p.price_on_request,
            moq => p.moq,
            unit => p.unit.clone(),
            attributes => p.attributes.iter().map(|a| minijinja::context! {
                name => a.name.clone(), value => a.value.clone()
            }).collect::<Vec<_>>(),
            lead_time_days => p.lead_time_days,
            place_of_origin => p.place_of_origin.clone(),
            card => v(card),
            more,
            related => v(related),
            product_id => p.id.to_string(),
            pictures => v(&pictures),
            inquiry_sent => req.query_string().split('&').any(|kv| kv == "inquiry=sent"),
        },
    ))
}

/// Newest products of the same category (other suppliers' too); none while the index builds.
fn related_products(
    searcher: &search::Search,
    p: &domain::catalog::Product,
) -> Vec<search::ProductHit> {
    let s = search::ProductSearch::newest(Some(p.category_id.clone()), 7);
    searcher
        .product_list(&s)
        .map(|r| r.items)
        .unwrap_or_default()
}
