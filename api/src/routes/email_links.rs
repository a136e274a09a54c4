//! The links in e-mail, used without signing in: the double opt-in confirmation, one-click
//! unsubscribe (RFC 8058) and the preferences page. A GET only shows a page (link scanners
//! open links); only a POST changes anything.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use domain::lead_alerts::{self, LeadConsent, LeadMailError};
use serde::Deserialize;
use utoipa::IntoParams;

use super::responses::BadRequest;
use super::subscriptions::source;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
pub struct TokenQuery {
    /// The signed token from the e-mail.
    pub token: String,
}

/// Tokens are URL-safe base64 and a dot; anything else is refused before it reaches a page.
pub(super) fn token_ok(t: &str) -> bool {
    domain::email::well_formed_token(t)
}

pub(super) fn page(status: StatusCode, title: &str, body: &str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta name=\"robots\" content=\"noindex\">\
             <title>{title}</title></head><body style=\"font-family: sans-serif; max-width: 560px; margin: 40px auto;\">\
             <h1>{title}</h1>{body}</body></html>"
        ))
}

pub(super) fn form(action: &str, token: &str, label: &str) -> String {
    format!(
        "<form method=\"post\" action=\"/api/v1/email/{action}?token={token}\">\
         <input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">\
         <button type=\"submit\">{label}</button></form>"
    )
}

pub(super) fn invalid() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_link",
        "the link is not valid",
    )
}

/// Shows the confirmation page with a button; changes nothing.
#[utoipa::path(operation_id = "confirm_lead_consent_page", tag = "lead e-mail", params(TokenQuery), responses(
    (status = 200, description = "An HTML page with the confirm button", content_type = "text/html"),
    (status = 400, response = BadRequest)))]
#[get("/api/v1/email/confirm")]
pub async fn confirm_page(query: web::Query<TokenQuery>) -> ApiResult<HttpResponse> {
    if !token_ok(&query.token) {
        return Err(invalid());
    }
    Ok(page(
        StatusCode::OK,
        "确认接收商机邮件 · Confirm lead e-mails",
        &format!(
            "<p>确认后，我们将按您的订阅发送匹配的商机邮件。<br>Once you confirm, we send the leads that match your subscriptions.</p>{}",
            form("confirm", &query.token, "确认 Confirm")
        ),
    ))
}

/// Confirms consent (double opt-in) and records when and from where.
#[utoipa::path(operation_id = "confirm_lead_consent", tag = "lead e-mail", params(TokenQuery), responses(
    (status = 200, description = "An HTML page saying consent is confirmed", content_type = "text/html"),
    (status = 400, description = "invalid_link", body = ErrorBody),
    (status = 409, description = "link_expired or link_superseded", body = ErrorBody)))]
#[post("/api/v1/email/confirm")]
pub async fn confirm(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<TokenQuery>,
) -> ApiResult<HttpResponse> {
    if !token_ok(&query.token) {
        return Err(invalid());
    }
    let token = query.into_inner().token;
    let source = source(&req, &state);
    state
        .db(move |conn| lead_alerts::confirm_consent(conn, &token, &source))
        .await?;
    Ok(page(
        StatusCode::OK,
        "已确认 · Confirmed",
        "<p>感谢确认，您将收到匹配的商机邮件。<br>Thank you: matching leads will be e-mailed to you.</p>",
    ))
}

/// Shows the unsubscribe page with a button; changes nothing (link scanners open links).
#[utoipa::path(tag = "lead e-mail", params(TokenQuery), responses(
    (status = 200, description = "An HTML page with the unsubscribe button", content_type = "text/html"),
    (status = 400, response = BadRequest)))]
#[get("/api/v1/email/unsubscribe")]
pub async fn unsubscribe_page(query: web::Query<TokenQuery>) -> ApiResult<HttpResponse> {
    if !token_ok(&query.token) {
        return Err(invalid());
    }
    Ok(page(
        StatusCode::OK,
        "退订商机邮件 · Unsubscribe",
        &form("unsubscribe", &query.token, "退订 Unsubscribe"),
    ))
}

/// One-click unsubscribe (RFC 8058).
///
/// A POST to the signed link, no sign-in, any body (`List-Unsubscribe=One-Click` from mail
/// clients). Takes effect at once.
#[utoipa::path(operation_id = "unsubscribe_lead_email", tag = "lead e-mail", params(TokenQuery), responses(
    (status = 200, description = "An HTML page saying the address is unsubscribed", content_type = "text/html"),
    (status = 400, description = "invalid_link", body = ErrorBody)))]
#[post("/api/v1/email/unsubscribe")]
pub async fn unsubscribe(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<TokenQuery>,
) -> ApiResult<HttpResponse> {
    if !token_ok(&query.token) {
        return Err(invalid());
    }
    let token = query.into_inner().token;
    let source = source(&req, &state);
    state
        .db(move |conn| lead_alerts::unsubscribe_by_link(conn, &token, &source))
        .await?;
    Ok(page(
        StatusCode::OK,
        "已退订 · Unsubscribed",
        "<p>您将不再收到商机邮件。<br>You will get no more lead e-mails.</p>",
    ))
}

/// The preferences page of a preferences link.
///
/// The consent state, the subscriptions, and the unsubscribe button. Changing subscriptions needs
/// signing in (`/api/v1/subscriptions`).
#[utoipa::path(operation_id = "email_preferences_page", tag = "lead e-mail", params(TokenQuery), responses(
    (status = 200, description = "An HTML page", content_type = "text/html"),
    (status = 400, response = BadRequest)))]
#[get("/api/v1/email/preferences")]
pub async fn preferences_page(
    state: web::Data<AppState>,
    query: web::Query<TokenQuery>,
) -> ApiResult<HttpResponse> {
    if !token_ok(&query.token) {
        return Err(invalid());
    }
    let t = query.into_inner().token;
    let (prefs, subs) = state
        .db(move |conn| -> Result<_, LeadMailError> {
            let user = lead_alerts::preferences_link_owner(conn, &t)?;
            let actor = domain::Actor {
                user_id: user,
                account_type: domain::account::AccountType::Buyer,
            };
            let prefs = lead_alerts::preferences_of(conn, user)?;
            let subs = lead_alerts::list_subscriptions(
                conn,
                &actor,
                &domain::paging::PageRequest {
                    limit: 100,
                    after: None,
                },
            )?;
            Ok((prefs, subs.items))
        })
        .await?;
    let rows: String = subs
        .iter()
        .map(|s| {
            format!(
                "<li>{} — {} · {}</li>",
                ammonia::clean_text(&s.name),
                s.frequency.as_str(),
                s.status.as_str()
            )
        })
        .collect();
    let state_text = match prefs.lead_consent {
        LeadConsent::Confirmed => "已订阅 · subscribed",
        LeadConsent::Pending => "待确认 · waiting for confirmation",
        _ => "未订阅 · not subscribed",
    };
    Ok(page(
        StatusCode::OK,
        "邮件偏好 · E-mail preferences",
        &format!(
            "<p>{state_text}</p><ul>{rows}</ul>\
             <p>登录后可修改订阅：/api/v1/subscriptions · Sign in to change subscriptions.</p>"
        ),
    ))
}
