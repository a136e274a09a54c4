//! Buy request (求购) and sell offer (供应) pages: `/{lang}/buy-requests/{id}` and
//! `/{lang}/sell-offers/{id}`. What anyone may see of an open listing (the API's public view:
//! closed, expired, draft, held and hidden listings are 404), who posted it, and the action
//! that fits the visitor: "Quote" on a buy request for a supplier's member, "Send inquiry" on a
//! sell offer. Their lists are the search page's `buy` and `sell` tabs.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use domain::listing::{Listing, ListingKind};
use serde::Serialize;
use uuid::Uuid;

use super::{PageResult, lang_of};
use crate::error::ApiError;
use crate::state::AppState;
use crate::web::errors::PageError;
use crate::web::i18n::t;
use crate::web::lang::Lang;
use crate::web::page::{self, Meta, v};
use crate::web::session;
use crate::web::site::Site;

/// The path of a listing's page after the language prefix.
pub(crate) fn listing_path(kind: ListingKind, id: &str) -> String {
    match kind {
        ListingKind::Buy => format!("/buy-requests/{id}"),
        ListingKind::Sell => format!("/sell-offers/{id}"),
    }
}

/// Who posted a listing, as a visitor sees it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Poster {
    /// The company's name in the page's language; `None` for an individual buyer.
    pub name: Option<String>,
    pub url: Option<String>,
    pub verified: bool,
    pub place: Option<String>,
}

/// A live, public listing of `kind` with its poster and category names, or a 404 page.
pub(crate) async fn load_public(
    state: &AppState,
    site: &web::Data<Site>,
    lang: Lang,
    kind: ListingKind,
    id: &str,
) -> Result<(Listing, Poster, String), PageError> {
    let not_found = || PageError::new(site, lang, StatusCode::NOT_FOUND);
    let Ok(id) = Uuid::parse_str(id) else {
        return Err(not_found());
    };
    let found = state
        .db(move |conn| -> Result<_, ApiError> {
            // No actor: only what anyone may see.
            let listing = match domain::listing::get_listing(conn, None, id) {
                Ok(l) => l,
                Err(domain::listing::ListingError::NotFound) => return Ok(None),
                Err(e) => return Err(e.into()),
            };
            let company = match listing.company_id {
                Some(c) => Some(domain::company::find_company(conn, c)?),
                None => None,
            };
            Ok(Some((listing, company)))
        })
        .await
        .map_err(|e| PageError::from_api(site, lang, e))?;
    let Some((listing, company)) = found else {
        return Err(not_found());
    };
    let categories = state
        .categories()
        .await
        .map_err(|e| PageError::from_api(site, lang, e))?;
    // The public view already hides what is not open; an expired one is gone too, and a
    // listing shown under the other kind's address does not exist there.
    if listing.kind != kind || !listing.is_live(domain::clock::now()) {
        return Err(not_found());
    }
    let poster = match company {
        Some(c) => Poster {
            name: Some(
                lang.pick(Some(&c.legal_name), c.english_name.as_deref())
                    .to_owned(),
            ),
            url: Some(format!(
                "/{}{}",
                lang.code(),
                super::storefront_path(&c.slug)
            )),
            verified: c.is_verified(),
            place: Some(format!("{} {}", c.province, c.city)),
        },
        None => Poster {
            name: None,
            url: None,
            verified: false,
            place: None,
        },
    };
    let mut category = listing.category_id.clone();
    for top in &categories {
        for node in std::iter::once(top).chain(top.children.iter()) {
            if node.id == listing.category_id {
                category = lang
                    .pick(Some(&node.name_zh), Some(&node.name_en))
                    .to_owned();
            }
        }
    }
    Ok((listing, poster, category))
}

/// The facts of a listing as the page shows them.
#[derive(Serialize)]
struct Facts {
    title: String,
    description: String,
    category: String,
    category_url: String,
    quantity: i64,
    unit: String,
    price: Option<String>,
    delivery_region: Option<String>,
    incoterm: Option<String>,
    valid_until: String,
    quotes: i32,
    max_quotes: i32,
}

