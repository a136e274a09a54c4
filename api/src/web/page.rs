//! Rendering a page: the shared context (language, canonical and alternate URLs, Open Graph,
//! JSON-LD, the footer) and the headers every page sends.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use serde::Serialize;

use super::lang::Lang;
use super::site::Site;

/// Scripts only from our origin (none inline: JSON-LD blocks are data, not script), no
/// framing, forms only to ourselves; images may come from https hosts (supplier logos).
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
img-src 'self' https: data:; font-src 'self'; connect-src 'self'; object-src 'none'; \
base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

#[derive(Debug, Default)]
pub struct Meta {
    pub title: String,
    pub description: String,
    /// The page's path after the language prefix (`/product/…`), with its canonical query;
    /// `None` for pages without a canonical address (errors).
    pub path: Option<String>,
    /// Search result pages and errors are not indexed.
    pub noindex: bool,
    /// `website`, `product`, `profile`
    pub og_type: &'static str,
    pub jsonld: Vec<serde_json::Value>,
    /// A site path of the page's picture (`og:image`), made absolute here.
    pub image: Option<String>,
}

#[derive(Serialize)]
struct Alternate {
    hreflang: &'static str,
    href: String,
}

#[derive(Serialize)]
struct PageView {
    title: String,
    description: String,
    canonical: Option<String>,
    alternates: Vec<Alternate>,
    /// The same page in the other language.
    switch_url: String,
    noindex: bool,
    og_type: &'static str,
    /// Serialized, with `</` escaped so no value can end the script element.
    jsonld: Vec<String>,
    image: Option<String>,
}

/// A serializable view model as a template value.
pub fn v<T: Serialize>(value: T) -> minijinja::Value {
    minijinja::Value::from(minijinja::value::Serde(value))
}

/// Renders `template` as a full page with `status`.
pub fn render(
    site: &Site,
    lang: Lang,
    status: StatusCode,
    template: &str,
    meta: Meta,
    data: minijinja::Value,
) -> HttpResponse {
    let url = |l: Lang, path: &str| site.absolute(&format!("/{}{path}", l.code()));
    let alternates = meta
        .path
        .as_deref()
        .map(|p| {
            let mut v: Vec<Alternate> = Lang::ALL
                .iter()
                .map(|l| Alternate {
                    hreflang: l.tag(),
                    href: url(*l, p),
                })
                .collect();
            v.push(Alternate {
                hreflang: "x-default",
                href: url(Lang::Zh, p),
            });
            v
        })
        .unwrap_or_default();
    let view = PageView {
        canonical: meta.path.as_deref().map(|p| url(lang, p)),
        switch_url: format!(
            "/{}{}",
            lang.other().code(),
            meta.path.as_deref().unwrap_or("/")
        ),
        title: meta.title,
        description: meta.description,
        alternates,
        noindex: meta.noindex,
        image: meta.image.as_deref().map(|p| site.absolute(p)),
        og_type: if meta.og_type.is_empty() {
            "website"
        } else {
            meta.og_type
        },
        jsonld: meta
            .jsonld
            .iter()
            .map(|v| v.to_string().replace("</", "<\\/"))
            .collect(),
    };
    let ctx = minijinja::context! {
        lang => lang.code(),
        html_lang => lang.tag(),
        other_lang => lang.other().code(),
        page => v(view),
        css_url => site.css.url(),
        js_url => site.js.url(),
        footer => v(&site.footer),
        ..data
    };
    match site.render(template, ctx) {
        Ok(html) => with_headers(HttpResponse::build(status), lang).body(html),
        Err(e) => {
            tracing::error!(error = %e, template, "page template failed");
            with_headers(HttpResponse::build(StatusCode::INTERNAL_SERVER_ERROR), lang)
                .body(FALLBACK_500)
        }
    }
}

/// The headers of every HTML response.
pub fn with_headers(
    mut builder: actix_web::HttpResponseBuilder,
    lang: Lang,
) -> actix_web::HttpResponseBuilder {
    builder
        .content_type("text/html; charset=utf-8")
        .insert_header(("Content-Security-Policy", CSP))
        .insert_header(("Referrer-Policy", "strict-origin-when-cross-origin"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header(("Content-Language", lang.tag()));
    builder
}

/// When even the error template fails: a page with no template and no detail.
const FALLBACK_500: &str = "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
<title>500</title></head><body><h1>服务暂时不可用 / Something went wrong</h1></body></html>";
