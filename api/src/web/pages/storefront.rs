//! The storefront (企业店铺, `/{lang}/company/{slug}`): profile, the licence facts a trading
//! platform must show (guideline 第十四条), certifications, products by category with search
//! inside the store, credit profile and ratings, contacts.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use domain::company::VerificationStatus;
use domain::paging::PageRequest;
use serde::{Deserialize, Serialize};

use super::view::product_path;
use super::{PageResult, lang_of};
use crate::state::AppState;
use crate::web::errors::PageError;
use crate::web::i18n::t;
use crate::web::lang::Lang;
use crate::web::page::{self, Meta, v};
use crate::web::site::Site;

/// What the product page's supplier card and the storefront header show.
#[derive(Debug, Serialize)]
pub(crate) struct SupplierCard {
    pub name: String,
    pub other_name: Option<String>,
    pub url: String,
    pub verified: bool,
    pub years_on_platform: i64,
    pub place: String,
    pub company_type: String,
    /// `87%`, or none without decided inquiries.
    pub response_rate: Option<String>,
    /// `3 h`, `2 d`.
    pub response_time: Option<String>,
    pub credit_score: String,
    pub rating_count: i32,
    pub rating_average: Option<String>,
}

/// The supplier card of a product page or a storefront.
pub(crate) fn supplier_card(lang: Lang, s: &domain::storefront::SupplierCard) -> SupplierCard {
    let c = &s.company;
    let (name, other) = match lang {
        Lang::En => (
            c.english_name
                .clone()
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| c.legal_name.clone()),
            Some(c.legal_name.clone()),
        ),
        Lang::Zh => (c.legal_name.clone(), c.english_name.clone()),
    };
    let years = (domain::clock::now().date() - c.created_at.date()).whole_days() / 365;
    SupplierCard {
        other_name: other.filter(|o| *o != name && !o.is_empty()),
        name,
        url: format!("/{}/company/{}", lang.code(), c.slug),
        verified: c.verification_status == VerificationStatus::Verified,
        years_on_platform: years,
        place: format!("{} {}", c.province, c.city),
        company_type: t(lang, &format!("company_type.{}", c.company_type.as_str())),
        response_rate: s
            .response
            .response_rate
            .map(|r| format!("{:.0}%", r * 100.0)),
        response_time: s.response.median_first_response_secs.map(|secs| {
            if secs < 3600 {
                format!("{} min", (secs / 60).max(1))
            } else if secs < 86_400 {
                format!("{} h", secs / 3600)
            } else {
                format!("{} d", secs / 86_400)
            }
        }),
        credit_score: format!("{:.1}", f64::from(s.credit.score) / 10.0),
        rating_count: s.ratings.count,
        rating_average: s.ratings.average.map(|a| format!("{a:.1}")),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct StoreQuery {
    /// Search inside the store: the index has no company filter, so the page's products (100
    /// per page) are filtered by their titles here.
    pub q: Option<String>,
    pub cursor: Option<String>,
}

#[derive(Serialize)]
struct StoreProduct {
    url: String,
    title: String,
    price: Option<String>,
    moq: i64,
    unit: String,
}

#[derive(Serialize)]
struct CategoryGroup {
    name: String,
    products: Vec<StoreProduct>,
}

pub async fn storefront(
    req: HttpRequest,
    site: web::Data<Site>,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    query: web::Query<StoreQuery>,
) -> PageResult {
    let lang = lang_of(&req);
    let (_, slug) = path.into_inner();
    let query = query.into_inner();
    let err = |e| PageError::from_api(&site, lang, e);
    if !domain::company::is_valid_slug(&slug) {
        return Err(PageError::new(&site, lang, StatusCode::NOT_FOUND));
    }
    let page = PageRequest::parse(Some(100), query.cursor.as_deref())
        .map_err(|_| PageError::new(&site, lang, StatusCode::BAD_REQUEST))?;
    let s_slug = slug.clone();
    let store = state
        .db(move |conn| domain::storefront::storefront(conn, &s_slug, &page))
        .await
        .map_err(err)?;
    let tree = state.categories().await.map_err(err)?;
    let card = supplier_card(lang, &store.card);
    let c = &store.card.company;
    let needle = query.q.clone().unwrap_or_default().trim().to_lowercase();
    let mut names = std::collections::BTreeMap::new();
    for top in &tree {
        for child in &top.children {
            names.insert(
                child.id.clone(),
                lang.pick(Some(&child.name_zh), Some(&child.name_en))
                    .to_owned(),
            );
        }
        names.insert(
            top.id.clone(),
            lang.pick(Some(&top.name_zh), Some(&top.name_en)).to_owned(),
        );
    }
    let mut groups: Vec<CategoryGroup> = Vec::new();
    for p in &store.card.products.items {
        let title = lang
            .pick(p.title_zh.as_deref(), p.title_en.as_deref())
            .to_owned();
        let matches = needle.is_empty()
            || [p.title_zh.as_deref(), p.title_en.as_deref()]
                .iter()
                .flatten()
                .any(|t| t.to_lowercase().contains(&needle));
        if !matches {
            continue;
        }
        let name = names
            .get(&p.category_id)
            .cloned()
            .unwrap_or_else(|| p.category_id.clone());
        let item = StoreProduct {
            url: format!(
                "/{}{}",
                lang.code(),
                product_path(&p.id.to_string(), p.title_en.as_deref())
            ),
            title,
            price: super::view::price_range(
                p.price_min_minor,
                p.price_max_minor,
                p.currency.as_deref(),
            ),
            moq: p.moq,
            unit: p.unit.clone(),
        };
        match groups.iter_mut().find(|g| g.name == name) {
            Some(g) => g.products.push(item),
            None => groups.push(CategoryGroup {
                name,
                products: vec![item],
            }),
        }
    }
    let path = format!("/company/{slug}");
    let org = crate::web::jsonld::organization(&site, lang, c);
    let crumbs = crate::web::jsonld::breadcrumbs(&site, lang, &[(card.name.clone(), path.clone())]);
    let description = if c.description.trim().is_empty() {
        format!("{} – {} {}", card.name, c.province, c.business_scope)
    } else {
        c.description.chars().take(150).collect()
    };
    let logo = c.logo_id.as_deref().and_then(super::view::picture);
    let banner = c.banner_id.as_deref().and_then(super::view::picture);
    let meta = Meta {
        image: logo.as_ref().map(|l| l.medium.clone()),
        title: format!("{} – {}", card.name, site.footer.site_name),
        description,
        path: Some(path),
        og_type: "profile",
        jsonld: vec![org, crumbs],
        ..Meta::default()
    };
    let licence_expiry = c.licence_expiry.map(|e| match e.date() {
        Some(d) => d.to_string(),
        None => t(lang, "store.long_term"),
    });
    Ok(page::render(
        &site,
        lang,
        StatusCode::OK,
        "storefront.html",
        meta,
        minijinja::context! {
            company_id => c.id.to_string(),
            card => v(card),
            logo => v(&logo),
            banner => v(&banner),
            description => c.description.clone(),
            business_scope => c.business_scope.clone(),
            main_products => c.main_products.join(" · "),
            year_established => c.year_established,
            licence => minijinja::context! {
                legal_name => c.legal_name.clone(),
                credit_code => c.credit_code.clone(),
                legal_representative => c.legal_representative.clone(),
                registered_address => c.registered_address.clone(),
                expires => licence_expiry,
                expired => c.licence_expired(domain::clock::now()),
                scan_on_file => c.licence_scan_id.is_some(),
            },
            certifications => c.certifications.iter().map(|x| minijinja::context! {
                name => x.name.clone(), number => x.number.clone(),
                issued_by => x.issued_by.clone(), valid_until => x.valid_until.clone(),
            }).collect::<Vec<_>>(),
            contacts => c.contacts.iter().map(|x| minijinja::context! {
                name => x.name.clone(), phone => x.phone.clone(), email => x.email.clone(),
            }).collect::<Vec<_>>(),
            product_count => store.product_count,
            groups => v(groups),
            q => query.q.unwrap_or_default(),
            next_url => store.card.products.next_cursor.as_ref().map(|c| format!("/{}/company/{slug}?cursor={c}", lang.code())),
        },
    ))
}
