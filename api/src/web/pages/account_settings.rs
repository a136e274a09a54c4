//! The account page and what its owner changes there: the password (the current one required),
//! the e-mail address (effective once the link sent to the new one is followed), and asking for
//! the verification link again. The rules and throttles are the API's (`domain::account`,
//! `limits::guards`).

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use domain::account;
use serde::Deserialize;

use super::account::{CsrfForm, field_text, private_meta, require_session, see_other, signin_then};
use super::{PageResult, lang_of};
use crate::error::ApiError;
use crate::state::AppState;
use crate::web::errors::PageError;
use crate::web::forms::{self, check_session_csrf};
use crate::web::i18n::t;
use crate::web::lang::Lang;
use crate::web::page;
use crate::web::session::{self, SignedIn};
use crate::web::site::Site;

/// Which change the page reports as done (after the redirect that follows a form).
#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    pub done: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    pub current_password: String,
    #[serde(default)]
    pub new_password: String,
    #[serde(default)]
    pub csrf: String,
}

#[derive(Debug, Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub current_password: String,
    #[serde(default)]
    pub csrf: String,
}

/// The notices a redirect back to the account page may name.
fn notice_text(lang: Lang, done: Option<&str>) -> Option<String> {
    let key = match done? {
        "password" => "account.password_changed",
        "email" => "account.email_change_sent",
        "verification" => "account.verification_sent",
        "verified" => "account.already_verified",
        _ => return None,
    };
    Some(t(lang, key))
}

/// What the account page tells above its forms.
#[derive(Debug, Default)]
struct Notices {
    /// The change a redirect reports as done.
    done: Option<String>,
    /// Newer terms or privacy notice not accepted yet: the page links to them.
    pending_policies: bool,
}

/// The account page; `errors` are keyed by form (`pw_…`, `em_…`) and field, since two forms
/// share the page and both have a `current_password`.
fn render(
    site: &web::Data<Site>,
    lang: Lang,
    signed_in: &SignedIn,
    status: StatusCode,
    notices: Notices,
    errors: BTreeMap<String, String>,
    new_email: &str,
) -> HttpResponse {
    let user = &signed_in.session.user;
    page::render(
        site,
        lang,
        status,
        "account.html",
        private_meta(t(lang, "account.title")),
        minijinja::context! {
            csrf => signed_in.session.csrf_token.clone(),
            display_name => user.display_name.clone(),
            email => user.email.clone(),
            pending_email => user.pending_email.clone(),
            email_verified => signed_in.session.email_verified,
            account_type => user.account_type.as_str(),
            notice => notices.done,
            errors,
            new_email,
            pending_policies => notices.pending_policies,
        },
    )
}

pub async fn account_page(
    req: HttpRequest,
    site: web::Data<Site>,
    state: web::Data<AppState>,
    query: web::Query<DoneQuery>,
) -> PageResult {
    let lang = lang_of(&req);
    let signed_in = match require_session(&state, &site, &req).await? {
        Ok(s) => s,
        Err(redirect) => return Ok(redirect),
    };
    let notice = notice_text(lang, query.done.as_deref());
    let pending_policies =
        !super::policy_acceptance::pending_of(&state, &site, lang, signed_in.session.user.id)
            .await?
            .is_empty();
    Ok(render(
        &site,
        lang,
        &signed_in,
        StatusCode::OK,
        Notices {
            done: notice,
            pending_policies,
        },
        BTreeMap::new(),
        "",
    ))
}

/// Field errors of one form of the page, keyed `{prefix}_{field}`; `None` when the failure is
/// not about the fields.
fn form_errors(lang: Lang, prefix: &str, e: &ApiError) -> Option<BTreeMap<String, String>> {
    (e.status == StatusCode::BAD_REQUEST && !e.fields.is_empty()).then(|| {
        e.fields
            .iter()
            .map(|f| {
                (
                    format!("{prefix}_{}", f.field),
                    field_text(lang, &f.code, &f.message),
                )
            })
            .collect()
    })
}

pub(crate) async fn signed_in_or_none(
    state: &AppState,
    site: &web::Data<Site>,
    req: &HttpRequest,
) -> Result<Option<SignedIn>, PageError> {
    session::current(state, req)
        .await
        .map_err(|e| PageError::from_api(site, lang_of(req), e))
}

fn account_url(lang: Lang, done: &str) -> String {
    format!("/{}/account?done={done}", lang.code())
}

