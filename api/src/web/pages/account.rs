//! Signing in and out, registration and the account page. The rules are the API's: the same
//! throttles (`limits::guards`), password rules and account types (`domain::account`), and
//! registration answers the same whether or not the address already has an account.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use domain::account::{self, AccountError, Registration};
use serde::Deserialize;

use super::{PageResult, lang_of};
use crate::error::ApiError;
use crate::state::AppState;
use crate::web::errors::PageError;
use crate::web::forms::{self, check_cookie_csrf, check_session_csrf, cookie_token, local_next};
use crate::web::i18n::t;
use crate::web::lang::Lang;
use crate::web::page::{self, Meta};
use crate::web::session::{self, SignedIn};
use crate::web::site::Site;

/// A redirect after a form (303: the browser follows with GET).
pub(crate) fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_owned()))
        .finish()
}

/// The sign-in page that comes back to `next` afterwards.
pub(crate) fn signin_then(lang: Lang, next: &str) -> HttpResponse {
    let q = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
    see_other(&format!("/{}/signin?{q}", lang.code()))
}

/// The signed-in visitor, or the redirect to the sign-in page that comes back here.
pub(crate) async fn require_session(
    state: &AppState,
    site: &web::Data<Site>,
    req: &HttpRequest,
) -> Result<Result<SignedIn, HttpResponse>, PageError> {
    let lang = lang_of(req);
    match session::current(state, req)
        .await
        .map_err(|e| PageError::from_api(site, lang, e))?
    {
        Some(s) => Ok(Ok(s)),
        None => {
            let here = match req.query_string() {
                "" => req.path().to_owned(),
                q => format!("{}?{q}", req.path()),
            };
            Ok(Err(signin_then(lang, &here)))
        }
    }
}

pub(crate) fn private_meta(title: String) -> Meta {
    Meta {
        title,
        noindex: true,
        ..Meta::default()
    }
}

