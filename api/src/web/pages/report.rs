//! "Report" (投诉举报) from a product, storefront, buy request or sell offer page:
//! `/{lang}/report?type=product|listing|company&id=…`. The visitor signs in first (and comes
//! back), picks a reason and may explain; the report goes through `report::file_report`, the
//! same service and rules as `POST /api/v1/reports` (one open report per item and reporter),
//! and operators find it in their queue.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use domain::report::{ReportInput, ReportReason};
use serde::Deserialize;
use uuid::Uuid;

use super::account::{field_text, require_session};
use super::listing::listing_path;
use super::view::product_path;
use super::{PageResult, lang_of, storefront_path};
use crate::error::ApiError;
use crate::state::AppState;
use crate::web::errors::PageError;
use crate::web::forms::{self, check_session_csrf};
use crate::web::i18n::t;
use crate::web::lang::Lang;
use crate::web::page::{self, Meta};
use crate::web::session::SignedIn;
use crate::web::site::Site;

#[derive(Debug, Default, Deserialize)]
pub struct ReportQuery {
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub id: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub details: String,
    #[serde(default)]
    pub csrf: String,
}

/// What is reported, as anyone may see it: its kind, id, name and page.
struct Subject {
    kind: &'static str,
    id: Uuid,
    name: String,
    url: String,
}

/// The public item the query names, or a 404 page (one reports only what one can see here).
async fn subject_of(
    state: &AppState,
    site: &web::Data<Site>,
    lang: Lang,
    q: &ReportQuery,
) -> Result<Subject, PageError> {
    let not_found = || PageError::new(site, lang, StatusCode::NOT_FOUND);
    let Ok(id) = Uuid::parse_str(q.id.trim()) else {
        return Err(not_found());
    };
    let kind: &'static str = match q.kind.as_str() {
        "product" => "product",
        "listing" => "listing",
        "company" => "company",
        _ => return Err(not_found()),
    };
    let found = state
        .db(move |conn| -> Result<Option<(String, String)>, ApiError> {
            Ok(match kind {
                "product" => match domain::catalog::get_product(conn, None, id) {
                    Ok(p) => Some((
                        lang.pick(p.title_zh.as_deref(), p.title_en.as_deref())
                            .to_owned(),
                        product_path(&p.id.to_string(), p.title_en.as_deref()),
                    )),
                    Err(domain::catalog::CatalogError::NotFound) => None,
                    Err(e) => return Err(e.into()),
                },
                "listing" => match domain::listing::get_listing(conn, None, id) {
                    Ok(l) if l.is_live(domain::clock::now()) => {
                        Some((l.title.clone(), listing_path(l.kind, &l.id.to_string())))
                    }
                    Ok(_) | Err(domain::listing::ListingError::NotFound) => None,
                    Err(e) => return Err(e.into()),
                },
                _ => match domain::company::find_company(conn, id) {
                    Ok(c) if c.is_public() => Some((
                        lang.pick(Some(&c.legal_name), c.english_name.as_deref())
                            .to_owned(),
                        storefront_path(&c.slug),
                    )),
                    Ok(_) | Err(domain::company::CompanyError::NotFound) => None,
                    Err(e) => return Err(e.into()),
                },
            })
        })
        .await
        .map_err(|e| PageError::from_api(site, lang, e))?;
    let (name, path) = found.ok_or_else(not_found)?;
    Ok(Subject {
        kind,
        id,
        name,
        url: format!("/{}{path}", lang.code()),
    })
}

fn form_page(
    site: &web::Data<Site>,
    lang: Lang,
    status: StatusCode,
    signed_in: &SignedIn,
    subject: &Subject,
    form: &ReportForm,
    errors: Vec<(String, String)>,
) -> HttpResponse {
    let errors: std::collections::BTreeMap<String, String> = errors.into_iter().collect();
    let reasons: Vec<(String, String)> = ReportReason::ALL
        .iter()
        .map(|r| {
            (
                r.as_str().to_owned(),
                t(lang, &format!("report.reason_{}", r.as_str())),
            )
        })
        .collect();
    page::render(
        site,
        lang,
        status,
        "report.html",
        Meta {
            title: format!("{} – {}", t(lang, "report.title"), subject.name),
            noindex: true,
            ..Meta::default()
        },
        minijinja::context! {
            csrf => signed_in.session.csrf_token.clone(),
            subject_name => subject.name.clone(),
            subject_url => subject.url.clone(),
            reasons,
            reason => form.reason.clone(),
            details => form.details.clone(),
            errors,
        },
    )
}

pub async fn report_form(
    req: HttpRequest,
    site: web::Data<Site>,
    state: web::Data<AppState>,
    query: web::Query<ReportQuery>,
) -> PageResult {
    let lang = lang_of(&req);
    let signed_in = match require_session(&state, &site, &req).await? {
        Ok(s) => s,
        Err(redirect) => return Ok(redirect),
    };
    let subject = subject_of(&state, &site, lang, &query).await?;
    Ok(form_page(
        &site,
        lang,
        StatusCode::OK,
        &signed_in,
        &subject,
        &ReportForm::default(),
        Vec::new(),
    ))
}

pub async fn send_report(
    req: HttpRequest,
    site: web::Data<Site>,
    state: web::Data<AppState>,
    query: web::Query<ReportQuery>,
    body: web::Bytes,
) -> PageResult {
    let lang = lang_of(&req);
    let form: ReportForm = forms::parse(&site, lang, &body)?;
    let signed_in = match require_session(&state, &site, &req).await? {
        Ok(s) => s,
        Err(redirect) => return Ok(redirect),
    };
    check_session_csrf(&req, &site, lang, &signed_in.session.csrf_token, &form.csrf)?;
    let subject = subject_of(&state, &site, lang, &query).await?;
    let actor = domain::Actor {
        user_id: signed_in.session.user.id,
        account_type: signed_in.session.user.account_type,
    };
    let input = ReportInput {
        subject_type: subject.kind.to_owned(),
        subject_id: subject.id.to_string(),
        reason: form.reason.clone(),
        details: Some(form.details.clone()).filter(|d| !d.trim().is_empty()),
        evidence_urls: Vec::new(),
        evidence_attachments: Vec::new(),
    };
    let result = state
        .db(move |conn| domain::report::file_report(conn, &actor, input))
        .await;
    let page = |status, errors| form_page(&site, lang, status, &signed_in, &subject, &form, errors);
    match result {
        Ok(_) => Ok(page::render(
            &site,
            lang,
            StatusCode::OK,
            "reported.html",
            Meta {
                title: t(lang, "report.sent_title"),
                noindex: true,
                ..Meta::default()
            },
            minijinja::context! {
                subject_name => subject.name.clone(),
                subject_url => subject.url.clone(),
            },
        )),
        Err(e) if e.status == StatusCode::BAD_REQUEST => {
            let errors = e
                .fields
                .iter()
                .map(|f| (f.field.clone(), field_text(lang, &f.code, &f.message)))
                .collect();
            Ok(page(StatusCode::BAD_REQUEST, errors))
        }
        // Already reported and still open: said on the form.
        Err(e) if e.status == StatusCode::CONFLICT => {
            let text = field_text(lang, e.code, &e.message);
            Ok(page(StatusCode::CONFLICT, vec![("form".into(), text)]))
        }
        Err(e) => Err(PageError::from_api(&site, lang, e)),
    }
}