fn facts(lang: Lang, l: &Listing, category: String) -> Facts {
    Facts {
        title: l.title.clone(),
        description: l.description.clone(),
        category,
        category_url: format!(
            "/{}/search?type={}&category={}",
            lang.code(),
            l.kind.as_str(),
            l.category_id
        ),
        quantity: l.quantity,
        unit: l.unit.clone(),
        price: match (l.price_minor, l.currency.as_deref()) {
            (Some(p), Some(c)) => Some(format!("{c} {}", domain::catalog::format_minor(p, c))),
            _ => None,
        },
        delivery_region: l.delivery_region.clone().filter(|r| !r.is_empty()),
        incoterm: l.incoterm.map(|i| i.as_str().to_owned()),
        valid_until: l.valid_until.date().to_string(),
        quotes: l.quote_count,
        max_quotes: l.max_quotes,
    }
}

/// What the visitor may do on a buy request's page.
#[derive(Serialize, PartialEq)]
enum QuoteAction {
    /// Not signed in: "Sign in to quote".
    SignIn,
    /// A member of a company other than the poster's.
    Quote,
    /// Their own (or their company's) request.
    Own,
    /// Signed in without a company: only suppliers quote.
    NotASupplier,
}

pub async fn buy_request(
    req: HttpRequest,
    site: web::Data<Site>,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> PageResult {
    show(req, site, state, ListingKind::Buy, &path.1).await
}

pub async fn sell_offer(
    req: HttpRequest,
    site: web::Data<Site>,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> PageResult {
    show(req, site, state, ListingKind::Sell, &path.1).await
}

async fn show(
    req: HttpRequest,
    site: web::Data<Site>,
    state: web::Data<AppState>,
    kind: ListingKind,
    id: &str,
) -> PageResult {
    let lang = lang_of(&req);
    let (listing, poster, category) = load_public(&state, &site, lang, kind, id).await?;
    let signed_in = session::current(&state, &req)
        .await
        .map_err(|e| PageError::from_api(&site, lang, e))?;
    let action = match &signed_in {
        None => QuoteAction::SignIn,
        Some(s) if s.session.user.id == listing.owner_id => QuoteAction::Own,
        Some(s) => {
            let user_id = s.session.user.id;
            let membership = state
                .db(move |conn| {
                    domain::company::membership_of(conn, user_id).map_err(ApiError::from)
                })
                .await
                .map_err(|e| PageError::from_api(&site, lang, e))?;
            match membership {
                None => QuoteAction::NotASupplier,
                Some((company, _)) if Some(company) == listing.company_id => QuoteAction::Own,
                Some(_) => QuoteAction::Quote,
            }
        }
    };
    let path = listing_path(kind, &listing.id.to_string());
    let facts = facts(lang, &listing, category);
    let (kind_label, template) = match kind {
        ListingKind::Buy => (t(lang, "listing.buy_request"), "buy_request.html"),
        ListingKind::Sell => (t(lang, "listing.sell_offer"), "sell_offer.html"),
    };
    let meta = Meta {
        title: format!("{kind_label}: {} – {}", facts.title, site.footer.site_name),
        description: facts.description.chars().take(150).collect(),
        path: Some(path.clone()),
        og_type: "website",
        ..Meta::default()
    };
    let sent = req.query_string().contains("quote=sent");
    let inquiry_sent = req.query_string().contains("inquiry=sent");
    Ok(page::render(
        &site,
        lang,
        StatusCode::OK,
        template,
        meta,
        minijinja::context! {
            listing_id => listing.id.to_string(),
            kind_label,
            facts => v(facts),
            poster => v(poster),
            action => v(action),
            page_path => format!("/{}{path}", lang.code()),
            quote_sent => sent,
            inquiry_sent,
        },
    ))
}
