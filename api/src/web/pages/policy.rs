//! The platform's published rules (`/{lang}/rules`, `/{lang}/rules/{kind}`, every version
//! readable with `?version=`) and the transparency figures (`/{lang}/transparency`), linked
//! from every footer (guideline 第十一、十二、十三、二十三条).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use domain::policy::{PolicyDocument, PolicyKind};
use serde::{Deserialize, Serialize};

use super::{PageResult, lang_of};
use crate::error::ApiError;
use crate::state::AppState;
use crate::web::errors::PageError;
use crate::web::i18n::t;
use crate::web::lang::Lang;
use crate::web::page::{self, Meta, v};
use crate::web::site::Site;

/// `/rules/trading-rules` for `trading_rules`: words in URLs are joined by hyphens.
pub(crate) fn policy_path(kind: PolicyKind) -> String {
    format!("/rules/{}", kind.as_str().replace('_', "-"))
}

fn kind_of_slug(slug: &str) -> Option<PolicyKind> {
    PolicyKind::parse(&slug.replace('-', "_")).filter(|_| !slug.contains('_'))
}

#[derive(Serialize)]
struct DocLink {
    title: String,
    version: i32,
    date: String,
    url: String,
}

fn link(lang: Lang, d: &PolicyDocument, with_version: bool) -> DocLink {
    let mut url = format!("/{}{}", lang.code(), policy_path(d.kind));
    if with_version {
        url.push_str(&format!("?version={}", d.version));
    }
    DocLink {
        title: lang.pick(Some(&d.title_zh), Some(&d.title_en)).to_owned(),
        version: d.version,
        date: d.published_at.date().to_string(),
        url,
    }
}

pub async fn rules_index(
    req: HttpRequest,
    site: web::Data<Site>,
    state: web::Data<AppState>,
) -> PageResult {
    let lang = lang_of(&req);
    let docs = state
        .db(|conn| domain::policy::current_all(conn).map_err(ApiError::from))
        .await
        .map_err(|e| PageError::from_api(&site, lang, e))?;
    let docs: Vec<DocLink> = docs.iter().map(|d| link(lang, d, false)).collect();
    Ok(page::render(
        &site,
        lang,
        StatusCode::OK,
        "rules.html",
        Meta {
            title: format!(
                "{} – {}",
                t(lang, "policy.index_title"),
                site.footer.site_name
            ),
            description: t(lang, "policy.index_description"),
            path: Some("/rules".into()),
            ..Meta::default()
        },
        minijinja::context! { docs => v(docs) },
    ))
}

#[derive(Debug, Deserialize)]
pub struct VersionQuery {
    pub version: Option<String>,
}

pub async fn policy_page(
    req: HttpRequest,
    site: web::Data<Site>,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    query: web::Query<VersionQuery>,
) -> PageResult {
    let lang = lang_of(&req);
    let not_found = || PageError::new(&site, lang, StatusCode::NOT_FOUND);
    let Some(kind) = kind_of_slug(&path.1) else {
        return Err(not_found());
    };
    let wanted = match query.version.as_deref() {
        None | Some("") => None,
        Some(n) => match n.parse::<i32>() {
            Ok(n) if n >= 1 => Some(n),
            _ => return Err(PageError::new(&site, lang, StatusCode::BAD_REQUEST)),
        },
    };
    let versions = state
        .db(move |conn| domain::policy::versions(conn, kind).map_err(ApiError::from))
        .await
        .map_err(|e| PageError::from_api(&site, lang, e))?;
    let Some(current) = versions.first() else {
        return Err(not_found());
    };
    let shown = match wanted {
        None => current,
        Some(n) => versions
            .iter()
            .find(|d| d.version == n)
            .ok_or_else(not_found)?,
    };
    let title = lang
        .pick(Some(&shown.title_zh), Some(&shown.title_en))
        .to_owned();
    let body = lang.pick(Some(&shown.body_zh), Some(&shown.body_en));
    // Plain text: paragraphs are separated by blank lines, lines within one kept.
    let paragraphs: Vec<String> = body
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    let canonical = policy_path(kind);
    let older = shown.version != current.version;
    Ok(page::render(
        &site,
        lang,
        StatusCode::OK,
        "policy.html",
        Meta {
            title: format!("{title} – {}", site.footer.site_name),
            description: paragraphs
                .first()
                .map(|p| p.chars().take(150).collect())
                .unwrap_or_default(),
            // An old version is not indexed; the current one is the canonical page.
            path: Some(canonical),
            noindex: older,
            ..Meta::default()
        },
        minijinja::context! {
            title,
            version => shown.version,
            date => shown.published_at.date().to_string(),
            change_note => shown.change_note.clone(),
            paragraphs,
            older,
            current_url => format!("/{}{}", lang.code(), policy_path(kind)),
            versions => v(versions.iter().map(|d| link(lang, d, true)).collect::<Vec<_>>()),
        },
    ))
}

#[derive(Serialize)]
struct Row {
    month: String,
    received: i64,
    upheld: i64,
    rejected: i64,
    open: i64,
    median_hours: Option<f64>,
}

pub async fn transparency(
    req: HttpRequest,
    site: web::Data<Site>,
    state: web::Data<AppState>,
) -> PageResult {
    let lang = lang_of(&req);
    let (reports, takedowns, appeals) = state
        .db(|conn| {
            Ok::<_, ApiError>((
                domain::report::transparency(conn, 12)?,
                domain::takedown::takedown_figures(conn, 12)?,
                domain::appeal::appeal_figures(conn, 12)?,
            ))
        })
        .await
        .map_err(|e| PageError::from_api(&site, lang, e))?;
    let reports: Vec<Row> = reports
        .into_iter()
        .map(|m| Row {
            month: m.month,
            received: m.received,
            upheld: m.upheld,
            rejected: m.dismissed,
            open: m.open,
            median_hours: m.median_handling_hours,
        })
        .collect();
    let takedowns: Vec<Row> = takedowns
        .into_iter()
        .map(|m| Row {
            month: m.month,
            received: m.received,
            upheld: m.taken_down,
            rejected: m.rejected,
            open: m.pending,
            median_hours: m.median_handling_hours,
        })
        .collect();
    let appeals: Vec<Row> = appeals
        .into_iter()
        .map(|m| Row {
            month: m.month,
            received: m.received,
            upheld: m.upheld,
            rejected: m.rejected,
            open: m.open,
            median_hours: m.median_handling_hours,
        })
        .collect();
    Ok(page::render(
        &site,
        lang,
        StatusCode::OK,
        "transparency.html",
        Meta {
            title: format!(
                "{} – {}",
                t(lang, "transparency.title"),
                site.footer.site_name
            ),
            description: t(lang, "transparency.description"),
            path: Some("/transparency".into()),
            ..Meta::default()
        },
        minijinja::context! {
            reports => v(reports),
            takedowns => v(takedowns),
            appeals => v(appeals),
        },
    ))
}
