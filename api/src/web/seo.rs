//! `robots.txt` and the sitemaps: `sitemap.xml` is an index of files of at most 50,000 URLs,
//! each read by keyset paging over the public products (and one file of storefronts), so a
//! file costs one index range scan however large the catalog. Hidden and deleted items are not
//! listed: the queries apply the same visibility as search and the product page.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use crate::error::ApiError;
use crate::state::AppState;
use crate::web::pages::storefront_path;
use crate::web::site::Site;

/// URLs per sitemap file: the protocol's limit.
pub const MAX_URLS_PER_FILE: i64 = 50_000;

/// Products per file: each product has two URLs (zh and en). `TRADEFAIR_SITEMAP_URLS_PER_FILE`
/// lowers the URL count (tests use it to see several files).
fn products_per_file(site: &Site) -> i64 {
    (site.sitemap_urls_per_file.clamp(2, MAX_URLS_PER_FILE)) / 2
}

pub async fn robots(site: web::Data<Site>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(format!(
            "User-agent: *\nDisallow: /api/\nDisallow: /docs/\nDisallow: /zh/search\nDisallow: /en/search\nAllow: /\n\nSitemap: {}\n",
            site.absolute("/sitemap.xml")
        ))
}

fn xml(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/xml; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=600"))
        .body(body)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

fn failed(e: ApiError) -> HttpResponse {
    tracing::warn!(code = e.code, "sitemap failed");
    HttpResponse::build(if e.status.is_server_error() {
        e.status
    } else {
        StatusCode::NOT_FOUND
    })
    .content_type("text/plain; charset=utf-8")
    .body("sitemap unavailable")
}

pub async fn sitemap_index(site: web::Data<Site>, state: web::Data<AppState>) -> HttpResponse {
    let n = products_per_file(&site);
    let starts = match state
        .db(move |conn| domain::catalog::public_product_file_starts(conn, n))
        .await
    {
        Ok(s) => s,
        Err(e) => return failed(e),
    };
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for file in ["/sitemaps/suppliers.xml", "/sitemaps/listings.xml"] {
        out.push_str(&format!(
            "<sitemap><loc>{}</loc></sitemap>\n",
            escape(&site.absolute(file))
        ));
    }
    for start in starts {
        let name = start.unwrap_or_else(|| "first".into());
        out.push_str(&format!(
            "<sitemap><loc>{}</loc></sitemap>\n",
            escape(&site.absolute(&format!("/sitemaps/products/{name}.xml")))
        ));
    }
    out.push_str("</sitemapindex>\n");
    xml(out)
}

/// Both language versions of a page, each listing the other as an alternate.
fn url_entry(out: &mut String, site: &Site, path: &str, lastmod: &str) {
    for lang in ["zh", "en"] {
        out.push_str(&format!(
            "<url><loc>{}</loc><lastmod>{lastmod}</lastmod>",
            escape(&site.absolute(&format!("/{lang}{path}")))
        ));
        for (alt, tag) in [("zh", "zh-CN"), ("en", "en")] {
            out.push_str(&format!(
                "<xhtml:link rel=\"alternate\" hreflang=\"{tag}\" href=\"{}\"/>",
                escape(&site.absolute(&format!("/{alt}{path}")))
            ));
        }
        out.push_str("</url>\n");
    }
}

const URLSET: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n";

/// One file of products: those with an id after `start` (`first` for the first file).
pub async fn sitemap_products(
    site: web::Data<Site>,
    state: web::Data<AppState>,
    start: web::Path<String>,
) -> HttpResponse {
    let start = start.into_inner();
    let after = (start != "first").then_some(start);
    if after
        .as_deref()
        .is_some_and(|a| uuid::Uuid::parse_str(a).is_err())
    {
        return HttpResponse::NotFound().finish();
    }
    let n = products_per_file(&site);
    let rows = match state
        .db(move |conn| domain::catalog::public_products_after(conn, after.as_deref(), n))
        .await
    {
        Ok(r) => r,
        Err(e) => return failed(e),
    };
    let mut out = String::from(URLSET);
    for p in rows {
        let path = crate::web::pages::product_path_of(&p.id, p.title_en.as_deref());
        url_entry(&mut out, &site, &path, &p.updated_at.date().to_string());
    }
    out.push_str("</urlset>\n");
    xml(out)
}

/// The home page, the directory, the rules, the transparency report and every storefront (the
/// first 24,996 by slug: beyond that this file would need the products' paging).
pub async fn sitemap_suppliers(site: web::Data<Site>, state: web::Data<AppState>) -> HttpResponse {
    let rows = match state
        .db(|conn| domain::company::public_slugs_after(conn, None, MAX_URLS_PER_FILE / 2 - 4))
        .await
    {
        Ok(r) => r,
        Err(e) => return failed(e),
    };
    let mut out = String::from(URLSET);
    url_entry(
        &mut out,
        &site,
        "/",
        &domain::clock::now().date().to_string(),
    );
    for page in ["/suppliers", "/rules", "/transparency"] {
        url_entry(
            &mut out,
            &site,
            page,
            &domain::clock::now().date().to_string(),
        );
    }
    for (slug, updated) in rows {
        url_entry(
            &mut out,
            &site,
            &storefront_path(&slug),
            &updated.date().to_string(),
        );
    }
    out.push_str("</urlset>\n");
    xml(out)
}

/// Live public buy requests and sell offers, newest first (the newest 25,000: listings end
/// within weeks, so the file holds what is open, not an archive).
pub async fn sitemap_listings(site: web::Data<Site>, state: web::Data<AppState>) -> HttpResponse {
    let rows = match state
        .db(|conn| {
            domain::listing::sitemap_listings(conn, MAX_URLS_PER_FILE / 2).map_err(ApiError::from)
        })
        .await
    {
        Ok(r) => r,
        Err(e) => return failed(e),
    };
    let mut out = String::from(URLSET);
    for (id, kind, updated) in rows {
        let path = crate::web::pages::listing::listing_path(kind, &id.to_string());
        url_entry(&mut out, &site, &path, &updated.date().to_string());
    }
    out.push_str("</urlset>\n");
    xml(out)
}
