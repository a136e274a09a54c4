//! A forgotten password, and the account links of e-mails, as pages of the site: asking for a
//! reset link, choosing the new password, verifying an address. The rules and throttles are the
//! API's (`domain::account`, `limits::guards`). As with every e-mail link, a GET only shows a
//! form (link scanners open links); only the POST changes anything.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use domain::account;
use domain::email::well_formed_token;
use serde::Deserialize;

use super::account::{field_text, private_meta, signed_out_form};
use super::{PageResult, lang_of};
use crate::error::ApiError;
use crate::state::AppState;
use crate::web::errors::PageError;
use crate::web::forms::{self, check_cookie_csrf};
use crate::web::i18n::t;
use crate::web::lang::Lang;
use crate::web::page;
use crate::web::session;
use crate::web::site::Site;

#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    pub token: String,
}

#[derive(Debug, Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub csrf: String,
}

#[derive(Debug, Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    pub token: String,
    #[serde(default)]
    pub new_password: String,
    #[serde(default)]
    pub csrf: String,
}

#[derive(Debug, Deserialize)]
pub struct VerifyForm {
    #[serde(default)]
    pub token: String,
    #[serde(default)]
    pub csrf: String,
}

/// A page that says one thing, with an optional way on.
pub(crate) fn notice(
    site: &web::Data<Site>,
    lang: Lang,
    status: StatusCode,
    heading_key: &str,
    body: String,
    detail: Option<String>,
    link: Option<(String, String)>,
) -> HttpResponse {
    let (link_href, link_text) = link.unzip();
    page::render(
        site,
        lang,
        status,
        "notice.html",
        private_meta(t(lang, heading_key)),
        minijinja::context! { heading => t(lang, heading_key), body, detail, link_href, link_text },
    )
}

/// What to tell the visitor about a link the domain refused, with the API's status; `None` for
/// any other failure.
fn link_problem(lang: Lang, e: &ApiError) -> Option<(StatusCode, String)> {
    let key = match e.code {
        "invalid_link" => "account.link_invalid",
        "link_expired" => "account.link_expired",
        "link_superseded" => "account.link_superseded",
        "email_taken" => "account.email_taken",
        _ => return None,
    };
    Some((e.status, t(lang, key)))
}

pub async fn forgot_form(
    req: HttpRequest,
    site: web::Data<Site>,
    state: web::Data<AppState>,
) -> PageResult {
    signed_out_form(
        &state,
        &site,
        &req,
        StatusCode::OK,
        "forgot.html",
        "account.forgot_title",
        |csrf| minijinja::context! { csrf, email => "" },
    )
}