/// A field error in the visitor's language: the catalog's text for its code, else the
/// domain's message.
pub(crate) fn field_text(lang: Lang, code: &str, message: &str) -> String {
    let key = format!("form.error.{code}");
    let text = t(lang, &key);
    if text == key {
        message.to_owned()
    } else {
        text
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct NextQuery {
    pub next: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct SigninForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub csrf: String,
    pub next: Option<String>,
}

fn signin_page(
    state: &AppState,
    site: &web::Data<Site>,
    req: &HttpRequest,
    status: StatusCode,
    email: &str,
    next: &str,
    error: Option<String>,
) -> Result<HttpResponse, PageError> {
    signed_out_form(
        state,
        site,
        req,
        status,
        "signin.html",
        "account.signin_title",
        |csrf| minijinja::context! { csrf, email, next, error },
    )
}

/// A form page for a visitor without a session: the form's CSRF token, and the `tf_csrf`
/// cookie it must match when the visitor has none yet.
pub(crate) fn signed_out_form(
    state: &AppState,
    site: &web::Data<Site>,
    req: &HttpRequest,
    status: StatusCode,
    template: &str,
    title_key: &str,
    context: impl FnOnce(String) -> minijinja::Value,
) -> Result<HttpResponse, PageError> {
    let lang = lang_of(req);
    let (csrf, cookie) = cookie_token(state, req).map_err(|_| internal(site, lang))?;
    let mut response = page::render(
        site,
        lang,
        status,
        template,
        private_meta(t(lang, title_key)),
        context(csrf),
    );
    if let Some(c) = cookie {
        let _ = response.add_cookie(&c);
    }
    Ok(response)
}

pub(crate) fn internal(site: &web::Data<Site>, lang: Lang) -> PageError {
    PageError::new(site, lang, StatusCode::INTERNAL_SERVER_ERROR)
}

pub async fn signin_form(
    req: HttpRequest,
    site: web::Data<Site>,
    state: web::Data<AppState>,
    query: web::Query<NextQuery>,
) -> PageResult {
    let lang = lang_of(&req);
    let next = local_next(query.next.as_deref(), lang);
    signin_page(&state, &site, &req, StatusCode::OK, "", &next, None)
}

pub async fn signin(
    req: HttpRequest,
    site: web::Data<Site>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> PageResult {
    let lang = lang_of(&req);
    let form: SigninForm = forms::parse(&site, lang, &body)?;
    check_cookie_csrf(&req, &site, lang, &form.csrf)?;
    let next = local_next(form.next.as_deref(), lang);
    crate::limits::guards::check_login(&state, &req, &form.email)
        .await
        .map_err(|e| PageError::from_api(&site, lang, e))?;
    let (email, password) = (form.email.clone(), form.password);
    let outcome = state
        .db(move |conn| -> Result<_, AccountError> {
            match account::authenticate(conn, &email, &password) {
                Ok(user) => {
                    let pending = !domain::policy::pending_for(conn, user.id)?.is_empty();
                    Ok(Some((account::start_web_session(conn, user.id)?, pending)))
                }
                Err(AccountError::InvalidCredentials | AccountError::Disabled) => Ok(None),
                Err(e) => Err(e),
            }
        })
        .await
        .map_err(|e| PageError::from_api(&site, lang, e))?;
    match outcome {
        // One message for a wrong address, a wrong password and a disabled account.
        None => signin_page(
            &state,
            &site,
            &req,
            StatusCode::UNAUTHORIZED,
            &form.email,
            &next,
            Some(t(lang, "account.signin_failed")),
        ),
        Some((started, pending)) => {
            // A newer version of the terms or the privacy notice is asked first.
            let next = if pending {
                let q = serde_urlencoded::to_string([("next", next.as_str())]).unwrap_or_default();
                format!("/{}/account/policies?{q}", lang.code())
            } else {
                next
            };
            let mut response = see_other(&next);
            let _ = response.add_cookie(&session::session_cookie(&state, started.token));
            Ok(response)
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub account_type: String,
    /// The terms checkbox: present (`on`) when ticked.
    pub accept_terms: Option<String>,
    #[serde(default)]
    pub csrf: String,
}

/// The documents a new account accepts, as links on the registration form.
#[derive(serde::Serialize)]
struct PolicyLink {
    title: String,
    version: i32,
    url: String,
}

async fn policies_to_accept(
    state: &AppState,
    site: &web::Data<Site>,
    lang: Lang,
) -> Result<Vec<PolicyLink>, PageError> {
    let documents = state
        .db(|conn| domain::policy::required_for_registration(conn).map_err(ApiError::from))
        .await
        .map_err(|e| PageError::from_api(site, lang, e))?;
    Ok(documents
        .into_iter()
        .map(|d| PolicyLink {
            title: lang.pick(Some(&d.title_zh), Some(&d.title_en)).to_owned(),
            version: d.version,
            url: format!("/{}{}", lang.code(), super::policy::policy_path(d.kind)),
        })
        .collect())
}

async fn register_page(
    state: &AppState,
    site: &web::Data<Site>,
    req: &HttpRequest,
    status: StatusCode,
    form: Option<&RegisterForm>,
    errors: Vec<(String, String)>,
) -> Result<HttpResponse, PageError> {
    let policies = policies_to_accept(state, site, lang_of(req)).await?;
    let errors: std::collections::BTreeMap<String, String> = errors.into_iter().collect();
    signed_out_form(
        state,
        site,
        req,
        status,
        "register.html",
        "account.register_title",
        |csrf| {
            minijinja::context! {
                csrf,
                email => form.map(|f| f.email.clone()).unwrap_or_default(),
                display_name => form.map(|f| f.display_name.clone()).unwrap_or_default(),
                account_type => form.map(|f| f.account_type.clone()).unwrap_or_else(|| "buyer".into()),
                accept_terms => form.is_some_and(|f| f.accept_terms.is_some()),
                policies => crate::web::page::v(policies),
                errors,
            }
        },
    )
}

pub async fn register_form(
    req: HttpRequest,
    site: web::Data<Site>,
    state: web::Data<AppState>,
) -> PageResult {
    register_page(&state, &site, &req, StatusCode::OK, None, Vec::new()).await
}

pub async fn register(
    req: HttpRequest,
    site: web::Data<Site>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> PageResult {
    let lang = lang_of(&req);
    let form: RegisterForm = forms::parse(&site, lang, &body)?;
    check_cookie_csrf(&req, &site, lang, &form.csrf)?;
    let input = Registration {
        email: form.email.clone(),
        password: form.password.clone(),
        display_name: form.display_name.clone(),
        account_type: form.account_type.clone(),
        accept_terms: form.accept_terms.is_some(),
    };
    let settings = state.config.mail_settings();
    let result = state
        .db(move |conn| account::register(conn, input, &settings))
        .await;
    match result {
        Ok(_) => {
            state.mail.wake();
            let email = account::normalize_email(&form.email).unwrap_or_default();
            Ok(page::render(
                &site,
                lang,
                StatusCode::OK,
                "registered.html",
                private_meta(t(lang, "account.registered_title")),
                minijinja::context! { email },
            ))
        }
        Err(ApiError { fields, status, .. }) if status == StatusCode::BAD_REQUEST => {
            let errors = fields
                .iter()
                .map(|f| (f.field.clone(), field_text(lang, &f.code, &f.message)))
                .collect();
            register_page(
                &state,
                &site,
                &req,
                StatusCode::BAD_REQUEST,
                Some(&form),
                errors,
            )
            .await
        }
        Err(e) => Err(PageError::from_api(&site, lang, e)),
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct CsrfForm {
    #[serde(default)]
    pub csrf: String,
}

pub async fn signout(
    req: HttpRequest,
    site: web::Data<Site>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> PageResult {
    let lang = lang_of(&req);
    let form: CsrfForm = forms::parse(&site, lang, &body)?;
    let home = format!("/{}/", lang.code());
    let Some(signed_in) = session::current(&state, &req)
        .await
        .map_err(|e| PageError::from_api(&site, lang, e))?
    else {
        // Already signed out: nothing to protect, just go home.
        let mut response = see_other(&home);
        let _ = response.add_cookie(&session::cleared_session_cookie(&state));
        return Ok(response);
    };
    check_session_csrf(&req, &site, lang, &signed_in.session.csrf_token, &form.csrf)?;
    let token = signed_in.token;
    state
        .db(move |conn| account::end_web_session(conn, &token))
        .await
        .map_err(|e| PageError::from_api(&site, lang, e))?;
    let mut response = see_other(&home);
    let _ = response.add_cookie(&session::cleared_session_cookie(&state));
    Ok(response)
}
