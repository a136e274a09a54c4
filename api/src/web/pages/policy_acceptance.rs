//! Accepting a newer version of the terms or the privacy notice (guideline 第十二、十三条): an
//! account that has not accepted the current version is sent here after signing in, and the
//! account page links here; what it accepts is recorded as registration records it
//! (`domain::policy::accept_current`, the API's `POST /api/v1/me/policy-acceptances`).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use domain::policy::{self, PolicyDocument, PolicyError, PolicyKind};
use serde::Deserialize;

use super::account::{private_meta, require_session, see_other, signin_then};
use super::account_settings::signed_in_or_none;
use super::{PageResult, lang_of};
use crate::error::ApiError;
use crate::state::AppState;
use crate::web::errors::PageError;
use crate::web::forms::{self, check_session_csrf, local_next};
use crate::web::i18n::t;
use crate::web::lang::Lang;
use crate::web::page;
use crate::web::session::SignedIn;
use crate::web::site::Site;

#[derive(Debug, Default, Deserialize)]
pub struct NextQuery {
    pub next: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    pub csrf: String,
    pub next: Option<String>,
    /// The versions shown on the page, one hidden field per kind.
    pub terms_version: Option<String>,
    pub privacy_version: Option<String>,
}

/// Where the page sends the account once nothing is left to accept.
fn next_of(next: Option<&str>, lang: Lang) -> String {
    match next {
        Some(_) => local_next(next, lang),
        None => format!("/{}/account", lang.code()),
    }
}

#[derive(serde::Serialize)]
struct Pending {
    kind: &'static str,
    title: String,
    version: i32,
    change_note: String,
    url: String,
}

fn render(
    site: &web::Data<Site>,
    lang: Lang,
    signed_in: &SignedIn,
    status: StatusCode,
    pending: Vec<PolicyDocument>,
    next: &str,
    error: Option<String>,
) -> HttpResponse {
    let pending: Vec<Pending> = pending
        .into_iter()
        .map(|d| Pending {
            kind: d.kind.as_str(),
            title: lang.pick(Some(&d.title_zh), Some(&d.title_en)).to_owned(),
            version: d.version,
            change_note: d.change_note,
            url: format!("/{}{}", lang.code(), super::policy::policy_path(d.kind)),
        })
        .collect();
    page::render(
        site,
        lang,
        status,
        "accept_policies.html",
        private_meta(t(lang, "policy.accept_title")),
        minijinja::context! {
            csrf => signed_in.session.csrf_token.clone(),
            pending => crate::web::page::v(pending),
            next,
            error,
        },
    )
}

/// The versions `user_id` has yet to accept (also the account page's notice).
pub(crate) async fn pending_of(
    state: &AppState,
    site: &web::Data<Site>,
    lang: Lang,
    user_id: uuid::Uuid,
) -> Result<Vec<PolicyDocument>, PageError> {
    state
        .db(move |conn| policy::pending_for(conn, user_id).map_err(ApiError::from))
        .await
        .map_err(|e| PageError::from_api(site, lang, e))
}

pub async fn accept_form(
    req: HttpRequest,
    site: web::Data<Site>,
    state: web::Data<AppState>,
    query: web::Query<NextQuery>,
) -> PageResult {
    let lang = lang_of(&req);
    let signed_in = match require_session(&state, &site, &req).await? {
        Ok(s) => s,
        Err(redirect) => return Ok(redirect),
    };
    let next = next_of(query.next.as_deref(), lang);
    let pending = pending_of(&state, &site, lang, signed_in.session.user.id).await?;
    if pending.is_empty() {
        return Ok(see_other(&next));
    }
    Ok(render(
        &site,
        lang,
        &signed_in,
        StatusCode::OK,
        pending,
        &next,
        None,
    ))
}

pub async fn accept(
    req: HttpRequest,
    site: web::Data<Site>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> PageResult {
    let lang = lang_of(&req);
    let form: AcceptForm = forms::parse(&site, lang, &body)?;
    let next = next_of(form.next.as_deref(), lang);
    let Some(signed_in) = signed_in_or_none(&state, &site, &req).await? else {
        return Ok(signin_then(
            lang,
            &format!("/{}/account/policies", lang.code()),
        ));
    };
    check_session_csrf(&req, &site, lang, &signed_in.session.csrf_token, &form.csrf)?;
    let mut accepted = Vec::new();
    for (kind, version) in [
        (PolicyKind::Terms, form.terms_version.as_deref()),
        (PolicyKind::Privacy, form.privacy_version.as_deref()),
    ] {
        let Some(version) = version.filter(|v| !v.is_empty()) else {
            continue;
        };
        let Ok(version) = version.parse::<i32>() else {
            return Err(PageError::new(&site, lang, StatusCode::BAD_REQUEST));
        };
        accepted.push((kind, version));
    }
    let user_id = signed_in.session.user.id;
    let outcome = state
        .db(move |conn| -> Result<_, ApiError> {
            // All or nothing: a page that showed one outdated version accepts neither.
            domain::db::transaction(conn, |conn| {
                for (kind, version) in &accepted {
                    policy::accept_current(conn, user_id, *kind, *version)?;
                }
                Ok::<_, PolicyError>(())
            })
            .map_or_else(
                |e| match e {
                    PolicyError::Outdated | PolicyError::NotFound => Ok(false),
                    other => Err(ApiError::from(other)),
                },
                |()| Ok(true),
            )
        })
        .await
        .map_err(|e| PageError::from_api(&site, lang, e))?;
    let pending = pending_of(&state, &site, lang, user_id).await?;
    if pending.is_empty() {
        return Ok(see_other(&next));
    }
    // A newer version was published while the page was open, or a kind was left out: the page
    // again, with what is current now.
    let error = (!outcome).then(|| t(lang, "policy.accept_outdated"));
    Ok(render(
        &site,
        lang,
        &signed_in,
        StatusCode::CONFLICT,
        pending,
        &next,
        error,
    ))
}
