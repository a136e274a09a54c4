//! The account links in e-mail, used without signing in: verifying an address and resetting a
//! password. As with the other e-mail links, a GET only shows a page (link scanners open
//! links); only a POST changes anything.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use domain::FieldError;
use domain::account;
use serde::Deserialize;
use utoipa::ToSchema;

use super::email_links::{TokenQuery, form, invalid, page, token_ok};
use super::responses::BadRequest;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;

/// Shows the verification page with a button; changes nothing.
#[utoipa::path(operation_id = "verify_email_address_page", tag = "auth", params(TokenQuery), responses(
    (status = 200, description = "An HTML page with the verify button", content_type = "text/html"),
    (status = 400, response = BadRequest)))]
#[get("/api/v1/email/verify-address")]
pub async fn verify_page(query: web::Query<TokenQuery>) -> ApiResult<HttpResponse> {
    if !token_ok(&query.token) {
        return Err(invalid());
    }
    Ok(page(
        StatusCode::OK,
        "验证邮箱 · Verify your address",
        &form("verify-address", &query.token, "验证 Verify"),
    ))
}

/// Verifies the address the link was sent to.
///
/// The address is the account's own, or a pending change, which then takes effect.
#[utoipa::path(operation_id = "verify_email_address", tag = "auth", params(TokenQuery), responses(
    (status = 200, description = "An HTML page saying the address is verified", content_type = "text/html"),
    (status = 400, description = "invalid_link", body = ErrorBody),
    (status = 409, description = "link_expired, link_superseded, email_taken", body = ErrorBody)))]
#[post("/api/v1/email/verify-address")]
pub async fn verify(
    state: web::Data<AppState>,
    query: web::Query<TokenQuery>,
) -> ApiResult<HttpResponse> {
    if !token_ok(&query.token) {
        return Err(invalid());
    }
    let token = query.into_inner().token;
    let user = state
        .db(move |conn| account::verify_email(conn, &token))
        .await?;
    Ok(page(
        StatusCode::OK,
        "邮箱已验证 · Address verified",
        &format!(
            "<p>{} 已验证。<br>{} is verified.</p>",
            ammonia::clean_text(&user.email),
            ammonia::clean_text(&user.email)
        ),
    ))
}

/// Shows a form for the new password; changes nothing.
#[utoipa::path(operation_id = "reset_password_page", tag = "auth", params(TokenQuery), responses(
    (status = 200, description = "An HTML page with the new-password form", content_type = "text/html"),
    (status = 400, response = BadRequest)))]
#[get("/api/v1/email/reset-password")]
pub async fn reset_page(query: web::Query<TokenQuery>) -> ApiResult<HttpResponse> {
    if !token_ok(&query.token) {
        return Err(invalid());
    }
    Ok(page(
        StatusCode::OK,
        "设置新密码 · Choose a new password",
        &format!(
            "<form method=\"post\" action=\"/api/v1/email/reset-password?token={}\">\
             <label>新密码 New password <input type=\"password\" name=\"new_password\" minlength=\"10\" required autocomplete=\"new-password\"></label> \
             <button type=\"submit\">保存 Save</button></form>",
            query.token
        ),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ResetForm {
    pub new_password: String,
}

/// The new-password form's target (form-encoded).
///
/// The new-password form's target (form-encoded; API clients use
/// `POST /api/v1/auth/password-reset/confirm`).
#[utoipa::path(operation_id = "reset_password_form", tag = "auth", params(TokenQuery), request_body(content = ResetForm, content_type = "application/x-www-form-urlencoded"), responses(
    (status = 200, description = "An HTML page saying the password is set", content_type = "text/html"),
    (status = 400, description = "invalid_link, validation_failed", body = ErrorBody),
    (status = 409, description = "link_expired, link_superseded", body = ErrorBody)))]
#[post("/api/v1/email/reset-password")]
pub async fn reset(
    state: web::Data<AppState>,
    query: web::Query<TokenQuery>,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    if !token_ok(&query.token) {
        return Err(invalid());
    }
    let token = query.into_inner().token;
    let password = form_field(&body, "new_password").ok_or_else(|| {
        ApiError::validation(vec![FieldError::new(
            "new_password",
            "required",
            "send the new password as the form field new_password",
        )])
    })?;
    state
        .db(move |conn| account::reset_password(conn, &token, &password))
        .await?;
    Ok(page(
        StatusCode::OK,
        "密码已更新 · Password changed",
        "<p>请用新密码登录；其他设备上的登录已全部退出。<br>Sign in with the new password; every other session was signed out.</p>",
    ))
}

/// One field of an `application/x-www-form-urlencoded` body (what the page's form sends).
fn form_field(body: &[u8], name: &str) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    text.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(&s.replace('+', " "))
                .decode_utf8()
                .ok()
                .map(|v| v.into_owned())
        };
        (decode(key)? == name).then(|| decode(value)).flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::form_field;

    #[test]
    fn form_fields_are_decoded() {
        let body = b"a=1&new_password=Lantern+Harbor%2142&b=";
        assert_eq!(
            form_field(body, "new_password").as_deref(),
            Some("Lantern Harbor!42")
        );
        assert_eq!(form_field(body, "missing"), None);
        assert_eq!(form_field(b"\xff=1", "x"), None);
    }
}