/// Changes the password. Every session of the account ends, this browser's too; this browser
/// then gets a new session of its own, as the API hands the caller new tokens.
pub async fn change_password(
    req: HttpRequest,
    site: web::Data<Site>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> PageResult {
    let lang = lang_of(&req);
    let form: PasswordForm = forms::parse(&site, lang, &body)?;
    let Some(signed_in) = signed_in_or_none(&state, &site, &req).await? else {
        // Back to the account page after signing in, not to this form's address.
        return Ok(signin_then(lang, &format!("/{}/account", lang.code())));
    };
    check_session_csrf(&req, &site, lang, &signed_in.session.csrf_token, &form.csrf)?;
    let id = signed_in.session.user.id;
    crate::limits::guards::check_password_change(&state, id)
        .await
        .map_err(|e| PageError::from_api(&site, lang, e))?;
    let (current, new) = (form.current_password, form.new_password);
    let result = state
        .db(move |conn| -> Result<_, account::AccountError> {
            account::change_password(conn, id, &current, &new)?;
            account::start_web_session(conn, id)
        })
        .await;
    match result {
        Ok(started) => {
            let mut response = see_other(&account_url(lang, "password"));
            let _ = response.add_cookie(&session::session_cookie(&state, started.token));
            Ok(response)
        }
        Err(e) => match form_errors(lang, "pw", &e) {
            Some(errors) => Ok(render(
                &site,
                lang,
                &signed_in,
                StatusCode::BAD_REQUEST,
                // The form's error is the point here; notices wait for the next visit.
                Notices::default(),
                errors,
                "",
            )),
            None => Err(PageError::from_api(&site, lang, e)),
        },
    }
}

/// Asks to switch to a new address: a link goes to it, and nothing changes until it is
/// followed. The answer is the same when the new address already has an account.
pub async fn change_email(
    req: HttpRequest,
    site: web::Data<Site>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> PageResult {
    let lang = lang_of(&req);
    let form: EmailForm = forms::parse(&site, lang, &body)?;
    let Some(signed_in) = signed_in_or_none(&state, &site, &req).await? else {
        // Back to the account page after signing in, not to this form's address.
        return Ok(signin_then(lang, &format!("/{}/account", lang.code())));
    };
    check_session_csrf(&req, &site, lang, &signed_in.session.csrf_token, &form.csrf)?;
    let id = signed_in.session.user.id;
    crate::limits::guards::check_verification_mail(&state, id)
        .await
        .map_err(|e| PageError::from_api(&site, lang, e))?;
    let settings = state.config.mail_settings();
    let (email, current) = (form.email.clone(), form.current_password);
    let result = state
        .db(move |conn| account::request_email_change(conn, id, &email, &current, &settings))
        .await;
    match result {
        Ok(_) => {
            state.mail.wake();
            Ok(see_other(&account_url(lang, "email")))
        }
        Err(e) => match form_errors(lang, "em", &e) {
            Some(errors) => Ok(render(
                &site,
                lang,
                &signed_in,
                StatusCode::BAD_REQUEST,
                // The form's error is the point here; notices wait for the next visit.
                Notices::default(),
                errors,
                &form.email,
            )),
            None => Err(PageError::from_api(&site, lang, e)),
        },
    }
}

/// Sends the verification link again: to the pending new address if there is one, else to the
/// unverified current one.
pub async fn resend_verification(
    req: HttpRequest,
    site: web::Data<Site>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> PageResult {
    let lang = lang_of(&req);
    let form: CsrfForm = forms::parse(&site, lang, &body)?;
    let Some(signed_in) = signed_in_or_none(&state, &site, &req).await? else {
        // Back to the account page after signing in, not to this form's address.
        return Ok(signin_then(lang, &format!("/{}/account", lang.code())));
    };
    check_session_csrf(&req, &site, lang, &signed_in.session.csrf_token, &form.csrf)?;
    let id = signed_in.session.user.id;
    crate::limits::guards::check_verification_mail(&state, id)
        .await
        .map_err(|e| PageError::from_api(&site, lang, e))?;
    let settings = state.config.mail_settings();
    let sent = state
        .db(move |conn| account::resend_verification(conn, id, &settings))
        .await
        .map_err(|e| PageError::from_api(&site, lang, e))?;
    if sent {
        state.mail.wake();
        Ok(see_other(&account_url(lang, "verification")))
    } else {
        Ok(see_other(&account_url(lang, "verified")))
    }
}