/// Sends the link when the address has an active account, and answers the same either way.
pub async fn forgot(
    req: HttpRequest,
    site: web::Data<Site>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> PageResult {
    let lang = lang_of(&req);
    let form: ForgotForm = forms::parse(&site, lang, &body)?;
    check_cookie_csrf(&req, &site, lang, &form.csrf)?;
    crate::limits::guards::check_reset_request(&state, &req, &form.email)
        .await
        .map_err(|e| PageError::from_api(&site, lang, e))?;
    let settings = state.config.mail_settings();
    let email = form.email.clone();
    state
        .db(move |conn| account::request_password_reset(conn, &email, &settings))
        .await
        .map_err(|e| PageError::from_api(&site, lang, e))?;
    state.mail.wake();
    Ok(notice(
        &site,
        lang,
        StatusCode::OK,
        "account.forgot_sent_title",
        t(lang, "account.forgot_sent_body"),
        None,
        Some((
            format!("/{}/signin", lang.code()),
            t(lang, "account.signin_link"),
        )),
    ))
}

fn reset_page(
    state: &AppState,
    site: &web::Data<Site>,
    req: &HttpRequest,
    status: StatusCode,
    token: &str,
    link_error: Option<String>,
    errors: BTreeMap<String, String>,
) -> PageResult {
    signed_out_form(
        state,
        site,
        req,
        status,
        "reset.html",
        "account.reset_title",
        |csrf| minijinja::context! { csrf, token, link_error, errors },
    )
}

pub async fn reset_form(
    req: HttpRequest,
    site: web::Data<Site>,
    state: web::Data<AppState>,
    query: web::Query<TokenQuery>,
) -> PageResult {
    let lang = lang_of(&req);
    if !well_formed_token(&query.token) {
        let error = t(lang, "account.link_invalid");
        return reset_page(
            &state,
            &site,
            &req,
            StatusCode::BAD_REQUEST,
            "",
            Some(error),
            BTreeMap::new(),
        );
    }
    reset_page(
        &state,
        &site,
        &req,
        StatusCode::OK,
        &query.token,
        None,
        BTreeMap::new(),
    )
}

/// Sets the new password; every session of the account ends (this browser's too), so the
/// visitor signs in again with it.
pub async fn reset(
    req: HttpRequest,
    site: web::Data<Site>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> PageResult {
    let lang = lang_of(&req);
    let form: ResetForm = forms::parse(&site, lang, &body)?;
    check_cookie_csrf(&req, &site, lang, &form.csrf)?;
    if !well_formed_token(&form.token) {
        let error = t(lang, "account.link_invalid");
        return reset_page(
            &state,
            &site,
            &req,
            StatusCode::BAD_REQUEST,
            "",
            Some(error),
            BTreeMap::new(),
        );
    }
    let (token, password) = (form.token.clone(), form.new_password);
    let result = state
        .db(move |conn| account::reset_password(conn, &token, &password))
        .await;
    match result {
        Ok(_) => {
            let mut response = notice(
                &site,
                lang,
                StatusCode::OK,
                "account.reset_done_title",
                t(lang, "account.reset_done_body"),
                None,
                Some((
                    format!("/{}/signin", lang.code()),
                    t(lang, "account.signin_link"),
                )),
            );
            let _ = response.add_cookie(&session::cleared_session_cookie(&state));
            Ok(response)
        }
        Err(e) if e.status == StatusCode::BAD_REQUEST && !e.fields.is_empty() => {
            let errors = e
                .fields
                .iter()
                .map(|f| (f.field.clone(), field_text(lang, &f.code, &f.message)))
                .collect();
            reset_page(
                &state,
                &site,
                &req,
                StatusCode::BAD_REQUEST,
                &form.token,
                None,
                errors,
            )
        }
        Err(e) => match link_problem(lang, &e) {
            Some((status, message)) => reset_page(
                &state,
                &site,
                &req,
                status,
                "",
                Some(message),
                BTreeMap::new(),
            ),
            None => Err(PageError::from_api(&site, lang, e)),
        },
    }
}

fn verify_page(
    state: &AppState,
    site: &web::Data<Site>,
    req: &HttpRequest,
    status: StatusCode,
    token: &str,
    link_error: Option<String>,
) -> PageResult {
    signed_out_form(
        state,
        site,
        req,
        status,
        "verify.html",
        "account.verify_title",
        |csrf| minijinja::context! { csrf, token, link_error },
    )
}

pub async fn verify_form(
    req: HttpRequest,
    site: web::Data<Site>,
    state: web::Data<AppState>,
    query: web::Query<TokenQuery>,
) -> PageResult {
    let lang = lang_of(&req);
    if !well_formed_token(&query.token) {
        let error = t(lang, "account.link_invalid");
        return verify_page(
            &state,
            &site,
            &req,
            StatusCode::BAD_REQUEST,
            "",
            Some(error),
        );
    }
    verify_page(&state, &site, &req, StatusCode::OK, &query.token, None)
}

/// Verifies the address the link went to: the account's own, or a pending change, which then
/// takes effect.
pub async fn verify(
    req: HttpRequest,
    site: web::Data<Site>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> PageResult {
    let lang = lang_of(&req);
    let form: VerifyForm = forms::parse(&site, lang, &body)?;
    check_cookie_csrf(&req, &site, lang, &form.csrf)?;
    if !well_formed_token(&form.token) {
        let error = t(lang, "account.link_invalid");
        return verify_page(
            &state,
            &site,
            &req,
            StatusCode::BAD_REQUEST,
            "",
            Some(error),
        );
    }
    let token = form.token.clone();
    match state
        .db(move |conn| account::verify_email(conn, &token))
        .await
    {
        Ok(user) => Ok(notice(
            &site,
            lang,
            StatusCode::OK,
            "account.verified_title",
            t(lang, "account.verified_body"),
            Some(user.email),
            Some((
                format!("/{}/account", lang.code()),
                t(lang, "account.title"),
            )),
        )),
        Err(e) => match link_problem(lang, &e) {
            Some((status, message)) => verify_page(&state, &site, &req, status, "", Some(message)),
            None => Err(PageError::from_api(&site, lang, e)),
        },
    }
}
